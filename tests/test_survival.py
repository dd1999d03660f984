"""Censored durations against hand computations and closed-form maximum-likelihood fits."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.record.durations import (
    MIN_DAYS,
    STILL_HELD,
    censored_durations,
    fit_law,
    held_update_table,
    lognormal_law,
    p_return_given_held,
    reference_laws,
)

# Returns on days 1, 7 and 9; two groups still held after 8 and 20 days.
RETURNED = [1.0, 7.0, 9.0]
HELD = [8.0, 20.0]


def test_durations_are_sorted_into_their_kinds_and_floored() -> None:
    data = censored_durations([0.0, 3.0], [5.0], [30.0, 40.0])
    assert len(data) == 5 and data.num_censored() == 3
    # A same-day return is floored at MIN_DAYS, so log-days exist.
    law = fit_law(censored_durations([0.0, 3.0]), "lognormal")
    assert law.parameters["mu"] == pytest.approx((math.log(MIN_DAYS) + math.log(3.0)) / 2)
    with pytest.raises(ValueError, match="durations must be >= 0"):
        censored_durations([-1.0])


def test_censored_exponential_rate_is_events_over_total_time() -> None:
    # Maximum likelihood with right-censoring: rate = events / total time = 3 / 45.
    law = fit_law(censored_durations(RETURNED, HELD), "exponential")
    assert law.parameters["scale"] == pytest.approx(45.0 / 3.0, rel=1e-7)


def test_uncensored_lognormal_is_mean_and_population_sd_of_logs() -> None:
    days = np.array([1.0, 7.0, 9.0, 20.0, 184.0])
    law = fit_law(censored_durations(days), "lognormal")
    logs = np.log(days)
    assert law.parameters["mu"] == pytest.approx(logs.mean(), abs=1e-9)
    assert law.parameters["sigma"] == pytest.approx(logs.std(ddof=0), abs=1e-9)
    assert law.median_days == pytest.approx(math.exp(logs.mean()), rel=1e-9)


def test_censored_weibull_solves_its_likelihood_equations() -> None:
    # With right-censoring (d events, all times t), the Weibull maximum is where
    # scale^k = sum(t^k) / d and d/k + sum_events(log t) - d sum(t^k log t) / sum(t^k) = 0.
    law = fit_law(censored_durations(RETURNED, HELD), "weibull")
    k, scale = law.parameters["shape"], law.parameters["scale"]
    times, events = np.array(RETURNED + HELD), np.array(RETURNED)
    d = len(events)
    assert scale**k == pytest.approx(np.sum(times**k) / d, rel=1e-6)
    score = d / k + np.log(events).sum() - d * np.sum(times**k * np.log(times)) / np.sum(times**k)
    assert abs(score) < 1e-6


def _lognormal_log_likelihood(mu: float, sigma: float) -> float:
    """Hand-written: density of the exact returns, survival of the held, CDF of returned-by."""
    exact, held, by = np.array(RETURNED), np.array(HELD), np.array([30.0])
    normal = stats.norm(mu, sigma)
    return float(
        np.sum(normal.logpdf(np.log(exact)) - np.log(exact))
        + np.sum(normal.logsf(np.log(held)))
        + np.sum(normal.logcdf(np.log(by)))
    )


def test_censored_lognormal_maximises_the_hand_written_likelihood() -> None:
    law = fit_law(censored_durations(RETURNED, HELD, returned_by=[30.0]), "lognormal")
    mu, sigma = law.parameters["mu"], law.parameters["sigma"]
    best = _lognormal_log_likelihood(mu, sigma)
    for step_mu, step_sigma in ((1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)):
        assert _lognormal_log_likelihood(mu + step_mu, sigma + step_sigma) < best
    # The held groups pull the median above the exact returns' own (e^mean(log) = 3.98 days).
    assert law.median_days > math.exp(np.log(RETURNED).mean())


def test_unknown_family_is_refused() -> None:
    with pytest.raises(ValueError, match="family must be one of"):
        fit_law(censored_durations(RETURNED), "gamma")


def test_bayes_update_by_hand() -> None:
    # Median 10, so S(10) = 1/2 exactly: p' = 0.6 * 0.5 / (0.6 * 0.5 + 0.4 * 1) = 3/7.
    law = lognormal_law(10.0, 1.0, "median 10")
    assert p_return_given_held(0.6, 10, law) == pytest.approx(3 / 7, abs=1e-12)
    # Non-returns on the same clock: being held says nothing, p' = p.
    assert p_return_given_held(0.6, 10, law, other=law) == pytest.approx(0.6, abs=1e-12)
    # Non-returns on a slower clock (median 20): S_other(10) = Phi(log 2).
    slower = 0.5 * (1 + math.erf(math.log(2.0) / math.sqrt(2.0)))
    expected = 0.3 / (0.3 + 0.4 * slower)
    slow = lognormal_law(20.0, 1.0, "median 20")
    assert p_return_given_held(0.6, 10, law, other=slow) == pytest.approx(expected, abs=1e-12)


# timing.py as it stands (computed once from it and pasted): the model's P(return) as of
# 24 April 2017, the log-normal it fits to the ten dated returns (mean and sd with ddof=1 of
# their logs), and its update for still held on day 40 (24 April) and day 64 (18 May).
TIMING_P_RETURN = 0.691181508376423
TIMING_MU, TIMING_SIGMA = 2.5815491440562455, 1.2772987596504157
TIMING_GIVEN_HELD = {40: 0.30164661381682367, 64: 0.1952952370509066}


@pytest.mark.parametrize("day", sorted(TIMING_GIVEN_HELD))
def test_reproduces_todays_timing_update(day: int) -> None:
    law = lognormal_law(math.exp(TIMING_MU), TIMING_SIGMA, "timing.py's fit")
    assert p_return_given_held(TIMING_P_RETURN, day, law) == pytest.approx(
        TIMING_GIVEN_HELD[day], abs=1e-12
    )


def test_reference_laws_and_their_table() -> None:
    fitted = lognormal_law(13.0, 1.3, "the fit")
    laws = reference_laws(fitted)
    assert laws[0] is fitted
    assert [law.median_days for law in laws[1:]] == pytest.approx([7.0, 61.0, 183.0])
    assert all(law.parameters["sigma"] == 1.0 for law in laws[1:])
    table = held_update_table(0.69, [40, 64], laws)
    assert len(table) == 8 and set(table["non_return_assumption"]) == {STILL_HELD}
    # Slower returns make "still held" weaker news: the update shrinks as the median grows.
    at_40 = table[table["days_held"] == 40].set_index("median_days")["p_return_given_held"]
    assert at_40[7.0] < at_40[61.0] < at_40[183.0] < 0.69
    # Each row is the Bayes formula on its own survival value.
    s, p = table["survival_at_day"], table["p_return"]
    pd.testing.assert_series_equal(
        table["p_return_given_held"], p * s / (p * s + (1 - p)), check_names=False
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lognormal_law(0.0, 1.0, "x"), "median and sigma must be positive"),
        (lambda: p_return_given_held(1.5, 3, lognormal_law(7, 1, "x")), "p_return must be"),
    ],
)
def test_bad_arguments_are_refused(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_a_fixed_law_answers_with_its_frozen_laws_very_numbers() -> None:
    """The fit's objective skips freezing scipy's law; it must not change a single bit. Shape
    and scale differ, so a swap between them would show."""
    from analysis.record.durations import _Fixed

    days = np.array([MIN_DAYS, 0.7, 3.0, 14.0, 61.0, 400.0])
    fixed, frozen = _Fixed(stats.lognorm, 0.8, 45.0), stats.lognorm(0.8, scale=45.0)
    for method in ("logpdf", "logsf", "cdf", "sf"):
        assert np.array_equal(getattr(fixed, method)(days), getattr(frozen, method)(days)), method
    assert not np.array_equal(_Fixed(stats.lognorm, 45.0, 0.8).sf(days), frozen.sf(days))
