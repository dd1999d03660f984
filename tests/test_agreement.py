"""Inter-coder agreement: Krippendorff's published example and hand-computed two-coder cases."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.data import schema
from analysis.record import codings

NA = math.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
# twelve units, values 1-5, missing values allowed. Published: nominal 0.743, ordinal 0.815.
TEXTBOOK = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]


def test_textbook_example_gives_the_published_alphas() -> None:
    assert codings.alpha(TEXTBOOK, "nominal", range(1, 6)) == pytest.approx(0.743, abs=5e-4)
    assert codings.alpha(TEXTBOOK, "ordinal", range(1, 6)) == pytest.approx(0.815, abs=5e-4)


def test_two_coders_nominal_by_hand() -> None:
    # Values 0 x3, 1 x5 (n = 8); one disagreeing unit gives o_01 = o_10 = 1.
    # alpha = 1 - (n - 1) * 2 / (2 * 3 * 5) = 1 - 14/30.
    assert codings.alpha([[0, 0, 1, 1], [0, 1, 1, 1]], "nominal", [0, 1]) == pytest.approx(16 / 30)


def test_two_coders_ordinal_by_hand() -> None:
    # n_0 = 2, n_1 = 2, n_2 = 4 (n = 8). Ordinal distances: d01 = 4, d12 = 9, d02 = 25.
    # Observed: o_12 = o_21 = 2, D_o = 2 * 2 * 9 / 8 = 4.5.
    # Expected: D_e = 2 (4*4 + 8*25 + 8*9) / 56 = 576 / 56. alpha = 1 - 4.5 * 56 / 576 = 9/16.
    assert codings.alpha([[0, 1, 2, 2], [0, 2, 2, 1]], "ordinal", [0, 1, 2]) == pytest.approx(
        9 / 16
    )


def test_unknown_level_of_measurement_is_refused() -> None:
    with pytest.raises(ValueError, match="nominal or ordinal"):
        codings.alpha([[0, 1], [0, 1]], "interval", [0, 1])


def _coded(rows: list[tuple]) -> pd.DataFrame:
    columns = ["case_id", "onset", "pressure_level", "tension_level", "tension_decision_level"]
    return pd.DataFrame(rows, columns=columns)


# Pressure carries the ordinal hand example (9/16); tension the nominal-shaped one read as
# ordinal on 0-2, so a swap of the two columns changes both answers.
FIRST = _coded(
    [
        ("2001_a", "raid", 0, 0, "0"),
        ("2002_b", "raid", 1, 0, "1"),
        ("2003_c", "police_check", 2, 1, ""),
        ("2004_d", "border_arrest", 2, 1, "2"),
    ]
)
SECOND = _coded(
    [
        ("2004_d", "border_arrest", 1, 1, "2"),
        ("2003_c", "unknown", 2, 1, "1"),
        ("2002_b", "raid", 2, 1, "1"),
        ("2001_a", "raid", 0, 0, "0"),
    ]
)


def test_variable_agreement_pairs_cases_by_id() -> None:
    pressure = codings.variable_agreement(FIRST, SECOND, "pressure_level")
    assert pressure.alpha == pytest.approx(9 / 16)
    assert pressure.exact == pytest.approx(0.5)
    assert pressure.cases_coded == 4
    assert not pressure.meets_goal
    assert pressure.confusion.loc["1", "2"] == 1
    assert pressure.confusion.loc["2", "1"] == 1
    assert int(pressure.confusion.to_numpy().sum()) == 4
    # tension: 0,0,1,1 against 0,1,1,1 on the domain 0-2 (no 2s): with two values the ordinal
    # distance is a constant, so alpha is the nominal 16/30.
    tension = codings.variable_agreement(FIRST, SECOND, "tension_level")
    assert tension.alpha == pytest.approx(16 / 30)
    assert tension.exact == pytest.approx(0.75)


def test_a_case_only_one_coder_coded_does_not_count() -> None:
    decision = codings.variable_agreement(FIRST, SECOND, "tension_decision_level")
    assert decision.cases_coded == 3
    assert decision.exact == pytest.approx(1.0)
    assert decision.alpha == pytest.approx(1.0)


def test_onset_is_nominal_over_the_whole_vocabulary() -> None:
    onset = codings.variable_agreement(FIRST, SECOND, "onset")
    assert onset.level == "nominal"
    assert onset.exact == pytest.approx(0.75)
    assert list(onset.confusion.index) == list(schema.ONSETS)
    assert onset.confusion.loc["police_check", "unknown"] == 1


def test_table_and_sentence_name_the_variable_below_the_goal() -> None:
    table = codings.agreement_table(FIRST, SECOND)
    assert list(table["variable"]) == list(codings.CODED_COLUMNS)
    below = table.loc[~table["meets_goal"], "variable"].tolist()
    assert below == ["onset", "pressure_level", "tension_level"]
    sentence = codings.describe_agreement(table)
    assert "pressure_level (alpha 0.56)" in sentence
    assert "tension_decision_level 1.00" in sentence


def test_second_coder_cases_swap_only_the_coded_columns() -> None:
    cases = FIRST.assign(outcome=["returned", "unknown", "returned", "mixed"])
    cases["onset"] = pd.Categorical(cases["onset"], categories=list(schema.ONSETS))
    swapped = codings.second_coder_cases(cases, SECOND)
    assert list(swapped["pressure_level"]) == [0, 2, 2, 1]
    assert list(swapped["onset"].astype(str)) == ["raid", "raid", "unknown", "border_arrest"]
    assert list(swapped["tension_decision_level"]) == ["0", "1", "1", "2"]
    assert list(swapped["outcome"]) == list(cases["outcome"])
    assert swapped["pressure_level"].dtype == cases["pressure_level"].dtype
    assert list(cases["pressure_level"]) == [0, 1, 2, 2]


def test_a_case_without_a_second_coding_keeps_the_first_and_is_left_out_of_alpha() -> None:
    # A new case the blind coder has not seen yet (2005_e): the second coder's table has no row.
    cases = pd.concat([FIRST, _coded([("2005_e", "raid", 2, 2, "2")])], ignore_index=True)
    cases["onset"] = pd.Categorical(cases["onset"], categories=list(schema.ONSETS))
    swapped = codings.second_coder_cases(cases, SECOND)
    assert list(swapped["pressure_level"]) == [0, 2, 2, 1, 2]
    assert list(swapped["tension_level"]) == [0, 1, 1, 1, 2]
    assert list(swapped["onset"].astype(str))[-1] == "raid"
    assert list(swapped["tension_decision_level"])[-1] == "2"
    # Agreement counts only the cases both coded: the same as without the new case.
    pressure = codings.variable_agreement(cases, SECOND, "pressure_level")
    assert pressure.cases_coded == 4
    assert pressure.alpha == pytest.approx(9 / 16)
