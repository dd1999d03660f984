"""Command line: ``python -m analysis {validate,scenario,report}``.

Exit codes: 0 success, 2 bad input (data, arguments), 1 a step that failed for another reason.
Bad input never ends in a traceback: the message names the file, line and column. The command
line parses, calls and prints: the model, the report and the defaults live elsewhere, and each
command imports what it needs, so ``--help`` loads neither pandas nor matplotlib.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from analysis import paths
from analysis.defaults import DEFAULT_CASE, DEFAULT_DRAWS, SEED
from analysis.text import excerpt, printable

if TYPE_CHECKING:
    import pandas as pd

    from analysis.data.tables import DataValidationError
    from analysis.engine.headline import Headline
    from analysis.engine.whatif import ScenarioModel, WhatIfForecast
    from analysis.record.classes import ClassRule

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
# The shell's convention for a process ended by a signal: 128 + its number.
EXIT_INTERRUPTED = 130  # SIGINT, Ctrl-C
EXIT_BROKEN_PIPE = 141  # SIGPIPE: the reader of stdout (head, less) left early


def _report_problems(error: DataValidationError, consequence: str) -> int:
    """List every data problem on stderr, then a count and what it means; returns exit 2."""
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(f"{len(error.problems)} problem(s) in the data; {consequence}.", file=sys.stderr)
    return EXIT_BAD_INPUT


def data_dir_problem(data_dir: Path) -> str | None:
    """Why ``data_dir`` cannot be a data folder (it is missing, or a file), or None. Asked
    before any heavy import, so a mistyped path fails at once."""
    if data_dir.is_dir():
        return None
    if data_dir.exists():
        shown = printable(str(data_dir))
        return f"{shown} is a file, not a folder (expected the folder holding the tables)"
    return f"no such folder: {printable(str(data_dir))}"


def _validate(args: argparse.Namespace) -> int:
    problem = data_dir_problem(args.data_dir)
    if problem:
        print(f"validate: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # Imported in each command, not at the top: --help must not load pandas.
    from analysis.data.dataset import load_dataset, summary_line
    from analysis.data.tables import DataValidationError

    try:
        dataset = load_dataset(args.data_dir)
    except DataValidationError as error:
        folder = printable(str(args.data_dir))
        return _report_problems(error, f"{folder} was only read, nothing was written")
    frozen = args.data_dir / "forecasts.csv"
    if frozen.is_file():  # the frozen ledger: its hash chain, not a table to load
        from analysis.engine.ledger import check_frozen

        if problems := check_frozen(frozen):
            folder = printable(str(args.data_dir))
            return _report_problems(
                DataValidationError(problems), f"{folder} was only read, nothing was written"
            )
    from analysis.data.asof_tables import asof_problems
    from analysis.record.asof import case_sources

    urls_used = set(case_sources(dataset.cases, dataset.second_coding)["url"])
    if problems := asof_problems(args.data_dir, set(dataset.cases["case_id"]), urls_used):
        folder = printable(str(args.data_dir))
        return _report_problems(
            DataValidationError(problems), f"{folder} was only read, nothing was written"
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
    from analysis.data.tables import DataValidationError
    from analysis.pages.report import (
        KeptKernels,
        NothingToScoreError,
        ReportError,
        UnsafeOutputError,
        build_report,
    )
    from analysis.record.case import UnknownCaseError

    # Another question is another report: by default in reports/<question_id>/, the main
    # report left in place.
    # A --case that is no question id (too long, or not a slug) names no folder: the build
    # refuses it in one line before anything is written.
    output = args.output
    if output is None:
        own_folder = args.case != DEFAULT_CASE and re.fullmatch(r"[a-z0-9_]{1,80}", args.case)
        output = paths.REPORTS_DIR / args.case if own_folder else paths.REPORTS_DIR
    kept = _what_is_kept(output)
    try:
        # With --all, one kernel per question notebook serves every question in turn.
        with KeptKernels() if args.all else contextlib.nullcontext() as kernels:
            build_report(output_dir=output, case=args.case, log=_progress, kernels=kernels)
            if args.all:
                from analysis.pages.report import build_gallery

                # What the main report leaves alive (modules, caches, the tables) is frozen out
                # of the garbage collector's full passes, which would walk it again and again
                # for every question (about 0.1 s of CPU a question).
                gc.collect()
                gc.freeze()
                failed = build_gallery(output_dir=output, log=_progress, kernels=kernels)
                for question, reason in failed:
                    reason = printable(reason)
                    print(f"report: question {question} failed: {reason}", file=sys.stderr)
                if failed:
                    print(
                        f"report: {len(failed)} question report(s) failed; the main report and "
                        "the others are whole.",
                        file=sys.stderr,
                    )
                    return EXIT_FAILED
    except DataValidationError as error:
        return _report_problems(error, kept)
    except (UnknownCaseError, NothingToScoreError) as error:
        print(f"report: {error}; {kept}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    except UnsafeOutputError as error:
        print(f"report: {printable(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ReportError, OSError) as error:
        print(f"report failed: {printable(str(error))}; {kept}.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _what_is_kept(output: Path) -> str:
    """What a failed report leaves, in words: the previous report when there is one."""
    if (output / "index.html").is_file():
        return "the previous report is untouched"
    return f"no report was written to {printable(str(output))}"


def _progress(line: str) -> None:
    """Print a progress line; once the reader of stdout has gone (``report | head -2``), drop
    the rest: the build goes on, since losing its progress lines is no reason to stop it."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that no later write or the final flush raises again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


# --- scenario -------------------------------------------------------------------------------

MAX_DRAWS = 2_000_000  # memory stays under about 100 MB


def _level(name: str) -> Callable[[str], float]:
    """An argparse type: a factor level, a number from 0 to 1."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"not a number (got {excerpt(text)}, expected a {name} level from 0 to 1)"
            ) from None
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise argparse.ArgumentTypeError(
                f"out of range (got {printable(text, 60)}, expected a {name} level from 0 to 1)"
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
            f"not a valid date (got {excerpt(text)}, expected YYYY-MM-DD)"
        ) from None


def _whole(name: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"\d+", text.strip()) or not low <= int(text) <= high:
            expected = f"a whole number from {low:,} to {high:,}"
            raise argparse.ArgumentTypeError(
                f"not a valid {name} (got {excerpt(text)}, expected {expected})"
            )
        return int(text)

    return parse


def _one_line_errors(parser: argparse.ArgumentParser) -> None:
    """Report this parser's argument errors as one line on stderr and exit 2, no usage block."""

    def error(message: str) -> NoReturn:
        parser.exit(EXIT_BAD_INPUT, f"{parser.prog}: error: {printable(message)} (see --help)\n")

    parser.error = error  # type: ignore[method-assign]


def _scenario(args: argparse.Namespace) -> int:
    problem = data_dir_problem(args.data_dir)
    if problem:
        print(f"python -m analysis scenario: error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    # Imported here: validate and report do not need the model.
    from analysis.data.dataset import load_dataset
    from analysis.data.tables import DataValidationError
    from analysis.engine.headline import headline
    from analysis.engine.whatif import question_whatif, whatif_at
    from analysis.record import factors
    from analysis.record.case import UnknownCaseError
    from analysis.record.classes import CHINA_ARRESTS

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
        folder = printable(str(args.data_dir))
        print(f"{len(error.problems)} problem(s) in {folder}.", file=sys.stderr)
        return EXIT_BAD_INPUT
    as_of, rule = args.as_of, CHINA_ARRESTS
    if args.case:
        try:
            view = question_whatif(dataset, args.case, args.draws, args.seed)
        except UnknownCaseError as error:
            print(f"python -m analysis scenario: error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        row, rule = view.case_scenario, view.facts.rule
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
    result, model = whatif_at(dataset, pressure, tension, as_of, args.draws, args.seed, rule)
    try:
        stated = headline(dataset, args.case or DEFAULT_CASE)
    except UnknownCaseError:  # a data folder whose questions lack the default: its first one
        stated = headline(dataset, str(dataset.questions["question_id"].iloc[0]))
    # What was asked comes first: levels or a date by hand ask for the what-if.
    what_if_asked = args.pressure is not None or args.tension is not None or args.as_of is not None
    _print_forecast(
        result, model, as_of.isoformat() if as_of else None, args.json, stated, what_if_asked, rule
    )
    return EXIT_OK


def _warn_if_after_record(events: pd.DataFrame, as_of: date) -> None:
    """Warn on stderr when ``as_of`` lies after the record's last dated event: the levels
    taken from the events have then decayed towards 0, the forecast towards the base rate."""
    from analysis.record import factors

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
    result: WhatIfForecast,
    model: ScenarioModel,
    as_of: str | None,
    as_json: bool,
    stated: Headline,
    what_if_first: bool,
    rule: ClassRule,
) -> None:
    """The scenario command's output: one JSON object, or lines for a reader: the project's
    headline (``analysis.engine.headline``) and the what-if of the expert-weight model (the
    article's argument) at the levels asked for, its base rate from ``rule``'s class; the
    what-if first when ``what_if_first``."""
    from analysis.engine.headline import NOTHING_SCORED, WHAT_IF, as_dict, sentence
    from analysis.record.classes import class_name

    members = class_name(rule)

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
    when = f" as of {as_of}" if as_of else ""
    releases = "release" if model.released == 1 else "releases"
    what_if = [
        f"{WHAT_IF.capitalize()}, the expert-weight model: "
        f"P(release) = {result.p_release:.2f}, P(return) = {result.p_return:.2f} "
        f"at pressure {result.pressure:.2f}, tension {result.tension:.2f}{when}",
        f"What-if's 80% interval of P(release): {result.interval_low:.2f} to "
        f"{result.interval_high:.2f} ({result.draws:,} Monte Carlo draws, seed {result.seed})",
        (
            f"What-if's base rate {model.base_rate:.2f}, from {model.released} {releases} in "
            f"{model.cases_counted} {members} with a one-way outcome ({model.view})"
            if model.cases_counted
            else f"What-if's base rate {model.base_rate:.2f}, the prior alone: none of the "
            f"{members} has a one-way outcome to learn from ({model.view})"
        ),
    ]
    head = [f"Headline: {sentence(stated)}"]
    if stated.backtest_verdict == NOTHING_SCORED:
        head.append(f"Headline: {NOTHING_SCORED}")
    for line in what_if + head if what_if_first else head + what_if:
        print(_wrapped(line))


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
        "--pressure",
        type=_level("pressure"),
        metavar="P",
        help="international pressure on Beijing, 0 to 1 (default: from the events as of --as-of)",
    )
    scenario.add_argument(
        "--tension",
        type=_level("tension"),
        metavar="T",
        help="Beijing-Pyongyang tension, 0 to 1 (default: from the events as of --as-of)",
    )
    scenario.add_argument(
        "--as-of",
        type=_as_of,
        metavar="DATE",
        help="YYYY-MM-DD, not before the first event: take any level not given from the events "
        "dated on or before DATE, and the base rate from the cases resolved by DATE",
    )
    scenario.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: the headline's fields at the top level (model "
        "'headline'), the what-if at the levels asked for under what_if",
    )
    scenario.add_argument(
        "--draws",
        type=_whole("number of draws", 1, MAX_DRAWS),
        default=DEFAULT_DRAWS,
        metavar="N",
        help=f"Monte Carlo draws (default {DEFAULT_DRAWS:,}; at most {MAX_DRAWS:,})",
    )
    scenario.add_argument(
        "--seed",
        type=_whole("seed", 0, 2**32 - 1),
        default=SEED,
        metavar="S",
        help=f"random seed (default {SEED}); the same seed gives the same interval",
    )
    scenario.add_argument(
        "--case",
        metavar="ID",
        help="a question of data/questions.csv (its case_id): its scenario's levels and "
        "forecast date, unless --pressure, --tension or --as-of say otherwise",
    )
    scenario.add_argument(
        "--data-dir",
        type=Path,
        default=paths.DATA_DIR,
        metavar="DATA_DIR",
        help="folder holding the tables (default: the project's data/)",
    )
    scenario.set_defaults(handler=_scenario)


LEDGER_WIDTH = 100  # characters: the compact view fits a terminal of this width


def _wrapped(text: str, indent: str = "", width: int = LEDGER_WIDTH) -> str:
    """``text`` wrapped to ``width`` columns, continuation lines under its first word."""
    import textwrap

    return textwrap.fill(
        text, width, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    )


def _resolution_words(resolution: object, resolved_on: object) -> str:
    """1 "release", 0 "return", anything else "not resolved"; with the day it resolved."""
    words = {1: "release", 0: "return"}.get(resolution if resolution == resolution else None)
    if words is None:
        return "not resolved"
    return f"{words}, {resolved_on}" if resolved_on else words


def ledger_text(table: pd.DataFrame, names: dict[str, str], width: int = LEDGER_WIDTH) -> str:
    """The ledger for a terminal ``width`` columns wide: each question once, as a sentence
    (a case id in it replaced by the case's title from ``names``), then one line per forecast
    (made on, P(release), how it resolved, the specification), wrapped, never cut."""
    ids = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names, key=len)[::-1])) + r")\b")
    blocks = []
    # Each question once, in the order of its first forecast, with all of its forecasts.
    for question, rows in table.groupby("question", sort=False):
        if names:
            question = ids.sub(lambda match: f"\u201c{names[match.group(1)]}\u201d", question)
        lines = [_wrapped(str(question), width=width)]
        for row in rows.itertuples(index=False):
            p = f"{float(row.probability):.2f}" if row.probability == row.probability else "\u2013"
            lines.append(
                _wrapped(
                    f"made {row.made_on}: P(release) {p}; "
                    f"{_resolution_words(row.resolution, row.resolved_on)}; {row.specification}",
                    indent="  ",
                    width=width,
                )
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def ledger_wide(table: pd.DataFrame) -> str:
    """The whole ledger as one wide table: no NaN, resolutions in words, no index."""
    shown = table.assign(
        probability=table["probability"].round(3),
        resolution=[_resolution_words(r, "") for r in table["resolution"]],
    )
    return shown.astype(object).fillna("").to_string(index=False)  # object: "" fills any column


def _print_track_record(dataset: object, data_dir: Path) -> int:
    """``ledger --track-record``: every question's latest frozen forecast, outcome and scores,
    then the mean scores against the base rate alone and 0.5."""
    from analysis.engine import track_record
    from analysis.engine.ledger import read_frozen

    ledger = data_dir / "forecasts.csv"
    table = track_record.track_record(dataset, read_frozen(ledger) if ledger.is_file() else [])
    shown = ["question_id", "decided_by", "as_of", "status", "forecast_id", "forecast",
             "base_rate", "brier_forecast", "log_forecast", "brier_base_rate",
             "log_base_rate"]  # fmt: skip
    print(f"Track record ({track_record.MODEL}): every question of questions.csv")
    # Open and annulled questions have no score: an en dash, never NaN.
    print(table[shown].round(3).astype(object).fillna("\u2013").to_string(index=False))
    print(track_record.summary(table).round(3).to_string(index=False))
    return EXIT_OK


def _ledger(args: argparse.Namespace) -> int:
    problem = data_dir_problem(args.data_dir)
    if problem:
        print(f"python -m analysis ledger: error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from analysis.data.dataset import load_dataset
    from analysis.data.tables import DataValidationError
    from analysis.engine.headline import NOTHING_SCORED, headline
    from analysis.engine.ledger import build_ledger, score_ledger, signpost_table
    from analysis.record.case import UnknownCaseError, case_facts

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
        print(
            json.dumps(
                {
                    "published": frozen,
                    "retrodiction": json.loads(ledger.to_json(orient="records")),
                    "retrodiction_scores": scores,
                }
            )
        )
        return EXIT_OK
    if args.csv:
        sys.stdout.write(ledger.to_csv(index=False, lineterminator="\n"))
        return EXIT_OK
    print("Published forecasts (data/forecasts.csv, frozen: never recomputed):")
    for row in frozen:
        print(
            _wrapped(
                f"- {row['forecast_id']} {row['made_on']}: P(release) {row['probability']} "
                f"(80% {row['interval_low']}-{row['interval_high']}), {row['status']}; "
                f"{row['rule']} [commit {row['code_commit'][:7]}]"
            )
        )
    print()
    print("Retrodiction (recomputed from today's code and data; not what was published):")
    if args.wide:
        print(ledger_wide(ledger.drop(columns=["resolution_criteria", "rationale"])))
    else:
        names = dict(zip(dataset.cases["case_id"], dataset.cases["title"], strict=True))
        print(ledger_text(ledger, names))
    print()
    for name in dict.fromkeys(key.rsplit("|", 1)[0] for key in scores):
        if not scores[name + "|n"]:
            print(f"retrodiction, {name}: no resolved forecast yet, so nothing to score")
            continue
        print(
            _wrapped(
                f"retrodiction, {name}: {int(scores[name + '|n'])} resolved forecasts, Brier "
                f"{scores[name + '|brier']:.3f} (lower is better), log score "
                f"{scores[name + '|log']:.3f} (higher is better)"
            )
        )
    if stated.backtest_verdict == NOTHING_SCORED:
        print(_wrapped(f"Headline: {NOTHING_SCORED}"))
    print()
    print("What would change the forecast (shifts: what-if (the article's argument)):")
    for row in signpost_table(stated).itertuples(index=False):
        shift = "" if row.shift is None or row.shift != row.shift else f", {row.shift:+.2f}"
        print(_wrapped(f"- {row.news}: {row.direction}{shift} ({row.basis})"))
    return EXIT_OK


def _frozen_rows(path: Path, question: str) -> list[dict[str, str]]:
    """The frozen ledger's rows of ``question`` (none when the data folder has no ledger)."""
    from analysis.engine.ledger import read_frozen

    if not path.is_file():
        return []
    return [row for row in read_frozen(path) if row["question_id"] == question]


def _append_headline(dataset: object, args: argparse.Namespace) -> int:
    """``ledger --append PATH``: the current headline as a new frozen row at the end of PATH,
    refused (exit 2) when PATH's chain is broken or the work tree has uncommitted changes."""
    from datetime import datetime

    from analysis.engine.headline import headline
    from analysis.engine.ledger import (
        LedgerError,
        chained_row,
        check_frozen,
        committed_head,
        data_sha256,
        data_tables,
        frozen_text,
        headline_cells,
        read_frozen,
    )
    from analysis.files import write_text_atomically
    from analysis.record.case import case_facts

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
    cells = headline_cells(
        headline(dataset, args.case),
        question,
        commit,
        data_sha256(data_tables(args.data_dir)),
        made_on,
    )
    row = chained_row(rows, cells)
    write_text_atomically(target, frozen_text([*rows, row]))
    print(
        f"appended {row['forecast_id']} to {target}: P(release) {row['probability']} "
        f"(80% {row['interval_low']}-{row['interval_high']}), commit {commit[:7]}"
    )
    return EXIT_OK


def _notebooks(_args: argparse.Namespace) -> int:
    spare_iri_grammar()
    from analysis.pages.report import ReportError, refresh_notebooks

    try:
        refresh_notebooks(log=_progress)
    except ReportError as error:
        print(f"notebooks: {error}; that notebook was left as it was.", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _packets(args: argparse.Namespace) -> int:
    problem = data_dir_problem(args.data_dir)
    if problem:
        print(f"python -m analysis packets: error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    output = args.output.resolve()
    if output.is_relative_to(paths.PROJECT_ROOT):
        print(
            f"python -m analysis packets: error: {printable(str(args.output))} is inside the "
            "project (expected a folder outside it, such as one under /tmp: a blind coder "
            "must not find the outcomes beside the packets)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    from analysis.data.asof_tables import load_asof_table
    from analysis.data.dataset import load_codebook, load_dataset
    from analysis.data.tables import DataValidationError
    from analysis.files import write_text_atomically
    from analysis.record import asof

    try:
        dataset = load_dataset(args.data_dir)
        dates = load_asof_table("source_dates", args.data_dir)
        codebook = load_codebook(args.data_dir)
    except DataValidationError as error:
        return _report_problems(error, "no packet was written")
    filtered = asof.filter_sources(dataset.cases, dataset.second_coding, dates)
    packets = asof.coding_packets(dataset.cases, filtered, codebook)
    for packet_id, text in packets.items():
        write_text_atomically(output / f"{packet_id}.txt", text)
    write_text_atomically(output / "INSTRUCTIONS.txt", asof.coder_instructions())
    print(asof.describe_filter(filtered, dates))
    print(f"packets: wrote {len(packets)} packets and INSTRUCTIONS.txt to {printable(str(output))}")
    return EXIT_OK


def _add_packets_parser(commands: argparse._SubParsersAction) -> None:
    packets = commands.add_parser(
        "packets",
        help="write the blind as-of coding packets (sources dated before each decision only)",
        description=(
            "Keep each case's sources dated on or before its forecast day (data/source_dates.csv) "
            "and write one coding packet per case that keeps any, with the coding rules, a "
            "neutral id and the detention date, and no outcome or decision date, into OUTPUT "
            "(a folder outside the project)."
        ),
    )
    packets.add_argument("output", type=Path, metavar="OUTPUT", help="folder for the packets")
    packets.add_argument(
        "--data-dir",
        type=Path,
        default=paths.DATA_DIR,
        metavar="DATA_DIR",
        help="folder holding the tables (default: the project's data/)",
    )
    packets.set_defaults(handler=_packets)


def _cache_clear(_args: argparse.Namespace) -> int:
    from analysis import cache

    folders = cache.cache_folders()
    removed = cache.clear(folders)
    print(
        f"cache: removed {removed} entr{'y' if removed == 1 else 'ies'} from "
        f"{', '.join(str(folder) for folder in folders)}"
    )
    return EXIT_OK


def _add_cache_parser(commands: argparse._SubParsersAction) -> None:
    cache = commands.add_parser(
        "cache",
        help="manage the store of computed results (the headline and its multiverse)",
        description=(
            "The headline and its multiverse are kept in a store keyed by the tables and the "
            "package's code, so each is computed once: ANALYSIS_CACHE_DIR when set, else "
            ".cache/analysis/ in the project, else the user's cache folder. An entry is never "
            "used for other tables or code; ANALYSIS_CACHE=off computes everything afresh."
        ),
    )
    actions = cache.add_subparsers(dest="action", required=True, metavar="ACTION")
    clear = actions.add_parser(
        "clear",
        help="remove every stored result",
        description="Remove every stored result; the next command computes them again.",
    )
    clear.set_defaults(handler=_cache_clear)
    _one_line_errors(cache)
    _one_line_errors(clear)


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
            "stay untouched; with --all each question notebook's kernel is kept for the next "
            "question, reset to a fresh kernel's state) and write the HTML pages into OUTPUT. The "
            "new report replaces the old one only when every step succeeded. Never writes into "
            "data/."
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
    shown = ledger.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print one JSON object instead")
    shown.add_argument(
        "--wide",
        action="store_true",
        help="the whole table, one forecast a line, however wide (default: a compact view "
        f"that fits {LEDGER_WIDTH} columns)",
    )
    shown.add_argument(
        "--csv", action="store_true", help="every column of every forecast as CSV, to pipe"
    )
    ledger.add_argument(
        "--track-record",
        action="store_true",
        help="print every question's latest frozen forecast, outcome and Brier and log "
        "scores, beside the base rate alone and an uninformed 0.5",
    )
    ledger.add_argument(
        "--append",
        type=Path,
        metavar="PATH",
        help="append the current headline to the frozen ledger PATH (data/forecasts.csv to "
        "publish it), refusing a work tree with uncommitted changes; prints nothing else",
    )
    ledger.add_argument(
        "--data-dir",
        type=Path,
        default=paths.DATA_DIR,
        metavar="DATA_DIR",
        help="folder holding the tables (default: the project's data/)",
    )
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
            "questions, scenarios, weights, and the as-of source_dates and second_coding_asof "
            "when present) against the rules in data/codebook.csv. "
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
    _add_packets_parser(commands)
    _add_ledger_parser(commands)
    _add_cache_parser(commands)
    for each in (parser, *commands.choices.values()):
        _one_line_errors(each)
    return parser


# Commands whose output is a pure function of their arguments, the tables and the code: a run
# that succeeded is kept in the store (analysis.cache) and replayed, without loading pandas.
REPLAYED = ("scenario", "ledger")


def _replayed(args: argparse.Namespace) -> int:
    """Run ``args``' command, or print what the same command printed on the same tables and
    code. Only successful runs are kept; any data problem is found and reported afresh."""
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from analysis import cache
    from analysis.data.schema import TABLES

    # The frozen ledger is printed by `ledger` too; an append writes and is never replayed.
    names = [schema.filename for schema in TABLES]
    if os.path.lexists(args.data_dir / "forecasts.csv"):
        names.append("forecasts.csv")
    data = cache.files_digest(args.data_dir, names)
    if data is None or not cache.enabled() or getattr(args, "append", None) is not None:
        return args.handler(args)
    arguments = tuple(sorted((k, v) for k, v in vars(args).items() if k != "handler"))
    key = cache.entry_key(f"python -m analysis {args.command}", data, arguments)
    kept = cache.lookup(key)
    if kept is None:
        out, err = StringIO(), StringIO()
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = args.handler(args)
        finally:
            sys.stdout.write(out.getvalue())
            sys.stderr.write(err.getvalue())
        if code == EXIT_OK:
            cache.keep(key, (out.getvalue(), err.getvalue()))
        return code
    printed, warned = kept
    sys.stdout.write(printed)
    sys.stderr.write(warned)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. An interruption, a reader of stdout that
    left early and a package missing from the install each end in one line on stderr."""
    try:
        args = build_parser().parse_args(argv)
        code = _replayed(args) if args.command in REPLAYED else args.handler(args)
        sys.stdout.flush()  # here, where a closed pipe can still be caught, not at exit
        return code
    except KeyboardInterrupt:
        print("python -m analysis: interrupted (Ctrl-C)", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        print("python -m analysis: stopped, the output was closed early", file=sys.stderr)
        return EXIT_BROKEN_PIPE
    except ModuleNotFoundError as error:
        print(
            f"python -m analysis: the package {error.name} is not installed; "
            "run `make install` (it installs the notebook tools too)",
            file=sys.stderr,
        )
        return EXIT_FAILED
