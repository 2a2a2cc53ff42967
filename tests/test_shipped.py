"""The package's data files come from a cache of their parsed contents: the same data, and
whatever is wrong with the cache, the data still comes from the YAML."""

from __future__ import annotations

import sys

import yaml

from gongkai.shipped import shipped_data


def _yaml(name: str):
    from importlib import resources

    text = resources.files("gongkai.format").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=yaml.CSafeLoader)


def test_the_cache_gives_the_yaml_data_and_is_used_again(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE", str(tmp_path / "cache"))
    first = shipped_data("gongkai.format", "phrasings.yaml")
    assert first == _yaml("phrasings.yaml")
    (entry,) = (tmp_path / "cache").glob("phrasings.yaml.*")
    assert entry.suffix == ".marshal"
    assert oct(entry.parent.stat().st_mode & 0o777) == "0o700"
    monkeypatch.setitem(sys.modules, "yaml", None)  # a second load must not need PyYAML
    assert shipped_data("gongkai.format", "phrasings.yaml") == first


def test_no_cache_a_damaged_one_or_an_unwritable_place_still_load_the_yaml(tmp_path, monkeypatch):
    expected = _yaml("national.yaml")
    monkeypatch.setenv("GONGKAI_CACHE", "0")
    assert shipped_data("gongkai.format", "national.yaml") == expected
    monkeypatch.setenv("GONGKAI_CACHE", str(tmp_path / "c"))
    shipped_data("gongkai.format", "national.yaml")
    (entry,) = (tmp_path / "c").glob("national.yaml.*")
    entry.write_bytes(entry.read_bytes()[:100])  # cut short
    assert shipped_data("gongkai.format", "national.yaml") == expected
    assert shipped_data("gongkai.format", "national.yaml") == expected  # rewritten whole
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("GONGKAI_CACHE", str(blocked / "cache"))
    assert shipped_data("gongkai.format", "national.yaml") == expected
