"""The project's answer in one place: the headline every public output states.

Notebook 04, ``reports/index.html``, ``reports/scenario_table.csv``, the ``scenario`` command and
the README all take their headline from ``Headline``, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from analysis.cache import memoized
from analysis.defaults import DEFAULT_CASE
from analysis.engine import specifications
from analysis.engine.mixture import log_density
from analysis.record.classes import CHINA_ARRESTS
from analysis.record.intervals import QUANTILES, beta_interval
from analysis.record.outcomes import STRICT


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
    spec_low: float  # the weighted 1st-99th percentiles of the specifications' central estimates
    spec_high: float
    n_specifications: int  # specifications in the headline (the question's defensible set)
    rule: str  # the rule that picks or pools the specifications
    base_cases: int  # past cases with one of the question's two outcomes, known by as_of
    base_releases: int  # of which releases
    reference_class: str  # which kind of past cases, in words
    backtest_verdict: str  # what the scored record can and cannot test, in plain sentences
    outcome_status: str  # one sentence: what is on record about the group's fate
    signposts: tuple[Signpost, ...] = ()
    weighting: str = "equal"  # the weight rule used: "equal" or a mixture.SCORE_RULES name
    weighting_reason: str = ""  # why that rule, in one sentence
    effective_specifications: float = float("nan")  # 1 / sum(w^2) over the headline's set
    grid_low: float = float("nan")  # min and max of every grid specification's central estimate
    grid_high: float = float("nan")  # (the whole grid, not only the question's: labelled so)
    n_grid: int = 0  # specifications in the whole grid


# How every output names the other model: the expert weights, the article's argument.
WHAT_IF = "what-if (the article's argument)"

# --- the rule-chosen headline -----------------------------------------------------------------

# The question's resolution counts only a group reaching the South or a third country as a
# release: the multiverse's other outcome definition is a sensitivity, never in the headline.
QUESTION_OUTCOME = "strict"
# The class rule (data/codebook.csv, cases.onset): an arrest in China is decided by China's
# police and courts alone; a foreign-mission entry is negotiated between governments, and a
# third country's decision is not China's. Only the classes of arrests decided by China enter.
CLASS_RULE = ("china_decided", "without_covid")
# Axes whose alternatives the headline shows beside it rather than inside it: the question's
# excluded choices (outcome, the classes outside the rule) and every axis the score cannot see.
RULE = (
    "The headline pools the question's defensible specifications: the strict outcome (the "
    "question's resolution), the reference classes of arrests decided by China (the codebook's "
    "class rule), every value of each axis the in-time score can see, and the default value of "
    "each axis it cannot see (those are shown beside it as sensitivities). Each specification "
    "forecasts, in time order, each resolved detention in China decided by China from the "
    "cases known before it. When the scored outcomes hold both a release and a return the "
    "weights are stacking's (Yao, Vehtari, Simpson and Gelman 2018; pseudo-BMA and pseudo-BMA+ "
    "shown beside it); when they hold one outcome only, the weights are equal, because a score "
    "on one outcome only ranks forecasts by how low they are. The headline is the mean of the "
    "mixture over specifications and their parameter draws, its 80% interval the mixture's "
    "10th-90th percentiles. Only cases resolved by the forecast date are scored. The rule was "
    "written after the outcomes on record were known."
)
REFERENCE_CLASS = "detentions in China decided by China (no overlapping rows)"
# The named fallback of RULE when no past case was resolved by the forecast date: nothing can be
# scored, so every specification scores 0 and weighs the same.
NOTHING_SCORED = (
    "No past case with one of the question's two outcomes was resolved by the forecast date, so "
    "none could be scored: every specification weighs the same, and with no case to learn from "
    "each gives its prior."
)
# The formulation the verdict compares with the base rate: the article's argument.
VERDICT_VARIANT = "expert"
# Sensitivities: (axis, value, label); each swaps one axis of the headline's set.
EXCLUDED_CHOICES = (
    ("outcome", "any_non_return", "outcome: freed in China or left legally count as releases "
     "(not the question's resolution)"),
    ("reference_class", "plus_missions", "class: plus foreign-mission entries (negotiated "
     "between governments)"),
    ("reference_class", "plus_third_country", "class: plus cases a third country decided"),
)  # fmt: skip


def rule_text(rule: Any) -> str:
    """RULE in the words of another question's class rule
    (``analysis.record.classes.ClassRule``)."""
    own = rule.describe()
    return RULE.replace("arrests decided by China", own).replace(
        "each resolved detention in China decided by China",
        f"each resolved case of its class ({own})",
    )


@dataclass(frozen=True)
class HeadlineDetail:
    """What ``headline_detail`` computes on the way: the headline, the multiverse table (with
    ``log_score``, ``draw_mean``, ``in_headline`` and ``weight`` columns; weight 0 outside the
    headline's set), the in-time forecasts, the equal-weights mixture over the headline's set
    (mean, 10th and 90th percentiles), the score gaps of each formulation to the base rate,
    the weight rules side by side (``rules``), the named sensitivities, the build-up from the
    base rate, and the axes the score cannot see."""

    headline: Headline
    table: Any
    forecasts: Any
    equal: tuple[float, float, float]
    gaps: dict[str, Any]
    rules: Any = None
    sensitivities: Any = None
    build_up: Any = None
    score_blind: tuple[str, ...] = ()


def signposts(table: Any, label: str = "group") -> tuple[Signpost, ...]:
    """The news that would move the forecast. Where the news maps onto a factor, ``shift`` is
    the change of the expert-weight what-if (the article's argument; every other choice at its
    default) when that factor goes to its end of the scale: the headline's own rule gives
    factors little say, so these shifts are the article's, not the headline's."""
    from analysis.engine import specifications

    expert = table[
        (table["formulation"] == "expert")
        & np.logical_and.reduce(
            [table[a] == v for a, v in specifications.DEFAULTS.items() if a != "formulation"]
        )
    ].iloc[0]
    base = float(expert["estimate"])
    # The expert formulation learns only its counts: the specification's own forecast, moved.
    learned = specifications.Training(
        int(expert["released"]), int(expert["returned"]), 0.0, 0.0, ridge=None
    )

    def moved(pressure: float, tension: float) -> float:
        forecast = specifications.central_forecast(
            learned, "expert", expert["prior"], pressure, tension, table.attrs["weights"]
        )
        return forecast - base

    return (
        Signpost(
            "the group is moved to a holding site near the border",
            "towards return",
            None,
            "returns go through border holding sites; no factor of the model measures it",
        ),
        Signpost(
            "Seoul asks Beijing, publicly, to let the group go south",
            "towards release",
            moved(1.0, float(expert["tension_level"])),
            "a government raising the case is pressure over these detainees (level 2)",
        ),
        Signpost(
            "a Kim-Xi meeting or another warm phase between Beijing and Pyongyang",
            "towards return",
            moved(float(expert["pressure_level"]), 0.0),
            "a warm phase is tension level 0 under the codebook's rule",
        ),
        Signpost(
            f"a new public campaign for the {label}",
            "towards release",
            moved(1.0, float(expert["tension_level"])),
            "a campaign over the detainees is pressure level 2",
        ),
    )


def _outcome_status(outcome: str, label: str) -> str:
    if outcome == "unknown":
        return f"The outcome for the {label} is not on record."
    return f"On record, the {label}'s outcome was {outcome.replace('_', ' ')}."


def score_blind_axes(table: Any) -> tuple[str, ...]:
    """Axes of CHOICES whose values never change a specification's in-time log score (column
    ``log_score`` of ``table``) with every other axis held: the score cannot weigh them."""
    from analysis.engine import specifications

    axes = list(specifications.CHOICES)
    if not len(table):
        return tuple(axes)
    # Each axis's values as integer codes: the rows that agree on every other axis then share
    # one integer, and the spread of their scores is a max minus a min over a sorted run.
    codes = np.column_stack([pd.factorize(table[axis])[0] for axis in axes])
    sizes = codes.max(axis=0) + 1
    score = table["log_score"].to_numpy(dtype=float)
    blind = []
    for position, axis in enumerate(axes):
        others = [i for i in range(len(axes)) if i != position]
        group = np.ravel_multi_index(tuple(codes[:, others].T), tuple(sizes[others]))
        order = np.argsort(group, kind="stable")
        starts = np.flatnonzero(np.diff(group[order], prepend=-1))
        # fmax and fmin pass over a missing score, as pandas' max and min do.
        spread = np.fmax.reduceat(score[order], starts) - np.fmin.reduceat(score[order], starts)
        if bool((np.nan_to_num(spread, nan=0.0) <= 1e-12).all()):
            blind.append(axis)
    return tuple(blind)


def headline_set(table: Any, blind: tuple[str, ...]) -> np.ndarray:
    """Which specifications of ``table`` the headline pools: the question's outcome, the class
    rule's classes and, on each axis in ``blind``, the default value. A boolean array."""
    from analysis.engine import specifications

    keep = (table["outcome"] == QUESTION_OUTCOME) & table["reference_class"].isin(CLASS_RULE)
    for axis in blind:
        if axis not in ("outcome", "reference_class"):
            keep &= table[axis] == specifications.DEFAULTS[axis]
    return keep.to_numpy()


def pointwise_log_density(forecasts: Any, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(specifications x cases natural-log densities of what happened, outcomes per case) of
    the specifications ``names`` on the in-time scoring set; a specification without in-time
    forecasts of its own takes its twin's (``specifications.all_spec_scores``)."""
    from analysis.engine import specifications

    p = forecasts.pivot(index="spec_id", columns="case_id", values="forecast")
    y = forecasts.drop_duplicates("case_id").set_index("case_id")["y"].reindex(p.columns)
    twins = [specifications.scored_twin(name) for name in names]
    forecast = p.loc[twins].to_numpy(dtype=float) if twins else np.zeros((0, len(y)))
    outcome = y.to_numpy(dtype=float)
    return log_density(forecast, outcome), outcome


def _summary(draws: dict, names: list[str], weights: np.ndarray) -> tuple[float, float, float]:
    from analysis.engine.mixture import mixture_summary

    total = float(np.sum(weights))
    chosen = {name: float(w) / total for name, w in zip(names, weights, strict=True)}
    result = mixture_summary({name: draws[name] for name in names}, chosen)
    return result.mean, result.quantiles[QUANTILES[0]], result.quantiles[QUANTILES[2]]


def rules_table(table: Any, draws: dict, pointwise: np.ndarray, used: str) -> pd.DataFrame:
    """The weight rules side by side over the headline's set (rows of ``table`` with
    ``in_headline``): rule, used (bool), p_release, low, high (80%), effective_specifications,
    range_low, range_high (weighted 1st-99th percentiles of the central estimates)."""
    from analysis.engine.mixture import effective_number, score_rule_weights, weighted_range

    chosen = table[table["in_headline"]]
    names = chosen["spec_id"].tolist()
    by_rule = {"equal": np.full(len(names), 1.0 / len(names))}
    if pointwise.shape[1]:
        by_rule |= score_rule_weights(pointwise)
    rows = []
    for rule, weights in by_rule.items():
        mean, low, high = _summary(draws, names, weights)
        range_low, range_high = weighted_range(chosen["estimate"], weights)
        rows.append(
            {
                "rule": rule,
                "used": rule == used,
                "p_release": mean,
                "low": low,
                "high": high,
                "effective_specifications": effective_number(weights),
                "range_low": range_low,
                "range_high": range_high,
            }
        )
    return pd.DataFrame(rows)


def sensitivities(table: Any, draws: dict, blind: tuple[str, ...]) -> pd.DataFrame:
    """The headline recomputed with one axis swapped, its weights moved to each swapped twin:
    the question's excluded choices (EXCLUDED_CHOICES) and every other value of each axis the
    score cannot see. Columns axis, value, label, p_release, low, high (80%)."""
    from analysis.engine import specifications

    chosen = table[table["in_headline"]]
    weights = chosen.set_index("spec_id")["weight"]
    swaps = list(EXCLUDED_CHOICES)
    for axis in blind:
        if axis in ("outcome", "reference_class"):
            continue
        swaps += [
            (
                axis,
                value,
                f"{axis.replace('_', ' ')}: {value.replace('_', ' ')} "
                "(the score cannot see this axis)",
            )
            for value in specifications.CHOICES[axis][1:]
        ]
    rows = []
    for axis, value, label in swaps:
        twins: dict[str, float] = {}
        for name, weight in weights.items():
            twin = specifications.with_choices(str(name), **{axis: value})
            twins[twin] = twins.get(twin, 0.0) + float(weight)
        names = list(twins)
        mean, low, high = _summary(draws, names, np.array([twins[n] for n in names]))
        rows.append(
            {
                "axis": axis,
                "value": value,
                "label": label,
                "p_release": mean,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def build_up(table: Any) -> pd.DataFrame:
    """How the headline is built from the base rate: the default specification's mean P(release)
    (the base rate alone), then each axis of the headline's set opened in turn (the mean of the
    specifications' draw means, weighted by ``weight`` renormalised over those open so far).
    Columns step, label, p_release, shift (from the step before); the last row is the headline."""
    from analysis.engine import specifications

    chosen = table[table["in_headline"]]
    open_axes: list[str] = []
    rows = []
    for axis in ["base", *specifications.CHOICES]:
        if axis != "base":
            if chosen[axis].nunique() < 2:
                continue
            open_axes.append(axis)
        keep = np.ones(len(chosen), dtype=bool)
        for other, default in specifications.DEFAULTS.items():
            if other not in open_axes:
                keep &= (chosen[other] == default).to_numpy()
        part = chosen[keep]
        weights = part["weight"].to_numpy(dtype=float)
        if weights.sum() <= 0:
            weights = np.ones(len(part))
        value = float(np.average(part["draw_mean"], weights=weights))
        label = (
            "base rate (default specification)"
            if axis == "base"
            else (f"+ every {axis.replace('_', ' ')}")
        )
        rows.append({"step": axis, "label": label, "p_release": value})
    frame = pd.DataFrame(rows)
    frame["shift"] = frame["p_release"].diff().fillna(frame["p_release"])
    return frame


class _Pooled(NamedTuple):
    """What ``headline_detail`` and ``headline_band`` share: the question's facts and date,
    the multiverse ``table`` (with ``log_score``), its ``draws``, the in-time ``forecasts``,
    the axes the score cannot see, which rows the headline pools (``in_headline``, a boolean
    array, and their ``names`` in table order), the pooled rows' pointwise log densities, and
    the weight rule ``used`` with its ``weights`` (one per name) and reason."""

    facts: Any
    day: pd.Timestamp
    rule: Any
    table: Any
    draws: dict
    forecasts: Any
    blind: tuple[str, ...]
    in_headline: np.ndarray
    names: list[str]
    pointwise: np.ndarray
    used: str
    weights: np.ndarray
    reason: str


def _pooled(
    dataset: Any, case: str, as_of: Any, whole_grid: bool = True, codings: Any = None
) -> _Pooled:
    """The question's pooled specifications; with ``whole_grid`` false, ``table`` and
    ``draws`` hold only the pooled ones (all that ``_band`` reads: a few dozen of the
    thousands), every one of them ``in_headline``. ``codings`` is
    ``specifications.every_coding(dataset)`` when the caller has it."""
    from analysis.engine.mixture import SCORE_RULES, can_learn
    from analysis.record.case import case_facts

    facts = case_facts(dataset, case)
    day = facts.as_of if as_of is None else pd.Timestamp(as_of)
    # The question's class rule (questions.class_deciders, class_route): whose decisions it
    # learns from and is scored on; China's arrests for the headline's question.
    rule = facts.rule
    if codings is None:
        codings = specifications.every_coding(dataset)
    forecasts = specifications.in_time_forecasts(dataset, day, rule=rule, codings=codings)
    scores = specifications.all_spec_scores(forecasts)
    # Which specifications the headline pools follows from their choices and scores alone,
    # before any is computed.
    grid = specifications.catalogue_frame()
    grid = grid.assign(log_score=grid["spec_id"].map(scores))
    blind = (
        score_blind_axes(grid)
        if len(forecasts)
        else tuple(a for a in specifications.CHOICES if a not in ("outcome", "reference_class"))
    )
    in_headline = headline_set(grid, blind)
    names = grid.loc[in_headline, "spec_id"].tolist()
    table, draws = specifications.multiverse(
        dataset,
        facts.case_id,
        day,
        rule=rule,
        codings=codings,
        only=None if whole_grid else frozenset(names),
    )
    table = table.assign(log_score=table["spec_id"].map(scores))
    if not whole_grid:
        in_headline = np.ones(len(table), dtype=bool)
    pointwise, outcomes = (
        pointwise_log_density(forecasts, names)
        if len(forecasts)
        else (np.zeros((len(names), 0)), np.zeros(0))
    )
    if can_learn(outcomes):
        from analysis.engine.mixture import score_rule_weights

        used = SCORE_RULES[0]
        weights = score_rule_weights(pointwise)[used]
        reason = (
            f"The {len(outcomes)} scored cases hold both outcomes ({int(outcomes.sum())} "
            "release(s)), so the score can weigh the specifications: stacking's weights."
        )
    else:
        used = "equal"
        weights = np.full(len(names), 1.0 / len(names))
        reason = (
            f"Equal weights: all {len(outcomes)} cases scored in time ended the same way, so "
            "a score-based weight could only reward the specifications that forecast lowest."
            if len(outcomes)
            else f"Equal weights. {NOTHING_SCORED}"
        )
    return _Pooled(
        facts, day, rule, table, draws, forecasts, blind, in_headline, names, pointwise, used,
        weights, reason,
    )  # fmt: skip


# The fields of Headline that ``headline_band`` gives.
BAND = ("p_release", "low", "high", "spec_low", "spec_high")


def _band(pooled: _Pooled) -> dict[str, float]:
    """BAND of the pooled rows: the mixture's mean and 80% interval, and the weighted 1st-99th
    percentiles of their central estimates."""
    from analysis.engine.mixture import weighted_range

    mean, low, high = _summary(pooled.draws, pooled.names, pooled.weights)
    estimates = pooled.table.loc[pooled.in_headline, "estimate"]
    spec_low, spec_high = weighted_range(estimates, pooled.weights)
    return dict(zip(BAND, (mean, low, high, spec_low, spec_high), strict=True))


def headline_band(
    dataset: Any, case: str = DEFAULT_CASE, as_of: Any = None, codings: Any = None
) -> dict[str, float]:
    """The numbers of ``headline_detail``'s headline alone, by BAND's names (probabilities in
    [0, 1]), without the pieces notebook 04 shows: only the pooled specifications are computed.
    ``codings`` is ``specifications.every_coding(dataset)`` when the caller has it. Not kept in
    the store: its one caller, the measured sensitivity, is kept whole."""
    return _band(_pooled(dataset, case, as_of, whole_grid=False, codings=codings))


@memoized  # seconds to compute, milliseconds to load: every caller shares one result
def headline_detail(dataset: Any, case: str = DEFAULT_CASE, as_of: Any = None) -> HeadlineDetail:
    """The headline of question ``case`` (a question_id or case_id of questions.csv) by RULE,
    with the pieces notebook 04 shows; ``as_of`` (a date) overrides the question's own date.
    Probabilities in [0, 1]."""
    from analysis.engine import scoring
    from analysis.engine.mixture import effective_number

    pooled = _pooled(dataset, case, as_of)
    facts, day, rule, draws, forecasts = (
        pooled.facts, pooled.day, pooled.rule, pooled.draws, pooled.forecasts
    )  # fmt: skip
    names, weights, used, blind = pooled.names, pooled.weights, pooled.used, pooled.blind
    table = pooled.table.assign(
        # One call for every row (a row per specification), not a mean per specification.
        draw_mean=specifications.row_statistic(
            [draws[name] for name in pooled.table["spec_id"]], lambda stack: stack.mean(axis=1)
        ),
    )
    table["in_headline"] = pooled.in_headline
    rules = rules_table(table.assign(weight=0.0), draws, pooled.pointwise, used)
    table["weight"] = table["spec_id"].map(dict(zip(names, weights, strict=True))).fillna(0.0)
    equal = _summary(draws, names, np.ones(len(names)))
    default = table.iloc[0]
    gaps = scoring.formulation_gaps(forecasts)
    if len(forecasts):
        base = forecasts[forecasts["spec_id"] == default["spec_id"]]
        variant = forecasts[
            forecasts["spec_id"]
            == specifications.spec_id({**specifications.DEFAULTS, "formulation": VERDICT_VARIANT})
        ]
        verdict = scoring.record_test_sentence(
            variant["forecast"].to_numpy(), base["forecast"].to_numpy(), base["y"].to_numpy()
        )
    else:
        verdict = NOTHING_SCORED
    headline = Headline(
        question=f"{facts.question['question']} {facts.question['resolution']}",
        as_of=day.date().isoformat(),
        **_band(pooled),
        n_specifications=len(names),
        rule=RULE if rule == CHINA_ARRESTS else rule_text(rule),
        base_cases=int(default["released"] + default["returned"]),
        base_releases=int(default["released"]),
        reference_class=REFERENCE_CLASS if rule == CHINA_ARRESTS else rule.describe(),
        backtest_verdict=verdict,
        outcome_status=_outcome_status(str(facts.case["outcome"]), facts.label),
        signposts=signposts(table, facts.label),
        weighting=used,
        weighting_reason=pooled.reason,
        effective_specifications=effective_number(weights),
        grid_low=float(table["estimate"].min()),
        grid_high=float(table["estimate"].max()),
        n_grid=len(table),
    )
    return HeadlineDetail(
        headline=headline,
        table=table,
        forecasts=forecasts,
        equal=equal,
        gaps=gaps,
        rules=rules,
        sensitivities=sensitivities(table, draws, blind),
        build_up=build_up(table),
        score_blind=blind,
    )


def headline(dataset: Any, case: str = DEFAULT_CASE) -> Headline:
    """The project's headline for question ``case``: see RULE and ``headline_detail``."""
    return headline_detail(dataset, case).headline


def sentence(h: Headline) -> str:
    """The headline in one plain paragraph, the form every public output prints."""
    return (
        f"As of {h.as_of}: P(release) = {h.p_release:.2f} (80% interval {h.low:.2f}-{h.high:.2f}), "
        f"{weights_phrase(h)}, from {h.base_releases} releases in {h.base_cases} past "
        f"{h.reference_class} with one of the question's two outcomes. {h.weighting_reason} "
        f"{h.backtest_verdict} {h.outcome_status}"
    )


def weights_phrase(h: Headline) -> str:
    """The headline's set in words: how many specifications, their effective number and the
    weighted 1-99% range of their central estimates."""
    return (
        f"{h.n_specifications} specifications of the question (effective number "
        f"{h.effective_specifications:.0f}; weighted 1-99% range of central estimates "
        f"{h.spec_low:.2f}-{h.spec_high:.2f})"
    )


def as_dict(h: Headline) -> dict[str, Any]:
    """The headline as JSON-ready data: every field, the counts and the specification range."""
    data = asdict(h)
    data["signposts"] = [asdict(s) for s in h.signposts]
    return data


# --- missing outcomes -------------------------------------------------------------------------

# The reporting model's rates: stated assumptions, not measurements. A release that reaches the
# South is usually announced (the group arrives, an NGO or Seoul says so); a return usually
# vanishes into North Korea unreported.
P_REPORTED_IF_RELEASED = 0.9
P_REPORTED_IF_RETURNED = 0.3
MISSING_TREATMENTS = {
    "missing_at_random": "unknown outcomes left out (missing at random): the headline's reading",
    "as_returns": "unknown outcomes counted as returns",
    "reporting_model": f"reporting model: P(reported | release) {P_REPORTED_IF_RELEASED:g}, "
    f"P(reported | return) {P_REPORTED_IF_RETURNED:g} (stated, not measured)",
}


def reporting_posterior(
    released: int,
    returned: int,
    unknown: int,
    reported_if_released: float = P_REPORTED_IF_RELEASED,
    reported_if_returned: float = P_REPORTED_IF_RETURNED,
    points: int = 20001,
) -> tuple[float, float, float]:
    """(mean, 10th, 90th percentile) of the release share pi under a uniform prior when
    outcomes are reported at different rates: a reported release has likelihood pi * r1, a
    reported return (1 - pi) * r0, an unreported case pi (1 - r1) + (1 - pi) (1 - r0). On a
    grid of ``points`` values of pi in [0, 1]."""
    pi = np.linspace(0.0, 1.0, points)
    with np.errstate(divide="ignore"):  # log(0) at the ends: xlogy keeps 0 * log(0) = 0
        log_post = (
            special.xlogy(released, pi * reported_if_released)
            + special.xlogy(returned, (1 - pi) * reported_if_returned)
            + special.xlogy(
                unknown, pi * (1 - reported_if_released) + (1 - pi) * (1 - reported_if_returned)
            )
        )
    weights = np.exp(log_post - log_post.max())
    weights /= weights.sum()
    cdf = np.cumsum(weights)
    low, high = (float(pi[np.searchsorted(cdf, q)]) for q in (QUANTILES[0], QUANTILES[2]))
    return float(np.sum(pi * weights)), low, high


def silence_update(
    p_release: float,
    reported_if_released: float = P_REPORTED_IF_RELEASED,
    reported_if_returned: float = P_REPORTED_IF_RETURNED,
) -> float:
    """P(release | no report of the outcome), by Bayes under the reporting model: the silence
    multiplies the odds of release by (1 - r1) / (1 - r0)."""
    released = p_release * (1 - reported_if_released)
    return released / (released + (1 - p_release) * (1 - reported_if_returned))


def missing_outcome_table(
    dataset: Any, case: str = DEFAULT_CASE, as_of: Any = None
) -> pd.DataFrame:
    """The headline's base rate (the question's own class by its rule, ``CaseFacts.rule``:
    detentions in China decided by China for the main question; first coding) under each
    MISSING_TREATMENTS reading, as of the question's date: treatment, words, released,
    returned, unknown (cases of the class detained before the date with no outcome known by
    it, the question's own group left out), p_release, low, high (80%, uniform prior)."""
    from analysis.engine import specifications
    from analysis.record.case import case_facts

    facts = case_facts(dataset, case)
    day = facts.as_of if as_of is None else pd.Timestamp(as_of)
    coded = specifications.coded_cases(dataset, "first", "mission_attempt", "in")
    members = specifications.class_cases(coded, "china_decided", facts.rule)
    members = members[members["case_id"] != facts.case_id]
    outcome = members["outcome"].astype(str)
    known = (members["outcome_latest"] <= day).to_numpy()
    released = int(((outcome == STRICT[0]).to_numpy() & known).sum())
    returned = int(((outcome == "returned").to_numpy() & known).sum())
    # Detained before the date with no outcome known by it (unknown today, or known later).
    detained = (members["detained_mid"] < day).to_numpy()
    unknown = int(
        (detained & ~known & outcome.isin(["unknown", *STRICT, "returned"]).to_numpy()).sum()
    )
    rows = []
    for treatment, words in MISSING_TREATMENTS.items():
        if treatment == "reporting_model":
            mean, low, high = reporting_posterior(released, returned, unknown)
        else:
            alpha = 1 + released
            beta = 1 + returned + (unknown if treatment == "as_returns" else 0)
            mean, (low, high) = alpha / (alpha + beta), beta_interval(alpha, beta)
        rows.append(
            {
                "treatment": treatment,
                "words": words,
                "released": released,
                "returned": returned,
                "unknown": unknown,
                "p_release": mean,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def headline_under_missing(missing: pd.DataFrame, stated: Headline) -> pd.DataFrame:
    """The headline under each reading of ``missing`` (``missing_outcome_table``): its number
    and 80% interval moved on the log-odds scale by the base rate's change from the
    missing-at-random row, since every specification of the headline starts from the base
    rate. An approximation that keeps the specifications' other steps as they are. Columns:
    treatment, words, headline, headline_low, headline_high (probabilities in [0, 1])."""

    at_random = missing["treatment"] == "missing_at_random"
    reference = float(missing.loc[at_random, "p_release"].iloc[0])
    shift = specifications.logit(missing["p_release"].to_numpy()) - specifications.logit(reference)

    def moved(p: float) -> np.ndarray:
        return specifications.expit(specifications.logit(p) + shift)

    return missing[["treatment", "words"]].assign(
        headline=moved(stated.p_release),
        headline_low=moved(stated.low),
        headline_high=moved(stated.high),
    )
