"""Beta posteriors and binomial intervals against closed forms and the old hand-written code.

The constants marked "history.py" were computed once from the package's previous bisection on
a continued-fraction incomplete beta (history.beta_quantile, history.wilson_interval) and pasted
here, so the old and the new maths must agree without one calling the other.
"""

from __future__ import annotations

import pytest

from analysis.record.intervals import (
    PRIORS,
    beta_posterior,
    beta_quantiles,
    binomial_interval,
    wilson_interval,
)

# history.py, 2 released of 17: Beta(3, 16) (uniform) and Beta(2.5, 15.5) (Jeffreys), 10%/90%.
HISTORY_UNIFORM_2_OF_17 = (0.06286037795742402, 0.2694242792000757)
HISTORY_JEFFREYS_2_OF_17 = (0.048388592705292166, 0.2477924403465263)
# history.py: Wilson 80% for 2 of 17.
HISTORY_WILSON_2_OF_17 = (0.0499421395617531, 0.25272179634570907)


def test_named_priors() -> None:
    assert PRIORS == {"uniform": (1.0, 1.0), "jeffreys": (0.5, 0.5)}


@pytest.mark.parametrize(
    ("prior", "expected", "mean"),
    [
        ("uniform", HISTORY_UNIFORM_2_OF_17, 3 / 19),
        ("jeffreys", HISTORY_JEFFREYS_2_OF_17, 2.5 / 18),
    ],
)
def test_two_of_seventeen_matches_history(
    prior: str, expected: tuple[float, float], mean: float
) -> None:
    posterior = beta_posterior(2, 17, prior)
    assert (posterior.alpha, posterior.beta) == (PRIORS[prior][0] + 2, PRIORS[prior][1] + 15)
    assert posterior.mean == pytest.approx(mean, abs=1e-15)
    assert (posterior.low, posterior.high) == pytest.approx(expected, abs=1e-10)


def test_successes_and_failures_are_not_swapped() -> None:
    # 2 of 17 and 15 of 17 mirror each other: a swap would show here.
    low, high = beta_posterior(2, 17).low, beta_posterior(2, 17).high
    mirrored = beta_posterior(15, 17)
    assert (mirrored.low, mirrored.high) == pytest.approx((1 - high, 1 - low), abs=1e-12)
    assert beta_posterior(2, 17).mean < 0.5 < mirrored.mean


def test_uniform_prior_with_no_data_is_uniform() -> None:
    # Beta(1, 1) is the uniform law: its q-quantile is q.
    posterior = beta_posterior(0, 0, "uniform", level=0.6)
    assert (posterior.low, posterior.high) == pytest.approx((0.2, 0.8), abs=1e-14)
    assert posterior.mean == 0.5


@pytest.mark.parametrize("n", [0, 3, 17])
@pytest.mark.parametrize("q", [0.05, 0.1, 0.5, 0.9])
def test_beta_one_n_plus_one_closed_form(n: int, q: float) -> None:
    # Beta(1, n + 1) has CDF 1 - (1 - x)^(n + 1), so its q-quantile is 1 - (1 - q)^(1/(n + 1)).
    expected = 1 - (1 - q) ** (1 / (n + 1))
    assert beta_quantiles(1, n + 1, [q])[0] == pytest.approx(expected, abs=1e-12)


def test_zero_of_n_uniform_interval_closed_form() -> None:
    posterior = beta_posterior(0, 9, "uniform")
    assert posterior.low == pytest.approx(1 - 0.9 ** (1 / 10), abs=1e-12)
    assert posterior.high == pytest.approx(1 - 0.1 ** (1 / 10), abs=1e-12)


def test_wilson_matches_history() -> None:
    assert wilson_interval(2, 17) == pytest.approx(HISTORY_WILSON_2_OF_17, abs=1e-12)


def test_wilson_closed_form_at_half() -> None:
    # k = n/2: centre 1/2, half-width z/(2 sqrt(n + z^2)); z = 1.2815515655446004
    # is the standard normal's 90% quantile (two-sided 80%).
    z = 1.2815515655446004
    half = z / (2 * (20 + z * z) ** 0.5)
    assert wilson_interval(10, 20) == pytest.approx((0.5 - half, 0.5 + half), abs=1e-12)


def test_wilson_is_scipys_binomtest_interval_to_the_last_bit() -> None:
    # The package computes it from scipy.special, sparing the import of scipy.stats; scipy's own
    # binomtest is the oracle, over every k of small and larger n and three levels (the edges
    # included).
    from scipy import stats

    for n in (1, 2, 3, 5, 8, 17, 40, 101):
        for k in range(n + 1):
            for level in (0.5, 0.8, 0.99):
                ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
                assert wilson_interval(k, n, level) == (ci.low, ci.high), (k, n, level)


def test_beta_quantiles_are_scipys_beta_ppf_to_the_last_bit() -> None:
    from scipy import stats

    probabilities = [0.0, 0.001, 0.1, 0.5, 0.9, 0.999, 1.0]
    for alpha, beta in ((1.0, 1.0), (0.5, 10.5), (3.0, 16.0), (40.0, 2.5)):
        expected = stats.beta.ppf(probabilities, alpha, beta)
        assert beta_quantiles(alpha, beta, probabilities).tolist() == expected.tolist()


def test_exact_closed_forms_at_the_edges() -> None:
    # Clopper-Pearson: 0 of n gives (0, 1 - (t)^(1/n)), n of n gives ((t)^(1/n), 1), t = tail.
    assert binomial_interval(0, 5, method="exact") == pytest.approx(
        (0.0, 1 - 0.1 ** (1 / 5)), abs=1e-12
    )
    assert binomial_interval(5, 5, method="exact") == pytest.approx(
        (0.1 ** (1 / 5), 1.0), abs=1e-12
    )


def test_exact_is_wider_than_wilson() -> None:
    wilson, exact = wilson_interval(2, 17), binomial_interval(2, 17, method="exact")
    assert exact[0] < wilson[0] and exact[1] > wilson[1]


def test_no_trials_is_the_whole_range() -> None:
    assert binomial_interval(0, 0, method="exact") == (0.0, 1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: beta_posterior(3, 2), "successes must be in 0..n"),
        (lambda: beta_posterior(1, 2, "flat"), "prior must be one of"),
        (lambda: beta_posterior(1, 2, level=1.0), "level must be in"),
        (lambda: binomial_interval(1, 2, method="wald"), "method must be one of"),
        (lambda: beta_quantiles(0, 1, [0.5]), "Beta parameters must be positive"),
    ],
)
def test_bad_arguments_are_refused(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
