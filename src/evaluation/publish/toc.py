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
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Heading levels listed (h1 outside the cover, sections, sub-sections).
TOC_LEVELS = ("h1", "h2", "h3")
#: Fewest headings for which a contents list is worth showing.
TOC_MIN_HEADINGS = 3
_SKIP_CLASSES = ("cover", "celltag_cover")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Heading:
    level: int
    start: int  # offset of "<hN" in the document
    tag_end: int  # offset just after the start tag's ">"
    id: str | None
    text: str = ""
    parts: list[str] = field(default_factory=list)


class _Finder(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0]
        for m in re.finditer("\n", text):
            self.line_starts.append(m.end())
        self.headings: list[Heading] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, starts a skipped region)
        self.skip_depth = 0
        self.current: Heading | None = None
        self.anchor_depth = 0
        self.main_at: int | None = None

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        classes = (attrs_d.get("class") or "").split()
        if tag == "main" and self.main_at is None:
            self.main_at = self._offset()
        if tag in _VOID:
            return
        skip = any(c in _SKIP_CLASSES for c in classes)
        self.stack.append((tag, skip))
        if skip:
            self.skip_depth += 1
        if self.current is not None:
            if tag == "a" and "anchor-link" in classes:
                self.anchor_depth += 1
            return
        if tag in TOC_LEVELS and not self.skip_depth:
            start = self._offset()
            raw = self.get_starttag_text() or ""
            self.current = Heading(int(tag[1]), start, start + len(raw), attrs_d.get("id"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _VOID or not any(open_tag == tag for open_tag, _ in self.stack):
            return  # a stray end tag closes nothing
        if self.current is not None and tag == f"h{self.current.level}":
            self.current.text = " ".join("".join(self.current.parts).split())
            if self.current.text:
                self.headings.append(self.current)
            self.current = None
        if tag == "a" and self.anchor_depth:
            self.anchor_depth -= 1
        while self.stack:
            open_tag, skip = self.stack.pop()
            if skip:
                self.skip_depth -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.current is not None and not self.anchor_depth:
            self.current.parts.append(data)


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
    finder = _Finder(body[skip:])
    finder.feed(body[skip:])
    finder.close()
    heads, main_at = finder.headings, finder.main_at
    if main_at is None or len(heads) < TOC_MIN_HEADINGS:
        return body
    main_at += skip
    for h in heads:
        h.start += skip
    used = set(re.findall(r'\sid="([^"]+)"', body))
    pieces, last, moved = [], 0, 0
    for h in heads:
        if h.id:
            continue
        base = new = slug(h.text)
        k = 2
        while new in used:
            new, k = f"{base}-{k}", k + 1
        used.add(new)
        h.id = new
        insert_at = h.start + 3  # after "<hN"
        pieces += [body[last:insert_at], f' id="{new}"']
        last = insert_at
        if h.start < main_at:
            moved += len(pieces[-1])
    pieces.append(body[last:])
    body = "".join(pieces)
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
    at = main_at + moved
    end = body.find(">", at)
    main_tag = body[at : end + 1]
    if " id=" not in main_tag:
        main_tag = main_tag[:-1] + ' id="eval-report">'
    else:
        nav = nav.replace('href="#eval-report"', f'href="#{_id_of(main_tag)}"')
    return body[:at] + nav + main_tag + body[end + 1 :]


def _id_of(tag: str) -> str:
    m = re.search(r'\sid="([^"]*)"', tag)
    return m.group(1) if m else ""
