"""Charts of the reference class: outcomes over time, time to return, subgroup rates.

Each takes computed results from ``analysis.record.history`` and
``analysis.record.durations`` and returns a Figure; colours, markers and labels come from
``analysis.charts.style``.
"""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import OKABE_ITO, OUTCOME_COLORS, OUTCOME_MARKERS
from analysis.record.history import PERIODS
from analysis.record.outcomes import OUTCOME_ORDER
from analysis.words import OUTCOME_LABELS


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

    # Laid out by matplotlib: the outcome rows' names and the size legend beside the axes
    # then always fit inside the image.
    figure = new_figure((9.5, 4.2), layout="constrained")
    axes = figure.axes[0]
    _shade_periods(axes)
    focal_y = _draw_outcome_rows(axes, frame, when, people, rows, focal_case_id)
    focal = (frame["case_id"] == focal_case_id).to_numpy()
    if focal.any():
        _ring(axes, when[focal].iloc[0], focal_y, focal_label)
    axes.set_yticks(list(rows.values()), [OUTCOME_LABELS[o] for o in rows])
    axes.set_ylim(-0.7, len(OUTCOME_ORDER) - 0.1)
    axes.set_xlim(pd.Timestamp("2000-07-01"), pd.Timestamp("2025-06-30"))
    axes.xaxis.set_major_locator(mdates.YearLocator(2))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.set_xlabel("year of detention (undated detentions: year of the outcome)")
    axes.set_title("Outcomes of publicly reported detentions of North Koreans in China")
    _size_legend(axes)
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
            pd.Timestamp(f"{(first + last) // 2}-07-01"),
            len(OUTCOME_ORDER) - 0.45,
            label,
            ha="center",
            va="bottom",
            color=OKABE_ITO["grey"],
        )


def _draw_outcome_rows(
    axes,
    frame: pd.DataFrame,
    when: pd.Series,
    people: pd.Series,
    rows: dict[str, int],
    focal_case_id: str | None,
) -> float:
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
                when[mask][part],
                y[part],
                s=_marker_area(people[mask][part]),
                marker=OUTCOME_MARKERS[outcome],
                facecolors=colour if is_dated else "white",
                edgecolors=colour,
                linewidths=0.8 if is_dated else 1.4,
                alpha=0.75 if is_dated else 1.0,
                zorder=3,
            )
    return focal_y


def _ring(axes, x: pd.Timestamp, y: float, label: str) -> None:
    """A ring and a boxed label on the question's own case."""
    axes.scatter([x], [y], s=260, facecolors="none", edgecolors=OKABE_ITO["black"], zorder=4)
    axes.annotate(
        label,
        (x, y),
        xytext=(14, 30),
        textcoords="offset points",
        ha="left",
        va="bottom",
        arrowprops={"arrowstyle": "-", "color": OKABE_ITO["black"], "lw": 0.6},
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9},
        zorder=5,
    )
