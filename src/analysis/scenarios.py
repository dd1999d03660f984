"""Return versus release: the scenario model, its uncertainty, and what moves it.

The model, in one line (log-odds of release, a probability p has log-odds log(p / (1 - p))):

    logit P(release) = logit(base rate) + w_pressure * pressure + w_tension * tension

* ``base rate``: P(release) in the model's reference class (``model_cases``: the publicly
  reported detentions inside China, ``history.detentions_in_china``), a Beta posterior
  (``history.release_base_rate``). With both factors at 0 the model gives it.
* ``pressure``, ``tension``: factor levels in [0, 1] (``analysis.factors``), given by a scenario
  or computed from the events as of a date.
* ``w_pressure``, ``w_tension``: weights in log-odds of release per unit of the factor, from
  ``data/weights.csv`` (normal, mean and sd). A weight of 1 means that going from level 0 to
  level 1 multiplies the odds of release by e (about 2.7).

P(return) is 1 - P(release): the model knows two outcomes only.

The reference class is chosen in one place, ``model_cases``; everything built from the cases
(the base rate, the fitted weights, the backtest, the return delays, the cases on the plane chart)
uses that class. ``build_model`` and ``case_view`` apply it to a Dataset; the functions that take
``cases`` use the cases they are given, so callers pass ``model_cases(cases)``.

Two views of the record, because a forecast may only use what was known when it was made:

* **As of a date** (``model_cases(cases, as_of)``, ``build_model(dataset, as_of)``): the
  forecast as someone could have made it that day. The factor levels come from the events dated
  on or before the day (``analysis.factors``), and the base rate counts only the detentions whose
  outcome was surely known by then (the last possible day of the outcome, ``outcome_latest``, on
  or before the date). A case resolved later, such as the 2018 release, is left out, even though
  we know its outcome today. As of 24 April 2017 that is 1 release in 8 cases.
* **Today's record** (no date): every detention with a known outcome, whatever its date: the
  best estimate we can make now (2 releases in 17 cases). The named scenarios without an as-of
  date, the fitted weights, the return delays and the plane chart use it.

A scenario with an ``as_of`` date gets the as-of model (events and cases known by then), one
without gets today's record; the table says which base rate each row used.

Uncertainty is a seeded, vectorised Monte Carlo: the base rate is drawn from its Beta posterior
and each weight from its normal distribution. Every scenario starts from the same seed, so
scenarios that share a model (the same base rate) share the very same draws, and differences
between them are not Monte Carlo noise; scenarios with different base rates get draws from their
own Beta posterior, so between them a Monte Carlo error of about 0.003 on a percentile remains.
Intervals are 80% (10th to 90th percentile).

Everything here returns data or Figures; notebooks and the command line decide what to show.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import factors
from analysis.case import ARTICLE_DATE, ARTICLE_RETURN_DAYS, HRW_RETURN_DAYS
from analysis.data import Dataset
from analysis.files import write_text_atomically
from analysis.history import (
    BaseRate,
    detentions_in_china,
    release_base_rate,
    time_to_return,
)
from analysis.style import FACTOR_COLORS, OKABE_ITO, OUTCOME_COLORS, save_figure

SEED = 20170424  # the default seed: the date of HRW's appeal, so every run draws the same numbers
DEFAULT_DRAWS = 20_000  # Monte Carlo error on a 10th percentile is then about 0.003
INTERVAL = 0.8
QUANTILES = ((1 - INTERVAL) / 2, 0.5, 1 - (1 - INTERVAL) / 2)
# mean +- z*sd is the central INTERVAL range of a normal distribution
Z_INTERVAL = statistics.NormalDist().inv_cdf(QUANTILES[2])
WEIGHT_NAMES = ("w_pressure", "w_tension")
REFERENCE_CLASS = "detentions in China"  # the model's reference class; see model_cases
# Ridge penalty of the fitted weights: a normal prior with sd 1/sqrt(L2) = 1 log-odds per unit
# factor, centred on 0 ("no effect"); with 17 cases (2 releases) the data alone cannot pin a
# weight down.
L2_PENALTY = 1.0
RELIABILITY_BINS = (0.0, 1 / 3, 2 / 3, 1.0)
CASE_AS_OF = ARTICLE_DATE
CASE_SCENARIO_ID = "case_2017_04_24"
TIMING_HORIZON_DAYS = 120
# Hatches double the colours, so the charts read in grey print.
HATCHES = {"base": "", "pressure": "//", "tension": "\\\\", "result": ""}
BAR_COLORS = {
    "base": OKABE_ITO["grey"],
    "pressure": FACTOR_COLORS["pressure"],
    "tension": FACTOR_COLORS["tension"],
    "result": OKABE_ITO["black"],
}
SCENARIO_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
FORMULA_PREFIXES = ("=", "+", "-", "@")

Seed = int | np.random.Generator


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


def logit(probability: np.ndarray | float) -> np.ndarray:
    """Log-odds of a probability in (0, 1)."""
    p = np.asarray(probability, dtype=float)
    return np.log(p) - np.log1p(-p)


def expit(log_odds: np.ndarray | float) -> np.ndarray:
    """Probability in [0, 1] of a log-odds; tanh form, so no overflow for large |x|."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(log_odds, dtype=float)))


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
class ScenarioModel:
    """The model's inputs: the base rate's Beta posterior and the weights' normal distributions.

    ``base_rate`` is the Beta posterior mean in (0, 1); ``base_low``/``base_high`` its 80%
    interval. Weights are in log-odds of release per unit factor. ``released`` and
    ``cases_counted`` say what the base rate counts (releases among the cases with a one-way
    outcome), ``as_of`` the day the cases were known by (None: today's whole record).
    """

    base_rate: float
    base_alpha: float
    base_beta: float
    base_low: float
    base_high: float
    w_pressure: float
    w_tension: float
    sd_pressure: float
    sd_tension: float
    released: int | None = None
    cases_counted: int | None = None
    as_of: pd.Timestamp | None = None

    @classmethod
    def from_tables(
        cls, base: BaseRate, weights: pd.DataFrame, as_of: factors.DateLike | None = None
    ) -> ScenarioModel:
        """Build from a history.BaseRate and the weights table (parameter, mean, sd); ``as_of``
        records the day the base rate's cases were known by (None: the whole record)."""
        table = weights.assign(parameter=weights["parameter"].astype(str)).set_index("parameter")
        missing = [name for name in WEIGHT_NAMES if name not in table.index]
        if missing:
            raise ValueError(f"weights table lacks {', '.join(missing)} (expected {WEIGHT_NAMES})")
        return cls(
            base_rate=float(base.estimate),
            base_alpha=float(base.alpha),
            base_beta=float(base.beta),
            base_low=float(base.low),
            base_high=float(base.high),
            w_pressure=float(table.loc["w_pressure", "mean"]),
            w_tension=float(table.loc["w_tension", "mean"]),
            sd_pressure=float(table.loc["w_pressure", "sd"]),
            sd_tension=float(table.loc["w_tension", "sd"]),
            released=int(base.released),
            cases_counted=int(base.n_known),
            as_of=None if as_of is None else factors.to_day(as_of),
        )

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
        ("w_pressure", "log-odds per unit of pressure", model.w_pressure,
         model.w_pressure - Z_INTERVAL * model.sd_pressure,
         model.w_pressure + Z_INTERVAL * model.sd_pressure),
        ("w_tension", "log-odds per unit of tension", model.w_tension,
         model.w_tension - Z_INTERVAL * model.sd_tension,
         model.w_tension + Z_INTERVAL * model.sd_tension),
    ]  # fmt: skip
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


def scenario_models(dataset: Dataset, scenarios: pd.DataFrame) -> dict[str, ScenarioModel]:
    """Each scenario's model, by scenario_id: rows with an ``as_of`` date get the as-of model
    (cases known by that day), rows without get today's record. Models are built once per date."""
    built: dict[pd.Timestamp | None, ScenarioModel] = {}
    models = {}
    for row in scenarios.itertuples(index=False):
        as_of = None if pd.isna(row.as_of) else factors.to_day(row.as_of)
        if as_of not in built:
            built[as_of] = build_model(dataset, as_of)
        models[row.scenario_id] = built[as_of]
    return models


Models = ScenarioModel | Mapping[str, ScenarioModel]


def _model_for(models: Models, scenario_id: str) -> ScenarioModel:
    """One model for every scenario, or each scenario's own (a mapping by scenario_id)."""
    if isinstance(models, ScenarioModel):
        return models
    try:
        return models[scenario_id]
    except KeyError:
        raise ValueError(f"no model for scenario {scenario_id!r}") from None


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def draw_parameters(model: ScenarioModel, draws: int, seed: Seed = SEED) -> pd.DataFrame:
    """``draws`` joint draws of the uncertain inputs, as a tidy table.

    Columns: draw (0..draws-1), base_rate (Beta posterior, in (0, 1)), w_pressure, w_tension
    (normal, log-odds per unit). ``seed`` is an int or a ``np.random.default_rng`` Generator;
    the same seed gives the same draws. Drawn in a fixed order: base rate, then the weights.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1 (got {draws})")
    rng = _rng(seed)
    return pd.DataFrame(
        {
            "draw": np.arange(draws),
            "base_rate": rng.beta(model.base_alpha, model.base_beta, size=draws),
            "w_pressure": rng.normal(model.w_pressure, model.sd_pressure, size=draws),
            "w_tension": rng.normal(model.w_tension, model.sd_tension, size=draws),
        }
    )


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
    for sd, level in ((model.sd_pressure, pressure), (model.sd_tension, tension)):
        rng.standard_normal(size=draws, out=work)
        work *= sd * level
        log_odds += work
    log_odds += model.w_pressure * pressure + model.w_tension * tension
    # expit in place, tanh form as in ``expit``: 0.5 * (1 + tanh(x / 2)).
    log_odds *= 0.5
    np.tanh(log_odds, out=log_odds)
    log_odds += 1.0
    log_odds *= 0.5
    return log_odds


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


# --------------------------------------------------------------------------------------------
# Named scenarios
# --------------------------------------------------------------------------------------------


def scenario_levels(scenarios: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Each scenario with its factor levels filled in: given ones kept, empty ones from events.

    A level left empty in scenarios.csv is computed from the events dated (``date_latest``) on
    or before the scenario's ``as_of``. Columns: scenario_id, label, description, as_of,
    pressure, tension (in [0, 1]), levels_from (``given``, ``events`` or ``given+events``).
    """
    rows = []
    for row in scenarios.itertuples(index=False):
        pressure, tension = float(row.pressure), float(row.tension)
        source = "given"
        if math.isnan(pressure) or math.isnan(tension):
            levels = factors.factor_levels(events, row.as_of)
            both_empty = math.isnan(pressure) and math.isnan(tension)
            source = "events" if both_empty else "given+events"
            pressure = levels.pressure if math.isnan(pressure) else pressure
            tension = levels.tension if math.isnan(tension) else tension
        rows.append(
            {
                "scenario_id": row.scenario_id,
                "label": row.label,
                "description": row.description,
                "as_of": row.as_of,
                "pressure": pressure,
                "tension": tension,
                "levels_from": source,
            }
        )
    return pd.DataFrame(rows)


def scenario_draws(
    model: Models, levels: pd.DataFrame, draws: int = DEFAULT_DRAWS, seed: Seed = SEED
) -> pd.DataFrame:
    """The Monte Carlo for every scenario, tidy: one row per scenario and draw.

    ``model`` is one model for all scenarios or a mapping scenario_id -> model
    (``scenario_models``). Every scenario is drawn with the same seed, so scenarios with the
    same model share the very same parameter draws (common random numbers), and each scenario's
    draws are those ``simulate`` makes with its model and seed. (With a Generator as ``seed``,
    each distinct model takes the next draws from it.) Columns: scenario_id, draw, base_rate,
    w_pressure, w_tension, pressure, tension, p_release, p_return (probabilities in [0, 1]).
    """
    drawn: dict[ScenarioModel, pd.DataFrame] = {}
    frames = []
    for row in levels.itertuples(index=False):
        own = _model_for(model, row.scenario_id)
        if own not in drawn:
            drawn[own] = draw_parameters(own, draws, seed)
        frame = drawn[own].copy()
        frame.insert(0, "scenario_id", row.scenario_id)
        frame["pressure"] = row.pressure
        frame["tension"] = row.tension
        frame["p_release"] = release_probability(
            frame["base_rate"].to_numpy(), row.pressure, row.tension,
            frame["w_pressure"].to_numpy(), frame["w_tension"].to_numpy(),
        )  # fmt: skip
        frame["p_return"] = 1.0 - frame["p_release"]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def scenario_table(
    model: Models, levels: pd.DataFrame, draws: int = DEFAULT_DRAWS, seed: Seed = SEED
) -> pd.DataFrame:
    """The published table: one row per scenario.

    ``model`` is one model for all scenarios or a mapping scenario_id -> model
    (``scenario_models``: the as-of model for rows with an as_of date, today's record for the
    others). Columns: scenario_id, label, description, as_of, base_rate (the row's base rate,
    Beta posterior mean), releases_counted and cases_counted (what that base rate counts),
    pressure, tension, p_release (central: the base rate's mean and the weights' means, as in
    the waterfall), p_return = 1 - p_release, median (of the Monte Carlo's P(release)),
    interval_low, interval_high (its 80% interval), draws, seed.
    """
    simulated = scenario_draws(model, levels, draws, seed)
    rows = []
    for row in levels.itertuples(index=False):
        own = _model_for(model, row.scenario_id)
        p_draws = simulated.loc[simulated["scenario_id"] == row.scenario_id, "p_release"]
        summary = summarise(p_draws.to_numpy())
        p = float(own.p_release(row.pressure, row.tension))
        rows.append(
            {
                "scenario_id": row.scenario_id,
                "label": row.label,
                "description": row.description,
                "as_of": row.as_of,
                "base_rate": own.base_rate,
                "releases_counted": own.released,
                "cases_counted": own.cases_counted,
                "pressure": row.pressure,
                "tension": row.tension,
                "p_release": p,
                "p_return": 1.0 - p,
                "median": summary["median"],
                "interval_low": summary["low"],
                "interval_high": summary["high"],
                "draws": draws,
                "seed": seed if isinstance(seed, int) else None,
            }
        )
    return pd.DataFrame(rows)


def plot_scenario_intervals(table: pd.DataFrame) -> Figure:
    """Each scenario's central P(release) with its 80% interval, against even odds."""
    rows = table.iloc[::-1].reset_index(drop=True)
    figure, ax = plt.subplots(figsize=(8.0, 1.2 + 0.45 * len(rows)), layout="constrained")
    y = np.arange(len(rows))
    ax.hlines(
        y, rows["interval_low"], rows["interval_high"], color=OKABE_ITO["blue"], linewidth=3,
        label="80% interval",
    )  # fmt: skip
    ax.plot(rows["p_release"], y, "o", color=OKABE_ITO["black"], markersize=6, label="central")
    ax.plot(
        rows["median"], y, "|", color=OKABE_ITO["orange"], markersize=14, markeredgewidth=2,
        label="Monte Carlo median",
    )  # fmt: skip
    ax.axvline(0.5, color=OKABE_ITO["black"], linewidth=0.8, linestyle="--")
    ax.set_yticks(y, rows["label"].tolist())
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("P(release)  (left of the dashed line, return is more likely)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title("Named scenarios", fontsize=10)
    return figure


def _base_rate_text(rate: float, released: object, counted: object) -> str:
    """A base rate with what it counts, "0.20 (1 of 8)"; the rate alone when counts are absent."""
    if released is None or counted is None or pd.isna(released) or pd.isna(counted):
        return f"{rate:.2f}"
    return f"{rate:.2f} ({int(released)} of {int(counted)})"


def readable_table(table: pd.DataFrame) -> pd.DataFrame:
    """The scenario table as a reader sees it: rounded, the interval as text, no bookkeeping.

    ``base rate`` reads "0.20 (1 of 8)": the row's base rate and the releases and cases it counts.
    """
    return pd.DataFrame(
        {
            "description": table["description"],
            "base rate": [
                _base_rate_text(*values)
                for values in zip(
                    table["base_rate"],
                    table["releases_counted"],
                    table["cases_counted"],
                    strict=True,
                )
            ],
            "pressure": table["pressure"].round(2),
            "tension": table["tension"].round(2),
            "P(release)": table["p_release"].round(2),
            "P(return)": table["p_return"].round(2),
            "80% interval of P(release)": [
                f"{low:.2f} to {high:.2f}"
                for low, high in zip(table["interval_low"], table["interval_high"], strict=True)
            ],
        }
    ).set_index(table["scenario_id"].rename("scenario_id"))


# --------------------------------------------------------------------------------------------
# The waterfall: base rate, each factor's shift, result
# --------------------------------------------------------------------------------------------


def waterfall_steps(
    base_rate: float, pressure: float, tension: float, w_pressure: float, w_tension: float
) -> pd.DataFrame:
    """The model as additive steps on the log-odds scale, with the probability after each.

    Rows: base, pressure, tension, result. Columns: step, label, shift (log-odds added by the
    step; for base and result the level itself), start and end (log-odds), probability (P
    (release) in [0, 1] after the step).
    """
    base = float(logit(base_rate))
    shift_p, shift_t = w_pressure * pressure, w_tension * tension
    ends = [base, base + shift_p, base + shift_p + shift_t]
    rows = [
        ("base", "base rate", base, 0.0, base),
        ("pressure", f"pressure {pressure:.2f}\nx weight {w_pressure:+.2f}", shift_p, *ends[0:2]),
        ("tension", f"tension {tension:.2f}\nx weight {w_tension:+.2f}", shift_t, *ends[1:3]),
        ("result", "scenario", ends[2], 0.0, ends[2]),
    ]
    frame = pd.DataFrame(rows, columns=["step", "label", "shift", "start", "end"])
    frame["probability"] = expit(frame["end"].to_numpy())
    return frame


PROBABILITY_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)


def _probability_axis(ax: Axes, low: float, high: float) -> None:
    """A log-odds axis labelled in probabilities (the model adds on the log-odds scale)."""
    ticks = [p for p in PROBABILITY_TICKS if low - 1e-9 <= float(logit(p)) <= high + 1e-9]
    ax.set_yticks([float(logit(p)) for p in ticks], [f"{p:g}" for p in ticks])
    ax.set_ylim(low, high)


def draw_waterfall(ax: Axes, steps: pd.DataFrame, title: str | None = None) -> None:
    """Draw a waterfall_steps table on ``ax`` (cleared first, so a slider can redraw it)."""
    ax.clear()
    x = np.arange(len(steps))
    # The axis runs from P = 0.05 to 0.95 unless a step goes further; base and result bars
    # stand on the axis floor, the factor bars float from the previous step's end.
    limit = float(logit(0.95))
    low = min(-limit, float(steps[["start", "end"]].min().min()) - 0.3)
    high = max(limit, float(steps[["start", "end"]].max().max()) + 0.5)
    for i, row in enumerate(steps.itertuples(index=False)):
        floor = low if row.step in ("base", "result") else row.start
        top = row.end
        ax.bar(
            i, top - floor, bottom=floor, width=0.6, color=BAR_COLORS[row.step],
            hatch=HATCHES[row.step], edgecolor="white" if row.step != "result" else "black",
            alpha=0.9 if row.step != "result" else 0.85, linewidth=0.5,
        )  # fmt: skip
        if row.step in ("pressure", "tension"):
            text = f"{row.shift:+.2f} log-odds\n-> P = {row.probability:.2f}"
            above = row.shift >= 0
            ax.annotate(
                text, xy=(i, max(row.start, row.end) if above else min(row.start, row.end)),
                xytext=(0, 4 if above else -4), textcoords="offset points", ha="center",
                va="bottom" if above else "top", fontsize=8,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )  # fmt: skip
        else:
            # Inside the bar, under its top: clear of the even-odds line and the connectors.
            ax.annotate(
                f"P = {row.probability:.2f}", xy=(i, row.end), xytext=(0, -5),
                textcoords="offset points", ha="center", va="top", fontsize=9,
                fontweight="bold", color="white",
            )  # fmt: skip
        if i < len(steps) - 1:
            ax.plot([i + 0.3, i + 0.7], [row.end, row.end], color="#555555", linewidth=0.8)
    ax.axhline(0.0, color=OKABE_ITO["black"], linewidth=0.8, linestyle="--")
    ax.text(-0.48, 0.0, "even odds", ha="left", va="bottom", fontsize=7, color="#333333")
    _probability_axis(ax, low, high)
    ax.set_xticks(x, steps["label"].tolist(), fontsize=8)
    ax.set_xlim(-0.5, len(steps) - 0.5)
    ax.set_ylabel("P(release)  (log-odds scale)")
    if title:
        ax.set_title(title, fontsize=10)


def plot_waterfall(
    model: ScenarioModel, pressure: float, tension: float, title: str | None = None
) -> Figure:
    """Waterfall from the base rate through each factor's shift to the scenario's P(release)."""
    figure, ax = plt.subplots(figsize=(6.4, 3.8), layout="constrained")
    steps = waterfall_steps(model.base_rate, pressure, tension, model.w_pressure, model.w_tension)
    draw_waterfall(ax, steps, title or "From the base rate to the scenario")
    return figure


# --------------------------------------------------------------------------------------------
# Sensitivity: ablation, tornado, the (pressure, tension) plane
# --------------------------------------------------------------------------------------------


def ablation(
    model: ScenarioModel,
    pressure: float,
    tension: float,
    draws: int = DEFAULT_DRAWS,
    seed: Seed = SEED,
) -> pd.DataFrame:
    """P(release) with each factor switched off (its level set to 0), on common draws.

    Rows: full model, pressure off, tension off, both off (= the base rate). Columns: variant,
    pressure, tension, p_release (central), median, interval_low, interval_high (80%).
    """
    parameters = draw_parameters(model, draws, seed)
    variants = (
        ("full model", pressure, tension),
        ("pressure off", 0.0, tension),
        ("tension off", pressure, 0.0),
        ("both off (base rate)", 0.0, 0.0),
    )
    rows = []
    for label, p_level, t_level in variants:
        p_draws = release_probability(
            parameters["base_rate"].to_numpy(), p_level, t_level,
            parameters["w_pressure"].to_numpy(), parameters["w_tension"].to_numpy(),
        )  # fmt: skip
        summary = summarise(p_draws)
        rows.append(
            {
                "variant": label,
                "pressure": p_level,
                "tension": t_level,
                "p_release": float(model.p_release(p_level, t_level)),
                "median": summary["median"],
                "interval_low": summary["low"],
                "interval_high": summary["high"],
            }
        )
    return pd.DataFrame(rows)


def tornado(
    model: ScenarioModel,
    pressure: float,
    tension: float,
    events: pd.DataFrame | None = None,
    as_of: factors.DateLike | None = None,
    half_lives: tuple[float, float] = (30.0, 120.0),
) -> pd.DataFrame:
    """One-at-a-time swings of P(release) as each input moves across its 80% range.

    Inputs: the base rate (its 80% Beta interval), each weight (mean -+ 1.28 sd), and, when
    ``events`` and ``as_of`` are given, the factor rule's half-life (``half_lives`` days, both
    levels recomputed). Others stay central. Columns: input, low_setting, high_setting, p_low,
    p_high (P(release) in [0, 1] at each setting), swing (|p_high - p_low|); widest first.
    """
    central = dict(
        base_rate=model.base_rate, pressure=pressure, tension=tension,
        w_pressure=model.w_pressure, w_tension=model.w_tension,
    )  # fmt: skip
    moves: list[tuple[str, str, str, dict[str, float], dict[str, float]]] = [
        (
            "base rate",
            f"{model.base_low:.2f}",
            f"{model.base_high:.2f}",
            {"base_rate": model.base_low},
            {"base_rate": model.base_high},
        ),
    ]
    for name, mean, sd in (
        ("w_pressure", model.w_pressure, model.sd_pressure),
        ("w_tension", model.w_tension, model.sd_tension),
    ):
        low, high = mean - Z_INTERVAL * sd, mean + Z_INTERVAL * sd
        moves.append((f"{name} (weight)", f"{low:+.2f}", f"{high:+.2f}", {name: low}, {name: high}))
    if events is not None and as_of is not None:
        settings = []
        for half_life in half_lives:
            levels = factors.factor_levels(events, as_of, half_life_days=half_life)
            settings.append({"pressure": levels.pressure, "tension": levels.tension})
        moves.append(
            (
                "factor half-life (days)",
                f"{half_lives[0]:g}",
                f"{half_lives[1]:g}",
                settings[0],
                settings[1],
            )
        )
    rows = []
    for label, low_text, high_text, low_change, high_change in moves:
        p_low = float(release_probability(**{**central, **low_change}))
        p_high = float(release_probability(**{**central, **high_change}))
        rows.append(
            {
                "input": label,
                "low_setting": low_text,
                "high_setting": high_text,
                "p_low": p_low,
                "p_high": p_high,
                "swing": abs(p_high - p_low),
            }
        )
    table = pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def plot_tornado(table: pd.DataFrame, central: float, title: str | None = None) -> Figure:
    """Tornado chart of a tornado table around the central P(release)."""
    rows = table.iloc[::-1].reset_index(drop=True)  # widest at the top
    figure, ax = plt.subplots(figsize=(7.0, 1.4 + 0.55 * len(rows)), layout="constrained")
    y = np.arange(len(rows))
    for i, row in rows.iterrows():
        for value, setting, colour, hatch in (
            (row["p_low"], row["low_setting"], OKABE_ITO["orange"], "xx"),
            (row["p_high"], row["high_setting"], OKABE_ITO["sky_blue"], ""),
        ):
            ax.barh(
                i, value - central, left=central, height=0.55, color=colour, hatch=hatch,
                edgecolor="#333333", linewidth=0.5,
            )  # fmt: skip
            ax.annotate(
                f"{setting}", xy=(value, i), xytext=(3 if value >= central else -3, 0),
                textcoords="offset points", va="center",
                ha="left" if value >= central else "right", fontsize=7,
            )  # fmt: skip
    ax.axvline(central, color=OKABE_ITO["black"], linewidth=1)
    ax.set_yticks(y, rows["input"].tolist())
    lows = min(rows["p_low"].min(), rows["p_high"].min(), central)
    highs = max(rows["p_low"].max(), rows["p_high"].max(), central)
    pad = max(0.06, 0.15 * (highs - lows))
    ax.set_xlim(max(0.0, lows - pad), min(1.0, highs + pad))
    ax.set_xlabel(f"P(release) (central {central:.2f}; each input at its 80% range)")
    ax.legend(
        handles=[
            Patch(facecolor=OKABE_ITO["orange"], hatch="xx", edgecolor="#333333", label="low end"),
            Patch(facecolor=OKABE_ITO["sky_blue"], edgecolor="#333333", label="high end"),
        ],
        loc="lower right", fontsize=8,
    )  # fmt: skip
    ax.set_title(title or "What moves P(release) most", fontsize=10)
    return figure


def probability_plane(model: ScenarioModel, resolution: int = 101) -> pd.DataFrame:
    """Central P(release) on a grid over pressure x tension in [0, 1]^2, tidy.

    Columns: pressure, tension, p_release (in [0, 1]), release_more_likely (p_release > 0.5).
    """
    grid = np.linspace(0.0, 1.0, resolution)
    pressure, tension = np.meshgrid(grid, grid)
    p = model.p_release(pressure, tension)
    return pd.DataFrame(
        {
            "pressure": pressure.ravel(),
            "tension": tension.ravel(),
            "p_release": p.ravel(),
            "release_more_likely": p.ravel() > 0.5,
        }
    )


def share_release_more_likely(
    model: ScenarioModel, resolution: int = 41, draws: int = DEFAULT_DRAWS, seed: Seed = SEED
) -> np.ndarray:
    """Share of draws in which P(release) > 0.5, on a resolution x resolution grid (tension rows).

    The boundary's uncertainty: where the share is near 0.5 the draws disagree on which
    outcome is more likely. Computed in chunks of draws so memory stays small.
    """
    parameters = draw_parameters(model, draws, seed)
    grid = np.linspace(0.0, 1.0, resolution)
    # P(release) > 0.5 exactly when the log-odds are positive, so no expit is needed.
    base = logit(parameters["base_rate"].to_numpy())
    w_pressure = parameters["w_pressure"].to_numpy()
    w_tension = parameters["w_tension"].to_numpy()
    ahead = np.zeros((resolution, resolution))
    for start in range(0, draws, 2_000):
        chunk = slice(start, start + 2_000)
        log_odds = (
            base[chunk, None, None]
            + w_pressure[chunk, None, None] * grid[None, None, :]
            + w_tension[chunk, None, None] * grid[None, :, None]
        )
        ahead += (log_odds > 0).sum(axis=0)
    return ahead / draws


def plot_plane(
    model: ScenarioModel,
    levels: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    seed: Seed = SEED,
) -> Figure:
    """Map of P(release) over (pressure, tension), the 0.5 contour marked, scenarios on top.

    The dashed and dotted lines show where a quarter and three quarters of the Monte Carlo
    draws put release ahead (the boundary's uncertainty). Where the 0.5 contour or those lines
    fall outside the square, the title says which outcome leads everywhere, and the legend
    gives the range of the share of draws instead; nothing is drawn that is not there.
    Historical cases (coded levels / 2,
    jittered) show where the evidence lies. Pass the model's reference class as ``cases``
    (``model_cases``), so the points are the cases the base rate comes from.
    """
    resolution = 101
    plane = probability_plane(model, resolution)
    grid = np.linspace(0.0, 1.0, resolution)
    p = plane["p_release"].to_numpy().reshape(resolution, resolution)
    figure, ax = plt.subplots(figsize=(6.6, 5.4), layout="constrained")
    filled = ax.contourf(
        grid, grid, p, levels=np.linspace(0, 1, 11), cmap="cividis", vmin=0, vmax=1
    )
    lines = ax.contour(
        grid, grid, p, levels=[0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9], colors="white",
        linewidths=0.5, alpha=0.7,
    )  # fmt: skip
    ax.clabel(lines, fmt="%.1f", fontsize=7)
    legend = []
    if p.min() < 0.5 < p.max():
        ax.contour(grid, grid, p, levels=[0.5], colors="black", linewidths=2.2)
        legend.append(
            Line2D([], [], color="black", linewidth=2.2, label="central P(release) = 0.5")
        )
        title = "Where release becomes more likely than return"
    else:
        # No boundary to draw: say which outcome leads on the whole square, and by how much.
        side = "Release" if p.min() >= 0.5 else "Return"
        title = (
            f"{side} ahead on the whole plane: central P(release) {p.min():.2f} to {p.max():.2f}"
        )
    coarse = np.linspace(0.0, 1.0, 41)
    share = share_release_more_likely(model, 41, seed=seed)
    share_lines = 0
    for level, style in ((0.25, "--"), (0.75, ":")):
        if share.min() < level < share.max():
            ax.contour(coarse, coarse, share, levels=[level], colors="black", linewidths=1.2,
                       linestyles=style)  # fmt: skip
            legend.append(
                Line2D([], [], color="black", linewidth=1.2, linestyle=style,
                       label=f"{level:.0%} of draws put release ahead")
            )  # fmt: skip
            share_lines += 1
    if not share_lines:  # neither line falls inside the square: give the range instead
        legend.append(
            Line2D([], [], linestyle="",
                   label=f"{share.min():.0%} to {share.max():.0%} of draws put release ahead")
        )  # fmt: skip
    if cases is not None:
        rng = np.random.default_rng(0)  # jitter only, fixed so the picture never changes
        for outcome, marker in (("released", "o"), ("returned", "s"), ("mixed", "D")):
            rows = cases[cases["outcome"].astype(str) == outcome]
            if rows.empty:
                continue
            # Jitter so cases with the same coded levels stay visible; kept inside the square.
            jitter = rng.uniform(-0.04, 0.04, size=(len(rows), 2))
            x = np.clip(rows["pressure_level"].to_numpy() / 2 + jitter[:, 0], 0.015, 0.985)
            y = np.clip(rows["tension_level"].to_numpy() / 2 + jitter[:, 1], 0.015, 0.985)
            ax.scatter(
                x, y, marker=marker, s=24, facecolor="white", edgecolor=OUTCOME_COLORS[outcome],
                linewidths=1.4, zorder=3,
            )  # fmt: skip
            legend.append(
                Line2D([], [], linestyle="", marker=marker, markerfacecolor="white",
                       markeredgecolor=OUTCOME_COLORS[outcome], label=f"case {outcome}")
            )  # fmt: skip
    if levels is not None:
        for i, row in enumerate(levels.itertuples(index=False)):
            marker = SCENARIO_MARKERS[i % len(SCENARIO_MARKERS)]
            ax.scatter(
                row.pressure, row.tension, marker=marker, s=90, color="white",
                edgecolor="black", linewidths=1.6, zorder=4, clip_on=False,
            )  # fmt: skip
            legend.append(
                Line2D([], [], linestyle="", marker=marker, markersize=8, markeredgewidth=1.6,
                       markerfacecolor="white", markeredgecolor="black", label=row.label)
            )  # fmt: skip
    colourbar = figure.colorbar(filled, ax=ax, shrink=0.8)
    colourbar.set_label("central P(release)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("international pressure (0-1)")
    ax.set_ylabel("Beijing-Pyongyang tension (0-1)")
    ax.set_title(title, fontsize=10)
    figure.legend(handles=legend, loc="outside lower center", ncols=3, fontsize=7)
    return figure


# --------------------------------------------------------------------------------------------
# Timing: when a return would come
# --------------------------------------------------------------------------------------------


def return_delays(cases: pd.DataFrame) -> np.ndarray:
    """Days from detention to return of the returned cases with usable dates (middle estimates).

    The model's timing passes its reference class (``model_cases``), as ``case_view`` does.
    """
    delays = time_to_return(cases)
    usable = delays[delays["usable"]]
    return np.sort(usable["days"].astype(float).to_numpy())


def lognormal_fit(days: np.ndarray) -> tuple[float, float]:
    """Mean and sd of log(days) (days floored at 0.5 so a same-day return has a log)."""
    logs = np.log(np.maximum(np.asarray(days, dtype=float), 0.5))
    if len(logs) < 2:
        raise ValueError(f"a curve needs at least two dated returns (got {len(logs)})")
    return float(logs.mean()), float(logs.std(ddof=1))


def lognormal_cdf(days: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """P(a return comes by day d | it comes at all), for a log-normal in days; in [0, 1]."""
    d = np.asarray(days, dtype=float)
    z = (np.log(np.maximum(d, 1e-9)) - mu) / (sigma * math.sqrt(2.0))
    values = 0.5 * (1.0 + np.vectorize(math.erf)(z))
    return np.where(d > 0, values, 0.0)


def empirical_cdf(days: np.ndarray, delays: np.ndarray) -> np.ndarray:
    """Share of the observed delays that are <= each day; in [0, 1]."""
    ordered = np.sort(np.asarray(delays, dtype=float))
    return np.searchsorted(ordered, np.asarray(days, dtype=float), side="right") / len(ordered)


def return_timing(
    p_return: float,
    delays: np.ndarray,
    horizon: int = TIMING_HORIZON_DAYS,
    held_until: int | None = None,
    p_return_draws: np.ndarray | None = None,
) -> pd.DataFrame:
    """P(returned by day d since detention), d = 0..horizon, under the model; in [0, 1].

    Assumption: the group is eventually returned with probability ``p_return`` (the model's),
    and the day of a return follows the delays of the returned cases: their empirical
    distribution (column ``empirical``) and a log-normal fitted to them (``lognormal``), so
    P(returned by d) = p_return * F(d). With ``held_until`` (a day on which the group is known
    to be still held) the ``*_given_held`` columns condition on it:
    P(returned by d | not by h) = p (F(d) - F(h)) / (1 - p F(h)) for d >= h. With
    ``p_return_draws`` (Monte Carlo), ``lognormal_low``/``lognormal_high`` give the 80% band.
    """
    days = np.arange(horizon + 1, dtype=float)
    delays = np.asarray(delays, dtype=float)
    # Too few dated returns for a curve: the columns stay empty (NaN) rather than invented.
    missing = np.full(len(days), np.nan)
    curves = {
        "empirical": empirical_cdf(days, delays) if len(delays) else missing,
        "lognormal": lognormal_cdf(days, *lognormal_fit(delays)) if len(delays) > 1 else missing,
    }
    frame = pd.DataFrame({"day": days.astype(int)})
    for name, cdf in curves.items():
        frame[name] = p_return * cdf
    if p_return_draws is not None:
        draws = np.asarray(p_return_draws, dtype=float)
        band = np.quantile(draws[:, None] * curves["lognormal"][None, :], QUANTILES[::2], axis=0)
        frame["lognormal_low"], frame["lognormal_high"] = band[0], band[1]
    if held_until is not None:
        for name, cdf in curves.items():
            at_h = float(cdf[min(held_until, horizon)])
            conditional = p_return * (cdf - at_h) / (1.0 - p_return * at_h)
            frame[f"{name}_given_held"] = np.where(days >= held_until, conditional, np.nan)
    return frame


def eventual_return_given_held(p_return: float, delays: np.ndarray, held_days: int) -> float:
    """P(eventually returned | still held after ``held_days``), by Bayes with the log-normal.

    A group that will be returned has probability F(h) of being back by day h; one that will
    be released is still held either way. So p' = p (1 - F(h)) / (1 - p F(h)), in [0, 1].
    """
    if len(delays) < 2:
        return math.nan
    mu, sigma = lognormal_fit(delays)
    at_h = float(lognormal_cdf(np.array([held_days]), mu, sigma)[0])
    still_held = 1.0 - p_return * at_h  # P(not returned by day h)
    return p_return * (1.0 - at_h) / still_held if still_held > 0 else math.nan


def held_updates(
    p_return: float, delays: np.ndarray, detained: pd.Timestamp, days: Sequence[factors.DateLike]
) -> pd.DataFrame:
    """P(eventually returned) once the group is known to be still held on each of ``days``.

    Columns: still_held_on, days_held (since ``detained``), p_return (the model's, before the
    news), p_return_given_held (after it; see eventual_return_given_held), both in [0, 1].
    """
    rows = []
    for day in days:
        when = factors.to_day(day)
        held = int((when - detained).days)
        rows.append(
            {
                "still_held_on": when.date().isoformat(),
                "days_held": held,
                "p_return": p_return,
                "p_return_given_held": eventual_return_given_held(p_return, delays, held),
            }
        )
    return pd.DataFrame(rows)


def plot_timing(
    timing: pd.DataFrame,
    delays: np.ndarray,
    p_return: float,
    held_until: int | None = None,
    title: str | None = None,
) -> Figure:
    """P(returned by day d) under the model, against 14 days, about 61 days, and the cases."""
    figure, ax = plt.subplots(figsize=(7.2, 4.4), layout="constrained")
    colour = OUTCOME_COLORS["returned"]
    if "lognormal_low" in timing:
        ax.fill_between(
            timing["day"], timing["lognormal_low"], timing["lognormal_high"], color=colour,
            alpha=0.18, linewidth=0, label="80% interval (Monte Carlo)",
        )  # fmt: skip
    ax.step(
        timing["day"], timing["empirical"], where="post", color=colour, linewidth=1.2,
        linestyle=":", label="empirical (cases' delays)",
    )  # fmt: skip
    ax.plot(timing["day"], timing["lognormal"], color=colour, linewidth=2, label="log-normal fit")
    if held_until is not None and "lognormal_given_held" in timing:
        ax.plot(
            timing["day"], timing["lognormal_given_held"], color=OKABE_ITO["black"],
            linewidth=1.5, linestyle="-.", label=f"given still held on day {held_until}",
        )  # fmt: skip
    ax.axhline(p_return, color="#555555", linewidth=0.8, linestyle="--")
    ax.text(
        timing["day"].iloc[-1] - 1, p_return + 0.01, f"eventual P(return) = {p_return:.2f}",
        ha="right", va="bottom", fontsize=8,
    )  # fmt: skip
    for day, text, style in (
        (ARTICLE_RETURN_DAYS, "article: ~2 weeks", "--"),
        (HRW_RETURN_DAYS, "HRW: ~2 months", (0, (4, 1, 1, 1))),
    ):
        ax.axvline(day, color=OKABE_ITO["black"], linewidth=0.9, linestyle=style)
        ax.text(day + 1, 0.98, text, rotation=90, va="top", ha="left", fontsize=8)
    horizon = int(timing["day"].iloc[-1])
    shown = delays[delays <= horizon]
    beyond = delays[delays > horizon]
    label = f"delays in the cases (n = {len(delays)})"
    if len(beyond):
        label += f"; beyond the axis: {', '.join(f'{d:.0f}' for d in beyond)} days"
    ax.plot(
        shown, np.full(len(shown), -0.03), linestyle="", marker="|", markersize=12,
        color=colour, label=label,
    )  # fmt: skip
    ax.set_xlim(0, horizon)
    ax.set_ylim(-0.06, 1.0)
    ax.set_xlabel("days since detention")
    ax.set_ylabel("P(returned by that day)")
    ax.set_title(title or "When a return would come", fontsize=10)
    figure.legend(loc="outside lower center", ncols=3, fontsize=7)
    return figure


# --------------------------------------------------------------------------------------------
# Fitted weights and the backtest
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FittedWeights:
    """A ridge logistic regression of release on the cases' coded levels (level / 2).

    ``intercept`` is the log-odds of release at both levels 0; weights in log-odds per unit;
    ``se_*`` are the Laplace (inverse-Hessian) standard errors; ``n`` the cases used.
    """

    intercept: float
    w_pressure: float
    w_tension: float
    se_intercept: float
    se_pressure: float
    se_tension: float
    n: int
    released: int
    l2: float
    iterations: int


def known_outcomes(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases handled one way (released or returned), with y (1 released) and levels in [0, 1]."""
    outcome = cases["outcome"].astype(str)
    frame = cases[outcome.isin(["released", "returned"])].copy()
    frame["y"] = (frame["outcome"].astype(str) == "released").astype(float)
    frame["pressure"] = frame["pressure_level"] / 2.0
    frame["tension"] = frame["tension_level"] / 2.0
    return frame.reset_index(drop=True)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = L2_PENALTY, max_iterations: int = 100
) -> tuple[np.ndarray, np.ndarray, int]:
    """Ridge logistic regression by Newton's method (IRLS); the intercept is not penalised.

    ``x`` is n x k without the intercept column; returns (coefficients [intercept, w...],
    standard errors, iterations). Maximises sum(y log p + (1-y) log(1-p)) - l2/2 * |w|^2.
    """
    design = np.column_stack([np.ones(len(x)), np.asarray(x, dtype=float)])
    penalty = np.full(design.shape[1], float(l2))
    penalty[0] = 0.0
    beta = np.zeros(design.shape[1])
    iteration = 0
    while iteration < max_iterations:
        iteration += 1
        p = expit(design @ beta)
        gradient = design.T @ (y - p) - penalty * beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = expit(design @ beta)
    hessian = design.T @ (design * (p * (1 - p))[:, None]) + np.diag(penalty)
    se = np.sqrt(np.diag(np.linalg.inv(hessian)))
    return beta, se, iteration


def fit_weights(cases: pd.DataFrame, l2: float = L2_PENALTY) -> FittedWeights:
    """Fit intercept and weights on the cases with a one-way outcome (mixed, unknown left out).

    To compare with the model, pass its reference class (``model_cases``).
    """
    frame = known_outcomes(cases)
    if len(frame) < 2:
        raise ValueError(
            f"fitting needs at least two cases with a known outcome (got {len(frame)})"
        )
    beta, se, iterations = fit_logistic(
        frame[["pressure", "tension"]].to_numpy(), frame["y"].to_numpy(), l2
    )
    return FittedWeights(
        intercept=float(beta[0]), w_pressure=float(beta[1]), w_tension=float(beta[2]),
        se_intercept=float(se[0]), se_pressure=float(se[1]), se_tension=float(se[2]),
        n=len(frame), released=int(frame["y"].sum()), l2=l2, iterations=iterations,
    )  # fmt: skip


def weights_comparison(model: ScenarioModel, fitted: FittedWeights) -> pd.DataFrame:
    """Expert (weights.csv) and fitted weights side by side, each with its 80% range."""
    rows = []
    for name, expert_mean, expert_sd, fit_mean, fit_se in (
        ("w_pressure", model.w_pressure, model.sd_pressure, fitted.w_pressure, fitted.se_pressure),
        ("w_tension", model.w_tension, model.sd_tension, fitted.w_tension, fitted.se_tension),
    ):
        for source, mean, sd in (("expert", expert_mean, expert_sd), ("fitted", fit_mean, fit_se)):
            rows.append(
                {
                    "parameter": name,
                    "source": source,
                    "mean": mean,
                    "sd": sd,
                    "low": mean - Z_INTERVAL * sd,
                    "high": mean + Z_INTERVAL * sd,
                }
            )
    return pd.DataFrame(rows)


def plot_weights(comparison: pd.DataFrame) -> Figure:
    """Expert and fitted weights with their 80% ranges, on the log-odds scale."""
    figure, ax = plt.subplots(figsize=(6.4, 2.4), layout="constrained")
    styles = {
        "expert": ("o", OKABE_ITO["blue"], 0.12),
        "fitted": ("s", OKABE_ITO["vermillion"], -0.12),
    }
    names = list(dict.fromkeys(comparison["parameter"]))
    for _, row in comparison.iterrows():
        marker, colour, offset = styles[row["source"]]
        y = names.index(row["parameter"]) + offset
        ax.plot([row["low"], row["high"]], [y, y], color=colour, linewidth=2)
        ax.plot(row["mean"], y, marker=marker, color=colour, markersize=7, linestyle="")
    ax.axvline(0, color=OKABE_ITO["black"], linewidth=0.8, linestyle="--")
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(-0.5, len(names) - 0.5)
    ax.set_xlabel("weight (log-odds of release per unit factor); bars: 80% range")
    ax.legend(
        handles=[
            Line2D([], [], marker=m, color=c, label=s, linewidth=2)
            for s, (m, c, _) in styles.items()
        ],
        loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
    )  # fmt: skip
    ax.invert_yaxis()  # w_pressure on top, as in the tables
    ax.set_title("Expert weights and weights fitted to the cases", fontsize=10)
    return figure


def _forecasts(
    row: Any,
    known: pd.DataFrame,
    model: ScenarioModel,
    prior: tuple[float, float],
    l2: float,
) -> dict[str, Any]:
    """The four backtest forecasts for one case (``row`` of known_outcomes) from the cases
    ``known`` when it was forecast; see backtest_in_time for the fall-backs."""
    train = known_outcomes(known)
    prior_mean = prior[0] / (prior[0] + prior[1])
    outcomes = set(train["y"])
    result: dict[str, Any] = {"trained_on": len(train), "regression_fitted": outcomes == {0.0, 1.0}}
    if train.empty:  # nothing known yet: every forecast is the prior's mean
        return result | dict.fromkeys(FORECASTS, prior_mean)
    base = release_base_rate(known, prior).estimate
    result["base_only"] = base
    result["expert"] = float(
        release_probability(base, row.pressure, row.tension, model.w_pressure, model.w_tension)
    )
    result["expert_centred"] = float(
        release_probability(
            base, row.pressure - train["pressure"].mean(), row.tension - train["tension"].mean(),
            model.w_pressure, model.w_tension,
        )
    )  # fmt: skip
    if result["regression_fitted"]:
        beta, _, _ = fit_logistic(
            train[["pressure", "tension"]].to_numpy(), train["y"].to_numpy(), l2
        )
        result["fitted"] = float(expit(beta[0] + beta[1] * row.pressure + beta[2] * row.tension))
    else:  # all known cases ended one way: the intercept has no finite maximum
        result["fitted"] = base
    return result


def _backtest_row(row: Any, forecasts: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "case_id": row.case_id,
        "title": row.title,
        "outcome": str(row.outcome),
        "y": row.y,
        "pressure": row.pressure,
        "tension": row.tension,
        **extra,
        "trained_on": forecasts["trained_on"],
        "regression_fitted": forecasts["regression_fitted"],
        **{name: forecasts[name] for name in FORECASTS},
    }


def backtest(
    cases: pd.DataFrame,
    model: ScenarioModel,
    prior: tuple[float, float] = (1.0, 1.0),
    l2: float = L2_PENALTY,
) -> pd.DataFrame:
    """Leave-one-out forecasts for every case with a one-way outcome.

    Each case is forecast from all the other cases passed, earlier and later alike, so this is
    not a test of forecasting (``backtest_in_time`` is): it asks how well the model's form fits
    the record, with the case itself held out. ``cases`` should be the model's reference class
    (``model_cases``), the class its base rate comes from. For each case, using only the other
    cases: ``base_only`` is the base rate (Beta posterior mean); ``expert`` adds the expert
    weights (weights.csv) at the case's coded levels, as the model does; ``expert_centred``
    adds them to the levels minus the other cases' mean levels (a diagnostic: the base rate
    already belongs to cases with average, not zero, levels); ``fitted`` is a ridge logistic
    regression refitted without the case (the base rate when the others all ended one way).
    Columns: case_id, title, outcome, y (1 released, 0 returned), pressure, tension,
    trained_on (cases with a one-way outcome used), regression_fitted, and the four forecasts
    (P(release) in [0, 1]). The expert weights were chosen knowing the cases, which flatters
    them.
    """
    frame = known_outcomes(cases)
    others_all = cases.reset_index(drop=True)
    rows = []
    for row in frame.itertuples(index=False):
        others = others_all[others_all["case_id"] != row.case_id]
        rows.append(_backtest_row(row, _forecasts(row, others, model, prior, l2)))
    return pd.DataFrame(rows)


def forecast_day(cases: pd.DataFrame) -> pd.Series:
    """The day each case would have been forecast: the first day of its detention
    (``detained_date``), or for a case without one, the first day of its outcome."""
    return cases["detained_date"].fillna(cases["outcome_date"])


def backtest_in_time(
    cases: pd.DataFrame,
    model: ScenarioModel,
    prior: tuple[float, float] = (1.0, 1.0),
    l2: float = L2_PENALTY,
) -> pd.DataFrame:
    """Forecasts made in time order, each from the cases known before it: no later case leaks in.

    For every case with a one-way outcome, the forecast day is the first day of its detention
    (``forecast_day``), and the training cases are those of ``cases`` whose outcome was surely
    known before that day (``outcome_latest`` earlier than the forecast day; unknown outcomes
    never count). The four forecasts are those of ``backtest`` computed from the training cases
    only. With no training case yet every forecast is the prior's mean (0.5 for the uniform
    prior); while the known cases all ended one way, ``fitted`` is the base rate, since the
    regression's intercept then has no finite maximum. Columns as in ``backtest``, plus
    forecast_day; rows in order of forecast day. ``trained_on`` counts the training cases with
    a one-way outcome, so ``(trained_on > 0).sum()`` cases had any training data.
    """
    frame = known_outcomes(cases)
    frame["forecast_day"] = forecast_day(frame)
    frame = frame.sort_values(["forecast_day", "case_id"], kind="stable")
    everything = cases.reset_index(drop=True)
    rows = []
    for row in frame.itertuples(index=False):
        known = everything[everything["outcome_latest"] < row.forecast_day]
        forecasts = _forecasts(row, known, model, prior, l2)
        rows.append(_backtest_row(row, forecasts, forecast_day=row.forecast_day))
    return pd.DataFrame(rows)


FORECASTS = ("base_only", "expert", "expert_centred", "fitted")


def brier_scores(results: pd.DataFrame) -> pd.DataFrame:
    """Brier score of each forecast: mean (forecast - outcome)^2 over the cases.

    Scale: 0 is perfect, 0.25 is what always saying 50% scores, 1 is always certain and wrong.
    ``skill`` is 1 - Brier / Brier(base_only): above 0 beats the base rate. ``n`` is the cases
    scored, ``with_training`` those forecast from at least one earlier case (all of them when
    the results have no ``trained_on`` column).
    """
    reference = float(np.mean((results["base_only"] - results["y"]) ** 2))
    trained = int((results["trained_on"] > 0).sum()) if "trained_on" in results else len(results)
    rows = []
    for name in FORECASTS:
        score = float(np.mean((results[name] - results["y"]) ** 2))
        rows.append(
            {
                "forecast": name,
                "brier": score,
                "skill_vs_base_rate": 1.0 - score / reference if reference > 0 else math.nan,
                "n": len(results),
                "with_training": trained,
            }
        )
    return pd.DataFrame(rows)


def backtest_scores(results: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Brier scores of several backtests in one tidy table, a ``backtest`` column naming each
    (for example {"in time": backtest_in_time(...), "leave-one-out": backtest(...)})."""
    frames = [brier_scores(frame).assign(backtest=name) for name, frame in results.items()]
    table = pd.concat(frames, ignore_index=True)
    return table[["backtest", *[c for c in table.columns if c != "backtest"]]]


def reliability_table(
    results: pd.DataFrame, bins: Sequence[float] = RELIABILITY_BINS
) -> pd.DataFrame:
    """For each forecast and bin of forecast P(release): cases, mean forecast, share released.

    A reliable forecast has the share released close to the mean forecast in every bin.
    """
    edges = np.asarray(bins, dtype=float)
    labels = [f"{low:.2f}-{high:.2f}" for low, high in zip(edges[:-1], edges[1:], strict=True)]
    rows = []
    for name in FORECASTS:
        which = np.clip(np.searchsorted(edges, results[name], side="right") - 1, 0, len(labels) - 1)
        for index, label in enumerate(labels):
            mask = which == index
            count = int(mask.sum())
            rows.append(
                {
                    "forecast": name,
                    "bin": label,
                    "cases": count,
                    "mean_forecast": float(results.loc[mask, name].mean()) if count else math.nan,
                    "share_released": float(results.loc[mask, "y"].mean()) if count else math.nan,
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# The interactive what-if
# --------------------------------------------------------------------------------------------


def probability_text(p_release: float) -> str:
    """The what-if's headline: both probabilities, two decimals."""
    return f"P(release) = {p_release:.2f} · P(return) = {1 - p_release:.2f}"


class WhatIf:
    """Sliders for both factors and both weights; a probability readout and a waterfall.

    ``widget`` is the box to display; ``update(...)`` is the callback the sliders call, also
    callable directly (it returns the readout text). The waterfall is redrawn on a Figure
    outside pyplot and shown as a PNG in an Image widget, so the callback prints nothing.
    """

    def __init__(self, model: ScenarioModel, pressure: float, tension: float) -> None:
        import ipywidgets as widgets  # only notebooks need it

        self.model = model
        self.figure = Figure(figsize=(6.0, 3.4), layout="constrained", dpi=80)
        self.ax = self.figure.subplots()

        def slider(value: float, low: float, high: float, step: float, text: str):
            return widgets.FloatSlider(
                value=round(value, 2), min=low, max=high, step=step, description=text,
                continuous_update=False, readout_format=".2f",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="330px"),
            )  # fmt: skip

        self.sliders = {
            "pressure": slider(pressure, 0.0, 1.0, 0.05, "pressure (0-1)"),
            "tension": slider(tension, 0.0, 1.0, 0.05, "tension (0-1)"),
            "w_pressure": slider(model.w_pressure, -3.0, 3.0, 0.1, "weight of pressure"),
            "w_tension": slider(model.w_tension, -3.0, 3.0, 0.1, "weight of tension"),
        }
        self.probability = widgets.HTML(description="", layout=widgets.Layout(margin="4px 0"))
        self.probability.add_class("whatif-probability")
        self.image = widgets.Image(format="png")
        self.image.add_class("whatif-waterfall")
        for control in self.sliders.values():
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.VBox([self.sliders["pressure"], self.sliders["tension"]]),
                        widgets.VBox([self.sliders["w_pressure"], self.sliders["w_tension"]]),
                    ]
                ),
                self.probability,
                self.image,
            ]
        )
        self.update(**{name: control.value for name, control in self.sliders.items()})

    def move_sliders(self, **values: float) -> str:
        """Set sliders by name, as a reader would, so the readout and the sliders agree;
        returns the readout. Names: pressure, tension (0-1), w_pressure, w_tension (-3 to 3)."""
        for name, value in values.items():
            self.sliders[name].value = value
        return self.update(**{name: control.value for name, control in self.sliders.items()})

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.update(**{name: control.value for name, control in self.sliders.items()})

    def update(self, pressure: float, tension: float, w_pressure: float, w_tension: float) -> str:
        """Recompute P(release), set the readout, redraw the waterfall; returns the readout."""
        steps = waterfall_steps(self.model.base_rate, pressure, tension, w_pressure, w_tension)
        text = probability_text(float(steps["probability"].iloc[-1]))
        self.probability.value = f"<b>{text}</b>"
        self.image.value = render_waterfall_png(self.figure, self.ax, steps)
        return text


def render_waterfall_png(figure: Figure, ax: Axes, steps: pd.DataFrame) -> bytes:
    """Redraw the waterfall on ``ax`` and return the figure as PNG bytes (the slider's redraw)."""
    draw_waterfall(ax, steps, "What if: from the base rate to your scenario")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Files for the report
# --------------------------------------------------------------------------------------------


def neutralise_formula(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def table_csv(table: pd.DataFrame) -> str:
    """The scenario table as CSV text: probabilities to 4 decimals, formulas neutralised."""
    frame = table.copy()
    frame["as_of"] = frame["as_of"].map(lambda d: "" if pd.isna(d) else f"{d:%Y-%m-%d}")
    for column in frame.columns:
        if frame[column].dtype.kind == "f":
            frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:.4f}")
        else:
            frame[column] = frame[column].map(neutralise_formula)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


@dataclass(frozen=True)
class CaseView:
    """Everything the notebook and the report show about the case as of 24 April 2017.

    ``model`` is the case's own model: its base rate counts only the cases whose outcome was
    known by the case scenario's as-of date. ``record_model`` is today's whole record, the model
    of the scenarios without a date and of the plane chart; ``models`` gives each scenario's
    model by scenario_id, as in ``table``.
    """

    model: ScenarioModel
    levels: pd.DataFrame
    table: pd.DataFrame
    case: pd.Series
    delays: np.ndarray
    detained: pd.Timestamp
    held_days: int
    cases: pd.DataFrame  # the model's reference class (model_cases), today's record; the
    # delays come from it too
    record_model: ScenarioModel
    models: dict[str, ScenarioModel]
    case_cases: pd.DataFrame  # the reference class as known on the case's as-of date


def case_view(dataset: Dataset, draws: int = DEFAULT_DRAWS, seed: int = SEED) -> CaseView:
    """Models, scenario levels and table, the 24 April 2017 case row, the dated return delays,
    the detention day (middle of its window), the days held by 24 April, and the cases of the
    model's reference class (``model_cases``): today's record, from which the plane's points,
    the fitted weights and the delays come, and the cases known by the case's date, from which
    its base rate comes."""
    cases = model_cases(dataset.cases)
    record = build_model(dataset)
    levels = scenario_levels(dataset.scenarios, dataset.events)
    models = scenario_models(dataset, dataset.scenarios)
    table = scenario_table(models, levels, draws, seed)
    # The case scenario by its id; else the first dated 24 April 2017; else the last row.
    chosen = table[table["scenario_id"] == CASE_SCENARIO_ID]
    if chosen.empty:
        chosen = table[table["as_of"] == CASE_AS_OF]
    case = chosen.iloc[0] if not chosen.empty else table.iloc[-1]
    model = models[case["scenario_id"]]
    # Days held by 24 April, counted from the middle of the detention window (15 March).
    window = factors.detention_window(dataset.events)
    detained = (window[0] + (window[1] - window[0]) / 2).normalize() if window else CASE_AS_OF
    held = int((CASE_AS_OF - detained).days)
    return CaseView(
        model, levels, table, case, return_delays(cases), detained, held, cases, record, models,
        model_cases(dataset.cases, model.as_of) if model.as_of is not None else cases,
    )  # fmt: skip


def case_timing(view: CaseView, horizon: int = TIMING_HORIZON_DAYS) -> pd.DataFrame:
    """return_timing for the case as of 24 April 2017: its P(return), the Monte Carlo band
    (its model and the scenario table's seed) and the update for being still held on that day.
    The delays are today's record (``view.delays``), returns known only after that day included."""
    case = view.case
    return return_timing(
        1.0 - float(case["p_release"]), view.delays, horizon, held_until=view.held_days,
        p_return_draws=1.0 - simulate(view.model, case["pressure"], case["tension"]),
    )  # fmt: skip


def write_outputs(dataset: Dataset, folder: Path | str, view: CaseView | None = None) -> list[Path]:
    """Write the scenario table (CSV) and the key figures (PNG + SVG) into ``folder``.

    Files: scenario_table.csv, scenarios_waterfall, scenarios_plane, scenarios_tornado,
    scenarios_timing and factors (.png and .svg). Deterministic (fixed seed, stable metadata),
    atomic (each file is renamed into place) and readable by everyone (``analysis.files``).
    ``view`` is ``case_view(dataset)``, computed here unless the caller has it already.
    The waterfall, tornado and timing are the case's (its as-of model); the plane is today's
    record. Returns the paths written.
    """
    folder = Path(folder)
    view = case_view(dataset) if view is None else view
    model, case = view.model, view.case
    written = [write_text_atomically(folder / "scenario_table.csv", table_csv(view.table))]
    timing = case_timing(view)
    figures = {
        "scenarios_waterfall": plot_waterfall(
            model, case["pressure"], case["tension"], f"{case['label']}: base rate to forecast"
        ),
        "scenarios_plane": plot_plane(view.record_model, view.levels, view.cases),
        "scenarios_tornado": plot_tornado(
            tornado(model, case["pressure"], case["tension"], dataset.events, CASE_AS_OF),
            case["p_release"],
        ),
        "scenarios_timing": plot_timing(
            timing, view.delays, 1.0 - case["p_release"], held_until=view.held_days
        ),
        "factors": factors.plot_factors(dataset.events),
    }
    for stem, figure in figures.items():
        written.extend(save_figure(figure, folder / stem))
        plt.close(figure)
    return written
