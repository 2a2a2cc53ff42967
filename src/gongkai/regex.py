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
when its CRC-32 matches, and ``_sre.compile`` validates the code it is given.  A missing, cut,
damaged or foreign file, an entry that does not load, or a Python whose ``re`` internals are
not these, simply compiles with ``re`` as before: the cache changes how fast, never what.
New entries are written once, when the process ends (``gongkai.shipped.CompiledCache``).
"""

from __future__ import annotations

import re
import sys
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, AnyStr

from gongkai.shipped import CompiledCache

try:  # CPython's regular-expression compiler (Python 3.11 and later)
    import _sre  # type: ignore[import-not-found]
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another implementation: re.compile every time
    _sre = None

# A pattern's code is kept as the bytes of an array of _sre's words (in this machine's byte order,
# named in the file's tag): marshal reads bytes at once, where it made an object of each of the
# ~27,000 integers of every cached pattern at each start; only the patterns a run uses are turned
# back into lists.
_WORD = next((t for t in "IL" if _sre is not None and array(t).itemsize == _sre.CODESIZE), None)
_TAG = (f"{sys.implementation.cache_tag}-{'.'.join(map(str, sys.version_info[:3]))}-sre{getattr(_sre, 'MAGIC', 0)}"
        f"-{_WORD or 'list'}{sys.byteorder[0]}")
_CACHE = CompiledCache("regex", _TAG)  # (pattern, flags) -> the arguments of _sre.compile (code packed)


def compile(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """``re.compile(pattern, flags)``, from the machine's cache of compiled patterns."""
    flags = int(flags)
    if _sre is None or flags & re.DEBUG:
        return re.compile(pattern, flags)
    key = (pattern, flags)
    found = _CACHE.get(key)
    if found is not None:
        try:
            return _sre.compile(pattern, *_unpacked(found))
        except Exception:  # noqa: BLE001 - a damaged entry (invalid code, wrong shape): compile afresh
            pass
    return _fresh(pattern, flags, key)


def _unpacked(found: tuple) -> tuple:
    """The arguments of ``_sre.compile`` from a cache entry (its code packed as bytes)."""
    final_flags, code, groups, groupindex, indexgroup = found
    if isinstance(code, bytes):
        code = array(_WORD or "", code).tolist()
    return final_flags, code, groups, groupindex, indexgroup


def derived(make: Callable[[str], str], pattern: str) -> str:
    """``make(pattern)``: a pattern made from another by a function of it alone (the narrative's
    alternatives led by a test of their first characters, which takes parsing them), remembered
    in the same cache."""
    key = (f"{make.__module__}.{make.__qualname__}", pattern)
    found = _CACHE.get(key)
    if isinstance(found, str):
        return found
    made = make(pattern)
    _CACHE.put(key, made)
    return made


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
        args: tuple[Any, ...] = (int(flags | parsed.state.flags), list(map(int, code)), parsed.state.groups - 1, groupindex,
                tuple(indexgroup))
        compiled = _sre.compile(pattern, *args)
        kept = (args[0], array(_WORD, args[1]).tobytes(), *args[2:]) if _WORD else args
    except re.error:
        raise
    except Exception:  # noqa: BLE001 - internals not as expected (another Python): no cache
        return re.compile(pattern, flags)
    _CACHE.put(key, kept)
    return compiled


# re's own compile-with-cache function, as it was when this module was imported (before any block).
_RE_COMPILE = getattr(re, "_compile", None)


def _through_cache(pattern: Any, flags: Any) -> Any:
    """``re._compile`` while ``cached_imports`` runs.  A module-level function, not a closure: a
    compiled pattern pickles as ``re._compile(pattern, flags)`` naming whatever ``re._compile`` is
    then, so a report holding a pattern that a worker process sends back (``gongkai check DIR
    --html``) must name a function that pickle can find and that works outside the block too."""
    try:
        caller = sys._getframe(2).f_code.co_name  # 0: here, 1: re.compile (re.match, …), 2: its caller
    except ValueError:  # called from the outermost frame
        caller = None
    if caller == "<module>" and isinstance(pattern, (str, bytes)) and re._compile is _through_cache:  # type: ignore[attr-defined]
        return compile(pattern, flags)
    assert _RE_COMPILE is not None
    return _RE_COMPILE(pattern, flags)


_through_cache._gongkai = True  # type: ignore[attr-defined]


@contextmanager
def cached_imports() -> Iterator[None]:
    """While the block runs, the patterns that modules of the standard library or of a
    dependency compile in their module's own code, as they are imported (json's, argparse's
    gettext, rich's, fractions'), come from the cache as well.  Only calls made by a module's
    top-level code are served: a pattern compiled inside a function may be built from a
    user's input, and ``re`` compiles it as always.  ``re``'s own function is put back when the
    block ends.  (``cli.console`` runs parse and check in such a block: 1.8 M instructions of
    ``gongkai parse one.txt``'s start-up, 9 M of ``gongkai check one.txt``'s.)"""
    original = getattr(re, "_compile", None)
    if _sre is None or original is None or original is not _RE_COMPILE or getattr(original, "_gongkai", False):
        yield  # no cache here, or already served (a nested block)
        return
    re._compile = _through_cache  # type: ignore[attr-defined]
    try:
        yield
    finally:
        re._compile = original  # type: ignore[attr-defined]
