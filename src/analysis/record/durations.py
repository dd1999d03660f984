"""Durations: days from detention to a return, their censored fits, and the "still held" update.

One home for time in custody. ``time_to_return`` is the one table every delay comes from
(``return_delays`` gives the timing its array); ``censored_durations`` and ``fit_law`` fit a
duration law with right-censoring (a case still held, or of unknown end, says "at least this
long"; dropping it would bias the durations short) and interval-censoring (aggregate counts);
``held_update_table`` and ``held_update_under_laws`` apply Bayes' rule to the news that a group is
still held on a day; ``return_timing`` spreads a P(return) over the days since detention. All
maths is scipy.stats (``CensoredData``, ``dist.fit``). Days are >= 0; probabilities in [0, 1];
numbers only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from analysis.record import factors
from analysis.record.outcomes import RETURN

# Date precisions precise enough for a delay in days; a year (up to 365 days) is not.
DELAY_PRECISIONS = ("day", "approximate", "range", "month")


def _exclusion_reason(detained_precision: str, outcome_precision: str) -> str:
    reasons = []
    for name, precision in (("detention", detained_precision), ("outcome", outcome_precision)):
        if precision == "unknown":
            reasons.append(f"{name} date unknown")
        elif precision not in DELAY_PRECISIONS:
            reasons.append(f"{name} dated only to the {precision}")
    return "; ".join(reasons)


def time_to_return(cases: pd.DataFrame, outcomes: Sequence[str] = (RETURN,)) -> pd.DataFrame:
    """Days from detention to the outcome for cases with one of ``outcomes``, one row each.

    ``days`` = outcome_mid - detained_mid (the middle of each dated window). ``days_min`` and
    ``days_max`` bound it: earliest possible outcome minus latest possible detention (floored at
    0, since no outcome precedes its detention) and latest outcome minus earliest detention.
    ``usable`` is True when both precisions are day, approximate, range or month; cases dated
    only to the year or not at all stay in the table with ``usable`` False and a ``reason``,
    and their day columns empty. Sorted by days, unusable cases last.
    """
    frame = cases[cases["outcome"].astype(str).isin(outcomes)]
    detained_p = frame["detained_precision"].astype(str)
    outcome_p = frame["outcome_precision"].astype(str)
    usable = detained_p.isin(DELAY_PRECISIONS) & outcome_p.isin(DELAY_PRECISIONS)

    def days(later: pd.Series, earlier: pd.Series) -> pd.Series:
        return (later - earlier).dt.days.where(usable).astype("Int64")

    table = pd.DataFrame(
        {
            "case_id": frame["case_id"],
            "title": frame["title"],
            "outcome": frame["outcome"].astype(str),
            "detained_precision": detained_p,
            "outcome_precision": outcome_p,
            "days": days(frame["outcome_mid"], frame["detained_mid"]),
            "days_min": days(frame["outcome_date"], frame["detained_latest"]).clip(lower=0),
            "days_max": days(frame["outcome_latest"], frame["detained_date"]),
            "usable": usable,
            "reason": [
                "" if ok else _exclusion_reason(d, o)
                for ok, d, o in zip(usable, detained_p, outcome_p, strict=True)
            ],
        }
    )
    table = table.sort_values(["usable", "days", "case_id"], ascending=[False, True, True])
    return table.reset_index(drop=True)


def delay_summary(cases: pd.DataFrame, benchmarks: Sequence[tuple[str, int]]) -> pd.DataFrame:
    """Dated returns against benchmarks (label, limit in days since detention): the claims'
    windows and the time the case had been held at its forecast date (``CaseFacts.benchmarks``).

    One row per benchmark: ``within`` counts usable returns whose middle estimate is within
    ``limit_days``; ``within_surely`` those whose whole date window is (days_max);
    ``within_possibly`` those whose window starts within it (days_min); ``share`` = within /
    usable, in [0, 1]; ``excluded`` = returns without usable dates (not in ``usable``).
    """
    delays = time_to_return(cases)
    usable = delays[delays["usable"]]
    n = len(usable)
    rows = []
    for label, limit in benchmarks:
        within = int((usable["days"] <= limit).sum())
        rows.append(
            {
                "benchmark": label,
                "limit_days": limit,
                "usable": n,
                "within": within,
                "within_surely": int((usable["days_max"] <= limit).sum()),
                "within_possibly": int((usable["days_min"] <= limit).sum()),
                "share": within / n if n else math.nan,
                "excluded": int((~delays["usable"]).sum()),
            }
        )
    return pd.DataFrame(rows)


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
    """The fit, then ``fixed_laws``."""
    return [fitted, *fixed_laws(sigma)]


def fixed_laws(sigma: float = REFERENCE_SIGMA) -> list[DurationLaw]:
    """Log-normal laws with the REFERENCE_MEDIANS and the stated ``sigma``: no data enter them."""
    return [
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


class _Fixed:
    """A scipy.stats law with its shape and scale (days) fixed, answering ``logpdf``, ``logsf``,
    ``cdf`` and ``sf`` with the very numbers its frozen law gives (the same calls), without
    freezing it: a fit's objective asks for hundreds, and scipy builds each frozen law's
    docstring (in a profile, half the time of a fit with HRW's cohort)."""

    def __init__(self, law: Any, shape: float, scale: float) -> None:
        self._law, self._shape, self._scale = law, shape, scale

    def logpdf(self, days: np.ndarray) -> np.ndarray:
        return self._law.logpdf(days, self._shape, scale=self._scale)

    def logsf(self, days: np.ndarray) -> np.ndarray:
        return self._law.logsf(days, self._shape, scale=self._scale)

    def cdf(self, days: np.ndarray) -> np.ndarray:
        return self._law.cdf(days, self._shape, scale=self._scale)

    def sf(self, days: np.ndarray) -> np.ndarray:
        return self._law.sf(days, self._shape, scale=self._scale)


def fit_lognormal_with_cohort(data: stats.CensoredData, cohort: Cohort, name: str) -> DurationLaw:
    """Maximum-likelihood log-normal for the durations ``data`` and the ``cohort``'s count
    together (``Cohort``'s inflow model): over (mu, log sigma), started at the fit of the
    durations alone."""
    start = fit_law(data, "lognormal").parameters

    def negative(theta: np.ndarray) -> float:
        fixed = _Fixed(stats.lognorm, float(np.exp(theta[1])), float(np.exp(theta[0])))
        law = DurationLaw(name, "lognormal", fixed, {})
        return -(_censored_log_likelihood(data, fixed) + cohort_log_likelihood(law, cohort))

    best = _tight_fmin(negative, np.array([start["mu"], np.log(start["sigma"])]))
    law = lognormal_law(float(np.exp(best[0])), float(np.exp(best[1])), name)
    return DurationLaw(name, "lognormal", law.distribution, law.parameters)


# --- durations with censoring (issue 10, design decision 6) ------------------------------------

# HRW, 29 June 2017: of at least 51 North Koreans detained in China since July 2016, at least 38
# were still held (data/counts.csv). It enters the fits through the inflow model of
# ``Cohort`` (arrivals spread over the year), never as people held for a set time.
HRW_PERIOD_DAYS = 363  # 1 July 2016 to 29 June 2017
HRW_STILL_HELD, HRW_DETAINED = 38, 51
# The day HRW published the aggregate (count 2017_hrw_jun_still_held_38 of data/counts.csv): a
# forecast dated before it cannot have used it.
HRW_PUBLISHED = pd.Timestamp("2017-06-29")
HRW_EVIDENCE = "HRW June 2017 aggregate (inflow model)"
TODAYS_RECORD = "today's record"  # how the hindsight rows of held_update_under_laws begin
# How a case with no known outcome enters a duration fit: right-censored at the last day the
# record reports it held (the end of its detention window: no later status report of such a
# case is on record), or left out. Never as held until the forecast date or today: the
# record's silence is not a report that they are still held.
UNKNOWN_TREATMENTS = {
    "last_report": "unknown outcomes censored at their last reported still-held day",
    "drop": "unknown outcomes left out",
}


def hrw_known(day: pd.Timestamp) -> bool:
    """Whether HRW's June 2017 aggregate had been published by ``day`` (a midnight Timestamp,
    as ``factors.to_day`` gives)."""
    return bool(day >= HRW_PUBLISHED)


def hrw_cohort() -> object:
    """HRW's June 2017 count as a ``Cohort``."""

    return Cohort(HRW_DETAINED, HRW_STILL_HELD, float(HRW_PERIOD_DAYS))


def _unknown_held(unknown: pd.DataFrame, day: pd.Timestamp, treatment: str) -> np.ndarray:
    """Days held of unknown-outcome cases under a UNKNOWN_TREATMENTS ``treatment``."""
    if treatment not in UNKNOWN_TREATMENTS:
        raise ValueError(
            f"treatment must be one of {tuple(UNKNOWN_TREATMENTS)} (got {treatment!r})"
        )
    if treatment == "drop" or unknown.empty:
        return np.array([], dtype=float)
    last = unknown["detained_latest"].fillna(unknown["detained_mid"]).clip(upper=day)
    return np.maximum((last - unknown["detained_mid"]).dt.days.to_numpy(dtype=float), 0.0)


def censored_return_durations(
    cases: pd.DataFrame, record_day: factors.DateLike, unknown: str = "last_report"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(returned, still_held, returned_by) day counts for ``censored_durations``,
    from today's record (for a forecast's own date see ``censored_return_durations_as_of``).

    ``returned``: middle-estimate days to return of the class's dated returns. ``still_held``:
    cases of the class with a dated detention and no known outcome, by ``unknown``
    (UNKNOWN_TREATMENTS): censored at the last day the record reports them held, never later
    than ``record_day``, or left out. ``returned_by`` is empty (kept for interval-censored
    evidence).
    """

    delays = time_to_return(cases)
    returned = delays.loc[delays["usable"], "days"].to_numpy(dtype=float)
    open_cases = cases[(cases["outcome"].astype(str) == "unknown") & cases["detained_mid"].notna()]
    held = _unknown_held(open_cases, factors.to_day(record_day), unknown)
    return returned, held, np.array([], dtype=float)


def censored_return_durations_as_of(
    cases: pd.DataFrame, as_of: factors.DateLike, unknown: str = "last_report"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(returned, still_held, returned_by) as the record stood on ``as_of``: what a forecast
    dated that day could have used.

    Only cases of the class detained (middle of the window) before ``as_of`` count. A return
    counts as a return only if its whole outcome window had closed by ``as_of``
    (``outcome_latest <= as_of``); a case whose known outcome came later was still held that
    day and is right-censored at as_of - detained days. A case with no known outcome enters by
    ``unknown`` (UNKNOWN_TREATMENTS). Cases resolved by then other than by a return stay out.
    """

    day = factors.to_day(as_of)
    before = cases[cases["detained_mid"].notna() & (cases["detained_mid"] < day)]
    known = before["outcome"].astype(str) != "unknown"
    resolved = known & (before["outcome_latest"] <= day)
    delays = time_to_return(before[resolved])
    returned = delays.loc[delays["usable"], "days"].to_numpy(dtype=float)
    later = before[known & ~resolved]
    held_later = (day - later["detained_mid"]).dt.days.to_numpy(dtype=float)
    held_unknown = _unknown_held(before[~known], day, unknown)
    return returned, np.concatenate([held_later, held_unknown]), np.array([], dtype=float)


def held_update_under_laws(
    p_return: float,
    cases: pd.DataFrame,
    as_of: factors.DateLike,
    days_held: Sequence[int],
    record_day: factors.DateLike | None = None,
    leave_out: str | None = None,
) -> pd.DataFrame:
    """The "still held on day h" update under censored log-normal fits and the reference laws
    (medians of a week, two months, six months): the timing multiverse.

    ``leave_out`` is the case_id of the group being forecast: its days held are the update's
    condition, so the fits leave it out (in them too it would count its own time twice).

    The fits use the record as it stood on ``as_of`` (``censored_return_durations_as_of``)
    under each UNKNOWN_TREATMENTS reading, and, only if it was published by then, with HRW's
    cohort through its inflow model (``Cohort``). With ``record_day``, the same fits
    from today's record (``censored_return_durations``), their ``evidence`` starting with
    TODAYS_RECORD: hindsight, for comparison only. Columns of ``held_update_table``
    plus ``evidence``, ``unknowns`` (a UNKNOWN_TREATMENTS key, empty for the reference laws) and
    ``known_on`` (the record's date, ISO; empty for the reference laws). Probabilities in [0, 1].
    """

    day = factors.to_day(as_of)
    if leave_out is not None:
        cases = cases[cases["case_id"].astype(str) != leave_out]
    readings = [(f"cases known on {day.date()}", censored_return_durations_as_of, day, False)]
    if hrw_known(day):
        readings.append(
            (
                f"cases known on {day.date()} + {HRW_EVIDENCE}",
                censored_return_durations_as_of,
                day,
                True,
            )
        )
    if record_day is not None:
        today = factors.to_day(record_day)
        for with_hrw in (False, True):
            extra = f" + {HRW_EVIDENCE}" if with_hrw else ""
            readings.append(
                (
                    f"{TODAYS_RECORD} ({today.date()}): cases{extra}",
                    censored_return_durations,
                    today,
                    with_hrw,
                )
            )
    tables = []
    for evidence, durations_on, known_on, with_hrw in readings:
        for unknown in UNKNOWN_TREATMENTS:
            returned, still_held, returned_by = durations_on(cases, known_on, unknown)
            if not (len(returned) or len(returned_by)):
                continue  # no return on record by then: nothing to fit, the fixed laws alone
            data = censored_durations(returned, still_held, returned_by)
            if with_hrw:
                fitted = fit_lognormal_with_cohort(data, hrw_cohort(), "lognormal fit")
            else:
                fitted = fit_law(data, "lognormal")
            table = held_update_table(p_return, days_held, [fitted])
            tables.append(
                table.assign(
                    evidence=evidence, unknowns=unknown, known_on=known_on.date().isoformat()
                )
            )
    references = fixed_laws()  # the fit does not enter them
    tables.append(
        held_update_table(p_return, days_held, references).assign(
            evidence="reference law", unknowns="", known_on=""
        )
    )
    return pd.concat(tables, ignore_index=True)


def update_sentence(updates: pd.DataFrame, p_return: float, days_held: int) -> str:
    """Why the headline does or does not take in "still held on day ``days_held``": the
    update's range over the timing multiverse (``held_update_under_laws`` rows known on the
    forecast date and the reference laws), in one sentence."""
    known = updates[
        ~updates["evidence"].str.startswith(TODAYS_RECORD) & (updates["days_held"] == days_held)
    ]
    low, high = known["p_return_given_held"].min(), known["p_return_given_held"].max()
    return (
        f"Still held on day {days_held} (the forecast date) moves P(eventual return) from "
        f"{p_return:.2f} to between {low:.2f} and {high:.2f} across the {len(known)} timing "
        "laws: the laws, not the record, decide its size, so the headline does not take it in "
        "and shows it beside the number instead."
    )


def timing_laws(
    cases: pd.DataFrame, as_of: factors.DateLike, leave_out: str | None = None
) -> list[object]:
    """The timing multiverse as laws (``DurationLaw``): the log-normal fit to the
    record as it stood on ``as_of`` (unknown outcomes censored at their last report; HRW's
    cohort only once published), then the three reference laws; the reference laws alone when
    no return was known by ``as_of`` (nothing to fit, as in ``held_update_under_laws``)."""

    day = factors.to_day(as_of)
    if leave_out is not None:
        cases = cases[cases["case_id"].astype(str) != leave_out]
    returned, still_held, returned_by = censored_return_durations_as_of(cases, day)
    if not (len(returned) or len(returned_by)):
        return fixed_laws()
    data = censored_durations(returned, still_held, returned_by)
    if hrw_known(day):
        fitted = fit_lognormal_with_cohort(data, hrw_cohort(), "fit")
    else:
        fitted = fit_law(data, "lognormal")
    named = DurationLaw(
        f"log-normal fit to the cases known on {day.date()}",
        fitted.family,
        fitted.distribution,
        fitted.parameters,
    )
    return reference_laws(named)


TIMING_HORIZON_DAYS = 120  # days since detention the timing charts cover


def return_curves(
    p_return: float,
    laws: Sequence[object],
    held_days: Sequence[int] = (),
    horizon: int = TIMING_HORIZON_DAYS,
) -> pd.DataFrame:
    """P(returned by day d), d = 0..horizon, for each law: p_return * F(d); and for each of
    ``held_days`` h the same given still held on day h, p (F(d) - F(h)) / (1 - p F(h)) for
    d >= h. Long table: law, day, condition ("" or "still held on day h"), p_returned_by."""
    days = np.arange(horizon + 1, dtype=float)
    frames = []
    for law in laws:
        cdf = 1.0 - law.survival(np.maximum(days, 1e-9))
        cdf[days == 0] = 0.0
        frames.append(
            pd.DataFrame(
                {
                    "law": law.name,
                    "day": days.astype(int),
                    "condition": "",
                    "p_returned_by": p_return * cdf,
                }
            )
        )
        for held in held_days:
            at_h = float(cdf[min(int(held), horizon)])
            given = p_return * (cdf - at_h) / (1.0 - p_return * at_h)
            keep = days >= held
            frames.append(
                pd.DataFrame(
                    {
                        "law": law.name,
                        "day": days[keep].astype(int),
                        "condition": f"still held on day {held}",
                        "p_returned_by": given[keep],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
