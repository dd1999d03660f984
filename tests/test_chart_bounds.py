"""Every chart stays inside its image, and a case's chart says the outcome the record has.

The report saves each figure at its own size (no tight crop), so text wider than the figure
is cut at its edge: the what-if waterfall's title lost its last words on every question's
page, a long scenario label pushed the plane's legend off both sides, the empty lane's label
and the context chart's case note ran off the left. The gallery's resolved questions were
also drawn as if their outcome were unknown ("outcome not on record").
"""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import RendererAgg  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from analysis.charts import figure as new_figure  # noqa: E402
from analysis.charts import style, styled  # noqa: E402
from analysis.charts import timeline as timeline_charts  # noqa: E402
from analysis.engine.headline import headline_detail  # noqa: E402
from analysis.pages import report  # noqa: E402
from analysis.pages.index_page import FIGURE_CAPTIONS  # noqa: E402
from analysis.record import timeline  # noqa: E402
from analysis.record.case import case_facts  # noqa: E402

# The Spanish embassy 25 (2002): no case event (the empty lane), a case older than the
# record's events (the note at the left end), the longest scenario label (the plane's legend
# and the waterfall's title). The Ukraine POWs: an open case that runs past the record's end.
EDGE_QUESTIONS = ("2002_spanish_embassy", "2025_jan_ukraine_pows_two")


pytestmark = pytest.mark.usefixtures("closing_figures")


def _outside(figure) -> dict[str, float]:
    """How far (inches) the drawn content reaches past each edge of the figure."""
    figure.draw_without_rendering()
    box = figure.get_tightbbox()
    width, height = figure.get_size_inches()
    return {"left": -box.x0, "bottom": -box.y0, "right": box.x1 - width, "top": box.y1 - height}


@pytest.mark.parametrize("question", EDGE_QUESTIONS)
def test_no_report_chart_of_an_edge_question_runs_off_its_image(record_data, question) -> None:
    view = report.question_whatif(record_data, question)
    detail = headline_detail(record_data, question)
    figures = report.report_figures(record_data, view, detail, detail.forecasts)
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


def _note(figure) -> str:
    notes = [t for t in figure.findobj(Text) if t.get_gid() == "case-label"]
    assert len(notes) == 1
    return notes[0].get_text()


def test_a_resolved_case_is_drawn_with_its_outcome_and_an_open_one_as_unknown(record_data) -> None:
    # Resolved: the Spanish embassy 25 reached Seoul by way of Manila on 15 March 2002
    # (cases.csv); held from day 0 to that day, no hatched unknown after it.
    facts = case_facts(record_data, "2002_spanish_embassy")
    assert facts.outcome_day == pd.Timestamp("2002-03-15")
    assert facts.held_until == pd.Timestamp("2002-03-15")
    assert facts.outcome_note == "reached South Korea or a third country, 15 Mar 2002"
    figure = timeline_charts.case_timeline(
        timeline.case_chart(record_data.events, record_data.actors, facts)
    )
    gids = {artist.get_gid() for artist in figure.findobj()}
    assert "outcome-day" in gids and "outcome-unknown" not in gids
    words = " ".join(t.get_text() for t in figure.findobj(Text))
    assert "outcome not on record" not in words
    assert "up to the outcome on record (reached South Korea or a third country, 15 Mar 2002" in (
        " ".join(words.split())
    )
    context = timeline_charts.context_timeline(timeline.context_chart(record_data.events, facts))
    assert _note(context) == (
        "Spanish embassy 25 case (outside the years drawn): detained Mar 2002, outcome "
        "reached South Korea or a third country, 15 Mar 2002"
    )
    # Open: the Shenyang eight, last reported on 18 May 2017, outcome not on record.
    main = case_facts(record_data, "2017_shenyang_eight")
    assert main.outcome_day is None and main.held_until == main.last_status
    assert main.outcome_note == "outcome not on record"
    figure = timeline_charts.case_timeline(
        timeline.case_chart(record_data.events, record_data.actors, main)
    )
    gids = {artist.get_gid() for artist in figure.findobj()}
    assert "outcome-unknown" in gids and "outcome-day" not in gids
    context = timeline_charts.context_timeline(timeline.context_chart(record_data.events, main))
    assert _note(context) == (
        "Shenyang eight case: detained Mar 2017, last status 18 May 2017, outcome not on record"
    )


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        ("day", "returned to North Korea, 28 Sep 2013"),
        ("approximate", "returned to North Korea, about 28 Sep 2013"),
        ("month", "returned to North Korea, Sep 2013"),
        ("year", "returned to North Korea, 2013"),
    ],
)
def test_the_outcome_note_dates_the_outcome_as_precisely_as_the_record(
    record_data, precision, expected
) -> None:
    facts = case_facts(record_data, "2013_laos_nine_via_china")
    case = facts.case.copy()
    case["outcome_date"] = pd.Timestamp("2013-09-28")
    case["outcome_precision"] = precision
    assert dataclasses.replace(facts, case=case).outcome_note == expected


def test_the_record_chart_of_outcomes_keeps_its_rows_names_inside_its_image(record_data) -> None:
    """Notebook 03's chart of every case: its rows' names (in words, the longest 'reached
    South Korea or a third country') and its size legend beside the axes."""
    from analysis.charts import history as history_charts
    from analysis.record import history

    figure = history_charts.plot_outcomes_over_time(
        history.with_year_and_period(record_data.cases), "2017_shenyang_eight", "Shenyang eight"
    )
    assert max(_outside(figure).values()) <= 0.01


def test_a_case_chart_runs_to_the_outcome_when_it_comes_after_everything_else(record_data) -> None:
    # The Canada embassy 44: day 0 on 29 September 2004, no later status report, HRW's two
    # months end on 29 November; they reached Seoul in December 2004 (cases.csv, a month).
    facts = case_facts(record_data, "2004_canada_embassy_44")
    assert facts.last_status == pd.Timestamp("2004-09-29")
    assert facts.windows["end"].max() < pd.Timestamp("2004-12-01") == facts.outcome_day
    start, end = timeline.case_window(facts)
    assert (start, end) == (pd.Timestamp("2004-09-01"), pd.Timestamp("2004-12-31"))


def test_the_context_chart_shades_the_detention_up_to_the_outcome(record_data) -> None:
    # The Laos nine: detained 10 May 2013, no status report after that day, returned on
    # 28 May (cases.csv): each panel's shade runs from day 0 to the return.
    import matplotlib.dates as mdates

    facts = case_facts(record_data, "2013_laos_nine_via_china")
    assert facts.last_status == pd.Timestamp("2013-05-10")
    figure = timeline_charts.context_timeline(timeline.context_chart(record_data.events, facts))
    shades = [a for a in figure.findobj() if a.get_gid() == "detention-period"]
    assert len(shades) == 3  # one per factor's panel
    for shade in shades:
        left, right = shade.get_x(), shade.get_x() + shade.get_width()
        assert (left, right) == (
            mdates.date2num(pd.Timestamp("2013-05-10")),
            mdates.date2num(pd.Timestamp("2013-05-28")),
        )


def test_the_track_records_reliability_chart_stays_inside_its_image(record_data) -> None:
    from analysis import paths
    from analysis.charts import scoring as scoring_charts
    from analysis.engine import track_record
    from analysis.engine.ledger import read_frozen

    table = track_record.track_record(record_data, read_frozen(paths.DATA_DIR / "forecasts.csv"))
    bins = track_record.reliability(table)
    assert bins is not None  # two bins hold both outcomes: the page draws it
    assert max(_outside(scoring_charts.plot_reliability(bins)).values()) <= 0.01
