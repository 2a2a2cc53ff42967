"""A roll-up adds a number its report's own text states otherwise (a TEXT-TABLE error: 行政事业性收费
40000 in the cell printed in 万元, where the text says 40000 元) as printed, and says so: the sum is
marked ^, the report and the finding are named — in Python, in the terminal and in --json."""

from __future__ import annotations

import json
import re

from gongkai.cli import main
from gongkai.corpus.rollup import rollup
from gongkai.load import load
from tests.conftest import EXAMPLES

FEE = "table2.art20_8.admin_fees.amount"
TOWN = "吴忠市红寺堡区新庄集乡人民政府"
OTHER = "吴忠市红寺堡区大河乡人民政府"
FACT = ("正文称行政事业性收费为 40000 元（即 4 万元），而表二“行政事业性收费”行“本年收费金额（单位：万元）”列为 "
        "40000（单位：万元）")
SENTENCE = "本年度收取行政事业性收费40000元。"


def two_towns(folder) -> list[str]:
    """新庄集乡 with its fee entered in 元 (and its text saying 40000 元), and 大河乡 as printed."""
    text = (EXAMPLES / "004_53b26eabaeeb0073.txt").read_text(encoding="utf-8")
    assert text.count("行政事业性收费\t0") == 1 and text.count("**（四）政府信息公开平台建设情况。**") == 1
    wrong = text.replace("行政事业性收费\t0", "行政事业性收费\t40000").replace(
        "**（四）政府信息公开平台建设情况。**", f"**（四）政府信息公开平台建设情况。**{SENTENCE}")
    paths = [folder / "xinzhuangji.txt", folder / "dahe.txt"]
    paths[0].write_text(wrong, encoding="utf-8")
    paths[1].write_text(text.replace("新庄集乡", "大河乡"), encoding="utf-8")
    return [str(p) for p in paths]


def test_a_sum_over_a_number_the_reports_text_contradicts_is_marked_and_names_the_finding(tmp_path):
    paths = two_towns(tmp_path)
    reports = [(p, load(p)) for p in paths]
    assert [r.agency for _, r in reports] == [TOWN, OTHER]
    total = rollup(reports)
    fee = total.cells[FEE]
    # added as printed: never converted to 4 万元, never left out
    assert (fee.value, fee.numbers, fee.status, fee.unsound, fee.contradicted) == (40000, 2, "complete", [], [TOWN])
    assert fee.contradicted_note() == f"{TOWN} 报告正文所述与此格的数字不一致，按表中原样计入（未作更正）"
    assert [(c.report, c.rule, c.cells, c.fact, c.quote) for c in total.contradicted] == [
        (TOWN, "TEXT-TABLE", [FEE], FACT, SENTENCE)]
    assert [c for c, s in total.cells.items() if s.contradicted] == [FEE]
    assert str(total.contradicted[0]) == f"{TOWN}：{FACT}"
    assert repr(total).endswith(" unsound=0 contradicted=1 unread=0>")
    d = total.to_dict()
    assert d["contradicted"] == [{"report": TOWN, "rule": "TEXT-TABLE", "cells": [FEE], "message": FACT,
                                  "quote": SENTENCE}]
    assert d["coverage"][FEE] == {"status": "complete", "numbers": 2, "blank": [], "missing": [], "undecided": [],
                                  "unsound": [], "contradicted": [TOWN]}
    assert d["table2"]["art20_8.admin_fees"]["amount"] == 40000.0


def test_a_difference_from_the_countys_report_over_such_a_number_names_the_report(tmp_path):
    paths = two_towns(tmp_path)
    county = load(str(EXAMPLES / "004_53b26eabaeeb0073.txt"))   # its own fee: 0
    county.agency = "吴忠市红寺堡区人民政府"
    total = rollup([(p, load(p)) for p in paths], against=("county", county))
    assert [d for d in total.differences if d[0] == FEE] == [
        (FEE, 40000, 0, f"不一致（{TOWN} 的正文与此格的数字不一致）")]


def test_gongkai_rollup_prints_the_mark_and_the_finding(tmp_path, capsys, monkeypatch):
    paths = two_towns(tmp_path)
    out = tmp_path / "sum.json"
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["rollup", *paths, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"\n行政事业性收费 +40000\^\n", printed), printed
    lines = printed.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("注意：1 份相加的报告正文所述"))
    assert "".join(line.strip() for line in lines[at:at + 5]) == (
        "注意：1 份相加的报告正文所述与表中数字不一致（1 处），表中数字按原样计入合计、未作更正；用到这些数字的合计标 ^："
        f"{TOWN}：{FACT}。")
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["contradicted"][0]["message"] == FACT and d["coverage"][FEE]["contradicted"] == [TOWN]
