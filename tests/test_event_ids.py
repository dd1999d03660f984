"""Event ids past E999: accepted, and ordered by their number rather than as text."""

from __future__ import annotations

import pytest

from analysis.data.dataset import load_dataset, validate_data
from analysis.record.summary import case_events


def renumber(text: str, mapping: dict[str, str]) -> str:
    for old, new in mapping.items():
        text = text.replace(f"\n{old},", f"\n{new},")
    return text


def test_ids_past_e999_are_valid_and_sort_by_number(edit_table) -> None:
    # Text order would put E1000 and E10000 before E999 (and E1000 before E200).
    mapping = {"E001": "E999", "E002": "E1000", "E003": "E200", "E004": "E10000"}
    folder = edit_table("events.csv", lambda text: renumber(text, mapping))
    assert validate_data(folder) == []
    events = load_dataset(folder).events
    ordered = events.sort_values("event_id")["event_id"].astype(str).tolist()
    numbers = sorted(int(i[1:]) for i in ordered)  # the oracle: plain integers
    assert ordered == [f"E{n:03d}" for n in numbers]
    assert ordered.index("E1000") > ordered.index("E999") > ordered.index("E200")


def test_same_day_case_events_break_ties_by_id_number(edit_table) -> None:
    # E004 (a case event on one day) becomes E999, and a copy of it E1000: same date, same
    # window, so only the id can order them, and text order would put E1000 first.
    def change(text: str) -> str:
        row = next(line for line in text.splitlines() if line.startswith("E004,"))
        text = text.replace(row, row.replace("E004,", "E999,", 1))
        return text.rstrip("\n") + "\n" + row.replace("E004,", "E1000,", 1) + "\n"

    events = load_dataset(edit_table("events.csv", change)).events
    ids = [str(i) for i in case_events(events)["event_id"]]
    assert ids[-2:] == ["E999", "E1000"]


@pytest.mark.parametrize("bad", ["E99", "E0999", "E01000", "e1000", "E1000a"])
def test_malformed_long_ids_are_still_refused(bad: str, edit_table) -> None:
    folder = edit_table("events.csv", lambda text: renumber(text, {"E003": bad}))
    [problem] = [str(p) for p in validate_data(folder)]
    assert problem.startswith(f"events.csv:4: event_id: malformed id (got '{bad}'")
