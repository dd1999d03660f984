"""The tests run with outbound connections refused (see conftest.refuse_outbound)."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import refuse_outbound


def test_outbound_address_is_refused_before_any_packet() -> None:
    attempts = []
    guarded = refuse_outbound(lambda sock, address: attempts.append(address))
    with pytest.raises(OSError, match="network access blocked"):
        guarded(None, ("203.0.113.7", 443))
    assert attempts == []


def test_loopback_is_allowed() -> None:
    attempts = []
    guarded = refuse_outbound(lambda sock, address: attempts.append(address))
    guarded(None, ("127.0.0.1", 8888))
    assert attempts == [("127.0.0.1", 8888)]


def test_the_guard_is_active_in_every_test() -> None:
    # Checked by identity rather than by trying an address: a failing guard must not send.
    assert socket.socket.connect.__qualname__ == "refuse_outbound.<locals>.connect"
