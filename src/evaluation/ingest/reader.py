"""Reading input files into plain rows, safely.

One concern: turn a file (``.xlsx``, ``.xlsm``, ``.ods``, ``.csv``) into sheets of cell values
with their Excel row numbers, refusing files that are not workbooks or that would cost
unbounded time or memory *before* the spreadsheet parser sees them:

- the file size, the number of parts, every part's declared size and compression ratio, and
  the total declared size are checked (zip bombs);
- every part is decompressed once in a stream, which proves it expands to exactly its
  declared size (a part lying about its size fails its CRC check);
- XML parts declaring a DOCTYPE or entities are refused (entity bombs, external entities);
- the cells each sheet really holds are located, and a sheet whose occupied area (which the
  parser allocates densely) is absurd is refused, as is an absurd declared ``dimension``;
- encrypted workbooks (OLE containers, encrypted zip entries, encrypted ODS) are refused.

Only then does python-calamine read the cell values (formulas are never evaluated, macros in
``.xlsm`` never run). Interpretation of the rows (headers, labels, dates) lives in
:mod:`evaluation.ingest.pipeline`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from xml.parsers import expat

from evaluation.errors import InputError, UnsafeFileError

#: Largest input file accepted, in bytes.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Largest total uncompressed size of a workbook's parts.
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: Largest compression ratio of one part larger than 1 MiB (XML rarely exceeds 100).
MAX_RATIO = 200
#: Largest number of parts in a workbook zip.
MAX_PARTS = 10_000
#: Largest number of cells a sheet may declare or span (the parser allocates the whole area).
MAX_SHEET_CELLS = 10_000_000
#: Bytes read at a time when streaming a part.
_CHUNK = 4 * 1024 * 1024
#: The XML prolog (declaration, comments, DOCTYPE) must end within this many bytes.
_PROLOG_LIMIT = 64 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
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


@dataclass
class RawSheet:
    """Cell values of one sheet.

    ``rows[i]`` is Excel row ``first_row + i``; ``first_col`` is the 0-based column index of
    ``rows[i][0]``. Empty cells are ``None`` or ``""``. ``loaded`` is False for a sheet whose
    cells were not requested (its ``rows`` are then empty). ``merges`` lists the merged cell
    ranges as ``(first_row, first_col, last_row, last_col)``, 0-based and absolute (Excel row
    ``first_row + 1``), for ``.xlsx``/``.xlsm`` and ``.ods`` (empty for CSV).
    """

    name: str
    visible: bool
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 0
    loaded: bool = True
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class RawFile:
    """One input file: its path, kind (``xlsx``, ``xlsm``, ``ods``, ``csv``) and sheets."""

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


# ------------------------------------------------------------------------------ zip checks
def _damaged(name: str, kind: str, detail: str = "") -> InputError:
    app = "LibreOffice" if kind == "ods" else "Excel"
    saved = ".ods" if kind == "ods" else ".xlsx"
    why = f" ({detail})" if detail else ""
    return InputError(
        f"the file is damaged or is not a workbook{why}. Open it in {app} and save it again "
        f"as {saved}.",
        file=name,
    )


def _check_zip(path: Path, kind: str) -> None:
    """Refuse zip bombs, entity bombs, encrypted and absurd workbooks before parsing.

    Raises
    ------
    InputError
        Not a valid zip, or a part fails its integrity check.
    UnsafeFileError
        Encrypted, too many parts, a part or the whole expanding too much, a DOCTYPE, or a
        sheet whose declared or occupied area is absurd.
    """
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(name, kind, type(exc).__name__) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PARTS:
            raise UnsafeFileError(f"the workbook has {len(infos):,} parts; refused.", file=name)
        if any(i.flag_bits & 0x1 for i in infos):
            raise UnsafeFileError(
                "the workbook is encrypted. Remove the password and save again.", file=name
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > 1024 * 1024:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > MAX_RATIO:
                    raise UnsafeFileError(
                        f"part '{info.filename}' expands {ratio:,.0f}x to "
                        f"{info.file_size // (1024 * 1024):,} MB (a 'zip bomb'); the file was "
                        "refused. Save the workbook again from Excel.",
                        file=name,
                    )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnsafeFileError(
                f"the workbook expands to {total // (1024 * 1024):,} MB, more than the "
                f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB allowed; split it into smaller "
                "files.",
                file=name,
            )
        names = {i.filename for i in infos}
        if kind == "ods":
            _check_ods_package(zf, names, name)
        elif "[Content_Types].xml" not in names:
            raise _damaged(name, kind, "no [Content_Types].xml part")
        for info in infos:
            if not info.is_dir():
                _scan_part(zf, info, name, kind)


def _check_ods_package(zf: zipfile.ZipFile, names: set[str], file: str) -> None:
    if "mimetype" in names:
        mimetype = zf.read("mimetype").strip()
        if mimetype != _ODS_MIMETYPE:
            raise InputError(
                f"the file is named .ods but is a '{mimetype.decode('ascii', 'replace')[:80]}' "
                "document, not a spreadsheet.",
                file=file,
            )
    if "content.xml" not in names:
        raise _damaged(file, "ods", "no content.xml part")
    if "META-INF/manifest.xml" in names:
        info = zf.getinfo("META-INF/manifest.xml")
        if info.file_size <= 1024 * 1024 and b"encryption-data" in zf.read(info):
            raise UnsafeFileError(
                "the spreadsheet is password-protected (encrypted). Remove the password in "
                "LibreOffice (File > Properties > Security) and save again.",
                file=file,
            )


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, kind: str) -> None:
    """Stream one part: check its prolog, track sheet extents, verify its size and CRC.

    Raises
    ------
    InputError
        The part is damaged (bad CRC, wrong size, bad compression) or, for ODS, not XML.
    UnsafeFileError
        A DOCTYPE, an unusual encoding of a sheet part, or an absurd sheet area.
    """
    try:
        _stream_part(zf, info, file, kind, fast=True)
    except _Irregular:
        _stream_part(zf, info, file, kind, fast=False)


def _stream_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, kind: str, *, fast: bool
) -> None:
    """One pass of :func:`_scan_part`; ``fast`` tries the cheap scan of sheet parts first.

    Raises
    ------
    InputError, UnsafeFileError
        As :func:`_scan_part`.
    _Irregular
        With ``fast``, when the cheap scan cannot decide (scan again without it).
    """
    part = info.filename
    try:
        with zf.open(info) as fh:
            chunk = fh.read(_CHUNK)
            root, encoding = _root_name(chunk, part, file)
            scanner = None
            if root in _SHEET_ROOTS:
                if not encoding.startswith("utf-8"):
                    raise UnsafeFileError(
                        f"sheet part '{part}' uses the unusual text encoding '{encoding}'; "
                        "save the workbook again from Excel.",
                        file=file,
                    )
                scanner = _XlsxExtent(file, part, fast=fast)
            elif kind == "ods" and part == "content.xml" and root is not None:
                scanner = _OdsExtent(file, part, encoding)
            while chunk:
                if scanner is not None:
                    scanner.feed(chunk)
                chunk = fh.read(_CHUNK)
            if scanner is not None:
                scanner.feed(b"", final=True)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _damaged(file, kind, f"part '{part}': {str(exc)[:120]}") from None
    except NotImplementedError as exc:  # an unsupported compression method
        raise _damaged(file, kind, f"part '{part}': {exc}") from None


# ------------------------------------------------------------------------------ files
def check_file(path: Path) -> str:
    """Check that ``path`` is a readable, safe input file; return its kind.

    Parameters
    ----------
    path
        An input file.

    Returns
    -------
    str
        ``"xlsx"``, ``"xlsm"``, ``"ods"`` or ``"csv"``.

    Raises
    ------
    InputError
        Unreadable, empty, damaged, not a workbook, or an unsupported type.
    UnsafeFileError
        Too large, encrypted, a zip or entity bomb, or an absurd sheet size.
    """
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}).", file=name) from None
    if size == 0:
        raise InputError(
            "the file is empty (0 bytes). Replace it with the real workbook.", file=name
        )
    if size > MAX_FILE_BYTES:
        raise UnsafeFileError(
            f"the file is {size // (1024 * 1024):,} MB, more than the "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB allowed; split it into smaller files.",
            file=name,
        )
    suffix = path.suffix.lower()
    kind = suffix.lstrip(".")
    if kind == "csv":
        return kind
    if kind not in {"xlsx", "xlsm", "ods"}:
        raise InputError(
            f"files of type '{suffix}' are not read; save the workbook as .xlsx.", file=name
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}).", file=name) from None
    if head.startswith(_CFB_MAGIC):
        raise UnsafeFileError(
            "the file is password-protected (encrypted) or in the old .xls format. Remove the "
            "password, then save it as 'Excel Workbook (.xlsx)'.",
            file=name,
        )
    if not head.startswith(_ZIP_MAGIC):
        raise InputError(
            f"the file is not a workbook although it is named {suffix}. Open it in Excel and "
            "save it as 'Excel Workbook (.xlsx)'.",
            file=name,
        )
    _check_zip(path, kind)
    return kind


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
        rows: list[list[object]] = [list(r) for r in reader]
    except csv.Error as exc:
        raise InputError(
            f"the CSV text cannot be read ({exc}); save it again from Excel as 'CSV UTF-8'.",
            file=path.name,
            row=reader.line_num or None,
        ) from None
    return RawFile(
        path=path, kind="csv", sheets=[RawSheet(name=path.stem, visible=True, rows=rows)]
    )


def _is_calamine_failure(exc: BaseException) -> bool:
    """Errors from the Rust parser, including a Rust panic (a BaseException in Python)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def read_file(path: Path, wanted: Callable[[str], bool] | None = None) -> RawFile:
    """Read the sheets of an input file, after :func:`check_file` accepted it.

    Parameters
    ----------
    path
        ``.xlsx``, ``.xlsm`` (macros are never run: only cell values are read), ``.ods`` or
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
    kind = check_file(path)
    if kind == "csv":
        return _read_csv(path)
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    out = RawFile(path=path, kind=kind)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except BaseException as exc:
        if not _is_calamine_failure(exc):
            raise
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
            rows = sheet.to_python(skip_empty_area=True)
            merges = (
                ods_spans.get(meta.name, [])
                if ods_spans is not None
                else [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()]
            )
            out.sheets.append(
                RawSheet(meta.name, visible, rows, start[0] + 1, start[1], merges=merges)
            )
    except BaseException as exc:
        if not _is_calamine_failure(exc):
            raise
        raise InputError(
            f"the sheet cannot be read ({type(exc).__name__}: {str(exc)[:200]}). Open the "
            "file in Excel and save it again as .xlsx.",
            file=path.name,
            sheet=current,
        ) from None
    finally:
        wb.close()
    return out
