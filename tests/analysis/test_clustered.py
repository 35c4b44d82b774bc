"""Tests of evaluation.analysis.clustered: the cluster-aware scope-rate interval.

Hand-computed fixtures (ratio variance, design effect, effective n), statsmodels as a
test-only oracle (OLS of the item-level 0/1 outcome on a constant with a cluster-robust
covariance grouped by agreement gives the same variance of the mean), and the bundled sample.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evaluation.analysis import metrics as m
from evaluation.analysis.clustered import (
    CLUSTER_COLUMNS,
    MIN_GROUP_N,
    cluster_columns,
    cluster_effective_n,
)
from evaluation.analysis.stats import Z95, wilson_from_rate, wilson_interval
from evaluation.vocab.loader import load_vocabulary

VOCAB = load_vocabulary()
S1, S2, S3, S4, *_ = VOCAB.scopes.labels
PD, LP, LK, *_ = VOCAB.partner_categories.labels
P = m.Params(as_of=date(2024, 3, 14))
Z2 = Z95 * Z95


def _wilson_by_hand(p: float, n: float) -> tuple[float, float]:
    centre = (p + Z2 / (2 * n)) / (1 + Z2 / n)
    half = Z95 / (1 + Z2 / n) * math.sqrt(p * (1 - p) / n + Z2 / (4 * n * n))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def _oracle_deff(m_i, y_i) -> float:
    """Design effect from statsmodels: cluster-robust variance of the item-level mean over
    the binomial variance p(1-p)/n."""
    y = np.concatenate([[1.0] * int(d) + [0.0] * int(n - d) for n, d in zip(m_i, y_i, strict=True)])
    groups = np.repeat(np.arange(len(m_i)), np.asarray(m_i, dtype=int))
    fit = sm.OLS(y, np.ones((len(y), 1))).fit(cov_type="cluster", cov_kwds={"groups": groups})
    p = y.mean()
    return float(fit.bse[0] ** 2 / (p * (1 - p) / len(y)))


# ------------------------------------------------------------------------------ by hand
def test_effective_n_by_hand():
    # three agreements of 4 items, 4, 1 and 2 realised: p = 7/12
    # residuals y - p m: 4 - 7/3 = 5/3, 1 - 7/3 = -4/3, 2 - 7/3 = -1/3 -> sum of squares 42/9
    # v_cl = 3/2 * (42/9) / 12^2 = 0.0486111; v_bin = (7/12)(5/12)/12 = 0.0202546
    # deff = 2.4, n_eff = 12 / 2.4 = 5
    n_eff, deff = cluster_effective_n([4, 4, 4], [4, 1, 2])
    assert deff == pytest.approx(2.4, abs=1e-12)
    assert n_eff == pytest.approx(5.0, abs=1e-12)
    assert _oracle_deff([4, 4, 4], [4, 1, 2]) == pytest.approx(2.4, abs=1e-9)


def test_effective_n_is_clipped_to_agreements_and_items():
    # negative intra-agreement correlation: A 1 of 3, B 1 of 2 -> p = 0.4, residuals -0.2,
    # 0.2: v_cl = 2 * 0.08 / 25 = 0.0064 < v_bin = 0.048 -> n_eff 37.5 clipped to the 5 items
    assert cluster_effective_n([3, 2], [1, 1]) == (5.0, 1.0)
    # perfect correlation: 4/4, 0/4, 4/4, 0/4: deff = 4 * 4/3 > 4 -> n_eff clipped to k = 4
    n_eff, deff = cluster_effective_n([4, 4, 4, 4], [4, 0, 4, 0])
    assert n_eff == 4.0 and deff == 4.0
    assert _oracle_deff([4, 4, 4, 4], [4, 0, 4, 0]) == pytest.approx(16 / 3)


def test_effective_n_when_the_design_effect_cannot_be_estimated():
    assert cluster_effective_n([5], [2]) == (1.0, 5.0)  # one agreement: n_eff 1
    assert cluster_effective_n([3, 2, 4], [0, 0, 0]) == (3.0, 3.0)  # 0%: one per agreement
    assert cluster_effective_n([3, 2], [3, 2]) == (2.0, 2.5)  # 100%
    n_eff, deff = cluster_effective_n([], [])
    assert math.isnan(n_eff) and math.isnan(deff)


def test_one_item_per_agreement_gives_the_wilson_interval():
    # 10 agreements of one item, 3 realised: deff k/(k-1) -> n_eff 9, clipped to k = 10
    assert cluster_effective_n([1] * 10, [1, 1, 1] + [0] * 7) == (10.0, 1.0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_design_effect_matches_statsmodels(seed):
    rng = np.random.default_rng(seed)
    k = 40
    sizes = rng.integers(1, 7, size=k)
    p_i = rng.beta(1.0, 1.5, size=k)  # agreements differ: positive correlation
    done = rng.binomial(sizes, p_i)
    n_eff, deff = cluster_effective_n(sizes, done)
    oracle = _oracle_deff(sizes, done)
    total = sizes.sum()
    expected_n = min(max(total / oracle, k), total)
    assert n_eff == pytest.approx(expected_n, rel=1e-9)
    if k < total / oracle < total:  # not clipped: the design effect itself
        assert deff == pytest.approx(oracle, rel=1e-9)


def test_cluster_columns_by_group_by_hand():
    items = pd.DataFrame(
        {
            "g": ["a"] * 12 + ["b"] * 2,
            "agreement_id": ["A1"] * 4 + ["A2"] * 4 + ["A3"] * 4 + ["B1", "B2"],
            "_is_done": [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0] + [1, 0],
        }
    )
    items["_is_done"] = items["_is_done"].astype(bool)
    out = cluster_columns(items, ["g"]).set_index("g")
    lo, hi = _wilson_by_hand(7 / 12, 5.0)
    assert out.loc["a", "effective_n"] == pytest.approx(5.0)
    assert out.loc["a", "scope_rate_cl_low"] == pytest.approx(lo, abs=1e-12)
    assert out.loc["a", "scope_rate_cl_high"] == pytest.approx(hi, abs=1e-12)
    # b: one item per agreement -> the Wilson interval of 1 of 2
    w = wilson_interval([1], [2])
    assert out.loc["b", "scope_rate_cl_low"] == pytest.approx(w[0][0])
    assert out.loc["b", "scope_rate_cl_high"] == pytest.approx(w[1][0])
    overall = cluster_columns(items, [])
    assert len(overall) == 1 and overall["effective_n"].iloc[0] <= 14


# ------------------------------------------------------------------------------ rate tables
def _tables() -> m.Tables:
    """PD: 5 agreements of 3 scopes (realised 3, 3, 0, 0, 1: clustered); LP: 2 agreements."""
    ag = pd.DataFrame(
        {
            "agreement_id": [f"P{i}" for i in range(5)] + ["L0", "L1"],
            "partner_name": [f"Mitra {i}" for i in range(7)],
            "partner_category": [PD] * 5 + [LP] * 2,
            "province": ["Bali"] * 7,
            "signed_on": pd.to_datetime(["2020-01-01"] * 7),
            "ends_on": pd.to_datetime(["2026-01-01"] * 7),
            "unit": "Biro",
            "document_type": "Nota Kesepahaman",
        }
    )
    sc = pd.DataFrame(
        [(f"P{i}", s) for i in range(5) for s in (S1, S2, S3)] + [("L0", S1), ("L1", S4)],
        columns=["agreement_id", "scope"],
    )
    done = {"P0": (S1, S2, S3), "P1": (S1, S2, S3), "P4": (S1,), "L0": (S1,)}
    acts = pd.DataFrame(
        [(a, s, pd.Timestamp("2021-01-01"), "Terlaksana") for a, ss in done.items() for s in ss],
        columns=["agreement_id", "scope", "activity_date", "status"],
    )
    acts["outcome_type"] = pd.NA
    acts["value"] = np.nan
    return m.Tables(ag, sc, acts)


def test_rates_by_category_gain_the_cluster_columns_and_keep_wilson():
    r = m.rates_by_category(_tables(), P).set_index("category")
    assert list(r.columns[-len(CLUSTER_COLUMNS) :]) == CLUSTER_COLUMNS
    # PD: 7 of 15; Wilson unchanged
    w_lo, w_hi = wilson_interval([7], [15])
    assert r.loc[PD, "scope_rate_low"] == pytest.approx(w_lo[0])
    assert r.loc[PD, "scope_rate_high"] == pytest.approx(w_hi[0])
    # by hand: p = 7/15; residuals 3 - 1.4 = 1.6 (x2), -1.4 (x2), 1 - 1.4 = -0.4
    # sum of squares 2*2.56 + 2*1.96 + 0.16 = 9.2; v_cl = 5/4 * 9.2 / 225 = 0.0511111
    # v_bin = (7/15)(8/15)/15 = 0.0165926; deff = 3.080357; n_eff = 15 / deff = 4.8696 -> 5
    assert r.loc[PD, "effective_n"] == pytest.approx(5.0)
    assert r.loc[PD, "design_effect"] == pytest.approx(3.0)
    lo, hi = _wilson_by_hand(7 / 15, 5.0)
    assert r.loc[PD, "scope_rate_cl_low"] == pytest.approx(lo, abs=1e-12)
    assert r.loc[PD, "scope_rate_cl_high"] == pytest.approx(hi, abs=1e-12)
    assert r.loc[PD, "scope_rate_cl_high"] - r.loc[PD, "scope_rate_cl_low"] > w_hi[0] - w_lo[0]
    assert not r.loc[PD, "small_group"]
    # LP: 2 agreements (1 of 2 items): a small group, intervals equal (one item each)
    assert r.loc[LP, "small_group"] and MIN_GROUP_N == 5
    assert r.loc[LP, "effective_n"] == 2.0
    # a category without agreements: small, no interval
    assert r.loc[LK, "small_group"] and math.isnan(r.loc[LK, "effective_n"])
    assert math.isnan(r.loc[LK, "scope_rate_cl_low"])


def test_rates_by_scope_and_category_scope_equal_wilson():
    for fn in (m.rates_by_scope, m.rates_by_category_scope):
        r = fn(_tables(), P)
        ok = r["scope_items"] > 0
        np.testing.assert_allclose(r.loc[ok, "scope_rate_cl_low"], r.loc[ok, "scope_rate_low"])
        np.testing.assert_allclose(r.loc[ok, "scope_rate_cl_high"], r.loc[ok, "scope_rate_high"])
        assert (r.loc[ok, "effective_n"] == r.loc[ok, "scope_items"]).all()


def test_overall_and_year_rates_have_the_cluster_columns():
    o = m.overall_rates(_tables(), P).iloc[0]
    # all 17 items, 8 realised, 7 agreements; computed like a group
    n_eff, deff = cluster_effective_n([3, 3, 3, 3, 3, 1, 1], [3, 3, 0, 0, 1, 1, 0])
    assert o["effective_n"] == pytest.approx(n_eff) and o["design_effect"] == pytest.approx(deff)
    lo, hi = wilson_from_rate([8 / 17], [n_eff])
    assert o["scope_rate_cl_low"] == pytest.approx(lo[0])
    assert o["scope_rate_cl_high"] == pytest.approx(hi[0])
    y = m.rates_by_signing_year(_tables(), P).set_index("year")
    assert y.loc[2020, "effective_n"] == pytest.approx(n_eff)
    assert y.loc[2021, "small_group"] and math.isnan(y.loc[2021, "effective_n"])


def test_missing_group_labels_get_their_own_interval():
    t = _tables()
    ag = t.agreements.copy()
    ag.loc[ag["agreement_id"].isin(["L0", "L1"]), "province"] = pd.NA
    r = m.rates(m.Tables(ag, t.scope_items, t.activities), P, "province")
    miss = r[r["province"].isna()].iloc[0]
    assert miss["agreements"] == 2 and miss["effective_n"] == 2.0
    assert miss["scope_rate_cl_low"] == pytest.approx(wilson_interval([1], [2])[0][0])


# ------------------------------------------------------------------------------ bundled sample
@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> m.Tables:
    from evaluation.authoring.sample import write_sample
    from evaluation.ingest import ingest

    raw = tmp_path_factory.mktemp("sample")
    write_sample(raw)
    r = ingest(raw)
    return m.Tables(r.agreements, r.scope_items, r.activities)


def test_sample_cluster_intervals_are_wider_where_agreements_carry_several_scopes(sample):
    items = m.scope_item_status(sample, P)
    per_agreement = items.groupby("agreement_id").size()
    r = m.rates_by_category(sample, P)
    wide = 0
    for _, row in r.iterrows():
        ids = m.agreement_summary(sample, P)
        ids = ids.loc[ids["partner_category"] == row["category"], "agreement_id"]
        sizes = per_agreement.reindex(ids).dropna()
        several = (sizes > 1).sum() >= 2 and 0 < row["scope_rate"] < 1
        if not several:
            continue
        cl = row["scope_rate_cl_high"] - row["scope_rate_cl_low"]
        wilson_width = row["scope_rate_high"] - row["scope_rate_low"]
        assert cl > wilson_width, row["category"]
        assert row["effective_n"] < row["scope_items"]
        wide += 1
    assert wide >= 3  # Pemerintah Daerah, Lembaga Pendidikan, Lembaga Kesehatan at least
    o = m.overall_rates(sample, P).iloc[0]
    assert (
        o["scope_rate_cl_high"] - o["scope_rate_cl_low"]
        > o["scope_rate_high"] - o["scope_rate_low"]
    )
    assert 1.5 < o["design_effect"] < 4  # scope items are clustered within agreements


def test_sample_design_effects_match_statsmodels(sample):
    items = m.scope_item_status(sample, P)
    cats = m.agreement_summary(sample, P)[["agreement_id", "partner_category"]]
    items = items.merge(cats, on="agreement_id")
    items["y"] = (items["status"] == "Terlaksana").astype(float)
    r = m.rates_by_category(sample, P).set_index("category")
    checked = 0
    for cat, g in items.groupby("partner_category"):
        per = g.groupby("agreement_id")["y"].agg(["size", "sum"])
        if len(per) < MIN_GROUP_N:
            continue
        oracle = _oracle_deff(per["size"].to_numpy(), per["sum"].to_numpy())
        expected_n = min(max(len(g) / oracle, len(per)), len(g))
        assert r.loc[cat, "effective_n"] == pytest.approx(expected_n, rel=1e-9), cat
        checked += 1
    assert checked >= 3
