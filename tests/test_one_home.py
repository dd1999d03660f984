"""Each idea has one home and every caller goes through it: change the home and every output
that rests on it moves together. The expected values are hand computations on the fixture."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.engine import headline, specifications, whatif
from analysis.record import aggregates, classes, history

SHIFT = 1.0  # log-odds added by the altered formula


def _shifted_log_odds(original):
    def altered(base_log_odds, pressure, tension, w_pressure, w_tension):
        return original(base_log_odds, pressure, tension, w_pressure, w_tension) + SHIFT

    return altered


def _outputs(dataset) -> dict[str, object]:
    detail = headline.headline_detail(dataset, "fixture_case")
    view = whatif.question_whatif(dataset, "fixture_case", draws=2_000)
    what_if, _ = whatif.whatif_at(dataset, 0.6, 0.3, "2017-04-24", draws=2_000)
    return {
        "headline": detail.headline.p_release,
        "what_if": what_if.p_release,
        "scenarios": view.scenario_table.set_index("scenario_id")["p_release"],
        "signposts": [s.shift for s in detail.headline.signposts if s.shift is not None],
    }


def test_the_formulas_one_definition_moves_headline_what_if_scenarios_and_signposts(
    fixture_data, monkeypatch
) -> None:
    monkeypatch.setenv("ANALYSIS_CACHE", "off")  # the store would replay the old formula
    before = _outputs(fixture_data)
    monkeypatch.setattr(specifications, "log_odds", _shifted_log_odds(specifications.log_odds))
    after = _outputs(fixture_data)

    def moved(p: float) -> float:  # the closed form of a +1 shift in log-odds
        return 1.0 / (1.0 + math.exp(-(math.log(p / (1.0 - p)) + SHIFT)))

    # The what-if and the scenario table are the formula at the weights' means: exactly moved.
    assert after["what_if"] == pytest.approx(moved(before["what_if"]), rel=1e-12)
    expected = before["scenarios"].map(moved)
    pd.testing.assert_series_equal(after["scenarios"], expected, rtol=1e-12)
    # The headline mixes formulations (the base rate alone does not use the formula), so it
    # rises, but by less than the shift would move a single forecast.
    assert before["headline"] < after["headline"] < moved(before["headline"])
    # Signposts move the expert specification through the same formula: every shift changes.
    assert len(after["signposts"]) == len(before["signposts"]) > 0
    assert all(a != b for a, b in zip(after["signposts"], before["signposts"], strict=True))


def test_the_class_routes_one_definition_moves_every_count_of_the_class(monkeypatch) -> None:
    cases = pd.DataFrame(
        {
            "case_id": ["a", "b", "c", "d", "e"],
            "onset": ["police_check", "border_crossing", "foreign_mission_entry", "unknown", "x"],
            "decided_by": ["china", "china", "china", "china", "laos"],
            "part_of": ["", "", "", "", ""],
            "outcome": ["returned"] * 5,
            "outcome_latest": pd.to_datetime(["2010-01-01"] * 5),
        }
    )
    columns = {"onset": cases["onset"].to_numpy(), "decided_by": cases["decided_by"].to_numpy()}

    def members() -> tuple[list[str], ...]:
        return (
            sorted(history.detentions_in_china(cases)["case_id"]),
            sorted(aggregates.counted_cases(cases)["case_id"]),
            sorted(cases.loc[specifications.class_mask(columns, "china_decided"), "case_id"]),
        )

    # By hand: China's arrests are every China-decided case but the mission entry.
    assert members() == (["a", "b", "d"],) * 3
    # A border crossing declared not an arrest leaves all three counts at once.
    monkeypatch.setattr(
        classes, "NOT_DETENTION_ONSETS", (*classes.NOT_DETENTION_ONSETS, "border_crossing")
    )
    assert members() == (["a", "d"],) * 3


def test_a_second_coder_specification_is_scored_on_the_second_coders_forecasts(
    fixture_data,
) -> None:
    # The one case scored by 24 April 2017 is the 2012 road check (returned). The first coder
    # codes it pressure 1, tension 1 of 2; the second 2 and 1, and reads the 2002 mission entry
    # (released, before 2012) as of unknown onset, so under the second coding it is an arrest
    # the 2012 forecast learns from. Expert formulation, uniform prior, weights 1.0 and 0.8:
    #   first:  log-odds log(1/1) + 1.0 * 0.5 + 0.8 * 0.5 = 0.9
    #   second: log-odds log(2/1) + 1.0 * 1.0 + 0.8 * 0.5 = log 2 + 1.4
    forecasts = specifications.in_time_forecasts(fixture_data, "2017-04-24")
    expected = {"first": 0.9, "second": math.log(2.0) + 1.4}
    for coder, log_odds in expected.items():
        spec = specifications.spec_id(
            {**specifications.DEFAULTS, "formulation": "expert", "coder": coder}
        )
        row = forecasts[forecasts["spec_id"] == spec]
        assert row["case_id"].tolist() == ["2012_fixture_check"]
        assert row["forecast"].iloc[0] == pytest.approx(1.0 / (1.0 + math.exp(-log_odds)))
    # And the score of each is the log of its own forecast of a return.
    scores = specifications.spec_scores(forecasts)
    for coder, log_odds in expected.items():
        spec = specifications.spec_id(
            {**specifications.DEFAULTS, "formulation": "expert", "coder": coder}
        )
        assert scores[spec] == pytest.approx(math.log(1.0 - 1.0 / (1.0 + math.exp(-log_odds))))


def test_the_headline_sentence_puts_the_interval_and_the_specifications_range_in_place() -> None:
    stated = headline.Headline(
        question="Q?",
        as_of="2017-04-24",
        p_release=0.13,
        low=0.01,
        high=0.31,
        spec_low=0.05,
        spec_high=0.26,
        n_specifications=80,
        rule="equal",
        base_cases=10,
        base_releases=0,
        reference_class="detentions in China",
        backtest_verdict="",
        outcome_status="",
        effective_specifications=80.0,
    )
    text = headline.sentence(stated)
    assert "P(release) = 0.13 (80% interval 0.01-0.31)" in text
    assert "weighted 1-99% range of central estimates 0.05-0.26" in text
    assert "0.05-0.26)" not in text.split("specifications of the question")[0]


def test_the_headlines_interval_is_the_mixtures_and_its_range_the_specifications(
    fixture_data, monkeypatch
) -> None:
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    detail = headline.headline_detail(fixture_data, "fixture_case")
    stated, pooled = detail.headline, detail.table[detail.table["in_headline"]]
    estimates = np.sort(pooled["estimate"].to_numpy())
    # Equal weights: the range lies within the central estimates' own min and max, and the
    # interval (parameter uncertainty as well) is wider than that range on both sides.
    assert estimates[0] <= stated.spec_low <= stated.spec_high <= estimates[-1]
    assert stated.low < stated.spec_low and stated.spec_high < stated.high
