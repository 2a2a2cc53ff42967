"""The narrative against the tables and the calendar.

The figures of the text (TEXT-TABLE, TEXT-COMBINED, TEXT-RECEIVED, TEXT-CLAIM, TEXT-SUM,
TEXT-PERCENT, TEXT-YEAR, TEXT-PLAN) are checked in ``figures`` over the narrative reader;
here: PERIOD, DEADLINE, FEE-STATEMENT, LAST-YEAR."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from gongkai.check import figures
from gongkai.check.catalogue import compiled, data, finding, rules
from gongkai.extract.narrative import narrative_of
from gongkai.model import Finding, Report, Section


def sentences(report: Report) -> Iterator[str]:
    """Every sentence of the preamble and the sections (as the narrative reader splits them)."""
    for sentence in narrative_of(report).sentences:
        yield sentence.text


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
    for sentence, m, start, end in _periods(report):
        if start == (year, 1, 1) and end == (year, 12, 31):
            continue
        detail = f"正文写“{m.group(0)}”"
        if _within_year(start, end, year):  # part of the year: a body set up mid-year, or a slip
            extra = rules()["PERIOD"].extra
            yield finding(report, "PERIOD", quote=sentence, year=year, detail=detail,
                          severity=extra["part_severity"], template=extra["part_message"])
        else:
            yield finding(report, "PERIOD", quote=sentence, year=year, detail=detail + "。")


def _periods(report: Report) -> Iterator[tuple[str, re.Match, tuple[int, int, int], tuple[int, int, int]]]:
    """Each statistical-period statement: its sentence, the match, its first and last day."""
    pattern = compiled(data()["period"]["pattern"])
    for sentence in sentences(report):
        for m in pattern.finditer(sentence):
            start = (int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
            end = (int(m.group("y2") or m.group("y1")), int(m.group("m2")), int(m.group("d2")))
            yield sentence, m, start, end


def _within_year(start: tuple[int, int, int], end: tuple[int, int, int], year: int) -> bool:
    """A real span of dates inside ``year`` (not a misprinted date or a reversed span)."""
    try:
        first, last = date(*start), date(*end)
    except ValueError:
        return False
    return first.year == last.year == year and first < last


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
    """The 落款 date, or the web page's 发布时间 a crawler kept, later than 第四十九条's deadline."""
    posted = _posted_day(report.source.posted)
    if report.year is None or (report.published is None and posted is None):
        return
    body = body_of(report.agency)
    due = date(report.year + 1, body["month"], body["day"])
    spec = rules()["DEADLINE"].extra
    fields = {"published": report.published.isoformat() if report.published else None, "body": body["name"],
              "deadline": due.isoformat(), "posted": report.source.posted_shown}
    signed_late = report.published is not None and report.published > due
    posted_late = posted is not None and posted > due
    if report.published is None:
        template = spec["posted_message"] if posted_late else None
    elif posted is None or signed_late == posted_late:
        template = rules()["DEADLINE"].message if signed_late else None
    else:
        template = spec["signed_late_message"] if signed_late else spec["posted_late_message"]
    if template:
        yield finding(report, "DEADLINE", template=template, **fields)


def _posted_day(posted: str) -> date | None:
    """The day of source.posted (ISO, with or without a time)."""
    try:
        return date.fromisoformat(posted[:10]) if posted else None
    except ValueError:
        return None


def _silent(report: Report, number: int, words: list[str]) -> Section | None:
    """Section ``number`` when it uses none of ``words`` (a missing section is SECTION-MISSING's)."""
    section = report.section(number)
    if section is None or any(w in section.text for w in words):
        return None
    return section


def fee_statement(report: Report) -> Iterator[Finding]:
    if report.year is not None and report.year < data()["fee_from_year"]:
        return
    if (section := _silent(report, 6, data()["fee_words"])) is not None:
        yield finding(report, "FEE-STATEMENT", where=section.where)


def _starts_mid_year(report: Report) -> bool:
    """The statistical period starts after 1 January inside the report year ("统计期限为2019年9月1日
    至2019年12月31日"): a body set up during the year, as PERIOD asks — or a slip."""
    year = report.year
    return year is not None and any(start != (year, 1, 1) and _within_year(start, end, year)
                                    for _, _, start, end in _periods(report))


def last_year(report: Report) -> Iterator[Finding]:
    if _starts_mid_year(report):
        return  # a body set up during the year has no last year's report to follow up; unsure: silent
    last = (report.year - 1) if report.year else None
    words = [w.format(last=last) for w in data()["last_year_words"] if last is not None or "{last}" not in w]
    if (section := _silent(report, 5, words)) is not None:
        yield finding(report, "LAST-YEAR", where=section.where)


RULES = figures.RULES + (period, deadline, fee_statement, last_year)
