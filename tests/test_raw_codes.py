"""No stored notebook output shows NaN, a dtype line or a raw outcome or axis code."""

from __future__ import annotations

import pytest

from analysis import paths
from tests.raw_codes import forbidden_codes, raw_codes, shown_outputs

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_the_scan_sees_each_kind_of_raw_code() -> None:
    codes = forbidden_codes()
    assert {"reached_south_or_third_country", "plus_third_country", "half_life_30"} <= codes
    text = "low NaN, dtype: float64; reached_south_or_third_country; half_life_30 here"
    assert raw_codes(text, codes) == [
        "NaN",
        "dtype:",
        "reached_south_or_third_country",
        "half_life_30",
    ]
    assert raw_codes("reached South Korea or a third country; half-life 30 days", codes) == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.name for n in NOTEBOOKS])
def test_stored_outputs_show_no_raw_codes(notebook) -> None:
    codes = forbidden_codes()
    found = {
        f"cell {number}": sorted(set(raw_codes(text, codes)))
        for number, text in shown_outputs(notebook)
        if raw_codes(text, codes)
    }
    assert found == {}
