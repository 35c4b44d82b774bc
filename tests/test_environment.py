"""The pins: pyproject's direct dependencies, requirements.lock and environment.yml agree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip().lower())


def _lock() -> dict[str, str]:
    out = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            k, v = line.split("==", 1)
            out[_norm(k)] = v.strip()
    return out


def _direct() -> list[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [_norm(d) for d in meta["dependencies"] + meta["optional-dependencies"]["dev"]]


def _environment() -> dict:
    import yaml  # PyYAML, in the lock (Jupyter's)

    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def test_every_direct_dependency_is_pinned_in_the_lock():
    lock = _lock()
    missing = [d for d in _direct() if d not in lock]
    assert not missing, f"add to requirements.lock: {missing}"


def test_environment_yml_installs_exactly_the_lock_then_the_project():
    """conda's pip section reads requirements.lock (what `make setup` installs, see
    scripts/setup.sh), then installs the project; no package is pinned twice."""
    deps = _environment()["dependencies"]
    pip = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert pip == [["-r requirements.lock", "-e ."]], pip
    conda = [d for d in deps if isinstance(d, str)]
    assert "pip" in conda and all(not re.match(r"[a-z].*==", d) for d in conda), conda
    python = next(d for d in conda if d.startswith("python="))
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert required == ">=" + python.split("=", 1)[1], (python, required)
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "-r requirements.lock" in setup and "-e ." in setup  # the same set as make


def test_package_metadata_licence_authors_urls_version():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == "MIT" and (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert meta["authors"] and meta["urls"]["Homepage"].startswith("https://")
    assert meta["dynamic"] == ["version"]  # one version: evaluation.config.VERSION
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    import evaluation

    assert f"## [{evaluation.__version__}]" in changelog and "## [Unreleased]" in changelog


def test_installed_versions_match_the_lock():
    from importlib.metadata import PackageNotFoundError, version

    lock = _lock()
    wrong = {}
    for name in _direct():
        try:
            got = version(name)
        except PackageNotFoundError:
            wrong[name] = "not installed"
            continue
        if got != lock[name]:
            wrong[name] = f"{got} installed, {lock[name]} locked"
    assert not wrong, wrong


def test_defusedxml_is_what_openpyxl_parses_workbook_xml_with(tmp_path):
    """defusedxml is pinned for openpyxl, which imports it when installed: an entity
    declaration in a workbook part is refused (without it, openpyxl expands entities)."""
    import os
    import subprocess
    import sys
    import zipfile

    import openpyxl

    path = tmp_path / "entitas.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Perjanjian"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["xl/workbook.xml"].decode()
    parts["xl/workbook.xml"] = (
        '<!DOCTYPE workbook [<!ENTITY a "Perjanjian">]>' + xml.replace('"Perjanjian"', '"&a;"')
    ).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    load = f"import openpyxl; print(openpyxl.load_workbook({str(path)!r}).sheetnames)"
    with_defused = subprocess.run([sys.executable, "-c", load], capture_output=True, text=True)
    assert with_defused.returncode != 0 and "EntitiesForbidden" in with_defused.stderr
    without = subprocess.run(
        [sys.executable, "-c", load],
        capture_output=True,
        text=True,
        env={**os.environ, "OPENPYXL_DEFUSEDXML": "False"},
    )
    assert without.stdout.strip() == "['Perjanjian']"  # the entity was expanded


def test_reading_notebooks_does_not_compile_the_iri_grammar():
    """``import evaluation`` keeps jsonschema from importing rfc3987_syntax (a Lark grammar
    compiled at import, about 2 s per process that reads a notebook); nbformat still
    validates notebooks."""
    import subprocess
    import sys

    code = (
        "import sys, evaluation, nbformat, papermill\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(nb)\n"
        "print(sorted(m for m in ('rfc3987_syntax', 'lark') if sys.modules.get(m)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert out.strip() == "[]"
