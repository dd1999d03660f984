"""The report, and the one writer: validate the data, write the figures and the scenario
table, execute every notebook in a fresh kernel (or, for ``report --all``, in a kernel kept from
an earlier notebook and reset: ``KeptKernels``), render each to HTML, and write ``index.html``.

Every file the project writes is written here (the numbers and chart modules only return data
and Figures). The report is about one question (``--case``, default the Shenyang eight): the
notebooks that take a question (02 and 04) get it papermill-style, as a cell injected after
their ``parameters`` cell; the record's notebooks (01 and 03) have none and run as they are, the
same for every question, so the gallery executes them once (``takes_question``). Everything is
built in a staging folder beside the output folder and swapped in only when the whole build
succeeded (``_publish``), so a failed or interrupted run leaves the previous report whole. The
committed notebooks and the data folder are only read. Text from the tables is HTML-escaped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

import matplotlib
import nbformat
import pandas as pd
from matplotlib.figure import Figure
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from traitlets.config import Config

from analysis import cache, files, paths
from analysis.charts.style import FULL_TEXT_VARIABLE, STABLE_METADATA
from analysis.data.dataset import load_dataset
from analysis.data.tables import Dataset
from analysis.defaults import DEFAULT_CASE
from analysis.engine.headline import WHAT_IF, HeadlineDetail, headline_detail
from analysis.engine.whatif import QuestionWhatIf, question_whatif
from analysis.files import write_atomically, write_text_atomically
from analysis.pages import provenance
from analysis.pages.index_page import (
    NO_LINK,
    SCENARIO_TABLE,
    page_banner,
    render_index,
    scenario_rows,
)
from analysis.pages.notebook_html import codebook_codes, notebook_title, render_html

Log = Callable[[str], None]
CELL_TIMEOUT_SECONDS = 600
KERNEL_NAME = "python3"
# A kernel that dies before it answers is started again, up to this many times in all.
KERNEL_START_ATTEMPTS = 3
# Notebooks run two at a time, each in its own kernel process: on two cores that cut the
# notebooks step by about 40% in a trial; more kernels than cores only compete.
NOTEBOOK_WORKERS = max(1, min(2, os.cpu_count() or 1))
# The gallery builds two questions at a time on two cores: one draws its charts while the
# other's kernels run (one at a time, a question's kernels kept a core busy and this process
# waited for them).
GALLERY_WORKERS = NOTEBOOK_WORKERS
# pyplot's figures and the rcParams that style them belong to the process: one thread draws.
DRAWING = threading.Lock()
STEPS = 5
# The main report's figures as PNG too, for the README and for slides; another question's
# report writes what its page shows (drawing the PNGs cost about 1.9 s a question).
MAIN_FORMATS = ("png", "svg")
QUESTION_FORMATS = ("svg",)
# Report figures drawn from the tables alone, the same on every question's report: their bytes
# are kept in the store without the question, so the gallery draws them once.
QUESTION_FREE_FIGURES = ("measured_series",)
# What the kernel inherits that can change its outputs: the IPython profile (the determinism
# runs' draws no PNGs), matplotlib's settings, the kernel specs.
KERNEL_SETTINGS = ("IPYTHONDIR", "MPLBACKEND", "MPLCONFIGDIR", "JUPYTER_PATH")
WIDGET_ID = re.compile(r"[0-9a-f]{32}")
MODEL_ID_FIELD = re.compile(r'"model_id": "([0-9a-f]{32})"')


class ReportError(RuntimeError):
    """A report step failed; the message names the step (and notebook and cell)."""


class NothingToScoreError(ReportError):
    """No past case of the scoring set was resolved by the question's date: notebook 04's
    backtest has nothing to score, so the report refuses before it starts."""


def refuse_without_scored_cases(dataset: Dataset, view: QuestionWhatIf) -> None:
    """Raise NothingToScoreError, in one line, when no past case could be scored by the
    question's date (the scenario and ledger commands fall back to equal weights and say so;
    the report's notebook would fail minutes later in its backtest)."""
    from analysis.engine import specifications

    rule = view.facts.rule  # the question's own class, as its headline's
    if specifications.scoring_set(dataset, view.facts.as_of, rule=rule).empty:
        raise NothingToScoreError(
            f"no past case of the question's class ({rule.describe()}) with one of the "
            f"question's two outcomes was resolved by {view.facts.as_of:%Y-%m-%d}, so the "
            "forecast cannot be scored and the report has no backtest to show (expected a "
            "later question date or more resolved cases in cases.csv)"
        )


class UnsafeOutputError(ReportError):
    """The output folder holds something the report did not write; nothing was touched."""


# Left in every report folder: only a folder carrying it may be replaced by a new report.
MARKER = ".analysis-report"
MARKER_TEXT = "Written by `python -m analysis report`; the whole folder is replaced on each run.\n"


TRACK_RECORD_PAGE = "track_record.html"


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
def _step(log: Log, number: int, label: str, run_started: float) -> Iterator[None]:
    """One progress line per step, with the seconds it took and the seconds since the run
    started (``run_started``, a ``time.perf_counter()`` value)."""
    started = time.perf_counter()
    yield
    log(_step_line(number, label, started, run_started))


def _step_line(number: int, label: str, started: float, run_started: float) -> str:
    now = time.perf_counter()
    return f"[{number}/{STEPS}] {label} ({now - started:.1f} s; {now - run_started:.1f} s elapsed)"


def _is_parameters_cell(cell: Mapping) -> bool:
    """Whether a notebook cell (a NotebookNode or the file's JSON) is tagged ``parameters``."""
    return "parameters" in cell.get("metadata", {}).get("tags", [])


def takes_question(source: Path) -> bool:
    """Whether the notebook at ``source`` is about one question (a cell tagged ``parameters``
    sets its CASE) rather than the record's, the same for every question (no such cell)."""
    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    return any(map(_is_parameters_cell, cells))


RECORD_NOTE = " (the record's: the same on every question's report)"
# Where the record's notebooks go (``_write_notebooks``): run here, or left out of another
# question's report built alone (listed unlinked on the index page).
RECORD_HERE = None
RECORD_LEFT_OUT = NO_LINK
RECORD_LEFT_OUT_NOTE = (
    " (the record's, about the main question's case: not in this question's report; "
    "the command make report builds it in the main report)"
)


PARAMETER_COMMENT = "# the question: a case_id of data/questions.csv"
INJECTED_TAG = "injected-parameters"  # papermill's tag, and the id of a cell put at the top


def inject_parameters(notebook: nbformat.NotebookNode, case: str) -> nbformat.NotebookNode:
    """Papermill's injected cell, tagged ``injected-parameters``, setting ``CASE``: in place of
    the cell tagged ``parameters`` (so that another question's page carries no default of the
    main question's, and cell numbers stay the committed notebook's), or at the top when there
    is none. The cell's id is the replaced cell's (or ``injected-parameters``), not a random
    one: a page built again from nothing is then the same file."""
    cell = nbformat.v4.new_code_cell(f"CASE = {case!r}  {PARAMETER_COMMENT}")
    cell.metadata["tags"] = [INJECTED_TAG]
    tagged = [index for index, each in enumerate(notebook.cells) if _is_parameters_cell(each)]
    if tagged:
        cell.id = notebook.cells[tagged[0]].get("id", INJECTED_TAG)
        notebook.cells[tagged[0]] = cell
    else:
        cell.id = INJECTED_TAG
        notebook.cells.insert(0, cell)
    return notebook


def execute_notebook(
    source: Path,
    kernel_cwd: Path,
    data_dir: Path,
    case: str | None = None,
    full_text: bool = False,
    kernels: KeptKernels | None = None,
) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel in ``kernel_cwd`` (or, for a notebook
    that takes a question, its kept one of ``kernels``, reset: the same outputs), reading
    ``data_dir``;
    with ``case`` other than the default, about that question (injected in place of the
    ``parameters`` cell; a record notebook, which has none, runs as it is for every question);
    with ``full_text``, tables show long text whole (for the HTML pages, which wrap it).

    Raises ReportError naming the notebook and the 1-based cell number that failed. A notebook
    executed before with the same bytes, data, code, case and options is taken from the store
    (``analysis.cache``): a kernel gives the same outputs for them, byte for byte.
    """
    if not takes_question(source):
        case = None  # the record's notebook: one execution serves every question,
        kernels = None  # so it runs once a build and its kernel is not kept
    key = _execution_key(source, data_dir, case, full_text)
    if key is None or not cache.enabled():
        return _execute(source, kernel_cwd, data_dir, case, full_text, kernels)
    kept = cache.lookup(key)
    if kept is not None:
        return nbformat.reads(kept, as_version=4)
    notebook = _execute(source, kernel_cwd, data_dir, case, full_text, kernels)
    cache.keep(key, nbformat.writes(notebook))
    return notebook


def _execution_key(source: Path, data_dir: Path, case: str | None, full_text: bool) -> str | None:
    """The store's key for one execution: the notebook's bytes, every file of the data folder
    (the tables, the codebook), the options and the code; None when a file cannot be keyed.
    Not the folders' paths: the notebooks take theirs from the package and print none (their
    stored outputs, which nbval compares in any checkout, hold no path)."""
    try:
        names = sorted(path.name for path in data_dir.iterdir())
    except OSError:
        return None
    data = cache.files_digest(data_dir, names)
    notebook = cache.files_digest(source.parent, [source.name])
    if data is None or notebook is None:
        return None
    settings = tuple((name, os.environ.get(name)) for name in KERNEL_SETTINGS)
    options = (
        ("notebook", notebook),
        ("case", case),
        ("full_text", full_text),
        ("kernel", KERNEL_NAME),
        ("settings", settings),
    )
    return cache.entry_key("report.execute_notebook", data, options)


# A heading that names the main question's group or a year is about the main question's case.
MAIN_CASE_HEADING = re.compile(
    r"(?i)\bshenyang eight\b|\bthe eight\b|\beight(?:'s| north)\b|\b(?:19|20)\d\d\b"
)
LEFT_OUT_NOTE = (
    "*The commentary of this notebook is written for the project's main question and is left "
    "out of this question's page (the main report's notebook has it); the code and its outputs "
    "are about this page's question.*"
)


def without_main_question_prose(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with every markdown cell cut to its headings, for another question's
    pages: a question notebook's commentary is written for the main question, its code and
    outputs are the page's. A heading that names the main case (MAIN_CASE_HEADING) goes too;
    the first markdown cell says what was left out (LEFT_OUT_NOTE). Cells are kept, emptied,
    so cell numbers stay the committed notebook's."""
    noted = False
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        kept = [
            line
            for line in cell.source.splitlines()
            if line.startswith("#") and not MAIN_CASE_HEADING.search(line)
        ]
        if not noted:
            kept.append(LEFT_OUT_NOTE)
            noted = True
        cell.source = "\n\n".join(kept)
    return notebook


def _execute(
    source: Path,
    kernel_cwd: Path,
    data_dir: Path,
    case: str | None,
    full_text: bool,
    kernels: KeptKernels | None = None,
) -> nbformat.NotebookNode:
    notebook = nbformat.read(source, as_version=4)
    if case is not None and case != DEFAULT_CASE:  # the default is the notebooks' own
        notebook = without_main_question_prose(inject_parameters(notebook, case))
    # Start clean: stale widget state or timings from an earlier run would leak into this one.
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    kernel_env = {**os.environ, "ANALYSIS_DATA_DIR": str(data_dir)}
    if full_text:
        kernel_env[FULL_TEXT_VARIABLE] = "1"
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            _run_cells(notebook, source, kernel_cwd, kernel_env, kernels)
            break
        except KernelDidNotStart as error:
            if attempt == KERNEL_START_ATTEMPTS:
                raise ReportError(
                    f"{source.name}: its kernel did not start ({attempt} attempts): {error}"
                ) from None
    return stable_widget_ids(notebook)


class KernelDidNotStart(RuntimeError):
    """A kernel died or fell silent before it answered; the message is its last stderr line."""


# What a kept kernel runs before its next notebook: close the last run's figures, let
# once-only warnings show again, and start a new session (names, history and the cell count
# back to 1), so that the run's outputs are those a fresh kernel gives. The reset clears the
# names this code makes. What is left then (the modules and their caches, about 340,000
# objects) is frozen out of the garbage collector's full passes, which otherwise walk all of
# it again and again (0.2 s of CPU in a notebook 04 run); reference counts still free them.
RESET_KERNEL = """\
import sys, warnings
if "matplotlib.pyplot" in sys.modules:
    sys.modules["matplotlib.pyplot"].close("all")
with warnings.catch_warnings():  # leaving it marks every module's warnings unseen
    pass
get_ipython().reset(new_session=True)
__import__("gc").collect()
__import__("gc").freeze()
"""


class _Kernel:
    """One started kernel with its client and its kept stderr; ``close`` shuts it down.

    The kernel talks over Unix sockets in a folder of its own, not TCP ports: a port chosen
    free can be taken by another process before the kernel binds it, and the kernel then dies
    at start (a kernel died at start once in CI, cause unseen: its stderr was not kept; it is
    now, for the message). Raises KernelDidNotStart when the kernel never answers.
    """

    def __init__(
        self, notebook: nbformat.NotebookNode, kernel_cwd: Path, kernel_env: dict[str, str]
    ) -> None:
        self._stack = ExitStack()
        folder = self._stack.enter_context(tempfile.TemporaryDirectory(prefix="analysis-kernel-"))
        # As configuration, not a kernel manager of ours: the client then owns the kernel
        # and shuts it down when it is closed.
        sockets = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(folder) / "k")}})
        self.client = NotebookClient(
            notebook,
            config=sockets,
            timeout=CELL_TIMEOUT_SECONDS,
            kernel_name=KERNEL_NAME,
            resources={"metadata": {"path": str(kernel_cwd)}},
            record_timing=False,  # timestamps would make every run's files differ
            # A busy machine splits one cell's printing into several stream outputs at the
            # kernel's flush interval: merged, the file no longer depends on the machine's load.
            coalesce_streams=True,
            # Nothing runs in the kernel after its last cell: a graceful shutdown only waits
            # (about a second a kernel) for it to tidy up and exit.
            shutdown_kernel="immediate",
        )
        # The kernel's stderr only carries start-up chatter (cell errors arrive as messages);
        # kept, its last line explains a kernel that does not start.
        self.stderr = self._stack.enter_context((Path(folder) / "stderr").open("w+b"))
        try:
            self._stack.enter_context(self.client.setup_kernel(env=kernel_env, stderr=self.stderr))
        except (RuntimeError, TimeoutError) as error:
            message = _last_line(self.stderr) or str(error)
            self._stack.close()
            raise KernelDidNotStart(message) from None

    def run(self, notebook: nbformat.NotebookNode, source: Path) -> None:
        """Execute every cell of ``notebook`` in place. Raises ReportError naming ``source``
        and the 1-based cell when a cell fails or the kernel dies in one."""
        self.client.nb = notebook
        self.client.reset_execution_trackers()  # the widgets seen are this run's alone
        for index, cell in enumerate(notebook.cells):
            try:
                self.client.execute_cell(cell, index)
            except CellExecutionError as error:
                raise ReportError(
                    f"{source.name}: cell {index + 1} failed: {error.ename}: {error.evalue}"
                ) from None
            except (DeadKernelError, CellTimeoutError) as error:
                raise ReportError(
                    f"{source.name}: cell {index + 1}: {type(error).__name__}: "
                    f"{_last_line(self.stderr) or 'the kernel stopped answering'}"
                ) from None
        self.client.set_widgets_metadata()  # so the HTML page draws the widgets without a kernel

    def reset(self) -> bool:
        """Run RESET_KERNEL; False when the kernel no longer answers it."""
        try:
            reset = nbformat.v4.new_code_cell(RESET_KERNEL)
            self.client.execute_cell(reset, 0, store_history=False)
        except (CellExecutionError, DeadKernelError, CellTimeoutError):
            return False
        return True

    def close(self) -> None:
        self._stack.close()


class KeptKernels:
    """Kernels kept from one notebook run to the next, for a build that runs notebooks again
    and again (the main report runs four, the gallery 02 and 04 for every question): starting
    a kernel and importing the package cost about 2.5 s a notebook, every time.

    At most ``running`` notebooks run at once (NOTEBOOK_WORKERS), however many questions are
    built at a time: on two cores a third or fourth kernel only competes, and each one more
    costs a start. Kernels are kept by folder and kernel environment, as many of each as have
    run at once, each reset between runs (RESET_KERNEL), so any notebook may run in a kernel
    another one left: every notebook sets the house style first (``style.apply``), which is
    all the display state a notebook changes
    (``test_every_notebook_sets_the_house_style_before_it_shows_anything``). A kernel whose run
    failed is closed, and the next run starts a fresh one. Each kernel is driven from a thread
    of its own. Use as a context manager: leaving it shuts every kernel down.
    """

    def __init__(self, running: int = NOTEBOOK_WORKERS) -> None:
        # A slot: a kernel's thread and the kernel (none yet, or none since its run failed).
        self._idle: dict[tuple[str, ...], list[tuple[ThreadPoolExecutor, list[_Kernel]]]] = {}
        self._slots: list[tuple[ThreadPoolExecutor, list[_Kernel]]] = []
        self._lock = threading.Lock()
        self._running = threading.BoundedSemaphore(running)

    def run(
        self,
        notebook: nbformat.NotebookNode,
        source: Path,
        kernel_cwd: Path,
        kernel_env: dict[str, str],
    ) -> None:
        """``_Kernel.run`` in an idle kept kernel of this folder and environment (started
        first if none is)."""
        key = (str(kernel_cwd), *sorted(f"{k}={v}" for k, v in kernel_env.items()))
        with self._running:  # held from taking a kernel to giving it back
            with self._lock:
                idle = self._idle.setdefault(key, [])
                if idle:
                    slot = idle.pop()
                else:
                    slot = (ThreadPoolExecutor(max_workers=1), [])
                    self._slots.append(slot)
            thread, kept = slot

            def in_its_thread() -> None:
                if kept and not kept[0].reset():
                    kept.pop().close()
                if not kept:
                    kept.append(_Kernel(notebook, kernel_cwd, kernel_env))
                try:
                    kept[0].run(notebook, source)
                except BaseException:
                    kept.pop().close()
                    raise

            try:
                thread.submit(in_its_thread).result()
            finally:
                with self._lock:
                    idle.append(slot)

    def __enter__(self) -> KeptKernels:
        return self

    def __exit__(self, *_: object) -> None:
        for thread, kept in self._slots:
            thread.submit(lambda kept=kept: [kernel.close() for kernel in kept]).result()
            thread.shutdown()
        self._slots.clear()
        self._idle.clear()


def _run_cells(
    notebook: nbformat.NotebookNode,
    source: Path,
    kernel_cwd: Path,
    kernel_env: dict[str, str],
    kernels: KeptKernels | None = None,
) -> None:
    """Execute every cell of ``notebook`` in place: in a fresh kernel, or in the kept one of
    ``kernels``. Raises KernelDidNotStart when the kernel never answers, ReportError when a
    cell fails or the kernel dies in one."""
    if kernels is not None:
        kernels.run(notebook, source, kernel_cwd, kernel_env)
        return
    kernel = _Kernel(notebook, kernel_cwd, kernel_env)
    try:
        kernel.run(notebook, source)
    finally:
        kernel.close()


def _last_line(stream: IO[bytes], limit: int = 200) -> str:
    """The last non-blank line written to ``stream``, at most ``limit`` characters, printable."""
    stream.flush()
    stream.seek(0)
    lines = [line for line in stream.read().decode("utf-8", "replace").splitlines() if line.strip()]
    last = lines[-1].strip() if lines else ""
    return "".join(ch if ch.isprintable() else "?" for ch in last)[:limit]


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
    with nothing changed leaves the files byte-identical. If any notebook fails, none is written.
    """
    written = []
    for source, notebook, seconds in execute_notebooks(
        notebooks_dir, notebooks_dir, paths.DATA_DIR
    ):
        write_atomically(source, lambda temporary, nb=notebook: nbformat.write(nb, temporary))
        written.append(source)
        log(f"re-executed {source.name} ({seconds:.1f} s)")
    return written


# ``body .jp-Cell`` makes these rules outrank JupyterLab's own right-aligned table rules.
def _write_notebooks(
    notebooks_dir: Path,
    target: Path,
    data_dir: Path,
    case: str,
    banner: str,
    footer: str,
    record_pages: str | None = None,
    kernels: KeptKernels | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Execute and render each numbered notebook about ``case``; returns {page link: title}
    and a progress line per notebook (for the caller to print: this runs in the background).
    Each page carries ``banner`` and ``footer`` (the provenance, as on the index page).
    ``record_pages`` says where the record's notebooks (about the main question's case) go:
    RECORD_HERE runs and writes them here (the main report); a folder link, such as the main
    report's ``../notebooks``, links them there; RECORD_LEFT_OUT leaves them out (another
    question's report built alone: it names no other case), listed without a link (NO_LINK).
    The notebooks run in fresh kernels, or in the kept ones of ``kernels``."""
    target.mkdir(parents=True)
    codes = codebook_codes(data_dir)
    sources = sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    of_question = {source: takes_question(source) for source in sources}
    elsewhere = [s for s in sources if record_pages is not RECORD_HERE and not of_question[s]]
    executed = {
        source: (notebook, seconds)
        for source, notebook, seconds in execute_notebooks(
            notebooks_dir,
            notebooks_dir,
            data_dir,
            case,
            full_text=True,
            skip=elsewhere,
            kernels=kernels,
        )
    }
    pages, timings = {}, []
    for source in sources:
        page = source.with_suffix(".html").name
        record = "" if of_question[source] else RECORD_NOTE
        if source in elsewhere:
            title = notebook_title(nbformat.read(source, as_version=4), source.stem)
            if record_pages == RECORD_LEFT_OUT:
                pages[f"{NO_LINK}{page}"] = title + RECORD_LEFT_OUT_NOTE
            else:
                pages[f"{record_pages}/{page}"] = title + record
            continue
        notebook, seconds = executed[source]
        nbformat.write(notebook, target / source.name)
        write_text_atomically(target / page, rendered_html(notebook, codes, banner, footer))
        pages[f"notebooks/{page}"] = notebook_title(notebook, source.stem) + record
        timings.append(f"      {source.name} ({seconds:.1f} s)")
    return pages, timings


def rendered_html(
    notebook: nbformat.NotebookNode, codes: frozenset[str], banner: str, footer: str
) -> str:
    """``render_html`` through the store (``analysis.cache``): a page is rendered once for the
    same executed notebook, codes, banner and footer, by the same code (half a second a page,
    which every warm build of every question used to pay again)."""
    parts = [nbformat.writes(notebook), banner, footer, *sorted(codes)]
    digest = hashlib.sha256("\n\0".join(parts).encode()).hexdigest()
    key = cache.entry_key("report.render_html", digest, ())
    return cache.cached(key, lambda: render_html(notebook, codes, banner, footer))


def load_kernel_modules() -> None:
    """Import, in the calling thread, what starting a kernel imports lazily (the kernel spec
    lookup imports IPython). Called before notebooks run in another thread: a module half
    imported there breaks matplotlib here, which checks IPython's version on every figure."""
    from jupyter_client.kernelspec import KernelSpecManager

    KernelSpecManager().get_kernel_spec("python3")


def execute_notebooks(
    notebooks_dir: Path,
    kernel_cwd: Path,
    data_dir: Path,
    case: str | None = None,
    full_text: bool = False,
    skip: list[Path] | None = None,
    kernels: KeptKernels | None = None,
) -> list[tuple[Path, nbformat.NotebookNode, float]]:
    """``execute_notebook`` (with ``kernels``) on each numbered notebook of ``notebooks_dir``
    but those of ``skip``, NOTEBOOK_WORKERS at a time, the largest file first; returns
    (source, executed notebook, seconds) in file order.

    Raises the ReportError of the first failing notebook in file order; the others still finish
    first, so no kernel is left running.
    """
    sources = [s for s in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")) if s not in (skip or [])]
    # The largest files start first: a stored notebook's size (mostly its outputs) is a fair
    # guess at its running time, and a long one started last would run alone at the end.
    starting_order = sorted(sources, key=lambda source: -source.stat().st_size)

    def run(source: Path) -> tuple[Path, nbformat.NotebookNode, float]:
        started = time.perf_counter()
        notebook = execute_notebook(source, kernel_cwd, data_dir, case, full_text, kernels)
        return source, notebook, time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=NOTEBOOK_WORKERS) as pool:
        futures = {source: pool.submit(run, source) for source in starting_order}
    return [futures[source].result() for source in sources]


def save_figure(figure: Figure, stem: Path, formats: tuple[str, ...] = MAIN_FORMATS) -> list[Path]:
    """Write ``figure`` as ``stem.<format>`` for each of ``formats`` (default ``stem.png`` and
    ``stem.svg``), each atomically; returns the paths."""
    from analysis.charts import style

    with style.context():
        return [
            write_atomically(
                stem.with_suffix(f".{fmt}"),
                lambda temporary, fmt=fmt: figure.savefig(
                    temporary, format=fmt, metadata=STABLE_METADATA[fmt]
                ),
            )
            for fmt in formats
        ]


def report_figures(
    dataset: Dataset,
    view: QuestionWhatIf,
    detail: HeadlineDetail,
    forecasts: pd.DataFrame | None = None,
) -> dict[str, Callable[[], Figure]]:
    """The report's charts for the question of ``view``, by file stem (see FIGURE_CAPTIONS):
    each is drawn when its function is called, so that the writer holds one figure at a time.

    The waterfall, tornado and timing are the question's (its as-of model); the plane is
    today's record; the reliability diagram scores ``forecasts``, the in-time forecasts known
    by the as-of date (``specifications.in_time_forecasts``, computed here when not given). With
    the headline's ``detail``, the specification curve, the build-up from the base rate and the
    timing chart are the headline's; the waterfall, plane and tornado are the what-if (the
    article's argument) and say so in their titles.
    """
    from analysis.charts import measured as measured_charts
    from analysis.charts import model as model_charts
    from analysis.charts import scoring as scoring_charts
    from analysis.charts import timeline as timeline_charts
    from analysis.engine import measured, scoring, specifications, whatif
    from analysis.record import factors, timeline

    facts, model, row = view.facts, view.case_model, view.case_scenario

    def waterfall() -> Figure:
        steps = whatif.waterfall_steps(
            model.base_rate, row["pressure"], row["tension"], model.w_pressure, model.w_tension
        )
        return model_charts.plot_waterfall(
            steps, f"{WHAT_IF.capitalize()}: {row['label']}, base rate to forecast"
        )

    def tornado() -> Figure:
        table = whatif.tornado(model, row["pressure"], row["tension"], dataset.events, facts.as_of)
        return model_charts.plot_tornado(
            table, row["p_release"], f"{WHAT_IF.capitalize()}: which input moves it most"
        )

    def reliability() -> Figure:
        scored = forecasts
        if scored is None:
            scored = specifications.in_time_forecasts(dataset, facts.as_of, rule=facts.rule)
        return scoring_charts.plot_reliability(
            scoring.reliability_table(scoring.formulation_forecasts(scored))
        )

    figures: dict[str, Callable[[], Figure]] = {
        "case_timeline": lambda: timeline_charts.case_timeline(
            timeline.case_chart(dataset.events, dataset.actors, facts)
        ),
        "context_timeline": lambda: timeline_charts.context_timeline(
            timeline.context_chart(dataset.events, facts)
        ),
        "scenarios_waterfall": waterfall,
        "scenarios_plane": lambda: model_charts.plot_plane(
            whatif.probability_plane(view.record_model),
            whatif.record_share(dataset, str(facts.question["question_id"])),
            view.levels,
            view.reference_cases,
        ),
        "scenarios_tornado": tornado,
        "backtest_reliability": reliability,
        "factors": lambda: model_charts.plot_factors(
            factors.factor_series(dataset.events, *timeline.factor_period(facts)),
            dataset.events,
            (facts.case["detained_date"], facts.case["detained_latest"]),
            facts.as_of,
            str(facts.question["as_of_label"]),
        ),
        "measured_series": lambda: measured_charts.plot_measured_series(
            measured.series_over(dataset), measured.case_measures(dataset)
        ),
    }
    return figures | headline_figures(view, detail)


def headline_figures(
    view: QuestionWhatIf, detail: HeadlineDetail
) -> dict[str, Callable[[], Figure]]:
    """The headline's own charts: its specification curve, its build-up from the base rate,
    and its P(return) over time under each timing law (replacing the what-if's timing)."""
    from analysis.charts import model as model_charts
    from analysis.charts import multiverse as multiverse_charts
    from analysis.record import durations

    facts, stated = view.facts, detail.headline
    pooled = detail.table[detail.table["in_headline"]]

    def curves() -> Figure:
        laws = durations.timing_laws(view.reference_cases, facts.as_of, facts.case_id)
        last = int((facts.last_status - facts.detained).days)
        held = {facts.days_held: "the forecast date"}
        if last > facts.days_held:
            held[last] = "the last report on record, later news"
        table = durations.return_curves(1.0 - stated.p_release, laws, list(held))
        return model_charts.plot_return_curves(table, 1.0 - stated.p_release, facts.windows, held)

    return {
        "headline_specifications": lambda: multiverse_charts.plot_specification_curve(
            pooled,
            stated.p_release,
            f"Headline: the question's {len(pooled)} specifications, sorted",
        ),
        "headline_build_up": lambda: multiverse_charts.plot_build_up(detail.build_up),
        "scenarios_timing": curves,
    }


def write_figures(
    figures: Mapping[str, Callable[[], Figure]],
    folder: Path,
    stop: Callable[[], bool] | None = None,
    formats: tuple[str, ...] = MAIN_FORMATS,
) -> list[Path]:
    """Draw each figure, save it as ``folder/stem.<format>`` for each of ``formats`` and close
    it; returns the paths. Before each figure ``stop()`` is asked: once true, the rest are not
    drawn (the report stops drawing as soon as a notebook has failed)."""
    import matplotlib.pyplot as plt

    written: list[Path] = []
    for stem, draw in figures.items():
        if stop is not None and stop():
            break
        with DRAWING:
            figure = draw()
            try:
                written += save_figure(figure, folder / stem, formats)
            finally:
                plt.close(figure)
    return written


def write_report_figures(
    dataset: Dataset,
    view: QuestionWhatIf,
    detail: HeadlineDetail | None,
    folder: Path,
    stop: Callable[[], bool] | None = None,
    formats: tuple[str, ...] = MAIN_FORMATS,
) -> list[Path]:
    """``write_figures`` of ``report_figures`` in ``formats``, the files' bytes kept in the store
    under the tables, the question, the formats and the code, so a report of the same inputs
    writes them again without drawing (drawing the eleven takes seconds; the bytes are the same
    on every run)."""
    digest = cache.dataset_digest(dataset)
    key = cache.entry_key(
        "report.write_report_figures",
        digest,
        (("case", str(view.facts.question["question_id"])), ("formats", formats)),
    )

    def draw_all() -> list[Path]:
        forecasts = detail.forecasts if detail is not None else None
        figures = report_figures(dataset, view, detail, forecasts)
        written = []
        # Drawn from the tables alone: kept without the question, so the gallery draws them
        # once. The formats drawn together are in the key: a figure saved as PNG first is laid
        # out for that renderer, and its SVG then differs by a fraction of a point.
        for stem in [stem for stem in QUESTION_FREE_FIGURES if stem in figures]:
            alone = {stem: figures.pop(stem)}
            written += _through_store(
                cache.entry_key("report.question_free_figure", digest, (stem, formats)),
                folder,
                lambda alone=alone: write_figures(alone, folder, stop, formats),
                lambda files: len(files) == len(formats),
            )
        return written + write_figures(figures, folder, stop, formats)

    # Only a whole set is kept: not one cut short by ``stop``.
    return _through_store(key, folder, draw_all, lambda _: not (stop is not None and stop()))


def _through_store(
    key: str,
    folder: Path,
    write: Callable[[], list[Path]],
    whole: Callable[[list[Path]], bool],
) -> list[Path]:
    """The files ``write()`` writes into ``folder``, their bytes kept in the store under ``key``
    when ``whole(paths)`` says the set is whole; a kept set is written again without calling
    ``write``. Returns the paths."""
    kept = cache.lookup(key) if cache.enabled() else None
    if kept is not None:
        return [
            write_atomically(folder / name, lambda t, b=data: t.write_bytes(b))
            for name, data in kept.items()
        ]
    written = write()
    if cache.enabled() and whole(written):
        cache.keep(key, {path.name: path.read_bytes() for path in written})
    return written


def _publish(output_dir: Path, build: Callable[[Path], None]) -> None:
    """Run ``build`` into a new version beside ``output_dir``, then swap it in whole.

    One run at a time (a lock on the parent folder); ``output_dir`` is a link to its live
    version, replaced in one atomic step, so a failed or killed run leaves the previous report.
    """
    with files.exclusive_lock(output_dir):
        files.recover(output_dir)
        staging = files.new_version(output_dir)
        try:
            build(staging)
            files.publish(staging, output_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def carry_question_reports(output_dir: Path, staging: Path, questions: list[str]) -> dict:
    """Copy each of ``questions``' reports found in the live ``output_dir`` (its link and its
    hidden versions folder, as ``report --case ID`` publishes them) into ``staging``, so a new
    main report keeps them; returns {question_id: its folder} of the reports carried."""
    carried = {}
    for question in questions:
        link, versions = output_dir / question, output_dir / f".{question}.versions"
        if not (os.path.islink(link) and versions.is_dir() and (link / "index.html").is_file()):
            continue
        shutil.copytree(versions, staging / versions.name, symlinks=True)
        os.symlink(os.readlink(link), staging / question)
        carried[question] = question
    return carried


def build_report(
    output_dir: Path = paths.REPORTS_DIR,
    data_dir: Path | None = None,
    notebooks_dir: Path = paths.NOTEBOOKS_DIR,
    log: Log = print,
    case: str = DEFAULT_CASE,
    kernels: KeptKernels | None = None,
) -> Dataset:
    """Build the whole report about question ``case`` into ``output_dir`` from ``data_dir``
    (default: data/); its notebooks run in fresh kernels, or in the kept ones of ``kernels``.

    Raises DataValidationError for bad data, ReportError for a failed step and
    case.UnknownCaseError for an unknown case; in every case ``output_dir`` is left as it was.
    Returns the validated data the report was built from.
    """
    # Before any chart module imports pyplot: the non-interactive backend.
    matplotlib.use("agg")
    from analysis.engine import whatif

    data_dir = (data_dir or paths.DATA_DIR).resolve()
    # Not resolve(): the output folder is a link to its live version, which must not be followed.
    output_dir = output_dir.parent.resolve() / output_dir.name
    check_output_dir(output_dir, data_dir, notebooks_dir)
    run_started = time.perf_counter()
    with _step(log, 1, "validated the data", run_started):
        dataset = load_dataset(data_dir)
        view = question_whatif(dataset, case)
        refuse_without_scored_cases(dataset, view)
    banner = page_banner(dataset, view.facts)
    footer = provenance.footer_html(provenance.collect(data_dir))

    question = str(view.facts.question["question_id"])
    others = [str(q) for q in dataset.questions["question_id"] if str(q) != question]

    def build(staging: Path) -> None:
        # Other questions' reports inside this folder (``report --case ID``) live on. The main
        # page links them through the track record page, which is written after them; linking
        # them here would make the page depend on which were built before it.
        carry_question_reports(output_dir, staging, others)
        links = {}
        if (output_dir.parent / MARKER).exists():  # a question's report inside the main one
            links = {"..": "the main report"}
        main_report = question == str(dataset.questions["question_id"].iloc[0])

        def run_model() -> HeadlineDetail:
            # The project's answer, stated by every output, and the in-time forecasts its rule
            # scored, which the reliability diagram shows.
            with _step(log, 2, "ran the model", run_started):
                return headline_detail(dataset, case)

        # With kept kernels, the model runs before the notebooks start: a kept kernel reaches
        # notebook 04's headline in half a second and would compute it again, where it now
        # reads it from the store. A fresh kernel takes longer to start than the model takes.
        detail = run_model() if kernels is not None else None
        # The kernels are processes of their own: they run while this one draws the charts.
        steps = "step 3 runs" if detail is not None else "steps 2 and 3 run"
        log(f"      step 4 starts now: the notebooks run in their kernels while {steps}")
        started = time.perf_counter()
        load_kernel_modules()
        with ThreadPoolExecutor(max_workers=1) as background:
            notebooks = background.submit(
                _write_notebooks,
                notebooks_dir,
                staging / "notebooks",
                data_dir,
                case,
                banner,
                footer,
                # Inside the main report, the record's notebooks are the main report's pages;
                # another question's report built alone leaves them out.
                "../notebooks" if links else RECORD_HERE if main_report else RECORD_LEFT_OUT,
                kernels,
            )

            def notebooks_failed() -> bool:
                return notebooks.done() and notebooks.exception() is not None

            if detail is None:  # fresh kernels: the model runs while they start
                detail = run_model()
            answer = detail.headline
            with _step(log, 3, "drew and wrote the charts and the scenario table", run_started):
                written = write_report_figures(
                    dataset,
                    view,
                    detail,
                    staging / "figures",
                    notebooks_failed,
                    MAIN_FORMATS if main_report else QUESTION_FORMATS,
                )
                if notebooks_failed():
                    notebooks.result()  # raises its ReportError before this step is reported
                # The question's own rows only: another case's dated scenarios stay out.
                own = whatif.question_rows(view.scenario_table, view.facts)
                write_text_atomically(staging / SCENARIO_TABLE, whatif.table_csv(own, answer))
                table = scenario_rows(own)
            pages, timings = notebooks.result()
        log(_step_line(4, "executed and rendered the notebooks", started, run_started))
        for line in timings:
            log(line)
        write_text_atomically(staging / MARKER, MARKER_TEXT)
        if main_report:  # every question scored together, linked from the main page
            write_track_record(staging, data_dir)
        with _step(log, 5, "wrote index.html", run_started):
            from analysis.record import timeline

            key = timeline.marker_key(
                timeline.case_chart(dataset.events, dataset.actors, view.facts)
            )
            page = render_index(
                dataset,
                view.facts,
                table,
                sorted(written),
                pages,
                answer,
                whatif.whatif_grid(view),
                key,
                footer,
                question_links=links,
                track_record=TRACK_RECORD_PAGE if main_report else None,
            )
            write_text_atomically(staging / "index.html", page)

    _publish(output_dir, build)
    log(f"report written to {output_dir}/index.html")
    return dataset


def write_track_record(output_dir: Path, data_dir: Path | None = None) -> Path:
    """Write ``track_record.html`` and ``track_record.csv`` (every question, its ledger
    forecast, outcome and scores, ``analysis.engine.track_record``) into ``output_dir`` (the live
    report or its staging folder), each file replaced atomically; each question links to its
    report where ``output_dir`` holds one."""
    from analysis.engine import track_record
    from analysis.engine.ledger import read_frozen
    from analysis.pages import track_record_page

    source = paths.DATA_DIR if data_dir is None else data_dir
    dataset = load_dataset(source)
    ledger = source / "forecasts.csv"  # a data folder without a ledger has no forecast yet
    frozen = read_frozen(ledger) if ledger.is_file() else []
    table = track_record.track_record(dataset, frozen)
    main = str(dataset.questions["question_id"].iloc[0])
    links = {
        q: f"{q}/index.html"
        for q in table["question_id"]
        if q != main and (output_dir / q / "index.html").exists()
    }
    links[main] = "index.html"
    bins = track_record.reliability(table)
    figure = None
    if bins is not None:  # drawn only when some bin holds both outcomes
        from analysis.charts import scoring as scoring_charts

        folder = output_dir / "figures"
        folder.mkdir(exist_ok=True)
        stem = "track_record_reliability"
        write_figures({stem: lambda: scoring_charts.plot_reliability(bins)}, folder)
        figure = f"figures/{stem}.svg"
    page = track_record_page.render(table, track_record.summary(table), links, figure)
    files.write_text_atomically(output_dir / "track_record.csv", table.to_csv(index=False))
    return files.write_text_atomically(output_dir / TRACK_RECORD_PAGE, page)


def build_gallery(
    output_dir: Path = paths.REPORTS_DIR,
    data_dir: Path | None = None,
    log: Log = print,
    kernels: KeptKernels | None = None,
) -> list[tuple[str, str]]:
    """Build the report of every question of questions.csv but the main one into
    ``output_dir/<question_id>/`` (the main report must exist there), GALLERY_WORKERS at a
    time, then the track record page. Each question's progress lines start with its id. A
    question that fails is logged with its reason and leaves the others whole; returns
    [(question_id, reason)] of the failures, in the order of questions.csv. A question the
    report refuses in one line (NothingToScoreError) is logged, left unlinked, and is no
    failure. The questions' notebooks run in the kept kernels of ``kernels`` (fresh ones
    without)."""

    dataset = load_dataset(paths.DATA_DIR if data_dir is None else data_dir)

    def build(question: str) -> tuple[str, str] | None:
        log(f"gallery: building {question} into {output_dir / question}")
        try:
            build_report(
                output_dir=output_dir / question,
                data_dir=data_dir,
                log=lambda line: log(f"{question} {line}"),
                case=question,
                kernels=kernels,
            )
        except NothingToScoreError as error:
            # A stated refusal, not a failure: the question stays in the ledger and on the
            # track record page, unlinked, and the reason is said.
            log(f"gallery: {question} has no report of its own: {error}")
        except Exception as error:  # noqa: BLE001 - one question's failure, whatever it is,
            # is named with its reason and leaves the other reports whole (issue 22)
            reason = f"{type(error).__name__}: {error}"
            log(f"gallery: {question} failed: {reason}; the other reports are whole")
            return question, reason
        return None

    pool = ThreadPoolExecutor(max_workers=GALLERY_WORKERS)
    try:
        built = list(pool.map(build, [str(q) for q in dataset.questions["question_id"]][1:]))
    finally:
        pool.shutdown(cancel_futures=True)  # after Ctrl-C, no question starts any more
    write_track_record(output_dir, data_dir)
    return [failure for failure in built if failure is not None]
