"""The data-quality log: every problem found in the input, with its location and the action.

Each entry becomes a row of ``data_quality.csv`` (file, sheet, row, column, value, problem,
action, code, problem_id). ``problem`` is the English remark; ``code`` names its message
``dq.<code>`` in ``translations.toml`` and ``problem_id`` is that message in Bahasa Indonesia,
filled from the entry's parameters (:func:`render_remark`). ``action`` says what happened to
the input row: ``used`` (kept as is, remark only),
``fixed`` (kept after a stated correction), ``quarantined`` (kept out of the figures until the
analyst fixes it) or ``ignored`` (not data: title, blank, total, duplicate).

Besides the entries, the log keeps the *fate* of every data row read (the most severe action
of its entries, ``used`` when it has none), so that for each sheet
``read == used + fixed + quarantined + ignored``. Entries about a header row, a whole sheet
or a whole file are remarks: they do not count as data rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import pandas as pd

from evaluation.ingest.schema import DATA_QUALITY

#: Precedence when one row has several entries: the row's overall fate.
_SEVERITY = {"used": 0, "fixed": 1, "ignored": 2, "quarantined": 3}
#: Columns of the per-sheet summary.
SUMMARY_COLUMNS = ["file", "sheet", "read", "used", "fixed", "quarantined", "ignored"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
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

    ``code`` names the message ``dq.<code>`` and ``params`` its placeholder values (see
    :func:`render_remark`); an entry without a code is shown in English only.
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


@lru_cache(maxsize=4096)
def _long_date(d: date, lang: str) -> str:
    from evaluation.presentation.text import fmt_date

    return fmt_date(d, lang)


def _param_text(value: object, lang: str, table: Mapping[str, Mapping[str, str]]) -> str:
    """One parameter as text in ``lang`` (see :func:`render_remark`)."""
    code = getattr(value, "code", None)
    if isinstance(code, str) and hasattr(value, "params"):  # a nested remark (parsing.Note)
        return render_remark(code, value.params, lang, fallback=str(value), table=table)
    if isinstance(value, Count):
        from evaluation.presentation.text import fmt_int

        return fmt_int(int(value), lang)
    if isinstance(value, date):
        return value.isoformat() if lang == "en" else _long_date(value, lang)
    if isinstance(value, list | tuple):
        return "; ".join(_param_text(v, lang, table) for v in value)
    return str(value)


def render_remark(
    code: str,
    params: Mapping[str, object] | None,
    lang: str,
    *,
    fallback: str = "",
    table: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Text of remark ``code`` in ``lang``: message ``dq.<code>`` with ``params`` filled in.

    Parameter values are written for the language: a ``date`` as ``26 Juni 2028`` in
    Indonesian and ``2028-06-26`` in English (as in the English ``problem`` text), a
    :class:`Count` with thousands separators, a remark carrying its own ``code`` and
    ``params`` (:class:`evaluation.ingest.cells.Note`) as its own message, a list as its items
    joined by ``"; "``, anything else with ``str()``.

    Parameters
    ----------
    code
        Message code; ``""`` gives ``fallback``.
    params
        Placeholder values.
    lang
        ``"id"`` or ``"en"``.
    fallback
        Returned when there is no code, no such message or a placeholder has no value
        (usually the English ``problem`` text), so that a remark is never lost.
    table
        Translation table; default :func:`evaluation.presentation.text.load_translations`.

    Returns
    -------
    str
    """
    if not code:
        return fallback
    if table is None:
        from evaluation.presentation.text import load_translations

        table = load_translations()
    entry = table.get(f"dq.{code}")
    if entry is None:
        return fallback
    text = entry.get(lang) or entry["id"]
    kw = {k: _param_text(v, lang, table) for k, v in (params or {}).items()}
    try:
        return text.format_map(kw)
    except (KeyError, IndexError, ValueError):
        return fallback


def short_value(value: object, limit: int = VALUE_LIMIT) -> str:
    """Cell value as log text: control characters shown as ``\\xNN``, cut to ``limit``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
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
            report language (the ``code`` and ``problem_id`` columns).
        params
            Values of the message's placeholders (see :func:`render_remark`).

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
        were found). ``problem_id`` is the remark in Bahasa Indonesia (the English
        ``problem`` when the entry has no code or its message is missing). Remarks beyond
        :data:`MAX_EXAMPLES` of one kind are one line "… and N more rows", after its sheet's
        rows."""
        from evaluation.presentation.text import load_translations

        table = load_translations()
        records = [
            (e.file, e.sheet, -1 if e.row is None else e.row, i) for i, e in enumerate(self.entries)
        ]
        rows = []
        seen: dict[tuple, str] = {}  # a big sheet repeats few distinct remarks
        for *_, i in sorted(records):
            e = self.entries[i]
            try:
                key = (e.code, e.problem, *sorted(e.params.items()))
                problem_id = seen.get(key)
            except TypeError:  # an unhashable parameter (a list)
                key, problem_id = None, None
            if problem_id is None:
                problem_id = render_remark(e.code, e.params, "id", fallback=e.problem, table=table)
                if key is not None:
                    seen[key] = problem_id
            rows.append(
                (e.file, e.sheet, e.row, e.column, e.value, e.problem, e.action, e.code, problem_id)
            )
        for (file, sheet, column, _, action), more in self.overflow.items():
            count, first, last, problem, code, params = more
            note_en = (
                f"… and {count:,} more rows with the same remark ({action}; rows "
                f"{first}–{last}); remark: {problem}"
            )
            remark = render_remark(code, params, "id", fallback=problem, table=table)
            problem_id = render_remark(
                "more_remarks",
                {"count": Count(count), "first": first, "last": last, "remark": remark,
                 "action": table.get(f"action.{action}", {}).get("id", action).lower()},
                "id",
                fallback=note_en,
                table=table,
            )  # fmt: skip
            e = Entry(file, sheet, None, column, "", note_en, action, code="more_remarks")
            rows.append((*astuple_entry(e), problem_id))
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
