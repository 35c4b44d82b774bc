"""Sentences of the comparison sections (funnel plots), worded from the tables of record."""

from __future__ import annotations

import pandas as pd

from evaluation.presentation.display import Html, catatan, current_lang
from evaluation.presentation.text import fmt_int, fmt_percent


def catatan_corong(df: pd.DataFrame) -> Html | None:
    """How to read a funnel plot, with the overall rate and the number of groups beyond the
    95% and 99.8% limits (table ``funnel_province`` or ``funnel_unit``); None when empty."""
    if df is None or not len(df):
        return None
    lang = current_lang()
    pos = df["position"].astype("string")
    n998 = int(pos.isin(["below_998", "above_998"]).sum())
    n95 = int(pos.isin(["below_95", "above_95"]).sum()) + n998
    return catatan(
        "note.funnel",
        rate=fmt_percent(df["overall_rate"].iloc[0], lang),
        n95=fmt_int(n95, lang),
        n998=fmt_int(n998, lang),
        groups=fmt_int(len(df), lang),
    )


__all__ = ["catatan_corong"]
