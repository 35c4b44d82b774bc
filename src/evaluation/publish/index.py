"""``reports/index.html``: every evaluation in the reports folder, and how its rates moved.

One self-contained HTML file (no script, no web font, nothing loaded from the network): a
table with one row per evaluation folder ``reports/<YYYY-MM-DD>/`` — its date, language,
headline figures and links to its PDF, HTML and workbook — and an inline SVG chart of the
follow-up and implementation rates across the evaluation dates, with the same numbers in
the table for readers who cannot see the chart.

The figures are read from what each report folder already holds, so nothing is recomputed:
``run.json`` (language, sample flag), ``tables/rates_overall.csv`` (agreements, follow-up
and implementation rates), ``tables/headline_counts.csv`` (active agreements) and
``tables/needs_assistance.csv`` (agreements needing assistance). A folder made by an older
version that lacks one of these files is listed with "–" for what it lacks.
"""

from __future__ import annotations

import csv
import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from evaluation.atomic import write_bytes_atomic
from evaluation.errors import RenderError, first_line
from evaluation.presentation.text import fmt_date, fmt_int, fmt_percent, t

INDEX_NAME = "index.html"
_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Okabe–Ito blue and vermillion (distinguishable with colour-blindness), plus marker shapes.
_SERIES = (
    ("followup_rate", "#0072B2", "circle", ""),
    ("scope_rate", "#D55E00", "square", "6 4"),
)

_LANG_KEYS = {"id": "history.lang_id", "en": "history.lang_en"}
_LINK_KEYS = {
    "pdf": "history.link_pdf",
    "html": "history.link_html",
    "xlsx": "history.link_xlsx",
    "units": "history.link_units",
}


@dataclass
class Evaluation:
    """One evaluation folder and what the index shows of it."""

    folder: Path
    as_of: date
    lang: str | None = None
    is_sample: bool = False
    figures: dict[str, float | None] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def _number(value: object) -> float | None:
    try:
        x = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return x if x == x else None  # NaN -> None


def _total_row(rows: list[dict[str, str]]) -> dict[str, str]:
    """The all-categories row: the one with the most agreements (the total is the largest)."""
    return max(rows, key=lambda r: _number(r.get("agreements")) or -1.0, default={})


def _figures(tables: Path) -> dict[str, float | None]:
    overall = _total_row(_read_csv(tables / "rates_overall.csv"))
    counts = _total_row(_read_csv(tables / "headline_counts.csv"))
    agreements = _number(overall.get("agreements"))
    if agreements is None:
        agreements = _number(counts.get("agreements"))
    assistance = tables / "needs_assistance.csv"
    return {
        "agreements": agreements,
        "active": _number(counts.get("active")),
        "followup_rate": _number(overall.get("followup_rate")),
        "scope_rate": _number(overall.get("scope_rate")),
        "needs_assistance": float(len(_read_csv(assistance))) if assistance.is_file() else None,
    }


def _main_file(folder: Path, suffix: str) -> Path | None:
    """The main report's file (``laporan_evaluasi_<date>[_<lang>]<suffix>``), if any."""
    found = sorted(folder.glob(f"laporan_evaluasi_*{suffix}"))
    return found[0] if found else None


def read_evaluation(folder: Path) -> Evaluation | None:
    """What the index shows of one report folder (None if the name is not a date).

    Parameters
    ----------
    folder
        ``reports/<YYYY-MM-DD>/``.

    Returns
    -------
    Evaluation or None
    """
    folder = Path(folder)
    if not (folder.is_dir() and _DATE_DIR.match(folder.name)):
        return None
    try:
        as_of = date.fromisoformat(folder.name)
    except ValueError:
        return None
    ev = Evaluation(folder=folder, as_of=as_of, figures=_figures(folder / "tables"))
    try:
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        run = {}
    params = run.get("parameters") if isinstance(run, dict) else None
    if isinstance(params, dict) and params.get("lang") in ("id", "en"):
        ev.lang = params["lang"]
    ev.is_sample = bool(run.get("is_sample")) if isinstance(run, dict) else False
    for kind, path in (
        ("pdf", _main_file(folder, ".pdf")),
        ("html", _main_file(folder, ".html")),
        ("xlsx", folder / "ringkasan.xlsx"),
        ("units", folder / "unit" / "index.html"),  # the lists per responsible unit
    ):
        if path is not None and path.is_file():
            ev.links[kind] = path.relative_to(folder.parent).as_posix()
    if ev.lang is None and "html" in ev.links:
        ev.lang = "en" if ev.links["html"].endswith("_en.html") else "id"
    return ev


def collect(reports_dir: Path) -> list[Evaluation]:
    """Every evaluation folder of ``reports_dir``, oldest first.

    Parameters
    ----------
    reports_dir
        The reports folder (``reports/``).

    Returns
    -------
    list of Evaluation
        Empty if the folder does not exist or holds no evaluation.
    """
    reports_dir = Path(reports_dir)
    if not reports_dir.is_dir():
        return []
    found = (read_evaluation(p) for p in sorted(reports_dir.iterdir()))
    return sorted((e for e in found if e is not None), key=lambda e: e.as_of)


# --------------------------------------------------------------------------- chart
def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def trend_svg(evaluations: list[Evaluation], lang: str = "id") -> str:
    """Inline SVG of the follow-up and implementation rates across the evaluation dates.

    x is proportional to time between the evaluation dates, y is 0–100%. Each series has its
    own colour, marker shape and dash; every point carries a ``<title>`` with its value.

    Parameters
    ----------
    evaluations
        Oldest first (:func:`collect`).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    str
        An ``<svg role="img">`` element with a title and description.
    """
    width, height = 760, 300
    left, right, top, bottom = 64, 56, 20, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    days = [e.as_of.toordinal() for e in evaluations]
    lo, hi = (min(days), max(days)) if days else (0, 1)
    span = hi - lo

    def x_of(d: int) -> float:
        return left + (plot_w / 2 if span == 0 else (d - lo) / span * plot_w)

    def y_of(rate: float) -> float:
        return top + (1 - rate) * plot_h

    title = t("history.chart_title", lang)
    parts = [
        f'<svg class="eval-trend" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-labelledby="trend-title trend-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="12">',
        f'<title id="trend-title">{html.escape(title)}</title>',
        f'<desc id="trend-desc">{html.escape(t("history.chart_desc", lang))}</desc>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d0d0d0" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#555555">'
            f"{html.escape(fmt_percent(tick, lang, digits=0))}</text>"
        )
    for e, d in zip(evaluations, days, strict=True):
        x = x_of(d)
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="#555555">'
            f"{html.escape(e.as_of.isoformat())}</text>"
        )
    for key, colour, shape, dash in _SERIES:
        points = [
            (x_of(d), y_of(e.figures[key]), e)
            for e, d in zip(evaluations, days, strict=True)
            if e.figures.get(key) is not None
        ]
        label = html.escape(t(f"history.{key}", lang))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline class="series-{key}" points="{path}" fill="none" '
                f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        for x, y, e in points:
            value = fmt_percent(e.figures[key], lang)
            parts.append(
                f'<g class="point-{key}"><title>{label}, {html.escape(e.as_of.isoformat())}: '
                f"{html.escape(value)}</title>{_marker(shape, x, y, colour)}</g>"
            )
    # legend
    lx, ly = left, height - 18
    for key, colour, shape, dash in _SERIES:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        label = html.escape(t(f"history.{key}", lang))
        parts.append(
            f'<line x1="{lx}" x2="{lx + 28}" y1="{ly}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>{_marker(shape, lx + 14, ly, colour)}'
            f'<text x="{lx + 36}" y="{ly + 4}" fill="#1a1a1a">{label}</text>'
        )
        lx += 320
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- page
_CSS = """
body { font-family: "DejaVu Sans", Arial, "Liberation Sans", sans-serif; color: #1a1a1a;
  margin: 0; background: #ffffff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 20px 48px; box-sizing: border-box; }
h1 { font-size: 1.6rem; color: #0072b2; margin: 0.2em 0 0.4em; }
h2 { font-size: 1.2rem; border-bottom: 2px solid #0072b2; padding-bottom: 0.15em;
  margin: 1.4em 0 0.6em; }
.table-box { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
th, td { padding: 0.35em 0.6em; text-align: left; vertical-align: top; }
thead th { background: #e6edf3; vertical-align: bottom; }
tbody tr:nth-child(even) { background: #f3f6f9; }
tbody tr { border-bottom: 1px solid #e8e8e8; }
td.num { text-align: right; white-space: nowrap; }
.sample { color: #8a4b00; font-size: 0.8rem; display: block; }
.links a { margin-right: 0.6em; }
.empty { color: #555555; }
svg.eval-trend { max-width: 760px; height: auto; display: block; }
@media print { .links a { color: inherit; } }
"""


def _cell(value: float | None, kind: str, lang: str) -> str:
    if kind == "percent":
        text = fmt_percent(value, lang)
    else:
        text = fmt_int(value, lang)
    return f'<td class="num">{html.escape(text)}</td>'


def render_index(evaluations: list[Evaluation], lang: str = "id") -> str:
    """The index page for ``evaluations`` (oldest first; the table lists the newest first).

    Parameters
    ----------
    evaluations
        :func:`collect` of the reports folder.
    lang
        Language of the page: ``"id"`` (default) or ``"en"``.

    Returns
    -------
    str
        A complete HTML document.
    """
    title = t("history.title", lang)
    columns = [
        ("history.col_date", ""),
        ("history.col_lang", ""),
        ("history.agreements", "num"),
        ("history.active", "num"),
        ("history.followup_rate", "num"),
        ("history.scope_rate", "num"),
        ("history.needs_assistance", "num"),
        ("history.col_files", ""),
    ]
    head = "".join(
        f'<th scope="col"{" class=num" if cls else ""}>{html.escape(t(key, lang))}</th>'
        for key, cls in columns
    )
    rows = []
    for e in reversed(evaluations):
        sample = (
            f'<span class="sample">{html.escape(t("report.sample_short", lang))}</span>'
            if e.is_sample
            else ""
        )
        language = t(_LANG_KEYS[e.lang], lang) if e.lang in _LANG_KEYS else "–"
        links = " ".join(
            f'<a href="{html.escape(e.links[kind], quote=True)}">{html.escape(t(key, lang))}</a>'
            for kind, key in _LINK_KEYS.items()
            if kind in e.links
        )
        f = e.figures
        rows.append(
            f'<tr data-as-of="{e.as_of.isoformat()}">'
            f'<th scope="row"><time datetime="{e.as_of.isoformat()}">'
            f"{html.escape(fmt_date(e.as_of, lang))}</time>{sample}</th>"
            f"<td>{html.escape(language)}</td>"
            f"{_cell(f.get('agreements'), 'int', lang)}{_cell(f.get('active'), 'int', lang)}"
            f"{_cell(f.get('followup_rate'), 'percent', lang)}"
            f"{_cell(f.get('scope_rate'), 'percent', lang)}"
            f"{_cell(f.get('needs_assistance'), 'int', lang)}"
            f'<td class="links">{links or "–"}</td></tr>'
        )
    if evaluations:
        body = (
            f"<p>{html.escape(t('history.intro', lang, n=fmt_int(len(evaluations), lang)))}</p>"
            f"<h2>{html.escape(t('history.trend_heading', lang))}</h2>"
            f"<figure>{trend_svg(evaluations, lang)}</figure>"
            f"<h2>{html.escape(t('history.list_heading', lang))}</h2>"
            f'<div class="table-box"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
    else:
        body = f'<p class="empty">{html.escape(t("history.none", lang))}</p>'
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>\n"
    )


def write_index(reports_dir: Path, lang: str = "id") -> Path:
    """Write ``reports_dir/index.html`` listing every evaluation folder (atomically).

    Parameters
    ----------
    reports_dir
        The reports folder.
    lang
        Language of the page.

    Returns
    -------
    Path
        The index file.

    Raises
    ------
    RenderError
        If the file cannot be written.
    """
    reports_dir = Path(reports_dir)
    path = reports_dir / INDEX_NAME
    try:
        write_bytes_atomic(path, render_index(collect(reports_dir), lang).encode("utf-8"))
    except OSError as exc:
        raise RenderError(
            f"Cannot write {path}: {exc}",
            code="write_failed",
            fields={"path": path, "detail": first_line(exc)},
        ) from exc
    return path


__all__ = ["Evaluation", "collect", "read_evaluation", "render_index", "trend_svg", "write_index"]
