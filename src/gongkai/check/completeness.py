"""What a report being written still lacks: TEXT-PLACEHOLDER (the drafting tools' 【待办】
lines left in the text).  Blank cells are CELL-BLANK (``structure.py``); both keep a draft
from being built (``check.blocking``)."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.check.catalogue import cn_number, data, finding
from gongkai.model import Finding, Report, Where


def _line_with(text: str, mark: str) -> str:
    return next(line.strip() for line in text.splitlines() if mark in line)


def _placeholders(report: Report) -> Iterator[tuple[str, str, str, Where | None]]:
    """(part, mark, line, position) of each part of the text still holding a mark."""
    marks = data()["placeholder_marks"]
    parts = [("引言", report.preamble or "", None)] + [
        (f"第{cn_number(s.no)}部分“{s.title}”", s.text or "", s.where) for s in report.sections]
    for part, text, where in parts:
        mark = next((m for m in marks if m in text), None)
        if mark is not None:
            yield part, mark, _line_with(text, mark), where


def placeholder_parts(report: Report) -> list[str]:
    return [part for part, *_ in _placeholders(report)]


def text_placeholder(report: Report) -> Iterator[Finding]:
    for part, mark, line, where in _placeholders(report):
        yield finding(report, "TEXT-PLACEHOLDER", where=where, quote=line, part=part, mark=mark)


RULES = (text_placeholder,)
