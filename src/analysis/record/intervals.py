"""Intervals for a share of k in n (the Beta posterior under a named prior, Wilson), Beta quantiles
and P(X > Y) for two Beta shares: the package's one home of the interval level.

The maths comes from scipy. Every model build needs Beta quantiles and a Wilson interval, and
importing scipy.stats takes about a second in each process (each notebook kernel, each run of
the command line), so those two come from ``scipy.special``: ``betaincinv`` is the function
behind ``scipy.stats.beta.ppf``, and the Wilson interval is Newcombe's closed form, computed as
``scipy.stats.binomtest(...).proportion_ci`` computes it (the tests hold the two equal). The
exact interval is binomtest's.

``LEVEL`` is every interval's level in the package (the scenario model's Monte Carlo reads its
quantiles as ``QUANTILES``) and ``PRIORS`` every named prior of a share.

Probabilities and levels are in [0, 1]; an interval is (low, high) with low <= high. The
default level is 80%: wide enough to be honest with a few dozen cases, narrow enough to say
something.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

LEVEL = 0.8
# The lower end, the median and the upper end of a LEVEL interval: (0.1, 0.5, 0.9) exactly
# (``(1 - LEVEL) / 2`` alone is 0.09999999999999998 in floating point).
LOW_TAIL = round((1 - LEVEL) / 2, 12)
QUANTILES = (LOW_TAIL, 0.5, 1 - LOW_TAIL)
# Named priors for a share, as Beta(a, b). Uniform: every share equally likely before the data.
# Jeffreys: invariant to reparametrisation; it pulls less towards 1/2 with few cases.
PRIORS: dict[str, tuple[float, float]] = {"uniform": (1.0, 1.0), "jeffreys": (0.5, 0.5)}
BINOMIAL_METHODS = ("wilson", "exact")


@dataclass(frozen=True)
class BetaPosterior:
    """Beta(alpha, beta) posterior of a share after ``k`` successes in ``n`` trials.

    ``mean`` is the posterior mean; ``low``/``high`` the equal-tailed interval at ``level``;
    all in [0, 1].
    """

    k: int
    n: int
    prior: str
    alpha: float
    beta: float
    mean: float
    low: float
    high: float
    level: float


def _check_counts(k: int, n: int) -> None:
    if not 0 <= k <= n:
        raise ValueError(f"successes must be in 0..n (got {k} of {n})")


def _check_level(level: float) -> None:
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1) (got {level})")


def beta_quantiles(alpha: float, beta: float, probabilities: Sequence[float]) -> np.ndarray:
    """Quantiles of Beta(alpha, beta) (alpha, beta > 0) at ``probabilities`` in [0, 1]."""
    if alpha <= 0 or beta <= 0:
        raise ValueError(f"Beta parameters must be positive (got {alpha}, {beta})")
    return special.betaincinv(alpha, beta, np.asarray(probabilities, dtype=float))


def beta_posterior(k: int, n: int, prior: str = "uniform", level: float = LEVEL) -> BetaPosterior:
    """Posterior of a share after ``k`` of ``n`` under a prior named in PRIORS."""
    _check_counts(k, n)
    _check_level(level)
    if prior not in PRIORS:
        raise ValueError(f"prior must be one of {sorted(PRIORS)} (got {prior!r})")
    a0, b0 = PRIORS[prior]
    alpha, beta = a0 + k, b0 + n - k
    tail = (1.0 - level) / 2.0
    low, high = beta_quantiles(alpha, beta, [tail, 1.0 - tail])
    return BetaPosterior(
        k=k,
        n=n,
        prior=prior,
        alpha=alpha,
        beta=beta,
        mean=alpha / (alpha + beta),
        low=float(low),
        high=float(high),
        level=level,
    )


def posterior_log_odds(released: int, returned: int, prior: str = "uniform") -> float:
    """Log-odds of the posterior mean share after ``released`` of ``released + returned`` under a
    prior named in PRIORS: log(alpha / beta) of the Beta posterior, the base rate's log-odds."""
    a0, b0 = PRIORS[prior]
    return float(np.log((a0 + released) / (b0 + returned)))


def binomial_interval(
    k: int, n: int, level: float = LEVEL, method: str = "wilson"
) -> tuple[float, float]:
    """Interval for the share k/n: ``wilson`` (score, no continuity correction) or ``exact``
    (Clopper-Pearson). With n == 0 nothing is known and the interval is (0, 1)."""
    _check_counts(k, n)
    _check_level(level)
    if method not in BINOMIAL_METHODS:
        raise ValueError(f"method must be one of {BINOMIAL_METHODS} (got {method!r})")
    if n == 0:
        return 0.0, 1.0
    if method == "wilson":
        return _wilson(k, n, level)
    from scipy import stats  # here: only the exact interval needs it (see the module docstring)

    interval = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="exact")
    return float(interval.low), float(interval.high)


def _wilson(k: int, n: int, level: float) -> tuple[float, float]:
    """Newcombe's (1998) Wilson score interval, without continuity correction, in scipy's order
    of operations; n > 0."""
    share = k / n
    z = float(special.ndtri(0.5 + 0.5 * level))
    denominator = 2 * (n + z**2)
    centre = (2 * n * share + z**2) / denominator
    half_width = z / denominator * math.sqrt(4 * n * share * (1 - share) + z**2)
    low = 0.0 if k == 0 else centre - half_width
    high = 1.0 if k == n else centre + half_width
    return float(low), float(high)


def wilson_interval(k: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Wilson score interval for k of n (see binomial_interval)."""
    return binomial_interval(k, n, level, "wilson")


def beta_quantile(probability: float, a: float, b: float) -> float:
    """The x in [0, 1] with I_x(a, b) = probability."""
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be in [0, 1] (got {probability})")
    return float(special.betaincinv(a, b, probability))


def beta_interval(a: float, b: float, level: float = LEVEL) -> tuple[float, float]:
    """Equal-tailed credible interval of Beta(a, b) at ``level``: probabilities in [0, 1]."""
    tail = (1 - level) / 2
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
