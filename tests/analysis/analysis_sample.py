"""The bundled sample, ingested once per test session, for tests that check figures on it.

A helper module, not a ``conftest.py``: test modules import the top-level ``conftest`` by
name, which a second ``conftest.py`` here would shadow. A test module wraps
:func:`prepared` in its own fixture.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path

from evaluation.analysis import metrics as m

#: The sample's evaluation date (the meeting of the source article).
SAMPLE_AS_OF = date(2024, 3, 14)


@lru_cache(maxsize=1)
def prepared() -> m.Prepared:
    """The bundled sample (``evaluation sample``, scale 1) written to a temporary folder,
    ingested and prepared for ``as_of`` 2024-03-14 with the default parameters."""
    from evaluation.authoring.sample import write_sample
    from evaluation.ingest import ingest

    tmp = Path(tempfile.mkdtemp(prefix="sample-"))
    try:
        write_sample(tmp / "raw")
        res = ingest(tmp / "raw")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    params = m.Params(as_of=SAMPLE_AS_OF)
    return m.prepare(m.Tables(res.agreements, res.scope_items, res.activities), params)
