"""Errors a user sees: a Chinese message naming the file and, when known, the place."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

# Echoed text is cut after this many characters: a 404 for a 2,000-character URL is one line.
SHOWN_MAX = 60
UNSHOWN = "\ufffd"  # � stands where a character that cannot be shown was


def shown(text: object, limit: int = SHOWN_MAX) -> str:
    """What a visitor typed (a reference or a name taken from a URL), fit to echo in a message:
    each run of control or format characters (a NUL, an escape, a right-to-left override — the
    message said "台账中没有编号为 \\u0000 的申请") one "�", so that the message neither carries
    them nor hides that they were there; at most ``limit`` characters (then "…"); "（空）" when
    nothing is left."""
    out: list[str] = []
    for c in str(text):
        if unicodedata.category(c) not in ("Cc", "Cf", "Cs"):
            out.append(c)
        elif not out or out[-1] != UNSHOWN:
            out.append(UNSHOWN)
    kept = "".join(out).strip()
    if len(kept) > limit:
        kept = kept[:limit] + "…"
    return kept or "（空）"


# An absolute path inside a message: "/" not after a letter, digit or URL punctuation (so
# 2025/9/26, 3/5, application/json, http://… stay), one folder at least, up to a space or
# punctuation.  Its last part is kept: the file's name says which file it was.
_PATH = r"(?<![0-9A-Za-z_.:/~-])/([^\s/\\：，。；、（）()\[\]【】“”‘’'\"<>|]+)/(?:[^\s/\\：，。；、（）()\[\]【】“”‘’'\"<>|]+/)*([^\s/\\：，。；、（）()\[\]【】“”‘’'\"<>|]*)"

# The file system's usual top folders, cut even where this machine lacks them (a reason stored
# on another server).  A site path (/register/calendar/, /api/corpus/…) starts with none of them.
_USUAL_ROOTS = frozenset(
    "bin boot data dev etc home lib lib64 media mnt opt private proc root run sbin srv sys tmp usr var Users Volumes".split())


def _roots(homes: tuple[str, ...]) -> frozenset[str]:
    """The first folders a file-system path starts with: the usual ones, every folder at "/" of
    this machine, and those of the home, data and temporary folders and of ``homes`` (the web
    site's, which the caller knows: gongkai's own variables are read by ``settings`` only)."""
    import os
    import tempfile

    names = set(_USUAL_ROOTS)
    try:
        names.update(e.name for e in os.scandir("/") if e.is_dir())
    except OSError:
        pass
    for folder in (os.environ.get("HOME"), os.environ.get("XDG_DATA_HOME"), tempfile.gettempdir(), *homes):
        if folder and folder.startswith("/"):
            names.add(folder.strip("/").split("/")[0])
    names.discard("")
    return frozenset(names)


def without_folders(text: str, *homes: str, keep: Callable[[str], bool] | None = None) -> str:
    """``text`` with every file-system path cut to its last part (``/tmp/gongkai-lo-x/input.doc`` →
    ``input.doc``): what a reason (a read's failure, a refused file) may show to anyone but the
    site's administrator, since the server's folders — the data folder, an upload's folder named
    after its uploader and time, a temporary folder, the installed packages — are the server's
    business (``web/access.shown_to``).  Only a path under a file system's top folder
    (``_roots``) is cut: a site path such as ``/register/calendar/`` stays whole.  ``keep``: the
    web's own test of a site path, for a server where a first part of the site's paths is also a
    folder at "/" (a server with a /check folder).  The command line and the Python API keep the
    paths."""
    import re

    roots = _roots(homes)

    def cut(m: re.Match[str]) -> str:
        if m.group(1) not in roots or (keep is not None and keep(m.group(0))):
            return m.group(0)
        return m.group(2) or "…"

    return re.sub(_PATH, cut, text)


class GongkaiError(Exception):
    """A problem with the user's input, explained in Chinese.  Never shown as a traceback."""

    def __init__(self, message: str, path: str | None = None, place: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.place = place

    def __str__(self) -> str:
        where = "：".join(p for p in (self.path, self.place) if p)
        return f"{where}：{self.message}" if where else self.message


class UnreadableFile(GongkaiError):
    """The file cannot be read at all (empty, binary junk, too large, broken)."""


class NotFound(GongkaiError, LookupError):
    """Something the user named does not exist (an unknown register reference, a corpus report
    number, a body the corpus has no report of): 404 on the web.  Also a ``LookupError``."""


class BadArgument(GongkaiError, ValueError):
    """A value the Python API does not take (an unknown output form, statistics level or cell
    id), named in Chinese with what it takes.  Also a ``ValueError``."""


class NotAReport(GongkaiError):
    """The file reads, but it is not a 政府信息公开工作年度报告."""


class SourceError(GongkaiError):
    """A mistake in a report source file (docs/source-format.md), named with its line."""


class MissingDependency(GongkaiError):
    """An optional part (OCR, LibreOffice) is needed and not installed."""


class UnmarkedWarning(UserWarning):
    """``gongkai.render`` wrote a report in the official layout, which carries no marks: some of its
    values were inferred or read by OCR (marked * ~ ? in every other view), or some cells are blank
    because digits printed together do not cut one way.  The message names the cells, in Chinese."""
