"""What changed between two evaluations (the previous meeting and this one)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.core import _AGREEMENT_FIELDS, _core
from evaluation.analysis.frames import _OUT_NAME, _isin, _positions, _sort_groups
from evaluation.analysis.inputs import Params
from evaluation.analysis.rates import _rates_from_core
from evaluation.analysis.triage import _assistance_from_core

#: Without an earlier report, the changes compare with the same data this many months earlier.
BASELINE_MONTHS = 12
#: ``report_parameters.baseline``: what the changes were compared with.
BASELINE_PREVIOUS = "previous_report"
BASELINE_SAME_DATA = "same_data_12m_earlier"
BASELINE_NONE = "none"


def baseline_as_of(as_of: date, months: int = BASELINE_MONTHS) -> date:
    """``as_of`` minus ``months`` calendar months (the day capped at the month's last day:
    2024-02-29 minus 12 months is 2023-02-28).

    >>> baseline_as_of(date(2024, 3, 14))
    datetime.date(2023, 3, 14)
    """
    return (pd.Timestamp(as_of) - pd.DateOffset(months=months)).date()


def compare_snapshots(
    previous: Any, current: Any, prev_params: Params, cur_params: Params
) -> dict[str, pd.DataFrame]:
    """What changed between two evaluations (e.g. the previous meeting and this one).

    Parameters
    ----------
    previous, current
        The three tables of each snapshot (:class:`Tables`, 3-tuple or dict). They may be the
        same data evaluated at two dates, or two data deliveries.
    prev_params, cur_params
        Parameters of each evaluation (usually differing only in ``as_of``).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``new_agreements``: in the current window, not in the previous one (agreement fields).
        ``newly_done``: scope items Terlaksana now that were not before (``agreement_id``,
        ``partner_name``, ``partner_category``, ``scope``, ``previous_status`` (NA if the item
        did not exist), ``first_done_on``). ``newly_ended``: active at the previous ``as_of``,
        ended at the current one (agreement fields, ``followed_up``, ``scope_rate``).
        ``assistance_added``: on the current assistance list only (``agreement_id``,
        ``partner_name``, ``partner_category``, ``reasons`` and the fields that explain them:
        ``months_since_signing``, ``last_activity_on``, ``ends_on``, ``scope_items``,
        ``scope_items_done``). ``assistance_removed``: on the previous list only (same fields from
        the previous list, plus ``change``: ``ended``, ``resolved`` or ``not_in_current``).
        ``summary``: ``metric``, ``unit`` (``fraction`` or ``count``), ``previous``,
        ``current``, ``change`` (percentage points for fractions, difference for counts).
        ``by_category``: per category, previous/current follow-up and scope rates with their
        n and the change in percentage points.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    prev = _core(previous, prev_params)
    cur = _core(current, cur_params)
    ps, cs = prev.summary, cur.summary

    # Columns are selected before rows are: filtering the wide core frames costs more.
    new = ~_isin(cs["agreement_id"], ps["agreement_id"])
    new_agreements = cs[_AGREEMENT_FIELDS][new].reset_index(drop=True)

    # Scope items done now that were not done before (or did not exist): the items'
    # (agreement, scope) pairs are unique, so looking each up in the previous items is a
    # left merge, in the current items' order.
    keys = ["agreement_id", "scope"]
    ci = cur.items[[*keys, "first_done_on"]][cur.items["_is_done"]]
    at = _positions(prev.items, ci[keys])
    was_done = np.zeros(len(ci), dtype=bool)
    found = at >= 0
    was_done[found] = prev.items["_is_done"].to_numpy(dtype=bool)[at[found]]
    ci, at = ci[~was_done], at[~was_done]
    agreement = _positions(cs, ci[["agreement_id"]])
    newly_done = pd.DataFrame(
        {
            "agreement_id": ci["agreement_id"].array,
            "partner_name": cs["partner_name"].array.take(agreement, allow_fill=True),
            "partner_category": cs["partner_category"].array.take(agreement, allow_fill=True),
            "scope": ci["scope"].array,
            "previous_status": pd.array(
                prev.items["status"].array.take(at, allow_fill=True), dtype="string"
            ),
            "first_done_on": ci["first_done_on"].to_numpy(),
        }
    )

    was_active = ps.loc[ps["active"], "agreement_id"]
    ended = _isin(cs["agreement_id"], was_active) & ~cs["active"]
    newly_ended = cs[[*_AGREEMENT_FIELDS, "followed_up", "scope_rate"]][ended]
    newly_ended = newly_ended.sort_values(["ends_on", "agreement_id"], kind="stable")

    pa = _assistance_from_core(prev, prev_params)
    ca = _assistance_from_core(cur, cur_params)
    list_cols = [
        "agreement_id",
        "partner_name",
        "partner_category",
        "reasons",
        # the fields the report words the reason codes with
        "months_since_signing",
        "last_activity_on",
        "ends_on",
        "scope_items",
        "scope_items_done",
    ]
    added = ca[list_cols][~_isin(ca["agreement_id"], pa["agreement_id"])]
    removed = pa[list_cols][~_isin(pa["agreement_id"], ca["agreement_id"])].copy()
    cur_active = dict(zip(cs["agreement_id"], cs["active"], strict=True))
    removed["change"] = pd.Series(
        [
            "not_in_current" if a not in cur_active else ("resolved" if cur_active[a] else "ended")
            for a in removed["agreement_id"]
        ],
        index=removed.index,
        dtype="string",
    )

    po = _rates_from_core(prev, prev_params, [], None).iloc[0]
    co = _rates_from_core(cur, cur_params, [], None).iloc[0]
    metrics = [
        ("agreements", "count", po["agreements"], co["agreements"]),
        (
            "agreements_followed_up",
            "count",
            po["agreements_followed_up"],
            co["agreements_followed_up"],
        ),
        ("followup_rate", "fraction", po["followup_rate"], co["followup_rate"]),
        ("scope_items", "count", po["scope_items"], co["scope_items"]),
        ("scope_items_done", "count", po["scope_items_done"], co["scope_items_done"]),
        ("scope_rate", "fraction", po["scope_rate"], co["scope_rate"]),
        ("active", "count", int(ps["active"].sum()), int(cs["active"].sum())),
        ("needs_assistance", "count", len(pa), len(ca)),
    ]
    summary = pd.DataFrame(
        {
            "metric": pd.Series([m[0] for m in metrics], dtype="string"),
            "unit": pd.Series([m[1] for m in metrics], dtype="string"),
            "previous": [float(m[2]) for m in metrics],
            "current": [float(m[3]) for m in metrics],
        }
    )
    factor = np.where(summary["unit"] == "fraction", 100.0, 1.0)
    summary["change"] = (summary["current"] - summary["previous"]) * factor

    pc = _rates_from_core(prev, prev_params, ["partner_category"], True)
    cc = _rates_from_core(cur, cur_params, ["partner_category"], True)
    cols = ["category", "agreements", "followup_rate", "scope_items", "scope_rate"]
    bc = pc[cols].merge(cc[cols], on="category", how="outer", suffixes=("_previous", "_current"))
    bc = _sort_groups(
        bc.rename(columns={"category": "partner_category"}), ["partner_category"], cur.vocab
    ).rename(columns=_OUT_NAME)
    for c in ("agreements", "scope_items"):
        for suf in ("_previous", "_current"):
            bc[c + suf] = pd.to_numeric(bc[c + suf]).fillna(0).astype("int64")
    bc["followup_rate_change_pp"] = (
        bc["followup_rate_current"] - bc["followup_rate_previous"]
    ) * 100
    bc["scope_rate_change_pp"] = (bc["scope_rate_current"] - bc["scope_rate_previous"]) * 100
    by_category = bc[
        [
            "category",
            "agreements_previous",
            "agreements_current",
            "followup_rate_previous",
            "followup_rate_current",
            "followup_rate_change_pp",
            "scope_items_previous",
            "scope_items_current",
            "scope_rate_previous",
            "scope_rate_current",
            "scope_rate_change_pp",
        ]
    ]
    return {
        "new_agreements": new_agreements,
        "newly_done": newly_done,
        "newly_ended": newly_ended.reset_index(drop=True),
        "assistance_added": added.reset_index(drop=True),
        "assistance_removed": removed.reset_index(drop=True),
        "summary": summary,
        "by_category": by_category.reset_index(drop=True),
    }
