"""Loading and validation of the data tables: each rule has a broken fixture."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.data.dataset import lane_order, load_dataset, validate_data
from analysis.data.schema import EVENTS
from analysis.data.tables import DataValidationError
from analysis.paths import DATA_DIR
from tests.conftest import VALID_FIXTURE


def problems_as_text(folder: Path) -> list[str]:
    return [str(problem) for problem in validate_data(folder)]


def test_valid_fixture_has_no_problems() -> None:
    assert validate_data(VALID_FIXTURE) == []


# Each case: file, text to replace, replacement, the start of the expected problem line.
BROKEN = {
    "bad date": (
        "events.csv",
        "E002,2017-04-01",
        "E002,2017-13-01",
        "events.csv:3: date: not a valid date (got '2017-13-01', expected YYYY-MM-DD)",
    ),
    "date in another format": (
        "events.csv",
        "E004,2017-04-24",
        "E004,24/04/2017",
        "events.csv:5: date: not a valid date (got '24/04/2017'",
    ),
    "unknown actor": (
        "events.csv",
        "china;ngo,summit",
        "china;nobody,summit",
        "events.csv:4: actor_ids: unknown actor (got 'nobody', expected an actor_id from actors.csv)",
    ),
    "duplicate event id": (
        "events.csv",
        "E003,",
        "E001,",
        "events.csv:4: event_id: duplicate id (got 'E001', expected unique; first on line 2)",
    ),
    "malformed event id": (
        "events.csv",
        "E003,",
        "e3,",
        "events.csv:4: event_id: malformed id (got 'e3', expected E followed by three digits, or more without a leading zero (E001, E1000))",
    ),
    "category not allowed": (
        "events.csv",
        "sanction,163,pressure",
        "sanction,163,presure",
        "events.csv:3: factor: not an allowed value (got 'presure', expected one of pressure, tension, neither)",
    ),
    "cameo code that lost its leading zero": (
        "events.csv",
        "appeal,0253",
        "appeal,253",
        "events.csv:5: cameo_code: not an allowed value (got '253'",
    ),
    "intensity out of range": (
        "events.csv",
        "pressure,up,3",
        "pressure,up,5",
        "events.csv:3: intensity: out of range (got 5, expected 0 to 3)",
    ),
    "intensity not a number": (
        "events.csv",
        "pressure,up,3",
        "pressure,up,high",
        "events.csv:3: intensity: not a whole number (got 'high', expected an integer)",
    ),
    "range ending before it starts": (
        "events.csv",
        "2017-04-06,2017-04-07,range",
        "2017-04-06,2017-04-05,range",
        "events.csv:4: date_end: not after date (got 2017-04-05, expected a date after 2017-04-06)",
    ),
    "approximate date without a window end": (
        "events.csv",
        "2017-03-11,2017-03-20,approximate",
        "2017-03-11,,approximate",
        "events.csv:2: date_end: empty (expected the last day of the window for precision approximate)",
    ),
    "day precision with a window end": (
        "events.csv",
        "2017-04-24,,day",
        "2017-04-24,2017-04-25,day",
        "events.csv:5: date_end: a window end with precision day (got 2017-04-25, expected empty)",
    ),
    "month precision not on the first": (
        "events.csv",
        "2017-04-01,,month",
        "2017-04-15,,month",
        "events.csv:3: date: not the first of the month (got 2017-04-15",
    ),
    "row without a source": (
        "events.csv",
        "https://example.org/2,Example,",
        ",Example,",
        "events.csv:3: source_urls: empty (expected a value)",
    ),
    "source that is not a URL": (
        "events.csv",
        "https://example.org/2,",
        "example.org/2,",
        "events.csv:3: source_urls: not a URL (got 'example.org/2', expected http:// or https://...)",
    ),
    "publishers not matching URLs": (
        "events.csv",
        "Example; Example Two,ngo_report",
        "Example,ngo_report",
        "events.csv:5: source_publishers: does not match source_urls (got 1 publishers, expected 2",
    ),
    "factor neither with a direction": (
        "events.csv",
        "neither,none,0",
        "neither,up,0",
        "events.csv:2: direction: a direction for factor neither (got 'up', expected none)",
    ),
    "factor with zero intensity": (
        "events.csv",
        "tension,down,2",
        "tension,down,0",
        "events.csv:4: intensity: zero intensity for factor tension (got 0, expected 1 to 3)",
    ),
    "title too long": (
        "events.csv",
        "Fixture summit",
        "F" * 61,
        "events.csv:4: title: too long (got 61 characters, expected at most 60)",
    ),
    "missing column": (
        "events.csv",
        "in_article,location",
        "in_article,place",
        "events.csv:1: location: missing column (expected it in the header)",
    ),
    "ragged row": (
        "events.csv",
        "Test city,https://example.org/2,Example,",
        "Test city,https://example.org/2,Example",
        "events.csv:3: -: row has 22 fields (expected 23, one per column)",
    ),
    "second case detention": (
        "events.csv",
        "case,Fixture appeal,A fixture appeal on one day.,ngo;group,appeal",
        "case,Fixture appeal,A fixture appeal on one day.,ngo;group,detention",
        "events.csv:5: event_type: a second case detention (got one, expected exactly one; first on line 2)",
    ),
    "no case detention": (
        "events.csv",
        "china;group,detention",
        "china;group,other",
        "events.csv:0: event_type: no case event of type detention (expected exactly one: day 0)",
    ),
    "digits of another script": (
        "events.csv",
        "pressure,up,3",
        "pressure,up,\u0663",
        "events.csv:3: intensity: not a whole number (got '\u0663', expected an integer)",
    ),
    "number with an underscore": (
        "weights.csv",
        "w_pressure,1.0,0.5",
        "w_pressure,1_0,0.5",
        "weights.csv:2: mean: not a number (got '1_0', expected a decimal such as 0.5)",
    ),
    "superscript group size": (
        "cases.csv",
        ",21,41,",
        ",\u00b2,41,",
        "cases.csv:3: group_size_low: not a whole number (got '\u00b2', expected an integer)",
    ),
    "duplicate actor id": (
        "actors.csv",
        "ngo,Fixture NGO",
        "group,Fixture NGO",
        "actors.csv:3: actor_id: duplicate id (got 'group', expected unique; first on line 2)",
    ),
    "malformed actor id": (
        "actors.csv",
        "ngo,Fixture NGO",
        "NGO 1,Fixture NGO",
        "actors.csv:3: actor_id: malformed id (got 'NGO 1'",
    ),
    "bad actor type": (
        "actors.csv",
        "Fixture NGO,organisation",
        "Fixture NGO,organization",
        "actors.csv:3: actor_type: not an allowed value (got 'organization'",
    ),
    "bad country code": (
        "actors.csv",
        "state,CHN",
        "state,China",
        "actors.csv:4: country: malformed id (got 'China', expected ISO 3166-1 alpha-3 code or INT)",
    ),
    "group size high below low": (
        "cases.csv",
        ",21,41,",
        ",41,21,",
        "cases.csv:3: group_size_high: below group_size_low (got 21, expected 41 or more)",
    ),
    "campaign without campaigner": (
        "cases.csv",
        "true,Example NGO,2",
        "true,,2",
        "cases.csv:2: campaign_by: empty (expected who campaigned, since campaign is true)",
    ),
    "unknown outcome with a dated precision": (
        "cases.csv",
        "unknown,,,unknown",
        "unknown,,,month",
        "cases.csv:4: outcome_precision: a dated outcome that is unknown (got month, expected unknown)",
    ),
    "outcome before detention": (
        "cases.csv",
        "reached_south_or_third_country,2002-03-15",
        "reached_south_or_third_country,2002-03-01",
        "cases.csv:2: outcome_date: before detained_date (got 2002-03-01, expected 2002-03-14 or later)",
    ),
    "unknown precision with a date": (
        "cases.csv",
        "2017-03-11,2017-03-20,approximate",
        "2017-03-11,,unknown",
        "cases.csv:4: detained_date: a date with precision unknown (got '2017-03-11', expected empty)",
    ),
    "known precision without a date": (
        "cases.csv",
        "2002-03-14,,day",
        ",,day",
        "cases.csv:2: detained_date: empty (expected a date, since detained_precision is day)",
    ),
    "scenario level out of range": (
        "scenarios.csv",
        "Fixture scenario with low levels.,0.1",
        "Fixture scenario with low levels.,1.5",
        "scenarios.csv:2: pressure: out of range (got 1.5, expected 0 to 1)",
    ),
    "scenario level not a number": (
        "scenarios.csv",
        "low levels.,0.1,0.1",
        "low levels.,0.1,high",
        "scenarios.csv:2: tension: not a number (got 'high', expected a decimal such as 0.5)",
    ),
    "scenario with neither levels nor a date": (
        "scenarios.csv",
        ",,2017-04-24,",
        ",,,",
        "scenarios.csv:3: pressure: empty (expected a level in [0, 1], or an as_of date to take it from the events)",
    ),
    "unknown weight": (
        "weights.csv",
        "w_tension,",
        "w_tensions,",
        "weights.csv:3: parameter: not an allowed value (got 'w_tensions', expected one of w_pressure, w_tension)",
    ),
    "negative spread of a weight": (
        "weights.csv",
        "w_pressure,1.0,0.5",
        "w_pressure,1.0,-0.5",
        "weights.csv:2: sd: out of range (got -0.5, expected 0 to 10)",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_rule_names_file_line_and_column(name: str, edit_table) -> None:
    filename, old, new, expected = BROKEN[name]
    folder = edit_table(filename, lambda text: text.replace(old, new, 1))
    problems = problems_as_text(folder)
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_listed_not_only_the_first(edit_table) -> None:
    folder = edit_table(
        "events.csv",
        lambda text: text.replace("E002,2017-04-01", "E002,2017-13-01").replace("E003,", "E001,"),
    )
    problems = problems_as_text(folder)
    assert any(p.startswith("events.csv:3: date:") for p in problems)
    assert any(p.startswith("events.csv:4: event_id:") for p in problems)


@pytest.mark.parametrize("content", ["", "\n", "  \n\n"])
def test_empty_file_is_reported(content: str, edit_table) -> None:
    folder = edit_table("actors.csv", lambda _: content)
    assert problems_as_text(folder) == [
        "actors.csv:1: -: file is empty (expected a header row naming the columns)"
    ]


def test_header_without_rows_is_reported(edit_table) -> None:
    folder = edit_table("cases.csv", lambda text: text.splitlines(keepends=True)[0])
    assert problems_as_text(folder) == [
        "cases.csv:2: -: no data rows (expected at least one row after the header)"
    ]


def test_missing_file_is_reported(data_copy: Path) -> None:
    (data_copy / "cases.csv").unlink()
    assert problems_as_text(data_copy) == [
        f"cases.csv:0: -: file not found (expected {data_copy / 'cases.csv'})"
    ]


def test_unexpected_column_is_reported(edit_table) -> None:
    folder = edit_table(
        "actors.csv",
        lambda text: "\n".join(line + ",x" for line in text.splitlines()).replace(
            "source_kinds,x", "source_kinds,notes", 1
        ),
    )
    assert problems_as_text(folder) == [
        "actors.csv:1: notes: unexpected column (not in data/codebook.csv)"
    ]


def test_non_utf8_file_is_reported(data_copy: Path) -> None:
    path = data_copy / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Fixture NGO", b"Fixture \xe9NGO"))
    [problem] = problems_as_text(data_copy)
    assert problem.startswith("actors.csv:0: -: not UTF-8 text (byte ")


def test_line_numbers_count_physical_lines_of_multiline_cells(edit_table) -> None:
    folder = edit_table(
        "events.csv",
        lambda text: text.replace(
            '"A fixture detention, mid-month."', '"A fixture\ndetention\nover lines."'
        ).replace("E002,2017-04-01", "E002,2017-13-01"),
    )
    assert any(
        p.startswith("events.csv:5: date: not a valid date") for p in problems_as_text(folder)
    )


def test_unicode_line_separator_inside_a_cell_stays_one_row_and_is_refused(edit_table) -> None:
    # Refused (other readers split a row on it), on the line of the row it sits in: one row.
    folder = edit_table(
        "events.csv", lambda text: text.replace("Fixture summit", "Fixture\u2028summit")
    )
    assert [str(problem) for problem in validate_data(folder)] == [
        "events.csv:4: title: a control or invisible character (got '\\u2028' at character 8, "
        "expected printable text)"
    ]


def test_bom_and_windows_line_endings_are_valid(data_copy: Path) -> None:
    for path in data_copy.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert validate_data(data_copy) == []
    assert list(load_dataset(data_copy).events["event_id"]) == ["E001", "E002", "E003", "E004"]


def test_loader_raises_with_every_problem(edit_table) -> None:
    folder = edit_table("events.csv", lambda text: text.replace("E003,", "E001,"))
    with pytest.raises(DataValidationError) as caught:
        load_dataset(folder)
    assert [str(p) for p in caught.value.problems] == problems_as_text(folder)


def test_loader_returns_typed_frames() -> None:
    events = load_dataset(VALID_FIXTURE).events
    assert events["date"].dtype.kind == "M"
    assert isinstance(events["factor"].dtype, pd.CategoricalDtype)
    assert list(events["factor"].cat.categories) == ["pressure", "tension", "neither"]
    assert events["intensity"].dtype == "int64"
    assert events["in_article"].tolist() == [True, False, False, True]
    assert events["actor_ids"].iloc[0] == ("china", "group")
    assert events["cameo_code"].iloc[3] == "0253"


def test_date_windows_give_latest_and_middle_day() -> None:
    events = load_dataset(VALID_FIXTURE).events.set_index("event_id")
    as_days = {
        column: events[column].dt.strftime("%Y-%m-%d").to_dict()
        for column in ("date_latest", "date_mid")
    }
    # approximate 11-20 March, a month, a two-day range, a single day
    assert as_days["date_latest"] == {
        "E001": "2017-03-20",
        "E002": "2017-04-30",
        "E003": "2017-04-07",
        "E004": "2017-04-24",
    }
    assert as_days["date_mid"] == {
        "E001": "2017-03-15",
        "E002": "2017-04-15",
        "E003": "2017-04-06",
        "E004": "2017-04-24",
    }


def test_unknown_dates_stay_missing() -> None:
    cases = load_dataset(VALID_FIXTURE).cases.set_index("case_id")
    assert pd.isna(cases.loc["2017_fixture_unknown", "outcome_date"])
    assert pd.isna(cases.loc["2017_fixture_unknown", "outcome_mid"])
    assert cases.loc["2017_fixture_unknown", "outcome"] == "unknown"


def test_lanes_follow_the_order_of_first_appearance() -> None:
    actors = load_dataset(VALID_FIXTURE).actors
    assert lane_order(actors) == ["Detained group", "Rights groups", "China"]
    assert lane_order(actors.iloc[::-1]) == ["China", "Rights groups", "Detained group"]


def test_validation_writes_nothing(edit_table) -> None:
    folder = edit_table("events.csv", lambda text: text.replace("E003,", "E001,"))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    validate_data(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_lines_split_as_stringio_does_and_chunks_read_as_one_pass(monkeypatch) -> None:
    """The line splitter against io.StringIO(newline=""), its oracle; and the chunked reader
    against one chunk: the same cells and lines across a chunk boundary."""
    import io

    from analysis.data import tables

    text = "a,b\r\nc,\u2028d\re\nf,g"
    assert list(tables._lines(text)) == list(io.StringIO(text, newline=""))
    path = DATA_DIR / "events.csv"
    whole = tables._read_csv(path, EVENTS)
    monkeypatch.setattr(tables, "CHUNK_ROWS", 7)
    chunked = tables._read_csv(path, EVENTS)
    assert (chunked.columns, chunked.lines) == (whole.columns, whole.lines)


@pytest.mark.parametrize("read_bytes", [1, 2, 3, 5, 64])
def test_text_read_in_pieces_splits_into_the_lines_of_one_decode(
    read_bytes, monkeypatch, tmp_path
) -> None:
    """Pieces cut at any byte (inside a \\r\\n, a quoted line break or a character of several
    bytes) give the lines one decode of the whole file gives (StringIO, the oracle)."""
    import io

    from analysis.data import tables

    text = 'id,note\r\n1,"two\r\nlines"\r\n2,\u00e9t\u00e9 \u2028x\r3,\U0001f600\nlast'
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    monkeypatch.setattr(tables, "READ_BYTES", read_bytes)
    table = tables._RawTable(EVENTS, "t.csv", {}, [], [])
    pieces = tables._read_text(path, table)
    assert table.problems == [] and all(piece.endswith("\n") for piece in pieces[:-1])
    assert list(tables._lines(pieces)) == list(io.StringIO(text, newline=""))
    assert pieces == []  # each piece let go once its lines were read


@pytest.mark.parametrize("read_bytes", [1, 4, 1 << 24])
def test_a_bad_byte_is_counted_in_the_whole_file_however_it_is_read(
    read_bytes, monkeypatch, tmp_path
) -> None:
    from analysis.data import tables

    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfid\n\xc3\xa9\n\xff\n")
    monkeypatch.setattr(tables, "READ_BYTES", read_bytes)
    table = tables._RawTable(EVENTS, "t.csv", {}, [], [])
    assert tables._read_text(path, table) is None
    # By hand: b"\xff" is byte 9 of the file, 6 after the byte-order mark's three, the way
    # bytes.decode("utf-8-sig") counts (id, newline, two bytes of é, newline).
    assert [p.message for p in table.problems] == ["not UTF-8 text (byte 6 cannot be decoded)"]
