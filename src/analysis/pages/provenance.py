"""Where a report page comes from: the code's commit (and whether the tree had changes), a
SHA-256 of the data folder, the Python and key package versions, and a build date.

The build date is the commit's date, not the clock's, so two builds of one commit give the same
bytes. Reads git and files only; ``analysis.pages.index_page`` and
``analysis.pages.notebook_html`` show it.
"""

from __future__ import annotations

import hashlib
import html
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from analysis import paths

# The packages whose versions decide the numbers and the pictures.
KEY_PACKAGES = ("numpy", "pandas", "scipy", "matplotlib", "nbconvert")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Provenance:
    """What a page was built from. ``commit`` is a 40-hex git id or "unknown"; ``build_date``
    is the commit's date (YYYY-MM-DD, in the committer's time zone) or "unknown"."""

    commit: str
    modified: bool  # the working tree differed from the commit (code or data)
    data_sha256: str  # over every file of the data folder, by relative path and content
    python: str
    packages: tuple[tuple[str, str], ...]  # (name, version)
    build_date: str


def data_digest(data_dir: Path) -> str:
    """SHA-256 of ``data_dir``: each file's relative path and bytes, in sorted path order, so a
    renamed, added or edited file changes it and nothing else does."""
    digest = hashlib.sha256()
    for file in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        name = file.relative_to(data_dir).as_posix().encode()
        content = file.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def _git(*arguments: str) -> str | None:
    """A git command's output in the project's folder, or None when git or the repo is absent."""
    try:
        done = subprocess.run(
            ["git", "-C", str(paths.PROJECT_ROOT), *arguments],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def collect(data_dir: Path) -> Provenance:
    """The provenance of a build from ``data_dir`` at the project's current commit. Only the
    tracked files count as "modified" (the built reports are ignored by git)."""
    commit = _git("rev-parse", "HEAD") or UNKNOWN
    status = _git("status", "--porcelain", "--untracked-files=no")
    # The committer's own calendar date (%cI keeps the commit's offset): the same in any time zone.
    date = (_git("log", "-1", "--format=%cI") or "")[:10]
    return Provenance(
        commit=commit,
        modified=bool(status),
        data_sha256=data_digest(data_dir),
        python=platform.python_version(),
        packages=tuple((name, _version(name)) for name in KEY_PACKAGES),
        build_date=date or UNKNOWN,
    )


def banner_html(question: str, as_of: str, data_as_of: str) -> str:
    """The top-of-page banner: the question, the forecast's date and how recent the data are
    (each already in words)."""
    return (
        '<header class="provenance-banner" id="provenance-banner">'
        f"<p><strong>Question:</strong> {html.escape(question)} "
        f"<strong>Forecast as of:</strong> {html.escape(as_of)}. "
        f"<strong>Data as of:</strong> {html.escape(data_as_of)}</p></header>"
    )


def footer_html(source: Provenance) -> str:
    """The page footer: code commit (marked "modified" when the tree had changes), the data's
    SHA-256, Python and key package versions and the build date (the commit's)."""
    commit = source.commit[:12] if source.commit != UNKNOWN else UNKNOWN
    state = " (modified: the working tree differed from this commit)" if source.modified else ""
    versions = ", ".join(f"{name} {version}" for name, version in source.packages)
    return (
        '<footer class="provenance-footer" id="provenance-footer"><p>'
        f"Built from code commit <code>{html.escape(commit)}</code>{html.escape(state)}; "
        f"data folder SHA-256 <code>{html.escape(source.data_sha256)}</code>; "
        f"Python {html.escape(source.python)}, {html.escape(versions)}; "
        f"build date {html.escape(source.build_date)} (the commit's date, so a rebuild gives "
        "the same bytes).</p></footer>"
    )


PROVENANCE_CSS = """
.provenance-banner { background: #f7f7f7; border-bottom: 1px solid #ccc; padding: 0.3rem 0.8rem;
                     font-size: 0.85rem; }
.provenance-footer { border-top: 1px solid #ccc; margin-top: 2rem; padding: 0.5rem 0.8rem;
                     color: #555; font-size: 0.8rem; overflow-wrap: anywhere; }
"""
