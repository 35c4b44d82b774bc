"""The vocabulary as ingestion uses it: DOMAIN.md's labels and aliases, case/space/punctuation
insensitive matching, header aliases, and an analyst's extension without code changes."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import CANONICAL, write_xlsx
from evaluation.ingest import ingest
from evaluation.vocab.loader import load_vocabulary, match_key

VOCAB = load_vocabulary()


def test_canonical_labels_are_those_of_the_domain():
    assert VOCAB.partner_categories.labels == [
        "Pemerintah Daerah",
        "Lembaga Pendidikan",
        "Lembaga Kesehatan",
        "Lembaga Keuangan",
        "Lembaga Pemerintah",
    ]
    assert VOCAB.scopes.labels[:5] == [
        "Pemberantasan Sindikasi Penempatan Nonprosedural",
        "Pendidikan dan Pelatihan Calon PMI",
        "Fasilitasi Pelindungan PMI",
        "Pelayanan Penempatan dan Pelindungan PMI",
        "Koordinasi Tugas dan Fungsi",
    ]
    assert len(VOCAB.scopes.labels) == 10
    assert VOCAB.statuses.labels == ["Belum Dilaksanakan", "Dalam Proses", "Terlaksana"]
    assert VOCAB.outcome_types.labels == ["Perda", "Anggaran Diklat", "LTSA", "Satgas", "Lainnya"]
    assert len(VOCAB.provinces.labels) == 38


@pytest.mark.parametrize(
    ("spelling", "label"),
    [
        ("Pemda", "Pemerintah Daerah"),
        ("Pemprov", "Pemerintah Daerah"),
        ("pemkab", "Pemerintah Daerah"),
        ("PEMKOT", "Pemerintah Daerah"),
        ("Pemerintah Kabupaten", "Pemerintah Daerah"),
        ("  pemerintah   daerah. ", "Pemerintah Daerah"),
        ("Universitas", "Lembaga Pendidikan"),
        ("Perguruan Tinggi", "Lembaga Pendidikan"),
        ("Politeknik", "Lembaga Pendidikan"),
        ("SMK", "Lembaga Pendidikan"),
        ("Rumah Sakit", "Lembaga Kesehatan"),
        ("RSUD", "Lembaga Kesehatan"),
        ("r.s.", "Lembaga Kesehatan"),
        ("Puskesmas", "Lembaga Kesehatan"),
        ("Bank", "Lembaga Keuangan"),
        ("BPR", "Lembaga Keuangan"),
        ("K/L", "Lembaga Pemerintah"),
        ("k l", "Lembaga Pemerintah"),
        ("Kementerian", "Lembaga Pemerintah"),
        ("Badan", "Lembaga Pemerintah"),
    ],
)
def test_category_aliases(spelling, label):
    assert VOCAB.partner_categories.canonical(spelling) == label


@pytest.mark.parametrize(
    ("section", "spelling", "label"),
    [
        ("scopes", " DIKLAT  cpmi ", "Pendidikan dan Pelatihan Calon PMI"),
        ("scopes", "pemberantasan sindikasi penempatan non-prosedural",
         "Pemberantasan Sindikasi Penempatan Nonprosedural"),
        ("scopes", "Pemberantasan Sindikasi Penempatan Non Prosedural",
         "Pemberantasan Sindikasi Penempatan Nonprosedural"),
        ("scopes", "layanan kesehatan cpmi / pmi", "Layanan Kesehatan CPMI/PMI"),
        ("statuses", "SELESAI", "Terlaksana"),
        ("statuses", "sedang  berjalan", "Dalam Proses"),
        ("statuses", "belum", "Belum Dilaksanakan"),
        ("outcome_types", "peraturan daerah", "Perda"),
        ("provinces", "jatim", "Jawa Timur"),
        ("provinces", "D.I. Yogyakarta", "DI Yogyakarta"),
        ("partner_categories", "Lembaga Swadaya Masyarakat", None),
        ("partner_categories", "", None),
    ],
)  # fmt: skip
def test_other_sections(section, spelling, label):
    assert VOCAB.section(section).canonical(spelling) == label


def test_header_aliases_and_index_headers():
    ag = VOCAB.sheet_for("DAFTAR PERJANJIAN")
    assert ag is not None and ag.table == "agreements"
    lookup = ag.header_lookup()
    assert lookup[match_key("Tgl. Penandatanganan")].field == "signed_on"
    assert lookup[match_key("NOMOR  PERJANJIAN ")].field == "agreement_id"
    assert lookup[match_key("Propinsi")].field == "province"
    assert {c.field for c in ag.required} == {
        "agreement_id",
        "partner_name",
        "partner_category",
        "signed_on",
    }
    assert match_key("No.") in {match_key(h) for h in VOCAB.index_headers}
    assert VOCAB.sheet_for("tindaklanjut").table == "activities"
    assert VOCAB.sheet_for("Rekap") is None


def test_analyst_extends_vocabulary_without_code(tmp_path):
    """A new alias in a copy of vocabulary.toml is honoured by ingestion."""
    text = VOCAB.path.read_text(encoding="utf-8")
    extended = text.replace(
        'aliases = ["Bank", "BPR",', 'aliases = ["Credit Union", "Bank", "BPR",'
    )
    assert extended != text
    path = tmp_path / "vocabulary.toml"
    path.write_text(extended, encoding="utf-8")
    ag = [list(r) for r in CANONICAL["Perjanjian"]]
    ag[4][3] = "credit union"
    write_xlsx(tmp_path / "raw" / "p.xlsx", {**CANONICAL, "Perjanjian": ag})
    with_default = ingest(tmp_path / "raw")
    assert "NK.04/2024" not in set(with_default.agreements["agreement_id"])
    res = ingest(tmp_path / "raw", vocab=load_vocabulary(path))
    got = res.agreements.set_index("agreement_id").loc["NK.04/2024", "partner_category"]
    assert got == "Lembaga Keuangan"
    assert res.quality.empty
    assert isinstance(res.agreements, pd.DataFrame)
