"""The named scenarios: their factor levels, their models, their Monte Carlo and their table.

A scenario of ``data/scenarios.csv`` with an ``as_of`` date gets the as-of model (events and
cases known by then), one without gets today's record (``scenario_models``); the table says
which base rate each row used. Every scenario starts from the same seed, so scenarios that
share a model share the very same draws, and differences between them are not Monte Carlo
noise. Also here: the waterfall's steps (the model as additive log-odds steps) and the table as
CSV text. Numbers only: the pictures are in ``analysis.charts``, the files are written by
``analysis.report``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping

import pandas as pd

from analysis import factors
from analysis.data import Dataset
from analysis.headline import WHAT_IF, Headline
from analysis.model import (
    DEFAULT_DRAWS,
    SEED,
    ScenarioModel,
    Seed,
    build_model,
    draw_parameters,
    expit,
    logit,
    release_probability,
    summarise,
)

FORMULA_PREFIXES = ("=", "+", "-", "@")


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
    from analysis.headline import sentence

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
