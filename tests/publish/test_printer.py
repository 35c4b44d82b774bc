"""Tests of evaluation.publish.printer: PDFs printed as HTML files are submitted."""

from __future__ import annotations

import shutil
import threading
import time
import unicodedata
from pathlib import Path

import pytest

from evaluation.errors import RenderError
from evaluation.publish.printer import PdfPrinter

needs_chromium = pytest.mark.skipif(
    not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")),
    reason="no Chromium on this machine",
)


def _page(path: Path, text: str, charts: int = 0) -> Path:
    body = f"<h1>{text}</h1>" + '<div class="eval-chart"></div>' * charts
    path.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    return path


def _text(pdf: Path) -> str:
    from pypdf import PdfReader

    return unicodedata.normalize("NFKC", PdfReader(pdf).pages[0].extract_text())


@pytest.mark.e2e
@needs_chromium
def test_each_pdf_is_written_while_later_jobs_are_still_to_come(tmp_path):
    """A PDF exists before the next HTML file is even written; all share one footer."""
    printer = PdfPrinter("Uji bertahap", lang="id", concurrency=2)
    first = tmp_path / "satu.pdf"
    printer.submit(_page(tmp_path / "satu.html", "Dokumen satu"), first)
    deadline = time.monotonic() + 60
    while not first.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.read_bytes().startswith(b"%PDF")  # printed before close() was called
    later = [
        (_page(tmp_path / f"d{i}.html", f"Dokumen {i}"), tmp_path / "sub" / f"d{i}.pdf")
        for i in (2, 3, 4)
    ]
    for html, pdf in later:
        printer.submit(html, pdf)
    assert printer.close() == [first] + [pdf for _, pdf in later]
    for i, (_, pdf) in enumerate([(None, first)] + later, start=1):
        text = _text(pdf)
        assert ("Dokumen satu" if i == 1 else f"Dokumen {i}") in text
        assert "Uji bertahap" in text and "Halaman 1 dari 1" in text
    assert [t.name for t in threading.enumerate() if t.name == "pdf-printer"] == []


@pytest.mark.e2e
@needs_chromium
def test_a_failing_page_is_raised_by_close_and_later_jobs_are_dropped(tmp_path):
    with PdfPrinter(timeout_ms=1500, concurrency=1) as printer:
        printer.submit(_page(tmp_path / "rusak.html", "Rusak", charts=1), tmp_path / "rusak.pdf")
        printer.submit(_page(tmp_path / "baik.html", "Baik"), tmp_path / "baik.pdf")
        with pytest.raises(RenderError, match=r"rusak\.html: only 0 of 1 charts"):
            printer.close()
    assert not (tmp_path / "rusak.pdf").exists()
    assert not (tmp_path / "baik.pdf").exists()  # queued after the failure: not printed
    with pytest.raises(ValueError, match="closed"):
        printer.submit(tmp_path / "baik.html", tmp_path / "lagi.pdf")


def test_missing_html_and_bad_concurrency_are_refused(tmp_path):
    with pytest.raises(ValueError, match="positive integer"):
        PdfPrinter(concurrency=0)
    printer = PdfPrinter(concurrency=1)
    try:
        with pytest.raises(RenderError, match="not found"):
            printer.submit(tmp_path / "tidak-ada.html", tmp_path / "x.pdf")
    finally:
        printer.abort()
    assert not printer._thread.is_alive()
    with pytest.raises(ValueError, match="closed"):
        printer.submit(tmp_path / "tidak-ada.html", tmp_path / "x.pdf")


def test_no_browser_is_a_clear_error_at_close(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALUATION_CHROMIUM", str(tmp_path / "no-such-browser"))
    printer = PdfPrinter(concurrency=1)
    with pytest.raises(RenderError, match="EVALUATION_CHROMIUM"):
        printer.submit(_page(tmp_path / "a.html", "A"), tmp_path / "a.pdf")
        printer.close()
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.e2e
@needs_chromium
def test_background_jobs_wait_for_the_reports_submitted_after_them(tmp_path):
    """Lists queued early (background) yield to a report that arrives later: while the one
    page prints the first job, two lists and then a report are queued; the report is
    printed next, the lists after it, each in its order."""
    names = ["pertama", "daftar1", "daftar2", "laporan"]
    pdfs = {n: tmp_path / f"{n}.pdf" for n in names}
    with PdfPrinter("Uji urutan", concurrency=1, warm=False) as printer:
        printer.submit(_page(tmp_path / "pertama.html", "Pertama", charts=0), pdfs["pertama"])
        deadline = time.monotonic() + 60
        while printer._jobs.waiting() and time.monotonic() < deadline:  # taken, printing
            time.sleep(0.01)
        for n in ("daftar1", "daftar2"):
            printer.submit(_page(tmp_path / f"{n}.html", n), pdfs[n], background=True)
        printer.submit(_page(tmp_path / "laporan.html", "Laporan"), pdfs["laporan"])
        assert printer.close() == [pdfs[n] for n in names]  # in submission order
    order = sorted(names, key=lambda n: pdfs[n].stat().st_mtime_ns)
    assert order == ["pertama", "laporan", "daftar1", "daftar2"]


def _counting_pages(monkeypatch) -> list:
    """Count the pages the printer opens (each page is a browser context of its own)."""
    from evaluation.publish import pdf

    opened: list = []
    open_page = pdf._open_page

    async def counted(browser, script_dir):
        opened.append(script_dir)
        return await open_page(browser, script_dir)

    monkeypatch.setattr(pdf, "_open_page", counted)
    return opened


@pytest.mark.e2e
@needs_chromium
def test_the_list_page_prints_lists_beside_a_report_only(tmp_path, monkeypatch):
    """With ``list_page``, lists queued while the one report page prints a long report are
    printed by a second page before that report is done; lists queued while no report
    prints are printed by the report page, and no second page is opened."""
    opened = _counting_pages(monkeypatch)
    lists = [tmp_path / f"daftar{n}.pdf" for n in range(3)]
    with PdfPrinter("Uji daftar", concurrency=1, warm=False, list_page=True) as printer:
        for n, pdf in enumerate(lists):
            printer.submit(_page(tmp_path / f"daftar{n}.html", f"Daftar {n}"), pdf, background=True)
        assert printer.close() == lists
    assert len(opened) == 1  # the report page printed them all

    opened.clear()
    report = tmp_path / "laporan.html"
    rows = "".join(f"<p>Baris laporan panjang nomor {n}</p>" for n in range(6000))
    report.write_text(f"<!DOCTYPE html><html><body><h1>Laporan</h1>{rows}</body></html>")
    with PdfPrinter("Uji daftar", concurrency=1, warm=False, list_page=True) as printer:
        printer.submit(report, tmp_path / "laporan.pdf")
        deadline = time.monotonic() + 60
        while printer._jobs.waiting() and time.monotonic() < deadline:  # taken, printing
            time.sleep(0.01)
        for n, pdf in enumerate(lists):
            printer.submit(_page(tmp_path / f"lagi{n}.html", f"Lagi {n}"), pdf, background=True)
        printer.close()
    assert len(opened) == 2
    done = (tmp_path / "laporan.pdf").stat().st_mtime_ns
    assert all(pdf.stat().st_mtime_ns < done for pdf in lists)
    assert [_text(pdf).split()[:2] for pdf in lists] == [["Lagi", str(n)] for n in range(3)]


@pytest.mark.e2e
@needs_chromium
def test_a_printer_started_before_its_footer_was_known_prints_the_label_given_later(tmp_path):
    """``relabel`` sets the footer of a printer started early (the report's head start);
    once a job was submitted it is refused, and the first label stays."""
    with PdfPrinter("", concurrency=1, warm=False) as printer:
        printer.relabel("Label yang datang kemudian")
        printer.submit(_page(tmp_path / "a.html", "Dokumen A"), tmp_path / "a.pdf")
        with pytest.raises(ValueError, match="already submitted"):
            printer.relabel("Terlambat")
        printer.submit(_page(tmp_path / "b.html", "Dokumen B"), tmp_path / "b.pdf")
    for name in ("a", "b"):
        text = _text(tmp_path / f"{name}.pdf")
        assert "Label yang datang kemudian" in text and "Terlambat" not in text
