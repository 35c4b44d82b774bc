"""Deterministic synthetic sample workbook (``evaluation sample``).

The sample mirrors the monitoring-and-evaluation meeting of 14 March 2024 (DOMAIN.md): at
``scale=1`` it holds exactly 195 local-government, 128 education, 14 health, 2 financial and
3 government-agency agreements signed between 2018-01-01 and 2024-03-14, their scopes and
follow-up activities. ``scale=N`` multiplies every category by N (a stress test).

Every label (category, scope, status, outcome type, province, document type) is the
canonical label of the vocabulary file; region names come from ``resources/wilayah.toml``.
The same ``(scale, seed)`` always gives a byte-identical workbook: one
:class:`random.Random` drives everything, the workbook properties carry a fixed timestamp and
the zip container is rewritten with fixed entry dates.

Nothing in the workbook is official data; its ``Info`` sheet says so (``dataset = sample``).
"""

from __future__ import annotations

import io
import math
import random
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from evaluation import config
from evaluation.atomic import write_bytes_atomic
from evaluation.errors import ParameterError, VocabularyError
from evaluation.vocab.loader import Vocabulary, load_vocabulary

#: File written by ``write_sample`` at scale 1 (the bundled sample in ``data/raw``).
SAMPLE_FILENAME = "sampel_perjanjian_bp2mi.xlsx"

#: Region names (provinces, regencies, cities) with their sampling weights.
REGIONS_PATH = config.PACKAGE_DIR / "vocab" / "wilayah.toml"

#: Sheets of the canonical workbook and their headers, in order.
AGREEMENT_COLUMNS = [
    "Nomor Perjanjian",
    "Jenis Dokumen",
    "Nama Mitra",
    "Kategori Mitra",
    "Provinsi",
    "Tanggal Penandatanganan",
    "Tanggal Berakhir",
    "Unit Pengampu",
    "Keterangan",
]
SCOPE_COLUMNS = ["Nomor Perjanjian", "Ruang Lingkup"]
ACTIVITY_COLUMNS = [
    "Nomor Perjanjian",
    "Ruang Lingkup",
    "Tanggal Kegiatan",
    "Uraian Kegiatan",
    "Status",
    "Jenis Luaran",
    "Nilai",
    "Bukti",
]
INFO_COLUMNS = ["Kunci", "Nilai"]
SHEETS = {
    "Perjanjian": AGREEMENT_COLUMNS,
    "Ruang Lingkup": SCOPE_COLUMNS,
    "Tindak Lanjut": ACTIVITY_COLUMNS,
    "Info": INFO_COLUMNS,
}
DATE_HEADERS = {"Tanggal Penandatanganan", "Tanggal Berakhir", "Tanggal Kegiatan"}
DATE_FORMAT = "DD/MM/YYYY"
SAMPLE_NOTE = "Data contoh sintetis untuk uji coba; bukan data resmi BP2MI."

#: Agreements per partner category at scale 1 (the figures of the source article).
#: Keys must be canonical category labels of the vocabulary (checked at run time).
ARTICLE_COUNTS = {
    "Pemerintah Daerah": 195,
    "Lembaga Pendidikan": 128,
    "Lembaga Kesehatan": 14,
    "Lembaga Keuangan": 2,
    "Lembaga Pemerintah": 3,
}
#: Signing dates lie in [SINCE, AS_OF]; activities in [signing, DATA_END].
SINCE = config.DEFAULT_SINCE
AS_OF = config.SAMPLE_AS_OF
DATA_END = date(2024, 6, 30)
#: Fixed timestamp written into the workbook properties and the zip entries.
FIXED_TIMESTAMP = datetime(2024, 3, 14, 0, 0, 0)

# Share of signings per year (COVID dip in 2020, 2024 only up to 14 March).
_YEAR_WEIGHTS = {2018: 12, 2019: 17, 2020: 9, 2021: 15, 2022: 20, 2023: 22, 2024: 5}
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

# ---------------------------------------------------------------- partner names (not labels)
# (name, province or "" for national bodies, weight)
_UNIVERSITIES = [
    ("Universitas Brawijaya", "Jawa Timur", 3),
    ("Universitas Airlangga", "Jawa Timur", 3),
    ("Universitas Negeri Surabaya", "Jawa Timur", 2),
    ("Universitas Jember", "Jawa Timur", 2),
    ("Universitas Negeri Malang", "Jawa Timur", 2),
    ("Universitas Muhammadiyah Malang", "Jawa Timur", 2),
    ("Universitas Trunojoyo Madura", "Jawa Timur", 2),
    ("Institut Teknologi Sepuluh Nopember", "Jawa Timur", 1),
    ("Universitas Diponegoro", "Jawa Tengah", 3),
    ("Universitas Negeri Semarang", "Jawa Tengah", 2),
    ("Universitas Jenderal Soedirman", "Jawa Tengah", 2),
    ("Universitas Sebelas Maret", "Jawa Tengah", 2),
    ("Universitas Muhammadiyah Purwokerto", "Jawa Tengah", 1),
    ("Universitas Padjadjaran", "Jawa Barat", 3),
    ("Universitas Pendidikan Indonesia", "Jawa Barat", 2),
    ("Universitas Wiralodra", "Jawa Barat", 2),
    ("Universitas Swadaya Gunung Jati", "Jawa Barat", 2),
    ("Universitas Siliwangi", "Jawa Barat", 1),
    ("Universitas Indonesia", "Jawa Barat", 2),
    ("Institut Pertanian Bogor", "Jawa Barat", 1),
    ("Universitas Mataram", "Nusa Tenggara Barat", 3),
    ("Universitas Muhammadiyah Mataram", "Nusa Tenggara Barat", 2),
    ("Universitas Nusa Cendana", "Nusa Tenggara Timur", 3),
    ("Universitas Katolik Widya Mandira", "Nusa Tenggara Timur", 1),
    ("Universitas Lampung", "Lampung", 3),
    ("Universitas Udayana", "Bali", 3),
    ("Universitas Pendidikan Ganesha", "Bali", 2),
    ("Universitas Sumatera Utara", "Sumatera Utara", 2),
    ("Universitas Negeri Medan", "Sumatera Utara", 1),
    ("Universitas Gadjah Mada", "DI Yogyakarta", 3),
    ("Universitas Negeri Yogyakarta", "DI Yogyakarta", 1),
    ("Universitas Hasanuddin", "Sulawesi Selatan", 1),
    ("Universitas Tanjungpura", "Kalimantan Barat", 2),
    ("Universitas Riau", "Riau", 1),
    ("Universitas Sriwijaya", "Sumatera Selatan", 1),
    ("Universitas Andalas", "Sumatera Barat", 1),
    ("Universitas Syiah Kuala", "Aceh", 1),
    ("Universitas Sam Ratulangi", "Sulawesi Utara", 1),
    ("Universitas Sultan Ageng Tirtayasa", "Banten", 1),
    ("Universitas Internasional Batam", "Kepulauan Riau", 1),
    ("Universitas Borneo Tarakan", "Kalimantan Utara", 1),
    ("Politeknik Negeri Jember", "Jawa Timur", 2),
    ("Politeknik Negeri Malang", "Jawa Timur", 2),
    ("Politeknik Negeri Semarang", "Jawa Tengah", 2),
    ("Politeknik Negeri Bandung", "Jawa Barat", 1),
    ("Politeknik Negeri Indramayu", "Jawa Barat", 2),
    ("Politeknik Negeri Bali", "Bali", 2),
    ("Politeknik Pariwisata Bali", "Bali", 2),
    ("Politeknik Pariwisata Lombok", "Nusa Tenggara Barat", 2),
    ("Politeknik Negeri Kupang", "Nusa Tenggara Timur", 2),
    ("Politeknik Negeri Lampung", "Lampung", 2),
    ("Politeknik Negeri Medan", "Sumatera Utara", 1),
    ("Politeknik Negeri Batam", "Kepulauan Riau", 1),
    ("Politeknik Negeri Pontianak", "Kalimantan Barat", 1),
]
_HOSPITALS = [
    ("RSUD Dr. Soetomo", "Jawa Timur", 3),
    ("RSUP Dr. Kariadi", "Jawa Tengah", 2),
    ("RSUP Dr. Hasan Sadikin", "Jawa Barat", 2),
    ("RSUP Dr. Sardjito", "DI Yogyakarta", 1),
    ("RSUP Prof. Dr. I.G.N.G. Ngoerah", "Bali", 2),
    ("RSUD Provinsi Nusa Tenggara Barat", "Nusa Tenggara Barat", 3),
    ("RSUD Prof. Dr. W. Z. Johannes", "Nusa Tenggara Timur", 3),
    ("RSUD Dr. H. Abdul Moeloek", "Lampung", 2),
    ("RSUP H. Adam Malik", "Sumatera Utara", 1),
    ("RSUD Dr. Soedarso", "Kalimantan Barat", 2),
    ("RSUP Dr. Wahidin Sudirohusodo", "Sulawesi Selatan", 1),
    ("RS Bhayangkara Tk. I R. Said Sukanto", "DKI Jakarta", 2),
    ("RSUD Embung Fatimah", "Kepulauan Riau", 2),
    ("RSUD Indramayu", "Jawa Barat", 2),
    ("RSUD Dr. Iskak Tulungagung", "Jawa Timur", 2),
    ("RSUD Blambangan", "Jawa Timur", 1),
    ("RSUD Dr. R. Soedjono Selong", "Nusa Tenggara Barat", 2),
]
_FINANCIAL = [
    ("PT Bank Negara Indonesia (Persero) Tbk", "", 5),
    ("PT Bank Rakyat Indonesia (Persero) Tbk", "", 4),
    ("PT Bank Mandiri (Persero) Tbk", "", 2),
    ("PT Bank Tabungan Negara (Persero) Tbk", "", 1),
    ("PT Bank Syariah Indonesia Tbk", "", 2),
    ("PT Bank Pembangunan Daerah Jawa Timur Tbk", "Jawa Timur", 1),
    ("PT Bank NTB Syariah", "Nusa Tenggara Barat", 1),
    ("PT Bank Pembangunan Daerah Bali", "Bali", 1),
    ("PT BPR Bank Jepara Artha (Perseroda)", "Jawa Tengah", 1),
    ("PT Pegadaian", "", 1),
    ("PT Permodalan Nasional Madani", "", 1),
]
_AGENCIES = [
    ("Kementerian Ketenagakerjaan", "", 3),
    ("Kementerian Luar Negeri", "", 3),
    ("Kepolisian Negara Republik Indonesia", "", 3),
    ("Kementerian Dalam Negeri", "", 2),
    ("Kementerian Desa, Pembangunan Daerah Tertinggal, dan Transmigrasi", "", 2),
    ("Kementerian Sosial", "", 1),
    ("Direktorat Jenderal Imigrasi Kementerian Hukum dan HAM", "", 2),
    ("Badan Pusat Statistik", "", 1),
    ("Badan Siber dan Sandi Negara", "", 1),
    ("Kejaksaan Republik Indonesia", "", 1),
    ("Lembaga Perlindungan Saksi dan Korban", "", 1),
]

# Units inside the agency ("Unit Pengampu").
_BUREAU = "Biro Perencanaan dan Kerja Sama"
_DIR_PROTECTION_AA = "Direktorat Pelindungan dan Pemberdayaan Kawasan Asia dan Afrika"
_DIR_PROTECTION_EME = "Direktorat Pelindungan dan Pemberdayaan Kawasan Eropa dan Timur Tengah"
_DIR_STRATEGY_AA = (
    "Direktorat Sistem dan Strategi Penempatan dan Pelindungan Kawasan Asia dan Afrika"
)
_DATA_CENTRE = "Pusat Data dan Informasi"

# Activity descriptions per scope code: (not started, in progress, realised). "{w}" is the
# partner's region or short name.
_GENERIC_ACTIVITIES = (
    ["Rencana pelaksanaan kegiatan {s}"],
    ["Persiapan pelaksanaan kegiatan {s}"],
    ["Pelaksanaan kegiatan {s}"],
)
_ACTIVITIES: dict[int, tuple[list[str], list[str], list[str]]] = {
    1: (
        ["Rencana operasi bersama pencegahan penempatan PMI nonprosedural"],
        [
            "Penyusunan rencana aksi pencegahan PMI nonprosedural di {w}",
            "Pendataan calo dan jalur keberangkatan nonprosedural di {w}",
        ],
        [
            "Sosialisasi bahaya penempatan nonprosedural di desa kantong PMI {w}",
            "Operasi bersama pencegahan keberangkatan CPMI nonprosedural",
            "Rapat koordinasi pemberantasan sindikasi penempatan nonprosedural",
        ],
    ),
    2: (
        ["Rencana pelatihan keterampilan bagi CPMI asal {w}"],
        [
            "Penyusunan kurikulum pelatihan CPMI bersama {w}",
            "Seleksi peserta pelatihan bahasa bagi CPMI",
        ],
        [
            "Pelatihan bahasa Korea bagi CPMI asal {w}",
            "Pelatihan bahasa Jepang dan keterampilan caregiver bagi CPMI",
            "Pelatihan keterampilan perhotelan bagi CPMI",
            "Uji kompetensi CPMI sektor manufaktur",
        ],
    ),
    3: (
        ["Rencana penyusunan Raperda Pelindungan PMI {w}"],
        [
            "Penyusunan naskah akademik Raperda Pelindungan PMI {w}",
            "Pendampingan kasus PMI asal {w} bersama dinas terkait",
        ],
        [
            "Fasilitasi pemulangan PMI bermasalah asal {w}",
            "Pendampingan keluarga PMI yang mengalami kasus di luar negeri",
            "Fasilitasi pemulangan jenazah PMI asal {w}",
        ],
    ),
    4: (
        ["Rencana pembentukan layanan penempatan terpadu di {w}"],
        [
            "Penyiapan sarana Layanan Terpadu Satu Atap (LTSA) di {w}",
            "Penyusunan SOP layanan penempatan dan pelindungan PMI",
        ],
        [
            "Penyelenggaraan job fair dan layanan informasi penempatan di {w}",
            "Sosialisasi program penempatan G to G Korea dan Jepang di {w}",
            "Layanan verifikasi dokumen CPMI di {w}",
        ],
    ),
    5: (
        ["Rencana rapat koordinasi evaluasi kerja sama"],
        ["Penyusunan rencana kerja tindak lanjut kerja sama dengan {w}"],
        [
            "Rapat koordinasi evaluasi pelaksanaan kerja sama dengan {w}",
            "Bimbingan teknis petugas dinas tenaga kerja {w}",
            "Rapat koordinasi pelindungan PMI tingkat daerah",
        ],
    ),
    6: (
        ["Rencana pemeriksaan kesehatan CPMI di {w}"],
        ["Penyusunan tarif dan alur pemeriksaan kesehatan CPMI di {w}"],
        [
            "Pemeriksaan kesehatan CPMI di {w}",
            "Penanganan dan rujukan PMI sakit yang dipulangkan",
            "Pelayanan kesehatan PMI terkendala di {w}",
        ],
    ),
    7: (
        ["Rencana sosialisasi KUR PMI"],
        ["Penyusunan skema pembiayaan penempatan bagi CPMI"],
        [
            "Penyaluran Kredit Usaha Rakyat (KUR) bagi CPMI",
            "Edukasi literasi keuangan bagi PMI dan keluarga",
            "Sosialisasi layanan remitansi dan tabungan PMI",
        ],
    ),
    8: (
        ["Rencana penelitian bersama tentang migrasi aman"],
        ["Penyusunan proposal penelitian pelindungan PMI bersama {w}"],
        [
            "Seminar pelindungan PMI bersama {w}",
            "KKN tematik desa migran produktif",
            "Sosialisasi migrasi aman kepada siswa dan mahasiswa {w}",
            "Penelitian bersama tentang kerentanan PMI perempuan",
        ],
    ),
    9: (
        ["Rencana pelatihan kewirausahaan bagi PMI purna"],
        ["Pendataan PMI purna calon peserta pemberdayaan di {w}"],
        [
            "Pelatihan kewirausahaan bagi PMI purna",
            "Pendampingan usaha PMI purna dan keluarganya",
            "Pameran produk UMKM PMI purna",
        ],
    ),
    10: (
        ["Rencana integrasi data CPMI dan PMI"],
        ["Rapat teknis integrasi data dengan SISKOP2MI"],
        [
            "Pertukaran data CPMI dan PMI dengan {w}",
            "Integrasi data layanan dengan SISKOP2MI",
        ],
    ),
}
_PROOFS = ["Notulen rapat", "Laporan kegiatan", "Daftar hadir dan dokumentasi", "Berita acara"]


# ---------------------------------------------------------------- vocabulary and regions
@dataclass(frozen=True)
class _Labels:
    """Canonical labels the generator needs, resolved from the vocabulary."""

    categories: dict[str, str]  # canonical label -> itself (validated ARTICLE_COUNTS keys)
    typical_scopes: dict[str, tuple[str, ...]]  # category -> canonical scope labels
    scope_code: dict[str, int]
    done: str
    in_progress: str
    not_started: str
    nk: str
    pks: str
    perda: str
    budget: str
    ltsa: str
    task_force: str
    other: str


def _resolve(vocab: Vocabulary, section: str, spelling: str) -> str:
    label = vocab.section(section).canonical(spelling)
    if label is None:
        raise VocabularyError(
            f"{vocab.path}: the sample generator needs '{spelling}' in [{section}] "
            "(as a label or alias)."
        )
    return label


def _labels(vocab: Vocabulary) -> _Labels:
    categories = {}
    typical = {}
    for name in ARTICLE_COUNTS:
        label = _resolve(vocab, "partner_categories", name)
        categories[name] = label
        codes = vocab.partner_categories.term(label).typical_scopes
        if not codes:
            raise VocabularyError(f"{vocab.path}: category '{label}' has no typical_scopes.")
        typical[label] = tuple(vocab.scope_by_code(int(c)) for c in codes)
    return _Labels(
        categories=categories,
        typical_scopes=typical,
        scope_code={t.label: int(t.code) for t in vocab.scopes.terms if t.code is not None},
        done=vocab.done_status,
        in_progress=vocab.in_progress_status,
        not_started=vocab.not_started_status,
        nk=_resolve(vocab, "document_types", "Nota Kesepahaman"),
        pks=_resolve(vocab, "document_types", "Perjanjian Kerja Sama"),
        perda=_resolve(vocab, "outcome_types", "Perda"),
        budget=_resolve(vocab, "outcome_types", "Anggaran Diklat"),
        ltsa=_resolve(vocab, "outcome_types", "LTSA"),
        task_force=_resolve(vocab, "outcome_types", "Satgas"),
        other=_resolve(vocab, "outcome_types", "Lainnya"),
    )


@dataclass(frozen=True)
class _Partner:
    name: str
    province: str  # canonical province label or ""
    weight: float
    kind: str = ""  # local governments: "provinsi", "kabupaten" or "kota"
    region: str = ""  # e.g. "Kabupaten Indramayu"; short name for others
    bp3mi: bool = False


def _load_regions(vocab: Vocabulary, path: Path = REGIONS_PATH) -> list[_Partner]:
    """Local-government partners of ``wilayah.toml`` with canonical province labels.

    Raises
    ------
    VocabularyError
        If the file is missing or malformed, or names a province unknown to the vocabulary.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"Region file {path} cannot be read: {exc}") from None
    partners = []
    for entry in data.get("provinsi", []):
        province = vocab.provinces.canonical(entry.get("nama"))
        if province is None:
            raise VocabularyError(
                f"{path}: province '{entry.get('nama')}' is not in the vocabulary."
            )
        weight = float(entry.get("bobot", 1))
        bp3mi = bool(entry.get("bp3mi", False))
        gov = entry.get("pemerintah") or f"Pemerintah Provinsi {province}"
        region = gov.removeprefix("Pemerintah Daerah ").removeprefix("Pemerintah ")
        if not region.startswith("Provinsi"):
            region = f"Provinsi {region}"
        partners.append(_Partner(gov, province, 2 * weight, "provinsi", region, bp3mi))
        for kind, key in (("kabupaten", "kabupaten"), ("kota", "kota")):
            for name in entry.get(key, []):
                region = f"{kind.capitalize()} {name}"
                partners.append(
                    _Partner(f"Pemerintah {region}", province, weight, kind, region, bp3mi)
                )
    if not partners:
        raise VocabularyError(f"{path}: no [[provinsi]] entries.")
    return partners


def _other_partners(listed: list[tuple[str, str, float]], vocab: Vocabulary) -> list[_Partner]:
    out = []
    for name, province, weight in listed:
        label = vocab.provinces.canonical(province) if province else ""
        out.append(_Partner(name, label or "", weight, region=name))
    return out


# ---------------------------------------------------------------- small helpers
def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


class _Pool:
    """Weighted draws without replacement, refilled (re-shuffled) when exhausted."""

    def __init__(self, rng: random.Random, items: list[_Partner]):
        self._rng = rng
        self._items = items
        self._queue: list[_Partner] = []

    def draw(self) -> _Partner:
        if not self._queue:
            keyed = [
                (self._rng.random() ** (1.0 / max(p.weight, 1e-9)), i)
                for i, p in enumerate(self._items)
            ]
            keyed.sort(reverse=True)
            self._queue = [self._items[i] for _, i in reversed(keyed)]
        return self._queue.pop()


@dataclass
class _Agreement:
    category: str
    partner: _Partner
    doc_type: str
    signed: date
    ends: date | None = None
    unit: str = ""
    notes: str = ""
    scopes: list[str] = field(default_factory=list)
    parent: _Agreement | None = None
    number: str = ""
    order: int = 0


# ---------------------------------------------------------------- the generator
class _Generator:
    def __init__(self, scale: int, seed: int, vocab: Vocabulary):
        self.rng = random.Random(seed)
        self.scale = scale
        self.seed = seed
        self.vocab = vocab
        self.lab = _labels(vocab)
        regions = _load_regions(vocab)
        self.regions = regions
        c = self.lab.categories
        sending = [p for p in regions if p.kind != "provinsi" and p.weight >= 3]
        schools = [
            _Partner(
                f"SMK Negeri {k} {p.region.split(' ', 1)[1]}",
                p.province,
                p.weight / k,
                region=p.region,
            )
            for p in sending
            for k in (1, 2, 3)
        ]
        rsud = [
            _Partner(f"RSUD {p.region}", p.province, p.weight / 4, region=p.region)
            for p in sending
            if p.kind == "kabupaten"
        ]
        self.pools = {
            c["Pemerintah Daerah"]: _Pool(self.rng, regions),
            c["Lembaga Pendidikan"]: _Pool(
                self.rng, _other_partners(_UNIVERSITIES, vocab) + schools
            ),
            c["Lembaga Kesehatan"]: _Pool(self.rng, _other_partners(_HOSPITALS, vocab) + rsud),
            c["Lembaga Keuangan"]: _Pool(self.rng, _other_partners(_FINANCIAL, vocab)),
            c["Lembaga Pemerintah"]: _Pool(self.rng, _other_partners(_AGENCIES, vocab)),
        }
        self.pks_share = {
            c["Pemerintah Daerah"]: 0.14,
            c["Lembaga Pendidikan"]: 0.25,
            c["Lembaga Kesehatan"]: 0.2,
            c["Lembaga Keuangan"]: 0.3,
            c["Lembaga Pemerintah"]: 0.2,
        }
        # Share of agreements with real follow-up, with only preparatory activity, or none.
        self.engagement = {
            c["Pemerintah Daerah"]: (0.60, 0.15),
            c["Lembaga Pendidikan"]: (0.55, 0.15),
            c["Lembaga Kesehatan"]: (0.55, 0.20),
            c["Lembaga Keuangan"]: (0.70, 0.15),
            c["Lembaga Pemerintah"]: (0.70, 0.15),
        }
        self.seq_per_year: dict[int, int] = {}

    # -- agreements -------------------------------------------------------------------------
    def signing_date(self) -> date:
        rng = self.rng
        years = list(_YEAR_WEIGHTS)
        year = rng.choices(years, weights=[_YEAR_WEIGHTS[y] for y in years])[0]
        start = max(date(year, 1, 1), SINCE)
        end = min(date(year, 12, 31), AS_OF)
        d = start + timedelta(days=rng.randrange((end - start).days + 1))
        if d.weekday() == 5:  # Saturday -> Friday
            d -= timedelta(days=1)
        elif d.weekday() == 6:  # Sunday -> Monday
            d += timedelta(days=1)
        return d

    def end_date(self, signed: date, doc_type: str) -> date | None:
        u = self.rng.random()
        if doc_type == self.lab.nk:
            years = 5 if u < 0.84 else 3 if u < 0.90 else 2 if u < 0.94 else None
        else:
            years = 2 if u < 0.35 else 3 if u < 0.75 else 5 if u < 0.95 else None
        if years is None:
            return None
        return _add_years(signed, years) - timedelta(days=1)

    def unit(self, category: str, partner: _Partner) -> str:
        rng = self.rng
        c = self.lab.categories
        u = rng.random()
        if u < 0.03:
            return ""
        if category == c["Pemerintah Daerah"]:
            if partner.bp3mi and u < 0.55:
                return f"BP3MI {partner.province}"
            return _BUREAU if u < 0.85 else _DIR_PROTECTION_AA
        if category == c["Lembaga Pendidikan"]:
            return rng.choice([_BUREAU, _BUREAU, _DIR_STRATEGY_AA, _DIR_PROTECTION_EME])
        if category == c["Lembaga Kesehatan"]:
            return rng.choice([_BUREAU, _DIR_PROTECTION_AA, _DIR_PROTECTION_EME])
        if category == c["Lembaga Keuangan"]:
            return rng.choice([_BUREAU, _DIR_PROTECTION_AA])
        return rng.choice([_BUREAU, _BUREAU, _DATA_CENTRE, _DIR_STRATEGY_AA])

    def scopes(self, category: str, doc_type: str, parent: _Agreement | None) -> list[str]:
        rng = self.rng
        typical = list(self.lab.typical_scopes[category])
        if parent is not None and parent.scopes:
            pool = [s for s in typical if s in parent.scopes] or typical
            k = min(len(pool), rng.choice([1, 1, 2, 2, 3]))
        elif doc_type == self.lab.pks:
            pool = typical
            k = min(len(pool), rng.choice([1, 2, 2, 3]))
        else:
            pool = typical
            n = min(len(pool), 5)
            u = rng.random()
            k = n if u < 0.6 else max(1, n - 1) if u < 0.85 else max(1, n - 2)
        chosen = rng.sample(pool, k)
        return sorted(chosen, key=lambda s: self.lab.scope_code.get(s, 99))

    def agreements(self) -> list[_Agreement]:
        rng = self.rng
        out: list[_Agreement] = []
        for name, base in ARTICLE_COUNTS.items():
            category = self.lab.categories[name]
            n = base * self.scale
            n_pks = sum(rng.random() < self.pks_share[category] for _ in range(n))
            made: list[_Agreement] = []
            for _ in range(n - n_pks):
                partner = self.pools[category].draw()
                signed = self.signing_date()
                made.append(_Agreement(category, partner, self.lab.nk, signed))
            parents = [a for a in made if a.signed <= AS_OF - timedelta(days=90)]
            for _ in range(n_pks):
                if parents and rng.random() < 0.6:
                    parent = rng.choice(parents)
                    room = min(720, (AS_OF - parent.signed).days)
                    signed = parent.signed + timedelta(days=rng.randint(30, room))
                    if signed.weekday() >= 5:
                        signed -= timedelta(days=signed.weekday() - 4)
                    made.append(
                        _Agreement(category, parent.partner, self.lab.pks, signed, parent=parent)
                    )
                else:
                    partner = self.pools[category].draw()
                    made.append(_Agreement(category, partner, self.lab.pks, self.signing_date()))
            for a in made:
                a.ends = self.end_date(a.signed, a.doc_type)
                a.unit = self.unit(category, a.partner)
            out.extend(made)
        # Parents first so that children can copy a subset of their scopes.
        for a in out:
            if a.parent is None:
                a.scopes = self.scopes(a.category, a.doc_type, None)
        for a in out:
            if a.parent is not None:
                a.scopes = self.scopes(a.category, a.doc_type, a.parent)
        # A few agreements whose scope was never entered (an edge case for the metrics).
        n_empty = max(1, round(len(out) / 170))
        candidates = [a for a in out if a.parent is None and a.signed.year >= 2019]
        for a in rng.sample(candidates, min(n_empty, len(candidates))):
            a.scopes = []
            a.notes = "Ruang lingkup belum diinput; naskah sedang ditelusuri"
        self.number(out)
        for a in out:
            if a.parent is not None:
                a.notes = f"Turunan dari Nota Kesepahaman Nomor {a.parent.number}"
            elif not a.notes:
                u = rng.random()
                if a.ends is None and u < 0.5:
                    a.notes = "Jangka waktu tidak dicantumkan dalam naskah"
                elif u < 0.05:
                    a.notes = "Perpanjangan dari kerja sama periode sebelumnya"
                elif u < 0.08:
                    a.notes = f"Ditandatangani pada Rapat Koordinasi Nasional BP2MI {a.signed.year}"
        out.sort(key=lambda a: a.order)
        return out

    def number(self, agreements: list[_Agreement]) -> None:
        """Letter numbers ``B.<n>/KS.0x.01/<month>/<year>``, running per year in date order."""
        rng = self.rng
        keyed = sorted(((a.signed, rng.random(), i) for i, a in enumerate(agreements)))
        for order, (signed, _, i) in enumerate(keyed):
            a = agreements[i]
            seq = self.seq_per_year.get(signed.year, rng.randint(3, 40)) + rng.randint(1, 30)
            self.seq_per_year[signed.year] = seq
            code = "KS.01.01" if a.doc_type == self.lab.nk else "KS.02.01"
            a.number = f"B.{seq}/{code}/{_ROMAN[signed.month - 1]}/{signed.year}"
            a.order = order

    # -- activities -------------------------------------------------------------------------
    def text(self, scope: str, stage: int, a: _Agreement) -> str:
        code = self.lab.scope_code.get(scope)
        texts = _ACTIVITIES.get(code, _GENERIC_ACTIVITIES)[stage] if code else None
        texts = texts or _GENERIC_ACTIVITIES[stage]
        return self.rng.choice(texts).format(w=a.partner.region, s=scope.lower())

    def proof(self, d: date, status: str) -> str:
        if status == self.lab.not_started:
            return ""
        if status == self.lab.in_progress and self.rng.random() < 0.5:
            return ""
        return f"{self.rng.choice(_PROOFS)} {_fmt(d)}"

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def activities(self, a: _Agreement) -> list[tuple]:
        """Activity rows ``(scope, date, text, status, outcome, value, proof)`` of ``a``."""
        rng = self.rng
        lab = self.lab
        if not a.scopes:
            return []
        ends = a.ends or (_add_years(a.signed, config.DEFAULT_TERM_YEARS) - timedelta(days=1))
        horizon = min(DATA_END, ends)
        if horizon <= a.signed:
            return []
        engaged_p, weak_p = self.engagement[a.category]
        u = rng.random()
        rows: list[tuple] = []

        def add(scope, d, stage, status, outcome="", value=None, proof=None):
            if d > horizon:
                return
            rows.append(
                (
                    scope,
                    d,
                    self.text(scope, stage, a),
                    status,
                    outcome,
                    value,
                    self.proof(d, status) if proof is None else proof,
                )
            )

        if u >= engaged_p + weak_p:
            return []  # dormant: nothing happened after signing
        if u >= engaged_p:  # only preparatory steps
            for scope in rng.sample(a.scopes, min(len(a.scopes), rng.choice([1, 1, 2]))):
                d = a.signed + timedelta(days=rng.randint(20, 420))
                status = lab.in_progress if rng.random() < 0.6 else lab.not_started
                add(scope, d, 0 if status == lab.not_started else 1, status)
            return rows
        for scope in a.scopes:
            if rng.random() < 0.66:
                delay = int(rng.lognormvariate(math.log(230), 0.75))
                done_on = a.signed + timedelta(days=max(14, delay))
                if done_on <= horizon:
                    if rng.random() < 0.45:
                        add(scope, self.day_between(a.signed, done_on), 1, lab.in_progress)
                    add(scope, done_on, 2, lab.done)
                    d = done_on
                    for _ in range(rng.choice([0, 0, 1, 2, 3])):
                        d = d + timedelta(days=rng.randint(120, 400))
                        add(scope, d, 2, lab.done)
                    continue
            v = rng.random()
            if v < 0.35:
                add(scope, a.signed + timedelta(days=rng.randint(30, 600)), 1, lab.in_progress)
            elif v < 0.5:
                add(scope, a.signed + timedelta(days=rng.randint(30, 600)), 0, lab.not_started)
        rows.extend(self.outcomes(a, horizon))
        return rows

    def outcomes(self, a: _Agreement, horizon: date) -> list[tuple]:
        """Outcome rows (Perda, training budget, LTSA, Satgas, people trained)."""
        rng = self.rng
        lab = self.lab
        c = lab.categories
        code_of = {lab.scope_code.get(s): s for s in a.scopes}
        rows = []
        if a.category == c["Pemerintah Daerah"] and a.parent is None:
            p = a.partner
            head = {"provinsi": "Gubernur", "kabupaten": "Bupati", "kota": "Wali Kota"}[p.kind]
            short = p.region.replace("Kabupaten ", "Kab. ")
            if 3 in code_of and rng.random() < 0.3:
                d = a.signed + timedelta(days=int(rng.lognormvariate(math.log(420), 0.4)))
                if d <= horizon:
                    no = rng.randint(1, 12)
                    text = (
                        f"Penetapan Peraturan Daerah {p.region} Nomor {no} Tahun {d.year} "
                        "tentang Pelindungan Pekerja Migran Indonesia"
                    )
                    proof = f"Perda {short} No. {no} Tahun {d.year}"
                    rows.append((code_of[3], d, text, lab.done, lab.perda, None, proof))
            if 2 in code_of and rng.random() < 0.3:
                first = a.signed + timedelta(days=rng.randint(90, 500))
                for k in range(rng.choice([1, 1, 2, 3])):
                    d = date(first.year + k, rng.randint(1, 4), rng.randint(2, 28))
                    if d <= a.signed or d > horizon:
                        continue
                    value = float(rng.randint(30, 500) * 5_000_000)
                    text = (
                        f"Alokasi APBD Tahun Anggaran {d.year} untuk pendidikan dan pelatihan "
                        f"CPMI {p.region}"
                    )
                    proof = f"DPA Dinas Tenaga Kerja {short} TA {d.year}"
                    rows.append((code_of[2], d, text, lab.done, lab.budget, value, proof))
            if 4 in code_of and rng.random() < 0.1:
                d = a.signed + timedelta(days=rng.randint(180, 900))
                if d <= horizon:
                    text = f"Peresmian Layanan Terpadu Satu Atap (LTSA) P2MI {p.region}"
                    proof = f"Berita acara peresmian {_fmt(d)}"
                    rows.append((code_of[4], d, text, lab.done, lab.ltsa, None, proof))
            if 1 in code_of and rng.random() < 0.12:
                d = a.signed + timedelta(days=rng.randint(60, 700))
                if d <= horizon:
                    text = f"Pembentukan Satgas Pencegahan PMI Nonprosedural {p.region}"
                    proof = (
                        f"SK {head} {short} No. {rng.randint(100, 599)}/"
                        f"{rng.randint(1, 300)}/KEP/{d.year}"
                    )
                    rows.append((code_of[1], d, text, lab.done, lab.task_force, None, proof))
        elif a.category == c["Lembaga Pendidikan"]:
            for code in (2, 8):
                if code in code_of and rng.random() < 0.25:
                    d = a.signed + timedelta(days=rng.randint(60, 800))
                    if d <= horizon:
                        people = rng.randint(20, 300)
                        text = f"Pelatihan dan sosialisasi migrasi aman bagi {people} peserta"
                        proof = f"Laporan kegiatan {_fmt(d)}"
                        rows.append((code_of[code], d, text, lab.done, lab.other, people, proof))
        return rows

    # -- tables -----------------------------------------------------------------------------
    def tables(self) -> dict[str, pd.DataFrame]:
        agreements = self.agreements()
        agr_rows, scope_rows, act_rows = [], [], []
        for a in agreements:
            agr_rows.append(
                (
                    a.number,
                    a.doc_type,
                    a.partner.name,
                    a.category,
                    a.partner.province or None,
                    a.signed,
                    a.ends,
                    a.unit or None,
                    a.notes or None,
                )
            )
            for s in a.scopes:
                scope_rows.append((a.number, s))
            acts = self.activities(a)
            acts.sort(key=lambda r: (r[1], self.lab.scope_code.get(r[0], 99)))
            for scope, d, text, status, outcome, value, proof in acts:
                act_rows.append(
                    (a.number, scope, d, text, status, outcome or None, value, proof or None)
                )
        info = [
            ("dataset", "sample"),
            ("keterangan", SAMPLE_NOTE),
            ("scale", self.scale),
            ("seed", self.seed),
        ]
        return {
            "Perjanjian": _frame(agr_rows, AGREEMENT_COLUMNS),
            "Ruang Lingkup": _frame(scope_rows, SCOPE_COLUMNS),
            "Tindak Lanjut": _frame(act_rows, ACTIVITY_COLUMNS),
            "Info": pd.DataFrame(info, columns=INFO_COLUMNS, dtype=object),
        }


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns, dtype=object)
    out = {}
    for col in columns:
        if col in DATE_HEADERS:
            out[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
        elif col == "Nilai":
            out[col] = pd.to_numeric(df[col]).astype("float64")
        else:
            out[col] = df[col].astype("string")
    return pd.DataFrame(out, columns=columns)


def _check_args(scale: object, seed: object) -> None:
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ParameterError(f"scale must be a whole number of at least 1, not {scale!r}.")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ParameterError(f"seed must be a whole number, not {seed!r}.")


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
