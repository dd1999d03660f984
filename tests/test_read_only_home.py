"""`make test` works when HOME or the matplotlib folder cannot be written (tests/sandbox.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
# /proc refuses new folders even to root: a home (and config folder) nothing can write.
UNWRITABLE = "/proc/analysis-no-home"

CHILD_TEST = """
import os, warnings
from pathlib import Path

def test_tools_get_writable_folders():
    home = Path(os.environ["HOME"])
    defaults = {"MPLCONFIGDIR": home / ".config/matplotlib", "IPYTHONDIR": home / ".ipython",
                "JUPYTER_RUNTIME_DIR": home / ".local/share/jupyter/runtime"}
    for variable, default in defaults.items():
        folder = Path(os.environ.get(variable, default))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "probe").write_text("ok")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns when it falls back on its own
        import matplotlib
        matplotlib.get_cachedir()
"""


@pytest.mark.parametrize(
    "environment",
    [{"HOME": UNWRITABLE}, {"MPLCONFIGDIR": f"{UNWRITABLE}/mpl"}],
    ids=["home not writable", "matplotlib folder not writable"],
)
def test_a_run_gets_writable_folders(environment: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "test_child.py").write_text(CHILD_TEST, encoding="utf-8")
    drop = {"MPLCONFIGDIR", "IPYTHONDIR", "JUPYTER_RUNTIME_DIR", "ANALYSIS_OFFLINE_LOG"}
    env = {k: v for k, v in os.environ.items() if k not in drop} | environment
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
    assert result.returncode == 0, result.stdout + result.stderr
