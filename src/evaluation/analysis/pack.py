"""The tables of record of a whole pack: the main report and one report per partner category.

``evaluation report`` computes :func:`~evaluation.analysis.tables.compute_tables` once for the
main report and once per partner category. Much of that work does not depend on the category:
the window and the per-agreement aggregation of the data (:func:`metrics.prepare`), the same
for the baseline the ``changes_*`` tables compare with, and reading an earlier report's data.
:class:`TablePack` does it once and hands each category its rows
(:func:`~evaluation.analysis.core.restrict`), and a category's list of agreements to assist
is cut from the whole list (:func:`~evaluation.analysis.core._memo_rows`); the tables
themselves are still computed by ``compute_tables``, the one place they are defined, and are
the same, frame for frame, as
``compute_tables(data, replace(rp, category=c), previous_dir, is_sample=...)``
(``tests/analysis/test_pack.py``).

>>> pack = TablePack(data, rp, previous_dir=prev, is_sample=True)   # doctest: +SKIP
>>> main = pack.tables()                                            # doctest: +SKIP
>>> health = pack.tables("Kesehatan")                               # doctest: +SKIP

The categories can be asked for in any order, one at a time (the report computes each one
while the notebooks of the others run).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from evaluation.analysis import metrics
from evaluation.analysis.core import restrict
from evaluation.analysis.tables import Sources, compute_tables
from evaluation.params import ReportParams


class _PackSources(Sources):
    """:class:`Sources` that prepare each snapshot once for all categories and restrict it."""

    def __init__(self, data: dict) -> None:
        super().__init__(data)
        self._all: dict[tuple, metrics.Prepared] = {}
        self._previous: dict[Path, metrics.Tables] = {}

    def _restricted(self, key: tuple, raw: metrics.Tables, mp: metrics.Params):
        base = replace(mp, category=None)
        full = self._all.get((*key, base))
        if full is None:
            full = self._all[(*key, base)] = metrics.prepare(raw, base)
        return full if mp.category is None else restrict(full, mp.category, raw)

    def prepared(self, mp: metrics.Params) -> metrics.Prepared:
        return self._restricted(("data",), self.raw(), mp)

    def previous(self, folder: Path, mp: metrics.Params) -> metrics.Prepared:
        folder = Path(folder)
        raw = self._previous.get(folder)
        if raw is None:
            from evaluation.ingest import load_processed

            prev = load_processed(folder)
            raw = metrics.Tables(prev["agreements"], prev["scope_items"], prev["activities"])
            self._previous[folder] = raw
        return self._restricted(("previous", folder), raw, mp)


class TablePack:
    """The tables of record of one pack (main report and partner categories).

    Parameters
    ----------
    data
        :func:`evaluation.ingest.load_processed` output (not modified).
    rp
        Report parameters of the main report, ``as_of`` resolved; ``rp.category`` must be
        None (the pack's categories are given to :meth:`tables`).
    previous_dir, is_sample
        As :func:`~evaluation.analysis.tables.compute_tables`.
    """

    def __init__(
        self,
        data: dict,
        rp: ReportParams,
        previous_dir: Path | None = None,
        *,
        is_sample: bool = False,
    ) -> None:
        if rp.category is not None:
            raise ValueError("a pack's main report covers every category (category=None)")
        self.data = data
        self.rp = rp
        self.previous_dir = previous_dir
        self.is_sample = is_sample
        self._sources = _PackSources(data)

    def tables(self, category: str | None = None) -> dict[str, pd.DataFrame]:
        """The tables of the main report (``category`` None) or of one partner category:
        ``compute_tables(data, replace(rp, category=category), previous_dir, ...)``.

        Raises
        ------
        ParameterError
            If ``category`` is not a partner category of the vocabulary.
        """
        return compute_tables(
            self.data,
            replace(self.rp, category=category),
            previous_dir=self.previous_dir,
            is_sample=self.is_sample,
            sources=self._sources,
        )


__all__ = ["TablePack"]
