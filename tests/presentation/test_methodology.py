"""Tests of the methodology section, the assumptions-log appendix, the changes baseline wording
and the scope-coverage part of the data-quality appendix (evaluation.presentation).

Data: the hand-made register of tests/registers.py (counts worked out in
tests/analysis/test_assumptions.py and test_coverage.py). The helpers are called on the
tables of record computed by compute_tables; their HTML is checked as text.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from evaluation.analysis.tables import compute_tables
from evaluation.params import ReportParams
from evaluation.presentation import notebook as nbh
from evaluation.presentation.report import from_tables
from evaluation.presentation.text import t
from evaluation.vocab.loader import load_vocabulary
from registers import AS_OF, make_register


def _text(block) -> str:
    html = block.fragment if hasattr(block, "fragment") else str(block)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return compute_tables(make_register(), ReportParams(as_of=AS_OF))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_methodology_states_parameters_rules_and_imputation_counts(tables, lang):
    L = from_tables(tables, lang)
    text = _text(nbh.metodologi(L))
    assert "{" not in text and "}" not in text  # every placeholder filled
    for key in ("h_triage", "h_intervals", "h_trend", "h_survival", "h_imputations"):
        assert t(f"methodology.{key}", lang) in text
    assert "Aalen" in text and "Greenwood" in text and "Spiegelhalter" in text
    assert ("99,8%" if lang == "id" else "99.8%") in text
    # parameter table: the values used
    for name in ("as_of", "since", "grace_months", "low_rate", "default_term_years"):
        assert t(f"param.{name}", lang) in text
    # the imputation table: the rule, all rows, rows counted (default term: 2 and 1)
    rule = t("imputation.default_end_term", lang)
    assert re.search(re.escape(rule) + r" 2 1 ", text)
    assert re.search(re.escape(t("imputation.activity_without_scope", lang)) + r" 2 1 ", text)
    assert re.search(re.escape(t("imputation.scope_item_added", lang)) + r" 0 0 ", text)
    # the baseline is stated
    assert ("14 Maret 2023" if lang == "id" else "14 March 2023") in text


def test_methodology_follows_the_parameters():
    out = compute_tables(
        make_register(), ReportParams(as_of=AS_OF, grace_months=18, stale_months=9)
    )
    text = _text(nbh.metodologi(from_tables(out, "en")))
    assert "more than 18 months after signing" in text
    assert "in the last 9 months" in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_assumptions_appendix_one_row_per_assumption(tables, lang):
    L = from_tables(tables, lang)
    block = nbh.asumsi(L)
    html = block.fragment
    assert t("section.assumptions", lang) in html
    log = tables["assumptions"]
    assert html.count("<tr>") == len(log) + 1  # header + one row each
    text = _text(block)
    assert t("assumption.status_from_register", lang) in text
    assert t("assumption.default_end_term", lang, default_term_years=5) in text
    assert t("rating.amber", lang) in text
    assert "synthetic" not in text.lower() and "sintetis" not in text.lower()


def test_assumptions_appendix_marks_the_sample():
    out = compute_tables(make_register(), ReportParams(as_of=AS_OF), is_sample=True)
    text = _text(nbh.asumsi(from_tables(out, "id")))
    assert t("assumption.synthetic_sample", "id") in text
    assert t("rating.red", "id") in text


def test_changes_section_says_it_compares_with_the_same_data_12_months_earlier(tables):
    text = _text(nbh.perubahan(from_tables(tables, "id")))
    assert t("section.changes_baseline", "id", months="12") in text
    assert t("note.compared_same_data", "id", date="14 Maret 2023", months="12") in text
    assert t("section.changes", "id") not in text


def test_changes_section_with_a_previous_report(tables):
    par = tables["report_parameters"].copy()
    par["baseline"] = pd.Series(["previous_report"], dtype="string")
    par["baseline_as_of"] = par["previous_as_of"] = pd.Series(["2023-09-30"], dtype="string")
    L = from_tables(dict(tables, report_parameters=par), "en")
    text = _text(nbh.perubahan(L))
    assert t("section.changes", "en") in text
    assert t("note.compared_with", "en", date="30 September 2023") in text
    assert "30 September 2023" in _text(nbh.metodologi(L))


def test_changes_section_without_baseline():
    out = compute_tables(make_register(), ReportParams(as_of=AS_OF, since=date(2023, 6, 1)))
    L = from_tables(out, "en")
    assert t("note.no_previous", "en") in _text(nbh.perubahan(L))
    assert t("methodology.changes_none", "en", months="12", since="1 June 2023") in _text(
        nbh.metodologi(L)
    )


def test_data_quality_lists_agreements_without_scope_and_unused_expected_scopes(tables):
    text = _text(nbh.kualitas_data(from_tables(tables, "en")))
    assert t("section.dq_without_scope", "en") in text
    assert t("note.dq_without_scope", "en", n="1") in text
    assert "A6" in text and "register.xlsx / Perjanjian / 7" in text
    assert t("section.dq_expected_scopes", "en") in text
    # Pemda 3, 4, 5 and Pendidikan 9, 10 (categories without agreements are not listed)
    assert t("note.dq_expected_scopes", "en", n="5") in text
    vocab = load_vocabulary()
    for code in (3, 4, 5, 9, 10):
        assert vocab.scopes.display(vocab.scope_by_code(code), "en") in text
    assert vocab.partner_categories.display("Lembaga Kesehatan", "en") not in text
