"""Where the project's folders are, resolved from the package so any working directory works.

Notebooks run with their own folder as the working directory (nbval, nbclient) and the command
line runs from wherever the user is, so no module builds a path from the current directory.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
FIGURES_DIR = REPORTS_DIR / "figures"
