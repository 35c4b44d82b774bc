"""The cover with its key-figure panel, and the executive summary that leads with findings.

:func:`sampul` prints the title and a panel of key figures (agreements by partner category,
active agreements, the follow-up rate with its 95% interval and n, the agreements per triage
tier, the evaluation date, the sample mark). :func:`ringkasan_eksekutif` lists the findings
and the decisions asked of the meeting (table ``findings``, worded here from each row's
``code`` and ``fields`` with the ``finding.<code>`` / ``decision.<code>`` messages), then the
headline counts. Every number comes from the tables of record (``L.tabel``).

How a field is formatted follows from its name (so that a new rule in
:mod:`evaluation.analysis.findings` needs only its messages): see :func:`field_texts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from evaluation.analysis.findings import fields_of
from evaluation.presentation.display import Html, bagian, daftar, esc
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import (
    fmt_date,
    fmt_int,
    fmt_interval,
    fmt_number,
    fmt_percent,
    t,
)
from evaluation.presentation.titles import _category_text
from evaluation.vocab.loader import load_vocabulary

#: Message appended to a finding's sentence when a field is non-zero (code -> (field, key)).
EXTRA_SENTENCES = {
    "category_no_clear_difference": ("small_groups", "finding.category_small"),
    "scope_no_clear_difference": ("small_groups", "finding.scope_small"),
}
#: Fields that other fields are formatted with (not placeholders by themselves).
_HELPERS = {"other_units", "other_n"}


def _is_fraction_field(name: str) -> bool:
    return name.endswith(("rate", "low", "high"))


def _units_text(units: list, other_units: int, other_n: int, lang: str) -> str:
    def name(u: object) -> str:
        return t("finding.unit_missing", lang) if u is None else str(u)

    parts = [t("finding.unit_count", lang, unit=name(u), n=fmt_int(n, lang)) for u, n in units]
    text = ", ".join(parts)
    if other_units:
        more = t(
            "finding.units_more", lang, units=fmt_int(other_units, lang), n=fmt_int(other_n, lang)
        )
        text = f"{text}, {more}" if text else more
    return text


def field_texts(fields: Mapping[str, Any], lang: str) -> dict[str, str]:
    """The placeholders of a finding's sentence, formatted from its ``fields`` by name.

    - ``category`` / ``scope``: vocabulary label shown in ``lang``; ``unit``: the unit's
      name (missing -> "unit not recorded"); ``units``: list of ``[unit, count]`` as
      "U (n), …" with ``other_units`` / ``other_n`` as "and k other units (m)";
    - ``clustered`` (bool) -> ``method``: how the intervals were computed;
    - names ending in ``rate``, ``low`` or ``high``: fractions as percentages (``low_rate``,
      a parameter, without decimals); each ``<p>low`` with a ``<p>high`` also gives
      ``<p>interval``;
    - other whole numbers: counts; other numbers: one decimal.
    """
    vocab = load_vocabulary()
    out: dict[str, str] = {}
    for k, v in fields.items():
        if k in _HELPERS:
            continue
        if k == "units":
            out[k] = _units_text(
                v or [], int(fields.get("other_units") or 0), int(fields.get("other_n") or 0), lang
            )
        elif k == "category":
            out[k] = vocab.partner_categories.display(v, lang)
        elif k == "scope":
            out[k] = vocab.scopes.display(v, lang)
        elif k == "unit":
            out[k] = t("finding.unit_missing", lang) if v is None else str(v)
        elif k == "clustered":
            out["method"] = t("finding.method_cluster" if v else "finding.method_wilson", lang)
        elif isinstance(v, bool) or v is None:
            out[k] = "–" if v is None else str(v)
        elif isinstance(v, int | float) and _is_fraction_field(k):
            out[k] = fmt_percent(v, lang, digits=0 if k == "low_rate" else 1)
        elif isinstance(v, int):
            out[k] = fmt_int(v, lang)
        elif isinstance(v, float):
            out[k] = fmt_number(v, lang)
        else:
            out[k] = str(v)
    for k in fields:
        if k.endswith("low") and f"{k[:-3]}high" in fields:
            out[f"{k[:-3]}interval"] = fmt_interval(fields[k], fields[f"{k[:-3]}high"], lang)
    return out


def finding_text(kind: str, code: str, fields: Mapping[str, Any], lang: str) -> str:
    """The sentence of one ``findings`` row."""
    texts = field_texts(fields, lang)
    if kind == "decision":
        text = t(f"decision.{code}", lang, **texts)
    else:
        text = t(f"finding.{code}", lang, **texts)
    extra = EXTRA_SENTENCES.get(code)
    if extra and fields.get(extra[0]):
        text = f"{text} {t(extra[1], lang, **texts)}"
    return text


def findings_texts(df: pd.DataFrame | None, kind: str, lang: str) -> list[str]:
    """Sentences of the rows of ``kind`` of a ``findings`` table, by rank."""
    if df is None or not len(df):
        return []
    rows = df[df["kind"] == kind].sort_values("rank", kind="stable")
    return [finding_text(kind, str(r["code"]), fields_of(r), lang) for _, r in rows.iterrows()]


# ------------------------------------------------------------------------------ the cover
def _tile(label: str, value: str, detail: str = "", cls: str = "") -> str:
    extra = f" {cls}" if cls else ""
    d = f'<span class="kf-detail">{detail}</span>' if detail else ""
    return (
        f'<div class="kf-tile{extra}"><span class="kf-label">{esc(label)}</span>'
        f'<span class="kf-value">{esc(value)}</span>{d}</div>'
    )


def panel_angka(L: Laporan) -> Html:
    """The cover's key figures (tables ``headline_counts``, ``summary_facts``,
    ``rates_overall``, ``needs_assistance``)."""
    T, lang, p = L.tabel, L.lang, L.params
    vocab = load_vocabulary()
    f = T.summary_facts.iloc[0]
    head = T.headline_counts
    head = head[~head["is_total"].astype(bool) & (head["agreements"] > 0)]
    cats = "".join(
        f"<li><span>{esc(vocab.partner_categories.display(c, lang))}</span>"
        f"<span>{esc(fmt_int(n, lang))}</span></li>"
        for c, n in zip(head["category"], head["agreements"], strict=True)
    )
    tiles = [
        _tile(
            t("cover.agreements", lang),
            fmt_int(f["total_agreements"], lang),
            f'<ul class="kf-list">{cats}</ul>' if cats else "",
            "kf-wide",
        ),
        _tile(
            t("cover.active", lang),
            fmt_int(f["active"], lang),
            esc(t("cover.active_detail", lang, ended=fmt_int(f["ended"], lang))),
        ),
    ]
    o = T.rates_overall.iloc[0]
    interval = fmt_interval(o["followup_rate_low"], o["followup_rate_high"], lang)
    detail = esc(
        t(
            "cover.followup_detail",
            lang,
            interval="\x00",
            done=fmt_int(o["agreements_followed_up"], lang),
            n=fmt_int(o["agreements"], lang),
        )
    )  # the interval is kept on one line
    detail = detail.replace("\x00", f'<span class="kf-nowrap">{esc(interval)}</span>')
    tiles.append(_tile(t("cover.followup", lang), fmt_percent(o["followup_rate"], lang), detail))
    na = T.needs_assistance
    counts = na["tier"].value_counts() if "tier" in na.columns else pd.Series(dtype="int64")
    tiers = "".join(
        f'<li><span class="kf-tier kf-tier-{k}">{esc(t(key, lang))}</span>'
        f"<span>{esc(fmt_int(int(counts.get(k, 0)), lang))}</span></li>"
        for k, key in ((1, "cover.tier_1"), (2, "cover.tier_2"), (3, "cover.tier_3"))
    )
    tiles.append(
        _tile(
            t("cover.tiers", lang),
            fmt_int(f["needs_assistance"], lang),
            f'<ul class="kf-list">{tiers}</ul>',
            "kf-wide",
        )
    )
    foot = esc(t("cover.as_of", lang, date=fmt_date(p.as_of, lang)))
    if L.is_sample:
        foot += f' · <strong class="kf-sample">{esc(t("report.sample_short", lang))}</strong>'
    return Html(
        f'<section class="kf-panel" aria-label="{esc(t("cover.panel_title", lang))}">'
        f'<p class="kf-title">{esc(t("cover.panel_title", lang))}</p>'
        f'<div class="kf-grid">{"".join(tiles)}</div>'
        f'<p class="kf-foot">{foot}</p></section>'
    )


def sampul(L: Laporan) -> Html:
    """The cover: title, category, date of the data, the period covered and the key figures."""
    rp, lang = L.params, L.lang
    parts = ['<div class="cover has-panel">']
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
    parts.append(f"<p>{esc(period)}</p>")
    parts.append(panel_angka(L).fragment)
    parts.append("</div>")
    return Html("".join(parts))


# ------------------------------------------------------------------------------ the summary
def _numbered(items: list[str], cls: str) -> Html:
    body = "".join(f"<li>{esc(s)}</li>" for s in items)
    return Html(f'<ol class="{cls}">{body}</ol>')


def _counts(L: Laporan) -> list[str]:
    """The headline counts that follow the findings (``summary_facts``, ``headline_counts``)."""
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
                t(
                    "summary.category_count",
                    lang,
                    n=fmt_int(n, lang),
                    category=name.lower() if lang == "id" else name,
                )
            )
    if cats:
        items.append(t("summary.by_category_list", lang, items="; ".join(cats)))
    items.append(t("summary.active", lang, n=fmt_int(f["active"], lang), as_of=as_of))
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
    items.append(
        t("summary.ending_soon", lang, n=fmt_int(f["ending_soon"], lang), months=p.expiry_months)
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
    return items


def ringkasan_eksekutif(L: Laporan) -> Html:
    """The executive summary: the findings (table ``findings``), the decisions asked of the
    meeting, then the headline counts."""
    T, lang = L.tabel, L.lang
    df = T.get("findings")
    parts: list[object] = []
    found = findings_texts(df, "finding", lang)
    if found:
        parts.append(Html(f"<h3>{esc(t('summary.findings', lang))}</h3>"))
        parts.append(_numbered(found, "eval-findings"))
    decide = findings_texts(df, "decision", lang)
    if decide:
        parts.append(Html(f"<h3>{esc(t('summary.decisions', lang))}</h3>"))
        parts.append(_numbered(decide, "eval-decisions"))
    parts.append(Html(f"<h3>{esc(t('summary.figures', lang))}</h3>"))
    parts.append(daftar(_counts(L)))
    return bagian("section.summary", *parts)


__all__ = [
    "EXTRA_SENTENCES",
    "field_texts",
    "finding_text",
    "findings_texts",
    "panel_angka",
    "ringkasan_eksekutif",
    "sampul",
]
