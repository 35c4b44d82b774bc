"""The numbers of the executive summary (the sentences are written by the report)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.core import _core
from evaluation.analysis.inputs import Params
from evaluation.analysis.rates import RATE_COLUMNS, _rates_from_core
from evaluation.analysis.triage import REASONS, _assistance_from_core
from evaluation.errors import ParameterError


def _py(v: Any) -> Any:
    """numpy/pandas scalar -> plain Python (nan stays float nan, NA -> None)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


#: Figures of a group named lowest or highest (keys of its dict in the facts).
GROUP_FACT_KEYS = (
    "scope_rate",
    "scope_rate_low",
    "scope_rate_high",
    "scope_rate_cl_low",
    "scope_rate_cl_high",
    "effective_n",
    "agreements",
    "scope_items",
)


def _clearly_apart(df: pd.DataFrame, col: str, min_n: int) -> dict[str, Any]:
    """The lowest and highest group of ``df`` when its interval clears every other one.

    Only groups with at least ``min_n`` agreements and a rate take part. The group with the
    lowest ``scope_rate`` is named lowest only if the upper bound of its cluster-aware
    interval (``scope_rate_cl_high``) lies below the lower bound (``scope_rate_cl_low``) of
    every other such group; the highest mirrors this. Non-overlapping 95% intervals are a
    conservative criterion (stricter than a test of the difference): a group named in the
    summary differs from every other one beyond doubt.
    """
    ok = df[
        (df["agreements"] >= min_n)
        & df["scope_rate"].notna()
        & df["scope_rate_cl_low"].notna()
        & df["scope_rate_cl_high"].notna()
    ]
    out: dict[str, Any] = {"lowest": None, "highest": None, "compared": len(ok)}
    if len(ok) >= 2:
        order = ok.sort_values(["scope_rate", "agreements"], ascending=[True, False], kind="stable")
        low, rest = order.iloc[0], order.iloc[1:]
        if low["scope_rate_cl_high"] < rest["scope_rate_cl_low"].min():
            out["lowest"] = _group_facts(low, col)
        order = ok.sort_values(
            ["scope_rate", "agreements"], ascending=[False, False], kind="stable"
        )
        high, rest = order.iloc[0], order.iloc[1:]
        if high["scope_rate_cl_low"] > rest["scope_rate_cl_high"].max():
            out["highest"] = _group_facts(high, col)
    out["differs"] = out["lowest"] is not None or out["highest"] is not None
    return out


def _group_facts(r: pd.Series, col: str) -> dict[str, Any]:
    return {"label": str(r[col]), **{k: _py(r[k]) for k in GROUP_FACT_KEYS}}


def executive_summary_facts(tables: Any, params: Params, *, min_n: int = 5) -> dict[str, Any]:
    """The numbers an executive summary needs (the text is written elsewhere).

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    min_n
        Smallest number of agreements for a group (category or scope) to be compared and
        named lowest or highest; smaller groups are too uncertain.

    Returns
    -------
    dict
        Plain Python values: ``as_of``, ``since`` (date); ``total_agreements``, ``active``,
        ``ended``; ``per_category`` (dict label -> agreements, vocabulary order);
        ``agreements_followed_up``, ``followup_rate``, ``followup_rate_low``/``_high``,
        ``scope_items``, ``scope_items_done``, ``scope_rate``, ``scope_rate_low``/``_high``,
        ``scope_rate_cl_low``/``_high``, ``effective_n``, ``design_effect``;
        ``lowest_category``, ``highest_category``, ``lowest_scope``, ``highest_scope`` (dict
        with ``label`` and :data:`GROUP_FACT_KEYS`, or None unless that group's cluster-aware
        interval clears those of all other groups with at least ``min_n`` agreements, see
        :func:`_clearly_apart`); ``category_groups_compared`` / ``scope_groups_compared``
        (groups taking part) and ``category_differs_clearly`` / ``scope_differs_clearly``
        (a lowest or highest group was named); ``needs_assistance`` (count), ``assistance_by_reason``
        (dict code -> count), ``ending_soon``, ``ended_without_followup`` (counts).

    Raises
    ------
    ParameterError
        As :func:`rates`, or if ``min_n`` < 1.
    InputError
        If a table lacks a key column.
    """
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise ParameterError(f"min_n must be a whole number >= 1, got {min_n!r}.", name="min_n")
    core = _core(tables, params)
    s = core.summary
    overall = _rates_from_core(core, params, [], None).iloc[0]
    by_cat = _rates_from_core(core, params, ["partner_category"], True)
    by_scope = _rates_from_core(core, params, ["scope"], True)

    compare = {
        "category": _clearly_apart(by_cat, "category", min_n),
        "scope": _clearly_apart(by_scope, "scope", min_n),
    }

    assistance = _assistance_from_core(core, params)
    horizon = params.as_of_ts + pd.DateOffset(months=params.expiry_months)
    reason_counts = {code: 0 for code in REASONS}
    for codes in assistance["reasons"]:
        for c in codes:
            reason_counts[c] += 1
    facts: dict[str, Any] = {
        "as_of": params.as_of,
        "since": params.since,
        "category": params.category,
        "total_agreements": len(s),
        "active": int(s["active"].sum()),
        "ended": int((~s["active"]).sum()),
        "per_category": {str(r["category"]): int(r["agreements"]) for _, r in by_cat.iterrows()},
    }
    for k in RATE_COLUMNS:
        v = overall[k]
        facts[k] = float(v) if "rate" in k else int(v)
    facts.pop("agreements")
    for k in ("scope_rate_cl_low", "scope_rate_cl_high", "effective_n", "design_effect"):
        facts[k] = float(overall[k])
    facts.update(
        {
            "lowest_category": compare["category"]["lowest"],
            "highest_category": compare["category"]["highest"],
            "category_groups_compared": compare["category"]["compared"],
            "category_differs_clearly": compare["category"]["differs"],
            "lowest_scope": compare["scope"]["lowest"],
            "highest_scope": compare["scope"]["highest"],
            "scope_groups_compared": compare["scope"]["compared"],
            "scope_differs_clearly": compare["scope"]["differs"],
            "needs_assistance": len(assistance),
            "assistance_by_reason": reason_counts,
            "ending_soon": int((s["active"] & (s["ends_on"] <= horizon)).sum()),
            "ended_without_followup": int((~s["active"] & ~s["followed_up"]).sum()),
        }
    )
    return facts
