"""Mutation test: in every real report whose tables 3 and 4 add up, changing any single
numeric cell of those tables by any non-zero amount is caught by an error-level finding
that names the changed cell — every mutation, no sampling."""

from __future__ import annotations

import copy

import pytest

from gongkai.check import check_report
from gongkai.model import split_cell_id

ARITHMETIC = {"T3-IDENTITY", "T3-TOTAL", "T3-ROWSUM", "T4-TOTAL"}
DELTAS = (1, -1, 7, -7, 1_000_003)

# The real reports in examples/ and whether their tables 3 and 4 add up as printed.
# hongze-district-2023 prints 行政复议 总计 0 beside 10 + 1, and 复议后起诉 总计 0 beside 5.
REPORTS = {"000": True, "001": True, "002": True, "003": True, "004": True,
           "hongze-district-2023": False, "hongze-district-2024": True, "huaian-city-2024": True}


def _arithmetic(findings) -> list:
    return [f for f in findings if f.rule in ARITHMETIC]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_which_reports_add_up(seed, name):
    assert (not _arithmetic(check_report(seed(name)))) is REPORTS[name]


@pytest.mark.parametrize("name", sorted(n for n, ok in REPORTS.items() if ok))
def test_every_single_cell_mutation_is_caught(seed, name):
    report = seed(name)
    baseline = {(f.rule, tuple(f.cells)) for f in check_report(report)}
    cells = [(c, v) for c, v in report.iter_cells() if c.startswith(("table3.", "table4.")) and v is not None]
    assert cells, "the report has numeric cells in tables 3 and 4"
    missed, tried = [], 0
    for cell_id, value in cells:
        table, row, column = split_cell_id(cell_id)
        for delta in DELTAS + ((-value,) if value else ()):
            mutant = copy.copy(report)
            mutant_table = {r: dict(cols) for r, cols in report.table(table).items()}
            mutant_table[row][column] = value + delta
            setattr(mutant, table, mutant_table)
            tried += 1
            caught = [f for f in check_report(mutant) if f.severity == "error" and cell_id in f.cells
                      and (f.rule, tuple(f.cells)) not in baseline]
            if not caught:
                missed.append((cell_id, delta))
    assert missed == [], f"{len(missed)} of {tried} mutations not caught"
    assert tried >= len(cells) * len(DELTAS)
