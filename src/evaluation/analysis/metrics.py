"""The analysis API in one namespace: ``from evaluation.analysis import metrics as m``.

The methodology is stated in :mod:`evaluation.analysis.core`; each concern lives in its own
module (listed below, in the order of the flow) and is re-exported here unchanged.

* :mod:`~evaluation.analysis.inputs`: :class:`Params`, :class:`Tables`
* :mod:`~evaluation.analysis.core`: :func:`window`, :func:`prepare`, scope-item status,
  agreement summary
* :mod:`~evaluation.analysis.rates`: rates, status shares, headline counts
* :mod:`~evaluation.analysis.clustered`: cluster-aware scope-rate intervals (effective n)
* :mod:`~evaluation.analysis.funnel`: funnel tables per province and unit
* :mod:`~evaluation.analysis.triage`: needs assistance (reason codes), ending soon, ended
* :mod:`~evaluation.analysis.cohorts`: follow-up within 6 / 12 months by signing cohort
* :mod:`~evaluation.analysis.survival`: time to first follow-up (Kaplan-Meier, with the
  Greenwood and Aalen-Johansen estimators of :mod:`~evaluation.analysis.survival_stats`)
* :mod:`~evaluation.analysis.outcomes`: local-government outcome indicators
* :mod:`~evaluation.analysis.summary`: executive-summary facts
* :mod:`~evaluation.analysis.changes`: comparison with a previous evaluation
* :mod:`~evaluation.analysis.tables`: every table of record of one report

Totals are rows flagged ``is_total`` (their label is missing); reasons are codes. Words are
chosen by the presentation layer in the report's language.
"""

from evaluation.analysis.changes import compare_snapshots
from evaluation.analysis.clustered import CLUSTER_COLUMNS, MIN_GROUP_N
from evaluation.analysis.cohorts import COHORT_COLUMNS, cohort_followup, with_cohort_age
from evaluation.analysis.core import (
    DAYS_PER_MONTH,
    SCOPE_STATUS_COLUMNS,
    SUMMARY_COLUMNS,
    Prepared,
    agreement_summary,
    prepare,
    scope_item_status,
    window,
)
from evaluation.analysis.funnel import (
    FUNNEL_COLUMNS,
    FUNNEL_LIMIT_COLUMNS,
    POSITIONS,
    funnel_limits,
    funnel_table,
)
from evaluation.analysis.inputs import Params, Tables
from evaluation.analysis.outcomes import (
    LOCAL_GOVERNMENT,
    OUTCOME_COLUMNS,
    OUTCOME_LTSA,
    OUTCOME_PARTNER_COLUMNS,
    OUTCOME_PERDA,
    OUTCOME_SATGAS,
    OUTCOME_TRAINING_BUDGET,
    outcome_indicators,
)
from evaluation.analysis.rates import (
    HEADLINE_COLUMNS,
    RATE_COLUMNS,
    headline_counts,
    overall_rates,
    rates,
    rates_by_category,
    rates_by_category_scope,
    rates_by_scope,
    rates_by_signing_year,
    status_shares,
)
from evaluation.analysis.summary import executive_summary_facts
from evaluation.analysis.survival import (
    AFTER_COLUMNS,
    AT_RISK_COLUMNS,
    KM_CURVE_COLUMNS,
    KM_SUMMARY_COLUMNS,
    MIN_CURVE_N,
    FollowupTiming,
    time_to_first_followup,
)
from evaluation.analysis.triage import (
    ASSISTANCE_COLUMNS,
    ENDED_COLUMNS,
    ENDING_SOON_COLUMNS,
    REASONS,
    TIERS,
    UNIT_COLUMNS,
    assistance_by_unit,
    ended_without_followup,
    ending_soon,
    needs_assistance,
)

__all__ = [
    "AFTER_COLUMNS",
    "AT_RISK_COLUMNS",
    "COHORT_COLUMNS",
    "MIN_CURVE_N",
    "cohort_followup",
    "with_cohort_age",
    "ASSISTANCE_COLUMNS",
    "CLUSTER_COLUMNS",
    "FUNNEL_COLUMNS",
    "FUNNEL_LIMIT_COLUMNS",
    "MIN_GROUP_N",
    "POSITIONS",
    "DAYS_PER_MONTH",
    "ENDED_COLUMNS",
    "ENDING_SOON_COLUMNS",
    "HEADLINE_COLUMNS",
    "KM_CURVE_COLUMNS",
    "KM_SUMMARY_COLUMNS",
    "LOCAL_GOVERNMENT",
    "OUTCOME_COLUMNS",
    "OUTCOME_LTSA",
    "OUTCOME_PARTNER_COLUMNS",
    "OUTCOME_PERDA",
    "OUTCOME_SATGAS",
    "OUTCOME_TRAINING_BUDGET",
    "RATE_COLUMNS",
    "REASONS",
    "SCOPE_STATUS_COLUMNS",
    "SUMMARY_COLUMNS",
    "TIERS",
    "UNIT_COLUMNS",
    "FollowupTiming",
    "Params",
    "Prepared",
    "Tables",
    "agreement_summary",
    "assistance_by_unit",
    "compare_snapshots",
    "ended_without_followup",
    "ending_soon",
    "executive_summary_facts",
    "funnel_limits",
    "funnel_table",
    "headline_counts",
    "needs_assistance",
    "outcome_indicators",
    "overall_rates",
    "prepare",
    "rates",
    "rates_by_category",
    "rates_by_category_scope",
    "rates_by_scope",
    "rates_by_signing_year",
    "scope_item_status",
    "status_shares",
    "time_to_first_followup",
    "window",
]
