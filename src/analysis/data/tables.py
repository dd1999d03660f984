"""Reading the data tables: CSV text to string cells with line numbers (the checks of each
cell and row are ``analysis.data.rules``).

Every problem is a ``Problem``: ``file:line: column: what is wrong (got X, expected Y)``, with the
physical line of the CSV (the header is line 1). Nothing here writes a file; the public loading
functions are in ``analysis.data``.
"""

from __future__ import annotations

import codecs
import csv
import functools
import itertools
import os
import re
import stat
from _csv import Reader
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from analysis.data.schema import TableSchema
from analysis.text import excerpt as _got

LIST_SEPARATOR = ";"
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
    has_control = any(map(_has_control, text))
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
        if has_control or not _read_rows_fast(reader, header, table):
            # Start again after the header, line by line, from the file: the pieces read so
            # far are gone (``_lines`` lets each go once read).
            text = _read_text(path, table)
            if text is None:
                return table
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
# A table's bytes are read and decoded this many at a time (``_read_text``).
READ_BYTES = 1 << 24


def _lines(text: str | list[str]) -> Iterator[str]:
    """The lines of a text, or of a text in pieces that each end in a line break but the last
    (as ``_read_text`` gives it: no line spans two pieces). A list of pieces is emptied as it
    is read, so that each piece is freed once its lines are: a table is never in memory as
    text and as cells at once."""
    if isinstance(text, str):
        yield from (match.group() for match in _LINE.finditer(text))
        return
    text.reverse()
    while text:
        yield from (match.group() for match in _LINE.finditer(text.pop()))


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


def _read_text(path: Path, table: _RawTable) -> list[str] | None:
    """The file's text in pieces that each end in a line break but the last, or None after
    recording why it cannot be used. Read and decoded READ_BYTES at a time, so that the file's
    bytes and its text are never in memory whole at once.

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
    pieces, carry = [], ""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        # O_NOFOLLOW: a link swapped in after the check above is refused, not followed.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as handle:
            try:
                while chunk := handle.read(READ_BYTES):
                    text = carry + decoder.decode(chunk)
                    cut = text.rfind("\n") + 1  # a piece ends after its last line break
                    pieces.append(text[:cut])
                    carry = text[cut:]
                carry += decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                # The byte is counted in the whole file, as one decode of it counts it.
                handle.seek(0)
                try:
                    handle.read().decode("utf-8-sig")
                except UnicodeDecodeError as error:
                    table.problem(0, "-", f"not UTF-8 text (byte {error.start} cannot be decoded)")
                return None
    except OSError as error:
        table.problem(0, "-", f"cannot be read ({error.strerror or type(error).__name__})")
        return None
    return [piece for piece in [*pieces, carry] if piece]
