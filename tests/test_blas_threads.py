"""One OpenBLAS thread in the package's processes (analysis/__init__.py), a user's value kept."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# What the child prints: its variable, and its threads once numpy has loaded OpenBLAS (Linux's
# /proc; OpenBLAS starts its threads when it loads, one per thread asked for).
PROBE = (
    "import os, analysis, numpy; "
    "print(os.environ.get('OPENBLAS_NUM_THREADS', 'unset'), len(os.listdir('/proc/self/task')))"
)


def _child(env: dict[str, str]) -> tuple[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    variable, threads = done.stdout.split()
    return variable, int(threads)


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_importing_the_package_first_gives_numpy_one_blas_thread_and_keeps_a_users_value() -> None:
    unset = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    assert _child(unset) == ("1", 1)
    # A value the user set is kept: two threads asked for, two running.
    assert _child({**unset, "OPENBLAS_NUM_THREADS": "2"}) == ("2", 2)
