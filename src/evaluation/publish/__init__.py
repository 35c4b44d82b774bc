"""Stage 4 — publishing: the report pack (tables of record → notebooks → HTML → PDF).

:mod:`~evaluation.publish.run` computes the tables of record once, builds the pack in a
staging folder and swaps it in; :mod:`~evaluation.publish.notebooks` executes the notebooks
(papermill parameters, one kernel per worker); :mod:`~evaluation.publish.reuse` keeps reports
whose inputs did not change; :mod:`~evaluation.publish.html` renders executed notebooks;
:mod:`~evaluation.publish.pdf` prints them through :mod:`~evaluation.publish.browser`.
"""
