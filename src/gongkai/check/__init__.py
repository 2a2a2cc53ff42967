"""The checker: every rule a supervisor applies, each finding pointing at its cells.

``check_report(report, previous=None) -> Findings`` is pure: it reads the report (and
last year's, for the cross-year rules) and returns findings, errors first, then warnings and
notices (each in the report's order); it never prints, never
changes the report and never treats a blank as 0.  The rules and their messages are data
(``rules.yaml``); each module holds the small functions of one family of rules.

The package is also the function: ``gongkai.check(report, previous=None)`` (the library face).
"""

from __future__ import annotations

import copy
from typing import Any

from gongkai._callable import make_callable
from gongkai.check import arithmetic, compare, completeness, narrative, ocr, statute, structure
from gongkai.check.catalogue import SEVERITIES, rules
from gongkai.check.register import RegisterFacts, claims_against
from gongkai.extract.recover import cross_year_scope, use_previous
from gongkai.model import Finding, Report, a_report

__all__ = ["Findings", "check_report", "check_cross_year", "has_errors", "blocking", "why_blocked", "rules",
           "SEVERITIES"]

_SINGLE = structure.RULES + arithmetic.RULES + narrative.RULES + statute.RULES + completeness.RULES
_PAIRED = compare.RULES


class Findings(list[Finding]):
    """The findings of one check: a list, which prints as a person reads it (one line each,
    with its severity, rule, message and place, then the counts)."""

    def counts(self) -> dict[str, int]:
        """severity -> number of findings, in the catalogue's order (error, warning, notice)."""
        return {s: sum(f.severity == s for f in self) for s in SEVERITIES}

    def records(self) -> list[dict[str, Any]]:
        """One dict a finding with the same keys in each (``pandas.DataFrame(findings.records())``):
        ``rule``, ``severity``, ``message``, ``cells`` (a list of cell ids), ``where`` and ``quote``
        (None when the finding has none)."""
        return [{"rule": f.rule, "severity": f.severity, "message": f.message, "cells": list(f.cells),
                 "where": f.where, "quote": f.quote} for f in self]

    def __str__(self) -> str:
        from gongkai.check.catalogue import data

        names = data()["severities"]
        lines = [f"{names[f.severity]}［{f.rule}］{f.message}" + (f"（{f.where}）" if f.where else "") for f in self]
        counts = "，".join(f"{names[s]} {n} 项" for s, n in self.counts().items())
        lines.append(f"共 {len(self)} 项：{counts}。" if self else "未发现问题。")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython/Jupyter show the findings as text
        printer.text(str(self))


def check_report(report: Report, previous: Report | None = None,
                 register: RegisterFacts | None = None) -> Findings:
    """Every finding of the rules on ``report``; with ``previous`` (last year's report of the
    same body; none is made with another body's) also the cross-year rules; with ``register`` (``gongkai.register.register_facts``:
    the request register the report's table 3 comes from) the text's on-time claims against it.

    Digits run together that the report's own sums leave open are cut with ``previous``'s figures
    first, as ``gongkai check --previous`` does (``recover.use_previous``: only when it is the same
    body's report of the year before) — on a copy: ``report`` itself is not changed."""
    a_report(report, "gongkai.check 的 report ")
    if previous is not None:
        a_report(previous, "gongkai.check 的 previous ")
    if previous is not None and any(report.undecided(a) for a in report.ambiguous):
        report = copy.deepcopy(report)
        use_previous(report, previous)
    findings = Findings()
    for rule in _SINGLE:
        findings.extend(rule(report))
    if register is not None:
        findings.extend(claims_against(report, register))
    # Another body's report is no last year's: its 结转 and 现行有效 say nothing of this one's
    # (the command says so; listing findings made with them contradicted it); nor do this body's
    # of an earlier year, of which only the text is compared (``recover.cross_year_scope``).
    if previous is not None:
        if cross_year_scope(report, previous) == "all":  # the year before: what it printed
            findings = Findings(compare.with_previous(report, previous, findings))
        findings.extend(check_cross_year(report, previous))
    # Errors first, then warnings, then notices (a supervisor reads the list top down and the
    # counts name errors first); within a severity the rules' own order (the report's order) stays.
    return Findings(sorted(ocr.qualify(report, findings), key=lambda f: SEVERITIES.index(f.severity)))


def check_cross_year(report: Report, previous: Report) -> list[Finding]:
    """Only the rules that compare with last year's report (the corpus runs them on their own,
    once both years are stored) — those that hold between the two (``recover.cross_year_scope``:
    all with the year before, the text's with an earlier year, none with another body's)."""
    scope = cross_year_scope(report, previous)
    rules = _PAIRED if scope == "all" else compare.TEXT_RULES if scope == "text" else ()
    return [f for rule in rules for f in rule(report, previous)]


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that keep a report from being built (``gongkai build``, the web's export):
    every error, and the rules ``rules.yaml`` marks ``blocks_build`` (blank cells, digits run
    together that the sums do not cut one way)."""
    catalogue = rules()
    return [f for f in findings if f.severity == "error"
            or (f.rule in catalogue and catalogue[f.rule].extra.get("blocks_build"))]


def why_blocked(report: Report, findings: list[Finding]) -> str:
    """Why ``report`` cannot be built yet, in one Chinese sentence ("" when it can)."""
    from gongkai.check.catalogue import table_name
    from gongkai.model import split_cell_id

    found = blocking(findings)
    errors = [f for f in found if f.severity == "error" and f.rule != "TEXT-PLACEHOLDER"]
    blank = [c for f in found if f.rule == "CELL-BLANK" for c in f.cells]
    parts = []
    if errors:
        parts.append(f"检查发现 {len(errors)} 个错误")
    if blank:
        tables = "、".join(table_name(t) for t in sorted({split_cell_id(c)[0] for c in blank}))
        parts.append(f"{tables}有 {len(blank)} 个单元格空白（没有发生的请填 0）")
    ambiguous = [c for f in found if f.rule == "CELL-AMBIGUOUS" for c in f.cells]
    if ambiguous:
        tables = "、".join(table_name(t) for t in sorted({split_cell_id(c)[0] for c in ambiguous}))
        parts.append(f"{tables}有 {len(ambiguous)} 个单元格的数字连写、无法确定（请核对原件后填写）")
    if any(f.rule == "TEXT-PLACEHOLDER" for f in found):
        parts.append(f"{'、'.join(completeness.placeholder_parts(report))}仍有【待办】提示文字")
    return "；".join(parts)


make_callable(__name__, check_report)  # gongkai.check(report) is check_report(report)
