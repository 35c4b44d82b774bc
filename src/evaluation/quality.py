"""The data-quality log: every problem found in the input, with its location and the action.

Each entry becomes a row of ``data_quality.csv`` (file, sheet, row, column, value, problem,
action). ``action`` says what happened to the input row: ``used`` (kept as is, remark only),
``fixed`` (kept after a stated correction), ``quarantined`` (kept out of the figures until the
analyst fixes it) or ``ignored`` (not data: title, blank, total, duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .schema import DATA_QUALITY

#: Precedence when one row has several entries: the row's overall fate.
_SEVERITY = {"used": 0, "fixed": 1, "ignored": 2, "quarantined": 3}


@dataclass(frozen=True)
class Entry:
    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    problem: str
    action: str


def _short(value: object, limit: int = 200) -> str:
    if value is None:
        return ""
    s = str(value)
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
        if action not in _SEVERITY:
            raise ValueError(f"unknown action {action!r}")
        self.entries.append(Entry(file, sheet, row, column, _short(value), problem, action))
        if row is not None and (file, sheet) in self.rows:
            self.mark(file, sheet, row, action)

    def register_sheet(self, file: str, sheet: str) -> None:
        self.rows.setdefault((file, sheet), {})

    def mark(self, file: str, sheet: str, row: int, action: str) -> None:
        """Record that data row ``row`` was read; keep the most severe action seen."""
        fates = self.rows.setdefault((file, sheet), {})
        old = fates.get(row)
        if old is None or _SEVERITY[action] > _SEVERITY[old]:
            fates[row] = action

    def fate(self, file: str, sheet: str, row: int) -> str | None:
        return self.rows.get((file, sheet), {}).get(row)

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame([e.__dict__ for e in self.entries], columns=DATA_QUALITY)
        df["row"] = df["row"].astype("Int64")
        # Stable order: by file, sheet and row; entries without a row first within a sheet.
        order = df.assign(_r=df["row"].fillna(0)).sort_values(["file", "sheet", "_r"], kind="stable")
        return order.drop(columns="_r").reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per sheet: rows read, used (clean), fixed, quarantined, ignored; they add up."""
        recs = []
        for (file, sheet), fates in self.rows.items():
            counts = {a: 0 for a in _SEVERITY}
            for action in fates.values():
                counts[action] += 1
            recs.append(
                {
                    "file": file,
                    "sheet": sheet,
                    "read": len(fates),
                    "used": counts["used"],
                    "fixed": counts["fixed"],
                    "quarantined": counts["quarantined"],
                    "ignored": counts["ignored"],
                }
            )
        cols = ["file", "sheet", "read", "used", "fixed", "quarantined", "ignored"]
        return pd.DataFrame(recs, columns=cols)
