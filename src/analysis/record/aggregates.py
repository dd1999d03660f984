"""The less-selected evidence beside the case list: published counts, yearly arrivals, base rates.

``published_counts`` and ``arrivals_by_year`` give data/counts.csv and data/arrivals.csv as tidy
frames; ``implied_shares`` the outcome shares a count and its parts imply (HRW's 46 returned of
92 detained). Counts linked by ``part_of`` hold the same people, so ``total`` refuses to add
them. ``case_base_rate`` is the case-based P(release) under the question's two outcomes, as of
a day, for today's table or the table before issue 9's corrections (``load_cases_before``).
Counts are people; shares and probabilities are in [0, 1]; intervals 80%. Numbers only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.paths import PROJECT_ROOT
from analysis.record.classes import CHINA_ARRESTS, on_route
from analysis.record.history import rate_phrase, release_base_rate
from analysis.record.outcomes import ANY_NON_RETURN, RETURN, STRICT
from analysis.words import label

# The question's two outcomes, as analysis.record.outcomes maps them: reaching South Korea or
# a third country is the release the article asks about; every other outcome is counted beside the
# rate.
RELEASE = STRICT
# The looser reading: any exit from custody short of return (freed in China, left on papers).
RELEASE_OR_FREED = ANY_NON_RETURN
# Before issue 9 one word, released, merged reaching the South, being freed in China and
# leaving on papers.
RELEASE_BEFORE = ("released",)
# The case table at commit 8d44a5c (before issue 9's corrections), cut to what a base rate
# reads; tests/test_aggregates.py rebuilds it from that commit.
BEFORE_COMMIT = "8d44a5c"
CASES_BEFORE_PATH = PROJECT_ROOT / "docs" / "cases_before_corrections.csv"
OUTCOME_MEASURES = ("returned", "still_held", "released", "reached_south_or_third_country")


def _ids(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else ()


def published_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """counts.csv, one row per published figure in date order: count_id, publisher, measure,
    period_start, as_of_date, low and high (people; high NaN for an open floor), qualifier,
    part_of (ids joined by ;) and ``is_part`` (True when its people are inside another count)."""
    high = counts["value_high"].astype("float64")
    return (
        pd.DataFrame(
            {
                "count_id": counts["count_id"],
                "publisher": counts["publisher"],
                "measure": counts["measure"].astype(str),
                "period_start": counts["period_start"],
                "as_of_date": counts["as_of_date"],
                "low": counts["value_low"].astype("float64"),
                "high": high,
                "qualifier": counts["value_qualifier"].astype(str),
                "part_of": counts["part_of"].map(lambda ids: "; ".join(_ids(ids))),
                "is_part": counts["part_of"].map(lambda ids: bool(_ids(ids))),
            }
        )
        .sort_values(["as_of_date", "count_id"], kind="stable")
        .reset_index(drop=True)
    )


def _ancestors(counts: pd.DataFrame) -> dict[str, set[str]]:
    """Every count's wider counts, following part_of through any number of steps."""
    pairs = zip(counts["count_id"], counts["part_of"], strict=True)
    parents = {str(count_id): set(_ids(part_of)) for count_id, part_of in pairs}
    found: dict[str, set[str]] = {}
    for count_id in parents:
        seen: set[str] = set()
        stack = list(parents[count_id])
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(parents.get(parent, ()))
        found[count_id] = seen
    return found


def total(counts: pd.DataFrame, count_ids: Iterable[str]) -> int:
    """Sum of the low values of ``count_ids`` (people). Raises ValueError when one of them is
    part of another (directly or through a chain): those counts hold the same people."""
    chosen = list(count_ids)
    ancestors = _ancestors(counts)
    for count_id in chosen:
        inside = ancestors[count_id] & set(chosen)
        if inside:
            raise ValueError(f"{count_id} is part of {sorted(inside)}: never add them")
    values = counts.set_index("count_id")["value_low"]
    return int(sum(int(values[count_id]) for count_id in chosen))


def implied_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """For every outcome count that is part of a detention count: the share of the detained it
    gives (part low / whole low, in [0, 1]). ``exact`` is True when both figures are exact; a
    floor over a floor (at least 9 of at least 41) is only indicative."""
    table = counts.set_index("count_id")
    rows = []
    for count_id, row in table.iterrows():
        if str(row["measure"]) not in OUTCOME_MEASURES:
            continue
        for whole_id in _ids(row["part_of"]):
            whole = table.loc[whole_id]
            if str(whole["measure"]) != "detained":
                continue
            exact = {str(row["value_qualifier"]), str(whole["value_qualifier"])} == {"exact"}
            rows.append(
                {
                    "count_id": count_id,
                    "measure": str(row["measure"]),
                    "people": int(row["value_low"]),
                    "of_detained": int(whole["value_low"]),
                    "detained_count": whole_id,
                    "as_of_date": row["as_of_date"],
                    "share": int(row["value_low"]) / int(whole["value_low"]),
                    "exact": exact,
                }
            )
    return pd.DataFrame(rows)


def arrivals_by_year(arrivals: pd.DataFrame) -> pd.DataFrame:
    """arrivals.csv as year, arrivals, men, women (people, NaN where not given) and
    ``share_women`` in [0, 1]."""
    frame = pd.DataFrame(
        {
            "year": arrivals["year"].astype(int),
            "arrivals": arrivals["arrivals"].astype("float64"),
            "men": arrivals["men"].astype("float64"),
            "women": arrivals["women"].astype("float64"),
        }
    )
    frame["share_women"] = frame["women"] / frame["arrivals"]
    return frame.sort_values("year").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Case-based base rates, before and after the corrections
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRate:
    """P(release) among the cases handled one way, as a Beta(1, 1) posterior (mean, 80%).

    ``released`` and ``returned`` are the cases counted; ``not_counted`` the other outcomes
    (by outcome) left beside the rate; ``overlaps`` the cases dropped as part of another;
    ``not_china`` those dropped because no source has China taking the decision.
    """

    released: int
    returned: int
    not_counted: dict[str, int]
    overlaps: int
    not_china: int
    estimate: float
    low: float
    high: float

    @property
    def n_known(self) -> int:
        """Cases counted in the rate."""
        return self.released + self.returned


def _layers(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Detentions in China (the arrest route, ``classes.on_route``); of them those not part of
    another case; of those the ones China decided. A table without part_of or decided_by (the
    one before the corrections) keeps all, as the project counted then."""
    detentions = cases[on_route(cases["onset"], CHINA_ARRESTS.route)]
    standalone = detentions
    if "part_of" in detentions:
        standalone = detentions[detentions["part_of"].fillna("") == ""]
    by_china = standalone
    if "decided_by" in standalone:
        chosen = np.isin(standalone["decided_by"].astype(str), CHINA_ARRESTS.deciders)
        by_china = standalone[chosen]
    return detentions, standalone, by_china


def counted_cases(cases: pd.DataFrame, as_of: object | None = None) -> pd.DataFrame:
    """The cases a base rate may count: detentions in China (not a foreign-mission entry or a
    legal exit), without rows that are part of another case or not decided by China, and with
    ``as_of`` only those whose outcome was surely known by that day (``outcome_latest`` on or
    before it)."""
    by_china = _layers(cases)[2]
    if as_of is None:
        return by_china
    return by_china[by_china["outcome_latest"] <= pd.Timestamp(as_of)]


def case_base_rate(
    cases: pd.DataFrame, as_of: object | None = None, release: Sequence[str] = RELEASE
) -> CaseRate:
    """The case-based base rate: releases (outcomes in ``release``) against returns among
    ``counted_cases``; the other outcomes are reported in ``not_counted``, never guessed."""
    detentions, standalone, by_china = _layers(cases)
    counted = counted_cases(cases, as_of)
    outcome = counted["outcome"].astype(str)
    others = outcome[~outcome.isin([*release, RETURN])].value_counts()
    rate = release_base_rate(counted, releases=release)  # the one Beta(1, 1) base rate
    return CaseRate(
        released=rate.released,
        returned=rate.returned,
        not_counted={str(k): int(v) for k, v in others.items()},
        overlaps=len(detentions) - len(standalone),
        not_china=len(standalone) - len(by_china),
        estimate=rate.estimate,
        low=rate.low,
        high=rate.high,
    )


def load_cases_before() -> pd.DataFrame:
    """The case table before the corrections (commit BEFORE_COMMIT), cut to case_id, onset,
    outcome and outcome_latest (last possible day of the outcome; NaT when unknown)."""
    frame = pd.read_csv(CASES_BEFORE_PATH, dtype=str, keep_default_na=False)
    frame["outcome_latest"] = pd.to_datetime(frame["outcome_latest"].replace("", None))
    return frame


def with_onsets(cases: pd.DataFrame, onsets: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``cases`` whose onset is taken from ``onsets`` (case_id, onset), e.g. the
    second coder's; the only coded column a base rate reads."""
    frame = cases.copy()
    frame["onset"] = frame["case_id"].map(onsets.set_index("case_id")["onset"].astype(str))
    return frame


def base_rate_grid(
    tables: dict[str, tuple[pd.DataFrame, Sequence[str]]], days: dict[str, object | None]
) -> pd.DataFrame:
    """case_base_rate for every table and day: ``tables`` maps a label to (cases, release
    outcomes), ``days`` a label to an as-of day (None: today's record). One row each, with
    released, returned, other outcomes not counted, estimate, low and high."""
    rows = []
    for table_label, (cases, release) in tables.items():
        for day_label, day in days.items():
            rate = case_base_rate(cases, day, release)
            rows.append(
                {
                    "table": table_label,
                    "as_of": day_label,
                    "released": rate.released,
                    "returned": rate.returned,
                    "not_counted": sum(rate.not_counted.values()),
                    "estimate": rate.estimate,
                    "low": rate.low,
                    "high": rate.high,
                }
            )
    return pd.DataFrame(rows)


def describe_rate(rate: CaseRate) -> str:
    """A CaseRate in one sentence, with what it leaves out."""
    others = ", ".join(f"{n} {label(outcome)}" for outcome, n in sorted(rate.not_counted.items()))
    return (
        f"{rate.released} released and {rate.returned} returned of {rate.n_known} detentions "
        f"decided by China (not counted: {others or 'none'}; {rate.overlaps} overlapping and "
        f"{rate.not_china} not known to be decided by China left out): "
        f"{rate_phrase(rate.estimate, rate.low, rate.high)}"
    )


def returned_share_of_decided(shares: pd.DataFrame) -> pd.DataFrame:
    """From implied_shares: per detention count with both an exact returned and an exact
    still-held figure, the people whose fate was decided (detained minus still held) and the
    share of them returned (in [0, 1]; 1 means no release was reported)."""
    exact = shares[shares["exact"]]
    rows = []
    for whole_id, group in exact.groupby("detained_count", sort=False):
        by_measure = group.set_index("measure")["people"]
        if {"returned", "still_held"} <= set(by_measure.index):
            decided = int(group["of_detained"].iloc[0]) - int(by_measure["still_held"])
            returned = int(by_measure["returned"])
            rows.append(
                {
                    "detained_count": whole_id,
                    "detained": int(group["of_detained"].iloc[0]),
                    "decided": decided,
                    "returned": returned,
                    "returned_share": returned / decided if decided else np.nan,
                }
            )
    return pd.DataFrame(rows)
