"""gongkai's regular expressions come from a cache of their compiled code: the same patterns as
``re.compile`` makes (CPython's patterns are equal only when their code is), and whatever is
wrong with the cache, the pattern is compiled afresh."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from gongkai import regex
from gongkai.shipped import CompiledCache
from tests.conftest import seed


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """The module as in a new process, its cache in ``tmp_path``."""
    monkeypatch.setenv("GONGKAI_CACHE", str(tmp_path))
    monkeypatch.setattr(regex, "_CACHE", CompiledCache("regex", regex._TAG))

    def again():  # another process: what the last one saved, read back
        regex._CACHE.save()
        monkeypatch.setattr(regex, "_CACHE", CompiledCache("regex", regex._TAG))

    return again


PATTERNS = [(r"(?P<year>(?:19|20)\d{2})\s*年", 0), (r"[\u4e00-\u9fff（）]{2,20}(\d+)$", 0), (r"abc|ABD", re.I),
            (rb"<meta[^>]+charset", re.I), (r"(?=[上不])(?:(?P<m0>上年)|(?P<m1>不予))", 0)]


def test_cached_patterns_are_the_patterns_re_compiles(fresh, tmp_path):
    first = [regex.compile(p, f) for p, f in PATTERNS]
    fresh()
    (entry,) = tmp_path.glob("regex.*.marshal")
    again = [regex.compile(p, f) for p, f in PATTERNS]
    assert regex._CACHE.new == {}  # all from the cache
    for (p, f), one, two in zip(PATTERNS, first, again, strict=True):
        assert one == two == re.compile(p, f)  # equal code, flags and pattern
        assert (two.groupindex, two.groups, two.flags) == (re.compile(p, f).groupindex, re.compile(p, f).groups,
                                                           re.compile(p, f).flags)
    assert again[0].search("于2024 年").group("year") == "2024"
    with pytest.raises(re.error):  # a wrong pattern is refused as re refuses it
        regex.compile("(unclosed")


def test_every_pattern_a_parse_and_a_check_cache_is_what_re_compiles(tmp_path):
    env = {**os.environ, "GONGKAI_CACHE": str(tmp_path)}
    for command in ("parse", "check"):
        subprocess.run([sys.executable, "-m", "gongkai", command, str(seed("000"))], env=env, capture_output=True,
                       timeout=120, check=False)
    (entry,) = tmp_path.glob("regex.*.marshal")
    entries = regex._CACHE._read(entry)
    assert len(entries) > 100
    for (pattern, flags), args in entries.items():
        if isinstance(pattern, str) and isinstance(flags, str):  # a derived pattern: (what made it, from what)
            from gongkai.extract.narrative import _led

            assert pattern == "gongkai.extract.narrative._led" and args == _led(flags)
        else:
            assert isinstance(args[1], bytes)  # the code packed (marshal reads it at once)
            assert re.compile(pattern, flags) == regex._sre.compile(pattern, *regex._unpacked(args)), pattern


def test_a_damaged_cache_or_entry_compiles_afresh(fresh, tmp_path):
    pattern = PATTERNS[1][0]
    regex.compile(pattern)
    fresh()
    (entry,) = tmp_path.glob("regex.*.marshal")
    whole = entry.read_bytes()
    for damaged in (whole[:len(whole) // 2], whole[:40] + bytes([whole[40] ^ 1]) + whole[41:], b""):
        entry.write_bytes(damaged)
        assert regex._CACHE._read(entry) == {}
        assert regex.compile(pattern) == re.compile(pattern)
        fresh()
        assert regex._CACHE._read(entry)  # written whole again
    regex._CACHE.entries = {(pattern, 0): (0, [1, 2, 3], 0, {}, (None,))}  # invalid code: _sre refuses it
    assert regex.compile(pattern) == re.compile(pattern)
    regex._CACHE.entries = {(pattern, 0): "not the arguments"}
    assert regex.compile(pattern) == re.compile(pattern)


def test_no_cache_when_it_is_off_or_cannot_be_written(fresh, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE", "0")
    assert regex.compile(PATTERNS[0][0]) == re.compile(PATTERNS[0][0])
    assert regex._CACHE.file is None and regex._CACHE.new == {}
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("GONGKAI_CACHE", str(blocked / "cache"))
    regex._CACHE.entries = None
    assert regex.compile(PATTERNS[0][0]) == re.compile(PATTERNS[0][0])
    regex._CACHE.save()  # nothing written, nothing raised
    assert blocked.read_text() == "not a directory"


def test_a_derived_pattern_is_remembered(fresh):
    from gongkai.extract.narrative import _led

    alternatives = "(?P<m0>上年结转)|(?P<m1>不予公开)|(?P<m2>[本当]年新收)"
    made = regex.derived(_led, alternatives)
    assert made == _led(alternatives) and made.startswith("(?=[")
    fresh()
    assert regex._CACHE.get(("gongkai.extract.narrative._led", alternatives)) == made
    assert regex.derived(_led, alternatives) == made and regex._CACHE.new == {}  # from the cache


def test_patterns_a_module_compiles_at_its_top_level_come_from_the_cache(fresh, tmp_path, monkeypatch):
    """``cached_imports`` (the command runs in it) serves the patterns of modules imported in
    the block, but never one compiled inside a function (it may be built from a user's input)."""
    (tmp_path / "gk_patterns_demo.py").write_text(
        "import re\nTOP = re.compile(r'[\\u4e00-\\u9fff]+年')\n"
        "def later(word):\n    return re.compile(re.escape(word) + '局')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    original = re._compile
    for run in ("first", "again"):
        monkeypatch.delitem(sys.modules, "gk_patterns_demo", raising=False)
        with regex.cached_imports():
            with regex.cached_imports():  # nested: the same service, undone once
                import gk_patterns_demo
            assert gk_patterns_demo.later("某某") == re.compile("某某局")
        assert re._compile is original
        assert gk_patterns_demo.TOP == re.compile(r"[\u4e00-\u9fff]+年")
        if run == "first":
            assert set(regex._CACHE.new) == {(r"[\u4e00-\u9fff]+年", 0)}  # not the one made of a word
            fresh()
        else:
            assert regex._CACHE.new == {} and regex._CACHE.used == {(r"[\u4e00-\u9fff]+年", 0)}


def test_a_pattern_pickles_inside_the_block_and_loads_outside_it():
    """A worker of ``gongkai check DIR --html`` sends its reports back pickled, and a report may
    hold a compiled pattern: pickling one named ``re._compile``, which was a closure that pickle
    could not find (the command stopped with an internal error)."""
    import pickle

    with regex.cached_imports():
        sent = pickle.dumps(re.compile("[0-9]+件"))
        assert pickle.loads(sent) == re.compile("[0-9]+件")
    assert pickle.loads(sent) == re.compile("[0-9]+件")
