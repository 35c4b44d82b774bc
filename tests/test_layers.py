"""The import-linter contracts of pyproject.toml: stages import downwards only.

``lint-imports`` runs on the installed tool of the project's virtualenv (the one running the
tests), on this checkout's ``src``. A planted upward import must break the contract, so the
check cannot pass vacuously.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=120,
    )


def test_the_layers_contract_is_kept():
    res = _lint(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "2 kept, 0 broken" in res.stdout, res.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    quality = copy / "src" / "evaluation" / "ingest" / "quality.py"
    quality.write_text(
        quality.read_text() + "\n\ndef _upward():\n    from evaluation.presentation import text\n"
    )
    authoring = copy / "src" / "evaluation" / "authoring" / "sample.py"
    authoring.write_text(authoring.read_text() + "\nimport evaluation.publish.run  # noqa\n")
    res = _lint(copy)
    assert res.returncode != 0
    assert "evaluation.ingest is not allowed to import evaluation.presentation" in res.stdout
    assert "evaluation.ingest.quality -> evaluation.presentation.text" in res.stdout
    assert "evaluation.authoring is not allowed to import evaluation.publish" in res.stdout
