"""Processed tables on disk (Parquet, CSV, manifest), freshness check and the console summary."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from evaluation.atomic import atomic_path
from evaluation.errors import InputError, printable
from evaluation.ingest import schema
from evaluation.ingest.cells import Note
from evaluation.ingest.common import IngestResult
from evaluation.ingest.files import list_inputs, sha256_file
from evaluation.ingest.gate import require_agreements
from evaluation.ingest.pipeline import ingest
from evaluation.ingest.sheets import NOT_READ_CODES
from evaluation.vocab.loader import (
    load_vocabulary,
)


def write_processed(result: IngestResult, out_dir: Path) -> list[Path]:
    """Write the tables (Parquet), ``data_quality.csv``, ``ingest_summary.csv`` and
    ``manifest.json`` into ``out_dir``. Each file is written to a temporary name and renamed
    into place; the manifest goes last, so a complete manifest means a complete set. The
    same result always gives byte-identical files (no timestamps are written)."""
    from evaluation.safe_csv import write_csv  # injection-safe CSV

    out_dir = Path(out_dir)
    written = []
    for name, df in result.tables.items():
        p = out_dir / f"{name}.parquet"
        with atomic_path(p) as tmp:
            df.to_parquet(tmp, index=False)
        written.append(p)
    for name, df in (("data_quality.csv", result.quality), ("ingest_summary.csv", result.summary)):
        p = out_dir / name
        write_csv(df, p)
        written.append(p)
    manifest = {
        "inputs": result.inputs,
        "is_sample": result.is_sample,
        "rows": {k: int(len(v)) for k, v in result.tables.items()},
        "quality_rows": int(len(result.quality)),
        "vocabulary_sha256": sha256_file(Path(load_vocabulary().path)),
    }
    p = out_dir / "manifest.json"
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    with atomic_path(p) as tmp:
        tmp.write_text(text, encoding="utf-8")
    written.append(p)
    return written


def load_processed(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the processed tables (and ``data_quality``, ``ingest_summary``) back.

    Raises
    ------
    InputError
        If a table is missing (run ``evaluation ingest`` first) or cannot be read; worded in
        the reader's language when shown (its remark ``dq.processed_missing`` /
        ``dq.processed_unreadable``).
    """
    out_dir = Path(out_dir)
    tables = {}
    for name in schema.TABLES:
        p = out_dir / f"{name}.parquet"
        if not p.exists():
            raise _refusal(
                Note(
                    f"processed table {p} is missing; run 'evaluation ingest' first.",
                    code="processed_missing",
                    path=str(p),
                )
            )
        try:
            frame = pd.read_parquet(p)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            detail = printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            raise _refusal(
                Note(
                    f"processed table {p} cannot be read ({detail}); delete {out_dir} and run "
                    "'evaluation ingest' again.",
                    code="processed_unreadable",
                    path=str(p),
                    detail=detail,
                    folder=str(out_dir),
                )
            ) from exc
        tables[name] = schema.coerce(frame, name)
    require_agreements(tables["agreements"])  # never a report from zero agreements
    dq = out_dir / "data_quality.csv"
    quality = (
        pd.read_csv(dq, dtype=str, keep_default_na=False)
        if dq.exists()
        else pd.DataFrame(columns=schema.DATA_QUALITY)
    )
    # A folder written before the code and fields columns existed: empty columns (the
    # report then shows the English problem).
    missing = [c for c in schema.DATA_QUALITY if c not in quality.columns]
    tables["data_quality"] = quality.assign(**dict.fromkeys(missing, "")) if missing else quality
    summ = out_dir / "ingest_summary.csv"
    tables["ingest_summary"] = pd.read_csv(summ) if summ.exists() else pd.DataFrame()
    return tables


def _refusal(note: Note) -> InputError:
    """An :class:`InputError` whose message is ``note`` (worded when shown)."""
    return InputError(str(note), remarks=[note])


def read_manifest(out_dir: Path) -> dict | None:
    """The ``manifest.json`` of an ingest output folder, or None if missing or unreadable."""
    p = Path(out_dir) / "manifest.json"
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def is_up_to_date(raw_dir: Path, out_dir: Path) -> bool:
    """True when ``out_dir`` was ingested from exactly the current files of ``raw_dir``."""
    man = read_manifest(out_dir)
    if not man:
        return False
    try:
        files = list_inputs(raw_dir)
    except InputError:
        return False
    current = [{"file": p.name, "sha256": sha256_file(p), "bytes": p.stat().st_size} for p in files]
    vocab_hash = sha256_file(Path(load_vocabulary().path))
    return (
        man.get("inputs") == current
        and man.get("vocabulary_sha256") == vocab_hash
        and all((Path(out_dir) / f"{t}.parquet").exists() for t in schema.TABLES)
        and _quality_columns(Path(out_dir) / "data_quality.csv") == schema.DATA_QUALITY
    )


def _quality_columns(path: Path) -> list[str] | None:
    """Header of a ``data_quality.csv`` (None if unreadable): an older layout means the
    folder must be ingested again."""
    try:
        return pd.read_csv(path, dtype=str, nrows=0).columns.tolist()
    except (OSError, ValueError):
        return None


def format_summary(result: IngestResult) -> str:
    """The per-sheet console summary: rows read = used + fixed + quarantined + ignored."""
    head = (
        f"{'file / sheet':<52} {'read':>7} {'used':>7} {'fixed':>7} {'quarant.':>8} {'ignored':>7}"
    )
    lines = [head]
    for r in result.summary.itertuples():
        label = printable(f"{r.file} / {r.sheet}")
        if len(label) > 52:
            label = "…" + label[-51:]
        lines.append(
            f"{label:<52} {r.read:>7} {r.used:>7} {r.fixed:>7} {r.quarantined:>8} {r.ignored:>7}"
        )
    s = result.summary
    lines.append(
        f"{'total':<52} {s['read'].sum():>7} {s['used'].sum():>7} {s['fixed'].sum():>7} "
        f"{s['quarantined'].sum():>8} {s['ignored'].sum():>7}"
    )
    q = result.quality
    if len(q):
        skipped = q[q["code"].isin(NOT_READ_CODES) & q["row"].isna()]
        if len(skipped):
            lines.append("Sheets not read (their rows are counted above as ignored):")
            for r in skipped.itertuples():
                lines.append(f"  {r.file} / {r.sheet}: {r.problem}")
    return "\n".join(lines)


#: Receives one console event: a message key (``cli.<key>`` in translations.toml) and its
#: fields. Remarks travel as ``{"code", "fields", "problem"}`` so that the command line words
#: them in the reader's language (ingest imports no presentation code).
Say = Callable[[str, dict], None]


def _remark(r) -> dict:
    return {
        "code": getattr(r, "code", "") or "",
        "fields": getattr(r, "fields", "") or "",
        "problem": printable(getattr(r, "problem", "") or ""),
    }


def console_events(result: IngestResult, out_dir: Path) -> list[tuple[str, dict]]:
    """What ``evaluation ingest`` tells the reader, as ``(key, fields)`` events in order: the
    per-sheet table (read = used + fixed + quarantined + ignored), the sheets not read, the
    counts, entries of the folder not read, quarantined rows (up to 15), the other remarks
    grouped by kind with a count and the first place, and what was written."""
    events: list[tuple[str, dict]] = [("ingest_table_head", {})]
    s = result.summary
    for r in s.itertuples():
        events.append(
            ("ingest_table_row", {
                "label": printable(f"{r.file} / {r.sheet}"), "read": r.read, "used": r.used,
                "fixed": r.fixed, "quarantined": r.quarantined, "ignored": r.ignored,
            })
        )  # fmt: skip
    events.append(
        ("ingest_table_total", {
            k: int(s[k].sum()) for k in ("read", "used", "fixed", "quarantined", "ignored")
        })
    )  # fmt: skip
    q = result.quality
    if len(q):
        skipped = q[q["code"].isin(NOT_READ_CODES) & q["row"].isna()]
        if len(skipped):
            events.append(("ingest_not_read_head", {}))
            for r in skipped.itertuples():
                events.append(
                    ("ingest_not_read", {"file": printable(r.file), "sheet": printable(r.sheet),
                                         "remark": _remark(r)})
                )  # fmt: skip
    counts = result.agreements["partner_category"].value_counts()
    events.append(
        ("ingest_counts", {
            "agreements": len(result.agreements),
            "categories": ", ".join(f"{k}: {v}" for k, v in counts.items()),
            "scope_items": len(result.scope_items), "activities": len(result.activities),
        })
    )  # fmt: skip
    if len(q):
        # Entries of the input folder that are not read, each on its own line.
        whole_file = q["sheet"].fillna("").eq("") & q["row"].isna()
        for r in q[whole_file].itertuples():
            events.append(
                ("ingest_file_remark", {"action": r.action, "file": printable(r.file),
                                        "remark": _remark(r)})
            )  # fmt: skip
        q = q[~whole_file]
        # Quarantined rows one by one (they are missing from the figures), up to 15 ...
        quarantined = q[q["action"] == "quarantined"]
        for r in quarantined.head(15).itertuples():
            events.append(
                ("ingest_quarantined", {
                    "file": printable(r.file), "sheet": printable(r.sheet),
                    "row": None if pd.isna(r.row) else r.row,
                    "column": printable(r.column) if r.column else "", "remark": _remark(r),
                })
            )  # fmt: skip
        if len(quarantined) > 15:
            events.append(("ingest_more_quarantined", {"n": len(quarantined) - 15}))
        # ... other remarks grouped by kind (their code), with a count and the first location.
        rest = q[q["action"] != "quarantined"]
        kinds = rest["code"].where(
            rest["code"].fillna("") != "",
            rest["problem"].str.replace(r"'[^']*'|\([^)]*\)|\d[\d\-/.]*", "…", regex=True),
        )
        for (action, _kind), grp in rest.groupby([rest["action"], kinds], sort=False):
            first = next(grp.itertuples())
            events.append(
                ("ingest_grouped", {
                    "action": action, "n": len(grp), "remark": _remark(first),
                    "file": printable(first.file), "sheet": printable(first.sheet),
                    "row": None if pd.isna(first.row) else first.row,
                })
            )  # fmt: skip
        events.append(
            ("ingest_all_remarks", {"n": len(result.quality),
                                    "path": str(Path(out_dir) / "data_quality.csv")})
        )  # fmt: skip
    if result.is_sample:
        events.append(("ingest_sample", {}))
    events.append(("ingest_wrote", {"folder": f"{Path(out_dir)}/"}))
    return events


def run_ingest(raw_dir: Path, out_dir: Path, say: Say | None = None) -> IngestResult:
    """Ingest ``raw_dir`` into ``out_dir`` and tell ``say`` the summary and the problems
    (:func:`console_events`; the command line words them in the reader's language).

    Raises
    ------
    InputError
        As :func:`ingest`.
    """
    result = ingest(raw_dir)
    write_processed(result, out_dir)
    if say is not None:
        for key, fields in console_events(result, out_dir):
            say(key, fields)
    return result
