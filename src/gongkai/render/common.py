"""What every output form prints the same way: title, section headings, the date line."""

from __future__ import annotations

from datetime import date
from functools import cache

from gongkai import regex
from gongkai.format import FORMAT
from gongkai.model import Report, Section
from gongkai.render.layout import TABLE_SECTION
from gongkai.shipped import shipped_data

CN_NUMERALS = "一二三四五六七八九十"


@cache
def style() -> dict:
    """``style.yaml``: page, fonts, sizes, column widths."""
    return shipped_data(__package__, "style.yaml")


def title(report: Report) -> str:
    if report.title:
        return report.title
    return f"{report.agency or ''}{report.year or ''}年政府信息公开工作年度报告"


_TITLE_SPLIT = regex.compile(r"(?:(?:19|20)\d{2}\s*年度?|[一二〇○零]{4}年度?)?\s*(?:关于)?政府信息公开(?:工作)?年度报告")


def title_lines(report: Report) -> list[str]:
    """The title as it is set: the body's name, then “2024年政府信息公开工作年度报告”, so
    that a long title breaks between them and never inside a word (工作年 / 度报告).  A title
    without the report's name stays one line."""
    text = title(report).strip()
    m = _TITLE_SPLIT.search(text)
    if not m or m.start() == 0:
        return [text]
    head, tail = text[:m.start()].strip(), text[m.start():].strip()
    return [head, tail]


def section_heading(no: int, text: str) -> str:
    return f"{CN_NUMERALS[no - 1]}、{text}"


def date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def table_after(no: int) -> str | None:
    """The table printed at the end of section ``no``, if any."""
    return TABLE_SECTION.get(no)


def widths(table: str) -> list[float]:
    """Relative column widths of a table as fractions summing to 1."""
    w = style()["widths"][table]
    total = sum(w)
    return [x / total for x in w]


def outline(report: Report) -> list[tuple[Section, str | None]]:
    """The sections to print, each with the table printed at its end.  A section that holds a
    table is printed (official title, no text) even when the source leaves it out, so that no
    table is dropped; other missing sections are left for the checker to report."""
    present = {s.no: s for s in report.sections}
    out = []
    for spec in FORMAT.sections:
        section = present.get(spec.no)
        if section is None and table_after(spec.no):
            section = Section(spec.no, spec.title, "")
        if section is not None:
            out.append((section, table_after(spec.no)))
    return out
