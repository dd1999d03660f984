"""Durations with right-censoring: Kaplan-Meier, censored parametric fits, the "still held" update.

A duration is days from detention to an outcome (here: a return). Cases still held, or whose
end is unknown, are right-censored at the days they are known to have been held: they say "at
least this long", and dropping them would bias the durations short. Returns known only to have
happened by some day (aggregate counts) are interval-censored on (0, day]. All maths is
scipy.stats: ``CensoredData``, ``ecdf`` (Kaplan-Meier) and ``dist.fit`` (maximum likelihood
with censoring). Days are >= 0; probabilities in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

# A same-day return (0 days) has no logarithm: durations are floored at half a day, the middle
# of the day it happened on.
MIN_DAYS = 0.5
FAMILIES = ("lognormal", "weibull", "exponential")
_DISTRIBUTIONS = {
    "lognormal": stats.lognorm,
    "weibull": stats.weibull_min,
    "exponential": stats.expon,
}
# Spread of the reference log-normal laws, in log-days: a law with median m puts 80% of its
# returns between m / 3.6 and m * 3.6 (exp(1.2816 * 1.0) = 3.6), about the spread of the dated
# returns on record (sd of their logs 1.28).
REFERENCE_SIGMA = 1.0
# Medians of the reference laws, in days: a week, two months (HRW's "about two months"), six.
REFERENCE_MEDIANS: dict[str, float] = {"a week": 7.0, "two months": 61.0, "six months": 183.0}
# What a group that will not be returned is assumed to do by day h when no law is given for it.
STILL_HELD = "still held on every day considered (S_other = 1)"


@dataclass(frozen=True)
class DurationLaw:
    """A law for days to return: ``distribution`` is a frozen scipy.stats law on days > 0.

    ``family`` is one of FAMILIES; ``parameters`` are in the family's usual terms (log-normal:
    mu and sigma of log-days; Weibull: shape and scale in days; exponential: scale in days).
    """

    name: str
    family: str
    distribution: Any
    parameters: dict[str, float]

    @property
    def median_days(self) -> float:
        """Median days to return."""
        return float(self.distribution.median())

    def survival(self, days: Sequence[float] | float) -> np.ndarray:
        """S(d) = P(not yet returned by day d | it will be returned), in [0, 1]."""
        return np.asarray(self.distribution.sf(np.asarray(days, dtype=float)))


def censored_durations(
    returned: Sequence[float],
    still_held: Sequence[float] = (),
    returned_by: Sequence[float] = (),
) -> stats.CensoredData:
    """Durations in days: exact returns, right-censored ``still_held`` (days held so far, for
    cases still held or unresolved) and interval-censored ``returned_by`` (returned on an
    unknown day up to that one). Values are floored at MIN_DAYS; all must be >= 0."""
    groups = [np.asarray(values, dtype=float) for values in (returned, still_held, returned_by)]
    if any((group < 0).any() for group in groups):
        raise ValueError("durations must be >= 0 days")
    exact, right, by = (np.maximum(group, MIN_DAYS) for group in groups)
    interval = np.column_stack([np.zeros(len(by)), by]) if len(by) else None
    return stats.CensoredData(uncensored=exact, right=right, interval=interval)


def kaplan_meier(data: stats.CensoredData) -> pd.DataFrame:
    """Kaplan-Meier survival: one row per distinct day with an event or a censoring.

    Columns: day, survival (P(not returned by that day, among those who will be), in [0, 1]).
    Interval-censored durations are refused: Kaplan-Meier takes exact and right-censored ones.
    """
    try:
        result = stats.ecdf(data)
    except NotImplementedError as error:
        raise ValueError("Kaplan-Meier takes exact and right-censored durations only") from error
    return pd.DataFrame({"day": result.sf.quantiles, "survival": result.sf.probabilities})


def _tight_fmin(func: Any, x0: np.ndarray, args: tuple = (), disp: int = 0) -> np.ndarray:
    # scipy's default Nelder-Mead stops at about 1e-5 relative; tighter so fits meet closed forms.
    return optimize.fmin(
        func, x0, args=args, disp=disp, xtol=1e-10, ftol=1e-12, maxiter=20000, maxfun=40000
    )


def fit_law(data: stats.CensoredData, family: str) -> DurationLaw:
    """Maximum-likelihood fit of a FAMILIES law (location fixed at 0 days) with censoring."""
    if family not in _DISTRIBUTIONS:
        raise ValueError(f"family must be one of {FAMILIES} (got {family!r})")
    distribution = _DISTRIBUTIONS[family]
    if family == "exponential":
        _, scale = distribution.fit(data, floc=0, optimizer=_tight_fmin)
        frozen, parameters = distribution(scale=scale), {"scale": float(scale)}
    else:
        shape, _, scale = distribution.fit(data, floc=0, optimizer=_tight_fmin)
        frozen = distribution(shape, scale=scale)
        parameters = (
            {"mu": float(np.log(scale)), "sigma": float(shape)}
            if family == "lognormal"
            else {"shape": float(shape), "scale": float(scale)}
        )
    return DurationLaw(f"{family} fit", family, frozen, parameters)


def lognormal_law(median_days: float, sigma: float, name: str) -> DurationLaw:
    """A log-normal law for days to return with the given median (days > 0) and sigma (> 0,
    sd of log-days)."""
    if median_days <= 0 or sigma <= 0:
        raise ValueError(f"median and sigma must be positive (got {median_days}, {sigma})")
    frozen = stats.lognorm(sigma, scale=median_days)
    return DurationLaw(
        name, "lognormal", frozen, {"mu": float(np.log(median_days)), "sigma": float(sigma)}
    )


def reference_laws(fitted: DurationLaw, sigma: float = REFERENCE_SIGMA) -> list[DurationLaw]:
    """The fit, then log-normal laws with the REFERENCE_MEDIANS and the stated ``sigma``."""
    return [fitted] + [
        lognormal_law(median, sigma, f"median {label} ({median:g} days), sigma {sigma:g}")
        for label, median in REFERENCE_MEDIANS.items()
    ]


def p_return_given_held(
    p_return: float, days_held: float, law: DurationLaw, other: DurationLaw | None = None
) -> float:
    """P(eventually returned | still held on day ``days_held``), by Bayes' rule; in [0, 1].

    p' = p S(h) / (p S(h) + (1 - p) S_other(h)): S is ``law``'s survival for a group that will
    be returned, S_other ``other``'s for one that will not (None: STILL_HELD, S_other = 1, as
    when a release comes only after a long negotiation).
    """
    if not 0.0 <= p_return <= 1.0:
        raise ValueError(f"p_return must be in [0, 1] (got {p_return})")
    returned = p_return * float(law.survival(days_held))
    not_returned = (1.0 - p_return) * (1.0 if other is None else float(other.survival(days_held)))
    total = returned + not_returned
    return returned / total if total > 0 else float("nan")


def held_update_table(
    p_return: float,
    days_held: Sequence[int],
    laws: Sequence[DurationLaw],
    other: DurationLaw | None = None,
) -> pd.DataFrame:
    """p_return_given_held for every law and day: one row per (law, day).

    Columns: law, family, median_days, days_held, survival_at_day (S(h) of the law),
    non_return_assumption, p_return (before the news), p_return_given_held (after it).
    """
    assumption = STILL_HELD if other is None else other.name
    rows = [
        {
            "law": law.name,
            "family": law.family,
            "median_days": law.median_days,
            "days_held": int(day),
            "survival_at_day": float(law.survival(day)),
            "non_return_assumption": assumption,
            "p_return": p_return,
            "p_return_given_held": p_return_given_held(p_return, day, law, other),
        }
        for law in laws
        for day in days_held
    ]
    return pd.DataFrame(rows)


# --- a published cohort count through a written inflow model ---------------------------------


@dataclass(frozen=True)
class Cohort:
    """A published count: ``detained`` people detained over ``period_days`` days, of whom
    ``still_held`` were still held at its end.

    The inflow model: arrivals spread evenly over the period, and each person is returned
    after a delay drawn from the law, independently. A person who arrived u days before the
    count is still held with probability S(u), so the expected share still held is
    m = (1 / T) * integral of S(u) du over [0, T], and the count is binomial: still_held of
    detained with probability m. (It assumes every one of them would be returned in the end,
    the reading that lengthens the law least.)
    """

    detained: int
    still_held: int
    period_days: float


def cohort_share_held(law: DurationLaw, period_days: float, points: int = 2000) -> float:
    """m of ``Cohort``: the mean of S(u) over even arrivals u in [0, period_days] (midpoint
    rule on ``points`` steps), in [0, 1]."""
    steps = (np.arange(points) + 0.5) * (period_days / points)
    return float(np.mean(law.survival(steps)))


def _censored_log_likelihood(data: stats.CensoredData, law: Any) -> float:
    """Log-likelihood of exact, right- and interval-censored durations under a frozen law."""
    total = float(np.sum(law.logpdf(data._uncensored)))
    total += float(np.sum(law.logsf(data._right)))
    if len(data._interval):
        low, high = data._interval[:, 0], data._interval[:, 1]
        total += float(np.sum(np.log(np.maximum(law.cdf(high) - law.cdf(low), 1e-300))))
    return total


def cohort_log_likelihood(law: DurationLaw, cohort: Cohort) -> float:
    """Binomial log-likelihood of the cohort's count under ``law`` (no binomial coefficient:
    it does not depend on the law)."""
    m = min(max(cohort_share_held(law, cohort.period_days), 1e-12), 1 - 1e-12)
    return cohort.still_held * np.log(m) + (cohort.detained - cohort.still_held) * np.log(1 - m)


def fit_lognormal_with_cohort(data: stats.CensoredData, cohort: Cohort, name: str) -> DurationLaw:
    """Maximum-likelihood log-normal for the durations ``data`` and the ``cohort``'s count
    together (``Cohort``'s inflow model): over (mu, log sigma), started at the fit of the
    durations alone."""
    start = fit_law(data, "lognormal").parameters

    def negative(theta: np.ndarray) -> float:
        law = lognormal_law(float(np.exp(theta[0])), float(np.exp(theta[1])), name)
        return -(_censored_log_likelihood(data, law.distribution)
                 + cohort_log_likelihood(law, cohort))  # fmt: skip

    best = _tight_fmin(negative, np.array([start["mu"], np.log(start["sigma"])]))
    law = lognormal_law(float(np.exp(best[0])), float(np.exp(best[1])), name)
    return DurationLaw(name, "lognormal", law.distribution, law.parameters)
