"""Shared fixtures: a small valid data folder, loaded as it is or copied for a test to break;
one headline computation per data content shared by the scenario command's tests."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from analysis.data import load_dataset
from analysis.defaults import DEFAULT_CASE
from analysis.headline import HeadlineDetail
from analysis.tables import Dataset

VALID_FIXTURE = Path(__file__).parent / "fixtures" / "valid"


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


@pytest.fixture
def edit_table(data_copy: Path) -> Callable[[str, Callable[[str], str]], Path]:
    """Rewrite one table of the copy through a text function; returns the folder."""

    def edit(filename: str, change: Callable[[str], str]) -> Path:
        path = data_copy / filename
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")
        return data_copy

    return edit


def dataset_digest(dataset: Dataset) -> str:
    """A digest of every table's values, column names and dtypes: equal only for equal data."""
    digest = hashlib.sha256()
    for name, table in zip(dataset._fields, dataset, strict=True):
        digest.update(f"{name}\n{table.dtypes.to_dict()}\n{table.to_csv()}".encode())
    return digest.hexdigest()


# One headline per data content, question and date, for the whole run (one per xdist worker).
HEADLINES: dict[tuple[str, str, object], HeadlineDetail] = {}


@contextmanager
def headlines_shared() -> Iterator[None]:
    """While open, the scenario command and the report take the headline (with its detail)
    from ``HEADLINES``, computing it only for data, a question or a date not seen before.

    Both compute the project's headline on every call (seconds each) though it depends only on
    the data, the question and the date: tests of their other output share one computation.
    The headline's numbers are checked against hand values in test_multiverse; its determinism
    by the test that runs the command twice, which never shares it.
    """
    from analysis import headline as module
    from analysis import report

    compute = module.headline_detail

    def shared(dataset: Dataset, case: str = DEFAULT_CASE, as_of: object = None) -> HeadlineDetail:
        key = (dataset_digest(dataset), case, as_of)
        if key not in HEADLINES:
            HEADLINES[key] = compute(dataset, case, as_of)
        return HEADLINES[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "headline_detail", shared)  # module.headline calls it by name
        patch.setattr(report, "headline_detail", shared)  # the report imported it with itself
        yield


@pytest.fixture
def headline_once() -> Iterator[None]:
    """For one test: ``headlines_shared``."""
    with headlines_shared():
        yield
