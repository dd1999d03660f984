"""Shared fixtures: a small valid data folder that each test may copy and break."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

VALID_FIXTURE = Path(__file__).parent / "fixtures" / "valid"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the valid fixture tables."""
    target = tmp_path / "data"
    shutil.copytree(VALID_FIXTURE, target)
    return target


@pytest.fixture
def edit_table(data_copy: Path) -> Callable[[str, Callable[[str], str]], Path]:
    """Rewrite one table of the copy through a text function; returns the folder."""

    def edit(filename: str, change: Callable[[str], str]) -> Path:
        path = data_copy / filename
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8", newline="")
        return data_copy

    return edit
