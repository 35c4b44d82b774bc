"""Section blocks whose text is generated from the tables of record.

Most report cells are a :func:`~evaluation.presentation.display.tabel` and a chart from
:mod:`~evaluation.presentation.grafik`; the blocks here are the ones with sentences built
from numbers (the cover, the executive summary, the assistance list with its worded
reasons, the outcomes, the changes, the methodology). Each takes the loaded report
(:func:`~evaluation.presentation.report.muat_laporan`) and returns a displayable; every
number comes from ``L.tabel``. The data-quality appendix is
:func:`evaluation.presentation.data_quality.kualitas_data`, the partner annex
:mod:`evaluation.presentation.annex`.
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.outcomes import LOCAL_GOVERNMENT
from evaluation.presentation.display import Html, bagian, cut_cell, daftar, esc, tabel, table_html
from evaluation.presentation.interactive import (
    INTERACTIVE_MIN_ROWS,
    csv_bytes,
    interactive_html,
    record_of,
    sort_key,
    twin,
)
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import (
    fmt_date,
    fmt_int,
    fmt_interval,
    fmt_percent,
    fmt_rupiah,
    has_key,
    methodology_text,
    t,
)
from evaluation.presentation.titles import _category_text
from evaluation.presentation.wording import fmt_number_signed, short_reasons_text, steps_text
from evaluation.vocab.loader import load_vocabulary


def sampul(L: Laporan) -> Html:
    """The cover: title, category, date of the data and the period covered."""
    rp, lang = L.params, L.lang
    parts = ['<div class="cover">']
    if L.is_sample:
        parts.append(
            f'<p class="eval-sample-banner"><strong>{esc(t("report.sample_banner", lang))}</strong>'
            f"<br>{esc(t('report.sample_explained', lang))}</p>"
        )
    parts.append(f"<h1>{esc(t('report.title', lang))}</h1>")
    if rp.category:
        parts.append(f"<h2>{esc(_category_text(rp))}</h2>")
    parts.append(f"<p>{esc(t('report.subtitle', lang))}</p>")
    parts.append(
        f"<p><strong>{esc(t('report.data_as_of', lang, date=fmt_date(rp.as_of, lang)))}</strong></p>"
    )
    period = t(
        "report.period", lang, since=fmt_date(rp.since, lang), as_of=fmt_date(rp.as_of, lang)
    )
    parts.append(f"<p>{esc(period)}</p></div>")
    return Html("".join(parts))


def ringkasan_eksekutif(L: Laporan) -> Html:
    """The executive summary: one sentence per headline figure (table ``summary_facts``;
    per-category counts from ``headline_counts``; groups from the rate tables)."""
    T, lang, p = L.tabel, L.lang, L.params
    f = T.summary_facts.iloc[0]
    vocab = load_vocabulary()
    as_of = fmt_date(p.as_of, lang)
    items = [
        t(
            "summary.agreements_total",
            lang,
            as_of=as_of,
            n=fmt_int(f["total_agreements"], lang),
            since=fmt_date(p.since, lang),
            partners=fmt_int(f["partners"], lang),
        )
    ]
    head = T.headline_counts
    head = head[~head["is_total"].astype(bool)]
    cats = []
    for c, n in zip(head["category"], head["agreements"], strict=True):
        if n:
            name = vocab.partner_categories.display(c, lang)
            cats.append(
                t("summary.category_count", lang, n=fmt_int(n, lang), category=name.lower())
                if lang == "id"
                else t("summary.category_count", lang, n=fmt_int(n, lang), category=name)
            )
    if cats:
        items.append(t("summary.by_category_list", lang, items="; ".join(cats)))
    items.append(t("summary.active", lang, n=fmt_int(f["active"], lang), as_of=as_of))
    items.append(
        t(
            "summary.followup_rate",
            lang,
            done=fmt_int(f["agreements_followed_up"], lang),
            n=fmt_int(f["total_agreements"], lang),
            rate=fmt_percent(f["followup_rate"], lang),
        )
    )
    items.append(
        t(
            "summary.scope_rate",
            lang,
            items=fmt_int(f["scope_items"], lang),
            done=fmt_int(f["scope_items_done"], lang),
            rate=fmt_percent(f["scope_rate"], lang),
            in_progress=fmt_int(f["scope_items_in_progress"], lang),
        )
    )
    from evaluation.analysis.tables import MIN_GROUP_N

    qualifying = int((T.rates_by_category["agreements"] >= MIN_GROUP_N).sum())
    if pd.notna(f["lowest_category"]) and p.category is None and qualifying >= 2:
        items.append(
            t(
                "summary.lowest_category",
                lang,
                category=vocab.partner_categories.display(f["lowest_category"], lang),
                rate=fmt_percent(f["lowest_category_scope_rate"], lang),
                interval=fmt_interval(
                    f["lowest_category_scope_rate_low"], f["lowest_category_scope_rate_high"], lang
                ),
                n=fmt_int(f["lowest_category_agreements"], lang),
            )
        )
    qualifying = int((T.rates_by_scope["scope_items"] >= MIN_GROUP_N).sum())
    if pd.notna(f["lowest_scope"]) and qualifying >= 2:
        items.append(
            t(
                "summary.lowest_scope",
                lang,
                scope=vocab.scopes.display(f["lowest_scope"], lang),
                rate=fmt_percent(f["lowest_scope_scope_rate"], lang),
                n=fmt_int(f["lowest_scope_scope_items"], lang),
            )
        )
    items.append(t("summary.needs_attention", lang, n=fmt_int(f["needs_assistance"], lang)))
    if f["needs_assistance"]:
        items.append(
            t(
                "summary.reasons",
                lang,
                no_realisation=fmt_int(f["assistance_no_realisation"], lang),
                stale=fmt_int(f["assistance_stale"], lang),
                expiring_low=fmt_int(f["assistance_expiring_low"], lang),
                grace=p.grace_months,
                stale_months=p.stale_months,
                expiry=p.expiry_months,
            )
        )
    items.append(
        t(
            "summary.ending_soon",
            lang,
            n=fmt_int(f["ending_soon"], lang),
            months=p.expiry_months,
        )
    )
    items.append(
        t("summary.ended_without_followup", lang, n=fmt_int(f["ended_without_followup"], lang))
    )
    if "changes_summary" in T and L.previous_as_of is not None:
        items.append(
            t(
                "summary.changes",
                lang,
                date=fmt_date(L.previous_as_of, lang),
                new=fmt_int(len(T.changes_new_agreements), lang),
                done=fmt_int(len(T.changes_newly_done), lang),
            )
        )
    return bagian("section.summary", daftar(items))


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
    records = df.to_dict("records")
    shown = pd.DataFrame(
        {
            "#": [fmt_int(x, lang) for x in df["priority"]],
            t("col.partner_name", lang): df["partner_name"].fillna("").astype(str).tolist(),
            t("col.category", lang): [
                vocab.partner_categories.display(c, lang, short=True)
                for c in df["partner_category"]
            ],
            t("col.unit", lang): df["unit"].fillna("–").astype(str).tolist(),
            t("col.signed_on", lang): [fmt_date(d, lang) for d in df["signed_on"]],
            t("col.scope_rate", lang): [fmt_percent(x, lang) for x in df["scope_rate"]],
            t("col.last_activity_on", lang): [fmt_date(d, lang) for d in df["last_activity_on"]],
            t("col.reasons", lang): [short_reasons_text(r, lang, p.stale_months) for r in records],
            t("col.suggested_action", lang): [steps_text(r, lang, short=True) for r in records],
        }
    )
    parts = [table_html(shown.head(len(top)), long=True, wide=(1, 7, 8), cut=(1, 3))]
    if len(df) > len(top):
        note = t("note.top_n", lang, shown=fmt_int(len(top), lang), total=fmt_int(len(df), lang))
        parts.append(f'<p class="catatan">{esc(note)}</p>')
    static = "".join(parts)
    if len(df) > INTERACTIVE_MIN_ROWS:
        sort_by = {0: sort_key(df["priority"], "int"), 4: sort_key(df["signed_on"], "date")}
        sort_by |= {5: sort_key(df["scope_rate"], "percent")}
        sort_by |= {6: sort_key(df["last_activity_on"], "date")}
        name, csv = record_of(df)
        cells = shown.copy()
        for j in (1, 3):
            cells.iloc[:, j] = [cut_cell(v) for v in cells.iloc[:, j]]
        static = twin(
            static,
            interactive_html(
                cells,
                sort_by=sort_by,
                wide=(1, 7, 8),
                name=name or "needs_assistance",
                csv=csv if csv is not None else csv_bytes(df),
                lang=lang,
            ),
        )
    return Html(static + f'<p class="catatan">{esc(t("note.assistance_full", lang))}</p>')


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
    "ringkasan_eksekutif",
    "sampul",
]
