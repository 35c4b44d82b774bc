"""Tests of evaluation.publish.scan: one read of a rendered report, edits made in one copy."""

from __future__ import annotations

from evaluation.publish.scan import MISSING_ALT, apply_edits, find_external_resources, scan

DOC = (
    "<html><head><style>body{background:url(//cdn.example/x.png)}</style></head>"
    '<body class="jp-Notebook"><main>'
    '<div class="cover"><h1>Sampul</h1></div>'
    '<div class="jp-Cell-inputWrapper"><h2 id="ada">Satu <a class="anchor-link">¶</a></h2></div>'
    '<div class="jp-OutputArea-output" tabindex=-1><img src="data:image/png;base64,AA">'
    '<img alt="ada" src="a.png"/></div>'
    "<script>var s = '<h2>bukan judul</h2><img src=\"//x\">';</script>"
    '<div class="jp-OutputArea-output" tabindex="0"><h3>Dua &amp; Tiga</h3></div>'
    "</main></body></html>"
)


def test_scan_finds_headings_main_and_what_would_be_fetched():
    doc = scan(DOC)
    assert [(h.level, h.text, h.id) for h in doc.headings] == [
        (2, "Satu", "ada"),
        (3, "Dua & Tiga", None),
    ]
    assert DOC[doc.main_at :].startswith("<main>")
    h3 = doc.headings[1]
    assert DOC[h3.start : h3.tag_end] == "<h3>"
    assert doc.found == ["<style> url(//cdn.example/x.png)"]
    assert doc.found == find_external_resources(DOC)
    assert doc.edits == []  # accessibility attributes only when asked


def test_scan_adds_nbconvert_accessibility_attributes():
    doc = scan(DOC, accessibility=True)
    out = apply_edits(DOC, doc.edits)
    assert doc.missing_alt == 1
    assert f'<img src="data:image/png;base64,AA" alt="{MISSING_ALT}">' in out
    assert '<img alt="ada" src="a.png"/>' in out  # has one: untouched
    assert '<div class="jp-Cell-inputWrapper" tabindex="0">' in out
    assert '<div class="jp-OutputArea-output" tabindex="0"><img' in out  # -1 replaced
    assert out.count('tabindex="0"') == 3 and "tabindex=-1" not in out
    assert "bukan judul" in out and out.count("<img") == 3  # script text is not markup
    # outside the .jp-Notebook element nothing is made focusable
    plain = '<body><div class="jp-OutputArea-output">x</div></body>'
    assert scan(plain, accessibility=True).edits == []


def test_apply_edits_inserts_and_replaces_in_order():
    text = "abcdef"
    assert apply_edits(text, []) is text
    assert apply_edits(text, [(3, "X"), (0, "<"), (6, ">"), (3, "Y")]) == "<abcXYdef>"
    assert apply_edits(text, [(1, "ZZ", 2), (5, "!")]) == "aZZde!f"


def test_scan_offsets_are_relative_to_base():
    head = "<head><title>t</title></head>"
    body = "<main><h2>a</h2><h2>b</h2></main>"
    doc = scan(body, base=len(head))
    assert (head + body)[doc.main_at : doc.main_at + 6] == "<main>"
    assert [(head + body)[h.start : h.tag_end] for h in doc.headings] == ["<h2>", "<h2>"]
