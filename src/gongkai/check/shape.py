"""What a report should contain, according to ``FORMAT``: its table-3 layout and the
cells its format version requires."""

from __future__ import annotations

from functools import cache

from gongkai.format import FORMAT, VERSIONS
from gongkai.model import Report, split_cell_id

SPLIT_PREFIX = "other."  # the 2021 sub-rows of （六）其他处理: other.no_correction …
SINGLE_OTHER = "other"   # the 2019 single row （六）其他处理


def version(report: Report) -> str:
    """The format version the report's tables are checked against: the one it printed."""
    return report.format if report.format in VERSIONS else VERSIONS[-1]


def table3_layout(report: Report) -> str:
    """The layout the report's table 3 actually has: its （六） rows decide, else its version."""
    rows = report.table3 or {}
    if any(r.startswith(SPLIT_PREFIX) for r in rows):
        return "2021"
    if SINGLE_OTHER in rows:
        return "2019"
    return version(report)


def outcome_rows(report: Report) -> list[str]:
    """The rows whose sum is （七）总计, in the report's own layout."""
    layout = set(FORMAT.table3_layout(table3_layout(report)))
    return [r for r in FORMAT.table3_outcome_rows if r in layout]


@cache
def _rows(version_: str, layout: str) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    rows: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for cell_id in FORMAT.expected_cells(version_, layout):
        table, row, column = split_cell_id(cell_id)
        rows.setdefault((table, row), []).append((column, cell_id))
    return tuple((t, r, tuple(cols)) for (t, r), cols in rows.items())


def expected_rows(report: Report) -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """(table, row, ((column, cell id), …)) for every row the report's format requires."""
    return _rows(version(report), table3_layout(report))
