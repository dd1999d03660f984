"""Scale benchmark: a generated events table validated, loaded, and its factor levels computed.

Run from the project folder after `make install`:

    .venv/bin/python benchmarks/bench_scale.py [EVENTS] [--pairs N] [--before SRC] [--check]

* The data folder: the real tables, with an events.csv of EVENTS rows (default 100,000): the
  real events, then copies of the real context events with new ids (E1000 and beyond) and dates
  spread over 2016-2018. Its size is printed: the memory goal is a peak within twice the file.
* Each step runs in a fresh process, so its peak resident memory (``ru_maxrss``: the whole
  process, the interpreter and pandas included) is the step's own: ``validate`` is
  ``validate_data``; ``load`` is ``load_dataset`` then ``factors.factor_series`` over 2016-2018.
  Each process reports the step's wall time, its processor time (user + system) and the peak.
* ``--before SRC`` times another tree's ``src`` folder (a ``git archive`` export of an earlier
  commit) in turn with this one, before-now-before-now, N pairs; medians, the ratio taken pair
  by pair. Both must find the same problems and the same factor levels (a digest of each is
  compared); ``--check`` also compares a digest of the whole typed events table (slow).

Wall-clock times and memory depend on the machine; the script prints them, it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "src"))

from analysis import paths  # noqa: E402

CHILD = """
import hashlib, resource, sys, time
step, folder, check = sys.argv[1], sys.argv[2], sys.argv[3] == "check"
started, cpu = time.perf_counter(), time.process_time()
if step == "validate":
    from analysis.data.dataset import validate_data
    problems = validate_data(folder)
    size, text = len(problems), "\\n".join(map(str, problems))
else:
    from analysis.data.dataset import load_dataset
    from analysis.record import factors
    events = load_dataset(folder).events
    levels = factors.factor_series(events)
    size, text = len(events), levels.to_csv()
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
digest = hashlib.sha256(text.encode())
if check and step == "load":  # after the peak is read: the digest itself costs memory
    digest.update(str(events.dtypes).encode())
    for name in events.columns:
        digest.update(repr(events[name].tolist()).encode())
print(step, size, f"{seconds:.3f}", f"{cpu:.3f}", f"{peak:.0f}", digest.hexdigest()[:16])
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


def run_step(source: Path, step: str, folder: Path, check: bool) -> dict[str, float | str]:
    """One step in a fresh process on the package in ``source``: its own measures."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, step, str(folder), "check" if check else "-"],
        env={"PYTHONPATH": str(source), "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=True,
    )
    _, size, seconds, cpu, peak, digest = result.stdout.split()
    return {"size": size, "wall": float(seconds), "cpu": float(cpu), "mb": float(peak), "d": digest}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", nargs="?", type=int, default=100_000, help="rows (100,000)")
    parser.add_argument("--pairs", type=int, default=3, help="runs of each step per tree (3)")
    parser.add_argument("--before", type=Path, help="another tree's src folder, timed in turn")
    parser.add_argument("--check", action="store_true", help="compare the whole events table")
    parser.add_argument("--steps", default="validate,load", help="validate,load (both)")
    args = parser.parse_args()
    trees = {"now": PROJECT / "src"}
    if args.before:
        trees = {"before": args.before.resolve(), **trees}
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        for table in paths.DATA_DIR.glob("*.csv"):
            shutil.copy(table, folder / table.name)
        write_events(folder, args.events)
        megabytes = (folder / "events.csv").stat().st_size / 2**20
        goal = 2 * megabytes
        print(f"events.csv: {args.events:,} rows, {megabytes:.0f} MB; memory goal {goal:.0f} MB")
        for step in args.steps.split(","):
            runs: dict[str, list[dict[str, float | str]]] = {name: [] for name in trees}
            for _ in range(args.pairs):
                for name, source in trees.items():
                    runs[name].append(run_step(source, step, folder, args.check))
            load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
            print(f"{step} ({args.pairs} runs each; load average now {load}):")
            for name, measured in runs.items():
                wall = statistics.median(run["wall"] for run in measured)
                cpu = statistics.median(run["cpu"] for run in measured)
                peak = statistics.median(run["mb"] for run in measured)
                digests = sorted({str(run["d"]) for run in measured})
                print(
                    f"  {name}: {wall:.2f} s wall ({min(r['wall'] for r in measured):.2f}-"
                    f"{max(r['wall'] for r in measured):.2f}), {cpu:.2f} s CPU, peak {peak:.0f} MB"
                    f" = {peak / megabytes:.2f} x the file; {measured[0]['size']} "
                    f"{'problems' if step == 'validate' else 'events'}; digest {', '.join(digests)}"
                )
            if args.before:
                pairs = list(zip(runs["before"], runs["now"], strict=True))
                wall = statistics.median(now["wall"] / old["wall"] for old, now in pairs)
                peak = statistics.median(now["mb"] / old["mb"] for old, now in pairs)
                same = {str(r["d"]) for rs in runs.values() for r in rs}
                print(
                    f"  now / before, pair by pair: wall {wall:.2f}, peak memory {peak:.2f}; "
                    f"{'the same' if len(same) == 1 else 'DIFFERENT'} results"
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
