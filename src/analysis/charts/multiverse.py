"""The multiverse's pictures: the specification curve and the tornado of analysis choices."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import CHOICE_LABELS, OKABE_ITO, label


@styled
def plot_specification_curve(table: pd.DataFrame, headline: float | None = None) -> Figure:
    """Every specification's central P(release) with its 80% interval, sorted; a line at the
    headline. ``table`` is ``multiverse.multiverse``'s table (estimate, low, high, weight)."""
    rows = table.sort_values("estimate", kind="stable").reset_index(drop=True)
    figure = new_figure((8.0, 3.6), layout="constrained")
    ax = figure.axes[0]
    x = np.arange(len(rows))
    ax.fill_between(x, rows["low"], rows["high"], color=OKABE_ITO["sky_blue"], alpha=0.35,
                    linewidth=0, label="80% interval of each specification")  # fmt: skip
    ax.plot(x, rows["estimate"], color=OKABE_ITO["blue"], linewidth=1.2, label="central estimate")
    if "weight" in rows:
        heavy = rows["weight"] >= rows["weight"].max() / 2
        ax.plot(x[heavy], rows.loc[heavy, "estimate"], linestyle="", marker="|",
                color=OKABE_ITO["vermillion"], label="weight >= half the largest")  # fmt: skip
    if headline is not None:
        ax.axhline(headline, color=OKABE_ITO["black"], linestyle="--", linewidth=0.9,
                   label=f"headline {headline:.2f}")  # fmt: skip
    ax.set_xlim(0, max(len(rows) - 1, 1))
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"specifications, sorted by central P(release) ({len(rows)} in all)")
    ax.set_ylabel("P(release)")
    ax.set_title("Specification curve: the case under every defensible choice", loc="left")
    ax.legend(loc="upper left", fontsize=7)
    return figure


@styled
def plot_choice_tornado(ranges: pd.DataFrame) -> Figure:
    """Each analysis choice's range of the central P(release), the other choices at their
    defaults; ``ranges`` is ``multiverse.choice_ranges``. A dot per value, labelled."""
    axes_order = list(dict.fromkeys(ranges["axis"]))[::-1]  # widest at the top
    figure = new_figure((8.0, 1.2 + 0.8 * len(axes_order)), layout="constrained")
    ax = figure.axes[0]
    for i, axis in enumerate(axes_order):
        rows = ranges[ranges["axis"] == axis]
        ax.hlines(i, rows["estimate"].min(), rows["estimate"].max(), color=OKABE_ITO["grey"],
                  linewidth=6, alpha=0.5)  # fmt: skip
        # Values in estimate order, their labels alternately above and below and a step
        # farther out each pair, so close values do not print on top of one another.
        for j, row in enumerate(rows.sort_values("estimate").itertuples(index=False)):
            ax.plot(row.estimate, i, marker="o", color=OKABE_ITO["blue"], markersize=4)
            step = 5 + 7 * (j // 2)
            ax.annotate(label(row.value), xy=(row.estimate, i), textcoords="offset points",
                        xytext=(0, step if j % 2 == 0 else -step), ha="center",
                        va="bottom" if j % 2 == 0 else "top", fontsize=6,
                        gid="choice-value")  # fmt: skip
    ax.set_yticks(np.arange(len(axes_order)), [CHOICE_LABELS.get(a, label(a)) for a in axes_order])
    ax.set_ylim(-0.7, len(axes_order) - 0.3)
    ax.set_xlim(0, 1)
    ax.set_xlabel("central P(release); every other choice at its default")
    ax.set_title("Tornado of analysis choices", loc="left")
    return figure
