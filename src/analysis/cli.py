"""Command line: ``python -m analysis {validate,scenario,report}``.

Exit codes: 0 success, 2 bad input (data, arguments), 1 a step that failed for another reason.
Bad input never ends in a traceback: the message names the file, line and column. The command
line parses, calls and prints: the model, the report and the defaults live elsewhere, and each
command imports what it needs, so ``--help`` loads neither pandas nor matplotlib.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from analysis import paths
from analysis.defaults import DEFAULT_CASE, DEFAULT_DRAWS, SEED

if TYPE_CHECKING:
    import pandas as pd

    from analysis.data import DataValidationError
    from analysis.headline import Headline
    from analysis.model import Forecast, ScenarioModel

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _report_problems(error: DataValidationError, consequence: str) -> int:
    """List every data problem on stderr, then a count and what it means; returns exit 2."""
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(f"{len(error.problems)} problem(s) in the data; {consequence}.", file=sys.stderr)
    return EXIT_BAD_INPUT


def _validate(args: argparse.Namespace) -> int:
    # Imported in each command, not at the top: --help must not load pandas.
    from analysis.data import DataValidationError, load_dataset, summary_line

    if not args.data_dir.is_dir():
        print(f"validate: no such folder: {args.data_dir}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        dataset = load_dataset(args.data_dir)
    except DataValidationError as error:
        return _report_problems(error, f"{args.data_dir} was only read, nothing was written")
    frozen = args.data_dir / "forecasts.csv"
    if frozen.is_file():  # the frozen ledger: its hash chain, not a table to load
        from analysis.ledger import check_frozen

        if problems := check_frozen(frozen):
            return _report_problems(
                DataValidationError(problems), f"{args.data_dir} was only read, nothing was written"
            )
    print(summary_line(dataset, args.data_dir))
    return EXIT_OK


def spare_iri_grammar() -> None:
    """Keep jsonschema (imported by nbformat) from importing rfc3987-syntax in this process.

    jsonschema imports that package only to check the "iri" formats, which no notebook schema
    uses, and the import builds a grammar: 2.8 s of the 5.8 s that importing the report took.
    A None entry makes the import fail, which jsonschema takes as the package being absent.
    For the commands that run notebooks, before they import nbformat; no other process is
    touched (jupyter-events, which needs the package, runs in JupyterLab's).
    """
    sys.modules.setdefault("rfc3987_syntax", None)


def _report(args: argparse.Namespace) -> int:
    # Imported here: the notebook machinery is slow to import and only this command needs it.
    spare_iri_grammar()
    from analysis.case import UnknownCaseError
    from analysis.data import DataValidationError
    from analysis.report import ReportError, UnsafeOutputError, build_report

    try:
        # Another question is another report: by default in reports/<question_id>/, the
        # main report left in place.
        output = args.output
        if output is None:
            output = (
                paths.REPORTS_DIR if args.case == DEFAULT_CASE else paths.REPORTS_DIR / args.case
            )
        build_report(output_dir=output, case=args.case)
        if args.all:
            from analysis.report import build_gallery

            failed = build_gallery(output_dir=output)
            for question, reason in failed:
                print(f"report: question {question} failed: {reason}", file=sys.stderr)
            if failed:
                print(f"report: {len(failed)} question report(s) failed; the main report and "
                      "the others are whole.", file=sys.stderr)  # fmt: skip
                return EXIT_FAILED
    except DataValidationError as error:
        return _report_problems(error, "the previous report is untouched")
    except UnknownCaseError as error:
        print(f"report: {error}; the previous report is untouched.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnsafeOutputError as error:
        print(f"report: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ReportError, OSError) as error:
        print(f"report failed: {error}; the previous report is untouched.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


# --- scenario -------------------------------------------------------------------------------

MAX_DRAWS = 2_000_000  # memory stays under about 100 MB


def _level(name: str) -> Callable[[str], float]:
    """An argparse type: a factor level, a number from 0 to 1."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a number (got {text!r}, expected a {name} level from 0 to 1)"
            ) from None
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise argparse.ArgumentTypeError(
                f"out of range (got {text}, expected a {name} level from 0 to 1)"
            )
        return value

    return parse


def _as_of(text: str) -> date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a valid date (got {text!r}, expected YYYY-MM-DD)"
        ) from None


def _whole(name: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"\d+", text.strip()) or not low <= int(text) <= high:
            expected = f"a whole number from {low:,} to {high:,}"
            raise argparse.ArgumentTypeError(
                f"not a valid {name} (got {text!r}, expected {expected})"
            )
        return int(text)

    return parse


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    """Report this parser's argument errors as one line on stderr and exit 2, no usage block."""

    def error(message: str) -> NoReturn:
        parser.exit(EXIT_BAD_INPUT, f"{parser.prog}: error: {message} (see --help)\n")

    parser.error = error  # type: ignore[method-assign]


def _scenario(args: argparse.Namespace) -> int:
    # Imported here: validate and report do not need the model.
    from analysis import factors
    from analysis.case import UnknownCaseError
    from analysis.data import DataValidationError, load_dataset
    from analysis.forecast import case_forecast, forecast_at
    from analysis.headline import headline

    if args.as_of is None and (args.pressure is None or args.tension is None) and not args.case:
        print(
            "python -m analysis scenario: error: give --pressure and --tension, --as-of DATE "
            "to take the levels from the events, or --case ID (see --help)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    try:
        dataset = load_dataset(args.data_dir)
    except DataValidationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in {args.data_dir}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    as_of = args.as_of
    if args.case:
        try:
            row = case_forecast(dataset, args.case, args.draws, args.seed).case_scenario
        except UnknownCaseError as error:
            print(f"python -m analysis scenario: error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        as_of = row["as_of"].date() if as_of is None and not _missing(row["as_of"]) else as_of
        pressure = row["pressure"] if args.pressure is None else args.pressure
        tension = row["tension"] if args.tension is None else args.tension
    else:
        pressure, tension = args.pressure, args.tension
    first = factors.first_event_day(dataset.events)
    # A question's own date may precede the record (its levels are then 0); a date asked for
    # by hand may not.
    if args.as_of is not None and first is not None and factors.to_day(args.as_of) < first:
        print(
            f"python -m analysis scenario: error: --as-of {args.as_of.isoformat()} is before the "
            f"first event in events.csv ({first:%Y-%m-%d}); give that date or a later one",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if args.as_of is not None:
        _warn_if_after_record(dataset.events, args.as_of)
    result, model = forecast_at(dataset, pressure, tension, as_of, args.draws, args.seed)
    try:
        stated = headline(dataset, args.case or DEFAULT_CASE)
    except UnknownCaseError:  # a data folder whose questions lack the default: its first one
        stated = headline(dataset, str(dataset.questions["question_id"].iloc[0]))
    _print_forecast(result, model, as_of.isoformat() if as_of else None, args.json, stated)
    return EXIT_OK


def _warn_if_after_record(events: pd.DataFrame, as_of: date) -> None:
    """Warn on stderr when ``as_of`` lies after the record's last dated event: the levels
    taken from the events have then decayed towards 0, the forecast towards the base rate."""
    from analysis import factors

    last = factors.to_day(events["date_latest"].max())
    days = (factors.to_day(as_of) - last).days
    if days <= 0:
        return
    if days > factors.WINDOW_DAYS:
        state = "no event counts any more: the levels are 0 and the forecast is the base rate"
    else:
        state = (
            f"each event's push halves every {factors.HALF_LIFE_DAYS:.0f} days, so the levels "
            "have decayed towards 0 and the forecast towards the base rate"
        )
    print(
        f"python -m analysis scenario: warning: --as-of {as_of.isoformat()} is {days:,} days "
        f"after the last dated event in events.csv ({last:%Y-%m-%d}); {state}",
        file=sys.stderr,
    )


def _missing(value: object) -> bool:
    return value is None or value != value  # NaT and NaN are not equal to themselves


def _print_forecast(
    result: Forecast, model: ScenarioModel, as_of: str | None, as_json: bool, stated: Headline
) -> None:
    """The scenario command's output: one JSON object, or lines for a reader. Both lead with the
    project's headline (``analysis.headline``); the levels asked for are the what-if of the
    expert-weight model, the article's argument."""
    from analysis.headline import WHAT_IF, as_dict, sentence

    if as_json:
        what_if = {
            "model": WHAT_IF,
            "p_release": round(result.p_release, 4),
            "p_return": round(result.p_return, 4),
            "interval_low": round(result.interval_low, 4),
            "interval_high": round(result.interval_high, 4),
            "pressure": round(result.pressure, 4),
            "tension": round(result.tension, 4),
            "as_of": as_of,
            "draws": result.draws,
            "seed": result.seed,
            "base_rate": round(model.base_rate, 4),
        }
        # The headline is the answer: its fields at the top, the what-if under its own key.
        print(json.dumps({"model": "headline", **as_dict(stated), "what_if": what_if}))
        return
    print(f"Headline: {sentence(stated)}")
    when = f" as of {as_of}" if as_of else ""
    print(
        f"{WHAT_IF.capitalize()}, the expert-weight model: "
        f"P(release) = {result.p_release:.2f}, P(return) = {result.p_return:.2f} "
        f"at pressure {result.pressure:.2f}, tension {result.tension:.2f}{when}"
    )
    print(
        f"What-if's 80% interval of P(release): {result.interval_low:.2f} to "
        f"{result.interval_high:.2f} "
        f"({result.draws:,} Monte Carlo draws, seed {result.seed})"
    )
    releases = "release" if model.released == 1 else "releases"
    print(
        f"What-if's base rate {model.base_rate:.2f}, from {model.released} {releases} in "
        f"{model.cases_counted} detentions in China with a one-way outcome ({model.view})"
    )


def _add_scenario_parser(commands: argparse._SubParsersAction) -> None:
    scenario = commands.add_parser(
        "scenario",
        help="the headline forecast of a question (--case), or the what-if at given levels",
        description=(
            "Forecast whether China returns the detainees to North Korea or releases them,\n"
            "at given levels of international pressure (P) and Beijing-Pyongyang tension (T),\n"
            "each from 0 (none) to 1 (the top of the events scale).\n\n"
            "  log-odds of release = logit(base rate) + w_pressure * P + w_tension * T\n\n"
            "The base rate comes from the historical cases (data/cases.csv): with --as-of only\n"
            "those whose outcome was known by that date (the forecast as it could have been made\n"
            "then), without it the whole record as known today. The weights come from\n"
            "data/weights.csv. The 80% interval is a seeded Monte Carlo over the base rate and\n"
            "the weights: the same seed gives the same output. Exit 2 on bad input."
        ),
        epilog=(
            "examples:  python -m analysis scenario --pressure 0.9 --tension 0.2\n"
            "           python -m analysis scenario --as-of 2017-04-24 --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _one_line_errors(scenario)
    scenario.add_argument(
        "--pressure", type=_level("pressure"), metavar="P",
        help="international pressure on Beijing, 0 to 1 (default: from the events as of --as-of)",
    )  # fmt: skip
    scenario.add_argument(
        "--tension", type=_level("tension"), metavar="T",
        help="Beijing-Pyongyang tension, 0 to 1 (default: from the events as of --as-of)",
    )  # fmt: skip
    scenario.add_argument(
        "--as-of", type=_as_of, metavar="DATE",
        help="YYYY-MM-DD, not before the first event: take any level not given from the events "
        "dated on or before DATE, and the base rate from the cases resolved by DATE",
    )  # fmt: skip
    scenario.add_argument(
        "--json", action="store_true",
        help="print one JSON object: the headline's fields at the top level (model "
        "'headline'), the what-if at the levels asked for under what_if",
    )  # fmt: skip
    scenario.add_argument(
        "--draws", type=_whole("number of draws", 1, MAX_DRAWS), default=DEFAULT_DRAWS,
        metavar="N", help=f"Monte Carlo draws (default {DEFAULT_DRAWS:,}; at most {MAX_DRAWS:,})",
    )  # fmt: skip
    scenario.add_argument(
        "--seed", type=_whole("seed", 0, 2**32 - 1), default=SEED, metavar="S",
        help=f"random seed (default {SEED}); the same seed gives the same interval",
    )  # fmt: skip
    scenario.add_argument(
        "--case", metavar="ID",
        help="a question of data/questions.csv (its case_id): its scenario's levels and "
        "forecast date, unless --pressure, --tension or --as-of say otherwise",
    )  # fmt: skip
    scenario.add_argument(
        "--data-dir", type=Path, default=paths.DATA_DIR, metavar="DATA_DIR",
        help="folder holding the tables (default: the project's data/)",
    )  # fmt: skip
    scenario.set_defaults(handler=_scenario)


def _print_track_record(dataset: object, data_dir: Path) -> int:
    """``ledger --track-record``: every question's latest frozen forecast, outcome and scores,
    then the mean scores against the base rate alone and 0.5."""
    from analysis import track_record
    from analysis.ledger import read_frozen

    ledger = data_dir / "forecasts.csv"
    table = track_record.track_record(dataset, read_frozen(ledger) if ledger.is_file() else [])
    shown = ["question_id", "decided_by", "as_of", "status", "forecast_id", "forecast",
             "base_rate", "brier_forecast", "log_forecast", "brier_base_rate",
             "log_base_rate"]  # fmt: skip
    print(f"Track record ({track_record.MODEL}): every question of questions.csv")
    print(table[shown].round(3).to_string(index=False))
    print(track_record.summary(table).round(3).to_string(index=False))
    return EXIT_OK


def _ledger(args: argparse.Namespace) -> int:
    from analysis.case import UnknownCaseError, case_facts
    from analysis.data import DataValidationError, load_dataset
    from analysis.headline import headline
    from analysis.ledger import build_ledger, score_ledger, signpost_table

    try:
        dataset = load_dataset(args.data_dir)
        if args.append is not None:
            return _append_headline(dataset, args)
        if args.track_record:
            return _print_track_record(dataset, args.data_dir)
        ledger = build_ledger(dataset, args.case)
        stated = headline(dataset, args.case)
        question = str(case_facts(dataset, args.case).question["question_id"])
    except DataValidationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnknownCaseError as error:
        print(f"python -m analysis ledger: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    frozen = _frozen_rows(args.data_dir / "forecasts.csv", question)
    scores = score_ledger(ledger)
    if args.json:
        print(json.dumps({"published": frozen,
                          "retrodiction": json.loads(ledger.to_json(orient="records")),
                          "retrodiction_scores": scores}))  # fmt: skip
        return EXIT_OK
    print("Published forecasts (data/forecasts.csv, frozen: never recomputed):")
    for row in frozen:
        print(f"- {row['forecast_id']} {row['made_on']}: P(release) {row['probability']} "
              f"(80% {row['interval_low']}-{row['interval_high']}), {row['status']}; "
              f"{row['rule']} [commit {row['code_commit'][:7]}]")  # fmt: skip
    print()
    print("Retrodiction (recomputed from today's code and data; not what was published):")
    shown = ledger.assign(probability=ledger["probability"].round(3))
    print(shown.drop(columns=["resolution_criteria", "rationale"]).to_string(index=False))
    print()
    for name in dict.fromkeys(key.rsplit("|", 1)[0] for key in scores):
        print(
            f"retrodiction, {name}: {int(scores[name + '|n'])} resolved forecasts, Brier "
            f"{scores[name + '|brier']:.3f} (lower is better), log score "
            f"{scores[name + '|log']:.3f} (higher is better)"
        )
    print()
    print("What would change the forecast (shifts: what-if (the article's argument)):")
    for row in signpost_table(stated).itertuples(index=False):
        shift = "" if row.shift is None or row.shift != row.shift else f", {row.shift:+.2f}"
        print(f"- {row.news}: {row.direction}{shift} ({row.basis})")
    return EXIT_OK


def _frozen_rows(path: Path, question: str) -> list[dict[str, str]]:
    """The frozen ledger's rows of ``question`` (none when the data folder has no ledger)."""
    from analysis.ledger import read_frozen

    if not path.is_file():
        return []
    return [row for row in read_frozen(path) if row["question_id"] == question]


def _append_headline(dataset: object, args: argparse.Namespace) -> int:
    """``ledger --append PATH``: the current headline as a new frozen row at the end of PATH,
    refused (exit 2) when PATH's chain is broken or the work tree has uncommitted changes."""
    from datetime import datetime

    from analysis.case import case_facts
    from analysis.files import write_text_atomically
    from analysis.headline import headline
    from analysis.ledger import (
        LedgerError,
        chained_row,
        check_frozen,
        committed_head,
        data_sha256,
        data_tables,
        frozen_text,
        headline_cells,
        read_frozen,
    )  # fmt: skip

    target: Path = args.append
    prog = "python -m analysis ledger"
    if target.exists() and (problems := check_frozen(target)):
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{prog}: error: {target} is not an intact ledger; nothing appended", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        commit = committed_head(paths.PROJECT_ROOT)
    except LedgerError as error:
        print(f"{prog}: error: {error}; nothing appended", file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = read_frozen(target) if target.exists() else []
    question = case_facts(dataset, args.case).question
    made_on = datetime.now(UTC).date().isoformat()
    cells = headline_cells(headline(dataset, args.case), question, commit,
                           data_sha256(data_tables(args.data_dir)), made_on)  # fmt: skip
    row = chained_row(rows, cells)
    write_text_atomically(target, frozen_text([*rows, row]))
    print(f"appended {row['forecast_id']} to {target}: P(release) {row['probability']} "
          f"(80% {row['interval_low']}-{row['interval_high']}), commit {commit[:7]}")  # fmt: skip
    return EXIT_OK


def _notebooks(_args: argparse.Namespace) -> int:
    spare_iri_grammar()
    from analysis.report import ReportError, refresh_notebooks

    try:
        refresh_notebooks()
    except ReportError as error:
        print(f"notebooks: {error}; that notebook was left as it was.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _version() -> str:
    """The installed package's version, or the source tree's when it is not installed."""
    from importlib import metadata

    try:
        return metadata.version("shenyang-detention-scenarios")
    except metadata.PackageNotFoundError:
        return "(not installed; run `make install`)"


def _add_report_parser(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report",
        help="build the report: validate, run every notebook, write figures and HTML",
        description=(
            "Validate the data, execute every notebook in a fresh kernel (the committed notebooks "
            "stay untouched) and write the HTML pages into OUTPUT. The new report replaces the old "
            "one only when every step succeeded. Never writes into data/."
        ),
    )
    report.add_argument(
        "--all",
        action="store_true",
        help="after the main report, build every other question of questions.csv into "
        "OUTPUT/<ID>/ and the track record page (OUTPUT/track_record.html); a question that "
        "fails is named with its reason and leaves the others whole",
    )
    report.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="OUTPUT",
        help="folder to write the report into (default: the project's reports/, or "
        "reports/<ID>/ for another question's --case ID, leaving the main report in place)",
    )
    report.add_argument(
        "--case",
        default=DEFAULT_CASE,
        metavar="ID",
        help="the question to report on, a case_id of data/questions.csv "
        f"(default: {DEFAULT_CASE})",
    )
    report.set_defaults(handler=_report)


def _add_notebooks_parser(commands: argparse._SubParsersAction) -> None:
    notebooks = commands.add_parser(
        "notebooks",
        help="re-execute the committed notebooks in place, after editing code or data",
        description=(
            "Run each notebook in notebooks/ top to bottom in a fresh kernel and save it with its "
            "new outputs, so nbval compares against what the current code and data give."
        ),
    )
    notebooks.set_defaults(handler=_notebooks)


def _add_ledger_parser(commands: argparse._SubParsersAction) -> None:
    ledger = commands.add_parser(
        "ledger",
        help="print the forecast ledger, score every resolved forecast, list the signposts",
        description=(
            "The published forecasts (data/forecasts.csv, frozen), then the retrodiction: every "
            "forecast recomputed from today's code and data (the question's case at its "
            "detention, its date and 18 May 2017; the other worked questions; the in-time "
            "backtest of past cases), with Brier and log scores of the resolved ones and the "
            "news that would change it."
        ),
    )
    ledger.add_argument(
        "--case",
        default=DEFAULT_CASE,
        metavar="ID",
        help=f"the question, a case_id of data/questions.csv (default: {DEFAULT_CASE})",
    )
    ledger.add_argument("--json", action="store_true", help="print one JSON object instead")
    ledger.add_argument(
        "--track-record", action="store_true",
        help="print every question's latest frozen forecast, outcome and Brier and log "
        "scores, beside the base rate alone and an uninformed 0.5",
    )  # fmt: skip
    ledger.add_argument(
        "--append", type=Path, metavar="PATH",
        help="append the current headline to the frozen ledger PATH (data/forecasts.csv to "
        "publish it), refusing a work tree with uncommitted changes; prints nothing else",
    )  # fmt: skip
    ledger.add_argument(
        "--data-dir", type=Path, default=paths.DATA_DIR, metavar="DATA_DIR",
        help="folder holding the tables (default: the project's data/)",
    )  # fmt: skip
    ledger.set_defaults(handler=_ledger)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m analysis``; every argument error is one line, exit 2."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description=(
            "Sourced tables, timeline and return-versus-release scenarios for the eight North "
            "Koreans detained in Shenyang in March 2017."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check the data tables and print a one-line summary",
        description=(
            "Check every table (events, actors, cases, second_coding, counts, arrivals, "
            "questions, scenarios, weights) against the rules in data/codebook.csv. "
            "Exit 0 when valid; exit 2 and list every problem as "
            "file:line: column: what is wrong (got X, expected Y) when not. Writes nothing."
        ),
    )
    validate.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        default=paths.DATA_DIR,
        metavar="DATA_DIR",
        help="folder holding the tables (default: the project's data/)",
    )
    validate.set_defaults(handler=_validate)

    _add_scenario_parser(commands)

    _add_report_parser(commands)
    _add_notebooks_parser(commands)
    _add_ledger_parser(commands)
    for each in (parser, *commands.choices.values()):
        _one_line_errors(each)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    return args.handler(args)
