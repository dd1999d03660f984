"""Fitted weights and the backtest: the ridge fit, forecasts from known cases only, scores."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import backtest, model
from analysis.outcomes import RELEASE
from tests.model_helpers import by_hand, round_model


def penalised_log_likelihood(beta: np.ndarray, x: np.ndarray, y: np.ndarray, l2: float) -> float:
    eta = beta[0] + x @ beta[1:]
    return float(np.sum(y * eta - np.log1p(np.exp(eta))) - l2 / 2 * np.sum(beta[1:] ** 2))


def test_fit_logistic_finds_the_maximum_of_the_penalised_likelihood() -> None:
    x = np.array([[0, 0], [0, 0.5], [0.5, 1], [1, 0.5], [1, 1], [0.5, 0], [1, 0], [0, 1]])
    y = np.array([0, 0, 1, 1, 1, 0, 0, 1], dtype=float)
    beta, se, iterations = backtest.fit_logistic(x, y, l2=1.0)
    assert iterations < 20
    best = penalised_log_likelihood(beta, x, y, 1.0)
    for i in range(3):  # every small step away lowers the objective
        for step in (-1e-3, 1e-3):
            moved = beta.copy()
            moved[i] += step
            assert penalised_log_likelihood(moved, x, y, 1.0) < best
    assert np.all(se > 0)


def test_a_heavy_penalty_shrinks_the_weights_to_zero() -> None:
    x = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([0.0, 1.0, 1.0, 1.0])
    beta, _, _ = backtest.fit_logistic(x, y, l2=1e8)
    assert abs(beta[1]) < 1e-6 and abs(beta[2]) < 1e-6
    assert beta[0] == pytest.approx(math.log(3))  # the intercept alone: logit(3/4)


def test_separable_cases_still_give_finite_weights() -> None:
    x = np.array([[0.0, 0.0], [0.0, 0.5], [1.0, 0.5], [1.0, 1.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    beta, _, _ = backtest.fit_logistic(x, y, l2=1.0)
    assert np.all(np.isfinite(beta)) and beta[1] > 0


def case_frame(rows: list[tuple]) -> pd.DataFrame:
    """A cases frame from (case_id, outcome, pressure_level, tension_level, ...) tuples."""
    return pd.DataFrame(
        {
            "case_id": [r[0] for r in rows],
            "title": [r[0] for r in rows],
            "outcome": pd.Categorical([r[1] for r in rows]),
            "pressure_level": [r[2] for r in rows],
            "tension_level": [r[3] for r in rows],
            "decided_by": "china",
            "part_of": "",
        }
    )


def synthetic_cases() -> pd.DataFrame:
    rows = [
        ("2001_a", RELEASE, 2, 0), ("2002_b", RELEASE, 2, 1), ("2003_c", "returned", 0, 1),
        ("2004_d", "returned", 1, 2), ("2005_e", "returned", 0, 0), ("2006_f", "unknown", 1, 1),
        ("2007_g", "mixed", 1, 1),
    ]  # fmt: skip
    return case_frame(rows)


def test_backtest_leaves_each_case_out_of_its_own_forecast() -> None:
    results = backtest.backtest(synthetic_cases(), round_model(wp=1.0, wt=0.5)).set_index("case_id")
    assert list(results.index) == ["2001_a", "2002_b", "2003_c", "2004_d", "2005_e"]
    # Without 2001_a: 1 release, 3 returns -> Beta(2, 4), mean 1/3.
    assert results.loc["2001_a", "base_only"] == pytest.approx(1 / 3)
    # Without 2003_c: 2 releases, 2 returns -> Beta(3, 3), mean 1/2.
    assert results.loc["2003_c", "base_only"] == pytest.approx(0.5)
    assert results.loc["2001_a", "expert"] == pytest.approx(by_hand(1 / 3, 1.0, 0.0, 1.0, 0.5))
    # Centred on the other four's mean levels: pressure (2+0+1+0)/4/2 = 0.375, tension
    # (1+1+2+0)/4/2 = 0.5.
    assert results.loc["2001_a", "expert_centred"] == pytest.approx(
        by_hand(1 / 3, 1.0 - 0.375, 0.0 - 0.5, 1.0, 0.5)
    )
    assert results["fitted"].between(0, 1).all()


def test_backtest_and_fit_on_the_model_class_ignore_foreign_mission_cases() -> None:
    cases = synthetic_cases().assign(onset="police_check")
    mission = pd.DataFrame(
        {
            "case_id": ["2002_m"], "title": ["2002_m"], "outcome": [RELEASE],
            "pressure_level": [2], "tension_level": [0], "onset": ["foreign_mission_entry"],
            "decided_by": ["china"], "part_of": [""],
        }
    )  # fmt: skip
    both = pd.concat([cases.astype({"outcome": str}), mission], ignore_index=True)
    results = backtest.backtest(model.model_cases(both), round_model()).set_index("case_id")
    assert "2002_m" not in results.index
    # Without 2003_c the class has 2 releases and 2 returns: Beta(3, 3), mean 1/2 (with the
    # mission release it would be Beta(4, 3), 4/7).
    assert results.loc["2003_c", "base_only"] == pytest.approx(0.5)
    fitted = backtest.fit_weights(model.model_cases(both))
    assert (fitted.n, fitted.released) == (5, 2)


def dated_cases() -> pd.DataFrame:
    """Cases with dates, for the time-ordered backtest (detained, outcome window's last day)."""
    rows = [
        # case_id, outcome, pressure, tension, detained, outcome_date, outcome_latest
        ("2000_e", RELEASE, 0, 0, "2000-06-01", "2003-12-01", "2004-01-01"),  # resolved last
        ("2001_a", "returned", 0, 0, "2001-01-01", "2001-02-01", "2001-02-10"),
        ("2001_b", RELEASE, 2, 0, "2001-02-05", "2001-03-01", "2001-03-01"),
        ("2001_f", "unknown", 2, 2, "2001-06-01", None, None),
        ("2001_g", "mixed", 2, 2, "2001-07-01", "2001-12-01", "2001-12-01"),
        ("2002_c", "returned", 1, 2, "2002-01-01", "2002-01-20", "2002-01-20"),
        ("2003_d", "returned", 0, 1, None, "2003-05-01", "2003-05-01"),  # no detention date
    ]

    def day(column: int) -> pd.Series:
        return pd.to_datetime(pd.Series([r[column] for r in rows])).astype("datetime64[s]")

    return case_frame(rows).assign(detained_date=day(4), outcome_date=day(5), outcome_latest=day(6))


def test_the_time_ordered_backtest_never_uses_a_later_case() -> None:
    wp, wt = 1.0, 0.5
    results = backtest.backtest_in_time(dated_cases(), round_model(wp=wp, wt=wt)).set_index(
        "case_id"
    )
    # In order of the day each case would have been forecast; 2003_d has no detention date, so
    # its outcome date stands in. Unknown and mixed outcomes are never forecast.
    assert list(results.index) == ["2000_e", "2001_a", "2001_b", "2002_c", "2003_d"]
    assert results.loc["2003_d", "forecast_day"] == pd.Timestamp("2003-05-01")
    # 2000_e (detained first, resolved last), 2001_a (first) and 2001_b (detained 5 February,
    # when 2001_a's return, known only by 10 February, was not yet sure) have nothing to learn
    # from: every forecast is the uniform prior's mean, 1/2.
    for case_id in ("2000_e", "2001_a", "2001_b"):
        assert results.loc[case_id, "trained_on"] == 0
        assert results.loc[case_id, list(backtest.FORECASTS)].tolist() == [0.5] * 4
    # 2002_c learns from 2001_a (returned) and 2001_b (released); the mixed 2001_g is known but
    # not counted, and 2000_e is not yet resolved. Beta(1 + 1, 1 + 1): 1/2. Levels (1, 2) / 2.
    c = results.loc["2002_c"]
    assert c["trained_on"] == 2
    assert c["base_only"] == pytest.approx(0.5)
    assert c["expert"] == pytest.approx(by_hand(0.5, 0.5, 1.0, wp, wt))
    # Centred on the mean levels of a and b: pressure (0 + 1) / 2 = 0.5, tension 0.
    assert c["expert_centred"] == pytest.approx(by_hand(0.5, 0.5 - 0.5, 1.0 - 0.0, wp, wt))
    # The ridge fit on a (x = 0, returned) and b (x = 1, released) is symmetric: the intercept
    # b0 and weight w satisfy w = -2 b0 (tension's weight is 0), so at pressure 0.5 the
    # log-odds are b0 + w / 2 = 0.
    assert c["fitted"] == pytest.approx(0.5, abs=1e-9)
    # 2003_d learns from a, b and c (1 released, 2 returned): Beta(2, 3), mean 0.4, but not from
    # 2000_e, detained earlier yet resolved only in 2004. Levels (0, 1) / 2; mean levels of
    # a, b, c: pressure (0 + 1 + 0.5) / 3 = 0.5, tension (0 + 0 + 1) / 3.
    d = results.loc["2003_d"]
    assert d["trained_on"] == 3
    assert d["base_only"] == pytest.approx(0.4)
    assert d["expert"] == pytest.approx(by_hand(0.4, 0.0, 0.5, wp, wt))
    assert d["expert_centred"] == pytest.approx(by_hand(0.4, 0.0 - 0.5, 0.5 - 1 / 3, wp, wt))
    scores = backtest.brier_scores(results.reset_index())
    assert set(scores["with_training"]) == {2} and set(scores["n"]) == {5}


def test_a_later_outcome_changes_no_earlier_forecast() -> None:
    cases = dated_cases()
    before = backtest.backtest_in_time(cases, round_model())
    # Turn the release of 2000_e, resolved last (2004), into a return: had any forecast made
    # before 2004 used it, that forecast would move.
    flipped = cases.assign(outcome=cases["outcome"].astype(str))
    flipped.loc[flipped["case_id"] == "2000_e", "outcome"] = "returned"
    after = backtest.backtest_in_time(flipped, round_model())
    columns = ["case_id", "trained_on", *backtest.FORECASTS]
    pd.testing.assert_frame_equal(before[columns], after[columns])


def test_while_every_known_case_ended_one_way_the_fit_is_the_base_rate() -> None:
    cases = dated_cases()
    # Make 2001_b a return: 2002_c then knows two returns only -> Beta(1, 3), mean 1/4.
    cases["outcome"] = cases["outcome"].astype(str)
    cases.loc[cases["case_id"] == "2001_b", "outcome"] = "returned"
    c = backtest.backtest_in_time(cases, round_model()).set_index("case_id").loc["2002_c"]
    assert not c["regression_fitted"]
    assert c["fitted"] == pytest.approx(1 / 4) and c["base_only"] == pytest.approx(1 / 4)


def test_brier_scores_on_their_stated_scale() -> None:
    results = pd.DataFrame(
        {
            "y": [1.0, 0.0, 1.0, 0.0],
            "base_only": [0.5, 0.5, 0.5, 0.5],  # always 50%: 0.25
            "expert": [1.0, 0.0, 1.0, 0.0],  # perfect: 0
            "expert_centred": [0.0, 1.0, 0.0, 1.0],  # always certain and wrong: 1
            "fitted": [0.8, 0.2, 0.6, 0.4],  # (0.04 + 0.04 + 0.16 + 0.16) / 4 = 0.1
        }
    )
    scores = backtest.brier_scores(results).set_index("forecast")
    assert scores["brier"].to_dict() == pytest.approx(
        {"base_only": 0.25, "expert": 0.0, "expert_centred": 1.0, "fitted": 0.1}
    )
    assert scores.loc["fitted", "skill_vs_base_rate"] == pytest.approx(1 - 0.1 / 0.25)


def test_reliability_table_counts_every_case_once_per_forecast() -> None:
    results = backtest.backtest(synthetic_cases(), round_model())
    table = backtest.reliability_table(results)
    assert (table.groupby("forecast")["cases"].sum() == len(results)).all()
    both = pd.DataFrame({"y": [0.0, 1.0, 1.0], **{f: [0.1, 0.5, 0.9] for f in backtest.FORECASTS}})
    rows = backtest.reliability_table(both).query("forecast == 'expert'").set_index("bin")
    assert rows["cases"].tolist() == [1, 1, 1]
    assert rows.loc["0.67-1.00", "share_released"] == 1.0


def test_fit_weights_uses_only_one_way_outcomes() -> None:
    fitted = backtest.fit_weights(synthetic_cases())
    assert (fitted.n, fitted.released) == (5, 2)
    comparison = backtest.weights_comparison(round_model(), fitted)
    assert set(comparison["source"]) == {"expert", "fitted"}
    expert = comparison.query("source == 'expert' and parameter == 'w_pressure'").iloc[0]
    assert expert["low"] == pytest.approx(1.5 - 1.2815515655446004 * 0.5)


def test_backtest_scores_name_each_backtest() -> None:
    results = pd.DataFrame({"y": [1.0, 0.0], **{f: [0.5, 0.5] for f in backtest.FORECASTS}})
    scores = backtest.backtest_scores({"in time": results, "leave-one-out": results.iloc[:1]})
    assert list(scores.columns[:2]) == ["backtest", "forecast"]
    assert scores.groupby("backtest", sort=False)["n"].first().to_dict() == {
        "in time": 2,
        "leave-one-out": 1,
    }
    assert set(scores["brier"]) == {0.25}  # always 50%, whatever the outcome
