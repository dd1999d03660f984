"""The report: complete, escaped, byte-stable, atomic, and never writing into data/."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import cache, paths
from analysis.data.tables import DataValidationError
from analysis.pages.notebook_html import render_html
from analysis.pages.report import (
    MARKER,
    ReportError,
    UnsafeOutputError,
    build_report,
    refresh_notebooks,
    stable_widget_ids,
)

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=HYPERLINK(0) "


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def fresh_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store off: a test of what a kernel does must not be given an earlier run's notebook
    (its notebook has the same bytes in every run of the tests)."""
    monkeypatch.setenv(cache.SWITCH_VARIABLE, "off")


@pytest.fixture(scope="module")
def real_data_with_script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/ with a script tag in the detention's title and a formula in a scenario."""
    folder = tmp_path_factory.mktemp("data")
    for table in paths.DATA_DIR.glob("*.csv"):
        shutil.copy(table, folder / table.name)
    events = folder / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    detention = next(
        i for i, line in enumerate(lines) if ",detention," in line and ",case," in line
    )
    fields = lines[detention].split(",")
    fields[5] = f"Detained {SCRIPT}"  # title: the columns before it hold no commas
    lines[detention] = ",".join(fields)
    events.write_text("".join(lines), encoding="utf-8")
    scenarios = folder / "scenarios.csv"
    with scenarios.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["description"] = FORMULA + rows[0]["description"]
    with scenarios.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def tour_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notebook 01 alone: enough to check execution and rendering without running all four."""
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copy(paths.NOTEBOOKS_DIR / "01_events_and_actors.ipynb", folder)
    return folder


@pytest.fixture(scope="module")
def data_before_build(real_data_with_script: Path) -> dict[str, str]:
    """The bytes of every file of the data copy before any report is built from it."""
    return tree_digest(real_data_with_script)


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store ``built`` fills: empty before it, so that build computes everything."""
    return tmp_path_factory.mktemp("store")


@pytest.fixture(scope="module")
def built(
    real_data_with_script: Path,
    tour_only: Path,
    tmp_path_factory: pytest.TempPathFactory,
    data_before_build: dict[str, str],
    built_store: Path,
):
    output = tmp_path_factory.mktemp("site") / "reports"
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.DIR_VARIABLE, str(built_store))
        build_report(output, real_data_with_script, tour_only, log=lines.append)
    return output, lines


def test_report_holds_index_pages_figures_and_table(built) -> None:
    output, _ = built
    assert (output / "index.html").is_file()
    assert (output / "notebooks" / "01_events_and_actors.html").is_file()
    assert (output / "scenario_table.csv").is_file()
    figures = {p.name for p in (output / "figures").iterdir()}
    for stem in ("case_timeline", "context_timeline", "scenarios_plane", "scenarios_waterfall"):
        assert {f"{stem}.png", f"{stem}.svg"} <= figures
    index = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="notebooks/01_events_and_actors.html"' in index
    assert 'src="figures/case_timeline.svg"' in index
    assert "The case as of 24 April 2017" in index  # the scenario's label, not its id
    assert "case_2017_04_24" not in index


def test_no_page_under_the_report_references_an_external_script_style_or_font(built) -> None:
    from tests.test_index_page import external_references

    output, _ = built
    pages = sorted(p for p in output.rglob("*") if p.suffix in (".html", ".svg", ".css"))
    assert len(pages) >= 3
    found = {
        str(p.relative_to(output)): external_references(p.read_text(encoding="utf-8"))
        for p in pages
    }
    assert {page: refs for page, refs in found.items() if refs} == {}


def test_index_page_puts_its_bottom_line_first_and_links_every_source(built) -> None:
    output, _ = built
    index = (output / "index.html").read_text(encoding="utf-8")
    assert index.index('id="bottom-line"') < index.index('id="method"')
    assert index.index('id="method"') < index.index("<h3>Scenarios")
    method = index.split('id="method"', 1)[1]
    assert "with a uniform prior, 0." in method
    assert 'src="figures/backtest_reliability.svg"' in method  # the diagram is one click down
    assert "the table of past cases runs to" in index and "run to 11 October 2025" in index
    case_table = index.split("<h2>The case, event by event</h2>", 1)[1].split("</table>")[0]
    rows = case_table.split("<tr>")[2:]
    assert rows and all('rel="noopener noreferrer"' in row for row in rows)
    for figure in re.findall(r"<img [^>]*>", index):
        assert 'src="figures/' in figure and '.svg"' in figure
        alt = re.search(r'alt="([^"]*)"', figure).group(1)
        assert len(alt.split()) >= 8, f"alt text says too little: {alt!r}"


def test_data_text_is_escaped_everywhere(built) -> None:
    output, _ = built
    pages = [output / "index.html", output / "notebooks" / "01_events_and_actors.html"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert SCRIPT not in text, page.name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, page.name


def test_exported_table_cannot_start_a_spreadsheet_formula(built) -> None:
    output, _ = built
    table = (output / "scenario_table.csv").read_text(encoding="utf-8")
    assert f"'{FORMULA}" in table
    assert f",{FORMULA}" not in table and f'"{FORMULA}' not in table


def test_progress_is_one_line_per_step_with_its_time(built) -> None:
    _, lines = built
    steps = [line for line in lines if line.startswith("[") and line.endswith(" s elapsed)")]
    assert [line[:5] for line in steps] == ["[1/5]", "[2/5]", "[3/5]", "[4/5]", "[5/5]"]
    elapsed = [float(re.search(r"; ([0-9.]+) s elapsed\)$", line).group(1)) for line in steps]
    assert elapsed == sorted(elapsed)


def test_report_pages_show_no_nan_dtype_or_raw_codes(built) -> None:
    from tests.raw_codes import forbidden_codes, raw_codes, shown_outputs

    output, _ = built
    codes = forbidden_codes()
    index = (output / "index.html").read_text(encoding="utf-8")
    assert raw_codes(index, codes) == []
    executed = sorted((output / "notebooks").glob("*.ipynb"))  # what the pages render
    assert executed
    found = {
        f"{notebook.name} cell {number}": raw_codes(text, codes)
        for notebook in executed
        for number, text in shown_outputs(notebook)
        if raw_codes(text, codes)
    }
    assert found == {}


def test_every_page_carries_the_provenance_banner_and_footer(built) -> None:
    output, _ = built
    pages = [output / "index.html", *sorted((output / "notebooks").glob("*.html"))]
    assert len(pages) == 2  # the index and the tour's one notebook
    commit = subprocess.run(
        ["git", "-C", str(paths.PROJECT_ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        banner = text.split('id="provenance-banner"', 1)[1].split("</header>")[0]
        assert "Question:" in banner and "Forecast as of:</strong> 24 April 2017" in banner
        assert "Data as of:" in banner, page.name
        footer = text.split('id="provenance-footer"', 1)[1].split("</footer>")[0]
        assert f"<code>{commit[:12]}</code>" in footer, page.name
        assert re.search(r"data folder SHA-256 <code>[0-9a-f]{64}</code>", footer), page.name
        assert re.search(r"Python 3\.\d+\.\d+, numpy \d", footer), page.name
        assert re.search(r"build date \d{4}-\d{2}-\d{2}", footer), page.name


def test_second_run_replaces_the_earlier_report_with_the_same_bytes(
    built,
    built_store: Path,
    real_data_with_script: Path,
    tour_only: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output, _ = built
    before = tree_digest(output)
    assert (output / MARKER).is_file()  # so the next run may replace this folder
    # Tamper with the earlier report: a stray file and an edited page must both be gone.
    (output / "stray.txt").write_text("left over", encoding="utf-8")
    (output / "index.html").write_text("stale", encoding="utf-8")
    # The first build computed everything (its store was empty); this one takes its figures,
    # notebook, pages and headline from that store: what the store gives back is held to what
    # was computed.
    monkeypatch.setenv(cache.DIR_VARIABLE, str(built_store))
    build_report(output, real_data_with_script, tour_only, log=lambda _: None)
    assert tree_digest(output) == before


def test_report_never_writes_into_the_data_folder(
    built, real_data_with_script: Path, data_before_build: dict[str, str]
) -> None:
    # Same files, byte for byte (names alone would miss a rewritten table).
    assert tree_digest(real_data_with_script) == data_before_build
    assert sorted(data_before_build) == sorted(p.name for p in paths.DATA_DIR.glob("*.csv"))


def test_bad_data_leaves_the_previous_report_whole(
    built, real_data_with_script: Path, tour_only: Path, tmp_path: Path
) -> None:
    output, _ = built
    before = tree_digest(output)
    broken = tmp_path / "broken"
    shutil.copytree(real_data_with_script, broken)
    (broken / "actors.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError):
        build_report(output, broken, tour_only, log=lambda _: None)
    assert tree_digest(output) == before
    # No staging left behind: beside the report only its versions folder, holding the live one.
    assert sorted(p.name for p in output.parent.iterdir()) == [".reports.versions", "reports"]
    assert len(list((output.parent / ".reports.versions").iterdir())) == 1


def test_failing_cell_names_notebook_and_cell_and_keeps_the_report(
    built, real_data_with_script: Path, tmp_path: Path
) -> None:
    output, _ = built
    before = tree_digest(output)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    failing = new_notebook(
        cells=[new_markdown_cell("# Fails"), new_code_cell("x = 1"), new_code_cell("1 / 0")]
    )
    failing.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(failing, notebooks / "09_fails.ipynb")
    with pytest.raises(ReportError, match=r"09_fails\.ipynb: cell 3 failed: ZeroDivisionError"):
        build_report(output, real_data_with_script, notebooks, log=lambda _: None)
    assert tree_digest(output) == before


def test_widget_ids_become_sequential_and_consistent() -> None:
    first, second = "a" * 32, "0123456789abcdef" * 2
    notebook = nbformat.from_dict(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {"widgets": {"state": {first: {"ref": f"IPY_MODEL_{second}"}, second: {}}}},
            "cells": [
                {
                    "cell_type": "code",
                    "id": "c1",
                    "metadata": {},
                    "execution_count": 1,
                    "source": "",
                    "outputs": [
                        {
                            "output_type": "display_data",
                            "metadata": {},
                            "data": {
                                "application/vnd.jupyter.widget-view+json": {"model_id": first}
                            },
                        }
                    ],
                }
            ],
        }
    )
    renamed = stable_widget_ids(notebook)
    state = renamed.metadata.widgets.state
    assert set(state) == {f"{1:032x}", f"{2:032x}"}
    assert state[f"{1:032x}"]["ref"] == f"IPY_MODEL_{2:032x}"
    view = renamed.cells[0].outputs[0].data["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == f"{1:032x}"


@pytest.mark.usefixtures("fresh_kernels")
def test_refreshing_notebooks_is_byte_stable_and_drops_timings(tmp_path: Path) -> None:
    # A small notebook with the outputs that could differ between runs (printing, a rich
    # display, a figure), and the timings a previous run left in its cells' metadata.
    folder = tmp_path / "notebooks"
    folder.mkdir()
    cells = [
        new_markdown_cell("# Refreshed"),
        new_code_cell('print("printed")'),
        new_code_cell("import pandas as pd\npd.DataFrame({'a': [1, 2]})"),
        new_code_cell(
            "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()"
        ),
    ]
    cells[1].metadata["execution"] = {"iopub.execute_input": "2017-04-24T00:00:00Z"}
    nbformat.write(new_notebook(cells=cells), folder / "01_refreshed.ipynb")
    [path] = refresh_notebooks(folder, log=lambda _: None)
    first = path.read_bytes()
    refresh_notebooks(folder, log=lambda _: None)
    assert path.read_bytes() == first
    notebook = nbformat.reads(first.decode("utf-8"), as_version=4)
    assert all("execution" not in cell.metadata for cell in notebook.cells)
    kinds = [output.output_type for cell in notebook.cells for output in cell.get("outputs", [])]
    assert kinds == ["stream", "execute_result", "display_data"]
    assert [c.execution_count for c in notebook.cells if c.cell_type == "code"] == list(
        range(1, 1 + sum(c.cell_type == "code" for c in notebook.cells))
    )


@pytest.mark.parametrize("target", ["data", "notebooks", "src", "project", "inside data"])
def test_report_refuses_to_replace_the_project_inputs(target: str, tour_only: Path) -> None:
    folder = {
        "data": paths.DATA_DIR,
        "notebooks": paths.NOTEBOOKS_DIR,
        "src": paths.PROJECT_ROOT / "src",
        "project": paths.PROJECT_ROOT,
        "inside data": paths.DATA_DIR / "reports",
    }[target]
    before = tree_digest(paths.DATA_DIR)
    with pytest.raises(UnsafeOutputError, match="refusing to write the report"):
        build_report(folder, log=lambda _: None)
    assert tree_digest(paths.DATA_DIR) == before
    assert not (paths.DATA_DIR / "reports").exists()


def test_report_refuses_a_folder_it_did_not_write(tmp_path: Path, tour_only: Path) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(UnsafeOutputError, match=f"no {MARKER} file"):
        build_report(foreign, notebooks_dir=tour_only, log=lambda _: None)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "precious"


def test_html_of_a_notebook_with_widgets_is_byte_stable() -> None:
    notebook = nbformat.read(paths.NOTEBOOKS_DIR / "04_scenarios.ipynb", as_version=4)
    first, second = render_html(notebook), render_html(notebook)
    assert "kernel-note" in first  # the widget outputs say they need a kernel
    assert first == second


def test_a_page_does_not_depend_on_the_pages_rendered_before_it() -> None:
    # One exporter per thread renders page after page; a new thread's first page is the oracle.
    from concurrent.futures import ThreadPoolExecutor

    tour = nbformat.read(paths.NOTEBOOKS_DIR / "01_events_and_actors.ipynb", as_version=4)
    scenarios = nbformat.read(paths.NOTEBOOKS_DIR / "04_scenarios.ipynb", as_version=4)
    render_html(scenarios)
    after_another = render_html(tour)
    with ThreadPoolExecutor(max_workers=1) as fresh_thread:
        first_of_its_thread = fresh_thread.submit(render_html, tour).result()
    assert after_another == first_of_its_thread
    assert "The sliders of this what-if" not in after_another  # nothing of notebook 04's page


def _widget_notebook(first: str, second: str) -> nbformat.NotebookNode:
    state = {first: {"ref": f"IPY_MODEL_{second}"}, second: {"value": 1}}
    return nbformat.from_dict(
        {"nbformat": 4, "nbformat_minor": 5, "metadata": {"widgets": {"state": state}}, "cells": []}
    )


def test_renumbered_widget_state_does_not_depend_on_the_old_ids() -> None:
    # Same widgets, created in the same order, under ids that sort the other way round.
    low_first = stable_widget_ids(_widget_notebook("1" * 32, "e" * 32))
    high_first = stable_widget_ids(_widget_notebook("e" * 32, "1" * 32))
    assert json.dumps(low_first) == json.dumps(high_first)  # key order too: HTML embeds it


def one_cell_notebook(folder: Path, name: str, code: str) -> Path:
    """A notebook ``folder/name`` of one code cell, written; returns its path."""
    source = folder / name
    nbformat.write(new_notebook(cells=[new_code_cell(code)]), source)
    return source


@pytest.mark.usefixtures("fresh_kernels")
def test_one_cells_printing_is_one_stream_output_however_the_kernel_flushes(tmp_path) -> None:
    from analysis.pages.report import execute_notebook

    # The explicit flush and the pause stand for a busy machine: without merging, the kernel
    # sends "first" and "second" as two stream outputs, and the saved file depends on timing.
    cell = 'import sys, time\nprint("first")\nsys.stdout.flush()\ntime.sleep(0.5)\nprint("second")'
    source = one_cell_notebook(tmp_path, "01_streams.ipynb", cell)
    executed = execute_notebook(source, tmp_path, paths.DATA_DIR)
    outputs = executed.cells[0].outputs
    assert [(o.output_type, o.name, o.text) for o in outputs] == [
        ("stream", "stdout", "first\nsecond\n")
    ]


def running_kernels() -> list[int]:
    """The process ids of this process's children that are live ipykernel processes."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # the process ended while being read
            continue
        if int(parent) == os.getpid() and state != "Z" and b"ipykernel" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.usefixtures("fresh_kernels")
def test_the_kernels_talk_over_unix_sockets_and_are_shut_down_after(tmp_path: Path) -> None:
    from analysis.pages.report import execute_notebook

    cell = "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().transport)"
    source = one_cell_notebook(tmp_path, "01_transport.ipynb", cell)
    before = running_kernels()
    executed = execute_notebook(source, tmp_path, paths.DATA_DIR)
    assert executed.cells[0].outputs[0].text == "ipc\n"
    assert running_kernels() == before  # its kernel is gone, not left running


# A kernel that counts its starts in a file and dies on the first (or on every) start, saying
# why on stderr, then runs the real kernel.
STARTING_KERNEL = """
import pathlib, sys
counter, connection, dies = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
starts = int(counter.read_text()) + 1 if counter.exists() else 1
counter.write_text(str(starts))
if dies == "always" or starts == 1:
    sys.stderr.write(f"start {starts}: \\x1b[31mno luck\\n")
    sys.exit(1)
from ipykernel import kernelapp
sys.argv = ["ipykernel", "-f", connection]
kernelapp.launch_new_instance()
"""


def _starting_kernel(folder: Path, dies: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install STARTING_KERNEL as the report's kernel; returns the file counting its starts."""
    import sys

    from analysis.pages import report

    script = folder / "starting_kernel.py"
    script.write_text(STARTING_KERNEL, encoding="utf-8")
    counter = folder / "starts"
    spec = folder / "jupyter" / "kernels" / "starting"
    spec.mkdir(parents=True)
    argv = [sys.executable, str(script), str(counter), "{connection_file}", dies]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "starting", "language": "python"}),
        encoding="utf-8",
    )
    monkeypatch.setenv("JUPYTER_PATH", str(folder / "jupyter"))
    monkeypatch.setattr(report, "KERNEL_NAME", "starting")
    return counter


@pytest.mark.usefixtures("fresh_kernels")
def test_a_kernel_that_dies_at_start_is_started_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.pages.report import execute_notebook

    counter = _starting_kernel(tmp_path, "first", monkeypatch)
    source = one_cell_notebook(tmp_path, "01_again.ipynb", "print(6 * 7)")
    executed = execute_notebook(source, tmp_path, paths.DATA_DIR)
    assert executed.cells[0].outputs[0].text == "42\n"
    assert counter.read_text() == "2"  # died once, then ran


def test_a_kernel_that_never_starts_is_one_line_naming_the_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.pages import report

    assert report.KERNEL_START_ATTEMPTS == 3
    # Two attempts here: each failed start waits a second for an answer before it gives up.
    monkeypatch.setattr(report, "KERNEL_START_ATTEMPTS", 2)
    counter = _starting_kernel(tmp_path, "always", monkeypatch)
    source = one_cell_notebook(tmp_path, "01_never.ipynb", "1")
    with pytest.raises(ReportError) as refused:
        report.execute_notebook(source, tmp_path, paths.DATA_DIR)
    # Its last stderr line, the terminal escape made printable.
    assert str(refused.value) == (
        "01_never.ipynb: its kernel did not start (2 attempts): start 2: ?[31mno luck"
    )
    assert counter.read_text() == "2"


def test_another_question_goes_to_its_own_folder_and_survives_the_main_report(
    tmp_path, monkeypatch
) -> None:
    from analysis import cli, files
    from analysis.pages import report

    seen = []
    monkeypatch.setattr(
        report, "build_report", lambda output_dir, case, log, kernels: seen.append(output_dir)
    )
    assert cli.main(["report", "--case", "2012_shenyang_31"]) == 0
    assert cli.main(["report"]) == 0
    assert seen == [paths.REPORTS_DIR / "2012_shenyang_31", paths.REPORTS_DIR]
    # A main report holding a question's report, published the way the report publishes:
    main_dir = tmp_path / "reports"
    live = files.new_version(main_dir)
    files.publish(live, main_dir)
    question = main_dir / "q2"
    version = files.new_version(question)
    (version / "index.html").write_text("q2 page", encoding="utf-8")
    files.publish(version, question)
    staging = tmp_path / "staging"
    staging.mkdir()
    assert report.carry_question_reports(main_dir, staging, ["q2", "q3"]) == {"q2": "q2"}
    assert (staging / "q2" / "index.html").read_text(encoding="utf-8") == "q2 page"
