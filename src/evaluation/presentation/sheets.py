"""The sheets of ``ringkasan.xlsx``: which tables of record, in which order, shaped for people.

The workbook is for readers, not machines (the CSV and Parquet tables of record keep every
code): reason codes become one worded "Alasan" / "Reasons" column and one "Langkah
Berikutnya" / "Next Steps" column, data-quality actions are worded, and the columns only a
program needs (``reasons``, ``n_reasons``, ``is_total``, ``code``, ``fields``) are left out.
Every row of every table is kept. Columns not named here get a kind and a header from
:mod:`evaluation.presentation.xlsx_cells`.
"""

from __future__ import annotations

import pandas as pd

from evaluation.params import ReportParams
from evaluation.presentation.text import has_key, t

_RATE_KINDS = {
    "agreements": "int",
    "agreements_followed_up": "int",
    "followup_rate": "percent",
    "scope_items": "int",
    "scope_items_done": "int",
    "scope_items_in_progress": "int",
    "scope_rate": "percent",
    "scope_rate_low": "percent",
    "scope_rate_high": "percent",
    "followup_rate_low": "percent",
    "followup_rate_high": "percent",
    "scope_rate_cl_low": "percent",
    "scope_rate_cl_high": "percent",
    "effective_n": "number",
    "design_effect": "number",
    "small_group": "bool",
}
_AGREEMENT_KINDS = {
    "agreement_id": "text",
    "partner_name": "text",
    "partner_category": "category",
    "province": "text",
    "unit": "text",
    "signed_on": "date",
    "ends_on": "date",
    "scope_rate": "percent",
    "first_done_on": "date",
    "last_activity_on": "date",
    "last_done_on": "date",
    "document_type": "document_type",
}
#: Columns for programs, not readers: left out of the workbook (the CSV tables keep them).
MACHINE_COLUMNS = ("reasons", "n_reasons", "is_total", "code", "fields", "drawn")
#: Funnel tables: the rates and the control limits are shares.
_FUNNEL_KINDS = {
    "province": "text",
    "unit": "text",
    "agreements": "int",
    "agreements_followed_up": "int",
    "followup_rate": "percent",
    "overall_rate": "percent",
    "limit_95_low": "percent",
    "limit_95_high": "percent",
    "limit_998_low": "percent",
    "limit_998_high": "percent",
    "position": "text",
}
#: Sheets of the changes since the previous evaluation, in order.
CHANGES = {
    "summary": "sheet.changes_summary",
    "by_category": "sheet.changes_by_category",
    "new_agreements": "sheet.changes_new_agreements",
    "newly_done": "sheet.changes_newly_done",
    "newly_ended": "sheet.changes_newly_ended",
    "assistance_added": "sheet.changes_assistance_added",
    "assistance_removed": "sheet.changes_assistance_removed",
}


def with_worded_reasons(df: pd.DataFrame, rp: ReportParams) -> pd.DataFrame:
    """``df`` (rows with ``reasons`` codes) plus ``reason_text`` and ``suggested_action``: the
    reasons and next steps in the report's language."""
    from evaluation.presentation.wording import reasons_text, steps_text

    records = df.to_dict("records")
    return df.assign(
        reason_text=pd.Series(
            [reasons_text(r, rp.lang, rp.stale_months) for r in records],
            index=df.index,
            dtype="object",
        ),
        suggested_action=pd.Series(
            [steps_text(r, rp.lang) for r in records], index=df.index, dtype="object"
        ),
    )


def for_people(df: pd.DataFrame, rp: ReportParams) -> pd.DataFrame:
    """``df`` as a sheet shows it: total rows worded, reasons worded, machine columns out."""
    lang = rp.lang
    if "is_total" in df.columns:  # total rows are worded here: "Semua" / "All"
        df = df.copy()
        first = df.columns[0]
        total = df["is_total"].fillna(False).astype(bool)
        df[first] = df[first].astype("object").where(~total, t("label.all", lang))
    if "reasons" in df.columns:
        df = with_worded_reasons(df, rp)
    if "action" in df.columns and "problem" in df.columns:  # data-quality actions, worded
        words = {a: t(f"action.{a}", lang) for a in ("used", "fixed", "quarantined", "ignored")}
        df = df.assign(action=df["action"].map(lambda a: words.get(a, a)))
    return df.drop(columns=[c for c in MACHINE_COLUMNS if c in df.columns])


def _findings(df: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    """The rows of ``kind`` (``finding``/``decision``) of a ``findings`` table as sentences,
    by rank (as the executive summary words them)."""
    from evaluation.analysis.findings import fields_of
    from evaluation.presentation.summary_sections import finding_text

    rows = df[df["kind"] == kind].sort_values("rank", kind="stable")
    texts = [finding_text(kind, str(r["code"]), fields_of(r), lang) for _, r in rows.iterrows()]
    column = "finding_text" if kind == "finding" else "decision_text"
    return pd.DataFrame({"rank": rows["rank"].astype("int64").to_numpy(), column: texts})


def _assumptions(df: pd.DataFrame, tables: dict, rp: ReportParams) -> pd.DataFrame:
    """The assumptions log worded as its appendix words it: assumption, reason, effect, rows
    affected, quality and impact (red/amber/green as words)."""
    from evaluation.config import DEFAULT_TERM_YEARS
    from evaluation.presentation.text import fmt_date

    lang = rp.lang
    params = tables.get("report_parameters")
    years = DEFAULT_TERM_YEARS
    if params is not None and len(params) and "default_term_years" in params.columns:
        years = int(params["default_term_years"].iloc[0])
    kw = {
        "default_term_years": years,
        "since": fmt_date(rp.since, lang),
        "as_of": fmt_date(rp.as_of, lang) if rp.as_of else "",
    }
    return pd.DataFrame(
        {
            "assumption": [t(f"assumption.{c}", lang, **kw) for c in df["code"]],
            "reason": [t(f"assumption_reason.{c}", lang, **kw) for c in df["code"]],
            "effect": [t(f"assumption_effect.{c}", lang, **kw) for c in df["code"]],
            "rows_affected": df["rows_affected"].astype("Int64").to_numpy(),
            "quality": [t(f"rating.{q}", lang) for q in df["quality"]],
            "impact": [t(f"rating.{q}", lang) for q in df["impact"]],
        }
    )


def _imputations(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Each imputation rule worded, with the rows it filled (all, and in the window)."""
    return pd.DataFrame(
        {
            "rule": [t(f"imputation.{c}", lang) for c in df["code"]],
            "rows": df["rows"].astype("int64").to_numpy(),
            "rows_in_window": df["rows_in_window"].astype("int64").to_numpy(),
        }
    )


def _funnel(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A funnel table with each group's position worded ("Dalam batas" …)."""
    words = {p: t(f"funnel.{p}", lang) for p in ("below_998", "below_95", "within", "above_95",
                                                 "above_998")}  # fmt: skip
    return df.assign(position=df["position"].map(lambda p: words.get(p, p)))


def _changes_summary(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The headline changes since the previous evaluation, worded: each measure by name with
    its unit; rates in percent (the change in percentage points), to one decimal."""
    rate = df["unit"].eq("fraction").to_numpy()
    scale = pd.Series(rate, index=df.index).map({True: 100.0, False: 1.0})

    units = {"count": t("change_unit.count", lang), "fraction": t("change_unit.fraction", lang)}

    def measure(code: object) -> str:
        return t(f"metric.{code}", lang) if has_key(f"metric.{code}") else str(code)

    return pd.DataFrame(
        {
            "metric": [measure(m) for m in df["metric"]],
            "measure_unit": [units.get(u, str(u)) for u in df["unit"]],
            "previous": (df["previous"] * scale).round(1).to_numpy(),
            "current": (df["current"] * scale).round(1).to_numpy(),
            "change": df["change"].round(1).to_numpy(),
        }
    )


def reader_tables(tables: dict[str, pd.DataFrame], rp: ReportParams) -> dict[str, pd.DataFrame]:
    """The tables of record whose codes are worded for the workbook: findings and decisions
    (sentences), the assumptions log and the imputations (worded rules and ratings), the
    funnel tables (positions). The others are as they are."""
    out = dict(tables)
    lang = rp.lang
    found = tables.get("findings")
    if found is not None and {"kind", "code", "rank"} <= set(found.columns):
        out["findings"] = _findings(found, "finding", lang)
        out["decisions"] = _findings(found, "decision", lang)
    log = tables.get("assumptions")
    if log is not None and "code" in log.columns:
        out["assumptions"] = _assumptions(log, tables, rp)
    imp = tables.get("imputations")
    if imp is not None and "code" in imp.columns:
        out["imputations"] = _imputations(imp, lang)
    summary = tables.get("changes_summary")
    if summary is not None and {"metric", "unit", "previous", "current", "change"} <= set(
        summary.columns
    ):
        out["changes_summary"] = _changes_summary(summary, lang)
    removed = tables.get("changes_assistance_removed")
    if removed is not None and "change" in removed.columns:
        words = {c: t(f"assistance_change.{c}", lang) for c in ("resolved", "ended",
                                                                "not_in_current")}  # fmt: skip
        out["changes_assistance_removed"] = removed.assign(
            change=removed["change"].map(lambda c: words.get(c, c))
        )
    for key in ("funnel_province", "funnel_unit"):
        if tables.get(key) is not None and "position" in tables[key].columns:
            out[key] = _funnel(tables[key], lang)
    return out


def summary_sheets(
    tables: dict[str, pd.DataFrame], rp: ReportParams
) -> list[tuple[str, pd.DataFrame, dict]]:
    """Sheets of ``ringkasan.xlsx``: (name, table for people, column kinds)."""
    lang = rp.lang
    sheets = []
    tables = reader_tables(tables, rp)
    dq = tables.get("data_quality")
    if dq is not None:
        # one problem column, in the report's language (the fields are for machines)
        from evaluation.presentation.remarks import remark_texts

        shown = dq.assign(problem=remark_texts(dq, lang))
        if "row" in shown.columns:  # Excel row numbers as numbers when every one is a number
            rows = pd.to_numeric(shown["row"], errors="coerce")
            if rows.notna().sum() == shown["row"].notna().sum():
                shown["row"] = rows.astype("Int64")
        tables["data_quality"] = shown

    def add(key: str, name: str, kinds: dict) -> None:
        df = tables.get(key)
        if df is None:
            return
        df = for_people(df, rp)
        sheets.append((name, df, {c: k for c, k in kinds.items() if c in df.columns}))

    add("headline_counts", t("sheet.headline", lang), {"category": "category"})
    add("findings", t("sheet.findings", lang), {"rank": "int", "finding_text": "text"})
    add("decisions", t("sheet.decisions", lang), {"rank": "int", "decision_text": "text"})
    add("rates_by_category", t("sheet.by_category", lang), {"category": "category", **_RATE_KINDS})
    add("rates_overall", t("sheet.overall", lang), {"category": "text", **_RATE_KINDS})
    add("rates_by_scope", t("sheet.by_scope", lang), {"scope": "scope", **_RATE_KINDS})
    add(
        "rates_by_category_scope",
        t("sheet.by_category_scope", lang),
        {"category": "category", "scope": "scope", **_RATE_KINDS},
    )
    add("rates_by_year", t("sheet.by_year", lang), {"year": "year", **_RATE_KINDS})
    add("cohort_followup", t("sheet.cohorts", lang), {"cohort": "year"})
    add("needs_assistance", t("sheet.assistance", lang), _AGREEMENT_KINDS)
    add("assistance_by_unit", t("sheet.assistance_by_unit", lang), {"unit": "text"})
    add("ending_soon", t("sheet.ending_soon", lang), _AGREEMENT_KINDS)
    add("ended_without_followup", t("sheet.ended", lang), _AGREEMENT_KINDS)
    add(
        "time_to_first_followup",
        t("sheet.timing", lang),
        {
            "median_months": "number",
            "share_followed_within_12m": "percent",
            "share_followed_within_24m": "percent",
        },
    )
    add("time_to_first_followup_after", t("sheet.after", lang), {"after_months": "int"})
    add("time_to_first_followup_at_risk", t("sheet.at_risk", lang), {"group": "category"})
    add("status_shares", t("sheet.status", lang), {"status": "status", "share": "percent"})
    add("outcomes_total", t("sheet.outcomes_total", lang), {"training_budget": "rupiah"})
    add("outcomes_by_province", t("sheet.outcomes", lang), {"training_budget": "rupiah"})
    add("outcomes_by_partner", t("sheet.outcomes_partner", lang), {"training_budget": "rupiah"})
    add("partner_scorecards", t("sheet.scorecards", lang), _AGREEMENT_KINDS)
    add("funnel_province", t("sheet.funnel_province", lang), _FUNNEL_KINDS)
    add("funnel_unit", t("sheet.funnel_unit", lang), _FUNNEL_KINDS)
    known = [k for k in CHANGES if f"changes_{k}" in tables]
    others = sorted(k.removeprefix("changes_") for k in tables if k.startswith("changes_"))
    for n, key in enumerate(known + [k for k in others if k not in known], start=1):
        name = t(CHANGES[key], lang) if key in CHANGES else f"{t('sheet.changes', lang)} {n}"
        kinds = {"category": "category", **_AGREEMENT_KINDS}
        if key == "summary":
            kinds = {"previous": "general", "current": "general", "change": "general"}
        add(f"changes_{key}", name, kinds)
    add(
        "agreements_without_scope",
        t("sheet.without_scope", lang),
        {**_AGREEMENT_KINDS, "source_row": "int"},
    )
    add(
        "expected_scopes",
        t("sheet.expected_scopes", lang),
        {"category": "category", "scope": "scope"},
    )
    add("assumptions", t("sheet.assumptions", lang), {"rows_affected": "int"})
    add("imputations", t("sheet.imputations", lang), {"rows": "int", "rows_in_window": "int"})
    add("data_quality_summary", t("sheet.dq_summary", lang), {})
    add("data_quality", t("sheet.dq", lang), {"row": "int"})
    return sheets
