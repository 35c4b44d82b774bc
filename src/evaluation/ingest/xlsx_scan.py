"""Streaming scans of workbook XML parts: the area a sheet's cells really occupy.

The parser (python-calamine) allocates a sheet's whole occupied area densely, so before it
sees a file the area is measured here, streaming each sheet part in chunks:
:class:`_XlsxExtent` for ``.xlsx``/``.xlsm`` worksheet parts, :class:`_OdsExtent` for the
``content.xml`` of an ``.ods``. XML prologs declaring a DOCTYPE or entities are refused
(:func:`_root_name`). Used by :mod:`evaluation.ingest.safety`.
"""

from __future__ import annotations

import codecs
import re
from itertools import repeat
from xml.parsers import expat

from evaluation.errors import InputError, UnsafeFileError

#: Largest number of cells a sheet may declare or span (the parser allocates the whole area).
MAX_SHEET_CELLS = 10_000_000
#: Bytes read at a time when streaming a part.
_CHUNK = 4 * 1024 * 1024
#: The XML prolog (declaration, comments, DOCTYPE) must end within this many bytes.
_PROLOG_LIMIT = 64 * 1024

_RE_DIMENSION = re.compile(
    rb'<(?:[\w.-]+:)?dimension\s[^>]*\bref\s*=\s*["\']\$?([A-Za-z]{1,3})\$?(\d{1,7})'
    rb"(?::\$?([A-Za-z]{1,3})\$?(\d{1,7}))?"
)
#: ``<c ...>`` and ``<row ...>`` tags of a worksheet, with their optional ``r`` reference.
_RE_CELL_OR_ROW = re.compile(
    rb'<(?:[\w.-]+:)?(c|row)(?=[\s/>])(?:[^>]*?\br\s*=\s*["\']\$?([A-Za-z]{0,3})\$?(\d{1,9}))?'
)
#: A cell tag in the form nearly every writer uses, ``<c r="AB12"``: reference first, upper-case
#: letters, digits, double quotes (the fast path of :class:`_XlsxExtent`).
_RE_PLAIN_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})"')
#: A cell tag with a namespace prefix (``<x:c ...>``): not handled by the fast path.
_RE_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = b"0123456789"
_RE_XML_DECL_ENCODING = re.compile(r'^<\?xml[^>]*\bencoding\s*=\s*["\']([\w.-]+)', re.IGNORECASE)
_RE_COMMENT_OR_PI = re.compile(r"<!--.*?-->|<\?.*?\?>", re.DOTALL)
_RE_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_SHEET_ROOTS = {"worksheet", "dialogsheet", "macrosheet"}
_ODS_NS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_NS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _col_number(letters: bytes) -> int:
    """1-based column number of Excel column letters (``A`` -> 1)."""
    n = 0
    for ch in letters.decode("ascii").upper():
        n = n * 26 + (ord(ch) - 64)
    return n


# ------------------------------------------------------------------------------ XML checks
def _xml_encoding(head: bytes) -> str:
    """Encoding of an XML part from its BOM, byte pattern or declaration (default UTF-8)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    m = _RE_XML_DECL_ENCODING.match(head[:200].decode("ascii", "replace"))
    return m.group(1).lower() if m else "utf-8"


def _root_name(head: bytes, part: str, file: str) -> tuple[str | None, str]:
    """Local name of the root element of an XML part (None if not XML) and its encoding.

    Raises
    ------
    UnsafeFileError
        If the prolog declares a DOCTYPE or entities, or does not end within 64 KiB.
    """
    encoding = _xml_encoding(head)
    try:
        text = head[:_PROLOG_LIMIT].decode(encoding, "replace")
    except LookupError:  # an encoding Python does not know: not a real workbook part
        raise UnsafeFileError(
            f"part '{part}' declares the unknown text encoding '{encoding}'; the file was "
            "refused. Save the workbook again from Excel.",
            file=file,
        ) from None
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("<"):
        return None, encoding
    if re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise UnsafeFileError(
            f"part '{part}' declares XML entities (DOCTYPE), which real workbooks never do "
            "(an 'entity bomb' or an external-entity attack); the file was refused.",
            file=file,
        )
    body = _RE_COMMENT_OR_PI.sub("", stripped)
    m = _RE_ROOT.search(body)
    if m is None:
        if len(head) < _PROLOG_LIMIT:
            return None, encoding  # empty or truncated XML: the parser will say so
        raise UnsafeFileError(
            f"part '{part}' has no XML element in its first 64 KiB; the file was refused.",
            file=file,
        )
    return m.group(1).rsplit(":", 1)[-1], encoding


def _refuse_area(file: str, part: str, rows: int, cols: int, what: str) -> UnsafeFileError:
    return UnsafeFileError(
        f"sheet part '{part}' {what} {rows:,} rows x {cols:,} columns, more than the "
        f"{MAX_SHEET_CELLS:,} cells allowed; clear the unused rows and columns (select them, "
        "Delete) and save again.",
        file=file,
    )


class _Irregular(Exception):
    """The fast scan of a sheet part cannot decide: scan the part again tag by tag."""


class _XlsxExtent:
    """Tracks the area a worksheet's cells really occupy, streaming its XML in chunks.

    With ``fast`` set, each chunk is first read the cheap way: when every cell tag of the
    chunk is ``<c r="LETTERSdigits"`` (what Excel, LibreOffice, openpyxl and the other common
    writers produce), the area is the span of those references, found with one regex
    ``findall`` and no Python loop over the cells. Every cell the tag-by-tag scan counts is
    such a reference at the same position, so the fast area is never smaller than the exact
    one: when it is within the limit, so is the exact one. Any other chunk (cells without a
    reference, prefixed tags, ...) and any fast area over the limit raise :class:`_Irregular`,
    and the caller scans the whole part again with ``fast=False``, which gives the exact
    verdict and message.
    """

    def __init__(self, file: str, part: str, fast: bool = False):
        self.file, self.part = file, part
        self.fast = fast
        self.carry = b""
        self.row = 0
        self.col = 0
        self.min_row = self.min_col = None
        self.max_row = self.max_col = 0
        self._cols: dict[bytes, int] = {}
        self._dimension_checked = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Scan the next chunk of the part (``final`` for the last one).

        Raises
        ------
        UnsafeFileError
            If the declared or occupied area exceeds :data:`MAX_SHEET_CELLS`, or one tag is
            longer than a chunk.
        """
        buf = self.carry + chunk
        if not self._dimension_checked:
            self._check_dimension(buf)
        cut = len(buf) if final else buf.rfind(b"<")
        if cut < 0:
            cut = 0
        self.carry = buf[cut:]
        if len(self.carry) > _CHUNK:
            raise UnsafeFileError(
                f"sheet part '{self.part}' holds an XML tag longer than 4 MiB; the file was "
                "refused.",
                file=self.file,
            )
        if self.fast:
            self._feed_fast(buf, cut)
            return
        cols = self._cols
        row, col = self.row, self.col
        min_row, min_col, max_row, max_col = self.min_row, self.min_col, self.max_row, self.max_col
        for tag, letters, number in _RE_CELL_OR_ROW.findall(buf, 0, cut):
            if tag == b"row":  # a row without a reference follows the previous one
                row = int(number) if number else row + 1
                col = 0
                continue
            if letters:
                col = cols.get(letters) or cols.setdefault(letters, _col_number(letters))
                if number:
                    row = int(number)
            else:  # a cell without a reference follows the previous one
                col += 1
            if min_row is None or row < min_row:
                min_row = row
            if min_col is None or col < min_col:
                min_col = col
            if row > max_row:
                max_row = row
            if col > max_col:
                max_col = col
        self.row, self.col = row, col
        self.min_row, self.min_col, self.max_row, self.max_col = min_row, min_col, max_row, max_col
        self._check_area()

    def _feed_fast(self, buf: bytes, cut: int) -> None:
        """The cheap scan of ``buf[:cut]`` (see the class docstring).

        Raises
        ------
        _Irregular
            If the chunk has a cell tag of another form, or the area exceeds the limit.
        """
        refs = _RE_PLAIN_CELL_REF.findall(buf, 0, cut)
        # Every "<c" must open a plain cell tag or be one of the other elements whose name
        # starts with c ("<col", "<cols", "<conditionalFormatting", "<cfRule"); the prefixed
        # form "<x:c" is not counted by "<c", so it is looked for on its own.
        opened = buf.count(b"<c", 0, cut)
        if opened != len(refs) and opened != len(refs) + buf.count(b"<co", 0, cut) + buf.count(
            b"<cf", 0, cut
        ):
            raise _Irregular
        if _RE_PREFIXED_CELL.search(buf, 0, cut):
            raise _Irregular
        if not refs:
            return
        cols = self._cols
        numbers = [
            cols.get(letters) or cols.setdefault(letters, _col_number(letters))
            for letters in set(map(bytes.rstrip, refs, repeat(_DIGITS)))
        ]
        rows = list(map(int, map(bytes.lstrip, refs, repeat(_UPPER))))
        lo_row, hi_row, lo_col, hi_col = min(rows), max(rows), min(numbers), max(numbers)
        if self.min_row is None or lo_row < self.min_row:
            self.min_row = lo_row
        if self.min_col is None or lo_col < self.min_col:
            self.min_col = lo_col
        self.max_row = max(self.max_row, hi_row)
        self.max_col = max(self.max_col, hi_col)
        rows_n = self.max_row - self.min_row + 1
        cols_n = self.max_col - self.min_col + 1
        if rows_n * cols_n > MAX_SHEET_CELLS:
            raise _Irregular

    def _check_dimension(self, buf: bytes) -> None:
        m = _RE_DIMENSION.search(buf)
        if m is None:
            if b"<sheetData" in buf or len(buf) > _PROLOG_LIMIT:
                self._dimension_checked = True
            return
        self._dimension_checked = True
        if m.group(3):
            cols = _col_number(m.group(3)) - _col_number(m.group(1)) + 1
            rows = int(m.group(4)) - int(m.group(2)) + 1
            if rows * cols > MAX_SHEET_CELLS:
                raise _refuse_area(self.file, self.part, rows, cols, "declares a used range of")

    def _check_area(self) -> None:
        if self.min_row is None:
            return
        rows = self.max_row - self.min_row + 1
        cols = self.max_col - self.min_col + 1
        if rows * cols > MAX_SHEET_CELLS:
            raise _refuse_area(self.file, self.part, rows, cols, "spreads its cells over")


class _OdsExtent:
    """Tracks the area of non-empty cells of each ODS table (with repeated rows/columns)."""

    _REPEAT_ROWS = f"{_ODS_NS_TABLE} number-rows-repeated"
    _REPEAT_COLS = f"{_ODS_NS_TABLE} number-columns-repeated"
    _VALUE_TYPE = f"{_ODS_NS_OFFICE} value-type"
    _CELLS = {f"{_ODS_NS_TABLE} table-cell", f"{_ODS_NS_TABLE} covered-table-cell"}

    def __init__(self, file: str, part: str, encoding: str):
        self.file, self.part = file, part
        self.parser = expat.ParserCreate(None if encoding.startswith("utf-8") else encoding, " ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse_entities
        self.parser.EntityDeclHandler = self._refuse_entities
        self.parser.ExternalEntityRefHandler = self._refuse_entities
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.buffer_text = True
        self.depth = 0
        self.row = 0  # rows seen in the current table
        self.row_repeat = 1
        self.col = 0
        self.cell_depth = None
        self.cell_repeat = 1
        self.cell_filled = False
        self.row_max_col = 0
        self.max_row = self.max_col = 0

    def _refuse_entities(self, *args) -> None:
        raise UnsafeFileError(
            f"part '{self.part}' declares XML entities (DOCTYPE); the file was refused.",
            file=self.file,
        )

    def _start(self, name: str, attrs: dict) -> None:
        self.depth += 1
        if name == f"{_ODS_NS_TABLE} table":
            self.row = self.max_row = self.max_col = 0
        elif name == f"{_ODS_NS_TABLE} table-row":
            self.row_repeat = _repeat(attrs.get(self._REPEAT_ROWS))
            self.col = self.row_max_col = 0
        elif name in self._CELLS and self.cell_depth is None:
            self.cell_depth = self.depth
            self.cell_repeat = _repeat(attrs.get(self._REPEAT_COLS))
            self.cell_filled = self._VALUE_TYPE in attrs
        elif self.cell_depth is not None:
            self.cell_filled = True  # any element inside a cell (text:p) is content

    def _end(self, name: str) -> None:
        if self.cell_depth is not None and self.depth == self.cell_depth:
            self.col += self.cell_repeat
            if self.cell_filled:
                self.row_max_col = self.col
            self.cell_depth = None
        elif name == f"{_ODS_NS_TABLE} table-row":
            self.row += self.row_repeat
            if self.row_max_col:
                self.max_row = self.row
                self.max_col = max(self.max_col, self.row_max_col)
                if self.max_row * self.max_col > MAX_SHEET_CELLS:
                    raise _refuse_area(
                        self.file, self.part, self.max_row, self.max_col, "spreads its cells over"
                    )
        self.depth -= 1

    def feed(self, chunk: bytes, final: bool = False) -> None:
        """Parse the next chunk of ``content.xml``.

        Raises
        ------
        InputError
            If the XML is malformed.
        UnsafeFileError
            On entity declarations or an absurd area of non-empty cells.
        """
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise InputError(
                f"part '{self.part}' is not valid XML ({exc}); open the file in LibreOffice "
                "and save it again.",
                file=self.file,
            ) from None


def _repeat(value: str | None) -> int:
    try:
        n = int(value) if value else 1
    except ValueError:
        return 1
    return max(n, 1)
