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
from evaluation.presentation.methodology import metodologi  # re-exported (notebook API)
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import (
    fmt_date,
    fmt_int,
    fmt_percent,
    fmt_rupiah,
    has_key,
    t,
)
from evaluation.presentation.triage import daftar_asistensi, pengantar_asistensi
from evaluation.presentation.wording import fmt_number_signed


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
]
