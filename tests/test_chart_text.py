"""Data strings are drawn as written, and validate refuses dates the charts cannot draw."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from analysis.charts.model import plot_scenario_intervals
from analysis.data.dataset import validate_data


def test_without_the_house_style_paired_dollars_would_be_math() -> None:
    # The defect the style's text.parse_math setting exists for: matplotlib's default reading.
    assert Text(text="US$5 and US$10")._preprocess_math("US$5 and US$10")[1] is True


def test_scenario_labels_with_dollars_are_drawn_as_written() -> None:
    table = pd.DataFrame(
        {
            "label": ["Price $^$", "US$5 and US$10"],
            "interval_low": [0.2, 0.4],
            "interval_high": [0.6, 0.8],
            "p_release": [0.4, 0.6],
            "median": [0.41, 0.59],
        }
    )
    figure = plot_scenario_intervals(table)
    figure.savefig(io.BytesIO(), format="svg")
    drawn = [tick._preprocess_math(tick.get_text()) for tick in figure.axes[0].get_yticklabels()]
    plt.close(figure)
    assert sorted(drawn) == sorted((label, False) for label in table["label"])


@pytest.mark.parametrize(
    ("day", "refused"),
    [
        ("0001-01-01", True),
        ("9999-12-31", True),
        ("1899-12-31", True),
        ("2101-01-01", True),
        ("1900-01-01", False),
        ("2100-12-31", False),
    ],
)
def test_dates_the_charts_cannot_draw_are_refused(day: str, refused: bool, edit_table) -> None:
    # E004 is a day-precision event: any single day is a well-formed value for it.
    folder = edit_table("events.csv", lambda text: text.replace("E004,2017-04-24", f"E004,{day}"))
    problems = [str(p) for p in validate_data(folder) if p.column == "date"]
    expected = [
        f"events.csv:5: date: out of range (got {day}, expected 1900-01-01 to 2100-12-31, "
        "the years the charts can draw)"
    ]
    assert problems == (expected if refused else [])
