"""``make clean`` keeps the past reports; ``make clean-reports`` removes them only after a yes.

The Makefile is run by the real ``make`` in a scratch copy of the project layout (its clean
targets need nothing but the shell), never in the repository itself.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for rel in (
        "reports/2024-03-14/data/agreements.parquet",
        "reports/2024-09-12/laporan_evaluasi_2024-09-12.pdf",
        "reports/_gagal/x.ipynb",
        "reports/.staging-2024-10-01-99/x",
        "reports/.stamp-2024-03-14-id",
        "reports/index.html",
        "data/processed/agreements.parquet",
        "data/processed/manifest.json",
        "data/raw/perjanjian.xlsx",
    ):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return tmp_path


def make(project: Path, target: str, answer: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=project,
        input=answer,
        stdin=subprocess.DEVNULL if answer is None else None,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_clean_keeps_past_reports(project):
    proc = make(project, "clean", None)
    assert proc.returncode == 0, proc.stderr
    assert (project / "reports/2024-03-14/data/agreements.parquet").exists()
    assert (project / "reports/2024-09-12/laporan_evaluasi_2024-09-12.pdf").exists()
    assert (project / "reports/index.html").exists()
    assert not (project / "data/processed/agreements.parquet").exists()
    assert not (project / "reports/.stamp-2024-03-14-id").exists()
    assert not (project / "reports/.staging-2024-10-01-99").exists()
    assert (project / "data/raw/perjanjian.xlsx").exists()


@pytest.mark.parametrize(
    "answer", [None, "", "n\n", "tidak\n"], ids=["no-stdin", "eof", "n", "tidak"]
)
def test_clean_reports_without_a_yes_removes_nothing(project, answer):
    proc = make(project, "clean-reports", answer)
    assert proc.returncode == 0, proc.stderr
    assert "[y/N]" in proc.stdout and "Dibatalkan" in proc.stdout
    assert (project / "reports/2024-03-14/data/agreements.parquet").exists()
    assert (project / "reports/index.html").exists()


@pytest.mark.parametrize("answer", ["y\n", "ya\n"])
def test_clean_reports_after_yes_removes_every_report(project, answer):
    proc = make(project, "clean-reports", answer)
    assert proc.returncode == 0, proc.stderr
    assert "Hapus 3 folder laporan" in proc.stdout and "Dihapus" in proc.stdout
    assert sorted(p.name for p in (project / "reports").iterdir()) == []
    assert (project / "data/processed/agreements.parquet").exists()  # only reports go
