"""The aggregates charts draw what they are given: a range as a bar, a floor hollow, arrivals
split by sex where the release gives the split."""

from __future__ import annotations

import pandas as pd
from matplotlib.collections import LineCollection, PathCollection

from analysis.charts import record as record_charts


def test_counts_chart_draws_ranges_and_floors() -> None:
    counts = pd.DataFrame(
        {
            "count_id": ["a", "b", "c"],
            "measure": ["detained", "returned", "still_held"],
            "as_of_date": pd.to_datetime(["2017-04-23", "2023-10-09", "2023-06-13"]),
            "low": [41.0, 600.0, 600.0],
            "high": [float("nan"), 600.0, 2000.0],
            "qualifier": ["at_least", "about", "range"],
            "is_part": [False, False, True],
        }
    )
    axes = record_charts.plot_published_counts(counts).axes[0]
    assert axes.get_yscale() == "log"
    lines = [c for c in axes.collections if isinstance(c, LineCollection)]
    segments = [segment for line in lines for segment in line.get_segments()]
    assert [(segment[0][1], segment[1][1]) for segment in segments] == [(600.0, 2000.0)]
    markers = [c for c in axes.collections if isinstance(c, PathCollection)]
    hollow = [c for c in markers if len(c.get_offsets()) and c.get_facecolors().size == 0]
    assert [float(c.get_offsets()[0][1]) for c in hollow] == [41.0]


def test_arrivals_chart_splits_by_sex_where_given() -> None:
    arrivals = pd.DataFrame(
        {
            "year": [2001, 2002],
            "arrivals": [583.0, 1142.0],
            "men": [float("nan"), 510.0],
            "women": [float("nan"), 632.0],
        }
    )
    axes = record_charts.plot_arrivals(arrivals).axes[0]
    heights = sorted(bar.get_height() for bar in axes.patches)
    assert heights == [510.0, 583.0, 632.0]
    tops = sorted(bar.get_y() + bar.get_height() for bar in axes.patches)
    assert tops[-1] == 1142.0
