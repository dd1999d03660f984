"""The model written out by hand, and a model with round numbers: shared by the tests of
analysis.model and of the modules built on it."""

from __future__ import annotations

import math

from analysis.engine.specifications import Weight
from analysis.engine.whatif import ScenarioModel


def by_hand(base: float, pressure: float, tension: float, wp: float, wt: float) -> float:
    """The model written out: 1 / (1 + exp(-(log(b / (1 - b)) + wp * P + wt * T)))."""
    log_odds = math.log(base / (1 - base)) + wp * pressure + wt * tension
    return 1.0 / (1.0 + math.exp(-log_odds))


def round_model(
    base_rate: float = 0.3,
    wp: float = 1.5,
    wt: float = 0.5,
    sd_pressure: float = 0.5,
    sd_tension: float = 0.3,
    base_alpha: float = 3.0,
    base_beta: float = 7.0,
    base_low: float = 0.15,
    base_high: float = 0.45,
) -> ScenarioModel:
    """A model with round numbers (Beta(3, 7) has mean 0.3); the two sds differ, so a test
    sees a swap of the weights' sds."""
    return ScenarioModel(
        base_rate=base_rate,
        base_alpha=base_alpha,
        base_beta=base_beta,
        base_low=base_low,
        base_high=base_high,
        weights=(Weight("w_pressure", wp, sd_pressure), Weight("w_tension", wt, sd_tension)),
    )
