"""The report source file: the YAML a clerk edits (docs/source-format.md).

Loading validates everything against ``FORMAT`` and names the line of each mistake: an
unknown key, a row the chosen format version does not have, text where a number goes.  A
blank (``null``) stays blank; nothing is filled in.  Files reach this module through the one
loader (``gongkai.load``), which also builds from report JSON and published reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

from gongkai.errors import SourceError
from gongkai.extract.meta import parse_date
from gongkai.format import FORMAT, VERSIONS
from gongkai.model import Report, Section, Source
from gongkai.safeload import DataError, load_yaml_node, shipped_yaml

TOP_KEYS = ("agency", "year", "format", "published", "body_type", "title", "preamble", "sections",
            "table2", "table3", "table4")
SECTION_KEYS = ("number", "title", "text")


@cache
def source_data() -> dict:
    return shipped_yaml(__package__, "source.yaml")


def body_types() -> list[str]:
    return [b["id"] for b in source_data()["body_types"]]


def body_type_of(agency: str | None) -> str:
    """The kind of body an agency name names (淮安市人民政府: 县级以上地方人民政府; a town's
    government: 乡（镇）人民政府; 淮安市市场监督管理局: 县级以上人民政府部门)."""
    import re

    name = "".join((agency or "").split())
    for b in source_data()["body_types"]:
        if b.get("match") and re.search(b["match"], name):
            return b["id"]
    return source_data()["default_body_type"]


@dataclass
class ReportSource:
    report: Report
    body_type: str | None = None
    path: str = ""
    reminders: list[int] = field(default_factory=list)  # sections still holding 【待办】 text


def _lines(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Path of keys/indexes -> 1-based line, for error messages."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[path + (str(key.value),)] = key.start_mark.line + 1
            _lines(value, path + (str(key.value),), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, path + (i,), out)
    return out


class _Validator:
    def __init__(self, name: str, lines: dict[tuple, int]):
        self.name = name
        self.lines = lines

    def fail(self, message: str, path: tuple) -> None:
        line = None
        for n in range(len(path), 0, -1):  # a missing top-level key has no line
            line = self.lines.get(path[:n])
            if line:
                break
        raise SourceError(message, self.name, f"第{line}行" if line else None)

    # -- scalars --------------------------------------------------------------------------
    def text(self, value, path: tuple, required: bool = False) -> str:
        if value is None:
            if required:
                self.fail(f"“{path[-1]}”不能为空。", path)
            return ""
        if isinstance(value, (dict, list)):
            self.fail(f"“{path[-1]}”应为一段文字。", path)
        return str(value).strip()

    def number(self, value, path: tuple, decimal: bool, signed: bool):
        """A cell value: int, Decimal (amounts) or None (blank)."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.fail(f"“{'.'.join(map(str, path))}”应为数字或 null（空白），不能是“{value}”。", path)
        if isinstance(value, Decimal):
            if value == value.to_integral_value() and not decimal:
                value = int(value)
            elif not decimal:
                self.fail(f"“{'.'.join(map(str, path))}”是件数，应为整数，不能是 {value}。", path)
        if value < 0 and not signed:
            self.fail(f"“{'.'.join(map(str, path))}”不能为负数（{value}）。", path)
        return value


def _rows_allowed(table: str, version: str) -> dict[str, tuple]:
    """row id -> (column ids, decimal column ids, signed column ids) of one table."""
    if table == "table2":
        return {f"{g.id}.{r.id}": (tuple(c.id for c in g.columns), {c.id for c in g.columns if c.decimal},
                                  {"change"})
                for g, r in FORMAT.table2_rows(version)}
    if table == "table3":
        return {rid: (FORMAT.table3_column_ids, set(), set()) for rid in FORMAT.table3_layout(version)}
    return {g.id: (FORMAT.table4_column_ids, set(), set()) for g in FORMAT.table4_groups}


def _table(v: _Validator, data, table: str, version: str) -> dict | None:
    if data is None:
        return None
    path = (table,)
    if not isinstance(data, dict):
        v.fail(f"“{table}”应为“行编号: {{列编号: 数值, …}}”的映射。", path)
    allowed = _rows_allowed(table, version)
    out: dict[str, dict] = {}
    for row, columns in data.items():
        row = str(row)
        if row not in allowed:
            v.fail(f"{version} 年版格式的{_TABLE_ZH[table]}没有行“{row}”。可用的行：{'、'.join(allowed)}。",
                   path + (row,))
        if columns is None:
            columns = {}
        if not isinstance(columns, dict):
            v.fail(f"“{table}.{row}”应为“{{列编号: 数值, …}}”。", path + (row,))
        ids, decimals, signed = allowed[row]
        values = {}
        for column, value in columns.items():
            column = str(column)
            if column not in ids:
                v.fail(f"“{table}.{row}”没有列“{column}”。可用的列：{'、'.join(ids)}。", path + (row, column))
            values[column] = v.number(value, (table, row, column), column in decimals, column in signed)
        out[row] = values
    return out


_TABLE_ZH = {"table2": "表二", "table3": "表三", "table4": "表四"}


def _published(v: _Validator, value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        v.fail(f"落款日期“{value}”无法识别，请写成 2025-01-20 或 2025年1月20日。", ("published",))
    return parsed


def _sections(v: _Validator, data) -> list[Section]:
    if data is None:
        return []
    if not isinstance(data, list):
        v.fail("“sections”应为列表，每项有 number、title、text。", ("sections",))
    titles = {s.no: s.title for s in FORMAT.sections}
    out: list[Section] = []
    for i, item in enumerate(data):
        path = ("sections", i)
        if not isinstance(item, dict):
            v.fail("每个章节应有 number、title、text。", path)
        for key in item:
            if str(key) not in SECTION_KEYS:
                v.fail(f"章节中未知的字段“{key}”（可用：{'、'.join(SECTION_KEYS)}）。", path + (str(key),))
        number = item.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number not in titles:
            v.fail(f"章节编号应为 1 到 {len(titles)} 的整数，不能是“{number}”。", path + ("number",))
        if any(s.no == number for s in out):
            v.fail(f"第{number}部分重复出现。", path + ("number",))
        title = v.text(item.get("title"), path + ("title",)) or titles[number]
        out.append(Section(number, title, v.text(item.get("text"), path + ("text",))))
    return sorted(out, key=lambda s: s.no)


def source_from_yaml(text: str, name: str) -> ReportSource:
    """Parse and validate a source YAML given as text."""
    try:
        data, node = load_yaml_node(text, name, decimals=True)  # no aliases, bounded depth and size
    except DataError as exc:
        raise SourceError(exc.message, name, exc.place) from None
    if not isinstance(data, dict) or node is None:
        raise SourceError("源文件应为 YAML 映射（agency、year、format、sections、table2…）。", name)
    v = _Validator(name, _lines(node))
    for key in data:
        if str(key) not in TOP_KEYS:
            v.fail(f"未知的字段“{key}”（可用：{'、'.join(TOP_KEYS)}）。", (str(key),))
    version = str(data.get("format") or "2021")
    if version not in VERSIONS:
        v.fail(f"format 应为 {' 或 '.join(VERSIONS)}，不能是“{version}”。", ("format",))
    year = data.get("year")
    if year is None:
        v.fail("缺少 year（报告年度，四位年份）。", ("year",))  # said “不能是“None””
    elif not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        v.fail(f"year（报告年度）应为四位年份，不能是“{year}”。", ("year",))
    body_type = v.text(data.get("body_type"), ("body_type",)) or None
    if body_type and body_type not in body_types():
        v.fail(f"body_type 应为以下之一：{'、'.join(body_types())}。", ("body_type",))
    report = Report(
        source=Source(Path(name).name, "", "yaml"),
        title=v.text(data.get("title"), ("title",)) or None,
        agency=v.text(data.get("agency"), ("agency",), required=True),
        year=year,
        format=version,
        published=_published(v, data.get("published")),
        preamble=v.text(data.get("preamble"), ("preamble",)),
        sections=_sections(v, data.get("sections")),
    )
    for table in ("table2", "table3", "table4"):
        setattr(report, table, _table(v, data.get(table), table, version))
    return ReportSource(report, body_type, name, _reminders(report))


def buildable(report: Report, name: str) -> ReportSource:
    """A report loaded from another form (report JSON, a published file) as a source to build:
    it must name its body and year; an unknown format version is built as the 2021 one."""
    if report.format not in VERSIONS:
        report.format = "2021"
    if not report.agency or not report.year:
        raise SourceError("报告缺少 agency（机关名称）或 year（报告年度）。", name)
    return ReportSource(report, None, name, _reminders(report))


def _reminders(report: Report) -> list[int]:
    mark = source_data()["reminder_mark"]
    return [s.no for s in report.sections if mark in s.text] + ([0] if mark in report.preamble else [])


__all__ = ["ReportSource", "SourceError", "body_type_of", "body_types", "buildable", "source_data", "source_from_yaml"]
