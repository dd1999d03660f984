"""The interactive what-if: sliders for both factors and both weights, a readout, a waterfall.

Answers: what would P(release) be at other factor levels or with other weights, as a reader
moves them (``WhatIf``, for notebooks; ipywidgets is imported only when one is built). The
waterfall is ``analysis.charts.model``'s, redrawn as a PNG on each move.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analysis.charts import style
from analysis.charts.model import draw_waterfall
from analysis.engine.whatif import ScenarioModel, waterfall_steps


def probability_text(p_release: float) -> str:
    """The what-if's headline: both probabilities, two decimals."""
    return f"P(release) = {p_release:.2f} · P(return) = {1 - p_release:.2f}"


class WhatIf:
    """Sliders for both factors and both weights; a probability readout and a waterfall.

    ``widget`` is the box to display; ``update(...)`` is the callback the sliders call, also
    callable directly (it returns the readout text). The waterfall is redrawn on a Figure
    outside pyplot and shown as a PNG in an Image widget, so the callback prints nothing.
    """

    def __init__(self, model: ScenarioModel, pressure: float, tension: float) -> None:
        import ipywidgets as widgets  # only notebooks need it

        self.model = model
        self._moving = False  # True while move_sliders sets several sliders at once
        # Outside pyplot (the callback must display nothing), but in the house style like
        # every chart: the Axes takes its spines from the style when it is created.
        with style.context():
            self.figure = Figure(figsize=(6.0, 3.4), layout="constrained", dpi=100)
            self.ax = self.figure.subplots()
        FigureCanvasAgg(self.figure)  # render_waterfall_png prints through an Agg canvas

        def slider(value: float, low: float, high: float, step: float, text: str):
            return widgets.FloatSlider(
                value=round(value, 2),
                min=low,
                max=high,
                step=step,
                description=text,
                continuous_update=False,
                readout_format=".2f",
                style={"description_width": "initial"},
                layout=widgets.Layout(width="330px"),
            )

        self.sliders = {
            "pressure": slider(pressure, 0.0, 1.0, 0.05, "pressure (0-1)"),
            "tension": slider(tension, 0.0, 1.0, 0.05, "tension (0-1)"),
            "w_pressure": slider(model.w_pressure, -3.0, 3.0, 0.1, "weight of pressure"),
            "w_tension": slider(model.w_tension, -3.0, 3.0, 0.1, "weight of tension"),
        }
        self.probability = widgets.HTML(description="", layout=widgets.Layout(margin="4px 0"))
        self.probability.add_class("whatif-probability")
        self.image = widgets.Image(format="png")
        self.image.add_class("whatif-waterfall")
        for control in self.sliders.values():
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [
                        widgets.VBox([self.sliders["pressure"], self.sliders["tension"]]),
                        widgets.VBox([self.sliders["w_pressure"], self.sliders["w_tension"]]),
                    ]
                ),
                self.probability,
                self.image,
            ]
        )
        self.update(**{name: control.value for name, control in self.sliders.items()})
        # The layout is solved once, for the first picture: the labels and axes keep their
        # size as the sliders move, and solving it again on every move took half of each redraw.
        self.figure.set_layout_engine("none")

    def move_sliders(self, **values: float) -> str:
        """Set sliders by name, as a reader would, so the readout and the sliders agree;
        returns the readout. Names: pressure, tension (0-1), w_pressure, w_tension (-3 to 3)."""
        # One redraw for the whole move, not one per slider: the callback waits until all are set.
        self._moving = True
        try:
            for name, value in values.items():
                self.sliders[name].value = value
        finally:
            self._moving = False
        return self.update(**{name: control.value for name, control in self.sliders.items()})

    def _on_change(self, _change: dict[str, Any]) -> None:
        if self._moving:
            return
        self.update(**{name: control.value for name, control in self.sliders.items()})

    def update(self, pressure: float, tension: float, w_pressure: float, w_tension: float) -> str:
        """Recompute P(release), set the readout, redraw the waterfall; returns the readout."""
        steps = waterfall_steps(self.model.base_rate, pressure, tension, w_pressure, w_tension)
        text = probability_text(float(steps["probability"].iloc[-1]))
        self.probability.value = f"<b>{text}</b>"
        self.image.value = render_waterfall_png(self.figure, self.ax, steps)
        return text


def render_waterfall_png(figure: Figure, ax: Axes, steps: pd.DataFrame) -> bytes:
    """Redraw the waterfall on ``ax`` and return the figure as PNG bytes at the figure's own dpi
    (the slider's redraw). ``figure`` must have an Agg canvas."""
    draw_waterfall(ax, steps, "What if: from the base rate to your scenario")
    buffer = io.BytesIO()
    # The canvas prints with one draw; savefig draws twice once a layout engine has been set,
    # and takes its dpi from the caller's rcParams.
    figure.canvas.print_png(buffer, metadata=style.STABLE_METADATA["png"])
    return buffer.getvalue()
