"""Timing: when a return would come, if it comes.

Answers two questions from the model's P(return) and the delays of the returned cases in its
reference class (``delays.return_delays``). How likely is a return by each day since detention
(``return_timing``: the delays' empirical distribution and a fitted log-normal, scaled by
P(return))? And how does news that the group is still held on a day change the chance of an
eventual return (``eventual_return_given_held``, ``held_updates``: Bayes' rule)? Days since
detention; probabilities in [0, 1]; numbers only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis import factors
from analysis.model import QUANTILES

TIMING_HORIZON_DAYS = 120


def lognormal_fit(days: np.ndarray) -> tuple[float, float]:
    """Mean and sd of log(days) (days floored at 0.5 so a same-day return has a log)."""
    logs = np.log(np.maximum(np.asarray(days, dtype=float), 0.5))
    if len(logs) < 2:
        raise ValueError(f"a curve needs at least two dated returns (got {len(logs)})")
    return float(logs.mean()), float(logs.std(ddof=1))


def lognormal_cdf(days: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    """P(a return comes by day d | it comes at all), for a log-normal in days; in [0, 1]."""
    d = np.asarray(days, dtype=float)
    z = (np.log(np.maximum(d, 1e-9)) - mu) / (sigma * math.sqrt(2.0))
    values = 0.5 * (1.0 + np.vectorize(math.erf)(z))
    return np.where(d > 0, values, 0.0)


def empirical_cdf(days: np.ndarray, delays: np.ndarray) -> np.ndarray:
    """Share of the observed delays that are <= each day; in [0, 1]."""
    ordered = np.sort(np.asarray(delays, dtype=float))
    return np.searchsorted(ordered, np.asarray(days, dtype=float), side="right") / len(ordered)


def return_timing(
    p_return: float,
    delays: np.ndarray,
    horizon: int = TIMING_HORIZON_DAYS,
    held_until: int | None = None,
    p_return_draws: np.ndarray | None = None,
) -> pd.DataFrame:
    """P(returned by day d since detention), d = 0..horizon, under the model; in [0, 1].

    Assumption: the group is eventually returned with probability ``p_return`` (the model's),
    and the day of a return follows the delays of the returned cases: their empirical
    distribution (column ``empirical``) and a log-normal fitted to them (``lognormal``), so
    P(returned by d) = p_return * F(d). With ``held_until`` (a day on which the group is known
    to be still held) the ``*_given_held`` columns condition on it:
    P(returned by d | not by h) = p (F(d) - F(h)) / (1 - p F(h)) for d >= h. With
    ``p_return_draws`` (Monte Carlo), ``lognormal_low``/``lognormal_high`` give the 80% band.
    """
    days = np.arange(horizon + 1, dtype=float)
    delays = np.asarray(delays, dtype=float)
    # Too few dated returns for a curve: the columns stay empty (NaN) rather than invented.
    missing = np.full(len(days), np.nan)
    curves = {
        "empirical": empirical_cdf(days, delays) if len(delays) else missing,
        "lognormal": lognormal_cdf(days, *lognormal_fit(delays)) if len(delays) > 1 else missing,
    }
    frame = pd.DataFrame({"day": days.astype(int)})
    for name, cdf in curves.items():
        frame[name] = p_return * cdf
    if p_return_draws is not None:
        draws = np.asarray(p_return_draws, dtype=float)
        band = np.quantile(draws[:, None] * curves["lognormal"][None, :], QUANTILES[::2], axis=0)
        frame["lognormal_low"], frame["lognormal_high"] = band[0], band[1]
    if held_until is not None:
        for name, cdf in curves.items():
            at_h = float(cdf[min(held_until, horizon)])
            conditional = p_return * (cdf - at_h) / (1.0 - p_return * at_h)
            frame[f"{name}_given_held"] = np.where(days >= held_until, conditional, np.nan)
    return frame


def eventual_return_given_held(p_return: float, delays: np.ndarray, held_days: int) -> float:
    """P(eventually returned | still held after ``held_days``), by Bayes with the log-normal.

    A group that will be returned has probability F(h) of being back by day h; one that will
    be released is still held either way. So p' = p (1 - F(h)) / (1 - p F(h)), in [0, 1].
    """
    if len(delays) < 2:
        return math.nan
    mu, sigma = lognormal_fit(delays)
    at_h = float(lognormal_cdf(np.array([held_days]), mu, sigma)[0])
    still_held = 1.0 - p_return * at_h  # P(not returned by day h)
    return p_return * (1.0 - at_h) / still_held if still_held > 0 else math.nan


def held_updates(
    p_return: float, delays: np.ndarray, detained: pd.Timestamp, days: Sequence[factors.DateLike]
) -> pd.DataFrame:
    """P(eventually returned) once the group is known to be still held on each of ``days``.

    Columns: still_held_on, days_held (since ``detained``), p_return (the model's, before the
    news), p_return_given_held (after it; see eventual_return_given_held), both in [0, 1].
    """
    rows = []
    for day in days:
        when = factors.to_day(day)
        held = int((when - detained).days)
        rows.append(
            {
                "still_held_on": when.date().isoformat(),
                "days_held": held,
                "p_return": p_return,
                "p_return_given_held": eventual_return_given_held(p_return, delays, held),
            }
        )
    return pd.DataFrame(rows)


# --- durations with censoring (issue 10, design decision 6) ------------------------------------

# HRW, 29 June 2017: of at least 51 North Koreans detained in China since July 2016, at least 38
# were still held (data/counts.csv). It enters the fits through the inflow model of
# ``survival.Cohort`` (arrivals spread over the year), never as people held for a set time.
HRW_PERIOD_DAYS = 363  # 1 July 2016 to 29 June 2017
HRW_STILL_HELD, HRW_DETAINED = 38, 51
HRW_COHORT_NAME = "HRW June 2017 cohort (inflow model)"


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


def hrw_known(day: factors.DateLike) -> bool:
    """Whether HRW's June 2017 aggregate had been published by ``day``."""
    return bool(factors.to_day(day) >= HRW_PUBLISHED)


def hrw_cohort() -> object:
    """HRW's June 2017 count as a ``survival.Cohort``."""
    from analysis.survival import Cohort

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
    """(returned, still_held, returned_by) day counts for ``survival.censored_durations``,
    from today's record (for a forecast's own date see ``censored_return_durations_as_of``).

    ``returned``: middle-estimate days to return of the class's dated returns. ``still_held``:
    cases of the class with a dated detention and no known outcome, by ``unknown``
    (UNKNOWN_TREATMENTS): censored at the last day the record reports them held, never later
    than ``record_day``, or left out. ``returned_by`` is empty (kept for interval-censored
    evidence).
    """
    from analysis.delays import time_to_return

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
    from analysis.delays import time_to_return

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
    cohort through its inflow model (``survival.Cohort``). With ``record_day``, the same fits
    from today's record (``censored_return_durations``), their ``evidence`` starting with
    TODAYS_RECORD: hindsight, for comparison only. Columns of ``survival.held_update_table``
    plus ``evidence``, ``unknowns`` (a UNKNOWN_TREATMENTS key, empty for the reference laws) and
    ``known_on`` (the record's date, ISO; empty for the reference laws). Probabilities in [0, 1].
    """
    from analysis import survival

    day = factors.to_day(as_of)
    if leave_out is not None:
        cases = cases[cases["case_id"].astype(str) != leave_out]
    readings = [(f"cases known on {day.date()}", censored_return_durations_as_of, day, False)]
    if hrw_known(day):
        readings.append((f"cases known on {day.date()} + {HRW_EVIDENCE}",
                         censored_return_durations_as_of, day, True))  # fmt: skip
    if record_day is not None:
        today = factors.to_day(record_day)
        for with_hrw in (False, True):
            extra = f" + {HRW_EVIDENCE}" if with_hrw else ""
            readings.append((f"{TODAYS_RECORD} ({today.date()}): cases{extra}",
                             censored_return_durations, today, with_hrw))  # fmt: skip
    tables = []
    for evidence, durations_on, known_on, with_hrw in readings:
        for unknown in UNKNOWN_TREATMENTS:
            data = survival.censored_durations(*durations_on(cases, known_on, unknown))
            if with_hrw:
                fitted = survival.fit_lognormal_with_cohort(data, hrw_cohort(), "lognormal fit")
            else:
                fitted = survival.fit_law(data, "lognormal")
            table = survival.held_update_table(p_return, days_held, [fitted])
            tables.append(table.assign(evidence=evidence, unknowns=unknown,
                                       known_on=known_on.date().isoformat()))  # fmt: skip
    references = survival.reference_laws(fitted)[1:]  # fixed laws: the fit does not enter them
    tables.append(
        survival.held_update_table(p_return, days_held, references).assign(
            evidence="reference law", unknowns="", known_on=""
        )
    )
    return pd.concat(tables, ignore_index=True)


def update_sentence(updates: pd.DataFrame, p_return: float, days_held: int) -> str:
    """Why the headline does or does not take in "still held on day ``days_held``": the
    update's range over the timing multiverse (``held_update_under_laws`` rows known on the
    forecast date and the reference laws), in one sentence."""
    known = updates[~updates["evidence"].str.startswith(TODAYS_RECORD)
                    & (updates["days_held"] == days_held)]  # fmt: skip
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
    """The timing multiverse as laws (``survival.DurationLaw``): the log-normal fit to the
    record as it stood on ``as_of`` (unknown outcomes censored at their last report; HRW's
    cohort only once published), then the three reference laws."""
    from analysis import survival

    if leave_out is not None:
        cases = cases[cases["case_id"].astype(str) != leave_out]
    data = survival.censored_durations(*censored_return_durations_as_of(cases, as_of))
    if hrw_known(as_of):
        fitted = survival.fit_lognormal_with_cohort(data, hrw_cohort(), "fit")
    else:
        fitted = survival.fit_law(data, "lognormal")
    day = factors.to_day(as_of).date()
    named = survival.DurationLaw(f"log-normal fit to the cases known on {day}", fitted.family,
                                 fitted.distribution, fitted.parameters)  # fmt: skip
    return survival.reference_laws(named)


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
        frames.append(pd.DataFrame({"law": law.name, "day": days.astype(int), "condition": "",
                                    "p_returned_by": p_return * cdf}))  # fmt: skip
        for held in held_days:
            at_h = float(cdf[min(int(held), horizon)])
            given = p_return * (cdf - at_h) / (1.0 - p_return * at_h)
            keep = days >= held
            frames.append(pd.DataFrame({"law": law.name, "day": days[keep].astype(int),
                                        "condition": f"still held on day {held}",
                                        "p_returned_by": given[keep]}))  # fmt: skip
    return pd.concat(frames, ignore_index=True)
