"""Paired timings of whole commands, this tree against another checkout (issue 25's goals).

Run from the project folder after `make install`; BEFORE is another checkout of the project,
with its own `make install` (for example a fresh clone of the previous release) or, when its
dependencies are this tree's, without one (`git worktree add ../before COMMIT`: it then runs
with this tree's .venv and its own ``src`` first on PYTHONPATH, kernels included):

    .venv/bin/python benchmarks/bench_cache.py --before ../before [--runs N] [--with-make-test M]
        [--with-gallery G]

Each command runs in this tree and in BEFORE in turn (now, before, now, before, ...) after one
warm-up each, so both meet the machine in the same state; each run is timed as a whole process:
wall seconds from a monotonic clock, processor seconds (user + system) from the operating
system's accounting of the finished child and its waited-for descendants (kernels, workers).
It prints the median of each, the range, and the median of the pair-by-pair ratio now / before.
Measured, never asserted: timings depend on the machine and its load (the 1-minute load average
is printed before and after).

* ``scenario --case 2017_shenyang_eight`` and ``ledger``, warm (goals 0.5 s and 1 s): the store
  (``analysis.cache``) already holds this tree's results after the warm-up;
* ``report --output DIR``, warm (goal 12 s wall, 22 s processor time) and cold (goal 20 s): cold
  runs give this tree an empty store of its own each time (ANALYSIS_CACHE_DIR);
* with ``--with-make-test M``: ``make test``, M pairs, no warm-up (goal 60 s wall, 100 s CPU);
* with ``--with-gallery G``: ``report --all`` (what ``make report`` runs: the main report, every
  other question's and the track record), warm and cold, G pairs, and the cold cost of each
  question beyond the main one: (cold ``report --all`` - cold ``report``) / their number (goal
  under 4 s).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def _run(command: list[str], folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall, processor) seconds of one run of ``command`` in ``folder``; a checkout without a
    .venv of its own runs with this tree's, its own ``src`` first on PYTHONPATH."""
    if not (folder / ".venv").exists():
        env = {**env, "PYTHONPATH": str(folder / "src")}
        command = [str(PROJECT / part) if part.startswith(".venv/") else part for part in command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})"


def paired(
    name: str, command: list[str], before: Path, runs: int, warmup: int, cold: bool = False
) -> tuple[str, dict[Path, float]]:
    """One table row: ``command`` in this tree against ``before``, in turn; and the median wall
    seconds of each tree."""
    times: dict[Path, list[tuple[float, float]]] = {PROJECT: [], before: []}
    load = os.getloadavg()[0]
    for index in range(warmup + runs):
        for folder in (PROJECT, before):
            with tempfile.TemporaryDirectory() as scratch:
                env = dict(os.environ)
                if cold:
                    env["ANALYSIS_CACHE_DIR"] = f"{scratch}/cache"
                argv = [part.replace("SCRATCH", scratch) for part in command]
                measured = _run(argv, folder, env)
            if index >= warmup:
                times[folder].append(measured)
    now, then = times[PROJECT], times[before]
    ratio = statistics.median(a[0] / b[0] for a, b in zip(now, then, strict=True))
    cells = [
        f"{_spread([w for w, _ in each])}, {statistics.median(c for _, c in each):.1f} s CPU"
        for each in (then, now)
    ]
    row = (
        f"| {name} | {runs} | {cells[0]} | {cells[1]} | {ratio:.2f} "
        f"| {load:.1f} -> {os.getloadavg()[0]:.1f} |"
    )
    return row, {folder: statistics.median(w for w, _ in times[folder]) for folder in times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--runs", type=int, default=5, help="pairs per command (5)")
    parser.add_argument(
        "--with-make-test", type=int, default=0, metavar="M", help="also time `make test`, M pairs"
    )
    parser.add_argument(
        "--with-gallery",
        type=int,
        default=0,
        metavar="G",
        help="also time `report --all`, warm and cold, G pairs each",
    )
    args = parser.parse_args()
    python = ".venv/bin/python"
    report = [python, "-m", "analysis", "report", "--output", "SCRATCH/reports"]
    scenario = [python, "-m", "analysis", "scenario", "--case", "2017_shenyang_eight"]
    rows = [
        ("`scenario --case 2017_shenyang_eight`, warm", scenario, args.runs, 1, False),
        ("`ledger`, warm", [python, "-m", "analysis", "ledger"], args.runs, 1, False),
        ("`report --output DIR`, warm", report, max(1, args.runs // 2), 1, False),
        ("`report --output DIR`, cold", report, max(1, args.runs // 2), 0, True),
    ]
    gallery = [*report[:4], "--all", *report[4:]]
    if args.with_gallery:
        rows += [
            ("`report --all --output DIR`, warm", gallery, args.with_gallery, 1, False),
            ("`report --all --output DIR`, cold", gallery, args.with_gallery, 0, True),
        ]
    if args.with_make_test:
        rows.append(("`make test`", ["make", "test"], args.with_make_test, 0, False))
    print("| command | pairs | before | now | now / before | load (1 min) |")
    print("| --- | --- | --- | --- | --- | --- |")
    medians = {}
    for name, command, runs, warmup, cold in rows:
        row, medians[name] = paired(name, command, args.before.resolve(), runs, warmup, cold)
        print(row, flush=True)
    if args.with_gallery:
        extra = _questions() - 1
        main_cold = medians["`report --output DIR`, cold"]
        all_cold = medians["`report --all --output DIR`, cold"]
        print()  # ends the table
        for label, folder in (("before", args.before.resolve()), ("now", PROJECT)):
            each = (all_cold[folder] - main_cold[folder]) / extra
            print(f"each of the {extra} extra questions, cold, {label}: {each:.1f} s")


def _questions() -> int:
    """How many questions data/questions.csv holds (its rows)."""
    with (PROJECT / "data" / "questions.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


if __name__ == "__main__":
    main()
