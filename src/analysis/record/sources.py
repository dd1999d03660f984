"""How the record stands on its sources, and who acted at whom.

``kind_mix``: per sourced table, the share of its source citations of each kind
(``schema.SOURCE_KINDS``) and the share of its rows citing at least one source of that kind.
``weak_rows``/``weak_share``: rows resting only on ``WEAK_KINDS`` (blogs, aggregators, state
media), against issue 9's goal of at most ``WEAK_GOAL`` of rows. ``dyad_counts``: events by
CAMEO source actor (the first of actor_ids) and target (each of target_ids).
``pressure_kinds`` and ``tension_episodes`` summarise the two pressures and the episode rule.
Shares are in [0, 1]. Numbers only.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.schema import SOURCE_KINDS
from analysis.data.tables import Dataset

WEAK_KINDS = ("blog_or_aggregator", "state_media")
WEAK_GOAL = 0.05
# Tables whose rows carry source_kinds, with the column that names a row.
GRADED_TABLES = {
    "events": "event_id",
    "cases": "case_id",
    "actors": "actor_id",
    "counts": "count_id",
    "arrivals": "year",
}


def _graded(dataset: Dataset, table: str) -> pd.DataFrame:
    """The table's rows that cite a source (arrivals may leave a year unsourced)."""
    frame = getattr(dataset, table)
    return frame[frame["source_kinds"].map(bool)]


def kind_mix(dataset: Dataset, tables: tuple[str, ...] = tuple(GRADED_TABLES)) -> pd.DataFrame:
    """One row per table and kind: ``citations`` (URLs of that kind), ``citation_share`` (of the
    table's URLs), ``rows_citing`` and ``row_share`` (rows with at least one such URL, of the
    table's sourced rows; a row may cite several kinds, so row shares need not sum to 1)."""
    rows = []
    for table in tables:
        frame = _graded(dataset, table)
        kinds = frame["source_kinds"]
        all_citations = sum(len(k) for k in kinds)
        for kind in SOURCE_KINDS:
            citations = sum(k.count(kind) for k in kinds)
            citing = int(kinds.map(lambda k, kind=kind: kind in k).sum())
            rows.append(
                {
                    "table": table,
                    "kind": kind,
                    "citations": citations,
                    "citation_share": citations / all_citations if all_citations else 0.0,
                    "rows_citing": citing,
                    "row_share": citing / len(frame) if len(frame) else 0.0,
                }
            )
    return pd.DataFrame(rows)


def is_weak(kinds: tuple[str, ...]) -> bool:
    """True when every one of a row's source kinds is weak (see WEAK_KINDS)."""
    return bool(kinds) and all(kind in WEAK_KINDS for kind in kinds)


def weak_rows(dataset: Dataset, tables: tuple[str, ...] = tuple(GRADED_TABLES)) -> pd.DataFrame:
    """The rows resting only on weak kinds: table, row (its id), publishers, kinds."""
    rows = []
    for table in tables:
        frame = _graded(dataset, table)
        weak = frame[frame["source_kinds"].map(is_weak)]
        for _, row in weak.iterrows():
            rows.append(
                {
                    "table": table,
                    "row": str(row[GRADED_TABLES[table]]),
                    "publishers": "; ".join(row["source_publishers"]),
                    "kinds": "; ".join(row["source_kinds"]),
                }
            )
    return pd.DataFrame(rows, columns=["table", "row", "publishers", "kinds"])


def weak_share(dataset: Dataset, tables: tuple[str, ...] = tuple(GRADED_TABLES)) -> pd.DataFrame:
    """Per table: sourced rows, rows resting only on weak kinds, their share, and whether the
    share is within WEAK_GOAL."""
    rows = []
    for table in tables:
        frame = _graded(dataset, table)
        weak = int(frame["source_kinds"].map(is_weak).sum())
        share = weak / len(frame) if len(frame) else 0.0
        rows.append(
            {
                "table": table,
                "rows": len(frame),
                "weak_rows": weak,
                "weak_share": share,
                "within_goal": share <= WEAK_GOAL,
            }
        )
    return pd.DataFrame(rows)


def dyad_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per (source, target) pair: source is the first of actor_ids (who acted), target
    each of target_ids ("none" where the sources name no target). Most frequent first."""
    pairs = [
        (actors[0], target)
        for actors, targets in zip(events["actor_ids"], events["target_ids"], strict=True)
        for target in (targets or ("none",))
    ]
    frame = pd.DataFrame(pairs, columns=["source", "target"])
    counted = frame.value_counts().rename("events").reset_index()
    ordered = counted.sort_values(["events", "source", "target"], ascending=[False, True, True])
    return ordered.reset_index(drop=True)


def pressure_kinds(events: pd.DataFrame) -> pd.DataFrame:
    """Pressure events by pressure_kind (detainees, general) and direction: events and their
    summed intensity (0-3 each)."""
    pressure = events[events["factor"].astype(str) == "pressure"]
    grouped = pressure.groupby(["pressure_kind", "direction"], observed=True)
    return grouped.agg(events=("event_id", "size"), intensity=("intensity", "sum")).reset_index()


def tension_episodes(events: pd.DataFrame) -> pd.DataFrame:
    """One row per tension episode (a first event and the events naming it in ``episode``, or
    an event that belongs to none): its first event, events, and the intensity it counts with
    (its strongest event's, as the codebook's rule says)."""
    tension = events[events["factor"].astype(str) == "tension"]
    first = tension["episode"].fillna("").where(tension["episode"].fillna("") != "")
    key = first.fillna(tension["event_id"].astype(str))
    grouped = tension.groupby(key.rename("episode"), sort=True)
    return grouped.agg(events=("event_id", "size"), intensity=("intensity", "max")).reset_index()
