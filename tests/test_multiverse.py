"""The multiverse, the headline and the ledger: counts, forecasts and scores against hand values.

Expected values are worked out by hand in the comments (Beta means, log-odds sums, logs of
probabilities); the fixture's tables are small enough to count.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from analysis import words
from analysis.data.dataset import load_dataset
from analysis.engine import headline, ledger, specifications, whatif
from analysis.engine.specifications import CHOICES, Training, Weight
from analysis.engine.whatif import question_whatif
from analysis.record import durations
from tests.conftest import VALID_FIXTURE
from tests.model_helpers import by_hand
from tests.test_scenarios import RELEASED_LATER, RELEASED_ON_THE_DAY

# w_pressure mean 1.0, sd 0.5; w_tension mean 0.8, sd 0.3: all four differ
WEIGHTS = (Weight("w_pressure", 1.0, 0.5), Weight("w_tension", 0.8, 0.3))


def test_there_is_one_specification_per_combination_and_the_default_comes_first() -> None:
    specs = specifications.specifications()
    # classes, six, Kim visit, outcome, prior, formulations, pressure, factor rules, coder
    assert len(specs) == 4 * 2 * 2 * 2 * 2 * 5 * 2 * 5 * 2
    assert specs[0] == specifications.DEFAULTS
    assert len({specifications.spec_id(s) for s in specs}) == len(specs)


def test_central_forecasts_by_hand() -> None:
    learned = Training(released=0, returned=10, mean_pressure=0.25, mean_tension=0.5, ridge=None)
    # Beta(1, 11): mean 1/12; Jeffreys Beta(1/2, 10 1/2): mean 1/22.
    assert specifications.central_forecast(learned, "base_only", "uniform", 0.5, 1.0, WEIGHTS) == (
        pytest.approx(1 / 12)
    )
    assert specifications.central_forecast(learned, "base_only", "jeffreys", 0.5, 1.0, WEIGHTS) == (
        pytest.approx(1 / 22)
    )
    expert = specifications.central_forecast(learned, "expert", "uniform", 0.5, 1.0, WEIGHTS)
    assert expert == pytest.approx(by_hand(1 / 12, 0.5, 1.0, 1.0, 0.8))
    centred = specifications.central_forecast(
        learned, "expert_centred", "uniform", 0.5, 1.0, WEIGHTS
    )
    assert centred == pytest.approx(by_hand(1 / 12, 0.25, 0.5, 1.0, 0.8))
    # No ridge fit (one outcome only): ridge and pooled fall back to the base rate.
    assert specifications.central_forecast(learned, "pooled", "uniform", 0.5, 1.0, WEIGHTS) == (
        pytest.approx(1 / 12)
    )


def test_pooled_is_the_log_odds_average_of_base_rate_and_ridge() -> None:
    ridge = (np.array([-1.0, 2.0, 0.5]), np.array([0.1, 0.1, 0.1]))
    learned = Training(released=3, returned=1, mean_pressure=0.0, mean_tension=0.0, ridge=ridge)
    # Base Beta(4, 2): log-odds log 2; ridge at (0.5, 1): -1 + 1 + 0.5 = 0.5.
    ridge_p = specifications.central_forecast(learned, "ridge", "uniform", 0.5, 1.0, WEIGHTS)
    assert ridge_p == pytest.approx(1 / (1 + math.exp(-0.5)))
    pooled = specifications.central_forecast(learned, "pooled", "uniform", 0.5, 1.0, WEIGHTS)
    assert pooled == pytest.approx(1 / (1 + math.exp(-(math.log(2) + 0.5) / 2)))


def test_draws_centre_on_the_central_forecast() -> None:
    learned = Training(released=2, returned=6, mean_pressure=0.0, mean_tension=0.0, ridge=None)
    rng = np.random.default_rng(1)
    normals, uniforms = rng.standard_normal((20_000, 3)), rng.uniform(size=20_000)
    base = specifications.base_draws(learned, "uniform", uniforms)
    central, draws = specifications.forecast_draws(
        learned, "base_only", "uniform", 0.5, 0.5, WEIGHTS, normals, base
    )
    # Beta(3, 7): mean 0.3; the draws' mean is the Beta mean, within Monte Carlo error.
    assert central == pytest.approx(0.3)
    assert draws.mean() == pytest.approx(0.3, abs=0.005)


def test_the_factor_rule_moves_only_the_event_pressure_by_hand(fixture_data) -> None:
    # The fixture's one event over the detainees: intensity 1, pressure up, on 24 April 2017.
    # Thirty days later its push is 0.5 ** (30 / half-life) and the level 1 - 2 ** (-push / s).
    focal = specifications.focal_levels(
        fixture_data, "2017_fixture_unknown", pd.Timestamp("2017-05-24")
    )
    expected = {"codebook": (60, 6), "half_life_30": (30, 6), "half_life_120": (120, 6),
                "half_scale_3": (60, 3), "half_scale_12": (60, 12)}  # fmt: skip
    for rule, (half_life, scale) in expected.items():
        level = 1 - 2 ** (-(0.5 ** (30 / half_life)) / scale)
        for coder in ("first", "second"):
            assert focal.pressure[("event_detainees", rule, coder)] == pytest.approx(level)
            # The coded construct ignores the rule: the same level under every rule.
            assert (
                focal.pressure[("case_coded", rule, coder)]
                == focal.pressure[("case_coded", "codebook", coder)]
            )
    levels = {rule: focal.pressure[("event_detainees", rule, "first")] for rule in expected}
    assert len(set(levels.values())) == len(expected)  # five rules, five different levels


def test_the_multiverse_uses_each_rules_level_and_scores_it_as_its_twin(fixture_data) -> None:
    table, _ = specifications.multiverse(fixture_data, "2017_fixture_unknown", "2017-05-24")
    focal = specifications.focal_levels(
        fixture_data, "2017_fixture_unknown", pd.Timestamp("2017-05-24")
    )
    event = table[table["pressure"] == "event_detainees"]
    for row in event.itertuples(index=False):
        assert row.pressure_level == focal.pressure[("event_detainees", row.factor_rule, row.coder)]
    scores = specifications.all_spec_scores(
        specifications.in_time_forecasts(fixture_data, "2017-05-24")
    )
    spec = {**specifications.DEFAULTS, "formulation": "expert"}
    twin = specifications.spec_id(spec)
    moved = specifications.spec_id(
        {**spec, "pressure": "event_detainees", "factor_rule": "half_scale_3"}
    )
    assert scores[moved] == scores[twin]


def test_cached_training_equals_a_direct_fit() -> None:
    from analysis.engine.logistic import fit_ridge_logistic

    pressure = np.array([0.0, 0.5, 1.0, 0.5, 0.0])
    tension = np.array([1.0, 0.5, 0.0, 1.0, 0.5])  # differs from pressure: a swap would show
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.0])
    first = specifications.training_from(pressure, tension, y)
    again = specifications.training_from(pressure.copy(), tension.copy(), y.copy())
    assert again is first  # the same cases: one fit
    fit = fit_ridge_logistic(np.column_stack([pressure, tension]), y, ("pressure", "tension"), 1.0)
    assert first.ridge[0].tolist() == pytest.approx(list(fit.coefficients.values()))
    assert first.ridge[1].tolist() == pytest.approx(list(fit.standard_errors.values()))
    assert (first.released, first.returned) == (2, 3)
    assert (first.mean_pressure, first.mean_tension) == (pytest.approx(0.4), pytest.approx(0.6))
    swapped = specifications.training_from(tension, pressure, y)
    assert swapped.ridge[0][1] == pytest.approx(first.ridge[0][2])


def test_classes_and_codings_on_the_fixture(fixture_data) -> None:
    first = specifications.coded_cases(fixture_data, "first", "mission_attempt", "in")
    second = specifications.coded_cases(fixture_data, "second", "mission_attempt", "in")
    # The second coder reads the road check's pressure 2 where the first reads 1.
    levels = {
        c: f.set_index("case_id").loc["2012_fixture_check", "pressure_level"]
        for c, f in (("first", first), ("second", second))
    }
    assert levels == {"first": 1, "second": 2}
    default = specifications.class_cases(first, "china_decided")
    assert list(default["case_id"]) == ["2012_fixture_check"]  # the 2017 case's decider: unknown
    missions = specifications.class_cases(first, "plus_missions")
    assert list(missions["case_id"]) == ["2002_fixture_mission", "2012_fixture_check"]


def test_the_arrays_the_forecasts_learn_from_are_the_labelled_class_tables() -> None:
    # The multiverse filters numpy arrays; the tables the notebooks show come from pandas.
    coded = specifications.coded_cases(load_dataset(), "second", "detention", "out")
    sets = specifications.learnable_sets(coded[specifications.LEARNING_COLUMNS])
    assert sorted(sets) == sorted(
        itertools.product(
            specifications.CHOICES["reference_class"], specifications.CHOICES["outcome"]
        )
    )
    for (reference_class, outcome), arrays in sets.items():
        table = specifications.labelled(specifications.class_cases(coded, reference_class), outcome)
        assert arrays.case_id.tolist() == table["case_id"].astype(str).tolist()
        assert arrays.y.tolist() == table["y"].tolist()
        assert arrays.pressure.tolist() == table["pressure"].tolist()
        assert arrays.tension.tolist() == table["tension"].tolist()
    # Releases differ between the two outcome rules, and the classes differ in size.
    assert (
        sets[("china_decided", "strict")].y.sum()
        < sets[("china_decided", "any_non_return")].y.sum()
    )
    assert len(sets[("without_covid", "strict")].y) < len(sets[("china_decided", "strict")].y)


def test_log_scores_by_hand() -> None:
    forecasts = pd.DataFrame(
        {
            "spec_id": ["a", "a", "b", "b"],
            "y": [0.0, 1.0, 0.0, 1.0],
            "forecast": [0.2, 0.9, 0.5, 0.5],
        }
    )
    scores = specifications.spec_scores(forecasts)
    assert scores["a"] == pytest.approx(math.log(0.8) + math.log(0.9))
    assert scores["b"] == pytest.approx(2 * math.log(0.5))


def test_a_later_case_changes_no_earlier_forecast(edit_table) -> None:
    before = load_dataset(VALID_FIXTURE)
    after = load_dataset(edit_table("cases.csv", lambda text: text + RELEASED_LATER))
    # As of 24 April 2017 the 2018 release does not exist yet: same forecasts, same table.
    pd.testing.assert_frame_equal(
        specifications.in_time_forecasts(before, "2017-04-24"),
        specifications.in_time_forecasts(after, "2017-04-24"),
    )
    tables = [
        specifications.multiverse(d, "2017_fixture_unknown", "2017-04-24")[0]
        for d in (before, after)
    ]
    pd.testing.assert_frame_equal(*tables)
    # Today's record: the fixture's 2012 road check is forecast from what preceded it alone.
    today = [specifications.in_time_forecasts(d) for d in (before, after)]
    old = today[1][today[1]["case_id"] == "2012_fixture_check"].reset_index(drop=True)
    pd.testing.assert_frame_equal(today[0].reset_index(drop=True), old)


def test_a_case_resolved_by_the_date_does_count(edit_table) -> None:
    after = load_dataset(edit_table("cases.csv", lambda text: text + RELEASED_ON_THE_DAY))
    table, _ = specifications.multiverse(after, "2017_fixture_unknown", "2017-04-24")
    # Known by then in the class: the road check (returned) and the same-day release: Beta(2, 2).
    assert table.iloc[0][["released", "returned", "estimate"]].tolist() == [1, 1, 0.5]


def test_choice_ranges_move_one_axis_at_a_time(fixture_data) -> None:
    table, _ = specifications.multiverse(fixture_data, "2017_fixture_unknown", "2017-04-24")
    ranges = specifications.choice_ranges(table).set_index(["axis", "value"])
    # The prior alone: Beta(1, 2) mean 1/3 against Beta(1/2, 3/2) mean 1/4.
    assert ranges.loc[("prior", "uniform"), "estimate"] == pytest.approx(1 / 3)
    assert ranges.loc[("prior", "jeffreys"), "estimate"] == pytest.approx(1 / 4)
    assert ranges.loc[("prior", "uniform"), "span"] == pytest.approx(1 / 12)


def test_the_headline_is_the_rule_chosen_mixture(fixture_data) -> None:
    detail = headline.headline_detail(fixture_data, "fixture_case")
    stated = detail.headline
    assert stated.low <= stated.p_release <= stated.high
    assert stated.spec_low <= stated.spec_high
    assert stated.n_grid == len(detail.table) == 6400
    assert stated.n_specifications == int(detail.table["in_headline"].sum())
    assert detail.table["weight"].sum() == pytest.approx(1.0)
    assert (stated.base_cases, stated.base_releases) == (1, 0)
    assert "not on record" in stated.outcome_status
    assert headline.sentence(stated).startswith(f"As of {stated.as_of}: P(release) = ")


def test_the_scenario_table_leads_with_the_headline(fixture_data) -> None:
    stated = headline.headline(fixture_data, "fixture_case")
    view = question_whatif(fixture_data, "fixture_case")
    table = whatif.with_headline(view.scenario_table, stated)
    first = table.iloc[0]
    assert first["scenario_id"] == "headline" and first["model"] == "headline"
    assert set(table["model"].iloc[1:]) == {"what-if (the article's argument)"}
    assert first["p_release"] == stated.p_release
    assert (first["interval_low"], first["interval_high"]) == (stated.low, stated.high)
    assert "not on record" in first["description"]


def test_ledger_scores_by_hand() -> None:
    frame = pd.DataFrame(
        {
            "specification": ["s", "s", "t"],
            "probability": [0.2, 0.7, 0.5],
            "resolution": [0.0, 1.0, math.nan],
        }
    )
    scores = ledger.score_ledger(frame)
    # Resolved: 0.2 (returned) and 0.7 (released); the open forecast is not scored.
    assert scores["all|n"] == 2
    assert scores["all|brier"] == pytest.approx((0.2**2 + 0.3**2) / 2)
    assert scores["all|log"] == pytest.approx((math.log(0.8) + math.log(0.7)) / 2)
    assert "t|n" not in scores


def test_the_ledger_holds_the_question_at_three_dates(fixture_data) -> None:
    table = ledger.build_ledger(fixture_data, "fixture_case")
    assert list(table.columns) == list(ledger.COLUMNS)
    open_rows = table[table["resolution"].isna()]
    assert list(open_rows["made_on"])[:3] == ["2017-03-15", "2017-04-24", "2017-05-18"]
    assert ((table["probability"] >= 0) & (table["probability"] <= 1)).all()


def test_censored_durations_count_the_open_cases_and_hrw(fixture_data) -> None:
    cases = fixture_data.cases
    returned, held, returned_by = durations.censored_return_durations(cases, "2017-04-24")
    # The fixture's road check: detained 1-29 Feb 2012 (middle 15 Feb), returned 1-10 Mar
    # (middle 5 Mar): 19 days. The unknown 2017 case (detained 11-20 March, middle 15 March)
    # was last reported held on 20 March: 5 days, not the 40 to 24 April.
    assert returned.tolist() == [19.0]
    assert held.tolist() == [5.0]
    assert returned_by.size == 0
    assert durations.censored_return_durations(cases, "2017-04-24", "drop")[1].size == 0


def test_the_still_held_update_under_a_known_law() -> None:
    from analysis.record import durations

    # A log-normal with median 61 days: S(61) = 1/2, so p' = p/2 / (p/2 + 1 - p).
    law = durations.lognormal_law(61.0, 1.0, "two months")
    table = durations.held_update_table(0.8, [61], [law])
    assert table["p_return_given_held"].iloc[0] == pytest.approx(0.4 / (0.4 + 0.2))


def test_the_multiverse_charts_draw_every_specification_and_axis(fixture_data) -> None:
    import matplotlib.pyplot as plt

    from analysis.charts import multiverse as charts

    table, _ = specifications.multiverse(fixture_data, "2017_fixture_unknown", "2017-04-24")
    curve = charts.plot_specification_curve(table.assign(weight=1 / len(table)), 0.3)
    assert len(curve.axes[0].lines[0].get_xdata()) == len(table)
    tornado = charts.plot_choice_tornado(specifications.choice_ranges(table))
    labels = [t.get_text() for t in tornado.axes[0].get_yticklabels()]
    assert sorted(labels) == sorted(words.CHOICE_LABELS[a] for a in specifications.CHOICES)
    # The values in words, no two labels on top of one another.
    tornado.canvas.draw()
    renderer = tornado.canvas.get_renderer()
    values = [t for t in tornado.axes[0].texts if t.get_gid() == "choice-value"]
    assert "half-life 30 days" in {t.get_text() for t in values}
    assert not [t for t in values if "_" in t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in values]
    assert [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)] == []
    plt.close("all")


def test_a_later_coding_changes_no_earlier_forecast(tmp_path) -> None:
    """Recoding a case resolved after the forecast day, by either coder, moves nothing then."""
    import shutil

    tables = {}
    for level in ("0", "2"):
        folder = shutil.copytree(VALID_FIXTURE, tmp_path / f"coded_{level}")
        row = RELEASED_LATER.replace(
            ",2,Fixture rationale.,2,Fixture rationale.,",
            f",{level},Fixture rationale.,{level},Fixture rationale.,",
        )
        assert row != RELEASED_LATER or level == "2"
        with open(folder / "cases.csv", "a", encoding="utf-8", newline="") as cases:
            cases.write(row)
        with open(folder / "second_coding.csv", "a", encoding="utf-8", newline="") as second:
            second.write(
                f"2018_extra_later,raid,{level},Why.,{level},{level},Why.,https://example.org/b\n"
            )
        dataset = load_dataset(folder)
        tables[level] = (
            specifications.multiverse(dataset, "2017_fixture_unknown", "2017-04-24")[0],
            specifications.in_time_forecasts(dataset, "2017-04-24"),
            specifications.multiverse(dataset, "2017_fixture_unknown", "2019-01-01")[0],
        )
    for before, after in zip(tables["0"][:2], tables["2"][:2], strict=True):
        pd.testing.assert_frame_equal(before, after)
    # Once the case is resolved (2019), its coding does count: the test can see a leak.
    assert not tables["0"][2].equals(tables["2"][2])


def test_the_headline_pools_the_questions_set_with_equal_weights_on_one_outcome(
    fixture_data,
) -> None:
    detail = headline.headline_detail(fixture_data, "fixture_case")
    stated, table = detail.headline, detail.table
    pooled = table[table["in_headline"]]
    # Only the strict outcome and the class rule's classes; nothing outside has weight.
    assert set(pooled["outcome"]) == {"strict"}
    assert set(pooled["reference_class"]) <= {"china_decided", "without_covid"}
    assert (table.loc[~table["in_headline"], "weight"] == 0).all()
    # The fixture scores one return only: equal weights, effective number = the set's size.
    assert detail.forecasts["y"].unique().tolist() == [0.0]
    assert stated.weighting == "equal" and "Equal weights" in stated.weighting_reason
    assert np.allclose(pooled["weight"], 1 / len(pooled))
    assert stated.effective_specifications == pytest.approx(len(pooled))
    # Every axis the score cannot see is fixed at its default and shown as a sensitivity.
    for axis in detail.score_blind:
        if axis not in ("outcome", "reference_class"):
            assert set(pooled[axis]) == {specifications.DEFAULTS[axis]}
            assert axis in set(detail.sensitivities["axis"])
    assert {"outcome", "reference_class"} <= set(detail.sensitivities["axis"])
    # The build-up starts at the default specification and ends at the headline.
    steps = detail.build_up
    assert steps["p_release"].iloc[-1] == pytest.approx(stated.p_release)
    assert steps["p_release"].iloc[0] == pytest.approx(table.iloc[0]["draw_mean"])
    assert steps["shift"].sum() == pytest.approx(stated.p_release)


def test_the_multiverse_of_some_specifications_is_those_rows_of_the_whole_one(
    fixture_data,
) -> None:
    """``only`` computes the named specifications alone: their rows (every column, in catalogue
    order) and draws are the whole multiverse's. The names span every axis's values, so a row
    given another specification's choices, counts, levels or draws shows."""
    whole, whole_draws = specifications.multiverse(
        fixture_data, "2017_fixture_unknown", "2017-05-24"
    )
    names = whole["spec_id"].iloc[::97].tolist()
    assert all(whole.loc[whole["spec_id"].isin(names), axis].nunique() > 1 for axis in CHOICES)
    table, draws = specifications.multiverse(
        fixture_data, "2017_fixture_unknown", "2017-05-24", only=frozenset(names)
    )
    expected = whole[whole["spec_id"].isin(names)].reset_index(drop=True)
    pd.testing.assert_frame_equal(table, expected)
    assert list(draws) == names
    assert all(np.array_equal(draws[name], whole_draws[name]) for name in names)


def test_the_headlines_numbers_alone_are_the_whole_headlines_when_the_score_weighs(
    edit_table,
) -> None:
    """``headline_band`` computes only the pooled specifications; with a release in the scoring
    set their stacking weights differ, so a weight given to the wrong specification moves the
    numbers away from ``headline_detail``'s (computed over the whole grid)."""
    after = load_dataset(edit_table("cases.csv", lambda text: text + RELEASED_ON_THE_DAY))
    detail = headline.headline_detail(after, "fixture_case")
    pooled = detail.table[detail.table["in_headline"]]
    assert detail.headline.weighting == "stacking" and pooled["weight"].nunique() > 1
    assert headline.headline_band(after, "fixture_case") == {
        name: getattr(detail.headline, name) for name in headline.BAND
    }


def test_a_release_in_the_scoring_set_lets_the_score_weigh(edit_table) -> None:
    after = load_dataset(edit_table("cases.csv", lambda text: text + RELEASED_ON_THE_DAY))
    detail = headline.headline_detail(after, "fixture_case")
    assert sorted(detail.forecasts.drop_duplicates("case_id")["y"]) == [0.0, 1.0]
    assert detail.headline.weighting == "stacking"
    assert set(detail.rules["rule"]) == {"equal", "stacking", "pseudo_bma_plus", "pseudo_bma"}
    assert detail.rules.set_index("rule").loc["stacking", "used"]
    assert detail.table["weight"].sum() == pytest.approx(1.0)


def test_the_reporting_model_meets_its_two_limits() -> None:
    # Equal reporting rates: unreported cases say nothing, the posterior is Beta(1 + 2, 1 + 5)
    # (mean 3/9). Releases always reported: every unknown is a return, Beta(3, 6 + 4), mean 3/13.
    mar, _, _ = headline.reporting_posterior(2, 5, 4, 0.6, 0.6)
    assert mar == pytest.approx(3 / 9, abs=1e-6)
    as_returns, low, high = headline.reporting_posterior(2, 5, 4, 1.0, 0.3)
    assert as_returns == pytest.approx(3 / 13, abs=1e-6)
    from scipy import stats

    assert (low, high) == pytest.approx(stats.beta(3, 10).ppf([0.1, 0.9]), abs=1e-3)


def test_the_silence_update_by_hand() -> None:
    # Odds 1 : 1 times (1 - 0.9) / (1 - 0.3) = 1 / 7: P = 1/8.
    assert headline.silence_update(0.5, 0.9, 0.3) == pytest.approx(1 / 8)


def test_missing_outcome_readings_on_the_fixture(fixture_data) -> None:
    table = headline.missing_outcome_table(fixture_data, "fixture_case").set_index("treatment")
    # Known by 24 April 2017: the road check (returned); no other case of the class is open.
    assert table[["released", "returned", "unknown"]].iloc[0].tolist() == [0, 1, 0]
    assert table.loc["missing_at_random", "p_release"] == pytest.approx(1 / 3)


def test_the_headline_under_each_missing_outcome_reading_moves_by_its_base_rates_log_odds() -> None:
    from analysis.engine.headline import Headline, headline_under_missing

    # Base rates 0.10 (missing at random), 0.05 (as returns); headline 0.20, interval 0.02-0.50.
    # By hand, on the odds: the base rate's odds ratio is (0.05 / 0.95) / (0.10 / 0.90) = 9/19,
    # so the headline's odds 1/4 become 9/76 (p = 9/85), 1/49 become 9/931 (p = 9/940) and 1
    # becomes 9/19 (p = 9/28).
    missing = pd.DataFrame(
        {
            "treatment": ["missing_at_random", "as_returns"],
            "words": ["a", "b"],
            "p_release": [0.1, 0.05],
        }
    )
    stated = Headline("q", "2017-04-24", 0.2, 0.02, 0.5, 0.1, 0.3, 80, "equal", 10, 0, "c", "", "")
    moved = headline_under_missing(missing, stated).set_index("treatment")
    assert moved.loc[
        "missing_at_random", ["headline", "headline_low", "headline_high"]
    ].tolist() == (pytest.approx([0.2, 0.02, 0.5]))
    assert moved.loc["as_returns", ["headline", "headline_low", "headline_high"]].tolist() == (
        pytest.approx([9 / 85, 9 / 940, 9 / 28], rel=1e-12)
    )


def test_a_spec_id_with_choices_changed_is_the_spec_id_of_the_changed_specification() -> None:
    # The oracle is spec_id of the edited dict; two axes at once, one of them the last axis.
    spec = {**specifications.DEFAULTS, "formulation": "ridge", "coder": "second"}
    name = specifications.spec_id(spec)
    changed = specifications.with_choices(name, prior="jeffreys", coder="first")
    assert changed == specifications.spec_id({**spec, "prior": "jeffreys", "coder": "first"})
    moved = {**spec, "pressure": "event_detainees", "factor_rule": "half_life_30"}
    assert specifications.scored_twin(specifications.spec_id(moved)) == name


def test_the_catalogue_is_every_specification_by_its_id_and_cannot_be_changed() -> None:
    specs = specifications.specifications()
    catalogue = specifications.catalogue()
    assert [name for name, _ in catalogue] == [specifications.spec_id(s) for s in specs]
    assert [dict(spec) for _, spec in catalogue] == specs
    with pytest.raises(TypeError):
        catalogue[0][1]["prior"] = "jeffreys"  # shared by every caller in the process


def test_a_statistic_of_shared_arrays_equals_it_row_by_row() -> None:
    rng = np.random.default_rng(3)
    a, b, c = (rng.normal(size=7) for _ in range(3))
    arrays = [a, b, a, c, b, a]  # a shared three times, b twice: four rows share
    got = specifications.row_statistic(arrays, lambda stack: np.quantile(stack, [0.1, 0.9], axis=1))
    assert got.shape == (2, 6)
    for column, array in enumerate(arrays):  # the oracle: each array on its own
        assert got[0, column] == np.quantile(array, 0.1)
        assert got[1, column] == np.quantile(array, 0.9)
    means = specifications.row_statistic(arrays, lambda stack: stack.mean(axis=1))
    assert means.tolist() == [array.mean() for array in arrays]


def test_an_axis_is_score_blind_only_when_no_group_of_its_twins_differs() -> None:
    table = pd.DataFrame(specifications.specifications())
    prior = (table["prior"] == "jeffreys").to_numpy()
    # The score depends on the prior everywhere, and on the reference class in one corner
    # only (the second coder's ridge forecasts under the Kim-visit arrests left out). A missing
    # score is passed over, as pandas' max and min do: a whole group of twins without one
    # hides nothing, and in the corner the class without covid has none, which must not hide
    # the other classes' spread.
    corner = (
        (table["coder"] == "second")
        & (table["formulation"] == "ridge")
        & (table["kim_visit_2018"] == "out")
    ).to_numpy()
    by_class = (table["reference_class"] == "plus_missions").to_numpy() * 0.5
    score = -1.0 - 2.0 * prior - np.where(corner, by_class, 0.0)
    missing = ((table["formulation"] == "pooled") & (table["coder"] == "first")) | (
        corner & (table["reference_class"] == "without_covid")
    )
    score[missing.to_numpy()] = np.nan
    blind = headline.score_blind_axes(table.assign(log_score=score))
    # By construction: every axis but the prior and the reference class (and, through the
    # corner, the axes that pick it out: coder, formulation and Kim visit).
    expected = tuple(
        a
        for a in specifications.CHOICES
        if a not in ("prior", "reference_class", "coder", "formulation", "kim_visit_2018")
    )
    assert blind == expected
