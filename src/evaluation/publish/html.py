"""Executed notebook → ONE self-contained HTML file (nbconvert, the ``report`` template).

The template (``templates/report``) extends nbconvert's ``lab`` template, hides code and
prompts, blanks every block that would load something from the network (require.js, MathJax,
mermaid, the widget manager) and adds the screen and A4 print styles. After rendering, the
HTML is read once (:mod:`evaluation.publish.scan`): checked for external resources, given
nbconvert's accessibility attributes and a table of contents (:mod:`evaluation.publish.toc`);
plotly.js and the DataTables bundle, built once per process, are inserted in the same copy.
The exporter is made once per process and language. The file is written atomically.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import nbformat

from evaluation.atomic import write_bytes_atomic
from evaluation.errors import RenderError, first_line
from evaluation.publish.scan import apply_edits, find_external_resources, scan

#: Folder holding the nbconvert template folders of the project.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: Name of the report template folder.
TEMPLATE_NAME = "report"
#: The exporters made so far, by language (built once: the templates compile once).
_EXPORTERS: dict[str, object] = {}
#: An exporter is not safe to use from two threads at once.
_EXPORTER_LOCK = threading.Lock()


def _prepare(nb: nbformat.NotebookNode, title: str, keep_stderr: bool) -> nbformat.NotebookNode:
    """``nb`` itself (a notebook just read for this), with the title set and (unless kept)
    stderr streams removed."""
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


@lru_cache(maxsize=1)
def _exporter_class():
    """nbconvert's ``HTMLExporter`` without its last step, which parses the whole rendered
    document with BeautifulSoup only to add a few attributes and writes it out again (about
    half the time of a conversion); :func:`notebook_to_html` adds the same attributes while
    it reads the document for its table of contents (:mod:`evaluation.publish.scan`)."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.html import Highlight2HTML, WidgetsDataTypeFilter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def make_exporter(lang: str = "id", *, accessibility_pass: bool = True):
    """The configured nbconvert ``HTMLExporter`` (report template, no code, no prompts).

    Parameters
    ----------
    lang
        Value of the ``<html lang>`` attribute (ISO 639-1).
    accessibility_pass
        Keep nbconvert's own last step (BeautifulSoup adds ``alt`` and ``tabindex``
        attributes and re-serialises the document). :func:`notebook_to_html` turns it off
        and adds the same attributes itself.

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
    # the notebook is validated once, after the preprocessors, not after each of them
    cfg.Exporter.optimistic_validation = True
    cls = HTMLExporter if accessibility_pass else _exporter_class()
    exporter = cls(
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
    cache = _bytecode_cache()
    if cache is not None:
        exporter.environment.bytecode_cache = cache
    return exporter


@lru_cache(maxsize=1)
def _bytecode_cache():
    """Jinja's cache of compiled templates in a folder of this user's in the temporary
    folder (``_jinja2-cache-<uid>``, made private by Jinja), or None when there is none:
    each process would otherwise compile nbconvert's templates again (about 0.3 s) before
    its first report. A template whose text changed is compiled again (the cache checks
    its checksum); files are replaced atomically, so processes can share it."""
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no safe folder: compile in memory as before
        return None


def _render(nb: nbformat.NotebookNode, title: str, lang: str) -> str:
    """``nb`` rendered by this process's exporter for ``lang`` (made once, then reused)."""
    with _EXPORTER_LOCK:
        exporter = _EXPORTERS.get(lang)
        if exporter is None:
            exporter = _EXPORTERS[lang] = make_exporter(lang, accessibility_pass=False)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        return body


def notebook_to_html(
    executed_ipynb: Path,
    out_html: Path,
    title: str,
    *,
    lang: str | None = None,
    keep_stderr: bool = False,
) -> Path:
    """Convert an executed report notebook to one self-contained HTML file.

    The document is rendered by nbconvert (the ``report`` template), then read once
    (:func:`evaluation.publish.scan.scan`) for what it would fetch from the network, for its
    headings and for nbconvert's accessibility attributes; those attributes, the section
    ids, the table of contents (:mod:`evaluation.publish.toc`), plotly.js
    (:func:`with_plotly_js`) and the DataTables bundle (:func:`with_itables_js`) are then
    inserted in one copy of the text.

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
    nb = _prepare(nb, title, keep_stderr)  # read here, for this only
    try:
        body = _render(nb, title, lang)
    except Exception as exc:  # noqa: BLE001 - nbconvert raises many kinds
        raise RenderError(
            f"Cannot convert {executed_ipynb} to HTML: {exc}",
            code="html_convert_failed",
            fields={"path": executed_ipynb, "detail": first_line(exc)},
        ) from exc
    doc = scan(body, accessibility=True)
    if doc.missing_alt:
        _EXPORTERS[lang].log.warning("Alternative text is missing on %s image(s).", doc.missing_alt)
    external, edits, used = list(doc.found), list(doc.edits), None
    if _draws_charts(body):
        block, block_external, block_ids = _plotly_block(_trace_types(body))
        head_end = body.find("</head>")
        edits.append((max(head_end, 0), block if head_end < 0 else block + "\n"))
        external += block_external
        used = set(block_ids)
    if _has_itables(body):
        block, block_external, block_ids = _itables_block()
        end = body.rfind("</body>")
        edits.append((len(body) if end < 0 else end, block if end < 0 else block + "\n"))
        external += block_external
        used = (used or set()) | block_ids
    if external:
        shown = "; ".join(external[:5]) + (" …" if len(external) > 5 else "")
        raise RenderError(
            f"The HTML report from {executed_ipynb.name} would load {len(external)} resource(s) "
            f"from the network, so it would not open offline: {shown}. Embed them instead "
            "(images as files next to the notebook, charts with evaluation.presentation.charts.show).",
            code="html_external",
            fields={"notebook": executed_ipynb.name, "n": len(external), "shown": shown},
        )
    from evaluation.presentation.text import t
    from evaluation.publish.toc import ids_in, toc_edits

    used = ids_in(body) | (used or set())
    edits += toc_edits(body, doc, used, t("datatable.toc", lang), t("datatable.toc_skip", lang))
    write_atomic(out_html, apply_edits(body, edits).encode("utf-8"))
    return out_html


def _draws_charts(body: str) -> bool:
    return 'class="eval-chart"' in body and "data-eval-plotlyjs" not in body


def _has_itables(body: str) -> bool:
    return "data-eval-itable" in body and "data-eval-itablesjs" not in body


def _trace_types(body: str) -> frozenset[str] | None:
    from evaluation.presentation.charts.embed import document_trace_types

    return document_trace_types(body)


def _plotly_block(
    trace_types: frozenset[str] | None,
) -> tuple[str, tuple[str, ...], frozenset[str]]:
    """plotly.js as inserted in a report's head (the basic bundle when it draws every trace
    type of the report, else the full one), what it fetches, the ids written in it."""
    from evaluation.presentation.charts import plotly_js_html

    return _plotly_block_for(plotly_js_html(trace_types))


@lru_cache(maxsize=2)
def _plotly_block_for(block: str) -> tuple[str, tuple[str, ...], frozenset[str]]:
    from evaluation.publish.toc import ids_in

    return block, tuple(find_external_resources(block)), frozenset(ids_in(block))


def _itables_block() -> tuple[str, tuple[str, ...], frozenset[str]]:
    """The DataTables bundle as inserted in a report, what it fetches, the ids in it."""
    from itables import options

    return _itables_block_for(str(options.dt_bundle))


@lru_cache(maxsize=2)
def _itables_block_for(dt_bundle: str) -> tuple[str, tuple[str, ...], frozenset[str]]:
    from itables.javascript import generate_init_offline_itables_html

    from evaluation.publish.toc import ids_in

    block = generate_init_offline_itables_html(dt_bundle)
    block = f'<div hidden data-eval-itablesjs="1">{block}</div>'
    return block, tuple(find_external_resources(block)), frozenset(ids_in(block))


def with_plotly_js(body: str) -> str:
    """``body`` with plotly.js embedded once in its ``<head>`` when it draws charts and does
    not embed plotly.js yet (the report's executed notebooks do not carry a copy each): the
    basic bundle when it draws every trace type of the charts, else the full one."""
    if not _draws_charts(body):
        return body
    block = _plotly_block(_trace_types(body))[0]
    head_end = body.find("</head>")
    if head_end < 0:
        return block + body
    return body[:head_end] + block + "\n" + body[head_end:]


def itables_block() -> str:
    """The DataTables bundle exactly as :func:`with_itables_js` and :func:`notebook_to_html`
    insert it (the printer leaves it out: :func:`evaluation.publish.page_document.without_itables`)."""
    return _itables_block()[0]


def with_itables_js(body: str) -> str:
    """``body`` with the offline DataTables bundle of itables embedded once (before
    ``</body>``) when it holds an interactive table (``data-eval-itable``) and does not embed
    the bundle yet. The bundle is itables' own offline initialisation (CSS and JavaScript as
    base64, loaded through a ``blob:`` URL): nothing is fetched."""
    if not _has_itables(body):
        return body
    block = _itables_block()[0]
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
