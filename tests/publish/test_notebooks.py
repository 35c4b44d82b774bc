"""Committed notebooks hold no outputs, keep their parameters cell and match ReportParams."""

import ast
from pathlib import Path

import nbformat
import pytest

from evaluation.authoring.notebook_hygiene import main, problems
from evaluation.params import PARAM_NAMES

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
#: The report notebooks and the documented example an analyst copies (make notebook NAME=…).
NOTEBOOKS = sorted([*NOTEBOOKS_DIR.glob("*.ipynb"), *NOTEBOOKS_DIR.glob("contoh/*.ipynb")])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean(path):
    assert problems(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_names_every_report_parameter(path):
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    names = {
        t.id
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
    }
    assert set(PARAM_NAMES) <= names
    assert {"processed_dir", "previous_dir"} <= names


def test_hygiene_check_fails_on_a_notebook_with_outputs(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})
    out = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    out.outputs = [
        nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=3)
    ]
    nb.cells = [cell, out]
    nbformat.write(nb, tmp_path / "dirty.ipynb")
    assert main([str(tmp_path)]) == 1
    printed = capsys.readouterr().out
    assert "dirty.ipynb: cell 1 holds outputs" in printed


def test_hygiene_check_fails_without_parameters_tag(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, tmp_path / "untagged.ipynb")
    assert any("parameters" in p for p in problems(tmp_path / "untagged.ipynb"))


@pytest.mark.e2e
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_with_its_defaults(path, tmp_path):
    """As in JupyterLab: no papermill, the parameters cell's own defaults, cwd = notebooks/.

    The defaults must give the same evaluation as `make report` on the bundled sample
    (as_of resolves to the sample's meeting date, 14 Maret 2024)."""
    import shutil

    from nbclient import NotebookClient

    from evaluation.authoring.sample import write_sample
    from evaluation.ingest import run_ingest

    raw = tmp_path / "data" / "raw"
    write_sample(raw)
    run_ingest(raw, tmp_path / "data" / "processed")
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    shutil.copy(path, nb_dir / path.name)
    nb = nbformat.read(nb_dir / path.name, as_version=4)
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(nb_dir)}}
    ).execute()
    html = "".join(
        o.get("data", {}).get("text/html", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    if path.parent.name == "contoh":  # the analyst's example: its own tables
        assert "Perjanjian perlu asistensi per unit pengampu" in html
        return
    assert "14 Maret 2024" in html
    assert "DATA CONTOH" in html


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_names_the_project_kernel(path):
    spec = nbformat.read(path, as_version=4).metadata["kernelspec"]
    assert spec["name"] == "evaluation" and spec["display_name"] == "Python (evaluation)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_loads_the_tables_of_record(path):
    """Every notebook takes the report's tables folder and loads it (never recomputes)."""
    nb = nbformat.read(path, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "tables_dir = None" in params.source
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "muat_laporan(\n    tables_dir" in code
    assert "compute_tables" not in code and "metrics" not in code


def test_main_notebook_starts_with_the_guide_in_indonesian():
    nb = nbformat.read(NOTEBOOKS_DIR / "laporan_evaluasi.ipynb", as_version=4)
    guide = nb.cells[0]
    assert guide.cell_type == "markdown" and "remove-cell" in guide.metadata["tags"]
    for topic in ("Mengubah grafik", "Mengubah kolom tabel", "Menambah tabel sendiri"):
        assert topic in guide.source


def _reader_notebook(path: Path) -> Path:
    """A notebook that prints the text of the file named by its parameter ``source``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("source = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("from pathlib import Path\nprint(Path(source).read_text())"),
    ]
    nbformat.write(nb, path)
    return path


@pytest.mark.e2e
def test_pending_jobs_start_once_their_inputs_are_written(tmp_path):
    """Jobs whose inputs are written by ``pending`` run after them, in one kernel; a failing
    ``pending`` is raised and its job is not run."""
    from evaluation.publish.notebooks import execute_all
    from evaluation.publish.run import NotebookJob

    nb = _reader_notebook(tmp_path / "baca.ipynb")

    def job(name: str) -> NotebookJob:
        out = tmp_path / name
        params = {"source": str(tmp_path / f"{name}.txt")}
        return NotebookJob(nb, out.with_suffix(".ipynb"), out.with_suffix(".html"), None,
                           params, name, name)  # fmt: skip

    (tmp_path / "siap.txt").write_text("sudah ada", encoding="utf-8")
    jobs = [job("siap"), job("nanti")]
    order = []

    def write_later() -> None:
        order.append("pending")
        (tmp_path / "nanti.txt").write_text("ditulis kemudian", encoding="utf-8")

    results = execute_all(
        jobs, str(tmp_path), 1, on_result=lambda r: order.append(r["label"]),
        pending={1: write_later},
    )  # fmt: skip
    assert [r["ok"] for r in results] == [True, True], results
    assert order.index("pending") < order.index("nanti")
    html = (tmp_path / "nanti.html").read_text(encoding="utf-8")
    assert "ditulis kemudian" in html

    def fail() -> None:
        raise RuntimeError("tabel gagal")

    with pytest.raises(RuntimeError, match="tabel gagal"):
        execute_all([job("lain")], str(tmp_path), 1, pending={0: fail})
    assert not (tmp_path / "lain.ipynb").exists()


@pytest.mark.e2e
def test_then_runs_while_its_job_runs(tmp_path):
    """``then`` is called once its job was let start, and the job does not wait for it: the
    job's HTML appears while ``then`` is still running. A failing ``then`` is raised."""
    import time

    from evaluation.publish.notebooks import execute_all
    from evaluation.publish.run import NotebookJob

    nb = _reader_notebook(tmp_path / "baca.ipynb")
    (tmp_path / "data.txt").write_text("isi", encoding="utf-8")

    def job(name: str) -> NotebookJob:
        out = tmp_path / name
        return NotebookJob(nb, out.with_suffix(".ipynb"), out.with_suffix(".html"), None,
                           {"source": str(tmp_path / "data.txt")}, name, name)  # fmt: skip

    seen = []

    def meanwhile() -> None:
        deadline = time.monotonic() + 120
        while not (tmp_path / "satu.html").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        seen.append((tmp_path / "satu.html").exists())

    results = execute_all(
        [job("satu")], str(tmp_path), 1, pending={0: lambda: None}, then={0: meanwhile}
    )
    assert results[0]["ok"], results
    assert seen == [True]

    def fail() -> None:
        raise RuntimeError("buku kerja gagal")

    with pytest.raises(RuntimeError, match="buku kerja gagal"):
        execute_all([job("dua")], str(tmp_path), 1, pending={0: lambda: None}, then={0: fail})
