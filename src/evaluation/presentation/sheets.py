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
from evaluation.presentation.text import t

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
MACHINE_COLUMNS = ("reasons", "n_reasons", "is_total", "code", "fields")
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


def summary_sheets(
    tables: dict[str, pd.DataFrame], rp: ReportParams
) -> list[tuple[str, pd.DataFrame, dict]]:
    """Sheets of ``ringkasan.xlsx``: (name, table for people, column kinds)."""
    lang = rp.lang
    sheets = []
    tables = dict(tables)
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
    add("rates_by_category", t("sheet.by_category", lang), {"category": "category", **_RATE_KINDS})
    add("rates_overall", t("sheet.overall", lang), {"category": "text", **_RATE_KINDS})
    add("rates_by_scope", t("sheet.by_scope", lang), {"scope": "scope", **_RATE_KINDS})
    add(
        "rates_by_category_scope",
        t("sheet.by_category_scope", lang),
        {"category": "category", "scope": "scope", **_RATE_KINDS},
    )
    add("rates_by_year", t("sheet.by_year", lang), {"year": "year", **_RATE_KINDS})
    add("needs_assistance", t("sheet.assistance", lang), _AGREEMENT_KINDS)
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
    add("status_shares", t("sheet.status", lang), {"status": "status", "share": "percent"})
    add("outcomes_total", t("sheet.outcomes_total", lang), {"training_budget": "rupiah"})
    add("outcomes_by_province", t("sheet.outcomes", lang), {"training_budget": "rupiah"})
    add("outcomes_by_partner", t("sheet.outcomes_partner", lang), {"training_budget": "rupiah"})
    add("partner_scorecards", t("sheet.scorecards", lang), _AGREEMENT_KINDS)
    known = [k for k in CHANGES if f"changes_{k}" in tables]
    others = sorted(k.removeprefix("changes_") for k in tables if k.startswith("changes_"))
    for n, key in enumerate(known + [k for k in others if k not in known], start=1):
        name = t(CHANGES[key], lang) if key in CHANGES else f"{t('sheet.changes', lang)} {n}"
        add(f"changes_{key}", name, {"category": "category", **_AGREEMENT_KINDS})
    add("data_quality_summary", t("sheet.dq_summary", lang), {})
    add("data_quality", t("sheet.dq", lang), {"row": "int"})
    return sheets
