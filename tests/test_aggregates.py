"""Published counts, implied shares, and case-based base rates against hand counts and closed
forms; the table before the corrections against the commit it was cut from."""

from __future__ import annotations

import io
import shutil
import subprocess

import pandas as pd
import pytest

from analysis.paths import PROJECT_ROOT
from analysis.record import aggregates


def _counts(rows: list[tuple]) -> pd.DataFrame:
    columns = ["count_id", "measure", "value_low", "value_high", "value_qualifier", "part_of"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["value_high"] = frame["value_high"].astype("Int64")
    frame["publisher"] = "Fixture"
    frame["period_start"] = pd.NaT
    frame["as_of_date"] = pd.to_datetime(
        [
            "2017-04-23",
            "2017-04-23",
            "2017-08-31",
            "2017-08-31",
            "2017-08-31",
            "2017-06-29",
            "2024-01-01",
        ]
    )
    return frame


# HRW-shaped: 9+ returned of 41+ detained; 92 detained, 46 returned and 46 held; 51+ detained
# inside the 92; and a returned count inside a wider returned count.
COUNTS = _counts(
    [
        ("2017_apr_detained", "detained", 41, None, "at_least", ()),
        ("2017_apr_returned", "returned", 9, None, "at_least", ("2017_apr_detained",)),
        ("2017_sep_detained", "detained", 92, 92, "exact", ()),
        ("2017_sep_returned", "returned", 46, 46, "exact", ("2017_sep_detained",)),
        ("2017_sep_held", "still_held", 40, 40, "exact", ("2017_sep_detained",)),
        ("2017_jun_detained", "detained", 51, None, "at_least", ("2017_sep_detained",)),
        ("2024_returned_part", "returned", 60, 60, "about", ("2017_sep_returned",)),
    ]
)


def test_total_adds_independent_counts() -> None:
    assert aggregates.total(COUNTS, ["2017_apr_detained", "2017_sep_detained"]) == 41 + 92


def test_total_refuses_counts_linked_by_part_of_even_through_a_chain() -> None:
    with pytest.raises(ValueError, match="never add"):
        aggregates.total(COUNTS, ["2017_sep_detained", "2017_jun_detained"])
    with pytest.raises(ValueError, match="2024_returned_part is part of"):
        aggregates.total(COUNTS, ["2024_returned_part", "2017_sep_detained"])


def test_implied_shares_divide_an_outcome_by_its_detention_count() -> None:
    shares = aggregates.implied_shares(COUNTS).set_index("count_id")
    # Detained-in-detained and returned-in-returned give no outcome share.
    assert sorted(shares.index) == ["2017_apr_returned", "2017_sep_held", "2017_sep_returned"]
    assert shares.loc["2017_apr_returned", "share"] == pytest.approx(9 / 41)
    assert not shares.loc["2017_apr_returned", "exact"]
    assert shares.loc["2017_sep_returned", "share"] == pytest.approx(0.5)
    assert shares.loc["2017_sep_held", "share"] == pytest.approx(40 / 92)
    assert shares.loc["2017_sep_held", "exact"]


def test_returned_share_of_decided_leaves_the_still_held_out() -> None:
    table = aggregates.returned_share_of_decided(aggregates.implied_shares(COUNTS))
    row = table.set_index("detained_count").loc["2017_sep_detained"]
    assert row["decided"] == 92 - 40
    assert row["returned_share"] == pytest.approx(46 / 52)
    assert len(table) == 1  # the 41 has no exact held figure


def test_published_counts_mark_parts_and_open_floors() -> None:
    table = aggregates.published_counts(COUNTS).set_index("count_id")
    assert table.loc["2017_apr_detained", "low"] == 41
    assert pd.isna(table.loc["2017_apr_detained", "high"])
    assert not table.loc["2017_apr_detained", "is_part"]
    assert table.loc["2017_sep_held", "is_part"]
    assert table.loc["2017_sep_held", "part_of"] == "2017_sep_detained"


def test_arrivals_share_of_women() -> None:
    arrivals = pd.DataFrame(
        {
            "year": [2003, 2002],
            "arrivals": pd.array([1285, 1142], dtype="Int64"),
            "men": pd.array([474, pd.NA], dtype="Int64"),
            "women": pd.array([811, pd.NA], dtype="Int64"),
        }
    )
    table = aggregates.arrivals_by_year(arrivals)
    assert list(table["year"]) == [2002, 2003]
    assert pd.isna(table.loc[0, "share_women"])
    assert table.loc[1, "share_women"] == pytest.approx(811 / 1285)


def _cases(rows: list[tuple]) -> pd.DataFrame:
    columns = ["case_id", "onset", "outcome", "outcome_latest", "part_of", "decided_by"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["outcome_latest"] = pd.to_datetime(frame["outcome_latest"])
    return frame


CASES = _cases(
    [
        (
            "2002_mission",
            "foreign_mission_entry",
            "reached_south_or_third_country",
            "2002-05-01",
            "",
            "china",
        ),
        ("2009_returned", "unknown", "returned", "2009-10-08", "", "china"),
        ("2012_returned", "raid", "returned", "2012-03-08", "", "china"),
        ("2013_laos", "third_country_handover", "returned", "2013-05-28", "", "third_country"),
        ("2014_freed", "police_check", "freed_in_china", "2014-09-01", "", "china"),
        ("2018_returned", "border_arrest", "returned", "2018-11-30", "", "china"),
        ("2023_part", "unknown", "returned", "2023-10-31", "2023_mass", "china"),
        ("2023_mass", "unknown", "returned", "2023-10-09", "", "china"),
        ("2017_open", "police_check", "unknown", None, "", "unknown"),
        ("2019_mixed", "unknown", "mixed", "2019-06-01", "", "china"),
    ]
)


def test_base_rate_counts_only_china_s_standalone_decisions_on_detentions() -> None:
    rate = aggregates.case_base_rate(CASES)
    # Counted: 2009, 2012, 2018, 2023_mass returned; no reach-the-South among detentions.
    assert (rate.released, rate.returned) == (0, 4)
    assert rate.not_counted == {"freed_in_china": 1, "mixed": 1}
    assert rate.overlaps == 1  # 2023_part
    assert rate.not_china == 2  # 2013_laos and 2017_open
    # Beta(1, 5): mean 1/6; the quantile q of Beta(1, b) is 1 - (1 - q)^(1/b).
    assert rate.estimate == pytest.approx(1 / 6)
    assert rate.low == pytest.approx(1 - 0.9 ** (1 / 5))
    assert rate.high == pytest.approx(1 - 0.1 ** (1 / 5))


def test_base_rate_as_of_a_day_counts_outcomes_known_by_then() -> None:
    rate = aggregates.case_base_rate(CASES, as_of="2017-04-24")
    assert (rate.released, rate.returned) == (0, 2)
    assert rate.not_counted == {"freed_in_china": 1}


def test_base_rate_with_any_exit_short_of_return_as_release() -> None:
    rate = aggregates.case_base_rate(CASES, release=aggregates.RELEASE_OR_FREED)
    assert (rate.released, rate.returned) == (1, 4)
    assert rate.estimate == pytest.approx(2 / 7)  # Beta(2, 5)


def test_before_table_needs_no_part_of_or_decided_by() -> None:
    before = CASES.drop(columns=["part_of", "decided_by"]).replace(
        {"outcome": {"reached_south_or_third_country": "released", "freed_in_china": "released"}}
    )
    rate = aggregates.case_base_rate(before, release=aggregates.RELEASE_BEFORE)
    # Every detention counts now: 2009, 2012, 2013, 2018, both 2023 returned; 2014 released.
    assert (rate.released, rate.returned) == (1, 6)
    assert rate.overlaps == 0 and rate.not_china == 0


def test_grid_has_one_row_per_table_and_day() -> None:
    grid = aggregates.base_rate_grid(
        {"a": (CASES, aggregates.RELEASE), "b": (CASES, aggregates.RELEASE_OR_FREED)},
        {"then": "2017-04-24", "today": None},
    )
    assert list(zip(grid["table"], grid["as_of"], strict=True)) == [
        ("a", "then"),
        ("a", "today"),
        ("b", "then"),
        ("b", "today"),
    ]
    assert list(grid["released"]) == [0, 0, 1, 1]
    assert list(grid["returned"]) == [2, 4, 2, 4]


def test_with_onsets_takes_the_other_coder_s_onset() -> None:
    other = pd.DataFrame(
        {"case_id": ["2009_returned", "2014_freed"], "onset": ["legal_exit", "raid"]}
    )
    swapped = aggregates.with_onsets(CASES.iloc[[1, 4]], other)
    assert list(swapped["onset"]) == ["legal_exit", "raid"]
    assert aggregates.case_base_rate(swapped).returned == 0  # a legal exit is no detention


def _latest(row: pd.Series) -> str:
    """The last possible outcome day, written out again here as the oracle."""
    precision, start = row["outcome_precision"], row["outcome_date"]
    if precision == "unknown":
        return ""
    if precision == "day":
        return start
    year, month = int(start[:4]), int(start[5:7])
    if precision == "year":
        return f"{year}-12-31"
    if precision == "month":
        return str((pd.Period(f"{year}-{month:02d}", "M").end_time).date())
    return row["outcome_date_end"]


def test_before_table_is_the_commit_s_case_table() -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    shown = subprocess.run(
        [git, "-C", str(PROJECT_ROOT), "show", f"{aggregates.BEFORE_COMMIT}:data/cases.csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        pytest.skip(f"commit {aggregates.BEFORE_COMMIT} is not in this checkout's history")
    old = pd.read_csv(io.StringIO(shown.stdout), dtype=str, keep_default_na=False)
    stored = pd.read_csv(aggregates.CASES_BEFORE_PATH, dtype=str, keep_default_na=False)
    assert list(stored["case_id"]) == list(old["case_id"])
    assert list(stored["onset"]) == list(old["onset"])
    assert list(stored["outcome"]) == list(old["outcome"])
    assert list(stored["outcome_latest"]) == [_latest(row) for _, row in old.iterrows()]


def test_before_table_loads_typed() -> None:
    before = aggregates.load_cases_before()
    assert len(before) == 42
    assert set(before["outcome"]) == {"released", "returned", "mixed", "unknown"}
    assert before["outcome_latest"].dtype.kind == "M"


def test_describe_rate_says_what_it_leaves_out() -> None:
    sentence = aggregates.describe_rate(aggregates.case_base_rate(CASES))
    assert sentence.startswith("0 released and 4 returned of 4 detentions decided by China")
    assert "not counted: 1 freed in China, 1 mixed" in sentence  # the code in words
    assert "1 overlapping and 2 not known to be decided by China left out" in sentence
    assert sentence.endswith(f"P(release) = 0.17, 80% interval {1 - 0.9**0.2:.2f}-0.37.")
