"""Loaded into every pytest run of the project (pyproject addopts ``-p tests.sandbox``).

Before any test or kernel starts it (1) makes every Python process the run starts refuse
outbound connections (tests/offline_guard/sitecustomize.py, via PYTHONPATH), failing the run
at its end if any process tried one, and (2) points matplotlib, IPython and Jupyter at
temporary folders when the home folder cannot be written, so that `make test` works with a
read-only HOME (a warning on a kernel's stderr would otherwise fail nbval). It also (3) spares
each pytest process a grammar that nothing it runs uses (``analysis.cli.spare_iri_grammar``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from analysis.cli import spare_iri_grammar

GUARD_DIR = Path(__file__).resolve().parent / "offline_guard"
LOG_VARIABLE = "ANALYSIS_OFFLINE_LOG"
# Where each tool writes under HOME by default, and the variable that moves it.
HOME_FOLDERS = {
    "MPLCONFIGDIR": (".config", "matplotlib"),
    "IPYTHONDIR": (".ipython",),
    "JUPYTER_RUNTIME_DIR": (".local", "share", "jupyter", "runtime"),
    "JUPYTER_DATA_DIR": (".local", "share", "jupyter"),
    "JUPYTER_CONFIG_DIR": (".jupyter",),
}


def writable(folder: Path) -> bool:
    """Whether ``folder`` can be created or written: its first existing ancestor decides."""
    while not folder.exists():
        if folder.parent == folder:
            return False
        folder = folder.parent
    if not folder.is_dir():
        return False
    try:  # os.access says yes to root even where the kernel refuses (/proc, read-only mounts)
        os.rmdir(tempfile.mkdtemp(dir=folder, prefix=".writable-"))
    except OSError:
        return False
    return True


def _prepare_environment() -> None:
    home = Path(os.environ.get("HOME") or "/nonexistent")
    scratch = None
    for variable, parts in HOME_FOLDERS.items():
        chosen = os.environ.get(variable)
        if not writable(Path(chosen) if chosen else home.joinpath(*parts)):
            scratch = scratch or Path(tempfile.mkdtemp(prefix="analysis-test-home-"))
            os.environ[variable] = str(scratch / variable.lower())
    if not os.environ.get(LOG_VARIABLE):  # xdist workers inherit the controller's log
        handle, name = tempfile.mkstemp(prefix="analysis-offline-", suffix=".log")
        os.close(handle)
        os.environ[LOG_VARIABLE] = name
    paths = [str(GUARD_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    sys.path.insert(0, str(GUARD_DIR))
    import sitecustomize  # noqa: F401  (the guard; installs itself when the log is set)

    sitecustomize.install()


# Loaded before nbval, so before anything imports nbformat (nbval, nbclient, the report).
spare_iri_grammar()
_prepare_environment()


def loopback_problem() -> str | None:
    """Why a connection to 127.0.0.1 fails (the loopback is down, as in a fresh network
    namespace), or None when it works. Kernels talk to pytest over the loopback: without it
    each kernel start waits out its timeout (278 s in a trial of nbval) before it fails."""
    import socket

    try:
        with socket.create_server(("127.0.0.1", 0)) as server:
            socket.create_connection(server.getsockname(), timeout=2).close()
    except OSError as error:
        return error.strerror or type(error).__name__
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller checked
        return
    problem = loopback_problem()
    if problem:
        pytest.exit(
            f"the loopback interface does not work ({problem}): kernels and the tests' servers "
            "need 127.0.0.1; bring it up (ip link set lo up) and run again",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def attempts() -> list[str]:
    """Outbound attempts recorded so far by any process of this run."""
    return Path(os.environ[LOG_VARIABLE]).read_text(encoding="utf-8").splitlines()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller decides
        return
    log = Path(os.environ[LOG_VARIABLE])
    tried = attempts() if log.exists() else []
    log.unlink(missing_ok=True)
    if tried:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["outbound network access was attempted during the tests:", *tried]
        if reporter:
            reporter.write_line("\n".join(lines), red=True)
        else:
            print("\n".join(lines), file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
