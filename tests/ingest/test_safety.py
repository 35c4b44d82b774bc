"""Hostile files are refused quickly, with exit status 2, a message naming the file and no
traceback, while the memory of the process stays bounded.

Each case runs the real command line (``python -m evaluation ingest``) in a subprocess,
started from a small wrapper that reports the exit status, output, wall time, CPU time and
the peak resident memory of its only child (``RUSAGE_CHILDREN``), so other tests'
subprocesses do not count.

Time is limited in CPU seconds of that child, which do not grow when other processes share
the cores, and in wall seconds multiplied by the machine's contention measured in the same
test (:func:`conftest.contention`: 1 when idle), which catches a child that waits or hangs.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import (
    AG_HEADER,
    CANONICAL,
    MAX_CONTENTION,
    contention,
    replace_in_zip,
    run_cli,
    write_ods,
    write_xlsx,
)

#: A hostile file is refused within this many CPU seconds, and this many wall seconds on an
#: idle machine (times the contention on a busy one).
MAX_SECONDS = 8.0
MAX_RSS_BYTES = 1024**3


# ------------------------------------------------------------------------ hostile files
_SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _workbook_with_sheet_xml(path: Path, sheet_xml: bytes) -> Path:
    """A valid workbook whose first sheet part is replaced by ``sheet_xml``."""
    write_xlsx(path.with_suffix(".base.xlsx"), {"Perjanjian": [["a"]]})
    with (
        zipfile.ZipFile(path.with_suffix(".base.xlsx")) as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else zin.read(info)
            zout.writestr(info.filename, data)
    path.with_suffix(".base.xlsx").unlink()
    return path


def zip_bomb(path: Path) -> Path:
    """1.8 MB on disk; its sheet part expands to 400 MB of XML."""
    write_xlsx(path.with_suffix(".base.xlsx"), {"Perjanjian": [["a"]]})
    with (
        zipfile.ZipFile(path.with_suffix(".base.xlsx")) as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info.filename, zin.read(info))
        with zout.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f"<worksheet {_SHEET_NS}><sheetData>".encode())
            block = b" " * (1 << 20)
            for _ in range(400):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    path.with_suffix(".base.xlsx").unlink()
    return path


def billion_laughs(path: Path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><worksheet {_SHEET_NS}><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _workbook_with_sheet_xml(path, xml.encode())


def external_entity(path: Path) -> Path:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        f'<worksheet {_SHEET_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        "<t>&xxe;</t></is></c></row></sheetData></worksheet>"
    )
    return _workbook_with_sheet_xml(path, xml.encode())


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def text_named_xlsx(path: Path) -> Path:
    path.write_text("Nomor Perjanjian,Nama Mitra\nNK.01,Pemda\n", encoding="utf-8")
    return path


def encrypted_workbook(path: Path) -> Path:
    """Excel saves a password-protected workbook as an OLE/CFB container."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4088)
    return path


def absurd_dimension(path: Path) -> Path:
    write_xlsx(path, {"Perjanjian": [["Nomor Perjanjian"], ["NK.01"]]})
    return replace_in_zip(
        path,
        "xl/worksheets/sheet1.xml",
        b'<dimension ref="A1:A2"',
        b'<dimension ref="A1:XFD1048576"',
    )


def far_cells(path: Path) -> Path:
    """Two real cells at opposite corners and no dimension: the parser would allocate
    17 billion cells (it aborts the process) had the file not been refused."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Perjanjian"
    ws["A1"] = "Nomor Perjanjian"
    ws["XFD1048576"] = "x"
    wb.save(path)
    return replace_in_zip(
        path, "xl/worksheets/sheet1.xml", b'<dimension ref="A1:XFD1048576" />', b""
    )


def far_xls_cell(path: Path) -> Path:
    """An .xls with cells at A1 and IV65536: the parser would allocate its whole 65,536 x 256
    rectangle (over 1 GB) had the BIFF records not been scanned first."""
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Perjanjian")
    ws.write(0, 0, "Nomor Perjanjian")
    ws.write(65535, 255, "x")
    wb.save(str(path))
    return path


def ods_repeat_bomb(path: Path) -> Path:
    """A tiny ODS whose repeated non-empty cells span 100,000 rows x 1,000 columns."""
    tail = (
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell '
        'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    return write_ods(path, {"Perjanjian": [["Nomor Perjanjian"]]}, tail=tail)


def encrypted_ods(path: Path) -> Path:
    return write_ods(path, CANONICAL, encrypted=True)


HOSTILE = {
    "bomb.xlsx": (zip_bomb, "expands"),
    "lol.xlsx": (billion_laughs, "DOCTYPE"),
    "xxe.xlsx": (external_entity, "DOCTYPE"),
    "kosong.xlsx": (empty_file, "empty"),
    "teks.xlsx": (text_named_xlsx, "not a workbook"),
    "rahasia.xlsx": (encrypted_workbook, "encrypted"),
    "luas.xlsx": (absurd_dimension, "declares a used range"),
    "jauh.xlsx": (far_cells, "spreads its cells over"),
    "jauh.xls": (far_xls_cell, "spreads its cells over 65,536 rows x 256 columns"),
    "ulang.ods": (ods_repeat_bomb, "spreads its cells over"),
    "sandi.ods": (encrypted_ods, "encrypted"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_refused(tmp_path, name):
    make, expected = HOSTILE[name]
    raw = tmp_path / "raw"
    raw.mkdir()
    make(raw / name)
    out = tmp_path / "out"
    busy = contention()
    res = run_cli("ingest", "--raw", str(raw), "--out", str(out))
    busy = max(busy, contention())
    assert res["rc"] == 2, res
    assert "Traceback" not in res["stderr"] and "panicked" not in res["stderr"]
    assert name in res["stderr"]
    assert expected in res["stderr"]
    assert res["cpu"] < MAX_SECONDS, res["cpu"]
    assert res["elapsed"] < MAX_SECONDS * busy, (res["elapsed"], busy)
    assert res["maxrss_kb"] * 1024 < MAX_RSS_BYTES, res["maxrss_kb"]
    assert not (out / "manifest.json").exists()


def test_hostile_files_all_reported_in_one_run(tmp_path):
    """Several refused files beside a good one: one run names every refused file."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "baik.xlsx", CANONICAL)
    for name in ("lol.xlsx", "kosong.xlsx", "rahasia.xlsx"):
        HOSTILE[name][0](raw / name)
    res = run_cli("ingest", "--raw", str(raw), "--out", str(tmp_path / "out"))
    assert res["rc"] == 2
    assert "3 input problems" in res["stderr"]
    for name in ("lol.xlsx", "kosong.xlsx", "rahasia.xlsx"):
        assert name in res["stderr"]
    assert "baik.xlsx" not in res["stderr"]
    assert "Traceback" not in res["stderr"]


def test_openpyxl_uses_defusedxml():
    import defusedxml

    assert defusedxml.__version__
    assert openpyxl.DEFUSEDXML is True


# ------------------------------------------------------------------------ floods
#: Floods must cost time and memory that follow the data rows: well under 30 s of CPU and
#: 1 GB; wall time within FLOOD_WALL_SECONDS on an idle machine, times the contention on a
#: busy one.
FLOOD_CPU_SECONDS = 25.0
FLOOD_WALL_SECONDS = 45.0
_ROW = (
    "NK.01/2021,Perjanjian Kerja Sama,Pemkab Uji,Pemerintah Daerah,Jawa Barat,01/02/2021,"
    "01/02/2026,Biro,\n"
)


def _append_to_sheet(path: Path, part: str, chunks) -> Path:
    """Insert the XML ``chunks`` (an iterable of bytes) at the end of a sheet part's data."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != part:
                zout.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>")
            head = head.replace(b"<dimension", b"<ignoredDimension", 1)  # now stale: drop it
            with zout.open(part, "w") as fh:
                fh.write(head)
                for chunk in chunks:
                    fh.write(chunk)
                fh.write(b"</sheetData>" + tail)
    tmp.replace(path)
    return path


def csv_blank_flood(raw: Path) -> None:
    """Ten million blank lines: half of them (",,,,") before the one agreement, half after."""
    with (raw / "Perjanjian.csv").open("w", encoding="utf-8") as fh:
        fh.write(",".join(AG_HEADER) + "\n")
        fh.write(",,,,\n" * 5_000_000)
        fh.write(_ROW)
        fh.write("\n" * 5_000_000)


def junk_flood(raw: Path) -> None:
    """The canonical workbook and a million one-cell junk rows under its agreements."""
    path = write_xlsx(raw / "sampah.xlsx", CANONICAL)
    start = len(CANONICAL["Perjanjian"]) + 1

    def rows():
        for block in range(start, start + 1_000_000, 10_000):
            yield "".join(
                f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x{r % 7}</t></is></c></row>'
                for r in range(block, min(block + 10_000, start + 1_000_000))
            ).encode()

    _append_to_sheet(path, "xl/worksheets/sheet1.xml", rows())


def sparse_flood(raw: Path) -> None:
    """Six sheets (the three known ones and three others), each with one stray cell at
    XFD600: 9.8 million cells of area each, within the limit, nearly all empty."""
    sheets = {**CANONICAL, "Catatan": [["isi"]], "Lampiran": [["isi"]], "Rekap": [["isi"]]}
    path = write_xlsx(raw / "jarang.xlsx", sheets)
    stray = b'<row r="600"><c r="XFD600" t="inlineStr"><is><t>z</t></is></c></row>'
    for i in range(1, 7):
        _append_to_sheet(path, f"xl/worksheets/sheet{i}.xml", [stray])


def _flood(tmp_path, make) -> dict:
    raw = tmp_path / "raw"
    raw.mkdir()
    make(raw)
    busy = contention()
    res = run_cli(
        "ingest", "--raw", str(raw), "--out", str(tmp_path / "out"),
        timeout=FLOOD_WALL_SECONDS * MAX_CONTENTION + 60,
    )  # fmt: skip
    busy = max(busy, contention())
    assert "Traceback" not in res["stderr"]
    assert res["cpu"] < FLOOD_CPU_SECONDS, res["cpu"]
    assert res["elapsed"] < FLOOD_WALL_SECONDS * busy, (res["elapsed"], busy)
    assert res["maxrss_kb"] * 1024 < MAX_RSS_BYTES, res["maxrss_kb"]
    return res


def test_csv_with_ten_million_blank_lines(tmp_path):
    res = _flood(tmp_path, csv_blank_flood)
    assert res["rc"] == 0, res["stderr"]
    assert "Perjanjian: 1 " in res["stdout"]
    quality = (tmp_path / "out" / "data_quality.csv").read_text(encoding="utf-8")
    assert "5,000,000 blank rows in a row (rows 2–5000001) skipped" in quality
    assert len(quality.splitlines()) == 2  # the header and that one remark


def test_sheet_of_a_million_junk_rows_is_refused_by_the_gate(tmp_path):
    res = _flood(tmp_path, junk_flood)
    assert res["rc"] == 2, res["stdout"]
    assert "sampah.xlsx, lembar 'Perjanjian': 1.000.000 dari 1.000.005 baris data" in res["stderr"]
    assert "1.000.000 x baris sampah: paling banyak satu kolom masukan terisi" in res["stderr"]


def test_six_sparse_sheets_with_a_stray_cell_far_away(tmp_path):
    res = _flood(tmp_path, sparse_flood)
    assert res["rc"] == 0, res["stderr"]
    assert "Perjanjian: 5 " in res["stdout"]
    assert "593 baris kosong berturut-turut (baris 7–599) dilewati" in res["stdout"]
