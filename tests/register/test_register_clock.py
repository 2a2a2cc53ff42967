"""Deadlines against hand-computed cases (2025/2026 notices; dependencies.md §6 lists the 调休
days).  Each expected date was counted by hand in the comment next to it."""

from datetime import date

import pytest

from gongkai.register.clock import Event, compute_clock, receipt_date
from gongkai.workdays import load_calendar, read_table


def due(cal, settings, received, *events):
    return compute_clock(received, [Event(k, d, data, id=i) for i, (k, d, data) in enumerate(events, 1)],
                         cal, settings)


def test_national_day_2025_no_events(cal, settings):
    # Fri 26 Sep; 28 Sep (Sun) and 11 Oct (Sat) are working days, 1–8 Oct are not.
    c = due(cal, settings, date(2025, 9, 26))
    assert c.due == date(2025, 10, 30)
    assert not c.warnings and not c.assumed
    days = {d.day: d for d in c.ledger}
    assert days[date(2025, 9, 26)].count is None          # receipt day not counted
    assert days[date(2025, 9, 28)].count == 1 and days[date(2025, 9, 28)].kind == "调休上班"
    assert all(days[date(2025, 10, n)].count is None for n in range(1, 9))
    assert days[date(2025, 10, 11)].count == 6
    assert days[date(2025, 10, 30)].count == 20
    assert c.ledger[-1].day == date(2025, 10, 30)


def test_spring_festival_2025(cal, settings):
    # Wed 22 Jan: 23, 24, 26(调休), 27 → 4; 28 Jan–4 Feb off; 5, 6, 7, 8(调休) → 8;
    # 10–14 → 13; 17–21 → 18; 24, 25 → 20.
    assert due(cal, settings, date(2025, 1, 22)).due == date(2025, 2, 25)


def test_spring_festival_2026_ends_on_makeup_saturday(cal, settings):
    # Mon 26 Jan: 27–30 → 4; 2–6 Feb → 9; 9–13 → 14; 14 (Sat 调休) → 15; 15–23 off;
    # 24–27 → 19; 28 (Sat 调休) → 20.
    assert due(cal, settings, date(2026, 1, 26)).due == date(2026, 2, 28)


def test_extension_counts_on_from_the_original_due_date(cal, settings):
    # due 30 Oct 2025; +20: 31 Oct → 1; 3–7 Nov → 6; 10–14 → 11; 17–21 → 16; 24–27 → 20.
    c = due(cal, settings, date(2025, 9, 26), ("extended", date(2025, 10, 20), {"workdays": 20}))
    assert c.due == date(2025, 11, 27)
    assert c.limit == 40
    days = {d.day: d for d in c.ledger}
    assert days[date(2025, 10, 30)].count == 20 and "原答复期限" in days[date(2025, 10, 30)].why
    assert days[date(2025, 10, 20)].why.startswith("经政府信息公开工作机构负责人同意延期答复20个工作日")
    assert c.ledger[-1].day == date(2025, 11, 27) and c.ledger[-1].count == 40


def test_an_extension_without_its_days_gives_no_due_date(cal, settings):
    # the clock took a missing length as 20 (27 Nov above): a date from a guessed number
    from gongkai.errors import GongkaiError

    with pytest.raises(GongkaiError, match="^第1条“延期答复”没有登记延长的工作日数，无法计算答复期限$"):
        due(cal, settings, date(2025, 9, 26), ("extended", date(2025, 10, 20), {"reason": "档案多"}))


def test_national_day_2026_with_extension(cal, settings):
    # Fri 18 Sep 2026: 20 Sep (Sun 调休) → 1; 21–24 → 5; 25 Sep (中秋) off; 28–30 → 8;
    # 1–7 Oct off; 8, 9 → 10; 10 Oct (Sat 调休) → 11; 12–16 → 16; 19–22 → 20.
    assert due(cal, settings, date(2026, 9, 18)).due == date(2026, 10, 22)
    # +20: 23 Oct → 21; 26–30 → 26; 2–6 Nov → 31; 9–13 → 36; 16–19 → 40.
    c = due(cal, settings, date(2026, 9, 18), ("extended", date(2026, 10, 20), {"workdays": 20}))
    assert c.due == date(2026, 11, 19)


def test_correction_restarts_the_twenty_days(cal, settings):
    # Mon 22 Sep 2025; 补正 sent Wed 24 Sep (2nd working day); corrected request Tue 30 Sep.
    # From 30 Sep (not counted): 1–8 Oct off; 9, 10, 11(调休) → 3; 13–17 → 8; 20–24 → 13;
    # 27–31 → 18; 3 Nov → 19; 4 Nov → 20.
    c = due(cal, settings, date(2025, 9, 22),
            ("correction_requested", date(2025, 9, 24), {"until": "2025-10-20"}),
            ("corrected", date(2025, 9, 30), {}))
    assert c.due == date(2025, 11, 4)
    assert c.start == date(2025, 9, 30)
    assert not c.warnings
    days = {d.day: d for d in c.ledger}
    assert days[date(2025, 9, 23)].count == 1 and days[date(2025, 9, 24)].count == 2
    assert days[date(2025, 9, 25)].count is None and days[date(2025, 9, 25)].why == "待补正"
    assert "重新计算" in days[date(2025, 9, 30)].why


def test_awaiting_correction_has_no_due_date(cal, settings):
    c = due(cal, settings, date(2025, 9, 22), ("correction_requested", date(2025, 9, 24), {}))
    assert c.due is None and not c.running
    # default period: 15 working days after 24 Sep: 25, 26, 28(调休), 29, 30 → 5; 9, 10, 11 → 8;
    # 13–17 → 13; 20, 21 → 15.
    assert c.correction_until == date(2025, 10, 21)


def test_late_correction_notice_is_flagged(cal, settings):
    # Mon 3 Mar 2025: the 7th working day is Wed 12 Mar, the 8th Thu 13 Mar.
    ok = due(cal, settings, date(2025, 3, 3), ("correction_requested", date(2025, 3, 12), {}))
    late = due(cal, settings, date(2025, 3, 3), ("correction_requested", date(2025, 3, 13), {}))
    assert not ok.warnings
    assert any("第8个工作日" in w for w in late.warnings)


def test_consultation_pause_across_labour_day_and_dragon_boat(cal, settings):
    # Thu 24 Apr 2025: 25, 27(调休), 28, 29, 30 → 5; pause sent 30 Apr; 1–5 May off anyway;
    # third party answers Mon 12 May (6–12 May not counted); 13–16 → 9; 19–23 → 14;
    # 26–30 → 19; 31 May–2 Jun off (端午); 3 Jun → 20.
    c = due(cal, settings, date(2025, 4, 24),
            ("consultation_started", date(2025, 4, 30), {"party": "third_party"}),
            ("consultation_ended", date(2025, 5, 12), {"party": "third_party"}))
    assert c.due == date(2025, 6, 3)
    days = {d.day: d for d in c.ledger}
    assert days[date(2025, 5, 12)].count is None and days[date(2025, 5, 13)].count == 6
    # without the pause: 6–9 May → 9; 12–16 → 14; 19–23 → 19; 26 May → 20.
    assert due(cal, settings, date(2025, 4, 24)).due == date(2025, 5, 26)


def test_open_consultation_states_no_due_date_and_the_third_party_deadline(cal, settings):
    c = due(cal, settings, date(2025, 4, 24), ("consultation_started", date(2025, 4, 30), {}))
    assert c.due is None and c.counted == 5
    # 15 working days after 30 Apr: 6–9 May → 4; 12–16 → 9; 19–23 → 14; 26 May → 15.
    assert c.consultation_reply_by == date(2025, 5, 26)


def test_fee_wait_pauses_or_not_by_setting(cal, settings):
    # Mon 3 Mar 2025; fee notice Mon 10 Mar (5th working day); paid Fri 21 Mar.
    events = [("fee_notice", date(2025, 3, 10), {"amount": 300}), ("fee_paid", date(2025, 3, 21), {})]
    paused = due(cal, settings.replace(fee_wait_pauses_deadline=True), date(2025, 3, 3), *events)
    # 24–28 → 10; 31 Mar, 1–3 Apr → 14; 4 Apr 清明 off; 7–11 → 19; 14 Apr → 20.
    assert paused.due == date(2025, 4, 14)
    running = due(cal, settings.replace(fee_wait_pauses_deadline=False), date(2025, 3, 3), *events)
    # 4–7 → 4; 10–14 → 9; 17–21 → 14; 24–28 → 19; 31 Mar → 20.
    assert running.due == date(2025, 3, 31)


def test_fee_payment_deadline(cal, settings):
    # 20 working days after Mon 10 Mar 2025: 11–14 → 4; 17–21 → 9; 24–28 → 14; 31, 1–3 Apr → 18;
    # 4 Apr 清明 off; 7, 8 → 20.
    c = due(cal, settings, date(2025, 3, 3), ("fee_notice", date(2025, 3, 10), {"amount": 300}))
    assert c.fee_pay_until == date(2025, 4, 8)
    # the step named by its number (here the first step given to the clock), how to record it said
    # for the command line and the web alike
    assert c.warnings == ["收费通知（第1条）尚未登记送达日期，缴费期限暂按通知日期起算；送达后请登记该通知的送达"
                          "（gongkai register deliver 编号 1 --date 日期 --method 方式；网页：“更正、作废、送达”中的“送达”）"]
    # once paid, the notice's delivery no longer matters: the warning was shown on every later step
    paid = due(cal, settings, date(2025, 3, 3), ("fee_notice", date(2025, 3, 10), {"amount": 300}),
               ("fee_paid", date(2025, 3, 21), {}))
    assert (paid.fee_pay_until, paid.warnings) == (None, [])


def test_article_35_sets_a_later_deadline(cal, settings):
    c = due(cal, settings, date(2025, 9, 26),
            ("later_deadline", date(2025, 10, 15), {"until": "2025-12-31", "reason": "数量明显超过合理范围"}))
    assert c.due == date(2025, 12, 31)


def test_late_reply_is_flagged(cal, settings):
    c = due(cal, settings, date(2025, 9, 26), ("replied", date(2025, 10, 31), {"outcome": "granted"}))
    assert c.due == date(2025, 10, 30) and c.late and c.late_since == date(2025, 10, 30)
    assert c.warnings == ["已超过答复期限 2025-10-30，于 2025-10-31 办结；逾期记录保留"]


def test_deadline_past_known_calendar_is_flagged_not_stated_as_certain(cal, settings, tmp_path):
    c = due(cal, settings, date(2026, 12, 21))
    assert c.assumed and c.due == date(2027, 1, 19)   # 元旦 off by rule, marked 推算
    assert any("2026-12-31" in w and "calendar add" in w for w in c.warnings)
    notice = read_table({"years": {2027: {"notice": "测试", "holidays": ["2027-01-01"]}}}, "测试")
    c = due(load_calendar().with_notices(notice), settings, date(2026, 12, 21))
    assert not c.assumed and c.due == date(2027, 1, 19) and not c.warnings


ESTIMATED = ("用到了尚未公布节假日安排的日期，按周末和《全国年节及纪念日放假办法》规定的节日推算"
             "（调休和补假以国务院办公厅通知为准），可能与按公布的安排计算的不同")


def test_periods_into_an_unknown_year_are_said_to_be_estimates(cal, settings):
    # The 补正期限 (15 working days), a third party's 15 days and the 20 days to pay are told to
    # people; counted over 2027 before its notice is entered they are estimates, and said to be —
    # even while the answer's own clock is stopped (its due date then is no estimate yet).
    # 21 Dec + 15: 22–25 → 4; 28–31 → 8; 1 Jan 元旦 by rule; 4–8 → 13; 11, 12 → 15.
    c = due(cal, settings, date(2026, 12, 18), ("correction_requested", date(2026, 12, 21), {"items": "x"}))
    assert (c.due, c.assumed, c.correction_until) == (None, False, date(2027, 1, 12))
    assert c.warnings[0] == f"补正期限 2027-01-12 {ESTIMATED}"
    assert "calendar add" in c.warnings[1]
    c = due(cal, settings, date(2026, 12, 1), ("consultation_started", date(2026, 12, 14), {"party": "third_party"}),
            ("fee_notice", date(2026, 12, 14), {"amount": 100, "delivered_on": "2026-12-15"}))
    assert f"征求意见的答复期限 2027-01-05 {ESTIMATED}" in c.warnings   # 15–31 Dec → 13; 4, 5 Jan
    assert f"缴费期限 2027-01-13 {ESTIMATED}" in c.warnings             # 16–31 Dec → 12; 4–8, 11–13 Jan
    # inside the known calendar nothing is said
    c = due(cal, settings, date(2026, 11, 2), ("correction_requested", date(2026, 11, 3), {"items": "x"}))
    assert c.correction_until == date(2026, 11, 24) and c.warnings == []


@pytest.mark.parametrize("channel, expected", [
    ("in_person", date(2025, 3, 3)),
    ("registered_mail", date(2025, 3, 5)),   # the day the body signed for it
    ("ordinary_mail", date(2025, 3, 6)),     # the day receipt was confirmed
    ("internet", date(2025, 3, 6)),
    ("fax", date(2025, 3, 6)),
])
def test_receipt_date_by_channel(channel, expected):
    got, why = receipt_date(channel, date(2025, 3, 3), signed=date(2025, 3, 5), confirmed=date(2025, 3, 6))
    assert got == expected
    assert "第三十一条" in why


def test_a_late_extension_is_recorded_but_the_request_stays_late(cal, settings):
    # Art. 33 ¶2: the extension must be decided within the period.  One decided after it is kept on
    # the record (a fact) but moves nothing: the due date stays 30 Oct and the request is late,
    # even when the reply comes within the 20 days the late extension would have given.
    c = due(cal, settings, date(2025, 9, 26), ("extended", date(2025, 10, 31), {"workdays": 20}),
            ("replied", date(2025, 11, 20), {"outcome": "granted"}))
    assert (c.due, c.limit, c.late, c.late_since) == (date(2025, 10, 30), 20, True, date(2025, 10, 30))
    assert c.warnings[0] == ("延期决定（2025-10-31）晚于当时的答复期限 2025-10-30；已登记，但不改变答复期限，"
                             "该申请仍按逾期计")
    late_day = next(d for d in c.ledger if d.day == date(2025, 10, 31))
    assert late_day.why == ("已超过答复期限；逾期后决定延期20个工作日（条例第三十三条第二款要求在答复期限内决定），"
                            "不改变答复期限")
    # the same with Art. 35: a later deadline set after the due date does not move it either
    c = due(cal, settings, date(2025, 9, 26), ("later_deadline", date(2025, 11, 3),
                                                {"until": "2025-12-31", "reason": "数量大"}))
    assert (c.due, c.fixed_due, c.late) == (date(2025, 10, 30), None, True)
    c = due(cal, settings, date(2025, 9, 26), ("fee_notice", date(2025, 10, 31), {"amount": 100}))
    assert any("收费通知（2025-10-31）晚于答复期限 2025-10-30" in w for w in c.warnings)
    ok = due(cal, settings, date(2025, 9, 26), ("extended", date(2025, 10, 30), {"workdays": 20}))
    assert not ok.warnings


def test_ledger_after_an_early_reply_still_shows_the_due_date(cal, settings):
    c = due(cal, settings, date(2025, 9, 26), ("replied", date(2025, 9, 29), {"outcome": "granted"}))
    assert c.due == date(2025, 10, 30) and not c.late
    assert c.ledger[-1].count == 20 and c.ledger[-1].why == "（已办结，仅示期限）"


def test_spring_festival_2026_with_pause_and_extension(cal, settings):
    # Mon 9 Feb 2026: 10–13 → 4; 14 (Sat 调休) → 5; 15–23 off; 24 → 6, consultation sent that day;
    # 25 Feb – 6 Mar not counted (28 Feb is a 调休 working day, but the clock is paused);
    # 9–13 Mar → 11; 16–20 → 16; 23–26 → 20.
    events = [("consultation_started", date(2026, 2, 24), {"party": "other_body"}),
              ("consultation_ended", date(2026, 3, 6), {"party": "other_body"})]
    c = due(cal, settings, date(2026, 2, 9), *events)
    assert c.due == date(2026, 3, 26)
    feb28 = next(d for d in c.ledger if d.day == date(2026, 2, 28))
    assert feb28.kind == "调休上班" and feb28.count is None and feb28.why == "征求意见期间"
    # +10 working days decided 20 Mar: 27 Mar → 21; 30 Mar – 3 Apr → 26; 6 Apr 清明 off; 7–10 → 30.
    c = due(cal, settings, date(2026, 2, 9), *events, ("extended", date(2026, 3, 20), {"workdays": 10}))
    assert c.due == date(2026, 4, 10)
