"""Tests of the scope coverage checks (evaluation.analysis.coverage).

Register: ``make_register()`` of tests/registers.py (fixture ``register``). In the window (A5 signed before
since is out): Pemerintah Daerah A1 (S1, S2), A4 (S1); Lembaga Pendidikan A2 (S2), A3 (S8),
A6 (no scope). The vocabulary's typical scopes: Pemerintah Daerah 1-5, Lembaga Pendidikan
2, 8, 9, 10. So: A6 has no scope; Pemda scope 1 is carried by 2, scope 2 by 1, scopes 3, 4, 5 by
none; Pendidikan scopes 2 and 8 by 1 each, 9 and 10 by none; the other categories have no
agreements.
"""

from __future__ import annotations

from datetime import date

import pytest

from evaluation.analysis import coverage, metrics
from evaluation.vocab.loader import load_vocabulary
from registers import make_register


@pytest.fixture
def register() -> dict:
    return make_register()


AS_OF = date(2024, 3, 14)


def _prepared(data, **kw):
    mp = metrics.Params(as_of=AS_OF, **kw)
    return metrics.prepare(
        metrics.Tables(data["agreements"], data["scope_items"], data["activities"]), mp
    )


def test_agreements_without_scope(register):
    out = coverage.agreements_without_scope(_prepared(register))
    assert list(out["agreement_id"]) == ["A6"]
    assert list(out.columns) == coverage.WITHOUT_SCOPE_COLUMNS
    assert out.loc[0, "source_row"] == 7


def test_expected_scopes_by_hand(register):
    vocab = load_vocabulary()
    out = coverage.expected_scopes(_prepared(register))
    code = {label: c for c in range(1, 11) for label in [vocab.scope_by_code(c)]}
    got = {
        (r.category, code[r.scope]): (r.agreements, r.agreements_with_scope, r.used)
        for r in out.itertuples()
    }
    pd_, lp = "Pemerintah Daerah", "Lembaga Pendidikan"
    assert got[(pd_, 1)] == (2, 2, True)
    assert got[(pd_, 2)] == (2, 1, True)
    assert [got[(pd_, c)] for c in (3, 4, 5)] == [(2, 0, False)] * 3
    assert got[(lp, 2)] == (3, 1, True) and got[(lp, 8)] == (3, 1, True)
    assert got[(lp, 9)] == got[(lp, 10)] == (3, 0, False)
    assert got[("Lembaga Kesehatan", 6)] == (0, 0, False)
    # one row per (category, typical scope) of the vocabulary
    n = sum(
        len(vocab.partner_categories.term(c).typical_scopes)
        for c in vocab.partner_categories.labels
    )
    assert len(out) == n


def test_expected_scopes_of_one_category(register):
    out = coverage.expected_scopes(_prepared(register, category="Lembaga Pendidikan"))
    assert set(out["category"]) == {"Lembaga Pendidikan"}
    assert int((~out["used"]).sum()) == 2
