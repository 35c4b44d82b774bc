"""The HTML report as its readers use it, in the system Chromium (Playwright), offline.

The session's sample pack (``sample_pack`` in conftest: the bundled synthetic sample through
``evaluation report`` once, main report, HTML and PDF) is opened at 1280 px and at 390 px (a
phone).
The tests then check: nothing is wider than the window, every contents link lands on its
section, typing in a long table's search box filters its rows, the downloaded CSV is the
table of record byte for byte, no request leaves the machine, every chart has a title, an
``aria-label`` and a data table, and the PDF printed from the same HTML holds the full
static tables (no paging widgets).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from test_pdf import needs_chromium

from evaluation.publish.browser import LOCAL_SCHEMES
from html_inspect import chromium_browser

pytestmark = needs_chromium

WIDTHS = (1280, 390)

#: Elements reaching past the window's right edge that are not inside a scroll box that fits.
TOO_WIDE_JS = """() => {
  const W = document.documentElement.clientWidth;
  const scrolls = el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= W + 1 || r.right < 0) continue;
    let a = el.parentElement, inside = false;
    while (a && a !== document.body) {
      if (scrolls(a)) { inside = a.getBoundingClientRect().right <= W + 1; break; }
      a = a.parentElement;
    }
    if (!inside) bad.push(el.tagName + '.' + String(el.className).slice(0, 60) + ' right=' + Math.round(r.right));
  }
  return {width: W, page: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth), bad};
}"""
#: Boxes that clip their content (overflow hidden/clip with content wider than the box).
CLIPPED_JS = """() => Array.from(document.querySelectorAll('main *')).filter(el => {
  const o = getComputedStyle(el).overflowX;
  return (o === 'hidden' || o === 'clip') && el.scrollWidth > el.clientWidth + 1
    && !el.closest('.eval-chart, .dt-container');
}).map(el => el.tagName + '.' + String(el.className).slice(0, 60))"""


@pytest.fixture(scope="module")
def pack(sample_pack) -> dict:
    """The session's sample pack (read-only; see ``sample_pack`` in conftest)."""
    return sample_pack


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as b:
        yield b


@pytest.fixture(scope="module")
def pages(pack, browser):
    """The report opened at each width; every request any page makes is recorded."""
    requests: list[str] = []
    opened = {}
    contexts = []
    for width in WIDTHS:
        ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
        ctx.on("request", lambda r: requests.append(r.url))
        page = ctx.new_page()
        page.goto(pack["html"].as_uri(), wait_until="load", timeout=180_000)
        page.wait_for_function(
            "() => document.querySelectorAll('.eval-interactive .dt-container').length"
            " === document.querySelectorAll('.eval-interactive').length"
            " && Array.from(document.querySelectorAll('.eval-chart'))"
            ".every(d => d.querySelector('svg.main-svg'))",
            timeout=120_000,
        )
        opened[width] = page
        contexts.append(ctx)
    yield {"pages": opened, "requests": requests}
    for ctx in contexts:
        ctx.close()


def _table_box(page, record: str):
    """The interactive table box whose download link is the table of record ``record``."""
    box = page.locator(".eval-tablebox").filter(has=page.locator(f'a[data-eval-record="{record}"]'))
    assert box.count() == 1, f"no interactive table for {record}"
    return box


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_is_wider_than_the_window(pages, width):
    page = pages["pages"][width]
    found = page.evaluate(TOO_WIDE_JS)
    assert found["width"] == width
    assert found["page"] <= width, "the page scrolls sideways"
    assert found["bad"] == []
    assert page.evaluate(CLIPPED_JS) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_every_contents_link_lands_on_its_section(pages, width):
    page = pages["pages"][width]
    links = page.locator("nav.eval-toc a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 10 and len(set(hrefs)) == len(hrefs)
    assert page.locator("nav.eval-toc").is_visible()
    sidebar = page.evaluate("getComputedStyle(document.querySelector('nav.eval-toc')).position")
    assert sidebar == ("fixed" if width >= 1200 else "static")
    for i, href in enumerate(hrefs):
        target = href.removeprefix("#")
        assert page.locator(f'[id="{target}"]').count() == 1, href
        links.nth(i).click()
        page.wait_for_function("h => location.hash === h", arg=href)
        top = page.evaluate(f"document.getElementById({target!r}).getBoundingClientRect().top")
        # Near the top of the window (the last sections may stop higher: the page ends)
        assert -2 <= top < 900, (href, top)
        assert page.locator(f'[id="{target}"]').is_visible()


def test_search_box_filters_the_rows(pack, pages):
    page = pages["pages"][1280]
    table = pd.read_csv(pack["folder"] / "tables" / "needs_assistance.csv")
    top_n = 25
    assert len(table) > top_n  # the interactive table holds rows the printed one does not
    name = str(table["partner_name"].iloc[top_n + 10])
    expected = int(table["partner_name"].str.contains(name, regex=False).sum())
    box = _table_box(page, "needs_assistance")
    rows = box.locator(".eval-interactive table.dataTable tbody tr")
    search = box.locator(".dt-search input")
    assert rows.count() == 10  # first page
    search.fill(f'"{name}"')
    page.wait_for_function(
        "([el, n]) => el.querySelectorAll('.eval-interactive table.dataTable tbody tr').length === n",
        arg=[box.element_handle(), expected],
    )
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert all(name in t for t in texts)
    info = box.locator(".dt-info").inner_text()
    assert str(len(table)) in info  # "(disaring dari 192 baris)"
    search.fill("tidak-ada-mitra-dengan-nama-ini")
    page.wait_for_function(
        "el => el.querySelector('.eval-interactive tbody td.dt-empty')",
        arg=box.element_handle(),
    )
    search.fill("")


@pytest.mark.parametrize("record", ["needs_assistance", "ending_soon", "ended_without_followup"])
def test_downloaded_csv_is_the_table_of_record(pack, pages, record):
    page = pages["pages"][390]
    link = _table_box(page, record).locator(f'a[data-eval-record="{record}"]')
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"{record}.csv"
    got = Path(download.path()).read_bytes()
    assert got == (pack["folder"] / "tables" / f"{record}.csv").read_bytes()


def test_csv_button_exports_the_filtered_rows(pack, pages):
    page = pages["pages"][1280]
    table = pd.read_csv(pack["folder"] / "tables" / "ending_soon.csv")
    name = str(table["partner_name"].iloc[-1])
    box = _table_box(page, "ending_soon")
    box.locator(".dt-search input").fill(f'"{name}"')
    with page.expect_download() as info:
        box.locator("button.buttons-csv").click()
    exported = pd.read_csv(io.BytesIO(Path(info.value.path()).read_bytes()), dtype=str)
    box.locator(".dt-search input").fill("")
    assert len(exported) == int(table["partner_name"].str.contains(name, regex=False).sum())
    assert exported.iloc[:, 0].str.contains(name, regex=False).all()
    headers = box.locator(".eval-interactive table.dataTable thead th")
    assert list(exported.columns) == [headers.nth(i).inner_text() for i in range(headers.count())]


def test_no_request_leaves_the_machine(pages):
    assert pages["requests"], "the listener saw nothing"
    outside = [u for u in pages["requests"] if not u.lower().startswith(LOCAL_SCHEMES)]
    assert outside == []


def test_the_report_embeds_the_basic_plotly_js_and_its_charts_draw(pack, pages):
    """The report's charts are bars and lines: the HTML embeds plotly.js's basic bundle
    (npm, installed by the set-up; the full one when npm is missing), whose registered
    traces are those the page runs; every chart is drawn (``pages`` waits for it) and printed
    (its title is in the PDF's text)."""
    from pypdf import PdfReader

    from evaluation.presentation.charts import bundle

    basic = bundle.basic_bundle()
    if basic is None:
        pytest.skip("no basic plotly.js bundle: make setup installs it with npm")
    html = pack["html"].read_text(encoding="utf-8")
    assert re.findall(r'data-eval-plotlyjs="(\w+)"', html) == ["basic"]
    assert basic.source in html and bundle.full_bundle().source not in html
    assert len(html.encode("utf-8")) < 3_500_000
    page = pages["pages"][WIDTHS[0]]
    assert page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).sort()") == sorted(
        basic.traces
    )
    assert page.evaluate("() => Plotly.version") == basic.version
    titles = page.eval_on_selector_all(".eval-chart", "els => els.map(e => e.title)")
    assert len(titles) >= 5
    assert page.locator(".eval-chart svg.main-svg .mlayer").count() >= len(titles)
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pack["pdf"]).pages).split())
    assert [t for t in titles if " ".join(t.split()) not in text] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_have_title_label_mode_bar_and_data(pages, width):
    page = pages["pages"][width]
    charts = page.locator(".eval-chart")
    assert charts.count() >= 5
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.get_attribute("role") == "img"
        title = chart.get_attribute("title")
        assert title and title in chart.get_attribute("aria-label")
        assert chart.locator(".gtitle").text_content().strip() == title
        assert chart.locator(".modebar-btn[data-title*='png' i]").count() == 1
        details = chart.locator("xpath=following-sibling::details[1]")
        assert details.count() == 1 and "eval-chart-data" in details.get_attribute("class")
        assert details.locator("tbody tr").count() >= 1


def test_print_shows_the_static_tables_only(pack, browser):
    ctx = browser.new_context(viewport={"width": 900, "height": 900})
    page = ctx.new_page()
    page.emulate_media(media="print")
    page.goto(pack["html"].as_uri(), wait_until="load", timeout=180_000)
    page.wait_for_function("() => document.querySelector('.eval-interactive .dt-container')")
    hidden = page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'nav.eval-toc, .eval-interactive, .eval-download, details.eval-chart-data, .modebar'))"
        ".filter(el => el.getClientRects().length > 0).length"
    )
    assert hidden == 0
    static = _table_box(page, "needs_assistance").locator(".eval-static table tbody tr")
    tiers = pd.read_csv(pack["folder"] / "tables" / "needs_assistance.csv")["tier"]
    printed = sum(min(25, n) for n in tiers.value_counts())  # top_n rows per tier
    assert static.count() == printed and static.first.is_visible()
    ctx.close()


def test_pdf_prints_every_row_of_the_static_tables(pack):
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pack["pdf"]).pages).split())
    table = pd.read_csv(pack["folder"] / "tables" / "needs_assistance.csv")
    assert str(table["partner_name"].iloc[24]) in text  # the last printed assistance row
    ending = pd.read_csv(pack["folder"] / "tables" / "ending_soon.csv")
    assert str(ending["partner_name"].iloc[min(len(ending), 25) - 1]) in text
    for widget in ("Cari:", "Unduh", "Data grafik"):
        assert widget not in text
    assert re.search(r"Daftar Isi", text)  # the PDF's own contents page
