"""Holiday notices in the database: entered once (``gongkai register calendar add`` or the web's
administrator page), seen by every clerk and server using that database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from gongkai.errors import GongkaiError
from gongkai.workdays.calendar import Calendar, YearNotice, notice_from, shipped_calendar, statutory_missing

if TYPE_CHECKING:
    from gongkai.db import Database


@dataclass(frozen=True)
class NoticeEntry:
    """One notice as entered: who and when, besides the days."""

    notice: YearNotice
    actor: str
    recorded_at: str
    reason: str = ""   # why a year was entered again (none for its first entry)


# The web site keeps one calendar for all its bodies (web/registers.py): this file beside the
# bodies' registers, registers/body-N.sqlite3.
SITE_CALENDAR_FILE = "calendar.sqlite3"
_BODY_REGISTER = re.compile(r"body-\d+\.sqlite3")
# On PostgreSQL the same are schemas of the site's database: register_body_N, register_calendar
SITE_CALENDAR_SCHEMA = "register_calendar"
_BODY_SCHEMA = re.compile(r"(-c\s*search_path\s*=\s*)register_body_\d+")


def site_calendar_of(db: Database) -> str | None:
    """The web site's calendar store when ``db`` is one of its bodies' registers (a SQLite file
    registers/body-N.sqlite3 with calendar.sqlite3 beside it; on PostgreSQL the schema
    register_body_N, opened with ``options=-csearch_path=register_body_N``, of a database that has
    the schema register_calendar); None for any other register.  The web counts such a register on
    the site's notices: every door to it must (the CLI opened on it counted on its own, empty table
    — 2027-02-01（推算） where the web said 2027-01-31)."""
    if db.dialect == "postgresql":
        from urllib.parse import parse_qsl, urlencode, urlsplit

        parts = urlsplit(str(db.url or ""))
        query = parse_qsl(parts.query, keep_blank_values=True)
        options = next((v for k, v in query if k == "options"), "")
        if not _BODY_SCHEMA.search(options) or not db.scalar("SELECT 1 FROM pg_namespace WHERE nspname = ?",
                                                              (SITE_CALENDAR_SCHEMA,)):
            return None
        moved = [(k, _BODY_SCHEMA.sub(rf"\g<1>{SITE_CALENDAR_SCHEMA}", v) if k == "options" else v) for k, v in query]
        return parts._replace(query=urlencode(moved)).geturl()
    if db.dialect != "sqlite" or not _BODY_REGISTER.fullmatch(Path(db.path).name):
        return None
    site = Path(db.path).with_name(SITE_CALENDAR_FILE)
    return str(site) if site.is_file() else None


@contextmanager
def _notice_store(db: Database) -> Iterator[Database]:
    """The store holding the notices ``db``'s register counts on: the site's, or its own."""
    from gongkai.db import Database

    site = site_calendar_of(db)
    if site is None:
        yield db
        return
    store = Database(site, ("gongkai.workdays",), what="节假日安排", create=False)
    try:
        yield store
    finally:
        store.close()


def entries(db: Database) -> list[NoticeEntry]:
    """Every notice ever entered, oldest first (a year entered again appears twice)."""
    out = []
    with _notice_store(db) as store:
        rows = store.query("SELECT year, notice, holidays, workdays, actor, recorded_at, reason FROM workday_notices "
                           "ORDER BY id")
    for year, notice, holidays, workdays, actor, stamp, reason in rows:
        entry = {"notice": notice, "holidays": _days(holidays), "workdays": _days(workdays)}
        out.append(NoticeEntry(notice_from(int(year), entry, "数据库"), actor, stamp, reason or ""))
    return out


def version(db: Database) -> int:
    """Changes whenever a notice is entered (the number of the latest entry; 0: none)."""
    return int(db.scalar("SELECT COALESCE(MAX(id), 0) FROM workday_notices") or 0)


def notices(db: Database) -> dict[int, YearNotice]:
    """The notice in force for each year entered (the latest entry of the year)."""
    return {e.notice.year: e.notice for e in entries(db)}


def load_calendar(db: Database | None = None) -> Calendar:
    """The shipped calendar with the notices entered in ``db`` (none when ``db`` is None)."""
    cal = shipped_calendar()
    return cal.with_notices(notices(db)) if db is not None else cal


def add_notice(db: Database, year: int, holidays: set[date], workdays: set[date], notice: str,
               actor: str, reason: str = "") -> YearNotice:
    """Enter one year's notice (checked first); it replaces any earlier entry for the year, which
    needs the ``reason`` (a correction: who, when and why stay on the record)."""
    from gongkai.db import describe, now_stamp, office_time

    if (site := site_calendar_of(db)) is not None:
        raise GongkaiError("这是网页应用中一个机关的台账：全站的节假日安排只有一份，由系统管理员在网页的“节假日安排”页"
                           f"（/register/calendar/）录入，各机关的期限都按它计算；本次未录入（网页的节假日安排：{describe(site)}）",
                           db.path)

    checked = notice_from(year, {"notice": notice, "holidays": sorted(holidays), "workdays": sorted(workdays)},
                          "节假日安排")
    missing = statutory_missing(year, set(checked.holidays), set(checked.workdays))
    if missing:
        raise GongkaiError(f"放假日期中缺少《全国年节及纪念日放假办法》规定的节日：{missing}。国务院办公厅的通知"
                           "都包含这些日期，请按通知核对后重新录入（落在周末的可以不列）", "节假日安排", f"{year}年")
    reason = " ".join((reason or "").split())
    with db.transaction():
        before = db.query("SELECT notice, actor, recorded_at FROM workday_notices WHERE year = ? ORDER BY id DESC",
                          (year,))
        if before and not reason:
            notice0, actor0, stamp0 = before[0]
            raise GongkaiError(f"{year} 年的节假日安排已由 {actor0} 于 {office_time(stamp0)} 录入（{notice0}）；再次录入即为"
                               "更正，请写明更正理由（原记录保留）", "节假日安排", f"{year}年")
        db.execute("INSERT INTO workday_notices (year, notice, holidays, workdays, actor, recorded_at, reason) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (year, notice, ",".join(d.isoformat() for d in sorted(checked.holidays)),
                    ",".join(d.isoformat() for d in sorted(checked.workdays)), actor, now_stamp(), reason))
    return checked


def _days(text: str) -> list[str]:
    return [t for t in (text or "").split(",") if t]
