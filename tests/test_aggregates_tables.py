"""counts.csv and arrivals.csv: each rule has a broken fixture; the real series meets its totals."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.dataset import load_dataset, validate_data
from analysis.paths import DATA_DIR
from tests.conftest import VALID_FIXTURE

# Each case: file, text to replace, replacement, the start of the expected problem line.
BROKEN = {
    "source kind outside the vocabulary": (
        "counts.csv", "ngo_report; wire_agency", "ngo_report; wire",
        "counts.csv:2: source_kinds: not an allowed value (got 'wire', expected one of "
        "official_document, wire_agency,",
    ),
    "fewer kinds than URLs": (
        "counts.csv", "ngo_report; wire_agency", "ngo_report",
        "counts.csv:2: source_kinds: does not match source_urls (got 1 kinds, expected 2, "
        "one per URL)",
    ),
    "count without source kinds": (
        "counts.csv", "Example,newspaper,", "Example,,",
        "counts.csv:3: source_kinds: empty (expected a value)",
    ),
    "unknown measure": (
        "counts.csv", ",still_held,", ",held,",
        "counts.csv:3: measure: not an allowed value (got 'held', expected one of detained, "
        "returned, still_held, released, reached_south_or_third_country)",
    ),
    "malformed count id": (
        "counts.csv", "2023_fixture_returned,", "fixture returned,",
        "counts.csv:4: count_id: malformed id (got 'fixture returned', expected the four-digit "
        "year of publication, _ and lower-case words)",
    ),
    "duplicate count id": (
        "counts.csv", "2017_fixture_held,Fixture", "2017_fixture_detained,Fixture",
        "counts.csv:3: count_id: duplicate id (got '2017_fixture_detained', expected unique; "
        "first on line 2)",
    ),
    "negative count": (
        "counts.csv", "detained,51,", "detained,-51,",
        "counts.csv:2: value_low: out of range (got -51, expected 0 or more)",
    ),
    "floor with a top": (
        "counts.csv", "detained,51,,at_least", "detained,51,60,at_least",
        "counts.csv:2: value_high: a top for a floor (got 60, expected empty, since "
        "value_qualifier is at_least)",
    ),
    "exact count with two numbers": (
        "counts.csv", "38,38,exact", "38,39,exact",
        "counts.csv:3: value_high: not equal to value_low (got 39, expected 38",
    ),
    "exact count without its top": (
        "counts.csv", "38,38,exact", "38,,exact",
        "counts.csv:3: value_high: empty (expected a number, since value_qualifier is exact)",
    ),
    "range upside down": (
        "counts.csv", "600,2000,range", "2000,600,range",
        "counts.csv:4: value_high: not above value_low (got 600, expected more than 2000)",
    ),
    "part of an unknown count": (
        "counts.csv", ",2017_fixture_detained,", ",2017_nowhere,",
        "counts.csv:3: part_of: not another count (got '2017_nowhere', expected a different "
        "count_id from counts.csv)",
    ),
    "part of itself": (
        "counts.csv", ",2017_fixture_detained,", ",2017_fixture_held,",
        "counts.csv:3: part_of: not another count (got '2017_fixture_held'",
    ),
    "as of before the period starts": (
        "counts.csv", "2016-07-01,2017-08-31", "2016-07-01,2016-06-30",
        "counts.csv:3: as_of_date: before period_start (got 2016-06-30, expected 2016-07-01 "
        "or later)",
    ),
    "as of after a dated publication": (
        "counts.csv", "day,2016-07-01,2017-06-29", "day,2016-07-01,2017-06-30",
        "counts.csv:2: as_of_date: after published_date (got 2017-06-30, expected 2017-06-29 "
        "or earlier)",
    ),
    "month precision not on the first": (
        "counts.csv", "2017-09-01,month", "2017-09-15,month",
        "counts.csv:3: published_date: not the first of the month (got 2017-09-15",
    ),
    "year precision not on 1 January": (
        "counts.csv", "2023-01-01,year", "2023-10-01,year",
        "counts.csv:4: published_date: not 1 January (got 2023-10-01",
    ),
    "bad publication date": (
        "counts.csv", "2017-06-29,day", "2017-02-30,day",
        "counts.csv:2: published_date: not a valid date (got '2017-02-30', expected YYYY-MM-DD)",
    ),
    "missing count column": (
        "counts.csv", ",value_qualifier,", ",qualifier,",
        "counts.csv:1: value_qualifier: missing column (expected it in the header)",
    ),
    "missing year": (
        "arrivals.csv", "2010,", "2009,",
        "arrivals.csv:0: year: no row for 2010 (expected one row for every year 2001 to 2025; "
        "leave arrivals empty if it cannot be sourced)",
    ),
    "duplicate year": (
        "arrivals.csv", "2010,", "2009,",
        "arrivals.csv:11: year: duplicate id (got '2009', expected unique; first on line 10)",
    ),
    "year outside the series": (
        "arrivals.csv", "2025,", "2026,",
        "arrivals.csv:26: year: out of range (got 2026, expected 2001 to 2025)",
    ),
    "empty figure without a reason": (
        "arrivals.csv", ",,,,,,,Fixture: no figure for this year alone.", ",,,,,,,",
        "arrivals.csv:2: disagreement: empty (expected why the year cannot be sourced, since "
        "arrivals is empty)",
    ),
    "split without a total": (
        "arrivals.csv", "2001,,,,", "2001,,5,,",
        "arrivals.csv:2: men: a split without a total (got 5, expected empty, since arrivals "
        "is empty)",
    ),
    "figure without a source": (
        "arrivals.csv", "1142,,,https://example.org/a2002,Example,official_document,",
        "1142,,,,,,", "arrivals.csv:3: source_urls: empty (expected a source, since arrivals "
        "has a figure)",
    ),
    "split that does not add up": (
        "arrivals.csv", "2003,46,13,33", "2003,46,13,34",
        "arrivals.csv:4: women: men and women do not add up to arrivals (got 13 + 34 = 47, "
        "expected 46)",
    ),
    "arrivals not a number": (
        "arrivals.csv", "2003,46,", "2003,forty-six,",
        "arrivals.csv:4: arrivals: not a whole number (got 'forty-six', expected an integer)",
    ),
    "arrivals kind outside the vocabulary": (
        "arrivals.csv", "Example,official_document,", "Example,ministry,",
        "arrivals.csv:3: source_kinds: not an allowed value (got 'ministry'",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_rule_names_file_line_and_column(name: str, edit_table) -> None:
    filename, old, new, expected = BROKEN[name]
    folder = edit_table(filename, lambda text: text.replace(old, new, 1))
    problems = [str(problem) for problem in validate_data(folder)]
    assert any(p.startswith(expected) for p in problems), problems


def test_missing_counts_file_is_reported(data_copy) -> None:
    (data_copy / "counts.csv").unlink()
    assert [str(p) for p in validate_data(data_copy)] == [
        f"counts.csv:0: -: file not found (expected {data_copy / 'counts.csv'})"
    ]


def test_optional_numbers_load_as_missing_not_zero() -> None:
    dataset = load_dataset(VALID_FIXTURE)
    counts = dataset.counts.set_index("count_id")
    arrivals = dataset.arrivals.set_index("year")
    assert pd.isna(counts.loc["2017_fixture_detained", "value_high"])
    assert counts.loc["2023_fixture_returned", "value_high"] == 2000
    assert counts.loc["2017_fixture_held", "part_of"] == ("2017_fixture_detained",)
    assert counts.loc["2017_fixture_detained", "source_kinds"] == ("ngo_report", "wire_agency")
    assert pd.isna(arrivals.loc[2001, "arrivals"])
    # The fixture's split is men = year - 1990 and women = 2 * (year - 1990) + 7, by hand.
    assert (arrivals.loc[2003, "men"], arrivals.loc[2003, "women"]) == (13, 33)
    assert arrivals.loc[2024, "arrivals"] == 34 + 75


def test_real_arrivals_meet_the_ministrys_published_totals() -> None:
    """Oracle: cumulative totals the Ministry published, not the rows themselves.

    Its table to September 2020 gives 33,718 arrivals (9,427 men) including 195 (64 men) in
    2020 so far, 947 to 1998 and 1,043 (565 men) for 1999-2001; its January 2025 release gives
    34,314 (9,568 men) to the end of 2024.
    """
    arrivals = load_dataset(DATA_DIR).arrivals.set_index("year")
    to_2019 = arrivals.loc[2002:2019]
    assert to_2019["arrivals"].sum() == 33_718 - 195 - 947 - 1_043
    assert to_2019["men"].sum() == 9_427 - 64 - 831 - 565
    assert arrivals.loc[2002:2024, "arrivals"].sum() == 34_314 - 947 - 1_043
    assert arrivals.loc[2002:2024, "men"].sum() == 9_568 - 831 - 565
