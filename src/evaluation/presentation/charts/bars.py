"""Bar charts: rates with their interval, counts, stacked status shares."""

from __future__ import annotations

import pandas as pd

from evaluation.presentation.charts.spec import FigureSpec, figure_builder, trace
from evaluation.presentation.charts.style import (
    _STATUS_ORDER,
    BAR_COLOR,
    ERROR_COLOR,
    STATUS_COLORS,
    _base_layout,
    _category_axis,
    _check_lang,
    _int,
    _num,
    _rate_axis,
    _require,
    _t,
    _wrap,
    display_labels,
    format_number,
    format_pct,
    plain_text,
)
from evaluation.presentation.text import t

#: Fill of a bar for a group too small to rank (fewer than 5 agreements): grey, hatched.
SMALL_GROUP_COLOR = "#BDBDBD"
SMALL_GROUP_PATTERN = "/"


def _add_annotations(fig: FigureSpec, annotations: list[dict]) -> None:
    """Add ``annotations`` to ``fig`` in one update (as ``add_annotation`` for each)."""
    if annotations:
        fig.update_layout(annotations=[*fig.layout.get("annotations", ()), *annotations])


def _add_row_notes(fig: FigureSpec, rows, texts, **extra) -> None:
    """Write ``texts`` in the right margin of a horizontal bar chart, one beside each row
    (``rows``: the y positions), in one update; ``extra`` adds keys to every annotation."""
    _add_annotations(
        fig,
        [
            {
                "x": 1.0,
                "xref": "paper",
                "xanchor": "left",
                "xshift": 6,
                "y": row,
                "yref": "y",
                "text": text,
                "showarrow": False,
                "font": {"size": 11, "color": "#333333"},
                **extra,
            }
            for row, text in zip(rows, texts, strict=True)
        ],
    )


@figure_builder
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
    small_col: str | None = "small_group",
) -> FigureSpec:
    """Horizontal bars of a rate with its interval as error bars and an ``n = …`` label.

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
    small_col
        Boolean column flagging groups too small to rank (``small_group`` of the rate
        tables; ignored when absent): their bars are grey and hatched, their labels marked
        " *", and they come after the ranked groups, in table order.

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
    _require(df, [label_col, rate_col, low_col, high_col, n_col])
    data = df[[label_col, rate_col, low_col, high_col, n_col]].copy()
    data["_small"] = (
        df[small_col].fillna(False).astype(bool).to_numpy()
        if small_col and small_col in df
        else False
    )
    if sort:
        data = data.assign(_n=pd.to_numeric(data[n_col]).fillna(0) > 0)
        data["_r"] = data[rate_col].where(~data["_small"])
        data = data.sort_values(
            ["_n", "_small", "_r"],
            ascending=[False, True, False],
            kind="stable",
            na_position="last",
        )
    raw = data[label_col].tolist()
    small = data["_small"].tolist()
    mark = t("label.small_group_mark", lang) if any(small) else ""
    axis = [
        _wrap(s, 30, 2) + (mark if sm else "")
        for s, sm in zip(
            display_labels(raw, label_col, lang, short=short_labels), small, strict=True
        )
    ]
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
        f"<br>n = {format_number(n, lang)}" + (f"<br>{_t('small_group', lang)}" if sm else "")
        for f, r, lo, h, n, sm in zip(full, rate, low, high, ns, small, strict=True)
    ]
    fig = FigureSpec(
        trace(
            "bar",
            y=pos,
            x=rate,
            orientation="h",
            marker={
                "color": [SMALL_GROUP_COLOR if sm else BAR_COLOR for sm in small],
                "pattern": {
                    "shape": [SMALL_GROUP_PATTERN if sm else "" for sm in small],
                    "fgcolor": "#757575",
                    "solidity": 0.3,
                },
            },
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
    _add_row_notes(
        fig,
        pos,
        [
            f"{format_pct(r, lang)}  (n = {format_number(n, lang)})"
            for r, n in zip(rate, ns, strict=True)
        ],
        align="left",
    )
    _base_layout(fig, title=title, height=max(220, 90 + 34 * len(axis)), lang=lang)
    fig.update_layout(margin={"r": 130}, bargap=0.35)
    fig.update_xaxes(**_rate_axis(x_title or _t(rate_col, lang)))
    fig.update_yaxes(**_category_axis(len(pos), axis))
    return fig


@figure_builder
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
) -> FigureSpec:
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
        ``.spec(…)``, with the same arguments, gives it as a
        :class:`~evaluation.presentation.charts.spec.FigureSpec` (not checked by plotly).

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
    traces = []
    for status in _STATUS_ORDER:
        name = display_labels([status], "status", lang)[0]
        shares = _num(data[status])
        counts = [_int(v) for v in data[f"n_{status}"]]
        traces.append(
            trace(
                "bar",
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
    fig = FigureSpec(traces)
    _add_row_notes(fig, pos, [f"n = {format_number(n, lang)}" for n in data["total"]])
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


@figure_builder
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
) -> FigureSpec:
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
    _require(df, [label_col, count_col])
    data = df[[label_col, count_col]]
    if sort:
        data = data.sort_values(count_col, ascending=False, kind="stable")
    raw = data[label_col].tolist()
    axis = [_wrap(s, 30, 2) for s in display_labels(raw, label_col, lang, short=short_labels)]
    pos = list(range(len(axis)))
    full = [plain_text(s) for s in display_labels(raw, label_col, lang)]
    counts = _num(data[count_col])
    fig = FigureSpec(
        trace(
            "bar",
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
