"""plotly.js's own texts in the reader's language: mode bar tooltips in Bahasa Indonesia in
an Indonesian report, English in an English one, registered once per HTML and offline.

The reports are real: a notebook with the chart outputs a report cell writes, rendered by
nbconvert (:func:`evaluation.publish.html.notebook_to_html`, which embeds plotly.js), then
opened in the system Chromium with every network request blocked.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pandas as pd
import plotly.graph_objects as go
import plotly.offline
from test_pdf import needs_chromium

from evaluation.presentation import charts
from evaluation.presentation.charts.embed import PLOTLY_TEXTS, plotly_locale
from evaluation.presentation.text import load_translations
from evaluation.publish.browser import LOCAL_SCHEMES
from evaluation.publish.html import notebook_to_html
from html_inspect import chromium_browser


def _report(folder: Path, lang: str) -> Path:
    """An executed report notebook in ``lang``: its first cell's output (``L.persiapan()``)
    and two charts, rendered to HTML as ``evaluation report`` renders it (plotly.js added
    when the HTML is made)."""
    from evaluation.params import check_params
    from evaluation.presentation.report import PLOTLYJS_ENV, Laporan, Tabel

    L = Laporan(tabel=Tabel({}), params=check_params({"as_of": "2024-03-14", "lang": lang}))
    saved = os.environ.get(PLOTLYJS_ENV)
    os.environ[PLOTLYJS_ENV] = "external"  # as the pack's kernels have it
    try:
        first = str(L.persiapan())
    finally:
        if saved is None:
            del os.environ[PLOTLYJS_ENV]
        else:
            os.environ[PLOTLYJS_ENV] = saved
    setup = nbformat.v4.new_code_cell("L.persiapan()")
    setup.execution_count = 1
    setup.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": first, "text/plain": "Html"})
    ]
    df = pd.DataFrame({"category": ["Pemda", "Kesehatan"], "agreements": [12, 5]})
    fig = charts.count_bar(df, "category", title="Perjanjian per kategori", lang=lang)
    cell = nbformat.v4.new_code_cell("charts.show(fig)")
    cell.execution_count = 2
    # and a chart of an analyst's own, with zoom (the report's charts have fixed axes)
    own = go.Figure(go.Scatter(x=[2019, 2020, 2021], y=[0.4, 0.55, 0.6]))
    own.update_layout(separators=",." if lang == "id" else ".,", title="Tren")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=charts.mimebundle(fig)),
        nbformat.v4.new_output("display_data", data=charts.mimebundle(own)),
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Laporan"), setup, cell])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    src = folder / f"laporan_{lang}.ipynb"
    nbformat.write(nb, src)
    return notebook_to_html(src, folder / f"laporan_{lang}.html", "Laporan", lang=lang)


def test_every_text_is_one_plotly_js_knows():
    """The English text of each plotly.* message is plotly.js's dictionary key: it occurs in
    the bundled plotly.js (else the Indonesian text would never be shown); the basic bundle
    has them all but the hover labels of box plots, a trace type it does not draw."""
    from evaluation.presentation.charts.bundle import basic_bundle

    table = load_translations()
    assert {k.split(".", 1)[1] for k in table if k.startswith("plotly.")} == set(PLOTLY_TEXTS)
    box_only = {"median", "mean", "min", "max", "q1", "q3", "lower_fence", "upper_fence"}
    bundles = {"full": (plotly.offline.get_plotlyjs(), set(PLOTLY_TEXTS))}
    if basic_bundle() is not None:
        bundles["basic"] = (basic_bundle().source, set(PLOTLY_TEXTS) - box_only)
    for source, names in bundles.values():
        for name in names:
            assert f'"{table[f"plotly.{name}"]["en"]}"' in source, name
    locale = plotly_locale("id")
    assert locale["dictionary"]["Zoom in"] == "Perbesar"
    assert locale["format"]["months"][5] == "Juni" and locale["format"]["days"][0] == "Minggu"
    assert locale["format"]["decimal"] == "," and locale["format"]["thousands"] == "."


def test_the_locale_is_registered_once_per_report(tmp_path):
    html = _report(tmp_path, "id").read_text(encoding="utf-8")
    assert html.count("data-eval-plotlyjs") == 1
    assert html.count("window.Plotly.register(") == 1
    assert '"locale": "id"' in html or '"locale":"id"' in html
    assert html.count("data-eval-plotly-locale") == 1
    assert html.index("data-eval-plotlyjs") < html.index("data-eval-plotly-locale")
    assert html.index("data-eval-plotly-locale") < html.index('class="eval-chart"')
    en = _report(tmp_path, "en").read_text(encoding="utf-8")
    assert re.search(r'"locale":\s*"en"', en)
    # an English report carries no Indonesian words of plotly.js
    assert "window.Plotly.register(" not in en and "Perbesar" not in en and "Maret" not in en


@needs_chromium
def test_mode_bar_tooltips_follow_the_report_language(tmp_path):
    blocked: list[str] = []
    titles = {}
    with chromium_browser() as browser:
        for lang in ("id", "en"):
            html = _report(tmp_path, lang)
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})

            def route(r):
                if r.request.url.lower().startswith(LOCAL_SCHEMES):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            ctx.route("**/*", route)
            page = ctx.new_page()
            page.goto(html.as_uri(), wait_until="load", timeout=120_000)
            page.wait_for_selector(".eval-chart .modebar-btn", state="attached", timeout=60_000)
            titles[lang] = page.eval_on_selector_all(
                ".eval-chart .modebar-btn", "els => els.map(e => e.getAttribute('data-title'))"
            )
            ctx.close()
    assert blocked == []
    assert "Unduh grafik sebagai PNG" in titles["id"]
    assert {"Perbesar", "Perkecil", "Kembalikan sumbu", "Skala otomatis"} <= set(titles["id"])
    assert not {"Download plot as a PNG", "Zoom in", "Reset axes"} & set(titles["id"])
    assert "Download plot as a PNG" in titles["en"]
    assert {"Zoom in", "Zoom out", "Reset axes", "Autoscale"} <= set(titles["en"])
    assert "Perbesar" not in titles["en"]
    assert not any("Share" in t or "Bagikan" in t for t in titles["id"] + titles["en"])
