"""The backtest's picture: a reliability diagram of the in-time forecasts, one or more variants.

It takes ``scoring.reliability_table``'s result and draws nothing it was not given: each bin's
observed share of releases at the bin's mean forecast, with its binomial interval, the
diagonal of perfect calibration, and below it the number of cases in each bin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import OKABE_ITO, SCENARIO_MARKERS

# One colour and one marker shape per variant, in table order: the shapes alone tell them apart
# in grey print, and hollow markers let two variants on the same spot both show.
VARIANT_COLORS = tuple(
    OKABE_ITO[name] for name in ("blue", "vermillion", "green", "orange", "purple", "sky_blue")
)
VARIANT_HATCHES = ("", "////", "\\\\\\", "xxx", "...", "+++")  # the count bars, in grey print
METHOD_NAMES = {"exact": "Clopper-Pearson", "wilson": "Wilson"}


def reliability_title(table: pd.DataFrame) -> tuple[str, str]:
    """The chart's title and note, from the table: cases and releases per variant, and what a
    one-sided record means for the picture."""
    first = table[table["variant"] == table["variant"].iloc[0]]
    cases, releases = int(first["cases"].sum()), int(first["events"].sum())
    title = f"Reliability of the in-time forecasts: {cases} cases, {releases} releases"
    if releases in (0, cases):
        only = "returns" if releases == 0 else "releases"
        value = 0 if releases == 0 else 1
        note = (
            f"All {cases} outcomes are {only}, so every non-empty bin sits at {value}: "
            "the diagram is drawn, but it cannot show calibration."
        )
    else:
        note = f"{releases} of {cases} outcomes are releases; a bin with few cases says little."
    return title, note


@styled
def plot_reliability(table: pd.DataFrame) -> Figure:
    """Observed share of releases against the mean forecast, per bin and variant, with the
    binomial intervals, the diagonal, and the cases per bin; ``table`` is
    ``scoring.reliability_table``'s (variant, low_edge, high_edge, cases, events,
    mean_forecast, observed, low, high; probabilities in [0, 1])."""
    variants = list(dict.fromkeys(table["variant"]))
    level = table.attrs.get("level", 0.8)
    method = METHOD_NAMES.get(table.attrs.get("method", "exact"), "binomial")
    figure = new_figure((8.4, 5.6), layout="constrained", axes=False)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3.0, 1.2))
    top.plot(
        [0, 1],
        [0, 1],
        color=OKABE_ITO["grey"],
        linestyle="--",
        linewidth=0.9,
        label="perfect calibration (observed = forecast)",
    )
    edges = np.unique(table[["low_edge", "high_edge"]].to_numpy())
    width = float(np.diff(edges).min()) / (len(variants) + 1)
    for i, name in enumerate(variants):
        rows = table[table["variant"] == name]
        shown = rows[rows["cases"] > 0]
        colour, marker = VARIANT_COLORS[i % len(VARIANT_COLORS)], SCENARIO_MARKERS[i]
        error = np.vstack([shown["observed"] - shown["low"], shown["high"] - shown["observed"]])
        top.errorbar(
            shown["mean_forecast"],
            shown["observed"],
            yerr=error,
            linestyle="",
            marker=marker,
            markersize=6,
            markerfacecolor="none",
            color=colour,
            capsize=2,
            linewidth=0.9,
            label=name,
        )
        x = rows["low_edge"].to_numpy() + width * (i + 1)
        bottom.bar(
            x,
            rows["cases"],
            width=width,
            color=colour,
            alpha=0.8,
            label=name,
            hatch=VARIANT_HATCHES[i % len(VARIANT_HATCHES)],
            edgecolor="white",
        )
        for position, count in zip(x, rows["cases"], strict=True):
            if count:
                bottom.text(position, count, str(int(count)), ha="center", va="bottom", fontsize=6)
    top.set_xlim(0, 1)
    top.set_ylim(-0.03, 1.03)
    top.set_ylabel("observed share of releases")
    top.set_xticks(edges)
    top.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        title=f"bars: {level:.0%} {method} interval",
        title_fontsize=7,
    )
    title, note = reliability_title(table)
    figure.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
    top.set_title(note, loc="left", fontsize=8, fontweight="normal")
    bottom.set_ylabel("cases in bin")
    bottom.set_title(
        "cases per bin, bars in the legend's order", loc="left", fontsize=7, fontweight="normal"
    )
    bottom.set_xlabel("forecast P(release), bins of the forecasts (mean forecast for the marker)")
    bottom.set_ylim(0, max(float(table["cases"].max()), 1.0) * 1.3)
    return figure
