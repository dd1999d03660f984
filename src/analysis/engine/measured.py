"""The thesis on measured series nobody here coded: UN General Assembly vote agreement, trade,
high-level contacts and Security Council votes, joined to the cases by an as-of rule.

The as-of rule, in plain words: a series' value on a day uses only what was public before that
day. A UNGA vote is public on its day; a contact from the last day it may have happened (the
end of its month or year when only those are known); a Security Council vote on its day; an
annual trade total from its ``published_date`` (the end of its month or year for a month or
year precision), or, with no date on file, from 31 December of the year after the trade year.
Nothing dated on or after the day enters. A case is measured on its ``detained_date`` (the
earliest day of its window), so nothing after the detention enters either.

Numbers only: no drawing, no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.cache import dataset_digest, memoized
from analysis.data.tables import Dataset
from analysis.defaults import DEFAULT_CASE
from analysis.record.history import without_overlaps
from analysis.record.intervals import LEVEL, binomial_interval
from analysis.record.outcomes import RELEASE, RETURN

WINDOW_DAYS = 365  # the window before a day over which votes and contacts are counted
MIN_JOINT_VOTES = 20  # fewer joint China-DPRK votes than this: agreement is not computed

# series name -> (what it measures, which way is warmer, the codebook's tension rule uses it)
SERIES = {
    "unga_all": ("China-DPRK UNGA agreement, all votes (share)", "up", "no"),
    "unga_nuclear": ("China-DPRK UNGA agreement, nuclear votes (share)", "up", "no"),
    "unga_disarmament": ("China-DPRK UNGA agreement, disarmament votes (share)", "up", "no"),
    "trade": ("China-DPRK trade, latest published year (USD million)", "up", "partly"),
    "contacts": ("leader and foreign-minister contacts in the past year", "up", "partly"),
    "unsc": ("UNSC sanctions texts China voted for in the past year", "down", "partly"),
}
# Why a series is partly by construction: the codebook's tension rule (cases.tension_level)
# codes level 0 from leaders' summits and top-level visits, and level 2 from nuclear tests (which
# the sanctions resolutions answer) and Chinese trade measures (the coal halt).
CONSTRUCTION = {
    "contacts": "tension 0 is coded from leaders' summits and top-level visits",
    "trade": "tension 2 is coded from Chinese trade measures such as the 2017 coal halt",
    "unsc": "tension 2 is coded from nuclear tests, which the resolutions answer",
}
ISSUE_OF = {"unga_nuclear": "nu", "unga_disarmament": "di"}
ROUTES = {
    "police_check": "arrest or raid",
    "raid": "arrest or raid",
    "border_arrest": "border crossing",
    "foreign_mission_entry": "mission entry",
    "third_country_handover": "third-country handover",
    "battlefield_capture": "other or unknown",
    "legal_exit": "other or unknown",
    "unknown": "other or unknown",
}


def _day(value: object) -> np.datetime64:
    return np.datetime64(pd.Timestamp(value).normalize(), "D")


def _window_end(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """The last day a dated value may belong to: its day, or the end of its month or year."""
    dates = pd.to_datetime(dates)
    end = dates.copy()
    end = end.mask(precision == "month", dates + pd.offsets.MonthEnd(0))
    return end.mask(precision == "year", dates + pd.offsets.YearEnd(0))


def _in_window(days: np.ndarray, end: np.datetime64, window_days: int) -> np.ndarray:
    """Which ``days`` fall in the ``window_days`` before ``end`` (``end`` itself excluded)."""
    return (days < end) & (days >= end - np.timedelta64(window_days, "D"))


class _Arrays:
    """The measured tables as arrays, computed once, so that each day's values are a few
    numpy operations (a pandas pass per day and series took about 5 s per construct)."""

    def __init__(
        self,
        unga: pd.DataFrame | None = None,
        trade: pd.DataFrame | None = None,
        contacts: pd.DataFrame | None = None,
        unsc: pd.DataFrame | None = None,
    ) -> None:
        if unga is not None:
            self.vote_days = unga["date"].to_numpy(dtype="datetime64[D]")
            self.both_voted = (unga["china_vote"].notna() & unga["dprk_vote"].notna()).to_numpy()
            self.same_vote = (
                unga["china_vote"].astype(str).to_numpy()
                == unga["dprk_vote"].astype(str).to_numpy()
            )
            self.issues = unga["issues"]
            self.on_issue: dict[str, np.ndarray] = {}
        if trade is not None:
            known = trade[trade["total_usd_million"].notna()]
            self.trade_public = trade_public_day(known).to_numpy(dtype="datetime64[D]")
            self.trade_years = known["year"].to_numpy()
            self.trade_totals = known["total_usd_million"].to_numpy(dtype=float)
        if contacts is not None:
            ends = _window_end(contacts["date"], contacts["date_precision"].astype(str))
            self.contact_ends = ends.to_numpy(dtype="datetime64[D]")
        if unsc is not None:
            self.unsc_days = unsc["date"].to_numpy(dtype="datetime64[D]")
            self.unsc_yes = (unsc["china_vote"].astype(str) == "yes").to_numpy()

    @classmethod
    def of(cls, dataset: Dataset) -> _Arrays:
        return cls(dataset.unga_votes, dataset.trade, dataset.contacts, dataset.unsc_votes)

    def agreement(
        self, end: np.datetime64, issue: str | None, window_days: int, min_joint: int
    ) -> tuple[float, int]:
        keep = _in_window(self.vote_days, end, window_days) & self.both_voted
        if issue is not None:
            if issue not in self.on_issue:
                self.on_issue[issue] = self.issues.map(lambda codes: issue in codes).to_numpy()
            keep &= self.on_issue[issue]
        joint = int(keep.sum())
        if joint < min_joint:
            return math.nan, joint
        return float(self.same_vote[keep].mean()), joint

    def trade_on(self, end: np.datetime64) -> tuple[float, int | None]:
        public = self.trade_public < end
        if not public.any():
            return math.nan, None
        # idxmax's rule: the first row holding the latest year
        latest = np.flatnonzero(public)[np.argmax(self.trade_years[public])]
        return float(self.trade_totals[latest]), int(self.trade_years[latest])

    def contacts_on(self, end: np.datetime64, window_days: int) -> int:
        return int(_in_window(self.contact_ends, end, window_days).sum())

    def unsc_on(self, end: np.datetime64, window_days: int) -> int:
        return int((self.unsc_yes & _in_window(self.unsc_days, end, window_days)).sum())


def unga_agreement(
    votes: pd.DataFrame,
    day: object,
    issue: str | None = None,
    window_days: int = WINDOW_DAYS,
    min_joint: int = MIN_JOINT_VOTES,
) -> tuple[float, int]:
    """(share of identical China-DPRK votes in [0, 1], joint votes) over the ``window_days``
    before ``day`` (the day itself excluded); only votes on ``issue`` (a code such as ``nu``)
    when given. The share is NaN when fewer than ``min_joint`` joint votes fall in the window."""
    return _Arrays(unga=votes).agreement(_day(day), issue, window_days, min_joint)


def trade_public_day(trade: pd.DataFrame) -> pd.Series:
    """The first day each year's total may enter (see the module docstring)."""
    fallback = pd.to_datetime((trade["year"] + 1).astype(str) + "-12-31")
    ends = _window_end(trade["published_date"], trade["published_precision"].astype(str))
    return ends.fillna(fallback)


def trade_as_of(trade: pd.DataFrame, day: object) -> tuple[float, int | None]:
    """(the latest trade year's total in USD million, that year) among the totals public
    before ``day``; (NaN, None) when none is."""
    return _Arrays(trade=trade).trade_on(_day(day))


def contacts_count(contacts: pd.DataFrame, day: object, window_days: int = WINDOW_DAYS) -> int:
    """High-level contacts whose last possible day falls in the ``window_days`` before ``day``."""
    return _Arrays(contacts=contacts).contacts_on(_day(day), window_days)


def unsc_count(unsc: pd.DataFrame, day: object, window_days: int = WINDOW_DAYS) -> int:
    """Security Council sanctions texts China voted for in the ``window_days`` before ``day``."""
    return _Arrays(unsc=unsc).unsc_on(_day(day), window_days)


def measures_on(dataset: Dataset, days: list[object] | pd.Series) -> pd.DataFrame:
    """Every measured series (the SERIES columns) as of each day, one row per day, from only
    what was public before that day; plus ``unga_joint``, the joint votes of the window."""
    arrays = _Arrays.of(dataset)
    rows = []
    for day in days:
        end = _day(day)
        row: dict[str, object] = {"day": pd.Timestamp(day)}
        for name in ("unga_all", "unga_nuclear", "unga_disarmament"):
            row[name], joint = arrays.agreement(
                end, ISSUE_OF.get(name), WINDOW_DAYS, MIN_JOINT_VOTES
            )
            if name == "unga_all":
                row["unga_joint"] = joint
        row["trade"] = arrays.trade_on(end)[0]
        row["contacts"] = arrays.contacts_on(end, WINDOW_DAYS)
        row["unsc"] = arrays.unsc_on(end, WINDOW_DAYS)
        rows.append(row)
    return pd.DataFrame(rows)


def case_measures(dataset: Dataset) -> pd.DataFrame:
    """The dated cases (overlaps dropped) with each measured series as of their detention
    day: case_id, detained_date, onset, route, decided_by, outcome, the coded tension_level
    and pressure_level (0-2), and the SERIES columns."""
    cases = without_overlaps(dataset.cases)
    cases = cases[cases["detained_date"].notna()]
    measured = measures_on(dataset, list(cases["detained_date"]))
    frame = cases[
        [
            "case_id",
            "detained_date",
            "onset",
            "decided_by",
            "outcome",
            "tension_level",
            "pressure_level",
        ]
    ].reset_index(drop=True)
    frame["route"] = frame["onset"].astype(str).map(ROUTES)
    return pd.concat([frame, measured.drop(columns="day")], axis=1)


def _fisher_interval(rho: float, n: int, level: float = LEVEL) -> tuple[float, float]:
    """Fisher-z interval of a rank correlation (standard error 1.06 / sqrt(n - 3), the
    Fieller-Hartley-Pearson value for Spearman's rho)."""
    from scipy import stats

    if n < 4 or not np.isfinite(rho) or abs(rho) >= 1:
        return math.nan, math.nan
    half = stats.norm.ppf(0.5 + level / 2) * 1.06 / math.sqrt(n - 3)
    z = math.atanh(rho)
    return math.tanh(z - half), math.tanh(z + half)


def construct_validity(measured: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """Each measured series' Spearman rank correlation with the coded tension and pressure
    levels of the cases (``case_measures``), over the cases where the series is computed.

    Columns: series, measures, coded (tension_level or pressure_level), n, rho (in [-1, 1]),
    low, high (Fisher-z interval at ``level``), warmer (which way the series is warmer),
    by_construction ("partly" where the codebook's tension rule uses that kind of event, with
    why; "no" otherwise; only for tension).
    """
    from scipy import stats

    rows = []
    for series, (measures, warmer, partly) in SERIES.items():
        for coded in ("tension_level", "pressure_level"):
            both = measured[[series, coded]].dropna()
            n = len(both)
            rho = math.nan
            if n >= 4 and both[series].nunique() > 1 and both[coded].nunique() > 1:
                rho = float(stats.spearmanr(both[series], both[coded]).statistic)
            low, high = _fisher_interval(rho, n, level)
            construction = "no"
            if coded == "tension_level" and partly == "partly":
                construction = f"partly: {CONSTRUCTION[series]}"
            rows.append(
                {
                    "series": series,
                    "measures": measures,
                    "coded": coded,
                    "n": n,
                    "rho": rho,
                    "low": low,
                    "high": high,
                    "warmer": warmer,
                    "by_construction": construction,
                }
            )
    return pd.DataFrame(rows)


def outcome_by_route(
    cases: pd.DataFrame, by: tuple[str, ...] = ("route", "decided_by"), level: float = LEVEL
) -> pd.DataFrame:
    """Outcome counts per group of the cases (overlaps dropped; ``route`` from ``onset``):
    n, released (reached the South or a third country), returned, other (any other or unknown
    outcome), share_released of the two question outcomes with its Wilson interval (0-1)."""
    frame = without_overlaps(cases).copy()
    frame["route"] = frame["onset"].astype(str).map(ROUTES)
    frame["decided_by"] = frame["decided_by"].astype(str)
    outcome = frame["outcome"].astype(str)
    frame["released"] = outcome == RELEASE
    frame["returned"] = outcome == RETURN
    rows = []
    for key, group in frame.groupby(list(by), sort=True):
        key = key if isinstance(key, tuple) else (key,)
        released, returned = int(group["released"].sum()), int(group["returned"].sum())
        decided = released + returned
        low, high = binomial_interval(released, decided, level)
        rows.append(
            {
                **dict(zip(by, key, strict=True)),
                "n": len(group),
                "released": released,
                "returned": returned,
                "other": len(group) - decided,
                "share_released": released / decided if decided else math.nan,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def factors_within_route(cases: pd.DataFrame) -> pd.DataFrame:
    """The article's two factors within each route: mean coded pressure and tension (0-2) of
    the released and of the returned cases, where the route holds both outcomes; the
    difference (released minus returned) is NaN where it does not (the counts do not allow
    a comparison). Columns route, factor, released_n, returned_n, released_mean,
    returned_mean, difference."""
    frame = without_overlaps(cases).copy()
    frame["route"] = frame["onset"].astype(str).map(ROUTES)
    outcome = frame["outcome"].astype(str)
    rows = []
    for route, group in frame.groupby("route", sort=True):
        released = group[outcome[group.index] == RELEASE]
        returned = group[outcome[group.index] == RETURN]
        for factor in ("pressure_level", "tension_level"):
            both = len(released) > 0 and len(returned) > 0
            mean_released = float(released[factor].mean()) if len(released) else math.nan
            mean_returned = float(returned[factor].mean()) if len(returned) else math.nan
            difference = mean_released - mean_returned if both else math.nan
            rows.append(
                {
                    "route": route,
                    "factor": factor,
                    "released_n": len(released),
                    "returned_n": len(returned),
                    "released_mean": mean_released,
                    "returned_mean": mean_returned,
                    "difference": difference,
                }
            )
    return pd.DataFrame(rows)


def record_sentences(by_route: pd.DataFrame) -> list[str]:
    """Plain sentences of what the record can and cannot say, from ``outcome_by_route`` by
    route alone (``by=("route",)``)."""
    sentences = []
    for row in by_route.itertuples():
        decided = row.released + row.returned
        if decided == 0:
            sentences.append(f"{row.route}: {row.n} case(s), none with a known return or release.")
            continue
        sentences.append(
            f"{row.route}: {row.released} release(s) in {decided} cases with a known return "
            f"or release ({row.low:.0%}-{row.high:.0%}, {LEVEL:.0%} interval)."
        )
    sentences.append(
        "On record, every release came through a route other than an arrest or a border "
        "crossing, so the route and the outcome cannot be told apart from the factors: within "
        "a route where only one outcome occurs, nothing can be said about pressure or tension."
        if not by_route[by_route["route"].isin(["arrest or raid", "border crossing"])][
            "released"
        ].any()
        else "Releases occur within arrest or border routes too: see the table."
    )
    return sentences


@dataclass(frozen=True)
class Construct:
    """A measured series used as the tension construct: ``series`` (a SERIES key) and the
    number of cases that kept their coded level because the series was not computed."""

    series: str
    fallback_cases: int


def reference_days(day: pd.Timestamp, first_year: int = 2001) -> list[pd.Timestamp]:
    """1 January of each year from ``first_year`` to the year of ``day``, before ``day``."""
    return [d for d in pd.date_range(f"{first_year}-01-01", day, freq="YS") if d < day]


def tension_from_series(dataset: Dataset, series: str, day: object) -> float:
    """A measured series as a tension level in [0, 2] on ``day``: twice the share of its past
    values (as of 1 January of each year since 2001, each as of its own day) that were warmer
    than today's, ties counting half. Only values public before ``day`` enter. NaN when the
    series is not computed on ``day`` or has no past value."""
    today = pd.Timestamp(day)
    days = [*reference_days(today), today]
    return _warmer_share(series, measures_on(dataset, days)[series].to_numpy(dtype=float))


def _warmer_share(series: str, values: np.ndarray) -> float:
    """``tension_from_series`` of the values on the reference days, then on the day itself."""
    past, now = values[:-1], values[-1]
    past = past[np.isfinite(past)]
    if not np.isfinite(now) or len(past) == 0:
        return math.nan
    sign = 1.0 if SERIES[series][1] == "up" else -1.0
    warmer = (sign * (past - now) > 0).sum() + 0.5 * (past == now).sum()
    return float(2.0 * warmer / len(past))


def with_measured_tension(dataset: Dataset, series: str) -> tuple[Dataset, Construct]:
    """The dataset with each case's tension_level (first and second coding alike: a measured
    series is nobody's coding) replaced by ``tension_from_series`` on its detention day; cases
    without a date or a computed value keep their coded level (counted in the Construct)."""
    return measured_tensions(dataset, (series,))[series]


def measured_tensions(
    dataset: Dataset, series: tuple[str, ...] = tuple(SERIES)
) -> dict[str, tuple[Dataset, Construct]]:
    """``with_measured_tension`` for each of ``series``, by name: every case's days measured
    in one pass for all of them (the reference days are shared by all cases and all series)."""
    cases = dataset.cases
    days_of = {
        i: [*reference_days(pd.Timestamp(day)), pd.Timestamp(day)]
        for i, day in cases["detained_date"].items()
        if not pd.isna(day)
    }
    every_day = sorted({d for days in days_of.values() for d in days})
    table = measures_on(dataset, every_day)
    replaced = {}
    for name in series:
        value_on = dict(zip(table["day"], table[name].to_numpy(dtype=float), strict=True))
        measured = pd.Series(
            [
                _warmer_share(name, np.array([value_on[d] for d in days_of[i]]))
                if i in days_of
                else math.nan
                for i in cases.index
            ],
            index=cases.index,
            dtype=float,
        )
        fallback = int(measured.isna().sum())
        levels = measured.fillna(cases["tension_level"].astype(float))
        by_id = dict(zip(cases["case_id"].astype(str), levels, strict=True))
        second = dataset.second_coding.copy()
        second["tension_level"] = second["case_id"].astype(str).map(by_id).astype(float)
        replaced[name] = (
            dataset._replace(cases=cases.assign(tension_level=levels), second_coding=second),
            Construct(name, fallback),
        )
    return replaced


# The last tables' measured datasets and their codings, by the tables' digest and the series:
# the same for every question, so a kernel kept from one question to the next (the gallery's)
# codes them once. One entry: a build reads one set of tables.
_MEASURED: dict[tuple[str, tuple[str, ...]], dict[str, tuple[Dataset, Construct, Any]]] = {}


def measured_codings(
    dataset: Dataset, series: tuple[str, ...] = tuple(SERIES)
) -> dict[str, tuple[Dataset, Construct, Any]]:
    """``measured_tensions`` of ``dataset`` with each dataset's ``every_coding``, by name;
    computed once for tables of the same content in this process (keyed by their digest)."""
    from analysis.engine.specifications import every_coding

    key = (dataset_digest(dataset), tuple(series))
    if key not in _MEASURED:
        _MEASURED.clear()
        _MEASURED[key] = {
            name: (data, construct, every_coding(data))
            for name, (data, construct) in measured_tensions(dataset, series).items()
        }
    return _MEASURED[key]


@memoized  # about 0.6 s to compute, a small table to load
def headline_sensitivity(
    dataset: Dataset, case: str = DEFAULT_CASE, series: tuple[str, ...] = tuple(SERIES)
) -> pd.DataFrame:
    """The headline of question ``case`` (``headline.headline_detail``, unchanged) with each
    measured series in place of the coded tension: columns construct, p_release, low, high
    (80% interval), spec_low, spec_high (in [0, 1]), fallback_cases. The first row is the
    headline on the coded levels."""
    from analysis.engine.headline import BAND, headline_band, headline_detail

    # The coded row is the headline every output states (in the store once the report or the
    # notebook has computed it); each measured row needs its numbers alone.
    coded = headline_detail(dataset, case).headline
    band = {name: getattr(coded, name) for name in BAND}
    rows = [{"construct": "coded"} | band | {"fallback_cases": 0}]
    for name, (data, construct, codings) in measured_codings(dataset, series).items():
        band = headline_band(data, case, codings=codings)
        rows.append({"construct": name} | band | {"fallback_cases": construct.fallback_cases})
    return pd.DataFrame(rows)


def describe_sensitivity(table: pd.DataFrame) -> str:
    """One sentence on ``headline_sensitivity``'s table: how far the measured constructs move
    the headline from its coded value."""
    coded = float(table["p_release"].iloc[0])
    others = table.iloc[1:]
    far = others.loc[(others["p_release"] - coded).abs().idxmax()]
    return (
        f"Used in place of the coded tension, the {len(others)} measured series give "
        f"{others['p_release'].min():.3f} to {others['p_release'].max():.3f} against "
        f"{coded:.3f}; the farthest, {far['construct']}, moves the headline by "
        f"{far['p_release'] - coded:+.3f}."
    )


def series_over(
    dataset: Dataset, start: str = "2001-01-01", end: str = "2025-12-31"
) -> pd.DataFrame:
    """``measures_on`` the first day of each month from ``start`` to ``end``: the chart's series."""
    return measures_on(dataset, list(pd.date_range(start, end, freq="MS")))
