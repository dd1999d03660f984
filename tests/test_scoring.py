"""Scores, Murphy's decomposition, reliability data and the bootstrap verdict, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.engine.scoring import (
    HINDSIGHT_LABEL,
    HINDSIGHT_SHORT,
    MURPHY_COLUMNS,
    RELIABILITY_EDGES,
    almost_always_return,
    bootstrap_gap,
    brier_score,
    calibration_verdict,
    formulation_forecasts,
    log_score,
    murphy_decomposition,
    murphy_table,
    rank_verdict,
    reliability_diagram,
    reliability_table,
    variant_forecasts,
    verdict_sentence,
)

# Four forecasts of release and what happened (1 released).
FORECASTS = [0.9, 0.2, 0.6, 0.5]
OUTCOMES = [1, 0, 0, 1]


def test_brier_by_hand() -> None:
    # (0.1^2 + 0.2^2 + 0.6^2 + 0.5^2) / 4 = (0.01 + 0.04 + 0.36 + 0.25) / 4
    assert brier_score(FORECASTS, OUTCOMES) == pytest.approx(0.165, abs=1e-15)


def test_log_score_by_hand_and_its_sign() -> None:
    # Natural log of the probability given to what happened: 0.9, 0.8, 0.4, 0.5.
    expected = (math.log(0.9) + math.log(0.8) + math.log(0.4) + math.log(0.5)) / 4
    assert log_score(FORECASTS, OUTCOMES) == pytest.approx(expected, abs=1e-15)
    assert log_score([0.5, 0.5], [0, 1]) == pytest.approx(math.log(0.5))
    assert log_score([1.0], [0]) == -math.inf


def test_forecasts_and_outcomes_are_not_swappable() -> None:
    with pytest.raises(ValueError, match="outcomes must be 0 or 1"):
        brier_score(OUTCOMES, FORECASTS)
    with pytest.raises(ValueError, match="forecasts must be probabilities"):
        log_score([1.2], [1])
    with pytest.raises(ValueError, match="as many forecasts as outcomes"):
        brier_score([0.5], [0, 1])


# Two bins, each holding one forecast value, so the decomposition is exact:
# bin 0.2: 4 cases, 1 release; bin 0.7: 5 cases, 3 releases; overall 4 of 9.
BINNED_F = [0.2] * 4 + [0.7] * 5
BINNED_Y = [1, 0, 0, 0, 1, 1, 1, 0, 0]
EDGES = [0.0, 0.5, 1.0]


def test_murphy_decomposition_by_hand() -> None:
    parts = murphy_decomposition(BINNED_F, BINNED_Y, EDGES)
    reliability = (4 * (0.2 - 1 / 4) ** 2 + 5 * (0.7 - 3 / 5) ** 2) / 9
    resolution = (4 * (1 / 4 - 4 / 9) ** 2 + 5 * (3 / 5 - 4 / 9) ** 2) / 9
    uncertainty = 4 / 9 * 5 / 9
    # Brier directly: bin 0.2 has 0.8^2 + 3 * 0.2^2, bin 0.7 has 3 * 0.3^2 + 2 * 0.7^2.
    brier = (0.64 + 0.12 + 0.27 + 0.98) / 9
    assert parts.reliability == pytest.approx(reliability, abs=1e-15)
    assert parts.resolution == pytest.approx(resolution, abs=1e-15)
    assert parts.uncertainty == pytest.approx(uncertainty, abs=1e-15)
    assert parts.brier == pytest.approx(brier, abs=1e-15)
    assert parts.reliability - parts.resolution + parts.uncertainty == pytest.approx(brier)
    assert parts.within_bin == pytest.approx(0.0, abs=1e-15)


def test_murphy_remainder_when_a_bin_mixes_forecasts() -> None:
    # One bin holding 0.1 and 0.3 (outcomes 0, 0): Brier (0.01 + 0.09) / 2 = 0.05, but the bin
    # mean 0.2 gives reliability 0.04 and no resolution or uncertainty; 0.01 is left over.
    parts = murphy_decomposition([0.1, 0.3], [0, 0], [0.0, 1.0])
    assert (parts.brier, parts.reliability, parts.resolution, parts.uncertainty) == pytest.approx(
        (0.05, 0.04, 0.0, 0.0)
    )
    assert parts.within_bin == pytest.approx(0.01)


def test_reliability_diagram_rows_and_intervals() -> None:
    table = reliability_diagram(BINNED_F, BINNED_Y, [0.0, 0.5, 0.8, 1.0], method="exact")
    assert table["cases"].tolist() == [4, 5, 0]
    assert table["events"].tolist() == [1, 3, 0]
    assert table["observed"].tolist()[:2] == pytest.approx([0.25, 0.6])
    assert table["mean_forecast"].tolist()[:2] == pytest.approx([0.2, 0.7])
    assert table["bin"].tolist() == ["0.00-0.50", "0.50-0.80", "0.80-1.00"]
    # Empty bin: nothing to show, never an invented interval.
    assert table.iloc[2][["mean_forecast", "observed", "low", "high"]].isna().all()
    # Clopper-Pearson for 1 of 4 at 80%: the lower end is Beta(1, 4)'s 10% quantile,
    # 1 - 0.9^(1/4).
    assert table["low"].iloc[0] == pytest.approx(1 - 0.9 ** (1 / 4), abs=1e-12)
    for row in table.iloc[:2].itertuples():
        assert 0.0 <= row.low < row.observed < row.high <= 1.0


def test_forecast_of_one_is_in_the_last_bin() -> None:
    table = reliability_diagram([1.0, 0.0], [1, 0], EDGES)
    assert table["cases"].tolist() == [1, 1]


def test_paired_bootstrap_of_two_cases_by_enumeration() -> None:
    # Two cases, per-case Brier differences d1 = 0.25 - 0.01 = 0.24 (variant worse) and
    # d2 = 0.04 - 0.25 = -0.21. A resample's mean is d1 (1/4), (d1 + d2)/2 (1/2) or d2 (1/4),
    # so the 10% and 90% quantiles are d2 and d1 exactly.
    gap = bootstrap_gap([0.5, 0.2], [0.9, 0.5], [1, 0])
    assert gap.gap == pytest.approx((0.24 - 0.21) / 2)
    assert (gap.low, gap.high) == pytest.approx((-0.21, 0.24))
    assert rank_verdict(gap) == "cannot tell"


def test_paired_bootstrap_uses_the_same_cases_for_both() -> None:
    # Every case's Brier difference is 0.05 (v^2 - r^2 with outcome 0), so a paired bootstrap
    # has no spread at all; an unpaired one would.
    reference = np.array([0.1, 0.3, 0.5])
    variant = np.sqrt(reference**2 + 0.05)
    gap = bootstrap_gap(variant, reference, [0, 0, 0], draws=200)
    assert (gap.gap, gap.low, gap.high) == pytest.approx((0.05, 0.05, 0.05))
    assert rank_verdict(gap) == "reference better"


def test_bootstrap_is_reproducible_by_seed() -> None:
    f = [0.9, 0.2, 0.6, 0.5, 0.3, 0.1]
    y = [1, 0, 0, 1, 0, 0]
    base = [0.3] * 6
    first, again = bootstrap_gap(f, base, y, seed=5), bootstrap_gap(f, base, y, seed=5)
    assert (first.low, first.high) == (again.low, again.high)
    other = bootstrap_gap(f, base, y, seed=6)
    assert (first.low, first.high) != (other.low, other.high)


def test_verdict_reads_the_direction_of_each_score() -> None:
    # The variant is right and confident on every case; the reference always says 50%.
    y = [1, 0, 1, 0, 0]
    variant = [0.9, 0.1, 0.9, 0.1, 0.1]
    brier = bootstrap_gap(variant, [0.5] * 5, y, score="brier")
    log = bootstrap_gap(variant, [0.5] * 5, y, score="log")
    assert brier.high < 0 < log.low
    assert rank_verdict(brier) == rank_verdict(log) == "variant better"
    assert verdict_sentence(brier, "fitted", "base rate").startswith(
        "On the outcomes on record fitted scores better than base rate (brier score gap -0."
    )
    same = bootstrap_gap(variant, variant, y)
    assert verdict_sentence(same, "fitted", "base rate").startswith(
        "The 5 outcomes on record cannot tell fitted from base rate"
    )


def test_log_gap_undefined_when_both_are_certain_and_wrong() -> None:
    with pytest.raises(ValueError, match="certain and wrong"):
        bootstrap_gap([1.0, 0.5], [1.0, 0.5], [0, 1], score="log")


def test_hindsight_reference_is_a_labelled_constant() -> None:
    assert almost_always_return(3).tolist() == [0.05, 0.05, 0.05]
    assert "chosen with hindsight" in HINDSIGHT_LABEL
    # On 2 releases in 17 it beats always saying 50%: (2 * 0.95^2 + 15 * 0.05^2) / 17.
    y = [1, 1] + [0] * 15
    assert brier_score(almost_always_return(17), y) == pytest.approx(
        (2 * 0.9025 + 15 * 0.0025) / 17
    )


def test_murphy_table_two_bins_both_outcomes_by_hand() -> None:
    # Variant "a": bin 0.1 holds 0.1, 0.1 (outcomes 0, 1); bin 0.8 holds 0.8, 0.8 (1, 1).
    # Overall share 3/4. Reliability: (2 * (0.1 - 1/2)^2 + 2 * (0.8 - 1)^2) / 4
    #   = (2 * 0.16 + 2 * 0.04) / 4 = 0.1. Resolution: (2 * (1/2 - 3/4)^2 + 2 * (1 - 3/4)^2) / 4
    #   = (2 * 0.0625 + 2 * 0.0625) / 4 = 0.0625. Uncertainty: 3/4 * 1/4 = 0.1875.
    # Brier directly: (0.01 + 0.81 + 0.04 + 0.04) / 4 = 0.225 = 0.1 - 0.0625 + 0.1875.
    # Variant "b" always says 0.5 on the same cases: reliability (0.5 - 3/4)^2 = 0.0625, no
    # resolution, Brier 0.25; a swap of the two variants' rows would show.
    frame = pd.DataFrame(
        {
            "variant": ["a"] * 4 + ["b"] * 4,
            "forecast": [0.1, 0.1, 0.8, 0.8] + [0.5] * 4,
            "y": [0, 1, 1, 1] * 2,
        }
    )
    table = murphy_table(frame, [0.0, 0.5, 1.0]).set_index("variant")
    assert list(table.reset_index().columns) == list(MURPHY_COLUMNS)
    a, b = table.loc["a"], table.loc["b"]
    assert (a["cases"], a["events"]) == (4, 3)
    assert a["reliability"] == pytest.approx(0.1, abs=1e-15)
    assert a["resolution"] == pytest.approx(0.0625, abs=1e-15)
    assert a["uncertainty"] == pytest.approx(0.1875, abs=1e-15)
    assert a["brier"] == pytest.approx(0.225, abs=1e-15)
    assert a["reliability"] - a["resolution"] + a["uncertainty"] == pytest.approx(a["brier"])
    assert a["within_bin"] == pytest.approx(0.0, abs=1e-15)
    assert a["log"] == pytest.approx((math.log(0.9) + math.log(0.1) + 2 * math.log(0.8)) / 4)
    assert (b["reliability"], b["resolution"], b["brier"]) == pytest.approx((0.0625, 0.0, 0.25))


def test_reliability_table_stacks_variants_with_exact_intervals() -> None:
    # Variant "all returns": 0.05, 0.05, 0.15 all 0. Bins of tenths: 2 in the first, 1 in the
    # second. Clopper-Pearson for 0 of n at 80%: (0, 1 - 0.1^(1/n)).
    frame = pd.DataFrame(
        {
            "variant": ["all returns"] * 3 + ["other"] * 2,
            "forecast": [0.05, 0.05, 0.15, 0.95, 0.55],
            "y": [0, 0, 0, 1, 0],
        }
    )
    table = reliability_table(frame)
    assert table.columns[0] == "variant"
    assert table.attrs["method"] == "exact"
    mine = table[table["variant"] == "all returns"]
    assert len(mine) == len(RELIABILITY_EDGES) - 1
    assert mine["cases"].tolist() == [2, 1] + [0] * 8
    assert mine["observed"].iloc[:2].tolist() == [0.0, 0.0]
    assert mine["high"].iloc[0] == pytest.approx(1 - 0.1 ** (1 / 2), abs=1e-12)
    assert mine["high"].iloc[1] == pytest.approx(1 - 0.1 ** (1 / 1), abs=1e-12)
    assert (mine["low"].iloc[:2] == 0.0).all()
    other = table[table["variant"] == "other"].set_index("bin")
    assert other.loc["0.90-1.00", "events"] == 1
    assert other.loc["0.50-0.60", ["cases", "events"]].tolist() == [1, 0]


def test_calibration_verdict_says_when_the_bins_cannot_tell() -> None:
    frame = pd.DataFrame(
        {"variant": ["a", "a", "b", "b"], "forecast": [0.1, 0.3, 0.05, 0.05], "y": [0, 0, 0, 0]}
    )
    sentence = calibration_verdict(murphy_table(frame))
    assert sentence.startswith("With 2 cases and 0 releases (all returns)")
    assert "cannot tell a calibrated variant from a hindsight one" in sentence
    mixed = frame.assign(y=[1, 0, 1, 0])
    assert "2 cases and 1 release the bins" in calibration_verdict(murphy_table(mixed))
    with pytest.raises(ValueError, match="same cases"):
        calibration_verdict(murphy_table(frame.iloc[:3]))


def test_variant_forecasts_name_the_rows_and_add_constants_on_the_same_cases() -> None:
    long = pd.DataFrame(
        {
            "spec_id": ["s2", "s1", "s2", "s1", "s3"],
            "case_id": ["c1", "c1", "c2", "c2", "c1"],
            "forecast": [0.4, 0.1, 0.6, 0.2, 0.9],
            "y": [0, 0, 1, 1, 0],
        }
    )
    table = variant_forecasts(long, {"s1": "first", "s2": "second"}, {"flat": 0.05})
    assert table["variant"].tolist() == ["first"] * 2 + ["second"] * 2 + ["flat"] * 2
    assert table["forecast"].tolist() == [0.1, 0.2, 0.4, 0.6, 0.05, 0.05]
    assert table["case_id"].tolist() == ["c1", "c2"] * 3
    assert table["y"].tolist() == [0, 1] * 3


def test_formulation_forecasts_name_each_formulation_at_the_defaults() -> None:
    from analysis.engine import specifications

    def spec(formulation: str, **other: str) -> str:
        return specifications.spec_id(
            {**specifications.DEFAULTS, "formulation": formulation, **other}
        )

    long = pd.DataFrame(
        {
            "spec_id": [spec("base_only"), spec("expert"), spec("expert", prior="jeffreys")],
            "case_id": ["c1"] * 3,
            "forecast": [0.1, 0.3, 0.7],
            "y": [0, 0, 0],
        }
    )
    table = formulation_forecasts(long)
    # The Jeffreys-prior row is not at the defaults: it stays out.
    assert table["variant"].tolist() == ["base only", "expert", HINDSIGHT_SHORT]
    assert table["forecast"].tolist() == [0.1, 0.3, 0.05]


def test_formulation_gaps_compare_each_formulation_with_the_base_rate_by_hand() -> None:
    from analysis.engine import specifications
    from analysis.engine.scoring import formulation_gaps

    def spec(formulation: str) -> str:
        return specifications.spec_id({**specifications.DEFAULTS, "formulation": formulation})

    rows = [
        (spec("base_only"), "a", 0.2, 0.0),
        (spec("base_only"), "b", 0.2, 1.0),
        (spec("expert"), "a", 0.5, 0.0),
        (spec("expert"), "b", 0.6, 1.0),
        (spec("ridge"), "a", 0.1, 0.0),
    ]
    forecasts = pd.DataFrame(rows, columns=["spec_id", "case_id", "forecast", "y"])
    gaps = formulation_gaps(forecasts)
    # Expert against base: case a log(0.5) - log(0.8), case b log(0.6) - log(0.2).
    expected = ((math.log(0.5) - math.log(0.8)) + (math.log(0.6) - math.log(0.2))) / 2
    assert gaps["expert"].gap == pytest.approx(expected)
    assert gaps["expert"].n == 2
    assert set(gaps) == {"expert"}  # ridge has one case only; centred and pooled none


def test_cases_to_tell_apart_by_hand() -> None:
    from analysis.engine.scoring import cases_to_tell_apart

    # KL(0.5 || 0.25) = 0.5 ln 2 + 0.5 ln(2/3) = 0.143841; ln 10 / 0.143841 = 16.008 -> 17
    # cases, of which 17 * 0.5 = 8.5 -> 9 releases.
    assert cases_to_tell_apart([0.5, 0.5], [0.25, 0.25]) == (17, 9)
    assert cases_to_tell_apart([0.2, 0.3], [0.2, 0.3]) == (0, 0)


def test_the_record_sentence_calls_a_one_outcome_score_an_identity() -> None:
    from analysis.engine.scoring import record_test_sentence

    text = record_test_sentence([0.5, 0.5], [0.25, 0.25], [0, 0])
    assert "true by construction" in text and "cannot test the article's thesis" in text
    assert "about 17 scored cases" in text and "about 9 of them releases" in text
    assert "+0.25 on average" in text
    both = record_test_sentence([0.5, 0.5], [0.25, 0.25], [0, 1])
    assert "true by construction" not in both
