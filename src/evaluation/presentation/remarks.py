"""Data-quality remarks in the report's language.

Ingestion stores a remark as a code and its parameters (``code`` and ``fields`` of
``data_quality.csv``, see :mod:`evaluation.ingest.quality`) beside a plain English
``problem``. Here the remark is worded when it is shown: message ``dq.<code>`` of
``translations.toml`` in the report's language, its placeholders filled from the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache

import pandas as pd

from evaluation.errors import NotebookError, printable
from evaluation.ingest.quality import Count, decode_fields
from evaluation.presentation.text import fmt_date, fmt_int, load_translations, t

#: What :func:`render_remark` returns for a remark it cannot word (the row keeps its English).
_UNWORDED = "\x00"


@lru_cache(maxsize=4096)
def _long_date(d: date, lang: str) -> str:
    return fmt_date(d, lang)


def _param_text(value: object, lang: str, table: Mapping[str, Mapping[str, str]]) -> str:
    """One parameter as text in ``lang`` (see :func:`render_remark`)."""
    code = getattr(value, "code", None)
    if isinstance(code, str) and hasattr(value, "params"):  # a nested remark (cells.Note)
        return render_remark(code, value.params, lang, fallback=str(value), table=table)
    if isinstance(value, Count):
        return fmt_int(int(value), lang)
    if isinstance(value, date):
        return value.isoformat() if lang == "en" else _long_date(value, lang)
    if isinstance(value, list | tuple):
        return "; ".join(_param_text(v, lang, table) for v in value)
    return str(value)


def render_remark(
    code: str,
    params: Mapping[str, object] | None,
    lang: str,
    *,
    fallback: str = "",
    table: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """Text of remark ``code`` in ``lang``: message ``dq.<code>`` with ``params`` filled in.

    Parameter values are written for the language: a ``date`` as ``26 Juni 2028`` in
    Indonesian and ``2028-06-26`` in English (as in the English ``problem`` text), a
    :class:`~evaluation.ingest.quality.Count` with thousands separators, a remark carrying
    its own ``code`` and ``params`` (:class:`evaluation.ingest.cells.Note`) as its own
    message, a list as its items joined by ``"; "``, anything else with ``str()``.

    Parameters
    ----------
    code
        Message code; ``""`` gives ``fallback``.
    params
        Placeholder values (:func:`evaluation.ingest.quality.decode_fields` of a ``fields``
        cell).
    lang
        ``"id"`` or ``"en"``.
    fallback
        Returned when there is no code, no such message or a placeholder has no value
        (usually the English ``problem`` text), so that a remark is never lost.
    table
        Translation table; default :func:`evaluation.presentation.text.load_translations`.

    Returns
    -------
    str
    """
    if not code:
        return fallback
    if table is None:
        table = load_translations()
    entry = table.get(f"dq.{code}")
    if entry is None:
        return fallback
    text = entry.get(lang) or entry["id"]
    kw = {k: _param_text(v, lang, table) for k, v in (params or {}).items()}
    try:
        return text.format_map(kw)
    except (KeyError, IndexError, ValueError):
        return fallback


def remark_texts(dq: pd.DataFrame, lang: str) -> pd.Series:
    """The remark of every row of a ``data_quality`` table, worded in ``lang``.

    Each row's message ``dq.<code>`` is filled from its ``fields``; a row without a code, a
    message or the fields its message needs (a table written before codes existed) keeps
    its English ``problem``.

    Parameters
    ----------
    dq
        A ``data_quality`` table (columns ``problem`` and, when present, ``code`` and
        ``fields``).
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    pandas.Series of str
        Same index as ``dq``.
    """
    english = dq["problem"].fillna("").astype(str) if "problem" in dq else pd.Series("", dq.index)

    def column(name: str) -> list[str]:
        if name not in dq.columns:
            return [""] * len(dq)
        return dq[name].fillna("").astype(str).tolist()

    table = load_translations()
    seen: dict[tuple[str, str], str] = {}  # the text follows from code and fields alone
    out = []
    for code, fields, problem in zip(column("code"), column("fields"), english, strict=True):
        key = (code, fields)
        text = seen.get(key)
        if text is None:
            text = seen[key] = render_remark(
                code.strip(), decode_fields(fields), lang, fallback=_UNWORDED, table=table
            )
        out.append(problem if text == _UNWORDED else text)
    return pd.Series(out, index=dq.index, dtype=object)


def _notebook_error_text(exc: NotebookError, lang: str) -> str:
    """A failed report notebook, in ``lang``: which notebook and cell, the error, where the
    failed notebook is kept, that the earlier report was left as it was, and what to do."""
    cell = (
        t("cli.report_cell", lang, cell=exc.cell)
        if exc.cell is not None
        else t("cli.report_a_cell", lang)
    )
    parts = [t("cli.notebook_failed", lang, notebook=exc.notebook, cell=cell, error=exc.error)]
    if exc.kept_at:
        parts.append(t("cli.notebook_kept", lang, path=exc.kept_at))
    if exc.previous:
        parts.append(t("cli.notebook_previous_kept", lang, path=exc.previous))
    parts.append(t("cli.notebook_fix", lang))
    return " ".join(parts)


def coded_error_text(code: str, fields: Mapping[str, object] | None, lang: str) -> str | None:
    """Message ``error.<code>`` in ``lang`` with ``fields`` filled in (each value as in
    :func:`render_remark`, shown on one line with :func:`~evaluation.errors.printable`);
    None if there is no such message or a placeholder has no value."""
    table = load_translations()
    entry = table.get(f"error.{code}")
    if entry is None:
        return None
    text = entry.get(lang) or entry["id"]
    kw = {k: printable(_param_text(v, lang, table)) for k, v in (fields or {}).items()}
    try:
        return text.format_map(kw)
    except (KeyError, IndexError, ValueError):
        return None


def error_text(exc: BaseException, lang: str) -> str:
    """The message of a refusal in ``lang``.

    An error carrying a ``code`` (:class:`~evaluation.errors.EvaluationError`) is worded from
    message ``error.<code>`` and its ``fields``; a failed notebook
    (:class:`~evaluation.errors.NotebookError`) from its notebook, cell and error; an
    :class:`~evaluation.errors.InputError` that carries ``remarks`` (a headline, then its
    items) from them, one item a line; any other error (or a code without a message) gives
    its own text.
    """
    lang = lang if lang in ("id", "en") else "id"
    code = getattr(exc, "code", None)
    if isinstance(code, str) and code:
        text = coded_error_text(code, getattr(exc, "fields", None), lang)
        if text is not None:
            return text
    if isinstance(exc, NotebookError):
        return _notebook_error_text(exc, lang)
    remarks = getattr(exc, "remarks", None)
    if not remarks:
        return str(exc)
    table = load_translations()
    head, *items = (
        render_remark(r.code, r.params, lang, fallback=str(r), table=table) for r in remarks
    )
    return head + "".join(f"\n  - {item}" for item in items)
