"""Funnel plots of the agreement follow-up rate per province and per responsible unit.

A funnel plot (Spiegelhalter, "Funnel plots for comparing institutional performance",
*Statistics in Medicine* 24, 2005) draws each group's rate against its size, around the
overall rate, with control limits that narrow as the group grows: a small province at 0% may
be within what chance alone produces, a large one at 30% may not. Here the rate is the
agreement follow-up rate (agreements with at least one realised follow-up activity /
agreements) and the target is the overall rate of all agreements in the evaluation.

Limits are **exact binomial** limits with Spiegelhalter's interpolation
(:func:`evaluation.analysis.stats.binomial_limit`), not the normal approximation, because
most provinces and units hold only a handful of agreements: 95% limits (tail probabilities
0.025 / 0.975, about 2 standard errors) and 99.8% limits (0.001 / 0.999, about 3).

A group's ``position`` is ``below_998`` (below the lower 99.8% limit), ``below_95``,
``within``, ``above_95`` or ``above_998``. It is decided by the exact binomial tail
probability of the group's own count, the test the limits stand for: ``below_95`` when
``P(R <= agreements_followed_up) < 0.025``, ``below_998`` when it is ``< 0.001`` (mirror for above). The
interpolated limits serve the drawing; deciding by them would flag, for instance, every group
of one agreement at 100% as "above 99.8%" (the interpolated upper limit at n = 1 is just below
1), although such a count happens with probability equal to the overall rate. With 20 or more
groups about one in twenty lies outside the 95% limits by chance alone; the 99.8% limits are
the ones that call for a look.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evaluation.analysis.core import _core
from evaluation.analysis.frames import _grouped
from evaluation.analysis.inputs import Params
from evaluation.analysis.stats import binomial_limit, binomial_tails

#: One-sided tail probabilities of the 95% and 99.8% limits.
TAIL_95, TAIL_998 = 0.025, 0.001
#: Cumulative probability of each limit, by column name.
LIMITS = {
    "limit_95_low": TAIL_95,
    "limit_95_high": 1 - TAIL_95,
    "limit_998_low": TAIL_998,
    "limit_998_high": 1 - TAIL_998,
}
#: Columns of :func:`funnel_table` after the grouping column (``province`` or ``unit``).
FUNNEL_COLUMNS = [
    "agreements",
    "agreements_followed_up",
    "followup_rate",
    "overall_rate",
    *LIMITS,
    "position",
]
FUNNEL_LIMIT_COLUMNS = ["agreements", "overall_rate", *LIMITS]
POSITIONS = ("below_998", "below_95", "within", "above_95", "above_998")
_BY = {"province": "province", "unit": "unit"}


def _limits(p0: float, ns: np.ndarray) -> dict[str, np.ndarray]:
    out = {}
    for col, q in LIMITS.items():
        vals = [binomial_limit(p0, int(n), q) if n >= 1 and np.isfinite(p0) else np.nan for n in ns]
        out[col] = np.asarray(vals, dtype="float64")
    return out


def _position(p0: float, n: int, k: int) -> str:
    if not np.isfinite(p0) or n < 1:
        return "within"
    low, high = binomial_tails(p0, n, k)
    if low < TAIL_998:
        return "below_998"
    if low < TAIL_95:
        return "below_95"
    if high < TAIL_998:
        return "above_998"
    if high < TAIL_95:
        return "above_95"
    return "within"


def _overall(summary: pd.DataFrame) -> float:
    n = len(summary)
    return float(summary["followed_up"].sum()) / n if n else float("nan")


def funnel_table(tables: Any, params: Params, by: str) -> pd.DataFrame:
    """Follow-up rate per province or unit with its funnel limits and position.

    Parameters
    ----------
    tables, params
        As :func:`evaluation.analysis.rates.rates`.
    by
        ``province`` or ``unit`` (column of ``agreements``).

    Returns
    -------
    pandas.DataFrame
        The group column (``province`` or ``unit``; missing for agreements without one),
        then :data:`FUNNEL_COLUMNS`: ``agreements``, ``agreements_followed_up``,
        ``followup_rate`` (as in the rate tables), ``overall_rate`` (all agreements),
        ``limit_95_low``, ``limit_95_high``, ``limit_998_low``, ``limit_998_high`` (exact
        binomial limits around ``overall_rate`` at the group's size) and ``position`` (one
        of :data:`POSITIONS`, from the exact tail probability of ``agreements_followed_up``).
        One row per group that occurs, vocabulary order for provinces (unknown labels A-Z,
        missing last), A-Z for units.

    Raises
    ------
    ValueError
        If ``by`` is not ``province`` or ``unit``.
    ParameterError, InputError
        As :func:`evaluation.analysis.rates.rates`.
    """
    if by not in _BY:
        raise ValueError(f"funnel_table: by must be 'province' or 'unit', got {by!r}")
    core = _core(tables, params)
    s = core.summary
    res = _grouped(
        s,
        [_BY[by]],
        {
            "agreements": ("agreement_id", "size"),
            "agreements_followed_up": ("followed_up", "sum"),
        },
        params,
        core.vocab,
        False,
    )
    p0 = _overall(s)
    res["followup_rate"] = (res["agreements_followed_up"] / res["agreements"]).astype("float64")
    res["overall_rate"] = p0
    lim = _limits(p0, res["agreements"].to_numpy())
    for col, vals in lim.items():
        res[col] = vals
    res["position"] = pd.Series(
        [
            _position(p0, int(n), int(k))
            for n, k in zip(res["agreements"], res["agreements_followed_up"], strict=True)
        ],
        index=res.index,
        dtype="string",
    )
    return res[[_BY[by], *FUNNEL_COLUMNS]].reset_index(drop=True)


def funnel_limits(tables: Any, params: Params, n_max: int) -> pd.DataFrame:
    """The funnel's limit curves for a chart: the limits at group sizes 1..``n_max``.

    Every size up to 60, then about 120 sizes spaced geometrically up to ``n_max`` (the
    curves are smooth there). Columns :data:`FUNNEL_LIMIT_COLUMNS`.

    Raises
    ------
    ParameterError, InputError
        As :func:`evaluation.analysis.rates.rates`.
    """
    core = _core(tables, params)
    p0 = _overall(core.summary)
    n_max = max(int(n_max), 1)
    grid = np.unique(
        np.concatenate(
            [
                np.arange(1, min(n_max, 60) + 1),
                np.round(np.geomspace(1, n_max, 120)).astype("int64"),
                [n_max],
            ]
        )
    )
    out = pd.DataFrame({"agreements": grid.astype("int64"), "overall_rate": p0})
    for col, vals in _limits(p0, grid).items():
        out[col] = vals
    return out[FUNNEL_LIMIT_COLUMNS]


__all__ = [
    "FUNNEL_COLUMNS",
    "FUNNEL_LIMIT_COLUMNS",
    "LIMITS",
    "POSITIONS",
    "funnel_limits",
    "funnel_table",
]
