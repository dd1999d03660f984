"""The report: validate the data, write the figures and the scenario table, execute every
notebook in a fresh kernel, render each to HTML, and write ``index.html``.

Everything is built in a staging folder beside the output folder and swapped in only when the
whole build succeeded, so a failed or interrupted run leaves the previous report whole. The
committed notebooks and the data folder are only read. Text from the tables is HTML-escaped.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

from analysis import files, paths
from analysis.data import Dataset, load_dataset
from analysis.files import write_atomically, write_text_atomically
from analysis.record import case_events, source_coverage

Log = Callable[[str], None]
CELL_TIMEOUT_SECONDS = 600
STEPS = 5
SCENARIO_TABLE = "scenario_table.csv"
FIGURE_CAPTIONS = {
    "case_timeline": "The case, March-May 2017: events by actor lane, the detention period and the "
    "expected-return windows (about two weeks per the article, about two months per HRW).",
    "context_timeline": "The case in its period: pressure on Beijing and Beijing-Pyongyang "
    "tension, 2016-2018, by event intensity.",
    "factors": "The two factor levels computed from the events, 2016-2018, with the case's dates.",
    "scenarios_waterfall": "From the base rate to the forecast for the case as of 24 April 2017: "
    "each factor's shift.",
    "scenarios_plane": "P(release) over every combination of the two factors, with the past "
    "cases; lines mark even odds where the model reaches them.",
    "scenarios_tornado": "Sensitivity: how far each input, moved across its 80% range, moves the "
    "forecast.",
    "scenarios_timing": "Probability of return by day since detention, against the article's two "
    "weeks and HRW's two months.",
}
WIDGET_ID = re.compile(r"[0-9a-f]{32}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
MODEL_ID_FIELD = re.compile(r'"model_id": "([0-9a-f]{32})"')


class ReportError(RuntimeError):
    """A report step failed; the message names the step (and notebook and cell)."""


class UnsafeOutputError(ReportError):
    """The output folder holds something the report did not write; nothing was touched."""


# Left in every report folder: only a folder carrying it may be replaced by a new report.
MARKER = ".analysis-report"
MARKER_TEXT = "Written by `python -m analysis report`; the whole folder is replaced on each run.\n"


def check_output_dir(output_dir: Path, data_dir: Path, notebooks_dir: Path) -> None:
    """Refuse an output folder whose replacement would destroy something else.

    The report replaces its folder whole, so the folder must be new, empty, or an earlier
    report (it holds MARKER), and must neither be nor contain nor lie inside the project's
    inputs.
    """
    inputs = {paths.PROJECT_ROOT / "src", data_dir.resolve(), notebooks_dir.resolve()}
    for kept in inputs:
        if output_dir == kept or output_dir in kept.parents or kept in output_dir.parents:
            raise UnsafeOutputError(
                f"refusing to write the report to {output_dir}: it would replace or sit inside "
                f"{kept} (expected a folder of its own, such as reports/)"
            )
    if output_dir.exists() and not output_dir.is_dir():
        raise UnsafeOutputError(f"refusing to write the report to {output_dir}: it is a file")
    if output_dir.is_dir() and any(output_dir.iterdir()) and not (output_dir / MARKER).exists():
        raise UnsafeOutputError(
            f"refusing to replace {output_dir}: it is not empty and holds no earlier report "
            f"(no {MARKER} file); choose a new or empty folder"
        )


@contextmanager
def _step(log: Log, number: int, label: str) -> Iterator[None]:
    """One progress line per step, with the seconds it took."""
    started = time.perf_counter()
    yield
    log(f"[{number}/{STEPS}] {label} ({time.perf_counter() - started:.1f} s)")


def execute_notebook(source: Path, kernel_cwd: Path, data_dir: Path) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel in ``kernel_cwd``, reading ``data_dir``.

    Raises ReportError naming the notebook and the 1-based cell number that failed.
    """
    notebook = nbformat.read(source, as_version=4)
    # Start clean: stale widget state or timings from an earlier run would leak into this one.
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        resources={"metadata": {"path": str(kernel_cwd)}},
        record_timing=False,  # timestamps would make every run's files differ
    )
    kernel_env = {**os.environ, "ANALYSIS_DATA_DIR": str(data_dir)}
    # The kernel's own stderr only carries start-up chatter; cell errors arrive as messages.
    with client.setup_kernel(env=kernel_env, stderr=subprocess.DEVNULL):
        for index, cell in enumerate(notebook.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                raise ReportError(
                    f"{source.name}: cell {index + 1} failed: {error.ename}: {error.evalue}"
                ) from None
        client.set_widgets_metadata()  # so the HTML page can draw the widgets without a kernel
    return stable_widget_ids(notebook)


def stable_widget_ids(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Replace the random ids of widget models by sequential ones, the same on every run.

    Ids appear as keys of the stored widget state and as ``model_id`` in widget outputs; every
    occurrence of one id (including ``IPY_MODEL_`` references) gets the same new id.
    """
    text = json.dumps(notebook, sort_keys=True)
    state = notebook.get("metadata", {}).get("widgets", {})
    model_ids = WIDGET_ID.findall(json.dumps(state)) + MODEL_ID_FIELD.findall(text)
    renames = {old: f"{number:032x}" for number, old in enumerate(dict.fromkeys(model_ids), 1)}
    if renames:
        text = WIDGET_ID.sub(lambda match: renames.get(match.group(0), match.group(0)), text)
    # Sort again: the keys were sorted by the old, random ids, and the HTML page embeds the
    # widget state in the order of the keys.
    return nbformat.from_dict(json.loads(json.dumps(json.loads(text), sort_keys=True)))


def refresh_notebooks(notebooks_dir: Path = paths.NOTEBOOKS_DIR, log: Log = print) -> list[Path]:
    """Re-execute each numbered notebook in place, after a change to the code or the data.

    Same execution as the report (fresh kernel, no timestamps, stable widget ids), so a rerun
    with nothing changed leaves the files byte-identical. A failing notebook is not written.
    """
    written = []
    for source in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        started = time.perf_counter()
        notebook = execute_notebook(source, notebooks_dir, paths.DATA_DIR)
        write_atomically(source, lambda temporary, nb=notebook: nbformat.write(nb, temporary))
        written.append(source)
        log(f"re-executed {source.name} ({time.perf_counter() - started:.1f} s)")
    return written


def render_html(notebook: nbformat.NotebookNode) -> str:
    """A notebook with its outputs as a standalone HTML page, the same bytes on every run.

    The exporter gives each widget output a fresh uuid4 as its element id; those become
    sequential ids, renamed consistently wherever they appear.
    """
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    renames: dict[str, str] = {}

    def stable(match: re.Match[str]) -> str:
        return renames.setdefault(match.group(0), f"output-{len(renames) + 1:04d}")

    return UUID.sub(stable, body)


def _notebook_title(notebook: nbformat.NotebookNode, fallback: str) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _write_notebooks(notebooks_dir: Path, target: Path, data_dir: Path, log: Log) -> dict[str, str]:
    """Execute and render each numbered notebook; returns {page file name: title}."""
    target.mkdir(parents=True)
    pages = {}
    for source in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        started = time.perf_counter()
        notebook = execute_notebook(source, notebooks_dir, data_dir)
        nbformat.write(notebook, target / source.name)
        page = source.with_suffix(".html").name
        write_text_atomically(target / page, render_html(notebook))
        pages[page] = _notebook_title(notebook, source.stem)
        log(f"      {source.name} ({time.perf_counter() - started:.1f} s)")
    return pages


def _table_html(frame: pd.DataFrame) -> str:
    """An HTML table of ``frame`` with every cell escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def render_index(
    dataset: Dataset,
    scenario_table: pd.DataFrame,
    figures: list[Path],
    pages: dict[str, str],
) -> str:
    """The report's front page. Every text that comes from the data is escaped."""
    events = dataset.events
    as_of = events["date_latest"].max().strftime("%d %B %Y")
    case_rows = case_events(events)[["when", "title", "description"]]
    figure_html = "".join(
        f'<figure><img src="figures/{html.escape(p.name)}" alt="{html.escape(p.stem)}">'
        f"<figcaption>{html.escape(FIGURE_CAPTIONS.get(p.stem, p.stem))}</figcaption></figure>"
        for p in figures
        if p.suffix == ".png" and p.parent.name == "figures"
    )
    page_links = "".join(
        f'<li><a href="notebooks/{html.escape(page)}">{html.escape(title)}</a></li>'
        for page, title in pages.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Return or release? Eight North Koreans detained in Shenyang, 2017</title>
<style>
body {{ font-family: sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left;
          vertical-align: top; }}
th {{ background: #f2f2f2; }}
figure {{ margin: 1.5rem 0; }}
img {{ max-width: 100%; border: 1px solid #eee; }}
figcaption {{ color: #555; font-size: 0.9rem; }}
</style>
</head>
<body>
<h1>Return or release? Eight North Koreans detained in Shenyang, 2017</h1>
<p>In mid-March 2017 eight North Koreans were stopped at a traffic check in Shenyang, China.
On 24 April Human Rights Watch asked China to say where they were held, and China's foreign
ministry called them illegal economic migrants. A commentary of that month argued that
international pressure and tension between Beijing and Pyongyang decide whether China returns
such detainees to North Korea or lets them go to South Korea. This report keeps the record of
the case, its context and earlier cases, and turns the two factors into transparent scenarios.
The group's fate after May 2017 is not on record.</p>
<p>Data as of {html.escape(as_of)} (the latest event in the record).</p>

<h2>Scenarios: probability that China releases rather than returns the group</h2>
{_table_html(scenario_table)}
<p>P(release) is the model at the central value of every input; the interval runs from the 10th
to the 90th percentile of the Monte Carlo draws. The full table, with the median of the draws,
is in <a href="{SCENARIO_TABLE}">{SCENARIO_TABLE}</a>.</p>

<h2>Key charts</h2>
{figure_html}

<h2>The case, event by event</h2>
{_table_html(case_rows)}

<h2>Notebooks</h2>
<ol>{page_links}</ol>

<h2>Where the data come from</h2>
{_table_html(source_coverage(dataset))}
<p>Every row of the sourced tables cites at least one public page; the columns are documented
in <code>data/codebook.csv</code>. Rows were written in the project's own words.</p>
</body>
</html>
"""


def build_report(
    output_dir: Path = paths.REPORTS_DIR,
    data_dir: Path | None = None,
    notebooks_dir: Path = paths.NOTEBOOKS_DIR,
    log: Log = print,
) -> Dataset:
    """Build the whole report into ``output_dir`` from ``data_dir`` (default: data/).

    Raises DataValidationError for bad data and ReportError for a failed step; in both cases
    ``output_dir`` is left as it was. Returns the validated data the report was built from.
    """
    data_dir = (data_dir or paths.DATA_DIR).resolve()
    # Not resolve(): the output folder is a link to its live version, which must not be followed.
    output_dir = output_dir.parent.resolve() / output_dir.name
    check_output_dir(output_dir, data_dir, notebooks_dir)
    with files.exclusive_lock(output_dir):
        files.recover(output_dir)
        staging = files.new_version(output_dir)
        dataset = _build_into(staging, output_dir, data_dir, notebooks_dir, log)
    log(f"report written to {output_dir}/index.html")
    return dataset


def _build_into(
    staging: Path, output_dir: Path, data_dir: Path, notebooks_dir: Path, log: Log
) -> Dataset:
    """Build the report in ``staging``, then publish it as ``output_dir``; removed on failure."""
    # Imported late: they import pyplot, which must see the non-interactive backend.
    matplotlib.use("agg")
    from analysis import scenarios, timeline

    try:
        with _step(log, 1, "validated the data"):
            dataset = load_dataset(data_dir)
        with _step(log, 2, "drew the timeline charts"):
            figures = timeline.write_figures(dataset, staging / "figures")
        with _step(log, 3, "ran the scenario model and wrote its table and charts"):
            view = scenarios.case_view(dataset)
            figures += scenarios.write_outputs(dataset, staging / "figures", view)
            # The table is a result in its own right: give it the top level of the report.
            (staging / "figures" / SCENARIO_TABLE).rename(staging / SCENARIO_TABLE)
            table = scenarios.readable_table(view.table).reset_index()
        log(f"[4/{STEPS}] executing the notebooks in fresh kernels ...")
        with _step(log, 4, "executed and rendered the notebooks"):
            pages = _write_notebooks(notebooks_dir, staging / "notebooks", data_dir, log)
        write_text_atomically(staging / MARKER, MARKER_TEXT)
        with _step(log, 5, "wrote index.html"):
            write_text_atomically(
                staging / "index.html", render_index(dataset, table, sorted(figures), pages)
            )
        files.publish(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dataset
