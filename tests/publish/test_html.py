"""Tests of evaluation.publish.html: notebook → one self-contained, printable HTML file."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from evaluation.errors import RenderError
from evaluation.presentation import charts
from evaluation.publish.html import find_external_resources, notebook_to_html, write_atomic


def _executed_notebook(path: Path, extra_markdown: str = "") -> Path:
    """A notebook with outputs written by hand (as if executed), no kernel needed."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("rahasia_kode = 41 + 1\nprint(rahasia_kode)")
    code.execution_count = 7
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="keluaran-stdout\n"),
        nbformat.v4.new_output("stream", name="stderr", text="PERINGATAN-stderr\n"),
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": '<table class="dataframe"><tr><td>Pemda</td><td>42,5%</td></tr></table>',
                "text/plain": "tabel",
            },
        ),
    ]
    hidden = nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["remove-cell"]})
    hidden.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "SEL-DIHAPUS"})]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Judul Laporan\n\nPendahuluan laporan." + extra_markdown),
        code,
        hidden,
        nbformat.v4.new_markdown_cell("## Lampiran", metadata={"tags": ["page-break"]}),
        nbformat.v4.new_markdown_cell("Hanya di layar.", metadata={"tags": ["screen-only"]}),
    ]
    nbformat.write(nb, path)
    return path


def test_notebook_to_html_is_self_contained_and_printable(tmp_path):
    src = _executed_notebook(tmp_path / "in.ipynb")
    out = tmp_path / "sub" / "laporan.html"
    assert notebook_to_html(src, out, "Evaluasi <NK & PKS>") == out
    text = out.read_text(encoding="utf-8")
    assert "<title>Evaluasi &lt;NK &amp; PKS&gt;</title>" in text
    assert '<html lang="id">' in text
    # No code, no prompts, no stderr, removed cell gone; text and outputs are there.
    assert "rahasia_kode" not in text
    assert "In&nbsp;[7]" not in text and "Out[7]" not in text
    assert "jp-InputPrompt" not in text.split("<body")[1]
    assert "PERINGATAN-stderr" not in text
    assert "SEL-DIHAPUS" not in text
    assert "Pendahuluan laporan." in text and "keluaran-stdout" in text
    # Nothing external and no loaders at all.
    assert find_external_resources(text) == []
    assert re.search(r"<script[^>]*\ssrc=", text) is None
    assert "require.js" not in text.lower() and "mathjax" not in text.lower()
    assert "<link" not in text.lower()
    # Print styles and cell tags.
    assert "size: A4" in text
    assert re.search(r'class="jp-Cell jp-MarkdownCell[^"]*celltag_page-break', text)
    assert re.search(r'class="jp-Cell jp-MarkdownCell[^"]*celltag_screen-only', text)
    assert ".celltag_page-break" in text and "break-before: page" in text
    # Atomic write: no temporary file left behind.
    assert sorted(p.name for p in out.parent.iterdir()) == ["laporan.html"]


def test_notebook_to_html_english_and_kept_stderr(tmp_path):
    """The report process passes no language: the ``lang`` papermill injected (kept in the
    notebook's metadata) makes an English report declare lang="en"."""
    src = _executed_notebook(tmp_path / "in.ipynb")
    nb = nbformat.read(src, as_version=4)
    nb.metadata["papermill"] = {"parameters": {"lang": "en", "top_n": 25}}
    nbformat.write(nb, src)
    out = notebook_to_html(src, tmp_path / "r.html", "Report", keep_stderr=True)
    text = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in text
    assert "PERINGATAN-stderr" in text


def test_external_image_in_markdown_is_refused(tmp_path):
    src = _executed_notebook(tmp_path / "in.ipynb", "\n\n![logo](https://example.org/logo.png)")
    out = tmp_path / "r.html"
    with pytest.raises(RenderError, match="example.org/logo.png"):
        notebook_to_html(src, out, "Laporan")
    assert not out.exists()


def test_missing_notebook_is_a_render_error(tmp_path):
    with pytest.raises(RenderError, match="Cannot read notebook"):
        notebook_to_html(tmp_path / "nope.ipynb", tmp_path / "r.html", "x")


def test_chart_output_survives_conversion(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("charts.show(fig)")
    fig = charts.count_bar(
        __import__("pandas").DataFrame({"category": ["A"], "agreements": [3]}), "category"
    )
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=charts.mimebundle(fig, chart_id="uji"))
    ]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "c.ipynb")
    text = notebook_to_html(tmp_path / "c.ipynb", tmp_path / "c.html", "x").read_text("utf-8")
    assert text.count('class="eval-chart"') == 1
    assert 'data-chart-id="uji"' in text
    # The plotly JSON mimetype is not rendered a second time.
    assert "application/vnd.plotly.v1+json" not in text


def test_find_external_resources():
    doc = """<html><head>
    <script src="https://cdn.example.org/require.js"></script>
    <link rel="stylesheet" href="//fonts.example.org/css">
    <style>@import url("https://fonts.example.org/x.css"); p {color: red}</style>
    <script>var s = '<img src="https://in-a-js-string.example.org/">';
    var t = 'href="http://also-in-js.example.org"';</script>
    </head><body>
    <img src="http://example.org/a.png">
    <img src="data:image/png;base64,AAAA">
    <img srcset="small.png 1x, https://example.org/big.png 2x">
    <div style="background: url(http://example.org/bg.png)"></div>
    <a href="https://bp2mi.go.id">tautan biasa</a>
    <svg><image href="https://example.org/i.svg"/></svg>
    <iframe src="relative/page.html"></iframe>
    </body></html>"""
    found = find_external_resources(doc)
    joined = " ".join(found)
    assert len(found) == 7, found
    for url in (
        "cdn.example.org/require.js",
        "//fonts.example.org/css",
        "fonts.example.org/x.css",
        "example.org/a.png",
        "example.org/big.png",
        "example.org/bg.png",
        "example.org/i.svg",
    ):
        assert url in joined
    assert "bp2mi.go.id" not in joined
    assert "in-a-js-string" not in joined and "also-in-js" not in joined


def test_write_atomic_replaces_and_reports_errors(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("lama")
    write_atomic(target, b"baru")
    assert target.read_text() == "baru"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RenderError, match="Cannot write"):
        write_atomic(blocker / "child.txt", b"x")


def test_contents_list_and_offline_datatables_are_embedded_once(tmp_path):
    import pandas as pd

    from evaluation.presentation.interactive import interactive_html, twin

    shown = pd.DataFrame({"Nama Mitra": [f"Mitra {i}" for i in range(30)]})
    table = twin("<table><tr><td>statis</td></tr></table>", interactive_html(
        shown, name="needs_assistance", csv=b"partner_name\nMitra 0\n"
    ))  # fmt: skip
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("tabel(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": table})] * 2
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Satu\n\nteks"),
        cell,
        nbformat.v4.new_markdown_cell("## Dua"),
        nbformat.v4.new_markdown_cell("### Tiga"),
    ]
    nbformat.write(nb, tmp_path / "t.ipynb")
    text = notebook_to_html(tmp_path / "t.ipynb", tmp_path / "t.html", "x").read_text("utf-8")
    assert text.count('data-eval-itablesjs="1"') == 1  # the DataTables bundle, once
    assert text.count('class="eval-interactive"') == 2
    nav = re.search(r'<nav class="eval-toc".*?</nav>', text, re.S).group(0)
    assert [a for a in re.findall(r'href="#([^"]+)"', nav)] == ["Satu", "Dua", "Tiga"]
    assert find_external_resources(text) == []
    assert "unpkg.com" not in text  # itables' connected-mode import is not used
    # Print: the contents list, the interactive twin and the download link are hidden.
    css_print = text[text.index("@media print") :]
    for selector in ("nav.eval-toc", ".eval-interactive", ".eval-download"):
        assert selector in css_print


def _rich_notebook(path: Path) -> Path:
    """A notebook with what the reports hold: a cover, headings in markdown and in outputs,
    tables, a plotly chart, an interactive table, an image without alternative text, stderr."""
    import base64

    import pandas as pd
    import plotly.graph_objects as go

    from evaluation.presentation.interactive import interactive_html, twin

    png = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360f8cf000001010100186dd45b0000000049454e44ae426082"
        )
    ).decode()
    chart = charts.figure_html(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), chart_id="uji")
    table = twin("<table><tr><td>statis &amp; 5 &lt; 6</td></tr></table>", interactive_html(
        pd.DataFrame({"Nama": ["A", "B"]}), name="needs_assistance", csv=b"n\nA\n"
    ))  # fmt: skip
    out = nbformat.v4.new_code_cell("x")
    out.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<h2>Dari Keluaran</h2>"}),
        nbformat.v4.new_output("display_data", data={"text/html": chart}),
        nbformat.v4.new_output("display_data", data={"text/html": table}),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "gambar"}),
        nbformat.v4.new_output("stream", name="stderr", text="peringatan\n"),
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": '<div class="jp-OutputArea-output" tabindex="-1">x<br>y</div>'},
        ),
    ]
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"parameters": {"lang": "en"}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Sampul", metadata={"tags": ["cover"]}),
        nbformat.v4.new_markdown_cell("# Judul Laporan\n\nPendahuluan & <b>tebal</b>."),
        out,
        nbformat.v4.new_markdown_cell(
            "## Satu\n\n![tanpa teks](data:image/png;base64," + png + ")"
        ),
        nbformat.v4.new_markdown_cell("## Satu\n\n### Tiga ×"),
    ]
    nbformat.write(nb, path)
    return path


def test_conversion_gives_the_document_nbconvert_would(tmp_path):
    """The conversion skips nbconvert's BeautifulSoup pass and adds its attributes itself,
    in one read of the document with the table of contents: the result is the same document
    as nbconvert's exporter followed by the separate steps (plotly.js, DataTables, contents
    list), up to how BeautifulSoup writes it out (attribute order, ``<br/>``, entities)."""
    from bs4 import BeautifulSoup

    from evaluation.publish.html import (
        _prepare,
        make_exporter,
        with_itables_js,
        with_plotly_js,
        with_toc,
    )

    src = _rich_notebook(tmp_path / "r.ipynb")
    fast = notebook_to_html(src, tmp_path / "r.html", "Judul & <x>").read_text("utf-8")
    nb = _prepare(nbformat.read(src, as_version=4), "Judul & <x>", False)
    body, _ = make_exporter("en").from_notebook_node(nb, resources={"metadata": {"name": "J"}})
    reference = with_toc(with_itables_js(with_plotly_js(body)), "en")

    def canonical(text: str) -> str:
        return str(BeautifulSoup(text, features="html.parser"))

    assert canonical(fast) == canonical(reference)
    assert fast != reference  # not written out by BeautifulSoup: the check above means it
    # what nbconvert's pass adds is there: alt text, focusable markdown cells (4) and outputs
    assert fast.count('alt="No description has been provided for this image"') == 1
    assert fast.count('tabindex="0"') == 4 + 6 and 'tabindex="-1"' not in fast
    nav = re.search(r'<nav class="eval-toc".*?</nav>', fast, re.S).group(0)
    assert re.findall(r'href="#([^"]+)"', nav) == [
        "Judul-Laporan", "dari-keluaran", "Satu", "Satu", "Tiga-%C3%97"
    ]  # fmt: skip
    assert "Sampul" not in nav and fast.count("data-eval-plotlyjs") == 1
    # a second conversion (the exporter is reused) gives the same bytes
    again = notebook_to_html(src, tmp_path / "r2.html", "Judul & <x>").read_text("utf-8")
    assert again == fast


def test_compiled_templates_are_cached_between_processes_and_change_nothing(tmp_path, monkeypatch):
    """nbconvert's templates are compiled once and kept in Jinja's bytecode cache, so a new
    process (a notebook worker) loads them instead of compiling them again; the document is
    the same with or without the cache."""
    import jinja2
    from jinja2 import FileSystemBytecodeCache

    from evaluation.publish.html import _prepare, make_exporter

    assert make_exporter("id").environment.bytecode_cache is not None
    nb = _prepare(nbformat.read(_rich_notebook(tmp_path / "r.ipynb"), as_version=4), "J", False)
    compiled = []
    real_compile = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        compiled.append(args[1] if len(args) > 1 else kwargs.get("name"))
        return real_compile(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def render(cache) -> str:
        exporter = make_exporter("id")
        exporter.environment.bytecode_cache = cache
        return exporter.from_notebook_node(nb, resources={"metadata": {"name": "J"}})[0]

    folder = tmp_path / "cache"
    folder.mkdir()
    plain = render(None)
    assert compiled  # compiled in memory
    compiled.clear()
    first = render(FileSystemBytecodeCache(str(folder)))
    assert compiled and len(list(folder.iterdir())) >= len(compiled)  # compiled and kept
    compiled.clear()
    second = render(FileSystemBytecodeCache(str(folder)))  # as in another process
    assert compiled == []  # loaded from the cache
    assert plain == first == second
