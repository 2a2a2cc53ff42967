"""The 汇总 page's roll-up, /api/corpus/rollup and ``Corpus.rollup`` over a stored report whose
own text contradicts its table (行政事业性收费 40000 in the cell printed in 万元, the text saying
40000 元): the sum is added as printed, marked ^, and the report and the finding are named."""

from __future__ import annotations

import re
from datetime import date

from gk_web_support import client_for, corpus_of, django_env, huaian_reports, world  # noqa: F401

FEE = "table2.art20_8.admin_fees.amount"
BUREAU = "淮安市清江浦区住房和城乡建设局"
FACT = ("正文称行政事业性收费为 40000 元（即 4 万元），而表二“行政事业性收费”行“本年收费金额（单位：万元）”列为 "
        "40000（单位：万元）")


def test_the_rollup_marks_a_sum_over_a_number_its_reports_text_contradicts(django_env, world, tmp_path):
    import gongkai

    paths = huaian_reports(tmp_path, [(BUREAU, date(2025, 1, 15)), ("淮安市清江浦区教育局", date(2025, 1, 20))], 2024)
    with open(paths[0], encoding="utf-8") as f:
        text = f.read()
    assert text.count("行政事业性收费\t0") == 1 and text.count("**（四）政府信息公开平台建设情况。**") == 1
    with open(paths[0], "w", encoding="utf-8") as f:
        f.write(text.replace("行政事业性收费\t0", "行政事业性收费\t40000").replace(
            "**（四）政府信息公开平台建设情况。**", "**（四）政府信息公开平台建设情况。**本年度收取行政事业性收费40000元。"))
    with corpus_of(tmp_path, paths) as url:
        c = client_for(world["supervisor"])
        html = c.get("/survey/?region=320812&level=city&rollup_year=2024").content.decode()
        d = c.get("/api/corpus/rollup?year=2024&region=320812").json()
        with gongkai.Corpus(url) as corpus:
            total = corpus.rollup("320812", 2024)
    assert ('<div class="error" id="rollup-contradicted"><p>1 份相加的报告正文所述与表中数字不一致（1 处），'
            "表中数字按原样计入合计、未作更正；用到这些数字的合计标 ^：</p>\n"
            f"<ul><li>{BUREAU}：{FACT}。</li></ul></div>") in html
    cell = re.search(rf'<td id="cell-{FEE}" class="([^"]*)" title="([^"]*)">(.*?)</td>', html)
    assert cell is not None and cell.groups() == (
        "num contradicted", f"正文不符：{BUREAU} 报告正文所述与此格的数字不一致，按表中原样计入（未作更正）",
        '40000<sup class="mark">^<span class="vh">（正文不符）</span></sup>')
    assert d["table2"]["art20_8.admin_fees"]["amount"] == 40000.0   # as printed, never converted
    assert d["contradicted"] == [{"report": BUREAU, "rule": "TEXT-TABLE", "cells": [FEE], "message": FACT,
                                  "quote": "本年度收取行政事业性收费40000元。"}]
    assert d["coverage"][FEE]["contradicted"] == [BUREAU]
    assert (total.cells[FEE].value, total.cells[FEE].contradicted) == (40000, [BUREAU])
    assert [str(x) for x in total.contradicted] == [f"{BUREAU}：{FACT}"]
