"""Figures in notebooks and HTML: plotly.js once, a div and a script per chart."""

from __future__ import annotations

import html
import itertools
import json
import re
from collections.abc import Iterable
from functools import lru_cache

import plotly.graph_objects as go

from evaluation.presentation.charts.bundle import REPORT_TRACES, Bundle, bundle_for
from evaluation.presentation.charts.datatable import (
    data_table_html,
    figure_lang,
    layout_of,
    plain,
)
from evaluation.presentation.charts.spec import FigureSpec
from evaluation.presentation.charts.style import DEFAULT_HEIGHT, PLOT_CONFIG
from evaluation.presentation.text import t

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


#: plotly.js's own texts (mode bar tooltips, notices, hover labels), by their message
#: ``plotly.<name>`` of translations.toml: its ``en`` text is plotly.js's dictionary key, its
#: ``id`` text what an Indonesian report shows.
PLOTLY_TEXTS = (
    "download_png", "download", "preparing_image", "image_done", "image_failed", "zoom", "pan",
    "box_select", "lasso_select", "zoom_in", "zoom_out", "autoscale", "reset_axes",
    "spike_lines", "hover_closest", "hover_compare", "hover_toggle", "reset_view",
    "reset_views", "reset", "produced_with", "double_click_zoom", "double_click_legend",
    "draw_line", "draw_open", "draw_closed", "draw_rectangle", "draw_circle", "erase_shape",
    "trace", "median", "mean", "min", "max", "q1", "q3", "lower_fence", "upper_fence",
)  # fmt: skip
#: plotly.js locale of each report language (``config.locale`` of every chart).
PLOTLY_LOCALES = {"id": "id", "en": "en"}


def plotly_locale(lang: str = "id") -> dict:
    """The locale module of plotly.js for ``lang`` (``Plotly.register`` takes it): the dictionary
    of :data:`PLOTLY_TEXTS` (English text -> text in ``lang``) and the number and date
    format of the language (month and day names from CLDR, through Babel)."""
    from babel.dates import get_day_names, get_month_names

    def names(kind: str, width: str) -> list[str]:
        if kind == "months":
            got = get_month_names(width, locale=lang)
            return [got[m] for m in range(1, 13)]
        got = get_day_names(width, locale=lang)  # Monday = 0; plotly starts on Sunday
        return [got[d] for d in (6, 0, 1, 2, 3, 4, 5)]

    return {
        "moduleType": "locale",
        "name": PLOTLY_LOCALES[lang],
        "dictionary": {t(f"plotly.{k}", "en"): t(f"plotly.{k}", lang) for k in PLOTLY_TEXTS},
        "format": {
            "days": names("days", "wide"),
            "shortDays": names("days", "abbreviated"),
            "months": names("months", "wide"),
            "shortMonths": names("months", "abbreviated"),
            "date": "%d/%m/%Y" if lang == "id" else "%m/%d/%Y",
            "decimal": "," if lang == "id" else ".",
            "thousands": "." if lang == "id" else ",",
        },
    }


def plot_config(lang: str) -> dict:
    """The plotly config of a chart in a report in ``lang``: :data:`PLOT_CONFIG` and the
    plotly.js locale of the language (mode bar tooltips in Indonesian in an Indonesian
    report; the ``id`` locale is registered with plotly.js by :func:`plotly_locale_html`)."""
    return {**PLOT_CONFIG, "locale": PLOTLY_LOCALES.get(lang, "id")}


def plotly_js_html(trace_types: Iterable[str] | None = REPORT_TRACES) -> str:
    """A ``<script>`` element embedding plotly.js, no CDN: the basic bundle (about 1.2 MB)
    when it draws every type in ``trace_types`` (default: the report's own charts, bars and
    lines), else the full one (about 4.8 MB; also when ``trace_types`` is None, not known).
    See :mod:`evaluation.presentation.charts.bundle`.

    The bundle runs inside a function that shadows ``define``, ``module`` and ``exports``,
    so it always sets ``window.Plotly`` even if an AMD loader (require.js) is on the page.
    ``data-eval-plotlyjs`` names the bundle (``basic`` or ``full``).

    Returns
    -------
    str
    """
    return _script_html(bundle_for(trace_types))


@lru_cache(maxsize=4)
def _script_html(bundle: Bundle) -> str:
    js = bundle.source
    if "</script" in js.lower():  # pragma: no cover - would break the page
        raise RuntimeError("plotly.js bundle contains '</script'")
    return (
        f'<script type="text/javascript" data-eval-plotlyjs="{bundle.name}">\n'
        "window.PlotlyConfig = {MathJaxConfig: 'local'};\n"
        "if (!window.Plotly) {\n"
        "(function (define, module, exports, require) {\n"
        f"{js}\n"
        "}).call(window, undefined, undefined, undefined, undefined);\n"
        "}\n"
        "</script>"
    )


@lru_cache(maxsize=4)
def plotly_locale_html(lang: str) -> str:
    """A ``<script>`` registering plotly.js's locale for ``lang`` (:func:`plotly_locale`), for
    the top of a report in that language, before its charts (``Laporan.persiapan`` shows it
    once per report); empty for English, plotly.js's own language.

    It registers as soon as plotly.js is there (embedded in the ``<head>`` of a rendered
    report), else when the page has loaded, before the charts waiting for the same event.
    """
    if lang == "en":
        return ""
    module = safe_json(plotly_locale(lang))
    return (
        f'<script type="text/javascript" data-eval-plotly-locale="{PLOTLY_LOCALES[lang]}">\n'
        "(function () {\n"
        "  function register() {\n"
        f"    if (window.Plotly && window.Plotly.register) {{ window.Plotly.register({module}); }}\n"
        "  }\n"
        "  if (window.Plotly) { register(); }\n"
        '  else { window.addEventListener("load", register); }\n'
        "})();\n"
        "</script>"
    )


def init_notebook() -> None:
    """Display plotly.js once at the top of a report notebook (call it in the first cell):
    the full bundle, since the figures shown after it are not known yet."""
    from IPython.display import HTML, display

    display(HTML(plotly_js_html(None)))


def figure_html(
    fig: go.Figure | FigureSpec, chart_id: str | None = None, height: int | None = None
) -> str:
    """HTML for one figure: a ``div.eval-chart`` and a script calling ``Plotly.newPlot``.

    Parameters
    ----------
    fig
        The figure (or its :class:`~evaluation.presentation.charts.spec.FigureSpec`); its
        layout ``height`` fixes the div height (default 420 px). The width follows the page
        (responsive).
    chart_id
        Value of the ``data-chart-id`` attribute (default ``chart-<n>``).
    height
        Overrides the figure's height, in pixels.

    Returns
    -------
    str

    Notes
    -----
    Every chart is announced as one image (``role="img"``) named by its title
    (``aria-label``, ``title``) and followed by a collapsed "Data grafik" table of the numbers
    it draws (:func:`~evaluation.presentation.charts.datatable.data_table_html`), so charts
    added later get the same without doing anything.
    """
    seq = next(_SEQUENCE)
    chart_id = str(chart_id) if chart_id else f"chart-{seq}"
    h = int(height or _layout_height(fig) or DEFAULT_HEIGHT)
    if isinstance(fig, FigureSpec):  # the dicts plotly's to_dict would give, as they are
        spec, table_spec = fig.to_dict(), fig.to_dict(template=False)
    else:
        spec, table_spec = json.loads(fig.to_json()), None
    layout = dict(spec.get("layout", {}))
    layout["height"] = h
    layout.pop("width", None)
    layout["autosize"] = True
    lang = figure_lang(fig)
    traces = " ".join(sorted(spec_trace_types(spec)))
    payload = safe_json(
        {"data": spec.get("data", []), "layout": layout, "config": plot_config(lang)}
    )
    dom_id = f"eval-chart-{_ID_SAFE.sub('-', chart_id)[:60]}-{seq}"
    message = "Grafik tidak dapat ditampilkan: plotly.js belum dimuat (charts.init_notebook())."
    title = chart_title(fig) or chart_id
    label = html.escape(t("chart_label.aria", lang, title=title))
    return (
        f'<figure class="eval-figure"><div class="eval-chart" id="{dom_id}" '
        f'data-chart-id="{html.escape(chart_id)}" data-eval-traces="{html.escape(traces)}" '
        f'role="img" aria-label="{label}" '
        f'title="{html.escape(title)}" style="width:100%;height:{h}px;"></div>\n'
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
        "</script>" + data_table_html(fig, lang, table_spec) + "</figure>"
    )


def spec_trace_types(spec: dict) -> set[str]:
    """The trace types a figure's JSON draws (its data and its animation frames; a trace
    without a ``type`` is a scatter, as in plotly.js)."""
    traces = list(spec.get("data") or [])
    for frame in spec.get("frames") or []:
        traces += frame.get("data") or []
    return {str(tr.get("type") or "scatter") for tr in traces}


_CHART_DIV = re.compile(r'<div\b[^>]*\bclass="eval-chart"[^>]*>')
_TRACES_ATTR = re.compile(r'\sdata-eval-traces="([a-z0-9_ ]*)"')
#: plotly.js calls that draw or change a chart (each :func:`figure_html` chart makes one).
_PLOTLY_CALLS = re.compile(r"Plotly\.(?:newPlot|react|plot|addTraces|restyle|update|animate)\(")


def document_trace_types(body: str) -> frozenset[str] | None:
    """The trace types the charts of an HTML document draw, from the ``data-eval-traces``
    of its :func:`figure_html` charts; None when that is not known: a chart without the
    attribute, or plotly.js called by something other than those charts."""
    divs = _CHART_DIV.findall(body)
    types: set[str] = set()
    for div in divs:
        m = _TRACES_ATTR.search(div)
        if m is None:
            return None
        types.update(m.group(1).split())
    if len(_PLOTLY_CALLS.findall(body)) != len(divs):
        return None
    return frozenset(types)


def _layout_height(fig: go.Figure | FigureSpec) -> int | None:
    return layout_of(fig).get("height")


def chart_title(fig: go.Figure | FigureSpec) -> str:
    """The figure's title as plain text (empty when it has none)."""
    text = (layout_of(fig).get("title") or {}).get("text")
    return plain(text) if text else ""


def mimebundle(
    fig: go.Figure | FigureSpec, chart_id: str | None = None, height: int | None = None
) -> dict:
    """The raw mimebundle :func:`show` displays (plotly JSON + HTML).

    Returns
    -------
    dict
        ``{"application/vnd.plotly.v1+json": {...}, "text/html": "..."}``
    """
    if isinstance(fig, FigureSpec):
        spec = json.loads(safe_json(fig.to_dict()))  # a copy, as plotly's JSON gives it
    else:
        spec = json.loads(fig.to_json())
    h = int(height or _layout_height(fig) or DEFAULT_HEIGHT)
    spec.setdefault("layout", {})["height"] = h
    spec["config"] = dict(PLOT_CONFIG)
    return {
        "application/vnd.plotly.v1+json": spec,
        "text/html": figure_html(fig, chart_id=chart_id, height=h),
    }


def show(
    fig: go.Figure | FigureSpec, chart_id: str | None = None, height: int | None = None
) -> None:
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
