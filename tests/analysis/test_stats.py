"""Tests of evaluation.analysis.stats: Wilson intervals and Kaplan-Meier, against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evaluation.analysis.stats import (
    KM_COLUMNS,
    Z95,
    kaplan_meier,
    km_median,
    km_survival_at,
    wilson,
    wilson_interval,
)

Z2 = Z95 * Z95  # 3.841458820694124


# ------------------------------------------------------------------------------ Wilson
def test_wilson_zero_of_two():
    # k = 0: low = 0 exactly; high = z^2 / (n + z^2) = 3.841459 / 5.841459 = 0.657620
    low, high = wilson(0, 2)
    assert low == 0.0
    assert high == pytest.approx(0.657620, abs=1e-6)


def test_wilson_five_of_ten():
    # textbook value for p = 0.5, n = 10
    low, high = wilson(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-4)
    assert high == pytest.approx(0.7634, abs=1e-4)


def test_wilson_all_successes():
    # k = n: low = n / (n + z^2) = 195 / 198.841459 = 0.980681; high = 1 exactly
    low, high = wilson(195, 195)
    assert low == pytest.approx(0.980681, abs=1e-6)
    assert high == 1.0


def test_wilson_two_of_five():
    # p = 0.4, n = 5: centre = (0.4 + 0.384146) / 1.768292 = 0.443448
    # half = 1.959964 / 1.768292 * sqrt(0.048 + 0.038415) = 0.325827
    low, high = wilson(2, 5)
    assert low == pytest.approx(0.117621, abs=1e-5)
    assert high == pytest.approx(0.769275, abs=1e-5)


def test_wilson_empty_is_nan():
    low, high = wilson(0, 0)
    assert math.isnan(low) and math.isnan(high)


def test_wilson_other_z():
    # z = 1 (about 68%), k = 0, n = 1: high = 1 / (1 + 1) = 0.5
    assert wilson(0, 1, z=1.0) == (0.0, pytest.approx(0.5))


@pytest.mark.parametrize(
    ("k", "n", "z"),
    [(3, 2, Z95), (-1, 2, Z95), (1, -2, Z95), (0.5, 2, Z95), (1, 2, 0.0), (1, 2, math.nan)],
)
def test_wilson_rejects_bad_input(k, n, z):
    with pytest.raises(ValueError):
        wilson(k, n, z)


def test_wilson_interval_vectorised_matches_scalar():
    k = pd.Series([0, 5, 195, 0, 2])
    n = pd.Series([2, 10, 195, 0, 5])
    low, high = wilson_interval(k, n)
    assert low.shape == (5,)
    for i in range(5):
        lo, hi = wilson(int(k[i]), int(n[i]))
        if n[i] == 0:
            assert math.isnan(low[i]) and math.isnan(high[i])
        else:
            assert low[i] == pytest.approx(lo) and high[i] == pytest.approx(hi)


def test_wilson_interval_empty_and_length_mismatch():
    low, high = wilson_interval([], [])
    assert low.size == 0 and high.size == 0
    with pytest.raises(ValueError):
        wilson_interval([1, 2], [3])


# ------------------------------------------------------------------------------ Kaplan-Meier
def test_kaplan_meier_hand_computed_with_censoring():
    # durations [2, 3, 3, 5, 8], observed [1, 0, 1, 1, 0]
    # t=2: at risk 5, 1 event          -> S = 4/5           = 0.8
    # t=3: at risk 4, 1 event, 1 cens. -> S = 0.8 * 3/4     = 0.6
    # t=5: at risk 2, 1 event          -> S = 0.6 * 1/2     = 0.3
    # t=8: at risk 1, 0 events, 1 cens -> S = 0.3
    km = kaplan_meier([2, 3, 3, 5, 8], [1, 0, 1, 1, 0])
    assert list(km.columns) == KM_COLUMNS
    assert km["time"].tolist() == [2.0, 3.0, 5.0, 8.0]
    assert km["at_risk"].tolist() == [5, 4, 2, 1]
    assert km["events"].tolist() == [1, 1, 1, 0]
    assert km["censored"].tolist() == [0, 1, 0, 1]
    np.testing.assert_allclose(km["survival"], [0.8, 0.6, 0.3, 0.3])
    # median: first time with S <= 0.5 is t = 5
    assert km_median(km) == 5.0
    # step function: S(1) = 1 (before any event), S(3) = 0.6, S(4.9) = 0.6, S(5) = 0.3
    assert km_survival_at(km, 1.0) == 1.0
    assert km_survival_at(km, 3.0) == pytest.approx(0.6)
    assert km_survival_at(km, 4.9) == pytest.approx(0.6)
    assert km_survival_at(km, 5.0) == pytest.approx(0.3)
    # beyond the last observation (8) the curve is unknown
    assert math.isnan(km_survival_at(km, 9.0))


def test_kaplan_meier_median_not_reached():
    # 4 subjects, one event at 1: S = 3/4 then stays; never <= 0.5
    km = kaplan_meier([1, 2, 3, 4], [True, False, False, False])
    assert km["survival"].tolist() == [0.75, 0.75, 0.75, 0.75]
    assert math.isnan(km_median(km))


def test_kaplan_meier_all_events_reaches_zero():
    # events at 1 and 2: S = 1/2 then 0; the median is the first S <= 0.5, t = 1
    km = kaplan_meier(np.array([2.0, 1.0]), np.array([1, 1]))
    assert km["survival"].tolist() == [0.5, 0.0]
    assert km_median(km) == 1.0
    # beyond the last time S stays 0 (known), not nan
    assert km_survival_at(km, 10.0) == 0.0


def test_kaplan_meier_empty():
    km = kaplan_meier([], [])
    assert list(km.columns) == KM_COLUMNS and km.empty
    assert math.isnan(km_median(km))
    assert math.isnan(km_survival_at(km, 12.0))


@pytest.mark.parametrize(
    ("durations", "observed"),
    [([1, 2], [1]), ([-1, 2], [1, 1]), ([math.nan, 2], [1, 1]), ([math.inf], [0])],
)
def test_kaplan_meier_rejects_bad_input(durations, observed):
    with pytest.raises(ValueError):
        kaplan_meier(durations, observed)


def test_kaplan_meier_does_not_mutate_input():
    d = pd.Series([3.0, 1.0, 2.0])
    e = pd.Series([True, False, True])
    d0, e0 = d.copy(), e.copy()
    kaplan_meier(d, e)
    assert d.equals(d0) and e.equals(e0)
