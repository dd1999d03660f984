"""The report, and the one writer: validate the data, write the figures and the scenario
table, execute every notebook in a fresh kernel, render each to HTML, and write ``index.html``.

Every file the project writes is written here (the numbers and chart modules only return data
and Figures). The report is about one question (``--case``, default the Shenyang eight): the
notebooks get it papermill-style, as a cell injected after their ``parameters`` cell.
Everything is built in a staging folder beside the output folder and swapped in only when the
whole build succeeded (``_publish``), so a failed or interrupted run leaves the previous report
whole. The committed notebooks and the data folder are only read. Text from the tables is
HTML-escaped.
"""

from __future__ import annotations

import copy
import csv
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
from urllib.parse import urlsplit

import matplotlib
import nbformat
import numpy as np
import pandas as pd
from jinja2 import DictLoader
from matplotlib.figure import Figure
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

from analysis import files, paths
from analysis.case import DEFAULT_CASE, CaseFacts
from analysis.charts.style import FULL_TEXT_VARIABLE
from analysis.data import Dataset, load_dataset
from analysis.files import write_atomically, write_text_atomically
from analysis.forecast import CaseForecast, case_forecast
from analysis.headline import Headline, Signpost, headline
from analysis.record import source_coverage

Log = Callable[[str], None]
CELL_TIMEOUT_SECONDS = 600
STEPS = 5
SCENARIO_TABLE = "scenario_table.csv"
# The report's figures in the order the index shows them; captions take the question's facts.
FIGURE_CAPTIONS = {
    "case_timeline": "The case day by day: events in the lane of their first actor, the time "
    "the group is known to have been held, and the expected-return windows ({article} per the "
    "article, {hrw} per HRW). Numbered markers are keyed in the table below.",
    "context_timeline": "The case in its period: events that raised or lowered pressure on "
    "Beijing and Beijing-Pyongyang tension, by strength; close events of one strength are "
    "merged into one marker with a count.",
    "factors": "The two factor levels the model reads, computed from the events, with the "
    "detention and the forecast date.",
    "scenarios_waterfall": "From the base rate to the forecast for the case as of {as_of}: "
    "how much each factor moves the chance of release.",
    "scenarios_plane": "The model's chance of release for every mix of pressure and tension "
    "(colour scale fitted to the range the map spans), with the past cases and the named "
    "scenarios; a thick line would mark even odds, drawn only where the model reaches them.",
    "scenarios_tornado": "Sensitivity: how far each input, moved across its 80% range, moves the "
    "forecast; each bar's ends are labelled in the input's own unit.",
    "scenarios_timing": "The chance of a return by each day since detention, against the "
    "article's and HRW's windows, and the same given the group was still held at its last "
    "report.",
}
# What each chart shows, for readers who cannot see it (the figures' alt text).
FIGURE_ALT = {
    "case_timeline": "Timeline of the case from March to May 2017: one row per actor group "
    "with the case's events as markers, the detention period shaded, two bars for the "
    "expected-return windows and the unknown outcome after the last status report hatched.",
    "context_timeline": "Three stacked panels from 2006 to 2018, one per factor, with events "
    "drawn at their strength; most events crowd into 2016-2018, around the case.",
    "factors": "Two lines over 2016 to 2018: the pressure and tension levels rise in spring "
    "2017, around the detention, and fade by late 2018.",
    "scenarios_waterfall": "Waterfall bars: the base rate of release, the push of pressure and "
    "of tension, and the resulting forecast.",
    "scenarios_plane": "A square map of the chance of release, low pressure and tension at the "
    "bottom left, higher towards the top right, with the past cases and the named scenarios "
    "as markers.",
    "scenarios_tornado": "Horizontal bars, widest on top, showing how far the chance of "
    "release moves as each input goes from the low to the high end of its 80% range.",
    "scenarios_timing": "Rising curves of the chance of a return by each day since detention, "
    "with vertical lines at the article's and HRW's expected windows.",
}
# The what-if's precomputed grid: factor levels 0-1 and weights in log-odds per unit, on steps
# of 0.1 (53,361 points, about 160 kB of inline JSON as whole percentages).
WHATIF_LEVELS = tuple(round(0.1 * step, 1) for step in range(11))
WHATIF_WEIGHTS = tuple(round(-0.5 + 0.1 * step, 1) for step in range(21))
# No creation date, no software version: the same figure gives the same bytes.
STABLE_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
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


def inject_parameters(notebook: nbformat.NotebookNode, case: str) -> nbformat.NotebookNode:
    """Papermill's convention: a cell tagged ``injected-parameters`` setting ``CASE`` right
    after the cell tagged ``parameters`` (at the top when there is none)."""
    cell = nbformat.v4.new_code_cell(f"CASE = {case!r}")
    cell.metadata["tags"] = ["injected-parameters"]
    tagged = [
        index
        for index, each in enumerate(notebook.cells)
        if "parameters" in each.get("metadata", {}).get("tags", [])
    ]
    notebook.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    return notebook


def execute_notebook(
    source: Path, kernel_cwd: Path, data_dir: Path, case: str | None = None,
    full_text: bool = False,
) -> nbformat.NotebookNode:  # fmt: skip
    """Run a notebook top to bottom in a fresh kernel in ``kernel_cwd``, reading ``data_dir``;
    with ``case`` other than the default, about that question (injected after the
    ``parameters`` cell, so cell numbers then count the injected cell); with ``full_text``,
    tables show long text whole (for the HTML pages, which wrap it).

    Raises ReportError naming the notebook and the 1-based cell number that failed.
    """
    notebook = nbformat.read(source, as_version=4)
    if case is not None and case != DEFAULT_CASE:  # the default is the notebooks' own
        notebook = inject_parameters(notebook, case)
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
    if full_text:
        kernel_env[FULL_TEXT_VARIABLE] = "1"
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


# ``body .jp-Cell`` makes these rules outrank JupyterLab's own right-aligned table rules.
NOTEBOOK_CSS = """
body .jp-Cell .jp-RenderedHTMLCommon td, body .jp-Cell .jp-RenderedHTMLCommon th,
body .jp-Cell .jp-RenderedHTMLCommon tr {
  text-align: left; vertical-align: top; white-space: normal; max-width: 36rem; }
.kernel-note { border: 1px solid #ccc; background: #f7f7f7; padding: 0.5rem 0.8rem; }
"""
# The notebook pages' template: JupyterLab's, minus everything it loads from the internet
# (require.js, MathJax, mermaid, the widget manager), so a page works offline, whole. Widget
# outputs need a running kernel: the page says so and points to the index page's what-if.
OFFLINE_TEMPLATE = (
    "{%- extends 'lab/index.html.j2' -%}\n"
    "{%- block html_head_js -%}{%- endblock html_head_js -%}\n"
    "{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
    "{%- block extra_css -%}<style>" + NOTEBOOK_CSS + "</style>{%- endblock extra_css -%}\n"
    "{%- block data_widget_view -%}\n"
    '<div class="jp-OutputArea-output kernel-note"><p>The sliders of this what-if need a '
    "running Jupyter kernel (<code>make lab</code>). Offline, use the "
    '<a href="../index.html#whatif">what-if on the report\'s front page</a>, which reads a '
    "precomputed grid of the same model.</p></div>\n"
    "{%- endblock data_widget_view -%}\n"
    "{%- block footer -%}{{ super() }}{%- endblock footer -%}\n"
)
RANGE_INDEX_ROW = re.compile(r"(<tr[^>]*>)\s*<th>(\d+)</th>")


def drop_range_index(table: str) -> str:
    """A pandas HTML table without its index when the index is only 0, 1, 2, ... (it means
    nothing to a reader); any other table is returned as it is."""
    numbers = [int(n) for _, n in RANGE_INDEX_ROW.findall(table.split("<tbody>", 1)[-1])]
    if not numbers or numbers != list(range(len(numbers))) or "<tbody>" not in table:
        return table
    head, body = table.split("<tbody>", 1)
    head = re.sub(r"(<tr[^>]*>)\s*<th></th>", r"\1", head, count=1)
    return head + "<tbody>" + RANGE_INDEX_ROW.sub(r"\1", body)


def codebook_codes(data_dir: Path) -> frozenset[str]:
    """The codes a reader should see in words: the codebook's column names and allowed
    values that join words with underscores (``foreign_mission_entry``)."""
    with (data_dir / "codebook.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    words = {row["column"] for row in rows}
    words |= {value for row in rows for value in row["allowed_values"].split(";")}
    return frozenset(word for word in words if re.fullmatch(r"[a-z]+(?:_[a-z]+)+", word))


def human_codes(table: str, codes: frozenset[str]) -> str:
    """``table`` (HTML) with every cell's codes from ``codes`` written as words."""
    if not codes:
        return table
    word = re.compile(r"(?<![\w.])(" + "|".join(sorted(map(re.escape, codes))) + r")(?![\w.])")

    def cell(match: re.Match[str]) -> str:
        return match.group(1) + word.sub(lambda m: m.group(1).replace("_", " "), match.group(2))

    return re.sub(r"(<t[dh][^>]*>)([^<]*)", cell, table)


def _readable_tables(
    notebook: nbformat.NotebookNode, codes: frozenset[str]
) -> nbformat.NotebookNode:
    """Each HTML table output left-aligned (no pandas right-align style), its 0..n index
    dropped and its codes in words."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html")
            if isinstance(text, str) and 'class="dataframe"' in text:
                text = text.replace(' style="text-align: right;"', "")
                output["data"]["text/html"] = human_codes(drop_range_index(text), codes)
    return notebook


def render_html(notebook: nbformat.NotebookNode, codes: frozenset[str] = frozenset()) -> str:
    """A notebook with its outputs as a standalone HTML page that needs no network, the same
    bytes on every run; tables show ``codes`` (``codebook_codes``) as words.

    The exporter gives each output a fresh uuid4 as its element id; those become sequential
    ids, renamed consistently wherever they appear.
    """
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
        template_file="offline.html.j2",
    )
    body, _ = exporter.from_notebook_node(_readable_tables(copy.deepcopy(notebook), codes))
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


def _write_notebooks(
    notebooks_dir: Path, target: Path, data_dir: Path, case: str, log: Log
) -> dict[str, str]:
    """Execute and render each numbered notebook about ``case``; returns {page file: title}."""
    target.mkdir(parents=True)
    codes = codebook_codes(data_dir)
    pages = {}
    for source in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        started = time.perf_counter()
        notebook = execute_notebook(source, notebooks_dir, data_dir, case, full_text=True)
        nbformat.write(notebook, target / source.name)
        page = source.with_suffix(".html").name
        write_text_atomically(target / page, render_html(notebook, codes))
        pages[page] = _notebook_title(notebook, source.stem)
        log(f"      {source.name} ({time.perf_counter() - started:.1f} s)")
    return pages


def _cell(value: object) -> str:
    """One table cell's text: numbers with two decimals, everything else as text."""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table_html(frame: pd.DataFrame, raw_html: tuple[str, ...] = ()) -> str:
    """An HTML table of ``frame`` with every cell escaped, except the columns ``raw_html``
    (already built from escaped parts)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{v if column in raw_html else html.escape(_cell(v))}</td>"
            for column, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def figure_caption(stem: str, facts: CaseFacts) -> str:
    """The caption of the report's figure ``stem``, with the question's dates and windows."""
    phrases = dict(zip(facts.windows["window"], facts.windows["phrase"], strict=True))
    as_of = f"{facts.as_of.day} {facts.as_of:%B %Y}"
    return FIGURE_CAPTIONS.get(stem, stem).format(as_of=as_of, **phrases)


def base_rate_text(releases: int, cases: int) -> str:
    """A base rate that reads right: "2 of 17 releases; with a uniform prior, 0.16"."""
    noun = "release" if cases == 1 else "releases"
    return f"{releases} of {cases} {noun}; with a uniform prior, {(releases + 1) / (cases + 2):.2f}"


def source_links(urls: tuple[str, ...], publishers: tuple[str, ...]) -> str:
    """Links to an event's sources, named by publisher; only http and https addresses become
    links (anything else is shown as text), each opening with ``rel="noopener"``."""
    links = []
    for number, url in enumerate(urls):
        name = publishers[number] if number < len(publishers) else url
        if urlsplit(url).scheme in ("http", "https"):
            links.append(
                f'<a href="{html.escape(url)}" rel="noopener noreferrer">{html.escape(name)}</a>'
            )
        else:
            links.append(html.escape(f"{name} ({url})"))
    return "; ".join(links)


def _signpost_html(signpost: Signpost) -> str:
    shift = f", by about {signpost.shift:+.2f}" if signpost.shift is not None else ""
    return (
        f"<li>{html.escape(signpost.news)}: {html.escape(signpost.direction)}{shift} "
        f'<span class="basis">({html.escape(signpost.basis)})</span></li>'
    )


def _day_in_words(iso: str) -> str:
    """``2017-04-24`` as "24 April 2017" (any other text is returned as it is)."""
    try:
        day = pd.Timestamp(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def render_bottom_line(headline: Headline) -> str:
    """The index page's boxed bottom line, in words: the forecast and its interval, what it
    rests on, the backtest's verdict, what is on record about the fate, what would change it,
    and the rule behind the number. Every text is escaped; every probability has two decimals."""
    spread = ""
    if headline.n_specifications > 1:
        spread = (
            f" The {headline.n_specifications:,} specifications' central estimates run from "
            f"{headline.spec_low:.2f} to {headline.spec_high:.2f}."
        )
    signposts = "".join(_signpost_html(each) for each in headline.signposts)
    change = f"<p>What would change it:</p><ul>{signposts}</ul>" if signposts else ""
    base = base_rate_text(headline.base_releases, headline.base_cases)
    return f"""<section class="bottom-line" id="bottom-line" aria-labelledby="bottom-line-title">
<h2 id="bottom-line-title">Bottom line</h2>
<p>{html.escape(headline.question)}</p>
<p class="headline-number"><strong>As of {html.escape(_day_in_words(headline.as_of))}: a
{headline.p_release:.2f} chance of release</strong> ({headline.p_release:.0%}), and so
{1 - headline.p_release:.2f} of a return; 80% interval {headline.low:.2f} to
{headline.high:.2f}.{spread}</p>
<p>It rests on {html.escape(headline.reference_class)}: {html.escape(base)}.</p>
<p>Backtest: {html.escape(headline.backtest_verdict)}</p>
<p>{html.escape(headline.outcome_status)}</p>
{change}<p class="basis">How the number is chosen: {html.escape(headline.rule)}</p>
</section>"""


def whatif_grid(view: CaseForecast) -> dict[str, object]:
    """The static what-if's data: the case model's central P(release) over every combination
    of WHATIF_LEVELS (pressure, tension) and WHATIF_WEIGHTS (each weight), in whole
    percentages (0-100), indexed [pressure][tension][w_pressure][w_tension]; ``start`` is the
    grid point nearest the case's own settings."""
    from analysis.model import release_probability

    model, row = view.case_model, view.case_scenario
    p, t, wp, wt = np.meshgrid(WHATIF_LEVELS, WHATIF_LEVELS, WHATIF_WEIGHTS, WHATIF_WEIGHTS,
                               indexing="ij")  # fmt: skip
    grid = np.rint(100 * release_probability(model.base_rate, p, t, wp, wt)).astype(int)

    def nearest(values: tuple[float, ...], value: float) -> int:
        return int(np.argmin(np.abs(np.asarray(values) - value)))

    return {
        "levels": list(WHATIF_LEVELS),
        "weights": list(WHATIF_WEIGHTS),
        "base_rate": round(model.base_rate, 4),
        "start": [
            nearest(WHATIF_LEVELS, row["pressure"]),
            nearest(WHATIF_LEVELS, row["tension"]),
            nearest(WHATIF_WEIGHTS, model.w_pressure),
            nearest(WHATIF_WEIGHTS, model.w_tension),
        ],  # fmt: skip
        "percent_release": grid.tolist(),
    }


WHATIF_SCRIPT = """
(function () {
  var grid = JSON.parse(document.getElementById("whatif-data").textContent);
  var names = ["pressure", "tension", "w_pressure", "w_tension"];
  var inputs = names.map(function (name) { return document.getElementById("whatif-" + name); });
  function show() {
    var at = inputs.map(function (input) { return Number(input.value); });
    inputs.forEach(function (input, i) {
      var values = i < 2 ? grid.levels : grid.weights;
      document.getElementById("whatif-" + names[i] + "-value").textContent =
        values[at[i]].toFixed(2);
    });
    var p = grid.percent_release[at[0]][at[1]][at[2]][at[3]] / 100;
    document.getElementById("whatif-probability").textContent = p.toFixed(2);
    document.getElementById("whatif-return").textContent = (1 - p).toFixed(2);
  }
  inputs.forEach(function (input) { input.addEventListener("input", show); });
  show();
})();
"""


def render_whatif(grid: dict[str, object]) -> str:
    """The static what-if: four range sliders reading the precomputed grid; inline data and
    script only, so it works from a file with no server and no network."""
    start = grid["start"]
    sliders = []
    for i, (name, text) in enumerate((
        ("pressure", "pressure on Beijing (0-1)"), ("tension", "Beijing-Pyongyang tension (0-1)"),
        ("w_pressure", "weight of pressure (log-odds per unit)"),
        ("w_tension", "weight of tension (log-odds per unit)"),
    )):  # fmt: skip
        values = grid["levels"] if i < 2 else grid["weights"]
        sliders.append(
            f'<label for="whatif-{name}">{text}: <output id="whatif-{name}-value"></output>'
            f'</label><input type="range" id="whatif-{name}" min="0" max="{len(values) - 1}" '
            f'step="1" value="{start[i]}">'
        )
    data = json.dumps(grid, separators=(",", ":")).replace("</", "<\\/")
    return f"""<section class="whatif" id="whatif">
<h2>What if: move the inputs</h2>
<p>The article's argument as a model: the expert-weight model's central chance of release
(base rate {grid["base_rate"]:.2f}), precomputed for every combination of these settings on
steps of 0.10, starting at the grid point nearest the case's scenario. It is one specification,
not the bottom line's mixture, so its number can differ from the bottom line's. It works
offline, with no server.</p>
<div class="sliders">{"".join(sliders)}</div>
<p class="whatif-readout">P(release) = <strong id="whatif-probability"></strong>;
P(return) = <span id="whatif-return"></span></p>
<script type="application/json" id="whatif-data">{data}</script>
<script>{WHATIF_SCRIPT}</script>
</section>"""


def data_as_of(dataset: Dataset) -> str:
    """What "data as of" truthfully means: the events' last date and the cases' last date."""
    events_end = dataset.events["date_latest"].max()
    case_dates = pd.concat([dataset.cases["detained_latest"], dataset.cases["outcome_latest"]])
    cases_end = case_dates.max()
    return (
        f"Data as of: the events of the case and its context run to {events_end.day} "
        f"{events_end:%B %Y}; the table of past cases runs to {cases_end.day} {cases_end:%B %Y}."
    )


def _event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The case's events for the index page: when, what, and links to their sources."""
    from analysis.record import date_label

    case = events[events["scope"] == "case"].sort_values(["date", "date_latest", "event_id"])
    return pd.DataFrame(
        {
            "when": [date_label(row) for _, row in case.iterrows()],
            "event": case["title"].astype(str).to_numpy(),
            "what happened": case["description"].astype(str).to_numpy(),
            "sources": [
                source_links(tuple(urls), tuple(names))
                for urls, names in zip(case["source_urls"], case["source_publishers"], strict=True)
            ],
        }
    )


def scenario_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The scenario table for a reader: labels, not ids; two decimals; the base rate in words."""
    return pd.DataFrame(
        {
            "scenario": table["label"].astype(str).to_numpy(),
            "description": table["description"].astype(str).to_numpy(),
            "base rate": [
                base_rate_text(int(k), int(n))
                for k, n in zip(table["releases_counted"], table["cases_counted"], strict=True)
            ],
            "pressure": table["pressure"].astype(float).to_numpy(),
            "tension": table["tension"].astype(float).to_numpy(),
            "P(release)": table["p_release"].astype(float).to_numpy(),
            "80% interval of P(release)": [
                f"{low:.2f} to {high:.2f}"
                for low, high in zip(table["interval_low"], table["interval_high"], strict=True)
            ],
        }
    )


def _figure_html(path: Path, facts: CaseFacts, marker_key: pd.DataFrame) -> str:
    stem = path.stem
    key = ""
    if stem == "case_timeline" and len(marker_key):
        key = (
            '<details open class="marker-key"><summary>Key to the numbered markers</summary>'
            f"{_table_html(marker_key)}</details>"
        )
    return (
        f'<figure id="figure-{html.escape(stem)}"><img src="figures/{html.escape(path.name)}" '
        f'alt="{html.escape(FIGURE_ALT.get(stem, stem))}">'
        f"<figcaption>{html.escape(figure_caption(stem, facts))}</figcaption>{key}</figure>"
    )


INDEX_CSS = """
body { font-family: sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem;
       line-height: 1.45; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f2f2f2; }
figure { margin: 1.5rem 0; }
img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9rem; }
.bottom-line { border: 2px solid #0072B2; border-radius: 4px; padding: 0.5rem 1.2rem;
               background: #f4f9fd; margin: 1.5rem 0; }
.bottom-line h2 { margin-top: 0.5rem; }
.headline-number { font-size: 1.15rem; }
.basis { color: #555; font-size: 0.9rem; }
.whatif { border: 1px solid #ccc; border-radius: 4px; padding: 0.5rem 1.2rem; }
.sliders { display: grid; grid-template-columns: max-content 16rem; gap: 0.4rem 1rem;
           align-items: center; }
.whatif-readout { font-size: 1.15rem; }
"""


def render_index(
    dataset: Dataset,
    facts: CaseFacts,
    scenario_table: pd.DataFrame,
    figures: list[Path],
    pages: dict[str, str],
    headline: Headline,
    whatif: dict[str, object],
    marker_key: pd.DataFrame,
) -> str:
    """The report's front page, its bottom line first. Every text from the data is escaped."""
    shown = {p.stem: p for p in figures if p.suffix == ".svg" and p.parent.name == "figures"}
    figure_html = "".join(
        _figure_html(shown[stem], facts, marker_key) for stem in FIGURE_CAPTIONS if stem in shown
    )
    title = html.escape(str(facts.question["title"]))
    page_links = "".join(
        f'<li><a href="notebooks/{html.escape(page)}">{html.escape(name)}</a></li>'
        for page, name in pages.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{INDEX_CSS}</style>
</head>
<body>
<h1>{title}</h1>
{render_bottom_line(headline)}
<p>{html.escape(str(facts.question["summary"]))}</p>
<p>The question: {html.escape(str(facts.question["question"]))} Forecast as of
{facts.as_of.day} {facts.as_of:%B %Y}.
Resolution: {html.escape(str(facts.question["resolution"]))}</p>
<p>{html.escape(data_as_of(dataset))}</p>

<h2>Scenarios: the chance that China releases rather than returns the group</h2>
{_table_html(scenario_table)}
<p>P(release) is the model at the central value of every input; the interval runs from the 10th
to the 90th percentile of the Monte Carlo draws. The base rate counts the releases among past
detentions with a one-way outcome known by the scenario's date; with a uniform prior it is
(releases + 1) / (cases + 2). The full table, with the median of the draws, is in
<a href="{SCENARIO_TABLE}">{SCENARIO_TABLE}</a>.</p>

{render_whatif(whatif)}

<h2>Key charts</h2>
{figure_html}

<h2>The case, event by event</h2>
{_table_html(_event_table(facts.events), raw_html=("sources",))}

<h2>Notebooks</h2>
<ol>{page_links}</ol>
<p>The notebooks' sliders need a running Jupyter kernel (<code>make lab</code>); on these pages
use the <a href="#whatif">what-if above</a>, which works offline.</p>

<h2>Where the data come from</h2>
{_table_html(source_coverage(dataset))}
<p>Every row of the sourced tables cites at least one public page; the columns are documented
in <code>data/codebook.csv</code>. Rows were written in the project's own words.</p>
</body>
</html>
"""


def save_figure(
    figure: Figure, stem: Path, formats: tuple[str, ...] = ("png", "svg")
) -> list[Path]:
    """Write ``figure`` as ``stem.png`` and ``stem.svg``, each atomically; returns the paths."""
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


def report_figures(dataset: Dataset, view: CaseForecast) -> dict[str, Figure]:
    """The report's charts for the question of ``view``, by file stem (see FIGURE_CAPTIONS).

    The waterfall, tornado and timing are the question's (its as-of model); the plane is
    today's record.
    """
    from analysis import factors, scenarios, sensitivity, timeline
    from analysis.charts import model as model_charts
    from analysis.charts import timeline as timeline_charts
    from analysis.forecast import case_timing

    facts, model, row = view.facts, view.case_model, view.case_scenario
    steps = scenarios.waterfall_steps(
        model.base_rate, row["pressure"], row["tension"], model.w_pressure, model.w_tension
    )
    tornado = sensitivity.tornado(
        model, row["pressure"], row["tension"], dataset.events, facts.as_of
    )
    return {
        "case_timeline": timeline_charts.case_timeline(
            timeline.case_chart(dataset.events, dataset.actors, facts)
        ),
        "context_timeline": timeline_charts.context_timeline(
            timeline.context_chart(dataset.events, facts)
        ),
        "scenarios_waterfall": model_charts.plot_waterfall(
            steps, f"{row['label']}: base rate to forecast"
        ),
        "scenarios_plane": model_charts.plot_plane(
            sensitivity.probability_plane(view.record_model),
            sensitivity.share_release_more_likely(view.record_model),
            view.levels,
            view.reference_cases,
        ),
        "scenarios_tornado": model_charts.plot_tornado(tornado, row["p_release"]),
        "scenarios_timing": model_charts.plot_timing(
            case_timing(view), view.delays, 1.0 - row["p_release"], facts.windows,
            held_until=facts.days_held,
        ),
        "factors": model_charts.plot_factors(
            factors.factor_series(dataset.events, *factor_span(facts)),
            dataset.events,
            (facts.case["detained_date"], facts.case["detained_latest"]),
            facts.as_of,
            str(facts.question["as_of_label"]),
        ),
    }  # fmt: skip


def factor_span(facts: CaseFacts) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The factor chart's span: the calendar year before the detention to the one after."""
    year = facts.detained.year
    return pd.Timestamp(f"{year - 1}-01-01"), pd.Timestamp(f"{year + 1}-12-31")


def write_figures(figures: dict[str, Figure], folder: Path) -> list[Path]:
    """Save each figure as ``folder/stem.png`` and ``.svg``, closing it; returns the paths."""
    import matplotlib.pyplot as plt

    written: list[Path] = []
    for stem, figure in figures.items():
        try:
            written += save_figure(figure, folder / stem)
        finally:
            plt.close(figure)
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


def build_report(
    output_dir: Path = paths.REPORTS_DIR,
    data_dir: Path | None = None,
    notebooks_dir: Path = paths.NOTEBOOKS_DIR,
    log: Log = print,
    case: str = DEFAULT_CASE,
) -> Dataset:
    """Build the whole report about question ``case`` into ``output_dir`` from ``data_dir``
    (default: data/).

    Raises DataValidationError for bad data, ReportError for a failed step and
    case.UnknownCaseError for an unknown case; in every case ``output_dir`` is left as it was.
    Returns the validated data the report was built from.
    """
    # Before any chart module imports pyplot: the non-interactive backend.
    matplotlib.use("agg")
    from analysis import scenarios

    data_dir = (data_dir or paths.DATA_DIR).resolve()
    # Not resolve(): the output folder is a link to its live version, which must not be followed.
    output_dir = output_dir.parent.resolve() / output_dir.name
    check_output_dir(output_dir, data_dir, notebooks_dir)
    with _step(log, 1, "validated the data"):
        dataset = load_dataset(data_dir)
        view = case_forecast(dataset, case)

    def build(staging: Path) -> None:
        with _step(log, 2, "ran the model and drew the charts"):
            figures = report_figures(dataset, view)
            answer = headline(dataset, case)  # the project's answer, stated by every output
        with _step(log, 3, "wrote the scenario table and the charts"):
            written = write_figures(figures, staging / "figures")
            write_text_atomically(
                staging / SCENARIO_TABLE, scenarios.table_csv(view.scenario_table, answer)
            )
            table = scenario_rows(view.scenario_table)
        log(f"[4/{STEPS}] executing the notebooks in fresh kernels ...")
        with _step(log, 4, "executed and rendered the notebooks"):
            pages = _write_notebooks(notebooks_dir, staging / "notebooks", data_dir, case, log)
        write_text_atomically(staging / MARKER, MARKER_TEXT)
        with _step(log, 5, "wrote index.html"):
            from analysis import timeline

            key = timeline.marker_key(
                timeline.case_chart(dataset.events, dataset.actors, view.facts)
            )
            page = render_index(
                dataset, view.facts, table, sorted(written), pages,
                answer, whatif_grid(view), key,
            )  # fmt: skip
            write_text_atomically(staging / "index.html", page)

    _publish(output_dir, build)
    log(f"report written to {output_dir}/index.html")
    return dataset
