"""The scenario model: maths by hand, Monte Carlo, named scenarios, waterfall, files, CLI."""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.collections import PathCollection

from analysis.charts import model as charts
from analysis.data.dataset import load_dataset
from analysis.engine import headline, specifications, whatif
from analysis.pages import report
from analysis.record import history
from analysis.record.outcomes import RELEASE
from tests.conftest import VALID_FIXTURE
from tests.model_helpers import by_hand, round_model
from tests.table_helpers import case_csv_line

FEW = settings(max_examples=50, deadline=None)
probabilities = st.floats(min_value=0.01, max_value=0.99)
levels = st.floats(min_value=0.0, max_value=1.0)
weights = st.floats(min_value=-5.0, max_value=5.0)
non_negative_weights = st.floats(min_value=0.0, max_value=5.0)


# --- the logistic maths ----------------------------------------------------------------------


def test_release_probability_matches_the_formula_by_hand() -> None:
    # logit(0.25) = log(1/3); + 1.0 * 0.5 + 2.0 * 0.5 = 1.5 - 1.0986 = 0.4014 -> 0.5990
    p = specifications.release_probability(0.25, 0.5, 0.5, 1.0, 2.0)
    assert float(p) == pytest.approx(1 / (1 + math.exp(-(math.log(1 / 3) + 1.5))))
    assert float(p) == pytest.approx(0.59903, abs=1e-5)


def test_logit_and_expit_are_inverse_and_expit_does_not_overflow() -> None:
    assert float(specifications.logit(0.8)) == pytest.approx(math.log(4))
    assert float(specifications.expit(math.log(4))) == pytest.approx(0.8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert specifications.expit(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


@FEW
@given(base=probabilities, p=levels, t=levels, wp=weights, wt=weights)
def test_probabilities_are_in_zero_one_and_sum_to_one(base, p, t, wp, wt) -> None:
    release = float(specifications.release_probability(base, p, t, wp, wt))
    assert 0.0 <= release <= 1.0
    assert release == pytest.approx(by_hand(base, p, t, wp, wt), abs=1e-12)
    forecast = whatif.whatif_forecast(round_model(base, wp, wt), p, t, draws=50, seed=1)
    # p_return is a reported field: it must be the complement of the central p_release, which
    # is the hand formula at the given levels (not a draw).
    assert forecast.p_release == pytest.approx(by_hand(base, p, t, wp, wt), abs=1e-12)
    assert forecast.p_return == pytest.approx(1.0 - by_hand(base, p, t, wp, wt), abs=1e-12)
    assert 0.0 <= forecast.interval_low <= forecast.median <= forecast.interval_high <= 1.0


@FEW
@given(base=probabilities, wp=weights, wt=weights)
def test_zero_factors_give_the_base_rate(base, wp, wt) -> None:
    assert float(round_model(base, wp, wt).p_release(0.0, 0.0)) == pytest.approx(base, abs=1e-12)


@FEW
@given(
    base=probabilities,
    wp=non_negative_weights,
    wt=non_negative_weights,
    low=levels,
    high=levels,
    other=levels,
)
def test_with_non_negative_weights_release_never_falls_as_a_factor_rises(
    base, wp, wt, low, high, other
) -> None:
    low, high = sorted((low, high))
    m = round_model(base, wp, wt)
    assert float(m.p_release(high, other)) >= float(m.p_release(low, other))
    assert float(m.p_release(other, high)) >= float(m.p_release(other, low))


# The fixture's three cases: a foreign-mission entry (released), a police check (returned) and
# a police check of unknown outcome. The model's class, detentions in China, keeps the last two:
# 0 released, 1 returned; with the uniform prior Beta(1 + 0, 1 + 1) = Beta(1, 2), mean 1/3.
FIXTURE_BASE = 1 / 3


def test_from_tables_uses_the_beta_posterior_and_the_weights(fixture_data) -> None:
    m = whatif.build_model(fixture_data)
    assert (m.base_alpha, m.base_beta) == (1.0, 2.0)
    assert m.base_rate == pytest.approx(FIXTURE_BASE)
    pressure, tension = m.weight("w_pressure"), m.weight("w_tension")
    # The fixture gives the two weights different sds, so a swap shows.
    assert (pressure.mean, pressure.sd, tension.mean, tension.sd) == (1.0, 0.5, 0.8, 0.3)
    assert [w.factor for w in m.weights] == ["pressure", "tension"]


def test_model_cases_are_the_detentions_in_china(fixture_data) -> None:
    cases = fixture_data.cases
    kept = whatif.model_cases(cases)
    # The mission entry is out by its onset; the 2017 case by its decider, which the fixture
    # leaves unknown (the class keeps only cases China decided).
    assert list(kept["case_id"]) == ["2012_fixture_check"]
    assert len(cases) == 3  # the input is left as it was


def case_row(case_id: str, onset: str, outcome: str, detained: str = "", returned: str = "") -> str:
    """One fixture cases.csv line; dates to the day when given (a returned case needs both)."""
    return case_csv_line(
        {
            "case_id": case_id,
            "title": "Extra case",
            "detained_date": detained,
            "detained_precision": "day" if detained else "unknown",
            "location": "Test city",
            "group_size_low": "5",
            "group_size_high": "5",
            "onset": onset,
            "outcome": outcome,
            "outcome_date": returned,
            "outcome_precision": "day" if returned else "unknown",
            "campaign": "false",
            "pressure_level": "2",
            "pressure_rationale": "Fixture rationale.",
            "tension_level": "2",
            "tension_rationale": "Fixture rationale.",
            "source_urls": "https://example.org/c8",
            "source_publishers": "Example",
        }
    )


def test_the_base_rate_comes_from_detentions_in_china_only(edit_table) -> None:
    before = load_dataset(VALID_FIXTURE)
    # Two more releases outside the class: a consulate entry and a legal exit.
    extra = case_row("2003_extra_mission", "foreign_mission_entry", RELEASE) + case_row(
        "2016_extra_exit", "legal_exit", RELEASE
    )
    after = load_dataset(edit_table("cases.csv", lambda text: text + extra))
    # Over all cases the rate moves from Beta(2, 2) (mean 1/2) to Beta(4, 2) (mean 2/3) ...
    assert history.release_base_rate(before.cases).estimate == pytest.approx(1 / 2)
    assert history.release_base_rate(after.cases).estimate == pytest.approx(2 / 3)
    # ... but the model's base rate stays Beta(1, 2), and so does every forecast.
    assert whatif.build_model(after) == whatif.build_model(before)
    assert whatif.build_model(after).base_rate == pytest.approx(FIXTURE_BASE)


def test_a_release_inside_china_does_move_the_base_rate(edit_table) -> None:
    extra = case_row("2018_extra_check", "police_check", RELEASE)
    dataset = load_dataset(edit_table("cases.csv", lambda text: text + extra))
    m = whatif.build_model(dataset)
    # 1 released and 1 returned in the class: Beta(2, 2), mean 1/2.
    assert (m.base_alpha, m.base_beta, m.base_rate) == (2.0, 2.0, 0.5)


# Two releases inside China on top of the fixture: one known on the day of the fixture's
# dated scenario (24 April 2017), one only in 2018.
RELEASED_ON_THE_DAY = case_row(
    "2017_extra_same_day", "police_check", RELEASE, "2017-04-01", "2017-04-24"
)
RELEASED_LATER = case_row("2018_extra_later", "police_check", RELEASE, "2018-03-21", "2018-04-10")


def test_the_as_of_base_rate_ignores_a_case_resolved_after_the_date(edit_table) -> None:
    dataset = load_dataset(edit_table("cases.csv", lambda text: text + RELEASED_LATER))
    as_of = whatif.build_model(dataset, "2017-04-24")
    # Known by then: the 2012 road check (returned) only -> Beta(1, 1 + 1), mean 1/3.
    assert (as_of.base_alpha, as_of.base_beta) == (1.0, 2.0)
    assert as_of.base_rate == pytest.approx(1 / 3)
    assert (as_of.released, as_of.cases_counted) == (0, 1)
    assert as_of.as_of == pd.Timestamp("2017-04-24")
    # Today's record counts the 2018 release: Beta(1 + 1, 1 + 1), mean 1/2.
    record = whatif.build_model(dataset)
    assert (record.base_alpha, record.base_beta, record.base_rate) == (2.0, 2.0, 0.5)
    assert (record.released, record.cases_counted, record.as_of) == (1, 2, None)
    kept = whatif.model_cases(dataset.cases, "2017-04-24")
    assert list(kept["case_id"]) == ["2012_fixture_check"]  # the unknown outcome drops out too


def test_an_outcome_counts_from_its_last_possible_day(edit_table) -> None:
    cases = load_dataset(edit_table("cases.csv", lambda text: text + RELEASED_ON_THE_DAY)).cases
    # Known on 24 April itself: it counts that day, not the day before.
    assert "2017_extra_same_day" in set(whatif.model_cases(cases, "2017-04-24")["case_id"])
    assert "2017_extra_same_day" not in set(whatif.model_cases(cases, "2017-04-23")["case_id"])
    # The fixture's road check was returned some day between 1 and 10 March 2012: surely known
    # only from 10 March.
    assert whatif.model_cases(cases, "2012-03-09").empty
    assert list(whatif.model_cases(cases, "2012-03-10")["case_id"]) == ["2012_fixture_check"]


def test_dated_scenarios_use_the_as_of_model_and_the_others_the_record(edit_table) -> None:
    folder = edit_table("cases.csv", lambda text: text + RELEASED_ON_THE_DAY + RELEASED_LATER)
    dataset = load_dataset(folder)
    models = whatif.scenario_models(dataset, dataset.scenarios)
    levels = whatif.scenario_levels(dataset.scenarios, dataset.events)
    table = whatif.scenario_table(models, levels, draws=2000, seed=5).set_index("scenario_id")
    # routine (no date): 2 released, 1 returned -> Beta(3, 2), mean 3/5.
    # case_as_of (24 April 2017): the same-day release and the 2012 return -> Beta(2, 2), 1/2.
    assert table.loc["routine", "base_rate"] == pytest.approx(3 / 5)
    assert table.loc["case_as_of", "base_rate"] == pytest.approx(1 / 2)
    assert table.loc["routine", ["releases_counted", "cases_counted"]].tolist() == [2, 3]
    assert table.loc["case_as_of", ["releases_counted", "cases_counted"]].tolist() == [1, 2]
    assert table.loc["routine", "p_release"] == pytest.approx(by_hand(3 / 5, 0.1, 0.1, 1.0, 0.8))
    pressure = 1 - 2 ** (-1 / 6)  # as in test_scenario_levels_fill_only_the_empty_ones...
    assert table.loc["case_as_of", "p_release"] == pytest.approx(
        by_hand(1 / 2, pressure, 0.0, 1.0, 0.8)
    )
    readable = whatif.readable_table(table.reset_index())
    assert readable.loc["case_as_of", "base rate"] == "0.50 (1 of 2)"
    assert readable.loc["routine", "base rate"] == "0.60 (2 of 3)"


def test_scenarios_with_the_same_model_share_their_draws(fixture_data) -> None:
    scenario_rows = pd.concat(
        [fixture_data.scenarios, fixture_data.scenarios.assign(scenario_id=["b", "c"])]
    )
    models = whatif.scenario_models(fixture_data, scenario_rows)
    levels = whatif.scenario_levels(scenario_rows, fixture_data.events)
    draws = whatif.scenario_draws(models, levels, draws=500, seed=3)
    columns = ["base_rate", "w_pressure", "w_tension"]
    by_id = {key: frame[columns].to_numpy() for key, frame in draws.groupby("scenario_id")}
    assert np.array_equal(by_id["routine"], by_id["b"])  # both today's record
    assert np.array_equal(by_id["case_as_of"], by_id["c"])  # both as of 24 April 2017


def test_case_forecast_takes_its_base_rate_and_chart_cases_from_the_class(edit_table) -> None:
    # A dated return after a foreign-mission entry (3 days) and one after a police check (9).
    extra = case_row(
        "2003_extra_mission", "foreign_mission_entry", "returned", "2003-05-01", "2003-05-04"
    ) + case_row("2013_extra_check", "police_check", "returned", "2013-05-01", "2013-05-10")
    data = load_dataset(edit_table("cases.csv", lambda text: text + extra))
    view = whatif.question_whatif(data, "fixture_case")
    assert view.case_model.as_of == pd.Timestamp("2017-04-24")  # the case's own model
    assert view.record_model.as_of is None
    assert "2003_extra_mission" not in set(view.reference_cases["case_id"])
    assert "2002_fixture_mission" not in set(view.reference_cases["case_id"])
    # Class: 0 released, 2 returned (the mission return is outside it) -> Beta(1, 3).
    assert (view.record_model.base_alpha, view.record_model.base_beta) == (1.0, 3.0)
    # Both returns were known by 24 April 2017, so the case's model counts them too.
    assert (view.case_model.base_alpha, view.case_model.base_beta) == (1.0, 3.0)
    record = view.record_model
    figure = charts.plot_plane(
        whatif.probability_plane(record),
        whatif.share_release_more_likely(record),
        None,
        view.reference_cases,
    )
    # The case markers (one scatter per outcome present): the class's two returns only.
    points = [c for c in figure.axes[0].collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in points) == 2
    figure.clf()


def test_a_weights_table_without_a_weight_is_refused(fixture_data) -> None:
    weights_table = fixture_data.weights[fixture_data.weights["parameter"] == "w_pressure"]
    base = history.release_base_rate(fixture_data.cases)
    with pytest.raises(ValueError, match="lacks w_tension"):
        whatif.ScenarioModel.from_tables(base, weights_table)


# --- Monte Carlo -----------------------------------------------------------------------------


def test_same_seed_same_draws_and_another_seed_other_draws() -> None:
    m = round_model()
    first = whatif.draw_parameters(m, 1000, seed=7)
    pd.testing.assert_frame_equal(first, whatif.draw_parameters(m, 1000, seed=7))
    generator_draws = whatif.draw_parameters(m, 1000, seed=np.random.default_rng(7))
    pd.testing.assert_frame_equal(first, generator_draws)
    assert not first.equals(whatif.draw_parameters(m, 1000, seed=8))
    assert np.array_equal(
        whatif.simulate(m, 0.4, 0.6, 500, seed=3), whatif.simulate(m, 0.4, 0.6, 500, seed=3)
    )


def test_draws_follow_the_declared_distributions() -> None:
    draws = whatif.draw_parameters(round_model(wp=1.5, wt=0.5), 200_000, seed=11)
    # Beta(3, 7): mean 0.3, variance 3 * 7 / (10^2 * 11) = 0.0191.
    assert draws["base_rate"].mean() == pytest.approx(0.3, abs=0.002)
    assert draws["base_rate"].var() == pytest.approx(21 / 1100, rel=0.03)
    assert draws["w_pressure"].mean() == pytest.approx(1.5, abs=0.005)
    # Each weight carries its own sd (0.5 and 0.3): a swap would fail here.
    assert draws["w_pressure"].std() == pytest.approx(0.5, rel=0.01)
    assert draws["w_tension"].std() == pytest.approx(0.3, rel=0.01)
    assert list(draws.columns) == ["draw", "base_rate", "w_pressure", "w_tension"]


def test_simulate_uses_the_draws_of_draw_parameters() -> None:
    m = round_model(wp=1.2, wt=-0.4, sd_pressure=0.7, sd_tension=0.2)
    parameters = whatif.draw_parameters(m, 5000, seed=9)
    expected = [
        by_hand(b, 0.3, 0.8, wp, wt)
        for b, wp, wt in parameters[["base_rate", "w_pressure", "w_tension"]].to_numpy()
    ]
    assert np.allclose(whatif.simulate(m, 0.3, 0.8, 5000, seed=9), expected, rtol=0, atol=1e-12)


def test_zero_sd_and_a_sharp_base_rate_make_the_interval_collapse() -> None:
    sharp = round_model(
        0.3, 1.0, 1.0, 0.0, 0.0, base_alpha=3e6, base_beta=7e6, base_low=0.3, base_high=0.3
    )
    forecast = whatif.whatif_forecast(sharp, 0.5, 0.5, draws=2000)
    expected = by_hand(0.3, 0.5, 0.5, 1.0, 1.0)
    assert forecast.interval_low == pytest.approx(expected, abs=1e-3)
    assert forecast.interval_high == pytest.approx(expected, abs=1e-3)


def test_out_of_range_levels_are_refused() -> None:
    with pytest.raises(ValueError, match=r"pressure must be in \[0, 1\]"):
        whatif.whatif_forecast(round_model(), 1.5, 0.2)


def test_scenario_levels_fill_only_the_empty_ones_from_the_events(fixture_data) -> None:
    table = whatif.scenario_levels(fixture_data.scenarios, fixture_data.events)
    routine, dated = table.iloc[0], table.iloc[1]
    assert (routine["pressure"], routine["tension"], routine["levels_from"]) == (
        0.1,
        0.1,
        "given",
    )
    # As of 24 April only E004 (pressure up 1, same day) counts: 1 - 2 ** (-1 / 6).
    assert dated["pressure"] == pytest.approx(1 - 2 ** (-1 / 6))
    assert dated["tension"] == 0.0
    assert dated["levels_from"] == "events"


def test_scenario_table_numbers(fixture_data) -> None:
    m = whatif.build_model(fixture_data)
    levels = whatif.scenario_levels(fixture_data.scenarios, fixture_data.events)
    table = whatif.scenario_table(m, levels, draws=4000, seed=5)
    routine = table.set_index("scenario_id").loc["routine"]
    assert routine["p_release"] == pytest.approx(by_hand(FIXTURE_BASE, 0.1, 0.1, 1.0, 0.8))
    assert routine["p_return"] == pytest.approx(1 - routine["p_release"])
    assert routine["interval_low"] < routine["median"] < routine["interval_high"]
    assert list(table["scenario_id"]) == ["routine", "case_as_of"]
    draws = whatif.scenario_draws(m, levels, draws=4000, seed=5)
    assert len(draws) == 8000
    assert np.allclose(draws["p_release"] + draws["p_return"], 1.0)
    mine = draws[draws["scenario_id"] == "routine"]["p_release"]
    assert routine["interval_high"] == pytest.approx(np.quantile(mine, 0.9))
    readable = whatif.readable_table(table)
    assert readable.loc["routine", "80% interval of P(release)"].count(" to ") == 1


def test_an_event_after_the_as_of_date_leaves_the_scenarios_alone(edit_table) -> None:
    before = load_dataset(VALID_FIXTURE)
    new_row = (
        "E005,2017-04-25,,day,context,Later summit,A later fixture event.,china,summit,043,"
        "tension,up,3,,,,,false,Test city,https://example.org/6,Example,newspaper,\n"
    )
    after = load_dataset(edit_table("events.csv", lambda text: text + new_row))
    m = whatif.build_model(before)
    tables = [
        whatif.scenario_table(m, whatif.scenario_levels(d.scenarios, d.events), 500)
        for d in (before, after)
    ]
    pd.testing.assert_frame_equal(tables[0], tables[1])


# --- the waterfall ---------------------------------------------------------------------------


def test_waterfall_steps_add_up_on_the_log_odds_scale() -> None:
    steps = whatif.waterfall_steps(0.3, 0.6, 0.4, 1.5, -0.5).set_index("step")
    base = math.log(0.3 / 0.7)
    assert steps.loc["pressure", "shift"] == pytest.approx(0.9)
    assert steps.loc["tension", "shift"] == pytest.approx(-0.2)
    assert steps.loc["pressure", "start"] == pytest.approx(base)
    assert steps.loc["tension", "end"] == pytest.approx(base + 0.7)
    assert steps.loc["base", "probability"] == pytest.approx(0.3)
    assert steps.loc["result", "probability"] == pytest.approx(by_hand(0.3, 0.6, 0.4, 1.5, -0.5))


def test_waterfall_chart_has_four_bars_and_a_probability_axis() -> None:
    m = round_model()
    figure = charts.plot_waterfall(
        whatif.waterfall_steps(m.base_rate, 0.6, 0.4, m.w_pressure, m.w_tension)
    )
    ax = figure.axes[0]
    assert len(ax.patches) == 4
    assert ax.get_ylabel().startswith("P(release)")
    assert "0.5" in [tick.get_text() for tick in ax.get_yticklabels()]
    figure.clf()


# --- files for the report --------------------------------------------------------------------


def test_formula_cells_are_neutralised() -> None:
    assert whatif.neutralise_formula("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    for text in ("+1", "-1", "@SUM"):
        assert whatif.neutralise_formula(text) == "'" + text
    assert whatif.neutralise_formula("Routine") == "Routine"
    assert whatif.neutralise_formula(0.5) == 0.5


def with_dated_returns(edit_table) -> Path:
    """The fixture plus two dated returns, so the timing curve has something to fit."""
    extra = "".join(
        case_csv_line(
            {
                "case_id": case_id,
                "title": "Extra return",
                "detained_date": f"2013-05-{day:02d}",
                "detained_precision": "day",
                "location": "Test city",
                "group_size_low": "5",
                "group_size_high": "5",
                "onset": "police_check",
                "outcome": "returned",
                "outcome_date": f"2013-06-{day:02d}",
                "outcome_precision": "day",
                "campaign": "false",
                "pressure_level": "0",
                "pressure_rationale": "Fixture rationale.",
                "tension_level": "1",
                "tension_rationale": "Fixture rationale.",
                "source_urls": "https://example.org/c9",
                "source_publishers": "Example",
            }
        )
        for case_id, day in (("2013_extra_one", 1), ("2013_extra_two", 10))
    )
    edit_table("cases.csv", lambda text: text + extra)
    return edit_table(
        "scenarios.csv", lambda text: text.replace("routine,Routine,", "routine,=1+1 Routine,")
    )


def write_outputs(dataset, folder: Path) -> list[Path]:
    """The report's scenario table and charts for the fixture's question, as the report
    writes them."""
    view = whatif.question_whatif(dataset, "fixture_case")
    written = report.write_figures(
        report.report_figures(dataset, view, headline.headline_detail(dataset, "fixture_case")),
        folder,
    )
    table = folder / "scenario_table.csv"
    table.write_text(whatif.table_csv(view.scenario_table), encoding="utf-8")
    return [*written, table]


def test_report_outputs_are_complete_readable_and_safe_with_hostile_text(
    edit_table, tmp_path: Path
) -> None:
    # Dollars in event titles are drawn as written (paired, they used to be read as
    # matplotlib maths; "$^$" crashed the drawing); the formula label must be neutralised.
    edit_table(
        "events.csv",
        lambda text: text.replace("Fixture detention", "Price $^$", 1).replace(
            "Fixture appeal", "US$5 and US$10", 1
        ),
    )
    dataset = load_dataset(with_dated_returns(edit_table))
    assert {"Price $^$", "US$5 and US$10"} <= set(dataset.events["title"])
    old_umask = os.umask(0o077)  # a strict umask must not make the outputs private
    try:
        written = write_outputs(dataset, tmp_path / "one")
    finally:
        os.umask(old_umask)
    names = sorted(path.name for path in written)
    assert names == sorted(
        [
            f"{stem}.{ext}"
            for stem in (
                "scenarios_waterfall",
                "scenarios_plane",
                "scenarios_tornado",
                "scenarios_timing",
                "factors",
                "case_timeline",
                "context_timeline",
                "backtest_reliability",
                "measured_series",
                "headline_specifications",
                "headline_build_up",
            )
            for ext in ("png", "svg")
        ]
        + ["scenario_table.csv"]
    )
    assert all(path.stat().st_size > 0 for path in written)
    assert {path.stat().st_mode & 0o777 for path in written[:-1]} == {0o644}  # the figures
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == names  # no temporary files
    table = pd.read_csv(tmp_path / "one" / "scenario_table.csv", keep_default_na=False)
    assert table.loc[0, "label"] == "'=1+1 Routine"
    assert table.loc[1, "as_of"] == "2017-04-24"
    # The fixture's and the two extra returns were all known by 24 April 2017: 0 of 3 both ways.
    assert table["cases_counted"].tolist() == [3, 3]


def test_the_report_stops_drawing_once_told_to(fixture_data, tmp_path: Path) -> None:
    view = whatif.question_whatif(fixture_data, "fixture_case")
    drawn = []
    figures = {
        stem: (lambda stem=stem, draw=draw: drawn.append(stem) or draw())
        for stem, draw in report.report_figures(
            fixture_data, view, headline.headline_detail(fixture_data, "fixture_case")
        ).items()
    }
    written = report.write_figures(figures, tmp_path, stop=lambda: len(drawn) == 2)
    assert drawn == ["case_timeline", "context_timeline"]  # the first two, in report order
    assert [path.name for path in written] == [
        "case_timeline.png",
        "case_timeline.svg",
        "context_timeline.png",
        "context_timeline.svg",
    ]
