"""The project's answer in one place: the headline every public output states.

Notebook 04, ``reports/index.html``, ``reports/scenario_table.csv``, the ``scenario`` command and
the README all take their headline from ``Headline``, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


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
