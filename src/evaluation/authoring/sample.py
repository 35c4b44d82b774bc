"""Deterministic synthetic sample workbook (``evaluation sample``).

The sample mirrors the monitoring-and-evaluation meeting of 14 March 2024 (see the README): at
``scale=1`` it holds exactly 195 local-government, 128 education, 14 health, 2 financial and
3 government-agency agreements signed between 2018-01-01 and 2024-03-14, their scopes and
follow-up activities. ``scale=N`` multiplies every category by N (a stress test).

Every label (category, scope, status, outcome type, province, document type) is the
canonical label of the vocabulary file; region names come from ``resources/wilayah.toml``.
The same ``(scale, seed)`` always gives a byte-identical workbook: one
:class:`random.Random` drives everything, the workbook properties carry a fixed timestamp and
the zip container is rewritten with fixed entry dates.

The fixed inputs live in :mod:`~evaluation.authoring.sample_data`, the generator in
:mod:`~evaluation.authoring.sample_generator`; this module writes the workbook.

Nothing in the workbook is official data; its ``Info`` sheet says so (``dataset = sample``).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from evaluation.atomic import write_bytes_atomic
from evaluation.authoring.sample_data import (  # noqa: F401  (public constants, re-exported)
    ACTIVITY_COLUMNS,
    AGREEMENT_COLUMNS,
    ARTICLE_COUNTS,
    AS_OF,
    DATA_END,
    DATE_FORMAT,
    DATE_HEADERS,
    FIXED_TIMESTAMP,
    INFO_COLUMNS,
    REGIONS_PATH,
    SAMPLE_FILENAME,
    SAMPLE_NOTE,
    SCOPE_COLUMNS,
    SHEETS,
    SINCE,
)
from evaluation.authoring.sample_generator import _check_args, _Generator
from evaluation.vocab.loader import load_vocabulary


# ---------------------------------------------------------------- public API
def sample_filename(scale: int = 1) -> str:
    """File name ``write_sample`` uses for ``scale``.

    >>> sample_filename(1), sample_filename(10)
    ('sampel_perjanjian_bp2mi.xlsx', 'sampel_perjanjian_bp2mi_x10.xlsx')
    """
    if scale == 1:
        return SAMPLE_FILENAME
    stem, suffix = SAMPLE_FILENAME.rsplit(".", 1)
    return f"{stem}_x{scale}.{suffix}"


def generate_sample(scale: int = 1, seed: int = 2024) -> dict[str, pd.DataFrame]:
    """Generate the synthetic sample as one DataFrame per sheet.

    Parameters
    ----------
    scale
        Multiplier of the article's agreement counts (195/128/14/2/3 at ``scale=1``).
    seed
        Seed of the single random generator; same ``(scale, seed)``, same data.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys ``Perjanjian``, ``Ruang Lingkup``, ``Tindak Lanjut``, ``Info`` (in that order),
        columns the Indonesian headers of the canonical workbook. Dates are
        ``datetime64[ns]`` (``NaT`` when empty), ``Nilai`` is ``float64``, text is ``string``.

    Raises
    ------
    ParameterError
        If ``scale`` is not a whole number >= 1 or ``seed`` is not a whole number.
    VocabularyError
        If the vocabulary lacks a label the generator needs, or the region file is broken.
    """
    _check_args(scale, seed)
    return _Generator(scale, seed, load_vocabulary()).tables()


def _cell_value(value: object) -> object:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


_WIDTHS = {
    "Nomor Perjanjian": 26,
    "Jenis Dokumen": 22,
    "Nama Mitra": 46,
    "Kategori Mitra": 20,
    "Provinsi": 22,
    "Tanggal Penandatanganan": 14,
    "Tanggal Berakhir": 14,
    "Tanggal Kegiatan": 14,
    "Unit Pengampu": 40,
    "Keterangan": 40,
    "Ruang Lingkup": 44,
    "Uraian Kegiatan": 60,
    "Status": 18,
    "Jenis Luaran": 16,
    "Nilai": 16,
    "Bukti": 34,
    "Kunci": 14,
}


def _workbook_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """The workbook as written by openpyxl (write-only mode), before normalisation."""
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    wb.properties.creator = "evaluation sample"
    wb.properties.title = "Sampel perjanjian kerja sama BP2MI (sintetis)"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    bold = Font(bold=True)
    for sheet, df in tables.items():
        ws = wb.create_sheet(sheet)
        columns = list(df.columns)
        for j, col in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(j)].width = _WIDTHS.get(col, 60)
        ws.freeze_panes = "A2"
        header = []
        for col in columns:
            cell = WriteOnlyCell(ws, value=col)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        formats = {
            j: DATE_FORMAT if col in DATE_HEADERS else "#,##0" if col == "Nilai" else None
            for j, col in enumerate(columns)
        }
        for row in df.itertuples(index=False, name=None):
            out = []
            for j, value in enumerate(row):
                v = _cell_value(value)
                fmt = formats[j]
                if fmt is not None and v is not None:
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = fmt
                    out.append(cell)
                else:
                    out.append(v)
            ws.append(out)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the xlsx container so that it is byte-identical from run to run.

    Entries get a fixed date, fixed attributes and a stable order (content types and the
    package relationships first, then openpyxl's order); the core properties get the fixed
    creation and modification timestamp (openpyxl stamps the current time on save).
    """
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        first = ["[Content_Types].xml", "_rels/.rels"]
        names = [n for n in first if n in src.namelist()]
        names += [n for n in src.namelist() if n not in first]
        for name in names:
            payload = src.read(name)
            if name == "docProps/core.xml":
                payload = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), payload)
            info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, payload, compresslevel=6)
    return out.getvalue()


def write_sample(out_dir: Path, scale: int = 1, seed: int = 2024) -> list[Path]:
    """Write the synthetic sample workbook into ``out_dir`` (created if missing).

    Scale 1 writes :data:`SAMPLE_FILENAME`; scale N writes
    ``sampel_perjanjian_bp2mi_xN.xlsx``. The file is written atomically (temporary file in
    the same folder, then renamed) and is byte-identical for the same ``(scale, seed)``.

    Parameters
    ----------
    out_dir
        Destination folder.
    scale
        Multiplier of the article's agreement counts.
    seed
        Seed of the random generator.

    Returns
    -------
    list of pathlib.Path
        The written file(s).

    Raises
    ------
    ParameterError
        If ``scale`` or ``seed`` is invalid.
    VocabularyError
        If the vocabulary or region file lacks what the generator needs.
    OSError
        If the folder cannot be created or written.
    """
    _check_args(scale, seed)
    out_dir = Path(out_dir)
    tables = generate_sample(scale, seed)
    data = _normalise_zip(_workbook_bytes(tables))
    return [write_bytes_atomic(out_dir / sample_filename(scale), data)]
