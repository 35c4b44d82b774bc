"""Follow-up within 6 / 12 months by signing cohort, by hand and on the bundled sample.

as_of 2024-03-14 (6-month horizon: signed on or before 2023-09-14; 12-month: 2023-03-14):

====  ==========  ==========  =============================  ========================
id    signed      ends        first Terlaksana               6 months / 12 months
====  ==========  ==========  =============================  ========================
C1    2023-03-14  2028-03-14  2024-03-14 (exactly 12 months)  obs, no / obs, yes
C2    2023-09-14  2028-09-14  2023-10-01                      obs, yes / not observable
C3    2023-09-15  2028-09-15  2023-09-20                      not observable (1 day short)
C4    2023-01-10  2023-05-10  none, ended after 4 months      obs, no / obs, no
C5    2022-02-01  2027-02-01  2022-08-01 (exactly 6 months)   obs, yes / obs, yes
C6    2022-05-01  2027-05-01  2023-06-01 (13 months; Dalam    obs, no / obs, no
                              Proses 2022-06-01 not counted)
C7    2024-01-05  2029-01-05  none                            not observable
====  ==========  ==========  =============================  ========================

2022: 2 agreements, 6 months 1 of 2, 12 months 1 of 2. 2023: 4 agreements, 6 months 1 of 3
(C1, C2, C4), 12 months 1 of 2 (C1, C4). 2024: 1 agreement, nothing observable (missing
shares, never 0%). 2018-2021: no agreements.
"""

from __future__ import annotations

import math
from datetime import date

import analysis_sample
import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import cohorts
from evaluation.analysis import metrics as m
from evaluation.analysis.stats import wilson
from evaluation.vocab.loader import load_vocabulary

VOCAB = load_vocabulary()
PD = VOCAB.partner_categories.labels[0]
SCOPE = VOCAB.scopes.labels[0]
AS_OF = date(2024, 3, 14)
P = m.Params(as_of=AS_OF)


@pytest.fixture(scope="module")
def sample() -> m.Prepared:
    """The bundled sample, prepared for as_of 2024-03-14."""
    return analysis_sample.prepared()


def tables() -> m.Tables:
    rows = [
        ("C1", "2023-03-14", "2028-03-14"),
        ("C2", "2023-09-14", "2028-09-14"),
        ("C3", "2023-09-15", "2028-09-15"),
        ("C4", "2023-01-10", "2023-05-10"),
        ("C5", "2022-02-01", "2027-02-01"),
        ("C6", "2022-05-01", "2027-05-01"),
        ("C7", "2024-01-05", "2029-01-05"),
    ]
    ag = pd.DataFrame(rows, columns=["agreement_id", "signed_on", "ends_on"])
    ag["signed_on"] = pd.to_datetime(ag["signed_on"])
    ag["ends_on"] = pd.to_datetime(ag["ends_on"])
    ag = ag.assign(
        partner_name=ag["agreement_id"],
        partner_category=PD,
        province=None,
        unit="Biro",
        document_type="PKS",
    )
    si = pd.DataFrame({"agreement_id": ag["agreement_id"], "scope": SCOPE})
    acts = [
        ("C1", "2024-03-14", "Terlaksana"),
        ("C2", "2023-10-01", "Terlaksana"),
        ("C3", "2023-09-20", "Terlaksana"),
        ("C5", "2022-08-01", "Terlaksana"),
        ("C6", "2022-06-01", "Dalam Proses"),
        ("C6", "2023-06-01", "Terlaksana"),
    ]
    ac = pd.DataFrame(acts, columns=["agreement_id", "activity_date", "status"])
    ac["activity_date"] = pd.to_datetime(ac["activity_date"])
    ac = ac.assign(scope=SCOPE, outcome_type=None, value=np.nan)
    return m.Tables(ag, si, ac)


def test_cohort_followup_by_hand():
    out = cohorts.cohort_followup(tables(), P)
    assert list(out.columns) == cohorts.COHORT_COLUMNS
    assert out["cohort"].tolist() == list(range(2018, 2025))
    r = out.set_index("cohort")
    assert r.loc[2022, ["agreements", "observable_6m", "within_6m"]].tolist() == [2, 2, 1]
    assert r.loc[2022, ["observable_12m", "within_12m"]].tolist() == [2, 1]
    assert r.loc[2023, ["agreements", "observable_6m", "within_6m"]].tolist() == [4, 3, 1]
    assert r.loc[2023, ["observable_12m", "within_12m"]].tolist() == [2, 1]
    assert r.loc[2023, "share_within_6m"] == pytest.approx(1 / 3)
    lo, hi = wilson(1, 3)
    assert r.loc[2023, "share_within_6m_low"] == pytest.approx(lo)
    assert r.loc[2023, "share_within_6m_high"] == pytest.approx(hi)
    assert r.loc[2022, "share_within_12m"] == pytest.approx(0.5)
    # too young: observable 0 and the share missing, never 0%
    assert r.loc[2024, ["agreements", "observable_6m", "observable_12m"]].tolist() == [1, 0, 0]
    for h in (6, 12):
        for suffix in ("", "_low", "_high"):
            assert math.isnan(r.loc[2024, f"share_within_{h}m{suffix}"])
    # years without agreements: zeros and missing shares and ages
    assert (r.loc[2018:2021, "agreements"] == 0).all()
    assert r.loc[2018:2021, "share_within_6m"].isna().all()
    assert r.loc[2018:2021, "age_median_months"].isna().all()
    # ages at as_of in months (days / 30.4375)
    assert r.loc[2024, "age_median_months"] == pytest.approx(69 / 30.4375)
    assert r.loc[2024, "age_min_months"] == pytest.approx(69 / 30.4375)
    # 2023: C1 366 d, C2 182 d, C3 181 d, C4 429 d -> median (182 + 366) / 2, min 181
    assert r.loc[2023, "age_median_months"] == pytest.approx((182 + 366) / 2 / 30.4375)
    assert r.loc[2023, "age_min_months"] == pytest.approx(181 / 30.4375)


def test_calendar_month_horizon_at_month_ends():
    # signed 2023-08-31: six months later is 2024-02-29 (pd.DateOffset), observable on 2024-02-29
    t = tables()
    ag = t.agreements.iloc[:1].assign(
        agreement_id="E1", signed_on=pd.Timestamp("2023-08-31"), ends_on=pd.Timestamp("2028-08-31")
    )
    ac = t.activities.iloc[:1].assign(agreement_id="E1", activity_date=pd.Timestamp("2024-02-29"))
    si = t.scope_items.iloc[:1].assign(agreement_id="E1")
    for as_of, observable in (("2024-02-29", 1), ("2024-02-28", 0)):
        out = cohorts.cohort_followup(m.Tables(ag, si, ac), m.Params(as_of=as_of))
        row = out.set_index("cohort").loc[2023]
        assert row["observable_6m"] == observable, as_of
        assert row["within_6m"] == observable, as_of


def test_rates_by_year_gain_the_cohort_age():
    by_year = m.rates_by_signing_year(tables(), P)
    out = cohorts.with_cohort_age(by_year, tables(), P)
    assert list(out.columns) == [*by_year.columns, *cohorts.AGE_COLUMNS]
    assert out[by_year.columns].equals(by_year)
    r = out.set_index("year")
    assert r.loc[2024, "age_min_months"] == pytest.approx(69 / 30.4375)
    assert r.loc[2018, ["age_median_months", "age_min_months"]].isna().all()


def test_sample_leaves_too_young_cohorts_unobserved(sample):
    out = cohorts.cohort_followup(sample, sample.params).set_index("cohort")
    s = m.agreement_summary(sample, sample.params)
    # the 2024 cohort (23 agreements, signed in the 2.5 months before as_of) is unobservable
    assert out.loc[2024, "agreements"] == (s["signed_on"].dt.year == 2024).sum() > 0
    assert out.loc[2024, ["observable_6m", "observable_12m"]].tolist() == [0, 0]
    assert out.loc[2024, ["share_within_6m", "share_within_12m"]].isna().all()
    # 2023 only partly: observable at 6 months more than at 12, both fewer than all
    o6, o12, n = out.loc[2023, ["observable_6m", "observable_12m", "agreements"]]
    assert 0 < o12 < o6 < n
    # every older cohort is fully observable at both horizons
    old = out.loc[2018:2022]
    assert (old["observable_6m"] == old["agreements"]).all()
    assert (old["observable_12m"] == old["agreements"]).all()
    # within 12 months never below within 6 months; shares within their intervals
    assert (out["within_12m"] >= 0).all() and (old["within_12m"] >= old["within_6m"]).all()
    ok = out["observable_12m"] > 0
    assert (out.loc[ok, "share_within_12m_low"] <= out.loc[ok, "share_within_12m"]).all()
    assert (out.loc[ok, "share_within_12m"] <= out.loc[ok, "share_within_12m_high"]).all()
    # the like-with-like rate is not the per-year rate for the old cohorts' later follow-ups
    by_year = m.rates_by_signing_year(sample, sample.params).set_index("year")
    assert (old["within_12m"] <= by_year.loc[2018:2022, "agreements_followed_up"]).all()
