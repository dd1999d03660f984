"""Scoring probability forecasts of a yes/no outcome, honestly enough to say "we cannot tell".

Forecasts are probabilities in [0, 1] of the event (here: release, outcome 1); outcomes are 0
or 1. Brier score: mean (forecast - outcome)^2, in [0, 1], lower is better. Log score: mean
natural log of the probability given to what happened, in (-inf, 0], HIGHER is better (0 is
certain and right; a certain forecast that is wrong scores -inf). Gaps are always
score(variant) - score(reference), so a better variant has a negative Brier gap and a positive
log gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.engine.mixture import log_density
from analysis.record.intervals import LEVEL, binomial_interval

SCORES = ("brier", "log")
# Whether a higher score is better, per rule: a gap's sign means opposite things for the two.
HIGHER_IS_BETTER = {"brier": False, "log": True}
BOOTSTRAP_DRAWS = 10_000
BOOTSTRAP_SEED = 20170315  # the day of the detention, so the seed was not chosen by its result
# "Almost always return": a constant P(release), chosen after seeing that few cases ended in
# release. It is a yardstick a forecaster could not have had in advance.
HINDSIGHT_P_RELEASE = 0.05
HINDSIGHT_LABEL = "almost always return (P(release) 0.05, chosen with hindsight)"
HINDSIGHT_SHORT = f"hindsight {HINDSIGHT_P_RELEASE:g}"  # the same yardstick, in a legend
VERDICTS = ("variant better", "reference better", "cannot tell")
# Tenths: a reader can check a bin by eye, and with a dozen cases finer bins would hold one each.
RELIABILITY_EDGES = tuple(step / 10 for step in range(11))
MURPHY_COLUMNS = (
    "variant", "cases", "events", "brier", "reliability", "resolution", "uncertainty",
    "within_bin", "log",
)  # fmt: skip


def _checked(forecasts: Sequence[float], outcomes: Sequence[float]) -> tuple[np.ndarray, ...]:
    f, y = np.asarray(forecasts, dtype=float), np.asarray(outcomes, dtype=float)
    if f.shape != y.shape or f.ndim != 1 or len(f) == 0:
        raise ValueError(f"need as many forecasts as outcomes, at least one ({f.shape}, {y.shape})")
    if not ((f >= 0) & (f <= 1)).all():
        raise ValueError("forecasts must be probabilities in [0, 1]")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("outcomes must be 0 or 1")
    return f, y


def case_scores(forecasts: Sequence[float], outcomes: Sequence[float], score: str) -> np.ndarray:
    """Each case's score under ``score`` (one of SCORES); see the module docstring."""
    f, y = _checked(forecasts, outcomes)
    if score == "brier":
        return (f - y) ** 2
    if score == "log":
        return log_density(f, y)
    raise ValueError(f"score must be one of {SCORES} (got {score!r})")


def brier_score(forecasts: Sequence[float], outcomes: Sequence[float]) -> float:
    """Mean (forecast - outcome)^2 in [0, 1]; 0 perfect, 0.25 always saying 50%."""
    return float(case_scores(forecasts, outcomes, "brier").mean())


def log_score(forecasts: Sequence[float], outcomes: Sequence[float]) -> float:
    """Mean natural log of the probability given to what happened, in (-inf, 0]; higher is
    better; always saying 50% scores log(1/2) = -0.693."""
    return float(case_scores(forecasts, outcomes, "log").mean())


def bin_index(forecasts: Sequence[float], edges: Sequence[float]) -> np.ndarray:
    """Bin of each forecast: bins are [edge_i, edge_i+1), the last one closed at 1."""
    cuts = np.asarray(edges, dtype=float)
    if len(cuts) < 2 or (np.diff(cuts) <= 0).any():
        raise ValueError(f"edges must be increasing, at least two (got {list(edges)})")
    index = np.searchsorted(cuts, np.asarray(forecasts, dtype=float), side="right") - 1
    return np.clip(index, 0, len(cuts) - 2)


@dataclass(frozen=True)
class MurphyDecomposition:
    """Brier = reliability - resolution + uncertainty + within_bin (all >= 0 but within_bin).

    ``reliability``: how far each bin's mean forecast is from its observed share (0 is ideal);
    ``resolution``: how far the bins' shares spread from the overall share (more is better);
    ``uncertainty``: overall share (1 - share), fixed by the outcomes. ``within_bin`` is what
    the three miss when forecasts in a bin differ; it is 0 when each bin holds one forecast
    value, the case where the decomposition is exact.
    """

    brier: float
    reliability: float
    resolution: float
    uncertainty: float
    within_bin: float
    n: int


def murphy_decomposition(
    forecasts: Sequence[float], outcomes: Sequence[float], edges: Sequence[float]
) -> MurphyDecomposition:
    """Murphy's (1973) decomposition of the Brier score on the bins given by ``edges``."""
    f, y = _checked(forecasts, outcomes)
    which = bin_index(f, edges)
    share = y.mean()
    reliability = resolution = 0.0
    for index in np.unique(which):
        mask = which == index
        count = mask.sum()
        reliability += count * (f[mask].mean() - y[mask].mean()) ** 2
        resolution += count * (y[mask].mean() - share) ** 2
    brier = float(np.mean((f - y) ** 2))
    reliability, resolution = float(reliability / len(f)), float(resolution / len(f))
    uncertainty = float(share * (1.0 - share))
    return MurphyDecomposition(
        brier=brier,
        reliability=reliability,
        resolution=resolution,
        uncertainty=uncertainty,
        within_bin=brier - (reliability - resolution + uncertainty),
        n=len(f),
    )


def reliability_diagram(
    forecasts: Sequence[float],
    outcomes: Sequence[float],
    edges: Sequence[float],
    level: float = LEVEL,
    method: str = "wilson",
) -> pd.DataFrame:
    """Data for a reliability diagram: one row per bin (empty bins kept, with NaN).

    Columns: bin, low_edge, high_edge, cases, events, mean_forecast, observed (events / cases),
    low, high (binomial interval of the observed share at ``level``, ``wilson`` or ``exact``).
    """
    f, y = _checked(forecasts, outcomes)
    cuts = np.asarray(edges, dtype=float)
    which = bin_index(f, cuts)
    rows = []
    for index, (low_edge, high_edge) in enumerate(zip(cuts[:-1], cuts[1:], strict=True)):
        mask = which == index
        cases, events = int(mask.sum()), int(y[mask].sum())
        low, high = binomial_interval(events, cases, level, method) if cases else (np.nan,) * 2
        rows.append(
            {
                "bin": f"{low_edge:.2f}-{high_edge:.2f}",
                "low_edge": float(low_edge),
                "high_edge": float(high_edge),
                "cases": cases,
                "events": events,
                "mean_forecast": float(f[mask].mean()) if cases else np.nan,
                "observed": events / cases if cases else np.nan,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def variant_forecasts(
    forecasts: pd.DataFrame,
    labels: Mapping[str, str],
    constants: Mapping[str, float] | None = None,
    key: str = "spec_id",
) -> pd.DataFrame:
    """The long table ``murphy_table`` and ``reliability_table`` take: the rows of
    ``forecasts`` whose ``key`` is in ``labels``, named by it (``variant``), in ``labels``'
    order; then, for each of ``constants`` (label: P(release) in [0, 1]), that constant on the
    cases of the first variant. Columns: variant, case_id, forecast, y."""
    named = forecasts[forecasts[key].isin(labels)]
    frames = [named[named[key] == k].assign(variant=label) for k, label in labels.items()]
    first = frames[0]
    frames += [
        first.assign(variant=label, forecast=float(p)) for label, p in (constants or {}).items()
    ]
    columns = ["variant", "case_id", "forecast", "y"]
    return pd.concat(frames, ignore_index=True)[columns]


def formulation_forecasts(forecasts: pd.DataFrame) -> pd.DataFrame:
    """``variant_forecasts`` of the in-time forecasts (``specifications.in_time_forecasts``): each
    formulation with every other choice at its default, named by it ("base only", "expert",
    ...), then the hindsight constant (HINDSIGHT_SHORT) on the same cases."""
    from analysis.engine import specifications

    labels = {
        specifications.spec_id({**specifications.DEFAULTS, "formulation": name}): name.replace(
            "_", " "
        )
        for name in specifications.CHOICES["formulation"]
    }
    return variant_forecasts(forecasts, labels, {HINDSIGHT_SHORT: HINDSIGHT_P_RELEASE})


def formulation_gaps(forecasts: pd.DataFrame, score: str = "log") -> dict[str, ScoreGap]:
    """Each formulation's paired bootstrap gap (``bootstrap_gap``) to the base rate alone, on
    the in-time forecasts (``specifications.in_time_forecasts``), every other choice at its
    default; formulations with fewer than two scored cases are left out."""
    from analysis.engine import specifications

    def default_with(formulation: str) -> pd.DataFrame:
        name = specifications.spec_id({**specifications.DEFAULTS, "formulation": formulation})
        return forecasts[forecasts["spec_id"] == name]

    reference = default_with(specifications.DEFAULTS["formulation"])
    gaps = {}
    for formulation in specifications.CHOICES["formulation"][1:]:
        variant = default_with(formulation)
        if len(variant) >= 2:
            gaps[formulation] = bootstrap_gap(
                variant["forecast"], reference["forecast"], reference["y"], score
            )
    return gaps


def _by_variant(forecasts: pd.DataFrame, by: str) -> list[tuple[str, pd.DataFrame]]:
    missing = {by, "forecast", "y"} - set(forecasts.columns)
    if missing:
        raise ValueError(f"forecasts need columns {sorted(missing)}")
    return [(str(name), rows) for name, rows in forecasts.groupby(by, sort=False)]


def murphy_table(
    forecasts: pd.DataFrame, edges: Sequence[float] = RELIABILITY_EDGES, by: str = "variant"
) -> pd.DataFrame:
    """Murphy's decomposition and the log score of each variant, one row each (MURPHY_COLUMNS).

    ``forecasts`` is long: a ``by`` column naming the variant, ``forecast`` (P(release) in
    [0, 1]) and ``y`` (1 release, 0 return). brier = reliability - resolution + uncertainty +
    within_bin holds exactly; within_bin is 0 (the three-term identity exact) when every bin
    holds forecasts of one value, and otherwise is the spread of forecasts inside the bins.
    ``log`` is the mean natural-log score (higher is better); brier and the parts are in [0, 1].
    """
    rows = []
    for name, group in _by_variant(forecasts, by):
        f, y = group["forecast"], group["y"]
        parts = murphy_decomposition(f, y, edges)
        rows.append(
            {
                "variant": name,
                "cases": parts.n,
                "events": int(np.sum(y)),
                "brier": parts.brier,
                "reliability": parts.reliability,
                "resolution": parts.resolution,
                "uncertainty": parts.uncertainty,
                "within_bin": parts.within_bin,
                "log": log_score(f, y),
            }
        )
    return pd.DataFrame(rows, columns=list(MURPHY_COLUMNS))


def reliability_table(
    forecasts: pd.DataFrame,
    edges: Sequence[float] = RELIABILITY_EDGES,
    by: str = "variant",
    level: float = LEVEL,
    method: str = "exact",
) -> pd.DataFrame:
    """``reliability_diagram`` of each variant stacked, with a ``variant`` column first.

    ``forecasts`` as for ``murphy_table``. The default interval is Clopper-Pearson (``exact``):
    with 0 events in n it still says how high the share could be, (0, 1 - (tail)^(1/n)).
    """
    frames = [
        reliability_diagram(group["forecast"], group["y"], edges, level, method).assign(
            variant=name
        )
        for name, group in _by_variant(forecasts, by)
    ]
    table = pd.concat(frames, ignore_index=True)
    table = table[["variant", *(c for c in table.columns if c != "variant")]]
    table.attrs["level"], table.attrs["method"] = level, method  # the chart's legend says them
    return table


def calibration_verdict(table: pd.DataFrame) -> str:
    """One plain sentence: can the outcomes scored in ``murphy_table``'s ``table`` tell the
    variants' calibration apart? Every variant must be scored on the same cases."""
    if table.empty:  # a forecast date before any case of the class resolved
        return "No case could be scored by the forecast date: there is no calibration to tell."
    cases, events = table["cases"].unique(), table["events"].unique()
    if len(cases) != 1 or len(events) != 1:
        raise ValueError("every variant must be scored on the same cases")
    n, k = int(cases[0]), int(events[0])
    if k in (0, n):
        only = "returns" if k == 0 else "releases"
        return (
            f"With {n} cases and {k} releases (all {only}) there is no resolution to earn: "
            "the bins cannot tell a calibrated variant from a hindsight one, and the Brier "
            "scores rank only how close each variant stays to the one outcome seen."
        )
    return (
        f"With {n} cases and {k} release{'' if k == 1 else 's'} the bins hold few cases each: "
        "read reliability and resolution with the intervals of the diagram, not as a ranking."
    )


@dataclass(frozen=True)
class ScoreGap:
    """score(variant) - score(reference) on the same cases, with a paired bootstrap interval.

    ``gap`` is on the cases as recorded; ``low``/``high`` the percentile interval at ``level``
    over ``draws`` resamples of the cases (the same cases for both forecasts: paired).
    """

    score: str
    gap: float
    low: float
    high: float
    level: float
    draws: int
    seed: int
    n: int


def bootstrap_gap(
    variant: Sequence[float],
    reference: Sequence[float],
    outcomes: Sequence[float],
    score: str = "brier",
    level: float = LEVEL,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = BOOTSTRAP_SEED,
) -> ScoreGap:
    """Paired bootstrap of the gap between two forecasts' mean scores (seeded, reproducible)."""
    with np.errstate(invalid="ignore"):  # -inf - -inf: reported just below
        differences = case_scores(variant, outcomes, score) - case_scores(
            reference, outcomes, score
        )
    if np.isnan(differences).any():
        raise ValueError("both forecasts were certain and wrong on a case: the gap is undefined")
    n = len(differences)
    resamples = np.random.default_rng(seed).integers(0, n, size=(draws, n))
    means = differences[resamples].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return ScoreGap(
        score=score,
        gap=float(differences.mean()),
        low=float(low),
        high=float(high),
        level=level,
        draws=draws,
        seed=seed,
        n=n,
    )


def almost_always_return(n: int, p_release: float = HINDSIGHT_P_RELEASE) -> np.ndarray:
    """The hindsight reference: the same P(release) for each of ``n`` cases (HINDSIGHT_LABEL)."""
    return np.full(n, float(p_release))


def rank_verdict(gap: ScoreGap) -> str:
    """One of VERDICTS: "cannot tell" when the interval of the gap includes 0."""
    if gap.low <= 0.0 <= gap.high:
        return "cannot tell"
    variant_higher = gap.low > 0.0
    return "variant better" if variant_higher == HIGHER_IS_BETTER[gap.score] else "reference better"


def verdict_sentence(gap: ScoreGap, variant: str, reference: str) -> str:
    """The verdict in one plain sentence, with the gap and its interval."""
    numbers = (
        f"{gap.score} score gap {gap.gap:+.3f}, {gap.level:.0%} bootstrap interval "
        f"{gap.low:+.3f} to {gap.high:+.3f}, {gap.n} cases"
    )
    verdict = rank_verdict(gap)
    if verdict == "cannot tell":
        return f"The {gap.n} outcomes on record cannot tell {variant} from {reference} ({numbers})."
    better, worse = (variant, reference) if verdict == "variant better" else (reference, variant)
    return f"On the outcomes on record {better} scores better than {worse} ({numbers})."


# The evidence a scoring set should give before two formulations count as told apart: an
# expected Bayes factor of 10 (natural log 2.3), "strong" on Jeffreys' scale.
TELL_APART_LOG_BAYES = float(np.log(10.0))


def cases_to_tell_apart(
    variant: Sequence[float], reference: Sequence[float], log_bayes: float = TELL_APART_LOG_BAYES
) -> tuple[int, int]:
    """(cases, releases) a scoring set like this one would need before ``variant`` could be
    told from ``reference`` were the variant right: the expected log Bayes factor per case is
    the mean Kullback-Leibler divergence KL(variant || reference) of the two forecasts
    (probabilities in (0, 1), one per case), so cases = ceil(log_bayes / mean KL) and releases
    = ceil(cases * mean variant forecast). (0, 0) when the forecasts are the same."""
    p, q = (np.clip(np.asarray(x, dtype=float), 1e-12, 1 - 1e-12) for x in (variant, reference))
    divergence = float(np.mean(p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))))
    if divergence <= 1e-12:
        return 0, 0
    cases = int(np.ceil(log_bayes / divergence))
    return cases, int(np.ceil(cases * float(np.mean(p))))


def record_test_sentence(
    variant: Sequence[float],
    reference: Sequence[float],
    outcomes: Sequence[float],
    variant_name: str = "the expert weights",
    reference_name: str = "the base rate",
) -> str:
    """What an in-time scoring set can test, in plain sentences: with one outcome only, that a
    score can only reward forecasts nearer that outcome (an identity, not evidence for or
    against a thesis that predicts releases only at high levels); and how many cases and
    releases it would take to tell ``variant`` from ``reference`` (``cases_to_tell_apart``)."""
    y = np.asarray(outcomes, dtype=float)
    cases, releases = cases_to_tell_apart(variant, reference)
    need = (
        f"Telling {variant_name} from {reference_name} (an expected Bayes factor of 10, were "
        f"{variant_name} right) would take about {cases} scored cases like these, about "
        f"{releases} of them releases."
        if cases
        else f"{variant_name} and {reference_name} forecast the same on these cases."
    )
    if len(set(y.tolist())) == 2:
        gap = bootstrap_gap(variant, reference, y, "log")
        return f"{verdict_sentence(gap, variant_name, reference_name)} {need}"
    only = "returns" if y.max() == 0 else "releases"
    lift = float(np.mean(np.asarray(variant) - np.asarray(reference)))
    return (
        f"All {len(y)} cases scored in time ended the same way ({only}), so a score on them "
        "can only reward the forecast nearer that outcome: that the lower forecast scores "
        "better is true by construction, and it cannot test the article's thesis, which "
        "predicts release only where pressure and tension are high. What it does test is how "
        f"far each formulation moves cases like these ({variant_name} moved them by "
        f"{lift:+.2f} on average). {need}"
    )
