"""gongkai's own regular expressions, compiled once per machine.

Compiling its ~130 regular expressions (the readers', the extractors' and the narrative
phrasings') was the largest part of ``gongkai parse one.txt``'s start-up: a third of the
instructions, most of it in ``re``'s Python parser and in its optimiser of large Chinese
character classes (``[\\u4e00-\\u9fff]`` fills a 65,536-entry table in Python).  The result of
compiling a pattern is the list of integers ``_sre`` runs, so the first run on a machine keeps
those lists in the user's cache directory (``GONGKAI_CACHE``, as ``gongkai.shipped`` does) and
later runs hand them straight to ``_sre.compile``, in C.

``compile(pattern, flags)`` is ``re.compile`` with that cache; use it for the patterns a module
holds at its top level or reads from its data files (not for patterns built from a user's
input: the cache keeps what it is given).  What it returns is the same pattern: CPython's
patterns compare equal only when their code is the same, and ``tests/test_regex.py`` checks
every cached one against ``re.compile``.

Safety: the cache file is named by the Python version and ``_sre``'s code version, is read only
when its CRC-32 matches (``gongkai.shipped.read_cache``), and ``_sre.compile`` validates the code it is given.  A missing, cut,
damaged or foreign file, an entry that does not load, or a Python whose ``re`` internals are
not these, simply compiles with ``re`` as before: the cache changes how fast, never what.
New entries are written once, when the process ends (merged with what other processes wrote,
replaced atomically); a cache grown past ``MAX_ENTRIES`` keeps only what this run used.
"""

from __future__ import annotations

import atexit
import marshal
import re
import sys
from pathlib import Path
from typing import Any, AnyStr

try:  # CPython's regular-expression compiler (Python 3.11 and later)
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another implementation: re.compile every time
    _sre = None

MAX_ENTRIES = 4096
_TAG = f"{sys.implementation.cache_tag}-{'.'.join(map(str, sys.version_info[:3]))}-sre{getattr(_sre, 'MAGIC', 0)}"

_entries: dict[tuple[Any, int], tuple] | None = None  # loaded on the first compile
_file: Path | None = None  # where they are kept (None: caching is off)
_new: dict[tuple[Any, int], tuple] = {}  # compiled by this process, to be written
_used: set[tuple[Any, int]] = set()


def compile(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, from the machine's cache of compiled patterns."""
    flags = int(flags)
    if _sre is None or flags & re.DEBUG:
        return re.compile(pattern, flags)
    key = (pattern, flags)
    entries = _entries if _entries is not None else _load()
    found = entries.get(key)
    if found is not None:
        try:
            compiled = _sre.compile(pattern, *found)
        except Exception:  # noqa: BLE001 - a damaged entry (invalid code, wrong shape): compile afresh
            pass
        else:
            _used.add(key)
            return compiled
    return _fresh(pattern, flags, key)


def _fresh(pattern: AnyStr, flags: int, key: tuple[Any, int]) -> re.Pattern[AnyStr]:
    """Compile as ``re._compiler.compile`` does, keeping the arguments of ``_sre.compile``."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        # Plain ints: the opcodes are int subclasses, which marshal does not keep.
        args = (int(flags | parsed.state.flags), list(map(int, code)), parsed.state.groups - 1, groupindex,
                tuple(indexgroup))
        compiled = _sre.compile(pattern, *args)
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - internals not as expected (another Python): no cache
        return re.compile(pattern, flags)
    if _file is not None:
        if not _new:
            atexit.register(_save)
        _new[key] = args
        _used.add(key)
    return compiled


def _read(path: Path) -> dict:
    from gongkai.shipped import read_cache

    blob = read_cache(path)
    try:
        entries = marshal.loads(blob) if blob is not None else None
    except (EOFError, ValueError, TypeError):
        entries = None
    return entries if isinstance(entries, dict) else {}  # none yet, or damaged: compiled afresh


def _load() -> dict:
    from gongkai.shipped import cache_dir

    global _entries, _file
    folder = cache_dir()
    _file = None if folder is None else folder / f"regex.{_TAG}.marshal"
    _entries = {} if _file is None else _read(_file)
    return _entries


def _save() -> None:
    """Write this process's new patterns into the cache (at exit)."""
    from gongkai.shipped import write_cache

    path = _file
    if path is None or not _new:
        return
    merged = {**_read(path), **_new}  # another process may have written since this one read
    if len(merged) > MAX_ENTRIES:
        merged = {key: args for key, args in merged.items() if key in _used}
    write_cache(path, marshal.dumps(merged))
    _new.clear()
