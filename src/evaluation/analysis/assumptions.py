"""Imputation counts and the assumptions log (tables ``imputations`` and ``assumptions``).

Ingestion fills some cells by rule (an empty end date gets the default term, a month is read as
its last day, a follow-up naming no scope counts for its agreement only…) and records every
such reading in ``data_quality`` with a ``code``. :func:`imputations` counts, per rule, the rows
of the processed tables each rule touched (matched on their provenance: file, sheet, Excel
row) and how many of them the evaluation counts. :func:`assumptions` is the assumptions log in
the style of an analytical quality assurance (AQA) log: one row per assumption with the rows it
affects (where they can be counted) and two red/amber/green ratings:

* ``quality``: how well founded the assumption is (green: a stated rule that matches the
  register's meaning; amber: a reasonable convention the data cannot confirm; red: known not
  to hold, e.g. synthetic data);
* ``impact``: how much the figures would move if it were wrong (green: little or no rows
  affected; amber: some figures; red: every figure). An assumption that affects no row of this
  evaluation is rated impact green whatever its base rating.

Tables hold codes and numbers only; the report words each code (``assumption.<code>``,
``assumption_reason.<code>``, ``assumption_effect.<code>``, ``imputation.<code>``).
"""

from __future__ import annotations

import pandas as pd

from evaluation.analysis.core import Prepared
from evaluation.analysis.frames import _astype

#: Imputation rules: code -> (processed table whose rows carry the remark, data-quality codes).
#: ``None`` as codes: counted from the processed table itself (see :func:`imputations`).
IMPUTATION_RULES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "default_end_term": ("agreements", ("no_end_date",)),
    "end_date_partial": ("agreements", ("end_date_month", "end_date_year", "end_date_range")),
    "end_date_term": ("agreements", ("end_date_years", "end_date_months")),
    "end_date_open": ("agreements", ("end_date_open",)),
    "activity_scope_inferred": ("activities", ("followup_scope_inferred",)),
    "activity_without_scope": ("activities", None),
    "scope_item_added": ("activities", ("scope_added",)),
    "label_read_by_keyword": (
        "all",
        ("label_keyword", "label_number", "label_numbered", "label_reported"),
    ),
}
IMPUTATION_COLUMNS = ["code", "table", "rows", "rows_in_window"]
#: Assumptions: code -> (base quality, base impact). Ratings are red, amber or green.
ASSUMPTIONS: dict[str, tuple[str, str]] = {
    "default_end_term": ("amber", "amber"),
    "partial_dates": ("green", "amber"),
    "open_ended_active": ("green", "amber"),
    "activities_without_scope": ("green", "amber"),
    "scope_inferred": ("amber", "amber"),
    "status_from_register": ("amber", "amber"),
    "evaluation_window": ("green", "green"),
    "clustering": ("green", "amber"),
    "synthetic_sample": ("red", "red"),
}
ASSUMPTION_COLUMNS = ["code", "rows_affected", "quality", "impact"]
RATINGS = ("red", "amber", "green")
_PROVENANCE = ["source_file", "source_sheet", "source_row"]
_TABLES = ("agreements", "scope_items", "activities")


def _keys(df: pd.DataFrame | None) -> set[tuple[str, str, int]]:
    """Provenance (file, sheet, Excel row) of every row of ``df``."""
    if df is None or not len(df) or any(c not in df.columns for c in _PROVENANCE):
        return set()
    keys = _key_list(df["source_file"], df["source_sheet"], df["source_row"])
    return {k for k in keys if k is not None}


def _key_list(file: pd.Series, sheet: pd.Series, row: pd.Series) -> list[tuple]:
    """``(file, sheet, Excel row)`` of every row with a row number, or None without one."""
    rows = pd.to_numeric(row, errors="coerce")
    ok = rows.notna().to_numpy(dtype=bool)
    numbers = iter(rows[ok].astype("int64").tolist())
    return [
        (f, s, next(numbers)) if good else None
        for f, s, good in zip(file.astype(str), sheet.astype(str), ok, strict=True)
    ]


def _remark_keys(dq: pd.DataFrame | None) -> dict[str, set[tuple[str, str, int]]]:
    """Provenance of the data-quality remarks (actions used/fixed), per remark code."""
    if dq is None or not len(dq) or "code" not in dq.columns:
        return {}
    out: dict[str, set[tuple[str, str, int]]] = {}
    codes = dq["code"].astype("string").tolist()
    for code, key in zip(codes, _key_list(dq["file"], dq["sheet"], dq["row"]), strict=True):
        if key is not None and code is not pd.NA:
            out.setdefault(code, set()).add(key)
    return out


def imputations(data: dict, tbl: Prepared) -> pd.DataFrame:
    """Rows each imputation rule touched (table ``imputations``).

    Parameters
    ----------
    data
        The processed tables with ``data_quality`` (:func:`evaluation.ingest.load_processed`).
    tbl
        The same data prepared for this evaluation (its window and category).

    Returns
    -------
    pandas.DataFrame
        One row per rule of :data:`IMPUTATION_RULES`, in that order: ``code``, ``table`` (the
        processed table whose rows carry it, ``all`` for any), ``rows`` (rows of that table the
        rule touched) and ``rows_in_window`` (of those, the rows this evaluation counts:
        agreements in the window and category, their scope items and their activities dated
        by ``as_of``).
    """
    win = tbl.core.tables
    counted = dict(zip(_TABLES, (win.agreements, win.scope_items, win.activities), strict=True))
    every = {name: _keys(data.get(name)) for name in _TABLES}
    inside = {name: _keys(counted[name]) for name in _TABLES}
    every["all"] = set().union(*(every[n] for n in _TABLES))
    inside["all"] = set().union(*(inside[n] for n in _TABLES))
    remarks = _remark_keys(data.get("data_quality"))
    rows = []
    for code, (table, codes) in IMPUTATION_RULES.items():
        if codes is None:  # activity_without_scope: read off the activities themselves
            acts = data.get("activities")
            n = int(acts["scope"].isna().sum()) if acts is not None else 0
            n_in = int(win.activities["scope"].isna().sum())
        else:
            hit = set().union(*(remarks.get(c, set()) for c in codes))
            n, n_in = len(hit & every[table]), len(hit & inside[table])
        rows.append({"code": code, "table": table, "rows": n, "rows_in_window": n_in})
    out = pd.DataFrame(rows, columns=IMPUTATION_COLUMNS)
    return _astype(
        _astype(out, {"code": "string", "table": "string", "rows": "int64"}),
        {"rows_in_window": "int64"},
    )


def assumptions(
    data: dict, tbl: Prepared, imputed: pd.DataFrame, *, is_sample: bool = False
) -> pd.DataFrame:
    """The assumptions log (table ``assumptions``).

    Parameters
    ----------
    data
        The processed tables (all rows, before the evaluation window).
    tbl
        The same data prepared for this evaluation.
    imputed
        :func:`imputations` of the same data.
    is_sample
        Whether the data are the bundled synthetic sample (adds ``synthetic_sample``).

    Returns
    -------
    pandas.DataFrame
        ``code``, ``rows_affected`` (``Int64``; missing where the assumption concerns a method,
        not rows), ``quality`` and ``impact`` (``red``/``amber``/``green``; see the module
        docstring), in the order of :data:`ASSUMPTIONS`.
    """
    win = tbl.core.tables
    n_in = dict(zip(imputed["code"], imputed["rows_in_window"], strict=True))
    acts = win.activities
    done = acts["status"].astype("string") == tbl.core.vocab.done_status
    no_evidence = acts["evidence"].isna() if "evidence" in acts.columns else done
    all_ag, all_act = data.get("agreements"), data.get("activities")
    outside = (0 if all_ag is None else len(all_ag)) - len(win.agreements)
    outside += (0 if all_act is None else len(all_act)) - len(acts)
    affected: dict[str, int | None] = {
        "default_end_term": n_in["default_end_term"],
        "partial_dates": n_in["end_date_partial"] + n_in["end_date_term"],
        "open_ended_active": n_in["end_date_open"],
        "activities_without_scope": n_in["activity_without_scope"],
        "scope_inferred": n_in["activity_scope_inferred"],
        # realised activities counted as the register states them, without evidence noted
        "status_from_register": int((done & no_evidence).fillna(False).sum()),
        # rows of the processed tables outside [since, as_of] (or the category): not counted
        "evaluation_window": max(int(outside), 0),
        "clustering": None,
        "synthetic_sample": len(win.agreements) if is_sample else 0,
    }
    rows = []
    for code, (quality, impact) in ASSUMPTIONS.items():
        if code == "synthetic_sample" and not is_sample:
            continue
        n = affected[code]
        if n == 0:
            impact = "green"
        rows.append({"code": code, "rows_affected": n, "quality": quality, "impact": impact})
    out = pd.DataFrame(rows, columns=ASSUMPTION_COLUMNS)
    return _astype(
        out, {"code": "string", "rows_affected": "Int64", "quality": "string", "impact": "string"}
    )


__all__ = [
    "ASSUMPTIONS",
    "ASSUMPTION_COLUMNS",
    "IMPUTATION_COLUMNS",
    "IMPUTATION_RULES",
    "RATINGS",
    "assumptions",
    "imputations",
]
