"""Tests of the tables of record (evaluation.analysis.tables) and of the report's section
helpers (evaluation.presentation) without notebooks.

The data are tiny hand-made processed tables (schema dtypes). Expected figures are worked
out by hand in the comments. The section helpers are called in this plain Python process;
they return displayable objects whose HTML is checked; nothing is patched.

    as_of 2024-03-14
    X1 Pemerintah Daerah   signed 2020-01-01 ends 2025-12-31  S1 S2   S2 T (2021-01-01),
                                                                     S1 T dated 2024-06-01 (later)
    X2 Lembaga Pendidikan  signed 2022-06-01 ends 2027-05-31  S2      S2 DP (2023-01-01)
    X3 Lembaga Pendidikan  signed 2023-09-01 ends 2028-08-31  S8      none
    X4 Lembaga Pendidikan  signed 2024-05-01 (after as_of: not counted)

    Pemerintah Daerah : 1 agreement, 1 followed up; 2 items, 1 done (S1's activity is later)
    Lembaga Pendidikan: 2 agreements, 0 followed up; 2 items, 0 done, 1 in progress (X2 S2)
    needs assistance  : X1 stale (last activity 2021-01-01, > 12 months);
                        X2 no realisation (signed > 12 months ago) + stale (2023-01-01);
                        X3 signed < 12 months ago: none.
"""

from __future__ import annotations

import math
import re
from datetime import date

import openpyxl
import pandas as pd
import pytest

from evaluation.analysis import metrics
from evaluation.analysis import tables as record
from evaluation.analysis.tables import compute_tables
from evaluation.errors import InputError, ParameterError
from evaluation.ingest import schema
from evaluation.params import ReportParams
from evaluation.presentation import notebook as nbh
from evaluation.presentation import sheets as reporting_sheets
from evaluation.presentation import titles as reporting
from evaluation.presentation.report import from_tables, muat_laporan
from evaluation.presentation.sheets import summary_sheets
from evaluation.presentation.workbook import XLSX_KINDS, write_summary_xlsx

AS_OF = date(2024, 3, 14)
S1 = "Pemberantasan Sindikasi Penempatan Nonprosedural"
S2 = "Pendidikan dan Pelatihan Calon PMI"
S8 = "Penelitian, Sosialisasi dan Pengabdian Masyarakat"
PD, LP = "Pemerintah Daerah", "Lembaga Pendidikan"


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[c for c in schema.TABLES[name] if c not in schema.PROVENANCE])
    df = df.assign(source_file="uji.xlsx", source_sheet="s", source_row=range(2, len(df) + 2))
    return schema.coerce(df, name)


def _agreement(aid, name, cat, signed, ends, province=None):
    return {
        "agreement_id": aid,
        "document_type": "Perjanjian Kerja Sama",
        "partner_name": name,
        "partner_category": cat,
        "province": province,
        "signed_on": signed,
        "ends_on": ends,
    }


def _activity(aid, scope, when, status, outcome=None, value=None):
    return {
        "agreement_id": aid,
        "scope": scope,
        "activity_date": when,
        "description": "kegiatan",
        "status": status,
        "outcome_type": outcome,
        "value": value,
    }


def make_data(*, activities: bool = True) -> dict[str, pd.DataFrame]:
    agreements = _frame(
        "agreements",
        [
            _agreement("X1", "Pemda Satu", PD, "2020-01-01", "2025-12-31", "Jawa Barat"),
            _agreement("X2", "Kampus Dua", LP, "2022-06-01", "2027-05-31"),
            _agreement("X3", "Kampus <b>Tiga</b>", LP, "2023-09-01", "2028-08-31"),
            _agreement("X4", "Kampus Empat", LP, "2024-05-01", "2029-04-30"),
        ],
    )
    scope_items = _frame(
        "scope_items",
        [
            {"agreement_id": "X1", "scope": S1},
            {"agreement_id": "X1", "scope": S2},
            {"agreement_id": "X2", "scope": S2},
            {"agreement_id": "X3", "scope": S8},
            {"agreement_id": "X4", "scope": S2},
        ],
    )
    acts = (
        [
            _activity("X1", S2, "2021-01-01", "Terlaksana", "Anggaran Diklat", 5e8),
            _activity("X1", S1, "2024-06-01", "Terlaksana", "Perda"),
            _activity("X2", S2, "2023-01-01", "Dalam Proses"),
        ]
        if activities
        else []
    )
    dq = pd.DataFrame(
        [
            ["uji.xlsx", "Perjanjian", "5", "Tanggal Berakhir", "", "end date missing", "fixed"]
            + ["no_end_date", '{"date": {"$date": "2029-01-01"}, "years": 5}']
        ],
        columns=schema.DATA_QUALITY,
    )
    summ = pd.DataFrame(
        [["uji.xlsx", "Perjanjian", 4, 3, 1, 0, 0]],
        columns=["file", "sheet", "read", "used", "fixed", "quarantined", "ignored"],
    )
    return {
        "agreements": agreements,
        "scope_items": scope_items,
        "activities": _frame("activities", acts),
        "data_quality": dq,
        "ingest_summary": summ,
    }


def empty_data() -> dict[str, pd.DataFrame]:
    return {name: schema.empty_table(name) for name in schema.TABLES}


def rp(**kw) -> ReportParams:
    return ReportParams(as_of=AS_OF, **kw)


def _tables(data):
    return metrics.Tables(data["agreements"], data["scope_items"], data["activities"])


@pytest.fixture(scope="module")
def full() -> dict[str, pd.DataFrame]:
    """compute_tables of the full dataset (computed once: each call takes about a second)."""
    return compute_tables(make_data(), rp())


# --------------------------------------------------------------------------- compute_tables
def test_compute_tables_keys(full):
    out = full
    expected = {
        "rates_by_category", "rates_by_scope", "rates_by_category_scope", "rates_overall",
        "headline_counts", "status_shares", "rates_by_year", "needs_assistance", "assistance_by_unit",
        "ending_soon",
        "ended_without_followup", "time_to_first_followup", "time_to_first_followup_curve",
        "time_to_first_followup_at_risk", "time_to_first_followup_after", "cohort_followup",
        "outcomes_by_province", "outcomes_total", "outcomes_by_partner", "partner_scorecards",
        "data_quality", "data_quality_summary", "summary_facts", "report_parameters",
        "funnel_province", "funnel_unit", "funnel_limits",
        "imputations", "assumptions", "agreements_without_scope", "expected_scopes",
        "findings",
    }  # fmt: skip
    # without a previous evaluation the changes compare with the same data 12 months earlier
    changes = {f"changes_{k}" for k in ("new_agreements", "newly_done", "newly_ended",
               "assistance_added", "assistance_removed", "summary", "by_category")}  # fmt: skip
    assert set(out) == expected | changes
    assert all(isinstance(df, pd.DataFrame) for df in out.values())


def test_rate_tables_equal_the_metrics_functions(full):
    data = make_data()
    out = full
    mp = record.metric_params(rp())
    tbl = _tables(data)
    for key, fn in (
        ("rates_by_category", metrics.rates_by_category),
        ("rates_by_scope", metrics.rates_by_scope),
        ("rates_by_category_scope", metrics.rates_by_category_scope),
        ("headline_counts", metrics.headline_counts),
    ):
        pd.testing.assert_frame_equal(out[key], fn(tbl, mp), obj=key)


def test_rate_figures_by_hand(full):
    out = full
    cat = out["rates_by_category"].set_index("category")
    cols = ["agreements", "agreements_followed_up", "scope_items", "scope_items_done"]
    assert tuple(cat.loc[PD, cols]) == (1, 1, 2, 1)
    assert tuple(cat.loc[LP, cols]) == (2, 0, 2, 0)
    assert cat.loc[LP, "scope_items_in_progress"] == 1
    assert cat.loc[PD, "scope_rate"] == pytest.approx(0.5)
    assert cat.loc[LP, "followup_rate"] == 0.0
    assert math.isnan(cat.loc["Lembaga Kesehatan", "scope_rate"])  # n = 0
    assist = out["needs_assistance"].set_index("agreement_id")
    assert set(assist.index) == {"X1", "X2"}
    assert assist.loc["X1", "reasons"] == "stale"  # joined to text for CSV
    assert set(assist.loc["X2", "reasons"].split(";")) == {"no_realisation", "stale"}
    sc = out["partner_scorecards"].set_index("agreement_id")
    assert set(sc.index) == {"X1", "X2", "X3"}  # X4 signed after as_of
    assert sc.loc["X1", f"scope::{S2}"] == "Terlaksana"
    assert sc.loc["X1", f"scope::{S1}"] == "Belum Dilaksanakan"  # its activity is later
    assert sc.loc["X3", "reasons"] == ""
    # outcomes: the budget of X1 (5e8); the Perda is dated after as_of
    total = out["outcomes_total"].iloc[0]
    assert total["training_budget"] == 5e8 and total["partners_with_perda"] == 0


def test_compute_tables_restricted_to_a_category():
    out = compute_tables(make_data(), rp(category=LP))
    assert list(out["rates_by_category"]["category"]) == [LP]
    assert set(out["needs_assistance"]["agreement_id"]) == {"X2"}


def test_compute_tables_does_not_mutate_its_inputs():
    data = make_data()
    before = {k: v.copy() for k, v in data.items()}
    compute_tables(data, rp())
    for k, df in data.items():
        pd.testing.assert_frame_equal(df, before[k], obj=k)


def test_compute_tables_needs_a_resolved_as_of():
    with pytest.raises(ValueError, match="as_of"):
        compute_tables(make_data(), ReportParams())


def test_compute_tables_refuses_as_of_before_since():
    with pytest.raises(ParameterError, match="before since"):
        compute_tables(make_data(), ReportParams(as_of=date(2017, 1, 1)))


def test_compute_tables_on_empty_data():
    out = compute_tables(empty_data(), rp())
    cat = out["rates_by_category"]
    assert (cat["agreements"] == 0).all() and cat["scope_rate"].isna().all()
    assert out["needs_assistance"].empty and out["partner_scorecards"].empty
    assert "data_quality" not in out  # none given


# --------------------------------------------------------------------------- summary_sheets
@pytest.mark.parametrize("lang", ["id", "en"])
def test_summary_sheets_are_valid_and_write(tmp_path, full, lang):
    params = rp(lang=lang)
    tables = full  # the tables do not depend on the language
    sheets = summary_sheets(tables, params)
    names = [name for name, _, _ in sheets]
    assert len(names) == len(set(names)) and all(isinstance(n, str) and n for n in names)
    for name, df, kinds in sheets:
        assert isinstance(df, pd.DataFrame), name
        assert set(kinds) <= set(df.columns), name
        assert set(kinds.values()) <= set(XLSX_KINDS), name
    # the tables of record an analyst filters in Excel are there, every row, for people:
    # reason codes worded in one column each, machine columns left out
    for key in ("rates_by_category", "rates_by_scope", "rates_by_category_scope",
                "needs_assistance", "partner_scorecards", "data_quality"):  # fmt: skip
        full = tables[key]
        shown = reporting_sheets.for_people(full, params)
        assert not set(shown.columns) & set(reporting_sheets.MACHINE_COLUMNS), key
        if key == "needs_assistance":  # the reasons and next steps, worded
            assert shown["reason_text"].str.len().gt(0).all()
            assert shown["suggested_action"].str.len().gt(0).all()
        same = [
            df
            for _, df, _ in sheets
            if list(df.columns) == list(shown.columns) and len(df) == len(full)
        ]
        assert len(same) == 1, key
        if "agreement_id" in full.columns:
            assert list(same[0]["agreement_id"]) == list(full["agreement_id"]), key
    path = write_summary_xlsx(tmp_path / "ringkasan.xlsx", sheets, title="uji", lang=lang)
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == len(sheets) + 1  # plus the cover sheet
    rates = next(df for _, df, _ in sheets if "scope_rate" in df and "category" in df)
    assert list(rates["category"])[:2] == [PD, LP]


def test_summary_sheet_names_follow_the_language(full):
    tables = full
    id_names = [n for n, _, _ in summary_sheets(tables, rp(lang="id"))]
    en_names = [n for n, _, _ in summary_sheets(tables, rp(lang="en"))]
    assert id_names != en_names and len(id_names) == len(en_names)


# --------------------------------------------------------------------------- titles
def test_titles_and_footer():
    assert reporting.title_text(rp(), False).endswith("14 Maret 2024")
    assert reporting.title_text(rp(lang="en"), False).endswith("14 March 2024")
    assert "Lembaga Pendidikan" in reporting.title_text(rp(category=LP), False)
    assert reporting.title_text(rp(), True).startswith("[")  # the sample is marked
    assert "14 Maret 2024" in reporting.footer_text(rp(), False)
    assert "14 Maret 2024" in reporting.annex_title_text(rp(), False)


# --------------------------------------------------------------------------- sections
RATE_CHARTS = {"rate-category", "rate-scope", "heatmap", "status"}


def render_all(tables, lang="id", top_n=25) -> str:
    """Every section of the two report notebooks, as the notebooks call them; their HTML."""
    L = from_tables(tables, lang=lang, top_n=top_n)
    T = L.tabel
    rate_cols = ["agreements", "agreements_followed_up", "followup_rate", "scope_items",
                 "scope_items_done", "scope_items_in_progress", "scope_rate"]  # fmt: skip
    per = "category" if L.params.category is None else "scope"
    parts = [
        L.persiapan(),
        nbh.sampul(L),
        nbh.ringkasan_eksekutif(L),
        nbh.bagian(
            "section.count_by_category",
            nbh.tabel(T.headline_counts, kolom=["category", "agreements", "active", "ended"]),
            nbh.grafik.batang_jumlah(T.headline_counts, label="category"),
        ),
        nbh.bagian(
            "section.rate_by_category",
            nbh.tabel(T.rates_by_category, total=T.rates_overall, kolom=["category", *rate_cols]),
            nbh.grafik.batang_tingkat(T.rates_by_category, label="category"),
        )
        if L.params.category is None
        else None,
        nbh.bagian(
            "section.rate_by_scope",
            nbh.tabel(T.rates_by_scope, kolom=["scope", *rate_cols]),
            nbh.grafik.batang_tingkat(T.rates_by_scope, label="scope"),
        ),
        nbh.grafik.peta_panas(T.rates_by_category_scope),
        nbh.grafik.status_bertumpuk(
            T.rates_by_category if per == "category" else T.rates_by_scope, label=per
        ),
        nbh.bagian(
            "section.needs_attention",
            nbh.pengantar_asistensi(L),
            nbh.daftar_asistensi(L),
            nbh.asistensi_per_unit(L),
        ),
        nbh.tabel(T.ending_soon, kolom=["partner_name", "ends_on", "days_left"], panjang=True),
        nbh.tabel(T.rates_by_year, kolom=["year", *rate_cols]),
        nbh.grafik.garis_tahun(T.rates_by_year),
        nbh.bagian(
            "section.funnel_province",
            nbh.catatan_corong(T.funnel_province),
            nbh.grafik.corong(T.funnel_province, T.funnel_limits, label="province"),
            nbh.tabel(T.funnel_province, kolom=["province", "agreements", "position"]),
        ),
        nbh.grafik.corong(T.funnel_unit, T.funnel_limits, label="unit"),
        nbh.tabel(T.cohort_followup),
        nbh.grafik.garis_kohort(T.cohort_followup),
        nbh.catatan_kohort(L),
        nbh.tabel(T.time_to_first_followup, kolom=["group", "n", "events", "median_months"]),
        nbh.fakta_setelah(L),
        nbh.grafik.kurva_km(T.time_to_first_followup_curve),
        nbh.kelompok_kecil(L),
        nbh.tabel(T.time_to_first_followup_at_risk),
        nbh.tabel(T.time_to_first_followup_after),
        nbh.luaran(L),
        nbh.perubahan(L),
        nbh.kualitas_data(L),
        nbh.metodologi(L),
        nbh.sampul_lampiran(L),
        nbh.kartu_skor(L),
    ]
    return "".join(p._repr_html_() for p in parts if p is not None)


@pytest.mark.parametrize(
    ("data", "params", "charts_in", "charts_out"),
    [
        # three agreements: no Kaplan-Meier curve (fewer than 5), the cohort chart drawn
        (
            make_data(),
            rp(),
            RATE_CHARTS | {"headline", "trend", "cohort", "funnel-province", "funnel-unit"},
            {"km"},
        ),
        (
            make_data(),
            rp(lang="en", category=PD),
            {"rate-scope", "cohort"},
            {"rate-category", "km"},
        ),
        (make_data(), rp(category=LP, top_n=1), {"rate-scope"}, {"rate-category"}),
        (make_data(activities=False), rp(), RATE_CHARTS, set()),
        (
            empty_data(),
            rp(),
            set(),
            RATE_CHARTS | {"km", "cohort", "funnel-province", "funnel-unit"},
        ),
        (
            empty_data(),
            rp(lang="en", category="Lembaga Keuangan"),
            set(),
            RATE_CHARTS | {"km", "cohort"},
        ),
    ],
    ids=["full", "en-pemda", "pendidikan-top1", "no-activities", "empty", "empty-en-category"],
)
def test_every_section_renders(data, params, charts_in, charts_out):
    """Each section renders without error, also on empty tables; a chart is only drawn
    when its table has data."""
    tables = compute_tables(data, params)
    page = render_all(tables, lang=params.lang, top_n=params.top_n)
    assert "<h2>" in page
    charts = set(re.findall(r'data-chart-id="([\w-]+)"', page))
    assert charts_in <= charts, charts
    assert not charts & charts_out, charts


def test_sections_word_totals_and_reasons_in_the_report_language(full):
    page_id = render_all(full, lang="id")
    page_en = render_all(full, lang="en")
    # total rows are flagged in the tables and worded by the report
    assert "<tr class='total'><td>Semua</td>" in page_id
    assert "<tr class='total'><td>All</td>" in page_en
    # X2: no realisation (signed 2022-06-01: 21 months) and stale, worded from the codes
    assert "Belum ada realisasi (21 bln sejak TTD)" in page_id
    assert "No realisation (21 months since signing)" in page_en


def test_long_partner_names_are_cut_in_html_but_kept_in_the_tables(tmp_path):
    data = make_data()
    long_name = "Pemerintah Kabupaten " + "Sangat Panjang Sekali " * 12 + "Ujung"
    data["agreements"].loc[data["agreements"]["agreement_id"] == "X2", "partner_name"] = long_name
    tables = compute_tables(data, rp())
    page = render_all(tables)
    assert long_name not in page
    assert "Pemerintah Kabupaten Sangat Panjang" in page and "…" in page
    # the tables of record (CSV, Excel, Parquet) keep the whole name
    assert long_name in set(tables["needs_assistance"]["partner_name"])
    assert long_name in set(tables["partner_scorecards"]["partner_name"])


def test_muat_laporan_reports_missing_processed_tables(tmp_path):
    with pytest.raises(InputError, match="run 'evaluation ingest' first"):
        muat_laporan(None, tmp_path / "nothing", as_of="2024-03-14")


def test_muat_laporan_reports_missing_tables_of_record(tmp_path):
    with pytest.raises(InputError, match="evaluation report"):
        muat_laporan(tmp_path, as_of="2024-03-14")


def test_muat_laporan_refuses_bad_parameters(tmp_path):
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        muat_laporan(None, tmp_path, as_of="14-03-2024")
    with pytest.raises(ParameterError, match="Valid: id, en"):
        muat_laporan(None, tmp_path, as_of="2024-03-14", lang="fr")


def test_muat_laporan_refuses_parameters_the_tables_were_not_computed_with(tmp_path, full):
    from evaluation.publish.run import write_tables

    write_tables(full, tmp_path)
    L = muat_laporan(tmp_path, lang="en")
    assert L.params.as_of == AS_OF and L.lang == "en"
    pd.testing.assert_frame_equal(L.tabel.rates_by_scope, full["rates_by_scope"], obj="parquet")
    with pytest.raises(ParameterError, match="grace_months"):
        muat_laporan(tmp_path, grace_months=6)


def test_excel_assistance_sheet_words_the_reasons_in_the_report_language(full):
    for lang, text in (("id", "Tidak ada kegiatan dalam 12 bulan terakhir"),
                       ("en", "No activity in the last 12 months")):  # fmt: skip
        sheets = summary_sheets(full, rp(lang=lang))
        assist = next(df for _, df, _ in sheets if "reason_text" in df.columns)
        x1 = assist.set_index("agreement_id").loc["X1"]
        assert x1["reason_text"].startswith(text)  # X1: stale, last activity 2021-01-01
        assert "reasons" not in assist.columns  # codes stay in the CSV tables of record
