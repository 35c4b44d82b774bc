"""Messy-but-honest input: what real analysts' files look like gives the clean tables.

The canonical data (conftest.CANONICAL) is spread over four files of four kinds, with title
rows, a "No" column, an extra column, odd headers, dates as Excel dates, serial numbers and
Indonesian text, label aliases, stray spaces, blank rows, a JUMLAH row, hidden sheets and an
agreement listed identically twice. The tables must equal the clean ones (provenance aside)
and every deviation must be in data_quality with its location and action.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from conftest import (
    CANONICAL,
    expected_table,
    without_provenance,
    write_csv_sheet,
    write_ods,
    write_xlsm,
    write_xlsx,
)
from evaluation.errors import InputError
from evaluation.ingest import ingest, write_processed

TITLE = "DAFTAR PERJANJIAN KERJA SAMA BP2MI 2018-2024"


def _write_messy(raw: Path) -> None:
    # File 1: titles, "No" column, extra column, aliases, text/serial dates, JUMLAH row.
    write_xlsx(
        raw / "2023_unit_a.xlsx",
        {
            "Daftar Perjanjian": [
                [TITLE],
                ["Biro Perencanaan dan Kerja Sama"],
                [],
                ["No", "NOMOR  PERJANJIAN ", "jenis dokumen", "Nama Mitra.", "KATEGORI",
                 "Propinsi", "Tgl. Penandatanganan", "Tanggal_Berakhir", "unit pengampu",
                 "Keterangan", "Kolom Tambahan"],
                [1, "  NK.01/2021 ", "NK", "Pemerintah Provinsi Jawa Timur", "Pemprov",
                 " jawa  timur", "1 Maret 2021", None, "Biro Perencanaan", None, "abc"],
                [2, "PKS.02/2022", "pks", "Universitas Brawijaya", "Universitas", None,
                 "3 Agu 2022", 45871, None, "Diklat bahasa", None],
                [],
                [3, "PKS.03/2023", "Perjanjian Kerjasama", "RSUD  Dr. Soetomo", "rsud", "Jatim",
                 "10-01-2023", None, "Direktorat Sosialisasi", None, None],
                ["JUMLAH", 3, None, None, None, None, None, None, None, None, "3 perjanjian"],
            ],
            "Arsip Lama": [["catatan lama"], ["x", 1]],
        },
        hidden=("Arsip Lama",),
        merged={"Daftar Perjanjian": ["A1:K1", "A2:K2"]},
    )  # fmt: skip
    # File 2 (.xlsm): the rest of the agreements, part of the scopes, odd labels.
    write_xlsm(
        raw / "2024_unit_b.xlsm",
        {
            "Perjanjian": [
                ["Nomor Perjanjian", "Jenis Dokumen", "Nama Mitra", "Kategori Mitra",
                 "Provinsi", "Tanggal Penandatanganan", "Tanggal Berakhir"],
                ["NK.04/2024", "MoU", "Bank Negara Indonesia", "Bank", None, "14 Maret 2024",
                 None],
                ["NK.05/2019", "Nota Kesepahaman", "Kementerian Ketenagakerjaan", "K/L", None,
                 date(2019, 5, 2), date(2024, 5, 1)],
            ],
            "lingkup": [
                ["nomor perjanjian", "RUANG LINGKUP"],
                ["NK.01/2021", " pemberantasan sindikasi penempatan nonprosedural "],
                ["NK.01/2021 ", "DIKLAT CPMI"],
                ["PKS.02/2022", "Pendidikan  dan Pelatihan Calon PMI"],
            ],
        },
    )  # fmt: skip
    # File 3 (.ods): the same agreement again (identical), more scopes, a hidden known sheet.
    write_ods(
        raw / "2024_unit_c.ods",
        {
            "Perjanjian": [
                ["Nomor Perjanjian", "Nama Mitra", "Kategori Mitra", "Tanggal Penandatanganan",
                 "Tanggal Berakhir", "Jenis Dokumen"],
                ["NK.05/2019", "Kementerian Ketenagakerjaan", "Kementerian", date(2019, 5, 2),
                 "1 Mei 2024", "nota kesepahaman"],
            ],
            "Ruang Lingkup": [
                ["Nomor Perjanjian", "Ruang Lingkup"],
                ["PKS.03/2023", "layanan kesehatan"],
                ["NK.04/2024", "Pembiayaan dan Akses Keuangan PMI"],
                ["NK.05/2019", "Koordinasi Tugas dan Fungsi"],
            ],
            "Tindak Lanjut": [
                ["Nomor Perjanjian", "Ruang Lingkup", "Tanggal Kegiatan", "Uraian Kegiatan",
                 "Status", "Jenis Luaran", "Nilai", "Bukti"],
                ["NK.05/2019", "Koordinasi", "1 Juli 2020", "Rapat koordinasi", "SELESAI",
                 "lain-lain", None, "Notulen"],
            ],
        },
        hidden=("Tindak Lanjut",),
    )  # fmt: skip
    # File 4 (.csv, semicolons as Indonesian Excel writes them): the other activities.
    write_csv_sheet(
        raw / "Tindak Lanjut.csv",
        [
            ["Nomor Perjanjian", "Ruang Lingkup", "Tgl Kegiatan", "Uraian Kegiatan", "STATUS",
             "Jenis Luaran", "Nilai (Rp)", "Bukti"],
            ["NK.01/2021", "Diklat CPMI", "10/05/2022", "Pelatihan bahasa Korea", "terlaksana",
             "anggaran diklat", "Rp 1.500.000.000", "SK-12"],
            [" NK.01/2021", " pemberantasan sindikasi ", "1 Feb 2023", "Pembentukan satgas",
             "dalam  proses", "SATGAS", None, None],
            [],
            ["PKS.02/2022", "Pendidikan dan Pelatihan Calon PMI", "Rabu, 20 September 2023",
             "Kelas CPMI", "Sudah Terlaksana", None, "120 orang", None],
            ["PKS.03/2023", "Layanan Kesehatan", "05-01-2024", "Pemeriksaan  kesehatan", "Belum",
             None, None, None],
        ],
        delimiter=";",
    )  # fmt: skip


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    raw = tmp_path_factory.mktemp("messy") / "raw"
    _write_messy(raw)
    return ingest(raw)


@pytest.mark.parametrize("table", ["agreements", "scope_items", "activities"])
def test_messy_rendition_equals_clean(messy, table):
    got = without_provenance(messy.tables[table], table)
    expected = expected_table(table)
    if table == "agreements":
        # The same end dates, but three of them come from the default term here (no end date
        # written: NK.01/2021, PKS.03/2023, NK.04/2024); the canonical file states them all.
        assumed = got.loc[got["ends_on_basis"] == "default_term", "agreement_id"].tolist()
        assert assumed == ["NK.01/2021", "NK.04/2024", "PKS.03/2023"]
        got, expected = got.drop(columns="ends_on_basis"), expected.drop(columns="ends_on_basis")
    pd.testing.assert_frame_equal(got, expected)


def test_clean_rendition_reference(tmp_path):
    """The same data in the canonical layout gives the same tables (sanity for the above)."""
    write_xlsx(tmp_path / "raw" / "p.xlsx", CANONICAL)
    res = ingest(tmp_path / "raw")
    for table in ("agreements", "scope_items", "activities"):
        pd.testing.assert_frame_equal(
            without_provenance(res.tables[table], table), expected_table(table)
        )


def _entries(result, file, sheet):
    q = result.quality
    return q[(q["file"] == file) & (q["sheet"] == sheet)]


def test_messy_provenance_is_excel_rows(messy):
    ag = messy.agreements.set_index("agreement_id")
    assert tuple(ag.loc["NK.01/2021", ["source_file", "source_sheet", "source_row"]]) == (
        "2023_unit_a.xlsx",
        "Daftar Perjanjian",
        5,
    )
    assert ag.loc["PKS.03/2023", "source_row"] == 8
    # The identical repeat in the .ods file is dropped; the first listing is kept.
    assert tuple(ag.loc["NK.05/2019", ["source_file", "source_row"]]) == ("2024_unit_b.xlsm", 3)
    act = messy.activities.set_index("description")
    assert tuple(act.loc["Kelas CPMI", ["source_file", "source_sheet", "source_row"]]) == (
        "Tindak Lanjut.csv",
        "Tindak Lanjut",
        5,
    )
    assert act.loc["Rapat koordinasi", "source_file"] == "2024_unit_c.ods"
    assert act.loc["Rapat koordinasi", "source_row"] == 2


def test_messy_remarks_name_location_and_action(messy):
    a = _entries(messy, "2023_unit_a.xlsx", "Daftar Perjanjian")
    got = {(r.row, r.column, r.action) for r in a.itertuples()}
    assert (4, "", "ignored") in got  # title rows above the header at row 4
    extra = a[a["column"] == "Kolom Tambahan"]
    assert len(extra) == 1  # reported once, not per row
    assert extra.iloc[0]["row"] == 4 and "not part of the input format" in extra.iloc[0]["problem"]
    blank = a[a["problem"] == "blank row skipped"]
    assert list(blank["row"]) == [7] and list(blank["action"]) == ["ignored"]
    total = a[a["problem"] == "total row skipped"]
    assert list(total["row"]) == [9] and total.iloc[0]["value"] == "JUMLAH"
    ends = a[a["column"] == "Tanggal_Berakhir"]
    assert list(ends["row"]) == [5, 8]
    assert set(ends["action"]) == {"fixed"}
    assert "2026-02-28" in ends.iloc[0]["problem"]
    # No "No" column remark: it only numbers the rows.
    assert not (a["column"] == "No").any()

    hidden = _entries(messy, "2023_unit_a.xlsx", "Arsip Lama")
    assert list(hidden["action"]) == ["ignored"] and "hidden sheet" in hidden.iloc[0]["problem"]
    hidden_known = _entries(messy, "2024_unit_c.ods", "Tindak Lanjut")
    assert (hidden_known["problem"].str.contains("hidden sheet; read")).any()

    dup = _entries(messy, "2024_unit_c.ods", "Perjanjian")
    dup = dup[dup["column"] == "Nomor Perjanjian"]
    assert len(dup) == 1
    assert dup.iloc[0]["row"] == 2 and dup.iloc[0]["action"] == "ignored"
    assert "2024_unit_b.xlsm" in dup.iloc[0]["problem"] and "row 3" in dup.iloc[0]["problem"]

    csv_blank = _entries(messy, "Tindak Lanjut.csv", "Tindak Lanjut")
    assert list(csv_blank[csv_blank["problem"] == "blank row skipped"]["row"]) == [4]
    assert not messy.quality["action"].eq("quarantined").any()


def test_messy_summary_adds_up(messy):
    s = messy.summary.set_index(["file", "sheet"])
    row = s.loc[("2023_unit_a.xlsx", "Daftar Perjanjian")]
    # Rows 5..9 are read: 5 and 8 fixed (end date assumed), 6 used, 7 blank, 9 JUMLAH.
    assert (row["read"], row["used"], row["fixed"], row["quarantined"], row["ignored"]) == (
        5,
        1,
        2,
        0,
        2,
    )
    assert s.loc[("2024_unit_c.ods", "Perjanjian"), "ignored"] == 1
    assert s.loc[("Tindak Lanjut.csv", "Tindak Lanjut"), "read"] == 5
    # The hidden sheet that is not read: its two rows are counted, as ignored.
    arsip = s.loc[("2023_unit_a.xlsx", "Arsip Lama")]
    assert (arsip["read"], arsip["used"], arsip["ignored"]) == (2, 0, 2)
    q = messy.quality
    remark = q[(q["sheet"] == "Arsip Lama") & q["row"].isna()]
    assert remark["code"].tolist() == ["hidden_sheet_not_read"]
    assert remark["problem"].tolist() == [
        "hidden sheet not part of the input format; not read (2 rows)"
    ]
    total = s[["used", "fixed", "quarantined", "ignored"]].sum(axis=1)
    assert (total == s["read"]).all()


def test_same_agreement_different_details_quarantined_with_both_locations(tmp_path):
    raw = tmp_path / "raw"
    write_xlsx(raw / "a.xlsx", CANONICAL)
    other = [CANONICAL["Perjanjian"][0], list(CANONICAL["Perjanjian"][5])]
    other[1][2] = "Kemnaker RI"  # partner name differs
    write_xlsx(raw / "b.xlsx", {"Perjanjian": other})
    res = ingest(raw)
    assert "NK.05/2019" not in set(res.agreements["agreement_id"])
    q = res.quality[res.quality["action"] == "quarantined"]
    ag = q[q["sheet"] == "Perjanjian"]
    assert set(zip(ag["file"], ag["row"], strict=True)) == {("a.xlsx", 6), ("b.xlsx", 2)}
    for problem in ag["problem"]:
        assert "a.xlsx sheet 'Perjanjian' row 6" in problem
        assert "b.xlsx sheet 'Perjanjian' row 2" in problem
        assert "Nama Mitra" in problem
    # Its scope and activity rows are quarantined too, pointing at the agreement row.
    dependants = q[q["sheet"] != "Perjanjian"]
    assert set(zip(dependants["sheet"], dependants["row"], strict=True)) == {
        ("Ruang Lingkup", 7),
        ("Tindak Lanjut", 6),
    }
    assert dependants["problem"].str.contains("agreement row is quarantined").all()


def test_header_prefers_canonical_spelling_over_alias(tmp_path):
    """A "Nomor" column numbering the rows must not be read as the agreement number when a
    "Nomor Perjanjian" column exists (the alias loses to the canonical header)."""
    sheets = {k: [list(r) for r in v] for k, v in CANONICAL.items()}
    sheets["Perjanjian"] = [["Nomor", *sheets["Perjanjian"][0]]] + [
        [i, *r] for i, r in enumerate(sheets["Perjanjian"][1:], start=1)
    ]
    write_xlsx(tmp_path / "raw" / "p.xlsx", sheets)
    res = ingest(tmp_path / "raw")
    pd.testing.assert_frame_equal(
        without_provenance(res.agreements, "agreements"), expected_table("agreements")
    )
    remark = res.quality[res.quality["column"] == "Nomor"]
    assert len(remark) == 1 and remark.iloc[0]["row"] == 1
    assert "'Nomor Perjanjian' was read" in remark.iloc[0]["problem"]


def test_two_header_like_rows_numbering_and_repeat(tmp_path):
    """A title row naming some columns, the header, a column-numbering row (1, 2, 3 …) and
    the header repeated mid-sheet: the fuller header wins, the others are skipped."""
    ag = [list(r) for r in CANONICAL["Perjanjian"]]
    sheet = [
        ["Nomor Perjanjian", "Nama Mitra"],  # header-like title row, incomplete
        ag[0],
        [f"({i})" for i in range(1, 10)],
        ag[1],
        ag[2],
        ag[0],  # header repeated (a second printed page pasted below)
        *ag[3:],
    ]
    write_xlsx(tmp_path / "raw" / "p.xlsx", {**CANONICAL, "Perjanjian": sheet})
    res = ingest(tmp_path / "raw")
    pd.testing.assert_frame_equal(
        without_provenance(res.agreements, "agreements"), expected_table("agreements")
    )
    q = res.quality[res.quality["sheet"] == "Perjanjian"]
    assert set(zip(q["row"], q["problem"], strict=True)) == {
        (2, "title rows above the header (row 2) skipped"),
        (3, "column numbering row skipped"),
        (6, "header repeated; row skipped"),
    }
    assert list(res.agreements["source_row"]) == [4, 5, 7, 8, 9]


def test_csv_sheet_named_by_file_stem_with_extra_words(tmp_path):
    raw = tmp_path / "raw"
    write_csv_sheet(raw / "2024 - Perjanjian.csv", CANONICAL["Perjanjian"])
    write_csv_sheet(raw / "ruang_lingkup_unit_a.csv", CANONICAL["Ruang Lingkup"])
    write_csv_sheet(raw / "Tindak Lanjut.csv", CANONICAL["Tindak Lanjut"])
    res = ingest(raw)
    for table in ("agreements", "scope_items", "activities"):
        pd.testing.assert_frame_equal(
            without_provenance(res.tables[table], table), expected_table(table)
        )
    assert set(res.summary["sheet"]) == {
        "2024 - Perjanjian",
        "ruang_lingkup_unit_a",
        "Tindak Lanjut",
    }


def test_csv_named_for_no_sheet_is_reported(tmp_path):
    raw = tmp_path / "raw"
    write_xlsx(raw / "p.xlsx", CANONICAL)
    write_csv_sheet(raw / "rekap anggaran.csv", [["a", "b"], [1, 2]])
    with pytest.raises(InputError) as err:
        ingest(raw)
    assert "rekap anggaran.csv" in str(err.value)
    assert "no sheet named" in str(err.value)


def test_messy_remarks_have_code_and_fields_worded_in_indonesian(messy, tmp_path):
    from evaluation.presentation.remarks import remark_texts

    write_processed(messy, tmp_path)
    dq = pd.read_csv(tmp_path / "data_quality.csv", dtype=str, keep_default_na=False)
    assert dq.columns.tolist()[-2:] == ["code", "fields"]
    dq["problem_id"] = remark_texts(dq, "id")
    assert (dq["code"] != "").all() and (dq["problem_id"] != "").all()
    ends = dq[(dq["file"] == "2023_unit_a.xlsx") & (dq["column"] == "Tanggal_Berakhir")]
    # 1 Maret 2021 + 5 years - 1 day; 10 January 2023 + 5 years - 1 day
    assert ends["code"].tolist() == ["no_end_date", "no_end_date"]
    assert ends["problem_id"].tolist() == [
        "tanggal berakhir kosong; dianggap berlaku 5 tahun sejak penandatanganan "
        "(sampai 28 Februari 2026)",
        "tanggal berakhir kosong; dianggap berlaku 5 tahun sejak penandatanganan "
        "(sampai 9 Januari 2028)",
    ]
    assert ends["problem"].tolist() == [
        "no end date; assumed 5 years after signing (2026-02-28)",
        "no end date; assumed 5 years after signing (2028-01-09)",
    ]
