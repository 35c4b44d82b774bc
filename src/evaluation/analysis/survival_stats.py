"""Survival estimators beyond the product limit: Greenwood intervals and Aalen-Johansen.

Implemented with numpy only, like :mod:`evaluation.analysis.stats`, so that every number can
be checked by hand (the tests do, and compare with statsmodels on the bundled sample).

* :func:`greenwood_loglog` - pointwise 95% interval of a Kaplan-Meier curve from Greenwood's
  variance, on the log-log scale (Kalbfleisch and Prentice), which keeps it inside ``[0, 1]``.
* :func:`aalen_johansen` - cumulative incidence of one event type when another event type
  competes with it (an agreement that ends without follow-up can no longer be followed up as
  an agreement in force): ``F_k(t) = sum_{t_j <= t} S(t_j-) d_kj / n_j`` with ``S`` the
  Kaplan-Meier survival from *any* event.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.analysis.stats import Z95

AJ_COLUMNS = [
    "time",
    "at_risk",
    "events",
    "competing",
    "censored",
    "incidence",
    "competing_incidence",
]


def greenwood_loglog(km: pd.DataFrame, z: float = Z95) -> pd.DataFrame:
    """Greenwood variance and log-log interval of a Kaplan-Meier table.

    Greenwood: ``Var S(t) = S(t)^2 * g(t)`` with ``g(t) = sum_{t_j <= t} d_j / (n_j (n_j - d_j))``.
    Log-log interval: ``S(t) ** exp(±z * sqrt(g(t)) / |log S(t)|)`` (the lower bound takes
    the ``+``). Where ``S = 1`` (no event yet) the interval is ``[1, 1]``; where ``S = 0``
    (every subject still at risk had the event) it is undefined (``nan``).

    Parameters
    ----------
    km
        :func:`evaluation.analysis.stats.kaplan_meier` output (``at_risk``, ``events``,
        ``survival``).
    z
        Normal quantile (default 95% two-sided).

    Returns
    -------
    pandas.DataFrame
        Same index: ``variance`` (Greenwood, of ``S``), ``survival_low``, ``survival_high``.
    """
    n = km["at_risk"].to_numpy(dtype="float64")
    d = km["events"].to_numpy(dtype="float64")
    s = km["survival"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(d > 0, d / (n * (n - d)), 0.0)
        g = np.cumsum(term)
        variance = np.where(s > 0, s * s * g, np.nan)
        log_s = np.log(s)
        se_ll = np.sqrt(g) / np.abs(log_s)
        low = np.power(s, np.exp(z * se_ll))
        high = np.power(s, np.exp(-z * se_ll))
    one = s >= 1.0
    low[one], high[one] = 1.0, 1.0
    zero = ~(s > 0)
    low[zero], high[zero] = np.nan, np.nan
    return pd.DataFrame(
        {"variance": variance, "survival_low": low, "survival_high": high}, index=km.index
    )


def aalen_johansen(
    durations: Sequence[float] | np.ndarray | pd.Series,
    cause: Sequence[int] | np.ndarray | pd.Series,
) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence of an event with one competing event.

    Parameters
    ----------
    durations
        Time to the first of: the event, the competing event, censoring (finite, >= 0).
    cause
        ``1`` the event of interest, ``2`` the competing event, ``0`` censored. At a tied
        time, events of both kinds precede censoring.

    Returns
    -------
    pandas.DataFrame
        One row per distinct time, ascending: ``time``, ``at_risk`` (just before),
        ``events`` (cause 1), ``competing`` (cause 2), ``censored`` (int64), ``incidence``
        (``F_1`` just after ``time``) and ``competing_incidence`` (``F_2``). ``F_1 + F_2 +
        S = 1`` at every time.

    Raises
    ------
    ValueError
        If the inputs differ in length, a duration is negative or not finite, or a cause is
        not 0, 1 or 2.
    """
    t = np.asarray(durations, dtype="float64").reshape(-1)
    c = np.asarray(cause).reshape(-1).astype("int64")
    if t.shape != c.shape:
        raise ValueError("durations and cause must have the same length.")
    if t.size and (not np.all(np.isfinite(t)) or np.any(t < 0)):
        raise ValueError("Durations must be finite and non-negative.")
    if np.any((c < 0) | (c > 2)):
        raise ValueError("A cause must be 0 (censored), 1 (event) or 2 (competing event).")
    if t.size == 0:
        return pd.DataFrame({k: pd.Series([], dtype="float64") for k in AJ_COLUMNS}).astype(
            {"at_risk": "int64", "events": "int64", "competing": "int64", "censored": "int64"}
        )
    times, inv = np.unique(t, return_inverse=True)
    m = times.size
    d1 = np.bincount(inv, weights=(c == 1).astype("float64"), minlength=m)
    d2 = np.bincount(inv, weights=(c == 2).astype("float64"), minlength=m)
    total = np.bincount(inv, minlength=m).astype("float64")
    at_risk = total[::-1].cumsum()[::-1]
    surv_after = np.cumprod(1.0 - (d1 + d2) / at_risk)
    surv_before = np.r_[1.0, surv_after[:-1]]
    f1 = np.cumsum(surv_before * d1 / at_risk)
    f2 = np.cumsum(surv_before * d2 / at_risk)
    return pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk.astype("int64"),
            "events": d1.astype("int64"),
            "competing": d2.astype("int64"),
            "censored": (total - d1 - d2).astype("int64"),
            "incidence": f1,
            "competing_incidence": f2,
        }
    )


def step_at(times: np.ndarray, values: np.ndarray, t: float, *, settled: bool) -> float:
    """Value of a right-continuous step function at ``t`` (before the first time: ``nan``).

    Beyond the last time the value is known only when the curve has ``settled`` (nobody left
    at risk who could change it); otherwise ``nan``.
    """
    if times.size == 0:
        return math.nan
    if t > times[-1]:
        return float(values[-1]) if settled else math.nan
    idx = int(np.searchsorted(times, t, side="right")) - 1
    return math.nan if idx < 0 else float(values[idx])
