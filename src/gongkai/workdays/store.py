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


def _same_store(a: Database, b: Database) -> bool:
    if a.dialect != b.dialect:
        return False
    if a.dialect == "sqlite":
        try:
            return Path(a.path).resolve() == Path(b.path).resolve()
        except OSError:
            return a.path == b.path
    return a.path == b.path   # PostgreSQL: the URL without its password, search_path included


def _site_calendar_url() -> str | None:
    """The web site's calendar store as the settings name the site (GONGKAI_WEB_HOME,
    GONGKAI_WEB_DB): registers/calendar.sqlite3 under its home, or the schema register_calendar
    of its PostgreSQL database; None when there is none."""
    from urllib.parse import parse_qsl, urlencode, urlsplit

    from gongkai.db import is_postgres
    from gongkai.settings import current

    site = current()
    if is_postgres(site.web_db):
        parts = urlsplit(str(site.web_db))
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "options"]
        query.append(("options", f"-csearch_path={SITE_CALENDAR_SCHEMA}"))
        return parts._replace(query=urlencode(query)).geturl()
    path = site.web_home_dir() / "registers" / SITE_CALENDAR_FILE
    return str(path) if path.is_file() else None


def other_offices_differences(db: Database, year: int | None = None, roles: bool = False,
                              paths: bool = True) -> list[tuple[int, str]]:
    """Where another store of holiday notices that this installation's settings name — the web
    site's calendar, the registers' own store (GONGKAI_DB, else the default file) — holds a notice
    for a year (``year``, or any) that differs from the one ``db``'s register counts on: one
    (year, sentence) each, naming both.  Two offices of one body (or a body and its site) each entering
    next year's notice were never compared; each counts on its own (the entry in force is not
    changed), so the clerk is told to check the 国务院办公厅 notice and correct the wrong one.
    The stores are named by their place (the CLI's own files), or with ``roles`` by what they
    are — 网站日历, 本机关登记簿 — followed by their place only with ``paths`` (the web page: a
    server path is the administrator's to see)."""
    from gongkai.db import Database, describe, is_postgres, office_time
    from gongkai.db.paths import default_register_path
    from gongkai.settings import current
    from gongkai.workdays.calendar import notices_difference

    def name(store: Database) -> str:
        where = describe(store.url) if is_postgres(store.url) else store.path
        site = store.dialect == "postgresql" and SITE_CALENDAR_SCHEMA in str(store.url) \
            or store.dialect == "sqlite" and Path(store.path).name == SITE_CALENDAR_FILE
        if roles:
            return ("网站日历" if site else "本机关登记簿") + (f"（{where}）" if paths else "")
        return f"网页应用的全站节假日安排（{where}）" if site else f"台账数据库 {where} "

    others = [u for u in (_site_calendar_url(), current().db or str(default_register_path())) if u]
    out: list[tuple[int, str]] = []
    with _notice_store(db) as own:
        mine = {e.notice.year: e for e in entries(own)}
        for url in others:
            if not is_postgres(url) and not Path(url).is_file():
                continue
            try:
                # private=False: another's file is read as it is, its mode left alone (not made 0600)
                other = Database(url, ("gongkai.workdays",), what="节假日安排", create=False, private=False)
            except GongkaiError:
                continue   # not readable here (another user's files, a server not answering): nothing to say
            try:
                if _same_store(own, other) or site_calendar_of(other) is not None:
                    continue
                theirs = {e.notice.year: e for e in entries(other)}
                for y in sorted(set(mine) & set(theirs)):
                    a, b = mine[y], theirs[y]
                    diff = notices_difference(a.notice, b.notice, "前者", "后者") if year in (None, y) else ""
                    if diff:
                        out.append((y, f"{y} 年的节假日安排，{name(own)}中录入的（{a.notice.notice or '未注明文号'}，"
                                   f"{a.actor} 录入于 {office_time(a.recorded_at)}）与{name(other)}中录入的"
                                   f"（{b.notice.notice or '未注明文号'}，{b.actor} 录入于 {office_time(b.recorded_at)}）"
                                   f"不同：{diff}。期限按前者计算；请核对国务院办公厅通知，录入有误的一方更正"))
            finally:
                other.close()
    return out


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


NOTICE_STEP = "录入节假日安排"   # the 事项 of a notice's row in the registers' exports


def notice_row_values(e: NoticeEntry) -> dict[str, str | int]:
    """A notice entry as the exports write it: 年度, 文号, 放假日期, 调休上班日期, 理由 (keys as below)."""
    return {"year": e.notice.year, "doc_number": e.notice.notice, "reason": e.reason,
            "holidays": ",".join(d.isoformat() for d in sorted(e.notice.holidays)),
            "workdays": ",".join(d.isoformat() for d in sorted(e.notice.workdays))}


def notice_from_row(year: object, notice: object, holidays: object, workdays: object, actor: object,
                    recorded_at: object, reason: object) -> NoticeEntry:
    """A notice entry read back from an export's row (a GongkaiError or ValueError when it is not one)."""
    days = {name: [d.strip() for d in str(v or "").replace("，", ",").split(",") if d.strip()]
            for name, v in (("holidays", holidays), ("workdays", workdays))}
    found = notice_from(int(str(year or "").strip()), {"notice": str(notice or ""), **days}, "导入")
    return NoticeEntry(found, str(actor or ""), str(recorded_at or ""), str(reason or ""))


def importable_notices(db: Database, incoming: list[tuple[str, NoticeEntry]]) -> tuple[list[NoticeEntry], list[str]]:
    """Of the notices an export brings (place, entry), those to enter into ``db``'s store, and the
    problems by place: a year the store already holds is kept as it is when its days agree and
    refused when they differ (which is right is the clerk's to say, not the import's); a web body's
    register cannot enter a year its site has not (the administrator enters it)."""
    if not incoming:
        return [], []
    held = {e.notice.year: e for e in entries(db)}
    last = {e.notice.year: (place, e) for place, e in incoming}   # the file's entry in force for each year
    problems = []
    for year, (place, e) in sorted(last.items()):
        mine = held.get(year)
        if mine is not None and (mine.notice.holidays, mine.notice.workdays) != (e.notice.holidays, e.notice.workdays):
            problems.append(f"{place}：文件中的 {year} 年节假日安排（{e.notice.notice}，{e.actor} 录入）与本台账已录入的"
                            f"（{mine.notice.notice}，{mine.actor} 录入）日期不同；请核对国务院办公厅通知，先更正录入有误的一方")
        elif mine is None and site_calendar_of(db) is not None:
            problems.append(f"{place}：文件中的期限按 {year} 年节假日安排（{e.notice.notice}）计算，网站尚未录入该年的安排："
                            "请系统管理员先在“节假日安排”页（/register/calendar/）录入")
    return [e for _place, e in incoming if e.notice.year not in held], problems


def enter_imported(db: Database, to_add: list[NoticeEntry], actor: str) -> None:
    """Enter the notices ``importable_notices`` found to add, each with who entered it, when and
    why as the export says (else ``actor``, now)."""
    for e in to_add:
        add_notice(db, e.notice.year, set(e.notice.holidays), set(e.notice.workdays), e.notice.notice,
                   e.actor or actor, e.reason, e.recorded_at or None)


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
               actor: str, reason: str = "", recorded_at: str | None = None) -> YearNotice:
    """Enter one year's notice (checked first); it replaces any earlier entry for the year, which
    needs the ``reason`` (a correction: who, when and why stay on the record).  ``recorded_at``:
    when it was entered, for an entry imported from a register's export (default now)."""
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
                    ",".join(d.isoformat() for d in sorted(checked.workdays)), actor, recorded_at or now_stamp(),
                    reason))
    return checked


def _days(text: str) -> list[str]:
    return [t for t in (text or "").split(",") if t]
