"""The input folder as analysts really fill it: Excel 97-2003 workbooks (.xls) read like
.xlsx, lock files of open workbooks, and every other entry named as not read.

Each case writes a small real file (.xls by xlwt, the others by openpyxl), ingests the folder
and checks the exact tables, remarks and exit status.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import xlwt

from conftest import CANONICAL, expected_table, without_provenance, write_xlsx
from evaluation.cli import main
from evaluation.errors import InputError, UnsafeFileError
from evaluation.ingest import ingest
from evaluation.ingest.reader import check_file, read_file
from evaluation.presentation.remarks import remark_texts


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """Write ``sheets`` as an Excel 97-2003 workbook (BIFF8) with xlwt; dates get a date
    format, as Excel stores them."""
    wb = xlwt.Workbook()
    dated = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    ws.write(i, j, datetime(value.year, value.month, value.day), dated)
                else:
                    ws.write(i, j, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


# ------------------------------------------------------------------------ .xls
def test_xls_gives_the_same_tables_as_xlsx(tmp_path):
    write_xls(tmp_path / "raw" / "lama.xls", CANONICAL)
    assert check_file(tmp_path / "raw" / "lama.xls") == "xls"
    res = ingest(tmp_path / "raw")
    for table, got in res.tables.items():
        pd.testing.assert_frame_equal(without_provenance(got, table), expected_table(table))
    assert set(res.agreements["source_file"]) == {"lama.xls"}
    assert res.summary["read"].tolist() == [5, 6, 5]
    assert not res.quality["action"].eq("quarantined").any()


def test_xls_beside_xlsx_is_read_not_skipped(tmp_path):
    raw = tmp_path / "raw"
    write_xlsx(raw / "baru.xlsx", {"Perjanjian": CANONICAL["Perjanjian"][:3]})
    write_xls(
        raw / "lama.xls", {"Perjanjian": [CANONICAL["Perjanjian"][0], *CANONICAL["Perjanjian"][3:]]}
    )
    res = ingest(raw)
    assert sorted(res.agreements["agreement_id"]) == sorted(
        r[0] for r in CANONICAL["Perjanjian"][1:]
    )
    assert [i["file"] for i in res.inputs] == ["baru.xlsx", "lama.xls"]


def _cfb(names: list[str]) -> bytes:
    """An OLE/CFB header and directory-entry names, enough for the pre-parse check."""
    body = b"".join(n.encode("utf-16-le").ljust(128, b"\0") for n in names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + body


def test_encrypted_xlsx_is_told_from_an_xls(tmp_path):
    """Excel saves a password-protected .xlsx as an OLE container with EncryptedPackage."""
    enc = tmp_path / "rahasia.xlsx"
    enc.write_bytes(_cfb(["Root Entry", "EncryptionInfo", "EncryptedPackage"]))
    with pytest.raises(UnsafeFileError, match="dilindungi kata sandi"):
        check_file(enc)
    renamed = tmp_path / "lama.xlsx"  # an .xls renamed .xlsx
    renamed.write_bytes(write_xls(tmp_path / "x.xls", CANONICAL).read_bytes())
    with pytest.raises(InputError, match=r"Excel 97-2003 \(.xls\) tetapi bernama .xlsx"):
        check_file(renamed)
    enc_xls = tmp_path / "rahasia.xls"
    enc_xls.write_bytes(enc.read_bytes())
    with pytest.raises(UnsafeFileError, match="dilindungi kata sandi"):
        check_file(enc_xls)


def test_damaged_xls_is_refused_with_its_name(tmp_path):
    path = tmp_path / "rusak.xls"
    path.write_bytes(_cfb(["Root Entry", "Workbook"]))
    with pytest.raises(InputError, match="rusak.xls") as err:
        read_file(path)
    assert "damaged" in str(err.value) or "cannot be read" in str(err.value)


# ------------------------------------------------------------------------ the folder
def test_every_other_entry_of_the_folder_is_named(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_xlsx(raw / "Perjanjian Kerja Sama.xlsx", CANONICAL)
    (raw / "~$rjanjian Kerja Sama.xlsx").write_bytes(b"\0" * 162)  # Excel's lock file
    (raw / "README.md").write_text("# Data mentah\n", encoding="utf-8")
    (raw / "laporan.pdf").write_bytes(b"%PDF-1.4\n")
    (raw / "arsip").mkdir()
    (raw / ".DS_Store").write_bytes(b"\0")
    res = ingest(raw)
    q = res.quality.assign(problem_id=remark_texts(res.quality, "id"))
    files = q[q["sheet"] == ""].set_index("file")
    assert files.loc["~$rjanjian Kerja Sama.xlsx", "code"] == "file_open_in_excel"
    assert (
        "'Perjanjian Kerja Sama.xlsx' is open in Excel"
        in files.loc["~$rjanjian Kerja Sama.xlsx", "problem"]
    )
    assert files.loc["~$rjanjian Kerja Sama.xlsx", "problem_id"].startswith(
        "berkas kunci: buku kerja 'Perjanjian Kerja Sama.xlsx' sedang dibuka"
    )
    assert files.loc["README.md", "code"] == "file_not_input"
    assert files.loc["README.md", "problem"].startswith("ignored: not an input file type")
    assert files.loc["laporan.pdf", "code"] == "file_not_input"
    assert files.loc["arsip", "code"] == "folder_not_read"
    assert files.loc[".DS_Store", "code"] == "hidden_file_not_read"
    assert set(files["action"]) == {"ignored"}
    assert len(res.agreements) == 5  # the real workbook beside the lock file is read
    # The console names each of them on its own line.
    out = tmp_path / "out"
    assert main(["ingest", "--raw", str(raw), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for name in ("~$rjanjian Kerja Sama.xlsx", "README.md", "laporan.pdf", "arsip", ".DS_Store"):
        assert f"  [diabaikan] {name}: " in printed, name  # Bahasa Indonesia by default


def test_folder_without_workbooks_names_what_it_found(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.md").write_text("x", encoding="utf-8")
    (raw / "data.xlsb").write_bytes(b"PK")
    with pytest.raises(InputError, match=r"found but not read: README.md, data.xlsb"):
        ingest(raw)


# ------------------------------------------------------------------------ error cells
def _workbook_with_errors(path: Path) -> Path:
    """The canonical workbook with error cells and formulas whose value was never saved
    (openpyxl writes formulas without a cached value, as scripts do)."""
    import openpyxl

    write_xlsx(path, CANONICAL)
    wb = openpyxl.load_workbook(path)
    ws = wb["Perjanjian"]
    ws["C2"] = "#N/A"  # Nama Mitra (required): an error cell (openpyxl types it "e")
    ws["I3"] = "#DIV/0!"  # Keterangan (optional)
    ws["F4"] = "=DATE(2023,1,10)"  # Tanggal Penandatanganan (required): no stored value
    ws["H5"] = '=CONCAT("Biro ","Umum")'  # Unit Pengampu (optional): no stored value
    wb["Ruang Lingkup"]["A7"] = "#REF!"  # Nomor Perjanjian of a scope row
    wb.save(path)
    return path


def test_error_cells_and_formulas_without_value_are_named_never_empty(tmp_path):
    raw = tmp_path / "raw"
    _workbook_with_errors(raw / "rumus.xlsx")
    res = ingest(raw)
    q = res.quality
    got = {
        (r.sheet, r.row, r.column, r.action, r.code): r.problem
        for r in q.itertuples()
        if r.code.startswith(("cell_error", "formula_no_value"))
    }
    assert got == {
        ("Perjanjian", 2, "Nama Mitra", "quarantined", "cell_error_required"): (
            "'Nama Mitra' holds the Excel error #N/A (a formula that failed), not a value; "
            "fix the formula in Excel"
        ),
        ("Perjanjian", 3, "Keterangan", "fixed", "cell_error"): (
            "the cell holds the Excel error #DIV/0! (a formula that failed), not a value; "
            "read as no value — fix the formula in Excel"
        ),
        ("Perjanjian", 4, "Tanggal Penandatanganan", "quarantined", "formula_no_value_required"): (
            "'Tanggal Penandatanganan' is a formula without a stored value: open and save it "
            "in Excel"
        ),
        ("Perjanjian", 5, "Unit Pengampu", "fixed", "formula_no_value"): (
            "formula without a stored value: open and save it in Excel; read as no value"
        ),
        ("Ruang Lingkup", 7, "Nomor Perjanjian", "quarantined", "cell_error_required"): (
            "'Nomor Perjanjian' holds the Excel error #REF! (a formula that failed), not a "
            "value; fix the formula in Excel"
        ),
    }
    # No remark calls these cells empty.
    located = {(s, r, c) for (s, r, c, _, _) in got}
    for r in q.itertuples():
        if (r.sheet, r.row, r.column) in located:
            assert "empty" not in r.problem, r.problem
    q = q.assign(problem_id=remark_texts(q, "id"))
    assert q.loc[q["code"] == "cell_error_required", "problem_id"].iloc[0] == (
        "'Nama Mitra' berisi galat Excel #N/A (rumus yang gagal dihitung), bukan nilai; "
        "perbaiki rumusnya di Excel"
    )
    assert sorted(res.agreements["agreement_id"]) == ["NK.04/2024", "NK.05/2019", "PKS.02/2022"]
    row3 = res.agreements.set_index("agreement_id").loc["PKS.02/2022"]
    assert pd.isna(row3["notes"])  # the #DIV/0! cell is read as no value, not as text
    assert res.agreements.set_index("agreement_id").loc["NK.04/2024", "unit"] is pd.NA


def test_error_text_in_a_csv_is_an_error_cell(tmp_path):
    from conftest import write_csv_sheet

    raw = tmp_path / "raw"
    rows = [list(r) for r in CANONICAL["Perjanjian"]]
    rows[1][0] = "#N/A"
    write_csv_sheet(raw / "Perjanjian.csv", rows)
    res = ingest(raw)
    q = res.quality[res.quality["code"] == "cell_error_required"]
    assert list(zip(q["row"], q["column"], q["action"], strict=True)) == [
        (2, "Nomor Perjanjian", "quarantined")
    ]
    assert "#N/A" not in set(res.agreements["agreement_id"])
    assert len(res.agreements) == 4


def test_xls_error_text_is_an_error_cell(tmp_path):
    raw = tmp_path / "raw"
    rows = [list(r) for r in CANONICAL["Perjanjian"]]
    rows[2][2] = "#VALUE!"
    write_xls(raw / "lama.xls", {"Perjanjian": rows})
    res = ingest(raw)
    q = res.quality[res.quality["code"] == "cell_error_required"]
    assert list(zip(q["row"], q["column"], strict=True)) == [(3, "Nama Mitra")]


def test_xls_error_cells_are_named(tmp_path):
    """An error cell of an .xls (a BOOLERR record) is read as empty by the parser; the
    pre-parse scan of the BIFF records names it."""
    raw = tmp_path / "raw"
    path = write_xls(raw / "lama.xls", CANONICAL)
    wb = xlwt.Workbook()  # the same workbook with two error cells
    dated = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for name, rows in CANONICAL.items():
        ws = wb.add_sheet(name)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if (name, i, j) == ("Perjanjian", 1, 2):
                    ws.row(i).set_cell_error(j, 0x2A)  # #N/A in Nama Mitra, Excel row 2
                elif (name, i, j) == ("Perjanjian", 2, 8):
                    ws.row(i).set_cell_error(j, 0x17)  # #REF! in Keterangan, Excel row 3
                elif isinstance(value, date):
                    ws.write(i, j, datetime(value.year, value.month, value.day), dated)
                elif value is not None:
                    ws.write(i, j, value)
    wb.save(str(path))
    res = ingest(raw)
    q = res.quality[res.quality["code"].str.startswith("cell_error")]
    assert list(zip(q["row"], q["column"], q["action"], q["code"], strict=True)) == [
        (2, "Nama Mitra", "quarantined", "cell_error_required"),
        (3, "Keterangan", "fixed", "cell_error"),
    ]
    assert "#N/A" in q.iloc[0]["problem"] and "#REF!" in q.iloc[1]["problem"]
