"""Agreements to act on: needing monitoring and assistance, ending soon, ended without follow-up.

Reasons are codes (:data:`REASONS`) with the fields that explain them; the report words them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.core import _Core, _core, _memo_rows
from evaluation.analysis.frames import _mask, _months_between
from evaluation.analysis.inputs import Params

#: Assistance reason codes, in the order they are listed.
REASONS = ("no_realisation", "stale", "expiring_low")
#: Triage tiers: the reason that puts an agreement in each tier, most urgent first. An agreement
#: takes the tier of its most urgent reason; further reasons are listed but add no priority.
#: 1 = ending soon with low implementation (renew or close: decide now); 2 = no realised
#: follow-up after the grace period (assist); 3 = realised before but no recent activity (watch).
TIERS = {1: "expiring_low", 2: "no_realisation", 3: "stale"}

ASSISTANCE_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
    "scope_rate",
    "last_activity_on",
    "reasons",
    "priority",
    "tier",
    # extras
    "n_reasons",
    "months_since_signing",
    "months_without_realisation",
    "followed_up",
    "scope_items",
    "scope_items_done",
    "days_left",
    "months_since_last_activity",
    "ends_on_basis",
    "ends_on_assumed",
]
#: Columns of :func:`assistance_by_unit`.
UNIT_COLUMNS = ["unit", "tier_1", "tier_2", "tier_3", "total"]
ENDING_SOON_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
    "days_left",
    "scope_items",
    "scope_items_done",
    "scope_rate",
    "followed_up",
]
ENDED_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
    "scope_items",
    "last_activity_on",
]


def _assistance_from_core(core: _Core, params: Params) -> pd.DataFrame:
    """:func:`needs_assistance` of a core (computed once per core and parameters)."""
    return _memo_rows(core, "assistance", params, _assistance_table, rank="priority")


def _assistance_table(core: _Core, params: Params) -> pd.DataFrame:
    s = core.summary
    as_of = params.as_of_ts
    grace_cut = as_of - pd.DateOffset(months=params.grace_months)
    stale_cut = as_of - pd.DateOffset(months=params.stale_months)
    horizon = as_of + pd.DateOffset(months=params.expiry_months)
    rate0 = s["scope_rate"].fillna(0.0)
    flags = pd.DataFrame(
        {
            "no_realisation": s["active"] & ~s["followed_up"] & (s["signed_on"] < grace_cut),
            "stale": s["active"]
            & (s["signed_on"] <= stale_cut)
            & _mask(s["last_activity_on"].isna() | (s["last_activity_on"] <= stale_cut)),
            "expiring_low": s["active"] & (s["ends_on"] <= horizon) & (rate0 < params.low_rate),
        }
    )
    flagged = flags.any(axis=1)
    sel = s[flagged].copy()
    f = flags[flagged]
    months_done = _months_between(sel["last_done_on"].fillna(sel["signed_on"]), as_of)
    sel["months_without_realisation"] = months_done.where(
        sel["followed_up"], sel["months_since_signing"]
    ).astype("int64")

    reasons = [[c for c in REASONS if flag[c]] for flag in f.to_dict("records")]
    sel["reasons"] = pd.Series(reasons, index=sel.index, dtype="object")
    sel["n_reasons"] = pd.Series([len(r) for r in reasons], index=sel.index, dtype="int64")
    sel["tier"] = pd.Series(
        [min(k for k, code in TIERS.items() if code in r) for r in reasons],
        index=sel.index,
        dtype="int64",
    )
    sel["days_left"] = (sel["ends_on"] - as_of).dt.days.astype("Int64")
    # The end date was not in the register: signing + the default term (ingest's no_end_date).
    sel["ends_on_assumed"] = (sel["ends_on_basis"] == "default_term").fillna(False).astype(bool)
    last = sel["last_activity_on"].fillna(sel["signed_on"])
    sel["months_since_last_activity"] = _months_between(last, as_of).astype("int64")
    # Urgency within a tier: tier 1 by the days left; tier 2 by the months without a realised
    # follow-up; tier 3 by the months since the last activity of any status.
    urgency = np.select(
        [sel["tier"] == 1, sel["tier"] == 2],
        [
            sel["days_left"].astype("float64").fillna(np.inf),
            -sel["months_without_realisation"].astype("float64"),
        ],
        -sel["months_since_last_activity"].astype("float64"),
    )
    sel["_urgency"] = urgency
    sel = sel.sort_values(
        ["tier", "_urgency", "ends_on", "agreement_id"],
        ascending=[True, True, True, True],
        kind="stable",
    ).reset_index(drop=True)
    sel["priority"] = np.arange(1, len(sel) + 1, dtype="int64")
    return sel[ASSISTANCE_COLUMNS]


def needs_assistance(tables: Any, params: Params) -> pd.DataFrame:
    """Agreements that need monitoring and assistance, with their reason codes.

    Rules (only active agreements; see the module docstring for the exact boundaries):
    ``no_realisation`` (no Terlaksana activity, signed before ``as_of - grace_months``),
    ``stale`` (no activity in ``(as_of - stale_months, as_of]``, signed on or before
    ``as_of - stale_months``), ``expiring_low`` (ends by ``as_of + expiry_months`` with scope
    rate < ``low_rate``; no scope items = 0).

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        One row per flagged agreement, sorted by ``priority``: by ``tier`` (:data:`TIERS`: the
        tier of the most urgent reason; further reasons add no priority), then by urgency
        within the tier (tier 1: fewest ``days_left``; tier 2: most
        ``months_without_realisation``; tier 3: most ``months_since_last_activity``), then
        end date and id. Columns :data:`ASSISTANCE_COLUMNS`: ``agreement_id``,
        ``partner_name``, ``partner_category``, ``province``, ``unit``, ``signed_on``,
        ``ends_on``, ``scope_rate``, ``last_activity_on``, ``reasons`` (list of codes in
        :data:`REASONS` order; the report words each code with the row's
        ``months_since_signing``, ``last_activity_on``, ``ends_on``, ``scope_items`` and
        ``scope_items_done``), ``priority``, ``tier`` (1, 2, 3), and the extras
        ``n_reasons``, ``months_since_signing``, ``months_without_realisation`` (since
        the last Terlaksana activity, or since signing if none), ``followed_up``,
        ``scope_items``, ``scope_items_done``, ``days_left`` (to ``ends_on``; missing for an
        open end), ``months_since_last_activity`` (any status; since signing if none),
        ``ends_on_basis`` (as in ``agreements``) and ``ends_on_assumed`` (True when the
        register gave no end date and ``ends_on`` is signing + the default term − 1 day).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return _assistance_from_core(_core(tables, params), params)


def assistance_by_unit(assistance: pd.DataFrame) -> pd.DataFrame:
    """Counts of the agreements to act on per responsible unit and tier.

    Parameters
    ----------
    assistance
        :func:`needs_assistance` output (needs ``unit`` and ``tier``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`UNIT_COLUMNS`, one row per unit (a missing unit is its own row, ``unit``
        missing), sorted by tier-1, then tier-2, then tier-3 counts (descending), then unit.
    """
    if not len(assistance):
        return pd.DataFrame(
            {c: pd.Series(dtype="string" if c == "unit" else "int64") for c in UNIT_COLUMNS}
        )
    counts = pd.crosstab(assistance["unit"].fillna("\x00"), assistance["tier"])
    counts = counts.reindex(columns=list(TIERS), fill_value=0)
    out = pd.DataFrame(
        {
            "unit": counts.index.to_series().replace("\x00", pd.NA).astype("string").values,
            "tier_1": counts[1].to_numpy(dtype="int64"),
            "tier_2": counts[2].to_numpy(dtype="int64"),
            "tier_3": counts[3].to_numpy(dtype="int64"),
        }
    )
    out["total"] = out[["tier_1", "tier_2", "tier_3"]].sum(axis=1).astype("int64")
    out["_u"] = out["unit"].fillna("\uffff")
    out = out.sort_values(
        ["tier_1", "tier_2", "tier_3", "_u"], ascending=[False, False, False, True], kind="stable"
    )
    return out[UNIT_COLUMNS].reset_index(drop=True)


def ending_soon(tables: Any, params: Params) -> pd.DataFrame:
    """Active agreements ending on or before ``as_of + expiry_months``.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        Sorted by end date. Columns :data:`ENDING_SOON_COLUMNS`: agreement fields,
        ``days_left`` (days from ``as_of`` to ``ends_on``), ``scope_items``,
        ``scope_items_done``, ``scope_rate``, ``followed_up``.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    s = _core(tables, params).summary
    horizon = params.as_of_ts + pd.DateOffset(months=params.expiry_months)
    sel = s[s["active"] & (s["ends_on"] <= horizon)].copy()
    sel["days_left"] = (sel["ends_on"] - params.as_of_ts).dt.days.astype("int64")
    sel = sel.sort_values(["ends_on", "agreement_id"], kind="stable").reset_index(drop=True)
    return sel[ENDING_SOON_COLUMNS]


def ended_without_followup(tables: Any, params: Params) -> pd.DataFrame:
    """Agreements that ended before ``as_of`` without any Terlaksana activity.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        Sorted by end date. Columns :data:`ENDED_COLUMNS`.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    s = _core(tables, params).summary
    sel = s[~s["active"] & ~s["followed_up"]]
    sel = sel.sort_values(["ends_on", "agreement_id"], kind="stable").reset_index(drop=True)
    return sel[ENDED_COLUMNS].copy()
