"""The one way to load YAML and JSON that comes from outside: files and bodies users send.

Plain ``yaml.safe_load`` and ``json.loads`` are safe from code execution but not from exhaustion:

- a 1 KB YAML document of nested aliases (``&a [*a, *a, …]`` ten levels deep) expands to billions of
  nodes: memory past 2 GB and no end.  Here **aliases are refused** (a report source, a draft, a
  settings file has no use for them), with the line of the first one;
- ``[`` × 100,000 (JSON or YAML flow) raises ``RecursionError`` deep inside the parser, or later in
  whatever walks the result.  Here **nesting is bounded** (``MAX_DEPTH``) and measured before parsing;
- text is bounded in size (``MAX_YAML_BYTES``, ``MAX_JSON_BYTES``) so the work of one load is bounded;
- JSON's non-standard ``NaN``/``Infinity`` and numbers too large for a float (``1e999``) are not
  numbers here: they load as ``NonFinite`` (a ``str``), so whatever validates the data names the field.

Every failure is a ``DataError`` (a ``GongkaiError``: Chinese message, file name, line and column).
The package's own data files (trusted, read once) use ``shipped_yaml``: the C loader, no bounds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from gongkai import regex
from gongkai.errors import GongkaiError
from gongkai.files import read_regular

MAX_DEPTH = 64                        # a report JSON nests 5 deep; a source YAML 4
MAX_YAML_BYTES = 2 * 1024 * 1024      # a report source is ~10 KB, a long one with its narrative < 200 KB
MAX_JSON_BYTES = 32 * 1024 * 1024     # one JSON document (a report is ~50 KB; an export may be larger)


class DataError(GongkaiError):
    """YAML or JSON that cannot be loaded safely or is not well-formed.  ``syntax``: the JSON
    parser's own reason (e.g. ``Extra data``), for callers that read JSON Lines."""

    def __init__(self, message: str, path: str | None = None, place: str | None = None,
                 syntax: str | None = None):
        super().__init__(message, path, place)
        self.syntax = syntax


class NonFinite(str):
    """``NaN``, ``Infinity``, ``-Infinity`` or an overflowing number such as ``1e999``, as written."""


# -- YAML -----------------------------------------------------------------------------------------

def _mark_place(mark) -> str | None:
    return f"第{mark.line + 1}行第{mark.column + 1}列" if mark is not None else None


def _alias_refused(event, name: str) -> DataError:
    return DataError(f"不接受 YAML 别名（*{event.anchor}）：请直接写出内容，不要用 & 和 * 引用。",
                     name, _mark_place(event.start_mark))


def _too_deep(event, name: str) -> DataError:
    return DataError(f"YAML 嵌套超过 {MAX_DEPTH} 层，不是有效的内容。", name, _mark_place(event.start_mark))


class _PyLoader(yaml.SafeLoader):
    """Pure-Python SafeLoader (where PyYAML lacks libyaml) refusing aliases and bounding nesting
    while it composes the node tree."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _alias_refused(self.peek_event(), self.name)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _too_deep(self.peek_event(), self.name)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_C = getattr(yaml, "CSafeLoader", None)


def _check_events(text: str, name: str, loader: Any) -> None:
    """Aliases and nesting, from libyaml's event stream (fast, iterative) before anything is built."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(event, name)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            raise _alias_refused(event, name)


def _decimal(loader, node: yaml.Node) -> Decimal | str:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return NonFinite(text)  # .inf / .nan
    return value if value.is_finite() else NonFinite(text)


def _with_decimals(base: type) -> type:
    """The loader class with exact decimals: ``1340.5117`` stays that number, not a float."""
    cls: Any = type(f"{base.__name__}Decimal", (base,), {})
    cls.add_constructor("tag:yaml.org,2002:float", _decimal)
    return cls


_LOADERS = {False: _C or _PyLoader, True: _with_decimals(_C or _PyLoader)}


def load_yaml_node(text: str, name: str, *, decimals: bool = False) -> tuple[Any, yaml.Node | None]:
    """User YAML -> (data, node tree).  The node tree gives line numbers for later messages."""
    _check_size(text, MAX_YAML_BYTES, "YAML", name)
    loader = None
    try:
        if _C is not None:
            _check_events(text, name, _C)
        loader = _LOADERS[decimals](text)
        loader.name = name
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except DataError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise DataError(f"YAML 格式错误：{exc.problem or exc.context}", name, _mark_place(mark)) from None
    except yaml.YAMLError as exc:
        raise DataError(f"YAML 格式错误：{exc}", name) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a date like 2027-13-01, a 5,000-digit number
        hint = "；日期请写成 2027-01-01 的形式" if re.search(r"\b(month|day|year)\b", str(exc)) else ""
        raise DataError(f"YAML 中有无效的值（{_value_problem(exc)}）{hint}。", name) from None
    except RecursionError:  # pragma: no cover - the depth bound comes first
        raise DataError(f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）。", name) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, node


def load_yaml(text: str, name: str, *, decimals: bool = False) -> Any:
    """User YAML -> Python data (no aliases, bounded depth and size)."""
    return load_yaml_node(text, name, decimals=decimals)[0]


def load_yaml_file(path: str | Path, *, decimals: bool = False, missing_ok: bool = False) -> Any:
    """A user's YAML file (a regular file, UTF-8).  ``missing_ok``: a missing file loads as None."""
    data = read_regular(path, MAX_YAML_BYTES, missing_ok=missing_ok)
    if data is None:
        return None
    return load_yaml(_utf8(data, str(path)), str(path), decimals=decimals)


def shipped_yaml(package: str, *parts: str) -> Any:
    """A YAML data file shipped inside gongkai (trusted), parsed once per machine (``gongkai.shipped``)."""
    from gongkai.shipped import shipped_data

    return shipped_data(package, *parts)


# -- JSON -----------------------------------------------------------------------------------------

def _parse_constant(text: str) -> NonFinite:
    return NonFinite(text)


def load_json(text: str | bytes, name: str, *, parse_float: Callable[[str], Any] | None = None,
              max_bytes: int = MAX_JSON_BYTES) -> Any:
    """User JSON -> Python data (bounded depth and size; NaN, Infinity and 1e999 load as NonFinite)."""
    if isinstance(text, (bytes, bytearray)):
        text = _utf8(bytes(text), name)
    _check_size(text, max_bytes, "JSON", name)
    if json_depth(text) > MAX_DEPTH:
        raise DataError(f"JSON 嵌套超过 {MAX_DEPTH} 层，不是有效的内容。", name)
    to_float = parse_float or float

    def number(s: str):
        value = to_float(s)
        try:
            finite = value == value and value not in (float("inf"), float("-inf"))
        except TypeError:
            finite = True
        return value if finite else NonFinite(s)

    try:
        return json.loads(text, parse_float=number, parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        said = next((zh for en, zh in JSON_SYNTAX.items() if exc.msg.startswith(en)), exc.msg)
        raise DataError(f"不是有效的 JSON：{said}。", name, f"第{exc.lineno}行第{exc.colno}列",
                        syntax=exc.msg) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise DataError(f"JSON 中有无效的值（{_value_problem(exc)}）。", name) from None
    except RecursionError:  # pragma: no cover - the depth bound comes first
        raise DataError(f"JSON 嵌套过深（超过 {MAX_DEPTH} 层）。", name) from None


def load_json_file(path: str | Path, **kwargs) -> Any:
    """A user's JSON file (a regular file, UTF-8 with or without BOM)."""
    data = read_regular(path, kwargs.get("max_bytes", MAX_JSON_BYTES))
    return load_json(_utf8(data, str(path)), str(path), **kwargs)


# -- shared bounds --------------------------------------------------------------------------------

_JSON_STRING = regex.compile(r'"(?:[^"\\\n]|\\.)*"')
_BRACKET = regex.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """Deepest bracket nesting of a JSON text outside its strings, measured before the (recursive)
    parser runs.  YAML needs no such scan: its parser is iterative and the composer counts."""
    return max(accumulate(_STEP[b] for b in _BRACKET.findall(_JSON_STRING.sub("", text))), default=0)


def _check_size(text: str, limit: int, kind: str, name: str) -> None:
    if len(text) > limit:
        raise DataError(f"{kind} 内容过大（{len(text) / 1048576:.1f} MB，上限 {limit // 1048576} MB）。", name)


def _utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"文件应以 UTF-8 编码保存（第 {exc.start} 字节无法解码）。", name) from None


# json's syntax messages (JSONDecodeError.msg, up to a quoted part) in Chinese
JSON_SYNTAX = {"Expecting value": "此处应为一个值", "Expecting property name enclosed in double quotes":
               "此处应为带双引号的字段名", "Expecting ':' delimiter": "此处应为冒号", "Expecting ',' delimiter":
               "此处应为逗号", "Unterminated string starting at": "字符串没有结束的引号",
               "Invalid control character at": "字符串中有控制字符", "Invalid \\escape": "无效的转义符",
               "Invalid \\uXXXX escape": "无效的 \\u 转义符", "Extra data": "JSON 内容之后还有多余的内容"}


def _value_problem(exc: Exception) -> str:
    """A loaded value's problem: Python's words, but an integer too long to convert said in Chinese."""
    digits = re.search(r"Exceeds the limit \((\d+) digits\) for integer string conversion", str(exc))
    return f"数字超过 {digits[1]} 位" if digits else _short(exc)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 120 else text[:117] + "…"
