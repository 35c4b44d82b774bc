"""What a print page is served (publish/page_document.py): the plotly.js block split out
of a report under a name made of its bytes, and which documents are written into a page in
place. (Printing with them, in a real Chromium, is tested in test_pdf.py.)"""

import hashlib

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
