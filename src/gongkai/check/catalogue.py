"""The rule catalogue (``rules.yaml``), loaded once, and the helpers every rule uses to
name cells in Chinese and to build a ``Finding``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from gongkai.format import FORMAT, VERSIONS
from gongkai.model import Finding, Report, Where, split_cell_id

SEVERITIES = ("error", "warning", "notice")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    about: str
    message: str
    extra: dict[str, Any]


@lru_cache(maxsize=None)
def data() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("rules.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@lru_cache(maxsize=None)
def rules() -> dict[str, Rule]:
    out = {}
    for rule_id, d in data()["rules"].items():
        if d["severity"] not in SEVERITIES:
            raise ValueError(f"rules.yaml: {rule_id}: unknown severity {d['severity']!r}")
        extra = {k: v for k, v in d.items() if k not in ("severity", "about", "message")}
        out[rule_id] = Rule(rule_id, d["severity"], d["about"], d["message"], extra)
    return out


@lru_cache(maxsize=None)
def compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# -- Chinese names of tables, rows and columns (from the national format) ---------------

def table_name(table: str) -> str:
    return data()["tables"][table]["name"]


@lru_cache(maxsize=None)
def _table2_labels(version: str | None) -> tuple[dict[str, str], dict[str, str]]:
    rows, columns = {}, {}
    # The report's own version wins where both versions share an id (规范性文件 / 行政规范性文件).
    order = [v for v in VERSIONS if v != version] + ([version] if version in VERSIONS else [])
    for version in order:
        for group, row in FORMAT.table2_rows(version):
            rows[f"{group.id}.{row.id}"] = row.label
            for col in group.columns:
                columns[f"{group.id}.{col.id}"] = col.label
    return rows, columns


def row_label(table: str, row: str, version: str | None = None) -> str:
    if table == "table3":
        spec = FORMAT.table3_rows.get(row)
        if spec is None:
            return row
        if spec.group and spec.group != spec.label:
            return f"{spec.group}—{spec.label}"
        return spec.label
    if table == "table4":
        return next((g.label for g in FORMAT.table4_groups if g.id == row), row)
    return _table2_labels(version)[0].get(row, row)


def column_label(table: str, row: str, column: str, version: str | None = None) -> str:
    if table == "table3":
        return next((c.label for c in FORMAT.table3_columns if c.id == column), column)
    if table == "table4":
        return next((c.label for c in FORMAT.table4_columns if c.id == column), column)
    return _table2_labels(version)[1].get(f"{row.split('.', 1)[0]}.{column}", column)


def cell_zh(cell_id: str, version: str | None = None) -> str:
    """``table3.granted.total`` -> 表三“（一）予以公开”行“总计”列."""
    table, row, column = split_cell_id(cell_id)
    rl, cl = row_label(table, row, version), column_label(table, row, column, version)
    if table == "table4":
        return f"{table_name(table)}“{rl}—{cl}”"
    return f"{table_name(table)}“{rl}”行“{cl}”列"


# -- findings ---------------------------------------------------------------------------

def where_of(report: Report, cells: list[str]) -> str | None:
    """The position of the first cell that has one, in Chinese."""
    for cell_id in cells:
        info = report.cells.get(cell_id)
        if info is not None and info.where is not None:
            return info.where.zh() or None
    return None


def finding(report: Report, rule_id: str, cells: list[str] | None = None, *, where: Where | None = None,
            quote: str | None = None, severity: str | None = None, template: str | None = None,
            **fields: Any) -> Finding:
    rule = rules()[rule_id]
    cells = list(cells or [])
    text = (template or rule.message).format(**fields)
    # An explicit position (a label, an extra row) is more precise than its row's first cell.
    place = (where.zh() or None) if where is not None else where_of(report, cells)
    return Finding(rule_id, severity or rule.severity, text, cells, place, quote)


_CN_DIGITS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """Section numbers as printed: 4 -> 四."""
    return _CN_DIGITS[n] if 0 <= n <= 10 else str(n)

