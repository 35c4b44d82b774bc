"""Finding a known sheet, its header row and its data rows; title, numbering and total rows.

A sheet is known by its name (the longest run of its words naming one input sheet, the same
rule for sheets and CSV file names) or, under any name, by a header row naming the required
columns of one input sheet (:func:`_plan_sheet`). The header may span two rows (a group
header over sub-headers); the agreement-number column is chosen by content when several
could be it; merged cells down a column are filled down
(:mod:`~evaluation.ingest.layouts`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
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
from evaluation.ingest.layouts import choose_key_column, fill_merged_down, two_row_columns
from evaluation.ingest.quality import Count, QualityLog
from evaluation.ingest.reader import RawFile, RawSheet
from evaluation.vocab.loader import (
    ColumnSpec,
    SheetSpec,
    Vocabulary,
    match_key,
)


# --------------------------------------------------------------------------- sheets
def _name_match(vocab: Vocabulary, name: str) -> tuple[SheetSpec | None, bool]:
    """Sheet spec named by a sheet's (or CSV file's) name and whether the name is exactly a
    sheet name or alias. Otherwise the longest run of words naming exactly one sheet wins
    ("Tindak Lanjut 2019-2021", "TL 2022", "Ruang Lingkup (lanjutan)", "2024 - Tindak
    Lanjut"); two sheets named by runs of the same length name none."""
    spec = vocab.sheet_for(name)
    if spec is not None:
        return spec, True
    words = re.findall(r"[a-z]+|[0-9]+", _words_key(name))
    for size in range(len(words), 0, -1):
        found = {
            s.table: s
            for i in range(len(words) - size + 1)
            if (s := vocab.sheet_for(" ".join(words[i : i + size]))) is not None
        }
        if len(found) == 1:
            return next(iter(found.values())), False
        if len(found) > 1:
            return None, False
    return None, False


def _spec_for_sheet(vocab: Vocabulary, name: str, kind: str = "") -> SheetSpec | None:
    """Sheet spec named by a sheet name or CSV file stem (:func:`_name_match`; ``kind`` is
    kept for callers: sheets and CSV files follow one rule)."""
    return _name_match(vocab, name)[0]


def _words_key(text: str) -> str:
    """Lower-case, accent-folded text keeping word boundaries as spaces."""
    s = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in s if not unicodedata.combining(ch))


class _Header(NamedTuple):
    index: int  # index in sheet.rows of the (last) header row
    columns: dict[str, int]  # field -> index in the row
    complete: bool
    texts: tuple[str, ...] = ()  # each column's header as shown (two rows joined with " / ")
    first: int = -1  # index of the first header row (the same as index for one row)


def _with_register(spec: SheetSpec) -> SheetSpec:
    """``spec`` with the one-sheet register columns among its columns (agreements only)."""
    if not spec.register_columns:
        return spec
    return replace(spec, columns=spec.columns + spec.register_columns, register_columns=())


def _find_header(
    rows: list[list[object]], spec: SheetSpec, spans: dict[int, list[tuple[int, int]]] | None = None
) -> _Header | None:
    """The header row among the first rows: the one naming all required columns and the most
    columns (the first of equals). For each field a column spelled as the canonical header
    wins over an alias ("Nomor Perjanjian" over "Nomor"). Two rows (a group header over
    sub-headers, ``spans`` giving the merged column ranges of each row) are read as one
    header when that names more columns than either row. Returns the best partial header
    (``complete`` False) when none is complete, None when no header cell is found at all."""
    lookup = spec.header_lookup()
    canonical = {match_key(c.header) for c in spec.columns}
    required = {c.field for c in spec.required}
    spans = spans or {}
    best: _Header | None = None
    best_score: tuple = ()
    n = min(len(rows), HEADER_SEARCH_ROWS)

    def match(columns: list[tuple[tuple[str, ...], str]], index: int, first: int) -> None:
        nonlocal best, best_score
        found: dict[str, tuple[int, int]] = {}  # field -> (rank, column index)
        joined = False
        for j, (texts, _shown) in enumerate(columns):
            for t, text in enumerate(texts):
                key = _key(text)
                col = lookup.get(key) if key else None
                if col is None:
                    continue
                rank = 0 if key in canonical else 1
                if col.field not in found or rank < found[col.field][0]:
                    found[col.field] = (rank, j)
                    joined = joined or (len(texts) == 3 and t < 2)
                break
        if not found or (first != index and not joined):
            return
        cand = _Header(
            index,
            {f: j for f, (_, j) in found.items()},
            required <= found.keys(),
            tuple(shown for _, shown in columns),
            first,
        )
        score = (cand.complete, len(cand.columns), first == index)
        if best is None or score > best_score:
            best, best_score = cand, score

    for i in range(n):
        row = rows[i]
        match([((c,) if isinstance(c, str) else (), _shown(c)) for c in row], i, i)
        if i + 1 < n and any(isinstance(c, str) and c.strip() for c in rows[i + 1]):
            match(two_row_columns(row, rows[i + 1], spans.get(i, [])), i + 1, i)
    return best


def _shown(cell: object) -> str:
    return str(cell).strip() if not _is_blank(cell) else ""


def _row_spans(sheet: RawSheet) -> dict[int, list[tuple[int, int]]]:
    """Column ranges (indices in the rows) of the merged cells spanning columns, per row."""
    out: dict[int, list[tuple[int, int]]] = {}
    for r0, c0, _r1, c1 in sheet.merges:
        if c1 > c0:
            out.setdefault(r0 - (sheet.first_row - 1), []).append(
                (c0 - sheet.first_col, c1 - sheet.first_col)
            )
    return out


class _Plan(NamedTuple):
    """How a sheet is read. ``how``: ``name`` (named as an input sheet), ``headers`` (known
    by its header row), ``missing`` (named as one but its header lacks required columns:
    an input error), ``auxiliary`` (a help sheet) or ``skip`` (not read, ``why`` says so)."""

    how: str
    spec: SheetSpec | None = None
    header: _Header | None = None
    register: bool = False
    why: Note | None = None


#: Which kind of sheet a complete header makes of a sheet of any name, first wins.
_HEADER_PRIORITY = ("agreements", "activities", "scope_items")


def _plan_sheet(vocab: Vocabulary, sheet: RawSheet, aux_keys: set[str]) -> _Plan:
    """Decide how to read ``sheet`` (see :class:`_Plan`)."""
    spec, exact = _name_match(vocab, sheet.name)
    if spec is None and match_key(sheet.name) in aux_keys:
        return _Plan("auxiliary")
    spans = _row_spans(sheet)
    headers = {s.table: _find_header(sheet.rows, _with_register(s), spans) for s in vocab.sheets}
    if spec is not None:
        header = headers[spec.table]
        if header is not None and header.complete:
            return _Plan("name", spec, header, _is_register(header))
    if sheet.visible:
        named = {c.field for c in spec.required} if spec is not None else None
        for table in _HEADER_PRIORITY:
            header = headers[table]
            found = vocab.sheet_spec(table)
            # A sheet named for one kind is not read as a kind whose required columns are
            # a part of its own ('Tindak Lanjut' lacking 'Status' is not 'Ruang Lingkup').
            if named is not None and {c.field for c in found.required} <= named:
                continue
            if header is not None and header.complete:
                return _Plan("headers", found, header, _is_register(header))
    if spec is not None:
        header = headers[spec.table]
        if exact or (header is not None and "agreement_id" in header.columns):
            return _Plan("missing", spec, header)
        return _Plan(
            "skip",
            spec,
            why=Note(
                f"the sheet name looks like '{spec.name}' but no header row names its "
                "columns; not read",
                code="sheet_no_header",
                sheet=spec.name,
            ),
        )
    if sheet.visible:
        why = Note("sheet not part of the input format; not read", code="sheet_not_read")
    else:
        why = Note(
            "hidden sheet not part of the input format; not read", code="hidden_sheet_not_read"
        )
    return _Plan("skip", why=why)


def _is_register(header: _Header) -> bool:
    return "scopes" in header.columns or "followups" in header.columns


def _content_rows(sheet: RawSheet) -> list[int]:
    """Excel rows of a sheet that hold any content."""
    return [sheet.first_row + i for i, r in enumerate(sheet.rows) if not _row_blank(r)]


#: Remark codes of a sheet that is not read (one per sheet, its rows counted as ignored).
NOT_READ_CODES = frozenset(
    {"sheet_not_read", "hidden_sheet_not_read", "auxiliary_sheet_not_read", "sheet_no_header"}
)


def _log_not_read(log: QualityLog, fname: str, sheet: RawSheet, why: Note) -> None:
    """Account for a sheet that is not read: its rows with content count as ignored, and one
    remark names the sheet, the number of rows and why."""
    rows = _content_rows(sheet)
    log.register_sheet(fname, sheet.name)
    log.mark_rows(fname, sheet.name, rows, "ignored")
    params = {**why.params, "rows": Count(len(rows))}
    log.add(
        fname, sheet.name, None, "", "", f"{why} ({len(rows):,} rows)", "ignored",
        code=why.code, params=params,
    )  # fmt: skip


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


class _Total(NamedTuple):
    """A row the total-row rule would drop but whose agreement number may link: decided
    once every sheet is read (:func:`evaluation.ingest.pipeline._settle_totals`)."""

    record: _Record
    word: str


def _sheet_records(
    raw: RawFile,
    sheet: RawSheet,
    spec: SheetSpec,
    vocab: Vocabulary,
    log: QualityLog,
    header: _Header | None = None,
    *,
    on_row: Callable[[_Record, list[object]], None] | None = None,
    totals: list[_Total] | None = None,
) -> list[_Record]:
    """Data rows of a known sheet as records; header-level problems are logged.

    ``header`` is the sheet's header (found here when None). ``on_row`` is called with each
    record and its row (the one-sheet register reads its scopes and follow-ups there). A
    total row with an agreement number goes to ``totals`` when given (kept if the number
    links), else it is skipped.

    Raises
    ------
    InputError
        If the sheet has no header row naming all required columns.
    """
    fname, sname = raw.path.name, sheet.name
    if header is None:
        header = _find_header(sheet.rows, spec, _row_spans(sheet))
    if header is None or not header.complete:
        raise _missing_columns_error(raw, sheet, spec, header)
    hidx = header.index
    header_row = sheet.first_row + hidx
    log.register_sheet(fname, sname)
    first = header.first if header.first >= 0 else hidx
    if any(not _row_blank(r) for r in sheet.rows[:first]):
        log.add(
            fname, sname, header_row, "", "",
            f"title rows above the header (row {header_row}) skipped", "ignored",
            code="title_rows", params={"row": header_row},
        )  # fmt: skip
    texts = list(header.texts) or [_shown(c) for c in sheet.rows[hidx]]
    if first != hidx:
        shown = ", ".join(texts[j] for j in sorted(header.columns.values()) if " / " in texts[j])
        log.add(
            fname, sname, header_row, "", "",
            f"two header rows ({sheet.first_row + first} and {header_row}) read as one: "
            f"{shown}", "used",
            code="header_two_rows", params={"first": sheet.first_row + first,
                                            "row": header_row, "columns": shown},
        )  # fmt: skip
    start = hidx + 1
    columns = dict(header.columns)
    if "agreement_id" in columns:
        chosen, note, action = choose_key_column(
            sheet.rows, start, texts, columns["agreement_id"], spec, vocab
        )
        if note is not None:
            log.add(
                fname, sname, header_row, texts[chosen], "", str(note), action,
                code=note.code, params=note.params,
            )  # fmt: skip
        if chosen != columns["agreement_id"]:
            columns = {f: j for f, j in columns.items() if j != chosen}
            columns["agreement_id"] = chosen
        header = header._replace(columns=columns)
    headers = {f: texts[j] for f, j in header.columns.items()}
    _report_extra_columns(log, fname, sname, header_row, texts, header, spec, vocab)
    filled = fill_merged_down(sheet, start, set(header.columns.values()))

    # Columns as (row index, header key); the first one is tested on every row.
    header_keys = [(j, _key(texts[j])) for j in header.columns.values()]
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
    last = len(rows)
    while last > start and _row_blank(rows[last - 1]):
        last -= 1
    first_data_row = header_row + 1
    runs = long_blank_runs(rows, start, last)  # a long run of blank rows is one remark
    log.mark_rows(fname, sname, counted_rows(first_data_row, last - start, runs), "used")
    for f in filled:
        log.add(
            fname, sname, sheet.first_row + f.index, texts[f.col], f.value,
            f"merged cell filled down from row {f.source_row}", "fixed",
            code="merged_cell_filled", params={"row": f.source_row},
        )  # fmt: skip
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
        total = None
        if _may_be_total(agreement_id) and _is_total_row(row, agreement_id):
            total = next(c for c in row if isinstance(c, str) and c.strip())
            if totals is None or _is_blank(agreement_id):
                log.add(
                    fname, sname, excel_row, "", total, "total row skipped", "ignored",
                    code="total_row",
                )  # fmt: skip
                continue
        if n < width:
            cells = take([*row, *[None] * (width - n + 1)])
        else:
            cells = take([*row, None] if pad else row)
        rec = _Record(fname, sname, excel_row, table, cells, headers)
        if total is not None:
            totals.append(_Total(rec, total))
            continue
        append(rec)
        if on_row is not None:
            on_row(rec, row)
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
