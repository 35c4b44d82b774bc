"""What the cells of ``ringkasan.xlsx`` hold: column kinds, number formats, header words.

:func:`evaluation.presentation.workbook.write_summary_xlsx` writes the sheets with XlsxWriter;
this module decides, per column, how its values are stored (numbers and dates stay numbers and
dates, with an Excel number format; vocabulary labels and booleans become words in the
report's language) and what its header says. A column the sheet list does not name gets its
kind from its name and dtype (:func:`infer_kind`) and its header from the ``col.<name>``
messages, with the suffixes ``_previous`` / ``_current`` / ``_change_pp`` / ``_low`` /
``_high`` and ``scope::<label>`` worded too (:func:`header_label`); a raw ``snake_case`` name
never reaches a header.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import numpy as np
import pandas as pd

from evaluation.presentation.text import VOCAB_KINDS, formatter, has_key, is_missing, t

#: Excel number formats per column kind (the display follows the reader's locale).
NUMBER_FORMATS = {
    "int": "#,##0",
    "number": "#,##0.0",
    "percent": "0.0%",
    "date": "DD/MM/YYYY",
    "year": "0",
    "rupiah": '"Rp "#,##0',
    "rupiah_compact": '"Rp "#,##0',
}
#: Number format of a date-and-time value (only in columns that are not of kind ``date``).
DATETIME_FORMAT = "DD/MM/YYYY HH:MM:SS"
#: Kinds stored as numbers.
NUMERIC_KINDS = ("int", "number", "percent", "year", "rupiah", "rupiah_compact", "general")
#: Every column kind the workbook knows (``bool``: Ya/Tidak; ``general``: Excel's General).
XLSX_KINDS = (*NUMBER_FORMATS, "text", "general", "bool", *VOCAB_KINDS)

_RATE_NAME = re.compile(r"(^|_)(rate|share)(_|$)|_rate_(low|high)$")
_SUFFIXES = (
    ("_change_pp", "col.suffix_change_pp"),
    ("_previous", "col.suffix_previous"),
    ("_current", "col.suffix_current"),
    ("_low", "col.suffix_low"),
    ("_high", "col.suffix_high"),
)


def infer_kind(name: object, s: pd.Series) -> str:
    """Kind of a column the sheet list does not name, from its name and dtype.

    >>> infer_kind("signing_year", pd.Series([2018, 2019]))
    'year'
    >>> infer_kind("followup_rate_previous", pd.Series([0.5]))
    'percent'
    >>> infer_kind("followup_rate_change_pp", pd.Series([-0.8]))
    'number'
    """
    name = str(name)
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_numeric_dtype(dtype):
        if name == "year" or name.endswith("_year"):
            return "year"
        if "budget" in name or name.endswith("_rupiah"):
            return "rupiah"
        if name.endswith("_change_pp"):  # a difference of rates, in percentage points
            return "number"
        if pd.api.types.is_float_dtype(dtype) and _RATE_NAME.search(
            name.removesuffix("_previous").removesuffix("_current")
        ):
            return "percent"
        return "int" if pd.api.types.is_integer_dtype(dtype) else "number"
    return "text"


def header_label(column: object, lang: str) -> str:
    """Header of ``column`` in ``lang``: ``col.<name>``, else worded from its parts.

    ``scope::<label>`` is "Ruang Lingkup: <label>"; a known name with a suffix
    (``_previous``, ``_current``, ``_change_pp``, ``_low``, ``_high``) adds the suffix's word;
    any other name becomes words (underscores to spaces, first letter capital), never
    ``snake_case``.
    """
    name = str(column)
    if has_key(f"col.{name}"):
        return t(f"col.{name}", lang)
    if name.startswith("scope::"):
        label = formatter("scope", lang)(name.removeprefix("scope::"))
        return t("col.scope_flag", lang, scope=label)
    for suffix, key in _SUFFIXES:
        base = name.removesuffix(suffix)
        if base != name and base:
            return t(key, lang, base=header_label(base, lang))
    words = " ".join(name.replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else "-"


def unique_headers(headers: list[str]) -> list[str]:
    """``headers`` with repeats numbered ``… (2)``, ``… (3)`` (an Excel table needs them unique,
    ignoring case)."""
    seen: set[str] = set()
    out = []
    for h in headers:
        candidate, n = h, 1
        while candidate.casefold() in seen:
            n += 1
            candidate = f"{h} ({n})"
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def excel_value(v: object, kind: str) -> object:
    """One pandas/numpy value as the cell stores it for a column of ``kind`` (None: empty)."""
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
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (bool, int, float, date, str)):
        return v
    return str(v)


def column_values(s: pd.Series, kind: str, lang: str) -> list[object]:
    """The cells of one column: numbers, dates, words or strings; None for an empty cell."""
    if kind in VOCAB_KINDS:
        word = formatter(kind, lang)
        cache: dict[object, str] = {}
        out = []
        for v in s.to_numpy(dtype=object).tolist():
            if is_missing(v):
                out.append(None)
                continue
            if v not in cache:
                cache[v] = word(v)
            out.append(cache[v] or None)
        return out
    if kind == "bool":
        yes, no = t("label.yes", lang), t("label.no", lang)
        return [
            None if is_missing(v) else (yes if bool(v) else no)
            for v in s.to_numpy(dtype=object).tolist()
        ]
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)  # the local calendar day and time
        if kind == "date" or (s.dropna() == s.dropna().dt.normalize()).all():
            days = s.dt.date.astype(object)
            return [None if m else d for d, m in zip(days.tolist(), s.isna().tolist(), strict=True)]
    if (
        kind in NUMERIC_KINDS
        and (pd.api.types.is_integer_dtype(s.dtype) or pd.api.types.is_float_dtype(s.dtype))
        and not pd.api.types.is_bool_dtype(s.dtype)
    ):
        values = s.astype("float64").to_numpy()
        finite = np.isfinite(values)
        as_int = pd.api.types.is_integer_dtype(s.dtype)
        return [
            (int(v) if as_int else float(v)) if ok else None
            for v, ok in zip(values.tolist(), finite.tolist(), strict=True)
        ]
    values = [excel_value(v, kind) for v in s.to_numpy(dtype=object).tolist()]
    if kind == "text":
        return [v if v is None or isinstance(v, str) else str(v) for v in values]
    return values


__all__ = [
    "DATETIME_FORMAT",
    "NUMBER_FORMATS",
    "NUMERIC_KINDS",
    "XLSX_KINDS",
    "column_values",
    "excel_value",
    "header_label",
    "infer_kind",
    "unique_headers",
]
