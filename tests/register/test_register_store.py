"""The register store: requests, the append-only history, rules on events, derived state."""

import sqlite3
from datetime import date

import pytest

from gongkai.errors import GongkaiError
from gongkai.register.case import RuleError
from gongkai.register.store import Applicant, NewRequest, Register


@pytest.fixture
def reg(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings)
    yield r
    r.close()


def person(name="张三", idn="110101199001011234"):
    return Applicant("natural_person", name, idn, "13800000000", "z@example.cn", "北京市某路1号")


def test_add_numbers_requests_and_states_due_date(reg):
    ref = reg.add(NewRequest(person(), "in_person", "2024年某项目批复", date(2025, 9, 26)), "王办事员")
    assert ref == "2025-000001"
    req = reg.get(ref)
    assert req.received_on == date(2025, 9, 26) and req.due_on == date(2025, 10, 30)
    assert req.state == "registered" and req.outcome is None and req.created_by == "王办事员"
    ref2 = reg.add(NewRequest(person("李四", "2"), "registered_mail", "x", date(2025, 9, 26),
                              signed_on=date(2025, 9, 29)), "王办事员")
    assert ref2 == "2025-000002"
    # received Mon 29 Sep: 30 Sep → 1; 1–8 Oct off; 9, 10, 11(调休) → 4; 13–17 → 9; 20–24 → 14;
    # 27–31 → 19; 3 Nov → 20.
    assert reg.get(ref2).received_on == date(2025, 9, 29) and reg.get(ref2).due_on == date(2025, 11, 3)


def test_history_drives_state_outcome_and_due(reg):
    ref = reg.add(NewRequest(person(), "internet", "x", date(2025, 9, 22), confirmed_on=date(2025, 9, 22)), "a")
    case = reg.record(ref, "correction_requested", date(2025, 9, 24), "a", until=date(2025, 10, 20), items="文号")
    assert case.state == "awaiting_correction" and reg.get(ref).due_on is None
    case = reg.record(ref, "corrected", date(2025, 9, 30), "b")
    assert case.state == "in_progress" and reg.get(ref).due_on == date(2025, 11, 4)
    reg.record(ref, "consultation_started", date(2025, 10, 13), "b", party="third_party", name="某公司")
    assert reg.get(ref).state == "consulting" and reg.get(ref).due_on is None
    reg.record(ref, "consultation_ended", date(2025, 10, 13), "b", party="third_party")
    # same-day answer: no working day lost, so the due date stands
    assert reg.get(ref).due_on == date(2025, 11, 4)
    case = reg.record(ref, "replied", date(2025, 10, 31), "c", outcome="denied.third_party")
    req = reg.get(ref)
    assert (req.state, req.outcome, req.concluded_on) == ("replied", "denied.third_party", date(2025, 10, 31))
    assert [e.kind for e in req.events] == ["correction_requested", "corrected", "consultation_started",
                                            "consultation_ended", "replied"]
    assert [e.actor for e in req.events] == ["a", "b", "b", "b", "c"]
    reg.record(ref, "archived", date(2025, 11, 5), "c")
    assert reg.get(ref).state == "archived" and reg.get(ref).outcome == "denied.third_party"


@pytest.mark.parametrize("steps, kind, on, data, message", [
    ([("correction_requested", date(2025, 9, 24), {})], "correction_requested", date(2025, 9, 25), {},
     "一次性"),
    ([], "corrected", date(2025, 9, 24), {}, "没有待补正"),
    ([], "extended", date(2025, 9, 24), {"workdays": 21}, "最长不得超过20"),
    ([("extended", date(2025, 9, 24), {"workdays": 15})], "extended", date(2025, 9, 25), {"workdays": 6},
     "已延期15"),
    ([("correction_requested", date(2025, 9, 24), {"until": "2025-10-20"})], "replied", date(2025, 10, 20),
     {"outcome": "other.no_correction"}, "期满前"),
    ([], "replied", date(2025, 10, 1), {"outcome": "other.no_fee"}, "收费通知"),
    ([("fee_notice", date(2025, 9, 24), {"amount": 300})], "replied", date(2025, 10, 1),
     {"outcome": "other.no_fee"}, "缴费期限至"),
    ([], "replied", date(2025, 10, 1), {"outcome": "unable.unclear"}, "须先有补正"),
    ([], "replied", date(2025, 10, 1), {"outcome": "total"}, "不是年度报告表三"),
    ([], "replied", date(2025, 9, 21), {"outcome": "granted"}, "早于收到申请"),
    ([("consultation_started", date(2025, 9, 24), {})], "replied", date(2025, 10, 1),
     {"outcome": "granted"}, "征求意见尚未结束"),
    ([("replied", date(2025, 9, 24), {"outcome": "granted"})], "replied", date(2025, 9, 25),
     {"outcome": "partial"}, "已于 2025-09-24 答复"),
    ([("extended", date(2025, 10, 1), {"workdays": 5})], "fee_notice", date(2025, 9, 30), {"amount": 1},
     "时间顺序"),
    ([], "later_deadline", date(2025, 9, 24), {"until": "2025-12-31"}, "说明理由"),
    ([], "archived", date(2025, 9, 24), {}, "尚未答复"),
])
def test_rules_refuse_events(reg, steps, kind, on, data, message):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    for k, d, dd in steps:
        reg.record(ref, k, d, "a", **dd)
    before = reg.get(ref)
    with pytest.raises(RuleError, match=message):
        reg.record(ref, kind, on, "a", **data)
    after = reg.get(ref)
    assert len(after.events) == len(before.events) and after.state == before.state


def test_abandoned_after_the_correction_period(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    reg.record(ref, "correction_requested", date(2025, 9, 24), "a", until=date(2025, 10, 20))
    case = reg.record(ref, "replied", date(2025, 10, 21), "a", outcome="other.no_correction")
    assert case.state == "abandoned" and case.outcome == "other.no_correction"


def test_events_are_append_only_in_the_database(reg, db_url):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    reg.record(ref, "replied", date(2025, 9, 23), "a", outcome="granted")
    conn = sqlite3.connect(db_url)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE events SET kind = 'archived'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM events")
    conn.close()


def test_rebuild_derives_the_same_columns(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 26)), "a")
    reg.record(ref, "extended", date(2025, 10, 20), "a", workdays=20, reason="r")
    reg.db.execute("UPDATE requests SET due_on = '2000-01-01', state = 'registered'")
    assert reg.rebuild() == 1
    assert reg.get(ref).due_on == date(2025, 11, 27) and reg.get(ref).state == "in_progress"


def test_schema_version_and_reopen(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings)
    assert r.db.schema_version() == 2
    assert r.db.query("PRAGMA journal_mode")[0][0] == "wal"
    r.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    r.close()
    r = Register(db_url, calendar=cal, settings=settings)  # no second migration, data kept
    assert r.db.schema_version() == 2 and r.count() == 1
    assert [v for (v,) in r.db.query("SELECT version FROM schema_version ORDER BY version")] == [1, 2, 5001, 5002, 6001]
    r.close()


def test_pieces_in_month_for_fees(reg):
    a = person()
    reg.add(NewRequest(a, "in_person", "x", date(2025, 3, 3), pieces=6), "a")
    reg.add(NewRequest(a, "in_person", "y", date(2025, 3, 20), pieces=5), "a")
    ref = reg.add(NewRequest(a, "in_person", "z", date(2025, 3, 31), pieces=2), "a")
    reg.add(NewRequest(a, "in_person", "april", date(2025, 4, 1), pieces=9), "a")
    reg.add(NewRequest(person("李四", "9"), "in_person", "other person", date(2025, 3, 5), pieces=9), "a")
    assert reg.pieces_in_month(a, date(2025, 3, 31), before_ref=ref) == 11
    assert reg.pieces_in_month(a, date(2025, 3, 1)) == 13


def test_bad_requests_are_refused_in_chinese(reg):
    with pytest.raises(GongkaiError, match="申请人类型"):
        reg.add(NewRequest(Applicant("robot", "x"), "in_person", "x", date(2025, 3, 3)), "a")
    with pytest.raises(GongkaiError, match="第二十九条"):
        reg.add(NewRequest(person(), "in_person", "  ", date(2025, 3, 3)), "a")
    with pytest.raises(GongkaiError, match="没有编号为 9999"):
        reg.record("9999", "replied", date(2025, 3, 3), "a", outcome="granted")
    assert reg.count() == 0


def test_upgrade_from_version_1_keeps_the_data(db_url, cal, settings):
    from importlib import resources
    from gongkai.db import _statements
    sql = resources.files("gongkai.register").joinpath("migrations", "0001_initial.sqlite.sql").read_text("utf-8")
    conn = sqlite3.connect(db_url)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for statement in _statements(sql):
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (1, 'initial', '2025-01-01T00:00:00+00:00')")
    conn.execute("INSERT INTO applicants (type, name, created_at) VALUES ('natural_person', '张三', 'x')")
    conn.execute("INSERT INTO requests (ref, applicant_id, applicant_type, channel, content, submitted_on, received_on, "
                 "created_by, created_at, due_on) VALUES ('OLD-1', 1, 'natural_person', 'in_person', '旧申请', "
                 "'2026-12-21', '2026-12-21', 'a', 'x', '2027-01-18')")
    conn.commit()
    conn.close()
    r = Register(db_url, calendar=cal, settings=settings)
    assert r.db.schema_version() == 2
    old = r.get("OLD-1")
    assert old.content == "旧申请" and old.due_on == date(2027, 1, 18) and old.due_assumed is False
    assert r.rebuild() == 1
    assert r.get("OLD-1").due_assumed is True  # its due date runs into 2027, not yet known
    r.close()


def test_due_past_the_calendar_is_marked_in_the_store(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2026, 12, 21)), "a")
    req = reg.get(ref)
    assert req.due_on == date(2027, 1, 18) and req.due_assumed
    assert not reg.get(reg.add(NewRequest(person(), "in_person", "y", date(2026, 3, 2)), "a")).due_assumed


def test_request_open_for_years_can_be_replied_and_carries_over(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2021, 3, 1)), "a")
    case = reg.record(ref, "replied", date(2025, 3, 3), "a", outcome="unable.not_held")
    assert case.clock.late and case.outcome == "unable.not_held"
    from gongkai.register.table3 import compute
    for y in (2021, 2022, 2023, 2024):
        assert compute(reg.db, y).table3["carried_forward"]["total"] == 1
    t = compute(reg.db, 2025).table3
    assert t["carried_over"]["total"] == 1 and t["unable.not_held"]["total"] == 1
    assert t["carried_forward"]["total"] == 0


def test_requests_page_by_limit_and_offset(reg):
    refs = [reg.add(NewRequest(person(f"申请人{i}", str(i)), "internet", f"事项{i}", date(2025, 9, 1 + i),
                               confirmed_on=date(2025, 9, 1 + i)), "a") for i in range(5)]
    newest_first = "r.received_on DESC, r.id DESC"
    assert [r.ref for r in reg.requests(order=newest_first, limit=2)] == [refs[4], refs[3]]
    assert [r.ref for r in reg.requests(order=newest_first, limit=2, offset=2)] == [refs[2], refs[1]]
    assert [r.ref for r in reg.requests(order=newest_first, limit=2, offset=4)] == [refs[0]]
    assert [r.ref for r in reg.requests("a.name = ?", ("申请人3",), limit=5)] == [refs[3]]
    assert len(reg.requests()) == 5
