"""The reliability diagram: it draws a one-sided record without warnings and says its counts."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.charts.scoring import plot_reliability
from analysis.engine.scoring import reliability_table


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text().strip()]


def test_all_returns_draw_without_warnings_and_name_the_counts() -> None:
    # Seven cases, all returns; variant "low" puts 5 in the first bin and 2 in the second,
    # "high" all 7 in the 0.30-0.40 bin: the count labels must be 5, 2 and 7.
    frame = pd.DataFrame(
        {
            "variant": ["low"] * 7 + ["high"] * 7,
            "forecast": [0.05] * 5 + [0.15] * 2 + [0.35] * 7,
            "y": [0] * 14,
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = plot_reliability(reliability_table(frame))
        figure.canvas.draw()
    texts = _texts(figure)
    assert figure.get_suptitle() == "Reliability of the in-time forecasts: 7 cases, 0 releases"
    assert any("All 7 outcomes are returns" in t and "cannot show calibration" in t for t in texts)
    bottom = figure.axes[1]
    bar_labels = sorted(t.get_text() for t in bottom.texts)
    assert bar_labels == ["2", "5", "7"]
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert "low" in legend and "high" in legend
    assert "80% Clopper-Pearson" in figure.axes[0].get_legend().get_title().get_text()


def test_markers_differ_by_variant_and_sit_at_the_bin_means() -> None:
    frame = pd.DataFrame(
        {
            "variant": ["a"] * 3 + ["b"] * 3,
            "forecast": [0.1, 0.12, 0.14, 0.62, 0.62, 0.66],
            "y": [0, 1, 0, 1, 1, 0],
        }
    )
    figure = plot_reliability(reliability_table(frame))
    # Each variant is one errorbar container; its first line holds the markers.
    drawn = {c.get_label(): c.lines[0] for c in figure.axes[0].containers}
    assert sorted(drawn) == ["a", "b"]
    assert drawn["a"].get_marker() != drawn["b"].get_marker()
    points = {
        round(x, 6): y for line in drawn.values() for x, y in zip(*line.get_data(), strict=True)
    }
    # Variant a's one bin: mean forecast 0.12, one release in three; b's: 0.6333, 2 in 3.
    assert points[0.12] == pytest.approx(1 / 3)
    assert points[round((0.62 + 0.62 + 0.66) / 3, 6)] == pytest.approx(2 / 3)
    assert "3 cases, 1 releases" in figure.get_suptitle()


def test_drawn_in_the_house_style_whatever_the_callers_rcparams() -> None:
    frame = pd.DataFrame({"variant": ["a"] * 2, "forecast": [0.1, 0.2], "y": [0, 1]})
    foreign = {"font.family": "serif", "axes.titleweight": "normal", "axes.spines.top": True}
    with matplotlib.rc_context(foreign):
        figure = plot_reliability(reliability_table(frame))
    texts = [t for t in figure.findobj(matplotlib.text.Text) if t.get_text().strip()]
    assert {tuple(t.get_fontfamily()) for t in texts} == {("DejaVu Sans",)}
    assert not figure.axes[0].spines["top"].get_visible()
    assert figure._suptitle.get_fontweight() == "bold"
