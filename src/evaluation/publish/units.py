"""One short list per responsible unit (``<report>/unit/``), printed with the report's PDFs.

Each unit with at least one agreement in ``needs_assistance`` gets a small HTML page built
here directly from the tables of record (no notebook, no kernel): its partners to decide on
(tier 1), to assist (tier 2) and to watch (tier 3), with every reason and next step, the tier
rule, the date of the data and, for the bundled sample, the sample mark. The pages are
printed to PDF by the same Chromium call as the report (:func:`evaluation.publish.pdf.
print_pdfs`). Agreements without a unit share one page, :data:`NO_UNIT_SLUG`. An
``index.html`` in the folder lists the units with their counts and files.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from string import Template

import pandas as pd

from evaluation.params import ReportParams
from evaluation.presentation.display import STYLE
from evaluation.presentation.text import fmt_date, fmt_int, t
from evaluation.presentation.triage import (
    counts_text,
    rules_html,
    tier_sections,
    unit_counts_table,
)
from evaluation.publish.folders import slugify

#: Folder of the per-unit lists inside the report folder.
UNIT_DIR = "unit"
#: File name (without suffix) of the list of agreements without a responsible unit.
NO_UNIT_SLUG = "tanpa_unit"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _slug(unit: object, taken: set[str]) -> str:
    """File name of a unit's list: :func:`evaluation.publish.folders.slugify` of its name
    (:data:`NO_UNIT_SLUG` without one), made unique with ``-2``, ``-3`` …"""
    base = NO_UNIT_SLUG if unit is None or pd.isna(unit) else slugify(str(unit))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


@lru_cache(maxsize=1)
def _template() -> tuple[Template, str]:
    """The page template and the report's stylesheet (read once)."""
    page = Template((_TEMPLATES / "unit" / "unit.html").read_text(encoding="utf-8"))
    return page, (_TEMPLATES / "report" / "report.css").read_text(encoding="utf-8")


def _page(title: str, body: str, lang: str) -> str:
    page, css = _template()
    return page.substitute(
        lang=lang, title=html.escape(title), css=css, table_style=STYLE, body=body
    )


def unit_page(
    unit: object,
    rows: list[dict],
    rp: ReportParams,
    term_years: int,
    is_sample: bool,
) -> str:
    """The HTML document listing one unit's agreements by tier.

    Parameters
    ----------
    unit
        The unit's name (missing: the agreements without a unit).
    rows
        Its rows of ``needs_assistance`` (records), in priority order.
    rp
        The report parameters (language, ``as_of``, the tier thresholds).
    term_years
        The default term, for the note on assumed end dates.
    is_sample
        The data are the bundled synthetic sample (the page says so at the top).
    """
    lang = rp.lang
    name = t("tier.no_unit", lang) if unit is None or pd.isna(unit) else str(unit)
    title = t("tier.unit_title", lang, unit=name)
    parts = []
    if is_sample:
        parts.append(
            f'<p class="eval-sample-banner"><strong>{html.escape(t("report.sample_banner", lang))}'
            f"</strong><br>{html.escape(t('report.sample_explained', lang))}</p>"
        )
    parts.append(f"<h1>{html.escape(title)}</h1>")
    key = "tier.unit_intro_none" if unit is None or pd.isna(unit) else "tier.unit_intro"
    intro = counts_text(rows, lang, key, date=fmt_date(rp.as_of, lang))
    parts.append(f"<p>{html.escape(intro)}</p>")
    parts.append(f"<h2>{html.escape(t('tier.unit_rule', lang))}</h2>{rules_html(rp, lang)}")
    parts.append(tier_sections(rows, lang, rp, term_years, show_unit=False, full=True, level=3))
    return _page(title, "".join(parts), lang)


def _index_page(
    by_unit: pd.DataFrame, files: dict[object, str], rp: ReportParams, pdf: bool
) -> str:
    """The folder's index: each unit's PDF with its HTML beside it (only the HTML without
    PDFs)."""
    lang = rp.lang
    title = t("tier.unit_index_title", lang)
    table = unit_counts_table(by_unit, lang)

    def item(unit: object, slug: str) -> str:
        name = html.escape(t("tier.no_unit", lang) if pd.isna(unit) else str(unit))
        href = html.escape(slug, quote=True)
        if not pdf:
            return f'<li><a href="{href}.html">{name}</a></li>'
        return f'<li><a href="{href}.pdf">{name}</a> (<a href="{href}.html">HTML</a>)</li>'

    links = "".join(item(u, slug) for u, slug in files.items())
    when = html.escape(t("report.data_as_of", lang, date=fmt_date(rp.as_of, lang)))
    body = f"<h1>{html.escape(title)}</h1><p>{when}</p>{table}<ul>{links}</ul>"
    return _page(title, body, lang)


def write_unit_pages(
    tables: dict[str, pd.DataFrame],
    rp: ReportParams,
    is_sample: bool,
    folder: Path,
    *,
    pdf: bool = True,
) -> list[Path]:
    """Write one HTML list per unit with flagged agreements into ``folder`` (and its
    ``index.html``); return the lists' paths (each is printed to the ``.pdf`` beside it).

    Parameters
    ----------
    tables
        The tables of record (``needs_assistance``, ``assistance_by_unit``,
        ``report_parameters``).
    rp, is_sample
        The report parameters and whether the data are the bundled sample.
    folder
        ``<report>/unit/``; not created when no agreement is flagged.
    pdf
        The lists will be printed: the index links each PDF (and its HTML); False (the
        report is made without PDFs): it links the HTML lists only.

    Returns
    -------
    list of Path
        The HTML lists, in the order of ``assistance_by_unit`` (most tier-1 agreements first).
    """
    df = tables["needs_assistance"]
    by_unit = tables["assistance_by_unit"]
    if not len(df):
        return []
    term = int(tables["report_parameters"]["default_term_years"].iloc[0])
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    taken: set[str] = {"index"}
    files: dict[object, str] = {}
    written = []
    groups: dict[object, list[dict]] = {}
    for r in df.to_dict("records"):  # in priority order
        groups.setdefault(None if pd.isna(r["unit"]) else r["unit"], []).append(r)
    for unit in by_unit["unit"].astype("object").where(by_unit["unit"].notna(), None):
        rows = groups.get(unit)
        if not rows:
            continue
        slug = _slug(unit, taken)
        files[unit] = slug
        path = folder / f"{slug}.html"
        path.write_text(unit_page(unit, rows, rp, term, is_sample), encoding="utf-8")
        written.append(path)
    (folder / "index.html").write_text(_index_page(by_unit, files, rp, pdf), encoding="utf-8")
    return written


def unit_summary(paths: list[Path]) -> str:
    """One console line: how many unit lists were written, and where."""
    if not paths:
        return "      unit lists: none (no agreement flagged)"
    return f"      unit lists: {fmt_int(len(paths), 'en')} in {paths[0].parent}/"


__all__ = ["NO_UNIT_SLUG", "UNIT_DIR", "unit_page", "unit_summary", "write_unit_pages"]
