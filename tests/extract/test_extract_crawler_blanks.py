"""Blank cells in a crawler's text: a crawler keeps no trace of an empty table cell, so a report that
leaves its zeros blank comes out as fewer digits than cells, and digits that fill every cell may
still be a row with blanks.

The fixtures, data/huaian-city-2024-zeros-blank.txt and data/hongze-district-2024-zeros-blank.txt,
are examples/huaian-city-2024.pdf and examples/hongze-district-2024.pdf as a crawler keeps such a
page: the PDF's text read by gongkai, every table row's cells run together, the zero cells of
tables 3 and 4 printed as nothing (as a body that leaves its zeros blank shows them), under the
crawler's nine header lines (their date and link made up).  The PDF says what every cell is; the
text may only say less.
"""

from pathlib import Path

import pytest

from gongkai.check import check_report
from gongkai.extract import recover, split
from gongkai.extract.recover import refine
from gongkai.load import load
from tests.conftest import EXAMPLES

BLANKED = Path(__file__).parent / "data" / "huaian-city-2024-zeros-blank.txt"


@pytest.fixture(scope="module")
def both():
    return load(EXAMPLES / "huaian-city-2024.pdf"), load(BLANKED)


def test_no_cell_of_a_text_with_blank_cells_differs_from_the_pdf(both):
    pdf, text = both
    read = {cell: v for cell, v in text.iter_cells() if v is not None}
    # Before: （二）部分公开 "4477454" was read 4|4|7|7|4|5|4 and （六）3.其他 "1082110" 1|0|8|2|1|1|0 (one
    # digit a cell), 14 wrong values; they are 447|7|…|454 and 108|2|…|110 with zero cells left blank.
    assert {cell: (v, pdf.value(cell)) for cell, v in read.items() if v != pdf.value(cell)} == {}
    assert sorted(read) == sorted(
        [f"table2.{c}" for c in ("art20_5.licensing.decisions", "art20_6.penalty.decisions",
                                 "art20_6.coercion.decisions", "art20_8.admin_fees.amount")]
        + [f"table4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
        + [f"table4.litigation_direct.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
        + ["table4.litigation_after_review.total"])


def test_every_open_cell_names_the_pdfs_value_among_its_candidates(both):
    pdf, text = both
    candidates = text.candidate_values()
    for amb in text.ambiguous:
        truth = [pdf.value(cell) for cell in amb.cells]
        if amb.reason == "blank-only":  # the PDF's row is one of the readings with blank cells …
            assert [split.BLANK if v == 0 else str(v) for v in truth] in amb.candidates, amb.row
            # … but the report's sums may be wrong instead: its cells name no partial list of values
            assert not set(amb.cells) & set(candidates)
            continue
        for cell, value in zip(amb.cells, truth):
            if amb.candidates and cell in text.undecided(amb):
                assert str(value) in candidates[cell] or (value == 0 and split.BLANK in candidates[cell]), cell


def test_rows_that_may_have_blank_cells_are_open_with_every_reading(both):
    _, text = both
    by_row = {a.row: a for a in text.ambiguous}
    other = by_row["other.other"]
    assert (other.reason, other.raw, len(other.candidates)) == ("blank-cells", "1082110", 16)
    assert other.candidates[:3] == [list("1082110"), ["108", "2", "/", "/", "/", "/", "110"],
                                    ["108", "/", "2", "/", "/", "/", "110"]]
    # 746|12|0|0|10|1|769 in the PDF; no cut giving every cell a number adds up to 769.
    not_held = by_row["unable.not_held"]
    assert (not_held.reason, len(not_held.candidates)) == ("blank-only", 21)
    assert ["746", "12", "/", "/", "10", "1", "769"] in not_held.candidates
    assert text.undecided(not_held) == not_held.cells  # every cell stays open, the total too
    assert [text.value(c) for c in not_held.cells] == [None] * 7


def test_the_check_reports_no_artefact_of_the_crawler_as_the_reports_error(both):
    _, text = both
    found = check_report(text)
    rules = [f.rule for f in found]
    # Before: T3-ROWSUM on the two rows read one digit a cell, and TABLE-INCOMPLETE for the two
    # rows printed with no digit at all ((五)3 and 4, every cell blank), which are there.
    assert not {"T3-ROWSUM", "T3-TOTAL", "T3-IDENTITY", "T4-TOTAL", "TABLE-INCOMPLETE"} & set(rules)
    assert [f.message for f in found if f.rule == "CELL-BLANK"] == [
        f"表三“（五）不予处理—{label}”行整行未填数字（7 个单元格，均空白）。格式要求此处填写数字，没有发生的请填“0”，不要留空或填“/”。"
        for label in ("3.要求提供公开出版物", "4.无正当理由大量反复申请")]
    other = next(f for f in found if f.rule == "CELL-AMBIGUOUS" and "1082110" in f.message)
    assert other.message.startswith(
        "表三“（六）其他处理—3.其他”行的数字印作“1082110”，中间没有分隔；网页抓取的文本不留空白单元格的痕迹，"
        "按格式和表内合计关系连同有单元格空白（记作“/”）的读法仍有 16 种：1|0|8|2|1|1|0； 108|2|/|/|/|/|110； ")
    assert "； /|108|/|2|/|/|110；……（全部 16 种见 gongkai parse --json 的 ambiguous）。其中“自然人”" in other.message
    not_held = next(f for f in found if f.rule == "CELL-AMBIGUOUS" and "74612101769" in f.message)
    assert not_held.message.startswith(
        "表三“（四）无法提供—1.本机关不掌握相关政府信息”行的数字印作“74612101769”，中间没有分隔，"
        "各单元格都印有数字时无法拆成 7 个与本行总计相符的数；但网页抓取的文本不留空白单元格的痕迹，"
        "若有单元格空白（记作“/”），则有 21 种读法：746|12|10|1|/|/|769； ")
    assert not_held.cells == [f"table3.unable.not_held.{c}" for c in
                              ("natural_person", "commercial", "research", "social_org", "legal_service",
                               "other_org", "total")]
    # gongkai parse's notes name the rows as the findings do: with their group (“3.其他” alone is one
    # of three rows) and an inner quotation single. They said 表三“3.其他”行, 表三“1.本机关不掌握
    # 相关政府信息”行 and 表三“3.危及“三安全一稳定””行.
    notes = [n.split("：", 1)[1].split("的数字印作")[0] for n in text.notes if "的数字印作" in n]
    assert {"表三“（六）其他处理—3.其他”行", "表三“（四）无法提供—1.本机关不掌握相关政府信息”行",
            "表三“（三）不予公开—3.危及‘三安全一稳定’”行"} <= set(notes)


def test_a_row_whose_sums_fail_however_blanks_fall_is_still_read_as_printed():
    # ptzhsyqnyn-2024's "3000000": no reading with blank cells adds up either (its total would be
    # "0" under a 3), so the report's own sum is wrong and said so (T3-ROWSUM), as before.
    layout = split.grouped(1, 7)
    assert split.with_blanks("3000000", layout) == []
    assert recover.row_cuts("3000000", layout).forced == tuple("3000000")
    assert split.with_blanks("0000000", layout) == []  # zeros cannot merge: "00" is no number


@pytest.mark.parametrize("text, readings", [
    ("1082110", 15),            # 108 | 2 | 110 in any two of the six part columns
    ("100000010", 0),           # 10|0|0|0|0|0|10 only: merging digits breaks the total
    ("7461200101769", 15),      # 7|461|200|101|769 adds up as well as 746|12|0|0|10|1|769
])
def test_readings_with_blank_cells(text, readings):
    assert len(split.with_blanks(text, split.grouped(1, 7))) == readings


def test_readings_of_table_4_keep_its_three_groups():
    # 9|0|0|0|9, 0|0|4|6|10, 0|0|0|0|0, or 90|0|0|·|90 with the next group's first cell blank …
    found = split.with_blanks("9000900461000000", split.grouped(3, 5))
    assert ("90", "0", "0", "/", "90", "0", "4", "6", "/", "10", "0", "0", "0", "0", "0") in found
    assert all(len(way) == 15 for way in found)
    for way in found:
        for g in range(3):
            cells = way[g * 5:g * 5 + 5]
            if cells[-1] != "/":
                assert sum(int(c) for c in cells[:-1] if c != "/") == int(cells[-1])
            else:
                assert set(cells) == {"/"}


def test_rows_printed_with_no_digit_are_rows_of_blank_cells_not_missing_rows():
    # Thirteen of table 3's rows have every cell 0 in the PDF: printed blank, only their labels are
    # left — five of them in a row ((五)2 to (六), then (七)总计 9595), and 四、结转下年度继续办理
    # last, before table 4.  Before: TABLE-INCOMPLETE "表三缺少 9 行", and no row after (五)1 read.
    pdf = load(EXAMPLES / "hongze-district-2024.pdf")
    text = load(Path(__file__).parent / "data" / "hongze-district-2024-zeros-blank.txt")
    assert list(text.table3) == list(pdf.table3)
    found = check_report(text)
    assert "TABLE-INCOMPLETE" not in {f.rule for f in found}
    blank = [f.cells[0].rsplit(".", 1)[0] for f in found if f.rule == "CELL-BLANK"]
    assert blank == [f"table3.{row}" for row in pdf.table3
                     if all(v == 0 for v in pdf.table3[row].values())]
    assert len(blank) == 13
    assert all(v is None for row in blank for v in text.table3[row.split(".", 1)[1]].values())
    assert text.cells["table3.carried_forward.total"].raw == ""


def test_a_table_2_row_read_one_digit_a_cell_is_inferred_when_a_blank_cell_could_hide_in_it():
    # Table 2's rows have no sums: ptzhsyqnyn-2024's 规范性文件 "100" is 1|0|0 only if no cell was
    # blank (100, or 10|0, with the others blank, print the same).  Before: read as printed, unmarked.
    crawler = EXAMPLES / "crawler-text"
    nyn = load(crawler / "ptzhsyqnyn-2024.txt")
    cells = [f"table2.art20_1.normative_docs.{c}" for c in ("made", "repealed", "in_force")]
    assert [(nyn.value(c), nyn.cells[c].raw, nyn.cells[c].inferred, nyn.cells[c].basis) for c in cells] == [
        (1, "1", True, ("digit-count",)), (0, "0", True, ("digit-count",)), (0, "0", True, ("digit-count",))]
    # "000" can be nothing else ("00" is no number); a single cell has no other reading.
    gyz = load(crawler / "ptzhsyqgyz-2023.txt")
    assert [gyz.cells[f"table2.art20_1.rules.{c}"].inferred for c in ("made", "repealed", "in_force")] == [False] * 3
    assert (nyn.value("table2.art20_5.licensing.decisions"), nyn.cells["table2.art20_5.licensing.decisions"].inferred) \
        == (1323, False)
    three = split.plain(3)
    assert (split.fewer_cuts("100", three), split.fewer_cuts("000", three), split.fewer_cuts("1 0 0", three)) == \
        (True, False, False)


def test_last_years_figures_narrow_no_row_whose_listed_readings_all_need_blank_cells():
    # A blank-only row lists its readings with blank cells, not the full cuts its (wrong) sums may
    # have had instead: narrowing that list with last year's 结转 would choose among a partial list.
    # Two readings whose totals differ (made up: no real text found to have them), last year's
    # 结转下年度 5 fits the first.  Before: 自然人 5 and 总计 5 written, inferred from carry-over.
    from gongkai.extract.recover import refine
    from gongkai.format import FORMAT
    from gongkai.model import Ambiguity, Report

    columns = list(FORMAT.table3_column_ids)
    last = Report(agency="某县某局", year=2024, format="2021")
    for c in columns:
        last.set_value(f"table3.carried_forward.{c}", 5 if c in ("natural_person", "total") else 0)
    readings = [["5", "/", "/", "/", "/", "/", "5"], ["/", "5", "0", "/", "/", "50", "55"]]
    for reason, fixed in (("blank-only", []), ("blank-cells", [5, None, None, None, None, None, 5])):
        this = Report(agency="某县某局", year=2025, format="2021")
        cells = [f"table3.carried_over.{c}" for c in columns]
        for cell in cells:
            this.set_value(cell, None)
        this.ambiguous.append(Ambiguity("table3", "carried_over", cells, "5 5 0 55", None, readings, reason))
        refine(this, last)
        assert [this.value(c) for c in cells] == (fixed or [None] * 7), reason


def test_a_reading_with_blank_cells_places_each_printed_number_where_it_stands():
    # 1082110 read 108 | · | 2 | · | · | · | 110: the blank cells take no text, so 2 stands at
    # character 3 of the run and 110 at 4.  Before: each "/" took a character, 2 was put at 4.
    text, at, units = recover._tokenise("1082110")
    assert recover._offsets(text, at, units, ("108", "/", "2", "/", "/", "/", "110")) == (
        ("108", 0), ("", 3), ("2", 3), ("", 4), ("", 4), ("", 4), ("110", 4))


# -- rows with fewer digits than cells, blank totals, and table 2 -----------------------------------
#
# data/*-zeros-blank-all.txt: the same PDFs rendered with the zero cells of table 2 left blank too;
# data/hongze-district-2024-no-totals.txt: with tables 3's and 4's zeros and their 总计 cells left
# blank (a body that leaves its totals blank).  Every value checked against the PDF pages as rendered
# (pdftoppm): 洪泽区 2024 表二 规章 0|0|0, 行政规范性文件 3|0|8, 表三 一、 95|0|…|95, （二） 9|0|…|9,
# 表四 1|1|0|0|2 1|0|0|0|1 2|0|1|0|3; 淮安市 2024 表二 规章 1|0|11, 行政规范性文件 8|26|66.

DATA = Path(__file__).parent / "data"


def _reading(pdf, amb, blank_totals: bool = False) -> list[str]:
    """The PDF's row as a reading of its text: a zero (or, with ``blank_totals``, a total) blank."""
    out = []
    for cell in amb.cells:
        v = pdf.value(cell)
        out.append(split.BLANK if v == 0 or (blank_totals and cell.endswith(".total")) else str(v))
    return out


def test_a_row_with_fewer_digits_than_cells_names_its_readings():
    # 洪泽区 2024, zeros blank: 一、本年新收 95|0|0|0|0|0|95 prints "9595", four digits for seven cells.
    # Before: "无法按格式拆成 7 个单元格的数", no reading named (CELL-AMBIGUOUS said only that).
    pdf = load(EXAMPLES / "hongze-district-2024.pdf")
    text = load(DATA / "hongze-district-2024-zeros-blank-all.txt")
    by_row = {a.row: a for a in text.ambiguous}
    received = by_row["new_received"]
    # 95 in any one of the six columns under a total of 95; with the total blank too (95|95 in two
    # columns, 9|5|9|5 in four …) they would be 132, past split.MAX_BLANK_TOTAL_WAYS: not listed, said so.
    assert (received.reason, received.raw, len(received.candidates)) == ("blank-only", "9595", 6)
    assert received.candidates[0] == _reading(pdf, received) == ["95", "/", "/", "/", "/", "/", "95"]
    assert [text.value(c) for c in received.cells] == [None] * 7  # nothing chosen
    for amb in text.ambiguous:  # every row's PDF reading is named
        assert _reading(pdf, amb) in amb.candidates, amb.row
    found = {f.cells[0]: f.message for f in check_report(text) if f.rule == "CELL-AMBIGUOUS"}
    assert found["table3.new_received.natural_person"] == (
        "表三“一、本年新收政府信息公开申请数量”行的数字印作“9595”，只有 4 个数字，少于 7 个单元格，有单元格未印出数字"
        "（网页抓取的文本不留空白单元格的痕迹）；若本行合计相符（总计空白的读法过多，未列出），有单元格空白（记作“/”）的读法有 "
        "6 种：95|/|/|/|/|/|95； /|95|/|/|/|/|95； /|/|95|/|/|/|95； /|/|/|95|/|/|95； /|/|/|/|95|/|95； /|/|/|/|/|95|95。"
        "报告自身的合计也可能有误，原文无法判断，已保留原样，该行单元格留空（不作猜测）。请核对原件，确认该行各单元格的数字。")
    # （二）部分公开 "99": 9 under 9 in six ways, or 9|9 (two columns) and 99 (one) under a blank total.
    partial = by_row["partial"]
    assert (partial.reason, len(partial.candidates)) == ("blank-only", 27)
    assert ["9", "9", "/", "/", "/", "/", "/"] in partial.candidates and ["99", "/", "/", "/", "/", "/", "/"] in partial.candidates
    # Table 4's readings with a group's total blank are too many (over a thousand): those whose
    # sums hold are named, and said to be so.
    t4 = by_row["all"]
    assert (t4.reason, len(t4.candidates)) == ("blank-only", 372)
    assert found["table4.review.upheld"].startswith(
        "表四的数字印作“11211213”，只有 8 个数字，少于 15 个单元格，有单元格未印出数字（网页抓取的文本不留空白单元格的痕迹）；"
        "若各组合计相符（总计空白的读法过多，未列出），有单元格空白（记作“/”）的读法有 372 种：")
    assert text.candidate_values() == {c: v for c, v in text.candidate_values().items() if c.startswith("table2.")}


def test_a_blank_total_is_among_the_readings_of_a_row_whose_cells_vanished():
    # The 总计 cells left blank as well: 一、本年新收 95|…|(blank) prints "95", （二） 9|…|(blank) "9".
    # Before: neither named any reading (a one-digit row could not even be part and total).
    text = load(DATA / "hongze-district-2024-no-totals.txt")
    by_row = {a.row: a for a in text.ambiguous}
    assert (by_row["new_received"].reason, len(by_row["new_received"].candidates)) == ("blank-only", 21)
    assert ["95", "/", "/", "/", "/", "/", "/"] in by_row["new_received"].candidates
    assert by_row["partial"].candidates == [["9" if i == p else "/" for i in range(7)] for p in range(6)]
    assert [text.value(c) for c in by_row["partial"].cells] == [None] * 7
    [found] = [f for f in check_report(text) if f.rule == "CELL-AMBIGUOUS" and f.cells[0].startswith("table3.partial")]
    assert found.message == (
        "表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行的数字印作“9”，只有 1 个数字，少于 7 个单元格，"
        "有单元格未印出数字（网页抓取的文本不留空白单元格的痕迹）；若本行合计相符或总计空白，有单元格空白（记作“/”）的读法有 "
        "6 种：9|/|/|/|/|/|/； /|9|/|/|/|/|/； /|/|9|/|/|/|/； /|/|/|9|/|/|/； /|/|/|/|9|/|/； /|/|/|/|/|9|/。"
        "报告自身的合计也可能有误，原文无法判断，已保留原样，该行单元格留空（不作猜测）。请核对原件，确认该行各单元格的数字。")
    # Table 2 prints its zeros here (规章 000): 行政规范性文件 308 stays 3|0|8, marked by its count.
    assert text.table2["art20_1.normative_docs"] == {"made": 3, "repealed": 0, "in_force": 8}
    assert text.cells["table2.art20_1.normative_docs.made"].basis == ("digit-count",)


def test_table_2_with_its_zeros_blank():
    # 淮安市 2024: 规章 1|0|11 prints "111" with its zero blank.  Before: read 1|1|1 (marked inferred,
    # two values wrong).  The text shows its body leaves cells blank (rows with fewer digits than cells)
    # and its table 2 prints no zero: a row read one digit a cell by its count alone is open, every
    # reading named.
    pdf = load(EXAMPLES / "huaian-city-2024.pdf")
    text = load(DATA / "huaian-city-2024-zeros-blank-all.txt")
    rules = [f"table2.art20_1.rules.{c}" for c in ("made", "repealed", "in_force")]
    assert [pdf.value(c) for c in rules] == [1, 0, 11]
    assert [text.value(c) for c in rules] == [None] * 3
    [amb] = [a for a in text.ambiguous if a.row == "art20_1.rules"]
    assert (amb.reason, amb.raw) == ("blank-cells", "111")
    assert amb.candidates == [["1", "1", "1"], ["1", "11", "/"], ["11", "1", "/"], ["1", "/", "11"], ["11", "/", "1"],
                              ["/", "1", "11"], ["/", "11", "1"], ["111", "/", "/"], ["/", "111", "/"], ["/", "/", "111"]]
    assert text.candidate_values()["table2.art20_1.rules.in_force"] == ["1", "/", "11", "111"]
    [found] = [f for f in check_report(text) if f.rule == "CELL-AMBIGUOUS" and f.cells == rules]
    assert found.message == (  # why the plain reading is not taken, and the text's 1 件 as a hint
        "表二“规章”行的数字印作“111”，中间没有分隔；本报告有的行印出的数字少于单元格（或整行未印数字），可见空白单元格"
        "没有填“0”，而网页抓取的文本不留空白单元格的痕迹，所以按单元格个数连同有单元格空白（记作“/”）的读法仍有 10 种："
        "1|1|1； 1|11|/； 11|1|/； 1|/|11； 11|/|1； /|1|11； /|11|1； 111|/|/；……（全部 10 种见 gongkai parse --json 的 "
        "ambiguous）。其中“本年制发件数”、“本年废止件数”、“现行有效件数”无法确定，已留空（不作猜测）。请核对原件，确认这些"
        "单元格的数字。正文所述“全年新增公开市政府规章1件”只与 1|1|1；1|11|/；1|/|11 相符，可据此核对原件（未据正文填写）。")
    for cell, value in pdf.iter_cells():  # no value read differs from the PDF
        assert text.value(cell) in (None, value), cell
    # 洪泽区 2024: 规章 0|0|0 prints nothing — a row of blank cells, not a missing row; and
    # 行政规范性文件 3|0|8 prints "38", fewer digits than cells.  Before: TABLE-INCOMPLETE "表二缺少 1 行：
    # “规章”", the label read as part of the column head ("现行有效件数规章"), and "38" named no reading.
    text = load(DATA / "hongze-district-2024-zeros-blank-all.txt")
    found = check_report(text)
    assert "TABLE-INCOMPLETE" not in {f.rule for f in found}
    assert [(u.table, u.printed) for u in text.labels] == [("table3", "2.其他法律行政止公开")]  # the PDF's own typo
    assert [f.message for f in found if f.rule == "CELL-BLANK" and f.cells[0].startswith("table2.")] == [
        "表二“规章”行整行未填数字（3 个单元格，均空白）。格式要求此处填写数字，没有发生的请填“0”，不要留空或填“/”。"]
    assert [f.message for f in found if f.rule == "CELL-AMBIGUOUS" and f.cells[0].startswith("table2.")] == [
        "表二“行政规范性文件”行的数字印作“38”，只有 2 个数字，少于 3 个单元格，有单元格未印出数字（网页抓取的文本不留空白"
        "单元格的痕迹）；按单元格个数有单元格空白（记作“/”）的读法有 6 种：3|8|/； 3|/|8； /|3|8； 38|/|/； /|38|/； "
        "/|/|38。其中“本年制发件数”、“本年废止件数”、“现行有效件数”无法确定，已留空（不作猜测）。请核对原件，确认这些单元格的数字。"]
    assert text.table2["art20_1.rules"] == dict.fromkeys(("made", "repealed", "in_force"))


def test_last_years_report_settles_a_table_2_row_whose_cells_vanished():
    # 洪泽区 2023 (the PDF): 行政规范性文件 现行有效 5.  2024's "38" with its zero blank: 5 + 制发 − 废止
    # = 现行有效 (a blank counts 0) leaves 3|8|/ and 3|/|8 — 本年制发件数 3, as the PDF prints it.
    text = load(DATA / "hongze-district-2024-zeros-blank-all.txt")
    last = load(EXAMPLES / "hongze-district-2023.pdf")
    assert refine(text, last) == ["table2.art20_1.normative_docs.made"]
    cell = text.cells["table2.art20_1.normative_docs.made"]
    assert (text.value("table2.art20_1.normative_docs.made"), cell.inferred, cell.basis) == (3, True, ("in-force",))
    [amb] = [a for a in text.ambiguous if a.table == "table2"]
    assert text.open_cuts(amb) == [["3", "8", "/"], ["3", "/", "8"]]


def test_a_row_whose_sum_fails_in_a_text_with_blank_cells_is_not_read_one_digit_a_cell():
    # 洪泽区 2024 with zeros blank, but （四）1 printed 31, three of its zeros and a wrong total 38
    # (two zero cells blank): "3100038", seven digits for seven cells.  One digit a cell it is
    # 3|1|0|0|0|3|8, whose sum fails; the text shows its body leaves cells blank, so the digits may
    # as well be 31 and 38 with blanks between — too many readings with a total blank to list: the
    # row is left open, said so.  （四）2 printed with its zeros (1000001, 1|0|0|0|0|0|1) is no sign that
    # the table prints its zeros: 10|0|0|0|0|1 is as good a cut of it with a cell blank.
    # Before: 3|1|0|0|0|3|8 read (marked inferred: four values wrong) and a T3-ROWSUM on them.
    text = load((DATA / "hongze-district-2024-zeros-blank-all.txt").read_text(encoding="utf-8")
                .replace("1.本机关不掌握相关政府信息3131", "1.本机关不掌握相关政府信息3100038")
                .replace("2.没有现成信息需要另行制作11", "2.没有现成信息需要另行制作1000001").encode(), "v.txt")
    cells = [f"table3.unable.not_held.{c}" for c in ("natural_person", "commercial", "research", "social_org",
                                                    "legal_service", "other_org", "total")]
    assert [text.value(c) for c in cells] == [None] * 7
    assert [(a.reason, a.raw) for a in text.ambiguous if a.row == "unable.not_held"] == [("too-many", "3100038")]
    assert text.table3["unable.needs_creation"]["total"] == 1  # its sum holds: read as printed
    found = check_report(text)
    assert [f for f in found if f.rule == "T3-ROWSUM"] == []
    assert [f.message for f in found if f.rule == "CELL-AMBIGUOUS" and f.cells[0] == cells[0]] == [
        "表三“（四）无法提供—1.本机关不掌握相关政府信息”行的数字印作“3100038”，中间没有分隔，可能的拆法过多，已保留原样，"
        "该行单元格留空。请核对原件，确认该行的数字。"]
