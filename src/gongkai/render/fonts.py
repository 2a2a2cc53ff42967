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
    names = set()
    for line in out.splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


def candidates(role: str) -> list[str]:
    return list(style()["fonts"][role])


def pick(role: str) -> str:
    """The first installed font of a role (title, heading, body, table); without fontconfig,
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
