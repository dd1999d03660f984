"""Hostile and broken tables: refused with one short, escaped file:line: column: line each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.data import tables
from analysis.data.dataset import validate_data

SECRET = "API_TOKEN=s3cr3t-value-that-must-never-reach-a-log"


def problems_as_text(folder: Path) -> list[str]:
    return [str(problem) for problem in validate_data(folder)]


def test_a_table_that_is_a_link_is_refused_without_reading_it(
    data_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "environ"
    outside.write_text(f"{SECRET},x\n{SECRET},y\n", encoding="utf-8")
    (data_copy / "actors.csv").unlink()
    (data_copy / "actors.csv").symlink_to(outside)
    assert problems_as_text(data_copy) == [
        "actors.csv:0: -: is a symbolic link (expected a regular file in the data folder)"
    ]
    assert main(["validate", str(data_copy)]) == 2
    assert "s3cr3t" not in capsys.readouterr().err


def test_a_link_to_the_process_environment_is_refused(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOSTILE_PROBE", SECRET)
    (data_copy / "events.csv").unlink()
    (data_copy / "events.csv").symlink_to("/proc/self/environ")
    problems = problems_as_text(data_copy)
    assert problems[0] == (
        "events.csv:0: -: is a symbolic link (expected a regular file in the data folder)"
    )
    assert not any("s3cr3t" in problem for problem in problems)


def test_a_data_folder_reached_through_a_link_is_still_valid(
    data_copy: Path, tmp_path: Path
) -> None:
    linked = tmp_path / "linked-data"
    linked.symlink_to(data_copy, target_is_directory=True)
    assert problems_as_text(linked) == []


def test_a_fifo_or_a_folder_is_refused_without_blocking(data_copy: Path) -> None:
    (data_copy / "weights.csv").unlink()
    os.mkfifo(data_copy / "weights.csv")  # reading it would wait forever for a writer
    (data_copy / "cases.csv").unlink()
    (data_copy / "cases.csv").mkdir()
    assert problems_as_text(data_copy) == [
        "cases.csv:0: -: not a regular file (expected a CSV file in the data folder)",
        "weights.csv:0: -: not a regular file (expected a CSV file in the data folder)",
    ]


def test_an_unreadable_file_is_one_line_not_a_traceback(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop root, so the refusal of the operating system is simulated.
    real_open = os.open

    def refusing_open(path, flags, *args):
        if Path(path).name == "actors.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(tables.os, "open", refusing_open)
    assert problems_as_text(data_copy) == ["actors.csv:0: -: cannot be read (Permission denied)"]


def test_a_long_hostile_header_is_echoed_only_as_a_short_escaped_excerpt(edit_table) -> None:
    name = "\x1b[2J" + SECRET * 100
    folder = edit_table(
        "actors.csv",
        lambda text: "\n".join(line + ",x" for line in text.splitlines()).replace(
            "source_kinds,x", f"source_kinds,{name}", 1
        ),
    )
    [problem] = problems_as_text(folder)
    assert problem.startswith("actors.csv:1: '\\x1b[2JAPI_TOKEN=s3cr3t")
    assert problem.endswith("...': unexpected column (not in data/codebook.csv)")
    assert "\x1b" not in problem
    assert len(problem) < 150


def test_a_duplicate_header_column_is_refused(edit_table) -> None:
    folder = edit_table(
        "actors.csv",
        lambda text: "\n".join(line + ",Other lane" for line in text.splitlines()).replace(
            "source_kinds,Other lane", "source_kinds,lane", 1
        ),
    )
    assert problems_as_text(folder) == [
        "actors.csv:1: lane: duplicate column (got it 2 times, expected once)"
    ]


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        (5000, "out of range (got 5000 digits, expected at most 18)"),
        (19, "out of range (got 19 digits, expected at most 18)"),
    ],
)
def test_a_huge_integer_is_one_line(digits: int, expected: str, edit_table) -> None:
    folder = edit_table("cases.csv", lambda text: text.replace(",25,25,", f",25,{'9' * digits},"))
    assert problems_as_text(folder) == [f"cases.csv:2: group_size_high: {expected}"]


def test_a_huge_decimal_is_shown_cut_short(edit_table) -> None:
    huge = "1" * 400  # float() makes it inf
    folder = edit_table("weights.csv", lambda text: text.replace(",0.5,", f",{huge},", 1))
    [problem] = problems_as_text(folder)
    assert problem.endswith(f"out of range (got {'1' * 57}..., expected 0 to 10)")


def test_a_nul_byte_in_a_cell_is_refused(edit_table) -> None:
    folder = edit_table("actors.csv", lambda text: text.replace("Fixture NGO", "Fixture\x00NGO"))
    assert problems_as_text(folder) == [
        "actors.csv:3: name: a control or invisible character (got '\\x00' at character 8, "
        "expected printable text)"
    ]
