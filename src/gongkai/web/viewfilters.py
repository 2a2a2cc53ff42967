"""Template filters every page may use without ``{% load %}`` (TEMPLATES' ``builtins``)."""

from __future__ import annotations

from django import template

from gongkai.format.text import shown_or_blank
from gongkai.render.common import section_heading as _section_heading

register = template.Library()


@register.filter
def blank(value: object) -> str:
    """A field left blank shown as every view shows it (``format.text.BLANK``, “—”); unlike
    Django's ``default``, a 0 stays 0."""
    return shown_or_blank(value)


# What a download link's file is, said to a screen reader beside the bare “DOCX”/“PDF” it shows.
FILE_KINDS = {"docx": "Word 文档", "pdf": "PDF 文档", "html": "网页文件", "md": "Markdown 文本", "xlsx": "Excel 表格",
              "csv": "CSV 表格", "json": "JSON 数据"}


@register.filter
def file_size(size: object) -> str:
    """A download's size as a link states it beside its format (“PDF，212 KB”: a phone on a slow
    line knows what it is in for): bytes under 1 KB, whole KB under 1 MB, MB with one decimal."""
    n = int(size)  # type: ignore[call-overload]  # an int or its text, from the view
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{round(n / 1024)} KB"
    return f"{n / (1024 * 1024):.1f} MB"


@register.filter
def file_kind(form: object) -> str:
    """``docx`` -> “Word 文档” (the kind of file a link downloads; "" for one not listed)."""
    return FILE_KINDS.get(str(form).lower(), "")


@register.filter
def section_heading(no: int, title: str) -> str:
    """A section's heading as the format numbers it (“一、总体情况”), as every output prints it."""
    return _section_heading(no, title)
