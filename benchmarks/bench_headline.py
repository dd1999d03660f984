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


def median_seconds(function, runs: int) -> tuple[float, float]:
    """Median wall and processor seconds (every thread of the process) of ``runs`` calls of
    ``function`` after one warm-up call."""
    function()
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def measure(runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """(headline, sensitivity) median (wall, processor) seconds in this process, the store
    off."""
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


def in_fresh_process(folder: Path, runs: int) -> tuple[tuple[float, float], tuple[float, float]]:
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
    wall_h, cpu_h, wall_s, cpu_s = (float(value) for value in done.stdout.split())
    return (wall_h, cpu_h), (wall_s, cpu_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="counted runs per figure (5)")
    parser.add_argument("--before", type=Path, help="another checkout, run in turn with this one")
    parser.add_argument("--pairs", type=int, default=3, help="pairs in turn with --before (3)")
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raw:
        print(*(value for pair in measure(args.runs) for value in pair))
        return
    if args.before is None:
        headline, sensitivity = measure(args.runs)
        print(
            f"headline {_seconds(headline)}; sensitivity (seven headlines) {_seconds(sensitivity)}"
        )
        return
    ratios: dict[str, list[tuple[float, float]]] = {"headline": [], "sensitivity": []}
    for pair in range(1, args.pairs + 1):
        now = in_fresh_process(PROJECT, args.runs)
        before = in_fresh_process(args.before.resolve(), args.runs)
        print(
            f"pair {pair}: headline {_seconds(before[0])} -> {_seconds(now[0])}; "
            f"sensitivity {_seconds(before[1])} -> {_seconds(now[1])}"
        )
        for name, was, is_now in zip(ratios, before, now, strict=True):
            ratios[name].append((is_now[0] / was[0], is_now[1] / was[1]))
    for name, values in ratios.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"{name}: now / before {wall:.2f} wall, {cpu:.2f} CPU (median of {len(values)})")


def _seconds(measured: tuple[float, float]) -> str:
    return f"{measured[0]:.3f} s ({measured[1]:.3f} s CPU)"


if __name__ == "__main__":
    main()
