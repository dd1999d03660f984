"""The pictures: every chart takes computed results and returns a Figure.

``figure`` is the one way a chart starts: it creates the Figure (through pyplot, so notebooks
show it) in the house style of ``analysis.charts.style``; ``styled`` wraps a chart function so
that everything it draws (titles, labels, ticks, legends) is drawn inside that style too, not
only the Figure and its first Axes. Charts never save: the report writes the files. The numbers
modules never import this package.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.charts import style

Params = ParamSpec("Params")
Result = TypeVar("Result")


def styled(chart: Callable[Params, Result]) -> Callable[Params, Result]:
    """Run ``chart`` inside ``style.context()``: text and artists take their font, weight and
    spines from the house rcParams when they are created, whatever the caller's rcParams. A
    Figure it returns has its titles broken to fit its width (``style.fit_titles``)."""

    @functools.wraps(chart)
    def draw(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        with style.context():
            result = chart(*args, **kwargs)
            if isinstance(result, Figure):
                style.fit_titles(result)
            return result

    return draw


def figure(figsize: tuple[float, float], *, layout: str | None = None, axes: bool = True) -> Figure:
    """A new Figure of ``figsize`` inches in the house style, with one Axes unless ``axes`` is
    False (then the chart adds its own, inside ``style.context()``)."""
    with style.context():
        created = plt.figure(figsize=figsize, layout=layout)
        if axes:
            created.add_subplot()
    return created
