"""The forecast ledger: every forecast the project makes or would have made, and its score.

One row per forecast: question, resolution_criteria, deadline (ISO date by which the outcome
resolves it, empty while open), made_on (ISO date), probability (P(release) in [0, 1]),
specification, rationale, resolution (1 release, 0 return, empty when unresolved or resolved
neither way) and resolved_on. It holds the headline (``analysis.headline``) for the default
question's case as of its detention, the question's date and 18 May 2017 (HRW's last word on
the record), the headline of every other worked question of questions.csv, and the in-time
backtest's forecasts of the past cases (the default specification and the expert-weight
what-if). Numbers only: ``python -m analysis ledger`` prints it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import multiverse
from analysis.case import case_facts
from analysis.data import Dataset
from analysis.defaults import DEFAULT_CASE
from analysis.headline import Headline, headline_detail
from analysis.outcomes import RELEASE, RETURN

COLUMNS = ("question", "resolution_criteria", "deadline", "made_on", "probability",
           "specification", "rationale", "resolution", "resolved_on")  # fmt: skip
LATER_DATES = ("2017-05-18",)  # the default case's last status report in the record
HEADLINE_SPEC = "headline: log-score-weighted mixture over the multiverse"
BACKTEST_SPECS = {"base_only": "the base rate (default specification)",
                  "expert": "the expert weights (the article's argument, a what-if)"}  # fmt: skip


def _resolution(outcome: str) -> float:
    """1 for a release, 0 for a return, NaN for any other outcome (it resolves neither)."""
    return {RELEASE: 1.0, RETURN: 0.0}.get(outcome, math.nan)


def _day(value: object) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def question_rows(dataset: Dataset, case: str, dates: tuple[object, ...]) -> list[dict]:
    """The headline of question ``case`` on each of ``dates`` (None: the question's date)."""
    facts = case_facts(dataset, case)
    resolution = _resolution(str(facts.case["outcome"]))
    rows = []
    for day in dates:
        stated = headline_detail(dataset, case, day).headline
        rows.append(
            {
                "question": str(facts.question["question"]),
                "resolution_criteria": str(facts.question["resolution"]),
                "deadline": "" if math.isnan(resolution) else _day(facts.case["outcome_latest"]),
                "made_on": stated.as_of,
                "probability": stated.p_release,
                "specification": HEADLINE_SPEC,
                "rationale": f"80% interval {stated.low:.2f}-{stated.high:.2f}; "
                f"{stated.base_releases} releases in {stated.base_cases} past cases",
                "resolution": resolution,
                "resolved_on": "" if math.isnan(resolution) else _day(facts.case["outcome_latest"]),
            }
        )
    return rows


def backtest_rows(dataset: Dataset) -> list[dict]:
    """The in-time backtest's forecasts of the past cases (today's record), as resolved
    questions: BACKTEST_SPECS' specifications, each case forecast on its forecast day."""
    forecasts = multiverse.in_time_forecasts(dataset)
    cases = dataset.cases.set_index("case_id")
    rows = []
    for formulation, words in BACKTEST_SPECS.items():
        name = multiverse.spec_id({**multiverse.DEFAULTS, "formulation": formulation})
        for row in forecasts[forecasts["spec_id"] == name].itertuples(index=False):
            case = cases.loc[row.case_id]
            rows.append(
                {
                    "question": f"Will China release the group of {row.case_id} rather than "
                    "return it?",
                    "resolution_criteria": "as for the default question, from cases.csv",
                    "deadline": _day(case["outcome_latest"]),
                    "made_on": _day(row.forecast_day),
                    "probability": row.forecast,
                    "specification": words,
                    "rationale": "in-time backtest: only cases resolved before that day",
                    "resolution": row.y,
                    "resolved_on": _day(case["outcome_latest"]),
                }
            )
    return rows


def build_ledger(dataset: Dataset, case: str = DEFAULT_CASE) -> pd.DataFrame:
    """The whole ledger (COLUMNS): the question ``case`` at its detention, its date and
    LATER_DATES, every other question of questions.csv at its date, then the backtest."""
    facts = case_facts(dataset, case)
    rows = question_rows(dataset, case, (facts.detained, None, *LATER_DATES))
    for other in dataset.questions["question_id"].astype(str):
        if other != str(facts.question["question_id"]):
            rows += question_rows(dataset, other, (None,))
    rows += backtest_rows(dataset)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def score_ledger(ledger: pd.DataFrame) -> dict[str, float]:
    """Brier (mean squared error, 0-1, lower better) and log score (mean natural log of the
    probability given to what happened, <= 0, higher better) of the resolved forecasts, per
    specification and overall: {"<specification>|brier": ..., ...}; n counts them. With no
    resolved forecast there is only {"all|n": 0}: no score, rather than a NaN in the JSON."""
    resolved = ledger[ledger["resolution"].notna()]
    scores: dict[str, float] = {}
    if resolved.empty:
        return {"all|n": 0.0}
    for name, group in [("all", resolved), *resolved.groupby("specification")]:
        p = group["probability"].to_numpy(dtype=float)
        y = group["resolution"].to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            scores[f"{name}|brier"] = float(np.mean((p - y) ** 2))
            scores[f"{name}|log"] = float(np.mean(np.log(np.where(y == 1, p, 1 - p))))
        scores[f"{name}|n"] = float(len(group))
    return scores


def signpost_table(stated: Headline) -> pd.DataFrame:
    """What would change the forecast ``stated``: news, direction, shift (P points under the
    expert-weight what-if, empty where no factor measures it) and basis."""
    return pd.DataFrame(
        [(s.news, s.direction, s.shift, s.basis) for s in stated.signposts],
        columns=["news", "direction", "shift", "basis"],
    )
