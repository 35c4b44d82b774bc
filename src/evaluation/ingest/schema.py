"""Column contracts of the processed tables (the stable interfaces listed in the README).

Ingestion writes these tables; metrics and reports read them. Dates are
``datetime64[ns]`` at midnight, text columns are pandas ``string`` (missing = ``<NA>``),
``value`` is ``float64`` and ``source_row`` is the Excel row number (``int64``). An empty
``ends_on`` means the agreement states it has no end ("Tidak terbatas"): every other agreement
gets one (the default term, :func:`evaluation.ingest.cells.default_end_date`), and
``ends_on_basis`` records how it was obtained (:data:`ENDS_ON_BASES`).
"""

from __future__ import annotations

import pandas as pd

PROVENANCE = ["source_file", "source_sheet", "source_row"]

AGREEMENTS = [
    "agreement_id",
    "document_type",
    "partner_name",
    "partner_category",
    "province",
    "signed_on",
    "ends_on",
    "unit",
    "notes",
    *PROVENANCE,
    "ends_on_basis",
]
#: Columns ingestion derives rather than reads from a cell (not in a record's ``cells``).
#: ``ends_on_basis`` says where ``ends_on`` comes from: one of :data:`ENDS_ON_BASES`.
DERIVED = {"agreements": ("ends_on_basis",)}
#: ``stated`` (a date in the register), ``default_term`` (no end date: assumed signing + the
#: default term − 1 day), ``month`` / ``year`` / ``range`` (read as the last day of the month,
#: year or period written), ``term`` (a term such as "5 tahun" after signing), ``open``
#: (the agreement states it has no end; ``ends_on`` empty).
ENDS_ON_BASES = ("stated", "default_term", "month", "year", "range", "term", "open")
SCOPE_ITEMS = ["agreement_id", "scope", *PROVENANCE]
ACTIVITIES = [
    "agreement_id",
    "scope",
    "activity_date",
    "description",
    "status",
    "outcome_type",
    "value",
    "evidence",
    *PROVENANCE,
]
#: ``problem`` is the remark in English; ``code`` names its message ``dq.<code>`` in
#: translations.toml and ``fields`` holds its parameters as JSON; the report words the remark
#: in its own language when it shows it.
DATA_QUALITY = [
    "file", "sheet", "row", "column", "value", "problem", "action", "code", "fields",
]  # fmt: skip
ACTIONS = ("used", "fixed", "quarantined", "ignored")

DATE_COLUMNS = {"signed_on", "ends_on", "activity_date"}
FLOAT_COLUMNS = {"value"}
INT_COLUMNS = {"source_row"}

TABLES = {"agreements": AGREEMENTS, "scope_items": SCOPE_ITEMS, "activities": ACTIVITIES}


def dtype_for(column: str) -> str:
    if column in DATE_COLUMNS:
        return "datetime64[ns]"
    if column in FLOAT_COLUMNS:
        return "float64"
    if column in INT_COLUMNS:
        return "int64"
    return "string"


def empty_table(name: str) -> pd.DataFrame:
    """An empty DataFrame with the columns and dtypes of table ``name``."""
    cols = TABLES[name]
    return pd.DataFrame({c: pd.Series([], dtype=dtype_for(c)) for c in cols})


def coerce(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return ``df`` restricted to table ``name``'s columns, in order, with its dtypes."""
    cols = TABLES[name]
    out = pd.DataFrame(index=df.index)
    for c in cols:
        s = df[c] if c in df.columns else pd.Series([None] * len(df), index=df.index)
        dt = dtype_for(c)
        if dt.startswith("datetime"):
            s = pd.to_datetime(s).astype("datetime64[ns]")
        elif dt == "string":
            s = s.astype("string")
        else:
            s = s.astype(dt)
        out[c] = s
    return out.reset_index(drop=True)
