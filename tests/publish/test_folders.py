"""The report folder's layout (evaluation.publish.folders), on real folders and notebooks."""

from __future__ import annotations

from datetime import date

import nbformat
import pytest

from evaluation.errors import ParameterError
from evaluation.publish.folders import (
    ANNEX_NOTEBOOK,
    MAIN_NOTEBOOK,
    analyst_notebooks,
    find_previous,
    slugify,
)


def test_slugify_keeps_letters_and_digits_only():
    assert slugify("  BP3MI Jawa Tengah ") == "bp3mi_jawa_tengah"
    assert slugify("Direktorat (Asia & Afrika)") == "direktorat_asia_afrika"
    assert slugify("—") == "x"


def _report(out, day, snapshot=True):
    folder = out / day / "data"
    folder.mkdir(parents=True)
    if snapshot:
        (folder / "agreements.parquet").write_bytes(b"PAR1")
    return folder


def test_find_previous_takes_the_latest_earlier_report_with_a_snapshot(tmp_path):
    _report(tmp_path, "2023-06-30")
    later = _report(tmp_path, "2023-12-01")
    _report(tmp_path, "2024-01-31", snapshot=False)  # no data: not comparable
    _report(tmp_path, "2024-03-14")  # the evaluation itself: not earlier
    (tmp_path / "catatan").mkdir()  # not a date
    assert find_previous(tmp_path, date(2024, 3, 14)) == later
    assert find_previous(tmp_path, date(2023, 6, 30)) is None
    assert find_previous(tmp_path / "belum-ada", date(2024, 3, 14)) is None


def test_find_previous_chosen_folder_or_date(tmp_path):
    snap = _report(tmp_path, "2023-06-30")
    assert find_previous(tmp_path, date(2024, 3, 14), chosen="2023-06-30") == snap
    assert find_previous(tmp_path, date(2024, 3, 14), chosen=str(snap.parent)) == snap
    _report(tmp_path, "2023-01-01", snapshot=False)
    with pytest.raises(ParameterError, match="--previous 2023-01-01"):
        find_previous(tmp_path, date(2024, 3, 14), chosen="2023-01-01")


def _notebook(path, tags):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": tags})]
    nbformat.write(nb, path)


def test_analyst_notebooks_are_the_other_ones_with_a_parameters_cell(tmp_path):
    _notebook(tmp_path / MAIN_NOTEBOOK, ["parameters"])
    _notebook(tmp_path / ANNEX_NOTEBOOK, ["parameters"])
    _notebook(tmp_path / "analisis_saya.ipynb", ["parameters"])
    _notebook(tmp_path / "catatan.ipynb", [])  # no parameters cell: not run
    _notebook(tmp_path / "_draf.ipynb", ["parameters"])  # hidden by its name
    (tmp_path / "rusak.ipynb").write_text("{bukan json", encoding="utf-8")  # papermill reports it
    names = [p.name for p in analyst_notebooks(tmp_path)]
    assert names == ["analisis_saya.ipynb", "rusak.ipynb"]
