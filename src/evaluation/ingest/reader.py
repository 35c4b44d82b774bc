"""Reading input files into plain rows, safely.

One concern: turn a file (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``, ``.csv``) into sheets of cell values
with their Excel row numbers. :func:`check_file` (:mod:`evaluation.ingest.safety`) first
refuses files that are not workbooks or that would cost unbounded time or memory; only then
does python-calamine read the cell values (formulas are never evaluated, macros in ``.xlsm``
never run). Interpretation of the rows (headers, labels, dates) lives in
:mod:`evaluation.ingest.sheets` and the modules after it.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from evaluation.errors import InputError
from evaluation.ingest import xlsx_scan
from evaluation.ingest.cell_errors import apply_findings, mark_error_text, might_hold_error_text
from evaluation.ingest.safety import _damaged, _encrypted, check_file, inspect_file

__all__ = ["RawFile", "RawSheet", "check_file", "column_letters", "read_file"]


@dataclass
class RawSheet:
    """Cell values of one sheet.

    ``rows[i]`` is Excel row ``first_row + i``; ``first_col`` is the 0-based column index of
    ``rows[i][0]``. Empty cells are ``None`` or ``""``. ``loaded`` is False for a sheet whose
    cells were not requested (its ``rows`` are then empty). ``merges`` lists the merged cell
    ranges as ``(first_row, first_col, last_row, last_col)``, 0-based and absolute (Excel row
    ``first_row + 1``), for ``.xlsx``/``.xlsm`` and ``.ods`` (empty for CSV and ``.xls``).
    ``cell_errors`` counts the cells that are an Excel error or a formula without a stored
    value (:class:`~evaluation.ingest.cell_errors.CellError`, read as empty but reported).
    """

    name: str
    visible: bool
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 0
    loaded: bool = True
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    cell_errors: int = 0


@dataclass
class RawFile:
    """One input file: its path, kind (``xlsx``, ``xlsm``, ``xls``, ``ods``, ``csv``) and sheets."""

    path: Path
    sheets: list[RawSheet] = field(default_factory=list)
    kind: str = "xlsx"


def column_letters(index: int) -> str:
    """Excel column letters of a 0-based column index (0 -> ``A``, 27 -> ``AB``)."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _decode_text(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", "replace")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _read_csv(path: Path) -> RawFile:
    """One sheet named by the file stem: ``Perjanjian.csv`` holds sheet ``Perjanjian``.

    Raises
    ------
    InputError
        If the text cannot be split into rows (for instance a field over 128 KiB).
    """
    try:
        text = _decode_text(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}).", file=path.name) from None
    sample = text[:8192]
    try:
        delim = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in (",", ";", "\t")}
        delim = max(counts, key=lambda d: (counts[d], d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        rows = _csv_rows(reader)
    except csv.Error as exc:
        raise InputError(
            f"the CSV text cannot be read ({exc}); save it again from Excel as 'CSV UTF-8'.",
            file=path.name,
            row=reader.line_num or None,
        ) from None
    sheet = RawSheet(name=path.stem, visible=True, rows=rows)
    if might_hold_error_text(text):
        sheet.cell_errors = mark_error_text(rows)
    return RawFile(path=path, kind="csv", sheets=[sheet])


#: The one object standing for every blank row of a long run in a CSV file (a tuple, so that
#: nothing can write into it): ten million blank lines cost ten million pointers, not lists.
BLANK_ROW: tuple = ()


def _csv_rows(reader) -> list[list[object]]:
    """The rows of a CSV reader; blank rows are :data:`BLANK_ROW` and trailing blank rows
    are dropped, so that memory follows the rows holding text.

    Raises
    ------
    csv.Error
        If the text cannot be split into rows.
    """
    rows: list[list[object]] = []
    append = rows.append
    pending = 0  # blank rows seen since the last row with text
    for r in reader:
        if not any(r) or not "".join(r).strip():
            pending += 1
            continue
        if pending:
            rows.extend([BLANK_ROW] * pending)
            pending = 0
        append(r)
    return rows


#: Sheets at most this many columns wide are read in one call; wider ones row by row with
#: their trailing empty cells trimmed.
_NARROW = 64


def _trimmed_rows(sheet, first_row: int) -> list[list[object]]:
    """A calamine sheet's rows from its first used row (0-based ``first_row``); a blank row
    is an empty list and trailing blank rows are dropped. A wide sheet's rows lose their
    trailing empty cells, so that a sparse sheet (one stray cell far right or far down)
    costs what its cells hold, not its whole rectangle.

    ``iter_rows`` yields the rows above the first used one too (python-calamine 0.9), so
    those are skipped.
    """
    if sheet.width <= _NARROW:
        width = sheet.width
        rows = [r if r.count("") != width else [] for r in sheet.to_python(skip_empty_area=True)]
    else:
        rows = []
        append = rows.append
        it = sheet.iter_rows()
        if first_row:
            it = islice(it, first_row, None)
        for row in it:
            n = len(row)
            if n and row[-1] == "":
                if row.count("") == n:
                    row = []
                else:
                    while row[n - 1] == "":
                        n -= 1
                    del row[n:]
            append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _is_calamine_failure(exc: BaseException) -> bool:
    """Errors from the Rust parser, including a Rust panic (a BaseException in Python)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def read_file(path: Path, wanted: Callable[[str], bool] | None = None) -> RawFile:
    """Read the sheets of an input file, after :func:`check_file` accepted it.

    Parameters
    ----------
    path
        ``.xlsx``, ``.xlsm`` (macros are never run: only cell values are read), ``.xls``, ``.ods`` or
        ``.csv``.
    wanted
        Which sheets (by name) to load cells for; others are listed with ``loaded=False``.
        Default: all.

    Returns
    -------
    RawFile

    Raises
    ------
    InputError
        Empty, damaged, or not a workbook.
    UnsafeFileError
        Encrypted, a zip or XML-entity bomb, too large, or an absurd sheet size.
    """
    path = Path(path)
    scan = inspect_file(path)
    kind = scan.kind
    if kind == "csv":
        return _read_csv(path)
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    out = RawFile(path=path, kind=kind)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except BaseException as exc:
        if not _is_calamine_failure(exc):
            raise
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted(path.name) from None
        raise _damaged(path.name, kind, f"{type(exc).__name__}: {str(exc)[:200]}") from None
    current = None
    ods_spans = None
    if kind == "ods":
        from evaluation.ingest.spans import ods_merges

        ods_spans = ods_merges(path)
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            current = meta.name
            visible = meta.visible == SheetVisibleEnum.Visible
            if wanted is not None and not wanted(meta.name):
                out.sheets.append(RawSheet(meta.name, visible, [], loaded=False))
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            start = sheet.start or (0, 0)
            if sheet.height * sheet.width > xlsx_scan.MAX_SHEET_CELLS:  # an .xls is not pre-scanned
                raise xlsx_scan._refuse_area(
                    path.name, meta.name, sheet.height, sheet.width, "spans"
                )
            rows = _trimmed_rows(sheet, start[0])
            merges = (
                ods_spans.get(meta.name, [])
                if ods_spans is not None
                else [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
            )
            raw = RawSheet(meta.name, visible, rows, start[0] + 1, start[1], merges=merges)
            if meta.name in scan.cells:
                raw.cell_errors += apply_findings(
                    rows, raw.first_row, raw.first_col, scan.cells[meta.name]
                )
            if scan.error_text or kind == "xls":  # an .xls is not pre-scanned
                raw.cell_errors += mark_error_text(rows)
            out.sheets.append(raw)
    except InputError:
        raise
    except BaseException as exc:
        if not _is_calamine_failure(exc):
            raise
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted(path.name) from None
        raise InputError(
            f"the sheet cannot be read ({type(exc).__name__}: {str(exc)[:200]}). Open the "
            "file in Excel and save it again as .xlsx.",
            file=path.name,
            sheet=current,
        ) from None
    finally:
        wb.close()
    return out
