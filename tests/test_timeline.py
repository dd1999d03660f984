"""The timeline charts, checked at the data level: what each Figure draws, and where.

Expected values are worked out here from the CSV text with the csv module and plain date
arithmetic, never from the module under test.
"""

from __future__ import annotations

import calendar
import csv
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import paths
from analysis.charts import style
from analysis.charts import timeline as charts
from analysis.data.dataset import load_dataset
from analysis.data.tables import Dataset
from analysis.pages import report
from analysis.record import timeline
from analysis.record.case import case_facts
from tests.conftest import VALID_FIXTURE  # noqa: E402

HOLLOW = ("month", "year", "approximate")


def facts_of(data: Dataset):
    """The facts of the tables' first question (the fixture's one, or the Shenyang eight)."""
    return case_facts(data, str(data.questions["question_id"].iloc[0]))


def case_figure(data: Dataset, **span: str):
    return charts.case_timeline(
        timeline.case_chart(data.events, data.actors, facts_of(data), **span)
    )


def context_figure(data: Dataset):
    return charts.context_timeline(timeline.context_chart(data.events, facts_of(data)))


pytestmark = pytest.mark.usefixtures("closing_figures")


# --- expectations from the CSV text ---------------------------------------------------------


def rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_day(row: dict[str, str]) -> date:
    start = date.fromisoformat(row["date"])
    precision = row["date_precision"]
    if precision == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "year":
        return start.replace(month=12, day=31)
    if precision in ("approximate", "range"):
        return date.fromisoformat(row["date_end"])
    return start


def middle_day(row: dict[str, str]) -> date:
    start = date.fromisoformat(row["date"])
    return start + timedelta(days=(latest_day(row) - start).days // 2)


def lane_of(row: dict[str, str], actors: list[dict[str, str]]) -> str:
    first = row["actor_ids"].split(";")[0].strip()
    return next(actor["lane"] for actor in actors if actor["actor_id"] == first)


def detention_day(events: list[dict[str, str]]) -> date:
    return min(
        middle_day(e) for e in events if e["scope"] == "case" and e["event_type"] == "detention"
    )


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def as_day(number: float) -> date:
    return mdates.num2date(number).date()


# --- what the figure draws ----------------------------------------------------------------


def lanes_top_down(figure) -> list[str]:
    main = main_axes(figure)
    ticks = sorted(zip(main.get_yticks(), main.get_yticklabels(), strict=True), key=lambda t: -t[0])
    return [label.get_text() for _, label in ticks]


def main_axes(figure):
    """The lanes axes: the one with lane names on its y axis."""
    return next(ax for ax in figure.axes if any(t.get_text() for t in ax.get_yticklabels()))


def markers(ax) -> dict[str, list[tuple[date, float]]]:
    """Marker points per gid ``marker:<precision>:<factor>``."""
    found: dict[str, list[tuple[date, float]]] = {}
    for line in ax.lines:
        gid = line.get_gid() or ""
        if gid.startswith("marker:"):
            found[gid] = [(as_day(x), y) for x, y in line.get_xydata()]
    return found


def count_by_precision(ax) -> Counter:
    counts: Counter = Counter()
    for gid, points in markers(ax).items():
        counts[gid.split(":")[1]] += len(points)
    return counts


def collection(ax, gid: str):
    return next((c for c in ax.collections if c.get_gid() == gid), None)


def patch_by_gid(figure, gid: str):
    return next(p for ax in figure.axes for p in ax.patches if p.get_gid() == gid)


def span_days(patch) -> tuple[date, date]:
    """First and last day covered by a shaded span (a Rectangle in data coordinates)."""
    return as_day(patch.get_x()), as_day(patch.get_x() + patch.get_width())


def legend_labels(figure) -> list[str]:
    return [text.get_text() for text in figure.legends[0].get_texts()]


def caption_text(figure) -> str:
    return next(t.get_text() for t in figure.texts if t.get_text().startswith("Sources:"))


# --- the case chart on the fixture ----------------------------------------------------------


def test_lanes_are_first_actor_lanes_in_the_order_of_actors_csv() -> None:
    events, actors = rows(VALID_FIXTURE, "events"), rows(VALID_FIXTURE, "actors")
    used = {lane_of(e, actors) for e in events}
    expected = [lane for lane in dict.fromkeys(a["lane"] for a in actors) if lane in used]
    assert expected == ["Rights groups", "China"]  # the detained group has no event here
    data = load_dataset(VALID_FIXTURE)
    assert lanes_top_down(case_figure(data)) == expected


def test_each_event_sits_in_its_first_actors_lane_on_its_middle_day() -> None:
    events, actors = rows(VALID_FIXTURE, "events"), rows(VALID_FIXTURE, "actors")
    data = load_dataset(VALID_FIXTURE)
    figure = case_figure(data)
    main = main_axes(figure)
    lane_at = {
        round(y): label.get_text()
        for y, label in zip(main.get_yticks(), main.get_yticklabels(), strict=True)
    }
    drawn = sorted(
        (day, lane_at[round(y)]) for points in markers(main).values() for day, y in points
    )
    assert drawn == sorted((middle_day(e), lane_of(e, actors)) for e in events)


def test_marker_fill_whiskers_and_bars_follow_the_date_precision() -> None:
    events = rows(VALID_FIXTURE, "events")
    data = load_dataset(VALID_FIXTURE)
    main = main_axes(case_figure(data))
    expected = Counter(e["date_precision"] for e in events)
    assert count_by_precision(main) == expected
    for line in main.lines:
        gid = line.get_gid() or ""
        if gid.startswith("marker:"):
            hollow = gid.split(":")[1] in HOLLOW
            assert (line.get_markerfacecolor() == "white") is hollow, gid
    whiskers = collection(main, "whiskers")
    spans = sorted((as_day(s[0][0]), as_day(s[1][0])) for s in whiskers.get_segments())
    assert spans == sorted(
        (date.fromisoformat(e["date"]), latest_day(e))
        for e in events
        if e["date_precision"] in HOLLOW
    )
    assert (date(2017, 4, 1), date(2017, 4, 30)) in spans  # the month-precision row spans April
    bars = collection(main, "ranges")
    assert [(as_day(s[0][0]), as_day(s[1][0])) for s in bars.get_segments()] == [
        (date(2017, 4, 6), date(2017, 4, 7))
    ]


def test_colour_and_shape_encode_the_factor() -> None:
    events = {e["event_id"]: e for e in rows(VALID_FIXTURE, "events")}
    data = load_dataset(VALID_FIXTURE)
    main = main_axes(case_figure(data))
    seen = {}
    for line in main.lines:
        gid = line.get_gid() or ""
        if gid.startswith("marker:"):
            factor = gid.split(":")[2]
            seen.setdefault(factor, set()).add((line.get_marker(), line.get_color()))
    assert {f: len(v) for f, v in seen.items()} == {"pressure": 1, "tension": 1, "neither": 1}
    assert len({next(iter(v)) for v in seen.values()}) == 3  # three distinct (shape, colour)
    assert seen["pressure"] == {(style.FACTOR_MARKERS["pressure"], style.FACTOR_COLORS["pressure"])}
    assert events["E004"]["factor"] == "pressure"  # the appeal is drawn as a pressure event


def test_expected_return_bands_start_at_the_detention_middle_day() -> None:
    events = rows(VALID_FIXTURE, "events")
    detention = detention_day(events)
    assert detention == date(2017, 3, 15)  # 11-20 March: the middle day
    data = load_dataset(VALID_FIXTURE)
    figure = case_figure(data)
    article = patch_by_gid(figure, "expected-return:article")
    hrw = patch_by_gid(figure, "expected-return:hrw")
    for band in (article, hrw):
        assert (as_day(band.get_x()) - detention).days == 0
    assert round(article.get_width()) == 14
    assert as_day(hrw.get_x() + hrw.get_width()) == add_months(detention, 2) == date(2017, 5, 15)
    assert round(hrw.get_width()) == 61


def test_detention_period_runs_to_the_last_status_report(edit_table) -> None:
    # The fixture has no status report: the period ends at the last case event (24 April).
    data = load_dataset(VALID_FIXTURE)
    shade = patch_by_gid(case_figure(data), "detention-period")
    assert span_days(shade) == (date(2017, 3, 15), date(2017, 4, 24))
    # Make the appeal a status report dated in May: the period follows it.
    folder = edit_table(
        "events.csv",
        lambda text: text.replace("E004,2017-04-24", "E004,2017-05-18").replace(
            "appeal,0253,pressure,up,1,china,detainees", "status_report,,neither,none,0,china,"
        ),
    )
    data = load_dataset(folder)
    shade = patch_by_gid(case_figure(data), "detention-period")
    assert span_days(shade) == (date(2017, 3, 15), date(2017, 5, 18))


def test_legend_explains_every_encoding() -> None:
    data = load_dataset(VALID_FIXTURE)
    assert legend_labels(case_figure(data)) == [
        "pressure on Beijing",
        "Beijing-Pyongyang tension",
        "neither factor",
        "exact day",
        "month, year or approximate date (whisker: its window)",
        "range of days",
        "held (detention to last status report)",
        "outcome not on record",
        "expected-return window, from day 0",
    ]


def test_title_and_caption_come_from_the_data() -> None:
    events = rows(VALID_FIXTURE, "events")
    data = load_dataset(VALID_FIXTURE)
    figure = case_figure(data)
    assert figure.get_suptitle() == ("Fixture group: the case, March-May 2017")
    publishers = {p.strip() for e in events for p in e["source_publishers"].split(";")}
    as_of = max(latest_day(e) for e in events)
    assert as_of == date(2017, 4, 30)  # the April month-precision row, not the clock
    assert caption_text(figure) == (
        f"Sources: {len(publishers)} publishers cited for the {len(events)} events shown "
        "(data/events.csv). Data as of 30 April 2017 (latest event date in the data)."
    )


def test_key_events_are_the_case_events_in_the_article() -> None:
    events = rows(VALID_FIXTURE, "events")
    expected = [e["title"] for e in events if e["scope"] == "case" and e["in_article"] == "true"]
    data = load_dataset(VALID_FIXTURE)
    main = main_axes(case_figure(data))
    labels = [t.get_text() for t in main.texts if t.get_gid() == "key-event"]
    assert [label.splitlines()[-1] for label in labels] == expected


def test_a_window_shows_only_events_whose_middle_day_falls_in_it() -> None:
    data = load_dataset(VALID_FIXTURE)
    figure = case_figure(data, start="2017-04-01", end="2017-04-30")
    # 1 April - 30 April holds the month (middle 15 April), the range and the day, not March.
    assert count_by_precision(main_axes(figure)) == Counter(month=1, range=1, day=1)
    assert figure.get_suptitle().endswith("April-April 2017")


# --- the chart follows the data, with no code change ----------------------------------------

NEW_ROW = (
    "E005,2017-05-02,,day,case,Fixture video,A fixture appeal by the group.,group;china,"
    "appeal,0253,pressure,up,1,china,detainees,,2017_fixture_unknown,true,Test city,"
    "https://example.org/6,Example Three,newspaper,\n"
)


def test_an_added_event_row_adds_a_marker_lane_and_label(edit_table) -> None:
    folder = edit_table("events.csv", lambda text: text + NEW_ROW)
    data = load_dataset(folder)
    figure = case_figure(data)
    assert lanes_top_down(figure) == ["Detained group", "Rights groups", "China"]
    assert count_by_precision(main_axes(figure))["day"] == 2
    assert "Fixture video" in " ".join(t.get_text() for t in main_axes(figure).texts)
    assert "3 publishers cited for the 5 events" in caption_text(figure)


def test_an_edited_precision_changes_the_marker(edit_table) -> None:
    folder = edit_table("events.csv", lambda t: t.replace("2017-04-01,,month", "2017-04-01,,day"))
    data = load_dataset(folder)
    counts = count_by_precision(main_axes(case_figure(data)))
    assert counts["month"] == 0 and counts["day"] == 2


def test_a_moved_detention_moves_the_bands(edit_table) -> None:
    # Day 0 is the case row's detention (cases.csv): 1-9 March, middle 5 March.
    folder = edit_table(
        "cases.csv", lambda t: t.replace("2017-03-11,2017-03-20", "2017-03-01,2017-03-09", 1)
    )
    data = load_dataset(folder)
    figure = case_figure(data)
    band = patch_by_gid(figure, "expected-return:hrw")
    assert as_day(band.get_x()) == date(2017, 3, 5)
    assert as_day(band.get_x() + band.get_width()) == date(2017, 5, 5)


def test_reordered_actors_reorder_the_lanes(edit_table) -> None:
    def china_first(text: str) -> str:
        header, *lines = text.splitlines(keepends=True)
        return header + "".join(sorted(lines, key=lambda line: not line.startswith("china,")))

    folder = edit_table("actors.csv", china_first)
    data = load_dataset(folder)
    assert lanes_top_down(case_figure(data)) == [
        "China",
        "Rights groups",
    ]


# --- the context chart ----------------------------------------------------------------------


def test_context_panels_put_each_event_at_its_signed_intensity() -> None:
    events = rows(VALID_FIXTURE, "events")
    data = load_dataset(VALID_FIXTURE)
    figure = context_figure(data)
    panels = [ax for ax in figure.axes if ax.get_ylabel()]
    assert [ax.get_ylabel().replace("-\n", "-").replace("\n", " ") for ax in panels] == [
        "pressure on Beijing",
        "Beijing-Pyongyang tension",
        "neither factor",
    ]
    sign = {"up": 1, "down": -1, "none": 0}
    for ax, factor in zip(panels, ("pressure", "tension", "neither"), strict=True):
        drawn = sorted((day, round(y)) for points in markers(ax).values() for day, y in points)
        assert drawn == sorted(
            (middle_day(e), int(e["intensity"]) * sign[e["direction"]])
            for e in events
            if e["factor"] == factor
        )
    assert figure.get_suptitle().endswith(", 2017")


def test_context_chart_shades_the_case_and_lists_the_same_legend() -> None:
    data = load_dataset(VALID_FIXTURE)
    figure = context_figure(data)
    shades = [p for ax in figure.axes for p in ax.patches if p.get_gid() == "detention-period"]
    assert len(shades) == 3
    assert {span_days(shade) for shade in shades} == {(date(2017, 3, 15), date(2017, 4, 24))}
    assert legend_labels(figure)[:6] == legend_labels(case_figure(data))[:6]


# --- files ----------------------------------------------------------------------------------


def test_write_figures_is_byte_identical_on_a_rerun(tmp_path: Path, data_copy: Path) -> None:
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    data = load_dataset(data_copy)
    figures = {
        "case_timeline": lambda: case_figure(data),
        "context_timeline": lambda: context_figure(data),
    }
    first = report.write_figures(figures, tmp_path / "first")
    second = report.write_figures(figures, tmp_path / "second")
    names = [
        "case_timeline.png",
        "case_timeline.svg",
        "context_timeline.png",
        "context_timeline.svg",
    ]
    assert sorted(p.name for p in first) == sorted(p.name for p in second) == names
    assert sorted(p.name for p in (tmp_path / "first").iterdir()) == names  # no leftovers
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert a.read_bytes().startswith(b"<?xml")  # the last one is an SVG
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == before  # data untouched
    assert plt.get_fignums() == []  # the figures were closed


# --- the real tables ------------------------------------------------------------------------


def test_real_case_chart_keeps_its_promises() -> None:
    actors = rows(paths.DATA_DIR, "actors")
    # The chart shows the context and the question's own case events, not other cases' events.
    focal = str(load_dataset().questions["case_id"].iloc[0])
    events = [e for e in rows(paths.DATA_DIR, "events") if e["case_id"] in ("", focal)]
    data = load_dataset()
    figure = case_figure(data)
    figure.canvas.draw()
    main = main_axes(figure)
    labels = [t for t in main.texts if t.get_gid() == "key-event"]
    in_article = [e for e in events if e["scope"] == "case" and e["in_article"] == "true"]
    reports = [e for e in events if e["scope"] == "case" and e["event_type"] == "status_report"]
    last = max(reports, key=lambda e: (latest_day(e), e["event_id"]))
    assert 1 <= len(labels) <= 6
    assert any(t.get_text().splitlines()[-1] in last["title"] for t in labels)
    assert len(labels) == min(6, len({e["event_id"] for e in in_article} | {last["event_id"]}))
    # Labels sit inside the lanes, on boxes that overlap neither each other nor any marker.
    boxes = [t.get_bbox_patch().get_window_extent() for t in labels]
    frame = main.get_window_extent()
    points = [
        main.transData.transform((mdates.date2num(day), y))
        for pts in markers(main).values()
        for day, y in pts
    ]
    for i, box in enumerate(boxes):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
        assert box.y1 <= frame.y1
        assert not any(box.overlaps(other) for other in boxes[i + 1 :])
        assert not any(box.contains(x, y) for x, y in points)
    # The lanes are the data's, in the data's order, over whole months from the detention to
    # the later of the last status report and the end of HRW's two months.
    detention = detention_day(events)
    last_day = max(latest_day(last), add_months(detention, 2))
    window = (
        detention.replace(day=1),
        last_day.replace(day=calendar.monthrange(last_day.year, last_day.month)[1]),
    )
    used = {lane_of(e, actors) for e in events if window[0] <= middle_day(e) <= window[1]}
    assert lanes_top_down(figure) == [
        lane for lane in dict.fromkeys(a["lane"] for a in actors) if lane in used
    ]
    band = patch_by_gid(figure, "expected-return:article")
    assert (as_day(band.get_x()), round(band.get_width())) == (detention, 14)


# --- numbered markers, bounded charts, merged clusters ---------------------------------------


def _events(ids: list[str], days: list[str], intensity: list[int]) -> pd.DataFrame:
    dates = pd.to_datetime(days)
    return pd.DataFrame(
        {
            "event_id": ids,
            "date": dates,
            "date_mid": dates,
            "date_latest": dates,
            "date_precision": "day",
            "intensity": intensity,
            "title": [f"t{i}" for i in ids],
        }
    )


def test_unlabelled_events_are_numbered_in_date_order_and_labelled_ones_get_0() -> None:
    shown = _events(
        ["E1", "E2", "E3", "E4"],
        ["2017-03-01", "2017-03-02", "2017-03-05", "2017-03-09"],
        [1, 2, 3, 1],
    )
    keys = shown[shown["event_id"] == "E2"]
    assert timeline.numbered(shown, keys).tolist() == [1, 0, 2, 3]


def test_a_long_table_is_bounded_to_the_keys_then_the_most_intense() -> None:
    shown = _events(
        ["E1", "E2", "E3", "E4", "E5"],
        ["2017-01-01", "2017-01-02", "2017-01-03", "2017-01-04", "2017-01-05"],
        [1, 3, 1, 2, 1],
    )
    keys = shown[shown["event_id"] == "E5"]
    # By hand: the key E5, then E2 (3), E4 (2); back in date order.
    assert timeline.bounded(shown, keys, limit=3)["event_id"].tolist() == ["E2", "E4", "E5"]
    assert timeline.bounded(shown, keys, limit=9) is shown


def test_real_case_chart_keys_every_unlabelled_marker() -> None:
    data = load_dataset()
    chart = timeline.case_chart(data.events, data.actors, facts_of(data))
    key = timeline.marker_key(chart)
    assert len(key) + len(chart.keys) == len(chart.shown)
    assert key["number"].tolist() == list(range(1, len(key) + 1))
    figure = charts.case_timeline(chart)
    drawn = [t.get_text() for t in figure.axes[0].texts if t.get_gid() == "marker-number"]
    assert drawn == [str(n) for n in key["number"]]


def test_context_cluster_merges_close_events_of_one_height_with_a_count() -> None:
    shown = _events(
        ["E1", "E2", "E3", "E4", "E5"],
        ["2017-03-01", "2017-03-03", "2017-03-06", "2017-09-01", "2017-03-02"],
        [1, 1, 1, 1, 2],
    )
    keys = shown.iloc[0:0]
    table, heights, counts = charts._clusters(shown, np.array([1, 1, 1, 1, 2]), keys, 10.0)
    # By hand: E1-E3 lie within 10 days at height 1 (one marker, 3 events, on 3 March,
    # their middle); E5 is alone at height 2; E4 is six months later. In date order:
    assert counts.tolist() == [1, 3, 1]
    assert heights.tolist() == [2.0, 1.0, 1.0]
    assert table["date_mid"].dt.strftime("%Y-%m-%d").tolist() == [
        "2017-03-02",
        "2017-03-03",
        "2017-09-01",
    ]
