"""SpreadsheetML text of a table sheet's body, built column by column.

:func:`evaluation.presentation.workbook.write_summary_xlsx` saves everything but the table
bodies with openpyxl; the ``<c>`` elements of the body rows come from here (strings inline,
numbers and dates as numbers with a shared style), about 1 µs a cell. See the module
docstring of :mod:`evaluation.presentation.workbook`.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl.cell.cell import Cell

from evaluation.presentation.text import (
    VOCAB_KINDS,
    formatter,
    is_missing,
)
from evaluation.safe_csv import FORMULA_PREFIXES, MAX_CELL_CHARS, clean_cell_text

#: Excel number formats per column kind (the display in Excel follows the user's locale).
NUMBER_FORMATS = {
    "int": "#,##0",
    "number": "#,##0.0",
    "percent": "0.0%",
    "date": "DD/MM/YYYY",
    "rupiah": '"Rp "#,##0',
    "rupiah_compact": '"Rp "#,##0',
}
#: Number format of a date-and-time value (only in columns that are not of kind ``date``).
DATETIME_FORMAT = "DD/MM/YYYY HH:MM:SS"


#: Kinds whose numeric columns take the vectorised number path.
_NUMERIC_KINDS = ("int", "number", "percent", "rupiah", "rupiah_compact", "general")


#: Day 0 of Excel's 1900 date system (serial 1 = 1900-01-01, with Excel's 29 Feb 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_EPOCH_D = np.datetime64("1899-12-30", "D")


def _excel_value(v: object, kind: str) -> object:
    """Convert one pandas/numpy value to what the sheet stores for a column of ``kind``."""
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


# ------------------------------------------------------------------------------ sheet body XML
class _Styles:
    """Cell style ids (``s`` attribute) of the table bodies, registered once per workbook.

    Each style is registered through a detached openpyxl cell, so that openpyxl writes it
    into ``styles.xml`` with the id the body cells refer to.
    """

    def __init__(self, ws) -> None:
        self.number = {
            kind: self._register(ws, number_format=f) for kind, f in NUMBER_FORMATS.items()
        }
        self.date = self.number["date"]
        self.datetime = self._register(ws, number_format=DATETIME_FORMAT)
        self.quote = self._register(ws, quote_prefix=True)

    @staticmethod
    def _register(ws, number_format: str | None = None, quote_prefix: bool = False) -> int:
        probe = Cell(ws)
        if number_format is not None:
            probe.number_format = number_format
        if quote_prefix:
            probe.quotePrefix = True
        return probe.style_id


#: Characters that send a string through the full cleaning and escaping of a cell.
_XML_SPECIAL = re.compile(r"[\x00-\x1f&<>\ud800-\udfff\ufffe\uffff]")


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _string_tail(value: str, quote_style: int) -> str | None:
    """The part after ``<c r="A1"`` of a cell holding the string ``value`` (inline, never a
    formula or an error value); None for a string that is empty once cleaned."""
    if (
        value
        and len(value) <= MAX_CELL_CHARS
        and _XML_SPECIAL.search(value) is None
        and not value.startswith(FORMULA_PREFIXES)
        and value == value.strip()
    ):  # the common case: nothing to clean, escape or mark
        return f' t="inlineStr"><is><t>{value}</t></is></c>'
    text = clean_cell_text(value)
    if not text:
        return None
    style = f' s="{quote_style}"' if text.startswith(FORMULA_PREFIXES) else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'{style} t="inlineStr"><is><t{space}>{_xml_escape(text)}</t></is></c>'


def _excel_days(d: date) -> int:
    days = (d - _EXCEL_EPOCH).days
    # Excel counts a 29 February 1900 that never was: serials before 1 March 1900 shift by one
    return days - 1 if 0 < days <= 60 else days


def _style_attr(style: int | None) -> str:
    return f' s="{style}"' if style else ""


class _Column:
    """Turns the values of one table column into the XML of its cells.

    A cell's XML is ``<c r="B7"`` followed by a *tail* (style, type and value) that depends
    on the value only; :meth:`tails` gives the tails of a slice of the column (None where the
    cell is left empty), through vectorised paths for numeric and date columns, once per
    category or distinct string for categorical and string columns, and through
    :meth:`value` (memoised per distinct value) for anything else.
    """

    def __init__(self, s: pd.Series, kind: str, lang: str, styles: _Styles) -> None:
        self.kind = kind
        self.styles = styles
        self.display = formatter(kind, lang) if kind in VOCAB_KINDS else None
        self.number_style = styles.number.get(kind)
        self._memo: dict[object, str | None] = {}
        self._lookup: np.ndarray | None = None
        dtype = s.dtype
        numeric = (
            pd.api.types.is_numeric_dtype(dtype)
            and not pd.api.types.is_bool_dtype(dtype)
            and not pd.api.types.is_complex_dtype(dtype)
        )
        if kind == "date" and pd.api.types.is_datetime64_any_dtype(dtype):
            self.tails = self._date_tails
        elif kind in _NUMERIC_KINDS and numeric and pd.api.types.is_integer_dtype(dtype):
            self.tails = self._int_tails
        elif kind in _NUMERIC_KINDS and numeric:
            self.tails = self._float_tails
        elif isinstance(dtype, pd.CategoricalDtype):
            self.tails = self._category_tails
        elif isinstance(dtype, pd.StringDtype):
            self.tails = self._string_tails
        else:
            self.tails = self._generic_tails

    # --- one value at a time (also used for column widths)
    def value(self, raw: object) -> object:
        """What the cell shows for ``raw``: None, a string, a number, a date or a datetime."""
        value = _excel_value(raw, self.kind)
        if self.display is not None and value is not None:
            value = self.display(value)
        if self.kind == "text" and value is not None and not isinstance(value, str):
            value = str(value)
        return value

    def _tail(self, value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return _string_tail(value, self.styles.quote)
        if isinstance(value, bool):
            return f'{_style_attr(self.number_style)} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f"{_style_attr(self.number_style)}><v>{value}</v></c>"
        if isinstance(value, float):
            if not math.isfinite(value):
                return None
            return f"{_style_attr(self.number_style)}><v>{value!r}</v></c>"
        if isinstance(value, datetime):
            midnight = datetime.combine(value.date(), datetime.min.time())
            serial = _excel_days(value.date()) + (value - midnight).total_seconds() / 86_400
            return f"{_style_attr(self.styles.datetime)}><v>{serial!r}</v></c>"
        if isinstance(value, date):
            return f"{_style_attr(self.styles.date)}><v>{_excel_days(value)}</v></c>"
        return _string_tail(str(value), self.styles.quote)

    def _tail_of(self, raw: object) -> str | None:
        """Tail of the cell showing ``raw`` (memoised)."""
        # (type, value) keys keep 1, 1.0 and True apart; a str is its own key
        key = raw if type(raw) is str else (type(raw), raw)
        try:
            return self._memo[key]
        except KeyError:
            if type(raw) is str and self.display is None:
                tail = _string_tail(raw, self.styles.quote)  # shown as it is
            else:
                tail = self._tail(self.value(raw))
            self._memo[key] = tail
            return tail
        except TypeError:  # unhashable value
            return self._tail(self.value(raw))

    def _generic_tails(self, chunk: pd.Series) -> list[str | None]:
        memo, tail_of = self._memo, self._tail_of
        out = []
        for raw in chunk.to_numpy(dtype=object).tolist():
            if type(raw) is str and raw in memo:
                out.append(memo[raw])
            else:
                out.append(tail_of(raw))
        return out

    def _category_tails(self, chunk: pd.Series) -> list[str | None]:
        if self._lookup is None:  # the categories' tails, then None for code -1 (missing)
            labels = chunk.cat.categories.tolist()
            self._lookup = np.array([self._tail_of(c) for c in labels] + [None], dtype=object)
        return self._lookup[chunk.cat.codes.to_numpy()].tolist()

    def _string_tails(self, chunk: pd.Series) -> list[str | None]:
        codes, uniques = pd.factorize(chunk)  # code -1: missing
        lookup = [self._tail_of(u) for u in np.asarray(uniques, dtype=object).tolist()]
        return np.array([*lookup, None], dtype=object)[codes].tolist()

    # --- vectorised paths
    def _int_tails(self, chunk: pd.Series) -> list[str | None]:
        head = f"{_style_attr(self.number_style)}><v>"
        values = chunk.to_numpy(dtype=object, na_value=None).tolist()
        return [None if v is None else f"{head}{v}</v></c>" for v in values]

    def _float_tails(self, chunk: pd.Series) -> list[str | None]:
        head = f"{_style_attr(self.number_style)}><v>"
        values = chunk.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(values).tolist()
        return [
            f"{head}{v!r}</v></c>" if ok else None
            for v, ok in zip(values.tolist(), finite, strict=True)
        ]

    def _date_tails(self, chunk: pd.Series) -> list[str | None]:
        if getattr(chunk.dtype, "tz", None) is not None:
            chunk = chunk.dt.tz_localize(None)  # keep the wall-clock date
        stamps = chunk.to_numpy()
        missing = np.isnat(stamps).tolist()
        days = (stamps.astype("datetime64[D]") - _EXCEL_EPOCH_D).astype("int64")
        days = np.where((days > 0) & (days <= 60), days - 1, days).tolist()
        head = f"{_style_attr(self.styles.date)}><v>"
        return [None if na else f"{head}{d}</v></c>" for d, na in zip(days, missing, strict=True)]
