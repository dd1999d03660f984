"""The scenario model: the base rate, two named weights, and its seeded Monte Carlo.

The model, in one line (log-odds of release, a probability p has log-odds log(p / (1 - p))):

    logit P(release) = logit(base rate) + w_pressure * pressure + w_tension * tension

* ``base rate``: P(release) in the model's reference class (``model_cases``: the publicly
  reported detentions inside China, ``history.detentions_in_china``), a Beta posterior
  (``history.release_base_rate``). With both factors at 0 the model gives it.
* ``pressure``, ``tension``: factor levels in [0, 1] (``analysis.factors``).
* the weights: log-odds of release per unit of the factor, each declared once in
  ``data/weights.csv`` (name, mean, sd, rationale) and carried as a ``Weight`` by name to every
  use. A weight of 1 means that going from level 0 to level 1 multiplies the odds by e.

P(return) is 1 - P(release): the model knows two outcomes only.

Two views of the record, because a forecast may only use what was known when it was made:
**as of a date** (``model_cases(cases, as_of)``, ``build_model(dataset, as_of)``), the base rate
counts only the detentions whose outcome was surely known by then (``outcome_latest`` on or
before the date); **today's record** (no date) counts every detention with a known outcome.

Uncertainty is a seeded, vectorised Monte Carlo: the base rate is drawn from its Beta posterior
and each weight from its normal distribution, in a fixed order (base rate, then the weights in
``WEIGHT_NAMES`` order). Intervals are 80% (10th to 90th percentile). Numbers only: no drawing,
no files.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from analysis import factors
from analysis.data import Dataset
from analysis.defaults import DEFAULT_DRAWS, SEED
from analysis.history import BaseRate, detentions_in_china, release_base_rate

INTERVAL = 0.8
QUANTILES = ((1 - INTERVAL) / 2, 0.5, 1 - (1 - INTERVAL) / 2)
# mean +- z*sd is the central INTERVAL range of a normal distribution
Z_INTERVAL = statistics.NormalDist().inv_cdf(QUANTILES[2])
# The weights, in the order they are drawn; each is the weight of one factor.
WEIGHT_NAMES = ("w_pressure", "w_tension")
WEIGHT_FACTORS = {"w_pressure": "pressure", "w_tension": "tension"}
REFERENCE_CLASS = "detentions in China"  # the model's reference class; see model_cases

Seed = int | np.random.Generator


def logit(probability: np.ndarray | float) -> np.ndarray:
    """Log-odds of a probability in (0, 1)."""
    p = np.asarray(probability, dtype=float)
    return np.log(p) - np.log1p(-p)


def expit(log_odds: np.ndarray | float) -> np.ndarray:
    """Probability in [0, 1] of a log-odds (scipy's ufunc: no overflow for large |x|, exact in
    the far tails, and three times as fast as the tanh form on a million values)."""
    return special.expit(np.asarray(log_odds, dtype=float))


def release_probability(
    base_rate: np.ndarray | float,
    pressure: np.ndarray | float,
    tension: np.ndarray | float,
    w_pressure: np.ndarray | float,
    w_tension: np.ndarray | float,
) -> np.ndarray:
    """P(release) in [0, 1]; arrays broadcast (one value per draw, per grid point, ...).

    ``base_rate`` in (0, 1); ``pressure``, ``tension`` in [0, 1]; weights in log-odds per unit.
    """
    shift = np.asarray(w_pressure) * np.asarray(pressure) + np.asarray(w_tension) * tension
    return expit(logit(base_rate) + shift)


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
        """Lower end of the weight's 80% range (log-odds per unit)."""
        return self.mean - Z_INTERVAL * self.sd

    @property
    def high(self) -> float:
        """Upper end of the weight's 80% range (log-odds per unit)."""
        return self.mean + Z_INTERVAL * self.sd


def weights_from_table(weights: pd.DataFrame) -> tuple[Weight, ...]:
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


@dataclass(frozen=True)
class ScenarioModel:
    """The model's inputs: the base rate's Beta posterior and the weights (``Weight``, by name).

    ``base_rate`` is the Beta posterior mean in (0, 1); ``base_low``/``base_high`` its 80%
    interval. ``released`` and ``cases_counted`` say what the base rate counts (releases among
    the cases with a one-way outcome), ``as_of`` the day the cases were known by (None: today's
    whole record).
    """

    base_rate: float
    base_alpha: float
    base_beta: float
    base_low: float
    base_high: float
    weights: tuple[Weight, ...]
    released: int | None = None
    cases_counted: int | None = None
    as_of: pd.Timestamp | None = None

    def __post_init__(self) -> None:
        names = tuple(weight.name for weight in self.weights)
        if names != WEIGHT_NAMES:
            raise ValueError(f"weights must be {WEIGHT_NAMES} in that order (got {names})")

    @classmethod
    def from_tables(
        cls, base: BaseRate, weights: pd.DataFrame, as_of: factors.DateLike | None = None
    ) -> ScenarioModel:
        """Build from a history.BaseRate and the weights table (parameter, mean, sd); ``as_of``
        records the day the base rate's cases were known by (None: the whole record)."""
        return cls(
            base_rate=float(base.estimate),
            base_alpha=float(base.alpha),
            base_beta=float(base.beta),
            base_low=float(base.low),
            base_high=float(base.high),
            weights=weights_from_table(weights),
            released=int(base.released),
            cases_counted=int(base.n_known),
            as_of=None if as_of is None else factors.to_day(as_of),
        )

    def weight(self, name: str) -> Weight:
        """The weight called ``name`` (w_pressure or w_tension)."""
        for weight in self.weights:
            if weight.name == name:
                return weight
        raise KeyError(f"no weight {name!r} (expected one of {WEIGHT_NAMES})")

    @property
    def w_pressure(self) -> float:
        """Mean weight of pressure, log-odds per unit."""
        return self.weight("w_pressure").mean

    @property
    def w_tension(self) -> float:
        """Mean weight of tension, log-odds per unit."""
        return self.weight("w_tension").mean

    @property
    def view(self) -> str:
        """Which cases the base rate counts, in words: today's record or those known by a day."""
        if self.as_of is None:
            return "today's record"
        return f"known by {self.as_of:%Y-%m-%d}"

    def p_release(self, pressure: np.ndarray | float, tension: np.ndarray | float) -> np.ndarray:
        """Central P(release) in [0, 1]: the base rate's mean and the weights' means."""
        return release_probability(
            self.base_rate, pressure, tension, self.w_pressure, self.w_tension
        )


def model_summary(model: ScenarioModel) -> pd.DataFrame:
    """The model's three inputs with their central value and 80% range, for a reader."""
    rows = [
        ("base rate", f"P(release) with both factors at 0 ({REFERENCE_CLASS}, {model.view})",
         model.base_rate, model.base_low, model.base_high),
    ]  # fmt: skip
    rows += [
        (w.name, f"log-odds per unit of {w.factor}", w.mean, w.low, w.high) for w in model.weights
    ]
    return pd.DataFrame(rows, columns=["input", "unit", "central", "low_80", "high_80"]).set_index(
        "input"
    )


def model_cases(cases: pd.DataFrame, as_of: factors.DateLike | None = None) -> pd.DataFrame:
    """The model's reference class: the cases that began in Chinese custody.

    With ``as_of``, only those whose outcome was surely known by that day: the last possible
    day of the outcome (``outcome_latest``) on or before ``as_of``. Cases of unknown outcome have
    no such day and drop out (they are not counted in a base rate anyway), as do cases resolved
    later. Without ``as_of``, the whole record as known today.

    That is ``history.detentions_in_china``: every case but foreign-mission entries (embassy,
    consulate, UN office or foreign school) and legal exits. Those people never went through
    the routine police process: their fate was negotiated with a foreign government or settled
    by their papers, and every one of them with a known outcome was released. The Shenyang
    eight were stopped by police at a road check, so their like-for-like cases are the
    detentions inside China, where release is rare (notebook 03); the foreign-mission releases
    would more than double the base rate with cases unlike this one. Cases of unknown onset
    stay in (see detentions_in_china).
    """
    detentions = detentions_in_china(cases)
    if as_of is None:
        return detentions
    return detentions[detentions["outcome_latest"] <= factors.to_day(as_of)]


def build_model(dataset: Dataset, as_of: factors.DateLike | None = None) -> ScenarioModel:
    """The model from the validated tables: the base rate from the model's reference class
    (``model_cases``: detentions in China), the weights from weights.csv.

    With ``as_of``, the base rate counts only the cases whose outcome was known by that day
    (the forecast as it could have been made then); without it, today's whole record.
    """
    base = release_base_rate(model_cases(dataset.cases, as_of))
    return ScenarioModel.from_tables(base, dataset.weights, as_of)


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def draw_parameters(model: ScenarioModel, draws: int, seed: Seed = SEED) -> pd.DataFrame:
    """``draws`` joint draws of the uncertain inputs, as a tidy table.

    Columns: draw (0..draws-1), base_rate (Beta posterior, in (0, 1)), then one column per
    weight by its name (normal, log-odds per unit). ``seed`` is an int or a
    ``np.random.default_rng`` Generator; the same seed gives the same draws. Drawn in a fixed
    order: base rate, then the weights.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1 (got {draws})")
    rng = _rng(seed)
    columns = {
        "draw": np.arange(draws),
        "base_rate": rng.beta(model.base_alpha, model.base_beta, size=draws),
    }
    for weight in model.weights:
        columns[weight.name] = rng.normal(weight.mean, weight.sd, size=draws)
    return pd.DataFrame(columns)


def simulate(
    model: ScenarioModel,
    pressure: float,
    tension: float,
    draws: int = DEFAULT_DRAWS,
    seed: Seed = SEED,
) -> np.ndarray:
    """P(release) in [0, 1] for each of ``draws`` parameter draws, at fixed factor levels.

    The same random stream as ``draw_parameters`` (base rate, then the pressure weight, then
    the tension weight, each a block of ``draws``), so a scenario simulated here gets the very
    draws of its rows in ``scenario_draws`` (equal up to floating-point rounding). Computed in
    place on two arrays: a weight w ~ Normal(m, s) at level x adds m x + (s x) z, z a standard
    normal draw, and the scalar parts m x are added once.
    """
    rng = _rng(seed)
    if draws < 1:
        raise ValueError(f"draws must be at least 1 (got {draws})")
    work = rng.beta(model.base_alpha, model.base_beta, size=draws)
    log_odds = np.log(work)
    log_odds -= np.log1p(-work, out=work)  # logit(base rate); ``work`` is free again
    levels = {"pressure": pressure, "tension": tension}
    for weight in model.weights:
        rng.standard_normal(size=draws, out=work)
        work *= weight.sd * levels[weight.factor]
        log_odds += work
    # One scalar, summed first, as the central log-odds shift.
    log_odds += sum(weight.mean * levels[weight.factor] for weight in model.weights)
    return special.expit(log_odds, out=log_odds)  # in place, as ``expit``


def summarise(p_release: np.ndarray) -> dict[str, float]:
    """Median and 80% interval (10th and 90th percentiles) of P(release) draws, in [0, 1]."""
    low, median, high = np.quantile(np.asarray(p_release, dtype=float), QUANTILES)
    return {"median": float(median), "low": float(low), "high": float(high)}


@dataclass(frozen=True)
class Forecast:
    """One forecast: central P(release) and P(return), with the Monte Carlo's median and 80%."""

    pressure: float
    tension: float
    p_release: float
    p_return: float
    median: float
    interval_low: float
    interval_high: float
    draws: int
    seed: int | None


def forecast(
    model: ScenarioModel,
    pressure: float,
    tension: float,
    draws: int = DEFAULT_DRAWS,
    seed: int = SEED,
) -> Forecast:
    """The forecast at given factor levels in [0, 1]; the interval is of P(release)."""
    for name, value in (("pressure", pressure), ("tension", tension)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1] (got {value})")
    p = float(model.p_release(pressure, tension))
    summary = summarise(simulate(model, pressure, tension, draws, seed))
    return Forecast(
        pressure=float(pressure),
        tension=float(tension),
        p_release=p,
        p_return=1.0 - p,
        median=summary["median"],
        interval_low=summary["low"],
        interval_high=summary["high"],
        draws=draws,
        seed=seed,
    )
