"""Timing: P(returned by day d) under the model, and the update for a group still held."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import timing


def test_return_timing_scales_the_delays_by_the_return_probability() -> None:
    delays = np.array([5.0, 10.0, 20.0, 40.0])
    by_day = timing.return_timing(0.6, delays, horizon=60, held_until=30).set_index("day")
    assert by_day.loc[10, "empirical"] == pytest.approx(0.6 * 2 / 4)
    assert by_day.loc[60, "empirical"] == pytest.approx(0.6)
    mu = np.log(delays).mean()
    assert by_day.loc[round(math.exp(mu)), "lognormal"] == pytest.approx(0.3, abs=0.01)
    # Held on day 30 (F = 3/4): by day 40, 0.6 * (1 - 3/4) / (1 - 0.6 * 3/4) = 0.2727.
    assert by_day.loc[40, "empirical_given_held"] == pytest.approx(0.15 / 0.55)
    assert math.isnan(by_day.loc[29, "empirical_given_held"])


def test_still_held_lowers_the_chance_of_an_eventual_return() -> None:
    delays = np.array([5.0, 10.0, 20.0, 40.0])
    later = timing.eventual_return_given_held(0.6, delays, 30)
    assert 0.0 < later < 0.6
    assert timing.eventual_return_given_held(0.6, delays, 0) == pytest.approx(0.6)
    assert math.isnan(timing.eventual_return_given_held(0.6, np.array([5.0]), 30))


def test_timing_without_dated_returns_is_empty_not_invented() -> None:
    by_day = timing.return_timing(0.5, np.array([]), horizon=10)
    assert by_day["empirical"].isna().all()
    assert by_day["lognormal"].isna().all()


def _case(case_id, outcome, detained, outcome_mid=None, outcome_latest=None) -> dict:
    day = pd.Timestamp
    mid = day(outcome_mid) if outcome_mid else pd.NaT
    latest = day(outcome_latest) if outcome_latest else pd.NaT
    return {
        "case_id": case_id, "title": case_id, "outcome": outcome,
        "detained_precision": "day", "outcome_precision": "day" if outcome_mid else "unknown",
        "detained_date": day(detained), "detained_mid": day(detained),
        "detained_latest": day(detained), "outcome_date": mid, "outcome_mid": mid,
        "outcome_latest": latest,
    }  # fmt: skip


# As of 24 April 2017: a return closed by then (10 days), a return that came after it
# (detained 1 March: held 31 + 23 = 54 days on 24 April), an open case detained 10 April
# (14 days), a case freed in China after the date (detained 1 February: 28 + 31 + 23 = 82
# days), one freed before it (out: not a return), and one detained after the date (absent).
AS_OF_CASES = pd.DataFrame(
    [
        _case("closed_return", "returned", "2017-01-01", "2017-01-11", "2017-01-12"),
        _case("later_return", "returned", "2017-03-01", "2017-05-01", "2017-05-05"),
        _case("open", "unknown", "2017-04-10"),
        _case("later_freed", "freed_in_china", "2017-02-01", "2017-06-01", "2017-06-01"),
        _case("early_freed", "freed_in_china", "2016-01-01", "2016-01-05", "2016-01-05"),
        _case("detained_after", "returned", "2017-05-10", "2017-05-20", "2017-05-21"),
    ]
)


def test_as_of_durations_censor_later_outcomes_and_drop_later_detentions() -> None:
    returned, held, returned_by = timing.censored_return_durations_as_of(AS_OF_CASES, "2017-04-24")
    assert returned.tolist() == [10.0]
    # In the table's order: later_return, open, later_freed.
    assert held.tolist() == [54.0, 14.0, 82.0]
    assert returned_by.size == 0
    # Today's reading, for contrast, takes every dated return: closed_return (10 days),
    # later_return (1 March to 1 May, 31 + 30 = 61) and detained_after (10 to 20 May, 10).
    today, _, _ = timing.censored_return_durations(AS_OF_CASES, "2018-01-01", with_hrw=False)
    assert sorted(today.tolist()) == [10.0, 10.0, 61.0]


def test_hrw_aggregate_only_from_its_publication() -> None:
    assert not timing.hrw_known("2017-04-24") and timing.hrw_known("2017-06-29")
    with pytest.raises(ValueError, match="published on 2017-06-29"):
        timing.censored_return_durations_as_of(AS_OF_CASES, "2017-04-24", with_hrw=True)
    returned, held, returned_by = timing.censored_return_durations_as_of(
        AS_OF_CASES, "2017-07-01", True
    )
    # 1 July: every case but open is resolved (later_freed is out, the returns take 10, 61 and
    # 10 days); open is held 20 + 31 + 30 + 1 = 82 days; HRW adds 38 held half its 363-day
    # year and 13 returned by its end.
    assert sorted(returned.tolist()) == [10.0, 10.0, 61.0]
    assert held.tolist() == [82.0] + [181.5] * 38
    assert returned_by.size == 13
    assert returned_by.tolist() == [363.0] * 13

    before = timing.held_update_under_laws(0.8, AS_OF_CASES, "2017-04-24", [45])
    after = timing.held_update_under_laws(0.8, AS_OF_CASES, "2017-07-01", [45])
    assert not before["evidence"].str.contains("HRW").any()
    assert after["evidence"].str.contains("HRW June 2017").sum() == 1
    assert set(before["known_on"]) == {"2017-04-24", ""}


def test_todays_record_rows_are_labelled_as_such() -> None:
    table = timing.held_update_under_laws(0.8, AS_OF_CASES, "2017-04-24", [45, 69], "2018-01-01")
    today = table[table["evidence"].str.startswith("today's record (2018-01-01)")]
    assert len(today) == 2 * 2  # cases only, cases + HRW; two days each
    assert set(today["known_on"]) == {"2018-01-01"}
    as_of = table[table["known_on"] == "2017-04-24"]
    assert as_of["evidence"].unique().tolist() == ["cases known on 2017-04-24"]
    assert (table["evidence"] == "reference law").sum() == 3 * 2


def test_hrw_publication_date_is_the_counts_tables() -> None:
    from analysis import paths

    counts = pd.read_csv(paths.DATA_DIR / "counts.csv").set_index("count_id")
    row = counts.loc["2017_hrw_jun_still_held_38"]
    assert pd.Timestamp(row["published_date"]) == timing.HRW_PUBLISHED
    assert int(row["value_low"]) == timing.HRW_STILL_HELD


def test_the_forecast_group_is_left_out_of_its_own_fit() -> None:
    # Leaving out "open" must give the fit of the table without it, and differ from the fit
    # with it (open adds a case held 14 days on 24 April).
    left_out = timing.held_update_under_laws(0.8, AS_OF_CASES, "2017-04-24", [45], leave_out="open")
    without = AS_OF_CASES[AS_OF_CASES["case_id"] != "open"]
    expected = timing.held_update_under_laws(0.8, without, "2017-04-24", [45])
    pd.testing.assert_frame_equal(left_out, expected)
    kept = timing.held_update_under_laws(0.8, AS_OF_CASES, "2017-04-24", [45])
    fits = kept["evidence"].str.startswith("cases known")
    assert kept.loc[fits, "median_days"].iloc[0] != left_out.loc[fits, "median_days"].iloc[0]
