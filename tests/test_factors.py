"""Factor levels from the events: the documented rule, worked by hand, and no leakage."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.charts import model as charts
from analysis.data.dataset import load_dataset
from analysis.record import factors
from tests.conftest import VALID_FIXTURE


def level_by_hand(score: float) -> float:
    """The codebook's rule: level = 1 - 2 ** (-max(score, 0) / 6)."""
    return 1.0 - 2.0 ** (-max(score, 0.0) / 6.0)


def one_factor_events(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """A minimal events frame: (date_latest, factor, direction, intensity) per row."""
    return pd.DataFrame(
        {
            "date_latest": pd.to_datetime([r[0] for r in rows]).astype("datetime64[s]"),
            "factor": [r[1] for r in rows],
            "direction": [r[2] for r in rows],
            "intensity": [r[3] for r in rows],
        }
    )


def test_a_major_event_on_the_day_counts_in_full() -> None:
    events = one_factor_events([("2017-04-24", "pressure", "up", 3)])
    levels = factors.factor_levels(events, "2017-04-24")
    assert levels.pressure == pytest.approx(1 - 2**-0.5)  # score 3, half of HALF_SCALE
    assert levels.tension == 0.0


def test_a_push_halves_every_sixty_days() -> None:
    events = one_factor_events([("2017-01-01", "tension", "up", 2)])
    day = pd.Timestamp("2017-01-01") + pd.Timedelta(days=60)
    assert factors.factor_levels(events, day).tension == pytest.approx(level_by_hand(1.0))
    day = pd.Timestamp("2017-01-01") + pd.Timedelta(days=120)
    assert factors.factor_levels(events, day).tension == pytest.approx(level_by_hand(0.5))


def test_down_events_subtract_and_the_level_never_goes_below_zero() -> None:
    events = one_factor_events(
        [("2018-03-01", "tension", "up", 3), ("2018-03-01", "tension", "down", 2)]
    )
    assert factors.factor_levels(events, "2018-03-01").tension == pytest.approx(level_by_hand(1))
    events.loc[1, "intensity"] = 3
    events.loc[len(events)] = [pd.Timestamp("2018-03-01"), "tension", "down", 1]
    assert factors.factor_levels(events, "2018-03-01").tension == 0.0


def test_events_older_than_the_window_no_longer_count() -> None:
    events = one_factor_events([("2016-01-01", "pressure", "up", 3)])
    inside = pd.Timestamp("2016-01-01") + pd.Timedelta(days=365)
    assert factors.factor_levels(events, inside).pressure > 0
    assert factors.factor_levels(events, inside + pd.Timedelta(days=1)).pressure == 0.0


def test_neither_events_are_ignored() -> None:
    events = one_factor_events([("2017-04-24", "neither", "none", 0)])
    levels = factors.factor_levels(events, "2017-04-24")
    assert (levels.pressure, levels.tension) == (0.0, 0.0)


def test_fixture_levels_as_of_the_article_date() -> None:
    # E002 (pressure 3, dated only to April 2017) counts from 30 April, so not yet; E003
    # (tension down 2, 6-7 April) is clipped at 0; E004 (pressure up 1) is on the day.
    events = load_dataset(VALID_FIXTURE).events
    levels = factors.factor_levels(events, "2017-04-24")
    assert levels.pressure == pytest.approx(level_by_hand(1.0))
    assert levels.tension == 0.0
    # On 30 April the month-dated sanction has surely happened and counts in full.
    later = factors.factor_levels(events, "2017-04-30")
    assert later.pressure == pytest.approx(level_by_hand(3 + 2 ** (-6 / 60)))


def test_an_event_dated_after_the_as_of_date_changes_nothing(edit_table) -> None:
    before = load_dataset(VALID_FIXTURE).events
    new_row = (
        "E005,2017-04-25,,day,context,Later sanction,A later fixture event.,china,sanction,163,"
        "pressure,up,3,,general,,,false,Test city,https://example.org/6,Example,newspaper,\n"
    )
    folder = edit_table("events.csv", lambda text: text + new_row)
    after = load_dataset(folder).events
    assert len(after) == len(before) + 1
    as_of = factors.factor_levels(before, "2017-04-24")
    assert factors.factor_levels(after, "2017-04-24") == as_of
    # The new row is not inert: a day later it moves the level.
    assert factors.factor_levels(after, "2017-04-25").pressure > as_of.pressure


def test_an_imprecise_event_counts_only_from_its_last_possible_day(edit_table) -> None:
    # A mid-April window (10-20 April) must not count on 15 April, when it may not yet exist.
    new_row = (
        "E005,2017-04-10,2017-04-20,approximate,context,Window event,A windowed fixture event.,"
        "china,sanction,163,pressure,up,3,,general,,,false,Test city,https://example.org/6,Example,"
        "newspaper,\n"
    )
    events = load_dataset(edit_table("events.csv", lambda text: text + new_row)).events
    assert factors.factor_levels(events, "2017-04-19").pressure == 0.0
    assert factors.factor_levels(events, "2017-04-20").pressure == pytest.approx(1 - 2**-0.5)


def test_series_agrees_with_single_days() -> None:
    events = load_dataset(VALID_FIXTURE).events
    series = factors.factor_series(events, "2017-04-01", "2017-05-31")
    assert len(series) == 61
    day = factors.factor_levels(events, "2017-05-10")
    assert series.loc["2017-05-10", "pressure"] == pytest.approx(day.pressure)
    assert series.loc["2017-05-10", "tension"] == pytest.approx(day.tension)


def test_a_malformed_date_is_refused() -> None:
    events = one_factor_events([("2017-04-24", "pressure", "up", 3)])
    with pytest.raises(ValueError, match="not a valid date"):
        factors.factor_levels(events, "2017-13-01")


def test_factor_chart_draws_both_levels() -> None:
    events = load_dataset(VALID_FIXTURE).events
    series = factors.factor_series(events, "2017-01-01", "2017-12-31")
    window = (pd.Timestamp("2017-03-11"), pd.Timestamp("2017-03-20"))
    figure = charts.plot_factors(series, events, window, pd.Timestamp("2017-04-24"), "as of")
    ax = figure.axes[0]
    # The detention window is shaded from its first day to the day after its last.
    span = [p for p in ax.patches if p.get_label().startswith("detention")][0]
    assert span.get_x() == pytest.approx(mdates.date2num(window[0]))
    assert span.get_width() == pytest.approx(10.0)
    assert [t.get_text() for t in ax.texts] == ["24 Apr 2017: as of"]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["pressure on Beijing", "Beijing-Pyongyang tension"]
    ys = ax.get_lines()[0].get_ydata()
    assert len(ys) == 365
    assert min(ys) >= 0.0
    assert max(ys) < 1.0
    figure.clf()


FIRST, LAST = pd.Timestamp("2016-01-01").date(), pd.Timestamp("2018-12-31").date()
event_rows = st.lists(
    st.tuples(
        st.dates(min_value=FIRST, max_value=LAST),
        st.sampled_from(["pressure", "tension", "neither"]),
        st.sampled_from(["up", "down"]),
        st.integers(min_value=1, max_value=3),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(rows=event_rows, as_of=st.dates(min_value=pd.Timestamp("2016-01-01").date()))
def test_levels_are_always_in_zero_one(rows, as_of) -> None:
    events = one_factor_events([(str(d), f, dr, i) for d, f, dr, i in rows])
    levels = factors.factor_levels(events, as_of)
    assert 0.0 <= levels.pressure < 1.0
    assert 0.0 <= levels.tension < 1.0


@settings(max_examples=40, deadline=None)
@given(
    rows=event_rows, extra_days=st.integers(min_value=0, max_value=400), intensity=st.integers(1, 3)
)
def test_an_up_event_never_lowers_a_level(rows, extra_days, intensity) -> None:
    as_of = pd.Timestamp("2017-06-01")
    rows = [(str(d), f, dr, i) for d, f, dr, i in rows]
    before = factors.factor_levels(one_factor_events(rows), as_of)
    day = as_of - pd.Timedelta(days=extra_days)
    rows.append((str(day.date()), "pressure", "up", intensity))
    after = factors.factor_levels(one_factor_events(rows), as_of)
    assert after.pressure >= before.pressure
    assert after.tension == before.tension


def test_the_first_event_day_is_the_earliest_date() -> None:
    events = load_dataset(VALID_FIXTURE).events
    assert factors.first_event_day(events) == pd.Timestamp("2017-03-11")
    assert factors.first_event_day(events.iloc[0:0]) is None
