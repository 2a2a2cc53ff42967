"""Crawler texts whose own sums are wrong, with damage the ten real ones lack, and with last year's
report: each a real text with a few characters changed, its expected cells worked out by hand.

Also: ``gongkai check`` finds the same arithmetic errors in a crawler text as in the same report
printed as a clean table."""

import copy
import random
from decimal import Decimal

import pytest

from gongkai.check import check_report
from gongkai.extract.recover import refine
from gongkai.format import FORMAT
from gongkai.load import load
from tests.extract.test_extract_crawler import CRAWLER, EXPECTED, only, table3, table4
from tests.writers import Damage, random_report, to_text

ARITHMETIC = ("T3-IDENTITY", "T3-TOTAL", "T3-ROWSUM", "T4-TOTAL")
COLS = list(FORMAT.table3_column_ids)


def variant(name: str, *changes: tuple[str, str]) -> str:
    """The crawler text ``name`` with each (old, new) made once (old must occur exactly once)."""
    text = (CRAWLER / f"{name}.txt").read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def parse(text: str, name: str = "variant.txt"):
    return load(text.encode("utf-8"), name)


def arithmetic(report) -> list[tuple]:
    return [(f.rule, f.cells, f.message) for f in check_report(report) if f.rule in ARITHMETIC]


# Said of a failing sum whose cells only the count of digits placed (a blank cell leaves no trace).
BY_COUNT = ("数字在原文中连写，是按数字个数一位一格读出的（推断值）；网页抓取的文本不留空白单元格的痕迹，"
            "也可能是有单元格空白、数字应属相邻单元格。请对照原件核对。")


def as_clean(found: list[tuple]) -> list[tuple]:
    """A crawler text's arithmetic findings without what they say of the digits' placing."""
    return [(rule, cells, message.replace("该行" + BY_COUNT, "").replace("该组" + BY_COUNT, ""))
            for rule, cells, message in found]


def clean_form(report_format: str, table2: dict, table3_: dict, table4_: dict):
    """The same tables printed as a clean text table (tab-separated rows), parsed."""
    r = random_report(random.Random(0), report_format)
    r.table2 = copy.deepcopy(table2)
    for row in r.table2.values():  # cells the crawler text leaves open play no part in the arithmetic
        for column, value in row.items():
            row[column] = 0 if value is None else value
    r.table3, r.table4 = table3_, table4_
    return load(to_text(r, Damage()).encode("utf-8"), "clean.txt")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_finds_the_arithmetic_errors_of_the_clean_form(name):
    e = EXPECTED[name]
    crawler = parse((CRAWLER / f"{name}.txt").read_text(encoding="utf-8"), f"{name}.txt")
    clean = clean_form(e["format"], e["table2"], e["table3"], e["table4"])
    assert as_clean(arithmetic(crawler)) == arithmetic(clean)
    expected = {"ptzhsyqhzs-2024": ["T4-TOTAL"], "ptzhsyqnyn-2024": ["T3-ROWSUM"] * 4}.get(name, [])
    assert [f[0] for f in arithmetic(crawler)] == expected
    # Each failing sum's cells were placed one digit a cell by their count alone ("3000000" may be
    # 30|0|0|0|0|0 with a cell blank): the crawler's finding says so, the clean table's does not.
    assert all(message.endswith(BY_COUNT) for _, _, message in arithmetic(crawler))


def test_a_row_whose_total_is_wrong_with_a_digit_a_cell_is_read_as_printed():
    # 交通与建设局 2021, （一）予以公开 printed 3000004: seven digits, seven cells — 3|0|0|0|0|0|4 whatever
    # the sums say; the checker reports the row (3 ≠ 4) and the 总计 column (4+1+1 = 6 ≠ 5).
    r = parse(variant("ptzhsyqjtj-2021", ("（一）予以公开3000003", "（一）予以公开3000004")))
    assert r.table3["granted"] == dict(zip(COLS, [3, 0, 0, 0, 0, 0, 4]))
    assert r.ambiguous == []
    # Its sum failing, the digits may as well be 30|0|0|0|0|4 with a cell blank (a crawler keeps no
    # trace of it): the cells are marked inferred by their count, and the findings say so.
    # Before: read as printed unmarked, and the finding blamed the report's sum alone.
    assert {(i.inferred, i.basis) for c, i in r.cells.items() if c.startswith("table3.granted.")} == \
        {(True, ("digit-count",))}
    e = EXPECTED["ptzhsyqjtj-2021"]
    t3 = copy.deepcopy(e["table3"])
    t3["granted"]["total"] = 4
    assert as_clean(arithmetic(r)) == arithmetic(clean_form("2021", e["table2"], t3, e["table4"]))
    assert [(f[0], f[1][0]) for f in arithmetic(r)] == [("T3-TOTAL", "table3.total.total"),
                                                        ("T3-ROWSUM", "table3.granted.total")]
    assert arithmetic(r)[1][2] == ("表三“（一）予以公开”行：总计为 4，而自然人与五类法人或其他组织之和为 3，相差 1。"
                                   "请核对该行各列数字或总计。该行" + BY_COUNT)
    # A row whose sum holds as printed is read so, unmarked: 3000003 (its other readings do not add up).
    r = parse(variant("ptzhsyqjtj-2021"))
    assert r.table3["granted"] == dict(zip(COLS, [3, 0, 0, 0, 0, 0, 3]))
    assert not r.cells["table3.granted.total"].inferred


def test_a_row_no_cut_of_which_adds_up_stays_unsplit():
    # （一）予以公开 printed 100000011: nine digits for seven cells.  With 总计 11 the rest, 1000000,
    # gives 10|0|0|0|0|0 (10 ≠ 11); with 总计 1 the rest, 10000001, cannot make 1 from its two 1s
    # (10, or 1+1); 011 is no number.  No cut: the row stays unsplit, said so, and no sum that needs
    # its cells is checked.  Nor with blank cells whose total is printed; but a crawler keeps no trace
    # of a blank 总计 either: 100|0|0|0|0|11 under a total left blank reads the same, so the report's
    # sum is not the only possible fault, and the readings are named (the parts in any six or fewer
    # columns, more numbers first).  Before: "（报告自身的合计有误）", no reading named.
    r = parse(variant("ptzhsyqjtj-2025", ("（一）予以公开100000010", "（一）予以公开100000011")))
    assert r.table3["granted"] == dict.fromkeys(COLS)
    [amb] = [a for a in r.ambiguous if a.table == "table3"]
    assert (amb.row, amb.raw, amb.reason, len(amb.candidates)) == ("granted", "100000011", "blank-only", 120)
    assert amb.candidates[0] == ["100", "0", "0", "0", "0", "11", "/"]
    assert all(way[-1] == "/" for way in amb.candidates)  # no reading with its total printed adds up
    assert r.table3["unable.not_held"] == dict(zip(COLS, only(10)))  # the other rows as before
    found = [f for f in check_report(r) if f.rule == "CELL-AMBIGUOUS" and f.cells[0].startswith("table3")]
    assert [(f.where, f.message) for f in found] == [(
        "第10行第2036字",
        ("表三“（一）予以公开”行的数字印作“100000011”，中间没有分隔，各单元格都印有数字时无法拆成 7 个与本行总计相符的数；"
         "但网页抓取的文本不留空白单元格的痕迹，若有单元格空白（记作“/”），则有 120 种读法：100|0|0|0|0|11|/； "
         "1000|0|0|0|1|1|/； 1000|0|0|0|11|/|/； 1000|0|0|0|/|11|/； 1000|0|0|/|0|11|/； 1000|0|/|0|0|11|/； "
         "1000|/|0|0|0|11|/； /|1000|0|0|0|11|/；……（全部 120 种见 gongkai parse --json 的 ambiguous）。"
         "是报告自身的合计有误还是有单元格空白，原文无法判断，已保留原样，该行单元格留空。请核对原件，确认该行各单元格的数字。"))]
    assert arithmetic(r) == []


def _needs_the_column_totals(*more: tuple[str, str]) -> str:
    # 交通与建设局 2025 with 11 requests granted instead of 10, and 22 received and done.  Each of
    # the three rows has two cuts whose 总计 is the sum: 110000011 is 11|0|…|11 or 1|10|0|…|11;
    # 220000022 is 22|0|…|22 or 2|20|0|…|22.
    return variant("ptzhsyqjtj-2025", ("（一）予以公开100000010", "（一）予以公开110000011"),
                   ("一、本年新收政府信息公开申请数量2100000 21 ", "一、本年新收政府信息公开申请数量220000022"),
                   ("（七）总计210000021", "（七）总计220000022"), *more)


def test_rows_the_column_totals_and_the_identity_cut_one_way():
    # 自然人 column: （七） = 予以公开 + 1 + 10, so 22 = 11 + 11 (2 and 12 fit neither); then 商业企业:
    # （七） 0 = 予以公开 0 fits 11|0…; and 一 + 0 = （七） + 0 gives 一 = 22|0|….  One table, no guess.
    r = parse(_needs_the_column_totals())
    assert r.table3 == table3("2021", {"new_received": only(22), "granted": only(11), "partial": only(1),
                                       "unable.not_held": only(10), "total": only(22)})
    assert [a.table for a in r.ambiguous] == ["table2"]  # 1024, as in the real text
    basis = {row: r.cells[f"table3.{row}.natural_person"].basis for row in ("granted", "new_received", "total")}
    assert basis == {"granted": ("row-total", "column-total"), "new_received": ("row-total", "identity"),
                     "total": ("row-total", "column-total", "identity")}
    assert all(r.cells[f"table3.{row}.natural_person"].inferred for row in basis)


def test_when_the_column_totals_are_wrong_the_rows_keep_their_cuts():
    # As above with （二）部分公开 printed 2|…|2: now （七）自然人 (22 or 2) ≠ 予以公开 (11 or 1) + 2 + 10
    # in every combination: the report's sums are wrong, so they fix nothing; each row keeps the two
    # cuts its own total allows.  What all cuts share is kept: the 总计 cells (22, 11, 22).
    r = parse(_needs_the_column_totals(("（二）部分公开（区分处理的，只计这一情形，不计其他情形）100000 1 ",
                                        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）200000 2 ")))
    open_ = {a.row: (a.candidates, r.undecided(a)) for a in r.ambiguous if a.table == "table3"}
    two = ["table3.{}.natural_person", "table3.{}.commercial"]
    assert open_ == {
        "new_received": ([["2", "20", "0", "0", "0", "0", "22"], ["22", "0", "0", "0", "0", "0", "22"]],
                         [c.format("new_received") for c in two]),
        "granted": ([["1", "10", "0", "0", "0", "0", "11"], ["11", "0", "0", "0", "0", "0", "11"]],
                    [c.format("granted") for c in two]),
        "total": ([["2", "20", "0", "0", "0", "0", "22"], ["22", "0", "0", "0", "0", "0", "22"]],
                  [c.format("total") for c in two]),
    }
    assert [r.value(f"table3.{row}.total") for row in ("new_received", "granted", "total")] == [22, 11, 22]
    assert r.cells["table3.granted.total"].basis == ("row-total",)
    # The 总计 column is known throughout, and wrong: 11 + 2 + 10 = 23, not 22.
    assert [(f[0], f[1][0]) for f in arithmetic(r)] == [("T3-TOTAL", "table3.total.total")]
    assert sorted(f.cells[0] for f in check_report(r) if f.rule == "CELL-AMBIGUOUS") == [
        "table2.art20_1.normative_docs.made", "table3.granted.natural_person", "table3.new_received.natural_person",
        "table3.total.natural_person"]


def test_table4_with_a_digit_a_cell_is_read_as_printed_and_checked():
    # 国有资产管理局 2023, table 4 printed 000100000000000: 行政复议 尚未审结 1, 总计 0.
    r = parse(variant("ptzhsyqgyz-2023", ("总计000000000000000五、", "总计000100000000000五、")))
    assert r.table4 == table4([0, 0, 0, 1, 0])
    e = EXPECTED["ptzhsyqgyz-2023"]
    assert as_clean(arithmetic(r)) == arithmetic(clean_form("2021", e["table2"], e["table3"], table4([0, 0, 0, 1, 0])))
    assert [f[0] for f in arithmetic(r)] == ["T4-TOTAL"]


def test_table4_no_cut_of_which_adds_up_stays_unsplit():
    # 3150100000000000: sixteen digits for fifteen cells, so one two-digit number.  行政复议 is then
    # 31|5|0|1 with 总计 0, 3|15|0|1 with 0, 3|1|50|1 with 0, 3|1|5|0 with 10 (9 ≠ 10), or 3|1|5|0 with 1
    # and the two digits later — no group adds up.  Nothing is split, nothing is guessed.  A group's
    # total may have been left blank instead (a crawler keeps no trace of it), and such readings are
    # over a thousand: too many to list.  Before: "no-split", the report's sum blamed.
    r = parse(variant("ptzhsyqjtj-2025", ("总计315090000000000五、", "总计3150100000000000五、")))
    assert r.table4 == table4([None] * 15)
    assert [(a.table, a.reason, a.raw) for a in r.ambiguous if a.table == "table4"] == [
        ("table4", "too-many", "3150100000000000")]
    assert [f[0] for f in arithmetic(r)] == []


def test_word_comments_split_words_typos_and_repeated_labels():
    # 经济发展局 2022 with what other crawlers leave: Word list comments as text, a header word split
    # by a space, a misspelt header and row label, a group label printed twice, the body on two lines.
    text = variant("ptzhsyqjjf-2022",
                   ("1.属于国家秘密", "<!--[if !supportLists]-->1.<!--[endif]-->属于国家秘密"),
                   ("商业企业科研机构社会公益组织", "商业 企业科研机构社会公益组级"),
                   ("（三）不予公开", "（三）不予公开（三）不予公开"),
                   ("4.保护第三方合法权益", "4.保护第三方合法权宜"),
                   ("三、收到和处理政府信息公开申请情况2022年", "\n三、收到和处理政府信息公开申请情况2022年"))
    r = parse(text)
    e = EXPECTED["ptzhsyqjjf-2022"]
    assert (r.table2, r.table3, r.table4) == (e["table2"], e["table3"], e["table4"])
    assert [s.no for s in r.sections] == [1, 2, 3, 4, 5, 6]
    assert [(u.table, u.row, u.printed, u.official) for u in r.labels] == [
        ("table3", "denied.third_party", "4.保护第三方合法权宜", "4.保护第三方合法权益"),
        ("table3", "header", "社会公益组级", "社会公益组织")]
    assert str(r.cells["table3.new_received.natural_person"].where).startswith("line 11, char ")


def test_money_with_units_in_the_2019_table():
    # 政府集中采购 41520.75万元: the decimals belong to 采购总金额, the count takes 1–4 digits before:
    # 4|1520.75, 41|520.75, 415|20.75, 4152|0.75 — none can be chosen.  3个125000元: the unit separates.
    r = parse(variant("ptzhsyqgwh-2019", ("政府集中采购215419886元", "政府集中采购41520.75万元")))
    [amb] = [a for a in r.ambiguous if a.row == "art20_9.procurement"]
    assert amb.candidates == [["4", "1520.75"], ["41", "520.75"], ["415", "20.75"], ["4152", "0.75"]]
    assert r.table2["art20_9.procurement"] == {"projects": None, "amount": None}
    r = parse(variant("ptzhsyqgwh-2019", ("政府集中采购215419886元", "政府集中采购3个125000.5元")))
    assert r.table2["art20_9.procurement"] == {"projects": 3, "amount": Decimal("125000.5")}
    assert r.cells["table2.art20_9.procurement.amount"].raw == "125000.5元"


def test_the_signed_change_cell_and_what_table_two_is_cut_by():
    """管委会办公室 2019's table 2 (its every cell worked out in test_extract_crawler's EXPECTED):
    the "+" starts 本年增/减, so 0+11 is 0 | +1 | 1 with no choice; where the sign leaves two
    readings both stay open.  Table 2 has no sum within a report, so the findings say its rows are
    cut by their count of cells (they said "按格式和表内合计关系", and a row that cannot be cut at all
    was blamed on "the report's own sums")."""
    r = parse(variant("ptzhsyqgwh-2019", ("行政许可0+11", "行政许可10+515")))
    assert r.table2["art20_5.licensing"] == {"prev_items": 10, "change": None, "decisions": None}
    [amb] = [a for a in r.ambiguous if a.row == "art20_5.licensing"]
    assert amb.candidates == [["10", "+5", "15"], ["10", "+51", "5"]]
    r = parse(variant("ptzhsyqgwh-2019", ("行政许可0+11", "行政许可3-12")))
    assert r.table2["art20_5.licensing"] == {"prev_items": 3, "change": -1, "decisions": 2}
    found = {f.cells[0]: f.message for f in check_report(parse(variant("ptzhsyqgwh-2019")))
             if f.rule == "CELL-AMBIGUOUS"}
    assert found["table2.art20_9.procurement.projects"] == (
        "表二“政府集中采购”行的数字印作“215419886元”，中间没有分隔，按单元格个数仍有 8 种拆法：2|15419886；21|5419886；"
        "215|419886；2154|19886；21541|9886；215419|886；2154198|86；21541988|6。其中“采购项目数量”、“采购总金额”"
        "无法确定，已留空（不作猜测）。请核对原件，确认这些单元格的数字。")
    # A sign where a count goes, and fewer digits than cells: no sum is at fault.
    r = parse(variant("ptzhsyqgwh-2019", ("行政许可0+11", "行政许可12+3")))
    [amb] = [a for a in r.ambiguous if a.row == "art20_5.licensing"]
    assert (amb.candidates, amb.reason) == ([], "no-split")
    assert "第10行第1632字：表二“行政许可”行的数字印作“12+3”，无法按格式拆成 3 个单元格的数（可能有单元格空白未印出），" \
           "保留原样，相关单元格留空。" in r.notes
    [found] = [f for f in check_report(r) if f.rule == "CELL-AMBIGUOUS" and f.cells[0].startswith("table2.art20_5")]
    assert found.message == ("表二“行政许可”行的数字印作“12+3”，无法按格式拆成 3 个单元格的数（可能有单元格空白未印出，"
                             "或数字印错了位置），已保留原样，该行单元格留空。请核对原件，分开填写该行各单元格。")
    # Fewer digits than cells in a row with sums: cells were blank (a crawler keeps no trace of them).
    # The readings are named, those whose total holds (2 = 2 + 0 + 0: the three parts in any 3 of the 6
    # columns, 20) and those whose total was blank (2|0|0|2 in any 4 of the 6 columns and its total
    # blank, 15); every cell stays open.  Before: "无法按格式拆成 7 个单元格的数", no reading named.
    r = parse(variant("ptzhsyqgwh-2019", ("（六）其他处理2 0 0 0 0 02", "（六）其他处理2 0 02")))
    [amb] = [a for a in r.ambiguous if a.row == "other"]
    assert (amb.reason, len(amb.candidates), amb.candidates[0], amb.candidates[20]) == (
        "blank-only", 35, ["2", "0", "0", "/", "/", "/", "2"], ["2", "0", "0", "2", "/", "/", "/"])
    assert r.table3["other"] == dict.fromkeys(COLS)
    [found] = [f for f in check_report(r) if f.rule == "CELL-AMBIGUOUS" and f.cells[0].startswith("table3.other")]
    assert found.message == (
        "表三“（六）其他处理”行的数字印作“2 0 02”，只有 4 个数字，少于 7 个单元格，有单元格未印出数字（网页抓取的文本不留"
        "空白单元格的痕迹）；若本行合计相符或总计空白，有单元格空白（记作“/”）的读法有 35 种：2|0|0|/|/|/|2； "
        "2|0|/|0|/|/|2； 2|0|/|/|0|/|2； 2|0|/|/|/|0|2； 2|/|0|0|/|/|2； 2|/|0|/|0|/|2； 2|/|0|/|/|0|2； "
        "2|/|/|0|0|/|2；……（全部 35 种见 gongkai parse --json 的 ambiguous）。报告自身的合计也可能有误，原文无法判断，"
        "已保留原样，该行单元格留空（不作猜测）。请核对原件，确认该行各单元格的数字。")
    assert r.candidate_values().keys().isdisjoint(amb.cells)  # not all the row allows: no candidates exported


def test_last_years_in_force_count_cuts_the_row():
    # 社会事业局 2022's 5730 with last year's 现行有效 32: 32 + 5 − 7 = 30 fits 5|7|30 only
    # (32 + 5 − 73 and 32 + 57 − 3 are not 0).
    this = parse((CRAWLER / "ptzhsyqshs-2022.txt").read_text(encoding="utf-8"))
    last = parse(variant("ptzhsyqshs-2022", ("行政规范性文件5730", "行政规范性文件0032")).replace("2022", "2021"))
    assert last.table2["art20_1.normative_docs"] == {"made": 0, "repealed": 0, "in_force": 32}
    assert refine(this, last) == [f"table2.art20_1.normative_docs.{c}" for c in ("made", "repealed", "in_force")]
    assert this.table2["art20_1.normative_docs"] == {"made": 5, "repealed": 7, "in_force": 30}
    assert this.cells["table2.art20_1.normative_docs.in_force"].basis == ("in-force",)
    assert [f.rule for f in check_report(this, last) if f.rule in ("CELL-AMBIGUOUS", "IN-FORCE")] == []
    assert this.notes == ["按上年报告的数字（现行有效件数、结转下年度继续办理）确定了 3 个原先无法确定的单元格。"]
    # Redone with a last-year report whose 现行有效 fits no cut (100): the cells are open again.
    other = parse(variant("ptzhsyqshs-2022", ("行政规范性文件5730", "行政规范性文件00100")).replace("2022", "2021"))
    assert sorted(refine(this, other)) == sorted(f"table2.art20_1.normative_docs.{c}" for c in ("made", "repealed",
                                                                                              "in_force"))
    assert this.table2["art20_1.normative_docs"] == dict.fromkeys(("made", "repealed", "in_force"))
    assert [f.rule for f in check_report(this) if f.rule == "CELL-AMBIGUOUS"] == ["CELL-AMBIGUOUS"]


def test_last_years_items_cut_this_years_items_in_the_2019_table():
    # 行政审批局 2020 (2019 format) with 行政许可 printed 494246 (上一年项目数量|本年增/减|处理决定数量):
    # ten cuts.  Last year's report printed 40 9 12: 40 items, 9 more during the year, so this
    # year's 上一年项目数量 is 49 — which leaves 49|4|246, 49|42|46 and 49|424|6.
    this = parse(variant("ptzhsyqhzs-2020", ("行政许可0494246", "行政许可494246")))
    [amb] = this.ambiguous
    assert len(amb.candidates) == 10 and this.table2["art20_5.licensing"] == dict.fromkeys(
        ("prev_items", "change", "decisions"))
    last = parse(variant("ptzhsyqhzs-2020", ("行政许可0494246", "行政许可40 9 12")).replace("2020", "2019"))
    assert last.table2["art20_5.licensing"] == {"prev_items": 40, "change": 9, "decisions": 12}
    assert refine(this, last) == ["table2.art20_5.licensing.prev_items"]
    assert this.table2["art20_5.licensing"] == {"prev_items": 49, "change": None, "decisions": None}
    assert this.cells["table2.art20_5.licensing.prev_items"].basis == ("items-chain",)
    assert this.notes[-1] == "按上年报告的数字（上一年项目数量加本年增/减、结转下年度继续办理）确定了 1 个原先无法确定的单元格。"
    [found] = [f for f in check_report(this, last) if f.rule in ("CELL-AMBIGUOUS", "ITEMS-CHAIN")]
    # What is still open is said with the cuts that agree with the 49 now written, not all ten.
    assert found.message == ("表二“行政许可”行的数字印作“494246”，中间没有分隔，按单元格个数和上年报告的数字仍有 3 种拆法："
                             "49|4|246；49|42|46；49|424|6。其中“本年增/减”、“处理决定数量”无法确定，已留空（不作猜测）。"
                             "请核对原件，确认这些单元格的数字。")
    assert this.candidate_values() == {"table2.art20_5.licensing.change": ["4", "42", "424"],
                                       "table2.art20_5.licensing.decisions": ["246", "46", "6"]}
    # A last-year report whose items fit no cut (50 + 9) fixes nothing; the checker says so.
    other = parse(variant("ptzhsyqhzs-2020", ("行政许可0494246", "行政许可50 9 12")).replace("2020", "2019"))
    assert refine(this, other) == ["table2.art20_5.licensing.prev_items"]  # undone
    assert this.table2["art20_5.licensing"]["prev_items"] is None
    forced = parse(variant("ptzhsyqhzs-2020", ("行政许可0494246", "行政许可49 4 246")))
    [chain] = [f for f in check_report(forced, other) if f.rule == "ITEMS-CHAIN"]
    assert (chain.severity, chain.cells) == ("notice", ["table2.art20_5.licensing.prev_items"])
    assert chain.message == ("表二“行政许可”：上年报告的上一年项目数量 50，本年增/减 9，本年的上一年项目数量应为 59，"
                             "而本年报告为 49。请核对。")


def test_last_years_carried_forward_cuts_this_years_carried_over():
    # 交通与建设局 2025 with 11 requests carried over from 2024 and 11 carried forward to 2026, both
    # printed 1100000 11: 11|0|… or 1|10|0|…; the 勾稽 relation (一 = （七）) only says the two rows are
    # cut alike.  Last year's report printed 结转下年度 11 0 0 0 0 0 11: 上年结转 is 11|0|…, and so is
    # 结转下年度, through the relation.
    changes = (("二、上年结转政府信息公开申请数量000000 0 ", "二、上年结转政府信息公开申请数量1100000 11 "),
               ("四、结转下年度继续办理0000000", "四、结转下年度继续办理1100000 11"))
    this = parse(variant("ptzhsyqjtj-2025", *changes))
    assert sorted(a.row for a in this.ambiguous if a.table == "table3") == ["carried_forward", "carried_over"]
    last = parse(variant("ptzhsyqjtj-2025", ("四、结转下年度继续办理0000000", "四、结转下年度继续办理11 0 0 0 0 0 11"))
                 .replace("2025", "2024"))
    assert last.table3["carried_forward"] == dict(zip(COLS, only(11)))
    refine(this, last)
    assert this.table3["carried_over"] == this.table3["carried_forward"] == dict(zip(COLS, only(11)))
    assert this.cells["table3.carried_over.natural_person"].basis == ("row-total", "carry-over", "identity")
    assert this.cells["table3.carried_forward.natural_person"].basis == ("row-total", "carry-over", "identity")
    assert [a.row for a in this.ambiguous if this.undecided(a)] == ["art20_1.normative_docs"]


def test_blank_marks_are_cells_of_their_own():
    # "3 / 0 0 0 0 3": seven tokens, seven cells — 商业企业 printed "/", a blank, not a 0.
    r = parse(variant("ptzhsyqjtj-2021", ("（一）予以公开3000003", "（一）予以公开3 / 0 0 0 0 3")))
    assert r.table3["granted"] == dict(zip(COLS, [3, None, 0, 0, 0, 0, 3]))
    assert r.cells["table3.granted.commercial"].raw == "/"
    # "30/00003": a blank mark inside digits still to be cut — which cell is blank cannot be known.
    r = parse(variant("ptzhsyqjtj-2021", ("（一）予以公开3000003", "（一）予以公开30/00003")))
    assert r.table3["granted"] == dict.fromkeys(COLS)
    assert [(a.row, a.reason) for a in r.ambiguous] == [("granted", "blanks")]


def test_a_page_number_left_in_the_text_is_never_a_cell():
    # The text of a Word or PDF file put on a page keeps its page numbers ("-2-", "－2－", "— 2 —").
    # Beside 行政许可 it was read as 行政许可 −2 (a count below zero), and "－2－0" ended the read
    # with a ValueError; now a page number is furniture, and a token that is no count fills no
    # count cell (null, its text kept) — the rows after it are read as before.
    key, penalty = "table2.art20_5.licensing.decisions", "table2.art20_6.penalty.decisions"
    for printed in ("行政许可 -2- 0第二十条", "行政许可0 -2- 第二十条", "行政许可0— 2 —第二十条", "行政许可－2－0第二十条",
                    "行政许可-2-0第二十条"):
        report = parse(variant("ptzhsyqjtj-2021", ("行政许可0第二十条", printed)))
        assert (report.value(key), report.cells[key].raw, report.value(penalty)) == (0, "0", 2), printed
    report = parse(variant("ptzhsyqjtj-2021", ("行政许可0第二十条", "行政许可 -2第二十条")))
    assert (report.value(key), report.cells[key].raw, report.value(penalty)) == (None, "-2", 2)


def test_column_heads_printed_between_a_label_and_its_number():
    # The text of a PDF page runs 行政许可, then the column's head, then the number (洪泽区 2024,
    # its table 2 as pdftotext gives it): the label is still the row's, the rows after it are read.
    table2 = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件0012"
              "第二十条第（五）项信息内容本年处理决定数量行政许可0第二十条第（六）项信息内容本年处理决定数量行政处罚2行政强制0"
              "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0")
    text = variant("ptzhsyqjtj-2021", (table2, (
        "二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章 0 0 0 "
        "行政规范性文件 3 0 8 第二十条第（五）项 信息内容 行政许可 -2- 本年处理决定数量 9487 第二十条第（六）项 信息内容 "
        "本年处理决定数量 行政处罚 2776 行政强制 84 第二十条第（八）项 信息内容 本年收费金额（单位：万元） 7545 行政事业性收费 ")))
    report = parse(text)
    assert [(c, v) for c, v in report.iter_cells() if c.startswith("table2")] == [
        ("table2.art20_1.rules.made", 0), ("table2.art20_1.rules.repealed", 0), ("table2.art20_1.rules.in_force", 0),
        ("table2.art20_1.normative_docs.made", 3), ("table2.art20_1.normative_docs.repealed", 0),
        ("table2.art20_1.normative_docs.in_force", 8), ("table2.art20_5.licensing.decisions", 9487),
        ("table2.art20_6.penalty.decisions", 2776), ("table2.art20_6.coercion.decisions", 84)]  # 收费 printed before its label
    assert report.cells["table2.art20_5.licensing.decisions"].raw == "9487"


def test_a_thousands_separator_is_part_of_the_number():
    # 农业农村局 2024 with its 行政许可 printed 1,323 and 行政处罚 57 as 5,700 (a page that groups
    # thousands).  Before: 行政许可 read 1 — the comma ended the digits — and the rest of table 2
    # lost (行政处罚, 行政强制, 行政事业性收费: TABLE-INCOMPLETE).
    r = parse(variant("ptzhsyqnyn-2024", ("行政许可1323", "行政许可1,323"), ("行政处罚57", "行政处罚5,700")))
    assert [(r.value(c), r.cells[c].raw) for c in ("table2.art20_5.licensing.decisions",
                                                   "table2.art20_6.penalty.decisions",
                                                   "table2.art20_6.coercion.decisions")] == [
        (1323, "1,323"), (5700, "5,700"), (0, "0")]
    assert r.table3 == parse(variant("ptzhsyqnyn-2024", ("行政许可1323", "行政许可1323"))).table3


def test_a_short_last_row_is_not_taken_for_section_four():
    # 交通与建设局 2025 whose 结转下年度 printed only "11" (its zero cells blank): the heading finder
    # took "四、结转下年度继续办理11四、政府信息公开行政复议、行政诉讼情况" — within 30 characters of
    # "四、" it found 复议 … 情况 — for section 四, so the row and its digits were cut off
    # (TABLE-INCOMPLETE: 表三缺少“四、结转下年度继续办理”).  A title holds no digits and no numbered heading.
    r = parse(variant("ptzhsyqjtj-2025", ("四、结转下年度继续办理0000000四、", "四、结转下年度继续办理11四、")))
    assert r.section(4).title == "政府信息公开行政复议、行政诉讼情况"
    assert r.table3["carried_forward"] == dict.fromkeys(COLS)  # 11 for seven cells: open, not missing
    assert r.cells["table3.carried_forward.total"].raw == "11"
    assert "TABLE-INCOMPLETE" not in {f.rule for f in check_report(r)}


def test_table_2_rows_printed_without_digits_are_blank_rows():
    # 行政审批局 2024 with 行政许可, 行政处罚, 行政强制 and 行政事业性收费 left blank: a crawler prints
    # their labels alone — one before the next group's label, two in a row, the last before section 三.
    # Before: TABLE-INCOMPLETE "表二缺少 4 行" (the rows were there, blank).
    r = parse(variant("ptzhsyqhzs-2024", ("行政许可3第二十条", "行政许可第二十条"),
                      ("行政处罚0行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0三、",
                       "行政处罚行政强制第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费三、")))
    assert {row: r.table2[row] for row in ("art20_5.licensing", "art20_6.penalty", "art20_6.coercion")} == \
        dict.fromkeys(("art20_5.licensing", "art20_6.penalty", "art20_6.coercion"), {"decisions": None})
    assert r.table2["art20_8.admin_fees"] == {"amount": None}
    assert r.table2["art20_1.rules"] == {"made": 0, "repealed": 0, "in_force": 0}
    assert r.labels == [] and r.extra_rows == []
    found = check_report(r)
    assert "TABLE-INCOMPLETE" not in {f.rule for f in found}
    assert [(f.where, f.message) for f in found if f.rule == "CELL-BLANK"] == [
        ("第10行第1293字", "表二“本年处理决定数量”列整列 3 行未填数字（均空白）：“行政许可”、“行政处罚”、“行政强制”。"
                         "格式要求此处填写数字，没有发生的请填“0”，不要留空或填“/”。"),
        ("第10行第1355字", "表二“行政事业性收费”行有 1 个单元格未填数字（本年收费金额（单位：万元）：空白）。"
                         "格式要求此处填写数字，没有发生的请填“0”，不要留空或填“/”。")]
    # Prose after the table that starts with a row's words is no row: 行政强制决定书… stays missing.
    r = parse(variant("ptzhsyqhzs-2024", ("行政处罚0行政强制0第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0三、",
                                          "行政处罚0行政强制决定书依法送达。三、")))
    assert "art20_6.coercion" not in r.table2 and "art20_8.admin_fees" not in r.table2
    assert [f.message for f in check_report(r) if f.rule == "TABLE-INCOMPLETE"] == [
        "表二缺少 2 行：“行政强制”、“行政事业性收费”。请按格式补全这些行（没有发生的填“0”）。"]
