"""Data strings drawn literally by matplotlib, whatever they hold.

matplotlib reads text between two ``$`` as mathtext: "US$5 and US$10" is drawn as
"US5andUS10" and "Price $^$" fails to parse, so a title that validates could break a chart.
Every string that comes from the data goes through ``literal`` before it is drawn.
"""

from __future__ import annotations


def literal(text: str) -> str:
    """``text`` with each ``$`` escaped, so matplotlib draws it as written, never as math."""
    return text.replace("$", r"\$")
