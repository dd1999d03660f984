"""Whole-command timings: the speed goals of issue 13, measured, never asserted.

Run from the project folder after `make install`:

    .venv/bin/python benchmarks/bench_commands.py [--runs N] [--with-make-test [M]]

Times each command as a whole process, N runs after one warm-up, and prints min, median and
max wall-clock seconds, and the 1-minute load average before the first and after the last run
(other work on the machine slows every figure). Quote medians: the machine is shared and noisy.

* ``python -m analysis --help`` (goal 0.15 s: it must not import pandas);
* ``python -m analysis validate`` (the real tables);
* ``python -m analysis report`` into a temporary folder (goal 10 s);
* with ``--with-make-test``: ``make test`` (goal 35 s; slow, so M runs, 1 unless given, and no
  warm-up).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _time(command: list[str], runs: int, warmup: int) -> list[float]:
    seconds = []
    for index in range(warmup + runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=PROJECT, check=True, capture_output=True)
        if index >= warmup:
            seconds.append(time.perf_counter() - started)
    return seconds


def _row(name: str, command: list[str], runs: int, warmup: int, goal: str) -> str:
    load_before = os.getloadavg()[0]
    seconds = _time(command, runs, warmup)
    load = f"{load_before:.2f} -> {os.getloadavg()[0]:.2f}"
    low, middle, high = min(seconds), statistics.median(seconds), max(seconds)
    spread = f"{low:.2f}-{high:.2f} s"
    return f"| {name} | {middle:.2f} s | {spread} | {len(seconds)} | {load} | {goal} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counted runs per command (5)")
    parser.add_argument(
        "--with-make-test",
        type=int,
        nargs="?",
        const=1,
        default=0,
        metavar="M",
        help="also time `make test`, M runs (1)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        report = [PYTHON, "-m", "analysis", "report", "--output", f"{scratch}/reports"]
        rows = [
            ("`python -m analysis --help`", [PYTHON, "-m", "analysis", "--help"], "0.15 s", 1),
            ("`python -m analysis validate`", [PYTHON, "-m", "analysis", "validate"], "", 1),
            ("`python -m analysis report`", report, "10 s", 1),
        ]
        print("| command | median | min-max | runs | load (1 min) | goal |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, command, goal, warmup in rows:
            runs = args.runs if "report" not in command else max(1, args.runs // 2)
            print(_row(name, command, runs, warmup, goal), flush=True)
        if args.with_make_test:
            make_test = ["make", "test"]
            print(_row("`make test`", make_test, args.with_make_test, 0, "35 s"), flush=True)


if __name__ == "__main__":
    main()
