"""Time from signing to the first realised follow-up (Kaplan-Meier)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from evaluation.analysis.core import DAYS_PER_MONTH, _core
from evaluation.analysis.frames import _normalise_by, _ns, _sort_groups
from evaluation.analysis.inputs import Params
from evaluation.analysis.stats import kaplan_meier, km_median, km_survival_at

KM_SUMMARY_COLUMNS = [
    "group",
    "n",
    "events",
    "censored",
    "median_months",
    "share_followed_within_12m",
    "share_followed_within_24m",
    "is_total",
]
KM_CURVE_COLUMNS = ["group", "months", "share_followed_up", "is_total"]
#: Internal group name of the overall estimate (never a label: it holds a NUL character).
_TOTAL = "\0total"


class FollowupTiming(NamedTuple):
    """Result of :func:`time_to_first_followup`."""

    summary: pd.DataFrame
    curve: pd.DataFrame


def time_to_first_followup(
    tables: Any, params: Params, by: str | None = "partner_category"
) -> FollowupTiming:
    """Kaplan-Meier estimate of the time from signing to the first realised follow-up.

    Duration in months = days / 30.4375 from ``signed_on`` to the first Terlaksana activity
    (event; an activity dated before signing counts as 0), else censored at ``as_of``, or at
    ``ends_on`` when the agreement ended earlier without follow-up.

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    by
        An agreement attribute (``category``/``partner_category``, ``province``, ``unit``,
        ``document_type``, ``year``) or None for the overall estimate only.

    Returns
    -------
    FollowupTiming
        ``summary``: one row per group that has agreements (vocabulary order; a missing
        attribute is the group ``<NA>``) and a final overall row (``group`` missing, ``is_total`` True); columns ``group``, ``n``, ``events``, ``censored``,
        ``median_months`` (nan if not reached), ``share_followed_within_12m`` and
        ``share_followed_within_24m`` (``1 - S(t)``; nan when ``t`` lies beyond the group's
        longest observation). ``curve``: ``group``, ``months``, ``share_followed_up``
        (cumulative ``1 - S``), ``is_total``, starting at (0, 0) per group, for step plots.

    Raises
    ------
    ParameterError
        As :func:`rates`, or if ``by`` is ``scope`` or unknown.
    InputError
        If a table lacks a key column.
    """
    by_internal = _normalise_by(by, allow_scope=False)
    core = _core(tables, params)
    s = core.summary
    as_of = params.as_of_ts
    end = s["first_done_on"].where(s["followed_up"], s["ends_on"].where(~s["active"], as_of))
    end = _ns(end)
    dur = ((end - s["signed_on"]).dt.days / DAYS_PER_MONTH).clip(lower=0.0).astype("float64")
    df = pd.DataFrame({"duration": dur, "observed": s["followed_up"].astype(bool)})
    groups: list[tuple[str, pd.DataFrame]] = []
    if by_internal:
        col = by_internal[0]
        df["_g"] = s[col].astype("string").fillna("")
        present = _sort_groups(s[[col]].drop_duplicates(), [col], core.vocab)[col]
        for g in present.astype("string").fillna(""):
            groups.append((str(g), df[df["_g"] == g]))
    groups.append((_TOTAL, df))

    rows, curves = [], []
    for name, d in groups:
        km = kaplan_meier(d["duration"], d["observed"])
        n = len(d)
        events = int(d["observed"].sum())
        rows.append(
            {
                "group": name,
                "n": n,
                "events": events,
                "censored": n - events,
                "median_months": km_median(km),
                "share_followed_within_12m": 1.0 - km_survival_at(km, 12.0),
                "share_followed_within_24m": 1.0 - km_survival_at(km, 24.0),
            }
        )
        if n:
            curves.append(
                pd.DataFrame(
                    {
                        "group": [name] * (len(km) + 1),
                        "months": np.r_[0.0, km["time"].to_numpy()],
                        "share_followed_up": np.r_[0.0, 1.0 - km["survival"].to_numpy()],
                    }
                )
            )
    summary = pd.DataFrame(rows, columns=KM_SUMMARY_COLUMNS[:-1])
    summary = summary.astype(
        {"group": "string", "n": "int64", "events": "int64", "censored": "int64"}
    )
    for c in KM_SUMMARY_COLUMNS[4:-1]:
        summary[c] = summary[c].astype("float64")
    if curves:
        curve = pd.concat(curves, ignore_index=True)
    else:
        curve = pd.DataFrame({"group": [], "months": [], "share_followed_up": []})
    curve = curve.astype({"group": "string", "months": "float64", "share_followed_up": "float64"})
    # groups whose attribute is missing (e.g. no province) were labelled "" above
    summary["group"] = summary["group"].mask(summary["group"] == "")
    curve["group"] = curve["group"].mask(curve["group"] == "")
    # the overall estimate: no group label, flagged (the report words it "Semua" / "All")
    for df in (summary, curve):
        total = (df["group"] == _TOTAL).fillna(False).astype(bool)
        df["is_total"] = total
        df["group"] = df["group"].mask(total)
    return FollowupTiming(summary[KM_SUMMARY_COLUMNS], curve[KM_CURVE_COLUMNS])
