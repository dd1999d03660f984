"""How the headline's cost grows with the case table (issue 25, item 3): measured, not asserted.

Run from the project folder after `make install`:

    .venv/bin/python benchmarks/bench_growth.py [--runs N]

Copies the real case table (and its second coding) 1, 2 and 4 times in memory, each copy under
new case ids, and times ``headline_detail`` itself (not the store: ``__wrapped__``) on each,
the median of N runs after one warm-up. Prints the rows, the seconds and the ratio to one copy.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd

from analysis.data.dataset import load_dataset  # noqa: E402
from analysis.data.tables import Dataset  # noqa: E402
from analysis.engine.headline import headline_detail  # noqa: E402


def copied(dataset: Dataset, copies: int) -> Dataset:
    """``dataset`` with its cases and second coding ``copies`` times, ids suffixed ``_cN``."""
    cases, second = [dataset.cases], [dataset.second_coding]
    for number in range(1, copies):
        suffix = f"_c{number}"
        more = dataset.cases.assign(case_id=dataset.cases["case_id"].astype(str) + suffix)
        inside = more["part_of"]  # the id of the case a row is part of, or ""
        more["part_of"] = inside.where(inside == "", inside + suffix)
        cases.append(more)
        coded = dataset.second_coding
        second.append(coded.assign(case_id=coded["case_id"].astype(str) + suffix))
    return dataset._replace(
        cases=pd.concat(cases, ignore_index=True),
        second_coding=pd.concat(second, ignore_index=True),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="counted runs per size (3)")
    args = parser.parse_args()
    compute = headline_detail.__wrapped__  # the computation itself, never the store
    dataset = load_dataset()
    first = None
    print("| copies | cases | headline_detail | ratio to one copy |")
    print("| --- | --- | --- | --- |")
    for copies in (1, 2, 4):
        data = copied(dataset, copies)
        compute(data)
        seconds = []
        for _ in range(args.runs):
            started = time.perf_counter()
            compute(data)
            seconds.append(time.perf_counter() - started)
        middle = statistics.median(seconds)
        first = first or middle
        print(f"| {copies} | {len(data.cases)} | {middle:.3f} s | {middle / first:.2f} |")


if __name__ == "__main__":
    main()
