"""The pictures: every chart takes computed results and returns a Figure.

``figure`` is the one way a chart starts: it creates the Figure (through pyplot, so notebooks
show it) in the house style of ``analysis.charts.style``. Charts never save: the report writes
the files. The numbers modules never import this package.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from analysis.charts import style


def figure(figsize: tuple[float, float], *, layout: str | None = None, axes: bool = True) -> Figure:
    """A new Figure of ``figsize`` inches in the house style, with one Axes unless ``axes`` is
    False (then the chart adds its own, inside ``style.context()``)."""
    with style.context():
        created = plt.figure(figsize=figsize, layout=layout)
        if axes:
            created.add_subplot()
    return created
