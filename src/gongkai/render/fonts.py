"""Choosing installed fonts: the official ones when present, else the free CJK fallbacks."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from gongkai.render.common import style


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str] | None:
    """Font family names known to fontconfig; None when fontconfig is not there."""
    if not shutil.which("fc-list"):
        return None
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names: set[str] = set()
    for line in out.splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


def candidates(role: str) -> list[str]:
    return list(style()["fonts"][role])


def pick(role: str) -> str:
    """The first installed font of a role (title, heading, body, table, latin); without fontconfig,
    the first free fallback, which every machine set up by scripts/setup.sh has."""
    names = candidates(role)
    installed = installed_families()
    if installed is None:
        return next((n for n in names if n.startswith("Noto")), names[-1])
    return next((n for n in names if n in installed), names[-1])


def css_stack(role: str) -> str:
    """A CSS font-family list: all candidates in order, then the generic family."""
    generic = "sans-serif" if role == "heading" else "serif"
    return ", ".join(f'"{n}"' for n in candidates(role)) + f", {generic}"


def set_docx_fonts(rpr, east_asian: str, latin: str) -> None:
    """rFonts for all scripts and w:lang eastAsia=zh-CN on one w:rPr element (DOCX), so that the
    Chinese glyph forms are used (Noto CJK otherwise falls back to its Japanese face); Latin text
    is en-US."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    # Latin text (numbers, dates) is marked English: marked Chinese, LibreOffice breaks a number
    # wherever a line ends ("2025年5月2" / "6日"); the Chinese text is zh-CN by w:eastAsia.
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
