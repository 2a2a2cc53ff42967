"""``gongkai log …`` and ``gongkai new --log`` end to end through ``cli.main``: exit codes,
Chinese messages naming file and line, no traceback, and the figures they print."""

import json
from datetime import date

import yaml

from gongkai.cli import main
from gongkai.load import load_source
from gongkai.register.settings import shipped_settings
from gongkai.register.store import Applicant, NewRequest, Register


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_document_from_drafting_to_repeal(capsys, db_url):
    db = ("--db", db_url)
    code, out, _ = run(capsys, "log", "add", *db, "--title", "关于印发某办法的通知", "--kind", "规范性文件",
                       "--made", "2026-01-26", "--doc-no", "某发〔2026〕1号", "--draft-by", "张三", "--draft-on",
                       "2026-01-20", "--check-by", "李四", "--check-on", "2026-01-22", "--sign-by", "王五",
                       "--sign-on", "2026-01-26", "--actor", "办公室")
    assert code == 0 and "已登记 D2026-000001" in out
    assert "应于 2026-02-28 前公开" in out   # 20 working days, counting the 调休 Saturdays 2/14 and 2/28
    code, out, _ = run(capsys, "log", "due", *db, "--on", "2026-02-27", "--json")
    assert code == 0
    assert [(o["ref"], o["due"], o["status"]) for o in json.loads(out)] == [("D2026-000001", "2026-02-28", "pending")]
    code, out, err = run(capsys, "log", "publish", "D2026-000001", *db, "--channel", "政府网站", "--column",
                         "政策文件", "--on", "2026-03-02")
    assert code == 0 and "超过公开时限 2026-02-28（逾期 1 个工作日）" in err
    code, out, _ = run(capsys, "log", "due", *db, "--late", "--year", "2026", "--json")
    assert [(o["status"], o["published_on"], o["late_workdays"]) for o in json.loads(out)] == [
        ("late", "2026-03-02", 1)]
    code, out, _ = run(capsys, "log", "repeal", "D2026-000001", *db, "--on", "2026-09-01")
    assert code == 0
    code, out, err = run(capsys, "log", "repeal", "D2026-000001", *db, "--on", "2026-10-01", "--expired")
    assert code == 1 and "已于 2026-09-01 废止" in err
    code, out, _ = run(capsys, "log", "show", "D2026-000001", *db)
    assert "核稿：李四 2026-01-22" in out and "公开：2026-03-02 政府网站/政策文件" in out and "废止：2026-09-01" in out
    code, out, _ = run(capsys, "log", "list", *db, "--in-force-on", "2026-08-31", "--json")
    assert [i["ref"] for i in json.loads(out)] == ["D2026-000001"]
    code, out, _ = run(capsys, "log", "list", *db, "--in-force-on", "2026-09-01", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "log", "list", *db)   # a header row, as register list has
    assert out.splitlines() == ["编号\t制发日期\t类别\t公开属性\t文号\t标题\t公开\t状态",
                                "D2026-000001\t2026-01-26\t行政规范性文件\t主动公开\t某发〔2026〕1号\t关于印发某办法的通知\t"
                                "公开1处\t废止2026-09-01"]
    code, out, _ = run(capsys, "log", "figures", *db, "--year", "2026", "--month", "3", "--licensing", "12",
                       "--fees", "0.35")
    assert code == 0
    code, out, err = run(capsys, "log", "table2", *db, "--year", "2026", "--json")
    t2 = json.loads(out)["table2"]
    assert t2["art20_1.normative_docs"] == {"made": 1, "repealed": 1, "in_force": 0}
    assert t2["art20_5.licensing"] == {"decisions": 12} and t2["art20_6.penalty"] == {"decisions": None}
    assert t2["art20_8.admin_fees"] == {"amount": 0.35}
    code, out, err = run(capsys, "log", "table2", *db, "--year", "2026")
    assert "政府网站/政策文件\t1" in out and "行政处罚：2026年没有录入任何月份" in err


def test_bad_input_is_a_chinese_message_with_exit_1(capsys, db_url, tmp_path):
    db = ("--db", db_url)
    code, _, err = run(capsys, "log", "add", *db, "--title", "x", "--kind", "会议纪要", "--made", "2025-01-01")
    assert code == 1 and "类别“会议纪要”无法识别" in err
    code, _, err = run(capsys, "log", "add", *db, "--title", "x", "--kind", "其他", "--made", "2025-02-30")
    assert code == 1 and "形成日期“2025-02-30”不是有效日期" in err
    code, _, err = run(capsys, "log", "publish", "D2025-999999", *db, "--channel", "公开栏", "--on", "2025-03-01")
    assert code == 1 and "没有编号为 D2025-999999 的条目" in err
    code, _, err = run(capsys, "log", "add", *db, "--title", "x", "--kind", "其他", "--made", "")
    assert code == 1 and "缺少形成日期" in err  # an empty required date is refused, not stored as none
    bad = tmp_path / "清单.csv"
    bad.write_text("标题,类别,形成日期,公开属性\n好,其他,2025-01-02,主动公开\n坏,其他,2025-01-02,公开\n",
                   encoding="utf-8")
    code, _, err = run(capsys, "log", "import", str(bad), *db)
    assert code == 1
    assert f"{bad}：有 1 处问题，未导入任何内容" in err and "第3行：公开属性“公开”无法识别" in err
    code, out, _ = run(capsys, "log", "list", *db, "--json")
    assert json.loads(out) == []


def test_import_export_and_figures_through_the_cli(capsys, db_url, tmp_path):
    db = ("--db", db_url)
    src = tmp_path / "list.csv"
    src.write_text("标题,文号,类别,形成日期,公开属性,审签人,审签日期,拟稿人,拟稿日期,核稿人,核稿日期,公开渠道,公开栏目,公开日期\n"
                   "办法,某〔2025〕1号,规范性文件,2025-02-03,主动公开,丙,2025-02-03,甲,2025-02-01,乙,2025-02-02,"
                   "政府网站,政策文件,2025-02-05\n", encoding="utf-8")
    code, out, _ = run(capsys, "log", "import", str(src), *db)
    assert code == 0 and "导入 1 件" in out
    out_path = tmp_path / "out.xlsx"
    code, out, _ = run(capsys, "log", "export", str(out_path), *db)
    assert code == 0 and out_path.exists()
    code, _, err = run(capsys, "log", "export", str(out_path), *db)
    assert code == 1 and "文件已存在" in err
    figs = tmp_path / "figures.csv"
    figs.write_text("年度,月份,行政许可,行政处罚\n2025,1,3,1\n2025,2,4,\n", encoding="utf-8")
    code, out, _ = run(capsys, "log", "import", str(figs), "--figures", *db)
    assert code == 0 and "导入 3 个月度数值" in out
    code, out, _ = run(capsys, "log", "figures", *db, "--year", "2025")
    lines = out.splitlines()
    assert lines[1].split("\t")[:3] == ["1", "3", "1"] and lines[2].split("\t")[:3] == ["2", "4", "—"]   # a blank shows as —, not 0


def test_new_takes_the_log_and_the_register_as_sources(capsys, db_url, tmp_path, cal):
    db = ("--db", db_url)
    run(capsys, "log", "add", *db, "--title", "旧办法", "--kind", "规范性文件", "--made", "2023-05-05")
    run(capsys, "log", "add", *db, "--title", "新办法", "--kind", "规范性文件", "--made", "2024-05-05",
        "--draft-by", "甲", "--draft-on", "2024-05-05", "--check-by", "乙", "--check-on", "2024-05-05",
        "--sign-by", "丙", "--sign-on", "2024-05-05")
    run(capsys, "log", "publish", "D2024-000001", *db, "--channel", "政府网站", "--column", "政策文件",
        "--on", "2024-05-08")
    run(capsys, "log", "repeal", "D2023-000001", *db, "--on", "2024-05-05")
    run(capsys, "log", "figures", *db, "--year", "2024", "--month", "6", "--penalty", "7")
    reg = Register(db_url, calendar=cal, settings=shipped_settings(), create=True)
    a = reg.add(NewRequest(Applicant("natural_person", "张三", "1"), "in_person", "x", date(2024, 3, 4)), "c")
    reg.add(NewRequest(Applicant("commercial", "某公司", "2"), "in_person", "y", date(2024, 12, 30)), "c")
    reg.record(a, "replied", date(2024, 3, 20), "c", outcome="granted")
    reg.close()
    out_path = tmp_path / "source-2024.yaml"
    code, out, _ = run(capsys, "new", "--agency", "某县司法局", "--year", "2024", "--log", *db, "-o", str(out_path))
    assert code == 0 and "表三由依申请公开台账计算" in out
    data = yaml.safe_load(out_path.read_text(encoding="utf-8"))
    assert data["table2"]["art20_1.normative_docs"] == {"made": 1, "repealed": 1, "in_force": 1}
    assert data["table2"]["art20_6.penalty"] == {"decisions": 7}
    assert data["table2"]["art20_6.coercion"] == {"decisions": None}   # not entered: blank, not 0
    assert data["table3"]["new_received"]["total"] == 2 and data["table3"]["granted"]["natural_person"] == 1
    assert data["table3"]["carried_forward"]["commercial"] == 1
    assert data["sections"][0]["text"].startswith("2024年，本机关主动公开政府信息1条，各渠道公开1条次：通过政府网站公开1条次"
                                                  "（其中政策文件栏目1条次）。")
    # section 三 opens with table 3 in words, every figure the table's own
    assert data["sections"][2]["text"].startswith("2024年，本机关新收政府信息公开申请2件，上年结转0件。本年办结1件，其中予以公开1件。"
                                                  "结转下年度继续办理1件。\n\n【待办】")
    report = load_source(str(out_path)).report   # the source loads as a report
    assert report.value("table2.art20_1.normative_docs.in_force") == 1 and report.year == 2024
    # Next year from this one: without the records, last year's 结转 and 现行有效件数 are carried;
    # with them, the records replace those cells and the message says so (it claimed 185 cells).
    code, out, _ = run(capsys, "new", "--from", str(out_path), "-o", str(tmp_path / "a.yaml"))
    assert code == 0 and "gongkai：已从 " + str(out_path) + " 带入 9 个数值。" in out.splitlines()
    code, out, _ = run(capsys, "new", "--from", str(out_path), "--log", *db, "-o", str(tmp_path / "b.yaml"))
    assert code == 0 and "gongkai：已从 " + str(out_path) + " 带入 0 个数值；9 个单元格改由台账计算。" in out.splitlines()
    code, _, err = run(capsys, "new", "--agency", "某县司法局", "--year", "2024", "--log", *db, "--format", "2019",
                       "-o", str(tmp_path / "x.yaml"))
    assert code == 1 and "2021 年版格式" in err
    code, _, err = run(capsys, "new", "--agency", "某县司法局", "--year", "2024", *db, "-o", str(tmp_path / "y.yaml"))
    assert code == 1 and "--db 只能与 --log 一起使用" in err


def test_review_steps_and_changes_through_the_cli(capsys, db_url):
    db = ("--db", db_url)
    code, out, _ = run(capsys, "log", "add", *db, "--title", "通知", "--kind", "其他", "--made", "2025-09-22")
    assert code == 0 and "应于 2025-10-24 前公开" in out
    ref = "D2025-000001"
    code, _, err = run(capsys, "log", "review", ref, *db, "--step", "审签", "--by", "王五", "--on", "2025-09-22")
    assert code == 1 and "须先完成“拟稿”“核稿”" in err
    for step, who in (("拟稿", "张三"), ("核稿", "李四"), ("签发", "王五")):
        code, _, _ = run(capsys, "log", "review", ref, *db, "--step", step, "--by", who, "--on", "2025-09-22")
        assert code == 0
    run(capsys, "log", "publish", ref, *db, "--channel", "公开栏", "--on", "2025-09-23")
    code, out, _ = run(capsys, "log", "change", ref, *db, "--on", "2025-10-01", "--note", "更正附件")
    # From 10/1 (a holiday): 10/9 is the first working day, 11/4 the twentieth.
    assert code == 0 and "应于 2025-11-04 前公开（自变更之日 2025-10-01 起二十个工作日）" in out
    code, out, _ = run(capsys, "log", "due", *db, "--on", "2025-11-05", "--json")
    assert [(o["reason"], o["due"], o["status"], o["late_workdays"]) for o in json.loads(out)] == [
        ("变更", "2025-11-04", "overdue", 1)]
    code, out, err = run(capsys, "log", "table2", *db, "--year", "2025")
    assert "规章：台账中没有任何规章，表二按 0 件计算" in err   # the log holds a document: a true 0


def test_attribute_adjustment_through_the_cli(capsys, db_url):
    db = ("--db", db_url)
    run(capsys, "log", "add", *db, "--title", "名单", "--kind", "其他", "--made", "2025-09-22", "--attribute",
        "依申请公开", "--reason", "涉及第三方")
    code, out, _ = run(capsys, "log", "attribute", "D2025-000001", *db, "--to", "主动公开", "--on", "2025-10-01")
    assert code == 0 and "应于 2025-11-04 前公开（自属性调整之日 2025-10-01 起二十个工作日）" in out
    code, out, _ = run(capsys, "log", "show", "D2025-000001", *db)
    assert "属性调整：2025-10-01 依申请公开 → 主动公开" in out
    code, _, err = run(capsys, "log", "attribute", "D2025-000001", *db, "--to", "不公开", "--on", "2025-10-02")
    assert code == 1 and "须写明理由" in err


def test_an_earlier_years_document_entered_to_count_it_needs_no_review_chain(capsys, db_url):
    db = ("--db", db_url)
    run(capsys, "log", "add", *db, "--title", "旧办法", "--kind", "规章", "--made", "2019-05-01")
    code, _, err = run(capsys, "log", "publish", "D2019-000001", *db, "--channel", "公开栏", "--on", "2019-05-10")
    assert code == 1 and "尚未审签，不能公开" in err and "gongkai log add --existing" in err
    code, out, _ = run(capsys, "log", "add", *db, "--title", "旧规章", "--kind", "规章", "--made", "2019-05-01",
                       "--existing")
    assert code == 0 and "已登记 D2019-000002" in out
    code, out, _ = run(capsys, "log", "publish", "D2019-000002", *db, "--channel", "政府网站", "--column", "政策文件",
                       "--on", "2019-05-10")
    assert code == 0
    code, out, _ = run(capsys, "log", "show", "D2019-000002", *db)
    assert "存量文件（不要求审核记录）" in out and "公开：2019-05-10 政府网站/政策文件" in out
    code, out, _ = run(capsys, "log", "list", *db, "--json")
    assert [(i["ref"], i["existing"]) for i in json.loads(out)] == [("D2019-000001", False), ("D2019-000002", True)]
    # no duty to publish is computed for the 存量 document from 2019 (the log did not know it then)
    code, out, _ = run(capsys, "log", "due", *db, "--on", "2019-12-31", "--since", "2019-01-01", "--json")
    assert [o["ref"] for o in json.loads(out)] == ["D2019-000001"]
    code, out, _ = run(capsys, "log", "table2", *db, "--year", "2025", "--json")
    assert json.loads(out)["table2"]["art20_1.rules"] == {"made": 0, "repealed": 0, "in_force": 2}


def test_every_declared_entry_is_a_command_with_its_declared_options(capsys):
    # log/data/steps.yaml is the one declaration: command, help and options of each entry
    import pytest

    from gongkai.log.exchange import steps

    for spec in steps().values():
        with pytest.raises(SystemExit):
            main(["log", spec["command"], "--help"])
        out = capsys.readouterr().out
        assert spec["help"].replace(" ", "") in out.replace("\n", "").replace(" ", "")
        for name in spec.get("options") or {}:
            assert f"--{name.replace('_', '-')}" in out, (spec["command"], name)
        assert ("位置参数" in out) == bool(spec.get("ref")), spec["command"]   # the item's 台账编号


def test_the_log_counts_from_the_offices_today_and_records_nothing_after_it(capsys, db_url, monkeypatch):
    """The log's today is the register's (GONGKAI_TODAY, else the date in Asia/Shanghai): `log due`
    counted from the machine's date, and a mistyped year (2052 for 2025) was recorded as a fact."""
    monkeypatch.setenv("GONGKAI_TODAY", "2025-12-31")
    db = ("--db", db_url)
    code, _, err = run(capsys, "log", "add", *db, "--title", "某通知", "--kind", "其他", "--made", "2052-03-01")
    assert (code, err) == (1, "gongkai：形成日期 2052-03-01 晚于今天（2025-12-31），不能登记将来的事项\n")
    run(capsys, "log", "add", *db, "--title", "某通知", "--kind", "其他", "--made", "2025-12-01", "--draft-by", "甲",
        "--draft-on", "2025-12-01", "--check-by", "乙", "--check-on", "2025-12-01", "--sign-by", "丙",
        "--sign-on", "2025-12-01")
    code, _, err = run(capsys, "log", "publish", "D2025-000001", *db, "--channel", "公开栏", "--on", "2052-12-02")
    assert (code, err) == (1, "gongkai：公开日期 2052-12-02 晚于今天（2025-12-31），不能登记将来的事项\n")
    code, out, err = run(capsys, "log", "due", *db)
    assert out == "D2025-000001\t已逾期未公开\t期限2025-12-29\t形成2025-12-01，逾期2个工作日\t某通知\n"
    assert err == "gongkai：共 1 条（以 2025-12-31 为准）。\n"


def test_a_unique_beginning_of_a_choice_is_enough_and_recorded_whole(capsys, db_url):
    db = ("--db", db_url)
    code, out, _ = run(capsys, "log", "add", *db, "--title", "某通知", "--kind", "其", "--made", "2025-03-03",
                       "--attribute", "主动")
    assert code == 0
    for step, who in (("拟", "甲"), ("核", "乙"), ("审签", "丙")):   # 审 alone: 审签 or 审核 (核稿)
        assert run(capsys, "log", "review", "D2025-000001", *db, "--step", step, "--by", who, "--on", "2025-03-03")[0] == 0
    import pytest

    with pytest.raises(SystemExit) as exit_:   # 政府网站, 政府公报 and 政府信息查阅点 (查阅点) all begin so
        main(["log", "publish", "D2025-000001", *db, "--channel", "政府", "--on", "2025-03-04"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "gongkai：用法错误：参数 --channel：渠道“政府”不明确，以它开头的有：政府网站、政府公报、查阅点；请多写几个字")
    code, out, _ = run(capsys, "log", "publish", "D2025-000001", *db, "--channel", "政府网", "--column", "政策文件",
                       "--on", "2025-03-04")
    assert (code, out) == (0, "gongkai：已登记 D2025-000001 于 2025-03-04 公开。\n")
    code, out, _ = run(capsys, "log", "list", *db, "--json", "--kind", "其")
    [item] = json.loads(out)
    assert (item["kind"], item["attribute"], list(item["reviews"]), item["publications"][0]["channel"]) == (
        "other", "active", ["draft", "check", "sign"], "website")


def test_a_month_still_running_takes_no_figures(capsys, db_url, tmp_path, monkeypatch):
    """A monthly figure is a fact once the month is over (the office's today): the month running
    and months to come are refused, by the command and by an import (nothing of its file)."""
    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-03")
    db = ("--db", db_url)
    code, _, err = run(capsys, "log", "figures", *db, "--year", "2026", "--month", "12", "--licensing", "5")
    assert (code, err) == (1, "gongkai：2026年12月尚未结束（今天是 2026-12-03），该月的数值自 2027-01-01 起才能录入\n")
    code, _, err = run(capsys, "log", "figures", *db, "--year", "2026", "--month", "13", "--licensing", "5")
    assert (code, err.splitlines()[-1]) == (1, "2026年13月：月份“13”应为 1 至 12")   # not a month at all
    code, out, _ = run(capsys, "log", "figures", *db, "--year", "2026", "--month", "11", "--licensing", "5")
    assert (code, out) == (0, "gongkai：已录入 2026年11月的 1 项数据。\n")
    figs = tmp_path / "月度.csv"
    figs.write_text("年度,月份,行政许可\n2026,10,3\n2027,1,2\n", encoding="utf-8")
    code, _, err = run(capsys, "log", "import", str(figs), "--figures", *db)
    assert code == 1
    assert err.startswith(f"gongkai：{figs}：有 1 处问题，未导入任何内容")
    assert "第3行：2027年1月尚未结束（今天是 2026-12-03），该月的数值自 2027-02-01 起才能录入" in err
    code, out, _ = run(capsys, "log", "figures", *db, "--year", "2026")
    assert [line.split("\t")[1] for line in out.splitlines()[10:12]] == ["—", "5"]   # October not imported


def test_a_mistake_in_the_log_is_corrected_with_a_trace(capsys, db_url):
    """A mistyped 形成日期, a publication recorded on the wrong item: amend and void, the original
    entries kept and marked, table 2 and the duties following the corrected facts."""
    db = ("--db", db_url)
    run(capsys, "log", "add", *db, "--title", "某办法", "--kind", "规范性文件", "--made", "2025-03-10",
        "--sign-by", "王五", "--sign-on", "2024-12-20", "--draft-by", "张三", "--draft-on", "2024-12-20",
        "--check-by", "李四", "--check-on", "2024-12-20", "--actor", "甲")
    run(capsys, "log", "add", *db, "--title", "另一事项", "--kind", "其他", "--made", "2025-03-01", "--actor", "甲")
    run(capsys, "log", "publish", "D2025-000001", *db, "--channel", "政府网站", "--column", "政策文件",
        "--on", "2025-03-12", "--actor", "甲")
    code, out, err = run(capsys, "log", "amend", "D2025-000001", *db, "--entry", "1", "--field", "形成日期",
                         "--value", "2024-12-30", "--reason", "录入笔误", "--actor", "乙")
    assert code == 0, err
    assert out.splitlines()[0] == ("gongkai：已更正 D2025-000001 第1条的形成日期：“2025-03-10” → “2024-12-30”"
                                   "（原记录保留，见 gongkai log show D2025-000001）。")
    code, out, err = run(capsys, "log", "void", "D2025-000001", *db, "--entry", "4", "--reason", "r")   # its 审签
    assert (code, err.strip()) == (1, "gongkai：作废后，尚未审签，不能公开（拟稿 → 核稿 → 审签 完成后才能公开）；审核人或日期"
                                      "有误的，请更正该条（gongkai log amend）而不是作废")
    # the publication belonged to the other item: void it here (entry 5), publish it there
    code, out, err = run(capsys, "log", "void", "D2025-000001", *db, "--entry", "5", "--reason", "登记错条目",
                         "--actor", "乙")
    assert code == 0, err
    assert out == "gongkai：已作废 D2025-000001 第5条（原记录保留，见 gongkai log show D2025-000001）。\n"
    code, out, _ = run(capsys, "log", "show", "D2025-000001", *db)
    lines = out.splitlines()
    assert "  文号：—  类别：行政规范性文件  形成日期：2024-12-30" in lines
    history = lines[lines.index("  登记记录：") + 1:]
    assert history[0].startswith("    1. 2025-03-10 登记（标题：某办法；类别：行政规范性文件；公开属性：主动公开）"
                                 "【已更正形成日期（见第6条）】；经办：甲，登记于 ")
    assert history[4].startswith("    5. 2025-03-12 公开（公开渠道：政府网站；公开栏目：政策文件）【已作废（见第7条）】；经办：甲")
    assert history[5].startswith("    6. 2026-12-03 更正（第1条的形成日期：“2025-03-10” → “2024-12-30”；理由：录入笔误）；经办：乙")
    assert history[6].startswith("    7. 2026-12-03 作废（作废第5条；理由：登记错条目）；经办：乙")
    code, out, _ = run(capsys, "log", "table2", *db, "--year", "2025", "--json")
    assert json.loads(out)["table2"]["art20_1.normative_docs"] == {"made": 0, "repealed": 0, "in_force": 1}
    code, out, _ = run(capsys, "log", "table2", *db, "--year", "2024", "--json")
    assert json.loads(out)["table2"]["art20_1.normative_docs"] == {"made": 1, "repealed": 0, "in_force": 1}
    code, out, _ = run(capsys, "log", "due", *db, "--on", "2025-03-12", "--since", "2024-01-01", "--json")
    assert [(o["ref"], o["status"]) for o in json.loads(out)] == [("D2025-000001", "overdue"),
                                                                   ("D2025-000002", "pending")]
    # refusals: exact, Chinese, nothing written
    for argv, said in (
            (("amend", "D2025-000001", "--entry", "9", "--field", "标题", "--value", "x", "--reason", "r"),
             "D2025-000001 没有第9条记录（共 7 条，见 gongkai log show D2025-000001）"),
            (("amend", "D2025-000001", "--entry", "5", "--field", "公开日期", "--value", "2025-03-13", "--reason", "r"),
             "第5条已作废（第7条），不能再更正或作废"),
            (("void", "D2025-000001", "--entry", "6", "--reason", "r"),
             "第6条是更正记录，不能更正或作废；如有误，请再次更正或作废原记录（第1条）"),
            (("amend", "D2025-000001", "--entry", "2", "--field", "渠道", "--value", "x", "--reason", "r"),
             "第2条（审核）没有可更正的“渠道”，可更正：姓名、审核日期"),
            (("amend", "D2025-000001", "--entry", "1", "--field", "类别", "--value", "其他", "--reason", ""),
             "须写明更正理由"),
            (("amend", "D2025-000001", "--entry", "1", "--field", "公开属性", "--value", "不予公开", "--reason", "r"),
             "更正后，行政规范性文件应当主动公开（条例第二十条第（一）项），公开属性不能是“不予公开”"),
            (("amend", "D2025-000001", "--entry", "4", "--field", "审核日期", "--value", "2025-01-02", "--reason", "r"),
             "更正后，审签日期 2025-01-02 晚于形成日期 2024-12-30（成文日期即签发日期，不能早于审签）"),
            (("amend", "D2025-000002", "--entry", "1", "--field", "日期", "--value", "2027-01-02", "--reason", "r"),
             "形成日期 2027-01-02 晚于今天（2026-12-03），不能登记将来的事项")):
        code, out, err = run(capsys, "log", *argv, *db)
        assert (code, err.strip()) == (1, f"gongkai：{said}"), argv
    code, out, _ = run(capsys, "log", "void", "D2025-000002", *db, "--entry", "1", "--reason", "重复登记")
    assert out == ("gongkai：已作废 D2025-000002 第1条（整个条目的登记作废，不再计入台账统计）"
                   "（原记录保留，见 gongkai log show D2025-000002）。\n")
    code, out, _ = run(capsys, "log", "list", *db, "--json")
    assert [i["ref"] for i in json.loads(out)] == ["D2025-000001"]
    code, out, err = run(capsys, "log", "publish", "D2025-000002", *db, "--channel", "公开栏", "--on", "2025-03-02")
    assert (code, err.strip()) == (1, "gongkai：台账编号 D2025-000002 的登记已作废（第2条：重复登记），不能再登记或更正")
    # a 废止 recorded by mistake is voided; the item's real end is recorded later, and counts
    run(capsys, "log", "repeal", "D2025-000001", *db, "--on", "2025-06-01")
    code, out, err = run(capsys, "log", "void", "D2025-000001", *db, "--entry", "8", "--reason", "应为另一文件")
    assert code == 0, err
    code, out, _ = run(capsys, "log", "list", *db, "--in-force-on", "2025-06-15", "--json")
    assert [i["ref"] for i in json.loads(out)] == ["D2025-000001"]
    code, out, err = run(capsys, "log", "repeal", "D2025-000001", *db, "--on", "2025-07-01", "--expired")
    assert code == 0, err
    code, out, _ = run(capsys, "log", "show", "D2025-000001", *db)
    assert "  失效：2025-07-01" in out.splitlines()
    assert [line.split("；经办")[0] for line in out.splitlines() if line.startswith(("    8.", "    9.", "    10."))] == [
        "    8. 2025-06-01 废止或失效（废止或失效：废止）【已作废（见第9条）】",
        "    9. 2026-12-03 作废（作废第8条；理由：应为另一文件）",
        "    10. 2025-07-01 废止或失效（废止或失效：失效）"]   # in the order recorded (stamps to the microsecond)
    code, out, _ = run(capsys, "log", "list", *db, "--in-force-on", "2025-07-01", "--json")
    assert json.loads(out) == []
    code, out, err = run(capsys, "log", "repeal", "D2025-000001", *db, "--on", "2025-08-01")
    assert (code, err.strip()) == (1, "gongkai：该条目已于 2025-07-01 失效，不能再次登记")


def test_table2_cells_list_the_documents_they_count(capsys, db_url, monkeypatch):
    """January: which documents make 现行有效件数? (an entry of last year entered this year counts)"""
    monkeypatch.setenv("GONGKAI_TODAY", "2026-01-06")
    db = ("--db", db_url)
    run(capsys, "log", "add", *db, "--title", "旧办法", "--kind", "规范性文件", "--made", "2022-05-01", "--existing")
    run(capsys, "log", "add", *db, "--title", "冬季通知", "--kind", "规范性文件", "--made", "2024-12-28",
        "--doc-no", "某发〔2024〕9号", "--draft-by", "甲", "--draft-on", "2024-12-20", "--check-by", "乙",
        "--check-on", "2024-12-24", "--sign-by", "丙", "--sign-on", "2024-12-27")
    run(capsys, "log", "repeal", "D2022-000001", *db, "--on", "2025-09-01")
    code, out, err = run(capsys, "log", "table2", *db, "--year", "2025", "--cell", "art20_1.normative_docs.in_force")
    assert code == 0 and out == "D2024-000001\t2024-12-28\t某发〔2024〕9号\t冬季通知\t有效\n" and err == "gongkai：共 1 件。\n"
    code, out, _ = run(capsys, "log", "table2", *db, "--year", "2025", "--cell", "table2.art20_1.normative_docs.repealed")
    assert out == "D2022-000001\t2022-05-01\t—\t旧办法\t废止2025-09-01\n"
    code, _, err = run(capsys, "log", "table2", *db, "--year", "2021", "--cell", "art20_1.normative_docs.made")
    assert code == 1 and "2021年表二此格留空：台账中没有2021年底以前制发的任何文件" in err
    code, _, err = run(capsys, "log", "table2", *db, "--year", "2025", "--cell", "art20_6.penalty.decisions")
    assert code == 1 and "行政许可等是月度数据之和：gongkai log figures --year 2025" in err


def test_days_overdue_counted_over_a_year_whose_notice_is_not_entered_are_marked(capsys, db_url, monkeypatch):
    """2026-12-01's duty ends 2026-12-29; the working days late from there into 2027 (whose
    arrangement gongkai does not ship) are reckoned by rule, and each listing says so."""
    monkeypatch.setenv("GONGKAI_TODAY", "2027-01-12")
    db = ("--db", db_url)
    assert run(capsys, "log", "add", *db, "--title", "关于甲的通知", "--kind", "其他", "--made", "2026-12-01",
               "--draft-by", "张三", "--draft-on", "2026-12-01", "--check-by", "李四", "--check-on", "2026-12-01",
               "--sign-by", "王五", "--sign-on", "2026-12-01")[0] == 0
    code, out, _ = run(capsys, "log", "due", *db, "--on", "2027-01-10")
    assert code == 0
    assert out == "D2026-000001\t已逾期未公开\t期限2026-12-29\t形成2026-12-01，逾期7个工作日（推算）\t关于甲的通知\n"
    code, out, _ = run(capsys, "log", "due", *db, "--on", "2027-01-10", "--json")
    assert [(o["late_workdays"], o["late_workdays_assumed"]) for o in json.loads(out)] == [(7, True)]
    code, out, err = run(capsys, "log", "publish", "D2026-000001", *db, "--channel", "政府网站", "--column", "通知公告",
                         "--on", "2027-01-11")
    assert code == 0 and "gongkai：注意：超过公开时限 2026-12-29（逾期 8 个工作日（推算））。" in err
    # within a known year (the 10-10 调休 Saturday a working day) the count is certain and unmarked
    assert run(capsys, "log", "add", *db, "--title", "关于乙的通知", "--kind", "其他", "--made", "2026-10-09")[0] == 0
    code, out, _ = run(capsys, "log", "due", *db, "--on", "2026-11-10")
    assert out == "D2026-000002\t已逾期未公开\t期限2026-11-05\t形成2026-10-09，逾期3个工作日\t关于乙的通知\n"


def test_new_says_the_fees_collected_in_section_six(capsys, db_url, tmp_path, cal):
    """Found in the town clerk's January walk: the format expects section 六 to say the 信息处理费
    collected (FEE-STATEMENT), the register knows them, and the clerk wrote 0元 where 1,100 元 had
    been paid.  `new --log` now opens 六 with the year's payments (or 未收取), which checks clean
    against the register; nothing is said of a year the register holds only in part."""
    db = ("--db", db_url)
    reg = Register(db_url, calendar=cal, settings=shipped_settings(), create=True)
    paid = reg.add(NewRequest(Applicant("natural_person", "梁红", "1"), "in_person", "图纸", date(2025, 7, 6)), "c")
    unpaid = reg.add(NewRequest(Applicant("commercial", "某公司", "2"), "in_person", "批复", date(2025, 6, 22)), "c")
    reg.record(paid, "fee_notice", date(2025, 7, 8), "c", basis="pages", units=120, payment="现金")
    reg.record(paid, "fee_paid", date(2025, 7, 15), "c")
    reg.record(unpaid, "fee_notice", date(2025, 6, 24), "c", basis="pieces", units=15, payment="现金")
    reg.close()

    def sixth(year: int) -> str:
        path = tmp_path / f"{year}.yaml"
        assert run(capsys, "new", "--agency", "某镇人民政府", "--year", str(year), "--log", *db, "-o", str(path),
                   "--force")[0] == 0
        return yaml.safe_load(path.read_text(encoding="utf-8"))["sections"][5]["text"]

    assert sixth(2025) == "2025年，本机关收取信息处理费1100元（1件申请）。\n\n【待办】请在此用 Markdown 填写本部分内容，写完后删除本行。\n"
    code, out, _ = run(capsys, "check", str(tmp_path / "2025.yaml"), "--json", "--register", *db)
    assert [f["rule"] for f in json.loads(out)["findings"] if f["rule"] in ("TEXT-CLAIM", "FEE-STATEMENT")] == []
    assert sixth(2026).startswith("2026年，本机关未收取信息处理费。\n\n【待办】")
    with Register(db_url, calendar=cal, settings=shipped_settings()) as reg:
        reg.declare_kept_since(date(2025, 7, 1), "c")
    assert sixth(2025).startswith("【待办】")


OWN_WORDS = ("channels:\n"
             "  rongmei: {label: 区融媒体中心, aliases: [融媒体], columns: []}\n"
             "  website: {columns: [乡镇动态]}\n"
             "  new_media: {columns: [公众号]}\n")


def test_a_log_with_the_offices_own_channels_moves_to_a_machine_without_its_site_vocabulary(
        capsys, tmp_path, monkeypatch):
    """An office's own channel and columns (its site vocabulary) were not in `log export`: imported on
    a new machine the rows were refused, and the refusal said to copy the old machine's site file.
    The export now carries them (事项 公开渠道词表) and the import adopts them: the move is whole with
    no file copied, the new log takes its own channel in its commands, and exports byte for byte as
    the old one did.  A file without them (a document list, an older export) is still refused,
    saying where to copy the site file."""
    site = tmp_path / "旧电脑" / "disclosure.yaml"
    site.parent.mkdir()
    site.write_text(OWN_WORDS, encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(site))
    old, new, path = ("--db", str(tmp_path / "旧.db")), ("--db", str(tmp_path / "新.db")), tmp_path / "台账.csv"
    assert run(capsys, "log", "add", *old, "--title", "通知", "--kind", "其他", "--made", "2026-11-02",
               "--existing")[0] == 0
    for channel, column in (("融媒体", ""), ("政府网站", "乡镇动态"), ("政务新媒体", "公众号")):
        assert run(capsys, "log", "publish", "D2026-000001", *old, "--channel", channel, "--column", column,
                   "--on", "2026-11-05", "--actor", "甲")[0] == 0
    assert run(capsys, "log", "export", str(path), *old)[0] == 0
    exported = path.read_text(encoding="utf-8-sig").splitlines()
    assert [line for line in exported if "公开渠道词表" in line] == [
        ",公开渠道词表,,,,,,,,,,,website,政府网站,,乡镇动态" + "," * 16,
        ",公开渠道词表,,,,,,,,,,,new_media,政务新媒体,,公众号" + "," * 16,
        ",公开渠道词表,,,,,,,,,,,rongmei,区融媒体中心,融媒体," + "," * 16]

    def publications(db):
        code, out, _ = run(capsys, "log", "show", "D2026-000001", *db)
        assert code == 0
        return [line.strip().split("，登记于")[0] for line in out.splitlines() if "公开（" in line]

    want = publications(old)
    monkeypatch.delenv("GONGKAI_DISCLOSURE_VOCAB")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "新电脑"))
    here = tmp_path / "新电脑" / "gongkai" / "disclosure.yaml"
    code, out, err = run(capsys, "log", "import", str(path), *new)
    assert (code, out, err) == (0, f"gongkai：已从 {path} 导入 1 件文件或信息。\n", "")
    assert publications(new) == want == [
        "2. 2026-11-05 公开（公开渠道：区融媒体中心）；经办：甲",
        "3. 2026-11-05 公开（公开渠道：政府网站；公开栏目：乡镇动态）；经办：甲",
        "4. 2026-11-05 公开（公开渠道：政务新媒体；公开栏目：公众号）；经办：甲"]
    again = tmp_path / "再导出.csv"
    assert run(capsys, "log", "export", str(again), *new)[0] == 0
    assert again.read_bytes() == path.read_bytes()
    # the new machine's log knows its own channel by its names and their beginnings
    assert run(capsys, "log", "publish", "D2026-000001", *new, "--channel", "区融", "--on", "2026-11-06",
               "--actor", "乙")[:2] == (0, "gongkai：已登记 D2026-000001 于 2026-11-06 公开。\n")
    assert publications(new)[-1] == "5. 2026-11-06 公开（公开渠道：区融媒体中心）；经办：乙"

    older = tmp_path / "较早的导出.csv"     # an export made before it carried the words
    older.write_text("\n".join(line for line in exported if "公开渠道词表" not in line) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "log", "import", str(older), "--db", str(tmp_path / "第三台.db"))
    assert (code, out) == (1, "")
    assert err == (
        f"gongkai：{older}：有 3 处问题，未导入任何内容：\n"
        "第3行：公开渠道“区融媒体中心”无法识别，应为：政府网站、政务新媒体、政府公报、公开栏、新闻发布会、查阅点\n"
        f"第4行：栏目“乡镇动态”不在“政府网站”的栏目表中（可在站点词表 {here} 中增加），现有栏目：政策文件、乡镇文件、"
        "部门文件、通知公告、公示公告、政策解读、预决算公开、人事信息、规划计划、统计信息、重点领域信息公开、政府信息公开年报、"
        "工作动态、其他\n"
        "第5行：渠道“政务新媒体”不分栏目，栏目“公众号”应留空\n"
        "文件中的公开渠道或栏目不在本机的词表中，文件也没有带上它们（文件清单和较早版本导出的台账不带），应是制作这份文件的"
        "电脑在其站点词表中增加的。请在那台电脑上重新导出（导出的台账带有这些词），或把那台电脑的站点词表"
        "（其 GONGKAI_DISCLOSURE_VOCAB 所指的文件，未设置时为 ~/.config/gongkai/disclosure.yaml）复制为本机的 "
        f"{here}，再重新导入；不要改成其他渠道或栏目，以免公开记录与实际不符。\n")


def test_a_log_without_words_of_its_own_exports_as_before(capsys, tmp_path, monkeypatch):
    """The 公开渠道词表 rows and their columns (渠道代码, 别名) are only in the export of a log that has
    words beyond the shipped ones: any other log exports the same header as before they travelled,
    which an older gongkai imports."""
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(tmp_path / "none.yaml"))
    db, path = ("--db", str(tmp_path / "log.db")), tmp_path / "台账.csv"
    assert run(capsys, "log", "add", *db, "--title", "通知", "--kind", "其他", "--made", "2026-11-02",
               "--existing")[0] == 0
    assert run(capsys, "log", "export", str(path), *db)[0] == 0
    assert path.read_text(encoding="utf-8-sig").splitlines()[0] == (
        "台账编号,事项,日期,标题,文号,类别,公开属性,理由,存量,审核环节,姓名,说明,公开渠道,公开栏目,网址,废止或失效,年度,"
        "月份,表二项目,数值,放假日期,调休上班日期,原公开属性,原理由,所涉记录,更正项目,原内容,更正为,经办人,登记时间")


def test_a_file_whose_channels_clash_with_this_machines_is_refused_naming_both(capsys, tmp_path, monkeypatch):
    """The words a file carries are adopted unless they are a true clash: a name this machine gives
    another channel (an import would record the publications there), or a channel code this
    machine gives another name.  Refused by row, nothing imported; a channel this machine codes
    otherwise under the same name is the same channel."""
    site = tmp_path / "old.yaml"
    site.write_text(OWN_WORDS, encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(site))
    path = tmp_path / "台账.csv"
    assert run(capsys, "log", "add", "--db", str(tmp_path / "old.db"), "--title", "通知", "--kind", "其他",
               "--made", "2026-11-02", "--existing")[0] == 0
    assert run(capsys, "log", "publish", "D2026-000001", "--db", str(tmp_path / "old.db"), "--channel", "融媒体",
               "--on", "2026-11-05")[0] == 0
    assert run(capsys, "log", "export", str(path), "--db", str(tmp_path / "old.db"))[0] == 0
    here = tmp_path / "here.yaml"
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(here))
    for words, problem in (
            ("  county: {label: 县融媒体中心, aliases: [融媒体]}\n",
             "渠道“区融媒体中心”的名称或别名“融媒体”已是渠道“县融媒体中心”的名称或别名，登记时会被记成“县融媒体中心”"),
            ("  rongmei: {label: 县融媒体中心}\n", "渠道代码“rongmei”在本机是“县融媒体中心”，文件中是“区融媒体中心”")):
        here.write_text("channels:\n" + words, encoding="utf-8")
        db = str(tmp_path / "new.db")
        code, out, err = run(capsys, "log", "import", str(path), "--db", db)
        assert (code, out) == (1, "")
        assert err == (f"gongkai：{path}：有 1 处问题，未导入任何内容：\n"
                       f"第4行：文件带来的公开渠道与本机的词表冲突：{problem}。请先在一方改用别的名称（本机的词表："
                       f"站点词表 {here}，以及本台账已保存的公开渠道）\n")
        assert run(capsys, "log", "list", "--db", db)[1] == "编号\t制发日期\t类别\t公开属性\t文号\t标题\t公开\t状态\n"
    here.write_text("channels:\n  media: {label: 区融媒体中心}\n", encoding="utf-8")
    assert run(capsys, "log", "import", str(path), "--db", str(tmp_path / "same.db"))[0] == 0
    code, out, _ = run(capsys, "log", "show", "D2026-000001", "--db", str(tmp_path / "same.db"))
    assert "2. 2026-11-05 公开（公开渠道：区融媒体中心）" in out


def test_a_site_channel_named_like_a_shipped_one_is_refused(capsys, tmp_path, monkeypatch):
    """A site's own channel called 政务微信 — already an alias of the shipped 政务新媒体 — was
    recorded as 政务新媒体 when named, and one recorded by its id was exported as 政务微信 and
    imported as 政务新媒体: silently another channel.  The site file is now refused, naming both."""
    site = tmp_path / "disclosure.yaml"
    site.write_text("channels:\n  weixin: {label: 政务微信, columns: []}\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(site))
    db = ("--db", str(tmp_path / "store.db"))
    code, out, err = run(capsys, "log", "add", *db, "--title", "通知", "--kind", "其他", "--made", "2026-11-02",
                         "--existing")
    assert (code, out) == (1, "")
    assert err == (f"gongkai：{site}：站点词表中渠道“政务微信”的名称或别名“政务微信”已是渠道“政务新媒体”的名称或别名，"
                   "登记时会被记成“政务新媒体”；请改用别的名称\n")


def test_log_import_takes_by_as_the_register_does_and_review_keeps_its_by(capsys, tmp_path):
    """`register import --by 乙` names who imports; `log import --by` was an unknown option (exit 2).
    Every log command now takes --by for --actor, except review, whose --by is the reviewer."""
    db = ("--db", str(tmp_path / "store.db"))
    src = tmp_path / "list.csv"
    src.write_text("标题,类别,形成日期,公开属性,存量\n办法,其他,2025-02-03,主动公开,是\n", encoding="utf-8")
    code, out, err = run(capsys, "log", "import", str(src), "--by", "乙", *db)
    assert (code, err) == (0, "")
    assert run(capsys, "log", "add", *db, "--title", "通知", "--kind", "其他", "--made", "2026-11-02",
               "--by", "丙")[0] == 0
    assert run(capsys, "log", "review", "D2026-000001", *db, "--step", "拟稿", "--by", "李四", "--on",
               "2026-11-02", "--actor", "丁")[0] == 0
    code, out, _ = run(capsys, "log", "show", "D2025-000001", *db)
    assert [line.strip().split("，登记于")[0] for line in out.splitlines() if "经办：" in line] == [
        "1. 2025-02-03 登记（标题：办法；类别：其他；公开属性：主动公开；存量：是）；经办：乙"]
    code, out, _ = run(capsys, "log", "show", "D2026-000001", *db)
    assert [line.strip().split("，登记于")[0] for line in out.splitlines() if "经办：" in line] == [
        "1. 2026-11-02 登记（标题：通知；类别：其他；公开属性：主动公开）；经办：丙",
        "2. 2026-11-02 审核（审核环节：拟稿；姓名：李四）；经办：丁"]


def test_a_site_vocabulary_with_a_mistake_is_a_message_when_an_option_reads_it(capsys, tmp_path, monkeypatch):
    """--kind and --channel read the log's vocabulary while the command line is read, before the
    handler: a mistake in the site file escaped as a traceback there."""
    site = tmp_path / "disclosure.yaml"
    site.write_text("channels:\n  hall: {columns: []}\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DISCLOSURE_VOCAB", str(site))
    code, out, err = run(capsys, "log", "add", "--db", str(tmp_path / "store.db"), "--title", "通知", "--kind", "其他",
                         "--made", "2026-11-02", "--existing")
    assert (code, out, err) == (1, "", f"gongkai：{site}：新渠道“hall”缺少 label（中文名称）\n")
