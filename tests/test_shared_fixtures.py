"""The store of computed results (analysis.cache) shares a result only between equal data."""

from __future__ import annotations

from analysis.cache import dataset_digest
from analysis.data.dataset import load_dataset
from tests.conftest import VALID_FIXTURE


def test_the_digest_is_the_same_for_the_same_data_and_sees_one_changed_value(edit_table) -> None:
    assert dataset_digest(load_dataset(VALID_FIXTURE)) == dataset_digest(
        load_dataset(VALID_FIXTURE)
    )
    # One weight's mean, 0.8 -> 0.7: a different headline, so a different key.
    changed = edit_table("weights.csv", lambda text: text.replace("w_tension,0.8", "w_tension,0.7"))
    assert dataset_digest(load_dataset(changed)) != dataset_digest(load_dataset(VALID_FIXTURE))


def test_the_digest_sees_a_changed_date(edit_table) -> None:
    events = (VALID_FIXTURE / "events.csv").read_text(encoding="utf-8")
    assert "2017-03-11" in events
    changed = edit_table("events.csv", lambda text: text.replace("2017-03-11", "2017-03-12", 1))
    assert dataset_digest(load_dataset(changed)) != dataset_digest(load_dataset(VALID_FIXTURE))
