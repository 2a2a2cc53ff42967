"""A clerk moving to a new machine: one database holding the request register (corrections,
voids, a late answer, extensions, a fee, a 补正, a withdrawal, letters with their 文号, steps
entered late), the holiday notice the office entered for next year and the 主动公开台账 with its
monthly figures and the office's own channel and columns (its site vocabulary, which the new
machine does not have) — exported with every export the docs offer (`register export` and `log
export`, CSV and Excel) and imported at the command line into a fresh register, SQLite and
PostgreSQL.  Every fact must come back: each step with who/when/why, due dates with their （推算）
marks, lateness, table 3 and table 2, the letters, the log's history; and the new machine's
exports are the old one's, byte for byte."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.db import open_registers
from gongkai.log.store import DisclosureLog, NewItem, Review
from gongkai.register.settings import load_settings
from gongkai.register.store import Register
from gongkai.register.table3 import compute
from gongkai.workdays import add_notice, entries, load_calendar
from gongkai.workdays.calendar import days_from_text
from tests.log.test_log_roundtrip import _same as same_log
from tests.log.test_log_roundtrip import _state as log_state
from tests.register.test_register_roundtrip import _facts, _letters
from tests.register.test_register_roundtrip import _same as same_register

TODAY = "2027-01-25"
# 2027's notice as the office entered it: 4 January off besides 元旦 (the rule alone gives 1 January)
HOLIDAYS_2027 = ("2027-01-01..2027-01-04,2027-02-05..2027-02-11,2027-04-05,2027-05-01..2027-05-05,"
                 "2027-06-09,2027-09-15,2027-10-01..2027-10-07")


def _build_register(reg: Register) -> None:
    def add(name, on, **kw):
        return reg.add({"applicant_type": kw.pop("applicant_type", "natural_person"), "name": name,
                        "channel": kw.pop("channel", "in_person"), "content": kw.pop("content", "某路改造批复"),
                        "phone": "13800000000", **kw}, "王文书", on)

    a = add("张三", date(2026, 3, 2))                      # 补正, extension, reply, delivery, archive
    reg.record(a, "correction_requested", date(2026, 3, 4), "王文书", items="文件名称")
    reg.record(a, "delivered", date(2026, 3, 5), "王文书", event=2, method="邮寄")
    reg.record(a, "corrected", date(2026, 3, 12), "王文书")
    reg.record(a, "extended", date(2026, 4, 1), "王文书", reason="需要调取档案", workdays=10)
    reg.record(a, "replied", date(2026, 4, 20), "王文书", outcome="partial", note="部分内容涉及商业秘密，已作区分处理。")
    reg.record(a, "archived", date(2026, 4, 30), "王文书")
    reg.amend(a, "phone", "0517-83600000", "申请人更换电话", "李科长")
    b = add("某某有限公司", date(2026, 5, 6), applicant_type="commercial", pieces=12)   # a fee, a voided reply
    reg.record(b, "fee_notice", date(2026, 5, 8), "王文书", basis="按件", units=12)
    reg.record(b, "fee_paid", date(2026, 5, 20), "王文书")
    reg.record(b, "replied", date(2026, 6, 1), "王文书", outcome="unable.not_held", ground="5", body="某市某局",
               body_contact="0517-12345678")
    reg.void(b, 4, "办理结果登记错误", "李科长")
    reg.record(b, "replied", date(2026, 6, 2), "王文书", outcome="granted", ground="2")
    c = add("李四", date(2026, 7, 1))                      # withdrawn
    reg.record(c, "withdrawn", date(2026, 7, 3), "王文书", how="电话", note="申请人已自行取得。")
    d = add("王五", date(2026, 9, 1), content="逾期答复的申请")   # answered late: lateness stays
    reg.record(d, "replied", date(2026, 10, 20), "王文书", outcome="denied.third_party")
    e = add("赵六", date(2026, 8, 3))                      # voided whole
    reg.void(e, 1, "误登记", "李科长")
    f = add("钱七", date(2026, 12, 21), content="跨年的申请")     # due in 2027: on the office's notice
    g = add("孙八", date(2026, 11, 2), content="仍未答复")        # overdue at the export's day
    assert reg.get(d).late and reg.get(e).state == "voided" and reg.get(g).late is not None
    assert f and g


def _build_log(log: DisclosureLog) -> None:
    made = date(2026, 3, 3)
    chain = [Review("draft", "甲", made), Review("check", "乙", made), Review("sign", "丙", made)]
    a = log.add(NewItem("某办法", "normative_docs", made, doc_no="某政规〔2026〕1号", reviews=chain), "甲")
    log.publish(a, "政府网站", "政策文件", date(2026, 3, 5), "甲", "https://example.gov.cn/1")
    log.amend(a, 1, "标题", "某管理办法", "漏字", "乙")
    b = log.add(NewItem("某事项", "other", made, "on_request", "涉及个人隐私"), "甲")
    log.set_attribute(b, "active", "", date(2026, 5, 6), "丁")
    for step, who in (("draft", "甲"), ("check", "乙"), ("sign", "丙")):
        log.review(b, step, who, made, "甲")
    log.publish(b, "公开栏", "", date(2026, 5, 8), "甲")
    log.publish(b, "融媒体", "", date(2026, 5, 9), "甲")                 # the office's own channel (OWN_WORDS)
    log.publish(b, "政府网站", "政策文件", date(2026, 5, 10), "甲")
    log.amend(b, 8, "栏目", "乡镇动态", "栏目登记错误", "乙")              # corrected to the office's own column
    log.end(b, "expired", date(2026, 11, 1), "丙")
    for month, value in ((1, "3"), (2, "5"), (3, "0")):
        log.set_figure(2026, month, "art20_5.licensing", value, "戊")
    log.set_figure(2026, 2, "art20_5.licensing", "6", "戊")   # re-entered: both entries kept
    log.set_figure(2026, 4, "art20_8.admin_fees", "12.50", "戊")


# The office's site vocabulary (GONGKAI_DISCLOSURE_VOCAB) on the old machine; the new one has none.
OWN_WORDS = ("channels:\n"
             "  rongmei: {label: 区融媒体中心, aliases: [融媒体], columns: []}\n"
             "  website: {columns: [乡镇动态]}\n")


def _facts_of(url: str) -> dict:
    settings = load_settings()
    with open_registers(url) as db:
        cal = load_calendar(db)
        notices = [(e.notice, e.actor, e.recorded_at, e.reason) for e in entries(db)]
    with Register(url, calendar=cal, settings=settings, today=date.fromisoformat(TODAY)) as reg:
        requests = reg.with_history(reg.requests(_all()))
        clocks = {r.ref: (r.due_text, r.late, reg.case(r.ref).clock.late, reg.case(r.ref).clock.missed,
                          reg.case(r.ref).clock.assumed) for r in requests}
        facts = {"register": _facts(reg), "letters": _letters(reg), "clocks": clocks, "notices": notices,
                 "table3": {y: compute(reg.db, y).table3 for y in (2026, 2027)}}
    with DisclosureLog(url, calendar=cal) as log:
        facts["log"] = log_state(log)
    return facts


def _all():
    from gongkai.register.filters import RequestFilter
    return RequestFilter(voided=True)


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_clerk_moves_the_register_and_the_log_to_a_new_machine(target, suffix, tmp_path, monkeypatch, capsys,
                                                                  request):
    from gongkai.cli import main

    site = tmp_path / "register.yaml"
    site.write_text("agency: 某县某某局\nreview_body: 某县人民政府\ndoc_number_format: 某政公开〔{year}〕{n}号\n"
                    "fee_payment_method: 银行转账至本机关账户\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_REGISTER_SETTINGS", str(site))
    words = tmp_path / "旧电脑" / "disclosure.yaml"
    words.parent.mkdir()
    words.write_text(OWN_WORDS, encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(words))
    monkeypatch.setenv("GONGKAI_TODAY", TODAY)
    old = str(tmp_path / "旧电脑.db")
    with open_registers(old) as db:                      # the office's entry of 2027's notice
        add_notice(db, 2027, days_from_text(HOLIDAYS_2027, "测试", "holidays"), set(), "国办发明电〔2026〕测试号（虚构）",
                   "李科长")
    with open_registers(old) as db:
        cal = load_calendar(db)
    with Register(old, calendar=cal, settings=load_settings(), today=date(2026, 12, 31)) as reg:
        _build_register(reg)
    with DisclosureLog(old, calendar=cal) as log:
        _build_log(log)
    want = _facts_of(old)
    assert want["clocks"]["2026-000006"][0] == "2027-01-20"          # on the notice: no （推算）

    register_file, log_file = tmp_path / f"台账{suffix}", tmp_path / f"主动公开台账{suffix}"
    for argv in (["register", "export", str(register_file), "--with-contact"], ["log", "export", str(log_file)]):
        assert main([*argv, "--db", old]) == 0, capsys.readouterr().err
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(tmp_path / "新电脑" / "disclosure.yaml"))   # not there
    new = request.getfixturevalue("pg_url") if target == "postgresql" else str(tmp_path / "新电脑.db")
    for argv in (["register", "import", str(register_file)], ["log", "import", str(log_file)]):
        assert main([*argv, "--db", new, "--actor", "导入员"]) == 0, capsys.readouterr().err
    again = tmp_path / "再导出"
    again.mkdir()
    for argv in (["register", "export", str(again / register_file.name), "--with-contact"],
                 ["log", "export", str(again / log_file.name)]):
        assert main([*argv, "--db", new]) == 0, capsys.readouterr().err
    assert (again / register_file.name).read_bytes() == register_file.read_bytes()
    assert (again / log_file.name).read_bytes() == log_file.read_bytes()
    got = _facts_of(new)
    same_register(got["register"], want["register"], suffix)
    assert got["clocks"] == want["clocks"]
    assert got["notices"] == want["notices"]
    assert got["table3"] == want["table3"]
    assert got["letters"] == want["letters"]
    same_log(got["log"], want["log"], suffix)
    # the adjusted 公开属性 comes back with its history (docs/disclosure.md said it did not)
    assert [[c["attribute"] for c in i["attribute_changes"]] for i in got["log"]["items"]] == [[], ["active"]]
    # the office's own channel and column, and the correction to it, with no site file here
    assert [(p["channel"], p["column"]) for p in got["log"]["items"][1]["publications"]] == [
        ("notice_board", ""), ("rongmei", ""), ("website", "乡镇动态")]


def test_a_notice_in_the_file_meets_the_one_the_new_register_holds(tmp_path, monkeypatch):
    """The new machine may already hold the year: the same days are taken as they are (not entered
    twice); other days are refused, naming both, and nothing of the file is imported."""
    from gongkai.errors import GongkaiError
    from gongkai.register.exchange import export_file, import_file

    monkeypatch.setenv("GONGKAI_TODAY", TODAY)
    days = days_from_text(HOLIDAYS_2027, "测试", "holidays")
    old, path = str(tmp_path / "old.db"), tmp_path / "台账.csv"
    with open_registers(old) as db:
        add_notice(db, 2027, days, set(), "国办发明电〔2026〕测试号（虚构）", "李科长")
    with open_registers(old) as db:
        cal = load_calendar(db)
    with Register(old, calendar=cal, today=date(2026, 12, 31)) as reg:
        ref = reg.add({"applicant_type": "natural_person", "name": "钱七", "channel": "in_person", "content": "x"},
                      "王文书", date(2026, 12, 21))
        export_file(reg, path)
    same, other = str(tmp_path / "same.db"), str(tmp_path / "other.db")
    for url, entered in ((same, days), (other, days - {date(2027, 1, 4)})):
        with open_registers(url) as db:
            add_notice(db, 2027, entered, set(), "国办发明电〔2026〕测试号", "张文书")
    with Register(same, create=True) as reg:
        assert import_file(reg, path, "导入员") == [ref]
        assert [(e.notice.notice, e.actor) for e in entries(reg.db)] == [("国办发明电〔2026〕测试号", "张文书")]
        assert reg.get(ref).due_text == "2027-01-20"
    with Register(other, create=True) as reg, pytest.raises(GongkaiError) as err:
        import_file(reg, path, "导入员")
    assert err.value.message == (
        "有 1 行数据有误，未导入任何数据：\n第2行：文件中的 2027 年节假日安排（国办发明电〔2026〕测试号（虚构），李科长 录入）"
        "与本台账已录入的（国办发明电〔2026〕测试号，张文书 录入）日期不同；请核对国务院办公厅通知，先更正录入有误的一方")
    with Register(other) as reg:
        assert reg.count() == 0


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_log_moved_alone_keeps_the_notice_its_deadlines_count_on(target, suffix, tmp_path, monkeypatch, request):
    """A body that keeps only its 主动公开台账 in gongkai: `log export` carried no holiday notice, so
    an item made on 2026-12-21, due to be published by 2027-01-20 on the office's notice, came back
    due 2027-01-19 (by rule).  The notice's entry is now a row of the log's export too."""
    from gongkai.log.exchange import export_documents, import_file

    monkeypatch.setenv("GONGKAI_TODAY", TODAY)
    old = str(tmp_path / "旧电脑.db")
    with open_registers(old) as db:
        add_notice(db, 2027, days_from_text(HOLIDAYS_2027, "测试", "holidays"), set(), "国办发明电〔2026〕测试号（虚构）",
                   "李科长")
    path = tmp_path / f"主动公开台账{suffix}"

    def duties(log: DisclosureLog) -> list:
        return [(o.item.ref, o.due, o.status) for o in log.obligations(date(2027, 1, 25))]

    with DisclosureLog(old) as log:
        log.add(NewItem("某通知", "other", date(2026, 12, 21)), "甲")
        want = duties(log), [(e.notice, e.actor, e.recorded_at) for e in entries(log.db)]
        assert want[0][0][1] == date(2027, 1, 20)
        export_documents(log, path)
    new = request.getfixturevalue("pg_url") if target == "postgresql" else str(tmp_path / "新电脑.db")
    with DisclosureLog(new, create=True) as log:
        import_file(log, path, "导入员")
        assert (duties(log), [(e.notice, e.actor, e.recorded_at) for e in entries(log.db)]) == want
    with DisclosureLog(new) as log:   # opened again: from the store
        assert duties(log) == want[0]
