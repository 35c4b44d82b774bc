"""DataFrame helpers shared by the metrics: masks, month arithmetic, grouping, sorting."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.types import pandas_dtype

from evaluation.analysis.inputs import Params
from evaluation.errors import ParameterError
from evaluation.vocab.loader import Vocabulary

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


def _mask(s: pd.Series) -> pd.Series:
    """Nullable boolean -> plain bool (missing = False)."""
    return s.fillna(False).astype(bool)


def _isin(s: pd.Series, values: pd.Series) -> pd.Series:
    """Fast ``s.isin(values)`` for id columns (plain bool; missing = False).

    A Python set of the ids: on the few hundred ids of a register this costs less than
    pandas' hash tables (and the Arrow string index pandas would make of the ids)."""
    known = set(values.dropna().tolist())
    found = (v is not pd.NA and v in known for v in s.tolist())
    return pd.Series(np.fromiter(found, dtype=bool, count=len(s)), index=s.index)


def _positions(table: pd.DataFrame, keys: pd.DataFrame) -> np.ndarray:
    """Row position in ``table`` of each row of ``keys`` (same columns; -1 where absent): a
    left merge on keys that are unique in ``table``, without the cost of a merge. Missing
    values match missing values, as in a merge."""
    cols = list(keys.columns)
    rows = zip(*(table[c].tolist() for c in cols), strict=True)
    where = {k: i for i, k in enumerate(rows)}
    wanted = zip(*(keys[c].tolist() for c in cols), strict=True)
    return np.fromiter((where.get(k, -1) for k in wanted), dtype=np.intp, count=len(keys))


def _frame_of(**columns: pd.Series) -> pd.DataFrame:
    """Aggregates of one groupby (Series on the group index) as a frame, the group keys as
    its first columns: what ``groupby(...).agg(name=(column, func), ...).reset_index()``
    gives, without the cost of pandas' named aggregation."""
    return pd.DataFrame(columns).reset_index()


def _astype(df: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """``df.astype(dtypes)``, converting only the columns whose dtype differs: the same
    frame, without the cost of pandas' ``DataFrame.astype`` with a mapping (milliseconds on
    a one-row frame, where a column's ``astype`` takes microseconds)."""
    out = df.copy(deep=False)
    for col, dtype in dtypes.items():
        if out[col].dtype != pandas_dtype(dtype):
            out[col] = out[col].astype(dtype)
    return out


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
    order = _group_order(df, by, vocab)
    if order is None:
        return _sort_groups_frame(df, by, vocab)
    return df.take(order).reset_index(drop=True)


def _sort_keys(df: pd.DataFrame, by: list[str], vocab: Vocabulary) -> list[list] | None:
    """The sort keys of :func:`_sort_groups`, two per column: the position (vocabulary
    position, unknown, missing; or missing last) and the text (or the year). None when a
    key could not be compared as Python values (a missing year)."""
    keys: list[list] = []
    for col in by:
        s = df[col]
        labels = _labels_for(col, vocab)
        values = s.astype("object").tolist()
        missing = s.isna().tolist()
        if labels is not None:
            pos = {label: j for j, label in enumerate(labels)}
            n = len(pos)
            keys.append(
                [n + 1 if m else pos.get(v, n) for v, m in zip(values, missing, strict=True)]
            )
        else:
            keys.append([int(m) for m in missing])
        if col == "year" and labels is None:
            if any(missing) or not all(isinstance(v, int | np.integer) for v in values):
                return None
            keys.append(values)
        else:
            keys.append(s.astype("string").fillna("").astype("object").tolist())
    return keys


def _group_order(df: pd.DataFrame, by: list[str], vocab: Vocabulary) -> list[int] | None:
    """Row positions of ``df`` in :func:`_sort_groups` order (a stable sort, as pandas')."""
    if not df.index.is_unique:
        return None
    keys = _sort_keys(df, by, vocab)
    if keys is None:
        return None
    rows = list(zip(*keys, strict=True))
    return sorted(range(len(rows)), key=rows.__getitem__)


def _sort_groups_frame(df: pd.DataFrame, by: list[str], vocab: Vocabulary) -> pd.DataFrame:
    """:func:`_sort_groups` with pandas (the general case: missing years, repeated labels)."""
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
    fast = _grouped_fast(df, by, aggs, params, vocab, keep_empty)
    if fast is not None:
        return fast
    return _grouped_frame(df, by, aggs, params, vocab, keep_empty)


def _grouped_frame(
    df: pd.DataFrame,
    by: list[str],
    aggs: dict[str, tuple[str, str]],
    params: Params,
    vocab: Vocabulary,
    keep_empty: bool,
) -> pd.DataFrame:
    """:func:`_grouped` with pandas' groupby (the general case)."""
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


_FAST_FUNCS = ("size", "sum", "nunique")


def _grouped_fast(
    df: pd.DataFrame,
    by: list[str],
    aggs: dict[str, tuple[str, str]],
    params: Params,
    vocab: Vocabulary,
    keep_empty: bool,
) -> pd.DataFrame | None:
    """:func:`_grouped` with numpy for the common case, the same frame (None otherwise).

    The common case: grouping by text columns or the (int64) year, counting rows, summing
    bool or int64 columns and counting distinct text values. Every group key occurs once,
    so the order the groups are found in does not matter after :func:`_sort_groups`.
    """
    if not by or df.empty:
        return None
    for col in by:
        dt = df[col].dtype
        if not (isinstance(dt, pd.StringDtype) or (col == "year" and dt == "int64")):
            return None
    for col, func in aggs.values():
        dt = df[col].dtype
        if func not in _FAST_FUNCS:
            return None
        if func == "sum" and not (dt == "bool" or dt == "int64"):
            return None
        if func == "nunique" and not isinstance(dt, pd.StringDtype):
            return None
    code = np.zeros(len(df), dtype="int64")
    uniques = []
    for col in by:
        c, u = pd.factorize(df[col], use_na_sentinel=True)
        c = np.where(c < 0, len(u), c).astype("int64")
        code = code * (len(u) + 1) + c
        uniques.append(u)
    group, first = np.unique(code, return_index=True)
    inverse = np.searchsorted(group, code)
    n_groups = len(group)
    cols: dict[str, object] = {}
    for col in by:
        cols[col] = df[col].take(first).reset_index(drop=True)
    for out, (col, func) in aggs.items():
        if func == "size":
            vals = np.bincount(inverse, minlength=n_groups)
        elif func == "sum":
            vals = np.zeros(n_groups, dtype="int64")
            np.add.at(vals, inverse, df[col].to_numpy(dtype="int64"))
        else:
            c, _ = pd.factorize(df[col], use_na_sentinel=True)
            ok = c >= 0
            pairs = np.unique(np.stack([inverse[ok], c[ok]]), axis=1)
            vals = np.bincount(pairs[0], minlength=n_groups)
        cols[out] = np.asarray(vals, dtype="int64")
    res = pd.DataFrame(cols)
    for col in by:
        res[col] = res[col].astype("int64" if col == "year" else "string")
    if keep_empty and len(by) == 1:
        col = by[0]
        labels = _full_labels(col, params, vocab)
        if labels is not None:
            present = set(res[col].dropna().tolist())
            missing = [v for v in labels if v not in present]
            if missing:
                empty = {col: pd.Series(missing, dtype="int64" if col == "year" else "string")}
                for out in aggs:
                    empty[out] = np.zeros(len(missing), dtype="int64")
                res = pd.concat([res, pd.DataFrame(empty)], ignore_index=True)
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
