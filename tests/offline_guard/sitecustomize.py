"""Refuse every outbound connection in any Python process the tests start.

The test plugin (tests/sandbox.py) puts this folder first on PYTHONPATH and sets
ANALYSIS_OFFLINE_LOG, so every child process (notebook kernels included) imports this module
at start-up. Only loopback addresses and Unix sockets are allowed: connect, sendto, sendmsg
and name lookups of anything else raise OSError and are appended to the log, which the
plugin reads at the end of the run and fails it on. A library that swallows the OSError
therefore still fails the run.
"""

from __future__ import annotations

import ipaddress
import os
import socket

LOG_VARIABLE = "ANALYSIS_OFFLINE_LOG"
LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_local(address: object) -> bool:
    """True for a Unix socket path and for a loopback IP (an IP literal or a local name)."""
    if not isinstance(address, tuple):  # AF_UNIX paths (str or bytes)
        return True
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%", 1)[0]  # a scoped IPv6 address such as ::1%lo
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it would need a DNS lookup


def refuse(what: str, address: object) -> None:
    """Record the attempt for the test run, then raise before anything is sent."""
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"pid {os.getpid()}: {what} {address!r}\n")
    raise OSError(f"network access blocked in tests ({what} {address!r})")


def install() -> None:
    """Wrap the socket calls that reach another host; idempotent."""
    if getattr(socket, "_analysis_offline", False):
        return
    real = socket.socket
    real_connect, real_connect_ex = real.connect, real.connect_ex
    real_sendto, real_sendmsg = real.sendto, real.sendmsg
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname, real_gethostbyname_ex = socket.gethostbyname, socket.gethostbyname_ex

    def connect(sock: socket.socket, address: object) -> None:
        if not is_local(address):
            refuse("connect", address)
        return real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: object) -> int:
        if not is_local(address):
            refuse("connect", address)
        return real_connect_ex(sock, address)

    def sendto(sock: socket.socket, data: bytes, *args: object) -> int:
        address = args[-1]
        if not is_local(address):
            refuse("sendto", address)
        return real_sendto(sock, data, *args)

    def sendmsg(sock: socket.socket, buffers, ancdata=(), flags=0, address=None) -> int:
        if address is not None and not is_local(address):
            refuse("sendmsg", address)
        if address is None:
            return real_sendmsg(sock, buffers, ancdata, flags)
        return real_sendmsg(sock, buffers, ancdata, flags, address)

    def getaddrinfo(host, port, *args, **kwargs):
        if host is not None and not is_local((host, port)):
            refuse("getaddrinfo", host)
        return real_getaddrinfo(host, port, *args, **kwargs)

    def gethostbyname(host):
        if not is_local((host, 0)):
            refuse("gethostbyname", host)
        return real_gethostbyname(host)

    def gethostbyname_ex(host):
        if not is_local((host, 0)):
            refuse("gethostbyname_ex", host)
        return real_gethostbyname_ex(host)

    real.connect, real.connect_ex = connect, connect_ex
    real.sendto, real.sendmsg = sendto, sendmsg
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname, socket.gethostbyname_ex = gethostbyname, gethostbyname_ex
    socket._analysis_offline = True


if os.environ.get(LOG_VARIABLE):
    install()
