"""Command line: ``python -m analysis {validate,scenario,report}``.

Exit codes: 0 success, 2 bad input (data, arguments), 1 a step that failed for another reason.
Bad input never ends in a traceback: the message names the file, line and column.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from analysis import paths
from analysis.data import DataValidationError, load_dataset, summary_line

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _validate(args: argparse.Namespace) -> int:
    try:
        dataset = load_dataset(args.data_dir)
    except DataValidationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"{len(error.problems)} problem(s) in {args.data_dir}; nothing was written.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    print(summary_line(dataset, args.data_dir))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    # Imported here: the notebook machinery is slow to import and only this command needs it.
    from analysis.report import ReportError, build_report

    try:
        build_report(output_dir=args.output)
    except DataValidationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"{len(error.problems)} problem(s) in the data; the previous report is untouched.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except ReportError as error:
        print(f"report failed: {error}; the previous report is untouched.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description=(
            "Sourced tables, timeline and return-versus-release scenarios for the eight North "
            "Koreans detained in Shenyang in March 2017."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate",
        help="check the data tables and print a one-line summary",
        description=(
            "Check events.csv, actors.csv and cases.csv against data/codebook.csv. "
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
        "--output",
        type=Path,
        default=paths.REPORTS_DIR,
        metavar="OUTPUT",
        help="folder to write the report into (default: the project's reports/)",
    )
    report.set_defaults(handler=_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    return args.handler(args)
