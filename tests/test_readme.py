"""The README's pictures are exactly what the main command draws from the committed data."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

from analysis import paths
from analysis.data.dataset import load_dataset
from analysis.engine.headline import headline_detail
from analysis.engine.whatif import question_whatif
from analysis.pages import report

matplotlib.use("agg")

README = paths.PROJECT_ROOT / "README.md"
IMAGES = paths.PROJECT_ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("figures")
    dataset = load_dataset()
    figures = report.report_figures(dataset, question_whatif(dataset), headline_detail(dataset))
    shown = [Path(image).stem for image in readme_images()]
    report.write_figures({stem: figures[stem] for stem in shown}, folder)  # those alone
    return folder


def readme_images() -> list[str]:
    return re.findall(r"!\[[^\]]+\]\((docs/images/[^)]+)\)", README.read_text(encoding="utf-8"))


def test_readme_shows_the_timeline_the_plane_and_the_measured_series() -> None:
    assert readme_images() == [
        "docs/images/case_timeline.png",
        "docs/images/scenarios_plane.png",
        "docs/images/measured_series.png",
    ]


@pytest.mark.parametrize("image", readme_images())
def test_committed_image_equals_the_drawn_figure(image: str, drawn: Path) -> None:
    committed = paths.PROJECT_ROOT / image
    fresh = drawn / committed.name
    assert committed.read_bytes() == fresh.read_bytes(), (
        f"{image} is stale: run `make report` and `make readme-images`, then commit it"
    )


def test_the_readme_states_the_headline_the_package_computes() -> None:
    from analysis.engine.headline import headline

    stated = headline(load_dataset())
    text = README.read_text(encoding="utf-8")
    assert (
        f"P(release) = {stated.p_release:.2f}, 80% interval {stated.low:.2f}-{stated.high:.2f}"
        in (text)
    )
    assert f"range from {stated.spec_low:.2f} to {stated.spec_high:.2f}" in text
    assert "not on record" in text
