"""The vocabulary as ingestion uses it: the canonical labels and aliases, case/space/punctuation
insensitive matching, header aliases, and an analyst's extension without code changes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from conftest import ACT_HEADER, AG_HEADER, CANONICAL, SC_HEADER, write_xlsx
from evaluation.errors import VocabularyError
from evaluation.ingest import ingest
from evaluation.presentation.remarks import remark_texts
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


# ------------------------------------------------------------------------------ natural wording
PD, EDU, HEALTH = "Pemerintah Daerah", "Lembaga Pendidikan", "Lembaga Kesehatan"
S1, S2, S3, S4, S5 = VOCAB.scopes.labels[:5]
DONE, PROG, NOT_YET = "Terlaksana", "Dalam Proses", "Belum Dilaksanakan"
#: The scopes of the local-government agreements as the source article words them.
ARTICLE_SCOPES = [
    ("sinergi dalam pemberantasan sindikasi penempatan nonprosedural Pekerja Migran Indonesia", S1),
    ("penyelenggaraan pendidikan dan pelatihan bagi calon pekerja migran", S2),
    ("fasilitasi dalam pelindungan Pekerja Migran Indonesia", S3),
    ("sinergi dalam pelayanan penempatan dan pelindungan pekerja migran", S4),
    ("koordinasi terkait pelaksanaan tugas dan fungsi lainnya", S5),
]


@pytest.mark.parametrize(("text", "label"), ARTICLE_SCOPES)
def test_article_wording_of_scopes_is_read_by_keyword(text, label):
    assert VOCAB.scopes.canonical(text) is None  # not an alias: a reading to report
    found = VOCAB.scopes.match(text)
    assert (found.label, found.how) == (label, "keyword")


@pytest.mark.parametrize(
    ("section", "value", "label", "how"),
    [
        ("scopes", 3, S3, "number"),
        ("scopes", 3.0, S3, "number"),
        ("scopes", "2", S2, "number"),
        ("scopes", "Ruang Lingkup 4", S4, "number"),
        ("scopes", "Lingkup ke-5", S5, "number"),
        ("scopes", "1. Diklat CPMI", S2, "numbered"),  # list numbering is not the code
        ("scopes", "(3) Koordinasi", S5, "numbered"),
        ("scopes", 11, None, None),
        ("statuses", "Batal", NOT_YET, "reported"),
        ("statuses", "Tidak terlaksana", NOT_YET, "reported"),
        ("statuses", "Dibatalkan", NOT_YET, "reported"),
        ("statuses", "kegiatan tidak terlaksana", NOT_YET, "keyword"),  # not "terlaksana"
        ("statuses", "Sudah dilaksanakan tgl 3 Mei", DONE, "keyword"),
        ("statuses", "masih dalam proses", PROG, "keyword"),
        ("statuses", "OK", None, None),
        ("statuses", 2, None, None),  # statuses have no numbers
        ("partner_categories", "Pemerintah Kabupaten Sleman", PD, "keyword"),
        ("partner_categories", "Kabupaten Sleman", PD, "keyword"),  # a place word alone
        ("partner_categories", "Universitas Gadjah Mada", EDU, "keyword"),
        ("partner_categories", "RSUD Kota Bandung", HEALTH, "keyword"),  # "kota" is weak
        ("partner_categories", "Bank Pembangunan Daerah Jawa Timur", "Lembaga Keuangan",
         "keyword"),
        ("partner_categories", "Kementerian Ketenagakerjaan", "Lembaga Pemerintah", "keyword"),
        ("partner_categories", "R.S. Harapan Kita", HEALTH, "keyword"),  # initials: "rs"
        ("partner_categories", "1. Pemerintah Kota Malang", PD, "keyword"),
        ("partner_categories", "Lembaga Swadaya Masyarakat", None, None),
    ],
)  # fmt: skip
def test_readings_beyond_the_aliases(section, value, label, how):
    found = VOCAB.section(section).match(value)
    if how is None:
        assert found is None
    else:
        assert (found.label, found.how) == (label, how)


@pytest.mark.parametrize(
    ("section", "text", "candidates"),
    [
        ("scopes", "Sosialisasi dan pelatihan calon PMI",
         ("Penelitian, Sosialisasi dan Pengabdian Masyarakat", S2)),
        ("statuses", "Terlaksana sebagian", (DONE, PROG)),
        ("partner_categories", "Rumah Sakit Universitas Indonesia", (HEALTH, EDU)),
    ],
)  # fmt: skip
def test_keywords_of_two_labels_are_ambiguous(section, text, candidates):
    found = VOCAB.section(section).match(text)
    assert (found.label, found.how, found.candidates) == (None, "ambiguous", candidates)


def test_status_words_of_the_issue_are_aliases():
    words = ["Sudah", "Selesai", "Sudah dilaksanakan", "Terealisasi", "Belum", "Proses",
             "On progress"]  # fmt: skip
    got = [VOCAB.statuses.canonical(w) for w in words]
    assert got == [DONE, DONE, DONE, DONE, NOT_YET, PROG, PROG]


def _extended(tmp_path, old: str, new: str):
    text = VOCAB.path.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "vocabulary.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_keyword_of_two_labels_is_refused(tmp_path):
    path = _extended(tmp_path, 'keywords = ["rumah sakit",', 'keywords = ["bank", "rumah sakit",')
    with pytest.raises(VocabularyError, match="keyword 'bank'.*Lembaga Kesehatan"):
        load_vocabulary(path)


def test_a_reported_alias_that_is_an_alias_elsewhere_is_refused(tmp_path):
    path = _extended(tmp_path, 'reported_aliases = ["Batal",', 'reported_aliases = ["Selesai",')
    with pytest.raises(VocabularyError, match="'Selesai'.*Terlaksana.*Belum Dilaksanakan"):
        load_vocabulary(path)


def test_analyst_adds_a_keyword(tmp_path):
    path = _extended(
        tmp_path, 'keywords = ["bank", "bpr",', 'keywords = ["credit union", "bank", "bpr",'
    )
    vocab = load_vocabulary(path)
    assert VOCAB.partner_categories.match("Credit Union Sejahtera") is None
    found = vocab.partner_categories.match("Credit Union Sejahtera")
    assert (found.label, found.evidence) == ("Lembaga Keuangan", "credit union")


@pytest.fixture(scope="module")
def worded(tmp_path_factory):
    """A workbook in the agreements' own words."""
    raw = tmp_path_factory.mktemp("worded") / "raw"
    signed = date(2022, 1, 10)

    def ag(aid, name, category, province=None):
        return [aid, None, name, category, province, signed, date(2027, 1, 9), None, None]

    def act(aid, scope, status):
        return [aid, scope, date(2023, 5, 2), "Rapat", status, None, None, None]

    write_xlsx(
        raw / "w.xlsx",
        {
            "Perjanjian": [
                AG_HEADER,
                ag("NK.1", "Pemkab Sleman", "Pemerintah Kabupaten Sleman", "DI Yogyakarta"),
                ag("NK.2", "UGM", "Universitas Gadjah Mada"),
                ag("NK.3", "RSUD Kota Bandung", "RSUD Kota Bandung"),
                ag("NK.4", "RS UI", "Rumah Sakit Universitas Indonesia"),  # row 5: ambiguous
                ag("NK.5", "Bank X", "Lembaga Keuangan"),  # exact: no remark
            ],
            "Ruang Lingkup": [
                SC_HEADER,
                *[["NK.1", text] for text, _ in ARTICLE_SCOPES],  # rows 2-6
                ["NK.2", 2],  # row 7: a scope number
                ["NK.3", "Ruang Lingkup 6"],  # row 8
                ["NK.5", "Sosialisasi dan pelatihan calon PMI"],  # row 9: ambiguous
            ],
            "Tindak Lanjut": [
                ACT_HEADER,
                act("NK.1", ARTICLE_SCOPES[0][0], "Sudah"),  # row 2: keyword scope, alias status
                act("NK.1", S2, "Terealisasi"),  # row 3
                act("NK.1", S3, "Batal"),  # row 4
                act("NK.1", S4, "Tidak terlaksana"),  # row 5
                act("NK.1", S5, "On progress"),  # row 6
                act("NK.2", S2, "Terlaksana sebagian"),  # row 7: ambiguous
                act("NK.2", 2, "sudah dilaksanakan bulan Mei"),  # row 8
            ],
        },
    )
    return ingest(raw)


def test_worded_workbook_gives_the_canonical_tables(worded):
    ag = worded.agreements
    assert dict(zip(ag["agreement_id"], ag["partner_category"], strict=True)) == {
        "NK.1": PD, "NK.2": EDU, "NK.3": HEALTH, "NK.5": "Lembaga Keuangan",
    }  # fmt: skip
    si = sorted(zip(worded.scope_items["agreement_id"], worded.scope_items["scope"], strict=True))
    assert si == sorted(
        [("NK.1", s) for _, s in ARTICLE_SCOPES]
        + [("NK.2", S2), ("NK.3", "Layanan Kesehatan CPMI/PMI")]
    )
    acts = worded.activities.sort_values("source_row")
    assert list(zip(acts["source_row"], acts["scope"], acts["status"], strict=True)) == [
        (2, S1, DONE), (3, S2, DONE), (4, S3, NOT_YET), (5, S4, NOT_YET), (6, S5, PROG),
        (8, S2, DONE),
    ]  # fmt: skip


def test_every_non_exact_reading_is_reported(worded):
    dq = worded.quality
    got = {(r.sheet, int(r.row), r.column, r.code, r.action) for r in dq.itertuples()}
    expected = {
        ("Perjanjian", 2, "Kategori Mitra", "label_keyword", "fixed"),
        ("Perjanjian", 3, "Kategori Mitra", "label_keyword", "fixed"),
        ("Perjanjian", 4, "Kategori Mitra", "label_keyword", "fixed"),
        ("Perjanjian", 5, "Kategori Mitra", "label_ambiguous", "quarantined"),
        *{("Ruang Lingkup", r, "Ruang Lingkup", "label_keyword", "fixed") for r in range(2, 7)},
        ("Ruang Lingkup", 7, "Ruang Lingkup", "label_number", "fixed"),
        ("Ruang Lingkup", 8, "Ruang Lingkup", "label_number", "fixed"),
        ("Ruang Lingkup", 9, "Ruang Lingkup", "label_ambiguous", "quarantined"),
        ("Tindak Lanjut", 2, "Ruang Lingkup", "label_keyword", "fixed"),
        ("Tindak Lanjut", 4, "Status", "label_reported", "fixed"),
        ("Tindak Lanjut", 5, "Status", "label_reported", "fixed"),
        ("Tindak Lanjut", 7, "Status", "label_ambiguous", "quarantined"),
        ("Tindak Lanjut", 8, "Ruang Lingkup", "label_number", "fixed"),
        ("Tindak Lanjut", 8, "Status", "label_keyword", "fixed"),
    }
    assert got == expected


def test_reading_remarks_quote_the_original_text(worded):
    dq = worded.quality
    dq = dq.assign(problem_id=remark_texts(dq, "id")).set_index(["sheet", "row", "column"])
    r = dq.loc[("Perjanjian", 4, "Kategori Mitra")]
    assert r["value"] == "RSUD Kota Bandung"
    assert r["problem"] == (
        "Kategori Mitra 'RSUD Kota Bandung' read as 'Lembaga Kesehatan' (keyword 'rsud')"
    )
    assert r["problem_id"] == (
        "Kategori Mitra 'RSUD Kota Bandung' dibaca sebagai 'Lembaga Kesehatan' (kata kunci 'rsud')"
    )
    r = dq.loc[("Perjanjian", 5, "Kategori Mitra")]
    assert r["problem"] == (
        "Kategori Mitra 'Rumah Sakit Universitas Indonesia' has keywords of several labels; "
        "did you mean 'Lembaga Kesehatan; Lembaga Pendidikan'? Write one of them"
    )
    r = dq.loc[("Tindak Lanjut", 4, "Status")]
    assert r["problem_id"] == (
        "Status 'Batal' dihitung sebagai 'Belum Dilaksanakan'; pastikan memang itu maksudnya"
    )
    r = dq.loc[("Ruang Lingkup", 8, "Ruang Lingkup")]
    assert r["problem"] == (
        "Ruang Lingkup 'Ruang Lingkup 6' read as number 6: 'Layanan Kesehatan CPMI/PMI'"
    )


def test_a_superscript_digit_is_not_a_scope_number():
    """Found by the ingestion property test: "³".isdigit() is True but int("³") fails."""
    from evaluation.vocab.matching import _number

    assert _number("³") is None and _number(" 3 ") == 3 and _number("1234") is None
