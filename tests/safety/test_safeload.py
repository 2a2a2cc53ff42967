"""The safe YAML/JSON loader: hostile documents fail fast with a Chinese message and a place."""

from __future__ import annotations

import time
import tracemalloc
from decimal import Decimal

import pytest

from gongkai import safeload
from gongkai.safeload import DataError, NonFinite, load_json, load_yaml

# 1 KB of nested aliases: nine levels of nine references each expand to 9**10 scalars.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))


def _refused(load, text, *args, trace: bool = False, **kwargs) -> tuple[str, float, int]:
    """The message, the seconds it took and (with ``trace``) the peak of Python allocations.
    The time bounds are generous: they tell a refusal from the hang it replaces, on a busy machine."""
    if trace:
        tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(DataError) as info:
        load(text, *args, **kwargs)
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    return str(info.value), seconds, peak


@pytest.fixture(params=["libyaml", "python"])
def yaml_loader(request, monkeypatch):
    """Both YAML paths: libyaml's events (where PyYAML has it) and the pure-Python composer."""
    if request.param == "python":
        monkeypatch.setattr(safeload, "_C", None)
        monkeypatch.setattr(safeload, "_LOADERS", {False: safeload._PyLoader,
                                                   True: safeload._with_decimals(safeload._PyLoader)})
    elif safeload._C is None:
        pytest.skip("PyYAML without libyaml")
    return request.param


def test_an_alias_bomb_is_refused_at_its_first_alias(yaml_loader):
    assert len(ALIAS_BOMB) < 1100
    message, seconds, peak = _refused(load_yaml, ALIAS_BOMB, "bomb.yaml", trace=True)
    assert message == "bomb.yaml：第2行第8列：不接受 YAML 别名（*a）：请直接写出内容，不要用 & 和 * 引用。"
    assert seconds < 10 and peak < 10 * 1024 * 1024


@pytest.mark.parametrize("text, columns", [("[" * 100_000, (65, 65)), ("a: " + "[" * 100_000, (67, 67)),
                                           ('{"a": ' * 100_000, (385, 380))])
def test_deep_yaml_is_refused_at_the_depth_bound(yaml_loader, text, columns):
    column = columns[yaml_loader == "python"]  # PyYAML marks a flow mapping's value at its key
    message, seconds, _ = _refused(load_yaml, text, "deep.yaml")
    assert message == f"deep.yaml：第1行第{column}列：YAML 嵌套超过 64 层，不是有效的内容。"
    assert seconds < 30


def test_block_nesting_is_bounded_too(yaml_loader):
    text = "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "end\n"
    message, _, _ = _refused(load_yaml, text, "deep.yaml")
    # the 65th mapping holds k64 (line 65); the pure-Python composer marks the key above it
    place = "第65行第129列" if yaml_loader == "libyaml" else "第64行第127列"
    assert message == f"deep.yaml：{place}：YAML 嵌套超过 64 层，不是有效的内容。"


def test_yaml_values_and_mistakes(yaml_loader):
    assert load_yaml("a: .nan\nb: 1.50\nc: 2025-01-01\nd: [1, 2.5]", "x.yaml", decimals=True) == {
        "a": ".nan", "b": Decimal("1.50"), "c": __import__("datetime").date(2025, 1, 1), "d": [1, Decimal("2.5")]}
    assert isinstance(load_yaml("a: .inf", "x.yaml", decimals=True)["a"], NonFinite)
    assert _refused(load_yaml, "a: 2025-13-01", "x.yaml")[0] == (
        "x.yaml：YAML 中有无效的值（month must be in 1..12）；日期请写成 2027-01-01 的形式。")
    assert _refused(load_yaml, "a: !!python/object/apply:os.system [ls]", "x.yaml")[0].startswith(
        "x.yaml：第1行第4列：YAML 格式错误：could not determine a constructor")
    unclosed = _refused(load_yaml, "a: [1, 2", "x.yaml")[0]
    assert unclosed.startswith("x.yaml：第2行第1列：YAML 格式错误：" if yaml_loader == "libyaml"
                               else "x.yaml：第1行第9列：YAML 格式错误：")
    big = "a: '" + "x" * (safeload.MAX_YAML_BYTES + 1) + "'"
    assert _refused(load_yaml, big, "big.yaml")[0] == "big.yaml：YAML 内容过大（2.0 MB，上限 2 MB）。"


def test_deep_json_is_refused_before_the_parser_recurses():
    message, seconds, _ = _refused(load_json, "[" * 100_000, "deep.json")
    assert message == "deep.json：JSON 嵌套超过 64 层，不是有效的内容。" and seconds < 10
    # brackets inside strings are text, not nesting
    assert load_json('{"a": "' + "[" * 1000 + '"}', "x.json") == {"a": "[" * 1000}
    assert load_json("[" * 64 + "]" * 64, "x.json") is not None


def test_non_finite_json_numbers_load_as_text_so_validators_name_the_field():
    data = load_json('{"a": NaN, "b": 1e999, "c": -Infinity, "d": 1.5, "e": 2}', "x.json")
    assert data == {"a": "NaN", "b": "1e999", "c": "-Infinity", "d": 1.5, "e": 2}
    assert all(isinstance(data[k], NonFinite) for k in "abc")
    exact = load_json('{"d": 1.50, "b": 1e999, "a": NaN}', "x.json", parse_float=Decimal)
    assert exact["d"] == Decimal("1.50") and exact["b"] == Decimal("1E+999") and isinstance(exact["a"], NonFinite)


def test_json_mistakes_name_the_place():
    assert _refused(load_json, '{"a": 1,\n "b": }', "x.json")[0] == "x.json：第2行第7列：不是有效的 JSON：此处应为一个值。"
    assert _refused(load_json, "1" * 5000, "x.json")[0] == "x.json：JSON 中有无效的值（数字超过 4300 位）。"
    assert _refused(load_json, '{"a" 1}', "x.json")[0] == "x.json：第1行第6列：不是有效的 JSON：此处应为冒号。"
    assert _refused(load_json, b"\xff\xfe{}", "x.json")[0] == "x.json：文件应以 UTF-8 编码保存（第 0 字节无法解码）。"
