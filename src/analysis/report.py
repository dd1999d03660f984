"""The report: validate the data, execute every notebook in a fresh kernel, render HTML.

Everything is built in a staging folder beside the output folder and swapped in only when the
whole build succeeded, so a failed or interrupted run leaves the previous report whole. The
committed notebooks and the data folder are only read.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

from analysis import paths
from analysis.data import Dataset, load_dataset

Log = Callable[[str], None]
CELL_TIMEOUT_SECONDS = 600


class ReportError(RuntimeError):
    """A report step failed; the message names the step (and notebook and cell)."""


@contextmanager
def _step(log: Log, label: str):
    """Print one progress line per step, with the seconds it took."""
    started = time.perf_counter()
    yield
    log(f"  {label} ({time.perf_counter() - started:.1f} s)")


def execute_notebook(source: Path, kernel_cwd: Path) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel, in ``kernel_cwd``; returns it with outputs.

    Raises ReportError naming the notebook and the 1-based cell number that failed.
    """
    notebook = nbformat.read(source, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(kernel_cwd)}},
        record_timing=False,  # timestamps would make every run's files differ
    )
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                raise ReportError(
                    f"{source.name}: cell {index + 1} failed: {error.ename}: {error.evalue}"
                ) from None
    return notebook


def render_html(notebook: nbformat.NotebookNode) -> str:
    """A notebook with its outputs as a standalone HTML page."""
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    return body


def _write_notebooks(notebooks_dir: Path, target: Path, log: Log) -> list[str]:
    target.mkdir(parents=True)
    names = []
    for source in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        with _step(log, f"executed and rendered {source.name}"):
            notebook = execute_notebook(source, notebooks_dir)
            nbformat.write(notebook, target / source.name)
            (target / source.with_suffix(".html").name).write_text(
                render_html(notebook), encoding="utf-8"
            )
        names.append(source.stem)
    return names


def _swap_in(staging: Path, output_dir: Path) -> None:
    """Replace ``output_dir`` by ``staging`` with two renames on one file system."""
    retired = output_dir.with_name(f".{output_dir.name}.previous")
    shutil.rmtree(retired, ignore_errors=True)
    if output_dir.exists():
        output_dir.rename(retired)
    staging.rename(output_dir)
    shutil.rmtree(retired, ignore_errors=True)


def build_report(
    output_dir: Path = paths.REPORTS_DIR,
    notebooks_dir: Path = paths.NOTEBOOKS_DIR,
    log: Log = print,
) -> Dataset:
    """Build the whole report into ``output_dir``; returns the validated data it was built from.

    Raises DataValidationError for bad data and ReportError for a failed step; in both cases
    ``output_dir`` is left as it was.
    """
    output_dir = output_dir.resolve()
    staging = output_dir.with_name(f".{output_dir.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        log("[1/2] validating the data")
        with _step(log, "validated data/"):
            dataset = load_dataset(paths.DATA_DIR)
        log("[2/2] executing the notebooks in fresh kernels")
        _write_notebooks(notebooks_dir, staging / "notebooks", log)
        _swap_in(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"report written to {output_dir}")
    return dataset
