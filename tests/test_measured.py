"""The measured series: provenance, the agreement computation checked against its README, the
as-of rule (nothing dated on or after a day enters), the validate rules and the tables."""

from __future__ import annotations

import csv
import hashlib
import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analysis.data.dataset import load_dataset, validate_data
from analysis.engine import measured
from analysis.engine.headline import BAND, headline_detail
from analysis.paths import DATA_DIR
from tests.conftest import VALID_FIXTURE

UNGA_SHA256 = "4210acd1bdcffa34688f2454e827698408672d90be7fe4f2e2d31a512981701a"
README_YEARLY = {2011: 0.747, 2012: 0.747, 2016: 0.744, 2017: 0.745, 2019: 0.835}


def test_the_unga_copy_is_the_documented_file() -> None:
    assert hashlib.sha256((DATA_DIR / "unga_votes.csv").read_bytes()).hexdigest() == UNGA_SHA256
    assert UNGA_SHA256 in (DATA_DIR / "README.md").read_text(encoding="utf-8")


def independent_yearly_agreement() -> dict[int, float]:
    """A second implementation with the csv module alone: identical votes / joint votes."""
    same: dict[int, int] = defaultdict(int)
    joint: dict[int, int] = defaultdict(int)
    with (DATA_DIR / "unga_votes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["china_vote"] and row["dprk_vote"]:
                year = int(row["date"][:4])
                joint[year] += 1
                same[year] += row["china_vote"] == row["dprk_vote"]
    return {year: same[year] / joint[year] for year in joint}


def test_a_vote_enters_only_after_its_day(fixture_data) -> None:
    votes = fixture_data.unga_votes  # 1 Oct 2015 same, 1 Nov 2015 differ, 1 Oct 2016 differ
    assert math.isnan(measured.unga_agreement(votes, "2015-10-01", min_joint=1)[0])
    assert measured.unga_agreement(votes, "2015-10-02", min_joint=1) == (1.0, 1)
    assert measured.unga_agreement(votes, "2015-11-02", min_joint=1) == (0.5, 2)
    # The 1 Nov 2015 vote is disarmament and nuclear; the 1 Oct 2015 one nuclear only.
    assert measured.unga_agreement(votes, "2015-11-02", "di", min_joint=1) == (0.0, 1)
    # The 2015 votes are out of the year's window, and a missing DPRK vote (1 Dec 2016) is no
    # joint vote: one joint vote is left; below the minimum the share is not computed.
    assert measured.unga_agreement(votes, "2016-12-31", min_joint=1) == (0.0, 1)
    assert math.isnan(measured.unga_agreement(votes, "2016-12-31", min_joint=2)[0])


def test_a_trade_total_enters_after_its_publication(fixture_data) -> None:
    trade = fixture_data.trade  # 2015: 5000, published 2016-01-15; 2016: 4000.5, 2017-01-15
    assert math.isnan(measured.trade_as_of(trade, "2016-01-15")[0])
    assert measured.trade_as_of(trade, "2016-01-16") == (5000.0, 2015)
    assert measured.trade_as_of(trade, "2017-01-16") == (4000.5, 2016)
    undated = trade.assign(published_date=pd.NaT, published_precision=pd.NA)
    # No date on file: public from 31 December of the year after the trade year.
    assert math.isnan(measured.trade_as_of(undated, "2016-12-31")[0])
    assert measured.trade_as_of(undated, "2017-01-01") == (5000.0, 2015)


def test_contacts_and_council_votes_enter_after_their_last_possible_day(fixture_data) -> None:
    contacts = fixture_data.contacts  # C001 March 2016 (month), C002 10 June 2016
    assert measured.contacts_count(contacts, "2016-03-31") == 0
    assert measured.contacts_count(contacts, "2016-04-01") == 1
    assert measured.contacts_count(contacts, "2016-06-11") == 2
    assert measured.contacts_count(contacts, "2017-04-01") == 1  # C001 left the year's window
    votes = fixture_data.unsc_votes  # 2270 yes on 2 March 2016; a veto (no) on 20 Sep 2016
    assert measured.unsc_count(votes, "2016-03-02") == 0
    assert measured.unsc_count(votes, "2016-03-03") == 1
    assert measured.unsc_count(votes, "2016-12-31") == 1


def test_no_measure_of_a_case_uses_what_came_on_or_after_its_detention() -> None:
    dataset = load_dataset()
    cases = measured.case_measures(dataset)
    for row in cases.itertuples():
        day = row.detained_date
        _, year = measured.trade_as_of(dataset.trade, day)
        if year is not None:
            public = measured.trade_public_day(dataset.trade[dataset.trade["year"] == year])
            assert public.iloc[0] < day
        votes = dataset.unga_votes
        later = votes[votes["date"] >= day]
        # Dropping every vote on or after the day changes nothing: those never entered.
        earlier = votes[votes["date"] < day]
        assert measured.unga_agreement(earlier, day) == pytest.approx(
            measured.unga_agreement(pd.concat([earlier, later]), day), nan_ok=True
        )


def test_rank_correlation_against_a_second_implementation() -> None:
    frame = pd.DataFrame(
        {
            "unga_all": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4],
            "tension_level": [0, 0, 1, 1, 2, 1],
            "pressure_level": [2, 0, 1, 0, 1, 2],
        }
    )
    for name in measured.SERIES:
        if name not in frame:
            frame[name] = frame["unga_all"]
    table = measured.construct_validity(frame).set_index(["series", "coded"])
    ranks = frame.rank()
    expected = ranks["unga_all"].corr(ranks["tension_level"])  # Pearson on mid-ranks
    assert table.loc[("unga_all", "tension_level"), "rho"] == pytest.approx(expected)
    assert table.loc[("unga_all", "tension_level"), "by_construction"] == "no"
    assert table.loc[("contacts", "tension_level"), "by_construction"].startswith("partly")
    assert table.loc[("contacts", "pressure_level"), "by_construction"] == "no"
    low, high = table.loc[("unga_all", "tension_level"), ["low", "high"]]
    assert low < expected < high


def test_outcome_by_route_counts_by_hand(fixture_data) -> None:
    table = measured.outcome_by_route(fixture_data.cases, by=("route",))
    cases = fixture_data.cases
    assert table["n"].sum() == (cases["part_of"].fillna("") == "").sum()
    for row in table.itertuples():
        assert row.released + row.returned + row.other == row.n


@pytest.mark.parametrize(
    ("filename", "change", "message"),
    [
        (
            "trade.csv",
            lambda t: t.replace("Gap in the fixture for 2005.", ""),
            "trade.csv:3: note: empty (expected why the year cannot be sourced",
        ),
        (
            "trade.csv",
            lambda t: t.replace("2016-01-15,day", "2016-01-15,month"),
            "trade.csv:13: published_date: not the first of the month (got 2016-01-15",
        ),
        (
            "trade.csv",
            lambda t: t.replace("2025,,", "2024,,"),
            "trade.csv:0: year: no row for 2025",
        ),
        (
            "unsc_votes.csv",
            lambda t: t.replace("vetoed,no", "vetoed,yes"),
            "unsc_votes.csv:3: china_vote: a veto without China's no (got 'yes'",
        ),
        (
            "contacts.csv",
            lambda t: t.replace("2016-03-01,month", "2016-03-05,month"),
            "contacts.csv:2: date: not the first of the month (got 2016-03-05",
        ),
        (
            "unga_votes.csv",
            lambda t: t.replace("yes,yes,no", "yes,maybe,no"),
            "unga_votes.csv:2: dprk_vote: not an allowed value (got 'maybe'",
        ),
    ],
)
def test_validate_reports_the_measured_tables_by_line(
    edit_table: Callable[[str, Callable[[str], str]], Path],
    filename: str,
    change: Callable[[str], str],
    message: str,
) -> None:
    problems = [str(problem) for problem in validate_data(edit_table(filename, change))]
    assert any(problem.startswith(message) for problem in problems), problems


def test_the_chart_marks_every_dated_case_once(fixture_data) -> None:
    import matplotlib.pyplot as plt

    from analysis.charts.measured import plot_measured_series

    cases = measured.case_measures(fixture_data)
    figure = plot_measured_series(measured.series_over(fixture_data, "2015-01-01"), cases)
    try:
        strip = figure.axes[-1]
        marked = sum(len(c.get_offsets()) for c in strip.collections)
        assert marked == len(cases) > 0
    finally:
        plt.close(figure)


def test_a_construct_measured_in_one_pass_equals_each_case_measured_alone() -> None:
    """The one-pass lookup of with_measured_tension against tension_from_series, which
    measures each case's own days afresh (a second path through measures_on)."""
    dataset = load_dataset()
    for series in ("unga_all", "trade", "unsc"):
        replaced, construct = measured.with_measured_tension(dataset, series)
        alone = [
            measured.tension_from_series(dataset, series, day)
            for day in dataset.cases["detained_date"]
            if not pd.isna(day)
        ]
        dated = replaced.cases[dataset.cases["detained_date"].notna()]
        coded = dataset.cases.loc[dated.index, "tension_level"].astype(float)
        expected = [c if math.isnan(a) else a for a, c in zip(alone, coded, strict=True)]
        assert dated["tension_level"].tolist() == pytest.approx(expected)
        assert construct.fallback_cases == sum(math.isnan(a) for a in alone) + int(
            dataset.cases["detained_date"].isna().sum()
        )


def test_each_sensitivity_row_is_the_headline_on_its_own_constructs_tensions(fixture_data) -> None:
    """Each measured row (``headline_band``, the headline's numbers alone) against the whole
    headline of that series' tensions, each measured afresh (``with_measured_tension``). On the
    fixture, contacts and unsc move the headline to different values and trade falls back on
    two cases: a row given another construct's tensions or fallbacks shows."""
    series = ("trade", "contacts", "unsc")
    table = measured.headline_sensitivity(fixture_data, "fixture_case", series)
    assert table["construct"].tolist() == ["coded", *series]
    coded = headline_detail(fixture_data, "fixture_case").headline
    expected = [(coded, 0)]
    for name in series:
        replaced, construct = measured.with_measured_tension(fixture_data, name)
        expected.append(
            (headline_detail(replaced, "fixture_case").headline, construct.fallback_cases)
        )
    for (_, row), (headline, fallbacks) in zip(table.iterrows(), expected, strict=True):
        assert [row[name] for name in BAND] == [getattr(headline, name) for name in BAND]
        assert row["fallback_cases"] == fallbacks
    assert table["fallback_cases"].tolist() == [0, 2, 0, 0]
    assert table.loc[2, "p_release"] != table.loc[3, "p_release"] != coded.p_release


def test_measured_codings_are_computed_once_for_equal_tables_and_afresh_for_changed_ones(
    fixture_data,
) -> None:
    """A kept kernel codes the measured datasets once for the gallery's questions: tables of
    the same content (a second load, another object) give the same results, computed once;
    changed tables give their own, each the coding ``every_coding`` gives them alone."""
    from analysis.engine.specifications import every_coding

    series = ("trade", "contacts")
    first = measured.measured_codings(fixture_data, series)
    again = measured.measured_codings(load_dataset(VALID_FIXTURE), series)
    assert again is first
    edited = fixture_data._replace(
        cases=fixture_data.cases.assign(
            tension_level=fixture_data.cases["tension_level"].astype(float) + 0.5
        )
    )
    changed = measured.measured_codings(edited, series)
    assert changed is not first
    for name in series:
        data, construct, codings = changed[name]
        replaced, alone = measured.with_measured_tension(edited, name)
        assert construct == alone
        assert data.cases["tension_level"].tolist() == replaced.cases["tension_level"].tolist()
        expected = every_coding(replaced)
        assert codings.keys() == expected.keys()
        for key in expected:
            pd.testing.assert_frame_equal(codings[key], expected[key])


def test_the_sensitivity_sentence_names_the_farthest_construct() -> None:
    table = pd.DataFrame(
        {"construct": ["coded", "unga_all", "trade"], "p_release": [0.30, 0.25, 0.34]}
    )
    assert measured.describe_sensitivity(table) == (
        "Used in place of the coded tension, the 2 measured series give 0.250 to 0.340 "
        "against 0.300; the farthest, unga_all, moves the headline by -0.050."
    )
