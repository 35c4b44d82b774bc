"""Ingestion: analysts' workbooks in, typed and validated tables out.

``ingest(raw_dir)`` reads every input file, finds each known sheet and its header row,
normalises labels to the vocabulary, parses dates and numbers, checks keys across files, and
returns the three processed tables plus the data-quality log. Every data row read ends up in a
table or in the log (usually both for fixed rows); for each sheet
``read == used + fixed + quarantined + ignored``. A last guard checks the final tables against
their schema (:func:`validate_tables`). ``write_processed`` writes them (Parquet and CSV)
atomically; ``run_ingest`` does both and prints a per-sheet summary.

The work is linear in the number of rows: rows are plain Python lists, labels are looked up
in dictionaries (with a cache), and the DataFrames are built once per table at the end.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from evaluation import config
from evaluation.atomic import atomic_path
from evaluation.errors import InputError
from evaluation.ingest import schema
from evaluation.ingest.cells import Note, parse_date, parse_number
from evaluation.ingest.quality import Count, QualityLog
from evaluation.ingest.reader import RawFile, RawSheet, read_file
from evaluation.vocab.loader import (
    ColumnSpec,
    Section,
    SheetSpec,
    Vocabulary,
    load_vocabulary,
    match_key,
)

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
    name: tuple(c for c in cols if c not in schema.PROVENANCE)
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

    def cell(self, fld: str) -> object:
        """The raw cell of field ``fld`` (None if the sheet has no such column)."""
        return self.cells[_POS[self.table][fld]] if self.cells else None


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def list_inputs(raw_dir: Path) -> list[Path]:
    """Input files of ``raw_dir`` in a stable order (Excel lock files ``~$…`` skipped).

    Raises
    ------
    InputError
        If the folder does not exist or holds no input file.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(f"the input folder {raw_dir} does not exist.")
    files = sorted(
        p
        for p in raw_dir.iterdir()
        if p.is_file()
        and p.suffix.lower() in config.INPUT_SUFFIXES
        and not p.name.startswith(("~$", ".~lock", "."))
    )
    if not files:
        raise InputError(
            f"no workbook found in {raw_dir}. Put the agreement workbooks (.xlsx, .xlsm, .ods "
            "or .csv) there, or run 'evaluation template' for a blank one."
        )
    return files


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
    """Key under which two spellings of one agreement number are the same agreement."""
    return _SPACES.sub("", agreement_id).casefold()


def _same(a: object, b: object) -> bool:
    """Equality of parsed values where two missing values (None, NaN) are equal."""
    a_missing = a is None or (isinstance(a, float) and a != a)
    b_missing = b is None or (isinstance(b, float) and b != b)
    if a_missing or b_missing:
        return a_missing and b_missing
    return a == b


def _add_years(d: date, years: int) -> date:
    """``d`` plus ``years`` years (29 February becomes 28 February), like pandas DateOffset."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


class _Lookups:
    """Labels, dates and numbers parsed once per distinct cell value (a big sheet repeats few
    spellings), so the work per row stays small."""

    def __init__(self) -> None:
        self._labels: dict[tuple[str, type, object], str | None] = {}
        self._dates: dict[tuple[type, object], tuple[date | None, str | None]] = {}
        self._numbers: dict[tuple[type, object], tuple[float | None, str | None]] = {}
        self._text_labels: dict[str, dict[str, str | None]] = {}

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
            label = known[raw] = self.canonical(section, raw)
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


# --------------------------------------------------------------------------- sheets
def _spec_for_sheet(vocab: Vocabulary, name: str, kind: str) -> SheetSpec | None:
    """Sheet spec for a sheet name. A CSV file is one sheet named by its file stem, which
    may carry more words ("2024 - Tindak Lanjut"): the longest run of words naming exactly
    one sheet wins."""
    spec = vocab.sheet_for(name)
    if spec is not None or kind != "csv":
        return spec
    words = [w for w in re.split(r"[^0-9a-z]+", _words_key(name)) if w]
    for size in range(len(words), 0, -1):
        found = {
            s.table: s
            for i in range(len(words) - size + 1)
            if (s := vocab.sheet_for(" ".join(words[i : i + size]))) is not None
        }
        if len(found) == 1:
            return next(iter(found.values()))
        if len(found) > 1:
            return None
    return None


def _words_key(text: str) -> str:
    """Lower-case, accent-folded text keeping word boundaries as spaces."""
    s = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in s if not unicodedata.combining(ch))


class _Header(NamedTuple):
    index: int  # index in sheet.rows
    columns: dict[str, int]  # field -> index in the row
    complete: bool


def _find_header(rows: list[list[object]], spec: SheetSpec) -> _Header | None:
    """The header row among the first rows: the one naming all required columns and the most
    columns (the first of equals). For each field a column spelled as the canonical header
    wins over an alias ("Nomor Perjanjian" over "Nomor"). Returns the best partial header
    (``complete`` False) when none is complete, None when no header cell is found at all."""
    lookup = spec.header_lookup()
    canonical = {match_key(c.header) for c in spec.columns}
    required = {c.field for c in spec.required}
    best: _Header | None = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, tuple[int, int]] = {}  # field -> (rank, column index)
        for j, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            key = _key(cell)
            col = lookup.get(key)
            if col is None:
                continue
            rank = 0 if key in canonical else 1
            if col.field not in found or rank < found[col.field][0]:
                found[col.field] = (rank, j)
        if not found:
            continue
        cand = _Header(i, {f: j for f, (_, j) in found.items()}, required <= found.keys())
        if best is None or (cand.complete, len(cand.columns)) > (best.complete, len(best.columns)):
            best = cand
    return best


def _is_numbering_row(row: list[object]) -> bool:
    """A row numbering the columns under the header: 1, 2, 3 … or (1), (2), (3) …"""
    numbers = []
    for cell in row:
        if _is_blank(cell):
            continue
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            if cell != int(cell):
                return False
            numbers.append(int(cell))
            continue
        m = _NUMBERING.match(str(cell).strip())
        if not m:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _is_total_row(row: list[object], agreement_id: object) -> bool:
    """A JUMLAH / TOTAL row: one of its first texts starts with such a word and it has no
    agreement number (the number cell is empty, holds the word itself or a count)."""
    seen = 0
    for cell in row:
        if isinstance(cell, str) and cell.strip():
            if cell.lstrip()[:1].lower() in _TOTAL_INITIALS and _key(cell).startswith(_TOTAL_WORDS):
                break
            seen += 1
            if seen == 3:
                return False
    else:
        return False
    key_id = _key(agreement_id) if not _is_blank(agreement_id) else ""
    return not key_id or key_id.isdigit() or key_id.startswith(_TOTAL_WORDS)


def _missing_columns_error(
    raw: RawFile, sheet: RawSheet, spec: SheetSpec, header: _Header | None
) -> InputError:
    have = set(header.columns) if header else set()
    missing = [c.header for c in spec.required if c.field not in have]
    where = ""
    if header is not None:
        where = f" (the best header candidate, row {sheet.first_row + header.index}, lacks them)"
    return InputError(
        f"required column(s) {', '.join(repr(m) for m in missing)} not found in the first "
        f"{HEADER_SEARCH_ROWS} rows{where}. The header row must name: "
        f"{', '.join(c.header for c in spec.required)}.",
        file=raw.path.name,
        sheet=sheet.name,
        column=missing[0] if missing else None,
    )


def _sheet_records(
    raw: RawFile, sheet: RawSheet, spec: SheetSpec, vocab: Vocabulary, log: QualityLog
) -> list[_Record]:
    """Data rows of a known sheet as records; header-level problems are logged.

    Raises
    ------
    InputError
        If the sheet has no header row naming all required columns.
    """
    fname, sname = raw.path.name, sheet.name
    header = _find_header(sheet.rows, spec)
    if header is None or not header.complete:
        raise _missing_columns_error(raw, sheet, spec, header)
    hidx = header.index
    header_row = sheet.first_row + hidx
    log.register_sheet(fname, sname)
    if any(not _row_blank(r) for r in sheet.rows[:hidx]):
        log.add(
            fname, sname, header_row, "", "",
            f"title rows above the header (row {header_row}) skipped", "ignored",
            code="title_rows", params={"row": header_row},
        )  # fmt: skip
    header_cells = sheet.rows[hidx]
    headers = {f: str(header_cells[j]).strip() for f, j in header.columns.items()}
    _report_extra_columns(log, fname, sname, header_row, header_cells, header, spec, vocab)

    # Columns as (row index, header key); the first one is tested on every row.
    header_keys = [(j, _key(header_cells[j])) for j in header.columns.values()]
    first_col, first_key = header_keys[0]
    first_initial = first_key[:1]
    table = spec.table
    fields = _FIELDS[table]
    # The row index of each field of the table; a missing column reads the None appended at
    # the end of the row (index -1), a short row is padded.
    index = [header.columns.get(f, -1) for f in fields]
    width = max(index) + 1
    take = itemgetter(*index)
    pad = -1 in index
    id_col = header.columns.get("agreement_id")
    rows = sheet.rows
    start = hidx + 1
    last = len(rows)
    while last > start and _row_blank(rows[last - 1]):
        last -= 1
    first_data_row = header_row + 1
    log.mark_rows(fname, sname, range(first_data_row, first_data_row + last - start), "used")
    records = []
    append = records.append
    for k in range(last - start):
        row = rows[start + k]
        excel_row = first_data_row + k
        n = len(row)
        lead = row[0] if n else None
        # A row whose first cell is text starting with a visible character is not blank.
        if not (lead.__class__ is str and lead and not lead[0].isspace()) and _row_blank(row):
            log.add(
                fname, sname, excel_row, "", "", "blank row skipped", "ignored",
                code="blank_row",
            )  # fmt: skip
            continue
        if k == 0 and _is_numbering_row(row):
            log.add(
                fname, sname, excel_row, "", "", "column numbering row skipped", "ignored",
                code="numbering_row",
            )  # fmt: skip
            continue
        if _may_repeat_header(row[first_col] if first_col < n else None, first_initial) and all(
            _key(row[j] if j < n else None) == key for j, key in header_keys
        ):
            log.add(
                fname, sname, excel_row, "", "", "header repeated; row skipped", "ignored",
                code="header_repeated",
            )  # fmt: skip
            continue
        agreement_id = row[id_col] if id_col is not None and id_col < n else None
        if _may_be_total(agreement_id) and _is_total_row(row, agreement_id):
            total = next(c for c in row if isinstance(c, str) and c.strip())
            log.add(
                fname, sname, excel_row, "", total, "total row skipped", "ignored",
                code="total_row",
            )  # fmt: skip
            continue
        if n < width:
            cells = take([*row, *[None] * (width - n + 1)])
        else:
            cells = take([*row, None] if pad else row)
        append(_Record(fname, sname, excel_row, table, cells, headers))
    return records


def _may_repeat_header(cell: object, initial: str) -> bool:
    """False when ``cell`` surely does not key to a header starting with ``initial``: empty,
    or text whose first character is an ASCII letter or digit other than ``initial``."""
    if cell is None:
        return not initial
    if cell.__class__ is str and cell[:1].isascii() and cell[:1].isalnum():
        return cell[0].lower() == initial
    return True


def _may_be_total(agreement_id: object) -> bool:
    """False when an agreement number surely keeps a row from being a total row: text
    starting with an ASCII letter that begins no total word (its key then has a letter and
    starts with no total word, see :func:`_is_total_row`)."""
    if agreement_id.__class__ is str:
        c = agreement_id[:1]
        return not (c.isascii() and c.isalpha() and c.lower() not in _TOTAL_INITIALS)
    return True


def _report_extra_columns(
    log: QualityLog,
    fname: str,
    sname: str,
    header_row: int,
    header_cells: list[object],
    header: _Header,
    spec: SheetSpec,
    vocab: Vocabulary,
) -> None:
    """One remark per header cell that is not read (index columns such as "No" are silent)."""
    index_keys = {match_key(h) for h in vocab.index_headers}
    lookup = spec.header_lookup()
    used = set(header.columns.values())
    for j, cell in enumerate(header_cells):
        if j in used or _is_blank(cell):
            continue
        key = match_key(cell)
        if key in index_keys:
            continue
        col: ColumnSpec | None = lookup.get(key)
        if col is not None:
            read = str(header_cells[header.columns[col.field]]).strip()
            problem = Note(
                f"another column for '{col.header}'; column '{read}' was read, not this one",
                code="duplicate_column",
                header=col.header,
                read=read,
            )
        else:
            problem = Note("column not part of the input format; not read", code="unknown_column")
        log.add(
            fname, sname, header_row, str(cell).strip(), "", str(problem), "ignored",
            code=problem.code, params=problem.params,
        )  # fmt: skip


def _sample_marker(sheet: RawSheet) -> bool:
    for row in sheet.rows:
        if len(row) >= 2 and match_key(row[0]) == "dataset" and match_key(row[1]) == "sample":
            return True
    return False


# --------------------------------------------------------------------------- row checks
class _Row:
    """Reads the fields of one record, reporting every problem at its cell."""

    def __init__(self, rec: _Record, log: QualityLog, spec: SheetSpec, labels: _Lookups):
        self.rec, self.log, self.labels = rec, log, labels
        self.spec = spec

    def col(self, fld: str) -> str:
        """The column's header as written in the file (else the canonical header)."""
        if fld in self.rec.headers:
            return self.rec.headers[fld]
        for c in self.spec.columns:
            if c.field == fld:
                return c.header
        return fld

    def report(self, fld: str, value: object, problem: Note, action: str) -> None:
        """Log ``problem`` (English text with its message code) at this row's ``fld`` cell."""
        r = self.rec
        if action == "quarantined":
            r.ok = False
        self.log.add(
            r.file, r.sheet, r.row, self.col(fld) if fld else "", value, str(problem), action,
            code=problem.code, params=problem.params,
        )  # fmt: skip

    def text(self, fld: str) -> str | None:
        raw = self.rec.cell(fld)
        s, notes = _clean_text(raw)
        for n in notes:
            self.report(fld, raw, n, "fixed")
        return s

    def _empty(self, fld: str) -> Note:
        column = self.col(fld)
        return Note(f"'{column}' is empty; fill it in", code="required_empty", column=column)

    def required_text(self, fld: str) -> str | None:
        s = self.text(fld)
        if s is None:
            self.report(fld, None, self._empty(fld), "quarantined")
        return s

    def label(self, fld: str, section: Section, *, required: bool) -> str | None:
        raw = self.rec.cell(fld)
        if _is_blank(raw):
            if required:
                self.report(fld, raw, self._empty(fld), "quarantined")
            return None
        label = self.labels.canonical(section, raw)
        if label is None:
            shown, _ = _clean_text(raw)
            shown = (shown or "")[:60]
            column, labels = self.col(fld), ", ".join(section.labels)
            self.report(
                fld,
                raw,
                Note(
                    f"unknown {column} '{shown}'; use one of: {labels} "
                    "(or add an alias in vocabulary.toml)",
                    code="unknown_label",
                    column=column,
                    value=shown,
                    labels=labels,
                ),
                "quarantined",
            )
        return label

    def date(self, fld: str, *, required: bool) -> date | None:
        raw = self.rec.cell(fld)
        d, note = self.labels.date(raw)
        if d is None and required:
            if note:
                problem = Note(
                    f"{note}; fill in a date", code="date_unreadable_required", reason=note
                )
            else:
                column = self.col(fld)
                problem = Note(
                    f"'{column}' is empty; fill in a date", code="date_empty", column=column
                )
            self.report(fld, raw, problem, "quarantined")
        elif d is None and note:
            problem = Note(f"{note}; left empty", code="date_unreadable", reason=note)
            self.report(fld, raw, problem, "fixed")
        return d


class _Agreements:
    """Agreement numbers kept, with a lookup that forgives case and spacing."""

    def __init__(self, kept: dict[str, _Record], bad_ids: set[str]):
        self.kept = kept
        self.by_key = {_id_key(aid): aid for aid in kept}
        self.bad_keys = {_id_key(aid) for aid in bad_ids}

    def resolve(self, chk: _Row) -> str | None:
        """The kept agreement number a row refers to, or None (reported, quarantined)."""
        aid = chk.required_text("agreement_id")
        if aid is None:
            return None
        if aid in self.kept:
            return aid
        key = _id_key(aid)
        if key in self.by_key:
            canonical = self.by_key[key]
            chk.report(
                "agreement_id",
                aid,
                Note(
                    "agreement number written differently from its 'Perjanjian' row; read as "
                    f"'{canonical}'",
                    code="agreement_id_variant",
                    agreement_id=canonical,
                ),
                "fixed",
            )
            return canonical
        if key in self.bad_keys:
            problem = Note(
                "its agreement row is quarantined; fix that row first",
                code="agreement_quarantined",
            )
        else:
            problem = Note(
                "agreement number not found in any 'Perjanjian' sheet; check the number or "
                "add the agreement",
                code="agreement_not_found",
            )
        chk.report("agreement_id", aid, problem, "quarantined")
        return None


# --------------------------------------------------------------------------- tables
def _plain_text(v: object) -> object:
    """:func:`_clean_text` of a cell when it gives no note (the text, or None when empty);
    :data:`_SLOW` when it gives one."""
    if v.__class__ is str and v.isascii() and v.isprintable() and len(v) <= EXCEL_CELL_LIMIT:
        s = v.strip()
        if "  " in s:
            s = _SPACES.sub(" ", s)
        return s or None
    if v is None:
        return None
    s, notes = _clean_text(v)
    return _SLOW if notes else s


def _agreements(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    term_years: int,
) -> list[_Record]:
    """Read each agreement row (``values`` in the order of :data:`_FIELDS`). A row whose
    every cell reads cleanly takes the fast path; any other row is read by
    :func:`_agreement_checked`, which reports each problem at its cell."""
    categories, provinces, documents = (
        vocab.partner_categories,
        vocab.provinces,
        vocab.document_types,
    )
    category_map = labels.text_labels(categories)
    province_map = labels.text_labels(provinces)
    document_map = labels.text_labels(documents)
    needs_province = {t.label for t in categories.terms if t.requires_province}
    p = _AG
    i_id, i_doc, i_name, i_cat = (
        p["agreement_id"],
        p["document_type"],
        p["partner_name"],
        p["partner_category"],
    )
    i_prov, i_signed, i_ends, i_unit, i_notes = (
        p["province"],
        p["signed_on"],
        p["ends_on"],
        p["unit"],
        p["notes"],
    )
    date_of = labels.date
    for rec in records:
        c = rec.cells
        aid = _plain_text(c[i_id])
        name = _plain_text(c[i_name])
        raw_cat = c[i_cat]
        cat = category_map.get(raw_cat) if raw_cat.__class__ is str else None
        if cat is None and raw_cat.__class__ is str:
            cat = labels.text_label(categories, raw_cat)
        raw_prov = c[i_prov]
        if raw_prov is None or raw_prov == "":
            raw_prov = None
            province = None if cat not in needs_province else _SLOW
        elif raw_prov.__class__ is str:
            province = province_map.get(raw_prov) or labels.text_label(provinces, raw_prov)
        else:
            province = None
        raw_doc = c[i_doc]
        if raw_doc is None or raw_doc == "":
            raw_doc = doc = None
        elif raw_doc.__class__ is str:
            doc = document_map.get(raw_doc) or labels.text_label(documents, raw_doc)
        else:
            doc = None
        signed = date_of(c[i_signed])[0]
        ends = date_of(c[i_ends])[0]
        unit = _plain_text(c[i_unit])
        notes = _plain_text(c[i_notes])
        if (
            aid is None
            or aid is _SLOW
            or name is None
            or name is _SLOW
            or cat is None
            or province is _SLOW
            or (province is None and raw_prov is not None)
            or (doc is None and raw_doc is not None)
            or signed is None
            or ends is None
            or ends < signed
            or unit is _SLOW
            or notes is _SLOW
        ):
            _agreement_checked(rec, vocab, log, spec, labels, term_years)
            continue
        rec.values = (aid, doc, name, cat, province, signed, ends, unit, notes)
    return records


def _agreement_checked(
    rec: _Record,
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    term_years: int,
) -> None:
    """Read one agreement row cell by cell, reporting every problem."""
    chk = _Row(rec, log, spec, labels)
    aid = chk.required_text("agreement_id")
    name = chk.required_text("partner_name")
    cat = chk.label("partner_category", vocab.partner_categories, required=True)
    province = None
    raw_prov = rec.cell("province")
    if not _is_blank(raw_prov):
        province = labels.canonical(vocab.provinces, raw_prov)
        if province is None:
            shown = (_clean_text(raw_prov)[0] or "")[:60]
            chk.report(
                "province",
                raw_prov,
                Note(
                    f"unknown province '{shown}'; left empty",
                    code="unknown_province",
                    value=shown,
                ),
                "fixed",
            )
    elif cat is not None and vocab.partner_categories.term(cat).requires_province:
        column = chk.col("province")
        chk.report(
            "province",
            None,
            Note(
                f"'{column}' is empty (expected for {cat})",
                code="province_empty",
                column=column,
                category=cat,
            ),
            "used",
        )
    doc = None
    raw_doc = rec.cell("document_type")
    if not _is_blank(raw_doc):
        doc = labels.canonical(vocab.document_types, raw_doc)
        if doc is None:
            doc = chk.text("document_type")
            chk.report(
                "document_type",
                raw_doc,
                Note("unknown document type; kept as written", code="unknown_document_type"),
                "used",
            )
    signed = chk.date("signed_on", required=True)
    ends = chk.date("ends_on", required=False)
    if signed is not None and ends is None:
        ends = _add_years(signed, term_years) - timedelta(days=1)
        chk.report(
            "ends_on",
            rec.cell("ends_on"),
            Note(
                f"no end date; assumed {term_years} years after signing ({ends.isoformat()})",
                code="no_end_date",
                years=term_years,
                date=ends,
            ),
            "fixed",
        )
    if signed is not None and ends is not None and ends < signed:
        chk.report(
            "ends_on",
            rec.cell("ends_on"),
            Note("end date is before the signing date", code="end_before_signing"),
            "quarantined",
        )
    rec.values = (aid, doc, name, cat, province, signed, ends, chk.text("unit"), chk.text("notes"))


def _dedupe_agreements(
    recs: list[_Record], log: QualityLog, spec: SheetSpec, labels: _Lookups
) -> dict[str, _Record]:
    """One record per agreement number (case and spacing ignored): identical repeats are
    ignored (kept once), differing ones are all quarantined with every location named."""
    groups: dict[str, list[_Record]] = {}
    for r in recs:
        if r.ok:
            groups.setdefault(_id_key(r.values[0]), []).append(r)
    kept: dict[str, _Record] = {}
    headers = {c.field: c.header for c in spec.columns}
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            kept[first.values[0]] = first
            continue
        differing = [
            f
            for f in _AGREEMENT_DETAILS
            if any(not _same(r.values[_AG[f]], first.values[_AG[f]]) for r in group[1:])
        ]
        if not differing:
            kept[first.values[0]] = first
            for r in group[1:]:
                _Row(r, log, spec, labels).report(
                    "agreement_id",
                    r.values[0],
                    Note(
                        f"same agreement already listed in {first.file}, sheet '{first.sheet}', "
                        f"row {first.row}; kept once",
                        code="duplicate_agreement",
                        file=first.file,
                        sheet=first.sheet,
                        row=first.row,
                    ),
                    "ignored",
                )
            continue
        places = [
            Note(
                f"{r.file} sheet '{r.sheet}' row {r.row}",
                code="place",
                file=r.file,
                sheet=r.sheet,
                row=r.row,
            )
            for r in group
        ]
        names = ", ".join(headers[f] for f in differing)
        problem = Note(
            f"agreement number listed more than once with different details ({names}): "
            f"{'; '.join(places)}. Keep one version and delete the others",
            code="conflicting_agreement",
            columns=names,
            places=places,
        )
        for r in group:
            _Row(r, log, spec, labels).report("agreement_id", r.values[0], problem, "quarantined")
    return kept


def _scope_items(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
) -> dict[tuple[str, str], _Record]:
    """Scope items by (agreement number, scope); a clean row takes the fast path, any other
    is read by :func:`_scope_item_checked`."""
    seen: dict[tuple[str, str], _Record] = {}
    scopes = vocab.scopes
    scope_map = labels.text_labels(scopes)
    kept = agreements.kept
    p = _POS["scope_items"]
    i_id, i_scope = p["agreement_id"], p["scope"]
    for rec in records:
        c = rec.cells
        aid = _plain_text(c[i_id])
        raw = c[i_scope]
        scope = None
        if raw.__class__ is str:
            scope = scope_map.get(raw) or labels.text_label(scopes, raw)
        key = (aid, scope)
        if scope is None or aid not in kept or key in seen:
            _scope_item_checked(rec, vocab, log, spec, labels, agreements, seen)
            continue
        rec.values = key
        seen[key] = rec
    return seen


def _scope_item_checked(
    rec: _Record,
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
    seen: dict[tuple[str, str], _Record],
) -> None:
    """Read one scope row cell by cell, reporting every problem; add it to ``seen``."""
    chk = _Row(rec, log, spec, labels)
    aid = agreements.resolve(chk)
    scope = chk.label("scope", vocab.scopes, required=True)
    if not rec.ok:
        return
    key = (aid, scope)
    if key in seen:
        first = seen[key]
        chk.report(
            "scope",
            rec.cell("scope"),
            Note(
                f"scope listed twice for this agreement (first at {first.file}, sheet "
                f"'{first.sheet}', row {first.row}); kept once",
                code="duplicate_scope",
                file=first.file,
                sheet=first.sheet,
                row=first.row,
            ),
            "ignored",
        )
        return
    rec.values = key
    seen[key] = rec


def _activities(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
    scope_seen: dict[tuple[str, str], _Record],
) -> list[_Record]:
    """Activities kept (``values`` in the order of :data:`_FIELDS`); a clean row takes the
    fast path, any other is read by :func:`_activity_checked`."""
    out: list[_Record] = []
    seen: dict[tuple, _Record] = {}
    scopes, statuses, outcomes = vocab.scopes, vocab.statuses, vocab.outcome_types
    scope_map = labels.text_labels(scopes)
    status_map = labels.text_labels(statuses)
    outcome_map = labels.text_labels(outcomes)
    kept = agreements.kept
    i_signed = _AG["signed_on"]
    p = _POS["activities"]
    i_id, i_scope, i_date, i_desc = (
        p["agreement_id"],
        p["scope"],
        p["activity_date"],
        p["description"],
    )
    i_status, i_out, i_value, i_evidence = p["status"], p["outcome_type"], p["value"], p["evidence"]
    date_of, number_of = labels.date, labels.number
    for rec in records:
        c = rec.cells
        aid = _plain_text(c[i_id])
        raw = c[i_scope]
        scope = (
            (scope_map.get(raw) or labels.text_label(scopes, raw)) if raw.__class__ is str else None
        )
        raw = c[i_status]
        status = (
            (status_map.get(raw) or labels.text_label(statuses, raw))
            if raw.__class__ is str
            else None
        )
        when = date_of(c[i_date])[0]
        raw = c[i_out]
        if raw is None or raw == "":
            outcome = None
        elif raw.__class__ is str:
            outcome = outcome_map.get(raw) or labels.text_label(outcomes, raw) or _SLOW
        else:
            outcome = _SLOW
        raw = c[i_value]
        value = None if raw is None or raw == "" else number_of(raw)
        if value is not None:
            value = _SLOW if value[1] is not None else value[0]
        desc = _plain_text(c[i_desc])
        evidence = _plain_text(c[i_evidence])
        agreement = kept.get(aid)
        values = (aid, scope, when, desc, status, outcome, value, evidence)
        if (
            agreement is None
            or scope is None
            or status is None
            or when is None
            or outcome is _SLOW
            or value is _SLOW
            or desc is _SLOW
            or evidence is _SLOW
            or when < agreement.values[i_signed]
            or values in seen
            or (aid, scope) not in scope_seen
        ):
            _activity_checked(rec, vocab, log, spec, labels, agreements, scope_seen, seen, out)
            continue
        rec.values = values
        seen[values] = rec
        out.append(rec)
    return out


def _activity_checked(
    rec: _Record,
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
    scope_seen: dict[tuple[str, str], _Record],
    seen: dict[tuple, _Record],
    out: list[_Record],
) -> None:
    """Read one activity row cell by cell, reporting every problem; keep it in ``out``."""
    other = vocab.outcome_types.labels[-1]
    chk = _Row(rec, log, spec, labels)
    aid = agreements.resolve(chk)
    scope = chk.label("scope", vocab.scopes, required=True)
    status = chk.label("status", vocab.statuses, required=True)
    when = chk.date("activity_date", required=True)
    outcome = None
    raw_out = rec.cell("outcome_type")
    if not _is_blank(raw_out):
        outcome = labels.canonical(vocab.outcome_types, raw_out)
        if outcome is None:
            outcome = other
            chk.report(
                "outcome_type",
                raw_out,
                Note(
                    f"unknown outcome type; recorded as '{other}'",
                    code="unknown_outcome_type",
                    label=other,
                ),
                "fixed",
            )
    raw_val = rec.cell("value")
    value, note = labels.number(raw_val)
    if note:
        chk.report(
            "value",
            raw_val,
            Note(f"{note}; left empty", code="number_unreadable", reason=note),
            "fixed",
        )
    desc = chk.text("description")
    evidence = chk.text("evidence")
    if not rec.ok:
        return
    if when < agreements.kept[aid].values[_AG["signed_on"]]:
        chk.report(
            "activity_date",
            rec.cell("activity_date"),
            Note(
                "activity dated before the agreement was signed",
                code="activity_before_signing",
            ),
            "used",
        )
    rec.values = key = (aid, scope, when, desc, status, outcome, value, evidence)
    if key in seen:
        first = seen[key]
        chk.report(
            "agreement_id",
            aid,
            Note(
                f"same activity already listed in {first.file}, sheet '{first.sheet}', row "
                f"{first.row}; kept once",
                code="duplicate_activity",
                file=first.file,
                sheet=first.sheet,
                row=first.row,
            ),
            "ignored",
        )
        return
    seen[key] = rec
    if (aid, scope) not in scope_seen:
        chk.report(
            "scope",
            rec.cell("scope"),
            Note(
                "scope not listed for this agreement in 'Ruang Lingkup'; added as a scope item",
                code="scope_added",
            ),
            "fixed",
        )
        scope_seen[(aid, scope)] = _Record(
            rec.file, rec.sheet, rec.row, "scope_items", (), {}, (aid, scope)
        )
    out.append(rec)


def _frame(records: list[_Record], table: str) -> pd.DataFrame:
    """One table from its records, built column by column, with the schema's dtypes."""
    if not records:
        return schema.empty_table(table)
    columns = zip(*[r.values for r in records], strict=True)
    data: dict[str, object] = dict(zip(_FIELDS[table], map(list, columns), strict=True))
    data["source_file"] = [r.file for r in records]
    data["source_sheet"] = [r.sheet for r in records]
    data["source_row"] = [r.row for r in records]
    for name, values in data.items():
        if schema.dtype_for(name) == "string":
            data[name] = _text_array(values)
    return schema.coerce(pd.DataFrame(data), table)


def _text_array(values: list) -> object:
    """A text column as pandas ``string`` built by Arrow in one call (pandas' own conversion
    checks each element in Python); ``values`` unchanged if they are not all text or None."""
    import pyarrow as pa

    try:
        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return values


# --------------------------------------------------------------------------- last guard
#: Text columns that must not be empty strings.
_NON_EMPTY_TEXT = {"agreements": {"agreement_id", "partner_name"}}
_NULLABLE = {
    "agreements": {"document_type", "province", "unit", "notes"},
    "scope_items": set(),
    "activities": {"description", "outcome_type", "value", "evidence"},
}


@lru_cache(maxsize=4)
def _allowed_labels(vocab: Vocabulary) -> dict[str, dict[str, list[str]]]:
    """Per table, the columns holding vocabulary labels and the labels they may hold."""
    scopes = vocab.scopes.labels
    return {
        "agreements": {
            "partner_category": vocab.partner_categories.labels,
            "province": vocab.provinces.labels,
        },
        "scope_items": {"scope": scopes},
        "activities": {
            "scope": scopes,
            "status": vocab.statuses.labels,
            "outcome_type": vocab.outcome_types.labels,
        },
    }


def _shown(values: pd.Series) -> list:
    """Up to five distinct failing values, sorted, for a message."""
    return sorted(values.dropna().astype(str).unique().tolist())[:5]


def _table_problems(df: pd.DataFrame, name: str, vocab: Vocabulary) -> list[str]:
    """What breaks the contract of table ``name`` (column-wise, vectorised checks)."""
    problems = []
    columns = schema.TABLES[name]
    if list(df.columns) != columns:
        problems.append(f"{name}: columns {list(df.columns)}")
    allowed = _allowed_labels(vocab)[name]
    text = pd.StringDtype()
    for c in columns:
        if c not in df.columns:
            continue
        s = df[c]
        expected = schema.dtype_for(c)
        if not (s.dtype == text if expected == "string" else s.dtype == expected):
            problems.append(f"{name}.{c}: dtype {s.dtype}, expected {expected}")
            continue
        missing = s.isna()
        if c not in _NULLABLE[name] and missing.any():
            problems.append(f"{name}.{c}: {int(missing.sum())} missing values")
        if c in allowed:
            bad = s[~missing & ~s.isin(allowed[c])]
            if len(bad):
                problems.append(f"{name}.{c}: values not in the vocabulary {_shown(bad)}")
        if expected == "string" and (c in _NON_EMPTY_TEXT.get(name, ()) or c == "source_file"):
            if (s.str.len() < 1).any():
                problems.append(f"{name}.{c}: empty text")
        if c == "source_row" and (s < 1).any():
            problems.append(f"{name}.{c}: row numbers below 1")
    if name == "agreements" and "agreement_id" in df.columns:
        dup = df["agreement_id"][df["agreement_id"].duplicated()]
        if len(dup):
            problems.append(f"{name}.agreement_id: not unique {_shown(dup)}")
    if name == "scope_items" and {"agreement_id", "scope"} <= set(df.columns):
        if df.duplicated(["agreement_id", "scope"]).any():
            problems.append(f"{name}: (agreement_id, scope) not unique")
    return problems


def _isin(s: pd.Series, values: pd.Series) -> np.ndarray:
    """``s.isin(values)`` for text columns, computed by Arrow (pandas' ``isin`` on Arrow
    strings converts ``values`` one element at a time)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.is_in(
        pa.array(s.astype("string").array), value_set=pa.array(values.astype("string").array)
    )
    return found.to_numpy(zero_copy_only=False)


def _pair_keys(df: pd.DataFrame) -> pd.Series:
    """(agreement number, scope) of each row as one text key."""
    return df["agreement_id"].astype("string") + "\x1f" + df["scope"].astype("string")


def validate_tables(tables: dict[str, pd.DataFrame], vocab: Vocabulary) -> None:
    """Check the final tables against their contract: columns in order, dtypes, no missing
    values where none may be, canonical labels, non-empty keys, unique keys, references
    between tables. Every check is a vectorised pandas operation.

    Parameters
    ----------
    tables
        ``agreements``, ``scope_items``, ``activities`` as produced by :func:`ingest`.
    vocab
        The vocabulary the labels must come from.

    Raises
    ------
    SchemaViolation
        If any check fails. Ingestion guarantees these properties, so a failure is a bug in
        this module, never a problem of the analysts' files.
    """
    problems = []
    for name in schema.TABLES:
        problems += _table_problems(tables[name], name, vocab)
    agreements = tables["agreements"]["agreement_id"]
    for name in ("scope_items", "activities"):
        ids = tables[name]["agreement_id"]
        orphans = ids[~_isin(ids, agreements)]
        if len(orphans):
            problems.append(f"{name}: agreement numbers without agreement {_shown(orphans)}")
    acts, items = tables["activities"], tables["scope_items"]
    lost = ~_isin(_pair_keys(acts), _pair_keys(items))
    if lost.any():
        pairs = sorted(set(zip(acts["agreement_id"][lost], acts["scope"][lost], strict=True)))
        problems.append(f"activities: scope items missing {pairs[:5]}")
    if problems:
        raise SchemaViolation(
            "internal error: the ingested tables break their schema (a bug in ingestion, not "
            "in the input): " + "; ".join(problems)
        )


# --------------------------------------------------------------------------- entry points
def ingest(
    raw_dir: Path, vocab: Vocabulary | None = None, term_years: int | None = None
) -> IngestResult:
    """Read and validate every input file of ``raw_dir``.

    Parameters
    ----------
    raw_dir
        Folder of ``.xlsx`` / ``.xlsm`` / ``.ods`` / ``.csv`` files. Never modified.
    vocab
        Vocabulary; default the project's ``vocabulary.toml``.
    term_years
        Term assumed when an agreement has no end date (default 5 years).

    Returns
    -------
    IngestResult

    Raises
    ------
    InputError
        When input cannot be used at all: no input file, a file that is not a workbook or is
        unsafe, a known sheet without its required columns, no 'Perjanjian' sheet anywhere.
        All such problems of all files are reported together in one message.
    SchemaViolation
        If the final tables break their schema (a bug, see :func:`validate_tables`).
    """
    with _without_cyclic_gc():
        return _ingest(raw_dir, vocab, term_years)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees memory).

    Ingestion creates millions of small objects that live until it ends (cell values, rows,
    records) and no reference cycles; each full collection walks all of them again, which
    at national scale cost more than a fifth of the ingestion time. The collector's previous
    state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ingest(raw_dir: Path, vocab: Vocabulary | None, term_years: int | None) -> IngestResult:
    """:func:`ingest` itself."""
    vocab = vocab or load_vocabulary()
    term_years = config.DEFAULT_TERM_YEARS if term_years is None else term_years
    files = list_inputs(raw_dir)
    log = QualityLog()
    labels = _Lookups()
    fatal: list[InputError] = []
    by_table: dict[str, list[_Record]] = {"agreements": [], "scope_items": [], "activities": []}
    aux_keys = {match_key(n) for n in vocab.auxiliary_sheets}
    inputs = []
    is_sample = False
    agreement_sheets = 0
    unreadable = 0
    for path in files:
        inputs.append(
            {"file": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size}
        )
        kind = path.suffix.lower().lstrip(".")

        def wanted(name: str, kind: str = kind) -> bool:
            return _spec_for_sheet(vocab, name, kind) is not None or match_key(name) in aux_keys

        try:
            raw = read_file(path, wanted=wanted)
        except InputError as exc:
            fatal.append(exc)
            unreadable += 1
            continue
        known = 0
        for sheet in raw.sheets:
            spec = _spec_for_sheet(vocab, sheet.name, raw.kind)
            if spec is None:
                if match_key(sheet.name) in aux_keys:
                    is_sample = is_sample or _sample_marker(sheet)
                    continue
                if sheet.visible:
                    problem = Note(
                        "sheet not part of the input format; not read", code="sheet_not_read"
                    )
                else:
                    problem = Note(
                        "hidden sheet not part of the input format; not read",
                        code="hidden_sheet_not_read",
                    )
                log.add(
                    path.name,
                    sheet.name,
                    None,
                    "",
                    "",
                    str(problem),
                    "ignored",
                    code=problem.code,
                    params=problem.params,
                )
                continue
            known += 1
            if not sheet.visible:
                log.add(
                    path.name,
                    sheet.name,
                    None,
                    "",
                    "",
                    "hidden sheet; read because it is a known sheet",
                    "used",
                    code="hidden_sheet_read",
                )
            if spec.table == "agreements":
                agreement_sheets += 1
            try:
                by_table[spec.table].extend(_sheet_records(raw, sheet, spec, vocab, log))
            except InputError as exc:
                fatal.append(exc)
            sheet.rows = []  # the records hold the cells they need; free the row lists
        if known == 0:
            names = ", ".join(f"'{s.name}'" for s in raw.sheets) or "none"
            fatal.append(
                InputError(
                    f"no sheet named {', '.join(repr(s.name) for s in vocab.sheets)} found "
                    f"(sheets: {names}). Rename the sheets or use the template.",
                    file=path.name,
                )
            )
    if not agreement_sheets and not unreadable:
        fatal.append(
            InputError(
                "no 'Perjanjian' sheet found in any input file "
                f"({', '.join(p.name for p in files)}); agreements are required.",
                sheet=vocab.sheet_spec("agreements").name,
            )
        )
    if fatal:
        if len(fatal) == 1:
            raise fatal[0]
        msg = "\n  - ".join(str(e) for e in fatal)
        raise InputError(f"{len(fatal)} input problems stop the run:\n  - {msg}")

    ag_spec = vocab.sheet_spec("agreements")
    ag_recs = _agreements(by_table["agreements"], vocab, log, ag_spec, labels, term_years)
    kept = _dedupe_agreements(ag_recs, log, ag_spec, labels)
    all_ids = {r.values[0] for r in ag_recs if r.values[0]}
    known_ids = _Agreements(kept, all_ids - set(kept))
    scopes = _scope_items(
        by_table["scope_items"], vocab, log, vocab.sheet_spec("scope_items"), labels, known_ids
    )
    acts = _activities(
        by_table["activities"],
        vocab,
        log,
        vocab.sheet_spec("activities"),
        labels,
        known_ids,
        scopes,
    )
    tables = {
        "agreements": _frame(list(kept.values()), "agreements"),
        "scope_items": _frame(list(scopes.values()), "scope_items"),
        "activities": _frame(acts, "activities"),
    }
    validate_tables(tables, vocab)
    return IngestResult(
        **tables,
        quality=log.to_frame(),
        summary=log.summary(),
        inputs=inputs,
        is_sample=is_sample,
    )


def write_processed(result: IngestResult, out_dir: Path) -> list[Path]:
    """Write the tables (Parquet), ``data_quality.csv``, ``ingest_summary.csv`` and
    ``manifest.json`` into ``out_dir``. Each file is written to a temporary name and renamed
    into place; the manifest goes last, so a complete manifest means a complete set. The
    same result always gives byte-identical files (no timestamps are written)."""
    from evaluation.presentation.workbook import (
        write_csv,  # injection-safe CSV; openpyxl is only imported when writing
    )

    out_dir = Path(out_dir)
    written = []
    for name, df in result.tables.items():
        p = out_dir / f"{name}.parquet"
        with atomic_path(p) as tmp:
            df.to_parquet(tmp, index=False)
        written.append(p)
    for name, df in (("data_quality.csv", result.quality), ("ingest_summary.csv", result.summary)):
        p = out_dir / name
        write_csv(df, p)
        written.append(p)
    manifest = {
        "inputs": result.inputs,
        "is_sample": result.is_sample,
        "rows": {k: int(len(v)) for k, v in result.tables.items()},
        "quality_rows": int(len(result.quality)),
        "vocabulary_sha256": sha256_file(Path(load_vocabulary().path)),
    }
    p = out_dir / "manifest.json"
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    with atomic_path(p) as tmp:
        tmp.write_text(text, encoding="utf-8")
    written.append(p)
    return written


def load_processed(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the processed tables (and ``data_quality``, ``ingest_summary``) back.

    Raises
    ------
    InputError
        If a table is missing: run ``evaluation ingest`` first.
    """
    out_dir = Path(out_dir)
    tables = {}
    for name in schema.TABLES:
        p = out_dir / f"{name}.parquet"
        if not p.exists():
            raise InputError(f"processed table {p} is missing; run 'evaluation ingest' first.")
        tables[name] = schema.coerce(pd.read_parquet(p), name)
    dq = out_dir / "data_quality.csv"
    quality = (
        pd.read_csv(dq, dtype=str, keep_default_na=False)
        if dq.exists()
        else pd.DataFrame(columns=schema.DATA_QUALITY)
    )
    # A folder written before the code and problem_id columns existed: empty columns (the
    # report then shows the English problem).
    missing = [c for c in schema.DATA_QUALITY if c not in quality.columns]
    tables["data_quality"] = quality.assign(**dict.fromkeys(missing, "")) if missing else quality
    summ = out_dir / "ingest_summary.csv"
    tables["ingest_summary"] = pd.read_csv(summ) if summ.exists() else pd.DataFrame()
    return tables


def read_manifest(out_dir: Path) -> dict | None:
    """The ``manifest.json`` of an ingest output folder, or None if missing or unreadable."""
    p = Path(out_dir) / "manifest.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def is_up_to_date(raw_dir: Path, out_dir: Path) -> bool:
    """True when ``out_dir`` was ingested from exactly the current files of ``raw_dir``."""
    man = read_manifest(out_dir)
    if not man:
        return False
    try:
        files = list_inputs(raw_dir)
    except InputError:
        return False
    current = [{"file": p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size} for p in files]
    vocab_hash = sha256_file(Path(load_vocabulary().path))
    return (
        man.get("inputs") == current
        and man.get("vocabulary_sha256") == vocab_hash
        and all((Path(out_dir) / f"{t}.parquet").exists() for t in schema.TABLES)
        and _quality_columns(Path(out_dir) / "data_quality.csv") == schema.DATA_QUALITY
    )


def _quality_columns(path: Path) -> list[str] | None:
    """Header of a ``data_quality.csv`` (None if unreadable): an older layout means the
    folder must be ingested again."""
    try:
        return pd.read_csv(path, dtype=str, nrows=0).columns.tolist()
    except (OSError, ValueError):
        return None


def format_summary(result: IngestResult) -> str:
    """The per-sheet console summary: rows read = used + fixed + quarantined + ignored."""
    head = (
        f"{'file / sheet':<52} {'read':>7} {'used':>7} {'fixed':>7} {'quarant.':>8} {'ignored':>7}"
    )
    lines = [head]
    for r in result.summary.itertuples():
        label = f"{r.file} / {r.sheet}"
        if len(label) > 52:
            label = "…" + label[-51:]
        lines.append(
            f"{label:<52} {r.read:>7} {r.used:>7} {r.fixed:>7} {r.quarantined:>8} {r.ignored:>7}"
        )
    s = result.summary
    lines.append(
        f"{'total':<52} {s['read'].sum():>7} {s['used'].sum():>7} {s['fixed'].sum():>7} "
        f"{s['quarantined'].sum():>8} {s['ignored'].sum():>7}"
    )
    return "\n".join(lines)


def run_ingest(raw_dir: Path, out_dir: Path, echo: Callable[[str], None] = print) -> IngestResult:
    """Ingest ``raw_dir`` into ``out_dir`` and print the summary and the problems.

    Raises
    ------
    InputError
        As :func:`ingest`.
    """
    result = ingest(raw_dir)
    write_processed(result, out_dir)
    echo(format_summary(result))
    counts = result.agreements["partner_category"].value_counts()
    echo(
        f"Agreements: {len(result.agreements)} ("
        + ", ".join(f"{k}: {v}" for k, v in counts.items())
        + f"); scope items: {len(result.scope_items)}; activities: {len(result.activities)}"
    )
    q = result.quality
    if len(q):
        # Quarantined rows one by one (they are missing from the figures), up to 15 ...
        quarantined = q[q["action"] == "quarantined"]
        for r in quarantined.head(15).itertuples():
            row = "" if pd.isna(r.row) else f" row {r.row}"
            col = f" column '{r.column}'" if r.column else ""
            echo(f"  [quarantined] {r.file}, sheet '{r.sheet}'{row}{col}: {r.problem}")
        if len(quarantined) > 15:
            echo(f"  … and {len(quarantined) - 15} more quarantined rows")
        # ... other remarks grouped by kind (their code), with a count and the first location.
        rest = q[q["action"] != "quarantined"]
        kinds = rest["code"].where(
            rest["code"].fillna("") != "",
            rest["problem"].str.replace(r"'[^']*'|\([^)]*\)|\d[\d\-/.]*", "…", regex=True),
        )
        for (action, _kind), grp in rest.groupby([rest["action"], kinds], sort=False):
            first = grp.iloc[0]
            row = "" if pd.isna(first["row"]) else f" row {first['row']}"
            echo(
                f"  [{action}] {len(grp)} x {first['problem']} (first: {first['file']}, "
                f"sheet '{first['sheet']}'{row})"
            )
        echo(f"  All {len(q)} remarks: {Path(out_dir) / 'data_quality.csv'}")
    if result.is_sample:
        echo("Note: the input is the bundled SYNTHETIC SAMPLE, not official data.")
    echo(f"Wrote {Path(out_dir)}/ (agreements, scope_items, activities .parquet; data_quality.csv)")
    return result
