"""Tests of the synthetic sample generator (``evaluation.authoring.sample``).

Every check reads the written workbook back (python-calamine / openpyxl), never the
generator's own DataFrames, except the tests of ``generate_sample`` itself.
"""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from evaluation import config
from evaluation.authoring import sample
from evaluation.errors import ParameterError, VocabularyError
from evaluation.vocab.loader import load_vocabulary

AS_OF = date(2024, 3, 14)
SINCE = date(2018, 1, 1)
DATA_END = date(2024, 6, 30)
EXPECTED = {
    "Pemerintah Daerah": 195,
    "Lembaga Pendidikan": 128,
    "Lembaga Kesehatan": 14,
    "Lembaga Keuangan": 2,
    "Lembaga Pemerintah": 3,
}
REGIONS = sample.REGIONS_PATH


# ---------------------------------------------------------------- helpers
def read_book(path: Path) -> dict[str, list[dict]]:
    """Sheets of ``path`` as lists of dicts keyed by the header row ('' for empty cells)."""
    wb = CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python()
        header = rows[0]
        out[name] = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    return out


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def end_of(agreement: dict) -> date:
    """End date with the default rule (5 years minus a day) when empty."""
    if agreement["Tanggal Berakhir"] != "":
        return agreement["Tanggal Berakhir"]
    s = agreement["Tanggal Penandatanganan"]
    return date(s.year + 5, s.month, 28 if (s.month, s.day) == (2, 29) else s.day) - timedelta(1)


def evaluate(book: dict[str, list[dict]], as_of: date = AS_OF) -> dict:
    """The methodology (README), computed independently from the generator."""
    agreements = {
        a["Nomor Perjanjian"]: a
        for a in book["Perjanjian"]
        if a["Tanggal Penandatanganan"] <= as_of
    }
    scopes = defaultdict(set)
    for r in book["Ruang Lingkup"]:
        if r["Nomor Perjanjian"] in agreements:
            scopes[r["Nomor Perjanjian"]].add(r["Ruang Lingkup"])
    done = defaultdict(set)
    last_activity: dict[str, date] = {}
    for r in book["Tindak Lanjut"]:
        n, d = r["Nomor Perjanjian"], r["Tanggal Kegiatan"]
        if n not in agreements or d > as_of:
            continue
        last_activity[n] = max(d, last_activity.get(n, d))
        if r["Status"] == "Terlaksana":
            done[n].add(r["Ruang Lingkup"])
    items = sum(len(s) for s in scopes.values())
    items_done = sum(len(scopes[n] & done[n]) for n in scopes)
    reasons = Counter()
    for n, a in agreements.items():
        signed, ends = a["Tanggal Penandatanganan"], end_of(a)
        if ends < as_of:
            continue
        if not done[n] and add_months(signed, 12) < as_of:
            reasons["grace"] += 1
        if add_months(signed, 12) <= as_of and last_activity.get(n, signed) <= add_months(
            as_of, -12
        ):
            reasons["stale"] += 1
        rate = len(scopes[n] & done[n]) / len(scopes[n]) if scopes[n] else 0.0
        if ends <= add_months(as_of, 6) and rate < 0.5:
            reasons["expiry"] += 1
    return {
        "agreements": len(agreements),
        "scope_rate": items_done / items,
        "followup_rate": sum(1 for n in agreements if done[n]) / len(agreements),
        "reasons": reasons,
    }


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory) -> Path:
    [path] = sample.write_sample(tmp_path_factory.mktemp("a"))
    return path


@pytest.fixture(scope="module")
def book(sample_file) -> dict[str, list[dict]]:
    return read_book(sample_file)


# ---------------------------------------------------------------- file and counts
def test_scale1_writes_the_bundled_file_name(sample_file):
    assert sample_file.name == "sampel_perjanjian_bp2mi.xlsx" == sample.SAMPLE_FILENAME
    assert sample.sample_filename(7) == "sampel_perjanjian_bp2mi_x7.xlsx"
    # Written atomically: nothing but the workbook is left in the folder.
    assert [p.name for p in sample_file.parent.iterdir()] == [sample_file.name]


def test_sheets_and_headers_in_order(book):
    assert list(book) == ["Perjanjian", "Ruang Lingkup", "Tindak Lanjut", "Info"]
    assert list(book["Perjanjian"][0]) == [
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
    assert list(book["Ruang Lingkup"][0]) == ["Nomor Perjanjian", "Ruang Lingkup"]
    assert list(book["Tindak Lanjut"][0]) == [
        "Nomor Perjanjian",
        "Ruang Lingkup",
        "Tanggal Kegiatan",
        "Uraian Kegiatan",
        "Status",
        "Jenis Luaran",
        "Nilai",
        "Bukti",
    ]


def test_counts_per_category_match_the_article(book):
    counts = Counter(a["Kategori Mitra"] for a in book["Perjanjian"])
    assert counts == EXPECTED
    assert sum(counts.values()) == 342


def test_scale_2_doubles_every_category(tmp_path):
    [path] = sample.write_sample(tmp_path, scale=2)
    assert path.name == "sampel_perjanjian_bp2mi_x2.xlsx"
    book2 = read_book(path)
    counts = Counter(a["Kategori Mitra"] for a in book2["Perjanjian"])
    assert counts == {k: 2 * v for k, v in EXPECTED.items()}
    numbers = [a["Nomor Perjanjian"] for a in book2["Perjanjian"]]
    assert len(set(numbers)) == 684
    info = {r["Kunci"]: r["Nilai"] for r in book2["Info"]}
    assert info["scale"] == 2


def test_info_sheet_marks_the_sample(sample_file):
    ws = openpyxl.load_workbook(sample_file, read_only=True)["Info"]
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=5)]
    assert cells == [
        ["Kunci", "Nilai"],
        ["dataset", "sample"],
        ["keterangan", "Data contoh sintetis untuk uji coba; bukan data resmi BP2MI."],
        ["scale", 1],
        ["seed", 2024],
    ]


def test_dates_are_real_excel_dates(sample_file):
    wb = openpyxl.load_workbook(sample_file, read_only=True)
    row = next(wb["Perjanjian"].iter_rows(min_row=2, max_row=2))
    signed = row[5]
    assert signed.is_date and signed.number_format == "DD/MM/YYYY"
    act = next(wb["Tindak Lanjut"].iter_rows(min_row=2, max_row=2))
    assert act[2].is_date and act[2].number_format == "DD/MM/YYYY"


# ---------------------------------------------------------------- content
def test_dates_within_bounds(book):
    agreements = {a["Nomor Perjanjian"]: a for a in book["Perjanjian"]}
    for a in agreements.values():
        assert SINCE <= a["Tanggal Penandatanganan"] <= AS_OF
        if a["Tanggal Berakhir"] != "":
            assert a["Tanggal Berakhir"] > a["Tanggal Penandatanganan"]
    for r in book["Tindak Lanjut"]:
        a = agreements[r["Nomor Perjanjian"]]
        assert a["Tanggal Penandatanganan"] <= r["Tanggal Kegiatan"] <= DATA_END
        assert r["Tanggal Kegiatan"] <= end_of(a)
    ends = [a["Tanggal Berakhir"] for a in agreements.values()]
    assert 1 <= ends.count("") <= 40  # a few empty end dates
    real_ends = [e for e in ends if e != ""]
    assert any(e < AS_OF for e in real_ends)  # some already ended
    assert any(AS_OF <= e <= add_months(AS_OF, 6) for e in real_ends)  # some end soon
    terms = Counter(
        (a["Tanggal Berakhir"] + timedelta(1)).year - a["Tanggal Penandatanganan"].year
        for a in agreements.values()
        if a["Tanggal Berakhir"] != ""
    )
    assert terms[5] > terms[3] > 0 and terms[2] > 0
    late = [r for r in book["Tindak Lanjut"] if r["Tanggal Kegiatan"] > AS_OF]
    assert 5 <= len(late) < len(book["Tindak Lanjut"]) / 5


def test_every_label_is_canonical(book):
    v = load_vocabulary()
    for a in book["Perjanjian"]:
        assert a["Kategori Mitra"] in v.partner_categories.labels
        assert a["Jenis Dokumen"] in v.document_types.labels
        assert a["Provinsi"] == "" or a["Provinsi"] in v.provinces.labels
    for r in book["Ruang Lingkup"]:
        assert r["Ruang Lingkup"] in v.scopes.labels
    for r in book["Tindak Lanjut"]:
        assert r["Ruang Lingkup"] in v.scopes.labels
        assert r["Status"] in v.statuses.labels
        assert r["Jenis Luaran"] == "" or r["Jenis Luaran"] in v.outcome_types.labels
    assert {r["Status"] for r in book["Tindak Lanjut"]} == set(v.statuses.labels)
    docs = Counter(a["Jenis Dokumen"] for a in book["Perjanjian"])
    assert docs["Nota Kesepahaman"] > 3 * docs["Perjanjian Kerja Sama"] > 0


def test_scopes_come_from_the_category_typical_scopes(book):
    v = load_vocabulary()
    category = {a["Nomor Perjanjian"]: a["Kategori Mitra"] for a in book["Perjanjian"]}
    per_agreement = Counter(r["Nomor Perjanjian"] for r in book["Ruang Lingkup"])
    for r in book["Ruang Lingkup"]:
        term = v.partner_categories.term(category[r["Nomor Perjanjian"]])
        allowed = {v.scope_by_code(c) for c in term.typical_scopes}
        assert r["Ruang Lingkup"] in allowed
    assert set(per_agreement.values()) <= {1, 2, 3, 4, 5}
    # The five local-government scopes of the article are all used.
    lg_scopes = {
        r["Ruang Lingkup"]
        for r in book["Ruang Lingkup"]
        if category[r["Nomor Perjanjian"]] == "Pemerintah Daerah"
    }
    assert lg_scopes == {v.scope_by_code(c) for c in (1, 2, 3, 4, 5)}


def test_local_governments_are_real_regions_in_the_right_province(book):
    regions = tomllib.loads(REGIONS.read_text(encoding="utf-8"))["provinsi"]
    province_of = {}
    for p in regions:
        province_of[p.get("pemerintah") or f"Pemerintah Provinsi {p['nama']}"] = {p["nama"]}
        for k in p["kabupaten"]:
            province_of.setdefault(f"Pemerintah Kabupaten {k}", set()).add(p["nama"])
        for k in p["kota"]:
            province_of.setdefault(f"Pemerintah Kota {k}", set()).add(p["nama"])
    lg = [a for a in book["Perjanjian"] if a["Kategori Mitra"] == "Pemerintah Daerah"]
    for a in lg:
        assert a["Provinsi"] in province_of[a["Nama Mitra"]], a
    assert "Pemerintah Kabupaten Indramayu" in province_of
    assert province_of["Pemerintah Kota Batam"] == {"Kepulauan Riau"}
    by_province = Counter(a["Provinsi"] for a in lg)
    sending = ["Jawa Timur", "Jawa Tengah", "Jawa Barat", "Nusa Tenggara Barat", "Lampung"]
    assert sum(by_province[p] for p in sending) > len(lg) / 2
    assert by_province["Jawa Timur"] > by_province["Papua Pegunungan"] + 10


def test_agreement_numbers_are_unique(book):
    numbers = [a["Nomor Perjanjian"] for a in book["Perjanjian"]]
    assert len(numbers) == len(set(numbers)) == 342
    assert all(n.startswith("B.") and n.count("/") == 3 for n in numbers)


def test_rows_refer_to_existing_agreements_and_scopes(book):
    numbers = {a["Nomor Perjanjian"] for a in book["Perjanjian"]}
    pairs = {(r["Nomor Perjanjian"], r["Ruang Lingkup"]) for r in book["Ruang Lingkup"]}
    assert len(pairs) == len(book["Ruang Lingkup"])  # no duplicate scope rows
    assert {n for n, _ in pairs} <= numbers
    for r in book["Tindak Lanjut"]:
        assert (r["Nomor Perjanjian"], r["Ruang Lingkup"]) in pairs


def test_pks_may_name_its_parent_nk(book):
    by_number = {a["Nomor Perjanjian"]: a for a in book["Perjanjian"]}
    children = [a for a in book["Perjanjian"] if a["Keterangan"].startswith("Turunan dari")]
    assert children
    for a in children:
        parent = by_number[a["Keterangan"].rsplit(" ", 1)[1]]
        assert a["Jenis Dokumen"] == "Perjanjian Kerja Sama"
        assert parent["Jenis Dokumen"] == "Nota Kesepahaman"
        assert parent["Nama Mitra"] == a["Nama Mitra"]
        assert parent["Tanggal Penandatanganan"] < a["Tanggal Penandatanganan"]


def test_an_agreement_without_any_scope_exists(book):
    with_scope = {r["Nomor Perjanjian"] for r in book["Ruang Lingkup"]}
    without = [a for a in book["Perjanjian"] if a["Nomor Perjanjian"] not in with_scope]
    assert len(without) >= 1


def test_implementation_rates_at_the_meeting_date(book):
    m = evaluate(book)
    assert m["agreements"] == 342
    assert 0.25 <= m["scope_rate"] <= 0.45
    assert 0.40 <= m["followup_rate"] <= 0.60
    # Later evaluation dates see the activities after the meeting.
    assert evaluate(book, DATA_END)["scope_rate"] > m["scope_rate"]


def test_recent_agreements_are_less_implemented(book):
    signed = {a["Nomor Perjanjian"]: a["Tanggal Penandatanganan"] for a in book["Perjanjian"]}
    done = {
        (r["Nomor Perjanjian"], r["Ruang Lingkup"])
        for r in book["Tindak Lanjut"]
        if r["Status"] == "Terlaksana" and r["Tanggal Kegiatan"] <= AS_OF
    }
    items = [(r["Nomor Perjanjian"], r["Ruang Lingkup"]) for r in book["Ruang Lingkup"]]
    early = [p in done for p in items if signed[p[0]] < date(2021, 1, 1)]
    recent = [p in done for p in items if signed[p[0]] >= date(2023, 1, 1)]
    assert sum(recent) / len(recent) < sum(early) / len(early)
    # Many scope items have no activity at all.
    touched = {(r["Nomor Perjanjian"], r["Ruang Lingkup"]) for r in book["Tindak Lanjut"]}
    assert sum(p not in touched for p in items) > len(items) / 3


def test_every_assistance_reason_is_triggered(book):
    reasons = evaluate(book)["reasons"]
    assert reasons["grace"] >= 5
    assert reasons["stale"] >= 5
    assert reasons["expiry"] >= 1


def test_outcome_indicators(book):
    category = {a["Nomor Perjanjian"]: a for a in book["Perjanjian"]}
    acts = book["Tindak Lanjut"]
    perda_partners = {
        category[r["Nomor Perjanjian"]]["Nama Mitra"]
        for r in acts
        if r["Jenis Luaran"] == "Perda" and r["Status"] == "Terlaksana"
    }
    assert 15 <= len(perda_partners) <= 25
    budgets = [r for r in acts if r["Jenis Luaran"] == "Anggaran Diklat"]
    assert budgets
    assert all(150_000_000 <= r["Nilai"] <= 2_500_000_000 for r in budgets)
    for kind in ("Perda", "Anggaran Diklat", "LTSA", "Satgas"):
        rows = [r for r in acts if r["Jenis Luaran"] == kind]
        assert rows, kind
        assert all(
            category[r["Nomor Perjanjian"]]["Kategori Mitra"] == "Pemerintah Daerah" for r in rows
        )
    trained = [r for r in acts if r["Jenis Luaran"] == "Lainnya"]
    assert trained and all(isinstance(r["Nilai"], float) and r["Nilai"] >= 1 for r in trained)
    assert sum(r["Jenis Luaran"] == "" for r in acts) > 0.8 * len(acts)
    assert all(r["Nilai"] == "" for r in acts if r["Jenis Luaran"] in ("", "Perda", "LTSA"))


# ---------------------------------------------------------------- determinism
def test_byte_identical_in_two_folders(sample_file, tmp_path):
    [again] = sample.write_sample(tmp_path / "b" / "nested")
    assert again.read_bytes() == sample_file.read_bytes()
    [other] = sample.write_sample(tmp_path / "c", seed=7)
    assert other.read_bytes() != sample_file.read_bytes()


def test_rewrite_replaces_an_existing_file(tmp_path):
    target = tmp_path / sample.SAMPLE_FILENAME
    target.write_bytes(b"old content")
    [path] = sample.write_sample(tmp_path)
    assert path == target and path.read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == [sample.SAMPLE_FILENAME]


# ---------------------------------------------------------------- generate_sample
def test_generate_sample_frames():
    tables = sample.generate_sample()
    assert list(tables) == ["Perjanjian", "Ruang Lingkup", "Tindak Lanjut", "Info"]
    agr = tables["Perjanjian"]
    assert len(agr) == 342
    assert str(agr["Tanggal Penandatanganan"].dtype) == "datetime64[ns]"
    assert str(tables["Tindak Lanjut"]["Nilai"].dtype) == "float64"
    assert agr["Tanggal Berakhir"].isna().sum() >= 1
    again = sample.generate_sample()
    assert all(again[k].equals(tables[k]) for k in tables)


@pytest.mark.parametrize("scale", [0, -1, 1.5, True, "2"])
def test_bad_scale_is_refused(scale, tmp_path):
    with pytest.raises(ParameterError, match="scale"):
        sample.write_sample(tmp_path, scale=scale)
    assert list(tmp_path.iterdir()) == []


def test_bad_seed_is_refused():
    with pytest.raises(ParameterError, match="seed"):
        sample.generate_sample(seed="x")


def _vocabulary_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = config.VOCABULARY_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "vocabulary.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_labels_follow_the_vocabulary_file(tmp_path, monkeypatch):
    renamed = "Diklat Calon Pekerja Migran"
    path = _vocabulary_copy(
        tmp_path, 'label = "Pendidikan dan Pelatihan Calon PMI"', f'label = "{renamed}"'
    )
    monkeypatch.setattr(config, "VOCABULARY_PATH", path)
    scopes = set(sample.generate_sample()["Ruang Lingkup"]["Ruang Lingkup"])
    assert renamed in scopes
    assert "Pendidikan dan Pelatihan Calon PMI" not in scopes


def test_missing_category_in_vocabulary_is_reported(tmp_path, monkeypatch):
    path = _vocabulary_copy(
        tmp_path,
        'label = "Lembaga Keuangan"\nlabel_en = "Financial institutions"',
        'label = "Institusi Finansial"\nlabel_en = "Financial institutions"',
    )
    monkeypatch.setattr(config, "VOCABULARY_PATH", path)
    with pytest.raises(VocabularyError, match="Lembaga Keuangan"):
        sample.generate_sample()
