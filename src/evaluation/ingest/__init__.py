"""Stage 1 — ingestion: analysts' spreadsheets in ``data/raw`` → typed tables in ``data/processed``.

:mod:`~evaluation.ingest.reader` opens files safely, :mod:`~evaluation.ingest.cells` parses
cell values, :mod:`~evaluation.ingest.pipeline` finds sheets and headers, checks rows and
writes the processed tables, :mod:`~evaluation.ingest.quality` keeps the data-quality log and
:mod:`~evaluation.ingest.schema` defines the tables. Never imports analysis or presentation.
"""
