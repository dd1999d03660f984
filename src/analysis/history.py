"""The reference class: what happened to North Koreans detained in China whose cases became public.

The unit is the case (one group, one decision by the Chinese authorities), not the person: the
question the project forecasts is what happens to one group, and a mass return of hundreds
would otherwise outweigh every other case.

Counting rules, used by every function here:

* The question's two outcomes are mapped once, in ``analysis.outcomes``: a release is ``RELEASE``
  (reached_south_or_third_country), a return is ``RETURN`` (returned). Every other outcome
  (freed_in_china, left_legally, died_in_custody, mixed, unknown) counts as neither by default
  and is counted apart, never dropped; ``release_base_rate`` can be told to count more outcomes
  as releases (the multiverse's "any non-return").
* Rows with ``part_of`` set overlap another row (a person inside a mass return, a family inside a
  monthly count): every count drops them, and says how many it dropped.
* ``mixed`` (part of the group returned, part let go) is excluded from the binary rate and
  reported in its own column. A mixed case answers a different question (a split decision,
  usually along a line the group itself drew, such as South Korean citizenship); counting it as
  half a release would invent a fraction no source gives, and would make the Beta posterior's
  counts non-integers. The rate is therefore P(release | the group was handled one way).
* Probabilities are in [0, 1]. Intervals are 80% (``beta.CONFIDENCE``): a Beta posterior
  ``Beta(prior + counts)`` with its equal-tailed interval, and the Wilson interval of the raw
  share (``analysis.beta``).

The cases are few and selected: they are the ones that made the news, and news favours the
dramatic (embassy entries, campaigns, releases abroad) over the routine quiet return, so the
release rate here is almost certainly higher than among all North Koreans detained in China.

Numbers only: the charts are in ``analysis.charts.history``, the delays in ``analysis.delays``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.beta import CONFIDENCE, beta_interval, prob_first_greater, wilson_interval
from analysis.delays import time_to_return
from analysis.outcomes import OTHER_OUTCOMES, OUTCOME_ORDER, RETURN, STRICT

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
NOT_DETENTION_ONSETS = ("foreign_mission_entry", "legal_exit")

# Verdict rule for the claims table (see claims_table).
MIN_KNOWN = 3  # fewer counted cases than this (in a group) and a claim is untestable
SUPPORT_PROBABILITY = 0.9  # P(difference in the claimed direction) needed for "supported"
CONTRADICT_PROBABILITY = 0.1  # at or below this, the data favour the opposite direction
VERDICTS = ("supported", "weak", "contradicted", "untestable")


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
    confidence: float = CONFIDENCE

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
    """The cases that began in Chinese custody and that China decided, without overlapping rows.

    All but foreign-mission entries and legal exits (see NOT_DETENTION_ONSETS), only those with
    ``decided_by == china`` (a third country's decision, or one no source assigns, is another
    question) and none with ``part_of`` set. This is the reference class for the Shenyang eight
    (a road check, decided by China). Cases of unknown onset stay in: most of them are arrests
    the sources describe only briefly.
    """
    onset_ok = ~cases["onset"].astype(str).isin(NOT_DETENTION_ONSETS)
    china = cases["decided_by"].astype(str) == "china"
    return without_overlaps(cases[onset_ok & china])


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


def subgroup_comparison(
    cases: pd.DataFrame,
    by: Sequence[str] = SUBGROUP_COLUMNS,
    prior: tuple[float, float] = (1.0, 1.0),
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Subgroup rates for all cases beside those for detentions in China, and each class's rate.

    The table is ``subgroup_table`` of both, merged on (factor, label) with suffixes ``_all``
    and ``_det``; levels are those present among all cases. The dict gives the overall
    P(release) of "all cases" and "detentions in China".
    """
    wide = subgroup_table(cases, by, prior)
    narrow = subgroup_table(detentions_in_china(cases), by, prior)
    table = wide.merge(narrow, on=["factor", "label"], how="left", suffixes=("_all", "_det"))
    overall = {
        "all cases": release_base_rate(cases, prior).estimate,
        "detentions in China": release_base_rate(detentions_in_china(cases), prior).estimate,
    }
    return table, overall


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


def claims_table(
    cases: pd.DataFrame,
    timing_claims: Sequence[tuple[str, str, int]],
    prior: tuple[float, float] = (1.0, 1.0),
) -> pd.DataFrame:
    """Each empirical claim of the article (and HRW's two months), tested on the cases.

    ``timing_claims`` are the question's claims about when a return comes, as (claim, source,
    limit in days since detention): ``CaseFacts.timing_claims``.

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
                ("reached South Korea or a third country", "returned"),
                prior,
            )
        )
    for column, label, claim in (
        ("pressure_level", "pressure", "More release under international pressure"),
        ("tension_level", "tension", "More release when Beijing-Pyongyang relations are tense"),
    ):
        for scope, frame in scopes.items():
            rows.append(_difference_row(claim, scope, frame, column, 2, label, prior))

    rows += _timing_claim_rows(cases, timing_claims, prior)
    return pd.DataFrame(rows)


def _timing_claim_rows(
    cases: pd.DataFrame,
    timing_claims: Sequence[tuple[str, str, int]],
    prior: tuple[float, float],
) -> list[dict[str, object]]:
    """One claims-table row per timing claim (claim, source, limit in days): tested on the
    dated returns, with the undated ones named."""
    rows = []
    delays = time_to_return(cases)
    usable = delays[delays["usable"]]
    undated = delays[~delays["usable"]]
    undated_note = (
        f"; {len(undated)} returns without usable dates not counted ({_years(undated['case_id'])})"
        if len(undated)
        else ""
    )
    scope = f"dated returns ({len(usable)})"
    for claim, source, limit in timing_claims:
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
    return rows


def _years(case_ids: pd.Series) -> str:
    """The span of years in a set of case ids, as 2021-2024 or 2021."""
    years = sorted({int(case_id[:4]) for case_id in case_ids})
    return f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
