"""Kept kernels (the gallery's): a notebook run again in its reset kernel gives the outputs a
fresh kernel gives, and a kernel whose run failed is not used again. The oracle is a fresh
kernel's run of the same notebook, not the code under test."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from analysis.pages import report
from analysis.pages.report import KeptKernels, ReportError

# A run leaves a name, a figure, a seen warning, a result in Out and a raised cell count
# behind: each would show in the next run's outputs if the reset missed it.
CELLS = [
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nimport warnings",
    "print(sorted(name for name in globals() if not name.startswith('_')))",
    "print('left' in globals(), plt.get_fignums())\nleft = 'from this run'",
    "figure = plt.figure()\nprint(figure.number)\nplt.plot([1, 2])\nplt.show()",
    "plt.figure()\nprint(plt.get_fignums())",
    "warnings.warn('shown once a kernel')",
    "len(Out), 6 * 7",
]
# A kernel's warnings name its process: the one text two fresh kernels differ in too.
KERNEL_PROCESS = re.compile(r"ipykernel_\d+")


def notebook_text(folder: Path, kernels: KeptKernels | None, cells: list[str] = CELLS) -> str:
    source = folder / "02_kept.ipynb"
    numbered = [new_code_cell(code, id=f"cell-{n}") for n, code in enumerate(cells, 1)]
    nbformat.write(new_notebook(cells=numbered), source)
    notebook = nbformat.read(source, as_version=4)
    report._run_cells(notebook, source, folder, dict(os.environ), kernels)
    return KERNEL_PROCESS.sub("ipykernel_N", nbformat.writes(notebook))


def test_a_notebook_run_again_in_its_kept_kernel_gives_a_fresh_kernels_outputs(
    tmp_path: Path,
) -> None:
    fresh = notebook_text(tmp_path, None)
    assert '"execution_count": 7' in fresh and "shown once a kernel" in fresh
    with KeptKernels() as kernels:
        runs = [notebook_text(tmp_path, kernels) for _ in range(3)]
    assert runs == [fresh] * 3


def kernel_process(folder: Path, kernels: KeptKernels) -> str:
    text = notebook_text(folder, kernels, ["import os\nprint(os.getpid())"])
    return nbformat.reads(text, as_version=4).cells[0].outputs[0].text


def test_a_kernel_is_kept_while_its_runs_succeed_and_replaced_after_one_fails(
    tmp_path: Path,
) -> None:
    with KeptKernels() as kernels:
        first = kernel_process(tmp_path, kernels)
        assert kernel_process(tmp_path, kernels) == first
        with pytest.raises(ReportError, match=r"02_kept.ipynb: cell 2 failed: NameError"):
            notebook_text(tmp_path, kernels, ["1", "undefined_name"])
        second = kernel_process(tmp_path, kernels)
        assert second != first
        with pytest.raises(ReportError, match=r"02_kept.ipynb: cell 1: DeadKernelError"):
            notebook_text(tmp_path, kernels, ["import os\nos._exit(3)"])
        third = kernel_process(tmp_path, kernels)
        assert third not in (first, second)
        # A kernel that dies between two runs (here a fifth of a second after its run) is not reset
        # but replaced.
        notebook_text(
            tmp_path,
            kernels,
            ["import os, threading", "threading.Timer(0.2, os._exit, (3,)).start()"],
        )
        time.sleep(1)
        assert kernel_process(tmp_path, kernels) not in (first, second, third)
