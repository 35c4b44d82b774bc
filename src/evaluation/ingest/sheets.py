"""Finding a known sheet, its header row and its data rows; title, numbering and total rows."""

from __future__ import annotations

import re
import unicodedata
from operator import itemgetter
from typing import NamedTuple

from evaluation.errors import InputError
from evaluation.ingest.bounds import blank_run_note, body_offsets, counted_rows, long_blank_runs
from evaluation.ingest.cells import Note
from evaluation.ingest.common import (
    _FIELDS,
    _NUMBERING,
    _TOTAL_INITIALS,
    _TOTAL_WORDS,
    HEADER_SEARCH_ROWS,
    _is_blank,
    _key,
    _Record,
    _row_blank,
)
from evaluation.ingest.quality import QualityLog
from evaluation.ingest.reader import RawFile, RawSheet
from evaluation.vocab.loader import (
    ColumnSpec,
    SheetSpec,
    Vocabulary,
    match_key,
)


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
    runs = long_blank_runs(rows, start, last)  # a long run of blank rows is one remark
    log.mark_rows(fname, sname, counted_rows(first_data_row, last - start, runs), "used")
    records = []
    append = records.append
    for k in body_offsets(last - start, runs):
        row = rows[start + k]
        excel_row = first_data_row + k
        n = len(row)
        lead = row[0] if n else None
        # A row whose first cell is text starting with a visible character is not blank.
        if not (lead.__class__ is str and lead and not lead[0].isspace()) and _row_blank(row):
            if k in runs:
                note = blank_run_note(excel_row, runs[k])
                log.add(
                    fname, sname, excel_row, "", "", str(note), "ignored",
                    code=note.code, params=note.params,
                )  # fmt: skip
                continue
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
