"""The data dictionary (data/codebook.csv), the schema and the CSV headers must agree."""

from __future__ import annotations

import csv

import pytest

from analysis.data.schema import DOCUMENTED_TABLES, FORECASTS, SOURCE_DATES, TABLES, TableSchema
from analysis.paths import DATA_DIR


def codebook_rows(table: str) -> list[dict[str, str]]:
    with (DATA_DIR / "codebook.csv").open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["table"] == table]


@pytest.mark.parametrize("schema", DOCUMENTED_TABLES, ids=lambda s: s.name)
def test_codebook_documents_every_schema_column_in_order(schema: TableSchema) -> None:
    assert [row["column"] for row in codebook_rows(schema.name)] == list(schema.column_names)


@pytest.mark.parametrize("schema", (*TABLES, FORECASTS, SOURCE_DATES), ids=lambda s: s.name)
def test_csv_header_matches_codebook(schema: TableSchema) -> None:
    with (DATA_DIR / schema.filename).open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [row["column"] for row in codebook_rows(schema.name)]


@pytest.mark.parametrize("schema", DOCUMENTED_TABLES, ids=lambda s: s.name)
def test_codebook_lists_the_allowed_values_the_validator_enforces(schema: TableSchema) -> None:
    for row in codebook_rows(schema.name):
        column = schema.column(row["column"])
        assert row["required"] == ("yes" if column.required else "no"), row["column"]
        if column.allowed:
            assert row["allowed_values"].split(";") == list(column.allowed), row["column"]


def test_every_codebook_row_has_a_meaning() -> None:
    with (DATA_DIR / "codebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["meaning"].strip() for row in rows)
    assert {row["table"] for row in rows} == {schema.name for schema in DOCUMENTED_TABLES}
