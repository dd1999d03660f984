"""The model's charts at the data level: what each Figure draws, from hand-made tables."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.charts import model as charts  # noqa: E402
from analysis.charts import style  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_scenario_intervals_draw_each_rows_numbers_top_down() -> None:
    table = pd.DataFrame(
        {
            "label": ["A", "B"],
            "p_release": [0.2, 0.7],
            "median": [0.25, 0.65],
            "interval_low": [0.1, 0.5],
            "interval_high": [0.4, 0.9],
        }
    )
    ax = charts.plot_scenario_intervals(table).axes[0]
    # The first row is drawn at the top (y = 1): rows are reversed so the table reads down.
    segments = ax.collections[0].get_segments()
    assert [s.tolist() for s in segments] == [[[0.5, 0.0], [0.9, 0.0]], [[0.1, 1.0], [0.4, 1.0]]]
    central, median = ax.lines[0], ax.lines[1]
    assert central.get_xydata().tolist() == [[0.7, 0.0], [0.2, 1.0]]
    assert median.get_xydata().tolist() == [[0.65, 0.0], [0.25, 1.0]]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B", "A"]


def test_tornado_bars_start_at_the_centre_and_end_at_each_setting() -> None:
    table = pd.DataFrame(
        {
            "input": ["wide", "narrow"],
            "low_setting": ["a", "c"],
            "high_setting": ["b", "d"],
            "p_low": [0.1, 0.25],
            "p_high": [0.6, 0.35],
            "swing": [0.5, 0.1],
        }
    )
    ax = charts.plot_tornado(table, central=0.3).axes[0]
    bars = [(round(p.get_x(), 6), round(p.get_width(), 6), p.get_y()) for p in ax.patches]
    # Widest at the top (y index 1); each bar from 0.3 to its setting's P(release).
    assert [(x, w) for x, w, _ in bars] == [(0.3, -0.05), (0.3, 0.05), (0.3, -0.2), (0.3, 0.3)]
    assert [p.get_facecolor()[:3] for p in ax.patches[:2]] == [
        matplotlib.colors.to_rgb(style.RANGE_END_COLORS["low"]),
        matplotlib.colors.to_rgb(style.RANGE_END_COLORS["high"]),
    ]
    assert [p.get_hatch() or "" for p in ax.patches[:2]] == ["xx", ""]


def test_timing_chart_draws_the_curves_the_windows_and_the_delays() -> None:
    days = np.arange(0, 31)
    timing = pd.DataFrame({"day": days, "empirical": days / 60, "lognormal": days / 50})
    windows = pd.DataFrame(
        {"window": ["article", "hrw"], "source": ["article", "HRW"],
         "phrase": ["about two weeks", "within two months"], "days_since_detention": [14, 61]}
    )  # fmt: skip
    delays = np.array([3.0, 20.0, 45.0])
    ax = charts.plot_timing(timing, delays, 0.6, windows).axes[0]
    curve = [line for line in ax.lines if line.get_label() == "log-normal fit"][0]
    assert curve.get_ydata().tolist() == pytest.approx((days / 50).tolist())
    verticals = [
        line.get_xdata()[0]
        for line in ax.lines
        if np.size(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1]
    ]
    assert 14 in verticals and 61 in verticals
    rug = [line for line in ax.lines if line.get_marker() == "|"][0]
    assert rug.get_xdata().tolist() == [3.0, 20.0]  # 45 lies beyond the 30-day axis
    assert "beyond the axis: 45 days" in rug.get_label()


def test_weights_chart_draws_each_range_where_the_table_says() -> None:
    comparison = pd.DataFrame(
        {
            "parameter": ["w_pressure", "w_pressure", "w_tension", "w_tension"],
            "source": ["expert", "fitted", "expert", "fitted"],
            "mean": [0.5, 0.1, 0.4, 0.3],
            "sd": [0.8, 0.2, 0.6, 0.1],
            "low": [-0.5, -0.2, -0.3, 0.2],
            "high": [1.5, 0.4, 1.1, 0.4],
        }
    )
    ax = charts.plot_weights(comparison).axes[0]
    ranges = [list(line.get_xdata()) for line in ax.lines if len(line.get_xdata()) == 2]
    assert ranges[:4] == [[-0.5, 1.5], [-0.2, 0.4], [-0.3, 1.1], [0.2, 0.4]]
    means = [
        list(np.atleast_1d(line.get_xdata())) for line in ax.lines if np.size(line.get_xdata()) == 1
    ]
    assert means == [[0.5], [0.1], [0.4], [0.3]]
