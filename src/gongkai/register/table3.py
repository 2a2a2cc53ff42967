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

**What the register can say of a year** (:func:`coverage`).  A count of 0 is a claim (“we
received none”), so a year the register was not kept for is blank (null) with the reason, never
0 — as the log's table 2.  The office declares its 台账起始日期 D (``register since``): every
request received from D on, and every one still open on D, is in the register.  A year that
starts on or after D is counted in full; a year D falls inside of knows only its 结转下年度继续办理
(a request open at the year's end was open on D or received after it), the other rows are blank;
a year that ends before D is blank.  Without a declaration the register is presumed kept from
1 January of the year of its earliest request (said in a note); a register holding no request
and no declaration says nothing of any year.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from gongkai.db import office_today
from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.model import Report, Value
from gongkai.register.filters import RequestFilter
from gongkai.register.store import first_received, kept_since_entries, refs, tally
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


FORWARD_ONLY = frozenset({"carried_forward"})
DECLARE_HINT = "请声明台账起始日期（自哪天起收到的申请都已登记）"


@dataclass(frozen=True)
class Coverage:
    """What the register can say of one year: the rows it counts (all, only 结转下年度继续办理, or
    none) and why, in Chinese (``reason`` when rows are blank; ``note`` otherwise, may be "")."""

    rows: frozenset[str] | None     # None: every row
    reason: str = ""
    note: str = ""
    since: date | None = None       # the day the register is kept from (declared or presumed)

    def counts(self, row: str) -> bool:
        return self.rows is None or row in self.rows


def coverage(db, year: int) -> Coverage:
    """Which rows of ``year``'s table 3 the register can count (see the module's docstring)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    declared = kept_since_entries(db)
    blank = "表三留空（没有登记不等于没有收到申请）"
    if declared:
        since = declared[-1].since
        if since <= first:
            return Coverage(None, since=since)
        if since > last:
            return Coverage(frozenset(), f"台账自{since.isoformat()}起登记，{year}年不在台账记录的范围内：{blank}",
                            since=since)
        return Coverage(FORWARD_ONLY, f"台账自{since.isoformat()}起登记，{year}年1月1日至"
                        f"{(since - timedelta(days=1)).isoformat()}收到或办结的申请不一定都在台账中：表三只计算"
                        "“结转下年度继续办理”，其余各行留空", since=since)
    earliest = first_received(db)
    if earliest is None:
        return Coverage(frozenset(), f"台账中没有任何申请，也没有声明台账起始日期：{blank}；{DECLARE_HINT}")
    since = date(earliest.year, 1, 1)
    if since > last:
        return Coverage(frozenset(), f"台账中最早的申请于{earliest.isoformat()}收到，也没有声明台账起始日期："
                        f"{year}年不在台账记录的范围内，{blank}；如{year}年的申请都已登记，{DECLARE_HINT}", since=since)
    return Coverage(None, note=f"未声明台账起始日期：按台账中最早收到的申请（{earliest.isoformat()}）推定"
                    f"自{earliest.year}年1月1日起收到的申请都已登记；如不是这样，{DECLARE_HINT}", since=since)


def compute(db, year: int, agency: str | None = None, today: date | None = None) -> Report:
    """Table 3 of ``year`` (2021 layout) as a Report with ``year`` and ``format`` set; ``db`` is
    the registers' store (``Register.db``).  Rows the register cannot count for the year
    (:func:`coverage`) are blank (None), the reason in ``notes``; a year not yet over
    (``today``, default the office's date) is said to be counted so far."""
    if not 1000 <= year <= 9999:
        raise GongkaiError(f"年份“{year}”无效")
    day = today or office_today()
    if year > day.year:
        raise GongkaiError(f"{year}年尚未开始（今天是{day.isoformat()}），没有表三可算")
    cols = list(applicant_types())
    cover = coverage(db, year)
    table: dict[str, dict[str, int | None]] = {
        r: {c: (0 if cover.counts(r) else None) for c in (*cols, "total")} for r in FORMAT.table3_layout(LAYOUT)}
    # Only the three totals need their own query; the outcome rows come from one grouped count.
    for row in ("new_received", "carried_over", "carried_forward"):
        if cover.counts(row):
            for (atype,), n in tally(db, cell_filter(year, row), ("applicant_type",)).items():
                table[row][atype] = (table[row][atype] or 0) + n
    if cover.counts("total"):
        for (atype, outcome), n in tally(db, cell_filter(year, "total"), ("applicant_type", "outcome")).items():
            table[outcome][atype] = (table[outcome][atype] or 0) + n
            table["total"][atype] = (table["total"][atype] or 0) + n
    for cells in table.values():
        parts = [cells[c] for c in cols]
        cells["total"] = None if None in parts else sum(p for p in parts if p is not None)
    report = Report(agency=agency, year=year, format=LAYOUT)
    report.table3 = {row: dict(cells) for row, cells in table.items()}  # counts, as the model's values
    report.notes.append(f"表三由依申请公开台账计算（截至{year}年12月31日）")
    report.notes.extend(n for n in (cover.reason, cover.note) if n)
    if day < date(year, 12, 31):
        report.notes.append(f"{year}年尚未结束：表三是截至{day.isoformat()}台账的数字，不是全年数")
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
    cover = coverage(db, year)
    if not cover.counts(row):
        raise GongkaiError(f"{year}年表三此格留空：{cover.reason}")
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


def fee_statement(reg, year: int) -> str:
    """The 信息处理费 collected in ``year`` as a sentence for section 六 of the report (which the
    format expects to say it): "2026年，本机关收取信息处理费1100元（1件申请）。", or 未收取; ""
    when the register does not hold the whole year (``coverage``) or holds no request.
    ``reg`` is a :class:`gongkai.register.store.Register`."""
    if coverage(reg.db, year).rows is not None or not reg.count():
        return ""
    paid = reg.fees_paid_in(year)
    if not paid:
        return f"{year}年，本机关未收取信息处理费。"
    total = sum(amount for _, _, amount in paid)
    return f"{year}年，本机关收取信息处理费{format(total, 'f')}元（{len({ref for ref, _, _ in paid})}件申请）。"


def carry_mismatches(printed: Mapping[str, Value], table3: Report) -> list[tuple[str, Value, Value]]:
    """(cell, last year's printed 结转下年度继续办理, the register's 上年结转) for every column where
    last year's report (``printed``: cell id -> value carried into 上年结转) and the register
    disagree — a request of last year corrected, voided or entered after that report went out."""
    out: list[tuple[str, Value, Value]] = []
    for column in (*applicant_types(), "total"):
        cell = f"table3.carried_over.{column}"
        was, now = printed.get(cell), table3.value(cell)
        if was is not None and now is not None and was != now:
            out.append((cell, was, now))
    return out
