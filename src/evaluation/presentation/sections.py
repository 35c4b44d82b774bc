"""What the report shows: the tables of record and the notebook's sections.

:func:`compute_tables` turns the processed tables and the parameters into every report table
(written as CSV and into ``ringkasan.xlsx``). :class:`ReportView` is what the notebooks call,
one method per report section; each method displays a heading, a sentence or two generated
from the numbers, a table and a chart. All text comes from ``translations.toml``.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pandas as pd

from evaluation import config
from evaluation.analysis import metrics
from evaluation.ingest import load_processed, read_manifest
from evaluation.params import ReportParams, check_params
from evaluation.presentation import charts
from evaluation.presentation.text import (
    fmt_date,
    fmt_int,
    fmt_interval,
    fmt_number,
    fmt_percent,
    fmt_rupiah,
    format_table,
    has_key,
    methodology_text,
    t,
)
from evaluation.vocab.loader import load_vocabulary

_RATE_KINDS = {
    "agreements": "int",
    "agreements_followed_up": "int",
    "followup_rate": "percent",
    "followup_rate_ci": "text",
    "scope_items": "int",
    "scope_items_done": "int",
    "scope_items_in_progress": "int",
    "scope_rate": "percent",
    "scope_rate_ci": "text",
}
#: Largest number of agreements listed per category in the partner annex (PDF); the full
#: scorecards are always in ringkasan.xlsx. Keeps the annex printable at national scale.
ANNEX_MAX_ROWS = 1_000

_INTERVALS = {
    "followup_rate_ci": ("followup_rate_low", "followup_rate_high"),
    "scope_rate_ci": ("scope_rate_low", "scope_rate_high"),
}


# ----------------------------------------------------------------------------- parameters
def metric_params(rp: ReportParams) -> metrics.Params:
    """The metrics' parameters for report parameters (``as_of`` must be resolved)."""
    if rp.as_of is None:
        raise ValueError("as_of must be resolved before computing metrics")
    return metrics.Params(
        as_of=rp.as_of,
        since=rp.since,
        grace_months=rp.grace_months,
        stale_months=rp.stale_months,
        expiry_months=rp.expiry_months,
        low_rate=rp.low_rate,
        category=rp.category,
    ).validate()


def resolve_as_of(rp: ReportParams, is_sample: bool) -> ReportParams:
    """``as_of`` None -> the sample's meeting date (2024-03-14) or today."""
    if rp.as_of is not None:
        return rp
    return replace(rp, as_of=config.SAMPLE_AS_OF if is_sample else date.today())


def _category_text(rp: ReportParams) -> str:
    if rp.category is None:
        return ""
    return load_vocabulary().partner_categories.display(rp.category, rp.lang)


def title_text(rp: ReportParams, is_sample: bool) -> str:
    """Document title, e.g. ``Laporan Evaluasi … — Pemerintah Daerah — 14 Maret 2024``."""
    parts = [t("report.title", rp.lang)]
    if rp.category:
        parts.append(_category_text(rp))
    if rp.as_of:
        parts.append(fmt_date(rp.as_of, rp.lang))
    title = " — ".join(parts)
    return f"[{t('report.sample_short', rp.lang)}] {title}" if is_sample else title


def annex_title_text(rp: ReportParams, is_sample: bool) -> str:
    title = f"{t('annex.title', rp.lang)} — {fmt_date(rp.as_of, rp.lang)}"
    return f"[{t('report.sample_short', rp.lang)}] {title}" if is_sample else title


def footer_text(rp: ReportParams, is_sample: bool) -> str:
    """Footer printed on every PDF page."""
    base = f"{t('report.agency_short', rp.lang)} · {t('report.data_as_of', rp.lang, date=fmt_date(rp.as_of, rp.lang))}"
    return f"{t('report.sample_banner', rp.lang)} · {base}" if is_sample else base


# ----------------------------------------------------------------------------- tables
def _previous_as_of(previous_dir: Path) -> date | None:
    run = previous_dir.parent / "run.json"
    try:
        return date.fromisoformat(
            json.loads(run.read_text(encoding="utf-8"))["parameters"]["as_of"]
        )
    except (OSError, KeyError, ValueError, TypeError):
        pass
    try:
        return date.fromisoformat(previous_dir.parent.name)
    except ValueError:
        return None


def _join_reasons(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    if "reasons" in out.columns:
        out["reasons"] = out["reasons"].map(
            lambda r: ";".join(r) if isinstance(r, list | tuple) else r
        )
    return out


def scorecards(tbl, mp: metrics.Params) -> pd.DataFrame:
    """One row per agreement: its figures, the status of each scope (one column per scope,
    vocabulary order) and its assistance reasons."""
    summary = metrics.agreement_summary(tbl, mp)
    items = metrics.scope_item_status(tbl, mp)
    wide = items.pivot_table(
        index="agreement_id", columns="scope", values="status", aggfunc="first"
    )
    scopes = [s for s in load_vocabulary().scopes.labels if s in wide.columns]
    wide = wide.reindex(columns=scopes)
    wide.columns = [f"scope::{s}" for s in scopes]
    assist = metrics.needs_assistance(tbl, mp)[["agreement_id", "reasons"]]
    out = summary.merge(wide, left_on="agreement_id", right_index=True, how="left")
    out = out.merge(assist, on="agreement_id", how="left")
    out["reasons"] = out["reasons"].map(
        lambda r: ";".join(r) if isinstance(r, list | tuple) else ""
    )
    return out.sort_values(
        ["partner_category", "partner_name", "agreement_id"], kind="stable"
    ).reset_index(drop=True)


def compute_tables(
    data: dict,
    rp: ReportParams,
    previous_dir: Path | None = None,
    prepared: metrics.Prepared | None = None,
) -> dict[str, pd.DataFrame]:
    """Every report table, keyed by CSV name (DOMAIN.md names for the three rate tables).

    Parameters
    ----------
    data
        :func:`evaluation.ingest.pipeline.load_processed` output.
    rp
        Report parameters with ``as_of`` resolved.
    previous_dir
        Snapshot (``<report>/data``) of an earlier evaluation to compare with.
    prepared
        ``data`` already evaluated for these parameters (:func:`evaluation.analysis.metrics.prepare`);
        evaluated here when not given.

    Raises
    ------
    ParameterError
        If the parameters are inconsistent.
    """
    mp = metric_params(rp)
    tbl = prepared  # evaluated once, reused by every table below
    if tbl is None:
        raw = metrics.Tables(data["agreements"], data["scope_items"], data["activities"])
        tbl = metrics.prepare(raw, mp)
    out: dict[str, pd.DataFrame] = {
        "rates_by_category": metrics.rates_by_category(tbl, mp),
        "rates_by_scope": metrics.rates_by_scope(tbl, mp),
        "rates_by_category_scope": metrics.rates_by_category_scope(tbl, mp),
        "rates_overall": metrics.overall_rates(tbl, mp),
        "headline_counts": metrics.headline_counts(tbl, mp),
        "status_shares": metrics.status_shares(tbl, mp, by="category"),
        "rates_by_year": metrics.rates_by_signing_year(tbl, mp),
        "needs_assistance": _join_reasons(metrics.needs_assistance(tbl, mp)),
        "ending_soon": metrics.ending_soon(tbl, mp),
        "ended_without_followup": metrics.ended_without_followup(tbl, mp),
    }
    timing = metrics.time_to_first_followup(tbl, mp)
    out["time_to_first_followup"] = timing.summary
    out["time_to_first_followup_curve"] = timing.curve
    outcomes = metrics.outcome_indicators(tbl, mp)
    out["outcomes_by_province"] = outcomes["by_province"]
    out["outcomes_total"] = outcomes["total"]
    out["outcomes_by_partner"] = outcomes["by_partner"]
    out["partner_scorecards"] = scorecards(tbl, mp)
    if previous_dir is not None:
        prev_as_of = _previous_as_of(Path(previous_dir))
        if prev_as_of is not None and prev_as_of < rp.as_of:
            prev = load_processed(Path(previous_dir))
            ptbl = metrics.Tables(prev["agreements"], prev["scope_items"], prev["activities"])
            pmp = replace(mp, as_of=prev_as_of)
            changes = metrics.compare_snapshots(ptbl, tbl, pmp, mp)
            for key, df in changes.items():
                out[f"changes_{key}"] = _join_reasons(df)
    dq = data.get("data_quality")
    if dq is not None:
        out["data_quality"] = dq.copy()
    summ = data.get("ingest_summary")
    if summ is not None and len(summ):
        out["data_quality_summary"] = summ.copy()
    return out


def summary_sheets(
    tables: dict[str, pd.DataFrame], rp: ReportParams
) -> list[tuple[str, pd.DataFrame, dict]]:
    """Sheets of ``ringkasan.xlsx``: (name, table, column kinds)."""
    lang = rp.lang
    rate_kinds = {k: v for k, v in _RATE_KINDS.items() if not k.endswith("_ci")}
    rate_kinds.update(
        {
            "scope_rate_low": "percent",
            "scope_rate_high": "percent",
            "followup_rate_low": "percent",
            "followup_rate_high": "percent",
        }
    )
    sheets = []

    def add(key: str, name_key: str, kinds: dict) -> None:
        df = tables.get(key)
        if df is None:
            return
        cols = {c: k for c, k in kinds.items() if c in df.columns}
        rest = {c: None for c in df.columns if c not in cols}
        sheets.append((t(name_key, lang), df[list(cols) + list(rest)], cols))

    add("headline_counts", "sheet.headline", {"category": "category"})
    add("rates_by_category", "sheet.by_category", {"category": "category", **rate_kinds})
    add("rates_overall", "sheet.overall", {"category": "text", **rate_kinds})
    add("rates_by_scope", "sheet.by_scope", {"scope": "scope", **rate_kinds})
    add(
        "rates_by_category_scope",
        "sheet.by_category_scope",
        {"category": "category", "scope": "scope", **rate_kinds},
    )
    add("rates_by_year", "sheet.by_year", {"year": "int", **rate_kinds})
    add(
        "needs_assistance",
        "sheet.assistance",
        {
            "agreement_id": "text",
            "partner_name": "text",
            "partner_category": "category",
            "province": "text",
            "unit": "text",
            "signed_on": "date",
            "ends_on": "date",
            "scope_rate": "percent",
            "last_activity_on": "date",
        },
    )
    add(
        "ending_soon",
        "sheet.ending_soon",
        {
            "agreement_id": "text",
            "partner_name": "text",
            "partner_category": "category",
            "signed_on": "date",
            "ends_on": "date",
            "scope_rate": "percent",
        },
    )
    add(
        "ended_without_followup",
        "sheet.ended",
        {
            "agreement_id": "text",
            "partner_name": "text",
            "partner_category": "category",
            "signed_on": "date",
            "ends_on": "date",
        },
    )
    add(
        "time_to_first_followup",
        "sheet.timing",
        {"share_followed_within_12m": "percent", "share_followed_within_24m": "percent"},
    )
    add("status_shares", "sheet.status", {"share": "percent"})
    add("outcomes_total", "sheet.outcomes_total", {"training_budget": "rupiah"})
    add("outcomes_by_province", "sheet.outcomes", {"training_budget": "rupiah"})
    add("outcomes_by_partner", "sheet.outcomes_partner", {"training_budget": "rupiah"})
    add(
        "partner_scorecards",
        "sheet.scorecards",
        {
            "agreement_id": "text",
            "partner_name": "text",
            "partner_category": "category",
            "signed_on": "date",
            "ends_on": "date",
            "scope_rate": "percent",
            "first_done_on": "date",
            "last_activity_on": "date",
        },
    )
    for key in sorted(k for k in tables if k.startswith("changes_")):
        sheets.append(
            (t("sheet.changes", lang) + " " + key.removeprefix("changes_"), tables[key], {})
        )
    add("data_quality_summary", "sheet.dq_summary", {})
    dq = tables.get("data_quality")
    if dq is not None:
        # one problem column, in the report's language (the fields are for machines)
        from evaluation.presentation.remarks import remark_texts

        shown = dq.assign(problem=remark_texts(dq, lang)).drop(columns=["fields"], errors="ignore")
        tables = {**tables, "data_quality": shown}
    add("data_quality", "sheet.dq", {"row": "int"})
    return sheets


# ----------------------------------------------------------------------------- HTML helpers
def _esc(s: object) -> str:
    return html.escape("" if s is None else str(s))


_STYLE = """<style>
.eval-table { font-size: 9pt; border-collapse: collapse; }
.eval-table td, .eval-table th { padding: 2px 6px; vertical-align: top; }
.eval-table.long { font-size: 8pt; width: 100%; }
.jp-RenderedHTMLCommon table.eval-table { table-layout: auto; }
.jp-RenderedHTMLCommon .eval-table th { word-break: normal; overflow-wrap: normal; hyphens: manual; }
.eval-table div.wide { min-width: 12em; white-space: pre-line; }
.eval-table td.eval-num, .eval-table th.eval-num { white-space: nowrap; }
.eval-table tr.total td { font-weight: bold; border-top: 1px solid #555; }
.eval-sample-banner { border: 2px solid #b00020; color: #b00020; padding: 8px 12px; margin: 0 auto 24px; max-width: 32em; }
.eval-summary li { margin-bottom: 4px; }
</style>"""


def _table_html(
    df: pd.DataFrame,
    caption: str | None = None,
    long: bool = False,
    wide: tuple[int, ...] = (),
    total_last: bool = False,
) -> str:
    """An escaped HTML table of an already formatted (string) DataFrame.

    ``wide``: positions of text columns given a minimum width; ``total_last``: style the last
    row as a total.
    """
    cls = "eval-table long" if long else "eval-table"
    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    n = len(df)
    rows = "".join(
        ("<tr class='total'>" if total_last and i == n - 1 else "<tr>")
        + "".join(
            f"<td class='wide'><div class='wide'>{_esc(v)}</div></td>"
            if j in wide
            else f"<td>{_esc(v)}</td>"
            for j, v in enumerate(r)
        )
        + "</tr>"
        for i, r in enumerate(df.itertuples(index=False))
    )
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    return f'<table class="{cls}">{cap}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _display_html(fragment: str) -> None:
    from IPython.display import HTML, display

    display(HTML(fragment))


@dataclass
class ReportView:
    """One evaluation, as the notebooks show it. Build with :meth:`load`."""

    data: dict
    params: ReportParams
    is_sample: bool = False
    previous_dir: Path | None = None
    _tables: dict | None = field(default=None, repr=False)
    _prepared: metrics.Prepared | None = field(default=None, repr=False)

    # -- construction -------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        processed_dir: str | Path = config.PROCESSED_DIR,
        *,
        as_of: str | None = None,
        since: str | None = None,
        lang: str = "id",
        category: str | None = None,
        previous_dir: str | Path | None = None,
        grace_months: int = config.GRACE_MONTHS,
        stale_months: int = config.STALE_MONTHS,
        expiry_months: int = config.EXPIRY_MONTHS,
        low_rate: float = config.LOW_RATE,
        top_n: int = 25,
    ) -> ReportView:
        """Load the processed tables and check the parameters (as the report command does).

        Raises
        ------
        ParameterError
            A parameter is malformed.
        InputError
            The processed tables are missing (run ``make data``).
        """
        raw = {
            "as_of": as_of,
            "lang": lang,
            "category": category,
            "grace_months": grace_months,
            "stale_months": stale_months,
            "expiry_months": expiry_months,
            "low_rate": low_rate,
            "top_n": top_n,
        }
        if since is not None:
            raw["since"] = since
        rp = check_params(raw)
        processed_dir = Path(processed_dir)
        manifest = read_manifest(processed_dir) or {}
        is_sample = bool(manifest.get("is_sample"))
        rp = check_params({}, base=resolve_as_of(rp, is_sample))
        data = load_processed(processed_dir)
        prev = Path(previous_dir) if previous_dir else None
        return cls(data=data, params=rp, is_sample=is_sample, previous_dir=prev)

    @property
    def lang(self) -> str:
        return self.params.lang

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        if self._tables is None:
            self._tables = compute_tables(
                self.data, self.params, self.previous_dir, prepared=self.prepared
            )
        return self._tables

    @property
    def prepared(self) -> metrics.Prepared:
        """The tables evaluated once for this report's parameters."""
        if self._prepared is None:
            raw = metrics.Tables(
                self.data["agreements"], self.data["scope_items"], self.data["activities"]
            )
            self._prepared = metrics.prepare(raw, self.mp)
        return self._prepared

    @property
    def mp(self) -> metrics.Params:
        return metric_params(self.params)

    def _t(self, key: str, **kw) -> str:
        return t(key, self.lang, **kw)

    def _heading(self, key: str, level: int = 2) -> str:
        return f"<h{level}>{_esc(self._t(key))}</h{level}>"

    def _fmt(self, df: pd.DataFrame, columns: dict, intervals: dict | None = None) -> pd.DataFrame:
        out = format_table(df, columns, self.lang, intervals=intervals)
        # total rows ("Semua") read "Semua" / "All" in the report's language
        return out.replace(metrics.TOTAL_LABEL, self._t("label.all"))

    def _top(self, df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
        n = self.params.top_n
        if len(df) <= n:
            return df, ""
        note = self._t("note.top_n", shown=fmt_int(n, self.lang), total=fmt_int(len(df), self.lang))
        return df.head(n), f'<p class="catatan">{_esc(note)}</p>'

    def _long_table(self, df: pd.DataFrame, columns: dict) -> str:
        """A list table: the first ``top_n`` rows formatted, plus a note when rows were cut."""
        top, more = self._top(df)
        return _table_html(self._fmt(top, columns), long=True) + more

    # -- sections -----------------------------------------------------------------------
    def setup(self) -> None:
        """Embed plotly.js once and the report's table styles (no network). Call first."""
        charts.init_notebook()
        _display_html(_STYLE)

    def cover(self) -> None:
        rp = self.params
        parts = ['<div class="cover">']
        if self.is_sample:
            parts.append(
                f'<p class="eval-sample-banner"><strong>{_esc(self._t("report.sample_banner"))}</strong><br>{_esc(self._t("report.sample_explained"))}</p>'
            )
        parts.append(f"<h1>{_esc(self._t('report.title'))}</h1>")
        if rp.category:
            parts.append(f"<h2>{_esc(_category_text(rp))}</h2>")
        parts.append(f"<p>{_esc(self._t('report.subtitle'))}</p>")
        parts.append(
            f"<p><strong>{_esc(self._t('report.data_as_of', date=fmt_date(rp.as_of, self.lang)))}</strong></p>"
        )
        parts.append(
            f"<p>{_esc(self._t('report.period', since=fmt_date(rp.since, self.lang), as_of=fmt_date(rp.as_of, self.lang)))}</p>"
        )
        parts.append("</div>")
        _display_html("".join(parts))

    def executive_summary(self) -> None:
        lang = self.lang
        prepared = self.prepared
        f = metrics.executive_summary_facts(prepared, prepared.params)
        vocab = load_vocabulary()
        ag = prepared.core.tables.agreements
        partners = ag["partner_name"].dropna().str.casefold().str.strip().nunique()
        items = [
            self._t(
                "summary.agreements_total",
                as_of=fmt_date(f["as_of"], lang),
                n=fmt_int(f["total_agreements"], lang),
                since=fmt_date(f["since"], lang),
                partners=fmt_int(partners, lang),
            ),
        ]
        cats = [
            self._t(
                "summary.category_count",
                n=fmt_int(n, lang),
                category=vocab.partner_categories.display(c, lang).lower()
                if lang == "id"
                else vocab.partner_categories.display(c, lang),
            )
            for c, n in f["per_category"].items()
            if n
        ]
        if cats:
            items.append(self._t("summary.by_category_list", items="; ".join(cats)))
        items.append(
            self._t(
                "summary.active", n=fmt_int(f["active"], lang), as_of=fmt_date(f["as_of"], lang)
            )
        )
        items.append(
            self._t(
                "summary.followup_rate",
                done=fmt_int(f["agreements_followed_up"], lang),
                n=fmt_int(f["total_agreements"], lang),
                rate=fmt_percent(f["followup_rate"], lang),
            )
        )
        items.append(
            self._t(
                "summary.scope_rate",
                items=fmt_int(f["scope_items"], lang),
                done=fmt_int(f["scope_items_done"], lang),
                rate=fmt_percent(f["scope_rate"], lang),
                in_progress=fmt_int(f.get("scope_items_in_progress", 0) or 0, lang),
            )
        )
        low = f.get("lowest_category")
        qualifying = int((self.tables["rates_by_category"]["agreements"] >= 5).sum())
        if low and self.params.category is None and qualifying >= 2:
            items.append(
                self._t(
                    "summary.lowest_category",
                    category=vocab.partner_categories.display(low["label"], lang),
                    rate=fmt_percent(low["scope_rate"], lang),
                    interval=fmt_interval(low["scope_rate_low"], low["scope_rate_high"], lang),
                    n=fmt_int(low["agreements"], lang),
                )
            )
        low = f.get("lowest_scope")
        qualifying = int((self.tables["rates_by_scope"]["scope_items"] >= 5).sum())
        if low and qualifying >= 2:
            items.append(
                self._t(
                    "summary.lowest_scope",
                    scope=vocab.scopes.display(low["label"], lang),
                    rate=fmt_percent(low["scope_rate"], lang),
                    n=fmt_int(low["scope_items"], lang),
                )
            )
        items.append(self._t("summary.needs_attention", n=fmt_int(f["needs_assistance"], lang)))
        by_reason = f.get("assistance_by_reason") or {}
        if by_reason:
            items.append(
                self._t(
                    "summary.reasons",
                    no_realisation=fmt_int(by_reason.get("no_realisation", 0), lang),
                    stale=fmt_int(by_reason.get("stale", 0), lang),
                    expiring_low=fmt_int(by_reason.get("expiring_low", 0), lang),
                    grace=self.params.grace_months,
                    stale_months=self.params.stale_months,
                    expiry=self.params.expiry_months,
                )
            )
        items.append(
            self._t(
                "summary.ending_soon",
                n=fmt_int(f["ending_soon"], lang),
                months=self.params.expiry_months,
            )
        )
        items.append(
            self._t("summary.ended_without_followup", n=fmt_int(f["ended_without_followup"], lang))
        )
        ch = self.tables.get("changes_summary")
        if ch is not None and self.previous_dir is not None:
            prev = _previous_as_of(self.previous_dir)
            new = len(self.tables.get("changes_new_agreements", []))
            done = len(self.tables.get("changes_newly_done", []))
            items.append(
                self._t(
                    "summary.changes",
                    date=fmt_date(prev, lang),
                    new=fmt_int(new, lang),
                    done=fmt_int(done, lang),
                )
            )
        body = "".join(f"<li>{_esc(s)}</li>" for s in items)
        _display_html(f"{self._heading('section.summary')}<ul class='eval-summary'>{body}</ul>")

    def headline(self) -> None:
        df = self.tables["headline_counts"]
        shown = self._fmt(
            df, {"category": "category", "agreements": "int", "active": "int", "ended": "int"}
        )
        _display_html(self._heading("section.count_by_category") + _table_html(shown))
        body = df[df["category"] != metrics.TOTAL_LABEL]
        if len(body):
            charts.show(
                charts.count_bar(
                    body,
                    "category",
                    "agreements",
                    title=self._t("chart.count_by_category"),
                    lang=self.lang,
                    short_labels=True,
                ),
                chart_id="headline",
            )

    def _rate_display(self, df: pd.DataFrame, label_col: str, kind: str) -> pd.DataFrame:
        """Rate table for reading: each rate with its 95% interval in one cell."""
        lang = self.lang
        shown = self._fmt(
            df,
            {
                label_col: kind,
                "agreements": "int",
                "agreements_followed_up": "int",
                "scope_items": "int",
                "scope_items_done": "int",
                "scope_items_in_progress": "int",
            },
        )
        fr = [
            f"{fmt_percent(r, lang)} ({fmt_interval(lo, hi, lang)})" if pd.notna(r) else "–"
            for r, lo, hi in zip(
                df["followup_rate"], df["followup_rate_low"], df["followup_rate_high"], strict=True
            )
        ]
        sr = [
            f"{fmt_percent(r, lang)} ({fmt_interval(lo, hi, lang)})" if pd.notna(r) else "–"
            for r, lo, hi in zip(
                df["scope_rate"], df["scope_rate_low"], df["scope_rate_high"], strict=True
            )
        ]
        shown.insert(3, self._t("col.followup_rate_with_ci"), fr)
        shown[self._t("col.scope_rate_with_ci")] = sr
        return shown

    def _rates(self, key: str, label_col: str, kind: str, heading: str, chart_id: str) -> None:
        df = self.tables[key]
        total = False
        if key == "rates_by_category" and len(df):
            overall = self.tables["rates_overall"].copy()
            overall["category"] = metrics.TOTAL_LABEL
            df_shown = pd.concat([df, overall[df.columns]], ignore_index=True)
            total = True
        else:
            df_shown = df
        shown = self._rate_display(df_shown, label_col, kind)
        if total:
            shown.iloc[-1, 0] = self._t("label.all")
        note = f'<p class="catatan">{_esc(self._t("note.small_n"))}</p>'
        _display_html(self._heading(heading) + _table_html(shown, total_last=total) + note)
        if len(df) and df["scope_items"].sum() > 0:
            charts.show(
                charts.rate_bar(df, label_col, title=self._t("chart.scope_rate"), lang=self.lang),
                chart_id=chart_id,
            )

    def rates_by_category(self) -> None:
        if self.params.category is not None:
            return
        self._rates(
            "rates_by_category", "category", "category", "section.rate_by_category", "rate-category"
        )

    def rates_by_scope(self) -> None:
        self._rates("rates_by_scope", "scope", "scope", "section.rate_by_scope", "rate-scope")

    def category_scope(self) -> None:
        df = self.tables["rates_by_category_scope"]
        _display_html(
            self._heading("section.rate_by_category_scope")
            + f'<p class="catatan">{_esc(self._t("note.heatmap"))}</p>'
        )
        if len(df):
            charts.show(charts.heatmap(df, lang=self.lang), chart_id="heatmap")

    def status_shares(self) -> None:
        df = (
            self.tables["rates_by_category"]
            if self.params.category is None
            else self.tables["rates_by_scope"]
        )
        label = "category" if self.params.category is None else "scope"
        _display_html(self._heading("section.status") + f"<p>{_esc(self._t('note.status'))}</p>")
        if len(df) and df["scope_items"].sum() > 0:
            charts.show(
                charts.status_stacked(
                    df[df["scope_items"] > 0], label, title=self._t("chart.status"), lang=self.lang
                ),
                chart_id="status",
            )

    def assistance(self) -> None:
        df = self.tables["needs_assistance"]
        lang = self.lang
        intro = self._t(
            "note.assistance",
            n=fmt_int(len(df), lang),
            grace=self.params.grace_months,
            stale=self.params.stale_months,
            expiry=self.params.expiry_months,
            low=fmt_percent(self.params.low_rate, lang, digits=0),
        )
        parts = [self._heading("section.needs_attention"), f"<p>{_esc(intro)}</p>"]
        if len(df):
            top, more = self._top(df)
            vocab = load_vocabulary()
            p = self.params
            reasons, steps = [], []
            for r in top.itertuples():
                codes = (
                    list(r.reasons)
                    if isinstance(r.reasons, list | tuple)
                    else [c for c in str(r.reasons).split(";") if c]
                )
                reasons.append(
                    "; ".join(
                        self._t(
                            f"reason_short.{c}",
                            months=fmt_int(r.months_since_signing, lang),
                            stale=p.stale_months,
                            date=fmt_date(r.ends_on, lang),
                        )
                        for c in codes
                    )
                )
                steps.append(self._t(f"step_short.{codes[0]}") if codes else "")
            shown = pd.DataFrame(
                {
                    "#": [fmt_int(x, lang) for x in top["priority"]],
                    self._t("col.partner_name"): top["partner_name"]
                    .fillna("")
                    .astype(str)
                    .tolist(),
                    self._t("col.category"): [
                        vocab.partner_categories.display(c, lang, short=True)
                        for c in top["partner_category"]
                    ],
                    self._t("col.unit"): top["unit"].fillna("–").astype(str).tolist(),
                    self._t("col.signed_on"): [fmt_date(d, lang) for d in top["signed_on"]],
                    self._t("col.scope_rate"): [fmt_percent(x, lang) for x in top["scope_rate"]],
                    self._t("col.last_activity_on"): [
                        fmt_date(d, lang) for d in top["last_activity_on"]
                    ],
                    self._t("col.reasons"): reasons,
                    self._t("col.suggested_action"): steps,
                }
            )
            parts += [_table_html(shown, long=True, wide=(1, 7, 8)), more]
            parts.append(f'<p class="catatan">{_esc(self._t("note.assistance_full"))}</p>')
        else:
            parts.append(f"<p>{_esc(self._t('note.none'))}</p>")
        _display_html("".join(parts))

    def ending(self) -> None:
        lang = self.lang
        soon = self.tables["ending_soon"]
        ended = self.tables["ended_without_followup"]
        parts = [
            self._heading("section.ending_soon"),
            f"<p>{_esc(self._t('note.ending_soon', n=fmt_int(len(soon), lang), months=self.params.expiry_months))}</p>",
        ]
        if len(soon):
            parts.append(
                self._long_table(
                    soon,
                    {
                        "partner_name": "text",
                        "partner_category": "category",
                        "ends_on": "date",
                        "days_left": "int",
                        "scope_items": "int",
                        "scope_items_done": "int",
                        "scope_rate": "percent",
                    },
                )
            )
        parts.append(f"<h3>{_esc(self._t('section.ended_without_followup'))}</h3>")
        parts.append(
            f"<p>{_esc(self._t('note.ended_without_followup', n=fmt_int(len(ended), lang)))}</p>"
        )
        if len(ended):
            parts.append(
                self._long_table(
                    ended,
                    {
                        "partner_name": "text",
                        "partner_category": "category",
                        "signed_on": "date",
                        "ends_on": "date",
                        "scope_items": "int",
                        "last_activity_on": "date",
                    },
                )
            )
        _display_html("".join(parts))

    def trend(self) -> None:
        df = self.tables["rates_by_year"]
        shown = self._rate_display(df, "year", "text")
        _display_html(
            self._heading("section.trend")
            + f"<p>{_esc(self._t('note.trend'))}</p>"
            + _table_html(shown)
        )
        if len(df):
            charts.show(
                charts.line_by_year(df, title=self._t("chart.trend"), lang=self.lang),
                chart_id="trend",
            )

    def time_to_followup(self) -> None:
        summ = self.tables["time_to_first_followup"]
        curve = self.tables["time_to_first_followup_curve"]
        shown = self._fmt(
            summ,
            {
                "group": "category",
                "n": "int",
                "events": "int",
                "censored": "int",
                "median_months": "number",
                "share_followed_within_12m": "percent",
                "share_followed_within_24m": "percent",
            },
        )
        _display_html(
            self._heading("section.time_to_followup")
            + f"<p>{_esc(self._t('note.km'))}</p>"
            + _table_html(shown)
        )
        if len(curve):
            charts.show(
                charts.km_curves(
                    curve,
                    "group",
                    y="share_followed_up",
                    title=self._t("chart.km"),
                    x_title=self._t("chart.km_x"),
                    y_title=self._t("chart.km_y"),
                    lang=self.lang,
                ),
                chart_id="km",
            )

    def outcomes(self) -> None:
        if self.params.category not in (None, metrics.LOCAL_GOVERNMENT):
            return
        lang = self.lang
        total = self.tables["outcomes_total"]
        prov = self.tables["outcomes_by_province"]
        parts = [self._heading("section.outcomes")]
        if len(total):
            r = total.iloc[0]
            items = [
                (
                    self._t("outcome.partners_with_perda"),
                    f"{fmt_int(r['partners_with_perda'], lang)} / {fmt_int(r['partners'], lang)}",
                ),
                (self._t("outcome.training_budget"), fmt_rupiah(r["training_budget"], lang)),
                (self._t("outcome.ltsa_formed"), fmt_int(r["ltsa"], lang)),
                (self._t("outcome.satgas_formed"), fmt_int(r["satgas"], lang)),
            ]
            parts.append(
                _table_html(
                    pd.DataFrame(items, columns=[self._t("col.indicator"), self._t("col.total")])
                )
            )
        if len(prov):
            ordered = prov.sort_values(
                ["partners_with_perda", "training_budget", "partners"],
                ascending=False,
                kind="stable",
            )
            parts.append(f"<h3>{_esc(self._t('section.outcomes_by_province'))}</h3>")
            parts.append(
                self._long_table(
                    ordered,
                    {
                        "province": "text",
                        "partners": "int",
                        "partners_with_perda": "int",
                        "training_budget": "rupiah",
                        "ltsa": "int",
                        "satgas": "int",
                    },
                )
            )
        _display_html("".join(parts))

    def changes(self) -> None:
        lang = self.lang
        parts = [self._heading("section.changes")]
        summ = self.tables.get("changes_summary")
        if summ is None:
            parts.append(f"<p>{_esc(self._t('note.no_previous'))}</p>")
            _display_html("".join(parts))
            return
        prev = _previous_as_of(self.previous_dir) if self.previous_dir else None
        parts.append(f"<p>{_esc(self._t('note.compared_with', date=fmt_date(prev, lang)))}</p>")
        rows = []
        for r in summ.itertuples():
            if r.unit == "fraction":
                vals = (
                    fmt_percent(r.previous, lang),
                    fmt_percent(r.current, lang),
                    self._t("note.pp", value=fmt_number_signed(r.change, lang)),
                )
            else:
                vals = (
                    fmt_int(r.previous, lang),
                    fmt_int(r.current, lang),
                    fmt_number_signed(r.change, lang, digits=0),
                )
            rows.append(
                (
                    self._t(f"metric.{r.metric}") if has_key(f"metric.{r.metric}") else r.metric,
                    *vals,
                )
            )
        parts.append(
            _table_html(
                pd.DataFrame(
                    rows,
                    columns=[
                        self._t("col.indicator"),
                        self._t("col.previous"),
                        self._t("col.current"),
                        self._t("col.change"),
                    ],
                )
            )
        )
        counts = [
            (self._t("change.new_agreements"), len(self.tables.get("changes_new_agreements", []))),
            (self._t("change.newly_done"), len(self.tables.get("changes_newly_done", []))),
            (self._t("change.newly_ended"), len(self.tables.get("changes_newly_ended", []))),
            (
                self._t("change.assistance_added"),
                len(self.tables.get("changes_assistance_added", [])),
            ),
            (
                self._t("change.assistance_removed"),
                len(self.tables.get("changes_assistance_removed", [])),
            ),
        ]
        parts.append(
            _table_html(
                pd.DataFrame(
                    [(a, fmt_int(b, lang)) for a, b in counts],
                    columns=[self._t("col.indicator"), self._t("col.count")],
                )
            )
        )
        added = self.tables.get("changes_assistance_added")
        if added is not None and len(added):
            text_col = "reason_text_en" if lang == "en" else "reason_text_id"
            parts.append(f"<h3>{_esc(self._t('change.assistance_added'))}</h3>")
            parts.append(
                self._long_table(
                    added,
                    {"partner_name": "text", "partner_category": "category", text_col: "text"},
                )
            )
        _display_html("".join(parts))

    def data_quality(self) -> None:
        lang = self.lang
        parts = [self._heading("section.data_quality")]
        summ = self.tables.get("data_quality_summary")
        dq = self.tables.get("data_quality")
        if summ is not None and len(summ):
            tot = summ[["read", "used", "fixed", "quarantined", "ignored"]].sum()
            adds_up = int(tot["read"]) == int(
                tot["used"] + tot["fixed"] + tot["quarantined"] + tot["ignored"]
            )
            parts.append(
                f"<p>{_esc(self._t('note.dq_accounted', read=fmt_int(tot['read'], lang), used=fmt_int(tot['used'], lang), fixed=fmt_int(tot['fixed'], lang), quarantined=fmt_int(tot['quarantined'], lang), ignored=fmt_int(tot['ignored'], lang)))}"
                + ("" if adds_up else " " + _esc(self._t("note.dq_not_adding_up")))
                + "</p>"
            )
            shown = summ.rename(columns={"file": "file", "sheet": "sheet"})
            parts.append(
                _table_html(
                    self._fmt(
                        shown,
                        {
                            "file": "text",
                            "sheet": "text",
                            "read": "int",
                            "used": "int",
                            "fixed": "int",
                            "quarantined": "int",
                            "ignored": "int",
                        },
                    )
                )
            )
        if dq is not None and len(dq):
            # The remark worded in the report's language from its code and fields (the
            # English problem when a row has no code), grouped by its code.
            from evaluation.presentation.remarks import remark_texts

            english = dq["problem"].fillna("").astype(str)
            shown = remark_texts(dq, lang)
            codes = (
                dq["code"].fillna("").astype(str)
                if "code" in dq.columns
                else pd.Series("", index=dq.index)
            )
            dq = dq.assign(
                problem=shown,
                kind=[_problem_kind(p, c) for p, c in zip(english, codes, strict=True)],
            )
            groups = (
                dq.groupby(["action", "kind"], sort=False)
                .agg(n=("problem", "size"), example=("problem", "first"))
                .reset_index()
            )
            order = {"quarantined": 0, "fixed": 1, "used": 2, "ignored": 3}
            groups = groups.sort_values(
                by=["action", "n"],
                key=lambda s: s.map(order) if s.name == "action" else -s,
                kind="stable",
            )
            rows = [
                (
                    self._t(f"action.{g.action}"),
                    fmt_int(g.n, lang),
                    g.example,
                    self._t(f"fix.{g.action}"),
                )
                for g in groups.itertuples()
            ]
            parts.append(f"<h3>{_esc(self._t('section.dq_groups'))}</h3>")
            parts.append(
                _table_html(
                    pd.DataFrame(
                        rows,
                        columns=[
                            self._t("col.action"),
                            self._t("col.count"),
                            self._t("col.example"),
                            self._t("col.what_to_do"),
                        ],
                    ),
                    long=True,
                )
            )
            quarantined = dq[dq["action"] == "quarantined"]
            if len(quarantined):
                parts.append(f"<h3>{_esc(self._t('section.dq_quarantined'))}</h3>")
                parts.append(
                    self._long_table(
                        quarantined,
                        {
                            "file": "text",
                            "sheet": "text",
                            "row": "text",
                            "column": "text",
                            "value": "text",
                            "problem": "text",
                        },
                    )
                )
        else:
            parts.append(f"<p>{_esc(self._t('note.dq_clean'))}</p>")
        _display_html("".join(parts))

    def methodology(self) -> None:
        p = self.params
        text = methodology_text(
            self.lang,
            as_of=p.as_of,
            since=p.since,
            grace_months=p.grace_months,
            stale_months=p.stale_months,
            expiry_months=p.expiry_months,
            default_term_years=config.DEFAULT_TERM_YEARS,
            low_rate=p.low_rate,
        )
        paras = "".join(f"<p>{_esc(x.strip())}</p>" for x in text.split("\n\n") if x.strip())
        _display_html(self._heading("section.methodology") + paras)

    # -- annex --------------------------------------------------------------------------
    def annex_cover(self) -> None:
        rp = self.params
        parts = ['<div class="cover">']
        if self.is_sample:
            parts.append(
                f'<p class="eval-sample-banner"><strong>{_esc(self._t("report.sample_banner"))}</strong></p>'
            )
        parts.append(f"<h1>{_esc(self._t('annex.title'))}</h1>")
        parts.append(f"<p>{_esc(self._t('report.subtitle'))}</p>")
        parts.append(
            f"<p><strong>{_esc(self._t('report.data_as_of', date=fmt_date(rp.as_of, self.lang)))}</strong></p>"
        )
        parts.append(f"<p>{_esc(self._t('annex.legend'))}</p>")
        parts.append("</div>")
        _display_html("".join(parts))

    def partner_scorecards(self) -> None:
        """One compact row per agreement, grouped by category: the status of each scope
        (✓ realised, ◐ in progress, ○ not yet), last activity and assistance flags."""
        vocab = load_vocabulary()
        lang = self.lang
        df = self.tables["partner_scorecards"]
        symbols = {
            vocab.done_status: "✓",
            vocab.in_progress_status: "◐",
            vocab.not_started_status: "○",
        }
        flags = {"no_realisation": "R", "stale": "S", "expiring_low": "E"}

        def short_date(d) -> str:
            return "–" if pd.isna(d) else pd.Timestamp(d).strftime("%d/%m/%Y")

        for cat in vocab.partner_categories.labels:
            full = df[df["partner_category"] == cat]
            if full.empty:
                continue
            sub = full.head(ANNEX_MAX_ROWS)
            scope_cols = [
                c for c in sub.columns if c.startswith("scope::") and sub[c].notna().any()
            ]
            table = pd.DataFrame(
                {
                    self._t("col.partner_and_number"): (
                        sub["partner_name"].fillna("").astype(str)
                        + "\n"
                        + sub["agreement_id"].astype(str)
                    ),
                    self._t("col.signed_on"): [short_date(d) for d in sub["signed_on"]],
                    **{
                        vocab.scopes.display(c.removeprefix("scope::"), lang, short=True): sub[
                            c
                        ].map(lambda s: symbols.get(s, "") if isinstance(s, str) else "·")
                        for c in scope_cols
                    },
                    self._t("col.scope_rate"): [fmt_percent(x, lang) for x in sub["scope_rate"]],
                    self._t("col.last_activity_date"): [
                        short_date(d) for d in sub["last_activity_on"]
                    ],
                    self._t("col.flags"): sub["reasons"].map(
                        lambda r: " ".join(flags.get(x, x) for x in str(r).split(";") if x)
                    ),
                }
            )
            heading = f"<h2>{_esc(vocab.partner_categories.display(cat, lang))} ({fmt_int(len(full), lang)})</h2>"
            more = ""
            if len(full) > len(sub):
                note = self._t(
                    "note.annex_cut", shown=fmt_int(len(sub), lang), total=fmt_int(len(full), lang)
                )
                more = f'<p class="catatan">{_esc(note)}</p>'
            _display_html(heading + _table_html(table, long=True, wide=(0,)) + more)


def fmt_number_signed(x: float, lang: str, digits: int = 1) -> str:
    """``+2,5`` / ``-1`` style number for changes."""
    if x is None or pd.isna(x):
        return "–"
    s = fmt_number(abs(x), lang, digits=digits) if digits else fmt_int(abs(x), lang)
    return ("+" if x > 0 else "−" if x < 0 else "±") + s


def _problem_kind(problem: str, code: str | None = None) -> str:
    """Kind of a data-quality remark, for grouping: its ``code`` when it has one; else (a
    ``data_quality.csv`` written before codes existed) its English wording without the
    specific values."""
    import re

    if code is not None and not pd.isna(code) and str(code).strip():
        return str(code).strip()
    s = re.sub(r"'[^']*'", "'…'", str(problem))
    s = re.sub(r"\d[\d\-/.]*", "#", s)
    return "~" + s.split(";")[0].split(":")[0].strip()
