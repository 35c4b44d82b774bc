"""Figures in notebooks and HTML: plotly.js once, a div and a script per chart."""

from __future__ import annotations

import html
import itertools
import json
import re
from functools import lru_cache

import plotly.graph_objects as go
import plotly.offline

from evaluation.presentation.charts.datatable import data_table_html, figure_lang, plain
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

    Notes
    -----
    Every chart is announced as one image (``role="img"``) named by its title
    (``aria-label``, ``title``) and followed by a collapsed "Data grafik" table of the numbers
    it draws (:func:`~evaluation.presentation.charts.datatable.data_table_html`), so charts
    added later get the same without doing anything.
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
    lang = figure_lang(fig)
    title = chart_title(fig) or chart_id
    label = html.escape(t("chart_label.aria", lang, title=title))
    return (
        f'<figure class="eval-figure"><div class="eval-chart" id="{dom_id}" '
        f'data-chart-id="{html.escape(chart_id)}" role="img" aria-label="{label}" '
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
        "</script>" + data_table_html(fig, lang) + "</figure>"
    )


def chart_title(fig: go.Figure) -> str:
    """The figure's title as plain text (empty when it has none)."""
    title = fig.layout.title
    return plain(title.text) if title is not None and title.text else ""


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
