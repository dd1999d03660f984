"""The article's two factors as levels in [0, 1], computed from ``data/events.csv`` as of a date.

The rule, in plain words. Each event that bears on a factor pushes it up (direction ``up``) or
down (``down``) by its intensity (1 minor, 2 notable, 3 major). The push fades with time: it
halves every ``HALF_LIFE_DAYS`` days (60), and events older than ``WINDOW_DAYS`` (365) no longer
count. An event counts only from the last day it may have happened (``date_latest``): a
"mid-March" event dated 11-20 March enters on 20 March, so nothing known only later leaks into
an earlier as-of date. The pushes are summed into a score S (intensity units, may be negative),
and the score is squashed into a level:

    level = 1 - 2 ** (-max(S, 0) / HALF_SCALE)        with HALF_SCALE = 6

so 0 means no recent push, 0.5 means a score of 6 (two major events today, or a major event and
three notable ones over the past few weeks), 0.75 a score of 12, and 1 is approached but never
reached. The scale is fixed in intensity units, not normalised by the largest score in the
record, because that would let later events change an earlier level. Over 2016-2018 the levels
peak at about 0.7 (pressure, August 2017) and 0.8 (tension, September 2017).

The same 0-1 scale is used for the historical cases' coded levels (``pressure_level / 2``,
``tension_level / 2``: 0 low, 0.5 medium, 1 high).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

HALF_LIFE_DAYS = 60.0  # an event's push halves every two months
WINDOW_DAYS = 365  # and stops counting after a year (by then it is below 2% of its start)
HALF_SCALE = 6.0  # decayed intensity at which a level reaches 0.5
FACTOR_NAMES = ("pressure", "tension")
DIRECTION_SIGN = {"up": 1.0, "down": -1.0, "none": 0.0}
EVENT_BLOCK = 2048  # events per block of the age matrix (3 years of days: about 18 MB a block)

DateLike = str | date | pd.Timestamp | np.datetime64


@dataclass(frozen=True)
class FactorLevels:
    """Both factor levels as of a day: each in [0, 1] (0 no recent push, 1 the saturation limit)."""

    pressure: float
    tension: float
    as_of: pd.Timestamp


def to_day(value: DateLike) -> pd.Timestamp:
    """A date-like value as a midnight Timestamp; raises ValueError for a malformed date."""
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"not a valid date (got {value!r}, expected YYYY-MM-DD)") from error
    if pd.isna(day):
        raise ValueError(f"not a valid date (got {value!r}, expected YYYY-MM-DD)")
    return day.normalize()


def squash(score: np.ndarray | float, half_scale: float = HALF_SCALE) -> np.ndarray:
    """Map a decayed intensity score (any real) to a level in [0, 1): ``1 - 2**(-max(S,0)/h)``."""
    return 1.0 - np.exp2(-np.maximum(np.asarray(score, dtype=float), 0.0) / half_scale)


def factor_scores(
    events: pd.DataFrame,
    days: pd.DatetimeIndex | list[DateLike],
    *,
    half_life_days: float = HALF_LIFE_DAYS,
    window_days: float = WINDOW_DAYS,
) -> pd.DataFrame:
    """Decayed, signed intensity sums (intensity units) per day, one column per factor.

    An event contributes ``sign * intensity * 0.5 ** (age / half_life_days)`` where age is the
    number of days from its ``date_latest`` to the day, for 0 <= age <= window_days; else 0.
    """
    index = pd.DatetimeIndex([to_day(d) for d in days])
    day_values = index.values.astype("datetime64[D]")
    columns = {}
    for factor in FACTOR_NAMES:
        rows = events[events["factor"].astype(str) == factor]
        push = rows["direction"].astype(str).map(DIRECTION_SIGN).to_numpy(dtype=float)
        push = push * rows["intensity"].to_numpy(dtype=float)
        latest = rows["date_latest"].to_numpy().astype("datetime64[D]")
        total = np.zeros(len(day_values))
        # A days x events matrix of ages, a block of events at a time: memory stays at a few
        # tens of MB however long the table (one matrix for 100,000 events would be gigabytes).
        for first in range(0, len(latest), EVENT_BLOCK):
            block = slice(first, first + EVENT_BLOCK)
            age = (day_values[:, None] - latest[None, block]).astype(float)
            inside = (age >= 0) & (age <= window_days)
            decay = np.where(inside, np.exp2(-age / half_life_days), 0.0)
            total += decay @ push[block]
        columns[factor] = total
    return pd.DataFrame(columns, index=index.rename("date"))


def factor_series(
    events: pd.DataFrame,
    start: DateLike = "2016-01-01",
    end: DateLike = "2018-12-31",
    *,
    half_life_days: float = HALF_LIFE_DAYS,
    window_days: float = WINDOW_DAYS,
    half_scale: float = HALF_SCALE,
) -> pd.DataFrame:
    """Daily factor levels in [0, 1] from ``start`` to ``end`` (inclusive), indexed by date."""
    days = pd.date_range(to_day(start), to_day(end), freq="D")
    scores = factor_scores(events, days, half_life_days=half_life_days, window_days=window_days)
    return pd.DataFrame(
        squash(scores.to_numpy(), half_scale), index=scores.index, columns=scores.columns
    )


def factor_levels(
    events: pd.DataFrame,
    as_of: DateLike,
    *,
    half_life_days: float = HALF_LIFE_DAYS,
    window_days: float = WINDOW_DAYS,
    half_scale: float = HALF_SCALE,
) -> FactorLevels:
    """Pressure and tension in [0, 1] as of a day, from events surely over by then only."""
    day = to_day(as_of)
    levels = factor_series(
        events,
        day,
        day,
        half_life_days=half_life_days,
        window_days=window_days,
        half_scale=half_scale,
    ).iloc[0]
    return FactorLevels(float(levels["pressure"]), float(levels["tension"]), day)


def first_event_day(events: pd.DataFrame) -> pd.Timestamp | None:
    """The first day of the record: the earliest ``date`` in the events (None when empty).

    Before it the record says nothing, so levels as of an earlier day would be 0 for want of
    data, not for want of events.
    """
    if events.empty:
        return None
    return to_day(events["date"].min())
