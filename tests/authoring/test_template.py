"""Tests of the input template and the filled example workbook."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from evaluation import config
from evaluation.authoring.template import (
    TEMPLATE_ROWS,
    build_template,
    example_records,
    write_filled_example,
    write_template,
)
from evaluation.errors import VocabularyError
from evaluation.vocab.loader import load_vocabulary

# The input headers of the README, in its order: the contract the template must honour.
HEADERS = {
    "Perjanjian": [
        "Nomor Perjanjian",
        "Jenis Dokumen",
        "Nama Mitra",
        "Kategori Mitra",
        "Provinsi",
        "Tanggal Penandatanganan",
        "Tanggal Berakhir",
        "Unit Pengampu",
        "Keterangan",
    ],
    "Ruang Lingkup": ["Nomor Perjanjian", "Ruang Lingkup"],
    "Tindak Lanjut": [
        "Nomor Perjanjian",
        "Ruang Lingkup",
        "Tanggal Kegiatan",
        "Uraian Kegiatan",
        "Status",
        "Jenis Luaran",
        "Nilai",
        "Bukti",
    ],
}
# Column letter -> value list (header of the Daftar column) per data sheet.
DROPDOWNS = {
    "Perjanjian": {"B": "Jenis Dokumen", "D": "Kategori Mitra", "E": "Provinsi"},
    "Ruang Lingkup": {"B": "Ruang Lingkup"},
    "Tindak Lanjut": {"B": "Ruang Lingkup", "E": "Status", "F": "Jenis Luaran"},
}
DATE_COLUMNS = {"Perjanjian": ["F", "G"], "Tindak Lanjut": ["C"]}
EXCEL_2000_01_01 = 36526  # serial number of 1 January 2000


@pytest.fixture(scope="module")
def template_path(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("tpl") / "template_perjanjian.xlsx")


@pytest.fixture(scope="module")
def wb(template_path):
    return openpyxl.load_workbook(template_path)


def _daftar_lists(wb) -> dict[str, tuple[str, list[str]]]:
    """Daftar header -> (column letter, values)."""
    ws = wb["Daftar"]
    out = {}
    for col in ws.iter_cols(min_row=1):
        values = [c.value for c in col if c.value is not None]
        if values:
            out[values[0]] = (col[0].column_letter, values[1:])
    return out


def _validations(ws) -> dict[str, object]:
    """First column letter of each validation's range -> the validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out[re.match(r"[A-Z]+", rng).group()] = dv
    return out


def test_sheets_in_order_with_hidden_lists(wb):
    assert wb.sheetnames == ["Petunjuk", "Perjanjian", "Ruang Lingkup", "Tindak Lanjut", "Daftar"]
    assert wb["Daftar"].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames[:-1])
    assert wb.active.title == "Petunjuk"
    # the ingester skips the helper sheets without a remark
    aux = load_vocabulary().auxiliary_sheets
    assert "Petunjuk" in aux and "Daftar" in aux


@pytest.mark.parametrize("sheet", list(HEADERS))
def test_data_sheet_headers_and_layout(wb, sheet):
    ws = wb[sheet]
    assert [c.value for c in ws[1]] == HEADERS[sheet]
    assert ws.max_row == 1  # no example rows in the data sheets
    assert ws.freeze_panes == "A2"
    for cell in ws[1]:
        assert cell.font.bold
        assert cell.fill.fill_type == "solid"
        assert cell.comment is not None and cell.comment.text
    for letter in "AB":
        assert ws.column_dimensions[letter].width >= 14


def test_required_columns_are_marked_by_colour(wb):
    ws = wb["Perjanjian"]
    fills = {c.value: c.fill.fgColor.rgb for c in ws[1]}
    assert fills["Nomor Perjanjian"] == fills["Nama Mitra"] == fills["Tanggal Penandatanganan"]
    assert fills["Nomor Perjanjian"] != fills["Keterangan"]
    assert fills["Keterangan"] == fills["Unit Pengampu"]


def test_value_lists_come_from_the_vocabulary(wb):
    vocab = load_vocabulary()
    lists = _daftar_lists(wb)
    assert lists["Kategori Mitra"][1] == [
        "Pemerintah Daerah",
        "Lembaga Pendidikan",
        "Lembaga Kesehatan",
        "Lembaga Keuangan",
        "Lembaga Pemerintah",
    ]
    assert lists["Status"][1] == ["Belum Dilaksanakan", "Dalam Proses", "Terlaksana"]
    assert lists["Jenis Luaran"][1] == ["Perda", "Anggaran Diklat", "LTSA", "Satgas", "Lainnya"]
    assert lists["Ruang Lingkup"][1] == vocab.scopes.labels
    assert len(lists["Ruang Lingkup"][1]) == 10
    assert lists["Provinsi"][1] == vocab.provinces.labels
    assert len(lists["Provinsi"][1]) == 38
    assert lists["Jenis Dokumen"][1] == ["Nota Kesepahaman", "Perjanjian Kerja Sama"]


@pytest.mark.parametrize("sheet", list(DROPDOWNS))
def test_dropdowns_refer_to_the_lists(wb, sheet):
    lists = _daftar_lists(wb)
    dvs = _validations(wb[sheet])
    for letter, list_name in DROPDOWNS[sheet].items():
        dv = dvs[letter]
        col, values = lists[list_name]
        assert dv.type == "list"
        assert dv.formula1 == f"=Daftar!${col}$2:${col}${len(values) + 1}"
        assert str(dv.sqref) == f"{letter}2:{letter}{TEMPLATE_ROWS}"
        assert dv.showErrorMessage and dv.error


@pytest.mark.parametrize("sheet", list(DATE_COLUMNS))
def test_date_columns_are_checked_and_formatted(wb, sheet):
    ws = wb[sheet]
    dvs = _validations(ws)
    for letter in DATE_COLUMNS[sheet]:
        dv = dvs[letter]
        assert dv.type == "date"
        assert dv.operator == "greaterThan"
        assert int(dv.formula1) == EXCEL_2000_01_01
        assert str(dv.sqref) == f"{letter}2:{letter}{TEMPLATE_ROWS}"
        assert dv.showErrorMessage and "DD/MM/YYYY" in dv.error
        assert ws.column_dimensions[letter].number_format == "DD/MM/YYYY"


def test_excel_serial_of_2000_is_right():
    assert (date(2000, 1, 1) - date(1899, 12, 30)).days == EXCEL_2000_01_01


def test_value_column_accepts_non_negative_numbers(wb):
    dv = _validations(wb["Tindak Lanjut"])["G"]
    assert dv.type == "decimal"
    assert dv.operator == "greaterThanOrEqual"
    assert dv.formula1 == "0"
    assert str(dv.sqref) == f"G2:G{TEMPLATE_ROWS}"


def test_agreement_numbers_offer_those_of_the_agreements_sheet(wb):
    for sheet in ("Ruang Lingkup", "Tindak Lanjut"):
        dv = _validations(wb[sheet])["A"]
        assert dv.type == "list"
        assert dv.formula1 == f"=Perjanjian!$A$2:$A${TEMPLATE_ROWS}"
        # other files may hold the agreement: only an informative message
        assert dv.errorStyle == "information"
    assert wb["Perjanjian"].column_dimensions["A"].number_format == "@"


def test_instructions_explain_every_column(wb):
    ws = wb["Petunjuk"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "jangan ubah judul kolom" in text.lower()
    assert "DD/MM/YYYY" in text
    assert "Wajib" in text and "Tidak wajib" in text
    assert "Wajib untuk Pemerintah Daerah" in text  # province
    assert f"{config.DEFAULT_TERM_YEARS} tahun" in text  # default end-date rule
    for headers in HEADERS.values():
        for header in headers:
            assert header in text
    for label in load_vocabulary().statuses.labels:
        assert label in text


def test_examples_only_in_instructions_and_marked(wb):
    ws = wb["Petunjuk"]
    marks = [c for row in ws.iter_rows() for c in row if str(c.value or "").startswith("CONTOH")]
    assert len(marks) >= 4  # one warning + one per data sheet
    example_ids = {r["agreement_id"] for r in example_records()["agreements"]}
    italic_grey = [
        c
        for row in ws.iter_rows()
        for c in row
        if c.value in example_ids and c.font.italic and c.font.color.rgb.endswith("808080")
    ]
    assert len(italic_grey) >= 3
    for sheet in HEADERS:
        assert wb[sheet].max_row == 1


def test_template_is_generated_from_the_vocabulary(tmp_path):
    text = config.VOCABULARY_PATH.read_text(encoding="utf-8")
    text += (
        '\n[[partner_categories]]\nlabel = "Organisasi Masyarakat"\nlabel_en = "NGOs"\n'
        'aliases = ["Ormas", "LSM"]\n'
    )
    path = tmp_path / "vocab.toml"
    path.write_text(text, encoding="utf-8")
    vocab = load_vocabulary(path)
    wb = build_template(vocab)
    lists = _daftar_lists(wb)
    assert lists["Kategori Mitra"][1][-1] == "Organisasi Masyarakat"
    dv = _validations(wb["Perjanjian"])["D"]
    assert dv.formula1 == "=Daftar!$A$2:$A$7"
    petunjuk = " ".join(str(c.value) for r in wb["Petunjuk"].iter_rows() for c in r if c.value)
    assert "Organisasi Masyarakat" in petunjuk


def test_missing_vocabulary_is_reported(tmp_path):
    with pytest.raises(VocabularyError):
        write_template(tmp_path / "t.xlsx", load_vocabulary(tmp_path / "missing.toml"))
    assert not (tmp_path / "t.xlsx").exists()


def test_write_template_creates_folders_and_replaces(tmp_path):
    path = tmp_path / "deep" / "folder" / "t.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a workbook")
    assert write_template(path) == path
    assert zipfile.is_zipfile(path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["t.xlsx"]


# ------------------------------------------------------------------------------ filling it in
def _rows(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_analyst_fills_the_template(template_path, tmp_path):
    """Fill the blank template with openpyxl as an analyst would, read it back with calamine."""
    path = tmp_path / "unit_a.xlsx"
    shutil.copy(template_path, path)
    wb = openpyxl.load_workbook(path)
    vocab = load_vocabulary()
    lists = _daftar_lists(wb)
    category, province = lists["Kategori Mitra"][1][0], lists["Provinsi"][1][10]
    scope_a, scope_b = lists["Ruang Lingkup"][1][1], lists["Ruang Lingkup"][1][4]
    done = lists["Status"][1][2]

    ws = wb["Perjanjian"]
    ws.append(
        [
            "PKS.01/BP2MI/2020",
            "Perjanjian Kerja Sama",
            "Pemerintah Kabupaten Lombok Timur",
            category,
            province,
            date(2020, 2, 17),
            date(2025, 2, 16),
            "Biro Perencanaan dan Kerja Sama",
            "Perpanjangan NK 2015",
        ]
    )
    for cell in ws[2][5:7]:
        cell.number_format = "DD/MM/YYYY"
    ws = wb["Ruang Lingkup"]
    ws.append(["PKS.01/BP2MI/2020", scope_a])
    ws.append(["PKS.01/BP2MI/2020", scope_b])
    ws = wb["Tindak Lanjut"]
    ws.append(
        [
            "PKS.01/BP2MI/2020",
            scope_a,
            date(2021, 7, 1),
            "Pelatihan bahasa Korea bagi 40 CPMI",
            done,
            "Anggaran Diklat",
            250_000_000,
            "Laporan kegiatan",
        ]
    )
    ws["C2"].number_format = "DD/MM/YYYY"
    wb.save(path)

    rows = _rows(path, "Perjanjian")
    assert rows[0] == HEADERS["Perjanjian"]
    assert rows[1] == [
        "PKS.01/BP2MI/2020",
        "Perjanjian Kerja Sama",
        "Pemerintah Kabupaten Lombok Timur",
        "Pemerintah Daerah",
        "DKI Jakarta",
        date(2020, 2, 17),
        date(2025, 2, 16),
        "Biro Perencanaan dan Kerja Sama",
        "Perpanjangan NK 2015",
    ]
    assert _rows(path, "Ruang Lingkup")[1:] == [
        ["PKS.01/BP2MI/2020", "Pendidikan dan Pelatihan Calon PMI"],
        ["PKS.01/BP2MI/2020", "Koordinasi Tugas dan Fungsi"],
    ]
    act = _rows(path, "Tindak Lanjut")
    assert act[0] == HEADERS["Tindak Lanjut"]
    assert act[1][:5] == [
        "PKS.01/BP2MI/2020",
        "Pendidikan dan Pelatihan Calon PMI",
        date(2021, 7, 1),
        "Pelatihan bahasa Korea bagi 40 CPMI",
        "Terlaksana",
    ]
    assert act[1][6] == 250_000_000
    # the validations survive an openpyxl round trip
    assert len(openpyxl.load_workbook(path)["Tindak Lanjut"].data_validations.dataValidation) == 6
    assert vocab.statuses.canonical(act[1][4]) == "Terlaksana"


def test_filled_example_is_consistent(tmp_path):
    path = write_filled_example(tmp_path / "contoh.xlsx")
    vocab = load_vocabulary()
    agreements = _rows(path, "Perjanjian")
    scopes = _rows(path, "Ruang Lingkup")
    activities = _rows(path, "Tindak Lanjut")
    assert agreements[0] == HEADERS["Perjanjian"]
    assert scopes[0] == HEADERS["Ruang Lingkup"]
    assert activities[0] == HEADERS["Tindak Lanjut"]
    agreements, scopes, activities = agreements[1:], scopes[1:], activities[1:]

    assert len(agreements) == 3
    ids = [r[0] for r in agreements]
    assert len(set(ids)) == 3
    categories = [r[3] for r in agreements]
    assert len(set(categories)) == 3
    assert set(categories) <= set(vocab.partner_categories.labels)
    for r in agreements:
        assert r[1] in vocab.document_types.labels
        signed, ends = r[5], r[6]
        assert isinstance(signed, date) and not isinstance(signed, datetime)
        assert config.DEFAULT_SINCE <= signed <= config.SAMPLE_AS_OF
        assert ends == "" or ends > signed
        needs_province = vocab.partner_categories.term(r[3]).requires_province
        assert (r[4] in vocab.provinces.labels) if needs_province else r[4] == ""

    scope_pairs = {(r[0], r[1]) for r in scopes}
    assert {r[0] for r in scopes} == set(ids)
    assert all(s in vocab.scopes.labels for _, s in scope_pairs)
    assert len(scope_pairs) == len(scopes)  # no duplicate scope items

    assert len(activities) >= 3
    statuses = {r[4] for r in activities}
    assert statuses == set(vocab.statuses.labels)  # every status appears
    for r in activities:
        assert (r[0], r[1]) in scope_pairs
        assert isinstance(r[2], date) and r[2] <= config.SAMPLE_AS_OF
        assert r[5] == "" or r[5] in vocab.outcome_types.labels
        assert r[6] == "" or r[6] >= 0
    assert 1_500_000_000 in [r[6] for r in activities]
    # the examples live in Petunjuk only; the data holds no "CONTOH" marker
    every_cell = [str(c) for rows in (agreements, scopes, activities) for r in rows for c in r]
    assert not any("CONTOH" in c.upper() for c in every_cell)


def test_example_records_match_the_filled_file(tmp_path):
    records = example_records()
    path = write_filled_example(tmp_path / "x.xlsx")
    assert [r[0] for r in _rows(path, "Perjanjian")[1:]] == [
        r["agreement_id"] for r in records["agreements"]
    ]
    assert len(_rows(path, "Tindak Lanjut")) - 1 == len(records["activities"])
