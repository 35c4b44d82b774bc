"""Tests of evaluation.publish.head_start: the kernel and the printer started early."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

from evaluation.publish.head_start import HeadStart, print_pages

needs_chromium = pytest.mark.skipif(
    not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")),
    reason="no Chromium on this machine",
)


def _children() -> set[int]:
    """Processes whose parent is this process and that are still running (not zombies)."""
    me = os.getpid()
    found = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == me and stat[0] != "Z":
            found.add(int(name))
    return found


def _alive(kernel) -> bool:
    from jupyter_core.utils import run_sync

    return bool(run_sync(kernel.km.is_alive)())


def test_print_pages_is_a_page_per_report_up_to_the_cores(monkeypatch):
    import evaluation.publish.pdf as pdf

    monkeypatch.setattr(pdf, "default_concurrency", lambda: 2)
    assert print_pages(1) == (1, True)  # the main report alone: a page for the lists
    assert print_pages(7) == (2, False)
    assert print_pages(0) == (1, True)  # only lists


@pytest.mark.e2e
@needs_chromium
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_close_stops_the_kernel_and_the_browser_that_were_not_taken(tmp_path):
    before = _children()
    head = HeadStart(tmp_path, "id", pdf=True, reports=1)
    kernel, printer = head._kernel, head._printer
    deadline = time.monotonic() + 60
    while not _children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _children() - before  # the kernel (or Playwright's driver) is running
    head.close()
    assert not printer._thread.is_alive()
    assert not _alive(kernel)
    assert _children() - before == set()
    head.close()  # twice is harmless
    assert head.take_kernel() is None and head.take_printer("x") is None


@pytest.mark.e2e
def test_a_taken_kernel_runs_the_first_jobs_already_warmed_and_is_stopped_after(tmp_path):
    """The kernel started early runs the first share of ``execute_all`` with the library the
    report notebooks import already loaded, and is stopped when its jobs are done."""
    from evaluation.publish.notebooks import WARM_UP, execute_all
    from evaluation.publish.run import NotebookJob

    module = WARM_UP.split()[-1]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(f"import sys\nprint('warm:', {module!r} in sys.modules)"),
    ]
    path = tmp_path / "periksa.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "periksa"
    job = NotebookJob(path, out.with_suffix(".ipynb"), out.with_suffix(".html"), None, {},
                      "periksa", "periksa")  # fmt: skip
    with HeadStart(tmp_path, "id", pdf=False, reports=1) as head:
        kernel = head.take_kernel()
        results = execute_all([job], str(tmp_path), 1, kernel=kernel)
    assert results[0]["ok"], results
    executed = nbformat.read(out.with_suffix(".ipynb"), as_version=4)
    printed = [o.get("text", "") for c in executed.cells if c.cell_type == "code"
               for o in c.get("outputs", [])]  # fmt: skip
    assert "warm: True\n" in printed, printed
    assert not _alive(kernel)


def test_a_kernel_that_cannot_start_is_reported_by_start(tmp_path, monkeypatch):
    from evaluation.publish.notebooks import Kernel

    kernel = Kernel(str(tmp_path))

    def refuse() -> None:
        raise RuntimeError("kernel tidak bisa dinyalakan")

    monkeypatch.setattr(kernel, "_launch", refuse)
    kernel.start_soon()
    with pytest.raises(RuntimeError, match="tidak bisa dinyalakan"):
        kernel.start()


@pytest.mark.e2e
@needs_chromium
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_run_refused_after_the_head_start_leaves_no_kernel_or_browser(canonical_dir, tmp_path):
    """With the inputs already ingested the kernel and Chromium start before the notebooks'
    parameters cells are read; a cell that disagrees is still refused before any report
    is written, and the run leaves nothing running behind."""
    from evaluation.errors import ParameterError
    from evaluation.ingest import is_up_to_date, run_ingest
    from evaluation.publish.run import run_report

    processed = tmp_path / "processed"
    run_ingest(canonical_dir, processed)
    assert is_up_to_date(canonical_dir, processed)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks" / "laporan_evaluasi.ipynb",
                       as_version=4)  # fmt: skip
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "grace_months = 12" in cell.source
    cell.source = cell.source.replace("grace_months = 12", "grace_months = 18")
    nbformat.write(nb, notebooks / "laporan_evaluasi.ipynb")
    before = _children()
    with pytest.raises(ParameterError, match="grace_months"):
        run_report(canonical_dir, processed, tmp_path / "reports", notebooks_dir=notebooks,
                   per_category=False, echo=lambda m: None)  # fmt: skip
    assert _children() - before == set()
    assert not (tmp_path / "reports").exists()
