"""Timeline charts of the case and of its 2016-2018 context, drawn from the validated tables.

Two charts, one encoding:

* ``case_timeline``: time left to right, one lane per actor group (lanes and their order come
  from actors.csv; an event sits in the lane of its FIRST actor). The detention period is
  shaded, the two expected-return windows are bands measured from the detention, and a few key
  events are labelled.
* ``context_timeline``: the wider relationship, one panel per factor of the seed article
  (pressure on Beijing, Beijing-Pyongyang tension, neither); an event's height is its intensity
  (0-3), above the line when it raises the factor and below when it lowers it.

In both, colour AND shape give the factor, and the fill gives the date precision: a filled
marker is an exact day, a hollow marker with a whisker spanning the period is a month, year or
approximate date, and a bar is a range of exact days. Markers sit on ``date_mid``.

Choices a reader can check against the data:

* The detention is the case event of event_type ``detention``; every "days since detention"
  below counts from its ``date_mid``. Nothing about the case is dated in code.
* The detention period runs from the detention to the case's last status report (the latest
  case event of event_type ``status_report``); after it the outcome is not on record.
* Key events labelled on the case chart: case events that the seed article mentions
  (``in_article``), plus the last status report, at most ``MAX_LABELS``, earliest first.
* Key events labelled on the context chart: major events (intensity 3), nearest the detention
  first, each at least an eighth of the shown period from those already chosen.
* An event is drawn when its ``date_mid`` falls inside the chart's window.
* The as-of date is the latest ``date_latest`` in the events table, never the clock.

Functions return Figures and never show or save them, except ``write_figures``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

from analysis import style
from analysis.data import Dataset, lane_order
from analysis.record import date_label
from analysis.schema import FACTORS
from analysis.text import literal

# The two expectations the story is measured against, as (label, length) from the detention.
# The seed commentary (April 2017): "returned to North Korea in about two weeks". HRW via SCMP,
# 24 April 2017: "most repatriations happen two months after detention".
# Calendar months, not 60 days: HRW counts in months.
EXPECTED_RETURN_WINDOWS: tuple[tuple[str, str, pd.DateOffset], ...] = (
    ("article", "Article: return in about two weeks", pd.DateOffset(days=14)),
    ("hrw", "HRW: most returns within about two months", pd.DateOffset(months=2)),
)
MAX_LABELS = 6
CASE_FIGSIZE_WIDTH = 10.0  # inches; the height grows with the number of lanes
CONTEXT_FIGSIZE = (10.0, 6.9)  # inches
FILLED_PRECISIONS = ("day", "range")  # the days are known exactly
HOLLOW_PRECISIONS = ("month", "year", "approximate")  # the day lies somewhere in a window
FACTOR_LABELS = {
    "pressure": "pressure on Beijing",
    "tension": "Beijing-Pyongyang tension",
    "neither": "neither factor",
}
MARKER_SIZE = 7.0  # points
LABEL_ROOM = 44.0  # points kept free above a context panel's highest events for labels
TITLE_X = 0.012  # figure fraction: titles start at the left edge, so long ones still fit
SOURCE_FILE = "data/events.csv"
DETENTION_SHADE = "#E8E8E8"
LABEL_BOX = {"boxstyle": "round,pad=0.25", "fc": "white", "ec": "0.6", "lw": 0.6, "alpha": 0.93}


@dataclass(frozen=True)
class CaseAnchors:
    """The dates the case chart is measured from, all taken from the events table."""

    detention: pd.Timestamp  # date_mid of the detention event: day 0
    last_status: pd.Timestamp  # last day the record says where the group is
    as_of: pd.Timestamp  # latest date_latest in the events table


def detention_event(events: pd.DataFrame) -> pd.Series:
    """The case's detention: the case event of event_type ``detention`` (the earliest if several).

    Raises ValueError when the table has none, since every case measure counts from it.
    """
    rows = events[(events["scope"] == "case") & (events["event_type"] == "detention")]
    if rows.empty:
        raise ValueError(
            "no case event with event_type 'detention' in the events table "
            "(expected one: the timeline counts days from it)"
        )
    return rows.sort_values(["date_mid", "event_id"]).iloc[0]


def last_status_event(events: pd.DataFrame) -> pd.Series:
    """The latest case event of event_type ``status_report``, else the latest case event."""
    case = events[events["scope"] == "case"]
    reports = case[case["event_type"] == "status_report"]
    pool = reports if not reports.empty else case
    return pool.sort_values(["date_latest", "event_id"]).iloc[-1]


def case_anchors(events: pd.DataFrame) -> CaseAnchors:
    """Detention day, last known status and as-of date, derived from the events table."""
    return CaseAnchors(
        detention=detention_event(events)["date_mid"],
        last_status=last_status_event(events)["date_latest"],
        as_of=events["date_latest"].max(),
    )


def expected_return_windows(events: pd.DataFrame) -> pd.DataFrame:
    """The expected-return windows: start, end, and length in days since detention."""
    detention = case_anchors(events).detention
    rows = [
        {
            "window": key,
            "label": label,
            "start": detention,
            "end": detention + length,
            "days_since_detention": (detention + length - detention).days,
        }
        for key, label, length in EXPECTED_RETURN_WINDOWS
    ]
    return pd.DataFrame(rows)


def event_lanes(events: pd.DataFrame, actors: pd.DataFrame) -> pd.Series:
    """Each event's lane: the lane of its first actor in ``actor_ids`` (same index as events)."""
    lane_of_actor = actors.set_index("actor_id")["lane"]
    return events["actor_ids"].map(lambda ids: lane_of_actor[ids[0]]).rename("lane")


def case_window(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Default span of the case chart: whole months from the detention to the later of the last
    status report and the end of the longest expected-return window."""
    anchors = case_anchors(events)
    windows = expected_return_windows(events)
    last = max(anchors.last_status, windows["end"].max())
    return anchors.detention.to_period("M").start_time, last.to_period("M").end_time.normalize()


def context_window(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Default span of the context chart: every event, padded to whole months with a margin."""
    start = (events["date"].min() - pd.Timedelta(days=20)).to_period("M").start_time
    end = (events["date_latest"].max() + pd.Timedelta(days=20)).to_period("M").end_time
    return start, end.normalize()


def in_window(events: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Events whose ``date_mid`` falls in [start, end] (both days included)."""
    return events[(events["date_mid"] >= start) & (events["date_mid"] <= end)]


def case_key_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events labelled on the case chart: case events the article mentions, plus the last
    status report; at most MAX_LABELS, earliest first (the last status report is always kept)."""
    case = events[(events["scope"] == "case") & events["in_article"]]
    case = case.sort_values(["date_mid", "event_id"])
    last = last_status_event(events)
    chosen = case[case["event_id"] != last["event_id"]].head(MAX_LABELS - 1)
    keys = pd.concat([chosen, last.to_frame().T]).sort_values(["date_mid", "event_id"])
    return keys.reset_index(drop=True)


def context_key_events(
    events: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, limit: int = MAX_LABELS - 1
) -> pd.DataFrame:
    """Major events (intensity 3) to label on the context chart: nearest the detention first,
    each at least an eighth of the window (in days) from those already chosen."""
    shown = in_window(events, start, end)
    major = shown[shown["intensity"] == 3].copy()
    detention = case_anchors(events).detention
    major["distance"] = (major["date_mid"] - detention).abs()
    spacing = (end - start) / 8
    chosen: list[pd.Timestamp] = []
    keep = []
    for index, row in major.sort_values(["distance", "date_mid", "event_id"]).iterrows():
        if len(keep) == limit:
            break
        if all(abs(row["date_mid"] - day) >= spacing for day in chosen):
            chosen.append(row["date_mid"])
            keep.append(index)
    keys = major.loc[keep].drop(columns="distance").sort_values(["date_mid", "event_id"])
    return keys.reset_index(drop=True)


def source_publishers(events: pd.DataFrame) -> list[str]:
    """Distinct publishers cited by the given events, sorted."""
    return sorted({name for names in events["source_publishers"] for name in names})


def caption(events_shown: pd.DataFrame, as_of: pd.Timestamp) -> str:
    """The caption line: publishers counted over the events shown, and the data's as-of date."""
    publishers = len(source_publishers(events_shown))
    return (
        f"Sources: {publishers} publishers cited for the {len(events_shown)} events shown "
        f"({SOURCE_FILE}). Data as of {as_of.day} {as_of:%B %Y} (latest event date in the data)."
    )


# --- drawing helpers ---------------------------------------------------------------------


def _num(days: pd.Series | pd.Timestamp) -> np.ndarray | float:
    """Matplotlib date numbers (days since the epoch) for timestamps."""
    return mdates.date2num(days)


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
    x_mid = _num(shown["date_mid"])
    x_start, x_end = _num(shown["date"]), _num(shown["date_latest"])
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
        labels.append(FACTOR_LABELS[name])
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


def _overlap(box: Bbox, others: Sequence[Bbox]) -> float:
    """Total area of ``box`` covered by ``others`` (display units squared)."""
    total = 0.0
    for other in others:
        width = min(box.x1, other.x1) - max(box.x0, other.x0)
        height = min(box.y1, other.y1) - max(box.y0, other.y0)
        if width > 0 and height > 0:
            total += width * height
    return total


def _place_labels(
    ax: Axes, anchors: Sequence[tuple[float, float, str]], obstacles: Sequence[Bbox]
) -> list[Annotation]:
    """Label each anchor on a light box, trying offsets until the box collides with nothing.

    Tried in order: above, below, the four diagonals, then the same farther out. A label that
    fits nowhere takes the position with the least overlap, so no key event goes unlabelled.
    """
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    directions = [
        (0, 1, "center", "bottom"),
        (0, -1, "center", "top"),
        (1, 1, "left", "bottom"),
        (-1, 1, "right", "bottom"),
        (1, -1, "left", "top"),
        (-1, -1, "right", "top"),
        (1, 0, "left", "center"),
        (-1, 0, "right", "center"),
    ]
    candidates = [
        ((dx * distance * 0.8, dy * distance), ha, va)
        for distance in (12, 22, 34, 48, 64)  # points
        for dx, dy, ha, va in directions
    ]
    placed: list[Bbox] = []
    labels = []
    for x, y, text in anchors:
        label = ax.annotate(
            text,
            (x, y),
            xytext=candidates[0][0],
            textcoords="offset points",
            fontsize=7.5,
            bbox=LABEL_BOX,
            zorder=6,
            gid="key-event",
            arrowprops={"arrowstyle": "-", "color": "0.35", "lw": 0.6, "shrinkA": 0, "shrinkB": 4},
        )
        best: tuple[float, tuple, Bbox] | None = None
        for candidate in candidates:
            label.xyann, ha, va = candidate
            label.set(ha=ha, va=va)
            # The text's own box: an Annotation's extent would also span its leader line.
            label.update_positions(renderer)
            box = Text.get_window_extent(label, renderer).padded(5)
            outside = (
                max(0, frame.x0 - box.x0)
                + max(0, box.x1 - frame.x1)
                + max(0, frame.y0 - box.y0)
                + max(0, box.y1 - frame.y1)
            )
            cost = _overlap(box, placed) * 4 + _overlap(box, obstacles) + outside * 1e4
            if best is None or cost < best[0]:
                best = (cost, candidate, box)
            if cost == 0:
                break
        label.xyann, ha, va = best[1]
        label.set(ha=ha, va=va)
        placed.append(best[2])
        labels.append(label)
    return labels


def _marker_boxes(ax: Axes, x: np.ndarray, y: np.ndarray, size_points: float) -> list[Bbox]:
    """Display-space boxes around markers, so labels keep clear of the data."""
    half = size_points / 2 * ax.figure.dpi / 72 + 1
    points = ax.transData.transform(np.column_stack([x, y]))
    return [Bbox([[px - half, py - half], [px + half, py + half]]) for px, py in points]


def _span_boxes(ax: Axes, shown: pd.DataFrame, y: np.ndarray) -> list[Bbox]:
    """Display-space boxes around whiskers and range bars."""
    boxes = []
    windowed = shown["date_precision"].astype(str).isin((*HOLLOW_PRECISIONS, "range")).to_numpy()
    for a, c, b in zip(
        _num(shown["date"])[windowed],
        _num(shown["date_latest"])[windowed],
        y[windowed],
        strict=True,
    ):
        (x0, y0), (x1, _) = ax.transData.transform([(a, b), (c, b)])
        boxes.append(Bbox([[x0, y0 - 4], [x1, y0 + 4]]))
    return boxes


def _label_text(row: pd.Series, width: int = 30, date_on_own_line: bool = True) -> str:
    """A key event's label: its date as the record states it, then its title, wrapped."""
    if date_on_own_line:
        lines = textwrap.wrap(str(row["title"]), width, break_on_hyphens=False)
        return literal(f"{date_label(row)}\n" + "\n".join(lines))
    return literal(
        textwrap.fill(f"{date_label(row)}: {row['title']}", width, break_on_hyphens=False)
    )


def _date_axis(ax: Axes, start: pd.Timestamp, end: pd.Timestamp) -> None:
    ax.set_xlim(_num(start), _num(end + pd.Timedelta(days=1)))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))


def _month_span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if start.year == end.year:
        return f"{start:%B}-{end:%B %Y}"
    return f"{start:%B %Y}-{end:%B %Y}"


# --- the charts ----------------------------------------------------------------------------


def _title(figure: Figure, text: str, height: float) -> None:
    """The chart's bold title, left-aligned 0.15 inch below the top of a ``height``-inch figure."""
    figure.suptitle(
        text, x=TITLE_X, y=1 - 0.15 / height, ha="left", va="top", fontsize=12, fontweight="bold"
    )


def case_timeline(
    events: pd.DataFrame,
    actors: pd.DataFrame,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> Figure:
    """The case chart: lanes by actor group, the detention period, the expected-return bands
    (days since detention) and up to six labelled key events, between ``start`` and ``end``
    (default: ``case_window``)."""
    default_start, default_end = case_window(events)
    start = pd.Timestamp(start) if start is not None else default_start
    end = pd.Timestamp(end) if end is not None else default_end
    anchors = case_anchors(events)
    shown = in_window(events, start, end).sort_values(["date_mid", "event_id"])
    lanes_of_events = event_lanes(shown, actors)
    lanes = [lane for lane in lane_order(actors) if lane in set(lanes_of_events)]
    windows = expected_return_windows(events)

    # Layout in inches, so margins stay the same whatever the number of lanes.
    lane_height, top, strip, gap, bottom = 0.62, 0.8, 0.5, 0.1, 1.55
    left, right = 1.45, 0.3
    height = top + strip + gap + lane_height * len(lanes) + bottom
    with mpl.rc_context(style.RC_PARAMS):
        figure = plt.figure(figsize=(CASE_FIGSIZE_WIDTH, height))
        width = CASE_FIGSIZE_WIDTH - left - right
        main_bottom = bottom / height
        main = figure.add_axes(
            (
                left / CASE_FIGSIZE_WIDTH,
                main_bottom,
                width / CASE_FIGSIZE_WIDTH,
                lane_height * len(lanes) / height,
            )
        )
        band_axes = figure.add_axes(
            (
                left / CASE_FIGSIZE_WIDTH,
                (bottom + lane_height * len(lanes) + gap) / height,
                width / CASE_FIGSIZE_WIDTH,
                strip / height,
            ),
            sharex=main,
        )
        _date_axis(main, start, end)

        # Lanes: the top lane is drawn highest; alternate shading tells them apart in grey.
        lane_y = {lane: len(lanes) - 1 - i for i, lane in enumerate(lanes)}
        main.set_ylim(-0.5, len(lanes) - 0.5)
        main.set_yticks(list(lane_y.values()), list(lane_y))
        main.tick_params(axis="y", length=0)
        for y in lane_y.values():
            if (len(lanes) - 1 - y) % 2 == 1:
                main.axhspan(y - 0.5, y + 0.5, color="0.97", zorder=0, lw=0)
        main.grid(axis="x", color="0.88", lw=0.6)
        main.set_axisbelow(True)

        # Markers that would touch share a lane in stacked rows.
        half = _marker_days(main, figure, MARKER_SIZE + 3) / 2
        x_mid = _num(shown["date_mid"])
        x_lo = np.minimum(_num(shown["date"]), x_mid - half)
        x_hi = np.maximum(_num(shown["date_latest"]), x_mid + half)
        y = np.zeros(len(shown))
        for lane in lanes:
            here = (lanes_of_events == lane).to_numpy()
            rows = _dodge(x_lo[here], x_hi[here], gap=half * 0.3)
            y[here] = lane_y[lane] + _row_offsets(rows, step=0.26, room=0.4)
        _draw_events(main, shown, y)

        # The detention period, then the time for which the record is silent.
        detention, last_status = _num(anchors.detention), _num(anchors.last_status)
        x_max = main.get_xlim()[1]
        for ax in (main, band_axes):
            ax.axvspan(
                detention,
                last_status,
                color=DETENTION_SHADE,
                lw=0,
                zorder=0.5,
                gid="detention-period",
            )
            if last_status < x_max:
                ax.axvspan(
                    last_status,
                    x_max,
                    facecolor="none",
                    edgecolor="0.8",
                    hatch="////",
                    lw=0,
                    zorder=0.5,
                    gid="outcome-unknown",
                )

        # Expected-return bands, from the detention, in their own strip above the lanes.
        band_axes.set_ylim(-0.5, len(windows) - 0.5)
        band_axes.set_yticks([])
        band_axes.spines[["left", "bottom"]].set_visible(False)
        band_axes.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
        band_axes.set_ylabel("Expected\nreturn", rotation=0, ha="right", va="center", labelpad=8)
        renderer = figure.canvas.get_renderer()
        for i, window in windows.iterrows():
            y_band = len(windows) - 1 - i
            x0, x1 = _num(window["start"]), _num(window["end"])
            band_axes.add_patch(
                Rectangle(
                    (x0, y_band - 0.32),
                    x1 - x0,
                    0.64,
                    facecolor="white",
                    edgecolor="0.2",
                    hatch="\\\\\\",
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
            label = band_axes.text(
                x1,
                y_band,
                f" {text}",
                ha="left",
                va="center",
                fontsize=7.5,
                bbox=LABEL_BOX,
                zorder=3,
            )
            if label.get_window_extent(renderer).x1 > band_axes.get_window_extent(renderer).x1:
                label.set_position((x1 - 1, y_band))
                label.set_text(f"{text} ")
                label.set_ha("right")

        # Key events, labelled where they collide with nothing.
        keys = case_key_events(events)
        keys = keys[keys["event_id"].isin(shown["event_id"])]
        position = dict(zip(shown["event_id"], y, strict=True))
        anchors_xy = [
            (_num(row["date_mid"]), position[row["event_id"]], _label_text(row))
            for _, row in keys.iterrows()
        ]
        obstacles = _marker_boxes(main, x_mid, y, MARKER_SIZE) + _span_boxes(main, shown, y)
        _place_labels(main, anchors_xy, obstacles)

        _title(
            figure,
            f"Eight North Koreans detained in Shenyang: the case, {_month_span(start, end)}",
            height,
        )
        subtitle = (
            f"Day 0 = the detention ({anchors.detention.day} {anchors.detention:%B %Y}, the "
            "middle of its dated window). Shaded: held, up to the last status report "
            f"({anchors.last_status.day} {anchors.last_status:%B %Y}); hatched: outcome not on "
            "record. Each event sits in the lane of its first actor."
        )
        figure.text(
            TITLE_X,
            1 - 0.45 / height,
            textwrap.fill(subtitle, 150),
            fontsize=8,
            color="0.25",
            va="top",
        )
        extra = [
            (Patch(facecolor=DETENTION_SHADE, lw=0), "held (detention to last status report)"),
            (
                Patch(facecolor="none", edgecolor="0.75", hatch="////", lw=0),
                "outcome not on record",
            ),
            (
                Patch(facecolor="white", edgecolor="0.2", hatch="\\\\\\", lw=0.8),
                "expected-return window, from day 0",
            ),
        ]
        handles, labels = _legend_handles(extra)
        _add_legend(figure, handles, labels, top=(bottom - 0.4) / height, ncols=3)
        figure.text(0.01, 0.12 / height, caption(shown, anchors.as_of), fontsize=7.5, color="0.3")
    return figure


def context_timeline(
    events: pd.DataFrame,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> Figure:
    """The wider relationship: one panel per factor, events at their intensity (0-3, negative
    when the event lowers the factor), the case period shaded, a few major events labelled."""
    default_start, default_end = context_window(events)
    start = pd.Timestamp(start) if start is not None else default_start
    end = pd.Timestamp(end) if end is not None else default_end
    anchors = case_anchors(events)
    shown = in_window(events, start, end).sort_values(["date_mid", "event_id"])
    signed = shown["intensity"] * shown["direction"].astype(str).map(
        {"up": 1, "down": -1, "none": 0}
    )
    first, last = shown["date_mid"].min().year, shown["date_mid"].max().year
    years = str(first) if first == last else f"{first}-{last}"

    with mpl.rc_context(style.RC_PARAMS):
        figure = plt.figure(figsize=CONTEXT_FIGSIZE)
        heights = {"pressure": 1.75, "tension": 2.05, "neither": 0.45}  # inches
        left, right, top, bottom, gap = 1.45, 0.3, 0.95, 1.35, 0.12
        fig_w, fig_h = CONTEXT_FIGSIZE
        panels: dict[str, Axes] = {}
        y_top = fig_h - top
        for name in FACTORS:
            y_top -= heights[name]
            panels[name] = figure.add_axes(
                (
                    left / fig_w,
                    y_top / fig_h,
                    (fig_w - left - right) / fig_w,
                    heights[name] / fig_h,
                ),
                sharex=panels.get("pressure"),
            )
            y_top -= gap
        _date_axis(panels["pressure"], start, end)
        half = _marker_days(panels["pressure"], figure, MARKER_SIZE + 2) / 2

        labels_wanted = context_key_events(events, start, end)
        for name, ax in panels.items():
            keys = labels_wanted[labels_wanted["factor"] == name]
            here = (shown["factor"] == name).to_numpy()
            subset = shown[here]
            level = signed[here].to_numpy()
            x_mid = _num(subset["date_mid"])
            y = level.astype(float)
            for value in np.unique(level):
                same = level == value
                rows = _dodge(x_mid[same] - half, x_mid[same] + half, gap=half * 0.2)
                y[same] = value + _row_offsets(rows, step=0.22, room=0.36)
            _draw_events(ax, subset, y)
            low = min(-0.6, level.min(initial=0) - 0.6)
            top_level = max(0.0, level.max(initial=0))
            # Room above the highest events for a three-line label: LABEL_ROOM points, whatever
            # the panel's height, so y = top_level + room is that many points above the top.
            room = LABEL_ROOM / (heights[name] * 72) if len(keys) else 0.0
            high = (top_level + 0.6 - room * low) / (1 - room) if room else top_level + 0.6
            ax.set_ylim(low, high)
            ticks = [t for t in range(-3, 4) if low < t < high]
            ax.set_yticks(ticks, [f"{t:+d}" if t else "0" for t in ticks])
            ax.axhline(0, color="0.5", lw=0.7, zorder=1)
            ax.grid(axis="x", color="0.9", lw=0.6)
            ax.set_axisbelow(True)
            ax.set_ylabel(
                textwrap.fill(FACTOR_LABELS[name], 12),
                rotation=0,
                ha="right",
                va="center",
                labelpad=6,
            )
            ax.axvspan(
                _num(anchors.detention),
                _num(anchors.last_status),
                color=DETENTION_SHADE,
                lw=0,
                zorder=0.5,
                gid="detention-period",
            )
            if name != "neither":
                ax.tick_params(axis="x", labelbottom=False)
            else:
                ax.set_yticks([0], ["0"])
            position = dict(zip(subset["event_id"], y, strict=True))
            anchors_xy = [
                (
                    _num(row["date_mid"]),
                    position[row["event_id"]],
                    _label_text(row, 36, date_on_own_line=False),
                )
                for _, row in keys.iterrows()
            ]
            obstacles = _marker_boxes(ax, x_mid, y, MARKER_SIZE) + _span_boxes(ax, subset, y)
            _place_labels(ax, anchors_xy, obstacles)

        pressure = panels["pressure"]
        middle = _num(anchors.detention + (anchors.last_status - anchors.detention) / 2)
        pressure.annotate(
            f"Shenyang case: detained {anchors.detention:%b %Y}, last status "
            f"{anchors.last_status.day} {anchors.last_status:%b %Y}, outcome not on record",
            (middle, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
            bbox=LABEL_BOX,
            arrowprops={"arrowstyle": "-", "color": "0.35", "lw": 0.6},
            gid="case-label",
        )
        _title(
            figure,
            f"The case in its period: pressure on Beijing and Beijing-Pyongyang tension, {years}",
            fig_h,
        )
        figure.text(
            TITLE_X,
            1 - 0.42 / fig_h,
            "Height: the event's intensity, 1 minor to 3 major (a nuclear test, a UN sanctions "
            "resolution, a leaders' summit); + raises the factor, - lowers it.",
            fontsize=8,
            color="0.25",
            va="top",
        )
        extra = [
            (Patch(facecolor=DETENTION_SHADE, lw=0), "Shenyang case: detention to last status")
        ]
        handles, labels = _legend_handles(extra)
        _add_legend(figure, handles, labels, top=(bottom - 0.4) / fig_h, ncols=3)
        figure.text(0.01, 0.12 / fig_h, caption(shown, anchors.as_of), fontsize=7.5, color="0.3")
    return figure


def write_figures(dataset: Dataset, folder: Path | str) -> list[Path]:
    """Write both charts to ``folder`` as PNG and SVG; same data gives the same bytes.

    Files: ``case_timeline.{png,svg}`` and ``context_timeline.{png,svg}``; returns their paths.
    """
    written: list[Path] = []
    for stem, build in (
        ("case_timeline", lambda: case_timeline(dataset.events, dataset.actors)),
        ("context_timeline", lambda: context_timeline(dataset.events)),
    ):
        figure = build()
        try:
            written += style.save_figure(figure, Path(folder) / stem)
        finally:
            plt.close(figure)
    return written
