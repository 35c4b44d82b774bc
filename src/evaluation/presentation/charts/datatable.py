"""The numbers of any chart as a table, read from the figure itself (for screen readers,
for copying, for readers who cannot tell colours apart).

:func:`figure_table` works on every figure the report draws (and on new ones) without
knowing which builder made it: each trace gives its points, the label axis maps positions
to their tick labels, the value axis' tick format says whether values are shares or counts,
asymmetric error bars give the interval. Decoration traces (a filled band that has no hover)
are skipped; a grid of text marks (the heatmap) becomes a matrix of its cell texts.
"""

from __future__ import annotations

import html
import math
import re

import plotly.graph_objects as go

from evaluation.presentation.charts.spec import FigureSpec
from evaluation.presentation.charts.style import _t, format_number, format_pct

_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def plain(text: object) -> str:
    """Plotly label text as plain text: ``<br>`` as a space, other tags dropped, entities
    decoded (``"A &amp;<br>B"`` -> ``"A & B"``)."""
    if text is None:
        return ""
    s = _TAG.sub("", _BR.sub(" ", str(text)))
    return " ".join(html.unescape(s).split())


def layout_of(fig: go.Figure | FigureSpec) -> dict:
    """The layout properties set on a figure or a spec, as a dict (not to be modified)."""
    return fig.layout if isinstance(fig, FigureSpec) else fig.layout.to_plotly_json()


def figure_lang(fig: go.Figure | FigureSpec) -> str:
    """The report language of a figure, from its separators (``",."`` is Indonesian)."""
    return "en" if (layout_of(fig).get("separators") or ",.") == ".," else "id"


def _axis(layout: dict, name: str) -> dict:
    return layout.get(name) or {}


def _axis_title(axis: dict) -> str:
    title = axis.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    return plain(title or "")


def _ticks(axis: dict) -> dict:
    """Position -> tick label of an axis that places labels at numeric positions."""
    if axis.get("tickvals") is None or axis.get("ticktext") is None:
        return {}
    return {v: plain(t) for v, t in zip(axis["tickvals"], axis["ticktext"], strict=False)}


def _value_formatter(axis: dict, lang: str):
    fmt = axis.get("tickformat") or ""

    def show(v) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        if not isinstance(v, int | float):
            return plain(v)
        if "%" in fmt:
            return format_pct(float(v), lang)
        if "d" in fmt or float(v).is_integer():
            return format_number(round(float(v)), lang)
        return format_number(float(v), lang, digits=2)

    return show


def _label(v, ticks: dict, lang: str = "id") -> str:
    if v in ticks:
        return ticks[v]
    if isinstance(v, float) and v.is_integer() and int(v) in ticks:
        return ticks[int(v)]
    if isinstance(v, float) and not v.is_integer():
        return format_number(v, lang, digits=1)
    if isinstance(v, float):
        return str(int(v))
    return plain(v)


def _list(values) -> list:
    return [] if values is None else list(values)


def _text_grid(layout: dict, trace: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    """A matrix of a text-marks trace: rows by y label, columns by x label."""
    xt, yt = _ticks(_axis(layout, "xaxis")), _ticks(_axis(layout, "yaxis"))
    xs = [_label(v, xt) for v in _list(trace.get("x"))]
    ys = [_label(v, yt) for v in _list(trace.get("y"))]
    text = trace.get("text")
    texts = [plain(t) for t in text] if isinstance(text, list | tuple) else [""] * len(xs)
    columns = list(dict.fromkeys(xt.values() if xt else xs))
    rows = list(dict.fromkeys(yt.values() if yt else ys))
    cells = {(y, x): t for x, y, t in zip(xs, ys, texts, strict=False)}
    head = [_axis_title(_axis(layout, "yaxis")) or _t("label", lang), *columns]
    body = [[r, *(cells.get((r, c), "") for c in columns)] for r in rows]
    return head, body


def figure_table(
    fig: go.Figure | FigureSpec, lang: str | None = None, spec: dict | None = None
) -> tuple[list[str], list[list[str]]]:
    """The numbers a figure draws, as a header and text rows (formatted for ``lang``).

    Parameters
    ----------
    fig
        Any figure of bar or scatter traces (others are skipped), or its spec.
    lang
        ``"id"`` or ``"en"``; default :func:`figure_lang`.
    spec
        ``fig``'s ``to_dict()`` when the caller has it already.

    Returns
    -------
    tuple
        ``(header, rows)``; both empty when the figure has no data points.
    """
    lang = lang or figure_lang(fig)
    if spec is None:
        spec = fig.to_dict(template=False) if isinstance(fig, FigureSpec) else fig.to_dict()
    layout = spec.get("layout", {})
    traces = [t for t in spec.get("data", []) if t.get("type", "scatter") in ("bar", "scatter")]
    traces = [t for t in traces if not (t.get("fill") and t.get("hoverinfo") == "skip")]
    if not traces:
        return [], []
    if all(t.get("type", "scatter") == "scatter" and t.get("mode") == "text" for t in traces):
        return _text_grid(layout, traces[0], lang)
    series = len(traces) > 1 and all(t.get("name") for t in traces)
    has_interval = has_text = False
    rows: list[dict] = []
    label_title = value_title = ""
    for trace in traces:
        horizontal = trace.get("type") == "bar" and trace.get("orientation") == "h"
        lab_axis = _axis(layout, "yaxis" if horizontal else "xaxis")
        val_axis = _axis(layout, "xaxis" if horizontal else "yaxis")
        labels = _list(trace.get("y") if horizontal else trace.get("x"))
        values = _list(trace.get("x") if horizontal else trace.get("y"))
        err = trace.get("error_x" if horizontal else "error_y") or {}
        plus = _list(err.get("array"))
        minus = _list(err.get("arrayminus")) or plus
        text = trace.get("text")
        texts = [plain(t) for t in text] if isinstance(text, list | tuple) else []
        ticks, show = _ticks(lab_axis), _value_formatter(val_axis, lang)
        for i, (lab, val) in enumerate(zip(labels, values, strict=False)):
            row = {"series": plain(trace.get("name") or ""), "label": _label(lab, ticks, lang)}
            row["value"] = show(val)
            if i < len(plus) and isinstance(val, int | float) and plus[i] is not None:
                low = val - (minus[i] if i < len(minus) and minus[i] is not None else 0)
                row["low"], row["high"] = show(low), show(val + plus[i])
                has_interval = True
            if i < len(texts) and texts[i]:
                row["text"] = texts[i]
                has_text = has_text or texts[i] != row["value"]
            rows.append(row)
        label_title = label_title or _axis_title(lab_axis)
        value_title = value_title or _axis_title(val_axis)
    keys = (["series"] if series else []) + ["label", "value"]
    keys += ["low", "high"] if has_interval else []
    keys += ["text"] if has_text else []
    names = {
        "series": _t("series", lang),
        "label": label_title or _t("label", lang),
        "value": value_title or _t("value", lang),
        "low": _t("interval_low", lang),
        "high": _t("interval_high", lang),
        "text": _t("text", lang),
    }
    return [names[k] for k in keys], [[r.get(k, "") for k in keys] for r in rows]


def data_table_html(
    fig: go.Figure | FigureSpec, lang: str | None = None, spec: dict | None = None
) -> str:
    """A collapsed ``<details class="eval-chart-data">`` holding :func:`figure_table`
    (empty string when the figure has no data); shown on screen only."""
    lang = lang or figure_lang(fig)
    head, rows = figure_table(fig, lang, spec)
    if not rows:
        return ""
    esc = html.escape
    th = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return (
        '<details class="eval-chart-data screen-only">'
        f"<summary>{esc(_t('data_table', lang))}</summary>"
        '<div class="eval-scroll">'
        f'<table class="eval-table"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'
        "</div></details>"
    )
