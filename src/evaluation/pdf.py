"""Print HTML reports to A4 PDF with the system Chromium, driven by Playwright.

One Chromium process prints all jobs. Pages are laid out with print styles at the width of
the A4 text area before the charts are drawn, so that the responsive plotly charts have the
printed width; every request that would leave the machine is aborted.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from .browser import (
    CHART_SELECTOR,
    DEFAULT_TIMEOUT_MS,
    block_external,
    chromium_browser,
    chromium_version,
    find_chromium,
)
from .errors import RenderError
from .render import write_atomic

__all__ = ["PAGE_MARGINS_MM", "chromium_version", "find_chromium", "print_pdfs"]

log = logging.getLogger(__name__)

#: Page margins in millimetres (also in templates/report/report.css ``@page``).
PAGE_MARGINS_MM = {"top": 20, "right": 18, "bottom": 22, "left": 18}
_A4_WIDTH_MM = 210
_A4_HEIGHT_MM = 297
_PX_PER_MM = 96 / 25.4

_FOOTER_TEXT = {"id": ("Halaman", "dari"), "en": ("Page", "of")}


def _footer_template(label: str, lang: str) -> str:
    page_word, of_word = _FOOTER_TEXT.get(lang, _FOOTER_TEXT["id"])
    return (
        "<div style=\"width:100%; font-size:8pt; font-family:'DejaVu Sans', Arial, sans-serif;"
        f" color:#555555; padding:0 {PAGE_MARGINS_MM['right']}mm 0 {PAGE_MARGINS_MM['left']}mm;"
        ' display:flex; justify-content:space-between; -webkit-print-color-adjust:exact;">'
        f"<span>{html.escape(label)}</span>"
        f'<span>{page_word} <span class="pageNumber"></span> {of_word} '
        '<span class="totalPages"></span></span></div>'
    )


def _content_viewport() -> dict:
    width_mm = _A4_WIDTH_MM - PAGE_MARGINS_MM["left"] - PAGE_MARGINS_MM["right"]
    height_mm = _A4_HEIGHT_MM - PAGE_MARGINS_MM["top"] - PAGE_MARGINS_MM["bottom"]
    return {"width": int(width_mm * _PX_PER_MM), "height": int(height_mm * _PX_PER_MM)}


def print_pdfs(
    jobs: list[tuple[Path, Path]],
    footer_label: str = "",
    *,
    lang: str = "id",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> list[Path]:
    """Print HTML files to A4 PDF files, all with one Chromium process.

    Each page is opened from ``file://`` with print styles at the A4 text width; requests
    that are not ``file:``/``data:`` are aborted; printing waits until every ``.eval-chart``
    holds its ``svg.main-svg``. Each PDF gets the footer ``footer_label`` (left) and
    ``Halaman X dari Y`` (right) and is written atomically.

    Parameters
    ----------
    jobs
        ``(html_path, pdf_path)`` pairs.
    footer_label
        Text on the left of every page's footer (plain text, escaped).
    lang
        ``"id"`` (``Halaman X dari Y``) or ``"en"`` (``Page X of Y``).
    timeout_ms
        Longest wait for each page to load and draw its charts.

    Returns
    -------
    list of Path
        The PDF paths, in the order of ``jobs``.

    Raises
    ------
    RenderError
        If no Chromium is found or it cannot start, an HTML file is missing, a page does not
        load or its charts are not drawn in time, or a PDF cannot be written.
    """
    jobs = [(Path(h), Path(p)) for h, p in jobs]
    for html_path, _ in jobs:
        if not html_path.is_file():
            raise RenderError(f"HTML file to print not found: {html_path}")
    if not jobs:
        return []
    from playwright.sync_api import Error as PlaywrightError

    footer = _footer_template(footer_label, lang)
    margins = {k: f"{v}mm" for k, v in PAGE_MARGINS_MM.items()}
    done: list[Path] = []
    with chromium_browser() as browser:
        for html_path, pdf_path in jobs:
            context = browser.new_context(viewport=_content_viewport())
            blocked: list[str] = []
            block_external(context, blocked)
            page = context.new_page()
            page_errors: list[str] = []
            page.on("pageerror", lambda exc, errs=page_errors: errs.append(str(exc)))
            try:
                page.emulate_media(media="print")
                page.goto(html_path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
                _wait_for_charts(page, html_path, timeout_ms)
                page.evaluate("() => document.fonts ? document.fonts.ready.then(() => true) : true")
                data = page.pdf(
                    format="A4",
                    print_background=True,
                    margin=margins,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=footer,
                    prefer_css_page_size=False,
                )
            except PlaywrightError as exc:
                raise RenderError(f"Cannot print {html_path} to PDF: {exc.message}") from exc
            finally:
                context.close()
            if blocked:
                log.warning(
                    "%s tried to load %d external resource(s), blocked: %s",
                    html_path.name,
                    len(blocked),
                    ", ".join(blocked[:5]),
                )
            if page_errors:
                log.warning("%s raised script errors: %s", html_path.name, "; ".join(page_errors))
            done.append(write_atomic(pdf_path, data))
    return done


def _wait_for_charts(page, html_path: Path, timeout_ms: int) -> None:
    """Wait until every chart is drawn, then redraw them at the page's final width."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "sel => Array.from(document.querySelectorAll(sel))"
            ".every(d => d.querySelector('svg.main-svg'))",
            arg=CHART_SELECTOR,
            timeout=timeout_ms,
        )
    except PlaywrightTimeout as exc:
        counts = page.evaluate(
            "sel => [document.querySelectorAll(sel).length,"
            " document.querySelectorAll(sel + ' svg.main-svg').length]",
            CHART_SELECTOR,
        )
        raise RenderError(
            f"{html_path.name}: only {counts[1]} of {counts[0]} charts were drawn within "
            f"{timeout_ms / 1000:.0f} s; open the HTML in a browser to see the error."
        ) from exc
    page.evaluate(
        """sel => Promise.all(Array.from(document.querySelectorAll(sel))
            .filter(d => window.Plotly && d.classList.contains('js-plotly-plot'))
            .map(d => window.Plotly.Plots.resize(d)))""",
        CHART_SELECTOR,
    )
