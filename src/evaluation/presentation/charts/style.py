"""Chart style, number formatting and labels shared by every chart."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pandas as pd

from evaluation.presentation.text import LANGS, has_key, t

# --------------------------------------------------------------------------- style

#: Fonts available offline on Debian (DejaVu) and on Windows/macOS (Arial).
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
#: Colours for the three follow-up statuses, from the Okabe-Ito palette (told apart with
#: any common colour-vision deficiency and in greyscale: dark bluish green, light orange,
#: pale grey); every status is also named in the legend and hover.
STATUS_COLORS = {
    "Terlaksana": "#009E73",
    "Dalam Proses": "#E69F00",
    "Belum Dilaksanakan": "#C8C8C8",
}
#: Qualitative palette (Okabe-Ito, colour-blind safe), used for lines and groups.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
)
#: Main bar colour.
BAR_COLOR = "#0072B2"
#: Error bar colour.
ERROR_COLOR = "#333333"
#: Sequential colour scale of the heatmap (light to dark blue, prints well in greyscale).
HEATMAP_SCALE = "Blues"
#: Default chart height in pixels when a figure does not set one.
DEFAULT_HEIGHT = 420
#: Plotly config used in the HTML output: the mode bar is shown (hidden when printing) with
#: the buttons a reader needs (save as PNG, zoom, reset), never a link to plotly's site.
PLOT_CONFIG = {
    "displayModeBar": True,
    "displaylogo": False,
    "responsive": True,
    "staticPlot": False,
    "modeBarButtonsToRemove": [
        "lasso2d",
        "select2d",
        "sendDataToCloud",
        "sendChartToCloud",  # plotly.js 3's "Share chart...": it would upload the chart
        "editInChartStudio",
    ],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

_STATUS_ORDER = ("Terlaksana", "Dalam Proses", "Belum Dilaksanakan")
_VOCAB_SECTION_BY_COLUMN = {
    "category": "partner_categories",
    "partner_category": "partner_categories",
    "scope": "scopes",
    "status": "statuses",
    "outcome_type": "outcome_types",
}


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {sorted(LANGS)}, not {lang!r}")
    return lang


def _t(key: str, lang: str) -> str:
    """Chart text from the one translation table (``chart_label.<key>``); a key without a
    message (e.g. an unknown column name) is shown as it is."""
    msg = f"chart_label.{key}"
    return t(msg, _check_lang(lang)) if has_key(msg) else key


# --------------------------------------------------------------------------- formatting


def format_number(value: float | int | None, lang: str = "id", digits: int = 0) -> str:
    """Format a number with the report language's separators.

    Parameters
    ----------
    value
        The number; None or NaN gives ``"–"``.
    lang
        ``"id"`` (``1.234,5``) or ``"en"`` (``1,234.5``).
    digits
        Digits after the decimal separator.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.

    Examples
    --------
    >>> format_number(1234.5, "id", 1)
    '1.234,5'
    >>> format_number(1234.5, "en", 1)
    '1,234.5'
    """
    _check_lang(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    # One implementation for tables and charts (babel, half-up rounding), so a chart label
    # never disagrees with the table next to it.
    from evaluation.presentation.text import fmt_int, fmt_number

    return fmt_int(value, lang) if digits == 0 else fmt_number(value, lang, digits=digits)


def format_pct(value: float | None, lang: str = "id", digits: int = 1) -> str:
    """Format a fraction (0..1) as a percentage: ``0.425`` gives ``"42,5%"`` in Indonesian.

    Parameters
    ----------
    value
        Fraction; None or NaN gives ``"–"``.
    lang
        ``"id"`` or ``"en"``.
    digits
        Digits after the decimal separator.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``lang`` is not ``"id"`` or ``"en"``.

    Examples
    --------
    >>> format_pct(0.425)
    '42,5%'
    >>> format_pct(0.425, "en")
    '42.5%'
    """
    _check_lang(lang)
    if value is None or pd.isna(value):
        return "–"
    from evaluation.presentation.text import fmt_percent

    return fmt_percent(value, lang, digits=digits)


def plain_text(value: object) -> str:
    """Escape data text so plotly shows it literally (no pseudo-HTML, no markup).

    Plotly interprets a few HTML tags in every text it draws; partner names and labels come
    from analysts' spreadsheets, so ``<``, ``>`` and ``&`` are turned into entities, which
    plotly decodes back into plain characters when drawing.

    Examples
    --------
    >>> plain_text("<b>A & B</b>")
    '&lt;b&gt;A &amp; B&lt;/b&gt;'
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=False)


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    """Escape ``text`` and wrap it into at most ``max_lines`` lines of about ``width`` chars.

    Lines are joined with ``<br>``; text that does not fit ends with an ellipsis (the hover
    shows the full text).
    """
    words = str(text).split()
    lines: list[str] = []
    current = ""
    for word in words:
        while len(word) > width:  # very long word: cut it
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "<br>".join(plain_text(line) for line in lines)


def _category_axis(n: int, ticktext: list[str]) -> dict:
    """Y axis of horizontal bars at positions 0..n-1, first row on top.

    Numeric positions (not a category axis) keep rows apart even when two labels read the
    same after shortening.
    """
    return {
        "tickvals": list(range(n)),
        "ticktext": ticktext,
        "range": [n - 0.5, -0.5] if n else [0.5, -0.5],
        "autorange": False,
        "automargin": True,
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
        "ticks": "",
    }


@lru_cache(maxsize=1)
def _vocabulary():
    try:
        from evaluation.vocab.loader import load_vocabulary

        return load_vocabulary()
    except Exception:  # noqa: BLE001 - charts must work without a vocabulary file
        return None


def display_labels(
    values: Iterable[object], column: str, lang: str = "id", short: bool = False
) -> list[str]:
    """Report labels for canonical values of a vocabulary column (unescaped).

    Parameters
    ----------
    values
        Canonical labels (for instance the ``category`` column).
    column
        Column name; ``category``/``partner_category``, ``scope``, ``status`` and
        ``outcome_type`` are looked up in the vocabulary, anything else is returned as text.
    lang
        ``"id"`` or ``"en"``.
    short
        Use the vocabulary's short label (chart axes) where one exists.

    Returns
    -------
    list of str
    """
    _check_lang(lang)
    section_name = _VOCAB_SECTION_BY_COLUMN.get(column)
    vocab = _vocabulary() if section_name else None
    out = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append("")
            continue
        text = str(v)
        if vocab is not None:
            text = vocab.section(section_name).display(text, lang=lang, short=short)
        out.append(text)
    return out


def _base_layout(fig, *, title: str | None, height: int, lang: str):
    fig.update_layout(
        title=(
            {"text": plain_text(title), "x": 0, "xanchor": "left", "font": {"size": 15}}
            if title
            else None
        ),
        height=int(height),
        autosize=True,
        font={"family": FONT_FAMILY, "size": 12, "color": "#222222"},
        paper_bgcolor="#FFFFFF",
        plot_bgcolor="#FFFFFF",
        separators=",." if lang == "id" else ".,",
        margin={"l": 10, "r": 20, "t": 50 if title else 20, "b": 40},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        showlegend=False,
    )
    return fig


def _rate_axis(title: str) -> dict:
    return {
        "title": {"text": plain_text(title)},
        "range": [0, 1.0],
        "tickformat": ".0%",
        "tickvals": [0, 0.25, 0.5, 0.75, 1.0],
        "showgrid": True,
        "gridcolor": "#E0E0E0",
        "zeroline": True,
        "zerolinecolor": "#9E9E9E",
        "fixedrange": True,
    }


def _require(df: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"chart data lacks column(s) {missing}; it has {list(df.columns)}")


def _num(series: pd.Series) -> list[float | None]:
    """Floats with NaN as None (plotly's JSON turns None into null)."""
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    return [None if math.isnan(v) else float(v) for v in values]


def _int(value: object) -> int:
    if value is None or pd.isna(value):
        return 0
    return int(value)


# --------------------------------------------------------------------------- figure builders
