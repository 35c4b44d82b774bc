"""Charts of the report, one function per kind, for notebook cells (``grafik.batang_tingkat(…)``).

Each function takes a table (one of the tables of record or your own with the same columns)
and returns a :class:`Grafik`, which displays itself; its ``.figure`` is the plotly figure,
so a chart can be changed with plotly's own API::

    g = grafik.batang_tingkat(T.rates_by_scope, label="scope")
    g.figure.update_layout(height=600)
    g

A function returns None when its table has nothing to draw (a section then shows no chart).
Titles are translation keys or text, in the report's language.
"""

from __future__ import annotations

import pandas as pd

from evaluation.presentation import charts
from evaluation.presentation.charts.spec import FigureSpec
from evaluation.presentation.display import current_lang, word
from evaluation.presentation.text import t


class Grafik:
    """A chart that displays itself (plotly JSON for JupyterLab, HTML for the report).

    Made from a plotly figure or from a chart builder's
    :class:`~evaluation.presentation.charts.spec.FigureSpec`: the plotly figure is then made
    the first time :attr:`figure` is read (to be changed with plotly's API); a chart nobody
    changes is drawn from its spec, without plotly's checks and copies.
    """

    def __init__(self, figure, chart_id: str | None = None, height: int | None = None):
        self._spec = figure if isinstance(figure, FigureSpec) else None
        self._figure = None if self._spec is not None else figure
        self.chart_id = chart_id
        self.height = height

    @property
    def figure(self):
        """The plotly figure (``plotly.graph_objects.Figure``)."""
        if self._figure is None:
            self._figure, self._spec = self._spec.figure(), None
        return self._figure

    @figure.setter
    def figure(self, value) -> None:
        self._figure, self._spec = value, None

    def _drawn(self):
        return self._spec if self._spec is not None else self._figure

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return charts.mimebundle(self._drawn(), chart_id=self.chart_id, height=self.height)

    def _repr_html_(self) -> str:
        return charts.figure_html(self._drawn(), chart_id=self.chart_id, height=self.height)


def _has_items(df: pd.DataFrame) -> bool:
    return len(df) > 0 and "scope_items" in df and df["scope_items"].sum() > 0


def _rows(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` without its total rows (charts draw the groups)."""
    if "is_total" in df:
        return df[~df["is_total"].fillna(False).astype(bool)]
    return df


def batang_tingkat(
    df: pd.DataFrame,
    label: str = "category",
    nilai: str = "scope_rate",
    *,
    judul: str = "chart.scope_rate",
    chart_id: str | None = None,
) -> Grafik | None:
    """Horizontal bars of a rate (``nilai``: ``scope_rate`` or ``followup_rate``) per
    ``label`` group, with the 95% interval and n. The scope rate's interval is the
    cluster-aware one (``scope_rate_cl_low``/``_high``) when the table has it; groups flagged
    ``small_group`` are drawn grey and hatched, after the ranked ones."""
    df = _rows(df)
    if not _has_items(df):
        return None
    n_col = "scope_items" if nilai == "scope_rate" else "agreements"
    bounds = (f"{nilai}_low", f"{nilai}_high")
    if nilai == "scope_rate" and {"scope_rate_cl_low", "scope_rate_cl_high"} <= set(df):
        bounds = ("scope_rate_cl_low", "scope_rate_cl_high")
    fig = charts.rate_bar.spec(
        df,
        label,
        rate_col=nilai,
        low_col=bounds[0],
        high_col=bounds[1],
        n_col=n_col,
        title=word(judul),
        lang=current_lang(),
    )
    return Grafik(fig, chart_id or f"rate-{label}")


def batang_jumlah(
    df: pd.DataFrame,
    label: str = "category",
    nilai: str = "agreements",
    *,
    judul: str = "chart.count_by_category",
    chart_id: str = "headline",
) -> Grafik | None:
    """Horizontal bars of a count (``nilai``) per ``label`` group."""
    df = _rows(df)
    if not len(df):
        return None
    fig = charts.count_bar.spec(
        df, label, nilai, title=word(judul), lang=current_lang(), short_labels=True
    )
    return Grafik(fig, chart_id)


def peta_panas(
    df: pd.DataFrame,
    *,
    nilai: str = "scope_rate",
    judul: str = "chart.heatmap",
    chart_id: str = "heatmap",
) -> Grafik | None:
    """Category x scope heatmap of ``nilai`` (the ``rates_by_category_scope`` table)."""
    if not len(df):
        return None
    fig = charts.heatmap.spec(df, value_col=nilai, title=word(judul), lang=current_lang())
    return Grafik(fig, chart_id)


def status_bertumpuk(
    df: pd.DataFrame, label: str = "category", *, judul: str = "chart.status"
) -> Grafik | None:
    """Stacked bars: shares of scope items realised, in progress and not started."""
    df = _rows(df)
    if not _has_items(df):
        return None
    df = df[df["scope_items"] > 0]
    return Grafik(
        charts.status_stacked.spec(df, label, title=word(judul), lang=current_lang()), "status"
    )


def garis_tahun(df: pd.DataFrame, *, judul: str = "chart.trend") -> Grafik | None:
    """Rates by signing year (the ``rates_by_year`` table); each year's tick shows the
    cohort's median age in months when the table has ``age_median_months``."""
    if not len(df):
        return None
    age = "age_median_months" if "age_median_months" in df else None
    fig = charts.line_by_year.spec(df, title=word(judul), age_col=age, lang=current_lang())
    return Grafik(fig, "trend")


def garis_kohort(df: pd.DataFrame, *, judul: str = "chart.cohort") -> Grafik | None:
    """Share of each signing cohort followed up within 6 and 12 months, with 95% intervals
    (the ``cohort_followup`` table); cohorts too young to be observed are not drawn."""
    if not len(df) or not any(df[f"observable_{h}m"].sum() > 0 for h in (6, 12)):
        return None
    return Grafik(charts.cohort_shares.spec(df, title=word(judul), lang=current_lang()), "cohort")


def kurva_km(curve: pd.DataFrame, *, judul: str = "chart.km") -> Grafik | None:
    """Share of agreements followed up by months since signing (Kaplan-Meier curves of the
    ``time_to_first_followup_curve`` table, with their 95% band when the table has
    ``share_low`` / ``share_high``, drawn around the overall curve only: overlapping bands
    hide each other, the groups' intervals are in the ``time_to_first_followup`` table; the
    overall curve is labelled "Semua"/"All"). Groups flagged ``drawn`` False (fewer than 5
    agreements) are left out."""
    if "drawn" in curve:
        curve = curve[curve["drawn"].fillna(False).astype(bool)]
    if not len(curve):
        return None
    lang = current_lang()
    curve = curve.copy()
    if "is_total" in curve:
        total = curve["is_total"].fillna(False).astype(bool)
        curve["group"] = curve["group"].astype("object").where(~total, t("label.all", lang))
    fig = charts.km_curves.spec(
        curve,
        "group",
        y="share_followed_up",
        low="share_low" if "share_low" in curve else None,
        high="share_high" if "share_high" in curve else None,
        band_for=[t("label.all", lang)],
        title=word(judul),
        x_title=t("chart.km_x", lang),
        y_title=t("chart.km_y", lang),
        lang=lang,
    )
    return Grafik(fig, "km")


_FUNNEL_TITLES = {"province": "chart.funnel_province", "unit": "chart.funnel_unit"}


def corong(
    df: pd.DataFrame,
    batas: pd.DataFrame,
    label: str = "province",
    *,
    judul: str | None = None,
    chart_id: str | None = None,
) -> Grafik | None:
    """Funnel plot of the follow-up rate per ``label`` group (``province`` or ``unit``)
    against its number of agreements, with the 95% and 99.8% limits of ``batas``
    (``T.funnel_province`` or ``T.funnel_unit`` with ``T.funnel_limits``)."""
    if not len(df) or batas is None or not len(batas):
        return None
    fig = charts.funnel_plot.spec(
        df, batas, label, title=word(judul or _FUNNEL_TITLES.get(label, "")), lang=current_lang()
    )
    return Grafik(fig, chart_id or f"funnel-{label}")


__all__ = [
    "Grafik",
    "batang_jumlah",
    "batang_tingkat",
    "corong",
    "garis_kohort",
    "garis_tahun",
    "kurva_km",
    "peta_panas",
    "status_bertumpuk",
]
