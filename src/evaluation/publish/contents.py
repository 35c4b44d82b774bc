"""The printed report's contents page: section titles with the page each one starts on.

Chromium knows the page of every heading only once it has printed the document, so the
contents page is made in passes over the same loaded page:

1. :data:`ADD_CONTENTS_JS` inserts a ``<nav class="eval-contents">`` after the cover (or,
   for a document without a cover, at the start of ``<main>``) listing every visible
   ``h1``/``h2`` outside the cover, each a link to its heading, with a placeholder page number
   of fixed width. A document with a cover and fewer than two such headings, or without a
   cover and fewer than three, gets no contents page;
2. a draft is printed the cheap way (untagged, no outline, no footer: the footer sits in the
   page margin, so the pages break at the same places). Chromium writes a named destination
   for every internal link's target, so :func:`destination_pages` reads the page of each
   listed heading from the draft (pypdf), and :data:`FILL_PAGES_JS` writes the numbers in;
3. the document is printed tagged, with one bookmark per heading. :func:`outline_pages` reads
   that PDF's outline and :func:`match_pages` pairs the listed sections with their bookmarks:
   if a number does not agree, it is corrected and the document printed once more.

The numbers occupy a box of fixed width, so filling them in does not move anything.
:func:`tidy_outline` then fixes the bookmark titles Chromium writes twice, as a small
incremental update of the final PDF.
"""

from __future__ import annotations

import io
import logging
import re

#: Headings listed on the contents page.
CONTENTS_LEVELS = "h1, h2"
#: Placeholder of a page number before it is known (same box width as the real one).
PLACEHOLDER = "\u2007\u2007"

#: ``([title, levels]) => titles``: insert the contents block, return the listed titles.
ADD_CONTENTS_JS = (
    r"""([title, levels]) => {
  const old = document.querySelector('nav.eval-contents');
  if (old) { old.remove(); }
  const main = document.querySelector('main') || document.body;
  const skip = '.cover, .celltag_cover, .eval-contents';
  const clean = el => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('a.anchor-link').forEach(a => a.remove());
    return copy.textContent.replace(/\s+/g, ' ').trim();
  };
  const heads = Array.from(main.querySelectorAll(levels)).filter(
    h => !h.closest(skip) && h.getClientRects().length > 0 && clean(h) !== '');
  const cover = main.querySelector('.celltag_cover, .cover');
  if (heads.length < (cover ? 2 : 3)) { return []; }
  const nav = document.createElement('nav');
  nav.className = 'eval-contents';
  nav.setAttribute('aria-labelledby', 'eval-contents-title');
  const h = document.createElement('h2');
  h.id = 'eval-contents-title';
  h.className = 'eval-contents-title';
  h.textContent = title;
  nav.appendChild(h);
  const list = document.createElement('ol');
  heads.forEach((head, i) => {
    if (!head.id) { head.id = 'eval-section-' + (i + 1); }
    const item = document.createElement('li');
    item.className = 'eval-contents-' + head.tagName.toLowerCase();
    const link = document.createElement('a');
    link.href = '#' + head.id;
    const text = document.createElement('span');
    text.className = 'eval-contents-text';
    text.textContent = clean(head);
    const page = document.createElement('span');
    page.className = 'eval-contents-page';
    page.textContent = '"""
    + PLACEHOLDER
    + r"""';
    link.appendChild(text);
    link.appendChild(page);
    item.appendChild(link);
    list.appendChild(item);
  });
  nav.appendChild(list);
  let anchor = null;
  if (cover) {
    anchor = cover.closest('.jp-Cell') || cover;
  }
  if (anchor && anchor.parentNode) {
    anchor.parentNode.insertBefore(nav, anchor.nextSibling);
  } else {
    main.insertBefore(nav, main.firstChild);
  }
  return heads.map(clean);
}"""
)

#: ``() => ids``: the element ids the contents lines link to (``#id``), in order.
CONTENTS_IDS_JS = """() => Array.from(document.querySelectorAll('nav.eval-contents li > a'))
  .map(a => decodeURIComponent((a.getAttribute('href') || '').replace(/^#/, '')))"""

#: ``numbers => undefined``: write the page numbers (text, in order) into the contents block.
FILL_PAGES_JS = """numbers => {
  const pages = document.querySelectorAll('nav.eval-contents .eval-contents-page');
  pages.forEach((el, i) => { el.textContent = numbers[i] || ''; });
}"""

_SPACE = re.compile(r"\s+")
log = logging.getLogger("evaluation.publish.pdf")


def _reader(pdf: bytes):
    """A pypdf reader of ``pdf``: strict first (Chromium's PDFs are well formed, and the
    lenient reader checks every object's offset, about three times the time), lenient if
    the strict one refuses the file."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return PdfReader(io.BytesIO(pdf), strict=True)
    except (PyPdfError, ValueError, KeyError):
        return PdfReader(io.BytesIO(pdf))


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\u00b6", "")).strip().casefold()


def outline_pages(pdf: bytes) -> list[tuple[str, int]]:
    """Every bookmark of a PDF, depth first in document order: ``(title, 1-based page)``.

    Parameters
    ----------
    pdf
        The PDF's bytes.

    Returns
    -------
    list of tuple
        Empty when the PDF has no outline.
    """
    from pypdf.errors import PyPdfError

    found: list[tuple[str, int]] = []
    try:
        reader = _reader(pdf)

        def walk(items) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item)
                    continue
                page = reader.get_destination_page_number(item)
                if page is not None and page >= 0:
                    found.append((str(item.title or ""), page + 1))

        walk(reader.outline)
    except (PyPdfError, ValueError, KeyError) as exc:  # the contents page keeps no numbers
        log.warning(
            "Cannot read the printed PDF's outline (%s); contents without page numbers", exc
        )
        return []
    return found


def destination_pages(pdf: bytes, ids: list[str]) -> list[int | None]:
    """The 1-based page of each element id among a PDF's named destinations (None if absent).

    Chromium names the destination of an internal link ``#id`` after the id, even in an
    untagged PDF without outline.

    Parameters
    ----------
    pdf
        The PDF's bytes.
    ids
        Element ids (without ``#``).

    Returns
    -------
    list
        One page number (or None) per id; all None when the PDF cannot be read.
    """
    from pypdf.errors import PyPdfError

    try:
        reader = _reader(pdf)
        pages = {}
        for name, dest in reader.named_destinations.items():
            page = reader.get_destination_page_number(dest)
            if page is not None and page >= 0:
                pages[str(name).removeprefix("/")] = page + 1
    except (PyPdfError, ValueError, KeyError) as exc:
        log.warning("Cannot read the draft PDF's destinations (%s); numbers from the outline", exc)
        return [None] * len(ids)
    return [pages.get(i) for i in ids]


def match_pages(titles: list[str], outline: list[tuple[str, int]]) -> list[int | None]:
    """The page of each listed section: its bookmark, matched by title in document order.

    Each title takes the first bookmark after the previous match with the same text
    (whitespace and a pilcrow ignored, case folded), else the first that starts with it
    (Chromium may repeat a heading's text in its bookmark); a title without one gets None.

    Parameters
    ----------
    titles
        Section titles as listed on the contents page, in document order.
    outline
        :func:`outline_pages` of the printed document.

    Returns
    -------
    list
        One page number (or None) per title.
    """
    pages: list[int | None] = []
    start = 0
    keys = [_norm(t) for t, _ in outline]
    for title in titles:
        want = _norm(title)
        rest = range(start, len(keys))
        found = next((i for i in rest if keys[i] == want), None)
        if found is None:  # Chromium sometimes repeats a heading's text in its bookmark
            found = next((i for i in rest if want and keys[i].startswith(want)), None)
        if found is None:
            pages.append(None)
        else:
            pages.append(outline[found][1])
            start = found + 1
    return pages


def _doubled(title: str) -> str | None:
    """The text once, if ``title`` is the same text twice in a row (else None)."""
    half, odd = divmod(len(title), 2)
    if half and not odd and title[:half] == title[half:]:
        return title[:half]
    return None


def tidy_outline(pdf: bytes) -> bytes:
    """The PDF with bookmark titles that Chromium wrote twice ("KualitasKualitas") written once.

    Chromium 156 repeats a heading's text in its bookmark when the heading was moved to the
    next page (``break-after: avoid``). The corrected bookmarks are appended to the file as
    an incremental update (only those objects, a cross-reference section and a trailer), so
    the tags, language and everything else of the PDF stay byte for byte as Chromium wrote
    them; a PDF without such a bookmark is returned unchanged.

    Parameters
    ----------
    pdf
        The PDF's bytes.

    Returns
    -------
    bytes
    """
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject, TextStringObject

    try:
        reader = _reader(pdf)
        root = reader.trailer["/Root"]
        if "/Outlines" not in root:
            return pdf
        changed: dict = {}
        seen: set[int] = set()  # a malformed outline may loop
        stack = [root["/Outlines"].get_object()]
        while stack:
            parent = stack.pop()
            ref = parent.raw_get("/First") if "/First" in parent else None
            while ref is not None and ref.idnum not in seen:
                seen.add(ref.idnum)
                node = ref.get_object()
                once = _doubled(str(node.get("/Title", "")))
                if once is not None:
                    node[NameObject("/Title")] = TextStringObject(once)
                    changed[ref.idnum] = (ref.generation, node)
                stack.append(node)
                ref = node.raw_get("/Next") if "/Next" in node else None
        if not changed:
            return pdf
        return _append_update(pdf, reader, changed)
    except (PyPdfError, ValueError, KeyError, AttributeError) as exc:  # keep Chromium's PDF
        log.warning("Cannot tidy the printed PDF's bookmarks (%s); left as printed", exc)
        return pdf


def _append_update(pdf: bytes, reader, changed: dict) -> bytes:
    """``pdf`` with the objects ``changed`` (``{number: (generation, object)}``) appended as
    an incremental update with a classic cross-reference table (what Chromium writes).

    Raises
    ------
    ValueError
        If the PDF does not end with a classic cross-reference table.
    """
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    tail = pdf.rfind(b"startxref")
    if tail < 0:
        raise ValueError("no startxref")
    prev = int(pdf[tail + len(b"startxref") :].split()[0])
    if not pdf[prev : prev + 4] == b"xref":
        raise ValueError("the cross-reference section is not a table")
    out = io.BytesIO()
    out.write(pdf)
    if not pdf.endswith(b"\n"):
        out.write(b"\n")
    offsets = {}
    for number in sorted(changed):
        generation, obj = changed[number]
        offsets[number] = (out.tell(), generation)
        out.write(f"{number} {generation} obj\n".encode("ascii"))
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n")
    for number, (offset, generation) in offsets.items():
        out.write(f"{number} 1\n{offset:010d} {generation:05d} n \n".encode("ascii"))
    trailer = DictionaryObject()
    for key in list(reader.trailer.keys()):
        if key not in ("/Prev", "/XRefStm"):
            trailer[NameObject(key)] = reader.trailer.raw_get(key)
    size = max([int(reader.trailer.get("/Size", 0)), max(offsets) + 1])
    trailer[NameObject("/Size")] = NumberObject(size)
    trailer[NameObject("/Prev")] = NumberObject(prev)
    out.write(b"trailer\n")
    trailer.write_to_stream(out)
    out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode("ascii"))
    return out.getvalue()
