"""Tests of evaluation.analysis.summary: a group is named lowest or highest only when its
cluster-aware interval clears every other group of at least 5 agreements."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis import metrics as m
from evaluation.analysis.stats import wilson_interval
from evaluation.analysis.summary import GROUP_FACT_KEYS, _clearly_apart
from evaluation.vocab.loader import load_vocabulary

VOCAB = load_vocabulary()
S1, S2, S3, *_ = VOCAB.scopes.labels
PD, LP, LK, LKEU, LPEM = VOCAB.partner_categories.labels
P = m.Params(as_of=date(2024, 3, 14))


def _groups(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["category", "agreements", "scope_rate", "scope_rate_cl_low", "scope_rate_cl_high"],
    ).assign(scope_rate_low=0.0, scope_rate_high=1.0, effective_n=1.0, scope_items=10)


def test_clearly_apart_names_only_groups_whose_interval_clears_all_others():
    df = _groups(
        [
            ("a", 20, 0.10, 0.05, 0.20),
            ("b", 20, 0.40, 0.30, 0.50),
            ("c", 20, 0.45, 0.35, 0.55),
            ("tiny", 2, 0.00, 0.00, 0.60),  # lower rate, but too small to compare
            ("empty", 0, np.nan, np.nan, np.nan),
        ]
    )
    out = _clearly_apart(df, "category", 5)
    assert out["compared"] == 3 and out["differs"] is True
    assert out["lowest"]["label"] == "a" and out["lowest"]["scope_rate_cl_high"] == 0.20
    assert set(out["lowest"]) == {"label", *GROUP_FACT_KEYS}
    assert out["highest"] is None  # c's 0.35 does not clear b's upper 0.50


def test_clearly_apart_touching_intervals_do_not_clear():
    df = _groups([("a", 9, 0.1, 0.05, 0.30), ("b", 9, 0.6, 0.30, 0.80)])
    out = _clearly_apart(df, "category", 5)
    assert out["lowest"] is None and out["highest"] is None and out["differs"] is False
    df = _groups([("a", 9, 0.1, 0.05, 0.29), ("b", 9, 0.6, 0.30, 0.80)])
    out = _clearly_apart(df, "category", 5)
    assert out["lowest"]["label"] == "a" and out["highest"]["label"] == "b"


def test_clearly_apart_needs_two_groups():
    out = _clearly_apart(_groups([("a", 50, 0.2, 0.1, 0.3), ("b", 4, 0.9, 0.8, 1.0)]), "c", 5)
    assert out == {"lowest": None, "highest": None, "compared": 1, "differs": False}


def _tables() -> m.Tables:
    """PD 12 agreements (3 scopes each, none realised), LP 12 (3 scopes, all realised),
    LK 20 (one scope, 10 realised), LPEM 2 (one scope, none)."""
    spec = [(PD, 12, 3, 0), (LP, 12, 3, 12), (LK, 20, 1, 10), (LPEM, 2, 1, 0)]
    ag, sc, act = [], [], []
    for j, (cat, n, scopes, done) in enumerate(spec):
        for i in range(n):
            aid = f"G{j}-{i}"
            ag.append({"agreement_id": aid, "partner_category": cat})
            for s in (S1, S2, S3)[:scopes]:
                sc.append((aid, s))
                if i < done:
                    act.append((aid, s, pd.Timestamp("2021-01-01"), "Terlaksana"))
    ag = pd.DataFrame(ag)
    ag["partner_name"] = ag["agreement_id"]
    ag["province"] = "Bali"
    ag["unit"] = "Biro"
    ag["signed_on"] = pd.Timestamp("2020-01-01")
    ag["ends_on"] = pd.Timestamp("2026-01-01")
    ag["document_type"] = "Nota Kesepahaman"
    acts = pd.DataFrame(act, columns=["agreement_id", "scope", "activity_date", "status"])
    acts["outcome_type"] = pd.NA
    acts["value"] = np.nan
    return m.Tables(ag, pd.DataFrame(sc, columns=["agreement_id", "scope"]), acts)


def test_executive_summary_names_the_groups_that_differ_clearly():
    f = m.executive_summary_facts(_tables(), P)
    # PD 0 of 36 items in 12 agreements: rate 0, n_eff = 12 agreements -> Wilson(0, 12):
    # upper z^2 / (12 + z^2) = 0.2425; LK 10 of 20 (one item each) -> Wilson(10, 20) from
    # 0.2993: PD is the lowest. LP 36 of 36 -> lower 12 / (12 + z^2) = 0.7575 > LK's 0.7007.
    assert f["category_groups_compared"] == 3  # LPEM has 2 agreements
    low, high = f["lowest_category"], f["highest_category"]
    assert low["label"] == PD and low["scope_rate"] == 0.0 and low["effective_n"] == 12.0
    w = wilson_interval([0], [12])
    assert low["scope_rate_cl_high"] == pytest.approx(w[1][0])
    # the item-level Wilson interval (36 items) is much narrower than the clustered one
    assert low["scope_rate_high"] == pytest.approx(wilson_interval([0], [36])[1][0])
    assert high["label"] == LP and high["scope_rate_cl_low"] == pytest.approx(
        12 / (12 + 3.8415), abs=1e-4
    )
    assert f["category_differs_clearly"] is True
    # scopes: S1 22/46, S2 12/24, S3 12/24 (PD and LP agreements only): overlapping
    assert f["scope_groups_compared"] == 3 and f["scope_differs_clearly"] is False
    assert f["lowest_scope"] is None and f["highest_scope"] is None
    for k in ("scope_rate_cl_low", "scope_rate_cl_high", "effective_n", "design_effect"):
        assert isinstance(f[k], float)


def test_summary_facts_table_columns():
    from evaluation.analysis.tables import GROUPS, summary_facts

    out = summary_facts(_tables(), P)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["lowest_category"] == PD and row["highest_category"] == LP
    assert pd.isna(row["lowest_scope"]) and pd.isna(row["highest_scope"])
    for which in GROUPS:
        for k in GROUP_FACT_KEYS:
            assert f"{which}_{k}" in out.columns
    assert out["highest_category_agreements"].dtype == "Int64"
    assert out["lowest_scope_scope_rate_cl_low"].dtype == "float64"
    assert bool(row["category_differs_clearly"]) and not bool(row["scope_differs_clearly"])
    assert row["scope_groups_compared"] == 3
    assert 0 < row["scope_rate_cl_low"] < row["scope_rate"] < row["scope_rate_cl_high"] < 1
