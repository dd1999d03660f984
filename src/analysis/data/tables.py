"""Reading the data tables: CSV text to string cells with line numbers, and the checks of one
cell and one date window.

Every problem is a ``Problem``: ``file:line: column: what is wrong (got X, expected Y)``, with the
physical line of the CSV (the header is line 1). Nothing here writes a file; the public loading
functions are in ``analysis.data``.
"""

from __future__ import annotations

import csv
import functools
import itertools
import os
import re
import stat
from _csv import Reader
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.data.schema import BOOLEANS, WINDOW_PRECISIONS, Column, TableSchema
from analysis.text import EXCERPT
from analysis.text import excerpt as _got

LIST_SEPARATOR = ";"
URL_PATTERN = re.compile(r"https?://\S+")
# ASCII digits only: int(), float() and \d also accept other scripts' digits and 1_000.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
WHOLE_NUMBER = re.compile(r"-?[0-9]+")
DECIMAL = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
# Whole numbers are stored as int64: 18 digits always fit, and int() of thousands of digits
# raises instead of answering.
MAX_DIGITS = 18
# Characters a cell may not hold. C0 controls (but tab, LF and CR), DEL and C1 controls: XML and
# SVG cannot carry them, browsers hide them. Bidi controls (U+061C, U+200E-F, U+202A-E,
# U+2066-9): U+202E shows the text after it reversed on a page. Invisible ones: the zero-width
# space, word joiners and a byte-order mark inside the text. Line and paragraph separators
# (U+2028-9): other readers split a row on them. Zero-width (non-)joiners stay allowed: some
# scripts and emoji need them.
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
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
    unga_votes: pd.DataFrame
    trade: pd.DataFrame
    contacts: pd.DataFrame
    unsc_votes: pd.DataFrame


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
    """A table as read from disk: string cells by column with their line numbers, before typing.

    ``columns`` maps each header name to the stripped cells of the data rows, in file order;
    ``lines[i]`` is the physical line of row ``i``.
    """

    schema: TableSchema
    file: str
    columns: dict[str, list[str]]
    lines: list[int]
    problems: list[Problem]

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.file, line, column, message))

    def row(self, index: int) -> dict[str, str]:
        """Row ``index`` (0-based, not a line number) as column name -> cell."""
        return {name: cells[index] for name, cells in self.columns.items()}

    @functools.cached_property
    def rows(self) -> list[dict[str, str]]:
        """Every row as a dict; built once, on first use (the small tables' rules use it)."""
        return [self.row(index) for index in range(len(self.lines))]


def _has_control(text: str) -> bool:
    """Whether ``text`` holds a CONTROL character, as ``CONTROL.search(text)`` would say.

    UTF-8 writes ASCII only as itself, so the ASCII controls are found by deleting every other
    byte in one C pass (bytes.translate), several times faster than the regex; the regex is
    needed only for a text that is not all ASCII.
    """
    if text.encode("utf-8").translate(None, _NOT_ASCII_CONTROL_BYTES):
        return True
    return not text.isascii() and CONTROL.search(text) is not None


_NOT_ASCII_CONTROL_BYTES = bytes(
    b for b in range(256) if not (b < 0x80 and CONTROL.fullmatch(chr(b)))
)


def _read_csv(path: Path, schema: TableSchema) -> _RawTable:
    """Read a CSV as text; BOMs and Windows line endings are accepted."""
    table = _RawTable(schema, path.name, {}, [], [])
    text = _read_text(path, table)
    if text is None:
        return table
    reader = csv.reader(_lines(text), strict=True)
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
        has_control = _has_control(text)
        if has_control or not _read_rows_fast(reader, header, table):
            # Start again after the header (the fast pass may have read on) and go line by line.
            reader = csv.reader(_lines(text), strict=True)
            next(reader)
            _read_rows(reader, header, has_control, table)
    except csv.Error as error:
        table.problem(reader.line_num, "-", f"malformed CSV ({error})")
    return table


# Lines as ``io.StringIO(text, newline="")`` gives them (ending in \r\n, \r or \n, kept), without
# its copy of the text at four bytes a character; str.splitlines would also split on Unicode
# separators such as U+2028 and cut a quoted cell in two.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# Rows are read and stored this many at a time: a table never sits in memory as rows and as
# columns at once.
CHUNK_ROWS = 8192


def _lines(text: str) -> Iterator[str]:
    return (match.group() for match in _LINE.finditer(text))


def _read_rows_fast(reader: Reader, header: list[str], table: _RawTable) -> bool:
    """The rows of a clean file, CHUNK_ROWS at a time; False (nothing stored) otherwise.

    Clean: it parses, every row has one field per column, and no row spans two lines, so row
    ``k`` after the header is on line ``header_end + 1 + k``. Any other file is left to
    ``_read_rows``, which reports its problems line by line. Equal cells of a column share one
    string (a long table repeats its categories, dates and actor ids thousands of times),
    except in a column whose first chunk is mostly distinct, where sharing would only cost
    memory.
    """
    header_end = reader.line_num
    width = len(header)
    columns: list[list[str]] = [[] for _ in header]
    shared: list[dict[str, str] | None] = [{} for _ in header]
    lines: list[int] = []
    read = 0
    try:
        while chunk := list(itertools.islice(reader, CHUNK_ROWS)):
            if reader.line_num != header_end + read + len(chunk):  # a quoted line break
                return False
            kept = []
            for line, cells in enumerate(chunk, start=header_end + read + 1):
                # A row whose first cell has text is not blank: the join is then needed only
                # rarely.
                if not (cells and cells[0].strip()) and not "".join(cells).strip():
                    continue
                if len(cells) != width:
                    return False
                kept.append(cells)
                lines.append(line)
            read += len(chunk)
            for index, cells in enumerate(zip(*kept, strict=True)):
                stripped = list(map(str.strip, cells))
                memo = shared[index]
                if memo is None:
                    columns[index].extend(stripped)
                    continue
                columns[index].extend(map(memo.setdefault, stripped, stripped))
                if len(columns[index]) >= CHUNK_ROWS and len(memo) > len(columns[index]) // 2:
                    shared[index] = None
    except csv.Error:
        return False
    table.lines = lines
    table.columns = dict(zip(header, columns, strict=True))
    return True


def _read_rows(reader: Reader, header: list[str], has_control: bool, table: _RawTable) -> None:
    """The rows after the header, line by line, recording every row's problems.

    A csv.Error propagates to the caller; the rows read before it are kept (the loaders check
    event case ids against whatever part of cases.csv could be read).
    """
    rows: list[dict[str, str]] = []
    previous_end = reader.line_num
    try:
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
                        f"a control or invisible character (got {control.group()!r} at "
                        f"character {control.start() + 1}, expected printable text)",
                    )
            rows.append(row)
            table.lines.append(line)
    finally:
        table.columns = {name: [row[name] for row in rows] for name in header}


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
