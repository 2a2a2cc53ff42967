"""`gongkai parse` end to end, as a user runs it: outputs, exit codes, messages for bad input."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import EXAMPLES, seed


def gongkai(*args, timeout=60):
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "gongkai", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)
    proc.elapsed = time.monotonic() - started
    return proc


def test_parse_json_one_report():
    p = gongkai("parse", "--json", seed("003"))
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["schema"] == "gongkai.report/1"
    assert d["table3"]["granted"]["natural_person"] == 12
    assert d["cells"]["table3.granted.natural_person"] == {"raw": "12", "where": "line 63, column 3"}
    assert d["source"]["form"] == "txt" and len(d["source"]["sha256"]) == 64


def test_parse_directory_gives_json_lines(tmp_path):
    for p in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(p, tmp_path / p.name)
    p = gongkai("parse", tmp_path)
    lines = p.stdout.strip().splitlines()
    assert len(lines) == 5
    assert [json.loads(line)["year"] for line in lines] == [2021, 2020, 2021, 2021, 2024]
    assert "表三只有表头" in p.stderr  # seed 000's note, naming the file
    assert p.returncode == 0


def test_parse_csv_one_row_per_cell(tmp_path):
    out = tmp_path / "cells.csv"
    p = gongkai("parse", "--csv", "-o", out, seed("003"), seed("000"))
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["file", "cell", "label", "value", "raw", "where", "inferred", "basis", "candidates",
                             "confidence"]
    by = {(r["file"].rsplit("/", 1)[-1][:3], r["cell"]): r for r in rows}
    assert by[("003", "table2.art20_8.admin_fees.amount")]["value"] == "1340.5117"
    assert by[("003", "table2.art20_8.admin_fees.amount")]["label"] == "表二“行政事业性收费”行“本年收费金额（单位：万元）”列"
    assert by[("003", "table3.granted.total")]["label"] == "表三“（一）予以公开”行“总计”列"
    assert by[("003", "table3.granted.total")]["confidence"] == ""  # typed text, not OCR
    assert by[("003", "table3.granted.total")]["where"] == "line 63, column 9"
    assert not any(f == "000" and c.startswith("table3.") for f, c in by)  # no invented table 3
    assert len([r for r in rows if r["file"].endswith(seed("003").name)]) == 10 + 25 * 7 + 15  # table 2 (2021), 3 and 4


@pytest.mark.parametrize("name,content,message", [
    ("empty.txt", b"", "文件为空"),
    ("junk.bin", bytes(range(256)) * 40, "二进制"),
    ("notice.txt", "关于召开会议的通知\n请各单位准时参加。\n".encode(), "不像是一份政府信息公开工作年度报告"),
    ("page.html", b"<html><body><p>hello</p></body></html>", "不像是一份政府信息公开工作年度报告"),
])
def test_bad_input_gets_a_clear_message(tmp_path, name, content, message):
    f = tmp_path / name
    f.write_bytes(content)
    p = gongkai("parse", "--json", f)
    assert p.returncode == 1
    assert message in p.stderr and str(f) in p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""
    assert p.elapsed < 20


def test_truncated_report_is_parsed_and_flagged(tmp_path):
    f = tmp_path / "cut.txt"
    f.write_bytes(seed("003").read_bytes()[:3000])
    p = gongkai("parse", "--json", f)
    assert p.returncode == 3
    assert "被截断" in p.stderr and str(f) in p.stderr
    assert json.loads(p.stdout)["year"] == 2021


def test_fifty_megabyte_file_is_refused_quickly(tmp_path):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as out:
        out.write("政府信息公开工作年度报告\n".encode() * (50 * 1024 * 1024 // 36 + 1))
    p = gongkai("parse", f)
    assert p.returncode == 1 and "文件过大" in p.stderr
    assert p.elapsed < 20


def test_missing_file_and_usage_errors(tmp_path):
    p = gongkai("parse", tmp_path / "nope.txt")
    assert p.returncode == 1 and "文件不存在" in p.stderr and len(p.stderr.splitlines()) == 1  # no summary repeating it
    p = gongkai("parse")
    assert p.returncode == 2 and "用法错误" in p.stderr
    p = gongkai("parse", "--json", "--csv", seed("000"))
    assert p.returncode == 2


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    p = gongkai("parse", bad, seed("001"))
    assert p.returncode == 1
    assert len(p.stdout.strip().splitlines()) == 1
    # One summary line, not two for the same failure (there was also "1 个文件未能读取（共 2 个）").
    assert [line for line in p.stderr.splitlines() if "未能读取" in line] == [
        "gongkai：共 2 个文件：已读取 1 份报告，1 个文件未能读取。"]


def test_the_heads_of_parse_check_and_the_review_page_say_when_a_crawled_page_went_up(tmp_path):
    """A crawler's header said when the page went up and where; the heads said only 落款日期：（无）."""
    text = EXAMPLES / "crawler-text" / "ptzhsyqnyn-2024.txt"
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqnyn/zfxxgknb/202501/t20250126_97003.htm"
    head = ["机关：平潭综合实验区农业农村局  年度：2024  格式：2021 年版  落款日期：（无）",
            "网页发布时间：2025-01-26 16:59  发布机构：平潭综合实验区农业农村局",
            f"原文链接：{url}"]
    env = {**os.environ, "COLUMNS": "100"}
    run = [sys.executable, "-m", "gongkai"]
    parsed = subprocess.run([*run, "parse", str(text)], capture_output=True, text=True, env=env)
    assert parsed.stdout.splitlines()[1:4] == head, parsed.stdout
    checked = subprocess.run([*run, "check", str(text), "--html", str(tmp_path / "审查.html")],
                             capture_output=True, text=True, env=env)
    assert checked.stdout.splitlines()[2:5] == head, checked.stdout
    review = (tmp_path / "审查.html").read_text(encoding="utf-8")
    assert ('<p class="page-facts">网页发布时间：2025-01-26 16:59　发布机构：平潭综合实验区农业农村局　'
            f'原文链接：<a href="{url}" rel="noreferrer">{url}</a></p>') in review


def test_the_heads_of_parse_check_and_the_review_page_say_the_formats_edition(tmp_path):
    """"格式：2021" beside "年度：2024" read as a second year; the survey's report page and the
    draft already said 2021 年版."""
    head = "机关：吴忠市红寺堡区新庄集乡人民政府  年度：2024  格式：2021 年版  落款日期：2025-01-14"
    env = {**os.environ, "COLUMNS": "120"}
    run = [sys.executable, "-m", "gongkai"]
    checked = subprocess.run([*run, "check", str(seed("004")), "--html", str(tmp_path / "审查.html")],
                             capture_output=True, text=True, env=env)
    assert head in checked.stdout.splitlines(), checked.stdout
    review = (tmp_path / "审查.html").read_text(encoding="utf-8")
    assert "格式：2021 年版　落款日期：2025-01-14　来源：004_53b26eabaeeb0073.txt</p>" in review
    parsed = subprocess.run([*run, "parse", str(seed("004"))], capture_output=True, text=True, env=env)
    assert head in parsed.stdout.splitlines(), parsed.stdout


def test_a_findings_text_stands_under_its_words_from_the_tenth_on():
    """From "10." on, the text and the quote stood one column left of the words they explain."""
    env = {**os.environ, "COLUMNS": "100"}
    p = subprocess.run([sys.executable, "-m", "gongkai", "check", str(EXAMPLES / "crawler-text" / "ptzhsyqnyn-2024.txt")],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    tenth = lines.index("10. 警告 LABEL-NONSTANDARD  第10行第1065字")
    assert lines[tenth + 1] == "    表二第二十条第（一）项中的标签“本年废止件”与格式规定的“本年废止件数”不一致。请按格式原文更正。"
    ninth = lines.index("9. 警告 LABEL-NONSTANDARD  第10行第1096字")
    assert lines[ninth + 1] == "   表二中的标签“规范性文件”与格式规定的“行政规范性文件”不一致。请按格式原文更正。"


def test_a_report_jsons_url_that_is_no_web_address_is_shown_not_linked(tmp_path):
    """A report JSON's source.url may be anything: ``javascript:…`` was made a link on the review
    page (``check --html``, the check page) and the 汇总's report page; only http(s) is linked."""
    from gongkai.load import load
    from gongkai.render.review import page_facts_html

    report = load(EXAMPLES / "crawler-text" / "ptzhsyqnyn-2024.txt")
    d = report.to_dict()
    d["source"]["url"] = "javascript:alert(document.cookie)"
    (tmp_path / "r.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    hostile = load(tmp_path / "r.json")
    assert page_facts_html(hostile).endswith("原文链接：javascript:alert(document.cookie)</p>")
    assert "<a " not in page_facts_html(hostile) and hostile.source.link == ""
    assert '<a href="https://www.pingtan.gov.cn/' in page_facts_html(report)
    assert subprocess.run([sys.executable, "-m", "gongkai", "check", str(tmp_path / "r.json"), "--html",
                           str(tmp_path / "r.html")], capture_output=True).returncode in (0, 1)
    assert 'href="javascript:' not in (tmp_path / "r.html").read_text(encoding="utf-8")
