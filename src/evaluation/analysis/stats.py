"""Small statistical helpers: Wilson score intervals, exact binomial funnel limits and the
Kaplan-Meier estimator.

Implemented here (numpy only) so that the report does not depend on a statistics package and
every number can be checked by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Two-sided 95% normal quantile, the default ``z`` of :func:`wilson`.
Z95 = 1.959963984540054

KM_COLUMNS = ["time", "at_risk", "events", "censored", "survival"]


def _check_counts(k: np.ndarray, n: np.ndarray) -> None:
    if not (np.all(np.isfinite(k)) and np.all(np.isfinite(n))):
        raise ValueError("Counts k and n must be finite numbers.")
    if np.any(k != np.floor(k)) or np.any(n != np.floor(n)):
        raise ValueError("Counts k and n must be whole numbers.")
    if np.any(k < 0) or np.any(n < 0) or np.any(k > n):
        raise ValueError("Counts must satisfy 0 <= k <= n.")


def wilson_interval(
    k: Sequence[float] | np.ndarray | pd.Series,
    n: Sequence[float] | np.ndarray | pd.Series,
    z: float = Z95,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson score interval for proportions ``k / n``.

    Parameters
    ----------
    k, n
        Successes and trials, same length, whole numbers with ``0 <= k <= n``.
    z
        Normal quantile (default 95% two-sided).

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)`` as float arrays, clipped to ``[0, 1]``; ``nan`` where ``n == 0``.

    Raises
    ------
    ValueError
        If the arrays differ in length, a count is negative, fractional or ``k > n``, or
        ``z`` is not positive.
    """
    k_arr = np.asarray(k, dtype="float64").reshape(-1)
    n_arr = np.asarray(n, dtype="float64").reshape(-1)
    if k_arr.shape != n_arr.shape:
        raise ValueError("k and n must have the same length.")
    if not (z > 0 and math.isfinite(z)):
        raise ValueError("z must be a positive number.")
    _check_counts(k_arr, n_arr)
    low, high = wilson_from_rate(k_arr / np.where(n_arr > 0, n_arr, 1.0), n_arr, z)
    # The bounds are exactly 0 (k = 0) and 1 (k = n) analytically; remove rounding noise.
    ok = n_arr > 0
    low[ok & (k_arr == 0)] = 0.0
    high[ok & (k_arr == n_arr)] = 1.0
    return low, high


def wilson_from_rate(
    p: Sequence[float] | np.ndarray | pd.Series,
    n: Sequence[float] | np.ndarray | pd.Series,
    z: float = Z95,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``p`` observed on ``n`` trials, ``n`` not
    necessarily whole (an *effective* sample size, see :mod:`evaluation.analysis.clustered`).

    Same formula as :func:`wilson_interval`; bounds clipped to ``[0, 1]``, ``nan`` where
    ``n <= 0`` or ``p`` is missing.

    Raises
    ------
    ValueError
        If the arrays differ in length, ``p`` lies outside ``[0, 1]``, ``n`` is negative or
        ``z`` is not positive.
    """
    p_arr = np.asarray(p, dtype="float64").reshape(-1)
    n_arr = np.asarray(n, dtype="float64").reshape(-1)
    if p_arr.shape != n_arr.shape:
        raise ValueError("p and n must have the same length.")
    if not (z > 0 and math.isfinite(z)):
        raise ValueError("z must be a positive number.")
    if np.any(n_arr < 0) or np.any((p_arr < 0) | (p_arr > 1)):
        raise ValueError("p must lie in [0, 1] and n must not be negative.")
    low = np.full(p_arr.shape, np.nan)
    high = np.full(p_arr.shape, np.nan)
    ok = (n_arr > 0) & np.isfinite(p_arr) & np.isfinite(n_arr)
    if ok.any():
        pp, nn = p_arr[ok], n_arr[ok]
        z2 = z * z
        denom = 1.0 + z2 / nn
        centre = (pp + z2 / (2.0 * nn)) / denom
        half = (z / denom) * np.sqrt(pp * (1.0 - pp) / nn + z2 / (4.0 * nn * nn))
        low[ok] = np.clip(centre - half, 0.0, 1.0)
        high[ok] = np.clip(centre + half, 0.0, 1.0)
        low[ok & (p_arr == 0)] = 0.0
        high[ok & (p_arr == 1)] = 1.0
    return low, high


def binomial_limit(p0: float, n: int, q: float) -> float:
    """Exact binomial control limit of a funnel plot (Spiegelhalter 2005, appendix A.1.1).

    For ``R ~ Binomial(n, p0)`` take ``r``, the smallest count with ``P(R <= r) >= q``, and
    interpolate between the discrete steps of the distribution::

        alpha = (P(R <= r) - q) / (P(R = r))
        limit = (r - alpha) / n

    so the limits form a smooth funnel instead of a staircase. ``q`` is 0.025 / 0.975 for
    the 95% limits and 0.001 / 0.999 for the 99.8% limits. The probabilities are computed
    from the binomial mass function in log space (log factorials as cumulative sums), numpy only.

    Parameters
    ----------
    p0
        Target (overall) proportion, ``0 <= p0 <= 1``.
    n
        Group size, a whole number >= 1.
    q
        Tail probability, ``0 < q < 1``.

    Returns
    -------
    float
        The limit as a proportion, clipped to ``[0, 1]`` (the interpolation can step below 0
        or above 1 at the extreme counts); ``p0`` itself when ``p0`` is 0 or 1.

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> round(binomial_limit(0.5, 4, 0.975), 12)  # r = 4, alpha = (1 - 0.975) / (1/16) = 0.4
    0.9
    """
    if not (0.0 <= p0 <= 1.0) or not (0.0 < q < 1.0):
        raise ValueError("p0 must lie in [0, 1] and q in (0, 1).")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError("n must be a whole number >= 1.")
    n = int(n)
    if p0 in (0.0, 1.0):
        return float(p0)
    pmf = _binomial_pmf(p0, n)
    cdf = np.minimum(np.cumsum(pmf), 1.0)
    cdf[-1] = 1.0
    rq = int(min(np.searchsorted(cdf, q - 1e-12, side="left"), n))
    alpha = (cdf[rq] - q) / pmf[rq] if pmf[rq] > 0 else 0.0
    return float(min(max((rq - alpha) / n, 0.0), 1.0))


def _binomial_pmf(p0: float, n: int) -> np.ndarray:
    """``P(R = r)``, ``r = 0..n``, for ``R ~ Binomial(n, p0)``, ``0 < p0 < 1`` (log space)."""
    r = np.arange(n + 1, dtype="float64")
    lg = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n + 1, dtype="float64")))])
    return np.exp(lg[n] - lg - lg[::-1] + r * math.log(p0) + (n - r) * math.log1p(-p0))


def binomial_tails(p0: float, n: int, r: int) -> tuple[float, float]:
    """Exact tail probabilities ``(P(R <= r), P(R >= r))`` for ``R ~ Binomial(n, p0)``.

    Raises
    ------
    ValueError
        If ``p0`` is outside ``[0, 1]`` or not ``0 <= r <= n``.

    Examples
    --------
    >>> [round(x, 4) for x in binomial_tails(0.5, 4, 3)]  # 15/16 and 5/16
    [0.9375, 0.3125]
    """
    if not (0.0 <= p0 <= 1.0) or not (0 <= r <= n):
        raise ValueError("p0 must lie in [0, 1] and 0 <= r <= n.")
    n, r = int(n), int(r)
    if p0 in (0.0, 1.0):
        at = 0 if p0 == 0.0 else n
        return (1.0 if r >= at else 0.0), (1.0 if r <= at else 0.0)
    pmf = _binomial_pmf(p0, n)
    return float(min(pmf[: r + 1].sum(), 1.0)), float(min(pmf[r:].sum(), 1.0))


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for one proportion ``k / n``.

    ``centre = (p + z²/2n) / (1 + z²/n)``, ``half = z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)``.

    Parameters
    ----------
    k
        Successes (whole number, ``0 <= k <= n``).
    n
        Trials (whole number).
    z
        Normal quantile; the default gives a 95% interval.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(nan, nan)`` when ``n == 0``.

    Raises
    ------
    ValueError
        If ``k`` or ``n`` is negative, fractional or ``k > n``, or ``z`` is not positive.

    Examples
    --------
    >>> [round(x, 4) for x in wilson(5, 10)]
    [0.2366, 0.7634]
    """
    low, high = wilson_interval([k], [n], z)
    return float(low[0]), float(high[0])


def kaplan_meier(
    durations: Sequence[float] | np.ndarray | pd.Series,
    observed: Sequence[bool] | np.ndarray | pd.Series,
) -> pd.DataFrame:
    """Kaplan-Meier (product-limit) estimate of the survival function.

    At each distinct time ``t`` (event or censoring) ``S(t) = S(t-) * (1 - d_t / n_t)`` where
    ``n_t`` is the number still at risk just before ``t`` and ``d_t`` the events at ``t``.
    Subjects censored at ``t`` are counted at risk at ``t`` (events precede censoring).

    Parameters
    ----------
    durations
        Time to event or censoring for each subject (finite, non-negative).
    observed
        True where the event happened at ``duration``, False where it was censored.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time, ascending: ``time`` (float), ``at_risk``, ``events``,
        ``censored`` (int64) and ``survival`` (float, S just after ``time``). Empty (with these
        columns) when there are no subjects.

    Raises
    ------
    ValueError
        If the inputs differ in length, or a duration is negative, missing or infinite.
    """
    t = np.asarray(durations, dtype="float64").reshape(-1)
    e = np.asarray(observed).reshape(-1)
    if t.shape != e.shape:
        raise ValueError("durations and observed must have the same length.")
    if t.size and (not np.all(np.isfinite(t)) or np.any(t < 0)):
        raise ValueError("Durations must be finite and non-negative.")
    e = e.astype(bool)
    if t.size == 0:
        return pd.DataFrame(
            {
                "time": pd.Series([], dtype="float64"),
                "at_risk": pd.Series([], dtype="int64"),
                "events": pd.Series([], dtype="int64"),
                "censored": pd.Series([], dtype="int64"),
                "survival": pd.Series([], dtype="float64"),
            }
        )
    times, inverse = np.unique(t, return_inverse=True)
    events = np.bincount(inverse, weights=e.astype("float64"), minlength=times.size)
    total = np.bincount(inverse, minlength=times.size).astype("float64")
    censored = total - events
    # At risk just before each time: everyone whose duration is >= that time.
    at_risk = total[::-1].cumsum()[::-1]
    survival = np.cumprod(1.0 - events / at_risk)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk.astype("int64"),
            "events": events.astype("int64"),
            "censored": censored.astype("int64"),
            "survival": survival,
        }
    )


def km_survival_at(km: pd.DataFrame, t: float) -> float:
    """Survival ``S(t)`` read from a :func:`kaplan_meier` table (right-continuous step).

    Parameters
    ----------
    km
        Output of :func:`kaplan_meier`.
    t
        Time at which to read the curve.

    Returns
    -------
    float
        ``S(t)``; 1.0 before the first time; ``nan`` when ``t`` lies beyond the last observed
        time (the curve is unknown there) unless the survival already reached 0; ``nan`` for
        an empty table.
    """
    if km.empty:
        return math.nan
    times = km["time"].to_numpy(dtype="float64")
    surv = km["survival"].to_numpy(dtype="float64")
    if t > times[-1]:
        return 0.0 if surv[-1] == 0 else math.nan
    idx = np.searchsorted(times, t, side="right") - 1
    return 1.0 if idx < 0 else float(surv[idx])


def km_median(km: pd.DataFrame) -> float:
    """Median survival time: the smallest time at which ``S(t) <= 0.5``.

    Parameters
    ----------
    km
        Output of :func:`kaplan_meier`.

    Returns
    -------
    float
        The median time, or ``nan`` when the curve never falls to 0.5 (median not reached) or
        the table is empty.
    """
    if km.empty:
        return math.nan
    hit = km.loc[km["survival"] <= 0.5 + 1e-12, "time"]
    return float(hit.iloc[0]) if len(hit) else math.nan
