"""One register (``gongkai.register.Register``) per body, and the site's working-day calendar.

SQLite (the default): one file per body under ``<home>/registers/``.  PostgreSQL: the site's
database, one schema per body (``register_body_<id>``), reached through ``search_path``.
Connections are cached per thread and body, because opening a register runs its migrations.

The holiday notices (节假日安排) are the site's, not a body's: one store beside the registers
(``registers/calendar.sqlite3`` or schema ``register_calendar``) that the administrator's
calendar page writes and every body's register counts on, so every clerk of the site computes the
same due dates.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from django.conf import settings

from gongkai.register import Register
from gongkai.register.office import office_settings
from gongkai.register.settings import load_settings
from gongkai.web.sql import create_schema

if TYPE_CHECKING:
    from gongkai.log.store import DisclosureLog

_local = threading.local()


def today() -> date:
    """Today in the site's time zone (Asia/Shanghai), or the fixed GONGKAI_TODAY."""
    from django.utils import timezone

    return date.fromisoformat(settings.TODAY) if settings.TODAY else timezone.localdate()


def report_year(day: date) -> int:
    """The year whose tables a clerk wants first: in January–March last year's, whose annual
    report is then being written (due by 31 January from a department, 31 March from a
    government, Art. 49); from April this year's."""
    return day.year - 1 if day.month <= 3 else day.year


def office_day() -> date | Callable[[], date]:
    """What a register or log of the site takes as its ``today``: the fixed day (which also
    dates the records' stamps) when the site has one, else the clock.  Taken from Django's
    settings, read once when the site started, never again from the environment."""
    return date.fromisoformat(settings.TODAY) if settings.TODAY else today


def register_url(body_id: int) -> str:
    return _store_url(f"register_body_{int(body_id)}", f"body-{int(body_id)}.sqlite3")


def calendar_url() -> str:
    from gongkai.workdays.store import SITE_CALENDAR_FILE  # where the CLI finds it too (site_calendar_of)

    return _store_url("register_calendar", SITE_CALENDAR_FILE)


def _store_url(schema: str, filename: str) -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        create_schema(schema)
        # user and password in the authority part, so messages can hide the password
        auth = quote(db["USER"], safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
        params = {"host": db["HOST"], "port": db["PORT"],
                  **{k: v for k, v in db.get("OPTIONS", {}).items() if k != "options"},
                  "options": f"-csearch_path={schema}"}
        return (f"postgresql://{auth + '@' if auth else ''}/{quote(db['NAME'], safe='')}?"
                + urlencode({k: v for k, v in params.items() if v}))
    path = settings.REGISTER_DIR / filename
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def calendar_store():
    """The site's holiday notices (a ``gongkai.db.Database`` of the workdays component)."""
    from gongkai.db import Database

    db = settings.DATABASES["default"]
    key = (db["ENGINE"], db["NAME"], str(settings.REGISTER_DIR))   # what the URL depends on: no
    stores = getattr(_local, "calendar_dbs", None)                 # CREATE SCHEMA on every request
    if stores is None:
        stores = _local.calendar_dbs = {}
    if key not in stores:
        stores[key] = Database(calendar_url(), ("gongkai.workdays",), what="节假日安排")
    return stores[key]


def site_calendar():
    """The shipped calendar with the site's notices; read again only when a notice was entered."""
    from gongkai.workdays import load_calendar
    from gongkai.workdays.store import version

    db = calendar_store()
    key = (db.url, version(db))
    cached = getattr(_local, "calendar", None)
    if cached is None or cached[0] != key:
        cached = _local.calendar = (key, load_calendar(db))
    return cached[1]


def open_register(body) -> Register:
    cache = getattr(_local, "registers", None)
    if cache is None:
        cache = _local.registers = {}
    reg = cache.get(body.pk)
    calendar = site_calendar()
    if reg is None:
        reg = Register(register_url(body.pk), calendar=calendar, today=office_day(), create=True)
        cache[body.pk] = reg
    reg.calendar = calendar
    reg.office_day = office_day()
    reg.settings = office_settings(load_settings(settings.REGISTER_SETTINGS), body.name, body.region_code,
                                   body.review_body, body.court)
    return reg


def open_log(body) -> DisclosureLog:
    """A body's proactive-disclosure log (in the store of its request register), counting on
    the site's calendar and day."""
    from gongkai.log.store import DisclosureLog

    return DisclosureLog(register_url(body.pk), calendar=site_calendar(), today=office_day(),
                         vocab=Path(settings.DISCLOSURE_VOCAB), create=True)


def close_all() -> None:
    for reg in getattr(_local, "registers", {}).values():
        reg.close()
    _local.registers = {}
    for db in (getattr(_local, "calendar_dbs", None) or {}).values():
        db.close()
    _local.calendar_dbs, _local.calendar = {}, None
