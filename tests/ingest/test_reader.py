"""Reading files into rows: Excel row numbers, kinds of file, hidden sheets, and the safety
checks that run before the parser (unit level; the command-line view is test_safety)."""

from __future__ import annotations

import codecs
import struct
import zipfile
from datetime import date

import pytest

from conftest import CANONICAL, ods_content, replace_in_zip, write_ods, write_xlsm, write_xlsx
from evaluation.errors import InputError, UnsafeFileError
from evaluation.ingest import safety, xlsx_scan
from evaluation.ingest.reader import check_file, column_letters, read_file


def test_rows_keep_excel_row_and_column_numbers(tmp_path):
    rows = [
        [None] * 4,
        [None] * 4,
        [None, None, "Judul"],
        [],
        [None, None, "a", "b"],
        [None, None, 1, date(2024, 3, 14)],
    ]
    f = read_file(write_xlsx(tmp_path / "a.xlsx", {"S": rows}))
    sheet = f.sheets[0]
    assert (sheet.first_row, sheet.first_col) == (3, 2)  # C3 is the first used cell
    assert sheet.rows[0][0] == "Judul"
    assert sheet.rows[2] == ["a", "b"]
    assert sheet.rows[3] == [1.0, date(2024, 3, 14)]
    assert f.kind == "xlsx"


def test_hidden_sheets_flagged_in_xlsx_and_ods(tmp_path):
    x = read_file(write_xlsx(tmp_path / "a.xlsx", {"A": [["x"]], "B": [["y"]]}, hidden=("B",)))
    assert [(s.name, s.visible) for s in x.sheets] == [("A", True), ("B", False)]
    o = read_file(write_ods(tmp_path / "a.ods", {"A": [["x"]], "B": [["y"]]}, hidden=("B",)))
    assert [(s.name, s.visible) for s in o.sheets] == [("A", True), ("B", False)]
    assert o.kind == "ods"


def test_ods_values_and_row_numbers(tmp_path):
    f = read_file(
        write_ods(
            tmp_path / "a.ods", {"P": [[None], ["h1", "h2"], ["x", date(2024, 3, 14)], ["y", 2.5]]}
        )
    )
    s = f.sheets[0]
    assert s.first_row == 2
    assert s.rows == [["h1", "h2"], ["x", date(2024, 3, 14)], ["y", 2.5]]


def test_ods_trailing_repeated_empty_rows_are_accepted(tmp_path):
    """LibreOffice pads every table with a huge repeated *empty* row: not a bomb."""
    tail = (
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    f = read_file(write_ods(tmp_path / "a.ods", {"P": [["a", "b"]]}, tail=tail))
    assert f.sheets[0].rows == [["a", "b"]]


def test_xlsm_values_read_macro_part_untouched(tmp_path):
    path = write_xlsm(tmp_path / "m.xlsm", CANONICAL)
    vba = zipfile.ZipFile(path).read("xl/vbaProject.bin")
    f = read_file(path)
    assert f.kind == "xlsm"
    assert [s.name for s in f.sheets] == list(CANONICAL)
    assert f.sheets[0].rows[1][0] == "NK.01/2021"
    assert zipfile.ZipFile(path).read("xl/vbaProject.bin") == vba


def test_unwanted_sheets_not_loaded(tmp_path):
    f = read_file(
        write_xlsx(tmp_path / "a.xlsx", {"A": [["x"]], "B": [["y"]]}), wanted=lambda n: n == "A"
    )
    assert [(s.name, s.loaded, s.rows) for s in f.sheets] == [
        ("A", True, [["x"]]),
        ("B", False, []),
    ]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", "Nomor Perjanjian,Nama Mitra\nNK.1,Dinas Tenaga Kerja Sulawesi\n"),
        ("utf-8-sig", "Nomor Perjanjian;Nama Mitra\nNK.1;Dinas Tenaga Kerja Sulawesi\n"),
        ("utf-16", "Nomor Perjanjian\tNama Mitra\nNK.1\tDinas Tenaga Kerja Sulawesi\n"),
        ("cp1252", "Nomor Perjanjian;Nama Mitra\nNK.1;Dinas Tenaga Kerja Sulawesi\n"),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, text):
    path = tmp_path / "Perjanjian.csv"
    path.write_bytes(text.encode(encoding))
    f = read_file(path)
    assert f.kind == "csv"
    assert f.sheets[0].name == "Perjanjian"
    assert f.sheets[0].rows == [
        ["Nomor Perjanjian", "Nama Mitra"],
        ["NK.1", "Dinas Tenaga Kerja Sulawesi"],
    ]


def test_csv_with_oversized_field_is_an_input_error(tmp_path):
    path = tmp_path / "Perjanjian.csv"
    path.write_text('a,b\n"' + "x" * 200_000 + '",1\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_file(path)
    assert err.value.file == "Perjanjian.csv"


def test_doctype_refused_in_any_part_and_in_utf16(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"P": [["x"]]})
    replace_in_zip(
        path, "xl/workbook.xml", b"<workbook", b'<!DOCTYPE w [<!ENTITY a "b">]><workbook'
    )
    with pytest.raises(UnsafeFileError, match="DOCTYPE"):
        check_file(path)
    path2 = write_xlsx(tmp_path / "b.xlsx", {"P": [["x"]]})
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE s [<!ENTITY a "b">]><worksheet/>'
    with zipfile.ZipFile(path2) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = codecs.BOM_UTF16_LE + xml.encode("utf-16-le")
    with zipfile.ZipFile(path2, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    with pytest.raises(UnsafeFileError, match="DOCTYPE"):
        check_file(path2)


def test_entity_bomb_in_ods_content_refused(tmp_path):
    path = write_ods(tmp_path / "a.ods", {"P": [["x"]]})
    replace_in_zip(
        path,
        "content.xml",
        b"<office:document-content",
        b'<!DOCTYPE d [<!ENTITY a "b">]><office:document-content',
    )
    with pytest.raises(UnsafeFileError, match="DOCTYPE"):
        check_file(path)


def test_part_lying_about_its_size_is_refused(tmp_path):
    """A part whose data expands beyond its declared size fails the integrity check."""
    path = write_xlsx(tmp_path / "a.xlsx", {"P": [["x" * 50]]})
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                declared = struct.unpack_from("<I", data, pos + size_at)[0]
                struct.pack_into("<I", data, pos + size_at, declared // 2)
            pos += 4
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged"):
        check_file(path)


def test_total_uncompressed_size_limit(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "a.xlsx", CANONICAL)
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(UnsafeFileError, match="expands to"):
        check_file(path)


def test_file_size_limit(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "a.xlsx", CANONICAL)
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 100)
    with pytest.raises(UnsafeFileError, match="MB allowed"):
        check_file(path)


def test_sheet_area_limit_counts_real_cells(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_scan, "MAX_SHEET_CELLS", 50)
    rows = [[None] * 10 for _ in range(6)]
    rows[0][0] = "a"
    rows[5][9] = "z"  # A1..J6 = 60 cells
    path = write_xlsx(tmp_path / "a.xlsx", {"P": rows})
    with pytest.raises(UnsafeFileError, match="6 rows x 10 columns"):
        check_file(path)
    ok = write_xlsx(tmp_path / "b.xlsx", {"P": rows[:5]})  # A1..? = 5 x 1 cells
    assert check_file(ok) == "xlsx"


def test_zip_without_workbook_parts(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<document/>")
    with pytest.raises(InputError, match="damaged or is not a workbook"):
        read_file(path)


def test_ods_with_wrong_mimetype(tmp_path):
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", ods_content({"P": [["x"]]}))
    with pytest.raises(InputError, match="not a spreadsheet"):
        read_file(path)


def test_truncated_zip_is_damaged(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", CANONICAL)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(InputError, match="damaged"):
        read_file(path)


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "a.xlsb"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(InputError, match="not read"):
        check_file(path)


def test_xls_that_is_no_excel_97_file_is_named_as_such(tmp_path):
    """An old BIFF stream without its OLE container, or a web page saved as .xls."""
    path = tmp_path / "a.xls"
    path.write_bytes(b"\x09\x08" + b"\x00" * 100)
    with pytest.raises(InputError, match=r"bukan buku kerja Excel 97-2003 \(isinya teks"):
        check_file(path)
    write_xlsx(path, CANONICAL)
    with pytest.raises(InputError, match=r"\(isinya buku kerja .xlsx\)"):
        check_file(path)


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (16383, "XFD")])
def test_column_letters(index, letters):
    assert column_letters(index) == letters


# ------------------------------------------------------------------------ sheet area scans
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet_with_data(tmp_path, name: str, sheet_data: str):
    """A workbook whose first sheet part holds ``sheet_data`` and no dimension."""
    path = write_xlsx(tmp_path / name, {"P": [["a"]]})
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml")
    start, end = xml.index(b"<sheetData"), xml.index(b"</sheetData>") + len(b"</sheetData>")
    new = xml[:start] + sheet_data.encode() + xml[end:]
    new = new.replace(b'<dimension ref="A1" />', b"")
    return replace_in_zip(path, "xl/worksheets/sheet1.xml", xml, new)


def _extent(xml: bytes, fast: bool, chunk: int = 7):
    """Feed ``xml`` to the sheet scanner in small chunks; its (min, max) rows and columns."""
    ext = xlsx_scan._XlsxExtent("f.xlsx", "sheet1.xml", fast=fast)
    for i in range(0, len(xml), chunk):
        ext.feed(xml[i : i + chunk])
    ext.feed(b"", final=True)
    return ext.min_row, ext.max_row, ext.min_col, ext.max_col


def test_fast_scan_matches_exact_scan_on_plain_cells():
    xml = (
        f"<worksheet {_NS}><cols><col min='1' max='3'/></cols><sheetData>"
        '<row r="2"><c r="B2" t="s"><v>0</v></c><c r="AA2"><v>1</v></c></row>'
        '<row r="7"><c r="C7"/></row><row r="40"><c r="D40" s="1"><v>2</v></c></row>'
        "</sheetData><conditionalFormatting sqref='A1'><cfRule type='x'/>"
        "</conditionalFormatting></worksheet>"
    ).encode()
    # rows 2..40, columns B (2) .. AA (27), by hand
    assert _extent(xml, fast=True) == _extent(xml, fast=False) == (2, 40, 2, 27)


@pytest.mark.parametrize(
    "cells",
    [
        '<row r="1"><c r="A1"/><c/><c/></row>',  # cells without a reference
        '<row r="1"><c s="1" r="A1"/></row>',  # reference not first
        '<row r="1"><c r="a1"/></row>',  # lower-case reference
        '<row r="1"><x:c r="A1"/></row>',  # prefixed tag
    ],
)
def test_fast_scan_hands_other_cell_forms_to_the_exact_scan(cells):
    xml = f"<worksheet {_NS}><sheetData>{cells}</sheetData></worksheet>".encode()
    with pytest.raises(xlsx_scan._Irregular):
        _extent(xml, fast=True, chunk=1 << 20)
    assert _extent(xml, fast=False)[1] == 1


def test_cells_without_references_are_still_counted(tmp_path, monkeypatch):
    """Cells without ``r`` follow each other: 1 row x 60 columns exceeds 50 cells."""
    monkeypatch.setattr(xlsx_scan, "MAX_SHEET_CELLS", 50)
    path = _sheet_with_data(
        tmp_path, "a.xlsx", '<sheetData><row r="1">' + "<c><v>1</v></c>" * 60 + "</row></sheetData>"
    )
    with pytest.raises(UnsafeFileError, match="1 rows x 60 columns"):
        check_file(path)


def test_prefixed_far_cell_refused_with_exact_area(tmp_path, monkeypatch):
    """A namespace-prefixed cell tag is scanned too (the fast path hands it over)."""
    monkeypatch.setattr(xlsx_scan, "MAX_SHEET_CELLS", 50)
    path = _sheet_with_data(
        tmp_path,
        "a.xlsx",
        '<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="6" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:c r="J6"><x:v>2</x:v></x:c></row></sheetData>',
    )
    with pytest.raises(UnsafeFileError, match="6 rows x 10 columns"):
        check_file(path)


def test_plain_far_cell_refused_with_the_exact_message(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_scan, "MAX_SHEET_CELLS", 50)
    path = _sheet_with_data(
        tmp_path,
        "a.xlsx",
        '<sheetData><row r="3"><c r="C3"><v>1</v></c></row>'
        '<row r="9"><c r="L9"><v>2</v></c></row></sheetData>',
    )
    # rows 3..9 = 7, columns C..L = 10: 70 cells
    with pytest.raises(UnsafeFileError, match="7 rows x 10 columns"):
        check_file(path)
