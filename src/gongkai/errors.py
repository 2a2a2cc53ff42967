"""Errors a user sees: a Chinese message naming the file and, when known, the place."""

from __future__ import annotations

import unicodedata

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
_PATH = r"(?<![0-9A-Za-z_.:/~-])/(?:[^\s/\\：，。；、（）()\[\]【】“”‘’'\"<>|]+/)+([^\s/\\：，。；、（）()\[\]【】“”‘’'\"<>|]*)"


def without_folders(text: str) -> str:
    """``text`` with every absolute path cut to its last part (``/tmp/gongkai-lo-x/input.doc`` →
    ``input.doc``): what a reason (a read's failure, a refused file) may show to anyone but the
    site's administrator, since the server's folders — the data folder, an upload's folder named
    after its uploader and time, a temporary folder, the installed packages — are the server's
    business (``web/access.shown_to``).  The command line and the Python API keep the paths."""
    import re

    return re.sub(_PATH, lambda m: m.group(1) or "…", text)


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
