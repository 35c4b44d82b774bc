"""Shared fixtures: small input workbooks written by the tests themselves.

``write_xlsx`` writes sheets given as lists of rows (row 1 first; ``None`` is an empty cell)
with openpyxl; ``write_ods`` builds a minimal OpenDocument spreadsheet by hand (zipfile and
``content.xml``: openpyxl cannot write ODS); ``write_csv_sheet`` writes one sheet as CSV.
``CANONICAL`` is a clean workbook in the template's layout, used by several test modules.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pandas as pd
import pytest

from evaluation.ingest import schema
from workers import group_shared_builds


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests sharing an expensive build run on one worker under xdist (see workers.py)."""
    group_shared_builds(config, items)


# ------------------------------------------------------------------------ canonical workbook
AG_HEADER = [
    "Nomor Perjanjian", "Jenis Dokumen", "Nama Mitra", "Kategori Mitra", "Provinsi",
    "Tanggal Penandatanganan", "Tanggal Berakhir", "Unit Pengampu", "Keterangan",
]  # fmt: skip
AGREEMENTS = [
    ["NK.01/2021", "Nota Kesepahaman", "Pemerintah Provinsi Jawa Timur", "Pemerintah Daerah",
     "Jawa Timur", date(2021, 3, 1), date(2026, 2, 28), "Biro Perencanaan", None],
    ["PKS.02/2022", "Perjanjian Kerja Sama", "Universitas Brawijaya", "Lembaga Pendidikan",
     None, date(2022, 8, 3), date(2025, 8, 2), None, "Diklat bahasa"],
    ["PKS.03/2023", "Perjanjian Kerja Sama", "RSUD Dr. Soetomo", "Lembaga Kesehatan",
     "Jawa Timur", date(2023, 1, 10), date(2028, 1, 9), "Direktorat Sosialisasi", None],
    ["NK.04/2024", "Nota Kesepahaman", "Bank Negara Indonesia", "Lembaga Keuangan",
     None, date(2024, 3, 14), date(2029, 3, 13), None, None],
    ["NK.05/2019", "Nota Kesepahaman", "Kementerian Ketenagakerjaan", "Lembaga Pemerintah",
     None, date(2019, 5, 2), date(2024, 5, 1), None, None],
]  # fmt: skip
SC_HEADER = ["Nomor Perjanjian", "Ruang Lingkup"]
SCOPES = [
    ["NK.01/2021", "Pemberantasan Sindikasi Penempatan Nonprosedural"],
    ["NK.01/2021", "Pendidikan dan Pelatihan Calon PMI"],
    ["PKS.02/2022", "Pendidikan dan Pelatihan Calon PMI"],
    ["PKS.03/2023", "Layanan Kesehatan CPMI/PMI"],
    ["NK.04/2024", "Pembiayaan dan Akses Keuangan PMI"],
    ["NK.05/2019", "Koordinasi Tugas dan Fungsi"],
]
ACT_HEADER = [
    "Nomor Perjanjian", "Ruang Lingkup", "Tanggal Kegiatan", "Uraian Kegiatan", "Status",
    "Jenis Luaran", "Nilai", "Bukti",
]  # fmt: skip
ACTIVITIES = [
    ["NK.01/2021", "Pendidikan dan Pelatihan Calon PMI", date(2022, 5, 10),
     "Pelatihan bahasa Korea", "Terlaksana", "Anggaran Diklat", 1_500_000_000.0, "SK-12"],
    ["NK.01/2021", "Pemberantasan Sindikasi Penempatan Nonprosedural", date(2023, 2, 1),
     "Pembentukan satgas", "Dalam Proses", "Satgas", None, None],
    ["PKS.02/2022", "Pendidikan dan Pelatihan Calon PMI", date(2023, 9, 20), "Kelas CPMI",
     "Terlaksana", None, 120.0, None],
    ["PKS.03/2023", "Layanan Kesehatan CPMI/PMI", date(2024, 1, 5), "Pemeriksaan kesehatan",
     "Belum Dilaksanakan", None, None, None],
    ["NK.05/2019", "Koordinasi Tugas dan Fungsi", date(2020, 7, 1), "Rapat koordinasi",
     "Terlaksana", "Lainnya", None, "Notulen"],
]  # fmt: skip

CANONICAL = {
    "Perjanjian": [AG_HEADER, *AGREEMENTS],
    "Ruang Lingkup": [SC_HEADER, *SCOPES],
    "Tindak Lanjut": [ACT_HEADER, *ACTIVITIES],
}


def expected_table(name: str) -> pd.DataFrame:
    """The canonical rows as the processed table (without provenance), by hand."""
    rows = {"agreements": AGREEMENTS, "scope_items": SCOPES, "activities": ACTIVITIES}[name]
    derived = schema.DERIVED.get(name, ())
    cols = [c for c in schema.TABLES[name] if c not in schema.PROVENANCE and c not in derived]
    df = pd.DataFrame([list(r) for r in rows], columns=cols)
    if name == "agreements":
        df["ends_on_basis"] = "stated"  # every canonical agreement states its end date
    df = df.assign(source_file="f", source_sheet="s", source_row=1)
    return without_provenance(schema.coerce(df, name), name)


def without_provenance(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """A table without provenance columns, sorted by its key columns, index reset."""
    keys = {
        "agreements": ["agreement_id"],
        "scope_items": ["agreement_id", "scope"],
        "activities": ["agreement_id", "scope", "activity_date"],
    }[name]
    out = df.drop(columns=schema.PROVENANCE).sort_values(keys, kind="stable")
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------ writers
def write_xlsx(
    path: Path,
    sheets: dict[str, list[list[object]]],
    *,
    hidden: tuple[str, ...] = (),
    merged: dict[str, list[str]] | None = None,
) -> Path:
    """Write ``sheets`` (name -> rows, row 1 first) to ``path`` with openpyxl.

    Strings starting with ``=`` are written as text, not formulas. ``hidden`` sheets get
    state hidden; ``merged`` lists cell ranges to merge per sheet (e.g. ``["A1:F1"]``).
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=i, column=j, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
                if isinstance(value, datetime | date):
                    cell.number_format = "DD/MM/YYYY"
        if name in hidden:
            ws.sheet_state = "hidden"
        for rng in (merged or {}).get(name, []):
            ws.merge_cells(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_xlsm(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A macro-enabled workbook: the xlsx of ``sheets`` plus a VBA project part and the
    macro-enabled content type (the macro is never run: only values are read)."""
    tmp = path.with_suffix(".tmp.xlsx")
    write_xlsx(tmp, sheets)
    with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    b"</Types>",
                )
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake VBA project: Shell(calc)")
    tmp.unlink()
    return path


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
)


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, datetime | date):
        iso = value.isoformat()
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{iso}">'
            f"<text:p>{iso}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def _ods_row(row: list[object], i: int, spans: dict, covered: set) -> str:
    cells = []
    for j, v in enumerate(row):
        if (i, j) in covered:
            cells.append("<table:covered-table-cell/>")
            continue
        cell = _ods_cell(v)
        if (i, j) in spans:
            n_rows, n_cols = spans[(i, j)]
            cell = cell.replace(
                "<table:table-cell",
                f'<table:table-cell table:number-rows-spanned="{n_rows}" '
                f'table:number-columns-spanned="{n_cols}"',
                1,
            )
        cells.append(cell)
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def ods_content(
    sheets: dict[str, list[list[object]]],
    hidden: tuple[str, ...] = (),
    tail="",
    spans: dict[str, dict[tuple[int, int], tuple[int, int]]] | None = None,
) -> str:
    """``content.xml`` of an ODS spreadsheet; ``tail`` is raw XML added to the last table;
    ``spans`` merges cells per sheet: ``{(row, col): (rows, cols)}``, 0-based."""
    tables = []
    names = list(sheets)
    for name, rows in sheets.items():
        style = ' table:style-name="ta_hidden"' if name in hidden else ""
        merged = (spans or {}).get(name, {})
        covered = {
            (r + a, c + b)
            for (r, c), (n_rows, n_cols) in merged.items()
            for a in range(n_rows)
            for b in range(n_cols)
            if a or b
        }
        body = "".join(_ods_row(row, i, merged, covered) for i, row in enumerate(rows))
        extra = tail if name == names[-1] else ""
        tables.append(
            f'<table:table table:name="{escape(name)}"{style}>{body}{extra}</table:table>'
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:automatic-styles>'
        '<style:style style:name="ta_hidden" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )


def write_ods(
    path: Path,
    sheets: dict[str, list[list[object]]],
    *,
    hidden: tuple[str, ...] = (),
    tail: str = "",
    encrypted: bool = False,
    spans: dict[str, dict[tuple[int, int], tuple[int, int]]] | None = None,
) -> Path:
    """A minimal valid OpenDocument spreadsheet (mimetype, manifest, content.xml); ``spans``
    as in :func:`ods_content`."""
    enc = (
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
        if encrypted
        else ""
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{enc}</manifest:file-entry></manifest:manifest>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr(
            "content.xml",
            ods_content(sheets, hidden, tail, spans),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return path


def write_csv_sheet(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    """One sheet as a CSV file (UTF-8); dates written as ``DD/MM/YYYY`` text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        for row in rows:
            w.writerow(
                [
                    v.strftime("%d/%m/%Y") if isinstance(v, date) else ("" if v is None else v)
                    for v in row
                ]
            )
    return path


def hash_tree(folder: Path) -> dict[str, str]:
    """SHA-256 and modification time of every file under ``folder``."""
    return {
        str(
            p.relative_to(folder)
        ): f"{hashlib.sha256(p.read_bytes()).hexdigest()}:{p.stat().st_mtime_ns}"
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def replace_in_zip(path: Path, part: str, old: bytes, new: bytes) -> Path:
    """Rewrite one part of a zip file (replacing bytes ``old`` with ``new``)."""
    tmp = path.with_suffix(".rewrite")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                assert old in data, f"{old!r} not in {part}"
                data = data.replace(old, new)
            zout.writestr(info, data)
    shutil.move(tmp, path)
    return path


@pytest.fixture
def canonical_dir(tmp_path: Path) -> Path:
    """A raw folder holding the canonical workbook ``perjanjian.xlsx``."""
    raw = tmp_path / "raw"
    write_xlsx(raw / "perjanjian.xlsx", CANONICAL)
    return raw


# ------------------------------------------------------------- the command line, measured
#: The project checkout.
ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else Path(sys.executable))

_WRAPPER = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "rc": p.returncode, "stdout": p.stdout, "stderr": p.stderr,
    "elapsed": time.perf_counter() - t,
    "cpu": use.ru_utime + use.ru_stime,
    "maxrss_kb": use.ru_maxrss,
}))
"""


def run_cli(*args: str, timeout: float = 120) -> dict:
    """Run ``python -m evaluation ARGS``; return rc, stdout, stderr, elapsed, cpu (seconds),
    maxrss_kb. On a timeout the whole process group (the wrapper and its child) is killed."""
    cmd = [sys.executable, "-c", _WRAPPER, PYTHON, "-m", "evaluation", *args]
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True,
    ) as proc:  # fmt: skip
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
    assert proc.returncode == 0, err
    return json.loads(out)


#: The most a limit on wall time is stretched for a busy machine (see :func:`contention`).
MAX_CONTENTION = 6.0


def contention(seconds: float = 0.2) -> float:
    """How many times slower than its CPU time a CPU-bound process runs now: the wall time
    of a busy loop of ``seconds`` CPU seconds over that CPU time, or the 1-minute load
    average per core if higher. 1 on an idle machine; kept within 1 and MAX_CONTENTION.

    A wall-time limit multiplied by it holds on a shared, loaded machine yet still catches
    a process that hangs or spins (CPU-time limits catch the latter on their own)."""
    t0, c0 = time.perf_counter(), time.process_time()
    while time.process_time() - c0 < seconds:
        pass
    ratio = (time.perf_counter() - t0) / (time.process_time() - c0)
    per_core = os.getloadavg()[0] / (len(os.sched_getaffinity(0)) or 1)
    return min(max(1.0, ratio, per_core), MAX_CONTENTION)


# ------------------------------------------------------------- the sample pack, built once
#: The bundled sample's evaluation date (the meeting of the source article).
SAMPLE_AS_OF = "2024-03-14"
NOTEBOOKS_DIR = ROOT / "notebooks"
ANALYST_EXAMPLE = NOTEBOOKS_DIR / "contoh" / "analisis_sendiri.ipynb"


def _analysts_notebooks(folder: Path) -> Path:
    """A copy of ``notebooks/`` with three analysts' notebooks beside the pack's own: the
    documented example (``analisis_unit``), one whose last cell fails (``analisis_rusak``)
    and one without a parameters cell (``coretan``: not part of the pack)."""
    import nbformat

    shutil.copytree(NOTEBOOKS_DIR, folder)
    shutil.copy(ANALYST_EXAMPLE, folder / "analisis_unit.ipynb")
    broken = nbformat.read(ANALYST_EXAMPLE, as_version=4)
    broken.cells[-1].source = "1 / 0"
    nbformat.write(broken, folder / "analisis_rusak.ipynb")
    plain = nbformat.v4.new_notebook()
    plain.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(plain, folder / "coretan.ipynb")
    return folder


def _read_only(folder: Path) -> None:
    """Remove the write bits under ``folder``: a test that writes into a shared build fails
    at once instead of changing what later tests read (they copy it first)."""
    for p in [*folder.rglob("*"), folder]:
        p.chmod(p.stat().st_mode & ~0o222)


def copy_writable(src: Path, dst: Path) -> Path:
    """A writable copy of a read-only shared build (modification times kept)."""
    shutil.copytree(src, dst)
    for p in [*dst.rglob("*"), dst]:
        p.chmod(p.stat().st_mode | 0o200)
    return dst


@pytest.fixture(scope="session")
def sample_pack(tmp_path_factory) -> dict:
    """``evaluation report`` on the bundled sample, built ONCE per session and read-only.

    Main report only (no per-category reports), HTML and PDF, as of 2024-03-14, with the
    analysts' notebooks of :func:`_analysts_notebooks` in its notebooks folder. Keys: ``base``
    (holding ``raw``, ``processed``, ``reports``, ``notebooks``), ``folder`` (the report
    folder), ``html``, ``pdf``, ``lines`` (the console output). Tests that change anything
    work on :func:`copy_writable` of ``base``.
    """
    from evaluation.authoring.sample import write_sample
    from evaluation.publish.run import run_report

    base = tmp_path_factory.mktemp("sample_pack")
    notebooks = _analysts_notebooks(base / "notebooks")
    write_sample(base / "raw")
    lines: list[str] = []
    folder = run_report(
        raw_dir=base / "raw",
        processed_dir=base / "processed",
        out_dir=base / "reports",
        as_of=SAMPLE_AS_OF,
        per_category=False,
        notebooks_dir=notebooks,
        echo=lines.append,
    )
    _read_only(base)
    main = f"laporan_evaluasi_{SAMPLE_AS_OF}"
    return {
        "base": base,
        "folder": folder,
        "html": folder / f"{main}.html",
        "pdf": folder / f"{main}.pdf",
        "lines": tuple(lines),
    }
