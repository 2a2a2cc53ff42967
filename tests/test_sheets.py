"""gongkai.sheets: the one reader of the CSV and Excel tables the request register and the log
import — the same bounds and the same Chinese messages, naming the file, the sheet and the row,
whichever register reads it."""

from __future__ import annotations

import os

import openpyxl
import pytest

from gongkai import sheets
from gongkai.cli import main

IMPORTS = [("register", "import"), ("log", "import")]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for var in ("GONGKAI_REGISTER_SETTINGS", "GONGKAI_DISCLOSURE_VOCAB", "GONGKAI_DB"):
        monkeypatch.delenv(var, raising=False)


# the columns of a kept 台账 the register reads, as its refusal lists them
USABLE = ("编号、申请人类型、申请人、提交方式、申请内容、件数、提交日期、签收或确认日期、证件号码、联系电话、电子邮箱、"
          "通信地址、补正告知日期、补正期限、补正事项、收到补正日期、征求意见日期、收到意见日期、延期日期、延期工作日、"
          "延期理由、收费通知日期、收费方式、件数或页数、收费金额、缴费日期、办理结果、答复日期、撤回日期、归档日期")

def refusals(capsys, tmp_path, path) -> set[str]:
    """What both imports say of ``path`` (exit status and stderr); nothing may be imported."""
    said = set()
    for argv in IMPORTS:
        code = main([*argv, str(path), "--db", str(tmp_path / "r.db")])
        out, err = capsys.readouterr()
        assert code == 1 and out == "", (argv, out, err)
        said.add(err)
    return said


def test_a_csv_the_csv_module_cannot_parse_is_refused_by_both_with_its_line(capsys, tmp_path):
    path = tmp_path / "台账.csv"    # a field longer than the csv module's limit (131,072 characters)
    path.write_text("申请人类型,申请人,标题\n自然人,张三,x\n自然人,李四," + "长" * 140_000 + "\n", encoding="utf-8")
    assert refusals(capsys, tmp_path, path) == {   # the register's import showed an internal error
        f"gongkai：{path}：第3行：CSV 格式错误（有无法解析的字符、未闭合的引号或过长的字段）\n"}


def test_a_named_pipe_is_refused_by_both_without_waiting_for_a_writer(capsys, tmp_path):
    path = tmp_path / "台账.csv"
    os.mkfifo(path)               # the register's import read it and waited for ever
    assert refusals(capsys, tmp_path, path) == {f"gongkai：{path}：这是一个命名管道（FIFO），不是普通文件，已拒绝读取。\n"}


def test_the_same_bounds_on_rows_and_columns(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)
    path = tmp_path / "多.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "办理记录"
    for n in range(5):
        wb.active.append(["自然人", f"申请人{n}"])
    wb.save(path)
    assert refusals(capsys, tmp_path, path) == {f"gongkai：{path}：工作表“办理记录”：文件超过 3 行，请分批导入\n"}
    monkeypatch.setattr(sheets, "MAX_COLUMNS", 4)
    path = tmp_path / "宽.csv"
    path.write_text("申请人类型,申请人\n" + ",".join("x" * 5) + "\n", encoding="gb18030")
    assert refusals(capsys, tmp_path, path) == {f"gongkai：{path}：第2行超过 4 列（台账和名单都不会这样宽），请检查是否选错了文件\n"}


def test_problems_in_a_workbook_name_its_sheet_and_row(capsys, tmp_path):
    path = tmp_path / "台账.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "二〇二五年"
    wb.active.append(["某某局依申请公开台账"])        # a title row above the header (the log skips it)
    wb.active.append(["标题", "申请人", "签收日期"])
    wb.save(path)
    said = sorted(refusals(capsys, tmp_path, path))
    assert said == [f"gongkai：{path}：工作表“二〇二五年”第1行：表头中有无法识别的列：“某某局依申请公开台账”"
                    f"（未导入任何数据；可用的列：{USABLE}）\n",
                    f"gongkai：{path}：工作表“二〇二五年”第2行：无法识别的列名“申请人”\n"]


def test_read_table_finds_the_header_under_a_title_and_drops_empty_rows(tmp_path):
    path = tmp_path / "list.xlsx"
    wb = openpyxl.Workbook()
    for row in (["某某局主动公开台账"], [], ["标题", "形成日期", None, None], [None], ["甲", 12.0], [" ", None]):
        wb.active.append(row)
    wb.save(path)
    t = sheets.read_table(path, ("标题",))
    assert (t.sheet, t.header, t.header_line, t.rows) == ("Sheet", ["标题", "形成日期"], 3, [(5, ["甲", 12.0])])
    assert (t.where(5), sheets.text(12.0)) == ("工作表“Sheet”第5行", "12")


def test_write_tables_keeps_text_as_text_and_reads_back(tmp_path):
    # a vertical tab pasted from Word made the Excel export an internal error (openpyxl refuses it)
    rows = [["=1+1", "2025-000001", 3, "申请人", "某文件\x0b第二行\x01", "字面的_x0041_与_x005F_"]]
    for name in ("out.xlsx", "out.csv"):
        sheets.write_tables(tmp_path / name, [("办理记录", ["a", "b", "c", "d", "e", "f"], rows), ("一览", ["x"], [["y"]])])
        t = sheets.read_table(tmp_path / name)
        assert t.header == ["a", "b", "c", "d", "e", "f"]
        assert [sheets.text(c) for c in t.rows[0][1]] == ["=1+1", "2025-000001", "3", "申请人", "某文件\x0b第二行\x01",
                                                          "字面的_x0041_与_x005F_"]
    assert openpyxl.load_workbook(tmp_path / "out.xlsx").sheetnames == ["办理记录", "一览"]
    with pytest.raises(Exception, match="只能导出为 .csv 或 .xlsx 文件"):
        sheets.write_tables(tmp_path / "out.ods", [("办理记录", ["a"], [])])


def test_a_workbook_written_twice_is_the_same_bytes(tmp_path):
    # openpyxl dated its members and the core properties' created/modified by the clock: two exports
    # of the same register differed.  Now nothing in the file comes from the clock.
    import zipfile

    tables = [("办理记录", ["a", "b"], [["甲", 1]])]
    first = sheets.write_tables(tmp_path / "1.xlsx", tables).read_bytes()
    with zipfile.ZipFile(tmp_path / "1.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "dcterms:created" not in core and "dcterms:modified" not in core
    assert sheets.write_tables(tmp_path / "2.xlsx", tables).read_bytes() == first
    assert sheets.read_table(tmp_path / "2.xlsx").rows == [(2, ["甲", 1])]
