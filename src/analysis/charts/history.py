"""Charts of the reference class: outcomes over time, time to return, subgroup rates.

Each takes computed results from ``analysis.history`` and ``analysis.delays`` and returns a
Figure; colours, markers and labels come from ``analysis.charts.style``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import OKABE_ITO, OUTCOME_COLORS, OUTCOME_MARKERS
from analysis.record.history import PERIODS
from analysis.record.outcomes import OUTCOME_ORDER, RELEASE, RETURN
from analysis.words import CASE_COLUMN_LABELS


def _marker_area(people: pd.Series | np.ndarray) -> np.ndarray:
    """Marker area in points^2: proportional to the square root of the group size, so a group
    of 500 is visible without hiding a family of five behind it (the legend gives the scale)."""
    return 14.0 * np.sqrt(np.asarray(people, dtype=float))


@styled
def plot_outcomes_over_time(
    frame: pd.DataFrame, focal_case_id: str | None = None, focal_label: str = "this question"
) -> Figure:
    """Each case as a marker: x = detention year, row and colour and shape = outcome.

    ``frame`` is ``history.with_year_and_period(cases)``. Area grows with the square root of
    the group size (middle of the sources' range). Cases without a detention date are placed at
    their outcome date and drawn hollow. The periods of PERIODS are shaded; the case
    ``focal_case_id`` is circled and labelled ``focal_label``.
    """
    when = frame["detained_mid"].fillna(frame["outcome_mid"])
    when = when.fillna(pd.to_datetime(frame["year"].astype(str) + "-07-01"))
    people = (frame["group_size_low"] + frame["group_size_high"]) / 2
    rows = {outcome: len(OUTCOME_ORDER) - 1 - i for i, outcome in enumerate(OUTCOME_ORDER)}

    figure = new_figure((9.5, 4.2))
    axes = figure.axes[0]
    _shade_periods(axes)
    focal_y = _draw_outcome_rows(axes, frame, when, people, rows, focal_case_id)
    focal = (frame["case_id"] == focal_case_id).to_numpy()
    if focal.any():
        _ring(axes, when[focal].iloc[0], focal_y, focal_label)
    axes.set_yticks(list(rows.values()), [f"{o}" for o in rows])
    axes.set_ylim(-0.7, len(OUTCOME_ORDER) - 0.1)
    axes.set_xlim(pd.Timestamp("2000-07-01"), pd.Timestamp("2025-06-30"))
    axes.xaxis.set_major_locator(mdates.YearLocator(2))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.set_xlabel("year of detention (undated detentions: year of the outcome)")
    axes.set_title("Outcomes of publicly reported detentions of North Koreans in China")
    _size_legend(axes)
    figure.subplots_adjust(left=0.09, right=0.8, bottom=0.14, top=0.9)
    return figure


def _size_legend(axes) -> None:
    """The legend of marker sizes (group size) and of hollow markers (undated detention)."""
    size_handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=math.sqrt(_marker_area(np.array([n]))[0]),
            markerfacecolor="none",
            markeredgecolor=OKABE_ITO["black"],
            label=f"{n} people",
        )
        for n in (5, 50, 500)
    ]
    undated = Line2D(
        [],
        [],
        linestyle="",
        marker="s",
        markersize=7,
        markerfacecolor="white",
        markeredgecolor=OKABE_ITO["black"],
        label="hollow: detention\nundated",
    )
    axes.legend(
        handles=[*size_handles, undated],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        labelspacing=1.6,
        borderpad=1.0,
        title="group size",
    )


def _shade_periods(axes) -> None:
    """Alternate shading and a label for each period of PERIODS."""
    for index, (label, first, last) in enumerate(PERIODS):
        shade = "#f2f2f2" if index % 2 == 0 else "#ffffff"
        axes.axvspan(pd.Timestamp(f"{first}-01-01"), pd.Timestamp(f"{last}-12-31"), color=shade)
        axes.text(
            pd.Timestamp(f"{(first + last) // 2}-07-01"), len(OUTCOME_ORDER) - 0.45, label,
            ha="center", va="bottom", color=OKABE_ITO["grey"],
        )  # fmt: skip


def _draw_outcome_rows(
    axes, frame: pd.DataFrame, when: pd.Series, people: pd.Series, rows: dict[str, int],
    focal_case_id: str | None,
) -> float:  # fmt: skip
    """One row of markers per outcome; returns the height of the focal case's marker."""
    focal_y = math.nan
    for outcome in OUTCOME_ORDER:
        mask = (frame["outcome"].astype(str) == outcome).to_numpy()
        if not mask.any():
            continue
        # Spread markers of one row a little in y, alternately, so neighbours in time do not
        # cover each other; the order is the table's, so the picture is the same every run.
        offsets = np.resize([0.0, 0.18, -0.18], int(mask.sum()))
        order = np.argsort(when[mask].to_numpy(), kind="stable")
        y = np.empty(int(mask.sum()))
        y[order] = rows[outcome] + offsets
        is_focal = (frame.loc[mask, "case_id"] == focal_case_id).to_numpy()
        if is_focal.any():
            focal_y = float(y[is_focal][0])
        dated = frame.loc[mask, "detained_mid"].notna().to_numpy()
        colour = OUTCOME_COLORS[outcome]
        for is_dated in (True, False):
            part = dated == is_dated
            if not part.any():
                continue
            axes.scatter(
                when[mask][part], y[part], s=_marker_area(people[mask][part]),
                marker=OUTCOME_MARKERS[outcome], facecolors=colour if is_dated else "white",
                edgecolors=colour, linewidths=0.8 if is_dated else 1.4,
                alpha=0.75 if is_dated else 1.0, zorder=3,
            )  # fmt: skip
    return focal_y


def _ring(axes, x: pd.Timestamp, y: float, label: str) -> None:
    """A ring and a boxed label on the question's own case."""
    axes.scatter([x], [y], s=260, facecolors="none", edgecolors=OKABE_ITO["black"], zorder=4)
    axes.annotate(
        label, (x, y), xytext=(14, 30), textcoords="offset points", ha="left", va="bottom",
        arrowprops={"arrowstyle": "-", "color": OKABE_ITO["black"], "lw": 0.6},
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9}, zorder=5,
    )  # fmt: skip


@styled
def plot_time_to_return(
    delays: pd.DataFrame, references: Sequence[tuple[int, str, str]] = ()
) -> Figure:
    """Days from detention to return (and, for contrast, to release), one row per dated case.

    ``delays`` is ``delays.time_to_return`` for the outcomes to draw; ``references`` are
    vertical lines (days, label, linestyle): the claims' windows and the days the case had been
    held (``CaseFacts.reference_lines``). Marker = middle estimate, bar = the window left by
    imprecise dates; colour and shape by outcome. The x axis is linear up to a week and
    logarithmic beyond, so same-day and seven-month cases fit on one chart. Cases without
    usable dates are counted in the title, not drawn.
    """
    outcomes = tuple(o for o in (RETURN, RELEASE) if (delays["outcome"] == o).any())
    usable = delays[delays["usable"]].sort_values(["days", "case_id"], ascending=[False, False])
    excluded = delays[~delays["usable"]]
    height = 1.5 + 0.26 * max(len(usable), 1)
    figure = new_figure((9.0, height))
    axes = figure.axes[0]
    y = np.arange(len(usable))
    for outcome in outcomes:
        mask = (usable["outcome"] == outcome).to_numpy()
        if not mask.any():
            continue
        colour = OUTCOME_COLORS[outcome]
        axes.hlines(
            y[mask],
            usable["days_min"][mask].astype(float),
            usable["days_max"][mask].astype(float),
            color=colour,
            linewidth=2.4,
            alpha=0.4,
        )
        axes.plot(
            usable["days"][mask].astype(float),
            y[mask],
            linestyle="",
            marker=OUTCOME_MARKERS[outcome],
            color=colour,
            label=outcome,
        )
    for days, label, style in references:
        axes.axvline(days, color=OKABE_ITO["black"], linestyle=style, linewidth=0.9)
        # Vertical, beside its line, at the top: the short delays there leave that corner empty.
        axes.text(
            days * 1.05, len(usable) - 0.6, label, rotation=90, va="top", ha="left", fontsize=8
        )
    axes.set_xscale("symlog", linthresh=7, linscale=0.6)
    ticks = [0, 1, 7, 14, 30, 61, 120, 240]
    axes.set_xticks(ticks, [str(tick) for tick in ticks])
    axes.set_xlim(-0.5, 300)
    axes.set_yticks(y, list(usable["title"]), fontsize=8)
    axes.set_ylim(-0.7, len(usable) - 0.3)
    axes.set_xlabel("days from detention (marker: middle estimate; bar: date window)")
    kinds = " or release" if RELEASE in outcomes else ""
    axes.set_title(
        f"Time from detention to return{kinds}\n{len(usable)} dated cases;"
        f" {len(excluded)} more without usable dates are not drawn",
        loc="left",
    )
    axes.legend(loc="center right", frameon=True)
    figure.subplots_adjust(left=0.43, right=0.98, bottom=0.6 / height, top=1 - 0.6 / height)
    return figure


@styled
def plot_subgroup_rates(comparison: pd.DataFrame, overall: dict[str, float]) -> Figure:
    """P(release) with its 80% interval per subgroup, for all cases and for detentions in China.

    ``comparison`` and ``overall`` are ``history.subgroup_comparison(cases)``. Each level gets
    two bars: all cases (hollow marker, upper) and detentions in China (filled, lower); "k/n" at
    the right gives released of counted cases. A dotted line marks each class's overall rate.
    """
    table = comparison.iloc[::-1].reset_index(drop=True)
    height = 1.4 + 0.34 * len(table)
    figure = new_figure((8.0, height))
    axes = figure.axes[0]
    y = np.arange(len(table), dtype=float)
    colour = OUTCOME_COLORS[RELEASE]
    series = (
        ("_all", 0.17, "white", "all cases"),
        ("_det", -0.17, colour, "detentions in China"),
    )
    for suffix, shift, face, name in series:
        known = table[f"n_known{suffix}"].fillna(0).to_numpy() > 0
        axes.hlines(
            y[known] + shift,
            table[f"low{suffix}"][known],
            table[f"high{suffix}"][known],
            color=colour,
            linewidth=1.6,
        )
        axes.plot(
            table[f"estimate{suffix}"][known],
            y[known] + shift,
            linestyle="",
            marker="o",
            markerfacecolor=face,
            markeredgecolor=colour,
            label=name,
        )
        for row, yy in zip(table.itertuples(), y, strict=True):
            n = getattr(row, f"n_known{suffix}")
            if pd.isna(n):
                continue
            released = int(getattr(row, f"released{suffix}"))
            axes.text(1.01, yy + shift, f"{released}/{int(n)}", va="center", fontsize=7)
    for value, style, name in (
        (overall["all cases"], ":", "overall, all cases"),
        (overall["detentions in China"], "-.", "overall, detentions"),
    ):
        axes.axvline(value, color=OKABE_ITO["grey"], linestyle=style, linewidth=0.9, label=name)
    labels = [
        f"{CASE_COLUMN_LABELS.get(factor, factor)}: {label}"
        for factor, label in zip(table["factor"], table["label"], strict=True)
    ]
    axes.set_yticks(y, labels)
    for index in range(1, len(table)):
        if table["factor"].iloc[index] != table["factor"].iloc[index - 1]:
            axes.axhline(index - 0.5, color=OKABE_ITO["grey"], linewidth=0.5)
    axes.set_xlim(0, 1)
    axes.set_ylim(-0.6, len(table) - 0.4)
    axes.set_xlabel("P(release): posterior mean and 80% interval; k/n = released of counted")
    axes.set_title("Release rate by subgroup: all cases and detentions in China", loc="left")
    figure.legend(loc="lower center", ncols=4, fontsize=8)
    figure.subplots_adjust(left=0.3, right=0.92, bottom=0.95 / height, top=1 - 0.4 / height)
    return figure
