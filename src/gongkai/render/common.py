"""What every output form prints the same way: title, section headings, the date line."""

from __future__ import annotations

from datetime import date
from functools import cache

from gongkai import regex
from gongkai.format import FORMAT
from gongkai.model import Report, Section, Source
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

# Where a body's name may break: after a place (省, 市, 县, 区…) or an organ (人民政府, 委员会,
# 办公室, 局…) — not where the character begins a longer word (杭州市 is one place, 市场监督管理局,
# 市委, 县级, 乡镇, 城乡建设 and 城市管理 are not places).
_NAME_BREAK = regex.compile(
    r"(?:特别行政区|自治区|自治州|自治县|自治旗|人民政府|人民代表大会常务委员会|委员会|办公厅|办公室|办事处"
    r"|街道|地区|兵团|(?<!城)市|(?<!城)乡|州(?![市区县盟])|[省盟县区旗镇局厅]|中心|公司)"
    r"(?![场政容民委级直属域村辖镇])")


def title_chars() -> int:
    """Title characters a line holds: the text block's width over 二号 (20 on A4's 156 mm)."""
    page, size = style()["page"], style()["sizes_pt"]["title"]
    width_pt = (page["width_cm"] - page["margin_left_cm"] - page["margin_right_cm"]) / 2.54 * 72
    return int(width_pt // size)


def text_width(text: str) -> float:
    """Printed width in full-width characters: ASCII (digits, Latin) counts half."""
    return sum(0.5 if ord(ch) < 0x80 else 1 for ch in text)


def name_parts(name: str) -> list[str]:
    """A body's name cut where a reader may break it: 宁夏回族自治区|吴忠市|红寺堡区|人民政府|办公室."""
    parts, start = [], 0
    for m in _NAME_BREAK.finditer(name):
        if m.end() < len(name):
            parts.append(name[start:m.end()])
            start = m.end()
    parts.append(name[start:])
    return [p for p in parts if p]


def break_name(name: str, limit: float) -> list[str]:
    """A body's name in the fewest lines of at most ``limit`` characters, broken only between
    its parts (:func:`name_parts`), the lines as even as they can be (a tie: the longer first).
    A single part longer than a line (no place to break) is cut where the line is full."""
    parts: list[str] = []
    for part in name_parts(name):
        while text_width(part) > limit:
            cut = next(i for i in range(len(part), 0, -1) if text_width(part[:i]) <= limit)
            parts.append(part[:cut])
            part = part[cut:]
        parts.append(part)
    widths = [text_width(p) for p in parts]
    n = len(parts)
    # best[i] = (lines, widest line, cuts) for parts[i:]; the first line longest among equals
    best: list[tuple[int, float, list[int]] | None] = [None] * n + [(0, 0.0, [])]
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n + 1):
            w = sum(widths[i:j])
            rest = best[j]
            if w > limit:
                break
            if rest is None:
                continue
            cand = (rest[0] + 1, max(w, rest[1]), [j, *rest[2]])
            cur = best[i]
            if cur is None or (cand[0], cand[1]) <= (cur[0], cur[1]):
                best[i] = cand
    cuts = [0, *best[0][2]] if best[0] else [0, n]
    return ["".join(parts[a:b]) for a, b in zip(cuts, cuts[1:])] or [name]


def title_lines(report: Report) -> list[str]:
    """The title as it is set: the body's name, then “2024年政府信息公开工作年度报告” on a line
    of its own, as published reports set it, so that a long title breaks between them and never
    inside a word (工作年 / 度报告).  A name longer than a line (:func:`title_chars`) breaks
    between its parts (:func:`break_name`: 宁夏回族自治区吴忠市 / 红寺堡区人民政府办公室), never
    inside a word (工作委员 / 会).  A title without the report's name is broken the same way."""
    text = title(report).strip()
    limit = title_chars()
    m = _TITLE_SPLIT.search(text)
    if not m or m.start() == 0:
        return break_name(text, limit)
    head, tail = text[:m.start()].strip(), text[m.start():].strip()
    return [*break_name(head, limit), tail]


def section_heading(no: int, text: str) -> str:
    return f"{CN_NUMERALS[no - 1]}、{text}"


def date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def page_facts(source: Source) -> list[tuple[str, str]]:
    """What the web page a crawler kept said of the report, as (label, text), in the order shown
    beside the 落款日期: a different fact, when the page went up, not the date the report bears."""
    facts = [("网页发布时间", source.posted_shown), ("发布机构", source.issuer), ("文号", source.doc_no),
             ("原文链接", source.url)]
    return [(label, text) for label, text in facts if text]


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
