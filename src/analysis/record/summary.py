"""What the record holds: small summaries of the validated tables for notebook 01 and the report."""

from __future__ import annotations

import pandas as pd

from analysis.data.dataset import lane_order
from analysis.data.schema import FACTORS
from analysis.data.tables import Dataset

SOURCED_TABLES = ("events", "actors", "cases")


def date_label(row: pd.Series) -> str:
    """An event's date as a reader should see it: a day, a month, a year or a window."""
    start = row["date"]
    precision = str(row["date_precision"])
    if precision == "day":
        return f"{start.day} {start.strftime('%b %Y')}"
    if precision == "month":
        return start.strftime("%b %Y")
    if precision == "year":
        return start.strftime("%Y")
    end = row["date_end"]
    if (start.year, start.month) == (end.year, end.month):
        window = f"{start.day}-{end.day} {end.strftime('%b %Y')}"
    else:
        window = f"{start.strftime('%d %b')}-{end.strftime('%d %b %Y')}"
    return f"{window} (approx.)" if precision == "approximate" else window


def case_events(events: pd.DataFrame) -> pd.DataFrame:
    """The case's own events in date order: when, what, and whether the article mentions it."""
    case = events[events["scope"] == "case"].sort_values(["date", "date_latest", "event_id"])
    return pd.DataFrame(
        {
            "event_id": case["event_id"],
            # apply on no rows gives a frame, not a column
            "when": case.apply(date_label, axis=1) if len(case) else pd.Series(dtype=str),
            "title": case["title"],
            "in_article": case["in_article"],
            "description": case["description"],
        }
    ).reset_index(drop=True)


def factor_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per factor and direction, with the total intensity (sum of 0-3 scores)."""
    grouped = events.groupby(["factor", "direction"], observed=True)
    counts = grouped.agg(events=("event_id", "size"), total_intensity=("intensity", "sum"))
    return counts.reset_index()


def actors_by_lane(actors: pd.DataFrame) -> pd.DataFrame:
    """Actors per timeline lane, lanes in data order; names joined for reading."""
    lanes = lane_order(actors)
    grouped = actors.groupby("lane", sort=False)
    table = pd.DataFrame(
        {
            "actors": grouped.size(),
            "names": grouped["name"].agg(", ".join),
        }
    )
    return table.loc[lanes].rename_axis("lane").reset_index()


def source_coverage(dataset: Dataset) -> pd.DataFrame:
    """Per sourced table: rows, rows citing a source, distinct URLs and publishers."""
    rows = []
    for name in SOURCED_TABLES:
        frame = getattr(dataset, name)
        urls = {url for row_urls in frame["source_urls"] for url in row_urls}
        publishers = {p for row_publishers in frame["source_publishers"] for p in row_publishers}
        rows.append(
            {
                "table": f"{name}.csv",
                "rows": len(frame),
                "rows citing a source": int(frame["source_urls"].map(bool).sum()),
                "distinct source URLs": len(urls),
                "publishers": len(publishers),
            }
        )
    return pd.DataFrame(rows)


def disagreements(events: pd.DataFrame) -> pd.DataFrame:
    """Events where sources disagree, with what each says."""
    flagged = events[events["disagreement"].fillna("") != ""]
    return flagged[["event_id", "title", "disagreement"]].reset_index(drop=True)


def events_per_quarter(events: pd.DataFrame) -> pd.DataFrame:
    """Events per calendar quarter (by their middle day), one column per factor in FACTORS."""
    quarters = events["date_mid"].dt.to_period("Q")
    return pd.crosstab(quarters, events["factor"]).reindex(columns=list(FACTORS), fill_value=0)
