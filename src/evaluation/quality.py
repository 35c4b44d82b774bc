"""The data-quality log: every problem found in the input, with its location and the action.

Each entry becomes a row of ``data_quality.csv`` (file, sheet, row, column, value, problem,
action). ``action`` says what happened to the input row: ``used`` (kept as is, remark only),
``fixed`` (kept after a stated correction), ``quarantined`` (kept out of the figures until the
analyst fixes it) or ``ignored`` (not data: title, blank, total, duplicate).

Besides the entries, the log keeps the *fate* of every data row read (the most severe action
of its entries, ``used`` when it has none), so that for each sheet
``read == used + fixed + quarantined + ignored``. Entries about a header row, a whole sheet
or a whole file are remarks: they do not count as data rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .schema import DATA_QUALITY

#: Precedence when one row has several entries: the row's overall fate.
_SEVERITY = {"used": 0, "fixed": 1, "ignored": 2, "quarantined": 3}
#: Columns of the per-sheet summary.
SUMMARY_COLUMNS = ["file", "sheet", "read", "used", "fixed", "quarantined", "ignored"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Longest cell value copied into the log.
VALUE_LIMIT = 200


@dataclass(frozen=True)
class Entry:
    """One row of ``data_quality.csv``; ``row`` is the Excel row number (None: no row)."""

    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    problem: str
    action: str


def short_value(value: object, limit: int = VALUE_LIMIT) -> str:
    """Cell value as log text: control characters shown as ``\\xNN``, cut to ``limit``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return s if len(s) <= limit else s[: limit - 1] + "…"


@dataclass
class QualityLog:
    """Collects entries and the fate of every data row read."""

    entries: list[Entry] = field(default_factory=list)
    #: (file, sheet) -> {excel row -> worst action}
    rows: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)

    def add(
        self,
        file: str,
        sheet: str,
        row: int | None,
        column: str,
        value: object,
        problem: str,
        action: str,
    ) -> None:
        """Log one problem. If ``row`` is a data row already :meth:`mark`-ed, its fate is
        raised to ``action`` when that is more severe.

        Raises
        ------
        ValueError
            If ``action`` is not one of used, fixed, quarantined, ignored.
        """
        if action not in _SEVERITY:
            raise ValueError(f"unknown action {action!r}")
        self.entries.append(Entry(file, sheet, row, column, short_value(value), problem, action))
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

    def fate(self, file: str, sheet: str, row: int) -> str | None:
        """The fate of a data row, or None if it was not read as one."""
        return self.rows.get((file, sheet), {}).get(row)

    def to_frame(self) -> pd.DataFrame:
        """Entries as the ``data_quality`` table, ordered by file, sheet and row (entries
        without a row first, then in the order they were found)."""
        records = [
            (e.file, e.sheet, -1 if e.row is None else e.row, i) for i, e in enumerate(self.entries)
        ]
        order = [i for *_, i in sorted(records)]
        df = pd.DataFrame(
            [tuple(self.entries[i].__dict__.values()) for i in order], columns=DATA_QUALITY
        )
        df["row"] = df["row"].astype("Int64")
        for col in ("file", "sheet", "column", "value", "problem", "action"):
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
