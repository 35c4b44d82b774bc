"""The printed PDF is accessible: tagged, one bookmark per section, title and language set,
a contents page whose page numbers are the pages the sections start on, and table rows with
very long partner names that never break across pages.

The report is rendered by nbconvert with the project's template from a notebook written here
(markdown cells and an HTML table output, so no kernel is needed) and printed by the real
Chromium; the PDFs are read back with pypdf.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import nbformat
import pytest
from test_pdf import needs_chromium

from evaluation.publish.contents import match_pages, outline_pages
from evaluation.publish.html import notebook_to_html
from evaluation.publish.pdf import print_pdfs

SECTIONS = [
    "Ringkasan Eksekutif",
    "Tingkat Pelaksanaan per Kategori Mitra",
    "Mitra yang Perlu Pemantauan dan Asistensi",
    "Kualitas Data",
    "Metodologi",
]
LONG_ROWS = 24


def _long_name(i: int) -> str:
    """A partner name of about 700 characters, one unbroken 120-character word included."""
    words = " ".join(f"Kabupaten{i}Kata{j}" for j in range(30))
    return f"AWAL{i:02d}X Pemerintah {'Panjang' * 17} {words} AKHIR{i:02d}X"


def _table_html() -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>{_long_name(i)}</td><td>Pemda</td><td>BP3MI Jawa Tengah</td>"
        f"<td>24 April 2019</td><td>0,0%</td><td>Rapat koordinasi dan rencana aksi</td></tr>"
        for i in range(1, LONG_ROWS + 1)
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("#", "Nama Mitra", "Kategori", "Unit", "Tanggal", "Tingkat", "Langkah")
    )
    return (
        f"<h2>{SECTIONS[2]}</h2><table class='eval-table long'><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _notebook(path: Path, lang: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["papermill"] = {"parameters": {"lang": lang}}
    table = nbformat.v4.new_code_cell("show_table()")
    table.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": _table_html()}, metadata={})
    ]
    filler = "\n\n".join(["Paragraf isi laporan evaluasi kerja sama. " * 12] * 6)
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Laporan Uji Aksesibilitas\n\nBiro Perencanaan dan Kerja Sama",
            metadata={"tags": ["cover"]},
        ),
        nbformat.v4.new_markdown_cell(f"## {SECTIONS[0]}\n\n{filler}"),
        nbformat.v4.new_markdown_cell(
            f"## {SECTIONS[1]}\n\n{filler}", metadata={"tags": ["page-break"]}
        ),
        table,
        nbformat.v4.new_markdown_cell(f"## {SECTIONS[3]}\n\n### Rincian\n\n{filler}"),
        nbformat.v4.new_markdown_cell(f"## {SECTIONS[4]}\n\n{filler}"),
        nbformat.v4.new_markdown_cell("## Hanya di Layar", metadata={"tags": ["screen-only"]}),
    ]
    nbformat.write(nb, path)
    return path


def _text(page) -> str:
    return unicodedata.normalize("NFKC", page.extract_text())


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("accessible")
    out = {}
    for lang in ("id", "en"):
        html = notebook_to_html(
            _notebook(folder / f"nb_{lang}.ipynb", lang),
            folder / f"laporan_{lang}.html",
            title=f"Laporan Uji Aksesibilitas ({lang})",
        )
        out[lang] = folder / f"laporan_{lang}.pdf"
        print_pdfs([(html, out[lang])], footer_label="Uji", lang=lang)
    return out


@pytest.mark.e2e
@needs_chromium
def test_pdf_is_tagged_with_title_and_language(printed):
    from pypdf import PdfReader

    for lang, pdf in printed.items():
        reader = PdfReader(pdf)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == lang
        assert reader.metadata.title == f"Laporan Uji Aksesibilitas ({lang})"
        assert "/StructTreeRoot" in root
        assert bool(root["/MarkInfo"]["/Marked"]) is True
        # The structure tree holds the document's tags, not an empty shell.
        kids = root["/StructTreeRoot"].get_object()["/K"]
        assert kids


@pytest.mark.e2e
@needs_chromium
def test_every_section_has_a_bookmark_and_hidden_ones_none(printed):
    bookmarks = [title for title, _ in outline_pages(printed["id"].read_bytes())]
    # Each once, exactly (Chromium writes some twice, "Kualitas DataKualitas Data").
    assert bookmarks == [
        "Laporan Uji Aksesibilitas",
        "Daftar Isi",
        *SECTIONS[:4],
        "Rincian",
        SECTIONS[4],
    ]
    assert not any("Hanya di Layar" in b for b in bookmarks)


@pytest.mark.e2e
@needs_chromium
def test_contents_page_lists_sections_with_the_pages_they_start_on(printed):
    from pypdf import PdfReader

    reader = PdfReader(printed["id"])
    pages = [_text(p) for p in reader.pages]
    assert "Laporan Uji Aksesibilitas" in pages[0]  # the cover comes first
    contents = pages[1]
    assert contents.lstrip().startswith("Daftar Isi")
    assert "Rincian" not in contents  # h3 headings are bookmarks, not contents lines
    assert "Hanya di Layar" not in contents
    bookmark_page = dict(outline_pages(printed["id"].read_bytes()))
    for section in SECTIONS:
        m = re.search(re.escape(section) + r"\s*(\d+)\s*$", contents, re.MULTILINE)
        assert m, (section, contents)
        number = int(m.group(1))
        assert number == bookmark_page[section]
        # ... and it is really the page the section's heading is printed on.
        assert section in pages[number - 1]
        assert all(section not in p for p in pages[2 : number - 1])
    assert int(re.search(r"Metodologi\s*(\d+)", contents).group(1)) > 3


@pytest.mark.e2e
@needs_chromium
def test_english_pdf_says_contents(printed):
    from pypdf import PdfReader

    text = _text(PdfReader(printed["en"]).pages[1])
    assert text.lstrip().startswith("Contents") and "Daftar Isi" not in text


@pytest.mark.e2e
@needs_chromium
def test_long_partner_names_never_split_a_row_across_pages(printed):
    from pypdf import PdfReader

    pages = [_text(p).replace("\n", "") for p in PdfReader(printed["id"]).pages]
    spread = set()
    for i in range(1, LONG_ROWS + 1):
        start = [n for n, p in enumerate(pages) if f"AWAL{i:02d}X" in p]
        end = [n for n, p in enumerate(pages) if f"AKHIR{i:02d}X" in p]
        assert len(start) == 1 and start == end, (i, start, end)
        spread.add(start[0])
    assert len(spread) >= 2  # the table itself does run over several pages


def test_tidy_outline_only_touches_doubled_titles():
    from evaluation.publish.contents import _doubled

    assert _doubled("Kualitas DataKualitas Data") == "Kualitas Data"
    assert _doubled("abab") == "ab"
    assert _doubled("Kualitas Data") is None
    assert _doubled("") is None


def test_match_pages_pairs_titles_in_document_order():
    outline = [
        ("Laporan", 1),
        ("Daftar Isi", 2),
        ("Ringkasan", 3),
        ("Tingkat: A × BTingkat: A × B", 4),  # Chromium repeated the text
        ("Ringkasan", 6),
        ("Metodologi ¶", 7),
    ]
    titles = ["Ringkasan", "Tingkat: A × B", "Ringkasan", "Metodologi", "Tidak Ada"]
    assert match_pages(titles, outline) == [3, 4, 6, 7, None]
    assert match_pages([], outline) == []


def test_unreadable_pdf_leaves_the_contents_without_numbers(caplog):
    assert outline_pages(b"%PDF-1.4 not really a pdf") == []
    from evaluation.publish.contents import tidy_outline

    assert tidy_outline(b"%PDF-1.4 broken") == b"%PDF-1.4 broken"
    assert "outline" in caplog.text and "bookmarks" in caplog.text


@pytest.mark.e2e
@needs_chromium
def test_contents_numbers_are_the_pages_of_the_headings_destinations(printed):
    """The contents links' targets (named destinations, read from the final PDF) are on the
    pages the contents page gives: the draft's numbers held in the tagged print."""
    from pypdf import PdfReader

    from evaluation.publish.contents import destination_pages

    data = printed["id"].read_bytes()
    reader = PdfReader(printed["id"])
    contents = _text(reader.pages[1])
    ids = {str(name).removeprefix("/").casefold(): str(name) for name in reader.named_destinations}
    for section in SECTIONS:
        number = int(re.search(re.escape(section) + r"\s*(\d+)\s*$", contents, re.M).group(1))
        heading_id = ids[section.replace(" ", "-").casefold()].removeprefix("/")
        assert destination_pages(data, [heading_id]) == [number], section
    assert destination_pages(data, ["no-such-heading"]) == [None]


def _outline_pdf(titles: list[str]) -> bytes:
    """A small PDF (pypdf, classic cross-reference table) with one bookmark per title."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in titles:
        writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": "Uji"})
    parent = writer.add_outline_item(title=titles[0], page_number=0)
    for i, title in enumerate(titles[1:], start=1):
        writer.add_outline_item(title=title, page_number=i, parent=parent)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_tidy_outline_appends_an_update_and_keeps_the_original_bytes():
    import io

    from pypdf import PdfReader

    from evaluation.publish.contents import tidy_outline

    pdf = _outline_pdf(["Laporan", "Kualitas DataKualitas Data", "Metodologi", "ÉtéÉté"])
    tidied = tidy_outline(pdf)
    assert tidied.startswith(pdf) and len(tidied) - len(pdf) < 1000  # only the bookmarks
    assert [t for t, _ in outline_pages(tidied)] == [
        "Laporan",
        "Kualitas Data",
        "Metodologi",
        "Été",
    ]
    assert [p for _, p in outline_pages(tidied)] == [1, 2, 3, 4]
    reader = PdfReader(io.BytesIO(tidied))
    assert reader.metadata.title == "Uji" and len(reader.pages) == 4
    clean = _outline_pdf(["Laporan", "Metodologi"])
    assert tidy_outline(clean) is clean  # nothing to fix: the very same bytes


def test_a_pdf_the_strict_reader_refuses_is_read_leniently():
    """The outline is read strictly first (faster); a file with a wrong cross-reference
    offset, which the strict reader refuses, is still read by the lenient one."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    from evaluation.publish.contents import _reader

    pdf = _outline_pdf(["Laporan", "Metodologi"])
    start = pdf.rindex(b"startxref") + len(b"startxref")
    offset = int(pdf[start:].split()[0])
    broken = pdf[:start] + pdf[start:].replace(str(offset).encode(), str(offset + 3).encode(), 1)
    with pytest.raises(PyPdfError):
        PdfReader(io.BytesIO(broken), strict=True)
    assert _reader(pdf).strict and not _reader(broken).strict
    assert outline_pages(broken) == outline_pages(pdf) == [("Laporan", 1), ("Metodologi", 2)]
