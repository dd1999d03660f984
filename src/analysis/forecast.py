"""The case's forecast: what notebook 04 and the report share about one question.

``case_forecast`` builds, for the question's case, every scenario's model and levels, the
scenario table, the question's own scenario row, and the return delays; ``case_timing`` adds
when a return would come; ``forecast_at`` is the command line's forecast at given or computed
levels. A question that names no scenario of scenarios.csv gets one of its own: its levels from
the events as of its forecast date. Numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import factors
from analysis.case import DEFAULT_CASE, CaseFacts, case_facts
from analysis.data import Dataset
from analysis.defaults import DEFAULT_DRAWS, SEED
from analysis.delays import return_delays
from analysis.model import Forecast, ScenarioModel, build_model, forecast, model_cases, simulate
from analysis.scenarios import scenario_levels, scenario_models, scenario_table
from analysis.timing import TIMING_HORIZON_DAYS, return_timing


@dataclass(frozen=True)
class CaseForecast:
    """Everything the notebook and the report show about one question's forecast.

    ``case_model`` counts only the cases whose outcome was known by the forecast date;
    ``record_model`` is today's whole record (the scenarios without a date, the plane chart);
    ``scenario_models`` gives each scenario's model by scenario_id, as in ``scenario_table``.
    ``case_scenario`` is the question's row of that table. ``reference_cases`` is the model's
    reference class in today's record (the plane's points and the fitted weights come from it);
    ``reference_cases_then`` the same class as known on the forecast date. ``delays`` are days
    from detention to return in today's record, the question's own case left out.
    """

    facts: CaseFacts
    case_model: ScenarioModel
    record_model: ScenarioModel
    scenario_models: dict[str, ScenarioModel]
    levels: pd.DataFrame
    scenario_table: pd.DataFrame
    case_scenario: pd.Series
    reference_cases: pd.DataFrame
    reference_cases_then: pd.DataFrame
    delays: np.ndarray


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


def case_forecast(
    dataset: Dataset, case: str = DEFAULT_CASE, draws: int = DEFAULT_DRAWS, seed: int = SEED
) -> CaseForecast:
    """The forecast of question ``case`` (a question_id or case_id of questions.csv)."""
    facts = case_facts(dataset, case)
    scenarios = question_scenarios(dataset, facts)
    models = scenario_models(dataset, scenarios)
    levels = scenario_levels(scenarios, dataset.events)
    table = scenario_table(models, levels, draws, seed)
    row = table[table["scenario_id"] == facts.scenario_id].iloc[0]
    case_model = models[facts.scenario_id]
    reference = model_cases(dataset.cases)
    then = model_cases(dataset.cases, case_model.as_of) if case_model.as_of else reference
    # The question's own return, if it came, never informs when its return would come.
    others = reference[reference["case_id"].astype(str) != facts.case_id]
    return CaseForecast(
        facts=facts,
        case_model=case_model,
        record_model=build_model(dataset),
        scenario_models=models,
        levels=levels,
        scenario_table=table,
        case_scenario=row,
        reference_cases=reference,
        reference_cases_then=then,
        delays=return_delays(others),
    )


def case_timing(view: CaseForecast, horizon: int = TIMING_HORIZON_DAYS) -> pd.DataFrame:
    """``timing.return_timing`` for the question: its P(return), the Monte Carlo band (its
    model and the scenario table's seed) and the update for being still held on its date."""
    row = view.case_scenario
    return return_timing(
        1.0 - float(row["p_release"]), view.delays, horizon, held_until=view.facts.days_held,
        p_return_draws=1.0 - simulate(view.case_model, row["pressure"], row["tension"]),
    )  # fmt: skip


def forecast_at(
    dataset: Dataset,
    pressure: float | None,
    tension: float | None,
    as_of: factors.DateLike | None,
    draws: int = DEFAULT_DRAWS,
    seed: int = SEED,
) -> tuple[Forecast, ScenarioModel]:
    """The forecast at given levels; a level not given comes from the events as of ``as_of``.

    As of a date, the base rate counts only the cases whose outcome was known by then, as the
    scenario table does for its dated rows; without a date, today's whole record. Raises
    ValueError when a level is missing and there is no date to compute it from.
    """
    if pressure is None or tension is None:
        if as_of is None:
            raise ValueError("give both levels, or a date to take the missing ones from")
        levels = factors.factor_levels(dataset.events, as_of)
        pressure = levels.pressure if pressure is None else pressure
        tension = levels.tension if tension is None else tension
    model = build_model(dataset, as_of)
    return forecast(model, pressure, tension, draws, seed), model
