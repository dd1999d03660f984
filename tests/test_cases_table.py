"""The case table's own rules: outcomes, overlaps, who decided, tension at the decision."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis.data.dataset import validate_data
from analysis.data.schema import SOURCE_KINDS
from analysis.paths import DATA_DIR

# Each case: text to replace in the fixture's cases.csv, replacement, the expected problem line.
# Fixture rows: line 2 a mission entry (level 0), line 3 a return (level 2), line 4 unknown.
BROKEN = {
    "old outcome word": (
        "police_check,returned,", "police_check,released,",
        "cases.csv:3: outcome: not an allowed value (got 'released', expected one of returned, "
        "reached_south_or_third_country, freed_in_china, left_legally, died_in_custody, mixed, "
        "unknown)",
    ),
    "outcome before detention": (
        "reached_south_or_third_country,2002-03-15", "reached_south_or_third_country,2002-03-01",
        "cases.csv:2: outcome_date: before detained_date "
        "(got 2002-03-01, expected 2002-03-14 or later)",
    ),
    "decider outside the vocabulary": (
        "china,2,", "beijing,2,",
        "cases.csv:3: decided_by: not an allowed value (got 'beijing', expected one of china, "
        "laos, vietnam, thailand, russia, mongolia, other_country, unknown)",
    ),
    "no decider": (
        ",china,0,", ",,0,",
        "cases.csv:2: decided_by: empty (expected a value)",
    ),
    "decision tension out of range": (
        "china,2,", "china,3,",
        "cases.csv:3: tension_decision_level: not an allowed value "
        "(got '3', expected one of 0, 1, 2)",
    ),
    "dated outcome without decision tension": (
        "china,0,Fixture decision rationale.", "china,,",
        "cases.csv:2: tension_decision_level: empty "
        "(expected 0, 1 or 2, since the outcome is dated)",
    ),
    "undated outcome with decision tension": (
        "blog_or_aggregator,,,unknown,,", "blog_or_aggregator,,,unknown,1,Why.",
        "cases.csv:4: tension_decision_level: a level for an undated outcome "
        "(got '1', expected empty)",
    ),
    "decision tension without rationale": (
        "china,2,Fixture decision rationale.", "china,2,",
        "cases.csv:3: tension_decision_rationale: empty (expected why, since "
        "tension_decision_level is given)",
    ),
    "rationale without decision tension": (
        "china,0,Fixture decision rationale.", "china,,Fixture decision rationale.",
        "cases.csv:2: tension_decision_rationale: a rationale without a level "
        "(got 'Fixture decision rationale.', expected empty)",
    ),
    "part of itself": (
        "blog_or_aggregator,,,unknown", "blog_or_aggregator,,2017_fixture_unknown,unknown",
        "cases.csv:4: part_of: the case itself (got '2017_fixture_unknown', expected another case)",
    ),
    "part of a missing case": (
        "blog_or_aggregator,,,unknown", "blog_or_aggregator,,2013_no_such_case,unknown",
        "cases.csv:4: part_of: unknown case "
        "(got '2013_no_such_case', expected a case_id of cases.csv)",
    ),
    "part of something that is not a case id": (
        "blog_or_aggregator,,,unknown", "blog_or_aggregator,,Shenyang,unknown",
        "cases.csv:4: part_of: malformed id (got 'Shenyang', expected the case_id of another case)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_case_rule_names_file_line_and_column(name: str, edit_table) -> None:
    old, new, expected = BROKEN[name]
    folder = edit_table("cases.csv", lambda text: text.replace(old, new, 1))
    problems = [str(problem) for problem in validate_data(folder)]
    assert any(p.startswith(expected) for p in problems), problems


def test_part_of_another_case_is_accepted(edit_table) -> None:
    folder = edit_table(
        "cases.csv",
        lambda text: text.replace(
            "blog_or_aggregator,,,unknown", "blog_or_aggregator,,2012_fixture_check,unknown", 1
        ),
    )
    assert validate_data(folder) == []


def _real_cases() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "cases.csv").open(encoding="utf-8", newline="") as handle:
        return {row["case_id"]: row for row in csv.DictReader(handle)}


def _kinds(row: dict[str, str]) -> list[str]:
    return [kind.strip() for kind in row["source_kinds"].split(";") if kind.strip()]


def test_every_real_row_grades_each_source_once() -> None:
    for case_id, row in _real_cases().items():
        urls = [url for url in row["source_urls"].split(";") if url.strip()]
        assert len(_kinds(row)) == len(urls), case_id
        assert set(_kinds(row)) <= set(SOURCE_KINDS), case_id


def test_at_most_five_percent_of_real_rows_rest_only_on_weak_sources() -> None:
    rows = _real_cases().values()
    weak = [row for row in rows if set(_kinds(row)) <= {"blog_or_aggregator", "state_media"}]
    assert len(weak) <= 0.05 * len(rows), [row["case_id"] for row in weak]


def test_real_corrections_of_issue_9_hold() -> None:
    cases = _real_cases()
    eight = cases["2017_shenyang_eight"]
    # Yonhap reported the arrest on 17 March 2017, so the window must close by then.
    assert eight["detained_date_end"] == "2017-03-17"
    assert eight["detained_precision"] in ("range", "approximate")
    # Reuters' source had the ten still in Shenyang on the morning of 6 November 2017.
    assert cases["2017_nov_shenyang_ten"]["outcome_date"] >= "2017-11-06"
    assert cases["2018_mar_kim_visit_arrests"]["outcome"] == "freed_in_china"
    assert cases["2013_laos_nine_via_china"]["decided_by"] == "laos"
    assert cases["2006_shenyang_six"]["onset"] == "foreign_mission_entry"
    assert cases["2023_kim_cheolok"]["part_of"] == "2023_oct_mass_repatriation"
    assert cases["2017_jul_yunnan_family_suicide"]["part_of"] == "2017_jul_aug_41"


def test_codebook_defines_each_outcome() -> None:
    path = Path(DATA_DIR) / "codebook.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [r for r in rows if (r["table"], r["column"]) == ("cases", "outcome")]
    for outcome in row["allowed_values"].split(";"):
        assert f"{outcome}:" in row["meaning"], outcome


def test_a_second_coding_of_an_unknown_case_is_named(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "valid"
    for table in fixture.glob("*.csv"):
        (tmp_path / table.name).write_bytes(table.read_bytes())
    coding = tmp_path / "second_coding.csv"
    lines = coding.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "1999_no_such_case" + lines[2][lines[2].index(",") :]
    coding.write_text("".join(lines), encoding="utf-8")
    assert [str(p) for p in validate_data(tmp_path)] == [
        "second_coding.csv:3: case_id: unknown case "
        "(got '1999_no_such_case', expected a case_id from cases.csv)"
    ]
