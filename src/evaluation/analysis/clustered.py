"""Scope implementation rates whose interval accounts for clustering within agreements.

A scope implementation rate counts scope items, but scope items are not independent: the
items of one agreement tend to be realised together (one active partner realises several
scopes, a dormant one none). The item-level Wilson interval (``scope_rate_low`` /
``scope_rate_high``) treats every item as an independent trial and is therefore too narrow
for groups whose agreements carry several scopes. This module adds a cluster-aware interval.

Method (ratio estimator with a linearised cluster-robust variance)
------------------------------------------------------------------
For a group with agreements (clusters) ``i = 1..k`` carrying ``m_i`` scope items of which
``y_i`` are realised:

* rate ``p = Σ y_i / Σ m_i`` (the same ``scope_rate`` as the item-level one);
* cluster-robust variance of ``p`` (Taylor linearisation of the ratio, with the usual
  small-sample factor ``k / (k - 1)``)::

      v_cl = k / (k - 1) * Σ (y_i - p m_i)² / (Σ m_i)²

  which is exactly the cluster-robust ("sandwich") variance of the mean of the item-level
  0/1 outcome grouped by agreement, as a regression package computes it;
* design effect ``deff = v_cl / v_bin`` with the simple binomial variance
  ``v_bin = p (1 - p) / Σ m_i``;
* effective number of items ``n_eff = Σ m_i / deff``, clipped to ``[k, Σ m_i]``: never more
  information than the items themselves, never less than one independent observation per
  agreement;
* the interval is the Wilson score interval of ``p`` at ``n_eff`` trials, so it stays within
  ``[0, 1]`` and behaves at 0% and 100% as the Wilson interval does.

The estimator is deterministic (no resampling). When the design effect cannot be estimated
from the data, the conservative end of the clip is used, ``n_eff = k``: a group of a single
agreement (``k = 1``: the variance formula is undefined) and a group with rate exactly 0 or 1
(no variation, so the within-agreement correlation is unknown). When every agreement
contributes one item (grouping by scope), ``n_eff = Σ m_i`` and the interval equals the
Wilson interval. ``design_effect`` reports ``Σ m_i / n_eff``, the factor actually applied.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.analysis.stats import Z95, wilson_from_rate

#: Smallest group (agreements) that is ranked, coloured or named lowest/highest in the
#: report; smaller groups are shown but flagged ``small_group``.
MIN_GROUP_N = 5
#: Columns added to the rate tables after :data:`~evaluation.analysis.rates.RATE_COLUMNS`.
CLUSTER_COLUMNS = [
    "scope_rate_cl_low",
    "scope_rate_cl_high",
    "effective_n",
    "design_effect",
    "small_group",
]


def cluster_effective_n(m: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Effective number of items and design effect of one group (see the module docstring).

    Parameters
    ----------
    m, y
        Items and realised items per agreement of the group (agreements with ``m_i >= 1``).

    Returns
    -------
    tuple of float
        ``(effective_n, design_effect)``; ``(nan, nan)`` for a group without items.
    """
    m = np.asarray(m, dtype="float64")
    y = np.asarray(y, dtype="float64")
    total = m.sum()
    k = int((m > 0).sum())
    if total <= 0 or k == 0:
        return float("nan"), float("nan")
    p = y.sum() / total
    if k == 1 or p <= 0.0 or p >= 1.0:
        n_eff = float(k)
    else:
        v_cl = k / (k - 1) * float(((y - p * m) ** 2).sum()) / total**2
        v_bin = p * (1.0 - p) / total
        n_eff = float(np.clip(total * v_bin / v_cl, k, total)) if v_cl > 0 else float(total)
    return n_eff, float(total / n_eff)


def cluster_columns(
    items: pd.DataFrame,
    by: list[str],
    done: str = "_is_done",
    cluster: str = "agreement_id",
    z: float = Z95,
) -> pd.DataFrame:
    """Cluster-aware interval columns per group of ``by`` (one row per group with items).

    Parameters
    ----------
    items
        One row per scope item with the ``by`` columns, ``cluster`` and the 0/1 (bool)
        ``done`` column.
    by
        Grouping columns (empty: one overall row).
    done, cluster
        Names of the realised flag and the cluster (agreement) column.
    z
        Normal quantile of the interval (default 95%).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``scope_rate_cl_low``, ``scope_rate_cl_high``, ``effective_n``,
        ``design_effect`` (floats).
    """
    keys = [*by, cluster]
    per = (
        items.assign(_y=items[done].fillna(False).astype("int64"))
        .groupby(keys, dropna=False, sort=False)["_y"]
        .agg(["size", "sum"])
        .reset_index()
    )
    rows = []
    groups = per.groupby(by, dropna=False, sort=False) if by else [((), per)]
    for key, g in groups:
        m = g["size"].to_numpy(dtype="float64")
        y = g["sum"].to_numpy(dtype="float64")
        n_eff, deff = cluster_effective_n(m, y)
        p = y.sum() / m.sum() if m.sum() else float("nan")
        lo, hi = wilson_from_rate([p], [n_eff if np.isfinite(n_eff) else 0.0], z)
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "scope_rate_cl_low": float(lo[0]),
                "scope_rate_cl_high": float(hi[0]),
                "effective_n": n_eff,
                "design_effect": deff,
            }
        )
    cols = [*by, "scope_rate_cl_low", "scope_rate_cl_high", "effective_n", "design_effect"]
    return pd.DataFrame(rows, columns=cols)


def _cluster_by_key(
    items: pd.DataFrame,
    by: list[str],
    done: str = "_is_done",
    cluster: str = "agreement_id",
    z: float = Z95,
) -> dict[str, tuple[float, float, float, float]]:
    """:func:`cluster_columns` as a mapping from each group's text key (:func:`_text_key`) to
    ``(scope_rate_cl_low, scope_rate_cl_high, effective_n, design_effect)``; the same
    numbers: each group's agreements come in the same order (first appearance)."""
    if items.empty:
        return {}
    y_row = items[done].fillna(False).astype("int64").to_numpy()
    group_code = np.zeros(len(items), dtype="int64")
    for col in by:
        c, u = pd.factorize(items[col], use_na_sentinel=True)
        group_code = group_code * (len(u) + 1) + np.where(c < 0, len(u), c)
    c, u = pd.factorize(items[cluster], use_na_sentinel=True)
    pair_code = group_code * (len(u) + 1) + np.where(c < 0, len(u), c)
    pair, firsts = pd.factorize(pair_code)  # (group, agreement) pairs, first appearance
    m_all = np.bincount(pair).astype("float64")
    y_all = np.bincount(pair, weights=y_row.astype("float64"))
    pair_group = group_code[np.unique(pair, return_index=True)[1]]
    _, first_row = np.unique(group_code, return_index=True)
    keys, ps, ns, effs, deffs = [], [], [], [], []
    for g, row in zip(np.unique(group_code), first_row, strict=True):
        sel = pair_group == g
        m, y = m_all[sel], y_all[sel]
        n_eff, deff = cluster_effective_n(m, y)
        ps.append(y.sum() / m.sum() if m.sum() else float("nan"))
        ns.append(n_eff if np.isfinite(n_eff) else 0.0)
        effs.append(n_eff)
        deffs.append(deff)
        keys.append(_text_key([items[col].iloc[row] for col in by]))
    lo, hi = wilson_from_rate(ps, ns, z)
    return {k: (float(lo[i]), float(hi[i]), effs[i], deffs[i]) for i, k in enumerate(keys)}


def _text_key(values: list) -> str:
    """The join key of one group: its labels as text, a sentinel for a missing one."""
    return "\x1f".join("\x00<NA>" if pd.isna(v) else str(v) for v in values)


def cluster_arrays(res: pd.DataFrame, items: pd.DataFrame, by: list[str]) -> dict[str, np.ndarray]:
    """:data:`CLUSTER_COLUMNS` for the groups of ``res`` (a rate table before renaming,
    grouped by ``by``), one array each, in the rows' order.

    Groups without items get missing bounds and ``effective_n``; ``small_group`` is True for
    groups with fewer than :data:`MIN_GROUP_N` agreements (also groups with none).
    """
    cl = _cluster_by_key(items, by)
    names = ("scope_rate_cl_low", "scope_rate_cl_high", "effective_n", "design_effect")
    if by:
        texts = [res[c].astype("string").astype("object").tolist() for c in by]
        found = [cl.get(_text_key(list(v))) for v in zip(*texts, strict=True)]
    else:
        found = [next(iter(cl.values()), None)] * len(res)
    out = {
        c: np.asarray([np.nan if f is None else f[i] for f in found], dtype="float64")
        for i, c in enumerate(names)
    }
    out["small_group"] = (res["agreements"].to_numpy() < MIN_GROUP_N).astype(bool)
    return out


def add_cluster_columns(res: pd.DataFrame, items: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``res`` (a rate table before renaming, grouped by ``by``) with :data:`CLUSTER_COLUMNS`
    (:func:`cluster_arrays`)."""
    out = res.copy()
    for c, vals in cluster_arrays(res, items, by).items():
        out[c] = vals
    return out


__all__ = [
    "CLUSTER_COLUMNS",
    "MIN_GROUP_N",
    "add_cluster_columns",
    "cluster_arrays",
    "cluster_columns",
    "cluster_effective_n",
]
