"""Charts of the record: events per quarter by factor (``record.summary.events_per_quarter``),
published counts, yearly arrivals and the mix of source kinds (from
``analysis.record.aggregates`` and ``analysis.record.sources``). Each takes a frame and returns
a Figure.

The encodings below are local to these charts; colours come from the house palette, and each
colour is doubled by a marker or hatch so the charts read in grey print.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from analysis.charts import figure as new_figure
from analysis.charts import styled
from analysis.charts.style import FACTOR_COLORS, FACTOR_HATCHES, OKABE_ITO


def events_per_quarter_figure(table: pd.DataFrame) -> Figure:
    """Stacked bars of ``record.events_per_quarter``: events per quarter, split by factor."""
    figure = new_figure((8, 3.2), layout="constrained")
    axes = figure.axes[0]
    bottom = pd.Series(0, index=table.index)
    positions = range(len(table))
    for factor in table.columns:
        axes.bar(
            positions,
            table[factor],
            bottom=bottom,
            color=FACTOR_COLORS[factor],
            hatch=FACTOR_HATCHES[factor],
            edgecolor="white",
            label=factor,
        )
        bottom = bottom + table[factor]
    axes.set_xticks(list(positions), [str(q) for q in table.index], rotation=45, ha="right")
    axes.set_ylabel("events in the record")
    axes.set_title("Events per quarter, by the article's factor they bear on")
    axes.legend(title="factor", loc="upper left")
    return figure


MEASURE_STYLE = {
    "detained": (OKABE_ITO["black"], "o"),
    "returned": (OKABE_ITO["vermillion"], "s"),
    "still_held": (OKABE_ITO["orange"], "D"),
    "released": (OKABE_ITO["green"], "v"),
    "reached_south_or_third_country": (OKABE_ITO["blue"], "^"),
}
FLOORS = ("at_least", "more_than")
KIND_STYLE = {
    "official_document": (OKABE_ITO["blue"], ""),
    "wire_agency": (OKABE_ITO["sky_blue"], ".."),
    "newspaper": (OKABE_ITO["green"], ""),
    "ngo_report": (OKABE_ITO["yellow"], "//"),
    "specialist_outlet": (OKABE_ITO["purple"], ""),
    "blog_or_aggregator": (OKABE_ITO["grey"], "xx"),
    "state_media": (OKABE_ITO["vermillion"], "\\\\"),
}


@styled
def plot_published_counts(counts: pd.DataFrame) -> Figure:
    """``aggregates.published_counts`` over time (as-of date) on a log scale of people.

    A range is a vertical bar from its low to its high; a floor ("at least", "more than") is
    drawn hollow with an upward tick, since its top is open. Counts that are part of another
    count are drawn smaller: never read two linked markers as adding up.
    """
    figure = new_figure((8.5, 3.6), layout="constrained")
    axes = figure.axes[0]
    for measure, (color, marker) in MEASURE_STYLE.items():
        rows = counts[counts["measure"] == measure]
        if rows.empty:
            continue
        floor = rows["qualifier"].isin(FLOORS)
        size = rows["is_part"].map({True: 30.0, False: 60.0})
        axes.scatter(
            rows.loc[~floor, "as_of_date"],
            rows.loc[~floor, "low"],
            s=size[~floor],
            color=color,
            marker=marker,
            label=measure.replace("_", " "),
            zorder=3,
        )
        axes.scatter(
            rows.loc[floor, "as_of_date"],
            rows.loc[floor, "low"],
            s=size[floor],
            facecolors="none",
            edgecolors=color,
            marker=marker,
            zorder=3,
            label=f"{measure.replace('_', ' ')} (at least)",
        )
        for row in rows[rows["high"] > rows["low"]].itertuples():
            axes.vlines(row.as_of_date, row.low, row.high, color=color, linewidth=2)
        for row in rows[floor].itertuples():
            axes.annotate(
                "",
                xy=(row.as_of_date, row.low * 1.5),
                xytext=(row.as_of_date, row.low),
                arrowprops={"arrowstyle": "->", "color": color, "linewidth": 0.8},
            )
    axes.set_yscale("log")
    axes.set_ylabel("people (log scale)")
    axes.set_xlabel("last day the count covers")
    axes.set_title("Published counts of North Koreans detained, held and returned by China")
    axes.legend(loc="upper left", fontsize=7, ncol=2)
    return figure


@styled
def plot_arrivals(arrivals: pd.DataFrame) -> Figure:
    """``aggregates.arrivals_by_year``: North Koreans arriving in South Korea each year, split
    into women and men where the release gives the split (hatched where it does not)."""
    figure = new_figure((8.5, 3.2), layout="constrained")
    axes = figure.axes[0]
    split = arrivals["women"].notna() & arrivals["men"].notna()
    axes.bar(
        arrivals.loc[split, "year"],
        arrivals.loc[split, "women"],
        color=OKABE_ITO["purple"],
        label="women",
    )
    axes.bar(
        arrivals.loc[split, "year"],
        arrivals.loc[split, "men"],
        bottom=arrivals.loc[split, "women"],
        color=OKABE_ITO["sky_blue"],
        hatch="..",
        label="men",
    )
    axes.bar(
        arrivals.loc[~split, "year"],
        arrivals.loc[~split, "arrivals"],
        color="white",
        edgecolor=OKABE_ITO["grey"],
        hatch="xx",
        label="no split by sex",
    )
    axes.set_xticks(list(arrivals["year"]), [str(y) for y in arrivals["year"]], rotation=90)
    axes.set_ylabel("arrivals in South Korea")
    axes.set_title("North Koreans arriving in South Korea per year (Ministry of Unification)")
    axes.legend(loc="upper right")
    return figure


@styled
def plot_kind_mix(mix: pd.DataFrame) -> Figure:
    """``sources.kind_mix`` as one horizontal bar per table: the share of its source citations
    of each kind, summing to 1."""
    table = mix.pivot(index="table", columns="kind", values="citation_share")
    table = table.reindex(index=list(dict.fromkeys(mix["table"]))[::-1])
    figure = new_figure((8.5, 2.8), layout="constrained")
    axes = figure.axes[0]
    left = pd.Series(0.0, index=table.index)
    for kind, (color, hatch) in KIND_STYLE.items():
        if kind not in table:
            continue
        axes.barh(
            table.index,
            table[kind],
            left=left,
            color=color,
            hatch=hatch,
            edgecolor="white",
            label=kind.replace("_", " "),
        )
        left = left + table[kind]
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of the table's source citations")
    axes.set_title("What kind of page each source is, per table")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=4, fontsize=7)
    return figure
