"""Rows for the fixture tables in today's layout, so tests that add or replace cases write
every column the validator asks for (decided_by, source_kinds, decision tension, part_of)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import VALID_FIXTURE

FOCAL_FIXTURE = "2017_fixture_unknown"  # the fixture case that events.csv's case events name


def header(filename: str) -> list[str]:
    """The column names of one fixture table."""
    return next(csv.reader(io.StringIO((VALID_FIXTURE / filename).read_text(encoding="utf-8"))))


def complete_case(row: dict[str, str]) -> dict[str, str]:
    """A cases.csv row with the columns of today's layout filled in where the caller left them
    out: decided by China, one source kind per URL, and a decision tension exactly when the
    outcome is dated (the validator's rule)."""
    filled = {"decided_by": "china", "part_of": "", **row}
    filled.setdefault("source_kinds", "; ".join("newspaper" for _ in row["source_urls"].split(";")))
    dated = filled.get("outcome_precision", "unknown") != "unknown"
    filled.setdefault("tension_decision_level", filled["tension_level"] if dated else "")
    filled.setdefault("tension_decision_rationale", "Built." if dated else "")
    return filled


def case_csv_line(row: dict[str, str]) -> str:
    """One cases.csv line (with its newline) from a complete or partial row; see complete_case."""
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=header("cases.csv"), lineterminator="\n").writerow(
        complete_case(row)
    )
    return buffer.getvalue()


def write_case_rows(folder: Path, rows: list[dict[str, str]]) -> Path:
    """Replace folder/cases.csv by ``rows``, and keep the tables that name cases valid: the second
    coding gets one row per case (the first coder's levels, so coder choices change nothing), and
    the case events and the question move to the first row's case (validate checks that a
    question's case is in cases.csv)."""
    text = "".join([",".join(header("cases.csv")) + "\n", *map(case_csv_line, rows)])
    (folder / "cases.csv").write_text(text, encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header("second_coding.csv"), lineterminator="\n")
    writer.writeheader()
    for row in map(complete_case, rows):
        writer.writerow(
            {
                "case_id": row["case_id"],
                "onset": row["onset"],
                "pressure_level": row["pressure_level"],
                "pressure_rationale": "Built.",
                "tension_level": row["tension_level"],
                "tension_decision_level": row["tension_decision_level"],
                "tension_rationale": "Built.",
                "sources_used": "https://example.org/second",
            }
        )
    (folder / "second_coding.csv").write_text(buffer.getvalue(), encoding="utf-8")
    for table in ("events.csv", "questions.csv"):
        text = (folder / table).read_text(encoding="utf-8")
        (folder / table).write_text(
            text.replace(FOCAL_FIXTURE, rows[0]["case_id"]), encoding="utf-8"
        )
    return folder
