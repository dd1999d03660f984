"""The published interval as a mixture over specifications and their parameter draws.

Each specification contributes its own draws (for example Monte Carlo draws of P(release)),
and the specifications are weighted (weights >= 0 summing to 1). Within a specification every
draw counts the same, so a draw of specification s weighs w_s / n_s. Quantiles are those of the
weighted draws (inverse of the weighted empirical CDF, numpy's ``inverted_cdf``). Two weight
rules are named in WEIGHT_RULES: ``equal`` (every defensible specification alike) and
``log_score`` (softmax of each specification's summed in-time log score: the specifications'
likelihoods of the record, i.e. Bayesian model averaging with equal prior weights).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

PROBABILITIES = (0.1, 0.5, 0.9)
WEIGHT_RULES = ("equal", "log_score")
WEIGHT_TOLERANCE = 1e-9


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


def specification_weights(log_scores: Mapping[str, float], rule: str) -> dict[str, float]:
    """Weights per specification under a WEIGHT_RULES rule, summing to 1.

    ``log_scores`` are the summed in-time log scores (natural log, <= 0) of each
    specification; ``equal`` uses only their names. ``log_score`` gives exp(score) normalised:
    a specification one nat behind another gets e^-1 = 0.37 times its weight.
    """
    if not log_scores:
        raise ValueError("need at least one specification")
    names = list(log_scores)
    if rule == "equal":
        return {name: 1.0 / len(names) for name in names}
    if rule == "log_score":
        scores = np.array([log_scores[name] for name in names], dtype=float)
        if np.isnan(scores).any() or (scores > 0).any():
            raise ValueError("log scores must be numbers <= 0 (-inf allowed)")
        if np.isneginf(scores).all():
            raise ValueError("every specification scored -inf: no weights")
        return dict(zip(names, (float(w) for w in special.softmax(scores)), strict=True))
    raise ValueError(f"rule must be one of {WEIGHT_RULES} (got {rule!r})")
