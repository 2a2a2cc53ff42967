"""What a new user meets before there is anything to work on: said, not an empty table."""

from __future__ import annotations

from pathlib import Path

from gongkai.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_stats_of_a_corpus_with_no_report_says_to_ingest_first(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    (tmp_path / "empty").mkdir()
    assert main(["ingest", "--db", db, "-q", str(tmp_path / "empty")]) == 0  # made, nothing in it
    capsys.readouterr()
    assert main(["stats", "--db", db]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()[-1]) == ("", "gongkai：语料库中还没有报告。先用 gongkai ingest 报告目录/ 导入。")


def test_stats_of_a_body_the_corpus_has_no_report_of_says_so(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["ingest", "--db", db, "-q", str(ROOT / "examples" / "crawler-text")]) == 0
    capsys.readouterr()
    for level in ("body", "county"):  # printed an empty table, exit 0
        assert main(["stats", "--db", db, "--level", level, "--agency", "不存在的机关"]) == 1
        out, err = capsys.readouterr()
        assert (out, err.splitlines()[-1]) == ("", "gongkai：语料库中没有机关“不存在的机关”的报告。")


def test_ingest_of_paths_that_do_not_exist_makes_no_corpus(tmp_path, capsys):
    db = tmp_path / "c.db"
    assert main(["ingest", "--db", str(db), "-q", str(tmp_path / "nothing"), "无此目录/"]) == 1
    assert capsys.readouterr().err == f"gongkai：{tmp_path}/nothing、无此目录/：文件或文件夹不存在，未建立或改动语料库。\n"
    assert not db.exists()


def test_users_list_of_a_new_site_says_how_to_make_the_first_account(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "GONGKAI_WEB_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "gongkai", "users", "list"], capture_output=True, text=True, env=env,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "", "gongkai：还没有账户。用 gongkai users add 用户名 --role admin 创建系统管理员，或 gongkai serve --create-admin 用户名。\n")


def test_an_excel_register_given_to_parse_is_named_for_what_it_is(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["编号", "申请人"])
    book.save(tmp_path / "台账.xlsx")
    assert main(["parse", str(tmp_path / "台账.xlsx")]) == 1
    assert capsys.readouterr().err == (f"gongkai：{tmp_path}/台账.xlsx：这是 Excel 工作簿，不是年度报告。"
                                       "台账请用 gongkai register import 或 gongkai log import 导入。\n")


def test_reading_a_register_or_log_that_is_not_there_is_said_not_shown_empty(tmp_path, capsys):
    db = tmp_path / "台帐.db"  # a mistyped name: 台帐 for 台账
    assert main(["register", "table3", "--year", "2025", "--db", str(db)]) == 1
    assert capsys.readouterr() == ("", f"gongkai：{db}：台账数据库不存在：还没有登记过申请？"
                                       "先用 gongkai register add 登记，或用 --db 指定已有的台账\n")
    assert main(["log", "table2", "--year", "2025", "--db", str(db)]) == 1
    assert capsys.readouterr() == ("", f"gongkai：{db}：台账数据库不存在：还没有登记过文件？"
                                       "先用 gongkai log add 登记，或用 --db 指定已有的台账\n")
    assert not db.exists()
