"""Shared fixtures: a small valid data folder, loaded as it is or copied for a test to break."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from analysis.data import load_dataset

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


LOOPBACK_PREFIXES = ("127.", "::1", "localhost")


def refuse_outbound(real_connect: Callable) -> Callable:
    """Wrap socket.connect so that only loopback and local (Unix) sockets may connect."""

    def connect(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and not str(host).startswith(LOOPBACK_PREFIXES):
            raise OSError(f"network access blocked in tests (tried {address!r})")
        return real_connect(sock, address)

    return connect


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the project may need the network at run time: every test runs offline."""
    monkeypatch.setattr(socket.socket, "connect", refuse_outbound(socket.socket.connect))
