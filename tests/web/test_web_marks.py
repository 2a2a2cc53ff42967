"""The web's check page marks inferred values and gives the legend, as the terminal and the
HTML review do (one definition: render.marks)."""

from __future__ import annotations

import re

from gk_web_support import client_for, django_env  # noqa: F401 - fixtures

from tests.conftest import EXAMPLES


def test_check_page_marks_inferred_cells_with_a_legend(django_env):
    from gongkai.load import load

    path = EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"
    inferred = sorted(c for c, i in load(str(path)).cells.items() if i.inferred)
    assert inferred
    c = client_for(None)
    c.get("/check/")
    with open(path, "rb") as f:
        r = c.post("/check/", {"file": [f], "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    html = r.content.decode()
    assert r.status_code == 200
    marked = sorted(re.findall(r'id="r1-cell-([^"]+)" class="num inferred[^"]*"[^>]*>[^<]*<sup class="mark">\*<span class="vh">（推断值）</span></sup>',
                               html))
    assert marked == inferred
    assert re.search(r'<p class="legend">标记：<sup class="mark">\*</sup> 推断值：', html)
    assert 'class="ocr-banner"' not in html  # typed text, not a scan


def test_check_page_says_when_last_years_report_is_another_bodys(django_env):
    c = client_for(None)
    c.get("/check/")
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as f, open(EXAMPLES / "huaian-city-2024.pdf", "rb") as p:
        r = c.post("/check/", {"file": [f], "previous": p, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    html = r.content.decode()
    assert "上年报告（huaian-city-2024.pdf）的机关是“淮安市人民政府”，本报告的机关是“淮安市洪泽区人民政府”，不是同一机关" in html
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as f, open(EXAMPLES / "hongze-district-2023.pdf", "rb") as p:
        r = c.post("/check/", {"file": [f], "previous": p, "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    assert "不是同一机关" not in r.content.decode()


NORMATIVE = "table2.art20_1.normative_docs"


def _pingtan(tmp_path, body: str = "行政审批局", year: int = 2023):
    """行政审批局 2024 (行政规范性文件 printed 15621: six cuts) and a 2023 report made from it
    whose 现行有效 is 12, which leaves 15|6|21 only (12 + 15 − 6 = 21)."""
    this = EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"
    text = this.read_text(encoding="utf-8").replace("行政规范性文件15621", "行政规范性文件0012")
    last = tmp_path / "last.txt"
    last.write_text(text.replace("2024", str(year)).replace("行政审批局", body)
                    .replace("四、结转下年度继续办理0000000", "四、结转下年度继续办理1000001"), encoding="utf-8")
    return this, last


def _check_page(this, last):
    """(the client, the check page for ``this`` with ``last`` as last year's report)."""
    c = client_for(None)
    c.get("/check/")
    with open(this, "rb") as f, open(last, "rb") as p:
        html = c.post("/check/", {"file": [f], "previous": p, "csrfmiddlewaretoken": c.cookies["csrftoken"].value}
                      ).content.decode()
    return c, html


def test_an_earlier_years_report_is_compared_by_its_text_only(django_env, tmp_path):
    # The same body's report of 2022 is not 2024's last year's: its 结转下年度 (1) says nothing of
    # 2024's 上年结转 (0). The page ran CARRY-OVER anyway ("仅供参考"); now it compares the text
    # only, and says so.
    this, last = _pingtan(tmp_path, year=2022)
    c, html = _check_page(this, last)
    assert ('<p class="error" role="alert">上年报告（last.txt）的年度为 2022 年，不是 2023 年；'
            "上年结转、现行有效件数只能与上一年度的报告核对，未与它核对；正文雷同仍与它比较"
            "；未用上年报告的数字拆分连写的数字。</p>") in html
    assert ('<p class="meta">已与 2022 年度报告比较正文是否雷同；它不是上一年度的报告，'
            "上年结转、现行有效件数未与它核对。</p>") in html
    assert 'data-rule="CARRY-OVER"' not in html and 'data-rule="COPY"' in html
    with open(this, "rb") as f, open(last, "rb") as p:
        d = c.post("/api/check", {"file": f, "previous": p}).json()
    assert "CARRY-OVER" not in {f["rule"] for f in d["findings"]}
    assert "第一部分“总体情况”与 2022 年度报告相似度为 100%" in [f for f in d["findings"] if f["rule"] == "COPY"][0]["message"]
    # the year before is compared in full: its 结转下年度 1 is not this year's 上年结转 0
    this, last = _pingtan(tmp_path)
    with open(this, "rb") as f, open(last, "rb") as p:
        d = c.post("/api/check", {"file": f, "previous": p}).json()
    assert [f["cells"] for f in d["findings"] if f["rule"] == "CARRY-OVER"] == [
        ["table3.carried_over.natural_person"], ["table3.carried_over.total"]]


def test_check_page_and_api_cut_run_together_digits_with_last_years_report(django_env, tmp_path):
    # As `gongkai check --previous`: the same body's report of the year before decides 15621.
    this, last = _pingtan(tmp_path)
    c, html = _check_page(this, last)
    cells = {col: re.search(rf'<td id="r1-cell-{NORMATIVE}.{col}" class="([^"]*)"[^>]*>([^<]*)', html).groups()
             for col in ("made", "repealed", "in_force")}
    assert cells == {"made": ("num inferred", "15"), "repealed": ("num inferred", "6"),
                     "in_force": ("num inferred", "21")}
    assert ("原文数字连写、按表内关系无法唯一拆开的 3 个单元格，按上年报告的现行有效件数和结转数确定（表中标 *，请对照原文核对）："
            "表二“行政规范性文件”行“本年制发件数”列；") in html
    assert 'data-rule="CELL-AMBIGUOUS"' not in html
    with open(this, "rb") as f, open(last, "rb") as p:
        d = c.post("/api/check", {"file": f, "previous": p}).json()
    assert d["table2"]["art20_1.normative_docs"] == {"made": 15, "repealed": 6, "in_force": 21}
    assert "CELL-AMBIGUOUS" not in {f["rule"] for f in d["findings"]}


def test_another_bodys_report_cuts_nothing_and_the_page_says_why(django_env, tmp_path):
    this, last = _pingtan(tmp_path, body="交通与建设局")
    c, html = _check_page(this, last)
    assert ('<p class="error" role="alert">上年报告（last.txt）的机关是“平潭综合实验区交通与建设局”，'
            "本报告的机关是“平潭综合实验区行政审批局”，不是同一机关；未与它做跨年度比较（上年结转、现行有效件数、正文雷同）"
            "；未用上年报告的数字拆分连写的数字。</p>") in html
    assert 'data-rule="CELL-AMBIGUOUS"' in html and "cut-by-last-year" not in html
    # nor compared with: the page said 已与上年度报告…比较 beside the note that it did not apply
    assert "已与上年度报告" not in html and 'data-rule="CARRY-OVER"' not in html
    with open(this, "rb") as f, open(last, "rb") as p:
        d = c.post("/api/parse", {"file": f, "previous": p}).json()
    assert d["table2"]["art20_1.normative_docs"] == {"made": None, "repealed": None, "in_force": None}
    assert d["notes"][-1] == ("上年报告（last.txt）的机关是“平潭综合实验区交通与建设局”，本报告的机关是“平潭综合实验区行政审批局”，"
                              "不是同一机关；未用上年报告的数字拆分连写的数字。")  # parse compares nothing


def test_check_page_links_a_missing_row_to_where_its_table_prints_it(django_env):
    """农业农村局 2024 lacks table 2's 规章 row: TABLE-INCOMPLETE was listed without a link (only cells
    the report holds were linked); the page's table prints the row “（缺）”, and the item now leads
    there.  The list reads errors first."""
    path = EXAMPLES / "crawler-text" / "ptzhsyqnyn-2024.txt"
    c = client_for(None)
    c.get("/check/")
    with open(path, "rb") as f:
        r = c.post("/check/", {"file": [f], "csrfmiddlewaretoken": c.cookies["csrftoken"].value})
    html = r.content.decode()
    items = re.findall(r'<li class="finding sev-(\w+)-border" data-rule="([A-Z0-9-]+)">.*?(?:<a href="#([^"]+)" class="to-cell"|</li>)',
                       html, re.S)
    assert items[:3] == [("error", "SECTION-MISSING", ""), ("error", "TABLE-INCOMPLETE", "r1-cell-table2.art20_1.rules.made"),
                         ("error", "T3-ROWSUM", "r1-cell-table3.new_received.total")]
    assert [sev for sev, _, _ in items] == ["error"] * 8 + ["warning"] * 2 + ["notice"]
    assert 'id="r1-cell-table2.art20_1.rules.made"' in html
