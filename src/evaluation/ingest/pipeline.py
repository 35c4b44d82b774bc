"""Ingestion: analysts' workbooks in, typed and validated tables out.

``ingest(raw_dir)`` reads every input file, finds each known sheet and its header row,
normalises labels to the vocabulary, parses dates and numbers, checks keys across files, and
returns the three processed tables plus the data-quality log. Every data row read ends up in a
table or in the log (usually both for fixed rows); for each sheet
``read == used + fixed + quarantined + ignored``. A last guard checks the final tables against
their schema (:func:`validate_tables`). ``write_processed`` writes them (Parquet and CSV)
atomically; ``run_ingest`` does both and prints a per-sheet summary.

The work is linear in the number of rows: rows are plain Python lists, labels are looked up
in dictionaries (with a cache), and the DataFrames are built once per table at the end.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaluation import config
from evaluation.errors import InputError
from evaluation.ingest.bounds import quarantine_junk_floods
from evaluation.ingest.cell_errors import report_cell_errors
from evaluation.ingest.cells import Note
from evaluation.ingest.children import _activities, _scope_items
from evaluation.ingest.common import IngestResult, _clean_text, _key, _Lookups, _Record
from evaluation.ingest.files import list_inputs, log_not_read, sha256_file
from evaluation.ingest.gate import check_plausible
from evaluation.ingest.guard import _frame, validate_tables
from evaluation.ingest.layouts import Register, scopes_by_agreement, unstated_activities
from evaluation.ingest.quality import QualityLog
from evaluation.ingest.reader import RawSheet, read_file
from evaluation.ingest.rows import _Agreements, _agreements, _dedupe_agreements
from evaluation.ingest.sheets import (
    _log_not_read,
    _missing_columns_error,
    _plan_sheet,
    _sample_marker,
    _sheet_records,
    _Total,
)
from evaluation.vocab.loader import (
    Vocabulary,
    load_vocabulary,
    match_key,
)


# --------------------------------------------------------------------------- entry points
def ingest(
    raw_dir: Path, vocab: Vocabulary | None = None, term_years: int | None = None
) -> IngestResult:
    """Read and validate every input file of ``raw_dir``.

    Parameters
    ----------
    raw_dir
        Folder of ``.xlsx`` / ``.xlsm`` / ``.xls`` / ``.ods`` / ``.csv`` files. Never modified.
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
    SchemaViolation
        If the final tables break their schema (a bug, see :func:`validate_tables`).
    """
    with _without_cyclic_gc():
        return _ingest(raw_dir, vocab, term_years)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (reference counting still frees memory).

    Ingestion creates millions of small objects that live until it ends (cell values, rows,
    records) and no reference cycles; each full collection walks all of them again, which
    at national scale cost more than a fifth of the ingestion time. The collector's previous
    state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _ingest(raw_dir: Path, vocab: Vocabulary | None, term_years: int | None) -> IngestResult:
    """:func:`ingest` itself."""
    vocab = vocab or load_vocabulary()
    term_years = config.DEFAULT_TERM_YEARS if term_years is None else term_years
    files = list_inputs(raw_dir)
    log = QualityLog()
    log_not_read(raw_dir, log)
    labels = _Lookups()
    fatal: list[InputError] = []
    by_table: dict[str, list[_Record]] = {"agreements": [], "scope_items": [], "activities": []}
    aux_keys = {match_key(n) for n in vocab.auxiliary_sheets}
    inputs = []
    is_sample = False
    agreement_sheets = 0
    unreadable = 0
    totals: list[_Total] = []
    registers: list[Register] = []
    for path in files:
        inputs.append(
            {"file": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size}
        )
        try:
            raw = read_file(path)
        except InputError as exc:
            fatal.append(exc)
            unreadable += 1
            continue
        known = 0
        for sheet in raw.sheets:
            plan = _plan_sheet(vocab, sheet, aux_keys)
            if plan.how == "auxiliary":
                is_sample = is_sample or _sample_marker(sheet)
                _log_not_read(log, path.name, sheet, _AUXILIARY)
                continue
            if plan.how == "skip":
                _log_not_read(log, path.name, sheet, plan.why)
                continue
            known += 1
            if plan.how == "missing":
                fatal.append(_missing_columns_error(raw, sheet, plan.spec, plan.header))
                continue
            spec = plan.spec
            if not sheet.visible:
                log.add(
                    path.name,
                    sheet.name,
                    None,
                    "",
                    "",
                    "hidden sheet; read because it is a known sheet",
                    "used",
                    code="hidden_sheet_read",
                )
            if plan.how == "headers":
                log.add(
                    path.name, sheet.name, None, "", "",
                    f"sheet recognised as '{spec.name}' by its header row", "used",
                    code="sheet_by_headers", params={"sheet": spec.name},
                )  # fmt: skip
            if spec.table == "agreements":
                agreement_sheets += 1
            on_row = None
            if plan.register:
                register = _register(vocab, labels, log, path.name, sheet, plan.header)
                registers.append(register)
                on_row = register.add_row
            try:
                records = _sheet_records(
                    raw, sheet, spec, vocab, log, plan.header, on_row=on_row, totals=totals
                )
                required = [c.field for c in spec.required]
                records = quarantine_junk_floods(records, required, log)
                if sheet.cell_errors:
                    report_cell_errors(records, set(required), log)
                by_table[spec.table].extend(records)
            except InputError as exc:
                fatal.append(exc)
            sheet.rows = []  # the records hold the cells they need; free the row lists
        if known == 0:
            names = ", ".join(f"'{s.name}'" for s in raw.sheets) or "none"
            fatal.append(
                InputError(
                    f"no sheet named {', '.join(repr(s.name) for s in vocab.sheets)} found "
                    f"(sheets: {names}), and no sheet whose header row names the columns of "
                    "one of them. Rename the sheets or use the template.",
                    file=path.name,
                )
            )
    if not agreement_sheets and not unreadable:
        fatal.append(
            InputError(
                "no 'Perjanjian' sheet found in any input file "
                f"({', '.join(p.name for p in files)}); agreements are required.",
                sheet=vocab.sheet_spec("agreements").name,
            )
        )
    if fatal:
        if len(fatal) == 1:
            raise fatal[0]
        msg = "\n  - ".join(str(e) for e in fatal)
        raise InputError(f"{len(fatal)} input problems stop the run:\n  - {msg}")

    for register in registers:
        by_table["scope_items"].extend(register.scope_items)
        by_table["activities"].extend(register.activities)
    _settle_totals(totals, by_table, log)
    ag_spec = vocab.sheet_spec("agreements")
    ag_recs = _agreements(by_table["agreements"], vocab, log, ag_spec, labels, term_years)
    kept = _dedupe_agreements(ag_recs, log, ag_spec, labels)
    all_ids = {r.values[0] for r in ag_recs if r.values[0]}
    known_ids = _Agreements(kept, all_ids - set(kept))
    scopes = _scope_items(
        by_table["scope_items"], vocab, log, vocab.sheet_spec("scope_items"), labels, known_ids
    )
    act_spec = vocab.sheet_spec("activities")
    acts = _activities(by_table["activities"], vocab, log, act_spec, labels, known_ids, scopes)
    named = scopes_by_agreement(scopes)
    for register in registers:
        acts += unstated_activities(
            register.unstated, vocab, log, act_spec, labels, known_ids, named
        )
    tables = {
        "agreements": _frame(list(kept.values()), "agreements"),
        "scope_items": _frame(list(scopes.values()), "scope_items"),
        "activities": _frame(acts, "activities"),
    }
    validate_tables(tables, vocab)
    check_plausible(tables, log, vocab)  # exit 2 before any report when implausible
    return IngestResult(
        **tables,
        quality=log.to_frame(),
        summary=log.summary(),
        inputs=inputs,
        is_sample=is_sample,
    )


_AUXILIARY = Note("help sheet of the template; not read", code="auxiliary_sheet_not_read")


def _register(
    vocab: Vocabulary, labels: _Lookups, log: QualityLog, fname: str, sheet: RawSheet, header
) -> Register:
    """The reader of a one-sheet register's scope and follow-up cells (one remark names
    the layout)."""
    texts = header.texts or tuple(str(c).strip() for c in sheet.rows[header.index])
    cols = {f: j for f, j in header.columns.items() if f in ("scopes", "followups")}
    shown = {f: texts[j] for f, j in cols.items()}
    quoted = ", ".join(f"'{t}'" for t in shown.values())
    log.add(
        fname, sheet.name, None, "", "",
        f"one-sheet register: scopes and follow-ups read from the columns {quoted}", "used",
        code="register_sheet", params={"columns": quoted},
    )  # fmt: skip
    return Register(vocab, labels, log, cols, shown)


def _settle_totals(
    totals: list[_Total], by_table: dict[str, list[_Record]], log: QualityLog
) -> None:
    """Rows that look like total rows but carry an agreement number: kept as data when the
    number links (an agreement row for a child row, a child row for an agreement row),
    else skipped as total rows."""
    if not totals:
        return

    def key(rec: _Record) -> str:
        return _key(_clean_text(rec.cell("agreement_id"))[0])  # 451.0 and "451" alike

    agreement_keys = {key(r) for r in by_table["agreements"]}
    child_keys = {key(r) for t in ("scope_items", "activities") for r in by_table[t]}
    for rec, word in totals:
        links = agreement_keys if rec.table != "agreements" else child_keys
        if key(rec) in links:
            log.add(
                rec.file, rec.sheet, rec.row, rec.headers.get("agreement_id", ""),
                rec.cell("agreement_id"),
                f"row starts with '{word}' like a total row, but its agreement number links; "
                "read as data", "used",
                code="total_row_kept", params={"word": word},
            )  # fmt: skip
            by_table[rec.table].append(rec)
        else:
            log.add(
                rec.file, rec.sheet, rec.row, "", word, "total row skipped", "ignored",
                code="total_row",
            )  # fmt: skip
