"""Tests of the CSV/Excel writers: formula injection, formats, Unicode, atomic writes."""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from evaluation.errors import ParameterError
from evaluation.presentation.workbook import (
    MAX_CELL_CHARS,
    atomic_path,
    excel_sheet_name,
    safe_text,
    write_csv,
    write_summary_xlsx,
)

INJECTIONS = ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1"]
INDONESIAN = "Pemerintah Kabupaten Lombok Timur — Diklat CPMI × Purna PMI (Rp 1.500.000)"


# ------------------------------------------------------------------------------ safe_text
@pytest.mark.parametrize("value", INJECTIONS)
def test_safe_text_prefixes_formula_starts(value):
    assert safe_text(value) == "'" + value


@pytest.mark.parametrize("value", ["Bank NTB", "", "Rp 1.500.000", "1+1", "a=b", INDONESIAN, " =1"])
def test_safe_text_leaves_plain_text(value):
    assert safe_text(value) == value


@pytest.mark.parametrize("value", [-2, -2.5, 0, 3.0, None, date(2024, 3, 14), np.int64(-5)])
def test_safe_text_leaves_non_strings(value):
    assert safe_text(value) is value


# ------------------------------------------------------------------------------ CSV
def _read_csv_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_write_csv_neutralises_text_but_not_numbers(tmp_path):
    df = pd.DataFrame(
        {
            "partner_name": INJECTIONS + [INDONESIAN],
            "notes": pd.array(INJECTIONS + [None], dtype="string"),
            "agreements": [-2, 1, 2, 3, 4, 5, 6],
            "rate": [-0.5, 0.1 + 0.2, 1 / 3, 0.0, 1.0, np.nan, 2e-9],
        }
    )
    path = write_csv(df, tmp_path / "out" / "rates.csv")
    assert path == tmp_path / "out" / "rates.csv"
    rows = _read_csv_rows(path)
    assert rows[0] == ["partner_name", "notes", "agreements", "rate"]
    for i, value in enumerate(INJECTIONS, start=1):
        # a carriage return becomes a line feed so that every reader keeps it inside the cell
        expected = "'" + value.replace("\r", "\n")
        assert rows[i][0] == expected
        assert rows[i][1] == expected
    assert rows[7][0] == INDONESIAN
    assert rows[7][1] == ""
    assert [r[2] for r in rows[1:]] == ["-2", "1", "2", "3", "4", "5", "6"]
    assert rows[1][3] == "-0.5"
    # floats round-trip exactly
    back = pd.read_csv(path)
    assert back["rate"].iloc[1] == 0.1 + 0.2
    assert back["rate"].iloc[2] == 1 / 3
    assert back["rate"].iloc[6] == 2e-9
    assert np.isnan(back["rate"].iloc[5])
    # the input is untouched
    assert df["partner_name"].iloc[0] == INJECTIONS[0]


def test_write_csv_format_details(tmp_path):
    df = pd.DataFrame(
        {
            "scope": ["Penelitian, Sosialisasi dan Pengabdian Masyarakat", 'a "quoted" word'],
            "signed_on": pd.to_datetime(["2024-03-14", None]),
            "category": pd.Categorical(["=cmd", "Lembaga Kesehatan"]),
        },
        index=[5, 9],
    )
    path = write_csv(df, tmp_path / "t.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    assert b"\r\n" not in raw
    rows = _read_csv_rows(path)
    assert rows == [
        ["scope", "signed_on", "category"],
        ["Penelitian, Sosialisasi dan Pengabdian Masyarakat", "2024-03-14", "'=cmd"],
        ['a "quoted" word', "", "Lembaga Kesehatan"],
    ]


def test_write_csv_replaces_atomically(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("old", encoding="utf-8")
    write_csv(pd.DataFrame({"a": [1]}), path)
    assert path.read_text(encoding="utf-8") == "a\n1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_atomic_path_keeps_old_file_on_failure(tmp_path):
    path = tmp_path / "keep.txt"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(path) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


# ------------------------------------------------------------------------------ sheet names
def test_excel_sheet_name():
    assert excel_sheet_name("Per Kategori") == "Per Kategori"
    assert (
        excel_sheet_name("Kategori × Ruang Lingkup: 2024/25") == "Kategori × Ruang Lingkup 2024 2"
    )
    assert excel_sheet_name("a[b]*c?d") == "a b c d"
    assert excel_sheet_name("'quoted'") == "quoted"
    assert excel_sheet_name("") == "Sheet"
    assert excel_sheet_name("History") == "History 1"
    assert len(excel_sheet_name("x" * 50)) == 31
    assert excel_sheet_name("Ringkasan", ["ringkasan"]) == "Ringkasan (2)"
    long = "y" * 40
    first = excel_sheet_name(long)
    second = excel_sheet_name(long, [first])
    assert second == "y" * 27 + " (2)"
    assert excel_sheet_name(long, [first, second]) == "y" * 27 + " (3)"


# ------------------------------------------------------------------------------ xlsx
@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "category": ["Pemerintah Daerah", "Lembaga Pendidikan", "Lembaga Keuangan"],
            "agreements": [195, 128, 2],
            "scope_rate": [0.425, 0.1, np.nan],
            "signed_on": pd.to_datetime(["2024-03-14", "2019-05-20", None]),
            "value": [1_500_000_000.0, 250.0, np.nan],
            "partner_name": [INJECTIONS[0], INDONESIAN, "#N/A"],
            "notes": ["bell\x07 and nul\x00 here", "x" * 40_000, None],
            "median_months": [12.5, np.nan, 3.0],
        }
    )


KINDS = {
    "category": "category",
    "agreements": "int",
    "scope_rate": "percent",
    "signed_on": "date",
    "value": "rupiah",
    "partner_name": "text",
}


def _sheet_xml(path, index):
    with zipfile.ZipFile(path) as zf:
        return zf.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def test_summary_xlsx_formats_and_content(tmp_path, table):
    before = table.copy()
    path = write_summary_xlsx(
        tmp_path / "ringkasan.xlsx",
        [("Per Kategori Mitra", table, KINDS), ("Per Kategori Mitra", table.head(1), {})],
        title="Laporan Evaluasi Pelaksanaan Kerja Sama",
    )
    pd.testing.assert_frame_equal(table, before)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tentang", "Per Kategori Mitra", "Per Kategori Mitra (2)"]
    assert wb.properties.title == "Laporan Evaluasi Pelaksanaan Kerja Sama"
    ws = wb["Per Kategori Mitra"]
    headers = [c.value for c in ws[1]]
    assert headers == [
        "Kategori Mitra",
        "Perjanjian",
        "Tingkat Pelaksanaan",
        "Tanggal Penandatanganan",
        "Nilai",
        "Nama Mitra",
        "Keterangan",
        "Median (bulan)",
    ]
    assert all(c.font.bold for c in ws[1])
    assert ws[1][0].fill.fgColor.rgb.endswith("1F4E79")
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 4

    assert ws["A2"].value == "Pemerintah Daerah"
    assert ws["B2"].value == 195 and ws["B2"].number_format == "#,##0"
    assert ws["C2"].value == pytest.approx(0.425) and ws["C2"].number_format == "0.0%"
    assert ws["C4"].value is None
    assert ws["D2"].value == datetime(2024, 3, 14)
    assert ws["D2"].number_format == "DD/MM/YYYY"
    assert ws["D4"].value is None
    assert ws["E2"].value == 1_500_000_000 and "Rp" in ws["E2"].number_format
    assert ws["F3"].value == INDONESIAN
    # "#N/A" stays text, not an Excel error value
    assert ws["F4"].value == "#N/A" and ws["F4"].data_type == "s"
    # control characters stripped, over-long text cut to Excel's limit
    assert ws["G2"].value == "bell and nul here"
    assert len(ws["G3"].value) == MAX_CELL_CHARS
    # an unlisted float column keeps its values
    assert ws["H2"].value == 12.5 and ws["H3"].value is None
    # widths were fitted: the partner name column is wider than the count column
    assert ws.column_dimensions["F"].width > ws.column_dimensions["B"].width >= 10

    # second sheet: kinds inferred from the dtypes
    ws2 = wb["Per Kategori Mitra (2)"]
    assert ws2["B2"].number_format == "#,##0"
    assert ws2["D2"].number_format == "DD/MM/YYYY"

    about = wb["Tentang"]
    assert about["A1"].value == "Laporan Evaluasi Pelaksanaan Kerja Sama"
    assert [about["A4"].value, about["B4"].value] == ["Daftar lembar", "Baris"]
    assert about["A5"].value == "Per Kategori Mitra" and about["B5"].value == 3
    assert about["A5"].hyperlink.location == "'Per Kategori Mitra'!A1"
    assert about["A6"].hyperlink.location == "'Per Kategori Mitra (2)'!A1"


def test_summary_xlsx_injection_strings_are_inert(tmp_path):
    df = pd.DataFrame({"partner_name": INJECTIONS, "notes": pd.array(INJECTIONS, dtype="string")})
    path = write_summary_xlsx(
        tmp_path / "r.xlsx", [("=evil()", df, {"partner_name": "text"})], title="=TITLE()"
    )
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tentang", "=evil()"]
    ws = wb["=evil()"]
    for i, value in enumerate(INJECTIONS, start=2):
        for col in ("A", "B"):
            cell = ws[f"{col}{i}"]
            assert cell.data_type == "s", (col, value)
            assert cell.value == value.replace("\r", "\n")
    # "=" strings are marked so Excel keeps them text even after editing
    assert ws["A2"].quotePrefix
    assert wb["Tentang"]["A1"].data_type == "s"
    # no formula anywhere in the files
    for index in (1, 2):
        xml = _sheet_xml(path, index)
        assert "<f>" not in xml and "<f " not in xml
    # an independent reader sees the plain text
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("=evil()").to_python()
    assert [r[0] for r in rows[1:]] == [v.replace("\r", "\n") for v in INJECTIONS]


def test_summary_xlsx_english_and_without_cover(tmp_path, table):
    path = write_summary_xlsx(
        tmp_path / "summary.xlsx",
        [("By category", table[["category", "agreements"]], {"category": "category"})],
        title="Evaluation of Cooperation Agreements",
        lang="en",
        cover=False,
    )
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("By category").to_python()
    assert rows[0] == ["Partner Category", "Agreements"]
    assert rows[1] == ["Local governments", 195]
    assert rows[3] == ["Financial institutions", 2]
    assert openpyxl.load_workbook(path).sheetnames == ["By category"]


def test_summary_xlsx_unicode_survives_calamine(tmp_path):
    df = pd.DataFrame({"scope": ["Pendidikan dan Pelatihan Calon PMI"], "notes": [INDONESIAN]})
    path = write_summary_xlsx(tmp_path / "u.xlsx", [("Ruang Lingkup × Mitra", df, {})], "Judul")
    wb = CalamineWorkbook.from_path(str(path))
    assert "Ruang Lingkup × Mitra" in wb.sheet_names
    rows = wb.get_sheet_by_name("Ruang Lingkup × Mitra").to_python()
    assert rows[1] == ["Pendidikan dan Pelatihan Calon PMI", INDONESIAN]


def test_summary_xlsx_errors_leave_no_file(tmp_path, table):
    path = tmp_path / "bad.xlsx"
    with pytest.raises(ValueError, match="Unknown column kind 'money'"):
        write_summary_xlsx(path, [("T", table, {"value": "money"})], "x")
    with pytest.raises(ParameterError):
        write_summary_xlsx(path, [("T", table, {})], "x", lang="fr")
    assert list(tmp_path.iterdir()) == []


def test_summary_xlsx_empty_table(tmp_path):
    df = pd.DataFrame({"category": pd.Series([], dtype="string"), "agreements": []})
    path = write_summary_xlsx(tmp_path / "e.xlsx", [("Kosong", df, {"agreements": "int"})], "x")
    ws = openpyxl.load_workbook(path)["Kosong"]
    assert [c.value for c in ws[1]] == ["Kategori Mitra", "Perjanjian"]
    assert ws.max_row == 1


# ------------------------------------------------------------------------------ xlsx: body writer
def test_summary_xlsx_dtypes_and_edge_values(tmp_path):
    tz_times = pd.to_datetime(["2024-03-14 23:30", None, "2019-01-01 00:00"]).tz_localize(
        "Asia/Jakarta"
    )
    df = pd.DataFrame(
        {
            "agreements": pd.array([7, None, -3], dtype="Int64"),
            "value": pd.array([2.5, None, 1e-9], dtype="Float64"),
            "ratio": [np.inf, -np.inf, 0.1 + 0.2],
            "flag": [True, False, True],
            "signed_on": tz_times,
            "stamp": pd.Series(
                [datetime(2024, 3, 14, 6, 0), datetime(2024, 3, 15), None], dtype=object
            ),
            "category": pd.Categorical(["Lembaga Keuangan", None, "Lembaga Keuangan"]),
            "scope": pd.array(["Pertukaran Data dan Informasi", None, "-x"], dtype="string"),
            "notes": pd.array(["  spasi  ", "a & b < c > d", ""], dtype="string"),
            "mixed": pd.Series([1, True, 1.5], dtype=object),
            "old_date": pd.to_datetime(["1900-01-15", "1900-03-01", "1899-12-31"]),
        }
    )
    kinds = {"value": "rupiah", "ratio": "percent", "category": "category", "scope": "scope"}
    path = write_summary_xlsx(tmp_path / "d.xlsx", [("D", df, kinds)], "x", cover=False)
    ws = openpyxl.load_workbook(path)["D"]
    row = {c.value: c.column_letter for c in ws[1]}
    # names without a col.<name> message become words, never snake_case
    assert {"Ratio", "Flag", "Stamp", "Mixed", "Old date"} <= set(row)
    row.update({"ratio": row["Ratio"], "flag": row["Flag"], "stamp": row["Stamp"]})
    row.update({"mixed": row["Mixed"], "old_date": row["Old date"]})

    def cell(col, r):
        return ws[f"{row[col]}{r}"]

    # nullable integers: NA is an empty cell, the others keep the int format
    assert cell("Perjanjian", 2).value == 7 and cell("Perjanjian", 2).number_format == "#,##0"
    assert cell("Perjanjian", 3).value is None
    assert cell("Perjanjian", 4).value == -3
    assert cell("Nilai", 2).value == 2.5 and "Rp" in cell("Nilai", 2).number_format
    assert cell("Nilai", 3).value is None and cell("Nilai", 4).value == 1e-9
    # infinite numbers cannot be stored: empty cells
    assert cell("ratio", 2).value is None and cell("ratio", 3).value is None
    # numbers keep 16 significant digits (Excel itself shows 15)
    assert (
        cell("ratio", 4).value == pytest.approx(0.1 + 0.2, rel=1e-15)
        and cell("ratio", 4).number_format == "0.0%"
    )
    # booleans are words in the report's language
    assert [cell("flag", r).value for r in (2, 3, 4)] == ["Ya", "Tidak", "Ya"]
    # a timezone-aware date keeps its local calendar day (23:30 in Jakarta is still the 14th)
    assert cell("Tanggal Penandatanganan", 2).value == datetime(2024, 3, 14)
    assert cell("Tanggal Penandatanganan", 2).number_format == "DD/MM/YYYY"
    assert cell("Tanggal Penandatanganan", 3).value is None
    assert cell("Tanggal Penandatanganan", 4).value == datetime(2019, 1, 1)
    # object column of datetimes (inferred text kind) shows their text
    assert cell("stamp", 2).value == "2024-03-14 06:00:00"
    assert cell("stamp", 3).value == "2024-03-15"
    # vocabulary kinds from categorical and string columns; missing stays empty
    assert cell("Kategori Mitra", 2).value == "Lembaga Keuangan"
    assert cell("Kategori Mitra", 3).value is None
    assert cell("Ruang Lingkup", 2).value == "Pertukaran Data dan Informasi"
    assert cell("Ruang Lingkup", 3).value is None
    assert cell("Ruang Lingkup", 4).value == "-x" and cell("Ruang Lingkup", 4).quotePrefix
    # spaces kept, XML special characters survive, an empty string is an empty cell
    assert cell("Keterangan", 2).value == "  spasi  "
    assert cell("Keterangan", 3).value == "a & b < c > d"
    assert cell("Keterangan", 4).value is None
    # an object column mixing 1, True and 1.5 (inferred text) keeps each value apart
    assert [cell("mixed", r).value for r in (2, 3, 4)] == ["1", "True", "1.5"]
    # Excel's 1900 calendar: serials before 1 March 1900 are shifted, reading back gives
    # the same dates
    assert cell("old_date", 2).value == datetime(1900, 1, 15)
    assert cell("old_date", 3).value == datetime(1900, 3, 1)
    xml = _sheet_xml(path, 1)
    assert '<dimension ref="A1:K4"/>' in xml
    assert "<v>15</v>" in xml  # 1900-01-15
    assert "<v>61</v>" in xml  # 1900-03-01


def test_summary_xlsx_datetime_in_general_column(tmp_path):
    df = pd.DataFrame({"at": pd.to_datetime(["2024-03-14 06:30", "2024-03-15 00:00"])})
    path = write_summary_xlsx(tmp_path / "t.xlsx", [("T", df, {"at": "general"})], "x")
    ws = openpyxl.load_workbook(path)["T"]
    assert ws["A2"].value == datetime(2024, 3, 14, 6, 30)
    assert ws["A2"].number_format == "DD/MM/YYYY HH:MM:SS"
    assert ws["A3"].value == datetime(2024, 3, 15)
    assert ws["A3"].number_format == "DD/MM/YYYY"


def test_summary_xlsx_many_rows_across_chunks(tmp_path, monkeypatch):
    from evaluation.presentation import workbook as excel

    monkeypatch.setattr(excel, "WIDTH_SAMPLE_ROWS", 10)
    n = 50
    names = [f"Mitra {i}" for i in range(n)]
    names[30] = "x" * 200  # beyond the width sample: does not widen the column
    df = pd.DataFrame(
        {
            "partner_name": names,
            "agreements": np.arange(n),
            "scope_rate": np.where(np.arange(n) % 5 == 0, np.nan, np.arange(n) / 100),
            "category": pd.Categorical(["Lembaga Kesehatan", "Pemerintah Daerah"] * (n // 2)),
        }
    )
    kinds = {"scope_rate": "percent", "category": "category"}
    path = write_summary_xlsx(tmp_path / "big.xlsx", [("Besar", df, kinds)], "x")
    ws = openpyxl.load_workbook(path)["Besar"]
    assert ws.max_row == n + 1
    assert ws.tables["Tabel1"].ref == f"A1:D{n + 1}"
    for i in range(n):
        r = i + 2
        assert ws[f"A{r}"].value == names[i]
        assert ws[f"B{r}"].value == i
        assert ws[f"C{r}"].value == (None if i % 5 == 0 else pytest.approx(i / 100))
        assert ws[f"D{r}"].value == ("Lembaga Kesehatan" if i % 2 == 0 else "Pemerintah Daerah")
    # widest sampled value "Mitra 49" (8 characters; the header "Nama Mitra" wraps onto two
    # lines) + 2 -> the minimum, 10 (XlsxWriter stores Excel's width with its padding: 10.71)
    assert int(ws.column_dimensions["A"].width) == 10
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Besar").to_python()
    assert len(rows) == n + 1 and rows[n][1] == n - 1


def test_summary_xlsx_widths_fitted_to_sample(tmp_path):
    from evaluation.presentation import workbook as excel

    df = pd.DataFrame({"notes": ["a" * 30, "b\n" + "c" * 50, None], "zz": [1, 22, 333]})
    path = write_summary_xlsx(tmp_path / "w.xlsx", [("W", df, {})], "x")
    ws = openpyxl.load_workbook(path)["W"]
    # longest line, 50, + 2 is more than the widest column: capped, and the text wraps
    assert int(ws.column_dimensions["A"].width) == excel.MAX_WIDTH
    assert ws["A3"].alignment.wrap_text and not ws["B3"].alignment.wrap_text
    assert int(ws.column_dimensions["B"].width) == 10  # short values: the minimum


def test_summary_xlsx_duplicate_columns_and_unicode_cleanup(tmp_path):
    df = pd.DataFrame([["a", "b\ud800c"], ["d\x1f", "e"]], columns=["notes", "notes"], dtype=object)
    path = write_summary_xlsx(tmp_path / "dup.xlsx", [("Dup", df, {})], "x")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Dup").to_python()
    # an Excel table needs distinct headers: the repeat is numbered
    assert rows == [["Keterangan", "Keterangan (2)"], ["a", "bc"], ["d", "e"]]


def test_summary_xlsx_too_many_rows(tmp_path):
    df = pd.DataFrame({"n": np.zeros(1_048_576, dtype=np.int8)})
    with pytest.raises(ValueError, match="at most 1,048,575 rows"):
        write_summary_xlsx(tmp_path / "huge.xlsx", [("Besar", df, {})], "x")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ CSV: dtypes
@pytest.mark.parametrize("dtype", ["string", "string[python]", "str", object])
def test_write_csv_text_dtypes(tmp_path, dtype):
    values = ["=1+1", "a\r\nb", None, "c\rd", "@x", "plain"]
    df = pd.DataFrame({"notes": pd.Series(values, dtype=dtype)})
    rows = _read_csv_rows(write_csv(df, tmp_path / "t.csv"))
    assert [r[0] for r in rows] == ["notes", "'=1+1", "a\nb", "", "c\nd", "'@x", "plain"]


def test_write_csv_categorical_and_float_dtypes(tmp_path):
    df = pd.DataFrame(
        {
            "category": pd.Categorical(["-1", None, "Bank", "-1"]),
            "f32": np.array([0.1, 2.0, np.nan, -0.0], dtype=np.float32),
            "f64n": pd.array([1 / 3, None, 1e16, np.inf], dtype="Float64"),
        }
    )
    rows = _read_csv_rows(write_csv(df, tmp_path / "t.csv"))
    assert rows[1:] == [
        ["'-1", "0.10000000149011612", "0.3333333333333333"],
        ["", "2.0", ""],
        ["Bank", "", "1e+16"],
        ["'-1", "-0.0", "inf"],
    ]
