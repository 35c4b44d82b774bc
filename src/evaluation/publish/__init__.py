"""Stage 4 — publishing: the report pack (tables of record → notebooks → HTML → PDF).

:mod:`~evaluation.publish.run` checks the parameters, ingests when needed and swaps the
pack into place; :mod:`~evaluation.publish.build` builds it in a staging folder (the tables
of record computed once, then the notebooks, HTML and PDFs); :mod:`~evaluation.publish.notebooks` executes the notebooks
(papermill parameters, one kernel per worker); :mod:`~evaluation.publish.reuse` keeps reports
whose inputs did not change; :mod:`~evaluation.publish.html` renders executed notebooks;
:mod:`~evaluation.publish.pdf` prints them through :mod:`~evaluation.publish.browser`.
"""
