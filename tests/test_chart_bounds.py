"""Every chart stays inside its image.

The report saves each figure at its own size (no tight crop), so text wider than the figure
is cut at its edge: the what-if waterfall's title lost its last words on every question's
page, a long scenario label pushed the plane's legend off both sides, the empty lane's label
and the context chart's case note ran off the left.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402

from analysis.charts import figure as new_figure  # noqa: E402
from analysis.charts import style, styled  # noqa: E402
from analysis.data.dataset import load_dataset  # noqa: E402
from analysis.engine.headline import headline_detail  # noqa: E402
from analysis.pages import report  # noqa: E402
from analysis.pages.index_page import FIGURE_CAPTIONS  # noqa: E402

# The Spanish embassy 25 (2002): no case event (the empty lane), a case older than the
# record's events (the note at the left end), the longest scenario label (the plane's legend
# and the waterfall's title). The Ukraine POWs: an open case that runs past the record's end.
EDGE_QUESTIONS = ("2002_spanish_embassy", "2025_jan_ukraine_pows_two")


@pytest.fixture(scope="module")
def data():
    return load_dataset()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _outside(figure) -> dict[str, float]:
    """How far (inches) the drawn content reaches past each edge of the figure."""
    figure.draw_without_rendering()
    box = figure.get_tightbbox()
    width, height = figure.get_size_inches()
    return {"left": -box.x0, "bottom": -box.y0, "right": box.x1 - width, "top": box.y1 - height}


@pytest.mark.parametrize("question", EDGE_QUESTIONS)
def test_no_report_chart_of_an_edge_question_runs_off_its_image(data, question) -> None:
    view = report.question_whatif(data, question)
    detail = headline_detail(data, question)
    figures = report.report_figures(data, view, detail, detail.forecasts)
    assert set(figures) == set(FIGURE_CAPTIONS)  # every chart of a question's page
    for stem, draw in figures.items():
        reach = _outside(draw())
        assert max(reach.values()) <= 0.01, (stem, reach)
        plt.close("all")


def _monospace(monkeypatch) -> None:
    """Every character 1 point wide: widths by hand."""
    monkeypatch.setattr(style, "text_width", lambda text, _font: float(len(text)))


def test_wrap_to_width_fills_each_line_with_the_words_that_fit(monkeypatch) -> None:
    _monospace(monkeypatch)
    font = FontProperties(size=10)
    # 10 points a line: "aaa bbb" is 7, "aaa bbb ccc" 11; "ccc dddd" 8; a word of 12 alone.
    assert style.wrap_to_width("aaa bbb ccc dddd", font, 10) == "aaa bbb\nccc dddd"
    assert style.wrap_to_width("aaa bbb ccc dddd", font, 11) == "aaa bbb ccc\ndddd"
    assert style.wrap_to_width("abcdefghijkl xy", font, 10) == "abcdefghijkl\nxy"
    # Its own line breaks stay, each line wrapped alone; text that fits is left as it is.
    assert style.wrap_to_width("aaa bbb\nccc", font, 10) == "aaa bbb\nccc"
    assert style.wrap_to_width("aaa bbb\nccc ddd eee", font, 8) == "aaa bbb\nccc ddd\neee"


def test_wrapped_lines_fit_as_agg_measures_them() -> None:
    """A second implementation of the font's widths (Agg's, hinted) agrees that every line
    fits, and the words are the title's, in order."""
    title = "What-if (the article's argument): Spanish embassy 25, as of 14 Mar 2002, base rate"
    font = FontProperties(family="DejaVu Sans", size=10, weight="bold")
    wrapped = style.wrap_to_width(title, font, 300)
    renderer = RendererAgg(1000, 100, 72)  # 72 dpi: a pixel is a point
    widths = [
        renderer.get_text_width_height_descent(line, font, False)[0] for line in wrapped.split("\n")
    ]
    assert len(widths) == 2
    assert max(widths) <= 300 * 1.02
    assert wrapped.split() == title.split()


def test_a_styled_chart_breaks_a_title_wider_than_its_figure_and_keeps_a_short_one() -> None:
    @styled
    def chart(title: str, subtitle: str):
        figure = new_figure((4.0, 3.0))
        figure.suptitle(title)
        figure.axes[0].set_title(subtitle, loc="left")
        return figure

    long = "A title of many words that could never fit on one line of a four-inch figure"
    drawn = chart(long, "short")
    assert "\n" in drawn.get_suptitle()
    assert drawn.get_suptitle().split() == long.split()
    assert drawn.axes[0].get_title(loc="left") == "short"
    assert max(_outside(drawn).values()) <= 0.01


def test_legend_columns_by_hand(monkeypatch) -> None:
    _monospace(monkeypatch)
    # At 10 points an entry is its label (1 point a character) and a handle of (2.0 + 0.8) x 10
    # = 28 points; columns are 20 points apart; a figure W inches wide leaves (W - 0.4) x 72.
    # Entries 78, 38, 29, 29 points. Two columns hold [78, 38] and [29, 29], as matplotlib
    # fills them: 78 + 29 + 20 = 127 points, which fits 2.2 inches (129.6); filled across
    # ([78, 29], [38, 29]) they would need 136. Three: [78, 38], [29], [29]: 176 points.
    labels = ["x" * 50, "y" * 10, "z", "w"]
    defaults = {
        "legend.handlelength": 2.0,
        "legend.handletextpad": 0.8,
        "legend.columnspacing": 2.0,
    }
    with matplotlib.rc_context(defaults):
        assert style.legend_columns(labels, 10, 2.2, 3) == 2
        assert style.legend_columns(labels, 10, 2.9, 3) == 3  # 176 <= 180
        assert style.legend_columns(labels, 10, 2.8, 3) == 2  # 176 > 172.8
        assert style.legend_columns(labels, 10, 2.0, 3) == 1  # 127 > 115.2
        assert style.legend_columns(labels, 10, 8.0, 2) == 2  # at most ``most``
        assert style.legend_columns(labels[:1], 10, 8.0, 3) == 1  # no more than the entries


def test_the_record_chart_of_outcomes_keeps_its_rows_names_inside_its_image(data) -> None:
    """Notebook 03's chart of every case: its rows' names (in words, the longest 'reached
    South Korea or a third country') and its size legend beside the axes."""
    from analysis.charts import history as history_charts
    from analysis.record import history

    figure = history_charts.plot_outcomes_over_time(
        history.with_year_and_period(data.cases), "2017_shenyang_eight", "Shenyang eight"
    )
    assert max(_outside(figure).values()) <= 0.01
