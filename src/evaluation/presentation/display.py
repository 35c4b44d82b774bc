"""Displayable building blocks of a report cell: tables, text, charts and sections.

Every helper RETURNS an object that shows itself in a notebook (``_repr_html_``): the last
expression of a cell is what the report shows. Combine several with :func:`bagian`::

    bagian(
        "section.rate_by_category",                       # heading (a translation key)
        tabel(T.rates_by_category, kolom=["category", "agreements", "scope_rate"]),
        grafik.batang_tingkat(T.rates_by_category, label="category"),
    )

Text comes from ``translations.toml`` in the report's language (the loaded report's
``lang``); a string that is not a translation key is shown as written.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from evaluation.presentation.interactive import (
    INTERACTIVE_MIN_ROWS,
    csv_bytes,
    interactive_html,
    record_of,
    sort_key,
    twin,
)
from evaluation.presentation.text import (
    column_label,
    fmt_int,
    fmt_interval,
    fmt_percent,
    format_table,
    has_key,
    t,
)

#: Longest text shown in a cell of an HTML/PDF table; longer text (a partner name of 200
#: characters…) is cut with "…". The tables of record, the CSV files and ringkasan.xlsx keep
#: the full text.
MAX_CELL_CHARS = 70
#: Columns whose text is a name, cut to :data:`MAX_CELL_CHARS` in HTML/PDF tables.
NAME_COLUMNS = frozenset(
    {"partner_name", "unit", "province", "file", "sheet", "value", "description", "evidence"}
)
#: Column kinds guessed from column names (see :func:`column_kind`).
KNOWN_KINDS = {
    "category": "category",
    "partner_category": "category",
    "group": "category",
    "scope": "scope",
    "status": "status",
    "year": "text",
    "training_budget": "rupiah",
    "median_months": "number",
    "after_months": "int",
    "cohort": "text",
    "cumulative_incidence": "percent",
    "cumulative_incidence_ended": "percent",
    "cumulative_incidence_12m": "percent",
    "cumulative_incidence_24m": "percent",
    "province": "text",
    "effective_n": "number",
    "design_effect": "number",
    "position": "funnel_position",
}
#: Header of a rate shown with its 95% interval in one cell.
INTERVAL_HEADERS = {
    "scope_rate": "col.scope_rate_with_ci",
    "followup_rate": "col.followup_rate_with_ci",
    "share_within_6m": "col.share_within_6m_with_ci",
    "share_within_12m": "col.share_within_12m_with_ci",
    "share_followed_within_12m": "col.share_followed_within_12m_with_ci",
    "share_followed_within_24m": "col.share_followed_within_24m_with_ci",
    "share_followed_up_later": "col.share_followed_up_later_with_ci",
}
#: Rates shown with their 95% interval in one cell when the low/high columns exist.
INTERVALS = {
    "scope_rate": ("scope_rate_low", "scope_rate_high"),
    "followup_rate": ("followup_rate_low", "followup_rate_high"),
    **{
        c: (f"{c}_low", f"{c}_high")
        for c in (
            "share_within_6m",
            "share_within_12m",
            "share_followed_within_12m",
            "share_followed_within_24m",
            "share_followed_up_later",
        )
    },
}
#: Intervals shown on their own (``kolom=[..., "scope_rate_cl"]``): name -> (low, high).
RANGES = {"scope_rate_cl": ("scope_rate_cl_low", "scope_rate_cl_high")}
#: Flag column of the rate tables: its rows get :data:`SMALL_GROUP_MARK` after their label.
SMALL_GROUP = "small_group"

STYLE = """<style>
.eval-table { font-size: 9pt; border-collapse: collapse; }
.eval-table td, .eval-table th { padding: 2px 6px; vertical-align: top; }
.eval-table.long { font-size: 8pt; width: 100%; }
.jp-RenderedHTMLCommon table.eval-table { table-layout: auto; }
.jp-RenderedHTMLCommon .eval-table th { word-break: normal; overflow-wrap: normal; hyphens: manual; }
.eval-table div.wide { min-width: 12em; white-space: pre-line; }
.eval-table td.eval-num, .eval-table th.eval-num { white-space: nowrap; }
.eval-table tr.total td { font-weight: bold; border-top: 1px solid #555; }
.eval-sample-banner { border: 2px solid #b00020; color: #b00020; padding: 8px 12px; margin: 0 auto 24px; max-width: 32em; }
.eval-summary li { margin-bottom: 4px; }
@media screen {
  .eval-interactive:not(:has(.dt-container)) { display: none; }
  .eval-tablebox:has(.eval-interactive .dt-container) > .eval-static { display: none; }
}
@media print { .eval-interactive, .eval-download { display: none !important; } }
</style>"""


def esc(s: object) -> str:
    """HTML-escaped text (``None`` -> empty)."""
    return html.escape("" if s is None else str(s))


def current_lang() -> str:
    """Language of the loaded report (``id`` when none is loaded)."""
    from evaluation.presentation.report import current

    r = current(required=False)
    return r.lang if r is not None else "id"


def word(key_or_text: str, **kw: object) -> str:
    """``key_or_text`` in the report's language if it is a translation key, else as written."""
    if has_key(key_or_text):
        lang = current_lang()
        kw = {
            k: fmt_int(v, lang) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in kw.items()
        }
        return t(key_or_text, lang, **kw)
    return str(key_or_text)


class Html:
    """A piece of HTML that displays itself in a notebook."""

    def __init__(self, fragment: str):
        self.fragment = fragment

    def _repr_html_(self) -> str:
        return self.fragment

    def __str__(self) -> str:
        return self.fragment


def shorten(text: object, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` cut to ``limit`` characters with "…" (whitespace collapsed)."""
    s = " ".join(str(text).split()) if "\n" not in str(text) else str(text)
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def cut_cell(text: object, limit: int = MAX_CELL_CHARS) -> str:
    """Each line of a name cell cut to ``limit`` characters (:func:`shorten`)."""
    return "\n".join(shorten(part, limit) for part in str(text).split("\n"))


def table_html(
    shown: pd.DataFrame,
    *,
    caption: str | None = None,
    long: bool = False,
    wide: Sequence[int] = (),
    total_rows: Sequence[int] = (),
    cut: Sequence[int] = (),
    limit: int = MAX_CELL_CHARS,
) -> str:
    """An escaped HTML table of an already formatted (text) DataFrame.

    ``wide``: positions of text columns given a minimum width; ``total_rows``: positions of
    rows styled as totals; ``cut``: positions of name columns whose text is cut to ``limit``
    characters (each line of the cell; the full text stays in the CSV and Excel tables).
    """
    cls = "eval-table long" if long else "eval-table"
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    totals = set(total_rows)
    body = []
    for i, r in enumerate(shown.itertuples(index=False)):
        cells = []
        for j, v in enumerate(r):
            text = "" if v is None else str(v)
            if j in cut:
                text = cut_cell(text, limit)
            if j in wide:
                cells.append(f"<td class='wide'><div class='wide'>{esc(text)}</div></td>")
            else:
                cells.append(f"<td>{esc(text)}</td>")
        body.append(("<tr class='total'>" if i in totals else "<tr>") + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (
        f'<table class="{cls}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def column_kind(df: pd.DataFrame, column: str) -> str:
    """Display kind of ``column``: from its name (``…_rate`` percent, ``…_on`` date,
    :data:`KNOWN_KINDS`), else from its dtype (whole numbers ``int``, others ``number``,
    text ``text``)."""
    if column in KNOWN_KINDS:
        return KNOWN_KINDS[column]
    if column.endswith(("_rate", "_rate_low", "_rate_high", "share")) or column.startswith(
        ("share_", "limit_")
    ):
        return "percent"
    if column.endswith("_on") or column.endswith("_date"):
        return "date"
    s = df[column]
    if pd.api.types.is_bool_dtype(s):
        return "text"
    if pd.api.types.is_integer_dtype(s):
        return "int"
    if pd.api.types.is_float_dtype(s):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    return "text"


class Table(Html):
    """A formatted table: ``.data`` is the source rows shown, ``.shown`` the text cells."""

    def __init__(self, data: pd.DataFrame, shown: pd.DataFrame, fragment: str):
        super().__init__(fragment)
        self.data = data
        self.shown = shown


def tabel(
    df: pd.DataFrame,
    kolom: Sequence[str] | None = None,
    *,
    judul: str | None = None,
    jenis: Mapping[str, str] | None = None,
    total: pd.DataFrame | None = None,
    interval: bool = True,
    maks: int | None = None,
    panjang: bool = False,
    lebar: Sequence[str] = (),
) -> Table:
    """A table of the report: ``df``'s columns ``kolom`` formatted in the report's language.

    Parameters
    ----------
    df
        Any table: one of the tables of record (``T.rates_by_category``) or your own
        (e.g. ``T.needs_assistance.groupby("partner_category").size().reset_index(name="n")``).
    kolom
        Columns to show, in order (default all but ``is_total``, ``small_group`` and the
        ``…_low``/``…_high`` interval columns). Headers come from ``col.<name>`` in
        ``translations.toml``. ``scope_rate_cl`` shows the cluster-aware interval
        (``scope_rate_cl_low`` – ``scope_rate_cl_high``) in one cell. Rows flagged
        ``small_group`` (fewer than 5 agreements) get " *" after their label (explain it
        with ``catatan("note.small_group")``).
    judul
        Caption above the table (a translation key or text).
    jenis
        Column kinds overriding the guess (:func:`column_kind`): ``int``, ``number``,
        ``percent``, ``date``, ``rupiah``, ``text``, ``category``, ``scope``, ``status``.
    total
        Rows appended as totals (e.g. ``T.rates_overall`` below ``T.rates_by_category``).
    interval
        Show ``scope_rate`` / ``followup_rate`` with their 95% interval in the same cell.
    maks
        Show at most this many rows (then a note says how many there are); default: the
        report's ``top_n`` for long tables (``panjang=True``), else all.
    panjang
        A long list (smaller type, full width).
    lebar
        Text columns given a minimum width (e.g. partner names).

    Returns
    -------
    Table
        Displays itself; ``.data`` holds the rows shown.
    """
    from evaluation.presentation.report import current

    if panjang and not len(df):  # an empty list shows nothing (its sentence says "none")
        return Table(df, pd.DataFrame(), "")
    rep = current(required=False)
    lang = rep.lang if rep is not None else "id"
    data = df if total is None else pd.concat([df, total[[c for c in df.columns if c in total]]])
    data = data.reset_index(drop=True)
    flag = (
        data["is_total"].fillna(False).astype(bool)
        if "is_total" in data
        else pd.Series(False, index=data.index)
    )
    if total is not None:
        flag.iloc[len(df) :] = True
    if kolom is None:
        pairs = [*INTERVALS.values(), *RANGES.values()]
        kolom = [
            c
            for c in data.columns
            if c not in ("is_total", SMALL_GROUP)
            and not (interval and any(c in pair for pair in pairs))
        ]
    kinds = {
        c: (jenis or {}).get(c) or ("text" if c in RANGES else column_kind(data, c)) for c in kolom
    }
    limit = maks if maks is not None else (rep.params.top_n if (panjang and rep) else None)
    note = ""
    full = data
    if limit is not None and len(data) > limit:
        note = t("note.top_n", lang, shown=fmt_int(limit, lang), total=fmt_int(len(data), lang))
    intervals = {}
    if interval:
        intervals = {
            c: pair for c, pair in INTERVALS.items() if c in kolom and set(pair) <= set(data)
        }
    ranges = {c: pair for c, pair in RANGES.items() if c in kolom and set(pair) <= set(data)}
    plain = {c: k for c, k in kinds.items() if c not in intervals and c not in ranges}
    shown = format_table(data, plain, lang) if plain else pd.DataFrame(index=data.index)
    headers = []
    for c in kolom:
        if c in intervals:
            lo, hi = intervals[c]
            values = [
                f"{fmt_percent(r, lang)} ({fmt_interval(a, b, lang)})" if pd.notna(r) else "–"
                for r, a, b in zip(data[c], data[lo], data[hi], strict=True)
            ]
            label = t(INTERVAL_HEADERS[c], lang)
            shown[label] = values
            headers.append(label)
        elif c in ranges:
            lo, hi = ranges[c]
            label = column_label(c, lang)
            shown[label] = [
                fmt_interval(a, b, lang) for a, b in zip(data[lo], data[hi], strict=True)
            ]
            headers.append(label)
        else:
            headers.append(column_label(c, lang))
    shown = shown[headers]
    if SMALL_GROUP in data and len(kolom):
        small = (data[SMALL_GROUP].fillna(False).astype(bool) & ~flag).to_numpy()
        first = shown.columns[0]
        mark = t("label.small_group_mark", lang)
        shown.loc[small, first] = [f"{v}{mark}" for v in shown.loc[small, first]]
    if flag.any() and len(kolom):
        all_label = t("label.all", lang)
        first = shown.columns[0]
        shown.loc[flag.to_numpy(), first] = [
            v if v else all_label for v in shown.loc[flag.to_numpy(), first]
        ]
    wide = [i for i, c in enumerate(kolom) if c in lebar]
    cut = [i for i, c in enumerate(kolom) if c in NAME_COLUMNS]
    everything = shown
    if note:
        data, flag, shown = data.head(limit), flag.head(limit), shown.head(limit)
    fragment = table_html(
        shown,
        caption=word(judul) if judul else None,
        long=panjang,
        wide=wide,
        total_rows=[i for i, f in enumerate(flag) if f],
        cut=cut,
    )
    if note:
        fragment += f'<p class="catatan">{esc(note)}</p>'
    if len(full) > INTERACTIVE_MIN_ROWS:
        sort_by = {
            i: sort_key(full[c], kinds[c]) for i, c in enumerate(kolom) if c not in intervals
        }
        sort_by |= {i: sort_key(full[c], "percent") for i, c in enumerate(kolom) if c in intervals}
        name, csv = record_of(df)
        cells = everything.copy()
        for j in cut:
            cells.iloc[:, j] = [cut_cell(v) for v in cells.iloc[:, j]]
        fragment = twin(
            fragment,
            interactive_html(
                cells,
                sort_by={i: k for i, k in sort_by.items() if k is not None},
                wide=sorted(set(wide) | set(cut)),
                name=name or "tabel",
                csv=csv if csv is not None else csv_bytes(df),
                lang=lang,
            ),
        )
    return Table(data, shown, fragment)


def teks(key_or_text: str, **kw: object) -> Html:
    """A paragraph: translation ``key_or_text`` (placeholders from ``kw``) or the text itself."""
    return Html(f"<p>{esc(word(key_or_text, **kw))}</p>")


def catatan(key_or_text: str, **kw: object) -> Html:
    """A small note below a table or chart (like :func:`teks`)."""
    return Html(f'<p class="catatan">{esc(word(key_or_text, **kw))}</p>')


def judul(key_or_text: str, level: int = 2) -> Html:
    """A heading (``level`` 2 = section, 3 = sub-section)."""
    return Html(f"<h{level}>{esc(word(key_or_text))}</h{level}>")


def daftar(items: Iterable[str]) -> Html:
    """A bulleted list of sentences."""
    body = "".join(f"<li>{esc(s)}</li>" for s in items)
    return Html(f"<ul class='eval-summary'>{body}</ul>")


def _fragment(part: object) -> str:
    if part is None:
        return ""
    if isinstance(part, str):
        return f"<p>{esc(word(part))}</p>"
    if hasattr(part, "_repr_html_"):
        return part._repr_html_() or ""
    return f"<p>{esc(part)}</p>"


def bagian(heading: str | None, *parts: object) -> Html:
    """A report section: a heading then the parts (tables, text, charts…) in order.

    ``heading`` is a translation key or text (None: no heading); parts that are None are
    skipped (e.g. a chart that has no data).
    """
    out = [judul(heading).fragment] if heading else []
    out += [_fragment(p) for p in parts]
    return Html("".join(out))


__all__ = [
    "MAX_CELL_CHARS",
    "STYLE",
    "Html",
    "Table",
    "bagian",
    "catatan",
    "column_kind",
    "cut_cell",
    "daftar",
    "esc",
    "judul",
    "shorten",
    "tabel",
    "table_html",
    "teks",
    "word",
]
