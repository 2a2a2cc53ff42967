"""Table 3 of the annual report, computed from the register as of 31 December of a year.

For year Y and each applicant type (the request's type at registration):
- new_received:    received in Y;
- carried_over:    received before Y and not concluded before Y;
- outcome rows:    concluded in Y, by outcome;  total = their sum;
- carried_forward: received by 31 Dec Y and not concluded by then.
Because every request has concluded_on ≥ received_on, new + carried_over = total +
carried_forward holds for every column, and Y's carried_forward is Y+1's carried_over.  Each
cell has one predicate (:func:`_cell_filter`), used both to count and to drill down.
"""

from __future__ import annotations

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.model import Report
from gongkai.db import Database
from gongkai.register.vocab import LAYOUT, applicant_types, outcomes


def _bounds(year: int) -> tuple[str, str, str]:
    return f"{year}-01-01", f"{year}-12-31", f"{year + 1}-01-01"


def _cell_filter(year: int, row: str) -> tuple[str, tuple]:
    first, last, _ = _bounds(year)
    if row == "new_received":
        return "received_on >= ? AND received_on <= ?", (first, last)
    if row == "carried_over":
        return "received_on < ? AND (concluded_on IS NULL OR concluded_on >= ?)", (first, first)
    if row == "carried_forward":
        return "received_on <= ? AND (concluded_on IS NULL OR concluded_on > ?)", (last, last)
    if row == "total":
        return "concluded_on >= ? AND concluded_on <= ?", (first, last)
    if row in outcomes():
        return "concluded_on >= ? AND concluded_on <= ? AND outcome = ?", (first, last, row)
    raise GongkaiError(f"表三没有“{row}”这一行（2021 年格式）")


def compute(db: Database, year: int, agency: str | None = None) -> Report:
    """Table 3 of ``year`` (2021 layout) as a Report with ``year`` and ``format`` set."""
    if not 1000 <= year <= 9999:
        raise GongkaiError(f"年份“{year}”无效")
    cols = list(applicant_types())
    table: dict[str, dict[str, int]] = {r: {c: 0 for c in (*cols, "total")} for r in FORMAT.table3_layout(LAYOUT)}
    first, last, _ = _bounds(year)
    # Only the three totals need their own query; the outcome rows come from one GROUP BY.
    for row in ("new_received", "carried_over", "carried_forward"):
        where, params = _cell_filter(year, row)
        for atype, n in db.query(f"SELECT applicant_type, COUNT(*) FROM requests WHERE {where} "
                                 "GROUP BY applicant_type", params):
            table[row][atype] += n
    for atype, outcome, n in db.query(
            "SELECT applicant_type, outcome, COUNT(*) FROM requests WHERE concluded_on >= ? AND concluded_on <= ? "
            "GROUP BY applicant_type, outcome", (first, last)):
        table[outcome][atype] += n
        table["total"][atype] += n
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in cols)
    report = Report(agency=agency, year=year, format=LAYOUT)
    report.table3 = table
    report.notes.append(f"表三由依申请公开台账计算（截至{year}年12月31日）")
    return report


def drill(db: Database, year: int, cell: str) -> list[str]:
    """The request numbers behind one cell, e.g. ``granted.natural_person`` or
    ``table3.carried_forward.total``."""
    name = cell[len("table3."):] if cell.startswith("table3.") else cell
    if "." not in name:
        raise GongkaiError(f"单元格“{cell}”应写成“行.列”，如 granted.natural_person")
    row, column = name.rsplit(".", 1)
    if column != "total" and column not in applicant_types():
        raise GongkaiError(f"表三没有“{column}”这一列")
    where, params = _cell_filter(year, row)
    if column != "total":
        where += " AND applicant_type = ?"
        params = (*params, column)
    return [r[0] for r in db.query(f"SELECT ref FROM requests WHERE {where} ORDER BY received_on, id", params)]
