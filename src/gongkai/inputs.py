"""Expand the paths a user gives (files and directories) into report files, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from gongkai.records import record


@record(frozen=True)
class InputForm:
    """A form of input the one loader (``gongkai.load``) reads."""

    id: str  # as ``load.input_form`` names it (``read.detect_form`` for a published form)
    name: str  # as the commands' help and the web name it
    suffixes: tuple[str, ...]  # the file names a directory walk and the web's upload accept
    published: bool = True  # a published report file (read by ``read/``), else one of gongkai's own files


# The inputs, declared once: the loader, the directory walk, the web's upload list and every
# command's help follow this list.
INPUT_FORMS = (
    InputForm("txt", "txt", (".txt",)),
    InputForm("md", "md", (".md", ".markdown")),
    InputForm("html", "html", (".html", ".htm", ".shtml", ".xhtml")),
    InputForm("mht", "mht", (".mht", ".mhtml")),
    InputForm("docx", "docx", (".docx",)),
    InputForm("doc", "doc", (".doc",)),
    InputForm("wps", "wps", (".wps",)),
    InputForm("rtf", "rtf", (".rtf",)),
    InputForm("pdf", "pdf", (".pdf",)),
    InputForm("image", "扫描图片", (".png", ".jpg", ".jpeg", ".tif", ".tiff")),
    InputForm("json", "报告 JSON（含 JSON Lines）", (".json", ".jsonl"), published=False),
    InputForm("yaml", "源文件 YAML", (".yaml", ".yml"), published=False),
)


def suffixes(form_id: str) -> tuple[str, ...]:
    """The file name suffixes of one input form."""
    return next(f.suffixes for f in INPUT_FORMS if f.id == form_id)


# The inputs, as the commands' help names them.
FORMS_ZH = "、".join(f.name for f in INPUT_FORMS[:-1]) + "或" + INPUT_FORMS[-1].name

# The file names a directory walk picks up: every form the one loader reads.
REPORT_SUFFIXES = frozenset(s for f in INPUT_FORMS for s in f.suffixes)


def is_report_name(name: str) -> bool:
    """Whether a directory walk (or a ZIP's members) picks up a file of this name: a suffix of
    ``REPORT_SUFFIXES``, not hidden."""
    return not name.startswith(".") and Path(name).suffix.lower() in REPORT_SUFFIXES


def files_under(directory: str | Path) -> Iterator[str]:
    """Every file below ``directory`` in a stable order (by name, folder by folder), hidden files
    and folders left out."""
    for root, dirs, files in os.walk(str(directory)):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from (os.path.join(root, name) for name in sorted(files) if not name.startswith("."))


def expand(paths: list[str]) -> Iterator[str]:
    """The report files the user named: files as given, directories walked for report names —
    and for ZIP archives, which the loader refuses by name (``gongkai ingest`` reads their
    members): a ZIP of reports in the folder is listed as not read, not passed over in silence."""
    for path in paths:
        if Path(path).is_dir():
            yield from (f for f in files_under(path)
                        if is_report_name(name := os.path.basename(f)) or name.lower().endswith(".zip"))
        else:
            yield path
