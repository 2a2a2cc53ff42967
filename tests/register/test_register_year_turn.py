"""The turn of the year: requests of December 2026 whose deadlines run into 2027 before the State
Council's notice for 2027 is entered, and what happens when it is (the December walk).

The 2027 notice here is MADE UP (gk_year_2027; the real one was not published when these were written):
春节 2027-02-05..2027-02-13 off (除夕 to 正月初三 by law, 补假 for the weekend, two days 调休),
with Sunday 2027-01-31 and Saturday 2027-02-20 worked instead — a plausible arrangement of the
kind the 国务院办公厅 publishes, nothing more."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from docx import Document
from gk_year_2027 import MADE_UP_2027, ship_2027

from gongkai.db import open_registers
from gongkai.register import letters as L
from gongkai.register.exchange import export_file, import_file
from gongkai.register.store import Applicant, NewRequest, Register
from gongkai.workdays import add_notice, load_calendar
from gongkai.workdays.calendar import statutory_holidays

AGENCY = "淮安市洪泽区高良涧街道办事处"
ESTIMATE_NOTE = ("上述日期按《全国年节及纪念日放假办法》规定的节日推算，国务院办公厅公布该年节假日安排后，"
                 "以按公布的安排计算的日期为准。")


def _register(db_url, settings, today):
    return Register(db_url, settings=settings.replace(agency=AGENCY), today=today, create=True)


def _new(reg, received, name="张三"):
    return reg.add(NewRequest(Applicant("natural_person", name, "110"), "in_person", "街道2026年低保名单",
                              received), "王文书")


def _enter_notice(db_url, actor="李科长"):
    with open_registers(db_url) as db:
        add_notice(db, 2027, MADE_UP_2027["holidays"], MADE_UP_2027["workdays"], MADE_UP_2027["notice"], actor)


def _paras(reg, ref, kind):
    return [p.text for p in Document(io.BytesIO(L.letter_docx(reg, ref, kind)[1])).paragraphs]


def test_a_letter_sent_with_an_estimate_is_printed_as_sent_and_the_later_date_is_told(db_url, settings):
    """Received 31 Dec 2026, extended on 15 Jan 2027 before the notice: the 延期答复告知书 said
    2027-03-02 (推算).  The notice then gives 春节 nine days: the register now counts 2027-03-04;
    the letter printed again still says what went out, and the request says the date moved."""
    reg = _register(db_url, settings, date(2027, 1, 15))
    ref = _new(reg, date(2026, 12, 31))
    reg.record(ref, "extended", date(2027, 1, 15), "王文书", reason="需要调取档案")
    assert reg.get(ref).due_on == date(2027, 3, 2) and reg.get(ref).due_assumed
    sent = _paras(reg, ref, "extension")
    assert sent[3] == ("因需要调取档案，本机关无法在规定期限内作出答复。经本机关政府信息公开工作机构负责人同意，"
                       "根据《中华人民共和国政府信息公开条例》第三十三条第二款，答复期限延长20个工作日，"
                       "本机关将于2027年3月2日前作出答复。" + ESTIMATE_NOTE)
    receipt = _paras(reg, ref, "receipt")
    reg.close()

    _enter_notice(db_url)
    reg = _register(db_url, settings, date(2027, 1, 20))
    req = reg.get(ref)
    assert req.due_on == date(2027, 3, 4) and not req.due_assumed   # 2-12 Feb off, 20 Feb worked
    assert _paras(reg, ref, "extension") == sent                     # the letter as it went out
    assert _paras(reg, ref, "receipt") == receipt                    # 2027-01-29（推算）: unchanged
    assert reg.case(ref).clock.warnings == [
        "第2条的延期答复告知书告知申请人于2027-03-02（推算）前作出答复，按现在的节假日安排和办理记录，"
        "答复期限为2027-03-04，晚于告知的日期（告知书已说明以按公布的安排计算的日期为准；重新打印的告知书仍是当时告知的日期）"]
    reg.close()


def test_the_receipts_date_moved_is_said_as_the_register_knows_the_receipt(db_url, settings):
    """Received 15 Jan 2027: the 登记回执 said 2027-02-16 (推算); the notice makes it 2027-02-19.
    The warning said "登记回执（如已发出）告知申请人…" and "晚于告知的日期（告知书已说明…）": vague
    where the register knows whether the 回执's 送达 was recorded, and calling the 回执 a 告知书.
    It now says what the 回执 says and that it told the applicant only if sent; with its 送达
    recorded, that it told them, on which day."""
    reg = _register(db_url, settings, date(2027, 1, 15))
    ref = _new(reg, date(2027, 1, 15))
    assert reg.history(ref)[0].data["told_due"] == "2027-02-16（推算）"
    reg.close()
    _enter_notice(db_url)
    reg = _register(db_url, settings, date(2027, 1, 20))
    assert reg.case(ref).clock.warnings == [
        "第1条的登记回执写明于2027-02-16（推算）前作出答复（该回执未登记送达；已发给申请人的，即告知了这个日期），"
        "按现在的节假日安排和办理记录，答复期限为2027-02-19，晚于回执上的日期"
        "（回执已说明以按公布的安排计算的日期为准；重新打印的回执仍是当时写明的日期）"]
    reg.record(ref, "delivered", date(2027, 1, 18), "王文书", event=1, method="邮寄")
    assert reg.case(ref).clock.warnings == [
        "第1条的登记回执（2027-01-18 送达）告知申请人于2027-02-16（推算）前作出答复，"
        "按现在的节假日安排和办理记录，答复期限为2027-02-19，晚于回执上的日期"
        "（回执已说明以按公布的安排计算的日期为准；重新打印的回执仍是当时写明的日期）"]
    reg.close()


def test_a_notice_that_brings_the_due_date_forward_onto_a_worked_sunday_says_so(db_url, settings):
    """Received Fri 4 Dec 2026, extended on 30 Dec: told 2027-02-01 (推算).  The notice makes
    Sunday 31 January a working day (调休): the 40th working day is that Sunday, a day before the
    date told — the clerk is told to answer by then."""
    reg = _register(db_url, settings, date(2026, 12, 30))
    ref = _new(reg, date(2026, 12, 4))
    reg.record(ref, "extended", date(2026, 12, 30), "王文书", reason="需要调取档案")
    assert reg.history(ref)[-1].data["told_due"] == "2027-02-01（推算）"
    reg.close()

    _enter_notice(db_url)
    reg = _register(db_url, settings, date(2027, 1, 20))
    case = reg.case(ref)
    assert case.clock.due == date(2027, 1, 31)
    print(case.clock.render())
    assert case.clock.warnings == [
        "第2条的延期答复告知书告知申请人于2027-02-01（推算）前作出答复，按现在的节假日安排和办理记录，"
        "答复期限为2027-01-31，早于告知的日期：请在2027-01-31前答复（可另行告知申请人）"]
    assert "本机关将于2027年2月1日前作出答复。" + ESTIMATE_NOTE in _paras(reg, ref, "extension")[3]
    reg.close()


def test_no_warning_when_the_notice_confirms_the_date_or_the_request_is_answered(db_url, settings):
    reg = _register(db_url, settings, date(2026, 12, 31))
    same = _new(reg, date(2026, 12, 10))            # 20th working day 2027-01-08 either way
    answered = _new(reg, date(2026, 12, 4), "李四")
    reg.record(answered, "extended", date(2026, 12, 30), "王文书", reason="需要调取档案")
    reg.close()
    _enter_notice(db_url)
    reg = _register(db_url, settings, date(2027, 1, 29))
    assert reg.get(same).due_on == date(2027, 1, 8) and reg.case(same).clock.warnings == []
    # the receipt was an estimate and said so; the same date, now certain, is printed as told
    assert "即2027年1月8日前" in _paras(reg, same, "receipt")[3] and ESTIMATE_NOTE in _paras(reg, same, "receipt")[3]
    reg.record(answered, "replied", date(2027, 1, 29), "王文书", outcome="granted", ground="2")
    assert reg.case(answered).clock.warnings == []
    reg.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_date_told_survives_export_and_import(db_url, settings, tmp_path, suffix):
    reg = _register(db_url, settings, date(2026, 12, 30))
    ref = _new(reg, date(2026, 12, 4))
    reg.record(ref, "extended", date(2026, 12, 30), "王文书", reason="需要调取档案")
    path = tmp_path / f"台账{suffix}"
    export_file(reg, path)
    reg.close()
    other = str(tmp_path / "other.db")
    _enter_notice(other)
    reg2 = _register(other, settings, date(2027, 1, 20))
    import_file(reg2, path, "王文书")
    assert [e.data.get("told_due") for e in reg2.history(ref)] == ["2027-01-04（推算）", "2027-02-01（推算）"]
    assert reg2.case(ref).clock.warnings[-1].startswith("第2条的延期答复告知书告知申请人于2027-02-01（推算）前")
    reg2.close()


def test_the_calendar_as_entered_serves_the_clock(db_url, settings):
    _enter_notice(db_url)
    with open_registers(db_url) as db:
        cal = load_calendar(db)
    assert cal.info(date(2027, 1, 31)).kind == "调休上班" and not cal.info(date(2027, 2, 12)).workday


def test_a_notice_entered_wrongly_then_corrected_at_the_command_line(capsys, db_url, monkeypatch, tmp_path):
    """A clerk types 春节 as 5–11 February (the notice says 5–13) and no 调休; the next day another
    corrects it.  Each entry says which requests' due dates it moved (and the letter that told
    another date); calendar list keeps the wrong entry, who made it, and how it differed."""
    from gongkai.cli import main

    def run(*argv, today, actor):
        monkeypatch.setenv("GONGKAI_TODAY", today)
        monkeypatch.setenv("GONGKAI_ACTOR", actor)
        code = main([*argv, "--db", db_url])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    run("register", "add", "--type", "自然人", "--name", "王五", "--channel", "当面", "--content", "低保名单",
        "--date", "2026-12-31", today="2026-12-31", actor="王文书")
    run("register", "extend", "2026-000001", "--date", "2027-01-15", "--reason", "需要调取档案",
        today="2027-01-15", actor="王文书")
    law = ",".join(sorted(d.isoformat() for d in statutory_holidays(2027)))
    wrong = run("register", "calendar", "add", "--year", "2027", "--notice", "国办发明电〔2026〕测试号（虚构）",
                "--holidays", law + ",2027-02-09..2027-02-11", today="2027-01-20", actor="王文书")
    assert wrong.splitlines()[1:] == [
        "2026-000001：答复期限 2027-03-02（推算） → 2027-03-05",
        "  注意：第2条的延期答复告知书告知申请人于2027-03-02（推算）前作出答复，按现在的节假日安排和办理记录，"
        "答复期限为2027-03-05，晚于告知的日期（告知书已说明以按公布的安排计算的日期为准；重新打印的告知书仍是当时告知的日期）"]
    again = ["register", "calendar", "add", "--year", "2027", "--notice", "国办发明电〔2026〕测试号（虚构）",
             "--holidays", law + ",2027-02-09..2027-02-13", "--workdays", "2027-01-31,2027-02-20", "--db", db_url]
    assert main(again) == 1   # a correction says why
    assert re.sub(r" \d\d:\d\d", " 时:分", capsys.readouterr().err) == (
        "gongkai：节假日安排：2027年：2027 年的节假日安排已由 王文书 于 2027-01-20 时:分 录入（国办发明电〔2026〕测试号（虚构））；"
        "再次录入即为更正，请写明更正理由（原记录保留）\n")
    right = run(*again[:-2], "--reason", "春节放假日期漏录2月12日、13日，调休上班日期漏录", today="2027-01-21",
                actor="李科长")
    assert re.sub(r" \d\d:\d\d）", " 时:分）", right).splitlines()[1:] == [
        "此前录入的 2027 年安排（国办发明电〔2026〕测试号（虚构），王文书 录入于 2027-01-20 时:分）不再使用，"
        "仍保留在记录中（gongkai register calendar list）",
        "2026-000001：答复期限 2027-03-05 → 2027-03-04",
        "  注意：第2条的延期答复告知书告知申请人于2027-03-02（推算）前作出答复，按现在的节假日安排和办理记录，"
        "答复期限为2027-03-04，晚于告知的日期（告知书已说明以按公布的安排计算的日期为准；重新打印的告知书仍是当时告知的日期）"]
    # the letter printed again is the one sent; the command says where the date now differs
    monkeypatch.setenv("GONGKAI_REGISTER_SETTINGS", str(tmp_path / "office.yaml"))
    (tmp_path / "office.yaml").write_text("agency: 某市某区人民政府办公室\nreview_body: 某市某区人民政府\n", encoding="utf-8")
    assert main(["register", "letter", "2026-000001", "extension", "--out", str(tmp_path / "e.docx"), "--db", db_url]) == 0
    out, err = capsys.readouterr()
    assert err == ("gongkai：注意：第2条的延期答复告知书告知申请人于2027-03-02（推算）前作出答复，按现在的节假日安排和办理记录，"
                   "答复期限为2027-03-04，晚于告知的日期（告知书已说明以按公布的安排计算的日期为准；重新打印的告知书仍是当时告知的日期）\n")
    listed = run("register", "calendar", "list", today="2027-01-21", actor="李科长").splitlines()
    assert listed[1].startswith("2027 年：国办发明电〔2026〕测试号（虚构）；放假 18 天，调休上班 2 天（李科长 录入于 2027-01-21 ")
    assert listed[2].startswith("  此前录入、已不再使用：国办发明电〔2026〕测试号（虚构）（王文书 录入于 2027-01-20 ")
    assert listed[2].endswith("）：与现行安排相比，放假少 2027-02-12、2027-02-13；调休上班少 2027-01-31、2027-02-20")
    assert listed[3] == "  更正理由：春节放假日期漏录2月12日、13日，调休上班日期漏录"


def test_a_due_date_of_the_known_year_answered_in_the_next_is_not_an_estimate(db_url, settings):
    """Received 2 Nov 2026, due 30 Nov (the 2026 notice is known), answered 5 Jan 2027 before the
    2027 notice: the ledger runs on to the reply over estimated days, but the due date was never
    counted over one — it was shown as 2026-11-30（推算） with a warning that it may be wrong."""
    reg = _register(db_url, settings, date(2027, 1, 5))
    ref = _new(reg, date(2026, 11, 2))
    case = reg.record(ref, "replied", date(2027, 1, 5), "王文书", outcome="granted", ground="2")
    assert case.clock.due_text == "2026-11-30" and not reg.get(ref).due_assumed
    assert "答复期限：2026-11-30\n" in case.clock.render()
    assert case.clock.warnings == ["已超过答复期限 2026-11-30，于 2027-01-05 办结；逾期记录保留"]
    # an Art. 35 date is the body's own, not counted: never 推算
    other = _new(reg, date(2026, 12, 10), "李四")
    case = reg.record(other, "later_deadline", date(2026, 12, 15), "王文书", until="2027-03-01", reason="数量明显超过合理范围")
    assert case.clock.due_text == "2027-03-01" and case.clock.warnings == []
    reg.close()


def test_late_lists_a_request_overdue_at_the_year_end_in_that_year_too(capsys, db_url, monkeypatch):
    """Overdue since 30 November, answered on 5 January: `register late --year 2026` listed
    nothing (only the year's answers), while the checker of the 2026 report counts it late
    (register_facts) — now both say so, and 2027 lists the late answer."""
    from gongkai.cli import main
    from gongkai.register import register_facts

    monkeypatch.setenv("GONGKAI_TODAY", "2026-11-02")
    assert main(["register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
                 "--date", "2026-11-02", "--db", db_url]) == 0
    monkeypatch.setenv("GONGKAI_TODAY", "2027-01-05")
    assert main(["register", "reply", "2026-000001", "--outcome", "予以公开", "--ground", "2", "--date", "2027-01-05",
                 "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["register", "late", "--year", "2026", "--db", db_url]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1:] == ["2026-000001\t2026-11-02\t2026-11-30\t—\t23\t截至2026-12-31尚未办结"]
    assert err == "2026年逾期 1 件：逾期答复 0 件，截至2026-12-31已超过答复期限尚未办结 1 件\n"
    assert [x.ref for x in register_facts(db_url, 2026).late] == ["2026-000001"]
    assert main(["register", "late", "--year", "2027", "--db", db_url]) == 0
    out, err = capsys.readouterr()
    # 1–5 January 2027 are judged without the 2027 notice: the 25 is an estimate, and says so
    assert out.splitlines()[1:] == ["2026-000001\t2026-11-02\t2026-11-30\t2027-01-05\t25（推算）\t（一）予以公开"]
    assert err == "2027年逾期 1 件：逾期答复 1 件，截至2027-01-05已超过答复期限尚未办结 0 件\n"
    assert main(["register", "late", "--year", "2027", "--json", "--db", db_url]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"ref": "2026-000001", "received_on": "2026-11-02", "due_on": "2026-11-30", "due_assumed": False,
         "concluded_on": "2027-01-05", "workdays_late": 25, "workdays_late_assumed": True, "status": "（一）予以公开"}]
    assert main(["register", "late", "--year", "2026", "--json", "--db", db_url]) == 0
    late_2026 = json.loads(capsys.readouterr().out)
    assert [(x["workdays_late"], x["workdays_late_assumed"], x["status"]) for x in late_2026] == [
        (23, False, "截至2026-12-31尚未办结")]   # counted within 2026: certain
    # the 2027 notice (made up, see the module's docstring) makes the count certain (the same 25)
    _enter_notice(db_url)
    assert main(["register", "late", "--year", "2027", "--db", db_url]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "2026-000001\t2026-11-02\t2026-11-30\t2027-01-05\t25\t（一）予以公开"]


def test_due_and_the_request_page_mark_working_days_overdue_counted_over_estimated_days(
        capsys, db_url, settings, monkeypatch):
    """Due 2026-11-30, still open on 2027-01-05 before the 2027 notice: `register due` said
    已超过25个工作日 and the web's request page 已超期 25 个工作日 as if certain."""
    from gongkai.cli import main
    from gongkai.web.regsvc import request_detail

    reg = _register(db_url, settings, date(2026, 11, 2))
    ref = _new(reg, date(2026, 11, 2))
    reg.close()
    monkeypatch.setenv("GONGKAI_TODAY", "2027-01-05")
    assert main(["register", "due", "--db", db_url]) == 0
    assert capsys.readouterr().out == f"{ref}\t已超期：答复期限 2026-11-30，已超过25个工作日（推算）\t张*\t街道2026年低保名单\n"
    reg = _register(db_url, settings, date(2027, 1, 5))
    d = request_detail(reg, ref, date(2027, 1, 5), personal=True)
    assert (d["workdays_late"], d["workdays_late_assumed"]) == (25, True)
    assert request_detail(reg, ref, date(2026, 12, 31), personal=True)["workdays_late_assumed"] is False
    reg.close()
    _enter_notice(db_url)       # made up, see the module's docstring
    assert main(["register", "due", "--db", db_url]) == 0
    assert capsys.readouterr().out == f"{ref}\t已超期：答复期限 2026-11-30，已超过25个工作日\t张*\t街道2026年低保名单\n"
    reg = _register(db_url, settings, date(2027, 1, 5))
    d = request_detail(reg, ref, date(2027, 1, 5), personal=True)
    assert (d["workdays_late"], d["workdays_late_assumed"]) == (25, False)
    reg.close()


def _a_web_bodys_register_counts_on_the_site_calendar(body: str, site: str, settings, monkeypatch, capsys) -> None:
    """A request of a web body's register (``body``) extended in December; the made-up 2027 notice
    entered in the site's calendar (``site``); the register opened as the CLI opens it counts on
    that notice, lists it, and refuses `calendar add` (exit 1; the caller reads the message)."""
    from gongkai.cli import main
    from gongkai.db import Database

    reg = Register(body, settings=settings, today=date(2026, 12, 30), create=True)
    ref = _new(reg, date(2026, 12, 4))
    reg.record(ref, "extended", date(2026, 12, 30), "王文书", reason="需要调取档案")
    reg.close()
    store = Database(site, ("gongkai.workdays",), what="节假日安排")
    add_notice(store, 2027, MADE_UP_2027["holidays"], MADE_UP_2027["workdays"], MADE_UP_2027["notice"], "admin1")
    store.close()

    reg = Register(body, settings=settings, today=date(2027, 1, 20))   # as the CLI opens it: no calendar given
    assert reg.case(ref).clock.due_text == "2027-01-31"
    reg.close()
    monkeypatch.setenv("GONGKAI_TODAY", "2027-01-20")
    assert main(["register", "calendar", "list", "--db", body]) == 0
    assert "2027 年：国办发明电〔2026〕测试号（虚构）；放假 18 天，调休上班 2 天（admin1 录入于 " in capsys.readouterr().out
    assert main(["register", "calendar", "add", "--year", "2027", "--notice", "x", "--holidays", "2027-01-01",
                 "--db", body]) == 1


def test_a_body_register_of_the_web_site_counts_on_the_site_calendar_at_the_command_line_too(
        capsys, tmp_path, settings, monkeypatch):
    """The web keeps one calendar for the site (registers/calendar.sqlite3) and counts each body's
    register (registers/body-N.sqlite3) on it.  The CLI opened on that file counted on the file's
    own, empty table: the administrator's notice unseen (2027-02-01（推算） where the web said
    2027-01-31), and `calendar add` there stored a notice the web never reads."""
    site = tmp_path / "registers"
    body = str(site / "body-1.sqlite3")
    _a_web_bodys_register_counts_on_the_site_calendar(body, str(site / "calendar.sqlite3"), settings, monkeypatch,
                                                       capsys)
    assert capsys.readouterr().err == (
        f"gongkai：{body}：这是网页应用中一个机关的台账：全站的节假日安排只有一份，由系统管理员在网页的“节假日安排”页"
        f"（/register/calendar/）录入，各机关的期限都按它计算；本次未录入（网页的节假日安排：{site / 'calendar.sqlite3'}）\n")
    with open_registers(body) as db:   # nothing stored in the body's own table
        assert db.scalar("SELECT COUNT(*) FROM workday_notices") == 0


def test_the_exports_for_people_mark_an_estimated_due_date(db_url, settings):
    """The 答复期限 written for people (the step export's registration row, the 申请一览 sheet) said
    2027-01-08 before the 2027 notice, as if certain, where every list says 2027-01-08（推算）."""
    from gongkai.register.exchange import export_rows, summary_rows

    reg = _register(db_url, settings, date(2026, 12, 30))
    ref = _new(reg, date(2026, 12, 10))

    def shown():
        header, rows = export_rows(reg)
        sheet_header, sheet = summary_rows(reg)
        registration = next(r for r in rows if r[header.index("编号")] == ref)   # the notice has a row of its own
        return registration[header.index("答复期限")], sheet[0][sheet_header.index("答复期限")]

    assert shown() == ("2027-01-08（推算）", "2027-01-08（推算）")
    assert reg.history(ref)[0].data["told_due"] == "2027-01-08（推算）"
    reg.close()
    _enter_notice(db_url)
    reg = _register(db_url, settings, date(2027, 1, 20))
    assert shown() == ("2027-01-08", "2027-01-08")
    reg.close()


def test_a_request_is_not_closed_for_an_unpaid_fee_on_an_estimated_period(db_url, settings):
    """Fee notice delivered 21 December 2026: the 20 working days to pay end 2027-01-19 counted
    over estimated days.  On 20 January the office could close the request as 逾期未缴费 and the
    letter stated 缴费期限至2027年1月19日 as certain; a 补假 would have given the applicant more
    days.  Refused until the notice is entered; then recorded, the letter on the published days."""
    from gongkai.errors import GongkaiError

    reg = _register(db_url, settings, date(2027, 1, 20))
    ref = _new(reg, date(2026, 12, 14))
    reg.record(ref, "fee_notice", date(2026, 12, 21), "王文书", basis="pages", units=40, payment="银行转账")
    reg.record(ref, "delivered", date(2026, 12, 21), "王文书", event=2, method="直接送达")
    with pytest.raises(GongkaiError) as err:
        reg.record(ref, "replied", date(2027, 1, 20), "王文书", outcome="other.no_fee")
    assert err.value.message == (
        "缴费期限 2027-01-19 是按周末和法定节日推算的（2027年节假日安排尚未录入），不能据此视为放弃申请：请先录入"
        "该年国务院办公厅节假日安排（gongkai register calendar add；网页：节假日安排），按公布的安排确认缴费期限已过后再登记")
    assert reg.get(ref).state == "awaiting_fee"
    reg.close()
    _enter_notice(db_url)
    reg = _register(db_url, settings, date(2027, 1, 20))
    reg.record(ref, "replied", date(2027, 1, 20), "王文书", outcome="other.no_fee")
    assert "您于2026年12月21日收到，缴费期限至2027年1月19日。" in _paras(reg, ref, "reply")[3]
    reg.close()


def test_a_body_register_of_the_web_site_on_postgresql_counts_on_the_site_calendar_too(
        capsys, pg_url, settings, monkeypatch):
    """The same on PostgreSQL, found walking a county's year there: each body's register is the schema
    register_body_N of the site's database, the site's notices the schema register_calendar.  The CLI
    given the body's register (options=-csearch_path=register_body_N) counted on the schema's own,
    empty table — 2027-02-01（推算） where the web said 2027-01-31 — and `calendar add` stored there."""
    from urllib.parse import quote

    import psycopg


    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA register_body_1")
        conn.execute("CREATE SCHEMA register_calendar")

    def in_schema(name: str) -> str:
        return f"{pg_url}&options={quote(f'-csearch_path={name}')}" if "?" in pg_url else \
            f"{pg_url}?options={quote(f'-csearch_path={name}')}"

    body, site = in_schema("register_body_1"), in_schema("register_calendar")
    _a_web_bodys_register_counts_on_the_site_calendar(body, site, settings, monkeypatch, capsys)
    assert "这是网页应用中一个机关的台账：全站的节假日安排只有一份" in capsys.readouterr().err
    with open_registers(body) as db:   # nothing stored in the body's own table
        assert db.scalar("SELECT COUNT(*) FROM workday_notices") == 0
    # a register in a schema of its own that is not a web body's: its own notices, as before
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA office")
    other = Register(in_schema("office"), settings=settings, today=date(2026, 12, 30), create=True)
    ref = _new(other, date(2026, 12, 4))
    other.record(ref, "extended", date(2026, 12, 30), "王文书", reason="需要调取档案")
    assert other.case(ref).clock.due_text == "2027-02-01（推算）"
    other.close()


def test_a_late_correction_notice_counted_over_estimated_days_says_so(db_url, settings):
    """Received 28 December 2026, 补正 notice on 8 January 2027 before the notice: the 8th working
    day by the estimate (29–31 Dec, 4–8 Jan) — past Art. 30's 7, but a 补假 in early January would
    make it the 7th; the warning said 第8个工作日 as a fact."""
    reg = _register(db_url, settings, date(2027, 1, 8))
    ref = _new(reg, date(2026, 12, 28))
    case = reg.record(ref, "correction_requested", date(2027, 1, 8), "王文书", items="请写明文号")
    assert case.clock.warnings[0] == ("补正告知于收到申请后第8个工作日发出（按推算的节假日计，以公布的安排为准），"
                                      "超过条例第三十条规定的7个工作日")
    reg.close()
    _enter_notice(db_url)
    reg = _register(db_url, settings, date(2027, 1, 20))
    assert reg.case(ref).clock.warnings[0] == "补正告知于收到申请后第8个工作日发出，超过条例第三十条规定的7个工作日"
    reg.close()


@pytest.fixture
def shipped_cache():
    from gongkai.workdays.calendar import shipped_calendar
    yield
    shipped_calendar.cache_clear()   # after the test the real shipped calendar again


def test_two_offices_notices_are_each_compared_with_the_one_gongkai_ships(capsys, tmp_path, monkeypatch,
                                                                         shipped_cache):
    """Two offices on separate databases each enter 2027 in December; the second leaves 12
    February out of 春节 and 20 February out of the 调休.  Nothing compared them: each counted on
    its own.  A later release ships 2027 (made up here): `calendar list` and `calendar add` now
    say where an office's entry differs from it, day by day — and the office's entry still rules."""
    from gongkai.cli import main

    def run(db, *argv):
        code = main([*argv, "--db", str(tmp_path / db)])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out.splitlines()

    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-20")
    days = ",".join(sorted(d.isoformat() for d in MADE_UP_2027["holidays"]))
    wrong = ",".join(sorted(d.isoformat() for d in MADE_UP_2027["holidays"] - {date(2027, 2, 12)}))
    a = run("a.db", "register", "calendar", "add", "--year", "2027", "--notice", MADE_UP_2027["notice"],
            "--holidays", days, "--workdays", "2027-01-31,2027-02-20")
    b = run("b.db", "register", "calendar", "add", "--year", "2027", "--notice", MADE_UP_2027["notice"],
            "--holidays", wrong, "--workdays", "2027-01-31")
    assert len(a) == len(b) == 1   # this release ships nothing for 2027: nothing to compare with
    assert len(run("b.db", "register", "calendar", "list")) == 4

    ship_2027(monkeypatch)          # the office upgrades to a release that carries 2027
    shipped = "gongkai 随附的 2027 年安排（国办发明电〔2026〕随附测试号（虚构））"
    assert run("a.db", "register", "calendar", "list")[2] == f"  与 {shipped}一致"
    differs = (f"与 {shipped}不同：随附安排放假、录入的安排上班：2027-02-12；随附安排上班、录入的安排放假：2027-02-20。"
               "期限仍按录入的安排计算，请核对国务院办公厅通知，录入有误时更正")
    listed = run("b.db", "register", "calendar", "list")
    assert listed[1].startswith(f"2027 年：{MADE_UP_2027['notice']}；放假 17 天，调休上班 1 天（")
    assert listed[2] == f"  {differs}"
    # the office's entry rules: 12 February counts as a working day in b's register
    with open_registers(str(tmp_path / "b.db")) as db:
        assert load_calendar(db).info(date(2027, 2, 12)).workday
    # entered once the release ships the year, the entry is compared at once
    c = run("c.db", "register", "calendar", "add", "--year", "2027", "--notice", MADE_UP_2027["notice"],
            "--holidays", wrong, "--workdays", "2027-01-31")
    assert c[1] == f"本次录入的安排{differs}"
    # a year of chinesecalendar's own (2026) entered by an office is compared with it too
    law = "2026-01-01,2026-02-16..2026-02-23,2026-04-06,2026-05-01..2026-05-05,2026-06-19,2026-09-25,2026-10-01..2026-10-07"
    d = run("d.db", "register", "calendar", "add", "--year", "2026", "--notice", "x", "--holidays", law)
    assert d[1] == ("本次录入的安排与 gongkai 随附的 2026 年安排（chinesecalendar 数据）不同：随附安排放假、录入的安排上班："
                    "2026-01-02；随附安排上班、录入的安排放假：2026-01-04、2026-02-14、2026-02-28、2026-05-09、2026-09-20、"
                    "2026-10-10。期限仍按录入的安排计算，请核对国务院办公厅通知，录入有误时更正")


def test_two_offices_or_an_office_and_its_site_that_enter_a_year_differently_are_told(capsys, tmp_path,
                                                                                       monkeypatch):
    """Two offices of one body on separate databases (the configured store GONGKAI_DB and another
    --db), or an office and its web site, each enter 2027's notice, one leaving 12 February out of
    春节 and 20 February out of the 调休: nothing compared them (each only with what gongkai ships,
    which has no 2027 yet). `calendar add` and `calendar list` now name both entries and the days
    they differ on; each store still counts on its own entry."""
    from gongkai.cli import main
    from gongkai.db import Database

    def run(db, *argv):
        code = main([*argv, "--db", str(db)])
        out, err = capsys.readouterr()
        assert code == 0, err
        return re.sub(r"录入于 2026-12-20 \d\d:\d\d", "录入于 2026-12-20 时:分", out).splitlines()

    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-20")
    a, b, site = tmp_path / "办公室.db", tmp_path / "业务科.db", tmp_path / "site"
    monkeypatch.setenv("GONGKAI_DB", str(a))                          # the office's own register
    monkeypatch.setenv("GONGKAI_WEB_HOME", str(site))
    days = ",".join(sorted(d.isoformat() for d in MADE_UP_2027["holidays"]))
    wrong = ",".join(sorted(d.isoformat() for d in MADE_UP_2027["holidays"] - {date(2027, 2, 12)}))
    assert run(a, "register", "calendar", "add", "--year", "2027", "--notice", MADE_UP_2027["notice"],
               "--holidays", days, "--workdays", "2027-01-31,2027-02-20", "--by", "王文书") == [
        "已录入 2027 年节假日安排（放假 18 天，调休上班 2 天），并按新安排重新计算了 0 件申请的期限"]
    told = (f"2027 年的节假日安排，台账数据库 {b} 中录入的（国办发明电〔2026〕测试号（虚构），李科长 录入于 2026-12-20 时:分）"
            f"与台账数据库 {a} 中录入的（国办发明电〔2026〕测试号（虚构），王文书 录入于 2026-12-20 时:分）不同："
            "前者放假、后者上班：2027-02-20；前者上班、后者放假：2027-02-12。"
            "期限按前者计算；请核对国务院办公厅通知，录入有误的一方更正")
    assert run(b, "register", "calendar", "add", "--year", "2027", "--notice", MADE_UP_2027["notice"],
               "--holidays", wrong, "--workdays", "2027-01-31", "--by", "李科长") == [
        "已录入 2027 年节假日安排（放假 17 天，调休上班 1 天），并按新安排重新计算了 0 件申请的期限", f"注意：{told}"]
    assert run(b, "register", "calendar", "list")[2] == f"  注意：{told}"
    a.chmod(0o640)                                     # a's file, shared with its office's group:
    run(b, "register", "calendar", "list")
    assert a.stat().st_mode & 0o777 == 0o640           # read for the comparison, its mode left alone
    with open_registers(str(b)) as db:                 # b's own entry still rules b's register
        assert load_calendar(db).info(date(2027, 2, 12)).workday
    assert len(run(a, "register", "calendar", "list")) == 4   # b is no store a's settings name
    # the web site's calendar (GONGKAI_WEB_HOME) with b's days: a's list names it
    cal = site / "registers" / "calendar.sqlite3"
    with Database(str(cal), ("gongkai.workdays",), what="节假日安排") as db:
        add_notice(db, 2027, MADE_UP_2027["holidays"] - {date(2027, 2, 12)}, {date(2027, 1, 31)},
                   "国办发明电〔2026〕测试号（虚构）", "系统管理员")
    listed = run(a, "register", "calendar", "list")
    assert listed[2:] == [
        f"  注意：2027 年的节假日安排，台账数据库 {a} 中录入的（国办发明电〔2026〕测试号（虚构），王文书 录入于 2026-12-20 时:分）"
        f"与网页应用的全站节假日安排（{cal}）中录入的（国办发明电〔2026〕测试号（虚构），系统管理员 录入于 2026-12-20 时:分）不同："
        "前者放假、后者上班：2027-02-12；前者上班、后者放假：2027-02-20。期限按前者计算；请核对国务院办公厅通知，录入有误的一方更正",
        "已知节假日安排截至：2027-12-31", listed[-1]]
    # a body's register of that site, opened at the command line, counts on the site's entry: told of a's
    body = site / "registers" / "body-1.sqlite3"
    open_registers(str(body)).close()
    assert run(body, "register", "calendar", "list")[2] == (
        f"  注意：2027 年的节假日安排，网页应用的全站节假日安排（{cal}）中录入的（国办发明电〔2026〕测试号（虚构），"
        f"系统管理员 录入于 2026-12-20 时:分）与台账数据库 {a} 中录入的（国办发明电〔2026〕测试号（虚构），王文书 录入于 "
        "2026-12-20 时:分）不同：前者放假、后者上班：2027-02-20；前者上班、后者放假：2027-02-12。"
        "期限按前者计算；请核对国务院办公厅通知，录入有误的一方更正")


def test_due_and_the_request_page_mark_working_days_left_counted_over_estimated_days(
        capsys, db_url, settings, monkeypatch):
    """Received 2026-12-21, due 2027-01-19（推算）, open on 2027-01-05 before the 2027 notice: the
    10 working days left were told as if certain (`register due` 还剩10个工作日, the API's
    workdays_left with no flag), though every one of them is judged by rule."""
    from gongkai.cli import main
    from gongkai.web.regsvc import request_detail

    reg = _register(db_url, settings, date(2026, 12, 21))
    ref = _new(reg, date(2026, 12, 21))
    reg.close()
    monkeypatch.setenv("GONGKAI_TODAY", "2027-01-05")
    assert main(["register", "due", "--within", "10", "--db", db_url]) == 0
    assert capsys.readouterr().out == (f"{ref}\t即将到期：2027-01-19（推算），还剩10个工作日（推算）\t张*\t"
                                       "街道2026年低保名单\n")
    reg = _register(db_url, settings, date(2027, 1, 5))
    d = request_detail(reg, ref, date(2027, 1, 5), personal=True)
    assert (d["due_on"], d["due_assumed"], d["workdays_left"], d["workdays_left_assumed"]) == (
        "2027-01-19", True, 10, True)
    reg.close()
    _enter_notice(db_url)       # made up, see the module's docstring: the same days, now certain
    assert main(["register", "due", "--within", "10", "--db", db_url]) == 0
    assert capsys.readouterr().out == f"{ref}\t即将到期：2027-01-19，还剩10个工作日\t张*\t街道2026年低保名单\n"
    reg = _register(db_url, settings, date(2027, 1, 5))
    d = request_detail(reg, ref, date(2027, 1, 5), personal=True)
    assert (d["due_on"], d["due_assumed"], d["workdays_left"], d["workdays_left_assumed"]) == (
        "2027-01-19", False, 10, False)
    reg.close()


def test_the_years_shipped_are_the_library_s_and_the_project_table_s(monkeypatch, shipped_cache):
    """What the calendar page says this installation knows: chinesecalendar's years and those of
    the project's own table — 2027 when a release ships it (MADE UP: ship_2027), and a year shipped
    after a gap named apart (2028 alone, its days here only the statutory festivals, made up too)."""
    import copy

    from gongkai.workdays import calendar as C

    assert C.shipped_years() == "2004–2026"
    ship_2027(monkeypatch)
    assert C.shipped_years() == "2004–2027"
    data = copy.deepcopy(C._shipped_data())
    data["years"] = {2028: {"notice": "虚构", "holidays": sorted(statutory_holidays(2028)), "workdays": []}}
    monkeypatch.setattr(C, "_shipped_data", lambda: data)
    C.shipped_calendar.cache_clear()
    assert C.shipped_years() == "2004–2026、2028"


def test_an_estimated_due_date_stays_marked_once_the_request_is_answered(db_url, settings, capsys, monkeypatch):
    """Found in the town clerk's January walk: received 7 Dec 2026, extended on 30 Dec, answered on
    14 Jan 2027 before the 2027 notice was entered: `register show` and the export said the due
    date 2027-02-02（推算）, `register list` and the web's list and request page 2027-02-02 as if it
    were the published arrangement (the mark was dropped for an answered request)."""
    from gongkai.cli import main
    from gongkai.web.regsvc import list_requests, request_detail

    reg = _register(db_url, settings, date(2027, 1, 20))
    ref = _new(reg, date(2026, 12, 7))
    reg.record(ref, "extended", date(2026, 12, 30), "王文书", reason="需要逐户核对")
    reg.record(ref, "replied", date(2027, 1, 14), "王文书", outcome="granted", ground="2")
    assert "答复期限：2027-02-02（推算）" in reg.case(ref).clock.render()
    monkeypatch.setenv("GONGKAI_TODAY", "2027-01-20")
    assert main(["register", "list", "--db", db_url]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].split("\t")[5:8] == ["2027-02-02（推算）", "2027-01-14", "按时"]
    assert "注意：标有“（推算）”的期限用到了尚未录入节假日安排的年份" in err
    [row], _, _ = list_requests(reg, date(2027, 1, 20))
    assert (row.due_on, row.due_assumed) == (date(2027, 2, 2), True)
    assert request_detail(reg, ref, date(2027, 1, 20), personal=True)["due_assumed"] is True
    _enter_notice(db_url)   # the notice entered: the date is the arrangement's, unmarked
    assert main(["register", "list", "--db", db_url]) == 0
    assert capsys.readouterr().out.splitlines()[1].split("\t")[5] == "2027-02-01"   # a 调休 Sunday worked
