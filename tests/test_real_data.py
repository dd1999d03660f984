"""Facts that two tables both hold must agree, since different notebooks read different tables."""

from __future__ import annotations

from analysis.data import load_dataset
from analysis.defaults import DEFAULT_CASE


def test_the_detention_window_is_the_same_in_events_and_cases() -> None:
    data = load_dataset()
    detention = data.events[
        (data.events["scope"] == "case") & (data.events["event_type"] == "detention")
    ]
    [event] = detention.itertuples()
    [case] = data.cases[data.cases["case_id"] == DEFAULT_CASE].itertuples()
    assert (case.detained_date, case.detained_date_end, case.detained_precision) == (
        event.date,
        event.date_end,
        event.date_precision,
    )
