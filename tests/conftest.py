"""Shared fixtures: a small valid data folder, loaded as it is or copied for a test to break.

The headline is computed once per data content and code for the whole run, and shared with
the command line and the notebooks' kernels, by the package's own store (``analysis.cache``)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.data.dataset import load_dataset

VALID_FIXTURE = Path(__file__).parent / "fixtures" / "valid"

# The modules that take longest, longest first (seconds of one `make test` main run, summed over
# a module's tests: 20, 19, 15, 12, 9, 7, 6, 5). `make test` hands whole modules to its two
# workers in collection order (--no-loadscope-reorder); xdist's own order, most tests first, put
# these few-test modules last, and one worker ran the hostile-text report alone for 15 s at
# the end while the other waited.
LONGEST_FIRST = (
    "tests/test_report.py",
    "tests/test_hostile_text.py",
    "tests/test_hostile_commands.py",
    "tests/test_kept_kernels.py",
    "tests/test_cache.py",
    "notebooks/04_scenarios.ipynb",
    "tests/test_scenarios.py",
    "notebooks/03_history.ipynb",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """LONGEST_FIRST's modules first, in that order; the others after them, as collected."""
    rank = {module: position for position, module in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture tables."""
    target = tmp_path / "data"
    shutil.copytree(VALID_FIXTURE, target)
    return target


@pytest.fixture(scope="module")
def fixture_data():
    """The valid fixture tables, loaded once per test module."""
    return load_dataset(VALID_FIXTURE)


@pytest.fixture(scope="module")
def record_data():
    """The project's own tables (data/), loaded once per test module."""
    return load_dataset()


@pytest.fixture
def closing_figures():
    """Close every pyplot figure after the test: the chart tests draw many."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def edit_table(data_copy: Path) -> Callable[[str, Callable[[str], str]], Path]:
    """Rewrite one table of the copy through a text function; returns the folder."""

    def edit(filename: str, change: Callable[[str], str]) -> Path:
        path = data_copy / filename
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")
        return data_copy

    return edit
