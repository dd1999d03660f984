"""The project's answer in one place: the headline every public output states.

Notebook 04, ``reports/index.html``, ``reports/scenario_table.csv``, the ``scenario`` command and
the README all take their headline from ``Headline``, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.cache import memoized
from analysis.defaults import DEFAULT_CASE


@dataclass(frozen=True)
class Signpost:
    """News that would move the forecast: what, which way, and how far where the model can say."""

    news: str
    direction: str  # "towards release", "towards return" or "unclear"
    shift: float | None  # change in P(release), in probability points (0-1), or None
    basis: str  # why, in one line


@dataclass(frozen=True)
class Headline:
    """The forecast for one question, with what it rests on. Probabilities are in [0, 1]."""

    question: str  # the question in one sentence, with its resolution
    as_of: str  # ISO date the forecast is made on
    p_release: float  # the headline P(release): the mixture's mean
    low: float  # the published 80% interval (mixture over specifications and parameters)
    high: float
    spec_low: float  # the range of the specifications' central estimates
    spec_high: float
    n_specifications: int
    rule: str  # the rule, stated in advance, that picks or pools the specifications
    base_cases: int  # past cases with one of the question's two outcomes, known by as_of
    base_releases: int  # of which releases
    reference_class: str  # which kind of past cases, in words
    backtest_verdict: str  # one sentence: how the formulations would have done
    outcome_status: str  # one sentence: what is on record about the group's fate
    signposts: tuple[Signpost, ...] = ()


# --- the rule-chosen headline -----------------------------------------------------------------

RULE = (
    "Every specification of the multiverse forecasts, in time order, each resolved detention in "
    "China decided by China (strict outcome) from the cases known before it; its weight is "
    "proportional to exp(its total log score) (pseudo-BMA); the headline is the mean of the "
    "mixture over specifications and their parameter draws, its 80% interval the mixture's "
    "10th-90th percentiles. Only cases resolved by the forecast date are scored."
)
REFERENCE_CLASS = "detentions in China decided by China (no overlapping rows)"
# The formulation the verdict compares with the base rate: the article's argument.
VERDICT_VARIANT = "expert"


@dataclass(frozen=True)
class HeadlineDetail:
    """What ``headline_detail`` computes on the way: the headline, the multiverse table (with
    ``weight`` and ``log_score`` columns), the in-time forecasts, the equal-weights mixture
    (mean, 10th and 90th percentiles) and the score gaps of each formulation to the base rate."""

    headline: Headline
    table: Any
    forecasts: Any
    equal: tuple[float, float, float]
    gaps: dict[str, Any]


def signposts(table: Any) -> tuple[Signpost, ...]:
    """The news that would move the forecast. Where the news maps onto a factor, ``shift`` is
    the change of the expert-weight what-if (the article's argument; every other choice at its
    default) when that factor goes to its end of the scale: the headline's own rule gives
    factors little say, so these shifts are the article's, not the headline's."""
    from analysis import multiverse

    expert = table[
        (table["formulation"] == "expert")
        & np.logical_and.reduce(
            [table[a] == v for a, v in multiverse.DEFAULTS.items() if a != "formulation"]
        )
    ].iloc[0]
    base = float(expert["estimate"])
    log_odds = float(np.log(base / (1 - base)))
    wp, wt = table.attrs["weights"][::2]

    def moved(pressure: float, tension: float) -> float:
        shift = wp * (pressure - expert["pressure_level"]) + wt * (
            tension - expert["tension_level"]
        )
        return float(1 / (1 + np.exp(-(log_odds + shift)))) - base

    return (
        Signpost("the group is moved to a holding site near the border", "towards return", None,
                 "returns go through border holding sites; no factor of the model measures it"),
        Signpost("Seoul asks Beijing, publicly, to let the group go south", "towards release",
                 moved(1.0, float(expert["tension_level"])),
                 "a government raising the case is pressure over these detainees (level 2)"),
        Signpost("a Kim-Xi meeting or another warm phase between Beijing and Pyongyang",
                 "towards return", moved(float(expert["pressure_level"]), 0.0),
                 "a warm phase is tension level 0 under the codebook's rule"),
        Signpost("a new public campaign for the eight", "towards release",
                 moved(1.0, float(expert["tension_level"])),
                 "a campaign over the detainees is pressure level 2"),
    )  # fmt: skip


def _outcome_status(outcome: str, label: str) -> str:
    if outcome == "unknown":
        return f"The outcome for the {label} is not on record."
    return f"On record, the {label}'s outcome was {outcome.replace('_', ' ')}."


@memoized  # seconds to compute, milliseconds to load: every caller shares one result
def headline_detail(dataset: Any, case: str = DEFAULT_CASE, as_of: Any = None) -> HeadlineDetail:
    """The headline of question ``case`` (a question_id or case_id of questions.csv) by RULE,
    with the pieces notebook 04 shows; ``as_of`` (a date) overrides the question's own date.
    Probabilities in [0, 1]."""
    from analysis import multiverse, scoring
    from analysis.case import case_facts
    from analysis.mixture import mixture_summaries, specification_weights

    facts = case_facts(dataset, case)
    day = facts.as_of if as_of is None else pd.Timestamp(as_of)
    table, draws = multiverse.multiverse(dataset, facts.case_id, day)
    forecasts = multiverse.in_time_forecasts(dataset, day)
    scores = multiverse.all_spec_scores(forecasts)
    weights = specification_weights(scores, "log_score")
    summaries = mixture_summaries(
        draws, {"rule": weights, "equal": specification_weights(scores, "equal")}
    )
    mixture, equal = summaries["rule"], summaries["equal"]
    table = table.assign(
        log_score=table["spec_id"].map(scores), weight=table["spec_id"].map(weights)
    )
    default = table.iloc[0]
    gaps = scoring.formulation_gaps(forecasts)
    verdicts = [scoring.rank_verdict(gap) for gap in gaps.values()]
    n_scored = forecasts["case_id"].nunique()
    if not gaps:
        verdict = f"Only {n_scored} resolved case(s) could be scored: too few to rank the variants."
    elif all(v == "cannot tell" for v in verdicts):
        verdict = (
            f"Scored in time on {n_scored} resolved cases, the outcomes on record cannot rank "
            "the variants: every formulation's log-score gap to the base rate has an 80% "
            "bootstrap interval that includes 0."
        )
    else:
        gap = gaps[VERDICT_VARIANT]
        verdict = scoring.verdict_sentence(gap, "the expert weights", "the base rate")
    headline = Headline(
        question=f"{facts.question['question']} {facts.question['resolution']}",
        as_of=day.date().isoformat(),
        p_release=mixture.mean,
        low=mixture.quantiles[0.1],
        high=mixture.quantiles[0.9],
        spec_low=float(table["estimate"].min()),
        spec_high=float(table["estimate"].max()),
        n_specifications=len(table),
        rule=RULE,
        base_cases=int(default["released"] + default["returned"]),
        base_releases=int(default["released"]),
        reference_class=REFERENCE_CLASS,
        backtest_verdict=verdict,
        outcome_status=_outcome_status(str(facts.case["outcome"]), facts.label),
        signposts=signposts(table),
    )
    return HeadlineDetail(
        headline=headline,
        table=table,
        forecasts=forecasts,
        equal=(equal.mean, equal.quantiles[0.1], equal.quantiles[0.9]),
        gaps=gaps,
    )


def headline(dataset: Any, case: str = DEFAULT_CASE) -> Headline:
    """The project's headline for question ``case``: see RULE and ``headline_detail``."""
    return headline_detail(dataset, case).headline


def sentence(h: Headline) -> str:
    """The headline in one plain paragraph, the form every public output prints."""
    return (
        f"As of {h.as_of}: P(release) = {h.p_release:.2f} (80% interval {h.low:.2f}-{h.high:.2f}; "
        f"{h.n_specifications} specifications range {h.spec_low:.2f}-{h.spec_high:.2f}), from "
        f"{h.base_releases} releases in {h.base_cases} past {h.reference_class} with one of the "
        f"question's two outcomes. {h.backtest_verdict} {h.outcome_status}"
    )


def as_dict(h: Headline) -> dict[str, Any]:
    """The headline as JSON-ready data: every field, the counts and the specification range."""
    data = asdict(h)
    data["signposts"] = [asdict(s) for s in h.signposts]
    return data
