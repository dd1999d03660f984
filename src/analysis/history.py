"""The reference class: what happened to North Koreans detained in China whose cases became public.

The unit is the case (one group, one decision by the Chinese authorities), not the person: the
question the project forecasts is what happens to one group, and a mass return of hundreds
would otherwise outweigh every other case.

Counting rules, used by every function here:

* ``released`` and ``returned`` outcomes are counted; ``unknown`` outcomes are counted apart and
  listed, never dropped.
* ``mixed`` (part of the group returned, part let go) is excluded from the binary rate and
  reported in its own column. A mixed case answers a different question (a split decision,
  usually along a line the group itself drew, such as South Korean citizenship); counting it as
  half a release would invent a fraction no source gives, and would make the Beta posterior's
  counts non-integers. The rate is therefore P(release | the group was handled one way).
* Probabilities are in [0, 1]. Intervals are 80% (``CONFIDENCE``): wide enough to be honest with
  a few dozen cases, narrow enough to say something.

Interval maths (no scipy): a Beta posterior ``Beta(prior + counts)`` with an equal-tailed
interval from an exact quantile (bisection on a regularised incomplete beta computed by its
continued fraction), and the Wilson score interval for the raw share. Both are deterministic.

The cases are few and selected: they are the ones that made the news, and news favours the
dramatic (embassy entries, campaigns, releases abroad) over the routine quiet return, so the
release rate here is almost certainly higher than among all North Koreans detained in China.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.case import ARTICLE_DATE, ARTICLE_RETURN_DAYS, FOCAL_CASE_ID, HRW_RETURN_DAYS
from analysis.style import OKABE_ITO, OUTCOME_COLORS
from analysis.text import literal

CONFIDENCE = 0.8
# "About" two weeks: up to half as long again. A return within three weeks agrees with the
# article's "about two weeks"; a return after five weeks does not.
ABOUT_TWO_WEEKS_MAX_DAYS = 21
# Date precisions precise enough for a delay in days; a year (up to 365 days) is not.
DELAY_PRECISIONS = ("day", "approximate", "range", "month")
# Periods of detention year, chosen from North Korean policy rather than from the data:
# Kim Jong-il's rule; Kim Jong-un's border tightening up to the pandemic; the COVID closure
# (no returns accepted 2020-2022) and the mass returns after it.
PERIODS: tuple[tuple[str, int, int], ...] = (
    ("2001-2011", 2001, 2011),
    ("2012-2019", 2012, 2019),
    ("2020-2024", 2020, 2024),
)
OUTSIDE_PERIODS = "other years"
OUTCOME_ORDER = ("released", "mixed", "returned", "unknown")
OUTCOME_MARKERS = {"released": "o", "mixed": "D", "returned": "s", "unknown": "X"}
SUBGROUP_COLUMNS = ("onset", "campaign", "pressure_level", "tension_level", "period")
LEVEL_LABELS = {
    "campaign": {True: "campaign", False: "no campaign"},
    "pressure_level": {0: "0 low", 1: "1 medium", 2: "2 high"},
    "tension_level": {0: "0 low", 1: "1 medium", 2: "2 high"},
}
# People who entered a foreign mission (embassy, consulate, UN office, foreign school) or left
# China on papers were not in the routine police process: their fate was negotiated with a
# foreign government. The Shenyang eight were stopped at a road check, so the like-for-like
# reference class leaves these onsets out (they stay in "all cases").
NOT_DETENTION_ONSETS = ("foreign_mission_entry", "legal_exit")

# Verdict rule for the claims table (see claims_table).
MIN_KNOWN = 3  # fewer counted cases than this (in a group) and a claim is untestable
SUPPORT_PROBABILITY = 0.9  # P(difference in the claimed direction) needed for "supported"
CONTRADICT_PROBABILITY = 0.1  # at or below this, the data favour the opposite direction
VERDICTS = ("supported", "weak", "contradicted", "untestable")


# --------------------------------------------------------------------------------------------
# Interval maths: small pure functions, checked in tests against published values.
# --------------------------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for a binomial share; probabilities in [0, 1].

    With ``n == 0`` nothing is known and the interval is the whole range (0, 1).
    """
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be in 0..n (got {successes} of {n})")
    if n == 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    # Clamp rounding noise at the edges (0/n gives a lower bound of -1e-17 otherwise).
    return max(0.0, centre - half), min(1.0, centre + half)


def _beta_continued_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta (modified Lentz; Numerical Recipes 6.4)."""
    tiny, epsilon = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 1000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            step = c * d
            result *= step
        if abs(step - 1.0) < epsilon:
            return result
    raise ArithmeticError(f"incomplete beta did not converge (x={x}, a={a}, b={b})")


def regularized_incomplete_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b): the Beta(a, b) cumulative probability at x in [0, 1]; a, b > 0."""
    if a <= 0 or b <= 0:
        raise ValueError(f"Beta parameters must be positive (got a={a}, b={b})")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges fast only below the mean; above it use I_x(a,b) = 1 - I_{1-x}(b,a).
    if x < (a + 1) / (a + b + 2):
        return front * _beta_continued_fraction(x, a, b) / a
    return 1.0 - front * _beta_continued_fraction(1.0 - x, b, a) / b


def beta_quantile(probability: float, a: float, b: float) -> float:
    """The x in [0, 1] with I_x(a, b) = probability, by bisection (exact to about 1e-12)."""
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be in [0, 1] (got {probability})")
    low, high = 0.0, 1.0
    # Bisection cannot diverge, and the CDF is monotone, so 60 halvings give ~1e-18 width.
    for _ in range(60):
        middle = (low + high) / 2
        if regularized_incomplete_beta(middle, a, b) < probability:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def beta_interval(a: float, b: float, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Equal-tailed credible interval of Beta(a, b): probabilities in [0, 1]."""
    tail = (1 - confidence) / 2
    return beta_quantile(tail, a, b), beta_quantile(1 - tail, a, b)


def prob_first_greater(a1: float, b1: float, a2: float, b2: float, steps: int = 2000) -> float:
    """P(X > Y) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2); in [0, 1].

    Integrates F_Y over the distribution of X on a grid of ``steps`` cells (midpoint rule on
    CDF differences, so densities that are infinite at 0 or 1 cause no trouble); accurate to
    about 1e-5, deterministic.
    """
    edges = np.linspace(0.0, 1.0, steps + 1)
    cdf_x = np.array([regularized_incomplete_beta(float(x), a1, b1) for x in edges])
    middles = (edges[:-1] + edges[1:]) / 2
    cdf_y = np.array([regularized_incomplete_beta(float(x), a2, b2) for x in middles])
    return float(np.sum(np.diff(cdf_x) * cdf_y))


# --------------------------------------------------------------------------------------------
# Base rates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseRate:
    """P(release) among cases handled one way, as a Beta posterior with an 80% interval.

    ``alpha``/``beta`` are the Beta posterior parameters (prior + released, prior + returned);
    ``estimate`` is the posterior mean; ``low``/``high`` the equal-tailed 80% credible interval
    of that posterior (exact quantiles). ``wilson_low``/``wilson_high`` give the 80% Wilson
    interval of the raw share released / n_known for comparison. ``mixed`` and ``unknown``
    cases are not in ``n_known``; they are counted so a reader sees what was left out.
    """

    released: int
    returned: int
    n_known: int
    unknown: int
    mixed: int
    cases: int
    alpha: float
    beta: float
    estimate: float
    low: float
    high: float
    wilson_low: float
    wilson_high: float
    confidence: float = CONFIDENCE

    @property
    def share(self) -> float:
        """Raw share released / n_known in [0, 1]; NaN when no outcome is known."""
        return self.released / self.n_known if self.n_known else math.nan


def release_base_rate(cases: pd.DataFrame, prior: tuple[float, float] = (1.0, 1.0)) -> BaseRate:
    """Posterior P(release) from the cases' outcomes; ``prior`` is Beta(alpha0, beta0).

    The default Beta(1, 1) is uniform: every release probability equally likely before the data.
    """
    outcomes = cases["outcome"].astype(str)
    released = int((outcomes == "released").sum())
    returned = int((outcomes == "returned").sum())
    alpha, beta = prior[0] + released, prior[1] + returned
    low, high = beta_interval(alpha, beta)
    wilson_low, wilson_high = wilson_interval(released, released + returned)
    return BaseRate(
        released=released,
        returned=returned,
        n_known=released + returned,
        unknown=int((outcomes == "unknown").sum()),
        mixed=int((outcomes == "mixed").sum()),
        cases=len(cases),
        alpha=alpha,
        beta=beta,
        estimate=alpha / (alpha + beta),
        low=low,
        high=high,
        wilson_low=wilson_low,
        wilson_high=wilson_high,
    )


def describe(rate: BaseRate) -> str:
    """The base rate in one plain sentence, with what was left out of the count."""
    return (
        f"{rate.released} released and {rate.returned} returned of {rate.n_known} cases with a "
        f"one-way outcome ({rate.mixed} mixed and {rate.unknown} unknown not counted): "
        f"P(release) = {rate.estimate:.2f}, 80% interval {rate.low:.2f}-{rate.high:.2f}."
    )


def period_of(year: int) -> str:
    """The period label (see PERIODS) of a detention year."""
    for label, first, last in PERIODS:
        if first <= year <= last:
            return label
    return OUTSIDE_PERIODS


def with_year_and_period(cases: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``cases`` with ``year``, ``year_source`` and ``period``.

    The year is the detention year (middle of the dated window). Where no source dates the
    detention it falls back to the outcome year, then to the year in the case_id (which the
    codebook defines as the year of detention or exit); ``year_source`` says which was used.
    """
    frame = cases.copy()
    detained = frame["detained_mid"].dt.year
    outcome = frame["outcome_mid"].dt.year
    from_id = frame["case_id"].str.slice(0, 4).astype(int)
    frame["year"] = detained.fillna(outcome).fillna(from_id).astype(int)
    frame["year_source"] = np.where(
        detained.notna(), "detained", np.where(outcome.notna(), "outcome", "case_id")
    )
    frame["period"] = frame["year"].map(period_of)
    return frame


def detentions_in_china(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases that began in Chinese custody: all but foreign-mission entries and legal exits.

    This is the reference class for the Shenyang eight (a road check); see NOT_DETENTION_ONSETS.
    Cases of unknown onset stay in: most of them are arrests the sources describe only briefly.
    """
    return cases[~cases["onset"].astype(str).isin(NOT_DETENTION_ONSETS)]


def reference_classes(cases: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The three reference classes the notebook compares, widest first.

    all cases; detentions in China (see detentions_in_china); and those detained before 2020,
    the era of the Shenyang eight, before the COVID border closure changed how returns worked.
    """
    detentions = detentions_in_china(cases)
    years = with_year_and_period(detentions)["year"]
    return {
        "all cases": cases,
        "detentions in China": detentions,
        "detentions in China, before 2020": detentions[years < 2020],
    }


def _levels(frame: pd.DataFrame, by: str) -> list:
    """Levels of ``by`` in a reader's order: codebook order for categories, sorted otherwise."""
    values = frame[by]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return [level for level in values.cat.categories if (values == level).any()]
    if by == "period":
        labels = [label for label, _, _ in PERIODS] + [OUTSIDE_PERIODS]
        return [label for label in labels if (values == label).any()]
    return sorted(values.unique().tolist())


def subgroup_rates(
    cases: pd.DataFrame, by: str, prior: tuple[float, float] = (1.0, 1.0)
) -> pd.DataFrame:
    """One row per level of ``by``: counts, posterior P(release) and its 80% interval.

    ``by`` is a cases column (onset, campaign, pressure_level, tension_level) or ``period``.
    Only levels that occur are listed. Columns: factor, level, label, cases, released, returned,
    mixed, unknown, n_known, estimate, low, high (estimate/low/high are probabilities in [0, 1]).
    """
    frame = with_year_and_period(cases)
    rows = []
    for level in _levels(frame, by):
        rate = release_base_rate(frame[frame[by] == level], prior)
        rows.append(
            {
                "factor": by,
                "level": level,
                "label": LEVEL_LABELS.get(by, {}).get(level, str(level)),
                "cases": rate.cases,
                "released": rate.released,
                "returned": rate.returned,
                "mixed": rate.mixed,
                "unknown": rate.unknown,
                "n_known": rate.n_known,
                "estimate": rate.estimate,
                "low": rate.low,
                "high": rate.high,
            }
        )
    return pd.DataFrame(rows)


def subgroup_table(
    cases: pd.DataFrame,
    by: Sequence[str] = SUBGROUP_COLUMNS,
    prior: tuple[float, float] = (1.0, 1.0),
) -> pd.DataFrame:
    """subgroup_rates for several factors stacked into one table (``level`` dropped)."""
    tables = [subgroup_rates(cases, column, prior).drop(columns="level") for column in by]
    return pd.concat(tables, ignore_index=True)


def base_rate_table(cases: pd.DataFrame, prior: tuple[float, float] = (1.0, 1.0)) -> pd.DataFrame:
    """P(release) for each reference class (see reference_classes), one row each.

    estimate/low/high: Beta posterior mean and 80% interval. if_unknown_returned and
    if_unknown_released: the raw share released if every unknown outcome had been a return, or
    a release, the range the unknown cases could move it over (probabilities in [0, 1]).
    """
    rows = []
    for name, frame in reference_classes(cases).items():
        rate = release_base_rate(frame, prior)
        counted = rate.n_known + rate.unknown
        rows.append(
            {
                "reference_class": name,
                "cases": rate.cases,
                "released": rate.released,
                "returned": rate.returned,
                "mixed": rate.mixed,
                "unknown": rate.unknown,
                "estimate": rate.estimate,
                "low": rate.low,
                "high": rate.high,
                "if_unknown_returned": rate.released / counted if counted else math.nan,
                "if_unknown_released": (rate.released + rate.unknown) / counted
                if counted
                else math.nan,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# What the table holds
# --------------------------------------------------------------------------------------------


def _group_size(cases: pd.DataFrame) -> pd.Series:
    low, high = cases["group_size_low"], cases["group_size_high"]
    return low.astype(str).where(low == high, low.astype(str) + "-" + high.astype(str))


def outcome_counts(cases: pd.DataFrame) -> pd.DataFrame:
    """Cases (and people, smallest and largest count) by outcome and period; with totals.

    Rows are outcomes in the order released, mixed, returned, unknown, then ``all``; the period
    columns count cases.
    """
    frame = with_year_and_period(cases)
    frame["outcome"] = pd.Categorical(frame["outcome"].astype(str), categories=OUTCOME_ORDER)
    periods = [label for label in _levels(frame, "period")]
    table = pd.crosstab(frame["outcome"], frame["period"], dropna=False).reindex(
        index=list(OUTCOME_ORDER), columns=periods, fill_value=0
    )
    table["cases"] = table.sum(axis=1)
    people = frame.groupby("outcome", observed=False)[["group_size_low", "group_size_high"]].sum()
    table["people_low"] = people["group_size_low"].reindex(table.index).astype(int)
    table["people_high"] = people["group_size_high"].reindex(table.index).astype(int)
    table.loc["all"] = table.sum()
    table.index.name = "outcome"
    table.columns.name = None
    return table


def case_list(cases: pd.DataFrame, outcome: str | None = None) -> pd.DataFrame:
    """The cases (all, or those with one ``outcome``) as a short table in year order."""
    frame = with_year_and_period(cases)
    if outcome is not None:
        frame = frame[frame["outcome"].astype(str) == outcome]
    listing = pd.DataFrame(
        {
            "year": frame["year"],
            "case_id": frame["case_id"],
            "title": frame["title"],
            "people": _group_size(frame),
            "onset": frame["onset"].astype(str),
            "outcome": frame["outcome"].astype(str),
            "campaign": frame["campaign"],
            "pressure": frame["pressure_level"],
            "tension": frame["tension_level"],
        }
    )
    return listing.sort_values(["year", "case_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Time from detention to return
# --------------------------------------------------------------------------------------------


def _exclusion_reason(detained_precision: str, outcome_precision: str) -> str:
    reasons = []
    for name, precision in (("detention", detained_precision), ("outcome", outcome_precision)):
        if precision == "unknown":
            reasons.append(f"{name} date unknown")
        elif precision not in DELAY_PRECISIONS:
            reasons.append(f"{name} dated only to the {precision}")
    return "; ".join(reasons)


def time_to_return(cases: pd.DataFrame, outcomes: Sequence[str] = ("returned",)) -> pd.DataFrame:
    """Days from detention to the outcome for cases with one of ``outcomes``, one row each.

    ``days`` = outcome_mid - detained_mid (the middle of each dated window). ``days_min`` and
    ``days_max`` bound it: earliest possible outcome minus latest possible detention (floored at
    0, since no outcome precedes its detention) and latest outcome minus earliest detention.
    ``usable`` is True when both precisions are day, approximate, range or month; cases dated
    only to the year or not at all stay in the table with ``usable`` False and a ``reason``,
    and their day columns empty. Sorted by days, unusable cases last.
    """
    frame = cases[cases["outcome"].astype(str).isin(outcomes)]
    detained_p = frame["detained_precision"].astype(str)
    outcome_p = frame["outcome_precision"].astype(str)
    usable = detained_p.isin(DELAY_PRECISIONS) & outcome_p.isin(DELAY_PRECISIONS)

    def days(later: pd.Series, earlier: pd.Series) -> pd.Series:
        return (later - earlier).dt.days.where(usable).astype("Int64")

    table = pd.DataFrame(
        {
            "case_id": frame["case_id"],
            "title": frame["title"],
            "outcome": frame["outcome"].astype(str),
            "detained_precision": detained_p,
            "outcome_precision": outcome_p,
            "days": days(frame["outcome_mid"], frame["detained_mid"]),
            "days_min": days(frame["outcome_date"], frame["detained_latest"]).clip(lower=0),
            "days_max": days(frame["outcome_latest"], frame["detained_date"]),
            "usable": usable,
            "reason": [
                "" if ok else _exclusion_reason(d, o)
                for ok, d, o in zip(usable, detained_p, outcome_p, strict=True)
            ],
        }
    )
    table = table.sort_values(["usable", "days", "case_id"], ascending=[False, True, True])
    return table.reset_index(drop=True)


def days_held_at_article(cases: pd.DataFrame) -> int | None:
    """Days from the Shenyang eight's detention (middle estimate) to ARTICLE_DATE; None if the
    focal case is not in the table or undated."""
    focal = cases.loc[cases["case_id"] == FOCAL_CASE_ID, "detained_mid"]
    if focal.empty or pd.isna(focal.iloc[0]):
        return None
    return int((ARTICLE_DATE - focal.iloc[0]).days)


def delay_summary(cases: pd.DataFrame) -> pd.DataFrame:
    """Dated returns against three benchmarks: about two weeks, two months, and the time the
    Shenyang eight had already been held when the article appeared.

    One row per benchmark: ``within`` counts usable returns whose middle estimate is within
    ``limit_days``; ``within_surely`` those whose whole date window is (days_max);
    ``within_possibly`` those whose window starts within it (days_min); ``share`` = within /
    usable, in [0, 1]; ``excluded`` = returns without usable dates (not in ``usable``).
    """
    delays = time_to_return(cases)
    usable = delays[delays["usable"]]
    n = len(usable)
    benchmarks = [
        ("article: about two weeks (up to 21 days)", ABOUT_TWO_WEEKS_MAX_DAYS),
        ("HRW: within two months", HRW_RETURN_DAYS),
    ]
    held = days_held_at_article(cases)
    if held is not None:
        benchmarks.append(("Shenyang eight: held so far at the article's date", held))
    rows = []
    for label, limit in benchmarks:
        within = int((usable["days"] <= limit).sum())
        rows.append(
            {
                "benchmark": label,
                "limit_days": limit,
                "usable": n,
                "within": within,
                "within_surely": int((usable["days_max"] <= limit).sum()),
                "within_possibly": int((usable["days_min"] <= limit).sum()),
                "share": within / n if n else math.nan,
                "excluded": int((~delays["usable"]).sum()),
            }
        )
    return pd.DataFrame(rows)


def outcomes_after(cases: pd.DataFrame, days: int) -> pd.DataFrame:
    """Cases whose return or release came more than ``days`` after detention (middle estimates).

    The cases that, like the Shenyang eight at the article's date, were still held after that
    long, and what then happened to them. Only cases with usable dates on both ends.
    """
    delays = time_to_return(cases, outcomes=("returned", "released"))
    later = delays[delays["usable"] & (delays["days"] > days)]
    return later[["case_id", "title", "outcome", "days", "days_min", "days_max"]].reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------------
# The article's claims
# --------------------------------------------------------------------------------------------


def share_verdict(low: float, high: float, threshold: float, n: int) -> str:
    """Verdict on "the probability exceeds ``threshold``" from its 80% interval.

    untestable if fewer than MIN_KNOWN cases count; supported if the whole interval is above
    the threshold; contradicted if it is wholly below; weak if it straddles the threshold.
    """
    if n < MIN_KNOWN:
        return "untestable"
    if low > threshold:
        return "supported"
    if high < threshold:
        return "contradicted"
    return "weak"


def difference_verdict(probability_greater: float, n_first: int, n_second: int) -> str:
    """Verdict on "the first group's release rate is higher" from P(p_first > p_second).

    untestable if either group has fewer than MIN_KNOWN counted cases; supported if the
    probability is at least SUPPORT_PROBABILITY (0.9); contradicted if it is at most
    CONTRADICT_PROBABILITY (0.1: the data favour the opposite); weak in between.
    """
    if min(n_first, n_second) < MIN_KNOWN:
        return "untestable"
    if probability_greater >= SUPPORT_PROBABILITY:
        return "supported"
    if probability_greater <= CONTRADICT_PROBABILITY:
        return "contradicted"
    return "weak"


def _pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.0%}"


def _share_row(
    claim: str,
    source: str,
    scope: str,
    test: str,
    counts: tuple[int, int],
    threshold: float,
    texts: tuple[str, str],
    prior: tuple[float, float],
) -> dict[str, object]:
    """A claim that a probability exceeds ``threshold``; counts = (for, against)."""
    successes, failures = counts
    n = successes + failures
    alpha, beta = prior[0] + successes, prior[1] + failures
    low, high = beta_interval(alpha, beta)
    verdict = share_verdict(low, high, threshold, n)
    reasons = {
        "untestable": f"only {n} counted case(s); at least {MIN_KNOWN} needed",
        "supported": f"the whole 80% interval is above {threshold:.2f}",
        "contradicted": f"the whole 80% interval is below {threshold:.2f}",
        "weak": f"the 80% interval straddles {threshold:.2f}",
    }
    return {
        "claim": claim,
        "source": source,
        "scope": scope,
        "test": test,
        "evidence_for": f"{successes} of {n} {texts[0]}",
        "evidence_against": f"{failures} of {n} {texts[1]}",
        "statistic": f"P = {alpha / (alpha + beta):.2f} (80% interval {low:.2f}-{high:.2f})",
        "verdict": verdict,
        "reason": reasons[verdict],
    }


def _difference_row(
    claim: str,
    scope: str,
    frame: pd.DataFrame,
    column: str,
    high_level: int,
    label: str,
    prior: tuple[float, float],
) -> dict[str, object]:
    first = release_base_rate(frame[frame[column] >= high_level], prior)
    second = release_base_rate(frame[frame[column] < high_level], prior)
    probability = prob_first_greater(first.alpha, first.beta, second.alpha, second.beta)
    verdict = difference_verdict(probability, first.n_known, second.n_known)
    reasons = {
        "untestable": (
            f"{first.n_known} and {second.n_known} counted cases; "
            f"at least {MIN_KNOWN} needed in each group"
        ),
        "supported": f"P(higher release rate) >= {SUPPORT_PROBABILITY:.1f}",
        "contradicted": f"P(higher release rate) <= {CONTRADICT_PROBABILITY:.1f}",
        "weak": f"P(higher release rate) between {CONTRADICT_PROBABILITY:.1f} "
        f"and {SUPPORT_PROBABILITY:.1f}",
    }
    return {
        "claim": claim,
        "source": "article",
        "scope": scope,
        "test": f"release rate with {label} level 2 (high) vs 0-1",
        "evidence_for": (
            f"{label} high: {first.released} of {first.n_known} released ({_pct(first.share)})"
        ),
        "evidence_against": (
            f"{label} lower: {second.released} of {second.n_known} released ({_pct(second.share)})"
        ),
        "statistic": f"P(higher rate when {label} high) = {probability:.2f}",
        "verdict": verdict,
        "reason": reasons[verdict],
    }


def claims_table(cases: pd.DataFrame, prior: tuple[float, float] = (1.0, 1.0)) -> pd.DataFrame:
    """Each empirical claim of the article (and HRW's two months), tested on the cases.

    Columns: claim, source, scope, test, evidence_for, evidence_against, statistic, verdict,
    reason. Claims about how often China returns or releases, and why, are tested twice: on all
    cases and on detentions in China (the Shenyang eight's own class; foreign-mission entries
    were settled with a foreign government). Timing claims use the dated returns.

    The verdict comes from the numbers by one of two documented rules: share_verdict for "how
    often" claims (an 80% Beta interval against a threshold) and difference_verdict for "more
    often when" claims (P that one group's release rate exceeds the other's). Mixed and unknown
    outcomes are not counted (see the module docstring). The cases are few and selected by news
    coverage, so "supported" means "consistent with the public record", no more.
    """
    rows = []
    scopes = {
        f"all cases ({len(cases)})": cases,
        f"detentions in China ({len(detentions_in_china(cases))})": detentions_in_china(cases),
    }
    for scope, frame in scopes.items():
        rate = release_base_rate(frame, prior)
        rows.append(
            _share_row(
                "China routinely returns detainees",
                "article",
                scope,
                "P(return) > 0.5 among cases with a one-way outcome",
                (rate.returned, rate.released),
                0.5,
                ("returned", "released"),
                (prior[1], prior[0]),
            )
        )
    for scope, frame in scopes.items():
        rate = release_base_rate(frame, prior)
        rows.append(
            _share_row(
                "Beijing sometimes lets detainees go to the South",
                "article",
                scope,
                "P(release) > 0.05: release is more than a rare exception",
                (rate.released, rate.returned),
                0.05,
                ("released (South Korea, a third country, or freed in China)", "returned"),
                prior,
            )
        )
    for column, label, claim in (
        ("pressure_level", "pressure", "More release under international pressure"),
        ("tension_level", "tension", "More release when Beijing-Pyongyang relations are tense"),
    ):
        for scope, frame in scopes.items():
            rows.append(_difference_row(claim, scope, frame, column, 2, label, prior))

    delays = time_to_return(cases)
    usable = delays[delays["usable"]]
    undated = delays[~delays["usable"]]
    undated_note = (
        f"; {len(undated)} returns without usable dates not counted ({_years(undated['case_id'])})"
        if len(undated)
        else ""
    )
    scope = f"dated returns ({len(usable)})"
    for claim, source, limit in (
        ("Returned in about two weeks", "article", ABOUT_TWO_WEEKS_MAX_DAYS),
        ("Most returns within two months of detention", "HRW", HRW_RETURN_DAYS),
    ):
        quick = int((usable["days"] <= limit).sum())
        row = _share_row(
            claim,
            source,
            scope,
            f"P(return within {limit} days of detention) > 0.5",
            (quick, len(usable) - quick),
            0.5,
            (f"within {limit} days", f"after {limit} days"),
            prior,
        )
        row["evidence_against"] = str(row["evidence_against"]) + undated_note
        rows.append(row)
    return pd.DataFrame(rows)


def _years(case_ids: pd.Series) -> str:
    """The span of years in a set of case ids, as 2021-2024 or 2021."""
    years = sorted({int(case_id[:4]) for case_id in case_ids})
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def _marker_area(people: pd.Series | np.ndarray) -> np.ndarray:
    """Marker area in points^2: proportional to the square root of the group size, so a group
    of 500 is visible without hiding a family of five behind it (the legend gives the scale)."""
    return 14.0 * np.sqrt(np.asarray(people, dtype=float))


def plot_outcomes_over_time(cases: pd.DataFrame) -> Figure:
    """Each case as a marker: x = detention year, row and colour and shape = outcome.

    Area grows with the square root of the group size (middle of the sources' range). Cases
    without a detention date are placed at their outcome date and drawn hollow. The periods of
    PERIODS are shaded; the focal Shenyang case is labelled.
    """
    frame = with_year_and_period(cases)
    when = frame["detained_mid"].fillna(frame["outcome_mid"])
    when = when.fillna(pd.to_datetime(frame["year"].astype(str) + "-07-01"))
    people = (frame["group_size_low"] + frame["group_size_high"]) / 2
    rows = {outcome: len(OUTCOME_ORDER) - 1 - i for i, outcome in enumerate(OUTCOME_ORDER)}
    focal_y = math.nan

    figure, axes = plt.subplots(figsize=(9.5, 4.2))
    for index, (label, first, last) in enumerate(PERIODS):
        shade = "#f2f2f2" if index % 2 == 0 else "#ffffff"
        axes.axvspan(pd.Timestamp(f"{first}-01-01"), pd.Timestamp(f"{last}-12-31"), color=shade)
        axes.text(
            pd.Timestamp(f"{(first + last) // 2}-07-01"),
            len(OUTCOME_ORDER) - 0.45,
            label,
            ha="center",
            va="bottom",
            color=OKABE_ITO["grey"],
        )
    for outcome in OUTCOME_ORDER:
        mask = (frame["outcome"].astype(str) == outcome).to_numpy()
        if not mask.any():
            continue
        # Spread markers of one row a little in y, alternately, so neighbours in time do not
        # cover each other; the order is the table's, so the picture is the same every run.
        offsets = np.resize([0.0, 0.18, -0.18], int(mask.sum()))
        order = np.argsort(when[mask].to_numpy(), kind="stable")
        y = np.empty(int(mask.sum()))
        y[order] = rows[outcome] + offsets
        is_focal = (frame.loc[mask, "case_id"] == FOCAL_CASE_ID).to_numpy()
        if is_focal.any():
            focal_y = float(y[is_focal][0])
        dated = frame.loc[mask, "detained_mid"].notna().to_numpy()
        colour = OUTCOME_COLORS[outcome]
        for is_dated in (True, False):
            part = dated == is_dated
            if not part.any():
                continue
            axes.scatter(
                when[mask][part],
                y[part],
                s=_marker_area(people[mask][part]),
                marker=OUTCOME_MARKERS[outcome],
                facecolors=colour if is_dated else "white",
                edgecolors=colour,
                linewidths=0.8 if is_dated else 1.4,
                alpha=0.75 if is_dated else 1.0,
                zorder=3,
            )
    focal = (frame["case_id"] == FOCAL_CASE_ID).to_numpy()
    if focal.any():
        x, y = when[focal].iloc[0], focal_y
        axes.scatter([x], [y], s=260, facecolors="none", edgecolors=OKABE_ITO["black"], zorder=4)
        axes.annotate(
            "Shenyang eight (this project)",
            (x, y),
            xytext=(14, 30),
            textcoords="offset points",
            ha="left",
            va="bottom",
            arrowprops={"arrowstyle": "-", "color": OKABE_ITO["black"], "lw": 0.6},
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9},
            zorder=5,
        )
    axes.set_yticks(list(rows.values()), [f"{o}" for o in rows])
    axes.set_ylim(-0.7, len(OUTCOME_ORDER) - 0.1)
    axes.set_xlim(pd.Timestamp("2000-07-01"), pd.Timestamp("2025-06-30"))
    axes.xaxis.set_major_locator(mdates.YearLocator(2))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.set_xlabel("year of detention (undated detentions: year of the outcome)")
    axes.set_title("Outcomes of publicly reported detentions of North Koreans in China")
    size_handles = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markersize=math.sqrt(_marker_area(np.array([n]))[0]),
            markerfacecolor="none",
            markeredgecolor=OKABE_ITO["black"],
            label=f"{n} people",
        )
        for n in (5, 50, 500)
    ]
    undated = Line2D(
        [],
        [],
        linestyle="",
        marker="s",
        markersize=7,
        markerfacecolor="white",
        markeredgecolor=OKABE_ITO["black"],
        label="hollow: detention\nundated",
    )
    axes.legend(
        handles=[*size_handles, undated],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        labelspacing=1.6,
        borderpad=1.0,
        title="group size",
    )
    figure.subplots_adjust(left=0.09, right=0.8, bottom=0.14, top=0.9)
    return figure


def plot_time_to_return(cases: pd.DataFrame, include_released: bool = True) -> Figure:
    """Days from detention to return (and, for contrast, to release), one row per dated case.

    Marker = middle estimate, bar = the window left by imprecise dates; colour and shape by
    outcome. Dashed lines mark the article's 14 days and HRW's 61 days, a dotted line how long
    the Shenyang eight had been held at the article's date. The x axis is linear up to a week
    and logarithmic beyond, so same-day and seven-month cases fit on one chart. Cases without
    usable dates are counted in the title, not drawn.
    """
    outcomes = ("returned", "released") if include_released else ("returned",)
    delays = time_to_return(cases, outcomes=outcomes)
    usable = delays[delays["usable"]].sort_values(["days", "case_id"], ascending=[False, False])
    excluded = delays[~delays["usable"]]
    height = 1.5 + 0.26 * max(len(usable), 1)
    figure, axes = plt.subplots(figsize=(9.0, height))
    y = np.arange(len(usable))
    for outcome in outcomes:
        mask = (usable["outcome"] == outcome).to_numpy()
        if not mask.any():
            continue
        colour = OUTCOME_COLORS[outcome]
        axes.hlines(
            y[mask],
            usable["days_min"][mask].astype(float),
            usable["days_max"][mask].astype(float),
            color=colour,
            linewidth=2.4,
            alpha=0.4,
        )
        axes.plot(
            usable["days"][mask].astype(float),
            y[mask],
            linestyle="",
            marker=OUTCOME_MARKERS[outcome],
            color=colour,
            label=outcome,
        )
    references = [
        (ARTICLE_RETURN_DAYS, "article: 2 weeks", "--"),
        (HRW_RETURN_DAYS, "HRW: 2 months", "--"),
    ]
    held = days_held_at_article(cases)
    if held is not None:
        references.append((held, "Shenyang eight held so far (article)", ":"))
    for days, label, style in references:
        axes.axvline(days, color=OKABE_ITO["black"], linestyle=style, linewidth=0.9)
        # Vertical, beside its line, at the top: the short delays there leave that corner empty.
        axes.text(
            days * 1.05, len(usable) - 0.6, label, rotation=90, va="top", ha="left", fontsize=8
        )
    axes.set_xscale("symlog", linthresh=7, linscale=0.6)
    ticks = [0, 1, 7, 14, 30, 61, 120, 240]
    axes.set_xticks(ticks, [str(tick) for tick in ticks])
    axes.set_xlim(-0.5, 300)
    axes.set_yticks(y, [literal(title) for title in usable["title"]], fontsize=8)
    axes.set_ylim(-0.7, len(usable) - 0.3)
    axes.set_xlabel("days from detention (marker: middle estimate; bar: date window)")
    kinds = " or release" if include_released else ""
    axes.set_title(
        f"Time from detention to return{kinds}\n{len(usable)} dated cases;"
        f" {len(excluded)} more without usable dates are not drawn",
        loc="left",
    )
    axes.legend(loc="center right", frameon=True)
    figure.subplots_adjust(left=0.43, right=0.98, bottom=0.6 / height, top=1 - 0.6 / height)
    return figure


FACTOR_LABELS = {
    "onset": "onset",
    "campaign": "campaign",
    "pressure_level": "pressure",
    "tension_level": "tension",
    "period": "period",
}


def plot_subgroup_rates(
    cases: pd.DataFrame,
    by: Sequence[str] = SUBGROUP_COLUMNS,
    prior: tuple[float, float] = (1.0, 1.0),
) -> Figure:
    """P(release) with its 80% interval per subgroup, for all cases and for detentions in China.

    Each level gets two bars: all cases (hollow marker, upper) and detentions in China (filled,
    lower); "k/n" at the right gives released of counted cases. A dotted line marks each class's
    overall rate. Levels are those present among all cases.
    """
    wide = subgroup_table(cases, by, prior)
    narrow = subgroup_table(detentions_in_china(cases), by, prior)
    keys = ["factor", "label"]
    table = wide.merge(narrow, on=keys, how="left", suffixes=("_all", "_det"))
    table = table.iloc[::-1].reset_index(drop=True)
    height = 1.4 + 0.34 * len(table)
    figure, axes = plt.subplots(figsize=(8.0, height))
    y = np.arange(len(table), dtype=float)
    colour = OUTCOME_COLORS["released"]
    series = (
        ("_all", 0.17, "white", "all cases"),
        ("_det", -0.17, colour, "detentions in China"),
    )
    for suffix, shift, face, name in series:
        known = table[f"n_known{suffix}"].fillna(0).to_numpy() > 0
        axes.hlines(
            y[known] + shift,
            table[f"low{suffix}"][known],
            table[f"high{suffix}"][known],
            color=colour,
            linewidth=1.6,
        )
        axes.plot(
            table[f"estimate{suffix}"][known],
            y[known] + shift,
            linestyle="",
            marker="o",
            markerfacecolor=face,
            markeredgecolor=colour,
            label=name,
        )
        for row, yy in zip(table.itertuples(), y, strict=True):
            n = getattr(row, f"n_known{suffix}")
            if pd.isna(n):
                continue
            released = int(getattr(row, f"released{suffix}"))
            axes.text(1.01, yy + shift, f"{released}/{int(n)}", va="center", fontsize=7)
    overall = release_base_rate(cases, prior).estimate
    overall_det = release_base_rate(detentions_in_china(cases), prior).estimate
    for value, style, name in (
        (overall, ":", "overall, all cases"),
        (overall_det, "-.", "overall, detentions"),
    ):
        axes.axvline(value, color=OKABE_ITO["grey"], linestyle=style, linewidth=0.9, label=name)
    labels = [
        f"{FACTOR_LABELS.get(factor, factor)}: {label}"
        for factor, label in zip(table["factor"], table["label"], strict=True)
    ]
    axes.set_yticks(y, labels)
    for index in range(1, len(table)):
        if table["factor"].iloc[index] != table["factor"].iloc[index - 1]:
            axes.axhline(index - 0.5, color=OKABE_ITO["grey"], linewidth=0.5)
    axes.set_xlim(0, 1)
    axes.set_ylim(-0.6, len(table) - 0.4)
    axes.set_xlabel("P(release): posterior mean and 80% interval; k/n = released of counted")
    axes.set_title("Release rate by subgroup: all cases and detentions in China", loc="left")
    figure.legend(loc="lower center", ncols=4, fontsize=8)
    figure.subplots_adjust(left=0.3, right=0.92, bottom=0.95 / height, top=1 - 0.4 / height)
    return figure
