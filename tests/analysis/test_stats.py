"""Tests of evaluation.analysis.stats: Wilson intervals, exact binomial funnel limits and
Kaplan-Meier, against hand computations (scipy.stats.binom as a test-only oracle)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from evaluation.analysis.stats import (
    KM_COLUMNS,
    Z95,
    binomial_limit,
    binomial_tails,
    kaplan_meier,
    km_median,
    km_survival_at,
    wilson,
    wilson_from_rate,
    wilson_interval,
)

Z2 = Z95 * Z95  # 3.841458820694124


# ------------------------------------------------------------------------------ Wilson
def _wilson_by_hand(p: float, n: float) -> tuple[float, float]:
    centre = (p + Z2 / (2 * n)) / (1 + Z2 / n)
    half = Z95 / (1 + Z2 / n) * math.sqrt(p * (1 - p) / n + Z2 / (4 * n * n))
    return centre - half, centre + half


def test_wilson_from_rate_at_a_fractional_n():
    # p = 7/12 observed with an effective n of 2.5 items (not a whole number)
    low, high = wilson_from_rate([7 / 12], [2.5])
    lo, hi = _wilson_by_hand(7 / 12, 2.5)
    assert low[0] == pytest.approx(lo, abs=1e-12) and high[0] == pytest.approx(hi, abs=1e-12)
    assert 0 < low[0] < 7 / 12 < high[0] < 1


def test_wilson_from_rate_equals_wilson_at_whole_counts():
    k = np.array([0, 1, 2, 5, 7])
    n = np.array([3, 4, 5, 10, 7])
    a = wilson_from_rate(k / n, n)
    b = wilson_interval(k, n)
    np.testing.assert_allclose(a[0], b[0], atol=1e-12)
    np.testing.assert_allclose(a[1], b[1], atol=1e-12)
    assert a[0][0] == 0.0 and a[1][-1] == 1.0  # exact at 0% and 100%


def test_wilson_from_rate_missing_and_bad_input():
    low, high = wilson_from_rate([0.5, np.nan], [0.0, 3.0])
    assert np.isnan(low).all() and np.isnan(high).all()
    with pytest.raises(ValueError):
        wilson_from_rate([1.2], [3])
    with pytest.raises(ValueError):
        wilson_from_rate([0.5], [-1])
    with pytest.raises(ValueError):
        wilson_from_rate([0.5, 0.5], [3])


# ------------------------------------------------------------------------------ funnel limits
def test_binomial_limit_by_hand():
    # Binomial(4, 1/2): F = 1/16, 5/16, 11/16, 15/16, 1.
    # q = 0.975: r = 4 (F(3) = 0.9375 < q), alpha = (1 - 0.975) / (1/16) = 0.4 -> 3.6/4 = 0.9
    assert binomial_limit(0.5, 4, 0.975) == pytest.approx(0.9, abs=1e-12)
    # q = 0.999: alpha = 0.001 * 16 = 0.016 -> (4 - 0.016) / 4 = 0.996
    assert binomial_limit(0.5, 4, 0.999) == pytest.approx(0.996, abs=1e-12)
    # q = 0.025: r = 0, alpha = (1/16 - 0.025) * 16 = 0.6 -> -0.15, clipped to 0
    assert binomial_limit(0.5, 4, 0.025) == 0.0
    # q = 0.5: r = 2 (F(1) = 5/16 < 0.5 <= 11/16), alpha = (11/16 - 1/2) / (6/16) = 0.5
    assert binomial_limit(0.5, 4, 0.5) == pytest.approx(1.5 / 4, abs=1e-12)
    assert binomial_limit(0.0, 7, 0.975) == 0.0 and binomial_limit(1.0, 7, 0.025) == 1.0


@pytest.mark.parametrize("p0", [0.05, 0.3, 0.4737, 0.9])
@pytest.mark.parametrize("n", [1, 2, 5, 13, 57, 139, 800])
@pytest.mark.parametrize("q", [0.001, 0.025, 0.975, 0.999])
def test_binomial_limit_against_scipy(p0, n, q):
    """The limit lies on the step of the exact quantile r (scipy's ppf), interpolated as
    (r - alpha) / n with alpha = (F(r) - q) / P(R = r)."""
    r = sps.binom.ppf(q, n, p0)
    alpha = (sps.binom.cdf(r, n, p0) - q) / sps.binom.pmf(r, n, p0)
    expected = min(max((r - alpha) / n, 0.0), 1.0)
    assert binomial_limit(p0, n, q) == pytest.approx(expected, abs=1e-9)


def test_binomial_limit_approaches_the_normal_limits():
    p0, n = 0.4, 5000
    se = math.sqrt(p0 * (1 - p0) / n)
    assert binomial_limit(p0, n, 0.975) == pytest.approx(p0 + Z95 * se, abs=1 / n)
    assert binomial_limit(p0, n, 0.001) == pytest.approx(p0 - 3.090232 * se, abs=1 / n)


@pytest.mark.parametrize(("p0", "n", "q"), [(-0.1, 3, 0.5), (0.5, 0, 0.5), (0.5, 2.5, 0.5),
                                             (0.5, 3, 0.0), (0.5, 3, 1.0)])  # fmt: skip
def test_binomial_limit_rejects_bad_input(p0, n, q):
    with pytest.raises(ValueError):
        binomial_limit(p0, n, q)


def test_binomial_tails_by_hand_and_against_scipy():
    assert binomial_tails(0.5, 4, 3) == pytest.approx((15 / 16, 5 / 16))
    assert binomial_tails(0.5, 4, 0) == pytest.approx((1 / 16, 1.0))
    for p0, n, r in [(0.4737, 26, 17), (0.1, 40, 0), (0.9, 12, 12), (0.3, 200, 45)]:
        low, high = binomial_tails(p0, n, r)
        assert low == pytest.approx(sps.binom.cdf(r, n, p0), abs=1e-12)
        assert high == pytest.approx(sps.binom.sf(r - 1, n, p0), abs=1e-12)
    assert binomial_tails(0.0, 5, 0) == (1.0, 1.0) and binomial_tails(0.0, 5, 1) == (1.0, 0.0)
    with pytest.raises(ValueError):
        binomial_tails(0.5, 4, 5)


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
