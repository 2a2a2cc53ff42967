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


def shown_rows(report: Report) -> list[str]:
    """Table 3's rows as a view prints them: its layout's, and any row of the other layout it
    holds (a roll-up of reports printing （六）其他处理 as one row and as three) in its place in
    the format's order, not after 四、结转下年度."""
    rows = set(FORMAT.table3_layout(table3_layout(report))) | set(report.table3 or {})
    return [r for r in FORMAT.table3_rows if r in rows] + sorted(r for r in rows if r not in FORMAT.table3_rows)


# The one-row （六）其他处理 beside the three rows (a roll-up of both layouts) says whose it is.
ONE_ROW_OTHER = "（印作一行的报告）"


def row_note(report: Report, row: str) -> str:
    """What a view adds to a row's label: ``ONE_ROW_OTHER`` for the one-row （六） shown beside
    its three rows, else ""."""
    rows = report.table3 or {}
    return ONE_ROW_OTHER if row == SINGLE_OTHER and any(r.startswith(SPLIT_PREFIX) for r in rows) else ""


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
