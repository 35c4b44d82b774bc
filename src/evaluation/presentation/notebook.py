"""Everything a report notebook uses, in one import.

::

    from evaluation.presentation.notebook import *

gives :func:`muat_laporan` (load the tables of record), the display helpers
:func:`tabel`, :func:`teks`, :func:`catatan`, :func:`judul`, :func:`daftar`, :func:`bagian`,
the chart module :mod:`grafik <evaluation.presentation.grafik>`, the blocks with generated
sentences (:mod:`~evaluation.presentation.sections`,
:mod:`~evaluation.presentation.summary_sections`, :mod:`~evaluation.presentation.triage`,
:mod:`~evaluation.presentation.annex`, :mod:`~evaluation.presentation.data_quality`,
:mod:`~evaluation.presentation.comparisons`, :mod:`~evaluation.presentation.timing`) and ``pd``
(pandas) for your own tables.
"""

import pandas as pd

from evaluation.presentation import grafik
from evaluation.presentation.annex import kartu_skor, sampul_lampiran
from evaluation.presentation.comparisons import catatan_corong
from evaluation.presentation.data_quality import kualitas_data
from evaluation.presentation.display import bagian, catatan, daftar, judul, tabel, teks
from evaluation.presentation.methodology import asumsi
from evaluation.presentation.report import muat_laporan
from evaluation.presentation.sections import (
    luaran,
    metodologi,
    perubahan,
)
from evaluation.presentation.summary_sections import ringkasan_eksekutif, sampul
from evaluation.presentation.timing import catatan_kohort, fakta_setelah, kelompok_kecil
from evaluation.presentation.triage import (
    asistensi_per_unit,
    daftar_asistensi,
    pengantar_asistensi,
)

__all__ = [
    "asistensi_per_unit",
    "asumsi",
    "bagian",
    "catatan",
    "catatan_corong",
    "catatan_kohort",
    "daftar",
    "daftar_asistensi",
    "fakta_setelah",
    "grafik",
    "judul",
    "kartu_skor",
    "kelompok_kecil",
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
