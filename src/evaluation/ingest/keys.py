"""Linking child rows to their agreements: agreement numbers read as a person reads them,
and the closest known number suggested for one that still does not link."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from evaluation.ingest.cells import Note
from evaluation.ingest.common import _id_key, _Record

if TYPE_CHECKING:
    from evaluation.ingest.rows import _Row


class _Agreements:
    """Agreement numbers kept, with a lookup that reads numbers as a person does
    (:func:`~evaluation.ingest.common._id_key`) and suggests the closest for one that does not
    link."""

    #: How similar (difflib ratio of the keys) a known number must be to be suggested.
    CLOSE = 0.85
    #: Key comparisons spent on suggestions per run, so that a flood of unknown numbers
    #: against a national register stays cheap (beyond it: no suggestion).
    BUDGET = 2_000_000

    def __init__(self, kept: dict[str, _Record], bad_ids: set[str]):
        self.kept = kept
        self.by_key = {_id_key(aid): aid for aid in kept}
        self.bad_keys = {_id_key(aid) for aid in bad_ids}
        self._close: dict[str, list[str]] = {}
        self._budget = self.BUDGET

    def closest(self, key: str) -> list[str]:
        """The known agreement numbers closest to ``key`` (at most three equally close, at
        least :data:`CLOSE` similar); empty when none is close or the budget is spent."""
        try:
            return self._close[key]
        except KeyError:
            pass
        found: list[str] = []
        if key and len(self.by_key) <= self._budget:
            self._budget -= len(self.by_key)
            matcher = difflib.SequenceMatcher(autojunk=False)
            matcher.set_seq2(key)
            scored = []
            for other in self.by_key:
                matcher.set_seq1(other)
                if (
                    matcher.real_quick_ratio() >= self.CLOSE
                    and matcher.quick_ratio() >= self.CLOSE
                    and (r := matcher.ratio()) >= self.CLOSE
                ):
                    scored.append((r, other))
            if scored:
                best = max(r for r, _ in scored)
                found = sorted(self.by_key[k] for r, k in scored if r == best)
                found = found if len(found) <= 3 else []
        self._close[key] = found
        return found

    def resolve(self, chk: _Row) -> str | None:
        """The kept agreement number a row refers to, or None (reported, quarantined)."""
        aid = chk.required_text("agreement_id")
        if aid is None:
            return None
        if aid in self.kept:
            return aid
        key = _id_key(aid)
        if key in self.by_key:
            canonical = self.by_key[key]
            chk.report(
                "agreement_id",
                aid,
                Note(
                    "agreement number written differently from its 'Perjanjian' row; read as "
                    f"'{canonical}'",
                    code="agreement_id_variant",
                    agreement_id=canonical,
                ),
                "fixed",
            )
            return canonical
        if key in self.bad_keys:
            problem = Note(
                "its agreement row is quarantined; fix that row first",
                code="agreement_quarantined",
            )
        elif close := self.closest(key):
            problem = Note(
                "agreement number not found in any 'Perjanjian' sheet; did you mean "
                f"'{'; '.join(close)}'? Correct the number or add the agreement",
                code="agreement_not_found_close",
                candidates=close,
            )
        else:
            problem = Note(
                "agreement number not found in any 'Perjanjian' sheet; check the number or "
                "add the agreement",
                code="agreement_not_found",
            )
        chk.report("agreement_id", aid, problem, "quarantined")
        return None
