"""The forecast ledgers: the frozen record of published forecasts, and the retrodiction table.

The frozen ledger (``data/forecasts.csv``, FROZEN_COLUMNS) holds one row per forecast the project
published, written once and never recomputed: each row carries the SHA-256 of the row before it
(``previous_row_sha256``) and of itself (``row_sha256``), so ``check_frozen`` (run by
``validate``) names any earlier row edited after a later one was appended. ``python -m analysis
ledger --append PATH`` appends the current headline, refusing a working tree with uncommitted
changes (the row names the commit it was computed at). A resolution is a new row too: a row's
status is the question's status on the day the row was written.

The retrodiction (``build_ledger``) recomputes from today's code and data every forecast the
project would have made, one row per forecast (a retrodiction, never the record): question,
resolution_criteria, deadline (ISO date by which the outcome resolves it, empty while open),
made_on (ISO date), probability (P(release) in [0, 1]), specification, rationale, resolution (1
release, 0 return, empty when unresolved or resolved neither way) and resolved_on. It holds the
headline (``analysis.engine.headline``) for the default question's case as of its detention, the
question's date and 18 May 2017 (HRW's last word on the record), the headline of every other
worked question of questions.csv, and the in-time backtest's forecasts of the past cases (the
default specification and the expert-weight what-if). Reads files, never writes one: ``python -m
analysis ledger`` prints both.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import subprocess
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.data.schema import FORECASTS, RESOLUTION_STATUSES
from analysis.data.tables import Dataset
from analysis.defaults import DEFAULT_CASE
from analysis.engine import specifications
from analysis.engine.headline import Headline, headline_detail
from analysis.engine.scoring import case_scores
from analysis.record.case import case_facts
from analysis.record.outcomes import RELEASE, RETURN

COLUMNS = ("question", "resolution_criteria", "deadline", "made_on", "probability",
           "specification", "rationale", "resolution", "resolved_on")  # fmt: skip
LATER_DATES = ("2017-05-18",)  # the default case's last status report in the record
HEADLINE_SPEC = "retrodiction of the headline: today's rule, code and data"
BACKTEST_SPECS = {"base_only": "the base rate (default specification)",
                  "expert": "the expert weights (the article's argument, a what-if)"}  # fmt: skip


def _resolution(outcome: str) -> float:
    """1 for a release, 0 for a return, NaN for any other outcome (it resolves neither)."""
    return {RELEASE: 1.0, RETURN: 0.0}.get(outcome, math.nan)


def _day(value: object) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def question_rows(dataset: Dataset, case: str, dates: tuple[object, ...]) -> list[dict]:
    """The headline of question ``case`` on each of ``dates`` (None: the question's date)."""
    facts = case_facts(dataset, case)
    resolution = _resolution(str(facts.case["outcome"]))
    rows = []
    for day in dates:
        stated = headline_detail(dataset, case, day).headline
        rows.append(
            {
                "question": str(facts.question["question"]),
                "resolution_criteria": str(facts.question["resolution"]),
                "deadline": "" if math.isnan(resolution) else _day(facts.case["outcome_latest"]),
                "made_on": stated.as_of,
                "probability": stated.p_release,
                "specification": HEADLINE_SPEC,
                "rationale": f"80% interval {stated.low:.2f}-{stated.high:.2f}; "
                f"{stated.base_releases} releases in {stated.base_cases} past cases",
                "resolution": resolution,
                "resolved_on": "" if math.isnan(resolution) else _day(facts.case["outcome_latest"]),
            }
        )
    return rows


def backtest_rows(dataset: Dataset) -> list[dict]:
    """The in-time backtest's forecasts of the past cases (today's record), as resolved
    questions: BACKTEST_SPECS' specifications, each case forecast on its forecast day."""
    forecasts = specifications.in_time_forecasts(dataset)
    cases = dataset.cases.set_index("case_id")
    rows = []
    for formulation, words in BACKTEST_SPECS.items():
        name = specifications.spec_id({**specifications.DEFAULTS, "formulation": formulation})
        for row in forecasts[forecasts["spec_id"] == name].itertuples(index=False):
            case = cases.loc[row.case_id]
            rows.append(
                {
                    "question": f"Will China release the group of {row.case_id} rather than "
                    "return it?",
                    "resolution_criteria": "as for the default question, from cases.csv",
                    "deadline": _day(case["outcome_latest"]),
                    "made_on": _day(row.forecast_day),
                    "probability": row.forecast,
                    "specification": words,
                    "rationale": "in-time backtest: only cases resolved before that day",
                    "resolution": row.y,
                    "resolved_on": _day(case["outcome_latest"]),
                }
            )
    return rows


def build_ledger(dataset: Dataset, case: str = DEFAULT_CASE) -> pd.DataFrame:
    """The whole ledger (COLUMNS): the question ``case`` at its detention, its date and
    LATER_DATES, every other question of questions.csv at its date, then the backtest."""
    facts = case_facts(dataset, case)
    rows = question_rows(dataset, case, (facts.detained, None, *LATER_DATES))
    for other in dataset.questions["question_id"].astype(str):
        if other != str(facts.question["question_id"]):
            rows += question_rows(dataset, other, (None,))
    rows += backtest_rows(dataset)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def score_ledger(ledger: pd.DataFrame) -> dict[str, float]:
    """Brier (mean squared error, 0-1, lower better) and log score (mean natural log of the
    probability given to what happened, <= 0, higher better) of the resolved forecasts, per
    specification and overall: {"<specification>|brier": ..., ...}; n counts them. With no
    resolved forecast there is only {"all|n": 0}: no score, rather than a NaN in the JSON."""
    resolved = ledger[ledger["resolution"].notna()]
    scores: dict[str, float] = {}
    if resolved.empty:
        return {"all|n": 0.0}
    for name, group in [("all", resolved), *resolved.groupby("specification")]:
        p = group["probability"].to_numpy(dtype=float)
        y = group["resolution"].to_numpy(dtype=float)
        scores[f"{name}|brier"] = float(case_scores(p, y, "brier").mean())
        scores[f"{name}|log"] = float(case_scores(p, y, "log").mean())
        scores[f"{name}|n"] = float(len(group))
    return scores


def signpost_table(stated: Headline) -> pd.DataFrame:
    """What would change the forecast ``stated``: news, direction, shift (P points under the
    expert-weight what-if, empty where no factor measures it) and basis."""
    return pd.DataFrame(
        [(s.news, s.direction, s.shift, s.basis) for s in stated.signposts],
        columns=["news", "direction", "shift", "basis"],
    )


# --- the frozen ledger ------------------------------------------------------------------------

FROZEN_FILE = "forecasts.csv"
FROZEN_COLUMNS = FORECASTS.column_names
STATUSES = RESOLUTION_STATUSES
GENESIS = "0" * 64  # the previous_row_sha256 of the first row


class LedgerError(ValueError):
    """The frozen ledger cannot be appended to (bad file, dirty tree): one line to print."""


def row_sha256(cells: Mapping[str, str]) -> str:
    """SHA-256 (hex) of a frozen row: its FROZEN_COLUMNS cells but row_sha256 itself, as text,
    joined by the unit separator (so no cell's text can shift into another)."""
    text = "\x1f".join(str(cells[c]) for c in FROZEN_COLUMNS if c != "row_sha256")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def data_sha256(tables: Mapping[str, bytes]) -> str:
    """SHA-256 (hex) of the data tables: for each CSV file name but FROZEN_FILE, in sorted
    order, its name, a NUL byte, its bytes and a NUL byte."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        if name.endswith(".csv") and name != FROZEN_FILE:
            digest.update(name.encode("utf-8") + b"\0" + tables[name] + b"\0")
    return digest.hexdigest()


def data_tables(data_dir: Path) -> dict[str, bytes]:
    """The bytes of every CSV file of ``data_dir``, by file name."""
    return {path.name: path.read_bytes() for path in sorted(Path(data_dir).glob("*.csv"))}


def read_frozen(path: Path) -> list[dict[str, str]]:
    """The frozen ledger's rows as text cells (FROZEN_COLUMNS), in file order."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def check_frozen(path: Path) -> list[str]:
    """Problems of the frozen ledger at ``path``, one line each (file:line: column: what (got X,
    expected Y)); empty when its header is FROZEN_COLUMNS and every row's hashes hold."""
    name = Path(path).name
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
    if tuple(header) != FROZEN_COLUMNS:
        return [
            f"{name}:1: header: not the frozen ledger's columns (got {','.join(header)}, "
            f"expected {','.join(FROZEN_COLUMNS)})"
        ]
    problems = []
    previous = GENESIS
    for line, row in enumerate(read_frozen(path), start=2):
        problems += [f"{name}:{line}: {problem}" for problem in _cell_problems(row)]
        if row["previous_row_sha256"] != previous:
            where = "the first row" if previous == GENESIS else f"line {line - 1}"
            problems.append(
                f"{name}:{line - 1 if previous != GENESIS else line}: row edited after a later "
                f"row was appended: previous_row_sha256 of line {line} does not match {where} "
                f"(got {row['previous_row_sha256']}, expected {previous})"
            )
        own = row_sha256(row)
        if row["row_sha256"] != own:
            problems.append(
                f"{name}:{line}: row_sha256: the row was edited (got "
                f"{row['row_sha256']}, expected {own})"
            )
        previous = row["row_sha256"]
    return problems


def _cell_problems(row: Mapping[str, str]) -> list[str]:
    """What is wrong with a frozen row's cells by FORECASTS (patterns, dates, numbers, the
    status vocabulary, URLs), as "column: what (got X, expected Y)"."""
    problems = []
    for column in FORECASTS.columns:
        value = row[column.name] or ""
        expected = ""
        if column.pattern and not re.fullmatch(column.pattern, value):
            expected = column.expected
        elif column.kind == "date" and not _is_iso_day(value):
            expected = "a date YYYY-MM-DD"
        elif column.kind == "number" and not _in_range(value, column.minimum, column.maximum):
            expected = f"a number from {column.minimum:g} to {column.maximum:g}"
        elif column.kind == "category" and value not in column.allowed:
            expected = f"one of {', '.join(column.allowed)}"
        elif column.kind == "url_list" and not all(
            re.fullmatch(r"https?://\S+", url.strip()) for url in value.split(";")
        ):
            expected = "http or https URLs separated by ;"
        elif column.kind == "text" and not value.strip():
            expected = "some text"
        if expected:
            problems.append(f"{column.name}: not valid (got {value!r}, expected {expected})")
    return problems


def _is_iso_day(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _in_range(value: str, low: float | None, high: float | None) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return (
        math.isfinite(number)
        and (low is None or number >= low)
        and (high is None or number <= high)
    )


def frozen_text(rows: Sequence[Mapping[str, str]]) -> str:
    """The frozen ledger as CSV text (FROZEN_COLUMNS, \\n line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FROZEN_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def chained_row(rows: Sequence[Mapping[str, str]], cells: Mapping[str, str]) -> dict[str, str]:
    """``cells`` (every FROZEN_COLUMNS but forecast_id and the two hashes) as the next row
    after ``rows``: numbered F001, F002, ..., chained to the last row's row_sha256."""
    row = {
        "forecast_id": f"F{len(rows) + 1:03d}",
        **{k: str(v) for k, v in cells.items()},
        "previous_row_sha256": rows[-1]["row_sha256"] if rows else GENESIS,
    }
    row["row_sha256"] = row_sha256(row)
    return {column: row[column] for column in FROZEN_COLUMNS}


def committed_head(root: Path) -> str:
    """The commit of the git work tree at ``root``; LedgerError when it has uncommitted
    changes (to tracked or new files) or is no git work tree."""
    try:
        git = ["git", "-C", str(root)]
        status = subprocess.run(
            [*git, "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout
        head = subprocess.run(
            [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as error:
        raise LedgerError(f"{root} is not a git work tree ({error})") from None
    if status.strip():
        first = status.strip().splitlines()[0]
        raise LedgerError(
            f"the work tree {root} has uncommitted changes (first: {first.strip()}): commit "
            "them, so the row names the code it was computed with"
        )
    return head


def _url_text(urls: object) -> str:
    """A url list cell as text: loaded tables hold tuples, raw rows "a; b"."""
    if isinstance(urls, (tuple, list)):
        return "; ".join(str(url) for url in urls)
    return "" if urls is None or urls != urls else str(urls)


def headline_cells(
    stated: Headline, question: Mapping[str, object], commit: str, digest: str, made_on: str
) -> dict[str, str]:
    """A frozen row's cells for the headline ``stated`` of ``question`` (a questions.csv row),
    made on ``made_on`` (ISO date) at ``commit`` with data digest ``digest``."""
    rule = (
        f"{stated.weighting} weights over {stated.n_specifications} specifications of "
        f"the question (as of {stated.as_of})"
    )
    return {
        "made_on": made_on,
        "question_id": str(question["question_id"]),
        "probability": f"{stated.p_release:.4f}",
        "interval_low": f"{stated.low:.4f}",
        "interval_high": f"{stated.high:.4f}",
        "rule": rule,
        "code_commit": commit,
        "data_sha256": digest,
        "resolve_by": _day(question.get("resolve_by")),
        "status": str(question.get("resolution_status") or "open"),
        "resolution_source": _url_text(question.get("resolution_source_urls")),
    }
