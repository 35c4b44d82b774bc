"""Headless Chromium (through Playwright) for checking and printing the HTML reports.

Playwright always drives the system Chromium (``executable_path``), never a browser of its
own; nothing is downloaded. The PDF printer (:mod:`evaluation.publish.pdf`) drives it through
:func:`async_chromium_browser`. (The tests open reports like a reader would, with every
network request blocked, through their own helper ``tests/html_inspect.py``.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import asynccontextmanager
from pathlib import Path

from evaluation.errors import RenderError, first_line

#: Environment variable naming the Chromium executable to use.
CHROMIUM_ENV = "EVALUATION_CHROMIUM"
#: Executables looked up on PATH, in this order.
CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "microsoft-edge",
    "msedge",
)
#: URL schemes that never leave the machine.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
#: Selector of chart containers and of a drawn chart.
CHART_SELECTOR = ".eval-chart"
#: Milliseconds to wait for a page to load and for its charts to be drawn.
DEFAULT_TIMEOUT_MS = 60_000

_INSTALL_HINT = (
    "Install Chromium (Debian/Ubuntu: 'sudo apt-get install chromium'; Windows/macOS: install "
    "Google Chrome or Microsoft Edge) or set the environment variable "
    f"{CHROMIUM_ENV} to the full path of a Chromium-based browser executable."
)


def find_chromium() -> str:
    """Path of the Chromium executable to use.

    ``EVALUATION_CHROMIUM`` first (a path, or a name on PATH), then ``chromium``,
    ``chromium-browser``, ``google-chrome``, ``google-chrome-stable``, ``microsoft-edge``,
    ``msedge`` on PATH.

    Returns
    -------
    str
        Absolute path of the executable.

    Raises
    ------
    RenderError
        If the variable names no executable file, or no browser is found on PATH; the message
        says how to install one or set the variable.
    """
    env = os.environ.get(CHROMIUM_ENV, "").strip()
    if env:
        candidate = Path(env).expanduser()
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate.resolve())
        found = shutil.which(env)
        if found:
            return found
        raise RenderError(
            f"{CHROMIUM_ENV} is set to '{env}', which is not an executable file. " + _INSTALL_HINT,
            code="chromium_env_invalid",
            fields={"env": CHROMIUM_ENV, "value": env},
        )
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise RenderError(
        "No Chromium browser found to print the PDF report. " + _INSTALL_HINT,
        code="chromium_missing",
        fields={"env": CHROMIUM_ENV},
    )


def chromium_version(executable: str | None = None) -> str:
    """Version line of the Chromium executable (for instance ``Chromium 156.0.8078.108``).

    Parameters
    ----------
    executable
        Path of the browser; default :func:`find_chromium`.

    Returns
    -------
    str

    Raises
    ------
    RenderError
        If no browser is found or it does not report a version.
    """
    exe = executable or find_chromium()
    try:
        proc = subprocess.run(
            [exe, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(
            f"Cannot run {exe} --version: {exc}",
            code="chromium_no_run",
            fields={"exe": exe, "detail": first_line(exc), "env": CHROMIUM_ENV},
        ) from exc
    for line in proc.stdout.splitlines():
        if line.strip():
            return line.strip()
    raise RenderError(
        f"{exe} --version printed no version (exit status {proc.returncode}).",
        code="chromium_no_version",
        fields={"exe": exe, "status": proc.returncode, "env": CHROMIUM_ENV},
    )


def launch_args() -> list[str]:
    """Command-line flags for Chromium: no background networking, no sandbox when root."""
    args = [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-gpu",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-domain-reliability",
        "--metrics-recording-only",
        "--no-default-browser-check",
        "--disable-dev-shm-usage",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    return args


@asynccontextmanager
async def async_chromium_browser(executable: str | None = None):
    """Async context manager yielding a Playwright async ``Browser`` on the system Chromium.

    Same executable and flags (:func:`launch_args`) and a fresh temporary profile, for
    driving several pages of one browser at once.

    Parameters
    ----------
    executable
        Browser path; default :func:`find_chromium`.

    Yields
    ------
    playwright.async_api.Browser

    Raises
    ------
    RenderError
        If Playwright is not installed or Chromium cannot be started.
    """
    exe = executable or find_chromium()
    try:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import async_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dependency
        raise RenderError(
            "The Python package 'playwright' is not installed.", code="playwright_missing"
        ) from exc
    async with async_playwright() as pw:
        try:
            browser = await pw.chromium.launch(
                executable_path=exe, headless=True, args=launch_args(), timeout=DEFAULT_TIMEOUT_MS
            )
        except PlaywrightError as exc:
            raise RenderError(
                f"Cannot start Chromium ({exe}): {exc.message}",
                code="chromium_start_failed",
                fields={"exe": exe, "detail": first_line(exc.message), "env": CHROMIUM_ENV},
            ) from exc
        try:
            yield browser
        finally:
            await browser.close()
