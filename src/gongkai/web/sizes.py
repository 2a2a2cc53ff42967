"""The size of a file the site makes when it is fetched — a letter, a draft's export, a register's
export — stated on the link as the corpus's downloads state theirs (“DOCX，38 KB”: a phone on a
slow line knows what it is in for).

Such a file is made only on the click: a PDF takes LibreOffice seconds, a large register's export
longer.  So each one's size is kept when it is made, under a fingerprint of everything it is made
from (the letter's context and template, the draft's data, the register's change mark and day),
and its link states it from then on; what is cheap to make (a letter's or a draft's DOCX, HTML,
Markdown) is made for its size when its page is drawn.  A file never made states no size: an
estimate of a PDF or an export could be far off, and a number on the page is taken as exact.

The sizes are kept in the site's folder (``HOME/sizes``, one small file a fingerprint, written
whole by a rename), not in a process's memory: every server process and thread states the same
size for the same file, and a restart keeps them (before, each process had its own memory — one
worker stated a size the next one did not, and a restart forgot them all).  At most ``LIMIT`` are
kept, the oldest dropped first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

LIMIT = 4096   # sizes kept: a few MB of directory at most
_PRUNE_EVERY = 64   # writes of this process between two looks at how many are kept
_writes = 0
_lock = threading.Lock()


def fingerprint(*parts: object) -> str:
    """One key for what a file is made from (JSON of the parts; dates and the like as text)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _folder() -> Path:
    from django.conf import settings

    from gongkai.files import private_dir

    return private_dir(Path(settings.HOME) / "sizes")


def _path(key: str) -> Path:
    if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
        raise ValueError(f"not a fingerprint: {key!r}")
    return _folder() / key


def remember(key: str, data: bytes) -> bytes:
    """Keep the size of ``data``, made from ``key``, for every process of the site; returns ``data``."""
    global _writes
    path = _path(key)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".size-")
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(str(len(data)))
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:   # _prune skips dot-names: a temp file left here would stay for ever
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return data   # a full disk costs the link its size, never the download
    with _lock:
        _writes += 1
        prune = _writes % _PRUNE_EVERY == 0
    if prune:
        _prune(path.parent)
    return data


def _prune(folder: Path) -> None:
    """Drop the oldest sizes beyond ``LIMIT``."""
    try:
        kept = sorted(((e.stat().st_mtime, e.path) for e in os.scandir(folder) if not e.name.startswith(".")),
                      reverse=True)
    except OSError:
        return
    for _mtime, name in kept[LIMIT:]:
        try:
            os.unlink(name)
        except OSError:
            pass   # another process dropped it first


def known(key: str) -> int | None:
    """The size kept for ``key`` by any process of the site, or None."""
    try:
        text = _path(key).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def made_for_size(key: str, make: Callable[[], bytes]) -> int:
    """The size of a file cheap to make: kept, or made now (and kept)."""
    n = known(key)
    return n if n is not None else len(remember(key, make()))
