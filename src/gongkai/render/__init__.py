"""Rendering: a report to the files people read and keep.

One module per medium: ``docx``/``html``/``markdown``/``pdf`` (the official layout),
``review`` (the checker's HTML review page), ``compare`` (the comparison page), ``charts``
(SVG charts).  ``render(report, form)`` is the one entry point for a report file; the CLI,
the web and the library face call it.  Terminal output lives in ``gongkai.cli``.

The package is also the function: ``gongkai.render(report, "docx", path=None)``.
"""

from __future__ import annotations

import os
import sys
import types
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, overload

from gongkai._callable import make_callable
from gongkai.records import record

if TYPE_CHECKING:
    from gongkai.model import Report


@record(frozen=True)
class OutputForm:
    """A form ``render`` writes a report in."""

    suffix: str  # the file name's extension
    media_type: str  # what the web answers a download with


# The output forms, declared once: ``gongkai build --to``, ``gongkai.render`` and the web's
# 编制 downloads follow this list.
FORMS = {
    "docx": OutputForm(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": OutputForm(".pdf", "application/pdf"),
    "html": OutputForm(".html", "text/html; charset=utf-8"),
    "md": OutputForm(".md", "text/markdown; charset=utf-8"),
}


@overload
def render(report: Report, form: str, path: None = None) -> bytes: ...
@overload
def render(report: Report, form: str, path: str | os.PathLike) -> Path: ...


def render(report: Report, form: str, path: str | os.PathLike | None = None) -> bytes | Path:
    """The report as a file of ``form`` (one of ``FORMS``), in the official layout: its bytes,
    or, given ``path``, written there (whole or not at all) and the path returned.

    The official layout prints no mark: values inferred or read by OCR (* ~ ? in every other view)
    are printed as any other, and cells of digits run together that the sums do not cut one way
    are printed blank.  Each such kind is said in a ``gongkai.UnmarkedWarning`` naming the cells
    (``gongkai build`` prints them as 注意), so that none is published unchecked."""
    from gongkai.model import a_report

    a_report(report, "gongkai.render 的 report ")
    data = _render(report, form)
    from gongkai.render.marks import not_shown

    for notice in not_shown(report):
        from gongkai.errors import UnmarkedWarning

        warnings.warn(UnmarkedWarning(notice), stacklevel=_callers_level())
    if path is None:
        return data
    from gongkai.files import os_reason, write_atomic

    try:
        return write_atomic(path, data)
    except OSError as exc:  # a folder, no right to write there …: said, not an OSError's English
        from gongkai.errors import GongkaiError

        raise GongkaiError(f"无法写入：{os_reason(exc)}", os.fspath(path)) from None


def _callers_level() -> int:
    """The ``stacklevel`` of the first frame outside gongkai (``gongkai.render`` passes through the
    callable module), so that a warning names the user's line."""
    frame: types.FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and str(frame.f_globals.get("__name__", "")).startswith("gongkai."):
        frame, level = frame.f_back, level + 1
    return level


def _render(report: Report, form: str) -> bytes:
    if form not in FORMS:
        from gongkai.errors import BadArgument, shown

        raise BadArgument(f"不支持输出格式“{shown(form)}”：可用 {'、'.join(FORMS)}。")
    if form == "html":
        from gongkai.render.html import render_html

        return render_html(report).encode("utf-8")
    if form == "md":
        from gongkai.render.markdown import render_markdown

        return render_markdown(report).encode("utf-8")
    from gongkai.render.docx import render_docx

    docx = render_docx(report, for_pdf=form == "pdf")
    if form == "docx":
        return docx
    from gongkai.render.pdf import render_pdf

    return render_pdf(docx)


make_callable(__name__, render)  # gongkai.render(report, form) is render(report, form)

__all__ = ["FORMS", "OutputForm", "render"]
