"""Print PDFs while the notebooks still run: a Chromium in a background thread, fed one job
at a time.

:func:`evaluation.publish.pdf.print_pdfs` prints a list of finished HTML files. The report
command instead submits each report's HTML to a :class:`PdfPrinter` as soon as its notebook
is rendered, so printing overlaps the execution of the other notebooks (the kernels are
other processes; Chromium is one more). The printer starts its Chromium when it is created
(without waiting for it: :meth:`PdfPrinter.submit` does), which overlaps the browser's
start-up with the caller's work, and opens its pages and compiles plotly.js in each while it
waits for the first HTML. A printer started before its footer is known (the report's head
start, :mod:`evaluation.publish.head_start`) is given it by :meth:`PdfPrinter.relabel`.
Printing itself is exactly that of :mod:`evaluation.publish.pdf` (same pages, contents page,
footer, checks); each PDF is written atomically as soon as it is printed.

Reports come first; a short list submitted as ``background`` is printed when no report is
waiting. With ``list_page``, one more page prints lists, but only while every report page is
printing a report: one renderer prints a report on one core (about 6 s for the main report),
so on a machine with a core to spare the lists queued behind it are printed beside it instead
of after it. That page is opened the first time it is needed (it compiles no plotly.js: lists
draw no charts) and never takes a list while a report page is free, so it does not compete
with the notebooks that run while no report is printing.
"""

from __future__ import annotations

import asyncio
import collections
import tempfile
import threading
from pathlib import Path

from evaluation.errors import RenderError
from evaluation.publish.browser import DEFAULT_TIMEOUT_MS, async_chromium_browser
from evaluation.publish.pdf import default_concurrency, print_settings, slot_worker

__all__ = ["PdfPrinter"]


class _Jobs:
    """The printer's jobs ``(index, html, pdf)``: reports, then lists, each in submission
    order, handed to the report pages and to the list page (see the module's notes). Lives
    in the printer's event loop."""

    def __init__(self, report_pages: int) -> None:
        self.reports: collections.deque = collections.deque()
        self.lists: collections.deque = collections.deque()
        self.report_pages = report_pages
        self.printing_reports = 0  # report pages printing a report now
        self.closed = False
        self.changed = asyncio.Condition()

    def waiting(self) -> int:
        return len(self.reports) + len(self.lists)

    async def put(self, item, background: bool) -> None:
        async with self.changed:
            (self.lists if background else self.reports).append(item)
            self.changed.notify_all()

    async def close(self) -> None:
        async with self.changed:
            self.closed = True
            self.changed.notify_all()

    async def for_report_page(self, was_report: bool):
        """The next job of a report page (a report if one waits, else a list), or None when
        closed and nothing is left; ``was_report``: its previous job was a report."""
        async with self.changed:
            if was_report:
                self.printing_reports -= 1
                self.changed.notify_all()
            while True:
                if self.reports:
                    self.printing_reports += 1
                    item, is_report = self.reports.popleft(), True
                elif self.lists:
                    item, is_report = self.lists.popleft(), False
                elif self.closed:
                    item, is_report = None, False
                else:
                    await self.changed.wait()
                    continue
                self.changed.notify_all()  # the list page waits on every change
                return item, is_report

    async def for_list_page(self):
        """The next list for the list page, taken only while every report page prints a
        report; None when closed and no list is left."""
        async with self.changed:
            while True:
                if self.lists and self.printing_reports >= self.report_pages:
                    return self.lists.popleft()
                if self.closed and not self.lists:
                    return None
                await self.changed.wait()


class PdfPrinter:
    """Print HTML files to A4 PDFs as they are submitted, with one Chromium.

    Use as a context manager, or call :meth:`close` (wait and raise the first error) or
    :meth:`abort` (stop without waiting for the remaining jobs)::

        with PdfPrinter("Laporan", lang="id") as printer:
            printer.submit(html, pdf)   # returns at once
            ...
            printer.close()             # every PDF written, or RenderError

    Parameters
    ----------
    footer_label, lang, timeout_ms
        As for :func:`evaluation.publish.pdf.print_pdfs`.
    concurrency
        Pages printed at once (default :func:`evaluation.publish.pdf.default_concurrency`).
    warm
        Open every page at once and compile plotly.js in it while the first HTML is awaited,
        so that no report pays the compile (about 2.5 s of CPU per page).
    list_page
        One more page that prints ``background`` jobs while every other page prints a
        report (see the module's notes); for a machine with more cores than ``concurrency``.
    """

    def __init__(
        self,
        footer_label: str = "",
        *,
        lang: str = "id",
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        concurrency: int | None = None,
        warm: bool = True,
        list_page: bool = False,
    ):
        if concurrency is None:
            concurrency = default_concurrency()
        elif isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be a positive integer, not {concurrency!r}")
        self._settings = print_settings(footer_label, lang, timeout_ms)
        self._lang, self._timeout_ms = lang, timeout_ms
        self._slots = concurrency
        self._warm = warm
        self._list_page = list_page
        self._errors: list[BaseException] = []
        self._written: dict[int, Path] = {}
        self._count = 0
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._jobs: _Jobs | None = None
        self._started = threading.Event()
        self._submitted = False
        self._thread = threading.Thread(target=self._run, name="pdf-printer", daemon=True)
        self._thread.start()  # not waited for: Chromium starts while the caller goes on

    # ------------------------------------------------------------------ public
    def relabel(self, footer_label: str) -> None:
        """Set the footer's label (left) of every PDF, for a printer started before it was
        known; only before the first :meth:`submit`.

        Raises
        ------
        ValueError
            If a job was already submitted.
        """
        if self._submitted:
            raise ValueError("PdfPrinter.relabel: jobs were already submitted")
        self._settings.update(print_settings(footer_label, self._lang, self._timeout_ms))

    def submit(self, html_path: Path, pdf_path: Path, *, background: bool = False) -> None:
        """Queue one HTML file for printing to ``pdf_path`` (returns at once).

        Jobs are printed in the order they were submitted, except that a ``background`` job
        (for instance a short list submitted long before the reports) is started only when
        no other job is waiting.

        Raises
        ------
        RenderError
            If the HTML file does not exist, or printing already failed.
        ValueError
            If the printer is closed.
        """
        if self._closed:
            raise ValueError("PdfPrinter is closed")
        html_path, pdf_path = Path(html_path), Path(pdf_path)
        if not html_path.is_file():
            raise RenderError(
                f"HTML file to print not found: {html_path}",
                code="pdf_html_missing",
                fields={"path": html_path},
            )
        self._started.wait()  # Chromium launched (or failed to)
        if self._errors:
            raise self._errors[0]
        self._submitted = True
        index = self._count
        self._count += 1
        self._call("put", (index, html_path, pdf_path), background)

    def close(self) -> list[Path]:
        """Wait until every submitted job is printed; the PDF paths in submission order.

        Raises
        ------
        RenderError
            The first error of any job (Chromium missing or failing, a page not drawn in
            time, a PDF not writable).
        """
        if not self._closed:
            self._closed = True
            self._call("close")
        self._thread.join()
        if self._errors:
            raise self._errors[0]
        return [self._written[i] for i in range(self._count)]

    def abort(self) -> None:
        """Stop printing: jobs not yet started are dropped; no error is raised."""
        self._closed = True
        self._errors.append(RenderError("printing aborted", code="pdf_aborted"))
        self._call("close")
        self._thread.join()

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        elif not self._closed:  # close() or abort() not called in the block
            self.close()

    # ----------------------------------------------------------------- private
    def _call(self, method: str, *args) -> None:
        """Run the :class:`_Jobs` coroutine ``method(*args)`` in the printer's loop."""
        self._started.wait()
        if self._loop is None or self._jobs is None or not self._thread.is_alive():
            return  # the loop has ended (every page failed) or never started
        coroutine = getattr(self._jobs, method)(*args)
        try:
            asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        except RuntimeError:  # the loop has just ended
            coroutine.close()

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - reported by close()
            if not self._errors:
                self._errors.append(exc)
        finally:
            self._started.set()

    async def _main(self) -> None:
        from evaluation.publish.html import write_atomic

        self._loop = asyncio.get_running_loop()
        jobs = self._jobs = _Jobs(self._slots)
        targets: dict[int, Path] = {}

        def taken(item):
            if item is None or self._errors:  # no more, or a job failed or abort()
                return None
            index, html_path, pdf_path = item
            targets[index] = pdf_path
            return index, html_path

        def report_page():
            was_report = False

            async def next_job():
                nonlocal was_report
                while True:
                    item, was_report = await jobs.for_report_page(was_report)
                    if item is None or not self._errors:
                        return taken(item)

            return next_job

        async def list_page():
            while True:
                item = await jobs.for_list_page()
                if item is None or not self._errors:
                    return taken(item)

        try:
            async with async_chromium_browser() as browser:
                self._started.set()

                async def done(index: int, data: bytes) -> None:
                    self._written[index] = write_atomic(targets[index], data)

                with tempfile.TemporaryDirectory(prefix="evaluation-print-") as tmp:
                    pages = [
                        slot_worker(
                            browser,
                            report_page(),
                            done,
                            Path(tmp),
                            self._errors,
                            self._settings,
                            warm=self._warm,
                        )
                        for _ in range(self._slots)
                    ]
                    if self._list_page:  # opened by its first list, no plotly.js
                        pages.append(
                            slot_worker(
                                browser, list_page, done, Path(tmp), self._errors, self._settings
                            )
                        )
                    await asyncio.gather(*pages, return_exceptions=True)
        finally:
            self._started.set()
