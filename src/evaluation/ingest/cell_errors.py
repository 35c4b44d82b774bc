"""Excel error cells and formulas without a stored value: named as such, never "empty".

python-calamine reads an error cell (``#N/A``, ``#REF!``, ``#DIV/0!`` …) and a formula whose
result was never saved (files written by scripts, openpyxl among them) as an empty cell. So
they are found here instead:

- in ``.xlsx``/``.xlsm`` sheet parts, by :class:`CellScan`, fed the part's XML by the
  pre-parse stream of :mod:`evaluation.ingest.safety` (cells ``t="e"``, and formula cells
  ``<f>`` without a ``<v>`` value);
- in any file, text cells whose whole text is an error literal (a CSV saved from Excel
  writes ``#N/A`` as text), by :func:`mark_error_text`, only when the file's text holds one.

Each such cell becomes a :class:`CellError`: an empty string (so every later step reads it as
no value) that remembers what the cell held. :func:`report_cell_errors` logs it at its cell;
a required field that is an error is quarantined with that reason
(:func:`required_note`, used by the row checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

from evaluation.ingest.cells import Note
from evaluation.ingest.quality import QualityLog

#: The error values Excel writes into a cell.
ERRORS = ("#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NULL!", "#NUM!")
_ERROR_SET = frozenset(ERRORS) | {"#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!"}
#: Marker of a formula cell without a stored value.
NO_VALUE = ""
_ERROR_TEXT = re.compile("|".join(re.escape(e) for e in ERRORS))
_RE_REF = re.compile(rb'\br="\$?([A-Z]{1,3})\$?(\d{1,7})"')
_RE_TYPE = re.compile(rb'\bt="([a-z]+)"')
_RE_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_RE_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_RE_ERROR_CELL = re.compile(rb'<(?:[\w.-]+:)?c\s[^>]*\bt="e"')
_RE_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*)>")
_RE_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_RE_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*)>")


class CellError(str):
    """An empty cell value that was an Excel error (``error`` is e.g. ``"#N/A"``) or a
    formula without a stored value (``error`` is :data:`NO_VALUE`)."""

    error: str

    def __new__(cls, error: str) -> CellError:
        self = super().__new__(cls, "")
        self.error = error
        return self

    def __reduce__(self):  # keep the error through pickling
        return (CellError, (self.error,))

    def __repr__(self) -> str:
        return f"CellError({self.error!r})"


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


class CellScan:
    """Error cells and formulas without a value of one worksheet part, from its XML chunks.

    ``found`` maps (Excel row, 0-based column) to the error text or :data:`NO_VALUE`. Only
    chunks holding a formula or an error cell are looked at closely, so a plain sheet costs
    two byte searches per chunk.
    """

    def __init__(self) -> None:
        self.found: dict[tuple[int, int], str] = {}
        self._carry = b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        buf = self._carry + chunk
        end = len(buf) if final else buf.rfind(b"</c>") + 4
        if end < 4 and not final:
            end = 0
        region, self._carry = buf[:end], buf[end:]
        if len(self._carry) > 8 * 1024 * 1024:  # no cell end for 8 MiB: not a cell of ours
            self._carry = self._carry[-(64 * 1024) :]
        if b'"e"' in region or _RE_FORMULA.search(region):
            self._scan(region)

    def _scan(self, region: bytes) -> None:
        starts = {m.start() for m in _RE_ERROR_CELL.finditer(region)}
        for m in _RE_FORMULA.finditer(region):
            start = max(region.rfind(b"<c ", 0, m.start()), region.rfind(b":c ", 0, m.start()))
            if start >= 0:
                starts.add(start if region[start] == 60 else region.rfind(b"<", 0, start))
        for start in starts:
            close = region.find(b">", start)
            end = region.find(b"</c>", start)
            end = region.find(b"</", start) if end < 0 else end
            if close < 0 or end < 0:
                continue
            tag, body = region[start:close], region[close + 1 : end]
            ref = _RE_REF.search(tag)
            if ref is None:
                continue
            typ = _RE_TYPE.search(tag)
            kind = typ.group(1) if typ else b"n"
            value = _RE_VALUE.search(body)
            text = value.group(1).strip() if value else b""
            if kind == b"e":
                err = unescape(text.decode("utf-8", "replace")) or "#N/A"
            elif not text and kind not in (b"str", b"s", b"inlineStr") and _RE_FORMULA.search(body):
                err = NO_VALUE  # a formula whose result was never saved
            else:
                continue
            self.found[(int(ref.group(2)), _col_number(ref.group(1)) - 1)] = err


def sheet_parts(workbook_xml: bytes, rels_xml: bytes) -> dict[str, str]:
    """Worksheet part path (``xl/worksheets/sheet1.xml``) -> sheet name, from the workbook
    part and its relationships."""
    targets = {}
    for m in _RE_REL.finditer(rels_xml):
        attrs = dict(_RE_ATTR.findall(m.group(1)))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        if target:
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[attrs.get(b"Id", b"")] = path.replace("/./", "/")
    out = {}
    for m in _RE_SHEET.finditer(workbook_xml):
        attrs = {
            k.split(b":")[-1] if k != b"r:id" else k: v for k, v in _RE_ATTR.findall(m.group(1))
        }
        rid = next((v for k, v in attrs.items() if k.endswith(b"id") and k != b"sheetId"), b"")
        name = attrs.get(b"name")
        if name is not None and rid in targets:
            out[targets[rid]] = unescape(name.decode("utf-8", "replace"))
    return out


def apply_findings(rows: list[list[object]], first_row: int, first_col: int, found: dict) -> int:
    """Put a :class:`CellError` at each found cell of a sheet's ``rows`` (padding trimmed
    rows); returns how many were put."""
    n = 0
    for (row, col), err in found.items():
        i, j = row - first_row, col - first_col
        if i < 0 or j < 0:
            continue
        while len(rows) <= i:
            rows.append([])
        cells = rows[i]
        if not isinstance(cells, list):
            cells = rows[i] = list(cells)
        if len(cells) <= j:
            cells.extend([""] * (j + 1 - len(cells)))
        if cells[j] in ("", None):
            cells[j] = CellError(err)
            n += 1
    return n


def might_hold_error_text(text: str) -> bool:
    """True when ``text`` holds an error literal anywhere (one C-level search)."""
    return _ERROR_TEXT.search(text) is not None


def mark_error_text(rows: list[list[object]]) -> int:
    """Replace each text cell whose whole text is an Excel error by a :class:`CellError`;
    returns how many."""
    n = 0
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v.__class__ is str and v[:1] == "#" and v.strip() in _ERROR_SET:
                if not isinstance(row, list):
                    row = rows[i] = list(row)
                row[j] = CellError(v.strip())
                n += 1
    return n


def _note(err: str, column: str | None) -> Note:
    if err == NO_VALUE:
        if column is None:
            return Note(
                "formula without a stored value: open and save it in Excel; read as no value",
                code="formula_no_value",
            )
        return Note(
            f"'{column}' is a formula without a stored value: open and save it in Excel",
            code="formula_no_value_required",
            column=column,
        )
    if column is None:
        return Note(
            f"the cell holds the Excel error {err} (a formula that failed), not a value; read "
            "as no value — fix the formula in Excel",
            code="cell_error",
            error=err,
        )
    return Note(
        f"'{column}' holds the Excel error {err} (a formula that failed), not a value; fix the "
        "formula in Excel",
        code="cell_error_required",
        error=err,
        column=column,
    )


def required_note(raw: object, column: str) -> Note | None:
    """The quarantine reason for a required field whose cell is a :class:`CellError`."""
    return _note(raw.error, column) if isinstance(raw, CellError) else None


def report_cell_errors(records: Iterable, required: set[str], log: QualityLog) -> None:
    """Log each error cell of the fields read (not ``required``: the row checks quarantine
    those with :func:`required_note`) as ``fixed``: the row is used without that value."""
    for rec in records:
        for fld, raw in zip(_fields(rec), rec.cells, strict=False):
            if isinstance(raw, CellError) and fld not in required:
                note = _note(raw.error, None)
                log.add(
                    rec.file, rec.sheet, rec.row, rec.headers.get(fld, fld), raw.error,
                    str(note), "fixed", code=note.code, params=note.params,
                )  # fmt: skip


def _fields(rec) -> tuple[str, ...]:
    from evaluation.ingest.common import _FIELDS

    return _FIELDS[rec.table]
