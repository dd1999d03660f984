"""The as-of tables (``source_dates.csv``, ``second_coding_asof.csv``): read, checked and typed
like the other tables, with their rules beyond one cell. They stay outside ``Dataset`` (a folder
without them is still whole), so ``validate`` checks them when they are present."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.data.dataset import _to_frame
from analysis.data.rules import _check_table
from analysis.data.schema import ASOF_TABLES, SECOND_CODING_ASOF, SOURCE_DATES
from analysis.data.tables import (
    DataValidationError,
    Problem,
    _got,
    _RawTable,
    _read_csv,
    _split_list,
)


def _check_asof_rows(table: _RawTable, case_ids: set[str], urls_used: set[str]) -> None:
    """The rules beyond one cell: one url per row, a date exactly when the precision is known,
    basis unknown exactly then, month and year dates on their first day, every source of the
    cases dated; a coded case_id must be a case."""
    if table.schema is SECOND_CODING_ASOF:
        for line, case_id in zip(table.lines, table.columns["case_id"], strict=True):
            if case_ids and case_id not in case_ids:
                table.problem(
                    line,
                    "case_id",
                    f"unknown case (got {_got(case_id)}, expected a case_id from cases.csv)",
                )
        return
    for index, line in enumerate(table.lines):
        row = table.row(index)
        if len(_split_list(row["url"])) != 1:
            table.problem(line, "url", f"not one URL (got {_got(row['url'])}, expected one)")
        unknown = row["date_precision"] == "unknown"
        if unknown == bool(row["published_date"]):
            what, expected = (
                ("a date with precision unknown", "empty")
                if unknown
                else ("empty", f"a date, since date_precision is {row['date_precision']}")
            )
            got = _got(row["published_date"])
            table.problem(line, "published_date", f"{what} (got {got}, expected {expected})")
        if unknown != (row["date_basis"] == "unknown"):
            expected = "unknown" if unknown else "url or page"
            table.problem(
                line,
                "date_basis",
                f"does not match date_precision "
                f"{row['date_precision']} (got {_got(row['date_basis'])}, expected "
                f"{expected})",
            )
        first = {"month": "-01", "year": "-01-01"}.get(row["date_precision"])
        if first and not row["published_date"].endswith(first):
            table.problem(
                line,
                "published_date",
                f"not the first day of its "
                f"{row['date_precision']} (got {_got(row['published_date'])}, expected "
                f"a date ending {first})",
            )
    missing = sorted(urls_used - set(table.columns["url"]))
    for url in missing:
        table.problem(
            1,
            "url",
            f"a source of the cases has no row (got {_got(url)}, expected "
            "one row per source URL of cases.csv and second_coding.csv)",
        )


def asof_problems(data_dir: Path, case_ids: set[str], urls_used: set[str]) -> list[Problem]:
    """Every problem of the as-of tables present in ``data_dir`` ([] when none is there):
    ``case_ids`` are the cases' ids, ``urls_used`` every source URL the cases cite."""
    problems: list[Problem] = []
    for schema in ASOF_TABLES:
        if not (data_dir / schema.filename).is_file():
            continue
        table = _read_csv(data_dir / schema.filename, schema)
        if not table.problems:
            _check_table(table, set(), case_ids)
        if not table.problems:
            _check_asof_rows(table, case_ids, urls_used)
        problems += table.problems
    return problems


def load_asof_table(name: str, data_dir: Path | str | None = None) -> pd.DataFrame:
    """One as-of table (``source_dates`` or ``second_coding_asof``) of ``data_dir`` (default:
    the project's data/), checked and typed like the other tables; raises DataValidationError
    listing its problems."""
    schema = {SOURCE_DATES.name: SOURCE_DATES, SECOND_CODING_ASOF.name: SECOND_CODING_ASOF}[name]
    folder = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    table = _read_csv(folder / schema.filename, schema)
    if not table.problems:
        _check_table(table, set(), set())
    if table.problems:
        raise DataValidationError(table.problems)
    frame = _to_frame(table)
    if schema is SOURCE_DATES:
        frame["url"] = frame["url"].map(lambda urls: urls[0])
    return frame
