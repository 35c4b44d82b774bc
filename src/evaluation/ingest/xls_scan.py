"""Pre-parse scan of an Excel 97-2003 workbook (``.xls``): sheet areas and error cells.

The parser allocates each sheet's whole occupied area densely, so one stray cell at IV65536
costs over a gigabyte. Before it sees the file, the ``Workbook`` stream is taken out of its
OLE/CFB container (:func:`workbook_stream`) and its BIFF8 records are walked once
(:func:`scan_xls`): every cell record gives its row and column, so each worksheet's occupied
area is known exactly, and error cells (``BOOLERR`` with its error flag, a ``FORMULA`` whose
cached result is an error), which the parser reads as empty, are noted. An encrypted
workbook (``FILEPASS``) is refused.
"""

from __future__ import annotations

import struct

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_ERROR_CODES = {
    0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
    0x24: "#NUM!", 0x2A: "#N/A",
}  # fmt: skip
#: Cell records: row and column are the first two 16-bit fields.
_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x0201, 0x00D6}
_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column ... last column
_BOF, _EOF, _BOUNDSHEET, _FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
_BOOLERR, _FORMULA = 0x0205, 0x0006


class XlsDamaged(Exception):
    """The container or its stream is not what an Excel 97-2003 file holds."""


class XlsEncrypted(Exception):
    """The workbook stream is encrypted (a FILEPASS record)."""


def _chain(table: list[int], start: int, limit: int) -> list[int]:
    out = []
    sector = start
    while sector not in (_END, _FREE):
        if sector >= len(table) or len(out) > limit:
            raise XlsDamaged("broken sector chain")
        out.append(sector)
        sector = table[sector]
    return out


def workbook_stream(data: bytes) -> bytes:
    """The ``Workbook`` (or ``Book``) stream of an OLE/CFB container's bytes.

    Raises
    ------
    XlsDamaged
        If the container is malformed or holds no workbook stream.
    """
    if len(data) < 512:
        raise XlsDamaged("too short")
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    if size not in (512, 4096) or mini_size != 64:
        raise XlsDamaged("unusual sector size")
    n_fat, dir_start = struct.unpack_from("<II", data, 0x2C)
    cutoff, minifat_start, n_minifat, difat_start, n_difat = struct.unpack_from(
        "<IIIII", data, 0x38
    )
    n_sectors = (len(data) - size) // size + 1

    def sector(i: int) -> bytes:
        off = (i + 1) * size
        if off >= len(data):  # the last sector may be short, not missing
            raise XlsDamaged("sector outside the file")
        return data[off : off + size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    nxt = difat_start
    for _ in range(n_difat):
        if nxt in (_END, _FREE):
            break
        block = struct.unpack(f"<{size // 4}I", sector(nxt))
        difat.extend(block[:-1])
        nxt = block[-1]
    fat: list[int] = []
    for s in difat[:n_fat]:
        if s in (_END, _FREE):
            continue
        fat.extend(struct.unpack(f"<{size // 4}I", sector(s).ljust(size, b"\0")))

    def read(start: int, length: int | None = None) -> bytes:
        out = b"".join(sector(s) for s in _chain(fat, start, n_sectors))
        return out if length is None else out[:length]

    directory = read(dir_start)
    entries = []
    for off in range(0, len(directory) - 127, 128):
        name_len = struct.unpack_from("<H", directory, off + 64)[0]
        name = directory[off : off + max(name_len - 2, 0)].decode("utf-16-le", "replace")
        kind = directory[off + 66]
        start, length = struct.unpack_from("<II", directory, off + 116)
        entries.append((name, kind, start, length))
    if not entries:
        raise XlsDamaged("no directory")
    root = entries[0]
    for name, kind, start, length in entries:
        if kind != 2 or name not in ("Workbook", "Book"):
            continue
        if length >= cutoff:
            return read(start, length)
        mini_stream = read(root[2], root[3])
        minifat: list[int] = []
        if n_minifat:
            raw = read(minifat_start)
            minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw))
        parts = [
            mini_stream[s * mini_size : (s + 1) * mini_size]
            for s in _chain(minifat, start, len(minifat))
        ]
        return b"".join(parts)[:length]
    raise XlsDamaged("no Workbook stream")


def scan_xls(
    stream: bytes,
) -> tuple[dict[str, tuple[int, int]], dict[str, dict[tuple[int, int], str]]]:
    """Walk the BIFF8 records of a workbook stream.

    Returns
    -------
    (areas, errors)
        ``areas``: worksheet name -> (rows, columns) its cells occupy; ``errors``:
        worksheet name -> {(Excel row, 0-based column): error text}.

    Raises
    ------
    XlsEncrypted
        On a FILEPASS record (the rest of the stream is encrypted).
    """
    names: dict[int, str] = {}
    areas: dict[str, tuple[int, int]] = {}
    errors: dict[str, dict[tuple[int, int], str]] = {}
    pos, n = 0, len(stream)
    current: str | None = None
    lo_r = lo_c = 1 << 30
    hi_r = hi_c = -1
    unpack = struct.unpack_from
    while pos + 4 <= n:
        rec, length = unpack("<HH", stream, pos)
        body = pos + 4
        if rec in _CELLS and current is not None and length >= 4:
            row, col = unpack("<HH", stream, body)
            lo_r, hi_r = min(lo_r, row), max(hi_r, row)
            lo_c, hi_c = min(lo_c, col), max(hi_c, col)
            err = None
            if rec == _BOOLERR and length >= 8 and stream[body + 7]:
                err = _ERROR_CODES.get(stream[body + 6], "#N/A")
            elif rec == _FORMULA and length >= 14:
                result = stream[body + 6 : body + 14]
                if result[6:8] == b"\xff\xff" and result[0] == 2:
                    err = _ERROR_CODES.get(result[2], "#N/A")
            if err is not None:
                errors.setdefault(current, {})[(row + 1, col)] = err
        elif rec in _MULTI and current is not None and length >= 6:
            row, first = unpack("<HH", stream, body)
            last = unpack("<H", stream, body + length - 2)[0]
            lo_r, hi_r = min(lo_r, row), max(hi_r, row)
            lo_c, hi_c = min(lo_c, first), max(hi_c, last)
        elif rec == _BOF and length >= 4:
            kind = unpack("<H", stream, body + 2)[0]
            current = names.get(pos) if kind == 0x0010 else None
            if kind == 0x0010 and current is None:
                current = f"#{len(areas) + 1}"
            lo_r = lo_c = 1 << 30
            hi_r = hi_c = -1
        elif rec == _EOF:
            if current is not None:
                areas[current] = (hi_r - lo_r + 1, hi_c - lo_c + 1) if hi_r >= 0 else (0, 0)
            current = None
        elif rec == _BOUNDSHEET and length >= 8:
            offset, _flags, cch, high = unpack("<IHBB", stream, body)
            raw = stream[body + 8 : body + length]
            name = (
                raw[: 2 * cch].decode("utf-16-le", "replace")
                if high
                else raw[:cch].decode("latin-1")
            )
            names[offset] = name
        elif rec == _FILEPASS:
            raise XlsEncrypted
        pos = body + length
    return areas, errors


def check_xls(data: bytes, file: str, max_cells: int) -> dict[str, dict[tuple[int, int], str]]:
    """Refuse an ``.xls`` whose sheet area is absurd or that is encrypted; return its error
    cells by sheet name.

    Raises
    ------
    evaluation.errors.InputError
        Damaged container or stream.
    evaluation.errors.UnsafeFileError
        Encrypted, or a sheet spanning more than ``max_cells`` cells.
    """
    from evaluation.ingest.safety import _damaged, _encrypted
    from evaluation.ingest.xlsx_scan import _refuse_area

    try:
        areas, errors = scan_xls(workbook_stream(data))
    except XlsEncrypted:
        raise _encrypted(file) from None
    except (XlsDamaged, struct.error, IndexError) as exc:
        raise _damaged(file, "xls", str(exc) or type(exc).__name__) from None
    for sheet, (rows, cols) in areas.items():
        if rows * cols > max_cells:
            raise _refuse_area(file, sheet, rows, cols, "spreads its cells over")
    return errors
