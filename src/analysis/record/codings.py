"""Inter-coder agreement between cases.csv (first coder) and second_coding.csv (blind second coder).

Krippendorff's alpha from the ``krippendorff`` package: ordinal for the 0-2 levels (pressure,
tension at detention, tension at the decision), nominal for onset. alpha is 1 for perfect
agreement, 0 for agreement no better than chance, negative below chance; the project's goal is
``ALPHA_GOAL`` (0.67, Krippendorff's lowest level for tentative conclusions). Exact agreement is
the share of cases both coders coded with the same value, in [0, 1]. Numbers only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import pandas as pd

from analysis.data.schema import ONSETS

ALPHA_GOAL = 0.67
LEVELS = (0, 1, 2)
# (variable, level of measurement, value domain in order). The domain is given in full so that
# the ordinal distances and the confusion tables do not depend on which levels happen to occur.
VARIABLES: tuple[tuple[str, str, tuple], ...] = (
    ("onset", "nominal", ONSETS),
    ("pressure_level", "ordinal", LEVELS),
    ("tension_level", "ordinal", LEVELS),
    ("tension_decision_level", "ordinal", LEVELS),
)
CODED_COLUMNS = tuple(variable for variable, _, _ in VARIABLES)


def alpha(reliability: Sequence[Sequence[float]], level: str, domain: Sequence[float]) -> float:
    """Krippendorff's alpha of a coders x units matrix (NaN where a coder gave no value).

    ``level`` is "nominal" or "ordinal"; ``domain`` the possible values, in order for ordinal.
    Units coded by fewer than two coders do not count (they cannot be paired).
    """
    if level not in ("nominal", "ordinal"):
        raise ValueError(f"level must be nominal or ordinal (got {level!r})")
    return float(
        krippendorff.alpha(
            reliability_data=np.asarray(reliability, dtype=float),
            value_domain=list(domain),
            level_of_measurement=level,
        )
    )


def _codes(values: pd.Series, domain: Sequence) -> pd.Series:
    """Each value's position in ``domain`` (a float, NaN where empty): the package needs numbers."""
    position = {str(value): float(index) for index, value in enumerate(domain)}
    return values.astype(object).map(lambda value: position.get(str(value), np.nan))


def paired_codes(cases: pd.DataFrame, second: pd.DataFrame, variable: str) -> pd.DataFrame:
    """One row per case of ``cases``: case_id, ``first`` and ``second`` coder's value (as text,
    None where that coder left it empty, as both do for a decision not on record)."""
    second_values = second.set_index("case_id")[variable].astype(object)

    def text(value: object) -> str | None:
        return None if pd.isna(value) or str(value) == "" else str(value)

    return pd.DataFrame(
        {
            "case_id": cases["case_id"].to_numpy(),
            "first": [text(v) for v in cases[variable].astype(object)],
            "second": [text(second_values.get(c)) for c in cases["case_id"]],
        }
    )


@dataclass(frozen=True)
class Agreement:
    """Agreement on one variable: alpha, exact agreement in [0, 1], the cases both coded, and
    the confusion table (first coder's values as rows, second's as columns, counts of cases)."""

    variable: str
    level: str
    alpha: float
    exact: float
    cases_coded: int
    confusion: pd.DataFrame

    @property
    def meets_goal(self) -> bool:
        """True when alpha reaches ALPHA_GOAL."""
        return self.alpha >= ALPHA_GOAL


def variable_agreement(cases: pd.DataFrame, second: pd.DataFrame, variable: str) -> Agreement:
    """Agreement of the two coders on ``variable`` (one of CODED_COLUMNS)."""
    level, domain = next((lv, dom) for name, lv, dom in VARIABLES if name == variable)
    pairs = paired_codes(cases, second, variable)
    first, other = _codes(pairs["first"], domain), _codes(pairs["second"], domain)
    both = first.notna() & other.notna()
    labels = [str(value) for value in domain]
    confusion = pd.crosstab(
        pd.Categorical(pairs.loc[both, "first"], categories=labels),
        pd.Categorical(pairs.loc[both, "second"], categories=labels),
        rownames=["first coder"],
        colnames=["second coder"],
        dropna=False,
    )
    return Agreement(
        variable=variable,
        level=level,
        alpha=alpha([first.to_numpy(), other.to_numpy()], level, range(len(domain))),
        exact=float((first[both] == other[both]).mean()) if both.any() else float("nan"),
        cases_coded=int(both.sum()),
        confusion=confusion,
    )


def agreement_table(cases: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """One row per coded variable: level of measurement, alpha, exact agreement (share in
    [0, 1]), cases both coders coded, and whether alpha reaches ALPHA_GOAL."""
    rows = []
    for variable in CODED_COLUMNS:
        result = variable_agreement(cases, second, variable)
        rows.append(
            {
                "variable": variable,
                "level": result.level,
                "alpha": result.alpha,
                "exact_agreement": result.exact,
                "cases_coded": result.cases_coded,
                "meets_goal": result.meets_goal,
            }
        )
    return pd.DataFrame(rows)


def describe_agreement(table: pd.DataFrame) -> str:
    """agreement_table in one sentence: the variables below the goal, with their alpha."""
    short = table[~table["meets_goal"]]
    met = ", ".join(f"{r.variable} {r.alpha:.2f}" for r in table[table["meets_goal"]].itertuples())
    if short.empty:
        return f"Every variable reaches the goal of alpha {ALPHA_GOAL:.2f} ({met})."
    below = ", ".join(f"{r.variable} (alpha {r.alpha:.2f})" for r in short.itertuples())
    return f"Below the goal of alpha {ALPHA_GOAL:.2f}: {below}. At or above it: {met}."


def second_coder_cases(cases: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``cases`` with the second coder's onset, pressure and tension levels in place
    of the first coder's, so that any count or model can run on either coding. Outcomes, dates
    and every other column stay the first table's (the second coder never saw outcomes). A case
    the second coder has not coded (no row) keeps the first coder's values, as the multiverse does.
    """
    frame = cases.copy()
    others = second.set_index("case_id").reindex(frame["case_id"])
    coded = others.index.isin(second["case_id"]).astype(bool)
    for column in CODED_COLUMNS:
        values = np.where(
            coded, others[column].to_numpy(dtype=object), frame[column].to_numpy(dtype=object)
        )
        if isinstance(frame[column].dtype, pd.CategoricalDtype):
            values = pd.Categorical(values, categories=frame[column].cat.categories)
        elif frame[column].dtype.kind in "iu":
            values = values.astype(frame[column].dtype)
        frame[column] = values
    return frame


def agreement_by_rule(cases: pd.DataFrame, codings: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """agreement_table of the first coding with each of ``codings`` (rule name: a table with
    second_coding's columns, such as the blind second coding and the as-of one), side by side:
    one row per variable, an ``alpha`` and a ``cases_coded`` column per rule."""
    columns = []
    for rule, coding in codings.items():
        table = agreement_table(cases, coding).set_index(["variable", "level"])
        columns += [
            table["alpha"].rename(f"alpha {rule}"),
            table["cases_coded"].rename(f"cases {rule}"),
        ]
    return pd.concat(columns, axis=1).reset_index()
