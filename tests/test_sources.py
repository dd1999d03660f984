"""Source-kind mix, weak rows, dyads, pressure kinds and tension episodes, counted by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from analysis.charts import record as record_charts
from analysis.data.dataset import load_dataset
from analysis.record import sources
from tests.conftest import VALID_FIXTURE

EVENTS = pd.DataFrame(
    {
        "event_id": ["E001", "E002", "E003", "E004", "E005"],
        "actor_ids": [("north_korea",), ("unsc", "china"), ("hrw",), ("china",), ("kcna",)],
        "target_ids": [
            (),
            ("north_korea",),
            ("china", "south_korea"),
            ("north_korea",),
            ("china",),
        ],
        "factor": ["tension", "pressure", "pressure", "tension", "tension"],
        "direction": ["up", "up", "up", "up", "up"],
        "intensity": [3, 3, 1, 2, 1],
        "pressure_kind": ["", "general", "detainees", "", ""],
        "episode": ["", "", "", "E001", "E001"],
        "source_kinds": [
            ("newspaper", "blog_or_aggregator"),
            ("state_media",),
            ("blog_or_aggregator", "state_media"),
            ("wire_agency",),
            ("official_document", "newspaper"),
        ],
        "source_publishers": [("A", "B"), ("C",), ("D", "E"), ("F",), ("G", "H")],
    }
)
CASES = pd.DataFrame(
    {
        "case_id": ["2001_a", "2002_b"],
        "source_kinds": [("ngo_report",), ("blog_or_aggregator",)],
        "source_publishers": [("N",), ("O",)],
    }
)
DATASET = SimpleNamespace(events=EVENTS, cases=CASES)


def test_kind_mix_shares_of_citations_and_of_rows() -> None:
    mix = sources.kind_mix(DATASET, ("events", "cases")).set_index(["table", "kind"])
    # events cite 8 URLs: newspaper 2, blog 2, state media 2, wire 1, official 1.
    assert mix.loc[("events", "newspaper"), "citation_share"] == pytest.approx(2 / 8)
    assert mix.loc[("events", "state_media"), "citations"] == 2
    assert mix.loc[("events", "wire_agency"), "citation_share"] == pytest.approx(1 / 8)
    assert mix.loc[("events", "blog_or_aggregator"), "row_share"] == pytest.approx(2 / 5)
    assert mix.loc[("events", "specialist_outlet"), "citations"] == 0
    assert mix.loc[("cases", "ngo_report"), "citation_share"] == pytest.approx(1 / 2)
    events = mix.loc["events"]
    assert events["citation_share"].sum() == pytest.approx(1.0)


def test_weak_rows_rest_only_on_blogs_and_state_media() -> None:
    weak = sources.weak_rows(DATASET, ("events", "cases"))
    assert list(zip(weak["table"], weak["row"], strict=True)) == [
        ("events", "E002"),
        ("events", "E003"),
        ("cases", "2002_b"),
    ]
    share = sources.weak_share(DATASET, ("events", "cases")).set_index("table")
    assert share.loc["events", "weak_rows"] == 2
    assert share.loc["events", "weak_share"] == pytest.approx(2 / 5)
    assert share.loc["cases", "weak_share"] == pytest.approx(1 / 2)
    assert not share["within_goal"].any()


def test_an_unsourced_row_is_not_weak() -> None:
    assert not sources.is_weak(())
    assert sources.is_weak(("state_media",))
    assert not sources.is_weak(("state_media", "wire_agency"))


def test_dyads_pair_the_first_actor_with_each_target() -> None:
    dyads = sources.dyad_counts(EVENTS)
    counted = {(r.source, r.target): r.events for r in dyads.itertuples()}
    assert counted == {
        ("north_korea", "none"): 1,
        ("unsc", "north_korea"): 1,
        ("hrw", "china"): 1,
        ("hrw", "south_korea"): 1,
        ("china", "north_korea"): 1,
        ("kcna", "china"): 1,
    }


def test_pressure_kinds_split_the_pressure_events() -> None:
    table = sources.pressure_kinds(
        EVENTS.assign(pressure_kind=pd.Categorical(EVENTS["pressure_kind"].replace("", None)))
    )
    as_dict = {r.pressure_kind: (r.events, r.intensity) for r in table.itertuples()}
    assert as_dict == {"general": (1, 3), "detainees": (1, 1)}


def test_an_episode_counts_once_at_its_strongest_event() -> None:
    episodes = sources.tension_episodes(EVENTS).set_index("episode")
    # E001 (3) with E004 (2) and E005 (1): one episode of three events at intensity 3.
    assert list(episodes.index) == ["E001"]
    assert episodes.loc["E001", "events"] == 3
    assert episodes.loc["E001", "intensity"] == 3


def test_real_tables_are_graded_through_the_loader() -> None:
    data = load_dataset(VALID_FIXTURE)
    share = sources.weak_share(data).set_index("table")
    assert set(share.index) == set(sources.GRADED_TABLES)
    assert (share["rows"] > 0).all()


def test_kind_mix_chart_stacks_each_table_to_one() -> None:
    mix = sources.kind_mix(DATASET, ("events", "cases"))
    figure = record_charts.plot_kind_mix(mix)
    widths: dict[float, float] = {}
    for bar in figure.axes[0].patches:
        widths[bar.get_y()] = widths.get(bar.get_y(), 0.0) + bar.get_width()
    assert sorted(widths.values()) == pytest.approx([1.0, 1.0])
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == ["cases", "events"]  # first table on top
