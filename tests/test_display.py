"""Tables as a reader sees them (``charts.style.readable``), by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.charts import style as display


def test_counts_are_whole_missing_is_a_dash_codes_are_words() -> None:
    frame = pd.DataFrame(
        {
            "count_id": ["a_one", "b"],
            "low": [41.0, np.nan],  # counts stored as floats because of the gap
            "share": [0.2, 0.25],
            "outcome": ["reached_south_or_third_country", "returned"],
            "part_of": ["", "a_one"],
            "exact": [True, False],
            "as_of_date": pd.to_datetime(["2017-04-23", None]),
        },
        index=[5, 9],  # row numbers left by a filter: meaningless to a reader
    )
    shown = display.readable(frame)
    assert list(shown.columns) == [
        "count id",
        "low",
        "share",
        "outcome",
        "part of",
        "exact",
        "as of date",
    ]
    assert shown.to_dict("list") == {
        "count id": ["a one", "b"],
        "low": ["41", "\u2013"],
        "share": ["0.20", "0.25"],
        "outcome": ["reached South Korea or a third country", "returned"],
        "part of": ["\u2013", "a one"],
        "exact": ["yes", "no"],
        "as of date": ["2017-04-23", "\u2013"],
    }


def test_a_series_becomes_a_table_without_a_dtype_line() -> None:
    arrivals = pd.Series([2914.0, 63.0], index=pd.Index([2009, 2021], name="year"), name="arrivals")
    text = display.to_text(arrivals)
    assert text.split("\n") == ["year arrivals", "2009     2914", "2021       63"]
    assert "dtype" not in text and "Name:" not in text


def test_a_named_index_is_kept_as_a_column_and_the_html_has_no_index() -> None:
    table = pd.crosstab(pd.Series(["x", "y", "x"], name="row_kind"), pd.Series(["c", "c", "d"]))
    shown = display.readable(table)
    assert shown.to_dict("list") == {"row kind": ["x", "y"], "c": ["1", "1"], "d": ["1", "0"]}
    assert "<th></th>" not in display.to_html(table)


def test_one_label_map_for_tables_and_charts() -> None:
    assert display.label("half_life_30") == "half-life 30 days"
    assert display.label("plus_third_country") == "plus third countries"
    assert display.label("some_new_code") == "some new code"
    assert display.label("detention") == "detention"  # single words are left alone
    assert display.label("2003_yantai_boat_people") == "2003_yantai_boat_people"  # an id


def test_a_chart_in_words_is_its_titles_each_once() -> None:
    """``describe_figure``, the alt text of a chart's image on the notebook pages: the figure's
    title, then each panel's (left, centre, right), on one line each, without a closing stop,
    a title shown twice said once; a chart without a title keeps matplotlib's text."""
    from matplotlib.figure import Figure

    figure = Figure()
    top, bottom = figure.subplots(2, 1)
    figure.suptitle("Where release\nleads.")
    top.set_title("note:", loc="left")
    top.set_title("centre", loc="center")
    bottom.set_title("note", loc="right")
    assert display.describe_figure(figure) == "Chart: Where release leads; note; centre"
    untitled = Figure()
    untitled.subplots()
    assert display.describe_figure(untitled) == "<Figure size 640x480 with 1 Axes>"


def test_a_kernel_shows_a_figure_whole_at_its_own_size_in_the_formats_it_chose() -> None:
    """``style.apply`` in a kernel: a figure's image is the figure at its own size (300 x 200
    pixels for 3 x 2 inches at 100 dpi), not cropped to what is drawn, where a text far
    outside it would widen the image; its words stay; a kernel configured for no images
    (the runs that compare text) still gets none."""
    import base64
    import struct

    import ipykernel  # noqa: F401 - in sys.modules, as in every kernel
    import matplotlib as mpl
    import pandas as pd
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure
    from matplotlib_inline.config import InlineBackend

    from analysis.charts import style

    def chart() -> Figure:
        figure = Figure(figsize=(3, 2), dpi=100)
        figure.subplots().set_title("A chart")
        figure.text(1.5, 0.5, "far outside")
        return figure

    kept = [part for name in style.PANDAS_OPTIONS for part in (name, pd.get_option(name))]
    shell = InteractiveShell.instance()
    try:
        with mpl.rc_context(), pd.option_context(*kept):
            style.apply()
            shown, _ = shell.display_formatter.format(chart())
            png = base64.b64decode(shown["image/png"])
            assert struct.unpack(">II", png[16:24]) == (300, 200)
            assert shown["text/plain"] == "Chart: A chart"
            InlineBackend.instance(parent=shell).figure_formats = set()
            style.apply()
            shown, _ = shell.display_formatter.format(chart())
            assert set(shown) == {"text/plain"} and shown["text/plain"] == "Chart: A chart"
    finally:
        InlineBackend.clear_instance()
        InteractiveShell.clear_instance()
