"""Per-unit lists (publish/units.py): one HTML page per unit with flagged agreements, built
from the tables of record of a real .xlsx register (no notebook, no Chromium here; the
end-to-end test prints them)."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import AG_HEADER, write_xlsx
from evaluation.analysis.tables import compute_tables
from evaluation.ingest import load_processed, run_ingest
from evaluation.params import check_params
from evaluation.publish.units import NO_UNIT_SLUG, write_unit_pages

PD = "Pemerintah Daerah"
#: Signed 2020-02-01, none followed up: as of 2024-03-14 all are tier 2 (no realisation for
#: 49 months), except Z1 (ends 2024-05-31, within 6 months: tier 1) and Z5 (ended: not listed).
ROWS = [
    ["Z1", "Nota Kesepahaman", "Pemkab Satu", PD, "Jawa Timur", date(2020, 2, 1),
     date(2024, 5, 31), "Biro Perencanaan"],
    ["Z2", "Nota Kesepahaman", "Pemkab Dua", PD, "Jawa Timur", date(2020, 2, 1), None,
     "Biro Perencanaan"],
    ["Z3", "Nota Kesepahaman", "Pemkab Tiga", PD, "Jawa Timur", date(2020, 2, 1),
     date(2026, 1, 31), "BP3MI Jawa Timur"],
    ["Z4", "Nota Kesepahaman", "Pemkab Empat", PD, "Jawa Timur", date(2020, 2, 1),
     date(2026, 1, 31), None],
    ["Z5", "Nota Kesepahaman", "Pemkab Lima", PD, "Jawa Timur", date(2020, 2, 1),
     date(2023, 1, 31), "Direktorat Lama"],
]  # fmt: skip


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    base = tmp_path_factory.mktemp("units")
    write_xlsx(base / "raw" / "r.xlsx", {"Perjanjian": [AG_HEADER, *ROWS]})
    run_ingest(base / "raw", base / "processed")
    data = load_processed(base / "processed")
    out = {}
    for lang in ("id", "en"):
        rp = check_params({"as_of": "2024-03-14", "lang": lang})
        out[lang] = (compute_tables(data, rp), rp)
    return out


def test_one_page_per_unit_with_flagged_agreements(tables, tmp_path):
    T, rp = tables["id"]
    pages = write_unit_pages(T, rp, True, tmp_path / "unit")
    names = [p.stem for p in pages]
    # Biro first (its tier-1 agreement), no page for Direktorat Lama (its agreement ended).
    assert names == ["biro_perencanaan", "bp3mi_jawa_timur", NO_UNIT_SLUG]
    text = {p.stem: p.read_text(encoding="utf-8") for p in pages}
    biro = text["biro_perencanaan"]
    assert "Pemkab Satu" in biro and "Pemkab Dua" in biro
    assert "Pemkab Tiga" not in biro and "Pemkab Empat" not in biro
    assert "Pemkab Empat" in text[NO_UNIT_SLUG] and "Pemkab Satu" not in text[NO_UNIT_SLUG]
    assert "tanpa unit pengampu perlu tindakan" in text[NO_UNIT_SLUG]
    assert "Pemkab Lima" not in "".join(text.values())
    assert "DATA CONTOH (SINTETIS)" in biro  # the sample mark
    assert "Data per 14 Maret 2024" in biro
    assert "Tingkat 1 — Putuskan sekarang: perpanjang atau akhiri (1 perjanjian)" in biro
    assert "78 hari lagi" in biro  # 2024-03-14 -> 2024-05-31
    # Z2 has no end date: assumed 2025-01-31 (signing + 5 years - 1 day), marked
    assert "31 Januari 2025*" in biro and "diasumsikan" in biro
    assert "diasumsikan" not in text["bp3mi_jawa_timur"]
    assert '<html lang="id">' in biro
    index = (tmp_path / "unit" / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'href="{name}.pdf"' in index and f'href="{name}.html"' in index


def test_without_pdfs_the_index_links_the_html_lists(tables, tmp_path):
    """``evaluation report --no-pdf`` prints no list: the index must not link a PDF."""
    T, rp = tables["id"]
    pages = write_unit_pages(T, rp, True, tmp_path / "unit", pdf=False)
    index = (tmp_path / "unit" / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in index
    for page in pages:
        assert f'<a href="{page.stem}.html">' in index
    assert index.count("<li>") == len(pages) == 3


def test_english_pages_and_no_sample_mark(tables, tmp_path):
    T, rp = tables["en"]
    pages = write_unit_pages(T, rp, False, tmp_path / "unit")
    biro = pages[0].read_text(encoding="utf-8")
    assert '<html lang="en">' in biro
    assert "Tier 1 — Decide now: renew or close (1 agreements)" in biro
    assert "Data as of 14 March 2024" in biro
    assert "SAMPLE" not in biro


def test_no_flagged_agreement_writes_nothing(tables, tmp_path):
    T, rp = tables["id"]
    empty = dict(T, needs_assistance=T["needs_assistance"].iloc[0:0])
    assert write_unit_pages(empty, rp, False, tmp_path / "unit") == []
    assert not (tmp_path / "unit").exists()
