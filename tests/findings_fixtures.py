"""Small hand-made tables of record for the findings rules (tests/analysis/test_findings.py
explains the numbers; tests/presentation/test_summary_sections.py words them)."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.analysis.triage import assistance_by_unit


def _params(**kw) -> pd.DataFrame:
    row = {"category": None, "grace_months": 12, "stale_months": 12, "expiry_months": 6}
    row["low_rate"] = 0.5
    row.update(kw)
    return pd.DataFrame([row]).astype({"category": "string"})


def _cats(rows, **extra_cols) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=["category", "agreements", "scope_rate", "scope_rate_low", "scope_rate_high"]
    )
    for k, v in extra_cols.items():
        df[k] = v
    return df


def _facts(lowest_category=None, lowest_scope=None, ending_soon=5, **extra) -> pd.DataFrame:
    row = {
        "lowest_category": lowest_category,
        "lowest_scope": lowest_scope,
        "ending_soon": ending_soon,
        **extra,
    }
    return pd.DataFrame([row])


OVERLAP = _cats(
    [
        ("A", 20, 0.30, 0.20, 0.40),
        ("B", 10, 0.35, 0.25, 0.45),
        ("C", 3, 0.0, 0.0, 0.10),
        ("D", 0, math.nan, math.nan, math.nan),
    ]
)
CLEAR_LOW = _cats(
    [("A", 20, 0.10, 0.05, 0.20), ("B", 30, 0.50, 0.40, 0.60), ("C", 10, 0.55, 0.45, 0.65)]
)
CLEAR_HIGH = _cats(
    [("A", 20, 0.10, 0.05, 0.20), ("B", 30, 0.50, 0.40, 0.60), ("C", 10, 0.80, 0.70, 0.90)]
)


def _assistance() -> pd.DataFrame:
    rows = [
        # agreement, partner, unit, tier
        ("a1", "Q1", "U2", 1),
        ("a2", "Q2", "U2", 1),
        ("a3", "Q3", "U1", 1),
        ("b1", "P1", "U1", 2),
        ("b2", "p1 ", "U1", 2),
        ("b3", "P2", "U2", 2),
        ("b4", "P3", None, 2),
        ("c1", "R1", "U2", 3),
        ("c2", "R2", "U2", 3),
    ]
    df = pd.DataFrame(rows, columns=["agreement_id", "partner_name", "unit", "tier"])
    return df.astype({"unit": "string"})


def _tier_tables(assist: pd.DataFrame) -> dict:
    return {
        "needs_assistance": assist,
        "assistance_by_unit": assistance_by_unit(assist),
        "summary_facts": _facts(ending_soon=5),
        "report_parameters": _params(),
    }
