"""Tests of evaluation.presentation.charts.spec: the charts drawn from their specs are the
figures plotly makes of them (same data, same layout, same template), property by property."""

from __future__ import annotations

import json
import re

import plotly.graph_objects as go
import pytest

from evaluation.analysis.tables import compute_tables
from evaluation.params import ReportParams
from evaluation.presentation import charts, grafik
from evaluation.presentation.charts.embed import chart_title
from evaluation.presentation.charts.spec import FigureSpec, default_template, trace
from evaluation.presentation.report import from_tables
from registers import AS_OF, make_register


def _plain(obj) -> object:
    """``obj`` as its JSON reads back (tuples as lists, NaN as null): what a browser gets."""
    return json.loads(charts.safe_json(obj))


@pytest.fixture(scope="module")
def tables():
    return compute_tables(make_register(), ReportParams(as_of=AS_OF))


def _report_charts(T) -> dict:
    """Every chart the report notebook draws, by name (None when it has nothing to draw)."""
    return {
        "count": grafik.batang_jumlah(T.headline_counts, label="category", nilai="agreements"),
        "rate_category": grafik.batang_tingkat(T.rates_by_category, label="category"),
        "followup_category": grafik.batang_tingkat(
            T.rates_by_category, label="category", nilai="followup_rate"
        ),
        "rate_scope": grafik.batang_tingkat(T.rates_by_scope, label="scope"),
        "heatmap": grafik.peta_panas(T.rates_by_category_scope, nilai="scope_rate"),
        "status": grafik.status_bertumpuk(T.rates_by_category, label="category"),
        "funnel_province": grafik.corong(T.funnel_province, T.funnel_limits, label="province"),
        "funnel_unit": grafik.corong(T.funnel_unit, T.funnel_limits, label="unit"),
        "cohort": grafik.garis_kohort(T.cohort_followup),
        "trend": grafik.garis_tahun(T.rates_by_year),
        "km": grafik.kurva_km(T.time_to_first_followup_curve),
    }


_DOM_ID = re.compile(r"eval-chart-[A-Za-z0-9_-]*?-\d+")
_PAYLOAD = re.compile(r"var fig = (\{.*?\});\n", re.S)


def _html_parts(html: str) -> tuple[str, object]:
    """A chart's HTML without its sequence number, and its figure JSON parsed."""
    payload = _PAYLOAD.search(html)
    assert payload, html[:300]
    rest = _DOM_ID.sub("eval-chart-N", _PAYLOAD.sub("var fig = FIG;\n", html))
    return rest, json.loads(payload.group(1))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_report_chart_is_the_figure_plotly_makes_of_its_spec(tables, lang):
    drawn = {k: g for k, g in _report_charts(from_tables(tables, lang).tabel).items() if g}
    assert {"count", "rate_category", "heatmap", "status", "funnel_province", "km"} <= set(drawn)
    for name, g in drawn.items():
        spec = g._spec
        assert isinstance(spec, FigureSpec), name  # not made into a plotly figure yet
        fig = spec.figure()
        assert isinstance(fig, go.Figure)
        # plotly's checks keep every property as the spec has it, adds only its template
        assert _plain(fig.to_dict()) == _plain(spec.to_dict()), name
        assert _plain(spec.to_dict()["layout"]["template"]) == _plain(
            fig.to_dict()["layout"]["template"]
        )
        # the HTML drawn from the spec is the HTML drawn from plotly's figure
        from_spec, from_fig = charts.figure_html(spec, name), charts.figure_html(fig, name)
        assert _html_parts(from_spec) == _html_parts(from_fig), name
        # and so is the notebook's mimebundle (JupyterLab draws its plotly JSON)
        a, b = charts.mimebundle(spec, name), charts.mimebundle(fig, name)
        assert a["application/vnd.plotly.v1+json"] == b["application/vnd.plotly.v1+json"]
        assert _html_parts(a["text/html"]) == _html_parts(b["text/html"])
        assert chart_title(spec) == chart_title(fig)


def test_public_builders_still_return_checked_plotly_figures(tables):
    T = from_tables(tables, "id").tabel
    fig = charts.rate_bar(T.rates_by_category, "category")
    assert isinstance(fig, go.Figure)
    spec = charts.rate_bar.spec(T.rates_by_category, "category")
    assert isinstance(spec, FigureSpec)
    assert _plain(fig.to_dict()) == _plain(spec.to_dict())
    # plotly still refuses what it would refuse
    with pytest.raises(ValueError):
        FigureSpec(trace("bar", x=[1], orientation="sideways")).figure()


def test_grafik_figure_is_made_when_read_and_changes_are_drawn(tables):
    from_tables(tables, "id")
    g = grafik.batang_tingkat(from_tables(tables, "id").tabel.rates_by_scope, label="scope")
    assert g._figure is None
    before = _html_parts(g._repr_html_())[1]
    fig = g.figure
    assert isinstance(fig, go.Figure) and g.figure is fig  # made once
    assert _html_parts(g._repr_html_())[1] == before  # the same chart until changed
    g.figure.update_layout(height=600, title="Judul sendiri")
    html = g._repr_html_()
    after = _html_parts(html)[1]
    assert after["layout"]["height"] == 600
    assert after["layout"]["title"]["text"] == "Judul sendiri"
    assert 'aria-label="Grafik: Judul sendiri"' in html or "Judul sendiri" in html
    # a plotly figure given at once is drawn as it is
    own = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    assert grafik.Grafik(own).figure is own


def _both(calls) -> tuple[dict, dict]:
    """The same calls made on a plotly figure and on a spec: their dicts."""
    fig, spec = go.Figure(), FigureSpec()
    for name, kwargs in calls:
        if name == "add_trace":
            fig.add_trace(kwargs)
            props = {k: v for k, v in kwargs.items() if k != "type"}
            spec.add_trace(trace(kwargs["type"], **props))
        else:
            getattr(fig, name)(**kwargs)
            getattr(spec, name)(**kwargs)
    return _plain(fig.to_dict()), _plain(spec.to_dict())


@pytest.mark.parametrize(
    "calls",
    [
        # nested dicts merge, a later value replaces, None unsets
        [
            ("update_layout", {"margin": {"l": 10, "r": 20, "t": 50}, "title": {"text": "A"}}),
            ("update_layout", {"margin": {"r": 130}, "bargap": 0.35}),
            ("update_layout", {"title": None, "height": 300}),
        ],
        # axes: update_xaxes / update_yaxes merge into the one pair of axes
        [
            ("update_xaxes", {"range": [0, 1], "title": {"text": "x"}}),
            ("update_xaxes", {"range": [0, 2], "tickformat": ".0%"}),
            ("update_yaxes", {"tickvals": [0, 1], "ticktext": ["a", "b"], "autorange": False}),
        ],
        # a list of objects where some are set: a longer one adds its rest, …
        [
            ("update_layout", {"annotations": [{"x": 1, "text": "a"}, {"x": 2, "text": "b"}]}),
            ("update_layout", {"annotations": [{"text": "A"}, {"y": 3}, {"x": 9, "text": "c"}]}),
            ("update_layout", {"shapes": [{"type": "rect", "x0": 0, "line": {"width": 1}}]}),
        ],
        # … one as long merges element by element, a shorter one cycles
        [
            ("update_layout", {"annotations": [{"x": 1, "text": "a"}, {"x": 2, "text": "b"}]}),
            ("update_layout", {"annotations": [{"text": "A"}, {"y": 3, "font": {"size": 9}}]}),
            ("update_layout", {"annotations": [{"showarrow": False}]}),
        ],
        # traces: None properties stay unset, None data points are kept
        [
            ("add_trace", {"type": "bar", "x": [1, None, 3], "y": [0, 1, 2], "name": None}),
            ("add_trace", {"type": "scatter", "x": [1], "marker": {"color": None, "size": 9}}),
        ],
    ],
)
def test_spec_updates_as_plotly_does(calls):
    fig, spec = _both(calls)
    assert spec == fig


def test_default_template_follows_plotly_io(monkeypatch):
    import plotly.io as pio

    assert _plain(default_template()) == _plain(go.Figure().to_dict()["layout"]["template"])
    monkeypatch.setattr(pio.templates, "default", "simple_white")
    assert _plain(default_template()) == _plain(go.Figure().to_dict()["layout"]["template"])
    assert _plain(FigureSpec().to_dict()) == _plain(go.Figure().to_dict())
