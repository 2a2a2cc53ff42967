"""Fonts: the official ones where installed, else the free CJK fallbacks."""

from __future__ import annotations

from gongkai.render import fonts


def test_official_fonts_win_when_installed(monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset(
        {"仿宋_GB2312", "方正小标宋简体", "黑体", "Noto Serif CJK SC", "Noto Sans CJK SC"}))
    assert [fonts.pick(r) for r in ("title", "heading", "body", "table")] == \
        ["方正小标宋简体", "黑体", "仿宋_GB2312", "仿宋_GB2312"]


def test_free_fallbacks_without_the_official_fonts(monkeypatch):
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"}))
    assert [fonts.pick(r) for r in ("title", "heading", "body")] == \
        ["Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK SC"]
    monkeypatch.setattr(fonts, "installed_families", lambda: frozenset({"AR PL SungtiL GB"}))
    assert fonts.pick("body") == "AR PL SungtiL GB"


def test_css_stack_lists_official_first_then_generic():
    stack = fonts.css_stack("body")
    assert stack.startswith('"仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"')
    assert stack.endswith(", serif")
