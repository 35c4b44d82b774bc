"""The console's words: events of ``evaluation ingest`` (and the ingest step of ``evaluation
report``) worded in the reader's language.

Ingestion tells what it did as ``(key, fields)`` events
(:func:`evaluation.ingest.store.console_events`); :func:`ingest_say` turns each into one line
from the ``cli.<key>`` messages of translations.toml, remarks from their ``dq.<code>``
messages (the English ``problem`` when a remark has no message).
"""

from __future__ import annotations

from collections.abc import Callable

from evaluation.errors import printable
from evaluation.ingest.quality import decode_fields
from evaluation.presentation.messages import load_translations
from evaluation.presentation.messages import message as _t
from evaluation.presentation.remarks import render_remark

#: Width of the "file / sheet" column of the per-sheet table.
LABEL_WIDTH = 52
_COUNTS = ("read", "used", "fixed", "quarantined", "ignored")
#: Header of each count column of the per-sheet table.
_HEADS = {
    "read": "cli.ingest_col_read",
    "used": "cli.ingest_col_used",
    "fixed": "cli.ingest_col_fixed",
    "quarantined": "cli.ingest_col_quarantined",
    "ignored": "cli.ingest_col_ignored",
}


def _remark(remark: dict, lang: str) -> str:
    """The remark worded in ``lang``, control and bidi characters shown escaped."""
    return printable(
        render_remark(
            remark.get("code", ""),
            decode_fields(remark.get("fields", "")),
            lang,
            fallback=remark.get("problem", ""),
        )
    )


def _action(action: str, lang: str) -> str:
    key = f"action.{action}"
    return _t(key, lang).lower() if key in load_translations() else action


def _where(fields: dict, lang: str) -> str:
    """``berkas x, lembar 'y' baris 5 kolom 'z'`` in ``lang``."""
    text = _t("cli.ingest_where", lang, file=fields["file"], sheet=fields.get("sheet", ""))
    if fields.get("row") is not None:
        text += _t("cli.ingest_where_row", lang, row=fields["row"])
    if fields.get("column"):
        text += _t("cli.ingest_where_column", lang, column=fields["column"])
    return text


def _table_line(label: str, values: list[object], heads: list[str]) -> str:
    """A row of the per-sheet table: the label, then each value right-aligned under its
    column's header."""
    if len(label) > LABEL_WIDTH:
        label = "…" + label[-(LABEL_WIDTH - 1) :]
    cells = " ".join(f"{v!s:>{max(len(h), 7)}}" for v, h in zip(values, heads, strict=True))
    return f"{label:<{LABEL_WIDTH}} {cells}"


def ingest_line(key: str, fields: dict, lang: str) -> str:
    """One console line for the ingest event ``key`` with ``fields``, in ``lang``."""
    if key in ("ingest_table_head", "ingest_table_row", "ingest_table_total"):
        heads = [_t(_HEADS[c], lang) for c in _COUNTS]
        if key == "ingest_table_head":
            return _table_line(_t("cli.ingest_col_sheet", lang), heads, heads)
        label = fields["label"] if key == "ingest_table_row" else _t("cli.ingest_total", lang)
        return _table_line(label, [fields[c] for c in _COUNTS], heads)
    if key == "ingest_not_read":
        return _t(
            "cli.ingest_not_read",
            lang,
            file=fields["file"],
            sheet=fields["sheet"],
            remark=_remark(fields["remark"], lang),
        )
    if key == "ingest_file_remark":
        return _t(
            "cli.ingest_file_remark",
            lang,
            action=_action(fields["action"], lang),
            file=fields["file"],
            remark=_remark(fields["remark"], lang),
        )
    if key == "ingest_quarantined":
        return _t(
            "cli.ingest_quarantined",
            lang,
            action=_action("quarantined", lang),
            where=_where(fields, lang),
            remark=_remark(fields["remark"], lang),
        )
    if key == "ingest_grouped":
        return _t(
            "cli.ingest_grouped",
            lang,
            action=_action(fields["action"], lang),
            n=fields["n"],
            remark=_remark(fields["remark"], lang),
            where=_where(fields, lang),
        )
    return _t(f"cli.{key}", lang, **fields)


def ingest_say(echo: Callable[[str], None], lang: str) -> Callable[[str, dict], None]:
    """A ``say`` for :func:`evaluation.ingest.run_ingest` that prints each event through
    ``echo`` in ``lang``."""
    return lambda key, fields: echo(ingest_line(key, fields, lang))


__all__ = ["ingest_line", "ingest_say"]
