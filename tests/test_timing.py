"""Timing: P(returned by day d) under the model, and the update for a group still held."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import timing


def test_return_timing_scales_the_delays_by_the_return_probability() -> None:
    delays = np.array([5.0, 10.0, 20.0, 40.0])
    by_day = timing.return_timing(0.6, delays, horizon=60, held_until=30).set_index("day")
    assert by_day.loc[10, "empirical"] == pytest.approx(0.6 * 2 / 4)
    assert by_day.loc[60, "empirical"] == pytest.approx(0.6)
    mu = np.log(delays).mean()
    assert by_day.loc[round(math.exp(mu)), "lognormal"] == pytest.approx(0.3, abs=0.01)
    # Held on day 30 (F = 3/4): by day 40, 0.6 * (1 - 3/4) / (1 - 0.6 * 3/4) = 0.2727.
    assert by_day.loc[40, "empirical_given_held"] == pytest.approx(0.15 / 0.55)
    assert math.isnan(by_day.loc[29, "empirical_given_held"])


def test_still_held_lowers_the_chance_of_an_eventual_return() -> None:
    delays = np.array([5.0, 10.0, 20.0, 40.0])
    later = timing.eventual_return_given_held(0.6, delays, 30)
    assert 0.0 < later < 0.6
    assert timing.eventual_return_given_held(0.6, delays, 0) == pytest.approx(0.6)
    assert math.isnan(timing.eventual_return_given_held(0.6, np.array([5.0]), 30))


def test_timing_without_dated_returns_is_empty_not_invented() -> None:
    by_day = timing.return_timing(0.5, np.array([]), horizon=10)
    assert by_day["empirical"].isna().all()
    assert by_day["lognormal"].isna().all()
