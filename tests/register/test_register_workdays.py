"""The working-day calendar: chinesecalendar against the 2025/2026 notices typed in by hand,
the override table, and the refusal to state a deadline past the last known calendar."""

from datetime import date, timedelta

import chinese_calendar
import pytest

from gongkai.db import open_registers
from gongkai.errors import GongkaiError
from gongkai.workdays import Calendar, DayInfo, add_notice, entries, load_calendar, read_table
from gongkai.workdays.calendar import statutory_holidays

# 国办发明电〔2024〕12号 (2025) and the 2026 notice: weekday days off and weekend working days.
NOTICES = {
    2025: {
        "off": ["01-01", "01-28", "01-29", "01-30", "01-31", "02-03", "02-04", "04-04", "05-01", "05-02",
                "05-05", "06-02", "10-01", "10-02", "10-03", "10-06", "10-07", "10-08"],
        "work": ["01-26", "02-08", "04-27", "09-28", "10-11"],
    },
    2026: {
        "off": ["01-01", "01-02", "02-16", "02-17", "02-18", "02-19", "02-20", "02-23", "04-06", "05-01",
                "05-04", "05-05", "06-19", "09-25", "10-01", "10-02", "10-05", "10-06", "10-07"],
        "work": ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
    },
}


@pytest.mark.parametrize("year", [2025, 2026])
def test_library_agrees_with_the_notice_every_day(cal, year):
    off = {date.fromisoformat(f"{year}-{d}") for d in NOTICES[year]["off"]}
    work = {date.fromisoformat(f"{year}-{d}") for d in NOTICES[year]["work"]}
    day = date(year, 1, 1)
    while day.year == year:
        expected = (day.weekday() < 5 and day not in off) or day in work
        assert cal.is_workday(day) == expected, day
        day += timedelta(days=1)


def test_day_kinds(cal):
    assert cal.info(date(2025, 10, 11)).kind == "调休上班"
    assert cal.info(date(2025, 10, 4)).kind == "节假日"
    assert cal.info(date(2025, 9, 27)).kind == "周末"
    assert cal.info(date(2025, 9, 26)).kind == "工作日"


def test_twenty_working_days_lands_on_a_makeup_saturday(cal):
    # dependencies.md §6: 20 working days after 2026-01-26 is Saturday 2026-02-28 (调休).
    assert cal.add_workdays(date(2026, 1, 26), 20) == (date(2026, 2, 28), False)


def test_past_the_library_days_are_assumed(cal):
    assert cal.last_known_day == date(2026, 12, 31)
    # 元旦 is a day off by rule (《全国年节及纪念日放假办法》) but the year's notice is unknown: an estimate
    assert cal.info(date(2027, 1, 1)) == DayInfo(date(2027, 1, 1), False, "节假日（推算：元旦）", True)
    assert cal.info(date(2027, 1, 4)) == DayInfo(date(2027, 1, 4), True, "未知（按周末推算）", True)  # a Monday
    assert cal.info(date(2027, 1, 9)) == DayInfo(date(2027, 1, 9), False, "未知（按周末推算）", True)  # a Saturday
    day, assumed = cal.add_workdays(date(2026, 12, 21), 20)
    assert assumed and day == date(2027, 1, 19)


def test_the_national_holidays_of_a_year_without_a_notice_follow_the_rule():
    # 2027: 春节 is 除夕 (5 Feb) to 正月初三; 端午 and 中秋 by the lunar calendar, 清明 by the solar term
    assert sorted(statutory_holidays(2027).items()) == [
        (date(2027, 1, 1), "元旦"), (date(2027, 2, 5), "春节"), (date(2027, 2, 6), "春节"), (date(2027, 2, 7), "春节"),
        (date(2027, 2, 8), "春节"), (date(2027, 4, 5), "清明节"), (date(2027, 5, 1), "劳动节"),
        (date(2027, 5, 2), "劳动节"), (date(2027, 6, 9), "端午节"), (date(2027, 9, 15), "中秋节"),
        (date(2027, 10, 1), "国庆节"), (date(2027, 10, 2), "国庆节"), (date(2027, 10, 3), "国庆节")]
    # the rule reproduces every statutory day of the official 2025 and 2026 notices (in the library)
    for year in (2025, 2026):
        days = statutory_holidays(year)
        assert len(days) == 13 and not any(chinese_calendar.is_workday(d) for d in days)
    assert statutory_holidays(2024) == {}    # before the 2024 revision took effect: not estimated


# The days off 《全国年节及纪念日放假办法》 fixes in 2027: every notice of the year lists them.
LAW_2027 = set(statutory_holidays(2027))


def test_an_estimated_holiday_gives_way_to_the_notice(tmp_path):
    db = open_registers(str(tmp_path / "r.db"))
    add_notice(db, 2027, LAW_2027 | {date(2027, 1, 4)}, set(), "国办发明电〔2026〕测试号", "管理员")
    cal = load_calendar(db)
    assert cal.info(date(2027, 1, 4)) == DayInfo(date(2027, 1, 4), False, "节假日", False)
    assert cal.info(date(2027, 10, 1)) == DayInfo(date(2027, 10, 1), False, "节假日", False)
    assert cal.info(date(2027, 10, 4)).kind == "工作日"   # the notice speaks for its whole year
    assert cal.info(date(2028, 10, 1)) == DayInfo(date(2028, 10, 1), False, "节假日（推算：国庆节）", True)
    db.close()


def test_administrator_adds_a_year_every_user_of_the_database_sees_it(tmp_path):
    db = open_registers(str(tmp_path / "office.db"))
    add_notice(db, 2027, LAW_2027, {date(2027, 2, 13)}, "国办发明电〔2026〕测试号", "管理员")
    cal = load_calendar(open_registers(str(tmp_path / "office.db")))   # another connection: another clerk
    assert cal.last_known_day == date(2027, 12, 31)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.info(date(2027, 2, 13)).kind == "调休上班"
    assert cal.overrides[2027].notice == "国办发明电〔2026〕测试号"
    # Dec 22–25 (4), Dec 28–31 (8), Jan 1 off, Jan 4–8 (13), 11–15 (18), 18 (19), 19 (20)
    assert cal.add_workdays(date(2026, 12, 21), 20) == (date(2027, 1, 19), False)
    # Entered again (a corrected notice): the latest entry is in force, the first one is kept.
    with pytest.raises(GongkaiError, match="再次录入即为更正，请写明更正理由"):   # why, besides who and when
        add_notice(db, 2027, LAW_2027 | {date(2027, 1, 4)}, set(), "国办发明电〔2026〕更正", "管理员")
    add_notice(db, 2027, LAW_2027 | {date(2027, 1, 4)}, set(), "国办发明电〔2026〕更正", "管理员", "漏录1月4日")
    assert [(e.notice.notice, e.reason) for e in entries(db)] == [("国办发明电〔2026〕测试号", ""),
                                                                  ("国办发明电〔2026〕更正", "漏录1月4日")]
    assert load_calendar(db).overrides[2027].holidays == LAW_2027 | {date(2027, 1, 4)}
    with pytest.raises(Exception, match="append-only"):
        with db.transaction():
            db.execute("UPDATE workday_notices SET notice = 'x'")
    with pytest.raises(Exception, match="append-only"):
        with db.transaction():
            db.execute("DELETE FROM workday_notices")


def test_bad_notices_are_refused(tmp_path):
    db = open_registers(str(tmp_path / "office.db"))
    with pytest.raises(GongkaiError, match="本来就是工作日"):
        add_notice(db, 2027, set(), {date(2027, 2, 8)}, "x", "管理员")  # a Monday
    with pytest.raises(GongkaiError, match="不属于 2027 年"):
        add_notice(db, 2027, {date(2026, 5, 1)}, set(), "x", "管理员")
    with pytest.raises(GongkaiError, match="不能既是节假日又是调休上班日"):
        add_notice(db, 2027, {date(2027, 2, 6)}, {date(2027, 2, 6)}, "x", "管理员")
    # a notice typed without a day the law itself gives off (a weekday left out, or made a 调休
    # workday) is a mistake of entry: refused, naming the days; a weekend one may be left out
    with pytest.raises(GongkaiError) as err:
        add_notice(db, 2027, LAW_2027 - {date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8),
                                         date(2027, 5, 1), date(2027, 10, 1)}, {date(2027, 5, 1)}, "x", "管理员")
    assert str(err.value) == ("节假日安排：2027年：放假日期中缺少《全国年节及纪念日放假办法》规定的节日：春节 2027-02-05、"
                              "2027-02-08；劳动节 2027-05-01；国庆节 2027-10-01。国务院办公厅的通知都包含这些日期，"
                              "请按通知核对后重新录入（落在周末的可以不列）")
    assert entries(db) == []
    add_notice(db, 2027, LAW_2027 - {date(2027, 2, 6), date(2027, 2, 7)}, set(), "x", "管理员")   # Sat, Sun
    with pytest.raises(GongkaiError, match="无法识别的日期") as err:
        read_table({"years": {2027: {"holidays": ["2027-13-01"]}}}, "workdays.yaml")
    assert "workdays.yaml" in str(err.value)


def test_ranges_in_the_table():
    notices = read_table({"years": {2027: {"notice": "x", "holidays": ["2027-02-06..2027-02-12"],
                                           "workdays": ["2027-02-14"]}}}, "workdays.yaml")
    cal = load_calendar().with_notices(notices)
    assert isinstance(cal, Calendar)
    assert [cal.is_workday(date(2027, 2, d)) for d in range(5, 16)] == [
        True, False, False, False, False, False, False, False, False, True, True]
