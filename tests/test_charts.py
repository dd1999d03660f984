"""The model's charts at the data level: what each Figure draws, from hand-made tables."""

from __future__ import annotations

import matplotlib

matplotlib.use("agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.charts import model as charts
from analysis.charts import style


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


# --- one look everywhere -------------------------------------------------------------------

# rcParams a caller might have set: every chart must draw in the house style regardless.
FOREIGN_STYLE = {"font.family": "serif", "axes.titleweight": "normal", "axes.spines.top": True}


@pytest.fixture(scope="module")
def report_figures():
    from analysis.data.dataset import load_dataset
    from analysis.engine.headline import headline_detail
    from analysis.engine.whatif import question_whatif
    from analysis.pages import report

    dataset = load_dataset()
    with matplotlib.rc_context(FOREIGN_STYLE):
        drawn = report.report_figures(dataset, question_whatif(dataset), headline_detail(dataset))
        figures = {stem: draw() for stem, draw in drawn.items()}
    yield figures
    for figure in figures.values():
        plt.close(figure)


def _texts(figure) -> list:
    return [text for text in figure.findobj(matplotlib.text.Text) if text.get_text().strip()]


@pytest.mark.parametrize(
    "stem",
    [
        "case_timeline",
        "context_timeline",
        "scenarios_waterfall",
        "scenarios_plane",
        "scenarios_tornado",
        "scenarios_timing",
        "factors",
        "measured_series",
    ],
)
def test_every_report_figure_is_drawn_in_the_house_style(report_figures, stem: str) -> None:
    figure = report_figures[stem]
    families = {tuple(text.get_fontfamily()) for text in _texts(figure)}
    assert families == {("DejaVu Sans",)}, f"{stem}: text in {families}"
    main = figure.axes[0]
    assert not main.spines["top"].get_visible() and not main.spines["right"].get_visible()
    title = figure.get_suptitle() or main.get_title()
    assert title, f"{stem} has no title"
    title_text = figure._suptitle if figure.get_suptitle() else main.title
    assert title_text.get_fontweight() == "bold", f"{stem}: title not bold"


def test_plane_levels_span_exactly_what_the_map_spans() -> None:
    # By hand: 0.16 to 0.32 in at most 8 bands -> steps of 0.02 from 0.16 to 0.32.
    assert charts.plane_levels(0.16, 0.32).tolist() == pytest.approx(
        [0.16, 0.18, 0.20, 0.22, 0.24, 0.26, 0.28, 0.30, 0.32]
    )
    # 0.043 to 0.097: steps of 0.01 (the finest), from 0.04 up to 0.10.
    assert charts.plane_levels(0.043, 0.097).tolist() == pytest.approx(
        [0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10]
    )


def test_plane_legend_has_a_symbol_for_every_entry_and_markers_stay_in_frame(
    report_figures,
) -> None:
    figure = report_figures["scenarios_plane"]
    legend = figure.legends[0]
    for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
        drawn = handle.get_linestyle() not in ("None", "", " ") or handle.get_marker() not in (
            None,
            "None",
            "",
            " ",
        )
        assert drawn, f"legend entry without a symbol: {text.get_text()!r}"
    ax = figure.axes[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for points in ax.collections:
        if not isinstance(points, matplotlib.collections.PathCollection):
            continue  # the filled map itself
        offsets = np.asarray(points.get_offsets())
        if offsets.size:
            assert (offsets[:, 0] > x0).all() and (offsets[:, 0] < x1).all()
            assert (offsets[:, 1] > y0).all() and (offsets[:, 1] < y1).all()
    colourbar = figure.axes[1]
    low, high = colourbar.get_ylim()
    # The scale spans the map's range (within one band), not 0 to 1.
    assert high - low < 0.5


def test_tornado_labels_inputs_in_words_and_ends_in_their_units() -> None:
    table = pd.DataFrame(
        {
            "input": ["w_pressure (weight)", "factor half-life (days)"],
            "low_setting": ["-0.53", "30"],
            "high_setting": ["+1.53", "120"],
            "p_low": [0.07, 0.12],
            "p_high": [0.22, 0.14],
            "swing": [0.15, 0.02],
        }
    )
    figure = charts.plot_tornado(table, 0.13)
    ticks = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert ticks == [
        "half-life of an event's push\n(days)",
        "weight of pressure\n(log-odds per unit of pressure)",
    ]
    ends = {t.get_text() for t in figure.axes[0].texts}
    assert ends == {"-0.53 log-odds", "+1.53 log-odds", "30 days", "120 days"}
    plt.close(figure)


def test_a_contour_label_goes_where_its_line_is_farthest_from_every_marker() -> None:
    grid = np.linspace(0.0, 1.0, 26)  # steps of 0.04
    figure, ax = plt.subplots()
    lines = ax.contour(grid, grid, np.add.outer(grid, grid), levels=[1.0])  # x + y = 1
    # Two markers on the line's upper half. By hand: the line's points 0.05 or more inside the
    # square run from (0.08, 0.92) to (0.92, 0.08); the second end is the farthest from both
    # (0.59 from the first marker; the other end is 0.31 from the second).
    markers = np.array([[0.5, 0.5], [0.3, 0.7]])
    [(x, y)] = charts.contour_label_positions(lines, markers)
    assert (x, y) == pytest.approx((0.92, 0.08))
    [(x, y)] = charts.contour_label_positions(lines, np.empty((0, 2)))
    assert x + y == pytest.approx(1.0) and 0.05 <= x <= 0.95  # on the line, inside
    # x + y = 0.04 never comes 0.05 inside the square on both axes: no label at all.
    corner = ax.contour(grid, grid, np.add.outer(grid, grid), levels=[0.04])
    assert charts.contour_label_positions(corner, markers) == []
    plt.close(figure)


def test_no_plane_label_covers_a_case_or_a_scenario(report_figures) -> None:
    ax = report_figures["scenarios_plane"].axes[0]
    markers = np.concatenate(
        [
            c.get_offsets()
            for c in ax.collections
            if isinstance(c, matplotlib.collections.PathCollection)
        ]
    )
    labels = [text for text in ax.texts if text.get_text().startswith("0.")]
    assert labels  # the contour labels
    for text in labels:
        gap = np.linalg.norm(markers - np.array(text.get_position()), axis=1).min()
        assert gap > 0.05, f"label {text.get_text()} sits {gap:.3f} from a marker"
