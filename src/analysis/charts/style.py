"""The one home of the charts' look and of how tables read: palette, hatches, markers, the
label map of codes in words (``analysis.words``), rcParams, readable tables.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies; every
colour encoding is doubled by a marker shape or a hatch so the charts also read in grey print.
Every chart module takes its colours, hatches, markers and labels from here.
"""

from __future__ import annotations

import functools
import math
import os
import sys
import warnings
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from analysis.words import label

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
# The article's two factors, and events that bear on neither.
FACTOR_COLORS = {
    "pressure": OKABE_ITO["blue"],
    "tension": OKABE_ITO["vermillion"],
    "neither": OKABE_ITO["grey"],
}
FACTOR_MARKERS = {"pressure": "s", "tension": "^", "neither": "o"}
# Hatches double the factor colours, so the charts read in grey print.
FACTOR_HATCHES = {"pressure": "//", "tension": "\\\\", "neither": ""}


OUTCOME_COLORS = {
    "returned": OKABE_ITO["vermillion"],
    "reached_south_or_third_country": OKABE_ITO["blue"],
    "freed_in_china": OKABE_ITO["sky_blue"],
    "left_legally": OKABE_ITO["green"],
    "mixed": OKABE_ITO["purple"],
    "died_in_custody": OKABE_ITO["black"],
    "unknown": OKABE_ITO["grey"],
}
OUTCOME_MARKERS = {
    "reached_south_or_third_country": "o",
    "freed_in_china": "^",
    "left_legally": "v",
    "mixed": "D",
    "died_in_custody": "P",
    "returned": "s",
    "unknown": "X",
}
# The waterfall's steps: the base rate, each factor's shift, the result.
STEP_COLORS = {
    "base": OKABE_ITO["grey"],
    "pressure": FACTOR_COLORS["pressure"],
    "tension": FACTOR_COLORS["tension"],
    "result": OKABE_ITO["black"],
}
STEP_HATCHES = {"base": "", **FACTOR_HATCHES, "result": ""}
# The tornado's two ends of each input's 80% range.
RANGE_END_COLORS = {"low": OKABE_ITO["orange"], "high": OKABE_ITO["sky_blue"]}
RANGE_END_HATCHES = {"low": "xx", "high": ""}
# Scenarios on the plane chart, in table order.
SCENARIO_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
# The expected-return windows: the article's line and HRW's.
WINDOW_LINESTYLES = {"article": "--", "hrw": (0, (4, 1, 1, 1))}
DETENTION_SHADE = "#E8E8E8"
DETENTION_HATCH = "///"  # the detention's dated window on the factor chart
UNKNOWN_HATCH = "////"  # the time after the last status report: outcome not on record
WINDOW_HATCH = "\\\\\\"  # the expected-return bands

RC_PARAMS = {
    # Every string on a chart is drawn as written: data text such as "US$5 and US$10" or
    # "Price $^$" would otherwise be read as mathtext (garbled, or a parse error that stops the
    # report). Text objects read this when they are created, so it holds inside ``context()``
    # and, after ``apply()``, in the notebooks. No chart uses mathtext.
    "text.parse_math": False,
    # A fixed salt keeps SVG element ids the same from run to run.
    "svg.hashsalt": "shenyang-scenarios",
    "svg.fonttype": "path",
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "legend.frameon": False,
}
# No creation date, no software version: the same figure gives the same bytes.
STABLE_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
}


# Fixed table widths: the notebooks' stored outputs must not depend on a terminal's size.
PANDAS_OPTIONS = {
    "display.max_colwidth": 90,
    "display.width": 120,
    "display.max_columns": 20,
    "display.max_rows": 100,
    "display.precision": 3,
}


def context() -> mpl.rc_context:
    """The house rcParams for the ``with`` block that creates and draws a figure."""
    return mpl.rc_context(RC_PARAMS)


# --- text that stays inside the image: the report saves each figure at its own size, so a
# title or legend wider than the figure is cut at its edge (a case's label makes titles long).
TITLE_MARGIN = 0.4  # inches kept free at each side of a title's longest line
LEGEND_MARGIN = 0.2  # inches kept free at each side of a figure legend


@functools.lru_cache(maxsize=4096)  # a chart's titles come again for every question
def text_width(text: str, font: FontProperties) -> float:
    """The width of one line of ``text`` in ``font``, in points (as drawn, any renderer)."""
    width, _height, _descent = text_to_path.get_text_width_height_descent(text, font, False)
    return width


def wrap_to_width(text: str, font: FontProperties, width: float) -> str:
    """``text`` with each of its lines broken at spaces into lines at most ``width`` points
    wide in ``font``, each holding as many words as fit (a single word wider than ``width``
    keeps a line of its own); text that fits comes back unchanged."""
    lines = []
    for line in text.split("\n"):
        if text_width(line, font) <= width:  # most lines: one measure, not one a word
            lines.append(line)
            continue
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and text_width(candidate, font) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return "\n".join(lines)


def fit_titles(figure: Figure) -> Figure:
    """Break the figure's title and every Axes' titles into lines no wider than the figure
    less TITLE_MARGIN at each side; returns ``figure``. Done once when the chart is made:
    matplotlib's own ``wrap=True`` measures the words again at every draw."""
    width = (figure.get_figwidth() - 2 * TITLE_MARGIN) * 72
    titles = [figure._suptitle] + [
        title for axes in figure.axes for title in (axes.title, axes._left_title, axes._right_title)
    ]
    for title in titles:
        if title is not None and title.get_text():
            title.set_text(wrap_to_width(title.get_text(), title.get_fontproperties(), width))
    return figure


def legend_columns(labels: list[str], fontsize: float, figure_width: float, most: int) -> int:
    """The most columns (1 to ``most``) a figure legend of ``labels`` at ``fontsize`` points
    can have and still fit in ``figure_width`` inches less LEGEND_MARGIN at each side. Entries
    fill the columns as matplotlib fills them (top to bottom, the first columns one longer);
    each column is as wide as its widest entry, its handle and padding in matplotlib's
    default sizes (font sizes), with the default gap between columns."""
    font = FontProperties(size=fontsize)
    handle = (mpl.rcParams["legend.handlelength"] + mpl.rcParams["legend.handletextpad"]) * fontsize
    entries = [text_width(text, font) + handle for text in labels]
    gap = mpl.rcParams["legend.columnspacing"] * fontsize
    room = (figure_width - 2 * LEGEND_MARGIN) * 72
    for columns in range(min(most, len(entries)), 1, -1):
        rows, longer = divmod(len(entries), columns)
        sizes = [rows + 1] * longer + [rows] * (columns - longer)
        starts = np.cumsum([0, *sizes[:-1]])
        widths = [max(entries[a : a + n]) for a, n in zip(starts, sizes, strict=True)]
        if sum(widths) + gap * (columns - 1) <= room:
            return columns
    return 1


# Set by the report's kernels: its HTML pages wrap long text, so tables there show it whole;
# the committed notebooks keep fixed widths (their stored outputs must match nbval's runs).
FULL_TEXT_VARIABLE = "ANALYSIS_FULL_TEXT"


def apply() -> None:
    """Set the project's matplotlib and pandas display style (notebooks call it first); in
    IPython, tables and series are shown readable (``readable``), and in a kernel, figures as
    the report saves them (``show_figures_whole``)."""
    mpl.rcParams.update(RC_PARAMS)
    for option, value in PANDAS_OPTIONS.items():
        pd.set_option(option, value)
    if os.environ.get(FULL_TEXT_VARIABLE):
        pd.set_option("display.max_colwidth", None)
    show_figures_whole()  # first: choosing the figure formats drops every Figure formatter
    register_readable_tables()


def show_figures_whole() -> None:
    """In a Jupyter kernel, show each figure at its own size, as the report saves it, not
    cropped to what is drawn (matplotlib-inline's ``bbox_inches="tight"``, which lays the
    figure out once more before each image). The charts keep inside their figures
    (``fit_titles``, ``legend_columns``), so nothing is cut. The kernel's chosen formats stay
    (none, in the runs that compare only text)."""
    if "ipykernel" not in sys.modules:
        return
    from IPython import get_ipython
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib_inline.config import InlineBackend

    shell = get_ipython()
    if shell is None:
        return
    config = InlineBackend.instance(parent=shell)
    # Kept in the backend's settings, so a later ``%matplotlib inline`` keeps it too; the
    # change wakes an observer that matplotlib-inline still declares in traitlets' old style,
    # whose DeprecationWarning is theirs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        config.print_figure_kwargs = {**config.print_figure_kwargs, "bbox_inches": None}
    select_figure_formats(shell, config.figure_formats, **config.print_figure_kwargs)


# --- tables as a reader sees them: counts as whole numbers, missing values as an en dash,
# codes in words (``label``), no meaningless 0..n index, no dtype line. ``readable`` turns any
# DataFrame or Series into a table of text; ``apply`` makes IPython show every table that way.

MISSING = "\u2013"  # an en dash
DECIMALS = 3  # at most, as the notebooks' display precision


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array in a cell
        return False


def _decimals(values: np.ndarray) -> int:
    """The fewest decimals (0 to DECIMALS) that show every value of ``values`` as it is."""
    for decimals in range(DECIMALS + 1):
        if np.allclose(values, np.round(values, decimals), rtol=0, atol=1e-9):
            return decimals
    return DECIMALS


def _column_text(column: pd.Series) -> list[str]:
    """One column's cells as text; numbers with the fewest decimals that show them all, so
    counts read ``41``, not ``41.0``."""
    present = column[~column.map(_is_missing)]
    numbers = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if numbers and len(present):
        decimals = _decimals(present.to_numpy(dtype=float))
        return [MISSING if _is_missing(v) else f"{float(v):.{decimals}f}" for v in column]
    return [_cell_text(v) for v in column]


def _cell_text(value: Any) -> str:
    if _is_missing(value) or (isinstance(value, str) and not value.strip()):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else str(value)
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.{_decimals(np.array([value]))}f}"
    return label(value)


def _header(name: object) -> str:
    if isinstance(name, tuple):
        return " ".join(_header(part) for part in name if str(part))
    return label(name)


def readable(table: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """``table`` as text for a reader, on a fresh 0..n index that is not to be shown: a Series
    becomes a table (its index a column); a named or non-integer index becomes the first
    column(s); an unnamed integer index (row numbers) is dropped."""
    frame = table.to_frame() if isinstance(table, pd.Series) else table.copy()
    index = frame.index
    keep = any(name is not None for name in index.names) or not pd.api.types.is_integer_dtype(index)
    frame = frame.reset_index() if keep else frame.reset_index(drop=True)
    frame.columns = [_header(name) for name in frame.columns]
    return pd.DataFrame(
        {number: _column_text(frame.iloc[:, number]) for number in range(frame.shape[1])}
    ).set_axis(list(frame.columns), axis=1)


def to_text(table: pd.DataFrame | pd.Series) -> str:
    """``readable(table)`` as plain text, without the index."""
    return readable(table).to_string(index=False)


def to_html(table: pd.DataFrame | pd.Series) -> str:
    """``readable(table)`` as an HTML table (escaped), without the index."""
    return readable(table).to_html(index=False)


def register_readable_tables() -> None:
    """Show every DataFrame and Series in this IPython session through ``readable``, and every
    figure's text as ``describe_figure`` (the notebook pages' alt text for its image); outside
    IPython, nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for kind in (pd.DataFrame, pd.Series):
        formatters["text/html"].for_type(kind, to_html)
        formatters["text/plain"].for_type(kind, lambda table, p, _cycle: p.text(to_text(table)))
    formatters["text/plain"].for_type_by_name(
        "matplotlib.figure", "Figure", lambda figure, p, _cycle: p.text(describe_figure(figure))
    )


def describe_figure(figure: Any) -> str:
    """A chart in words, for a reader who cannot see it: ``Chart: `` and its titles as drawn
    (the figure's, then each panel's, each once, joined by ``; ``); matplotlib's own text
    (``<Figure size ...>``) for a figure without a title."""
    titles = [figure.get_suptitle()] + [
        axes.get_title(loc) for axes in figure.axes for loc in ("left", "center", "right")
    ]
    # Each title's words on one line, without its closing stop: the joins punctuate them.
    shown = dict.fromkeys(
        " ".join(title.split()).rstrip(".;:") for title in titles if title.strip()
    )
    return f"Chart: {'; '.join(shown)}" if shown else repr(figure)
