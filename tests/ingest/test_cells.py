"""End dates at the precision they are written, two-digit years, the one default-term rule,
and invisible characters in date cells; read from real workbooks where the remark matters.
Expected values are worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from conftest import AG_HEADER, SC_HEADER, write_xlsx
from evaluation.analysis import metrics as m
from evaluation.ingest import ingest
from evaluation.ingest.cells import default_end_date, parse_date, parse_end_date
from evaluation.presentation.remarks import remark_texts

SIGNED = date(2021, 3, 1)


# ------------------------------------------------------------------------------ the rule
def test_default_end_date_is_the_day_before_the_anniversary():
    assert default_end_date(date(2021, 3, 1), 5) == date(2026, 2, 28)
    assert default_end_date(date(2020, 2, 29), 1) == date(2021, 2, 27)  # 28 Feb - 1 day
    assert default_end_date(date(2024, 1, 1), 3) == date(2026, 12, 31)


# ------------------------------------------------------------------------------ parsing
@pytest.mark.parametrize(
    ("value", "on", "code"),
    [
        ("Maret 2024", date(2024, 3, 31), "end_date_month"),
        ("Feb 2024", date(2024, 2, 29), "end_date_month"),
        ("02/2023", date(2023, 2, 28), "end_date_month"),
        ("2024", date(2024, 12, 31), "end_date_year"),
        (2024, date(2024, 12, 31), "end_date_year"),  # a number in the cell
        ("Tahun 2025", date(2025, 12, 31), "end_date_year"),
        ("2019 s.d. 2024", date(2024, 12, 31), "end_date_range"),
        ("2019 s/d 2024", date(2024, 12, 31), "end_date_range"),
        ("2019 \u2013 2024", date(2024, 12, 31), "end_date_range"),  # en dash
        ("2019-2024", date(2024, 12, 31), "end_date_range"),
        ("1 Jan 2019 - 31 Des 2023", date(2023, 12, 31), "end_date_range"),
        ("Maret 2019 sampai dengan Maret 2024", date(2024, 3, 31), "end_date_range"),
        ("5 tahun", date(2026, 2, 28), "end_date_years"),
        ("5 (lima) tahun", date(2026, 2, 28), "end_date_years"),
        ("lima tahun", date(2026, 2, 28), "end_date_years"),
        ("3 Tahun sejak ditandatangani", date(2024, 2, 29), "end_date_years"),
        ("Berlaku 2 thn", date(2023, 2, 28), "end_date_years"),
        ("18 bulan", date(2022, 8, 31), "end_date_months"),
    ],
)
def test_end_date_forms_are_read_at_their_precision(value, on, code):
    end = parse_end_date(value, SIGNED)
    assert (end.on, end.open_ended, end.note) == (on, False, None)
    assert end.reading.code == code
    assert end.reading.params["date"] == on


@pytest.mark.parametrize(
    "value", ["Tidak terbatas", "TIDAK TERBATAS.", "tanpa batas waktu", "Selamanya"]
)
def test_open_end(value):
    end = parse_end_date(value, SIGNED)
    assert (end.on, end.open_ended, end.note) == (None, True, None)
    assert end.reading.code == "end_date_open"


@pytest.mark.parametrize(
    "value", [date(2024, 3, 14), "14 Maret 2024", "14-03-2024", "14/03/24", 45365]
)
def test_plain_dates_need_no_remark(value):
    assert parse_end_date(value, SIGNED) == parse_end_date(value, None)
    end = parse_end_date(value, SIGNED)
    assert (end.on, end.reading, end.note) == (date(2024, 3, 14), None, None)


@pytest.mark.parametrize(
    "value", ["5 (enam) tahun", "segera", "Maretto 2024", "0 tahun", "13/2024"]
)
def test_what_is_not_an_end_date(value):
    end = parse_end_date(value, SIGNED)
    assert (end.on, end.open_ended, end.reading) == (None, False, None)
    assert end.note is not None


def test_a_term_needs_the_signing_date():
    end = parse_end_date("5 tahun", None)
    assert (end.on, end.reading) == (None, None)
    assert end.note.code == "date_unrecognised"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("14-03-24", date(2024, 3, 14)), ("1/2/18", date(2018, 2, 1)), ("3 Mei 69", date(2069, 5, 3))],
)
def test_two_digit_years_in_the_window(value, expected):
    assert parse_date(value) == (expected, None)


@pytest.mark.parametrize("value", ["14-03-99", "1/1/85", "3 Mei 70"])
def test_two_digit_years_that_cannot_be_placed(value):
    d, note = parse_date(value)
    assert d is None
    assert note.code == "date_two_digit_year"
    assert note.params["year"] == value[-2:]


def test_invisible_characters_do_not_hide_a_date():
    assert parse_date("\u200e14/03/2024\u200f") == (date(2024, 3, 14), None)
    assert parse_date("\ufeff14 Maret 2024") == (date(2024, 3, 14), None)


# ------------------------------------------------------------------------------ a workbook
END_FORMS = [
    # id, end-date cell, expected ends_on (None: open-ended), expected remark code
    ("A1", "Maret 2024", date(2024, 3, 31), "end_date_month"),
    ("A2", 2024, date(2024, 12, 31), "end_date_year"),
    ("A3", "2019 s.d. 2024", date(2024, 12, 31), "end_date_range"),
    ("A4", "5 tahun", date(2026, 2, 28), "end_date_years"),
    ("A5", "5 (lima) tahun", date(2026, 2, 28), "end_date_years"),
    ("A6", "Tidak terbatas", None, "end_date_open"),
    ("A7", None, date(2026, 2, 28), "no_end_date"),
    ("A8", "14-03-24", date(2024, 3, 14), None),
]


@pytest.fixture(scope="module")
def end_dates(tmp_path_factory):
    raw = tmp_path_factory.mktemp("ends") / "raw"
    rows = [AG_HEADER]
    for aid, end, _, _ in END_FORMS:
        rows.append([aid, None, f"Bank {aid}", "Bank", None, SIGNED, end, None, None])
    rows.append(["A9", None, "Bank A9", "Bank", None, SIGNED, "01-01-99", None, None])
    scopes = [SC_HEADER, *[[r[0], "Pertukaran Data dan Informasi"] for r in END_FORMS]]
    write_xlsx(raw / "e.xlsx", {"Perjanjian": rows, "Ruang Lingkup": scopes})
    return ingest(raw)


def test_end_dates_in_a_workbook(end_dates):
    ag = end_dates.agreements.set_index("agreement_id")
    assert ag.index.tolist() == [r[0] for r in END_FORMS]  # A9 quarantined
    for aid, _, on, _ in END_FORMS:
        got = ag.loc[aid, "ends_on"]
        assert pd.isna(got) if on is None else got == pd.Timestamp(on), aid


def test_each_end_date_form_is_reported(end_dates):
    dq = end_dates.quality
    dq = dq.assign(problem_id=remark_texts(dq, "id"))  # worded as the report shows it
    dq = dq[dq["column"] == "Tanggal Berakhir"]
    got = {(int(r.row), r.code, r.action) for r in dq.itertuples()}
    expected = {(i + 2, code, "fixed") for i, (*_, code) in enumerate(END_FORMS) if code}
    expected.add((10, "date_two_digit_year", "quarantined"))
    assert got == expected
    one = dq[dq["code"] == "end_date_month"].iloc[0]
    assert one["value"] == "Maret 2024"
    assert (
        one["problem"] == "end date 'Maret 2024' names a month; read as its last day (2024-03-31)"
    )
    assert one["problem_id"] == (
        "tanggal berakhir 'Maret 2024' berupa bulan; dibaca sebagai hari terakhirnya "
        "(31 Maret 2024)"
    )
    open_end = dq[dq["code"] == "end_date_open"].iloc[0]
    assert open_end["problem_id"] == (
        "tanggal berakhir 'Tidak terbatas': perjanjian tidak berbatas waktu; dihitung sebagai "
        "masih berlaku"
    )
    years = dq[dq["row"] == 5].iloc[0]  # A4
    assert years["problem_id"] == (
        "tanggal berakhir '5 tahun' berupa jangka waktu 5 tahun; dibaca sebagai 5 tahun sejak "
        "penandatanganan (28 Februari 2026)"
    )
    assert dq[dq["row"] == 10].iloc[0]["problem"] == (
        "two-digit year '99' in '01-01-99' is ambiguous; write the year in full (e.g. 2024)"
    )


def test_open_ended_agreement_stays_active_in_the_analysis(end_dates):
    tables = (end_dates.agreements, end_dates.scope_items, end_dates.activities)
    far = m.Params(as_of=date(2040, 1, 1))
    s = m.agreement_summary(tables, far).set_index("agreement_id")
    assert s.index[s["active"]].tolist() == ["A6"]
    assert m.ending_soon(tables, far).empty
    near = m.Params(as_of=date(2025, 12, 1))  # A4, A5, A7 end 28 Feb 2026: ending soon
    assert sorted(m.ending_soon(tables, near)["agreement_id"]) == ["A4", "A5", "A7"]
    assert s.loc["A6", "active"] and pd.isna(s.loc["A6", "ends_on"])
