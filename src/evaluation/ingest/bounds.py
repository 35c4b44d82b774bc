"""Bounded cost on floods of blank rows: a long run of blank rows is one remark.

A sheet or CSV file may hold millions of blank rows between its data rows (a stray format
copied down, an export padded with empty lines). Each blank row used to be a data row read
and ignored with its own remark; now a run of at least :data:`LONG_BLANK_RUN` blank rows is
one remark (``blank_rows``, with its count and first and last row) and its rows are not
counted as data rows, so that time and memory follow the rows that hold something. Shorter
runs keep one ``blank_row`` remark per row. Used by :mod:`evaluation.ingest.sheets`.

Likewise a flood of junk rows (one stray cell each) is quarantined in one pass
(:func:`quarantine_junk_floods`), and the log stores at most
:data:`evaluation.ingest.quality.MAX_EXAMPLES` remarks of one kind row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, islice

from evaluation.ingest.cells import Note
from evaluation.ingest.common import _FIELDS, _is_blank
from evaluation.ingest.quality import Count, QualityLog

#: A run of at least this many blank rows is reported once, not row by row.
LONG_BLANK_RUN = 20


def long_blank_runs(rows: Sequence, start: int, stop: int) -> dict[int, int]:
    """Long runs of empty rows in ``rows[start:stop]``: offset from ``start`` -> length.

    The reader gives a blank row as an empty list or tuple (its empty cells trimmed), so a
    truth test per row finds them; other blank rows are reported one by one."""
    runs: dict[int, int] = {}
    run_start = None
    for i, row in enumerate(islice(rows, start, stop)):
        if not row:
            if run_start is None:
                run_start = i
            continue
        if run_start is not None and i - run_start >= LONG_BLANK_RUN:
            runs[run_start] = i - run_start
        run_start = None
    n = stop - start
    if run_start is not None and n - run_start >= LONG_BLANK_RUN:
        runs[run_start] = n - run_start
    return runs


def body_offsets(n: int, runs: dict[int, int]) -> Iterable[int]:
    """Offsets 0..n-1 to visit: a long blank run only at its first row."""
    if not runs:
        return range(n)
    parts, k = [], 0
    for first, length in sorted(runs.items()):
        parts.append(range(k, first + 1))
        k = first + length
    parts.append(range(k, n))
    return chain.from_iterable(parts)


def counted_rows(first_row: int, n: int, runs: dict[int, int]) -> Iterable[int]:
    """Excel rows of the body counted as data rows read (long blank runs left out)."""
    if not runs:
        return range(first_row, first_row + n)
    parts, k = [], 0
    for first, length in sorted(runs.items()):
        parts.append(range(first_row + k, first_row + first))
        k = first + length
    parts.append(range(first_row + k, first_row + n))
    return chain.from_iterable(parts)


def blank_run_note(first: int, length: int) -> Note:
    """The remark on a long run of blank rows starting at Excel row ``first``."""
    last = first + length - 1
    return Note(
        f"{length:,} blank rows in a row (rows {first}–{last}) skipped",
        code="blank_rows",
        count=Count(length),
        first=first,
        last=last,
    )


#: A sheet with at least this many junk rows (at most one input column filled) has them
#: quarantined in one pass, each with one remark, instead of row checks cell by cell.
JUNK_FLOOD = 1000


def quarantine_junk_floods(records: list, required: list[str], log: QualityLog) -> list:
    """``records`` without the junk rows of a flood, which are quarantined and reported.

    A junk row has at most one of the sheet's input columns filled while two or more are
    required: a stray cell filled down a million rows, say. Below :data:`JUNK_FLOOD` such
    rows the row checks report them as usual; from there on they are quarantined here with
    one remark each (grouped in the log beyond its examples), so that their cost stays a
    few microseconds a row. Rows with two required cells filled are never looked at twice.
    """
    if len(records) < JUNK_FLOOD or len(required) < 2:
        return records
    first = records[0]
    pos = {f: i for i, f in enumerate(_fields(first))}
    i0, i1 = pos[required[0]], pos[required[1]]
    junk = []
    for rec in records:
        c = rec.cells
        if c[i0] and c[i1]:  # the common case: two required cells filled
            continue
        if sum(1 for v in c if not _is_blank(v)) <= 1:
            junk.append(rec)
    if len(junk) < JUNK_FLOOD:
        return records
    count = Count(len(junk))
    fields = _fields(first)
    notes: dict[tuple, tuple[str, str, Note]] = {}  # a flood repeats few shapes of junk row
    add = log.add
    for rec in junk:
        filled = [i for i, v in enumerate(rec.cells) if not _is_blank(v)]
        shape = (rec.sheet, tuple(filled))
        known = notes.get(shape)
        if known is None:
            have = {fields[i] for i in filled}
            missing = ", ".join(rec.headers.get(f, f) for f in required if f not in have)
            column = rec.headers.get(fields[filled[0]], fields[filled[0]]) if filled else ""
            note = Note(
                f"junk row: at most one input column filled; the required columns {missing} "
                f"are empty (one of {count:,} such rows of this sheet: delete them or fill "
                "them in)",
                code="junk_row",
                missing=missing,
                count=count,
            )
            known = notes[shape] = (column, str(note), note)
        column, text, note = known
        add(
            rec.file, rec.sheet, rec.row, column, rec.cells[filled[0]] if filled else "",
            text, "quarantined", code=note.code, params=note.params,
        )  # fmt: skip
    dropped = {id(r) for r in junk}
    return [r for r in records if id(r) not in dropped]


def _fields(rec) -> tuple[str, ...]:
    return _FIELDS[rec.table]
