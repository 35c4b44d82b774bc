"""Reading input files into plain rows, safely.

One concern: turn a file (``.xlsx``, ``.xlsm``, ``.ods``, ``.csv``) into sheets of cell values
with their Excel row numbers, refusing files that are not workbooks or that would cost
unbounded time or memory *before* a parser sees them. Interpretation of the rows (headers,
labels, dates) lives in :mod:`evaluation.ingest`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, UnsafeFileError

#: Largest input file accepted, in bytes.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Largest total uncompressed size of a workbook's parts.
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
#: Largest compression ratio of one part (a zip bomb compresses far better than XML does).
MAX_RATIO = 200
#: Largest number of cells a sheet may declare.
MAX_DECLARED_CELLS = 20_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RE_DIMENSION = re.compile(rb'<(?:\w+:)?dimension[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


@dataclass
class RawSheet:
    """Cell values of one sheet. ``rows[i]`` is Excel row ``first_row + i``; ``first_col`` is
    the 0-based column index of ``rows[i][0]``."""

    name: str
    visible: bool
    rows: list[list[object]]
    first_row: int = 1
    first_col: int = 0


@dataclass
class RawFile:
    path: Path
    sheets: list[RawSheet] = field(default_factory=list)
    kind: str = "xlsx"


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + (ord(ch) - 64)
    return n


def _check_zip(path: Path) -> None:
    """Refuse zip bombs, entity bombs and absurd declared ranges before parsing."""
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError(
            "the file is damaged or is not an Excel workbook. Open it in Excel and save it "
            "again as .xlsx.",
            file=name,
        ) from None
    with zf:
        infos = zf.infolist()
        if any(i.flag_bits & 0x1 for i in infos):
            raise UnsafeFileError("the workbook is encrypted. Remove the password and save again.", file=name)
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > 1024 * 1024 and info.compress_size > 0:
                if info.file_size / info.compress_size > MAX_RATIO:
                    raise UnsafeFileError(
                        f"part '{info.filename}' expands {info.file_size // info.compress_size}x "
                        "(a 'zip bomb'); the file was refused. Save the workbook again from Excel.",
                        file=name,
                    )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnsafeFileError(
                f"the workbook expands to {total // (1024 * 1024)} MB, more than the "
                f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB allowed; split it into smaller files.",
                file=name,
            )
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with zf.open(info) as fh:
                head = fh.read(64 * 1024)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnsafeFileError(
                    f"part '{info.filename}' declares XML entities (DOCTYPE), which real "
                    "workbooks never do; the file was refused.",
                    file=name,
                )
            if info.filename.startswith("xl/worksheets/"):
                m = _RE_DIMENSION.search(head)
                if m and m.group(3):
                    cols = _col_number(m.group(3)) - _col_number(m.group(1)) + 1
                    rows = int(m.group(4)) - int(m.group(2)) + 1
                    if cols * rows > MAX_DECLARED_CELLS:
                        raise UnsafeFileError(
                            f"sheet part '{info.filename}' declares a used range of "
                            f"{rows:,} rows x {cols:,} columns; clear the unused rows and "
                            "columns (select them, Delete) and save again.",
                            file=name,
                        )


def _check_file(path: Path) -> str:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}).", file=name) from None
    if size == 0:
        raise InputError("the file is empty (0 bytes). Replace it with the real workbook.", file=name)
    if size > MAX_FILE_BYTES:
        raise UnsafeFileError(
            f"the file is {size // (1024 * 1024)} MB, more than the "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB allowed; split it into smaller files.",
            file=name,
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    with path.open("rb") as fh:
        head = fh.read(8)
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
    _check_zip(path)
    return suffix.lstrip(".")


def _read_csv(path: Path) -> RawFile:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delim = dialect.delimiter
    except csv.Error:
        delim = ";" if sample.count(";") > sample.count(",") else ","
    rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delim)]
    # A CSV file holds one sheet, named by the file: "Perjanjian.csv", "2024 - Tindak Lanjut.csv".
    return RawFile(path=path, kind="csv", sheets=[RawSheet(name=path.stem, visible=True, rows=rows)])


def read_file(path: Path) -> RawFile:
    """Read every sheet of an input file.

    Parameters
    ----------
    path
        ``.xlsx``, ``.xlsm`` (macros are never run: only cell values are read), ``.ods`` or ``.csv``.

    Raises
    ------
    InputError
        Empty, damaged, or not a workbook.
    UnsafeFileError
        Encrypted, a zip or XML-entity bomb, too large, or an absurd declared range.
    """
    kind = _check_file(path)
    if kind == "csv":
        return _read_csv(path)
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types
        raise InputError(
            f"the workbook cannot be read ({type(exc).__name__}: {str(exc)[:200]}). Open it in "
            "Excel and save it again as .xlsx.",
            file=path.name,
        ) from None
    out = RawFile(path=path, kind=kind)
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            start = sheet.start or (0, 0)
            rows = sheet.to_python(skip_empty_area=True)
            out.sheets.append(
                RawSheet(
                    name=meta.name,
                    visible=meta.visible == SheetVisibleEnum.Visible,
                    rows=rows,
                    first_row=start[0] + 1,
                    first_col=start[1],
                )
            )
    except Exception as exc:
        raise InputError(
            f"a sheet cannot be read ({type(exc).__name__}: {str(exc)[:200]}). Open the file in "
            "Excel and save it again as .xlsx.",
            file=path.name,
        ) from None
    finally:
        wb.close()
    return out
