"""Charts for the report notebooks: plotly figures that work offline and print as vectors.

A report notebook calls :func:`init_notebook` once at the top (it embeds plotly.js a single
time, no CDN, no require.js) and :func:`show` for each figure. :func:`show` emits a mimebundle
with both ``application/vnd.plotly.v1+json`` (JupyterLab draws it natively) and ``text/html``
(a ``div.eval-chart`` plus a script calling ``Plotly.newPlot``), which is what nbconvert puts
in the HTML report and Chromium prints to PDF.

The figure builders take the rate tables of the metrics module (columns ``category``,
``scope``, ``year``, ``agreements``, ``agreements_followed_up``, ``followup_rate``,
``scope_items``, ``scope_items_done``, ``scope_items_in_progress``, ``scope_rate``,
``scope_rate_low``, ``scope_rate_high``; rates as fractions 0..1) and return
``plotly.graph_objects.Figure`` objects. All text coming from data is escaped so that plotly's
pseudo-HTML never interprets it, and all numbers are formatted for the report language
(Indonesian: decimal comma, thousands dot).
"""

from __future__ import annotations

import html
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from plotly.colors import sample_colorscale

from evaluation.presentation.text import LANGS, has_key, t

# --------------------------------------------------------------------------- style

#: Fonts available offline on Debian (DejaVu) and on Windows/macOS (Arial).
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
#: Colours for the three follow-up statuses (green / amber / grey), print-friendly.
STATUS_COLORS = {
    "Terlaksana": "#2E7D32",
    "Dalam Proses": "#E69F00",
    "Belum Dilaksanakan": "#B0B0B0",
}
#: Qualitative palette (Okabe-Ito, colour-blind safe), used for lines and groups.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
#: Main bar colour.
BAR_COLOR = "#0072B2"
#: Error bar colour.
ERROR_COLOR = "#333333"
#: Sequential colour scale of the heatmap (light to dark blue, prints well in greyscale).
HEATMAP_SCALE = "Blues"
#: Default chart height in pixels when a figure does not set one.
DEFAULT_HEIGHT = 420
#: Plotly config used in the HTML output.
PLOT_CONFIG = {"displayModeBar": False, "responsive": True, "staticPlot": False}

_STATUS_ORDER = ("Terlaksana", "Dalam Proses", "Belum Dilaksanakan")
_VOCAB_SECTION_BY_COLUMN = {
    "category": "partner_categories",
    "partner_category": "partner_categories",
    "scope": "scopes",
    "status": "statuses",
    "outcome_type": "outcome_types",
}


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {sorted(LANGS)}, not {lang!r}")
    return lang


def _t(key: str, lang: str) -> str:
    """Chart text from the one translation table (``chart_label.<key>``); a key without a
    message (e.g. an unknown column name) is shown as it is."""
    msg = f"chart_label.{key}"
    return t(msg, _check_lang(lang)) if has_key(msg) else key


# --------------------------------------------------------------------------- formatting


def format_number(value: float | int | None, lang: str = "id", digits: int = 0) -> str:
    """Format a number with the report language's separators.

    Parameters
    ----------
    value
        The number; None or NaN gives ``"–"``.
    lang
        ``"id"`` (``1.234,5``) or ``"en"`` (``1,234.5``).
    digits
        Digits after the decimal separator.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.

    Examples
    --------
    >>> format_number(1234.5, "id", 1)
    '1.234,5'
    >>> format_number(1234.5, "en", 1)
    '1,234.5'
    """
    _check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    # One implementation for tables and charts (babel, half-up rounding), so a chart label
    # never disagrees with the table next to it.
    from evaluation.presentation.text import fmt_int, fmt_number

    return fmt_int(value, lang) if digits == 0 else fmt_number(value, lang, digits=digits)


def format_pct(value: float | None, lang: str = "id", digits: int = 1) -> str:
    """Format a fraction (0..1) as a percentage: ``0.425`` gives ``"42,5%"`` in Indonesian.

    Parameters
    ----------
    value
        Fraction; None or NaN gives ``"–"``.
    lang
        ``"id"`` or ``"en"``.
    digits
        Digits after the decimal separator.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.

    Examples
    --------
    >>> format_pct(0.425)
    '42,5%'
    >>> format_pct(0.425, "en")
    '42.5%'
    """
    _check_lang(lang)
    if value is None or pd.isna(value):
        return "–"
    from evaluation.presentation.text import fmt_percent

    return fmt_percent(value, lang, digits=digits)


def plain_text(value: object) -> str:
    """Escape data text so plotly shows it literally (no pseudo-HTML, no markup).

    Plotly interprets a few HTML tags in every text it draws; partner names and labels come
    from analysts' spreadsheets, so ``<``, ``>`` and ``&`` are turned into entities, which
    plotly decodes back into plain characters when drawing.

    Examples
    --------
    >>> plain_text("<b>A & B</b>")
    '&lt;b&gt;A &amp; B&lt;/b&gt;'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=False)


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Escape ``text`` and wrap it into at most ``max_lines`` lines of about ``width`` chars.

    Lines are joined with ``<br>``; text that does not fit ends with an ellipsis (the hover
    shows the full text).
    """
    words = str(text).split()
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > width:  # very long word: cut it
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "<br>".join(plain_text(line) for line in lines)


def _category_axis(n: int, ticktext: list[str]) -> dict:
    """Y axis of horizontal bars at positions 0..n-1, first row on top.

    Numeric positions (not a category axis) keep rows apart even when two labels read the
    same after shortening.
    """
    return {
        "tickvals": list(range(n)),
        "ticktext": ticktext,
        "range": [n - 0.5, -0.5] if n else [0.5, -0.5],
        "autorange": False,
        "automargin": True,
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
        "ticks": "",
    }


@lru_cache(maxsize=1)
def _vocabulary():
    try:
        from evaluation.vocab.loader import load_vocabulary

        return load_vocabulary()
    except Exception:  # noqa: BLE001 - charts must work without a vocabulary file
        return None


def display_labels(
    values: Iterable[object], column: str, lang: str = "id", short: bool = False
) -> list[str]:
    """Report labels for canonical values of a vocabulary column (unescaped).

    Parameters
    ----------
    values
        Canonical labels (for instance the ``category`` column).
    column
        Column name; ``category``/``partner_category``, ``scope``, ``status`` and
        ``outcome_type`` are looked up in the vocabulary, anything else is returned as text.
    lang
        ``"id"`` or ``"en"``.
    short
        Use the vocabulary's short label (chart axes) where one exists.

    Returns
    -------
    list of str
    """
    _check_lang(lang)
    section_name = _VOCAB_SECTION_BY_COLUMN.get(column)
    vocab = _vocabulary() if section_name else None
    out = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append("")
            continue
        text = str(v)
        if vocab is not None:
            text = vocab.section(section_name).display(text, lang=lang, short=short)
        out.append(text)
    return out


def _base_layout(fig: go.Figure, *, title: str | None, height: int, lang: str) -> go.Figure:
    fig.update_layout(
        title=(
            {"text": plain_text(title), "x": 0, "xanchor": "left", "font": {"size": 15}}
            if title
            else None
        ),
        height=int(height),
        autosize=True,
        font={"family": FONT_FAMILY, "size": 12, "color": "#222222"},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        separators=",." if lang == "id" else ".,",
        margin={"l": 10, "r": 20, "t": 50 if title else 20, "b": 40},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        showlegend=False,
    )
    return fig


def _rate_axis(title: str) -> dict:
    return {
        "title": {"text": plain_text(title)},
        "range": [0, 1.0],
        "tickformat": ".0%",
        "tickvals": [0, 0.25, 0.5, 0.75, 1.0],
        "showgrid": True,
        "gridcolor": "#E0E0E0",
        "zeroline": True,
        "zerolinecolor": "#9E9E9E",
        "fixedrange": True,
    }


def _require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"chart data lacks column(s) {missing}; it has {list(df.columns)}")


def _num(series: pd.Series) -> list[float | None]:
    """Floats with NaN as None (plotly's JSON turns None into null)."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    return [None if math.isnan(v) else float(v) for v in values]


def _int(value: object) -> int:
    if value is None or pd.isna(value):
        return 0
    return int(value)


# --------------------------------------------------------------------------- figure builders


def rate_bar(
    df: pd.DataFrame,
    label_col: str,
    rate_col: str = "scope_rate",
    low_col: str = "scope_rate_low",
    high_col: str = "scope_rate_high",
    n_col: str = "scope_items",
    *,
    title: str | None = None,
    x_title: str | None = None,
    lang: str = "id",
    sort: bool = True,
    short_labels: bool = True,
) -> go.Figure:
    """Horizontal bars of a rate with Wilson error bars and an ``n = …`` label per bar.

    Parameters
    ----------
    df
        One row per bar (for instance ``rates_by_category``); not modified.
    label_col
        Column holding the bar labels (``category``, ``scope``, …).
    rate_col, low_col, high_col
        Rate and its interval bounds, fractions 0..1 (NaN where ``n`` is 0).
    n_col
        Denominator shown as ``n = 123`` next to each bar.
    title, x_title
        Chart and axis titles (plain text); the axis title defaults to the rate's name.
    lang
        ``"id"`` or ``"en"``.
    sort
        Highest rate on top (rows with n = 0 last); False keeps the order of ``df``.
    short_labels
        Use the vocabulary's short labels on the axis (hover shows the full label).

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
    _require(df, [label_col, rate_col, low_col, high_col, n_col])
    data = df[[label_col, rate_col, low_col, high_col, n_col]].copy()
    if sort:
        data = data.assign(_n=pd.to_numeric(data[n_col]).fillna(0) > 0).sort_values(
            ["_n", rate_col], ascending=[False, False], kind="stable", na_position="last"
        )
    raw = data[label_col].tolist()
    axis = [_wrap(s, 30, 2) for s in display_labels(raw, label_col, lang, short=short_labels)]
    pos = list(range(len(axis)))
    full = [plain_text(s) for s in display_labels(raw, label_col, lang, short=False)]
    rate, low, high = _num(data[rate_col]), _num(data[low_col]), _num(data[high_col])
    ns = [_int(v) for v in data[n_col]]
    plus = [
        None if r is None or h is None else max(h - r, 0.0) for r, h in zip(rate, high, strict=True)
    ]
    minus = [
        None if r is None or lo is None else max(r - lo, 0.0)
        for r, lo in zip(rate, low, strict=True)
    ]
    hover = [
        f"<b>{f}</b><br>{_t('rate', lang)}: {format_pct(r, lang)}"
        f"<br>{_t('interval', lang)}: {format_pct(lo, lang)} – {format_pct(h, lang)}"
        f"<br>n = {format_number(n, lang)}"
        for f, r, lo, h, n in zip(full, rate, low, high, ns, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=pos,
            x=rate,
            orientation="h",
            marker={"color": BAR_COLOR},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": plus,
                "arrayminus": minus,
                "color": ERROR_COLOR,
                "thickness": 1.5,
                "width": 4,
            },
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    for label, r, n in zip(pos, rate, ns, strict=True):
        fig.add_annotation(
            x=1.0,
            xref="paper",
            xanchor="left",
            xshift=6,
            y=label,
            yref="y",
            text=f"{format_pct(r, lang)}  (n = {format_number(n, lang)})",
            showarrow=False,
            font={"size": 11, "color": "#333333"},
            align="left",
        )
    _base_layout(fig, title=title, height=max(220, 90 + 34 * len(axis)), lang=lang)
    fig.update_layout(margin={"r": 130}, bargap=0.35)
    fig.update_xaxes(**_rate_axis(x_title or _t(rate_col, lang)))
    fig.update_yaxes(**_category_axis(len(pos), axis))
    return fig


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
) -> go.Figure:
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
    _require(df, [row_col, col_col, value_col, n_col])
    rows = list(row_order) if row_order is not None else list(pd.unique(df[row_col].dropna()))
    cols = list(col_order) if col_order is not None else list(pd.unique(df[col_col].dropna()))
    cells: dict[tuple[str, str], tuple[float | None, int]] = {}
    for r, c, v, n in zip(df[row_col], df[col_col], _num(df[value_col]), df[n_col], strict=True):
        cells[(str(r), str(c))] = (v, _int(n))

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
            fill = "#FFFFFF" if empty else sample_colorscale(HEATMAP_SCALE, [0.1 + 0.85 * value])[0]
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
            text_colors.append("#FFFFFF" if value >= 0.55 else "#1A1A1A")
            hovers.append(
                f"<b>{plain_text(row_full[i])}</b><br>{plain_text(col_full[j])}"
                f"<br>{_t(value_col, lang)}: {format_pct(value, lang)}"
                f"<br>n = {format_number(n, lang)}"
            )
    fig = go.Figure(
        go.Scatter(
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


def status_stacked(
    df: pd.DataFrame,
    label_col: str,
    done_col: str = "scope_items_done",
    in_progress_col: str = "scope_items_in_progress",
    total_col: str = "scope_items",
    *,
    title: str | None = None,
    lang: str = "id",
    sort: bool = True,
    short_labels: bool = True,
) -> go.Figure:
    """Stacked horizontal bars of the shares Terlaksana / Dalam Proses / Belum Dilaksanakan.

    Shares are counts over ``total_col``; the not-started share is
    ``(total - done - in_progress) / total``. Rows with total 0 show no bar.

    Parameters
    ----------
    df
        One row per bar; not modified.
    label_col
        Bar labels column.
    done_col, in_progress_col, total_col
        Counts of scope items realised, in progress, and in all.
    title
        Chart title (plain text).
    lang
        ``"id"`` or ``"en"``.
    sort
        Highest realised share on top; False keeps the order of ``df``.
    short_labels
        Use the vocabulary's short labels on the axis.

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    KeyError
        If a named column is missing.
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``, or counts are inconsistent
        (done + in progress greater than total).
    """
    _check_lang(lang)
    _require(df, [label_col, done_col, in_progress_col, total_col])
    total = pd.to_numeric(df[total_col]).fillna(0).astype("float64")
    done = pd.to_numeric(df[done_col]).fillna(0).astype("float64")
    prog = pd.to_numeric(df[in_progress_col]).fillna(0).astype("float64")
    if ((done + prog) > total).any():
        raise ValueError(f"{done_col} + {in_progress_col} exceed {total_col} in some rows")
    safe = total.where(total > 0)
    data = pd.DataFrame(
        {
            "label": df[label_col].to_numpy(),
            "total": total.to_numpy(),
            "Terlaksana": (done / safe).to_numpy(),
            "Dalam Proses": (prog / safe).to_numpy(),
            "Belum Dilaksanakan": ((total - done - prog) / safe).to_numpy(),
            "n_Terlaksana": done.to_numpy(),
            "n_Dalam Proses": prog.to_numpy(),
            "n_Belum Dilaksanakan": (total - done - prog).to_numpy(),
        }
    )
    if sort:
        data = data.sort_values("Terlaksana", ascending=False, kind="stable", na_position="last")
    raw = data["label"].tolist()
    axis = [_wrap(s, 30, 2) for s in display_labels(raw, label_col, lang, short=short_labels)]
    pos = list(range(len(axis)))
    full = [plain_text(s) for s in display_labels(raw, label_col, lang)]
    fig = go.Figure()
    for status in _STATUS_ORDER:
        name = display_labels([status], "status", lang)[0]
        shares = _num(data[status])
        counts = [_int(v) for v in data[f"n_{status}"]]
        fig.add_trace(
            go.Bar(
                y=pos,
                x=shares,
                orientation="h",
                name=plain_text(name),
                marker={"color": STATUS_COLORS[status], "line": {"color": "#FFFFFF", "width": 1}},
                text=[
                    format_pct(s, lang, 0) if s is not None and s >= 0.08 else "" for s in shares
                ],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": "#FFFFFF" if status == "Terlaksana" else "#1A1A1A"},
                hovertext=[
                    f"<b>{f}</b><br>{plain_text(name)}: {format_pct(s, lang)}"
                    f" ({format_number(c, lang)} {_t('items', lang)})"
                    for f, s, c in zip(full, shares, counts, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    for label, n in zip(pos, data["total"], strict=True):
        fig.add_annotation(
            x=1.0,
            xref="paper",
            xanchor="left",
            xshift=6,
            y=label,
            yref="y",
            text=f"n = {format_number(n, lang)}",
            showarrow=False,
            font={"size": 11, "color": "#333333"},
        )
    _base_layout(fig, title=title, height=max(280, 170 + 34 * len(axis)), lang=lang)
    fig.update_layout(
        barmode="stack",
        bargap=0.3,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top", "traceorder": "normal"},
        margin={"r": 80, "b": 110},
    )
    fig.update_xaxes(**_rate_axis(_t("share", lang)))
    fig.update_yaxes(**_category_axis(len(pos), axis))
    return fig


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


def count_bar(
    df: pd.DataFrame,
    label_col: str,
    count_col: str = "agreements",
    *,
    title: str | None = None,
    x_title: str | None = None,
    lang: str = "id",
    sort: bool = True,
    short_labels: bool = False,
    color: str = BAR_COLOR,
) -> go.Figure:
    """Horizontal bars of counts (for instance agreements by partner category), labelled.

    Parameters
    ----------
    df
        One row per bar; not modified.
    label_col
        Bar labels column.
    count_col
        Count column.
    title, x_title
        Chart and axis titles (plain text).
    lang
        ``"id"`` or ``"en"``.
    sort
        Largest count on top; False keeps the order of ``df``.
    short_labels
        Use the vocabulary's short labels on the axis.
    color
        Bar colour.

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
    _require(df, [label_col, count_col])
    data = df[[label_col, count_col]]
    if sort:
        data = data.sort_values(count_col, ascending=False, kind="stable")
    raw = data[label_col].tolist()
    axis = [_wrap(s, 30, 2) for s in display_labels(raw, label_col, lang, short=short_labels)]
    pos = list(range(len(axis)))
    full = [plain_text(s) for s in display_labels(raw, label_col, lang)]
    counts = _num(data[count_col])
    fig = go.Figure(
        go.Bar(
            y=pos,
            x=counts,
            orientation="h",
            marker={"color": color},
            text=[format_number(c, lang) for c in counts],
            textposition="outside",
            cliponaxis=False,
            hovertext=[
                f"<b>{f}</b><br>{format_number(c, lang)}" for f, c in zip(full, counts, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    top = max([c for c in counts if c is not None] or [0])
    _base_layout(fig, title=title, height=max(200, 90 + 34 * len(axis)), lang=lang)
    fig.update_layout(bargap=0.35, margin={"r": 40})
    fig.update_xaxes(
        title={"text": plain_text(x_title or _t(count_col, lang))},
        range=[0, max(top * 1.15, 1)],
        tickformat=",d",
        showgrid=True,
        gridcolor="#E0E0E0",
        fixedrange=True,
    )
    fig.update_yaxes(**_category_axis(len(pos), axis))
    return fig


# --------------------------------------------------------------------------- notebook output

_JS_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JS_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")
_SEQUENCE = itertools.count(1)
_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_json(obj: object) -> str:
    """JSON text safe to place inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` (and the JavaScript line separators) are written as ``\\uXXXX``
    escapes, so data such as ``</script><script>alert(1)</script>`` cannot end the script.

    Examples
    --------
    >>> safe_json({"a": "</script>"})
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps(obj, cls=PlotlyJSONEncoder, ensure_ascii=False)
    return _JS_ESCAPE_RE.sub(lambda m: _JS_ESCAPES[m.group(0)], text)


@lru_cache(maxsize=1)
def plotly_js_html() -> str:
    """A ``<script>`` element embedding the full plotly.js (about 4.8 MB), no CDN.

    The bundle runs inside a function that shadows ``define``, ``module`` and ``exports``,
    so it always sets ``window.Plotly`` even if an AMD loader (require.js) is on the page.

    Returns
    -------
    str
    """
    js = plotly.offline.get_plotlyjs()
    if "</script" in js.lower():  # pragma: no cover - would break the page
        raise RuntimeError("plotly.js bundle contains '</script'")
    return (
        '<script type="text/javascript" data-eval-plotlyjs="1">\n'
        "window.PlotlyConfig = {MathJaxConfig: 'local'};\n"
        "if (!window.Plotly) {\n"
        "(function (define, module, exports, require) {\n"
        f"{js}\n"
        "}).call(window, undefined, undefined, undefined, undefined);\n"
        "}\n"
        "</script>"
    )


def init_notebook() -> None:
    """Display plotly.js once at the top of a report notebook (call it in the first cell)."""
    from IPython.display import HTML, display

    display(HTML(plotly_js_html()))


def figure_html(fig: go.Figure, chart_id: str | None = None, height: int | None = None) -> str:
    """HTML for one figure: a ``div.eval-chart`` and a script calling ``Plotly.newPlot``.

    Parameters
    ----------
    fig
        The figure; its layout ``height`` fixes the div height (default 420 px). The width
        follows the page (responsive).
    chart_id
        Value of the ``data-chart-id`` attribute (default ``chart-<n>``).
    height
        Overrides the figure's height, in pixels.

    Returns
    -------
    str
    """
    seq = next(_SEQUENCE)
    chart_id = str(chart_id) if chart_id else f"chart-{seq}"
    h = int(height or fig.layout.height or DEFAULT_HEIGHT)
    spec = json.loads(fig.to_json())
    layout = dict(spec.get("layout", {}))
    layout["height"] = h
    layout.pop("width", None)
    layout["autosize"] = True
    payload = safe_json({"data": spec.get("data", []), "layout": layout, "config": PLOT_CONFIG})
    dom_id = f"eval-chart-{_ID_SAFE.sub('-', chart_id)[:60]}-{seq}"
    message = "Grafik tidak dapat ditampilkan: plotly.js belum dimuat (charts.init_notebook())."
    return (
        f'<div class="eval-chart" id="{dom_id}" data-chart-id="{html.escape(chart_id)}" '
        f'style="width:100%;height:{h}px;"></div>\n'
        '<script type="text/javascript">\n'
        "(function () {\n"
        f'  var el = document.getElementById("{dom_id}");\n'
        f"  var fig = {payload};\n"
        "  function draw() {\n"
        "    if (!window.Plotly) { el.textContent = " + json.dumps(message) + "; return; }\n"
        "    window.Plotly.newPlot(el, fig.data, fig.layout, fig.config);\n"
        "  }\n"
        "  if (window.Plotly) { draw(); }\n"
        '  else { window.addEventListener("load", draw); }\n'
        "})();\n"
        "</script>"
    )


def mimebundle(fig: go.Figure, chart_id: str | None = None, height: int | None = None) -> dict:
    """The raw mimebundle :func:`show` displays (plotly JSON + HTML).

    Returns
    -------
    dict
        ``{"application/vnd.plotly.v1+json": {...}, "text/html": "..."}``
    """
    spec = json.loads(fig.to_json())
    h = int(height or fig.layout.height or DEFAULT_HEIGHT)
    spec.setdefault("layout", {})["height"] = h
    spec["config"] = dict(PLOT_CONFIG)
    return {
        "application/vnd.plotly.v1+json": spec,
        "text/html": figure_html(fig, chart_id=chart_id, height=h),
    }


def show(fig: go.Figure, chart_id: str | None = None, height: int | None = None) -> None:
    """Display a figure in a notebook (JupyterLab draws the plotly JSON, reports the HTML).

    Parameters
    ----------
    fig
        The figure.
    chart_id
        ``data-chart-id`` of the chart's div (default ``chart-<n>``).
    height
        Height in pixels (default the figure's, else 420).
    """
    from IPython.display import display

    display(mimebundle(fig, chart_id=chart_id, height=height), raw=True)
