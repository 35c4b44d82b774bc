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
from evaluation.presentation.display import Html, bagian, daftar, esc, tabel, table_html
from evaluation.presentation.methodology import metodologi  # re-exported (notebook API)
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import (
    fmt_date,
    fmt_int,
    fmt_interval,
    fmt_percent,
    fmt_rupiah,
    has_key,
    t,
)
from evaluation.presentation.titles import _category_text
from evaluation.presentation.triage import daftar_asistensi, pengantar_asistensi
from evaluation.presentation.wording import fmt_number_signed
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


def _has(f: pd.Series, col: str) -> bool:
    return col in f.index and pd.notna(f[col])


def _group_sentences(f: pd.Series, all_categories: bool, lang: str, vocab) -> list[str]:
    """Lowest / highest category and scope, named only when the tables of record name them
    (their cluster-aware interval clears every other group of at least 5 agreements), else
    one sentence that no group differs clearly."""
    out = []
    kinds = (
        ("category", vocab.partner_categories, "agreements", all_categories),
        ("scope", vocab.scopes, "scope_items", True),
    )
    none_differs = {
        "category": "summary.no_clear_difference_category",
        "scope": "summary.no_clear_difference_scope",
    }
    for what, section, n_col, show in kinds:
        if not show:
            continue
        named = False
        for which in ("lowest", "highest"):
            col = f"{which}_{what}"
            if not _has(f, col):
                continue
            named = True
            out.append(
                t(
                    f"summary.{col}",
                    lang,
                    **{what: section.display(f[col], lang)},
                    rate=fmt_percent(f[f"{col}_scope_rate"], lang),
                    interval=fmt_interval(
                        f[f"{col}_scope_rate_cl_low"], f[f"{col}_scope_rate_cl_high"], lang
                    ),
                    n=fmt_int(f[f"{col}_{n_col}"], lang),
                )
            )
        compared = int(f[f"{what}_groups_compared"]) if _has(f, f"{what}_groups_compared") else 0
        if not named and compared >= 2:
            out.append(t(none_differs[what], lang, n=fmt_int(compared, lang)))
    return out


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
    items += _group_sentences(f, p.category is None, lang, vocab)
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


def _baseline(L: Laporan) -> tuple[str | None, object, object]:
    """(kind, date, months) of the changes' baseline (table ``report_parameters``)."""
    row = L.tabel.report_parameters.iloc[0]
    kind = row.get("baseline")
    if kind is None or pd.isna(kind):  # tables written before the baseline columns
        kind = "previous_report" if L.previous_as_of is not None else None
    on = row.get("baseline_as_of")
    on = L.previous_as_of if on is None or pd.isna(on) else on
    return (None if kind is None else str(kind)), on, row.get("baseline_months")


def perubahan(L: Laporan) -> Html:
    """What changed since the previous evaluation, or (without one) over the last 12 months
    of the same data (tables ``changes_*``; the baseline from ``report_parameters``)."""
    T, lang = L.tabel, L.lang
    summ = T.get("changes_summary")
    kind, on, months = _baseline(L)
    if summ is None or kind not in ("previous_report", "same_data_12m_earlier"):
        return bagian("section.changes", Html(f"<p>{esc(t('note.no_previous', lang))}</p>"))
    if kind == "same_data_12m_earlier":
        months = fmt_int(months, lang)
        heading = t("section.changes_baseline", lang, months=months)
        note = t("note.compared_same_data", lang, date=fmt_date(on, lang), months=months)
    else:
        heading = "section.changes"
        note = t("note.compared_with", lang, date=fmt_date(on, lang))
    parts = [Html(f"<p>{esc(note)}</p>")]
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
    return bagian(heading, *parts)


__all__ = [
    "daftar_asistensi",
    "luaran",
    "metodologi",
    "pengantar_asistensi",
    "perubahan",
    "ringkasan_eksekutif",
    "sampul",
]
