"""Tests of evaluation.presentation.charts: formatting, figure builders, escaping, notebook output."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from evaluation.presentation import charts

EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (0.425, "id", 1, "42,5%"),
        (0.425, "en", 1, "42.5%"),
        (1.0, "id", 0, "100%"),
        (0.0, "id", 1, "0,0%"),
        (0.12345, "id", 2, "12,35%"),
        (None, "id", 1, "–"),
        (float("nan"), "en", 1, "–"),
    ],
)
def test_format_pct(value, lang, digits, expected):
    assert charts.format_pct(value, lang, digits) == expected


@pytest.mark.parametrize(
    ("value", "lang", "digits", "expected"),
    [
        (1234567, "id", 0, "1.234.567"),
        (1234567, "en", 0, "1,234,567"),
        (1500000.5, "id", 1, "1.500.000,5"),
        (12, "id", 0, "12"),
        (None, "id", 0, "–"),
    ],
)
def test_format_number(value, lang, digits, expected):
    assert charts.format_number(value, lang, digits) == expected


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang"):
        charts.format_pct(0.5, "fr")
    with pytest.raises(ValueError, match="lang"):
        charts.count_bar(
            pd.DataFrame({"category": ["A"], "agreements": [1]}), "category", lang="xx"
        )


def test_plain_text_escapes_markup():
    assert charts.plain_text("<b>A & B</b>") == "&lt;b&gt;A &amp; B&lt;/b&gt;"
    assert charts.plain_text(None) == ""


def test_display_labels_use_vocabulary_short_and_english():
    assert charts.display_labels(["Pemerintah Daerah"], "category", "id", short=True) == ["Pemda"]
    assert charts.display_labels(["Pemerintah Daerah"], "category", "en") == ["Local governments"]
    assert charts.display_labels(["Terlaksana"], "status", "en") == ["Realised"]
    # Unknown labels and non-vocabulary columns pass through unchanged.
    assert charts.display_labels(["PT Contoh"], "category", "id") == ["PT Contoh"]
    assert charts.display_labels(["x", None], "partner_name") == ["x", ""]


# --------------------------------------------------------------------------- heatmap


def _grid() -> pd.DataFrame:
    # 2 rows x 3 columns; (B, s2) has n = 0 and (B, s3) is absent from the table.
    return pd.DataFrame(
        {
            "category": ["A", "A", "A", "B", "B"],
            "scope": ["s1", "s2", "s3", "s1", "s2"],
            "scope_rate": [0.4, 1.0, 0.0, 0.25, math.nan],
            "scope_items": [10, 3, 4, 8, 0],
        }
    )


def test_heatmap_one_rect_per_cell_and_blank_empty_cells():
    df = _grid()
    before = df.copy()
    fig = charts.heatmap(df)
    pd.testing.assert_frame_equal(df, before)  # input not modified
    shapes = fig.layout.shapes
    assert len(shapes) == 6  # 2 rows x 3 columns
    assert all(s.type == "rect" for s in shapes)
    # Shapes run row by row: A-s1, A-s2, A-s3, B-s1, B-s2, B-s3.
    assert [(s.x0, s.y0) for s in shapes] == [
        (-0.5, -0.5),
        (0.5, -0.5),
        (1.5, -0.5),
        (-0.5, 0.5),
        (0.5, 0.5),
        (1.5, 0.5),
    ]
    assert shapes[4].fillcolor == "#FFFFFF"  # n = 0
    assert shapes[5].fillcolor == "#FFFFFF"  # absent
    assert all(s.fillcolor != "#FFFFFF" for s in shapes[:4])
    # A darker fill for a higher rate: 100% is darker than 0%.
    assert shapes[1].fillcolor != shapes[2].fillcolor

    (trace,) = fig.data
    assert trace.type == "scatter"  # no raster go.Heatmap
    assert not any(t.type == "heatmap" for t in fig.data)
    cells = set(zip(trace.x, trace.y, strict=True))
    assert cells == {(0, 0), (1, 0), (2, 0), (0, 1)}  # (1, 1) and (2, 1) stay blank
    texts = dict(zip(zip(trace.x, trace.y, strict=True), trace.text, strict=True))
    assert texts[(0, 0)].startswith("40%")
    assert "n=10" in texts[(0, 0)]
    assert texts[(1, 0)].startswith("100%")
    assert texts[(0, 1)].startswith("25%")


def test_heatmap_explicit_order_and_missing_column():
    fig = charts.heatmap(_grid(), row_order=["B", "A"], col_order=["s3", "s1"])
    assert len(fig.layout.shapes) == 4
    assert list(fig.layout.yaxis.ticktext) == ["B", "A"]
    with pytest.raises(KeyError, match="scope_items"):
        charts.heatmap(_grid().drop(columns="scope_items"))


# --------------------------------------------------------------------------- bars


def _rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["Lembaga Keuangan", "Pemerintah Daerah", "Lembaga Kesehatan"],
            "scope_items": [0, 10, 4],
            "scope_rate": [math.nan, 0.5, 0.75],
            "scope_rate_low": [math.nan, 0.3, 0.4],
            "scope_rate_high": [math.nan, 0.6, 0.9],
        }
    )


def test_rate_bar_sorted_with_wilson_errors_and_n_labels():
    df = _rates()
    before = df.copy()
    fig = charts.rate_bar(df, "category")
    pd.testing.assert_frame_equal(df, before)
    (bar,) = fig.data
    # Highest rate on top, n = 0 last (positions 0, 1, 2 from the top).
    assert list(fig.layout.yaxis.ticktext) == ["Kesehatan", "Pemda", "Keuangan"]
    assert list(bar.y) == [0, 1, 2]
    assert bar.x[0] == 0.75 and bar.x[1] == 0.5 and bar.x[2] is None
    assert bar.error_x.array[0] == pytest.approx(0.15)
    assert bar.error_x.arrayminus[0] == pytest.approx(0.35)
    assert bar.error_x.array[1] == pytest.approx(0.1)
    assert bar.error_x.arrayminus[1] == pytest.approx(0.2)
    labels = [a.text for a in fig.layout.annotations]
    assert labels == ["75,0%  (n = 4)", "50,0%  (n = 10)", "–  (n = 0)"]
    assert fig.layout.separators == ",."
    assert "Rumah" not in bar.hovertext[0] and "Lembaga Kesehatan" in bar.hovertext[0]


def test_rate_bar_english_and_unsorted():
    fig = charts.rate_bar(_rates(), "category", lang="en", sort=False)
    assert list(fig.layout.yaxis.ticktext) == ["Financial", "Local gov.", "Health"]
    assert fig.layout.annotations[1].text == "50.0%  (n = 10)"
    assert fig.layout.separators == ".,"


def test_rate_bar_keeps_rows_whose_short_labels_coincide():
    long = "Pemerintah Kabupaten Contoh Dengan Nama Yang Sangat Panjang Sekali"
    df = pd.DataFrame(
        {
            "partner_name": [long + " A", long + " B"],
            "scope_items": [2, 3],
            "scope_rate": [0.5, 1 / 3],
            "scope_rate_low": [0.1, 0.06],
            "scope_rate_high": [0.9, 0.79],
        }
    )
    fig = charts.rate_bar(df, "partner_name")
    assert len(fig.data[0].y) == 2 and list(fig.data[0].y) == [0, 1]
    first = fig.layout.yaxis.ticktext[0]
    assert first.count("<br>") == 1 and first.endswith("…")


def test_status_stacked_shares_and_colours():
    df = pd.DataFrame(
        {
            "scope": ["Diklat CPMI", "Pertukaran Data dan Informasi"],
            "scope_items": [10, 4],
            "scope_items_done": [5, 4],
            "scope_items_in_progress": [3, 0],
        }
    )
    fig = charts.status_stacked(df, "scope")
    names = [t.name for t in fig.data]
    assert names == ["Terlaksana", "Dalam Proses", "Belum Dilaksanakan"]
    colours = [t.marker.color for t in fig.data]
    assert colours == ["#009E73", "#E69F00", "#C8C8C8"]  # Okabe-Ito green and orange, grey
    # Sorted by realised share: 4/4 first, then 5/10.
    assert [t.x for t in fig.data] == [(1.0, 0.5), (0.0, 0.3), (0.0, 0.2)]
    assert fig.layout.barmode == "stack"
    assert fig.data[1].text == ("", "30%")
    assert [a.text for a in fig.layout.annotations] == ["n = 4", "n = 10"]


def test_status_stacked_rejects_inconsistent_counts():
    df = pd.DataFrame(
        {
            "scope": ["x"],
            "scope_items": [2],
            "scope_items_done": [2],
            "scope_items_in_progress": [1],
        }
    )
    with pytest.raises(ValueError, match="exceed"):
        charts.status_stacked(df, "scope")


def test_count_bar_labels_with_thousands_dot():
    df = pd.DataFrame(
        {"category": ["Pemerintah Daerah", "Lembaga Keuangan"], "agreements": [2, 1234]}
    )
    fig = charts.count_bar(df, "category")
    assert list(fig.data[0].text) == ["1.234", "2"]
    assert list(fig.layout.yaxis.ticktext) == ["Lembaga Keuangan", "Pemerintah Daerah"]


def test_line_by_year_and_km_curves():
    years = pd.DataFrame(
        {
            "year": [2020, 2019],
            "scope_rate": [0.5, 0.25],
            "followup_rate": [0.6, 0.3],
            "scope_rate_low": [0.3, 0.1],
            "scope_rate_high": [0.7, 0.5],
            "scope_items": [10, 8],
        }
    )
    fig = charts.line_by_year(years)
    band, scope, follow = fig.data
    assert band.fill == "toself"
    assert list(scope.x) == [2019, 2020] and list(scope.y) == [0.25, 0.5]
    assert list(follow.y) == [0.3, 0.6]
    assert scope.name == "Tingkat pelaksanaan ruang lingkup"
    assert "25,0%" in scope.hovertext[0] and "n = 8" in scope.hovertext[0]

    curves = pd.DataFrame(
        {
            "category": ["Pemerintah Daerah"] * 3 + ["Lembaga Pendidikan"] * 2,
            "months": [0, 6, 12, 0, 3],
            "share": [0.0, 0.2, 0.5, 0.0, 0.4],
        }
    )
    fig = charts.km_curves(curves, "category")
    assert [t.name for t in fig.data] == ["Pemda", "Pendidikan"]
    assert all(t.line.shape == "hv" for t in fig.data)
    assert list(fig.data[0].y) == [0.0, 0.2, 0.5]
    single = charts.km_curves(curves[curves.category == "Lembaga Pendidikan"], None)
    assert len(single.data) == 1 and single.layout.showlegend is False


# --------------------------------------------------------------------------- escaping / HTML


def test_labels_from_data_are_inert_in_the_figure():
    df = _rates().assign(category=[EVIL, "<b>tebal</b>", "A & B"])
    fig = charts.rate_bar(df, "category", title=EVIL)
    ticks = " ".join(fig.layout.yaxis.ticktext)
    assert "<script" not in ticks and "<img" not in ticks and "<b>" not in ticks
    assert "&lt;b&gt;tebal&lt;/b&gt;" in ticks
    assert "&lt;script&gt;" in fig.layout.title.text


def test_figure_html_escapes_json_and_marks_the_div():
    df = _rates().assign(category=[EVIL, "x", "y"])
    fig = charts.rate_bar(df, "category", title=EVIL)
    fig.add_annotation(text=EVIL)  # raw, unescaped text must still not break out
    out = charts.figure_html(fig, chart_id='rate"<x>')
    assert out.count("</script>") == 1 and out.rstrip().endswith("</figure>")
    assert "<script>alert" not in out and "<img" not in out
    assert "\\u003c/script\\u003e" in out
    div = re.search(r"<div ([^>]*)></div>", out)
    assert div is not None
    assert 'class="eval-chart"' in div.group(1)
    assert 'data-chart-id="rate&quot;&lt;x&gt;"' in div.group(1)
    assert "height:" in div.group(1) and "width:100%" in div.group(1)
    assert '"displayModeBar": true' in out and '"responsive": true' in out
    assert '"displaylogo": false' in out and '"format": "png"' in out
    # Announced as one image named by its (escaped) title, numbers in a table below.
    assert 'role="img"' in div.group(1) and 'aria-label="Grafik: ' in div.group(1)
    assert "&lt;/script&gt;" in div.group(1)  # the title, escaped, in the label
    assert '<details class="eval-chart-data screen-only">' in out
    # The JSON decodes back to the original text.
    payload = re.search(r"var fig = (\{.*\});\n", out).group(1)
    decoded = json.loads(payload)
    assert EVIL in [a["text"] for a in decoded["layout"]["annotations"]]
    assert "width" not in decoded["layout"]
    assert decoded["config"]["displayModeBar"] is True
    assert "sendDataToCloud" in decoded["config"]["modeBarButtonsToRemove"]


def test_safe_json_escapes_line_separators():
    assert charts.safe_json({"a": "x\u2028y&"}) == '{"a": "x\\u2028y\\u0026"}'


def test_mimebundle_has_plotly_json_and_html_with_fixed_height():
    fig = charts.count_bar(pd.DataFrame({"category": ["A"], "agreements": [3]}), "category")
    bundle = charts.mimebundle(fig, chart_id="c1", height=333)
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html"}
    spec = bundle["application/vnd.plotly.v1+json"]
    assert spec["layout"]["height"] == 333
    assert spec["config"]["displayModeBar"] is True
    json.dumps(spec)  # plain JSON
    assert 'data-chart-id="c1"' in bundle["text/html"]
    assert "height:333px" in bundle["text/html"]


def test_chart_ids_are_unique_per_call():
    fig = charts.count_bar(pd.DataFrame({"category": ["A"], "agreements": [3]}), "category")
    a, b = charts.figure_html(fig, "same"), charts.figure_html(fig, "same")
    id_a = re.search(r'id="([^"]+)"', a).group(1)
    id_b = re.search(r'id="([^"]+)"', b).group(1)
    assert id_a != id_b


def test_plotly_js_html_embeds_the_bundle_once_without_amd():
    block = charts.plotly_js_html()
    assert block.startswith("<script") and block.endswith("</script>")
    assert block.count("</script>") == 1
    assert block.count("window.Plotly = Plotly") == 1
    assert "(function (define, module, exports, require)" in block
    assert ".call(window, undefined, undefined, undefined, undefined)" in block
    assert " src=" not in block[:200]
    assert len(block) > 1_000_000  # a whole bundle (basic or full), not a CDN reference


# --------------------------------------------------------------------------- small groups, funnel
def test_rate_bar_small_groups_are_grey_hatched_and_not_ranked():
    df = pd.DataFrame(
        {
            "category": ["Pemerintah Daerah", "Lembaga Keuangan", "Lembaga Pendidikan"],
            "scope_items": [40, 2, 30],
            "scope_rate": [0.3, 1.0, 0.4],
            "scope_rate_low": [0.2, 0.34, 0.25],
            "scope_rate_high": [0.45, 1.0, 0.55],
            "small_group": [False, True, False],
        }
    )
    fig = charts.rate_bar(df, "category")
    (bar,) = fig.data
    # Keuangan has the highest rate but is small: after the ranked groups, marked " *"
    assert list(fig.layout.yaxis.ticktext) == ["Pendidikan", "Pemda", "Keuangan *"]
    assert list(bar.marker.color) == [
        charts.bars.BAR_COLOR,
        charts.bars.BAR_COLOR,
        charts.bars.SMALL_GROUP_COLOR,
    ]
    assert list(bar.marker.pattern.shape) == ["", "", "/"]
    assert "kurang dari 5 perjanjian" in bar.hovertext[2]
    # without the flag column every bar is coloured and ranked by rate
    fig = charts.rate_bar(df.drop(columns="small_group"), "category")
    assert list(fig.layout.yaxis.ticktext) == ["Keuangan", "Pendidikan", "Pemda"]
    assert set(fig.data[0].marker.color) == {charts.bars.BAR_COLOR}


def _funnel():
    df = pd.DataFrame(
        {
            "province": ["Bali", "Aceh", None],
            "agreements": [10, 40, 3],
            "agreements_followed_up": [10, 8, 1],
            "followup_rate": [1.0, 0.2, 1 / 3],
            "position": ["above_998", "below_95", "within"],
        }
    )
    limits = pd.DataFrame(
        {
            "agreements": [1, 10, 40],
            "overall_rate": [0.4, 0.4, 0.4],
            "limit_95_low": [0.0, 0.12, 0.26],
            "limit_95_high": [0.9, 0.7, 0.56],
            "limit_998_low": [0.0, 0.05, 0.2],
            "limit_998_high": [0.99, 0.82, 0.63],
        }
    )
    return df, limits


def test_funnel_plot_points_limits_and_labels():
    df, limits = _funnel()
    fig = charts.funnel_plot(df, limits, "province")
    lines, points = fig.data[:5], fig.data[5]
    assert [tr.line.dash for tr in lines] == ["solid", "dash", "dash", "dot", "dot"]
    assert list(lines[1].y) == [0.0, 0.12, 0.26] and list(lines[4].x) == [1.0, 10.0, 40.0]
    assert [tr.showlegend for tr in lines] == [True, True, False, True, False]
    assert list(points.x) == [10, 40, 3] and list(points.y) == [1.0, 0.2, 1 / 3]
    colors = charts.funnel.POSITION_COLORS
    assert list(points.marker.color) == [colors["above_998"], colors["below_95"], colors["within"]]
    # only groups beyond 99.8% are named on the chart; a missing name is worded
    assert list(points.text) == ["Bali", "", ""]
    assert "(tidak diisi)" in points.hovertext[2] and "Di atas batas 99,8%" in points.hovertext[0]
    assert fig.layout.yaxis.range == (-0.03, 1.03)
    en = charts.funnel_plot(df, limits, "province", lang="en")
    assert "Above the 99.8% limit" in en.data[5].hovertext[0]
    assert en.data[0].name == "Overall rate"


def test_funnel_plot_escapes_names_and_needs_its_columns():
    df, limits = _funnel()
    df.loc[0, "province"] = EVIL
    fig = charts.funnel_plot(df, limits, "province")
    assert "<script>" not in fig.data[5].text[0] and "<script>" not in fig.data[5].hovertext[0]
    with pytest.raises(KeyError):
        charts.funnel_plot(df.drop(columns="agreements"), limits, "province")
    with pytest.raises(KeyError):
        charts.funnel_plot(df, limits.drop(columns="limit_998_low"), "province")


def test_heatmap_small_cells_are_grey():
    from evaluation.presentation.charts.heatmap import SMALL_CELL_COLOR

    df = pd.DataFrame(
        {
            "category": ["Pemerintah Daerah", "Lembaga Keuangan"],
            "scope": ["Koordinasi Tugas dan Fungsi"] * 2,
            "scope_rate": [0.3, 1.0],
            "scope_items": [100, 1],
            "small_group": [False, True],
        }
    )
    fig = charts.heatmap(df)
    fills = [s.fillcolor for s in fig.layout.shapes]
    assert fills[1] == SMALL_CELL_COLOR and fills[0] != fills[1]
    assert "kurang dari 5 perjanjian" in fig.data[0].hovertext[1]
    assert "kurang dari 5" not in fig.data[0].hovertext[0]
    plain = charts.heatmap(df.drop(columns="small_group"))
    assert plain.layout.shapes[1].fillcolor != SMALL_CELL_COLOR
