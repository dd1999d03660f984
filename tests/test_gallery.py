"""The gallery of questions: decider-aware reference classes, and the track record's scores."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from analysis.data.dataset import load_dataset
from analysis.engine import specifications, track_record
from analysis.engine.headline import CLASS_RULE
from analysis.record.classes import CHINA_ARRESTS, ClassRule, question_rule

# A toy table: every decider and route a rule can tell apart, and a COVID-era case.
TOY = {
    "case_id": np.array(
        [
            "cn_arrest",
            "cn_mission",
            "cn_2021",
            "la_arrest",
            "la_mission",
            "vn_border",
            "th_raid",
            "nobody",
        ]
    ),
    "onset": np.array(
        [
            "police_check",
            "foreign_mission_entry",
            "raid",
            "third_country_handover",
            "foreign_mission_entry",
            "border_arrest",
            "raid",
            "police_check",
        ]
    ),
    "decided_by": np.array(
        ["china", "china", "china", "laos", "laos", "vietnam", "thailand", "unknown"]
    ),
    "year": np.array([2010, 2002, 2021, 2013, 2013, 2019, 2006, 2017]),
}
THIRD = ClassRule(("laos", "vietnam", "thailand", "russia", "mongolia", "other_country"), "any")


def members(reference_class: str, rule: ClassRule) -> list[str]:
    return TOY["case_id"][specifications.class_mask(TOY, reference_class, rule)].tolist()


@pytest.mark.parametrize(
    ("rule", "reference_class", "expected"),
    [  # each list written by hand from the codebook's rule (questions.class_deciders, route)
        (CHINA_ARRESTS, "china_decided", ["cn_arrest", "cn_2021"]),
        (CHINA_ARRESTS, "without_covid", ["cn_arrest"]),
        (CHINA_ARRESTS, "plus_missions", ["cn_arrest", "cn_mission", "cn_2021"]),
        (
            CHINA_ARRESTS,
            "plus_third_country",
            ["cn_arrest", "cn_2021", "la_arrest", "vn_border", "th_raid"],
        ),
        (ClassRule(("china",), "mission"), "china_decided", ["cn_mission"]),
        (ClassRule(("laos",), "any"), "china_decided", ["la_arrest", "la_mission"]),
        (ClassRule(("laos",), "arrest"), "china_decided", ["la_arrest"]),
        (ClassRule(("laos",), "arrest"), "plus_missions", ["la_arrest", "la_mission"]),
        (ClassRule(("vietnam",), "any"), "china_decided", ["vn_border"]),
        (THIRD, "china_decided", ["la_arrest", "la_mission", "vn_border", "th_raid"]),
    ],
)
def test_a_decider_aware_class_by_hand(rule, reference_class, expected) -> None:
    assert members(reference_class, rule) == expected


@pytest.mark.parametrize(
    "rule",
    [
        CHINA_ARRESTS,
        ClassRule(("laos",), "any"),
        ClassRule(("vietnam",), "arrest"),
        ClassRule(("thailand",), "mission"),
        THIRD,
    ],
)
def test_a_question_never_draws_another_deciders_cases_unless_its_rule_says_so(rule) -> None:
    # Every class but the named third-country sensitivity keeps to the rule's deciders; the
    # headline pools only such classes.
    for reference_class in specifications.CHOICES["reference_class"]:
        drawn = TOY["decided_by"][specifications.class_mask(TOY, reference_class, rule)]
        if reference_class != "plus_third_country":
            assert set(drawn) <= set(rule.deciders), reference_class
    assert "plus_third_country" not in CLASS_RULE


def test_every_gallery_question_learns_only_from_its_rules_deciders() -> None:
    dataset = load_dataset()
    coded = specifications.coded_cases(dataset, "first", "mission_attempt", "in")
    deciders = coded.set_index("case_id")["decided_by"].astype(str)
    seen = set()
    for _, question in dataset.questions.iterrows():
        rule = question_rule(question)
        seen.add(str(question["decided_by"]))
        for reference_class in CLASS_RULE:
            drawn = specifications.class_cases(coded, reference_class, rule)["case_id"]
            assert set(deciders[drawn]) <= set(rule.deciders), question["question_id"]
        if str(question["decided_by"]) == "china":  # China's questions draw China alone
            assert rule.deciders == ("china",)
    assert {"china", "laos", "vietnam"} <= seen


def resolved_fixture(fixture_data):
    """The fixture's one question as three: resolved no, resolved yes, and open."""
    base = fixture_data.questions.iloc[0]
    rows = [base.copy() for _ in range(3)]
    for row, (qid, status) in zip(
        rows, [("q_no", "resolved_no"), ("q_yes", "resolved_yes"), ("q_open", "open")], strict=True
    ):
        row["question_id"], row["resolution_status"] = qid, status
    return fixture_data._replace(questions=pd.DataFrame(rows).reset_index(drop=True))


def test_the_track_record_scores_by_hand(fixture_data) -> None:
    dataset = resolved_fixture(fixture_data)
    expert = "expert-weight model (the article's argument), the case as of its date"
    frozen = [  # the later row of a question is its forecast
        {"forecast_id": "F001", "question_id": "q_no", "probability": "0.6", "rule": expert},
        {"forecast_id": "F002", "question_id": "q_no", "probability": "0.2", "rule": "equal"},
        {"forecast_id": "F003", "question_id": "q_yes", "probability": "0.9", "rule": expert},
        {"forecast_id": "F004", "question_id": "q_open", "probability": "0.7", "rule": "equal"},
    ]
    table = track_record.track_record(dataset, frozen).set_index("question_id")
    # Each row names the model of its own ledger row.
    assert table["model"].to_dict() == {
        "q_no": "headline",
        "q_yes": "what-if (the article's argument)",
        "q_open": "headline",
    }
    # The class as of 24 April 2017: China's arrests resolved by then, the question's own case
    # out: the 2012 road check alone, returned. Uniform prior: (0 + 1) / (1 + 1 + 1) = 1/3.
    assert table["base_rate"].tolist() == pytest.approx([1 / 3] * 3)
    assert table.loc["q_no", "forecast_id"] == "F002"
    assert table.loc["q_no", "brier_forecast"] == pytest.approx(0.04)  # (0.2 - 0)^2
    assert table.loc["q_no", "log_forecast"] == pytest.approx(math.log(0.8))
    assert table.loc["q_yes", "brier_forecast"] == pytest.approx(0.01)  # (0.9 - 1)^2
    assert table.loc["q_yes", "log_forecast"] == pytest.approx(math.log(0.9))
    assert table.loc["q_yes", "brier_base_rate"] == pytest.approx(4 / 9)
    assert table.loc["q_no", "log_base_rate"] == pytest.approx(math.log(2 / 3))
    assert table.loc["q_no", "brier_uninformed"] == pytest.approx(0.25)
    assert math.isnan(table.loc["q_open", "brier_forecast"])  # open: listed, not scored
    totals = track_record.summary(table.reset_index()).set_index("forecast")
    assert totals.loc["forecast", "questions"] == 2
    assert totals.loc["forecast", "brier"] == pytest.approx((0.04 + 0.01) / 2)
    assert totals.loc["forecast", "log"] == pytest.approx((math.log(0.8) + math.log(0.9)) / 2)
    assert totals.loc["base_rate", "brier"] == pytest.approx((1 / 9 + 4 / 9) / 2)
    assert totals.loc["base_rate", "log"] == pytest.approx((math.log(2 / 3) + math.log(1 / 3)) / 2)
    assert totals.loc["uninformed", "log"] == pytest.approx(math.log(0.5))
    # 0.2 and 0.9 fall in different bins, each of one outcome only: no reliability diagram.
    assert track_record.reliability(table.reset_index()) is None


def test_a_reliability_table_once_a_bin_holds_both_outcomes() -> None:
    table = pd.DataFrame({"outcome": [1.0, 0.0, 1.0], "forecast": [0.65, 0.7, 0.1]})
    bins = track_record.reliability(table)
    assert bins is not None
    row = bins[bins["bin"] == "0.60-0.80"].iloc[0]
    assert (row["cases"], row["events"]) == (2, 1)


def test_a_failing_question_is_named_and_leaves_the_others_whole(
    monkeypatch, tmp_path, data_copy
) -> None:
    from analysis.pages import report
    from analysis.pages.report import NothingToScoreError, ReportError

    questions = data_copy / "questions.csv"
    lines = questions.read_text().splitlines()
    # Three more questions on the fixture's case: one fails to build, one is refused in one
    # line (nothing to score by its date), one builds.
    names = ("q_bad", "q_refused", "q_good")
    extra = [lines[1].replace("fixture_case,", f"{name},", 1) for name in names]
    questions.write_text("\n".join([*lines, *extra]) + "\n")
    built = []

    def fake_build(output_dir, data_dir, log, case, kernels=None):
        if case == "q_bad":
            raise ReportError("notebook 03 failed: no such cell")
        if case == "q_refused":
            raise NothingToScoreError("no past case was resolved by 2001-01-01")
        (output_dir).mkdir(parents=True)
        (output_dir / "index.html").write_text("<html></html>")
        built.append(case)

    monkeypatch.setattr(report, "build_report", fake_build)
    logged = []
    failed = report.build_gallery(tmp_path, data_copy, log=logged.append)
    assert failed == [("q_bad", "ReportError: notebook 03 failed: no such cell")]
    assert built == ["q_good"]
    assert any("q_bad failed: ReportError: notebook 03 failed" in line for line in logged)
    assert any("q_refused has no report of its own: no past case" in line for line in logged)
    page = (tmp_path / "track_record.html").read_text()
    assert 'href="q_good/index.html"' in page
    assert 'href="q_bad/index.html"' not in page and 'href="q_refused/index.html"' not in page


def test_the_gallery_builds_two_questions_at_once_and_reports_failures_in_table_order(
    monkeypatch, tmp_path, data_copy
) -> None:
    import threading

    from analysis.pages import report
    from analysis.pages.report import ReportError

    questions = data_copy / "questions.csv"
    lines = questions.read_text().splitlines()
    names = ("q_first", "q_second")
    extra = [lines[1].replace("fixture_case,", f"{name},", 1) for name in names]
    questions.write_text("\n".join([*lines, *extra]) + "\n")
    # Each build waits for the other to start: built one after another, the first would wait
    # in vain and fail. The second fails first, the first after it.
    both_started = threading.Barrier(2, timeout=30)
    first_may_end = threading.Event()

    def fake_build(output_dir, data_dir, log, case, kernels=None):
        both_started.wait()
        if case == "q_second":
            first_may_end.set()
        else:
            first_may_end.wait(30)
        raise ReportError(f"{case} broke")

    monkeypatch.setattr(report, "GALLERY_WORKERS", 2)
    monkeypatch.setattr(report, "build_report", fake_build)
    failed = report.build_gallery(tmp_path, data_copy, log=lambda _: None)
    assert failed == [
        ("q_first", "ReportError: q_first broke"),
        ("q_second", "ReportError: q_second broke"),
    ]


def test_two_threads_writing_figures_never_draw_at_once(tmp_path) -> None:
    import threading

    from matplotlib.figure import Figure

    from analysis.pages import report

    drawing, overlaps = [], []

    def figure() -> Figure:
        drawing.append(1)
        overlaps.append(len(drawing))
        time.sleep(0.05)  # long enough for the other thread to start one if it may
        drawing.pop()
        return Figure(figsize=(1, 1))

    figures = {f"f{n}": figure for n in range(3)}
    threads = [
        threading.Thread(
            target=report.write_figures, args=(figures, tmp_path / name, None, ("svg",))
        )
        for name in ("a", "b")
    ]
    for name, thread in zip(("a", "b"), threads, strict=True):
        (tmp_path / name).mkdir()
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [1] * 6
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["f0.svg", "f1.svg", "f2.svg"]


def test_a_question_dated_before_any_scored_case_gets_an_empty_scoring_table(fixture_data):
    # A gallery question of 2001 finds no case of the class resolved yet: an empty table with
    # the columns, and a calibration sentence saying so, rather than a KeyError.
    from analysis.engine import scoring

    forecasts = specifications.in_time_forecasts(fixture_data, "2001-01-01")
    assert forecasts.empty
    assert list(forecasts.columns) == ["spec_id", "case_id", "forecast_day", "y", "forecast"]
    table = scoring.murphy_table(scoring.formulation_forecasts(forecasts))
    assert scoring.calibration_verdict(table).startswith("No case could be scored")


def test_the_ledger_command_prints_the_track_record(capsys) -> None:
    from analysis.cli import main

    assert main(["ledger", "--track-record"]) == 0
    out = capsys.readouterr().out
    assert "2025_jan_ukraine_pows_two" in out and "open" in out
    assert "the base rate alone" in out and "an uninformed 0.5" in out


@pytest.mark.parametrize(
    ("decided_by", "deciders", "expected"),
    [
        (
            "laos",
            "laos",
            "questions.csv:2: decided_by: not its case's decider (got 'laos', "
            "expected 'china', the decided_by of 2017_fixture_unknown in cases.csv)",
        ),
        (
            "china",
            "china; laos",
            "questions.csv:2: class_deciders: breaks the class rule (got "
            "'china; laos', expected 'china')",
        ),
        (
            "laos",
            "laos; vietnam",
            "questions.csv:2: class_deciders: breaks the class rule (got "
            "'laos; vietnam', expected 'laos' or 'laos; vietnam; thailand; russia; mongolia; "
            "other_country')",
        ),
    ],
)
def test_validate_names_a_question_that_breaks_the_decider_rule(
    data_copy, decided_by, deciders, expected
) -> None:
    from analysis.data.dataset import validate_data

    # The fixture's question is about 2017_fixture_unknown; its case row is made China's
    # (the third case's decider unknown would take any question's).
    cases = data_copy / "cases.csv"
    if decided_by != "china" and "vietnam" not in deciders:
        text = cases.read_text().replace(",unknown,,\n", ",china,,\n")
        cases.write_text(text)
    questions = data_copy / "questions.csv"
    text = questions.read_text().replace(",china,china,arrest", f",{decided_by},{deciders},arrest")
    questions.write_text(text)
    problems = [str(p).split("/")[-1] for p in validate_data(data_copy)]
    assert problems == [expected]


def test_a_laos_question_learns_from_laos_cases_resolved_before_its_date() -> None:
    # By hand from cases.csv: on 4 June 2013 Laos had decided one case on record, the nine
    # youths returned on 28 May 2013; no Chinese case enters, released or not.
    from analysis.engine.headline import headline_detail

    detail = headline_detail(load_dataset(), "2013_jun_vientiane_embassy_twenty")
    assert (detail.headline.base_cases, detail.headline.base_releases) == (1, 0)
    assert detail.headline.reference_class == "cases decided by laos"
    pooled = detail.table[detail.table["in_headline"]]
    assert set(pooled["released"] + pooled["returned"]) == {1}


def mission_question(dataset, route: str = "mission"):
    """The fixture's question with China's foreign-mission entries as its class (as
    2002_spanish_embassy's rule reads), or another ``route``."""
    questions = dataset.questions.copy()
    questions["class_route"] = route
    return dataset._replace(questions=questions)


def test_a_mission_question_with_scored_mission_cases_is_not_refused(fixture_data) -> None:
    from types import SimpleNamespace

    from analysis.pages.report import NothingToScoreError, refuse_without_scored_cases
    from analysis.record.case import case_facts

    # Without the 2012 road check, the fixture's only resolved case is the 2002 mission entry
    # (reached the South): China's arrests have nothing to score, China's missions one case.
    cases = fixture_data.cases[fixture_data.cases["case_id"] != "2012_fixture_check"]
    for route, refused in (("arrest", True), ("mission", False)):
        dataset = mission_question(fixture_data._replace(cases=cases), route)
        view = SimpleNamespace(facts=case_facts(dataset, "fixture_case"))
        if refused:
            with pytest.raises(NothingToScoreError, match=r"arrests decided by china"):
                refuse_without_scored_cases(dataset, view)
        else:
            refuse_without_scored_cases(dataset, view)  # no error: one mission case to score


def test_a_mission_questions_backtest_and_missing_outcomes_count_mission_cases_only(
    fixture_data,
) -> None:
    from analysis.engine import headline

    # By 24 April 2017 the fixture has one resolved mission entry (2002, reached the South)
    # and one resolved arrest (2012, returned); the 2017 unknown is the question's own case.
    expected = {
        "mission": (["2002_fixture_mission"], [1, 0]),
        "arrest": (["2012_fixture_check"], [0, 1]),
    }
    for route, (scored, counts) in expected.items():
        dataset = mission_question(fixture_data, route)
        detail = headline.headline_detail(dataset, "fixture_case")
        assert sorted(set(detail.forecasts["case_id"])) == scored, route
        table = headline.missing_outcome_table(dataset, "fixture_case").set_index("treatment")
        assert table.loc["missing_at_random", ["released", "returned"]].tolist() == counts


def test_another_questions_notebook_keeps_its_code_and_drops_the_main_questions_prose() -> None:
    import nbformat

    from analysis.pages.report import LEFT_OUT_NOTE, without_main_question_prose

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 02 · Timeline\n\nThe group was still held in May."),
            nbformat.v4.new_markdown_cell("## The outside view\n\nReturns dominate the class."),
            nbformat.v4.new_markdown_cell("## The Shenyang eight\n\nEight North Koreans."),
            nbformat.v4.new_markdown_cell("## March to May 2017, lane by lane\n\nA chart."),
            nbformat.v4.new_code_cell('print("the eight")  # code is the question\'s own'),
        ]
    )
    cells = without_main_question_prose(notebook).cells
    assert [cell.source for cell in cells] == [
        f"# 02 · Timeline\n\n{LEFT_OUT_NOTE}",  # the title kept, the note once
        "## The outside view",  # a heading of no case kept, its prose out
        "",  # its heading names the main group
        "",  # its heading names the main case's year
        'print("the eight")  # code is the question\'s own',
    ]


def test_a_questions_what_if_learns_its_base_rate_from_the_questions_own_class(
    fixture_data,
) -> None:
    from analysis.engine import whatif

    # Today's record: the 2002 mission entry reached the South, the 2012 road check was
    # returned; the question's own 2017 case has no outcome. Uniform prior, so by hand the
    # mission class gives Beta(1 + 1, 1 + 0) and the arrest class Beta(1 + 0, 1 + 1).
    for route, (alpha, beta, mission_in) in {
        "mission": (2, 1, True),
        "arrest": (1, 2, False),
    }.items():
        view = whatif.question_whatif(mission_question(fixture_data, route), "fixture_case", 500)
        assert (view.record_model.base_alpha, view.record_model.base_beta) == (alpha, beta)
        assert ("2002_fixture_mission" in set(view.reference_cases["case_id"])) is mission_in


def test_the_committed_question_notebooks_prepared_for_another_question_name_no_main_case() -> None:
    """What a kernel is given for another question's page: no source of 02 or 04 may name the
    main question's case (its id, its group, its dates); the outputs are that question's."""
    import re

    import nbformat

    from analysis import paths
    from analysis.defaults import DEFAULT_CASE
    from analysis.pages.report import inject_parameters, takes_question, without_main_question_prose

    words = re.compile(rf"(?i){DEFAULT_CASE}|shenyang|\beight\b|\b2017\b|24 april")
    for source in sorted(paths.NOTEBOOKS_DIR.glob("0*.ipynb")):
        if not takes_question(source):
            continue
        notebook = nbformat.read(source, as_version=4)
        prepared = without_main_question_prose(
            inject_parameters(notebook, "2013_laos_nine_via_china")
        )
        named = [c.source for c in prepared.cells if words.search(c.source)]
        assert named == [], source.name


@pytest.mark.parametrize(
    "where",
    ["inside the main report", "the main question alone", "another question alone"],
)
def test_a_questions_folder_holds_its_own_notebooks_and_links_the_records(
    where, monkeypatch, tmp_path, data_copy
) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from analysis.pages import report

    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    parameters = new_code_cell("CASE = 'main'")
    parameters.metadata["tags"] = ["parameters"]
    record = new_notebook(cells=[new_markdown_cell("# 01 · The record"), new_code_cell("1")])
    question = new_notebook(cells=[new_markdown_cell("# 02 · The question"), parameters])
    nbformat.write(record, notebooks / "01_record.ipynb")
    nbformat.write(question, notebooks / "02_question.ipynb")
    ran = []

    def without_kernel(source, _cwd, _data, case, _full, _kernels=None):
        ran.append(source.name)
        return nbformat.read(source, as_version=4)

    monkeypatch.setattr(report, "_execute", without_kernel)
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    target = tmp_path / "out" / "notebooks"
    record_pages, record_link, record_title = {
        "inside the main report": (
            "../notebooks",
            "../notebooks/01_record.html",
            "01 · The record" + report.RECORD_NOTE,
        ),
        "the main question alone": (
            report.RECORD_HERE,
            "notebooks/01_record.html",
            "01 · The record" + report.RECORD_NOTE,
        ),
        # Named, unlinked, not run: the record's pages are about the main question's case.
        "another question alone": (
            report.RECORD_LEFT_OUT,
            "no-link:01_record.html",
            "01 · The record (the record's, about the main question's case: not in this "
            "question's report; the command make report builds it in the main report)",
        ),
    }[where]
    pages, _ = report._write_notebooks(notebooks, target, data_copy, "q", "", "", record_pages)
    assert pages == {record_link: record_title, "notebooks/02_question.html": "02 · The question"}
    written_here = where == "the main question alone"
    assert (target / "01_record.html").exists() is written_here
    assert sorted(ran) == (["01_record.ipynb"] if written_here else []) + ["02_question.ipynb"]
