"""Errors in the reader's language: each error path triggered for real (no Chromium on PATH,
a bogus browser, a broken notebook, a missing or damaged processed table, a worker that
dies), then shown as the command line shows it (:func:`evaluation.cli.error_line`), in
Bahasa Indonesia and in English, each saying what to fix.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from evaluation.cli import error_line
from evaluation.errors import EvaluationError, InputError, RenderError
from evaluation.presentation.messages import load_translations
from evaluation.presentation.remarks import coded_error_text


def _both(exc: EvaluationError) -> tuple[str, str]:
    return error_line(exc, "id"), error_line(exc, "en")


def _raised(fn, *args, kind=EvaluationError) -> EvaluationError:
    with pytest.raises(kind) as info:
        fn(*args)
    return info.value


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


# --------------------------------------------------------------------------- the browser
def test_no_chromium_on_path(tmp_path, monkeypatch):
    from evaluation.publish.browser import find_chromium

    monkeypatch.delenv("EVALUATION_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder
    exc = _raised(find_chromium, kind=RenderError)
    idn, en = _both(exc)
    assert idn.startswith("Kesalahan: Tidak ditemukan peramban Chromium")
    assert "sudo apt-get install chromium" in idn and "EVALUATION_CHROMIUM" in idn
    assert "--no-pdf" in idn  # what to do meanwhile
    assert en.startswith("Error: No Chromium browser found") and "Install Chromium" in en
    assert "No Chromium" in str(exc)  # str() stays English for logs


def test_a_variable_naming_no_program(tmp_path, monkeypatch):
    from evaluation.publish.browser import find_chromium

    monkeypatch.setenv("EVALUATION_CHROMIUM", str(tmp_path / "tidak-ada"))
    idn, en = _both(_raised(find_chromium))
    assert f"'{tmp_path / 'tidak-ada'}', yang bukan berkas program" in idn
    assert "/usr/bin/chromium" in idn and "hapus variabel itu" in idn
    assert "which is not an executable file" in en


def test_a_bogus_browser_without_a_version(tmp_path):
    from evaluation.publish.browser import chromium_version

    exe = _script(tmp_path / "bukan-chromium", "exit 3")
    idn, en = _both(_raised(chromium_version, str(exe)))
    assert f"Peramban {exe} tidak menyebutkan versinya (status keluar 3)" in idn
    assert "printed no version (exit status 3)" in en


def test_a_browser_that_cannot_be_run(tmp_path):
    from evaluation.publish.browser import chromium_version

    exe = tmp_path / "rusak"
    exe.write_bytes(b"\x7fELF bukan program")  # executable bit, but no program
    exe.chmod(0o755)
    idn, en = _both(_raised(chromium_version, str(exe)))
    assert f"Peramban {exe} tidak dapat dijalankan (" in idn and "Exec format error" in idn
    assert "cannot be run" in en


def test_a_browser_that_will_not_start(tmp_path):
    from evaluation.publish.browser import async_chromium_browser

    exe = _script(tmp_path / "chromium", "echo 'tidak mau jalan' >&2; exit 1")

    async def start():
        async with async_chromium_browser(str(exe)):
            pass  # pragma: no cover - never started

    exc = _raised(lambda: asyncio.run(start()), kind=RenderError)
    idn, en = _both(exc)
    assert idn.startswith(f"Kesalahan: Chromium ({exe}) tidak dapat dijalankan untuk mencetak PDF")
    assert f"'{exe} --version'" in idn and "\n" not in idn  # one line, not Playwright's log
    assert en.startswith(f"Error: Chromium ({exe}) cannot be started")


# --------------------------------------------------------------------------- HTML
def test_a_broken_notebook_cannot_be_made_html(tmp_path):
    from evaluation.publish.html import notebook_to_html

    broken = tmp_path / "laporan.ipynb"
    broken.write_text('{"cells": [', encoding="utf-8")  # cut short
    idn, en = _both(_raised(notebook_to_html, broken, tmp_path / "r.html", "x"))
    assert f"Notebook {broken} tidak dapat dibaca untuk dijadikan HTML" in idn
    assert "make lab" in idn
    assert f"The notebook {broken} cannot be read" in en
    assert not (tmp_path / "r.html").exists()


def test_a_notebook_loading_from_the_network(tmp_path):
    from evaluation.publish.html import notebook_to_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("![logo](https://example.org/logo.png)")]
    src = tmp_path / "daring.ipynb"
    nbformat.write(nb, src)
    idn, en = _both(_raised(notebook_to_html, src, tmp_path / "r.html", "x"))
    assert "daring.ipynb akan memuat 1 sumber dari internet" in idn
    assert "https://example.org/logo.png" in idn and "Sematkan" in idn
    assert "would load 1 resource(s) from the network" in en


def test_a_file_that_cannot_be_written(tmp_path):
    from evaluation.publish.html import write_atomic

    (tmp_path / "berkas").write_text("bukan folder")
    target = tmp_path / "berkas" / "laporan.html"
    idn, en = _both(_raised(write_atomic, target, b"<html></html>"))
    assert f"Berkas {target} tidak dapat ditulis" in idn and "ruang disk" in idn
    assert f"The file {target} cannot be written" in en


# --------------------------------------------------------------------------- processed tables
def _ingested(tmp_path: Path) -> Path:
    from evaluation.ingest import run_ingest
    from test_cli_report import write_tiny_workbook

    raw = tmp_path / "raw"
    write_tiny_workbook(raw / "perjanjian.xlsx")
    run_ingest(raw, tmp_path / "processed")
    return tmp_path / "processed"


def test_a_missing_processed_table(tmp_path):
    from evaluation.ingest import load_processed

    processed = _ingested(tmp_path)
    (processed / "activities.parquet").unlink()
    exc = _raised(load_processed, processed, kind=InputError)
    assert exc.exit_code == 2
    idn, en = _both(exc)
    missing = processed / "activities.parquet"
    assert idn == (
        f"Kesalahan: Tabel olahan {missing} tidak ada. Jalankan 'evaluation ingest' (atau "
        "'make report', yang membaca data lebih dulu) agar tabel olahan dibuat dari data/raw/."
    )
    assert en.startswith(f"Error: The processed table {missing} is missing. Run 'evaluation")


def test_a_damaged_processed_table_refuses_the_report_in_both_languages(tmp_path):
    """Through the real command line: the manifest says the tables are up to date, but one
    of them is damaged."""
    processed = _ingested(tmp_path)
    (processed / "agreements.parquet").write_bytes(b"PAR1 rusak")
    args = [sys.executable, "-m", "evaluation", "report", "--raw", str(tmp_path / "raw"),
            "--processed", str(processed), "--out", str(tmp_path / "reports"), "--no-pdf",
            "--main-only"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    env.pop("EVALUATION_LANG", None)
    runs = {}
    for lang in ("id", "en"):
        extra = ["--lang", "en"] if lang == "en" else []
        runs[lang] = subprocess.run(
            args + extra, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path
        )
    for proc in runs.values():
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
    idn, en = runs["id"].stderr, runs["en"].stderr
    assert f"Kesalahan: Tabel olahan {processed / 'agreements.parquet'} tidak dapat dibaca" in idn
    assert f"Hapus folder {processed} lalu jalankan 'evaluation ingest'" in idn
    assert f"Error: The processed table {processed / 'agreements.parquet'} cannot be read" in en
    assert not (tmp_path / "reports" / "2024").exists()


# --------------------------------------------------------------------------- notebooks
def _job(tmp_path: Path, name: str, notebook: Path, lang: str):
    from evaluation.publish.run import NotebookJob

    out = tmp_path / name
    return NotebookJob(notebook, out.with_suffix(".ipynb"), out.with_suffix(".html"), None,
                       {"lang": lang}, name, name)  # fmt: skip


@pytest.mark.e2e
def test_a_broken_notebook_and_a_dead_worker_are_worded_in_the_reports_language(tmp_path):
    from evaluation.publish.folders import write_analyst_index
    from evaluation.publish.notebooks import execute_all

    broken = tmp_path / "rusak.ipynb"
    broken.write_text("bukan notebook", encoding="utf-8")
    slow = tmp_path / "lambat.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import time\ntime.sleep(120)")]
    nbformat.write(nb, slow)
    # the first share runs in this process: the broken notebooks; the second, in a spawned
    # worker, waits in a cell until that worker is ended by hand
    jobs = [
        _job(tmp_path, "rusak_id", broken, "id"),
        _job(tmp_path, "lambat_id", slow, "id"),
        _job(tmp_path, "rusak_en", broken, "en"),
    ]

    def on_result(r: dict) -> None:
        if r["label"] == "rusak_en":  # both broken ones reported: end the other worker
            for child in mp.active_children():
                os.kill(child.pid, 9)

    results = execute_all(jobs, str(tmp_path), 2, on_result=on_result)
    by = {r["label"]: r for r in results}
    assert not any(r["ok"] for r in results)
    assert by["rusak_id"]["error"].startswith("notebook tidak dapat dibaca (")
    assert "notebook Jupyter yang utuh" in by["rusak_id"]["error"]
    assert by["rusak_en"]["error"].startswith("the notebook cannot be read (")
    assert by["lambat_id"]["error"] == load_translations()["error.notebook_worker_ended"]["id"]
    assert "berhenti tak terduga" in by["lambat_id"]["error"]
    # the analysts' list of the pack: in the reports' language
    write_analyst_index(tmp_path, results, {"rusak_id", "lambat_id"})
    listing = (tmp_path / "DAFTAR.txt").read_text(encoding="utf-8")
    assert "rusak_id: GAGAL di sebuah sel: notebook tidak dapat dibaca" in listing
    write_analyst_index(tmp_path, results, {"rusak_en"}, lang="en")
    listing = (tmp_path / "DAFTAR.txt").read_text(encoding="utf-8")
    assert listing.startswith("rusak_en: FAILED in a cell: the notebook cannot be read")


def test_the_analysts_list_of_a_pack(tmp_path):
    from evaluation.publish.folders import write_analyst_index

    results = [
        {"ok": True, "label": "a.ipynb", "executed": str(tmp_path / "a_2024.ipynb"), "lang": "en"},
        {"ok": False, "label": "b.ipynb", "cell": 4, "error": "ZeroDivisionError: x",
         "executed": str(tmp_path / "b_2024.ipynb")},
        {"ok": True, "label": "laporan_evaluasi.ipynb", "executed": "x.ipynb"},
    ]  # fmt: skip
    write_analyst_index(tmp_path, results, {"a.ipynb", "b.ipynb"}, lang="id")
    assert (tmp_path / "DAFTAR.txt").read_text(encoding="utf-8").splitlines() == [
        "a.ipynb: berhasil -> a_2024.html, a_2024.pdf",
        "b.ipynb: GAGAL di sel 4: ZeroDivisionError: x",
    ]
    write_analyst_index(tmp_path, results, {"a.ipynb", "b.ipynb"})  # the results' language
    assert (tmp_path / "DAFTAR.txt").read_text(encoding="utf-8").splitlines() == [
        "a.ipynb: OK -> a_2024.html, a_2024.pdf",
        "b.ipynb: FAILED in cell 4: ZeroDivisionError: x",
    ]


# --------------------------------------------------------------------------- the mechanism
def test_every_error_message_has_both_languages_and_the_same_placeholders():
    from evaluation.presentation.text import placeholders

    entries = {k: v for k, v in load_translations().items() if k.startswith("error.")}
    assert len(entries) >= 18
    for key, entry in entries.items():
        assert entry.get("id", "").strip() and entry.get("en", "").strip(), key
        assert placeholders(entry["id"]) == placeholders(entry["en"]), key


def test_a_code_without_a_message_falls_back_to_the_english_text():
    exc = RenderError("Cannot do it.", code="no_such_message")
    assert error_line(exc, "id") == "Kesalahan: Cannot do it."
    assert coded_error_text("write_failed", {"path": "x"}, "id") is None  # detail missing
    line = error_line(
        RenderError("x", code="write_failed", fields={"path": "a\nb", "detail": "d"}), "id"
    )
    assert "a\\nb" in line  # a field is shown on one line


# --------------------------------------------------------------------------- the report step
def test_a_reserved_parameter_given_with_p(tmp_path):
    from evaluation.errors import ParameterError
    from evaluation.publish.run import run_report

    exc = _raised(run_report, tmp_path, tmp_path, tmp_path, None, "id", None,
                  {"as_of": "2024-01-01"}, kind=ParameterError)  # fmt: skip
    idn, en = _both(exc)
    assert "opsi --as-of" in idn and "-p as_of=" in idn
    assert "with the option --as-of" in en


def test_a_previous_report_that_is_not_there(tmp_path):
    from datetime import date

    from evaluation.errors import ParameterError
    from evaluation.publish.folders import find_previous

    exc = _raised(find_previous, tmp_path, date(2024, 3, 14), "2023-01-01", kind=ParameterError)
    idn, en = _both(exc)
    assert "--previous 2023-01-01: di sana tidak ada data laporan sebelumnya" in idn
    assert "no earlier report data there" in en and "leave out --previous" in en


def test_an_html_file_missing_for_the_printer(tmp_path):
    from evaluation.publish.pdf import print_pdfs

    missing = tmp_path / "tidak_ada.html"
    idn, en = _both(_raised(print_pdfs, [(missing, tmp_path / "x.pdf")], kind=RenderError))
    assert f"Berkas HTML yang akan dicetak tidak ditemukan: {missing}" in idn
    assert f"The HTML file to print was not found: {missing}" in en


def test_a_page_whose_charts_never_draw(tmp_path):
    from evaluation.publish.pdf import print_pdfs

    page = tmp_path / "grafik.html"
    page.write_text('<!doctype html><html><body><div class="eval-chart"></div></body></html>')
    exc = _raised(
        lambda: print_pdfs([(page, tmp_path / "grafik.pdf")], timeout_ms=1500), kind=RenderError
    )
    idn, en = _both(exc)
    assert "grafik.html: hanya 0 dari 1 grafik yang tergambar dalam 2 detik" in idn
    assert "only 0 of 1 charts were drawn" in en
