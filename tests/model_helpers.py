"""The model written out by hand, and a model with round numbers: shared by the tests of
analysis.scenarios and of the modules built on it."""

from __future__ import annotations

import math

from analysis import scenarios


def by_hand(base: float, pressure: float, tension: float, wp: float, wt: float) -> float:
    """The model written out: 1 / (1 + exp(-(log(b / (1 - b)) + wp * P + wt * T)))."""
    log_odds = math.log(base / (1 - base)) + wp * pressure + wt * tension
    return 1.0 / (1.0 + math.exp(-log_odds))


def model(base_rate: float = 0.3, wp: float = 1.5, wt: float = 0.5, sd: float = 0.5):
    """A model with round numbers: Beta(3, 7) has mean 0.3."""
    return scenarios.ScenarioModel(
        base_rate=base_rate, base_alpha=3.0, base_beta=7.0, base_low=0.15, base_high=0.45,
        w_pressure=wp, w_tension=wt, sd_pressure=sd, sd_tension=sd,
    )  # fmt: skip
