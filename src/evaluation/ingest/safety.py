"""Pre-parse safety checks of input files: size, zip structure, XML, encryption.

:func:`check_file` refuses files that are not workbooks or that would cost unbounded time or
memory *before* the spreadsheet parser sees them:

- the file size, the number of parts, every part's declared size and compression ratio, and
  the total declared size are checked (zip bombs);
- every part is decompressed once in a stream, which proves it expands to exactly its
  declared size (a part lying about its size fails its CRC check);
- XML parts declaring a DOCTYPE or entities are refused (entity bombs, external entities);
- the cells each sheet really holds are located, and a sheet whose occupied area (which the
  parser allocates densely) is absurd is refused, as is an absurd declared ``dimension``
  (:mod:`evaluation.ingest.xlsx_scan`);
- encrypted workbooks (OLE containers, encrypted zip entries, encrypted ODS) are refused.
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.errors import InputError, UnsafeFileError
from evaluation.ingest.cell_errors import CellScan, might_hold_error_text, sheet_parts
from evaluation.ingest.xlsx_scan import (
    _CHUNK,
    _SHEET_ROOTS,
    _Irregular,
    _OdsExtent,
    _root_name,
    _XlsxExtent,
)

#: Largest input file accepted, in bytes.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Largest total uncompressed size of a workbook's parts.
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: Largest compression ratio of one part larger than 1 MiB (XML rarely exceeds 100).
MAX_RATIO = 200
#: Largest number of parts in a workbook zip.
MAX_PARTS = 10_000

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


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


@dataclass
class FileScan:
    """What the pre-parse checks learnt of an accepted file: its kind, the error cells and
    formulas without a value of each sheet (by sheet name; see
    :mod:`evaluation.ingest.cell_errors`) and whether some part holds an error's text."""

    kind: str
    cells: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    error_text: bool = False


def _check_zip(path: Path, kind: str) -> FileScan:
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
        scan = FileScan(kind)
        by_part = {}
        for info in infos:
            if not info.is_dir():
                found, error_text = _scan_part(zf, info, name, kind)
                scan.error_text = scan.error_text or error_text
                if found:
                    by_part[info.filename] = found
        if by_part:
            parts = sheet_parts(
                _small_part(zf, "xl/workbook.xml"), _small_part(zf, "xl/_rels/workbook.xml.rels")
            )
            scan.cells = {parts[p]: found for p, found in by_part.items() if p in parts}
        return scan


def _small_part(zf: zipfile.ZipFile, part: str) -> bytes:
    """A workbook part of at most 16 MiB (b"" when missing or larger)."""
    try:
        info = zf.getinfo(part)
    except KeyError:
        return b""
    return zf.read(info) if info.file_size <= 16 * 1024 * 1024 else b""


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


def _scan_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, kind: str
) -> tuple[dict[tuple[int, int], str], bool]:
    """Stream one part: check its prolog, track sheet extents, verify its size and CRC.

    Raises
    ------
    InputError
        The part is damaged (bad CRC, wrong size, bad compression) or, for ODS, not XML.
    UnsafeFileError
        A DOCTYPE, an unusual encoding of a sheet part, or an absurd sheet area.
    """
    try:
        return _stream_part(zf, info, file, kind, fast=True)
    except _Irregular:
        return _stream_part(zf, info, file, kind, fast=False)


def _stream_part(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, kind: str, *, fast: bool
) -> tuple[dict[tuple[int, int], str], bool]:
    """One pass of :func:`_scan_part`; ``fast`` tries the cheap scan of sheet parts first.

    Returns the error cells and formulas without a value of a sheet part
    (:class:`~evaluation.ingest.cell_errors.CellScan`) and whether the part holds the text
    of an Excel error anywhere.

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
            cells = None
            error_text = False
            if root in _SHEET_ROOTS:
                if not encoding.startswith("utf-8"):
                    raise UnsafeFileError(
                        f"sheet part '{part}' uses the unusual text encoding '{encoding}'; "
                        "save the workbook again from Excel.",
                        file=file,
                    )
                scanner = _XlsxExtent(file, part, fast=fast)
                cells = CellScan()
            elif kind == "ods" and part == "content.xml" and root is not None:
                scanner = _OdsExtent(file, part, encoding)
            while chunk:
                if scanner is not None:
                    scanner.feed(chunk)
                if cells is not None:
                    cells.feed(chunk)
                if root is not None and not error_text and b"#" in chunk:
                    error_text = might_hold_error_text(chunk.decode("utf-8", "replace"))
                chunk = fh.read(_CHUNK)
            if scanner is not None:
                scanner.feed(b"", final=True)
            if cells is not None:
                cells.feed(b"", final=True)
            return (cells.found if cells is not None else {}), error_text
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise _damaged(file, kind, f"part '{part}': {str(exc)[:120]}") from None
    except NotImplementedError as exc:  # an unsupported compression method
        raise _damaged(file, kind, f"part '{part}': {exc}") from None


# ------------------------------------------------------------------------------ files
def check_file(path: Path) -> str:
    """The kind of an input file accepted by :func:`inspect_file` (see there)."""
    return inspect_file(path).kind


def inspect_file(path: Path) -> FileScan:
    """Check that ``path`` is a readable, safe input file; return what the checks learnt.

    Parameters
    ----------
    path
        An input file.

    Returns
    -------
    FileScan
        Its kind (``"xlsx"``, ``"xlsm"``, ``"xls"``, ``"ods"`` or ``"csv"``) and, for a zip
        workbook, its error cells and formulas without a stored value.

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
        return FileScan(kind)
    if kind not in {"xlsx", "xlsm", "xls", "ods"}:
        raise InputError(
            f"files of type '{suffix}' are not read; save the workbook as .xlsx.", file=name
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}).", file=name) from None
    if head.startswith(_CFB_MAGIC):
        return _check_cfb(path, kind)
    if kind == "xls":
        what = "buku kerja .xlsx" if head.startswith(_ZIP_MAGIC) else "teks atau halaman web"
        raise InputError(
            f"berkas bernama .xls ini bukan buku kerja Excel 97-2003 (isinya {what}). Buka di "
            "Excel lalu simpan sebagai 'Excel Workbook (.xlsx)'.",
            file=name,
        )
    if not head.startswith(_ZIP_MAGIC):
        raise InputError(
            f"the file is not a workbook although it is named {suffix}. Open it in Excel and "
            "save it as 'Excel Workbook (.xlsx)'.",
            file=name,
        )
    return _check_zip(path, kind)


def _encrypted(name: str) -> UnsafeFileError:
    return UnsafeFileError(
        "buku kerja ini dilindungi kata sandi (encrypted). Buka di Excel, hapus kata sandinya "
        "(File > Info > Protect Workbook > Encrypt with Password: kosongkan), lalu simpan lagi.",
        file=name,
    )


def _cfb_streams(path: Path) -> set[str]:
    """Which of the telling stream names an OLE/CFB container holds (directory entries store
    names as UTF-16LE): ``EncryptedPackage`` (an encrypted .xlsx/.xlsm/.ods), ``Workbook`` or
    ``Book`` (an Excel 97-2003 workbook). The file (at most :data:`MAX_FILE_BYTES`) is
    searched in chunks that overlap by one name."""
    names = {n: n.encode("utf-16-le") for n in ("EncryptedPackage", "Workbook", "Book")}
    found: set[str] = set()
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            buf = tail + chunk
            found.update(n for n, b in names.items() if b in buf)
            tail = buf[-64:]
    return found


def _check_cfb(path: Path, kind: str) -> FileScan:
    """An OLE/CFB container: an Excel 97-2003 workbook is read as ``.xls`` once its sheet
    areas are checked and its error cells found (:mod:`evaluation.ingest.xls_scan`); an
    encrypted OOXML package (Excel saves a password-protected .xlsx as CFB) is refused.

    Raises
    ------
    UnsafeFileError
        Encrypted, or a container that is no workbook.
    InputError
        An Excel 97-2003 workbook named ``.xlsx``/``.xlsm``/``.ods``.
    """
    name = path.name
    streams = _cfb_streams(path)
    if "EncryptedPackage" in streams:
        raise _encrypted(name)
    if kind == "xls" and streams & {"Workbook", "Book"}:
        from evaluation.ingest import xlsx_scan
        from evaluation.ingest.xls_scan import check_xls

        cells = check_xls(path.read_bytes(), name, xlsx_scan.MAX_SHEET_CELLS)
        return FileScan(kind, cells=cells)
    if streams & {"Workbook", "Book"}:
        raise InputError(
            f"berkas ini berformat Excel 97-2003 (.xls) tetapi bernama .{kind}. Ganti akhiran "
            "namanya menjadi .xls, atau buka di Excel dan simpan sebagai 'Excel Workbook "
            "(.xlsx)'.",
            file=name,
        )
    raise UnsafeFileError(
        "the file is password-protected (encrypted) or not a workbook (an OLE container "
        "without a workbook). Remove the password, then save it as 'Excel Workbook (.xlsx)'.",
        file=name,
    )
