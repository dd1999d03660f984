"""The engine's one formula, and the one shape of what goes into it.

Every forecast of the package, each specification of the headline as much as the what-if, is

    log-odds of release = log-odds of the base rate + w_pressure * pressure + w_tension * tension

(a probability p has log-odds log(p / (1 - p))), computed by ``log_odds`` and turned into a
probability by ``expit``; ``release_probability`` is the two together for a base rate given as a
probability. The other homes:

* the factor levels: a case's codes 0-2 (``cases.csv``, ``second_coding.csv``) become levels in
  [0, 1] through ``level_from_code`` alone; the events' levels are in [0, 1] already
  (``analysis.record.factors``);
* the weights: log-odds of release per unit of a level, each declared once in
  ``data/weights.csv`` (name, mean, sd, rationale) and carried as a ``Weight`` by name
  (``WEIGHT_NAMES`` order) to every use. A weight of 1 means that going from level 0 to level 1
  multiplies the odds by e;
* the interval level and the named priors live in ``analysis.record.intervals`` (``LEVEL``,
  ``PRIORS``), the base rate's posterior with them.

P(return) is 1 - P(release): the model knows two outcomes only. Numbers only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from analysis.record.intervals import QUANTILES

# mean +- z*sd is the central interval of a normal distribution at the package's level
Z_INTERVAL = statistics.NormalDist().inv_cdf(QUANTILES[2])
# The weights, in the order they are drawn; each is the weight of one factor.
WEIGHT_NAMES = ("w_pressure", "w_tension")
WEIGHT_FACTORS = {"w_pressure": "pressure", "w_tension": "tension"}
# The cases code each factor 0 (none), 1 (some) or 2 (strong); a level is the code over this.
TOP_CODE = 2.0

Array = np.ndarray | float


def logit(probability: Array) -> np.ndarray:
    """Log-odds of a probability in (0, 1)."""
    return special.logit(np.asarray(probability, dtype=float))


def expit(log_odds: Array) -> np.ndarray:
    """Probability in [0, 1] of a log-odds (scipy's ufunc: no overflow for large |x|, exact in
    the far tails)."""
    return special.expit(np.asarray(log_odds, dtype=float))


def log_odds(
    base_log_odds: Array, pressure: Array, tension: Array, w_pressure: Array, w_tension: Array
) -> np.ndarray:
    """The formula: log-odds of release. Arrays broadcast (one value per draw, per case, per
    grid point). Levels in [0, 1]; weights in log-odds per unit of a level."""
    return np.asarray(base_log_odds + w_pressure * pressure + w_tension * tension, dtype=float)


def release_probability(
    base_rate: Array, pressure: Array, tension: Array, w_pressure: Array, w_tension: Array
) -> np.ndarray:
    """P(release) in [0, 1] for a base rate in (0, 1): expit(log_odds(logit(base_rate), ...))."""
    return expit(log_odds(logit(base_rate), pressure, tension, w_pressure, w_tension))


def level_from_code(code: Array | pd.Series) -> np.ndarray | pd.Series | float:
    """A factor level in [0, 1] from a case's code 0-2 (a number, an array or a Series)."""
    if isinstance(code, pd.Series):
        return code.astype(float) / TOP_CODE
    if np.ndim(code) == 0:
        return float(code) / TOP_CODE
    return np.asarray(code, dtype=float) / TOP_CODE


@dataclass(frozen=True)
class Weight:
    """One weight: log-odds of release per unit of its factor, Normal(mean, sd).

    ``name`` is the weights.csv parameter (``w_pressure``, ``w_tension``), ``factor`` the level
    it multiplies; ``rationale`` says where the numbers come from.
    """

    name: str
    mean: float
    sd: float
    rationale: str = ""

    @property
    def factor(self) -> str:
        """The factor this weight multiplies: pressure or tension."""
        return WEIGHT_FACTORS[self.name]

    @property
    def low(self) -> float:
        """Lower end of the weight's interval at the package's level (log-odds per unit)."""
        return self.mean - Z_INTERVAL * self.sd

    @property
    def high(self) -> float:
        """Upper end of the weight's interval at the package's level (log-odds per unit)."""
        return self.mean + Z_INTERVAL * self.sd


Weights = tuple[Weight, ...]


def weights_from_table(weights: pd.DataFrame) -> Weights:
    """The weights of weights.csv (parameter, mean, sd, rationale), in WEIGHT_NAMES order."""
    table = weights.assign(parameter=weights["parameter"].astype(str)).set_index("parameter")
    missing = [name for name in WEIGHT_NAMES if name not in table.index]
    if missing:
        raise ValueError(f"weights table lacks {', '.join(missing)} (expected {WEIGHT_NAMES})")
    return tuple(
        Weight(
            name=name,
            mean=float(table.loc[name, "mean"]),
            sd=float(table.loc[name, "sd"]),
            rationale=str(table.loc[name, "rationale"]) if "rationale" in table else "",
        )
        for name in WEIGHT_NAMES
    )


def weight_named(weights: Weights, name: str) -> Weight:
    """The weight called ``name`` (w_pressure or w_tension) among ``weights``."""
    for weight in weights:
        if weight.name == name:
            return weight
    raise KeyError(f"no weight {name!r} (expected one of {WEIGHT_NAMES})")
