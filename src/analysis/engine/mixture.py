"""The published interval as a mixture over specifications and their parameter draws.

Each specification contributes its own draws (for example Monte Carlo draws of P(release)),
and the specifications are weighted (weights >= 0 summing to 1). Within a specification every
draw counts the same, so a draw of specification s weighs w_s / n_s. Quantiles are those of the
weighted draws (inverse of the weighted empirical CDF, numpy's ``inverted_cdf``). Two weight
rules are named in WEIGHT_RULES: ``equal`` (every defensible specification alike) and
``log_score`` (softmax of each specification's summed in-time log score: the specifications'
likelihoods of the record, i.e. Bayesian model averaging with equal prior weights).

The score-based rules of Yao, Vehtari, Simpson and Gelman (2018, "Using stacking to average
Bayesian predictive distributions") take the pointwise log predictive densities (one row per
specification, one column per scored case): ``pseudo_bma_weights``, ``pseudo_bma_plus_weights``
(the Bayesian bootstrap over the cases) and ``stacking_weights``. ``can_learn`` says when any
of them can: only when the scored outcomes hold both values. With one outcome only, every
score is a sum of log(1 - p) (or of log p), so it ranks forecasts by how low (or high) they
are, and the rule falls back to equal weights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from analysis.record.intervals import QUANTILES

PROBABILITIES = QUANTILES  # the package's interval level (analysis.record.intervals)
WEIGHT_RULES = ("equal", "log_score")
WEIGHT_TOLERANCE = 1e-9
# The score-based rules shown side by side; the first is the one a headline uses when it can.
SCORE_RULES = ("stacking", "pseudo_bma_plus", "pseudo_bma")
BAYESIAN_BOOTSTRAP_DRAWS = 1000
BAYESIAN_BOOTSTRAP_SEED = 20170315  # the day of the detention, not chosen by its result
RANGE_PROBABILITIES = (0.01, 0.99)  # the weighted range of central estimates


@dataclass(frozen=True)
class MixtureSummary:
    """Mean and quantiles of the mixture, in the draws' units.

    ``quantiles`` maps each probability in ``probabilities`` to its quantile; ``weights`` are
    the specification weights used; ``draws`` the total number of draws.
    """

    mean: float
    quantiles: dict[float, float]
    weights: dict[str, float]
    draws: int


def log_density(forecasts: np.ndarray, outcomes: np.ndarray) -> np.ndarray:
    """The natural-log score of each forecast: log P(what happened), elementwise (<= 0; -inf
    for a certain forecast proven wrong). ``forecasts`` are P(release) in [0, 1] and
    ``outcomes`` 1 (release) or 0 (return), of any matching shape. The package's one log score:
    the in-time scores, the pointwise densities of the weighting rules and the track record."""
    p, y = np.asarray(forecasts, dtype=float), np.asarray(outcomes, dtype=float)
    with np.errstate(divide="ignore"):
        return np.log(np.where(y == 1, p, 1.0 - p))


def _checked_weights(weights: Mapping[str, float], names: Sequence[str]) -> None:
    if set(weights) != set(names):
        raise ValueError(
            f"weights and draws must name the same specifications ({sorted(weights)}"
            f" against {sorted(names)})"
        )
    values = np.array(list(weights.values()), dtype=float)
    if (values < 0).any() or abs(values.sum() - 1.0) > WEIGHT_TOLERANCE:
        raise ValueError(f"weights must be >= 0 and sum to 1 (sum {values.sum()})")


def mixture_summary(
    draws: Mapping[str, Sequence[float]],
    weights: Mapping[str, float],
    probabilities: Sequence[float] = PROBABILITIES,
) -> MixtureSummary:
    """Mean and weighted quantiles of the mixture of ``draws`` (per specification, each
    non-empty) with specification ``weights``; ``probabilities`` in [0, 1]."""
    return mixture_summaries(draws, {"only": weights}, probabilities)["only"]


def mixture_summaries(
    draws: Mapping[str, Sequence[float]],
    weights_by_rule: Mapping[str, Mapping[str, float]],
    probabilities: Sequence[float] = PROBABILITIES,
) -> dict[str, MixtureSummary]:
    """``mixture_summary`` of the same ``draws`` under several weightings at once, keyed as
    ``weights_by_rule``: the draws are sorted once (millions of them for the multiverse).

    The quantile is numpy's weighted ``inverted_cdf``: the smallest draw whose cumulative
    weight (normalised to 1) reaches the probability.
    """
    arrays = {name: np.asarray(values, dtype=float) for name, values in draws.items()}
    if any(len(values) == 0 for values in arrays.values()):
        raise ValueError("every specification needs at least one draw")
    # Specifications with the very same draws (a choice that changes nothing for this case)
    # make one component whose weight is theirs summed: the same mixture, far fewer draws to
    # sort (the multiverse's 6,400 specifications have about 650 distinct sets).
    components: dict[bytes, list[str]] = {}
    for name, values in arrays.items():
        components.setdefault(values.tobytes(), []).append(name)
    members = list(components.values())
    values = np.concatenate([arrays[names[0]] for names in members])
    sizes = np.array([len(arrays[names[0]]) for names in members])
    order = np.argsort(values)  # ties hold equal values: their order cannot change a quantile
    ordered = values[order]
    wanted = np.asarray(probabilities, dtype=float)
    summaries = {}
    for rule, weights in weights_by_rule.items():
        _checked_weights(weights, list(arrays))
        shares = np.array([sum(weights[name] for name in names) for names in members])
        per_draw = np.repeat(shares / sizes, sizes)
        cdf = np.cumsum(per_draw[order])
        cdf /= cdf[-1]
        at = np.minimum(np.searchsorted(cdf, wanted, side="left"), len(values) - 1)
        summaries[rule] = MixtureSummary(
            mean=float(np.sum(per_draw * values)),
            quantiles={float(p): float(q) for p, q in zip(probabilities, ordered[at], strict=True)},
            weights={name: float(weights[name]) for name in arrays},
            draws=sum(len(values_s) for values_s in arrays.values()),
        )
    return summaries


def can_learn(outcomes: Sequence[float]) -> bool:
    """Whether a score-based rule can learn from scored ``outcomes`` (0/1): both must occur."""
    return len(set(np.asarray(outcomes, dtype=float).tolist())) == 2


def effective_number(weights: Mapping[str, float] | Sequence[float]) -> float:
    """Effective number of specifications, 1 / sum(w^2) of normalised weights (Kish): n for
    equal weights over n, 1 when one specification has all the weight."""
    values = np.asarray(list(weights.values()) if isinstance(weights, Mapping) else weights)
    values = values.astype(float) / values.sum()
    return float(1.0 / np.sum(values**2))


def weighted_range(
    values: Sequence[float],
    weights: Sequence[float],
    probabilities: Sequence[float] = RANGE_PROBABILITIES,
) -> tuple[float, ...]:
    """Weighted quantiles (inverse weighted CDF, as ``mixture_summaries``) of ``values``, one
    per specification, with ``weights`` >= 0: by default the 1st and 99th percentiles."""
    v, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    order = np.argsort(v, kind="stable")
    cdf = np.cumsum(w[order])
    cdf /= cdf[-1]
    at = np.minimum(np.searchsorted(cdf, np.asarray(probabilities), side="left"), len(v) - 1)
    return tuple(float(x) for x in v[order][at])


def _pointwise(pointwise: np.ndarray) -> np.ndarray:
    lpd = np.asarray(pointwise, dtype=float)
    if lpd.ndim != 2 or lpd.size == 0 or np.isnan(lpd).any() or (lpd > 0).any():
        raise ValueError("pointwise log densities: specifications x cases, numbers <= 0")
    return lpd


def pseudo_bma_weights(pointwise: np.ndarray) -> np.ndarray:
    """Pseudo-BMA: weight of specification k proportional to exp(sum over cases of its log
    predictive density); ``pointwise`` is specifications x cases (natural log, <= 0)."""
    return special.softmax(_pointwise(pointwise).sum(axis=1))


def pseudo_bma_plus_weights(
    pointwise: np.ndarray,
    draws: int = BAYESIAN_BOOTSTRAP_DRAWS,
    seed: int = BAYESIAN_BOOTSTRAP_SEED,
) -> np.ndarray:
    """Pseudo-BMA+: pseudo-BMA averaged over the Bayesian bootstrap of the cases (Dirichlet(1)
    case weights alpha; specification k's total is n * sum_i alpha_i * lpd_ki)."""
    lpd = _pointwise(pointwise)
    n = lpd.shape[1]
    alpha = np.random.default_rng(seed).dirichlet(np.ones(n), size=draws)  # draws x cases
    totals = n * alpha @ lpd.T  # draws x specifications
    return special.softmax(totals, axis=1).mean(axis=0)


def stacking_weights(pointwise: np.ndarray) -> np.ndarray:
    """Stacking of predictive distributions: the weights on the simplex that maximise
    sum_i log(sum_k w_k exp(lpd_ki)), found over a softmax parametrisation (L-BFGS-B)."""
    density = np.exp(_pointwise(pointwise))  # specifications x cases

    def loss(z: np.ndarray) -> tuple[float, np.ndarray]:
        w = special.softmax(z)
        mixed = np.maximum(w @ density, 1e-300)
        gradient_w = -(density / mixed).sum(axis=1)
        return -float(np.log(mixed).sum()), w * (gradient_w - w @ gradient_w)

    start = np.zeros(len(density))
    result = optimize.minimize(loss, start, jac=True, method="L-BFGS-B")
    return special.softmax(result.x)


def score_rule_weights(pointwise: np.ndarray) -> dict[str, np.ndarray]:
    """Every rule of SCORE_RULES on the same pointwise log densities, keyed by its name."""
    return {
        "stacking": stacking_weights(pointwise),
        "pseudo_bma_plus": pseudo_bma_plus_weights(pointwise),
        "pseudo_bma": pseudo_bma_weights(pointwise),
    }
