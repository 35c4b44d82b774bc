"""Greenwood log-log intervals and the Aalen-Johansen estimator, against hand computations.

The fixture: six subjects (duration, cause; 1 event, 2 competing event, 0 censored)
(1, 1), (2, 2), (3, 1), (3, 0), (4, 1), (5, 0).

Kaplan-Meier of cause 1 (the competing event censored): at risk 6, 5, 4, 2, 1 at times
1..5; S(1) = 5/6, S(3) = 5/6 * 3/4 = 0.625, S(4) = 0.625 * 1/2 = 0.3125.
Greenwood sums g: 1/(6*5) = 1/30 at 1; + 1/(4*3) -> 7/60 at 3; + 1/(2*1) -> 37/60 at 4.

Aalen-Johansen: survival from any event S_all = 5/6 (t 1), 2/3 (t 2), 1/2 (t 3), 1/4 (t 4);
F_1 = 1/6 (t 1), + S_all(3-) * 1/4 = 2/3 * 1/4 -> 1/3 (t 3), + 1/2 * 1/2 -> 7/12 (t 4);
F_2 = S_all(2-) * 1/5 = 5/6 * 1/5 = 1/6 from t 2. At t 5: 7/12 + 1/6 + 1/4 = 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from evaluation.analysis.stats import Z95, kaplan_meier
from evaluation.analysis.survival_stats import (
    AJ_COLUMNS,
    aalen_johansen,
    greenwood_loglog,
    step_at,
)

T = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0]
CAUSE = [1, 2, 1, 0, 1, 0]


def _loglog(s: float, g: float) -> tuple[float, float]:
    se = math.sqrt(g) / abs(math.log(s))
    return s ** math.exp(Z95 * se), s ** math.exp(-Z95 * se)


def test_greenwood_variance_and_loglog_interval_by_hand():
    km = kaplan_meier(T, [c == 1 for c in CAUSE])
    np.testing.assert_allclose(km["survival"], [5 / 6, 5 / 6, 0.625, 0.3125, 0.3125])
    gw = greenwood_loglog(km)
    g = [1 / 30, 1 / 30, 7 / 60, 37 / 60, 37 / 60]
    s = [5 / 6, 5 / 6, 0.625, 0.3125, 0.3125]
    np.testing.assert_allclose(gw["variance"], [si * si * gi for si, gi in zip(s, g, strict=True)])
    assert gw["variance"].iloc[2] == pytest.approx(0.625**2 * 7 / 60)  # 0.045573
    for i, (si, gi) in enumerate(zip(s, g, strict=True)):
        lo, hi = _loglog(si, gi)
        assert gw["survival_low"].iloc[i] == pytest.approx(lo)
        assert gw["survival_high"].iloc[i] == pytest.approx(hi)
    # at t = 3: se = sqrt(7/60) / |ln 0.625| = 0.72673; low = 0.625 ** exp(1.96 * 0.72673)
    assert gw["survival_low"].iloc[2] == pytest.approx(0.14186, abs=1e-4)
    # the log-log interval stays inside (0, 1) and around S
    assert (gw["survival_low"] < km["survival"]).all() and (gw["survival_high"] < 1).all()
    assert (gw["survival_high"] > km["survival"]).all() and (gw["survival_low"] > 0).all()


def test_greenwood_edges_no_event_yet_and_survival_zero():
    # censored first (S = 1: interval [1, 1]); then the last subject has the event (S = 0)
    km = kaplan_meier([1.0, 2.0], [False, True])
    gw = greenwood_loglog(km)
    assert (gw["survival_low"].iloc[0], gw["survival_high"].iloc[0]) == (1.0, 1.0)
    assert km["survival"].iloc[1] == 0.0
    assert math.isnan(gw["survival_low"].iloc[1]) and math.isnan(gw["survival_high"].iloc[1])
    assert math.isnan(gw["variance"].iloc[1])


def test_aalen_johansen_by_hand():
    aj = aalen_johansen(T, CAUSE)
    assert list(aj.columns) == AJ_COLUMNS
    np.testing.assert_allclose(aj["time"], [1, 2, 3, 4, 5])
    assert aj["at_risk"].tolist() == [6, 5, 4, 2, 1]
    assert aj["events"].tolist() == [1, 0, 1, 1, 0]
    assert aj["competing"].tolist() == [0, 1, 0, 0, 0]
    assert aj["censored"].tolist() == [0, 0, 1, 0, 1]
    np.testing.assert_allclose(aj["incidence"], [1 / 6, 1 / 6, 1 / 3, 7 / 12, 7 / 12])
    np.testing.assert_allclose(aj["competing_incidence"], [0, 1 / 6, 1 / 6, 1 / 6, 1 / 6])
    # never above the Kaplan-Meier share that censors the competing event (1 - 0.3125)
    km = kaplan_meier(T, [c == 1 for c in CAUSE])
    assert (aj["incidence"].to_numpy() <= 1 - km["survival"].to_numpy() + 1e-12).all()
    assert aj["incidence"].iloc[-1] < 1 - km["survival"].iloc[-1]


def test_aalen_johansen_without_competing_events_is_one_minus_kaplan_meier():
    t = [0.5, 1.5, 1.5, 2.0, 7.0, 9.0]
    e = [1, 1, 0, 1, 0, 1]
    aj = aalen_johansen(t, e)
    km = kaplan_meier(t, [x == 1 for x in e])
    np.testing.assert_allclose(aj["incidence"], 1 - km["survival"])
    assert (aj["competing_incidence"] == 0).all()


def test_aalen_johansen_refuses_bad_input_and_handles_empty():
    with pytest.raises(ValueError, match="cause"):
        aalen_johansen([1.0], [3])
    with pytest.raises(ValueError, match="length"):
        aalen_johansen([1.0, 2.0], [1])
    with pytest.raises(ValueError, match="non-negative"):
        aalen_johansen([-1.0], [1])
    empty = aalen_johansen([], [])
    assert empty.empty and list(empty.columns) == AJ_COLUMNS


def test_step_at_reads_right_continuous_steps_and_unknown_tail():
    times, values = np.array([0.0, 2.0, 5.0]), np.array([0.0, 0.4, 0.6])
    assert step_at(times, values, 1.99, settled=False) == 0.0
    assert step_at(times, values, 2.0, settled=False) == 0.4
    assert step_at(times, values, 5.0, settled=False) == 0.6
    assert math.isnan(step_at(times, values, 5.1, settled=False))
    assert step_at(times, values, 5.1, settled=True) == 0.6
    assert math.isnan(step_at(np.array([]), np.array([]), 1.0, settled=True))
