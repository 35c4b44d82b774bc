"""Section blocks whose text is generated from the tables of record.

Most report cells are a :func:`~evaluation.presentation.display.tabel` and a chart from
:mod:`~evaluation.presentation.grafik`; the blocks here are the ones with sentences built
from numbers (the assistance list with its worded reasons, the outcomes, the changes, the
methodology; the cover and the executive summary are in
:mod:`~evaluation.presentation.summary_sections`). Each takes the loaded report
(:func:`~evaluation.presentation.report.muat_laporan`) and returns a displayable; every
number comes from ``L.tabel``. The data-quality appendix is
:func:`evaluation.presentation.data_quality.kualitas_data`, the partner annex
:mod:`evaluation.presentation.annex`.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.outcomes import LOCAL_GOVERNMENT
from evaluation.presentation.display import Html, bagian, esc, tabel, table_html
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import (
    fmt_date,
    fmt_int,
    fmt_percent,
    fmt_rupiah,
    has_key,
    methodology_text,
    t,
)
from evaluation.presentation.wording import fmt_number_signed, short_reasons_text, steps_text
from evaluation.vocab.loader import load_vocabulary


def pengantar_asistensi(L: Laporan) -> Html:
    """The sentence introducing the assistance list (how many, and the rules)."""
    p, lang = L.params, L.lang
    text = t(
        "note.assistance",
        lang,
        n=fmt_int(len(L.tabel.needs_assistance), lang),
        grace=p.grace_months,
        stale=p.stale_months,
        expiry=p.expiry_months,
        low=fmt_percent(p.low_rate, lang, digits=0),
    )
    return Html(f"<p>{esc(text)}</p>")


def daftar_asistensi(L: Laporan, df: pd.DataFrame | None = None) -> Html:
    """The assistance list (table ``needs_assistance``): priority, partner, category, unit,
    dates, rate, the reasons and the next step worded from the reason codes."""
    lang, p = L.lang, L.params
    df = L.tabel.needs_assistance if df is None else df
    if not len(df):
        return Html(f"<p>{esc(t('note.none', lang))}</p>")
    top = df.head(p.top_n)
    vocab = load_vocabulary()
    records = top.to_dict("records")
    shown = pd.DataFrame(
        {
            "#": [fmt_int(x, lang) for x in top["priority"]],
            t("col.partner_name", lang): top["partner_name"].fillna("").astype(str).tolist(),
            t("col.category", lang): [
                vocab.partner_categories.display(c, lang, short=True)
                for c in top["partner_category"]
            ],
            t("col.unit", lang): top["unit"].fillna("–").astype(str).tolist(),
            t("col.signed_on", lang): [fmt_date(d, lang) for d in top["signed_on"]],
            t("col.scope_rate", lang): [fmt_percent(x, lang) for x in top["scope_rate"]],
            t("col.last_activity_on", lang): [fmt_date(d, lang) for d in top["last_activity_on"]],
            t("col.reasons", lang): [short_reasons_text(r, lang, p.stale_months) for r in records],
            t("col.suggested_action", lang): [steps_text(r, lang, short=True) for r in records],
        }
    )
    parts = [table_html(shown, long=True, wide=(1, 7, 8), cut=(1, 3))]
    if len(df) > len(top):
        note = t("note.top_n", lang, shown=fmt_int(len(top), lang), total=fmt_int(len(df), lang))
        parts.append(f'<p class="catatan">{esc(note)}</p>')
    parts.append(f'<p class="catatan">{esc(t("note.assistance_full", lang))}</p>')
    return Html("".join(parts))


def luaran(L: Laporan) -> Html | None:
    """Outcome indicators of local governments (tables ``outcomes_total`` and
    ``outcomes_by_province``); None in a report of another category."""
    if L.params.category not in (None, LOCAL_GOVERNMENT):
        return None
    T, lang = L.tabel, L.lang
    parts = []
    if len(T.outcomes_total):
        r = T.outcomes_total.iloc[0]
        items = [
            (
                t("outcome.partners_with_perda", lang),
                f"{fmt_int(r['partners_with_perda'], lang)} / {fmt_int(r['partners'], lang)}",
            ),
            (t("outcome.training_budget", lang), fmt_rupiah(r["training_budget"], lang)),
            (t("outcome.ltsa_formed", lang), fmt_int(r["ltsa"], lang)),
            (t("outcome.satgas_formed", lang), fmt_int(r["satgas"], lang)),
        ]
        cols = [t("col.indicator", lang), t("col.total", lang)]
        parts.append(Html(table_html(pd.DataFrame(items, columns=cols))))
    prov = T.outcomes_by_province
    if len(prov):
        ordered = prov.sort_values(
            ["partners_with_perda", "training_budget", "partners"], ascending=False, kind="stable"
        )
        parts.append(Html(f"<h3>{esc(t('section.outcomes_by_province', lang))}</h3>"))
        parts.append(
            tabel(
                ordered,
                kolom=["province", "partners", "partners_with_perda", "training_budget"]
                + ["ltsa", "satgas"],
                panjang=True,
            )
        )
    return bagian("section.outcomes", *parts)


def perubahan(L: Laporan) -> Html:
    """What changed since the previous evaluation (tables ``changes_*``)."""
    T, lang = L.tabel, L.lang
    summ = T.get("changes_summary")
    if summ is None:
        return bagian("section.changes", Html(f"<p>{esc(t('note.no_previous', lang))}</p>"))
    parts = [
        Html(f"<p>{esc(t('note.compared_with', lang, date=fmt_date(L.previous_as_of, lang)))}</p>")
    ]
    rows = []
    for r in summ.itertuples():
        if r.unit == "fraction":
            vals = (
                fmt_percent(r.previous, lang),
                fmt_percent(r.current, lang),
                t("note.pp", lang, value=fmt_number_signed(r.change, lang)),
            )
        else:
            vals = (
                fmt_int(r.previous, lang),
                fmt_int(r.current, lang),
                fmt_number_signed(r.change, lang, digits=0),
            )
        name = t(f"metric.{r.metric}", lang) if has_key(f"metric.{r.metric}") else r.metric
        rows.append((name, *vals))
    cols = [t(f"col.{c}", lang) for c in ("indicator", "previous", "current", "change")]
    parts.append(Html(table_html(pd.DataFrame(rows, columns=cols))))
    counts = [
        (t(f"change.{key}", lang), fmt_int(len(T.get(f"changes_{key}", [])), lang))
        for key in (
            "new_agreements",
            "newly_done",
            "newly_ended",
            "assistance_added",
            "assistance_removed",
        )
    ]
    cols = [t("col.indicator", lang), t("col.count", lang)]
    parts.append(Html(table_html(pd.DataFrame(counts, columns=cols))))
    added = T.get("changes_assistance_added")
    if added is not None and len(added):
        from evaluation.presentation.wording import reasons_text

        shown = added.assign(
            reason_text=[
                reasons_text(r, lang, L.params.stale_months) for r in added.to_dict("records")
            ]
        )
        parts.append(Html(f"<h3>{esc(t('change.assistance_added', lang))}</h3>"))
        parts.append(
            tabel(
                shown,
                kolom=["partner_name", "partner_category", "reason_text"],
                jenis={"reason_text": "text"},
                panjang=True,
            )
        )
    return bagian("section.changes", *parts)


def metodologi(L: Laporan) -> Html:
    """The methodology, with this report's parameters (table ``report_parameters``)."""
    p = L.params
    term = int(L.tabel.report_parameters["default_term_years"].iloc[0])
    text = methodology_text(
        L.lang,
        as_of=p.as_of,
        since=p.since,
        grace_months=p.grace_months,
        stale_months=p.stale_months,
        expiry_months=p.expiry_months,
        default_term_years=term,
        low_rate=p.low_rate,
    )
    paras = "".join(f"<p>{esc(x.strip())}</p>" for x in text.split("\n\n") if x.strip())
    return bagian("section.methodology", Html(paras))


__all__ = [
    "daftar_asistensi",
    "luaran",
    "metodologi",
    "pengantar_asistensi",
    "perubahan",
]
