"""Funnel plot: each group's follow-up rate against its size, with control limits."""

from __future__ import annotations

import pandas as pd

from evaluation.presentation.charts.spec import FigureSpec, figure_builder, trace
from evaluation.presentation.charts.style import (
    BAR_COLOR,
    _base_layout,
    _check_lang,
    _int,
    _num,
    _require,
    _t,
    format_number,
    format_pct,
    plain_text,
)
from evaluation.presentation.text import t

#: Marker colour by position (colour-blind safe: blue within, orange beyond 95%, vermilion
#: beyond 99.8%).
POSITION_COLORS = {
    "within": BAR_COLOR,
    "below_95": "#E69F00",
    "above_95": "#E69F00",
    "below_998": "#D55E00",
    "above_998": "#D55E00",
}
LIMIT_COLOR = "#555555"
LIMIT_COLUMNS = ["agreements", "overall_rate", "limit_95_low", "limit_95_high"]
LIMIT_COLUMNS_998 = ["limit_998_low", "limit_998_high"]


@figure_builder
def funnel_plot(
    df: pd.DataFrame,
    limits: pd.DataFrame,
    group_col: str,
    rate_col: str = "followup_rate",
    n_col: str = "agreements",
    k_col: str = "agreements_followed_up",
    *,
    title: str | None = None,
    lang: str = "id",
) -> FigureSpec:
    """Scatter of ``rate_col`` against ``n_col`` per group, with the overall rate and its 95%
    (dashed) and 99.8% (dotted) control limits from ``limits``.

    Parameters
    ----------
    df
        One row per group (``funnel_province`` / ``funnel_unit``): ``group_col``, the rate,
        its numerator and denominator, ``position`` (colour of the point; optional).
    limits
        The limit curves (``funnel_limits``): ``agreements``, ``overall_rate``,
        ``limit_95_low``, ``limit_95_high``, ``limit_998_low``, ``limit_998_high``.
    group_col
        Column naming the groups; a missing name is shown as "(tidak diisi)".
    title
        Chart title (plain text).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    plotly.graph_objects.Figure
        ``.spec(…)``, with the same arguments, gives it as a
        :class:`~evaluation.presentation.charts.spec.FigureSpec` (not checked by plotly).
        Groups beyond the 99.8% limits carry their name next to the point.

    Raises
    ------
    KeyError
        If a named column is missing.
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.
    """
    _check_lang(lang)
    _require(df, [group_col, rate_col, n_col, k_col])
    _require(limits, LIMIT_COLUMNS + LIMIT_COLUMNS_998)
    fig = FigureSpec()
    lim = limits.sort_values("agreements", kind="stable")
    x = _num(lim["agreements"])
    styles = (
        ("overall_rate", "solid", _t("overall_rate", lang), True),
        ("limit_95_low", "dash", _t("limit_95", lang), True),
        ("limit_95_high", "dash", _t("limit_95", lang), False),
        ("limit_998_low", "dot", _t("limit_998", lang), True),
        ("limit_998_high", "dot", _t("limit_998", lang), False),
    )
    for col, dash, name, legend in styles:
        fig.add_trace(
            trace(
                "scatter",
                x=x,
                y=_num(lim[col]),
                mode="lines",
                name=plain_text(name),
                legendgroup=name,
                showlegend=legend,
                line={"color": LIMIT_COLOR, "dash": dash, "width": 1.2},
                hoverinfo="skip",
            )
        )
    missing = t("label.missing_group", lang)
    names = [plain_text(missing if pd.isna(g) else g) for g in df[group_col]]
    positions = (
        df["position"].astype("object").where(df["position"].notna(), "within").tolist()
        if "position" in df
        else ["within"] * len(df)
    )
    rates, ns, ks = _num(df[rate_col]), [_int(v) for v in df[n_col]], [_int(v) for v in df[k_col]]
    hover = [
        f"<b>{g}</b><br>{_t(rate_col, lang)}: {format_pct(r, lang)}"
        f" ({format_number(k, lang)}/{format_number(n, lang)})"
        + (f"<br>{plain_text(t(f'funnel.{p}', lang))}" if "position" in df else "")
        for g, r, k, n, p in zip(names, rates, ks, ns, positions, strict=True)
    ]
    outside = [p in ("below_998", "above_998") for p in positions]
    fig.add_trace(
        trace(
            "scatter",
            x=ns,
            y=rates,
            mode="markers+text",
            text=[g if o else "" for g, o in zip(names, outside, strict=True)],
            textposition="middle right",
            textfont={"size": 10, "color": "#333333"},
            marker={
                "color": [POSITION_COLORS.get(p, BAR_COLOR) for p in positions],
                "size": 9,
                "line": {"color": "#FFFFFF", "width": 1},
            },
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    _base_layout(fig, title=title, height=440, lang=lang)
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        margin={"b": 100},
    )
    top = max([v for v in ns if v is not None] or [1])
    fig.update_xaxes(
        title={"text": plain_text(_t("agreements", lang))},
        range=[0, top * 1.08 + 1],
        showgrid=True,
        gridcolor="#E0E0E0",
        zeroline=False,
        fixedrange=True,
    )
    fig.update_yaxes(
        title={"text": plain_text(_t(rate_col, lang))},
        range=[-0.03, 1.03],
        tickformat=".0%",
        showgrid=True,
        gridcolor="#E0E0E0",
        zeroline=False,
        fixedrange=True,
    )
    return fig


__all__ = ["POSITION_COLORS", "funnel_plot"]
