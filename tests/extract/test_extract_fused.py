"""Numbers an ordinary text export ran together (one tab-separated cell holding several of a
row's numbers) are cut as crawler text is: with the whole table's sums, not the row's alone.
Variants of the real text examples/003_…txt."""

from pathlib import Path

from gongkai.check import check_report
from gongkai.format import FORMAT
from gongkai.load import load

EXAMPLE = Path(__file__).parents[2] / "examples" / "003_366708d6a3d1c052.txt"
COLUMNS = FORMAT.table3_column_ids


def _variant(**rows: str) -> bytes:
    """examples/003 with table-3 rows (by the start of their line) printed as given."""
    lines = EXAMPLE.read_text(encoding="utf-8").split("\n")
    for prefix, printed in rows.items():
        [i] = [n for n, line in enumerate(lines) if line.startswith(prefix)]
        lines[i] = prefix + printed
    return "\n".join(lines).encode()


# The example's 14 requests, one of them (by a business) moved to the legal-person column:
# 新收 14|1|0|0|0|0|15, 予以公开 12|1|0|0|0|0|13, 不掌握 2|0|…|2, 总计 14|1|0|0|0|0|15.
NEW = ("一、本年新收政府信息公开申请数量", "\t\t14\t1\t0\t0\t0\t0\t15\t")
TOTAL = ("(七) 总计", "\t14\t1\t0\t0\t0\t0\t15\t\t")
GRANTED = "三、本年度办理结果\t(一) 予以公开"


def test_a_row_its_own_total_cannot_cut_is_cut_by_the_column_totals():
    # "121000013": its own total (13) allows 12|1|0|0|0|0|13 and 1|2|10|0|0|0|13; （七）总计 = the
    # result rows, per column (14 = granted + 2 not held), leaves only the first.
    data = _variant(**{NEW[0]: NEW[1], TOTAL[0]: TOTAL[1], GRANTED: "\t121000013\t"})
    report = load(data, "v.txt")
    assert [report.value(f"table3.granted.{c}") for c in COLUMNS] == [12, 1, 0, 0, 0, 0, 13]
    basis = [report.cells[f"table3.granted.{c}"].basis for c in COLUMNS]
    assert basis == [("row-total", "column-total")] * 3 + [("no-leading-zero",)] * 2 + [("row-total",)] * 2
    assert all(report.cells[f"table3.granted.{c}"].inferred for c in COLUMNS)
    assert report.ambiguous == [] and report.notes == []
    assert [f.rule for f in check_report(report) if f.rule.startswith(("T3", "CELL"))] == []


def test_two_rows_run_together_are_cut_by_the_identity_and_the_column_totals():
    data = _variant(**{NEW[0]: NEW[1], TOTAL[0]: "\t141000015\t", GRANTED: "\t121000013\t"})
    report = load(data, "v.txt")
    granted = [report.value(f"table3.granted.{c}") for c in COLUMNS]
    total = [report.value(f"table3.total.{c}") for c in COLUMNS]
    # 总计 "141000015" alone: 14|1|0|0|0|0|15 or 1|4|10|0|0|0|15.  一 + 二 = （七） + 四 (carried over
    # and forward are printed: 0) fixes it, and then the column totals fix the granted row.
    assert total == [14, 1, 0, 0, 0, 0, 15] and granted == [12, 1, 0, 0, 0, 0, 13]
    assert report.cells["table3.total.natural_person"].basis == ("row-total", "column-total", "identity")


def test_rows_the_table_cannot_cut_stay_null_with_their_cuts():
    # Two result rows run together whose cuts the column totals pair up in two ways: (0|1|10|1|11|…,
    # 2|1|10|11|2|…) and (0|1|10|11|1|…, 2|1|10|1|12|…) both add up to 总计 2|2|20|12|13|12|61.  The
    # cells the two cuts share are written; the others stay null with both cuts named.
    row = "\t2\t2\t20\t12\t13\t12\t61\t"
    data = _variant(**{NEW[0]: "\t" + row, TOTAL[0]: row, GRANTED: "\t01101111033\t",
                       "\t(四) 无法提供\t1.本机关不掌握相关政府信息": "\t2110112228"})
    report = load(data, "v.txt")
    assert [report.value(f"table3.granted.{c}") for c in COLUMNS] == [0, 1, 10, None, None, 10, 33]
    assert [report.value(f"table3.unable.not_held.{c}") for c in COLUMNS] == [2, 1, 10, None, None, 2, 28]
    granted, not_held = report.ambiguous
    assert granted.candidates == [["0", "1", "10", "1", "11", "10", "33"], ["0", "1", "10", "11", "1", "10", "33"]]
    assert not_held.candidates == [["2", "1", "10", "1", "12", "2", "28"], ["2", "1", "10", "11", "2", "2", "28"]]
    assert report.cells["table3.granted.total"].basis == ("row-total",)
    assert report.notes == [
        "第63行第3栏：表三“（一）予以公开”行的数字印作“01101111033”，中间没有分隔，按表内关系仍有 2 种拆法"
        "（0|1|10|1|11|10|33；0|1|10|11|1|10|33），拆法不一致的单元格留空。",
        "第73行第4栏：表三“（四）无法提供—1.本机关不掌握相关政府信息”行的数字印作“2110112228”，中间没有分隔，按表内关系仍有 2 种拆法"
        "（2|1|10|1|12|2|28；2|1|10|11|2|2|28），拆法不一致的单元格留空。"]
    found = [f for f in check_report(report) if f.rule == "CELL-AMBIGUOUS"]
    assert [f.cells for f in found] == [
        ["table3.granted.social_org", "table3.granted.legal_service"],
        ["table3.unable.not_held.social_org", "table3.unable.not_held.legal_service"]]


def test_a_text_exports_row_is_not_read_as_a_crawlers():
    # What a crawler's text needs (rows with fewer digits than cells read with blank cells and blank
    # totals, a failing sum said to be perhaps a vanished cell's) is no reading of a text export,
    # whose tabs keep its cells: its messages say "网页抓取" nowhere.  Before (34535b9…): "1213"
    # listed readings "网页抓取的文本不留空白单元格的痕迹", and the T3-ROWSUM of "1210003" said so too.
    data = _variant(**{NEW[0]: NEW[1], TOTAL[0]: TOTAL[1], GRANTED: "\t1213\t"})
    report = load(data, "v.txt")
    assert [(a.reason, a.raw, a.candidates) for a in report.ambiguous] == [("no-split", "1213", [])]
    assert [f.message for f in check_report(report) if f.rule == "CELL-AMBIGUOUS"] == [
        "表三“（一）予以公开”行的数字印作“1213”，无法按格式拆成 7 个单元格的数（可能有单元格空白未印出，或数字印错了位置），"
        "已保留原样，该行单元格留空。请核对原件，分开填写该行各单元格。"]
    data = _variant(**{NEW[0]: NEW[1], TOTAL[0]: TOTAL[1], GRANTED: "\t121000014\t"})
    assert [(a.reason, a.candidates) for a in load(data, "v.txt").ambiguous] == [("no-split", [])]
    data = _variant(**{NEW[0]: NEW[1], TOTAL[0]: TOTAL[1], GRANTED: "\t1210003\t"})
    report = load(data, "v.txt")
    assert [report.value(f"table3.granted.{c}") for c in COLUMNS] == [1, 2, 1, 0, 0, 0, 3]
    assert [f.message for f in check_report(report) if f.rule == "T3-ROWSUM"] == [
        "表三“（一）予以公开”行：总计为 3，而自然人与五类法人或其他组织之和为 4，相差 1。请核对该行各列数字或总计。"]
