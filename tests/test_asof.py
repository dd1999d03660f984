"""The as-of filter, the blind packets and the agreement under both coding rules, on hand-made
toys whose expected values are worked out by hand in the comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.cli import main
from analysis.data import asof_tables
from analysis.data.dataset import load_codebook, load_dataset
from analysis.record import asof, codings

DECIDED, UNDECIDED = "2010_decided", "2011_undecided"
# The decided case's outcome window opens on 10 May 2017: its forecast day is 9 May. The
# undecided one was detained 3-17 March 2017 and has no outcome: its forecast day is the
# window's last day plus a month, 17 April.
CASES = pd.DataFrame(
    {
        "case_id": [DECIDED, UNDECIDED],
        "title": ["Decided group reaches Seoul", "Undecided group"],
        "detained_date": pd.to_datetime(["2017-05-02", "2017-03-03"]),
        "detained_date_end": pd.to_datetime([None, "2017-03-17"]),
        "detained_precision": ["day", "range"],
        "detained_latest": pd.to_datetime(["2017-05-02", "2017-03-17"]),
        "outcome": ["reached_south_or_third_country", "unknown"],
        "outcome_date": pd.to_datetime(["2017-05-10", None]),
        "outcome_date_end": pd.to_datetime(["2017-05-12", None]),
        "outcome_precision": ["approximate", "unknown"],
        "source_urls": [
            (
                "https://a.example/day-before",
                "https://a.example/decision-day",
                "https://a.example/undated",
                "https://a.example/may",
                "https://a.example/april",
            ),
            ("https://b.example/last-day", "https://b.example/day-after"),
        ],
    }
)
# The second coder added one source to the decided case, dated a week before its decision.
SECOND = pd.DataFrame(
    {"case_id": [DECIDED], "sources_used": [("https://a.example/day-before", "https://c.example")]}
)
DATES = pd.DataFrame(
    [
        ("https://a.example/day-before", "2017-05-09", "day"),
        ("https://a.example/decision-day", "2017-05-10", "day"),
        ("https://a.example/undated", None, "unknown"),
        ("https://a.example/may", "2017-05-01", "month"),  # may be as late as 31 May
        ("https://a.example/april", "2017-04-01", "month"),  # 30 April at the latest
        ("https://b.example/last-day", "2017-04-17", "day"),
        ("https://b.example/day-after", "2017-04-18", "day"),
        ("https://c.example", "2017-05-03", "day"),
    ],
    columns=["url", "published_date", "date_precision"],
).assign(published_date=lambda frame: pd.to_datetime(frame["published_date"]))


def _statuses() -> dict[tuple[str, str], str]:
    filtered = asof.filter_sources(CASES, SECOND, DATES)
    pairs = zip(filtered["case_id"], filtered["url"], strict=True)
    return dict(zip(pairs, filtered["status"], strict=True))


def test_the_day_before_the_decision_is_kept_the_decision_day_and_undated_are_not() -> None:
    status = _statuses()
    assert status[(DECIDED, "https://a.example/day-before")] == "kept"
    assert status[(DECIDED, "https://a.example/decision-day")] == "on_or_after_decision"
    assert status[(DECIDED, "https://a.example/undated")] == "undated"


def test_a_month_date_is_kept_only_when_the_whole_month_is_before_the_decision() -> None:
    status = _statuses()
    assert status[(DECIDED, "https://a.example/april")] == "kept"
    assert status[(DECIDED, "https://a.example/may")] == "on_or_after_decision"


def test_without_a_decision_the_sources_count_to_a_month_after_detention() -> None:
    status = _statuses()
    assert status[(UNDECIDED, "https://b.example/last-day")] == "kept"
    assert status[(UNDECIDED, "https://b.example/day-after")] == "on_or_after_decision"


def test_the_second_coders_extra_source_is_filtered_too_and_counted_once() -> None:
    filtered = asof.filter_sources(CASES, SECOND, DATES)
    decided = filtered[filtered["case_id"] == DECIDED]
    assert list(decided["url"]).count("https://a.example/day-before") == 1
    assert _statuses()[(DECIDED, "https://c.example")] == "kept"
    summary = asof.filter_summary(filtered).set_index("case_id")
    # decided: kept day-before, april, c.example; later: decision-day, may; undated: one.
    assert summary.loc[DECIDED, ["kept", "on_or_after_decision", "undated"]].tolist() == [3, 2, 1]
    assert summary.loc[UNDECIDED, ["kept", "on_or_after_decision", "undated"]].tolist() == [1, 1, 0]


def test_the_packet_carries_no_outcome_no_outcome_date_and_no_decision_date() -> None:
    # Without the day-before source the latest kept source is 3 May, so the forecast day
    # (9 May) must not be in the packet either.
    dates = DATES[DATES["url"] != "https://a.example/day-before"]
    cases = CASES.assign(source_urls=CASES["source_urls"].map(lambda urls: urls[1:]))
    second = SECOND.assign(sources_used=[("https://c.example",)])
    filtered = asof.filter_sources(cases, second, dates)
    packet = asof.coding_packets(cases, filtered, load_codebook())[asof.neutral_id(DECIDED)]
    for withheld in ("2017-05-10", "2017-05-12", "2017-05-09", "reached_south", "Seoul", DECIDED):
        assert withheld not in packet
    assert "2017-05-02" in packet  # the detention date is given
    assert "https://c.example (published 2017-05-03" in packet
    assert "https://a.example/may" not in packet and "undated" not in packet


def test_no_real_packet_names_its_case_outcome_or_outcome_dates() -> None:
    data = load_dataset()
    dates = asof_tables.load_asof_table("source_dates")
    filtered = asof.filter_sources(data.cases, data.second_coding, dates)
    packets = asof.coding_packets(data.cases, filtered, load_codebook())
    assert packets
    outcomes = ("returned", "reached_south", "freed_in_china", "left_legally", "died_in_custody")
    for case in data.cases.itertuples():
        packet = packets.get(asof.neutral_id(case.case_id))
        if packet is None:
            continue
        assert case.case_id not in packet and case.title not in packet
        assert not any(outcome in packet for outcome in outcomes)
        detained = {str(case.detained_date)[:10], str(case.detained_date_end)[:10]}
        for withheld in (case.outcome_date, case.outcome_date_end):
            if pd.notna(withheld) and str(withheld)[:10] not in detained:
                assert str(withheld)[:10] not in packet


def _coded(rows: list[tuple]) -> pd.DataFrame:
    columns = ["case_id", "onset", "pressure_level", "tension_level", "tension_decision_level"]
    return pd.DataFrame(rows, columns=columns)


# The first coding of four cases, a second coding that agrees on pressure exactly, and an
# as-of coding of the same four plus nothing of a fifth case nobody re-coded.
FIRST = _coded(
    [
        ("2001_a", "raid", 0, 0, "0"),
        ("2002_b", "raid", 1, 0, "1"),
        ("2003_c", "police_check", 2, 1, "1"),
        ("2004_d", "border_arrest", 2, 1, "2"),
        ("2005_e", "raid", 1, 2, "2"),
    ]
)
SECOND_CODING = FIRST.iloc[:4].copy()
AS_OF = _coded(
    [
        ("2001_a", "raid", 0, 0, "0"),
        ("2002_b", "raid", 2, 1, "1"),
        ("2003_c", "police_check", 2, 1, "1"),
        ("2004_d", "border_arrest", 1, 1, "2"),
    ]
)


def test_alpha_of_the_as_of_coding_by_hand_beside_the_second_coding() -> None:
    table = codings.agreement_by_rule(
        FIRST, {"second coding": SECOND_CODING, "as of": AS_OF}
    ).set_index("variable")
    # Pressure, first 0,1,2,2 against as-of 0,2,2,1: n_0 = 2, n_1 = 2, n_2 = 4 (n = 8);
    # ordinal distances d01 = 4, d12 = 9, d02 = 25; D_o = 2 * 2 * 9 / 8 = 4.5;
    # D_e = 2 (4*4 + 8*25 + 8*9) / 56 = 576 / 56; alpha = 1 - 4.5 * 56 / 576 = 9/16.
    assert table.loc["pressure_level", "alpha as of"] == pytest.approx(9 / 16)
    # Tension at detention, 0,0,1,1 against 0,1,1,1: two values, so the nominal 16/30.
    assert table.loc["tension_level", "alpha as of"] == pytest.approx(16 / 30)
    assert table.loc["pressure_level", "alpha second coding"] == pytest.approx(1.0)
    assert table.loc["onset", "alpha as of"] == pytest.approx(1.0)
    assert table["cases as of"].tolist() == [4, 4, 4, 4]
    assert list(table.index) == list(codings.CODED_COLUMNS)


def test_the_coders_rows_map_back_to_cases_and_lose_an_undecided_decision_level() -> None:
    coded = pd.DataFrame(
        {
            "packet_id": [asof.neutral_id(UNDECIDED), asof.neutral_id(DECIDED)],
            "onset": ["police_check", "raid"],
            "pressure_level": [0, 2],
            "pressure_rationale": ["none", "a government asked"],
            "tension_level": [2, 1],
            "tension_decision_level": [2, 1],
            "tension_rationale": ["a test", "friction"],
            "sources_used": ["https://b.example/last-day", "https://c.example"],
        }
    )
    rows = asof.asof_coding(coded, CASES)
    assert rows["case_id"].tolist() == [DECIDED, UNDECIDED]
    assert rows["tension_decision_level"].tolist() == ["1", ""]
    assert rows["pressure_level"].tolist() == [2, 0]
    with pytest.raises(ValueError, match="packet ids of no case"):
        asof.asof_coding(coded.assign(packet_id=["P00000000", "P11111111"]), CASES)


def test_validate_names_a_source_date_that_breaks_the_rules(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, folder)
    table = folder / "source_dates.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    url = lines[1].split(",")[0]
    lines[1] = f"{url},2004-07-30,unknown,unknown,"
    lines[2] = lines[2].replace(",month,url,", ",month,unknown,")
    table.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    data = load_dataset(folder)
    messages = [
        str(p)
        for p in asof_tables.asof_problems(
            folder,
            set(data.cases["case_id"]),
            set(asof.case_sources(data.cases, data.second_coding)["url"]),
        )
    ]
    assert messages[0] == (
        "source_dates.csv:2: published_date: a date with precision unknown "
        "(got '2004-07-30', expected empty)"
    )
    assert messages[1].startswith("source_dates.csv:3: date_basis: does not match date_precision")
    assert messages[-1].startswith("source_dates.csv:1: url: a source of the cases has no row")
    assert len(messages) == 3


def test_validate_exits_2_on_a_bad_source_date_and_packets_stay_out_of_the_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, folder)
    table = folder / "source_dates.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",day,url,", ",year,url,")  # 2004-07-30 is no year's first day
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(folder)]) == 2
    assert "source_dates.csv:2: published_date: not the first day of its year" in (
        capsys.readouterr().err
    )
    inside = paths.PROJECT_ROOT / "build" / "packets"
    assert main(["packets", str(inside)]) == 2
    assert "is inside the project" in capsys.readouterr().err
    assert not inside.exists()
    assert main(["packets", str(tmp_path / "packets")]) == 0
    written = sorted(path.name for path in (tmp_path / "packets").iterdir())
    data = load_dataset()
    filtered = asof.filter_sources(
        data.cases, data.second_coding, asof_tables.load_asof_table("source_dates")
    )
    expected = [
        f"{asof.neutral_id(case)}.txt"
        for case in set(filtered.loc[filtered["status"] == "kept", "case_id"])
    ]
    assert written == sorted([*expected, "INSTRUCTIONS.txt"])
