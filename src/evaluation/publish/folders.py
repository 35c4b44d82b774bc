"""The report folder's layout: names, the earlier evaluation to compare with, the tables of
record written into it, and the analysts' own notebooks that join the pack.

:mod:`evaluation.publish.build` builds the pack with these; :mod:`evaluation.publish.units` names
its files with :func:`slugify`.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from evaluation.errors import ParameterError

MAIN_NOTEBOOK = "laporan_evaluasi.ipynb"
ANNEX_NOTEBOOK = "lampiran_mitra.ipynb"
_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def slugify(text: str) -> str:
    s = re.sub(r"[^0-9a-zA-Z]+", "_", text.strip().lower()).strip("_")
    return s or "x"


def find_previous(out_dir: Path, as_of: date, chosen: str | None = None) -> Path | None:
    """The snapshot to compare with: ``chosen`` (folder or date), else the latest report folder
    of ``out_dir`` dated before ``as_of`` that holds a data snapshot.

    Raises
    ------
    ParameterError
        If ``chosen`` is given but holds no snapshot.
    """
    if chosen:
        p = Path(chosen)
        if not p.is_dir():
            p = Path(out_dir) / chosen
        snap = p / "data" if (p / "data").is_dir() else p
        if not (snap / "agreements.parquet").exists():
            raise ParameterError(
                f"--previous {chosen}: no earlier report data found there "
                f"(expected {snap}/agreements.parquet).",
                name="previous",
                code="previous_missing",
                fields={"chosen": chosen, "expected": snap / "agreements.parquet"},
            )
        return snap
    best = None
    if Path(out_dir).is_dir():
        for d in sorted(Path(out_dir).iterdir()):
            if d.is_dir() and _DATE_DIR.match(d.name) and d.name < as_of.isoformat():
                if (d / "data" / "agreements.parquet").exists():
                    best = d / "data"
    return best


def write_tables(tables: dict, folder: Path, csv: bool = True) -> None:
    """Write the tables of record: ``<name>.parquet`` (the notebooks load these) and, with
    ``csv``, ``<name>.csv`` (people and other tools read these) for each table."""
    from evaluation.presentation.workbook import write_csv

    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
        if csv:
            write_csv(df, folder / f"{name}.csv")


def analyst_notebooks(notebooks_dir: Path) -> list[Path]:
    """Notebooks of ``notebooks_dir`` other than the main report and the annex that have a
    cell tagged ``parameters`` (they are executed into the pack with the same parameters)."""
    import nbformat

    found = []
    for nb in sorted(Path(notebooks_dir).glob("*.ipynb")):
        if nb.name in (MAIN_NOTEBOOK, ANNEX_NOTEBOOK) or nb.name.startswith((".", "_")):
            continue
        try:
            cells = nbformat.read(nb, as_version=4).cells
        except Exception:  # noqa: BLE001 - unreadable: reported by papermill when run
            cells = []
            found.append(nb)
            continue
        if any("parameters" in c.get("metadata", {}).get("tags", []) for c in cells):
            found.append(nb)
    return found


def write_analyst_index(
    folder: Path, results: list[dict], labels: set[str], lang: str | None = None
) -> None:
    """``analis/DAFTAR.txt``: each analyst notebook, and where it failed if it did.

    Worded in ``lang``; by default in the language of the reports the results come from
    (their ``lang``, see :func:`evaluation.publish.notebooks.failure`), else Indonesian.
    """
    from evaluation.presentation.messages import message

    if lang is None:
        lang = next((r["lang"] for r in results if r.get("lang") in ("id", "en")), "id")
    lines = []
    for r in results:
        if r["label"] not in labels:
            continue
        stem = Path(r["executed"]).stem if "executed" in r else r["label"]
        if r["ok"]:
            lines.append(
                message(
                    "analyst.ok", lang, label=r["label"], html=f"{stem}.html", pdf=f"{stem}.pdf"
                )
            )
        else:
            cell = (
                message("cli.report_cell", lang, cell=r["cell"])
                if r.get("cell") is not None
                else message("cli.report_a_cell", lang)
            )
            lines.append(
                message("analyst.failed", lang, label=r["label"], cell=cell, error=r["error"])
            )
    (folder / "DAFTAR.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


__all__ = [
    "ANNEX_NOTEBOOK",
    "MAIN_NOTEBOOK",
    "analyst_notebooks",
    "find_previous",
    "slugify",
    "write_analyst_index",
    "write_tables",
]
