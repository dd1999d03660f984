"""Where the timelines' labels go: each on a light box, clear of the markers, the whiskers and
each other, inside the frame. Display-space geometry only; the timelines call it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

LABEL_BOX = {"boxstyle": "round,pad=0.25", "fc": "white", "ec": "0.6", "lw": 0.6, "alpha": 0.93}
HOLLOW_PRECISIONS = ("month", "year", "approximate")  # the day lies somewhere in a window


def date_numbers(days: pd.Series | pd.Timestamp) -> np.ndarray | float:
    """Matplotlib date numbers (days since the epoch) for timestamps."""
    return mdates.date2num(days)


def overlap_area(box: Bbox, others: Sequence[Bbox]) -> float:
    """Total area of ``box`` covered by ``others`` (display units squared)."""
    total = 0.0
    for other in others:
        width = min(box.x1, other.x1) - max(box.x0, other.x0)
        height = min(box.y1, other.y1) - max(box.y0, other.y0)
        if width > 0 and height > 0:
            total += width * height
    return total


def place_labels(
    ax: Axes,
    anchors: Sequence[tuple[float, float, str]],
    obstacles: Sequence[Bbox],
    lane_half: float | None = None,
) -> list[Annotation]:
    """Label each anchor on a light box, trying offsets until the box collides with nothing.

    Tried in order: above, below, the four diagonals, then the same farther out. A label that
    fits nowhere takes the position with the least overlap, so no key event goes unlabelled.
    With ``lane_half`` (data units), a box reaching out of its anchor's lane (the round
    height +- lane_half) costs as much as one leaving the frame: callouts stay in their lane.
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
            if lane_half is not None:
                lane = round(y)
                (_, lane_low), (_, lane_high) = ax.transData.transform(
                    [(x, lane - lane_half), (x, lane + lane_half)]
                )
                outside += max(0, lane_low - box.y0 - 5) + max(0, box.y1 - 5 - lane_high)
            cost = overlap_area(box, placed) * 4 + overlap_area(box, obstacles) + outside * 1e4
            if best is None or cost < best[0]:
                best = (cost, candidate, box)
            if cost == 0:
                break
        label.xyann, ha, va = best[1]
        label.set(ha=ha, va=va)
        placed.append(best[2])
        labels.append(label)
    return labels


def marker_boxes(ax: Axes, x: np.ndarray, y: np.ndarray, size_points: float) -> list[Bbox]:
    """Display-space boxes around markers, so labels keep clear of the data."""
    half = size_points / 2 * ax.figure.dpi / 72 + 1
    points = ax.transData.transform(np.column_stack([x, y]))
    return [Bbox([[px - half, py - half], [px + half, py + half]]) for px, py in points]


def span_boxes(ax: Axes, shown: pd.DataFrame, y: np.ndarray) -> list[Bbox]:
    """Display-space boxes around whiskers and range bars."""
    boxes = []
    windowed = shown["date_precision"].astype(str).isin((*HOLLOW_PRECISIONS, "range")).to_numpy()
    for a, c, b in zip(
        date_numbers(shown["date"])[windowed],
        date_numbers(shown["date_latest"])[windowed],
        y[windowed],
        strict=True,
    ):
        (x0, y0), (x1, _) = ax.transData.transform([(a, b), (c, b)])
        boxes.append(Bbox([[x0, y0 - 4], [x1, y0 + 4]]))
    return boxes


def _number_offsets(marker_size: float) -> tuple[tuple[tuple[float, float], str, str], ...]:
    """Where a marker's number may go, in points from the marker: above, below, right, left,
    the diagonals, then the same a step farther out."""
    return tuple(
        ((dx * (marker_size / 2 + extra), dy * (marker_size / 2 + extra)), ha, va)
        for extra in (0.5, 4.0)
        for dx, dy, ha, va in (
            (0, 1, "center", "bottom"),
            (0, -1, "center", "top"),
            (1, 0, "left", "center"),
            (-1, 0, "right", "center"),
            (1, 1, "left", "bottom"),
            (-1, 1, "right", "bottom"),
            (1, -1, "left", "top"),
            (-1, -1, "right", "top"),
        )
    )


def place_numbers(
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    numbers: np.ndarray,
    marker_size: float,
    obstacles: Sequence[Bbox],
) -> list[Bbox]:
    """Each non-zero number of ``numbers`` beside its marker at (x, y) (gid ``marker-number``):
    the first of ``_number_offsets`` clear of ``obstacles`` and the numbers already placed,
    or the least covered one; returns the numbers' boxes."""
    renderer = ax.figure.canvas.get_renderer()
    offsets = _number_offsets(marker_size)
    boxes: list[Bbox] = []
    for px, py, number in zip(x, y, numbers, strict=True):
        if not number:
            continue
        text = ax.annotate(
            str(number),
            (px, py),
            xytext=offsets[0][0],
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            color="0.1",
            zorder=5,
            gid="marker-number",
        )
        best = None
        for offset, ha, va in offsets:
            text.xyann = offset
            text.set(ha=ha, va=va)
            text.update_positions(renderer)  # else the extent is the previous offset's
            box = Text.get_window_extent(text, renderer).padded(1)
            cost = overlap_area(box, [*obstacles, *boxes])
            if best is None or cost < best[0]:
                best = (cost, offset, ha, va, box)
            if cost == 0:
                break
        _, offset, ha, va, box = best
        text.xyann = offset
        text.set(ha=ha, va=va)
        boxes.append(box)
    return boxes
