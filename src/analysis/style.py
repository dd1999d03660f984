"""One look for every chart, and byte-stable figure files.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies; every
colour encoding is doubled by a marker shape or a hatch so the charts also read in grey print.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure

from analysis.files import write_atomically

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
OUTCOME_COLORS = {
    "returned": OKABE_ITO["vermillion"],
    "released": OKABE_ITO["blue"],
    "mixed": OKABE_ITO["purple"],
    "unknown": OKABE_ITO["grey"],
}

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


def apply() -> None:
    """Set the project's matplotlib and pandas display style (notebooks call it first)."""
    mpl.rcParams.update(RC_PARAMS)
    for option, value in PANDAS_OPTIONS.items():
        pd.set_option(option, value)


def save_figure(
    figure: Figure, stem: Path, formats: tuple[str, ...] = ("png", "svg")
) -> list[Path]:
    """Write ``figure`` as ``stem.png`` and ``stem.svg``, each atomically; returns the paths."""
    with mpl.rc_context(RC_PARAMS):
        return [
            write_atomically(
                stem.with_suffix(f".{fmt}"),
                lambda temporary, fmt=fmt: figure.savefig(
                    temporary, format=fmt, metadata=STABLE_METADATA[fmt]
                ),
            )
            for fmt in formats
        ]
