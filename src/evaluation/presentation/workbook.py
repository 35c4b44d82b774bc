"""Safe CSV and Excel writers for report tables.

Text that came from analysts' spreadsheets ends up in files that officials open in Excel, so:

- CSV cells beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
  apostrophe (OWASP "CSV injection" guard, :func:`safe_text`);
- every string cell of the ``.xlsx`` is written as a string (never a formula, even when it
  starts with ``=``), control characters are removed and over-long text is cut to Excel's
  32,767-character cell limit.

Every file is written atomically: to a temporary file in the same folder, then renamed, so
a crash never leaves half a file behind.

How the workbook is written (speed): openpyxl builds the workbook with everything except the
table bodies (cover sheet, styled header rows, frozen panes, auto-filters, column widths and
the cell styles the bodies use), saved to memory; the body rows of each table sheet are then
generated column by column as SpreadsheetML text (``<row>``/``<c>`` elements, strings inline,
numbers and dates as numbers with a shared style) and streamed into that sheet's
``<sheetData>`` while the archive is copied to the output file. Writing a million cells
through openpyxl's cell objects takes about 30-50 µs a cell (``write_only=True`` is no faster
without lxml, which this project does not install); this path costs about 1 µs a cell.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from evaluation.atomic import atomic_path
from evaluation.presentation.sheet_xml import (  # noqa: F401  (re-exported)
    DATETIME_FORMAT,
    NUMBER_FORMATS,
    _Column,
    _Styles,
)
from evaluation.presentation.text import (
    DEFAULT_LANG,
    VOCAB_KINDS,
    check_lang,
    column_label,
    t,
)
from evaluation.safe_csv import (  # noqa: F401  (re-exported: the workbook's own guards)
    _ILLEGAL_CHARS,
    FORMULA_PREFIXES,
    MAX_CELL_CHARS,
    _is_text_dtype,
    clean_cell_text,
    normalize_newlines,
    safe_text,
    write_csv,
)

#: Excel's limits on the rows and columns of a sheet.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: Characters not allowed in sheet names.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_SHEET_NAME = 31


#: Column kinds accepted by :func:`write_summary_xlsx` (``general``: Excel's General format).
XLSX_KINDS = (*NUMBER_FORMATS, "text", "general", *VOCAB_KINDS)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TITLE_FONT = Font(bold=True, size=14)

#: Column widths are fitted to the header and the first this many rows of a table.
WIDTH_SAMPLE_ROWS = 1_000
#: Table rows turned into XML per step (bounds the memory of the text being built).
CHUNK_ROWS = 5_000
#: zlib level of the output archive. 6 (zlib's default, as openpyxl uses) keeps the file as
#: small as before; 1 saves about 0.8 s on the 1.4 million cells of a scale-100 report but
#: makes the file about 35 % larger (7.2 instead of 5.3 MB).
COMPRESS_LEVEL = 6


# ------------------------------------------------------------------------------ Excel
def excel_sheet_name(name: object, taken: Sequence[str] = ()) -> str:
    """A valid sheet name for ``name``, different (ignoring case) from those in ``taken``.

    Forbidden characters ``[]:*?/\\`` become spaces (runs of spaces collapse), leading and
    trailing apostrophes are removed, the result is cut to 31 characters (a suffix `` (2)``,
    `` (3)``... is added to make it unique), an empty name becomes ``Sheet`` and the name
    ``History``, reserved by Excel, becomes ``History 1``.

    >>> excel_sheet_name("Kategori × Ruang Lingkup: 2024/25")
    'Kategori × Ruang Lingkup 2024 2'
    """
    base = " ".join(_SHEET_NAME_BAD.sub(" ", str(name)).split()).strip("'").strip()
    if not base:
        base = "Sheet"
    elif base.casefold() == "history":  # reserved by Excel
        base = f"{base} 1"
    base = base[:MAX_SHEET_NAME].rstrip()
    used = {s.casefold() for s in taken}
    candidate, n = base, 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
    return candidate


def _infer_kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "general"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "int"
    if pd.api.types.is_float_dtype(s.dtype):
        return "general"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "date"
    return "text"


def _write_string(cell, value: str) -> None:
    text = clean_cell_text(value)
    cell.value = text
    # openpyxl turns "=..." into a formula and "#N/A" into an error: force a string.
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True  # Excel keeps it text even after the cell is edited


def _set_cell(cell, value: object) -> None:
    if isinstance(value, str):
        _write_string(cell, value)
    else:
        cell.value = value


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, float):
        return min(len(f"{value:,.2f}"), 18)
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _check_size(df: pd.DataFrame, sheet_name: str) -> None:
    if len(df) + 1 > MAX_ROWS or df.shape[1] > MAX_COLUMNS:
        raise ValueError(
            f"Table for sheet {sheet_name!r} has {len(df):,} rows and {df.shape[1]:,} columns; "
            f"an Excel sheet holds at most {MAX_ROWS - 1:,} rows below the header and "
            f"{MAX_COLUMNS:,} columns."
        )


def _table_columns(
    df: pd.DataFrame, kinds: Mapping[str, str], lang: str, styles: _Styles
) -> list[_Column]:
    columns = []
    for j, col in enumerate(df.columns):
        s = df.iloc[:, j]
        kind = kinds.get(col) or _infer_kind(s)
        if kind not in XLSX_KINDS:
            raise ValueError(
                f"Unknown column kind {kind!r} for column {col!r}; "
                f"use one of {', '.join(XLSX_KINDS)}."
            )
        columns.append(_Column(s, kind, lang, styles))
    return columns


def _write_table_header(ws, df: pd.DataFrame, columns: Sequence[_Column], lang: str) -> None:
    """Header row (styled), column widths, frozen header and auto-filter of a table sheet.

    Widths fit the header and the first :data:`WIDTH_SAMPLE_ROWS` rows.
    """
    sample = df.iloc[:WIDTH_SAMPLE_ROWS]
    for j, (col, column) in enumerate(zip(df.columns, columns, strict=True), start=1):
        cell = ws.cell(row=1, column=j)
        _set_cell(cell, column_label(str(col), lang))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        width = min(max(len(str(cell.value)), 8), 40)
        for raw in sample.iloc[:, j - 1].to_numpy(dtype=object).tolist():
            width = max(width, _display_width(column.value(raw)))
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 10), 60)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    if len(df.columns):
        last = get_column_letter(len(df.columns))
        ws.auto_filter.ref = f"A1:{last}{max(len(df) + 1, 1)}"


def _write_table_rows(fh: IO[bytes], df: pd.DataFrame, columns: Sequence[_Column]) -> None:
    """Write the ``<row>`` elements of the table body (rows 2...) to ``fh`` as UTF-8."""
    letters = [get_column_letter(j) for j in range(1, len(columns) + 1)]
    for start in range(0, len(df) if columns else 0, CHUNK_ROWS):
        chunk = df.iloc[start : start + CHUNK_ROWS]
        tails = [column.tails(chunk.iloc[:, j]) for j, column in enumerate(columns)]
        parts = []
        for r, row in enumerate(zip(*tails, strict=True), start=start + 2):
            cells = [
                f'<c r="{c}{r}"{tail}'
                for c, tail in zip(letters, row, strict=True)
                if tail is not None
            ]
            if cells:
                parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        fh.write("".join(parts).encode("utf-8"))


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_EMPTY_SHEET_DATA = re.compile(rb"<sheetData\s*/>")


def _splice_sheet(xml: bytes, dimension: str) -> tuple[bytes, bytes]:
    """Split a sheet written by openpyxl where the body rows go (before ``</sheetData>``).

    Raises
    ------
    RuntimeError
        If the sheet has no ``sheetData`` element (openpyxl changed its output).
    """
    xml = _DIMENSION.sub(f'<dimension ref="{dimension}"/>'.encode(), xml, count=1)
    at = xml.rfind(b"</sheetData>")
    if at >= 0:
        return xml[:at], xml[at:]
    empty = _EMPTY_SHEET_DATA.search(xml)
    if empty is None:
        raise RuntimeError("Worksheet XML written by openpyxl has no <sheetData> element.")
    return xml[: empty.start()] + b"<sheetData>", b"</sheetData>" + xml[empty.end() :]


def _save_with_bodies(
    wb: Workbook,
    bodies: Sequence[tuple[object, str, Callable[[IO[bytes]], None]]],
    tmp: Path,
) -> None:
    """Save ``wb`` to ``tmp``; ``bodies`` holds ``(sheet, dimension, write rows)`` per table
    sheet, whose rows are streamed into the sheet's ``<sheetData>`` after its header."""
    buf = io.BytesIO()
    wb.save(buf)  # assigns each sheet its part name (ws.path)
    by_member = {ws.path.lstrip("/"): (dim, body) for ws, dim, body in bodies}
    with (
        zipfile.ZipFile(buf) as src,
        zipfile.ZipFile(
            tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
        ) as out,
    ):
        for info in src.infolist():
            member = info.filename  # a name: the archive's compression level applies
            data = src.read(info)
            spliced = by_member.get(info.filename)
            if spliced is None:
                out.writestr(member, data)
                continue
            dimension, body = spliced
            head, tail = _splice_sheet(data, dimension)
            with out.open(member, "w", force_zip64=True) as fh:
                fh.write(head)
                body(fh)
                fh.write(tail)


def write_summary_xlsx(
    path: str | Path,
    sheets: Sequence[tuple[str, pd.DataFrame, Mapping[str, str]]],
    title: str,
    lang: str = DEFAULT_LANG,
    cover: bool = True,
) -> Path:
    """Write ``ringkasan.xlsx``: one formatted sheet per report table, atomically.

    Each table sheet has its header in row 1 (translated through ``col.<name>`` messages,
    bold on a dark fill, frozen, with an auto-filter), one row per table row and column widths
    fitted to the header and the first 1,000 rows. Values stay numbers and dates; only their
    Excel number format changes: ``percent`` -> ``0.0%`` (fractions 0..1), ``date`` ->
    ``DD/MM/YYYY``, ``int`` -> ``#,##0``, ``number`` -> ``#,##0.0``, ``rupiah`` /
    ``rupiah_compact`` -> ``"Rp "#,##0``; ``text`` forces text and vocabulary kinds
    (``category``, ``scope``, ``status``, ``outcome_type``, ``document_type``) show the label
    in ``lang``. Columns without a kind are inferred from the dtype (integers -> ``int``,
    datetimes -> ``date``, floats and booleans left in General format, everything else
    text). Every string is stored as a string, never as a formula (one starting with ``=``,
    ``+``, ``-``, ``@`` or tab is also marked "quote prefix", so Excel keeps it text after an
    edit); control characters are removed and text is cut to 32,767 characters. Missing
    values, empty strings and infinite numbers leave the cell empty; a date-and-time outside
    a ``date`` column shows as ``DD/MM/YYYY HH:MM:SS``.

    Parameters
    ----------
    path
        Output file (``.xlsx``); its folder is created if needed.
    sheets
        ``(sheet name, table, {column: kind})`` per sheet, in order. Names are made
        Excel-safe and unique (:func:`excel_sheet_name`).
    title
        Workbook title (document properties, and the first line of the cover sheet).
    lang
        ``"id"`` or ``"en"``: headers, vocabulary labels and the cover sheet's text.
    cover
        Add a first sheet (``Tentang`` / ``About``) with the title and a linked list of
        the sheets.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If a kind is unknown, or a table has more rows or columns than an Excel sheet holds.
    ParameterError
        If ``lang`` is not a report language.
    OSError
        If the file cannot be written.
    """
    check_lang(lang)
    wb = Workbook()
    wb.properties.title = clean_cell_text(str(title))[:255]
    wb.properties.creator = "evaluation"
    about = wb.active
    names: list[str] = []
    if cover:
        about.title = excel_sheet_name(t("xlsx.about_sheet", lang))
        names.append(about.title)
    else:
        wb.remove(about)

    styles: _Styles | None = None
    bodies: list[tuple[object, str, Callable[[IO[bytes]], None]]] = []
    table_names = []
    for name, df, kinds in sheets:
        sheet_name = excel_sheet_name(name, names)
        _check_size(df, sheet_name)
        names.append(sheet_name)
        table_names.append(sheet_name)
        ws = wb.create_sheet(sheet_name)
        if styles is None:
            styles = _Styles(ws)
        columns = _table_columns(df, kinds or {}, lang, styles)
        _write_table_header(ws, df, columns, lang)
        last = get_column_letter(max(len(columns), 1))
        dimension = f"A1:{last}{len(df) + 1 if columns else 1}"
        bodies.append((ws, dimension, lambda fh, d=df, c=columns: _write_table_rows(fh, d, c)))

    if cover:
        _set_cell(about.cell(row=1, column=1), str(title))
        about.cell(row=1, column=1).font = TITLE_FONT
        _set_cell(about.cell(row=3, column=1), t("xlsx.sheets", lang))
        about.cell(row=3, column=1).font = Font(bold=True)
        for i, sheet_name in enumerate(table_names, start=4):
            cell = about.cell(row=i, column=1)
            _set_cell(cell, sheet_name)
            quoted = sheet_name.replace("'", "''")
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!A1")
            cell.font = Font(color="0563C1", underline="single")
        _set_cell(about.cell(row=len(table_names) + 5, column=1), t("xlsx.formats_note", lang))
        about.column_dimensions["A"].width = 60
    if not wb.sheetnames:
        wb.create_sheet("Sheet")

    target = Path(path)
    with atomic_path(target) as tmp:
        _save_with_bodies(wb, bodies, tmp)
    return target
