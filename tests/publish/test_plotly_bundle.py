"""Which plotly.js an HTML report embeds: the basic bundle (bar, pie, scatter; npm
``plotly.js-basic-dist-min`` pinned in ``scripts/plotlyjs`` and installed by the set-up) when
every chart of the document is one of its trace types, else the full bundle of the Python
plotly package; both draw offline in the system Chromium.

The documents are real: notebooks with the outputs ``charts.show`` writes (one executed by
papermill, as an analyst's notebook is), rendered by nbconvert
(:func:`evaluation.publish.html.notebook_to_html`, which embeds plotly.js), opened in Chromium
with every network request blocked.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import plotly.graph_objects as go
import plotly.offline
import pytest
from test_pdf import needs_chromium

from evaluation.presentation import charts
from evaluation.presentation.charts import bundle
from evaluation.presentation.charts.embed import document_trace_types
from evaluation.publish.html import notebook_to_html
from html_inspect import block_external, chromium_browser

ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / "scripts" / "plotlyjs"
#: The set-up installs the basic bundle with npm; without npm the full one is used (and the
#: tests needing the basic bundle cannot run).
needs_basic = pytest.mark.skipif(
    shutil.which("npm") is None and bundle.basic_bundle() is None,
    reason="npm is not installed: no basic plotly.js bundle (make setup installs it)",
)
_EMBEDDED = re.compile(r'<script\b[^>]*\bdata-eval-plotlyjs="([a-z]+)"')


def _bar_and_line() -> list[go.Figure]:
    df = pd.DataFrame({"category": ["Pemda", "Kesehatan"], "agreements": [12, 5]})
    bar = charts.count_bar(df, "category", title="Perjanjian per kategori", lang="id")
    line = go.Figure(go.Scatter(x=[2019, 2020, 2021], y=[0.4, 0.55, 0.6]))
    line.update_layout(title="Tren")
    return [bar, line]


def _notebook(folder: Path, name: str, figures: list[go.Figure]) -> Path:
    """An executed notebook whose one cell showed ``figures`` (``charts.show`` outputs)."""
    cell = nbformat.v4.new_code_cell("charts.show(fig)")
    cell.execution_count = 1
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=charts.mimebundle(f)) for f in figures
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Laporan"), cell])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _render(ipynb: Path) -> tuple[Path, str]:
    out = notebook_to_html(ipynb, ipynb.with_suffix(".html"), "Laporan", lang="id")
    html = out.read_text(encoding="utf-8")
    embedded = _EMBEDDED.findall(html)
    assert len(embedded) == 1, embedded
    return out, embedded[0]


def _open(browser, html: Path, ready: str):
    """``html`` opened offline; waits until ``ready`` (a JS expression) holds."""
    ctx = browser.new_context(viewport={"width": 1100, "height": 900})
    blocked: list[str] = []
    block_external(ctx, blocked)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(html.as_uri(), wait_until="load", timeout=120_000)
    page.wait_for_function(f"() => {ready}", timeout=60_000)
    return ctx, page, blocked, errors


#: Every chart drawn: its svg holds a layer of its traces (``.mlayer``).
_ALL_DRAWN = (
    "Array.from(document.querySelectorAll('.eval-chart'))"
    ".every(d => d.querySelector('svg.main-svg .mlayer'))"
)
#: Every chart laid out (axes), whether or not its traces could be drawn.
_ALL_LAID_OUT = "Array.from(document.querySelectorAll('.eval-chart')).every(d => d.querySelector('svg.main-svg'))"
_TRACES_JS = "() => Object.keys(window.Plotly.PlotSchema.get().traces).sort()"


# ----------------------------------------------------------------------------- the pin
def test_the_pinned_bundle_is_the_python_plotlys_plotly_js():
    """package.json pins an exact version, the lock file holds that version with its
    integrity, and it is the plotly.js the Python plotly package writes its JSON for."""
    wanted = json.loads((NPM_DIR / "package.json").read_text())["dependencies"]
    assert list(wanted) == [bundle.BASIC_PACKAGE]
    version = wanted[bundle.BASIC_PACKAGE]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin an exact version"
    lock = json.loads((NPM_DIR / "package-lock.json").read_text())
    locked = lock["packages"][f"node_modules/{bundle.BASIC_PACKAGE}"]
    assert locked["version"] == version and locked["integrity"].startswith("sha512-")
    assert version == plotly.offline.get_plotlyjs_version()
    assert "node_modules/" in (ROOT / ".gitignore").read_text().splitlines()


def test_bundle_versions_and_traces_are_read_from_the_bundles():
    full = bundle.full_bundle()
    assert full.version == plotly.offline.get_plotlyjs_version()
    assert {"bar", "scatter", "pie", "heatmap", "histogram", "choropleth"} <= full.traces
    assert bundle.bundle_version("/**\n* plotly.js (basic - minified) v4.1.1\n*/") == "4.1.1"
    assert bundle.bundle_version("var Plotly = 1;") is None


# ----------------------------------------------------------------------------- the choice
@needs_basic
def test_the_basic_bundle_is_installed_and_chosen_for_bars_and_lines():
    basic = bundle.basic_bundle()
    assert basic is not None, "run `make setup` (npm ci in scripts/plotlyjs)"
    assert basic.traces == {"bar", "pie", "scatter"}
    assert basic.version == plotly.offline.get_plotlyjs_version()
    assert len(basic.source) < len(bundle.full_bundle().source) / 3
    assert bundle.bundle_for({"bar", "scatter"}) is basic
    assert bundle.bundle_for({"bar", "heatmap"}).name == "full"
    assert bundle.bundle_for(None).name == "full"
    # the printer's warm-up page calls plotly_js_html() without argument: the reports' bytes
    block = charts.plotly_js_html()
    assert 'data-eval-plotlyjs="basic"' in block and basic.source in block
    assert charts.plotly_js_html(None) == charts.plotly_js_html({"histogram"})
    assert 'data-eval-plotlyjs="full"' in charts.plotly_js_html(None)


def test_a_document_says_which_trace_types_it_draws():
    bar, line = _bar_and_line()
    heat = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    body = charts.figure_html(bar) + charts.figure_html(line)
    assert document_trace_types(body) == {"bar", "scatter"}
    assert document_trace_types(body + charts.figure_html(heat)) == {"bar", "scatter", "heatmap"}
    assert document_trace_types("<p>no chart</p>") == frozenset()
    # a chart written without the attribute, or plotly.js called by something else: unknown
    stripped = re.sub(r' data-eval-traces="[^"]*"', "", body, count=1)
    assert document_trace_types(stripped) is None
    other = body + '<script>Plotly.newPlot("x", [{"type": "heatmap"}]);</script>'
    assert document_trace_types(other) is None


@needs_basic
def test_without_the_basic_bundle_or_with_another_version_the_full_one_is_used(
    tmp_path, monkeypatch
):
    nb = _notebook(tmp_path, "laporan", _bar_and_line())
    assert _render(nb)[1] == "basic"
    key, text = bundle.bundles_key(), bundle.basic_bundle().source
    monkeypatch.setenv(bundle.BASIC_ENV, str(tmp_path / "missing" / "plotly-basic.min.js"))
    assert bundle.basic_bundle() is None
    assert _render(nb)[1] == "full"
    assert bundle.bundles_key() != key  # a report built with the other bundle is rebuilt
    other = tmp_path / "plotly-basic.min.js"
    version = plotly.offline.get_plotlyjs_version()
    other.write_text(text.replace(f" v{version}\n", " v0.0.1\n", 1), encoding="utf-8")
    monkeypatch.setenv(bundle.BASIC_ENV, str(other))
    assert bundle.basic_bundle() is None and _render(nb)[1] == "full"
    other.write_text(text, encoding="utf-8")  # the same file elsewhere is used
    assert bundle.basic_bundle() is not None and _render(nb)[1] == "basic"


# ----------------------------------------------------------------------------- in Chromium
@needs_chromium
@needs_basic
def test_the_basic_bundle_registers_the_traces_read_from_it(tmp_path):
    page_file = tmp_path / "basic.html"
    page_file.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{charts.plotly_js_html()}'
        "</head><body></body></html>",
        encoding="utf-8",
    )
    with chromium_browser() as browser:
        ctx, page, blocked, errors = _open(browser, page_file, "!!window.Plotly")
        traces = page.evaluate(_TRACES_JS)
        version = page.evaluate("() => window.Plotly.version")
        ctx.close()
    assert traces == sorted(bundle.basic_bundle().traces) == ["bar", "pie", "scatter"]
    assert version == plotly.offline.get_plotlyjs_version()
    assert blocked == [] and errors == []


@pytest.mark.e2e
@needs_chromium
@needs_basic
def test_an_analysts_heatmap_and_histogram_get_the_full_bundle_and_draw(tmp_path, monkeypatch):
    """An analyst's notebook executed by papermill as the pack runs it (plotly.js not in the
    outputs) with a heatmap and a px.histogram: its HTML embeds the full bundle, and both
    draw. The control: the same charts on a page with the basic bundle draw nothing."""
    import papermill

    from evaluation.presentation.report import PLOTLYJS_ENV

    src = tmp_path / "analisis_panas.ipynb"
    code = (
        "import pandas as pd\n"
        "import plotly.express as px\n"
        "import plotly.graph_objects as go\n"
        "from evaluation.presentation import charts\n"
        "charts.show(go.Figure(go.Heatmap(z=[[1, 2, 3], [4, 5, 6]]), layout={'title': 'Panas'}))\n"
        "charts.show(px.histogram(pd.DataFrame({'n': [1, 2, 2, 3, 3, 3]}), x='n', title='Sebaran'))\n"
        "charts.show(go.Figure(go.Bar(x=['a', 'b'], y=[1, 2]), layout={'title': 'Batang'}))\n"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbformat.write(nb, src)
    monkeypatch.setenv(PLOTLYJS_ENV, "external")  # as the pack's kernels have it
    executed = tmp_path / "analisis_panas.out.ipynb"
    papermill.execute_notebook(
        str(src), str(executed), kernel_name="python3", progress_bar=False, cwd=str(tmp_path)
    )
    html, embedded = _render(executed)
    assert embedded == "full"
    text = html.read_text(encoding="utf-8")
    assert text.count("data-eval-plotlyjs") == 1 and 'data-eval-traces="heatmap"' in text
    # the control: the same body with the basic bundle instead
    basic_page = tmp_path / "control.html"
    basic_page.write_text(
        text.replace(charts.plotly_js_html(None), charts.plotly_js_html()), encoding="utf-8"
    )
    drawn = (
        "({heat: document.querySelectorAll('.eval-chart .heatmaplayer image').length,"
        " bars: document.querySelectorAll('.eval-chart .barlayer .point').length})"
    )
    with chromium_browser() as browser:
        ctx, page, blocked, errors = _open(browser, html, _ALL_DRAWN)
        full = page.evaluate(f"() => {drawn}")
        ctx.close()
        ctx, page, _, _ = _open(browser, basic_page, _ALL_LAID_OUT)
        page.wait_for_timeout(500)
        control = page.evaluate(f"() => {drawn}")
        ctx.close()
    assert blocked == [] and errors == []
    assert full["heat"] == 1 and full["bars"] == 3 + 2  # histogram bins, bar chart's bars
    # the basic bundle draws the bar chart only (the histogram falls back to a scatter)
    assert control["heat"] == 0 and control["bars"] == 2


@needs_chromium
@needs_basic
def test_bars_and_lines_draw_with_the_basic_bundle(tmp_path):
    html, embedded = _render(_notebook(tmp_path, "laporan", _bar_and_line()))
    assert embedded == "basic"
    with chromium_browser() as browser:
        ctx, page, blocked, errors = _open(browser, html, _ALL_DRAWN)
        traces = page.evaluate(_TRACES_JS)
        bars = page.locator(".eval-chart .barlayer .point").count()
        lines = page.locator(".eval-chart .scatterlayer .js-line").count()
        ctx.close()
    assert traces == ["bar", "pie", "scatter"]  # the page runs the basic bundle
    assert bars == 2 and lines == 1
    assert blocked == [] and errors == []


# ----------------------------------------------------------------------------- the set-up
SETUP_JS = ROOT / "scripts" / "setup_plotlyjs.sh"


def test_set_up_without_npm_says_so_and_goes_on(tmp_path):
    """No npm on the PATH: the set-up step says the reports embed the full bundle and does
    not fail (``make setup`` carries on)."""
    import subprocess

    for name in ("package.json", "package-lock.json"):
        shutil.copy(NPM_DIR / name, tmp_path / name)
    bash = shutil.which("bash")
    done = subprocess.run(
        [bash, str(SETUP_JS), str(tmp_path)],
        env={"PATH": str(tmp_path / "no-bin")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert "npm (Node.js) not found" in done.stderr and "full plotly.js" in done.stderr
    assert not (tmp_path / "node_modules").exists()


@needs_basic
def test_set_up_does_nothing_when_the_bundle_is_installed():
    import subprocess

    done = subprocess.run(
        ["bash", str(SETUP_JS)], capture_output=True, text=True, timeout=60, check=True
    )
    assert "already installed" in done.stdout, done.stdout + done.stderr
