"""What a print page is served: the report's document, its plotly.js split out, and the
network guard (:mod:`evaluation.publish.pdf` prints with it).

Each print page (one browser context) has one :class:`Slot`: it reads the next HTML file,
turns its inline ``<script data-eval-plotlyjs>`` block into an external script of the same
bytes named by their hash (:func:`externalize_plotly`: V8's compile cache is keyed by the
script's URL, so every report in the page finds the bundle compiled), leaves out the
DataTables bundle of the interactive tables (:func:`without_itables`: printing hides those
tables and shows their static twins, so the bundle would only cost time), serves the rewritten
document as the file's own ``file://`` navigation, and aborts every request that would leave
the machine. A document that runs no code (:func:`is_static`, the unit lists) can instead be
written into the page in place (:meth:`Slot.static_text`).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from evaluation.publish.browser import LOCAL_SCHEMES

__all__ = ["Slot", "externalize_plotly", "is_static", "same_file", "without_itables"]

#: Opening tag of the plotly.js block written by ``charts.plotly_js_html``.
_PLOTLY_TAG = re.compile(rb"<script\b[^>]*\bdata-eval-plotlyjs\b[^>]*>", re.IGNORECASE)
_SCRIPT_END = re.compile(rb"</script", re.IGNORECASE)
_SRC_ATTR = re.compile(rb"\ssrc\s*=", re.IGNORECASE)
#: What makes a document run code or load other documents: such a document is always opened
#: by a navigation of its own (a fresh window), never written into the page of the previous.
_ACTIVE_CONTENT = re.compile(
    rb"<(?:script|iframe|frame|object|embed|meta\s[^>]*http-equiv)\b|\son[a-z]+\s*=",
    re.IGNORECASE,
)
_UTF8_META = re.compile(rb"<meta\s+charset\s*=\s*[\"']?utf-8[\"'\s/>]", re.IGNORECASE)


def externalize_plotly(document: bytes, base_url: str) -> tuple[bytes, str | None, bytes | None]:
    """Split the inline plotly.js block of a report out of the document.

    The script element keeps its attributes and its place in the document; its body is
    removed and ``src="<base_url><file_name>"`` added. The file name depends on the script's
    bytes only, so every report embedding the same plotly.js names it the same way.

    Parameters
    ----------
    document
        The HTML file's bytes.
    base_url
        URL of the folder the script will be served from, ending with ``/``.

    Returns
    -------
    tuple
        ``(document, file_name, script)``; ``(document, None, None)`` unchanged when there
        is no such block, it already has a ``src``, it is not closed, or its text holds
        ``<!--`` (where the HTML parser's script-escape rules would make a plain cut unsafe).
    """
    tag = _PLOTLY_TAG.search(document)
    if tag is None or _SRC_ATTR.search(tag.group(0)):
        return document, None, None
    end = _SCRIPT_END.search(document, tag.end())
    if end is None:
        return document, None, None
    script = document[tag.end() : end.start()]
    if b"<!--" in script:
        return document, None, None
    name = f"plotly-{hashlib.sha256(script).hexdigest()[:20]}.js"
    opening = tag.group(0)[:-1].rstrip(b"/ \t\r\n")
    src = html.escape(base_url + name, quote=True).encode("utf-8")
    new_tag = opening + b' src="' + src + b'">'
    return document[: tag.start()] + new_tag + document[end.start() :], name, script


def without_itables(document: bytes) -> bytes:
    """``document`` without the DataTables bundle :func:`evaluation.publish.html.with_itables_js`
    embedded in it, for printing.

    Print styles hide every interactive table and show its static twin, and each table's own
    script only waits for the bundle (it starts when the bundle announces itself), so without
    the bundle nothing runs and the printed pages are the same; the page is spared compiling
    and running about 1 MB of script (about 0.5 s of the renderer's time per report). Only the
    exact block this version writes is removed; any other document is returned unchanged.
    """
    if b"data-eval-itablesjs" not in document:
        return document
    from evaluation.publish.html import itables_block

    block = itables_block().encode("utf-8")
    at = document.rfind(block)
    if at < 0:
        return document
    return document[:at] + document[at + len(block) :]


def is_static(document: bytes) -> bool:
    """True for a UTF-8 document that runs no code and opens no other document."""
    return bool(_UTF8_META.search(document, 0, 2048)) and not _ACTIVE_CONTENT.search(document)


def same_file(url: str, path: Path) -> bool:
    if not url.lower().startswith("file:"):
        return False
    try:
        return Path(url2pathname(unquote(urlsplit(url).path))) == path
    except (OSError, ValueError):  # pragma: no cover - malformed URL
        return False


class Slot:
    """One concurrent page: the job it is printing and that job's blocked requests/errors.

    Parameters
    ----------
    script_dir
        Temporary folder holding the plotly.js bundles split out of the documents (shared by
        all slots of one call; a bundle is written once, under a name made of its hash).
    """

    def __init__(self, script_dir: Path):
        self.script_dir = script_dir
        self.path: Path | None = None
        self.uri = ""
        self.document: bytes | None = None
        #: Folder of the static document the page shows (see :meth:`static_text`), else None.
        self.static_dir: Path | None = None
        self.blocked: list[str] = []
        self.page_errors: list[str] = []

    def start(self, html_path: Path) -> None:
        """Prepare the next job: read it and split its plotly.js out (OSError if it fails)."""
        self.serve(html_path.resolve(), html_path.read_bytes())

    def serve(self, path: Path, document: bytes) -> None:
        """Serve ``document`` (its plotly.js split out, without the DataTables bundle) as
        ``path``'s next navigation."""
        self.path = path
        self.uri = self.path.as_uri()
        document = without_itables(document)
        document, name, script = externalize_plotly(document, self.script_dir.as_uri() + "/")
        if name is not None and not (self.script_dir / name).exists():
            (self.script_dir / name).write_bytes(script)
        self.document = document
        self.blocked = []
        self.page_errors = []

    def static_text(self) -> str | None:
        """The job's document as text if it can replace the page's document in place.

        A document without scripts, frames, event handlers or refresh (a unit list), in
        UTF-8, from the folder of the static document the page already shows, is written
        into that page (``page.set_content``) instead of navigated to: a navigation costs
        about as much CPU as printing such a page. The page keeps its URL, which is in the
        same folder, so relative references resolve the same way; its requests pass the
        same network guard. None: navigate.
        """
        document = self.document
        if (
            document is None
            or self.path is None
            or self.static_dir != self.path.parent
            or not is_static(document)
        ):
            return None
        try:
            return document.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def on_page_error(self, exc) -> None:
        self.page_errors.append(str(exc))

    async def route(self, route) -> None:
        """Serve the job's (rewritten) document; abort everything non-local."""
        from playwright.async_api import Error as PlaywrightError

        request = route.request
        url = request.url
        with contextlib.suppress(PlaywrightError):  # the page may be closing
            if (
                self.document is not None
                and request.is_navigation_request()
                and (url == self.uri or same_file(url, self.path))
            ):
                await route.fulfill(status=200, content_type="text/html", body=self.document)
            elif url.lower().startswith(LOCAL_SCHEMES):
                await route.continue_()
            else:
                self.blocked.append(url)
                await route.abort("blockedbyclient")
