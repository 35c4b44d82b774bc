"""Evaluation metrics: pure functions from the processed tables to report tables.

Every public function takes the processed tables (``agreements``, ``scope_items``,
``activities``; see :mod:`evaluation.ingest.schema`) and a :class:`Params`, and returns NEW
DataFrames; inputs are never modified. The tables may be the raw processed tables or the
output of :func:`window`: every function re-applies :func:`window` (it is idempotent).

Methodology (DOMAIN.md; the parameters are the fields of :class:`Params`)
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

* **Time to first follow-up** (:func:`time_to_first_followup`): months (days / 30.4375) from
  signing to the first Terlaksana activity; agreements without one are censored at ``as_of``, or
  at ``ends_on`` if they ended earlier. Kaplan-Meier estimate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from evaluation import config
from evaluation.analysis.stats import Z95, kaplan_meier, km_median, km_survival_at, wilson_interval
from evaluation.errors import InputError, ParameterError
from evaluation.ingest.schema import dtype_for
from evaluation.vocab.loader import Vocabulary, load_vocabulary, match_key

#: Label of total rows ("all").
TOTAL_LABEL = "Semua"
#: Average days per calendar month, for durations in months.
DAYS_PER_MONTH = 30.4375
#: Partner category whose outcome indicators are reported (canonical vocabulary label).
LOCAL_GOVERNMENT = "Pemerintah Daerah"
#: Outcome types (canonical vocabulary labels) used by :func:`outcome_indicators`.
OUTCOME_PERDA = "Perda"
OUTCOME_TRAINING_BUDGET = "Anggaran Diklat"
OUTCOME_LTSA = "LTSA"
OUTCOME_SATGAS = "Satgas"

#: Assistance reason codes, in the order they are listed.
REASONS = ("no_realisation", "stale", "expiring_low")

#: Columns of :func:`rates` after the grouping columns: the DOMAIN.md report columns, then the
#: follow-up rate interval.
RATE_COLUMNS = [
    "agreements",
    "agreements_followed_up",
    "followup_rate",
    "scope_items",
    "scope_items_done",
    "scope_items_in_progress",
    "scope_rate",
    "scope_rate_low",
    "scope_rate_high",
    "followup_rate_low",
    "followup_rate_high",
]
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
]
ASSISTANCE_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
    "scope_rate",
    "last_activity_on",
    "reasons",
    "reason_text_id",
    "reason_text_en",
    "suggested_action_id",
    "suggested_action_en",
    "priority",
    # extras
    "n_reasons",
    "months_since_signing",
    "months_without_realisation",
    "followed_up",
    "scope_items",
    "scope_items_done",
]
ENDING_SOON_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
    "days_left",
    "scope_items",
    "scope_items_done",
    "scope_rate",
    "followed_up",
]
ENDED_COLUMNS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
    "scope_items",
    "last_activity_on",
]
KM_SUMMARY_COLUMNS = [
    "group",
    "n",
    "events",
    "censored",
    "median_months",
    "share_followed_within_12m",
    "share_followed_within_24m",
]
KM_CURVE_COLUMNS = ["group", "months", "share_followed_up"]
OUTCOME_COLUMNS = [
    "province",
    "partners",
    "partners_with_perda",
    "training_budget",
    "ltsa",
    "satgas",
]
OUTCOME_PARTNER_COLUMNS = [
    "partner_name",
    "province",
    "agreements",
    "has_perda",
    "training_budget",
    "has_ltsa",
    "has_satgas",
]
HEADLINE_COLUMNS = ["category", "agreements", "active", "ended"]

_AGREEMENT_FIELDS = [
    "agreement_id",
    "partner_name",
    "partner_category",
    "province",
    "unit",
    "signed_on",
    "ends_on",
]
_TABLE_NAMES = ("agreements", "scope_items", "activities")
_REQUIRED = {
    "agreements": ("agreement_id", "signed_on"),
    "scope_items": ("agreement_id", "scope"),
    "activities": ("agreement_id", "activity_date", "status"),
}
_USED = {
    "agreements": (
        "agreement_id",
        "document_type",
        "partner_name",
        "partner_category",
        "province",
        "signed_on",
        "ends_on",
        "unit",
    ),
    "scope_items": ("agreement_id", "scope"),
    "activities": ("agreement_id", "scope", "activity_date", "status", "outcome_type", "value"),
}
#: Accepted names for grouping columns -> internal column.
_BY_ALIASES = {
    "category": "partner_category",
    "partner_category": "partner_category",
    "scope": "scope",
    "province": "province",
    "unit": "unit",
    "year": "year",
    "signing_year": "year",
    "document_type": "document_type",
}
_OUT_NAME = {"partner_category": "category"}

_MONTHS_ID = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()
_MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()


# ------------------------------------------------------------------------------ parameters
def _to_date(value: Any, name: str) -> date:
    if isinstance(value, datetime):  # includes pandas.Timestamp
        if pd.isna(value):
            raise ParameterError(f"Parameter '{name}' is missing.", name=name)
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ParameterError(
                f"Parameter '{name}' must be a date written YYYY-MM-DD, got '{value}'.", name=name
            ) from None
    raise ParameterError(f"Parameter '{name}' must be a date, got {value!r}.", name=name)


@dataclass(frozen=True)
class Params:
    """Parameters of one evaluation.

    Parameters
    ----------
    as_of
        Evaluation date (the meeting date). ``date``, ``datetime``/``Timestamp`` or an ISO
        string (``"2024-03-14"``); stored as a ``date``.
    since
        Only agreements signed on or after this date count.
    grace_months, stale_months, expiry_months, low_rate
        Thresholds of the assistance rules (see the module docstring).
    category
        Restrict everything to one partner category (canonical label or alias); ``None`` = all.

    Raises
    ------
    ParameterError
        From construction when a date cannot be read; from :meth:`validate` otherwise.
    """

    as_of: date
    since: date = config.DEFAULT_SINCE
    grace_months: int = config.GRACE_MONTHS
    stale_months: int = config.STALE_MONTHS
    expiry_months: int = config.EXPIRY_MONTHS
    low_rate: float = config.LOW_RATE
    category: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", _to_date(self.as_of, "as_of"))
        object.__setattr__(self, "since", _to_date(self.since, "since"))
        if self.category is not None:
            canonical = load_vocabulary().partner_categories.canonical(self.category)
            if canonical is not None:
                object.__setattr__(self, "category", canonical)

    def validate(self) -> Params:
        """Check the parameters and return ``self``.

        Returns
        -------
        Params
            ``self``, so that ``Params(...).validate()`` can be chained.

        Raises
        ------
        ParameterError
            If ``as_of`` is before ``since``, a month count is not a whole number >= 0
            (``stale_months`` >= 1), ``low_rate`` is not in ``[0, 1]``, or ``category`` is not
            a partner category of the vocabulary.
        """
        if self.as_of < self.since:
            raise ParameterError(
                f"The evaluation date as_of ({self.as_of}) is before since ({self.since}).",
                name="as_of",
            )
        for name, minimum in (("grace_months", 0), ("stale_months", 1), ("expiry_months", 0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
                raise ParameterError(
                    f"Parameter '{name}' must be a whole number of months >= {minimum}, got {v!r}.",
                    name=name,
                )
        lr = self.low_rate
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 <= lr <= 1:
            raise ParameterError(
                f"Parameter 'low_rate' must be a fraction between 0 and 1, got {lr!r}.",
                name="low_rate",
            )
        if self.category is not None:
            labels = load_vocabulary().partner_categories.labels
            if self.category not in labels:
                raise ParameterError(
                    f"Unknown partner category '{self.category}'.", name="category", valid=labels
                )
        return self

    @property
    def as_of_ts(self) -> pd.Timestamp:
        """``as_of`` as a ``Timestamp`` (midnight)."""
        return pd.Timestamp(self.as_of)

    @property
    def since_ts(self) -> pd.Timestamp:
        """``since`` as a ``Timestamp`` (midnight)."""
        return pd.Timestamp(self.since)


class Tables(NamedTuple):
    """The three processed tables (after :func:`window`: restricted to the evaluation)."""

    agreements: pd.DataFrame
    scope_items: pd.DataFrame
    activities: pd.DataFrame


class FollowupTiming(NamedTuple):
    """Result of :func:`time_to_first_followup`."""

    summary: pd.DataFrame
    curve: pd.DataFrame


# ------------------------------------------------------------------------------ helpers
def _as_tables(tables: Any) -> Tables:
    """Accept a :class:`Tables`, a 3-sequence or a mapping with the three table names."""
    if isinstance(tables, Tables):
        return tables
    if isinstance(tables, Mapping):
        missing = [n for n in _TABLE_NAMES if n not in tables]
        if missing:
            raise InputError(f"Missing table(s): {', '.join(missing)}.")
        return Tables(*(tables[n] for n in _TABLE_NAMES))
    if isinstance(tables, Sequence) and len(tables) == 3:
        return Tables(*tables)
    raise InputError(
        "Expected the three tables agreements, scope_items and activities "
        f"(a Tables, a tuple or a dict), got {type(tables).__name__}."
    )


def _normalise(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Copy of ``df`` whose used columns exist and have the schema dtypes."""
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"Table '{name}' must be a DataFrame, got {type(df).__name__}.")
    missing = [c for c in _REQUIRED[name] if c not in df.columns]
    if missing:
        raise InputError(f"Table '{name}' lacks column(s): {', '.join(missing)}.")
    out = df.copy()
    for c in _USED[name]:
        dt = dtype_for(c)
        if c not in out.columns:
            fill = pd.NaT if dt.startswith("datetime") else (np.nan if dt == "float64" else pd.NA)
            out[c] = pd.Series(fill, index=out.index, dtype=dt)
        elif dt.startswith("datetime"):
            if out[c].dtype != dt:
                out[c] = pd.to_datetime(out[c], errors="coerce").astype(dt)
        elif dt == "float64":
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        else:
            out[c] = out[c].astype("string")  # pd.NA semantics, as in the schema
    return out


def _mask(s: pd.Series) -> pd.Series:
    """Nullable boolean -> plain bool (missing = False)."""
    return s.fillna(False).astype(bool)


def _isin(s: pd.Series, values: pd.Series) -> pd.Series:
    """Fast ``s.isin(values)`` for id columns (plain bool; missing = False)."""
    index = pd.Index(pd.unique(values.dropna().to_numpy(dtype=object)))
    return pd.Series(index.get_indexer(s.to_numpy(dtype=object)) >= 0, index=s.index)


def _ns(s: pd.Series) -> pd.Series:
    return s.astype("datetime64[ns]")


def _months_between(start: pd.Series, end: pd.Timestamp) -> pd.Series:
    """Whole calendar months from each ``start`` to ``end`` (``start + n months <= end``)."""
    ym = (end.year - start.dt.year.astype("int64")) * 12 + (
        end.month - start.dt.month.astype("int64")
    )
    clipped_day = np.minimum(start.dt.day.astype("int64"), end.days_in_month)
    return (ym - (clipped_day > end.day).astype("int64")).astype("int64")


def _labels_for(col: str, vocab: Vocabulary) -> list[str] | None:
    sections = {
        "partner_category": vocab.partner_categories,
        "scope": vocab.scopes,
        "province": vocab.provinces,
        "document_type": vocab.document_types,
    }
    sec = sections.get(col)
    return sec.labels if sec is not None else None


def _sort_groups(df: pd.DataFrame, by: list[str], vocab: Vocabulary) -> pd.DataFrame:
    """Sort ``df`` by ``by``: vocabulary order, then unknown labels A-Z, missing last."""
    if not by or df.empty:
        return df.reset_index(drop=True)
    keys = pd.DataFrame(index=df.index)
    order = []
    for i, col in enumerate(by):
        s = df[col]
        labels = _labels_for(col, vocab)
        if labels is not None:
            pos = {label: j for j, label in enumerate(labels)}
            k = s.astype("object").map(
                lambda v, pos=pos: pos.get(v, len(pos)) if pd.notna(v) else len(pos) + 1
            )
            keys[f"k{i}"] = k.astype("int64")
            keys[f"t{i}"] = s.astype("string").fillna("")
        else:
            keys[f"k{i}"] = s.isna().astype("int64")
            keys[f"t{i}"] = s if col == "year" else s.astype("string").fillna("")
        order += [f"k{i}", f"t{i}"]
    idx = keys.sort_values(order, kind="stable").index
    return df.loc[idx].reset_index(drop=True)


def _full_labels(col: str, params: Params, vocab: Vocabulary) -> list | None:
    if col == "partner_category":
        return [params.category] if params.category else vocab.partner_categories.labels
    if col == "scope":
        return vocab.scopes.labels
    if col == "year":
        return list(range(params.since.year, params.as_of.year + 1))
    return None


def _grouped(
    df: pd.DataFrame,
    by: list[str],
    aggs: dict[str, tuple[str, str]],
    params: Params,
    vocab: Vocabulary,
    keep_empty: bool,
) -> pd.DataFrame:
    """Aggregate ``df`` by ``by`` (missing keys kept), counts as int64, sorted."""
    if not by:
        row = {}
        for out, (col, func) in aggs.items():
            s = df[col]
            row[out] = len(s) if func == "size" else getattr(s, func)()
        res = pd.DataFrame([row])
    else:
        res = (
            df.groupby(by, dropna=False, sort=False)
            .agg(**{out: (col, func) for out, (col, func) in aggs.items()})
            .reset_index()
        )
        for col in by:
            res[col] = res[col].astype("int64" if col == "year" else "string")
        if keep_empty and len(by) == 1:
            col = by[0]
            labels = _full_labels(col, params, vocab)
            if labels is not None:
                full = pd.DataFrame(
                    {col: pd.Series(labels, dtype="int64" if col == "year" else "string")}
                )
                extra = res[~_mask(res[col].isin(labels))]
                res = pd.concat([full.merge(res, on=col, how="left"), extra], ignore_index=True)
    for out in aggs:
        res[out] = pd.to_numeric(res[out]).fillna(0).astype("int64")
    return _sort_groups(res, by, vocab)


def _rate(k: pd.Series, n: pd.Series) -> pd.Series:
    k = k.astype("float64")
    n = n.astype("float64")
    return (k / n.where(n > 0)).astype("float64")


def _normalise_by(by: str | Sequence[str] | None, allow_scope: bool = True) -> list[str]:
    if by is None:
        return []
    items = [by] if isinstance(by, str) else list(by)
    valid = sorted(k for k in _BY_ALIASES if allow_scope or _BY_ALIASES[k] != "scope")
    out = []
    for b in items:
        internal = _BY_ALIASES.get(b)
        if internal is None or (not allow_scope and internal == "scope"):
            raise ParameterError(f"Cannot group by '{b}'.", name="by", valid=valid)
        if internal in out:
            raise ParameterError(f"Grouping column '{b}' is given twice.", name="by")
        out.append(internal)
    return out


def _fmt_date(ts: Any, lang: str) -> str:
    if ts is None or pd.isna(ts):
        return ""
    names = _MONTHS_EN if lang == "en" else _MONTHS_ID
    return f"{ts.day} {names[ts.month - 1]} {ts.year}"


# ------------------------------------------------------------------------------ core
class _Core(NamedTuple):
    tables: Tables
    activities: pd.DataFrame  # counted activities with _rank, _done, _done_date
    items: pd.DataFrame  # scope items with status + agreement attributes + year
    summary: pd.DataFrame  # one row per agreement (SUMMARY_COLUMNS + year)
    vocab: Vocabulary


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
    t = window(*_as_tables(tables), params)
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

    keys = ["agreement_id", "scope"]
    item_acts = ac.merge(t.scope_items[keys], on=keys, how="inner")
    agg = (
        item_acts.groupby(keys, sort=False)
        .agg(
            _rank=("_rank", "max"),
            n_activities=("_rank", "size"),
            first_done_on=("_done_date", "min"),
            last_activity_on=("activity_date", "max"),
        )
        .reset_index()
    )
    items = t.scope_items[keys].merge(agg, on=keys, how="left")
    items["_rank"] = pd.to_numeric(items["_rank"]).fillna(low_rank).astype("int64")
    items["n_activities"] = pd.to_numeric(items["n_activities"]).fillna(0).astype("int64")
    for c in ("first_done_on", "last_activity_on"):
        items[c] = _ns(items[c])
    items["status"] = items["_rank"].map(rank_to_label).astype("string")
    items["_is_done"] = items["_rank"] >= done_rank
    items["_is_prog"] = items["_rank"] == prog_rank

    per_ag = (
        ac.groupby("agreement_id", sort=False)
        .agg(
            followed_up=("_done", "any"),
            first_done_on=("_done_date", "min"),
            last_done_on=("_done_date", "max"),
            last_activity_on=("activity_date", "max"),
            n_activities=("_rank", "size"),
        )
        .reset_index()
    )
    per_item = (
        items.groupby("agreement_id", sort=False)
        .agg(
            scope_items=("scope", "size"),
            scope_items_done=("_is_done", "sum"),
            scope_items_in_progress=("_is_prog", "sum"),
        )
        .reset_index()
    )
    s = t.agreements[[*_AGREEMENT_FIELDS, "document_type"]].copy()
    s = s.merge(per_item, on="agreement_id", how="left").merge(
        per_ag, on="agreement_id", how="left"
    )
    for c in ("scope_items", "scope_items_done", "scope_items_in_progress", "n_activities"):
        s[c] = pd.to_numeric(s[c]).fillna(0).astype("int64")
    s["followed_up"] = s["followed_up"].astype("object").fillna(False).astype(bool)
    for c in ("first_done_on", "last_done_on", "last_activity_on", "signed_on", "ends_on"):
        s[c] = _ns(s[c])
    s["active"] = ((s["ends_on"] >= as_of) | s["ends_on"].isna()).astype(bool)
    s["scope_rate"] = _rate(s["scope_items_done"], s["scope_items"])
    s["months_since_signing"] = _months_between(s["signed_on"], as_of)
    s["year"] = s["signed_on"].dt.year.astype("int64")
    s = s[[*SUMMARY_COLUMNS, "year"]].sort_values(["signed_on", "agreement_id"], kind="stable")
    s = s.reset_index(drop=True)

    attrs = s[["agreement_id", "partner_category", "province", "unit", "document_type", "year"]]
    items = items.merge(attrs, on="agreement_id", how="left")
    scope_pos = {label: i for i, label in enumerate(vocab.scopes.labels)}
    items["_spos"] = items["scope"].astype("object").map(scope_pos).fillna(len(scope_pos))
    items = items.sort_values(["agreement_id", "_spos", "scope"], kind="stable").drop(
        columns="_spos"
    )
    return _Core(t, ac, items.reset_index(drop=True), s, vocab)


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
        ``document_type``, ``n_activities`` (counted activities) and ``last_done_on``.

    Raises
    ------
    ParameterError
        If ``params`` is invalid.
    InputError
        If a table lacks a key column.
    """
    return _core(tables, params).summary[SUMMARY_COLUMNS].copy()


def _rates_from_core(
    core: _Core, params: Params, by: list[str], keep_empty: bool | None
) -> pd.DataFrame:
    if keep_empty is None:
        keep_empty = by in (["partner_category"], ["scope"], ["year"])
    if "scope" in by:
        res = _grouped(
            core.items,
            by,
            {
                "agreements": ("agreement_id", "nunique"),
                "agreements_followed_up": ("_is_done", "sum"),
                "scope_items": ("agreement_id", "size"),
                "scope_items_done": ("_is_done", "sum"),
                "scope_items_in_progress": ("_is_prog", "sum"),
            },
            params,
            core.vocab,
            keep_empty,
        )
    else:
        res = _grouped(
            core.summary,
            by,
            {
                "agreements": ("agreement_id", "size"),
                "agreements_followed_up": ("followed_up", "sum"),
                "scope_items": ("scope_items", "sum"),
                "scope_items_done": ("scope_items_done", "sum"),
                "scope_items_in_progress": ("scope_items_in_progress", "sum"),
            },
            params,
            core.vocab,
            keep_empty,
        )
    res["followup_rate"] = _rate(res["agreements_followed_up"], res["agreements"])
    res["scope_rate"] = _rate(res["scope_items_done"], res["scope_items"])
    lo, hi = wilson_interval(res["scope_items_done"], res["scope_items"], Z95)
    res["scope_rate_low"], res["scope_rate_high"] = lo, hi
    lo, hi = wilson_interval(res["agreements_followed_up"], res["agreements"], Z95)
    res["followup_rate_low"], res["followup_rate_high"] = lo, hi
    res = res[[*by, *RATE_COLUMNS]]
    return res.rename(columns=_OUT_NAME)


def rates(
    tables: Any,
    params: Params,
    by: str | Sequence[str] | None = None,
    *,
    keep_empty: bool | None = None,
) -> pd.DataFrame:
    """Follow-up and scope implementation rates per group, with Wilson 95% intervals.

    Parameters
    ----------
    tables
        The three tables (see :func:`scope_item_status`).
    params
        Evaluation parameters.
    by
        Grouping columns: any of ``category`` (alias ``partner_category``), ``scope``,
        ``province``, ``unit``, ``document_type``, ``year`` (signing year). Empty/None: one
        overall row without grouping columns.
    keep_empty
        List groups without agreements (n = 0, rates nan). Default: yes when grouping only by
        category (all vocabulary categories, or ``params.category``), only by scope (all
        vocabulary scopes) or only by year (every year from ``since`` to ``as_of``); otherwise
        only groups that occur.

    Returns
    -------
    pandas.DataFrame
        The grouping columns (``partner_category`` is named ``category``), then
        :data:`RATE_COLUMNS`: ``agreements``, ``agreements_followed_up``, ``followup_rate``,
        ``scope_items``, ``scope_items_done``, ``scope_items_in_progress``, ``scope_rate``,
        ``scope_rate_low``, ``scope_rate_high``, ``followup_rate_low``, ``followup_rate_high``.
        Rows in vocabulary order (unknown labels after, missing last). When grouping by scope,
        ``agreements`` counts agreements carrying the scope and ``agreements_followed_up``
        those with a Terlaksana activity under it.

    Raises
    ------
    ParameterError
        If ``params`` is invalid or ``by`` names an unknown or repeated column.
    InputError
        If a table lacks a key column.
    """
    by_internal = _normalise_by(by)
    return _rates_from_core(_core(tables, params), params, by_internal, keep_empty)


def rates_by_category(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by ``category`` (all vocabulary categories listed).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["category"])


def rates_by_scope(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by ``scope`` (all vocabulary scopes listed).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["scope"])


def rates_by_category_scope(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by ``category`` x ``scope`` (only combinations that occur).

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["category", "scope"])


def rates_by_signing_year(tables: Any, params: Params) -> pd.DataFrame:
    """:func:`rates` by signing ``year`` (int), every year from ``since`` to ``as_of`` listed.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return rates(tables, params, ["year"])


def overall_rates(
    tables: Any, params: Params, *, label: str = TOTAL_LABEL, label_column: str = "category"
) -> pd.DataFrame:
    """One row of overall rates, labelled so it can be appended below a grouped table.

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    label
        Value of the label column (default ``"Semua"``).
    label_column
        Name of the label column (default ``category``, to append to
        :func:`rates_by_category`).

    Returns
    -------
    pandas.DataFrame
        ``label_column`` then :data:`RATE_COLUMNS`, one row.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    res = rates(tables, params, None)
    res.insert(0, label_column, pd.Series([label], dtype="string"))
    return res


def status_shares(
    tables: Any, params: Params, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Counts and shares of the scope item statuses (long format, for charts).

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    by
        Optional grouping columns as in :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        Grouping columns (``category`` for partner category), ``status`` (every status of the
        vocabulary, in rank order Belum Dilaksanakan, Dalam Proses, Terlaksana, zeros kept),
        ``n`` (scope items with that status), ``share`` (n / scope_items, nan if 0) and
        ``scope_items`` (items of the group). Groups as in :func:`rates`.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    by_internal = _normalise_by(by)
    core = _core(tables, params)
    vocab = core.vocab
    statuses = [t.label for t in sorted(vocab.statuses.terms, key=lambda t: t.rank or 0)]
    items = core.items.copy()
    aggs: dict[str, tuple[str, str]] = {"_total": ("agreement_id", "size")}
    for i, st in enumerate(statuses):
        items[f"_s{i}"] = _mask(items["status"] == st)
        aggs[f"_n{i}"] = (f"_s{i}", "sum")
    keep_empty = by_internal in (["partner_category"], ["scope"], ["year"])
    wide = _grouped(items, by_internal, aggs, params, vocab, keep_empty)
    parts = []
    for i, st in enumerate(statuses):
        p = wide[by_internal].copy()
        p["status"] = pd.Series([st] * len(wide), dtype="string")
        p["n"] = wide[f"_n{i}"].astype("int64")
        p["share"] = _rate(wide[f"_n{i}"], wide["_total"])
        p["scope_items"] = wide["_total"].astype("int64")
        p["_row"] = np.arange(len(wide))
        p["_st"] = i
        parts.append(p)
    out = pd.concat(parts, ignore_index=True).sort_values(["_row", "_st"], kind="stable")
    out = out.drop(columns=["_row", "_st"]).reset_index(drop=True)
    return out.rename(columns=_OUT_NAME)


def _assistance_from_core(core: _Core, params: Params) -> pd.DataFrame:
    s = core.summary
    as_of = params.as_of_ts
    grace_cut = as_of - pd.DateOffset(months=params.grace_months)
    stale_cut = as_of - pd.DateOffset(months=params.stale_months)
    horizon = as_of + pd.DateOffset(months=params.expiry_months)
    rate0 = s["scope_rate"].fillna(0.0)
    flags = pd.DataFrame(
        {
            "no_realisation": s["active"] & ~s["followed_up"] & (s["signed_on"] < grace_cut),
            "stale": s["active"]
            & (s["signed_on"] <= stale_cut)
            & _mask(s["last_activity_on"].isna() | (s["last_activity_on"] <= stale_cut)),
            "expiring_low": s["active"] & (s["ends_on"] <= horizon) & (rate0 < params.low_rate),
        }
    )
    flagged = flags.any(axis=1)
    sel = s[flagged].copy()
    f = flags[flagged]
    months_done = _months_between(sel["last_done_on"].fillna(sel["signed_on"]), as_of)
    sel["months_without_realisation"] = months_done.where(
        sel["followed_up"], sel["months_since_signing"]
    ).astype("int64")

    reasons, tid, ten, aid, aen = [], [], [], [], []
    text_cols = ["months_since_signing", "last_activity_on", "ends_on", "scope_items"]
    records = sel[[*text_cols, "scope_items_done"]].to_dict("records")
    for row, flag in zip(records, f.to_dict("records"), strict=True):
        codes = [c for c in REASONS if flag[c]]
        reasons.append(codes)
        texts_id, texts_en, acts_id, acts_en = [], [], [], []
        for code in codes:
            t_id, t_en, a_id, a_en = _reason_text(code, row, params)
            texts_id.append(t_id)
            texts_en.append(t_en)
            acts_id.append(a_id)
            acts_en.append(a_en)
        tid.append("; ".join(texts_id))
        ten.append("; ".join(texts_en))
        aid.append("; ".join(acts_id))
        aen.append("; ".join(acts_en))
    sel["reasons"] = pd.Series(reasons, index=sel.index, dtype="object")
    for col, values in (
        ("reason_text_id", tid),
        ("reason_text_en", ten),
        ("suggested_action_id", aid),
        ("suggested_action_en", aen),
    ):
        sel[col] = pd.Series(values, index=sel.index, dtype="string")
    sel["n_reasons"] = pd.Series([len(r) for r in reasons], index=sel.index, dtype="int64")
    sel = sel.sort_values(
        ["n_reasons", "months_without_realisation", "ends_on", "agreement_id"],
        ascending=[False, False, True, True],
        kind="stable",
    ).reset_index(drop=True)
    sel["priority"] = np.arange(1, len(sel) + 1, dtype="int64")
    return sel[ASSISTANCE_COLUMNS]


def _reason_text(code: str, row: Mapping[str, Any], params: Params) -> tuple[str, str, str, str]:
    """Indonesian and English sentence and suggested action for one reason."""
    if code == "no_realisation":
        m = int(row["months_since_signing"])
        return (
            f"Belum ada tindak lanjut terlaksana {m} bulan sejak penandatanganan",
            f"No realised follow-up {m} months after signing",
            "Jadwalkan rapat koordinasi dengan mitra untuk menyusun rencana aksi tindak lanjut "
            "beserta penanggung jawab dan tenggat",
            "Schedule a coordination meeting with the partner to agree an action plan with "
            "owners and deadlines",
        )
    if code == "stale":
        last = row["last_activity_on"]
        if pd.isna(last):
            m = int(row["months_since_signing"])
            t_id = f"Tidak ada kegiatan tercatat dalam {m} bulan sejak penandatanganan"
            t_en = f"No activity recorded in the {m} months since signing"
        else:
            n = params.stale_months
            t_id = (
                f"Tidak ada kegiatan dalam {n} bulan terakhir "
                f"(kegiatan terakhir {_fmt_date(last, 'id')})"
            )
            t_en = f"No activity in the last {n} months (last activity {_fmt_date(last, 'en')})"
        return (
            t_id,
            t_en,
            "Hubungi unit pengampu dan mitra untuk memperbarui data kegiatan dan memastikan "
            "kerja sama masih berjalan",
            "Contact the responsible unit and the partner to update the activity records and "
            "confirm the cooperation is still running",
        )
    if code == "expiring_low":
        end_id, end_en = _fmt_date(row["ends_on"], "id"), _fmt_date(row["ends_on"], "en")
        n_items, n_done = int(row["scope_items"]), int(row["scope_items_done"])
        if n_items == 0:
            t_id = f"Berakhir {end_id} tanpa ruang lingkup tercatat"
            t_en = f"Ends on {end_en} with no scope items recorded"
        else:
            pct = round(100 * n_done / n_items)
            t_id = (
                f"Berakhir {end_id} dengan capaian ruang lingkup {pct}% ({n_done} dari {n_items})"
            )
            t_en = f"Ends on {end_en} with {pct}% of scope items realised ({n_done} of {n_items})"
        return (
            t_id,
            t_en,
            "Evaluasi capaian bersama mitra sebelum berakhir dan putuskan perpanjangan atau "
            "percepatan ruang lingkup yang belum terlaksana",
            "Review results with the partner before the end date and decide on renewal or on "
            "accelerating the unrealised scopes",
        )
    raise ValueError(code)  # pragma: no cover - internal


def needs_assistance(tables: Any, params: Params) -> pd.DataFrame:
    """Agreements that need monitoring and assistance, with reasons and next steps.

    Rules (only active agreements; see the module docstring for the exact boundaries):
    ``no_realisation`` (no Terlaksana activity, signed before ``as_of - grace_months``),
    ``stale`` (no activity in ``(as_of - stale_months, as_of]``, signed on or before
    ``as_of - stale_months``), ``expiring_low`` (ends by ``as_of + expiry_months`` with scope
    rate < ``low_rate``; no scope items = 0).

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        One row per flagged agreement, sorted by ``priority`` (1 = most urgent: most reasons,
        then most ``months_without_realisation``, then earliest end date). Columns
        :data:`ASSISTANCE_COLUMNS`: ``agreement_id``, ``partner_name``, ``partner_category``,
        ``province``, ``unit``, ``signed_on``, ``ends_on``, ``scope_rate``,
        ``last_activity_on``, ``reasons`` (list of codes in :data:`REASONS` order),
        ``reason_text_id``/``reason_text_en`` and ``suggested_action_id``/
        ``suggested_action_en`` (one sentence per reason joined by "; "), ``priority``, and the
        extras ``n_reasons``, ``months_since_signing``, ``months_without_realisation`` (since
        the last Terlaksana activity, or since signing if none), ``followed_up``,
        ``scope_items``, ``scope_items_done``.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    return _assistance_from_core(_core(tables, params), params)


def ending_soon(tables: Any, params: Params) -> pd.DataFrame:
    """Active agreements ending on or before ``as_of + expiry_months``.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        Sorted by end date. Columns :data:`ENDING_SOON_COLUMNS`: agreement fields,
        ``days_left`` (days from ``as_of`` to ``ends_on``), ``scope_items``,
        ``scope_items_done``, ``scope_rate``, ``followed_up``.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    s = _core(tables, params).summary
    horizon = params.as_of_ts + pd.DateOffset(months=params.expiry_months)
    sel = s[s["active"] & (s["ends_on"] <= horizon)].copy()
    sel["days_left"] = (sel["ends_on"] - params.as_of_ts).dt.days.astype("int64")
    sel = sel.sort_values(["ends_on", "agreement_id"], kind="stable").reset_index(drop=True)
    return sel[ENDING_SOON_COLUMNS]


def ended_without_followup(tables: Any, params: Params) -> pd.DataFrame:
    """Agreements that ended before ``as_of`` without any Terlaksana activity.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        Sorted by end date. Columns :data:`ENDED_COLUMNS`.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    s = _core(tables, params).summary
    sel = s[~s["active"] & ~s["followed_up"]]
    sel = sel.sort_values(["ends_on", "agreement_id"], kind="stable").reset_index(drop=True)
    return sel[ENDED_COLUMNS].copy()


def time_to_first_followup(
    tables: Any, params: Params, by: str | None = "partner_category"
) -> FollowupTiming:
    """Kaplan-Meier estimate of the time from signing to the first realised follow-up.

    Duration in months = days / 30.4375 from ``signed_on`` to the first Terlaksana activity
    (event; an activity dated before signing counts as 0), else censored at ``as_of``, or at
    ``ends_on`` when the agreement ended earlier without follow-up.

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    by
        An agreement attribute (``category``/``partner_category``, ``province``, ``unit``,
        ``document_type``, ``year``) or None for the overall estimate only.

    Returns
    -------
    FollowupTiming
        ``summary``: one row per group that has agreements (vocabulary order; a missing
        attribute is the group ``<NA>``) and a final overall row labelled ``"Semua"``; columns ``group``, ``n``, ``events``, ``censored``,
        ``median_months`` (nan if not reached), ``share_followed_within_12m`` and
        ``share_followed_within_24m`` (``1 - S(t)``; nan when ``t`` lies beyond the group's
        longest observation). ``curve``: ``group``, ``months``, ``share_followed_up``
        (cumulative ``1 - S``), starting at (0, 0) per group, for step plots.

    Raises
    ------
    ParameterError
        As :func:`rates`, or if ``by`` is ``scope`` or unknown.
    InputError
        If a table lacks a key column.
    """
    by_internal = _normalise_by(by, allow_scope=False)
    core = _core(tables, params)
    s = core.summary
    as_of = params.as_of_ts
    end = s["first_done_on"].where(s["followed_up"], s["ends_on"].where(~s["active"], as_of))
    end = _ns(end)
    dur = ((end - s["signed_on"]).dt.days / DAYS_PER_MONTH).clip(lower=0.0).astype("float64")
    df = pd.DataFrame({"duration": dur, "observed": s["followed_up"].astype(bool)})
    groups: list[tuple[str, pd.DataFrame]] = []
    if by_internal:
        col = by_internal[0]
        df["_g"] = s[col].astype("string").fillna("")
        present = _sort_groups(s[[col]].drop_duplicates(), [col], core.vocab)[col]
        for g in present.astype("string").fillna(""):
            groups.append((str(g), df[df["_g"] == g]))
    groups.append((TOTAL_LABEL, df))

    rows, curves = [], []
    for name, d in groups:
        km = kaplan_meier(d["duration"], d["observed"])
        n = len(d)
        events = int(d["observed"].sum())
        rows.append(
            {
                "group": name,
                "n": n,
                "events": events,
                "censored": n - events,
                "median_months": km_median(km),
                "share_followed_within_12m": 1.0 - km_survival_at(km, 12.0),
                "share_followed_within_24m": 1.0 - km_survival_at(km, 24.0),
            }
        )
        if n:
            curves.append(
                pd.DataFrame(
                    {
                        "group": [name] * (len(km) + 1),
                        "months": np.r_[0.0, km["time"].to_numpy()],
                        "share_followed_up": np.r_[0.0, 1.0 - km["survival"].to_numpy()],
                    }
                )
            )
    summary = pd.DataFrame(rows, columns=KM_SUMMARY_COLUMNS)
    summary = summary.astype(
        {"group": "string", "n": "int64", "events": "int64", "censored": "int64"}
    )
    for c in KM_SUMMARY_COLUMNS[4:]:
        summary[c] = summary[c].astype("float64")
    if curves:
        curve = pd.concat(curves, ignore_index=True)
    else:
        curve = pd.DataFrame({"group": [], "months": [], "share_followed_up": []})
    curve = curve.astype({"group": "string", "months": "float64", "share_followed_up": "float64"})
    # groups whose attribute is missing (e.g. no province) were labelled "" above
    summary["group"] = summary["group"].mask(summary["group"] == "")
    curve["group"] = curve["group"].mask(curve["group"] == "")
    return FollowupTiming(summary, curve[KM_CURVE_COLUMNS])


def outcome_indicators(tables: Any, params: Params) -> dict[str, pd.DataFrame]:
    """Outcome indicators of local-government partners (category ``Pemerintah Daerah``).

    Only counted (dated on or before ``as_of``) Terlaksana activities of agreements in the
    window count. A partner is a distinct partner name (compared case-, space- and
    punctuation-insensitively) within a province; a partner "has" an outcome when any of its
    agreements has a Terlaksana activity of that outcome type.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``by_province``: ``province`` (vocabulary order; only provinces with partners),
        ``partners``, ``partners_with_perda``, ``training_budget`` (sum of ``value`` of
        Terlaksana *Anggaran Diklat* activities, float, 0 when none), ``ltsa``, ``satgas``
        (partners with a Terlaksana activity of that outcome). ``total``: the same columns in
        one row with ``province = "Semua"`` (partners counted once). ``by_partner``:
        ``partner_name``, ``province``, ``agreements``, ``has_perda``, ``training_budget``,
        ``has_ltsa``, ``has_satgas``.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    core = _core(tables, params)
    s = core.summary
    ag = s[_mask(s["partner_category"] == LOCAL_GOVERNMENT)][
        ["agreement_id", "partner_name", "province"]
    ].copy()
    key = ag["partner_name"].astype("object").map(lambda v: match_key(v) if pd.notna(v) else "")
    ag["_partner"] = key.where(key != "", "id:" + ag["agreement_id"].astype("object"))
    ag["_pkey"] = ag["_partner"] + "|" + ag["province"].astype("object").fillna("").astype(str)
    acts = core.activities[core.activities["_done"]][["agreement_id", "outcome_type", "value"]]
    acts = acts.merge(ag[["agreement_id", "_pkey"]], on="agreement_id", how="inner")
    outcome = acts["outcome_type"].astype("object")
    acts = acts.assign(
        _perda=(outcome == OUTCOME_PERDA),
        _ltsa=(outcome == OUTCOME_LTSA),
        _satgas=(outcome == OUTCOME_SATGAS),
        _budget=acts["value"].where(outcome == OUTCOME_TRAINING_BUDGET, 0.0).fillna(0.0),
    )
    per_act = (
        acts.groupby("_pkey", sort=False)
        .agg(
            has_perda=("_perda", "any"),
            has_ltsa=("_ltsa", "any"),
            has_satgas=("_satgas", "any"),
            training_budget=("_budget", "sum"),
        )
        .reset_index()
    )
    partners = (
        ag.groupby("_pkey", sort=False)
        .agg(
            partner_name=("partner_name", "first"),
            province=("province", "first"),
            agreements=("agreement_id", "size"),
            _partner=("_partner", "first"),
        )
        .reset_index()
        .merge(per_act, on="_pkey", how="left")
    )
    for c in ("has_perda", "has_ltsa", "has_satgas"):
        partners[c] = partners[c].astype("object").fillna(False).astype(bool)
    partners["training_budget"] = pd.to_numeric(partners["training_budget"]).fillna(0.0)
    partners["agreements"] = partners["agreements"].astype("int64")
    for c in ("partner_name", "province"):
        partners[c] = partners[c].astype("string")

    def _summ(df: pd.DataFrame) -> dict[str, Any]:
        return {
            "partners": df["_partner"].nunique(),
            "partners_with_perda": df.loc[df["has_perda"], "_partner"].nunique(),
            "training_budget": float(df["training_budget"].sum()),
            "ltsa": df.loc[df["has_ltsa"], "_partner"].nunique(),
            "satgas": df.loc[df["has_satgas"], "_partner"].nunique(),
        }

    prov_rows = []
    for prov, d in partners.groupby("province", dropna=False, sort=False):
        prov_rows.append({"province": prov, **_summ(d)})
    by_province = pd.DataFrame(prov_rows, columns=OUTCOME_COLUMNS)
    total = pd.DataFrame([{"province": TOTAL_LABEL, **_summ(partners)}], columns=OUTCOME_COLUMNS)
    dtypes = {
        "province": "string",
        "partners": "int64",
        "partners_with_perda": "int64",
        "training_budget": "float64",
        "ltsa": "int64",
        "satgas": "int64",
    }
    by_province = _sort_groups(by_province.astype(dtypes), ["province"], core.vocab)
    by_partner = _sort_groups(
        partners.sort_values("partner_name", kind="stable"), ["province"], core.vocab
    )
    return {
        "by_province": by_province,
        "total": total.astype(dtypes),
        "by_partner": by_partner[OUTCOME_PARTNER_COLUMNS],
    }


def headline_counts(tables: Any, params: Params) -> pd.DataFrame:
    """Agreements per partner category, active and ended, with a total row.

    Parameters
    ----------
    tables, params
        As :func:`rates`.

    Returns
    -------
    pandas.DataFrame
        ``category`` (every vocabulary category in order, zeros kept; only
        ``params.category`` when set), ``agreements``, ``active``, ``ended``; last row
        ``category = "Semua"`` with the totals.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    core = _core(tables, params)
    s = core.summary.assign(_ended=~core.summary["active"])
    aggs = {
        "agreements": ("agreement_id", "size"),
        "active": ("active", "sum"),
        "ended": ("_ended", "sum"),
    }
    per = _grouped(s, ["partner_category"], aggs, params, core.vocab, True)
    tot = _grouped(s, [], aggs, params, core.vocab, True)
    tot.insert(0, "partner_category", pd.Series([TOTAL_LABEL], dtype="string"))
    out = pd.concat([per, tot], ignore_index=True).rename(columns=_OUT_NAME)
    return out[HEADLINE_COLUMNS]


def _py(v: Any) -> Any:
    """numpy/pandas scalar -> plain Python (nan stays float nan, NA -> None)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def executive_summary_facts(tables: Any, params: Params, *, min_n: int = 5) -> dict[str, Any]:
    """The numbers an executive summary needs (the text is written elsewhere).

    Parameters
    ----------
    tables, params
        As :func:`rates`.
    min_n
        Smallest number of agreements (category) or scope items (scope) for a group to be
        named as the lowest; smaller groups are too uncertain.

    Returns
    -------
    dict
        Plain Python values: ``as_of``, ``since`` (date); ``total_agreements``, ``active``,
        ``ended``; ``per_category`` (dict label -> agreements, vocabulary order);
        ``agreements_followed_up``, ``followup_rate``, ``followup_rate_low``/``_high``,
        ``scope_items``, ``scope_items_done``, ``scope_rate``, ``scope_rate_low``/``_high``;
        ``lowest_category`` and ``lowest_scope`` (dict with ``label``, ``scope_rate``,
        ``scope_rate_low``, ``scope_rate_high``, ``agreements``, ``scope_items``, or None when
        no group reaches ``min_n``); ``needs_assistance`` (count), ``assistance_by_reason``
        (dict code -> count), ``ending_soon``, ``ended_without_followup`` (counts).

    Raises
    ------
    ParameterError
        As :func:`rates`, or if ``min_n`` < 1.
    InputError
        If a table lacks a key column.
    """
    if isinstance(min_n, bool) or not isinstance(min_n, int) or min_n < 1:
        raise ParameterError(f"min_n must be a whole number >= 1, got {min_n!r}.", name="min_n")
    core = _core(tables, params)
    s = core.summary
    overall = _rates_from_core(core, params, [], None).iloc[0]
    by_cat = _rates_from_core(core, params, ["partner_category"], True)
    by_scope = _rates_from_core(core, params, ["scope"], True)

    def _lowest(df: pd.DataFrame, col: str, n_col: str) -> dict[str, Any] | None:
        ok = df[(df[n_col] >= min_n) & df["scope_rate"].notna()]
        if ok.empty:
            return None
        r = ok.sort_values(["scope_rate", n_col], ascending=[True, False], kind="stable")
        r = r.iloc[0]
        return {
            "label": str(r[col]),
            **{
                k: _py(r[k])
                for k in (
                    "scope_rate",
                    "scope_rate_low",
                    "scope_rate_high",
                    "agreements",
                    "scope_items",
                )
            },
        }

    assistance = _assistance_from_core(core, params)
    horizon = params.as_of_ts + pd.DateOffset(months=params.expiry_months)
    reason_counts = {code: 0 for code in REASONS}
    for codes in assistance["reasons"]:
        for c in codes:
            reason_counts[c] += 1
    facts: dict[str, Any] = {
        "as_of": params.as_of,
        "since": params.since,
        "category": params.category,
        "total_agreements": len(s),
        "active": int(s["active"].sum()),
        "ended": int((~s["active"]).sum()),
        "per_category": {str(r["category"]): int(r["agreements"]) for _, r in by_cat.iterrows()},
    }
    for k in RATE_COLUMNS:
        v = overall[k]
        facts[k] = float(v) if "rate" in k else int(v)
    facts.pop("agreements")
    facts.update(
        {
            "lowest_category": _lowest(by_cat, "category", "agreements"),
            "lowest_scope": _lowest(by_scope, "scope", "scope_items"),
            "needs_assistance": len(assistance),
            "assistance_by_reason": reason_counts,
            "ending_soon": int((s["active"] & (s["ends_on"] <= horizon)).sum()),
            "ended_without_followup": int((~s["active"] & ~s["followed_up"]).sum()),
        }
    )
    return facts


def compare_snapshots(
    previous: Any, current: Any, prev_params: Params, cur_params: Params
) -> dict[str, pd.DataFrame]:
    """What changed between two evaluations (e.g. the previous meeting and this one).

    Parameters
    ----------
    previous, current
        The three tables of each snapshot (:class:`Tables`, 3-tuple or dict). They may be the
        same data evaluated at two dates, or two data deliveries.
    prev_params, cur_params
        Parameters of each evaluation (usually differing only in ``as_of``).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``new_agreements``: in the current window, not in the previous one (agreement fields).
        ``newly_done``: scope items Terlaksana now that were not before (``agreement_id``,
        ``partner_name``, ``partner_category``, ``scope``, ``previous_status`` (NA if the item
        did not exist), ``first_done_on``). ``newly_ended``: active at the previous ``as_of``,
        ended at the current one (agreement fields, ``followed_up``, ``scope_rate``).
        ``assistance_added``: on the current assistance list only (``agreement_id``,
        ``partner_name``, ``partner_category``, ``reasons``, ``reason_text_id``,
        ``reason_text_en``). ``assistance_removed``: on the previous list only (same fields from
        the previous list, plus ``change``: ``ended``, ``resolved`` or ``not_in_current``).
        ``summary``: ``metric``, ``unit`` (``fraction`` or ``count``), ``previous``,
        ``current``, ``change`` (percentage points for fractions, difference for counts).
        ``by_category``: per category, previous/current follow-up and scope rates with their
        n and the change in percentage points.

    Raises
    ------
    ParameterError, InputError
        As :func:`rates`.
    """
    prev = _core(previous, prev_params)
    cur = _core(current, cur_params)
    ps, cs = prev.summary, cur.summary

    new = cs[~_isin(cs["agreement_id"], ps["agreement_id"])]
    new_agreements = new[_AGREEMENT_FIELDS].reset_index(drop=True)

    keys = ["agreement_id", "scope"]
    pi = prev.items[[*keys, "status", "_is_done"]].rename(
        columns={"status": "previous_status", "_is_done": "_prev_done"}
    )
    ci = cur.items[cur.items["_is_done"]][[*keys, "first_done_on"]]
    nd = ci.merge(pi, on=keys, how="left")
    nd = nd[~nd["_prev_done"].astype("object").fillna(False).astype(bool)]
    nd = nd.merge(
        cs[["agreement_id", "partner_name", "partner_category"]], on="agreement_id", how="left"
    )
    nd["previous_status"] = nd["previous_status"].astype("string")
    newly_done = nd[
        [
            "agreement_id",
            "partner_name",
            "partner_category",
            "scope",
            "previous_status",
            "first_done_on",
        ]
    ].reset_index(drop=True)

    was_active = ps.loc[ps["active"], "agreement_id"]
    ended = cs[_isin(cs["agreement_id"], was_active) & ~cs["active"]]
    newly_ended = ended[[*_AGREEMENT_FIELDS, "followed_up", "scope_rate"]]
    newly_ended = newly_ended.sort_values(["ends_on", "agreement_id"], kind="stable")

    pa = _assistance_from_core(prev, prev_params)
    ca = _assistance_from_core(cur, cur_params)
    list_cols = [
        "agreement_id",
        "partner_name",
        "partner_category",
        "reasons",
        "reason_text_id",
        "reason_text_en",
    ]
    added = ca[~_isin(ca["agreement_id"], pa["agreement_id"])][list_cols]
    removed = pa[~_isin(pa["agreement_id"], ca["agreement_id"])][list_cols].copy()
    cur_active = dict(zip(cs["agreement_id"], cs["active"], strict=True))
    removed["change"] = pd.Series(
        [
            "not_in_current" if a not in cur_active else ("resolved" if cur_active[a] else "ended")
            for a in removed["agreement_id"]
        ],
        index=removed.index,
        dtype="string",
    )

    po = _rates_from_core(prev, prev_params, [], None).iloc[0]
    co = _rates_from_core(cur, cur_params, [], None).iloc[0]
    metrics = [
        ("agreements", "count", po["agreements"], co["agreements"]),
        (
            "agreements_followed_up",
            "count",
            po["agreements_followed_up"],
            co["agreements_followed_up"],
        ),
        ("followup_rate", "fraction", po["followup_rate"], co["followup_rate"]),
        ("scope_items", "count", po["scope_items"], co["scope_items"]),
        ("scope_items_done", "count", po["scope_items_done"], co["scope_items_done"]),
        ("scope_rate", "fraction", po["scope_rate"], co["scope_rate"]),
        ("active", "count", int(ps["active"].sum()), int(cs["active"].sum())),
        ("needs_assistance", "count", len(pa), len(ca)),
    ]
    summary = pd.DataFrame(
        {
            "metric": pd.Series([m[0] for m in metrics], dtype="string"),
            "unit": pd.Series([m[1] for m in metrics], dtype="string"),
            "previous": [float(m[2]) for m in metrics],
            "current": [float(m[3]) for m in metrics],
        }
    )
    factor = np.where(summary["unit"] == "fraction", 100.0, 1.0)
    summary["change"] = (summary["current"] - summary["previous"]) * factor

    pc = _rates_from_core(prev, prev_params, ["partner_category"], True)
    cc = _rates_from_core(cur, cur_params, ["partner_category"], True)
    cols = ["category", "agreements", "followup_rate", "scope_items", "scope_rate"]
    bc = pc[cols].merge(cc[cols], on="category", how="outer", suffixes=("_previous", "_current"))
    bc = _sort_groups(
        bc.rename(columns={"category": "partner_category"}), ["partner_category"], cur.vocab
    ).rename(columns=_OUT_NAME)
    for c in ("agreements", "scope_items"):
        for suf in ("_previous", "_current"):
            bc[c + suf] = pd.to_numeric(bc[c + suf]).fillna(0).astype("int64")
    bc["followup_rate_change_pp"] = (
        bc["followup_rate_current"] - bc["followup_rate_previous"]
    ) * 100
    bc["scope_rate_change_pp"] = (bc["scope_rate_current"] - bc["scope_rate_previous"]) * 100
    by_category = bc[
        [
            "category",
            "agreements_previous",
            "agreements_current",
            "followup_rate_previous",
            "followup_rate_current",
            "followup_rate_change_pp",
            "scope_items_previous",
            "scope_items_current",
            "scope_rate_previous",
            "scope_rate_current",
            "scope_rate_change_pp",
        ]
    ]
    return {
        "new_agreements": new_agreements,
        "newly_done": newly_done,
        "newly_ended": newly_ended.reset_index(drop=True),
        "assistance_added": added.reset_index(drop=True),
        "assistance_removed": removed.reset_index(drop=True),
        "summary": summary,
        "by_category": by_category.reset_index(drop=True),
    }
