"""Reports rebuilt only when what they are made from changed.

Each report folder records in ``notebooks.json`` a key per notebook job: a hash of the
notebook, its parameters, the tables of record it loads, its title, whether a PDF is
printed, and the library code that renders it. A new run copies the outputs of jobs whose
key is unchanged from the previous folder instead of executing them again, so editing one
notebook rebuilds only the reports made from it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

#: File of a report folder recording, per notebook job, the key of what it was built from.
BUILD_KEYS = "notebooks.json"


def _library_hash() -> str:
    """Hash of the code and text that shape a rendered report (presentation, publishing)."""
    pkg = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for sub in ("presentation", "publish", "analysis", "vocab"):
        for f in sorted((pkg / sub).rglob("*")):
            if f.is_file() and f.suffix in {".py", ".toml", ".j2", ".css", ".json", ".tpl"}:
                h.update(f.relative_to(pkg).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def job_key(job, staging: Path) -> str:
    """What a report is made from: its notebook, its parameters (folder paths aside), the
    tables of record it loads, the title, whether a PDF is printed, and the library."""
    from evaluation.presentation.charts.bundle import bundles_key

    h = hashlib.sha256(_library_hash().encode())
    h.update(bundles_key().encode())  # the plotly.js the HTML embeds
    h.update(Path(job.notebook).read_bytes())
    params = {k: v for k, v in job.parameters.items() if k not in ("tables_dir", "processed_dir")}
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    h.update(f"{job.title}|{job.pdf is not None}".encode())
    tables = Path(job.parameters.get("tables_dir") or staging / "tables")
    for f in sorted(tables.glob("*.parquet")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def reuse_unchanged(jobs, keys: dict, final: Path, staging: Path) -> dict[str, Path]:
    """Copy into ``staging`` the outputs of jobs built from the same key by the report in
    ``final`` (its ``notebooks.json``); returns the reused jobs' executed notebooks by label."""
    try:
        previous = json.loads((final / BUILD_KEYS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    reused = {}
    for j in jobs:
        if previous.get(j.label) != keys[j.label]:
            continue
        files = [j.executed, j.html] + ([j.pdf] if j.pdf is not None else [])
        sources = [final / Path(f).relative_to(staging) for f in files]
        if not all(src.is_file() for src in sources):
            continue
        for src, dst in zip(sources, files, strict=True):
            Path(dst).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        reused[j.label] = j.executed
    return reused


__all__ = ["BUILD_KEYS", "job_key", "reuse_unchanged"]
