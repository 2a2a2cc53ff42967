"""One register (``gongkai.register.Register``) per body.

SQLite (the default): one file per body under ``<home>/registers/``.  PostgreSQL: the site's
database, one schema per body (``register_body_<id>``), reached through ``search_path``.
Connections are cached per thread and body, because opening a register runs its migrations.
"""

from __future__ import annotations

import threading
from datetime import date
from urllib.parse import quote, urlencode

from django.conf import settings

from gongkai.register import Register
from gongkai.register.settings import load_settings
from gongkai.web.sql import create_schema

_local = threading.local()


def today() -> date:
    """Today in the site's time zone (Asia/Shanghai), or the fixed GONGKAI_TODAY."""
    from django.utils import timezone

    return date.fromisoformat(settings.TODAY) if settings.TODAY else timezone.localdate()


def register_url(body_id: int) -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        schema = f"register_body_{int(body_id)}"
        create_schema(schema)
        # user and password in the authority part, so messages can hide the password
        auth = quote(db["USER"], safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
        params = {"host": db["HOST"], "port": db["PORT"],
                  **{k: v for k, v in db.get("OPTIONS", {}).items() if k != "options"},
                  "options": f"-csearch_path={schema}"}
        return (f"postgresql://{auth + '@' if auth else ''}/{quote(db['NAME'], safe='')}?"
                + urlencode({k: v for k, v in params.items() if v}))
    path = settings.REGISTER_DIR / f"body-{int(body_id)}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


def open_register(body) -> Register:
    cache = getattr(_local, "registers", None)
    if cache is None:
        cache = _local.registers = {}
    reg = cache.get(body.pk)
    if reg is None:
        reg = Register(register_url(body.pk), today=today)
        cache[body.pk] = reg
    reg.settings = load_settings().replace(agency=body.name)
    return reg


def close_all() -> None:
    for reg in getattr(_local, "registers", {}).values():
        reg.close()
    _local.registers = {}
