"""HTML shaped like government CMS pages, written from known data and parsed back exactly."""

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.load import load
from gongkai.read.html import read_html
from tests.writers import Damage, random_report, to_html


def _tables(r):
    return r.table2, r.table3, r.table4


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("charset,meta", [("utf-8", True), ("gbk", True), ("gb2312", True), ("gbk", False),
                                          ("gb18030", False)])
def test_cms_page_round_trip(version, charset, meta):
    truth = random_report(random.Random(f"{version}{charset}{meta}"), version)
    truth.published = date(truth.year + 1, 1, 20)
    page = to_html(truth, Damage(), charset=charset, meta=meta)
    got = load(page, "report.html")
    assert _tables(got) == _tables(truth)
    assert (got.agency, got.year, got.format, got.published) == (truth.agency, truth.year, version, truth.published)
    assert [s.no for s in got.sections] == [1, 2, 3, 4, 5, 6]
    assert got.source.form == "html"


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_an_xhtml_page_with_an_xml_declaration_is_read(charset):
    # <?xml … encoding="…"?> before the XHTML doctype (older government CMS): refused with lxml's
    # English "Unicode strings with encoding declaration are not supported…"
    truth = random_report(random.Random(f"xhtml{charset}"), "2021")
    truth.published = date(truth.year + 1, 1, 20)
    page = f'<?xml version="1.0" encoding="{charset}"?>\n'.encode("ascii") + to_html(truth, Damage(), charset=charset)
    got = load(page, "report.html")
    assert _tables(got) == _tables(truth)
    assert (got.agency, got.year, got.published) == (truth.agency, truth.year, truth.published)


def test_rare_name_characters_survive_gbk_declared_as_gb2312():
    truth = random_report(random.Random(1), "2021")
    truth.agency = "某县政务服务局（局长王喆、李堃）"
    truth.title = f"{truth.agency}{truth.year}年政府信息公开工作年度报告"
    page = to_html(truth, Damage(), charset="gb18030").replace(b"charset=gb18030", b"charset=gb2312")
    got = load(page, "report.htm")
    assert got.agency == truth.agency


def test_zeros_printed_as_empty_cells_stay_null():
    truth = random_report(random.Random(7), "2021")
    got = load(to_html(truth, Damage(zeros_blank=True)), "r.html")
    for cell_id, value in truth.iter_cells():
        expected = None if value == 0 else value
        assert got.value(cell_id) == expected, cell_id
        if value == 0:
            assert got.cells[cell_id].raw == ""


def test_page_chrome_is_left_out():
    truth = random_report(random.Random(3), "2021")
    got = load(to_html(truth, Damage()), "r.html")
    text = got.text
    for chrome in ("当前位置", "备案号", "分享到", "打印本页", "政府信息公开指南", "浏览次数"):
        assert chrome not in text
    assert got.section(6).text == truth.section(6).text


def test_spaced_labels_and_word_markup():
    truth = random_report(random.Random(5), "2021")
    got = load(to_html(truth, Damage(spaced=True)), "r.html")
    assert _tables(got) == _tables(truth)


def test_positions_point_at_the_html_cell():
    truth = random_report(random.Random(11), "2021")
    got = load(to_html(truth, Damage()), "r.html")
    # table 3 is the 2nd table of the page; row 4 is 一、本年新收…, its first number is the 4th cell.
    assert str(got.cells["table3.new_received.natural_person"].where) == "table 2, row 4, cell 4"
    assert got.cells["table3.new_received.natural_person"].where.zh() == "第2个表格 第4行第4格"


def test_report_inside_a_layout_table_and_tables_fused_into_one():
    truth = random_report(random.Random(13), "2021")
    page = to_html(truth, Damage()).decode()
    # Tables 3 and 4 printed as one <table>; the whole page wrapped in a layout table.
    page = page.replace("</table>\n<p class=\"MsoNormal\"><b><span style=\"font-family:黑体\">四、", "<!--fused-->", 1)
    head, sep, tail = page.partition("<!--fused-->")
    assert sep
    section4_title, _, rest = tail.partition("</span></b></p>")
    rest = rest.split('<table border="1">', 1)[1]  # drop table 4's own <table> start
    page = head + rest
    page = page.replace('<div class="main">', '<table width="100%"><tr><td><div class="main">').replace(
        '<div class="share">', '</td></tr></table><div class="share">')
    got = load(page.encode(), "r.html")
    assert _tables(got) == _tables(truth)


def test_html_grid_expansion_of_spans():
    doc = read_html('<table><tr><td rowspan="2" colspan="2">A</td><td>b</td></tr><tr><td>c</td></tr>'
                    '<tr><td rowspan="50000">d</td><td colspan="999">e</td></tr></table>', "t.html")
    grid = doc.blocks[0]
    texts = [[c.text for c in row] for row in grid.rows]
    assert texts[0][:3] == ["A", "", "b"] and texts[1][:3] == ["", "", "c"] and texts[2][:2] == ["d", "e"]
    assert grid.rows[1][1].covered and grid.rows[1][1].origin == (0, 0)
    # Hostile spans are clamped: 100 columns at most, no rows beyond the table.
    assert len(grid.rows) == 3 and {len(r) for r in grid.rows} == {101}


def _reference_grid(rows: list[list[tuple[str, int, int]]]) -> list[list[tuple[str, bool, tuple | None]]]:
    """The HTML table model, written plainly: each cell takes the first free slot of its row and
    fills rowspan x colspan slots not already taken; rows are padded to the widest."""
    n = len(rows)
    slots: dict[tuple[int, int], tuple[str, bool, tuple | None]] = {}
    for r, cells in enumerate(rows):
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in slots:
                c += 1
            slots[(r, c)] = (text, False, None)
            for dr in range(min(rowspan, n - r)):
                for dc in range(colspan):
                    if (dr or dc) and (r + dr, c + dc) not in slots:
                        slots[(r + dr, c + dc)] = ("", True, (r, c))
            c += colspan
    width = max((c + 1 for _, c in slots), default=0)
    return [[slots.get((r, c), ("", False, None)) for c in range(width)] for r in range(n)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3)), min_size=0, max_size=5),
                min_size=1, max_size=6))
def test_span_expansion_matches_the_html_table_model(shape):
    rows = [[(f"r{r}c{k}", rs, cs) for k, (rs, cs) in enumerate(cells)] for r, cells in enumerate(shape)]
    html = "<table>" + "".join(
        "<tr>" + "".join(f'<td rowspan="{rs}" colspan="{cs}">{t}</td>' for t, rs, cs in cells) + "</tr>"
        for cells in rows) + "</table>"
    doc = read_html(html, "t.html")
    expected = _reference_grid(rows)
    if not any(rows):
        assert not doc.blocks or all(not r for r in doc.blocks[0].rows)
        return
    got = [[(c.text, c.covered, c.origin) for c in row] for row in doc.blocks[0].rows]
    assert got == expected


def test_control_character_after_a_dropped_script():
    # Word pages carry page breaks (\f); after a removed <script> the text is re-set through
    # lxml, which refuses control characters (ValueError, a traceback for the user, before).
    doc = read_html("<div><p>一、总体情况</p><p>甲<script>x()</script>乙\x0c丙</p><p>丁\x0b戊<style>p{}</style></p>"
                    "<p>二、主动公开政府信息情况</p></div>", "t.html")
    assert [b.text for b in doc.blocks] == ["一、总体情况", "甲乙 丙", "丁 戊", "二、主动公开政府信息情况"]
