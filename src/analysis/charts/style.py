"""The one home of the charts' look: palette, hatches, markers, label maps, rcParams.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies; every
colour encoding is doubled by a marker shape or a hatch so the charts also read in grey print.
Every chart module takes its colours, hatches, markers and labels from here.
"""

from __future__ import annotations

import os

import matplotlib as mpl
import pandas as pd

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
# The events' factors in words (legends, panel labels).
FACTOR_LABELS = {
    "pressure": "pressure on Beijing",
    "tension": "Beijing-Pyongyang tension",
    "neither": "neither factor",
}
# The cases' outcomes in words (legends); a code missing here is shown with spaces.
OUTCOME_LABELS = {
    "returned": "returned to North Korea",
    "released": "released",
    "reached_south_or_third_country": "reached South Korea or a third country",
    "freed_in_china": "freed in China",
    "left_legally": "left China legally",
    "mixed": "mixed outcome",
    "died_in_custody": "died in custody",
    "unknown": "outcome unknown",
}
# The cases' coded columns in words (the subgroup chart's row labels).
CASE_COLUMN_LABELS = {
    "onset": "onset",
    "campaign": "campaign",
    "pressure_level": "pressure",
    "tension_level": "tension",
    "period": "period",
}
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


# Set by the report's kernels: its HTML pages wrap long text, so tables there show it whole;
# the committed notebooks keep fixed widths (their stored outputs must match nbval's runs).
FULL_TEXT_VARIABLE = "ANALYSIS_FULL_TEXT"


def apply() -> None:
    """Set the project's matplotlib and pandas display style (notebooks call it first)."""
    mpl.rcParams.update(RC_PARAMS)
    for option, value in PANDAS_OPTIONS.items():
        pd.set_option(option, value)
    if os.environ.get(FULL_TEXT_VARIABLE):
        pd.set_option("display.max_colwidth", None)
