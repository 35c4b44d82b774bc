"""Print HTML reports to A4 PDF with the system Chromium, driven by Playwright.

One Chromium process prints all jobs, several pages at a time (Playwright's asyncio API; one
browser context and page per concurrent slot, each slot printing its jobs one after the
other). Pages are laid out with print styles at the width of the A4 text area before the
charts are drawn, so that the responsive plotly charts have the printed width; every request
that would leave the machine is aborted.

Where the time went (2-core machine): loading a report page took about 4 s, of which about
2.5 s was compiling the embedded plotly.js (the full 4.8 MB bundle; the basic bundle most
reports now carry, 1.2 MB, compiles in about a fifth of that), then about 1 s drawing the charts and
0.4 s ``page.pdf``. V8 keeps compiled scripts in memory per renderer process, keyed by source
*and* script URL, and an inline script's URL is its document's, so every report paid the full
compile. For printing, the document is therefore served to the page with its inline
``<script data-eval-plotlyjs>`` block turned into an external script of the same bytes, at the
same place, from a temporary file whose name is the bundle's hash (the page keeps its own
``file://`` URL). Each slot reuses its page, so from its second report on the compile is a
cache hit (about 0.4 s instead of 2.5 s). The cache is per renderer process: pages of
different browser contexts never share it (and pages sharing one renderer would share its
one main thread, printing one after the other), so :class:`evaluation.publish.printer.
PdfPrinter` compiles the bundle in every page ahead of the first report (:func:`_warm_up`).
The key is the *decoded* source: the warm-up page must be UTF-8 like the reports, else the
bundle decodes differently and nothing is reused.

Every navigation costs CPU of its own (about as much as printing a one-page list), so a
document that runs no code (a unit list, :mod:`evaluation.publish.units`) is written into the
page in place (``page.set_content``) when the page already shows such a document from the
same folder: the 22 unit lists of the sample take one navigation per run of lists instead of
one each (:meth:`evaluation.publish.page_document.Slot.static_text`). A fresh page is a fresh renderer process, which pays
the full compile again, and nothing is shared between renderers (no on-disk code cache for
``file:`` scripts): the report command therefore opens no more pages than it has reports.

The contents page needs the page of every section (:mod:`evaluation.publish.contents`): a
draft print (untagged, no outline, no footer: about half the time of the tagged print)
gives them through its named destinations, and the document is printed tagged once.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from evaluation.errors import RenderError, first_line
from evaluation.presentation.text import t
from evaluation.publish.browser import (
    CHART_SELECTOR,
    DEFAULT_TIMEOUT_MS,
    async_chromium_browser,
    chromium_version,
    find_chromium,
)
from evaluation.publish.contents import (
    ADD_CONTENTS_JS,
    CONTENTS_IDS_JS,
    CONTENTS_LEVELS,
    FILL_PAGES_JS,
    destination_pages,
    match_pages,
    outline_pages,
    tidy_outline,
)
from evaluation.publish.page_document import Slot, is_static

__all__ = [
    "MAX_DEFAULT_CONCURRENCY",
    "PAGE_MARGINS_MM",
    "chromium_version",
    "default_concurrency",
    "find_chromium",
    "print_pdfs",
    "print_settings",
    "slot_worker",
]

log = logging.getLogger(__name__)

#: Page margins in millimetres (also in templates/report/report.css ``@page``).
PAGE_MARGINS_MM = {"top": 20, "right": 18, "bottom": 22, "left": 18}
#: Upper bound of the default number of pages printed at once.
MAX_DEFAULT_CONCURRENCY = 4
_A4_WIDTH_MM = 210
_A4_HEIGHT_MM = 297
_PX_PER_MM = 96 / 25.4

_FOOTER_TEXT = {"id": ("Halaman", "dari"), "en": ("Page", "of")}
#: Most ``page.pdf`` calls per document (draft, numbered contents, one correction).
_MAX_PASSES = 3

#: ``sel => count``: wait for the fonts, then the number of charts (``sel``) in the document.
_FONTS_AND_CHARTS = (
    "async sel => { if (document.fonts) { await document.fonts.ready; }"
    " return document.querySelectorAll(sel).length; }"
)
_FONTS_READY = "() => document.fonts ? document.fonts.ready.then(() => true) : true"


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


def default_concurrency() -> int:
    """Number of pages printed at once by default: the usable CPUs, at most 4.

    Returns
    -------
    int
        Between 1 and :data:`MAX_DEFAULT_CONCURRENCY`.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_CONCURRENCY))


def print_pdfs(
    jobs: list[tuple[Path, Path]],
    footer_label: str = "",
    *,
    lang: str = "id",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    concurrency: int | None = None,
) -> list[Path]:
    """Print HTML files to A4 PDF files, all with one Chromium process.

    Each page is opened from ``file://`` with print styles at the A4 text width; requests
    that are not ``file:``/``data:`` are aborted; printing waits until every ``.eval-chart``
    holds its ``svg.main-svg``. Each PDF gets the footer ``footer_label`` (left) and
    ``Halaman X dari Y`` (right). Up to ``concurrency`` pages print at once. No PDF is
    written until every job has printed (then each atomically, in order), so a failing job
    leaves no PDF or temporary file of this call behind: the first error is raised and the
    pages still printing are abandoned.

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
    concurrency
        Pages printed at once (browser contexts of the one Chromium); default
        :func:`default_concurrency` (usable CPUs, at most 4). Never more than ``len(jobs)``.

    Returns
    -------
    list of Path
        The PDF paths, in the order of ``jobs``.

    Raises
    ------
    RenderError
        If no Chromium is found or it cannot start, an HTML file is missing or unreadable, a
        page does not load or its charts are not drawn in time (the message names the HTML
        file), or a PDF cannot be written.
    ValueError
        If ``concurrency`` is not a positive integer.
    """
    jobs = [(Path(h), Path(p)) for h, p in jobs]
    if concurrency is None:
        concurrency = default_concurrency()
    elif isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValueError(f"concurrency must be a positive integer, not {concurrency!r}")
    for html_path, _ in jobs:
        if not html_path.is_file():
            raise RenderError(
                f"HTML file to print not found: {html_path}",
                code="pdf_html_missing",
                fields={"path": html_path},
            )
    if not jobs:
        return []
    settings = print_settings(footer_label, lang, timeout_ms)
    html_paths = [h for h, _ in jobs]
    slots = min(concurrency, len(jobs))
    pdfs = _run_coroutine(lambda: _print_all(html_paths, slots, settings))
    from evaluation.publish.html import (
        write_atomic,  # imported here: render pulls in nbformat (slow import)
    )

    return [write_atomic(pdf_path, data) for (_, pdf_path), data in zip(jobs, pdfs, strict=True)]


def print_settings(footer_label: str, lang: str, timeout_ms: int) -> dict:
    """What every print of one call shares: footer, margins, time-out, contents title."""
    return {
        "footer": _footer_template(footer_label, lang),
        "margins": {k: f"{v}mm" for k, v in PAGE_MARGINS_MM.items()},
        "timeout_ms": timeout_ms,
        "contents_title": t("pdf.contents", lang),
    }


def _run_coroutine(make):
    """Run ``make()`` to completion; in a fresh thread if this one already runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="print_pdfs") as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


async def _print_all(html_paths: list[Path], slots: int, settings: dict) -> list[bytes]:
    """Print every HTML file with ``slots`` pages of one browser; PDF bytes in order."""
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []
    queue = iter(list(enumerate(html_paths)))  # shared: one event loop, no locking needed

    async def next_job():
        return next(queue, None)

    async def done(index: int, data: bytes) -> None:
        results[index] = data

    with tempfile.TemporaryDirectory(prefix="evaluation-print-") as tmp:
        script_dir = Path(tmp)
        async with async_chromium_browser() as browser:
            tasks = [
                asyncio.create_task(
                    slot_worker(browser, next_job, done, script_dir, errors, settings)
                )
                for _ in range(slots)
            ]
            _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for task in tasks:  # mark every exception as retrieved
                if not task.cancelled():
                    task.exception()
    if errors:
        raise errors[0]
    return [results[i] for i in range(len(html_paths))]


async def slot_worker(
    browser,
    next_job: Callable[[], Awaitable[tuple[int, Path] | None]],
    done: Callable[[int, bytes], Awaitable[None]],
    script_dir: Path,
    errors: list[BaseException],
    settings: dict,
    *,
    warm: bool = False,
) -> None:
    """Print the jobs ``next_job()`` hands out (``None``: no more), one after the other, in
    one page; ``done(index, pdf_bytes)`` for each. The first error is appended to
    ``errors`` and raised. With ``warm``, the page is opened at once and plotly.js compiled
    in it (:func:`_warm_up`) before the first job is awaited."""
    from playwright.async_api import Error as PlaywrightError

    context = page = slot = None
    try:
        if warm:
            context, page, slot = await _open_page(browser, script_dir)
            if not await _warm_up(page, slot, settings["timeout_ms"]):
                with contextlib.suppress(PlaywrightError):
                    await context.close()
                context = page = slot = None  # opened afresh for the first job
        while (item := await next_job()) is not None:
            index, html_path = item
            try:
                if page is None:
                    context, page, slot = await _open_page(browser, script_dir)
                await done(index, await _print_one(page, slot, html_path, settings))
            except PlaywrightError as exc:
                raise RenderError(
                    f"Cannot print {html_path} to PDF: {exc.message}",
                    code="pdf_print_failed",
                    fields={"path": html_path, "detail": first_line(exc.message)},
                ) from exc
    except asyncio.CancelledError:
        raise
    except BaseException as exc:
        errors.append(exc)
        raise
    finally:
        if context is not None:
            with contextlib.suppress(PlaywrightError):
                await context.close()


async def _open_page(browser, script_dir: Path):
    """A fresh context and page: A4 text-width viewport, print media, local requests only."""
    context = await browser.new_context(viewport=_content_viewport())
    slot = Slot(script_dir)
    await context.route("**/*", slot.route)
    page = await context.new_page()
    page.on("pageerror", slot.on_page_error)
    await page.emulate_media(media="print")
    return context, page, slot


def _plotly_document() -> bytes:
    """A blank page that runs the plotly.js bundle the reports embed (same bytes)."""
    from evaluation.presentation.charts import plotly_js_html

    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'  # the reports' encoding
        f"{plotly_js_html()}</head><body></body></html>"
    ).encode()


async def _warm_up(page, slot: Slot, timeout_ms: int) -> bool:
    """Compile and run plotly.js in ``page`` ahead of the first report.

    V8 keeps a compiled script per renderer process, keyed by its source and URL; the page
    is left on this blank document, so the report that follows in the same page finds the
    bundle (served from the same file, see :func:`evaluation.publish.page_document.externalize_plotly`) already compiled
    instead of paying about 2.5 s. Best effort: False if it failed (the page may then be
    unusable and is replaced).
    """
    from playwright.async_api import Error as PlaywrightError

    t0 = time.perf_counter()
    try:
        slot.serve(slot.script_dir / "warm-up.html", _plotly_document())
        await page.goto(slot.uri, wait_until="load", timeout=timeout_ms)
    except (PlaywrightError, OSError, RuntimeError) as exc:
        log.debug("warm-up failed: %s", exc)
        return False
    finally:
        slot.document = None
    log.debug("plotly.js warmed up in %.2f s", time.perf_counter() - t0)
    return True


async def _print_one(page, slot: Slot, html_path: Path, settings: dict) -> bytes:
    """Load one HTML file in ``page``, wait for its charts and return the PDF bytes."""
    timeout_ms = settings["timeout_ms"]
    t0 = time.perf_counter()
    try:
        slot.start(html_path)
    except OSError as exc:
        raise RenderError(
            f"Cannot prepare {html_path} for printing: {exc}",
            code="pdf_prepare_failed",
            fields={"path": html_path, "detail": first_line(exc)},
        ) from exc
    text = slot.static_text()
    static = is_static(slot.document)
    slot.static_dir = None  # until this document is shown
    try:
        if text is not None:
            await page.set_content(text, wait_until="load", timeout=timeout_ms)
        else:
            await page.goto(slot.uri, wait_until="load", timeout=timeout_ms)
    finally:
        slot.document = None
    if static:
        slot.static_dir = html_path.parent
    t1 = time.perf_counter()
    if await page.evaluate(_FONTS_AND_CHARTS, CHART_SELECTOR):  # a page without charts: no wait
        await _wait_for_charts(page, html_path, timeout_ms)
        await page.evaluate(_FONTS_READY)
    t2 = time.perf_counter()
    data, passes = await _print_with_contents(page, settings)
    t3 = time.perf_counter()
    log.debug(
        "%s: %s %.2f s, charts %.2f s, pdf %.2f s (%d passes)",
        html_path.name,
        "load" if text is None else "written in place",
        t1 - t0,
        t2 - t1,
        t3 - t2,
        passes,
    )
    if slot.blocked:
        log.warning(
            "%s tried to load %d external resource(s), blocked: %s",
            html_path.name,
            len(slot.blocked),
            ", ".join(slot.blocked[:5]),
        )
    if slot.page_errors:
        log.warning("%s raised script errors: %s", html_path.name, "; ".join(slot.page_errors))
    return data


async def _print_with_contents(page, settings: dict) -> tuple[bytes, int]:
    """Print the loaded page (tagged, one bookmark per heading) with a contents page.

    The contents block is inserted with placeholder page numbers and a cheap draft printed
    (untagged, no outline, no footer); the page of each section is read from the draft's
    named destinations (the targets of the contents links), written in, and the page printed
    tagged with its outline. The outline is checked against the numbers: one that does not
    agree is corrected and the page printed again (at most :data:`_MAX_PASSES` prints in
    all). A document with too few sections (see :mod:`evaluation.publish.contents`) is
    printed once, without one.

    Returns
    -------
    tuple
        The PDF bytes and the number of ``page.pdf`` calls.
    """
    options = {
        "format": "A4",
        "print_background": True,
        "margin": settings["margins"],
        "display_header_footer": True,
        "header_template": "<span></span>",
        "footer_template": settings["footer"],
        "prefer_css_page_size": False,
        "tagged": True,
        "outline": True,
    }
    titles = await page.evaluate(ADD_CONTENTS_JS, [settings["contents_title"], CONTENTS_LEVELS])
    if not titles:
        return tidy_outline(await page.pdf(**options)), 1
    # The footer is drawn in the bottom margin, so leaving it out moves no page break.
    draft = {**options, "tagged": False, "outline": False, "display_header_footer": False}
    ids = await page.evaluate(CONTENTS_IDS_JS)
    pages = destination_pages(await page.pdf(**draft), ids)
    passes = 1
    while True:
        await page.evaluate(FILL_PAGES_JS, ["" if n is None else str(n) for n in pages])
        data = await page.pdf(**options)
        passes += 1
        # a heading without a bookmark keeps the page of its destination
        final = [
            p if b is None else b
            for p, b in zip(pages, match_pages(titles, outline_pages(data)), strict=True)
        ]
        if final == pages or passes >= _MAX_PASSES:
            break
        log.debug("contents page numbers %s moved to %s; printed again", pages, final)
        pages = final
    return tidy_outline(data), passes


async def _wait_for_charts(page, html_path: Path, timeout_ms: int) -> None:
    """Wait until every chart is drawn, then redraw those not at the page's final width.

    Raises
    ------
    RenderError
        If not every chart is drawn within ``timeout_ms``.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(
            "sel => Array.from(document.querySelectorAll(sel))"
            ".every(d => d.querySelector('svg.main-svg'))",
            arg=CHART_SELECTOR,
            timeout=timeout_ms,
        )
    except PlaywrightTimeout as exc:
        counts = await page.evaluate(
            "sel => { const all = Array.from(document.querySelectorAll(sel));"
            " return [all.length, all.filter(d => d.querySelector('svg.main-svg')).length]; }",
            CHART_SELECTOR,
        )
        raise RenderError(
            f"{html_path.name}: only {counts[1]} of {counts[0]} charts were drawn within "
            f"{timeout_ms / 1000:.0f} s; open the HTML in a browser to see the error.",
            code="pdf_charts_timeout",
            fields={
                "name": html_path.name,
                "drawn": counts[1],
                "total": counts[0],
                "seconds": round(timeout_ms / 1000),
            },
        ) from exc
    # Redraw only charts not drawn at their box's width (the viewport is already the print
    # width, so usually none: a redraw of every chart costs about 0.2 s per report).
    await page.evaluate(
        """sel => Promise.all(Array.from(document.querySelectorAll(sel))
            .filter(d => window.Plotly && d.classList.contains('js-plotly-plot'))
            .filter(d => !(d._fullLayout && Math.abs(d._fullLayout.width - d.clientWidth) < 1))
            .map(d => window.Plotly.Plots.resize(d)))""",
        CHART_SELECTOR,
    )
