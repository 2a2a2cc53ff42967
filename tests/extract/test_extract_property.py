"""Property: random valid reports of both formats, written as text and as HTML with the damage
real exports carry, parse back to identical tables.  Numbers run together are either recovered
exactly (and marked inferred) or left null — never wrong."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.check import check_report
from gongkai.format import FORMAT
from gongkai.load import load
from tests.writers import Damage, random_report, to_html, to_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _edge_blank(report, row_id):
    vals = [report.value(f"table3.{row_id}.{c}") for c in FORMAT.table3_column_ids]
    return vals[0] is None or vals[-1] is None


@st.composite
def text_case(draw):
    seed = draw(st.integers(0, 10**9))
    rng = random.Random(seed)
    version = draw(st.sampled_from(["2019", "2021"]))
    separator = draw(st.sampled_from(["\t", "\t", "|", " "]))
    blanks = 0.0 if separator == " " else draw(st.sampled_from([0.0, 0.0, 0.05]))
    report = random_report(rng, version, blanks=blanks)
    rows = list(FORMAT.table3_layout(version))
    d = Damage(separator=separator)
    d.spaced = draw(st.booleans()) and separator != " "
    d.halfwidth = draw(st.booleans())
    d.drop_groups = draw(st.booleans())
    d.no_heading4 = draw(st.booleans())
    if separator != " ":
        for row in rows:
            if _edge_blank(report, row):
                continue  # a blank at the edge next to merge fillers is undecidable in text
            d.shift[row] = rng.choice([0, 0, 1, 2])
            d.trailing[row] = rng.choice([0, 0, 1, 2])
        d.wrapped = {r for r in rows if rng.random() < 0.1}
    complete = [r for r in rows if None not in [report.value(f"table3.{r}.{c}") for c in FORMAT.table3_column_ids]]
    d.fused = {r for r in complete if rng.random() < 0.1} - d.wrapped
    d.split = {r for r in complete if rng.random() < 0.1} - d.fused - d.wrapped - set(d.shift) - set(d.trailing)
    if d.spaced or d.halfwidth:
        d.wrapped = set()
    return report, d


def _assert_same_or_unrecovered(got, truth, fused_rows):
    open_cells = {c for amb in got.ambiguous for c in got.undecided(amb)}
    for cell_id, value in truth.iter_cells():
        table, rest = cell_id.split(".", 1)
        row = rest.rsplit(".", 1)[0]
        info = got.cells.get(cell_id)
        assert info is not None, cell_id
        if table == "table3" and row in fused_rows:
            if got.value(cell_id) is None:
                assert cell_id in open_cells  # ambiguous: left null with its candidates, never guessed
                continue
            assert got.value(cell_id) == value and info.inferred and info.basis, cell_id
        else:
            assert got.value(cell_id) == value, (cell_id, info)


@SETTINGS
@given(text_case())
def test_damaged_text_parses_back(case):
    truth, damage = case
    got = load(to_text(truth, damage).encode(), "report.txt")
    assert got.format == truth.format and got.year == truth.year
    assert set(got.table3) == set(truth.table3)
    assert set(got.table2) == set(truth.table2)
    _assert_same_or_unrecovered(got, truth, damage.fused)
    assert got.extra_rows == []


@SETTINGS
@given(st.integers(0, 10**9), st.sampled_from(["2019", "2021"]), st.booleans(), st.booleans(),
       st.sampled_from([("utf-8", True), ("gbk", True), ("gbk", False), ("gb2312", True)]))
def test_damaged_html_parses_back(seed, version, spaced, zeros_blank, encoding):
    rng = random.Random(seed)
    truth = random_report(rng, version, blanks=rng.choice([0.0, 0.05]))
    page = to_html(truth, Damage(spaced=spaced, zeros_blank=zeros_blank), charset=encoding[0], meta=encoding[1])
    got = load(page, "report.html")
    for cell_id, value in truth.iter_cells():
        expected = None if zeros_blank and value == 0 else value
        assert got.value(cell_id) == expected, cell_id
    assert (got.agency, got.year, got.format) == (truth.agency, truth.year, version)


def test_fused_digits_recovered_only_when_unique():
    truth = random_report(random.Random(2), "2021")
    for c, v in zip(FORMAT.table3_column_ids, [12, 0, 3, 0, 0, 0, 15]):
        truth.set_value(f"table3.granted.{c}", v)
    text = to_text(truth, Damage(fused={"granted"}))
    assert "\t12030001" + "5" in text
    got = load(text.encode(), "r.txt")
    # 1|2|0|3|0|0|0|15 would be 8 numbers; the only 7-way cut with total = sum is 12|0|3|0|0|0|15.
    assert [got.value(f"table3.granted.{c}") for c in FORMAT.table3_column_ids] == [12, 0, 3, 0, 0, 0, 15]
    assert got.cells["table3.granted.total"].inferred


def test_fused_digits_without_unique_cut_stay_null():
    # table 2 has no sums: "693665" for 69 | 3 | 665 cannot be cut with certainty.
    text = ("某县2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n"
            "信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件693665\n"
            "三、收到和处理政府信息公开申请情况\n")
    got = load(text.encode(), "r.txt")
    assert got.table2["art20_1.normative_docs"] == {"made": None, "repealed": None, "in_force": None}
    assert got.table2["art20_1.rules"] == {"made": 0, "repealed": 0, "in_force": 0}
    # The cuts are named (as for crawler text), and the checker reports the cells (CELL-AMBIGUOUS).
    assert got.notes[0] == ("第6行第1栏：表二“行政规范性文件”行的数字印作“693665”，中间没有分隔，按单元格个数仍有 10 种拆法"
                            "（6|9|3665；6|93|665；6|936|65；6|9366|5；69|3|665；69|36|65等 10 种），拆法不一致的单元格留空。")
    [amb] = got.ambiguous
    assert (amb.row, amb.raw, len(amb.candidates)) == ("art20_1.normative_docs", "693665", 10)
    assert ["69", "3", "665"] in amb.candidates
    assert [f.cells for f in check_report(got) if f.rule == "CELL-AMBIGUOUS"] == [amb.cells]
    # "000" has only one cut: the count of digits forces it (inferred: the export did not print it apart).
    got = load(text.replace("693665", "000").encode(), "r.txt")
    assert got.table2["art20_1.normative_docs"] == {"made": 0, "repealed": 0, "in_force": 0}
    info = got.cells["table2.art20_1.normative_docs.made"]
    assert (info.raw, info.inferred, info.basis) == ("0", True, ("digit-count",))
    assert got.ambiguous == []
