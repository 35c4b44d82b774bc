"""Tests of evaluation.analysis.funnel: funnel tables per province and unit, by hand and with
scipy.stats.binom as a test-only oracle."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from evaluation.analysis import metrics as m
from evaluation.analysis.funnel import FUNNEL_COLUMNS, FUNNEL_LIMIT_COLUMNS, POSITIONS
from evaluation.analysis.stats import binomial_limit
from evaluation.vocab.loader import load_vocabulary

VOCAB = load_vocabulary()
S1 = VOCAB.scopes.labels[0]
PD = VOCAB.partner_categories.labels[0]
P = m.Params(as_of=date(2024, 3, 14))


def _tables(groups: dict[str | None, tuple[int, int]], by: str = "province") -> m.Tables:
    """Agreements per group: (agreements, followed up); every agreement has scope S1."""
    rows, acts = [], []
    for g, (n, k) in groups.items():
        for i in range(n):
            aid = f"{g}-{i}"
            rows.append({"agreement_id": aid, by: g})
            if i < k:
                acts.append((aid, S1, pd.Timestamp("2021-06-01"), "Terlaksana"))
    ag = pd.DataFrame(rows)
    other = "unit" if by == "province" else "province"
    ag[other] = "X"
    ag["partner_name"] = ag["agreement_id"]
    ag["partner_category"] = PD
    ag["signed_on"] = pd.Timestamp("2020-01-01")
    ag["ends_on"] = pd.Timestamp("2026-01-01")
    ag["document_type"] = "Nota Kesepahaman"
    sc = pd.DataFrame({"agreement_id": ag["agreement_id"], "scope": S1})
    act = pd.DataFrame(acts, columns=["agreement_id", "scope", "activity_date", "status"])
    act["outcome_type"] = pd.NA
    act["value"] = np.nan
    return m.Tables(ag, sc, act)


def test_funnel_table_by_hand():
    # overall 11 of 22 = 0.5. Aceh 0/10: P(R <= 0) = 1/1024 < 0.001 -> below_998;
    # Bali 10/10 -> above_998; Riau 1/2: within.
    t = _tables({"Aceh": (10, 0), "Bali": (10, 10), "Riau": (2, 1)})
    f = m.funnel_table(t, P, "province").set_index("province")
    assert list(f.reset_index().columns) == ["province", *FUNNEL_COLUMNS]
    assert (f["overall_rate"] == 0.5).all()
    assert f.loc["Aceh", "agreements"] == 10 and f.loc["Aceh", "agreements_followed_up"] == 0
    assert f.loc["Bali", "followup_rate"] == 1.0
    assert f["position"].to_dict() == {"Aceh": "below_998", "Bali": "above_998", "Riau": "within"}
    # Riau, n = 2, p0 = 1/2: F = 1/4, 3/4, 1. Upper 95%: r = 2, alpha = 0.025 / 0.25 = 0.1
    # -> (2 - 0.1) / 2 = 0.95; upper 99.8%: alpha = 0.001 / 0.25 = 0.004 -> 0.998
    assert f.loc["Riau", "limit_95_high"] == pytest.approx(0.95)
    assert f.loc["Riau", "limit_998_high"] == pytest.approx(0.998)
    assert f.loc["Riau", "limit_95_low"] == 0.0 and f.loc["Riau", "limit_998_low"] == 0.0
    for col, q in (("limit_95_low", 0.025), ("limit_998_high", 0.999)):
        assert f.loc["Aceh", col] == pytest.approx(binomial_limit(0.5, 10, q))


def test_positions_follow_the_exact_tail_probability():
    # p0 = 20/60 = 1/3. Bali 9/12: P(R >= 9 | 12, 1/3) = 0.0039 -> above_95 (not 99.8%)
    t = _tables({"Bali": (12, 9), "Aceh": (48, 11)})
    f = m.funnel_table(t, P, "province").set_index("province")
    p_bali = sps.binom.sf(8, 12, 1 / 3)
    assert 0.001 < p_bali < 0.025 and f.loc["Bali", "position"] == "above_95"
    p_aceh = sps.binom.cdf(11, 48, 1 / 3)
    expected = "below_95" if p_aceh < 0.025 else "within"
    assert f.loc["Aceh", "position"] == expected
    assert set(f["position"]) <= set(POSITIONS)


def test_a_single_agreement_at_100_percent_is_within():
    # the interpolated upper 99.8% limit at n = 1 is below 1, but the count has probability p0
    t = _tables({"Bali": (1, 1), "Aceh": (9, 3)})
    f = m.funnel_table(t, P, "province").set_index("province")
    assert f.loc["Bali", "limit_998_high"] < 1.0
    assert f.loc["Bali", "position"] == "within"


def test_funnel_unit_and_missing_group():
    t = _tables({"Biro A": (6, 3), "Biro B": (4, 1), None: (2, 2)}, by="unit")
    f = m.funnel_table(t, P, "unit")
    assert list(f["unit"].iloc[:2]) == ["Biro A", "Biro B"] and pd.isna(f["unit"].iloc[2])
    assert f["agreements"].sum() == 12 and f["overall_rate"].iloc[0] == pytest.approx(0.5)
    with pytest.raises(ValueError):
        m.funnel_table(t, P, "category")


def test_funnel_limits_curve():
    t = _tables({"Aceh": (30, 12), "Bali": (5, 2)})
    lim = m.funnel_limits(t, P, 30)
    assert list(lim.columns) == FUNNEL_LIMIT_COLUMNS
    assert lim["agreements"].iloc[0] == 1 and lim["agreements"].iloc[-1] == 30
    assert lim["agreements"].is_monotonic_increasing and lim["agreements"].is_unique
    p0 = 14 / 35
    assert (lim["overall_rate"] == p0).all()
    row = lim.set_index("agreements").loc[30]
    assert row["limit_95_high"] == pytest.approx(binomial_limit(p0, 30, 0.975))
    assert row["limit_998_low"] <= row["limit_95_low"] <= p0 <= row["limit_95_high"]
    assert row["limit_95_high"] <= row["limit_998_high"]
    big = m.funnel_limits(t, P, 900)
    assert len(big) < 200 and big["agreements"].iloc[-1] == 900


def test_funnel_on_empty_tables():
    t = _tables({"Aceh": (1, 0)})
    empty = m.Tables(t.agreements.iloc[0:0], t.scope_items.iloc[0:0], t.activities.iloc[0:0])
    f = m.funnel_table(empty, P, "province")
    assert f.empty and list(f.columns) == ["province", *FUNNEL_COLUMNS]
    lim = m.funnel_limits(empty, P, 1)
    assert len(lim) == 1 and math.isnan(lim["limit_95_high"].iloc[0])
