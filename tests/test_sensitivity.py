"""Sensitivity: ablation, tornado and the pressure-tension plane, against the model by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.charts import model as charts
from analysis.data.dataset import load_dataset
from analysis.engine import whatif
from analysis.paths import DATA_DIR
from tests.model_helpers import by_hand, round_model


def test_ablation_switches_each_factor_off() -> None:
    table = whatif.ablation(round_model(), 0.6, 0.4, draws=1000).set_index("variant")
    assert table.loc["full model", "p_release"] == pytest.approx(by_hand(0.3, 0.6, 0.4, 1.5, 0.5))
    assert table.loc["pressure off", "p_release"] == pytest.approx(by_hand(0.3, 0, 0.4, 1.5, 0.5))
    assert table.loc["tension off", "p_release"] == pytest.approx(by_hand(0.3, 0.6, 0, 1.5, 0.5))
    assert table.loc["both off (base rate)", "p_release"] == pytest.approx(0.3)
    assert (table["interval_low"] <= table["interval_high"]).all()


def test_tornado_moves_one_input_at_a_time(fixture_data) -> None:
    m = round_model()
    table = whatif.tornado(m, 0.6, 0.4).set_index("input")
    assert table.loc["base rate", "p_low"] == pytest.approx(by_hand(0.15, 0.6, 0.4, 1.5, 0.5))
    z = 1.2815515655446004
    high_wp = 1.5 + z * 0.5
    assert table.loc["w_pressure (weight)", "p_high"] == pytest.approx(
        by_hand(0.3, 0.6, 0.4, high_wp, 0.5)
    )
    swings = whatif.tornado(m, 0.6, 0.4)["swing"]
    assert list(swings) == sorted(swings, reverse=True)
    with_rule = whatif.tornado(m, 0.6, 0.4, fixture_data.events, "2017-04-24")
    assert "factor half-life (days)" in set(with_rule["input"])


def test_plane_marks_where_release_is_ahead() -> None:
    m = round_model(base_rate=0.3, wp=1.5, wt=0.5)
    plane = whatif.probability_plane(m, resolution=11)
    assert len(plane) == 121
    corner = plane[(plane["pressure"] == 1.0) & (plane["tension"] == 1.0)].iloc[0]
    assert corner["p_release"] == pytest.approx(by_hand(0.3, 1, 1, 1.5, 0.5))
    # log(3/7) + 1.5 P + 0.5 T > 0 exactly where release is ahead.
    expected = np.log(3 / 7) + 1.5 * plane["pressure"] + 0.5 * plane["tension"] > 0
    assert (plane["release_more_likely"] == expected).all()
    share = whatif.share_release_more_likely(m, resolution=5, draws=3000)
    assert share.shape == (5, 5)
    assert share[0, 0] < share[-1, -1]  # more draws favour release at high pressure and tension


def test_the_plane_share_is_todays_record_model_not_the_forecast_dates() -> None:
    """``record_share`` against ``share_release_more_likely`` of each of the question's two
    models: the 2012 question's record model counts the cases resolved since, its own does not,
    so the two shares differ and a share of the wrong model shows."""
    data = load_dataset(DATA_DIR)
    view = whatif.question_whatif(data, "2012_shenyang_31")
    assert view.record_model != view.case_model
    share = whatif.record_share(data, "2012_shenyang_31")
    assert np.array_equal(share, whatif.share_release_more_likely(view.record_model))
    assert not np.array_equal(share, whatif.share_release_more_likely(view.case_model))


def test_plane_chart_draws_no_boundary_where_there_is_none() -> None:
    def legend_and_titles(m: whatif.ScenarioModel) -> tuple[list[str], str, str]:
        figure = charts.plot_plane(whatif.probability_plane(m), whatif.share_release_more_likely(m))
        legend = figure.legends[0] if figure.legends else figure.axes[0].get_legend()
        texts = [t.get_text() for t in legend.get_texts()] if legend else []
        title = " ".join(t.get_text() for t in figure.texts)
        subtitle = figure.axes[0].get_title()
        figure.clf()
        return texts, title, subtitle

    crossing, title, _ = legend_and_titles(round_model(base_rate=0.3, wp=1.5, wt=0.5))
    assert "even odds (0.50)" in crossing
    assert title == "Where release becomes more likely than return"
    # Base 0.1 and weights 0.5 each: at most logit(0.1) + 1 = -1.20, P = 0.23, at (1, 1).
    low = round_model(
        0.1, 0.5, 0.5, 0.0, 0.0, base_alpha=1.0, base_beta=9.0, base_low=0.01, base_high=0.25
    )
    none, title, subtitle = legend_and_titles(low)
    assert not any(text.startswith("even odds") for text in none)
    top = 1 / (1 + math.exp(-(math.log(0.1 / 0.9) + 1.0)))
    assert title == "Whatever the pressure and tension, return stays the more likely outcome"
    assert f"runs from 0.10 to {top:.2f}" in subtitle
    assert "of the Monte Carlo draws put release ahead" in subtitle
