"""Dollar signs in every text column of every table: every command survives them, and the
report's charts draw them as written, never as matplotlib math. The one whole report built on
hostile text (issue 24); the other probes are in test_hostile_commands."""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
from matplotlib.text import Text

from analysis import cache, paths
from analysis.cli import main
from analysis.data.schema import CODEBOOK, TABLES
from tests.test_hostile_commands import rewrite, run

DOLLARS = "US$5 and US$10"
MATH_BREAKER = "Price $^$ broken"
HOSTILE_TEXT = f"{DOLLARS}, {MATH_BREAKER}"


def with_hostile_text(value: str, line: int, limit: int | None) -> str:
    """``value`` led by HOSTILE_TEXT (and the line, so short labels stay distinct), cut to
    ``limit`` characters."""
    text = f"{HOSTILE_TEXT} {line} {value}"
    return text[:limit].rstrip() if limit else text


@pytest.fixture(scope="module")
def dollar_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/ with HOSTILE_TEXT in every text and text-list column of every table."""
    folder = tmp_path_factory.mktemp("dollars") / "data"
    shutil.copytree(paths.DATA_DIR, folder)
    for schema in (*TABLES, CODEBOOK):
        columns = [c for c in schema.columns if c.kind in ("text", "text_list")]

        def change(row: dict[str, str], line: int, columns=columns) -> None:
            for column in columns:
                if not row[column.name]:
                    continue
                if column.kind == "text":
                    row[column.name] = with_hostile_text(row[column.name], line, column.max_length)
                else:
                    items = row[column.name].split(";")
                    row[column.name] = ";".join(f"{item.strip()} {DOLLARS}" for item in items)

        rewrite(folder / schema.filename, change)
    return folder


class ClosedAfterTwoLines(io.StringIO):
    """A stdout whose reader leaves after two lines, as ``| head -2`` does."""

    def __init__(self, fileno: int) -> None:
        super().__init__()
        self._fileno = fileno

    def fileno(self) -> int:
        return self._fileno

    def write(self, text: str) -> int:
        if self.getvalue().count("\n") >= 2:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_every_command_survives_dollars_in_every_text_column_and_draws_them_as_written(
    dollar_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A store of this test's own, empty, for every command: each computes what it needs once
    # (the report and its kernels take the headline the ledger kept), and every figure is
    # drawn afresh (one replayed from an earlier run on the same copy draws no text this test
    # could see).
    monkeypatch.setenv(cache.DIR_VARIABLE, str(tmp_path / "store"))
    assert run("validate", str(dollar_data)).returncode == 0
    for args in (["--case", "2017_shenyang_eight"], ["--pressure", "0.5", "--tension", "0.5"]):
        done = run("scenario", *args, "--data-dir", str(dollar_data))
        assert done.returncode == 0, done.stderr
    assert run("ledger", "--data-dir", str(dollar_data)).returncode == 0
    # The report, in this process so that every text its charts draw can be seen, into a
    # stdout that closes after two lines (``report | head -2``): the build must go on.
    drawn: list[tuple[str, bool]] = []
    draw = Text.draw

    def recording(self: Text, renderer) -> None:
        drawn.append((self.get_text(), self._preprocess_math(self.get_text())[1]))
        draw(self, renderer)

    monkeypatch.setattr(Text, "draw", recording)
    monkeypatch.setattr(paths, "DATA_DIR", dollar_data)
    with (tmp_path / "stdout").open("w") as sink:
        monkeypatch.setattr(sys, "stdout", ClosedAfterTwoLines(sink.fileno()))
        code = main(["report", "--output", str(tmp_path / "reports")])
    assert code == 0
    assert (tmp_path / "reports" / "index.html").is_file()
    assert [text for text, is_math in drawn if is_math] == []
    shown = [text for text, _ in drawn]
    assert any(MATH_BREAKER in text for text in shown)  # the data's text reached the charts
    assert any(DOLLARS in text for text in shown)
    assert not any("US5andUS10" in text for text in shown)
