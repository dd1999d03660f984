"""Scale benchmark: 100,000 generated events validated, and their factor levels computed.

Run from the project folder:  .venv/bin/python benchmarks/bench_scale.py [EVENTS]

* Validation of a data folder whose events.csv holds EVENTS rows (default 100,000): the real
  tables, plus copies of the real context events with new ids (E1000 and beyond) and dates
  spread over 2016-2018. Goal: under 3 s. Five runs; the median is the figure (the machine is
  shared, so the best and the load average are printed too).
* The daily factor levels over 2016-2018 (``factors.factor_series``) from those events, in a
  fresh process; its peak resident memory (``resource.getrusage``) is printed before and after
  the step. Goal: the step's peak under 200 MB.

Wall-clock times and memory depend on the machine; the script prints them, it asserts nothing.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "src"))

from analysis import paths  # noqa: E402
from analysis.data.dataset import validate_data  # noqa: E402

CHILD = """
import resource, sys, time, tracemalloc
from analysis import factors  # noqa: E402
from analysis.data import load_dataset  # noqa: E402
events = load_dataset(sys.argv[1]).events
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
tracemalloc.start()  # numpy reports its arrays to tracemalloc
started = time.perf_counter()
levels = factors.factor_series(events)
seconds = time.perf_counter() - started
step = tracemalloc.get_traced_memory()[1] / 2**20
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{len(events)} {len(levels)} {before:.0f} {after:.0f} {seconds:.2f} {step:.0f}")
"""


def write_events(folder: Path, count: int) -> None:
    """The real events, then copies of the context events up to ``count`` rows in all."""
    with (paths.DATA_DIR / "events.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    context = [row for row in rows if row["scope"] == "context" and row["date_precision"] == "day"]
    first = date(2016, 1, 1)
    with (folder / "events.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        for number in range(1000, 1000 + count - len(rows)):
            row = dict(context[number % len(context)])
            row["event_id"] = f"E{number}"
            row["date"] = (first + timedelta(days=number % 1096)).isoformat()
            row["episode"] = ""  # a copy moved to another day starts an episode of its own
            writer.writerow(row)


def main(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        for table in paths.DATA_DIR.glob("*.csv"):
            shutil.copy(table, folder / table.name)
        write_events(folder, count)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            problems = validate_data(folder)
            times.append(time.perf_counter() - started)
        if problems:
            print(f"the generated data has {len(problems)} problems, first: {problems[0]}")
            return
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(
            f"validate {count:,} events: median {statistics.median(times):.2f} s of 5, best "
            f"{min(times):.2f} s (goal under 3 s); load average {load}"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  this process's peak memory after validating: {peak:.0f} MB")
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder)],
            env={"PYTHONPATH": str(PROJECT / "src")},
            capture_output=True,
            text=True,
            check=True,
        )
        events, days, before, after, seconds, step = result.stdout.split()
        print(
            f"factor levels of {int(events):,} events over {days} days: {seconds} s; "
            f"the step's own peak allocation {step} MB (tracemalloc; goal under 200 MB); "
            f"process peak {before} MB after loading, {after} MB after the levels (getrusage)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
