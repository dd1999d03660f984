"""The reference class: interval maths, base rates, subgroups, time to return, claims.

Expected values are worked out independently of the code under test: published tables
(Newcombe 1998), closed forms of special Beta distributions, the binomial identity for the
incomplete beta, and date arithmetic done by hand in the comments.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis.charts import history as history_charts
from analysis.charts.style import OUTCOME_COLORS, OUTCOME_MARKERS
from analysis.data.dataset import load_dataset
from analysis.record import claims, durations, history, intervals
from analysis.record.outcomes import RELEASE
from tests.conftest import VALID_FIXTURE
from tests.table_helpers import write_case_rows

# The claims' windows as questions.csv gives them, written out: about two weeks (up to 21
# days) and two months (61 days).
BENCHMARKS = [("article: about two weeks (up to 21 days)", 21), ("HRW: within two months", 61)]
TIMING_CLAIMS = [
    ("Returned in about two weeks", "article", 21),
    ("Most returns within two months of detention", "HRW", 61),
]

# --------------------------------------------------------------------------------------------
# Helpers: build a cases table row by row in a copy of the valid fixture folder.
# --------------------------------------------------------------------------------------------

CASE_DEFAULTS = {
    "title": "Built case",
    "detained_date": "2014-05-01",
    "detained_date_end": "",
    "detained_precision": "day",
    "location": "Test city",
    "group_size_low": "5",
    "group_size_high": "5",
    "onset": "police_check",
    "outcome": "returned",
    "outcome_date": "2014-05-11",
    "outcome_date_end": "",
    "outcome_precision": "day",
    "campaign": "false",
    "campaign_by": "",
    "pressure_level": "0",
    "pressure_rationale": "Built.",
    "tension_level": "1",
    "tension_rationale": "Built.",
    "source_urls": "https://example.org/built",
    "source_publishers": "Example",
    "disagreement": "",
}


def write_cases(folder: Path, rows: list[dict[str, str]]) -> Path:
    """Replace folder/cases.csv by ``rows`` (each a partial row over CASE_DEFAULTS)."""
    full = [{**CASE_DEFAULTS, "case_id": f"2014_built_{i}", **row} for i, row in enumerate(rows)]
    return write_case_rows(folder, full)


@pytest.fixture
def fixture_cases():
    return load_dataset(VALID_FIXTURE).cases


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def after_1_may_2014(days: int) -> str:
    """The ISO date ``days`` days after the default detention date, 1 May 2014."""
    return date.fromordinal(date(2014, 5, 1).toordinal() + days).isoformat()


def binomial_upper_tail(n: int, k: int, p: float) -> float:
    """P(Binomial(n, p) >= k), summed term by term."""
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


# --------------------------------------------------------------------------------------------
# Interval maths
# --------------------------------------------------------------------------------------------


def test_wilson_95_for_8_of_10_matches_the_textbook_value() -> None:
    low, high = intervals.wilson_interval(8, 10, 0.95)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)


# Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (score interval
# without continuity correction), 95%.
@pytest.mark.parametrize(
    ("successes", "n", "expected"),
    [
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_wilson_95_matches_newcombe_1998(
    successes: int, n: int, expected: tuple[float, float]
) -> None:
    low, high = intervals.wilson_interval(successes, n, 0.95)
    assert low == pytest.approx(expected[0], abs=6e-5)
    assert high == pytest.approx(expected[1], abs=6e-5)


def test_wilson_is_symmetric_between_successes_and_failures() -> None:
    low, high = intervals.wilson_interval(3, 11, 0.8)
    mirror_low, mirror_high = intervals.wilson_interval(8, 11, 0.8)
    assert low == pytest.approx(1 - mirror_high)
    assert high == pytest.approx(1 - mirror_low)


def test_wilson_with_no_cases_is_the_whole_range_and_bad_counts_raise() -> None:
    assert intervals.wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError, match="successes must be in 0..n"):
        intervals.wilson_interval(5, 3)


@pytest.mark.parametrize("p", [0.01, 0.1, 0.5, 0.9, 0.99])
def test_beta_quantile_against_closed_forms(p: float) -> None:
    assert intervals.beta_quantile(p, 1, 1) == pytest.approx(p, abs=1e-12)
    # Beta(a, 1) has F(x) = x**a; Beta(1, b) has F(x) = 1 - (1 - x)**b.
    assert intervals.beta_quantile(p, 4, 1) == pytest.approx(p ** (1 / 4), abs=1e-12)
    assert intervals.beta_quantile(p, 1, 3) == pytest.approx(1 - (1 - p) ** (1 / 3), abs=1e-12)
    # Arcsine: the quantile is sin(pi p / 2) ** 2.
    expected = math.sin(math.pi * p / 2) ** 2
    assert intervals.beta_quantile(p, 0.5, 0.5) == pytest.approx(expected, abs=1e-10)


def test_beta_interval_of_beta_2_2_solves_its_cdf_polynomial() -> None:
    # Beta(2, 2) has F(x) = 3x^2 - 2x^3; the 80% interval's ends have F = 0.1 and 0.9.
    low, high = intervals.beta_interval(2, 2, 0.8)
    assert 3 * low**2 - 2 * low**3 == pytest.approx(0.1, abs=1e-10)
    assert 3 * high**2 - 2 * high**3 == pytest.approx(0.9, abs=1e-10)
    assert low + high == pytest.approx(1.0)  # symmetric distribution


def test_prob_first_greater_against_closed_forms() -> None:
    # X ~ Beta(2, 1) has density 2x; Y uniform: P(X > Y) = int 2x * x dx = 2/3.
    assert intervals.prob_first_greater(2, 1, 1, 1) == pytest.approx(2 / 3, abs=1e-5)
    assert intervals.prob_first_greater(3, 4, 3, 4) == pytest.approx(0.5, abs=1e-5)
    assert intervals.prob_first_greater(0.5, 0.5, 0.5, 0.5) == pytest.approx(0.5, abs=1e-4)


def test_prob_first_greater_against_evan_millers_sum() -> None:
    # For whole parameters (Miller, "Formulas for Bayesian A/B testing", 2015):
    # P(pB > pA) = sum_{i<aB} B(aA+i, bA+bB) / ((bB+i) B(1+i, bB) B(aA, bA)).
    def log_beta(a: float, b: float) -> float:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)

    a_a, b_a, a_b, b_b = 2, 7, 5, 4
    expected = sum(
        math.exp(
            log_beta(a_a + i, b_a + b_b)
            - math.log(b_b + i)
            - log_beta(1 + i, b_b)
            - log_beta(a_a, b_a)
        )
        for i in range(a_b)
    )
    assert intervals.prob_first_greater(a_b, b_b, a_a, b_a) == pytest.approx(expected, abs=1e-5)


# --------------------------------------------------------------------------------------------
# Base rates and subgroups
# --------------------------------------------------------------------------------------------


def test_base_rate_on_the_fixture_counts_known_outcomes_only(fixture_cases) -> None:
    rate = history.release_base_rate(fixture_cases)
    # The fixture holds one released, one returned and one unknown case.
    assert (rate.released, rate.returned, rate.unknown, rate.mixed) == (1, 1, 1, 0)
    assert (rate.n_known, rate.cases) == (2, 3)
    assert (rate.alpha, rate.beta) == (2.0, 2.0)
    assert rate.estimate == pytest.approx(0.5)
    # Beta(2, 2): the interval's ends solve 3x^2 - 2x^3 = 0.1 and 0.9.
    assert 3 * rate.low**2 - 2 * rate.low**3 == pytest.approx(0.1, abs=1e-9)
    assert 3 * rate.high**2 - 2 * rate.high**3 == pytest.approx(0.9, abs=1e-9)
    assert rate.share == 0.5


def test_base_rate_adds_the_prior_to_the_counts(fixture_cases) -> None:
    rate = history.release_base_rate(fixture_cases, prior=(0.5, 0.5))
    assert (rate.alpha, rate.beta) == (1.5, 1.5)
    assert rate.estimate == pytest.approx(0.5)


def test_base_rate_is_frozen(fixture_cases) -> None:
    rate = history.release_base_rate(fixture_cases)
    with pytest.raises(AttributeError):
        rate.released = 3  # type: ignore[misc]


def test_mixed_outcomes_are_reported_but_not_counted(data_copy: Path) -> None:
    folder = write_cases(
        data_copy,
        [
            {"outcome": RELEASE},
            {"outcome": "returned"},
            {"outcome": "returned"},
            {"outcome": "mixed"},
            {"outcome": "unknown", "outcome_date": "", "outcome_precision": "unknown"},
        ],
    )
    rate = history.release_base_rate(load_dataset(folder).cases)
    assert (rate.released, rate.returned, rate.n_known) == (1, 2, 3)
    assert (rate.mixed, rate.unknown, rate.cases) == (1, 1, 5)
    assert (rate.alpha, rate.beta) == (2.0, 3.0)
    assert rate.estimate == pytest.approx(2 / 5)


def test_subgroup_rates_by_onset(fixture_cases) -> None:
    table = history.subgroup_rates(fixture_cases, "onset").set_index("level")
    # Codebook order: police_check before foreign_mission_entry; absent onsets not listed.
    assert table.index.tolist() == ["police_check", "foreign_mission_entry"]
    police = table.loc["police_check"]
    assert (police["cases"], police["returned"], police["unknown"]) == (2, 1, 1)
    assert police["estimate"] == pytest.approx(1 / 3)  # Beta(1 + 0, 1 + 1)
    mission = table.loc["foreign_mission_entry"]
    assert (mission["released"], mission["n_known"]) == (1, 1)
    assert mission["estimate"] == pytest.approx(2 / 3)
    # Beta(2, 1): F(x) = x^2, so the 80% interval is (sqrt(0.1), sqrt(0.9)).
    assert mission["low"] == pytest.approx(math.sqrt(0.1), abs=1e-9)
    assert mission["high"] == pytest.approx(math.sqrt(0.9), abs=1e-9)


@pytest.mark.parametrize("by", history.SUBGROUP_COLUMNS)
def test_every_case_falls_in_exactly_one_level(fixture_cases, by: str) -> None:
    table = history.subgroup_rates(fixture_cases, by)
    assert table["cases"].sum() == 3
    assert table["unknown"].sum() == 1


def test_subgroup_labels_are_readable(fixture_cases) -> None:
    table = history.subgroup_table(fixture_cases)
    campaign = table[table["factor"] == "campaign"]["label"].tolist()
    assert sorted(campaign) == ["campaign", "no campaign"]
    tension = table[table["factor"] == "tension_level"]["label"].tolist()
    assert tension == ["1 medium", "2 high"]


@pytest.mark.parametrize(
    ("year", "period"),
    [
        (2001, "2001-2011"),
        (2011, "2001-2011"),
        (2012, "2012-2019"),
        (2019, "2012-2019"),
        (2020, "2020-2024"),
        (2024, "2020-2024"),
        (1999, "other years"),
    ],
)
def test_period_boundaries(year: int, period: str) -> None:
    assert history.period_of(year) == period


def test_year_falls_back_to_the_outcome_then_the_case_id(data_copy: Path) -> None:
    folder = write_cases(
        data_copy,
        [
            {"case_id": "2011_dated", "detained_date": "2011-12-30", "outcome_date": "2012-01-05"},
            {
                "case_id": "2019_undated",
                "detained_date": "",
                "detained_precision": "unknown",
                "outcome_date": "2021-07-14",
            },
            {
                "case_id": "2023_nothing_dated",
                "detained_date": "",
                "detained_precision": "unknown",
                "outcome": "unknown",
                "outcome_date": "",
                "outcome_precision": "unknown",
            },
        ],
    )
    frame = history.with_year_and_period(load_dataset(folder).cases).set_index("case_id")
    assert frame.loc["2011_dated", ["year", "year_source", "period"]].tolist() == [
        2011,
        "detained",
        "2001-2011",
    ]
    assert frame.loc["2019_undated", ["year", "year_source"]].tolist() == [2021, "outcome"]
    assert frame.loc["2023_nothing_dated", ["year", "year_source"]].tolist() == [2023, "case_id"]


# --------------------------------------------------------------------------------------------
# Time from detention to return
# --------------------------------------------------------------------------------------------


def test_time_to_return_on_the_fixture(fixture_cases) -> None:
    table = durations.time_to_return(fixture_cases)
    # Only the returned case is listed: detained in February 2012 (month: 1-29 Feb, middle 15
    # Feb), returned 1-10 March 2012 (approximate, middle 5 March).
    assert table["case_id"].tolist() == ["2012_fixture_check"]
    row = table.iloc[0]
    assert row["days"] == (date(2012, 3, 5) - date(2012, 2, 15)).days == 19
    assert row["days_min"] == (date(2012, 3, 1) - date(2012, 2, 29)).days == 1
    assert row["days_max"] == (date(2012, 3, 10) - date(2012, 2, 1)).days == 38
    assert bool(row["usable"]) and row["reason"] == ""


def test_time_to_return_keeps_imprecise_cases_with_a_reason(data_copy: Path) -> None:
    folder = write_cases(
        data_copy,
        [
            {"case_id": "2014_day", "detained_date": "2014-05-01", "outcome_date": "2014-05-31"},
            {
                "case_id": "2014_year",
                "detained_date": "2014-01-01",
                "detained_precision": "year",
                "outcome_date": "2014-06-01",
            },
            {
                "case_id": "2021_undated",
                "detained_date": "",
                "detained_precision": "unknown",
                "outcome_date": "2021-07-14",
            },
            {"case_id": "2014_released", "outcome": RELEASE},
        ],
    )
    table = durations.time_to_return(load_dataset(folder).cases).set_index("case_id")
    assert set(table.index) == {"2014_day", "2014_year", "2021_undated"}
    assert table.loc["2014_day", "days"] == 30
    assert table.loc["2014_day", "days_min"] == table.loc["2014_day", "days_max"] == 30
    assert not table.loc["2014_year", "usable"]
    assert table.loc["2014_year", "reason"] == "detention dated only to the year"
    assert pd.isna(table.loc["2014_year", "days"])
    assert table.loc["2021_undated", "reason"] == "detention date unknown"
    # Usable rows first.
    assert durations.time_to_return(load_dataset(folder).cases)["case_id"].iloc[0] == "2014_day"


def test_window_never_gives_a_negative_delay(data_copy: Path) -> None:
    # Detained some time in May 2014, returned on 3 May 2014: the latest possible detention
    # (31 May) is after the return, so the shortest delay is 0, not -28.
    folder = write_cases(
        data_copy,
        [
            {
                "detained_date": "2014-05-01",
                "detained_precision": "month",
                "outcome_date": "2014-05-03",
            }
        ],
    )
    row = durations.time_to_return(load_dataset(folder).cases).iloc[0]
    assert row["days_min"] == 0
    assert row["days_max"] == 2


def test_delay_summary_counts_against_both_benchmarks(data_copy: Path) -> None:
    days = [3, 10, 21, 40, 90]
    folder = write_cases(
        data_copy,
        [{"outcome_date": after_1_may_2014(d)} for d in days],
    )
    cases = load_dataset(folder).cases
    assert durations.time_to_return(cases)["days"].tolist() == days
    summary = durations.delay_summary(cases, BENCHMARKS).set_index("limit_days")
    assert summary.loc[21, "within"] == 3  # 3, 10 and 21 days
    assert summary.loc[61, "within"] == 4
    assert summary.loc[61, "share"] == pytest.approx(4 / 5)
    assert summary.loc[61, "excluded"] == 0


# --------------------------------------------------------------------------------------------
# Claims: the verdict rule
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "n", "verdict"),
    [
        (0.55, 0.9, 10, "supported"),
        (0.1, 0.45, 10, "contradicted"),
        (0.3, 0.7, 10, "weak"),
        (0.5, 0.7, 10, "weak"),  # touching the threshold is not above it
        (0.6, 0.9, 2, "untestable"),
    ],
)
def test_share_verdict_rule(low: float, high: float, n: int, verdict: str) -> None:
    assert claims.share_verdict(low, high, 0.5, n) == verdict


@pytest.mark.parametrize(
    ("probability", "n_first", "n_second", "verdict"),
    [
        (0.95, 5, 5, "supported"),
        (0.9, 5, 5, "supported"),
        (0.5, 5, 5, "weak"),
        (0.1, 5, 5, "contradicted"),
        (0.99, 2, 9, "untestable"),
    ],
)
def test_difference_verdict_rule(
    probability: float, n_first: int, n_second: int, verdict: str
) -> None:
    assert claims.difference_verdict(probability, n_first, n_second) == verdict


def _claims_cases(data_copy: Path, return_days: int):
    """Six returns under low pressure after ``return_days``, four releases under high pressure;
    tension medium throughout."""
    rows = [
        {"outcome_date": after_1_may_2014(return_days), "pressure_level": "0"} for _ in range(6)
    ] + [{"outcome": RELEASE, "pressure_level": "2"} for _ in range(4)]
    return load_dataset(write_cases(data_copy, rows)).cases


def _verdicts(table, scope_prefix: str) -> dict[str, str]:
    rows = table[table["scope"].str.startswith(scope_prefix)]
    return dict(zip(rows["claim"], rows["verdict"], strict=True))


def test_claims_table_verdicts_follow_the_numbers(data_copy: Path) -> None:
    table = claims.claims_table(_claims_cases(data_copy, return_days=10), TIMING_CLAIMS)
    verdicts = _verdicts(table, "all cases")
    # Routine return: 6 of 10 returned gives Beta(7, 5); I_0.5(7, 5) = P(Bin(11, .5) >= 7)
    # = 562/2048 = 0.27 > 0.1, so the 10% quantile is below 0.5: the interval straddles it.
    # The code's own Beta quantiles against the hand values, then the verdicts built on them.
    assert intervals.beta_quantile(0.1, 7, 5) < 0.5 < intervals.beta_quantile(0.9, 7, 5)
    assert verdicts["China routinely returns detainees"] == "weak"
    # 4 of 10 released: Beta(5, 7); I_0.05(5, 7) = P(Bin(11, .05) >= 5) = 0.00034 < 0.1.
    assert intervals.beta_quantile(0.1, 5, 7) > 0.05
    assert verdicts["Beijing sometimes lets detainees go to the South"] == "supported"
    # High pressure: 4 of 4 released; lower pressure: 0 of 6.
    assert verdicts["More release under international pressure"] == "supported"
    # No case with high tension: nothing to compare.
    assert verdicts["More release when Beijing-Pyongyang relations are tense"] == "untestable"
    timing = _verdicts(table, "dated returns")
    # All six returns within 21 days: Beta(7, 1), 10% quantile 0.1 ** (1/7) = 0.72 > 0.5.
    assert timing["Returned in about two weeks"] == "supported"
    assert timing["Most returns within two months of detention"] == "supported"
    assert set(table["verdict"]) <= set(claims.VERDICTS)
    pressure = table[table["claim"] == "More release under international pressure"]
    assert pressure["evidence_for"].iloc[0] == "pressure high: 4 of 4 released (100%)"


def test_claims_are_tested_on_detentions_in_china_too(data_copy: Path) -> None:
    # The four releases become embassy entries: among detentions only six returns remain.
    rows = [{"outcome_date": after_1_may_2014(10)} for _ in range(6)] + [
        {"outcome": RELEASE, "onset": "foreign_mission_entry", "pressure_level": "2"}
        for _ in range(4)
    ]
    table = claims.claims_table(load_dataset(write_cases(data_copy, rows)).cases, TIMING_CLAIMS)
    assert sorted(table["scope"].unique()) == [
        "all cases (10)",
        "dated returns (6)",
        "detentions in China (6)",
    ]
    detentions = _verdicts(table, "detentions in China")
    # 6 of 6 returned: Beta(7, 1), 10% quantile 0.72 > 0.5.
    assert detentions["China routinely returns detainees"] == "supported"
    # 0 of 6 released: Beta(1, 7), 90% quantile 1 - 0.1 ** (1/7) = 0.28 > 0.05.
    assert detentions["Beijing sometimes lets detainees go to the South"] == "weak"
    # No detention in China had high pressure.
    assert detentions["More release under international pressure"] == "untestable"


def test_slow_returns_contradict_the_two_weeks(data_copy: Path) -> None:
    table = claims.claims_table(_claims_cases(data_copy, return_days=100), TIMING_CLAIMS)
    timing = table[table["scope"].str.startswith("dated returns")].set_index("claim")
    # None of six within 21 (or 61) days: Beta(1, 7), 90% quantile 1 - 0.1 ** (1/7) = 0.28.
    assert timing.loc["Returned in about two weeks", "verdict"] == "contradicted"
    assert timing.loc["Most returns within two months of detention", "verdict"] == "contradicted"
    assert "below 0.50" in timing.loc["Returned in about two weeks", "reason"]


def test_undated_returns_are_named_in_the_timing_evidence(data_copy: Path) -> None:
    rows = [{"outcome_date": after_1_may_2014(10)} for _ in range(3)] + [
        {
            "case_id": "2023_undated",
            "detained_date": "",
            "detained_precision": "unknown",
            "outcome_date": "2023-10-09",
        }
    ]
    table = claims.claims_table(load_dataset(write_cases(data_copy, rows)).cases, TIMING_CLAIMS)
    row = table[table["claim"] == "Returned in about two weeks"].iloc[0]
    assert row["evidence_against"] == (
        "0 of 3 after 21 days; 1 returns without usable dates not counted (2023)"
    )


def test_claims_on_the_small_fixture_are_untestable(fixture_cases) -> None:
    table = claims.claims_table(fixture_cases, TIMING_CLAIMS)
    assert (table["verdict"] == "untestable").all()
    assert table["reason"].str.contains("needed").all()


def test_reference_classes_drop_mission_entries_and_legal_exits(data_copy: Path) -> None:
    rows = [
        {"case_id": "2002_embassy", "onset": "foreign_mission_entry", "outcome": RELEASE},
        {"case_id": "2016_exit", "onset": "legal_exit", "outcome": RELEASE},
        {"case_id": "2013_check", "detained_date": "2013-05-01", "outcome_date": "2013-05-09"},
        {
            "case_id": "2021_undated_onset",
            "onset": "unknown",
            "detained_date": "2021-05-01",
            "outcome_date": "2021-07-14",
        },
    ]
    cases = load_dataset(write_cases(data_copy, rows)).cases
    classes = history.reference_classes(cases)
    assert list(classes) == ["all cases", "detentions in China", "detentions in China, before 2020"]
    assert classes["detentions in China"]["case_id"].tolist() == [
        "2013_check",
        "2021_undated_onset",
    ]
    assert classes["detentions in China, before 2020"]["case_id"].tolist() == ["2013_check"]
    table = history.base_rate_table(cases).set_index("reference_class")
    assert table.loc["all cases", ["released", "returned"]].tolist() == [2, 2]
    assert table.loc["detentions in China", "estimate"] == pytest.approx(1 / 4)  # Beta(1, 3)


def test_base_rate_table_bounds_the_unknown_outcomes(fixture_cases) -> None:
    row = history.base_rate_table(fixture_cases).iloc[0]
    # 1 released, 1 returned, 1 unknown: 1/3 if the unknown was returned, 2/3 if released.
    assert row["if_unknown_returned"] == pytest.approx(1 / 3)
    assert row["if_unknown_released"] == pytest.approx(2 / 3)


def test_delay_summary_adds_the_days_held(
    data_copy: Path,
) -> None:
    rows = [
        {"detained_date": "2014-05-01", "outcome_date": "2014-05-31"},
        {"outcome": RELEASE, "detained_date": "2014-05-01", "outcome_date": "2014-08-09"},
    ]
    cases = load_dataset(write_cases(data_copy, rows)).cases
    summary = durations.delay_summary(cases, [*BENCHMARKS, ("held so far", 40)])
    assert summary["limit_days"].tolist() == [21, 61, 40]
    # 30 days (1 to 31 May) is within 40 and 61, not 21.
    assert summary["within"].tolist() == [0, 1, 1]


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def test_outcomes_chart_shows_every_case_with_a_colour_a_marker_and_its_row_in_words(
    fixture_cases,
) -> None:
    by_year = history.with_year_and_period(fixture_cases)
    figure = history_charts.plot_outcomes_over_time(by_year)
    assert tuple(figure.get_size_inches()) == (9.5, 4.2)
    axes = figure.axes[0]
    points = [c for c in axes.collections if len(c.get_offsets())]
    assert sum(len(c.get_offsets()) for c in points) == 3  # the unknown case is drawn too
    hexes = {
        "#{:02x}{:02x}{:02x}".format(*(round(255 * v) for v in c.get_edgecolor()[0][:3]))
        for c in points
    }
    expected = {OUTCOME_COLORS[o].lower() for o in (RELEASE, "returned", "unknown")}
    assert hexes == expected
    # A distinct shape per outcome, for grey print.
    assert len(set(OUTCOME_MARKERS.values())) == len(OUTCOME_MARKERS)
    # One row per outcome of the codebook, releases on top, unknown at the bottom.
    rows = {round(t.get_position()[1]): t.get_text() for t in axes.get_yticklabels()}
    # In words (analysis.words), not codes.
    assert rows == {
        6: "reached South Korea or a third country",
        5: "freed in China",
        4: "left China legally",
        3: "mixed outcome",
        2: "died in custody",
        1: "returned to North Korea",
        0: "outcome unknown",
    }


def test_outcomes_chart_rings_and_labels_the_questions_case(fixture_cases) -> None:
    by_year = history.with_year_and_period(fixture_cases)
    figure = history_charts.plot_outcomes_over_time(by_year, "2017_fixture_unknown", "the fixture")
    axes = figure.axes[0]
    ring = [c for c in axes.collections if c.get_sizes().tolist() == [260.0]]
    # The ring sits on the fixture's 2017 case (detained 11-20 March: middle 15 March).
    assert len(ring) == 1 and ring[0].get_offsets()[0][0] == pytest.approx(
        mdates.date2num(pd.Timestamp("2017-03-15"))
    )
    assert [t.get_text() for t in axes.texts if t.get_text() == "the fixture"] == ["the fixture"]


def test_describe_names_what_was_left_out(fixture_cases) -> None:
    sentence = history.describe(history.release_base_rate(fixture_cases))
    # Beta(2, 2): mean 0.5; F(x) = 3x^2 - 2x^3 = 0.1 at x = 0.196 (so 0.20) and 0.9 at 0.804.
    assert sentence == (
        "1 released and 1 returned of 2 cases with one of the question's two outcomes (0 mixed, "
        "0 freed in China, left legally or died in custody, and 1 unknown counted as neither): "
        "P(release) = 0.50, 80% interval 0.20-0.80."
    )
