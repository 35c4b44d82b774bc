"""Everything a report notebook uses, in one import.

::

    from evaluation.presentation.notebook import *

gives :func:`muat_laporan` (load the tables of record), the display helpers
:func:`tabel`, :func:`teks`, :func:`catatan`, :func:`judul`, :func:`daftar`, :func:`bagian`,
the chart module :mod:`grafik <evaluation.presentation.grafik>`, the blocks with generated
sentences (:mod:`~evaluation.presentation.sections`,
:mod:`~evaluation.presentation.summary_sections`, :mod:`~evaluation.presentation.annex`,
:mod:`~evaluation.presentation.data_quality`) and ``pd`` (pandas) for your own tables.
"""

import pandas as pd

from evaluation.presentation import grafik
from evaluation.presentation.annex import kartu_skor, sampul_lampiran
from evaluation.presentation.data_quality import kualitas_data
from evaluation.presentation.display import bagian, catatan, daftar, judul, tabel, teks
from evaluation.presentation.report import muat_laporan
from evaluation.presentation.sections import (
    daftar_asistensi,
    luaran,
    metodologi,
    pengantar_asistensi,
    perubahan,
)
from evaluation.presentation.summary_sections import ringkasan_eksekutif, sampul

__all__ = [
    "bagian",
    "catatan",
    "daftar",
    "daftar_asistensi",
    "grafik",
    "judul",
    "kartu_skor",
    "kualitas_data",
    "luaran",
    "metodologi",
    "muat_laporan",
    "pd",
    "pengantar_asistensi",
    "perubahan",
    "ringkasan_eksekutif",
    "sampul",
    "sampul_lampiran",
    "tabel",
    "teks",
]
