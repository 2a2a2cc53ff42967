"""The library face: ``import gongkai`` is light, and parse/load/check/render/Register/Log work
as README's "在 Python 中使用" section shows."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gongkai
from tests.conftest import EXAMPLES, seed


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=EXAMPLES.parent)


def test_the_one_liner_of_the_readme_prints_the_findings():
    p = _python("import gongkai; r = gongkai.parse('examples/huaian-city-2024.pdf'); print(gongkai.check(r))")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "提示［LAST-YEAR］第五部分没有提到上一年度报告所列问题的整改情况。条例第五十条要求报告“存在的主要问题及改进情况”，写明上年度所列问题改进得怎样，读者才能对照；如上年报告列有问题，建议补充。（第5页 第2行）",
        "共 1 项：错误 0 项，警告 0 项，提示 1 项。"]


def test_import_gongkai_loads_nothing_heavy():
    p = _python("import sys, gongkai; print(sorted(m for m in sys.modules if m.startswith(('gongkai', 'yaml', 'lxml'))))")
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "['gongkai', 'gongkai.errors']"


def test_check_and_render_are_callable_whichever_way_they_were_imported(tmp_path):
    import gongkai.check
    import gongkai.render
    from gongkai.check import check_report

    report = gongkai.load(seed("000"))
    findings = gongkai.check(report)
    assert isinstance(findings, gongkai.Findings) and findings == check_report(report)
    assert [f.rule for f in findings] == ["SECTION-MISSING", "TABLE-MISSING", "TEXT-SUM", "LAST-YEAR"]
    assert str(findings).splitlines()[-1] == "共 4 项：错误 2 项，警告 1 项，提示 1 项。"
    assert str(gongkai.check(gongkai.load(EXAMPLES / "source-2024.yaml"))) == "未发现问题。"
    this, previous = gongkai.load(seed("003")), gongkai.parse(seed("002").read_bytes(), "002.txt")
    # 金积镇's report is no last year's report of 同心县: no cross-year finding is made with it
    assert [f.rule for f in gongkai.check(this, previous=previous)] == ["TEXT-TABLE", "LAST-YEAR"]
    previous.agency = this.agency  # as the same body's report of the same year: still none
    assert [f.rule for f in gongkai.check(this, previous=previous)] == ["TEXT-TABLE", "LAST-YEAR"]
    previous.year = this.year - 1  # as its report of the year before: IN-FORCE, a cross-year rule, compares them
    assert [f.rule for f in gongkai.check(this, previous=previous)] == [
        "TEXT-TABLE", "LAST-YEAR", "IN-FORCE"]
    md = gongkai.render(report, "md")
    assert md.startswith("# 吴忠市红寺堡区红寺堡镇人民政府".encode())
    out = gongkai.render(report, "md", path=tmp_path / "sub" / "r.md")
    assert out == tmp_path / "sub" / "r.md" and out.read_bytes() == md
    with pytest.raises(gongkai.BadArgument) as refused:
        gongkai.render(report, "odt")
    assert str(refused.value) == "不支持输出格式“odt”：可用 docx、pdf、html、md。"
    assert isinstance(refused.value, ValueError)  # code that caught ValueError still does
    assert repr(report) == ("<Report 吴忠市红寺堡区红寺堡镇人民政府 2021 format=2021 source=000_a0c7fabfdf456585.txt "
                            "table2/table4 findings=0>")


def test_load_all_and_errors(tmp_path):
    lines = tmp_path / "two.jsonl"
    lines.write_text(gongkai.load(seed("003")).to_json(indent=None) + "\n"
                     + gongkai.load(seed("004")).to_json(indent=None) + "\n", encoding="utf-8")
    assert [r.year for r in gongkai.load_all(lines)] == [2021, 2024]
    with pytest.raises(gongkai.NotAReport):
        gongkai.load(lines)
    with pytest.raises(gongkai.GongkaiError, match="文件不存在"):
        gongkai.parse(tmp_path / "none.pdf")
    assert "parse" in dir(gongkai) and "Register" in dir(gongkai)
    assert not hasattr(gongkai, "nothing_here")


def test_register_and_log_open_a_database(tmp_path):
    url = str(tmp_path / "registers.db")
    with gongkai.Register(url, create=True) as register:
        assert register.count() == 0
    with gongkai.Log(url, create=True) as log:
        assert log.count() == 0


def test_a_cell_id_the_format_lacks_is_an_error_not_a_blank():
    report = gongkai.load(seed("000"))
    assert report.value("table3.granted.total") is None  # 2021 format, table 3 not printed: blank
    assert report.value("table2.art20_1.normative_docs.made") == 0
    for wrong in ("table3.granted.totl", "table3", "granted.total", ""):
        with pytest.raises(gongkai.BadArgument) as refused:
            report.value(wrong)
        assert str(refused.value) == (f"国家格式中没有编号为“{wrong}”的单元格（单元格编号见 docs/schema.md，"
                                      "如 table3.granted.total）。")
    # not a string at all (report.value(3) was AttributeError: 'int' object has no attribute 'count')
    with pytest.raises(gongkai.BadArgument) as refused:
        report.value(3)  # type: ignore[arg-type]
    assert str(refused.value) == "单元格编号应是字符串（如 table3.granted.total），不是 int。"


def test_a_report_and_its_findings_as_flat_records_with_their_marks():
    # pandas.DataFrame(findings) made one column of Finding objects; a report's cells had no flat form
    report = gongkai.parse(EXAMPLES / "crawler-text" / "ptzhsyqjtj-2025.txt")
    records = gongkai.cell_records(report)
    assert len(records) == len(list(report.iter_cells())) == 200
    assert all(list(r) == ["cell_id", "table_id", "row_id", "column_id", "label", "value", "raw", "where", "inferred",
                           "basis", "candidates", "confidence"] for r in records)
    by_id = {r["cell_id"]: r for r in records}
    assert by_id["table3.new_received.total"] == {
        "cell_id": "table3.new_received.total", "table_id": "table3", "row_id": "new_received", "column_id": "total",
        "label": "表三“一、本年新收政府信息公开申请数量”行“总计”列", "value": 21, "raw": "21", "where": "line 10, char 1991",
        "inferred": True, "basis": ["row-total"], "candidates": [], "confidence": None}
    # digits run together that the sums do not cut one way: no value, the values the cuts allow
    assert {k: by_id["table2.art20_1.normative_docs.made"][k] for k in ("value", "raw", "inferred", "candidates")} == {
        "value": None, "raw": "1024", "inferred": False, "candidates": ["1", "10"]}
    findings = gongkai.check(report)
    assert findings.records() == [{"rule": f.rule, "severity": f.severity, "message": f.message, "cells": f.cells,
                                   "where": f.where, "quote": f.quote} for f in findings]
    assert [list(r) for r in findings.records()] == [["rule", "severity", "message", "cells", "where", "quote"]] * 2
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(records)
    assert (len(frame), int(frame["inferred"].sum()), int(frame["value"].isna().sum())) == (200, 28, 3)  # the 3 left open: 1024
    assert list(pandas.DataFrame(findings.records()).columns) == ["rule", "severity", "message", "cells", "where", "quote"]


def test_render_to_a_folder_or_through_a_link_keeps_them(tmp_path):
    # A link to a folder was replaced by the report's file; a folder raised IsADirectoryError in English.
    report = gongkai.load(seed("000"))
    (tmp_path / "folder").mkdir()
    (tmp_path / "to-folder").symlink_to(tmp_path / "folder")
    for given in ("folder", "to-folder"):
        with pytest.raises(gongkai.GongkaiError) as refused:
            gongkai.render(report, "md", path=tmp_path / given)
        assert str(refused.value) == f"{tmp_path / given}：无法写入：这是一个文件夹，不是文件"
    assert (tmp_path / "to-folder").is_symlink() and (tmp_path / "folder").is_dir()
    (tmp_path / "report.md").write_text("old", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(tmp_path / "report.md")
    assert gongkai.render(report, "md", path=tmp_path / "link.md") == tmp_path / "link.md"
    assert (tmp_path / "link.md").is_symlink() and (tmp_path / "report.md").read_bytes() == gongkai.render(report, "md")


def test_render_warns_what_the_official_layout_does_not_show():
    """gongkai.render wrote a parsed report's inferred values without their mark and its open cells
    blank, and said nothing: only `gongkai build` named them.  Now a UnmarkedWarning a kind names
    them, at the caller's line; a report read as printed renders without a warning."""
    import warnings

    report = gongkai.parse(EXAMPLES / "crawler-text" / "ptzhsyqjtj-2025.txt")  # 行政规范性文件 printed 1024
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        md = gongkai.render(report, "md")
    assert [w.category for w in said] == [gongkai.UnmarkedWarning, gongkai.UnmarkedWarning]
    assert {w.filename for w in said} == {__file__}
    assert str(said[0].message) == (
        "3 个单元格的数字原文连写、无法确定，生成的报告中留空，发布前请对照原件填写：表二“行政规范性文件”行“本年制发件数”列；"
        "表二“行政规范性文件”行“本年废止件数”列；表二“行政规范性文件”行“现行有效件数”列。")
    assert str(said[1].message) == (
        "28 个单元格是推断值（原文数字连写或错位，由表内合计、上年报告的数字或数字的个数拆出），生成的报告中不带标记，发布前请对照原件核对："
        "表三“一、本年新收政府信息公开申请数量”行“自然人”列；表三“一、本年新收政府信息公开申请数量”行“商业企业”列；"
        "表三“一、本年新收政府信息公开申请数量”行“科研机构”列；表三“一、本年新收政府信息公开申请数量”行“社会公益组织”列；"
        "表三“一、本年新收政府信息公开申请数量”行“法律服务机构”列等。")
    assert "| 行政规范性文件 |  |  |  |" in md.decode()
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # none at all for a report read as printed
        gongkai.render(gongkai.parse(EXAMPLES / "huaian-city-2024.pdf"), "md")


def test_a_file_name_where_a_report_belongs_is_a_bad_argument():
    """gongkai.check("2024.pdf") died in a rule with AttributeError: 'str' object has no attribute
    'sections' (previous=: 'agency'), gongkai.render("2024.pdf", "md") with a KeyError naming a
    method: a BadArgument now says the call to write."""
    report = gongkai.parse(EXAMPLES / "huaian-city-2024.pdf")
    with pytest.raises(gongkai.BadArgument) as info:
        gongkai.check("examples/huaian-city-2024.pdf")
    assert str(info.value) == ("gongkai.check 的 report 应是一份报告（Report），不是 str：请先读取，"
                               "写作 gongkai.parse('examples/huaian-city-2024.pdf')。")
    with pytest.raises(gongkai.BadArgument) as info:
        gongkai.check(report, previous=EXAMPLES.parent / "2023.pdf")
    assert str(info.value) == ("gongkai.check 的 previous 应是一份报告（Report），不是 PosixPath：请先读取，"
                               f"写作 gongkai.parse('{EXAMPLES.parent / '2023.pdf'}')。")
    with pytest.raises(gongkai.BadArgument) as info:
        gongkai.render(None, "md")
    assert str(info.value) == "gongkai.render 的 report 应是一份报告（Report），不是 NoneType：请先读取，写作 gongkai.parse(文件)。"
    assert isinstance(info.value, ValueError)
    # numbers are a corpus's: gongkai.compare(1, 2) and gongkai.parse(None) were TypeErrors of open()
    with pytest.raises(gongkai.BadArgument) as info:
        gongkai.compare(1, 2)
    assert str(info.value) == ("应给报告文件的路径（str 或 Path）或文件内容（bytes），不是 int"
                               "（语料库中的报告编号：gongkai.Corpus(…).report(编号)、.compare(编号, 编号)）。")
    with pytest.raises(gongkai.BadArgument) as info:
        gongkai.parse(None)
    assert str(info.value) == "应给报告文件的路径（str 或 Path）或文件内容（bytes），不是 NoneType。"


def test_a_database_another_program_holds_locked_is_database_unavailable(tmp_path, monkeypatch):
    """The locked database of the one hierarchy has a name of the library face to catch it by
    (gongkai.DatabaseUnavailable; it was only gongkai.db's), and nothing is half-kept."""
    import sqlite3
    from datetime import date

    import gongkai.db

    monkeypatch.setattr(gongkai.db, "BUSY_WAIT", 1)
    path = tmp_path / "台账.db"
    new = {"applicant_type": "自然人", "name": "李四", "channel": "当面", "content": "某项目的批复"}
    with gongkai.Register(path, create=True) as register:
        register.add(new, "王", date(2025, 9, 26))
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")   # another writer in the middle of its transaction
        try:
            assert register.count() == 1   # reading goes on (WAL)
            with pytest.raises(gongkai.DatabaseUnavailable) as info:
                register.add(new, "王", date(2025, 9, 26))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert register.count() == 1
    assert gongkai.DatabaseUnavailable is gongkai.db.DatabaseUnavailable
    assert isinstance(info.value, gongkai.GongkaiError)
    assert str(info.value) == (f"{path}：台账数据库正被其他程序占用，等了 1 秒仍未释放（可能是另一个正在写入它的 gongkai，"
                               "或别的程序未结束的事务）：本次操作没有完成，未提交的内容没有保存；请稍后重试。")
