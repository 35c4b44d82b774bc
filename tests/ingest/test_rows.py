"""The fast path of row reading is the checked path, only faster (a hypothesis property).

``ingest.rows._agreements`` and ``ingest.children._scope_items`` / ``_activities`` read a
row whose every cell is clean with a few dictionary lookups and hand anything else to the
cell-by-cell ``*_checked`` functions. For any row (clean, messy or broken), the two must
give the same values, the same verdict (kept or quarantined) and the same remarks: a row the
fast path keeps must be one the checked path keeps unchanged and without a remark.
"""

from __future__ import annotations

import copy
from dataclasses import astuple
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation import config
from evaluation.ingest.children import (
    _activities,
    _activity_checked,
    _scope_item_checked,
    _scope_items,
)
from evaluation.ingest.common import _FIELDS, _Lookups, _Record
from evaluation.ingest.quality import QualityLog
from evaluation.ingest.rows import _agreement_checked, _Agreements, _agreements
from evaluation.vocab.loader import load_vocabulary

VOCAB = load_vocabulary()
TERM = config.DEFAULT_TERM_YEARS
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _spellings(section: str) -> list[str]:
    """Labels and aliases of a vocabulary section, and a few variants of them."""
    out = []
    for term in VOCAB.section(section).terms:
        for s in (term.label, *(term.aliases or ())):
            out += [s, s.upper(), f"  {s} ", s.replace(" ", "  ")]
    return out


JUNK = st.sampled_from(["", " ", "-", "?", "Koperasi", "lain-lain", "x\x07y", "Ñame", "0"])
TEXT = st.one_of(
    st.none(),
    JUNK,
    st.text(alphabet=st.characters(codec="utf-8", max_codepoint=0x2FF), max_size=12),
    st.sampled_from(["Pemerintah Kota Batam", "  Dinas  Tenaga Kerja ", "Unit A", "catatan"]),
    st.integers(-5, 99_999),
)


def _label(section: str):
    return st.one_of(st.sampled_from(_spellings(section)), JUNK, st.none(), st.integers(0, 9))


DATES = st.dates(date(1995, 1, 1), date(2030, 12, 31))
DATE_CELL = st.one_of(
    st.none(),
    DATES,
    DATES.map(lambda d: datetime(d.year, d.month, d.day)),
    DATES.map(lambda d: d.strftime("%d/%m/%Y")),
    DATES.map(lambda d: f"{d.day} Maret {d.year}"),
    st.sampled_from(["segera", "14 Maretto 2024", "31/02/2024", "", "2024-03-14"]),
    st.integers(30_000, 50_000),  # Excel serial numbers
    st.floats(allow_nan=True, allow_infinity=False, width=32),
)
NUMBER_CELL = st.one_of(
    st.none(),
    st.integers(-10, 2_000_000_000),
    st.floats(allow_nan=True, allow_infinity=True, width=32),
    st.sampled_from(["Rp 1.500.000", "1,5", "satu juta", "", "150 orang", "1.500.000,00"]),
)

CLEAN_TEXT = st.one_of(
    st.none(), st.sampled_from(["Pemerintah Kota Batam", "Biro Perencanaan", "catatan  rapat"])
)


def _labels_of(section: str):
    """Spellings a clean row uses: labels and aliases as written in real files."""
    return st.sampled_from(
        [s for t in VOCAB.section(section).terms for s in (t.label, *(t.aliases or ()))]
    )


@st.composite
def _rows(draw, clean, messy):
    """A clean row with up to two cells replaced by messy ones (often none), so that both
    paths are exercised: most rows read cleanly, the rest hit one problem or two."""
    cells = list(draw(clean))
    for i in sorted(draw(st.sets(st.integers(0, len(cells) - 1), max_size=2))):
        cells[i] = draw(messy[i])
    return tuple(cells)


@st.composite
def _clean_agreement(draw):
    signed = draw(st.dates(date(2015, 1, 1), date(2024, 3, 14)))
    ends = draw(st.one_of(st.none(), st.dates(signed, date(2035, 12, 31))))
    return (
        draw(st.sampled_from(["NK.1/2022", "PKS.3/2023", "NK.7/2019"])),
        draw(st.one_of(st.none(), _labels_of("document_types"))),
        draw(st.sampled_from(["Pemerintah Kota Batam", "Universitas Mataram"])),
        draw(_labels_of("partner_categories")),
        draw(st.one_of(st.none(), _labels_of("provinces"))),
        signed,
        ends,
        draw(CLEAN_TEXT),
        draw(CLEAN_TEXT),
    )


AGREEMENT_ROW = _rows(
    _clean_agreement(),
    (
        TEXT | st.sampled_from([" NK.2/2022 ", "NK\x07.1"]),  # agreement_id
        _label("document_types"),
        TEXT,  # partner_name
        _label("partner_categories"),
        _label("provinces"),
        DATE_CELL,  # signed_on
        DATE_CELL,  # ends_on
        TEXT,  # unit
        TEXT,  # notes
    ),
)


def _record(table: str, cells: tuple, row: int) -> _Record:
    assert len(cells) == len(_FIELDS[table])
    return _Record("uji.xlsx", table, row, table, tuple(cells), {})


def _log_rows(log: QualityLog) -> list[tuple]:
    return [(*astuple(e)[:-1], sorted(e.params.items(), key=str)) for e in log.entries]


def _same_reading(fast: list[_Record], slow: list[_Record], log_fast, log_slow) -> None:
    assert [(r.ok, r.values) for r in fast] == [(r.ok, r.values) for r in slow]
    assert _log_rows(log_fast) == _log_rows(log_slow)


@SETTINGS
@given(cells=AGREEMENT_ROW)
def test_agreement_fast_path_equals_checked_path(cells):
    fast, slow = _record("agreements", cells, 2), _record("agreements", cells, 2)
    log_fast, log_slow = QualityLog(), QualityLog()
    spec = VOCAB.sheet_spec("agreements")
    _agreements([fast], VOCAB, log_fast, spec, _Lookups(), TERM)
    _agreement_checked(slow, VOCAB, log_slow, spec, _Lookups(), TERM)
    _same_reading([fast], [slow], log_fast, log_slow)


def _known_agreements() -> _Agreements:
    kept = {}
    for row, (aid, signed) in enumerate(
        [("NK.1/2022", date(2022, 1, 5)), ("PKS.3/2023", date(2023, 6, 1))], start=2
    ):
        rec = _record("agreements", (aid, None, "Mitra", "Pemerintah Daerah") + (None,) * 5, row)
        rec.values = (aid, None, "Mitra", "Pemerintah Daerah", None, signed, None, None, None)
        kept[aid] = rec
    return _Agreements(kept, {"NK.9/2020"})


AGREEMENT_REF = st.one_of(
    st.sampled_from(["NK.1/2022", "PKS.3/2023", " nk.1/2022", "NK. 1/2022", "NK.9/2020"]),
    st.sampled_from(["NK.404/2024", ""]),
    st.none(),
    st.integers(1, 5),
)
#: Scopes the clean rows use (few, so that repeats and unlisted scopes happen).
SCOPES = [t.label for t in VOCAB.scopes.terms][:3] + ["Diklat CPMI"]
CLEAN_SCOPE_ROW = st.tuples(st.sampled_from(["NK.1/2022", "PKS.3/2023"]), st.sampled_from(SCOPES))
SCOPE_ROWS = st.lists(
    _rows(CLEAN_SCOPE_ROW, (AGREEMENT_REF, _label("scopes"))), min_size=1, max_size=4
)


@SETTINGS
@given(rows=SCOPE_ROWS)
def test_scope_item_fast_path_equals_checked_path(rows):
    agreements = _known_agreements()
    spec = VOCAB.sheet_spec("scope_items")
    fast = [_record("scope_items", c, i) for i, c in enumerate(rows, start=2)]
    slow = [_record("scope_items", c, i) for i, c in enumerate(rows, start=2)]
    log_fast, log_slow = QualityLog(), QualityLog()
    seen_fast = _scope_items(fast, VOCAB, log_fast, spec, _Lookups(), agreements)
    seen_slow: dict = {}
    labels = _Lookups()
    for rec in slow:
        _scope_item_checked(rec, VOCAB, log_slow, spec, labels, agreements, seen_slow)
    _same_reading(fast, slow, log_fast, log_slow)
    assert list(seen_fast) == list(seen_slow)


CLEAN_ACTIVITY_ROW = st.tuples(
    st.just("NK.1/2022"),
    st.sampled_from(SCOPES),
    st.dates(date(2022, 1, 5), date(2024, 3, 14)),
    CLEAN_TEXT,  # description
    _labels_of("statuses"),
    st.one_of(st.none(), _labels_of("outcome_types")),
    st.one_of(st.none(), st.integers(0, 2_000_000_000), st.just(1.5)),
    CLEAN_TEXT,  # evidence
)
ACTIVITY_ROWS = st.lists(
    _rows(
        CLEAN_ACTIVITY_ROW,
        (
            AGREEMENT_REF,
            _label("scopes"),
            DATE_CELL,  # activity_date
            TEXT,  # description
            _label("statuses"),
            _label("outcome_types"),
            NUMBER_CELL,  # value
            TEXT,  # evidence
        ),
    ),
    min_size=1,
    max_size=4,
)


@SETTINGS
@given(rows=ACTIVITY_ROWS, listed=st.sets(st.sampled_from(SCOPES), max_size=4))
def test_activity_fast_path_equals_checked_path(rows, listed):
    agreements = _known_agreements()
    spec = VOCAB.sheet_spec("activities")
    scope_seen = {
        ("NK.1/2022", VOCAB.scopes.canonical(s)): _record("scope_items", ("NK.1/2022", s), 2)
        for s in sorted(listed)
    }
    fast = [_record("activities", c, i) for i, c in enumerate(rows, start=2)]
    slow = [_record("activities", c, i) for i, c in enumerate(rows, start=2)]
    log_fast, log_slow = QualityLog(), QualityLog()
    seen_fast_scopes, seen_slow_scopes = copy.copy(scope_seen), copy.copy(scope_seen)
    out_fast = _activities(fast, VOCAB, log_fast, spec, _Lookups(), agreements, seen_fast_scopes)
    out_slow: list = []
    seen: dict = {}
    labels = _Lookups()
    for rec in slow:
        _activity_checked(
            rec, VOCAB, log_slow, spec, labels, agreements, seen_slow_scopes, seen, out_slow
        )
    _same_reading(fast, slow, log_fast, log_slow)
    assert [r.row for r in out_fast] == [r.row for r in out_slow]
    assert list(seen_fast_scopes) == list(seen_slow_scopes)


def test_the_fast_path_is_really_taken():
    """Guard against a vacuous property: a clean row is read without the checked path."""
    import evaluation.ingest.rows as rows_module

    calls = []
    original = rows_module._agreement_checked
    rows_module._agreement_checked = lambda *a, **k: calls.append(a) or original(*a, **k)
    try:
        clean = _record(
            "agreements",
            ("NK.1/2022", "NK", "Pemerintah Kota Batam", "Pemkot", "Kepulauan Riau",
             date(2022, 1, 5), date(2027, 1, 4), "Biro", None),
            2,
        )  # fmt: skip
        messy = _record("agreements", clean.cells[:6] + (None, None, None), 3)
        _agreements([clean, messy], VOCAB, QualityLog(), VOCAB.sheet_spec("agreements"),
                    _Lookups(), TERM)  # fmt: skip
    finally:
        rows_module._agreement_checked = original
    assert [a[0].row for a in calls] == [3]  # only the row without an end date
    assert clean.values[3] == "Pemerintah Daerah" and clean.ok


# --------------------------------------------------------------------------- ends_on_basis
def test_ends_on_basis_records_how_each_end_date_was_obtained(tmp_path):
    """A real .xlsx register: each way of writing (or omitting) the end date gives its
    ``ends_on_basis``; an omitted one is the default term and carried to needs_assistance as
    ``ends_on_assumed``."""
    import pandas as pd

    from conftest import AG_HEADER, write_xlsx
    from evaluation.analysis import metrics
    from evaluation.analysis.inputs import Params
    from evaluation.ingest import ingest

    pd_ = "Pemerintah Daerah"
    cases = {  # agreement -> (end cell, expected basis, expected ends_on)
        "A1": (date(2026, 2, 28), "stated", "2026-02-28"),
        "A2": (None, "default_term", "2025-01-31"),  # 2020-02-01 + 5 y - 1 day
        "A3": ("Maret 2026", "month", "2026-03-31"),
        "A4": (2026, "year", "2026-12-31"),
        "A5": ("2019 s.d. 2025", "range", "2025-12-31"),
        "A6": ("5 (lima) tahun", "term", "2025-01-31"),
        "A7": ("Tidak terbatas", "open", None),
    }
    rows = [
        [aid, "Nota Kesepahaman", f"Pemkab {aid}", pd_, "Jawa Timur", date(2020, 2, 1), end]
        for aid, (end, _, _) in cases.items()
    ]
    write_xlsx(tmp_path / "raw" / "register.xlsx", {"Perjanjian": [AG_HEADER, *rows]})
    res = ingest(tmp_path / "raw")
    ag = res.agreements.set_index("agreement_id")
    assert ag["ends_on_basis"].dtype == "string"
    for aid, (_, basis, ends) in cases.items():
        assert ag.loc[aid, "ends_on_basis"] == basis, aid
        got = ag.loc[aid, "ends_on"]
        assert pd.isna(got) if ends is None else got == pd.Timestamp(ends), aid
    # The default-term end date is also a data-quality remark at that row.
    remark = res.quality[res.quality["code"] == "no_end_date"]
    assert remark["row"].astype(int).tolist() == [3]
    # needs_assistance marks the assumed end date (every agreement here lacks follow-up).
    params = Params(as_of="2024-12-01")
    na = metrics.needs_assistance(res.tables, params).set_index("agreement_id")
    assert na["ends_on_assumed"].dtype == bool
    assert na.index[na["ends_on_assumed"]].tolist() == ["A2"]
    assert na.loc["A2", "tier"] == 1  # ends 2025-01-31, within 6 months, nothing realised
    assert na.loc["A6", "ends_on_basis"] == "term" and not na.loc["A6", "ends_on_assumed"]
