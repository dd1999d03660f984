"""Delays: days from detention to a return (or a release), from the cases' dated windows.

``time_to_return`` is the one table every delay comes from; ``return_delays`` gives the model's
timing its array; ``delay_summary`` sets the dated returns against the claims' windows and the
days a case had been held; ``outcomes_after`` lists the cases still held after that long.
Days since detention (middle estimates unless said otherwise); numbers only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.outcomes import RELEASE, RETURN

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


def return_delays(cases: pd.DataFrame) -> np.ndarray:
    """Days from detention to return of the returned cases with usable dates (middle estimates).

    The model's timing passes its reference class (``model_cases``), as ``case_forecast`` does.
    """
    delays = time_to_return(cases)
    usable = delays[delays["usable"]]
    return np.sort(usable["days"].astype(float).to_numpy())


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


def outcomes_after(cases: pd.DataFrame, days: int) -> pd.DataFrame:
    """Cases whose return or release came more than ``days`` after detention (middle estimates).

    The cases that, like the case at its forecast date, were still held after that
    long, and what then happened to them. Only cases with usable dates on both ends.
    """
    delays = time_to_return(cases, outcomes=(RETURN, RELEASE))
    later = delays[delays["usable"] & (delays["days"] > days)]
    return later[["case_id", "title", "outcome", "days", "days_min", "days_max"]].reset_index(
        drop=True
    )
