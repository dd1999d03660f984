"""The timeline charts: the case chart and the context chart, from ``analysis.record.timeline``.

In both, colour AND shape give the factor, and the fill gives the date precision: a filled
marker is an exact day, a hollow marker with a whisker spanning the period is a month, year or
approximate date, and a bar is a range of exact days. Markers sit on ``date_mid``. Both charts
share one skeleton: lay out the axes in inches, place the events (dodged so markers never
touch), shade the detention period, label the key events where they collide with nothing, then
title, legend and caption (``_frame_text``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import Bbox

from analysis import words
from analysis.charts import figure as new_figure
from analysis.charts import style, styled
from analysis.charts.labels import (
    HOLLOW_PRECISIONS,
    LABEL_BOX,
    date_numbers,
    marker_boxes,
    place_labels,
    place_numbers,
    span_boxes,
)
from analysis.data.schema import FACTORS
from analysis.record.case import CaseFacts
from analysis.record.timeline import CaseChart, ContextChart, caption, label_text, month_span

CASE_FIGSIZE_WIDTH = 10.0  # inches; the height grows with the number of lanes
CONTEXT_FIGSIZE = (10.0, 6.9)  # inches
FILLED_PRECISIONS = ("day", "range")  # the days are known exactly
MARKER_SIZE = 7.0  # points
LABEL_ROOM = 44.0  # points kept free above a context panel's highest events for labels
TITLE_X = 0.012  # figure fraction: titles start at the left edge, so long ones still fit
# On two lines: on one, it is wider than the lane labels' margin and runs off the image.
NO_EVENTS_LANE = "(no case event\non record)"


def _dodge(starts: np.ndarray, ends: np.ndarray, gap: float) -> np.ndarray:
    """A row per item so that items in one row are at least ``gap`` apart; first fit, in order."""
    rows = np.zeros(len(starts), dtype=int)
    row_ends: list[float] = []
    for i in np.lexsort((ends, starts)):
        for row, last in enumerate(row_ends):
            if starts[i] - last >= gap:
                rows[i], row_ends[row] = row, ends[i]
                break
        else:
            rows[i] = len(row_ends)
            row_ends.append(ends[i])
    return rows


def _row_offsets(rows: np.ndarray, step: float, room: float) -> np.ndarray:
    """Vertical offsets for dodge rows: 0, +1, -1, +2, -2 steps, squeezed to fit in +-room."""
    deepest = max(1, (rows.max() + 1) // 2) if len(rows) else 1
    step = min(step, room / deepest)
    signs = np.where(rows % 2 == 1, 1, -1)
    return signs * ((rows + 1) // 2) * step


def _marker_days(ax: Axes, figure: Figure, size_points: float) -> float:
    """How many days ``size_points`` of the x axis cover in this layout."""
    width_points = ax.get_position().width * figure.get_figwidth() * 72
    low, high = ax.get_xlim()
    return size_points * (high - low) / width_points


def _draw_events(ax: Axes, shown: pd.DataFrame, y: np.ndarray) -> None:
    """Markers, whiskers and bars for ``shown`` at heights ``y``; gids name each artist group.

    Markers are one Line2D per (precision, factor) with gid ``marker:<precision>:<factor>``;
    whiskers are the LineCollection ``whiskers``, range bars the LineCollection ``ranges``.
    """
    x_mid = date_numbers(shown["date_mid"])
    x_start, x_end = date_numbers(shown["date"]), date_numbers(shown["date_latest"])
    precision = shown["date_precision"].astype(str).to_numpy()
    factor = shown["factor"].astype(str).to_numpy()
    colours = np.array([style.FACTOR_COLORS[f] for f in factor])
    ranged = precision == "range"
    hollow = np.isin(precision, HOLLOW_PRECISIONS)
    if ranged.any():
        ax.add_collection(
            LineCollection(
                [
                    [(a, b), (c, b)]
                    for a, b, c in zip(x_start[ranged], y[ranged], x_end[ranged], strict=True)
                ],
                colors=colours[ranged],
                linewidths=5.5,
                alpha=0.45,
                capstyle="butt",
                zorder=3,
                gid="ranges",
            )
        )
    if hollow.any():
        segments = [
            [(a, b), (c, b)]
            for a, b, c in zip(x_start[hollow], y[hollow], x_end[hollow], strict=True)
        ]
        ax.add_collection(
            LineCollection(
                segments, colors=colours[hollow], linewidths=1.1, zorder=3, gid="whiskers"
            )
        )
        for colour in dict.fromkeys(colours[hollow]):
            ends = hollow & (colours == colour)
            ax.plot(
                np.concatenate([x_start[ends], x_end[ends]]),
                np.concatenate([y[ends], y[ends]]),
                linestyle="none",
                marker="|",
                markersize=6,
                markeredgewidth=1.1,
                color=colour,
                zorder=3,
                gid="whisker-caps",
            )
    for kind in (*FILLED_PRECISIONS, *HOLLOW_PRECISIONS):
        for name in FACTORS:
            chosen = (precision == kind) & (factor == name)
            if not chosen.any():
                continue
            colour = style.FACTOR_COLORS[name]
            ax.plot(
                x_mid[chosen],
                y[chosen],
                linestyle="none",
                marker=style.FACTOR_MARKERS[name],
                markersize=MARKER_SIZE,
                markeredgewidth=1.4,
                color=colour,
                markerfacecolor="white" if kind in HOLLOW_PRECISIONS else colour,
                zorder=4,
                gid=f"marker:{kind}:{name}",
            )


def _legend_handles(extra: Sequence[tuple[object, str]] = ()) -> tuple[list, list[str]]:
    """Legend entries: the factors (colour and shape), the date precisions, then ``extra``."""
    handles: list = []
    labels: list[str] = []
    for name in FACTORS:
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=style.FACTOR_MARKERS[name],
                markersize=MARKER_SIZE,
                color=style.FACTOR_COLORS[name],
            )
        )
        labels.append(words.FACTOR_LABELS[name])
    neutral = "0.25"
    exact = Line2D([], [], linestyle="none", marker="o", markersize=MARKER_SIZE, color=neutral)
    window = (
        Line2D([0, 1], [0, 0], color=neutral, lw=1.1, marker="|", markevery=[0, 1], markersize=6),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=MARKER_SIZE,
            color=neutral,
            markerfacecolor="white",
            markeredgewidth=1.4,
        ),
    )
    span = (
        Line2D([0, 1], [0, 0], color=neutral, lw=5.5, alpha=0.45, solid_capstyle="butt"),
        exact,
    )
    handles += [exact, window, span]
    labels += [
        "exact day",
        "month, year or approximate date (whisker: its window)",
        "range of days",
    ]
    for handle, label in extra:
        handles.append(handle)
        labels.append(label)
    return handles, labels


def _add_legend(figure: Figure, handles: list, labels: list[str], top: float, ncols: int) -> None:
    figure.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, top),
        ncols=ncols,
        fontsize=8,
        handlelength=2.6,
        columnspacing=1.6,
    )


def _date_axis(ax: Axes, start: pd.Timestamp, end: pd.Timestamp) -> None:
    ax.set_xlim(date_numbers(start), date_numbers(end + pd.Timedelta(days=1)))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _title(figure: Figure, text: str, height: float) -> None:
    """The chart's bold title, left-aligned 0.15 inch below the top of a ``height``-inch figure."""
    figure.suptitle(
        text, x=TITLE_X, y=1 - 0.15 / height, ha="left", va="top", fontsize=12, fontweight="bold"
    )


# --- the shared skeleton -------------------------------------------------------------------


def _add_axes(figure: Figure, rect: tuple[float, float, float, float], **kwargs) -> Axes:
    """An Axes at ``rect`` (figure fractions), created in the house style."""
    with style.context():
        return figure.add_axes(rect, **kwargs)


def _place_events(
    ax: Axes,
    shown: pd.DataFrame,
    groups: list[tuple[np.ndarray, float]],
    half: float,
    gap: float,
    step: float,
    room: float,
    whole_window: bool,
) -> np.ndarray:
    """Heights of ``shown``: each group (a mask and its base height) dodged into rows so that
    markers ``2 * half`` days wide (and, with ``whole_window``, their date windows) never
    touch; then the events are drawn at those heights."""
    x_mid = date_numbers(shown["date_mid"])
    x_lo, x_hi = x_mid - half, x_mid + half
    if whole_window:
        x_lo = np.minimum(date_numbers(shown["date"]), x_lo)
        x_hi = np.maximum(date_numbers(shown["date_latest"]), x_hi)
    y = np.zeros(len(shown))
    for here, base in groups:
        rows = _dodge(x_lo[here], x_hi[here], gap=gap)
        y[here] = base + _row_offsets(rows, step=step, room=room)
    _draw_events(ax, shown, y)
    return y


def _shade_detention(ax: Axes, detained: pd.Timestamp, last_status: pd.Timestamp) -> None:
    """The detention period: day 0 to the last status report."""
    ax.axvspan(
        date_numbers(detained),
        date_numbers(last_status),
        color=style.DETENTION_SHADE,
        lw=0,
        zorder=0.5,
        gid="detention-period",
    )


def _window_line_boxes(ax: Axes) -> list[Bbox]:
    """Display-space boxes around the expected-return windows' end lines (``axvline``s)."""
    frame = ax.get_window_extent()
    boxes = []
    for line in ax.get_lines():
        if str(line.get_gid()).startswith("expected-return-end"):
            px = ax.transData.transform((float(line.get_xdata()[0]), 0))[0]
            boxes.append(Bbox([[px - 1.5, frame.y0], [px + 1.5, frame.y1]]))
    return boxes


def _number_markers(ax: Axes, shown: pd.DataFrame, y: np.ndarray, numbers: pd.Series) -> list[Bbox]:
    """Each numbered event's number beside its marker (``labels.place_numbers``), clear of
    every marker, whisker and expected-return line; returns the numbers' boxes."""
    x = date_numbers(shown["date_mid"])
    obstacles = [
        *marker_boxes(ax, x, y, MARKER_SIZE),
        *span_boxes(ax, shown, y),
        *_window_line_boxes(ax),
    ]
    return place_numbers(ax, x, y, numbers.to_numpy(), MARKER_SIZE, obstacles)


def _label_events(
    ax: Axes,
    shown: pd.DataFrame,
    y: np.ndarray,
    keys: pd.DataFrame,
    obstacles: Sequence[Bbox] = (),
    lane_half: float | None = None,
    **text: object,
) -> None:
    """Label ``keys`` (events of ``shown``, drawn at heights ``y``) where nothing collides;
    with ``lane_half``, each label stays within that many data units of its event's lane."""
    position = dict(zip(shown["event_id"], y, strict=True))
    anchors_xy = [
        (date_numbers(row["date_mid"]), position[row["event_id"]], label_text(row, **text))
        for _, row in keys.iterrows()
    ]
    markers = marker_boxes(ax, date_numbers(shown["date_mid"]), y, MARKER_SIZE)
    place_labels(ax, anchors_xy, [*markers, *span_boxes(ax, shown, y), *obstacles], lane_half)


def _frame_text(
    figure: Figure,
    height: float,
    bottom: float,
    title: str,
    subtitle: str,
    extra: list[tuple[object, str]],
    shown: pd.DataFrame,
    as_of: pd.Timestamp,
    left_out: int,
) -> None:
    """Title, subtitle, legend (factors, precisions, ``extra``) and the sources caption."""
    _title(figure, title, height)
    figure.text(TITLE_X, 1 - 0.45 / height, subtitle, fontsize=8, color="0.25", va="top")
    handles, labels = _legend_handles(extra)
    _add_legend(figure, handles, labels, top=(bottom - 0.4) / height, ncols=3)
    figure.text(0.01, 0.12 / height, caption(shown, as_of, left_out), fontsize=7.5, color="0.3")


# --- the case chart ------------------------------------------------------------------------

CASE_LAYOUT = {"lane": 0.62, "top": 0.8, "strip": 0.5, "gap": 0.1, "bottom": 1.55, "left": 1.45}


def _case_axes(figure: Figure, lanes: int, height: float) -> tuple[Axes, Axes]:
    """The lanes' Axes and, above them, the strip of expected-return bands (shared x)."""
    lay = CASE_LAYOUT
    left = lay["left"] / CASE_FIGSIZE_WIDTH
    width = (CASE_FIGSIZE_WIDTH - lay["left"] - 0.3) / CASE_FIGSIZE_WIDTH  # 0.3 in: right margin
    main = _add_axes(figure, (left, lay["bottom"] / height, width, lay["lane"] * lanes / height))
    band_bottom = (lay["bottom"] + lay["lane"] * lanes + lay["gap"]) / height
    bands = _add_axes(figure, (left, band_bottom, width, lay["strip"] / height), sharex=main)
    return main, bands


def _draw_lanes(main: Axes, lanes: list[str]) -> dict[str, int]:
    """Lane labels and alternate shading; returns each lane's height (the top lane highest)."""
    lane_y = {lane: len(lanes) - 1 - i for i, lane in enumerate(lanes)}
    main.set_ylim(-0.5, len(lanes) - 0.5)
    main.set_yticks(list(lane_y.values()), list(lane_y))
    main.tick_params(axis="y", length=0)
    for y in lane_y.values():
        if (len(lanes) - 1 - y) % 2 == 1:
            main.axhspan(y - 0.5, y + 0.5, color="0.97", zorder=0, lw=0)
    main.grid(axis="x", color="0.88", lw=0.6)
    main.set_axisbelow(True)
    return lane_y


def _draw_held_period(axes: Sequence[Axes], facts: CaseFacts) -> None:
    """The detention period up to ``facts.held_until``: then a line on the outcome's day where
    the record has one, or else the time for which the record is silent (hatched)."""
    last = facts.held_until
    for ax in axes:
        _shade_detention(ax, facts.detained, last)
        if facts.outcome_day is not None:
            ax.axvline(date_numbers(last), color="0.1", lw=1.2, zorder=2, gid="outcome-day")
            continue
        x_max = ax.get_xlim()[1]
        if date_numbers(last) < x_max:
            ax.axvspan(
                date_numbers(last),
                x_max,
                facecolor="none",
                edgecolor="0.8",
                hatch=style.UNKNOWN_HATCH,
                lw=0,
                zorder=0.5,
                gid="outcome-unknown",
            )


def _draw_expected_bands(figure: Figure, main: Axes, bands: Axes, windows: pd.DataFrame) -> None:
    """One band per expected-return window, from day 0, labelled inside the strip."""
    bands.set_ylim(-0.5, len(windows) - 0.5)
    bands.set_yticks([])
    bands.spines[["left", "bottom"]].set_visible(False)
    bands.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    bands.set_ylabel("Expected\nreturn", rotation=0, ha="right", va="center", labelpad=8)
    renderer = figure.canvas.get_renderer()
    for i, window in windows.iterrows():
        y_band = len(windows) - 1 - i
        x0, x1 = date_numbers(window["start"]), date_numbers(window["end"])
        bands.add_patch(
            Rectangle(
                (x0, y_band - 0.32),
                x1 - x0,
                0.64,
                facecolor="white",
                edgecolor="0.2",
                hatch=style.WINDOW_HATCH,
                lw=0.8,
                zorder=2,
                gid=f"expected-return:{window['window']}",
            )
        )
        main.axvline(
            x1,
            color="0.2",
            lw=0.8,
            ls=(0, (3, 2)),
            zorder=1,
            gid=f"expected-return-end:{window['window']}",
        )
        text = f"{window['label']} (day {window['days_since_detention']})"
        label = bands.text(
            x1, y_band, f" {text}", ha="left", va="center", fontsize=7.5, bbox=LABEL_BOX, zorder=3
        )
        if label.get_window_extent(renderer).x1 > bands.get_window_extent(renderer).x1:
            label.set_position((x1 - 1, y_band))
            label.set_text(f"{text} ")
            label.set_ha("right")


@styled
def case_timeline(chart: CaseChart) -> Figure:
    """The case chart of ``timeline.case_chart``: lanes by actor group, the detention period,
    the expected-return bands (days since detention) and up to six labelled key events."""
    facts, shown, lay = chart.facts, chart.shown, CASE_LAYOUT
    # A case with no event on record in the span still gets its dates: one empty lane.
    lanes = chart.lanes or [NO_EVENTS_LANE]
    height = lay["top"] + lay["strip"] + lay["gap"] + lay["lane"] * len(lanes) + lay["bottom"]
    figure = new_figure((CASE_FIGSIZE_WIDTH, height), axes=False)
    with style.context():
        main, bands = _case_axes(figure, len(lanes), height)
        _date_axis(main, chart.start, chart.end)
        lane_y = _draw_lanes(main, lanes)
        half = _marker_days(main, figure, MARKER_SIZE + 3) / 2
        of_event = chart.lanes_of_events
        groups = [((of_event == lane).to_numpy(), lane_y[lane]) for lane in chart.lanes]
        y = _place_events(main, shown, groups, half, half * 0.3, 0.26, 0.4, whole_window=True)
        outcome = facts.outcome_day
        _draw_held_period((main, bands), facts)
        _draw_expected_bands(figure, main, bands, facts.windows)
        numbers = _number_markers(main, shown, y, chart.numbers)
        _label_events(main, shown, y, chart.keys, obstacles=numbers, lane_half=0.5)
        held = (
            f"up to the outcome on record ({facts.outcome_note}; the line)"
            if outcome is not None
            else "up to the last status report "
            f"({facts.last_status.day} {facts.last_status:%B %Y}); hatched: outcome not on "
            "record"
        )
        subtitle = (
            f"Day 0 = the detention ({facts.detained.day} {facts.detained:%B %Y}, the "
            f"middle of its dated window). Shaded: held, {held}. Each event sits in the lane "
            "of its first actor; numbered markers are keyed in the table under the chart."
        )
        ending = (
            [
                (Patch(facecolor=style.DETENTION_SHADE, lw=0), "held (detention to the outcome)"),
                (Line2D([], [], color="0.1", lw=1.2), "the outcome's day on record"),
            ]
            if outcome is not None
            else [
                (
                    Patch(facecolor=style.DETENTION_SHADE, lw=0),
                    "held (detention to last status report)",
                ),
                (
                    Patch(facecolor="none", edgecolor="0.75", hatch=style.UNKNOWN_HATCH, lw=0),
                    "outcome not on record",
                ),
            ]
        )
        extra = [
            *ending,
            (
                Patch(facecolor="white", edgecolor="0.2", hatch=style.WINDOW_HATCH, lw=0.8),
                "expected-return window, from day 0",
            ),
        ]
        title = f"{facts.label}: the case, {month_span(chart.start, chart.end)}"
        _frame_text(
            figure,
            height,
            lay["bottom"],
            title,
            textwrap.fill(subtitle, 150),
            extra,
            shown,
            facts.record_as_of,
            chart.left_out,
        )
    return figure


# --- the context chart ---------------------------------------------------------------------

PANEL_HEIGHTS = {"pressure": 1.75, "tension": 2.05, "neither": 0.45}  # inches
CONTEXT_LAYOUT = {"left": 1.45, "right": 0.3, "top": 0.95, "bottom": 1.35, "gap": 0.12}


def _context_axes(figure: Figure) -> dict[str, Axes]:
    """One panel per factor, top to bottom, sharing the pressure panel's x axis."""
    lay, (fig_w, fig_h) = CONTEXT_LAYOUT, CONTEXT_FIGSIZE
    panels: dict[str, Axes] = {}
    y_top = fig_h - lay["top"]
    for name in FACTORS:
        y_top -= PANEL_HEIGHTS[name]
        rect = (
            lay["left"] / fig_w,
            y_top / fig_h,
            (fig_w - lay["left"] - lay["right"]) / fig_w,
            PANEL_HEIGHTS[name] / fig_h,
        )
        panels[name] = _add_axes(figure, rect, sharex=panels.get("pressure"))
        y_top -= lay["gap"]
    return panels


CLUSTER_MIN = 3  # events of one height this close together become one marker with a count


def _clusters(
    subset: pd.DataFrame, level: np.ndarray, keys: pd.DataFrame, width: float
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Merge runs of at least CLUSTER_MIN unlabelled events of one height that fit within
    ``width`` days (from the run's first) into one exact-day marker at their middle; returns
    the rows to draw (date order), their heights and each row's count (1 when drawn alone)."""
    if subset.empty:  # a factor with no event in the span (another question's years)
        return subset, np.zeros(0), np.zeros(0, dtype=int)
    days = date_numbers(subset["date_mid"])
    labelled = subset["event_id"].isin(keys["event_id"]).to_numpy()
    runs: list[list[int]] = [[i] for i in np.flatnonzero(labelled)]
    for value in np.unique(level):
        here = np.flatnonzero((level == value) & ~labelled)
        start = len(runs)
        for i in here[np.argsort(days[here], kind="stable")]:
            if len(runs) > start and days[i] - days[runs[-1][0]] <= width:
                runs[-1].append(i)
            else:
                runs.append([i])
    # Runs too short to merge are drawn event by event.
    runs = [
        part for run in runs for part in ([run] if len(run) >= CLUSTER_MIN else [[i] for i in run])
    ]
    rows = []
    for run in runs:
        row = subset.iloc[run[0]].copy()
        if len(run) > 1:
            dates = subset["date_mid"].iloc[run]
            row[["date", "date_mid", "date_latest"]] = (
                dates.min() + (dates.max() - dates.min()) / 2
            ).normalize()
            row["date_precision"] = "day"
        rows.append(row)
    table = pd.DataFrame(rows)
    order = np.lexsort((table["event_id"].astype(str).to_numpy(), date_numbers(table["date_mid"])))
    heights = np.array([level[run[0]] for run in runs], dtype=float)
    counts = np.array([len(run) for run in runs])
    return table.iloc[order], heights[order], counts[order]


def _draw_panel(ax: Axes, chart: ContextChart, name: str, half: float) -> None:
    """One factor's panel: its events at their signed intensity, axis, shading and labels."""
    here = (chart.shown["factor"] == name).to_numpy()
    keys = chart.keys[chart.keys["factor"] == name]
    subset, level, counts = _clusters(
        chart.shown[here], chart.signed[here].to_numpy(), keys, 3 * half
    )
    groups = [(level == value, float(value)) for value in np.unique(level)]
    y = _place_events(ax, subset, groups, half, half * 0.2, 0.22, 0.36, whole_window=False)
    for x, height, count in zip(date_numbers(subset["date_mid"]), y, counts, strict=True):
        if count > 1:
            ax.annotate(
                f"\u00d7{count}",
                (x, height),
                xytext=(0, MARKER_SIZE / 2 + 0.5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6.5,
                fontweight="bold",
                color="0.1",
                zorder=7,
                gid="cluster-count",
            )
    low = min(-0.6, level.min(initial=0) - 0.6)
    top_level = max(0.0, level.max(initial=0))
    # Room above the highest events for a three-line label: LABEL_ROOM points, whatever the
    # panel's height, so y = top_level + room is that many points above the top.
    room = LABEL_ROOM / (PANEL_HEIGHTS[name] * 72) if len(keys) else 0.0
    high = (top_level + 0.6 - room * low) / (1 - room) if room else top_level + 0.6
    ax.set_ylim(low, high)
    ticks = [t for t in range(-3, 4) if low < t < high]
    ax.set_yticks(ticks, [f"{t:+d}" if t else "0" for t in ticks])
    ax.axhline(0, color="0.5", lw=0.7, zorder=1)
    ax.grid(axis="x", color="0.9", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_ylabel(
        textwrap.fill(words.FACTOR_LABELS[name], 12),
        rotation=0,
        ha="right",
        va="center",
        labelpad=6,
    )
    _shade_detention(ax, chart.facts.detained, chart.facts.held_until)
    if name != "neither":
        ax.tick_params(axis="x", labelbottom=False)
    else:
        ax.set_yticks([0], ["0"])
    _label_events(ax, subset, y, keys, width=36, date_on_own_line=False)


def _case_note(ax: Axes, chart: ContextChart) -> None:
    """A boxed note above the detention period: when the case began and where it stands."""
    facts = chart.facts
    low, high = ax.get_xlim()
    middle = date_numbers(facts.detained + (facts.held_until - facts.detained) / 2)
    # On the axis even when the period lies past an end of it (an open case, a case older
    # than the record's events), and then the note says so.
    where = " (outside the years drawn)" if not low <= middle <= high else ""
    middle = min(max(middle, low), high)
    # Near an edge the note starts or ends at the period instead of centring on it, so that it
    # stays inside the image (it is about half the chart's width).
    share = (middle - low) / (high - low)
    align = "left" if share < 0.4 else "right" if share > 0.6 else "center"
    ax.annotate(
        f"{facts.label} case{where}: detained {facts.detained:%b %Y}, "
        + (
            f"outcome {facts.outcome_note}"
            if facts.outcome_day is not None
            else f"last status {facts.last_status.day} {facts.last_status:%b %Y}, "
            "outcome not on record"
        ),
        (middle, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(0, 6),
        textcoords="offset points",
        ha=align,
        va="bottom",
        fontsize=7.5,
        bbox=LABEL_BOX,
        arrowprops={"arrowstyle": "-", "color": "0.35", "lw": 0.6},
        gid="case-label",
    )


@styled
def context_timeline(chart: ContextChart) -> Figure:
    """The context chart of ``timeline.context_chart``: one panel per factor, events at their
    intensity (0-3, negative when the event lowers the factor), the case period shaded, a few
    major events labelled."""
    # The title's years are the axis's: the span drawn, not the events' own dates.
    first, last = chart.start.year, chart.end.year
    years = str(first) if first == last else f"{first}-{last}"
    fig_h = CONTEXT_FIGSIZE[1]
    figure = new_figure(CONTEXT_FIGSIZE, axes=False)
    with style.context():
        panels = _context_axes(figure)
        _date_axis(panels["pressure"], chart.start, chart.end)
        half = _marker_days(panels["pressure"], figure, MARKER_SIZE + 2) / 2
        for name, ax in panels.items():
            _draw_panel(ax, chart, name, half)
        _case_note(panels["pressure"], chart)
        extra = [
            (
                Patch(facecolor=style.DETENTION_SHADE, lw=0),
                f"{chart.facts.label} case: detention to "
                + ("the outcome" if chart.facts.outcome_day is not None else "last status"),
            )
        ]
        _frame_text(
            figure,
            fig_h,
            CONTEXT_LAYOUT["bottom"],
            f"The case in its period: pressure on Beijing and Beijing-Pyongyang tension, {years}",
            "Height: the event's intensity, 1 minor to 3 major (a nuclear test, a UN sanctions "
            "resolution, a leaders' summit); + raises the factor, - lowers it.\n"
            "\u00d7n: n events of one height within a few days, merged into one marker."
            + (
                f" Not drawn: the {chart.outside} events of the record outside {years}."
                if chart.outside
                else ""
            ),
            extra,
            chart.shown,
            chart.facts.record_as_of,
            chart.left_out,
        )
    return figure
