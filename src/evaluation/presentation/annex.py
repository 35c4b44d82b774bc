"""The partner annex: one compact scorecard row per agreement, grouped by category
(table ``partner_scorecards``)."""

from __future__ import annotations

import pandas as pd

from evaluation.presentation.display import Html, cut_cell, esc, table_html
from evaluation.presentation.interactive import (
    INTERACTIVE_MIN_ROWS,
    csv_bytes,
    interactive_html,
    sort_key,
    twin,
)
from evaluation.presentation.report import Laporan
from evaluation.presentation.text import fmt_date, fmt_int, fmt_percent, t
from evaluation.presentation.wording import reason_codes
from evaluation.vocab.loader import load_vocabulary

#: Largest number of agreements listed per category in the partner annex (PDF); the full
#: scorecards are always in ringkasan.xlsx. Keeps the annex printable at national scale.
ANNEX_MAX_ROWS = 1_000
#: Flag letters of the assistance reasons in the annex.
FLAGS = {"no_realisation": "R", "stale": "S", "expiring_low": "E"}


def sampul_lampiran(L: Laporan) -> Html:
    """The annex's cover: title, date of the data and the legend of the symbols."""
    lang = L.lang
    parts = ['<div class="cover">']
    if L.is_sample:
        parts.append(
            f'<p class="eval-sample-banner"><strong>{esc(t("report.sample_banner", lang))}</strong></p>'
        )
    parts.append(f"<h1>{esc(t('annex.title', lang))}</h1>")
    parts.append(f"<p>{esc(t('report.subtitle', lang))}</p>")
    as_of = fmt_date(L.params.as_of, lang)
    parts.append(f"<p><strong>{esc(t('report.data_as_of', lang, date=as_of))}</strong></p>")
    parts.append(f"<p>{esc(t('annex.legend', lang))}</p></div>")
    return Html("".join(parts))


def _short_date(d) -> str:
    return "–" if pd.isna(d) else pd.Timestamp(d).strftime("%d/%m/%Y")


def kartu_skor(L: Laporan, df: pd.DataFrame | None = None) -> Html:
    """The scorecards, one table per category: the status of each scope (✓ realised,
    ◐ in progress, ○ not yet), last activity and assistance flags."""
    vocab = load_vocabulary()
    lang = L.lang
    df = L.tabel.partner_scorecards if df is None else df
    symbols = {
        vocab.done_status: "✓",
        vocab.in_progress_status: "◐",
        vocab.not_started_status: "○",
    }
    out = []
    for cat in vocab.partner_categories.labels:
        full = df[df["partner_category"] == cat]
        if full.empty:
            continue
        sub = full.head(ANNEX_MAX_ROWS)
        scope_cols = [c for c in sub.columns if c.startswith("scope::") and sub[c].notna().any()]
        table = pd.DataFrame(
            {
                t("col.partner_and_number", lang): (
                    sub["partner_name"].fillna("").astype(str)
                    + "\n"
                    + sub["agreement_id"].astype(str)
                ),
                t("col.signed_on", lang): [_short_date(d) for d in sub["signed_on"]],
                **{
                    vocab.scopes.display(c.removeprefix("scope::"), lang, short=True): sub[c].map(
                        lambda s: symbols.get(s, "") if isinstance(s, str) else "·"
                    )
                    for c in scope_cols
                },
                t("col.scope_rate", lang): [fmt_percent(x, lang) for x in sub["scope_rate"]],
                t("col.last_activity_date", lang): [
                    _short_date(d) for d in sub["last_activity_on"]
                ],
                t("col.flags", lang): sub["reasons"].map(
                    lambda r: " ".join(FLAGS.get(x, x) for x in reason_codes(r))
                ),
            }
        )
        name = vocab.partner_categories.display(cat, lang)
        out.append(f"<h2>{esc(name)} ({fmt_int(len(full), lang)})</h2>")
        static = table_html(table, long=True, wide=(0,), cut=(0,))
        if len(full) > len(sub):
            note = t(
                "note.annex_cut",
                lang,
                shown=fmt_int(len(sub), lang),
                total=fmt_int(len(full), lang),
            )
            static += f'<p class="catatan">{esc(note)}</p>'
        if len(sub) > INTERACTIVE_MIN_ROWS:
            # The twin shows the rows printed; the download is this category's rows of the
            # table of record (all columns, raw values).
            cells = table.copy()
            cells.iloc[:, 0] = [cut_cell(v) for v in cells.iloc[:, 0]]
            n_scopes = len(scope_cols)
            sort_by = {
                1: sort_key(sub["signed_on"], "date"),
                2 + n_scopes: sort_key(sub["scope_rate"], "percent"),
                3 + n_scopes: sort_key(sub["last_activity_on"], "date"),
            }
            slug = "partner_scorecards_" + "".join(
                ch if ch.isalnum() else "_" for ch in cat.lower()
            )
            static = twin(
                static,
                interactive_html(
                    cells, sort_by=sort_by, wide=(0,), name=slug, csv=csv_bytes(full), lang=lang
                ),
            )
        out.append(static)
    return Html("".join(out))


__all__ = ["ANNEX_MAX_ROWS", "kartu_skor", "sampul_lampiran"]
