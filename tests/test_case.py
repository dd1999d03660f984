"""The case's facts (analysis.case) and the question as a parameter: expected values are
worked out by hand from the fixture's CSV text."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from analysis.data.dataset import load_dataset
from analysis.engine import whatif
from analysis.pages.report import inject_parameters
from analysis.record import case
from tests.conftest import VALID_FIXTURE


@pytest.fixture(scope="module")
def facts():
    return case.case_facts(load_dataset(VALID_FIXTURE), "fixture_case")


def test_day_0_and_days_held(facts) -> None:
    # The fixture case is detained 11-20 March 2017: middle 15 March. The question's date is
    # 24 April: 16 days left in March + 24 in April = 40.
    assert facts.detained == pd.Timestamp("2017-03-15")
    assert facts.as_of == pd.Timestamp("2017-04-24")
    assert facts.days_held == 40


def test_days_held_follows_the_questions_date(edit_table) -> None:
    folder = edit_table("questions.csv", lambda t: t.replace(",2017-04-24,", ",2017-05-01,"))
    moved = case.case_facts(load_dataset(folder), "fixture_case")
    assert moved.days_held == 47  # 16 + 30 + 1


def test_windows_run_from_day_0(facts) -> None:
    windows = facts.windows.set_index("window")
    # 15 March + 14 days = 29 March; + 61 days = 15 May.
    assert windows.loc["article", "end"] == pd.Timestamp("2017-03-29")
    assert windows.loc["hrw", "end"] == pd.Timestamp("2017-05-15")
    assert facts.timing_claims == [
        ("Returned in about two weeks", "article", 21),
        ("Most returns within two months of detention", "HRW", 61),
    ]
    assert [limit for _, limit in facts.benchmarks] == [21, 61, 40]


def test_the_last_status_is_the_latest_status_report(facts) -> None:
    reports = facts.events[facts.events["event_type"] == "status_report"]
    if reports.empty:
        assert facts.last_status == facts.events["date_latest"].max()
    else:
        assert facts.last_status == reports["date_latest"].max()


def test_an_unknown_question_or_case_is_refused(edit_table) -> None:
    data = load_dataset(VALID_FIXTURE)
    with pytest.raises(ValueError, match="no question for case 'nope'"):
        case.case_facts(data, "nope")
    folder = edit_table("questions.csv", lambda t: t.replace("2017_fixture_unknown", "2099_x"))
    with pytest.raises(ValueError, match="not in cases.csv"):
        case.case_facts(load_dataset(folder), "fixture_case")


def test_a_question_without_a_scenario_gets_its_own(edit_table) -> None:
    folder = edit_table("questions.csv", lambda t: t.replace(",case_as_of,", ",,"))
    view = whatif.question_whatif(load_dataset(folder), "fixture_case", draws=500)
    row = view.case_scenario
    assert row["scenario_id"] == "fixture_case"
    assert row["as_of"] == pd.Timestamp("2017-04-24")
    # Its levels come from the events as of its date, as the named case_as_of row's do.
    named = view.scenario_table.set_index("scenario_id").loc["case_as_of"]
    assert (row["pressure"], row["tension"]) == (named["pressure"], named["tension"])


def test_the_report_injects_the_case_in_place_of_the_parameters_cell() -> None:
    notebook = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell('CASE = "2017_shenyang_eight"')
    first.metadata["tags"] = ["parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# T"), first, nbformat.v4.new_code_cell("1")]
    injected = inject_parameters(notebook, "2012_shenyang_31")
    assert [c.source for c in injected.cells] == [
        "# T",
        "CASE = '2012_shenyang_31'  # the question: a case_id of data/questions.csv",
        "1",
    ]  # the main question's default is gone, and the cells keep their numbers
    assert injected.cells[1].metadata["tags"] == ["injected-parameters"]
    # The replaced cell's id, so a page built again from nothing is the same file.
    assert injected.cells[1].id == first.id


def test_a_cell_injected_at_the_top_has_the_same_id_every_time() -> None:
    def injected_id() -> str:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
        return inject_parameters(notebook, "2012_shenyang_31").cells[0].id

    assert injected_id() == injected_id() == "injected-parameters"


def test_forecast_day_is_the_detention_day_else_the_outcome_day() -> None:
    cases = pd.DataFrame(
        {
            "detained_date": pd.to_datetime(["2001-02-05", None]),
            "outcome_date": pd.to_datetime(["2001-03-01", "2003-05-01"]),
        }
    )
    assert case.forecast_day(cases).tolist() == [
        pd.Timestamp("2001-02-05"),
        pd.Timestamp("2003-05-01"),
    ]
