"""The sanity gate: an implausible ingestion result stops the run before any report.

A report built from a misread register is confidently wrong, which is worse than none. So
after the tables are built (:func:`check_plausible`, called once by
:func:`evaluation.ingest.pipeline.ingest`), ingestion stops with :class:`InputError`
(exit status 2) when

- not one agreement was read;
- no scope item (or no activity) was read while the input has sheets or columns that look
  like them: a sheet or column not read whose name contains a name of that sheet (``Ruang
  Lingkup``, ``Tindak Lanjut 2023``, ``TL 2022`` …), or a sheet of that kind with data rows;
- most data rows of a sheet were quarantined (more than half of the rows that are not
  blank, title or total rows, and at least :data:`MIN_QUARANTINED`).

The message, in Bahasa Indonesia (``dq.gate_*`` in ``translations.toml``), says what was seen
(sheets, rows, the most frequent reasons) and what to fix. :func:`require_agreements` guards
the processed tables the same way when a report reads them.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from evaluation.errors import InputError
from evaluation.ingest.cells import Note
from evaluation.ingest.quality import Count, QualityLog
from evaluation.vocab.loader import Vocabulary, match_key

#: A sheet stops the run when more than half of its data rows, and at least this many, were
#: quarantined (one or two bad rows of a small sheet are reported, not fatal).
MIN_QUARANTINED = 3
#: Sheet-name keys shorter than this must be the name's first word ("TL 2022"), longer ones
#: may appear anywhere in it ("Data Tindak Lanjut 2023").
_SHORT_KEY = 5
#: The table names as the gate message says them (worded in the reader's language).
_TABLE_WORDS = {
    "scope_items": Note("scope items", code="table_scope_items"),
    "activities": Note("follow-up activities", code="table_activities"),
}
_NOT_READ_SHEET = {"sheet_not_read", "hidden_sheet_not_read", "sheet_no_header"}


def _problem(what: Note, fix: Note, reasons: list[Note] | None = None) -> Note:
    """One item of the refusal: what was seen, the most frequent reasons, what to fix."""
    if reasons:
        text = f"{what} ({'; '.join(reasons)}). {fix}"
        return Note(text, code="gate_problem_reasons", what=what, reasons=reasons, fix=fix)
    return Note(f"{what}. {fix}", code="gate_problem", what=what, fix=fix)


def _looks_like(name: str, keys: set[str], short: set[str]) -> bool:
    key = match_key(name)
    if any(k in key for k in keys):
        return True
    words = name.strip().split()
    return bool(words) and match_key(words[0]) in short


def _name_keys(vocab: Vocabulary, table: str) -> tuple[set[str], set[str]]:
    """Keys of the names a sheet (or an unread column) of ``table`` goes by: long ones match
    anywhere in a name, short ones as its first word."""
    spec = vocab.sheet_spec(table)
    names = {spec.name, *spec.aliases}  # short names ("TL", "RL") are vocabulary aliases
    if table == "scope_items":
        names |= {h for c in spec.columns if c.field == "scope" for h in (c.header, *c.aliases)}
    keys = {match_key(n) for n in names}
    return {k for k in keys if len(k) >= _SHORT_KEY}, {k for k in keys if len(k) < _SHORT_KEY}


def _seen(log: QualityLog, summary: pd.DataFrame, vocab: Vocabulary, table: str) -> list[Note]:
    """Sheets and columns of the input that look like ``table`` (at most five named)."""
    long_keys, short_keys = _name_keys(vocab, table)
    out: list[Note] = []
    for e in log.entries:
        if e.code in _NOT_READ_SHEET and _looks_like(e.sheet, long_keys, short_keys):
            out.append(
                Note(
                    f"sheet '{e.sheet}' in {e.file}",
                    code="gate_sheet_like",
                    sheet=e.sheet,
                    file=e.file,
                )
            )
        elif e.code == "unknown_column" and _looks_like(e.column, long_keys, short_keys):
            out.append(
                Note(
                    f"column '{e.column}' in {e.file}, sheet '{e.sheet}'",
                    code="gate_column_like",
                    column=e.column,
                    file=e.file,
                    sheet=e.sheet,
                )
            )
    for r in summary.itertuples():
        if r.read - r.ignored > 0 and _looks_like(r.sheet, long_keys, short_keys):
            out.append(
                Note(
                    f"sheet '{r.sheet}' in {r.file}",
                    code="gate_sheet_like",
                    sheet=r.sheet,
                    file=r.file,
                )
            )
    return list(dict.fromkeys(out))[:5]


def _top_reasons(log: QualityLog, file: str, sheet: str, n: int = 3) -> list[Note]:
    """The most frequent quarantine remarks of a sheet, with their counts."""
    counts: Counter[tuple[str, str]] = Counter()
    texts: dict[tuple[str, str], Note] = {}
    for e in log.entries:
        if e.file == file and e.sheet == sheet and e.action == "quarantined":
            key = (e.code, e.column)
            counts[key] += 1
            if key not in texts:
                texts[key] = Note(e.problem, code=e.code or "", **(e.params or {}))
    for (f, s, column, _, action), more in log.overflow.items():
        if f == file and s == sheet and action == "quarantined":
            counts[(more[4], column)] += more[0]
    return [
        Note(f"{c:,} x {texts[k]}", code="gate_reason", count=Count(c), remark=texts[k])
        for k, c in counts.most_common(n)
        if k in texts
    ]


def _own_quarantined(log: QualityLog, summary: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Per sheet, the data rows quarantined for a reason of their own: a row quarantined only
    because its agreement row is quarantined points at that sheet, not at its own. (Those
    remarks are always stored row by row; others may be grouped beyond their examples.)"""
    only_parent: dict[tuple[str, str, int], bool] = {}
    for e in log.entries:
        if e.action == "quarantined" and e.row is not None:
            key = (e.file, e.sheet, e.row)
            mine = e.code != "agreement_quarantined"
            only_parent[key] = only_parent.get(key, True) and not mine
    parent: Counter[tuple[str, str]] = Counter((f, s) for (f, s, _), p in only_parent.items() if p)
    return {
        (r.file, r.sheet): r.quarantined - parent[(r.file, r.sheet)] for r in summary.itertuples()
    }


def _problems(tables: dict[str, pd.DataFrame], log: QualityLog, vocab: Vocabulary) -> list[Note]:
    summary = log.summary()
    own = _own_quarantined(log, summary)
    problems: list[Note] = []
    for r in summary.itertuples():
        data_rows = r.read - r.ignored
        bad = own.get((r.file, r.sheet), 0)
        if bad >= MIN_QUARANTINED and 2 * bad > data_rows:
            what = Note(
                f"{r.file}, sheet '{r.sheet}': {bad} of {data_rows} rows quarantined",
                code="gate_sheet_quarantined",
                file=r.file,
                sheet=r.sheet,
                quarantined=Count(bad),
                read=Count(data_rows),
            )
            fix = Note("fix the quarantined rows", code="gate_fix_quarantined")
            reasons = _top_reasons(log, r.file, r.sheet)
            problems.append(_problem(what, fix, reasons))
    if tables["agreements"].empty:
        what = Note("not one agreement was read", code="gate_no_agreements")
        fix = Note("make sure there is a 'Perjanjian' sheet", code="gate_fix_agreements")
        problems.insert(0, _problem(what, fix))
        return problems
    for table in ("scope_items", "activities"):
        if not tables[table].empty:
            continue
        seen = _seen(log, summary, vocab, table)
        if not seen:
            continue
        what = Note(
            f"no {_TABLE_WORDS[table]} were read although the input has {'; '.join(seen)}",
            code="gate_no_children",
            table=_TABLE_WORDS[table],
            seen=seen,
        )
        fix = Note(
            "name the sheet as in the template",
            code="gate_fix_children",
            sheet=vocab.sheet_spec(table).name,
        )
        problems.append(_problem(what, fix))
    return problems


def check_plausible(tables: dict[str, pd.DataFrame], log: QualityLog, vocab: Vocabulary) -> None:
    """Stop ingestion when its result is implausible (see the module docstring).

    Parameters
    ----------
    tables
        The three processed tables (agreements, scope_items, activities).
    log
        The data-quality log of the run (its remarks and the fate of every row).
    vocab
        The vocabulary (sheet names and aliases).

    Raises
    ------
    InputError
        Naming what was seen and what to fix; its ``remarks`` (a headline, then one remark
        per problem) are worded in the reader's language when shown.
    """
    problems = _problems(tables, log, vocab)
    if problems:
        raise _stop(problems)


def _stop(problems: list[Note]) -> InputError:
    head = Note(
        "The result is implausible, so no processed tables and no report are made (fix the "
        "input, then run again):",
        code="gate_stop",
    )
    text = f"{head}\n  - " + "\n  - ".join(problems)
    return InputError(text, remarks=[head, *problems])


def require_agreements(agreements: pd.DataFrame) -> None:
    """Refuse processed tables without any agreement (a folder written before the gate).

    Raises
    ------
    InputError
        If ``agreements`` is empty.
    """
    if agreements.empty:
        what = Note("not one agreement was read", code="gate_no_agreements")
        fix = Note("make sure there is a 'Perjanjian' sheet", code="gate_fix_agreements")
        raise _stop([_problem(what, fix)])
