"""Stage 4 — publishing: the report pack (papermill → nbconvert HTML → Chromium PDF).

:mod:`~evaluation.publish.run` builds the pack in a staging folder and swaps it in,
:mod:`~evaluation.publish.html` renders executed notebooks, :mod:`~evaluation.publish.pdf`
prints them through :mod:`~evaluation.publish.browser`.
"""
