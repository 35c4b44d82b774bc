"""Tests of the interactive twin of long tables (evaluation.presentation.interactive) and of
the chart data tables (evaluation.presentation.charts.datatable)."""

from __future__ import annotations

import base64
import json
import re

import pandas as pd
import pytest

from evaluation.params import ReportParams
from evaluation.presentation import charts
from evaluation.presentation.charts.datatable import data_table_html, figure_table
from evaluation.presentation.display import tabel
from evaluation.presentation.interactive import INTERACTIVE_MIN_ROWS, csv_bytes, sort_key
from evaluation.presentation.report import Laporan, Tabel, use
from evaluation.safe_csv import write_csv

EVIL = "</script><script>alert(1)</script>"


def _ending(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partner_name": [EVIL if i == 3 else f"Mitra {i:03d}" for i in range(n)],
            "ends_on": pd.to_datetime(
                [f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(n)]
            ),
            "scope_rate": [None if i == 5 else (i % 7) / 7 for i in range(n)],
            "days_left": list(range(n, 0, -1)),
        }
    )


@pytest.fixture
def report(tmp_path):
    df = _ending(40)
    write_csv(df, tmp_path / "ending_soon.csv")
    rep = Laporan(tabel=Tabel({"ending_soon": df}), params=ReportParams(), tables_dir=tmp_path)
    use(rep)
    yield rep, df, tmp_path
    use(None)


def _download(html: str) -> tuple[str, bytes]:
    m = re.search(r'download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([^"]+)"', html)
    assert m is not None
    return m.group(1), base64.b64decode(m.group(2))


def _dt_args(html: str) -> dict:
    m = re.search(r"let dt_args = (\{.*?\n\s*\});", html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_long_table_of_record_gets_an_interactive_twin(report):
    _rep, df, folder = report
    out = tabel(df, kolom=["partner_name", "ends_on", "scope_rate", "days_left"], panjang=True)
    html = out._repr_html_()
    # The static table (what the PDF prints) keeps top_n rows and its note.
    static = html.split('<div class="eval-static">', 1)[1]
    assert static.count("<tr>") == 25 + 1 and "25 baris teratas dari 40" in static
    # The download is the table of record's CSV, byte for byte.
    name, data = _download(html)
    assert name == "ending_soon.csv"
    assert data == (folder / "ending_soon.csv").read_bytes()
    # The twin holds every row, escaped; numbers and dates sort by value (hidden columns).
    args = _dt_args(html)
    rows = json.loads(args["data_json"])
    assert len(rows) == 40
    assert "<script>" not in args["data_json"] and "&lt;/script&gt;" in args["data_json"]
    assert rows[0][:2] == ["Mitra 000", "1 Januari 2025"]
    hidden = [d for d in args["columnDefs"] if d.get("visible") is False]
    assert [d["targets"] for d in hidden] == [[4], [5], [6]]
    order = {d["targets"][0]: d["orderData"][0] for d in args["columnDefs"] if "orderData" in d}
    assert order == {1: 4, 2: 5, 3: 6}
    assert rows[0][4] == "2025-01-01" and rows[5][5] < 0 <= rows[6][5]  # missing rate first
    assert args["buttons"][0]["extend"] == "csvHtml5"
    assert args["language"]["search"] == "Cari:"
    assert "data-eval-itable" in html and "unpkg" not in html and "cdn." not in html


def test_short_table_and_own_frames(report):
    _rep, df, _ = report
    small = df.head(INTERACTIVE_MIN_ROWS)
    assert "eval-interactive" not in tabel(small)._repr_html_()
    own = df.head(INTERACTIVE_MIN_ROWS + 1).copy()  # not a table of record: its own CSV
    name, data = _download(tabel(own)._repr_html_())
    assert name == "tabel.csv" and data == csv_bytes(own)
    assert pd.read_csv(__import__("io").BytesIO(data)).shape == own.shape


def test_sort_keys():
    s = pd.Series([0.5, None, 0.25])
    assert sort_key(s, "percent") == [0.5, -1e18, 0.25]
    assert sort_key(pd.Series(pd.to_datetime(["2024-03-01", None])), "date") == ["2024-03-01", ""]
    assert sort_key(pd.Series(["a"]), "text") is None


def test_figure_table_of_every_builder():
    rates = pd.DataFrame(
        {
            "category": ["Pemerintah Daerah", "Lembaga Kesehatan"],
            "scope_items": [10, 4],
            "scope_rate": [0.5, 0.75],
            "scope_rate_low": [0.3, 0.4],
            "scope_rate_high": [0.6, 0.9],
            "scope_items_done": [5, 3],
            "scope_items_in_progress": [2, 0],
            "agreements": [7, 2],
        }
    )
    head, rows = figure_table(charts.rate_bar(rates, "category", lang="en"))
    assert head == ["Group", "Scope implementation rate", "Lower bound (95%)", "Upper bound (95%)"]
    assert rows == [
        ["Health", "75.0%", "40.0%", "90.0%"],
        ["Local gov.", "50.0%", "30.0%", "60.0%"],
    ]
    head, rows = figure_table(charts.count_bar(rates, "category"))
    assert sorted(r[-1] for r in rows) == ["2", "7"]
    head, rows = figure_table(charts.status_stacked(rates, "category"))
    assert head[0] == "Seri" and len(rows) == 6
    assert {r[0] for r in rows} == {"Terlaksana", "Dalam Proses", "Belum Dilaksanakan"}
    grid = rates.assign(scope=["Diklat CPMI", "Layanan Kesehatan CPMI/PMI"])
    head, rows = figure_table(charts.heatmap(grid))
    assert len(head) == 3 and len(rows) == 2  # a matrix: categories x scopes
    assert any("50%" in c for r in rows for c in r)


def test_data_table_html_escapes_labels():
    df = pd.DataFrame({"category": [EVIL, "B"], "agreements": [3, 1]})
    out = data_table_html(charts.count_bar(df, "category"))
    assert out.startswith('<details class="eval-chart-data screen-only">')
    assert "<script>" not in out and "&lt;/script&gt;" in out
