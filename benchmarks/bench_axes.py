"""How the multiverse's cost grows with its axes (issue 25, item 3): measured, not asserted.

Run from the project folder after `make install`:

    .venv/bin/python benchmarks/bench_axes.py [--runs N]

Times ``specifications.multiverse`` for the Shenyang question as of 2017-04-24 with every value
of ``CHOICES``, then, one axis at a time, with that axis's last value left out (``CHOICES`` is
narrowed in this process only and restored; the package's code is not changed). The difference
is the cost of that one extra axis value. Medians of N runs after one warm-up, the fit cache
cleared before each run; processor time beside wall time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from analysis.data.dataset import load_dataset
from analysis.engine import specifications

CASE, AS_OF = "2017_shenyang_eight", "2017-04-24"


def timed(dataset, runs: int) -> tuple[float, float, int]:
    """Median wall and processor seconds of the multiverse, and its number of specifications."""
    walls, cpus, rows = [], [], 0
    for run in range(runs + 1):
        cache = getattr(specifications._training_cached, "cache_clear", None)
        if cache:
            cache()
        wall, cpu = time.perf_counter(), time.process_time()
        table, _ = specifications.multiverse(dataset, CASE, AS_OF)
        if run:  # the first run warms imports and caches outside the multiverse
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        rows = len(table)
    return statistics.median(walls), statistics.median(cpus), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted runs per variant (3)")
    args = parser.parse_args()
    dataset = load_dataset()
    full_wall, full_cpu, full_rows = timed(dataset, args.runs)
    print(f"all values: {full_rows} specifications, {full_wall:.3f} s wall, {full_cpu:.3f} s CPU")
    print("| axis | values | without its last | specifications | wall | CPU | one extra value |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for axis, values in list(specifications.CHOICES.items()):
        if len(values) < 2:
            continue
        specifications.CHOICES[axis] = values[:-1]
        try:
            wall, cpu, rows = timed(dataset, args.runs)
        finally:
            specifications.CHOICES[axis] = values
        print(
            f"| {axis} | {len(values)} | {values[-1]} | {rows} | {wall:.3f} s | {cpu:.3f} s | "
            f"{full_wall - wall:+.3f} s wall, {full_cpu - cpu:+.3f} s CPU |"
        )


if __name__ == "__main__":
    main()
