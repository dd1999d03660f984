"""The rules of each table: one cell (its kind, allowed values and bounds), one date window,
and those beyond one cell: events, episodes, cases, counts, arrivals, and the checks between
tables (actors, case ids, one detention per case).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date

from analysis.data.schema import (
    ARRIVAL_YEARS,
    ARRIVALS,
    BOOLEANS,
    CASES,
    CODEBOOK,
    CONTACTS,
    COUNTS,
    DOCUMENTED_TABLES,
    EVENTS,
    SCENARIOS,
    SECOND_CODING,
    TABLES,
    THIRD_COUNTRIES,
    TRADE,
    TRADE_YEARS,
    UNSC_VOTES,
    WINDOW_PRECISIONS,
    Column,
)
from analysis.data.tables import DATE_TRIPLES, _got, _RawTable, _split_list
from analysis.text import EXCERPT

URL_PATTERN = re.compile(r"https?://\S+")
# ASCII digits only: int(), float() and \d also accept other scripts' digits and 1_000.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# Whole numbers are stored as int64: 18 digits always fit, and int() of thousands of digits
# raises instead of answering.
MAX_DIGITS = 18
# matplotlib's date axes fail on years such as 0001 and 9999 (and windows that end past them);
# the record spans decades, so a century either side is room enough (see data/codebook.csv).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


def _fits(value: str) -> bool:
    """A whole number short enough for int() and int64 (longer ones are reported as such)."""
    return bool(WHOLE_NUMBER.fullmatch(value)) and len(value.lstrip("-")) <= MAX_DIGITS


def _short(number: str) -> str:
    """A checked number as typed, cut to the excerpt length (it holds only digits, - and .)."""
    return number if len(number) <= EXCERPT else number[: EXCERPT - 3] + "..."


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, flags=re.ASCII)


def _cell_problems(table: _RawTable) -> dict[int, list[tuple[str, str]]]:
    """Every cell's problems, by line: (column, message) pairs in column order.

    Each distinct value of a column is checked once: values repeat a lot (categories, dates,
    id lists), so a long table is checked several times faster than cell by cell. Ids, texts
    and categories are first screened with one test each (``_may_be_bad``); only the values
    that fail it go through ``_check_cell``, which words the message.
    """
    by_line: dict[int, list[tuple[str, str]]] = {}
    scratch = _RawTable(table.schema, table.file, {}, [], [])
    for column in table.schema.columns:
        values = table.columns[column.name]
        bad: dict[str, tuple[str, ...]] = {}
        for value in _may_be_bad(column, set(values)):
            _check_cell(scratch, 0, column, value)
            if scratch.problems:
                bad[value] = tuple(problem.message for problem in scratch.problems)
                scratch.problems.clear()
        if bad:
            for value, line in zip(values, table.lines, strict=True):
                for message in bad.get(value, ()):
                    by_line.setdefault(line, []).append((column.name, message))
    return by_line


def _may_be_bad(column: Column, values: set[str]) -> set[str] | list[str]:
    """The values of ``column`` that ``_check_cell`` could object to: all but the ones a single
    test clears (an id matching its pattern, a short enough text, an allowed category)."""
    kind = column.kind
    if kind == "id" and column.pattern:
        pattern = _pattern(column.pattern)
        return [value for value in values if not (value and pattern.fullmatch(value))]
    if kind == "id" or (kind in ("text", "id_list", "text_list") and not column.max_length):
        return [value for value in values if not value]  # only an empty cell can be wrong
    if kind == "text":
        return [value for value in values if not value or len(value) > column.max_length]
    if kind in ("category", "boolean", "code"):
        return values - set(column.allowed or BOOLEANS)
    return values


def _check_date_cell(table: _RawTable, line: int, column: Column, value: str) -> None:
    """A date: ISO, real, and within the years the charts can draw."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not ISO_DATE.fullmatch(value):
        table.problem(
            line, column.name, f"not a valid date (got {_got(value)}, expected YYYY-MM-DD)"
        )
    elif not FIRST_DAY <= day <= LAST_DAY:
        table.problem(
            line,
            column.name,
            f"out of range (got {value}, expected {FIRST_DAY} to {LAST_DAY}, "
            "the years the charts can draw)",
        )


def _check_integer_cell(table: _RawTable, line: int, column: Column, value: str) -> None:
    """A whole number of at most MAX_DIGITS digits, within the column's bounds."""
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


def _check_cell(table: _RawTable, line: int, column: Column, value: str) -> None:
    """Check one cell against its column's kind, allowed values and bounds."""
    if not value:
        if column.required:
            table.problem(line, column.name, "empty (expected a value)")
        return
    kind = column.kind
    if kind == "date":
        _check_date_cell(table, line, column, value)
    elif kind == "integer":
        _check_integer_cell(table, line, column, value)
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
    ids, episodes = table.columns["event_id"], table.columns["episode"]
    named = set(episodes) - {""}
    if not named:
        return
    # Only the events some episode names matter; a later duplicate id wins, as in a dict.
    firsts = {
        event_id: index
        for index, (event_id, episode) in enumerate(zip(ids, episodes, strict=True))
        if not episode and event_id in named
    }
    members = {
        event_id: episode
        for event_id, episode in zip(ids, episodes, strict=True)
        if episode and event_id in named
    }
    factors, dates = table.columns["factor"], table.columns["date"]
    for index, line in enumerate(table.lines):
        episode = episodes[index]
        if not episode:
            continue
        if episode == ids[index]:
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
        if factors[first] != factors[index]:
            table.problem(
                line,
                "episode",
                f"first event of another factor (got {episode} with factor {factors[first]}, "
                f"expected factor {factors[index]})",
            )
        dated = ISO_DATE.fullmatch(dates[first]) and ISO_DATE.fullmatch(dates[index])
        if dated and dates[first] > dates[index]:  # ISO dates order as text
            table.problem(
                line,
                "episode",
                f"first event dated after this one (got {episode} on {dates[first]}, "
                f"expected on or before {dates[index]})",
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
    cell_problems = _cell_problems(table)
    if schema is CODEBOOK:
        _check_codebook(table, cell_problems)
        return
    ids = table.columns[schema.id_column]
    # The line each id is first on (zip reversed: the earliest row is written last and wins).
    first_line = dict(zip(reversed(ids), reversed(table.lines), strict=True))
    repeated = len(first_line) != len(ids)
    if schema is EVENTS:
        _check_events_rows(
            table, cell_problems, first_line if repeated else {}, actor_ids, case_ids
        )
    else:
        _check_rows(table, cell_problems, first_line, case_ids)
    if not table.lines and not table.problems:
        table.problem(2, "-", "no data rows (expected at least one row after the header)")
    elif schema is EVENTS:
        _check_one_detention(table)
        _check_episodes(table)
    elif schema is COUNTS:
        _check_counts(table)
    elif schema is ARRIVALS:
        _check_arrivals(table)
    elif schema is TRADE:
        _check_trade(table)
    elif schema is CONTACTS:
        for row, line in zip(table.rows, table.lines, strict=True):
            _check_precise_day(table, line, row["date"], "date", row["date_precision"])
    elif schema is UNSC_VOTES:
        _check_unsc_votes(table)


def _check_rows(
    table: _RawTable,
    cell_problems: dict[int, list[tuple[str, str]]],
    first_line: dict[str, int],
    case_ids: set[str],
) -> None:
    """Row by row: each row's cell problems, then the rules of its table that span cells."""
    schema = table.schema
    for index in range(len(table.lines)):
        row, line = table.row(index), table.lines[index]
        for name, message in cell_problems.get(line, ()):
            table.problem(line, name, message)
        row_id = row[schema.id_column]
        if row_id and first_line[row_id] != line:
            _duplicate_id(table, line, row_id, first_line[row_id])
        for triple in DATE_TRIPLES.get(schema.name, ()):
            _check_date_triple(table, line, row, triple)
        if "source_urls" in schema.column_names:
            _check_sources(table, line, row)
        if schema is CASES:
            _check_cases_row(table, line, row)
        elif schema is SCENARIOS:
            _check_scenarios_row(table, line, row)
        elif schema is SECOND_CODING and case_ids and row_id and row_id not in case_ids:
            table.problem(
                line,
                "case_id",
                f"unknown case (got {_got(row_id)}, expected a case_id from cases.csv)",
            )


def _duplicate_id(table: _RawTable, line: int, row_id: str, first: int) -> None:
    table.problem(
        line,
        table.schema.id_column,
        f"duplicate id (got {_got(row_id)}, expected unique; first on line {first})",
    )


# The columns each group of event row rules reads, and nothing else: the date window
# (_check_date_triple), and the sources with the rest (_check_sources, _check_events_row).
EVENT_WINDOW_COLUMNS = DATE_TRIPLES["events"][0]
EVENT_ROW_COLUMNS = (
    "source_urls", "source_publishers", "source_kinds", "actor_ids", "target_ids", "factor",
    "direction", "intensity", "pressure_kind", "case_id", "scope",
)  # fmt: skip


def _check_events_rows(
    table: _RawTable,
    cell_problems: dict[int, list[tuple[str, str]]],
    first_line: dict[str, int],
    actor_ids: set[str],
    case_ids: set[str],
) -> None:
    """The row rules of events.csv, in the order the other tables check theirs row by row.

    The rules read only EVENT_WINDOW_COLUMNS or EVENT_ROW_COLUMNS, so each distinct
    combination of those cells is checked once (copies of an event share all but id and date)
    and its messages are given to every row that holds it. ``first_line`` is empty when no id
    repeats.
    """
    scratch = _RawTable(table.schema, table.file, {}, [], [])

    def messages(
        names: tuple[str, ...], check: Callable[[dict[str, str]], None]
    ) -> list[tuple[tuple[str, str], ...]]:
        keys = list(zip(*(table.columns[name] for name in names), strict=True))
        found: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}
        for key in set(keys):
            check(dict(zip(names, key, strict=True)))
            found[key] = tuple((problem.column, problem.message) for problem in scratch.problems)
            scratch.problems.clear()
        return [found[key] for key in keys]

    window = messages(
        EVENT_WINDOW_COLUMNS, lambda row: _check_date_triple(scratch, 0, row, EVENT_WINDOW_COLUMNS)
    )

    def check_row(row: dict[str, str]) -> None:
        _check_sources(scratch, 0, row)
        _check_events_row(scratch, 0, row, actor_ids, case_ids)

    rest = messages(EVENT_ROW_COLUMNS, check_row)
    ids, lines = table.columns["event_id"], table.lines
    flagged = {index for index, found in enumerate(window) if found}
    flagged.update(index for index, found in enumerate(rest) if found)
    if first_line:
        flagged.update(
            i for i, event_id in enumerate(ids) if event_id and first_line[event_id] != lines[i]
        )
    if cell_problems:
        index_of = {line: index for index, line in enumerate(lines)}
        flagged.update(index_of[line] for line in cell_problems)
    for index in sorted(flagged):
        line, event_id = lines[index], ids[index]
        for name, message in cell_problems.get(line, ()):
            table.problem(line, name, message)
        if event_id and first_line.get(event_id, line) != line:
            _duplicate_id(table, line, event_id, first_line[event_id])
        for name, message in (*window[index], *rest[index]):
            table.problem(line, name, message)


def _check_one_detention(table: _RawTable) -> None:
    """A case's day 0: each case counts days from its one detention event."""
    lines_by_case: dict[str, list[int]] = {}
    columns = table.columns
    for scope, event_type, case_id, line in zip(
        columns["scope"], columns["event_type"], columns["case_id"], table.lines, strict=True
    ):
        if scope == "case" and event_type == "detention":
            lines_by_case.setdefault(case_id, []).append(line)
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


def _check_every_year(table: _RawTable, years: range, figure: str) -> None:
    """A yearly series has a row for every year of ``years``; a year that cannot be sourced
    keeps its row with ``figure`` empty."""
    present = {_whole(row["year"]) for row in table.rows}
    for year in years:
        if year not in present:
            table.problem(
                0,
                "year",
                f"no row for {year} (expected one row for every year {years[0]} to "
                f"{years[-1]}; leave {figure} empty if it cannot be sourced)",
            )


def _check_arrivals(table: _RawTable) -> None:
    """One row a year; a figure cites a source; an empty figure says why; splits add up."""
    _check_every_year(table, ARRIVAL_YEARS, "arrivals")
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


def _check_precise_day(table: _RawTable, line: int, value: str, name: str, precision: str) -> None:
    """A month-precise date uses day 01, a year-precise one 1 January (as in counts.csv)."""
    day = _day(value)
    if day and precision == "month" and day.day != 1:
        table.problem(
            line,
            name,
            f"not the first of the month (got {day}, expected precision month to use day 01)",
        )
    if day and precision == "year" and (day.month, day.day) != (1, 1):
        table.problem(
            line, name, f"not 1 January (got {day}, expected precision year to use MM-DD 01-01)"
        )


def _check_trade(table: _RawTable) -> None:
    """One row a year; a figure cites a source and says who compiled it; a gap says why."""
    _check_every_year(table, TRADE_YEARS, "total_usd_million")
    for row, line in zip(table.rows, table.lines, strict=True):
        if row["total_usd_million"]:
            for name in ("source_urls", "reported_by"):
                if not row[name]:
                    table.problem(
                        line, name, "empty (expected a value, since total_usd_million is given)"
                    )
        else:
            if not row["note"]:
                table.problem(
                    line,
                    "note",
                    "empty (expected why the year cannot be sourced, since total_usd_million "
                    "is empty)",
                )
            for name in ("reported_by", "published_date", "source_urls"):
                if row[name]:
                    table.problem(
                        line,
                        name,
                        f"a value without a figure (got {_got(row[name])}, expected empty, "
                        "since total_usd_million is empty)",
                    )
        published, precision = row["published_date"], row["published_precision"]
        if published and not precision:
            table.problem(
                line,
                "published_precision",
                "empty (expected day, month or year, since published_date is given)",
            )
        if precision and not published:
            table.problem(
                line,
                "published_precision",
                f"a precision without a date (got {_got(precision)}, expected empty)",
            )
        _check_precise_day(table, line, published, "published_date", precision)


def _check_unsc_votes(table: _RawTable) -> None:
    """China's no is a veto; an adopted text had no veto from China."""
    for row, line in zip(table.rows, table.lines, strict=True):
        vote, outcome = row["china_vote"], row["outcome"]
        if vote == "no" and outcome and outcome != "vetoed":
            table.problem(
                line,
                "outcome",
                f"not a veto although China voted no (got {_got(outcome)}, expected vetoed)",
            )
        if outcome == "vetoed" and vote and vote != "no":
            table.problem(
                line,
                "china_vote",
                f"a veto without China's no (got {_got(vote)}, expected no; use not_adopted "
                "for another member's veto)",
            )


def _check_codebook(table: _RawTable, cell_problems: dict[int, list[tuple[str, str]]]) -> None:
    """The codebook documents each column of each table once, with the validator's type and
    requirement: a renamed, missing or mistyped row is reported, never left to drift."""
    if not table.lines:
        table.problem(2, "-", "no data rows (expected one row per column of each table)")
        return
    schemas = {schema.name: schema for schema in DOCUMENTED_TABLES}
    documented: dict[tuple[str, str], int] = {}
    for index, line in enumerate(table.lines):
        row = table.row(index)
        for name, message in cell_problems.get(line, ()):
            table.problem(line, name, message)
        schema = schemas.get(row["table"])
        if schema is None or line in cell_problems:
            continue
        key = (schema.name, row["column"])
        if key in documented:
            table.problem(
                line,
                "column",
                f"documented twice (got {_got(row['column'])} of {schema.filename}, expected "
                f"once; first on line {documented[key]})",
            )
            continue
        documented[key] = line
        if row["column"] not in schema.column_names:
            table.problem(
                line,
                "column",
                f"not a column of {schema.filename} (got {_got(row['column'])}, expected one "
                "the validator checks)",
            )
            continue
        column = schema.column(row["column"])
        kind = column.kind.replace("_", " ")
        if row["type"] != kind:
            table.problem(
                line, "type", f"not the validator's type (got {_got(row['type'])}, expected {kind})"
            )
        required = "yes" if column.required else "no"
        if row["required"] != required:
            table.problem(
                line,
                "required",
                f"not what the validator requires (got "
                f"{_got(row['required'])}, expected {required})",
            )
    if table.problems:
        return
    for schema in TABLES:
        for name in schema.column_names:
            if (schema.name, name) not in documented:
                table.problem(
                    1,
                    "column",
                    f"{schema.filename}'s column {name} is not documented (expected a row for it)",
                )


def _check_question_references(
    questions: _RawTable, case_ids: set[str], scenario_ids: set[str]
) -> None:
    """Each question's case is in cases.csv and its scenario, when given, in scenarios.csv (an
    empty set of ids: that table could not be read, and is reported on its own)."""
    for index, line in enumerate(questions.lines):
        row = questions.row(index)
        for name, known, table, expected in (
            ("case_id", case_ids, "cases.csv", "a case_id from cases.csv"),
            (
                "scenario_id",
                scenario_ids,
                "scenarios.csv",
                "a scenario_id from scenarios.csv, or empty",
            ),
        ):
            if known and row[name] and row[name] not in known:
                questions.problem(
                    line, name, f"not in {table} (got {_got(row[name])}, expected {expected})"
                )


def check_question_deciders(questions: _RawTable, cases: _RawTable) -> None:
    """Each question's decided_by is its case's (cases.csv; a case whose sources name no
    decider, unknown, takes the question's), and its class_deciders follow the codebook's
    class rule: its own decider alone, or every third country for a third country's question."""
    if questions.problems or cases.problems or "decided_by" not in questions.columns:
        return
    deciders = dict(zip(cases.columns["case_id"], cases.columns["decided_by"], strict=True))
    for index, line in enumerate(questions.lines):
        row = questions.row(index)
        expected = deciders.get(row["case_id"])
        if expected not in (None, "unknown") and row["decided_by"] != expected:
            questions.problem(
                line,
                "decided_by",
                f"not its case's decider (got "
                f"{_got(row['decided_by'])}, expected {expected!r}, the "
                f"decided_by of {row['case_id']} in cases.csv)",
            )
        drawn = tuple(part.strip() for part in row["class_deciders"].split(";"))
        allowed = [(row["decided_by"],)]
        if row["decided_by"] in THIRD_COUNTRIES:
            allowed.append(THIRD_COUNTRIES)
        if drawn not in allowed:
            questions.problem(
                line,
                "class_deciders",
                f"breaks the class rule (got "
                f"{_got(row['class_deciders'])}, expected "
                f"{' or '.join(repr('; '.join(a)) for a in allowed)})",
            )
