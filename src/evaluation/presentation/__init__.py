"""Stage 3 — presentation: tables of record → formatted tables, charts and text for notebooks.

Words come from ``translations.toml`` (:mod:`~evaluation.presentation.text`) in the report's
language; :mod:`~evaluation.presentation.workbook` writes ``ringkasan.xlsx``.
"""
