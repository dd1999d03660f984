"""A new user's first commands: --version, a missing folder, an as-of date past the record."""

from __future__ import annotations

import pytest

from analysis.cli import main
from tests.conftest import VALID_FIXTURE

# The fixture's last event: E002, dated to the month of April 2017, may have happened as late
# as 2017-04-30 (its date_latest).
LAST_EVENT = "2017-04-30"


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == "python -m analysis 0.1.0\n"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2017-04-24", None),
        (LAST_EVENT, None),
        ("2017-05-10", "is 10 days after the last dated event in events.csv (2017-04-30)"),
        ("2018-05-01", "is 366 days after the last dated event in events.csv (2017-04-30)"),
    ],
)
def test_as_of_past_the_record_warns_the_levels_have_decayed(
    as_of: str, expected: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["scenario", "--as-of", as_of, "--draws", "100", "--data-dir", str(VALID_FIXTURE)]
    assert main(argv) == 0
    err = capsys.readouterr().err
    if expected is None:
        assert err == ""
    else:
        assert expected in err
        assert "base rate" in err and err.count("\n") == 1
    # 366 days is past the one-year window: the levels are then exactly 0.
    assert ("the levels are 0" in err) == (as_of == "2018-05-01")
