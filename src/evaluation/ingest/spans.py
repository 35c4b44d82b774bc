"""Merged cells of an OpenDocument spreadsheet (python-calamine reports them for xlsx only).

A merged cell of an ODS table is a ``table:table-cell`` with ``table:number-rows-spanned``
and/or ``table:number-columns-spanned`` greater than 1. :func:`ods_merges` streams
``content.xml`` once with expat (DOCTYPE and entity declarations refused, as in
:mod:`evaluation.ingest.reader`, which has already checked the file's sizes) and returns the
ranges per table as ``(first_row, first_col, last_row, last_col)``, 0-based and absolute
(row 0 is the table's first row), the form :attr:`RawSheet.merges` holds.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.parsers import expat

_T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TABLE, _ROW, _CELL, _COVERED = (f"{_T} {n}" for n in ("table", "table-row", "table-cell", "covered-table-cell"))  # fmt: skip
_NAME = f"{_T} name"
_ROWS_REPEATED = f"{_T} number-rows-repeated"
_COLS_REPEATED = f"{_T} number-columns-repeated"
_ROWS_SPANNED = f"{_T} number-rows-spanned"
_COLS_SPANNED = f"{_T} number-columns-spanned"
#: At most this many merged ranges are kept per table (real sheets have a few dozen).
MAX_MERGES = 100_000


class _Refused(Exception):
    pass


def _count(value: str | None) -> int:
    try:
        return max(int(value), 1) if value else 1
    except ValueError:
        return 1


def ods_merges(path: Path) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges of each table of an ``.ods`` file (empty dict when it cannot be read:
    the reader reports damaged files itself)."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    state = {"table": None, "row": 0, "col": 0, "repeat": 1, "depth": 0, "cell": None}

    def start(name: str, attrs: dict) -> None:
        state["depth"] += 1
        if name == _TABLE:
            state["table"] = attrs.get(_NAME, "")
            out.setdefault(state["table"], [])
            state["row"] = 0
        elif name == _ROW:
            state["col"] = 0
            state["repeat"] = _count(attrs.get(_ROWS_REPEATED))
        elif name in (_CELL, _COVERED) and state["cell"] is None:
            state["cell"] = state["depth"]
            rows, cols = _count(attrs.get(_ROWS_SPANNED)), _count(attrs.get(_COLS_SPANNED))
            found = out.get(state["table"])
            if (rows > 1 or cols > 1) and found is not None and len(found) < MAX_MERGES:
                r, c = state["row"], state["col"]
                found.append((r, c, r + rows - 1, c + cols - 1))
            state["col"] += _count(attrs.get(_COLS_REPEATED))

    def end(name: str) -> None:
        if state["cell"] == state["depth"]:
            state["cell"] = None
        elif name == _ROW:
            state["row"] += state["repeat"]
        state["depth"] -= 1

    def refuse(*_args: object) -> None:
        raise _Refused

    parser = expat.ParserCreate(None, " ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
            while chunk := fh.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (_Refused, expat.ExpatError, KeyError, OSError, zipfile.BadZipFile, EOFError):
        return {}
    return {k: v for k, v in out.items() if v}
