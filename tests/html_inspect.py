"""Test helper: open an HTML report in headless Chromium offline and tell what happened.

Used by the tests only (the report process never needs it): every non-local request is
blocked and recorded, dialogs are dismissed and recorded, charts are counted. It drives the
same system Chromium with the same flags as the PDF printer
(:func:`evaluation.publish.browser.find_chromium`, :func:`~evaluation.publish.browser.launch_args`).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from evaluation.errors import RenderError
from evaluation.publish.browser import (
    CHART_SELECTOR,
    DEFAULT_TIMEOUT_MS,
    LOCAL_SCHEMES,
    find_chromium,
    launch_args,
)


@contextmanager
def chromium_browser(executable: str | None = None):
    """Context manager yielding a Playwright ``Browser`` on the system Chromium.

    Playwright gives the browser a fresh temporary profile and removes it on exit.

    Parameters
    ----------
    executable
        Browser path; default :func:`find_chromium`.

    Yields
    ------
    playwright.sync_api.Browser

    Raises
    ------
    RenderError
        If Playwright is not installed or Chromium cannot be started.
    """
    exe = executable or find_chromium()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dependency
        raise RenderError("The Python package 'playwright' is not installed.") from exc
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(
                executable_path=exe, headless=True, args=launch_args(), timeout=DEFAULT_TIMEOUT_MS
            )
        except PlaywrightError as exc:
            raise RenderError(f"Cannot start Chromium ({exe}): {exc.message}") from exc
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def _browser(browser, executable: str | None):
    """``browser`` itself when given, else a fresh one closed on exit."""
    if browser is not None:
        yield browser
        return
    with chromium_browser(executable) as fresh:
        yield fresh


def block_external(context, record: list[str] | None = None) -> None:
    """Abort every request of a browser context whose URL is not local (file/data/blob/about).

    Parameters
    ----------
    context
        A Playwright ``BrowserContext``.
    record
        Optional list the blocked URLs are appended to.
    """

    def _route(route):
        url = route.request.url
        if url.lower().startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            if record is not None:
                record.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", _route)


def _is_external(url: str) -> bool:
    return not url.lower().startswith(LOCAL_SCHEMES)


def inspect_html(
    path: Path,
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    settle_ms: int = 500,
    executable: str | None = None,
    browser=None,
) -> dict:
    """Open an HTML file in headless Chromium offline and report what happened.

    Every non-local request is blocked and recorded. The function waits for the load event,
    then until every ``.eval-chart`` holds an ``svg.main-svg`` (or ``timeout_ms`` passes),
    then ``settle_ms`` more for late scripts.

    Parameters
    ----------
    path
        The HTML file.
    timeout_ms
        Longest wait for loading and for the charts.
    settle_ms
        Extra wait after the charts are drawn.
    executable
        Browser path; default :func:`find_chromium`.
    browser
        An open Playwright ``Browser`` (from :func:`chromium_browser`) to use instead of
        starting one: the page gets its own fresh context either way.

    Returns
    -------
    dict
        ``external_requests`` (list of URLs that were attempted and blocked),
        ``console_errors`` (list of console messages of type error),
        ``page_errors`` (list of uncaught exceptions),
        ``dialogs`` (list of ``"type: message"`` of alert/confirm/prompt dialogs, dismissed),
        ``charts`` (number of ``.eval-chart`` divs), ``charts_drawn`` (number holding an
        ``svg.main-svg``), ``title`` (document title) and ``ok`` (True when there were no
        external requests, page errors or dialogs and every chart was drawn).

    Raises
    ------
    RenderError
        If the file does not exist or Chromium cannot be started.
    """
    path = Path(path)
    if not path.is_file():
        raise RenderError(f"HTML file not found: {path}")
    result: dict = {
        "external_requests": [],
        "console_errors": [],
        "page_errors": [],
        "dialogs": [],
        "charts": 0,
        "charts_drawn": 0,
        "title": "",
    }
    with _browser(browser, executable) as browser:
        context = browser.new_context(
            viewport={"width": 1100, "height": 900}, java_script_enabled=True, offline=False
        )
        blocked: list[str] = []
        block_external(context, blocked)
        page = context.new_page()

        def on_request(request):
            if _is_external(request.url) and request.url not in result["external_requests"]:
                result["external_requests"].append(request.url)

        def on_dialog(dialog):
            result["dialogs"].append(f"{dialog.type}: {dialog.message}")
            try:
                dialog.dismiss()
            except Exception:  # noqa: BLE001 - page may be closing
                pass

        page.on("request", on_request)
        page.on("dialog", on_dialog)
        page.on(
            "console",
            lambda msg: result["console_errors"].append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc: result["page_errors"].append(str(exc)))
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
        try:
            page.wait_for_function(
                "sel => Array.from(document.querySelectorAll(sel))"
                ".every(d => d.querySelector('svg.main-svg'))",
                arg=CHART_SELECTOR,
                timeout=timeout_ms,
            )
        except Exception:  # noqa: BLE001 - a timeout is reported through the counts
            pass
        page.wait_for_timeout(settle_ms)
        result["charts"] = page.locator(CHART_SELECTOR).count()
        result["charts_drawn"] = page.evaluate(
            "sel => Array.from(document.querySelectorAll(sel))"
            ".filter(d => d.querySelector('svg.main-svg')).length",
            CHART_SELECTOR,
        )
        result["title"] = page.title()
        context.close()
    for url in blocked:
        if url not in result["external_requests"]:
            result["external_requests"].append(url)
    result["ok"] = (
        not result["external_requests"]
        and not result["page_errors"]
        and not result["dialogs"]
        and result["charts_drawn"] == result["charts"]
    )
    return result
