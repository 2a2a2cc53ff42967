"""A year's figures from the log: table 2 (2021 format) and the section-一 statistics.

Table 2, rows ``art20_1.*`` (规章, 行政规范性文件), for year Y with last day L:

- made (本年制发件数):      items of the kind made in Y;
- repealed (本年废止件数):  items of the kind whose end (废止 or 失效) falls in Y;
- in_force (现行有效件数):  items made by L and not ended by L.

Since an item's end is never before it was made, in_force(Y) = in_force(Y−1) + made(Y) −
repealed(Y) holds for every year by construction, and this year's end is next year's start.

A log that holds no item made by L (none at all, or begun after Y) says nothing of Y: the three
counts are blank (null) with the reason in the notes, never 0 — nobody registering documents is
not a body making none.  Once it holds any, a kind with none is a true 0 (noted: 存量 documents
must be entered for 现行有效件数 to be right).

The other rows (行政许可, 行政处罚, 行政强制, 行政事业性收费 in 万元) are the sums of the latest
monthly entries; a row with no month entered stays blank (null), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.log.store import DisclosureLog, ItemFilter
from gongkai.log.vocab import channels, figures, kinds
from gongkai.model import Report, Section, Value

VERSION = "2021"


def _bounds(year: int) -> tuple[date, date]:
    if not 1990 <= year <= 2100:
        raise GongkaiError(f"年度“{year}”无效")
    return date(year, 1, 1), date(year, 12, 31)


def in_force(log: DisclosureLog, kind: str, on: date) -> int:
    """Items of ``kind`` in force on ``on`` (made by then, not yet ended)."""
    return log.count(ItemFilter(kind, in_force_on=on))


def covers(log: DisclosureLog, year: int) -> bool:
    """Whether the log says anything of ``year``: it holds an item made by the year's end."""
    return log.count(ItemFilter(made_to=_bounds(year)[1])) > 0


def normative_rows(log: DisclosureLog, year: int) -> dict[str, dict[str, Value]]:
    """``art20_1.rules`` and ``art20_1.normative_docs`` -> made / repealed / in_force (all None
    when the log does not cover the year)."""
    first, last = _bounds(year)
    known = covers(log, year)
    out: dict[str, dict[str, Value]] = {}
    for kid, term in kinds().items():
        row = term.get("table2_row")
        if not row:
            continue
        if not known:
            out[row] = {"made": None, "repealed": None, "in_force": None}
            continue
        made = log.count(ItemFilter(kid, made_from=first, made_to=last))
        ended = log.count(ItemFilter(kid, ended_from=first, ended_to=last))
        out[row] = {"made": made, "repealed": ended, "in_force": in_force(log, kid, last)}
    return out


def cell_filter(year: int, cell: str) -> ItemFilter:
    """The items one of table 2's document cells counts (``art20_1.normative_docs.in_force``,
    with or without ``table2.``): the same filter :func:`normative_rows` counts with."""
    first, last = _bounds(year)
    name = cell[len("table2."):] if cell.startswith("table2.") else cell
    row, _, column = name.rpartition(".")
    kind = next((kid for kid, term in kinds().items() if term.get("table2_row") == row), None)
    if kind is None:
        rows = "、".join(str(term.get("table2_row")) for term in kinds().values() if term.get("table2_row"))
        raise GongkaiError(f"表二“{name}”不由台账的文件条目计算（行政许可等是月度数据之和：gongkai log figures --year {year}）；"
                           f"可列出文件的格：{rows} 的 made、repealed、in_force")
    filters = {"made": ItemFilter(kind, made_from=first, made_to=last),
               "repealed": ItemFilter(kind, ended_from=first, ended_to=last),
               "in_force": ItemFilter(kind, in_force_on=last)}
    if column not in filters:
        raise GongkaiError(f"表二“{row}”没有“{column}”这一列（made、repealed、in_force）")
    return filters[column]


def drill(log: DisclosureLog, year: int, cell: str) -> list:
    """The items behind one table-2 document cell (a blank cell, before the log begins, refuses)."""
    flt = cell_filter(year, cell)
    if not covers(log, year):
        raise GongkaiError(f"{year}年表二此格留空：台账中没有{year}年底以前制发的任何文件")
    return log.items(flt)


def figure_rows(log: DisclosureLog, year: int) -> tuple[dict[str, dict[str, int | Decimal | None]], list[str]]:
    """The other table-2 rows summed over the months entered, with notes on missing months."""
    _bounds(year)
    monthly = log.monthly_figures(year)
    rows: dict[str, dict[str, Value]] = {}
    notes: list[str] = []
    for rid, spec in figures().items():
        months = monthly.get(rid, {})
        column = spec.get("column")
        if not months:
            rows[rid] = {column: None}
            notes.append(f"{spec.label}：{year}年没有录入任何月份，表二此格留空")
            continue
        total = sum(months.values(), Decimal(0))
        rows[rid] = {column: total if spec.get("decimal") else int(total)}
        missing = [m for m in range(1, 13) if m not in months]
        if missing:
            notes.append(f"{spec.label}：{year}年缺 {'、'.join(str(m) for m in missing)} 月的数据，合计只含已录入月份")
    return rows, notes


@dataclass
class Section1:
    """Items published in a year, per channel and column (section 一, 主动公开)."""

    year: int
    publications: int = 0                  # item × channel/column publications dated in the year
    items: int = 0                         # distinct items published in the year
    by_channel: dict[str, int] = field(default_factory=dict)
    by_column: dict[tuple[str, str], int] = field(default_factory=dict)
    made: dict[str, int] = field(default_factory=dict)   # kind -> items made in the year

    def text(self) -> str:
        chans = channels()
        if not self.publications:
            return f"{self.year}年，本机关主动公开台账中没有登记公开记录。"
        parts = []
        for cid, n in self.by_channel.items():
            cols = [(col, k) for (c, col), k in self.by_column.items() if c == cid and col]
            detail = f"（其中{'、'.join(f'{col}栏目{k}条次' for col, k in cols)}）" if cols else ""
            parts.append(f"通过{chans[cid].label if cid in chans else cid}公开{n}条次{detail}")
        made = "、".join(f"{kinds()[k].label}{n}件" for k, n in self.made.items() if kinds()[k].get("table2_row"))
        return (f"{self.year}年，本机关主动公开政府信息{self.items}条，"
                f"各渠道公开{self.publications}条次：{'；'.join(parts)}。"
                + (f"本年制发{made}。" if made else ""))


def section1(log: DisclosureLog, year: int) -> Section1:
    first, last = _bounds(year)
    s = Section1(year)
    order = list(channels())
    counted, s.items = log.publication_counts(first, last)
    known_cols = {cid: list(c.columns) for cid, c in channels().items()}
    for key in sorted(counted, key=lambda k: (order.index(k[0]) if k[0] in order else len(order),
                                             known_cols.get(k[0], []).index(k[1])
                                             if k[1] in known_cols.get(k[0], []) else 999, k[1])):
        s.by_column[key] = counted[key]
        s.by_channel[key[0]] = s.by_channel.get(key[0], 0) + counted[key]
    s.publications = sum(counted.values())
    for kid in kinds():
        s.made[kid] = log.count(ItemFilter(kid, made_from=first, made_to=last))
    return s


def table2(log: DisclosureLog, year: int) -> tuple[dict[str, dict[str, int | Decimal | None]], list[str]]:
    rows = normative_rows(log, year)
    other, notes = figure_rows(log, year)
    rows.update(other)
    counted = [(kid, term) for kid, term in kinds().items() if term.get("table2_row")]
    if not covers(log, year):
        labels = "、".join(term.label for _, term in counted)
        empty = [f"{labels}：台账中没有{year}年底以前制发的任何文件，表二这{len(counted)}行留空（没有登记不等于没有制发）；"
                 f"请先登记或导入文件清单（以前年度制发、仍现行有效的作为存量文件登记）"]
    else:
        empty = [f"{term.label}：台账中没有任何{term.label}，表二按 0 件计算；如本机关有现行有效的{term.label}，请先导入文件清单"
                 for kid, term in counted if not log.count(ItemFilter(kid))]
    notes = empty + notes
    ordered = {f"{g.id}.{r.id}": rows[f"{g.id}.{r.id}"] for g, r in FORMAT.table2_rows(VERSION)
               if f"{g.id}.{r.id}" in rows}
    return ordered, notes


def year_report(log: DisclosureLog, year: int, agency: str | None = None) -> Report:
    """The year as a Report: table 2 (2021 format), section 一's statistics, notes."""
    t2, notes = table2(log, year)
    report = Report(agency=agency, year=year, format=VERSION)
    report.table2 = t2
    title = FORMAT.sections[0].title
    report.sections.append(Section(1, title, section1(log, year).text()))
    report.notes.append(f"表二由主动公开台账计算（截至{year}年12月31日）")
    report.notes.extend(notes)
    return report
