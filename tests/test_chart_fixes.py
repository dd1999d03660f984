"""The chart fixes of issue 23, checked at the data level on the real record: numbers and
labels clear of the markers and lines, a title that matches its axis, no empty half, plain
typography."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("agg")

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from analysis.charts import model as model_charts
from analysis.charts import timeline as timeline_charts
from analysis.defaults import DEFAULT_CASE
from analysis.engine import whatif
from analysis.record import timeline
from analysis.record.case import case_facts

pytestmark = pytest.mark.usefixtures("closing_figures")


def _boxes(figure, gid: str) -> list[Bbox]:
    renderer = figure.canvas.get_renderer()
    return [
        Text.get_window_extent(text, renderer)
        for ax in figure.axes
        for text in ax.texts
        if text.get_gid() == gid
    ]


def _marker_boxes(ax) -> list[Bbox]:
    """Each drawn marker's display box, from the lines' own data and marker size."""
    boxes = []
    for line in ax.get_lines():
        if line.get_marker() in ("None", None, "") or line.get_linestyle() not in ("None", ""):
            continue
        half = line.get_markersize() / 2 * ax.figure.dpi / 72
        for px, py in ax.transData.transform(line.get_xydata()):
            boxes.append(Bbox([[px - half, py - half], [px + half, py + half]]))
    return boxes


def _overlaps(a: Bbox, b: Bbox) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_case_timeline_numbers_sit_clear_of_markers_and_window_lines(record_data) -> None:
    figure = timeline_charts.case_timeline(
        timeline.case_chart(
            record_data.events, record_data.actors, case_facts(record_data, DEFAULT_CASE)
        )
    )
    figure.canvas.draw()
    main = next(ax for ax in figure.axes if any(t.get_gid() == "marker-number" for t in ax.texts))
    numbers = _boxes(figure, "marker-number")
    markers = _marker_boxes(main)
    assert len(numbers) >= 10 and len(markers) >= len(numbers)
    hit_markers = [n for n in numbers if any(_overlaps(n, m) for m in markers)]
    assert hit_markers == []
    lines = [
        line for line in main.get_lines() if str(line.get_gid()).startswith("expected-return-end")
    ]
    assert len(lines) == 2  # the article's and HRW's windows
    for line in lines:
        x = main.transData.transform((line.get_xdata()[0], 0))[0]
        assert [n for n in numbers if n.x0 < x < n.x1] == []
    numbers_hit = [
        (a, b) for i, a in enumerate(numbers) for b in numbers[i + 1 :] if _overlaps(a, b)
    ]
    assert numbers_hit == []
    labels = _boxes(figure, "key-event")
    assert labels and [b for b in labels if any(_overlaps(b, m) for m in markers)] == []


def test_context_timeline_title_matches_its_axis_and_has_no_empty_half(record_data) -> None:
    figure = timeline_charts.context_timeline(
        timeline.context_chart(record_data.events, case_facts(record_data, DEFAULT_CASE))
    )
    title = figure._suptitle.get_text()
    first, last = map(int, re.search(r"(\d{4})-(\d{4})$", title).groups())
    ax = figure.axes[0]
    low, high = (mdates.num2date(x) for x in ax.get_xlim())
    assert (low.year, (high - pd.Timedelta(days=1)).year) == (first, last)
    # The detention is in 2017: the span is the year before to the year after.
    assert (first, last) == (2016, 2018)
    # No empty half: no gap between drawn events longer than half the axis.
    days = sorted(
        x
        for axes in figure.axes
        for line in axes.get_lines()
        for x in line.get_xdata()
        if line.get_marker() not in ("None", None, "") and isinstance(x, (float, np.floating))
    )
    assert days and np.diff(days).max() < (ax.get_xlim()[1] - ax.get_xlim()[0]) / 2
    assert "events of the record outside 2016-2018" in " ".join(t.get_text() for t in figure.texts)


def test_waterfall_has_no_empty_half_and_plain_typography() -> None:
    steps = whatif.waterfall_steps(0.08, 0.62, 0.68, 0.5, 0.4)
    figure = model_charts.plot_waterfall(steps, "a title")
    ax = figure.axes[0]
    low, high = ax.get_ylim()
    tops = [bar.get_y() + bar.get_height() for bar in ax.patches]
    # The highest step reaches the upper half of the axis.
    assert (max(tops) - low) / (high - low) > 0.5
    texts = [t.get_text() for t in ax.texts] + [t.get_text() for t in ax.get_xticklabels()]
    assert not [t for t in texts if "->" in t or re.search(r"\bx weight", t)]
    assert any("\u2192 P = " in t for t in texts) and any("\u00d7 weight" in t for t in texts)
    assert "  " not in ax.get_ylabel()
    assert len(ax.get_yticks()) >= 3


def test_factor_chart_dates_have_no_leading_zero(record_data) -> None:
    from analysis.record import factors
    from analysis.record.timeline import factor_period

    facts = case_facts(record_data, DEFAULT_CASE)
    figure = model_charts.plot_factors(
        factors.factor_series(record_data.events, *factor_period(facts)),
        record_data.events,
        (facts.case["detained_date"], facts.case["detained_latest"]),
        facts.as_of,
        "as of",
    )
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    texts += [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    texts += [
        t.get_text() for ax in figure.axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]
    assert any("Mar" in t for t in texts)
    assert [
        t for t in texts if re.search(r"\b0\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)", t)
    ] == []


def test_context_timeline_draws_a_factor_with_no_event_in_its_span_as_an_empty_panel(
    record_data,
) -> None:
    # 2012_shenyang_31's span (2011-2013) holds events of some factors only: the factor without
    # one is drawn empty, not a crash (it stopped the gallery's 2012 report).
    facts = case_facts(record_data, "2012_shenyang_31")
    chart = timeline.context_chart(record_data.events, facts)
    figure = timeline_charts.context_timeline(chart)
    factors = set(chart.shown["factor"])
    assert len(factors) < 3
    panels_with_markers = sum(
        any(line.get_marker() not in ("None", None, "") for line in axes.get_lines())
        for axes in figure.axes
    )
    assert panels_with_markers == len(factors)
