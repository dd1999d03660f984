"""The multiverse's pictures: the specification curve, the tornado of analysis choices, the
headline's build-up from the base rate and how the published forecast has changed."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import OKABE_ITO
from analysis.words import CHOICE_LABELS, label

SPEC_CURVE_TITLE = "Specification curve: the case under every defensible choice"


@styled
def plot_specification_curve(
    table: pd.DataFrame, headline: float | None = None, title: str = SPEC_CURVE_TITLE
) -> Figure:
    """Every specification's central P(release) with its 80% interval, sorted; a line at the
    headline. ``table`` is ``multiverse.multiverse``'s table (estimate, low, high, weight)."""
    rows = table.sort_values("estimate", kind="stable").reset_index(drop=True)
    figure = new_figure((8.0, 3.6), layout="constrained")
    ax = figure.axes[0]
    x = np.arange(len(rows))
    ax.fill_between(
        x,
        rows["low"],
        rows["high"],
        color=OKABE_ITO["sky_blue"],
        alpha=0.35,
        linewidth=0,
        label="80% interval of each specification",
    )
    ax.plot(x, rows["estimate"], color=OKABE_ITO["blue"], linewidth=1.2, label="central estimate")
    if "weight" in rows:
        heavy = rows["weight"] >= rows["weight"].max() / 2
        ax.plot(
            x[heavy],
            rows.loc[heavy, "estimate"],
            linestyle="",
            marker="|",
            color=OKABE_ITO["vermillion"],
            label="weight >= half the largest",
        )
    if headline is not None:
        ax.axhline(
            headline,
            color=OKABE_ITO["black"],
            linestyle="--",
            linewidth=0.9,
            label=f"headline {headline:.2f}",
        )
    ax.set_xlim(0, max(len(rows) - 1, 1))
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"specifications, sorted by central P(release) ({len(rows)} in all)")
    ax.set_ylabel("P(release)")
    ax.set_title(title, loc="left")
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
        ax.hlines(
            i,
            rows["estimate"].min(),
            rows["estimate"].max(),
            color=OKABE_ITO["grey"],
            linewidth=6,
            alpha=0.5,
        )
        # Values in estimate order, their labels alternately above and below and a step
        # farther out each pair, so close values do not print on top of one another.
        for j, row in enumerate(rows.sort_values("estimate").itertuples(index=False)):
            ax.plot(row.estimate, i, marker="o", color=OKABE_ITO["blue"], markersize=4)
            step = 5 + 7 * (j // 2)
            ax.annotate(
                label(row.value),
                xy=(row.estimate, i),
                textcoords="offset points",
                xytext=(0, step if j % 2 == 0 else -step),
                ha="center",
                va="bottom" if j % 2 == 0 else "top",
                fontsize=6,
                gid="choice-value",
            )
    ax.set_yticks(np.arange(len(axes_order)), [CHOICE_LABELS.get(a, label(a)) for a in axes_order])
    ax.set_ylim(-0.7, len(axes_order) - 0.3)
    ax.set_xlim(0, 1)
    ax.set_xlabel("central P(release); every other choice at its default")
    ax.set_title("Tornado of analysis choices", loc="left")
    return figure


@styled
def plot_build_up(
    steps: pd.DataFrame, title: str = "Headline: how it is built from the base rate"
) -> Figure:
    """A waterfall in probability: the base rate, then each choice's step, ending at the
    headline. ``steps`` is ``headline.build_up`` (label, p_release, shift)."""
    figure = new_figure((7.4, 0.9 + 0.42 * len(steps)), layout="constrained")
    ax = figure.axes[0]
    y = np.arange(len(steps))[::-1]
    start = steps["p_release"].to_numpy() - steps["shift"].to_numpy()
    colours = [
        OKABE_ITO["grey"]
        if i == 0
        else (OKABE_ITO["vermillion"] if shift > 0 else OKABE_ITO["blue"])
        for i, shift in enumerate(steps["shift"])
    ]
    ax.barh(y, steps["shift"], left=start, color=colours, height=0.55)
    for yi, row in zip(y, steps.itertuples(index=False), strict=True):
        ax.annotate(
            f"{row.p_release:.3f}",
            xy=(max(row.p_release, row.p_release - row.shift), yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    last = float(steps["p_release"].iloc[-1])
    ax.axvline(
        last, color=OKABE_ITO["black"], linestyle="--", linewidth=0.8, label=f"headline {last:.2f}"
    )
    ax.set_yticks(y, steps["label"])
    ax.set_xlim(0, max(0.3, float(steps["p_release"].max()) * 1.3))
    ax.set_xlabel("mean P(release) (the specifications' draw means, headline weights)")
    ax.set_title(title, loc="left")
    ax.legend(loc="lower right", fontsize=7)
    return figure


@styled
def plot_forecast_history(
    ledger: pd.DataFrame, title: str = "How the published forecast has changed"
) -> Figure:
    """Each published forecast of one question (rows of ``ledger.read_frozen``: forecast_id,
    made_on, probability, interval_low, interval_high, rule) as a point with its 80% interval,
    in order of publication, each labelled with its rule's first clause."""
    rows = ledger.reset_index(drop=True)
    figure = new_figure((7.6, 3.8), layout="constrained")
    ax = figure.axes[0]
    x = np.arange(len(rows))
    p = rows["probability"].astype(float).to_numpy()
    low = rows["interval_low"].astype(float).to_numpy()
    high = rows["interval_high"].astype(float).to_numpy()
    ax.vlines(
        x, low, high, color=OKABE_ITO["sky_blue"], linewidth=6, alpha=0.7, label="80% interval"
    )
    ax.plot(x, p, marker="o", color=OKABE_ITO["blue"], label="published P(release)")
    for xi, pi, rule in zip(x, p, rows["rule"], strict=True):
        short = str(rule).split(",")[0].split(":")[0]
        ax.annotate(
            f"{pi:.2f}  {textwrap.fill(short, 24)}",
            xy=(xi, pi),
            xytext=(7, 0),
            textcoords="offset points",
            va="center",
            fontsize=6,
        )
    ticks = [f"{fid}\n{day}" for fid, day in zip(rows["forecast_id"], rows["made_on"], strict=True)]
    ax.set_xticks(x, ticks, fontsize=7)
    ax.set_xlim(-0.5, len(rows) - 0.2)
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(release)")
    ax.set_title(title, loc="left")
    ax.legend(loc="upper right", fontsize=7)
    return figure
