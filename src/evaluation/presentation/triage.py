"""The assistance section: the tiers of ``needs_assistance``, their rule and the counts per unit.

Tier 1 agreements end soon with low implementation (decide now: renew or close), tier 2 have
had no realised follow-up after the grace period (assist), tier 3 have had no recent activity
(watch). The tier rule is worded from the report's parameters; each row shows every reason
and every next step; an end date that rests on the default term (not in the register) is
marked. The same blocks build the main report's section and the one-page lists per unit
(:mod:`evaluation.publish.units`).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation.presentation.display import Html, cut_cell, esc, table_html
from evaluation.presentation.interactive import (
    INTERACTIVE_MIN_ROWS,
    csv_bytes,
    interactive_html,
    record_of,
    sort_key,
    twin,
)
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import fmt_date, fmt_int, fmt_percent, t
from evaluation.presentation.wording import (
    reasons_text,
    short_reasons_text,
    steps_text,
)
from evaluation.vocab.loader import load_vocabulary

#: The tiers, most urgent first (as :data:`evaluation.analysis.triage.TIERS`), and their names.
TIER_NUMBERS = (1, 2, 3)
_TIER_NAMES = {1: "tier.name_1", 2: "tier.name_2", 3: "tier.name_3"}


def tier_rules(p, lang: str) -> list[str]:
    """The tier rule as sentences: one per tier, then how rows are ordered.

    ``p`` holds ``as_of``, ``grace_months``, ``stale_months``, ``expiry_months``,
    ``low_rate`` (the report parameters)."""
    as_of = pd.Timestamp(p.as_of)
    horizon = as_of + pd.DateOffset(months=p.expiry_months)
    cut = as_of - pd.DateOffset(months=p.grace_months)
    return [
        t(
            "tier.rule_1",
            lang,
            expiry=p.expiry_months,
            horizon=fmt_date(horizon, lang),
            low=fmt_percent(p.low_rate, lang, digits=0),
        ),
        t("tier.rule_2", lang, grace=p.grace_months, cut=fmt_date(cut, lang)),
        t("tier.rule_3", lang, stale=p.stale_months),
        t("tier.rule_order", lang),
    ]


def tier_counts(df: pd.DataFrame | list[dict]) -> dict[int, int]:
    """Number of rows of ``needs_assistance`` (a DataFrame or its records) in each tier
    (every tier present, 0 if none)."""
    tiers = df["tier"].tolist() if isinstance(df, pd.DataFrame) else [r["tier"] for r in df]
    return {k: sum(1 for x in tiers if x == k) for k in TIER_NUMBERS}


def counts_text(
    df: pd.DataFrame | list[dict], lang: str, key: str = "tier.counts", **kw: object
) -> str:
    """The sentence with the number of agreements in each tier (message ``key``)."""
    c = tier_counts(df)
    return t(
        key,
        lang,
        n=fmt_int(len(df), lang),
        t1=fmt_int(c[1], lang),
        t2=fmt_int(c[2], lang),
        t3=fmt_int(c[3], lang),
        **kw,
    )


def _assumed(row: Mapping[str, object]) -> bool:
    v = row.get("ends_on_assumed")
    return bool(v) if v is not None and not (isinstance(v, float) and pd.isna(v)) else False


def _end_cell(row: Mapping[str, object], lang: str, days: bool) -> str:
    """The end date, marked when assumed; with the days left for tier 1."""
    end = row.get("ends_on")
    if end is None or pd.isna(end):
        return "–"
    text = fmt_date(end, lang) + (t("tier.assumed_mark", lang) if _assumed(row) else "")
    left = row.get("days_left")
    if days and left is not None and not pd.isna(left):
        text += "\n(" + t("tier.days_left", lang, days=fmt_int(left, lang)) + ")"
    return text


def _missing(v: object) -> bool:
    return v is None or (not isinstance(v, str | list | tuple) and bool(pd.isna(v)))


def tier_table(
    records: list[dict],
    tier: int,
    lang: str,
    stale_months: int,
    *,
    show_unit: bool = True,
    full: bool = False,
) -> str:
    """One tier's rows (``needs_assistance`` records) as an HTML table.

    Columns: priority, partner, category, (unit), end date (marked when assumed; days left in
    tier 1), scope implementation, the tier's measure of urgency (tier 2: months without a
    realised follow-up; tier 3: last activity), every reason (``full``: as sentences, for the
    per-unit lists; else briefly) and every next step, one per line."""
    categories = load_vocabulary().partner_categories
    reasons = reasons_text if full else short_reasons_text
    header = ["#", t("col.partner_name", lang), t("col.category", lang)]
    if show_unit:
        header.append(t("col.unit", lang))
    header += [t("col.ends_on", lang), t("col.scope_rate", lang)]
    if tier == 2:
        header.append(t("col.months_without_realisation", lang))
    elif tier == 3:
        header.append(t("col.last_activity_on", lang))
    header += [t("col.reasons", lang), t("col.suggested_action", lang)]
    rows = []
    for r in records:
        row = [
            fmt_int(r["priority"], lang),
            "" if _missing(r["partner_name"]) else str(r["partner_name"]),
            categories.display(r["partner_category"], lang, short=True),
        ]
        if show_unit:
            row.append(t("tier.no_unit", lang) if _missing(r["unit"]) else str(r["unit"]))
        row.append(_end_cell(r, lang, days=tier == 1))
        row.append(
            f"{fmt_percent(r['scope_rate'], lang)} ({fmt_int(r['scope_items_done'], lang)}/"
            f"{fmt_int(r['scope_items'], lang)})"
        )
        if tier == 2:
            row.append(fmt_int(r["months_without_realisation"], lang))
        elif tier == 3:
            row.append(fmt_date(r["last_activity_on"], lang))
        # One line per reason and per step: every applicable step, not only the first one's.
        row.append(reasons(r, lang, stale_months, sep="\n"))
        row.append(steps_text(r, lang, short=True, sep="\n"))
        rows.append(row)
    shown = pd.DataFrame(rows, columns=header)
    n = len(header)
    return table_html(shown, long=True, wide=(1, n - 2, n - 1), cut=(1, 3) if show_unit else (1,))


def tier_sections(
    df: pd.DataFrame | list[dict],
    lang: str,
    p,
    term_years: int,
    *,
    limit: int | None = None,
    show_unit: bool = True,
    full: bool = False,
    level: int = 3,
) -> str:
    """Every tier as a heading with its count and its table (``limit``: at most that many
    rows per tier, with a note), and the footnote on assumed end dates when one is shown.
    ``df``: ``needs_assistance`` rows in priority order (a DataFrame or its records)."""
    records = df.to_dict("records") if isinstance(df, pd.DataFrame) else df
    parts = []
    assumed_shown = False
    for tier in TIER_NUMBERS:
        rows = [r for r in records if r["tier"] == tier]
        heading = t(
            "tier.heading",
            lang,
            tier=tier,
            name=t(_TIER_NAMES[tier], lang),
            n=fmt_int(len(rows), lang),
        )
        parts.append(f'<h{level} class="eval-tier" data-tier="{tier}">{esc(heading)}</h{level}>')
        if not rows:
            parts.append(f'<p class="catatan">{esc(t("tier.none", lang))}</p>')
            continue
        top = rows if limit is None else rows[:limit]
        parts.append(tier_table(top, tier, lang, p.stale_months, show_unit=show_unit, full=full))
        assumed_shown |= any(_assumed(r) for r in top)
        if len(rows) > len(top):
            note = t(
                "tier.top_n", lang, shown=fmt_int(len(top), lang), total=fmt_int(len(rows), lang)
            )
            parts.append(f'<p class="catatan">{esc(note)}</p>')
    if assumed_shown:
        note = t("tier.assumed", lang, years=term_years)
        parts.append(f'<p class="catatan eval-assumed">{esc(note)}</p>')
    return "".join(parts)


def rules_html(p, lang: str) -> str:
    """The tier rule as a list."""
    items = "".join(f"<li>{esc(x)}</li>" for x in tier_rules(p, lang))
    return f'<ul class="eval-tier-rule">{items}</ul>'


def _term_years(L: Laporan) -> int:
    return int(L.tabel.report_parameters["default_term_years"].iloc[0])


def pengantar_asistensi(L: Laporan) -> Html:
    """How many agreements need action in each tier, and the tier rule
    (tables ``needs_assistance``, ``report_parameters``)."""
    lang = L.lang
    text = counts_text(L.tabel.needs_assistance, lang)
    return Html(f"<p>{esc(text)}</p>{rules_html(L.params, lang)}")


def _interactive_list(df: pd.DataFrame, lang: str, stale_months: int) -> str:
    """Every row of ``needs_assistance`` in one sortable, searchable table (on screen), with
    the download of the table of record."""
    categories = load_vocabulary().partner_categories
    records = df.to_dict("records")
    shown = pd.DataFrame(
        {
            "#": [fmt_int(x, lang) for x in df["priority"]],
            t("col.tier", lang): [fmt_int(x, lang) for x in df["tier"]],
            t("col.partner_name", lang): [
                cut_cell("" if _missing(v) else v) for v in df["partner_name"]
            ],
            t("col.category", lang): [
                categories.display(c, lang, short=True) for c in df["partner_category"]
            ],
            t("col.unit", lang): [
                cut_cell(t("tier.no_unit", lang) if _missing(v) else v) for v in df["unit"]
            ],
            t("col.ends_on", lang): [_end_cell(r, lang, days=r["tier"] == 1) for r in records],
            t("col.scope_rate", lang): [fmt_percent(x, lang) for x in df["scope_rate"]],
            t("col.reasons", lang): [
                short_reasons_text(r, lang, stale_months, sep="\n") for r in records
            ],
            t("col.suggested_action", lang): [
                steps_text(r, lang, short=True, sep="\n") for r in records
            ],
        }
    )
    sort_by = {
        0: sort_key(df["priority"], "int"),
        1: sort_key(df["tier"], "int"),
        5: sort_key(df["ends_on"], "date"),
        6: sort_key(df["scope_rate"], "percent"),
    }
    name, csv = record_of(df)
    return interactive_html(
        shown,
        sort_by=sort_by,
        wide=(2, 7, 8),
        name=name or "needs_assistance",
        csv=csv if csv is not None else csv_bytes(df),
        lang=lang,
    )


def daftar_asistensi(L: Laporan, df: pd.DataFrame | None = None) -> Html:
    """The assistance list by tier (table ``needs_assistance``): per tier at most ``top_n``
    rows with every reason and next step; assumed end dates marked. On screen a long list is
    also one sortable, searchable table of every row, downloadable as the table of record
    (the printed report keeps the lists per tier)."""
    lang, p = L.lang, L.params
    df = L.tabel.needs_assistance if df is None else df
    if not len(df):
        return Html(f"<p>{esc(t('note.none', lang))}</p>")
    body = tier_sections(df, lang, p, _term_years(L), limit=p.top_n, level=4)
    if len(df) > INTERACTIVE_MIN_ROWS:
        body = twin(body, _interactive_list(df, lang, p.stale_months))
    note = f'<p class="catatan">{esc(t("note.assistance_full", lang))}</p>'
    return Html(body + note)


def unit_counts_table(by_unit: pd.DataFrame, lang: str) -> str:
    """Table ``assistance_by_unit`` as a compact HTML table with a total row."""
    cols = ["unit", "tier_1", "tier_2", "tier_3", "total"]
    rows = [
        [t("tier.no_unit", lang) if pd.isna(r["unit"]) else str(r["unit"])]
        + [fmt_int(r[c], lang) for c in cols[1:]]
        for r in by_unit.to_dict("records")
    ]
    rows.append([t("col.total", lang)] + [fmt_int(by_unit[c].sum(), lang) for c in cols[1:]])
    shown = pd.DataFrame(rows, columns=[t(f"col.{c}", lang) for c in cols])
    return table_html(shown, total_rows=(len(rows) - 1,), cut=(0,))


def asistensi_per_unit(L: Laporan) -> Html:
    """Counts per responsible unit and tier (table ``assistance_by_unit``) and where each
    unit's own list is."""
    lang = L.lang
    by_unit = L.tabel.assistance_by_unit
    if not len(by_unit):
        return Html("")
    return Html(
        f"<h3>{esc(t('tier.by_unit', lang))}</h3>{unit_counts_table(by_unit, lang)}"
        f'<p class="catatan">{esc(t("tier.by_unit_note", lang))}</p>'
    )


__all__ = [
    "TIER_NUMBERS",
    "asistensi_per_unit",
    "counts_text",
    "daftar_asistensi",
    "pengantar_asistensi",
    "rules_html",
    "tier_counts",
    "tier_rules",
    "tier_sections",
    "tier_table",
    "unit_counts_table",
]
