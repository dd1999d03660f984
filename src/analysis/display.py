"""Tables as a reader sees them: counts as whole numbers, missing values as an en dash, codes in
words (``charts.style.label``), no meaningless 0..n index, no dtype line.

``readable`` turns any DataFrame or Series into a table of text; ``register`` makes IPython show
every table that way (``charts.style.apply`` calls it), so the notebooks need no extra call.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from analysis.charts.style import label

MISSING = "\u2013"  # an en dash
DECIMALS = 3  # at most, as the notebooks' display precision


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array in a cell
        return False


def _decimals(values: np.ndarray) -> int:
    """The fewest decimals (0 to DECIMALS) that show every value of ``values`` as it is."""
    for decimals in range(DECIMALS + 1):
        if np.allclose(values, np.round(values, decimals), rtol=0, atol=1e-9):
            return decimals
    return DECIMALS


def _column_text(column: pd.Series) -> list[str]:
    """One column's cells as text; numbers with the fewest decimals that show them all, so
    counts read ``41``, not ``41.0``."""
    present = column[~column.map(_is_missing)]
    numbers = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if numbers and len(present):
        decimals = _decimals(present.to_numpy(dtype=float))
        return [MISSING if _is_missing(v) else f"{float(v):.{decimals}f}" for v in column]
    return [_cell_text(v) for v in column]


def _cell_text(value: Any) -> str:
    if _is_missing(value) or (isinstance(value, str) and not value.strip()):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else str(value)
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:.{_decimals(np.array([value]))}f}"
    return label(value)


def _header(name: object) -> str:
    if isinstance(name, tuple):
        return " ".join(_header(part) for part in name if str(part))
    return label(name)


def readable(table: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """``table`` as text for a reader, on a fresh 0..n index that is not to be shown: a Series
    becomes a table (its index a column); a named or non-integer index becomes the first
    column(s); an unnamed integer index (row numbers) is dropped."""
    frame = table.to_frame() if isinstance(table, pd.Series) else table.copy()
    index = frame.index
    keep = any(name is not None for name in index.names) or not pd.api.types.is_integer_dtype(index)
    frame = frame.reset_index() if keep else frame.reset_index(drop=True)
    frame.columns = [_header(name) for name in frame.columns]
    return pd.DataFrame(
        {number: _column_text(frame.iloc[:, number]) for number in range(frame.shape[1])}
    ).set_axis(list(frame.columns), axis=1)


def to_text(table: pd.DataFrame | pd.Series) -> str:
    """``readable(table)`` as plain text, without the index."""
    return readable(table).to_string(index=False)


def to_html(table: pd.DataFrame | pd.Series) -> str:
    """``readable(table)`` as an HTML table (escaped), without the index."""
    return readable(table).to_html(index=False)


def register() -> None:
    """Show every DataFrame and Series in this IPython session through ``readable``; outside
    IPython, nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for kind in (pd.DataFrame, pd.Series):
        formatters["text/html"].for_type(kind, to_html)
        formatters["text/plain"].for_type(kind, lambda table, p, _cycle: p.text(to_text(table)))
