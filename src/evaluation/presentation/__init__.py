"""Stage 3 — presentation: tables of record → formatted tables, charts and text for notebooks.

:mod:`~evaluation.presentation.report` loads a report's tables of record (``muat_laporan``);
:mod:`~evaluation.presentation.display` and :mod:`~evaluation.presentation.grafik` are the
small helpers a notebook cell calls (``tabel``, ``bagian``, ``grafik.batang_tingkat`` …), all
in :mod:`~evaluation.presentation.notebook`. Words come from ``translations.toml``
(:mod:`~evaluation.presentation.text`, :mod:`~evaluation.presentation.wording`) in the
report's language; :mod:`~evaluation.presentation.workbook` writes ``ringkasan.xlsx``.
"""
