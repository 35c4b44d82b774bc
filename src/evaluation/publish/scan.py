"""One pass over a rendered HTML report: what it fetches, its headings, its focusable outputs.

:class:`DocumentScan` reads a document once with Python's HTML parser (script and style
contents are raw text, not markup) and collects, with their offsets in the text:

* the references a browser would fetch from the network (:func:`find_external_resources`);
* the section headings (``h1``–``h3`` outside the cover) and the ``<main>`` element, from
  which :mod:`evaluation.publish.toc` builds the table of contents;
* the accessibility attributes nbconvert's ``HTMLExporter`` adds after rendering (by parsing
  and re-serialising the whole document with BeautifulSoup): ``alt`` on images without one,
  ``tabindex="0"`` on each input wrapper and output area inside the ``.jp-Notebook`` element.

The changes are made as insertions into the text (:func:`apply_edits`), so the rendered
document is neither parsed into a tree nor written out again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_CSS_REMOTE = re.compile(
    r"""(?:@import\s+(?:url\(\s*)?|url\(\s*)["']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^"')\s]*)""",
    re.IGNORECASE,
)
#: Attributes that make the browser fetch something, per tag (None: any tag).
_FETCH_ATTRS = {
    "src": None,
    "srcset": None,
    "poster": None,
    "background": None,
    "data": {"object"},
    "href": {"link", "image", "use", "feimage", "base"},
    "xlink:href": {"image", "use", "feimage", "script"},
    "action": {"form"},
    "formaction": None,
    "manifest": {"html"},
}
#: Heading levels listed in the table of contents (h1 outside the cover, sections, …).
TOC_LEVELS = ("h1", "h2", "h3")
_SKIP_CLASSES = ("cover", "celltag_cover")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
#: What nbconvert's HTMLExporter writes on an image that has no alternative text.
MISSING_ALT = "No description has been provided for this image"
#: Classes of the ``div`` elements nbconvert makes focusable (inside ``.jp-Notebook``).
_FOCUSABLE = ("jp-Cell-inputWrapper", "jp-OutputArea-output")
_TABINDEX = re.compile(r"""\stabindex(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""", re.I)


def _fetched(tag: str, attrs: list[tuple[str, str | None]]) -> list[str]:
    """Descriptions of what start tag ``tag`` with ``attrs`` fetches from another host."""
    found = []
    for name, value in attrs:
        if value is None:
            continue
        name = name.lower()
        if name in _FETCH_ATTRS:
            tags = _FETCH_ATTRS[name]
            if tags is not None and tag not in tags:
                continue
            candidates = value.split(",") if name == "srcset" else [value]
            for candidate in candidates:
                if _REMOTE.match(candidate.strip()):
                    found.append(f"<{tag} {name}={candidate.strip()!r}>")
        elif name == "style":
            for url in _CSS_REMOTE.findall(value):
                found.append(f"<{tag} style=url({url})>")
        elif name == "http-equiv" and value.lower() == "refresh":
            found.append(f"<{tag} http-equiv=refresh>")
    return found


class _ExternalRefFinder(HTMLParser):
    """Collects URLs that a browser would fetch from another host.

    Script and style contents are not parsed as markup (the parser treats them as raw text),
    so URLs inside plotly.js strings do not count; style contents are scanned for ``url()``
    and ``@import``. Plain ``<a href>`` links are allowed: they load nothing.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if attrs:
            self.found += _fetched(tag, attrs)
        if tag == "style":
            self._in_style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in _CSS_REMOTE.findall(data):
                self.found.append(f"<style> url({url})")


def find_external_resources(html_text: str) -> list[str]:
    """Resources in an HTML document that would be fetched from the network.

    Looks at fetching attributes (``src``, ``srcset``, ``<link href>``, SVG ``<image href>``,
    …) and at CSS ``url()``/``@import`` in ``<style>`` elements and ``style`` attributes.
    Absolute (``http://``, ``https://``) and protocol-relative (``//host``) URLs count;
    ``data:`` URIs and plain ``<a href>`` links do not.

    Parameters
    ----------
    html_text
        The document.

    Returns
    -------
    list of str
        One description per offending reference, in document order (empty when clean).
    """
    finder = _ExternalRefFinder()
    finder.feed(html_text)
    finder.close()
    return finder.found


@dataclass
class Heading:
    """A section heading of the document."""

    level: int
    start: int  # offset of "<hN" in the document
    tag_end: int  # offset just after the start tag's ">"
    id: str | None
    text: str = ""
    parts: list[str] = field(default_factory=list)


class DocumentScan(_ExternalRefFinder):
    """Reads a rendered document once (see the module's description).

    Parameters
    ----------
    text
        The document (or the part of it fed to the parser; offsets are within ``text``).
    base
        Added to every offset recorded (when ``text`` is a slice of a larger document).
    accessibility
        Also record nbconvert's accessibility attributes (:attr:`edits`).
    """

    def __init__(self, text: str, base: int = 0, accessibility: bool = False) -> None:
        super().__init__()
        self.base = base
        self.accessibility = accessibility
        self.line_starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.line_starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.headings: list[Heading] = []
        self.main_at: int | None = None
        #: The accessibility attributes, as edits of the text (see :func:`apply_edits`).
        self.edits: list[tuple] = []
        #: How many images had no ``alt`` (nbconvert warns about them).
        self.missing_alt = 0
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, skipped region, .jp-Notebook)
        self._open: dict[str, int] = {}  # how many elements of each tag are on the stack
        self._skip_depth = 0
        self._notebook_depth = 0
        self._current: Heading | None = None
        self._anchor_depth = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.base + self.line_starts[line - 1] + col

    def _set_attr(self, attr: str, old: re.Pattern | None = None) -> None:
        """Record ``attr`` written in the start tag being handled: in place of the attribute
        ``old`` matches if the tag has it, else at the end of the tag."""
        raw = self.get_starttag_text() or ""
        start = self._offset()
        found = old.search(raw) if old is not None else None
        if found:
            self.edits.append((start + found.start(), attr, found.end() - found.start()))
        else:
            end = start + len(raw) - (2 if raw.endswith("/>") else 1)
            self.edits.append((end, attr))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if attrs:
            self.found += _fetched(tag, attrs)
        if tag == "style":
            self._in_style = True
        attrs_d = dict(attrs) if attrs else {}
        classes = (attrs_d.get("class") or "").split()
        if self.accessibility:
            if tag == "img" and "alt" not in attrs_d:
                self._set_attr(f' alt="{MISSING_ALT}"')
                self.missing_alt += 1
            elif (
                tag == "div"
                and self._notebook_depth
                and any(c in _FOCUSABLE for c in classes)
                and attrs_d.get("tabindex", "") != "0"
            ):
                self._set_attr(' tabindex="0"', _TABINDEX if "tabindex" in attrs_d else None)
        if tag == "main" and self.main_at is None:
            self.main_at = self._offset()
        if tag in _VOID:
            return
        skip = any(c in _SKIP_CLASSES for c in classes)
        notebook = "jp-Notebook" in classes
        self._stack.append((tag, skip, notebook))
        self._open[tag] = self._open.get(tag, 0) + 1
        self._skip_depth += skip
        self._notebook_depth += notebook
        if self._current is not None:
            if tag == "a" and "anchor-link" in classes:
                self._anchor_depth += 1
            return
        if tag in TOC_LEVELS and not self._skip_depth:
            start = self._offset()
            raw = self.get_starttag_text() or ""
            self._current = Heading(int(tag[1]), start, start + len(raw), attrs_d.get("id"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag in _VOID or not self._open.get(tag):
            return  # a stray end tag closes nothing
        current = self._current
        if current is not None and tag == f"h{current.level}":
            current.text = " ".join("".join(current.parts).split())
            if current.text:
                self.headings.append(current)
            self._current = None
        if tag == "a" and self._anchor_depth:
            self._anchor_depth -= 1
        while self._stack:
            open_tag, skip, notebook = self._stack.pop()
            self._open[open_tag] -= 1
            self._skip_depth -= skip
            self._notebook_depth -= notebook
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in _CSS_REMOTE.findall(data):
                self.found.append(f"<style> url({url})")
        if self._current is not None and not self._anchor_depth:
            self._current.parts.append(data)


def scan(text: str, base: int = 0, accessibility: bool = False) -> DocumentScan:
    """``text`` read by a :class:`DocumentScan` (see there for the parameters)."""
    doc = DocumentScan(text, base, accessibility)
    doc.feed(text)
    doc.close()
    return doc


def apply_edits(text: str, edits: list[tuple]) -> str:
    """``text`` with ``edits`` made, in one copy.

    Each edit is ``(offset, insertion)``, or ``(offset, replacement, length)`` to replace the
    ``length`` characters at ``offset``. Edits must not overlap; insertions at the same offset
    keep their order in ``edits``.
    """
    if not edits:
        return text
    pieces, last = [], 0
    for edit in sorted(edits, key=lambda e: e[0]):
        at, new = edit[0], edit[1]
        pieces += [text[last:at], new]
        last = at + (edit[2] if len(edit) > 2 else 0)
    pieces.append(text[last:])
    return "".join(pieces)
