"""The data-quality log: every problem found in the input, with its location and the action.

Each entry becomes a row of ``data_quality.csv`` (file, sheet, row, column, value, problem,
action, code, fields). Processed data holds no report-language text: ``problem`` is the
remark in plain English, written by the ingestion code itself (no translation table is read
here); ``code`` names its message ``dq.<code>`` and ``fields`` holds the message's
parameters as JSON (:func:`encode_fields`). The report words the remark in its own language
when it shows it (:mod:`evaluation.presentation.remarks`). ``action`` says what happened to
the input row: ``used`` (kept as is, remark only),
``fixed`` (kept after a stated correction), ``quarantined`` (kept out of the figures until the
analyst fixes it) or ``ignored`` (not data: title, blank, total, duplicate).

Besides the entries, the log keeps the *fate* of every data row read (the most severe action
of its entries, ``used`` when it has none), so that for each sheet
``read == used + fixed + quarantined + ignored``. Entries about a header row, a whole sheet
or a whole file are remarks: they do not count as data rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from evaluation.ingest.schema import DATA_QUALITY

#: Precedence when one row has several entries: the row's overall fate.
_SEVERITY = {"used": 0, "fixed": 1, "ignored": 2, "quarantined": 3}
#: Columns of the per-sheet summary.
SUMMARY_COLUMNS = ["file", "sheet", "read", "used", "fixed", "quarantined", "ignored"]
# control characters, and the invisible text-direction and zero-width ones (shown, not kept)
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
#: Longest cell value copied into the log.
VALUE_LIMIT = 200
#: Remarks of one kind (file, sheet, column, code, action) stored row by row; beyond this
#: many they are counted and ``data_quality.csv`` gets one line "… and N more rows" for
#: them, so that a flood of junk rows costs memory per kind of remark, not per row.
MAX_EXAMPLES = 1000
#: Remarks always stored row by row (the sanity gate reads them).
_NEVER_GROUPED = frozenset({"agreement_quarantined"})


class Count(int):
    """A quantity in a remark's parameters, written with the language's thousands separator
    (``32.767`` in Indonesian, ``32,767`` in English). Plain ``int`` parameters (row
    numbers, years) are written as digits only."""


@dataclass(frozen=True)
class Entry:
    """One row of ``data_quality.csv``; ``row`` is the Excel row number (None: no row).

    ``code`` names the message ``dq.<code>`` and ``params`` its placeholder values (the
    ``fields`` column, :func:`encode_fields`); an entry without a code is shown in English
    only.
    """

    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    problem: str
    action: str
    code: str = ""
    params: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)


def _encode(value: object) -> object:
    """One parameter as JSON data (see :func:`encode_fields`)."""
    code = getattr(value, "code", None)
    if isinstance(code, str) and hasattr(value, "params"):  # a nested remark (cells.Note)
        return {"$remark": code, "fields": _encode(dict(value.params)), "text": str(value)}
    if isinstance(value, Count):
        return {"$count": int(value)}
    if isinstance(value, datetime):
        return {"$date": value.date().isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "item"):  # a numpy scalar
        return _encode(value.item())
    return str(value)


def _decode(value: object) -> object:
    """Inverse of :func:`_encode`."""
    if isinstance(value, dict):
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$count" in value:
            return Count(value["$count"])
        if "$remark" in value:
            from evaluation.ingest.cells import Note

            fields = _decode(value.get("fields") or {})
            return Note(value.get("text", ""), code=value["$remark"], **fields)
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def encode_fields(params: Mapping[str, object] | None) -> str:
    """A remark's parameters as the JSON text of the ``fields`` column (``""`` when none).

    Values keep their kind through :func:`decode_fields`: a date is written
    ``{"$date": "2028-06-26"}``, a :class:`Count` ``{"$count": 32767}``, a nested remark
    (:class:`evaluation.ingest.cells.Note`) ``{"$remark": code, "fields": {...}, "text":
    english}``, a list as a list; text and numbers as themselves. Keys are sorted, so the
    same parameters always give the same text.
    """
    if not params:
        return ""
    return json.dumps(_encode(dict(params)), ensure_ascii=False, sort_keys=True)


def decode_fields(text: object) -> dict[str, object]:
    """The parameters of a ``fields`` cell (see :func:`encode_fields`); ``{}`` when empty or
    unreadable (a hand-edited or truncated file), so that a remark is never lost."""
    if not isinstance(text, str) or not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return _decode(data) if isinstance(data, dict) else {}


def _visible(m: re.Match) -> str:
    o = ord(m.group())
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def short_value(value: object, limit: int = VALUE_LIMIT) -> str:
    """Cell value as log text: control characters shown as ``\\xNN``, invisible ones as
    ``\\uNNNN``, cut to ``limit``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = _CONTROL.sub(_visible, str(value))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def astuple_entry(e: Entry) -> tuple:
    """The ``data_quality`` columns of an entry, without ``problem_id``."""
    return (e.file, e.sheet, e.row, e.column, e.value, e.problem, e.action, e.code)


@dataclass
class QualityLog:
    """Collects entries and the fate of every data row read."""

    entries: list[Entry] = field(default_factory=list)
    #: (file, sheet) -> {excel row -> worst action}
    rows: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)
    #: Remarks beyond :data:`MAX_EXAMPLES` of one kind (file, sheet, column, code, action):
    #: [count, first row, last row, problem, code, params of the first one left out].
    overflow: dict[tuple, list] = field(default_factory=dict)
    _group_sizes: dict[tuple, int] = field(default_factory=dict, repr=False)

    def add(
        self,
        file: str,
        sheet: str,
        row: int | None,
        column: str,
        value: object,
        problem: str,
        action: str,
        *,
        code: str = "",
        params: Mapping[str, object] | None = None,
    ) -> None:
        """Log one problem. If ``row`` is a data row already :meth:`mark`-ed, its fate is
        raised to ``action`` when that is more severe.

        Parameters
        ----------
        file, sheet, row, column, value
            Where, and the cell's value (shortened with :func:`short_value`).
        problem
            The remark in English (the ``problem`` column).
        action
            One of used, fixed, quarantined, ignored.
        code
            Message code: ``dq.<code>`` in ``translations.toml`` gives the remark in each
            report language (the ``code`` column).
        params
            Values of the message's placeholders (the ``fields`` column, see
            :func:`encode_fields`).

        Raises
        ------
        ValueError
            If ``action`` is not one of used, fixed, quarantined, ignored.
        """
        if action not in _SEVERITY:
            raise ValueError(f"unknown action {action!r}")
        if row is not None and code not in _NEVER_GROUPED:
            group = (file, sheet, column, code or problem, action)
            n = self._group_sizes[group] = self._group_sizes.get(group, 0) + 1
            if n > MAX_EXAMPLES:  # a flood of one remark: counted, not stored row by row
                more = self.overflow.get(group)
                if more is None:
                    self.overflow[group] = [1, row, row, problem, code, dict(params or {})]
                else:
                    more[0] += 1
                    more[1], more[2] = min(more[1], row), max(more[2], row)
                n = None
        else:
            n = 0
        if n is not None:
            self.entries.append(
                Entry(
                    file,
                    sheet,
                    row,
                    column,
                    short_value(value),
                    problem,
                    action,
                    code,
                    dict(params or {}),
                )
            )
        if row is not None:
            fates = self.rows.get((file, sheet))
            if fates is not None and row in fates:
                self.mark(file, sheet, row, action)

    def register_sheet(self, file: str, sheet: str) -> None:
        """Declare a sheet whose data rows are counted (it appears in the summary)."""
        self.rows.setdefault((file, sheet), {})

    def mark(self, file: str, sheet: str, row: int, action: str) -> None:
        """Record that data row ``row`` was read; keep the most severe action seen.

        Raises
        ------
        ValueError
            If ``action`` is unknown.
        """
        if action not in _SEVERITY:
            raise ValueError(f"unknown action {action!r}")
        fates = self.rows.setdefault((file, sheet), {})
        old = fates.get(row)
        if old is None or _SEVERITY[action] > _SEVERITY[old]:
            fates[row] = action

    def mark_rows(self, file: str, sheet: str, rows: Iterable[int], action: str) -> None:
        """:meth:`mark` for many data rows at once (a sheet's whole body, for instance).

        Raises
        ------
        ValueError
            If ``action`` is unknown.
        """
        if action not in _SEVERITY:
            raise ValueError(f"unknown action {action!r}")
        fates = self.rows.setdefault((file, sheet), {})
        if not fates:
            fates.update(dict.fromkeys(rows, action))
            return
        for row in rows:
            self.mark(file, sheet, row, action)

    def fate(self, file: str, sheet: str, row: int) -> str | None:
        """The fate of a data row, or None if it was not read as one."""
        return self.rows.get((file, sheet), {}).get(row)

    def to_frame(self) -> pd.DataFrame:
        """Entries as the ``data_quality`` table (:data:`evaluation.ingest.schema.DATA_QUALITY`),
        ordered by file, sheet and row (entries without a row first, then in the order they
        were found). ``fields`` is the JSON text of the entry's parameters. Remarks beyond
        :data:`MAX_EXAMPLES` of one kind are one line "… and N more rows" (code
        ``more_remarks``, the grouped remark nested in its fields), after its sheet's rows."""
        from evaluation.ingest.cells import Note

        records = [
            (e.file, e.sheet, -1 if e.row is None else e.row, i) for i, e in enumerate(self.entries)
        ]
        rows = []
        seen: dict[tuple, str] = {}  # a big sheet repeats few distinct remarks
        for *_, i in sorted(records):
            e = self.entries[i]
            try:
                key = (e.code, *sorted(e.params.items()))
                fields = seen.get(key)
            except TypeError:  # an unhashable parameter (a list)
                key, fields = None, None
            if fields is None:
                fields = encode_fields(e.params)
                if key is not None:
                    seen[key] = fields
            rows.append(
                (e.file, e.sheet, e.row, e.column, e.value, e.problem, e.action, e.code, fields)
            )
        for (file, sheet, column, _, action), more in self.overflow.items():
            count, first, last, problem, code, params = more
            note_en = (
                f"… and {count:,} more rows with the same remark ({action}; rows "
                f"{first}–{last}); remark: {problem}"
            )
            fields = encode_fields(
                {
                    "count": Count(count),
                    "first": first,
                    "last": last,
                    "remark": Note(problem, code=code or "", **(params or {})),
                }
            )
            e = Entry(file, sheet, None, column, "", note_en, action, code="more_remarks")
            rows.append((*astuple_entry(e), fields))
        df = pd.DataFrame(rows, columns=DATA_QUALITY)
        if self.overflow:  # each "… and N more rows" line after its sheet's examples
            df = df.sort_values(["file", "sheet"], kind="stable", ignore_index=True)
        df["row"] = df["row"].astype("Int64")
        for col in DATA_QUALITY:
            if col != "row":
                df[col] = df[col].astype("string")
        return df

    def summary(self) -> pd.DataFrame:
        """Per sheet: rows read, used (clean), fixed, quarantined, ignored; they add up."""
        recs = []
        for (file, sheet), fates in self.rows.items():
            counts = dict.fromkeys(_SEVERITY, 0)
            for action in fates.values():
                counts[action] += 1
            recs.append({"file": file, "sheet": sheet, "read": len(fates), **counts})
        df = pd.DataFrame(recs, columns=SUMMARY_COLUMNS)
        for col in SUMMARY_COLUMNS[2:]:
            df[col] = df[col].astype("int64")
        return df
