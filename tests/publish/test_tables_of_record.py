"""The tables of record are the only source of the report, and analysts can change it.

The tests read the session's sample pack (``sample_pack`` in conftest: ``evaluation report``
on the bundled sample, built once, read-only). Then:

* a value is changed in a table file of ``tables/`` and the main notebook is executed with
  papermill on that folder and rendered to HTML: the changed values appear in the report,
  so every figure shown is read from the tables, not recomputed;
* the three edits the notebook's first cell documents (change a chart, change a table's
  columns, add a table with pandas) are made on a copy of the notebook: each change is found
  in the rendered HTML;
* analysts' own notebooks (the documented example and one that fails) are executed into the
  pack, rendered to HTML and PDF, listed in the console and in ``analis/DAFTAR.txt``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import papermill as pm
import pytest

from conftest import copy_writable
from evaluation.publish.html import notebook_to_html
from evaluation.publish.run import MAIN_NOTEBOOK, run_report

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
AS_OF = "2024-03-14"


@pytest.fixture(scope="module")
def report(sample_pack) -> Path:
    """The session's sample pack (read-only; see ``sample_pack`` in conftest)."""
    return sample_pack["folder"]


def render(notebook: Path, tables_dir: Path, out: Path) -> str:
    """Execute ``notebook`` on ``tables_dir`` as the report does and return its HTML."""
    executed = out.with_suffix(".ipynb")
    pm.execute_notebook(
        str(notebook),
        str(executed),
        parameters={"tables_dir": str(tables_dir), "as_of": AS_OF},
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        log_output=False,
    )
    notebook_to_html(executed, out.with_suffix(".html"), title="uji")
    return out.with_suffix(".html").read_text(encoding="utf-8")


def test_executed_notebooks_do_not_carry_plotly_js_but_the_html_does(report):
    ipynb = (report / f"laporan_evaluasi_{AS_OF}.ipynb").read_text(encoding="utf-8")
    html = (report / f"laporan_evaluasi_{AS_OF}.html").read_text(encoding="utf-8")
    assert "data-eval-plotlyjs" not in ipynb and len(ipynb) < 1_000_000
    assert html.count("data-eval-plotlyjs") == 1 and 'class="eval-chart"' in html


def test_tables_of_record_are_written_as_parquet_and_csv(report):
    tables = report / "tables"
    for name in ("rates_by_category", "rates_by_scope", "rates_by_category_scope"):
        parquet = pd.read_parquet(tables / f"{name}.parquet")
        csv = pd.read_csv(tables / f"{name}.csv")
        assert list(parquet.columns) == list(csv.columns)
        assert parquet["scope_items"].tolist() == csv["scope_items"].tolist()


def test_every_figure_shown_comes_from_the_tables_of_record(report, tmp_path):
    tables = tmp_path / "tables"
    shutil.copytree(report / "tables", tables)

    def change(name: str, **values) -> None:
        df = pd.read_parquet(tables / f"{name}.parquet")
        for col, (row, value) in values.items():
            df.loc[row, col] = value
        df.to_parquet(tables / f"{name}.parquet", index=False)

    cat = pd.read_parquet(tables / "rates_by_category.parquet")
    pd_row = cat.index[cat["category"] == "Pemerintah Daerah"][0]
    change("rates_by_category", scope_rate=(pd_row, 0.7777), agreements=(pd_row, 4321))
    change("summary_facts", total_agreements=(0, 9876), needs_assistance=(0, 1357))
    change("headline_counts", active=(0, 2468))
    curve = pd.read_parquet(tables / "time_to_first_followup_curve.parquet")
    change("time_to_first_followup_curve", share_followed_up=(len(curve) - 1, 0.123456))
    change("rates_by_year", scope_items=(0, 8642))
    html = without_plotly_js(render(NOTEBOOKS / MAIN_NOTEBOOK, tables, tmp_path / "laporan"))
    before = (report / f"laporan_evaluasi_{AS_OF}.html").read_text(encoding="utf-8")
    before = without_plotly_js(before)
    for shown in ("77,8%", "4.321", "9.876", "1.357", "2.468", "8.642", "0.123456"):
        assert shown in html, shown  # table cell, summary sentence, KM curve point …
        assert shown not in before, shown


def without_plotly_js(html: str) -> str:
    """The report without the plotly.js library (4.8 MB of code holding many numbers)."""
    return re.sub(r"<script[^>]*data-eval-plotlyjs.*?</script>", "", html, flags=re.S)


def _guide_blocks() -> list[str]:
    nb = nbformat.read(NOTEBOOKS / MAIN_NOTEBOOK, as_version=4)
    guide = nb.cells[0]
    assert guide.cell_type == "markdown" and "Catatan untuk analis" in guide.source
    return [textwrap_dedent(b) for b in re.findall(r"```python\n(.*?)```", guide.source, re.S)]


def textwrap_dedent(block: str) -> str:
    import textwrap

    return textwrap.dedent(block).strip()


def test_the_three_documented_edits_appear_in_the_report(report, tmp_path):
    chart_code, new_table_code = _guide_blocks()
    nb = nbformat.read(NOTEBOOKS / MAIN_NOTEBOOK, as_version=4)
    # 1. change a chart: the scope chart line replaced by the guide's three lines
    scope_cell = next(c for c in nb.cells if c.source.startswith("# Tingkat pelaksanaan per ruang"))
    old_chart = 'grafik.batang_tingkat(T.rates_by_scope, label="scope", nilai="scope_rate"),\n)'
    assert old_chart in scope_cell.source
    scope_cell.source = scope_cell.source.replace(old_chart, ")") + "\n"
    nb.cells.insert(nb.cells.index(scope_cell) + 1, nbformat.v4.new_code_cell(chart_code))
    # 2. change a table's columns: "censored" removed from the time-to-follow-up table
    km_cell = next(c for c in nb.cells if "T.time_to_first_followup," in c.source)
    assert '"censored", ' in km_cell.source
    km_cell.source = km_cell.source.replace('"censored", ', "")
    # 3. a new table from the loaded tables, with pandas
    nb.cells.append(nbformat.v4.new_code_cell(new_table_code))
    edited = tmp_path / "laporan_evaluasi.ipynb"
    nbformat.write(nb, edited)

    before = (report / f"laporan_evaluasi_{AS_OF}.html").read_text(encoding="utf-8")
    html = render(edited, report / "tables", tmp_path / "diubah")
    assert "Tingkat tindak lanjut per ruang lingkup" in html  # 1
    assert "Tingkat tindak lanjut per ruang lingkup" not in before
    assert "Belum (disensor)" in before and "Belum (disensor)" not in html  # 2
    assert "Perjanjian perlu asistensi per unit" in html  # 3
    units = pd.read_parquet(report / "tables" / "needs_assistance.parquet")["unit"]
    top_unit, n = units.value_counts().index[0], units.value_counts().iloc[0]
    assert re.search(rf"<td>{re.escape(top_unit)}</td><td>{n}</td>", html)


def test_analysts_notebooks_are_run_into_the_pack_and_a_failing_one_is_reported(
    sample_pack, tmp_path
):
    """The sample pack's notebooks folder holds the documented example as
    ``analisis_unit.ipynb``, a copy whose last cell fails (``analisis_rusak.ipynb``) and a
    notebook without a parameters cell (``coretan.ipynb``); see conftest."""
    final = sample_pack["folder"]
    lines = list(sample_pack["lines"])
    analis = final / "analis"
    good = analis / f"analisis_unit_{AS_OF}"
    assert good.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    html = good.with_suffix(".html").read_text(encoding="utf-8")
    assert "Perjanjian perlu asistensi per unit pengampu" in html
    assert 'data-chart-id="contoh-scope"' in html
    assert not (analis / f"analisis_rusak_{AS_OF}.html").exists()
    assert not (analis / f"coretan_{AS_OF}.html").exists()
    log = "\n".join(lines)
    assert re.search(r"PERINGATAN: analisis_rusak\.ipynb gagal di sel \d+: ZeroDivisionError", log)
    assert str(good.with_suffix(".pdf")) in log  # listed with the pack
    listing = (analis / "DAFTAR.txt").read_text(encoding="utf-8")
    assert "analisis_unit.ipynb: berhasil" in listing
    assert re.search(r"analisis_rusak\.ipynb: GAGAL di sel \d+: ZeroDivisionError", listing)
    assert (final / f"laporan_evaluasi_{AS_OF}.pdf").exists()  # the rest of the pack completed

    # editing one notebook rebuilds only the report made from it (on a copy of the pack,
    # with one kernel this time)
    base = copy_writable(sample_pack["base"], tmp_path / "pack")
    notebooks = base / "notebooks"
    nb = nbformat.read(notebooks / "analisis_unit.ipynb", as_version=4)
    nb.cells[
        -1
    ].source = 'bagian("Bagian baru dari analis", tabel(T.rates_by_scope, kolom=["scope"]))'
    nbformat.write(nb, notebooks / "analisis_unit.ipynb")
    main_pdf = (final / f"laporan_evaluasi_{AS_OF}.pdf").read_bytes()
    lines.clear()
    final = run_report(
        raw_dir=base / "raw",
        processed_dir=base / "processed",
        out_dir=base / "reports",
        as_of=AS_OF,
        per_category=False,
        notebooks_dir=notebooks,
        workers=1,
        echo=lines.append,
    )
    log = "\n".join(lines)
    # (the console speaks Bahasa Indonesia by default)
    assert "tidak berubah sejak penyusunan terakhir, dipakai lagi: laporan_evaluasi.ipynb" in log
    executed = re.findall(r"^\s+(\S+\.ipynb)[^:]*: dijalankan", log, re.M)
    assert executed == ["analisis_unit.ipynb"]  # the main report was not executed again
    assert "analisis_rusak.ipynb: GAGAL" in log  # (a failed one has nothing to keep)
    assert (final / f"laporan_evaluasi_{AS_OF}.pdf").read_bytes() == main_pdf
    html = (final / "analis" / f"analisis_unit_{AS_OF}.html").read_text(encoding="utf-8")
    assert "Bagian baru dari analis" in html
    assert (final / "analis" / f"analisis_unit_{AS_OF}.pdf").exists()
