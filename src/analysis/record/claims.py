"""The article's and HRW's claims checked against the reference class, by a rule stated in
advance: a share claim is *supported* when its whole 80% interval lies on the claimed side, a
difference claim when the posterior probability of the claimed direction is at least 0.9.

Numbers only, on the base rates of ``analysis.record.history``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from analysis.record.durations import time_to_return
from analysis.record.history import detentions_in_china, release_base_rate
from analysis.record.intervals import beta_interval, prob_first_greater

# Verdict rule for the claims table (see claims_table).
MIN_KNOWN = 3  # fewer counted cases than this (in a group) and a claim is untestable
SUPPORT_PROBABILITY = 0.9  # P(difference in the claimed direction) needed for "supported"
CONTRADICT_PROBABILITY = 0.1  # at or below this, the data favour the opposite direction
VERDICTS = ("supported", "weak", "contradicted", "untestable")


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
