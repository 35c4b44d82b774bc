"""The data-quality log: entries, row fates, the per-sheet summary and value display."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.ingest.quality import VALUE_LIMIT, QualityLog, short_value
from evaluation.ingest.schema import DATA_QUALITY
from evaluation.presentation.remarks import remark_texts


def _log() -> QualityLog:
    log = QualityLog()
    log.register_sheet("a.xlsx", "Perjanjian")
    for row in (2, 3, 4, 5, 6):
        log.mark("a.xlsx", "Perjanjian", row, "used")
    log.add("a.xlsx", "Perjanjian", 3, "Provinsi", "Atlantis", "unknown province", "fixed")
    log.add("a.xlsx", "Perjanjian", 3, "Kategori Mitra", "?", "unknown category", "quarantined")
    log.add("a.xlsx", "Perjanjian", 3, "Keterangan", "x", "control characters removed", "fixed")
    log.add("a.xlsx", "Perjanjian", 4, "", "", "blank row skipped", "ignored")
    log.add("a.xlsx", "Perjanjian", 5, "Provinsi", None, "'Provinsi' is empty", "used")
    log.add("a.xlsx", "Perjanjian", 6, "Tanggal Berakhir", None, "assumed", "fixed")
    # A header-row remark and a sheet remark: not data rows, so not counted.
    log.add("a.xlsx", "Perjanjian", 1, "Kolom X", "", "column not read", "ignored")
    log.add("a.xlsx", "Arsip", None, "", "", "hidden sheet not read", "ignored")
    return log


def test_fate_is_the_most_severe_action():
    log = _log()
    assert log.fate("a.xlsx", "Perjanjian", 2) == "used"
    assert log.fate("a.xlsx", "Perjanjian", 3) == "quarantined"
    assert log.fate("a.xlsx", "Perjanjian", 4) == "ignored"
    assert log.fate("a.xlsx", "Perjanjian", 5) == "used"
    assert log.fate("a.xlsx", "Perjanjian", 6) == "fixed"
    assert log.fate("a.xlsx", "Perjanjian", 1) is None  # the header row is no data row


def test_summary_counts_data_rows_only_and_adds_up():
    s = _log().summary()
    assert s.columns.tolist() == [
        "file",
        "sheet",
        "read",
        "used",
        "fixed",
        "quarantined",
        "ignored",
    ]
    assert s.values.tolist() == [["a.xlsx", "Perjanjian", 5, 2, 1, 1, 1]]


def test_to_frame_columns_and_order():
    df = _log().to_frame()
    assert df.columns.tolist() == DATA_QUALITY
    assert str(df["row"].dtype) == "Int64"
    # Sorted by file, sheet, row; entries without a row first; ties in the order found.
    rows = [None if pd.isna(r) else int(r) for r in df["row"]]
    assert list(zip(df["sheet"], rows, strict=True)) == [
        ("Arsip", None),
        ("Perjanjian", 1),
        ("Perjanjian", 3),
        ("Perjanjian", 3),
        ("Perjanjian", 3),
        ("Perjanjian", 4),
        ("Perjanjian", 5),
        ("Perjanjian", 6),
    ]
    row3 = df[df["row"] == 3]["column"].tolist()
    assert row3 == ["Provinsi", "Kategori Mitra", "Keterangan"]


def test_empty_log():
    log = QualityLog()
    assert log.to_frame().columns.tolist() == DATA_QUALITY
    assert log.to_frame().empty and log.summary().empty


def test_unknown_action_rejected():
    log = QualityLog()
    with pytest.raises(ValueError, match="unknown action"):
        log.add("a", "b", 1, "c", "v", "p", "dropped")
    with pytest.raises(ValueError, match="unknown action"):
        log.mark("a", "b", 1, "kept")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (float("nan"), ""),
        (12.5, "12.5"),
        ("a\x07b\x00", "a\\x07b\\x00"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
    ],
)
def test_short_value(value, shown):
    assert short_value(value) == shown


def test_short_value_truncates():
    s = short_value("y" * 10_000)
    assert len(s) == VALUE_LIMIT and s.endswith("…")


def test_mark_rows_marks_a_range_and_keeps_the_most_severe():
    log = QualityLog()
    log.mark_rows("f", "s", range(2, 6), "used")
    assert [log.fate("f", "s", r) for r in range(1, 7)] == [
        None,
        "used",
        "used",
        "used",
        "used",
        None,
    ]
    log.add("f", "s", 3, "A", "x", "bad", "quarantined")
    log.mark_rows("f", "s", range(3, 5), "fixed")  # 3 stays quarantined, 4 becomes fixed
    assert [log.fate("f", "s", r) for r in (2, 3, 4, 5)] == ["used", "quarantined", "fixed", "used"]
    summary = log.summary().iloc[0]
    assert (summary["read"], summary["used"], summary["fixed"], summary["quarantined"]) == (
        4,
        2,
        1,
        1,
    )
    with pytest.raises(ValueError, match="unknown action"):
        log.mark_rows("f", "s", range(1), "kept")


def test_a_flood_of_one_remark_keeps_examples_and_counts_the_rest():
    from evaluation.ingest.quality import MAX_EXAMPLES

    log = QualityLog()
    n = MAX_EXAMPLES + 250
    log.mark_rows("a.xlsx", "Perjanjian", range(2, n + 2), "used")
    for row in range(2, n + 2):
        log.add("a.xlsx", "Perjanjian", row, "Nama Mitra", "", "'Nama Mitra' is empty; fill it in",
                "quarantined", code="required_empty", params={"column": "Nama Mitra"})  # fmt: skip
    assert len(log.entries) == MAX_EXAMPLES
    df = log.to_frame()
    assert len(df) == MAX_EXAMPLES + 1
    more = df[df["code"] == "more_remarks"].iloc[0]
    first = MAX_EXAMPLES + 2
    assert more["problem"] == (
        f"… and 250 more rows with the same remark (quarantined; rows {first}–{n + 1}); "
        "remark: 'Nama Mitra' is empty; fill it in"
    )
    # worded when shown, from the code and fields alone (the grouped remark nested in them)
    assert remark_texts(df[df["code"] == "more_remarks"], "id").iloc[0] == (
        f"… dan 250 baris lain dengan catatan yang sama (baris {first}–{n + 1}); "
        "catatan: 'Nama Mitra' kosong; harap diisi"
    )
    # Every row still has its fate: the summary adds up.
    assert log.summary().iloc[0][["read", "quarantined"]].tolist() == [n, n]
