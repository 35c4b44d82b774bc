"""Tests of the imputation counts and the assumptions log (evaluation.analysis.assumptions).

The register is ``make_register()`` of tests/registers.py (fixture ``register``); the counts are read off
its docstring by hand:

    default_end_term       Perjanjian r2 (A1) and r6 (A5, before since); r9 not processed
                           -> rows 2, in window 1
    end_date_partial       r3 (A2)                     -> 1, 1
    end_date_term          r4 (A3)                     -> 1, 1
    end_date_open          r5 (A4)                     -> 1, 1
    activity_scope_inferred Tindak Lanjut r5           -> 1, 1
    activity_without_scope Tindak Lanjut r6, r7 (r7 after as_of) -> 2, 1
    scope_item_added       none                        -> 0, 0
    label_read_by_keyword  Tindak Lanjut r4, Perjanjian r6 (A5) -> 2, 1

Assumptions: partial_dates = 1 + 1; status_from_register = realised activities counted without
evidence = r3 (r7 is after as_of) = 1; evaluation_window = rows outside = A5 + r7 = 2.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from evaluation.analysis import assumptions as log
from evaluation.analysis import metrics
from evaluation.analysis.tables import compute_tables
from evaluation.params import ReportParams
from registers import make_register


@pytest.fixture
def register() -> dict:
    return make_register()


AS_OF = date(2024, 3, 14)


def _prepared(data, **kw):
    mp = metrics.Params(as_of=AS_OF, **kw)
    return metrics.prepare(
        metrics.Tables(data["agreements"], data["scope_items"], data["activities"]), mp
    )


def test_imputation_counts_by_hand(register):
    imp = log.imputations(register, _prepared(register)).set_index("code")
    assert list(imp.index) == list(log.IMPUTATION_RULES)
    expected = {
        "default_end_term": (2, 1),
        "end_date_partial": (1, 1),
        "end_date_term": (1, 1),
        "end_date_open": (1, 1),
        "activity_scope_inferred": (1, 1),
        "activity_without_scope": (2, 1),
        "scope_item_added": (0, 0),
        "label_read_by_keyword": (2, 1),
    }
    got = {c: (int(r["rows"]), int(r["rows_in_window"])) for c, r in imp.iterrows()}
    assert got == expected
    assert imp.loc["default_end_term", "table"] == "agreements"


def test_imputations_follow_the_category(register):
    imp = log.imputations(register, _prepared(register, category="Lembaga Pendidikan"))
    imp = imp.set_index("code")
    # A1 (Pemerintah Daerah) is outside a Lembaga Pendidikan report; A2 and A3 are in it
    assert imp.loc["default_end_term", "rows_in_window"] == 0
    assert imp.loc["end_date_partial", "rows_in_window"] == 1
    assert imp.loc["activity_without_scope", "rows_in_window"] == 0  # A4 is a Pemda


def test_assumptions_log_by_hand(register):
    tbl = _prepared(register)
    imp = log.imputations(register, tbl)
    a = log.assumptions(register, tbl, imp).set_index("code")
    assert "synthetic_sample" not in a.index
    n = a["rows_affected"]
    assert n["default_end_term"] == 1
    assert n["partial_dates"] == 2
    assert n["open_ended_active"] == 1
    assert n["activities_without_scope"] == 1
    assert n["scope_inferred"] == 1
    assert n["status_from_register"] == 1
    assert n["evaluation_window"] == 2
    assert pd.isna(n["clustering"])
    assert set(a["quality"]) | set(a["impact"]) <= set(log.RATINGS)
    assert tuple(a.loc["default_end_term", ["quality", "impact"]]) == ("amber", "amber")


def test_an_assumption_touching_no_row_has_green_impact(register):
    data = dict(register, data_quality=register["data_quality"].iloc[0:0])
    tbl = _prepared(data)
    a = log.assumptions(data, tbl, log.imputations(data, tbl), is_sample=True).set_index("code")
    assert a.loc["default_end_term", "rows_affected"] == 0
    assert a.loc["default_end_term", "impact"] == "green"
    assert a.loc["default_end_term", "quality"] == "amber"  # quality is not downgraded
    assert a.loc["clustering", "impact"] == "amber"  # not countable: its base rating
    # the synthetic sample affects every agreement counted (A1, A2, A3, A4, A6)
    assert tuple(a.loc["synthetic_sample"]) == (5, "red", "red")


def test_compute_tables_has_the_tables_of_record(register):
    out = compute_tables(register, ReportParams(as_of=AS_OF))
    assert list(out["imputations"].columns) == log.IMPUTATION_COLUMNS
    assert list(out["assumptions"].columns) == log.ASSUMPTION_COLUMNS
    row = out["imputations"].set_index("code").loc["default_end_term"]
    assert (row["rows"], row["rows_in_window"]) == (2, 1)


def test_dq_rows_as_read_from_csv_text(register, tmp_path):
    """data_quality.csv is read back as text: row numbers as strings still match."""
    path = tmp_path / "dq.csv"
    register["data_quality"].to_csv(path, index=False)
    data = dict(register, data_quality=pd.read_csv(path, dtype=str, keep_default_na=False))
    imp = log.imputations(data, _prepared(data)).set_index("code")
    assert imp.loc["default_end_term", "rows"] == 2
