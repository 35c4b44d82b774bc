"""Tests of evaluation.presentation.display: the clustered interval column, small-group
marks and funnel columns in report tables (no report loaded: Bahasa Indonesia)."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.presentation.display import column_kind, tabel


def _rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["Pemerintah Daerah", "Lembaga Keuangan"],
            "agreements": [195, 2],
            "scope_items": [789, 2],
            "scope_rate": [0.33, 1.0],
            "scope_rate_low": [0.298, 0.342],
            "scope_rate_high": [0.363, 1.0],
            "scope_rate_cl_low": [0.281, 0.207],
            "scope_rate_cl_high": [0.382, 1.0],
            "effective_n": [323.72, 1.0],
            "small_group": [False, True],
        }
    )


def test_clustered_interval_effective_n_and_small_group_mark():
    total = pd.DataFrame(
        {
            "category": [pd.NA],
            "agreements": [197],
            "scope_items": [791],
            "scope_rate": [0.3325],
            "scope_rate_low": [0.3],
            "scope_rate_high": [0.36],
            "scope_rate_cl_low": [0.28],
            "scope_rate_cl_high": [0.39],
            "effective_n": [324.0],
            "small_group": [False],
            "is_total": [True],
        }
    )
    tb = tabel(
        _rates(),
        total=total,
        kolom=["category", "agreements", "scope_rate", "scope_rate_cl", "effective_n"],
    )
    shown = tb.shown
    assert list(shown.columns) == [
        "Kategori Mitra",
        "Perjanjian",
        "Tingkat Pelaksanaan (Interval 95%)",
        "Interval 95% (Klaster)",
        "n Efektif",
    ]
    assert list(shown.iloc[:, 0]) == ["Pemerintah Daerah", "Lembaga Keuangan *", "Semua"]
    assert shown.iloc[0, 2] == "33,0% (29,8–36,3%)"  # the Wilson interval is kept
    assert shown.iloc[0, 3] == "28,1–38,2%"
    assert shown.iloc[1, 3] == "20,7–100,0%"
    assert shown.iloc[0, 4] == "323,7"


def test_default_columns_leave_out_bounds_and_flags():
    tb = tabel(_rates())
    headers = list(tb.shown.columns)
    assert "Kelompok Kecil (< 5 Perjanjian)" not in headers
    assert not any("Batas" in h for h in headers)
    assert "n Efektif" in headers


def test_funnel_columns_are_percent_and_worded_positions():
    df = pd.DataFrame(
        {
            "unit": ["Biro A", None],
            "agreements": [12, 3],
            "followup_rate": [0.75, math.nan],
            "limit_95_low": [0.12, 0.0],
            "limit_998_high": [0.9, 0.99],
            "position": ["above_95", "within"],
        }
    )
    assert column_kind(df, "limit_95_low") == "percent"
    assert column_kind(df, "position") == "funnel_position"
    shown = tabel(df).shown
    assert list(shown["Posisi"]) == ["Di atas batas 95%", "Dalam batas"]
    assert list(shown["Batas Bawah 95%"]) == ["12,0%", "0,0%"]
    assert shown["Batas Atas 99,8%"].iloc[0] == "90,0%"
