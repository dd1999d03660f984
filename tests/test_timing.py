"""Timing: P(returned by day d) under the model, and the update for a group still held."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.record import durations


def _case(case_id, outcome, detained, outcome_mid=None, outcome_latest=None) -> dict:
    day = pd.Timestamp
    mid = day(outcome_mid) if outcome_mid else pd.NaT
    latest = day(outcome_latest) if outcome_latest else pd.NaT
    return {
        "case_id": case_id,
        "title": case_id,
        "outcome": outcome,
        "detained_precision": "day",
        "outcome_precision": "day" if outcome_mid else "unknown",
        "detained_date": day(detained),
        "detained_mid": day(detained),
        "detained_latest": day(detained),
        "outcome_date": mid,
        "outcome_mid": mid,
        "outcome_latest": latest,
    }


# As of 24 April 2017: a return closed by then (10 days), a return that came after it
# (detained 1 March: held 31 + 23 = 54 days on 24 April), an open case detained 10 April
# (14 days), a case freed in China after the date (detained 1 February: 28 + 31 + 23 = 82
# days), one freed before it (out: not a return), and one detained after the date (absent).
AS_OF_CASES = pd.DataFrame(
    [
        _case("closed_return", "returned", "2017-01-01", "2017-01-11", "2017-01-12"),
        _case("later_return", "returned", "2017-03-01", "2017-05-01", "2017-05-05"),
        _case("open", "unknown", "2017-04-10"),
        _case("later_freed", "freed_in_china", "2017-02-01", "2017-06-01", "2017-06-01"),
        _case("early_freed", "freed_in_china", "2016-01-01", "2016-01-05", "2016-01-05"),
        _case("detained_after", "returned", "2017-05-10", "2017-05-20", "2017-05-21"),
    ]
)


def test_as_of_durations_censor_later_outcomes_and_keep_unknowns_unknown() -> None:
    returned, held, returned_by = durations.censored_return_durations_as_of(
        AS_OF_CASES, "2017-04-24"
    )
    assert returned.tolist() == [10.0]
    # Known outcomes that came later were held on 24 April: later_return 54, later_freed 82.
    # The open case's last reported still-held day is its detention (10 April): 0 days, not
    # the 14 to the forecast date.
    assert held.tolist() == [54.0, 82.0, 0.0]
    assert returned_by.size == 0
    _, dropped, _ = durations.censored_return_durations_as_of(AS_OF_CASES, "2017-04-24", "drop")
    assert dropped.tolist() == [54.0, 82.0]
    # Today's reading, for contrast, takes every dated return: closed_return (10 days),
    # later_return (1 March to 1 May, 31 + 30 = 61) and detained_after (10 to 20 May, 10).
    today, held_today, _ = durations.censored_return_durations(AS_OF_CASES, "2018-01-01")
    assert sorted(today.tolist()) == [10.0, 10.0, 61.0]
    assert held_today.tolist() == [0.0]  # open: not held until 2018 because nobody said so


def test_an_unknown_case_is_censored_at_the_end_of_its_detention_window() -> None:
    # Detained 1-21 March 2017 (middle 11 March), no outcome: last reported held 21 March,
    # 10 days; as of 15 March the window had not closed: 4 days.
    case = _case("window", "unknown", "2017-03-01")
    case["detained_latest"], case["detained_mid"] = (
        pd.Timestamp("2017-03-21"),
        pd.Timestamp("2017-03-11"),
    )
    cases = pd.DataFrame([case])
    assert durations.censored_return_durations(cases, "2018-01-01")[1].tolist() == [10.0]
    assert durations.censored_return_durations_as_of(cases, "2017-03-15")[1].tolist() == [4.0]
    with pytest.raises(ValueError, match="treatment must be one of"):
        durations.censored_return_durations(cases, "2018-01-01", "as_held")


def test_hrw_aggregate_only_from_its_publication() -> None:
    assert not durations.hrw_known(pd.Timestamp("2017-04-24"))
    assert durations.hrw_known(pd.Timestamp("2017-06-29"))
    before = durations.held_update_under_laws(0.8, AS_OF_CASES, "2017-04-24", [45])
    after = durations.held_update_under_laws(0.8, AS_OF_CASES, "2017-07-01", [45])
    assert not before["evidence"].str.contains("HRW").any()
    # One fit with the cohort per treatment of the unknowns.
    assert after["evidence"].str.contains("HRW June 2017").sum() == 2
    assert set(before["known_on"]) == {"2017-04-24", ""}
    assert set(before["unknowns"]) == {"last_report", "drop", ""}


def test_todays_record_rows_are_labelled_as_such() -> None:
    table = durations.held_update_under_laws(0.8, AS_OF_CASES, "2017-04-24", [45, 69], "2018-01-01")
    today = table[table["evidence"].str.startswith("today's record (2018-01-01)")]
    assert len(today) == 2 * 2 * 2  # cases only, cases + HRW; two treatments; two days each
    assert set(today["known_on"]) == {"2018-01-01"}
    as_of = table[table["known_on"] == "2017-04-24"]
    assert as_of["evidence"].unique().tolist() == ["cases known on 2017-04-24"]
    assert (table["evidence"] == "reference law").sum() == 3 * 2


def test_the_cohort_share_held_in_closed_form() -> None:
    from scipy import stats

    from analysis.record import durations

    # Exponential with mean 100 days over a 300-day inflow: (100 / 300) (1 - e^-3).
    law = durations.DurationLaw("exp", "exponential", stats.expon(scale=100.0), {"scale": 100.0})
    expected = 100.0 / 300.0 * (1 - math.exp(-3.0))
    assert durations.cohort_share_held(law, 300.0) == pytest.approx(expected, rel=1e-6)


def test_the_cohort_fit_maximises_the_joint_likelihood_by_quadrature() -> None:
    from scipy import integrate, stats

    from analysis.record import durations

    data = durations.censored_durations([5.0, 12.0, 30.0, 60.0], [20.0])
    cohort = durations.Cohort(detained=51, still_held=38, period_days=363.0)
    fitted = durations.fit_lognormal_with_cohort(data, cohort, "fit")

    def log_likelihood(mu: float, sigma: float) -> float:
        # A second implementation: scipy's densities and quad for the inflow integral.
        law = stats.lognorm(sigma, scale=math.exp(mu))
        total = sum(law.logpdf(d) for d in (5.0, 12.0, 30.0, 60.0)) + law.logsf(20.0)
        m = integrate.quad(law.sf, 0, 363.0, limit=200)[0] / 363.0
        return total + 38 * math.log(m) + 13 * math.log(1 - m)

    mu, sigma = fitted.parameters["mu"], fitted.parameters["sigma"]
    best = log_likelihood(mu, sigma)
    for dmu, dsigma in ((0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05)):
        assert log_likelihood(mu + dmu, sigma + dsigma) < best
    # The count of 38 still held of 51 lengthens the law against the durations alone.
    assert fitted.median_days > durations.fit_law(data, "lognormal").median_days


def test_hrw_publication_date_is_the_counts_tables() -> None:
    from analysis import paths

    counts = pd.read_csv(paths.DATA_DIR / "counts.csv").set_index("count_id")
    row = counts.loc["2017_hrw_jun_still_held_38"]
    assert pd.Timestamp(row["published_date"]) == durations.HRW_PUBLISHED
    assert int(row["value_low"]) == durations.HRW_STILL_HELD


def test_the_forecast_group_is_left_out_of_its_own_fit() -> None:
    # Leaving out "open" must give the fit of the table without it, and differ from the fit
    # with it (open adds a case held 14 days on 24 April).
    left_out = durations.held_update_under_laws(
        0.8, AS_OF_CASES, "2017-04-24", [45], leave_out="open"
    )
    without = AS_OF_CASES[AS_OF_CASES["case_id"] != "open"]
    expected = durations.held_update_under_laws(0.8, without, "2017-04-24", [45])
    pd.testing.assert_frame_equal(left_out, expected)
    kept = durations.held_update_under_laws(0.8, AS_OF_CASES, "2017-04-24", [45])
    fits = kept["evidence"].str.startswith("cases known")
    assert kept.loc[fits, "median_days"].iloc[0] != left_out.loc[fits, "median_days"].iloc[0]


def test_with_no_return_known_by_the_date_the_timing_laws_are_the_reference_laws_alone() -> None:
    # On 5 January 2017 the only return on record (closed_return) was still ten days away: no
    # fit, just the three stated laws, each with its median of 7, 61 and 183 days.
    laws = durations.timing_laws(AS_OF_CASES, "2017-01-05")
    medians = [law.distribution.median() for law in laws]
    assert medians == pytest.approx([7.0, 61.0, 183.0])
    # By 24 April the return was known (and the later one censored): the fit comes first.
    fitted = durations.timing_laws(AS_OF_CASES, "2017-04-24")
    assert len(fitted) == 4 and fitted[0].name.startswith("log-normal fit")
