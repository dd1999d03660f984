"""The timeline's numbers: which events each chart shows, where, and which it labels.

Two charts (drawn by ``analysis.charts.timeline``), one encoding:

* the case chart: time left to right, one lane per actor group (lanes and their order come
  from actors.csv; an event sits in the lane of its FIRST actor). The detention period is
  shaded, the question's two expected-return windows are bands measured from day 0, and a few
  key events are labelled;
* the context chart: the wider relationship, one panel per factor of the seed article; an
  event's height is its intensity (0-3), above the line when it raises the factor and below
  when it lowers it.

Choices a reader can check against the data:

* Day 0, the last status report and the windows are the question's ``CaseFacts``
  (``analysis.record.case``); the detention period runs from day 0 to the last status report.
* Key events labelled on the case chart: the case's events that the seed article mentions
  (``in_article``), plus the last status report, at most ``MAX_LABELS``, earliest first.
* Key events labelled on the context chart: major events (intensity 3), nearest day 0 first,
  each at least an eighth of the shown period from those already chosen.
* The case chart's other events are numbered 1, 2, ... in date order (``numbered``) and keyed
  in a table under the chart (``marker_key``), so every marker can be told apart.
* An event is drawn when its ``date_mid`` falls inside the chart's window; a chart draws at most
  ``MAX_MARKERS`` events (the labelled ones, then the most intense, earliest first), so a long
  table never floods it; the caption then says how many were left out.

Numbers only: ``case_chart`` and ``context_chart`` give the charts everything they draw.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd

from analysis.data.dataset import lane_order
from analysis.record.case import CaseFacts
from analysis.record.summary import date_label

MAX_LABELS = 6
MAX_MARKERS = 300  # events one chart draws at most, however long the table
SOURCE_FILE = "data/events.csv"


def event_lanes(events: pd.DataFrame, actors: pd.DataFrame) -> pd.Series:
    """Each event's lane: the lane of its first actor in ``actor_ids`` (same index as events)."""
    lane_of_actor = actors.set_index("actor_id")["lane"]
    return events["actor_ids"].map(lambda ids: lane_of_actor[ids[0]]).rename("lane")


def case_window(facts: CaseFacts) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Default span of the case chart: whole months from day 0 to the latest of the last
    status report, the outcome on record and the end of the longest expected-return window."""
    ends = [facts.last_status, facts.windows["end"].max()]
    last = max(ends if facts.outcome_day is None else [*ends, facts.outcome_day])
    return facts.detained.to_period("M").start_time, last.to_period("M").end_time.normalize()


def context_window(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Default span of the context chart: every event, padded to whole months with a margin."""
    start = (events["date"].min() - pd.Timedelta(days=20)).to_period("M").start_time
    end = (events["date_latest"].max() + pd.Timedelta(days=20)).to_period("M").end_time
    return start, end.normalize()


def in_window(events: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Events whose ``date_mid`` falls in [start, end] (both days included)."""
    return events[(events["date_mid"] >= start) & (events["date_mid"] <= end)]


def case_key_events(facts: CaseFacts) -> pd.DataFrame:
    """The events labelled on the case chart: the case's events the article mentions, plus the
    last status report; at most MAX_LABELS, earliest first (the last status report is kept)."""
    case = facts.events[facts.events["in_article"]].sort_values(["date_mid", "event_id"])
    last = facts.last_status_event
    if last is None:
        return case.head(MAX_LABELS).reset_index(drop=True)
    chosen = case[case["event_id"] != last["event_id"]].head(MAX_LABELS - 1)
    keys = pd.concat([chosen, last.to_frame().T]).sort_values(["date_mid", "event_id"])
    return keys.reset_index(drop=True)


def context_key_events(
    events: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    detained: pd.Timestamp,
    limit: int = MAX_LABELS - 1,
) -> pd.DataFrame:
    """Major events (intensity 3) to label on the context chart: nearest day 0 (``detained``)
    first, each at least an eighth of the window (in days) from those already chosen."""
    shown = in_window(events, start, end)
    major = shown[shown["intensity"] == 3].copy()
    major["distance"] = (major["date_mid"] - detained).abs()
    spacing = (end - start) / 8
    chosen: list[pd.Timestamp] = []
    keep = []
    for index, row in major.sort_values(["distance", "date_mid", "event_id"]).iterrows():
        if len(keep) == limit:
            break
        if all(abs(row["date_mid"] - day) >= spacing for day in chosen):
            chosen.append(row["date_mid"])
            keep.append(index)
    keys = major.loc[keep].drop(columns="distance").sort_values(["date_mid", "event_id"])
    return keys.reset_index(drop=True)


def bounded(shown: pd.DataFrame, keys: pd.DataFrame, limit: int = MAX_MARKERS) -> pd.DataFrame:
    """At most ``limit`` of ``shown``: the key events first, then the most intense (ties: the
    earliest); returned in date order."""
    if len(shown) <= limit:
        return shown
    rank = shown.assign(
        _key=~shown["event_id"].isin(keys["event_id"]), _strength=-shown["intensity"]
    ).sort_values(["_key", "_strength", "date_mid", "event_id"], kind="stable")
    kept = rank.head(limit).drop(columns=["_key", "_strength"])
    return kept.sort_values(["date_mid", "event_id"], kind="stable")


def numbered(shown: pd.DataFrame, keys: pd.DataFrame) -> pd.Series:
    """A number for each event of ``shown`` that carries no label: 1, 2, ... in the order of
    ``shown`` (date order); labelled events get 0. Same index as ``shown``."""
    unlabelled = ~shown["event_id"].isin(keys["event_id"])
    numbers = unlabelled.cumsum().where(unlabelled, 0)
    return numbers.astype(int).rename("number")


def source_publishers(events: pd.DataFrame) -> list[str]:
    """Distinct publishers cited by the given events, sorted."""
    return sorted({name for names in events["source_publishers"] for name in names})


def caption(events_shown: pd.DataFrame, as_of: pd.Timestamp, left_out: int = 0) -> str:
    """The caption line: publishers counted over the events shown, and the data's as-of date;
    ``left_out`` events of the span not drawn (``bounded``) are counted when there are any."""
    publishers = len(source_publishers(events_shown))
    more = f"; {left_out} less intense events of the span not drawn" if left_out else ""
    return (
        f"Sources: {publishers} publishers cited for the {len(events_shown)} events shown "
        f"({SOURCE_FILE}{more}). Data as of {as_of.day} {as_of:%B %Y} (latest event date in "
        "the data)."
    )


def label_text(row: pd.Series, width: int = 30, date_on_own_line: bool = True) -> str:
    """A key event's label: its date as the record states it, then its title, wrapped."""
    if date_on_own_line:
        lines = textwrap.wrap(str(row["title"]), width, break_on_hyphens=False)
        return f"{date_label(row)}\n" + "\n".join(lines)
    return textwrap.fill(f"{date_label(row)}: {row['title']}", width, break_on_hyphens=False)


def month_span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A span of months in words: March-May 2017, or December 2016-January 2017."""
    if start.year == end.year:
        return f"{start:%B}-{end:%B %Y}"
    return f"{start:%B %Y}-{end:%B %Y}"


@dataclass(frozen=True)
class CaseChart:
    """What the case chart draws: the events shown (sorted), each one's lane, the lanes in
    order (top first), the labelled events, the question's facts, the span shown, each
    unlabelled event's number (0 for labelled ones; see ``numbered``) and how many events of
    the span were left out (``bounded``)."""

    shown: pd.DataFrame
    lanes_of_events: pd.Series
    lanes: list[str]
    keys: pd.DataFrame
    facts: CaseFacts
    start: pd.Timestamp
    end: pd.Timestamp
    numbers: pd.Series
    left_out: int = 0


def _span(
    default: tuple[pd.Timestamp, pd.Timestamp],
    start: pd.Timestamp | str | None,
    end: pd.Timestamp | str | None,
) -> tuple[pd.Timestamp, pd.Timestamp]:
    return (
        pd.Timestamp(start) if start is not None else default[0],
        pd.Timestamp(end) if end is not None else default[1],
    )


def case_chart(
    events: pd.DataFrame,
    actors: pd.DataFrame,
    facts: CaseFacts,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> CaseChart:
    """The case chart's data between ``start`` and ``end`` (default: ``case_window``)."""
    start, end = _span(case_window(facts), start, end)
    span = in_window(events, start, end).sort_values(["date_mid", "event_id"])
    keys = case_key_events(facts)
    keys = keys[keys["event_id"].isin(span["event_id"])]
    shown = bounded(span, keys)
    lanes_of_events = event_lanes(shown, actors)
    lanes = [lane for lane in lane_order(actors) if lane in set(lanes_of_events)]
    numbers = numbered(shown, keys)
    left_out = len(span) - len(shown)
    return CaseChart(shown, lanes_of_events, lanes, keys, facts, start, end, numbers, left_out)


@dataclass(frozen=True)
class ContextChart:
    """What the context chart draws: the events shown (sorted), their signed intensity
    (negative when the event lowers its factor), the labelled events, the facts, the span."""

    shown: pd.DataFrame
    signed: pd.Series
    keys: pd.DataFrame
    facts: CaseFacts
    start: pd.Timestamp
    end: pd.Timestamp
    left_out: int = 0
    outside: int = 0  # events of the record before or after the span


def context_chart(
    events: pd.DataFrame,
    facts: CaseFacts,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> ContextChart:
    """The context chart's data between ``start`` and ``end`` (default: ``case_period``, so the
    chart shows the case's own years, not the worked cases' stories years before)."""
    start, end = _span(case_period(events, facts), start, end)
    span = in_window(events, start, end).sort_values(["date_mid", "event_id"])
    keys = context_key_events(events, start, end, facts.detained)
    shown = bounded(span, keys)
    signed = shown["intensity"] * shown["direction"].astype(str).map(
        {"up": 1, "down": -1, "none": 0}
    )
    outside = len(events) - len(span)
    return ContextChart(shown, signed, keys, facts, start, end, len(span) - len(shown), outside)


def factor_period(facts: CaseFacts) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The factor chart's span: the calendar year before the detention to the one after."""
    year = facts.detained.year
    return pd.Timestamp(f"{year - 1}-01-01"), pd.Timestamp(f"{year + 1}-12-31")


def case_period(events: pd.DataFrame, facts: CaseFacts) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The case's period: the factor chart's span (``factor_period``) within the record's own
    span (``context_window``)."""
    first, last = context_window(events)
    years = factor_period(facts)
    start, end = max(first, years[0]), min(last, years[1])
    return (start, end) if start < end else (first, last)


def marker_key(chart: CaseChart) -> pd.DataFrame:
    """The key to the case chart's numbered markers: number, date (as the record states it),
    lane and title, one row per numbered event, in number order."""
    shown = chart.shown[chart.numbers > 0]
    return pd.DataFrame(
        {
            "number": chart.numbers[chart.numbers > 0].to_numpy(),
            "date": [date_label(row) for _, row in shown.iterrows()],
            "lane": chart.lanes_of_events[chart.numbers > 0].to_numpy(),
            "event": shown["title"].astype(str).to_numpy(),
        }
    )
