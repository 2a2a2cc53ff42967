"""Expand the paths a user gives (files and directories) into report files, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

# The inputs, as the commands' help names them.
FORMS_ZH = "txt、md、html、docx、doc、pdf、扫描图片、报告 JSON（含 JSON Lines）或源文件 YAML"

# The file names a directory walk picks up: every form the one loader (``gongkai.load``) reads.
REPORT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".mht", ".mhtml", ".pdf",
                   ".docx", ".doc", ".wps", ".rtf", ".png", ".jpg", ".jpeg", ".tif", ".tiff",
                   ".json", ".jsonl", ".yaml", ".yml"}


def expand(paths: list[str]) -> Iterator[str]:
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if Path(name).suffix.lower() in REPORT_SUFFIXES and not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield path
