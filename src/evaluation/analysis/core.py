"""Evaluation metrics: pure functions from the processed tables to report tables.

Every public function takes the processed tables (``agreements``, ``scope_items``,
``activities``; see :mod:`evaluation.ingest.schema`) and a :class:`Params`, and returns NEW
DataFrames; inputs are never modified. The tables may be the raw processed tables or the
output of :func:`window`: every function re-applies :func:`window` (it is idempotent).

Methodology (README "Methodology"; the parameters are the fields of :class:`Params`)
-------------------------------------------------------------------------
* **Window.** Only agreements signed in ``[since, as_of]`` count (both ends included). Only
  activities dated on or before ``as_of`` count; activities without a date (``NaT``) never
  count (ingestion quarantines them anyway), nor do activities of agreements outside the
  window. ``category`` (optional) restricts everything to one partner category. Rows without
  an agreement id or signing date are dropped, duplicate agreement ids keep their first row,
  duplicate (agreement, scope) items are counted once. A missing end date means the
  agreement has no end ("Tidak terbatas"): ingestion already gave every other agreement one.
* **Active** agreement: ``ends_on >= as_of``, or no end date (open-ended).
* **Scope item** = one agreement x one scope (a row of ``scope_items``). Its **status** at
  ``as_of`` is the highest-ranked status (vocabulary ``rank``) among its counted activities:
  *Terlaksana* if any is Terlaksana, else *Dalam Proses* if any is Dalam Proses, else *Belum
  Dilaksanakan* (also when it has no activity). A status outside the vocabulary counts as an
  activity but never as realised. Activities whose (agreement, scope) is not a scope item are
  ignored for scope status but still count for the agreement (follow-up, last activity).
* **Scope implementation rate** of a group = scope items Terlaksana / scope items.
* **Follow-up rate** of a group = agreements with at least one counted Terlaksana activity
  (under any scope) / agreements. Agreements without scope items count in the denominator.
  Grouped by scope, "agreements" are those carrying the scope and "followed up" those with a
  Terlaksana activity under that scope.
* Rates are fractions ``0..1`` shown with their ``n`` and a Wilson 95% score interval
  (:func:`evaluation.analysis.stats.wilson`); a rate with ``n = 0`` is ``nan``.
* **Needs monitoring and assistance** (:func:`needs_assistance`): only active agreements; month
  arithmetic is calendar months (``pd.DateOffset``) counted back from ``as_of``:

  - ``no_realisation``: no Terlaksana activity and signed strictly before
    ``as_of - grace_months`` (signed exactly ``grace_months`` before does not fire);
  - ``stale``: no activity of any status dated in ``(as_of - stale_months, as_of]`` and signed on
    or before ``as_of - stale_months`` (agreements signed less than ``stale_months`` ago are not
    stale; an activity dated exactly on ``as_of - stale_months`` is outside the period);
  - ``expiring_low``: ends on or before ``as_of + expiry_months`` and scope rate < ``low_rate``
    (an agreement without scope items counts as rate 0).

  Each flagged agreement gets a **tier** from its most urgent reason (``TIERS`` in
  :mod:`evaluation.analysis.triage`): 1 ``expiring_low`` (decide renewal or closure now),
  2 ``no_realisation`` (assist), 3 ``stale`` only (watch); overlapping reasons add no priority.

* **Time to first follow-up** (:func:`time_to_first_followup`): months (days / 30.4375) from
  signing to the first Terlaksana activity; agreements without one are censored at ``as_of``;
  one that ended earlier without follow-up is a competing event (Kaplan-Meier censors it at
  ``ends_on``; the Aalen-Johansen cumulative incidence counts it). See
  :mod:`evaluation.analysis.survival`.
* **Follow-up within 6 / 12 months by signing cohort**: only agreements observable that long
  (``signed_on + h months <= as_of``). See :mod:`evaluation.analysis.cohorts`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from evaluation.analysis.frames import (
    _frame_of,
    _isin,
    _mask,
    _months_between,
    _ns,
    _positions,
    _rate,
)
from evaluation.analysis.inputs import Params, Tables, _as_tables, _normalise
from evaluation.vocab.loader import Vocabulary, load_vocabulary

#: Average days per calendar month, for durations in months.
DAYS_PER_MONTH = 30.4375
SCOPE_STATUS_COLUMNS = [
    "agreement_id",
    "scope",
    "status",
    "n_activities",
    "first_done_on",
    "last_activity_on",
]
SUMMARY_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
    "active",
    "followed_up",
    "scope_items",
    "scope_items_done",
    "scope_items_in_progress",
    "scope_rate",
    "first_done_on",
    "last_activity_on",
    "months_since_signing",
    # extras
    "document_type",
    "n_activities",
    "last_done_on",
    "ends_on_basis",
]
_AGREEMENT_FIELDS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
]


# ------------------------------------------------------------------------------ core
class _Core(NamedTuple):
    tables: Tables
    activities: pd.DataFrame  # counted activities with _rank, _done, _done_date
    items: pd.DataFrame  # scope items with status + agreement attributes + year
    summary: pd.DataFrame  # one row per agreement (SUMMARY_COLUMNS + year)
    vocab: Vocabulary
    #: Results derived from this core, kept by :func:`_memo` (never shared between cores).
    cache: dict
    #: No agreement id occurs twice in the tables the core was computed from, so the core
    #: of one category is this core's rows of that category (:func:`restrict`).
    unique_ids: bool
    #: The core of every category this one was cut from (:func:`restrict`), else None.
    whole: _Core | None = None


def window(
    agreements: pd.DataFrame,
    scope_items: pd.DataFrame,
    activities: pd.DataFrame,
    params: Params,
) -> Tables:
    """Restrict the processed tables to the evaluation window (and category).

    Agreements signed in ``[since, as_of]`` (and of ``params.category`` if set); their scope
    items; their activities dated on or before ``as_of`` (undated activities dropped). A missing
    end date (an open-ended agreement) stays missing. Idempotent.

    Parameters
    ----------
    agreements, scope_items, activities
        Processed tables (:mod:`evaluation.ingest.schema`); extra columns are kept.
    params
        Evaluation parameters.

    Returns
    -------
    Tables
        New frames (index 0..n-1).

    Raises
    ------
    ParameterError
        If ``params`` is invalid.
    InputError
        If a table is not a DataFrame or lacks a key column.
    """
    params.validate()
    as_of, since = params.as_of_ts, params.since_ts
    ag = _normalise(agreements, "agreements")
    keep = ag["agreement_id"].notna() & ag["signed_on"].notna()
    keep &= (ag["signed_on"] >= since) & (ag["signed_on"] <= as_of)
    if params.category:
        keep &= _mask(ag["partner_category"] == params.category)
    ag = ag[_mask(keep)].drop_duplicates("agreement_id", keep="first")
    ag["ends_on"] = _ns(ag["ends_on"])  # NaT: open-ended (ingestion applies the default term)
    ids = ag["agreement_id"]

    si = _normalise(scope_items, "scope_items")
    si = si[_isin(si["agreement_id"], ids) & _mask(si["scope"].notna())]
    si = si.drop_duplicates(["agreement_id", "scope"], keep="first")

    ac = _normalise(activities, "activities")
    ac = ac[_isin(ac["agreement_id"], ids) & _mask(ac["activity_date"] <= as_of)]
    return Tables(ag.reset_index(drop=True), si.reset_index(drop=True), ac.reset_index(drop=True))


class Prepared(NamedTuple):
    """The tables evaluated once for one set of parameters (see :func:`prepare`)."""

    core: _Core
    params: Params


def prepare(tables: Any, params: Params) -> Prepared:
    """Evaluate the tables once; pass the result instead of the tables to any metric.

    Every metric otherwise re-applies the window and recomputes scope-item statuses; a report
    that asks for fifteen tables does that work once this way. The result is only valid with
    the same ``params``.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return Prepared(_core(tables, params), params)


def _core(tables: Any, params: Params) -> _Core:
    if isinstance(tables, Prepared):
        if tables.params != params:
            raise ValueError(
                "these tables were prepared for other parameters; call prepare() again"
            )
        return tables.core
    raw = _as_tables(tables)
    t = window(*raw, params)
    unique_ids = not _has_duplicate_ids(raw.agreements)
    vocab = load_vocabulary()
    rank = vocab.status_rank
    done_rank = rank[vocab.done_status]
    prog_rank = rank[vocab.in_progress_status]
    low_rank = rank[vocab.not_started_status]
    rank_to_label = {}
    for label, r in sorted(rank.items(), key=lambda kv: kv[1]):
        rank_to_label.setdefault(r, label)
    as_of = params.as_of_ts

    ac = t.activities.copy()
    r = ac["status"].astype("object").map(rank)
    ac["_rank"] = pd.to_numeric(r).fillna(low_rank).astype("int64")
    ac["_done"] = ac["_rank"] >= done_rank
    ac["_done_date"] = _ns(ac["activity_date"].where(ac["_done"]))

    # Every key looked up below is unique where it is looked up (scope items, groups,
    # agreements): a look-up by position is the left merge on it, without a merge's cost.
    keys = ["agreement_id", "scope"]
    si = t.scope_items[keys]
    item_acts = ac[_positions(si, ac[keys]) >= 0]
    g = item_acts.groupby(keys, sort=False)
    agg = _frame_of(
        _rank=g["_rank"].max(),
        n_activities=g.size(),
        first_done_on=g["_done_date"].min(),
        last_activity_on=g["activity_date"].max(),
    )
    at = _positions(agg, si)
    items = pd.DataFrame(
        {
            "agreement_id": si["agreement_id"],
            "scope": si["scope"],
            "_rank": _at(agg["_rank"], at, low_rank).astype("int64"),
            "n_activities": _at(agg["n_activities"], at, 0).astype("int64"),
            "first_done_on": _ns(pd.Series(_at(agg["first_done_on"], at, NAT), index=si.index)),
            "last_activity_on": _ns(
                pd.Series(_at(agg["last_activity_on"], at, NAT), index=si.index)
            ),
        }
    )
    items["status"] = items["_rank"].map(rank_to_label).astype("string")
    items["_is_done"] = items["_rank"] >= done_rank
    items["_is_prog"] = items["_rank"] == prog_rank

    g = ac.groupby("agreement_id", sort=False)
    per_ag = _frame_of(
        followed_up=g["_done"].any(),
        first_done_on=g["_done_date"].min(),
        last_done_on=g["_done_date"].max(),
        last_activity_on=g["activity_date"].max(),
        n_activities=g.size(),
    )
    g = items.groupby("agreement_id", sort=False)
    per_item = _frame_of(
        scope_items=g.size(),
        scope_items_done=g["_is_done"].sum(),
        scope_items_in_progress=g["_is_prog"].sum(),
    )
    s = t.agreements[[*_AGREEMENT_FIELDS, "document_type", "ends_on_basis"]].copy()
    ids = s[["agreement_id"]]
    at = _positions(per_item, ids)
    for c in ("scope_items", "scope_items_done", "scope_items_in_progress"):
        s[c] = _at(per_item[c], at, 0).astype("int64")
    at = _positions(per_ag, ids)
    s["followed_up"] = _at(per_ag["followed_up"], at, False).astype(bool)
    for c in ("first_done_on", "last_done_on", "last_activity_on"):
        s[c] = _at(per_ag[c], at, NAT)
    s["n_activities"] = _at(per_ag["n_activities"], at, 0).astype("int64")
    for c in ("first_done_on", "last_done_on", "last_activity_on", "signed_on", "ends_on"):
        s[c] = _ns(s[c])
    s["active"] = ((s["ends_on"] >= as_of) | s["ends_on"].isna()).astype(bool)
    s["scope_rate"] = _rate(s["scope_items_done"], s["scope_items"])
    s["months_since_signing"] = _months_between(s["signed_on"], as_of)
    s["year"] = s["signed_on"].dt.year.astype("int64")
    s = s[[*SUMMARY_COLUMNS, "year"]].sort_values(["signed_on", "agreement_id"], kind="stable")
    s = s.reset_index(drop=True)

    at = _positions(s, items[["agreement_id"]])  # every item's agreement is in s
    for c in ("partner_category", "province", "unit", "document_type", "year"):
        items[c] = s[c].array.take(at)
    scope_pos = {label: i for i, label in enumerate(vocab.scopes.labels)}
    items["_spos"] = items["scope"].astype("object").map(scope_pos).fillna(len(scope_pos))
    items = items.sort_values(["agreement_id", "_spos", "scope"], kind="stable").drop(
        columns="_spos"
    )
    return _Core(t, ac, items.reset_index(drop=True), s, vocab, {}, unique_ids)


#: Missing date of a look-up (:func:`_at`) that found no row.
NAT = np.datetime64("NaT", "ns")


def _at(values: pd.Series, at: np.ndarray, fill: Any) -> np.ndarray:
    """``values`` at the positions ``at`` (:func:`~evaluation.analysis.frames._positions`),
    ``fill`` where ``at`` is -1: the column a left merge brings, its missing rows filled."""
    arr = values.to_numpy()
    if not len(arr):
        return np.full(len(at), fill, dtype=arr.dtype)
    out = arr[np.maximum(at, 0)]
    out[at < 0] = fill
    return out


def _has_duplicate_ids(agreements: pd.DataFrame) -> bool:
    ids = agreements["agreement_id"] if "agreement_id" in agreements.columns else None
    return ids is not None and bool(ids.dropna().astype("object").duplicated().any())


def _memo(core: _Core, key: tuple, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A copy of ``compute()``, computed once per ``core`` and ``key``.

    The key must name everything the result depends on besides the core (the function, its
    parameters, its grouping).
    """
    hit = core.cache.get(key)
    if hit is None:
        hit = core.cache[key] = compute()
    return hit.copy()


def _memo_rows(
    core: _Core,
    name: str,
    params: Params,
    compute: Callable[[_Core, Params], pd.DataFrame],
    rank: str | None = None,
) -> pd.DataFrame:
    """:func:`_memo` of ``compute(core, params)``, a table of agreements: one row per
    agreement, computed from that agreement's rows alone and sorted on a key that ends with
    ``agreement_id``, numbered 1..n in column ``rank`` (if given) in that order.

    For a core cut from a whole one by :func:`restrict`, the whole core's table cut to this
    core's agreements (``rank`` numbered again): the rows of a category come out in the
    same order with the same values, as :func:`restrict` argues for the core itself, without
    computing the table again for each category.
    """
    whole = core.whole
    if whole is None:
        return _memo(core, (name, params), lambda: compute(core, params))

    def cut() -> pd.DataFrame:
        full = _memo_rows(whole, name, replace(params, category=None), compute, rank)
        out = full[_isin(full["agreement_id"], core.summary["agreement_id"])]
        out = out.reset_index(drop=True)
        if rank is not None:
            out[rank] = np.arange(1, len(out) + 1, dtype="int64")
        return out

    return _memo(core, (name, params), cut)


def restrict(prepared: Prepared, category: str, tables: Any) -> Prepared:
    """``prepared`` (``tables`` prepared for all partner categories) restricted to one
    ``category``.

    The result is the same, frame for frame, as :func:`prepare` of the same tables with
    ``replace(params, category=category)``: every step of :func:`_core` is either a filter on
    agreement ids, a computation within one agreement, or a sort on a key that is unique per
    row, so the rows of one category come out in the same order with the same values. That
    holds when the agreement ids are unique (otherwise the window keeps the first row of an
    id *within the category*); with duplicate ids ``tables`` are prepared from scratch.
    Saves the window and the aggregation once per category of a report.

    Raises
    ------
    ValueError
        If ``prepared`` is itself restricted to a category.
    ParameterError
        If ``category`` is not a partner category of the vocabulary.
    """
    base, params = prepared
    if params.category is not None:
        raise ValueError("prepared tables are already restricted to a category")
    cat_params = replace(params, category=category).validate()
    if not base.unique_ids:
        return prepare(tables, cat_params)
    ag = base.tables.agreements
    keep = _mask(ag["partner_category"] == cat_params.category)
    ids = ag.loc[keep, "agreement_id"]

    def rows(df: pd.DataFrame) -> pd.DataFrame:
        return df[_isin(df["agreement_id"], ids)].reset_index(drop=True)

    t = Tables(
        ag[keep].reset_index(drop=True),
        rows(base.tables.scope_items),
        rows(base.tables.activities),
    )
    core = _Core(
        t,
        rows(base.activities),
        rows(base.items),
        rows(base.summary),
        base.vocab,
        {},
        True,
        base,
    )
    return Prepared(core, cat_params)


# ------------------------------------------------------------------------------ public API
def scope_item_status(tables: Any, params: Params) -> pd.DataFrame:
    """Status of every scope item at ``as_of``.

    Parameters
    ----------
    tables
        :class:`Tables` (raw or windowed), a 3-tuple or a dict of the three tables.
    params
        Evaluation parameters.

    Returns
    -------
    pandas.DataFrame
        One row per scope item of an agreement in the window, sorted by agreement id then
        vocabulary scope order: ``agreement_id``, ``scope``, ``status`` (highest-ranked status of
        its counted activities; Belum Dilaksanakan without activity), ``n_activities``
        (counted activities), ``first_done_on`` (first Terlaksana activity date or NaT),
        ``last_activity_on`` (latest counted activity of any status or NaT).

    Raises
    ------
    ParameterError
        If ``params`` is invalid.
    InputError
        If a table lacks a key column.
    """
    return _core(tables, params).items[SCOPE_STATUS_COLUMNS].copy()


def agreement_summary(tables: Any, params: Params) -> pd.DataFrame:
    """One row per agreement in the window, with its follow-up and scope implementation.

    Parameters
    ----------
    tables
        The three tables (see :func:`scope_item_status`).
    params
        Evaluation parameters.

    Returns
    -------
    pandas.DataFrame
        Sorted by signing date then id. Columns: ``agreement_id``, ``partner_name``,
        ``partner_category``, ``province``, ``unit``, ``signed_on``, ``ends_on``, ``active``
        (``ends_on >= as_of`` or no end date), ``followed_up`` (any counted Terlaksana activity, any scope),
        ``scope_items``, ``scope_items_done``, ``scope_items_in_progress``, ``scope_rate``
        (done / items, nan without scope items), ``first_done_on``, ``last_activity_on``,
        ``months_since_signing`` (whole calendar months to ``as_of``), and the extras
        ``document_type``, ``n_activities`` (counted activities), ``last_done_on`` and
        ``ends_on_basis`` (how the end date was obtained, as in the ``agreements`` table;
        missing when the table has no such column).

    Raises
    ------
    ParameterError
        If ``params`` is invalid.
    InputError
        If a table lacks a key column.
    """
    return _core(tables, params).summary[SUMMARY_COLUMNS].copy()
