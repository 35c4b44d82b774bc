"""Agreements to act on: needing monitoring and assistance, ending soon, ended without follow-up.

Reasons are codes (:data:`REASONS`) with the fields that explain them; the report words them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.core import _Core, _core
from evaluation.analysis.frames import _mask, _months_between
from evaluation.analysis.inputs import Params

#: Assistance reason codes, in the order they are listed.
REASONS = ("no_realisation", "stale", "expiring_low")

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
    # extras
    "n_reasons",
    "months_since_signing",
    "months_without_realisation",
    "followed_up",
    "scope_items",
    "scope_items_done",
]
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
    sel = sel.sort_values(
        ["n_reasons", "months_without_realisation", "ends_on", "agreement_id"],
        ascending=[False, False, True, True],
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
        One row per flagged agreement, sorted by ``priority`` (1 = most urgent: most reasons,
        then most ``months_without_realisation``, then earliest end date). Columns
        :data:`ASSISTANCE_COLUMNS`: ``agreement_id``, ``partner_name``, ``partner_category``,
        ``province``, ``unit``, ``signed_on``, ``ends_on``, ``scope_rate``,
        ``last_activity_on``, ``reasons`` (list of codes in :data:`REASONS` order; the report
        words each code with the row's ``months_since_signing``, ``last_activity_on``,
        ``ends_on``, ``scope_items`` and ``scope_items_done``), ``priority``, and the
        extras ``n_reasons``, ``months_since_signing``, ``months_without_realisation`` (since
        the last Terlaksana activity, or since signing if none), ``followed_up``,
        ``scope_items``, ``scope_items_done``.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return _assistance_from_core(_core(tables, params), params)


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
