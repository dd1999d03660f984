"""Hostile copies of the data, and each command run on them: what validate accepts, every command
survives; what it should not accept, it refuses in lines naming file, line and column.

The probes of issue 24. Everything here runs on the small fixture or stops before the
notebooks; the one whole report on hostile text (dollar signs in every text column) is built in
test_hostile_text, a module of its own so that a second worker runs it beside these.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import cache, files, paths
from analysis.cli import main
from analysis.engine.headline import NOTHING_SCORED
from tests.conftest import VALID_FIXTURE


def rewrite(path: Path, change) -> None:
    """Rewrite a CSV's rows (dicts) through ``change(row, line)``, keeping its header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    for line, row in enumerate(rows, start=2):
        change(row, line)
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        **kwargs,
    )


def one_line(stream: str) -> str:
    assert stream.count("\n") == 1, stream
    assert "Traceback" not in stream
    return stream.strip()


# --- 2. no usable case by the forecast date --------------------------------------------------


def no_known_outcome(row: dict[str, str], _line: int) -> None:
    row.update(
        outcome="unknown",
        outcome_date="",
        outcome_date_end="",
        outcome_precision="unknown",
        tension_decision_level="",
        tension_decision_rationale="",
    )


def dated_before_every_case(row: dict[str, str], _line: int) -> None:
    row["as_of"] = "1990-01-01"


@pytest.mark.parametrize(
    ("table", "change"),
    [("cases.csv", no_known_outcome), ("questions.csv", dated_before_every_case)],
    ids=["every outcome unknown", "question before every case"],
)
def test_no_case_scored_by_the_forecast_date_is_said_or_refused_in_one_line(
    table: str, change, data_copy: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    # In this process (each command in a child of its own took about a second to start):
    # main() returns the exit code, and a traceback would end the test.
    def command(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        printed = capsys.readouterr()
        return code, printed.out, printed.err

    rewrite(data_copy / table, change)
    assert command("validate", str(data_copy))[0] == 0
    code, out, err = command("scenario", "--case", "fixture_case", "--data-dir", str(data_copy))
    assert code == 0, err
    # Wrapped by the terminal's layout: compared with the spaces folded.
    assert NOTHING_SCORED in " ".join(out.split())
    what_if = command(
        "scenario", "--pressure", "0.5", "--tension", "0.5", "--data-dir", str(data_copy)
    )
    assert what_if[0] == 0, what_if[2]
    code, out, err = command("ledger", "--case", "fixture_case", "--data-dir", str(data_copy))
    assert code == 0, err
    assert "nan" not in out
    assert NOTHING_SCORED in " ".join(out.split())
    monkeypatch.setattr(paths, "DATA_DIR", data_copy)
    code, _, err = command(
        "report", "--case", "fixture_case", "--output", str(tmp_path / "reports")
    )
    assert code == 2
    assert "so the forecast cannot be scored" in one_line(err)
    assert "no report was written" in err


def test_the_timing_update_with_every_outcome_a_release_keeps_the_fixed_laws(
    data_copy: Path,
) -> None:
    from analysis.data.dataset import load_dataset
    from analysis.record import durations

    def released(row: dict[str, str], _line: int) -> None:
        row["outcome"] = "reached_south_or_third_country"

    rewrite(data_copy / "cases.csv", released)
    cases = load_dataset(data_copy).cases
    table = durations.held_update_under_laws(0.5, cases, "2017-04-24", [30], "2017-05-18")
    # No return among the cases: their fits are left out, the fixed laws stay (and the fits
    # with HRW's aggregate, which holds returns).
    assert "cases known on 2017-04-24" not in set(table["evidence"])
    assert (table["evidence"] == "reference law").sum() == 3


# --- 3, 4, 7. what validate refuses ---------------------------------------------------------


def problems(folder: Path) -> list[str]:
    done = run("validate", str(folder))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    return done.stderr.splitlines()[:-1]


def test_a_codebook_link_is_refused_before_it_is_read(data_copy: Path) -> None:
    (data_copy / "codebook.csv").unlink()
    (data_copy / "codebook.csv").symlink_to("/proc/self/environ")
    assert problems(data_copy) == [
        "codebook.csv:0: -: is a symbolic link (expected a regular file in the data folder)"
    ]


def test_a_codebook_link_to_another_table_is_refused(data_copy: Path) -> None:
    (data_copy / "codebook.csv").unlink()
    (data_copy / "codebook.csv").symlink_to(data_copy / "events.csv")
    assert problems(data_copy) == [
        "codebook.csv:0: -: is a symbolic link (expected a regular file in the data folder)"
    ]


def test_a_latin1_codebook_is_refused(data_copy: Path) -> None:
    path = data_copy / "codebook.csv"
    path.write_bytes(path.read_bytes().replace(b"Stable identifier", b"Stable identifi\xe9r"))
    (problem,) = problems(data_copy)
    assert problem.startswith("codebook.csv:0: -: not UTF-8 text (byte ")


def test_a_renamed_codebook_column_is_refused(data_copy: Path) -> None:
    path = data_copy / "codebook.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",meaning\n", ",means\n", 1))
    assert problems(data_copy) == [
        "codebook.csv:1: meaning: missing column (expected it in the header)",
        "codebook.csv:1: means: unexpected column (not in data/codebook.csv)",
    ]


def test_a_codebook_row_for_a_column_that_is_not_there_is_refused(data_copy: Path) -> None:
    path = data_copy / "codebook.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("events,event_id,", "events,evt,", 1))
    assert problems(data_copy) == [
        "codebook.csv:2: column: not a column of events.csv (got 'evt', expected one the "
        "validator checks)"
    ]


def test_the_report_reads_no_codebook_that_validate_refuses(
    data_copy: Path, tmp_path: Path
) -> None:
    (data_copy / "codebook.csv").unlink()
    (data_copy / "codebook.csv").symlink_to("/proc/self/environ")
    done = run(
        "report",
        "--output",
        str(tmp_path / "reports"),
        env={**os.environ, "ANALYSIS_DATA_DIR": str(data_copy)},
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "codebook.csv:0: -: is a symbolic link (expected a regular file in the data folder)",
        f"1 problem(s) in the data; no report was written to {tmp_path / 'reports'}.",
    ]


def test_a_question_naming_a_missing_case_or_scenario_is_refused(data_copy: Path) -> None:
    def dangling(row: dict[str, str], _line: int) -> None:
        row.update(case_id="2099_nowhere", scenario_id="no_such_scenario")

    rewrite(data_copy / "questions.csv", dangling)
    assert problems(data_copy) == [
        "questions.csv:2: case_id: not in cases.csv (got '2099_nowhere', expected a case_id "
        "from cases.csv)",
        "questions.csv:2: scenario_id: not in scenarios.csv (got 'no_such_scenario', expected a "
        "scenario_id from scenarios.csv, or empty)",
    ]


@pytest.mark.parametrize(
    ("character", "shown"),
    [("\u202e", "\\u202e"), ("\x85", "\\x85"), ("\u2028", "\\u2028"), ("\u200b", "\\u200b")],
    ids=["right-to-left override", "C1 next line", "line separator", "zero-width space"],
)
def test_bidi_and_invisible_characters_are_refused(character: str, shown: str, edit_table) -> None:
    folder = edit_table(
        "actors.csv", lambda text: text.replace("Fixture NGO", f"Fix{character}ture NGO")
    )
    assert problems(folder) == [
        f"actors.csv:3: name: a control or invisible character (got '{shown}' at character 4, "
        "expected printable text)"
    ]


# --- 5, 6. echoes, pipes, Ctrl-C and missing packages ---------------------------------------


@pytest.mark.parametrize("command", ["scenario", "ledger", "report"])
def test_a_long_case_is_echoed_cut_and_escaped(command: str, tmp_path: Path) -> None:
    case = "\x1b[2J" + "x" * 5000
    extra = ["--data-dir", str(VALID_FIXTURE)] if command != "report" else []
    env = {**os.environ, "ANALYSIS_DATA_DIR": str(VALID_FIXTURE)}
    done = run(command, "--case", case, *extra, env=env, cwd=tmp_path)
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "\x1b" not in line and "\\x1b[2J" in line
    assert len(line) < 400


def test_a_long_argument_is_echoed_cut_and_escaped() -> None:
    done = run("scenario", "--pressure", "\x1b" + "9" * 5000)
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert "\x1b" not in line and len(line) < 400


def test_a_closed_stdout_ends_in_one_line_and_exit_141() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analysis",
            "ledger",
            "--case",
            "fixture_case",
            "--data-dir",
            str(VALID_FIXTURE),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        process.stdout.close()  # the reader leaves before the first line, as head does
        err = process.stderr.read()
        assert process.wait(timeout=600) == 141
    assert one_line(err) == "python -m analysis: stopped, the output was closed early"


def test_ctrl_c_ends_in_one_line_and_exit_130() -> None:
    # The store off: a command the store holds is replayed without importing numpy, and would
    # end before this test could interrupt it inside its work.
    with subprocess.Popen(
        [sys.executable, "-m", "analysis", "scenario", "--case", "2017_shenyang_eight"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, cache.SWITCH_VARIABLE: "off"},
        # Ctrl-C as a terminal's command gets it: a run started as a background job (`&` in a
        # script) ignores SIGINT, its children inherit that, and the command would finish with
        # 0 (seen when a whole CI run was started that way).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as process:
        # Inside the command: numpy is imported by the command, never by ``analysis.cli``.
        maps = Path(f"/proc/{process.pid}/maps")
        deadline = time.monotonic() + 120
        while "numpy" not in maps.read_text() and time.monotonic() < deadline:
            assert process.poll() is None, "the command ended before it could be interrupted"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=600)
    # A shell shows both as $? = 130: the exit code, or the death by SIGINT that CPython
    # sometimes chooses at exit after a KeyboardInterrupt, even a caught one.
    assert process.returncode in (130, -signal.SIGINT), err
    assert one_line(err) == "python -m analysis: interrupted (Ctrl-C)"


def test_a_missing_nbformat_gives_the_install_hint(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['nbformat'] = None; from analysis.cli import main; "
        f"sys.exit(main(['report', '--output', {str(tmp_path / 'r')!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=600
    )
    assert done.returncode == 1
    assert one_line(done.stderr) == (
        "python -m analysis: the package nbformat is not installed; run `make install` "
        "(it installs the notebook tools too)"
    )


def test_a_missing_playwright_gives_the_install_hint() -> None:
    code = (
        "import runpy, sys; sys.modules['playwright'] = None; "
        "runpy.run_path('tools/browser_check.py', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        cwd=paths.PROJECT_ROOT,
    )
    assert done.returncode == 1
    assert one_line(done.stderr).startswith("browser check: playwright")
    assert "is not installed; run `make browser-check`" in done.stderr


# --- 8. the report's lock and the one-time move ---------------------------------------------


def test_two_reports_into_one_parent_do_not_block_each_other(tmp_path: Path) -> None:
    with files.exclusive_lock(tmp_path / "a"), files.exclusive_lock(tmp_path / "b"):
        pass


def test_a_busy_report_folder_is_named_in_the_message(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    with files.exclusive_lock(folder), pytest.raises(files.FolderBusyError) as busy:  # noqa: SIM117
        with files.exclusive_lock(folder):  # the second run
            pass
    assert str(busy.value) == (
        f"another run is writing {folder}; wait for it to finish, then run again"
    )


def test_a_kill_during_the_one_time_move_leaves_a_whole_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "index.html").write_text("old")
    version = files.new_version(folder)
    (version / "index.html").write_text("new")

    def killed(*_args) -> None:
        raise KeyboardInterrupt  # the process dies between two steps of the move

    (tmp_path / "x").mkdir()
    (tmp_path / "y").symlink_to("x")
    if not files.exchange(tmp_path / "x", tmp_path / "y"):
        pytest.skip("this system cannot swap a folder and a link in one step (two-step move)")
    monkeypatch.setattr(files.os, "replace", killed)
    monkeypatch.setattr(Path, "rename", killed)
    with pytest.raises(KeyboardInterrupt):
        files.publish(version, folder)
    assert (folder / "index.html").read_text() in ("old", "new")


def test_a_failed_first_report_says_there_was_no_previous_one(edit_table, tmp_path: Path) -> None:
    folder = edit_table("events.csv", lambda text: text.replace("E003,", "E001,"))
    done = run(
        "report",
        "--output",
        str(tmp_path / "reports"),
        env={**os.environ, "ANALYSIS_DATA_DIR": str(folder)},
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        f"1 problem(s) in the data; no report was written to {tmp_path / 'reports'}."
    )


# --- 9. offline beyond Python ---------------------------------------------------------------


def only_loopback() -> bool:
    return [name for _, name in socket.if_nameindex()] == ["lo"]


@pytest.mark.skipif(
    not only_loopback(),
    reason="not in a network namespace with only the loopback (make test runs in one where the "
    "machine allows; the Python guard alone holds here)",
)
def test_no_process_of_the_run_reaches_another_host() -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never a real host.
    for command in (
        ["bash", "-c", "exec 3<>/dev/tcp/192.0.2.1/80"],
        [
            sys.executable,
            "-I",
            "-c",
            "import _socket; s = _socket.socket(); s.settimeout(5); s.connect(('192.0.2.1', 80))",
        ],
    ):
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)
        assert done.returncode != 0
        assert "unreachable" in done.stderr.lower(), done.stderr


@pytest.mark.skipif(
    shutil.which("unshare") is None or os.geteuid() != 0, reason="needs root and unshare"
)
def test_pytest_with_the_loopback_down_stops_at_once() -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [
            "unshare",
            "-n",
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_chart_text.py",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=paths.PROJECT_ROOT,
    )
    assert time.perf_counter() - started < 60
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "the loopback interface does not work" in done.stdout + done.stderr
