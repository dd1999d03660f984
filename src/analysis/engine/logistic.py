"""Ridge (L2-penalised) logistic regression fitted with scipy.optimize.minimize.

Maximises sum(y log p + (1 - y) log(1 - p)) - l2/2 * |w|^2 over an intercept and weights w,
with p = expit(intercept + x @ w); the intercept is not penalised, so the fit always matches the
share of ones when the weights are zero. The penalty is a normal prior on each weight with sd
1/sqrt(l2) (log-odds per unit of the predictor). Coefficients are in log-odds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

INTERCEPT = "intercept"


@dataclass(frozen=True)
class LogisticFit:
    """A fitted ridge logistic regression.

    ``coefficients`` and ``standard_errors`` are keyed by name, the intercept first; standard
    errors are Laplace ones (inverse Hessian of the penalised log-likelihood at the optimum).
    ``log_likelihood`` is unpenalised (natural log, <= 0); ``n`` the rows fitted.
    """

    coefficients: dict[str, float]
    standard_errors: dict[str, float]
    log_likelihood: float
    l2: float
    n: int
    converged: bool
    iterations: int


def _design(x: np.ndarray) -> np.ndarray:
    values = np.asarray(x, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    return np.column_stack([np.ones(len(values)), values])


def _objective(
    beta: np.ndarray, design: np.ndarray, y: np.ndarray, penalty: np.ndarray
) -> tuple[float, np.ndarray]:
    """Negative penalised log-likelihood and its analytic gradient."""
    eta = design @ beta
    # log(1 + e^eta) by logaddexp, so large |eta| neither overflows nor loses the small term.
    log_likelihood = float(np.sum(y * eta - np.logaddexp(0.0, eta)))
    gradient = design.T @ (y - special.expit(eta)) - penalty * beta
    return -(log_likelihood - 0.5 * float(np.sum(penalty * beta**2))), -gradient


def _hessian(
    beta: np.ndarray, design: np.ndarray, y: np.ndarray, penalty: np.ndarray
) -> np.ndarray:
    """Hessian of the negative penalised log-likelihood (``y`` unused: it does not enter)."""
    p = special.expit(design @ beta)
    return design.T @ (design * (p * (1 - p))[:, None]) + np.diag(penalty)


def fit_ridge_logistic(
    x: np.ndarray, y: np.ndarray, names: Sequence[str], l2: float = 1.0
) -> LogisticFit:
    """Fit y (0/1, length n) on ``x`` (n x k, no intercept column; names one per column).

    ``l2`` >= 0; with 0 the fit is plain maximum likelihood, which has no finite optimum when a
    predictor separates the outcomes.
    """
    design = _design(x)
    outcomes = np.asarray(y, dtype=float)
    if len(names) != design.shape[1] - 1:
        raise ValueError(
            f"need one name per column of x (got {len(names)} for {design.shape[1] - 1})"
        )
    if len(outcomes) != len(design):
        raise ValueError(f"x and y must have the same rows (got {len(design)} and {len(outcomes)})")
    if not np.isin(outcomes, (0.0, 1.0)).all():
        raise ValueError("y must be 0 or 1")
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0 (got {l2})")
    penalty = np.full(design.shape[1], float(l2))
    penalty[0] = 0.0
    # The objective is convex with an analytic Hessian, so a trust-region Newton method
    # converges in a few steps to the gradient tolerance.
    arguments = (design, outcomes, penalty)
    result = optimize.minimize(
        _objective,
        np.zeros(design.shape[1]),
        args=arguments,
        jac=True,
        hess=_hessian,
        method="trust-exact",
        options={"gtol": 1e-10},
    )
    beta = result.x
    errors = np.sqrt(np.diag(np.linalg.inv(_hessian(beta, *arguments))))
    labels = [INTERCEPT, *names]
    eta = design @ beta
    return LogisticFit(
        coefficients={name: float(value) for name, value in zip(labels, beta, strict=True)},
        standard_errors={name: float(value) for name, value in zip(labels, errors, strict=True)},
        log_likelihood=float(np.sum(outcomes * eta - np.logaddexp(0.0, eta))),
        l2=float(l2),
        n=len(outcomes),
        converged=bool(result.success),
        iterations=int(result.nit),
    )
