"""The store of computed results (analysis.cache) shares a result only between equal data."""

from __future__ import annotations

import collections

import pandas as pd
import pytest

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


def _toy() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series(["a", "b", None], dtype="str"),
            "other": pd.Series(["c", "d", "e"], dtype="str"),
            "mixed": pd.Series(["x", 1.5, None], dtype=object),
            "level": pd.Categorical(["low", "high", "low"], categories=["low", "high"]),
            "count": pd.Series([1, 2, 3], dtype="int64"),
            "share": pd.Series([0.1, 0.2, float("nan")], dtype="float64"),
            "day": pd.to_datetime(["2017-03-11", "2017-03-12", "2017-04-24"]).astype(
                "datetime64[s]"
            ),
            "known": pd.Series([1, None, 3], dtype="Int64"),
            "flag": [True, False, True],
        }
    )


Toy = collections.namedtuple("Toy", ["table"])


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.assign(text=pd.Series(["a", "b", "nan"], dtype="str")),  # missing vs "nan"
        lambda t: t.assign(text=t["other"], other=t["text"]),  # two columns' values swapped
        lambda t: t.assign(mixed=pd.Series(["x", 1.5000000000000002, None], dtype=object)),
        lambda t: t.assign(level=t["level"].cat.reorder_categories(["high", "low"])),
        lambda t: t.assign(level=pd.Categorical(["low", "low", "low"], ["low", "high"])),
        lambda t: t.assign(count=[1, 2, 4]),
        lambda t: t.assign(share=[0.1, 0.2, 0.0]),
        lambda t: t.assign(day=t["day"] + pd.Timedelta(seconds=1)),
        lambda t: t.assign(known=pd.Series([1, 2, 3], dtype="Int64")),
        lambda t: t.assign(flag=[True, True, True]),
        lambda t: t.set_axis([0, 1, 5]),
        lambda t: t.rename(columns={"count": "counted"}),
    ],
    ids=[
        "missing-text",
        "swapped-columns",
        "object-float-last-digit",
        "category-order",
        "category-code",
        "int",
        "float-nan",
        "datetime-second",
        "nullable-int",
        "bool",
        "index",
        "column-name",
    ],
)
def test_the_digest_sees_one_change_in_each_kind_of_column(edit) -> None:
    # Each edit changes one thing a result could depend on; an equal copy keeps the digest.
    base = dataset_digest(Toy(_toy()))
    assert dataset_digest(Toy(_toy().copy(deep=True))) == base
    assert dataset_digest(Toy(edit(_toy()))) != base
