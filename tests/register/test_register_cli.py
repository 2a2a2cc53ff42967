"""The CLI: gongkai deadline, gongkai fee and gongkai register …, as a clerk types them."""

import json
import os
import re
import stat

import pytest

from gongkai.cli import main
from gongkai.model import Report


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_deadline_calculator(capsys):
    code, out, err = run(capsys, "deadline", "2025-09-26")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "2025-10-30"
    assert any(line.startswith("2025-10-11 周六 调休上班") and "第6个工作日" in line for line in lines)
    assert any(line.startswith("2025-10-03 周五 节假日") and "不计" in line for line in lines)
    assert run(capsys, "deadline", "2025-09-26", "--extend")[1].splitlines()[0] == "2025-11-27"
    # internet, confirmed Mon 29 Sep: 30 Sep → 1; 9, 10, 11 Oct → 4; 13–17 → 9; 20–24 → 14;
    # 27–31 → 19; 3 Nov → 20.
    code, out, _ = run(capsys, "deadline", "2025-09-27", "--channel", "互联网", "--received", "2025-09-29")
    assert out.splitlines()[0] == "2025-11-03" and "第三十一条第三项" in out


def test_deadline_past_the_calendar_warns(capsys):
    code, out, _ = run(capsys, "deadline", "2026-12-21")
    assert code == 0 and out.splitlines()[0] == "2027-01-19（推算）"   # the date itself says so
    assert "答复期限：2027-01-19（推算）" in out
    assert "注意：" in out and "按周末和《全国年节及纪念日放假办法》规定的节日推算" in out and "2026-12-31" in out
    assert "2027-01-01 周五 节假日（推算：元旦）  不计（推算）" in out.splitlines()


def _columns(text: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_deadline_ledger_lines_up_across_estimated_days(capsys):
    """Received 2026-12-04: the ledger runs into 2027 (no notice).  The wide kinds 节假日（推算：元旦）
    and 未知（按周末推算） pushed their counts out of line with the 8-column kinds above them; now the
    kind column is as wide as the widest kind of the ledger, in terminal columns."""
    code, out, _ = run(capsys, "deadline", "2026-12-04")
    lines = out.splitlines()
    assert code == 0 and lines[-7:-2] == [
        "2026-12-31 周四 工作日                第19个工作日",
        "2027-01-01 周五 节假日（推算：元旦）  不计（推算）",
        "2027-01-02 周六 未知（按周末推算）    不计（推算）",
        "2027-01-03 周日 未知（按周末推算）    不计（推算）",
        "2027-01-04 周一 未知（按周末推算）    第20个工作日"]
    ledger = [line for line in lines if line[:4] in ("2026", "2027") and " 周" in line]
    assert len(ledger) == 32
    # the count column (第N个工作日 / 不计…) starts at the same terminal column on every line; all fit 80
    starts = {_columns(re.split(r"(?=第\d+个工作日|不计（)", line, maxsplit=1)[0]) for line in ledger}
    assert starts == {38} and max(map(_columns, ledger)) <= 80


def test_calendar_add_then_deadline(capsys):
    law = "2027-02-05..2027-02-08,2027-04-05,2027-05-01..2027-05-02,2027-06-09,2027-09-15,2027-10-01..2027-10-03"
    code, _, err = run(capsys, "register", "calendar", "add", "--year", "2027", "--notice", "国办发明电〔2026〕测试号",
                       "--holidays", "2027-01-01")
    assert code == 1 and "缺少《全国年节及纪念日放假办法》规定的节日：春节 2027-02-05、2027-02-08；清明节 2027-04-05；" in err
    code, out, _ = run(capsys, "register", "calendar", "add", "--year", "2027", "--notice", "国办发明电〔2026〕测试号",
                       "--holidays", "2027-01-01," + law)
    assert code == 0 and "已录入 2027 年" in out
    code, out, _ = run(capsys, "deadline", "2026-12-21")
    assert out.splitlines()[0] == "2027-01-19" and "注意：" not in out
    assert "2027 年：国办发明电〔2026〕测试号" in run(capsys, "register", "calendar", "list")[1]
    code, _, err = run(capsys, "register", "calendar", "add", "--year", "2028", "--notice", "x",
                       "--holidays", "2028-02-30")
    assert code == 1 and "2028-02-30" in err and "Traceback" not in err


@pytest.mark.parametrize("argv, first", [
    (["--pieces", "35"], "3000元"), (["--pieces", "41"], "4300元"), (["--pieces", "10"], "0元"),
    (["--pages", "150"], "1700元"), (["--pages", "201"], "2740元"), (["--pieces", "5", "--earlier", "8"], "300元"),
])
def test_fee_calculator(capsys, argv, first):
    code, out, _ = run(capsys, "fee", *argv)
    assert code == 0 and out.splitlines()[0] == first


def test_register_workflow(capsys, db_url, tmp_path):
    db = ["--db", db_url]
    code, out, _ = run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--phone", "13912345678",
                       "--channel", "当面", "--content", "某项目批复", "--date", "2025-09-26",
                       "--letter", str(tmp_path / "r.docx"), *db)
    assert code == 0 and "2025-000001：已登记，答复期限 2025-10-30" in out and (tmp_path / "r.docx").exists()
    code, out, _ = run(capsys, "register", "list", *db)
    assert "张*" in out and "张三" not in out and "13912345678" not in out
    shown = run(capsys, "register", "show", "2025-000001", "--contact", *db)[1].splitlines()
    assert shown[2:6] == ["证件号码：—", "联系电话：13912345678", "电子邮箱：—", "通信地址：—"]   # blanks alike
    row = out.splitlines()[1].split("\t")
    assert (row[6], row[8]) == ("—", "—")   # not replied: no 答复日期, no 办理结果
    assert "13912345678" not in run(capsys, "register", "show", "2025-000001", *db)[1]
    code, out, _ = run(capsys, "register", "extend", "2025-000001", "--date", "2025-10-20", "--reason", "档案多", *db)
    assert "答复期限 2025-11-27" in out
    code, out, _ = run(capsys, "register", "due", "--today", "2025-11-24", *db)
    assert "即将到期：2025-11-27，还剩3个工作日" in out
    code, out, _ = run(capsys, "register", "due", "--today", "2025-11-28", *db)
    assert out.splitlines() == ["2025-000001\t已超期：答复期限 2025-11-27，已超过1个工作日\t张*\t某项目批复"]
    code, _, err = run(capsys, "register", "reply", "2025-000001", "--date", "2025-11-26", "--outcome", "逾期不补正", *db)
    assert code == 1 and "须有未补正的补正告知" in err
    code, out, _ = run(capsys, "register", "reply", "2025-000001", "--date", "2025-11-26", "--outcome", "部分公开",
                       "--note", "删除了个人信息", "--letter", str(tmp_path / "o.docx"), *db)
    assert code == 0 and "已答复" in out and (tmp_path / "o.docx").exists()
    code, out, _ = run(capsys, "register", "table3", "--year", "2025", "--json", *db)
    report = Report.from_json(out)
    assert report.agency is None  # the shipped placeholder 本机关 is not a body's name
    assert report.year == 2025 and report.table3["partial"]["natural_person"] == 1
    assert report.table3["new_received"]["total"] == 1 and report.table3["carried_forward"]["total"] == 0
    code, out, _ = run(capsys, "register", "table3", "--year", "2025", "--cell", "partial.natural_person", *db)
    assert out.splitlines() == ["2025-000001\t2025-09-26\t（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]
    code, out, _ = run(capsys, "register", "export", str(tmp_path / "x.csv"), *db)
    assert code == 0 and "13912345678" not in (tmp_path / "x.csv").read_text(encoding="utf-8-sig")
    old = os.umask(0o022)
    try:   # with the contact details the file is the owner's alone (it was readable by every user)
        assert run(capsys, "register", "export", str(tmp_path / "c.xlsx"), "--with-contact", *db)[0] == 0
        run(capsys, "register", "export", str(tmp_path / "x.xlsx"), *db)
    finally:
        os.umask(old)
    assert (stat.S_IMODE((tmp_path / "c.xlsx").stat().st_mode), stat.S_IMODE((tmp_path / "x.xlsx").stat().st_mode)) == (
        0o600, 0o644)


def test_fee_notice_uses_the_month_so_far(capsys, db_url):
    db = ["--db", db_url]
    for day in ("2025-03-03", "2025-03-10"):
        run(capsys, "register", "add", "--type", "商业企业", "--name", "某公司", "--channel", "当面",
            "--content", "x", "--date", day, "--pieces", "6", *db)
    code, out, _ = run(capsys, "register", "fee", "2025-000002", "--date", "2025-03-11", "--basis", "按件",
                       "--units", "6", "--payment", "银行转账", *db)
    # 6 earlier pieces this month; this request's 6 are pieces 7–12: 11 and 12 at 100 each.
    assert code == 0 and "信息处理费：200元" in out
    code, _, err = run(capsys, "register", "fee", "2025-000001", "--date", "2025-03-11", "--basis", "pieces",
                       "--units", "6", "--payment", "银行转账", *db)
    assert code == 1 and "不收费" in err


def test_a_fee_notice_that_cannot_say_how_to_pay_is_not_recorded(capsys, db_url, tmp_path):
    """条例第四十二条, 国办函〔2020〕109号: the notice states the 缴纳方式.  Without --payment and
    without the setting nothing is recorded (so the clerk can simply run it again with it)."""
    db = ["--db", db_url]
    run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
        "--date", "2025-03-03", *db)
    fee = ["register", "fee", "2025-000001", "--date", "2025-03-11", "--basis", "按量", "--units", "40",
           "--letter", str(tmp_path / "f.docx"), *db]
    code, out, err = run(capsys, *fee)
    assert (code, out) == (1, "")
    assert err == ("gongkai：发出收费通知须填写“缴纳方式”（条例第四十二条、国办函〔2020〕109号）：请用 --payment 填写，"
                   "或由管理员在台账设置 fee_payment_method 中统一填写。本次未登记任何事项\n")
    assert not (tmp_path / "f.docx").exists()
    assert "发出收费通知" not in run(capsys, "register", "show", "2025-000001", *db)[1]
    code, out, err = run(capsys, *fee, "--payment", "银行转账至某县财政局非税收入专户")
    assert code == 0 and "信息处理费：100元" in out and "已生成收费通知书" in out
    from docx import Document
    assert "缴纳方式：银行转账至某县财政局非税收入专户。" in [p.text for p in Document(tmp_path / "f.docx").paragraphs]


@pytest.mark.parametrize("argv, code, words", [
    (["register", "reply", "2099-1", "--date", "2025-01-01", "--outcome", "granted"], 1, "没有编号为 2099-1"),
    (["register", "add", "--type", "外星人", "--name", "x", "--channel", "当面", "--content", "x",
      "--date", "2025-01-02"], 1, "申请人类型“外星人”"),
    (["deadline", "2025-02-30"], 2, "无法识别"),
    (["fee", "--pieces", "-3"], 2, "不是非负整数"),
    (["register", "import", "missing.csv"], 1, "文件不存在"),
])
def test_errors_are_chinese_and_never_tracebacks(capsys, db_url, argv, code, words):
    with pytest.raises(SystemExit) if code == 2 else _nothing():
        got, _, err = run(capsys, *argv, *(["--db", db_url] if argv[0] == "register" else []))
        assert got == code
        assert words in err and "Traceback" not in err
    if code == 2:
        assert words in capsys.readouterr().err


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_import_reports_lines(capsys, db_url, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("申请人类型,申请人,提交方式,申请内容,提交日期\n自然人,张三,当面,x,2025-01-02\n"
                    "自然人,李四,飞鸽,x,2025-01-02\n", encoding="utf-8")
    code, _, err = run(capsys, "register", "import", str(path), "--db", db_url)
    assert code == 1 and "第3行：无法识别的提交方式“飞鸽”" in err and str(path) in err
    code, out, _ = run(capsys, "register", "list", "--db", db_url)
    assert out.strip().splitlines()[1:] == []


def test_list_marks_assumed_due_dates(capsys, db_url, monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", "2026-12-31")
    code, out, _ = run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面",
                       "--content", "x", "--date", "2026-12-21", "--db", db_url)
    assert "2026-000001：已登记，答复期限 2027-01-19（推算）" in out
    code, out, err = run(capsys, "register", "list", "--db", db_url)
    assert "2027-01-19（推算）" in out and "calendar add" in err
    code, out, err = run(capsys, "register", "correct", "2026-000001", "--date", "2026-12-31", "--items", "文号",
                         "--db", db_url)
    assert out == "2026-000001：待补正，期限暂停（已计8个工作日），补正期限 2027-01-22\n"
    assert "注意：补正期限 2027-01-22 用到了尚未公布节假日安排的日期" in err


def test_the_register_and_the_log_name_who_recorded_alike(capsys, db_url, monkeypatch):
    # --actor (as gongkai log has it) is --by's other name; GONGKAI_ACTOR otherwise, for both
    run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
        "--date", "2025-03-03", "--actor", "李会计", "--db", db_url)
    run(capsys, "register", "reply", "2025-000001", "--date", "2025-03-04", "--outcome", "予以公开", "--ground", "2",
        "--by", "王科长", "--db", db_url)
    monkeypatch.setenv("GONGKAI_ACTOR", "小王")
    run(capsys, "log", "add", "--title", "某通知", "--kind", "其他", "--made", "2025-03-03", "--db", db_url)
    out = run(capsys, "register", "show", "2025-000001", "--db", db_url)[1]
    assert "登记：李会计，" in out and "答复（" in out and "；经办：王科长，" in out
    assert "经办：小王" not in out
    from gongkai.log.store import DisclosureLog

    with DisclosureLog(db_url, create=True) as log:
        assert log.get("D2025-000001").created_by == "小王"


def test_an_unknown_outcome_lists_each_choice_whole(capsys, db_url):
    # the labels hold 、 themselves (“…不再处理其政府信息公开申请”): a bare 、-list could not be read
    run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
        "--date", "2025-09-26", "--db", db_url)
    code, _, err = run(capsys, "register", "reply", "2025-000001", "--date", "2025-10-10", "--outcome", "不属于本机关",
                       "--db", db_url)
    listed = err.split("（可用：", 1)[1]
    assert code == 1 and listed.startswith("“予以公开”、“部分公开（区分处理的，只计这一情形，不计其他情形）”、")
    assert "、“申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请”、" in listed


def test_table3_outcomes_read_as_the_format_writes_them(capsys, db_url):
    # the register wrote （四）无法提供1.本机关不掌握… while the checker and the report write （四）无法提供—1.…
    db = ["--db", db_url]
    run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--channel", "互联网", "--content", "x",
        "--date", "2025-09-26", *db)
    code, out, _ = run(capsys, "register", "reply", "2025-000001", "--date", "2025-10-10",
                       "--outcome", "（四）无法提供1.本机关不掌握相关政府信息", "--ground", "4", *db)   # as old exports wrote it
    assert (code, out) == (0, "2025-000001：已答复，（四）无法提供—1.本机关不掌握相关政府信息\n")
    code, out, _ = run(capsys, "register", "table3", "--year", "2025", "--cell", "unable.not_held.natural_person", *db)
    assert (code, out) == (0, "2025-000001\t2025-09-26\t（四）无法提供—1.本机关不掌握相关政府信息\n")
    code, out, _ = run(capsys, "register", "table3", "--year", "2025", *db)
    row = next(line for line in out.splitlines() if "本机关不掌握" in line)
    assert row == "（四）无法提供—1.本机关不掌握相关政府信息\t1\t0\t0\t0\t0\t0\t1"


def test_an_excel_file_that_is_not_a_workbook_is_refused_in_chinese(capsys, db_url, tmp_path):
    import zipfile
    path = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(path, "w") as z:   # a ZIP, but no workbook: openpyxl's English KeyError was shown
        z.writestr("readme.txt", "not a workbook")
    for argv in (("register", "import", str(path)), ("log", "import", str(path))):
        code, _, err = run(capsys, *argv, "--db", db_url)
        assert (code, err) == (1, f"gongkai：{path}：无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式的工作簿。"
                                  "请用 Excel 或 WPS 打开后另存为 .xlsx 再试。\n")


def test_a_unique_beginning_of_a_choice_is_enough_and_recorded_whole(capsys, db_url):
    run(capsys, "register", "add", "--type", "自然", "--name", "张三", "--channel", "互联", "--content", "x",
        "--date", "2025-09-26", "--db", db_url)
    code, out, err = run(capsys, "register", "reply", "2025-000001", "--date", "2025-10-10", "--outcome", "本机关不掌握",
                         "--ground", "第（四）", "--db", db_url)
    assert (code, out) == (0, "2025-000001：已答复，（四）无法提供—1.本机关不掌握相关政府信息\n")
    from gongkai.register.store import Register

    with Register(db_url, create=True) as reg:
        req = reg.get("2025-000001")
    assert (req.applicant.type, req.channel) == ("natural_person", "internet")
    assert (req.history[-1].data["outcome"], req.history[-1].data["ground"]) == ("unable.not_held", "4")
    with pytest.raises(SystemExit) as exit_:   # a beginning several outcomes share stays refused, naming them
        main(["register", "reply", "2025-000001", "--date", "2025-10-10", "--outcome", "属于", "--db", db_url])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "gongkai：用法错误：参数 --outcome：办理结果“属于”不明确，以它开头的有：属于国家秘密、属于三类内部事务信息、"
        "属于四类过程性信息、属于行政执法案卷、属于行政查询事项；请多写几个字")
    code, _, err = run(capsys, "register", "add", "--type", "自然人", "--name", "李四", "--channel", "信函",
                       "--content", "y", "--date", "2025-09-26", "--db", db_url)
    assert code == 1 and err.startswith("gongkai：无法识别的提交方式“信函”（可用：“当面提交”、")


def test_the_register_and_the_log_spell_date_actor_and_today_alike(capsys, db_url, monkeypatch):
    """A step's date is --date, who records it --actor, the day `due` counts from --today, in both
    registers; the first spellings of each (register --by, log --on/--made, log due --on) stay."""
    monkeypatch.setenv("GONGKAI_TODAY", "2025-03-20")
    monkeypatch.setenv("COLUMNS", "80")
    db = ("--db", db_url)
    assert run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
               "--on", "2025-03-03", "--actor", "李会计", *db)[0] == 0
    assert run(capsys, "register", "reply", "2025-000001", "--date", "2025-03-04", "--outcome", "予以公开",
               "--ground", "2", "--by", "王科长", *db)[0] == 0
    out = run(capsys, "register", "show", "2025-000001", *db)[1]
    assert "登记：李会计，" in out and "  2. 2025-03-04 答复（" in out and "；经办：王科长，" in out
    for made in ("--date", "--made", "--on"):
        assert run(capsys, "log", "add", "--title", f"通知{made}", "--kind", "其他", made, "2025-03-03", "--existing",
                   "--actor", "小王", *db)[0] == 0
    for i, on in enumerate(("--date", "--on"), 1):
        assert run(capsys, "log", "publish", f"D2025-00000{i}", "--channel", "公开栏", on, "2025-03-05", *db)[0] == 0
    out = run(capsys, "log", "list", "--json", *db)[1]
    assert [(i["made_on"], [p["on"] for p in i["publications"]]) for i in json.loads(out)] == [
        ("2025-03-03", ["2025-03-05"]), ("2025-03-03", ["2025-03-05"]), ("2025-03-03", [])]
    assert run(capsys, "register", "due", "--on", "2025-03-10", *db)[2] == "共 0 件需要处理（截至 2025-03-10）\n"
    assert run(capsys, "log", "due", "--today", "2025-03-10", *db)[2] == "gongkai：共 0 条（以 2025-03-10 为准）。\n"
    with pytest.raises(SystemExit):
        main(["register", "reply", "--help"])
    help_text = capsys.readouterr().out
    assert "\n  --date 日期           答复的日期；也可写 --on\n" in help_text
    assert "\n  --actor 经办人        经办人（默认环境变量 GONGKAI_ACTOR，否则当前登录名）；\n" in help_text
    with pytest.raises(SystemExit):
        main(["log", "add", "--help"])
    assert "\n  --date 日期           形成（制发）日期，如 2025-03-01；也可写 --made、--on\n" in capsys.readouterr().out


def test_the_register_and_the_log_spell_a_date_range_alike(capsys, db_url, monkeypatch):
    """A date range is --since/--until in both registers (register list had --from/--to, log due
    --since); the old spellings stay and the help names them."""
    monkeypatch.setenv("GONGKAI_TODAY", "2025-03-20")
    monkeypatch.setenv("COLUMNS", "80")
    db = ("--db", db_url)
    for day in ("2025-03-03", "2025-03-10", "2025-03-17"):
        assert run(capsys, "register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content", "x",
                   "--date", day, *db)[0] == 0
    for since, until in (("--since", "--until"), ("--from", "--to")):
        out = run(capsys, "register", "list", since, "2025-03-04", until, "2025-03-16", *db)[1]
        assert [line.split("\t")[:2] for line in out.splitlines()[1:]] == [["2025-000002", "2025-03-10"]]
    assert run(capsys, "log", "add", "--title", "通知", "--kind", "其他", "--date", "2025-03-03", *db)[0] == 0
    for since in ("--since", "--from"):
        assert run(capsys, "log", "due", "--today", "2025-03-10", since, "2025-03-04", *db)[2] == \
            "gongkai：共 0 条（以 2025-03-10 为准）。\n"        # made before the 4th: not looked at
    assert run(capsys, "log", "due", "--today", "2025-03-10", "--since", "2025-03-01", *db)[1].startswith("D2025-000001\t")
    with pytest.raises(SystemExit):
        main(["register", "list", "--help"])
    help_text = capsys.readouterr().out
    assert re.search(r"\n  --since 日期 +收到日期不早于该日；也可写 --from\n", help_text)
    assert re.search(r"\n  --until 日期 +收到日期不晚于该日；也可写 --to\n", help_text)
    with pytest.raises(SystemExit):
        main(["log", "due", "--help"])
    assert re.search(r"\n  --since 日期 +只看该日以后形成或变更的（默认一年前）；也可写 --from\n", capsys.readouterr().out)


def test_amend_and_list_take_an_outcome_by_its_unique_beginning_like_every_choice(capsys, db_url):
    """``amend --field outcome --value`` expanded no beginning; ``list --outcome`` matched any
    part of a group's label (``不予`` gave whichever group came first, ``公开`` gave 不予公开)."""
    db = ("--db", db_url)
    for name in ("张三", "李四"):
        run(capsys, "register", "add", "--type", "自然人", "--name", name, "--channel", "当面", "--content", "x",
            "--date", "2025-09-26", *db)
    run(capsys, "register", "reply", "2025-000001", "--date", "2025-10-10", "--outcome", "属于国家", *db)
    run(capsys, "register", "reply", "2025-000002", "--date", "2025-10-10", "--outcome", "重复", *db)
    code, out, _ = run(capsys, "register", "amend", "2025-000001", "--event", "2", "--field", "outcome",
                       "--value", "属于四类", "--reason", "选错了", *db)
    assert (code, out) == (0, "2025-000001：已答复，（三）不予公开—6.属于四类过程性信息\n")
    code, _, err = run(capsys, "register", "amend", "2025-000001", "--event", "2", "--field", "outcome",
                       "--value", "属于", "--reason", "选错了", *db)
    assert (code, err) == (1, "gongkai：办理结果“属于”不明确，以它开头的有：属于国家秘密、属于三类内部事务信息、属于四类过程性信息、"
                              "属于行政执法案卷、属于行政查询事项；请多写几个字。本次未登记任何事项\n")

    def listed(outcome):
        out = run(capsys, "register", "list", "--outcome", outcome, *db)[1]
        return [line.split("\t")[0] for line in out.splitlines() if line.startswith("2025-")]

    assert listed("不予公") == listed("（三）") == listed("denied") == ["2025-000001"]   # a group, or its rows' group
    assert listed("重复") == listed("不予处理") == ["2025-000002"]
    assert listed("公开") == []   # 予以公开 (an exact name), not any label holding 公开
    with pytest.raises(SystemExit) as exit_:
        main(["register", "list", "--outcome", "不予", *db])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "gongkai：用法错误：参数 --outcome：办理结果“不予”不明确，以它开头的有：不予公开、不予处理；请多写几个字")


def test_help_names_a_short_choice_and_a_date_is_refused_with_both_spellings(capsys):
    """--help alone tells a clerk what --type takes (the refusal was the only place it was said);
    a month-first date is refused naming both ways to write one."""
    with pytest.raises(SystemExit):
        main(["register", "add", "--help"])
    out = "".join(capsys.readouterr().out.split())
    assert "申请人类型（必填）；可选：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他；写出开头几个字即可" in out
    with pytest.raises(SystemExit) as refused:
        main(["register", "add", "--type", "自然人", "--date", "01/20/2025"])
    assert refused.value.code == 2
    assert "日期“01/20/2025”无法识别，请写成 2025-09-26 或 2025年9月26日" in capsys.readouterr().err


def test_a_withdrawal_that_was_not_is_voided_and_the_request_shows_overdue(capsys, tmp_path, monkeypatch):
    """A clerk recorded a withdrawal that never was (the applicant only asked how far it was) and
    voids it a month later: the request is open again and past its due date.  `list` and `due`
    said 已超期, `register show` only 状态：已登记 — as if it were in time — and so did the line the void
    itself printed.  Both say 已超期 now; once answered, 逾期, with both the withdrawal and its void
    in the history.  Table 3 of the running year said 截至2026年12月31日 in April: it says today."""
    monkeypatch.setenv("GONGKAI_TODAY", "2026-04-30")
    db = ("--db", str(tmp_path / "r.db"))
    assert run(capsys, "register", "add", *db, "--type", "自然人", "--name", "王五", "--channel", "当面",
               "--content", "某项目补偿方案", "--date", "2026-03-18")[0] == 0
    assert run(capsys, "register", "withdraw", "2026-000001", *db, "--date", "2026-03-20", "--how", "电话",
               "--actor", "甲")[0] == 0
    code, out, _ = run(capsys, "register", "void", "2026-000001", "2", *db, "--reason", "申请人并未撤回，误登记",
                       "--actor", "乙")
    assert (code, out) == (0, "2026-000001：已登记，答复期限 2026-04-16（已超期）\n")   # the line every step prints
    code, out, _ = run(capsys, "register", "show", "2026-000001", *db)
    lines = out.splitlines()
    assert lines[4] == "状态：已登记；已超期（答复期限 2026-04-16，截至 2026-04-30）"
    assert [line.split("（")[0].strip() for line in lines if line.startswith("  ")][:3] == [
        "1. 2026-03-18 登记申请", "2. 2026-03-20 撤回申请【已作废：申请人并未撤回，误登记", "3. 2026-04-30 作废"]
    assert run(capsys, "register", "due", *db)[1].startswith(
        "2026-000001\t已超期：答复期限 2026-04-16，已超过10个工作日\t")
    assert run(capsys, "register", "reply", "2026-000001", *db, "--outcome", "予以公开", "--ground", "2",
               "--date", "2026-04-30")[0] == 0
    code, out, _ = run(capsys, "register", "show", "2026-000001", *db)
    assert out.splitlines()[4] == "状态：已答复；办理结果：（一）予以公开；逾期"
    code, out, err = run(capsys, "register", "table3", "--year", "2026", *db)
    # counted to today, as its note says, not to the end of a year still running
    assert out.splitlines()[0] == "2026年 收到和处理政府信息公开申请情况（由台账计算，截至2026年4月30日，本年尚未结束）"
    assert "gongkai：注意：2026年尚未结束：表三是截至2026-04-30台账的数字，不是全年数\n" in err
    assert run(capsys, "register", "table3", "--year", "2025", *db)[1].splitlines()[0] == (
        "2025年 收到和处理政府信息公开申请情况（由台账计算，截至2025年12月31日）")
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in out.splitlines()}
    assert rows["（一）予以公开"][0] == "1" and rows["（六）其他处理—3.其他"][0] == "0"


def test_a_step_corrected_later_says_so_where_it_stands(capsys, tmp_path, monkeypatch):
    """A registration typed with the wrong date, corrected: the history kept step 1 as typed
    (2026-02-12) with nothing on it saying it was corrected — a reader of that line took the wrong
    date for the fact — while a voided step said 【已作废…】, and the log's history says 已更正.  The
    step now says which of its facts later entries corrected; the correction itself and the
    lateness the corrected date brings stay as before."""
    monkeypatch.setenv("GONGKAI_TODAY", "2026-03-10")
    db = ("--db", str(tmp_path / "r.db"))
    assert run(capsys, "register", "add", *db, "--type", "自然人", "--name", "张三", "--channel", "当面",
               "--content", "某路拓宽工程的环评批复", "--date", "2026-02-12")[0] == 0
    assert run(capsys, "register", "reply", "2026-000001", *db, "--outcome", "予以公开", "--ground", "2",
               "--date", "2026-03-06")[0] == 0
    said = []
    for field, value in (("收到日期", "2026-01-26"), ("申请人类型", "法律服务机构")):
        code, _, err = run(capsys, "register", "amend", "2026-000001", *db, "--field", field, "--value", value,
                           "--reason", "录错", "--actor", "乙")
        said.append((code, err))
    # the 回执 told 2026-03-18; counted from the day received the date was 2026-02-28, and it binds
    assert said == [(0, "注意：答复期限由2026-03-18改为2026-02-28，第1条的登记回执写明的是2026-03-18（该回执未登记送达；"
                        "已发给申请人的，即告知了这个日期）；期限以更正后的为准（条例第三十一条、第三十三条），早于告知申请人的日期\n"
                        "注意：已超过答复期限 2026-02-28，于 2026-03-06 办结；逾期记录保留\n"),
                    (0, "注意：已超过答复期限 2026-02-28，于 2026-03-06 办结；逾期记录保留\n")]
    code, out, _ = run(capsys, "register", "show", "2026-000001", *db)
    lines = out.splitlines()
    assert lines[4] == "状态：已答复；办理结果：（一）予以公开；逾期"
    steps = [line.strip().split("（申请人类型")[0].split("；经办")[0] for line in lines if line.startswith("  ")]
    assert [steps[0], *steps[2:4]] == [
        "1. 2026-02-12 登记申请【已更正：日期（见第3条）、申请人类型（见第4条）】",
        "3. 2026-03-10 更正（第1条“登记申请”的日期：“2026-02-12”改为“2026-01-26”，答复期限随之由2026-03-18改为2026-02-28"
        "（登记回执告知的是2026-03-18）；理由：录错）",
        "4. 2026-03-10 更正（第1条“登记申请”的申请人类型：“自然人”改为“法律服务机构”；理由：录错）"]
    assert steps[1].startswith("2. 2026-03-06 答复（") and "已更正" not in steps[1]


def test_a_step_backdated_by_a_correction_is_marked_entered_late(capsys, tmp_path, monkeypatch):
    """An extension recorded on 30 April (today's date, the form's default) after the due date of
    15 April counts as late; corrected to the day it was decided, 10 April, it is in time — but the
    step no longer said 补录, though it was entered twenty days after that date, while the same
    extension typed with 10 April at once says 补录（晚20天登记）.  补录 is judged by the corrected
    date now, so a correction never hides how late a step was entered."""
    monkeypatch.setenv("GONGKAI_TODAY", "2026-04-30")
    db = ("--db", str(tmp_path / "r.db"))
    assert run(capsys, "register", "add", *db, "--type", "自然人", "--name", "李四", "--channel", "当面",
               "--content", "某小区规划许可", "--date", "2026-03-17")[0] == 0
    code, out, err = run(capsys, "register", "extend", "2026-000001", *db, "--date", "2026-04-30",
                         "--reason", "需要调取档案")
    assert "延期决定（2026-04-30）晚于当时的答复期限 2026-04-15；已登记，但不改变答复期限，该申请仍按逾期计" in err
    code, out, _ = run(capsys, "register", "amend", "2026-000001", *db, "--event", "2", "--field", "日期",
                       "--value", "2026-04-10", "--reason", "延期决定日期录错")
    assert (code, out) == (0, "2026-000001：办理中，答复期限 2026-05-15\n")
    code, out, _ = run(capsys, "register", "show", "2026-000001", *db)
    [step] = [line for line in out.splitlines() if line.startswith("  2. ")]
    assert step.startswith("  2. 2026-04-30 延期答复【已更正：日期（见第3条）】（延长的工作日数：20；")
    assert step.endswith("；补录（晚20天登记）")
