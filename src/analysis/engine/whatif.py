"""The what-if: the article's argument as a model, at named scenarios' levels or a reader's.

One named specification of the engine (the expert weights of ``data/weights.csv`` on the
detentions in China), evaluated where a reader asks (``ScenarioModel``, ``forecast``,
``simulate``): the scenario table (``scenario_table``: every scenario of ``scenarios.csv``, the
headline's row beside them), its waterfall (``waterfall_steps``), the sensitivity of the
what-if (``ablation``, ``tornado``, ``probability_plane``) and one question's what-if view
(``question_whatif``). Every row and title it feeds says "what-if"
(``WHAT_IF``). Uncertainty is a seeded Monte Carlo: the base rate from its Beta posterior, each
weight from its normal, in a fixed order (base rate, then the weights in ``WEIGHT_NAMES``
order); intervals at ``intervals.LEVEL``. Probabilities in [0, 1]; numbers only.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.cache import memoized
from analysis.data.tables import Dataset
from analysis.defaults import DEFAULT_CASE, DEFAULT_DRAWS, SEED
from analysis.engine import specifications
from analysis.engine.headline import WHAT_IF, Headline
from analysis.engine.specifications import WEIGHT_NAMES, Weights, weight_named, weights_from_table
from analysis.record import factors
from analysis.record.case import CaseFacts, case_facts
from analysis.record.classes import CHINA_ARRESTS, ClassRule
from analysis.record.history import BaseRate, detentions_in_china, release_base_rate
from analysis.record.intervals import QUANTILES

Seed = int | np.random.Generator


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
    weights: Weights
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

    def weight(self, name: str) -> specifications.Weight:
        """The weight called ``name`` (w_pressure or w_tension)."""
        return weight_named(self.weights, name)

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
        return specifications.release_probability(
            self.base_rate, pressure, tension, self.w_pressure, self.w_tension
        )


def model_cases(
    cases: pd.DataFrame, as_of: factors.DateLike | None = None, rule: ClassRule = CHINA_ARRESTS
) -> pd.DataFrame:
    """The model's reference class: the cases of the question's class ``rule``; by default,
    arrests decided by China.

    With ``as_of``, only those whose outcome was surely known by that day: the last possible
    day of the outcome (``outcome_latest``) on or before ``as_of``. Cases of unknown outcome have
    no such day and drop out (they are not counted in a base rate anyway), as do cases resolved
    later. Without ``as_of``, the whole record as known today.

    For the default rule that is ``history.detentions_in_china``: every case but
    foreign-mission entries (embassy, consulate, UN office or foreign school) and legal exits.
    Those people never went through the routine police process: their fate was negotiated
    with a foreign government or settled by their papers, and every one of them with a known
    outcome was released. The Shenyang eight were stopped by police at a road check, so their
    like-for-like cases are the detentions inside China, where release is rare (notebook 03);
    the foreign-mission releases would more than double the base rate with cases unlike this
    one. Cases of unknown onset stay in (see detentions_in_china).
    """
    detentions = detentions_in_china(cases, rule)
    if as_of is None:
        return detentions
    return detentions[detentions["outcome_latest"] <= factors.to_day(as_of)]


def build_model(
    dataset: Dataset, as_of: factors.DateLike | None = None, rule: ClassRule = CHINA_ARRESTS
) -> ScenarioModel:
    """The model from the validated tables: the base rate from the model's reference class
    (``model_cases`` under ``rule``: by default arrests decided by China), the weights from
    weights.csv.

    With ``as_of``, the base rate counts only the cases whose outcome was known by that day
    (the forecast as it could have been made then); without it, today's whole record.
    """
    base = release_base_rate(model_cases(dataset.cases, as_of, rule))
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
    draws of its rows in ``scenario_draws``.
    """
    if draws < 1:
        raise ValueError(f"draws must be at least 1 (got {draws})")
    rng = _rng(seed)
    base = rng.beta(model.base_alpha, model.base_beta, size=draws)
    # rng.normal(m, s) is m + s * a standard normal draw: the stream of draw_parameters.
    drawn = {
        weight.name: rng.normal(weight.mean, weight.sd, size=draws) for weight in model.weights
    }
    return specifications.release_probability(
        base, pressure, tension, drawn["w_pressure"], drawn["w_tension"]
    )


def summarise(p_release: np.ndarray) -> dict[str, float]:
    """Median and 80% interval (10th and 90th percentiles) of P(release) draws, in [0, 1]."""
    low, median, high = np.quantile(np.asarray(p_release, dtype=float), QUANTILES)
    return {"median": float(median), "low": float(low), "high": float(high)}


@dataclass(frozen=True)
class WhatIfForecast:
    """One what-if: central P(release) and P(return), with the Monte Carlo's median and 80%."""

    pressure: float
    tension: float
    p_release: float
    p_return: float
    median: float
    interval_low: float
    interval_high: float
    draws: int
    seed: int | None


def whatif_forecast(
    model: ScenarioModel,
    pressure: float,
    tension: float,
    draws: int = DEFAULT_DRAWS,
    seed: int = SEED,
) -> WhatIfForecast:
    """The what-if at given factor levels in [0, 1]; the interval is of P(release)."""
    for name, value in (("pressure", pressure), ("tension", tension)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1] (got {value})")
    p = float(model.p_release(pressure, tension))
    summary = summarise(simulate(model, pressure, tension, draws, seed))
    return WhatIfForecast(
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


FORMULA_PREFIXES = ("=", "+", "-", "@")


def scenario_models(
    dataset: Dataset, scenarios: pd.DataFrame, rule: ClassRule = CHINA_ARRESTS
) -> dict[str, ScenarioModel]:
    """Each scenario's model, by scenario_id, with the base rate of ``rule``'s class: rows with
    an ``as_of`` date get the as-of model (cases known by that day), rows without get today's
    record. Models are built once per date."""
    built: dict[pd.Timestamp | None, ScenarioModel] = {}
    models = {}
    for row in scenarios.itertuples(index=False):
        as_of = None if pd.isna(row.as_of) else factors.to_day(row.as_of)
        if as_of not in built:
            built[as_of] = build_model(dataset, as_of, rule)
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
        frame["p_release"] = specifications.release_probability(
            frame["base_rate"].to_numpy(),
            row.pressure,
            row.tension,
            frame["w_pressure"].to_numpy(),
            frame["w_tension"].to_numpy(),
        )
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


def waterfall_steps(
    base_rate: float, pressure: float, tension: float, w_pressure: float, w_tension: float
) -> pd.DataFrame:
    """The model as additive steps on the log-odds scale, with the probability after each.

    Rows: base, pressure, tension, result. Columns: step, label, shift (log-odds added by the
    step; for base and result the level itself), start and end (log-odds), probability (P
    (release) in [0, 1] after the step).
    """
    base = float(specifications.logit(base_rate))
    shift_p, shift_t = w_pressure * pressure, w_tension * tension
    ends = [
        base,
        base + shift_p,
        float(specifications.log_odds(base, pressure, tension, w_pressure, w_tension)),
    ]
    rows = [
        ("base", "base rate", base, 0.0, base),
        (
            "pressure",
            f"pressure {pressure:.2f}\n\u00d7 weight {w_pressure:+.2f}",
            shift_p,
            *ends[0:2],
        ),
        ("tension", f"tension {tension:.2f}\n\u00d7 weight {w_tension:+.2f}", shift_t, *ends[1:3]),
        ("result", "scenario", ends[2], 0.0, ends[2]),
    ]
    frame = pd.DataFrame(rows, columns=["step", "label", "shift", "start", "end"])
    frame["probability"] = specifications.expit(frame["end"].to_numpy())
    return frame


def neutralise_formula(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def with_headline(table: pd.DataFrame, stated: Headline) -> pd.DataFrame:
    """The scenario table with the project's headline as its first row (scenario_id
    ``headline``): the mixture's mean and 80% interval, the counts, and in ``description`` the
    headline sentence (the specification range, the backtest verdict, the outcome's status).
    The other rows are the expert-weight what-if, the article's argument; a first column
    ``model`` says which each row is ("headline" or ``headline.WHAT_IF``)."""
    from analysis.engine.headline import sentence

    row = {
        "scenario_id": "headline",
        "label": f"Headline: {stated.weighting} weights, {stated.n_specifications} specifications",
        "description": sentence(stated),
        "as_of": pd.Timestamp(stated.as_of),
        "releases_counted": stated.base_releases,
        "cases_counted": stated.base_cases,
        "p_release": stated.p_release,
        "p_return": 1.0 - stated.p_release,
        "interval_low": stated.low,
        "interval_high": stated.high,
    }
    frame = pd.concat([pd.DataFrame([row]), table], ignore_index=True)[table.columns]
    # Every row names its model: the headline, or the what-if (the article's argument).
    frame.insert(0, "model", ["headline"] + [WHAT_IF] * len(table))
    # Counts stay whole numbers although the headline row has none of its own.
    return frame.astype({"draws": "Int64", "seed": "Int64"})


def table_csv(table: pd.DataFrame, stated: Headline | None = None) -> str:
    """The scenario table as CSV text: probabilities to 4 decimals, formulas neutralised; with
    ``stated``, the headline row first (``with_headline``)."""
    frame = (table if stated is None else with_headline(table, stated)).copy()
    frame["as_of"] = frame["as_of"].map(lambda d: "" if pd.isna(d) else f"{d:%Y-%m-%d}")
    for column in frame.columns:
        if frame[column].dtype.kind == "f":
            frame[column] = frame[column].map(lambda v: "" if pd.isna(v) else f"{v:.4f}")
        else:
            frame[column] = frame[column].map(neutralise_formula)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def question_rows(table: pd.DataFrame, facts: Any) -> pd.DataFrame:
    """The scenario rows that belong to the question of ``facts``: the undated scenarios
    (the article's generic ones), the question's own scenario, and dated scenarios from its
    case's detention to its forecast date; another case's dated rows never appear."""
    day = pd.to_datetime(table["as_of"])
    start = facts.case["detained_date"]
    own = (table["scenario_id"].astype(str) == facts.scenario_id).to_numpy()
    within = (day.notna() & (day >= start) & (day <= facts.as_of)).to_numpy()
    return table[day.isna().to_numpy() | own | within].reset_index(drop=True)


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
        p_draws = specifications.release_probability(
            parameters["base_rate"].to_numpy(),
            p_level,
            t_level,
            parameters["w_pressure"].to_numpy(),
            parameters["w_tension"].to_numpy(),
        )
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

    Inputs: the base rate (its 80% Beta interval), each weight (its 80% range), and, when
    ``events`` and ``as_of`` are given, the factor rule's half-life (``half_lives`` days, both
    levels recomputed). Others stay central. Columns: input, low_setting, high_setting, p_low,
    p_high (P(release) in [0, 1] at each setting), swing (|p_high - p_low|); widest first.
    """
    central = {"base_rate": model.base_rate, "pressure": pressure, "tension": tension}
    central |= {weight.name: weight.mean for weight in model.weights}
    moves: list[tuple[str, str, str, dict[str, float], dict[str, float]]] = [
        (
            "base rate",
            f"{model.base_low:.2f}",
            f"{model.base_high:.2f}",
            {"base_rate": model.base_low},
            {"base_rate": model.base_high},
        ),
    ]
    for weight in model.weights:
        low, high = weight.low, weight.high
        moves.append(
            (
                f"{weight.name} (weight)",
                f"{low:+.2f}",
                f"{high:+.2f}",
                {weight.name: low},
                {weight.name: high},
            )
        )
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
        p_low = float(specifications.release_probability(**{**central, **low_change}))
        p_high = float(specifications.release_probability(**{**central, **high_change}))
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
    base = specifications.logit(parameters["base_rate"].to_numpy())
    w_pressure = parameters["w_pressure"].to_numpy()
    w_tension = parameters["w_tension"].to_numpy()
    ahead = np.zeros((resolution, resolution))
    for start in range(0, draws, 2_000):
        chunk = slice(start, start + 2_000)
        odds = specifications.log_odds(
            base[chunk, None, None],
            grid[None, None, :],
            grid[None, :, None],
            w_pressure[chunk, None, None],
            w_tension[chunk, None, None],
        )
        ahead += (odds > 0).sum(axis=0)
    return ahead / draws


@dataclass(frozen=True)
class QuestionWhatIf:
    """Everything the notebook and the report show about one question's what-if (the expert
    weights at the scenarios' levels; the headline is ``headline.HeadlineDetail``).

    ``case_model`` counts only the cases whose outcome was known by the forecast date;
    ``record_model`` is today's whole record (the scenarios without a date, the plane chart);
    ``scenario_models`` gives each scenario's model by scenario_id, as in ``scenario_table``.
    ``case_scenario`` is the question's row of that table. ``reference_cases`` is the model's
    reference class in today's record (the plane's points come from it).
    """

    facts: CaseFacts
    case_model: ScenarioModel
    record_model: ScenarioModel
    scenario_models: dict[str, ScenarioModel]
    levels: pd.DataFrame
    scenario_table: pd.DataFrame
    case_scenario: pd.Series
    reference_cases: pd.DataFrame


def question_scenarios(dataset: Dataset, facts: CaseFacts) -> pd.DataFrame:
    """scenarios.csv, plus the question's own scenario when it names none (levels from the
    events as of its forecast date)."""
    if facts.scenario_id in set(dataset.scenarios["scenario_id"].astype(str)):
        return dataset.scenarios
    own = {
        "scenario_id": facts.scenario_id,
        "label": f"{facts.label}, as of {facts.as_of:%d %b %Y}".replace(" 0", " "),
        "description": f"{facts.label} as of {facts.question['as_of_label']}: factor levels "
        f"from the events dated by {facts.as_of:%Y-%m-%d}",
        "pressure": np.nan,
        "tension": np.nan,
        "as_of": facts.as_of,
        "rationale": str(facts.question["as_of_basis"]),
    }
    return pd.concat([dataset.scenarios, pd.DataFrame([own])], ignore_index=True)


@memoized  # a report's question asks for it in its own process and in notebook 04's kernel
def question_whatif(
    dataset: Dataset, case: str = DEFAULT_CASE, draws: int = DEFAULT_DRAWS, seed: int = SEED
) -> QuestionWhatIf:
    """The what-if of question ``case`` (a question_id or case_id of questions.csv): every
    scenario of the expert-weight model, the question's own row among them, each with the base
    rate of the question's class (``CaseFacts.rule``); not the headline
    (``analysis.engine.headline``)."""
    facts = case_facts(dataset, case)
    rule = facts.rule
    scenarios = question_scenarios(dataset, facts)
    models = scenario_models(dataset, scenarios, rule)
    levels = scenario_levels(scenarios, dataset.events)
    table = scenario_table(models, levels, draws, seed)
    row = table[table["scenario_id"] == facts.scenario_id].iloc[0]
    case_model = models[facts.scenario_id]
    reference = model_cases(dataset.cases, rule=rule)
    return QuestionWhatIf(
        facts=facts,
        case_model=case_model,
        record_model=build_model(dataset, rule=rule),
        scenario_models=models,
        levels=levels,
        scenario_table=table,
        case_scenario=row,
        reference_cases=reference,
    )


@memoized  # the plane chart's, drawn by the report and shown in notebook 04: computed once
def record_share(dataset: Dataset, case: str = DEFAULT_CASE) -> np.ndarray:
    """``share_release_more_likely`` of question ``case``'s ``record_model`` (today's whole
    record, as the plane chart draws it): shares in [0, 1] on the 41 x 41 grid."""
    return share_release_more_likely(question_whatif(dataset, case).record_model)


def whatif_at(
    dataset: Dataset,
    pressure: float | None,
    tension: float | None,
    as_of: factors.DateLike | None,
    draws: int = DEFAULT_DRAWS,
    seed: int = SEED,
    rule: ClassRule = CHINA_ARRESTS,
) -> tuple[WhatIfForecast, ScenarioModel]:
    """The what-if at given levels; a level not given comes from the events as of ``as_of``.

    The base rate is ``rule``'s class (a question's ``CaseFacts.rule``). As of a date,
    it counts only the cases whose outcome was known by then, as the scenario table does for
    its dated rows; without a date, today's whole record. Raises
    ValueError when a level is missing and there is no date to compute it from.
    """
    if pressure is None or tension is None:
        if as_of is None:
            raise ValueError("give both levels, or a date to take the missing ones from")
        levels = factors.factor_levels(dataset.events, as_of)
        pressure = levels.pressure if pressure is None else pressure
        tension = levels.tension if tension is None else tension
    model = build_model(dataset, as_of, rule)
    return whatif_forecast(model, pressure, tension, draws, seed), model


# The what-if's precomputed grid: factor levels 0-1 and weights in log-odds per unit, on steps
# of 0.1 (53,361 points, about 160 kB of inline JSON as whole percentages).
WHATIF_LEVELS = tuple(round(0.1 * step, 1) for step in range(11))
WHATIF_WEIGHTS = tuple(round(-0.5 + 0.1 * step, 1) for step in range(21))


def whatif_grid(view: QuestionWhatIf) -> dict[str, object]:
    """The static what-if's data: the case model's central P(release) over every combination
    of WHATIF_LEVELS (pressure, tension) and WHATIF_WEIGHTS (each weight), in whole
    percentages (0-100), indexed [pressure][tension][w_pressure][w_tension]; ``start`` is the
    grid point nearest the case's own settings."""
    model, row = view.case_model, view.case_scenario
    p, t, wp, wt = np.meshgrid(
        WHATIF_LEVELS, WHATIF_LEVELS, WHATIF_WEIGHTS, WHATIF_WEIGHTS, indexing="ij"
    )
    percent = 100 * specifications.release_probability(model.base_rate, p, t, wp, wt)
    grid = np.rint(percent).astype(int)

    def nearest(values: tuple[float, ...], value: float) -> int:
        return int(np.argmin(np.abs(np.asarray(values) - value)))

    return {
        "levels": list(WHATIF_LEVELS),
        "weights": list(WHATIF_WEIGHTS),
        "base_rate": round(model.base_rate, 4),
        "start": [
            nearest(WHATIF_LEVELS, row["pressure"]),
            nearest(WHATIF_LEVELS, row["tension"]),
            nearest(WHATIF_WEIGHTS, model.w_pressure),
            nearest(WHATIF_WEIGHTS, model.w_tension),
        ],
        "percent_release": grid.tolist(),
    }
