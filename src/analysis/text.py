"""Inputs quoted back to the user: cut short and escaped, whatever they hold.

A message that echoes a cell, an id or an argument shows at most ``EXCERPT`` characters of it,
quoted with Python's escapes, so a 5,000-character ``--case`` or a control character (a bidi
override, an escape sequence) can neither flood nor rewrite the terminal or a page.
"""

from __future__ import annotations

EXCERPT = 60


def excerpt(value: str) -> str:
    """``value`` quoted and escaped (``repr``), cut to EXCERPT characters with ``...``."""
    return repr(value) if len(value) <= EXCERPT else repr(value[: EXCERPT - 3] + "...")


def printable(message: str, limit: int = 300) -> str:
    """``message`` with every non-printable character escaped, cut to ``limit`` characters:
    for messages that quote an input without ``excerpt`` (argparse's own)."""
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in message)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
