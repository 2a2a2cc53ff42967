"""The site options (``models.SiteOption``) as requests read them: cached in each server process,
so an anonymous ``POST /api/parse`` opens no database connection (reading the row on every
request was a tenth of the server's overhead, bench/serve_overhead.py), and read again as soon
as an administrator changes them:

- a save or delete of the row (the admin page, ``SiteOption.save``) appends a byte to a stamp
  file once its transaction has committed (so the stamp only grows: its size counts the changes);
- every request compares the stamp's identity (inode, size and modification time: one ``stat``)
  with the one its cached copy was read under, and reads the row again when they differ — in
  this process, its other threads and every other server process using the same database
  (SQLite: the stamp lies beside the database file; PostgreSQL: in the web home directory);
- a process that cannot see the stamp (another machine sharing a PostgreSQL database) reads the
  row again at the latest ``MAX_AGE_SECONDS`` after its last read.

The stamp is looked at before the row is read, so a change committed while the row is being read
leaves a new stamp behind and the next request reads the row again.  ``QuerySet.update()`` sends no
signal: change the options through the model (as the admin page does).
"""

from __future__ import annotations

import logging
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from gongkai.web.models import SiteOption

MAX_AGE_SECONDS = 5.0
log = logging.getLogger("gongkai.web")


class Options(NamedTuple):
    anonymous_api: bool


class _Cached(NamedTuple):
    token: tuple[int, ...] | None
    read_at: float
    options: Options


_cached: _Cached | None = None   # replaced whole (one assignment), so threads need no lock


def stamp_path() -> Path:
    return Path(_stamp_path(settings.DATABASES["default"]["ENGINE"], str(settings.DATABASES["default"]["NAME"]),
                            str(settings.HOME)))


@lru_cache(maxsize=8)
def _stamp_path(engine: str, name: str, home: str) -> str:
    """(A string, made once: a ``Path`` built on every request cost more than the ``stat``.)"""
    if engine.endswith("sqlite3"):
        return f"{name}.site-options"
    return os.path.join(home, "site-options.stamp")


def _token() -> tuple[int, ...] | None:
    """The stamp's identity (one ``stat``, on every request); None when there is none."""
    db = settings.DATABASES["default"]
    try:
        st = os.stat(_stamp_path(db["ENGINE"], str(db["NAME"]), str(settings.HOME)))
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def current() -> Options:
    """The site options in force (read-only: edit ``SiteOption.current()`` and save it)."""
    global _cached
    token, now = _token(), time.monotonic()
    got = _cached
    if got is None or got.token != token or now - got.read_at > MAX_AGE_SECONDS:
        row = SiteOption.current()
        got = _cached = _Cached(token, now, Options(anonymous_api=row.anonymous_api))
    return got.options


def cached() -> Options | None:
    """The site options in force if the cached copy is still good, else None — without touching
    the database (the front's lean answer, web/front.py, opens no connection: nothing would close
    it); ``current()`` reads the row again."""
    got = _cached
    if got is None or got.token != _token() or time.monotonic() - got.read_at > MAX_AGE_SECONDS:
        return None
    return got.options


def _bump() -> None:
    """The stamp one byte longer (an append: every reader sees a size it has not seen before)."""
    global _cached
    _cached = None
    path = stamp_path()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)
    except OSError as exc:  # the change is saved: other processes see it within MAX_AGE_SECONDS
        log.warning("站点设置已保存，但无法写入 %s（%s）：其他服务进程最迟 %.0f 秒后生效。", path, exc, MAX_AGE_SECONDS)


def _changed(sender, **kwargs) -> None:
    transaction.on_commit(_bump)


post_save.connect(_changed, sender=SiteOption, dispatch_uid="gongkai-site-options-saved")
post_delete.connect(_changed, sender=SiteOption, dispatch_uid="gongkai-site-options-deleted")
