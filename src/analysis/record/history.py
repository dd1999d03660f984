"""The reference class: what happened to North Koreans detained in China whose cases became public.

The unit is the case (one group, one decision by the Chinese authorities), not the person: the
question the project forecasts is what happens to one group, and a mass return of hundreds
would otherwise outweigh every other case.

Counting rules, used by every function here:

* The question's two outcomes are mapped once, in ``analysis.record.outcomes``: a release is
  ``RELEASE`` (reached_south_or_third_country), a return is ``RETURN`` (returned). Every other
  outcome (freed_in_china, left_legally, died_in_custody, mixed, unknown) counts as neither by
  default and is counted apart, never dropped; ``release_base_rate`` can be told to count more
  outcomes as releases (the multiverse's "any non-return").
* Rows with ``part_of`` set overlap another row (a person inside a mass return, a family inside a
  monthly count): every count drops them, and says how many it dropped.
* ``mixed`` (part of the group returned, part let go) is excluded from the binary rate and
  reported in its own column. A mixed case answers a different question (a split decision,
  usually along a line the group itself drew, such as South Korean citizenship); counting it as
  half a release would invent a fraction no source gives, and would make the Beta posterior's
  counts non-integers. The rate is therefore P(release | the group was handled one way).
* Probabilities are in [0, 1]. Intervals are 80% (``intervals.LEVEL``): a Beta posterior
  ``Beta(prior + counts)`` with its equal-tailed interval, and the Wilson interval of the raw
  share (``analysis.record.intervals``).

The cases are few and selected: they are the ones that made the news, and news favours the
dramatic (embassy entries, campaigns, releases abroad) over the routine quiet return, so the
release rate here is almost certainly higher than among all North Koreans detained in China.

Numbers only: the charts are in ``analysis.charts.history``, the delays in
``analysis.record.durations``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.record.classes import CHINA_ARRESTS, ClassRule, class_name, in_class
from analysis.record.intervals import LEVEL, beta_interval, wilson_interval
from analysis.record.outcomes import OTHER_OUTCOMES, RETURN, STRICT

# Periods of detention year, chosen from North Korean policy rather than from the data:
# Kim Jong-il's rule; Kim Jong-un's border tightening up to the pandemic; the COVID closure
# (no returns accepted 2020-2022) and the mass returns after it.
PERIODS: tuple[tuple[str, int, int], ...] = (
    ("2001-2011", 2001, 2011),
    ("2012-2019", 2012, 2019),
    ("2020-2024", 2020, 2024),
)
OUTSIDE_PERIODS = "other years"
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


# --------------------------------------------------------------------------------------------
# Base rates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseRate:
    """P(release) among cases handled one way, as a Beta posterior with an 80% interval.

    ``released`` counts the outcomes taken as a release (by default only ``RELEASE``: reached
    the South or a third country), ``returned`` those returned. ``other`` counts freed in China,
    left legally and died in custody when they are not taken as releases; ``overlapping`` the
    rows dropped because ``part_of`` is set (``cases`` is the count after dropping them).
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
    other: int = 0
    overlapping: int = 0
    confidence: float = LEVEL

    @property
    def share(self) -> float:
        """Raw share released / n_known in [0, 1]; NaN when no outcome is known."""
        return self.released / self.n_known if self.n_known else math.nan


def without_overlaps(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases whose ``part_of`` is empty: the rows every count keeps."""
    if "part_of" not in cases.columns:
        return cases
    return cases[cases["part_of"].fillna("").astype(str) == ""]


def release_base_rate(
    cases: pd.DataFrame,
    prior: tuple[float, float] = (1.0, 1.0),
    releases: Sequence[str] = STRICT,
) -> BaseRate:
    """Posterior P(release) from the cases' outcomes; ``prior`` is Beta(alpha0, beta0).

    The default Beta(1, 1) is uniform: every release probability equally likely before the data.
    ``releases`` are the outcomes counted as a release (default: the question's, ``RELEASE``);
    rows with ``part_of`` set are dropped first.
    """
    kept = without_overlaps(cases)
    outcomes = kept["outcome"].astype(str)
    released = int(outcomes.isin(list(releases)).sum())
    returned = int((outcomes == RETURN).sum())
    alpha, beta = prior[0] + released, prior[1] + returned
    low, high = beta_interval(alpha, beta)
    wilson_low, wilson_high = wilson_interval(released, released + returned)
    return BaseRate(
        released=released,
        returned=returned,
        n_known=released + returned,
        unknown=int((outcomes == "unknown").sum()),
        mixed=int((outcomes == "mixed").sum()),
        cases=len(kept),
        alpha=alpha,
        beta=beta,
        estimate=alpha / (alpha + beta),
        low=low,
        high=high,
        wilson_low=wilson_low,
        wilson_high=wilson_high,
        other=int((outcomes.isin(OTHER_OUTCOMES) & ~outcomes.isin(list(releases))).sum()),
        overlapping=len(cases) - len(kept),
    )


def describe(rate: BaseRate) -> str:
    """The base rate in one plain sentence, with what was left out of the count."""
    overlaps = f"; {rate.overlapping} overlapping rows dropped" if rate.overlapping else ""
    return (
        f"{rate.released} released and {rate.returned} returned of {rate.n_known} cases with one "
        f"of the question's two outcomes ({rate.mixed} mixed, {rate.other} freed in China, left "
        f"legally or died in custody, and {rate.unknown} unknown counted as neither{overlaps}): "
        f"{rate_phrase(rate.estimate, rate.low, rate.high)}"
    )


def rate_phrase(estimate: float, low: float, high: float) -> str:
    """A base rate's number in the one form every sentence of it uses (probabilities in
    [0, 1]): ``P(release) = 0.08, 80% interval 0.01-0.21.``"""
    return f"P(release) = {estimate:.2f}, {LEVEL:.0%} interval {low:.2f}-{high:.2f}."


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


def detentions_in_china(cases: pd.DataFrame, rule: ClassRule = CHINA_ARRESTS) -> pd.DataFrame:
    """The cases of ``rule``'s class (``classes.in_class``), without overlapping rows (none with
    ``part_of`` set). The default rule, arrests decided by China, is the reference class for the
    Shenyang eight (a road check): every onset but foreign-mission entries and legal exits
    (``classes.NOT_DETENTION_ONSETS``), only cases China decided (a third country's decision, or
    one no source assigns, is another question). Cases of unknown onset stay in."""
    return without_overlaps(cases[in_class(cases["onset"], cases["decided_by"], rule)])


def reference_classes(
    cases: pd.DataFrame, rule: ClassRule = CHINA_ARRESTS
) -> dict[str, pd.DataFrame]:
    """The three reference classes the notebook compares, widest first, by name.

    all cases; ``rule``'s class (see detentions_in_china; by default detentions in China);
    and those of it detained before 2020, the era of the Shenyang eight, before the COVID
    border closure changed how returns worked.
    """
    detentions = detentions_in_china(cases, rule)
    years = with_year_and_period(detentions)["year"]
    name = class_name(rule)
    return {
        "all cases": cases,
        name: detentions,
        f"{name}, before 2020": detentions[years < 2020],
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
