"""Time from signing to the first realised follow-up: Kaplan-Meier and competing risk.

The duration of an agreement is the time in months (days / 30.4375) from ``signed_on`` to the
first of:

* its first Terlaksana activity - **the event** (an activity dated before signing counts as 0);
* its end date, when it ended before ``as_of`` without follow-up - **the competing event**
  (it left the register of agreements in force unfollowed);
* ``as_of``, still active without follow-up - **censored** (its outcome is not known yet).

Two estimates are given side by side:

* **Kaplan-Meier** of the share followed up (``1 - S``), the ended agreements counted as
  censored at their end date (the earlier definition, kept so that the columns compare across
  reports): it answers "how soon are agreements followed up, *if they stay in force*", and
  reads higher than what really happened. 95% pointwise intervals from Greenwood's variance
  on the log-log scale (:func:`~evaluation.analysis.survival_stats.greenwood_loglog`).
* **Aalen-Johansen** cumulative incidence of the first follow-up with ending as the competing
  event (:func:`~evaluation.analysis.survival_stats.aalen_johansen`): the share of agreements
  actually followed up within ``t`` months of signing, never above the Kaplan-Meier share.

Groups with fewer than :data:`MIN_CURVE_N` agreements are computed and listed but flagged
``drawn`` False: a curve of two agreements is not shown next to one of 195.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from evaluation.analysis.core import DAYS_PER_MONTH, _core
from evaluation.analysis.frames import _astype, _normalise_by, _ns, _sort_groups
from evaluation.analysis.inputs import Params
from evaluation.analysis.stats import kaplan_meier, km_median, wilson_interval
from evaluation.analysis.survival_stats import aalen_johansen, greenwood_loglog, step_at

#: Smallest group drawn as a curve (smaller groups are listed with ``drawn`` False).
MIN_CURVE_N = 5
#: Months at which the numbers at risk are given.
AT_RISK_MONTHS = (0, 6, 12, 24, 36)
#: Months after which "no follow-up yet" is followed further (:data:`AFTER_COLUMNS`).
AFTER_MONTHS = (6, 12, 24)

KM_SUMMARY_COLUMNS = [
    "group",
    "n",
    "events",
    "censored",
    "median_months",
    "share_followed_within_12m",
    "share_followed_within_24m",
    "is_total",
    # added with the competing-risk estimate
    "ended_without_followup",
    "share_followed_within_12m_low",
    "share_followed_within_12m_high",
    "share_followed_within_24m_low",
    "share_followed_within_24m_high",
    "cumulative_incidence_12m",
    "cumulative_incidence_24m",
    "drawn",
]
KM_CURVE_COLUMNS = [
    "group",
    "months",
    "share_followed_up",
    "is_total",
    "share_low",
    "share_high",
    "at_risk",
    "events",
    "competing",
    "censored",
    "cumulative_incidence",
    "cumulative_incidence_ended",
    "drawn",
]
AT_RISK_COLUMNS = [
    "group",
    "n",
    *[f"at_risk_{m}m" for m in AT_RISK_MONTHS],
    "is_total",
    "drawn",
]
AFTER_COLUMNS = [
    "after_months",
    "without_followup",
    "followed_up_later",
    "share_followed_up_later",
    "share_followed_up_later_low",
    "share_followed_up_later_high",
    "median_months_observed_after",
]
#: Internal group name of the overall estimate (never a label: it holds a NUL character).
_TOTAL = "\0total"


class FollowupTiming(NamedTuple):
    """Result of :func:`time_to_first_followup`."""

    summary: pd.DataFrame
    curve: pd.DataFrame
    at_risk: pd.DataFrame
    after: pd.DataFrame


def durations(tables: Any, params: Params) -> pd.DataFrame:
    """One row per agreement: ``duration`` (months), ``cause`` (1 followed up, 2 ended
    without follow-up, 0 censored at ``as_of``) and the agreement attributes one can group by.
    """
    core = _core(tables, params)
    s = core.summary
    as_of = params.as_of_ts
    end = s["first_done_on"].where(s["followed_up"], s["ends_on"].where(~s["active"], as_of))
    end = _ns(end)
    dur = ((end - s["signed_on"]).dt.days / DAYS_PER_MONTH).clip(lower=0.0).astype("float64")
    cause = np.where(s["followed_up"], 1, np.where(~s["active"], 2, 0)).astype("int64")
    out = s[["agreement_id", "partner_category", "province", "unit", "document_type", "year"]]
    return out.assign(duration=dur, cause=cause)


def _estimate(d: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """Summary row values and the curve (from (0, 0)) of one group."""
    km = kaplan_meier(d["duration"], d["cause"] == 1)
    aj = aalen_johansen(d["duration"], d["cause"])
    gw = greenwood_loglog(km)
    n = len(d)
    curve = pd.DataFrame(
        {
            "months": np.r_[0.0, km["time"].to_numpy()],
            "share_followed_up": np.r_[0.0, 1.0 - km["survival"].to_numpy()],
            "share_low": np.r_[0.0, 1.0 - gw["survival_high"].to_numpy()],
            "share_high": np.r_[0.0, 1.0 - gw["survival_low"].to_numpy()],
            "at_risk": np.r_[n, aj["at_risk"].to_numpy()],
            "events": np.r_[0, aj["events"].to_numpy()],
            "competing": np.r_[0, aj["competing"].to_numpy()],
            "censored": np.r_[0, aj["censored"].to_numpy()],
            "cumulative_incidence": np.r_[0.0, aj["incidence"].to_numpy()],
            "cumulative_incidence_ended": np.r_[0.0, aj["competing_incidence"].to_numpy()],
        }
    )
    times = curve["months"].to_numpy()
    km_done = bool(len(km)) and km["survival"].iloc[-1] == 0
    aj_done = bool(len(aj)) and aj["at_risk"].iloc[-1] == (
        aj["events"].iloc[-1] + aj["competing"].iloc[-1]
    )

    def at(col: str, t: float, settled: bool) -> float:
        return step_at(times, curve[col].to_numpy(dtype="float64"), t, settled=settled)

    row = {
        "n": n,
        "events": int((d["cause"] == 1).sum()),
        "censored": int((d["cause"] != 1).sum()),
        "ended_without_followup": int((d["cause"] == 2).sum()),
        "median_months": km_median(km),
    }
    for h in (12, 24):
        row[f"share_followed_within_{h}m"] = at("share_followed_up", h, km_done) if n else np.nan
        row[f"share_followed_within_{h}m_low"] = at("share_low", h, km_done) if n else np.nan
        row[f"share_followed_within_{h}m_high"] = at("share_high", h, km_done) if n else np.nan
        row[f"cumulative_incidence_{h}m"] = at("cumulative_incidence", h, aj_done) if n else np.nan
    for m in AT_RISK_MONTHS:
        row[f"at_risk_{m}m"] = int((d["duration"] >= m).sum())
    return row, curve


def time_to_first_followup(
    tables: Any, params: Params, by: str | None = "partner_category"
) -> FollowupTiming:
    """Kaplan-Meier and Aalen-Johansen estimates of the time to the first realised follow-up.

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
        attribute is the group ``<NA>``) and a final overall row (``group`` missing,
        ``is_total`` True): ``n``, ``events`` (followed up), ``censored`` (not followed up:
        still active or ended), ``median_months`` (Kaplan-Meier; nan if not reached),
        ``share_followed_within_12m`` / ``_24m`` (Kaplan-Meier ``1 - S(t)``, nan beyond the
        group's longest observation) with their ``_low`` / ``_high`` Greenwood log-log 95%
        bounds, ``ended_without_followup`` (competing events), ``cumulative_incidence_12m`` /
        ``_24m`` (Aalen-Johansen), ``drawn`` (``n >= MIN_CURVE_N``).
        ``curve``: per group from (0, 0), one row per distinct duration: ``months``,
        ``share_followed_up`` and its bounds ``share_low`` / ``share_high``, ``at_risk`` (just
        before), ``events``, ``competing``, ``censored`` (at that time),
        ``cumulative_incidence`` (of follow-up) and ``cumulative_incidence_ended`` (of
        ending without follow-up), ``is_total``, ``drawn``.
        ``at_risk``: per group (and overall) the numbers still at risk (duration >= t) at
        0, 6, 12, 24 and 36 months.
        ``after``: overall, for ``N`` in :data:`AFTER_MONTHS`: agreements without follow-up
        in their first ``N`` months and still observed after (duration > N), how many were
        followed up later (Wilson 95% interval) and the median months they were observed
        after ``N``.

    Raises
    ------
    ParameterError
        As :func:`rates`, or if ``by`` is ``scope`` or unknown.
    InputError
        If a table lacks a key column.
    """
    by_internal = _normalise_by(by, allow_scope=False)
    core = _core(tables, params)
    df = durations(tables, params)
    total = _estimate(df)
    groups: list[tuple[str, pd.DataFrame, tuple[dict, pd.DataFrame] | None]] = []
    if by_internal:
        col = by_internal[0]
        key = df[col].astype("string").fillna("")
        present = _sort_groups(df[[col]].drop_duplicates(), [col], core.vocab)[col]
        for g in present.astype("string").fillna(""):
            d = df[key == g]
            # A group of every agreement (the one category of a category's report) has the
            # total's rows in the same order, hence its estimate.
            groups.append((str(g), d, total if len(d) == len(df) else None))
    groups.append((_TOTAL, df, total))

    rows, curves, names, lengths = [], [], [], []
    for name, d, est in groups:
        row, curve = est if est is not None else _estimate(d)
        rows.append({"group": name, **row})
        if len(d):
            curves.append(curve)
            names.append(name)
            lengths.append(len(curve))
    summary = _finish(pd.DataFrame(rows), [r["group"] for r in rows])
    if curves:
        curve = pd.concat(curves, ignore_index=True)
    else:
        curve = _estimate(df.iloc[:0])[1].iloc[:0]
    curve = _finish(curve, [n for n, k in zip(names, lengths, strict=True) for _ in range(k)])
    drawn = dict(zip(summary["group"].fillna(_TOTAL), summary["drawn"], strict=True))
    curve["drawn"] = curve["group"].fillna(_TOTAL).map(drawn).astype(bool)
    counts = ["n", "events", "censored", "ended_without_followup"]
    at_risk = summary[AT_RISK_COLUMNS].copy()
    floats = [c for c in KM_SUMMARY_COLUMNS if c.startswith(("share_", "cumulative_", "median_"))]
    summary = _astype(summary, {**{c: "int64" for c in counts}, **dict.fromkeys(floats, "float64")})
    curve = _astype(
        curve,
        {
            "months": "float64",
            **{c: "int64" for c in ("at_risk", "events", "competing", "censored")},
            **{
                c: "float64"
                for c in ("share_followed_up", "share_low", "share_high")
                + ("cumulative_incidence", "cumulative_incidence_ended")
            },
        },
    )
    return FollowupTiming(
        summary[KM_SUMMARY_COLUMNS],
        curve[KM_CURVE_COLUMNS].reset_index(drop=True),
        at_risk.reset_index(drop=True),
        followup_after(df),
    )


def _finish(df: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """``df`` with the column ``group`` (the internal name of each row's group: "" a missing
    attribute, :data:`_TOTAL` the overall estimate) as labels, <NA> for "" and the total,
    the total flagged ``is_total`` and, with a column ``n``, ``drawn``."""
    df = df.copy()
    df["group"] = pd.array([None if g in ("", _TOTAL) else g for g in groups], dtype="string")
    df["is_total"] = np.array([g == _TOTAL for g in groups], dtype=bool)
    if "n" in df:
        df["drawn"] = (df["n"] >= MIN_CURVE_N).astype(bool)
    return df


def followup_after(df: pd.DataFrame, months: tuple[int, ...] = AFTER_MONTHS) -> pd.DataFrame:
    """Of the agreements without follow-up in their first ``N`` months and observed past ``N``
    (duration > N: not followed up, not ended and not censored by then), how many were
    followed up later. ``df`` is :func:`durations` output; one row per ``N`` (:data:`AFTER_COLUMNS`).
    """
    duration = df["duration"].to_numpy(dtype="float64")
    done = (df["cause"] == 1).to_numpy(dtype=bool)
    n, k, median = [], [], []
    for m in months:
        still = duration > m
        n.append(int(still.sum()))
        k.append(int(done[still].sum()))
        median.append(float(pd.Series(duration[still] - m).median()) if n[-1] else np.nan)
    without = np.array(n, dtype="int64")
    later = np.array(k, dtype="int64")
    lo, hi = wilson_interval(later, without)
    return pd.DataFrame(
        {
            "after_months": np.array(months, dtype="int64"),
            "without_followup": without,
            "followed_up_later": later,
            "share_followed_up_later": later / np.where(without > 0, without, np.nan),
            "share_followed_up_later_low": lo,
            "share_followed_up_later_high": hi,
            "median_months_observed_after": np.array(median, dtype="float64"),
        },
        columns=AFTER_COLUMNS,
    )
