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

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from . import config, schema
from .errors import InputError
from .parsing import Note, parse_date, parse_number
from .quality import Count, QualityLog
from .reader import RawFile, RawSheet, read_file
from .vocab import ColumnSpec, Section, SheetSpec, Vocabulary, load_vocabulary, match_key

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
_ACTIVITY_FIELDS = (
    "agreement_id", "scope", "activity_date", "description", "status", "outcome_type", "value",
    "evidence",
)  # fmt: skip


class SchemaViolation(RuntimeError):
    """The final tables break their schema: a bug in ingestion, not a problem of the input."""


@dataclass
class IngestResult:
    """What ingestion produced. Tables follow :mod:`evaluation.schema`.

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


@dataclass
class _Record:
    """One data row of a known sheet, with its raw cells by field."""

    file: str
    sheet: str
    row: int
    cells: dict[str, object]
    headers: dict[str, str]  # field -> header text as written in the file
    values: dict[str, object] = field(default_factory=dict)
    ok: bool = True


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
    """:func:`evaluation.vocab.match_key`, with a fast path for plain ASCII text."""
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

    header_keys = [(f, _key(header_cells[j])) for f, j in header.columns.items()]
    first_field, first_key = header_keys[0]
    field_cols = list(header.columns.items())
    body = sheet.rows[hidx + 1 :]
    last = len(body)
    while last > 0 and _row_blank(body[last - 1]):
        last -= 1
    records = []
    for k, row in enumerate(body[:last]):
        excel_row = header_row + 1 + k
        log.mark(fname, sname, excel_row, "used")
        if _row_blank(row):
            log.add(
                fname, sname, excel_row, "", "", "blank row skipped", "ignored",
                code="blank_row",
            )  # fmt: skip
            continue
        n = len(row)
        cells = {f: (row[j] if j < n else None) for f, j in field_cols}
        if k == 0 and _is_numbering_row(row):
            log.add(
                fname, sname, excel_row, "", "", "column numbering row skipped", "ignored",
                code="numbering_row",
            )  # fmt: skip
            continue
        if _key(cells[first_field]) == first_key and all(
            _key(cells[f]) == key for f, key in header_keys
        ):
            log.add(
                fname, sname, excel_row, "", "", "header repeated; row skipped", "ignored",
                code="header_repeated",
            )  # fmt: skip
            continue
        if _is_total_row(row, cells.get("agreement_id")):
            total = next(c for c in row if isinstance(c, str) and c.strip())
            log.add(
                fname, sname, excel_row, "", total, "total row skipped", "ignored",
                code="total_row",
            )  # fmt: skip
            continue
        records.append(_Record(fname, sname, excel_row, cells, headers))
    return records


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
        raw = self.rec.cells.get(fld)
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
        raw = self.rec.cells.get(fld)
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
        raw = self.rec.cells.get(fld)
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
def _agreements(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    term_years: int,
) -> list[_Record]:
    for rec in records:
        chk = _Row(rec, log, spec, labels)
        aid = chk.required_text("agreement_id")
        name = chk.required_text("partner_name")
        cat = chk.label("partner_category", vocab.partner_categories, required=True)
        province = None
        raw_prov = rec.cells.get("province")
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
        raw_doc = rec.cells.get("document_type")
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
                rec.cells.get("ends_on"),
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
                rec.cells.get("ends_on"),
                Note("end date is before the signing date", code="end_before_signing"),
                "quarantined",
            )
        rec.values = {
            "agreement_id": aid,
            "document_type": doc,
            "partner_name": name,
            "partner_category": cat,
            "province": province,
            "signed_on": signed,
            "ends_on": ends,
            "unit": chk.text("unit"),
            "notes": chk.text("notes"),
        }
    return records


def _dedupe_agreements(
    recs: list[_Record], log: QualityLog, spec: SheetSpec, labels: _Lookups
) -> dict[str, _Record]:
    """One record per agreement number (case and spacing ignored): identical repeats are
    ignored (kept once), differing ones are all quarantined with every location named."""
    groups: dict[str, list[_Record]] = {}
    for r in recs:
        if r.ok:
            groups.setdefault(_id_key(r.values["agreement_id"]), []).append(r)
    kept: dict[str, _Record] = {}
    headers = {c.field: c.header for c in spec.columns}
    for group in groups.values():
        first = group[0]
        if len(group) == 1:
            kept[first.values["agreement_id"]] = first
            continue
        differing = [
            f
            for f in _AGREEMENT_DETAILS
            if any(not _same(r.values[f], first.values[f]) for r in group[1:])
        ]
        if not differing:
            kept[first.values["agreement_id"]] = first
            for r in group[1:]:
                _Row(r, log, spec, labels).report(
                    "agreement_id",
                    r.values["agreement_id"],
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
            _Row(r, log, spec, labels).report(
                "agreement_id", r.values["agreement_id"], problem, "quarantined"
            )
    return kept


def _scope_items(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
) -> dict[tuple[str, str], _Record]:
    seen: dict[tuple[str, str], _Record] = {}
    for rec in records:
        chk = _Row(rec, log, spec, labels)
        aid = agreements.resolve(chk)
        scope = chk.label("scope", vocab.scopes, required=True)
        if not rec.ok:
            continue
        key = (aid, scope)
        if key in seen:
            first = seen[key]
            chk.report(
                "scope",
                rec.cells.get("scope"),
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
            continue
        rec.values = {"agreement_id": aid, "scope": scope}
        seen[key] = rec
    return seen


def _activities(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
    scope_seen: dict[tuple[str, str], _Record],
) -> list[_Record]:
    out = []
    seen: dict[tuple, _Record] = {}
    other = vocab.outcome_types.labels[-1]
    for rec in records:
        chk = _Row(rec, log, spec, labels)
        aid = agreements.resolve(chk)
        scope = chk.label("scope", vocab.scopes, required=True)
        status = chk.label("status", vocab.statuses, required=True)
        when = chk.date("activity_date", required=True)
        outcome = None
        raw_out = rec.cells.get("outcome_type")
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
        raw_val = rec.cells.get("value")
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
            continue
        if when < agreements.kept[aid].values["signed_on"]:
            chk.report(
                "activity_date",
                rec.cells.get("activity_date"),
                Note(
                    "activity dated before the agreement was signed",
                    code="activity_before_signing",
                ),
                "used",
            )
        rec.values = {
            "agreement_id": aid,
            "scope": scope,
            "activity_date": when,
            "description": desc,
            "status": status,
            "outcome_type": outcome,
            "value": value,
            "evidence": evidence,
        }
        key = tuple(rec.values[f] for f in _ACTIVITY_FIELDS)
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
            continue
        seen[key] = rec
        if (aid, scope) not in scope_seen:
            chk.report(
                "scope",
                rec.cells.get("scope"),
                Note(
                    "scope not listed for this agreement in 'Ruang Lingkup'; added as a scope item",
                    code="scope_added",
                ),
                "fixed",
            )
            implied = _Record(
                rec.file, rec.sheet, rec.row, {}, {}, {"agreement_id": aid, "scope": scope}
            )
            scope_seen[(aid, scope)] = implied
        out.append(rec)
    return out


def _frame(records: list[_Record], table: str) -> pd.DataFrame:
    """One table from its records, built column by column, with the schema's dtypes."""
    if not records:
        return schema.empty_table(table)
    cols = [c for c in schema.TABLES[table] if c not in schema.PROVENANCE]
    data: dict[str, list] = {c: [r.values.get(c) for r in records] for c in cols}
    data["source_file"] = [r.file for r in records]
    data["source_sheet"] = [r.sheet for r in records]
    data["source_row"] = [r.row for r in records]
    return schema.coerce(pd.DataFrame(data), table)


# --------------------------------------------------------------------------- last guard
@lru_cache(maxsize=4)
def _table_schemas(vocab: Vocabulary) -> dict:
    """The pandera schema of each processed table (built once per vocabulary)."""
    import pandera.pandas as pa

    text = pd.StringDtype()

    def col(dtype, *checks, nullable=False, unique=False):
        return pa.Column(dtype, list(checks), nullable=nullable, unique=unique)

    provenance = {
        "source_file": col(text, pa.Check.str_length(min_value=1)),
        "source_sheet": col(text),
        "source_row": col("int64", pa.Check.ge(1)),
    }
    scopes = pa.Check.isin(vocab.scopes.labels)
    columns = {
        "agreements": {
            "agreement_id": col(text, pa.Check.str_length(min_value=1), unique=True),
            "document_type": col(text, nullable=True),
            "partner_name": col(text, pa.Check.str_length(min_value=1)),
            "partner_category": col(text, pa.Check.isin(vocab.partner_categories.labels)),
            "province": col(text, pa.Check.isin(vocab.provinces.labels), nullable=True),
            "signed_on": col("datetime64[ns]"),
            "ends_on": col("datetime64[ns]"),
            "unit": col(text, nullable=True),
            "notes": col(text, nullable=True),
        },
        "scope_items": {"agreement_id": col(text), "scope": col(text, scopes)},
        "activities": {
            "agreement_id": col(text),
            "scope": col(text, scopes),
            "activity_date": col("datetime64[ns]"),
            "description": col(text, nullable=True),
            "status": col(text, pa.Check.isin(vocab.statuses.labels)),
            "outcome_type": col(text, pa.Check.isin(vocab.outcome_types.labels), nullable=True),
            "value": col("float64", nullable=True),
            "evidence": col(text, nullable=True),
        },
    }
    return {
        name: pa.DataFrameSchema(
            {**cols, **provenance},
            strict=True,
            ordered=True,
            unique=["agreement_id", "scope"] if name == "scope_items" else None,
        )
        for name, cols in columns.items()
    }


def validate_tables(tables: dict[str, pd.DataFrame], vocab: Vocabulary) -> None:
    """Check the final tables against their contract (pandera): columns in order, dtypes,
    canonical labels, unique keys, no missing keys, references between tables.

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
    import pandera.pandas as pa

    problems = []
    for name, checker in _table_schemas(vocab).items():
        df = tables[name]
        try:
            checker.validate(df, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases[["column", "check", "failure_case"]].head(5)
            problems.append(f"{name}: {cases.to_dict('records')}")
        if list(df.columns) != schema.TABLES[name]:
            problems.append(f"{name}: columns {list(df.columns)}")
    ids = set(tables["agreements"]["agreement_id"])
    for name in ("scope_items", "activities"):
        orphans = set(tables[name]["agreement_id"]) - ids
        if orphans:
            problems.append(f"{name}: agreement numbers without agreement {sorted(orphans)[:5]}")
    pairs = set(
        zip(tables["scope_items"]["agreement_id"], tables["scope_items"]["scope"], strict=True)
    )
    acts = set(
        zip(tables["activities"]["agreement_id"], tables["activities"]["scope"], strict=True)
    )
    if acts - pairs:
        problems.append(f"activities: scope items missing {sorted(acts - pairs)[:5]}")
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
    all_ids = {r.values["agreement_id"] for r in ag_recs if r.values.get("agreement_id")}
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


def _atomic_write(path: Path, writer: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """CSV, UTF-8, atomic, with text cells made inert against formula injection."""
    try:
        from .excel import write_csv as _safe_write_csv
    except ImportError:  # pragma: no cover - during bootstrap only
        _atomic_write(path, lambda t: df.to_csv(t, index=False))
        return
    _safe_write_csv(df, path)


def write_processed(result: IngestResult, out_dir: Path) -> list[Path]:
    """Write the tables (Parquet), ``data_quality.csv``, ``ingest_summary.csv`` and
    ``manifest.json`` into ``out_dir``. Each file is written to a temporary name and renamed
    into place; the manifest goes last, so a complete manifest means a complete set. The
    same result always gives byte-identical files (no timestamps are written)."""
    out_dir = Path(out_dir)
    written = []
    for name, df in result.tables.items():
        p = out_dir / f"{name}.parquet"
        _atomic_write(p, lambda t, df=df: df.to_parquet(t, index=False))
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
    _atomic_write(p, lambda t: t.write_text(text, encoding="utf-8"))
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
                f"  [{action}] {len(grp)} x {first['problem']} (first: {first['file']}, sheet '{first['sheet']}'{row})"
            )
        echo(f"  All {len(q)} remarks: {Path(out_dir) / 'data_quality.csv'}")
    if result.is_sample:
        echo("Note: the input is the bundled SYNTHETIC SAMPLE, not official data.")
    echo(f"Wrote {Path(out_dir)}/ (agreements, scope_items, activities .parquet; data_quality.csv)")
    return result
