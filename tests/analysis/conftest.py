"""The bundled sample, ingested once per test session, for tests that check figures on it."""

from __future__ import annotations

from datetime import date

import pytest

from evaluation.analysis import metrics as m

#: The sample's evaluation date (the meeting of the source article).
SAMPLE_AS_OF = date(2024, 3, 14)


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> m.Prepared:
    """The bundled sample (``evaluation sample``, scale 1) written, ingested and prepared for
    ``as_of`` 2024-03-14 with the default parameters."""
    from evaluation.authoring.sample import write_sample
    from evaluation.ingest import ingest

    raw = tmp_path_factory.mktemp("sample") / "raw"
    write_sample(raw)
    res = ingest(raw)
    params = m.Params(as_of=SAMPLE_AS_OF)
    return m.prepare(m.Tables(res.agreements, res.scope_items, res.activities), params)
