"""Every process the tests start is offline (see tests/sandbox.py and tests/offline_guard/)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from tests.sandbox import LOG_VARIABLE, attempts

PROJECT = Path(__file__).resolve().parents[1]
# TEST-NET addresses (RFC 5737): never routed, so even a failing guard would reach no one.
OUTSIDE = ("203.0.113.7", 443)


@pytest.fixture
def expected_attempts() -> Iterator[list[str]]:
    """Attempts this test makes on purpose: collected, then taken out of the run's log."""
    log = Path(os.environ[LOG_VARIABLE])
    before = log.read_text(encoding="utf-8")
    made: list[str] = []
    yield made
    made.extend(attempts()[len(before.splitlines()) :])
    log.write_text(before, encoding="utf-8")


def test_outbound_tcp_udp_and_dns_are_refused_in_the_test_process(expected_attempts) -> None:
    with pytest.raises(OSError, match="network access blocked"):
        socket.create_connection(OUTSIDE, timeout=1)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with udp, pytest.raises(OSError, match="network access blocked"):
        udp.sendto(b"x", ("192.0.2.1", 53))
    with pytest.raises(OSError, match="network access blocked"):
        socket.getaddrinfo("example.org", 80)
    assert len(attempts()) >= 3


def test_loopback_and_unix_sockets_are_allowed(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", 0))
        udp.sendto(b"ping", udp.getsockname())
        assert udp.recv(4) == b"ping"
    assert socket.getaddrinfo("localhost", 80)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(tmp_path / "s"))
        server.listen()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(str(tmp_path / "s"))


def test_a_subprocess_is_refused_and_its_attempt_recorded(expected_attempts) -> None:
    code = "import socket; socket.create_connection(('203.0.113.7', 443), timeout=1)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "network access blocked" in result.stderr
    assert any("203.0.113.7" in line for line in attempts())


def test_a_notebook_kernel_is_refused_dns_and_udp(expected_attempts) -> None:
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        code = textwrap.dedent(
            """
            import os, socket
            results = []
            for attempt in (
                lambda: socket.getaddrinfo("example.org", 443),
                lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
                    b"x", ("192.0.2.1", 53)),
            ):
                try:
                    attempt()
                    results.append("sent")
                except OSError as error:
                    results.append("blocked" if "network access blocked" in str(error) else "?")
            print(os.getpid(), *results)
            """
        )
        outputs: list[str] = []
        client.execute_interactive(
            code,
            timeout=60,
            output_hook=lambda msg: outputs.append(msg["content"].get("text", "")),
        )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    pid, *results = "".join(outputs).split()
    assert results == ["blocked", "blocked"]
    assert pid != str(os.getpid())
    assert any(line.startswith(f"pid {pid}: ") for line in attempts())


def test_the_run_fails_when_a_swallowed_attempt_was_made(tmp_path: Path) -> None:
    # A library that catches the OSError must not hide the attempt: the whole run fails.
    (tmp_path / "test_sneaky.py").write_text(
        "import socket\n"
        "def test_sneaky():\n"
        "    try:\n"
        "        socket.create_connection(('203.0.113.7', 443), timeout=1)\n"
        "    except OSError:\n"
        "        pass\n",
        encoding="utf-8",
    )
    env = {key: value for key, value in os.environ.items() if key != LOG_VARIABLE}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # only the sandbox: a fast start
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "tests.sandbox",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(tmp_path),
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "1 passed" in result.stdout
    assert result.returncode == pytest.ExitCode.TESTS_FAILED
    assert "outbound network access was attempted" in result.stdout
