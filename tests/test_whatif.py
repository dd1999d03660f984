"""The what-if: the sliders' callback, its readout and its picture."""

from __future__ import annotations

from analysis.charts import sliders
from tests.model_helpers import by_hand, round_model


def test_what_if_callback_updates_readout_and_picture() -> None:
    what_if = sliders.WhatIf(round_model(), pressure=0.2, tension=0.2)
    text = what_if.update(pressure=0.9, tension=0.1, w_pressure=2.0, w_tension=-1.0)
    expected = by_hand(0.3, 0.9, 0.1, 2.0, -1.0)
    assert text == f"P(release) = {expected:.2f} · P(return) = {1 - expected:.2f}"
    assert text in what_if.probability.value
    assert "whatif-probability" in what_if.probability._dom_classes
    assert bytes(what_if.image.value).startswith(b"\x89PNG")
    what_if.sliders["pressure"].value = 0.0  # a slider move runs the same callback
    assert f"{by_hand(0.3, 0.0, 0.2, 1.5, 0.5):.2f}" in what_if.probability.value


def test_moving_sliders_from_code_keeps_sliders_and_readout_in_step() -> None:
    what_if = sliders.WhatIf(round_model(), pressure=0.2, tension=0.2)
    text = what_if.move_sliders(pressure=0.9, w_tension=0.0)
    assert what_if.sliders["pressure"].value == 0.9
    assert what_if.sliders["w_tension"].value == 0.0
    assert what_if.sliders["tension"].value == 0.2  # untouched sliders keep their value
    expected = by_hand(0.3, 0.9, 0.2, what_if.sliders["w_pressure"].value, 0.0)
    assert text == what_if.probability.value.removeprefix("<b>").removesuffix("</b>")
    assert f"{expected:.2f}" in text


def test_moving_four_sliders_redraws_once(monkeypatch) -> None:
    what_if = sliders.WhatIf(round_model(), pressure=0.2, tension=0.2)
    redraws = []
    real = sliders.render_waterfall_png
    monkeypatch.setattr(
        sliders, "render_waterfall_png", lambda *args: redraws.append(args) or real(*args)
    )
    what_if.move_sliders(pressure=0.9, tension=0.1, w_pressure=1.0, w_tension=0.0)
    assert len(redraws) == 1
    what_if.sliders["tension"].value = 0.5  # a reader's single move still redraws
    assert len(redraws) == 2


def test_waterfall_picture_is_drawn_in_the_house_style() -> None:
    import matplotlib

    with matplotlib.rc_context({"axes.spines.top": True, "font.family": "serif"}):
        what_if = sliders.WhatIf(round_model(), pressure=0.2, tension=0.2)
    assert not what_if.ax.spines["top"].get_visible()
    assert what_if.ax.title.get_fontfamily() == ["DejaVu Sans"]
    assert what_if.ax.title.get_fontweight() == "bold"


def test_the_waterfall_keeps_its_labels_inside_at_the_sliders_ends() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    what_if = sliders.WhatIf(round_model(), pressure=0.2, tension=0.2)
    figure, ax = what_if.figure, what_if.ax
    FigureCanvasAgg(figure)  # a canvas that can measure the drawn text
    # Both factors at full strength up, then down, then one up and one down: at the sliders'
    # ends the labels used to run into the title or under the axis.
    for pressure, tension, w_pressure, w_tension in [
        (1.0, 1.0, 3.0, 3.0),
        (0.0, 1.0, -3.0, -3.0),
        (1.0, 0.0, -3.0, -3.0),
        (1.0, 1.0, 3.0, -3.0),
    ]:
        what_if.update(pressure, tension, w_pressure, w_tension)
        renderer = figure.canvas.get_renderer()
        frame = ax.get_window_extent(renderer)
        title = ax.title.get_window_extent(renderer)
        labels = [text for text in ax.texts if text.get_text().startswith(("+", "-", "P ="))]
        assert len(labels) == 4  # two factor labels, the base's and the scenario's
        for text in labels:
            box = text.get_window_extent(renderer)
            assert frame.y0 - 0.5 <= box.y0 and box.y1 <= frame.y1 + 0.5, text.get_text()
            assert not box.overlaps(title), text.get_text()


def test_a_redraw_leaves_nothing_of_the_earlier_picture() -> None:
    what_if = sliders.WhatIf(round_model(), pressure=0.2, tension=0.2)
    what_if.update(0.9, 0.1, 2.0, -1.0)
    first = bytes(what_if.image.value)
    drawn = (len(what_if.ax.containers), len(what_if.ax.patches), len(what_if.ax.texts))
    for value in (0.0, 0.5, 1.0):
        what_if.update(value, 1 - value, -2.0, 3.0)
    what_if.update(0.9, 0.1, 2.0, -1.0)
    assert (len(what_if.ax.containers), len(what_if.ax.patches), len(what_if.ax.texts)) == drawn
    assert drawn == (4, 4, 5)  # a bar each for base, two factors, result; 4 labels, even odds
    assert bytes(what_if.image.value) == first


def test_the_picture_has_the_figures_own_size_whatever_the_callers_dpi() -> None:
    import matplotlib

    with matplotlib.rc_context({"savefig.dpi": 300}):
        what_if = sliders.WhatIf(round_model(), pressure=0.2, tension=0.2)
        png = bytes(what_if.image.value)
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (6.0 * 100, 3.4 * 100)  # inches times the figure's 100 dpi
