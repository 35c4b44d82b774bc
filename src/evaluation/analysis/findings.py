"""Findings and decisions of the executive summary, selected by rules from the tables of record.

:func:`findings` is a pure function of the dict of tables :func:`~evaluation.analysis.tables.
compute_tables` built (it reads nothing else). Each *rule* looks at a few of those tables and
yields zero or more :class:`Item`: a *finding* (what the numbers say, with their uncertainty)
or a *decision* (what the meeting is asked to decide). The result is the table of record
``findings``: one row per item, columns :data:`FINDINGS_COLUMNS`:

``kind``
    ``"finding"`` or ``"decision"``.
``code``
    What the item says; the report words it with the message ``finding.<code>`` or
    ``decision.<code>`` of ``translations.toml``.
``rank``
    1, 2, … within its kind, in the order the summary lists them.
``fields``
    JSON object of the values the sentence is made of: numbers (counts, fractions 0..1,
    months), booleans, and data labels (a canonical category or scope label, a unit name,
    ``null`` for "not recorded"), never words of a sentence.

Adding a rule (e.g. for a table another module adds to ``compute_tables``)::

    @rule
    def cohort_weak(ctx: Context) -> Iterable[Item]:
        df = ctx.table("cohort_followup")
        if df is None or not len(df):        # the table may be absent: then nothing fires
            return
        ...
        yield Item("finding", "cohort_weak", priority=45, fields={"cohort": 2022, "n": 31, ...})

then add ``finding.cohort_weak`` (``id`` and ``en``) to ``translations.toml`` with one
placeholder per field. The report formats each field by its name (see
``evaluation.presentation.summary_sections``): names ending in ``rate``, ``low`` or ``high``
are fractions shown as percentages, and a ``low``/``high`` pair also gives an ``interval``
placeholder (``<prefix>interval`` for ``<prefix>low``/``<prefix>high``); ``category`` /
``scope`` are vocabulary labels; ``unit`` a unit name; ``units`` a list of
``[unit, count]``; other whole numbers are counts. A rule must not fire when the data do
not support its claim (a rule about a missing table yields nothing).

Findings are sorted by ``priority`` (lower first) and at most :data:`MAX_FINDINGS` are kept;
every decision is kept.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from evaluation.analysis.frames import _astype

#: Columns of the ``findings`` table.
FINDINGS_COLUMNS = ["kind", "code", "rank", "fields"]
#: Kinds of item, in the order the summary shows them.
KINDS = ("finding", "decision")
#: Codes the rules below yield (a new rule adds its own), each worded by the report.
FINDING_CODES = (
    "followup_overall",
    "category_lowest",
    "category_highest",
    "category_no_clear_difference",
    "scope_lowest",
    "scope_highest",
    "scope_no_clear_difference",
    "expiring_low",
    "no_realisation",
    "no_realisation_unit",
)
DECISION_CODES = ("decide_tier1", "assign_tier2", "confirm_tier3")
#: Most findings the summary leads with (decisions are all kept).
MAX_FINDINGS = 5
#: Units named in a decision (the rest are counted together).
TOP_UNITS = 3


@dataclass(frozen=True)
class Item:
    """One finding or decision: ``kind``, ``code``, sort ``priority`` and its ``fields``."""

    kind: str
    code: str
    priority: int
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What a rule sees: the tables of record and the smallest group size to compare."""

    tables: Mapping[str, pd.DataFrame]
    min_n: int = 5

    def table(self, name: str) -> pd.DataFrame | None:
        """Table ``name``, or None when this report has none."""
        return self.tables.get(name)

    def param(self, name: str, default: Any = None) -> Any:
        """A value of the one-row ``report_parameters`` table (missing -> ``default``)."""
        p = self.table("report_parameters")
        if p is None or name not in p.columns or not len(p):
            return default
        v = p[name].iloc[0]
        return default if _missing(v) else _plain(v)


Rule = Callable[[Context], Iterable[Item]]
#: The rules :func:`findings` applies, in registration order (see :func:`rule`).
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    """Register ``fn`` as a rule of :func:`findings` (use as a decorator)."""
    RULES.append(fn)
    return fn


def _missing(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _plain(v: Any) -> Any:
    """numpy/pandas scalar -> JSON-ready Python value (NaN/NA -> None)."""
    if _missing(v):
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _first(df: pd.DataFrame) -> dict[str, Any]:
    """First row as a dict, each value keeping its column's type (a row Series would turn
    the counts of a frame with float columns into floats)."""
    return {c: df[c].iloc[0] for c in df.columns}


def _fields(d: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, list | tuple):
            out[k] = [
                [_plain(x) for x in e] if isinstance(e, list | tuple) else _plain(e) for e in v
            ]
        else:
            out[k] = _plain(v)
    return out


# ------------------------------------------------------------------------------ the rules
def _interval_columns(df: pd.DataFrame) -> tuple[str, str, bool]:
    """Interval bounds of ``scope_rate`` to compare groups with: the cluster-aware ones when
    the table has them for every row, else Wilson. Returns (low column, high column,
    clustered)."""
    lo, hi = "scope_rate_cl_low", "scope_rate_cl_high"
    if lo in df.columns and hi in df.columns:
        ok = df["scope_rate"].notna()
        if df.loc[ok, [lo, hi]].notna().all().all():
            return lo, hi, True
    return "scope_rate_low", "scope_rate_high", False


def _comparison(ctx: Context, what: str) -> Iterable[Item]:
    """Lowest / highest group of ``what`` ("category" or "scope") by scope implementation,
    named only when its interval clears every other compared group's; otherwise "no clear
    difference". Groups compared: ``n`` >= ``min_n`` (agreements of a category, scope items
    of a scope) with a rate."""
    table, n_col, label = {
        "category": ("rates_by_category", "agreements", "category"),
        "scope": ("rates_by_scope", "scope_items", "scope"),
    }[what]
    df = ctx.table(table)
    facts = ctx.table("summary_facts")
    if df is None or facts is None or not len(facts):
        return
    if what == "category" and ctx.param("category") is not None:
        return  # a one-category report compares no categories
    lo, hi, clustered = _interval_columns(df)
    ok = df[(df[n_col] >= ctx.min_n) & df["scope_rate"].notna()]
    small = int(((df[n_col] > 0) & (df[n_col] < ctx.min_n)).sum())
    if len(ok) < 2:
        return
    f = _first(facts)

    def clears(name: object, side: str) -> dict[str, Any] | None:
        if _missing(name):
            return None
        hit = ok[ok[label] == name]
        if len(hit) != 1:
            return None
        r, others = _first(hit), ok[ok[label] != name]
        if side == "lowest" and r[hi] < others[lo].min():
            return r
        if side == "highest" and r[lo] > others[hi].max():
            return r
        return None

    highest = f.get(f"highest_{what}")
    if f"highest_{what}" not in f:  # until summary_facts names one: the top group
        highest = ok.sort_values(["scope_rate", n_col], ascending=[False, False]).iloc[0][label]
    named = False
    for side, name, pri in (("lowest", f.get(f"lowest_{what}"), 0), ("highest", highest, 1)):
        r = clears(name, side)
        if r is None:
            continue
        named = True
        others = ok[ok[label] != name]
        yield Item(
            "finding",
            f"{what}_{side}",
            20 + 40 * (what == "scope") + pri,
            _fields(
                {
                    label: r[label],
                    "rate": r["scope_rate"],
                    "low": r[lo],
                    "high": r[hi],
                    "n": r[n_col],
                    "others": len(others),
                    "min_n": ctx.min_n,
                    "others_low": others[lo].min(),
                    "others_high": others[hi].max(),
                    "clustered": clustered,
                }
            ),
        )
    if not named:
        yield Item(
            "finding",
            f"{what}_no_clear_difference",
            20 + 40 * (what == "scope"),
            _fields(
                {
                    "groups": len(ok),
                    "min_rate": ok["scope_rate"].min(),
                    "max_rate": ok["scope_rate"].max(),
                    "small_groups": small,
                    "min_n": ctx.min_n,
                    "clustered": clustered,
                }
            ),
        )


@rule
def followup_overall(ctx: Context) -> Iterable[Item]:
    """X of N agreements (r%, 95% CI a–b%) have a realised follow-up (``rates_overall``)."""
    df = ctx.table("rates_overall")
    if df is None or not len(df) or not df["agreements"].iloc[0]:
        return
    r = _first(df)
    yield Item(
        "finding",
        "followup_overall",
        10,
        _fields(
            {
                "done": r["agreements_followed_up"],
                "n": r["agreements"],
                "rate": r["followup_rate"],
                "low": r["followup_rate_low"],
                "high": r["followup_rate_high"],
            }
        ),
    )


@rule
def category_comparison(ctx: Context) -> Iterable[Item]:
    """Lowest/highest category when its interval clears the others, else no clear difference."""
    yield from _comparison(ctx, "category")


@rule
def scope_comparison(ctx: Context) -> Iterable[Item]:
    """Lowest/highest scope when its interval clears the others, else no clear difference."""
    yield from _comparison(ctx, "scope")


def _tier(ctx: Context, tier: int) -> pd.DataFrame | None:
    df = ctx.table("needs_assistance")
    if df is None or "tier" not in df.columns:
        return None
    return df[df["tier"] == tier]


def _units(ctx: Context, tier: int) -> tuple[list[list[Any]], int, int]:
    """(top units as [unit or None, count], number of other units, their count) for ``tier``,
    from ``assistance_by_unit`` (most first, then by name)."""
    by = ctx.table("assistance_by_unit")
    col = f"tier_{tier}"
    if by is None or col not in by.columns:
        return [], 0, 0
    rows = by[by[col] > 0].assign(_u=by["unit"].fillna("\uffff"))
    rows = rows.sort_values([col, "_u"], ascending=[False, True], kind="stable")
    top = [[_plain(u), int(n)] for u, n in zip(rows["unit"], rows[col], strict=True)]
    rest = top[TOP_UNITS:]
    return top[:TOP_UNITS], len(rest), sum(n for _, n in rest)


@rule
def expiring_low(ctx: Context) -> Iterable[Item]:
    """Tier 1: N agreements end within M months with implementation below L (of the E ending)."""
    t1 = _tier(ctx, 1)
    if t1 is None or not len(t1):
        return
    facts = ctx.table("summary_facts")
    ending = facts["ending_soon"].iloc[0] if facts is not None and len(facts) else None
    months, low = ctx.param("expiry_months"), ctx.param("low_rate")
    yield Item(
        "finding",
        "expiring_low",
        30,
        _fields({"n": len(t1), "ending": ending, "months": months, "low_rate": low}),
    )
    units, other_units, other_n = _units(ctx, 1)
    yield Item(
        "decision",
        "decide_tier1",
        10,
        _fields(
            {
                "n": len(t1),
                "months": months,
                "low_rate": low,
                "units": units,
                "other_units": other_units,
                "other_n": other_n,
            }
        ),
    )


@rule
def no_realisation(ctx: Context) -> Iterable[Item]:
    """Tier 2: N agreements (P partners) without realised follow-up past G months, most in U."""
    t2 = _tier(ctx, 2)
    if t2 is None or not len(t2):
        return
    partners = int(t2["partner_name"].dropna().astype(str).str.casefold().str.strip().nunique())
    grace = ctx.param("grace_months")
    units, other_units, other_n = _units(ctx, 2)
    top: dict[str, Any] = {}
    # "most in unit U" only when one recorded unit holds strictly more than any other.
    if units and units[0][0] is not None and (len(units) == 1 or units[0][1] > units[1][1]):
        top = {"unit": units[0][0], "unit_n": units[0][1]}
    code = "no_realisation_unit" if top else "no_realisation"
    base = {"n": len(t2), "partners": partners, "months": grace}
    yield Item("finding", code, 40, _fields({**base, **top}))
    yield Item(
        "decision",
        "assign_tier2",
        20,
        _fields({**base, "units": units, "other_units": other_units, "other_n": other_n}),
    )


@rule
def watch_tier3(ctx: Context) -> Iterable[Item]:
    """Tier 3: confirm the watch list of N agreements without recent activity."""
    t3 = _tier(ctx, 3)
    if t3 is None or not len(t3):
        return
    yield Item(
        "decision",
        "confirm_tier3",
        30,
        _fields({"n": len(t3), "months": ctx.param("stale_months")}),
    )


# ------------------------------------------------------------------------------ the table
def findings(
    tables: Mapping[str, pd.DataFrame], *, min_n: int = 5, rules: Iterable[Rule] | None = None
) -> pd.DataFrame:
    """The ``findings`` table of record from the other tables of record.

    Parameters
    ----------
    tables
        Tables of record by name (what ``compute_tables`` built so far); not modified.
    min_n
        Smallest group compared (agreements of a category, scope items of a scope).
    rules
        Rules to apply (default :data:`RULES`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINDINGS_COLUMNS`; findings first (at most :data:`MAX_FINDINGS`),
        then decisions, each ranked 1, 2, … by priority.
    """
    ctx = Context(tables, min_n)
    items = [it for r in (RULES if rules is None else rules) for it in r(ctx)]
    bad = [it for it in items if it.kind not in KINDS]
    if bad:
        raise ValueError(f"unknown kind of finding: {bad[0].kind!r} ({bad[0].code})")
    rows = []
    for kind in KINDS:
        mine = sorted((it for it in items if it.kind == kind), key=lambda it: it.priority)
        if kind == "finding":
            mine = mine[:MAX_FINDINGS]
        for rank, it in enumerate(mine, start=1):
            rows.append((kind, it.code, rank, json.dumps(_fields(it.fields), ensure_ascii=False)))
    out = pd.DataFrame(rows, columns=FINDINGS_COLUMNS)
    return _astype(out, {"kind": "string", "code": "string", "rank": "int64", "fields": "string"})


def fields_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The ``fields`` of a ``findings`` row as a dict."""
    return json.loads(row["fields"]) if isinstance(row["fields"], str) else dict(row["fields"])


__all__ = [
    "DECISION_CODES",
    "FINDINGS_COLUMNS",
    "FINDING_CODES",
    "KINDS",
    "MAX_FINDINGS",
    "RULES",
    "Context",
    "Item",
    "Rule",
    "fields_of",
    "findings",
    "rule",
]
