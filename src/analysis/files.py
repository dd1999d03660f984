"""Writing outputs atomically: a reader sees the old file or folder or the new one, never half."""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Outputs are meant to be shared (served, opened by other users), unlike mkstemp's default 0600.
OUTPUT_MODE = 0o644
FOLDER_MODE = 0o755


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


# --- publishing a folder whole --------------------------------------------------------------
#
# A published folder such as reports/ is a symbolic link to a complete version kept in a hidden
# sibling (.reports.versions/). A new version is written beside the live one, then the link is
# swapped with one os.replace, which is atomic: whatever moment the process dies, reports/ names
# either the old complete version or the new one. Runs on one folder are serialised by an
# exclusive lock on the folder's versions folder, so no two runs share a version or prune each
# other's.


class FolderBusyError(OSError):
    """Another run holds the lock on the folder's parent; nothing was touched."""


def versions_dir(folder: Path) -> Path:
    """The hidden sibling that holds the published versions of ``folder``."""
    return folder.parent / f".{folder.name}.versions"


def _retired(folder: Path) -> Path:
    # Where a real (pre-link) folder is moved for the one swap that turns it into a link.
    return folder.parent / f".{folder.name}.previous"


@contextmanager
def exclusive_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder``, or raise FolderBusyError at once.

    The lock is an advisory ``flock`` on the folder's own hidden versions folder, so two runs
    into different folders of one parent never block each other; the kernel drops it when the
    process dies, so a killed run never leaves a stale lock behind.
    """
    versions = versions_dir(folder)
    versions.mkdir(parents=True, exist_ok=True)
    handle = os.open(versions, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FolderBusyError(
                f"another run is writing {folder}; wait for it to finish, then run again"
            ) from None
        yield
    finally:
        os.close(handle)


def live_version(folder: Path) -> Path | None:
    """The version folder ``folder`` links to, or None when it is not a link."""
    if not folder.is_symlink():
        return None
    return (folder.parent / os.readlink(folder)).resolve()


def recover(folder: Path) -> None:
    """Undo what a killed run left; call with the lock held.

    Restores a real folder retired by an interrupted first swap, and removes new links never
    swapped in and every version that is not the live one (unfinished or superseded ones).
    """
    retired = _retired(folder)
    if not os.path.lexists(folder) and retired.is_dir():
        retired.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)
    for link in folder.parent.glob(f".{folder.name}.link-*"):  # made, never swapped in
        if link.is_dir() and not link.is_symlink():  # an old real folder swapped out by exchange()
            shutil.rmtree(link, ignore_errors=True)
        else:
            link.unlink(missing_ok=True)
    versions = versions_dir(folder)
    if versions.is_dir():
        live = live_version(folder)
        for version in versions.iterdir():
            if version.resolve() != live:
                shutil.rmtree(version, ignore_errors=True)


def new_version(folder: Path) -> Path:
    """A fresh, empty, uniquely named folder to build the next version of ``folder`` in."""
    versions = versions_dir(folder)
    versions.mkdir(parents=True, exist_ok=True)
    version = Path(tempfile.mkdtemp(dir=versions, prefix="v-"))
    os.chmod(version, FOLDER_MODE)
    return version


def publish(version: Path, folder: Path) -> None:
    """Make ``folder`` a link to the complete ``version`` with one atomic swap; call locked.

    The previous version stays whole until the swap; it is deleted afterwards.
    """
    previous = live_version(folder)
    link = folder.parent / f".{folder.name}.link-{os.getpid()}"
    link.unlink(missing_ok=True)
    # Relative, so the project folder can be moved or mounted elsewhere.
    os.symlink(os.path.relpath(version, folder.parent), link)
    if os.path.lexists(folder) and previous is None and exchange(link, folder):
        # A real folder from before links were used, swapped with the link in one step: the
        # link's name now holds the old folder (recover() removes it if this run dies here).
        link.rename(_retired(folder))
    elif os.path.lexists(folder) and previous is None:
        # The same where the system cannot swap a folder and a link: the only two-step move,
        # undone by recover().
        folder.rename(_retired(folder))
        os.replace(link, folder)
    else:
        os.replace(link, folder)
    _sync_folder(folder.parent)
    shutil.rmtree(_retired(folder), ignore_errors=True)
    if previous is not None and previous != version.resolve():
        shutil.rmtree(previous, ignore_errors=True)


# renameat2's flag (linux/fs.h) and the "current folder" descriptor (fcntl.h).
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap what two paths name in one atomic step (Linux ``renameat2`` with RENAME_EXCHANGE);
    False, with nothing changed, where the system or the file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library older than glibc 2.28
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    done = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    return done == 0


def _sync_folder(folder: Path) -> None:
    # Make the rename durable before the old version is deleted.
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
