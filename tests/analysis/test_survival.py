"""Time to first follow-up: Kaplan-Meier with Greenwood bands, numbers at risk, the
Aalen-Johansen competing risk and the "after N months" fact.

Hand-computed on six agreements (as_of 2024-03-14; months = days / 30.4375):

====  =====  ==========  ==========  =================================  ==========  =====
id    cat.   signed      ends        first Terlaksana                   months      cause
====  =====  ==========  ==========  =================================  ==========  =====
B1    PD     2022-01-01  2027-01-01  2022-03-02 (60 d)                  1.9713      1
B2    PD     2021-01-01  2022-01-01  none; ended (365 d)                11.9918     2
B3    PD     2020-01-01  2026-01-01  2022-01-01 (731 d)                 24.0164     1
B4    PD     2023-01-01  2028-01-01  none; censored at as_of (438 d)    14.3901     0
B5    PD     2019-06-01  2024-06-01  only Dalam Proses; censored        57.4292     0
B6    LP     2022-06-01  2027-06-01  2022-05-01 (before signing)        0           1
====  =====  ==========  ==========  =================================  ==========  =====

Overall Kaplan-Meier (B2 censored at its end): at risk 6 5 4 3 2 1; S = 5/6 (0), 2/3
(1.97), 2/3, 2/3, 1/3 (24.02), 1/3. Share at 12 and 24 months 1/3 (24.02 > 24); median 24.02.
Greenwood at 12 months: g = 1/(6*5) + 1/(5*4) = 1/12.
Aalen-Johansen: S_all = 5/6, 2/3, 1/2 (B2 competes at 11.99), 1/2, 1/4, 1/4; F_1 = 1/6,
1/3, 1/3, 1/3, 1/3 + 1/2 * 1/2 = 7/12 (below KM 2/3), F_2 = 2/3 * 1/4 = 1/6 from 11.99.
At risk (duration >= t) at 0/6/12/24/36: 6, 4, 3, 2, 1. After 12 months: B3, B4, B5 still
observed without follow-up (3), B3 followed up later (1); after 6: 4 and 1; after 24: 2, 1.
Group PD (n 5, drawn): S = 4/5 (1.97) ... 2/5 (24.02); LP (n 1) is not drawn.
"""

from __future__ import annotations

import math
from datetime import date

import analysis_sample
import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import metrics as m
from evaluation.analysis import survival
from evaluation.analysis.stats import Z95, wilson
from evaluation.vocab.loader import load_vocabulary

VOCAB = load_vocabulary()
PD, LP, LK, LKEU, LPEM = VOCAB.partner_categories.labels
SCOPE = VOCAB.scopes.labels[0]
P = m.Params(as_of=date(2024, 3, 14))


@pytest.fixture(scope="module")
def sample() -> m.Prepared:
    """The bundled sample, prepared for as_of 2024-03-14."""
    return analysis_sample.prepared()


M = 30.4375


def tables() -> m.Tables:
    rows = [
        ("B1", PD, "2022-01-01", "2027-01-01"),
        ("B2", PD, "2021-01-01", "2022-01-01"),
        ("B3", PD, "2020-01-01", "2026-01-01"),
        ("B4", PD, "2023-01-01", "2028-01-01"),
        ("B5", PD, "2019-06-01", "2024-06-01"),
        ("B6", LP, "2022-06-01", "2027-06-01"),
    ]
    ag = pd.DataFrame(rows, columns=["agreement_id", "partner_category", "signed_on", "ends_on"])
    ag["signed_on"] = pd.to_datetime(ag["signed_on"])
    ag["ends_on"] = pd.to_datetime(ag["ends_on"])
    ag = ag.assign(partner_name=ag["agreement_id"], province=None, unit="Biro", document_type="PKS")
    si = pd.DataFrame({"agreement_id": ag["agreement_id"], "scope": SCOPE})
    acts = [
        ("B1", "2022-03-02", "Terlaksana"),
        ("B3", "2021-06-01", "Dalam Proses"),
        ("B3", "2022-01-01", "Terlaksana"),
        ("B5", "2020-01-01", "Dalam Proses"),
        ("B6", "2022-05-01", "Terlaksana"),
    ]
    ac = pd.DataFrame(acts, columns=["agreement_id", "activity_date", "status"])
    ac["activity_date"] = pd.to_datetime(ac["activity_date"])
    ac = ac.assign(scope=SCOPE, outcome_type=None, value=np.nan)
    return m.Tables(ag, si, ac)


def test_durations_and_causes():
    d = survival.durations(tables(), P).set_index("agreement_id")
    expected = {
        "B1": (60 / M, 1),
        "B2": (365 / M, 2),
        "B3": (731 / M, 1),
        "B4": (438 / M, 0),
        "B5": ((pd.Timestamp("2024-03-14") - pd.Timestamp("2019-06-01")).days / M, 0),
        "B6": (0.0, 1),
    }
    for aid, (dur, cause) in expected.items():
        assert d.loc[aid, "duration"] == pytest.approx(dur), aid
        assert d.loc[aid, "cause"] == cause, aid


def test_summary_by_hand():
    res = m.time_to_first_followup(tables(), P)
    s = res.summary
    assert list(s.columns) == m.KM_SUMMARY_COLUMNS
    assert s["group"].tolist()[:2] == [PD, LP] and s["is_total"].tolist() == [False, False, True]
    tot = s.iloc[-1]
    assert (tot["n"], tot["events"], tot["censored"], tot["ended_without_followup"]) == (6, 3, 3, 1)
    assert tot["median_months"] == pytest.approx(731 / M)
    assert tot["share_followed_within_12m"] == pytest.approx(1 / 3)
    assert tot["share_followed_within_24m"] == pytest.approx(1 / 3)
    # Greenwood log-log at 12 months: S = 2/3, g = 1/12; the share's bounds are 1 - S's
    se = math.sqrt(1 / 12) / abs(math.log(2 / 3))
    s_low, s_high = (2 / 3) ** math.exp(Z95 * se), (2 / 3) ** math.exp(-Z95 * se)
    assert tot["share_followed_within_12m_low"] == pytest.approx(1 - s_high)
    assert tot["share_followed_within_12m_high"] == pytest.approx(1 - s_low)
    assert tot["cumulative_incidence_12m"] == pytest.approx(1 / 3)
    assert tot["cumulative_incidence_24m"] == pytest.approx(1 / 3)
    assert tot["drawn"]
    pd_row = s[s["group"] == PD].iloc[0]
    assert pd_row["n"] == 5 and pd_row["drawn"]
    assert pd_row["median_months"] == pytest.approx(731 / M)  # S(24.02) = 2/5 <= 1/2
    assert pd_row["share_followed_within_12m"] == pytest.approx(1 / 5)
    lp_row = s[s["group"] == LP].iloc[0]
    # one agreement, followed up at 0: S = 0, so its share is known everywhere; not drawn
    assert lp_row["n"] == 1 and not lp_row["drawn"]
    assert lp_row["share_followed_within_24m"] == 1.0


def test_curve_by_hand():
    c = m.time_to_first_followup(tables(), P).curve
    assert list(c.columns) == m.KM_CURVE_COLUMNS
    tot = c[c["is_total"]]
    np.testing.assert_allclose(
        tot["months"], [0, 0, 60 / M, 365 / M, 438 / M, 731 / M, tot["months"].iloc[-1]]
    )
    np.testing.assert_allclose(
        tot["share_followed_up"], [0, 1 / 6, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 2 / 3]
    )
    assert tot["at_risk"].tolist() == [6, 6, 5, 4, 3, 2, 1]
    assert tot["events"].tolist() == [0, 1, 1, 0, 0, 1, 0]
    assert tot["competing"].tolist() == [0, 0, 0, 1, 0, 0, 0]
    assert tot["censored"].tolist() == [0, 0, 0, 0, 1, 0, 1]
    np.testing.assert_allclose(
        tot["cumulative_incidence"], [0, 1 / 6, 1 / 3, 1 / 3, 1 / 3, 7 / 12, 7 / 12]
    )
    np.testing.assert_allclose(
        tot["cumulative_incidence_ended"], [0, 0, 0, 1 / 6, 1 / 6, 1 / 6, 1 / 6]
    )
    # the competing-risk incidence is never above Kaplan-Meier, and below it once B2 ended
    assert (tot["cumulative_incidence"] <= tot["share_followed_up"] + 1e-12).all()
    assert tot["cumulative_incidence"].iloc[-1] < tot["share_followed_up"].iloc[-1]
    # bands: around the estimate, inside [0, 1]
    inner = tot.iloc[1:]
    assert (inner["share_low"] <= inner["share_followed_up"] + 1e-12).all()
    assert (inner["share_high"] >= inner["share_followed_up"] - 1e-12).all()
    assert (inner["share_low"] >= 0).all() and (inner["share_high"] <= 1).all()
    assert c.loc[c["group"] == LP, "drawn"].eq(False).all()
    assert c.loc[c["group"] == PD, "drawn"].all() and tot["drawn"].all()


def test_numbers_at_risk_and_after_twelve_months_by_hand():
    res = m.time_to_first_followup(tables(), P)
    r = res.at_risk
    assert list(r.columns) == m.AT_RISK_COLUMNS
    tot = r[r["is_total"]].iloc[0]
    assert [tot[f"at_risk_{k}m"] for k in (0, 6, 12, 24, 36)] == [6, 4, 3, 2, 1]
    pdr = r[r["group"] == PD].iloc[0]
    assert [pdr[f"at_risk_{k}m"] for k in (0, 6, 12, 24, 36)] == [5, 4, 3, 2, 1]
    assert not r.loc[r["group"] == LP, "drawn"].iloc[0]
    a = res.after.set_index("after_months")
    assert list(res.after.columns) == m.AFTER_COLUMNS
    assert (a.loc[12, "without_followup"], a.loc[12, "followed_up_later"]) == (3, 1)
    assert (a.loc[6, "without_followup"], a.loc[6, "followed_up_later"]) == (4, 1)
    assert (a.loc[24, "without_followup"], a.loc[24, "followed_up_later"]) == (2, 1)
    assert a.loc[12, "share_followed_up_later"] == pytest.approx(1 / 3)
    lo, hi = wilson(1, 3)
    assert a.loc[12, "share_followed_up_later_low"] == pytest.approx(lo)
    assert a.loc[12, "share_followed_up_later_high"] == pytest.approx(hi)
    # observed after 12 months: B4 2.39, B3 12.02, B5 45.43 -> median 12.02
    assert a.loc[12, "median_months_observed_after"] == pytest.approx(731 / M - 12)


def test_empty_tables_give_typed_empty_results():
    t = tables()
    t = m.Tables(t.agreements.iloc[:0], t.scope_items.iloc[:0], t.activities.iloc[:0])
    res = m.time_to_first_followup(t, P)
    assert res.curve.empty and list(res.curve.columns) == m.KM_CURVE_COLUMNS
    assert res.summary["n"].tolist() == [0] and not res.summary["drawn"].iloc[0]
    assert res.after["without_followup"].tolist() == [0, 0, 0]
    assert res.after["share_followed_up_later"].isna().all()


# ------------------------------------------------------------------ statsmodels as an oracle
def _groups(sample):
    d = survival.durations(sample, P)
    out = [("total", d)]
    for cat in (PD, LP, LK):
        out.append((cat, d[d["partner_category"] == cat]))
    return out


def test_kaplan_meier_and_greenwood_match_statsmodels_on_the_sample(sample):
    from statsmodels.duration.survfunc import SurvfuncRight

    res = m.time_to_first_followup(sample, P)
    for name, d in _groups(sample):
        sf = SurvfuncRight(d["duration"].to_numpy(), (d["cause"] == 1).astype(int).to_numpy())
        c = (
            res.curve[res.curve["is_total"]]
            if name == "total"
            else res.curve[res.curve["group"] == name]
        )
        c = c[c["events"] > 0]
        np.testing.assert_allclose(c["months"], sf.surv_times)
        np.testing.assert_allclose(c["share_followed_up"], 1 - sf.surv_prob, atol=1e-12)
        ok = (sf.surv_prob > 0) & (sf.surv_prob < 1)
        s, se = sf.surv_prob[ok], sf.surv_prob_se[ok]
        half = Z95 * (se / s) / np.abs(np.log(s))
        np.testing.assert_allclose(
            c["share_low"].to_numpy()[ok], 1 - s ** np.exp(-half), atol=1e-10
        )
        np.testing.assert_allclose(
            c["share_high"].to_numpy()[ok], 1 - s ** np.exp(half), atol=1e-10
        )
        row = (
            res.summary[res.summary["is_total"]]
            if name == "total"
            else res.summary[res.summary["group"] == name]
        )
        assert row["n"].iloc[0] == len(d)
        median = row["median_months"].iloc[0]
        if not math.isnan(median):
            assert median == pytest.approx(sf.quantile(0.5))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # statsmodels' variance at n = d
def test_aalen_johansen_matches_statsmodels_on_the_sample(sample):
    from statsmodels.duration.survfunc import CumIncidenceRight

    res = m.time_to_first_followup(sample, P)
    for name, d in _groups(sample):
        ci = CumIncidenceRight(d["duration"].to_numpy(), d["cause"].to_numpy())
        c = (
            res.curve[res.curve["is_total"]]
            if name == "total"
            else res.curve[res.curve["group"] == name]
        )
        c = c.iloc[1:]  # without the (0, 0) start
        np.testing.assert_allclose(c["months"], ci.times)
        np.testing.assert_allclose(c["cumulative_incidence"], ci.cinc[0], atol=1e-12)
        if len(ci.cinc) > 1:
            np.testing.assert_allclose(c["cumulative_incidence_ended"], ci.cinc[1], atol=1e-12)
    tot = res.summary[res.summary["is_total"]].iloc[0]
    assert tot["ended_without_followup"] > 0  # the sample has competing events


def test_sample_small_groups_are_listed_not_drawn_and_the_after_fact(sample):
    res = m.time_to_first_followup(sample, P)
    s = res.summary.set_index(res.summary["group"].fillna("total"))
    assert not s.loc[LKEU, "drawn"] and not s.loc[LPEM, "drawn"]  # 2 and 3 agreements
    assert s.loc[PD, "drawn"] and s.loc["total", "drawn"]
    assert set(res.curve.loc[~res.curve["drawn"], "group"]) == {LKEU, LPEM}
    a = res.after.set_index("after_months")
    tot = res.at_risk[res.at_risk["is_total"]].iloc[0]
    # still observed past 12 months without follow-up: at most those at risk at 12 months
    assert 0 < a.loc[12, "without_followup"] <= tot["at_risk_12m"]
    assert a.loc[12, "followed_up_later"] < a.loc[6, "followed_up_later"]


def test_a_group_of_every_agreement_has_the_total_estimate():
    """With one category, its group holds every agreement: the group's rows are the
    total's (the estimate is computed once and shared), and the overall estimate alone
    (``by=None``) gives the same; with two categories the groups are estimated apart."""
    one = m.Params(as_of=P.as_of, category=PD)
    res = m.time_to_first_followup(tables(), one)
    alone = m.time_to_first_followup(tables(), one, by=None)
    s = res.summary
    assert s["group"].tolist()[0] == PD and s["is_total"].tolist() == [False, True]
    values = [c for c in s.columns if c not in ("group", "is_total")]

    def rows(df: pd.DataFrame, total: bool) -> pd.DataFrame:
        return df.loc[df["is_total"] == total, values].reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(s, False), rows(s, True), check_exact=True)
    pd.testing.assert_frame_equal(rows(s, True), rows(alone.summary, True), check_exact=True)
    values = [c for c in res.curve.columns if c not in ("group", "is_total")]
    assert len(rows(res.curve, False)) > 1
    pd.testing.assert_frame_equal(rows(res.curve, False), rows(res.curve, True), check_exact=True)
    pd.testing.assert_frame_equal(rows(res.curve, True), rows(alone.curve, True), check_exact=True)
    both = m.time_to_first_followup(tables(), P).summary
    assert both["n"].tolist() == [5, 1, 6]
