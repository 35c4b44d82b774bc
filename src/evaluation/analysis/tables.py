"""Every table of record of one report, computed once (``evaluation report`` step 2).

:func:`compute_tables` turns the processed tables and the report parameters into the tables
the report shows, keyed by name: the publishing step writes each as
``<report>/tables/<name>.parquet`` (what the notebooks load) and ``<name>.csv`` (what people
and other tools read), and into ``ringkasan.xlsx``. Nothing a report shows is computed
anywhere else: the notebooks only load, filter and format these tables.

Tables hold numbers and codes only (reason codes, ``is_total`` flags); the report words them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from evaluation import config
from evaluation.analysis import assumptions as assumption_log
from evaluation.analysis import cohorts, coverage, metrics
from evaluation.analysis.changes import (
    BASELINE_MONTHS,
    BASELINE_NONE,
    BASELINE_PREVIOUS,
    BASELINE_SAME_DATA,
    baseline_as_of,
)
from evaluation.analysis.clustered import MIN_GROUP_N
from evaluation.analysis.core import DAYS_PER_MONTH
from evaluation.analysis.findings import findings
from evaluation.analysis.frames import _astype
from evaluation.analysis.funnel import funnel_limits, funnel_table
from evaluation.analysis.summary import GROUP_FACT_KEYS
from evaluation.params import ReportParams
from evaluation.vocab.loader import load_vocabulary

#: Name of the one-row table holding the parameters the tables were computed with.
PARAMETERS_TABLE = "report_parameters"
#: Method constants the methodology section states (``report_parameters``): the level of every
#: interval, the funnel-plot control limits and the cohort follow-up windows (months).
INTERVAL_LEVEL = 0.95
FUNNEL_LEVELS = (0.95, 0.998)
COHORT_MONTHS = (6, 12)


def metric_params(rp: ReportParams) -> metrics.Params:
    """The metrics' parameters for report parameters (``as_of`` must be resolved)."""
    if rp.as_of is None:
        raise ValueError("as_of must be resolved before computing metrics")
    return metrics.Params(
        as_of=rp.as_of,
        since=rp.since,
        grace_months=rp.grace_months,
        stale_months=rp.stale_months,
        expiry_months=rp.expiry_months,
        low_rate=rp.low_rate,
        category=rp.category,
    ).validate()


def resolve_as_of(rp: ReportParams, is_sample: bool) -> ReportParams:
    """``as_of`` None -> the sample's meeting date (2024-03-14) or today."""
    if rp.as_of is not None:
        return rp
    return replace(rp, as_of=config.SAMPLE_AS_OF if is_sample else date.today())


def previous_as_of(previous_dir: Path) -> date | None:
    """Evaluation date of an earlier report's data snapshot (``<report>/data``)."""
    run = Path(previous_dir).parent / "run.json"
    try:
        return date.fromisoformat(
            json.loads(run.read_text(encoding="utf-8"))["parameters"]["as_of"]
        )
    except (OSError, KeyError, ValueError, TypeError):
        pass
    try:
        return date.fromisoformat(Path(previous_dir).parent.name)
    except ValueError:
        return None


def _join_reasons(df: pd.DataFrame) -> pd.DataFrame:
    """Reason code lists as ``;``-joined text (one cell in CSV, Excel and Parquet)."""
    out = df.copy()
    if "reasons" in out.columns:
        out["reasons"] = out["reasons"].map(
            lambda r: ";".join(r) if isinstance(r, list | tuple) else ("" if pd.isna(r) else r)
        )
    return out


def scorecards(tbl, mp: metrics.Params) -> pd.DataFrame:
    """One row per agreement: its figures, the status of each scope (one column per scope,
    vocabulary order, named ``scope::<scope>``) and its assistance reason codes."""
    summary = metrics.agreement_summary(tbl, mp)
    items = metrics.scope_item_status(tbl, mp)
    wide = items.pivot_table(
        index="agreement_id", columns="scope", values="status", aggfunc="first"
    )
    scopes = [s for s in load_vocabulary().scopes.labels if s in wide.columns]
    wide = wide.reindex(columns=scopes)
    wide.columns = [f"scope::{s}" for s in scopes]
    assist = metrics.needs_assistance(tbl, mp)[["agreement_id", "reasons"]]
    out = summary.merge(wide, left_on="agreement_id", right_index=True, how="left")
    out = out.merge(assist, on="agreement_id", how="left")
    out["reasons"] = out["reasons"].map(
        lambda r: ";".join(r) if isinstance(r, list | tuple) else ""
    )
    return out.sort_values(
        ["partner_category", "partner_name", "agreement_id"], kind="stable"
    ).reset_index(drop=True)


#: The groups the executive summary may name (``summary_facts`` columns ``<which>`` …).
GROUPS = ("lowest_category", "lowest_scope", "highest_category", "highest_scope")


def summary_facts(tbl, mp: metrics.Params) -> pd.DataFrame:
    """The executive summary's numbers as one row (the sentences are the report's).

    Columns: ``total_agreements``, ``partners`` (distinct partner names), ``active``,
    ``ended``, the overall rates (:data:`~evaluation.analysis.rates.RATE_COLUMNS` but
    ``agreements``) and their ``scope_rate_cl_low``, ``scope_rate_cl_high``, ``effective_n``,
    ``design_effect``; ``lowest_category`` / ``lowest_scope`` / ``highest_category`` /
    ``highest_scope`` (label, missing unless the group's cluster-aware interval clears all
    other groups of at least :data:`MIN_GROUP_N` agreements) with their ``…_scope_rate``,
    ``…_scope_rate_low``, ``…_scope_rate_high``, ``…_scope_rate_cl_low``,
    ``…_scope_rate_cl_high``, ``…_effective_n``, ``…_agreements``, ``…_scope_items``;
    ``category_groups_compared`` / ``scope_groups_compared`` (groups of at least
    :data:`MIN_GROUP_N` agreements) and ``category_differs_clearly`` /
    ``scope_differs_clearly`` (False: no group differs clearly); ``needs_assistance``,
    ``assistance_<reason code>`` (counts), ``ending_soon``, ``ended_without_followup``.
    """
    f = metrics.executive_summary_facts(tbl, mp, min_n=MIN_GROUP_N)
    ag = tbl.core.tables.agreements if isinstance(tbl, metrics.Prepared) else None
    if ag is None:
        ag = metrics.window(*tbl, mp).agreements
    row: dict[str, object] = {
        "total_agreements": f["total_agreements"],
        "partners": int(ag["partner_name"].dropna().str.casefold().str.strip().nunique()),
        "active": f["active"],
        "ended": f["ended"],
    }
    for k in metrics.RATE_COLUMNS:
        if k != "agreements":
            row[k] = f[k]
    for k in ("scope_rate_cl_low", "scope_rate_cl_high", "effective_n", "design_effect"):
        row[k] = f[k]
    for which in GROUPS:
        low = f.get(which) or {}
        row[which] = low.get("label")
        for k in GROUP_FACT_KEYS:
            row[f"{which}_{k}"] = low.get(k)
    for what in ("category", "scope"):
        row[f"{what}_groups_compared"] = int(f[f"{what}_groups_compared"])
        row[f"{what}_differs_clearly"] = bool(f[f"{what}_differs_clearly"])
    row["needs_assistance"] = f["needs_assistance"]
    for code, n in f["assistance_by_reason"].items():
        row[f"assistance_{code}"] = n
    row["ending_soon"] = f["ending_soon"]
    row["ended_without_followup"] = f["ended_without_followup"]
    out = pd.DataFrame([row])
    for which in GROUPS:
        out[which] = out[which].astype("string")
        for k in GROUP_FACT_KEYS:
            num = pd.to_numeric(out[f"{which}_{k}"])
            whole = k in ("agreements", "scope_items")
            out[f"{which}_{k}"] = num.astype("Int64" if whole else "float64")
    return out


def parameters_table(
    rp: ReportParams,
    is_sample: bool = False,
    previous: date | None = None,
    *,
    baseline: str | None = None,
    baseline_on: date | None = None,
) -> pd.DataFrame:
    """The parameters the tables were computed with, as one row (``report_parameters``).

    ``previous_as_of`` is the date of the earlier report compared with (missing otherwise);
    ``baseline`` says what the ``changes_*`` tables compare with (``previous_report``,
    ``same_data_12m_earlier`` or ``none``) and ``baseline_as_of`` its date. The method
    constants the methodology states follow (``baseline_months``, ``min_group_n``,
    ``interval_level``, ``funnel_inner``/``funnel_outer``, ``cohort_short_months``/
    ``cohort_long_months``, ``days_per_month``).
    """
    if baseline is None:
        baseline = BASELINE_PREVIOUS if previous else BASELINE_NONE
    if baseline_on is None and baseline == BASELINE_PREVIOUS:
        baseline_on = previous
    row = pd.DataFrame(
        [
            {
                "as_of": rp.as_of.isoformat() if rp.as_of else None,
                "since": rp.since.isoformat(),
                "category": rp.category,
                "grace_months": rp.grace_months,
                "stale_months": rp.stale_months,
                "expiry_months": rp.expiry_months,
                "low_rate": rp.low_rate,
                "default_term_years": config.DEFAULT_TERM_YEARS,
                "is_sample": bool(is_sample),
                "previous_as_of": previous.isoformat() if previous else None,
                "baseline": baseline,
                "baseline_as_of": baseline_on.isoformat() if baseline_on else None,
                "baseline_months": BASELINE_MONTHS,
                "min_group_n": MIN_GROUP_N,
                "interval_level": INTERVAL_LEVEL,
                "funnel_inner": FUNNEL_LEVELS[0],
                "funnel_outer": FUNNEL_LEVELS[1],
                "cohort_short_months": COHORT_MONTHS[0],
                "cohort_long_months": COHORT_MONTHS[1],
                "days_per_month": DAYS_PER_MONTH,
            }
        ]
    )
    return _astype(
        row,
        {
            "as_of": "string",
            "category": "string",
            "previous_as_of": "string",
            "baseline": "string",
            "baseline_as_of": "string",
        },
    )


class Sources:
    """The prepared tables :func:`compute_tables` computes from, each prepared from scratch.

    ``prepared(params)`` is ``data`` prepared for ``params`` (:func:`metrics.prepare`);
    ``previous(folder, params)`` the snapshot of an earlier report prepared for ``params``.
    """

    def __init__(self, data: dict) -> None:
        self.data = data

    def raw(self) -> metrics.Tables:
        """The three processed tables of ``data``."""
        d = self.data
        return metrics.Tables(d["agreements"], d["scope_items"], d["activities"])

    def prepared(self, mp: metrics.Params) -> metrics.Prepared:
        return metrics.prepare(self.raw(), mp)

    def previous(self, folder: Path, mp: metrics.Params) -> metrics.Prepared:
        from evaluation.ingest import load_processed

        prev = load_processed(folder)
        raw = metrics.Tables(prev["agreements"], prev["scope_items"], prev["activities"])
        return metrics.prepare(raw, mp)


def compute_tables(
    data: dict,
    rp: ReportParams,
    previous_dir: Path | None = None,
    prepared: metrics.Prepared | None = None,
    *,
    is_sample: bool = False,
    sources: Sources | None = None,
) -> dict[str, pd.DataFrame]:
    """Every table of record, keyed by file name (``rates_by_category`` …).

    Parameters
    ----------
    data
        :func:`evaluation.ingest.load_processed` output.
    rp
        Report parameters with ``as_of`` resolved.
    previous_dir
        Snapshot (``<report>/data``) of an earlier evaluation to compare with.
    prepared
        ``data`` already evaluated for these parameters (:func:`metrics.prepare`).
    is_sample
        Whether the data are the bundled synthetic sample (the report marks it).
    sources
        Where the prepared tables come from (default :class:`Sources` of ``data``: prepared
        from scratch); :class:`TablePack` passes its own to share the work between the
        reports of one pack. The tables are the same either way.

    Raises
    ------
    ParameterError
        If the parameters are inconsistent.
    """
    mp = metric_params(rp)
    src = sources if sources is not None else Sources(data)
    tbl = prepared if prepared is not None else src.prepared(mp)
    out: dict[str, pd.DataFrame] = {
        "rates_by_category": metrics.rates_by_category(tbl, mp),
        "rates_by_scope": metrics.rates_by_scope(tbl, mp),
        "rates_by_category_scope": metrics.rates_by_category_scope(tbl, mp),
        "rates_overall": metrics.overall_rates(tbl, mp),
        "headline_counts": metrics.headline_counts(tbl, mp),
        "status_shares": metrics.status_shares(tbl, mp, by="category"),
        "rates_by_year": cohorts.with_cohort_age(metrics.rates_by_signing_year(tbl, mp), tbl, mp),
        "cohort_followup": cohorts.cohort_followup(tbl, mp),
        "needs_assistance": _join_reasons(assistance := metrics.needs_assistance(tbl, mp)),
        "assistance_by_unit": metrics.assistance_by_unit(assistance),
        "ending_soon": metrics.ending_soon(tbl, mp),
        "ended_without_followup": metrics.ended_without_followup(tbl, mp),
        "summary_facts": summary_facts(tbl, mp),
        "funnel_province": funnel_table(tbl, mp, "province"),
        "funnel_unit": funnel_table(tbl, mp, "unit"),
    }
    sizes = [*out["funnel_province"]["agreements"], *out["funnel_unit"]["agreements"], 1]
    out["funnel_limits"] = funnel_limits(tbl, mp, int(max(sizes)))
    timing = metrics.time_to_first_followup(tbl, mp)
    out["time_to_first_followup"] = timing.summary
    out["time_to_first_followup_curve"] = timing.curve
    out["time_to_first_followup_at_risk"] = timing.at_risk
    out["time_to_first_followup_after"] = timing.after
    outcomes = metrics.outcome_indicators(tbl, mp)
    out["outcomes_by_province"] = outcomes["by_province"]
    out["outcomes_total"] = outcomes["total"]
    out["outcomes_by_partner"] = outcomes["by_partner"]
    out["partner_scorecards"] = scorecards(tbl, mp)
    prev_as_of = None
    changes = None
    baseline, baseline_on = BASELINE_NONE, None
    if previous_dir is not None:
        prev_as_of = previous_as_of(Path(previous_dir))
        if prev_as_of is not None and prev_as_of < rp.as_of:
            pmp = replace(mp, as_of=prev_as_of)
            ptbl = src.previous(Path(previous_dir), pmp)
            changes = metrics.compare_snapshots(ptbl, tbl, pmp, mp)
            baseline, baseline_on = BASELINE_PREVIOUS, prev_as_of
        else:
            prev_as_of = None
    if changes is None:
        # No earlier report: the same data as they stood 12 months earlier (agreements signed
        # and activities dated by then), when that date is still inside the window.
        earlier = baseline_as_of(rp.as_of)
        if earlier >= rp.since:
            emp = replace(mp, as_of=earlier)
            changes = metrics.compare_snapshots(src.prepared(emp), tbl, emp, mp)
            baseline, baseline_on = BASELINE_SAME_DATA, earlier
    for key, df in (changes or {}).items():
        out[f"changes_{key}"] = _join_reasons(df)
    if not isinstance(tbl, metrics.Prepared):
        tbl = metrics.prepare(tbl, mp)
    out["imputations"] = assumption_log.imputations(data, tbl)
    out["assumptions"] = assumption_log.assumptions(
        data, tbl, out["imputations"], is_sample=is_sample
    )
    out["agreements_without_scope"] = coverage.agreements_without_scope(tbl)
    out["expected_scopes"] = coverage.expected_scopes(tbl)
    dq = data.get("data_quality")
    if dq is not None:
        out["data_quality"] = dq.copy()
    summ = data.get("ingest_summary")
    if summ is not None and len(summ):
        out["data_quality_summary"] = summ.copy()
    out[PARAMETERS_TABLE] = parameters_table(
        rp, is_sample, prev_as_of, baseline=baseline, baseline_on=baseline_on
    )
    # Last: the summary's findings and decisions are selected from the tables above.
    out["findings"] = findings(out, min_n=MIN_GROUP_N)
    return out


__all__ = [
    "MIN_GROUP_N",
    "PARAMETERS_TABLE",
    "compute_tables",
    "metric_params",
    "parameters_table",
    "previous_as_of",
    "resolve_as_of",
    "scorecards",
    "summary_facts",
]
