"""Loading and validating the data tables.

Every problem is reported as ``file:line: column: what is wrong (got X, expected Y)``, with the
physical line of the CSV (the header is line 1). Loading collects every problem in every table
before it raises, so a user fixes a file in one pass. Nothing here writes a file.
"""

from __future__ import annotations

import csv
import functools
import io
import operator
import os
import re
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis import paths
from analysis.schema import (
    ACTORS,
    ARRIVAL_YEARS,
    ARRIVALS,
    BOOLEANS,
    CASES,
    COUNTS,
    EVENTS,
    SCENARIOS,
    SECOND_CODING,
    TABLES,
    WINDOW_PRECISIONS,
    Column,
    TableSchema,
)

LIST_SEPARATOR = ";"
URL_PATTERN = re.compile(r"https?://\S+")
# ASCII digits only: int(), float() and \d also accept other scripts' digits and 1_000.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# Whole numbers are stored as int64: 18 digits always fit, and int() of thousands of digits
# raises instead of answering.
MAX_DIGITS = 18
# C0 controls (but tab, LF and CR) and DEL: XML and SVG cannot carry them, browsers hide them.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Any piece of an input quoted in a message is cut to this many characters and escaped.
EXCERPT = 60
PLAIN_NAME = re.compile(r"[A-Za-z0-9_]{1,60}")
# matplotlib's date axes fail on years such as 0001 and 9999 (and windows that end past them);
# the record spans decades, so a century either side is room enough (see data/codebook.csv).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
# (start, end, precision) column triples checked with the same date-window rules.
DATE_TRIPLES = {
    "events": (("date", "date_end", "date_precision"),),
    "cases": (
        ("detained_date", "detained_date_end", "detained_precision"),
        ("outcome_date", "outcome_date_end", "outcome_precision"),
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a table; ``line`` is the CSV's physical line, header = 1."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class DataValidationError(ValueError):
    """Raised by the loaders when a table breaks a rule; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data:\n{lines}")


class Dataset(NamedTuple):
    """The validated tables, typed: dates as datetime64, categories as pandas Categoricals."""

    events: pd.DataFrame
    actors: pd.DataFrame
    cases: pd.DataFrame
    scenarios: pd.DataFrame
    weights: pd.DataFrame
    counts: pd.DataFrame
    arrivals: pd.DataFrame
    second_coding: pd.DataFrame
    questions: pd.DataFrame


def _got(value: str) -> str:
    """A short, escaped excerpt of an input for a message: never the whole of a long value."""
    return repr(value) if len(value) <= EXCERPT else repr(value[: EXCERPT - 3] + "...")


def _fits(value: str) -> bool:
    """A whole number short enough for int() and int64 (longer ones are reported as such)."""
    return bool(WHOLE_NUMBER.fullmatch(value)) and len(value.lstrip("-")) <= MAX_DIGITS


def _short(number: str) -> str:
    """A checked number as typed, cut to the excerpt length (it holds only digits, - and .)."""
    return number if len(number) <= EXCERPT else number[: EXCERPT - 3] + "..."


@functools.lru_cache(maxsize=1 << 16)  # lists repeat (actors, sources) and are split 2-3 times
def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())


@dataclass
class _RawTable:
    """A table as read from disk: string cells with their line numbers, before typing."""

    schema: TableSchema
    file: str
    rows: list[dict[str, str]]
    lines: list[int]
    problems: list[Problem]

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, message))


def _read_csv(path: Path, schema: TableSchema) -> _RawTable:
    """Read a CSV as text; BOMs and Windows line endings are accepted."""
    table = _RawTable(schema, path.name, [], [], [])
    text = _read_text(path, table)
    if text is None:
        return table
    # newline="" keeps line breaks inside quoted cells; str.splitlines would also split on
    # Unicode separators such as U+2028 and cut a row in two.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            table.problem(1, "-", "file is empty (expected a header row naming the columns)")
            return table
        header = [cell.strip() for cell in header]
        for name in schema.column_names:
            if name not in header:
                table.problem(1, name, "missing column (expected it in the header)")
            elif header.count(name) > 1:
                table.problem(
                    1, name, f"duplicate column (got it {header.count(name)} times, expected once)"
                )
        for name in dict.fromkeys(header):
            if name not in schema.column_names:
                # The column slot shows the name: a plain one as it is, any other one escaped and
                # shortened like a value (a header line can be anything, a secret included).
                shown = name if PLAIN_NAME.fullmatch(name) else _got(name)
                table.problem(1, shown, "unexpected column (not in data/codebook.csv)")
        if table.problems:
            return table
        previous_end = reader.line_num
        has_control = CONTROL.search(text) is not None  # one pass, then cell by cell if any
        for cells in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not "".join(cells).strip():
                continue
            if len(cells) != len(header):
                table.problem(
                    line,
                    "-",
                    f"row has {len(cells)} fields (expected {len(header)}, one per column)",
                )
                continue
            row = dict(zip(header, map(str.strip, cells), strict=True))
            for name, cell in row.items() if has_control else ():
                control = CONTROL.search(cell)
                if control:
                    table.problem(
                        line,
                        name,
                        f"a control character (got {control.group()!r} at character "
                        f"{control.start() + 1}, expected printable text)",
                    )
            table.rows.append(row)
            table.lines.append(line)
    except csv.Error as error:
        table.problem(reader.line_num, "-", f"malformed CSV ({error})")
    return table


def _read_text(path: Path, table: _RawTable) -> str | None:
    """The file's text, or None after recording why it cannot be used.

    A table must be a regular file directly in its data folder: a link (to /proc/self/environ,
    say) or a device is refused before anything is read from it.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        table.problem(0, "-", f"file not found (expected {path})")
        return None
    except OSError as error:
        table.problem(0, "-", f"cannot be read ({error.strerror or type(error).__name__})")
        return None
    if stat.S_ISLNK(info.st_mode):
        table.problem(0, "-", "is a symbolic link (expected a regular file in the data folder)")
        return None
    if not stat.S_ISREG(info.st_mode):
        table.problem(0, "-", "not a regular file (expected a CSV file in the data folder)")
        return None
    if path.resolve().parent != path.parent.resolve():
        table.problem(0, "-", "resolves outside the data folder (expected a file inside it)")
        return None
    try:
        # O_NOFOLLOW: a link swapped in after the check above is refused, not followed.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as handle:
            data = handle.read()
    except OSError as error:
        table.problem(0, "-", f"cannot be read ({error.strerror or type(error).__name__})")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        table.problem(0, "-", f"not UTF-8 text (byte {error.start} cannot be decoded)")
        return None


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, flags=re.ASCII)


def _cell_problems(table: _RawTable) -> dict[int, list[tuple[str, str]]]:
    """Every cell's problems, by line: (column, message) pairs in column order.

    Each distinct value of a column is checked once: values repeat a lot (categories, dates,
    id lists), so a long table is checked several times faster than cell by cell.
    """
    by_line: dict[int, list[tuple[str, str]]] = {}
    scratch = _RawTable(table.schema, table.file, [], [], [])
    for column in table.schema.columns:
        values = list(map(operator.itemgetter(column.name), table.rows))
        bad: dict[str, tuple[str, ...]] = {}
        for value in set(values):
            _check_cell(scratch, 0, column, value)
            if scratch.problems:
                bad[value] = tuple(problem.message for problem in scratch.problems)
                scratch.problems.clear()
        if bad:
            for value, line in zip(values, table.lines, strict=True):
                for message in bad.get(value, ()):
                    by_line.setdefault(line, []).append((column.name, message))
    return by_line


def _check_cell(table: _RawTable, line: int, column: Column, value: str) -> None:
    """Check one cell against its column's kind, allowed values and bounds."""
    if not value:
        if column.required:
            table.problem(line, column.name, "empty (expected a value)")
        return
    kind = column.kind
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            table.problem(
                line, column.name, f"not a valid date (got {_got(value)}, expected YYYY-MM-DD)"
            )
            return
        if not ISO_DATE.fullmatch(value):
            table.problem(
                line, column.name, f"not a valid date (got {_got(value)}, expected YYYY-MM-DD)"
            )
        elif not FIRST_DAY <= date.fromisoformat(value) <= LAST_DAY:
            table.problem(
                line,
                column.name,
                f"out of range (got {value}, expected {FIRST_DAY} to {LAST_DAY}, "
                "the years the charts can draw)",
            )
    elif kind == "category_list":
        for item in _split_list(value):
            if item not in column.allowed:
                table.problem(
                    line,
                    column.name,
                    f"not an allowed value (got {_got(item)}, "
                    f"expected one of {', '.join(column.allowed)})",
                )
    elif kind in ("category", "boolean", "code"):
        allowed = column.allowed or BOOLEANS
        if value not in allowed:
            table.problem(
                line,
                column.name,
                f"not an allowed value (got {_got(value)}, expected one of {', '.join(allowed)})",
            )
    elif kind == "integer":
        if not WHOLE_NUMBER.fullmatch(value):
            table.problem(
                line, column.name, f"not a whole number (got {_got(value)}, expected an integer)"
            )
            return
        digits = len(value.lstrip("-"))
        if digits > MAX_DIGITS:
            message = f"out of range (got {digits} digits, expected at most {MAX_DIGITS})"
            table.problem(line, column.name, message)
            return
        number = int(value)
        low = column.minimum if column.minimum is not None else number
        high = column.maximum if column.maximum is not None else number
        if not low <= number <= high:
            bounds = f"{low} to {high}" if column.maximum is not None else f"{low} or more"
            table.problem(line, column.name, f"out of range (got {number}, expected {bounds})")
    elif kind == "number":
        if not DECIMAL.fullmatch(value):
            message = f"not a number (got {_got(value)}, expected a decimal such as 0.5)"
            table.problem(line, column.name, message)
            return
        number = float(value)
        if not column.minimum <= number <= column.maximum:
            message = (
                f"out of range (got {_short(value)}, "
                f"expected {column.minimum:g} to {column.maximum:g})"
            )
            table.problem(line, column.name, message)
    elif kind == "id":
        if column.pattern and not _pattern(column.pattern).fullmatch(value):
            message = f"malformed id (got {_got(value)}, expected {column.expected})"
            table.problem(line, column.name, message)
    elif kind == "url_list":
        urls = _split_list(value)
        for url in urls:
            if not URL_PATTERN.fullmatch(url):
                table.problem(
                    line,
                    column.name,
                    f"not a URL (got {_got(url)}, expected http:// or https://...)",
                )
    elif kind == "text" and column.max_length and len(value) > column.max_length:
        table.problem(
            line,
            column.name,
            f"too long (got {len(value)} characters, expected at most {column.max_length})",
        )


def _check_date_triple(
    table: _RawTable, line: int, row: dict[str, str], triple: tuple[str, str, str]
) -> None:
    """A date, its window end and its precision must agree (see data/codebook.csv)."""
    start_name, end_name, precision_name = triple
    start, end, precision = row[start_name], row[end_name], row[precision_name]
    try:
        start_day = date.fromisoformat(start) if start else None
        end_day = date.fromisoformat(end) if end else None
    except ValueError:
        return  # already reported as a bad date
    if precision == "unknown":
        for name, value in ((start_name, start), (end_name, end)):
            if value:
                table.problem(
                    line, name, f"a date with precision unknown (got {_got(value)}, expected empty)"
                )
        return
    if start_day is None:
        if not table.schema.column(start_name).required:  # required ones are already reported
            table.problem(
                line, start_name, f"empty (expected a date, since {precision_name} is {precision})"
            )
        return
    if precision in WINDOW_PRECISIONS:
        if end_day is None:
            table.problem(
                line,
                end_name,
                f"empty (expected the last day of the window for precision {precision})",
            )
        elif end_day <= start_day:
            table.problem(
                line, end_name, f"not after {start_name} (got {end}, expected a date after {start})"
            )
        return
    if end_day is not None:
        table.problem(
            line, end_name, f"a window end with precision {precision} (got {end}, expected empty)"
        )
    if precision == "month" and start_day.day != 1:
        table.problem(
            line,
            start_name,
            f"not the first of the month (got {start}, expected precision month to use day 01)",
        )
    if precision == "year" and (start_day.month, start_day.day) != (1, 1):
        table.problem(
            line,
            start_name,
            f"not 1 January (got {start}, expected precision year to use MM-DD 01-01)",
        )


def _check_sources(table: _RawTable, line: int, row: dict[str, str]) -> None:
    """Publishers and kinds pair one-to-one with source_urls."""
    urls = _split_list(row["source_urls"])
    for name, noun in (("source_publishers", "publishers"), ("source_kinds", "kinds")):
        values = _split_list(row[name])
        if urls and values and len(urls) != len(values):
            table.problem(
                line,
                name,
                f"does not match source_urls (got {len(values)} {noun}, "
                f"expected {len(urls)}, one per URL)",
            )


def _check_events_row(
    table: _RawTable, line: int, row: dict[str, str], actor_ids: set[str], case_ids: set[str]
) -> None:
    actors = _split_list(row["actor_ids"])
    for name in ("actor_ids", "target_ids"):
        for actor in _split_list(row[name]):
            if actor_ids and actor not in actor_ids:
                table.problem(
                    line,
                    name,
                    f"unknown actor (got {_got(actor)}, expected an actor_id from actors.csv)",
                )
    if actors and actors[0] in _split_list(row["target_ids"]):
        table.problem(
            line,
            "target_ids",
            f"the acting actor as its own target (got {_got(actors[0])}, "
            "expected others than the first of actor_ids)",
        )
    factor, direction, intensity = row["factor"], row["direction"], row["intensity"]
    if factor == "neither":
        if direction and direction != "none":
            table.problem(
                line,
                "direction",
                f"a direction for factor neither (got {_got(direction)}, expected none)",
            )
        if intensity and intensity != "0":
            table.problem(
                line, "intensity", f"an intensity for factor neither (got {intensity}, expected 0)"
            )
    elif factor:
        if direction == "none":
            table.problem(
                line,
                "direction",
                f"no direction for factor {factor} (got 'none', expected up or down)",
            )
        if intensity == "0":
            table.problem(
                line, "intensity", f"zero intensity for factor {factor} (got 0, expected 1 to 3)"
            )
    kind = row["pressure_kind"]
    if factor == "pressure" and not kind:
        table.problem(
            line, "pressure_kind", "empty (expected detainees or general, since factor is pressure)"
        )
    elif factor and factor != "pressure" and kind:
        table.problem(
            line,
            "pressure_kind",
            f"a pressure kind for factor {factor} (got {_got(kind)}, expected empty)",
        )
    case_id, scope = row["case_id"], row["scope"]
    if scope == "case" and not case_id:
        table.problem(
            line, "case_id", "empty (expected the case this event belongs to, since scope is case)"
        )
    elif scope == "context" and case_id:
        table.problem(
            line, "case_id", f"a case for a context event (got {_got(case_id)}, expected empty)"
        )
    well_formed = re.fullmatch(table.schema.column("case_id").pattern or ".*", case_id)
    if case_id and well_formed and case_ids and case_id not in case_ids:  # else reported above
        table.problem(
            line,
            "case_id",
            f"unknown case (got {_got(case_id)}, expected a case_id from cases.csv)",
        )


def _check_episodes(table: _RawTable) -> None:
    """An episode id names the episode's first event: same factor, dated on or before this one."""
    firsts = {row["event_id"]: row for row in table.rows if row["event_id"] and not row["episode"]}
    members = {row["event_id"]: row["episode"] for row in table.rows if row["episode"]}
    for row, line in zip(table.rows, table.lines, strict=True):
        episode = row["episode"]
        if not episode:
            continue
        if episode == row["event_id"]:
            table.problem(
                line,
                "episode",
                f"names the event itself (got {_got(episode)}, expected empty on an episode's "
                "first event)",
            )
            continue
        first = firsts.get(episode)
        if first is None:
            if episode in members:
                message = (
                    f"not an episode's first event (got {_got(episode)}, which belongs to "
                    f"episode {members[episode]}; expected {members[episode]})"
                )
            else:
                message = f"unknown event (got {_got(episode)}, expected an event_id of this table)"
            table.problem(line, "episode", message)
            continue
        if first["factor"] != row["factor"]:
            table.problem(
                line,
                "episode",
                f"first event of another factor (got {episode} with factor {first['factor']}, "
                f"expected factor {row['factor']})",
            )
        dated = ISO_DATE.fullmatch(first["date"]) and ISO_DATE.fullmatch(row["date"])
        if dated and first["date"] > row["date"]:  # ISO dates order as text
            table.problem(
                line,
                "episode",
                f"first event dated after this one (got {episode} on {first['date']}, "
                f"expected on or before {row['date']})",
            )


def _check_cases_row(table: _RawTable, line: int, row: dict[str, str]) -> None:
    low, high = row["group_size_low"], row["group_size_high"]
    if _fits(low) and _fits(high) and int(high) < int(low):
        table.problem(
            line, "group_size_high", f"below group_size_low (got {high}, expected {low} or more)"
        )
    if row["campaign"] == "true" and not row["campaign_by"]:
        table.problem(
            line, "campaign_by", "empty (expected who campaigned, since campaign is true)"
        )
    if row["campaign"] == "false" and row["campaign_by"]:
        table.problem(
            line,
            "campaign_by",
            f"a campaigner without a campaign (got {_got(row['campaign_by'])}, expected empty)",
        )
    if row["outcome"] == "unknown" and row["outcome_precision"] not in ("", "unknown"):
        table.problem(
            line,
            "outcome_precision",
            f"a dated outcome that is unknown (got {row['outcome_precision']}, expected unknown)",
        )
    detained, outcome = row["detained_date"], row["outcome_date"]
    if ISO_DATE.fullmatch(detained) and ISO_DATE.fullmatch(outcome):
        try:
            if date.fromisoformat(outcome) < date.fromisoformat(detained):
                table.problem(
                    line,
                    "outcome_date",
                    f"before detained_date (got {outcome}, expected {detained} or later)",
                )
        except ValueError:
            pass  # already reported as a bad date
    _check_decision_tension(table, line, row)
    _check_part_of(table, line, row)


def _check_decision_tension(table: _RawTable, line: int, row: dict[str, str]) -> None:
    """Tension at the decision is coded exactly when the outcome is dated, with its reason."""
    level, rationale = row["tension_decision_level"], row["tension_decision_rationale"]
    dated = row["outcome_precision"] not in ("", "unknown")
    if dated and not level:
        table.problem(
            line,
            "tension_decision_level",
            "empty (expected 0, 1 or 2, since the outcome is dated)",
        )
    if not dated and level:
        table.problem(
            line,
            "tension_decision_level",
            f"a level for an undated outcome (got {_got(level)}, expected empty)",
        )
    if level and not rationale:
        table.problem(
            line,
            "tension_decision_rationale",
            "empty (expected why, since tension_decision_level is given)",
        )
    if rationale and not level:
        table.problem(
            line,
            "tension_decision_rationale",
            f"a rationale without a level (got {_got(rationale)}, expected empty)",
        )


def _check_part_of(table: _RawTable, line: int, row: dict[str, str]) -> None:
    """part_of names another case of the same table, so counts can drop the overlapping row."""
    parent = row["part_of"]
    if not parent:
        return
    if parent == row["case_id"]:
        table.problem(
            line, "part_of", f"the case itself (got {_got(parent)}, expected another case)"
        )
    elif parent not in {other["case_id"] for other in table.rows}:
        table.problem(
            line, "part_of", f"unknown case (got {_got(parent)}, expected a case_id of cases.csv)"
        )


def _check_scenarios_row(table: _RawTable, line: int, row: dict[str, str]) -> None:
    """Factor levels are given, or taken from the events as of a date: one or the other."""
    if row["as_of"]:
        return
    for name in ("pressure", "tension"):
        if not row[name]:
            table.problem(
                line,
                name,
                "empty (expected a level in [0, 1], or an as_of date to take it from the events)",
            )


def _check_table(table: _RawTable, actor_ids: set[str], case_ids: set[str]) -> None:
    schema = table.schema
    first_line: dict[str, int] = {}
    cell_problems = _cell_problems(table)
    for row, line in zip(table.rows, table.lines, strict=True):
        for name, message in cell_problems.get(line, ()):
            table.problem(line, name, message)
        row_id = row[schema.id_column]
        if row_id in first_line:
            table.problem(
                line,
                schema.id_column,
                f"duplicate id (got {_got(row_id)}, expected unique; "
                f"first on line {first_line[row_id]})",
            )
        elif row_id:
            first_line[row_id] = line
        for triple in DATE_TRIPLES.get(schema.name, ()):
            _check_date_triple(table, line, row, triple)
        if "source_urls" in schema.column_names:
            _check_sources(table, line, row)
        if schema is EVENTS:
            _check_events_row(table, line, row, actor_ids, case_ids)
        elif schema is CASES:
            _check_cases_row(table, line, row)
        elif schema is SCENARIOS:
            _check_scenarios_row(table, line, row)
        elif schema is SECOND_CODING and case_ids and row_id and row_id not in case_ids:
            table.problem(
                line,
                "case_id",
                f"unknown case (got {_got(row_id)}, expected a case_id from cases.csv)",
            )
    if not table.rows and not table.problems:
        table.problem(2, "-", "no data rows (expected at least one row after the header)")
    elif schema is EVENTS:
        _check_one_detention(table)
        _check_episodes(table)
    elif schema is COUNTS:
        _check_counts(table)
    elif schema is ARRIVALS:
        _check_arrivals(table)


def _check_one_detention(table: _RawTable) -> None:
    """A case's day 0: each case counts days from its one detention event."""
    lines_by_case: dict[str, list[int]] = {}
    for row, line in zip(table.rows, table.lines, strict=True):
        if row["scope"] == "case" and row["event_type"] == "detention":
            lines_by_case.setdefault(row["case_id"], []).append(line)
    if not lines_by_case:
        table.problem(
            0, "event_type", "no case event of type detention (expected exactly one: day 0)"
        )
    for lines in lines_by_case.values():
        for line in lines[1:]:
            table.problem(
                line,
                "event_type",
                "a second case detention (got one, expected exactly one; "
                f"first on line {lines[0]})",
            )


def _day(value: str) -> date | None:
    """A cell's date, or None when it is empty or already reported as malformed."""
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _whole(value: str) -> int | None:
    """A cell's whole number, or None when it is empty or already reported as malformed."""
    return int(value) if WHOLE_NUMBER.fullmatch(value) else None


def _check_count_values(table: _RawTable, line: int, row: dict[str, str]) -> None:
    """value_high must fit how the source words the number (see VALUE_QUALIFIERS)."""
    qualifier, low, high = row["value_qualifier"], _whole(row["value_low"]), row["value_high"]
    if qualifier in ("at_least", "more_than"):
        if high:
            table.problem(
                line,
                "value_high",
                f"a top for a floor (got {high}, expected empty, since value_qualifier is "
                f"{qualifier})",
            )
    elif qualifier in ("exact", "about", "range") and low is not None:
        top = _whole(high)
        if not high:
            message = f"empty (expected a number, since value_qualifier is {qualifier})"
            table.problem(line, "value_high", message)
        elif top is None:
            return  # already reported as not a whole number
        elif qualifier == "range" and top <= low:
            table.problem(
                line, "value_high", f"not above value_low (got {top}, expected more than {low})"
            )
        elif qualifier != "range" and top != low:
            table.problem(
                line,
                "value_high",
                f"not equal to value_low (got {top}, expected {low}, since value_qualifier is "
                f"{qualifier}; use range for two numbers)",
            )


def _check_counts(table: _RawTable) -> None:
    """Dates in order, values that fit their qualifier, part_of naming other counts."""
    ids = {row["count_id"] for row in table.rows}
    for row, line in zip(table.rows, table.lines, strict=True):
        published, precision = _day(row["published_date"]), row["date_precision"]
        if published and precision == "month" and published.day != 1:
            table.problem(
                line,
                "published_date",
                f"not the first of the month (got {published}, expected precision month to use "
                "day 01)",
            )
        if published and precision == "year" and (published.month, published.day) != (1, 1):
            table.problem(
                line,
                "published_date",
                f"not 1 January (got {published}, expected precision year to use MM-DD 01-01)",
            )
        start, as_of = _day(row["period_start"]), _day(row["as_of_date"])
        if start and as_of and as_of < start:
            table.problem(
                line, "as_of_date", f"before period_start (got {as_of}, expected {start} or later)"
            )
        if as_of and published and precision == "day" and as_of > published:
            table.problem(
                line,
                "as_of_date",
                f"after published_date (got {as_of}, expected {published} or earlier)",
            )
        _check_count_values(table, line, row)
        for wider in _split_list(row["part_of"]):
            if wider not in ids or wider == row["count_id"]:
                table.problem(
                    line,
                    "part_of",
                    f"not another count (got {_got(wider)}, expected a different count_id "
                    "from counts.csv)",
                )


def _check_arrivals(table: _RawTable) -> None:
    """One row a year; a figure cites a source; an empty figure says why; splits add up."""
    years = {_whole(row["year"]) for row in table.rows}
    for year in ARRIVAL_YEARS:
        if year not in years:
            table.problem(
                0,
                "year",
                f"no row for {year} (expected one row for every year {ARRIVAL_YEARS[0]} to "
                f"{ARRIVAL_YEARS[-1]}; leave arrivals empty if it cannot be sourced)",
            )
    for row, line in zip(table.rows, table.lines, strict=True):
        arrivals, men, women = (_whole(row[name]) for name in ("arrivals", "men", "women"))
        if not row["arrivals"]:
            if not row["disagreement"]:
                table.problem(
                    line,
                    "disagreement",
                    "empty (expected why the year cannot be sourced, since arrivals is empty)",
                )
            for name in ("men", "women"):
                if row[name]:
                    table.problem(
                        line,
                        name,
                        f"a split without a total (got {row[name]}, expected empty, since "
                        "arrivals is empty)",
                    )
        elif not row["source_urls"]:
            table.problem(
                line, "source_urls", "empty (expected a source, since arrivals has a figure)"
            )
        if None not in (arrivals, men, women) and men + women != arrivals:
            table.problem(
                line,
                "women",
                f"men and women do not add up to arrivals (got {men} + {women} = "
                f"{men + women}, expected {arrivals})",
            )


def _latest_and_mid(
    start: pd.Series, end: pd.Series, precision: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Last possible day of each dated window, and its middle day (the point estimate)."""
    month_end = start + pd.offsets.MonthEnd(0)
    year_end = start + pd.offsets.YearEnd(0)
    latest = start.copy()
    latest = latest.mask(precision == "month", month_end)
    latest = latest.mask(precision == "year", year_end)
    latest = latest.mask(precision.isin(WINDOW_PRECISIONS), end)
    middle = start + ((latest - start) / 2).dt.floor("D")
    return latest, middle


def _to_frame(table: _RawTable) -> pd.DataFrame:
    """Type the string cells of a valid table; add derived window columns for date triples."""
    frame = pd.DataFrame(table.rows, columns=list(table.schema.column_names))
    for column in table.schema.columns:
        values = frame[column.name]
        if column.kind == "date":
            frame[column.name] = pd.to_datetime(values.replace("", None), format="%Y-%m-%d").astype(
                "datetime64[s]"
            )
        elif column.kind == "category":
            # An empty optional category (pressure_kind) becomes missing, not an unknown value.
            frame[column.name] = pd.Categorical(
                values.replace("", None), categories=list(column.allowed)
            )
        elif column.kind == "integer":
            # Optional whole numbers (a count's open top, an unsourced year) stay nullable.
            frame[column.name] = (
                values.astype("int64")
                if column.required
                else pd.to_numeric(values.replace("", None)).astype("Int64")
            )
        elif column.kind == "number":
            frame[column.name] = pd.to_numeric(values.replace("", None)).astype("float64")
        elif column.kind == "boolean":
            frame[column.name] = values == "true"
        elif column.kind.endswith("_list"):
            frame[column.name] = values.map(_split_list)
    if table.schema is EVENTS:
        # Ordered by number, not text, so that E1000 sorts after E999 wherever ids break ties.
        ids = sorted(frame["event_id"], key=lambda event_id: int(event_id[1:]))
        frame["event_id"] = pd.Categorical(frame["event_id"], categories=ids, ordered=True)
    for start, end, precision in DATE_TRIPLES.get(table.schema.name, ()):
        stem = start.removesuffix("_date") if start != "date" else "date"
        latest, middle = _latest_and_mid(frame[start], frame[end], frame[precision].astype(str))
        frame[f"{stem}_latest"] = latest
        frame[f"{stem}_mid"] = middle
    return frame


def validate_data(data_dir: Path | str | None = None) -> list[Problem]:
    """Every problem in the tables of ``data_dir`` (default: the project's data/); [] when valid."""
    return _read_and_check(Path(data_dir) if data_dir is not None else paths.DATA_DIR)[1]


def _read_and_check(data_dir: Path) -> tuple[dict[str, _RawTable], list[Problem]]:
    tables = {schema.name: _read_csv(data_dir / schema.filename, schema) for schema in TABLES}
    actors, cases = tables[ACTORS.name], tables[CASES.name]
    actor_ids = {row["actor_id"] for row in actors.rows if row["actor_id"]}
    # Without a readable cases table, event case_ids are checked against the id pattern only.
    case_ids = {row["case_id"] for row in cases.rows if row["case_id"]}
    for table in tables.values():
        if not table.problems:
            _check_table(table, actor_ids, case_ids)
    return tables, [problem for table in tables.values() for problem in table.problems]


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate every table; raises DataValidationError listing all problems."""
    tables, problems = _read_and_check(Path(data_dir) if data_dir is not None else paths.DATA_DIR)
    if problems:
        raise DataValidationError(problems)
    return Dataset(**{name: _to_frame(table) for name, table in tables.items()})


def load_cases(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The historical cases, typed, plus ``detained_latest/_mid`` and ``outcome_latest/_mid``."""
    return load_dataset(data_dir).cases


def lane_order(actors: pd.DataFrame) -> list[str]:
    """Timeline lanes in the order they first appear in actors.csv (top lane first)."""
    return list(dict.fromkeys(actors["lane"]))


def summary_line(dataset: Dataset, data_dir: Path | str | None = None) -> str:
    """One line for the command line: row counts and source coverage."""
    folder = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    counts = ", ".join(
        f"{len(frame)} {name}" for name, frame in zip(Dataset._fields, dataset, strict=True)
    )
    return f"OK: {folder}: {counts}; every row cites a source"
