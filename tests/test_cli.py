"""The command line: `validate` summary and exit codes, and one-line argument errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import cache, defaults
from analysis.cli import build_parser, ledger_text, ledger_wide, main
from analysis.data.dataset import load_dataset
from analysis.engine import whatif
from tests.conftest import VALID_FIXTURE
from tests.model_helpers import by_hand
from tests.test_scenarios import FIXTURE_BASE, RELEASED_LATER, RELEASED_ON_THE_DAY


def test_valid_folder_prints_one_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(VALID_FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert (
        "4 events, 3 actors, 3 cases, 2 scenarios, 2 weights, 3 counts, 25 arrivals, "
        "3 second_coding, 1 questions"
    ) in out


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
    err = capsys.readouterr().err
    assert err == f"validate: no such folder: {tmp_path / 'nowhere'}\n"


def test_a_file_given_as_the_data_folder_is_called_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "README.md"
    notes.write_text("not a folder", encoding="utf-8")
    assert main(["validate", str(notes)]) == 2
    assert capsys.readouterr().err == (
        f"validate: {notes} is a file, not a folder (expected the folder holding the tables)\n"
    )


@pytest.mark.parametrize(
    "command", ["validate", "scenario --case x --data-dir", "ledger --data-dir"]
)
def test_a_missing_folder_fails_before_the_heavy_imports(command: str, tmp_path: Path) -> None:
    argv = [*command.split(), str(tmp_path / "nowhere")]
    probe = (
        "import sys; from analysis.cli import main; code = main(sys.argv[1:]); "
        "print(code, 'pandas' in sys.modules, 'matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True)
    assert done.stdout.split() == ["2", "False", "False"]
    assert "no such folder" in done.stderr


def test_module_entry_point_runs_as_a_process(edit_table) -> None:
    folder = edit_table("actors.csv", lambda _: "")
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "validate", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("actors.csv:1: -: file is empty")
    assert "Traceback" not in done.stderr


def test_the_notebook_commands_spare_the_iri_grammar_and_still_validate_notebooks() -> None:
    # In a process of its own: this one (the test run) spared the grammar when it started.
    probe = (
        "import sys\n"
        "from analysis.cli import spare_iri_grammar\n"
        "spare_iri_grammar()\n"
        "import nbformat\n"
        "notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('1')])\n"
        "nbformat.validate(notebook)\n"
        "notebook.cells[0]['outputs'] = 'not a list'\n"
        "try:\n"
        "    nbformat.validate(notebook)\n"
        "except nbformat.ValidationError:\n"
        "    print('refused')\n"
        "print(sys.modules['rfc3987_syntax'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["refused", "None"]  # a bad notebook is still refused


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


# --- the command line ------------------------------------------------------------------------

JSON_KEYS = {
    "model", "p_release", "p_return", "interval_low", "interval_high", "pressure", "tension",
    "as_of", "draws", "seed", "base_rate",
}  # fmt: skip


def run_whole_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["scenario", "--data-dir", str(VALID_FIXTURE), "--json", *args]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    """The what-if part of the scenario command's JSON."""
    return run_whole_json(capsys, *args)["what_if"]


def test_the_json_top_level_is_the_headline(capsys) -> None:
    from analysis.engine.headline import as_dict, headline

    whole = run_whole_json(capsys, "--pressure", "0.3", "--tension", "0.6")
    stated = as_dict(headline(load_dataset(VALID_FIXTURE), "fixture_case"))
    assert whole["model"] == "headline"
    assert {k: v for k, v in whole.items() if k not in ("model", "what_if")} == json.loads(
        json.dumps(stated)
    )
    assert whole["what_if"]["model"] == "what-if (the article's argument)"
    assert whole["what_if"]["p_release"] != whole["p_release"]


def test_cli_json_has_exactly_the_documented_keys(capsys) -> None:
    result = run_json(capsys, "--pressure", "0.3", "--tension", "0.6")
    assert set(result) == JSON_KEYS
    assert result["p_release"] == pytest.approx(by_hand(FIXTURE_BASE, 0.3, 0.6, 1.0, 0.8), abs=1e-4)
    assert result["p_release"] + result["p_return"] == pytest.approx(1.0, abs=1e-4)
    assert result["interval_low"] <= result["interval_high"]
    assert (result["as_of"], result["draws"], result["seed"]) == (None, 20_000, 20170424)
    assert result["base_rate"] == pytest.approx(FIXTURE_BASE, abs=1e-4)


def run_json_in(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["scenario", "--data-dir", str(folder), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)["what_if"]


def test_cli_as_of_uses_the_cases_known_by_then_and_levels_alone_the_record(
    edit_table, capsys
) -> None:
    folder = edit_table("cases.csv", lambda text: text + RELEASED_LATER)
    # Today's record: 1 released, 1 returned -> 1/2; as of 24 April 2017: 0 of 1 -> 1/3.
    levels_only = run_json_in(folder, capsys, "--pressure", "0.3", "--tension", "0.6")
    assert levels_only["base_rate"] == pytest.approx(0.5, abs=1e-4)
    assert levels_only["p_release"] == pytest.approx(by_hand(0.5, 0.3, 0.6, 1.0, 0.8), abs=1e-4)
    both = run_json_in(
        folder, capsys, "--pressure", "0.3", "--tension", "0.6", "--as-of", "2017-04-24"
    )
    assert both["base_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert both["p_release"] == pytest.approx(by_hand(1 / 3, 0.3, 0.6, 1.0, 0.8), abs=1e-4)
    assert (both["pressure"], both["tension"]) == (0.3, 0.6)


def test_cli_prints_the_scenario_tables_numbers(edit_table, capsys) -> None:
    folder = edit_table("cases.csv", lambda text: text + RELEASED_ON_THE_DAY + RELEASED_LATER)
    view = whatif.question_whatif(load_dataset(folder), "fixture_case", draws=3000)
    table = view.scenario_table.set_index("scenario_id")
    columns = ["p_release", "p_return", "interval_low", "interval_high", "pressure", "tension"]
    for scenario_id, args in (
        ("routine", ("--pressure", "0.1", "--tension", "0.1")),
        ("case_as_of", ("--as-of", "2017-04-24")),
    ):
        printed = run_json_in(folder, capsys, *args, "--draws", "3000")
        row = table.loc[scenario_id]
        assert printed["base_rate"] == round(row["base_rate"], 4)
        assert [printed[c] for c in columns] == [round(row[c], 4) for c in columns], scenario_id


def test_cli_high_levels_give_a_higher_release_probability(capsys) -> None:
    high = run_json(capsys, "--pressure", "0.9", "--tension", "0.9")
    low = run_json(capsys, "--pressure", "0.1", "--tension", "0.1")
    assert high["p_release"] > low["p_release"]


def test_cli_as_of_alone_takes_the_levels_from_the_events(capsys) -> None:
    result = run_json(capsys, "--as-of", "2017-04-24")
    assert result["pressure"] == pytest.approx(1 - 2 ** (-1 / 6), abs=1e-4)
    assert result["tension"] == 0.0
    assert result["as_of"] == "2017-04-24"
    mixed = run_json(capsys, "--as-of", "2017-04-24", "--tension", "0.5")
    assert (mixed["pressure"], mixed["tension"]) == (result["pressure"], 0.5)


def test_cli_output_is_deterministic_and_the_seed_matters(
    capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The two runs compare the whole output, the headline computed afresh by each; the seed's
    # run checks only the scenario's draws, so it may take the headline from the store.
    args = ("--pressure", "0.5", "--tension", "0.5", "--draws", "2000")
    with monkeypatch.context() as afresh:
        afresh.setenv(cache.SWITCH_VARIABLE, "off")
        first = run_whole_json(capsys, *args)
        assert first == run_whole_json(capsys, *args)
    other = run_whole_json(capsys, *args, "--seed", "1")
    assert other["what_if"]["interval_low"] != first["what_if"]["interval_low"]
    # The seed moves the what-if, not the answer.
    assert {k: v for k, v in other.items() if k != "what_if"} == {
        k: v for k, v in first.items() if k != "what_if"
    }


def test_cli_plain_output_names_both_probabilities(capsys) -> None:
    argv = ["scenario", "--data-dir", str(VALID_FIXTURE), "--pressure", "0.2", "--tension", "0.2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "P(release) = " in out and "P(return) = " in out and "80% interval" in out
    # The levels were asked for: their what-if comes first, the headline after it.
    assert (
        out.startswith("What-if (the article's argument), the expert-weight model")
        and "\nHeadline: " in out
    )
    assert max(len(line) for line in out.splitlines()) <= 100


# Two questions, the second's rows apart; values differ so a swapped column is seen.
LEDGER = pd.DataFrame(
    {
        "question": [
            "Will the case_a group go?",
            "Will the group of case_bb go?",
            "Will the case_a group go?",
        ],
        "made_on": ["2001-02-03", "2004-05-06", "2007-08-09"],
        "probability": [0.126, 0.874, float("nan")],
        "specification": ["spec one " * 12, "spec two", "spec three"],
        "resolution": [1.0, 0.0, float("nan")],
        "resolved_on": ["2002-01-01", "2005-01-01", ""],
    }
)


def test_ledger_compact_view_groups_questions_words_and_wraps_to_the_width() -> None:
    text = ledger_text(LEDGER, {"case_a": "Alpha case", "case_bb": "Beta"}, width=60)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert lines[0] == "Will the \u201cAlpha case\u201d group go?"
    assert lines[1] == "  made 2001-02-03: P(release) 0.13; release, 2002-01-01;"
    assert lines[2].startswith("    spec one")  # the long specification wrapped, not cut
    assert text.count("spec one") == 12
    third = lines.index("  made 2007-08-09: P(release) \u2013; not resolved; spec three")
    assert third < lines.index("Will the group of \u201cBeta\u201d go?")  # grouped by question
    assert "  made 2004-05-06: P(release) 0.87; return, 2005-01-01; spec\n    two" in text
    assert "NaN" not in text and "nan" not in text


def test_ledger_wide_view_has_no_nan_and_resolutions_in_words() -> None:
    header, *rows = ledger_wide(LEDGER).splitlines()
    assert "NaN" not in "".join(rows)
    assert [row.split()[-2:] for row in rows] == [
        ["release", "2002-01-01"],
        ["return", "2005-01-01"],
        ["not", "resolved"],
    ]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--pressure", "1.5", "--tension", "0.2"], "argument --pressure: out of range (got 1.5"),
        (["--pressure", "0.2", "--tension", "-0.1"], "argument --tension: out of range"),
        (["--pressure", "high", "--tension", "0.2"], "argument --pressure: not a number"),
        (["--pressure", "nan", "--tension", "0.2"], "argument --pressure: out of range"),
        (["--as-of", "2017-13-01"], "argument --as-of: not a valid date (got '2017-13-01'"),
        (["--as-of", "24/04/2017"], "argument --as-of: not a valid date"),
        (["--pressure", "0.2", "--tension", "0.2", "--draws", "0"], "argument --draws"),
        (["--pressure", "0.2"], "give --pressure and --tension, --as-of DATE"),
        (["--as-of", "2017-03-10"], "before the first event in events.csv (2017-03-11)"),
        (
            ["--as-of", "2016-01-01", "--pressure", "0.2", "--tension", "0.2"],
            "--as-of 2016-01-01 is before the first event in events.csv (2017-03-11)",
        ),
    ],
)
def test_cli_bad_input_exits_2_with_one_clear_line(capsys, args, fragment) -> None:
    try:
        code = main(["scenario", "--data-dir", str(VALID_FIXTURE), *args])
    except SystemExit as exited:
        code = exited.code
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert fragment in captured.err
    assert "Traceback" not in captured.err


def test_cli_accepts_the_first_event_day_itself(capsys) -> None:
    result = run_json(capsys, "--as-of", "2017-03-11")  # the fixture's first event
    assert (result["pressure"], result["tension"]) == (0.0, 0.0)


def test_cli_bad_data_exits_2_listing_the_problems(edit_table, capsys) -> None:
    folder = edit_table("weights.csv", lambda text: text.replace("w_tension,0.8", "w_tension,x"))
    assert main(["scenario", "--data-dir", str(folder), "--pressure", "0", "--tension", "0"]) == 2
    assert "weights.csv:3: mean: not a number" in capsys.readouterr().err


def test_cli_runs_as_a_process_and_help_explains_it() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "scenario",
            "--data-dir",
            str(VALID_FIXTURE),
            "--pressure",
            "1.5",
            "--tension",
            "0",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("python -m analysis scenario: error: argument --pressure")
    assert done.stderr.count("\n") == 1
    helped = subprocess.run(
        [sys.executable, "-m", "analysis", "scenario", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert helped.returncode == 0
    for word in ("--pressure", "--tension", "--as-of", "--json", "--draws", "--seed", "80%"):
        assert word in helped.stdout


def test_cli_defaults_are_the_models_defaults() -> None:
    args = build_parser().parse_args(["scenario", "--pressure", "0", "--tension", "0"])
    assert (args.seed, args.draws) == (defaults.SEED, defaults.DEFAULT_DRAWS)
