"""The methodology section and the assumptions-log appendix.

:func:`metodologi` states every definition, parameter and method of the report with the values
this report used (table ``report_parameters``) and the rows each imputation rule touched
(table ``imputations``); :func:`asumsi` is the assumptions log (table ``assumptions``). All the
words are ``methodology.*``, ``param.*``, ``imputation.*``, ``assumption*.*`` and ``rating.*``
messages of translations.toml; every number comes from the tables.
"""

from __future__ import annotations

import pandas as pd

from evaluation.presentation.display import Html, bagian, esc, table_html
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import (
    MISSING,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_percent,
    is_missing,
    t,
)
from evaluation.vocab.loader import load_vocabulary

#: Parameters listed in the methodology's parameter table, in order, with their kind.
PARAMETERS = (
    ("as_of", "date"),
    ("since", "date"),
    ("category", "category"),
    ("grace_months", "int"),
    ("stale_months", "int"),
    ("expiry_months", "int"),
    ("low_rate", "percent"),
    ("default_term_years", "int"),
    ("min_group_n", "int"),
    ("baseline_months", "int"),
    ("baseline_as_of", "date"),
)


def _level(x: object, lang: str) -> str:
    """A confidence level or control limit as a percentage (95%, 99,8%)."""
    v = float(x) * 100
    return fmt_percent(float(x), lang, digits=0 if abs(v - round(v)) < 1e-9 else 1)


def _row(L: Laporan) -> pd.Series:
    return L.tabel.report_parameters.iloc[0]


def _value(row: pd.Series, name: str, kind: str, lang: str) -> str:
    v = row.get(name)
    if v is None or is_missing(v):
        return MISSING
    if kind == "date":
        return fmt_date(v, lang)
    if kind == "percent":
        return fmt_percent(v, lang, digits=0)
    if kind == "category":
        return load_vocabulary().partner_categories.display(str(v), lang)
    return fmt_int(v, lang)


def _para(key: str, lang: str, **kw: object) -> str:
    return f"<p>{esc(t(key, lang, **kw))}</p>"


def _heading(key: str, lang: str) -> str:
    return f"<h3>{esc(t(key, lang))}</h3>"


def baseline_text(L: Laporan) -> str:
    """What the changes section compares with (message ``methodology.changes_*``)."""
    row, lang = _row(L), L.lang
    kind = row.get("baseline")
    kind = None if kind is None or is_missing(kind) else str(kind)
    on = row.get("baseline_as_of")
    months = row.get("baseline_months")
    months = fmt_int(months, lang) if months is not None and not is_missing(months) else MISSING
    if kind == "previous_report" and not is_missing(on):
        return t("methodology.changes_previous", lang, date=fmt_date(on, lang))
    if kind == "same_data_12m_earlier" and not is_missing(on):
        return t("methodology.changes_same_data", lang, date=fmt_date(on, lang), months=months)
    return t("methodology.changes_none", lang, months=months, since=fmt_date(L.params.since, lang))


def metodologi(L: Laporan) -> Html:
    """The methodology: definitions, parameters (with this report's values), the tier rule,
    the intervals and clustering, the cohort trend, time to first follow-up, the outcome
    definitions, the imputation rules with the rows each touched, and the changes' baseline
    (tables ``report_parameters`` and ``imputations``)."""
    p, lang, T = L.params, L.lang, L.tabel
    row = _row(L)
    term = int(row["default_term_years"])
    level = _level(row.get("interval_level", 0.95), lang)
    min_n = fmt_int(row.get("min_group_n"), lang)
    parts = [_heading("methodology.h_definitions", lang)]
    parts.append(
        _para(
            "methodology.text",
            lang,
            as_of=fmt_date(p.as_of, lang),
            since=fmt_date(p.since, lang),
            default_term_years=term,
        )
    )
    parts.append(_heading("methodology.h_parameters", lang))
    shown = [
        (name, _value(row, name, kind, lang), t(f"param.{name}", lang))
        for name, kind in PARAMETERS
        if name in row.index and not (name == "category" and is_missing(row.get(name)))
    ]
    cols = [t(f"col.{c}", lang) for c in ("parameter", "value", "meaning")]
    parts.append(table_html(pd.DataFrame(shown, columns=cols)))
    parts.append(_heading("methodology.h_triage", lang))
    parts.append(
        _para(
            "methodology.triage",
            lang,
            expiry_months=p.expiry_months,
            low_rate=fmt_percent(p.low_rate, lang, digits=0),
            grace_months=p.grace_months,
            stale_months=p.stale_months,
        )
    )
    parts.append(_heading("methodology.h_intervals", lang))
    parts.append(_para("methodology.intervals", lang, level=level))
    parts.append(_para("methodology.small_groups", lang, min_group_n=min_n))
    parts.append(
        _para(
            "methodology.funnel",
            lang,
            inner=_level(row.get("funnel_inner", 0.95), lang),
            outer=_level(row.get("funnel_outer", 0.998), lang),
        )
    )
    parts.append(_heading("methodology.h_trend", lang))
    parts.append(
        _para(
            "methodology.cohort",
            lang,
            short=fmt_int(row.get("cohort_short_months"), lang),
            long=fmt_int(row.get("cohort_long_months"), lang),
            as_of=fmt_date(p.as_of, lang),
        )
    )
    parts.append(_heading("methodology.h_survival", lang))
    parts.append(
        _para(
            "methodology.survival",
            lang,
            days_per_month=fmt_number(row.get("days_per_month"), lang, digits=4),
            level=level,
            as_of=fmt_date(p.as_of, lang),
            min_group_n=min_n,
        )
    )
    parts.append(_heading("methodology.h_outcomes", lang))
    parts.append(_para("methodology.outcomes", lang, as_of=fmt_date(p.as_of, lang)))
    imp = T.get("imputations")
    if imp is not None:
        parts.append(_heading("methodology.h_imputations", lang))
        parts.append(_para("methodology.imputations", lang))
        shown = [
            (
                t(f"imputation.{r.code}", lang),
                fmt_int(r.rows, lang),
                fmt_int(r.rows_in_window, lang),
            )
            for r in imp.itertuples()
        ]
        cols = [t(f"col.{c}", lang) for c in ("rule", "rows", "rows_in_window")]
        parts.append(table_html(pd.DataFrame(shown, columns=cols)))
    parts.append(_heading("methodology.h_changes", lang))
    parts.append(f"<p>{esc(baseline_text(L))}</p>")
    return bagian("section.methodology", Html("".join(parts)))


def asumsi(L: Laporan) -> Html | None:
    """The assumptions-log appendix (table ``assumptions``): assumption, reason, effect, rows
    affected, quality and impact (red/amber/green); None when the report has no such table."""
    T, lang, p = L.tabel, L.lang, L.params
    log = T.get("assumptions")
    if log is None:
        return None
    kw = {
        "default_term_years": int(_row(L)["default_term_years"]),
        "since": fmt_date(p.since, lang),
        "as_of": fmt_date(p.as_of, lang),
    }
    rows = [
        (
            t(f"assumption.{r.code}", lang, **kw),
            t(f"assumption_reason.{r.code}", lang, **kw),
            t(f"assumption_effect.{r.code}", lang, **kw),
            MISSING if is_missing(r.rows_affected) else fmt_int(r.rows_affected, lang),
            t(f"rating.{r.quality}", lang),
            t(f"rating.{r.impact}", lang),
        )
        for r in log.itertuples()
    ]
    cols = [
        t(f"col.{c}", lang)
        for c in ("assumption", "reason", "effect", "rows_affected", "quality", "impact")
    ]
    # the count and the two ratings never wrap inside a word (the text columns take the width)
    nowrap = ' style="white-space: nowrap"'
    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{esc(v)}</td>" for v in r[:3])
        + "".join(f"<td{nowrap}>{esc(v)}</td>" for v in r[3:])
        + "</tr>"
        for r in rows
    )
    table = (
        f'<table class="eval-table long"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )
    intro = Html(f"<p>{esc(t('note.assumptions', lang))}</p>")
    return bagian("section.assumptions", intro, Html(table))


__all__ = ["PARAMETERS", "asumsi", "baseline_text", "metodologi"]
