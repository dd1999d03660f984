"""Charts of the model: the waterfall, the scenario intervals, the tornado, the plane, the
timing of a return, the weights, and the factor levels over time.

Each takes computed results (tables and arrays from ``analysis.engine.whatif``,
``analysis.record.durations`` and ``analysis.record.factors``) and returns a Figure; colours,
hatches, markers and labels come from ``analysis.charts.style``.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import (
    DETENTION_HATCH,
    FACTOR_COLORS,
    FACTOR_MARKERS,
    OKABE_ITO,
    OUTCOME_COLORS,
    OUTCOME_MARKERS,
    RANGE_END_COLORS,
    RANGE_END_HATCHES,
    SCENARIO_MARKERS,
    STEP_COLORS,
    STEP_HATCHES,
    WINDOW_LINESTYLES,
    legend_columns,
)
from analysis.engine.specifications import logit
from analysis.record.factors import HALF_LIFE_DAYS
from analysis.record.outcomes import NON_RETURNS, RELEASE, RETURN
from analysis.words import FACTOR_LABELS, OUTCOME_LABELS

# The tornado's inputs in words, with the unit of their settings.
TORNADO_INPUTS = {
    "base rate": ("base rate of release", "probability"),
    "w_pressure (weight)": ("weight of pressure", "log-odds per unit of pressure"),
    "w_tension (weight)": ("weight of tension", "log-odds per unit of tension"),
    "factor half-life (days)": ("half-life of an event's push", "days"),
}
UNIT_SHORT = {
    "probability": "",
    "log-odds per unit of pressure": "log-odds",
    "log-odds per unit of tension": "log-odds",
    "days": "days",
}
PROBABILITY_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)
# For a short axis, where fewer than three of PROBABILITY_TICKS would show.
FINE_PROBABILITY_TICKS = (
    0.01,
    0.02,
    0.03,
    0.05,
    0.07,
    0.1,
    0.12,
    0.15,
    0.2,
    0.25,
    0.3,
    0.4,
    0.5,
    0.6,
    0.7,
    0.75,
    0.8,
    0.85,
    0.88,
    0.9,
    0.93,
    0.95,
    0.97,
    0.98,
    0.99,
)


@styled
def plot_scenario_intervals(table: pd.DataFrame) -> Figure:
    """Each scenario's central P(release) with its 80% interval, against even odds."""
    rows = table.iloc[::-1].reset_index(drop=True)
    figure = new_figure((8.0, 1.2 + 0.45 * len(rows)), layout="constrained")
    ax = figure.axes[0]
    y = np.arange(len(rows))
    ax.hlines(
        y,
        rows["interval_low"],
        rows["interval_high"],
        color=OKABE_ITO["blue"],
        linewidth=3,
        label="80% interval",
    )
    ax.plot(rows["p_release"], y, "o", color=OKABE_ITO["black"], markersize=6, label="central")
    ax.plot(
        rows["median"],
        y,
        "|",
        color=OKABE_ITO["orange"],
        markersize=14,
        markeredgewidth=2,
        label="Monte Carlo median",
    )
    ax.axvline(0.5, color=OKABE_ITO["black"], linewidth=0.8, linestyle="--")
    ax.set_yticks(y, list(rows["label"]))
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlabel("P(release)  (left of the dashed line, return is more likely)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_title("Named scenarios", fontsize=10)
    return figure


def _probability_axis(ax: Axes, low: float, high: float) -> None:
    """A log-odds axis labelled in probabilities (the model adds on the log-odds scale)."""

    def within(choices: tuple[float, ...]) -> list[float]:
        return [p for p in choices if low - 1e-9 <= float(logit(p)) <= high + 1e-9]

    ticks = within(PROBABILITY_TICKS)
    if len(ticks) < 3:
        ticks = within(FINE_PROBABILITY_TICKS)
    ax.set_yticks([float(logit(p)) for p in ticks], [f"{p:g}" for p in ticks])
    ax.set_ylim(low, high)


WATERFALL_MIN_SPAN = 1.5  # log-odds: the waterfall's smallest vertical span


@styled
def draw_waterfall(ax: Axes, steps: pd.DataFrame, title: str | None = None) -> None:
    """Draw a waterfall_steps table on ``ax`` (its earlier drawing removed first, so a slider
    can redraw it)."""
    # Remove what was drawn rather than ax.clear(): clearing rebuilds the axes' ticks, which was
    # a third of a slider's redraw.
    for container in [*ax.containers]:
        container.remove()  # its bars with it
    for drawn in [*ax.patches, *ax.texts, *ax.lines]:
        drawn.remove()
    x = np.arange(len(steps))
    # The axis spans the steps, at least WATERFALL_MIN_SPAN log-odds (small shifts are not
    # blown up), with room for the labels: no empty half. Base and result bars stand on the
    # axis floor, the factor bars float from the previous step's end.
    # The levels reached are the steps' ends (base and result "start" at 0 by convention).
    lowest, highest = float(steps["end"].min()), float(steps["end"].max())
    span = max(WATERFALL_MIN_SPAN, highest - lowest)
    factors = steps[steps["step"].isin(["pressure", "tension"])]
    falls = factors[factors["shift"] < 0]
    # A falling step's two-line label hangs under it: as much room as above when it is low.
    hangs_low = bool((falls[["start", "end"]].min(axis=1) <= lowest + 0.24 * span).any())
    low = lowest - (0.3 if hangs_low else 0.14) * span
    high = highest + 0.3 * span
    for i, row in enumerate(steps.itertuples(index=False)):
        floor = low if row.step in ("base", "result") else row.start
        top = row.end
        ax.bar(
            i,
            top - floor,
            bottom=floor,
            width=0.6,
            color=STEP_COLORS[row.step],
            hatch=STEP_HATCHES[row.step],
            edgecolor="white" if row.step != "result" else "black",
            alpha=0.9 if row.step != "result" else 0.85,
            linewidth=0.5,
        )
        if row.step in ("pressure", "tension"):
            text = f"{row.shift:+.2f} log-odds\n\u2192 P = {row.probability:.2f}"
            above = row.shift >= 0
            ax.annotate(
                text,
                xy=(i, max(row.start, row.end) if above else min(row.start, row.end)),
                xytext=(0, 4 if above else -4),
                textcoords="offset points",
                ha="center",
                va="bottom" if above else "top",
                fontsize=8,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
        else:
            # Inside the bar, under its top: clear of the even-odds line and the connectors.
            ax.annotate(
                f"P = {row.probability:.2f}",
                xy=(i, row.end),
                xytext=(0, -5),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=9,
                fontweight="bold",
                color="white",
            )
        if i < len(steps) - 1:
            ax.plot([i + 0.3, i + 0.7], [row.end, row.end], color="#555555", linewidth=0.8)
    if low < 0.0 < high:  # even odds, where the axis reaches it
        ax.axhline(0.0, color=OKABE_ITO["black"], linewidth=0.8, linestyle="--")
        ax.text(-0.48, 0.0, "even odds", ha="left", va="bottom", fontsize=7, color="#333333")
    _probability_axis(ax, low, high)
    ax.set_xticks(x, steps["label"].tolist(), fontsize=8)
    ax.set_xlim(-0.5, len(steps) - 0.5)
    ax.set_ylabel("P(release) (log-odds scale)")
    if title:
        ax.set_title(title, fontsize=10)


@styled
def plot_waterfall(steps: pd.DataFrame, title: str | None = None) -> Figure:
    """Waterfall of a ``scenarios.waterfall_steps`` table: from the base rate through each
    factor's shift to the scenario's P(release)."""
    figure = new_figure((6.4, 3.8), layout="constrained")
    draw_waterfall(figure.axes[0], steps, title or "From the base rate to the scenario")
    return figure


@styled
def plot_tornado(table: pd.DataFrame, central: float, title: str | None = None) -> Figure:
    """Tornado chart of a tornado table around the central P(release): each input in words,
    each bar's two ends labelled with the input's setting in its own unit."""
    rows = table.iloc[::-1].reset_index(drop=True)  # widest at the top
    figure = new_figure((7.4, 1.5 + 0.55 * len(rows)), layout="constrained")
    ax = figure.axes[0]
    y = np.arange(len(rows))
    names = []
    for i, row in rows.iterrows():
        name, unit = TORNADO_INPUTS.get(row["input"], (row["input"], ""))
        names.append(f"{name}\n({unit})" if unit else name)
        for value, setting, end in (
            (row["p_low"], row["low_setting"], "low"),
            (row["p_high"], row["high_setting"], "high"),
        ):
            colour, hatch = RANGE_END_COLORS[end], RANGE_END_HATCHES[end]
            ax.barh(
                i,
                value - central,
                left=central,
                height=0.55,
                color=colour,
                hatch=hatch,
                edgecolor="#333333",
                linewidth=0.5,
            )
            outward = value >= central
            ax.annotate(
                f"{setting} {UNIT_SHORT.get(unit, unit)}".strip(),
                xy=(value, i),
                xytext=(3 if outward else -3, 0),
                textcoords="offset points",
                va="center",
                ha="left" if outward else "right",
                fontsize=7,
                bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
    ax.axvline(central, color=OKABE_ITO["black"], linewidth=1)
    ax.set_yticks(y, names)
    lows = min(rows["p_low"].min(), rows["p_high"].min(), central)
    highs = max(rows["p_low"].max(), rows["p_high"].max(), central)
    pad = max(0.08, 0.25 * (highs - lows))
    # The axis may start below 0 to leave room for the end labels; its ticks never do.
    ax.set_xlim(lows - pad, min(1.0, highs + pad))
    ax.set_xticks([tick for tick in ax.get_xticks() if 0.0 <= tick <= 1.0])
    ax.set_xlabel(
        f"chance of release (probability; {central:.2f} with every input at its central value)"
    )
    figure.legend(
        handles=[
            Patch(
                facecolor=RANGE_END_COLORS[end],
                hatch=RANGE_END_HATCHES[end],
                edgecolor="#333333",
                label=f"input at the {end} end of its 80% range",
            )
            for end in ("low", "high")
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=7,
    )
    ax.set_title(title or "Which input moves the chance of release most", fontsize=10)
    return figure


@styled
def plot_plane(
    plane: pd.DataFrame,
    share: np.ndarray,
    levels: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
) -> Figure:
    """Map of P(release) over (pressure, tension), the 0.5 contour marked, scenarios on top.

    The dashed and dotted lines show where a quarter and three quarters of the Monte Carlo
    draws put release ahead (the boundary's uncertainty). Where the 0.5 contour or those lines
    fall outside the square, the title says which outcome leads everywhere, and the legend
    gives the range of the share of draws instead; nothing is drawn that is not there.
    Historical cases (coded levels / 2,
    jittered) show where the evidence lies. ``plane`` is ``sensitivity.probability_plane``
    (a square grid), ``share`` is ``sensitivity.share_release_more_likely``; pass the model's
    reference class as ``cases`` (``model_cases``), so the points are the cases the base rate
    comes from.
    """
    resolution = int(round(np.sqrt(len(plane))))
    grid = np.linspace(0.0, 1.0, resolution)
    p = plane["p_release"].to_numpy().reshape(resolution, resolution)
    figure = new_figure((6.6, 5.4), layout="constrained")
    ax = figure.axes[0]
    # The colour scale spans what the map spans (a 0-1 scale would paint 0.16-0.32 one hue).
    bands = plane_levels(float(p.min()), float(p.max()))
    filled = ax.contourf(grid, grid, p, levels=bands, cmap="cividis")
    lines = ax.contour(grid, grid, p, levels=bands[1:-1], colors="white", linewidths=0.5)
    legend = []
    if p.min() < 0.5 < p.max():
        ax.contour(grid, grid, p, levels=[0.5], colors="black", linewidths=2.2)
        legend.append(Line2D([], [], color="black", linewidth=2.2, label="even odds (0.50)"))
        title = "Where release becomes more likely than return"
        subtitle = "the thick line marks even odds"
    else:
        # No boundary to draw: say which outcome is more likely on the whole square.
        more = "release" if p.min() >= 0.5 else "return"
        title = f"Whatever the pressure and tension, {more} stays the more likely outcome"
        subtitle = f"the model's chance of release runs from {p.min():.2f} to {p.max():.2f}"
    coarse = np.linspace(0.0, 1.0, len(share))
    share_lines = 0
    for level, style in ((0.25, "--"), (0.75, ":")):
        if share.min() < level < share.max():
            ax.contour(
                coarse,
                coarse,
                share,
                levels=[level],
                colors="black",
                linewidths=1.2,
                linestyles=style,
            )
            legend.append(
                Line2D(
                    [],
                    [],
                    color="black",
                    linewidth=1.2,
                    linestyle=style,
                    label=f"{level:.0%} of draws put release ahead",
                )
            )
            share_lines += 1
    if not share_lines:  # neither line falls inside the square: say so beside the title
        subtitle += (
            f";\n{share.min():.0%} to {share.max():.0%} of the Monte Carlo draws put release ahead"
        )
    if cases is not None:
        legend += _case_points(ax, cases)
    if levels is not None:
        legend += _scenario_points(ax, levels)
    # Labelled once the markers are down, so that no label covers a case or a scenario.
    markers = [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)]
    spots = contour_label_positions(lines, np.concatenate([np.empty((0, 2)), *markers]))
    if spots:  # an empty list would ask matplotlib to place the labels itself
        ax.clabel(lines, fmt="%.2f", fontsize=7, manual=spots)
    colourbar = figure.colorbar(filled, ax=ax, shrink=0.8)
    colourbar.set_label("chance of release (model's central estimate)")
    colourbar.set_ticks(bands)
    colourbar.ax.yaxis.set_major_formatter("{x:.2f}")
    # A margin around the square keeps the markers at level 0 or 1 inside the frame.
    ax.set_xlim(-PLANE_MARGIN, 1 + PLANE_MARGIN)
    ax.set_ylim(-PLANE_MARGIN, 1 + PLANE_MARGIN)
    ax.set_aspect("equal")
    ax.set_xlabel("international pressure on Beijing (0 none, 1 the top of the scale)")
    ax.set_ylabel("Beijing-Pyongyang tension (0 none, 1 the top)")
    figure.suptitle(title, fontsize=10, fontweight="bold")
    ax.set_title(subtitle, fontsize=8, fontweight="normal", color="#444444")
    # Up to three columns, as many as fit: a long scenario label otherwise runs off the image.
    columns = legend_columns([h.get_label() for h in legend], 7, figure.get_figwidth(), 3)
    figure.legend(handles=legend, loc="outside lower center", ncols=columns, fontsize=7)
    return figure


PLANE_MARGIN = 0.04  # in level units, each side of the 0-1 square
LABEL_INSET = 0.05  # contour labels stay this far inside the square, in level units


def contour_label_positions(contours: ContourSet, markers: np.ndarray) -> list[tuple[float, float]]:
    """Where to label each level of ``contours``: the point of its line, at least LABEL_INSET
    inside the unit square, farthest from every marker (an (n, 2) array of x, y in the plane's
    level units); the line's middle point when there are no markers. Levels whose line stays
    out of the inset square get no label."""
    positions = []
    for segments in contours.allsegs:
        points = np.concatenate([np.empty((0, 2)), *segments])
        inside = points[((points >= LABEL_INSET) & (points <= 1 - LABEL_INSET)).all(axis=1)]
        if not len(inside):
            continue
        if len(markers):
            gaps = np.linalg.norm(inside[:, None, :] - markers[None, :, :], axis=2).min(axis=1)
            chosen = inside[int(np.argmax(gaps))]
        else:
            chosen = inside[len(inside) // 2]
        positions.append((float(chosen[0]), float(chosen[1])))
    return positions


def plane_levels(low: float, high: float, bands: int = 8) -> np.ndarray:
    """Colour-band edges from ``low`` to ``high`` (probabilities), on steps of 0.01 or more, so
    the scale covers exactly what the map spans, with at most ``bands`` bands."""
    step = max(0.01, np.ceil((high - low) / bands * 100) / 100)
    start = np.floor(low / step) * step
    stop = np.ceil(high / step) * step
    return np.round(np.arange(start, stop + step / 2, step), 2)


def _case_points(ax: Axes, cases: pd.DataFrame) -> list[Line2D]:
    """The past cases at their coded levels / 2, jittered; returns their legend entries."""
    legend = []
    rng = np.random.default_rng(0)  # jitter only, fixed so the picture never changes
    for outcome in (RELEASE, *NON_RETURNS, "mixed", RETURN):
        marker = OUTCOME_MARKERS[outcome]
        rows = cases[cases["outcome"].astype(str) == outcome]
        if rows.empty:
            continue
        # Jitter so cases with the same coded levels stay visible; kept inside the square.
        jitter = rng.uniform(-0.04, 0.04, size=(len(rows), 2))
        x = np.clip(rows["pressure_level"].to_numpy() / 2 + jitter[:, 0], 0.015, 0.985)
        y = np.clip(rows["tension_level"].to_numpy() / 2 + jitter[:, 1], 0.015, 0.985)
        ax.scatter(
            x,
            y,
            marker=marker,
            s=24,
            facecolor="white",
            edgecolor=OUTCOME_COLORS[outcome],
            linewidths=1.4,
            zorder=3,
        )
        legend.append(
            Line2D(
                [],
                [],
                linestyle="",
                marker=marker,
                markerfacecolor="white",
                markeredgecolor=OUTCOME_COLORS[outcome],
                label=f"past case: {OUTCOME_LABELS.get(outcome, outcome.replace('_', ' '))}",
            )
        )
    return legend


def _scenario_points(ax: Axes, levels: pd.DataFrame) -> list[Line2D]:
    """The named scenarios at their levels, a marker each; returns their legend entries."""
    legend = []
    for i, row in enumerate(levels.itertuples(index=False)):
        marker = SCENARIO_MARKERS[i % len(SCENARIO_MARKERS)]
        ax.scatter(
            row.pressure,
            row.tension,
            marker=marker,
            s=90,
            color="white",
            edgecolor="black",
            linewidths=1.6,
            zorder=4,
        )
        legend.append(
            Line2D(
                [],
                [],
                linestyle="",
                marker=marker,
                markersize=8,
                markeredgewidth=1.6,
                markerfacecolor="white",
                markeredgecolor="black",
                label=row.label,
            )
        )
    return legend


@styled
def plot_factors(
    series: pd.DataFrame,
    events: pd.DataFrame,
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    mark: pd.Timestamp | None = None,
    mark_label: str = "forecast date",
) -> Figure:
    """Both factor levels over time (``factors.factor_series``), a rug of ``events``, the
    detention's dated ``window`` shaded and the forecast date ``mark`` drawn."""
    figure = new_figure((8.0, 3.6), layout="constrained")
    ax = figure.axes[0]
    styles = {"pressure": "-", "tension": "--"}
    for factor in ("pressure", "tension"):
        ax.plot(
            series.index,
            series[factor],
            color=FACTOR_COLORS[factor],
            linestyle=styles[factor],
            linewidth=1.8,
            label=FACTOR_LABELS[factor],
        )
        # A rug of the events themselves, on the day each one surely happened.
        rows = events[(events["factor"].astype(str) == factor)]
        rows = rows[
            (rows["date_latest"] >= series.index[0]) & (rows["date_latest"] <= series.index[-1])
        ]
        rug_y = -0.06 if factor == "pressure" else -0.11
        up = rows["direction"].astype(str) == "up"
        ax.scatter(
            rows.loc[up, "date_latest"],
            np.full(int(up.sum()), rug_y),
            marker=FACTOR_MARKERS[factor],
            s=10 + 8 * rows.loc[up, "intensity"],
            color=FACTOR_COLORS[factor],
            clip_on=False,
            linewidths=0,
        )
        ax.scatter(
            rows.loc[~up, "date_latest"],
            np.full(int((~up).sum()), rug_y),
            marker=FACTOR_MARKERS[factor],
            s=10 + 8 * rows.loc[~up, "intensity"],
            facecolor="white",
            edgecolor=FACTOR_COLORS[factor],
            clip_on=False,
        )
    if window is not None:
        ax.axvspan(
            window[0],
            window[1] + pd.Timedelta(days=1),
            color=OKABE_ITO["grey"],
            alpha=0.35,
            hatch=DETENTION_HATCH,
            linewidth=0,
            label=f"detention ({window[0].day} {window[0]:%b}-{window[1].day} {window[1]:%b %Y})",
        )
    if mark is not None:
        ax.axvline(mark, color=OKABE_ITO["black"], linewidth=1, linestyle=":")
        # Right of the line, on a white box: the detention band lies before the forecast date.
        ax.annotate(
            f"{mark.day} {mark:%b %Y}: {mark_label}",
            xy=(mark, 1.0),
            xytext=(4, -2),
            textcoords="offset points",
            va="top",
            ha="left",
            fontsize=8,
            bbox={"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
    ax.set_ylim(-0.14, 1.02)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_ylabel("level (0 = no recent push, 1 = saturated)")
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)  # the timelines' date ticks
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_xlim(series.index[0], series.index[-1])
    figure.suptitle(
        "International pressure and Beijing-Pyongyang tension, from the events",
        x=0.01,
        ha="left",
        fontsize=11,
        fontweight="bold",
    )
    ax.set_title(
        f"Each event raises (or lowers) its factor by its strength; the effect halves every "
        f"{HALF_LIFE_DAYS:g} days, so a quiet spell\nbrings the level back towards 0. Marks "
        "below 0: the events (filled: raise, hollow: lower; larger: stronger). "
        "Source: data/events.csv.",
        loc="left",
        fontsize=7.5,
        fontweight="normal",
        color="#444444",
    )
    figure.legend(loc="outside lower center", ncols=3, fontsize=8)
    return figure


@styled
def plot_return_curves(
    curves: pd.DataFrame,
    p_return: float,
    windows: pd.DataFrame,
    held_labels: dict[int, str],
    title: str = "Headline: when a return would come, under each timing law",
) -> Figure:
    """The headline's P(returned by day d) under each law of the timing multiverse (solid),
    and given still held on a day (dashed), against the claims' windows. ``curves`` is
    ``timing.return_curves``; ``held_labels`` names each held day ({45: "the forecast date"})."""
    figure = new_figure((7.2, 4.6), layout="constrained")
    ax = figure.axes[0]
    palette = [OKABE_ITO[name] for name in ("vermillion", "blue", "green", "orange")]
    for colour, (law, rows) in zip(palette * 3, curves.groupby("law", sort=False), strict=False):
        for condition, part in rows.groupby("condition", sort=False):
            if not condition:
                ax.plot(part["day"], part["p_returned_by"], color=colour, linewidth=1.8, label=law)
                continue
            held = int(condition.rsplit(" ", 1)[-1])
            ax.plot(
                part["day"],
                part["p_returned_by"],
                color=colour,
                linewidth=1.0,
                linestyle="--" if held == min(held_labels) else ":",
            )
    ax.axhline(p_return, color="#555555", linewidth=0.8, linestyle="--")
    horizon = int(curves["day"].max())
    ax.text(
        horizon - 1,
        p_return + 0.01,
        f"headline's eventual P(return) = {p_return:.2f}",
        ha="right",
        va="bottom",
        fontsize=8,
    )
    for window in windows.itertuples(index=False):
        style = WINDOW_LINESTYLES.get(window.window, "--")
        ax.axvline(
            window.days_since_detention, color=OKABE_ITO["black"], linewidth=0.9, linestyle=style
        )
        ax.text(
            window.days_since_detention + 1,
            0.98,
            f"{window.source}: {window.phrase}",
            rotation=90,
            va="top",
            ha="left",
            fontsize=8,
        )
    explained = "; ".join(
        f"{'dashed' if held == min(held_labels) else 'dotted'}: given still held on day {held}"
        f" ({label})"
        for held, label in held_labels.items()
    )
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 1.0)
    ax.set_xlabel("days since detention")
    ax.set_ylabel("P(returned by that day)")
    figure.suptitle(title, fontsize=10, fontweight="bold")
    ax.set_title(explained, fontsize=7.5, fontweight="normal", color="#333333")
    figure.legend(loc="outside lower center", ncols=2, fontsize=7)
    return figure
