"""Return versus release: the scenario model and its uncertainty.

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

Here: the model, its Monte Carlo, the named scenarios and their table, the waterfall, and the
case view and files the notebook and the report share. Built on it, one concern each:
``analysis.sensitivity`` (what moves the forecast: ablation, tornado, the pressure-tension
plane), ``analysis.timing`` (when a return would come), ``analysis.backtest`` (weights fitted to
the cases, and how the model would have done on them) and ``analysis.whatif`` (the notebook's
sliders).

Everything here returns data or Figures; notebooks and the command line decide what to show.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis import factors
from analysis.case import ARTICLE_DATE
from analysis.data import Dataset
from analysis.files import write_text_atomically
from analysis.history import BaseRate, detentions_in_china, release_base_rate
from analysis.style import FACTOR_COLORS, OKABE_ITO, save_figure
from analysis.text import literal

SEED = 20170424  # the default seed: the date of HRW's appeal, so every run draws the same numbers
DEFAULT_DRAWS = 20_000  # Monte Carlo error on a 10th percentile is then about 0.003
INTERVAL = 0.8
QUANTILES = ((1 - INTERVAL) / 2, 0.5, 1 - (1 - INTERVAL) / 2)
# mean +- z*sd is the central INTERVAL range of a normal distribution
Z_INTERVAL = statistics.NormalDist().inv_cdf(QUANTILES[2])
WEIGHT_NAMES = ("w_pressure", "w_tension")
REFERENCE_CLASS = "detentions in China"  # the model's reference class; see model_cases
CASE_AS_OF = ARTICLE_DATE
CASE_SCENARIO_ID = "case_2017_04_24"
# Hatches double the colours, so the charts read in grey print.
HATCHES = {"base": "", "pressure": "//", "tension": "\\\\", "result": ""}
BAR_COLORS = {
    "base": OKABE_ITO["grey"],
    "pressure": FACTOR_COLORS["pressure"],
    "tension": FACTOR_COLORS["tension"],
    "result": OKABE_ITO["black"],
}
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
    ax.set_yticks(y, [literal(label) for label in rows["label"]])
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
    # Imported here, not at the top: analysis.timing imports this module, so a top-level
    # import would be circular.
    from analysis.timing import return_delays

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


def write_outputs(dataset: Dataset, folder: Path | str, view: CaseView | None = None) -> list[Path]:
    """Write the scenario table (CSV) and the key figures (PNG + SVG) into ``folder``.

    Files: scenario_table.csv, scenarios_waterfall, scenarios_plane, scenarios_tornado,
    scenarios_timing and factors (.png and .svg). Deterministic (fixed seed, stable metadata),
    atomic (each file is renamed into place) and readable by everyone (``analysis.files``).
    ``view`` is ``case_view(dataset)``, computed here unless the caller has it already.
    The waterfall, tornado and timing are the case's (its as-of model); the plane is today's
    record. Returns the paths written.
    """
    # Imported here, not at the top: analysis.sensitivity and analysis.timing import this
    # module, so a top-level import would be circular.
    from analysis.sensitivity import plot_plane, plot_tornado, tornado
    from analysis.timing import case_timing, plot_timing

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
