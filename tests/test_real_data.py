"""Facts that two tables both hold must agree, since different notebooks read different tables."""

from __future__ import annotations

from analysis.case import FOCAL_CASE_ID
from analysis.data import load_dataset


def test_the_detention_window_is_the_same_in_events_and_cases() -> None:
    data = load_dataset()
    detention = data.events[
        (data.events["case_id"] == FOCAL_CASE_ID) & (data.events["event_type"] == "detention")
    ]
    [event] = detention.itertuples()
    [case] = data.cases[data.cases["case_id"] == FOCAL_CASE_ID].itertuples()
    assert (case.detained_date, case.detained_date_end, case.detained_precision) == (
        event.date,
        event.date_end,
        event.date_precision,
    )
