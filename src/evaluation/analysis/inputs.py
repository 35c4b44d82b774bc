"""Inputs of the analysis: the evaluation parameters and the three processed tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from evaluation import config
from evaluation.errors import InputError, ParameterError
from evaluation.ingest.schema import dtype_for
from evaluation.vocab.loader import load_vocabulary

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
        "ends_on_basis",
    ),
    "scope_items": ("agreement_id", "scope"),
    "activities": ("agreement_id", "scope", "activity_date", "status", "outcome_type", "value"),
}
#: Accepted names for grouping columns -> internal column.


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
