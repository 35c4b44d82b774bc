"""Money as the analysts' guide says it may be written: the guide, the template's help texts and
the parser agree, and each form written into a real workbook is read to its value."""

from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook

from conftest import ACT_HEADER, CANONICAL, ROOT, write_csv_sheet, write_xlsx
from evaluation.authoring.template import write_template
from evaluation.ingest import ingest
from evaluation.ingest.cells import MONEY_EXAMPLES, parse_number


def _guide_forms() -> list[str]:
    text = (ROOT / "docs" / "panduan_analis.md").read_text(encoding="utf-8")
    start = text.index("Kolom *Nilai*")
    paragraph = text[start : text.index("berarti kosong", start)]
    paragraph = paragraph[paragraph.index("juga dibaca") :]
    return re.findall(r"`([^`]+)`", paragraph)


def test_the_guide_lists_exactly_the_forms_the_parser_promises():
    assert sorted(_guide_forms()) == sorted(MONEY_EXAMPLES)


@pytest.mark.parametrize(("text", "value"), list(MONEY_EXAMPLES.items()))
def test_each_promised_form_parses_to_its_value(text, value):
    assert parse_number(text) == (value, None)


def test_every_form_in_the_template_help_is_read(tmp_path):
    wb = load_workbook(write_template(tmp_path / "t.xlsx"))
    quoted = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str) and "juga dibaca" in v and "Rp" in v:
                    quoted.update(re.findall(r"'([^']+)'", v))
    for dv in wb["Tindak Lanjut"].data_validations.dataValidation:
        if dv.type == "decimal":
            quoted.update(re.findall(r"'([^']+)'", dv.prompt or ""))
    assert {"Rp 1.500.000", "1,5 juta", "Rp1.500.000,00"} <= quoted, quoted
    for text in quoted:
        number, note = parse_number(text)
        assert note is None and (number is not None or text == "Rp -"), text


def _activities(values: list[object]) -> list[list[object]]:
    rows = [ACT_HEADER]
    for i, v in enumerate(values):
        rows.append(
            ["NK.01/2021", "Pendidikan dan Pelatihan Calon PMI", date(2022, 5, 1 + i),
             f"Pelatihan {i}", "Terlaksana", "Anggaran Diklat", v, None]
        )  # fmt: skip
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_forms_written_into_a_workbook_are_read_to_their_values(tmp_path, fmt):
    forms = list(MONEY_EXAMPLES)
    sheets = {**CANONICAL, "Tindak Lanjut": _activities(forms)}
    raw = tmp_path / "raw"
    if fmt == "xlsx":
        write_xlsx(raw / "isian.xlsx", sheets)
    else:
        for name, rows in sheets.items():
            write_csv_sheet(raw / f"{name}.csv", rows)
    result = ingest(raw)
    acts = result.activities.sort_values("activity_date")
    got = [None if v != v else v for v in acts["value"].tolist()]  # NaN -> None
    assert got == list(MONEY_EXAMPLES.values())
    number_remarks = result.quality[result.quality["code"].str.startswith("number", na=False)]
    assert number_remarks.empty, number_remarks.to_string()


def test_a_value_that_is_not_money_says_what_to_write(tmp_path):
    sheets = {**CANONICAL, "Tindak Lanjut": _activities(["Rp 1.500.000 (APBD)"])}
    write_xlsx(tmp_path / "raw" / "isian.xlsx", sheets)
    result = ingest(tmp_path / "raw")
    assert result.activities["value"].isna().all()
    (problem,) = result.quality.loc[result.quality["column"] == "Nilai", "problem"]
    assert "'Rp 1.500.000 (APBD)' is not a number" in problem
    assert "Rp 1.500.000" in problem.split("not a number")[1]  # the form to use instead
