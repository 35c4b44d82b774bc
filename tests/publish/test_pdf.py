"""Tests of evaluation.publish.pdf and evaluation.publish.browser, and the end-to-end report chain.

The end-to-end tests (marked ``e2e``) build a tiny report notebook, execute it with
papermill, convert it with :func:`evaluation.publish.html.notebook_to_html`, open it offline in the
system Chromium with ``inspect_html`` (tests/html_inspect.py) and print it with
:func:`evaluation.publish.pdf.print_pdfs`.
"""

from __future__ import annotations

import base64
import logging
import os
import re
import shutil
import stat
import struct
import subprocess
import tempfile
import time
import unicodedata
import zlib
from pathlib import Path

import nbformat
import pytest

from evaluation.errors import RenderError
from evaluation.publish.html import notebook_to_html
from evaluation.publish.pdf import chromium_version, find_chromium, print_pdfs
from html_inspect import inspect_html

EVIL = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
HAVE_CHROMIUM = any(
    shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome", "msedge")
) or bool(os.environ.get("EVALUATION_CHROMIUM"))
needs_chromium = pytest.mark.skipif(not HAVE_CHROMIUM, reason="no Chromium on this machine")


def _png(width: int = 4, height: int = 4) -> bytes:
    """A valid red RGB PNG: the positive control for the "no raster image" check."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG_4X4 = base64.b64encode(_png()).decode()


# --------------------------------------------------------------------------- find_chromium


def test_find_chromium_prefers_the_environment_variable(tmp_path, monkeypatch):
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\necho 'Fake Chromium 1.2.3'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("EVALUATION_CHROMIUM", str(fake))
    assert find_chromium() == str(fake.resolve())
    assert chromium_version() == "Fake Chromium 1.2.3"


def test_find_chromium_bad_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALUATION_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(RenderError, match="EVALUATION_CHROMIUM is set to"):
        find_chromium()


def test_find_chromium_none_on_path(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALUATION_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder
    with pytest.raises(RenderError) as info:
        find_chromium()
    assert "apt-get install chromium" in str(info.value)
    assert "EVALUATION_CHROMIUM" in str(info.value)


def test_find_chromium_searches_path_in_order(tmp_path, monkeypatch):
    monkeypatch.delenv("EVALUATION_CHROMIUM", raising=False)
    for name in ("google-chrome", "msedge"):
        exe = tmp_path / name
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(tmp_path / "google-chrome")


def test_print_pdfs_missing_html(tmp_path):
    with pytest.raises(RenderError, match="not found"):
        print_pdfs([(tmp_path / "none.html", tmp_path / "none.pdf")])
    assert print_pdfs([]) == []


@needs_chromium
def test_chromium_version_of_the_real_browser(monkeypatch):
    monkeypatch.delenv("EVALUATION_CHROMIUM", raising=False)
    version = chromium_version()
    assert any(ch.isdigit() for ch in version)
    assert any(w in version for w in ("Chromium", "Chrome", "Edge"))


# --------------------------------------------------------------------------- end to end

TINY_CODE = f"""\
import pandas as pd
from evaluation.presentation import charts

charts.init_notebook()
EVIL = {EVIL!r}
rates = pd.DataFrame({{
    "category": ["Pemerintah Daerah", EVIL, "Lembaga Kesehatan"],
    "scope_items": [40, 5, 0],
    "scope_rate": [0.425, 0.8, None],
    "scope_rate_low": [0.3, 0.4, None],
    "scope_rate_high": [0.55, 0.95, None],
}})
charts.show(charts.rate_bar(rates, "category", title=EVIL), chart_id="rate-by-category")
grid = pd.DataFrame({{
    "category": ["Pemerintah Daerah", "Pemerintah Daerah", "Lembaga Pendidikan",
                 "Lembaga Pendidikan"],
    "scope": ["Pendidikan dan Pelatihan Calon PMI", "Koordinasi Tugas dan Fungsi",
              "Pendidikan dan Pelatihan Calon PMI", "Koordinasi Tugas dan Fungsi"],
    "scope_rate": [0.2, 0.9, None, 0.5],
    "scope_items": [10, 5, 0, 2],
}})
charts.show(charts.heatmap(grid), chart_id="heatmap")
"""


def _build_tiny_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Laporan Uji Coba\n\nIni paragraf uji untuk laporan evaluasi kerja sama."
        ),
        nbformat.v4.new_code_cell(TINY_CODE),
        nbformat.v4.new_markdown_cell(
            "## Bagian Kedua\n\nHalaman baru setelah pemisah.", metadata={"tags": ["page-break"]}
        ),
        nbformat.v4.new_markdown_cell("Teks khusus layar.", metadata={"tags": ["screen-only"]}),
    ]
    nbformat.write(nb, path)
    return path


def _control_html(path: Path) -> Path:
    path.write_text(
        "<!DOCTYPE html><html><body><p>Kontrol raster</p>"
        f'<img src="data:image/png;base64,{PNG_4X4}" style="width:200px;height:200px">'
        "</body></html>",
        encoding="utf-8",
    )
    return path


def _raster_images(page) -> list[str]:
    """Names of raster image XObjects of a pypdf page, searching form XObjects too."""
    found: list[str] = []

    def walk(resources, depth=0):
        if resources is None or depth > 10:
            return
        xobjects = resources.get_object().get("/XObject")
        if not xobjects:
            return
        for name, ref in xobjects.get_object().items():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append(name)
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"), depth + 1)

    walk(page.get("/Resources"))
    return found


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory):
    """Execute, render, inspect and print the tiny report once; return paths and timings."""
    if not HAVE_CHROMIUM:
        pytest.skip("no Chromium on this machine")
    import papermill

    folder = tmp_path_factory.mktemp("tiny")
    source = _build_tiny_notebook(folder / "tiny_report.ipynb")
    executed = folder / "tiny_report.executed.ipynb"
    html = folder / "tiny_report.html"
    pdf = folder / "tiny_report.pdf"
    control_pdf = folder / "control.pdf"
    t0 = time.perf_counter()
    papermill.execute_notebook(
        str(source),
        str(executed),
        kernel_name="python3",
        cwd=str(folder),
        progress_bar=False,
        log_output=False,
    )
    t1 = time.perf_counter()
    notebook_to_html(executed, html, "Laporan Uji Coba")
    t2 = time.perf_counter()
    printed = print_pdfs(
        [(html, pdf), (_control_html(folder / "control.html"), control_pdf)],
        footer_label="Evaluasi NK/PKS <uji>",
    )
    t3 = time.perf_counter()
    return {
        "html": html,
        "pdf": pdf,
        "control_pdf": control_pdf,
        "printed": printed,
        "seconds": {"papermill": t1 - t0, "nbconvert": t2 - t1, "pdf": t3 - t2},
    }


@pytest.mark.e2e
def test_tiny_report_html_is_self_contained(tiny_report):
    text = tiny_report["html"].read_text(encoding="utf-8")
    assert text.count("window.Plotly = Plotly") == 1  # plotly.js embedded exactly once
    assert text.count("data-eval-plotlyjs") == 1
    lowered = text.lower()
    srcs = re.findall(r"<script[^>]*\ssrc\s*=\s*[\"']?([^\"'\s>]+)", lowered)
    assert srcs == []
    assert not re.search(r"<link[^>]+href=[\"']?https?:", lowered)
    assert "from evaluation import charts" not in text  # no code input
    assert "rates = pd.DataFrame" not in text
    assert text.count('class="eval-chart"') == 2
    assert "<script>alert(1)</script>" not in text


@pytest.mark.e2e
def test_tiny_report_opens_offline_in_chromium(tiny_report):
    result = inspect_html(tiny_report["html"])
    assert result["external_requests"] == []
    assert result["page_errors"] == []
    assert result["dialogs"] == []
    assert result["charts"] == 2
    assert result["charts_drawn"] == 2
    assert result["title"] == "Laporan Uji Coba"
    assert result["ok"] is True


@pytest.mark.e2e
def test_inspect_html_detects_requests_dialogs_and_undrawn_charts(tmp_path):
    """Positive control: the checks of the previous test can fail."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>buruk</title></head><body>"
        '<img src="http://127.0.0.1:9/tidak-ada.png">'
        '<div class="eval-chart"></div>'
        "<script>alert('halo');</script>"
        "<script>undefinedFunction();</script>"
        "</body></html>",
        encoding="utf-8",
    )
    result = inspect_html(page, timeout_ms=1500, settle_ms=100)
    assert result["external_requests"] == ["http://127.0.0.1:9/tidak-ada.png"]
    assert result["dialogs"] == ["alert: halo"]
    assert any("undefinedFunction" in e for e in result["page_errors"])
    assert (result["charts"], result["charts_drawn"]) == (1, 0)
    assert result["ok"] is False


@pytest.mark.e2e
def test_tiny_report_pdf_text_size_and_vectors(tiny_report):
    from pypdf import PdfReader

    assert tiny_report["printed"] == [tiny_report["pdf"], tiny_report["control_pdf"]]
    reader = PdfReader(tiny_report["pdf"])
    assert len(reader.pages) == 2  # the page-break tag starts page 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2  # A4 in points
    first = reader.pages[0].extract_text()
    second = reader.pages[1].extract_text()
    assert "Ini paragraf uji untuk laporan evaluasi kerja sama." in first
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in second
    assert "Evaluasi NK/PKS <uji>" in first
    assert "Bagian Kedua" in second and "Bagian Kedua" not in first
    assert "Teks khusus layar." not in first + second  # screen-only hidden in print
    assert "42,5%" in first  # Indonesian number format in the chart
    assert "alert(1)" in first  # the hostile name is printed as text
    # Charts (the heatmap included) are vectors: no raster image on any page...
    assert [_raster_images(p) for p in reader.pages] == [[], []]
    assert all(len(p.images) == 0 for p in reader.pages)
    # ...while a page with a real raster image is detected (control).
    control = PdfReader(tiny_report["control_pdf"])
    assert _raster_images(control.pages[0]) != []
    # No temporary files are left next to the PDFs.
    leftovers = [p.name for p in tiny_report["pdf"].parent.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")
def test_tiny_report_pdftotext(tiny_report):
    text = subprocess.run(
        ["pdftotext", "-layout", str(tiny_report["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Laporan Uji Coba" in text
    assert "Halaman 1 dari 2" in text
    assert "n = 40" in text


@pytest.mark.e2e
def test_print_fails_clearly_when_charts_are_not_drawn(tmp_path):
    page = tmp_path / "nochart.html"
    page.write_text(
        '<!DOCTYPE html><html><body><div class="eval-chart"></div></body></html>', "utf-8"
    )
    with pytest.raises(RenderError, match="only 0 of 1 charts"):
        print_pdfs([(page, tmp_path / "nochart.pdf")], timeout_ms=1500)
    assert not (tmp_path / "nochart.pdf").exists()


@pytest.mark.e2e
def test_report_floor_timing(tiny_report, capsys):
    """Not an assertion on speed: records the floor of papermill + nbconvert + PDF."""
    s = tiny_report["seconds"]
    size = tiny_report["html"].stat().st_size
    with capsys.disabled():
        print(
            f"\nfloor: papermill {s['papermill']:.1f}s, nbconvert {s['nbconvert']:.1f}s, "
            f"pdf {s['pdf']:.1f}s (2 jobs, one Chromium); HTML {size / 1e6:.2f} MB"
        )
    assert size < 8_000_000


@pytest.mark.e2e
def test_plotly_defined_despite_amd_loader_and_hidden_chart_prints(tmp_path):
    """plotly.js sets window.Plotly even when an AMD define/module is on the page, and a
    chart inside a hidden (screen-only) block does not stop printing."""
    import pandas as pd

    from evaluation.presentation import charts

    fig = charts.count_bar(pd.DataFrame({"category": ["A", "B"], "agreements": [3, 5]}), "category")
    page = tmp_path / "amd.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><script>"
        "window.define = function () { throw new Error('AMD define was used'); };"
        "window.define.amd = {}; var module = {exports: {}}; var exports = module.exports;"
        "</script>"
        + charts.plotly_js_html()
        + "</head><body>"
        + charts.figure_html(fig, "visible")
        + '<div style="display:none">'
        + charts.figure_html(fig, "hidden")
        + "</div></body></html>",
        encoding="utf-8",
    )
    result = inspect_html(page, settle_ms=100)
    assert result["page_errors"] == []
    assert (result["charts"], result["charts_drawn"]) == (2, 2)
    assert result["ok"] is True
    (pdf,) = print_pdfs([(page, tmp_path / "amd.pdf")], lang="en")
    from pypdf import PdfReader

    assert "Page 1 of 1" in PdfReader(pdf).pages[0].extract_text()


# --------------------------------------------------------------------------- concurrency


def test_warm_up_page_runs_the_reports_bundle_from_the_same_file():
    """The page the printer compiles plotly.js in names the bundle exactly as a rendered
    report does (same bytes, same file: V8's cache key) and is UTF-8 like the reports (the
    script is decoded with the page's encoding: another one would be another source)."""
    import pandas as pd

    from evaluation.presentation import charts
    from evaluation.publish.html import with_plotly_js
    from evaluation.publish.page_document import externalize_plotly
    from evaluation.publish.pdf import _plotly_document

    fig = charts.count_bar(pd.DataFrame({"category": ["A"], "agreements": [3]}), "category")
    report = with_plotly_js(
        '<!DOCTYPE html><html><head><meta charset="utf-8"/></head>'
        f"<body>{charts.figure_html(fig)}</body></html>"
    ).encode("utf-8")
    warm = _plotly_document()
    _, name, script = externalize_plotly(warm, "file:///s/")
    assert name is not None and (name, script) == externalize_plotly(report, "file:///s/")[1:]
    assert warm.lower().index(b'<meta charset="utf-8">') < warm.index(b"data-eval-plotlyjs")


def test_concurrency_option_is_checked(tmp_path):
    from evaluation.publish.pdf import MAX_DEFAULT_CONCURRENCY, default_concurrency

    page = tmp_path / "a.html"
    page.write_text("<p>a</p>", encoding="utf-8")
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="concurrency"):
            print_pdfs([(page, tmp_path / "a.pdf")], concurrency=bad)
    assert not (tmp_path / "a.pdf").exists()
    assert default_concurrency() == min(len(os.sched_getaffinity(0)), 4)
    assert 1 <= default_concurrency() <= MAX_DEFAULT_CONCURRENCY == 4


def _chart_page(path: Path, number: int, extra: str = "") -> Path:
    """A report-like page: plotly.js block, one chart with distinct labels, a numbered text."""
    import pandas as pd

    from evaluation.presentation import charts

    labels = [f"Mitra{number}A", f"Mitra{number}B"]
    fig = charts.count_bar(pd.DataFrame({"category": labels, "agreements": [3, 5]}), "category")
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        + charts.plotly_js_html()
        + f"</head><body><h1>Dokumen nomor {number}</h1><p id='src'></p>"
        + charts.figure_html(fig, f"chart-{number}")
        + "<script>document.getElementById('src').textContent = 'SUMBER=' +"
        " (document.querySelector('script[data-eval-plotlyjs]').getAttribute('src') ||"
        " 'inline');</script>" + extra + "</body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.e2e
@needs_chromium
def test_concurrent_pages_print_each_their_own_document(tmp_path, monkeypatch, caplog):
    """Four chart pages in two slots (each slot reuses its page for a second report)."""
    from pypdf import PdfReader

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the bundle is written
    folder = tmp_path / "laporan uji é"  # a space and a non-ASCII letter in the file URL
    folder.mkdir()
    extras = {
        2: '<img src="http://127.0.0.1:9/luar.png">',
        3: "<script>undefinedFunction();</script>",
    }
    jobs = [
        (_chart_page(folder / f"doc{i}.html", i, extras.get(i, "")), tmp_path / f"doc{i}.pdf")
        for i in range(1, 5)
    ]
    with caplog.at_level(logging.WARNING, logger="evaluation.publish.pdf"):
        printed = print_pdfs(jobs, footer_label="Uji paralel", lang="en", concurrency=2)
    assert printed == [pdf for _, pdf in jobs]
    for i, (_, pdf) in enumerate(jobs, start=1):
        # NFKC: a font may set "fi" as the ligature U+FB01, which the text layer keeps
        text = unicodedata.normalize("NFKC", PdfReader(pdf).pages[0].extract_text())
        assert f"Dokumen nomor {i}" in text
        others = [n for n in range(1, 5) if n != i]
        assert not any(f"Dokumen nomor {n}" in text for n in others)
        # The chart is drawn (its axis labels are text) and is this document's own.
        assert f"Mitra{i}A" in text and f"Mitra{i}B" in text
        assert not any(f"Mitra{n}A" in text for n in others)
        # plotly.js was served as the shared external script, not left inline.
        assert re.search(r"SUMBER=file:///\S*plotly-[0-9a-f]{20}\.js", text.replace("\n", ""))
        assert "Uji paralel" in text and "Page 1 of 1" in text
    # Blocked requests and script errors are reported for the page that caused them only.
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert warnings_for(warnings, "doc2.html") == [
        "doc2.html tried to load 1 external resource(s), blocked: http://127.0.0.1:9/luar.png"
    ]
    (script_error,) = warnings_for(warnings, "doc3.html")
    assert "undefinedFunction" in script_error
    assert list(scratch.iterdir()) == []  # the temporary bundle folder is removed


def warnings_for(messages: list[str], name: str) -> list[str]:
    return [m for m in messages if m.startswith(name)]


@pytest.mark.e2e
@needs_chromium
def test_a_failing_job_leaves_no_pdf_of_the_call(tmp_path):
    """The other slot prints its (quick) pages before the bad one times out: none is kept."""
    jobs = []
    for name in ("baik1", "rusak", "baik2", "baik3"):
        page = tmp_path / f"{name}.html"
        charts = '<div class="eval-chart"></div>' * 2 if name == "rusak" else ""
        page.write_text(f"<!DOCTYPE html><html><body><p>{name}</p>{charts}</body></html>", "utf-8")
        jobs.append((page, tmp_path / f"{name}.pdf"))
    with pytest.raises(RenderError, match=r"rusak\.html: only 0 of 2 charts"):
        print_pdfs(jobs, timeout_ms=2500, concurrency=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "baik1.html",
        "baik2.html",
        "baik3.html",
        "rusak.html",
    ]


@pytest.mark.e2e
@needs_chromium
def test_print_pdfs_works_inside_a_running_event_loop(tmp_path):
    import asyncio

    page = tmp_path / "loop.html"
    page.write_text("<!DOCTYPE html><html><body><p>Dari dalam asyncio</p></body></html>", "utf-8")

    async def caller():
        return print_pdfs([(page, tmp_path / "loop.pdf")])

    assert asyncio.run(caller()) == [tmp_path / "loop.pdf"]
    from pypdf import PdfReader

    text = PdfReader(tmp_path / "loop.pdf").pages[0].extract_text()
    assert "Dari dalam asyncio" in text and "Halaman 1 dari 1" in text


def _static_page(path: Path, title: str, body: str) -> Path:
    path.write_text(
        f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main>{body}</main></body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.e2e
@needs_chromium
def test_static_lists_share_one_page_yet_print_as_their_own_documents(tmp_path, caplog):
    """Script-free lists of one folder are written into the page in turn (no navigation):
    each PDF still has its own text, title, language, tags, footer count and network guard;
    a document with a script between them is navigated to."""
    from pypdf import PdfReader

    folder = tmp_path / "unit"
    folder.mkdir()
    long_rows = "".join(f"<p>Baris {n} daftar panjang</p>" for n in range(120))
    pages = [
        _static_page(folder / "a.html", "Daftar A", "<h1>Unit A</h1><p>Isi unit A</p>"),
        _static_page(folder / "b.html", "Daftar B", "<h1>Unit B</h1>" + long_rows),
        _static_page(
            folder / "c.html",
            "Daftar C",
            '<h1>Unit C</h1><img src="http://127.0.0.1:9/c.png"><p>Isi unit C</p>',
        ),
        _static_page(folder / "d.html", "Daftar D", "<h1>Unit D</h1><script>var z=1;</script>"),
        _static_page(folder / "e.html", "Daftar E", "<h1>Unit E</h1><p>Isi unit E</p>"),
        _static_page(folder / "f.html", "Daftar F", "<h1>Unit F</h1><p>Isi unit F</p>"),
    ]
    jobs = [(p, p.with_suffix(".pdf")) for p in pages]
    with caplog.at_level(logging.DEBUG, logger="evaluation.publish.pdf"):
        print_pdfs(jobs, footer_label="Uji daftar", concurrency=1)
    logs = [r.getMessage() for r in caplog.records]
    in_place = sorted(m.split(":")[0] for m in logs if "written in place" in m)
    assert in_place == ["b.html", "c.html", "f.html"]  # a, d (script), e (after d): navigated
    for page, pdf in jobs:
        reader = PdfReader(pdf)
        letter = page.stem.upper()
        texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
        assert f"Unit {letter}" in texts[0]
        assert not any(f"Unit {o}" in "".join(texts) for o in "ABCDEF" if o != letter)
        assert reader.metadata.title == f"Daftar {letter}"
        assert reader.trailer["/Root"]["/Lang"] == "id"
        assert "/StructTreeRoot" in reader.trailer["/Root"]
        n = len(reader.pages)
        assert n == 1 or letter == "B" and n > 1
        for i, text in enumerate(texts, start=1):
            assert "Uji daftar" in text and f"Halaman {i} dari {n}" in text
    assert [m for m in logs if "external resource" in m] == [
        "c.html tried to load 1 external resource(s), blocked: http://127.0.0.1:9/c.png"
    ]
    # the same text, page by page, as each list navigated to in a page of its own
    alone = tmp_path / "alone"
    for page in pages[1:3]:
        print_pdfs([(page, alone / page.with_suffix(".pdf").name)], footer_label="Uji daftar")
        shared, own = (
            [p.extract_text() for p in PdfReader(d / page.with_suffix(".pdf").name).pages]
            for d in (folder, alone)
        )
        assert shared == own
