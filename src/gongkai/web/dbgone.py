"""Whether an exception a request met means that a database cannot be reached now — PostgreSQL
down, restarting or shutting down, a connection it dropped, SQLite held by another process — rather
than a bad statement.  The web answers such a request 503 with Retry-After (web/errors.py), never a
500, whichever layer met it (a middleware, a view, the front), and logs it in one line without a
traceback (web/logs.py)."""

from __future__ import annotations

import sqlite3

from django.db import DatabaseError, InterfaceError, OperationalError

from gongkai.db import DatabaseUnavailable

# SQLSTATEs of a server going away: admin_shutdown ("terminating connection due to administrator
# command"), crash_shutdown, cannot_connect_now ("the database system is shutting down" / "is
# starting up"); besides the whole class 08, connection exceptions.
_GONE_STATES = ("57P01", "57P02", "57P03")


def kind(exc: BaseException | None) -> str | None:
    """"register" (a register's database: gongkai.db said it), "lost" (the site's PostgreSQL
    cannot be reached), "locked" (the site's SQLite held by another process), or None."""
    if isinstance(exc, DatabaseUnavailable):
        return "register"
    if not isinstance(exc, DatabaseError):
        return None
    if isinstance(exc, InterfaceError):   # a connection already closed
        return "lost"
    if not isinstance(exc, OperationalError):
        return None
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return "locked" if "database is locked" in str(cause) else None
    state = getattr(cause, "sqlstate", None)
    if state is not None:
        return "lost" if state.startswith("08") or state in _GONE_STATES else None
    # psycopg's own errors carry no SQLSTATE: a connection that could not be made or broke
    # ("connection is bad", "server closed the connection unexpectedly", a connect timeout)
    if cause is not None and type(cause).__module__.split(".")[0] == "psycopg":
        return "lost"
    return "lost" if _connection_gone() else None


def _connection_gone() -> bool:
    """Django's own view: the site's connection is missing or broken (an error raised without the
    driver's as its cause)."""
    from django.db import connection

    conn = connection.connection
    return conn is None or bool(getattr(conn, "broken", False)) or bool(getattr(conn, "closed", False))
