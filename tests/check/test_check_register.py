"""The text's on-time claims against the request register the report's table 3 comes from."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from gongkai.check import check_report
from gongkai.check.register import Fee, Late, RegisterFacts
from gongkai.cli import main
from gongkai.model import Report, Section
from gongkai.register import register_facts
from gongkai.register.settings import shipped_settings
from gongkai.register.store import Applicant, NewRequest, Register
from gongkai.workdays import load_calendar

CLAIM = "2025年，本机关共受理政府信息公开申请3件，均在法定期限内予以答复。"


@pytest.fixture
def register_url(tmp_path, monkeypatch):
    """2025: one request answered in time, one late, one unanswered past its due date at the
    year's end; one of 2024 answered late in 2024 (another year)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    url = str(tmp_path / "register.db")
    with Register(url, calendar=load_calendar(), settings=shipped_settings(), create=True) as reg:
        def add(on: date, name: str) -> str:
            who = Applicant("natural_person", name, name, "13800000000", "", "某路1号")
            return reg.add(NewRequest(who, "in_person", "某项目批复", on), "王办事员")

        old = add(date(2024, 3, 1), "甲")
        reg.record(old, "replied", date(2024, 5, 6), "王办事员", outcome="granted")
        in_time, late = add(date(2025, 3, 3), "乙"), add(date(2025, 9, 26), "丙")
        add(date(2025, 11, 3), "丁")  # still open
        reg.record(in_time, "replied", date(2025, 3, 20), "王办事员", outcome="granted")
        reg.record(late, "replied", date(2025, 11, 5), "王办事员", outcome="granted")  # due 30 October
    return url


def _report(text: str = CLAIM) -> Report:
    return Report(year=2025, format="2021", sections=[Section(1, "总体情况", text)])


def test_register_facts_are_the_years_late_requests(register_url):
    facts = register_facts(register_url, 2025)
    # request numbers run per year (2025-000001 is the one answered in time)
    assert facts == RegisterFacts(2025, (Late("2025-000002", date(2025, 10, 30), date(2025, 11, 5)),
                                         Late("2025-000003", date(2025, 12, 1), None)), fees=())
    assert register_facts(register_url, 2024).late == (Late("2024-000001", date(2024, 3, 29), date(2024, 5, 6)),)


def test_an_on_time_claim_against_the_register(register_url):
    found = [f for f in check_report(_report(), register=register_facts(register_url, 2025)) if f.rule == "TEXT-CLAIM"]
    assert [(f.severity, f.cells, f.quote) for f in found] == [("error", ["table3.total.total"], CLAIM)]
    assert found[0].message == (
        "正文称“均在法定期限内予以答复”，而依申请公开台账记载 2025 年有 2 件申请未在法定期限内答复：2025-000002（答复期限 2025-10-30，"
        "2025-11-05 答复）；2025-000003（答复期限 2025-12-01，年底仍未答复）。请更正正文的说法（或先核对台账的记录）。")
    quiet = "2025年，本机关共受理政府信息公开申请3件。"
    assert [f for f in check_report(_report(quiet), register=register_facts(register_url, 2025))
            if f.rule == "TEXT-CLAIM"] == []


def test_check_and_build_take_the_register(register_url, tmp_path, capsys):
    path = tmp_path / "r.json"
    path.write_text(_report().to_json(), encoding="utf-8")
    assert main(["check", str(path), "--json", "--register", "--db", register_url]) == 1
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert rules.count("TEXT-CLAIM") == 1
    assert main(["check", str(path), "--db", register_url]) == 1
    assert "--db 只能与 --register 一起使用" in capsys.readouterr().err
    assert main(["check", str(path), "--register", "--db", str(tmp_path / "none.db")]) == 1
    err = capsys.readouterr().err
    assert "台账数据库不存在" in err and not (tmp_path / "none.db").exists()


def _fees_paid(url: str) -> None:
    """2025: 120 pages 按量 (1,100 元) paid on 15 July; a 按件 notice (15 pieces, 500 元) never paid;
    the payment of 3 December 2024's notice (40 pages, 100 元) made on 6 January 2025."""
    with Register(url, calendar=load_calendar(), settings=shipped_settings()) as reg:
        def add(on: date, name: str) -> str:
            return reg.add(NewRequest(Applicant("commercial", name, "", "", "", ""), "in_person", "图纸", on), "王办事员")

        paid, unpaid, late = add(date(2025, 7, 6), "某公司"), add(date(2025, 6, 22), "另一公司"), add(date(2024, 12, 2), "甲公司")
        reg.record(paid, "fee_notice", date(2025, 7, 8), "王办事员", basis="pages", units=120, payment="现金")
        reg.record(paid, "fee_paid", date(2025, 7, 15), "王办事员")
        reg.record(unpaid, "fee_notice", date(2025, 6, 24), "王办事员", basis="pieces", units=15, payment="现金")
        reg.record(late, "fee_notice", date(2024, 12, 3), "王办事员", basis="pages", units=40, payment="现金")
        reg.record(late, "fee_paid", date(2025, 1, 6), "王办事员")


def test_the_fees_stated_against_the_fees_paid(register_url):
    """Found in the town clerk's January walk: section 六 said "收取信息处理费0元" while the register
    recorded 1,100 元 paid (120 pages 按量); `check --register` said nothing.  The fees of a year
    are the payments made in it, at their notices' amounts; an amount in 万元 is read to the
    precision it is printed with."""
    _fees_paid(register_url)
    facts = register_facts(register_url, 2025)
    assert facts.fees == (Fee("2024-000002", date(2025, 1, 6), Decimal(100)),
                          Fee("2025-000004", date(2025, 7, 15), Decimal(1100)))
    assert register_facts(register_url, 2024).fees == ()
    paid = "（2 件：2024-000002 于 2025-01-06 缴纳 100 元；2025-000004 于 2025-07-15 缴纳 1100 元）"

    def claims(text: str) -> list[tuple]:
        report = Report(year=2025, format="2021", sections=[Section(6, "其他需要报告的事项", text)])
        return [(f.severity, f.message, f.quote) for f in check_report(report, register=facts) if f.rule == "TEXT-CLAIM"]

    for text in ("2025年，本机关收取信息处理费1200元。", "本年度共收取信息处理费0.12万元。", "本年度收取信息处理费0.1万元。"):
        assert claims(text) == [], text
    text = "2025年，本机关收取信息处理费0元（1件申请逾期未缴费）。"
    assert claims(text) == [("error", f"正文称“本机关收取信息处理费0元”，而依申请公开台账记载 2025 年收取信息处理费 1200 元{paid}。"
                                      "请更正正文（或先核对台账的收费和缴费记录）。", text)]
    assert [said for _, said, _ in claims("本机关未收取信息处理费。本年度收取信息处理费0.13万元。")] == [
        f"正文称“本年度收取信息处理费0.13万元”，而依申请公开台账记载 2025 年收取信息处理费 1200 元{paid}。"
        "请更正正文（或先核对台账的收费和缴费记录）。",
        f"正文称“未收取信息处理费”，而依申请公开台账记载 2025 年收取信息处理费 1200 元{paid}。"
        "请更正正文（或先核对台账的收费和缴费记录）。"]
    # a year with no payment: an amount stated is contradicted, 未收取 is not
    none = register_facts(register_url, 2024)
    report = Report(year=2024, format="2021", sections=[Section(6, "其他需要报告的事项", "本机关未收取信息处理费。")])
    assert [f for f in check_report(report, register=none) if f.rule == "TEXT-CLAIM"] == []
    report.sections[0].text = "2024年收取信息处理费100元。"
    [found] = [f for f in check_report(report, register=none) if f.rule == "TEXT-CLAIM"]
    assert found.message == ("正文称“2024年收取信息处理费100元”，而依申请公开台账记载 2024 年收取信息处理费 0 元（台账中没有缴费记录）。"
                             "请更正正文（或先核对台账的收费和缴费记录）。")


def test_fees_are_not_compared_for_a_year_the_register_holds_only_in_part(register_url):
    """A register kept from 1 July 2025 does not know the fees paid before: none compared."""
    _fees_paid(register_url)
    with Register(register_url) as reg:
        reg.declare_kept_since(date(2025, 7, 1), "王办事员")
    assert register_facts(register_url, 2025).fees is None
    report = Report(year=2025, format="2021", sections=[Section(6, "其他需要报告的事项", "本机关未收取信息处理费。")])
    assert [f for f in check_report(report, register=register_facts(register_url, 2025)) if f.rule == "TEXT-CLAIM"] == []
