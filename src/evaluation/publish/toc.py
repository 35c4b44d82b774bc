"""The HTML report's table of contents: a sidebar on wide screens, a list at the top on phones.

:func:`add_toc` reads the rendered document once (Python's HTML parser; script and style
contents are not markup), gives every section heading (``h1``–``h3`` outside the cover) a
stable ``id`` if it has none (a slug of its text, made unique), and inserts a
``<nav class="eval-toc">`` linking to them just before ``<main>``. The list is plain HTML, so
it works without JavaScript; it is hidden when printing (the PDF has its own contents page,
:mod:`evaluation.publish.contents`). Headings come from ``bagian(...)``/``judul(...)`` in
the notebooks' outputs and from markdown cells alike.
"""

from __future__ import annotations

import html
import re
import unicodedata

from evaluation.publish.scan import TOC_LEVELS, DocumentScan, Heading, apply_edits, scan

#: Fewest headings for which a contents list is worth showing.
TOC_MIN_HEADINGS = 3
_ID = re.compile(r'\sid="([^"]+)"')


def slug(text: str) -> str:
    """An id from heading text: ASCII letters and digits joined by ``-`` (``bagian`` if none).

    >>> slug("Tingkat Pelaksanaan: Kategori Mitra × Ruang Lingkup")
    'tingkat-pelaksanaan-kategori-mitra-ruang-lingkup'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return out[:60].rstrip("-") or "bagian"


def add_toc(body: str, title: str, skip_label: str) -> str:
    """``body`` with section ids and a ``<nav class="eval-toc">`` before ``<main>``.

    Parameters
    ----------
    body
        The rendered HTML document.
    title
        Heading of the list ("Daftar Isi").
    skip_label
        Text of the link that skips the list (keyboard and screen-reader users).

    Returns
    -------
    str
        The document; unchanged when it has no ``<main>`` or fewer than
        :data:`TOC_MIN_HEADINGS` headings.
    """
    # Only the body is read: the head holds the 5 MB of plotly.js and no headings.
    head_end = body.find("</head>")
    skip = head_end + len("</head>") if head_end >= 0 else 0
    doc = scan(body[skip:], base=skip)
    return apply_edits(body, toc_edits(body, doc, ids_in(body), title, skip_label))


def ids_in(text: str) -> set[str]:
    """The values of every ``id="…"`` attribute written in ``text`` (a slug must not clash)."""
    return set(_ID.findall(text))


def toc_edits(
    body: str, doc: DocumentScan, used: set[str], title: str, skip_label: str
) -> list[tuple[int, str]]:
    """The insertions (:func:`evaluation.publish.scan.apply_edits`) that give the headings
    ``doc`` found in ``body`` an id and put the contents list before ``<main>``.

    Parameters
    ----------
    body
        The document ``doc`` was read from (offsets are into it).
    doc
        What :func:`evaluation.publish.scan.scan` found in it.
    used
        Ids already in the document (:func:`ids_in`); the new ones are added to it.
    title, skip_label
        As for :func:`add_toc`.

    Returns
    -------
    list of (offset, text)
        Empty when there is no ``<main>`` or fewer than :data:`TOC_MIN_HEADINGS` headings.
    """
    heads, main_at = doc.headings, doc.main_at
    if main_at is None or len(heads) < TOC_MIN_HEADINGS:
        return []
    edits: list[tuple[int, str]] = []
    for h in heads:
        if h.id:
            continue
        base = new = slug(h.text)
        k = 2
        while new in used:
            new, k = f"{base}-{k}", k + 1
        used.add(new)
        h.id = new
        edits.append((h.start + 3, f' id="{new}"'))  # after "<hN"
    items = "".join(
        f'<li class="eval-toc-h{h.level}"><a href="#{html.escape(h.id or "")}">'
        f"{html.escape(h.text)}</a></li>"
        for h in heads
    )
    nav = (
        f'<a class="eval-skip" href="#eval-report">{html.escape(skip_label)}</a>'
        f'<nav class="eval-toc" aria-labelledby="eval-toc-title">'
        f'<p class="eval-toc-title" id="eval-toc-title">{html.escape(title)}</p>'
        f"<ol>{items}</ol></nav>"
    )
    end = body.find(">", main_at)
    main_tag = body[main_at : end + 1]
    if " id=" not in main_tag:
        edits.append((end, ' id="eval-report"'))
    else:
        nav = nav.replace('href="#eval-report"', f'href="#{_id_of(main_tag)}"')
    edits.append((main_at, nav))
    return edits


def _id_of(tag: str) -> str:
    m = re.search(r'\sid="([^"]*)"', tag)
    return m.group(1) if m else ""


__all__ = ["TOC_LEVELS", "TOC_MIN_HEADINGS", "Heading", "add_toc", "ids_in", "slug", "toc_edits"]
