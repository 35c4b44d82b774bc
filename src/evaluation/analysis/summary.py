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


def executive_summary_facts(tables: Any, params: Params, *, min_n: int = 5) -> dict[str, Any]:
    """The numbers an executive summary needs (the text is written elsewhere).

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    min_n
        Smallest number of agreements (category) or scope items (scope) for a group to be
        named as the lowest; smaller groups are too uncertain.

    Returns
    -------
    dict
        Plain Python values: ``as_of``, ``since`` (date); ``total_agreements``, ``active``,
        ``ended``; ``per_category`` (dict label -> agreements, vocabulary order);
        ``agreements_followed_up``, ``followup_rate``, ``followup_rate_low``/``_high``,
        ``scope_items``, ``scope_items_done``, ``scope_rate``, ``scope_rate_low``/``_high``;
        ``lowest_category`` and ``lowest_scope`` (dict with ``label``, ``scope_rate``,
        ``scope_rate_low``, ``scope_rate_high``, ``agreements``, ``scope_items``, or None when
        no group reaches ``min_n``); ``needs_assistance`` (count), ``assistance_by_reason``
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

    def _lowest(df: pd.DataFrame, col: str, n_col: str) -> dict[str, Any] | None:
        ok = df[(df[n_col] >= min_n) & df["scope_rate"].notna()]
        if ok.empty:
            return None
        r = ok.sort_values(["scope_rate", n_col], ascending=[True, False], kind="stable")
        r = r.iloc[0]
        return {
            "label": str(r[col]),
            **{
                k: _py(r[k])
                for k in (
                    "scope_rate",
                    "scope_rate_low",
                    "scope_rate_high",
                    "agreements",
                    "scope_items",
                )
            },
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
    facts.update(
        {
            "lowest_category": _lowest(by_cat, "category", "agreements"),
            "lowest_scope": _lowest(by_scope, "scope", "scope_items"),
            "needs_assistance": len(assistance),
            "assistance_by_reason": reason_counts,
            "ending_soon": int((s["active"] & (s["ends_on"] <= horizon)).sum()),
            "ended_without_followup": int((~s["active"] & ~s["followed_up"]).sum()),
        }
    )
    return facts
