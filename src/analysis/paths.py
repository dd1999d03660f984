"""Where the project's folders are, resolved from the package so any working directory works.

Notebooks run with their own folder as the working directory (nbval, nbclient) and the command
line runs from wherever the user is, so no module builds a path from the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The report sets ANALYSIS_DATA_DIR for the notebook kernels it starts, so a report can be
# built from an edited copy of the tables; everyone else reads the project's data/.
DATA_DIR = Path(os.environ.get("ANALYSIS_DATA_DIR") or PROJECT_ROOT / "data")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
