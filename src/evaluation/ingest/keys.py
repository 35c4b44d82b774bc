"""Linking child rows to their agreements: agreement numbers read as a person reads them,
and the closest known number suggested for one that still does not link."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import numpy as np

from evaluation.ingest.cells import Note
from evaluation.ingest.common import _id_key, _Record

if TYPE_CHECKING:
    from evaluation.ingest.rows import _Row

_ALPHABET = {c: i for i, c in enumerate("0123456789abcdefghijklmnopqrstuvwxyz")}


def _bag(key: str) -> np.ndarray:
    """Character counts of a key (letters, digits, one bin for all other characters)."""
    out = np.zeros(len(_ALPHABET) + 1, dtype=np.int32)
    other = len(_ALPHABET)
    for ch in key:
        out[_ALPHABET.get(ch, other)] += 1
    return out


class _Agreements:
    """Agreement numbers kept, with a lookup that reads numbers as a person does
    (:func:`~evaluation.ingest.common._id_key`) and suggests the closest for one that does not
    link."""

    #: How similar (difflib ratio of the keys) a known number must be to be suggested.
    CLOSE = 0.85
    #: Distinct unknown numbers that get a suggestion per run (the first ones met), so that
    #: a flood of unknown numbers against a national register stays cheap; beyond it the
    #: remark names no candidate.
    LOOKUPS = 200
    #: Candidates (those sharing the most characters) compared exactly per lookup.
    SHORTLIST = 200

    def __init__(self, kept: dict[str, _Record], bad_ids: set[str]):
        self.kept = kept
        self.by_key = {_id_key(aid): aid for aid in kept}
        self.bad_keys = {_id_key(aid) for aid in bad_ids}
        self._close: dict[str, list[str]] = {}
        self._bags: tuple[list[str], np.ndarray, np.ndarray] | None = None

    def _bag_matrix(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The kept keys, their character counts (one row each) and lengths (built once)."""
        if self._bags is None:
            keys = list(self.by_key)
            bags = np.zeros((len(keys), len(_ALPHABET) + 1), dtype=np.int32)
            for i, k in enumerate(keys):
                bags[i] = _bag(k)
            self._bags = keys, bags, np.array([len(k) for k in keys], dtype=np.int32)
        return self._bags

    def closest(self, key: str) -> list[str]:
        """The known agreement numbers closest to ``key`` (at most three equally close, at
        least :data:`CLOSE` similar by :class:`difflib.SequenceMatcher`); empty when none is
        close or :data:`LOOKUPS` is spent."""
        try:
            return self._close[key]
        except KeyError:
            pass
        found: list[str] = []
        if key and self.by_key and len(self._close) < self.LOOKUPS:
            keys, bags, lengths = self._bag_matrix()
            # shared characters bound the ratio from above: only those that may reach CLOSE
            shared = np.minimum(bags, _bag(key)).sum(axis=1)
            bound = 2.0 * shared / (lengths + len(key))
            idx = np.flatnonzero(bound >= self.CLOSE)
            if len(idx) > self.SHORTLIST:
                idx = idx[np.argsort(-bound[idx], kind="stable")[: self.SHORTLIST]]
            matcher = difflib.SequenceMatcher(autojunk=False)
            matcher.set_seq2(key)
            scored = []
            for i in idx.tolist():
                matcher.set_seq1(keys[i])
                if (r := matcher.ratio()) >= self.CLOSE:
                    scored.append((r, keys[i]))
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
