"""``reports/index.html``: every evaluation folder listed with its figures and working links,
and a chart of the rates across evaluation dates; opened offline in the real Chromium.

The report folders are written here the way ``evaluation report`` writes them (``run.json``,
``tables/*.csv``, the main report's files), plus an older folder that lacks most files.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_pdf import needs_chromium

from evaluation.publish.html import find_external_resources
from evaluation.publish.index import collect, read_evaluation, render_index, write_index
from html_inspect import block_external, chromium_browser

RATES_COLUMNS = [
    "category", "agreements", "agreements_followed_up", "followup_rate", "scope_items",
    "scope_items_done", "scope_items_in_progress", "scope_rate", "scope_rate_low",
    "scope_rate_high", "followup_rate_low", "followup_rate_high",
]  # fmt: skip


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _report(
    reports: Path, as_of: str, lang: str, followup: float, scope: float, agreements: int
) -> Path:
    folder = reports / as_of
    suffix = "" if lang == "id" else "_en"
    total = "Semua" if lang == "id" else "All"
    _write_csv(
        folder / "tables" / "rates_overall.csv",
        RATES_COLUMNS,
        [[total, agreements, 1, followup, 10, 1, 0, scope, 0, 1, 0, 1]],
    )
    _write_csv(
        folder / "tables" / "headline_counts.csv",
        ["category", "agreements", "active", "ended"],
        [["Pemerintah Daerah", agreements - 3, 5, 1], [total, agreements, agreements - 7, 7]],
    )
    _write_csv(
        folder / "tables" / "needs_assistance.csv",
        ["agreement_id", "partner_name"],
        [[f"NK.{i}", f"Mitra {i}"] for i in range(4)],
    )
    (folder / "run.json").write_text(
        json.dumps({"parameters": {"as_of": as_of, "lang": lang}, "is_sample": lang == "en"}),
        encoding="utf-8",
    )
    for ext in ("html", "pdf"):
        (folder / f"laporan_evaluasi_{as_of}{suffix}.{ext}").write_text(f"{ext} {as_of}")
    (folder / "ringkasan.xlsx").write_bytes(b"PK")
    return folder


@pytest.fixture
def reports(tmp_path) -> Path:
    reports = tmp_path / "reports"
    _report(reports, "2024-03-14", "id", 0.4737, 0.3181, 342)
    _report(reports, "2024-09-12", "en", 0.5512, 0.3650, 360)
    old = reports / "2023-09-01"  # made by an older version: only a PDF and one table
    _write_csv(old / "tables" / "rates_by_category.csv", RATES_COLUMNS, [])
    (old / "laporan_evaluasi_2023-09-01.pdf").write_text("pdf")
    for other in ("_gagal", ".staging-2024-10-01-123", "notes"):
        (reports / other).mkdir()
    (reports / ".stamp-2024-03-14-id").write_text("")
    return reports


def test_collect_lists_every_dated_folder_oldest_first(reports):
    found = collect(reports)
    assert [e.as_of.isoformat() for e in found] == ["2023-09-01", "2024-03-14", "2024-09-12"]
    old, march, sept = found
    assert old.figures == {
        "agreements": None,
        "active": None,
        "followup_rate": None,
        "scope_rate": None,
        "needs_assistance": None,
    }
    assert old.links == {"pdf": "2023-09-01/laporan_evaluasi_2023-09-01.pdf"}
    assert old.lang is None
    assert march.figures == {
        "agreements": 342,
        "active": 335,
        "followup_rate": 0.4737,
        "scope_rate": 0.3181,
        "needs_assistance": 4,
    }
    assert march.lang == "id" and not march.is_sample
    assert sept.lang == "en" and sept.is_sample
    assert sept.links["html"] == "2024-09-12/laporan_evaluasi_2024-09-12_en.html"
    assert sept.links["xlsx"] == "2024-09-12/ringkasan.xlsx"
    assert collect(reports / "missing") == []
    assert read_evaluation(reports / "notes") is None


def test_index_text_is_indonesian_by_default_and_english_on_request(reports):
    page_id = render_index(collect(reports))
    assert '<html lang="id">' in page_id
    assert "Riwayat Evaluasi" in page_id and "14 Maret 2024" in page_id
    assert "47,4%" in page_id and "55,1%" in page_id  # Indonesian decimal comma
    page_en = render_index(collect(reports), lang="en")
    assert '<html lang="en">' in page_en
    assert "History of Cooperation Agreement Evaluations" in page_en
    assert "14 March 2024" in page_en and "47.4%" in page_en
    assert find_external_resources(page_id) == [] and find_external_resources(page_en) == []
    empty = render_index([])
    assert "Belum ada evaluasi" in empty and "<svg" not in empty


@needs_chromium
def test_index_opens_offline_with_working_links_and_a_chart(reports):
    index = write_index(reports)
    assert index == reports / "index.html"
    blocked: list[str] = []
    errors: list[str] = []
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        block_external(context, blocked)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(index.as_uri(), wait_until="load")
        rows = page.eval_on_selector_all(
            "tbody tr", "rows => rows.map(r => r.getAttribute('data-as-of'))"
        )
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        series = page.eval_on_selector_all(
            "svg.eval-trend polyline",
            "ls => ls.map(l => [l.getAttribute('class'), l.points.numberOfItems])",
        )
        points = page.eval_on_selector_all("svg.eval-trend g[class^=point-]", "gs => gs.length")
        label = page.get_attribute("svg.eval-trend", "aria-labelledby")
        title = page.text_content("svg.eval-trend title#trend-title")
        # Each link opens its file in the browser.
        first_html = next(h for h in hrefs if h.endswith(".html"))
        page.goto(first_html, wait_until="load")
        opened = page.text_content("body")
        widths = []
        page_phone = context.new_page()
        page_phone.set_viewport_size({"width": 390, "height": 800})
        page_phone.goto(index.as_uri(), wait_until="load")
        widths.append(page_phone.evaluate("document.documentElement.scrollWidth"))
    assert blocked == [] and errors == []
    assert rows == ["2024-09-12", "2024-03-14", "2023-09-01"]  # newest first
    assert len(hrefs) == 7  # 3 + 3 + the old folder's PDF
    for href in hrefs:
        target = Path(unquote(urlsplit(href).path))
        assert target.is_file() and reports in target.parents, href
    assert opened.startswith("html 2024-09-12")
    # Two series, each through the two evaluations that have the rate (not the old one).
    assert sorted(series) == [["series-followup_rate", 2], ["series-scope_rate", 2]]
    assert points == 4
    assert label == "trend-title trend-desc" and "tanggal evaluasi" in title
    assert widths == [390]  # the page itself does not scroll sideways on a phone


def test_higher_rate_is_drawn_higher(reports):
    """The chart's y goes up with the rate (September's follow-up above March's)."""
    import re

    svg = render_index(collect(reports))
    ys = [
        float(y)
        for y in re.findall(
            r'<g class="point-followup_rate">.*?<circle cx="[\d.]+" cy="([\d.]+)"', svg
        )
    ]
    assert len(ys) == 2 and ys[1] < ys[0]  # SVG y grows downwards
