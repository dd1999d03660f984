"""What a reader must never meet in a shown output: pandas' NaN, a dtype line, or the
codebook's outcome codes and the multiverse's axis codes as identifiers."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from analysis import paths
from analysis.engine.specifications import CHOICES

SHOWN_TYPES = ("text/plain", "text/html", "text/markdown")


def forbidden_codes(data_dir: Path = paths.DATA_DIR) -> frozenset[str]:
    """The ``snake_case`` outcome codes of the codebook (every column named ``outcome``) and the
    multiverse's axes and their values: the ones a reader would see as identifiers."""
    with (data_dir / "codebook.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    outcomes = {
        value
        for row in rows
        if row["column"] == "outcome"
        for value in row["allowed_values"].split(";")
    }
    axes = set(CHOICES) | {value for values in CHOICES.values() for value in values}
    return frozenset(code for code in outcomes | axes if "_" in code)


def raw_codes(text: str, codes: frozenset[str]) -> list[str]:
    """Every forbidden token in ``text``: NaN, "dtype:" and ``codes`` as whole identifiers."""
    found = re.findall(r"\bNaN\b|dtype:", text)
    pattern = r"(?<![\w.])(" + "|".join(map(re.escape, sorted(codes))) + r")(?![\w])"
    return found + re.findall(pattern, text)


def shown_outputs(notebook: Path) -> list[tuple[int, str]]:
    """(cell number from 1, text) of every output a reader sees: streams and the text, HTML
    and markdown of results and displays (not widget state, not images)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    shown = []
    for number, cell in enumerate(cells, 1):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")]
            texts += [output.get("data", {}).get(kind, "") for kind in SHOWN_TYPES]
            shown += [(number, "".join(text)) for text in texts if text]
    return shown
