"""Tests of the translation table and Indonesian/English formatting."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from evaluation.errors import ParameterError
from evaluation.presentation import messages
from evaluation.presentation.text import (
    LANGS,
    fmt_date,
    fmt_int,
    fmt_interval,
    fmt_number,
    fmt_percent,
    fmt_rupiah,
    format_table,
    load_translations,
    methodology_text,
    placeholders,
    t,
)


# ------------------------------------------------------------------------------ the table
def test_every_message_has_both_languages_with_the_same_placeholders():
    table = load_translations()
    assert len(table) > 50
    for key, entry in table.items():
        for lang in LANGS:
            assert entry.get(lang, "").strip(), f"{key} lacks '{lang}'"
        assert placeholders(entry["id"]) == placeholders(entry["en"]), key


def test_every_message_formats_with_its_placeholders():
    for key, entry in load_translations().items():
        kw = {name: "X" for name in placeholders(entry["id"])}
        for lang in LANGS:
            assert "{" not in t(key, lang, **kw), key


@pytest.mark.parametrize(
    "key, text_id, text_en",
    [
        (
            "report.title",
            "Laporan Evaluasi Pelaksanaan Kerja Sama",
            "Evaluation of Cooperation Agreements",
        ),
        ("report.sample_banner", "DATA CONTOH (SINTETIS) — bukan data resmi", None),
        ("section.summary", "Ringkasan Eksekutif", "Executive Summary"),
        ("section.count_by_category", "Jumlah Perjanjian per Kategori Mitra", None),
        ("section.rate_by_category", "Tingkat Pelaksanaan per Kategori Mitra", None),
        ("section.rate_by_scope", "Tingkat Pelaksanaan per Ruang Lingkup", None),
        ("section.status", "Status Tindak Lanjut", None),
        ("section.trend", "Tren per Tahun Penandatanganan", None),
        ("section.time_to_followup", "Waktu hingga Tindak Lanjut Pertama", None),
        ("section.needs_attention", "Mitra yang Perlu Pemantauan dan Asistensi", None),
        ("section.ending_soon", "Perjanjian yang Segera Berakhir", None),
        ("section.outcomes", "Indikator Luaran Pemerintah Daerah", None),
        ("section.changes", "Perubahan sejak Evaluasi Sebelumnya", None),
        ("section.data_quality", "Kualitas Data", "Data Quality"),
        ("section.methodology", "Metodologi", "Methodology"),
        ("col.category", "Kategori Mitra", "Partner Category"),
        ("col.scope", "Ruang Lingkup", "Scope"),
        ("col.agreements", "Perjanjian", "Agreements"),
        ("col.agreements_followed_up", "Ditindaklanjuti", None),
        ("col.followup_rate", "Tingkat Tindak Lanjut", None),
        ("col.scope_items", "Butir Ruang Lingkup", None),
        ("col.scope_items_done", "Terlaksana", None),
        ("col.scope_items_in_progress", "Dalam Proses", None),
        ("col.scope_rate", "Tingkat Pelaksanaan", None),
        ("col.scope_rate_ci", "Interval 95%", "95% Interval"),
    ],
)
def test_seeded_texts(key, text_id, text_en):
    assert t(key) == text_id
    assert t(key, "id") == text_id
    if text_en is not None:
        assert t(key, "en") == text_en


def test_category_scope_heading_uses_the_multiplication_sign():
    assert t("section.rate_by_category_scope") == (
        "Tingkat Pelaksanaan: Kategori Mitra × Ruang Lingkup"
    )


def test_placeholders_are_filled():
    assert t("report.data_as_of", "id", date="14 Maret 2024") == "Data per 14 Maret 2024"
    assert t("report.data_as_of", "en", date="14 March 2024") == "Data as of 14 March 2024"
    # extra values are ignored
    assert t("section.summary", "id", unused=1) == "Ringkasan Eksekutif"


def test_subtitle_names_the_agency_and_bureau():
    sub = t("report.subtitle")
    assert "Badan Pelindungan Pekerja Migran Indonesia" in sub
    assert "Biro Perencanaan dan Kerja Sama" in sub


def test_missing_key_is_a_clear_key_error():
    with pytest.raises(KeyError, match="section.nonexistent"):
        t("section.nonexistent")


def test_missing_placeholder_value_names_it():
    with pytest.raises(KeyError, match=r"\{date\}"):
        t("report.data_as_of", "id")


def test_unknown_language_is_a_parameter_error():
    with pytest.raises(ParameterError) as exc:
        t("report.title", "fr")
    assert exc.value.valid == ["id", "en"]
    with pytest.raises(ParameterError):
        fmt_percent(0.5, "de")
    with pytest.raises(ParameterError):
        fmt_percent(float("nan"), "de")


def test_english_falls_back_to_indonesian(tmp_path, monkeypatch):
    path = tmp_path / "tr.toml"
    path.write_text(
        '[demo]\nonly_id.id = "Hanya {x}"\nboth.id = "Satu"\nboth.en = "One"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(messages, "TRANSLATIONS_PATH", path)
    assert t("demo.only_id", "en", x="ini") == "Hanya ini"
    assert t("demo.both", "en") == "One"


@pytest.mark.parametrize(
    "content, message",
    [
        ('[demo]\nx.en = "Only English"\n', "no 'id'"),
        ('[demo]\nx.id = "A"\nx.fr = "B"\n', "unknown language"),
        ('demo = "bare"\n', "must be a table"),
    ],
)
def test_malformed_table_is_rejected(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_translations(path)


# ------------------------------------------------------------------------------ formatting
@pytest.mark.parametrize(
    "value",
    [date(2024, 3, 14), datetime(2024, 3, 14, 9, 30), pd.Timestamp("2024-03-14"), "2024-03-14"],
)
def test_fmt_date(value):
    assert fmt_date(value, "id") == "14 Maret 2024"
    assert fmt_date(value, "en") == "14 March 2024"


def test_fmt_date_other_months_and_missing():
    assert fmt_date(date(2018, 1, 1)) == "1 Januari 2018"
    assert fmt_date(date(2023, 8, 17), "id") == "17 Agustus 2023"
    assert fmt_date(np.datetime64("2023-12-05"), "en") == "5 December 2023"
    assert fmt_date(pd.NaT) == "–"
    assert fmt_date(None, "en") == "–"


def test_fmt_percent():
    assert fmt_percent(0.425, "id") == "42,5%"
    assert fmt_percent(0.425, "en") == "42.5%"
    assert fmt_percent(1.0) == "100,0%"
    assert fmt_percent(0.0) == "0,0%"
    assert fmt_percent(0.5, "id", digits=0) == "50%"
    assert fmt_percent(2 / 3, "en", digits=2) == "66.67%"
    # half-up, not banker's rounding: 1.25% -> 1.3%
    assert fmt_percent(0.0125, "id") == "1,3%"
    for missing in (float("nan"), None, pd.NA, np.nan):
        assert fmt_percent(missing) == "–"


def test_fmt_int():
    assert fmt_int(1234, "id") == "1.234"
    assert fmt_int(1234, "en") == "1,234"
    assert fmt_int(np.int64(1234567)) == "1.234.567"
    assert fmt_int(342) == "342"
    assert fmt_int(0) == "0"
    assert fmt_int(float("nan")) == "–"


def test_fmt_number():
    assert fmt_number(2.5, "id") == "2,5"
    assert fmt_number(1234.56, "en", digits=2) == "1,234.56"
    assert fmt_number(None) == "–"


def test_fmt_rupiah():
    assert fmt_rupiah(1_500_000, "id") == "Rp 1.500.000"
    assert fmt_rupiah(1_500_000, "en") == "Rp 1,500,000"
    assert fmt_rupiah(1_500_000_000.0, "id", compact=True) == "Rp 1,5 miliar"
    assert fmt_rupiah(1_500_000_000.0, "en", compact=True) == "Rp 1.5 billion"
    assert fmt_rupiah(2_500_000, "id", compact=True) == "Rp 2,5 juta"
    assert fmt_rupiah(2_000_000_000, "id", compact=True) == "Rp 2 miliar"
    assert fmt_rupiah(500, "id", compact=True) == "Rp 500"
    assert fmt_rupiah(-1_000, "id") == "-Rp 1.000"
    assert fmt_rupiah(np.nan) == "–"


def test_fmt_interval():
    assert fmt_interval(0.301, 0.452, "id") == "30,1–45,2%"
    assert fmt_interval(0.301, 0.452, "en") == "30.1–45.2%"
    assert fmt_interval(0.0, 1.0) == "0,0–100,0%"
    assert fmt_interval(np.nan, 0.4) == "–"


# ------------------------------------------------------------------------------ tables
@pytest.fixture
def rates():
    return pd.DataFrame(
        {
            "category": ["Pemerintah Daerah", "Lembaga Keuangan"],
            "agreements": [195, 2],
            "scope_rate": [0.425, np.nan],
            "scope_rate_low": [0.301, np.nan],
            "scope_rate_high": [0.452, np.nan],
            "signed_on": pd.to_datetime(["2024-03-14", None]),
            "value": [1_500_000.0, 0.0],
            "notes": ["catatan", None],
        },
        index=[10, 11],
    )


def test_format_table_indonesian(rates):
    before = rates.copy()
    out = format_table(
        rates,
        {
            "category": "category",
            "agreements": "int",
            "scope_rate": "percent",
            "scope_rate_ci": "text",
            "signed_on": "date",
            "value": "rupiah",
            "notes": "text",
        },
        "id",
        intervals={"scope_rate_ci": ("scope_rate_low", "scope_rate_high")},
    )
    pd.testing.assert_frame_equal(rates, before)  # input untouched
    assert list(out.columns) == [
        "Kategori Mitra",
        "Perjanjian",
        "Tingkat Pelaksanaan",
        "Interval 95%",
        "Tanggal Penandatanganan",
        "Nilai",
        "Keterangan",
    ]
    assert list(out.index) == [10, 11]
    assert out.loc[10].tolist() == [
        "Pemerintah Daerah",
        "195",
        "42,5%",
        "30,1–45,2%",
        "14 Maret 2024",
        "Rp 1.500.000",
        "catatan",
    ]
    assert out.loc[11].tolist() == ["Lembaga Keuangan", "2", "–", "–", "–", "Rp 0", ""]


def test_format_table_english_uses_vocabulary_labels(rates):
    out = format_table(rates, {"category": "category", "agreements": "int"}, "en")
    assert list(out.columns) == ["Partner Category", "Agreements"]
    assert out["Partner Category"].tolist() == ["Local governments", "Financial institutions"]


def test_format_table_keeps_untranslated_column_names(rates):
    df = rates.assign(extra_col=[1, 2])
    out = format_table(df, {"extra_col": "int", "value": "rupiah_compact"}, "id")
    assert list(out.columns) == ["extra_col", "Nilai"]
    assert out["Nilai"].tolist() == ["Rp 1,5 juta", "Rp 0"]


def test_format_table_errors(rates):
    with pytest.raises(KeyError, match="nope"):
        format_table(rates, {"nope": "int"})
    with pytest.raises(KeyError, match="missing_hi"):
        format_table(rates, {}, intervals={"ci": ("scope_rate_low", "missing_hi")})
    with pytest.raises(ValueError, match="Unknown column kind 'money'"):
        format_table(rates, {"value": "money"})


def test_methodology_text_states_the_parameters():
    text = methodology_text("id", as_of=date(2024, 3, 14))
    assert "1 Januari 2018" in text
    assert "14 Maret 2024" in text
    assert "12 bulan" in text
    assert "6 bulan" in text
    assert "5 tahun" in text
    assert "50%" in text
    en = methodology_text(
        "en", as_of=date(2024, 3, 14), grace_months=18, stale_months=9, default_term_years=3
    )
    assert "14 March 2024" in en and "18 months after signing" in en
    assert "last 9 months" in en and "3 years" in en


def test_number_formatting_writes_what_babel_writes():
    """The report's patterns are formatted without Babel (faster): the same text as Babel
    for integers, halves at each rounding digit, negatives (-0 included), large and tiny
    values, numpy scalars, in both languages."""
    import decimal
    import random

    import numpy as np
    from babel.numbers import format_decimal

    from evaluation.presentation.text import _FAST_PATTERNS, _decimal, _fmt

    def babel(x, pattern, lang):
        with decimal.localcontext() as ctx:
            ctx.rounding = decimal.ROUND_HALF_UP
            return format_decimal(_decimal(x), pattern, locale=lang)

    rng = random.Random(7)
    values = [0, 1, -1, 0.0, -0.0, 0.5, 2.5, -2.5, 0.05, 0.125, 999.95, 1e15, 1e-7, -1e-7]
    values += [0.0449999, 66.66666666666667, 1e18, 10**18, np.float64(0.425), np.int64(-1234567)]
    values += [rng.random() for _ in range(400)] + [
        rng.randint(-(10**9), 10**9) for _ in range(200)
    ]
    values += [rng.randint(-4000, 4000) / 8 for _ in range(200)]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-8, 12) for _ in range(200)]
    checked = 0
    for v in values:
        for x in (v, _decimal(v) * 100):  # percentages format the value times 100
            for lang in ("id", "en"):
                for pattern in _FAST_PATTERNS:
                    assert _fmt(x, pattern, lang) == babel(x, pattern, lang), (x, pattern, lang)
                    checked += 1
    assert checked > 20000
    assert _fmt(float("inf"), "#,##0", "id") == babel(float("inf"), "#,##0", "id")  # via Babel
    assert _fmt(1234.5, "#,##0.0", "id") == "1.234,5" and _fmt(-0.04, "#,##0.0", "en") == "-0.0"
