"""A content-addressed store of costly pure results (the headline, its multiverse), shared by
the command line, the report, the notebooks' kernels and the test processes.

An entry's key is the SHA-256 of the function's name, its other arguments, every table of the
``Dataset`` it is given (values, dtypes and categories: ``dataset_digest``), and the package's
own source files with the versions of Python and of every installed package
(``source_digest``). Equal inputs and code give the same result, so a key never needs to
expire: an edited table or module simply asks for another key. The store is a folder
(``cache_folders``): ``ANALYSIS_CACHE_DIR`` when set, else ``.cache/analysis/`` in the project,
else the user's cache folder (``XDG_CACHE_HOME``, ``~/.cache``) when the project cannot be
written; ``ANALYSIS_CACHE=off`` turns it off. When no folder can be written the results are
computed and not kept: a read-only project or home still works.

Each entry is one file, written to a temporary name beside it and renamed into place, so two
processes writing one key at once leave one whole entry. It starts with a format line, its own
key and the SHA-256 of its payload: an entry that is cut short, altered, or copied in under
another key's name is refused and recomputed, never trusted. Entries are pickles, so the
folder must be as trusted as the project's own code: it is the project's or the user's.

Why not ``joblib.Memory``, which does most of this: it invalidates an entry when the cached
function's own code changes, not when a module it calls does (the multiverse lives in several),
so the package digest would be an argument anyway; it trusts an output file whose name matches,
without checking it belongs to that key; and a corrupt entry makes it print a warning with a
traceback on stderr, which in a notebook's kernel becomes an output nbval compares. What is
left to write is the key and the checked file format below, about a hundred lines, and the
project gains no dependency.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import os
import pickle
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from analysis import files, paths

DIR_VARIABLE = "ANALYSIS_CACHE_DIR"
SWITCH_VARIABLE = "ANALYSIS_CACHE"  # "off" computes every result afresh and keeps none
FORMAT = b"analysis-cache 1\n"
SUFFIX = ".pickle"
PACKAGE_DIR = Path(__file__).resolve().parent

Result = TypeVar("Result")


def cache_folders() -> list[Path]:
    """Where entries may live, in the order they are tried: the variable's folder alone, or the
    project's ``.cache/analysis`` then the user's cache folder."""
    chosen = os.environ.get(DIR_VARIABLE)
    if chosen:
        return [Path(chosen)]
    # expanduser, not Path.home(): without HOME it returns "~" rather than raising.
    user = Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"))
    return [paths.PROJECT_ROOT / ".cache" / "analysis", user / "shenyang-analysis"]


def enabled() -> bool:
    """Whether results are looked up and kept (``ANALYSIS_CACHE=off`` says no)."""
    return os.environ.get(SWITCH_VARIABLE, "").lower() != "off"


@functools.cache
def source_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 of every ``.py`` file of the package (path and bytes), of the Python version and
    of the installed distributions (``installed``): computed once per process, milliseconds."""
    digest = hashlib.sha256(sys.version.encode())
    digest.update("\n".join(installed()).encode())
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(f"\n{path.relative_to(package_dir).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def installed() -> list[str]:
    """The ``name-version.dist-info`` folders on ``sys.path``: any package installed, upgraded
    or removed (numpy's arithmetic, pandas' reprs, matplotlib's drawing) changes the list.
    Read from the folders' names, without importing anything: importlib.metadata would parse
    every package's metadata, a fifth of a second."""
    names = []
    for entry in sys.path:
        with contextlib.suppress(OSError):
            names += sorted(n for n in os.listdir(entry or ".") if n.endswith(".dist-info"))
    return names


def files_digest(folder: Path, names: Iterable[str]) -> str | None:
    """SHA-256 of the files ``names`` of ``folder`` (name and bytes), or None when one is not
    a regular file of its own there (missing, a link, a device): the caller then goes the
    ordinary way, which reports the problem."""
    digest = hashlib.sha256()
    for name in names:
        path = folder / name
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode):
                return None
            with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as f:
                data = f.read()
        except OSError:
            return None
        digest.update(f"{name}\n{len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


def dataset_digest(dataset: Any) -> str:
    """SHA-256 of every table of ``dataset`` (a ``Dataset``): names, dtypes, the categories of
    categorical columns, the index and every value at full precision (``_column_bytes``). Equal
    only for equal data; the same in every process (no hash seed enters it)."""
    import pandas as pd

    digest = hashlib.sha256()
    for name, table in zip(dataset._fields, dataset, strict=True):
        columns = list(table.items())
        categories = {
            label: list(column.cat.categories)
            for label, column in columns
            if isinstance(column.dtype, pd.CategoricalDtype)
        }
        index = table.index
        index_text = repr(index) if isinstance(index, pd.RangeIndex) else repr(index.tolist())
        digest.update(f"{name}\n{table.dtypes.to_dict()}\n{categories}\n{index_text}\n".encode())
        for _, column in columns:
            data = _column_bytes(column)
            digest.update(len(data).to_bytes(8, "little") + data)  # a column's end is unambiguous
    return digest.hexdigest()


def _column_bytes(column: Any) -> bytes:
    """One column's values as bytes that differ for different values: a numpy column's memory,
    a categorical's codes (its categories are in the header), any other column's ``repr`` of
    its Python values (exact for str, float, int, Timestamp and missing values). About ten
    times faster than the CSV text it replaces, the same in every process."""
    import numpy as np
    import pandas as pd

    if isinstance(column.dtype, pd.CategoricalDtype):
        return np.ascontiguousarray(column.cat.codes.to_numpy()).tobytes()
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biufcmM":
        return np.ascontiguousarray(column.to_numpy()).tobytes()
    return repr(column.tolist()).encode()


def entry_key(name: str, data_digest: str, arguments: tuple[Any, ...]) -> str:
    """The key of ``name`` computed on the data of ``data_digest`` and ``arguments`` (their
    ``repr``), by this package's code."""
    text = f"{name}\n{source_digest()}\n{data_digest}\n{arguments!r}"
    return hashlib.sha256(text.encode()).hexdigest()


def _header(key: str, payload: bytes) -> bytes:
    return FORMAT + f"{key}\n{hashlib.sha256(payload).hexdigest()}\n".encode()


def read_entry(folder: Path, key: str) -> Any | None:
    """The result stored under ``key`` in ``folder``, or None when there is none or it is not a
    whole entry of this key (cut short, altered, another key's, another format)."""
    try:
        data = (folder / f"{key}{SUFFIX}").read_bytes()
    except OSError:
        return None
    header_length = len(_header(key, b""))
    payload = data[header_length:]
    if data[:header_length] != _header(key, payload):
        return None
    try:
        return pickle.loads(payload)
    except Exception:  # a payload that matches its digest but not this code's classes
        return None


def write_entry(folder: Path, key: str, result: Any) -> bool:
    """Store ``result`` under ``key`` in ``folder`` (write, then rename); False when the folder
    cannot be written."""
    payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        files.write_atomically(
            folder / f"{key}{SUFFIX}",
            lambda temporary: temporary.write_bytes(_header(key, payload) + payload),
        )
    except OSError:
        return False
    return True


def lookup(key: str) -> Any | None:
    """The whole entry of ``key`` in the first cache folder that holds one, else None."""
    for folder in cache_folders():
        found = read_entry(folder, key)
        if found is not None:
            return found
    return None


def keep(key: str, result: Any) -> None:
    """Store ``result`` under ``key`` in the first cache folder that can be written, if any."""
    for folder in cache_folders():
        if write_entry(folder, key, result):
            return


def cached(key: str, compute: Callable[[], Result]) -> Result:
    """``compute()``'s result, taken from the store when a whole entry of ``key`` is there,
    otherwise computed and kept."""
    if not enabled():
        return compute()
    found = lookup(key)
    if found is not None:
        return found
    result = compute()
    keep(key, result)
    return result


def memoized(function: Callable[..., Result]) -> Callable[..., Result]:
    """Decorate a pure function of a ``Dataset`` (its first argument) and other arguments with
    stable reprs, so that its results go through the store (``cached``)."""
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(dataset: Any, *args: Any, **kwargs: Any) -> Result:
        bound = signature.bind(dataset, *args, **kwargs)
        bound.apply_defaults()
        if not enabled():
            return function(dataset, *args, **kwargs)
        key = entry_key(name, dataset_digest(dataset), tuple(bound.arguments.items())[1:])
        return cached(key, lambda: function(dataset, *args, **kwargs))

    return wrapper


def clear(folders: list[Path] | None = None) -> int:
    """Remove every entry (and unfinished temporary file) from ``folders`` (default: every
    cache folder); returns how many files were removed. Other files are left alone."""
    removed = 0
    for folder in cache_folders() if folders is None else folders:
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            is_temporary = path.name.startswith(".") and path.name.endswith(".tmp")
            if path.is_file() and (path.suffix == SUFFIX or is_temporary):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
    return removed
