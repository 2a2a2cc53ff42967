"""The working-day calendar (工作日) that every statutory deadline is counted on: the State
Council's holiday arrangements from chinesecalendar, the project's table, and the notices an
office enters in its database."""

from gongkai.workdays.calendar import (
    WEEKDAYS_ZH,
    Calendar,
    DayInfo,
    YearNotice,
    notice_from,
    parse_days,
    read_table,
    shipped_calendar,
)
from gongkai.workdays.store import NoticeEntry, add_notice, entries, load_calendar, notices

__all__ = ["WEEKDAYS_ZH", "Calendar", "DayInfo", "YearNotice", "NoticeEntry", "notice_from", "parse_days",
           "read_table", "shipped_calendar", "add_notice", "entries", "load_calendar", "notices"]
