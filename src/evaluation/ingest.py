"""Ingestion: analysts' workbooks in, typed and validated tables out.

``ingest(raw_dir)`` reads every input file, finds each known sheet and its header row,
normalises labels to the vocabulary, parses dates and numbers, checks keys across files, and
returns the three processed tables plus the data-quality log. Every data row read ends up in a
table or in the log (usually both for fixed rows). ``write_processed`` writes them (Parquet
and CSV) atomically; ``run_ingest`` does both and prints a per-sheet summary.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from . import config, schema
from .errors import InputError
from .parsing import parse_date, parse_number
from .quality import QualityLog
from .reader import RawFile, RawSheet, read_file
from .vocab import SheetSpec, Vocabulary, load_vocabulary, match_key

#: Excel's limit for one cell; longer text is truncated and reported.
EXCEL_CELL_LIMIT = 32_767
#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 30
_TOTAL_WORDS = {
    "jumlah", "total", "jumlahtotal", "grandtotal", "subtotal", "totalkeseluruhan",
    "jumlahseluruhnya", "jumlahkeseluruhan",
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")
_TEXT_FIELDS = {"partner_name", "unit", "notes", "description", "evidence", "document_type"}


@dataclass
class IngestResult:
    """What ingestion produced. Tables follow :mod:`evaluation.schema`."""

    agreements: pd.DataFrame
    scope_items: pd.DataFrame
    activities: pd.DataFrame
    quality: pd.DataFrame
    summary: pd.DataFrame
    inputs: list[dict] = field(default_factory=list)
    is_sample: bool = False

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "agreements": self.agreements,
            "scope_items": self.scope_items,
            "activities": self.activities,
        }


@dataclass
class _Record:
    """One data row of a known sheet, with its raw cells by field."""

    file: str
    sheet: str
    row: int
    cells: dict[str, object]
    headers: dict[str, str]  # field -> header text as written in the file
    values: dict[str, object] = field(default_factory=dict)
    ok: bool = True


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def list_inputs(raw_dir: Path) -> list[Path]:
    """Input files of ``raw_dir`` in a stable order (Excel lock files ``~$…`` skipped).

    Raises
    ------
    InputError
        If the folder does not exist or holds no input file.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise InputError(f"the input folder {raw_dir} does not exist.")
    files = sorted(
        p
        for p in raw_dir.iterdir()
        if p.is_file()
        and p.suffix.lower() in config.INPUT_SUFFIXES
        and not p.name.startswith(("~$", ".~lock", "."))
    )
    if not files:
        raise InputError(
            f"no workbook found in {raw_dir}. Put the agreement workbooks (.xlsx, .xlsm, .ods "
            "or .csv) there, or run 'evaluation template' for a blank one."
        )
    return files


# --------------------------------------------------------------------------- cell helpers
def _is_blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and not v.strip()


def _clean_text(v: object) -> tuple[str | None, list[str]]:
    """Text cell -> stripped single-spaced text; notes for removed/truncated content."""
    if _is_blank(v):
        return None, []
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = unicodedata.normalize("NFC", str(v))
    notes = []
    if _CONTROL.search(s):
        s = _CONTROL.sub("", s)
        notes.append("control characters removed")
    s = _SPACES.sub(" ", s).strip()
    if len(s) > EXCEL_CELL_LIMIT:
        s = s[:EXCEL_CELL_LIMIT]
        notes.append(f"text longer than {EXCEL_CELL_LIMIT:,} characters truncated")
    return (s or None), notes


def _agreement_id(v: object) -> str | None:
    s, _ = _clean_text(v)
    return s


# --------------------------------------------------------------------------- sheets
def _find_header(sheet: RawSheet, spec: SheetSpec) -> tuple[int, dict[int, object]] | None:
    """Index in ``sheet.rows`` of the header row and its column -> ColumnSpec mapping."""
    lookup = spec.header_lookup()
    required = {c.field for c in spec.required}
    best = None
    for i, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        mapping = {}
        for j, cell in enumerate(row):
            col = lookup.get(match_key(cell)) if isinstance(cell, str) else None
            if col is not None and col.field not in {c.field for c in mapping.values()}:
                mapping[j] = col
        fields = {c.field for c in mapping.values()}
        if required <= fields:
            return i, mapping
        if best is None or len(fields) > len(best[1]):
            best = (i, mapping)
    return None if best is None else (-1 - best[0], best[1])


def _sheet_records(
    raw: RawFile, sheet: RawSheet, spec: SheetSpec, vocab: Vocabulary, log: QualityLog
) -> list[_Record]:
    """Data rows of a known sheet as records. Structural problems raise InputError."""
    fname, sname = raw.path.name, sheet.name
    found = _find_header(sheet, spec)
    if found is None or found[0] < 0:
        have = {c.field for c in (found[1].values() if found else [])}
        missing = [c.header for c in spec.required if c.field not in have]
        raise InputError(
            f"required column(s) {', '.join(repr(m) for m in missing)} not found in the first "
            f"{HEADER_SEARCH_ROWS} rows. The header row must name: "
            f"{', '.join(c.header for c in spec.required)}.",
            file=fname,
            sheet=sname,
            column=missing[0] if missing else None,
        )
    hidx, mapping = found
    header_row = sheet.first_row + hidx
    log.register_sheet(fname, sname)
    if any(not all(_is_blank(c) for c in r) for r in sheet.rows[:hidx]):
        log.add(fname, sname, header_row, "", "", f"title rows above the header (row {header_row}) skipped", "ignored")
    index_keys = {match_key(h) for h in vocab.index_headers}
    header_cells = sheet.rows[hidx]
    headers = {}
    for j, col in mapping.items():
        headers[col.field] = str(header_cells[j]).strip()
    for j, cell in enumerate(header_cells):
        if j in mapping or _is_blank(cell):
            continue
        key = match_key(cell)
        if key in index_keys:
            continue
        col = spec.header_lookup().get(key)
        problem = (
            f"second column for '{col.header}'; only the first is read"
            if col is not None
            else "column not part of the input format; not read"
        )
        log.add(fname, sname, header_row, str(cell).strip(), "", problem, "ignored")

    body = sheet.rows[hidx + 1 :]
    last = len(body)
    while last > 0 and all(_is_blank(c) for c in body[last - 1]):
        last -= 1
    records = []
    for k, row in enumerate(body[:last]):
        excel_row = header_row + 1 + k
        if all(_is_blank(c) for c in row):
            log.mark(fname, sname, excel_row, "ignored")
            log.add(fname, sname, excel_row, "", "", "blank row skipped", "ignored")
            continue
        cells = {col.field: (row[j] if j < len(row) else None) for j, col in mapping.items()}
        first_texts = [match_key(c) for c in row if not _is_blank(c)][:3]
        key_id = match_key(cells.get("agreement_id"))
        if any(t in _TOTAL_WORDS for t in first_texts) and (not key_id or key_id in _TOTAL_WORDS):
            log.mark(fname, sname, excel_row, "ignored")
            total_cell = next(c for c in row if match_key(c) in _TOTAL_WORDS)
            log.add(fname, sname, excel_row, "", total_cell, "total row skipped", "ignored")
            continue
        log.mark(fname, sname, excel_row, "used")
        records.append(_Record(fname, sname, excel_row, cells, headers))
    return records


def _sample_marker(sheet: RawSheet) -> bool:
    for row in sheet.rows:
        if len(row) >= 2 and match_key(row[0]) == "dataset" and match_key(row[1]) == "sample":
            return True
    return False


# --------------------------------------------------------------------------- row checks
class _Row:
    """Helper to report problems of one record."""

    def __init__(self, rec: _Record, log: QualityLog, spec: SheetSpec):
        self.rec, self.log = rec, log
        self.headers = {c.field: c.header for c in spec.columns}

    def col(self, fld: str) -> str:
        return self.rec.headers.get(fld, self.headers.get(fld, fld))

    def report(self, fld: str, value: object, problem: str, action: str) -> None:
        r = self.rec
        if action == "quarantined":
            r.ok = False
        self.log.add(r.file, r.sheet, r.row, self.col(fld) if fld else "", value, problem, action)

    def text(self, fld: str) -> str | None:
        raw = self.rec.cells.get(fld)
        s, notes = _clean_text(raw)
        for n in notes:
            self.report(fld, raw, n, "fixed")
        return s

    def label(self, fld: str, section, *, required: bool, unknown_action: str = "quarantined"):
        raw = self.rec.cells.get(fld)
        if _is_blank(raw):
            if required:
                self.report(fld, raw, f"'{self.col(fld)}' is empty; fill it in", "quarantined")
            return None
        label = section.canonical(raw)
        if label is None:
            valid = ", ".join(section.labels)
            self.report(
                fld,
                raw,
                f"unknown {self.headers.get(fld, fld)} '{str(raw).strip()}'; use one of: {valid} "
                "(or add an alias in vocabulary.toml)",
                unknown_action,
            )
        return label

    def date(self, fld: str, *, required: bool) -> date | None:
        raw = self.rec.cells.get(fld)
        d, note = parse_date(raw)
        if d is None and required:
            why = note or f"'{self.col(fld)}' is empty"
            self.report(fld, raw, f"{why}; fill in a date", "quarantined")
        elif d is None and note:
            self.report(fld, raw, note, "fixed")
        return d


# --------------------------------------------------------------------------- tables
def _agreements(records, vocab: Vocabulary, log: QualityLog, spec: SheetSpec, term_years: int):
    rows = []
    for rec in records:
        chk = _Row(rec, log, spec)
        aid = _agreement_id(rec.cells.get("agreement_id"))
        if aid is None:
            chk.report("agreement_id", None, "'Nomor Perjanjian' is empty; fill it in", "quarantined")
        name = chk.text("partner_name")
        if name is None:
            chk.report("partner_name", None, "'Nama Mitra' is empty; fill it in", "quarantined")
        cat = chk.label("partner_category", vocab.partner_categories, required=True)
        province = None
        raw_prov = rec.cells.get("province")
        if not _is_blank(raw_prov):
            province = vocab.provinces.canonical(raw_prov)
            if province is None:
                chk.report("province", raw_prov, f"unknown province '{str(raw_prov).strip()}'; left empty", "fixed")
        elif cat is not None and vocab.partner_categories.term(cat).requires_province:
            chk.report("province", None, f"'Provinsi' is empty (expected for {cat})", "used")
        doc = None
        raw_doc = rec.cells.get("document_type")
        if not _is_blank(raw_doc):
            doc = vocab.document_types.canonical(raw_doc)
            if doc is None:
                doc, _ = _clean_text(raw_doc)
                chk.report("document_type", raw_doc, "unknown document type; kept as written", "used")
        signed = chk.date("signed_on", required=True)
        ends = chk.date("ends_on", required=False)
        if signed is not None and ends is None:
            ends = (pd.Timestamp(signed) + pd.DateOffset(years=term_years) - pd.Timedelta(days=1)).date()
            chk.report(
                "ends_on",
                rec.cells.get("ends_on"),
                f"no end date; assumed {term_years} years after signing ({ends.isoformat()})",
                "fixed",
            )
        if signed is not None and ends is not None and ends < signed:
            chk.report("ends_on", rec.cells.get("ends_on"), "end date is before the signing date", "quarantined")
        rec.values = {
            "agreement_id": aid,
            "document_type": doc,
            "partner_name": name,
            "partner_category": cat,
            "province": province,
            "signed_on": signed,
            "ends_on": ends,
            "unit": chk.text("unit"),
            "notes": chk.text("notes"),
        }
        rows.append(rec)
    return rows


def _dedupe_agreements(recs: list[_Record], log: QualityLog, spec: SheetSpec) -> dict[str, _Record]:
    """Keep one record per agreement number; identical repeats ignored, conflicts quarantined."""
    by_id: dict[str, list[_Record]] = {}
    for r in recs:
        if r.ok:
            by_id.setdefault(r.values["agreement_id"], []).append(r)
    kept = {}
    compare = [c.field for c in spec.columns if c.field != "agreement_id"]
    for aid, group in by_id.items():
        first = group[0]
        if len(group) == 1:
            kept[aid] = first
            continue
        differing = [r for r in group[1:] if any(r.values[f] != first.values[f] for f in compare)]
        if not differing:
            kept[aid] = first
            for r in group[1:]:
                _Row(r, log, spec).report(
                    "agreement_id",
                    aid,
                    f"same agreement already listed in {first.file}, sheet '{first.sheet}', "
                    f"row {first.row}; kept once",
                    "ignored",
                )
            continue
        places = "; ".join(f"{r.file} sheet '{r.sheet}' row {r.row}" for r in group)
        for r in group:
            headers = ", ".join(
                c.header
                for c in spec.columns
                if c.field in compare and any(o.values[c.field] != r.values[c.field] for o in group)
            )
            _Row(r, log, spec).report(
                "agreement_id",
                aid,
                f"agreement number listed more than once with different details ({headers}): "
                f"{places}. Keep one version and delete the others",
                "quarantined",
            )
    return kept


def _scope_items(records, vocab, log, spec, agreements: dict[str, _Record], bad_ids: set[str]):
    seen: dict[tuple[str, str], _Record] = {}
    for rec in records:
        chk = _Row(rec, log, spec)
        aid = _agreement_id(rec.cells.get("agreement_id"))
        scope = chk.label("scope", vocab.scopes, required=True)
        if aid is None:
            chk.report("agreement_id", None, "'Nomor Perjanjian' is empty; fill it in", "quarantined")
        elif aid not in agreements:
            _refers_unknown(chk, aid, bad_ids)
        if not rec.ok:
            continue
        key = (aid, scope)
        if key in seen:
            first = seen[key]
            chk.report("scope", rec.cells.get("scope"), f"scope listed twice for this agreement (first at {first.file} row {first.row}); kept once", "ignored")
            continue
        rec.values = {"agreement_id": aid, "scope": scope}
        seen[key] = rec
    return seen


def _refers_unknown(chk: _Row, aid: str, bad_ids: set[str]) -> None:
    if aid in bad_ids:
        chk.report("agreement_id", aid, "its agreement row is quarantined; fix that row first", "quarantined")
    else:
        chk.report(
            "agreement_id",
            aid,
            "agreement number not found in any 'Perjanjian' sheet; check the number or add the agreement",
            "quarantined",
        )


def _activities(records, vocab, log, spec, agreements, bad_ids, scope_seen):
    out = []
    seen: dict[tuple, _Record] = {}
    for rec in records:
        chk = _Row(rec, log, spec)
        aid = _agreement_id(rec.cells.get("agreement_id"))
        if aid is None:
            chk.report("agreement_id", None, "'Nomor Perjanjian' is empty; fill it in", "quarantined")
        elif aid not in agreements:
            _refers_unknown(chk, aid, bad_ids)
        scope = chk.label("scope", vocab.scopes, required=True)
        status = chk.label("status", vocab.statuses, required=True)
        when = chk.date("activity_date", required=True)
        outcome = None
        raw_out = rec.cells.get("outcome_type")
        if not _is_blank(raw_out):
            outcome = vocab.outcome_types.canonical(raw_out)
            if outcome is None:
                other = vocab.outcome_types.labels[-1]
                outcome = other
                chk.report("outcome_type", raw_out, f"unknown outcome type; recorded as '{other}'", "fixed")
        raw_val = rec.cells.get("value")
        value, note = parse_number(raw_val)
        if note:
            chk.report("value", raw_val, f"{note}; left empty", "fixed")
        desc = chk.text("description")
        evidence = chk.text("evidence")
        if not rec.ok:
            continue
        ag = agreements[aid].values
        if when < ag["signed_on"]:
            chk.report("activity_date", rec.cells.get("activity_date"), "activity dated before the agreement was signed", "used")
        rec.values = {
            "agreement_id": aid,
            "scope": scope,
            "activity_date": when,
            "description": desc,
            "status": status,
            "outcome_type": outcome,
            "value": value,
            "evidence": evidence,
        }
        key = tuple(rec.values[f] for f in ("agreement_id", "scope", "activity_date", "description", "status", "outcome_type", "value", "evidence"))
        if key in seen:
            first = seen[key]
            chk.report("agreement_id", aid, f"same activity already listed in {first.file} row {first.row}; kept once", "ignored")
            continue
        seen[key] = rec
        if (aid, scope) not in scope_seen:
            chk.report(
                "scope",
                rec.cells.get("scope"),
                "scope not listed for this agreement in 'Ruang Lingkup'; added as a scope item",
                "fixed",
            )
            implied = _Record(rec.file, rec.sheet, rec.row, {}, {}, {"agreement_id": aid, "scope": scope})
            scope_seen[(aid, scope)] = implied
        out.append(rec)
    return out


def _frame(records: list[_Record], table: str) -> pd.DataFrame:
    cols = [c for c in schema.TABLES[table] if c not in schema.PROVENANCE]
    data = [
        {**{c: r.values.get(c) for c in cols}, "source_file": r.file, "source_sheet": r.sheet, "source_row": r.row}
        for r in records
    ]
    if not data:
        return schema.empty_table(table)
    return schema.coerce(pd.DataFrame(data), table)


# --------------------------------------------------------------------------- entry points
def ingest(raw_dir: Path, vocab: Vocabulary | None = None, term_years: int | None = None) -> IngestResult:
    """Read and validate every input file of ``raw_dir``.

    Parameters
    ----------
    raw_dir
        Folder of ``.xlsx`` / ``.xlsm`` / ``.ods`` / ``.csv`` files. Never modified.
    vocab
        Vocabulary; default the project's ``vocabulary.toml``.
    term_years
        Term assumed when an agreement has no end date (default 5 years).

    Returns
    -------
    IngestResult

    Raises
    ------
    InputError
        When input cannot be used at all: no input file, a file that is not a workbook or is
        unsafe, a known sheet without its required columns, no 'Perjanjian' sheet anywhere.
        All such problems of all files are reported together in one message.
    """
    vocab = vocab or load_vocabulary()
    term_years = config.DEFAULT_TERM_YEARS if term_years is None else term_years
    files = list_inputs(raw_dir)
    log = QualityLog()
    fatal: list[InputError] = []
    by_table: dict[str, list[_Record]] = {"agreements": [], "scope_items": [], "activities": []}
    aux_keys = {match_key(n) for n in vocab.auxiliary_sheets}
    inputs = []
    is_sample = False
    agreement_sheets = 0
    for path in files:
        inputs.append({"file": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size})
        try:
            raw = read_file(path)
        except InputError as exc:
            fatal.append(exc)
            continue
        known = 0
        for sheet in raw.sheets:
            spec = vocab.sheet_for(sheet.name)
            if spec is None and raw.kind == "csv":
                spec = next((s for s in vocab.sheets if match_key(sheet.name).endswith(match_key(s.name))), None)
            if spec is None:
                if match_key(sheet.name) in aux_keys:
                    is_sample = is_sample or _sample_marker(sheet)
                    continue
                state = "hidden sheet" if not sheet.visible else "sheet"
                log.add(path.name, sheet.name, None, "", "", f"{state} not part of the input format; not read", "ignored")
                continue
            known += 1
            if not sheet.visible:
                log.add(path.name, sheet.name, None, "", "", "hidden sheet; read because it is a known sheet", "used")
            if spec.table == "agreements":
                agreement_sheets += 1
            try:
                by_table[spec.table].extend(_sheet_records(raw, sheet, spec, vocab, log))
            except InputError as exc:
                fatal.append(exc)
        if known == 0:
            names = ", ".join(f"'{s.name}'" for s in raw.sheets) or "none"
            fatal.append(
                InputError(
                    f"no sheet named {', '.join(repr(s.name) for s in vocab.sheets)} found "
                    f"(sheets: {names}). Rename the sheets or use the template.",
                    file=path.name,
                )
            )
    if not fatal and not agreement_sheets:
        fatal.append(InputError("no 'Perjanjian' sheet found in any input file; agreements are required.", sheet="Perjanjian"))
    if fatal:
        if len(fatal) == 1:
            raise fatal[0]
        msg = "\n  - ".join(str(e) for e in fatal)
        raise InputError(f"{len(fatal)} input problems stop the run:\n  - {msg}")

    ag_spec = vocab.sheet_spec("agreements")
    ag_recs = _agreements(by_table["agreements"], vocab, log, ag_spec, term_years)
    kept = _dedupe_agreements(ag_recs, log, ag_spec)
    all_ids = {r.values.get("agreement_id") for r in ag_recs if r.values.get("agreement_id")}
    bad_ids = all_ids - set(kept)
    scopes = _scope_items(by_table["scope_items"], vocab, log, vocab.sheet_spec("scope_items"), kept, bad_ids)
    acts = _activities(by_table["activities"], vocab, log, vocab.sheet_spec("activities"), kept, bad_ids, scopes)

    agreements = _frame(list(kept.values()), "agreements")
    scope_items = _frame(list(scopes.values()), "scope_items")
    activities = _frame(acts, "activities")
    return IngestResult(
        agreements=agreements,
        scope_items=scope_items,
        activities=activities,
        quality=log.to_frame(),
        summary=log.summary(),
        inputs=inputs,
        is_sample=is_sample,
    )


def _atomic_write(path: Path, writer: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """CSV, UTF-8, atomic, with text cells made inert against formula injection."""
    try:
        from .excel import write_csv as _safe_write_csv
    except ImportError:  # pragma: no cover - during bootstrap only
        _atomic_write(path, lambda t: df.to_csv(t, index=False))
        return
    _safe_write_csv(df, path)


def write_processed(result: IngestResult, out_dir: Path) -> list[Path]:
    """Write the tables (Parquet), ``data_quality.csv``, ``ingest_summary.csv`` and
    ``manifest.json`` into ``out_dir``. Each file is written to a temporary name and renamed
    into place; the manifest goes last, so a complete manifest means a complete set."""
    out_dir = Path(out_dir)
    written = []
    for name, df in result.tables.items():
        p = out_dir / f"{name}.parquet"
        _atomic_write(p, lambda t, df=df: df.to_parquet(t, index=False))
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
    _atomic_write(p, lambda t: t.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
    written.append(p)
    return written


def load_processed(out_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the processed tables (and ``data_quality``) back.

    Raises
    ------
    InputError
        If a table is missing: run ``evaluation ingest`` first.
    """
    out_dir = Path(out_dir)
    tables = {}
    for name in schema.TABLES:
        p = out_dir / f"{name}.parquet"
        if not p.exists():
            raise InputError(f"processed table {p} is missing; run 'evaluation ingest' first.")
        tables[name] = schema.coerce(pd.read_parquet(p), name)
    dq = out_dir / "data_quality.csv"
    tables["data_quality"] = pd.read_csv(dq, dtype=str, keep_default_na=False) if dq.exists() else pd.DataFrame(columns=schema.DATA_QUALITY)
    summ = out_dir / "ingest_summary.csv"
    tables["ingest_summary"] = pd.read_csv(summ) if summ.exists() else pd.DataFrame()
    return tables


def read_manifest(out_dir: Path) -> dict | None:
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
    return man.get("inputs") == current and man.get("vocabulary_sha256") == vocab_hash and all(
        (Path(out_dir) / f"{t}.parquet").exists() for t in schema.TABLES
    )


def format_summary(result: IngestResult) -> str:
    """The per-sheet console summary: rows read = used + fixed + quarantined + ignored."""
    lines = [f"{'file / sheet':<52} {'read':>7} {'used':>7} {'fixed':>7} {'quarant.':>8} {'ignored':>7}"]
    for r in result.summary.itertuples():
        label = f"{r.file} / {r.sheet}"
        if len(label) > 52:
            label = "…" + label[-51:]
        lines.append(f"{label:<52} {r.read:>7} {r.used:>7} {r.fixed:>7} {r.quarantined:>8} {r.ignored:>7}")
    s = result.summary
    lines.append(
        f"{'total':<52} {s['read'].sum():>7} {s['used'].sum():>7} {s['fixed'].sum():>7} "
        f"{s['quarantined'].sum():>8} {s['ignored'].sum():>7}"
    )
    return "\n".join(lines)


def run_ingest(raw_dir: Path, out_dir: Path, echo: Callable[[str], None] = print) -> IngestResult:
    """Ingest ``raw_dir`` into ``out_dir`` and print the summary and the problems."""
    result = ingest(raw_dir)
    write_processed(result, out_dir)
    echo(format_summary(result))
    counts = result.agreements["partner_category"].value_counts()
    echo(
        f"Agreements: {len(result.agreements)} ("
        + ", ".join(f"{k}: {v}" for k, v in counts.items())
        + f"); scope items: {len(result.scope_items)}; activities: {len(result.activities)}"
    )
    q = result.quality
    if len(q):
        shown = q[q["action"].isin(["quarantined", "fixed"])].head(20)
        for r in shown.itertuples():
            row = "" if pd.isna(r.row) else f" row {r.row}"
            col = f" column '{r.column}'" if r.column else ""
            echo(f"  [{r.action}] {r.file}, sheet '{r.sheet}'{row}{col}: {r.problem}")
        more = len(q[q["action"].isin(["quarantined", "fixed"])]) - len(shown)
        if more > 0:
            echo(f"  … and {more} more; all {len(q)} remarks are in {Path(out_dir) / 'data_quality.csv'}")
    if result.is_sample:
        echo("Note: the input is the bundled SYNTHETIC SAMPLE, not official data.")
    echo(f"Wrote {Path(out_dir)}/ (agreements, scope_items, activities .parquet; data_quality.csv)")
    return result
