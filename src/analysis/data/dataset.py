"""Loading and validating the data tables: the public entry points.

Every problem is reported as ``file:line: column: what is wrong (got X, expected Y)``, with the
physical line of the CSV (the header is line 1). Loading collects every problem in every table
before it raises, so a user fixes a file in one pass. Reading is ``analysis.data.tables``, the
checks of each cell and row ``analysis.data.rules``. Nothing here writes a file but the
store's entry of a load that passed (``load_dataset``).
"""

from __future__ import annotations

import contextlib
import gc
import os
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data.rules import _check_question_references, _check_table, check_question_deciders
from analysis.data.schema import (
    ACTORS,
    CASES,
    CODEBOOK,
    EVENTS,
    QUESTIONS,
    SCENARIOS,
    TABLES,
    WINDOW_PRECISIONS,
)
from analysis.data.tables import (
    DATE_TRIPLES,
    Dataset,
    DataValidationError,
    Problem,
    _RawTable,
    _read_csv,
    _split_list,
)
from analysis.text import printable

__all__ = [
    "DataValidationError",
    "Dataset",
    "Problem",
    "lane_order",
    "load_cases",
    "load_codebook",
    "load_dataset",
    "summary_line",
    "validate_data",
]


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
    frame = pd.DataFrame({name: table.columns[name] for name in table.schema.column_names})
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
    # The tables are millions of strings in lists, dicts and tuples, none in a reference cycle:
    # pausing the cycle collector spares its repeated scans of that growing heap (a fifth or
    # more of the time on 100,000 events).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_and_check_all(data_dir)
    finally:
        if collecting:
            gc.enable()


def _read_and_check_all(data_dir: Path) -> tuple[dict[str, _RawTable], list[Problem]]:
    tables = {schema.name: _read_csv(data_dir / schema.filename, schema) for schema in TABLES}
    actors, cases = tables[ACTORS.name], tables[CASES.name]
    actor_ids = set(actors.columns.get("actor_id", ())) - {""}
    # Without a readable cases table, event case_ids are checked against the id pattern only.
    case_ids = set(cases.columns.get("case_id", ())) - {""}
    for table in tables.values():
        if not table.problems:
            _check_table(table, actor_ids, case_ids)
    questions, scenarios = tables[QUESTIONS.name], tables[SCENARIOS.name]
    if not questions.problems:
        scenario_ids = set(scenarios.columns.get("scenario_id", ())) - {""}
        _check_question_references(questions, case_ids, scenario_ids)
    check_question_deciders(tables[QUESTIONS.name], cases)
    codebook = _read_codebook(data_dir)
    problems = [problem for table in tables.values() for problem in table.problems]
    return tables, problems + codebook.problems


def _read_codebook(data_dir: Path) -> _RawTable:
    codebook = _read_csv(data_dir / CODEBOOK.filename, CODEBOOK)
    if not codebook.problems:
        _check_table(codebook, set(), set())
    return codebook


def load_codebook(data_dir: Path | str | None = None) -> pd.DataFrame:
    """The data dictionary (``codebook.csv``), read and checked like every table: one row per
    column of each table; raises DataValidationError listing its problems."""
    codebook = _read_codebook(Path(data_dir) if data_dir is not None else paths.DATA_DIR)
    if codebook.problems:
        raise DataValidationError(codebook.problems)
    return _to_frame(codebook)


# The largest data folder whose loaded tables go through the store: the project's tables are
# under 1 MB; a generated table of 100,000 events is about 56 MB.
STORED_FOLDER_BYTES = 8 * 2**20


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate every table; raises DataValidationError listing all problems.

    A folder of at most STORED_FOLDER_BYTES whose files are byte for byte those of an earlier
    load by this code gives that load's tables from the store (``analysis.cache``; milliseconds
    where reading and checking take about 65 ms, and a report's question loads them four times
    in three processes). Only a load that passed is kept, and only when the files did not
    change while it ran. A larger folder is read afresh each time: its tables would be a large
    entry, and reading them whole to hash them would double the memory a load needs."""
    from analysis import cache

    folder = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    names = [schema.filename for schema in (*TABLES, CODEBOOK)]
    before = (
        cache.files_digest(folder, names)
        if cache.enabled() and _folder_bytes(folder, names) <= STORED_FOLDER_BYTES
        else None
    )
    if before is None:  # store off, a large folder, or a file missing or not a file of its own
        return _load(folder)
    key = cache.entry_key(f"{__name__}.load_dataset", before, ())
    found = cache.lookup(key)
    if found is not None:
        return found
    dataset = _load(folder)
    if cache.files_digest(folder, names) == before:
        cache.keep(key, dataset)
    return dataset


def _folder_bytes(folder: Path, names: list[str]) -> int:
    """The size of the files ``names`` in ``folder`` (a missing one counts 0)."""
    total = 0
    for name in names:
        with contextlib.suppress(OSError):
            total += os.lstat(folder / name).st_size
    return total


def _load(folder: Path) -> Dataset:
    tables, problems = _read_and_check(folder)
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
    return f"OK: {printable(str(folder))}: {counts}; every row cites a source"
