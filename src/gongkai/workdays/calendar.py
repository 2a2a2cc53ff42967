"""Working days (工作日) for statutory deadlines.

chinesecalendar supplies the State Council's holiday arrangements for the years it knows; the
project's override table (``data/workdays.yaml``) and the notices entered in the database
(:mod:`gongkai.workdays.store`) supply new years and win where they speak.  Past the last known
year a day is judged by the weekend and the national holidays fixed by rule (《全国年节及纪念日放假
办法》: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆 — but not the 调休 a notice adds), and the answer is
marked *assumed* (推算), so no deadline is stated as certain when it is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

import chinese_calendar
import yaml

from gongkai.errors import GongkaiError

WEEKDAYS_ZH = "一二三四五六日"
UNKNOWN = "未知（按周末推算）"
# How an assumed day was judged, for every message that marks a deadline 推算.
ASSUMED_BASIS = "按周末和《全国年节及纪念日放假办法》规定的节日推算（调休和补假以国务院办公厅通知为准）"


@dataclass(frozen=True)
class YearNotice:
    """One year's holiday arrangement: days off on weekdays and 调休 working weekend days."""

    year: int
    notice: str
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


@dataclass(frozen=True)
class DayInfo:
    day: date
    workday: bool
    kind: str      # 工作日 | 周末 | 节假日 | 调休上班 | 未知（按周末推算） | 节假日（推算：元旦）…
    assumed: bool  # true when the year's calendar is not known


@dataclass
class Calendar:
    library_years: tuple[int, int]
    overrides: dict[int, YearNotice] = field(default_factory=dict)
    _cache: dict[date, DayInfo] = field(default_factory=dict, repr=False)

    # -- knowledge ---------------------------------------------------------------------
    @property
    def known_years(self) -> list[int]:
        lo, hi = self.library_years
        return sorted(set(range(lo, hi + 1)) | set(self.overrides))

    @property
    def last_known_day(self) -> date:
        """The last day of the contiguous run of known years starting at the library's first."""
        year = self.library_years[0]
        known = set(self.known_years)
        while year + 1 in known:
            year += 1
        return date(year, 12, 31)

    def with_notices(self, notices: dict[int, YearNotice]) -> Calendar:
        """This calendar with later notices added (a year's notice replaces the year)."""
        return Calendar(self.library_years, {**self.overrides, **notices})

    # -- one day -----------------------------------------------------------------------
    def info(self, day: date) -> DayInfo:
        hit = self._cache.get(day)
        if hit is None:
            hit = self._cache[day] = self._judge(day)
        return hit

    def _judge(self, day: date) -> DayInfo:
        weekend = day.weekday() >= 5
        notice = self.overrides.get(day.year)
        if notice is not None:
            if day in notice.workdays:
                return DayInfo(day, True, "调休上班", False)
            if day in notice.holidays:
                return DayInfo(day, False, "节假日", False)
            return DayInfo(day, not weekend, "周末" if weekend else "工作日", False)
        lo, hi = self.library_years
        if lo <= day.year <= hi:
            try:
                work = chinese_calendar.is_workday(day)
            except NotImplementedError:  # the library is older than the pin says
                return _estimated(day)
            if work:
                return DayInfo(day, True, "调休上班" if weekend else "工作日", False)
            return DayInfo(day, False, "节假日" if _is_named_holiday(day) else "周末", False)
        return _estimated(day)

    def is_workday(self, day: date) -> bool:
        return self.info(day).workday

    # -- counting ----------------------------------------------------------------------
    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day after ``start`` (start itself not counted, 民法典 Art. 201),
        and whether any day on the way had to be assumed."""
        day, counted, assumed = start, 0, False
        while counted < n:
            day += timedelta(days=1)
            info = self.info(day)
            assumed |= info.assumed
            counted += info.workday
        return day, assumed

    def any_assumed(self, start: date, end: date) -> bool:
        """Whether any day in (start, end] has to be judged without a known arrangement."""
        return end > start and end > self.last_known_day and any(
            self.info(start + timedelta(days=i)).assumed for i in range(1, (end - start).days + 1))

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]."""
        return sum(self.is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def _estimated(day: date) -> DayInfo:
    """A day of a year without a known arrangement: a national holiday by rule is a day off, any
    other day is judged by the weekend — assumed either way."""
    name = statutory_holidays(day.year).get(day)
    if name:
        return DayInfo(day, False, f"节假日（推算：{name}）", True)
    return DayInfo(day, day.weekday() < 5, UNKNOWN, True)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, str]:
    """The days off that 《全国年节及纪念日放假办法》 itself fixes in ``year`` (day -> festival), as
    declared in data/workdays.yaml; empty for a year before the rule the table states."""
    rule = _shipped_data().get("statutory_holidays") or {}
    if year < int(rule.get("since", 9999)) or not 1901 <= year <= 2099:
        return {}
    out: dict[date, str] = {}
    for entry in rule.get("days", []):
        first = _festival_day(year, entry) + timedelta(days=int(entry.get("offset", 0)))
        for i in range(int(entry.get("days", 1))):
            out[first + timedelta(days=i)] = str(entry["name"])
    return out


def _festival_day(year: int, entry: dict) -> date:
    if "solar" in entry:
        month, day = (int(x) for x in str(entry["solar"]).split("-"))
        return date(year, month, day)
    if "lunar" in entry:
        from lunar_python import Lunar  # only for years without a notice

        month, day = (int(x) for x in str(entry["lunar"]).split("-"))
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())
    term = str(entry["term"])
    hits = [d for d, name in chinese_calendar.get_solar_terms(date(year, 1, 1), date(year, 12, 31)) if name == term]
    if not hits:
        raise GongkaiError(f"节气“{term}”无法识别", "gongkai/workdays/data/workdays.yaml")
    return hits[0]


def _is_named_holiday(day: date) -> bool:
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return bool(on_holiday and name)


# -- the override table ------------------------------------------------------------------
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.|～|~|至)\s*(\d{4}-\d{2}-\d{2})\s*$")


def parse_days(items: Iterable[object], source: str, place: str) -> set[date]:
    """Dates and ranges ``2027-02-06..2027-02-13`` as written in the table or on the CLI."""
    days: set[date] = set()
    for item in items:
        if isinstance(item, date):
            days.add(item)
            continue
        text = str(item).strip()
        try:
            m = _RANGE.match(text)
            if m:
                a, b = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
                if b < a:
                    raise ValueError
                days.update(a + timedelta(days=i) for i in range((b - a).days + 1))
            else:
                days.add(date.fromisoformat(text))
        except ValueError:
            raise GongkaiError(f"无法识别的日期“{text}”（应为 2027-01-01 或 2027-02-06..2027-02-13）",
                               source, place) from None
    return days


def days_from_text(text: str, source: str, place: str) -> set[date]:
    """Days as typed on the command line or in a form: dates and ranges separated by commas
    (half- or full-width), semicolons, spaces or new lines."""
    joined = re.sub(r"\s*(?:\.\.|～|~|至)\s*", "..", text or "")   # a range typed with spaces stays one
    return parse_days([t for t in re.split(r"[,，;；、\s]+", joined) if t], source, place)


def notice_from(year: int, entry: dict, source: str) -> YearNotice:
    """One year's notice from its table entry, checked (dates in the year, no day both ways)."""
    place = f"{year}年"
    if not isinstance(entry, dict):
        raise GongkaiError("每一年应包含 notice、holidays、workdays", source, place)
    holidays = parse_days(entry.get("holidays") or [], source, place + " holidays")
    workdays = parse_days(entry.get("workdays") or [], source, place + " workdays")
    wrong = sorted(d for d in holidays | workdays if d.year != year)
    if wrong:
        raise GongkaiError(f"日期 {wrong[0].isoformat()} 不属于 {year} 年", source, place)
    both = sorted(holidays & workdays)
    if both:
        raise GongkaiError(f"{both[0].isoformat()} 不能既是节假日又是调休上班日", source, place)
    weekday_work = sorted(d for d in workdays if d.weekday() < 5)
    if weekday_work:
        raise GongkaiError(f"调休上班日 {weekday_work[0].isoformat()} 本来就是工作日（周一至周五）",
                           source, place)
    return YearNotice(year, str(entry.get("notice") or ""), frozenset(holidays), frozenset(workdays), source)


def statutory_missing(year: int, holidays: set[date], workdays: set[date]) -> str:
    """What a year's notice as entered leaves out of the days off that 《全国年节及纪念日放假办法》
    itself fixes (a weekday not among its holidays, or any such day made a 调休 workday), in words;
    "" when nothing.  Every notice gives those days off, so a gap is a mistake of entry."""
    gaps: dict[str, list[list[date]]] = {}   # festival -> runs of days
    for day, name in sorted(statutory_holidays(year).items()):
        if day in workdays or (day.weekday() < 5 and day not in holidays):
            runs = gaps.setdefault(name, [])
            if runs and (day - runs[-1][-1]).days == 1:
                runs[-1].append(day)
            else:
                runs.append([day])
    return "；".join(name + " " + "、".join(r[0].isoformat() + (f" 至 {r[-1].isoformat()}" if len(r) > 1 else "")
                                           for r in runs) for name, runs in gaps.items())


def read_table(data: dict, source: str) -> dict[int, YearNotice]:
    years = (data or {}).get("years") or {}
    if not isinstance(years, dict):
        raise GongkaiError("years 应为“年份: 安排”的形式", source)
    out = {}
    for key, entry in years.items():
        try:
            year = int(key)
        except (TypeError, ValueError):
            raise GongkaiError(f"年份“{key}”不是数字", source) from None
        out[year] = notice_from(year, entry, source)
    return out


@lru_cache(maxsize=1)
def _shipped_data() -> dict:
    text = resources.files(__package__).joinpath("data", "workdays.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def shipped_calendar() -> Calendar:
    """chinesecalendar and the project's own override table, without any notice entered later."""
    shipped = _shipped_data()
    lo, hi = shipped["library_years"]
    return Calendar((lo, hi), read_table(shipped, "gongkai/workdays/data/workdays.yaml"))


def shipped_difference(notice: YearNotice) -> str | None:
    """How an office's notice differs from the arrangement this release of gongkai ships for the
    same year (chinesecalendar or data/workdays.yaml), day by day in words: None when gongkai
    ships nothing for the year, "" when they agree.  Two offices on separate databases each count
    on what they entered; comparing each with the shipped one is what shows a mistyped day.
    The office's entry still rules (it is the notice the office holds)."""
    shipped = shipped_calendar()
    first = date(notice.year, 1, 1)
    if notice.year not in shipped.known_years or shipped.info(first).assumed:
        return None
    return _difference(shipped, Calendar(shipped.library_years, {notice.year: notice}), notice.year,
                       "随附安排", "录入的安排")


def notices_difference(a: YearNotice, b: YearNotice, a_name: str, b_name: str) -> str:
    """How two notices entered for the same year differ, day by day in words ("" when they agree)."""
    years = shipped_calendar().library_years
    return _difference(Calendar(years, {a.year: a}), Calendar(years, {b.year: b}), a.year, a_name, b_name)


def _difference(a: Calendar, b: Calendar, year: int, a_name: str, b_name: str) -> str:
    first = date(year, 1, 1)
    days = [first + timedelta(days=i) for i in range((date(year, 12, 31) - first).days + 1)]
    off = [d for d in days if not a.is_workday(d) and b.is_workday(d)]
    work = [d for d in days if a.is_workday(d) and not b.is_workday(d)]
    parts = ([f"{a_name}放假、{b_name}上班：{_runs(off)}"] if off else []) + (
        [f"{a_name}上班、{b_name}放假：{_runs(work)}"] if work else [])
    return "；".join(parts)


def shipped_source(year: int) -> str:
    """What gongkai ships for ``year``, as the calendar messages name it."""
    own = shipped_calendar().overrides.get(year)
    return own.notice or "项目节假日表" if own else "chinesecalendar 数据"


def shipped_years() -> str:
    """The years this installation knows without any notice entered — chinesecalendar's and the
    project's own table's (data/workdays.yaml), which a release may carry past the library — as
    2004–2027, or 2004–2026、2028 with a gap."""
    runs: list[list[int]] = []
    for year in shipped_calendar().known_years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return "、".join(str(r[0]) + (f"–{r[-1]}" if len(r) > 1 else "") for r in runs)


def _runs(days: list[date]) -> str:
    """Sorted days as 2027-02-05 至 2027-02-08、2027-02-20."""
    runs: list[list[date]] = []
    for d in days:
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return "、".join(r[0].isoformat() + (f" 至 {r[-1].isoformat()}" if len(r) > 1 else "") for r in runs)


def shipped_note(notice: YearNotice) -> str:
    """The sentence the calendar list and page say of an entered notice beside what gongkai ships
    for its year; "" when gongkai ships nothing for it."""
    diff = shipped_difference(notice)
    if diff is None:
        return ""
    shipped = f"gongkai 随附的 {notice.year} 年安排（{shipped_source(notice.year)}）"
    if not diff:
        return f"与 {shipped}一致"
    return f"与 {shipped}不同：{diff}。期限仍按录入的安排计算，请核对国务院办公厅通知，录入有误时更正"
