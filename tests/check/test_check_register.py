"""The text's on-time claims against the request register the report's table 3 comes from."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gongkai.check import check_report
from gongkai.check.register import Late, RegisterFacts
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
                                         Late("2025-000003", date(2025, 12, 1), None)))
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
