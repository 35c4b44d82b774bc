"""Wording of the findings and decisions, and the cover's key-figure panel.

The findings come from the real rules (:mod:`evaluation.analysis.findings`) run on the small
hand-made tables of ``tests/analysis/test_findings.py``; the cover and the summary are
rendered from a report loaded with :func:`from_tables` on tables computed from a tiny data
set (3 agreements, below).
"""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.analysis import findings as fnd
from evaluation.analysis.findings import DECISION_CODES, FINDING_CODES, fields_of, findings
from evaluation.presentation.summary_sections import field_texts, finding_text, findings_texts
from findings_fixtures import (  # the hand-made tables
    CLEAR_HIGH,
    OVERLAP,
    _assistance,
    _facts,
    _params,
    _tier_tables,
)


def _overall(done=7, n=12, low=0.3195, high=0.8067) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "agreements": n,
                "agreements_followed_up": done,
                "followup_rate": done / n,
                "followup_rate_low": low,
                "followup_rate_high": high,
            }
        ]
    )


def _scopes(rates) -> pd.DataFrame:
    return pd.DataFrame(
        rates, columns=["scope", "scope_items", "scope_rate", "scope_rate_low", "scope_rate_high"]
    )


SCOPE_LABELS = ("Pendidikan dan Pelatihan Calon PMI", "Fasilitasi Pelindungan PMI")


def _every_code() -> pd.DataFrame:
    """Findings tables that together use every code of the rules."""
    s1, s2 = SCOPE_LABELS
    clear_scopes = _scopes([(s1, 40, 0.05, 0.01, 0.17), (s2, 50, 0.60, 0.46, 0.72)])
    flat_scopes = _scopes(
        [(s1, 40, 0.30, 0.2, 0.4), (s2, 50, 0.35, 0.25, 0.45), ("S3", 2, 0, 0, 0.6)]
    )
    cats = CLEAR_HIGH.assign(
        category=["Pemerintah Daerah", "Lembaga Pendidikan", "Lembaga Kesehatan"]
    )
    flat = OVERLAP.assign(
        category=[
            "Pemerintah Daerah",
            "Lembaga Pendidikan",
            "Lembaga Kesehatan",
            "Lembaga Keuangan",
        ]
    )
    tie = _assistance()
    tie.loc[tie["agreement_id"] == "b2", "unit"] = "U3"
    tables = [
        {
            "rates_overall": _overall(),
            "rates_by_category": cats,
            "summary_facts": _facts(lowest_category="Pemerintah Daerah", lowest_scope=s1),
            "report_parameters": _params(),
            **{k: v for k, v in _tier_tables(_assistance()).items() if k != "summary_facts"},
        },
        {
            "rates_by_category": flat,
            "rates_by_scope": flat_scopes,
            "summary_facts": _facts(lowest_category="Pemerintah Daerah", lowest_scope=s1),
            "report_parameters": _params(),
        },
        _tier_tables(tie),
        {  # the scope findings alone: with the five above they would be cut
            "rates_by_scope": clear_scopes,
            "summary_facts": _facts(lowest_scope=s1),
            "report_parameters": _params(),
        },
    ]
    return pd.concat([findings(t) for t in tables], ignore_index=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_code_is_worded_with_all_its_placeholders(lang):
    df = _every_code()
    assert set(df["code"]) == set(FINDING_CODES) | set(DECISION_CODES)
    for _, r in df.iterrows():
        text = finding_text(r["kind"], r["code"], fields_of(r), lang)
        assert "{" not in text and "}" not in text and text.endswith("."), text


def test_the_followup_finding_in_indonesian_by_hand():
    df = findings({"rates_overall": _overall()}, rules=[fnd.followup_overall])
    (text,) = findings_texts(df, "finding", "id")
    assert text == (
        "7 dari 12 perjanjian (58,3%; selang kepercayaan 95% 32,0–80,7%) telah memiliki "
        "sedikitnya satu tindak lanjut terlaksana."
    )
    (en,) = findings_texts(df, "finding", "en")
    assert en.startswith("7 of 12 agreements (58.3%; 95% CI 32.0–80.7%)")


def test_no_clear_difference_wording_names_no_group_and_counts_the_small_ones():
    tables = {
        "rates_by_category": OVERLAP.assign(
            category=[
                "Pemerintah Daerah",
                "Lembaga Pendidikan",
                "Lembaga Kesehatan",
                "Lembaga Keuangan",
            ]
        ),
        "summary_facts": _facts(lowest_category="Pemerintah Daerah"),
        "report_parameters": _params(),
    }
    (text,) = findings_texts(findings(tables), "finding", "id")
    assert text.startswith("Tidak ada kategori mitra yang jelas berbeda")
    assert "30,0%–35,0%" in text and "Wilson" in text
    assert "1 kategori dengan kurang dari 5 perjanjian" in text
    assert "Pemerintah Daerah" not in text and "terendah" not in text


def test_decisions_list_units_with_counts():
    df = findings(_tier_tables(_assistance()))
    texts = findings_texts(df, "decision", "en")
    assert texts[0] == (
        "Decide renewal or closure of the 3 tier-1 agreements that end within 6 months with "
        "implementation below 50%. By unit: U2 (2), U1 (1)."
    )
    assert texts[1].endswith("By unit: U1 (2), U2 (1), unit not recorded (1).")
    assert texts[2].startswith("Confirm the watch list of 2 tier-3 agreements")


def test_field_texts_formats_by_name():
    out = field_texts(
        {
            "n": 1234,
            "rate": 0.4251,
            "low_rate": 0.5,
            "cl_low": 0.1,
            "cl_high": 0.2,
            "clustered": True,
            "units": [["A", 3]],
            "other_units": 2,
            "other_n": 5,
            "share": 1.25,
        },
        "id",
    )
    assert out["n"] == "1.234" and out["rate"] == "42,5%" and out["low_rate"] == "50%"
    assert out["cl_interval"] == "10,0–20,0%"
    assert out["units"] == "A (3), dan 2 unit lain (5)"
    assert out["method"].startswith("memperhitungkan")
    assert out["share"] == "1,3"  # half-up
    assert "other_units" not in out
