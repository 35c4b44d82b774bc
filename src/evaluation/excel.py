"""Safe CSV and Excel writers for report tables.

Text that came from analysts' spreadsheets ends up in files that officials open in Excel, so:

- CSV cells beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
  apostrophe (OWASP "CSV injection" guard, :func:`safe_text`);
- every string cell of the ``.xlsx`` is written as a string (never a formula, even when it
  starts with ``=``), control characters are removed and over-long text is cut to Excel's
  32,767-character cell limit.

Every file is written atomically: to a temporary file in the same folder, then renamed, so
a crash never leaves half a file behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from .i18n import DEFAULT_LANG, VOCAB_KINDS, check_lang, column_label, formatter, is_missing, t

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit on the characters in one cell.
MAX_CELL_CHARS = 32_767
#: Characters Excel files cannot hold (XML 1.0 control characters other than tab, LF, CR).
_ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Characters not allowed in sheet names.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_SHEET_NAME = 31

#: Excel number formats per column kind (the display in Excel follows the user's locale).
NUMBER_FORMATS = {
    "int": "#,##0",
    "number": "#,##0.0",
    "percent": "0.0%",
    "date": "DD/MM/YYYY",
    "rupiah": '"Rp "#,##0',
    "rupiah_compact": '"Rp "#,##0',
}

#: Column kinds accepted by :func:`write_summary_xlsx` (``general``: Excel's General format).
XLSX_KINDS = (*NUMBER_FORMATS, "text", "general", *VOCAB_KINDS)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
TITLE_FONT = Font(bold=True, size=14)


# ------------------------------------------------------------------------------ atomic writes
@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``.

    The parent folder is created if needed. If the body raises, the temporary file is
    removed and ``path`` is left as it was.

    Raises
    ------
    OSError
        If the folder cannot be created or the file cannot be renamed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# ------------------------------------------------------------------------------ text guards
def safe_text(value: object) -> object:
    """Neutralise a string a spreadsheet would run as a formula (for CSV files).

    A string starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe; every other value (numbers, dates, ``None``, other strings) is returned as is.

    >>> safe_text("=HYPERLINK(1)"), safe_text("Bank NTB"), safe_text(-2)
    ("'=HYPERLINK(1)", 'Bank NTB', -2)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def normalize_newlines(value: str) -> str:
    """``value`` with carriage returns (``\\r\\n`` or a lone ``\\r``) turned into ``\\n``."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def clean_cell_text(value: str) -> str:
    """``value`` without characters Excel cannot store, ``\\n`` line ends, <= 32,767 chars."""
    return normalize_newlines(_ILLEGAL_CHARS.sub("", value))[:MAX_CELL_CHARS]


def _csv_text(value: object) -> object:
    value = safe_text(value)
    return normalize_newlines(value) if isinstance(value, str) else value


def _is_text_dtype(s: pd.Series) -> bool:
    return (
        pd.api.types.is_object_dtype(s.dtype)
        or pd.api.types.is_string_dtype(s.dtype)
        or isinstance(s.dtype, pd.CategoricalDtype)
    )


# ------------------------------------------------------------------------------ CSV
def _float_repr(x: float) -> str:
    return repr(float(x))


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to a CSV file (UTF-8, no BOM, no index, ``\\n`` line ends) atomically.

    Text columns (object, string or categorical dtype) and text headers pass through
    :func:`safe_text`, then carriage returns become ``\\n`` (so every reader keeps a cell with
    a line break inside its quotes); numbers are untouched and floats keep full precision
    (``repr``), so ``pd.read_csv`` gives back the same floats. Missing values are empty
    cells; dates are written ISO (``2024-03-14``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if _is_text_dtype(s):
            out[col] = s.astype(object).map(_csv_text, na_action="ignore")
    out.columns = [_csv_text(c) for c in out.columns]
    target = Path(path)
    with atomic_path(target) as tmp:
        out.to_csv(
            tmp, index=False, encoding="utf-8", lineterminator="\n", float_format=_float_repr
        )
    return target


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


def _excel_value(v: object, kind: str) -> object:
    """Convert one pandas/numpy value to what openpyxl stores for a column of ``kind``."""
    if is_missing(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)
        if kind == "date" or (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0):
            return v.date()
        return v
    if isinstance(v, (bool, int, float, date, str)):
        return v
    return str(v)


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


def _write_table_sheet(ws, df: pd.DataFrame, kinds: Mapping[str, str], lang: str) -> None:
    columns = list(df.columns)
    widths = []
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j)
        _set_cell(cell, column_label(str(col), lang))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        widths.append(min(max(len(str(cell.value)), 8), 40))

    for j, col in enumerate(columns, start=1):
        s = df[col]
        kind = kinds.get(col) or _infer_kind(s)
        if kind not in XLSX_KINDS:
            raise ValueError(
                f"Unknown column kind {kind!r} for column {col!r}; "
                f"use one of {', '.join(XLSX_KINDS)}."
            )
        display = formatter(kind, lang) if kind in VOCAB_KINDS else None
        number_format = NUMBER_FORMATS.get(kind)
        width = widths[j - 1]
        for i, raw in enumerate(s.tolist(), start=2):
            value = _excel_value(raw, kind)
            if display is not None and value is not None:
                value = display(value)
            if kind == "text" and value is not None and not isinstance(value, str):
                value = str(value)
            cell = ws.cell(row=i, column=j)
            _set_cell(cell, value)
            if number_format and value is not None and not isinstance(value, str):
                cell.number_format = number_format
            if i <= 1001:
                width = max(width, _display_width(value))
        widths[j - 1] = width

    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 10), 60)
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    if columns:
        last = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A1:{last}{max(len(df) + 1, 1)}"


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
    fitted to the content. Values stay numbers and dates; only their Excel number format
    changes: ``percent`` -> ``0.0%`` (fractions 0..1), ``date`` -> ``DD/MM/YYYY``, ``int`` ->
    ``#,##0``, ``number`` -> ``#,##0.0``, ``rupiah`` / ``rupiah_compact`` -> ``"Rp "#,##0``;
    ``text`` forces text and vocabulary kinds (``category``, ``scope``, ``status``,
    ``outcome_type``, ``document_type``) show the label in ``lang``. Columns without a kind
    are inferred from the dtype (integers -> ``int``, datetimes -> ``date``, floats and
    booleans left in General format, everything else text). Every string is stored as a
    string, never as a formula.

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
        If a kind is unknown.
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

    table_names = []
    for name, df, kinds in sheets:
        sheet_name = excel_sheet_name(name, names)
        names.append(sheet_name)
        table_names.append(sheet_name)
        ws = wb.create_sheet(sheet_name)
        _write_table_sheet(ws, df, kinds or {}, lang)

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
        wb.save(tmp)
    return target
