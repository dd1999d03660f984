"""The measured series over 2001-2025 with the cases marked by outcome and route: a Figure from
``analysis.engine.measured.measures_on`` and ``analysis.engine.measured.case_measures``."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import OKABE_ITO

PANELS = (
    ("unga_all", "UNGA agreement\n(share, past year)"),
    ("trade", "trade, latest\npublished year\n(USD million)"),
    ("contacts", "leader and FM\ncontacts\n(past year)"),
    ("unsc", "UNSC texts China\nvoted for\n(past year)"),
)
OUTCOME_STYLE = {
    "reached_south_or_third_country": (OKABE_ITO["blue"], "released"),
    "returned": (OKABE_ITO["vermillion"], "returned"),
}
OTHER_OUTCOME = (OKABE_ITO["grey"], "other or unknown")
ROUTE_MARKERS = {
    "arrest or raid": "s",
    "border crossing": "v",
    "mission entry": "^",
    "third-country handover": "D",
    "other or unknown": "o",
}


@styled
def plot_measured_series(series: pd.DataFrame, cases: pd.DataFrame) -> Figure:
    """Four panels of measured series (each as of the day: nothing later enters), and a strip
    of the dated cases: colour by outcome, marker by route. No series is the project's coding."""
    figure = new_figure((8.5, 7.0), layout="constrained", axes=False)
    grid = figure.subplots(len(PANELS) + 1, 1, sharex=True)
    for axes, (name, label) in zip(grid, PANELS, strict=False):
        axes.plot(series["day"], series[name], color=OKABE_ITO["black"], linewidth=1.2)
        axes.set_ylabel(label, fontsize=7)
    grid[0].set_title("Measured China-DPRK series (nobody's coding) and the cases, 2001-2025")
    strip = grid[-1]
    for route, marker in ROUTE_MARKERS.items():
        for outcome, (color, _) in {**OUTCOME_STYLE, None: OTHER_OUTCOME}.items():
            at = cases["route"] == route
            if outcome is None:
                at &= ~cases["outcome"].astype(str).isin(list(OUTCOME_STYLE))
            else:
                at &= cases["outcome"].astype(str) == outcome
            rows = cases[at]
            offset = list(ROUTE_MARKERS).index(route)
            strip.scatter(
                rows["detained_date"],
                [offset] * len(rows),
                color=color,
                marker=marker,
                s=28,
                zorder=3,
            )
    strip.set_yticks(range(len(ROUTE_MARKERS)), list(ROUTE_MARKERS), fontsize=7)
    strip.set_ylim(-0.7, len(ROUTE_MARKERS) - 0.3)
    for color, label in (*OUTCOME_STYLE.values(), OTHER_OUTCOME):
        strip.scatter([], [], color=color, marker="o", label=label)
    strip.legend(loc="upper center", bbox_to_anchor=(0.5, -0.45), fontsize=7, ncol=3)
    strip.set_xlabel("detention day (cases); as-of day (series)")
    strip.set_xlim(pd.Timestamp("2001-01-01"), pd.Timestamp("2025-12-31"))
    return figure
