"""The ten crawler texts of examples/crawler-text: every cell as a person reads it from the digits
and the tables' own sums, and what cannot be read said so.

The texts are real reports of 平潭综合实验区 departments (2019–2025) as a crawler kept them: the
body on one line, every table's cells run together or padded with stray spaces.  The expected
values below were worked out by hand from the printed digits; where the digits allow several
readings, the comment says which and why none can be chosen.
"""

from datetime import date

import pytest

from gongkai.extract import is_truncated
from gongkai.format import FORMAT
from gongkai.load import load
from gongkai.model import Report
from tests.conftest import EXAMPLES

CRAWLER = EXAMPLES / "crawler-text"
COLS = list(FORMAT.table3_column_ids)
Z7 = [0] * 7
N3 = {"made": None, "repealed": None, "in_force": None}
PT = "平潭综合实验区"


def table3(layout: str, rows: dict[str, list]) -> dict:
    """Expected table 3: every row of ``layout``; rows not listed are seven zeros."""
    return {r: dict(zip(COLS, rows.get(r, Z7))) for r in FORMAT.table3_layout(layout)}


def table4(values: list) -> dict:
    out: dict = {}
    for (group, column), v in zip(FORMAT.table4_cell_order, values + [0] * (15 - len(values))):
        out.setdefault(group, {})[column] = v
    return out


def only(total: int) -> list:
    """A row of natural persons only: ``total`` in 自然人 and in 总计."""
    return [total, 0, 0, 0, 0, 0, total]


def t2_2021(normative: dict, licensing=0, penalty=0, coercion=0, rules: bool = True) -> dict:
    out = {"art20_1.rules": {"made": 0, "repealed": 0, "in_force": 0}} if rules else {}
    out.update({
        "art20_1.normative_docs": normative,
        "art20_5.licensing": {"decisions": licensing},
        "art20_6.penalty": {"decisions": penalty},
        "art20_6.coercion": {"decisions": coercion},
        "art20_8.admin_fees": {"amount": 0},
    })
    return out


def t2_2019(**rows) -> dict:
    zero3 = ("prev_items", "change", "decisions")
    out = {
        "art20_1.rules": dict.fromkeys(("new_made", "new_published", "total_published"), 0),
        "art20_1.normative_docs": dict.fromkeys(("new_made", "new_published", "total_published"), 0),
        "art20_5.licensing": dict.fromkeys(zero3, 0),
        "art20_5.other_services": dict.fromkeys(zero3, 0),
        "art20_6.penalty": dict.fromkeys(zero3, 0),
        "art20_6.coercion": dict.fromkeys(zero3, 0),
        "art20_8.admin_fees": {"prev_items": 0, "change": 0},
        "art20_9.procurement": {"projects": 0, "amount": 0},
    }
    for row, values in rows.items():
        out[row.replace("__", ".")] = dict(zip(out[row.replace("__", ".")], values))
    return out


EXPECTED = {
    "ptzhsyqgwh-2019": dict(
        agency=f"{PT}管委会办公室", year=2019, format="2019", published=None, sections=[1, 2, 3, 4, 5, 6],
        # 规范性文件 222233 into 本年新制作|本年新公开|对外公开总数量: the 2019 table has no sum over them,
        # so all ten cuts without a leading zero stand (the narrative's "22条" is not a table constraint).
        # 政府集中采购 215419886元 into 采购项目数量|采购总金额: any cut of the nine digits, eight in all.
        # 行政许可 0+11: the sign starts 本年增/减, so 0 | +1 | 1.
        table2=t2_2019(art20_1__normative_docs=[None] * 3, art20_5__licensing=[0, 1, 1],
                       art20_9__procurement=[None, None]),
        # 一、本年新收 120000012 (9 digits, 7 cells): only 12|0|0|0|0|0|12 has its 总计 equal to the sum
        # (1|20|… sums to 21, a last cell "2" leaves "1200000" with two 1-and-2 pieces summing over 2).
        # From （四） on the rows are spaced: "3 0 0 0 0 03" is 3|0|0|0|0|0|3 ("03" is two cells), and
        # the item numbers glued on (…002.没有现成…) belong to the next label.  Sums hold: 4+1+3+2+2 = 12.
        table3=table3("2019", {"new_received": only(12), "granted": only(4), "partial": only(1),
                               "unable.unclear": only(3), "not_processed.repeat": only(2), "other": only(2),
                               "total": only(12)}),
        table4=table4([]),
        ambiguous={
            "art20_1.normative_docs": [["2", "2", "2233"], ["2", "22", "233"], ["2", "222", "33"], ["2", "2223", "3"],
                                       ["22", "2", "233"], ["22", "22", "33"], ["22", "223", "3"], ["222", "2", "33"],
                                       ["222", "23", "3"], ["2222", "3", "3"]],
            "art20_9.procurement": [["2", "15419886"], ["21", "5419886"], ["215", "419886"], ["2154", "19886"],
                                    ["21541", "9886"], ["215419", "886"], ["2154198", "86"], ["21541988", "6"]],
        }),
    "ptzhsyqlyy-2019": dict(
        agency=f"{PT}旅游与文化体育局", year=2019, format="2019", published=date(2020, 1, 2), sections=[1, 2, 3, 4, 5, 6],
        # 行政许可 215: three digits, three cells.  行政处罚 3000 (printed under （五）, its own heading
        # lost): 3|0|00 and 3|00|0 would print a number with a leading zero, so 30|0|0.
        # 政府集中采购 1个246900元: the units separate the cells.
        table2=t2_2019(art20_5__licensing=[2, 1, 5], art20_6__penalty=[30, 0, 0], art20_9__procurement=[1, 246900]),
        table3=table3("2019", {}),  # all 7-digit zero rows; "三、本年度办理结果" printed again before （四）
        table4=table4([]),
        ambiguous={}),
    "ptzhsyqhzs-2020": dict(
        agency=f"{PT}行政审批局", year=2020, format="2019", published=date(2021, 1, 19), sections=[1, 2, 3, 4, 5, 6],
        # 行政许可 0494246: 上一年项目数量 is 0 in every cut (a number cannot start with 0 unless it is 0);
        # the rest, 494246, can be cut five ways into 本年增/减|处理决定数量.
        table2=t2_2019(art20_1__normative_docs=[0, 0, 6], art20_5__licensing=[0, None, None]),
        # "10 0 00 0 1", "10 0 00 01", "1 0 0 00 0 1": seven digits each, one a cell.
        table3=table3("2019", {"new_received": only(1), "granted": only(1), "total": only(1)}),
        table4=table4([]),
        ambiguous={"art20_5.licensing": [["0", "4", "94246"], ["0", "49", "4246"], ["0", "494", "246"],
                                         ["0", "4942", "46"], ["0", "49424", "6"]]}),
    "ptzhsyqjtj-2021": dict(
        agency=f"{PT}交通与建设局", year=2021, format="2021", published=date(2022, 1, 7), sections=[1, 2, 3, 4, 5, 6],
        # 行政规范性文件 0012: 0|01|2 and 00|… have leading zeros, so 0|0|12.
        table2=t2_2021({"made": 0, "repealed": 0, "in_force": 12}, penalty=2),
        table3=table3("2021", {"new_received": only(5), "granted": only(3), "partial": only(1),
                               "unable.not_held": only(1), "total": only(5)}),
        table4=table4([]),
        ambiguous={}),
    "ptzhsyqjjf-2022": dict(
        agency=f"{PT}经济发展局", year=2022, format="2021", published=date(2023, 1, 5), sections=[1, 2, 3, 4, 5, 6],
        table2=t2_2021({"made": 5, "repealed": 0, "in_force": 5}),
        table3=table3("2021", {"new_received": only(3), "partial": only(3), "total": only(3)}),
        table4=table4([]),
        ambiguous={}),
    "ptzhsyqshs-2022": dict(
        agency=f"{PT}社会事业局", year=2022, format="2021", published=date(2023, 1, 9), sections=[1, 2, 3, 4, 5, 6],
        # 行政规范性文件 5730: 5|7|30, 5|73|0 and 57|3|0 — without last year's 现行有效件数 nothing
        # tells them apart (5+… the narrative's "规范性文件类信息5条" is not a table constraint).
        table2=t2_2021(N3, licensing=1970, penalty=3),
        table3=table3("2021", {"new_received": only(3), "granted": only(1), "partial": only(1),
                               "unable.not_held": only(1), "total": only(3)}),
        table4=table4([]),
        ambiguous={"art20_1.normative_docs": [["5", "7", "30"], ["5", "73", "0"], ["57", "3", "0"]]}),
    "ptzhsyqgyz-2023": dict(
        agency=f"{PT}国有资产管理局", year=2023, format="2021", published=date(2024, 1, 26), sections=[1, 2, 3, 4, 5, 6],
        # 6126: 6|1|26, 6|12|6, 61|2|6.
        table2=t2_2021(N3),
        table3=table3("2021", {}),
        table4=table4([]),
        ambiguous={"art20_1.normative_docs": [["6", "1", "26"], ["6", "12", "6"], ["61", "2", "6"]]}),
    "ptzhsyqhzs-2024": dict(
        agency=f"{PT}行政审批局", year=2024, format="2021", published=None, sections=[1, 2, 3, 4, 5, 6],
        # 15621: six cuts into three.
        table2=t2_2021(N3, licensing=3),
        # 280000028 and 180000018: 28|0|0|0|0|0|28 and 18|…|18 are the only cuts whose 总计 is the sum
        # (2|80|… sums to 82; a shorter 总计 "8" leaves digits summing over 8).  18+6+4 = 28.
        table3=table3("2021", {"new_received": only(28), "granted": only(18), "partial": only(6),
                               "unable.not_held": only(4), "total": only(28)}),
        # 100000000000000: fifteen digits, one a cell, read as printed — 行政复议 结果维持 1 but 总计 0,
        # the report's own error (T4-TOTAL), not a cut to correct.
        table4=table4([1]),
        ambiguous={"art20_1.normative_docs": [["1", "5", "621"], ["1", "56", "21"], ["1", "562", "1"],
                                              ["15", "6", "21"], ["15", "62", "1"], ["156", "2", "1"]]}),
    "ptzhsyqnyn-2024": dict(
        agency=f"{PT}农业农村局", year=2024, format="2021", published=None, sections=[1, 2, 3, 4, 5],
        # No 规章 row; 规范性文件 100 is three digits, three cells.
        table2=t2_2021({"made": 1, "repealed": 0, "in_force": 0}, licensing=1323, penalty=57, rules=False),
        # Seven digits a row, read as printed although every 总计 is 0: the report's sums are wrong
        # (T3-ROWSUM), and no other cut of seven digits into seven cells exists.
        table3=table3("2021", {"new_received": [3, 0, 0, 0, 0, 0, 0], "granted": [1, 0, 0, 0, 0, 0, 0],
                               "denied.third_party": [2, 0, 0, 0, 0, 0, 0], "total": [3, 0, 0, 0, 0, 0, 0]}),
        table4=table4([]),
        ambiguous={}),
    "ptzhsyqjtj-2025": dict(
        agency=f"{PT}交通与建设局", year=2025, format="2021", published=date(2026, 1, 22), sections=[1, 2, 3, 4, 5, 6],
        # 1024: 1|0|24 or 10|2|4 (1|02|4 has a leading zero).
        table2=t2_2021(N3),
        # "2100000 21": the space makes 21 the 总计, so 2100000 is 21|0|0|0|0|0 (2|10|… sums to 12).
        # 100000010 → 10|…|10; "100000 1" → 1|…|1; 1000000102.没有现成… → 10|…|10 then the label "2.".
        # 10+1+10 = 21.  Table 4: 3+1+5+0 = 9.
        table3=table3("2021", {"new_received": only(21), "granted": only(10), "partial": only(1),
                               "unable.not_held": only(10), "total": only(21)}),
        table4=table4([3, 1, 5, 0, 9]),
        ambiguous={"art20_1.normative_docs": [["1", "0", "24"], ["10", "2", "4"]]}),
}


@pytest.fixture(scope="module")
def parsed():
    return {name: load(CRAWLER / f"{name}.txt") for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_cell_of_a_crawler_text(parsed, name):
    r, e = parsed[name], EXPECTED[name]
    assert (r.agency, r.year, r.format, r.published) == (e["agency"], e["year"], e["format"], e["published"])
    assert [s.no for s in r.sections] == e["sections"]
    assert not is_truncated(r)
    assert r.table2 == e["table2"]
    assert r.table3 == e["table3"]
    assert r.table4 == e["table4"]
    assert {a.row: a.candidates for a in r.ambiguous} == e["ambiguous"]
    for amb in r.ambiguous:  # every cell the cuts disagree on is null; the others hold the shared value
        for i, cell in enumerate(amb.cells):
            values = {c[i] for c in amb.candidates}
            assert r.value(cell) == (int(values.pop()) if len(values) == 1 else None), cell


def test_inferred_cells_name_the_constraints_that_fixed_them(parsed):
    gwh = parsed["ptzhsyqgwh-2019"]
    info = gwh.cells["table3.new_received.natural_person"]
    assert (info.raw, info.inferred, info.basis) == ("12", True, ("row-total",))
    # Spaced digits one a cell are read as printed, not inferred; positions are the line and character.
    total = [gwh.cells[f"table3.total.{c}"] for c in COLS]
    assert [(i.raw, i.inferred, str(i.where)) for i in total] == [
        ("12", False, "line 10, char 2361"), ("0", False, "line 10, char 2364"), ("0", False, "line 10, char 2366"),
        ("0", False, "line 10, char 2368"), ("0", False, "line 10, char 2370"), ("0", False, "line 10, char 2372"),
        ("12", False, "line 10, char 2374")]
    lyy = parsed["ptzhsyqlyy-2019"]
    penalty = lyy.cells["table2.art20_6.penalty.prev_items"]
    assert (penalty.raw, penalty.inferred, penalty.basis) == ("30", True, ("no-leading-zero",))
    assert lyy.cells["table2.art20_9.procurement.amount"].raw == "246900元"
    hzs = parsed["ptzhsyqhzs-2020"]
    assert hzs.cells["table2.art20_5.licensing.prev_items"].basis == ("no-leading-zero",)
    assert hzs.cells["table2.art20_5.licensing.change"].raw == "0494246"  # the row's digits, for the reader


def test_labels_headings_and_signatures_as_printed(parsed):
    nyn = parsed["ptzhsyqnyn-2024"]
    assert [(u.table, u.row, u.printed, u.official) for u in nyn.labels] == [
        ("table2", "art20_1.normative_docs", "规范性文件", "行政规范性文件"),
        ("table2", "header", "本年废止件", "本年废止件数")]
    assert [(u.printed, u.official) for u in parsed["ptzhsyqlyy-2019"].labels] == [("本年增/减量", "本年增/减")] * 2
    assert parsed["ptzhsyqshs-2022"].section(4).title == "政府信息公开行政法复议、行政诉讼情况"
    # the body's own title, repeated before the preamble, is not part of it; page chrome is dropped
    assert parsed["ptzhsyqgwh-2019"].preamble.startswith("根据《中华人民共和国政府信息公开条例》")
    assert parsed["ptzhsyqhzs-2020"].preamble.startswith("根据《中华人民共和国政府信息公开条例》")
    # "…其他需要报告的事项无平潭综合实验区行政审批局 2021年1月19日 附件下载"
    assert parsed["ptzhsyqhzs-2020"].section(6).text == "无"
    assert parsed["ptzhsyqjtj-2021"].section(6).text.endswith("信息公开处理费。\n（联系人：林耀，联系方式：0591-23163387）")
    # narrative between a heading and its table stays in the section
    assert parsed["ptzhsyqjjf-2022"].section(3).text == "2022年，共收到政府信息公开申请3条。"
    assert parsed["ptzhsyqjjf-2022"].section(4).text.startswith("2022年，未有政府信息公开行政复议及行政诉讼有关情况。")


def test_ambiguous_cells_are_noted_and_found_at_their_place(parsed):
    from gongkai.check import check_report

    r = parsed["ptzhsyqshs-2022"]
    assert r.notes == [("第10行第1415字：表二“行政规范性文件”行的数字印作“5730”，中间没有分隔，按单元格个数仍有 3 种拆法"
                        "（5|7|30；5|73|0；57|3|0），拆法不一致的单元格留空。")]
    found = [f for f in check_report(r) if f.rule in ("CELL-AMBIGUOUS", "CELL-BLANK")]
    assert [(f.rule, f.severity, f.where, f.cells) for f in found] == [
        ("CELL-AMBIGUOUS", "warning", "第10行第1415字", [f"table2.art20_1.normative_docs.{c}" for c in N3])]
    assert found[0].message == (
        "表二“行政规范性文件”行的数字印作“5730”，中间没有分隔，按单元格个数仍有 3 种拆法：5|7|30；5|73|0；57|3|0。"
        "其中“本年制发件数”、“本年废止件数”、“现行有效件数”无法确定，已留空（不作猜测）。请核对原件，确认这些单元格的数字。")


def test_the_pages_header_is_kept_as_the_source_not_as_the_reports_date(parsed):
    """The header's 发布时间, 原文链接, 发布机构 and 文号 were dropped: three of these reports bear no
    落款 date, so nothing said when they went up.  They are the source's facts, and `published`
    (the 落款) stays empty where the report bears none."""
    gwh = parsed["ptzhsyqgwh-2019"]
    assert gwh.published is None
    assert {k: v for k, v in gwh.source.to_dict().items() if k != "sha256"} == {
        "name": "ptzhsyqgwh-2019.txt", "form": "txt", "posted": "2020-01-22T14:28",
        "url": "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqgwh/zfxxgknb/202001/t20200122_80577.htm",
        "issuer": "平潭综合实验区管委会办公室"}   # 文号 is empty in the header: absent
    hzs, nyn = parsed["ptzhsyqhzs-2024"], parsed["ptzhsyqnyn-2024"]
    assert (hzs.published, hzs.source.posted, hzs.source.issuer) == (None, "2025-01-24T15:17", "区行政审批局")
    assert (nyn.published, nyn.source.posted) == (None, "2025-01-26T16:59")
    back = Report.from_json(gwh.to_json())
    assert back.source == gwh.source and back.published is None


@pytest.mark.parametrize(("line", "posted"), [
    ("发布时间: 2020-01-22 14:28", "2020-01-22T14:28"),
    ("发布日期：2020年1月2日", "2020-01-02"),
    ("【发布时间】2020/01/22 14:28:05", "2020-01-22T14:28:05"),
    ("发布时间: 2020-13-01", None),         # no such date: none rather than a wrong one
    ("发布时间: 近日", None),
])
def test_a_headers_date_is_read_as_iso_or_not_at_all(line, posted):
    text = (CRAWLER / "ptzhsyqgwh-2019.txt").read_text(encoding="utf-8").replace("发布时间: 2020-01-22 14:28", line)
    text = text.replace("文号: ", "文号: 岚综管办〔2020〕3号").replace("原文链接: https", "原文链接: javascript:https")
    source = load(text.encode("utf-8"), "gwh.txt").source
    assert (source.posted or None, source.doc_no, source.url) == (posted, "岚综管办〔2020〕3号", "")
