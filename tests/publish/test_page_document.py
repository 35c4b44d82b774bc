"""What a print page is served (publish/page_document.py): the plotly.js block split out
of a report under a name made of its bytes, the DataTables bundle left out, and which
documents are written into a page in place. (Printing with them, in a real Chromium, is
tested in test_pdf.py; the bundle left out is checked here against a real print.)"""

import hashlib
import shutil

import nbformat
import pandas as pd
import pytest


def _plotly_tag(body: str) -> bytes:
    return b'<script data-eval-plotlyjs="1" type="text/javascript">' + body.encode() + b"</script>"


def test_externalize_plotly_moves_the_bundle_to_a_shared_url():
    from evaluation.publish.page_document import externalize_plotly

    body = 'var a = "é < b";'
    doc = b"<html><head>" + _plotly_tag(body) + b"</head><body><p>x</p></body></html>"
    new, name, script = externalize_plotly(doc, "file:///tmp/cetak/")
    expected_name = "plotly-" + hashlib.sha256(body.encode()).hexdigest()[:20] + ".js"
    assert name == expected_name
    assert script == body.encode()
    assert new == (
        b'<html><head><script data-eval-plotlyjs="1" type="text/javascript" '
        b'src="file:///tmp/cetak/' + expected_name.encode() + b'"></script>'
        b"</head><body><p>x</p></body></html>"
    )
    # Another report with the same bundle gets the same name; another bundle does not.
    other = b"<html><body><h1>Lain</h1>" + _plotly_tag(body) + b"</body></html>"
    assert externalize_plotly(other, "file:///tmp/cetak/")[1] == expected_name
    changed = b"<html>" + _plotly_tag(body + " ") + b"</html>"
    assert externalize_plotly(changed, "file:///tmp/cetak/")[1] != expected_name
    # The closing tag is found case-insensitively, as the HTML parser does.
    upper = b"<html>" + _plotly_tag("var z;")[:-9] + b"</SCRIPT ><p>y</p></html>"
    new, name, script = externalize_plotly(upper, "file:///s/")
    assert script == b"var z;" and new.endswith(b'"></SCRIPT ><p>y</p></html>')


@pytest.mark.parametrize(
    "doc",
    [
        b"<html><script>var plain = 1;</script></html>",  # no plotly.js block
        b'<html><script data-eval-plotlyjs="1" src="p.js"></script></html>',  # already external
        b'<html><script data-eval-plotlyjs="1">var a = 1;',  # never closed
        b"<html>" + _plotly_tag("var s = '<!--<script>';") + b"</html>",  # escape rules
    ],
)
def test_externalize_plotly_leaves_other_documents_unchanged(doc):
    from evaluation.publish.page_document import externalize_plotly

    assert externalize_plotly(doc, "file:///s/") == (doc, None, None)


def test_only_static_utf8_documents_are_written_in_place():
    from evaluation.publish.page_document import is_static

    head = b'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
    assert is_static(head + b"<h1>Daftar</h1><p>Daftar dan kontak</p></body></html>")
    for active in (
        b"<script>x=1</script>",
        b'<SCRIPT src="a.js"></SCRIPT>',
        b'<img src="a.png" onerror="x()">',
        b'<iframe src="b.html"></iframe>',
        b'<meta http-equiv="refresh" content="0; url=b.html">',
        b'<object data="c.pdf"></object>',
    ):
        assert not is_static(head + active + b"</body></html>"), active
    assert not is_static(b"<!DOCTYPE html><html><head></head><body><p>x</p></body></html>")
    assert not is_static(b'<html><head><meta charset="windows-1252"></head><body>x</body></html>')


def test_without_itables_removes_only_the_bundle_this_version_writes():
    from evaluation.publish.html import itables_block, with_itables_js
    from evaluation.publish.page_document import without_itables

    body = (
        '<html><head></head><body><div class="eval-interactive" data-eval-itable="1">'
        "<table id=t></table></div><p>sesudah</p></body></html>"
    )
    doc = with_itables_js(body).encode()
    assert itables_block().encode() in doc
    stripped = without_itables(doc)
    assert stripped == doc.replace(itables_block().encode(), b"")
    assert b"data-eval-itablesjs" not in stripped and b"<p>sesudah</p>" in stripped
    # a document without the bundle, or with another version of it, is left as it is
    assert without_itables(body.encode()) == body.encode()
    other = doc.replace(b"injectCSS", b"injectCss")
    assert without_itables(other) == other


@pytest.mark.e2e
@pytest.mark.skipif(not shutil.which("chromium"), reason="no Chromium on this machine")
def test_a_report_prints_the_same_pages_without_the_datatables_bundle(tmp_path, monkeypatch):
    """A rendered report with an interactive table: the page printed without the bundle has
    the same pages, page by page, as the page given it, and shows the static rows only."""
    from pypdf import PdfReader

    from evaluation.params import ReportParams
    from evaluation.presentation.display import tabel
    from evaluation.presentation.report import Laporan, Tabel, use
    from evaluation.publish import page_document
    from evaluation.publish.html import notebook_to_html
    from evaluation.publish.pdf import print_pdfs
    from evaluation.safe_csv import write_csv

    df = pd.DataFrame(
        {"partner_name": [f"Mitra {i:03d}" for i in range(60)], "days_left": range(60, 0, -1)}
    )
    write_csv(df, tmp_path / "ending_soon.csv")
    use(Laporan(tabel=Tabel({"ending_soon": df}), params=ReportParams(), tables_dir=tmp_path))
    try:
        shown = tabel(df, maks=20, panjang=True)._repr_html_()
    finally:
        use(None)
    assert 'data-eval-itable="1"' in shown
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("tabel(df)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": shown})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Laporan uji"), cell]
    nbformat.write(nb, tmp_path / "uji.ipynb")
    html = notebook_to_html(tmp_path / "uji.ipynb", tmp_path / "uji.html", "Laporan uji")
    assert b'data-eval-itablesjs="1"' in html.read_bytes()

    print_pdfs([(html, tmp_path / "tanpa.pdf")], footer_label="Uji")
    monkeypatch.setattr(page_document, "without_itables", lambda document: document)
    print_pdfs([(html, tmp_path / "dengan.pdf")], footer_label="Uji")
    without, given = (
        [p.extract_text() for p in PdfReader(tmp_path / name).pages]
        for name in ("tanpa.pdf", "dengan.pdf")
    )
    assert without == given
    text = "".join(without)
    assert "Mitra 019" in text and "Mitra 020" not in text  # the static table's 20 rows
    assert "Loading ITables" not in text
