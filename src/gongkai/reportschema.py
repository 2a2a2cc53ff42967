"""The published JSON Schema of the report JSON (``gongkai.report/1``), and its check.

One schema, made from the national format itself (``format/national.yaml``: every table's row and
column ids, which cells hold amounts, which may be negative), published as
``docs/report.schema.json`` (``python -m gongkai.reportschema > docs/report.schema.json``; a test
keeps the two identical) and checked with the ``jsonschema`` library on every report JSON a user
gives (``gongkai.load.reports_from_json``) **before any rule runs**.  What it refuses, naming the
field: a year that is not a year (``"二〇二四"``), a title that is not text, an unknown format
version (a 100 KB ``format`` string), a count that is negative, fractional, NaN, infinite or
absurdly large, unknown tables, rows and columns.  Provenance (``cells``, ``findings``,
``figures``, notes) is described loosely: it is what gongkai wrote, and no rule trusts it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any

from gongkai.errors import NotAReport
from gongkai.format import FORMAT, VERSIONS
from gongkai.model import SCHEMA

SCHEMA_ID = "urn:gongkai:report.schema.json"
MAX_COUNT = 10**9          # no body receives a billion requests
MAX_AMOUNT = 10**12        # 万元 or 元
MAX_TEXT = 1_000_000       # one section's text
MAX_ERRORS = 10            # listed in one refusal


DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
AMOUNT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"
PATTERN_EXAMPLES = {DATE_PATTERN: "2025-01-20", AMOUNT_PATTERN: "4.00"}   # named in a refusal


def _cell(decimal: bool, signed: bool) -> dict:
    if decimal:
        kind: dict[str, Any] = {"type": "number", "maximum": MAX_AMOUNT}
    else:
        kind = {"type": "integer", "maximum": MAX_COUNT}
    if signed:
        kind["minimum"] = -(MAX_AMOUNT if decimal else MAX_COUNT)
    else:
        kind["minimum"] = 0
    return {"oneOf": [{"type": "null"}, kind]}


def _table(rows: dict[str, dict[str, dict]], title: str) -> dict:
    return {"type": ["object", "null"], "description": title, "additionalProperties": False,
            "properties": {row: {"type": ["object", "null"], "additionalProperties": False, "properties": columns}
                           for row, columns in rows.items()}}


@cache
def schema() -> dict:
    """The JSON Schema (draft 2020-12) of a report JSON."""
    t2: dict[str, dict[str, dict]] = {}
    for version in VERSIONS:
        for group, row in FORMAT.table2_rows(version):
            cols = t2.setdefault(f"{group.id}.{row.id}", {})
            for c in group.columns:
                cols[c.id] = _cell(c.decimal, c.id == "change")
    t3 = {row: {c: _cell(False, False) for c in FORMAT.table3_column_ids} for row in FORMAT.table3_rows}
    t4 = {g.id: {c: _cell(False, False) for c in FORMAT.table4_column_ids} for g in FORMAT.table4_groups}
    text = {"type": "string", "maxLength": MAX_TEXT}
    short = {"type": ["string", "null"], "maxLength": 500}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "gongkai 报告 JSON（政府信息公开工作年度报告）",
        "description": "gongkai parse --json 输出的报告 JSON。表格按 行编号 → 列编号 → 数值，单元格编号为 表.行.列，"
                       "如 table3.granted.total；null 表示空白，0 表示零。",
        "type": "object",
        "required": ["schema"],
        "properties": {
            "schema": {"const": SCHEMA},
            "source": {"type": ["object", "null"], "properties": {
                "name": {"type": "string", "maxLength": 4096}, "sha256": {"type": "string", "maxLength": 64},
                "form": {"type": "string", "maxLength": 20},
                # what a crawler's page header said: 发布时间 (ISO), 原文链接, 发布机构, 文号
                "posted": {"type": "string", "maxLength": 32}, "url": {"type": "string", "maxLength": 4096},
                "issuer": {"type": "string", "maxLength": 300}, "doc_no": {"type": "string", "maxLength": 300}}},
            "title": short,
            "agency": short,
            "year": {"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 1990, "maximum": 2100}]},
            "format": {"oneOf": [{"type": "null"}, {"enum": list(VERSIONS)}]},
            "published": {"oneOf": [{"type": "null"},
                                    {"type": "string", "pattern": DATE_PATTERN, "maxLength": 10}]},
            "preamble": text,
            "sections": {"type": "array", "maxItems": 50, "items": {
                "type": "object", "required": ["no"], "properties": {
                    "no": {"type": "integer", "minimum": 0, "maximum": 20}, "title": {"type": "string", "maxLength": 500},
                    "text": text, "where": {"type": ["string", "null"], "maxLength": 200}}}},
            "table2": _table(t2, "表二 主动公开政府信息情况（行：组.行，如 art20_1.rules；列如 made、repealed、in_force）"),
            "table3": _table(t3, "表三 收到和处理政府信息公开申请情况"),
            "table4": _table(t4, "表四 政府信息公开行政复议、行政诉讼情况"),
            "cells": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                "raw": {"type": "string"}, "where": {"type": ["string", "null"]}}}},
            "amounts": {"type": "object", "description": "金额单元格按印刷的小数位写出的文本（单元格编号 → 如 \"4.00\"；"
                        "表中的数值 4.0 不带小数位）；与表中数值相等时按此文本输出",
                        "additionalProperties": {"type": "string", "maxLength": 40, "pattern": AMOUNT_PATTERN}},
            "findings": {"type": "array"},
            "extra_rows": {"type": "array"},
            "labels": {"type": "array"},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    }


def schema_json() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


# -- checking ------------------------------------------------------------------------------------

@cache
def _validator():
    import jsonschema

    def is_integer(checker, instance) -> bool:  # a count parsed with Decimal floats is still an int
        return isinstance(instance, int) and not isinstance(instance, bool)

    def is_number(checker, instance) -> bool:  # NaN and 1e999 were loaded as text (safeload.NonFinite)
        return isinstance(instance, (int, float, Decimal)) and not isinstance(instance, bool)

    cls = jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine_many(
            {"integer": is_integer, "number": is_number}))
    return cls(schema())


_TYPES_ZH = {"integer": "整数", "number": "数字", "string": "文字", "object": "对象（映射）", "array": "列表",
             "null": "null（空白）", "boolean": "true 或 false"}


def _show(value) -> str:
    if isinstance(value, (str, int, Decimal, float)) and not isinstance(value, bool):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "…"


def _field(path) -> str:
    return ".".join(str(p) for p in path) or "（整个文档）"


def _leaf_errors(error):
    """The most specific errors (a ``oneOf`` says little; its branches say what was wrong)."""
    if error.context:
        # For a oneOf of null-or-something: the non-null branch's complaint explains the value.
        branches = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        yield from (branches or error.context)[:1]
    else:
        yield error


def _message(error) -> str:
    where = _field(error.absolute_path)
    v, expected, value = error.validator, error.validator_value, error.instance
    if v == "type":
        kinds: list[str] = expected if isinstance(expected, list) else [expected]
        return f"{where}：应为{'或'.join(_TYPES_ZH.get(k, k) for k in kinds)}，不能是“{_show(value)}”"
    if v == "minimum":
        return f"{where}：不能小于 {expected}（现为 {_show(value)}）" if expected else f"{where}：不能为负数（{_show(value)}）"
    if v == "maximum":
        return f"{where}：超过上限 {expected}（现为 {_show(value)}），不是可信的数值"
    if v in ("enum", "const"):
        allowed = expected if isinstance(expected, list) else [expected]
        return f"{where}：应为 {' 或 '.join(str(a) for a in allowed)}，不能是“{_show(value)}”"
    if v == "maxLength":
        return f"{where}：文字过长（{len(value):,} 个字符，上限 {expected:,}）"
    if v == "maxItems":
        return f"{where}：条目过多（{len(value):,} 条，上限 {expected:,}）"
    if v == "pattern":
        return f"{where}：格式应为 {PATTERN_EXAMPLES[expected]}，不能是“{_show(value)}”"
    if v == "additionalProperties":
        extra = sorted(set(value) - set(error.schema.get("properties", {})))
        return f"{where}：没有这样的{'行' if len(error.absolute_path) == 1 else '列'}：{'、'.join(map(str, extra[:5]))}"
    if v == "required":
        return f"{where}：缺少“{expected[0] if expected else ''}”"
    return f"{where}：{error.message}"


def check(data: Any, name: str, place: str | None = None) -> None:
    """Refuse a report JSON that does not match the schema, naming every wrong field (up to
    ``MAX_ERRORS``).  ``data`` is what ``safeload.load_json`` returned."""
    errors = sorted((leaf for e in _validator().iter_errors(data) for leaf in _leaf_errors(e)),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return
    listed = "；".join(_message(e) for e in errors[:MAX_ERRORS])
    more = f"（另有 {len(errors) - MAX_ERRORS} 处）" if len(errors) > MAX_ERRORS else ""
    # the schema is named by what prints it: a wheel's user has no docs/report.schema.json
    raise NotAReport(f"报告 JSON 不符合其格式（JSON Schema 由 python -m gongkai.reportschema 输出）：{listed}{more}。",
                     name, place)


if __name__ == "__main__":  # python -m gongkai.reportschema > docs/report.schema.json
    import sys

    sys.stdout.write(schema_json())
