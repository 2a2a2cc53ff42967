"""Fixtures for the checker tests: the seed reports, parsed once, and a builder of complete,
consistent reports (2019 and 2021 formats) that single tests then break on purpose."""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from gongkai.format import FORMAT
from gongkai.model import CellInfo, Report, Section, Where

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@cache
def _parsed(name: str) -> Report:
    from gongkai.load import load

    path = next(EXAMPLES.glob(f"{name}*"))
    return load(str(path))


@pytest.fixture
def seed():
    """seed("002") -> a fresh copy of the parsed seed report."""
    return lambda name: copy.deepcopy(_parsed(name))


SECTION_TEXT = {
    1: "2021年，本县共收到政府信息公开申请{received}件，其中予以公开{granted}件。",
    2: "本年主动公开政府信息1200条。",
    3: "依申请公开工作按时办结。",
    4: "本年发生行政复议{review}件。",
    5: "针对上年度报告指出的问题，已逐项整改。本年存在的问题是更新不及时。",
    6: "本年度未收取信息处理费。",
}


def build(version: str = "2021", year: int | None = None) -> Report:
    """A complete report whose tables are consistent and whose narrative agrees with them."""
    year = year or (2021 if version == "2021" else 2020)
    report = Report(title=f"某某县人民政府{year}年政府信息公开工作年度报告", agency="某某县人民政府",
                    year=year, format=version, published=date(year + 1, 1, 20),
                    preamble=f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
    line = iter(range(10, 10_000))

    def put(cell_id: str, value) -> None:
        report.set_value(cell_id, value, CellInfo(str(value), Where(line=next(line), column=2)))

    for n, (group, row) in enumerate(FORMAT.table2_rows(version)):
        for k, col in enumerate(group.columns):
            put(f"table2.{group.id}.{row.id}.{col.id}", n + k)
    applicants = [c for c in FORMAT.table3_column_ids if c != "total"]
    layout = FORMAT.table3_layout(version)
    outcomes = [r for r in FORMAT.table3_outcome_rows if r in layout]
    grid: dict[str, dict[str, int]] = {}
    for i, row in enumerate(outcomes):
        grid[row] = {c: (i * 3 + j) % 4 for j, c in enumerate(applicants)}
    grid["total"] = {c: sum(grid[r][c] for r in outcomes) for c in applicants}
    grid["carried_forward"] = {c: j % 2 for j, c in enumerate(applicants)}
    grid["carried_over"] = {c: 1 if j == 0 else 0 for j, c in enumerate(applicants)}
    grid["new_received"] = {c: grid["total"][c] + grid["carried_forward"][c] - grid["carried_over"][c]
                            for c in applicants}
    for row in layout:
        for c in applicants:
            put(f"table3.{row}.{c}", grid[row][c])
        put(f"table3.{row}.total", sum(grid[row].values()))
    for g, group in enumerate(FORMAT.table4_groups):
        parts = {"upheld": g + 1, "corrected": g, "other": 1, "pending": 0}
        for c, v in parts.items():
            put(f"table4.{group.id}.{c}", v)
        put(f"table4.{group.id}.total", sum(parts.values()))
    figures = {"received": report.value("table3.new_received.total"),
               "granted": report.value("table3.granted.total"),
               "review": report.value("table4.review.total")}
    for spec in FORMAT.sections:
        text = SECTION_TEXT[spec.no].format(**figures).replace("2021年", f"{year}年")
        report.sections.append(Section(spec.no, spec.title, text, Where(line=spec.no * 100)))
    return report


@pytest.fixture
def consistent():
    """consistent("2019") -> a fresh complete, consistent report of that format."""
    return build


def rule_ids(findings) -> list[str]:
    return [f.rule for f in findings]
