"""The headline's own cost, outside the store: measured, not asserted.

Run from the project folder after `make install`:

    .venv/bin/python benchmarks/bench_headline.py [--runs N] [--before DIR] [--pairs P]

Times, in one process with the store off (``ANALYSIS_CACHE=off``), ``headline_detail`` of the
main question and notebook 04's sensitivity (``measured.headline_sensitivity``: the headline
again with each measured series in place of the coded tension, seven headlines) of a gallery
question, each the median of N runs after one warm-up, wall seconds. With ``--before DIR`` (a
checkout without a .venv of its own, as ``git worktree add ../before COMMIT`` gives), the same
script runs there too, its own ``src`` first on PYTHONPATH, P pairs in turn, each in a fresh
process; it prints each run and the median ratio now / before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
MAIN_QUESTION = "2017_shenyang_eight"
GALLERY_QUESTION = "2012_shenyang_31"


def median_seconds(function, runs: int) -> float:
    """Median wall seconds of ``runs`` calls of ``function`` after one warm-up call."""
    function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(runs: int) -> tuple[float, float]:
    """(headline, sensitivity) median seconds in this process, the store off."""
    os.environ["ANALYSIS_CACHE"] = "off"
    from analysis import paths
    from analysis.data.dataset import load_dataset
    from analysis.engine import measured
    from analysis.engine.headline import headline_detail

    data = load_dataset(paths.DATA_DIR)
    return (
        median_seconds(lambda: headline_detail(data, MAIN_QUESTION), runs),
        median_seconds(lambda: measured.headline_sensitivity(data, GALLERY_QUESTION), runs),
    )


def in_fresh_process(folder: Path, runs: int) -> tuple[float, float]:
    """``measure`` in a new process of this tree's Python with ``folder``'s ``src`` first."""
    env = {**os.environ, "PYTHONPATH": str(folder / "src")}
    done = subprocess.run(
        [sys.executable, __file__, "--runs", str(runs), "--raw"],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    headline, sensitivity = done.stdout.split()
    return float(headline), float(sensitivity)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counted runs per figure (5)")
    parser.add_argument("--before", type=Path, help="another checkout, run in turn with this one")
    parser.add_argument("--pairs", type=int, default=3, help="pairs in turn with --before (3)")
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:
        print(*measure(args.runs))
        return
    if args.before is None:
        headline, sensitivity = measure(args.runs)
        print(f"headline {headline:.3f} s; sensitivity (seven headlines) {sensitivity:.3f} s")
        return
    ratios: dict[str, list[float]] = {"headline": [], "sensitivity": []}
    for pair in range(1, args.pairs + 1):
        now = in_fresh_process(PROJECT, args.runs)
        before = in_fresh_process(args.before.resolve(), args.runs)
        print(
            f"pair {pair}: headline {before[0]:.3f} -> {now[0]:.3f} s; "
            f"sensitivity {before[1]:.3f} -> {now[1]:.3f} s"
        )
        ratios["headline"].append(now[0] / before[0])
        ratios["sensitivity"].append(now[1] / before[1])
    for name, values in ratios.items():
        print(f"{name}: now / before {statistics.median(values):.2f} (median of {len(values)})")


if __name__ == "__main__":
    main()
