"""The three published PDFs parse with every table cell exact.

Expected values were read off the page renderings (pdftoppm -png -r 80), not from a text
extraction: a plain pdftotext of the city report puts table 4's values in the wrong order.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.load import load
from gongkai.read import read_file
from gongkai.read.document import Grid

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

T3_ROWS_2021 = ["new_received", "carried_over", "granted", "partial", "denied.state_secret",
                "denied.law_forbidden", "denied.security_stability", "denied.third_party",
                "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
                "denied.admin_query", "unable.not_held", "unable.needs_creation", "unable.unclear",
                "not_processed.complaint", "not_processed.repeat", "not_processed.publication",
                "not_processed.excessive", "not_processed.confirm"]
T3_COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
T4 = ["upheld", "corrected", "other", "pending", "total"]


def _only_person(n: int) -> list[int]:
    """A row where only 自然人 has requests (as in both 洪泽区 reports)."""
    return [n, 0, 0, 0, 0, 0, n]


EXPECTED = {
    "huaian-city-2024.pdf": {
        "agency": "淮安市人民政府", "year": 2024, "format": "2021",
        "table2": {"art20_1.rules": [1, 0, 11], "art20_1.normative_docs": [8, 26, 66],
                   "art20_5.licensing": [447228], "art20_6.penalty": [3985758], "art20_6.coercion": [88283],
                   "art20_8.admin_fees": [Decimal("96171.6")]},
        "table3": dict(zip(T3_ROWS_2021 + ["other.no_correction", "other.no_fee", "other.other", "total",
                                           "carried_forward"], [
            [3001, 53, 0, 0, 61, 4, 3119], [34, 0, 0, 0, 0, 0, 34], [1288, 21, 0, 0, 50, 3, 1362],
            [447, 7, 0, 0, 0, 0, 454], [2, 0, 0, 0, 0, 0, 2], [30, 1, 0, 0, 0, 0, 31], [5, 0, 0, 0, 0, 0, 5],
            [6, 0, 0, 0, 0, 0, 6], [7, 1, 0, 0, 0, 0, 8], [12, 0, 0, 0, 0, 0, 12], [9, 0, 0, 0, 0, 0, 9],
            [105, 0, 0, 0, 0, 0, 105], [746, 12, 0, 0, 10, 1, 769], [11, 0, 0, 0, 0, 0, 11],
            [1, 0, 0, 0, 0, 0, 1], [56, 6, 0, 0, 0, 0, 62], [25, 0, 0, 0, 0, 0, 25], [0] * 7, [0] * 7,
            [1, 0, 0, 0, 0, 0, 1], [67, 3, 0, 0, 1, 0, 71], [6, 0, 0, 0, 0, 0, 6], [108, 2, 0, 0, 0, 0, 110],
            [2932, 53, 0, 0, 61, 4, 3050], [103, 0, 0, 0, 0, 0, 103]])),
        "table4": {"review": [72, 64, 178, 37, 351], "litigation_direct": [13, 4, 8, 1, 26],
                   "litigation_after_review": [12, 1, 1, 6, 20]},
    },
    "hongze-district-2023.pdf": {
        "agency": "洪泽区人民政府", "year": 2023, "format": "2021",
        "table2": {"art20_1.rules": [0, 0, 0], "art20_1.normative_docs": [0, 5, 5], "art20_5.licensing": [550],
                   "art20_6.penalty": [4119], "art20_6.coercion": [195],
                   "art20_8.admin_fees": [Decimal("7730.28")]},
        "table3": dict(zip(T3_ROWS_2021 + ["other", "total", "carried_forward"], [
            _only_person(21), [0] * 7, [0] * 7, _only_person(4), _only_person(1), [0] * 7, [0] * 7, [0] * 7,
            [0] * 7, _only_person(1), _only_person(1), [0] * 7, _only_person(10), _only_person(3), [0] * 7,
            _only_person(1), [0] * 7, [0] * 7, [0] * 7, [0] * 7, [0] * 7, _only_person(21), [0] * 7])),
        # As printed: the report's own 行政复议 total (0) does not add up (10 + 1).
        "table4": {"review": [10, 1, 0, 0, 0], "litigation_direct": [0, 0, 0, 0, 0],
                   "litigation_after_review": [5, 0, 0, 0, 0]},
    },
    "hongze-district-2024.pdf": {
        "agency": "淮安市洪泽区人民政府", "year": 2024, "format": "2021",
        "table2": {"art20_1.rules": [0, 0, 0], "art20_1.normative_docs": [3, 0, 8], "art20_5.licensing": [9487],
                   "art20_6.penalty": [2776], "art20_6.coercion": [84], "art20_8.admin_fees": [7545]},
        "table3": dict(zip(T3_ROWS_2021 + ["other", "total", "carried_forward"], [
            _only_person(95), [0] * 7, _only_person(50), _only_person(9), [0] * 7, [0] * 7, _only_person(1),
            [0] * 7, [0] * 7, _only_person(1), _only_person(1), [0] * 7, _only_person(31), _only_person(1),
            [0] * 7, _only_person(1), [0] * 7, [0] * 7, [0] * 7, [0] * 7, [0] * 7, _only_person(95),
            [0] * 7])),
        "table4": {"review": [1, 1, 0, 0, 2], "litigation_direct": [1, 0, 0, 0, 1],
                   "litigation_after_review": [2, 0, 1, 0, 3]},
    },
}

T2_COLS = {"art20_1.rules": ["made", "repealed", "in_force"], "art20_1.normative_docs": ["made", "repealed", "in_force"],
           "art20_5.licensing": ["decisions"], "art20_6.penalty": ["decisions"], "art20_6.coercion": ["decisions"],
           "art20_8.admin_fees": ["amount"]}


def _as_lists(report, table: str) -> dict[str, list]:
    data = report.table(table) or {}
    out = {}
    for row, cols in data.items():
        order = T3_COLS if table == "table3" else T4 if table == "table4" else T2_COLS[row]
        out[row] = [cols.get(c) for c in order]
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_read_binary_real_pdf_tables_exact(name):
    report = load(EXAMPLES / name)
    want = EXPECTED[name]
    assert report.agency == want["agency"]
    assert report.year == want["year"]
    assert report.format == want["format"]
    for table in ("table2", "table3", "table4"):
        assert _as_lists(report, table) == want[table], table
    assert report.extra_rows == []
    assert [s.no for s in report.sections] == [1, 2, 3, 4, 5, 6]


def test_read_binary_real_pdf_positions_name_page_table_row_cell():
    report = load(EXAMPLES / "huaian-city-2024.pdf")
    # 表三 starts on page 4; its 3rd row block "（四）无法提供 2.没有现成信息…" continues on page 5.
    assert report.cells["table3.new_received.natural_person"].where.zh() == "第4页 第2个表格 第4行第4格"
    assert report.cells["table3.unable.needs_creation.total"].where.zh() == "第5页 第1个表格 第1行第10格"
    assert report.cells["table4.review.upheld"].where.zh() == "第5页 第2个表格 第4行第1格"


def test_read_binary_real_pdf_page_furniture_dropped_and_pages_counted():
    doc = read_file(EXAMPLES / "huaian-city-2024.pdf")
    assert doc.pages == 6 and doc.form == "pdf"
    texts = [b.text for b in doc.blocks if not isinstance(b, Grid)]
    assert not any(t.strip(" -—") .isdigit() for t in texts)  # "- 1 -" … "- 6 -" gone
    assert texts[0] == "淮安市人民政府2024年政府信息公开工作年度报告"  # title over two centred lines
    cells = [c.text for b in doc.blocks if isinstance(b, Grid) for row in b.rows for c in row]
    assert not any(t.replace(" ", "") in {"-4-", "-5-"} for t in cells)


def test_read_binary_real_pdf_white_backgrounds_are_not_tables():
    doc = read_file(EXAMPLES / "hongze-district-2023.pdf")
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    # Table 2 over pages 2-3, table 3 over pages 3-4, table 4 on page 4: nothing else.
    assert [(g.where.page, g.where.table) for g in grids] == [(2, 1), (3, 1), (3, 2), (4, 1), (4, 2)]
    # The vertical label 三、本年度办理结果 stays in its own merged cell.
    t3 = grids[2]
    assert t3.rows[5][0].text == "三、本年度办理结果"
    assert all(cell.covered for row in t3.rows[6:] for cell in row[:1])
