"""The mixture over specifications against brute-force samples; the two weight rules by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.engine.mixture import mixture_summary


def brute_quantile(sample: np.ndarray, q: float) -> float:
    """Inverse empirical CDF by hand: the ceil(q N)-th smallest value (1-based)."""
    ordered = np.sort(sample)
    return float(ordered[max(math.ceil(q * len(ordered)), 1) - 1])


def test_small_mixture_by_hand() -> None:
    # Weights 1/4 and 3/4 over 4 and 3 draws: each draw of a weighs 1/16, of b 4/16. The
    # brute-force sample has a's draws once and b's four times: 1 2 3 4, 10 x4, 20 x4, 30 x4.
    summary = mixture_summary({"a": [4, 1, 3, 2], "b": [30, 10, 20]}, {"a": 0.25, "b": 0.75})
    assert summary.mean == pytest.approx(0.25 * 2.5 + 0.75 * 20)
    # ceil(0.1 * 16) = 2nd value, ceil(0.5 * 16) = 8th, ceil(0.9 * 16) = 15th.
    assert summary.quantiles == {0.1: 2.0, 0.5: 10.0, 0.9: 30.0}
    assert summary.draws == 7 and summary.weights == {"a": 0.25, "b": 0.75}


def test_mixture_interval_matches_a_brute_force_sample() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.0, 1.0, 500), rng.normal(5.0, 1.0, 300)
    # Per-draw weights 0.3/500 and 0.7/300 stand as 9 : 35, so repeating a's draws 9 times and
    # b's 35 times is a sample in which every value carries its mixture weight.
    sample = np.concatenate([np.repeat(a, 9), np.repeat(b, 35)])
    probabilities = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
    summary = mixture_summary({"a": a, "b": b}, {"a": 0.3, "b": 0.7}, probabilities)
    assert summary.mean == pytest.approx(sample.mean(), abs=1e-12)
    for q in probabilities:
        assert summary.quantiles[q] == brute_quantile(sample, q)


def test_weights_follow_their_specifications() -> None:
    # Swapping the weights must move the median from b's side to a's.
    draws = {"a": [0.1, 0.2, 0.3], "b": [0.7, 0.8, 0.9]}
    assert mixture_summary(draws, {"a": 0.1, "b": 0.9}).quantiles[0.5] == 0.8
    assert mixture_summary(draws, {"a": 0.9, "b": 0.1}).quantiles[0.5] == 0.2


def test_a_zero_weight_specification_has_no_say() -> None:
    summary = mixture_summary({"a": [1.0, 2.0], "b": [100.0]}, {"a": 1.0, "b": 0.0})
    assert summary.mean == 1.5 and summary.quantiles[0.9] == 2.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mixture_summary({"a": [1.0]}, {"a": 0.5}), "sum to 1"),
        (lambda: mixture_summary({"a": [1.0]}, {"a": 1.5, "b": -0.5}), "same specifications"),
        (lambda: mixture_summary({"a": [1.0], "b": []}, {"a": 0.5, "b": 0.5}), "at least one draw"),
    ],
)
def test_bad_arguments_are_refused(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_several_weightings_at_once_match_numpy_and_brute_force() -> None:
    from analysis.engine.mixture import mixture_summaries

    # Draws with ties (rounded to 0.1) across both specifications; two weightings that differ.
    rng = np.random.default_rng(7)
    draws = {
        "a": np.round(rng.normal(0.0, 1.0, 400), 1),
        "b": np.round(rng.normal(1.0, 1.0, 200), 1),
    }
    rules = {"tilted": {"a": 0.2, "b": 0.8}, "even": {"a": 0.5, "b": 0.5}}
    probabilities = (0.1, 0.5, 0.9)
    summaries = mixture_summaries(draws, rules, probabilities)
    values = np.concatenate([draws["a"], draws["b"]])
    # Brute force: per-draw weights 0.2/400 : 0.8/200 = 1 : 8, and 0.5/400 : 0.5/200 = 1 : 2.
    repeats = {"tilted": (1, 8), "even": (1, 2)}
    for rule, (ra, rb) in repeats.items():
        sample = np.concatenate([np.repeat(draws["a"], ra), np.repeat(draws["b"], rb)])
        per_draw = np.concatenate(
            [np.full(400, rules[rule]["a"] / 400), np.full(200, rules[rule]["b"] / 200)]
        )
        numpy_q = np.quantile(values, probabilities, weights=per_draw, method="inverted_cdf")
        for q, expected in zip(probabilities, numpy_q, strict=True):
            assert summaries[rule].quantiles[q] == brute_quantile(sample, q) == expected
        assert summaries[rule].mean == pytest.approx(sample.mean(), abs=1e-12)
    assert summaries["tilted"].quantiles[0.5] > summaries["even"].quantiles[0.5]


def test_specifications_with_the_same_draws_count_with_each_of_their_weights() -> None:
    # "a" and "c" hold the very same draws, "b" other ones, and the weights all differ: the
    # mixture is the brute-force sample with each specification's draws repeated by its weight.
    same = [1.0, 2.0, 3.0, 4.0]
    draws = {"a": same, "b": [10.0, 20.0], "c": list(same)}
    weights = {"a": 0.1, "b": 0.3, "c": 0.6}
    # Per-draw weights 0.1/4 : 0.3/2 : 0.6/4 = 1 : 6 : 6.
    sample = np.concatenate([np.repeat(same, 1), np.repeat([10.0, 20.0], 6), np.repeat(same, 6)])
    probabilities = (0.1, 0.25, 0.5, 0.75, 0.9)
    summary = mixture_summary(draws, weights, probabilities)
    for q in probabilities:
        assert summary.quantiles[q] == brute_quantile(sample, q)
    assert summary.mean == pytest.approx(sample.mean(), abs=1e-12)
    assert summary.draws == 10 and summary.weights == weights


def test_effective_number_and_weighted_range_by_hand() -> None:
    from analysis.engine.mixture import effective_number, weighted_range

    # Weights 0.5, 0.25, 0.25: 1 / (0.25 + 0.0625 + 0.0625) = 1 / 0.375 = 8/3.
    assert effective_number([0.5, 0.25, 0.25]) == pytest.approx(8 / 3)
    assert effective_number({"a": 2.0, "b": 2.0}) == pytest.approx(2.0)
    # Central estimates 0.3, 0.1, 0.2 with weights 0.02, 0.9, 0.08: sorted 0.1 (cum 0.90),
    # 0.2 (0.98), 0.3 (1.00): the 1st percentile is 0.1, the 99th the first to reach 0.99, 0.3;
    # the 95th is 0.2 (0.98 >= 0.95).
    values, weights = [0.3, 0.1, 0.2], [0.02, 0.9, 0.08]
    assert weighted_range(values, weights) == (0.1, 0.3)
    assert weighted_range(values, weights, (0.95,)) == (0.2,)
    # The grid's min-max would say 0.1-0.3 whatever the weights; with 0.3 weightless the 99th
    # percentile stops at 0.2.
    assert weighted_range(values, [0.0, 0.9, 0.1]) == (0.1, 0.2)


def test_one_outcome_only_cannot_learn() -> None:
    from analysis.engine.mixture import can_learn

    assert not can_learn([0, 0, 0]) and not can_learn([1, 1])
    assert can_learn([0, 1, 0])


def test_pseudo_bma_and_its_bootstrap_by_hand() -> None:
    from analysis.engine.mixture import pseudo_bma_plus_weights, pseudo_bma_weights

    # Two specifications on two cases: totals log(0.5 * 0.5) and log(0.8 * 0.2): weights
    # 0.25 : 0.16 normalised.
    lpd = np.log(np.array([[0.5, 0.5], [0.8, 0.2]]))
    np.testing.assert_allclose(pseudo_bma_weights(lpd), [0.25 / 0.41, 0.16 / 0.41])
    # The Bayesian bootstrap by hand: Dirichlet(1, 1) case weights (a, 1 - a), totals
    # 2 * (a lpd_1 + (1 - a) lpd_2), softmax, averaged over the draws.
    alpha = np.random.default_rng(7).dirichlet(np.ones(2), size=50)
    totals = 2 * alpha @ lpd.T
    by_hand = (np.exp(totals) / np.exp(totals).sum(axis=1, keepdims=True)).mean(axis=0)
    np.testing.assert_allclose(pseudo_bma_plus_weights(lpd, draws=50, seed=7), by_hand)


def test_stacking_finds_the_closed_form_mix() -> None:
    from analysis.engine.mixture import stacking_weights

    # Case 1 is a release, case 2 a return; spec A says 1 and 0 (densities 1, 0), spec B says
    # 0 and 1 (densities 0, 1) -- clipped at 1e-6. sum log(w_A + ...) is maximised at w = 1/2.
    # With three cases (A right on two, B on one) the optimum is w_A = 2/3 (d/dw of
    # 2 log w + log(1 - w) = 0).
    eps = 1e-9
    lpd = np.log(np.array([[1 - eps, 1 - eps, eps], [eps, eps, 1 - eps]]))
    np.testing.assert_allclose(stacking_weights(lpd), [2 / 3, 1 / 3], atol=1e-4)
