"""Every defensible analysis choice at once: one row per specification, scored in time order.

A specification picks one value on each axis of ``CHOICES`` (the first value is the default):

* ``reference_class``: detentions in China decided by China (``history.detentions_in_china``);
  the same plus foreign-mission entries; plus cases a named third country decided (Laos,
  Vietnam, Thailand, Mongolia or another); or without the
  cases detained 2020-2024 (the COVID-era backlog). A question with another class rule
  (``analysis.record.classes``: its deciders and route) reads the four values on its own class
  (``class_mask``): the first is then that rule's class, not China's.
* ``shenyang_six``: the 2006 six as recorded (a consulate bid, so outside the detentions) or as
  detained in transit (Adrian Hong's reading, which brings the case into the class).
* ``kim_visit_2018``: the single-source 2018 Kim-visit arrests in or out.
* ``outcome``: ``strict`` (release = reached the South or a third country) or ``any_non_return``
  (freed in China and left legally count as releases too); see ``analysis.record.outcomes``.
* ``prior``: Beta(1, 1) (uniform) or Beta(1/2, 1/2) (Jeffreys).
* ``formulation``: ``base_only``; ``expert`` (weights.csv on the levels as coded);
  ``expert_centred`` (the same on the levels minus the class's mean levels); ``ridge`` (a
  ridge logistic fit on the class, ``analysis.engine.logistic``); ``pooled`` (the average of
  base rate and ridge on the log-odds scale).
* ``pressure``: the focal case's pressure as coded on the cases' 0-2 scale (divided by 2), or
  derived from the events about these detainees (``pressure_kind == detainees``, the case's own
  events, ``analysis.record.factors``). Only the focal case has the second construct, so the choice
  does not change a specification's score.
* ``factor_rule``: the constants of the event rule (``analysis.record.factors``): the codebook's
  half-life of 60 days and half-scale of 6, or one of them halved or doubled. They act only on
  the event-derived pressure, so under the coded construct the five rules give the same row.
* ``coder``: the first coding (cases.csv) or the blind second coding (second_coding.csv).

Scoring (``spec_scores``): every specification forecasts, in time order, each resolved case of
the common scoring set (detentions in China decided by China, strict outcome, first coding),
from the cases of its own class known before that case's forecast day, and is scored by the sum
of log scores. With an ``as_of`` date only cases resolved by then are scored, so the weights use
nothing the forecaster could not have known. Numbers only: no drawing, no files.

The formula (one home): every forecast of the package, each specification of the headline as
much as the what-if (``analysis.engine.whatif``), is

    log-odds of release = log-odds of the base rate + w_pressure * pressure + w_tension * tension

(a probability p has log-odds log(p / (1 - p))), computed by ``log_odds`` and turned into a
probability by ``expit``; ``release_probability`` is the two together for a base rate given as
a probability. A case's codes 0-2 (``cases.csv``, ``second_coding.csv``) become levels in [0, 1]
through ``level_from_code`` alone; the events' levels are in [0, 1] already
(``analysis.record.factors``). The weights are log-odds of release per unit of a level, each
declared once in ``data/weights.csv`` (name, mean, sd, rationale) and carried as a ``Weight`` by
name (``WEIGHT_NAMES`` order) to every use: a weight of 1 means that going from level 0 to level
1 multiplies the odds by e. The interval level and the named priors live in
``analysis.record.intervals`` (``LEVEL``, ``PRIORS``). P(return) is 1 - P(release): the model
knows two outcomes only.
"""

from __future__ import annotations

import functools
import itertools
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
from scipy import special

from analysis.data.tables import Dataset
from analysis.defaults import SEED
from analysis.engine.logistic import fit_ridge_logistic
from analysis.engine.mixture import log_density
from analysis.record import factors
from analysis.record.case import forecast_day
from analysis.record.classes import CHINA_ARRESTS, ClassRule, in_class, on_route
from analysis.record.codings import second_coder_cases
from analysis.record.history import with_year_and_period, without_overlaps
from analysis.record.intervals import PRIORS, QUANTILES, beta_quantiles, posterior_log_odds
from analysis.record.outcomes import ANY_NON_RETURN, RETURN, STRICT

# mean +- z*sd is the central interval of a normal distribution at the package's level
Z_INTERVAL = statistics.NormalDist().inv_cdf(QUANTILES[2])
# The weights, in the order they are drawn; each is the weight of one factor.
WEIGHT_NAMES = ("w_pressure", "w_tension")
WEIGHT_FACTORS = {"w_pressure": "pressure", "w_tension": "tension"}
# The cases code each factor 0 (none), 1 (some) or 2 (strong); a level is the code over this.
TOP_CODE = 2.0

Array = np.ndarray | float


def logit(probability: Array) -> np.ndarray:
    """Log-odds of a probability in (0, 1)."""
    return special.logit(np.asarray(probability, dtype=float))


def expit(log_odds: Array) -> np.ndarray:
    """Probability in [0, 1] of a log-odds (scipy's ufunc: no overflow for large |x|, exact in
    the far tails)."""
    return special.expit(np.asarray(log_odds, dtype=float))


def log_odds(
    base_log_odds: Array, pressure: Array, tension: Array, w_pressure: Array, w_tension: Array
) -> np.ndarray:
    """The formula: log-odds of release. Arrays broadcast (one value per draw, per case, per
    grid point). Levels in [0, 1]; weights in log-odds per unit of a level."""
    return np.asarray(base_log_odds + w_pressure * pressure + w_tension * tension, dtype=float)


def release_probability(
    base_rate: Array, pressure: Array, tension: Array, w_pressure: Array, w_tension: Array
) -> np.ndarray:
    """P(release) in [0, 1] for a base rate in (0, 1): expit(log_odds(logit(base_rate), ...))."""
    return expit(log_odds(logit(base_rate), pressure, tension, w_pressure, w_tension))


def level_from_code(code: Array | pd.Series) -> np.ndarray | pd.Series | float:
    """A factor level in [0, 1] from a case's code 0-2 (a number, an array or a Series)."""
    if isinstance(code, pd.Series):
        return code.astype(float) / TOP_CODE
    if np.ndim(code) == 0:
        return float(code) / TOP_CODE
    return np.asarray(code, dtype=float) / TOP_CODE


@dataclass(frozen=True)
class Weight:
    """One weight: log-odds of release per unit of its factor, Normal(mean, sd).

    ``name`` is the weights.csv parameter (``w_pressure``, ``w_tension``), ``factor`` the level
    it multiplies; ``rationale`` says where the numbers come from.
    """

    name: str
    mean: float
    sd: float
    rationale: str = ""

    @property
    def factor(self) -> str:
        """The factor this weight multiplies: pressure or tension."""
        return WEIGHT_FACTORS[self.name]

    @property
    def low(self) -> float:
        """Lower end of the weight's interval at the package's level (log-odds per unit)."""
        return self.mean - Z_INTERVAL * self.sd

    @property
    def high(self) -> float:
        """Upper end of the weight's interval at the package's level (log-odds per unit)."""
        return self.mean + Z_INTERVAL * self.sd


Weights = tuple[Weight, ...]


def weights_from_table(weights: pd.DataFrame) -> Weights:
    """The weights of weights.csv (parameter, mean, sd, rationale), in WEIGHT_NAMES order."""
    table = weights.assign(parameter=weights["parameter"].astype(str)).set_index("parameter")
    missing = [name for name in WEIGHT_NAMES if name not in table.index]
    if missing:
        raise ValueError(f"weights table lacks {', '.join(missing)} (expected {WEIGHT_NAMES})")
    return tuple(
        Weight(
            name=name,
            mean=float(table.loc[name, "mean"]),
            sd=float(table.loc[name, "sd"]),
            rationale=str(table.loc[name, "rationale"]) if "rationale" in table else "",
        )
        for name in WEIGHT_NAMES
    )


def weight_named(weights: Weights, name: str) -> Weight:
    """The weight called ``name`` (w_pressure or w_tension) among ``weights``."""
    for weight in weights:
        if weight.name == name:
            return weight
    raise KeyError(f"no weight {name!r} (expected one of {WEIGHT_NAMES})")


CHOICES: dict[str, tuple[str, ...]] = {
    "reference_class": ("china_decided", "plus_missions", "plus_third_country", "without_covid"),
    "shenyang_six": ("mission_attempt", "detention"),
    "kim_visit_2018": ("in", "out"),
    "outcome": ("strict", "any_non_return"),
    "prior": ("uniform", "jeffreys"),
    "formulation": ("base_only", "expert", "expert_centred", "ridge", "pooled"),
    "pressure": ("case_coded", "event_detainees"),
    "factor_rule": ("codebook", "half_life_30", "half_life_120", "half_scale_3", "half_scale_12"),
    "coder": ("first", "second"),
}
DEFAULTS = {axis: values[0] for axis, values in CHOICES.items()}
# The factor rule's constants (``analysis.record.factors``): (half-life in days, half-scale
# in intensity units). The codebook's rule, then each constant halved and doubled with the other
# kept.
FACTOR_RULES = {
    "codebook": (factors.HALF_LIFE_DAYS, factors.HALF_SCALE),
    "half_life_30": (factors.HALF_LIFE_DAYS / 2, factors.HALF_SCALE),
    "half_life_120": (factors.HALF_LIFE_DAYS * 2, factors.HALF_SCALE),
    "half_scale_3": (factors.HALF_LIFE_DAYS, factors.HALF_SCALE / 2),
    "half_scale_12": (factors.HALF_LIFE_DAYS, factors.HALF_SCALE * 2),
}
RELEASES = {"strict": STRICT, "any_non_return": ANY_NON_RETURN}
SHENYANG_SIX = "2006_shenyang_six"
KIM_VISIT = "2018_mar_kim_visit_arrests"
COVID_YEARS = (2020, 2024)
RIDGE_L2 = 1.0  # a normal prior with sd 1 log-odds per unit of a level: the backtest's penalty
# What the classes, the labels and the training read: copying only these keeps the many
# filters of a multiverse cheap (the cases table has about thirty columns).
LEARNING_COLUMNS = ["case_id", "onset", "decided_by", "year", "outcome", "outcome_latest",
                    "pressure", "tension"]  # fmt: skip
DRAWS_PER_SPEC = 400  # per specification; 6400 specifications give 2.6 million draws


@dataclass(frozen=True)
class Focal:
    """The focal case's levels in [0, 1] under each construct and coder."""

    pressure: Mapping[tuple[str, str, str], float]  # (construct, factor rule, coder) -> level
    tension: Mapping[str, float]  # coder -> level

    def pressure_level(self, construct: str, coder: str, rule: str = "codebook") -> float:
        """The pressure level in [0, 1] under one construct, coder and factor rule."""
        return self.pressure[(construct, rule, coder)]


def specifications() -> list[dict[str, str]]:
    """Every combination of CHOICES, one dict per specification, the default first."""
    axes = list(CHOICES)
    return [dict(zip(axes, values, strict=True)) for values in itertools.product(*CHOICES.values())]


def spec_id(spec: Mapping[str, str]) -> str:
    """A short, stable name of a specification: its values joined by '/'."""
    return "/".join(spec[axis] for axis in CHOICES)


@functools.cache
def catalogue() -> tuple[tuple[str, Mapping[str, str]], ...]:
    """(spec_id, specification) of every specification, in ``specifications`` order, read-only
    and made once per process: every headline walks all of them several times."""
    return tuple((spec_id(spec), MappingProxyType(spec)) for spec in specifications())


AXIS_POSITION = {axis: position for position, axis in enumerate(CHOICES)}


def with_choices(name: str, **values: str) -> str:
    """The spec_id ``name`` with the axes named in ``values`` set to them (no axis value holds
    a '/')."""
    parts = name.split("/")
    for axis, value in values.items():
        parts[AXIS_POSITION[axis]] = value
    return "/".join(parts)


@functools.cache  # one name per specification: every headline asks for all of them
def scored_twin(name: str) -> str:
    """The spec_id whose in-time score the specification ``name`` shares: its twin with the
    coded pressure and the codebook's factor rule (past cases have the coded construct only)."""
    return with_choices(name, pressure=DEFAULTS["pressure"], factor_rule=DEFAULTS["factor_rule"])


def coded_cases(dataset: Dataset, coder: str, six: str, kim: str) -> pd.DataFrame:
    """The cases under one coder and the contested codings, overlaps dropped, with ``year`` and
    the factor levels in [0, 1] (``pressure``, ``tension``: the codes through level_from_code)."""
    cases = without_overlaps(dataset.cases).copy()
    cases["onset"] = cases["onset"].astype(str)
    if coder == "second":
        cases = second_coder_cases(cases, dataset.second_coding)
    six_rows = cases["case_id"] == SHENYANG_SIX
    cases.loc[six_rows, "onset"] = (
        "foreign_mission_entry" if six == "mission_attempt" else "unknown"
    )
    cases = cases.assign(
        pressure=level_from_code(cases["pressure_level"]),
        tension=level_from_code(cases["tension_level"]),
    )
    return with_kim_visit(with_year_and_period(cases), kim)


def with_kim_visit(cases: pd.DataFrame, kim: str) -> pd.DataFrame:
    """``cases`` (of ``coded_cases``) with the Kim-visit arrests kept (``in``) or left out
    (``out``): what ``coded_cases`` gives for ``kim``, from the table it gives for ``in``."""
    return cases[cases["case_id"] != KIM_VISIT] if kim == "out" else cases


# The cases under each (coder, shenyang_six, kim_visit_2018) choice, by the three.
Codings = dict[tuple[str, str, str], pd.DataFrame]
# The scoring set's coding: the first coder's, contested cases as recorded.
SCORING_CODING = ("first", "mission_attempt", "in")


def every_coding(dataset: Dataset) -> Codings:
    """``coded_cases`` under every choice of coder, Shenyang six and Kim visit, by the three:
    one table per coder and Shenyang six, the Kim-visit choice a filter of it. A headline codes
    them once (4 times in all) and hands them to its multiverse, its in-time forecasts and their
    scoring set, where each coding them for itself made it 9 (counted)."""
    every = {}
    for coder, six in itertools.product(CHOICES["coder"], CHOICES["shenyang_six"]):
        kept = coded_cases(dataset, coder, six, "in")
        for kim in CHOICES["kim_visit_2018"]:
            every[coder, six, kim] = with_kim_visit(kept, kim)
    return every


def class_mask(
    columns: Mapping[str, np.ndarray], reference_class: str, rule: ClassRule = CHINA_ARRESTS
) -> np.ndarray:
    """Which cases belong to one reference class of a question whose class rule is ``rule``
    (``analysis.record.classes``): a boolean array. ``columns`` holds the onset, decided_by and year
    of each case, as strings and integers. ``china_decided`` is the rule's own class (for the
    headline's rule, arrests decided by China); ``plus_missions`` adds the same deciders'
    mission entries; ``plus_third_country`` takes the rule's route from any named decider;
    ``without_covid`` is the own class without the cases of 2020-2024."""
    onset, decider = columns["onset"], np.asarray(columns["decided_by"]).astype(str)
    route = on_route(onset, rule.route)
    if reference_class == "plus_missions":
        return in_class(onset, decider, rule) | in_class(
            onset, decider, ClassRule(rule.deciders, "mission")
        )
    if reference_class == "plus_third_country":
        return route & (decider != "unknown")  # the rule's deciders or any named other state
    keep = in_class(onset, decider, rule)
    if reference_class == "without_covid":
        year = np.asarray(columns["year"])
        keep &= ~((year >= COVID_YEARS[0]) & (year <= COVID_YEARS[1]))
    return keep


def outcome_labels(outcomes: np.ndarray, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """(counted, y) for case outcomes under ``outcome``: which cases count one way or the
    other, and for each case 1.0 for a release, 0.0 otherwise."""
    outcomes = np.asarray(outcomes).astype(str)
    releases = list(RELEASES[outcome])
    counted = np.isin(outcomes, [*releases, RETURN])
    return counted, np.isin(outcomes, releases).astype(float)


def class_cases(
    cases: pd.DataFrame, reference_class: str, rule: ClassRule = CHINA_ARRESTS
) -> pd.DataFrame:
    """The cases of one reference class under the class rule ``rule`` (see ``class_mask``)."""
    return cases[class_mask(cases, reference_class, rule)]


def labelled(cases: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """The cases with an outcome that counts one way under ``outcome``; y = 1 for a release."""
    counted, y = outcome_labels(cases["outcome"], outcome)
    frame = cases[counted].copy()
    frame["y"] = y[counted]
    return frame


@dataclass(frozen=True)
class Training:
    """What a forecast learns from: counts, mean levels, and the ridge fit if one exists."""

    released: int
    returned: int
    mean_pressure: float
    mean_tension: float
    ridge: tuple[np.ndarray, np.ndarray] | None  # (coefficients, standard errors) or None


def training_from(pressure: np.ndarray, tension: np.ndarray, y: np.ndarray) -> Training:
    """Summarise labelled training cases: levels in [0, 1] and outcomes 0/1, one entry per
    case. The ridge fit needs both outcomes among them (with one outcome only the intercept
    has no finite optimum, and ``ridge`` falls back to the base rate).

    Many specifications learn from the very same cases (a coding that changes nothing in a
    class, a class that adds no case before a forecast day), so the summary, and above all its
    ridge fit, is computed once per distinct set of cases.
    """
    arrays = [np.ascontiguousarray(a, dtype=float) for a in (pressure, tension, y)]
    return _training_cached(*(a.tobytes() for a in arrays))


@functools.lru_cache(maxsize=4096)
def _training_cached(pressure: bytes, tension: bytes, y: bytes) -> Training:
    p, t, outcome = (np.frombuffer(b, dtype=float) for b in (pressure, tension, y))
    ridge = None
    if len(set(outcome)) == 2:
        fit = fit_ridge_logistic(
            np.column_stack([p, t]), outcome, ("pressure", "tension"), RIDGE_L2
        )
        ridge = (
            np.array(list(fit.coefficients.values())),
            np.array(list(fit.standard_errors.values())),
        )
        for array in ridge:  # shared by every caller of the cache: never to be changed
            array.setflags(write=False)
    return Training(
        released=int(outcome.sum()),
        returned=int(len(outcome) - outcome.sum()),
        mean_pressure=float(p.mean()) if len(p) else 0.0,
        mean_tension=float(t.mean()) if len(t) else 0.0,
        ridge=ridge,
    )


@dataclass(frozen=True)
class Learnable:
    """One coding's cases of one class with an outcome that counts, as arrays (one entry per
    case): what the forecasts learn from, filtered by numpy rather than by pandas."""

    case_id: np.ndarray  # str
    outcome_latest: np.ndarray  # datetime64[ns]
    pressure: np.ndarray  # level in [0, 1]
    tension: np.ndarray  # level in [0, 1]
    y: np.ndarray  # 1.0 release, 0.0 return

    def known(self, keep: np.ndarray) -> Training:
        """``training_from`` the cases where ``keep`` (a boolean array) holds."""
        return training_from(self.pressure[keep], self.tension[keep], self.y[keep])


def learnable_sets(
    coded: pd.DataFrame, rule: ClassRule = CHINA_ARRESTS
) -> dict[tuple[str, str], Learnable]:
    """``labelled(class_cases(coded, reference_class, rule), outcome)`` as arrays, for every
    (reference_class, outcome) of CHOICES at once."""
    columns = {name: coded[name].to_numpy() for name in ("onset", "decided_by", "year")}
    pressure = coded["pressure"].to_numpy(dtype=float)
    tension = coded["tension"].to_numpy(dtype=float)
    latest = coded["outcome_latest"].to_numpy(dtype="datetime64[ns]")
    ids = coded["case_id"].astype(str).to_numpy()
    labels = {
        outcome: outcome_labels(coded["outcome"].to_numpy(), outcome)
        for outcome in CHOICES["outcome"]
    }
    sets = {}
    for reference_class in CHOICES["reference_class"]:
        member = class_mask(columns, reference_class, rule)
        for outcome, (counted, y) in labels.items():
            keep = member & counted
            sets[(reference_class, outcome)] = Learnable(
                ids[keep], latest[keep], pressure[keep], tension[keep], y[keep]
            )
    return sets


def base_draws(learned: Training, prior: str, uniforms: np.ndarray) -> np.ndarray:
    """The base rate's draws on the log-odds scale: the logit of the Beta posterior (prior +
    counts) at ``uniforms`` (in (0, 1), shared by every specification)."""
    a0, b0 = PRIORS[prior]
    return logit(beta_quantiles(a0 + learned.released, b0 + learned.returned, uniforms))


def forecast_draws(
    learned: Training,
    formulation: str,
    prior: str,
    pressure: float,
    tension: float,
    weights: Weights,
    normals: np.ndarray,
    base: np.ndarray,
) -> tuple[float, np.ndarray]:
    """Central P(release) and its draws for one case under one formulation.

    ``weights`` are weights.csv's (``Weight``, by name); ``normals`` is
    draws x 3 standard normals and ``base`` the matching ``base_draws``, both shared by every
    specification (common random numbers, so specifications differ by their choices, not by
    their luck; specifications that learn the same counts share one ``base``). The central
    value is ``central_forecast``'s. The ridge draws treat the coefficients as independent
    normals (mean, standard error).
    """
    central = central_forecast(learned, formulation, prior, pressure, tension, weights)
    w_pressure, w_tension = weights  # in WEIGHT_NAMES order, as weights_from_table gives them
    if formulation in ("expert", "expert_centred"):
        p_level, t_level = _levels(learned, formulation, pressure, tension)
        drawn_p = w_pressure.mean + w_pressure.sd * normals[:, 0]
        drawn_t = w_tension.mean + w_tension.sd * normals[:, 1]
        return central, expit(log_odds(base, p_level, t_level, drawn_p, drawn_t))
    if formulation in ("ridge", "pooled") and learned.ridge is not None:
        mean, error = learned.ridge
        coefficients = mean + error * normals  # intercept, pressure, tension: one row per draw
        ridge = log_odds(
            coefficients[:, 0], pressure, tension, coefficients[:, 1], coefficients[:, 2]
        )
        if formulation == "ridge":
            return central, expit(ridge)
        return central, expit((base + ridge) / 2.0)
    return central, expit(base)


def _levels(
    learned: Training, formulation: str, pressure: float, tension: float
) -> tuple[float, float]:
    """The levels the expert weights act on: as coded, or centred on the class's mean levels."""
    if formulation == "expert_centred":
        return pressure - learned.mean_pressure, tension - learned.mean_tension
    return pressure, tension


def focal_levels(dataset: Dataset, case_id: str, as_of: pd.Timestamp) -> Focal:
    """The focal case's pressure (both constructs, both coders) and tension (both coders)."""
    # A case without a second code keeps the first coder's, as in coded_cases.
    by_coder = {
        "first": dataset.cases,
        "second": second_coder_cases(dataset.cases, dataset.second_coding),
    }
    rows = {coder: frame[frame["case_id"] == case_id].iloc[0] for coder, frame in by_coder.items()}
    events = dataset.events
    own = events[
        (events["pressure_kind"].astype(str) == "detainees")
        & (events["case_id"].astype(str) == case_id)
    ]
    derived = {
        rule: factors.factor_levels(own, as_of, half_life_days=life, half_scale=scale).pressure
        if len(own)
        else 0.0
        for rule, (life, scale) in FACTOR_RULES.items()
    }
    coded = {coder: level_from_code(row["pressure_level"]) for coder, row in rows.items()}
    tension = {coder: level_from_code(row["tension_level"]) for coder, row in rows.items()}
    # The coded construct does not go through the factor rule: the same level under every rule.
    pressure = {("case_coded", r, c): float(v) for c, v in coded.items() for r in FACTOR_RULES}
    pressure |= {("event_detainees", r, c): float(derived[r]) for c in coded for r in FACTOR_RULES}
    return Focal(pressure=pressure, tension={c: float(v) for c, v in tension.items()})


# The multiverse table's columns computed for each specification, after its spec_id and choices.
COMPUTED_COLUMNS = ("released", "returned", "pressure_level", "tension_level", "estimate")


@functools.cache
def _multiverse_plan() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str, tuple], ...]:
    """For each specification of ``catalogue``, what the multiverse looks up: (spec_id, its
    coding (coder, Shenyang six, Kim visit), the coding with its class and outcome (what it
    learns from), prior, formulation, the arguments of its ``Focal.pressure_level``)."""
    plan = []
    for name, spec in catalogue():
        coding = (spec["coder"], spec["shenyang_six"], spec["kim_visit_2018"])
        key = (*coding, spec["reference_class"], spec["outcome"])
        level = (spec["pressure"], spec["coder"], spec["factor_rule"])
        plan.append((name, coding, key, spec["prior"], spec["formulation"], level))
    return tuple(plan)


@functools.cache
def catalogue_frame() -> pd.DataFrame:
    """``catalogue``'s specifications as a table (spec_id, then a column per axis of CHOICES),
    made once per process; only read (its columns go into new tables, which copy on write)."""
    return pd.DataFrame([{"spec_id": name, **spec} for name, spec in catalogue()])


def row_statistic(
    arrays: list[np.ndarray], statistic: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """``statistic`` of the arrays stacked as rows (its last axis one value per row), for each
    of ``arrays`` in order: computed once per distinct array object, since many specifications
    share one read-only array of draws, and a row's value does not depend on the rows beside
    it."""
    position: dict[int, int] = {}
    distinct: list[np.ndarray] = []
    for array in arrays:
        if position.setdefault(id(array), len(distinct)) == len(distinct):
            distinct.append(array)
    rows = [position[id(array)] for array in arrays]
    return np.take(statistic(np.vstack(distinct)), rows, axis=-1)


def _random(draws: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((draws, 3)), rng.uniform(size=draws)


def multiverse(
    dataset: Dataset,
    case_id: str,
    as_of: factors.DateLike | None,
    draws: int = DRAWS_PER_SPEC,
    seed: int = SEED,
    rule: ClassRule = CHINA_ARRESTS,
    codings: Codings | None = None,
    only: frozenset[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The focal case under every specification (or those named in ``only``, in catalogue
    order: the same rows and draws), from the cases known by ``as_of`` (None: today's record),
    its reference classes drawn by the question's class rule ``rule``.

    Returns the tidy table (one row per specification: spec_id, the CHOICES columns, released,
    returned (the counts learned from), pressure, tension (the focal levels used), estimate
    (central P(release) in [0, 1]), low, high (its 10th and 90th percentiles)) and the draws of
    P(release) per spec_id. ``codings`` is ``every_coding(dataset)`` when the caller has it.
    """
    day = None if as_of is None else factors.to_day(as_of)
    level_day = day if day is not None else dataset.events["date"].max()
    focal = focal_levels(dataset, case_id, level_day)
    weights = weights_from_table(dataset.weights)
    normals, uniforms = _random(draws, seed)
    sets: dict[tuple[str, str, str], dict[tuple[str, str], Learnable]] = {}
    coded = every_coding(dataset) if codings is None else codings
    learned_cache: dict[tuple[str, ...], Training] = {}
    base_cache: dict[tuple[str, int, int], np.ndarray] = {}
    # Many specifications draw the very same forecast (a factor rule under the coded pressure,
    # any level under the base rate alone): drawn once, the one read-only array is shared.
    draws_cache: dict[tuple[object, ...], tuple[float, np.ndarray]] = {}
    counted: dict[str, list[object]] = {name: [] for name in COMPUTED_COLUMNS}
    all_draws = {}
    plan = _multiverse_plan()
    chosen = catalogue_frame()
    if only is not None:
        plan = tuple(step for step in plan if step[0] in only)
        chosen = chosen[chosen["spec_id"].isin(only)].reset_index(drop=True)
    for name, coding, key, prior, formulation, level in plan:
        if key not in learned_cache:
            if coding not in sets:
                sets[coding] = learnable_sets(coded[coding][LEARNING_COLUMNS], rule)
            cases = sets[coding][key[3:]]
            keep = cases.case_id != case_id
            if day is not None:
                keep &= cases.outcome_latest <= day.to_datetime64()
            learned_cache[key] = cases.known(keep)
        learned = learned_cache[key]
        counts = (prior, learned.released, learned.returned)
        if counts not in base_cache:
            base_cache[counts] = base_draws(learned, prior, uniforms)
        pressure, tension = focal.pressure_level(*level), focal.tension[coding[0]]
        forecast_key = (key, formulation, prior, pressure, tension)
        if forecast_key not in draws_cache:
            central, values = forecast_draws(
                learned,
                formulation,
                prior,
                pressure,
                tension,
                weights,
                normals,
                base_cache[counts],
            )
            values.setflags(write=False)
            draws_cache[forecast_key] = central, values
        central, values = draws_cache[forecast_key]
        all_draws[name] = values
        row = (learned.released, learned.returned, pressure, tension, central)
        for column, value in zip(counted.values(), row, strict=True):
            column.append(value)
    columns = {name: chosen[name] for name in ("spec_id", *CHOICES)} | counted
    table = pd.DataFrame(columns)
    # The 10th and 90th percentiles of each specification's draws, one call for all of them
    # (specifications that share one array of draws share its percentiles).
    table["low"], table["high"] = row_statistic(
        list(all_draws.values()),
        lambda stack: np.quantile(stack, [QUANTILES[0], QUANTILES[2]], axis=1),
    )
    table.attrs["weights"] = weights  # weights.csv's, by name (``Weights``)
    return table, all_draws


def scoring_set(
    dataset: Dataset,
    as_of: factors.DateLike | None = None,
    outcome: str = "strict",
    rule: ClassRule = CHINA_ARRESTS,
    codings: Codings | None = None,
) -> pd.DataFrame:
    """The common scoring set: detentions in China decided by China (first coding, contested
    cases as recorded) with one of the question's two outcomes, in order of forecast day; with
    ``as_of`` only those resolved by then. ``outcome`` (a key of RELEASES) says what counts as
    a release; the headline scores on ``strict``. A question with another class ``rule`` is
    scored on its own class. Columns of cases plus y and forecast_day. ``codings`` is
    ``every_coding(dataset)`` when the caller has it."""
    coded = coded_cases(dataset, *SCORING_CODING) if codings is None else codings[SCORING_CODING]
    cases = labelled(class_cases(coded, "china_decided", rule), outcome)
    cases["forecast_day"] = forecast_day(cases)
    if as_of is not None:
        cases = cases[cases["outcome_latest"] <= factors.to_day(as_of)]
    return cases.sort_values(["forecast_day", "case_id"], kind="stable")


def central_forecast(
    learned: Training,
    formulation: str,
    prior: str,
    pressure: float,
    tension: float,
    weights: Weights,
) -> float:
    """The central P(release) in [0, 1] of ``forecast_draws``, without drawing."""
    base = posterior_log_odds(learned.released, learned.returned, prior)
    if formulation in ("expert", "expert_centred"):
        w_pressure, w_tension = (weight.mean for weight in weights)  # WEIGHT_NAMES order
        p_level, t_level = _levels(learned, formulation, pressure, tension)
        return float(expit(log_odds(base, p_level, t_level, w_pressure, w_tension)))
    if formulation in ("ridge", "pooled") and learned.ridge is not None:
        intercept, w_pressure, w_tension = learned.ridge[0]
        ridge = float(log_odds(intercept, pressure, tension, w_pressure, w_tension))
        return float(expit(ridge if formulation == "ridge" else (base + ridge) / 2.0))
    return float(expit(base))


def in_time_forecasts(
    dataset: Dataset,
    as_of: factors.DateLike | None = None,
    outcome: str = "strict",
    rule: ClassRule = CHINA_ARRESTS,
    codings: Codings | None = None,
) -> pd.DataFrame:
    """Each scoring-set case forecast by every specification (pressure choice aside: past cases
    have only the coded construct) from its class's cases known before the case's forecast day;
    ``outcome`` picks the scoring set's labels (``scoring_set``), not the specifications'.

    Long table: spec_id (with pressure = case_coded; the event construct shares its forecasts),
    case_id, forecast_day, y, forecast (central P(release) in [0, 1]). ``codings`` is
    ``every_coding(dataset)`` when the caller has it.
    """
    every = every_coding(dataset) if codings is None else codings
    targets = scoring_set(dataset, as_of, outcome, rule, every)
    target_days = targets["forecast_day"].to_numpy(dtype="datetime64[ns]")
    target_ids = targets["case_id"].astype(str).to_numpy()
    # As Python values once: reading a datetime column element by element costs pandas 70 us
    # an element, and every coding's every class reads them all again.
    made_on_days, outcomes = list(targets["forecast_day"]), targets["y"].tolist()
    weights = weights_from_table(dataset.weights)
    rows = []
    for coder, six, kim in every:
        coded = every[coder, six, kim][LEARNING_COLUMNS]
        # A target's own levels under this coder, read with the Kim-visit arrests kept: "out"
        # takes the case out of what the specifications learn from, not out of the common
        # scoring set (under the wider outcome it is a target once resolved).
        levels = every[coder, six, "in"].set_index("case_id")
        own = [
            (float(levels.loc[case, "pressure"]), float(levels.loc[case, "tension"]))
            for case in target_ids
        ]
        for (reference_class, outcome), cases in learnable_sets(coded, rule).items():
            chosen = {
                **DEFAULTS,
                "reference_class": reference_class,
                "shenyang_six": six,
                "kim_visit_2018": kim,
                "outcome": outcome,
                "coder": coder,
            }
            names = {
                pair: spec_id({**chosen, "prior": pair[0], "formulation": pair[1]})
                for pair in itertools.product(CHOICES["prior"], CHOICES["formulation"])
            }
            for target, (day, case, y, made_on) in enumerate(
                zip(target_days, target_ids, outcomes, made_on_days, strict=True)
            ):
                # One boolean mask per target instead of a pandas filter per target.
                learned = cases.known((cases.outcome_latest < day) & (cases.case_id != case))
                pressure, tension = own[target]
                for (prior, formulation), name in names.items():
                    forecast = central_forecast(
                        learned, formulation, prior, pressure, tension, weights
                    )
                    rows.append(
                        {
                            "spec_id": name,
                            "case_id": case,
                            "forecast_day": made_on,
                            "y": y,
                            "forecast": forecast,
                        }
                    )
    # The columns even with no row (no case resolved by the forecast date): nothing is then
    # scored, and the headline says so (headline.NOTHING_SCORED).
    return pd.DataFrame(rows, columns=IN_TIME_COLUMNS)


IN_TIME_COLUMNS = ("spec_id", "case_id", "forecast_day", "y", "forecast")


def spec_scores(forecasts: pd.DataFrame) -> pd.Series:
    """Summed natural-log score of each coded-pressure spec_id over the scoring set (<= 0)."""
    scores = log_density(forecasts["forecast"].to_numpy(), forecasts["y"].to_numpy())
    return pd.Series(scores, index=forecasts.index).groupby(forecasts["spec_id"]).sum()


def all_spec_scores(forecasts: pd.DataFrame) -> dict[str, float]:
    """spec_scores extended to every specification: a specification shares the score of its
    twin with the coded pressure and the codebook's factor rule (the event construct, the only
    one the factor rule acts on, exists for the focal case only)."""
    scored = spec_scores(forecasts).to_dict()
    return {name: float(scored.get(scored_twin(name), 0.0)) for name, _ in catalogue()}


def choice_ranges(table: pd.DataFrame) -> pd.DataFrame:
    """The tornado of choices: for each axis, the central estimate at each of its values with
    every other axis at its default; columns axis, value, estimate, and per axis low/high/span
    (in probability, 0-1), widest span first."""
    rows = []
    for axis, values in CHOICES.items():
        others = np.ones(len(table), dtype=bool)
        for other, default in DEFAULTS.items():
            if other != axis:
                others &= (table[other] == default).to_numpy()
        for value in values:
            match = table[others & (table[axis] == value).to_numpy()]
            rows.append(
                {"axis": axis, "value": value, "estimate": float(match["estimate"].iloc[0])}
            )
    frame = pd.DataFrame(rows)
    spans = frame.groupby("axis")["estimate"].agg(low="min", high="max")
    spans["span"] = spans["high"] - spans["low"]
    frame = frame.join(spans, on="axis")
    return frame.sort_values(["span", "axis"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
