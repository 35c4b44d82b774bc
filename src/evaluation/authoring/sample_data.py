"""Fixed inputs of the synthetic sample: sheet layout, article counts, partner names and
activity texts, and the canonical labels and regions resolved from the vocabulary."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from evaluation import config
from evaluation.errors import VocabularyError
from evaluation.vocab.loader import Vocabulary

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
