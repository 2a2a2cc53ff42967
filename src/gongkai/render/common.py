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


def closing(report: Report) -> tuple[str, str]:
    """The 落款: the body's name and the date, either "" when the report lacks it (a date is
    never guessed).  GB/T 9704 7.3.5.2 (a document without a seal) sets the name two characters
    from the right margin and the date on the next line starting two characters right of the
    name's start; a date longer than that allows ends two characters from the margin and the
    name moves left to keep the two-character step."""
    return (report.agency or "").strip(), date_zh(report.published) if report.published else ""


def name_indent(agency: str, when: str) -> float:
    """The body name's right indent in characters under that rule, for a medium that cannot set
    the two lines as one block (DOCX): the date's width is estimated on the wide side (digits
    0.55, and a quarter character where digits meet 年月日, which Word and LibreOffice add)."""
    digits = sum(c.isascii() for c in when)
    meets = sum(a.isascii() != b.isascii() for a, b in zip(when, when[1:]))
    width = len(when) - digits + 0.55 * digits + 0.25 * meets
    return max(2.0, 4 + width - len(agency))


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
