"""Document titles and the PDF footer, in the report's language."""

from __future__ import annotations

from evaluation.params import ReportParams
from evaluation.presentation.text import fmt_date, t
from evaluation.vocab.loader import load_vocabulary


def _category_text(rp: ReportParams) -> str:
    if rp.category is None:
        return ""
    return load_vocabulary().partner_categories.display(rp.category, rp.lang)


def title_text(rp: ReportParams, is_sample: bool) -> str:
    """Document title, e.g. ``Laporan Evaluasi … — Pemerintah Daerah — 14 Maret 2024``."""
    parts = [t("report.title", rp.lang)]
    if rp.category:
        parts.append(_category_text(rp))
    if rp.as_of:
        parts.append(fmt_date(rp.as_of, rp.lang))
    title = " — ".join(parts)
    return f"[{t('report.sample_short', rp.lang)}] {title}" if is_sample else title


def annex_title_text(rp: ReportParams, is_sample: bool) -> str:
    title = f"{t('annex.title', rp.lang)} — {fmt_date(rp.as_of, rp.lang)}"
    return f"[{t('report.sample_short', rp.lang)}] {title}" if is_sample else title


def footer_text(rp: ReportParams, is_sample: bool) -> str:
    """Footer printed on every PDF page."""
    base = f"{t('report.agency_short', rp.lang)} · {t('report.data_as_of', rp.lang, date=fmt_date(rp.as_of, rp.lang))}"
    return f"{t('report.sample_banner', rp.lang)} · {base}" if is_sample else base
