"""Shared pieces of ingestion: limits, the result and record types, cell helpers and the
vocabulary lookups with their cache."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from evaluation.ingest import schema
from evaluation.ingest.cells import Note, parse_date, parse_number
from evaluation.ingest.quality import Count
from evaluation.vocab.loader import (
    Section,
    match_key,
)
from evaluation.vocab.matching import LabelMatch

#: Excel's limit for one cell; longer text is truncated and reported.
EXCEL_CELL_LIMIT = 32_767
#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 30
_TOTAL_WORDS = (
    "jumlah", "total", "grandtotal", "subtotal", "totalkeseluruhan", "jumlahseluruhnya",
    "jumlahkeseluruhan", "rekapitulasi",
)  # fmt: skip
_TOTAL_INITIALS = {w[0] for w in _TOTAL_WORDS}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Bidirectional controls (embeddings, overrides, isolates, marks): they reorder or hide
#: text on screen without being part of it.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Zero-width characters (spaces, joiners, word joiner, byte-order mark).
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
#: Every dash form an agreement number may be typed with (after NFKC).
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
#: A leading "No." / "Nomor:" written before an agreement number.
_ID_PREFIX = re.compile(r"^(?:nomor|no)\s*(?:[.:]\s*|\s+)(?=\S)")
_SPACES = re.compile(r"\s+")
_NUMBERING = re.compile(r"^\(?(\d{1,3})\)?\.?$")
#: Agreement-level fields compared when one agreement number appears twice.
_AGREEMENT_DETAILS = (
    "document_type", "partner_name", "partner_category", "province", "signed_on", "ends_on",
    "unit", "notes",
)  # fmt: skip
#: Columns of each table that come from the input cells (the table without provenance), in
#: order: a record's ``cells`` and ``values`` are tuples in this order.
_FIELDS = {
    name: tuple(
        c for c in cols if c not in schema.PROVENANCE and c not in schema.DERIVED.get(name, ())
    )
    for name, cols in schema.TABLES.items()
}
_POS = {name: {f: i for i, f in enumerate(fields)} for name, fields in _FIELDS.items()}
# The fast paths below build ``values`` tuples in this order.
if _FIELDS != {
    "agreements": (
        "agreement_id", "document_type", "partner_name", "partner_category", "province",
        "signed_on", "ends_on", "unit", "notes",
    ),
    "scope_items": ("agreement_id", "scope"),
    "activities": (
        "agreement_id", "scope", "activity_date", "description", "status", "outcome_type",
        "value", "evidence",
    ),
}:  # fmt: skip
    raise RuntimeError(
        "evaluation.ingest.schema changed the column order; update ingest's fast paths"
    )
_AG = _POS["agreements"]
_ACTIVITY_FIELDS = _FIELDS["activities"]
#: Marks a cell the fast path leaves to the general code (it needs a remark or a closer look).
_SLOW = object()


class SchemaViolation(RuntimeError):
    """The final tables break their schema: a bug in ingestion, not a problem of the input."""


@dataclass
class IngestResult:
    """What ingestion produced. Tables follow :mod:`evaluation.ingest.schema`.

    ``quality`` is the ``data_quality`` table; ``summary`` has one row per sheet read with
    columns file, sheet, read, used, fixed, quarantined, ignored; ``inputs`` lists each input
    file (file, sha256, bytes); ``is_sample`` is True for the bundled synthetic sample.
    """

    agreements: pd.DataFrame
    scope_items: pd.DataFrame
    activities: pd.DataFrame
    quality: pd.DataFrame
    summary: pd.DataFrame
    inputs: list[dict] = field(default_factory=list)
    is_sample: bool = False

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "agreements": self.agreements,
            "scope_items": self.scope_items,
            "activities": self.activities,
        }


@dataclass(slots=True)
class _Record:
    """One data row of a known sheet: its raw cells and, once read, its values.

    ``cells`` holds the raw cell of each field of ``table`` (:data:`_FIELDS`, ``None`` where
    the sheet has no such column) and ``values`` the parsed values in the same order.
    """

    file: str
    sheet: str
    row: int
    table: str
    cells: tuple
    headers: dict[str, str]  # field -> header text as written in the file
    values: tuple = ()
    ok: bool = True
    #: How an agreement's end date was obtained (:data:`evaluation.ingest.schema.ENDS_ON_BASES`).
    ends_on_basis: str = "stated"

    def cell(self, fld: str) -> object:
        """The raw cell of field ``fld`` (None if the sheet has no such column)."""
        return self.cells[_POS[self.table][fld]] if self.cells else None


# --------------------------------------------------------------------------- cell helpers
def _is_blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and not v.strip()


def _row_blank(row: list[object]) -> bool:
    """True if every cell of the row is empty (a loop: this runs once or twice per row)."""
    for c in row:
        if c is None or c == "":
            continue
        if isinstance(c, str):
            if c.strip():
                return False
        elif not (isinstance(c, float) and c != c):
            return False
    return True


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _key(text: object) -> str:
    """:func:`evaluation.vocab.loader.match_key`, with a fast path for plain ASCII text."""
    if isinstance(text, str) and text.isascii():
        return _NON_ALNUM.sub("", text.lower())
    return match_key(text)


def _clean_text(v: object) -> tuple[str | None, list[Note]]:
    """Text cell -> stripped single-spaced text, and notes on removed or truncated content."""
    if isinstance(v, str) and v.isascii() and v.isprintable() and len(v) <= EXCEL_CELL_LIMIT:
        s = v.strip()  # the common case: plain text, at most spaces to tidy
        if "  " in s:
            s = _SPACES.sub(" ", s)
        return (s or None), []
    if _is_blank(v):
        return None, []
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v)
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
    notes = []
    if _CONTROL.search(s):
        s = _CONTROL.sub("", s)
        notes.append(Note("control characters removed", code="control_chars"))
    if not s.isascii():
        if _BIDI.search(s):
            s = _BIDI.sub("", s)
            notes.append(Note("invisible text-direction characters removed", code="bidi_controls"))
        if _ZERO_WIDTH.search(s):
            s = _ZERO_WIDTH.sub("", s)
            notes.append(Note("zero-width characters removed", code="zero_width_chars"))
    s = _SPACES.sub(" ", s).strip()
    if len(s) > EXCEL_CELL_LIMIT:
        s = s[:EXCEL_CELL_LIMIT]
        notes.append(
            Note(
                f"text longer than {EXCEL_CELL_LIMIT:,} characters truncated",
                code="text_truncated",
                limit=Count(EXCEL_CELL_LIMIT),
            )
        )
    return (s or None), notes


def _id_key(agreement_id: str) -> str:
    """Key under which two spellings of one agreement number are the same agreement, as a
    person reads them: full-width forms folded (NFKC), every dash the same, invisible
    characters and all spaces dropped, case ignored, a leading "No." / "Nomor" dropped.

    >>> _id_key("No. ００１／BP2MI–PKS\u200b 2021") == _id_key("001/bp2mi-pks2021")
    True
    """
    s = agreement_id
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
        s = _DASHES.sub("-", _ZERO_WIDTH.sub("", _BIDI.sub("", s)))
    s = s.casefold().strip()
    if s[:2] == "no":
        s = _ID_PREFIX.sub("", s)
    return _SPACES.sub("", s)


def _has_hidden(text: str) -> bool:
    """True if ``text`` holds a control, text-direction or zero-width character."""
    if text.isascii():
        return not text.isprintable() and _CONTROL.search(text) is not None
    return any(p.search(text) for p in (_CONTROL, _BIDI, _ZERO_WIDTH))


def _same(a: object, b: object) -> bool:
    """Equality of parsed values where two missing values (None, NaN) are equal."""
    a_missing = a is None or (isinstance(a, float) and a != a)
    b_missing = b is None or (isinstance(b, float) and b != b)
    if a_missing or b_missing:
        return a_missing and b_missing
    return a == b


class _Lookups:
    """Labels, dates and numbers parsed once per distinct cell value (a big sheet repeats few
    spellings), so the work per row stays small."""

    def __init__(self) -> None:
        self._labels: dict[tuple[str, type, object], str | None] = {}
        self._dates: dict[tuple[type, object], tuple[date | None, str | None]] = {}
        self._numbers: dict[tuple[type, object], tuple[float | None, str | None]] = {}
        self._text_labels: dict[str, dict[str, str | None]] = {}
        self._matches: dict[tuple[str, type, object], LabelMatch | None] = {}

    def text_labels(self, section: Section) -> dict[str, str | None]:
        """The labels of ``section`` already looked up for text cells (raw text -> label or
        None); :meth:`text_label` fills it."""
        return self._text_labels.setdefault(section.name, {})

    def text_label(self, section: Section, raw: str) -> str | None:
        """Canonical label of a text cell, remembered in :meth:`text_labels`."""
        known = self.text_labels(section)
        try:
            return known[raw]
        except KeyError:
            # hidden characters are removed and reported by the checked path (None sends
            # the row there)
            label = known[raw] = None if _has_hidden(raw) else self.canonical(section, raw)
            return label

    def canonical(self, section: Section, raw: object) -> str | None:
        key = (section.name, type(raw), raw)
        try:
            return self._labels[key]
        except KeyError:
            label = self._labels[key] = section.canonical(raw)
            return label
        except TypeError:  # an unhashable value
            return section.canonical(raw)

    def match(self, section: Section, raw: object) -> LabelMatch | None:
        """:meth:`evaluation.vocab.loader.Section.match` of a cell that is no label or
        alias (by number, numbering, reported alias or keywords), remembered."""
        key = (section.name, type(raw), raw)
        try:
            return self._matches[key]
        except KeyError:
            found = self._matches[key] = section.match(raw)
            return found
        except TypeError:
            return section.match(raw)

    def date(self, raw: object) -> tuple[date | None, str | None]:
        key = (type(raw), raw)
        try:
            return self._dates[key]
        except KeyError:
            out = self._dates[key] = parse_date(raw)
            return out
        except TypeError:
            return parse_date(raw)

    def number(self, raw: object) -> tuple[float | None, str | None]:
        key = (type(raw), raw)
        try:
            return self._numbers[key]
        except KeyError:
            out = self._numbers[key] = parse_number(raw)
            return out
        except TypeError:
            return parse_number(raw)
