"""Writing output files atomically: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

# Outputs are meant to be shared (served, opened by other users), unlike mkstemp's default 0600.
OUTPUT_MODE = 0o644


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary)`` on a temporary file beside ``path``, then rename it into place.

    The temporary file is removed if ``write`` fails; the result is readable by everyone.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.chmod(temporary, OUTPUT_MODE)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_text_atomically(path: Path, text: str) -> Path:
    """Write UTF-8 text with \\n line endings to ``path`` atomically."""
    return write_atomically(
        path, lambda temporary: temporary.write_text(text, encoding="utf-8", newline="\n")
    )
