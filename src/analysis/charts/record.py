"""Charts of the record: events per quarter by factor, from ``record.events_per_quarter``."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import FACTOR_COLORS, FACTOR_HATCHES


@styled
def events_per_quarter_figure(table: pd.DataFrame) -> Figure:
    """Stacked bars of ``record.events_per_quarter``: events per quarter, split by factor."""
    figure = new_figure((8, 3.2), layout="constrained")
    axes = figure.axes[0]
    bottom = pd.Series(0, index=table.index)
    positions = range(len(table))
    for factor in table.columns:
        axes.bar(
            positions, table[factor], bottom=bottom, color=FACTOR_COLORS[factor],
            hatch=FACTOR_HATCHES[factor], edgecolor="white", label=factor,
        )  # fmt: skip
        bottom = bottom + table[factor]
    axes.set_xticks(list(positions), [str(q) for q in table.index], rotation=45, ha="right")
    axes.set_ylabel("events in the record")
    axes.set_title("Events per quarter, by the article's factor they bear on")
    axes.legend(title="factor", loc="upper left")
    return figure
