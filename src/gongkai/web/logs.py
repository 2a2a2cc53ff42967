"""What the web app's libraries log to the server's terminal, in Chinese.

django-axes (登录保护) logs a wrong password and a lockout at WARNING — in English, with the
account and address masked (``{username: "****", ip_address: "****", …}``), so the line says no
more than that it happened.  ``AxesInChinese`` (a filter on the handler settings.LOGGING gives
the ``axes`` logger) says those in Chinese and points to the admin page that names the account
and address.  Its INFO lines (a success, the cleaning of expired attempts — "Cleaned up …
expired access attempts") are routine and stay quiet: the ``axes`` logger is set to WARNING.  A
line this table does not know is passed on as written, never dropped.
"""

from __future__ import annotations

import logging

WHERE = "详见管理页面“登录保护”"

_SAID = {
    "AXES: New login failure by %s. Created new record in the database.": "gongkai：登录失败，已记录；" + WHERE,
    "AXES: Repeated login failure by %s. Updated existing record in the database.":
        "gongkai：再次登录失败，已记录；" + WHERE,
    "AXES: Locking out %s after repeated login failures.":
        "gongkai：同一账户或同一地址多次登录失败，已暂停其登录{minutes}；" + WHERE + "（可在那里解除）",
}


def _cool_off() -> str:
    from django.conf import settings

    hours = getattr(settings, "AXES_COOLOFF_TIME", None)
    return f" {round(float(hours) * 60)} 分钟" if isinstance(hours, int | float) else ""


class AxesInChinese(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        said = _SAID.get(record.msg) if isinstance(record.msg, str) else None
        if said is not None:
            record.msg, record.args = said.replace("{minutes}", _cool_off()), ()
        return True
