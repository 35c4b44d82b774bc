"""Scope-item and activity rows: checked and linked to their agreements."""

from __future__ import annotations

from evaluation.ingest.cells import Note
from evaluation.ingest.common import _AG, _POS, _SLOW, _is_blank, _Lookups, _Record
from evaluation.ingest.keys import _Agreements
from evaluation.ingest.quality import QualityLog
from evaluation.ingest.rows import _plain_text, _Row
from evaluation.vocab.loader import (
    SheetSpec,
    Vocabulary,
)


def _scope_items(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
) -> dict[tuple[str, str], _Record]:
    """Scope items by (agreement number, scope); a clean row takes the fast path, any other
    is read by :func:`_scope_item_checked`."""
    seen: dict[tuple[str, str], _Record] = {}
    scopes = vocab.scopes
    scope_map = labels.text_labels(scopes)
    kept = agreements.kept
    p = _POS["scope_items"]
    i_id, i_scope = p["agreement_id"], p["scope"]
    for rec in records:
        c = rec.cells
        aid = _plain_text(c[i_id])
        raw = c[i_scope]
        scope = None
        if raw.__class__ is str:
            scope = scope_map.get(raw) or labels.text_label(scopes, raw)
        key = (aid, scope)
        if scope is None or aid not in kept or key in seen:
            _scope_item_checked(rec, vocab, log, spec, labels, agreements, seen)
            continue
        rec.values = key
        seen[key] = rec
    return seen


def _scope_item_checked(
    rec: _Record,
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
    seen: dict[tuple[str, str], _Record],
) -> None:
    """Read one scope row cell by cell, reporting every problem; add it to ``seen``."""
    chk = _Row(rec, log, spec, labels)
    aid = agreements.resolve(chk)
    scope = chk.label("scope", vocab.scopes, required=True)
    if not rec.ok:
        return
    key = (aid, scope)
    if key in seen:
        first = seen[key]
        chk.report(
            "scope",
            rec.cell("scope"),
            Note(
                f"scope listed twice for this agreement (first at {first.file}, sheet "
                f"'{first.sheet}', row {first.row}); kept once",
                code="duplicate_scope",
                file=first.file,
                sheet=first.sheet,
                row=first.row,
            ),
            "ignored",
        )
        return
    rec.values = key
    seen[key] = rec


def _activities(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
    scope_seen: dict[tuple[str, str], _Record],
) -> list[_Record]:
    """Activities kept (``values`` in the order of :data:`_FIELDS`); a clean row takes the
    fast path, any other is read by :func:`_activity_checked`."""
    out: list[_Record] = []
    seen: dict[tuple, _Record] = {}
    scopes, statuses, outcomes = vocab.scopes, vocab.statuses, vocab.outcome_types
    scope_map = labels.text_labels(scopes)
    status_map = labels.text_labels(statuses)
    outcome_map = labels.text_labels(outcomes)
    kept = agreements.kept
    i_signed = _AG["signed_on"]
    p = _POS["activities"]
    i_id, i_scope, i_date, i_desc = (
        p["agreement_id"],
        p["scope"],
        p["activity_date"],
        p["description"],
    )
    i_status, i_out, i_value, i_evidence = p["status"], p["outcome_type"], p["value"], p["evidence"]
    date_of, number_of = labels.date, labels.number
    for rec in records:
        c = rec.cells
        aid = _plain_text(c[i_id])
        raw = c[i_scope]
        scope = (
            (scope_map.get(raw) or labels.text_label(scopes, raw)) if raw.__class__ is str else None
        )
        raw = c[i_status]
        status = (
            (status_map.get(raw) or labels.text_label(statuses, raw))
            if raw.__class__ is str
            else None
        )
        when = date_of(c[i_date])[0]
        raw = c[i_out]
        if raw is None or raw == "":
            outcome = None
        elif raw.__class__ is str:
            outcome = outcome_map.get(raw) or labels.text_label(outcomes, raw) or _SLOW
        else:
            outcome = _SLOW
        raw = c[i_value]
        value = None if raw is None or raw == "" else number_of(raw)
        if value is not None:
            value = _SLOW if value[1] is not None else value[0]
        desc = _plain_text(c[i_desc])
        evidence = _plain_text(c[i_evidence])
        agreement = kept.get(aid)
        values = (aid, scope, when, desc, status, outcome, value, evidence)
        if (
            agreement is None
            or scope is None
            or status is None
            or when is None
            or outcome is _SLOW
            or value is _SLOW
            or desc is _SLOW
            or evidence is _SLOW
            or when < agreement.values[i_signed]
            or values in seen
            or (aid, scope) not in scope_seen
        ):
            _activity_checked(rec, vocab, log, spec, labels, agreements, scope_seen, seen, out)
            continue
        rec.values = values
        seen[values] = rec
        out.append(rec)
    return out


def _activity_checked(
    rec: _Record,
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: _Agreements,
    scope_seen: dict[tuple[str, str], _Record],
    seen: dict[tuple, _Record],
    out: list[_Record],
) -> None:
    """Read one activity row cell by cell, reporting every problem; keep it in ``out``."""
    other = vocab.outcome_types.labels[-1]
    chk = _Row(rec, log, spec, labels)
    aid = agreements.resolve(chk)
    scope = chk.label("scope", vocab.scopes, required=True)
    status = chk.label("status", vocab.statuses, required=True)
    when = chk.date("activity_date", required=True)
    outcome = None
    raw_out = rec.cell("outcome_type")
    if not _is_blank(raw_out):
        chk.hidden("outcome_type", raw_out)
        outcome = labels.canonical(vocab.outcome_types, raw_out)
        if outcome is None:
            outcome = other
            chk.report(
                "outcome_type",
                raw_out,
                Note(
                    f"unknown outcome type; recorded as '{other}'",
                    code="unknown_outcome_type",
                    label=other,
                ),
                "fixed",
            )
    raw_val = rec.cell("value")
    value, note = labels.number(raw_val)
    if note:
        chk.report(
            "value",
            raw_val,
            Note(f"{note}; left empty", code="number_unreadable", reason=note),
            "fixed",
        )
    desc = chk.text("description")
    evidence = chk.text("evidence")
    if not rec.ok:
        return
    if when < agreements.kept[aid].values[_AG["signed_on"]]:
        chk.report(
            "activity_date",
            rec.cell("activity_date"),
            Note(
                "activity dated before the agreement was signed",
                code="activity_before_signing",
            ),
            "used",
        )
    rec.values = key = (aid, scope, when, desc, status, outcome, value, evidence)
    if key in seen:
        first = seen[key]
        chk.report(
            "agreement_id",
            aid,
            Note(
                f"same activity already listed in {first.file}, sheet '{first.sheet}', row "
                f"{first.row}; kept once",
                code="duplicate_activity",
                file=first.file,
                sheet=first.sheet,
                row=first.row,
            ),
            "ignored",
        )
        return
    seen[key] = rec
    if (aid, scope) not in scope_seen:
        chk.report(
            "scope",
            rec.cell("scope"),
            Note(
                "scope not listed for this agreement in 'Ruang Lingkup'; added as a scope item",
                code="scope_added",
            ),
            "fixed",
        )
        scope_seen[(aid, scope)] = _Record(
            rec.file, rec.sheet, rec.row, "scope_items", (), {}, (aid, scope)
        )
    out.append(rec)
