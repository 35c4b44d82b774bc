"""Tests of evaluation.publish.toc: the HTML report's contents list and section ids."""

from __future__ import annotations

import re

from evaluation.publish.toc import add_toc, slug

DOC = """<html><head><style>h2 {color: red}</style>
<script>var s = "<h2>not a heading</h2>";</script></head>
<body><main>
<div class="cover"><p>Banner<br/>second line</p><h1>Judul Sampul</h1></div>
<h2>Ringkasan Eksekutif</h2><p>a</p>
<h2 id="Kualitas-Data">Kualitas Data<a class="anchor-link" href="#Kualitas-Data">¶</a></h2>
<h3>Luaran &amp; Provinsi</h3>
<h2>Ringkasan Eksekutif</h2>
<h2>Tingkat Pelaksanaan: Kategori Mitra × Ruang Lingkup</h2>
</main></body></html>"""


def test_add_toc_lists_sections_with_unique_ids():
    out = add_toc(DOC, "Daftar Isi", "Lewati")
    links = re.findall(r'<li class="eval-toc-h(\d)"><a href="#([^"]+)">([^<]*)</a>', out)
    assert links == [
        ("2", "ringkasan-eksekutif", "Ringkasan Eksekutif"),
        ("2", "Kualitas-Data", "Kualitas Data"),  # existing id kept, pilcrow left out
        ("3", "luaran-provinsi", "Luaran &amp; Provinsi"),
        ("2", "ringkasan-eksekutif-2", "Ringkasan Eksekutif"),
        ("2", "tingkat-pelaksanaan-kategori-mitra-ruang-lingkup",
         "Tingkat Pelaksanaan: Kategori Mitra × Ruang Lingkup"),
    ]  # fmt: skip
    for _level, anchor, _text in links:  # every link has exactly one target
        assert out.count(f'id="{anchor}"') == 1
    assert "Judul Sampul</a>" not in out  # the cover is not listed
    assert out.index('<nav class="eval-toc"') < out.index('<main id="eval-report">')
    assert '<a class="eval-skip" href="#eval-report">Lewati</a>' in out
    assert 'var s = "<h2>not a heading</h2>"' in out  # scripts untouched
    assert out.replace(re.search(r"<a class=\"eval-skip\".*?</nav>", out).group(0), "").replace(
        ' id="eval-report"', ""
    ) == DOC.replace("<h2>Ringkasan", '<h2 id="ringkasan-eksekutif">Ringkasan', 1).replace(
        "<h3>", '<h3 id="luaran-provinsi">'
    ).replace("<h2>Ringkasan", '<h2 id="ringkasan-eksekutif-2">Ringkasan', 1).replace(
        "<h2>Tingkat", '<h2 id="tingkat-pelaksanaan-kategori-mitra-ruang-lingkup">Tingkat'
    )


def test_add_toc_leaves_short_documents_alone():
    doc = "<html><body><main><h2>Satu</h2><h2>Dua</h2></main></body></html>"
    assert add_toc(doc, "Daftar Isi", "Lewati") == doc
    assert add_toc("<h2>a</h2><h2>b</h2><h2>c</h2>", "x", "y") == "<h2>a</h2><h2>b</h2><h2>c</h2>"


def test_slug():
    assert slug("Perubahan sejak Evaluasi Sebelumnya") == "perubahan-sejak-evaluasi-sebelumnya"
    assert slug("×××") == "bagian"
