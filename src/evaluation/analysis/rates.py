"""Follow-up and scope implementation rates, status shares and headline counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.clustered import CLUSTER_COLUMNS, cluster_arrays
from evaluation.analysis.core import _Core, _core, _memo
from evaluation.analysis.frames import _OUT_NAME, _grouped, _mask, _normalise_by
from evaluation.analysis.inputs import Params
from evaluation.analysis.stats import Z95, wilson_interval

#: Columns of :func:`rates` after the grouping columns: the report columns other tools read (README), then the
#: follow-up rate interval.
RATE_COLUMNS = [
    "agreements",
    "agreements_followed_up",
    "followup_rate",
    "scope_items",
    "scope_items_done",
    "scope_items_in_progress",
    "scope_rate",
    "scope_rate_low",
    "scope_rate_high",
    "followup_rate_low",
    "followup_rate_high",
]
HEADLINE_COLUMNS = ["category", "agreements", "active", "ended", "is_total"]


def _rates_from_core(
    core: _Core, params: Params, by: list[str], keep_empty: bool | None
) -> pd.DataFrame:
    """:func:`rates` of a core (computed once per core, grouping and parameters)."""
    if keep_empty is None:
        keep_empty = by in (["partner_category"], ["scope"], ["year"])
    key = ("rates", params, tuple(by), keep_empty)
    return _memo(core, key, lambda: _rates_table(core, params, list(by), keep_empty))


def _rates_table(core: _Core, params: Params, by: list[str], keep_empty: bool) -> pd.DataFrame:
    if "scope" in by:
        res = _grouped(
            core.items,
            by,
            {
                "agreements": ("agreement_id", "nunique"),
                "agreements_followed_up": ("_is_done", "sum"),
                "scope_items": ("agreement_id", "size"),
                "scope_items_done": ("_is_done", "sum"),
                "scope_items_in_progress": ("_is_prog", "sum"),
            },
            params,
            core.vocab,
            keep_empty,
        )
    else:
        res = _grouped(
            core.summary,
            by,
            {
                "agreements": ("agreement_id", "size"),
                "agreements_followed_up": ("followed_up", "sum"),
                "scope_items": ("scope_items", "sum"),
                "scope_items_done": ("scope_items_done", "sum"),
                "scope_items_in_progress": ("scope_items_in_progress", "sum"),
            },
            params,
            core.vocab,
            keep_empty,
        )
    # One frame built at once (column by column assignment costs more than the arithmetic).
    n = {c: res[c].to_numpy() for c in RATE_COLUMNS if c in res.columns}
    lo_s, hi_s = wilson_interval(n["scope_items_done"], n["scope_items"], Z95)
    lo_f, hi_f = wilson_interval(n["agreements_followed_up"], n["agreements"], Z95)
    computed = {
        "followup_rate": _ratio(n["agreements_followed_up"], n["agreements"]),
        "scope_rate": _ratio(n["scope_items_done"], n["scope_items"]),
        "scope_rate_low": lo_s,
        "scope_rate_high": hi_s,
        "followup_rate_low": lo_f,
        "followup_rate_high": hi_f,
    }
    cols: dict[str, Any] = {_OUT_NAME.get(c, c): res[c] for c in by}
    for c in RATE_COLUMNS:
        cols[c] = computed[c] if c in computed else n[c]
    arrays = cluster_arrays(res, core.items, by)
    for c in CLUSTER_COLUMNS:
        cols[c] = arrays[c]
    return pd.DataFrame(cols, index=res.index)


def _ratio(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """:func:`~evaluation.analysis.frames._rate` of two count arrays (nan where n is 0)."""
    n = n.astype("float64")
    return k.astype("float64") / np.where(n > 0, n, np.nan)


def rates(
    tables: Any,
    params: Params,
    by: str | Sequence[str] | None = None,
    *,
    keep_empty: bool | None = None,
) -> pd.DataFrame:
    """Follow-up and scope implementation rates per group, with Wilson 95% intervals and a
    cluster-aware interval of the scope rate (:mod:`evaluation.analysis.clustered`).

    Parameters
    ----------
    tables
        The three tables (see :func:`scope_item_status`).
    params
        Evaluation parameters.
    by
        Grouping columns: any of ``category`` (alias ``partner_category``), ``scope``,
        ``province``, ``unit``, ``document_type``, ``year`` (signing year). Empty/None: one
        overall row without grouping columns.
    keep_empty
        List groups without agreements (n = 0, rates nan). Default: yes when grouping only by
        category (all vocabulary categories, or ``params.category``), only by scope (all
        vocabulary scopes) or only by year (every year from ``since`` to ``as_of``); otherwise
        only groups that occur.

    Returns
    -------
    pandas.DataFrame
        The grouping columns (``partner_category`` is named ``category``), then
        :data:`RATE_COLUMNS`: ``agreements``, ``agreements_followed_up``, ``followup_rate``,
        ``scope_items``, ``scope_items_done``, ``scope_items_in_progress``, ``scope_rate``,
        ``scope_rate_low``, ``scope_rate_high``, ``followup_rate_low``, ``followup_rate_high``;
        then :data:`~evaluation.analysis.clustered.CLUSTER_COLUMNS`: ``scope_rate_cl_low``,
        ``scope_rate_cl_high`` (95% interval accounting for the clustering of scope items
        within agreements), ``effective_n`` (effective number of independent items),
        ``design_effect`` (items / effective_n) and ``small_group`` (fewer than
        :data:`~evaluation.analysis.clustered.MIN_GROUP_N` agreements: shown, never ranked).
        Rows in vocabulary order (unknown labels after, missing last). When grouping by scope,
        ``agreements`` counts agreements carrying the scope and ``agreements_followed_up``
        those with a Terlaksana activity under it.

    Raises
    ------
    ParameterError
        If ``params`` is invalid or ``by`` names an unknown or repeated column.
    InputError
        If a table lacks a key column.
    """
    by_internal = _normalise_by(by)
    return _rates_from_core(_core(tables, params), params, by_internal, keep_empty)


def rates_by_category(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by ``category`` (all vocabulary categories listed).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["category"])


def rates_by_scope(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by ``scope`` (all vocabulary scopes listed).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["scope"])


def rates_by_category_scope(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by ``category`` x ``scope`` (only combinations that occur).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["category", "scope"])


def rates_by_signing_year(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by signing ``year`` (int), every year from ``since`` to ``as_of`` listed.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["year"])


def overall_rates(
    tables: Any, params: Params, *, label: str | None = None, label_column: str = "category"
) -> pd.DataFrame:
    """One row of overall rates, labelled so it can be appended below a grouped table.

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    label
        Value of the label column (default missing: the row is flagged ``is_total``, and the
        report words it "Semua" / "All").
    label_column
        Name of the label column (default ``category``, to append to
        :func:`rates_by_category`).

    Returns
    -------
    pandas.DataFrame
        ``label_column`` then :data:`RATE_COLUMNS`, the cluster columns and ``is_total``
        (True), one row.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    res = rates(tables, params, None)
    res.insert(0, label_column, pd.Series([label], dtype="string"))
    res["is_total"] = True
    return res


def status_shares(
    tables: Any, params: Params, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Counts and shares of the scope item statuses (long format, for charts).

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    by
        Optional grouping columns as in :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        Grouping columns (``category`` for partner category), ``status`` (every status of the
        vocabulary, in rank order Belum Dilaksanakan, Dalam Proses, Terlaksana, zeros kept),
        ``n`` (scope items with that status), ``share`` (n / scope_items, nan if 0) and
        ``scope_items`` (items of the group). Groups as in :func:`rates`.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    by_internal = _normalise_by(by)
    core = _core(tables, params)
    vocab = core.vocab
    statuses = [t.label for t in sorted(vocab.statuses.terms, key=lambda t: t.rank or 0)]
    items = core.items.copy()
    aggs: dict[str, tuple[str, str]] = {"_total": ("agreement_id", "size")}
    for i, st in enumerate(statuses):
        items[f"_s{i}"] = _mask(items["status"] == st)
        aggs[f"_n{i}"] = (f"_s{i}", "sum")
    keep_empty = by_internal in (["partner_category"], ["scope"], ["year"])
    wide = _grouped(items, by_internal, aggs, params, vocab, keep_empty)
    # Long format: each group's row once per status, in status order.
    k = len(statuses)
    rows = np.repeat(np.arange(len(wide)), k)
    n = np.stack([wide[f"_n{i}"].to_numpy(dtype="int64") for i in range(k)], axis=1).ravel()
    total = wide["_total"].to_numpy(dtype="int64")[rows]
    out = {_OUT_NAME.get(c, c): wide[c].take(rows).reset_index(drop=True) for c in by_internal}
    out["status"] = pd.array(statuses * len(wide), dtype="string")
    out["n"] = n
    out["share"] = _ratio(n, total)
    out["scope_items"] = total
    return pd.DataFrame(out, index=pd.RangeIndex(len(rows)))


def headline_counts(tables: Any, params: Params) -> pd.DataFrame:
    """Agreements per partner category, active and ended, with a total row.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        ``category`` (every vocabulary category in order, zeros kept; only
        ``params.category`` when set), ``agreements``, ``active``, ``ended``; last row
        ``category`` missing and ``is_total`` True with the totals (``is_total`` is False on the
        other rows).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    core = _core(tables, params)
    s = core.summary.assign(_ended=~core.summary["active"])
    aggs = {
        "agreements": ("agreement_id", "size"),
        "active": ("active", "sum"),
        "ended": ("_ended", "sum"),
    }
    per = _grouped(s, ["partner_category"], aggs, params, core.vocab, True)
    tot = _grouped(s, [], aggs, params, core.vocab, True)
    tot.insert(0, "partner_category", pd.Series([pd.NA], dtype="string"))
    out = pd.concat([per, tot], ignore_index=True).rename(columns=_OUT_NAME)
    out["is_total"] = [False] * len(per) + [True]
    return out[HEADLINE_COLUMNS]
