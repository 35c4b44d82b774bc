"""The report a notebook shows: the tables of record of one run, loaded once.

``evaluation report`` computes every table once (:func:`evaluation.analysis.tables.compute_tables`)
and writes it to ``<report>/tables/<name>.parquet``; a notebook loads them with
:func:`muat_laporan` and never recomputes them::

    L = muat_laporan(tables_dir, lang=lang, top_n=top_n)
    T = L.tabel                       # T.rates_by_category, T.needs_assistance, …
    T.rates_by_category[["category", "scope_rate"]]   # plain pandas DataFrames

Opened by hand in JupyterLab without ``tables_dir``, the tables are computed from
``processed_dir`` with the same function (for trying things; the report always loads).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pandas as pd

from evaluation import config
from evaluation.analysis.tables import PARAMETERS_TABLE, compute_tables, resolve_as_of
from evaluation.errors import InputError, ParameterError
from evaluation.params import ReportParams, check_params
from evaluation.presentation.display import STYLE, Html

#: Environment variable set by ``evaluation report``: plotly.js is added once to each HTML
#: file when it is rendered, so executed notebooks do not each carry a copy.
PLOTLYJS_ENV = "EVALUATION_PLOTLYJS"
#: Parameters that change the figures: taken from the tables, never from the notebook.
COMPUTED = ("as_of", "since", "category", "grace_months", "stale_months", "expiry_months")

_CURRENT: Laporan | None = None


class Tabel:
    """The tables of record by name: ``T.rates_by_category`` (a pandas DataFrame).

    Made from tables in memory, or from the Parquet files of a report's ``tables/`` folder
    (``files``: name -> path), each read the first time it is asked for: a notebook pays
    only for the tables it shows.
    """

    def __init__(self, tables: dict[str, pd.DataFrame] | None = None, *, files=None):
        self._tables = dict(tables or {})
        self._files = {k: Path(v) for k, v in (files or {}).items() if k not in self._tables}

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self._tables and name in self._files:
            self._tables[name] = pd.read_parquet(self._files[name])
            del self._files[name]
        return self._tables[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._table(name)
        except KeyError:
            raise AttributeError(
                f"No table '{name}' in this report; tables: {', '.join(self.names())}."
            ) from None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.__getattr__(name)

    def __contains__(self, name: str) -> bool:
        return name in self._tables or name in self._files

    def get(self, name: str, default=None):
        """The table ``name``, or ``default`` when this report has none (e.g. ``changes_*``)."""
        return self._table(name) if name in self else default

    def names(self) -> list[str]:
        """Names of the tables, A-Z."""
        return sorted({*self._tables, *self._files})

    def loaded(self) -> dict[str, pd.DataFrame]:
        """The tables read so far (all of them when made from tables in memory), by name."""
        return dict(self._tables)

    def __dir__(self):
        return [*super().__dir__(), *self.names()]


@dataclass
class Laporan:
    """One loaded report: its tables of record, parameters and language."""

    tabel: Tabel
    params: ReportParams
    is_sample: bool = False
    previous_as_of: date | None = None
    tables_dir: Path | None = None

    @property
    def lang(self) -> str:
        return self.params.lang

    def persiapan(self) -> Html:
        """The report's table styles (and plotly.js when opened by hand: the full bundle, the
        charts that follow not being known), and plotly.js's own texts in the report's
        language (mode bar tooltips). Show it first."""
        from evaluation.presentation.charts.embed import plotly_js_html, plotly_locale_html

        js = "" if os.environ.get(PLOTLYJS_ENV) == "external" else plotly_js_html(None)
        return Html(js + plotly_locale_html(self.lang) + STYLE)


def current(required: bool = True) -> Laporan | None:
    """The report loaded last by :func:`muat_laporan` (helpers take its language)."""
    if _CURRENT is None and required:
        raise RuntimeError("No report loaded: call muat_laporan(...) first.")
    return _CURRENT


def use(report: Laporan | None) -> Laporan | None:
    """Make ``report`` the current one (returns it)."""
    global _CURRENT
    _CURRENT = report
    return report


def table_files(tables_dir: Path) -> dict[str, Path]:
    """The ``*.parquet`` files of a report's ``tables/`` folder, by table name.

    Raises
    ------
    InputError
        If the folder holds no tables.
    """
    tables_dir = Path(tables_dir)
    paths = sorted(tables_dir.glob("*.parquet"))
    if not paths:
        raise InputError(
            f"No tables of record in {tables_dir} (*.parquet); run 'evaluation report' first."
        )
    return {p.stem: p for p in paths}


def read_tables(tables_dir: Path) -> dict[str, pd.DataFrame]:
    """Every ``*.parquet`` table of a report's ``tables/`` folder, by name.

    Raises
    ------
    InputError
        If the folder holds no tables.
    """
    return {name: pd.read_parquet(p) for name, p in table_files(tables_dir).items()}


def _params_from_table(row: pd.Series, lang: str, top_n: int) -> ReportParams:
    def val(name):
        v = row.get(name)
        return None if v is None or pd.isna(v) else v

    return check_params(
        {
            "as_of": val("as_of"),
            "since": val("since"),
            "category": val("category"),
            "grace_months": int(row["grace_months"]),
            "stale_months": int(row["stale_months"]),
            "expiry_months": int(row["expiry_months"]),
            "low_rate": float(row["low_rate"]),
            "lang": lang,
            "top_n": top_n,
        }
    )


def from_tables(
    tables: dict[str, pd.DataFrame] | Tabel, lang: str = "id", top_n: int = 25, tables_dir=None
) -> Laporan:
    """A report from tables of record (in memory, or a :class:`Tabel`), made current."""
    if not isinstance(tables, Tabel):
        tables = Tabel(tables)
    row = tables[PARAMETERS_TABLE].iloc[0]
    rp = _params_from_table(row, lang, top_n)
    prev = row.get("previous_as_of")
    prev = date.fromisoformat(str(prev)) if prev is not None and not pd.isna(prev) else None
    rep = Laporan(
        tabel=tables,
        params=rp,
        is_sample=bool(row.get("is_sample", False)),
        previous_as_of=prev,
        tables_dir=Path(tables_dir) if tables_dir else None,
    )
    use(rep)
    return rep


def muat_laporan(
    tables_dir: str | Path | None = None,
    processed_dir: str | Path = config.PROCESSED_DIR,
    *,
    lang: str = "id",
    top_n: int = 25,
    as_of: str | None = None,
    since: str | None = None,
    category: str | None = None,
    previous_dir: str | Path | None = None,
    grace_months: int = config.GRACE_MONTHS,
    stale_months: int = config.STALE_MONTHS,
    expiry_months: int = config.EXPIRY_MONTHS,
    low_rate: float = config.LOW_RATE,
) -> Laporan:
    """Load the report's tables of record (``tables_dir``) and make it the current report.

    Parameters
    ----------
    tables_dir
        The report's ``tables/`` folder, written by ``evaluation report``. When None (a
        notebook opened by hand), the tables are computed from ``processed_dir`` with the
        other parameters, exactly as the report command computes them.
    lang, top_n
        Language of the text and longest list shown (presentation only).
    as_of, since, category, previous_dir, grace_months, stale_months, expiry_months, low_rate
        The parameters the figures depend on. With ``tables_dir`` they are those the tables
        were computed with; a different value is refused.

    Raises
    ------
    ParameterError
        A parameter is malformed, or differs from the one the tables were computed with.
    InputError
        The tables (or the processed data) are missing.
    """
    raw = {
        "as_of": as_of,
        "lang": lang,
        "category": category,
        "grace_months": grace_months,
        "stale_months": stale_months,
        "expiry_months": expiry_months,
        "low_rate": low_rate,
        "top_n": top_n,
    }
    if since is not None:
        raw["since"] = since
    asked = check_params(raw)
    if tables_dir is not None:
        files = table_files(Path(tables_dir))
        rep = from_tables(Tabel(files=files), asked.lang, asked.top_n, tables_dir)
        for name in COMPUTED:
            want, got = getattr(asked, name), getattr(rep.params, name)
            if name == "as_of" and want is None:
                continue
            if want != got:
                raise ParameterError(
                    f"Parameter '{name}' is {want!r} here but the tables in {tables_dir} were "
                    f"computed with {got!r}; run 'evaluation report' with it instead."
                )
        return rep
    from evaluation.ingest import load_processed, read_manifest

    processed_dir = Path(processed_dir)
    is_sample = bool((read_manifest(processed_dir) or {}).get("is_sample"))
    rp = check_params({}, base=resolve_as_of(asked, is_sample))
    data = load_processed(processed_dir)
    tables = compute_tables(
        data, rp, Path(previous_dir) if previous_dir else None, is_sample=is_sample
    )
    return from_tables(tables, rp.lang, rp.top_n)


def with_lang(report: Laporan, lang: str) -> Laporan:
    """The same report in another language (made current)."""
    return use(replace(report, params=replace(report.params, lang=lang)))


__all__ = [
    "PLOTLYJS_ENV",
    "Laporan",
    "Tabel",
    "current",
    "from_tables",
    "muat_laporan",
    "read_tables",
    "table_files",
    "use",
    "with_lang",
]
