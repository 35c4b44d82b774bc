"""Report text in Bahasa Indonesia (default) and English, and locale-aware number formatting.

Every label and sentence a report prints lives in ONE table, ``translations.toml`` beside this
module, keyed by a message id such as ``"section.summary"``; :func:`t` looks it up. Numbers,
percentages, dates and Rupiah amounts are formatted with Babel in the report's language
(``"id"``: ``1.234``, ``42,5%``, ``14 Maret 2024``; ``"en"``: ``1,234``, ``42.5%``,
``14 March 2024``). Rounding is half-up (42.45 -> 42.5), as readers expect.
"""

from __future__ import annotations

import decimal
import string
from collections.abc import Mapping
from datetime import date, datetime

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal

from evaluation import config
from evaluation.errors import ParameterError
from evaluation.presentation import messages
from evaluation.presentation.messages import DEFAULT_LANG, LANGS, load_translations

#: Printed for a missing value (NaN, None, NaT) in a formatted cell.
MISSING = "–"
#: Dash between the bounds of an interval.
RANGE_DASH = "–"

#: Kinds understood by :func:`format_table` and the Excel writer, besides the vocabulary kinds.
VALUE_KINDS = ("int", "number", "percent", "date", "rupiah", "rupiah_compact", "text")
#: Kinds whose values are canonical vocabulary labels, shown in the report language.
VOCAB_KINDS = {
    "category": "partner_categories",
    "scope": "scopes",
    "status": "statuses",
    "outcome_type": "outcome_types",
    "document_type": "document_types",
}
#: Kinds whose values are codes worded by a translation table (``funnel_position`` ->
#: ``funnel.<code>``).
CODE_KINDS = {"funnel_position": "funnel"}
KINDS = VALUE_KINDS + tuple(VOCAB_KINDS) + tuple(CODE_KINDS)


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a report language.

    Raises
    ------
    ParameterError
        If ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        raise ParameterError(f"Unknown report language {lang!r}.", name="lang", valid=list(LANGS))
    return lang


def placeholders(text: str) -> set[str]:
    """Names of the ``{name}`` placeholders in ``text``.

    >>> sorted(placeholders("Data per {date}, {n} rows, {{literal}}"))
    ['date', 'n']
    """
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def has_key(key: str) -> bool:
    """Whether message ``key`` exists in the translation table."""
    return key in load_translations()


def t(key: str, lang: str = DEFAULT_LANG, **kw: object) -> str:
    """Text of message ``key`` in ``lang`` with its placeholders filled from ``kw``.

    Falls back to the Indonesian text if the English one is missing. Values are inserted
    with ``str()``: format numbers and dates first (:func:`fmt_percent`, :func:`fmt_date`...).

    Parameters
    ----------
    key
        Message id, e.g. ``"section.summary"`` or ``"col.scope_rate"``.
    lang
        ``"id"`` (default) or ``"en"``.
    **kw
        Placeholder values; extra names are ignored.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        If ``key`` is not in the table, or a placeholder has no value in ``kw``.
    ParameterError
        If ``lang`` is not a report language.

    Examples
    --------
    >>> t("report.data_as_of", date="14 Maret 2024")
    'Data per 14 Maret 2024'
    """
    check_lang(lang)
    table = load_translations()
    try:
        entry = table[key]
    except KeyError:
        raise KeyError(
            f"No translation {key!r} in {messages.TRANSLATIONS_PATH.name}; add it with 'id' and 'en' texts."
        ) from None
    text = entry.get(lang) or entry[DEFAULT_LANG]
    try:
        return text.format_map(kw)
    except KeyError as exc:
        raise KeyError(
            f"Translation {key!r} needs a value for placeholder {{{exc.args[0]}}}; "
            f"it uses {sorted(placeholders(text))}."
        ) from None


# ------------------------------------------------------------------------------ formatting
def is_missing(x: object) -> bool:
    """True for None, NaN, ``pd.NA`` and ``NaT``."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _decimal(x: object) -> decimal.Decimal:
    return decimal.Decimal(str(x))


#: Group and decimal separators of each report language (Babel's, checked by the tests).
_SEPARATORS = {"id": (".", ","), "en": (",", ".")}
#: The patterns :func:`_fmt` formats without Babel: digits after the decimal separator.
_FAST_PATTERNS = {"#,##0": 0} | {"#,##0." + "0" * d: d for d in range(1, 7)}
_QUANTA = {d: decimal.Decimal(1).scaleb(-d) for d in range(7)}
#: Babel's arithmetic here: the default precision, rounding half-up.
_HALF_UP = decimal.Context(rounding=decimal.ROUND_HALF_UP)


def _fmt(x: object, pattern: str, lang: str) -> str:
    """``x`` formatted with the Babel number ``pattern`` in ``lang``, rounded half-up.

    The report's own patterns (:data:`_FAST_PATTERNS`: thousands grouped by three, a fixed
    number of decimals) are written here directly, as Babel writes them (the same digits,
    separators and sign, ``-0`` included; a test compares both on many values), several
    times faster; any other pattern or a value that is not finite goes to Babel.
    """
    digits = _FAST_PATTERNS.get(pattern)
    value = _decimal(x)
    if digits is None or not value.is_finite():
        with decimal.localcontext() as ctx:
            ctx.rounding = decimal.ROUND_HALF_UP
            return format_decimal(value, pattern, locale=check_lang(lang))
    group, point = _SEPARATORS[check_lang(lang)]
    text = format(_HALF_UP.abs(value).quantize(_QUANTA[digits], context=_HALF_UP), ",f")
    if lang == "id":
        text = text.replace(",", "\0").replace(".", point).replace("\0", group)
    return "-" + text if value.is_signed() else text


def _frac_pattern(digits: int) -> str:
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def fmt_int(n: object, lang: str = DEFAULT_LANG) -> str:
    """Whole number with thousands separators: ``1.234`` (id), ``1,234`` (en); missing -> ``–``.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    """
    if is_missing(n):
        check_lang(lang)
        return MISSING
    return _fmt(n, "#,##0", lang)


def fmt_number(x: object, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """Number with ``digits`` decimals: ``2,5`` (id), ``2.5`` (en); missing -> ``–``.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    """
    if is_missing(x):
        check_lang(lang)
        return MISSING
    return _fmt(x, _frac_pattern(digits), lang)


def fmt_percent(x: object, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.425`` -> ``42,5%`` (id), ``42.5%`` (en); NaN -> ``–``.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    """
    if is_missing(x):
        check_lang(lang)
        return MISSING
    return _fmt(_decimal(x) * 100, _frac_pattern(digits), lang) + "%"


def fmt_interval(lo: object, hi: object, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """Interval of two fractions: ``(0.301, 0.452)`` -> ``30,1–45,2%``; a bound missing -> ``–``.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    """
    if is_missing(lo) or is_missing(hi):
        check_lang(lang)
        return MISSING
    a = _fmt(_decimal(lo) * 100, _frac_pattern(digits), lang)
    b = _fmt(_decimal(hi) * 100, _frac_pattern(digits), lang)
    return f"{a}{RANGE_DASH}{b}%"


def _to_date(d: object) -> date:
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    if isinstance(d, str):
        return date.fromisoformat(d.strip()[:10])
    return pd.Timestamp(d).date()


def fmt_date(d: object, lang: str = DEFAULT_LANG) -> str:
    """Long date: ``14 Maret 2024`` (id), ``14 March 2024`` (en); missing -> ``–``.

    Accepts ``date``, ``datetime``, ``pd.Timestamp``, ``numpy.datetime64`` or an ISO string.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    ValueError
        If ``d`` is a string that is not an ISO date.
    """
    check_lang(lang)
    if is_missing(d):
        return MISSING
    return format_date(_to_date(d), "d MMMM y", locale=lang)


def fmt_rupiah(x: object, lang: str = DEFAULT_LANG, compact: bool = False) -> str:
    """Rupiah amount: ``Rp 1.500.000`` (id), ``Rp 1,500,000`` (en); missing -> ``–``.

    With ``compact=True``: ``Rp 1,5 miliar`` (id), ``Rp 1.5 billion`` (en), one decimal at
    most; amounts under a thousand are written in full.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    """
    if is_missing(x):
        check_lang(lang)
        return MISSING
    value = float(x)
    sign = "-" if value < 0 else ""
    value = abs(value)
    if compact:
        with decimal.localcontext() as ctx:
            ctx.rounding = decimal.ROUND_HALF_UP
            body = format_compact_decimal(
                value, format_type="long", locale=check_lang(lang), fraction_digits=1
            )
    else:
        body = _fmt(value, "#,##0", lang)
    return f"{sign}Rp {body}"


# ------------------------------------------------------------------------------ tables
def _vocab_display(kind: str, lang: str):
    from evaluation.vocab.loader import load_vocabulary

    section = load_vocabulary().section(VOCAB_KINDS[kind])
    return lambda v: "" if is_missing(v) else section.display(str(v), lang)


def formatter(kind: str, lang: str = DEFAULT_LANG):
    """Function turning one value of ``kind`` into display text in ``lang``.

    Raises
    ------
    ValueError
        If ``kind`` is not one of :data:`KINDS`.
    ParameterError
        If ``lang`` is not a report language.
    """
    check_lang(lang)
    if kind == "int":
        return lambda v: fmt_int(v, lang)
    if kind == "number":
        return lambda v: fmt_number(v, lang)
    if kind == "percent":
        return lambda v: fmt_percent(v, lang)
    if kind == "date":
        return lambda v: fmt_date(v, lang)
    if kind == "rupiah":
        return lambda v: fmt_rupiah(v, lang)
    if kind == "rupiah_compact":
        return lambda v: fmt_rupiah(v, lang, compact=True)
    if kind == "text":
        return lambda v: "" if is_missing(v) else str(v)
    if kind in VOCAB_KINDS:
        return _vocab_display(kind, lang)
    if kind in CODE_KINDS:
        table = CODE_KINDS[kind]
        return lambda v: "" if is_missing(v) else t(f"{table}.{v}", lang)
    raise ValueError(f"Unknown column kind {kind!r}; use one of {', '.join(KINDS)}.")


def column_label(column: str, lang: str = DEFAULT_LANG) -> str:
    """Header for ``column``: message ``col.<column>`` if it exists, else the name itself.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    """
    key = f"col.{column}"
    return t(key, lang) if has_key(key) else str(column)


def format_table(
    df: pd.DataFrame,
    columns: Mapping[str, str],
    lang: str = DEFAULT_LANG,
    intervals: Mapping[str, tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Display copy of ``df``: every cell formatted as text and columns renamed for readers.

    Parameters
    ----------
    df
        The table (not modified).
    columns
        ``{column: kind}``; selects the columns shown and their order. Kinds: ``int``,
        ``number``, ``percent`` (fractions 0..1), ``date``, ``rupiah``, ``rupiah_compact``,
        ``text``, and the vocabulary kinds ``category``, ``scope``, ``status``,
        ``outcome_type``, ``document_type`` (canonical labels shown in ``lang``).
    lang
        ``"id"`` or ``"en"``.
    intervals
        ``{new column: (low column, high column)}``: adds ``new column`` as
        :func:`fmt_interval` text, placed where it appears in ``columns`` (give it any kind,
        e.g. ``"text"``) or else at the end. E.g. ``{"scope_rate_ci": ("scope_rate_low",
        "scope_rate_high")}``.

    Returns
    -------
    pandas.DataFrame
        Same row order and index, object columns of strings, headers from ``col.<name>``
        translations (names without a translation are kept).

    Raises
    ------
    KeyError
        If a column named in ``columns`` or ``intervals`` is not in ``df``.
    ValueError
        If a kind is unknown.
    ParameterError
        If ``lang`` is not a report language.
    """
    check_lang(lang)
    intervals = dict(intervals or {})
    order = list(columns) + [c for c in intervals if c not in columns]
    missing = [c for c in columns if c not in df.columns and c not in intervals]
    missing += [c for pair in intervals.values() for c in pair if c not in df.columns]
    if missing:
        raise KeyError(f"Columns not in the table: {', '.join(map(str, missing))}.")
    out = {}
    for col in order:
        if col in intervals:
            lo, hi = intervals[col]
            values = [fmt_interval(a, b, lang) for a, b in zip(df[lo], df[hi], strict=True)]
        else:
            fmt = formatter(columns[col], lang)
            values = [fmt(v) for v in df[col]]
        out[column_label(col, lang)] = pd.Series(values, index=df.index, dtype=object)
    return pd.DataFrame(out, index=df.index)


def methodology_text(
    lang: str = DEFAULT_LANG,
    *,
    as_of: object,
    since: object = config.DEFAULT_SINCE,
    grace_months: int = config.GRACE_MONTHS,
    stale_months: int = config.STALE_MONTHS,
    expiry_months: int = config.EXPIRY_MONTHS,
    default_term_years: int = config.DEFAULT_TERM_YEARS,
    low_rate: float = config.LOW_RATE,
) -> str:
    """The methodology's rule paragraphs (messages ``methodology.text``, the definitions, and
    ``methodology.triage``, the tier rule), with dates and numbers formatted, separated by a
    blank line.

    Raises
    ------
    ParameterError
        If ``lang`` is not a report language.
    """
    kw = {
        "as_of": fmt_date(as_of, lang),
        "since": fmt_date(since, lang),
        "grace_months": grace_months,
        "stale_months": stale_months,
        "expiry_months": expiry_months,
        "default_term_years": default_term_years,
        "low_rate": fmt_percent(low_rate, lang, digits=0),
    }
    return "\n\n".join(t(key, lang, **kw) for key in ("methodology.text", "methodology.triage"))
