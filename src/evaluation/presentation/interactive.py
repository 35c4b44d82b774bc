"""Long tables on screen: sortable, searchable and downloadable, offline (itables).

A table with more than :data:`INTERACTIVE_MIN_ROWS` rows is written twice in the HTML:

* the **static** table (what the PDF prints: every row it shows, no widgets), and
* an **interactive** twin built by itables in its offline mode (DataTables, embedded once per
  HTML file by :func:`evaluation.publish.html.with_itables_js`): every row of the source,
  a search box, sorting by any column (numbers, percentages and dates sort by their value,
  not their text), pages of 10 to all rows, and a DataTables CSV button for the rows the
  search keeps (formatted as shown).

On screen, once DataTables has drawn the twin, the static table is hidden (CSS ``:has``);
when printing, the twin is hidden and the static table is printed. Without JavaScript (or
in JupyterLab) the static table stays. Next to it a plain link downloads **the table of
record** as CSV: the bytes of ``tables/<name>.csv`` when the table is one of them (all rows,
all columns, raw values), else the shown source frame written by the same CSV writer. The
link is a ``data:`` URI, so nothing is fetched and the HTML stays one file.
"""

from __future__ import annotations

import base64
import html
import itertools
import math
import tempfile
from pathlib import Path

import pandas as pd

from evaluation.presentation.text import fmt_int, t
from evaluation.safe_csv import write_csv

#: Tables with more rows than this get the interactive twin (one DataTables page is 10).
INTERACTIVE_MIN_ROWS = 12
#: Value standing for a missing number when sorting (sorts before every real value).
_MISSING = -1e18
_SEQUENCE = itertools.count(1)


def csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as the tables of record are written to CSV (:func:`evaluation.safe_csv.write_csv`)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        write_csv(df, path)
        return path.read_bytes()


def record_of(df: pd.DataFrame) -> tuple[str | None, bytes | None]:
    """The name and CSV bytes of the table of record ``df`` is (same object), if it is one
    of the current report's tables; ``(None, None)`` otherwise."""
    from evaluation.presentation.report import current

    rep = current(required=False)
    if rep is None:
        return None, None
    for name, table in rep.tabel.loaded().items():  # a table shown has been read
        if table is df:
            path = Path(rep.tables_dir) / f"{name}.csv" if rep.tables_dir else None
            if path is not None and path.is_file():
                return name, path.read_bytes()
            return name, csv_bytes(df)
    return None, None


def sort_key(values: pd.Series, kind: str) -> list | None:
    """What a column sorts by: numbers for ``int``/``number``/``percent``/``rupiah`` (missing
    first), ISO text for dates; None for text (it sorts by what is shown)."""
    if kind in ("int", "number", "percent", "rupiah"):
        nums = pd.to_numeric(values, errors="coerce").astype("float64")
        return [_MISSING if math.isnan(v) else float(v) for v in nums]
    if kind == "date":
        dates = pd.to_datetime(values, errors="coerce")
        return ["" if pd.isna(d) else d.strftime("%Y-%m-%d") for d in dates]
    return None


def _language(lang: str) -> dict[str, str]:
    keys = ("search", "info", "infoEmpty", "infoFiltered", "lengthMenu", "zeroRecords")
    return {k: t(f"datatable.{k}", lang) for k in keys} | {"emptyTable": t("note.none", lang)}


def interactive_html(
    shown: pd.DataFrame,
    *,
    sort_by: dict[int, list] | None = None,
    wide: tuple[int, ...] | list[int] = (),
    name: str,
    csv: bytes,
    lang: str = "id",
) -> str:
    """The interactive twin of a table and the link that downloads its table of record.

    Parameters
    ----------
    shown
        Every row to show, as text cells (headers are the column names).
    wide
        Positions of text columns given a minimum width (names, reasons).
    sort_by
        Column position -> values it sorts by (one per row), for columns whose text does
        not sort right (``"9,5%"``, ``"12 Jan 2024"``).
    name
        File name of the download (without ``.csv``).
    csv
        Bytes of the download.
    lang
        Language of the widgets (``"id"`` or ``"en"``).

    Returns
    -------
    str
        HTML: a screen-only download link and the itables table (hidden until drawn).
    """
    from itables import to_html_datatable

    data = shown.copy()
    data.columns = [str(c) for c in data.columns]
    visible = len(data.columns)
    column_defs: list[dict] = []
    for k, (pos, keys) in enumerate(sorted((sort_by or {}).items())):
        hidden = visible + k
        data[f"\u200b{k}"] = keys  # hidden sort column (a name no header has)
        column_defs.append({"targets": [pos], "orderData": [hidden]})
        column_defs.append({"targets": [hidden], "visible": False, "searchable": False})
    if wide:
        column_defs.append({"targets": list(wide), "className": "eval-wide"})
    seq = next(_SEQUENCE)
    table = to_html_datatable(
        data,
        connected=False,
        table_id=f"eval_dt_{seq}",
        showIndex=False,
        maxBytes=0,
        maxColumns=0,
        format_floats_in_python=False,
        display_logo_when_loading=False,
        warn_on_unexpected_types=False,
        # our arguments are fixed: itables need not check their names and types each time
        warn_on_undocumented_option=False,
        warn_on_unexpected_option_type=False,
        classes="display compact eval-dt",
        style="width:100%;margin:0",
        order=[],
        autoWidth=False,
        pageLength=10,
        lengthMenu=[[10, 25, 50, 100, -1], ["10", "25", "50", "100", t("label.all", lang)]],
        columnDefs=column_defs,
        language=_language(lang),
        layout={
            "top2Start": "buttons",
            "topStart": "pageLength",
            "topEnd": "search",
            "bottomStart": "info",
            "bottomEnd": "paging",
        },
        buttons=[
            {
                "extend": "csvHtml5",
                "text": t("datatable.csv_shown", lang),
                "filename": f"{name}_{t('datatable.csv_shown_suffix', lang)}",
                "exportOptions": {"columns": ":visible"},
            }
        ],
    )
    rows = csv.count(b"\n") - 1 if csv else 0
    label = t("datatable.download", lang, name=f"{name}.csv", n=fmt_int(max(rows, 0), lang))
    href = "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv).decode("ascii")
    link = (
        f'<p class="eval-download screen-only"><a class="eval-download-record" '
        f'download="{name}.csv" href="{href}" data-eval-record="{name}">{html.escape(label)}</a></p>'
    )
    return f'{link}<div class="eval-interactive" data-eval-itable="1">{table}</div>'


def twin(static_html: str, interactive: str) -> str:
    """The static table and its interactive twin in one box (see the module's notes)."""
    return (
        f'<div class="eval-tablebox">{interactive}'
        f'<div class="eval-static">{static_html}</div></div>'
    )


__all__ = ["INTERACTIVE_MIN_ROWS", "csv_bytes", "interactive_html", "record_of", "sort_key", "twin"]
