"""Print PDFs while the notebooks still run: a Chromium in a background thread, fed one job
at a time.

:func:`evaluation.publish.pdf.print_pdfs` prints a list of finished HTML files. The report
command instead submits each report's HTML to a :class:`PdfPrinter` as soon as its notebook
is rendered, so printing overlaps the execution of the other notebooks (the kernels are
other processes; Chromium is one more). The printer starts its Chromium when it is created,
which overlaps the browser's start-up with the notebooks too, and opens its pages and
compiles plotly.js in each while it waits for the first HTML. Printing itself is exactly
that of :mod:`evaluation.publish.pdf` (same pages, contents page, footer, checks); each PDF
is written atomically as soon as it is printed.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path

from evaluation.errors import RenderError
from evaluation.publish.browser import DEFAULT_TIMEOUT_MS, async_chromium_browser
from evaluation.publish.pdf import default_concurrency, print_settings, slot_worker

__all__ = ["PdfPrinter"]

# Queue items are ``(rank, index, html, pdf)``: by rank, then in submission order.
_FOREGROUND, _BACKGROUND = 0, 1
#: The item that tells one page there are no more jobs (ranked after every job).
_END = (2, 0, None, None)


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
    """

    def __init__(
        self,
        footer_label: str = "",
        *,
        lang: str = "id",
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        concurrency: int | None = None,
        warm: bool = True,
    ):
        if concurrency is None:
            concurrency = default_concurrency()
        elif isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"concurrency must be a positive integer, not {concurrency!r}")
        self._settings = print_settings(footer_label, lang, timeout_ms)
        self._slots = concurrency
        self._warm = warm
        self._errors: list[BaseException] = []
        self._written: dict[int, Path] = {}
        self._count = 0
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.PriorityQueue | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pdf-printer", daemon=True)
        self._thread.start()
        self._started.wait()

    # ------------------------------------------------------------------ public
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
        if self._errors:
            raise self._errors[0]
        index = self._count
        self._count += 1
        self._put((_BACKGROUND if background else _FOREGROUND, index, html_path, pdf_path))

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
            for _ in range(self._slots):
                self._put(_END)
        self._thread.join()
        if self._errors:
            raise self._errors[0]
        return [self._written[i] for i in range(self._count)]

    def abort(self) -> None:
        """Stop printing: jobs not yet started are dropped; no error is raised."""
        self._closed = True
        self._errors.append(RenderError("printing aborted", code="pdf_aborted"))
        for _ in range(self._slots):
            self._put(_END)
        self._thread.join()

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        elif not self._closed:  # close() or abort() not called in the block
            self.close()

    # ----------------------------------------------------------------- private
    def _put(self, item) -> None:
        if self._loop is not None and self._queue is not None and self._thread.is_alive():
            try:
                self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
            except RuntimeError:  # the loop has just ended (every page failed)
                pass

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
        self._queue = asyncio.PriorityQueue()
        targets: dict[int, Path] = {}
        try:
            async with async_chromium_browser() as browser:
                self._started.set()

                async def next_job():
                    while True:
                        item = await self._queue.get()
                        if item == _END:
                            return None
                        _, index, html_path, pdf_path = item
                        if self._errors:  # a job failed or abort(): drop the rest
                            continue
                        targets[index] = pdf_path
                        return index, html_path

                async def done(index: int, data: bytes) -> None:
                    self._written[index] = write_atomic(targets[index], data)

                with tempfile.TemporaryDirectory(prefix="evaluation-print-") as tmp:
                    await asyncio.gather(
                        *(
                            slot_worker(
                                browser,
                                next_job,
                                done,
                                Path(tmp),
                                self._errors,
                                self._settings,
                                warm=self._warm,
                            )
                            for _ in range(self._slots)
                        ),
                        return_exceptions=True,
                    )
        finally:
            self._started.set()
