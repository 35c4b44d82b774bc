"""Executed notebook → ONE self-contained HTML file (nbconvert, the ``report`` template).

The template (``templates/report``) extends nbconvert's ``lab`` template, hides code and
prompts, blanks every block that would load something from the network (require.js, MathJax,
mermaid, the widget manager) and adds the screen and A4 print styles. After rendering, the
HTML is checked for external resources; the file is written atomically.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat

from evaluation.atomic import write_bytes_atomic
from evaluation.errors import RenderError, first_line

#: Folder holding the nbconvert template folders of the project.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: Name of the report template folder.
TEMPLATE_NAME = "report"

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
                        self.found.append(f"<{tag} {name}={candidate.strip()!r}>")
            elif name == "style":
                for url in _CSS_REMOTE.findall(value):
                    self.found.append(f"<{tag} style=url({url})>")
            elif name == "http-equiv" and value.lower() == "refresh":
                self.found.append(f"<{tag} http-equiv=refresh>")
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


def _prepare(nb: nbformat.NotebookNode, title: str, keep_stderr: bool) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the title set and (unless kept) stderr streams removed."""
    nb = copy.deepcopy(nb)
    nb.metadata["title"] = title
    if not keep_stderr:
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
    return nb


def _notebook_lang(nb) -> str:
    """The report language papermill injected into an executed notebook (``"id"`` if none)."""
    params = nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or {}
    lang = params.get("lang")
    return lang if isinstance(lang, str) and lang in ("id", "en") else "id"


def make_exporter(lang: str = "id"):
    """The configured nbconvert ``HTMLExporter`` (report template, no code, no prompts).

    Parameters
    ----------
    lang
        Value of the ``<html lang>`` attribute (ISO 639-1).

    Returns
    -------
    nbconvert.HTMLExporter
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    cfg = Config()
    cfg.TagRemovePreprocessor.enabled = True
    cfg.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
    cfg.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    exporter = HTMLExporter(
        config=cfg,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        template_name=TEMPLATE_NAME,
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.require_js_url = ""
    exporter.mathjax_url = ""
    exporter.mermaid_js_url = ""
    exporter.widget_renderer_url = ""
    exporter.jupyter_widgets_base_url = ""
    exporter.language_code = lang
    exporter.theme = "light"
    return exporter


def notebook_to_html(
    executed_ipynb: Path,
    out_html: Path,
    title: str,
    *,
    lang: str | None = None,
    keep_stderr: bool = False,
) -> Path:
    """Convert an executed report notebook to one self-contained HTML file.

    Parameters
    ----------
    executed_ipynb
        The notebook executed by papermill.
    out_html
        Where to write the HTML (parent folders are created). Written atomically.
    title
        Document title (``<title>``).
    lang
        ``<html lang>`` of the document (``"id"`` or ``"en"``). Default: the ``lang``
        parameter papermill gave the notebook (recorded in its metadata), else ``"id"``;
        so an English report declares ``lang="en"`` without the caller saying so.
    keep_stderr
        Keep stderr stream outputs (warnings) in the report; by default they are dropped.

    Returns
    -------
    Path
        ``out_html``.

    Raises
    ------
    RenderError
        If the notebook cannot be read or converted, or if the HTML would load anything from
        the network (the offending references are named; nothing is written then).
    """
    executed_ipynb = Path(executed_ipynb)
    out_html = Path(out_html)
    try:
        nb = nbformat.read(executed_ipynb, as_version=4)
    except (OSError, ValueError) as exc:
        raise RenderError(
            f"Cannot read notebook {executed_ipynb}: {exc}",
            code="html_read_failed",
            fields={"path": executed_ipynb, "detail": first_line(exc)},
        ) from exc
    if lang is None:
        lang = _notebook_lang(nb)
    nb = _prepare(nb, title, keep_stderr)
    try:
        body, _ = make_exporter(lang).from_notebook_node(
            nb, resources={"metadata": {"name": title}}
        )
    except Exception as exc:  # noqa: BLE001 - nbconvert raises many kinds
        raise RenderError(
            f"Cannot convert {executed_ipynb} to HTML: {exc}",
            code="html_convert_failed",
            fields={"path": executed_ipynb, "detail": first_line(exc)},
        ) from exc
    body = with_plotly_js(body)
    body = with_itables_js(body)
    body = with_toc(body, lang)
    external = find_external_resources(body)
    if external:
        shown = "; ".join(external[:5]) + (" …" if len(external) > 5 else "")
        raise RenderError(
            f"The HTML report from {executed_ipynb.name} would load {len(external)} resource(s) "
            f"from the network, so it would not open offline: {shown}. Embed them instead "
            "(images as files next to the notebook, charts with evaluation.presentation.charts.show).",
            code="html_external",
            fields={"notebook": executed_ipynb.name, "n": len(external), "shown": shown},
        )
    write_atomic(out_html, body.encode("utf-8"))
    return out_html


def with_plotly_js(body: str) -> str:
    """``body`` with plotly.js embedded once in its ``<head>`` when it draws charts and does
    not embed plotly.js yet (the report's executed notebooks do not carry a copy each)."""
    if 'class="eval-chart"' not in body or "data-eval-plotlyjs" in body:
        return body
    from evaluation.presentation.charts import plotly_js_html

    head_end = body.find("</head>")
    if head_end < 0:
        return plotly_js_html() + body
    return body[:head_end] + plotly_js_html() + "\n" + body[head_end:]


def with_itables_js(body: str) -> str:
    """``body`` with the offline DataTables bundle of itables embedded once (before
    ``</body>``) when it holds an interactive table (``data-eval-itable``) and does not embed
    the bundle yet. The bundle is itables' own offline initialisation (CSS and JavaScript as
    base64, loaded through a ``blob:`` URL): nothing is fetched."""
    if "data-eval-itable" not in body or "data-eval-itablesjs" in body:
        return body
    from itables import options
    from itables.javascript import generate_init_offline_itables_html

    block = generate_init_offline_itables_html(options.dt_bundle)
    block = f'<div hidden data-eval-itablesjs="1">{block}</div>'
    end = body.rfind("</body>")
    return body + block if end < 0 else body[:end] + block + "\n" + body[end:]


def with_toc(body: str, lang: str) -> str:
    """``body`` with its table of contents (:func:`evaluation.publish.toc.add_toc`)."""
    from evaluation.presentation.text import t
    from evaluation.publish.toc import add_toc

    return add_toc(body, t("datatable.toc", lang), t("datatable.toc_skip", lang))


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder + ``os.replace``.

    Parameters
    ----------
    path
        Target file; parent folders are created.
    data
        Content.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    RenderError
        If the file cannot be written.
    """
    path = Path(path)
    try:
        write_bytes_atomic(path, data)
    except OSError as exc:
        raise RenderError(
            f"Cannot write {path}: {exc}",
            code="write_failed",
            fields={"path": path, "detail": first_line(exc)},
        ) from exc
    return path
