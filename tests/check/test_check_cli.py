"""``gongkai check``: terminal review, --json, --html, report JSON input, exit status."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from gongkai.cli import main
from gongkai.model import Report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def seed_path(name: str) -> str:
    return str(next(EXAMPLES.glob(f"{name}_*.txt")))


def test_review_in_terminal_and_exit_status(capsys):
    assert main(["check", seed_path("000")]) == 1  # section 四 and table 3 missing: errors
    out = capsys.readouterr().out
    assert "SECTION-MISSING" in out and "TABLE-MISSING" in out and "错误 2 项" in out
    assert main(["check", seed_path("002")]) == 0  # warnings and notices only
    out = capsys.readouterr().out
    assert "CELL-BLANK" in out and "第46行第10栏" in out and "错误 0 项，警告 1 项，提示 1 项" in out


def test_json_output_carries_findings_and_reads_back(tmp_path, capsys):
    assert main(["check", "--json", seed_path("001")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in data["findings"]] == [  # by severity: warnings, then notices
        "CELL-BLANK", "LABEL-NONSTANDARD", "TEXT-SUM", "SECTION-TITLE", "SECTION-TITLE", "SECTION-TITLE",
        "LAST-YEAR"]
    blank = data["findings"][0]
    assert blank["cells"][0] == "table4.review.upheld" and blank["where"] == "第88行第1栏"
    # The JSON is itself a checkable report.
    path = tmp_path / "001.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["check", "--json", str(path)]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["findings"] == data["findings"]


def test_report_json_with_errors_exits_1(tmp_path, capsys, consistent):
    report = consistent("2021")
    report.table4["review"]["total"] += 2
    path = tmp_path / "broken.json"
    path.write_text(report.to_json(), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "T4-TOTAL" in capsys.readouterr().out


def test_previous_report(tmp_path, capsys, consistent):
    report, previous = consistent("2021"), consistent("2021")
    previous.year = 2020
    previous.table3["carried_forward"]["total"] = 40
    copied = "一是对政务公开政策学习还不深入，重要性认识还不够，一些单位负责人对政务公开工作抓的还不紧。" * 5
    report.sections[4].text = previous.sections[4].text = "上年度问题已整改。" + copied
    (tmp_path / "this.json").write_text(report.to_json(), encoding="utf-8")
    (tmp_path / "last.json").write_text(previous.to_json(), encoding="utf-8")
    code = main(["check", "--json", str(tmp_path / "this.json"), "--previous", str(tmp_path / "last.json")])
    rules = Counter(f["rule"] for f in json.loads(capsys.readouterr().out)["findings"])
    # carried_over (1,0,0,0,0,0 | 1) against last year's carried_forward (0,1,0,1,0,1 | 40);
    # in force: rules 2 ≠ 2 + 0 − 1, normative_docs 3 ≠ 3 + 1 − 2; section 五 copied word for word;
    # section 二's "本年主动公开政府信息1200条。" stands in both years with the same figure.
    assert code == 0 and rules == Counter({"CARRY-OVER": 5, "IN-FORCE": 2, "COPY": 1, "TEXT-COPIED": 1})
    assert capsys.readouterr().err == ""
    # Last year's report that is not last year's: compared, but the user is told.
    previous.year = 2018
    (tmp_path / "last.json").write_text(previous.to_json(), encoding="utf-8")
    main(["check", "--json", str(tmp_path / "this.json"), "--previous", str(tmp_path / "last.json")])
    assert "年度为 2018 年，不是 2020 年" in capsys.readouterr().err


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.marked, self.external = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a":
            self.hrefs.append(a.get("href", ""))
        if "sev-" in (a.get("class") or "") and tag == "td":
            self.marked.append((a["id"], a["class"]))
        # Standalone: nothing loaded from elsewhere (its one script is inline), links only to anchors in the page.
        if "src" in a or tag in ("link", "img", "iframe") or not a.get("href", "#").startswith("#"):
            self.external.append((tag, a))


def test_html_review_page_links_findings_to_highlighted_cells(tmp_path, capsys):
    out = tmp_path / "review.html"
    assert main(["check", seed_path("002"), "--html", str(out)]) == 0
    capsys.readouterr()
    page = out.read_text(encoding="utf-8")
    parser = _Anchors()
    parser.feed(page)
    assert parser.external == []
    assert parser.hrefs == ["#cell-table3.granted.total"] and all(h[1:] in parser.ids for h in parser.hrefs)
    assert parser.marked == [(f"cell-table3.{r}.total", "num sev-warning") for r in [
        "granted", "partial", "denied.state_secret", "denied.law_forbidden", "denied.security_stability",
        "denied.third_party", "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
        "denied.admin_query"]]
    assert "金积镇" in page and re.search(r"警告 1 项", page)


def test_html_for_several_files_goes_to_a_directory(tmp_path):
    """Run as a user runs it (the console script, two worker processes): the workers' reports
    came back pickled, and a pattern in one stopped the command with an internal error."""
    out = tmp_path / "pages"
    env = {**os.environ, "GONGKAI_CACHE": str(tmp_path / "cache")}
    done = subprocess.run([sys.executable, "-m", "gongkai", "check", seed_path("003"), seed_path("004"),
                           "--html", str(out), "-j", "2"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr  # neither has an error (003's 27 against 30 is a warning)
    assert "内部错误" not in done.stderr and "已写出 2 个检查页面和目录页" in done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [next(EXAMPLES.glob("003_*.txt")).stem + ".html", next(EXAMPLES.glob("004_*.txt")).stem + ".html",
         "index.html"])


def test_unreadable_inputs_give_chinese_message_and_non_zero_exit(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err
    assert "nope.txt" in err and "文件不存在" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.json" in err and "不是有效的 JSON" in err and "第1行" in err
    other = tmp_path / "other.json"
    other.write_text('{"schema": "something/else"}', encoding="utf-8")
    assert main(["check", str(other)]) == 1
    assert "不是 gongkai 报告 JSON" in capsys.readouterr().err
    assert main(["check", seed_path("002"), "--previous", str(tmp_path / "gone.json")]) == 1
    assert "gone.json" in capsys.readouterr().err
    assert main(["check", seed_path("002"), "--html", str(tmp_path / "no" / "such" / "dir.html")]) == 1
    assert "无法写出 HTML 检查页面：所在目录不存在" in capsys.readouterr().err


def test_directory_input(tmp_path, capsys):
    for name in ("001", "002"):
        (tmp_path / f"{name}.txt").write_bytes(open(seed_path(name), "rb").read())
    assert main(["check", "--json", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [Report.from_json(line).year for line in lines] == [2020, 2021]


def test_a_folder_ends_with_the_batchs_total(tmp_path, capsys):
    """A supervisor checking a folder in the terminal read one review after another and no total
    (only the HTML index had one): the last line counts the reports and the findings."""
    for name in ("000", "001", "002"):
        (tmp_path / f"{name}.txt").write_bytes(open(seed_path(name), "rb").read())
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert [line for line in out if line.startswith("共 ")] == [
        "共 4 项：错误 2 项，警告 1 项，提示 1 项。", "共 7 项：错误 0 项，警告 3 项，提示 4 项。",
        "共 2 项：错误 0 项，警告 1 项，提示 1 项。"]
    assert out[-1] == "以上 3 份报告：1 份有错误；共 13 项：错误 2 项，警告 5 项，提示 6 项。"
    main(["check", str(tmp_path / "001.txt")])  # one report: its own total says it
    assert "以上" not in capsys.readouterr().out


def test_json_lines_from_parse(tmp_path, capsys):
    lines = tmp_path / "two.json"
    assert main(["parse", "--json", "-o", str(lines), seed_path("000"), seed_path("003")]) == 0
    capsys.readouterr()
    assert main(["check", "--json", str(lines), "--html", str(tmp_path / "pages")]) == 1  # 000 has errors
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [[f["rule"] for f in d["findings"]] for d in out] == [
        ["SECTION-MISSING", "TABLE-MISSING", "TEXT-SUM", "LAST-YEAR"], ["TEXT-TABLE", "LAST-YEAR"]]
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["index.html", "two-1.html", "two-2.html"]
    assert main(["check", seed_path("003"), "--previous", str(lines)]) == 1
    assert "上年报告应为一份报告，此文件含 2 份" in capsys.readouterr().err


def _pingtan_2024_and_last_year(tmp_path, year: int = 2023, body: str = "行政审批局") -> tuple[str, str]:
    """行政审批局 2024 (its 行政规范性文件 printed 15621: six cuts) and a last-year report made from
    it whose 现行有效 is 12 — which leaves 15|6|21 only (12 + 15 − 6 = 21)."""
    this = EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"
    text = this.read_text(encoding="utf-8").replace("行政规范性文件15621", "行政规范性文件0012")
    text = text.replace("2024", str(year)).replace("行政审批局", body)
    last = tmp_path / "last.txt"
    last.write_text(text, encoding="utf-8")
    return str(this), str(last)


NORMATIVE = "table2.art20_1.normative_docs"


def test_previous_of_the_same_body_cuts_digits_run_together(tmp_path, capsys):
    this, last = _pingtan_2024_and_last_year(tmp_path)
    main(["check", "--json", this, "--previous", last])
    d = json.loads(capsys.readouterr().out)
    assert d["table2"]["art20_1.normative_docs"] == {"made": 15, "repealed": 6, "in_force": 21}
    assert d["cells"][f"{NORMATIVE}.in_force"]["basis"] == ["in-force"]
    assert "CELL-AMBIGUOUS" not in {f["rule"] for f in d["findings"]}


def test_previous_of_another_body_or_year_never_fixes_a_cell(tmp_path, capsys):
    # Another body's 现行有效 (or the same body's of two years before) says nothing about how this
    # report's 15621 is cut: the cells stay open, CELL-AMBIGUOUS stays, and the user is told why.
    # What it means is said as true for each command: check makes no cross-year comparison with
    # another body's report (it said "…的结果不适用" as if it had); parse compares nothing.
    digits = "；未用上年报告的数字拆分连写的数字。"
    for year, body, why, checked in (
            (2023, "交通与建设局", "的机关是“平潭综合实验区交通与建设局”，本报告的机关是“平潭综合实验区行政审批局”，不是同一机关",
             "；未与它做跨年度比较（上年结转、现行有效件数、正文雷同）"),
            (2022, "行政审批局", "的年度为 2022 年，不是 2023 年",
             "；上年结转、现行有效件数只能与上一年度的报告核对，未与它核对；正文雷同仍与它比较")):
        this, last = _pingtan_2024_and_last_year(tmp_path, year, body)
        for command in (["check", "--json"], ["parse", "--json"]):
            main([*command, this, "--previous", last])
            out, err = capsys.readouterr()
            d = json.loads(out)
            assert d["table2"]["art20_1.normative_docs"] == {"made": None, "repealed": None, "in_force": None}
            said = f"gongkai：{this}：上年报告（{last}）{why}" + (checked if command[0] == "check" else "") + digits
            assert said in err.splitlines(), err
            if command[0] == "check":
                assert "CELL-AMBIGUOUS" in {f["rule"] for f in d["findings"]}


def test_previous_of_an_earlier_year_compares_only_the_text(tmp_path, capsys):
    # A 2024 report's 上年结转 continues 2023's 结转下年度继续办理, not 2022's: with the same body's
    # report of two years before (or of a later year) CARRY-OVER was still run ("仅供参考") and
    # flagged a difference that says nothing.  Across a gap only the text is compared (COPY names
    # the year it was compared with); with a later year's report nothing is.
    this = str(EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt")
    for year, rules, said in (
            (2023, {"CARRY-OVER", "COPY", "TEXT-COPIED"}, None),
            (2022, {"COPY", "TEXT-COPIED"}, "；上年结转、现行有效件数只能与上一年度的报告核对，未与它核对；正文雷同仍与它比较；未用上年报告的数字拆分连写的数字。"),
            (2025, set(), "；未与它做跨年度比较（上年结转、现行有效件数、正文雷同）；未用上年报告的数字拆分连写的数字。")):
        _this, last = _pingtan_2024_and_last_year(tmp_path, year)
        text = Path(last).read_text(encoding="utf-8")
        Path(last).write_text(text.replace("四、结转下年度继续办理0000000", "四、结转下年度继续办理1000001"), encoding="utf-8")
        main(["check", "--json", this, "--previous", last])
        out, err = capsys.readouterr()
        found = [f for f in json.loads(out)["findings"] if f["rule"] in ("CARRY-OVER", "COPY", "TEXT-COPIED")]
        assert {f["rule"] for f in found} == rules
        prior = "上年报告" if year == 2023 else f" {year} 年度报告"
        assert all(f"与{prior}相似度为" in f["message"] for f in found if f["rule"] == "COPY")
        if said is None:
            assert err == ""
        else:
            assert err.splitlines() == [f"gongkai：{this}：上年报告（{last}）的年度为 {year} 年，不是 2023 年{said}"]
        import gongkai

        assert [(f.rule, f.message) for f in gongkai.check(gongkai.parse(this), previous=gongkai.parse(last))
                if f.rule in ("CARRY-OVER", "COPY", "TEXT-COPIED")] == [(f["rule"], f["message"]) for f in found]


def test_library_check_with_previous_gives_the_commands_findings(tmp_path, capsys):
    # gongkai.check(report, previous) cuts the digits with last year's figures as `check --previous`
    # does (same body, year before), on a copy: the caller's report keeps its open cells.
    import gongkai

    this, last = _pingtan_2024_and_last_year(tmp_path)
    report, previous = gongkai.parse(this), gongkai.parse(last)
    findings = gongkai.check(report, previous=previous)
    main(["check", "--json", this, "--previous", last])
    command = json.loads(capsys.readouterr().out)["findings"]
    assert [(f.rule, f.message) for f in findings] == [(f["rule"], f["message"]) for f in command]
    assert "CELL-AMBIGUOUS" not in {f.rule for f in findings}
    assert report.table2["art20_1.normative_docs"] == {"made": None, "repealed": None, "in_force": None}
    # Another body's report of the year before fixes nothing: the cells stay open and are reported.
    this, last = _pingtan_2024_and_last_year(tmp_path, 2023, "交通与建设局")
    assert "CELL-AMBIGUOUS" in {f.rule for f in gongkai.check(gongkai.parse(this), previous=gongkai.parse(last))}
    # gongkai.parse(…, previous=…) gives the cut report itself, as `gongkai parse --previous`.
    this, last = _pingtan_2024_and_last_year(tmp_path)
    for previous in (last, gongkai.parse(last)):
        report = gongkai.parse(this, previous=previous)
        assert report.table2["art20_1.normative_docs"] == {"made": 15, "repealed": 6, "in_force": 21}
        assert report.cells[f"{NORMATIVE}.in_force"].basis == ("in-force",)
    this, last = _pingtan_2024_and_last_year(tmp_path, 2023, "交通与建设局")
    report = gongkai.parse(this, previous=last)
    assert report.table2["art20_1.normative_docs"] == {"made": None, "repealed": None, "in_force": None}
    assert report.notes[-1] == (f"上年报告（{last}）的机关是“平潭综合实验区交通与建设局”，本报告的机关是“平潭综合实验区行政审批局”，"
                                "不是同一机关；未用上年报告的数字拆分连写的数字。")


def test_html_review_shows_no_value_in_cells_the_digits_do_not_cut_one_way(tmp_path, capsys):
    # 行政规范性文件 printed 1024: the page shows the mark only, not "1024" in each of the three
    # cells (which reads as three values); the printed digits and the cuts are in the title.
    page = tmp_path / "r.html"
    main(["check", str(EXAMPLES / "crawler-text" / "ptzhsyqjtj-2025.txt"), "--html", str(page)])
    capsys.readouterr()
    html = page.read_text(encoding="utf-8")
    for column in ("made", "repealed", "in_force"):
        cell = re.search(rf'<td id="cell-{NORMATIVE}.{column}"([^>]*)>(.*?)</td>', html)
        assert cell is not None
        # the mark, and the number of the finding that blames the cell (not said by colour alone)
        assert cell.group(2) == ('<sup class="mark">#<span class="vh">（无法确定）</span></sup>'
                                 '<sup class="fno"><span class="vh">问题</span>1</sup>')
        assert 'title="无法确定：原文印作“1024”，可能是 1|0|24；10|2|4；问题1"' in cell.group(1)
    # A cell the sums fixed says which: 新收 printed 21000021, cut by its total (21 = 21 + 0 + …).
    assert ('<td id="cell-table3.new_received.natural_person" class="num inferred" '
            'title="推断值：原文印作“21”，由本行总计等于各列之和确定">21<sup class="mark">*<span class="vh">（推断值）</span></sup></td>') in html


def test_the_html_index_names_what_each_report_must_correct(tmp_path, capsys):
    """gongkai check DIR --html: the contents page gave 错误 2 and who must redo what only page by page."""
    assert main(["check", seed_path("000"), seed_path("003"), "--html", str(tmp_path / "pages")]) == 1
    capsys.readouterr()
    index = (tmp_path / "pages" / "index.html").read_text(encoding="utf-8")
    rows = index.split("<tbody>")[1].split("</tr>")
    assert ('</a><small class="defects">须改正：<span title="SECTION-MISSING">缺少格式规定的章节</span>；'
            '<span title="TABLE-MISSING">缺少格式规定的统计表</span></small></td>') in rows[0]
    assert "000_a0c7fabfdf456585.txt" in rows[0] and "defects" not in rows[1]
