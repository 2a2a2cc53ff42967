"""The checker: every rule a supervisor applies, each finding pointing at its cells.

``check_report(report, previous=None) -> list[Finding]`` is pure: it reads the report (and
last year's, for the cross-year rules) and returns findings; it never prints, never
changes the report and never treats a blank as 0.  The rules and their messages are data
(``rules.yaml``); each module holds the small functions of one family of rules.
"""

from __future__ import annotations

from gongkai.check import arithmetic, compare, narrative, structure
from gongkai.check.catalogue import SEVERITIES, rules
from gongkai.model import Finding, Report

__all__ = ["check_report", "check_cross_year", "has_errors", "rules", "SEVERITIES"]

_SINGLE = structure.RULES + arithmetic.RULES + narrative.RULES
_PAIRED = compare.RULES


def check_report(report: Report, previous: Report | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for rule in _SINGLE:
        findings.extend(rule(report))
    if previous is not None:
        findings.extend(check_cross_year(report, previous))
    return findings


def check_cross_year(report: Report, previous: Report) -> list[Finding]:
    """Only the rules that compare with last year's report (the corpus runs them on their own,
    once both years are stored)."""
    return [f for rule in _PAIRED for f in rule(report, previous)]


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
