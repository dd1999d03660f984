"""Summaries of the record (notebook 01 and the report)."""

from __future__ import annotations

import pandas as pd

from analysis.charts import record as record_charts
from analysis.data.dataset import load_dataset
from analysis.record import summary
from tests.conftest import VALID_FIXTURE


def test_date_labels_show_each_precision() -> None:
    events = load_dataset(VALID_FIXTURE).events.set_index("event_id")
    labels = {event_id: summary.date_label(row) for event_id, row in events.iterrows()}
    assert labels == {
        "E001": "11-20 Mar 2017 (approx.)",
        "E002": "Apr 2017",
        "E003": "6-7 Apr 2017",
        "E004": "24 Apr 2017",
    }


def test_case_events_keep_only_the_case_in_date_order() -> None:
    table = summary.case_events(load_dataset(VALID_FIXTURE).events)
    assert list(table["event_id"]) == ["E001", "E004"]
    assert list(table["in_article"]) == [True, True]


def test_factor_counts_sum_intensities() -> None:
    counts = summary.factor_counts(load_dataset(VALID_FIXTURE).events)
    as_dict = {(r.factor, r.direction): (r.events, r.total_intensity) for r in counts.itertuples()}
    assert as_dict == {
        ("pressure", "up"): (2, 4),
        ("tension", "down"): (1, 2),
        ("neither", "none"): (1, 0),
    }


def test_actors_by_lane_follow_data_order() -> None:
    table = summary.actors_by_lane(load_dataset(VALID_FIXTURE).actors)
    assert list(table["lane"]) == ["Detained group", "Rights groups", "China"]
    assert list(table["actors"]) == [1, 1, 1]


def test_source_coverage_counts_distinct_urls(edit_table) -> None:
    folder = edit_table(
        "events.csv", lambda t: t.replace("https://example.org/3", "https://example.org/2")
    )
    coverage = summary.source_coverage(load_dataset(folder)).set_index("table")
    assert coverage.loc["events.csv", "rows"] == 4
    assert coverage.loc["events.csv", "rows citing a source"] == 4
    # URLs 1, 2 (twice now), 4 and 5
    assert coverage.loc["events.csv", "distinct source URLs"] == 4
    assert coverage.loc["actors.csv", "publishers"] == 2


def test_disagreements_list_only_flagged_rows() -> None:
    table = summary.disagreements(load_dataset(VALID_FIXTURE).events)
    assert list(table["event_id"]) == ["E004"]


def test_quarter_chart_stacks_every_event() -> None:
    events = load_dataset(VALID_FIXTURE).events
    counts = summary.events_per_quarter(events)
    figure = record_charts.events_per_quarter_figure(counts)
    bars = figure.axes[0].patches
    assert sum(bar.get_height() for bar in bars) == len(events)
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()] == [
        str(q) for q in sorted(set(pd.PeriodIndex(events["date_mid"], freq="Q")))
    ]
