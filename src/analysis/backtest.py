"""Fitted weights and the backtest: would the model have helped on the past cases?

Answers two questions about ``analysis.model``. What weights do the cases themselves
support (``fit_weights``: a ridge logistic regression of release on the coded levels, set
beside the expert weights by ``weights_comparison``)? And how well would the base rate alone,
the model and the refitted regression have forecast the cases, in time order
(``backtest_in_time``) and leave-one-out (``backtest``), scored by ``brier_scores`` and
``reliability_table``? Pass the model's reference class (``model.model_cases``) as
``cases``. Weights in log-odds per unit factor; probabilities in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.history import release_base_rate, without_overlaps
from analysis.logistic import fit_ridge_logistic
from analysis.model import Z_INTERVAL, ScenarioModel, expit, release_probability
from analysis.outcomes import RELEASE, RETURN

# Ridge penalty of the fitted weights: a normal prior with sd 1/sqrt(L2) = 1 log-odds per unit
# factor, centred on 0 ("no effect"); with 17 cases (2 releases) the data alone cannot pin a
# weight down.
L2_PENALTY = 1.0
RELIABILITY_BINS = (0.0, 1 / 3, 2 / 3, 1.0)


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
    """Cases with one of the question's two outcomes (``analysis.outcomes``), with y (1 released,
    0 returned) and levels in [0, 1]; rows with ``part_of`` set are dropped."""
    cases = without_overlaps(cases)
    outcome = cases["outcome"].astype(str)
    frame = cases[outcome.isin([RELEASE, RETURN])].copy()
    frame["y"] = (outcome[frame.index] == RELEASE).astype(float)
    frame["pressure"] = frame["pressure_level"] / 2.0
    frame["tension"] = frame["tension_level"] / 2.0
    return frame.reset_index(drop=True)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = L2_PENALTY
) -> tuple[np.ndarray, np.ndarray, int]:
    """Ridge logistic regression (``analysis.logistic``, scipy); the intercept is not penalised.

    ``x`` is n x k without the intercept column; returns (coefficients [intercept, w...],
    standard errors, iterations). Maximises sum(y log p + (1-y) log(1-p)) - l2/2 * |w|^2.
    """
    names = [f"x{i}" for i in range(np.asarray(x).shape[1])]
    fit = fit_ridge_logistic(np.asarray(x, dtype=float), np.asarray(y, dtype=float), names, l2)
    coefficients = np.array(list(fit.coefficients.values()))
    return coefficients, np.array(list(fit.standard_errors.values())), fit.iterations


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
    fits = {
        "w_pressure": (fitted.w_pressure, fitted.se_pressure),
        "w_tension": (fitted.w_tension, fitted.se_tension),
    }
    for weight in model.weights:
        fit_mean, fit_se = fits[weight.name]
        for source, mean, sd in (("expert", weight.mean, weight.sd), ("fitted", fit_mean, fit_se)):
            rows.append(
                {
                    "parameter": weight.name,
                    "source": source,
                    "mean": mean,
                    "sd": sd,
                    "low": mean - Z_INTERVAL * sd,
                    "high": mean + Z_INTERVAL * sd,
                }
            )
    return pd.DataFrame(rows)


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
