"""Words for the codes of the tables of record: assistance reasons and next steps.

The analysis returns reason codes (``no_realisation``, ``stale``, ``expiring_low``) with the
fields that explain them; these functions word them in the report's language from
``translations.toml`` (``reason.*``, ``reason_short.*``, ``step.*``, ``step_short.*``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from evaluation.presentation.text import fmt_date, fmt_int, t


def reason_codes(value: object) -> list[str]:
    """Reason codes of a table cell: a list, or text joined with ``;`` (CSV, Parquet)."""
    if isinstance(value, list | tuple):
        return [str(c) for c in value]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [c for c in str(value).split(";") if c]


def reason_text(code: str, row: Mapping[str, object], lang: str, stale_months: int) -> str:
    """One reason as a sentence, e.g. "Belum ada tindak lanjut terlaksana 14 bulan sejak
    penandatanganan", from the row's ``months_since_signing``, ``last_activity_on``,
    ``ends_on``, ``scope_items`` and ``scope_items_done``."""
    months = fmt_int(row.get("months_since_signing"), lang)
    if code == "stale":
        last = row.get("last_activity_on")
        if last is None or pd.isna(last):
            return t("reason.stale_never", lang, months=months)
        return t("reason.stale", lang, stale=stale_months, date=fmt_date(last, lang))
    if code == "expiring_low":
        items, done = int(row.get("scope_items") or 0), int(row.get("scope_items_done") or 0)
        end = fmt_date(row.get("ends_on"), lang)
        if items == 0:
            return t("reason.expiring_low_no_scope", lang, date=end)
        return t(
            "reason.expiring_low",
            lang,
            date=end,
            pct=round(100 * done / items),
            done=fmt_int(done, lang),
            items=fmt_int(items, lang),
        )
    return t(f"reason.{code}", lang, months=months)


def reasons_text(row: Mapping[str, object], lang: str, stale_months: int, sep: str = "; ") -> str:
    """Every reason of a row (its ``reasons`` codes) as sentences joined by ``sep``."""
    return sep.join(
        reason_text(c, row, lang, stale_months) for c in reason_codes(row.get("reasons"))
    )


def short_reasons_text(
    row: Mapping[str, object], lang: str, stale_months: int, sep: str = "; "
) -> str:
    """Every reason of a row, in the short form of the report's list, joined by ``sep``."""
    return sep.join(
        t(
            f"reason_short.{c}",
            lang,
            months=fmt_int(row.get("months_since_signing"), lang),
            stale=stale_months,
            date=fmt_date(row.get("ends_on"), lang),
        )
        for c in reason_codes(row.get("reasons"))
    )


def steps_text(row: Mapping[str, object], lang: str, short: bool = False, sep: str = "; ") -> str:
    """The suggested next step of every reason of the row, in reason order, joined by ``sep``
    (``short``: the brief wording of the report's lists)."""
    codes = reason_codes(row.get("reasons"))
    if short:
        return sep.join(t(f"step_short.{c}", lang) for c in codes)
    return sep.join(t(f"step.{c}", lang) for c in codes)


def fmt_number_signed(x: float, lang: str, digits: int = 1) -> str:
    """``+2,5`` / ``−1`` style number for changes."""
    from evaluation.presentation.text import fmt_number

    if x is None or pd.isna(x):
        return "–"
    s = fmt_number(abs(x), lang, digits=digits) if digits else fmt_int(abs(x), lang)
    return ("+" if x > 0 else "−" if x < 0 else "±") + s


__all__ = [
    "fmt_number_signed",
    "reason_codes",
    "reason_text",
    "reasons_text",
    "short_reasons_text",
    "steps_text",
]
