"""Table 3 of the annual report, computed from the register as of 31 December of a year.

For year Y and each applicant type (the request's type as registered, or as corrected):
- new_received:    received in Y;
- carried_over:    received before Y and not concluded before Y;
- outcome rows:    concluded in Y, by outcome (a withdrawal counts as （七）3 其他);
- total:           concluded in Y (the sum of the outcome rows);
- carried_forward: received by 31 Dec Y and not concluded by then.
Requests voided as registered by mistake are not counted.  Because every request has
concluded_on ≥ received_on, new + carried_over = total + carried_forward holds for every column,
and Y's carried_forward is Y+1's carried_over.  Each cell has one filter (:func:`cell_filter`),
used both to count and to drill down.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.model import Report
from gongkai.register.filters import RequestFilter
from gongkai.register.store import refs, tally
from gongkai.register.vocab import LAYOUT, applicant_types, outcomes


def cell_filter(year: int, row: str) -> RequestFilter:
    last_before = date(year - 1, 12, 31)
    last = date(year, 12, 31)
    if row == "new_received":
        return RequestFilter(year=year)
    if row == "carried_over":
        return RequestFilter(received_to=last_before, open_after=last_before)
    if row == "carried_forward":
        return RequestFilter(received_to=last, open_after=last)
    if row == "total":
        return RequestFilter(concluded_year=year)
    if row in outcomes():
        return RequestFilter(concluded_year=year, outcome=row)
    raise GongkaiError(f"表三没有“{row}”这一行（2021 年格式）")


def compute(db, year: int, agency: str | None = None) -> Report:
    """Table 3 of ``year`` (2021 layout) as a Report with ``year`` and ``format`` set; ``db`` is
    the registers' store (``Register.db``)."""
    if not 1000 <= year <= 9999:
        raise GongkaiError(f"年份“{year}”无效")
    cols = list(applicant_types())
    table: dict[str, dict[str, int]] = {r: {c: 0 for c in (*cols, "total")} for r in FORMAT.table3_layout(LAYOUT)}
    # Only the three totals need their own query; the outcome rows come from one grouped count.
    for row in ("new_received", "carried_over", "carried_forward"):
        for (atype,), n in tally(db, cell_filter(year, row), ("applicant_type",)).items():
            table[row][atype] += n
    for (atype, outcome), n in tally(db, cell_filter(year, "total"), ("applicant_type", "outcome")).items():
        table[outcome][atype] += n
        table["total"][atype] += n
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in cols)
    report = Report(agency=agency, year=year, format=LAYOUT)
    report.table3 = {row: dict(cells) for row, cells in table.items()}  # counts, as the model's values
    report.notes.append(f"表三由依申请公开台账计算（截至{year}年12月31日）")
    return report


def drill(db, year: int, cell: str) -> list[str]:
    """The request numbers behind one cell, e.g. ``granted.natural_person`` or
    ``table3.carried_forward.total``."""
    name = cell[len("table3."):] if cell.startswith("table3.") else cell
    if "." not in name:
        raise GongkaiError(f"单元格“{cell}”应写成“行.列”，如 granted.natural_person")
    row, column = name.rsplit(".", 1)
    if column != "total" and column not in applicant_types():
        raise GongkaiError(f"表三没有“{column}”这一列")
    flt = cell_filter(year, row)
    return refs(db, replace(flt, applicant_type=column) if column != "total" else flt)


# The outcome groups of table 3 as a report's text names them: a group is its row, or the rows
# numbered under it (denied.* …).
OUTCOME_GROUPS = [("granted", "予以公开"), ("partial", "部分公开"), ("denied", "不予公开"), ("unable", "无法提供"),
                  ("not_processed", "不予处理"), ("other", "其他处理")]


def statement(report: Report) -> str:
    """Table 3 as the sentence that opens a report's section 三: every figure is the table's own
    总计 column or a sum of its rows; "" when a figure it needs is blank (nothing is made up)."""
    t, year = report.table3 or {}, report.year

    def total(*prefixes: str) -> int | None:
        values = [cells.get("total") for row, cells in t.items()
                  if any(row == p or row.startswith(p + ".") for p in prefixes)]
        return None if not values or None in values else int(sum(v for v in values if v is not None))

    new, carried, done, forward = (total(r) for r in ("new_received", "carried_over", "total", "carried_forward"))
    groups = [(label, total(row)) for row, label in OUTCOME_GROUPS]
    if None in (new, carried, done, forward) or any(n is None for _, n in groups):
        return ""
    parts = "，".join(f"{label}{n}件" for label, n in groups if n)
    # one sentence each: 其中 lists the parts of 办结 alone (the narrative rules sum a 其中 to its full stop)
    return (f"{year}年，本机关新收政府信息公开申请{new}件，上年结转{carried}件。本年办结{done}件"
            + (f"，其中{parts}" if parts else "") + f"。结转下年度继续办理{forward}件。")
