"""The rule catalogue (``rules.yaml``), loaded once, and the helpers every rule uses to build a
``Finding`` (cells are named in Chinese by ``gongkai.format.names``, re-exported here)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from gongkai import regex
from gongkai.format.names import cell_label as cell_zh  # noqa: F401 - rules name cells through these
from gongkai.format.names import column_label, row_label, table_name  # noqa: F401
from gongkai.format.text import nested_quotes
from gongkai.model import Finding, Report, Where
from gongkai.records import record
from gongkai.shipped import shipped_data

SEVERITIES = ("error", "warning", "notice")


@record(frozen=True)
class Rule:
    id: str
    severity: str
    about: str
    message: str
    extra: dict[str, Any]


@cache
def data() -> dict[str, Any]:
    return shipped_data(__package__, "rules.yaml")


@cache
def rules() -> dict[str, Rule]:
    out = {}
    for rule_id, d in data()["rules"].items():
        if d["severity"] not in SEVERITIES:
            raise ValueError(f"rules.yaml: {rule_id}: unknown severity {d['severity']!r}")
        extra = {k: v for k, v in d.items() if k not in ("severity", "about", "message")}
        out[rule_id] = Rule(rule_id, d["severity"], d["about"], d["message"], extra)
    return out


def must_correct(rule_ids: Iterable[str]) -> list[tuple[str, str]]:
    """(rule id, what it is about) of each error rule in ``rule_ids``, sorted by id: what a
    report must correct (须改正：缺少格式规定的统计表), as the review index, the check page and 名录 say it."""
    known = rules()
    return sorted({(r, known[r].about if r in known else r) for r in rule_ids})


@cache
def compiled(pattern: str) -> re.Pattern:
    return regex.compile(pattern)


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
    text = nested_quotes((template or rule.message).format(**fields))
    # An explicit position (a label, an extra row) is more precise than its row's first cell.
    place = (where.zh() or None) if where is not None else where_of(report, cells)
    return Finding(rule_id, severity or rule.severity, text, cells, place, quote)


_CN_DIGITS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """Section numbers as printed: 4 -> 四."""
    return _CN_DIGITS[n] if 0 <= n <= 10 else str(n)

