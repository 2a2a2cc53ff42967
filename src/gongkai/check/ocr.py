"""A report read by OCR from a scan: which findings OCR may have caused, and which cell the
sums say was misread.

The tables' sums cross each other: a table-3 cell is in its row's sum (the six applicants
make 总计) and, for the outcome rows, in its column's sum (the outcome rows make （七）总计),
and （七）总计 and 结转 are tied by the identity 一＋二＝三（七）＋四.  When OCR misreads one
number, every sum through it fails and every other sum holds.  So the misread cell is the
OCR-read cell that lies in every failing sum, in no holding one, and whose one corrected value
makes all the failing sums hold at once.  It is named (OCR-SUSPECT); nothing is changed.

Findings of a report whose cells were read by OCR are then worded as possibly OCR's
(``rules.yaml`` → ``ocr``): a sum explained by a suspect cell, and a missing or misnamed part
(a heading OCR did not read), become warnings; a sum that no single misread explains stays an
error, said to be OCR's or the report's.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from gongkai.check.catalogue import data, finding
from gongkai.check.shape import outcome_rows
from gongkai.format import FORMAT
from gongkai.format.names import cell_label
from gongkai.model import Finding, Report
from gongkai.records import record, replace

# A sum: cells with their signs; it holds when the signed values add up to 0.
Equation = tuple[tuple[str, int], ...]


def equations(report: Report) -> list[Equation]:
    """Every sum of tables 3 and 4 the format defines, over the rows the report has."""
    eqs: list[Equation] = []
    cols = FORMAT.table3_column_ids
    applicants = [c for c in cols if c != "total"]
    if report.table3 is not None:
        for row in report.table3:
            if row in FORMAT.table3_rows:
                eqs.append(tuple([(f"table3.{row}.{c}", 1) for c in applicants] + [(f"table3.{row}.total", -1)]))
        outcomes = outcome_rows(report)
        for c in cols:
            eqs.append(tuple([(f"table3.{r}.{c}", 1) for r in outcomes] + [(f"table3.total.{c}", -1)]))
            eqs.append(((f"table3.new_received.{c}", 1), (f"table3.carried_over.{c}", 1),
                        (f"table3.total.{c}", -1), (f"table3.carried_forward.{c}", -1)))
    if report.table4 is not None:
        parts = [c for c in FORMAT.table4_column_ids if c != "total"]
        for g in FORMAT.table4_groups:
            eqs.append(tuple([(f"table4.{g.id}.{c}", 1) for c in parts] + [(f"table4.{g.id}.total", -1)]))
    return eqs


def _residual(report: Report, eq: Equation) -> int | None:
    """The signed sum, or None when a cell is blank, absent or not a count (that sum cannot be checked)."""
    total = 0
    for cell, sign in eq:
        v = report.value(cell)
        if not isinstance(v, int) or not report.has_cell(cell):
            return None
        total += sign * v
    return total


@record(frozen=True)
class Suspect:
    cell: str
    read: int
    fixed: int
    failing: int  # the failing sums this one correction makes hold


def suspects(report: Report) -> list[Suspect]:
    """The OCR-read cells whose single misreading explains every failing sum."""
    checked = [(eq, r) for eq in equations(report) if (r := _residual(report, eq)) is not None]
    failing = [(eq, r) for eq, r in checked if r != 0]
    if not failing:
        return []
    holding = {cell for eq, r in checked if r == 0 for cell, _ in eq}
    found = []
    for cell, _ in failing[0][0]:
        info = report.cells.get(cell)
        read = report.value(cell)  # a count: every cell of a checked sum is one (see _residual)
        if info is None or info.confidence is None or cell in holding or not isinstance(read, int):
            continue
        fixes: set[Fraction] = set()
        for eq, r in failing:
            sign = dict(eq).get(cell)
            if sign is None:
                break
            fixes.add(read - Fraction(r, sign))
        else:
            if len(fixes) == 1 and (fixed := fixes.pop()) >= 0 and fixed.denominator == 1:
                found.append(Suspect(cell, read, int(fixed), len(failing)))
    return found


def wrong_candidates(report: Report) -> set[str]:
    """The cells of the report's failing sums that may be the wrong ones (what the roll-up marks
    ``!``): per failing sum, each cell whose one correction, to a count of 0 or more, makes it
    hold (a 0 among parts that already exceed the total would have to be negative), and of
    those, when some lie in no holding sum, only these (a holding sum through a cell confirms
    it as printed).  A failing sum whose every cell would need a negative count (not possible
    with one correction) gives them all: which is wrong cannot be told."""
    checked = [(eq, r) for eq in equations(report) if (r := _residual(report, eq)) is not None]
    holding = {cell for eq, r in checked if r == 0 for cell, _ in eq}
    out: set[str] = set()
    for eq, r in checked:
        if r == 0:
            continue
        # a cell of sign s fixes the sum when it becomes value - r * s, which must stay >= 0 (every
        # cell of a checked sum is a count: see _residual)
        fixing = [cell for cell, sign in eq if (report.value(cell) or 0) - r * sign >= 0] or [cell for cell, _ in eq]
        out.update([cell for cell in fixing if cell not in holding] or fixing)
    return out


def qualify(report: Report, findings: list[Finding]) -> list[Finding]:
    """The findings of an OCR-read report, worded as possibly OCR's, and OCR-SUSPECT findings
    for the cells the sums point at.  A report not read by OCR is returned unchanged."""
    if not report.ocr_read:
        return findings
    words = data()["ocr"]
    found = suspects(report)
    named = {s.cell for s in found}
    out = list(_suspect_findings(report, found))
    for f in findings:
        sums = f.rule in words["arithmetic"] and any(report.cells.get(c) and report.cells[c].confidence is not None
                                                      for c in f.cells)
        if sums or f.rule in words["text"]:
            hit = [c for c in f.cells if c in named]
            if hit:
                note = words["explained"].format(cells="、".join(cell_label(c, report.format) for c in hit))
                f = replace(f, severity="warning" if f.severity == "error" else f.severity, message=f"{f.message}{note}")
            else:
                f = replace(f, message=f"{f.message}{words['unexplained' if sums else 'text_note']}")
        elif f.rule in words["reading"]:
            f = replace(f, severity="warning" if f.severity == "error" else f.severity,
                        message=f"{f.message}{words['reading_note']}")
        out.append(f)
    findings[:] = out  # in place: the caller's list type (``check.Findings``) is kept
    return findings


def _suspect_findings(report: Report, found: list[Suspect]) -> Iterator[Finding]:
    for s in found:
        conf = report.cells[s.cell].confidence
        yield finding(report, "OCR-SUSPECT", [s.cell], cell=cell_label(s.cell, report.format), read=s.read,
                      confidence=f"（OCR 置信度 {conf:.2f}）" if conf is not None else "", fixed=s.fixed,
                      count=s.failing)
