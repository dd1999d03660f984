"""Interval maths for shares and Beta posteriors, from scipy; probabilities in [0, 1].

A Beta posterior's equal-tailed interval (``scipy.special.betaincinv``, the function behind
``scipy.stats.beta.ppf``), the regularised incomplete beta (``scipy.special.betainc``), the
Wilson score interval for a raw share (``analysis.intervals.wilson_interval``, scipy's
binomtest) and P(X > Y) for two Beta variables. The hand-written versions these replace gave
the same values, which the tests keep as oracles (published tables and closed forms).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from analysis import intervals

CONFIDENCE = 0.8  # wide enough to be honest with a few dozen cases, narrow enough to say something


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial share; probabilities in [0, 1].

    With ``n == 0`` nothing is known and the interval is the whole range (0, 1).
    """
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in 0..n (got {successes} of {n})")
    return intervals.wilson_interval(successes, n, confidence)


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b): the Beta(a, b) cumulative probability at x in [0, 1]; a, b > 0."""
    if a <= 0 or b <= 0:
        raise ValueError(f"Beta parameters must be positive (got a={a}, b={b})")
    return float(special.betainc(a, b, min(max(x, 0.0), 1.0)))


def beta_quantile(probability: float, a: float, b: float) -> float:
    """The x in [0, 1] with I_x(a, b) = probability."""
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be in [0, 1] (got {probability})")
    return float(special.betaincinv(a, b, probability))


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
    middles = (edges[:-1] + edges[1:]) / 2
    cdf_x = special.betainc(a1, b1, edges)
    cdf_y = special.betainc(a2, b2, middles)
    return float(np.sum(np.diff(cdf_x) * cdf_y))
