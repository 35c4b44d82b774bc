"""The first kernel and the printer's Chromium, started while the report still reads its
notebooks.

:func:`evaluation.publish.run.run_report` refuses bad parameters first (no work done), then
checks whether the inputs must be ingested, and when they need not, starts a
:class:`HeadStart` before it reads the notebooks' parameters cells (when they must, after the
ingestion: an input refused does not wait for a kernel to stop). Reading those cells runs on
one core (most of its time is importing papermill, about 1 s on the 2-core machine); the
kernel's start and its imports (:meth:`evaluation.publish.notebooks.Kernel.start_soon`) and
Chromium's start and plotly.js compile (:class:`evaluation.publish.printer.PdfPrinter`) are
other processes, so they run on the other core meanwhile instead of after it.

The build takes the kernel and the printer (:meth:`HeadStart.take_kernel`,
:meth:`HeadStart.take_printer`) and stops them itself; :meth:`HeadStart.close` stops what was
not taken, so a run refused by a check leaves no kernel or browser behind.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

__all__ = ["HeadStart", "print_pages"]


def print_pages(reports: int) -> tuple[int, bool]:
    """How many pages print ``reports`` reports, and whether one more page prints the lists.

    A page per report at most, each compiling plotly.js once (at most the usable CPUs, see
    :func:`evaluation.publish.pdf.default_concurrency`); with a core left over, a page of its
    own prints the lists beside a report (:class:`evaluation.publish.printer.PdfPrinter`'s
    ``list_page``).
    """
    from evaluation.publish.pdf import default_concurrency

    pages = max(1, min(default_concurrency(), reports))
    return pages, pages < default_concurrency()


class HeadStart:
    """A kernel and (with ``pdf``) a printer, started at once; see the module's notes.

    Parameters
    ----------
    notebooks_dir
        The folder the notebooks run in (the kernel's working directory).
    lang
        Language of the PDFs' footers and contents pages.
    pdf
        Start the printer too.
    reports
        Reports the run will print at most (the printer's pages, :func:`print_pages`).
    """

    def __init__(self, notebooks_dir: Path, lang: str, *, pdf: bool, reports: int):
        from evaluation.publish.notebooks import Kernel

        self._kernel = Kernel(str(Path(notebooks_dir).resolve()))
        self._kernel.start_soon()
        self._printer = None
        if pdf:
            from evaluation.publish.printer import PdfPrinter

            pages, list_page = print_pages(reports)
            self._printer = PdfPrinter("", lang=lang, concurrency=pages, list_page=list_page)

    def take_kernel(self):
        """The kernel (starting or started), once; None after that."""
        kernel, self._kernel = self._kernel, None
        return kernel

    def take_printer(self, footer_label: str):
        """The printer with its footer's label, once; None after that or without ``pdf``."""
        printer, self._printer = self._printer, None
        if printer is not None:
            printer.relabel(footer_label)
        return printer

    def close(self) -> None:
        """Stop the kernel and the printer if they were not taken."""
        if self._printer is not None:
            self._printer.abort()
            self._printer = None
        if self._kernel is not None:
            with contextlib.suppress(Exception):
                self._kernel.start()  # let the start end, then shut it down
            self._kernel.stop()
            self._kernel = None

    def __enter__(self) -> HeadStart:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
