"""Dates and numbers as analysts type them (expected values computed by hand)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from evaluation.ingest.cells import parse_date, parse_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 3, 14), date(2024, 3, 14)),
        (datetime(2024, 3, 14, 10, 30), date(2024, 3, 14)),
        (45365, date(2024, 3, 14)),  # Excel serial typed as a number
        (45365.75, date(2024, 3, 14)),  # serial with a time of day
        ("45365", date(2024, 3, 14)),  # serial typed as text
        ("14 Maret 2024", date(2024, 3, 14)),
        ("3 Agu 2023", date(2023, 8, 3)),
        ("3 Agustus 2023", date(2023, 8, 3)),
        ("14-03-2024", date(2024, 3, 14)),
        ("14/03/2024", date(2024, 3, 14)),
        ("14/3/24", date(2024, 3, 14)),
        ("14.03.2024", date(2024, 3, 14)),
        ("2024-03-14", date(2024, 3, 14)),
        ("2024-03-14 00:00:00", date(2024, 3, 14)),
        ("Kamis, 14 Maret 2024", date(2024, 3, 14)),
        ("  14  MARET  2024 ", date(2024, 3, 14)),
        ("1 Nopember 2019", date(2019, 11, 1)),
        ("14 Mar. 2024", date(2024, 3, 14)),
        ("March 14, 2024", date(2024, 3, 14)),
        ("29 Februari 2024", date(2024, 2, 29)),
    ],
)
def test_parse_date_accepts(value, expected):
    assert parse_date(value) == (expected, None)


@pytest.mark.parametrize("value", [None, "", "   ", float("nan")])
def test_parse_date_empty(value):
    assert parse_date(value) == (None, None)


@pytest.mark.parametrize(
    ("value", "note"),
    [
        ("29 Februari 2023", "is not a valid date"),
        ("31/02/2024", "is not a valid day-month-year date"),
        ("03/14/2024", "is not a valid day-month-year date"),  # month-first is not read
        ("14 Maretto 2024", "unknown month name 'maretto'"),
        ("segera", "is not a date"),
        (12, "not a plausible Excel date"),
        (10**400, "not a plausible Excel date"),
        (True, "is not a date"),
        (time(10, 0), "is not a date"),
        ("x" * 50_000, "is not a date"),
    ],
)
def test_parse_date_rejects_with_note(value, note):
    d, got = parse_date(value)
    assert d is None
    assert note in got
    assert len(got) < 200  # a long cell is not copied into the note


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1500000, 1_500_000.0),
        (2.5, 2.5),
        ("Rp 1.500.000", 1_500_000.0),
        ("Rp. 1.500.000,-", 1_500_000.0),
        ("IDR 1,500,000", 1_500_000.0),
        ("1.500.000,50", 1_500_000.5),
        ("1,500,000.50", 1_500_000.5),
        ("2,5", 2.5),
        ("1.5", 1.5),
        ("1,5 miliar", 1_500_000_000.0),
        ("250 juta", 250_000_000.0),
        ("120 orang", 120.0),
        ("(1.000)", -1000.0),
        ("-2.500", -2500.0),
    ],
)
def test_parse_number_accepts(value, expected):
    assert parse_number(value) == (expected, None)


@pytest.mark.parametrize("value", [None, "", " ", "-", float("nan")])
def test_parse_number_empty(value):
    assert parse_number(value) == (None, None)


@pytest.mark.parametrize("value", ["banyak", "1e5", "12 apel", True, "9" * 400, "Rp", "1.2.3,4,5"])
def test_parse_number_rejects_with_note(value):
    number, note = parse_number(value)
    assert number is None
    assert note and len(note) < 200
