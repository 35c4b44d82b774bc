"""ringkasan.xlsx as people open it: the bundled sample ingested, its tables of record computed,
the workbook written in Indonesian and in English and read back with openpyxl."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest

from conftest import ROOT
from evaluation.analysis.tables import compute_tables
from evaluation.ingest import ingest, load_processed, write_processed
from evaluation.params import check_params
from evaluation.presentation.sheets import summary_sheets
from evaluation.presentation.text import load_translations, t
from evaluation.presentation.workbook import write_summary_xlsx
from evaluation.presentation.xlsx_cells import header_label, infer_kind

TITLE = "Laporan Evaluasi & Uji"
SNAKE = re.compile(r"[a-z0-9]_[a-z0-9]|::")
#: Words a program writes that must not reach an Indonesian sheet as a cell value.
ENGLISH_VALUES = {"fixed", "used", "ignored", "quarantined", "True", "False", "Yes", "No"}


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy2(ROOT / "data" / "raw" / "sampel_perjanjian_bp2mi.xlsx", raw)
    out = tmp_path_factory.mktemp("processed")
    write_processed(ingest(raw), out)
    return compute_tables(load_processed(out), check_params({"as_of": "2024-03-14"}))


@pytest.fixture(scope="module", params=["id", "en"])
def book(request, tables, tmp_path_factory):
    lang = request.param
    rp = check_params({"as_of": "2024-03-14", "lang": lang})
    sheets = summary_sheets(tables, rp)
    path = tmp_path_factory.mktemp(f"xlsx_{lang}") / "ringkasan.xlsx"
    write_summary_xlsx(path, sheets, title=TITLE, lang=lang)
    return lang, openpyxl.load_workbook(path), sheets


def _headers(ws) -> list[str]:
    (table,) = ws.tables.values()
    return [c.value for c in ws[table.ref.split(":")[0][1:]]]


def _column(ws, header: str) -> list:
    col = _headers(ws).index(header) + 1
    return [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]


def test_every_sheet_is_a_table_with_print_setup(book):
    lang, wb, sheets = book
    assert len(wb.sheetnames) == len(sheets) + 1  # the cover sheet first
    for ws in wb.worksheets:
        assert len(ws.tables) == 1, ws.title
        ps = ws.page_setup
        assert ps.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ps.fitToWidth in (None, 1) and ps.fitToHeight == 0, ws.title  # 1 page wide
        assert TITLE.replace("&", "&&") in ws.oddHeader.left.text, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ("Halaman" if lang == "id" else "Page") in ws.oddFooter.center.text
    for ws in wb.worksheets[1:]:
        assert ws.print_title_rows == "$1:$1", ws.title  # the header row on every page
        assert ws.freeze_panes == "A2", ws.title
        (table,) = ws.tables.values()
        assert table.ref.startswith("A1:") and table.headerRowCount in (None, 1)


def test_headers_are_words_of_the_report_language_once_each(book):
    lang, wb, _ = book
    translations = load_translations()
    other = "en" if lang == "id" else "id"
    # headers of the other language (where the two differ) must not appear
    foreign = {
        v[other] for k, v in translations.items() if k.startswith("col.") and v[other] != v[lang]
    }
    for ws in wb.worksheets[1:]:
        headers = _headers(ws)
        assert len(headers) == len({h.casefold() for h in headers}), (ws.title, headers)
        assert not [h for h in headers if SNAKE.search(h)], (ws.title, headers)
        assert not set(headers) & foreign, (ws.title, set(headers) & foreign)
    reason, step = ("Alasan", "Langkah Berikutnya") if lang == "id" else ("Reason", "Next Step")
    for key in ("sheet.assistance", "sheet.scorecards"):
        title = t(key, lang)
        headers = _headers(wb[title])
        assert sum(h.startswith(reason) for h in headers) == 1, (title, headers)
        assert sum(h.startswith(step) for h in headers) == 1, (title, headers)


def test_cells_are_words_not_codes(book):
    lang, wb, _ = book
    codes = re.compile(r"^(no_realisation|stale|expiring_low)(;|$)")
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows(min_row=2, values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert not codes.match(v), (ws.title, v)
                    if lang == "id":
                        assert v not in ENGLISH_VALUES, (ws.title, v)
                assert not isinstance(v, bool), (ws.title, row)  # booleans are Ya/Tidak
    dq = wb.worksheets[-1]
    action = "Tindakan" if lang == "id" else "Action"
    words = {c.value for c in _column(dq, action)}
    assert words <= ({"Dipakai", "Diperbaiki", "Dikarantina", "Diabaikan"} if lang == "id"
                     else {"Used", "Fixed", "Quarantined", "Ignored"})  # fmt: skip
    assert "Diperbaiki" in words or "Fixed" in words


def test_number_formats(book):
    lang, wb, sheets = book
    by_year = wb[t("sheet.by_year", lang)]
    years = _column(by_year, "Tahun" if lang == "id" else "Year")
    assert all(c.number_format == "0" and 2000 <= c.value <= 2100 for c in years)
    rate = "Tingkat Pelaksanaan" if lang == "id" else "Implementation Rate"
    assert all(c.number_format == "0.0%" for c in _column(by_year, rate))
    timing = wb[t("sheet.timing", lang)]
    median = [c for c in _column(timing, header_label("median_months", lang)) if c.value]
    assert median and all(c.number_format == "#,##0.0" for c in median)
    budget = _column(wb[t("sheet.outcomes", lang)], header_label("training_budget", lang))
    assert budget and all(c.number_format == '"Rp "#,##0' for c in budget)
    signed = _column(wb[t("sheet.assistance", lang)], header_label("signed_on", lang))
    assert all(c.is_date and c.number_format == "DD/MM/YYYY" for c in signed)
    perda = {
        c.value
        for c in _column(wb[t("sheet.outcomes_partner", lang)], header_label("has_perda", lang))
    }
    assert perda == ({"Ya", "Tidak"} if lang == "id" else {"Yes", "No"})


def test_unknown_columns_get_words_and_kinds():
    import pandas as pd

    assert header_label("followup_rate_previous", "id") == "Tingkat Tindak Lanjut (Sebelumnya)"
    assert header_label("scope_rate_change_pp", "en").startswith("Implementation Rate: Change")
    assert header_label("scope::Koordinasi Tugas dan Fungsi", "id").startswith("Ruang Lingkup: ")
    assert header_label("tier_of_partner", "id") == "Tier of partner"  # no message: words
    assert infer_kind("signing_year", pd.Series([2019])) == "year"
    assert infer_kind("followup_rate_current", pd.Series([0.5])) == "percent"
    assert infer_kind("training_budget", pd.Series([1.5e6])) == "rupiah"
    assert infer_kind("flag", pd.Series([True])) == "bool"
    assert infer_kind("median_months", pd.Series([1.25])) == "number"


# ------------------------------------------------------------------------------ the newer tables
#: Sheets of the tables of record added with the executive summary, the cohorts, the survival
#: facts, the funnels, coverage and the assumptions log.
NEW_SHEETS = (
    "findings", "decisions", "cohorts", "assistance_by_unit", "after", "at_risk",
    "funnel_province", "funnel_unit", "without_scope", "expected_scopes", "assumptions",
    "imputations",
)  # fmt: skip


def _filled(cells: list) -> list:
    """The cells that hold a value (an empty cell has no number format of its own)."""
    out = [c for c in cells if c.value is not None]
    assert out
    return out


def _rows(ws) -> list[dict]:
    headers = _headers(ws)
    return [dict(zip(headers, row, strict=False)) for row in ws.iter_rows(min_row=2)]


def test_the_newer_tables_have_sheets(book, tables):
    lang, wb, _ = book
    for key in NEW_SHEETS:
        assert t(f"sheet.{key}", lang) in wb.sheetnames, key
    # every row kept
    assert wb[t("sheet.cohorts", lang)].max_row - 1 == len(tables["cohort_followup"])
    assert wb[t("sheet.funnel_unit", lang)].max_row - 1 == len(tables["funnel_unit"])
    kinds = tables["findings"]["kind"]
    assert wb[t("sheet.findings", lang)].max_row - 1 == int((kinds == "finding").sum())
    assert wb[t("sheet.decisions", lang)].max_row - 1 == int((kinds == "decision").sum())
    assert wb[t("sheet.assistance_by_unit", lang)].max_row - 1 == len(tables["assistance_by_unit"])


def test_the_newer_sheets_are_worded_for_people(book, tables):
    lang, wb, _ = book
    # findings and decisions are the summary's sentences, not codes and JSON fields
    findings = _rows(wb[t("sheet.findings", lang)])
    assert [r[header_label("rank", lang)].value for r in findings] == list(
        range(1, len(findings) + 1)
    )
    text = findings[0][header_label("finding_text", lang)].value
    assert "162" in text and "342" in text and "{" not in text
    assert ("perjanjian" in text) == (lang == "id")
    decisions = _rows(wb[t("sheet.decisions", lang)])
    assert all(len(r[header_label("decision_text", lang)].value) > 20 for r in decisions)
    codes = set(tables["findings"]["code"]) | set(tables["assumptions"]["code"])
    codes |= set(tables["imputations"]["code"]) | {"within", "amber", "green", "red", "ended"}
    for key in NEW_SHEETS + ("changes_summary", "changes_assistance_removed"):
        ws = wb[t(f"sheet.{key}", lang)]
        for row in ws.iter_rows(min_row=2, values_only=True):
            assert not (set(row) & codes), (ws.title, row)
    # the assumptions log and the funnel position in words
    log = _rows(wb[t("sheet.assumptions", lang)])
    quality = {r[header_label("quality", lang)].value for r in log}
    assert quality <= ({"Hijau", "Kuning", "Merah"} if lang == "id" else {"Green", "Amber", "Red"})
    position = {
        r[header_label("position", lang)].value for r in _rows(wb[t("sheet.funnel_unit", lang)])
    }
    assert (t("funnel.within", lang)) in position
    # the changes since the previous evaluation: measures by name, no raw unit
    summary = _rows(wb[t("sheet.changes_summary", lang)])
    measures = [r[header_label("metric", lang)].value for r in summary]
    assert measures[0] == t("metric.agreements", lang) and "agreements" not in measures
    rate = next(
        r
        for r in summary
        if r[header_label("metric", lang)].value == t("metric.followup_rate", lang)
    )
    assert rate[header_label("previous", lang)].value == 45.7  # percent, one decimal
    assert rate[header_label("change", lang)].value == 1.7  # percentage points


def test_the_newer_sheets_number_formats(book):
    lang, wb, _ = book
    cohorts = wb[t("sheet.cohorts", lang)]
    years = _column(cohorts, header_label("cohort", lang))
    assert years and all(c.number_format == "0" and 2000 <= c.value <= 2100 for c in years)
    for col in ("share_within_6m", "share_within_12m_low"):
        assert all(
            c.number_format == "0.0%" for c in _filled(_column(cohorts, header_label(col, lang)))
        )
    age = _column(cohorts, header_label("age_median_months", lang))
    assert all(c.number_format == "#,##0.0" for c in _filled(age))
    after = wb[t("sheet.after", lang)]
    assert all(
        c.number_format == "0.0%"
        for c in _column(after, header_label("share_followed_up_later", lang))
    )
    assert [c.value for c in _column(after, header_label("after_months", lang))] == [6, 12, 24]
    funnel = wb[t("sheet.funnel_province", lang)]
    for col in ("followup_rate", "overall_rate", "limit_95_low", "limit_998_high"):
        cells = _column(funnel, header_label(col, lang))
        assert cells and all(c.number_format == "0.0%" for c in cells), col
    units = wb[t("sheet.assistance_by_unit", lang)]
    assert all(c.number_format == "#,##0" for c in _column(units, header_label("tier_1", lang)))
    scopes = {
        c.value for c in _column(wb[t("sheet.expected_scopes", lang)], header_label("used", lang))
    }
    assert scopes <= ({"Ya", "Tidak"} if lang == "id" else {"Yes", "No"})
    signed = _column(wb[t("sheet.without_scope", lang)], header_label("signed_on", lang))
    assert signed and all(c.is_date and c.number_format == "DD/MM/YYYY" for c in signed)
    changes = wb[t("sheet.changes_by_category", lang)]
    pp = _column(changes, header_label("followup_rate_change_pp", lang))
    assert pp and all(c.number_format == "#,##0.0" for c in pp)  # points, not a percent
