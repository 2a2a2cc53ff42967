"""Roll-up: sum a set of reports (a county's towns and departments) into one set of tables,
and compare the sum with the county's own whole-county report.

Blanks are never read as 0.  For every cell the sum is over the reports that print a number
there; the reports that left it blank ("", "/", "—"), lack the row, or ran its digits together
so that they cannot be cut one way (left null, CELL-AMBIGUOUS) are named, and the cell is
marked *partial*.  A cell that no report fills stays blank (null).  A comparison with the
county's report says whether a difference could be explained by those gaps.

A report whose own sums do not hold (table 3's 总计 not its columns' sum, …: the checker's
arithmetic rules) is added as printed — never "corrected" — and the roll-up says so: which
report, which row or column (``Rollup.unsound``), and every sum over a cell of it that may be
the wrong one names it (``CellSum.unsound``; ``check.ocr.wrong_candidates``).

A number the report's own text contradicts (the checker's TEXT-TABLE or TEXT-COMBINED error:
行政事业性收费 5000 in a cell printed in 万元 where the text says 5000 元) is added as printed too,
and doubted the same way: the report and the finding are named (``Rollup.contradicted``) and
every sum over the cell names the report (``CellSum.contradicted``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.errors import GongkaiError
from gongkai.model import Finding, Report

ABSENT = "（无此格）"


@dataclass
class CellSum:
    value: int | Decimal | None
    numbers: int  # reports that print a number here
    blank: list[str] = field(default_factory=list)  # reports printing the row with this cell blank
    missing: list[str] = field(default_factory=list)  # reports lacking the row or table
    undecided: list[str] = field(default_factory=list)  # reports whose digits here cannot be cut one way
    unsound: list[str] = field(default_factory=list)  # reports adding a number here whose own sum over it fails
    contradicted: list[str] = field(default_factory=list)  # reports adding a number here their own text contradicts

    @property
    def status(self) -> str:
        if self.numbers == 0:
            return "blank"
        return "partial" if self.blank or self.missing or self.undecided else "complete"

    def note(self) -> str:
        """Which reports a sum lacks and why, in words ("" when it has them all)."""
        parts = [(self.blank, "此格空白"), (self.undecided, "数字连写无法确定"), (self.missing, "没有此行")]
        return "；".join(f"{'、'.join(names)} {why}" for names, why in parts if names)

    def unsound_note(self) -> str:
        """Whose own sums over this cell do not hold ("" when none): the sum has their numbers as printed."""
        return f"{'、'.join(self.unsound)} {UNSOUND_WHY}" if self.unsound else ""

    def contradicted_note(self) -> str:
        """Whose own text says another figure for this cell ("" when none): the sum has their table's number."""
        return f"{'、'.join(self.contradicted)} {CONTRADICTED_WHY}" if self.contradicted else ""


UNSOUND_WHY = "报告自身此处的合计不成立，按原样计入（未作更正）"
CONTRADICTED_WHY = "报告正文所述与此格的数字不一致，按表中原样计入（未作更正）"
# The checker's rules by which a report's own text says a cell's number is another (errors only:
# a figure of another scope or a loosely worded one is no contradiction).
CONTRADICTING_RULES = ("TEXT-TABLE", "TEXT-COMBINED")


@dataclass
class Unsound:
    """One sum of a summed report's own tables that does not hold (an arithmetic finding)."""
    report: str  # as ``Rollup.names`` names it
    rule: str  # T3-IDENTITY, T3-TOTAL, T3-ROWSUM, T4-TOTAL
    cells: list[str]
    fact: str  # which row or column, and the figures, in Chinese

    def __str__(self) -> str:
        return f"{self.report}：{self.fact}"


@dataclass
class Contradicted:
    """A summed report's own text saying another figure than its table (a TEXT-TABLE or TEXT-COMBINED error)."""
    report: str  # as ``Rollup.names`` names it
    rule: str
    cells: list[str]
    fact: str  # what the text says and what the table prints, in Chinese (the finding's first sentence)
    quote: str  # the sentence of the text

    def __str__(self) -> str:
        return f"{self.report}：{self.fact}"


@dataclass
class Rollup:
    names: list[str]
    formats: list[str]
    years: list[int | None]
    cells: dict[str, CellSum]
    unread: list[tuple[str, str]] = field(default_factory=list)
    against: Report | None = None
    against_name: str | None = None
    differences: list[tuple[str, object, object, str]] = field(default_factory=list)  # cell, sum, county, status
    unsound: list[Unsound] = field(default_factory=list)  # the summed reports' own sums that do not hold
    contradicted: list[Contradicted] = field(default_factory=list)  # the summed reports' texts against their tables

    def __repr__(self) -> str:  # the cells are hundreds: count them (a notebook printed them all)
        partial = sum(1 for s in self.cells.values() if s.status == "partial")
        blank = sum(1 for s in self.cells.values() if s.status == "blank")
        years = "/".join(sorted({str(y) for y in self.years if y is not None})) or "?"
        against = f" against={self.against_name or '?'} differences={len(self.differences)}" \
            if self.against is not None else ""
        return (f"<Rollup reports={len(self.names)} year={years} cells={len(self.cells)} partial={partial} "
                f"blank={blank} unsound={len(self.unsound)} contradicted={len(self.contradicted)}{against} "
                f"unread={len(self.unread)}>")

    def common_format(self) -> str:
        """The format version most of the reports use (the sums are laid out in it)."""
        known = [f for f in self.formats if f in ("2019", "2021")]
        return max(sorted(set(known)), key=known.count) if known else "2021"

    def to_dict(self) -> dict:
        tables: dict = {}
        for cell_id, s in self.cells.items():
            table, rest = cell_id.split(".", 1)
            row, column = rest.rsplit(".", 1)
            v = s.value
            tables.setdefault(table, {}).setdefault(row, {})[column] = (
                float(v) if isinstance(v, Decimal) else v)
        return {
            "reports": self.names,
            "formats": sorted(set(self.formats)),
            "years": sorted({y for y in self.years if y is not None}),
            "unread": [{"path": p, "reason": r} for p, r in self.unread],
            **tables,
            "coverage": {c: {"status": s.status, "numbers": s.numbers, "blank": s.blank, "missing": s.missing,
                             "undecided": s.undecided, "unsound": s.unsound, "contradicted": s.contradicted}
                         for c, s in self.cells.items() if s.status != "complete" or s.unsound or s.contradicted},
            "unsound": [{"report": u.report, "rule": u.rule, "cells": u.cells, "message": u.fact} for u in self.unsound],
            "contradicted": [{"report": c.report, "rule": c.rule, "cells": c.cells, "message": c.fact, "quote": c.quote}
                             for c in self.contradicted],
            "against": None if self.against is None else {
                "report": self.against_name,
                "differences": [{"cell": c, "sum": _j(a), "report": _j(b), "status": st}
                                for c, a, b, st in self.differences]},
        }


def _j(v):
    return float(v) if isinstance(v, Decimal) else v


def load_reports(paths: list[str]) -> tuple[list[tuple[str, Report]], list[tuple[str, str]]]:
    """(name, report) of every report in the files and directories; (path, reason) of the unreadable."""
    from gongkai.inputs import expand
    from gongkai.load import load_all

    files = list(expand(paths))
    if not files:
        raise GongkaiError("没有找到可读取的报告文件。", " ".join(paths))
    reports, unread = [], []
    for path in files:
        try:
            found = load_all(path)
        except GongkaiError as exc:
            unread.append((path, exc.message))
            continue
        reports += [(path if len(found) == 1 else f"{path}#{n}", r) for n, r in enumerate(found, 1)]
    return reports, unread


def rollup(reports: list[tuple[str, Report]], against: tuple[str, Report] | None = None,
           unread: list[tuple[str, str]] | None = None) -> Rollup:
    if against is not None:  # the county's own report may sit in the same folder: never add it to itself
        sha = against[1].source.sha256
        reports = [(p, r) for p, r in reports if not sha or r.source.sha256 != sha]
    if not reports:  # say why: from Python nothing else tells which files were not read
        why = "".join(f"{path}：{reason.rstrip('。')}。" for path, reason in unread or [])
        raise GongkaiError("没有可以相加的报告。" + (f"未能读取的文件：{why}" if why else ""))
    ids: list[str] = []
    for _, r in reports:
        ids += [c for c, _ in r.iter_cells()]
    ids = list(dict.fromkeys(ids))
    open_cells = {id(r): {c for amb in r.ambiguous for c in r.undecided(amb)} for _, r in reports}
    own_sums = {id(r): _own_sums_failing(r) for _, r in reports}
    failing = {id(r): _doubtful(r, own_sums[id(r)]) for _, r in reports}
    texts = {id(r): _text_against(r) for _, r in reports}
    said_otherwise = {id(r): {c for f in texts[id(r)] for c in f.cells} for _, r in reports}
    cells: dict[str, CellSum] = {}
    for cell_id in ids:
        total, numbers = None, 0
        blank: list[str] = []
        missing: list[str] = []
        undecided: list[str] = []
        wrong: list[str] = []
        contradicted: list[str] = []
        for path, r in reports:
            label = r.agency or path
            if not r.has_cell(cell_id):
                missing.append(label)
                continue
            v = r.value(cell_id)
            if v is None:
                (undecided if cell_id in open_cells[id(r)] else blank).append(label)
                continue
            total = v if total is None else total + v
            numbers += 1
            if cell_id in failing[id(r)]:
                wrong.append(label)
            if cell_id in said_otherwise[id(r)]:
                contradicted.append(label)
        cells[cell_id] = CellSum(total, numbers, blank, missing, undecided, wrong, contradicted)
    if not any(s.numbers for s in cells.values()):
        raise GongkaiError(f"{len(reports)} 份报告的统计表中没有任何数字，没有可以相加的内容。")
    result = Rollup([r.agency or p for p, r in reports], [r.format or "?" for _, r in reports],
                    [r.year for _, r in reports], cells,
                    list(unread or []),
                    unsound=[Unsound(r.agency or p, f.rule, f.cells, f.message.split("。")[0])  # the fact, not the advice
                             for p, r in reports for f in own_sums[id(r)]],
                    contradicted=[Contradicted(r.agency or p, f.rule, f.cells, f.message.split("。")[0], f.quote or "")
                                  for p, r in reports for f in texts[id(r)]])
    if against is not None:
        result.against_name = against[1].agency or against[0]
        result.against = against[1]
        result.differences = _differences(cells, against[1])
    return result


def _own_sums_failing(report: Report) -> list[Finding]:
    """The report's arithmetic findings (``check.arithmetic``): its own sums that do not hold."""
    from gongkai.check.arithmetic import RULES

    return [f for rule in RULES for f in rule(report)]


def _text_against(report: Report) -> list[Finding]:
    """The report's own text stating another figure than a cell of its tables (``CONTRADICTING_RULES``
    errors of ``check.figures``), as the checker words them."""
    from gongkai.check.figures import text_figures

    return [f for f in text_figures(report) if f.rule in CONTRADICTING_RULES and f.severity == "error"]


def _doubtful(report: Report, found: list[Finding]) -> set[str]:
    """The cells of ``report``'s failing sums (``found``) that may be the wrong ones
    (``check.ocr.wrong_candidates``; ``render.marks.UNSOUND_WHERE`` says which in words)."""
    if not found:
        return set()
    from gongkai.check.ocr import wrong_candidates

    return wrong_candidates(report)


def _differences(cells: dict[str, CellSum], county: Report) -> list[tuple[str, object, object, str]]:
    out: list[tuple[str, object, object, str]] = []
    ids = list(dict.fromkeys(list(cells) + [c for c, _ in county.iter_cells()]))
    for cell_id in ids:
        s = cells.get(cell_id)
        own: object = county.value(cell_id) if county.has_cell(cell_id) else None
        summed: object = s.value if s else None
        if s is None or not county.has_cell(cell_id):
            status = "仅一方有此格"
            summed = summed if s is not None else ABSENT
            own = own if county.has_cell(cell_id) else ABSENT
        elif summed == own:
            continue
        elif summed is None or own is None:
            status = "一方为空"
        elif s.status == "partial":
            status = "不一致（合计不完整，可能由空格造成）"
        else:
            status = "不一致"
        if s is not None and s.unsound:  # the difference may be a summed report's own error
            status += f"（{'、'.join(s.unsound)} 自身此处的合计不成立）"
        if s is not None and s.contradicted:  # or a number its own text says otherwise
            status += f"（{'、'.join(s.contradicted)} 的正文与此格的数字不一致）"
        out.append((cell_id, summed, own, status))
    return out
