"""A cache file for what `thaiwords` builds from pythainlp's word files (sets of strings).

Building the word sets costs a few tenths of a second a process; reading them back with
`marshal` (each set one string, its members a line each: one decode and one split, not an
object per member) costs a third of that. A file is named by what it holds and a
key: this format's version, pythainlp's version, the Python version and the size and mtime of
every word file pythainlp ships, so an upgraded or edited list is never read stale. The cache
lives in the user's cache folder ($ITA_CACHE_DIR, else $XDG_CACHE_HOME/ita-automation, else
~/.cache/ita-automation); a cache that cannot be read or written is only a slower run, never
a failed one.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 1  # bump when what thaiwords stores changes


def cache_dir() -> Path:
    """Where the cache files go ($ITA_CACHE_DIR, else the user's cache folder)."""
    explicit = os.environ.get("ITA_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ita-automation"


@lru_cache(maxsize=1)
def _key() -> str:
    """A digest of pythainlp's version and its word files' names, sizes and mtimes."""
    import pythainlp
    import pythainlp.corpus

    parts = [f"{FORMAT}", pythainlp.__version__, sys.version]
    folder = Path(pythainlp.corpus.__file__).parent
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.endswith(".txt"):
                stat = entry.stat()
                parts.append(f"{entry.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _path(name: str) -> Path:
    return cache_dir() / f"thaiwords-{name}-{_key()}.marshal"


def load(name: str) -> tuple[frozenset[str], ...] | None:
    """The sets stored under `name` for today's word files, or None (absent, unreadable)."""
    try:
        value = marshal.loads(_path(name).read_bytes())
    except Exception:  # absent, unreadable or damaged: build again
        return None
    if not isinstance(value, tuple) or not all(isinstance(part, str) for part in value):
        return None
    return tuple(frozenset(part.split("\n")) if part else frozenset() for part in value)


def store(name: str, sets: tuple[frozenset[str], ...]) -> None:
    """Keep `sets` under `name` (written whole, then renamed: a reader never sees half).
    A set with a member holding a line break, or only "", cannot be kept so: nothing is stored."""
    value = tuple("\n".join(part) for part in sets)
    if any(joined.count("\n") != max(len(part) - 1, 0) or part == {""}
           for joined, part in zip(value, sets, strict=True)):
        return  # a member with a line break, or only "": pythainlp's lines never are
    try:
        path = _path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                marshal.dump(value, out)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        for stale in path.parent.glob(f"thaiwords-{name}-*.marshal"):  # older word files' builds
            if stale != path:
                stale.unlink(missing_ok=True)
    except Exception as exc:  # a read-only home, a full disk: the run goes on without a cache
        log.debug("thaiwords cache not written (%s)", exc)
