"""The narrative against the tables and the calendar: TEXT-TABLE, PERIOD, DEADLINE,
FEE-STATEMENT, LAST-YEAR."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from gongkai.check.catalogue import cell_zh, compiled, data, finding, rules
from gongkai.check.shape import version
from gongkai.model import Finding, Report

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n")
_CLAUSE_MARK = "，,；;：:。"
# Only sentences with a digit or a negation can state a figure (a cheap filter before the patterns).
_HAS_FIGURE = re.compile(r"[0-9未]")


def sentences(report: Report) -> Iterator[str]:
    """Every sentence of the preamble and the sections, stripped."""
    for text in [report.preamble] + [s.text for s in report.sections]:
        for sentence in _SENTENCE_END.split(text or ""):
            sentence = sentence.strip()
            if sentence:
                yield sentence


def _scope(sentence: str, start: int, end: int) -> str | None:
    """The scope word of the clause in which a figure stands, if any."""
    clause_start = max(sentence.rfind(m, 0, start) for m in _CLAUSE_MARK) + 1
    clause = sentence[clause_start:end]
    return next((w for w in data()["scope_words"] if w in clause), None)


def _figures(metric: dict, sentence: str) -> list[tuple[int, int, int]]:
    """(start, end, value) of each figure the metric's patterns find, without overlaps."""
    found = []
    for pattern in metric.get("patterns", ()):
        for m in compiled(pattern).finditer(sentence):
            found.append((m.start(), m.end(), int(m.group("n"))))
    for pattern in metric.get("zero", ()):
        for m in compiled(pattern).finditer(sentence):
            found.append((m.start(), m.end(), 0))
    found.sort()
    out: list[tuple[int, int, int]] = []
    for item in found:
        if not out or item[0] >= out[-1][1]:
            out.append(item)
    return out


def text_table(report: Report) -> Iterator[Finding]:
    rule = rules()["TEXT-TABLE"]
    metrics = []
    for metric in data()["text_metrics"]:
        if version(report) not in metric.get("versions", [version(report)]):
            continue
        values = [report.value(c) for c in metric["cells"]]
        if any(v is None for v in values):
            continue  # no figure in the table to compare with
        metrics.append((metric, sum(values)))
    if not metrics:
        return
    seen = set()
    for sentence in sentences(report):
        if not _HAS_FIGURE.search(sentence):
            continue
        for metric, table in metrics:
            for start, end, stated in _figures(metric, sentence):
                key = (metric["id"], sentence, stated)
                if stated == table or key in seen:
                    continue
                seen.add(key)
                cells_zh = "与".join(cell_zh(c, version(report)) for c in metric["cells"])
                if len(metric["cells"]) > 1:
                    cells_zh += "之和"
                scope = _scope(sentence, start, end)
                if scope:
                    yield finding(report, "TEXT-TABLE", metric["cells"], quote=sentence,
                                  severity=rule.extra["scope_severity"], template=rule.extra["scope_message"],
                                  scope=scope, metric=metric["name"], stated=stated, target=cells_zh, table=table)
                else:
                    yield finding(report, "TEXT-TABLE", metric["cells"], quote=sentence, metric=metric["name"],
                                  stated=stated, target=cells_zh, table=table)


def period(report: Report) -> Iterator[Finding]:
    year = report.year
    if year is None:
        return
    spec = data()["period"]
    if report.title:
        m = compiled(spec["title_year"]).search(report.title)
        if m and int(m.group("y")) != year:
            yield finding(report, "PERIOD", quote=report.title, year=year,
                          detail=f"标题中的年度为 {m.group('y')} 年。")
    for sentence in sentences(report):
        for m in compiled(spec["pattern"]).finditer(sentence):
            y1, y2 = int(m.group("y1")), int(m.group("y2") or m.group("y1"))
            start = (y1, int(m.group("m1")), int(m.group("d1")))
            end = (y2, int(m.group("m2")), int(m.group("d2")))
            if start != (year, 1, 1) or end != (year, 12, 31):
                yield finding(report, "PERIOD", quote=sentence, year=year,
                              detail=f"统计期限写为“{m.group(0)}”。")


def body_of(agency: str | None) -> dict:
    """The deadline entry for the agency: the longest matching name suffix decides."""
    spec = data()["deadline"]
    best, best_len = spec["default"], 0
    name = (agency or "").strip()
    for body in spec["bodies"]:
        for suffix in body["suffixes"]:
            if name.endswith(suffix) and len(suffix) > best_len:
                best, best_len = body, len(suffix)
    return best


def deadline(report: Report) -> Iterator[Finding]:
    if report.published is None or report.year is None:
        return
    body = body_of(report.agency)
    due = date(report.year + 1, body["month"], body["day"])
    if report.published > due:
        yield finding(report, "DEADLINE", published=report.published.isoformat(), body=body["name"],
                      deadline=due.isoformat())


def _covers(report: Report, number: int, words: list[str]) -> bool | None:
    section = report.section(number)
    if section is None:
        return None  # SECTION-MISSING reports it
    return any(w in section.text for w in words)


def fee_statement(report: Report) -> Iterator[Finding]:
    if _covers(report, 6, data()["fee_words"]) is False:
        yield finding(report, "FEE-STATEMENT", where=report.section(6).where)


def last_year(report: Report) -> Iterator[Finding]:
    last = (report.year - 1) if report.year else None
    words = [w.format(last=last) for w in data()["last_year_words"] if last is not None or "{last}" not in w]
    if _covers(report, 5, words) is False:
        yield finding(report, "LAST-YEAR", where=report.section(5).where)


RULES = (text_table, period, deadline, fee_statement, last_year)
