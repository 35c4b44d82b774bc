"""Layouts analysts keep besides the three-sheet form, read into the same records.

- **Two header rows**: a group header over sub-headers ("Masa Berlaku" over "Mulai |
  Berakhir") gives column names joined from both rows (:func:`two_row_columns`).
- **Merged cells down a column** (an agreement number merged over its scope rows) are filled
  down and reported as fixed (:func:`fill_merged_down`).
- **The key chosen by content**: when several columns could be the agreement number ("No",
  a "Nomor" that counts 1, 2, 3 …, "Nomor NK/PKS"), the one whose values look like agreement
  numbers is read (:func:`choose_key_column`).
- **The one-sheet register**: one row per agreement whose scopes and follow-ups are each
  written in one cell (:class:`Register`). Each scope becomes a scope-item record and each
  follow-up line an activity record of the same Excel row, checked by the same code as the
  canonical sheets. A follow-up line naming no scope of its agreement is matched to the
  agreement's only scope, or else kept *without scope* (:func:`unstated_activities`): it
  counts for the agreement's follow-up rate, never for a scope item's status.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from evaluation.ingest.cells import Note, parse_date
from evaluation.ingest.common import _is_blank, _Lookups, _Record
from evaluation.ingest.quality import QualityLog
from evaluation.ingest.reader import RawSheet
from evaluation.vocab.loader import SheetSpec, Vocabulary, match_key

#: Data rows looked at to choose the agreement-number column.
KEY_SAMPLE_ROWS = 500


# --------------------------------------------------------------------------- header rows
def _text(cell: object) -> str:
    return "" if _is_blank(cell) else str(cell).strip()


def two_row_columns(
    top: list[object], bottom: list[object], spans: list[tuple[int, int]]
) -> list[tuple[tuple[str, ...], str]]:
    """Candidate header texts of each column under two header rows, best first, and the
    text shown for the column: ``("Masa Berlaku Mulai", "Mulai", "Masa Berlaku")``,
    ``"Masa Berlaku / Mulai"``.

    A group header is spread over the columns its merged cell covers (``spans``: first and
    last column index of each merge of the top row); without a merge it is spread over the
    blank top cells to its right that have a sub-header, as long as the sub-headers run on.
    """
    width = max(len(top), len(bottom))
    tops = [_text(top[j]) if j < len(top) else "" for j in range(width)]
    bottoms = [_text(bottom[j]) if j < len(bottom) else "" for j in range(width)]
    spread = list(tops)
    for first, last in spans:
        for j in range(max(first, 0) + 1, min(last, width - 1) + 1):
            if not tops[j]:
                spread[j] = tops[first] if 0 <= first < width else ""
    for j in range(1, width):
        if not spread[j] and bottoms[j] and bottoms[j - 1] and spread[j - 1]:
            spread[j] = spread[j - 1]
    out = []
    for t, b in zip(spread, bottoms, strict=True):
        if t and b:
            out.append(((f"{t} {b}", b, t), f"{t} / {b}"))
        else:
            out.append(((t or b,), t or b))
    return out


# --------------------------------------------------------------------------- merged cells
class Filled(NamedTuple):
    """One cell filled from the merged cell above it."""

    index: int  # index in sheet.rows
    col: int  # index in the row
    value: object
    source_row: int  # Excel row of the merged cell's value


def fill_merged_down(sheet: RawSheet, start: int, columns: set[int]) -> list[Filled]:
    """Fill the cells a vertically merged cell covers with its value, in the data rows from
    ``start`` on and the read ``columns`` only (the rows are the reader's copy: the file is
    never changed). Returns what was filled, for the log."""
    out: list[Filled] = []
    rows = sheet.rows
    base_row, base_col = sheet.first_row - 1, sheet.first_col
    for r0, c0, r1, _c1 in sheet.merges:
        if r1 <= r0:
            continue
        top, col = r0 - base_row, c0 - base_col
        if top < start or col not in columns or top >= len(rows):
            continue
        value = rows[top][col] if col < len(rows[top]) else None
        if _is_blank(value):
            continue
        for i in range(top + 1, min(r1 - base_row, len(rows) - 1) + 1):
            row = rows[i]
            if col >= len(row):
                row.extend([None] * (col + 1 - len(row)))
            if _is_blank(row[col]):
                row[col] = value
                out.append(Filled(i, col, value, sheet.first_row + top))
    return out


# --------------------------------------------------------------------------- the key column
_LETTER = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")


def looks_like_agreement_number(value: object) -> bool:
    """Text with a digit and a letter or a separator (``NK.01/2021``, ``B-12/KA/2023``);
    running numbers (``1``, ``2.``, ``3``) and numeric cells are not."""
    if not isinstance(value, str):
        return False
    s = value.strip()
    if len(s) < 3 or not _DIGIT.search(s):
        return False
    has_mark = _LETTER.search(s) is not None or any(ch in s for ch in "/.-")
    return has_mark and not s.rstrip(".").isdigit()


def choose_key_column(
    rows: list[list[object]],
    start: int,
    texts: list[str],
    current: int,
    spec: SheetSpec,
    vocab: Vocabulary,
) -> tuple[int, Note | None, str]:
    """The column to read the agreement number from, a remark on the choice (None when
    there was no choice to make) and the remark's action.

    Candidates are the columns headed by a spelling of the agreement number or by a row
    index header ("No"). The one with the largest share of values that look like agreement
    numbers wins; on a tie the header rule's choice (``current``) stays.
    """
    id_col = next(c for c in spec.columns if c.field == "agreement_id")
    keys = {match_key(s) for s in (id_col.header, *id_col.aliases, *vocab.index_headers)}
    candidates = [j for j, t in enumerate(texts) if t and match_key(t) in keys]
    if current not in candidates:
        candidates.append(current)
    if len(candidates) < 2:
        return current, None, "used"
    sample = rows[start : start + KEY_SAMPLE_ROWS]
    scores = {}
    for j in candidates:
        values = [r[j] for r in sample if j < len(r) and not _is_blank(r[j])]
        hits = sum(looks_like_agreement_number(v) for v in values)
        scores[j] = hits / len(values) if values else 0.0
    best = max(candidates, key=lambda j: (scores[j], j == current))
    others = ", ".join(f"'{texts[j]}'" for j in candidates if j != best)
    if best != current and scores[best] > scores[current]:
        note = Note(
            f"agreement number read from column '{texts[best]}' (its values look like "
            f"agreement numbers), not from {others}",
            code="key_column_chosen",
            column=texts[best],
            others=others,
        )
        return best, note, "fixed"
    rivals = [j for j in candidates if j != best and scores[j] >= 0.5]
    if rivals:
        note = Note(
            f"several columns could be the agreement number; '{texts[best]}' was read, not "
            f"{others}",
            code="key_column_ambiguous",
            column=texts[best],
            others=others,
        )
        return best, note, "used"
    return best, None, "used"


# --------------------------------------------------------------------------- the register
_BULLET = re.compile(r"^\s*(?:[-–—•·*●▪◦>]+|\(?\d{1,2}[.)]|\(\d{1,2}\)|[a-zA-Z][.)](?=\s))\s*")
_INLINE_NUMBER = re.compile(r"\s+(?=\(?\d{1,2}[.)]\s)")
_PARENS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_INLINE_DATE = re.compile(
    r"\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4}\b"
)
_DASH_TAIL = re.compile(r"\s[-–—|]\s*([^-–—|]+)$")
_TRIM = " \t-–—,;:|"


def _lines(text: str) -> list[str]:
    return [ln for ln in re.split(r"[\r\n]+", text) if ln.strip()]


def split_scopes(cell: object) -> list[str]:
    """The scopes written in one cell: one per line, or separated by ``;``, or numbered
    ("1. … 2. …"), with bullets and numbers removed."""
    if _is_blank(cell):
        return []
    parts = []
    for line in _lines(str(cell)):
        for piece in line.split(";"):
            for item in _INLINE_NUMBER.split(piece):
                item = _BULLET.sub("", item).strip(_TRIM)
                if item:
                    parts.append(item)
    return parts


def split_followups(cell: object) -> list[str]:
    """The follow-ups written in one cell: one per line, bullets and numbers removed."""
    if _is_blank(cell):
        return []
    out = []
    for line in _lines(str(cell)):
        item = _BULLET.sub("", line).strip(" \t")
        if item.strip(_TRIM):
            out.append(item)
    return out


class FollowUp(NamedTuple):
    """One follow-up line taken apart (raw texts, read later like cells of a sheet)."""

    scope: str | None  # the scope the line names explicitly ("Diklat CPMI: …"), if any
    date: object
    description: str | None
    status: str | None


def parse_followup(line: str, vocab: Vocabulary, labels: _Lookups) -> FollowUp:
    """Take a follow-up line apart: ``[scope:] description (date): status``.

    The status is the text after the last colon (or after a final dash, or in final
    brackets, when that text is a status word); the date is the first bracketed text that
    reads as a date, else the first date written in the line; a leading ``scope:`` or
    ``[scope]`` counts when it is a scope of the vocabulary.
    """
    head, status = line.strip(), None
    if ":" in head:
        head, status = (p.strip() for p in head.rsplit(":", 1))
    else:
        m = _DASH_TAIL.search(head) or re.search(r"[(\[]([^()\[\]]+)[)\]]\s*$", head)
        if m and labels.canonical(vocab.statuses, m.group(1)) is not None:
            status, head = m.group(1).strip(), head[: m.start()]
    scope = None
    m = re.match(r"^\s*\[([^\]]+)\]\s*", head)
    if m and labels.canonical(vocab.scopes, m.group(1)) is not None:
        scope, head = m.group(1).strip(), head[m.end() :]
    elif ":" in head:
        first, rest = head.split(":", 1)
        if labels.canonical(vocab.scopes, first) is not None:
            scope, head = first.strip(), rest
    when: object = None
    for m in _PARENS.finditer(head):
        if parse_date(m.group(1).strip())[0] is not None:
            when, head = m.group(1).strip(), head[: m.start()] + head[m.end() :]
            break
    else:
        for m in _INLINE_DATE.finditer(head):
            if parse_date(m.group(0))[0] is not None:
                when, head = m.group(0), head[: m.start()] + head[m.end() :]
                break
        else:
            m = _PARENS.search(head)
            if m:  # a bracketed text that is no date: read (and reported) as the date
                when, head = m.group(1).strip(), head[: m.start()] + head[m.end() :]
    description = re.sub(r"\s+", " ", head).strip(_TRIM) or None
    return FollowUp(scope, when, description, status or None)


class Register:
    """Builds the scope-item and activity records of one-sheet register rows.

    ``columns`` maps ``scopes`` / ``followups`` to their index in the row and ``headers``
    their header text as written; records carry the agreement row's file, sheet and Excel
    row, so every remark points at the register cell it came from.
    """

    def __init__(
        self,
        vocab: Vocabulary,
        labels: _Lookups,
        log: QualityLog,
        columns: dict[str, int],
        headers: dict[str, str],
    ):
        self.vocab, self.labels, self.log = vocab, labels, log
        self.columns, self.headers = columns, headers
        self.scope_items: list[_Record] = []
        self.activities: list[_Record] = []
        self.unstated: list[_Record] = []

    def _cell(self, row: list[object], fld: str) -> object:
        j = self.columns.get(fld)
        return row[j] if j is not None and j < len(row) else None

    def add_row(self, rec: _Record, row: list[object]) -> None:
        """The scope items and activities written in the row of agreement record ``rec``."""
        aid = rec.cell("agreement_id")
        id_header = rec.headers.get("agreement_id", "")
        scope_header = self.headers.get("scopes", "")
        act_header = self.headers.get("followups", "")
        named: list[str] = []
        for piece in split_scopes(self._cell(row, "scopes")):
            self.scope_items.append(
                _Record(
                    rec.file, rec.sheet, rec.row, "scope_items", (aid, piece),
                    {"agreement_id": id_header, "scope": scope_header},
                )
            )  # fmt: skip
            label = self.labels.canonical(self.vocab.scopes, piece)
            if label is not None and label not in named:
                named.append(label)
        act_headers = {
            "agreement_id": id_header,
            **dict.fromkeys(("scope", "activity_date", "description", "status"), act_header),
        }
        for line in split_followups(self._cell(row, "followups")):
            f = parse_followup(line, self.vocab, self.labels)
            scope = f.scope or self._scope_named(line, named)
            cells = (aid, scope, f.date, f.description, f.status, None, None, None)
            out = _Record(rec.file, rec.sheet, rec.row, "activities", cells, act_headers)
            if scope is not None:
                self.activities.append(out)
                continue
            if len(named) == 1:
                out.cells = (aid, named[0], *cells[2:])
                self.log.add(
                    rec.file, rec.sheet, rec.row, act_header, line,
                    f"follow-up names no scope; the agreement's only scope '{named[0]}' "
                    "assumed",
                    "fixed", code="followup_scope_inferred", params={"scope": named[0]},
                )  # fmt: skip
                self.activities.append(out)
                continue
            self.unstated.append(out)

    def _scope_named(self, line: str, named: list[str]) -> str | None:
        """The one scope of the agreement whose label or alias the line contains."""
        key = match_key(line)
        hits = []
        for label in named:
            term = self.vocab.scopes.term(label)
            spellings = {match_key(s) for s in (label, *term.aliases)}
            if any(len(k) >= 5 and k in key for k in spellings):
                hits.append(label)
        return hits[0] if len(hits) == 1 else None


def unstated_activities(
    records: list[_Record],
    vocab: Vocabulary,
    log: QualityLog,
    spec: SheetSpec,
    labels: _Lookups,
    agreements: object,
    named: dict[str, list[str]],
) -> list[_Record]:
    """Follow-up lines of the register that name no scope, checked like activity rows and
    kept with an empty scope (remark ``followup_scope_not_stated``, action used): they count
    for the agreement's follow-up rate and its last activity, not for any scope item."""
    from evaluation.ingest.rows import _Row

    out = []
    for rec in records:
        chk = _Row(rec, log, spec, labels)
        aid = agreements.resolve(chk)
        status = chk.label("status", vocab.statuses, required=True)
        when = chk.date("activity_date", required=True)
        desc = chk.text("description")
        if not rec.ok:
            continue
        scopes = named.get(aid, [])
        shown = ", ".join(scopes) if scopes else "-"
        chk.report(
            "scope",
            desc,
            Note(
                "follow-up names none of the agreement's scopes "
                f"({shown}); kept without a scope: it counts for the agreement's follow-up "
                "rate, not for any scope item",
                code="followup_scope_not_stated",
                scopes=shown,
            ),
            "used",
        )
        rec.values = (aid, None, when, desc, status, None, None, None)
        out.append(rec)
    return out


def scopes_by_agreement(scope_items: dict[tuple[str, str], _Record]) -> dict[str, list[str]]:
    """The scopes kept per agreement number."""
    out: dict[str, list[str]] = {}
    for aid, scope in scope_items:
        out.setdefault(aid, []).append(scope)
    return out
