"""The ridge logistic fit against closed forms and the previous hand-written Newton fit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.engine.logistic import INTERCEPT, fit_ridge_logistic

# Two predictors with different effects, so a swap of names or columns shows.
X = np.array([[0, 0], [0.5, 0], [1, 0.5], [0.5, 1], [0, 0.5], [1, 1], [0.5, 0.5], [0, 1]])
Y = np.array([0, 0, 1, 0, 0, 1, 1, 0.0])
# Computed once with the package's previous Newton (IRLS) fit, backtest.fit_logistic(X, Y, 1.0),
# and pasted: coefficients [intercept, first, second] and their Laplace standard errors.
NEWTON_COEFFICIENTS = (-1.0397473659426968, 0.9155089076201615, 0.19759637065717348)
NEWTON_ERRORS = (0.983793257189869, 0.8867781288617119, 0.8882989962894577)


def test_matches_the_previous_newton_fit() -> None:
    fit = fit_ridge_logistic(X, Y, ["pressure", "tension"], l2=1.0)
    assert list(fit.coefficients) == [INTERCEPT, "pressure", "tension"]
    assert list(fit.coefficients.values()) == pytest.approx(NEWTON_COEFFICIENTS, abs=1e-7)
    assert list(fit.standard_errors.values()) == pytest.approx(NEWTON_ERRORS, abs=1e-6)
    assert fit.converged and fit.n == 8 and fit.l2 == 1.0


def test_names_follow_their_columns() -> None:
    swapped = fit_ridge_logistic(X[:, ::-1], Y, ["tension", "pressure"], l2=1.0)
    assert swapped.coefficients["pressure"] == pytest.approx(NEWTON_COEFFICIENTS[1], abs=1e-7)
    assert swapped.coefficients["tension"] == pytest.approx(NEWTON_COEFFICIENTS[2], abs=1e-7)


def test_unpenalised_two_by_two_table_gives_the_log_odds() -> None:
    # x = 0: 1 one of 4 (odds 1/3); x = 1: 3 ones of 5 (odds 3/2). Maximum likelihood is
    # intercept log(1/3), slope the log odds ratio log(4.5); Woolf's standard errors
    # sqrt(1/1 + 1/3) and sqrt(1/1 + 1/3 + 1/3 + 1/2).
    x = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1.0])
    y = np.array([1, 0, 0, 0, 1, 1, 1, 0, 0.0])
    fit = fit_ridge_logistic(x, y, ["x"], l2=0.0)
    assert fit.coefficients[INTERCEPT] == pytest.approx(math.log(1 / 3), abs=1e-7)
    assert fit.coefficients["x"] == pytest.approx(math.log(4.5), abs=1e-7)
    assert fit.standard_errors[INTERCEPT] == pytest.approx(math.sqrt(4 / 3), abs=1e-6)
    assert fit.standard_errors["x"] == pytest.approx(math.sqrt(1 + 2 / 3 + 1 / 2), abs=1e-6)
    # Its log-likelihood: sum of n log(share) over the four cells.
    expected = math.log(1 / 4) + 3 * math.log(3 / 4) + 3 * math.log(3 / 5) + 2 * math.log(2 / 5)
    assert fit.log_likelihood == pytest.approx(expected, abs=1e-10)


def test_the_intercept_is_not_penalised() -> None:
    # A huge penalty pins the weights at 0; the free intercept is then the log-odds of the
    # share of ones, 3/8.
    fit = fit_ridge_logistic(X, Y, ["pressure", "tension"], l2=1e8)
    assert fit.coefficients[INTERCEPT] == pytest.approx(math.log(3 / 5), abs=1e-6)
    assert abs(fit.coefficients["pressure"]) < 1e-6 and abs(fit.coefficients["tension"]) < 1e-6


@pytest.mark.parametrize(
    ("x", "y", "names", "l2", "message"),
    [
        (X, Y, ["pressure"], 1.0, "one name per column"),
        (X, Y[:-1], ["pressure", "tension"], 1.0, "same rows"),
        (X, Y * 2, ["pressure", "tension"], 1.0, "y must be 0 or 1"),
        (X, Y, ["pressure", "tension"], -1.0, "l2 must be >= 0"),
    ],
)
def test_bad_arguments_are_refused(x, y, names, l2: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fit_ridge_logistic(x, y, names, l2)
