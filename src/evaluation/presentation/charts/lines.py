"""Lines: rates by signing year, cohort shares within 6 / 12 months and Kaplan-Meier curves."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from evaluation.presentation.charts.spec import FigureSpec, figure_builder, trace
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


@figure_builder
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
    age_col: str | None = None,
    lang: str = "id",
) -> FigureSpec:
    """Rates by signing year as lines with markers.

    With ``age_col`` (e.g. ``age_median_months``) each year's tick also shows that age in
    months, so that a young cohort's low rate is read as what it is.

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
        ``.spec(…)``, with the same arguments, gives it as a
        :class:`~evaluation.presentation.charts.spec.FigureSpec` (not checked by plotly).

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
    needed = [year_col, *rate_cols] + [
        c for c in (low_col, high_col, n_col, group_col, age_col) if c
    ]
    _require(df, needed)
    data = df.sort_values(year_col, kind="stable")
    fig = FigureSpec()

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
                trace(
                    "scatter",
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
                trace(
                    "scatter",
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
                trace(
                    "scatter",
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
    _base_layout(fig, title=title, height=400 if age_col else 380, lang=lang)
    fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.3 if age_col else -0.18, "yanchor": "top"},
        margin={"b": 110 if age_col else 80},
    )
    ticks: dict = {"tickvals": years, "tickformat": "d"}
    if age_col:
        ages = dict(zip(data[year_col].astype("int64"), data[age_col], strict=True))
        unit = _t("months_short", lang)
        ticks["ticktext"] = [
            f"{y}<br>{format_number(ages.get(y), lang, 1)} {plain_text(unit)}"
            if pd.notna(ages.get(y))
            else str(y)
            for y in years
        ]
    fig.update_xaxes(
        title={"text": _t("year_with_age" if age_col else "year", lang)},
        showgrid=False,
        fixedrange=True,
        **ticks,
    )
    fig.update_yaxes(**_rate_axis(_t("rate", lang)))
    return fig


def _steps(xs: list, ys: list) -> tuple[list, list]:
    """Corner points of a right-continuous step function (to draw it with straight lines)."""
    px: list = []
    py: list = []
    for i, (a, b) in enumerate(zip(xs, ys, strict=True)):
        if i:
            px.append(a)
            py.append(py[-1])
        px.append(a)
        py.append(b)
    return px, py


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


@figure_builder
def cohort_shares(
    df: pd.DataFrame,
    horizons: Sequence[int] = (6, 12),
    *,
    cohort_col: str = "cohort",
    title: str | None = None,
    lang: str = "id",
) -> FigureSpec:
    """Share of each cohort followed up within each horizon, with its 95% interval.

    Only cohorts with observable agreements are drawn for a horizon (``observable_{h}m > 0``);
    a cohort only partly observable (``observable_{h}m < agreements``) gets an open marker.

    Parameters
    ----------
    df
        The ``cohort_followup`` table (``cohort``, ``agreements``, ``observable_{h}m``,
        ``within_{h}m``, ``share_within_{h}m`` and its ``_low`` / ``_high``); not modified.
    horizons
        Months of the lines.
    cohort_col
        Cohort (signing year) column.
    title
        Chart title (plain text).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    plotly.graph_objects.Figure
        ``.spec(…)``, with the same arguments, gives it as a
        :class:`~evaluation.presentation.charts.spec.FigureSpec` (not checked by plotly).

    Raises
    ------
    KeyError
        If a needed column is missing.
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.
    """
    _check_lang(lang)
    cols = [cohort_col, "agreements"]
    for h in horizons:
        base = f"share_within_{h}m"
        cols += [f"observable_{h}m", f"within_{h}m", base, f"{base}_low", f"{base}_high"]
    _require(df, cols)
    data = df.sort_values(cohort_col, kind="stable")
    fig = FigureSpec()
    drawn: set[int] = set()
    of = "dari" if lang == "id" else "of"
    for k, h in enumerate(horizons):
        base = f"share_within_{h}m"
        part = data[data[f"observable_{h}m"] > 0]
        if part.empty:
            continue
        x = [int(c) for c in part[cohort_col]]
        drawn.update(x)
        y = _num(part[base])
        lo, hi = _num(part[f"{base}_low"]), _num(part[f"{base}_high"])
        name = _t({6: "within_6m", 12: "within_12m"}.get(h, f"within_{h}m"), lang)
        partly = (part[f"observable_{h}m"] < part["agreements"]).tolist()
        colour = PALETTE[k % len(PALETTE)]
        fig.add_trace(
            trace(
                "scatter",
                x=x,
                y=y,
                mode="lines+markers",
                name=plain_text(name),
                line={"color": colour, "width": 2.5},
                marker={
                    "size": 9,
                    "symbol": ["circle-open" if p else "circle" for p in partly],
                    "line": {"width": 2, "color": colour},
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None if (b is None or v is None) else b - v
                        for v, b in zip(y, hi, strict=True)
                    ],
                    "arrayminus": [
                        None if (a is None or v is None) else v - a
                        for v, a in zip(y, lo, strict=True)
                    ],
                    "color": _rgba(colour, 0.6),
                    "thickness": 1.5,
                    "width": 4,
                },
                hovertext=[
                    f"<b>{plain_text(name)}</b><br>{c}: {format_pct(v, lang)} "
                    f"({format_number(w, lang)} {of} {format_number(n, lang)})"
                    for c, v, w, n in zip(
                        x, part[base], part[f"within_{h}m"], part[f"observable_{h}m"], strict=True
                    )
                ],
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
        title={"text": _t("cohort", lang)},
        tickvals=sorted(drawn),
        tickformat="d",
        showgrid=False,
        fixedrange=True,
    )
    fig.update_yaxes(**_rate_axis(_t("share_within", lang)))
    return fig


@figure_builder
def km_curves(
    curve_df: pd.DataFrame,
    group_col: str | None,
    x: str = "months",
    y: str = "share",
    *,
    low: str | None = None,
    high: str | None = None,
    band_for: Sequence[object] | None = None,
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    lang: str = "id",
) -> FigureSpec:
    """Step curves (for instance share of agreements with a realised follow-up by months).

    Parameters
    ----------
    curve_df
        Long table: one row per (group, x) point, ``y`` a fraction 0..1; not modified.
    group_col
        One curve per value of this column; None for a single curve.
    x, y
        Columns of the step points.
    low, high
        Optional columns of a pointwise interval, drawn as a light step band.
    band_for
        Values of ``group_col`` whose curve gets the band (default: every curve); overlapping
        bands of several groups hide each other, so a report may band only the overall curve.
    title, x_title, y_title
        Chart and axis titles (plain text).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    plotly.graph_objects.Figure
        ``.spec(…)``, with the same arguments, gives it as a
        :class:`~evaluation.presentation.charts.spec.FigureSpec` (not checked by plotly).

    Raises
    ------
    KeyError
        If a named column is missing.
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.
    """
    _check_lang(lang)
    _require(curve_df, [x, y] + ([group_col] if group_col else []) + [c for c in (low, high) if c])
    fig = FigureSpec()
    if group_col is None:
        parts = [(None, _t(y, lang), curve_df)]
    else:
        groups = list(pd.unique(curve_df[group_col].dropna()))
        names = display_labels(groups, group_col, lang, short=True)
        parts = [
            (g, n, curve_df[curve_df[group_col] == g]) for g, n in zip(groups, names, strict=True)
        ]
    for k, (g, name, part) in enumerate(parts):
        part = part.sort_values(x, kind="stable")
        xs = _num(part[x])
        ys = _num(part[y])
        colour = PALETTE[k % len(PALETTE)]
        if low and high and (band_for is None or g in band_for):
            band = part[part[low].notna() & part[high].notna()]
            bx, top = _steps(_num(band[x]), _num(band[high]))
            _, bottom = _steps(_num(band[x]), _num(band[low]))
            fig.add_trace(
                trace(
                    "scatter",
                    x=bx + bx[::-1],
                    y=top + bottom[::-1],
                    fill="toself",
                    mode="lines",
                    line={"width": 0},
                    fillcolor=_rgba(colour, 0.22),
                    hoverinfo="skip",
                    showlegend=False,
                    name=_t("interval", lang),
                )
            )
        fig.add_trace(
            trace(
                "scatter",
                x=xs,
                y=ys,
                mode="lines",
                line={"shape": "hv", "color": colour, "width": 2.5},
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
