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

from evaluation.presentation.charts.bars import count_bar, rate_bar, status_stacked
from evaluation.presentation.charts.embed import (
    figure_html,
    init_notebook,
    mimebundle,
    plotly_js_html,
    safe_json,
    show,
)
from evaluation.presentation.charts.funnel import funnel_plot
from evaluation.presentation.charts.heatmap import heatmap
from evaluation.presentation.charts.lines import cohort_shares, km_curves, line_by_year
from evaluation.presentation.charts.style import (
    display_labels,
    format_number,
    format_pct,
    plain_text,
)

__all__ = [
    "cohort_shares",
    "count_bar",
    "display_labels",
    "figure_html",
    "format_number",
    "format_pct",
    "funnel_plot",
    "heatmap",
    "init_notebook",
    "km_curves",
    "line_by_year",
    "mimebundle",
    "plain_text",
    "plotly_js_html",
    "rate_bar",
    "safe_json",
    "show",
    "status_stacked",
]
