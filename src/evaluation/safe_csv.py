"""Text guards and the injection-safe CSV writer, shared by every stage that writes files.

Text that came from analysts' spreadsheets ends up in files that officials open in Excel, so
CSV cells beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
apostrophe (OWASP "CSV injection" guard, :func:`safe_text`). Files are written atomically.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.atomic import atomic_path

#: First characters that make a spreadsheet treat a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: The same, as a regular expression matched at the start of a string.
_FORMULA_START = r"[=+\-@\t\r]"
#: Excel's limit on the characters in one cell.
MAX_CELL_CHARS = 32_767
#: Characters Excel files cannot hold (XML 1.0 control characters other than tab, LF, CR,
#: the non-characters U+FFFE/U+FFFF and lone surrogates, which UTF-8 cannot encode).
_ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


def _csv_text_column(s: pd.Series) -> pd.Series:
    """:func:`_csv_text` applied to every value of a text column (vectorised where possible)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        # each category once; code -1 (missing) picks the trailing None
        labels = np.array([_csv_text(c) for c in s.cat.categories] + [None], dtype=object)
        return pd.Series(labels[s.cat.codes.to_numpy()], index=s.index, name=s.name)
    if isinstance(s.dtype, pd.StringDtype):
        # every present value is a str: pandas string methods run over the whole column
        if s.str.match(_FORMULA_START).to_numpy(dtype=bool, na_value=False).any():
            s = s.str.replace(f"^({_FORMULA_START})", r"'\1", regex=True)
        if s.str.contains("\r", regex=False).to_numpy(dtype=bool, na_value=False).any():
            s = s.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
        return s
    out = []
    for v in s.to_numpy(dtype=object).tolist():
        if isinstance(v, str):
            if v.startswith(FORMULA_PREFIXES):
                v = "'" + v
            if "\r" in v:
                v = normalize_newlines(v)
        out.append(v)
    return pd.Series(out, index=s.index, name=s.name, dtype=object)


def _csv_float_column(s: pd.Series) -> pd.Series:
    """A float column as the text of each value's ``repr`` (missing and NaN: empty)."""
    values = s.to_numpy(dtype="float64", na_value=np.nan)
    present = ~np.isnan(values)
    text = [
        repr(v) if ok else None for v, ok in zip(values.tolist(), present.tolist(), strict=True)
    ]
    return pd.Series(text, index=s.index, name=s.name, dtype=object)


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
    for col in range(out.shape[1]):
        s = out.iloc[:, col]
        if _is_text_dtype(s):
            out.isetitem(col, _csv_text_column(s))
        elif pd.api.types.is_float_dtype(s.dtype):
            # repr gives the shortest text that reads back as the same float; formatting it
            # here is several times faster than to_csv's per-value float_format callback
            out.isetitem(col, _csv_float_column(s))
    out.columns = [_csv_text(c) for c in out.columns]
    target = Path(path)
    with atomic_path(target) as tmp:
        out.to_csv(
            tmp, index=False, encoding="utf-8", lineterminator="\n", float_format=_float_repr
        )
    return target
