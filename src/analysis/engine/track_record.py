"""The track record: every question of the gallery scored together from the frozen ledger.

Each question's forecast is its latest row in the frozen ledger (``data/forecasts.csv``); a
resolved question (resolution_status resolved_yes or resolved_no) is scored against its
outcome (1 release, 0 return) by the Brier score and the natural-log score, beside two
reference forecasts of the same question: the base rate alone (the in-time base rate of the
question's own class by its class rule, uniform prior, from the cases resolved by its as-of
date: the multiverse's default specification) and an uninformed 0.5. Open and annulled
questions are listed and not scored. Numbers only: no drawing, no files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.data.tables import Dataset
from analysis.engine import specifications
from analysis.engine.headline import WHAT_IF
from analysis.engine.scoring import case_scores, reliability_table
from analysis.engine.specifications import weights_from_table
from analysis.record.classes import question_rule

OUTCOMES = {"resolved_yes": 1.0, "resolved_no": 0.0}
UNINFORMED = 0.5
# Forecast columns scored, with their names in every output.
SCORED = {"forecast": "the ledger's forecast", "base_rate": "the base rate alone",
          "uninformed": "an uninformed 0.5"}  # fmt: skip
RELIABILITY_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
MODEL = "headline (the rule-chosen pool of each question's specifications)"
# A frozen row made by the expert-weight model says so first in its rule (F001, F002).
WHAT_IF_RULE = "expert-weight model"


def forecast_model(entry: Mapping[str, str] | None) -> str:
    """Which model a frozen ledger row's forecast comes from: ``headline.WHAT_IF`` for the
    expert-weight model's, "headline" for the headline rule's; "" without a row."""
    if entry is None:
        return ""
    return WHAT_IF if str(entry.get("rule", "")).startswith(WHAT_IF_RULE) else "headline"


def base_rate(dataset: Dataset, question: Mapping[str, object]) -> tuple[float, int, int]:
    """(P(release), releases, returns): the in-time base rate of ``question``'s own class (its
    class rule, first coding, strict outcome, uniform prior) from the cases resolved by its
    as-of date, the question's own case left out."""
    coded = specifications.coded_cases(dataset, "first", "mission_attempt", "in")
    sets = specifications.learnable_sets(
        coded[specifications.LEARNING_COLUMNS], question_rule(question)
    )
    cases = sets[("china_decided", "strict")]
    day = pd.Timestamp(str(question["as_of"])).to_datetime64()
    own = cases.case_id != str(question["case_id"])
    learned = cases.known(own & (cases.outcome_latest <= day))
    weights = weights_from_table(dataset.weights)  # the base rate alone never reads them
    p = specifications.central_forecast(learned, "base_only", "uniform", 0.0, 0.0, weights)
    return p, learned.released, learned.returned


def latest_forecasts(frozen: Sequence[Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    """The last frozen row of each question, by question_id (rows are in append order)."""
    return {str(row["question_id"]): row for row in frozen}


def track_record(dataset: Dataset, frozen: Sequence[Mapping[str, str]]) -> pd.DataFrame:
    """One row per question of questions.csv: question_id, case_label, decided_by, as_of,
    status, outcome (1, 0 or NaN), forecast_id, model (``forecast_model``), forecast (the
    ledger's latest P(release), NaN when the ledger has none), base_rate, uninformed, and for
    resolved questions each SCORED column's brier_* and log_* score (natural log; NaN
    otherwise)."""
    latest = latest_forecasts(frozen)
    rows = []
    for _, question in dataset.questions.iterrows():
        qid = str(question["question_id"])
        entry = latest.get(qid)
        base, released, returned = base_rate(dataset, question)
        status = str(question["resolution_status"])
        row = {
            "question_id": qid,
            "case_label": str(question["case_label"]),
            "decided_by": str(question["decided_by"]),
            "as_of": pd.Timestamp(question["as_of"]).date().isoformat(),
            "status": status,
            "outcome": OUTCOMES.get(status, np.nan),
            "forecast_id": entry["forecast_id"] if entry else "",
            "model": forecast_model(entry),
            "forecast": float(entry["probability"]) if entry else np.nan,
            "base_rate": base,
            "base_cases": released + returned,
            "uninformed": UNINFORMED,
        }
        for column in SCORED:
            scorable = not np.isnan(row["outcome"]) and not np.isnan(row[column])
            for score in ("brier", "log"):
                row[f"{score}_{column}"] = (
                    float(case_scores([row[column]], [row["outcome"]], score)[0])
                    if scorable
                    else np.nan
                )
        rows.append(row)
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """The mean Brier and log score of each SCORED forecast over the scored questions: one row
    per forecast (forecast, label, questions, releases, brier, log)."""
    scored = table[table["outcome"].notna() & table["forecast"].notna()]
    return pd.DataFrame(
        [
            {
                "forecast": column,
                "label": label,
                "questions": len(scored),
                "releases": int(scored["outcome"].sum()),
                "brier": float(scored[f"brier_{column}"].mean()) if len(scored) else np.nan,
                "log": float(scored[f"log_{column}"].mean()) if len(scored) else np.nan,
            }
            for column, label in SCORED.items()
        ]
    )


def reliability(table: pd.DataFrame) -> pd.DataFrame | None:
    """The ledger forecasts' reliability table (``scoring.reliability_table``, one variant
    named after the model) over the scored questions, or None unless some bin holds both
    outcomes: a bin of one outcome only can show no calibration."""
    scored = table[table["outcome"].notna() & table["forecast"].notna()]
    if scored.empty:
        return None
    frame = pd.DataFrame(
        {
            "variant": MODEL,
            "forecast": scored["forecast"].to_numpy(),
            "y": scored["outcome"].to_numpy(),
        }
    )
    bins = reliability_table(frame, RELIABILITY_EDGES)
    both = (bins["events"] > 0) & (bins["events"] < bins["cases"])
    return bins if bool(both.any()) else None
