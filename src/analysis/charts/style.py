"""The one home of the charts' look: palette, hatches, markers, label maps, rcParams.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies; every
colour encoding is doubled by a marker shape or a hatch so the charts also read in grey print.
Every chart module takes its colours, hatches, markers and labels from here.
"""

from __future__ import annotations

import os
import re

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
# The multiverse's analysis choices (``multiverse.CHOICES``) and their values in words.
CHOICE_LABELS = {
    "reference_class": "reference class",
    "shenyang_six": "2006 Shenyang six",
    "kim_visit_2018": "2018 Kim-visit arrests",
    "outcome": "outcome definition",
    "prior": "prior",
    "formulation": "formulation",
    "pressure": "pressure construct",
    "factor_rule": "factor rule",
    "coder": "coder",
}
CHOICE_VALUE_LABELS = {
    "china_decided": "decided by China",
    "plus_missions": "plus foreign missions",
    "plus_third_country": "plus third countries",
    "without_covid": "without the COVID years",
    "mission_attempt": "a mission attempt",
    "detention": "a detention",
    "in": "in",
    "out": "out",
    "strict": "strict",
    "any_non_return": "any non-return as release",
    "uniform": "uniform",
    "jeffreys": "Jeffreys",
    "base_only": "base rate only",
    "expert": "expert weights",
    "expert_centred": "expert weights, centred",
    "ridge": "ridge fit",
    "pooled": "pooled fit",
    "case_coded": "as coded per case",
    "event_detainees": "events over the detainees",
    "codebook": "codebook rule",
    "half_life_30": "half-life 30 days",
    "half_life_120": "half-life 120 days",
    "half_scale_3": "half-scale 3",
    "half_scale_12": "half-scale 12",
    "first": "first coder",
    "second": "second coder",
}
# Every code a reader may meet, in words: one map for tables and charts alike. Only the
# ``snake_case`` codes: a single word ("unknown", "detention") means other things in other columns.
CODE_LABELS = {
    code: words
    for code, words in {**CHOICE_VALUE_LABELS, **CHOICE_LABELS, **OUTCOME_LABELS}.items()
    if "_" in code
}
SNAKE_CODE = re.compile(r"[a-z]+(?:_[a-z0-9]+)+")


def label(code: object) -> str:
    """A code in words (CODE_LABELS); any other ``snake_case`` code with spaces for its
    underscores; anything else as text."""
    text = str(code)
    return CODE_LABELS.get(text, text.replace("_", " ") if SNAKE_CODE.fullmatch(text) else text)


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
    """Set the project's matplotlib and pandas display style (notebooks call it first); in
    IPython, tables and series are shown readable (``analysis.display``)."""
    mpl.rcParams.update(RC_PARAMS)
    for option, value in PANDAS_OPTIONS.items():
        pd.set_option(option, value)
    if os.environ.get(FULL_TEXT_VARIABLE):
        pd.set_option("display.max_colwidth", None)
    from analysis import display

    display.register()
