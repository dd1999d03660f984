"""The frozen ledger (data/forecasts.csv): its hash chain by hashlib, the refusal of an edited
earlier row by ``validate``, and ``ledger --append`` refusing an uncommitted work tree."""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import paths
from analysis.cli import main
from analysis.engine import ledger
from tests.conftest import VALID_FIXTURE

CELLS = {
    "made_on": "2026-12-01",
    "question_id": "fixture_case",
    "probability": "0.1300",
    "interval_low": "0.0100",
    "interval_high": "0.3100",
    "rule": "equal weights",
    "code_commit": "a" * 40,
    "data_sha256": "b" * 64,
    "resolve_by": "2018-04-24",
    "status": "annulled",
    "resolution_source": "https://example.org/resolution",
}


def three_rows() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for probability in ("0.2500", "0.3100", "0.1300"):
        rows.append(ledger.chained_row(rows, {**CELLS, "probability": probability}))
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text(ledger.frozen_text(rows), encoding="utf-8")
    return path


def test_the_chain_by_hashlib() -> None:
    rows = three_rows()
    # By hand: the first row's own hash is SHA-256 of its cells but row_sha256, joined by
    # U+001F, with 64 zeros as the previous hash; the second row carries it.
    first = "\x1f".join(["F001", *CELLS.values()]).replace("0.1300", "0.2500", 1)
    expected = hashlib.sha256((first + "\x1f" + "0" * 64).encode()).hexdigest()
    assert rows[0]["row_sha256"] == expected
    assert rows[1]["previous_row_sha256"] == expected
    assert [row["forecast_id"] for row in rows] == ["F001", "F002", "F003"]


def test_an_intact_ledger_passes_and_an_edited_earlier_row_is_named(tmp_path) -> None:
    rows = three_rows()
    path = write(tmp_path / "forecasts.csv", rows)
    assert ledger.check_frozen(path) == []
    # Edit F001 (line 2) and even recompute its own hash: F002's previous hash still names it.
    edited = [dict(row) for row in rows]
    edited[0]["probability"] = "0.0900"
    edited[0]["row_sha256"] = ledger.row_sha256(edited[0])
    problems = ledger.check_frozen(write(path, edited))
    assert len(problems) == 1 and problems[0].startswith("forecasts.csv:2: row edited")
    # Edit without recomputing: the row's own hash names it too.
    edited[0]["row_sha256"] = rows[0]["row_sha256"]
    write(path, edited)
    assert any(p.startswith("forecasts.csv:2: row_sha256") for p in ledger.check_frozen(path))


def test_validate_refuses_an_edited_ledger_with_exit_2(tmp_path, capsys) -> None:
    folder = tmp_path / "data"
    shutil.copytree(VALID_FIXTURE, folder)
    rows = three_rows()
    write(folder / "forecasts.csv", rows)
    assert main(["validate", str(folder)]) == 0
    rows[1]["rule"] = "a rule rewritten afterwards"
    write(folder / "forecasts.csv", rows)
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 2
    assert "forecasts.csv:3:" in capsys.readouterr().err


def test_the_committed_ledger_is_intact_and_starts_with_the_published_forecasts() -> None:
    path = paths.DATA_DIR / "forecasts.csv"
    assert ledger.check_frozen(path) == []
    rows = ledger.read_frozen(path)
    # The forecasts found in the git history: 0.25 and 0.31 (the expert weights), then 0.13.
    assert [row["probability"] for row in rows[:4]] == ["0.25", "0.31", "0.13", "0.13"]
    assert rows[1]["code_commit"].startswith("53958bc")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_append_refuses_an_uncommitted_tree_and_appends_from_a_clean_one(
    tmp_path, monkeypatch, capsys
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(VALID_FIXTURE, root / "data")
    # A clone's own ignore list: the store's folder (.cache/) is written by any command.
    shutil.copy(paths.PROJECT_ROOT / ".gitignore", root / ".gitignore")
    git(root, "init", "-q")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "x")
    monkeypatch.setattr(paths, "PROJECT_ROOT", root)
    target = tmp_path / "forecasts.csv"
    (root / "data" / "new.txt").write_text("uncommitted", encoding="utf-8")
    args = ["ledger", "--data-dir", str(root / "data"), "--case", "fixture_case"]
    assert main([*args, "--append", str(target)]) == 2
    assert "uncommitted changes" in capsys.readouterr().err and not target.exists()
    (root / "data" / "new.txt").unlink()
    assert main([*args, "--append", str(target)]) == 0
    assert ledger.check_frozen(target) == []
    with open(target, newline="", encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["question_id"] == "fixture_case" and row["status"] == "open"
    assert row["previous_row_sha256"] == "0" * 64
    assert row["data_sha256"] == ledger.data_sha256(ledger.data_tables(root / "data"))
    assert 0.0 <= float(row["interval_low"]) <= float(row["probability"]) <= 1.0


@pytest.mark.parametrize("column, value", [("status", "pending"), ("probability", "1.4")])
def test_a_bad_cell_is_one_line(tmp_path, column, value) -> None:
    rows = three_rows()
    rows[2][column] = value
    rows[2]["row_sha256"] = ledger.row_sha256(rows[2])
    (problem,) = ledger.check_frozen(write(tmp_path / "forecasts.csv", rows))
    assert problem.startswith(f"forecasts.csv:4: {column}: not valid (got '{value}'")
