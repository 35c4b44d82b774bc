"""A trend that compares like with like: follow-up within h months of signing, by cohort.

The follow-up rate by signing year mixes agreements of every age: a cohort signed two months
before ``as_of`` has had no time to be followed up, and its rate plunges for that reason
alone. Here every cohort (signing year) is measured on the same clock:

* an agreement is **observable for h months** when ``signed_on + h`` calendar months is on or
  before ``as_of`` (``pd.DateOffset``: 2023-08-31 + 6 months = 2024-02-29). An agreement that
  ended before ``h`` months without follow-up is observable: whether it was followed up within
  ``h`` months is known (it was not);
* it is **followed up within h months** when its first Terlaksana activity (any scope, dated on
  or before ``as_of``) is on or before ``signed_on + h`` months (an activity dated before
  signing counts);
* the share is ``within_h / observable_h`` with a Wilson 95% interval (agreement level: one
  agreement, one trial, so no clustering). A cohort with no observable agreement has
  ``observable_h = 0`` and a missing share - never 0%.

Each cohort's age at ``as_of`` is given in months (days / 30.4375, as the time to first
follow-up): the median and the minimum over its agreements.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from evaluation.analysis.core import DAYS_PER_MONTH, _core
from evaluation.analysis.inputs import Params
from evaluation.analysis.stats import Z95, wilson_interval

#: Horizons (months after signing) of the cohort table.
HORIZONS = (6, 12)
AGE_COLUMNS = ["age_median_months", "age_min_months"]
COHORT_COLUMNS = [
    "cohort",
    "agreements",
    *[
        c
        for h in HORIZONS
        for c in (
            f"observable_{h}m",
            f"within_{h}m",
            f"share_within_{h}m",
            f"share_within_{h}m_low",
            f"share_within_{h}m_high",
        )
    ],
    *AGE_COLUMNS,
]


def _ages(s: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    return ((as_of - s["signed_on"]).dt.days / DAYS_PER_MONTH).astype("float64")


def cohort_followup(tables: Any, params: Params) -> pd.DataFrame:
    """Share of each signing-year cohort followed up within 6 and 12 months of signing.

    Parameters
    ----------
    tables, params
        As :func:`evaluation.analysis.rates.rates`.

    Returns
    -------
    pandas.DataFrame
        One row per signing year from ``since`` to ``as_of`` (years without agreements kept,
        with zeros and missing shares), columns :data:`COHORT_COLUMNS`: ``cohort`` (year),
        ``agreements``; per horizon ``h`` in :data:`HORIZONS`: ``observable_{h}m``,
        ``within_{h}m``, ``share_within_{h}m`` and its Wilson bounds ``…_low`` / ``…_high``
        (nan when nothing is observable); ``age_median_months``, ``age_min_months``.

    Raises
    ------
    ParameterError, InputError
        As :func:`evaluation.analysis.rates.rates`.
    """
    core = _core(tables, params)
    s = core.summary
    as_of = params.as_of_ts
    frame = pd.DataFrame({"cohort": s["year"].astype("int64"), "age": _ages(s, as_of)})
    for h in HORIZONS:
        horizon = s["signed_on"] + pd.DateOffset(months=h)
        observable = (horizon <= as_of).to_numpy(dtype=bool)
        done = (s["first_done_on"].notna() & (s["first_done_on"] <= horizon)).to_numpy(bool)
        frame[f"observable_{h}m"] = observable
        frame[f"within_{h}m"] = observable & done
    g = frame.groupby("cohort")
    per = pd.DataFrame(
        {
            "agreements": g.size(),
            **{c: g[c].sum() for h in HORIZONS for c in (f"observable_{h}m", f"within_{h}m")},
            "age_median_months": g["age"].median(),
            "age_min_months": g["age"].min(),
        }
    )
    years = pd.Index(range(params.since.year, params.as_of.year + 1), name="cohort")
    out = per.reindex(years).reset_index()
    counts = ["agreements", *[f"{k}_{h}m" for h in HORIZONS for k in ("observable", "within")]]
    for c in counts:
        out[c] = pd.to_numeric(out[c]).fillna(0).astype("int64")
    for h in HORIZONS:
        k, n = out[f"within_{h}m"], out[f"observable_{h}m"]
        out[f"share_within_{h}m"] = (k / n.where(n > 0)).astype("float64")
        lo, hi = wilson_interval(k, n, Z95)
        out[f"share_within_{h}m_low"], out[f"share_within_{h}m_high"] = lo, hi
    for c in AGE_COLUMNS:
        out[c] = out[c].astype("float64")
    out["cohort"] = out["cohort"].astype("int64")
    return out[COHORT_COLUMNS]


def with_cohort_age(by_year: pd.DataFrame, tables: Any, params: Params) -> pd.DataFrame:
    """``by_year`` (rates by signing ``year``) with each year's :data:`AGE_COLUMNS` appended
    (median and minimum months since signing at ``as_of``; nan for a year without agreements).
    """
    s = _core(tables, params).summary
    ages = (
        pd.DataFrame({"year": s["year"].astype("int64"), "age": _ages(s, params.as_of_ts)})
        .groupby("year")["age"]
        .agg(age_median_months="median", age_min_months="min")
        .reset_index()
    )
    out = by_year.drop(columns=[c for c in AGE_COLUMNS if c in by_year]).merge(
        ages, on="year", how="left"
    )
    for c in AGE_COLUMNS:
        out[c] = out[c].astype("float64")
    return out


__all__ = ["AGE_COLUMNS", "COHORT_COLUMNS", "HORIZONS", "cohort_followup", "with_cohort_age"]
