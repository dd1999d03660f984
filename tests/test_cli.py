"""The command line: `validate` summary and exit codes, and one-line argument errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analysis.cli import main
from tests.conftest import VALID_FIXTURE


def test_valid_folder_prints_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(VALID_FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "4 events, 3 actors, 3 cases, 2 scenarios, 2 weights" in out


def test_broken_folder_exits_2_and_lists_problems(
    edit_table, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = edit_table(
        "events.csv", lambda text: text.replace("E003,", "E001,").replace("china;ngo", "china;x")
    )
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "events.csv:4: event_id: duplicate id (got 'E001'" in err
    assert "events.csv:4: actor_ids: unknown actor (got 'x'" in err
    assert "Traceback" not in err


def test_missing_folder_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "events.csv:0: -: file not found" in capsys.readouterr().err


def test_module_entry_point_runs_as_a_process(edit_table) -> None:
    folder = edit_table("actors.csv", lambda _: "")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("actors.csv:1: -: file is empty")
    assert "Traceback" not in done.stderr


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "validate" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--bogus"], ["nothing"], [], ["validate", "a", "b"]])
def test_argument_errors_are_one_line_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("python -m analysis")


def test_report_into_the_data_folder_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from analysis import paths

    assert main(["report", "--output", str(paths.DATA_DIR)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("report: refusing to write the report to")
