"""Real report text for the narrative tests: the shipped reports of examples/ (the seeds, the
PDFs and the crawler renderings of 平潭 reports in examples/crawler-text/), read once, handed
out as copies that a test may change."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from gongkai.format import FORMAT
from gongkai.load import load
from gongkai.model import Report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CRAWLER = sorted(p.stem for p in (EXAMPLES / "crawler-text").glob("*.txt"))


@cache
def _loaded(pattern: str) -> Report:
    return load(next(EXAMPLES.glob(pattern)))


def example(pattern: str) -> Report:
    """examples/<pattern> ("003_*", "huaian-city-2024.pdf", "crawler-text/ptzhsyqjtj-2021.txt")."""
    return copy.deepcopy(_loaded(pattern))


def crawler(name: str) -> Report:
    return example(f"crawler-text/{name}.txt")


def put(report: Report, values: dict[str, int]) -> Report:
    for cell, value in values.items():
        report.set_value(cell, value)
    return report


def zero_tables(report: Report) -> Report:
    """Tables 3 and 4 all zero, for a test that then sets the cells it needs."""
    for row in FORMAT.table3_layout(report.format or "2021"):
        for column in FORMAT.table3_column_ids:
            report.set_value(f"table3.{row}.{column}", 0)
    for group in FORMAT.table4_groups:
        for column in FORMAT.table4_column_ids:
            report.set_value(f"table4.{group.id}.{column}", 0)
    return report
