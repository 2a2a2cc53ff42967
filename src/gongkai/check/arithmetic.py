"""Table arithmetic: T3-IDENTITY, T3-TOTAL, T3-ROWSUM, T4-TOTAL (§A.6 V1–V4).

A check whose operands include a blank or an absent row is skipped: the blank is reported
by CELL-BLANK, never guessed as 0.
"""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.check.catalogue import finding, rules
from gongkai.check.shape import outcome_rows
from gongkai.format import FORMAT
from gongkai.format.names import column_label, row_label
from gongkai.model import Finding, Number, Report

TOTAL = "total"


def _values(report: Report, cells: list[str]) -> list[Number] | None:
    """The values of ``cells`` (all of one table), or None when any is blank or absent."""
    table = report.table(cells[0].split(".", 1)[0]) or {}
    out: list[Number] = []
    for cell_id in cells:
        row, column = cell_id.split(".", 1)[1].rsplit(".", 1)
        value = table.get(row, {}).get(column)
        if value is None:
            return None
        out.append(value)
    return out


def _applicant_columns() -> list[str]:
    return [c for c in FORMAT.table3_column_ids if c != TOTAL]


def t3_identity(report: Report) -> Iterator[Finding]:
    if report.table3 is None:
        return
    for col in FORMAT.table3_column_ids:
        cells = [f"table3.{r}.{col}" for r in ("new_received", "carried_over", "total", "carried_forward")]
        vals = _values(report, cells)
        if vals is None:
            continue
        a, b, c, d = vals
        if a + b != c + d:
            yield finding(report, "T3-IDENTITY", cells, column=column_label("table3", "", col),
                          a=a, b=b, c=c, d=d, left=a + b, right=c + d, diff=abs(a + b - c - d))


def t3_total(report: Report) -> Iterator[Finding]:
    if report.table3 is None:
        return
    rows = outcome_rows(report)
    for col in FORMAT.table3_column_ids:
        total_cell = f"table3.total.{col}"
        cells = [f"table3.{r}.{col}" for r in rows]
        vals = _values(report, [total_cell] + cells)
        if vals is None:
            continue
        total, parts = vals[0], vals[1:]
        if sum(parts) != total:
            yield finding(report, "T3-TOTAL", [total_cell] + cells, column=column_label("table3", "", col),
                          total=total, sum=sum(parts), diff=abs(sum(parts) - total))


def t3_rowsum(report: Report) -> Iterator[Finding]:
    if report.table3 is None:
        return
    applicants = _applicant_columns()
    for row in report.table3:
        if row not in FORMAT.table3_rows:
            continue
        cells = [f"table3.{row}.{c}" for c in applicants]
        vals = _values(report, [f"table3.{row}.{TOTAL}"] + cells)
        if vals is None:
            continue
        total, parts = vals[0], vals[1:]
        if sum(parts) != total:
            found = finding(report, "T3-ROWSUM", [f"table3.{row}.{TOTAL}"] + cells,
                            row=row_label("table3", row), total=total, sum=sum(parts), diff=abs(sum(parts) - total))
            yield _by_count(report, found)


def t4_total(report: Report) -> Iterator[Finding]:
    if report.table4 is None:
        return
    parts_ids = [c for c in FORMAT.table4_column_ids if c != TOTAL]
    for group in FORMAT.table4_groups:
        cells = [f"table4.{group.id}.{c}" for c in parts_ids]
        vals = _values(report, [f"table4.{group.id}.{TOTAL}"] + cells)
        if vals is None:
            continue
        total, parts = vals[0], vals[1:]
        if sum(parts) != total:
            label = f"{group.parent}—{group.label}" if group.parent else group.label
            found = finding(report, "T4-TOTAL", [f"table4.{group.id}.{TOTAL}"] + cells, group=label,
                            total=total, sum=sum(parts), diff=abs(sum(parts) - total))
            yield _by_count(report, found)


def _by_count(report: Report, found: Finding) -> Finding:
    """A failing sum over cells a crawler's text printed run together and only their count of digits
    placed (basis ``digit-count``): a cell left blank leaves no trace there, so the digits may belong
    to the next cell; the finding says so."""
    # a crawler's text alone says where a cell's digits start by character (``Where.char``)
    if any("digit-count" in info.basis and info.where is not None and info.where.char is not None
           for c in found.cells if (info := report.cells.get(c)) is not None):
        found.message += rules()[found.rule].extra["digit_count"]
    return found


RULES = (t3_identity, t3_total, t3_rowsum, t4_total)
# Their rule ids: a report's own sums that do not hold (the review page, the corpus's statistics).
RULE_IDS = ("T3-IDENTITY", "T3-TOTAL", "T3-ROWSUM", "T4-TOTAL")
