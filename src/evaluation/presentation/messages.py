"""The message table: every label and sentence of the reports and the command line.

``translations.toml`` beside this module holds each message in Bahasa Indonesia (``id``,
required) and English (``en``), keyed by a message id such as ``"section.summary"``. This
module only reads it (no pandas, no Babel), so the command line can word its help and
errors without the report's imports; :mod:`evaluation.presentation.text` formats with it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

#: Report languages; the first is the default.
LANGS = ("id", "en")
DEFAULT_LANG = LANGS[0]

#: The translation table read by :func:`t`.
TRANSLATIONS_PATH = Path(__file__).resolve().parent / "translations.toml"


# ------------------------------------------------------------------------------ the table
def _flatten(node: Mapping, prefix: str, out: dict[str, dict[str, str]], path: Path) -> None:
    for name, value in node.items():
        key = f"{prefix}.{name}" if prefix else str(name)
        if not isinstance(value, Mapping):
            raise ValueError(f"{path}: '{key}' must be a table with 'id' and 'en' texts.")
        if value and all(isinstance(v, str) for v in value.values()):
            unknown = set(value) - set(LANGS)
            if unknown:
                raise ValueError(f"{path}: '{key}' has unknown language(s) {sorted(unknown)}.")
            if DEFAULT_LANG not in value:
                raise ValueError(f"{path}: '{key}' has no '{DEFAULT_LANG}' text.")
            out[key] = dict(value)
        else:
            _flatten(value, key, out, path)


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> dict[str, dict[str, str]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, dict[str, str]] = {}
    _flatten(data, "", out, path)
    return out


def load_translations(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """All messages: ``{message id: {lang: text}}`` (cached, reloaded when the file changes).

    Parameters
    ----------
    path
        TOML file; default :data:`TRANSLATIONS_PATH`.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    tomllib.TOMLDecodeError
        If the file is not valid TOML.
    ValueError
        If an entry is not a table of texts, names an unknown language or lacks ``id``.
    """
    p = Path(path) if path is not None else TRANSLATIONS_PATH
    return _load(p, p.stat().st_mtime)


# ------------------------------------------------------------------------------ numbers
def fmt_number(value: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """``value`` with ``decimals`` decimals for a console message: ``1.234,5`` in Indonesian
    (decimal comma, thousands point), ``1,234.5`` in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_seconds(seconds: float, lang: str = DEFAULT_LANG) -> str:
    """A duration for the ``{s}``/``{seconds}`` field of a ``cli.*`` message: to a tenth of a
    second, ``1,1`` in Indonesian (the message adds "detik") and ``1.1`` in English ("s").

    Examples
    --------
    >>> fmt_seconds(1.06, "id"), fmt_seconds(1.06, "en"), fmt_seconds(1234.5, "id")
    ('1,1', '1.1', '1.234,5')
    """
    return fmt_number(seconds, lang, 1)


def message(key: str, lang: str = DEFAULT_LANG, **kw: object) -> str:
    """Text of message ``key`` in ``lang`` (Indonesian if missing), placeholders filled from
    ``kw`` (no number or date formatting: the console's messages take ready text).

    Raises
    ------
    KeyError
        If the message does not exist or a placeholder has no value.
    """
    entry = load_translations()[key]
    text = entry.get(lang) or entry["id"]
    return text.format_map(kw) if kw else text
