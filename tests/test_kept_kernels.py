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


def notebook_text(
    folder: Path, kernels: KeptKernels | None, cells: list[str] = CELLS, name: str = "02_kept"
) -> str:
    source = folder / f"{name}.ipynb"
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


# A notebook that leaves the display state changed (a pandas option, an rcParam) and a name
# behind, and one that sets the house style first and shows that state; both print their
# kernel's process.
CHANGES_STATE = [
    "from analysis.charts import style\nstyle.apply()",
    "import matplotlib as mpl, pandas as pd\npd.set_option('display.max_colwidth', 12)\n"
    "mpl.rcParams['font.size'] = 21\nleft = 1",
    "import os\nprint(os.getpid())",
]
SHOWS_STATE = [
    "from analysis.charts import style\nstyle.apply()",
    "import matplotlib as mpl, pandas as pd\n"
    "print(pd.get_option('display.max_colwidth'), mpl.rcParams['font.size'], 'left' in globals())",
    "import os\nprint(os.getpid())",
]


def outputs(text: str) -> list[str]:
    return ["".join(o.get("text", "") for o in c.outputs) for c in nbformat.reads(text, 4).cells]


def test_a_notebook_in_a_kernel_another_notebook_left_gives_a_fresh_kernels_outputs(
    tmp_path: Path,
) -> None:
    with KeptKernels() as kernels:
        left = outputs(notebook_text(tmp_path, kernels, CHANGES_STATE, "03_changes"))
        after = outputs(notebook_text(tmp_path, kernels, SHOWS_STATE, "04_shows"))
    assert after[2] == left[2]  # the same kernel ran both
    # What a fresh kernel shows: the house style's column width and font size
    # (style.PANDAS_OPTIONS, style.RC_PARAMS), no name of the other notebook.
    assert after[1] == "90 9.0 False\n"


def test_no_more_notebooks_run_at_once_than_the_kept_kernels_allow(tmp_path: Path) -> None:
    """Two notebooks asked for at once, with room for one: the second waits for the first and
    runs in its kernel (one process); without the limit, a second kernel would start."""
    from concurrent.futures import ThreadPoolExecutor

    cells = ["import os, time\ntime.sleep(0.5)\nprint(os.getpid())"]
    with KeptKernels(running=1) as kernels, ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(notebook_text, tmp_path, kernels, cells, name) for name in "ab"]
        assert len({outputs(run.result())[0] for run in runs}) == 1


def test_every_notebook_sets_the_house_style_before_it_shows_anything() -> None:
    """What lets a kept kernel run any notebook after any other: each sets the house style in
    its first cell after the parameters, and changes no display state that style leaves alone."""
    from analysis import paths
    from analysis.charts import style

    changes = re.compile(r"(?:pd\.set_option|pd\.options|rcParams|rc_context|style\.use|%config)")
    option = re.compile(r"pd\.set_option\(\s*[\"']([^\"']+)[\"']")
    notebooks = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    assert len(notebooks) == 4
    for source in notebooks:
        cells = [
            cell
            for cell in nbformat.read(source, as_version=4).cells
            if cell.cell_type == "code" and not report._is_parameters_cell(cell)
        ]
        assert "style.apply()" in cells[0].source, source.name
        for cell in cells:
            for line in cell.source.splitlines():
                if changes.search(line):
                    named = option.search(line)
                    assert named and named.group(1) in style.PANDAS_OPTIONS, (source.name, line)
