"""台账起始日期: a year the register was not kept for is blank with the reason, never 0 — in
table3.compute, drill-down, ``register table3``/``since`` and ``gongkai new --log``."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
import yaml

from gongkai.cli import main
from gongkai.errors import GongkaiError
from gongkai.register.store import Applicant, NewRequest, Register, kept_since_entries
from gongkai.register.table3 import compute, coverage, drill

DAY = date(2026, 1, 5)     # January: last year is over, this one is not


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def reg(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings, today=DAY, create=True)
    yield r
    r.close()


def _cells(report):
    return {(row, c): v for row, cells in report.table3.items() for c, v in cells.items()}


def test_an_empty_register_says_nothing_of_any_year(reg):
    report = compute(reg.db, 2025, today=DAY)
    assert set(_cells(report).values()) == {None}
    assert report.notes[1:] == ["台账中没有任何申请，也没有声明台账起始日期：表三留空（没有登记不等于没有收到申请）；"
                                "请声明台账起始日期（自哪天起收到的申请都已登记）"]
    with pytest.raises(GongkaiError) as refused:
        drill(reg.db, 2025, "granted.total")
    assert refused.value.message.startswith("2025年表三此格留空：台账中没有任何申请")


def test_without_a_declaration_the_earliest_request_dates_the_register(reg):
    reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2025, 3, 10)), "甲")
    before = compute(reg.db, 2024, today=DAY)
    assert set(_cells(before).values()) == {None}
    assert before.notes[1:] == ["台账中最早的申请于2025-03-10收到，也没有声明台账起始日期：2024年不在台账记录的范围内，"
                                "表三留空（没有登记不等于没有收到申请）；如2024年的申请都已登记，请声明台账起始日期（自哪天起收到的申请都已登记）"]
    this = compute(reg.db, 2025, today=DAY)
    assert this.table3["new_received"]["natural_person"] == 1 and this.table3["granted"]["total"] == 0
    assert this.notes[1:] == ["未声明台账起始日期：按台账中最早收到的申请（2025-03-10）推定自2025年1月1日起收到的申请都已登记；"
                              "如不是这样，请声明台账起始日期（自哪天起收到的申请都已登记）"]
    # the year not yet over is said to be counted so far
    assert compute(reg.db, 2026, today=DAY).notes[-1] == "2026年尚未结束：表三是截至2026-01-05台账的数字，不是全年数"
    with pytest.raises(GongkaiError, match="2027年尚未开始（今天是2026-01-05），没有表三可算"):
        compute(reg.db, 2027, today=DAY)


def test_a_declared_start_makes_earlier_years_zero_or_blank(reg):
    reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2025, 3, 10)), "甲")
    reg.declare_kept_since(date(2024, 1, 1), "甲", "2024年起的申请都已录入")
    assert set(_cells(compute(reg.db, 2024, today=DAY)).values()) == {0}    # declared: a true 0
    assert compute(reg.db, 2024, today=DAY).notes[1:] == []
    assert set(_cells(compute(reg.db, 2023, today=DAY)).values()) == {None}
    # declared again, from mid-2025: only 结转下年度 of 2025 is known; the first declaration is kept
    reg.declare_kept_since(date(2025, 6, 1), "乙")
    assert [(e.since, e.actor, e.note) for e in kept_since_entries(reg.db)] == [
        (date(2024, 1, 1), "甲", "2024年起的申请都已录入"), (date(2025, 6, 1), "乙", "")]
    report = compute(reg.db, 2025, today=DAY)
    assert report.table3["carried_forward"]["natural_person"] == 1 and report.table3["carried_forward"]["total"] == 1
    assert report.table3["new_received"]["total"] is None and report.table3["total"]["total"] is None
    assert report.notes[1:] == ["台账自2025-06-01起登记，2025年1月1日至2025-05-31收到或办结的申请不一定都在台账中："
                                "表三只计算“结转下年度继续办理”，其余各行留空"]
    assert drill(reg.db, 2025, "carried_forward.total") == ["2025-000001"]
    assert coverage(reg.db, 2026).rows is None
    assert compute(reg.db, 2026, today=DAY).table3["carried_over"]["total"] == 1
    conn = sqlite3.connect(reg.db.path)
    for sql in ("DELETE FROM kept_since", "UPDATE kept_since SET since = '2020-01-01'"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()
    with pytest.raises(GongkaiError, match="台账起始日期 2026-02-01 晚于今天"):
        reg.declare_kept_since(date(2026, 2, 1), "甲")


def test_the_cli_prints_blanks_with_the_reason_and_declares(capsys, db_url, monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", DAY.isoformat())
    db = ("--db", db_url)
    run(capsys, "register", "add", *db, "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
        "--date", "2025-03-10")
    code, out, err = run(capsys, "register", "table3", *db, "--year", "2024")
    lines = out.splitlines()
    assert code == 0 and lines[2] == "一、本年新收政府信息公开申请数量\t—\t—\t—\t—\t—\t—\t—"
    assert err.splitlines() == [
        "gongkai：注意：台账中最早的申请于2025-03-10收到，也没有声明台账起始日期：2024年不在台账记录的范围内，表三留空"
        "（没有登记不等于没有收到申请）；如2024年的申请都已登记，请声明台账起始日期（自哪天起收到的申请都已登记）",
        "gongkai：声明台账起始日期：gongkai register since --date 日期"]
    code, out, err = run(capsys, "register", "table3", *db, "--year", "2024", "--json")
    assert code == 0 and '"new_received": {"natural_person": null' in out.replace("\n", "").replace("  ", "")
    code, out, _ = run(capsys, "register", "since", *db)
    assert code == 0 and out.startswith("未声明台账起始日期")
    code, out, _ = run(capsys, "register", "since", *db, "--date", "2024-01-01", "--actor", "李四", "--note", "全部录入")
    assert code == 0 and out.startswith("已声明台账起始日期：2024-01-01（李四，2026-01-05T")
    assert out.endswith("：自该日起收到的申请和当天仍在办理的申请都应在台账中；2023年及以前的表三留空（不是 0）。\n")
    code, out, err = run(capsys, "register", "table3", *db, "--year", "2024")
    assert code == 0 and out.splitlines()[2] == "一、本年新收政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0" and err == ""
    code, out, _ = run(capsys, "register", "since", *db)
    assert out.split("\t")[:3] == ["2024-01-01", "现行", "李四"] and out.rstrip().endswith("\t全部录入")
    code, _, err = run(capsys, "register", "table3", *db, "--year", "2023", "--cell", "granted.total")
    assert code == 1 and "2023年表三此格留空：台账自2024-01-01起登记，2023年不在台账记录的范围内" in err


def test_new_from_the_records_leaves_table3_blank_before_the_register(capsys, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", DAY.isoformat())
    db = ("--db", db_url)
    run(capsys, "register", "add", *db, "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
        "--date", "2025-03-10")
    run(capsys, "log", "add", *db, "--title", "旧办法", "--kind", "规范性文件", "--made", "2023-05-05")
    out_path = tmp_path / "s.yaml"
    code, out, err = run(capsys, "new", "--agency", "某镇人民政府", "--year", "2024", "--log", *db, "-o", str(out_path))
    # each reason a warning of its own, on stderr (they were info lines among what was taken)
    assert code == 0 and "2024年不在台账记录的范围内" not in out
    assert [line for line in err.splitlines() if "台账" in line] == [
        "gongkai：注意：台账中最早的申请于2025-03-10收到，也没有声明台账起始日期：2024年不在台账记录的范围内，表三留空"
        "（没有登记不等于没有收到申请）；如2024年的申请都已登记，请声明台账起始日期（自哪天起收到的申请都已登记）",
        "gongkai：注意：规章：台账中没有任何规章，表二按 0 件计算；如本机关有现行有效的规章，请先导入文件清单"]
    data = yaml.safe_load(out_path.read_text(encoding="utf-8"))
    assert data["table3"]["new_received"]["total"] is None and data["table3"]["total"]["total"] is None
    assert "本机关新收政府信息公开申请" not in data["sections"][2]["text"]   # no sentence of figures nobody has


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_carries_the_declarations_back(reg, tmp_path, cal, settings, suffix):
    from gongkai.register.exchange import export_file, import_file

    reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2025, 3, 10)), "甲")
    reg.declare_kept_since(date(2023, 1, 1), "甲", "2023年起全部录入")
    reg.declare_kept_since(date(2024, 1, 1), "乙")
    path = tmp_path / f"t{suffix}"
    assert export_file(reg, path) == 1
    other = Register(str(tmp_path / "other.db"), calendar=cal, settings=settings, today=DAY, create=True)
    assert import_file(other, path, "丙") == ["2025-000001"]
    assert kept_since_entries(other.db) == kept_since_entries(reg.db)    # who and when kept as recorded
    assert set(_cells(compute(other.db, 2024, today=DAY)).values()) == {0}
    other.close()
    # an export of one year holds part of the register: no declaration in it
    export_file(reg, path, year=2025)
    third = Register(str(tmp_path / "third.db"), calendar=cal, settings=settings, today=DAY, create=True)
    import_file(third, path, "丙")
    assert kept_since_entries(third.db) == [] and compute(third.db, 2024, today=DAY).table3["total"]["total"] is None
    third.close()


def test_last_years_printed_carry_over_is_checked_against_the_register(capsys, db_url, tmp_path, monkeypatch):
    """上年结转 across two years: the 2024 report printed 结转下年度 1; in January 2026 a reply of
    2024-12-30 is entered late, so the register's 2025 上年结转 is 0 — said, not silently replaced."""
    monkeypatch.setenv("GONGKAI_TODAY", DAY.isoformat())
    db = ("--db", db_url)
    run(capsys, "register", "since", *db, "--date", "2024-01-01")
    run(capsys, "register", "add", *db, "--type", "自然人", "--name", "王五", "--channel", "当面", "--content", "x",
        "--date", "2024-12-20")
    last = tmp_path / "2024.yaml"
    code, _, _ = run(capsys, "new", "--agency", "某镇人民政府", "--year", "2024", "--log", *db, "-o", str(last))
    assert code == 0 and yaml.safe_load(last.read_text(encoding="utf-8"))["table3"]["carried_forward"]["total"] == 1
    run(capsys, "register", "reply", "2024-000001", *db, "--outcome", "予以公开", "--ground", "2", "--date", "2024-12-30")
    out_path = tmp_path / "2025.yaml"
    code, out, err = run(capsys, "new", "--from", str(last), "--log", *db, "-o", str(out_path))
    assert code == 0 and "上年报告印的" not in out
    assert ("gongkai：注意：表三“二、上年结转政府信息公开申请数量”行“总计”列：上年报告印的结转下年度继续办理是 1，台账为 0"
            "（上年的申请在报告之后有更正、作废或补录？可用 gongkai register table3 --cell 核对）") in err.splitlines()
    text = out_path.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["table3"]["carried_over"]["total"] == 0
    assert "total：由依申请公开台账计算；上年报告的结转下年度继续办理印的是 1 件，与台账不一致，请核实" in text
