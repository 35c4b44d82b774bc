"""End-to-end tests of ``run_report``: real ingestion, papermill, nbconvert and Chromium.

One module-scoped fixture writes a small workbook with openpyxl and runs the whole pipeline
ONCE (main report, one report per partner category, the partner annex, PDFs). The tests then
check the report folder, the figures (computed by hand below, never copied from the output),
the offline HTML in Chromium, the PDF text and the injection-safe CSV/xlsx. A second, cheap
run (English, HTML only) checks the English headings; a third run with a broken notebook
checks that a failure leaves the previous report untouched.

Hand computation (as_of 2024-03-14, since 2018-01-01; T = Terlaksana, DP = Dalam Proses,
B = Belum Dilaksanakan; S1..S10 = the vocabulary scopes by code)::

    id   category    signed      ends        scopes        counted activities       done/items
    A01  Pemda       2019-02-01  2024-01-31  S1 S2         S2 T                     1/2 ended
    A02  Pemda       2021-06-01  2026-05-31  S1 S3 S5      S1 T, S3 DP (S5 T later) 1/3
    A03  Pemda       2022-03-01  2027-02-28  S2 S4         none                     0/2
    A04  Pemda       2020-09-15  2025-09-14  S1 S2 S3 S4   S1 T, S2 T, S3 T, S4 B   3/4
    A05  Pemda       2023-10-01  2028-09-30  S2            S2 DP, S2 T              1/1
    A06  Pemda       2018-05-01  2023-04-30  S5            S5 B                     0/1 ended
    B01  Pendidikan  2021-01-10  2026-01-09  S2 S8         S2 T, S8 T               2/2
    B02  Pendidikan  2022-07-01  (+5 y)      S8            S8 DP                    0/1
    B03  Pendidikan  2023-02-01  (+5 y)      S2 S8         S2 T                     1/2
    B04  Pendidikan  2019-11-01  2024-07-31  S8 S10        none                     0/2
    B05  Pendidikan  2024-04-01  -> signed after as_of: not counted at all
    C01  Kesehatan   2022-01-05  2027-01-04  S6            S6 T                     1/1
    C02  Kesehatan   2023-05-01  2028-04-30  S3 S6         (S3 T dated after as_of) 0/2

    Pemerintah Daerah : 6 agreements (4 active, 2 ended), followed up A01 A02 A04 A05 = 4
                        -> 4/6 = 66,7%; scope items 2+3+2+4+1+1 = 13, done 1+1+0+3+1+0 = 6
                        -> 6/13 = 46,2%; in progress: A02 S3 = 1
    Lembaga Pendidikan: 4 agreements (all active), followed up B01 B03 = 2 -> 50,0%;
                        items 2+1+2+2 = 7, done 2+0+1+0 = 3 -> 42,9%; in progress B02 S8 = 1
    Lembaga Kesehatan : 2 agreements, followed up C01 = 1 -> 50,0%; items 1+2 = 3, done 1
                        -> 33,3%; in progress 0
    All               : 12 agreements, 7 followed up; 23 scope items, 10 done
    (+5 y): no end date, assumed signing + 5 years - 1 day (B02: 2027-06-30).
    Tiers (as_of + 6 months = 2024-09-14; grace/stale cut 2023-03-14): B04 tier 1 (ends
    2024-07-31, 0/2, 139 days left); A03, B02 tier 2 (nothing realised); A04, B01, C01 tier 3
    (realised, nothing since the cut). Units: A03, C01 Direktorat Asia Afrika; B04 BP3MI Jawa
    Barat; A04, B01, B02 none; A01 (Biro) has ended, so Biro gets no list.
    By scope (items/done/in progress): S1 3/2/0, S2 6/5/0, S3 3/1/1, S4 2/0/0, S5 2/0/0,
                        S6 2/1/0, S7 0, S8 4/1/1, S9 0, S10 1/0/0
"""

from __future__ import annotations

import csv
import hashlib
import html as html_lib
import json
import math
import re
import shutil
import subprocess
import time
from datetime import date, datetime
from datetime import date as D
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from evaluation.errors import NotebookError
from evaluation.publish.run import run_report
from html_inspect import chromium_browser, inspect_html

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
AS_OF = "2024-03-14"
MAIN = f"laporan_evaluasi_{AS_OF}"
ANNEX = f"lampiran_mitra_{AS_OF}"

SCRIPT_NAME = "Pemkab <script>alert(1)</script>"
FORMULA_NAME = '=HYPERLINK("x")'

S1 = "Pemberantasan Sindikasi Penempatan Nonprosedural"
S2 = "Pendidikan dan Pelatihan Calon PMI"
S3 = "Fasilitasi Pelindungan PMI"
S4 = "Pelayanan Penempatan dan Pelindungan PMI"
S5 = "Koordinasi Tugas dan Fungsi"
S6 = "Layanan Kesehatan CPMI/PMI"
S8 = "Penelitian, Sosialisasi dan Pengabdian Masyarakat"
S10 = "Pertukaran Data dan Informasi"
PD, LP, LK = "Pemerintah Daerah", "Lembaga Pendidikan", "Lembaga Kesehatan"
NK, PKS = "Nota Kesepahaman", "Perjanjian Kerja Sama"
T, DP, B = "Terlaksana", "Dalam Proses", "Belum Dilaksanakan"

# --------------------------------------------------------------------------- the workbook
#: Responsible units of some flagged agreements (the others have none; A01's "Biro" has ended).
UNIT_DA, UNIT_JB = "Direktorat Asia Afrika", "BP3MI Jawa Barat"
AG_HEADER = [
    "Nomor Perjanjian", "Jenis Dokumen", "Nama Mitra", "Kategori Mitra", "Provinsi",
    "Tanggal Penandatanganan", "Tanggal Berakhir", "Unit Pengampu", "Keterangan",
]  # fmt: skip
AGREEMENTS = [
    ["A01", NK, "Pemprov Jawa Timur", PD, "Jawa Timur", D(2019, 2, 1), D(2024, 1, 31), "Biro"],
    ["A02", PKS, "Pemkab Cilacap", "Pemkab", "Jawa Tengah", D(2021, 6, 1), D(2026, 5, 31)],
    ["A03", PKS, SCRIPT_NAME, PD, "Nusa Tenggara Barat", D(2022, 3, 1), D(2027, 2, 28), UNIT_DA],
    ["A04", NK, "Pemkot Batam", "Pemkot", "Kepulauan Riau", D(2020, 9, 15), D(2025, 9, 14)],
    ["A05", PKS, "Pemkab Indramayu", PD, "Jawa Barat", D(2023, 10, 1), D(2028, 9, 30)],
    ["A06", NK, "Pemerintah Provinsi Bali", PD, "Bali", D(2018, 5, 1), D(2023, 4, 30)],
    ["B01", PKS, "Universitas Brawijaya", LP, None, D(2021, 1, 10), D(2026, 1, 9)],
    ["B02", PKS, FORMULA_NAME, "Politeknik", None, D(2022, 7, 1), None],  # assumed 2027-06-30
    ["B03", PKS, "SMK Negeri 1 Cirebon", LP, None, D(2023, 2, 1), None, None, "tanpa tgl akhir"],
    ["B04", NK, "Institut Teknologi Bandung", LP, None, D(2019, 11, 1), D(2024, 7, 31), UNIT_JB],
    ["B05", PKS, "Universitas Kelewatan", LP, None, D(2024, 4, 1), D(2029, 3, 31)],
    ["C01", PKS, "RSUD Dr. Soetomo", "RSUD", "Jawa Timur", D(2022, 1, 5), D(2027, 1, 4), UNIT_DA],
    ["C02", PKS, "Klinik Sehat Migran", LK, None, D(2023, 5, 1), D(2028, 4, 30)],
]  # fmt: skip
SCOPE_ROWS = [
    ["A01", S1], ["A01", S2],
    ["A02", S1], ["A02", S3], ["A02", S5],
    ["A03", S2], ["A03", S4],
    ["A04", S1], ["A04", S2], ["A04", S3], ["A04", S4],
    ["A05", S2],
    ["A06", S5],
    ["B01", S2], ["B01", S8],
    ["B02", S8],
    ["B03", S2], ["B03", S8],
    ["B04", S8], ["B04", S10],
    ["B05", S2],
    ["C01", S6],
    ["C02", S3], ["C02", S6],
]  # fmt: skip
ACT_HEADER = [
    "Nomor Perjanjian", "Ruang Lingkup", "Tanggal Kegiatan", "Uraian Kegiatan", "Status",
    "Jenis Luaran", "Nilai", "Bukti",
]  # fmt: skip
ACTIVITIES = [
    ["A01", S2, D(2020, 5, 1), "Pelatihan CPMI", T, "Anggaran Diklat", 1_000_000_000],
    ["A02", S1, D(2022, 1, 10), "Perda pelindungan PMI", T, "Perda", None, "Perda 3/2022"],
    ["A02", S3, D(2023, 6, 1), "Rancangan layanan terpadu", DP],
    ["A02", S5, D(2024, 5, 1), "Rapat koordinasi (setelah as_of)", T],
    ["A04", S1, D(2021, 3, 1), "Pembentukan satgas", T, "Satgas"],
    ["A04", S2, D(2021, 8, 1), "Pelatihan bahasa", T],
    ["A04", S3, D(2022, 2, 1), "Pendampingan PMI", T],
    ["A04", S4, D(2022, 5, 1), "Rencana LTSA", B],
    ["A05", S2, D(2023, 11, 1), "Penyusunan anggaran", DP],
    ["A05", S2, D(2024, 2, 20), "Anggaran diklat disahkan", T, "Anggaran Diklat", 250_000_000],
    ["A06", S5, D(2019, 1, 1), "Rencana rapat", B],
    ["B01", S2, D(2021, 6, 1), "Kelas bahasa Korea", T, None, 120],
    ["B01", S8, D(2022, 6, 1), "Penelitian bersama", T],
    ["B02", S8, D(2023, 1, 1), "Sosialisasi kampus", DP],
    ["B03", S2, D(2023, 8, 1), "Pelatihan las", T, None, 40],
    ["C01", S6, D(2022, 9, 1), "Pemeriksaan kesehatan CPMI", T],
    ["C02", S3, D(2024, 4, 10), "Layanan (setelah as_of)", T],
]  # fmt: skip

#: Hand-computed rates_by_category rows (see the module docstring):
#: category -> (agreements, followed up, scope items, done, in progress).
EXPECTED_BY_CATEGORY = {
    PD: (6, 4, 13, 6, 1),
    LP: (4, 2, 7, 3, 1),
    LK: (2, 1, 3, 1, 0),
    "Lembaga Keuangan": (0, 0, 0, 0, 0),
    "Lembaga Pemerintah": (0, 0, 0, 0, 0),
}
#: scope -> (agreements carrying it, scope items, done, in progress).
EXPECTED_BY_SCOPE = {
    S1: (3, 3, 2, 0),
    S2: (6, 6, 5, 0),
    S3: (3, 3, 1, 1),
    S4: (2, 2, 0, 0),
    S5: (2, 2, 0, 0),
    S6: (2, 2, 1, 0),
    "Pembiayaan dan Akses Keuangan PMI": (0, 0, 0, 0),
    S8: (4, 4, 1, 1),
    "Pemberdayaan dan Reintegrasi Purna PMI": (0, 0, 0, 0),
    S10: (1, 1, 0, 0),
}
#: (category, scope) -> (scope items, done) for the pairs that occur.
EXPECTED_BY_CATEGORY_SCOPE = {
    (PD, S1): (3, 2),  # A01 no, A02 yes, A04 yes
    (PD, S2): (4, 3),  # A01 yes, A03 no, A04 yes, A05 yes
    (PD, S3): (2, 1),  # A02 in progress, A04 yes
    (PD, S4): (2, 0),  # A03, A04 (Belum)
    (PD, S5): (2, 0),  # A02 (activity after as_of), A06
    (LP, S2): (2, 2),  # B01, B03
    (LP, S8): (4, 1),  # B01 yes, B02 in progress, B03, B04
    (LP, S10): (1, 0),  # B04
    (LK, S3): (1, 0),  # C02 (activity after as_of)
    (LK, S6): (2, 1),  # C01 yes, C02 no
}
#: Report columns of the stable interfaces (README), in order, after the grouping column(s).
DOMAIN_RATE_COLUMNS = [
    "agreements", "agreements_followed_up", "followup_rate", "scope_items", "scope_items_done",
    "scope_items_in_progress", "scope_rate", "scope_rate_low", "scope_rate_high",
]  # fmt: skip
#: Extra columns the rate tables add (the interfaces allow additions).
EXTRA_RATE_COLUMNS = [
    "followup_rate_low", "followup_rate_high", "scope_rate_cl_low", "scope_rate_cl_high",
    "effective_n", "design_effect", "small_group",
]  # fmt: skip


def write_workbook(path: Path) -> Path:
    """The three input sheets, a title row above the agreements' header, dates as dates."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = {
        "Perjanjian": [["DAFTAR PERJANJIAN KERJA SAMA BP2MI (uji)"], AG_HEADER, *AGREEMENTS],
        "Ruang Lingkup": [["Nomor Perjanjian", "Ruang Lingkup"], *SCOPE_ROWS],
        "Tindak Lanjut": [ACT_HEADER, *ACTIVITIES],
    }
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=i, column=j, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # the analyst typed it as text, not a formula
                if isinstance(value, date | datetime):
                    cell.number_format = "DD/MM/YYYY"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval, written out from the textbook formula (independent check)."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return centre - half, centre + half


def pct_id(x: float) -> str:
    """0.4615 -> '46,2%' (one decimal, decimal comma), written independently of i18n."""
    return f"{x * 100:.1f}".replace(".", ",") + "%"


def pdf_text(path: Path) -> str:
    """Text of a PDF (pdftotext -layout when installed, else pypdf), spaces collapsed."""
    exe = shutil.which("pdftotext")
    if exe:
        out = subprocess.run(
            [exe, "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:
        from pypdf import PdfReader

        out = "\n".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
    return re.sub(r"[ \t\u00a0]+", " ", out)


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    write_workbook(raw / "perjanjian_uji.xlsx")
    return raw


@pytest.fixture(scope="module")
def built(raw_dir, tmp_path_factory) -> dict:
    """The full pipeline, run once: main + per-category + annex, with PDFs."""
    base = tmp_path_factory.mktemp("run")
    messages: list[str] = []
    t0 = time.perf_counter()
    folder = run_report(
        raw_dir=raw_dir,
        processed_dir=base / "processed",
        out_dir=base / "reports",
        as_of=AS_OF,
        notebooks_dir=NOTEBOOKS,
        pdf=True,
        per_category=True,
        echo=messages.append,
    )
    seconds = time.perf_counter() - t0
    print(f"\nfull run_report: {seconds:.1f} s\n" + "\n".join(messages))
    return {"folder": folder, "out": base / "reports", "messages": messages, "seconds": seconds}


@pytest.fixture(scope="module")
def folder(built) -> Path:
    return built["folder"]


@pytest.fixture(scope="module")
def main_pdf_text(folder) -> str:
    return pdf_text(folder / f"{MAIN}.pdf")


def read_table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "tables" / f"{name}.csv")


# --------------------------------------------------------------------------- the folder
def test_report_folder_holds_every_output(built, folder):
    assert folder == built["out"] / AS_OF
    for name in (
        f"{MAIN}.html", f"{MAIN}.pdf", f"{MAIN}.ipynb",
        f"{ANNEX}.html", f"{ANNEX}.pdf", f"{ANNEX}.ipynb",
        "ringkasan.xlsx", "run.json",
        "tables/rates_by_category.csv", "tables/rates_by_scope.csv",
        "tables/rates_by_category_scope.csv", "tables/needs_assistance.csv",
        "data/agreements.parquet", "data/scope_items.parquet", "data/activities.parquet",
    ):  # fmt: skip
        p = folder / name
        assert p.is_file() and p.stat().st_size > 0, name
    # One report per category present in the data (slug = the vocabulary's short label).
    for slug in ("pemda", "pendidikan", "kesehatan"):
        for ext in ("pdf", "html", "ipynb"):
            p = folder / "kategori" / f"{MAIN}_{slug}.{ext}"
            assert p.is_file() and p.stat().st_size > 0, p.name
    assert sorted(p.name for p in (folder / "kategori").glob("*.pdf")) == [
        f"{MAIN}_{s}.pdf" for s in ("kesehatan", "pemda", "pendidikan")
    ]
    for pdf in folder.rglob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF-"), pdf
    # Nothing left behind: no staging folder, no failure folder; the index of evaluations.
    assert sorted(p.name for p in built["out"].iterdir()) == [AS_OF, "index.html"]
    # run.json records the version of the tool that built the report
    from evaluation import config

    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["version"] == config.package_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", run["version"])


def test_main_pdf_is_tagged_with_outline_and_numbered_contents(folder):
    from pypdf import PdfReader

    from evaluation.publish.contents import outline_pages

    pdf = folder / f"{MAIN}.pdf"
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "id" and "/StructTreeRoot" in root
    assert "Laporan Evaluasi" in reader.metadata.title
    bookmarks = dict(outline_pages(pdf.read_bytes()))
    assert {"Daftar Isi", "Ringkasan Eksekutif", "Metodologi"} <= set(bookmarks)
    contents = reader.pages[1].extract_text()
    assert contents.lstrip().startswith("Daftar Isi")
    found = re.search(r"Metodologi\s*(\d+)", contents)
    assert found and int(found.group(1)) == bookmarks["Metodologi"] > 2
    assert "Metodologi" in reader.pages[bookmarks["Metodologi"] - 1].extract_text()


def test_reports_index_lists_the_evaluation(built):
    index = built["out"] / "index.html"
    text = index.read_text(encoding="utf-8")
    assert f'data-as-of="{AS_OF}"' in text and "14 Maret 2024" in text
    for link in (f"{AS_OF}/{MAIN}.pdf", f"{AS_OF}/{MAIN}.html", f"{AS_OF}/ringkasan.xlsx"):
        assert f'href="{link}"' in text and (built["out"] / link).is_file()
    assert "<svg" in text and "<script" not in text
    assert any(str(index) in m for m in built["messages"])


def test_executed_notebook_has_no_errors_and_the_parameters(folder):
    nb = nbformat.read(folder / f"{MAIN}.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert f'as_of = "{AS_OF}"' in injected.source


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("rates_by_category", ["category"]),
        ("rates_by_scope", ["scope"]),
        ("rates_by_category_scope", ["category", "scope"]),
    ],
)
def test_rate_tables_have_the_domain_columns(folder, name, keys):
    with (folder / "tables" / f"{name}.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    n = len(keys) + len(DOMAIN_RATE_COLUMNS)
    assert header[:n] == keys + DOMAIN_RATE_COLUMNS
    assert header[n:] == EXTRA_RATE_COLUMNS  # documented additions only
    df = read_table(folder, name)
    rates = df[["followup_rate", "scope_rate", "scope_rate_low", "scope_rate_high"]]
    assert ((rates.isna()) | ((rates >= 0) & (rates <= 1))).all().all()


# --------------------------------------------------------------------------- the figures
def test_rates_by_category_match_the_hand_computation(folder):
    df = read_table(folder, "rates_by_category").set_index("category")
    assert list(df.index) == list(EXPECTED_BY_CATEGORY)  # vocabulary order, zeros kept
    for cat, (n, fu, items, done, prog) in EXPECTED_BY_CATEGORY.items():
        row = df.loc[cat]
        got = tuple(
            int(row[c])
            for c in (
                "agreements",
                "agreements_followed_up",
                "scope_items",
                "scope_items_done",
                "scope_items_in_progress",
            )
        )
        assert got == (n, fu, items, done, prog), cat
        if n == 0:
            assert math.isnan(row["followup_rate"]) and math.isnan(row["scope_rate"])
            continue
        assert row["followup_rate"] == pytest.approx(fu / n)
        assert row["scope_rate"] == pytest.approx(done / items)
        lo, hi = wilson(done, items)
        assert row["scope_rate_low"] == pytest.approx(lo, abs=1e-9)
        assert row["scope_rate_high"] == pytest.approx(hi, abs=1e-9)
    # Lembaga Kesehatan 1/3: Wilson 95% by hand = 0.0615 .. 0.7923
    assert df.loc[LK, "scope_rate_low"] == pytest.approx(0.0615, abs=5e-4)
    assert df.loc[LK, "scope_rate_high"] == pytest.approx(0.7923, abs=5e-4)


def test_rates_by_scope_match_the_hand_computation(folder):
    df = read_table(folder, "rates_by_scope").set_index("scope")
    assert list(df.index) == list(EXPECTED_BY_SCOPE)
    for scope, (n, items, done, prog) in EXPECTED_BY_SCOPE.items():
        row = df.loc[scope]
        assert int(row["agreements"]) == n, scope
        assert int(row["scope_items"]) == items, scope
        assert int(row["scope_items_done"]) == done, scope
        assert int(row["scope_items_in_progress"]) == prog, scope
        if items:
            assert row["scope_rate"] == pytest.approx(done / items), scope
    assert df["scope_items"].sum() == 23 and df["scope_items_done"].sum() == 10


def test_rates_by_category_scope_match_the_hand_computation(folder):
    df = read_table(folder, "rates_by_category_scope")
    got = {
        (r.category, r.scope): (int(r.scope_items), int(r.scope_items_done))
        for r in df.itertuples()
        if r.scope_items > 0
    }
    assert got == EXPECTED_BY_CATEGORY_SCOPE


def test_overall_and_headline_counts(folder):
    overall = read_table(folder, "rates_overall").iloc[0]
    assert (int(overall["agreements"]), int(overall["agreements_followed_up"])) == (12, 7)
    assert (int(overall["scope_items"]), int(overall["scope_items_done"])) == (23, 10)
    head = read_table(folder, "headline_counts")
    total = head[head["is_total"].astype(str) == "True"]
    assert len(total) == 1 and total["category"].isna().all()  # the report words it "Semua"
    assert tuple(total.iloc[0][["agreements", "active", "ended"]]) == (12, 10, 2)
    head = head[head["is_total"].astype(str) != "True"].set_index("category")
    # active = ends on or after as_of: A01 and A06 ended; B04 (ends 2024-07-31) still active
    assert tuple(head.loc[PD, ["agreements", "active", "ended"]]) == (6, 4, 2)
    assert tuple(head.loc[LP, ["agreements", "active", "ended"]]) == (4, 4, 0)
    assert tuple(head.loc[LK, ["agreements", "active", "ended"]]) == (2, 2, 0)


def test_assistance_and_expiry_lists(folder):
    # no_realisation: A03, B02, B04 (no Terlaksana, signed before 2023-03-14);
    # stale (no activity after 2023-03-14, signed before it): A03 A04 B01 B02 B04 C01;
    # expiring_low: B04 (ends 2024-07-31 <= 2024-09-14, rate 0). C02: signed < 12 months ago.
    assist = read_table(folder, "needs_assistance")
    assert set(assist["agreement_id"]) == {"A03", "A04", "B01", "B02", "B04", "C01"}
    reasons = dict(zip(assist["agreement_id"], assist["reasons"], strict=True))
    assert set(reasons["B04"].split(";")) == {"no_realisation", "stale", "expiring_low"}
    assert set(reasons["A03"].split(";")) == {"no_realisation", "stale"}
    assert reasons["A04"] == "stale"
    assert list(read_table(folder, "ending_soon")["agreement_id"]) == ["B04"]
    assert list(read_table(folder, "ended_without_followup")["agreement_id"]) == ["A06"]


#: Hand-derived tiers (module docstring) and the flagged partners of each unit's list.
EXPECTED_TIERS = {"B04": 1, "A03": 2, "B02": 2, "A04": 3, "B01": 3, "C01": 3}
UNIT_PARTNERS = {
    "direktorat_asia_afrika": ["Pemkab", "RSUD Dr. Soetomo"],  # A03 is SCRIPT_NAME
    "bp3mi_jawa_barat": ["Institut Teknologi Bandung"],
    "tanpa_unit": ["Pemkot Batam", "Universitas Brawijaya", "HYPERLINK"],
}


def test_tiers_and_assumed_end_dates_in_the_table_of_record(folder):
    assist = read_table(folder, "needs_assistance")
    assert dict(zip(assist["agreement_id"], assist["tier"], strict=True)) == EXPECTED_TIERS
    assert assist["tier"].is_monotonic_increasing  # ordered by tier, then urgency
    assumed = dict(zip(assist["agreement_id"], assist["ends_on_assumed"], strict=True))
    assert [a for a, v in assumed.items() if v] == ["B02"]
    # Each tier-1 row really ends within expiry_months (6) below low_rate (50%): checked
    # against the ending_soon table of record and the as_of date, not the tier code.
    horizon = pd.Timestamp(AS_OF) + pd.DateOffset(months=6)
    ending = read_table(folder, "ending_soon").set_index("agreement_id")
    tier1 = assist[assist["tier"] == 1]
    for r in tier1.itertuples():
        assert r.agreement_id in ending.index
        assert pd.Timestamp(AS_OF) <= pd.Timestamp(r.ends_on) <= horizon
        assert ending.loc[r.agreement_id, "scope_items_done"] < 0.5 * max(
            ending.loc[r.agreement_id, "scope_items"], 1
        )
    low = ending[ending["scope_items_done"] < 0.5 * ending["scope_items"].clip(lower=1)]
    assert set(low.index) == set(tier1["agreement_id"])
    assert int(tier1["days_left"].iloc[0]) == (D(2024, 7, 31) - D(2024, 3, 14)).days
    by_unit = read_table(folder, "assistance_by_unit")
    counts = {
        (u if isinstance(u, str) else None): (t1, t2, t3)
        for u, t1, t2, t3 in by_unit[["unit", "tier_1", "tier_2", "tier_3"]].itertuples(index=False)
    }
    assert counts == {UNIT_JB: (1, 0, 0), UNIT_DA: (0, 1, 1), None: (0, 1, 2)}


def pdf_flow_text(path: Path) -> str:
    """Text of a PDF in reading order, cell by cell (pypdf; ``pdftotext -layout`` interleaves
    the lines of a table's cells), whitespace collapsed."""
    from pypdf import PdfReader

    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(path).pages))


def _visible_text(path: Path) -> str:
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", text)))


def test_main_report_shows_tiers_with_their_rule(folder):
    html_text = _visible_text(folder / f"{MAIN}.html")
    pdf = pdf_flow_text(folder / f"{MAIN}.pdf")
    for text in (html_text, pdf):
        assert "Tingkat 1 — Putuskan sekarang: perpanjang atau akhiri (1 perjanjian)" in text
        assert "Tingkat 2 — Asistensi (2 perjanjian)" in text
        assert "Tingkat 3 — Pantau (3 perjanjian)" in text
        # the rule, worded from the parameters (6 months, 50%, 12 months, as_of)
        assert "berakhir dalam 6 bulan (paling lambat 14 September 2024)" in text
        assert "di bawah 50%" in text
        assert (
            "lebih dari 12 bulan setelah penandatanganan (ditandatangani sebelum 14 Maret 2023)"
            in text
        )
        assert (
            "6 perjanjian aktif perlu tindakan: 1 diputuskan sekarang (tingkat 1), 2 perlu asistensi"
            in text
        )
        assert "139 hari lagi" in text  # B04's days to its end
        assert "30 Juni 2027*" in text  # B02's assumed end date, marked
        assert "diasumsikan: tanggal penandatanganan + 5 tahun − 1 hari" in text
    # B04 has three reasons: each of its next steps is shown, not only the first one's.
    row = re.search(r"Tingkat 1 — Putuskan.*?Tingkat 2 — Asistensi", html_text).group(0)
    assert "Institut Teknologi Bandung" in row
    for step in ("Rapat koordinasi", "Hubungi mitra", "perpanjang atau tutup"):
        assert step in row
    # the counts per unit
    assert "Per unit pengampu" in html_text and UNIT_DA in html_text


def test_one_pdf_per_unit_with_its_own_partners(built, folder):
    unit_dir = folder / "unit"
    assert {p.stem for p in unit_dir.glob("*.pdf")} == set(UNIT_PARTNERS)  # none for Biro
    texts = {stem: pdf_flow_text(unit_dir / f"{stem}.pdf") for stem in UNIT_PARTNERS}
    for stem, partners in UNIT_PARTNERS.items():
        text = texts[stem]
        for partner in partners:
            assert partner in text, (stem, partner)
        others = {p for s, ps in UNIT_PARTNERS.items() if s != stem for p in ps} - {"Pemkab"}
        for partner in others:
            assert partner not in text, (stem, partner)
        assert "Data per 14 Maret 2024" in text
        assert "Aturan tingkat" in text and "di bawah 50%" in text
        assert "DATA CONTOH" not in text  # not the bundled sample
    jb = texts["bp3mi_jawa_barat"]
    assert "Daftar tindak lanjut kerja sama: BP3MI Jawa Barat" in jb
    assert "Tingkat 1 — Putuskan sekarang" in jb and "139 hari lagi" in jb
    assert "Berakhir 31 Juli 2024 dengan capaian ruang lingkup 0% (0 dari 2)" in jb
    none = texts["tanpa_unit"]
    assert "30 Juni 2027*" in none and "diasumsikan" in none
    raw = (unit_dir / "direktorat_asia_afrika.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>alert" not in raw
    # listed in the console output and linked from the reports index
    listed = "\n".join(built["messages"])
    for stem in UNIT_PARTNERS:
        assert str(unit_dir / f"{stem}.pdf") in listed
    index = (built["out"] / "index.html").read_text(encoding="utf-8")
    assert f'href="{AS_OF}/unit/index.html"' in index
    unit_index = (unit_dir / "index.html").read_text(encoding="utf-8")
    for stem in UNIT_PARTNERS:
        assert f'href="{stem}.pdf"' in unit_index


# --------------------------------------------------------------------------- HTML in Chromium
@pytest.fixture(scope="module")
def inspected(folder) -> dict:
    """The main report's and the annex's HTML, each opened in its own context of one
    Chromium (one browser start for both)."""
    with chromium_browser() as browser:
        return {
            name: inspect_html(folder / name, browser=browser)
            for name in (f"{MAIN}.html", f"{ANNEX}.html")
        }


@pytest.mark.parametrize("name", [f"{MAIN}.html", f"{ANNEX}.html"])
def test_html_is_offline_safe_and_every_chart_drawn(inspected, name):
    result = inspected[name]
    assert result["external_requests"] == []
    assert result["page_errors"] == []
    assert result["dialogs"] == []  # the <script> partner name must not run
    assert result["charts_drawn"] == result["charts"]
    if name.startswith("laporan"):
        assert result["charts"] >= 5  # headline, rates x2, heatmap, status, trend, KM …
    assert result["ok"]


def test_html_shows_the_script_partner_as_text(folder):
    html = (folder / f"{MAIN}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_html_has_baseline_assumptions_appendix_and_methodology(folder):
    """Without a previous report the changes compare with 2023-03-14: signed by then are
    A01-A04, A06, B01-B04 and C01 (10); A05 and C02 are new (2). B02 and B03 are the two
    agreements with an assumed end date (their end-date cells are blank). The assumptions log follows the data-quality appendix; the
    methodology states the imputation counts."""
    html = (folder / f"{MAIN}.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Perubahan dalam 12 Bulan Terakhir" in text
    assert "keadaannya per 14 Maret 2023" in text
    assert re.search(r"Perjanjian baru ditandatangani 2 ", text)
    dq = text.index("Kualitas Data")
    log = text.index("Lampiran: Catatan Asumsi")
    method = text.rindex("Metodologi")
    assert dq < log < method
    assert re.search(r"masa berlaku bawaan − 1 hari 2 2 ", text)
    changes = read_table(folder, "changes_summary").set_index("metric")
    assert (changes.loc["agreements", "previous"], changes.loc["agreements", "current"]) == (10, 12)
    imp = read_table(folder, "imputations").set_index("code")
    assert imp.loc["default_end_term", "rows"] == 2
    assert (folder / "tables" / "assumptions.csv").exists()


# --------------------------------------------------------------------------- PDF text
def test_main_pdf_shows_counts_rates_and_date(folder, main_pdf_text):
    text = main_pdf_text
    assert "14 Maret 2024" in text
    # Agreements per category (agreements, active, ended) on one table row.
    for cat, counts in ((PD, (6, 4, 2)), (LP, (4, 4, 0)), (LK, (2, 2, 0))):
        label = r"\s+".join(map(re.escape, cat.split()))
        pattern = label + r"\s+" + r"\s+".join(str(c) for c in counts) + r"\b"
        assert re.search(pattern, text), f"{cat} {counts} not in the PDF"
    # Every rate of rates_by_category.csv, formatted Indonesian-style.
    df = read_table(folder, "rates_by_category")
    shown = df[df["agreements"] > 0]
    for r in shown.itertuples():
        for x in (r.followup_rate, r.scope_rate):
            assert pct_id(x) in text, (r.category, pct_id(x))
    # and they are the hand-computed ones
    for s in ("66,7%", "46,2%", "50,0%", "42,9%", "33,3%"):
        assert s in text
    assert "42.9%" not in text  # no English decimal point
    # The <script> partner name is printed as plain text (table cells wrap long names, so
    # look for its pieces).
    assert "<script>alert(1)" in text and "</script>" in text


def test_category_pdf_is_restricted_to_its_category(folder):
    text = pdf_text(folder / "kategori" / f"{MAIN}_kesehatan.pdf")
    assert "14 Maret 2024" in text
    assert "Lembaga Kesehatan" in text
    assert "33,3%" in text  # 1 of 3 scope items
    # Names wrap inside table cells: look for one distinctive word of each.
    assert "Soetomo" in text  # RSUD Dr. Soetomo (stale: on the assistance list)
    assert "Bandung" not in text and "Brawijaya" not in text  # other categories


def test_annex_pdf_lists_every_counted_partner(folder):
    text = pdf_text(folder / f"{ANNEX}.pdf")
    # One distinctive word per partner (names wrap inside the table cells).
    for word in ("Brawijaya", "Batam", "Soetomo", "Cilacap", "Indramayu", "Cirebon", "HYPERLINK"):
        assert word in text, word
    assert "<script>alert(1)" in text
    assert "Kelewatan" not in text  # signed after as_of


# --------------------------------------------------------------------------- cover and summary
# Hand computation: 7 of 12 agreements followed up (58,3%); Wilson 95%: centre
# (p + z²/2n)/(1 + z²/n), half-width z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n) -> 32,0–80,7%.
# Active 4 + 4 + 2 = 10, ended 2. Tiers: 1 = B04 (ends 2024-07-31 at 0/2); 2 = A03, B02 (no
# realised follow-up after 12 months; B04 is tier 1); 3 = A04, B01, C01 (stale only).
# Only Pemerintah Daerah has >= 5 agreements and only S2 >= 5 scope items: nothing compared.
def wilson_id(k: int, n: int, z: float = 1.959963984540054) -> str:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{pct_id(centre - half)[:-1]}–{pct_id(centre + half)}"


def pdf_page_text(path: Path, page: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return re.sub(r"[ \t\u00a0]+", " ", out)


def html_list(html_text: str, cls: str) -> list[str]:
    import html as html_mod

    m = re.search(rf'<ol class="{cls}">(.*?)</ol>', html_text, re.S)
    assert m, f"no {cls} list"
    return [html_mod.unescape(x) for x in re.findall(r"<li>(.*?)</li>", m.group(1), re.S)]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler)")
def test_cover_page_of_the_pdf_shows_the_key_figures(folder):
    assert wilson_id(7, 12) == "32,0–80,7%"
    text = pdf_page_text(folder / f"{MAIN}.pdf", 1)
    assert "ANGKA POKOK" in text and "Daftar Isi" not in text  # the panel fits the cover
    for cat, n in ((PD, 6), (LP, 4), (LK, 2)):
        assert re.search(re.escape(cat) + rf"\s+{n}\b", text), (cat, n)
    assert re.search(r"Perjanjian kerja sama\s.*?\b12\b", text, re.S)
    assert re.search(r"Masih aktif\s.*?\b10\b", text, re.S) and "2 telah berakhir" in text
    assert pct_id(7 / 12) in text and re.search(r"\b7\s+dari\s+12\s+perjanjian", text)
    assert wilson_id(7, 12) in text
    for tier, n in ((1, 1), (2, 2), (3, 3)):
        assert re.search(rf"Tingkat {tier} — \w+\s+{n}\b", text), (tier, n)
    assert "Tanggal evaluasi: 14 Maret 2024" in text
    assert "DATA CONTOH" not in text  # not the sample


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs pdftotext (poppler)")
def test_category_cover_has_its_own_panel(folder):
    text = pdf_page_text(folder / "kategori" / f"{MAIN}_kesehatan.pdf", 1)
    assert "ANGKA POKOK" in text and re.search(re.escape(LK) + r"\s+2\b", text)
    assert re.search(r"\b1\s+dari\s+2\s+perjanjian", text), text  # C01 only
    assert wilson_id(1, 2) in text, text
    assert PD not in text and LP not in text


def test_summary_leads_with_findings_then_decisions(folder):
    page = (folder / f"{MAIN}.html").read_text(encoding="utf-8")
    found = html_list(page, "eval-findings")
    assert found[0] == (
        f"7 dari 12 perjanjian ({pct_id(7 / 12)}; selang kepercayaan 95% {wilson_id(7, 12)}) "
        "telah memiliki sedikitnya satu tindak lanjut terlaksana."
    )
    assert found[1].startswith(
        "1 dari 1 perjanjian yang berakhir dalam 6 bulan ke depan baru melaksanakan kurang dari 50%"
    )
    assert found[2].startswith("2 perjanjian tingkat 2 (2 mitra) belum memiliki tindak lanjut")
    assert len(found) == 3  # one category and one scope reach n >= 5: nothing is compared
    assert not any("terendah" in f or "jelas" in f for f in found)
    decided = html_list(page, "eval-decisions")
    assert [d.split(" ")[0] for d in decided] == ["Putuskan", "Tetapkan", "Tetapkan"]
    assert decided[0].startswith("Putuskan perpanjangan atau pengakhiran 1 perjanjian tingkat 1")
    assert decided[1].startswith("Tetapkan asistensi untuk 2 perjanjian tingkat 2 (2 mitra)")
    assert decided[2].startswith("Tetapkan daftar pantauan 3 perjanjian tingkat 3")
    assert page.index("eval-findings") < page.index("eval-decisions") < page.index("eval-summary")
    table = read_table(folder, "findings")
    assert list(table["kind"]) == ["finding"] * 3 + ["decision"] * 3
    assert list(table["code"])[:2] == ["followup_overall", "expiring_low"]


# --------------------------------------------------------------------------- injection safety
def test_formula_partner_is_text_in_xlsx_and_quoted_in_csv(folder):
    wb = openpyxl.load_workbook(folder / "ringkasan.xlsx")
    hits = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    hits.append((ws.title, cell.value, cell.data_type))
    assert hits, "the =HYPERLINK partner is missing from ringkasan.xlsx"
    assert all(v == FORMULA_NAME and dt == "s" for _, v, dt in hits), hits
    # CSV: the text cell is made inert with a leading apostrophe.
    for name in ("needs_assistance", "partner_scorecards"):
        with (folder / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        names = [r["partner_name"] for r in rows if "HYPERLINK" in r["partner_name"]]
        assert names == ["'" + FORMULA_NAME], name
        assert not any(v.startswith("=") for r in rows for v in r.values() if v), name


# --------------------------------------------------------------------------- English
#: The console lines of the English run (for the test of their language).
EN_MESSAGES: list[str] = []


@pytest.fixture(scope="module")
def built_en(built, raw_dir, tmp_path_factory) -> Path:
    """English, HTML only, main report only; reuses the processed tables of ``built``."""
    out = tmp_path_factory.mktemp("run_en")
    messages = EN_MESSAGES
    t0 = time.perf_counter()
    folder = run_report(
        raw_dir=raw_dir,
        processed_dir=built["out"].parent / "processed",
        out_dir=out,
        as_of=AS_OF,
        lang="en",
        notebooks_dir=NOTEBOOKS,
        pdf=False,
        per_category=False,
        echo=messages.append,
    )
    print(f"\nEnglish run_report (HTML only): {time.perf_counter() - t0:.1f} s")
    return folder


def test_console_speaks_the_report_language(built, built_en):
    """Progress lines in Bahasa Indonesia by default, in English for an English report."""
    id_log, en_log = "\n".join(built["messages"]), "\n".join(EN_MESSAGES)
    for line in ("[1/4] Membaca data: ", "[2/4] Tabel rekaman: ", "[3/4] Notebook: menjalankan ",
                 "[4/4] PDF: mencetak ", "Laporan siap dalam ", "semua evaluasi di "):  # fmt: skip
        assert line in id_log, line
    for word in ("Ingest:", "Tables of record", "executing", "Report ready", "WARNING", " s,"):
        assert word not in id_log, word
    for line in ("[1/4] Ingest: ", "[2/4] Tables of record: ", "[4/4] PDF: skipped",
                 "Report ready in "):  # fmt: skip
        assert line in en_log, line
    assert "Laporan siap" not in en_log and "detik" not in en_log


def test_without_pdfs_the_unit_index_links_the_html_lists(built_en):
    unit_dir = built_en / "unit"
    assert list(unit_dir.glob("*.pdf")) == []
    unit_index = (unit_dir / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in unit_index
    for stem in UNIT_PARTNERS:
        assert (unit_dir / f"{stem}.html").is_file()
        assert f'href="{stem}.html"' in unit_index


def test_english_report_has_english_headings(built_en):
    html = (built_en / f"{MAIN}_en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    for heading in (
        "Executive Summary",
        "Implementation Rate by Partner Category",
        "Implementation Rate by Scope",
        "Methodology",
        "14 March 2024",
    ):
        assert heading in html, heading
    for indonesian in ("Ringkasan Eksekutif", "Tingkat Pelaksanaan per Kategori Mitra", "Maret"):
        assert indonesian not in html, indonesian
    assert "42.9%" in html and "42,9%" not in html  # Lembaga Pendidikan, English decimal
    assert "Main findings" in html and "Decisions asked of the meeting" in html
    assert "Key figures" in html and "Tier 1 — decide" in html
    assert not list(built_en.glob("*.pdf"))
    assert not (built_en / "kategori").exists()


# --------------------------------------------------------------------------- failure
def test_failed_cell_keeps_previous_report_and_the_failed_notebook(raw_dir, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    nb_path = notebooks / "laporan_evaluasi.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    broken = [
        c
        for c in nb.cells
        if c.source.strip() == "ringkasan_eksekutif(L)"
        or c.source.startswith("ringkasan_eksekutif(L)")
    ]
    assert len(broken) == 1
    broken[0].source = "1/0"
    nbformat.write(nb, nb_path)

    out = tmp_path / "reports"
    previous = out / AS_OF
    (previous / "tables").mkdir(parents=True)
    (previous / f"{MAIN}.html").write_text("<p>laporan lama</p>", encoding="utf-8")
    (previous / f"{MAIN}.pdf").write_bytes(b"%PDF-1.4 old")
    (previous / "tables" / "rates_by_category.csv").write_text("category\nlama\n")
    before = tree_hashes(previous)

    t0 = time.perf_counter()
    with pytest.raises(NotebookError) as info:
        run_report(
            raw_dir=raw_dir,
            processed_dir=tmp_path / "processed",
            out_dir=out,
            as_of=AS_OF,
            notebooks_dir=notebooks,
            pdf=False,
            per_category=False,
            echo=lambda m: None,
        )
    print(f"\nfailing run_report: {time.perf_counter() - t0:.1f} s")
    err = info.value
    assert err.notebook == "laporan_evaluasi.ipynb"
    assert err.cell is not None
    msg = str(err)
    assert "laporan_evaluasi.ipynb" in msg and f"cell {err.cell}" in msg
    assert "ZeroDivisionError" in msg
    # previous report untouched, nothing half-written beside it
    assert tree_hashes(previous) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(["_gagal", AS_OF])
    # the failed executed notebook is kept, and its cell [N] is the broken one
    kept = Path(err.kept_at)
    assert kept.parent == out / "_gagal" and kept.is_file()
    assert str(kept) in msg
    executed = nbformat.read(kept, as_version=4)
    failing = [
        c
        for c in executed.cells
        if c.cell_type == "code" and any(o.output_type == "error" for o in c.get("outputs", []))
    ]
    assert [c.source for c in failing] == ["1/0"]
    assert failing[0].execution_count == err.cell
