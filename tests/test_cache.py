"""The store of computed results: an entry serves only the same tables and code, a broken or
foreign entry is recomputed, two writers leave a whole entry, an unwritable place still works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from analysis import cache, paths
from analysis.cli import main
from analysis.data import dataset as dataset_module
from analysis.data.dataset import load_dataset
from analysis.data.tables import Dataset, DataValidationError
from tests.conftest import VALID_FIXTURE

# /proc refuses new folders even to root: a place nothing can write.
UNWRITABLE = Path("/proc/analysis-no-cache")
PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of this test's own, named by ANALYSIS_CACHE_DIR."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.DIR_VARIABLE, str(folder))
    monkeypatch.delenv(cache.SWITCH_VARIABLE, raising=False)
    return folder


CALLS: list[tuple[str, str]] = []


@cache.memoized
def released_cases(dataset, outcome: str = "reached_south_or_third_country") -> list[str]:
    """A pure function of the tables that records each time it really runs."""
    CALLS.append(("released_cases", outcome))
    return sorted(dataset.cases.loc[dataset.cases["outcome"] == outcome, "case_id"].astype(str))


@pytest.fixture
def calls() -> list[tuple[str, str]]:
    CALLS.clear()
    return CALLS


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{cache.SUFFIX}"))


def tables_of(folder: Path) -> Dataset:
    """``load_dataset(folder)`` with the store off, so that the entries a test counts are those
    of the function it decorates (a load keeps an entry of its own: see the test below)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.SWITCH_VARIABLE, "off")
        return load_dataset(folder)


def test_the_same_tables_are_computed_once_and_a_changed_table_misses(
    store: Path, calls: list, edit_table
) -> None:
    data = tables_of(VALID_FIXTURE)
    first = released_cases(data)
    assert released_cases(tables_of(VALID_FIXTURE)) == first  # another load, same content
    assert len(calls) == 1 and len(entries(store)) == 1
    # One outcome changed in cases.csv: a different key, so computed again, and right.
    cases = (VALID_FIXTURE / "cases.csv").read_text(encoding="utf-8")
    assert cases.count(",returned,") == 1
    released = ",reached_south_or_third_country,"
    changed = tables_of(edit_table("cases.csv", lambda t: t.replace(",returned,", released)))
    assert len(released_cases(changed)) == len(first) + 1
    assert len(calls) == 2 and len(entries(store)) == 2
    # Another argument is another key too.
    released_cases(data, "returned")
    assert calls[-1] == ("released_cases", "returned") and len(calls) == 3


def test_a_folder_is_read_and_checked_once_and_a_changed_file_misses(
    store: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Path] = []
    read_and_check = dataset_module._read_and_check

    def counted(folder: Path):
        reads.append(folder)
        return read_and_check(folder)

    monkeypatch.setattr(dataset_module, "_read_and_check", counted)
    first = load_dataset(data_copy)
    second = load_dataset(data_copy)
    assert len(reads) == 1 and len(entries(store)) == 1
    for fresh, stored in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(stored, fresh)  # values, dtypes, categories, index
    second.cases.loc[0, "title"] = "changed in memory"  # a copy of its own: the next is whole
    assert load_dataset(data_copy).cases.loc[0, "title"] == first.cases.loc[0, "title"]
    # One character of one file: another key, read again, and the edit is there.
    cases = data_copy / "cases.csv"
    title = str(first.cases.loc[0, "title"])
    cases.write_text(cases.read_text(encoding="utf-8").replace(title, f"{title}!", 1))
    assert load_dataset(data_copy).cases.loc[0, "title"] == f"{title}!"
    assert len(reads) == 2 and len(entries(store)) == 2


def test_a_failed_a_large_or_a_changing_folder_keeps_no_entry(
    store: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = data_copy / "cases.csv"
    good = cases.read_text(encoding="utf-8")
    cases.write_text(good.replace(",returned,", ",gone,", 1), encoding="utf-8")
    for _ in range(2):  # the problem is found and said each time
        with pytest.raises(DataValidationError, match="cases.csv"):
            load_dataset(data_copy)
    assert entries(store) == []
    cases.write_text(good, encoding="utf-8")
    read_and_check = dataset_module._read_and_check

    def edited_while_read(folder: Path):
        checked = read_and_check(folder)
        cases.write_text(good + "\n", encoding="utf-8")  # after the read, before the keep
        return checked

    monkeypatch.setattr(dataset_module, "_read_and_check", edited_while_read)
    load_dataset(data_copy)
    assert entries(store) == []
    monkeypatch.setattr(dataset_module, "_read_and_check", read_and_check)
    size = sum(path.stat().st_size for path in data_copy.iterdir())
    monkeypatch.setattr(dataset_module, "STORED_FOLDER_BYTES", size - 1)
    load_dataset(data_copy)
    assert entries(store) == []
    monkeypatch.setattr(dataset_module, "STORED_FOLDER_BYTES", size)
    load_dataset(data_copy)
    assert len(entries(store)) == 1


def test_off_computes_every_time_and_keeps_nothing(
    store: Path, calls: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.SWITCH_VARIABLE, "off")
    data = tables_of(VALID_FIXTURE)
    released_cases(data)
    released_cases(data)
    assert len(calls) == 2 and not store.exists()


@pytest.mark.parametrize(
    "damage",
    ["cut short", "one payload byte changed", "another key's entry", "empty", "old format"],
)
def test_a_corrupt_or_foreign_entry_is_refused_and_recomputed(
    damage: str, store: Path, calls: list
) -> None:
    data = tables_of(VALID_FIXTURE)
    right = released_cases(data)
    other = released_cases(data, "returned")
    assert right != other
    name = f"{__name__}.released_cases"
    mine, theirs = (
        store / f"{cache.entry_key(name, cache.dataset_digest(data), (('outcome', o),))}"
        f"{cache.SUFFIX}"
        for o in ("reached_south_or_third_country", "returned")
    )
    assert {mine, theirs} == set(entries(store))  # the keys are what the decorator uses
    whole = mine.read_bytes()
    mine.write_bytes(
        {
            "cut short": whole[:-10],
            # Inside a case id: a payload that still unpickles, to a wrong answer.
            "one payload byte changed": whole.replace(b"fixture", b"fixtura", 1),
            "another key's entry": theirs.read_bytes(),
            "empty": b"",
            "old format": whole.replace(cache.FORMAT, b"analysis-cache 0\n", 1),
        }[damage]
    )
    assert released_cases(data) == right
    assert len(calls) == 3  # computed again
    assert mine.read_bytes() == whole  # and stored whole again
    assert released_cases(data) == right and len(calls) == 3


def test_a_changed_module_misses(tmp_path: Path) -> None:
    # A copy of the package, run in fresh processes sharing one store: the same code hits the
    # entry the first run wrote; one comment added to one module asks for a new one.
    package = tmp_path / "src" / "analysis"
    shutil.copytree(
        paths.PROJECT_ROOT / "src" / "analysis",
        package,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    script = textwrap.dedent(
        f"""
        from analysis import cache
        from analysis.data.dataset import load_dataset

        @cache.memoized
        def count(dataset):
            print("computed")
            return len(dataset.cases)

        print(count(load_dataset({str(VALID_FIXTURE)!r})))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(package.parent), cache.DIR_VARIABLE: str(tmp_path / "c")}
    env.pop(cache.SWITCH_VARIABLE, None)

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        return done.stdout.split()

    rows = str(len(load_dataset(VALID_FIXTURE).cases))
    assert run() == ["computed", rows]
    assert run() == [rows]
    scoring = package / "engine" / "scoring.py"
    scoring.write_text(scoring.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert run() == ["computed", rows]


WRITER = """
import sys
from pathlib import Path
from analysis import cache
folder, tag = Path(sys.argv[1]), sys.argv[2]
for _ in range(40):
    cache.write_entry(folder, "k" * 64, (tag, bytes(2_000_000)))
"""


def test_two_writers_of_one_key_leave_a_whole_entry(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(folder), tag]) for tag in ("a", "b")
    ]
    seen = set()
    while any(writer.poll() is None for writer in writers):
        found = cache.read_entry(folder, "k" * 64)  # None only before the first rename
        if found is not None:
            assert found[1] == bytes(2_000_000)
            seen.add(found[0])
    assert [writer.returncode for writer in writers] == [0, 0]
    tag, payload = cache.read_entry(folder, "k" * 64)
    assert tag in ("a", "b") and payload == bytes(2_000_000)
    assert seen <= {"a", "b"}
    assert [p.name for p in folder.iterdir()] == ["k" * 64 + cache.SUFFIX]  # no temporary left


def test_nowhere_to_write_still_computes(monkeypatch: pytest.MonkeyPatch, calls: list) -> None:
    monkeypatch.setenv(cache.DIR_VARIABLE, str(UNWRITABLE))
    data = tables_of(VALID_FIXTURE)
    assert released_cases(data) == released_cases(data)
    assert len(calls) == 2


def test_a_read_only_project_keeps_its_entries_in_the_users_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, calls: list
) -> None:
    monkeypatch.delenv(cache.DIR_VARIABLE, raising=False)
    monkeypatch.setattr(paths, "PROJECT_ROOT", UNWRITABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    data = tables_of(VALID_FIXTURE)
    released_cases(data)
    released_cases(data)
    assert len(calls) == 1
    assert len(entries(tmp_path / "xdg" / "shenyang-analysis")) == 1


def test_the_data_digest_does_not_depend_on_the_hash_seed() -> None:
    # This process's seed is random or the make target's; the child's is another.
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    code = (
        "from analysis.cache import dataset_digest; "
        "from analysis.data.dataset import load_dataset; "
        f"print(dataset_digest(load_dataset({str(VALID_FIXTURE)!r})))"
    )
    child = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": seed},
        check=True,
    )
    assert child.stdout == cache.dataset_digest(load_dataset(VALID_FIXTURE)) + "\n"


def test_cache_clear_removes_the_entries_and_nothing_else(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    released_cases(tables_of(VALID_FIXTURE))
    (store / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == f"cache: removed 1 entry from {store}\n"
    assert entries(store) == [] and (store / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == f"cache: removed 0 entries from {store}\n"


# --- the command line's replay ----------------------------------------------------------------

LATE = ["scenario", "--data-dir", str(VALID_FIXTURE), "--as-of", "2017-05-10", "--draws", "100"]


def test_a_command_is_replayed_word_for_word_without_being_run(
    store: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis.engine import whatif

    assert main(LATE) == 0
    first = capsys.readouterr()
    assert "warning" in first.err and "P(release)" in first.out  # both streams are kept

    def not_again(*_args, **_kwargs):
        raise AssertionError("the command ran again instead of being replayed")

    monkeypatch.setattr(whatif, "whatif_at", not_again)
    assert main(LATE) == 0
    assert capsys.readouterr() == first
    with pytest.raises(AssertionError, match="ran again"):  # another argument is run
        main([*LATE, "--seed", "7"])


def test_a_changed_table_or_argument_runs_the_command_again(
    store: Path, capsys: pytest.CaptureFixture[str], edit_table
) -> None:
    argv = ["scenario", "--json", "--pressure", "0.5", "--tension", "0.5", "--draws", "100"]
    assert main([*argv, "--data-dir", str(VALID_FIXTURE)]) == 0
    before = json.loads(capsys.readouterr().out)
    # The tension weight's mean 0.8 -> 0.0: P(release) at tension 0.5 must fall.
    folder = edit_table("weights.csv", lambda text: text.replace("w_tension,0.8", "w_tension,0.0"))
    assert main([*argv, "--data-dir", str(folder)]) == 0
    after = json.loads(capsys.readouterr().out)["what_if"]
    assert after["p_release"] < before["what_if"]["p_release"]
    assert main([*argv, "--data-dir", str(VALID_FIXTURE), "--seed", "7"]) == 0
    assert json.loads(capsys.readouterr().out)["what_if"]["seed"] == 7


def test_a_failed_command_is_not_kept(store: Path, capsys, edit_table) -> None:
    folder = edit_table("weights.csv", lambda text: text.replace("w_tension,0.8", "w_tension,x"))
    assert main(["scenario", "--data-dir", str(folder), "--pressure", "0", "--tension", "0"]) == 2
    assert "weights.csv:" in capsys.readouterr().err
    assert entries(store) == []


def test_a_replayed_command_does_not_load_pandas(store: Path) -> None:
    code = (
        "import sys; from analysis.cli import main; "
        f"main({LATE!r}); print('pandas' in sys.modules, file=sys.stderr)"
    )
    loaded = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stderr.splitlines()[-1]
        for _ in range(2)
    ]
    assert loaded == ["True", "False"]


# --- the report's notebooks and figures -------------------------------------------------------

PRINTS_A_FRESH_ID = "import uuid\nprint(uuid.uuid4())"


def test_a_notebook_is_executed_again_only_when_its_inputs_change(
    store: Path, data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from analysis.pages import report

    source = tmp_path / "01_fresh.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(PRINTS_A_FRESH_ID)]), source)

    def printed() -> str:
        return report.execute_notebook(source, tmp_path, data_copy).cells[-1].outputs[0].text

    first = printed()
    assert printed() == first  # the same notebook, data and options: from the store
    (data_copy / "codebook.csv").write_text("edited\n", encoding="utf-8")  # not a table
    assert printed() != first
    # The rest of what the key holds, without starting more kernels: each is another key.
    key = report._execution_key(source, data_copy, None, False)
    with monkeypatch.context() as inherited:  # what the kernel inherits that shapes outputs
        inherited.setenv("MPLBACKEND", "svg")
        others = {report._execution_key(source, data_copy, None, False)}
    others |= {
        report._execution_key(source, data_copy, "fixture_case", False),
        report._execution_key(source, data_copy, None, True),
    }
    nbformat.write(new_notebook(cells=[new_code_cell(PRINTS_A_FRESH_ID + " ")]), source)
    others.add(report._execution_key(source, data_copy, None, False))
    assert len(others) == 4 and key not in others


def test_a_record_notebook_runs_once_for_every_question_and_a_question_notebook_per_question(
    store: Path, data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from analysis.pages import report

    record, question = tmp_path / "01_record.ipynb", tmp_path / "02_question.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("print('the record')")]), record)
    parameters = new_code_cell("CASE = 'main'")
    parameters.metadata["tags"] = ["parameters"]
    nbformat.write(new_notebook(cells=[parameters, new_code_cell("print(CASE)")]), question)
    runs: list[tuple[str, str | None]] = []

    def counted(source: Path, _cwd: Path, _data: Path, case: str | None, _full: bool, _kept=None):
        runs.append((source.name, case))  # what a kernel would have been started for
        return nbformat.read(source, as_version=4)

    monkeypatch.setattr(report, "_execute", counted)
    for case in ("question_a", "question_b", "question_a"):
        for source in (record, question):
            report.execute_notebook(source, tmp_path, data_copy, case)
    assert (report.takes_question(record), report.takes_question(question)) == (False, True)
    assert runs == [
        ("01_record.ipynb", None),  # once, without the question: the same for both
        ("02_question.ipynb", "question_a"),
        ("02_question.ipynb", "question_b"),  # question_a again comes from the store
    ]


def test_the_committed_record_notebooks_take_no_question() -> None:
    from analysis.pages.report import takes_question

    taking = {s.name: takes_question(s) for s in sorted(paths.NOTEBOOKS_DIR.glob("0*.ipynb"))}
    assert taking == {
        "01_events_and_actors.ipynb": False,
        "02_timeline.ipynb": True,
        "03_history.ipynb": False,
        "04_scenarios.ipynb": True,
    }


def test_the_report_figures_are_written_from_the_store_as_drawn(
    store: Path, tmp_path: Path, edit_table, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    from analysis.engine.whatif import question_whatif
    from analysis.pages import report

    def two_small_figures(*_args) -> dict:
        # Stand-ins for the eight (drawn and checked in test_charts): cheap, and not alike.
        def line(slope: float) -> Figure:
            figure = Figure(figsize=(2, 1))
            figure.add_subplot().plot([0, 1], [0, slope])
            return figure

        return {"rising": lambda: line(1.0), "falling": lambda: line(-1.0)}

    def figures_of(data, folder: Path, **formats) -> dict[str, tuple[bytes, int]]:
        view = question_whatif(data, "fixture_case", draws=100)
        written = report.write_report_figures(data, view, None, folder, **formats)
        return {p.name: (p.read_bytes(), p.stat().st_mode & 0o777) for p in written}

    monkeypatch.setattr(report, "report_figures", two_small_figures)
    data = load_dataset(VALID_FIXTURE)
    drawn = figures_of(data, tmp_path / "drawn")
    assert sorted(drawn) == ["falling.png", "falling.svg", "rising.png", "rising.svg"]

    def not_drawn(*_args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(report, "report_figures", not_drawn)
    assert figures_of(data, tmp_path / "kept") == drawn  # same bytes, same modes
    assert sorted(p.name for p in (tmp_path / "kept").iterdir()) == sorted(drawn)
    changed = edit_table("weights.csv", lambda text: text.replace("w_tension,0.8", "w_tension,0.7"))
    with pytest.raises(AssertionError, match="drawn again"):
        figures_of(load_dataset(changed), tmp_path / "changed")
    # Another question's report writes its SVGs alone: another entry, and not the main one's.
    with pytest.raises(AssertionError, match="drawn again"):
        figures_of(data, tmp_path / "svg", formats=("svg",))
    monkeypatch.setattr(report, "report_figures", two_small_figures)
    svg_only = figures_of(data, tmp_path / "svg", formats=("svg",))
    assert svg_only == {name: drawn[name] for name in ("falling.svg", "rising.svg")}
    monkeypatch.setattr(report, "report_figures", not_drawn)
    assert figures_of(data, tmp_path / "main again") == drawn  # both entries kept


def test_a_figure_drawn_from_the_tables_alone_is_drawn_once_for_every_question(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.figure import Figure

    from analysis.engine.whatif import question_whatif
    from analysis.pages import report

    drawn: list[str] = []

    def stand_ins(_data, view, *_args) -> dict:
        # Cheap stand-ins: one figure of the question, one of the tables alone.
        def line(name: str, slope: float) -> Figure:
            drawn.append(name)
            figure = Figure(figsize=(2, 1))
            figure.add_subplot().plot([0, 1], [0, slope])
            return figure

        own = len(str(view.facts.question["question_id"]))  # differs between the two
        return {
            "own": lambda: line("own", own),
            "measured_series": lambda: line("measured_series", -1.0),
        }

    def written(data, question: str, folder: Path, formats: tuple[str, ...]) -> dict:
        view = question_whatif(data, question, draws=100)
        paths_ = report.write_report_figures(data, view, None, folder, formats=formats)
        return {p.name: p.read_bytes() for p in paths_}

    assert "measured_series" in report.QUESTION_FREE_FIGURES
    monkeypatch.setattr(report, "report_figures", stand_ins)
    data = load_dataset(paths.DATA_DIR)
    first = written(data, "2012_shenyang_31", tmp_path / "a", ("svg",))
    second = written(data, "2002_spanish_embassy", tmp_path / "b", ("svg",))
    assert drawn == ["measured_series", "own", "own"]  # once for the two questions
    assert second["measured_series.svg"] == first["measured_series.svg"]
    assert second["own.svg"] != first["own.svg"]
    # The main report's PNG and SVG are drawn together (an SVG saved after a PNG is laid out
    # for the PNG's renderer), and kept apart from the SVG drawn alone.
    main = written(data, "2017_shenyang_eight", tmp_path / "main", ("png", "svg"))
    assert drawn[3:] == ["measured_series", "own"]
    assert sorted(main) == ["measured_series.png", "measured_series.svg", "own.png", "own.svg"]
    again = written(data, "2012_shenyang_31", tmp_path / "a again", ("svg",))
    assert again == first and drawn[5:] == []
    # Other tables (the weights' sds doubled): drawn again.
    changed = data._replace(weights=data.weights.assign(sd=data.weights["sd"] * 2))
    written(changed, "2012_shenyang_31", tmp_path / "c", ("svg",))
    assert drawn[5:] == ["measured_series", "own"]


def test_a_notebook_page_is_rendered_once_for_the_same_notebook_banner_and_footer(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbformat.v4 import new_markdown_cell, new_notebook

    from analysis.pages import report

    rendered = []

    def counting(notebook, codes, banner, footer) -> str:
        rendered.append((notebook.cells[0].source, banner, footer))
        return f"<p>{notebook.cells[0].source} {banner} {footer}</p>"

    monkeypatch.setattr(report, "render_html", counting)
    page = new_notebook(cells=[new_markdown_cell("# 02 · A page")])
    first = report.rendered_html(page, frozenset({"code_a"}), "banner", "footer")
    again = report.rendered_html(page, frozenset({"code_a"}), "banner", "footer")
    assert first == again == "<p># 02 · A page banner footer</p>"
    assert len(rendered) == 1  # the second came from the store
    # Another footer (a new commit), other codes or another notebook: rendered again.
    report.rendered_html(page, frozenset({"code_a"}), "banner", "other footer")
    report.rendered_html(page, frozenset({"code_b"}), "banner", "footer")
    other = new_notebook(cells=[new_markdown_cell("# 04 · Another")])
    report.rendered_html(other, frozenset({"code_a"}), "banner", "footer")
    assert len(rendered) == 4
