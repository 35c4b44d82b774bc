"""Lines: rates by signing year and Kaplan-Meier curves."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from evaluation.presentation.charts.style import (
    PALETTE,
    _base_layout,
    _check_lang,
    _num,
    _rate_axis,
    _require,
    _t,
    display_labels,
    format_number,
    format_pct,
    plain_text,
)


def line_by_year(
    df: pd.DataFrame,
    year_col: str = "year",
    rate_cols: Sequence[str] = ("scope_rate", "followup_rate"),
    *,
    low_col: str | None = "scope_rate_low",
    high_col: str | None = "scope_rate_high",
    n_col: str | None = "scope_items",
    group_col: str | None = None,
    title: str | None = None,
    lang: str = "id",
) -> go.Figure:
    """Rates by signing year as lines with markers.

    Without ``group_col`` there is one line per column of ``rate_cols``, and the first rate
    gets a shaded band between ``low_col`` and ``high_col``. With ``group_col`` there is one
    line per group for ``rate_cols[0]``.

    Parameters
    ----------
    df
        One row per year (per group); not modified.
    year_col
        Year column (integer years).
    rate_cols
        Rate columns, fractions 0..1.
    low_col, high_col
        Interval of ``rate_cols[0]``; None for no band.
    n_col
        Denominator shown in the hover; None to omit.
    group_col
        Optional grouping column (one line per group).
    title
        Chart title (plain text).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    KeyError
        If a named column is missing.
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"`` or ``rate_cols`` is empty.
    """
    _check_lang(lang)
    if not rate_cols:
        raise ValueError("rate_cols must name at least one column")
    needed = [year_col, *rate_cols] + [c for c in (low_col, high_col, n_col, group_col) if c]
    _require(df, needed)
    data = df.sort_values(year_col, kind="stable")
    fig = go.Figure()

    def _hover(part: pd.DataFrame, name: str, col: str) -> list[str]:
        ns = part[n_col].tolist() if n_col else [None] * len(part)
        return [
            f"<b>{plain_text(name)}</b><br>{int(y)}: {format_pct(v, lang)}"
            + (f"<br>n = {format_number(n, lang)}" if n_col else "")
            for y, v, n in zip(part[year_col], part[col], ns, strict=True)
        ]

    years = sorted({int(y) for y in data[year_col].dropna()})
    if group_col is None:
        if low_col and high_col:
            fig.add_trace(
                go.Scatter(
                    x=[int(y) for y in data[year_col]] + [int(y) for y in data[year_col]][::-1],
                    y=_num(data[high_col]) + _num(data[low_col])[::-1],
                    fill="toself",
                    mode="lines",
                    fillcolor="rgba(0,114,178,0.12)",
                    line={"width": 0},
                    hoverinfo="skip",
                    name=_t("interval", lang),
                    showlegend=False,
                )
            )
        for k, col in enumerate(rate_cols):
            name = _t(col, lang)
            fig.add_trace(
                go.Scatter(
                    x=[int(y) for y in data[year_col]],
                    y=_num(data[col]),
                    mode="lines+markers",
                    name=plain_text(name),
                    line={"color": PALETTE[k % len(PALETTE)], "width": 2.5},
                    marker={"size": 7},
                    hovertext=_hover(data, name, col),
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
    else:
        groups = list(pd.unique(data[group_col].dropna()))
        names = display_labels(groups, group_col, lang, short=True)
        for k, (g, name) in enumerate(zip(groups, names, strict=True)):
            part = data[data[group_col] == g]
            fig.add_trace(
                go.Scatter(
                    x=[int(y) for y in part[year_col]],
                    y=_num(part[rate_cols[0]]),
                    mode="lines+markers",
                    name=plain_text(name),
                    line={"color": PALETTE[k % len(PALETTE)], "width": 2.5},
                    marker={"size": 7},
                    hovertext=_hover(part, name, rate_cols[0]),
                    hovertemplate="%{hovertext}<extra></extra>",
                )
            )
    _base_layout(fig, title=title, height=380, lang=lang)
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        margin={"b": 80},
    )
    fig.update_xaxes(
        title={"text": _t("year", lang)},
        tickvals=years,
        tickformat="d",
        showgrid=False,
        fixedrange=True,
    )
    fig.update_yaxes(**_rate_axis(_t("rate", lang)))
    return fig


def km_curves(
    curve_df: pd.DataFrame,
    group_col: str | None,
    x: str = "months",
    y: str = "share",
    *,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    lang: str = "id",
) -> go.Figure:
    """Step curves (for instance share of agreements with a realised follow-up by months).

    Parameters
    ----------
    curve_df
        Long table: one row per (group, x) point, ``y`` a fraction 0..1; not modified.
    group_col
        One curve per value of this column; None for a single curve.
    x, y
        Columns of the step points.
    title, x_title, y_title
        Chart and axis titles (plain text).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    KeyError
        If a named column is missing.
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.
    """
    _check_lang(lang)
    _require(curve_df, [x, y] + ([group_col] if group_col else []))
    fig = go.Figure()
    if group_col is None:
        parts = [(None, _t(y, lang), curve_df)]
    else:
        groups = list(pd.unique(curve_df[group_col].dropna()))
        names = display_labels(groups, group_col, lang, short=True)
        parts = [
            (g, n, curve_df[curve_df[group_col] == g]) for g, n in zip(groups, names, strict=True)
        ]
    for k, (_, name, part) in enumerate(parts):
        part = part.sort_values(x, kind="stable")
        xs = _num(part[x])
        ys = _num(part[y])
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"shape": "hv", "color": PALETTE[k % len(PALETTE)], "width": 2.5},
                name=plain_text(name),
                hovertext=[
                    f"<b>{plain_text(name)}</b><br>{format_number(a, lang, 0)} "
                    f"{'bulan' if lang == 'id' else 'months'}: {format_pct(b, lang)}"
                    for a, b in zip(xs, ys, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    _base_layout(fig, title=title, height=380, lang=lang)
    fig.update_layout(
        showlegend=group_col is not None,
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
        margin={"b": 80},
    )
    fig.update_xaxes(
        title={"text": plain_text(x_title or _t(x, lang))},
        rangemode="tozero",
        showgrid=True,
        gridcolor="#E0E0E0",
        fixedrange=True,
    )
    fig.update_yaxes(**_rate_axis(y_title or _t(y, lang)))
    return fig
