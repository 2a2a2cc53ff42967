"""Roll-up of towns into a county: exact sums, blanks never read as 0, comparison with the county."""

from __future__ import annotations

import json
import random
import re

import pytest

from gongkai.cli import main
from gongkai.corpus.rollup import rollup
from gongkai.load import load
from gongkai.model import Report
from tests.synth import Synthetic, draw, render

COUNTY = "吴忠市同心县"
TOWNS = ["豫海镇人民政府", "河西镇人民政府", "丁塘镇人民政府"]


def _towns(tmp_path):
    rng = random.Random(51)
    towns = [draw(rng, year=2023, agency=COUNTY + t) for t in TOWNS]
    paths = []
    for i, s in enumerate(towns):
        p = tmp_path / "towns" / f"town{i}.txt"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(render(s, "txt"))
        paths.append(p)
    return towns, paths


def _county(towns, tmp_path, tweak: str | None = None):
    cells = {k: sum(t.cells[k] for t in towns) for k in towns[0].cells}
    if tweak:
        cells[tweak] += 5
    s = Synthetic(COUNTY + "人民政府", 2023, "2021", cells, dict(towns[0].sections))
    p = tmp_path / "county.txt"
    p.write_bytes(render(s, "txt"))
    return p


def test_sum_equals_the_drawn_numbers_and_matches_the_county(tmp_path, capsys):
    towns, paths = _towns(tmp_path)
    county = _county(towns, tmp_path)
    out = tmp_path / "sum.json"
    # The county's own report lies in the same folder: it must not be added to itself.
    county_copy = tmp_path / "towns" / "county.txt"
    county_copy.write_bytes(county.read_bytes())
    assert main(["rollup", str(tmp_path / "towns"), "--against", str(county), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "合计 3 份报告" in printed
    assert "自己的报告逐格一致" in printed
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["table3"]["new_received"]["total"] == sum(t.cells["table3.new_received.total"] for t in towns)
    assert d["table4"]["review"]["total"] == sum(t.cells["table4.review.total"] for t in towns)
    fee = sum(t.cells["table2.art20_8.admin_fees.amount"] for t in towns)
    assert d["table2"]["art20_8.admin_fees"]["amount"] == float(fee)
    assert d["coverage"] == {} and d["against"]["differences"] == []


def test_blank_is_not_zero(tmp_path):
    towns, paths = _towns(tmp_path)
    # Town 1 prints "/" for its natural-person new requests: the sum covers towns 0 and 2 only.
    text = paths[1].read_text(encoding="utf-8").splitlines()
    i = next(n for n, line in enumerate(text) if line.startswith("一、本年新收"))
    cols = text[i].split("\t")
    cols[1] = "/"
    text[i] = "\t".join(cols)
    paths[1].write_text("\n".join(text) + "\n", encoding="utf-8")
    reports = [(str(p), load(p)) for p in paths]
    assert reports[1][1].value("table3.new_received.natural_person") is None
    county = _county(towns, tmp_path, tweak="table3.granted.total")
    r = rollup(reports, (str(county), load(county)))
    cell = r.cells["table3.new_received.natural_person"]
    assert cell.value == towns[0].cells["table3.new_received.natural_person"] + \
        towns[2].cells["table3.new_received.natural_person"]
    assert (cell.numbers, cell.blank, cell.missing, cell.status) == (2, [COUNTY + TOWNS[1]], [], "partial")
    diffs = {c: status for c, _, _, status in r.differences}
    assert diffs["table3.granted.total"] == "不一致"
    assert diffs["table3.new_received.natural_person"] == "不一致（合计不完整，可能由空格造成）"
    assert len(diffs) == 2


def test_rollup_of_unreadable_file_is_listed(tmp_path, capsys):
    towns, paths = _towns(tmp_path)
    (tmp_path / "towns" / "empty.txt").write_bytes(b"")
    assert main(["rollup", str(tmp_path / "towns")]) == 1
    captured = capsys.readouterr()
    assert "合计 3 份报告" in captured.out
    assert "empty.txt：文件为空。（未计入合计）" in captured.err
    # Nothing readable: the refusal names the files and why (from Python nothing else did).
    import gongkai

    with pytest.raises(gongkai.GongkaiError) as refused:
        gongkai.rollup([tmp_path / "towns" / "empty.txt"])
    assert str(refused.value) == f"没有可以相加的报告。未能读取的文件：{tmp_path / 'towns' / 'empty.txt'}：文件为空。"


def test_digits_run_together_make_a_partial_sum_naming_the_report():
    # 行政审批局 printed 15621 for its 行政规范性文件 (six cuts, left null): the sum over it and
    # 农业农村局 covers 农业农村局 only, and says whose figures are undecided (not "blank").
    from gongkai.load import load
    from tests.conftest import EXAMPLES

    paths = [EXAMPLES / "crawler-text" / f"ptzhsyq{b}-2024.txt" for b in ("hzs", "nyn")]
    reports = [(str(p), load(str(p))) for p in paths]
    made = "table2.art20_1.normative_docs.made"
    cell = rollup(reports).cells[made]
    assert (cell.value, cell.numbers, cell.blank, cell.missing, cell.undecided, cell.status) == (
        reports[1][1].value(made), 1, [], [], ["平潭综合实验区行政审批局"], "partial")
    assert cell.note() == "平潭综合实验区行政审批局 数字连写无法确定"


def test_a_failing_sum_marks_the_cell_the_crossing_sums_point_at():
    # 洪泽区 2024 with one more 本年新收 自然人: its row sum and its column's 一＋二＝三（七）＋四
    # fail; every other sum through the row holds, so that one cell is the one marked (the
    # whole row and column were); 洪泽区 2023's 行政复议 总计 0 beside 10 and 1 can only be the 总计.
    from tests.conftest import EXAMPLES

    this, last = (load(str(EXAMPLES / f"hongze-district-{y}.pdf")) for y in (2024, 2023))
    cell = "table3.new_received.natural_person"
    this.set_value(cell, this.value(cell) + 1)
    total = rollup([("a", this), ("b", last)])
    assert sorted(c for c, s in total.cells.items() if s.unsound) == [
        cell, "table4.litigation_after_review.total", "table4.litigation_after_review.upheld", "table4.review.total"]
    assert [u.rule for u in total.unsound] == ["T3-IDENTITY", "T3-ROWSUM", "T4-TOTAL", "T4-TOTAL"]


def test_a_report_whose_own_sums_fail_is_added_as_printed_and_named(tmp_path, capsys, monkeypatch):
    # 平潭 2024: 农业农村局's table 3 prints 总计 0 beside 自然人 3 (and 行政审批局's 行政复议 总计 0
    # beside 结果维持 1), so the sum shows 自然人 31 but 总计 28.  The roll-up added them without a
    # word; now every view says which report and which row, and adds the numbers as printed.
    from tests.conftest import EXAMPLES

    paths = [str(EXAMPLES / "crawler-text" / f"ptzhsyq{b}-2024.txt") for b in ("hzs", "nyn")]
    total = rollup([(p, load(p)) for p in paths])
    farm = "平潭综合实验区农业农村局"
    assert [str(u) for u in total.unsound] == [
        "平潭综合实验区行政审批局：表四“行政复议”：总计为 0，而结果维持、结果纠正、其他结果、尚未审结之和为 1，相差 1",
        f"{farm}：表三“一、本年新收政府信息公开申请数量”行：总计为 0，而自然人与五类法人或其他组织之和为 3，相差 3",
        f"{farm}：表三“（一）予以公开”行：总计为 0，而自然人与五类法人或其他组织之和为 1，相差 1",
        f"{farm}：表三“（三）不予公开—4.保护第三方合法权益”行：总计为 0，而自然人与五类法人或其他组织之和为 2，相差 2",
        f"{farm}：表三“（七）总计”行：总计为 0，而自然人与五类法人或其他组织之和为 3，相差 3"]
    assert [u.rule for u in total.unsound] == ["T4-TOTAL"] + ["T3-ROWSUM"] * 4
    person, whole = total.cells["table3.total.natural_person"], total.cells["table3.total.total"]
    assert (person.value, person.unsound, whole.value, whole.unsound) == (31, [farm], 28, [farm])  # not corrected
    assert whole.unsound_note() == f"{farm} 报告自身此处的合计不成立，按原样计入（未作更正）"
    assert total.cells["table3.carried_over.total"].unsound == []
    assert repr(total) == "<Rollup reports=2 year=2024 cells=200 partial=6 blank=0 unsound=5 contradicted=2 unread=0>"
    # its text also says 法人申请1件、自然人申请2件 against the table's 0 and 3: those sums are doubted too
    assert [str(c) for c in total.contradicted] == [
        f"{farm}：正文称本年收到的法人或其他组织的政府信息公开申请为 1 件，而表三“一、本年新收政府信息公开申请数量”行"
        "“商业企业”、“科研机构”、“社会公益组织”、“法律服务机构”、“其他”列之和为 0",
        f"{farm}：正文称本年收到的自然人的政府信息公开申请为 2 件，而表三“一、本年新收政府信息公开申请数量”行“自然人”列为 3"]
    assert total.cells["table3.new_received.natural_person"].contradicted == [farm]
    out = tmp_path / "sum.json"
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["rollup", *paths, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    # Only the cells that may be the wrong ones are marked: not the zeros beside 自然人 3 (one
    # correction of a 0 cannot make 3 + 0 + … = 0 hold); every column was marked, zeros too.
    assert re.search(r"\n  （七）总计 +31! +0 +0 +0 +0 +0 +28!\n", printed)
    assert sorted(c for c, s in total.cells.items() if s.unsound) == [
        f"table3.{row}.{col}" for row in ("denied.third_party", "granted", "new_received", "total")
        for col in ("natural_person", "total")] + ["table4.review.total", "table4.review.upheld"]
    # Wrapped by columns, each report's row a line and its further lines indented (rich broke them
    # at spaces: "（5 " / "处）", "总计为 " / "0，而…" at the start of a line).
    lines = printed.splitlines()
    at = lines.index("注意：2 份相加的报告自身的合计不成立（5 处），其数字按原样计入合计、未作更正；用")
    assert lines[at:at + 13] == [
        "注意：2 份相加的报告自身的合计不成立（5 处），其数字按原样计入合计、未作更正；用",
        "到这些数字的合计标 !（只标可能有误的格：单改这一格（改后不小于 0）就能使不成立的",
        "合计成立；其中有的格不在任何成立的合计里时，只标这些）：",
        "  平潭综合实验区行政审批局：表四“行政复议”：总计为 0，而结果维持、结果纠正、其",
        "    他结果、尚未审结之和为 1，相差 1。",
        f"  {farm}：表三“一、本年新收政府信息公开申请数量”行：总计为",
        "    0，而自然人与五类法人或其他组织之和为 3，相差 3。",
        f"  {farm}：表三“（一）予以公开”行：总计为 0，而自然人与五类法",
        "    人或其他组织之和为 1，相差 1。",
        f"  {farm}：表三“（三）不予公开—4.保护第三方合法权益”行：总计",
        "    为 0，而自然人与五类法人或其他组织之和为 2，相差 2。",
        f"  {farm}：表三“（七）总计”行：总计为 0，而自然人与五类法人或",
        "    其他组织之和为 3，相差 3。"]
    d = json.loads(out.read_text(encoding="utf-8"))
    assert d["unsound"][-1] == {"report": farm, "rule": "T3-ROWSUM", "cells": [
        f"table3.total.{c}" for c in ("total", "natural_person", "commercial", "research", "social_org",
                                     "legal_service", "other_org")],
        "message": "表三“（七）总计”行：总计为 0，而自然人与五类法人或其他组织之和为 3，相差 3"}
    assert d["coverage"]["table3.total.total"] == {"status": "complete", "numbers": 2, "blank": [], "missing": [],
                                                   "undecided": [], "unsound": [farm], "contradicted": []}


def test_a_sum_of_both_table3_layouts_shows_the_one_row_other_beside_its_three_rows(capsys):
    # 洪泽区 prints （六）其他处理 as one row, 淮安市 as three: the sum's one-row （六） was printed
    # after 四、结转下年度继续办理 (terminal and the web's table), with the same label as the heading.
    from gongkai.render.review import table_html
    from tests.conftest import EXAMPLES

    paths = [str(EXAMPLES / f) for f in ("hongze-district-2023.pdf", "huaian-city-2024.pdf")]
    assert main(["rollup", *paths]) == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    at = next(i for i, line in enumerate(lines) if line.startswith("3.其他 "))
    assert [line.split(" ")[0] for line in lines[at + 1:at + 4]] == [
        "（六）其他处理（印作一行的报告）", "（七）总计", "四、结转下年度继续办理"]
    total = rollup([(p, load(p)) for p in paths])
    sums = Report(agency="合计", format=total.common_format())
    for cell, s in total.cells.items():
        sums.set_value(cell, s.value)
    heads = re.findall(r'id="cell-table3\.([^"]+)\.natural_person"', table_html(sums, "table3", {}))
    assert heads[-6:] == ["other.no_correction", "other.no_fee", "other.other", "other", "total", "carried_forward"]
