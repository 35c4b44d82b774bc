"""The sheets of ``ringkasan.xlsx``: which tables of record, in which order, with which column kinds."""

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


def summary_sheets(
    tables: dict[str, pd.DataFrame], rp: ReportParams
) -> list[tuple[str, pd.DataFrame, dict]]:
    """Sheets of ``ringkasan.xlsx``: (name, table, column kinds)."""
    lang = rp.lang
    rate_kinds = dict(_RATE_KINDS)
    rate_kinds.update(
        {
            "scope_rate_low": "percent",
            "scope_rate_high": "percent",
            "followup_rate_low": "percent",
            "followup_rate_high": "percent",
            "scope_rate_cl_low": "percent",
            "scope_rate_cl_high": "percent",
            "effective_n": "number",
            "design_effect": "number",
        }
    )
    sheets = []
    tables = dict(tables)
    for key in ("needs_assistance", "changes_assistance_added"):
        if key in tables:  # the reasons and next steps worded for people, beside the codes
            tables[key] = with_worded_reasons(tables[key], rp)

    def add(key: str, name_key: str, kinds: dict) -> None:
        df = tables.get(key)
        if df is None:
            return
        if "is_total" in df.columns:  # total rows are worded here: "Semua" / "All"
            df = df.copy()
            first = df.columns[0]
            total = df["is_total"].fillna(False).astype(bool)
            df[first] = df[first].astype("object").where(~total, t("label.all", lang))
            df = df.drop(columns="is_total")
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
