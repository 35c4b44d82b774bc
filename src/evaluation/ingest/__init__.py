"""Stage 1 — ingestion: analysts' spreadsheets in ``data/raw`` → typed tables in ``data/processed``.

The flow, one module a step: :mod:`~evaluation.ingest.files` finds the input files,
:mod:`~evaluation.ingest.reader` opens them (after the checks of :mod:`~evaluation.ingest.safety`), :mod:`~evaluation.ingest.sheets` finds each
known sheet, its header and data rows, :mod:`~evaluation.ingest.cells` parses cell values,
:mod:`~evaluation.ingest.rows` and :mod:`~evaluation.ingest.children` check agreement, scope
and activity rows (:mod:`~evaluation.ingest.keys` links them by agreement number), :mod:`~evaluation.ingest.guard` builds and checks the final tables,
:mod:`~evaluation.ingest.pipeline` runs these steps (:func:`ingest`) and
:mod:`~evaluation.ingest.store` writes and reads the processed tables. Remarks go to
:mod:`~evaluation.ingest.quality`; :mod:`~evaluation.ingest.schema` defines the tables.
Never imports analysis, presentation or publishing.
"""

from evaluation.ingest.cells import default_end_date
from evaluation.ingest.common import EXCEL_CELL_LIMIT, IngestResult, SchemaViolation
from evaluation.ingest.guard import validate_tables
from evaluation.ingest.pipeline import ingest
from evaluation.ingest.store import (
    format_summary,
    is_up_to_date,
    load_processed,
    read_manifest,
    run_ingest,
    write_processed,
)

__all__ = [
    "EXCEL_CELL_LIMIT",
    "IngestResult",
    "SchemaViolation",
    "default_end_date",
    "format_summary",
    "ingest",
    "is_up_to_date",
    "load_processed",
    "read_manifest",
    "run_ingest",
    "validate_tables",
    "write_processed",
]
