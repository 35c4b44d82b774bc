"""The category x scope heatmap."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from plotly.colors import sample_colorscale

from evaluation.presentation.charts.spec import FigureSpec, figure_builder, trace
from evaluation.presentation.charts.style import (
    HEATMAP_SCALE,
    _base_layout,
    _check_lang,
    _int,
    _num,
    _require,
    _t,
    _wrap,
    display_labels,
    format_number,
    format_pct,
    plain_text,
)

#: Fill of a cell of fewer than 5 agreements: not coloured by its rate.
SMALL_CELL_COLOR = "#EEEEEE"


@figure_builder
def heatmap(
    df: pd.DataFrame,
    row_col: str = "category",
    col_col: str = "scope",
    value_col: str = "scope_rate",
    n_col: str = "scope_items",
    *,
    title: str | None = None,
    lang: str = "id",
    row_order: Sequence[str] | None = None,
    col_order: Sequence[str] | None = None,
    short_labels: bool = True,
    small_col: str | None = "small_group",
) -> FigureSpec:
    """Category × scope grid drawn as vector shapes: one rect shape and one text per cell.

    Every cell of the grid (rows × columns) gets exactly one rectangle shape; cells with
    n = 0 (or absent from ``df``) are white with a thin outline and no text. The rate is
    written in each non-empty cell with its n. ``go.Heatmap`` is not used because it is drawn
    as a raster image, which prints blurred.

    Parameters
    ----------
    df
        One row per (row, column) pair; not modified.
    row_col, col_col
        Columns giving the grid's rows and columns.
    value_col
        Fraction 0..1 that colours the cell.
    n_col
        Denominator; cells with n = 0 stay blank.
    title
        Chart title (plain text).
    lang
        ``"id"`` or ``"en"``.
    row_order, col_order
        Order of rows/columns; default: order of first appearance in ``df``.
    short_labels
        Use the vocabulary's short labels on the axes.
    small_col
        Boolean column flagging cells of fewer than 5 agreements (``small_group`` of the rate
        tables; ignored when absent): they are not coloured by their rate but light grey,
        their rate and n still written.

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
    _require(df, [row_col, col_col, value_col, n_col])
    rows = list(row_order) if row_order is not None else list(pd.unique(df[row_col].dropna()))
    cols = list(col_order) if col_order is not None else list(pd.unique(df[col_col].dropna()))
    cells: dict[tuple[str, str], tuple[float | None, int]] = {}
    for r, c, v, n in zip(df[row_col], df[col_col], _num(df[value_col]), df[n_col], strict=True):
        cells[(str(r), str(c))] = (v, _int(n))
    small_cells: set[tuple[str, str]] = set()
    if small_col and small_col in df:
        flags = df[small_col].fillna(False).astype(bool)
        small_cells = {
            (str(r), str(c)) for r, c, f in zip(df[row_col], df[col_col], flags, strict=True) if f
        }

    row_axis = display_labels(rows, row_col, lang, short=short_labels)
    col_axis = display_labels(cols, col_col, lang, short=short_labels)
    row_full = display_labels(rows, row_col, lang)
    col_full = display_labels(cols, col_col, lang)

    shapes = []
    xs, ys, texts, text_colors, hovers = [], [], [], [], []
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            value, n = cells.get((str(r), str(c)), (None, 0))
            empty = n == 0 or value is None
            small = (str(r), str(c)) in small_cells
            fill = (
                "#FFFFFF"
                if empty
                else SMALL_CELL_COLOR
                if small
                else sample_colorscale(HEATMAP_SCALE, [0.1 + 0.85 * value])[0]
            )
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "y",
                    "x0": j - 0.5,
                    "x1": j + 0.5,
                    "y0": i - 0.5,
                    "y1": i + 0.5,
                    "fillcolor": fill,
                    "line": {"color": "#D0D0D0" if empty else "#FFFFFF", "width": 1},
                    "layer": "below",
                }
            )
            if empty:
                continue
            xs.append(j)
            ys.append(i)
            texts.append(
                f"{format_pct(value, lang, 0)}<br><span style='font-size:9px'>"
                f"n={format_number(n, lang)}</span>"
            )
            text_colors.append("#FFFFFF" if value >= 0.55 and not small else "#1A1A1A")
            hovers.append(
                f"<b>{plain_text(row_full[i])}</b><br>{plain_text(col_full[j])}"
                f"<br>{_t(value_col, lang)}: {format_pct(value, lang)}"
                f"<br>n = {format_number(n, lang)}"
                + (f"<br>{_t('small_group', lang)}" if small else "")
            )
    fig = FigureSpec(
        trace(
            "scatter",
            x=xs,
            y=ys,
            mode="text",
            text=texts,
            textfont={"color": text_colors, "size": 11},
            hovertext=hovers,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    fig.update_layout(shapes=shapes)
    _base_layout(fig, title=title, height=max(260, 150 + 46 * len(rows)), lang=lang)
    fig.update_layout(margin={"b": 10})
    rotate = len(cols) > 6
    fig.update_xaxes(
        tickvals=list(range(len(cols))),
        ticktext=[plain_text(s) if rotate else _wrap(s, 14) for s in col_axis],
        range=[-0.5, len(cols) - 0.5],
        side="bottom" if rotate else "top",
        tickangle=-40 if rotate else 0,
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        tickfont={"size": 10},
        automargin=True,
    )
    fig.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=[_wrap(s, 30, 2) for s in row_axis],
        range=[len(rows) - 0.5, -0.5],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        automargin=True,
    )
    return fig
