"""What the web app's libraries log to the server's terminal, in Chinese.

django-axes (登录保护) logs a wrong password and a lockout at WARNING — in English, with the
account and address masked (``{username: "****", ip_address: "****", …}``), so the line says no
more than that it happened.  ``AxesInChinese`` (a filter on the handler settings.LOGGING gives
the ``axes`` logger) says those in Chinese and points to the admin page that names the account
and address.  Its INFO lines (a success, the cleaning of expired attempts — "Cleaned up …
expired access attempts") are routine and stay quiet: the ``axes`` logger is set to WARNING.  A
line this table does not know is passed on as written, never dropped.

An attempt made while the account or address is locked is refused by axes' backend before any
password is checked, yet axes logs it as one more failure ("Repeated login failure", then
"Locking out" again: with AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT, its default, the
attempt is recorded and the pause counts again from it).  ``web/loginguard.AxesBackend`` notes
that refusal (``note_refusal``) for the filter, which says it as one line of its own — refused
because locked, not a wrong password — and leaves out the repeated lockout line it already says.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from gongkai.web import dbgone

WHERE = "详见管理页面“登录保护”"
_FAILED = ("AXES: New login failure by %s. Created new record in the database.",
           "AXES: Repeated login failure by %s. Updated existing record in the database.")
_LOCKING = "AXES: Locking out %s after repeated login failures."
REFUSED = ("gongkai：登录被拒绝：该账户或地址正暂停登录（多次登录失败），未核对密码；"
           "暂停{minutes}自这次尝试起重新计算；" + WHERE + "（可在那里解除）")
# Whether the login attempt being handled in this thread was refused because it was locked out:
# set by loginguard.AxesBackend for every attempt, read by the filter while axes logs that attempt.
_REFUSED_LOCKED: ContextVar[bool] = ContextVar("gongkai_login_refused_locked", default=False)

_SAID = {
    _FAILED[0]: "gongkai：登录失败，已记录；" + WHERE,
    _FAILED[1]: "gongkai：再次登录失败，已记录；" + WHERE,
    _LOCKING: "gongkai：同一账户或同一地址多次登录失败，已暂停其登录{minutes}；" + WHERE + "（可在那里解除）",
}


def _cool_off() -> str:
    from django.conf import settings

    hours = getattr(settings, "AXES_COOLOFF_TIME", None)
    return f" {round(float(hours) * 60)} 分钟" if isinstance(hours, int | float) else ""


class AxesInChinese(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.msg if isinstance(record.msg, str) else None
        if msg in (*_FAILED, _LOCKING) and _REFUSED_LOCKED.get():
            if msg == _LOCKING:
                return False   # the refusal's own line already says the account or address is paused
            said: str | None = REFUSED
        else:
            said = _SAID.get(msg) if msg is not None else None
        if said is not None:
            record.msg, record.args = said.replace("{minutes}", _cool_off()), ()
        return True


def note_refusal(refused: bool) -> None:
    """Whether the login attempt now handled in this thread was refused because locked out."""
    _REFUSED_LOCKED.set(refused)


class DatabaseGoneInOneLine(logging.Filter):
    """A request answered 503 because a database could not be reached (web/dbgone.py: PostgreSQL
    restarting, SQLite held by another process) is logged by Django with the exception's traceback
    when a middleware met it — some sixty lines a request while PostgreSQL restarts, read as a
    crash.  The line stays ("Service Unavailable: /path", after web/errors.py's warning naming the
    reason); the traceback goes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and dbgone.kind(record.exc_info[1]) is not None:
            record.exc_info, record.exc_text = None, None
        return True
