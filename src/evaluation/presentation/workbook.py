"""Safe CSV and Excel writers for report tables.

Text that came from analysts' spreadsheets ends up in files that officials open in Excel, so:

- CSV cells beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
  apostrophe (OWASP "CSV injection" guard, :func:`safe_text`);
- every string cell of the ``.xlsx`` is written as a string (never a formula, even when it
  starts with ``=``), control characters are removed and over-long text is cut to Excel's
  32,767-character cell limit.

Every file is written atomically: to a temporary file in the same folder, then renamed, so
a crash never leaves half a file behind.

``ringkasan.xlsx`` is written with XlsxWriter: each table sheet is an Excel Table (header
row, filter buttons, banded rows) with print setup (A4 landscape, one page wide, the header
row repeated on every page, the title in the page header and "page N of M" in the footer).
What each cell holds and what each header says: :mod:`evaluation.presentation.xlsx_cells`.
XlsxWriter's ``constant_memory`` mode cannot write tables, so the workbook is built in
memory (about 3 µs a cell).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from evaluation.atomic import atomic_path
from evaluation.presentation.text import DEFAULT_LANG, check_lang, t
from evaluation.presentation.xlsx_cells import (  # noqa: F401  (re-exported)
    DATETIME_FORMAT,
    NUMBER_FORMATS,
    NUMERIC_KINDS,
    XLSX_KINDS,
    column_values,
    header_label,
    infer_kind,
    unique_headers,
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


#: Column widths are fitted to the header and the first this many rows of a table.
WIDTH_SAMPLE_ROWS = 1_000
#: Widest column (characters); longer text wraps inside it, so a sheet fits a page's width.
MAX_WIDTH = 50
#: Excel's limit on the text of a page header or footer.
_MAX_HEADER_CHARS = 255
HEADER_BG = "#1F4E79"
TABLE_STYLE = "Table Style Light 9"


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


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, float):
        return min(len(f"{value:,.2f}"), 18)
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)


def _header_width(header: str) -> int:
    """Width a header needs: it wraps onto two lines in the header row, so half its length
    (and its longest word) plus room for the filter button, 8 to 40 characters."""
    longest = max((len(w) for w in header.split()), default=0)
    return min(max(8, longest + 2, math.ceil(len(header) / 2) + 2), 40)


def _check_size(df: pd.DataFrame, sheet_name: str) -> None:
    if len(df) + 1 > MAX_ROWS or df.shape[1] > MAX_COLUMNS:
        raise ValueError(
            f"Table for sheet {sheet_name!r} has {len(df):,} rows and {df.shape[1]:,} columns; "
            f"an Excel sheet holds at most {MAX_ROWS - 1:,} rows below the header and "
            f"{MAX_COLUMNS:,} columns."
        )


class _Formats:
    """The workbook's cell formats, created once each."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.header = wb.add_format(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_BG, "text_wrap": True,
             "valign": "vcenter", "border": 1}
        )  # fmt: skip
        self.number = {k: wb.add_format({"num_format": f}) for k, f in NUMBER_FORMATS.items()}
        self.datetime = wb.add_format({"num_format": DATETIME_FORMAT})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"valign": "top", "text_wrap": True})
        self.quote = wb.add_format({"valign": "top", "quote_prefix": True})
        self.quote_wrap = wb.add_format({"valign": "top", "quote_prefix": True, "text_wrap": True})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})


def _page_text(text: str) -> str:
    """``text`` safe inside a page header or footer (``&`` is a control character there)."""
    return clean_cell_text(text).replace("\n", " ").replace("&", "&&")[:120]


def _print_setup(ws, title: str, lang: str, repeat_header: bool = True) -> None:
    """A4 landscape, one page wide (as many pages long as needed), the header row on every
    page, the title in the page header and "page N of M" in the footer."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if repeat_header:
        ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&L{_page_text(title)}&R&A"[:_MAX_HEADER_CHARS])
    footer = t("xlsx.page_footer", lang, page="\x01", pages="\x02").replace("&", "&&")
    ws.set_footer("&C" + footer.replace("\x01", "&P").replace("\x02", "&N"))


def _write_column(ws, j: int, values: list, kind: str, fm: _Formats, wrap: bool) -> None:
    """Write the body cells of column ``j`` (rows 1…); None leaves a cell empty."""
    if kind in NUMERIC_KINDS:
        fmt = fm.number.get(kind)
        for i, v in enumerate(values, start=1):
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, (int, float)):
                ws.write_number(i, j, v, fmt)
            elif isinstance(v, datetime):
                ws.write_datetime(i, j, v, fm.datetime)
            elif isinstance(v, date):
                ws.write_datetime(i, j, v, fm.number["date"])
            else:
                _write_text(ws, i, j, str(v), fm, wrap)
        return
    if kind == "date":
        for i, v in enumerate(values, start=1):
            if isinstance(v, (date, datetime)):
                ws.write_datetime(i, j, v, fm.number["date"])
            elif v is not None:
                _write_text(ws, i, j, str(v), fm, wrap)
        return
    for i, v in enumerate(values, start=1):
        if v is None:
            continue
        if isinstance(v, str):
            _write_text(ws, i, j, v, fm, wrap)
        elif isinstance(v, bool):
            ws.write_boolean(i, j, v)
        elif isinstance(v, (int, float)):
            ws.write_number(i, j, v)
        elif isinstance(v, datetime):
            ws.write_datetime(i, j, v, fm.datetime)
        elif isinstance(v, date):
            ws.write_datetime(i, j, v, fm.number["date"])
        else:
            _write_text(ws, i, j, str(v), fm, wrap)


def _write_text(ws, i: int, j: int, value: str, fm: _Formats, wrap: bool) -> None:
    text, quoted = _clean_text(value)
    if not text:
        return
    if quoted:  # Excel keeps it text even after the cell is edited
        ws.write_string(i, j, text, fm.quote_wrap if wrap else fm.quote)
    else:
        ws.write_string(i, j, text, fm.wrap if wrap else fm.text)


@functools.lru_cache(maxsize=65_536)
def _clean_text(value: str) -> tuple[str, bool]:
    """``value`` as the cell stores it, and whether it needs the quote prefix (memoised: the
    same partner, province and status words repeat down a column)."""
    text = clean_cell_text(value)
    return text, text.startswith(FORMULA_PREFIXES)


def _write_table_sheet(
    ws, index: int, df: pd.DataFrame, kinds: Mapping[str, str], lang: str, title: str,
    fm: _Formats,
) -> None:  # fmt: skip
    """One table sheet: an Excel Table (header row, filters) with widths and print setup."""
    headers = unique_headers([header_label(c, lang) for c in df.columns])
    columns = []
    for j, col in enumerate(df.columns):
        s = df.iloc[:, j]
        kind = kinds.get(col) or infer_kind(col, s)
        if kind not in XLSX_KINDS:
            raise ValueError(
                f"Unknown column kind {kind!r} for column {col!r}; "
                f"use one of {', '.join(XLSX_KINDS)}."
            )
        columns.append((kind, column_values(s, kind, lang)))
    for j, (header, (kind, values)) in enumerate(zip(headers, columns, strict=True)):
        width = _header_width(header)
        for v in values[:WIDTH_SAMPLE_ROWS]:
            width = max(width, _display_width(v))
        wrap = width + 2 > MAX_WIDTH
        ws.set_column(j, j, min(max(width + 2, 10), MAX_WIDTH))
        _write_column(ws, j, values, kind, fm, wrap)
    if len(df.columns):
        ws.add_table(
            0, 0, max(len(df), 1), len(df.columns) - 1,
            {
                "name": f"Tabel{index}",
                "style": TABLE_STYLE,
                "columns": [{"header": h, "header_format": fm.header} for h in headers],
            },
        )  # fmt: skip
        ws.set_row(0, 30)
    ws.freeze_panes(1, 0)
    _print_setup(ws, title, lang)


def write_summary_xlsx(
    path: str | Path,
    sheets: Sequence[tuple[str, pd.DataFrame, Mapping[str, str]]],
    title: str,
    lang: str = DEFAULT_LANG,
    cover: bool = True,
) -> Path:
    """Write ``ringkasan.xlsx``: one Excel Table per report table, atomically.

    Each table sheet is an Excel Table (banded rows, filter buttons) whose header row is
    worded in ``lang`` (:func:`~evaluation.presentation.xlsx_cells.header_label`; repeats
    numbered), frozen and repeated on every printed page; the sheet prints A4 landscape, one
    page wide, with the title in the page header and the page number in the footer. Column
    widths fit the header and the first 1,000 rows (at most 50 characters; longer text
    wraps). Values stay numbers and dates; only their Excel number format changes:
    ``percent`` -> ``0.0%`` (fractions 0..1), ``date`` -> ``DD/MM/YYYY``, ``int`` ->
    ``#,##0``, ``number`` -> ``#,##0.0``, ``year`` -> ``0`` (2018, never 2.018), ``rupiah`` /
    ``rupiah_compact`` -> ``"Rp "#,##0``; ``bool`` shows Ya/Tidak (Yes/No), ``text`` forces
    text and the vocabulary kinds (``category``, ``scope``, ``status``, ``outcome_type``,
    ``document_type``) show the label in ``lang``. Columns without a kind get one from
    their name and dtype (:func:`~evaluation.presentation.xlsx_cells.infer_kind`). Every
    string is stored as a string, never as a formula (one starting with ``=``, ``+``, ``-``,
    ``@`` or tab is also marked "quote prefix", so Excel keeps it text after an edit);
    control characters are removed and text is cut to 32,767 characters. Missing values,
    empty strings and infinite numbers leave the cell empty; a date-and-time outside a
    ``date`` column shows as ``DD/MM/YYYY HH:MM:SS``.

    Parameters
    ----------
    path
        Output file (``.xlsx``); its folder is created if needed.
    sheets
        ``(sheet name, table, {column: kind})`` per sheet, in order. Names are made
        Excel-safe and unique (:func:`excel_sheet_name`).
    title
        Workbook title (document properties, the cover sheet's first line, page headers).
    lang
        ``"id"`` or ``"en"``: headers, words and the cover sheet's text.
    cover
        Add a first sheet (``Tentang`` / ``About``) with the title and a linked table of
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
    title = clean_cell_text(str(title))
    names: list[str] = []
    about_name = None
    if cover:
        about_name = excel_sheet_name(t("xlsx.about_sheet", lang))
        names.append(about_name)
    planned = []
    for name, df, kinds in sheets:
        sheet_name = excel_sheet_name(name, names)
        _check_size(df, sheet_name)
        for col, kind in (kinds or {}).items():
            if kind not in XLSX_KINDS:
                raise ValueError(
                    f"Unknown column kind {kind!r} for column {col!r}; "
                    f"use one of {', '.join(XLSX_KINDS)}."
                )
        names.append(sheet_name)
        planned.append((sheet_name, df, kinds or {}))

    target = Path(path)
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "nan_inf_to_errors": False,
                "in_memory": True,  # no temporary file per part (the file itself is atomic)
            },
        )
        wb.set_properties({"title": title[:255], "author": "evaluation"})
        fm = _Formats(wb)
        about = wb.add_worksheet(about_name) if cover else None
        for index, (sheet_name, df, kinds) in enumerate(planned, start=1):
            ws = wb.add_worksheet(sheet_name)
            _write_table_sheet(ws, index, df, kinds, lang, title, fm)
        if about is not None:
            _write_cover(about, title, [(n, len(df)) for n, df, _ in planned], lang, fm)
        if not planned and about is None:
            wb.add_worksheet("Sheet")
        wb.close()
    return target


def _write_cover(ws, title: str, sheets: list[tuple[str, int]], lang: str, fm: _Formats) -> None:
    """The cover sheet: the title, a note on the formats and a table linking every sheet."""
    ws.write_string(0, 0, title, fm.title)
    ws.write_string(1, 0, t("xlsx.formats_note", lang))
    ws.set_column(0, 0, 60)
    ws.set_column(1, 1, 12)
    for i, (name, rows) in enumerate(sheets, start=4):
        quoted = name.replace("'", "''")
        ws.write_url(i, 0, f"internal:'{quoted}'!A1", fm.link, string=name)
        ws.write_number(i, 1, rows, fm.number["int"])
    ws.add_table(
        3, 0, 3 + max(len(sheets), 1), 1,
        {
            "name": "DaftarLembar",
            "style": TABLE_STYLE,
            "autofilter": False,
            "columns": [
                {"header": t("xlsx.sheets", lang), "header_format": fm.header},
                {"header": t("xlsx.rows", lang), "header_format": fm.header},
            ],
        },
    )  # fmt: skip
    _print_setup(ws, title, lang, repeat_header=False)
