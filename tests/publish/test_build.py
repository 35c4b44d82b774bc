"""Tests of evaluation.publish.build: the jobs of a pack and what runs while the notebooks do.

Building a whole pack (tables, notebooks, HTML, PDFs) is tested end to end in
test_run_e2e.py and test_tables_of_record.py; here the pack's jobs are assembled without
running anything.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation import config
from evaluation.params import check_params
from evaluation.publish.build import PackBuild
from evaluation.publish.folders import ANNEX_NOTEBOOK, MAIN_NOTEBOOK


def _build(tmp_path: Path, *, per_category: bool = True, pdf: bool = True, **params) -> PackBuild:
    staging = tmp_path / "staging"
    (staging / "tables").mkdir(parents=True)
    build = PackBuild(
        check_params({"as_of": "2024-03-14", **params}),
        raw_dir=tmp_path / "raw",
        processed_dir=tmp_path / "processed",
        out_dir=tmp_path,
        staging=staging,
        final=tmp_path / "2024-03-14",
        prev=None,
        is_sample=True,
        pdf=pdf,
        per_category=per_category,
        notebooks_dir=config.NOTEBOOKS_DIR,
        workers=None,
        echo=lambda _m: None,
    )
    build.data = {
        "agreements": pd.DataFrame(
            {
                "partner_category": [
                    "Pemerintah Daerah",
                    "Lembaga Kesehatan",
                    None,
                    "Pemerintah Daerah",
                ]
            }
        )
    }
    return build


def test_the_pack_runs_the_main_report_first_then_the_annex_then_each_category_present(tmp_path):
    from evaluation.vocab.loader import load_vocabulary

    build = _build(tmp_path)
    jobs, category_tables, own = build.jobs()
    labels = [j.label for j in jobs]
    present = [  # in the vocabulary's order, only the categories of the data
        c for c in load_vocabulary().partner_categories.labels
        if c in ("Lembaga Kesehatan", "Pemerintah Daerah")
    ]  # fmt: skip
    assert len(present) == 2
    assert labels == [MAIN_NOTEBOOK, ANNEX_NOTEBOOK, *(f"{MAIN_NOTEBOOK} [{c}]" for c in present)]
    assert list(category_tables) == labels[2:] and own == []
    main, annex = jobs[:2]
    health, regions = sorted(jobs[2:], key=lambda j: j.parameters["category"])
    tables = build.staging / "tables"
    assert main.parameters["tables_dir"] == str(tables.resolve())
    assert annex.parameters["tables_dir"] == str(tables.resolve())
    assert health.parameters["category"] == "Lembaga Kesehatan"
    assert Path(health.parameters["tables_dir"]).parent == (tables / "kategori").resolve()
    assert health.parameters["tables_dir"] != regions.parameters["tables_dir"]
    assert main.html.name == "laporan_evaluasi_2024-03-14.html"
    assert main.pdf == main.html.with_suffix(".pdf")
    assert health.html.parent == build.staging / "kategori"
    assert (build.staging / "kategori").is_dir()


def test_without_pdfs_or_categories_the_pack_is_smaller(tmp_path):
    build = _build(tmp_path, per_category=False, pdf=False, lang="en")
    jobs, category_tables, _own = build.jobs()
    assert [j.label for j in jobs] == [MAIN_NOTEBOOK] and category_tables == {}
    assert jobs[0].pdf is None and jobs[0].html.name == "laporan_evaluasi_2024-03-14_en.html"


def test_a_first_run_writes_every_table_while_the_notebooks_run(tmp_path):
    """No earlier report to reuse: nothing is written before the notebooks start, every job
    runs, and the main tables come first among the writers."""
    build = _build(tmp_path)
    jobs, category_tables, _own = build.jobs()
    plan = build.plan(jobs, category_tables)
    assert plan.todo == jobs and plan.reused == {} and plan.keys == {}
    assert list(plan.inputs) == [MAIN_NOTEBOOK, *category_tables]
    assert plan.inputs[MAIN_NOTEBOOK] == build.main_tables
    assert not any((build.staging / "tables").iterdir())


def test_a_missing_notebook_is_named(tmp_path):
    from evaluation.errors import EvaluationError

    build = _build(tmp_path)
    build.notebooks_dir = tmp_path / "kosong"
    build.notebooks_dir.mkdir()
    with pytest.raises(EvaluationError, match="laporan_evaluasi.ipynb not found"):
        build.jobs()
