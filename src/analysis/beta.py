"""Interval maths for shares and Beta posteriors, with no scipy; probabilities in [0, 1].

A Beta posterior's equal-tailed interval from an exact quantile (bisection on a regularised
incomplete beta computed by its continued fraction), the Wilson score interval for a raw share,
and P(X > Y) for two Beta variables. All deterministic, checked in tests against published
values.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

CONFIDENCE = 0.8  # wide enough to be honest with a few dozen cases, narrow enough to say something


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial share; probabilities in [0, 1].

    With ``n == 0`` nothing is known and the interval is the whole range (0, 1).
    """
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in 0..n (got {successes} of {n})")
    if n == 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    # Clamp rounding noise at the edges (0/n gives a lower bound of -1e-17 otherwise).
    return max(0.0, centre - half), min(1.0, centre + half)


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta (modified Lentz; Numerical Recipes 6.4)."""
    tiny, epsilon = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 1000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            step = c * d
            result *= step
        if abs(step - 1.0) < epsilon:
            return result
    raise ArithmeticError(f"incomplete beta did not converge (x={x}, a={a}, b={b})")


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b): the Beta(a, b) cumulative probability at x in [0, 1]; a, b > 0."""
    if a <= 0 or b <= 0:
        raise ValueError(f"Beta parameters must be positive (got a={a}, b={b})")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges fast only below the mean; above it use I_x(a,b) = 1 - I_{1-x}(b,a).
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(x, a, b) / a
    return 1.0 - front * _beta_continued_fraction(1.0 - x, b, a) / b


def beta_quantile(probability: float, a: float, b: float) -> float:
    """The x in [0, 1] with I_x(a, b) = probability, by bisection (exact to about 1e-12)."""
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be in [0, 1] (got {probability})")
    low, high = 0.0, 1.0
    # Bisection cannot diverge, and the CDF is monotone, so 60 halvings give ~1e-18 width.
    for _ in range(60):
        middle = (low + high) / 2
        if regularized_incomplete_beta(middle, a, b) < probability:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def beta_interval(a: float, b: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Equal-tailed credible interval of Beta(a, b): probabilities in [0, 1]."""
    tail = (1 - confidence) / 2
    return beta_quantile(tail, a, b), beta_quantile(1 - tail, a, b)


def prob_first_greater(a1: float, b1: float, a2: float, b2: float, steps: int = 2000) -> float:
    """P(X > Y) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2); in [0, 1].

    Integrates F_Y over the distribution of X on a grid of ``steps`` cells (midpoint rule on
    CDF differences, so densities that are infinite at 0 or 1 cause no trouble); accurate to
    about 1e-5, deterministic.
    """
    edges = np.linspace(0.0, 1.0, steps + 1)
    cdf_x = np.array([regularized_incomplete_beta(float(x), a1, b1) for x in edges])
    middles = (edges[:-1] + edges[1:]) / 2
    cdf_y = np.array([regularized_incomplete_beta(float(x), a2, b2) for x in middles])
    return float(np.sum(np.diff(cdf_x) * cdf_y))
