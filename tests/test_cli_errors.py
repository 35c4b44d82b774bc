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


# --------------------------------------------------------------------------- the report's parameters
_PARAMS = "as_of, since, lang, category, grace_months, stale_months, expiry_months, low_rate, top_n"
_CATEGORIES = (
    "Pemerintah Daerah, Lembaga Pendidikan, Lembaga Kesehatan, Lembaga Keuangan, Lembaga Pemerintah"
)


@pytest.fixture
def report_dirs(tmp_path) -> dict[str, Path]:
    """A raw folder with a real (tiny) register the report could use; reports and processed
    folders not made yet."""
    from datetime import date

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Perjanjian"
    ws.append(["Nomor Perjanjian", "Nama Mitra", "Kategori Mitra", "Tanggal Penandatanganan"])
    ws.append(["NK.1/2022", "Pemerintah Kota Batam", "Pemkot", date(2022, 1, 5)])
    ws = wb.create_sheet("Ruang Lingkup")
    ws.append(["Nomor Perjanjian", "Ruang Lingkup"])
    ws.append(["NK.1/2022", "Koordinasi Tugas dan Fungsi"])
    raw = tmp_path / "raw"
    raw.mkdir()
    wb.save(raw / "perjanjian.xlsx")
    return {"raw": raw, "out": tmp_path / "reports", "processed": tmp_path / "processed"}


def _report_argv(d: dict[str, Path], *extra: str) -> list[str]:
    return ["report", "--raw", str(d["raw"]), "--out", str(d["out"]),
            "--processed", str(d["processed"]), "--no-pdf", "--main-only", *extra]  # fmt: skip


def _refused(d, argv, capsys, monkeypatch) -> str:
    """Run :func:`evaluation.cli.main` on ``argv``: exit status 2, no traceback, nothing
    ingested and no report folder made; its one error line."""
    from evaluation.cli import main

    monkeypatch.chdir(d["raw"].parent)
    capsys.readouterr()
    code = main(argv)
    out = capsys.readouterr()
    assert code == 2, out
    assert "Traceback" not in out.err and out.out == ""
    assert not d["out"].exists() and not d["processed"].exists()  # nothing ran
    return out.err.strip()


@pytest.mark.parametrize(
    ("extra", "idn", "en"),
    [
        (["-p", "stale_months=0"],
         "Parameter 'stale_months' harus bilangan bulat 1–120 bulan, bukan '0'.",
         "The parameter 'stale_months' must be a whole number of months from 1 to 120, "
         "not '0'."),
        (["-p", "grace_months=dua belas"],
         "Parameter 'grace_months' harus bilangan bulat 0–120 bulan, bukan 'dua belas'.",
         "The parameter 'grace_months' must be a whole number of months from 0 to 120, "
         "not 'dua belas'."),
        (["-p", "top_n=0"],
         "Parameter 'top_n' harus bilangan bulat 1–10000 baris, bukan '0'.",
         "The parameter 'top_n' must be a whole number of rows from 1 to 10000, not '0'."),
        (["-p", "low_rate=1,5"],
         "Parameter 'low_rate' harus pecahan 0–1 (misalnya 0.5), bukan '1,5'.",
         "The parameter 'low_rate' must be a fraction from 0 to 1 (for instance 0.5), "
         "not '1,5'."),
        (["-p", "foo=1"],
         f"Parameter 'foo' tidak dikenal. Valid: {_PARAMS}.",
         f"Unknown parameter 'foo': check its spelling. Valid parameters: {_PARAMS}."),
        (["-p", "category=Koperasi"],
         f"Kategori mitra 'Koperasi' tidak dikenal. Valid: {_CATEGORIES}.",
         "Unknown partner category 'Koperasi': write one of the partner categories of "
         f"vocabulary.toml. Valid: {_CATEGORIES}."),
        (["-p", "as_of=2024-03-14"],
         "Parameter 'as_of' diberikan dengan opsi --as-of, bukan dengan -p as_of=…",
         "Give the parameter 'as_of' with the option --as-of, not with -p as_of=…"),
        (["-p", "grace_months"],
         f"Parameter 'grace_months' harus ditulis NAMA=NILAI (NAME=VALUE), misalnya -p "
         f"grace_months=18. Valid: {_PARAMS}.",
         "Write the parameter 'grace_months' as NAME=VALUE, for instance -p grace_months=18. "
         f"Valid names: {_PARAMS}."),
        (["--as-of", "14-03-2024"],
         "Parameter 'as_of' harus tanggal YYYY-MM-DD (misalnya 2024-03-14), bukan '14-03-2024'.",
         "The parameter 'as_of' must be a date written YYYY-MM-DD (for instance 2024-03-14), "
         "not '14-03-2024'."),
        (["--as-of", "2023-02-29"],
         "Parameter 'as_of': '2023-02-29' bukan tanggal yang ada di kalender. Periksa hari dan "
         "bulannya",
         "The parameter 'as_of': '2023-02-29' is not a date on the calendar. Check its day "
         "and month"),
        (["--as-of", "2017-06-01"],
         "Tanggal evaluasi as_of (2017-06-01) lebih awal dari since (2018-01-01), awal periode "
         "perjanjian yang dihitung. Pilih tanggal evaluasi sesudah 2018-01-01, atau mulai "
         "periode lebih awal dengan -p since=2017-01-01.",
         "The evaluation date as_of (2017-06-01) is earlier than since (2018-01-01), the start "
         "of the period of agreements counted. Choose an evaluation date after 2018-01-01, or "
         "start the period earlier with -p since=2017-01-01."),
    ],
    ids=["stale-zero", "not-a-number", "top-n-zero", "low-rate", "unknown", "category",
         "reserved", "no-equals", "date-format", "impossible-date", "before-since"],
)  # fmt: skip
def test_a_bad_report_parameter_in_both_languages(report_dirs, extra, idn, en, capsys, monkeypatch):
    monkeypatch.delenv("EVALUATION_LANG", raising=False)
    line = _refused(report_dirs, _report_argv(report_dirs, *extra), capsys, monkeypatch)
    assert line.startswith("Kesalahan: ") and idn in line
    line = _refused(report_dirs, _report_argv(report_dirs, *extra, "--lang", "en"), capsys,
                    monkeypatch)  # fmt: skip
    assert line.startswith("Error: ") and en in line
    assert "harus" not in line and "tidak dikenal" not in line  # no Indonesian left


def test_an_evaluation_date_in_the_future_in_both_languages(report_dirs, capsys, monkeypatch):
    from datetime import date

    monkeypatch.delenv("EVALUATION_LANG", raising=False)
    today = date.today().isoformat()
    argv = _report_argv(report_dirs, "--as-of", "2999-01-01")
    idn = _refused(report_dirs, argv, capsys, monkeypatch)
    assert idn.startswith(f"Kesalahan: Tanggal evaluasi 2999-01-01 ada di masa depan (hari ini "
                          f"{today})")  # fmt: skip
    assert f"misalnya --as-of {today}, atau hilangkan --as-of" in idn
    en = _refused(report_dirs, [*argv, "--lang", "en"], capsys, monkeypatch)
    assert en.startswith(f"Error: The evaluation date 2999-01-01 is in the future (today is "
                         f"{today})")  # fmt: skip
    assert f"for instance --as-of {today}, or leave out --as-of to use today." in en


def test_an_unknown_report_language(report_dirs, capsys, monkeypatch):
    """``--lang fr`` cannot choose the messages' language: the command line says it in
    Indonesian; the same error worded in English lists the same valid languages."""
    from evaluation.errors import ParameterError
    from evaluation.params import check_params

    monkeypatch.delenv("EVALUATION_LANG", raising=False)
    line = _refused(report_dirs, _report_argv(report_dirs, "--lang", "fr"), capsys, monkeypatch)
    assert line == "Kesalahan: Bahasa laporan 'fr' tidak dikenal. Valid: id, en."
    exc = _raised(check_params, {"lang": "fr"}, kind=ParameterError)
    assert error_line(exc, "en") == (
        "Error: Unknown report language 'fr': write --lang id or --lang en. Valid: id, en."
    )


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_bad_parameter_through_the_installed_command(report_dirs, lang):
    """The same refusal from ``python -m evaluation`` in its own process."""
    env = {k: v for k, v in os.environ.items() if k != "EVALUATION_LANG"}
    argv = _report_argv(report_dirs, "-p", "stale_months=0", "--lang", lang)
    proc = subprocess.run([sys.executable, "-m", "evaluation", *argv], cwd=report_dirs["raw"],
                          capture_output=True, text=True, timeout=120, env=env, check=False)  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    expected = {
        "id": "Kesalahan: Parameter 'stale_months' harus bilangan bulat 1–120 bulan, bukan '0'.",
        "en": "Error: The parameter 'stale_months' must be a whole number of months from 1 to "
        "120, not '0'.",
    }[lang]
    assert proc.stderr.strip() == expected
    assert not report_dirs["out"].exists() and not report_dirs["processed"].exists()


def test_str_of_a_parameter_error_stays_its_own_text():
    from evaluation.errors import ParameterError
    from evaluation.params import check_params

    exc = _raised(check_params, {"stale_months": "0"}, kind=ParameterError)
    assert str(exc) == "Parameter 'stale_months' harus bilangan bulat 1–120 bulan, bukan '0'."
    assert exc.code == "param_months" and exc.name == "stale_months"


_MAIN_NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "laporan_evaluasi.ipynb"


def _notebook_with(tmp_path: Path, edit) -> Path:
    nb = nbformat.read(_MAIN_NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = edit(cell.source)
    out = tmp_path / _MAIN_NOTEBOOK.name
    nbformat.write(nb, out)
    return out


@pytest.mark.parametrize(
    ("edit", "idn", "en"),
    [
        (lambda s: "",
         "laporan_evaluasi.ipynb: tidak ada sel bertanda 'parameters'. Beri tag 'parameters'",
         "laporan_evaluasi.ipynb: no cell is tagged 'parameters'. Tag the cell that sets the "
         "report's parameters with 'parameters'"),
        (lambda s: s.replace("top_n = 25", "top_rows = 25"),
         "sel 'parameters' tidak sesuai dengan definisi parameter (kurang: top_n; tidak "
         f"dikenal: top_rows). Valid: {_PARAMS}, tables_dir, processed_dir, previous_dir.",
         "the 'parameters' cell does not match the parameter definition (missing: top_n; "
         f"unknown: top_rows). Declare exactly these: {_PARAMS}, tables_dir, processed_dir, "
         "previous_dir."),
        (lambda s: s.replace("stale_months = 12", "stale_months = 6 * 2"),
         "bawaan parameter 'stale_months' harus nilai tetap (angka, teks dalam tanda kutip, "
         "atau None), bukan 6 * 2.",
         "the default of the parameter 'stale_months' must be a fixed value (a number, quoted "
         "text or None), not 6 * 2."),
        (lambda s: s.replace("grace_months = 12", "grace_months = 18"),
         "bawaan parameter 'grace_months' adalah 18, sedangkan definisinya 12. Samakan bawaan",
         "the default of the parameter 'grace_months' is 18, but its definition is 12. Make "
         "the notebook's default the same as the definition."),
    ],
    ids=["no-cell", "renamed", "not-literal", "other-default"],
)  # fmt: skip
def test_a_notebook_parameters_cell_that_disagrees_in_both_languages(tmp_path, edit, idn, en):
    from evaluation.errors import ParameterError
    from evaluation.params import check_notebook_parameters

    path = _notebook_with(tmp_path, edit)
    exc = _raised(check_notebook_parameters, path, kind=ParameterError)
    line_id, line_en = _both(exc)
    assert line_id.startswith("Kesalahan: laporan_evaluasi.ipynb: ") and idn in line_id
    assert line_en.startswith("Error: laporan_evaluasi.ipynb: ") and en in line_en
