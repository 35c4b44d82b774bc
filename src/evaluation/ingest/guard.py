"""The final tables built from the records and checked against their schema."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from evaluation.ingest import schema
from evaluation.ingest.common import _FIELDS, SchemaViolation, _Record
from evaluation.vocab.loader import (
    Vocabulary,
)


def _frame(records: list[_Record], table: str) -> pd.DataFrame:
    """One table from its records, built column by column, with the schema's dtypes."""
    if not records:
        return schema.empty_table(table)
    columns = zip(*[r.values for r in records], strict=True)
    data: dict[str, object] = dict(zip(_FIELDS[table], map(list, columns), strict=True))
    data["source_file"] = [r.file for r in records]
    data["source_sheet"] = [r.sheet for r in records]
    data["source_row"] = [r.row for r in records]
    for name in schema.DERIVED.get(table, ()):
        data[name] = [getattr(r, name) for r in records]
    for name, values in data.items():
        if schema.dtype_for(name) == "string":
            data[name] = _text_array(values)
    return schema.coerce(pd.DataFrame(data), table)


def _text_array(values: list) -> object:
    """A text column as pandas ``string`` built by Arrow in one call (pandas' own conversion
    checks each element in Python); ``values`` unchanged if they are not all text or None."""
    import pyarrow as pa

    try:
        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return values


# --------------------------------------------------------------------------- last guard
#: Text columns that must not be empty strings.
_NON_EMPTY_TEXT = {"agreements": {"agreement_id", "partner_name"}}
_NULLABLE = {
    # ends_on is missing only for an agreement that states it has no end ("Tidak terbatas")
    "agreements": {"document_type", "province", "ends_on", "unit", "notes"},
    "scope_items": set(),
    # scope: a follow-up line of the one-sheet register that names no scope of its
    # agreement is kept without one (it counts for the agreement, not for a scope item).
    "activities": {"scope", "description", "outcome_type", "value", "evidence"},
}


@lru_cache(maxsize=4)
def _allowed_labels(vocab: Vocabulary) -> dict[str, dict[str, list[str]]]:
    """Per table, the columns holding vocabulary labels and the labels they may hold."""
    scopes = vocab.scopes.labels
    return {
        "agreements": {
            "partner_category": vocab.partner_categories.labels,
            "province": vocab.provinces.labels,
            "ends_on_basis": list(schema.ENDS_ON_BASES),
        },
        "scope_items": {"scope": scopes},
        "activities": {
            "scope": scopes,
            "status": vocab.statuses.labels,
            "outcome_type": vocab.outcome_types.labels,
        },
    }


def _shown(values: pd.Series) -> list:
    """Up to five distinct failing values, sorted, for a message."""
    return sorted(values.dropna().astype(str).unique().tolist())[:5]


def _table_problems(df: pd.DataFrame, name: str, vocab: Vocabulary) -> list[str]:
    """What breaks the contract of table ``name`` (column-wise, vectorised checks)."""
    problems = []
    columns = schema.TABLES[name]
    if list(df.columns) != columns:
        problems.append(f"{name}: columns {list(df.columns)}")
    allowed = _allowed_labels(vocab)[name]
    text = pd.StringDtype()
    for c in columns:
        if c not in df.columns:
            continue
        s = df[c]
        expected = schema.dtype_for(c)
        if not (s.dtype == text if expected == "string" else s.dtype == expected):
            problems.append(f"{name}.{c}: dtype {s.dtype}, expected {expected}")
            continue
        missing = s.isna()
        if c not in _NULLABLE[name] and missing.any():
            problems.append(f"{name}.{c}: {int(missing.sum())} missing values")
        if c in allowed:
            bad = s[~missing & ~s.isin(allowed[c])]
            if len(bad):
                problems.append(f"{name}.{c}: values not in the vocabulary {_shown(bad)}")
        if expected == "string" and (c in _NON_EMPTY_TEXT.get(name, ()) or c == "source_file"):
            if (s.str.len() < 1).any():
                problems.append(f"{name}.{c}: empty text")
        if c == "source_row" and (s < 1).any():
            problems.append(f"{name}.{c}: row numbers below 1")
    if name == "agreements" and "agreement_id" in df.columns:
        dup = df["agreement_id"][df["agreement_id"].duplicated()]
        if len(dup):
            problems.append(f"{name}.agreement_id: not unique {_shown(dup)}")
    if name == "scope_items" and {"agreement_id", "scope"} <= set(df.columns):
        if df.duplicated(["agreement_id", "scope"]).any():
            problems.append(f"{name}: (agreement_id, scope) not unique")
    return problems


def _isin(s: pd.Series, values: pd.Series) -> np.ndarray:
    """``s.isin(values)`` for text columns, computed by Arrow (pandas' ``isin`` on Arrow
    strings converts ``values`` one element at a time)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    found = pc.is_in(
        pa.array(s.astype("string").array), value_set=pa.array(values.astype("string").array)
    )
    return found.to_numpy(zero_copy_only=False)


def _pair_keys(df: pd.DataFrame) -> pd.Series:
    """(agreement number, scope) of each row as one text key."""
    return df["agreement_id"].astype("string") + "\x1f" + df["scope"].astype("string")


def validate_tables(tables: dict[str, pd.DataFrame], vocab: Vocabulary) -> None:
    """Check the final tables against their contract: columns in order, dtypes, no missing
    values where none may be, canonical labels, non-empty keys, unique keys, references
    between tables. Every check is a vectorised pandas operation.

    Parameters
    ----------
    tables
        ``agreements``, ``scope_items``, ``activities`` as produced by :func:`ingest`.
    vocab
        The vocabulary the labels must come from.

    Raises
    ------
    SchemaViolation
        If any check fails. Ingestion guarantees these properties, so a failure is a bug in
        this module, never a problem of the analysts' files.
    """
    problems = []
    for name in schema.TABLES:
        problems += _table_problems(tables[name], name, vocab)
    agreements = tables["agreements"]["agreement_id"]
    for name in ("scope_items", "activities"):
        ids = tables[name]["agreement_id"]
        orphans = ids[~_isin(ids, agreements)]
        if len(orphans):
            problems.append(f"{name}: agreement numbers without agreement {_shown(orphans)}")
    acts, items = tables["activities"], tables["scope_items"]
    lost = ~_isin(_pair_keys(acts), _pair_keys(items)) & acts["scope"].notna().to_numpy()
    if lost.any():
        pairs = sorted(set(zip(acts["agreement_id"][lost], acts["scope"][lost], strict=True)))
        problems.append(f"activities: scope items missing {pairs[:5]}")
    if problems:
        raise SchemaViolation(
            "internal error: the ingested tables break their schema (a bug in ingestion, not "
            "in the input): " + "; ".join(problems)
        )
