"""The register store: requests, the append-only history, rules on events, derived state."""

import sqlite3
from datetime import date

import pytest

from gongkai.errors import GongkaiError
from gongkai.register.case import RuleError
from gongkai.register.store import Applicant, NewRequest, Register


@pytest.fixture
def reg(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings, create=True)
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
    assert [e.kind for e in req.events][1:] == ["correction_requested", "corrected", "consultation_started",
                                                "consultation_ended", "replied"]
    assert [e.actor for e in req.events][1:] == ["a", "b", "b", "b", "c"]
    reg.record(ref, "archived", date(2025, 11, 5), "c")
    assert reg.get(ref).state == "archived" and reg.get(ref).outcome == "denied.third_party"


@pytest.mark.parametrize("steps, kind, on, data, message", [
    ([("correction_requested", date(2025, 9, 24), {"items": "文号"}), ("corrected", date(2025, 9, 25), {})],
     "correction_requested", date(2025, 9, 26), {"items": "x"}, "一次性"),
    ([("correction_requested", date(2025, 9, 24), {"items": "文号"})], "extended", date(2025, 9, 25),
     {"reason": "r"}, "申请待补正期间不能延期答复"),
    ([], "corrected", date(2025, 9, 24), {}, "没有待补正"),
    ([], "extended", date(2025, 9, 24), {"workdays": 21, "reason": "r"}, "最长不得超过20"),
    ([("extended", date(2025, 9, 24), {"workdays": 15, "reason": "r"})], "extended", date(2025, 9, 25),
     {"workdays": 6, "reason": "r"}, "已延期15"),
    ([("correction_requested", date(2025, 9, 24), {"until": "2025-10-20", "items": "x"})], "replied",
     date(2025, 10, 20), {"outcome": "other.no_correction"}, "期满前"),
    ([], "replied", date(2025, 10, 1), {"outcome": "other.no_fee"}, "收费通知"),
    ([("fee_notice", date(2025, 9, 24), {"basis": "pages", "units": 60, "payment": "银行转账"})], "replied",
     date(2025, 10, 1),
     {"outcome": "other.no_fee"}, "缴费期限至"),
    ([], "replied", date(2025, 10, 1), {"outcome": "unable.unclear"}, "须先有补正"),
    ([], "replied", date(2025, 9, 21), {"outcome": "granted"}, "早于收到申请"),
    ([("consultation_started", date(2025, 9, 24), {})], "replied", date(2025, 10, 1),
     {"outcome": "granted"}, "征求意见尚未结束"),
    ([("replied", date(2025, 9, 24), {"outcome": "granted"})], "replied", date(2025, 9, 25),
     {"outcome": "partial", "note": "个人信息已作区分处理"}, "已于 2025-09-24 办结"),
    # entered late, an earlier step is judged where it belongs: an extension before an existing reply
    ([("replied", date(2025, 10, 20), {"outcome": "granted"})], "extended", date(2025, 10, 1),
     {"workdays": 5, "reason": "r"}, None),
    # … and a reply dated before a later step already recorded is refused, naming the conflict as
    # the step recorded (it read as if the extension were being recorded)
    ([("extended", date(2025, 10, 1), {"workdays": 5, "reason": "r"})], "replied", date(2025, 9, 30),
     {"outcome": "granted"}, "^登记答复（2025-09-30）后，已登记的第2条“延期答复”（2025-10-01）就不能成立："
                             "该申请已于 2025-09-30 办结，不能再延期答复（2025-10-01）$"),
    ([("replied", date(2025, 10, 1), {"outcome": "granted"})], "withdrawn", date(2025, 9, 25), {"how": "电话"},
     "^登记撤回申请（2025-09-25）后，已登记的第2条“答复”（2025-10-01）就不能成立：该申请已于 2025-09-25 办结"),
    ([], "archived", date(2025, 9, 24), {}, "尚未办结"),
    ([], "replied", date(2099, 1, 1), {"outcome": "granted"}, "晚于今天"),
    ([], "replied", date(2025, 10, 1), {"outcome": "unable.not_held", "ground": "2"}, "不适用"),
])
def test_rules_refuse_events(reg, steps, kind, on, data, message):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    for k, d, dd in steps:
        reg.record(ref, k, d, "a", **dd)
    before = reg.get(ref)
    if message is None:
        reg.record(ref, kind, on, "a", **data)
        assert [e.kind for e in reg.get(ref).events][1:] == [kind] + [k for k, _, _ in steps]
        assert reg.get(ref).due_on == date(2025, 10, 31)   # the extension counted: 24 Oct + 5 working days
        return
    with pytest.raises(RuleError, match=message):
        reg.record(ref, kind, on, "a", **data)
    after = reg.get(ref)
    assert len(after.history) == len(before.history) and after.state == before.state


def test_abandoned_after_the_correction_period(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    reg.record(ref, "correction_requested", date(2025, 9, 24), "a", until=date(2025, 10, 20), items="文号")
    case = reg.record(ref, "replied", date(2025, 10, 21), "a", outcome="other.no_correction")
    assert case.state == "abandoned" and case.outcome == "other.no_correction"


def test_facts_are_append_only_in_the_database(reg, db_url):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    reg.record(ref, "replied", date(2025, 9, 23), "a", outcome="granted")
    conn = sqlite3.connect(db_url)
    for sql in ("UPDATE events SET kind = 'archived'", "DELETE FROM events", "UPDATE requests SET ref = 'x'",
                "DELETE FROM requests"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_contact_details_belong_to_each_request(reg):
    old = reg.add(NewRequest(person(), "in_person", "旧事", date(2025, 3, 3)), "a")
    reg.record(old, "replied", date(2025, 3, 10), "a", outcome="granted")
    reg.record(old, "archived", date(2025, 3, 11), "a")
    moved = Applicant("natural_person", "张三", "110101199001011234", "13999999999", "", "上海市某路2号")
    new = reg.add(NewRequest(moved, "in_person", "新事", date(2025, 9, 1)), "a")
    assert reg.get(old).applicant.phone == "13800000000" and reg.get(old).applicant.address == "北京市某路1号"
    assert reg.get(new).applicant.phone == "13999999999"
    # a change of phone on a request is a correction with who, when and why; the old value stays
    reg.amend(new, "phone", "13700000000", "申请人来电告知新号码", "b", on=date(2025, 9, 2))
    req = reg.get(new)
    assert req.applicant.phone == "13700000000" and reg.get(old).applicant.phone == "13800000000"
    assert req.history[-1].data == {"event": 1, "field": "phone", "value": "13700000000", "old": "13999999999",
                                    "reason": "申请人来电告知新号码"}
    assert req.history[-1].actor == "b" and req.history[0].data["phone"] == "13999999999"


def test_corrections_and_voids_keep_the_old_values(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 26)), "a")
    reg.record(ref, "replied", date(2025, 10, 9), "a", outcome="granted")
    reg.amend(ref, "applicant_type", "商业企业", "登记时选错", "b")
    reg.amend(ref, "outcome", "属于四类过程性信息", "结果录错", "b", event=2)
    req = reg.get(ref)
    assert (req.applicant.type, req.outcome) == ("commercial", "denied.process_info")
    from gongkai.register.table3 import compute
    assert compute(reg.db, 2025).table3["denied.process_info"]["commercial"] == 1
    reg.void(ref, 2, "答复日期录错，重新登记", "b")
    assert reg.get(ref).state == "registered" and reg.get(ref).outcome is None
    reg.record(ref, "replied", date(2025, 10, 10), "c", outcome="granted", ground="2")
    req = reg.get(ref)
    assert [(e.id, e.kind) for e in req.history] == [(1, "registered"), (2, "replied"), (3, "amended"),
                                                      (4, "amended"), (5, "voided"), (6, "replied")]
    assert [e.kind for e in req.events] == ["registered", "replied"] and req.concluded_on == date(2025, 10, 10)
    with pytest.raises(GongkaiError, match="第2条办理记录已作废"):
        reg.void(ref, 2, "again", "b")
    with pytest.raises(GongkaiError, match="没有可更正的“colour”"):
        reg.amend(ref, "colour", "red", "x", "b")
    with pytest.raises(RuleError, match="早于收到申请日期"):   # a correction that breaks the history is refused
        reg.amend(ref, "on", "2025-09-01", "x", "b", event=6)


def test_a_correction_names_the_item_as_the_clerk_knows_it(reg):
    """The web's 更正 form and the CLI take the item's Chinese name (label or export column), stored
    as its id; an unknown one is refused listing what may be corrected, in Chinese."""
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 26)), "a")
    reg.record(ref, "replied", date(2025, 10, 9), "a", outcome="granted")
    reg.amend(ref, "申请人姓名或名称", "李秀瑛", "登记时姓名录入错误", "b")
    reg.amend(ref, "联系电话", "13709531234", "申请人来电告知新号码", "b")
    reg.amend(ref, "日期", "2025-10-10", "答复日期录错", "b", event=2)
    reg.amend(ref, "办理结果", "属于四类过程性信息", "结果录错", "b", event=2)
    req = reg.get(ref)
    assert [e.data["field"] for e in req.history if e.kind == "amended"] == ["name", "phone", "on", "outcome"]
    assert (req.applicant.name, req.concluded_on, req.outcome) == ("李秀瑛", date(2025, 10, 10), "denied.process_info")
    reg.amend(ref, "姓名或名称", "李秀英", "更正有误，以身份证为准", "b")     # the export's column names it too
    assert reg.get(ref).applicant.name == "李秀英"
    with pytest.raises(GongkaiError) as refused:
        reg.amend(ref, "姓名", "李", "x", "b")
    assert refused.value.message == (
        "第1条“登记申请”没有可更正的“姓名”（可更正：日期、提交日期、收到日期、申请人类型、申请人姓名或名称、证件号码、联系电话、电子邮箱、"
        "通信地址、提交方式、申请公开的政府信息、件数、签收或确认日期）")


def test_a_registration_voided_as_a_mistake_leaves_table3(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 26)), "a")
    reg.void(ref, 1, "重复登记", "b")
    from gongkai.register.table3 import compute
    # nothing left but a voided registration, nothing declared: the register says nothing of 2025
    assert compute(reg.db, 2025, today=date(2026, 1, 5)).table3["new_received"]["total"] is None
    reg.declare_kept_since(date(2025, 1, 1), "a")
    assert compute(reg.db, 2025, today=date(2026, 1, 5)).table3["new_received"]["total"] == 0
    assert reg.get(ref).state == "voided" and reg.count() == 0


def test_withdrawal_concludes_as_other(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 26)), "a")
    case = reg.record(ref, "withdrawn", date(2025, 10, 9), "a", how="电话")
    assert (case.state, case.outcome, case.concluded_on) == ("withdrawn", "other.other", date(2025, 10, 9))
    from gongkai.register.table3 import compute
    assert compute(reg.db, 2025).table3["other.other"]["natural_person"] == 1


def test_numbers_never_collide_after_given_or_imported_numbers(reg):
    reg.add(NewRequest(person(), "in_person", "x", date(2025, 3, 3), ref="2025-000002"), "a")
    reg.add(NewRequest(person(), "in_person", "x", date(2025, 3, 3), ref="2025-000003"), "a")
    assert [reg.add(NewRequest(person(), "in_person", "x", date(2025, 3, 4)), "a") for _ in range(3)] == [
        "2025-000001", "2025-000004", "2025-000005"]
    with pytest.raises(GongkaiError, match="申请编号 2025-000004 已存在"):
        reg.add(NewRequest(person(), "in_person", "x", date(2025, 3, 4), ref="2025-000004"), "a")


def test_receipt_dates_are_checked(reg):
    with pytest.raises(GongkaiError, match="当面提交以提交之日为收到申请之日"):
        reg.add(NewRequest(person(), "in_person", "x", date(2025, 3, 3), confirmed_on=date(2025, 3, 4)), "a")
    with pytest.raises(RuleError, match="日期 2099-01-01 晚于今天"):
        reg.add(NewRequest(person(), "in_person", "x", date(2099, 1, 1)), "a")
    assert reg.count() == 0


def test_rebuild_derives_the_same_state(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 9, 26)), "a")
    reg.record(ref, "extended", date(2025, 10, 20), "a", workdays=20, reason="r")
    reg.db.execute("UPDATE request_state SET due_on = '2000-01-01', state = 'registered'")
    assert reg.rebuild() == 1
    assert reg.get(ref).due_on == date(2025, 11, 27) and reg.get(ref).state == "in_progress"


def test_schema_version_and_reopen(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings, create=True)
    assert r.db.schema_version() == 4
    assert r.db.query("PRAGMA journal_mode")[0][0] == "wal"
    r.add(NewRequest(person(), "in_person", "x", date(2025, 9, 22)), "a")
    r.close()
    r = Register(db_url, calendar=cal, settings=settings, create=True)  # no second migration, data kept
    assert r.db.schema_version() == 4 and r.count() == 1
    assert [v for (v,) in r.db.query("SELECT version FROM schema_version ORDER BY version")] == [1, 2, 3, 4, 5001, 5002, 5003, 5004, 5005, 5006, 5007, 6001, 6002]
    r.close()


def test_fee_counts_the_pieces_earlier_in_the_month(reg):
    a = person()
    reg.add(NewRequest(a, "in_person", "x", date(2025, 3, 3), pieces=6), "a")
    reg.add(NewRequest(a, "in_person", "y", date(2025, 3, 20), pieces=5), "a")
    ref = reg.add(NewRequest(a, "in_person", "z", date(2025, 3, 31), pieces=2), "a")
    reg.add(NewRequest(a, "in_person", "april", date(2025, 4, 1), pieces=9), "a")
    reg.add(NewRequest(person("李四", "9"), "in_person", "other person", date(2025, 3, 5), pieces=9), "a")
    reg.record(ref, "fee_notice", date(2025, 4, 2), "a", basis="按件", units=2, payment="银行转账")
    # 11 pieces earlier in March: this request's 2 are the 12th and 13th, 100 each
    assert reg.get(ref).history[-1].data == {"basis": "pieces", "units": 2, "earlier": 11, "amount": 200,
                                             "payment": "银行转账"}


def test_bad_requests_are_refused_in_chinese(reg):
    with pytest.raises(GongkaiError, match="申请人类型"):
        reg.add(NewRequest(Applicant("robot", "x"), "in_person", "x", date(2025, 3, 3)), "a")
    with pytest.raises(GongkaiError, match="第二十九条"):
        reg.add(NewRequest(person(), "in_person", "  ", date(2025, 3, 3)), "a")
    with pytest.raises(GongkaiError, match="没有编号为 9999"):
        reg.record("9999", "replied", date(2025, 3, 3), "a", outcome="granted")
    assert reg.count() == 0


def old_register(db_url):
    """A register made by gongkai before migration 0003 (versions 1 and 2), with a history."""
    from importlib import resources

    from gongkai.db import _statements
    conn = sqlite3.connect(db_url)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for version, name in ((1, "0001_initial.sqlite.sql"), (2, "0002_due_assumed.sql")):
        sql = resources.files("gongkai.register").joinpath("migrations", name).read_text("utf-8")
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (?, ?, '2025-01-01T00:00:00+00:00')", (version, name))
    conn.execute("INSERT INTO applicants (type, name, id_number, phone, created_at) "
                 "VALUES ('natural_person', '张三', '110', '13800000000', 'x')")
    conn.execute("INSERT INTO requests (ref, applicant_id, applicant_type, channel, content, submitted_on, received_on, "
                 "created_by, created_at, due_on) VALUES ('OLD-1', 1, 'natural_person', 'internet', '旧申请', "
                 "'2025-09-24', '2025-09-26', '甲', '2025-09-26T01:00:00+00:00', '2025-10-30')")
    conn.execute("INSERT INTO events (request_id, kind, on_date, data, actor, recorded_at) VALUES "
                 "(1, 'extended', '2025-10-20', '{\"workdays\": 20, \"reason\": \"r\"}', '乙', 'y'), "
                 "(1, 'replied', '2025-11-20', '{\"outcome\": \"granted\"}', '丙', 'z')")
    conn.commit()
    conn.close()


def test_upgrade_from_version_2_keeps_every_fact(db_url, cal, settings):
    old_register(db_url)
    r = Register(db_url, calendar=cal, settings=settings, create=True)
    assert r.db.schema_version() == 4
    old = r.get("OLD-1")
    assert [(e.id, e.kind, e.on, e.actor) for e in old.history] == [
        (1, "registered", date(2025, 9, 24), "甲"), (2, "extended", date(2025, 10, 20), "乙"),
        (3, "replied", date(2025, 11, 20), "丙")]
    assert old.history[0].data == {"applicant_type": "natural_person", "name": "张三", "id_number": "110",
                                   "phone": "13800000000", "email": "", "address": "", "channel": "internet",
                                   "content": "旧申请", "pieces": 1, "receipt_on": "2025-09-26"}
    assert (old.received_on, old.due_on, old.state, old.outcome) == (date(2025, 9, 26), date(2025, 11, 27),
                                                                    "replied", "granted")
    assert old.created_by == "甲" and old.applicant.phone == "13800000000"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with r.db.transaction():
            r.db.execute("UPDATE requests SET ref = 'x'")
    assert r.db.query("PRAGMA foreign_key_check") == []
    r.close()


def test_due_past_the_calendar_is_marked_in_the_store(reg, monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-31")
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2026, 12, 21)), "a")
    req = reg.get(ref)
    assert req.due_on == date(2027, 1, 19) and req.due_assumed   # 元旦 off by rule: still 推算
    assert not reg.get(reg.add(NewRequest(person(), "in_person", "y", date(2026, 3, 2)), "a")).due_assumed


def test_an_estimated_due_date_is_computed_again_on_opening(reg, db_url, settings, monkeypatch):
    # the stored due date of a request counted on an estimate follows the calendar the register
    # is opened with (a notice entered in another store, a newer estimate), with no rebuild asked
    from gongkai.workdays import load_calendar, read_table

    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-31")
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2026, 12, 21)), "a")
    notice = read_table({"years": {2027: {"notice": "测试", "holidays": ["2027-01-01", "2027-01-04"]}}}, "测试")
    other = Register(db_url, calendar=load_calendar().with_notices(notice), settings=settings, create=True)
    req = other.requests()[0]
    assert (req.ref, req.due_on, req.due_assumed) == (ref, date(2027, 1, 20), False)
    other.close()


def test_request_open_for_years_can_be_replied_and_carries_over(reg):
    ref = reg.add(NewRequest(person(), "in_person", "x", date(2021, 3, 1)), "a")
    case = reg.record(ref, "replied", date(2025, 3, 3), "a", outcome="unable.not_held", ground="4")
    assert case.clock.late and case.outcome == "unable.not_held"
    from gongkai.register.table3 import compute
    for y in (2021, 2022, 2023, 2024):
        assert compute(reg.db, y).table3["carried_forward"]["total"] == 1
    t = compute(reg.db, 2025).table3
    assert t["carried_over"]["total"] == 1 and t["unable.not_held"]["total"] == 1
    assert t["carried_forward"]["total"] == 0


def test_requests_page_by_limit_and_offset(reg):
    from gongkai.register.filters import RequestFilter
    refs = [reg.add(NewRequest(person(f"申请人{i}", str(i)), "internet", f"事项{i}", date(2025, 9, 1 + i),
                               confirmed_on=date(2025, 9, 1 + i)), "a") for i in range(5)]
    assert [r.ref for r in reg.requests(order="newest", limit=2)] == [refs[4], refs[3]]
    assert [r.ref for r in reg.requests(order="newest", limit=2, offset=2)] == [refs[2], refs[1]]
    assert [r.ref for r in reg.requests(order="newest", limit=2, offset=4)] == [refs[0]]
    assert [r.ref for r in reg.requests(RequestFilter(applicant="申请人3"), limit=5)] == [refs[3]]
    assert [r.ref for r in reg.requests(RequestFilter(content="事项1"))] == [refs[1]]
    assert [r.ref for r in reg.requests(RequestFilter(received_from=date(2025, 9, 4)))] == refs[3:]
    assert len(reg.requests()) == 5


def test_on_a_fixed_office_day_steps_are_stamped_on_that_day_not_late(db_url, cal, settings, monkeypatch):
    """A register whose today is fixed (the web's GONGKAI_TODAY in a demonstration, the README's
    pictures) stamps what is recorded now on that day: stamped with the machine's date, a step of
    that day read “补录，晚290天”."""
    from gongkai.register.history import history_rows

    with Register(db_url, calendar=cal, settings=settings, today=date(2026, 3, 10), create=True) as r:
        ref = r.add(NewRequest(person(), "in_person", "x", date(2026, 3, 10)), "王办事员")
        r.record(ref, "replied", date(2026, 3, 10), "王办事员", outcome="granted")
        rows = history_rows(r.history(ref), personal=False)
    assert [(row["recorded_at"][:10], row["late_entry_days"]) for row in rows] == [("2026-03-10", 0)] * 2
    monkeypatch.setenv("GONGKAI_TODAY", "2026-03-11")    # the same, fixed by the environment
    with Register(db_url, calendar=cal, settings=settings, create=True) as r:
        r.record(ref, "archived", date(2026, 3, 11), "王办事员")
        assert r.history(ref)[-1].recorded_at[:10] == "2026-03-11"


def test_a_reply_counted_in_the_wrong_row_is_corrected_with_its_art36_item(reg):
    """January: a 本机关不掌握 reply (Art. 36 (四)) should have been 没有现成信息; the correction was
    refused (“第三十六条第（4）项不适用”) and the ground could not be cleared first: a deadlock."""
    from gongkai.register.history import history_lines
    from gongkai.register.table3 import compute

    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 4, 3)), "a")
    reg.record(ref, "replied", date(2025, 5, 6), "a", outcome="unable.not_held", ground="4", note="经检索没有")
    reg.declare_kept_since(date(2025, 1, 1), "a")
    before = compute(reg.db, 2025, today=date(2026, 1, 6)).table3
    assert (before["unable.not_held"]["total"], before["unable.needs_creation"]["total"]) == (1, 0)
    reg.amend(ref, "outcome", "unable.needs_creation", "应计入没有现成信息", "b", event=2, on=date(2026, 1, 6))
    after = compute(reg.db, 2025, today=date(2026, 1, 6)).table3
    assert (after["unable.not_held"]["total"], after["unable.needs_creation"]["total"]) == (0, 1)
    history = reg.history(ref)
    assert history[1].data["ground"] == "4"          # the reply as recorded keeps its item
    assert history_lines(history, True)[-1].startswith(
        "3. 2026-01-06 更正（第2条“答复”的办理结果：“（四）无法提供—1.本机关不掌握相关政府信息”改为"
        "“（四）无法提供—2.没有现成信息需要另行制作”，所依据的第三十六条第（四）项随之不再适用；理由：应计入没有现成信息）")
    # and into a row that takes an item: given with the outcome, in the same correction
    with pytest.raises(GongkaiError, match="请在更正办理结果时一并写明所依据的一项"):
        reg.amend(ref, "outcome", "unable.not_held", "改回", "b", event=2, on=date(2026, 1, 6))
    reg.amend(ref, "outcome", "unable.not_held", "经核实该信息不存在", "b", event=2, on=date(2026, 1, 6), ground="4")
    assert history_lines(reg.history(ref), True)[-1].startswith(
        "4. 2026-01-06 更正（第2条“答复”的办理结果：“（四）无法提供—2.没有现成信息需要另行制作”改为"
        "“（四）无法提供—1.本机关不掌握相关政府信息”，所依据的第三十六条的一项为第（四）项；理由：经核实该信息不存在）")
    assert compute(reg.db, 2025, today=date(2026, 1, 6)).table3["unable.not_held"]["total"] == 1
    with pytest.raises(GongkaiError, match="只在更正答复的办理结果时一并填写"):
        reg.amend(ref, "name", "张珊", "录错", "b", ground="4")


def test_a_reply_under_art36_5_can_be_corrected_to_another_row_or_item(reg):
    """Found walking a year on PostgreSQL: a reply of 本机关不掌握 under Art. 36 (五) carries the
    responsible body; corrected to 没有现成信息 (or to item (四)) the body stayed with the reply, so
    every such correction was refused (只有依第三十六条第（五）项…才填写负责公开的行政机关) and the body
    could not be cleared first (更正须填写更正后的值): a deadlock.  The body goes with (五)."""
    from gongkai.register.history import history_lines
    from gongkai.register.table3 import compute

    ref = reg.add(NewRequest(person(), "in_person", "x", date(2025, 3, 7)), "a")
    reg.record(ref, "replied", date(2025, 4, 18), "a", outcome="unable.not_held", ground="5",
               body="某区市场监督管理局", body_contact="0517-80000000")
    reg.amend(ref, "outcome", "unable.needs_creation", "应计入没有现成信息", "b", event=2, on=date(2026, 1, 6))
    assert reg.case(ref).outcome == "unable.needs_creation"
    assert history_lines(reg.history(ref), True)[-1].startswith(
        "3. 2026-01-06 更正（第2条“答复”的办理结果：“（四）无法提供—1.本机关不掌握相关政府信息”改为"
        "“（四）无法提供—2.没有现成信息需要另行制作”，所依据的第三十六条第（五）项随之不再适用，"
        "所填负责公开的行政机关“某区市场监督管理局”随之不再适用；理由：应计入没有现成信息）")
    assert reg.history(ref)[1].data["body"] == "某区市场监督管理局"     # the reply as recorded keeps it
    reg.declare_kept_since(date(2025, 1, 1), "a")
    assert compute(reg.db, 2025, today=date(2026, 1, 6)).table3["unable.needs_creation"]["total"] == 1
    # item (五) corrected to (四) within 本机关不掌握: the body goes too
    other = reg.add(NewRequest(person(), "in_person", "y", date(2025, 3, 7)), "a")
    reg.record(other, "replied", date(2025, 4, 18), "a", outcome="unable.not_held", ground="5",
               body="某区市场监督管理局", body_contact="0517-80000000")
    reg.amend(other, "ground", "4", "经核实为本机关应掌握但不存在", "b", event=2, on=date(2026, 1, 6))
    assert history_lines(reg.history(other), True)[-1].startswith(
        "3. 2026-01-06 更正（第2条“答复”的所依据的第三十六条的一项：“第（五）项：不属于本机关负责公开的，告知并说明理由”改为"
        "“第（四）项：经检索没有所申请公开信息的，告知不存在”，所填负责公开的行政机关“某区市场监督管理局”随之不再适用；")
