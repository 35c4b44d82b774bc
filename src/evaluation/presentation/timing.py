"""Sentences of the trend and time-to-follow-up sections, worded from their tables of record.

* :func:`catatan_kohort` - which cohorts the 6- and 12-month chart leaves out (too young) or
  shows only in part (``cohort_followup``);
* :func:`kelompok_kecil` - which groups the Kaplan-Meier chart does not draw
  (``time_to_first_followup``, ``drawn`` False);
* :func:`fakta_setelah` - "of the n agreements without follow-up after N months, k were
  followed up later" and what it means (``time_to_first_followup_after``).

Each returns None when its table is missing or there is nothing to say.
"""

from __future__ import annotations

import pandas as pd

from evaluation.presentation.display import Html, esc
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import (
    fmt_int,
    fmt_interval,
    fmt_number,
    fmt_percent,
    formatter,
    t,
)

#: Upper 95% bound below which "followed up later" is worded "almost never".
RARELY_BELOW = 0.15
HORIZONS = (6, 12)


def _p(text: str, cls: str = "catatan") -> Html:
    return Html(f'<p class="{cls}">{esc(text)}</p>')


def catatan_kohort(L: Laporan) -> Html | None:
    """The cohorts too young to be observed at 6 / 12 months, and those only partly observed."""
    df = L.tabel.get("cohort_followup")
    if df is None or not len(df):
        return None
    lang = L.lang
    young, partly = [], []
    for h in HORIZONS:
        obs = df[f"observable_{h}m"]
        for _, r in df[(obs == 0) & (df["agreements"] > 0)].iterrows():
            young.append(
                t(
                    "note.cohort_young_item",
                    lang,
                    cohort=int(r["cohort"]),
                    months=h,
                    n=fmt_int(r["agreements"], lang),
                    age=fmt_number(r["age_median_months"], lang, 1),
                )
            )
        for _, r in df[(obs > 0) & (obs < df["agreements"])].iterrows():
            partly.append(
                t(
                    "note.cohort_partly_item",
                    lang,
                    cohort=int(r["cohort"]),
                    months=h,
                    k=fmt_int(r[f"observable_{h}m"], lang),
                    n=fmt_int(r["agreements"], lang),
                )
            )
    parts = []
    if young:
        parts.append(t("note.cohort_young", lang, cohorts="; ".join(young)))
    if partly:
        parts.append(t("note.cohort_partly", lang, cohorts="; ".join(partly)))
    return _p(" ".join(parts)) if parts else None


def kelompok_kecil(L: Laporan) -> Html | None:
    """The groups listed in the Kaplan-Meier table but not drawn as curves (too small)."""
    from evaluation.analysis.survival import MIN_CURVE_N

    df = L.tabel.get("time_to_first_followup")
    if df is None or "drawn" not in df:
        return None
    small = df[~df["drawn"].fillna(True).astype(bool) & ~df["is_total"].astype(bool)]
    if not len(small):
        return None
    label = formatter("category", L.lang)
    groups = ", ".join(
        f"{label(g) if pd.notna(g) else '–'} ({fmt_int(n, L.lang)})"
        for g, n in zip(small["group"], small["n"], strict=True)
    )
    return _p(t("note.km_small", L.lang, min=MIN_CURVE_N, groups=groups))


def fakta_setelah(L: Laporan, bulan: int = 12) -> Html | None:
    """What happens to agreements still without follow-up ``bulan`` months after signing."""
    df = L.tabel.get("time_to_first_followup_after")
    if df is None or not len(df):
        return None
    rows = df[df["after_months"] == bulan]
    if not len(rows) or int(rows["without_followup"].iloc[0]) == 0:
        return None
    r = rows.iloc[0]
    lang = L.lang
    text = t(
        "note.after",
        lang,
        n=fmt_int(r["without_followup"], lang),
        months=bulan,
        observed=fmt_number(r["median_months_observed_after"], lang, 1),
        k=fmt_int(r["followed_up_later"], lang),
        share=fmt_percent(r["share_followed_up_later"], lang),
        ci=fmt_interval(r["share_followed_up_later_low"], r["share_followed_up_later_high"], lang),
    )
    key = (
        "note.after_rarely"
        if r["share_followed_up_later_high"] < RARELY_BELOW
        else "note.after_some"
    )
    return Html(f"<p><strong>{esc(text)} {esc(t(key, lang, months=bulan))}</strong></p>")


__all__ = ["catatan_kohort", "fakta_setelah", "kelompok_kecil"]
