"""Layouts analysts keep, each written by the test as a real workbook and read back into the
same three tables as the canonical three-sheet form: the one-sheet register, several sheets of
one kind, two header rows with merged cells, the key column chosen by content; linking total
rows kept; sheets that are not read counted and listed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import (
    ACT_HEADER,
    AG_HEADER,
    AGREEMENTS,
    CANONICAL,
    SC_HEADER,
    SCOPES,
    without_provenance,
    write_csv_sheet,
    write_ods,
    write_xlsx,
)
from evaluation.analysis import metrics
from evaluation.errors import InputError
from evaluation.ingest import format_summary, ingest, schema
from evaluation.ingest.common import _Lookups
from evaluation.ingest.layouts import parse_followup, split_scopes
from evaluation.presentation.remarks import remark_texts
from evaluation.vocab.loader import load_vocabulary

TABLES = ("agreements", "scope_items", "activities")
#: The canonical activities without the columns a follow-up line cannot carry (outcome type,
#: value, evidence): what the register must give.
PLAIN_ACTIVITIES = [[*r[:5], None, None, None] for r in CANONICAL["Tindak Lanjut"][1:]]


def _canonical(tmp_path: Path, activities=None) -> dict[str, pd.DataFrame]:
    """The canonical workbook's tables (without provenance), read by ingest itself."""
    raw = tmp_path / "canonical"
    acts = activities if activities is not None else CANONICAL["Tindak Lanjut"][1:]
    write_xlsx(raw / "c.xlsx", {**CANONICAL, "Tindak Lanjut": [ACT_HEADER, *acts]})
    res = ingest(raw)
    assert res.quality.empty
    return {t: without_provenance(res.tables[t], t) for t in TABLES}


def _assert_same_tables(res, expected: dict[str, pd.DataFrame]) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(without_provenance(res.tables[t], t), expected[t])


def _remarks(res) -> list[tuple]:
    q = res.quality
    return sorted(
        (r.sheet, -1 if pd.isna(r.row) else int(r.row), r.code, r.action) for r in q.itertuples()
    )


def _accounted(res) -> set[tuple]:
    s = res.summary
    assert (s["used"] + s["fixed"] + s["quarantined"] + s["ignored"] == s["read"]).all()
    located = set()
    for df in res.tables.values():
        located |= set(zip(df["source_file"], df["source_sheet"], df["source_row"], strict=True))
    q = res.quality.dropna(subset=["row"])
    return located | set(zip(q["file"], q["sheet"], q["row"].astype(int), strict=True))


# ------------------------------------------------------------------------ one-sheet register
REG_HEADER = ["No", *AG_HEADER, "Ruang Lingkup", "Tindak Lanjut"]
_SCOPE_CELLS = {
    "NK.01/2021": "1. Pemberantasan Sindikasi Penempatan Nonprosedural\n"
    "2. Pendidikan dan Pelatihan Calon PMI",
    "PKS.02/2022": "Pendidikan dan Pelatihan Calon PMI",
    "PKS.03/2023": "Layanan Kesehatan CPMI/PMI;",
    "NK.04/2024": "- Pembiayaan dan Akses Keuangan PMI",
    "NK.05/2019": "• Koordinasi Tugas dan Fungsi",
}
_FOLLOWUP_CELLS = {
    # the scope named before a colon, and in brackets; dates in two forms
    "NK.01/2021": "- Pendidikan dan Pelatihan Calon PMI: Pelatihan bahasa Korea (10 Mei 2022): "
    "Terlaksana\n- [Pemberantasan Sindikasi] Pembentukan satgas (01-02-2023): Dalam Proses",
    # no scope named: the agreement's only scope (remark, fixed)
    "PKS.02/2022": "Kelas CPMI (20/09/2023): Terlaksana",
    # dashes instead of a colon and brackets
    "PKS.03/2023": "• Pemeriksaan kesehatan – 5 Januari 2024 – Belum Dilaksanakan",
    "NK.04/2024": None,
    # the description names the scope ("koordinasi")
    "NK.05/2019": "1) Rapat koordinasi (1 Juli 2020): Terlaksana",
}


def _register_rows() -> list[list[object]]:
    rows = [["DAFTAR NOTA KESEPAHAMAN DAN PERJANJIAN KERJA SAMA"], REG_HEADER]
    for i, ag in enumerate(AGREEMENTS, start=1):
        rows.append([i, *ag, _SCOPE_CELLS[ag[0]], _FOLLOWUP_CELLS[ag[0]]])
    rows.append(["JUMLAH", None, None, None, None, None, None, None, None, None, None, None])
    return rows


#: Remarks of the register (sheet, Excel row, code, action) besides the sheet-level ones.
_REGISTER_REMARKS = [
    (-1, "register_sheet", "used"),
    (-1, "sheet_by_headers", "used"),
    (2, "title_rows", "ignored"),
    (4, "followup_scope_inferred", "fixed"),  # PKS.02/2022
    (5, "followup_scope_inferred", "fixed"),  # PKS.03/2023
    (8, "total_row", "ignored"),
]


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_one_sheet_register_gives_the_canonical_tables(tmp_path, kind):
    raw = tmp_path / "raw"
    rows = _register_rows()
    if kind == "xlsx":
        write_xlsx(raw / "register.xlsx", {"Rekap NK PKS 2024": rows})
    elif kind == "ods":
        write_ods(raw / "register.ods", {"Rekap NK PKS 2024": rows})
    else:
        write_csv_sheet(raw / "Rekap NK PKS 2024.csv", rows)
    res = ingest(raw)
    _assert_same_tables(res, _canonical(tmp_path, PLAIN_ACTIVITIES))
    sheet = "Rekap NK PKS 2024"
    assert _remarks(res) == sorted((sheet, *r) for r in _REGISTER_REMARKS)
    # Each scope item and activity points at its agreement's register row.
    rows_of = dict(zip(res.agreements["agreement_id"], res.agreements["source_row"], strict=True))
    for t in ("scope_items", "activities"):
        df = res.tables[t]
        assert (df["source_sheet"] == sheet).all()
        assert df["source_row"].tolist() == [rows_of[a] for a in df["agreement_id"]]
    s = res.summary.set_index("sheet").loc[sheet]
    # rows 3..8: 3 clean, 2 fixed (scope assumed), the JUMLAH row ignored
    assert s[["read", "used", "fixed", "quarantined", "ignored"]].tolist() == [6, 3, 2, 0, 1]


def test_register_followup_without_scope_counts_for_agreement_not_scope(tmp_path):
    raw = tmp_path / "raw"
    ag = AGREEMENTS[0]  # NK.01/2021: two scopes
    write_xlsx(
        raw / "r.xlsx",
        {
            "Perjanjian": [
                [*AG_HEADER, "Ruang Lingkup", "Tindak Lanjut"],
                [*ag, _SCOPE_CELLS[ag[0]], "- Sosialisasi migrasi aman (30 Mei 2022): Terlaksana"],
            ]
        },
    )
    res = ingest(raw)
    acts = res.activities
    assert len(acts) == 1 and pd.isna(acts["scope"].iloc[0])
    assert acts[["description", "status"]].iloc[0].tolist() == [
        "Sosialisasi migrasi aman",
        "Terlaksana",
    ]
    assert acts["activity_date"].iloc[0] == pd.Timestamp("2022-05-30")
    q = res.quality.set_index("code")
    assert q.loc["followup_scope_not_stated", "action"] == "used"
    assert q.loc["followup_scope_not_stated", "row"] == 2
    assert "Sosialisasi migrasi aman" in q.loc["followup_scope_not_stated", "value"]
    # The agreement is followed up; neither of its two scope items is realised.
    overall = metrics.rates(res.tables, metrics.Params(as_of=date(2024, 3, 14)))
    assert overall[["agreements", "agreements_followed_up"]].iloc[0].tolist() == [1, 1]
    assert overall[["scope_items", "scope_items_done"]].iloc[0].tolist() == [2, 0]


def test_register_bad_followups_are_quarantined_at_the_register_cell(tmp_path):
    raw = tmp_path / "raw"
    ag = AGREEMENTS[1]  # PKS.02/2022, one scope
    cell = "Kelas CPMI (20/09/2023): Terlaksana\nKelas lanjutan (bulan depan): Terlaksana\nRapat"
    write_xlsx(
        raw / "r.xlsx",
        {"Perjanjian": [[*AG_HEADER, "Ruang Lingkup", "Tindak Lanjut"], [*ag, "Diklat", cell]]},
    )
    res = ingest(raw)
    assert res.activities["description"].tolist() == ["Kelas CPMI"]
    q = res.quality[res.quality["action"] == "quarantined"]
    assert set(q["column"]) == {"Tindak Lanjut"} and set(q["row"]) == {2}
    # "(bulan depan)" is no date; "Rapat" has neither a date nor a status
    assert sorted(q["code"]) == ["date_empty", "date_unreadable_required", "required_empty"]
    assert res.summary["quarantined"].tolist() == [1]


def test_split_scopes_and_parse_followup_forms():
    assert split_scopes("1. A\n2. B") == ["A", "B"]
    assert split_scopes("1. A 2. B") == ["A", "B"]
    assert split_scopes("A; B;\n- C\n• D") == ["A", "B", "C", "D"]
    assert split_scopes("Penelitian, Sosialisasi dan Pengabdian Masyarakat") == [
        "Penelitian, Sosialisasi dan Pengabdian Masyarakat"
    ]
    vocab, labels = load_vocabulary(), _Lookups()
    f = parse_followup("Sosialisasi migrasi aman (30 Mei 2022): Terlaksana", vocab, labels)
    assert f == (None, "30 Mei 2022", "Sosialisasi migrasi aman", "Terlaksana")
    f = parse_followup("Diklat CPMI: Kelas (2023-09-20): Selesai", vocab, labels)
    assert f == ("Diklat CPMI", "2023-09-20", "Kelas", "Selesai")
    f = parse_followup("Rapat 14/03/2024 - Dalam Proses", vocab, labels)
    assert f == (None, "14/03/2024", "Rapat", "Dalam Proses")
    f = parse_followup("Rapat (Terlaksana)", vocab, labels)
    assert f == (None, None, "Rapat", "Terlaksana")


# ------------------------------------------------------------------------ several sheets
def _per_year_sheets() -> dict[str, list[list[object]]]:
    acts = CANONICAL["Tindak Lanjut"][1:]
    by_year = {
        "Tindak Lanjut 2019-2021": [a for a in acts if a[2].year <= 2021],
        "TL 2022": [a for a in acts if a[2].year == 2022],
        "Tindak Lanjut 2023": [a for a in acts if a[2].year >= 2023],
    }
    return {
        "Perjanjian": CANONICAL["Perjanjian"],
        "Ruang Lingkup": [SC_HEADER, *SCOPES[:3]],
        "Ruang Lingkup (lanjutan)": [SC_HEADER, *SCOPES[3:]],
        **{name: [ACT_HEADER, *rows] for name, rows in by_year.items()},
    }


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_several_sheets_of_one_kind_are_combined_and_named(tmp_path, kind):
    raw = tmp_path / "raw"
    sheets = _per_year_sheets()
    if kind == "xlsx":
        write_xlsx(raw / "p.xlsx", sheets)
    elif kind == "ods":
        write_ods(raw / "p.ods", sheets)
    else:
        for name, rows in sheets.items():
            write_csv_sheet(raw / f"{name}.csv", rows)
    res = ingest(raw)
    _assert_same_tables(res, _canonical(tmp_path))
    assert res.quality.empty
    s = res.summary.set_index("sheet")
    assert s["read"].to_dict() == {name: len(rows) - 1 for name, rows in sheets.items()}
    text = format_summary(res)
    for name in sheets:
        assert name in text


def test_sheet_named_for_a_kind_without_its_columns_is_refused(tmp_path):
    raw = tmp_path / "raw"
    sheets = _per_year_sheets()
    sheets["TL 2022"] = [[c for c in r[:4]] + r[5:] for r in sheets["TL 2022"]]  # no Status
    write_xlsx(raw / "p.xlsx", sheets)
    with pytest.raises(InputError) as err:
        ingest(raw)
    msg = str(err.value)
    assert "p.xlsx" in msg and "TL 2022" in msg and "'Status'" in msg


# ------------------------------------------------------------------------ headers and merges
def _two_header_rows() -> tuple[dict[str, list[list[object]]], dict[str, list[str]]]:
    """Perjanjian under a two-row header ("Masa Berlaku" over "Mulai | Berakhir"), the
    agreement number merged down over its scope and activity rows."""
    top = ["Nomor Perjanjian", "Jenis Dokumen", "Nama Mitra", "Kategori Mitra", "Provinsi",
           "Masa Berlaku", None, "Unit Pengampu", "Keterangan"]  # fmt: skip
    sub = [None, None, None, None, None, "Mulai", "Berakhir", None, None]
    ag = [["DAFTAR PERJANJIAN KERJA SAMA BP2MI 2018-2024"], top, sub, *AGREEMENTS]
    scopes = [SC_HEADER]
    merged = {"Perjanjian": ["A1:I1", "F2:G2", *[f"{c}2:{c}3" for c in "ABCDEHI"]]}
    for i, (aid, scope) in enumerate(SCOPES, start=2):
        same = i > 2 and SCOPES[i - 3][0] == aid
        scopes.append([None if same else aid, scope])
    merged["Ruang Lingkup"] = ["A2:A3"]  # NK.01/2021 over its two scopes
    acts = [ACT_HEADER, *[list(a) for a in CANONICAL["Tindak Lanjut"][1:]]]
    acts[2][0] = None  # NK.01/2021 merged over rows 2..3
    merged["Tindak Lanjut"] = ["A2:A3"]
    return {"Perjanjian": ag, "Ruang Lingkup": scopes, "Tindak Lanjut": acts}, merged


_MERGE_REMARKS = [
    ("Perjanjian", 3, "header_two_rows", "used"),
    ("Perjanjian", 3, "title_rows", "ignored"),
    ("Ruang Lingkup", 3, "merged_cell_filled", "fixed"),
    ("Tindak Lanjut", 3, "merged_cell_filled", "fixed"),
]


def test_two_header_rows_and_merged_cells_xlsx(tmp_path):
    sheets, merged = _two_header_rows()
    write_xlsx(tmp_path / "raw" / "m.xlsx", sheets, merged=merged)
    res = ingest(tmp_path / "raw")
    _assert_same_tables(res, _canonical(tmp_path))
    assert _remarks(res) == _MERGE_REMARKS
    q = res.quality.set_index("code")
    assert q.loc["header_two_rows", "problem"] == (
        "two header rows (2 and 3) read as one: Masa Berlaku / Mulai, Masa Berlaku / Berakhir"
    )
    filled = res.quality[res.quality["code"] == "merged_cell_filled"]
    assert filled["value"].tolist() == ["NK.01/2021", "NK.01/2021"]
    assert filled["problem"].tolist() == ["merged cell filled down from row 2"] * 2


def _spans(ranges: list[str]) -> dict[tuple[int, int], tuple[int, int]]:
    from openpyxl.utils.cell import range_boundaries

    out = {}
    for rng in ranges:
        c0, r0, c1, r1 = range_boundaries(rng)
        out[(r0 - 1, c0 - 1)] = (r1 - r0 + 1, c1 - c0 + 1)
    return out


def test_two_header_rows_and_merged_cells_ods(tmp_path):
    sheets, merged = _two_header_rows()
    spans = {name: _spans(ranges) for name, ranges in merged.items()}
    write_ods(tmp_path / "raw" / "m.ods", sheets, spans=spans)
    res = ingest(tmp_path / "raw")
    _assert_same_tables(res, _canonical(tmp_path))
    assert _remarks(res) == _MERGE_REMARKS


def test_group_header_without_merge_and_csv(tmp_path):
    sheets, _ = _two_header_rows()
    for name, rows in sheets.items():
        write_csv_sheet(tmp_path / "raw" / f"{name}.csv", rows)
    res = ingest(tmp_path / "raw")
    # Without merge information the group header still spreads over its sub-headers; the
    # blank agreement numbers are not guessed: those rows are quarantined.
    pd.testing.assert_frame_equal(
        without_provenance(res.agreements, "agreements"), _canonical(tmp_path)["agreements"]
    )
    q = res.quality[res.quality["action"] == "quarantined"]
    assert sorted(zip(q["sheet"], q["row"], q["code"], strict=True)) == [
        ("Ruang Lingkup", 3, "required_empty"),
        ("Tindak Lanjut", 3, "required_empty"),
    ]


# ------------------------------------------------------------------------ the key column
def test_key_column_chosen_by_content(tmp_path):
    ag = [["No", "Nomor", "Nomor NK/PKS", *AG_HEADER[1:]]]
    ag += [[i, i, *row] for i, row in enumerate(AGREEMENTS, start=1)]
    sc = [["No", "Nomor NK/PKS", "Ruang Lingkup"]] + [[i, *r] for i, r in enumerate(SCOPES, 1)]
    acts = [["Nomor", *ACT_HEADER[1:]]] + [list(a) for a in CANONICAL["Tindak Lanjut"][1:]]
    write_xlsx(tmp_path / "raw" / "k.xlsx", {"Perjanjian": ag, "Ruang Lingkup": sc,
                                              "Tindak Lanjut": acts})  # fmt: skip
    res = ingest(tmp_path / "raw")
    _assert_same_tables(res, _canonical(tmp_path))
    assert _remarks(res) == [
        ("Perjanjian", 1, "duplicate_column", "ignored"),
        ("Perjanjian", 1, "key_column_chosen", "fixed"),
    ]
    q = res.quality.set_index("code")
    assert q.loc["key_column_chosen", "column"] == "Nomor NK/PKS"
    assert q.loc["key_column_chosen", "problem"] == (
        "agreement number read from column 'Nomor NK/PKS' (its values look like agreement "
        "numbers), not from 'No', 'Nomor'"
    )


# ------------------------------------------------------------------------ total rows
def test_total_row_rule_keeps_a_row_whose_number_links(tmp_path):
    ag = [list(r) for r in CANONICAL["Perjanjian"]]
    # A partner whose name starts like a total row, with a plain-number agreement number.
    ag.append([451, None, "Total Edukasi Nusantara", "Sekolah", None, date(2022, 1, 5), None,
               None, None])  # fmt: skip
    ag.append(["JUMLAH", None, None, None, None, None, None, None, 6])
    sc = [*CANONICAL["Ruang Lingkup"], ["451", "Diklat CPMI"]]
    write_xlsx(tmp_path / "raw" / "t.xlsx", {**CANONICAL, "Perjanjian": ag, "Ruang Lingkup": sc})
    res = ingest(tmp_path / "raw")
    assert "451" in set(res.agreements["agreement_id"])
    assert ("451", "Pendidikan dan Pelatihan Calon PMI") in set(
        zip(res.scope_items["agreement_id"], res.scope_items["scope"], strict=True)
    )
    q = res.quality
    kept = q[q["code"] == "total_row_kept"]
    assert kept[["row", "action"]].values.tolist() == [[7, "used"]]
    assert q[q["code"] == "total_row"]["row"].tolist() == [8]


def test_total_like_row_that_links_nothing_is_still_skipped(tmp_path):
    ag = [*CANONICAL["Perjanjian"], ["Total", 5, None, None, None, None, None, None, None]]
    write_xlsx(tmp_path / "raw" / "t.xlsx", {**CANONICAL, "Perjanjian": ag})
    res = ingest(tmp_path / "raw")
    assert len(res.agreements) == 5
    assert res.quality[["row", "code"]].values.tolist() == [[7, "total_row"]]


# ------------------------------------------------------------------------ not read
def test_rows_of_sheets_not_read_are_counted_and_listed(tmp_path):
    sheets = {
        **CANONICAL,
        "Catatan Rapat": [["Catatan"], ["rapat 1"], [], ["rapat 2"]],
        "Tindak Lanjut Grafik": [["Tahun", "Jumlah"], [2022, 3], [2023, 4]],
    }
    write_xlsx(tmp_path / "raw" / "n.xlsx", sheets, hidden=("Catatan Rapat",))
    res = ingest(tmp_path / "raw")
    s = res.summary.set_index("sheet")
    assert s.loc["Catatan Rapat"].tolist()[1:] == [3, 0, 0, 0, 3]
    assert s.loc["Tindak Lanjut Grafik"].tolist()[1:] == [3, 0, 0, 0, 3]
    q = res.quality
    q = q.assign(problem_id=remark_texts(q, "id")).set_index("sheet")
    assert q.loc["Catatan Rapat", "problem"] == (
        "hidden sheet not part of the input format; not read (3 rows)"
    )
    assert q.loc["Tindak Lanjut Grafik", "code"] == "sheet_no_header"
    assert q.loc["Tindak Lanjut Grafik", "problem_id"] == (
        "nama lembar mirip 'Tindak Lanjut', tetapi tidak ada baris kepala kolom yang memuat "
        "kolomnya; tidak dibaca (3 baris)"
    )
    text = format_summary(res)
    assert "Sheets not read" in text
    assert "n.xlsx / Catatan Rapat: hidden sheet not part of the input format" in text
    assert "n.xlsx / Tindak Lanjut Grafik: the sheet name looks like" in text
    # Every row of every sheet of the workbook is in the summary.
    total = sum(len([r for r in rows[1:] if r]) for rows in CANONICAL.values()) + 3 + 3
    assert s["read"].sum() == total


def test_sheet_of_any_name_known_by_its_header(tmp_path):
    write_xlsx(
        tmp_path / "raw" / "x.xlsx",
        {"Sheet1": CANONICAL["Perjanjian"], "Sheet2": CANONICAL["Ruang Lingkup"],
         "Sheet3": CANONICAL["Tindak Lanjut"]},
    )  # fmt: skip
    res = ingest(tmp_path / "raw")
    _assert_same_tables(res, _canonical(tmp_path))
    q = res.quality
    assert q["code"].tolist() == ["sheet_by_headers"] * 3
    assert q["problem"].tolist() == [
        "sheet recognised as 'Perjanjian' by its header row",
        "sheet recognised as 'Ruang Lingkup' by its header row",
        "sheet recognised as 'Tindak Lanjut' by its header row",
    ]


# ------------------------------------------------------------------------ properties
_FRAGMENT = st.sampled_from([
    "Diklat CPMI", "Koordinasi", "Terlaksana", "Belum", "Proses", "(30 Mei 2022)", "14/03/2024",
    "(bulan depan)", ":", " - ", "; ", "\n", "1. ", "• ", "[Diklat]", "Rapat", "", "JUMLAH",
    "Pemberantasan Sindikasi", "Layanan Kesehatan", "(", ")",
])  # fmt: skip
_CELL = st.one_of(
    st.none(),
    st.lists(_FRAGMENT, max_size=8).map("".join),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.integers(-5, 5),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([r[0] for r in AGREEMENTS] + ["", "X/1", "JUMLAH"]),
            _CELL,
            _CELL,
            _CELL,
        ),
        max_size=6,
    ),
    split=st.lists(st.integers(0, 2), min_size=5, max_size=5),
)
def test_property_register_and_per_year_sheets_rows_add_up(tmp_path_factory, rows, split):
    """A register with dirty scope and follow-up cells, activities spread over per-year
    sheets: never a crash, every non-blank row of every sheet located, rows add up."""
    raw = tmp_path_factory.mktemp("layouts")
    register = [[*AG_HEADER, "Ruang Lingkup", "Tindak Lanjut"]]
    for aid, category, scopes, followups in rows:
        base = next((list(r) for r in AGREEMENTS if r[0] == aid), [aid, *AGREEMENTS[0][1:]])
        base[3] = category if isinstance(category, str) and category.strip() else base[3]
        register.append([*base, scopes, followups])
    acts = CANONICAL["Tindak Lanjut"][1:]
    sheets = {"Daftar NK": register, "Ruang Lingkup": CANONICAL["Ruang Lingkup"]}
    for i, name in enumerate(("Tindak Lanjut 2019-2021", "TL 2022", "Tindak Lanjut 2023")):
        sheets[name] = [ACT_HEADER, *[a for a, k in zip(acts, split, strict=True) if k == i]]
    write_xlsx(raw / "p.xlsx", sheets)
    try:
        res = ingest(raw)
    except InputError:
        return
    located = _accounted(res)
    for sheet, body in sheets.items():
        for i, row in enumerate(body[1:], start=2):
            if any(v not in (None, "") and str(v).strip() for v in row):
                assert ("p.xlsx", sheet, i) in located, (sheet, i, row)
    for table, df in res.tables.items():
        assert list(df.columns) == schema.TABLES[table]
    # The per-year sheets give every canonical activity of the agreements kept.
    kept = set(res.agreements["agreement_id"])
    acts_read = res.activities[res.activities["source_sheet"] != "Daftar NK"]
    assert sorted(zip(acts_read["agreement_id"], acts_read["description"], strict=True)) == (
        sorted((a[0], a[3]) for a in acts if a[0] in kept)
    )


def test_hidden_sheet_is_not_read_by_its_header_alone(tmp_path):
    # A hidden copy of 'Perjanjian' under another name (an old backup) is not read: only a
    # hidden sheet named as an input sheet is.
    sheets = {**CANONICAL, "Arsip 2020": CANONICAL["Perjanjian"]}
    write_xlsx(tmp_path / "raw" / "h.xlsx", sheets, hidden=("Arsip 2020",))
    res = ingest(tmp_path / "raw")
    _assert_same_tables(res, _canonical(tmp_path))
    assert _remarks(res) == [("Arsip 2020", -1, "hidden_sheet_not_read", "ignored")]
    s = res.summary.set_index("sheet")
    assert s.loc["Arsip 2020", "ignored"] == len(AGREEMENTS) + 1


def test_csv_of_any_name_known_by_its_header(tmp_path):
    raw = tmp_path / "raw"
    write_csv_sheet(raw / "export_siks.csv", CANONICAL["Perjanjian"])
    write_csv_sheet(raw / "Ruang Lingkup.csv", CANONICAL["Ruang Lingkup"])
    write_csv_sheet(raw / "Tindak Lanjut 2019-2024.csv", CANONICAL["Tindak Lanjut"])
    res = ingest(raw)
    _assert_same_tables(res, _canonical(tmp_path))
    assert _remarks(res) == [("export_siks", -1, "sheet_by_headers", "used")]
