"""The Art. 26 clock: publish within 20 working days of being made or changed.

Every expected date below was counted by hand on the calendar of the State Council notices
(2025: 国办发明电〔2024〕12号; 2026: the notice of 2025-11-04), listed in dependencies.md §6:
make-up working days (调休上班) 2025: 1/26, 2/8, 4/27, 9/28, 10/11; 2026: 1/4, 2/14, 2/28, 5/9,
9/20, 10/10.  Holidays used: 2025 春节 1/28–2/4, 国庆中秋 10/1–10/8; 2026 元旦 1/1–1/3,
春节 2/15–2/23, 劳动节 5/1–5/5.  The day made is not counted (民法典 Art. 201).
"""

from datetime import date

import pytest

from gongkai.errors import GongkaiError
from gongkai.log.store import DisclosureLog, NewItem, Review, obligations
from gongkai.workdays import add_notice
from gongkai.workdays.calendar import statutory_holidays


def signed(title: str, made: date, kind: str = "other", **kw) -> NewItem:
    return NewItem(title, kind, made, reviews=[Review("draft", "张三", made), Review("check", "李四", made),
                                               Review("sign", "王五", made)], **kw)


# (made, due) — the count for each is written out in the comment.
HAND_COUNTED = [
    # 2025 春节: 1/21(1) 22(2) 23(3) 24(4) 1/26 Sun 调休(5) 1/27(6), 1/28–2/4 off, 2/5(7) 2/6(8) 2/7(9)
    # 2/8 Sat 调休(10) 2/10–2/14 (11–15) 2/17–2/21 (16–20).  A weekday-only count would say 2/17.
    (date(2025, 1, 20), date(2025, 2, 21)),
    # 2026 春节: 1/27–1/30 (1–4) 2/2–2/6 (5–9) 2/9–2/13 (10–14) 2/14 Sat 调休(15), 2/15–2/23 off,
    # 2/24–2/27 (16–19) 2/28 Sat 调休(20): the deadline falls on a Saturday that is a working day.
    (date(2026, 1, 26), date(2026, 2, 28)),
    # 2025 国庆中秋: 9/23–9/26 (1–4) 9/28 Sun 调休(5) 9/29(6) 9/30(7), 10/1–10/8 off, 10/9(8) 10/10(9)
    # 10/11 Sat 调休(10) 10/13–10/17 (11–15) 10/20–10/24 (16–20).
    (date(2025, 9, 22), date(2025, 10, 24)),
    # Made on a holiday (10/1): 10/2–10/8 off, 10/9(1) 10/10(2) 10/11 Sat 调休(3) 10/13–10/17 (4–8)
    # 10/20–10/24 (9–13) 10/27–10/31 (14–18) 11/3(19) 11/4(20).
    (date(2025, 10, 1), date(2025, 11, 4)),
    # Across the year: 12/16–12/19 (1–4) 12/22–12/26 (5–9) 12/29–12/31 (10–12), 2026-1/1–1/3 off,
    # 1/4 Sun 调休(13) 1/5–1/9 (14–18) 1/12(19) 1/13(20).
    (date(2025, 12, 15), date(2026, 1, 13)),
    # 2026 劳动节: 4/21–4/24 (1–4) 4/27–4/30 (5–8), 5/1–5/5 off, 5/6(9) 5/7(10) 5/8(11) 5/9 Sat 调休(12)
    # 5/11–5/15 (13–17) 5/18(18) 5/19(19) 5/20(20).
    (date(2026, 4, 20), date(2026, 5, 20)),
]


@pytest.mark.parametrize("made,due", HAND_COUNTED)
def test_deadline_across_holidays_and_make_up_days(log, made, due):
    ref = log.add(signed("通知", made), "clerk")
    [ob] = obligations(log.get(ref), log.calendar, made)
    assert (ob.start, ob.reason, ob.due, ob.assumed, ob.status) == (made, "形成", due, False, "pending")


def test_published_on_the_make_up_saturday_is_on_time_and_the_next_monday_is_late(log):
    a = log.add(signed("甲", date(2026, 1, 26)), "clerk")
    b = log.add(signed("乙", date(2026, 1, 26)), "clerk")
    log.publish(a, "政府网站", "通知公告", date(2026, 2, 28), "clerk")
    log.publish(b, "政府网站", "通知公告", date(2026, 3, 2), "clerk")
    [oa] = obligations(log.get(a), log.calendar, date(2026, 12, 31))
    [ob] = obligations(log.get(b), log.calendar, date(2026, 12, 31))
    assert (oa.status, oa.published_on, oa.late_workdays) == ("on_time", date(2026, 2, 28), 0)
    # 3/1 is a Sunday; 3/2 Monday is the first working day after the deadline.
    assert (ob.status, ob.published_on, ob.late_workdays) == ("late", date(2026, 3, 2), 1)


def test_due_and_overdue_as_of_a_day(log):
    ref = log.add(signed("丙", date(2025, 1, 20)), "clerk")
    item = log.get(ref)
    assert obligations(item, log.calendar, date(2025, 2, 21))[0].status == "pending"   # the last day
    over = obligations(item, log.calendar, date(2025, 2, 25))[0]
    assert (over.status, over.late_workdays) == ("overdue", 2)                      # 2/24, 2/25
    # A publication after the day asked about does not count yet.
    log.publish(ref, "政务新媒体", "", date(2025, 3, 3), "clerk")
    assert obligations(log.get(ref), log.calendar, date(2025, 2, 25))[0].status == "overdue"
    late = obligations(log.get(ref), log.calendar, date(2025, 3, 3))[0]
    assert (late.status, late.late_workdays) == ("late", 6)  # 2/24–2/28 and 3/3


def test_a_change_starts_a_new_clock(log):
    ref = log.add(signed("丁", date(2025, 1, 20)), "clerk")
    log.publish(ref, "政府网站", "通知公告", date(2025, 2, 10), "clerk")
    log.change(ref, date(2025, 9, 22), "修改第三条", "clerk")
    first, second = obligations(log.get(ref), log.calendar, date(2025, 10, 1))
    assert (first.status, first.published_on) == ("on_time", date(2025, 2, 10))
    # The publication of February does not satisfy the change of September.
    assert (second.reason, second.due, second.status, second.published_on) == ("变更", date(2025, 10, 24),
                                                                               "pending", None)
    log.publish(ref, "政府网站", "通知公告", date(2025, 10, 27), "clerk")
    second = obligations(log.get(ref), log.calendar, date(2025, 12, 31))[1]
    assert (second.status, second.late_workdays) == ("late", 1)


def test_obligations_list_by_due_date_and_since(log):
    a = log.add(signed("早", date(2025, 9, 22)), "clerk")
    b = log.add(signed("晚", date(2025, 1, 20)), "clerk")
    log.add(NewItem("依申请", "other", date(2025, 1, 20), "on_request", "涉及个人信息"), "clerk")
    obs = log.obligations(date(2025, 12, 1))
    assert [(o.item.ref, o.due, o.status) for o in obs] == [(b, date(2025, 2, 21), "overdue"),
                                                            (a, date(2025, 10, 24), "overdue")]
    assert [o.item.ref for o in log.obligations(date(2025, 12, 1), since=date(2025, 6, 1))] == [a]


def test_items_not_proactively_disclosed_have_no_clock(log):
    ref = log.add(NewItem("内部", "other", date(2025, 3, 3), "withheld", "属于内部事务信息"), "clerk")
    assert obligations(log.get(ref), log.calendar, date(2026, 1, 1)) == []
    with pytest.raises(GongkaiError, match="不予公开.*不能登记主动公开"):
        log.publish(ref, "政府网站", "通知公告", date(2025, 3, 4), "clerk")


def test_repealed_before_publication_lapses(log):
    ref = log.add(signed("戊", date(2025, 3, 3)), "clerk")
    log.end(ref, "repealed", date(2025, 3, 10), "clerk")
    [ob] = obligations(log.get(ref), log.calendar, date(2025, 12, 31))
    assert ob.status == "lapsed"


def test_a_year_entered_in_the_database_calendar_is_used_and_unknown_years_are_marked(tmp_path, db_url):
    # 2027 is past chinesecalendar 1.11.0.  Without a notice the weekend and the statutory holidays
    # are assumed and said so: 12/22–12/24 (1–3) 12/25(4) 12/28–12/31 (5–8), 2027: 1/1 元旦 off by
    # rule, 1/4–1/8 (9–13) 1/11–1/15 (14–18) 1/18 (19) 1/19 (20).
    made = date(2026, 12, 21)
    with DisclosureLog(db_url, today=made, create=True) as lg:     # nothing is recorded before its day
        ref = lg.add(signed("己", made), "clerk")
        [ob] = obligations(lg.get(ref), lg.calendar, made)
        assert (ob.due, ob.assumed) == (date(2027, 1, 19), True)
        # A (hypothetical) notice making 1/1 and 1/4 holidays, entered in the database: one more day, certain.
        add_notice(lg.db, 2027, set(statutory_holidays(2027)) | {date(2027, 1, 4)}, set(), "测试通知", "管理员")
    with DisclosureLog(db_url, today=made, create=True) as lg:
        [ob] = obligations(lg.get(ref), lg.calendar, made)
        assert (ob.due, ob.assumed) == (date(2027, 1, 20), False)


def test_adjusting_the_attribute_to_active_starts_the_clock(log):
    ref = log.add(NewItem("名单", "other", date(2025, 9, 22), "on_request", "涉及第三方",
                          reviews=signed("x", date(2025, 9, 22)).reviews), "clerk")
    assert obligations(log.get(ref), log.calendar, date(2025, 12, 31)) == []
    with pytest.raises(GongkaiError, match="不能登记主动公开"):
        log.publish(ref, "公开栏", "", date(2025, 9, 30), "clerk")
    item = log.set_attribute(ref, "active", "", date(2025, 10, 1), "clerk")
    assert [(a.old_attribute, a.old_reason, a.attribute) for a in item.attribute_changes] == [
        ("on_request", "涉及第三方", "active")]
    [ob] = obligations(item, log.calendar, date(2025, 10, 2))
    # From 10/1 (国庆): 10/9 is the first working day after it and 11/4 the twentieth (see above).
    assert (ob.reason, ob.start, ob.due, ob.status) == ("属性调整", date(2025, 10, 1), date(2025, 11, 4), "pending")
    log.publish(ref, "公开栏", "", date(2025, 11, 4), "clerk")
    assert obligations(log.get(ref), log.calendar, date(2025, 12, 31))[0].status == "on_time"


def test_adjusting_away_from_active_withdraws_an_unpublished_duty(log):
    ref = log.add(signed("草案", date(2025, 1, 20)), "clerk")
    log.set_attribute(ref, "withheld", "属于过程性信息（条例第十六条）", date(2025, 2, 3), "clerk")
    item = log.get(ref)
    assert obligations(item, log.calendar, date(2025, 2, 1))[0].status == "pending"
    assert obligations(item, log.calendar, date(2025, 3, 1))[0].status == "withdrawn"
    with pytest.raises(GongkaiError, match="须写明理由"):
        log.set_attribute(ref, "on_request", "", date(2025, 2, 4), "clerk")
    with pytest.raises(GongkaiError, match="早于上一次调整"):
        log.set_attribute(ref, "active", "", date(2025, 2, 2), "clerk")
    with pytest.raises(GongkaiError, match="已经是“不予公开”"):
        log.set_attribute(ref, "withheld", "x", date(2025, 2, 5), "clerk")
    doc = log.add(NewItem("办法", "normative_docs", date(2025, 1, 2)), "clerk")
    with pytest.raises(GongkaiError, match="行政规范性文件应当主动公开"):
        log.set_attribute(doc, "withheld", "x", date(2025, 2, 5), "clerk")
