"""The DOCX read back with python-docx: merges (w:gridSpan / w:vMerge) as the official format
prints them, cell texts, column grid, fonts and page."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from gongkai.format import FORMAT
from gongkai.load import load_source
from gongkai.model import Report, Section
from gongkai.render.docx import render_docx
from gongkai.render.layout import layouts

ROOT = Path(__file__).resolve().parents[2]


def spans(table) -> dict[tuple[int, int], tuple[str, int, int]]:
    """(row, col) of each merged or single cell -> (text, rowspan, colspan), from the XML."""
    out: dict[tuple[int, int], list] = {}
    above: dict[int, tuple[int, int]] = {}  # grid column -> origin of the vertical merge running there
    for r, tr in enumerate(table._tbl.tr_lst):
        col = 0
        for tc in tr.tc_lst:
            pr = tc.tcPr
            span = int(pr.find(qn("w:gridSpan")).get(qn("w:val"))) if pr is not None and \
                pr.find(qn("w:gridSpan")) is not None else 1
            vmerge = pr.find(qn("w:vMerge")) if pr is not None else None
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if vmerge is not None and vmerge.get(qn("w:val")) != "restart":
                origin = above[col]
                out[origin][1] += 1
            else:
                out[(r, col)] = [text, 1, span]
                for c in range(col, col + span):
                    above[c] = (r, col)
            col += span
    return {k: tuple(v) for k, v in out.items()}


def by_text(cells: dict) -> dict[str, tuple[int, int]]:
    return {text: (rs, cs) for text, rs, cs in cells.values() if text}


def _report(version: str) -> Report:
    r = Report(agency="示例县教育局", year=2024 if version == "2021" else 2020, format=version)
    r.sections = [Section(s.no, s.title, "") for s in FORMAT.sections]
    for i, cell in enumerate(FORMAT.expected_cells(version)):
        r.set_value(cell, 1000 + i)
    return r


@pytest.fixture(scope="module")
def documents():
    return {v: docx.Document(io.BytesIO(render_docx(_report(v)))) for v in ("2021", "2019")}


def test_table3_has_the_official_spans_2021(documents):
    t3 = documents["2021"].tables[1]
    cells = spans(t3)
    assert len(t3.rows) == 28 and len(t3.columns) == 10
    named = by_text(cells)
    assert named[FORMAT.table3_note] == (3, 3)
    assert cells[(0, 0)][0] == FORMAT.table3_note
    assert named["申请人情况"] == (1, 7)
    assert named["自然人"] == (2, 1)
    assert named["法人或其他组织"] == (1, 5)
    assert named["总计"] == (2, 1)
    assert named["三、本年度办理结果"] == (22, 1)
    assert named["（三）不予公开"] == (8, 1)
    assert named["（四）无法提供"] == (3, 1)
    assert named["（五）不予处理"] == (5, 1)
    assert named["（六）其他处理"] == (3, 1)
    assert named["一、本年新收政府信息公开申请数量"] == (1, 3)
    assert named["（一）予以公开"] == (1, 2)
    assert named["（七）总计"] == (1, 2)
    assert named["1.属于国家秘密"] == (1, 1)
    assert cells[(5, 0)][0] == "三、本年度办理结果"


def test_table3_has_the_official_spans_2019(documents):
    t3 = documents["2019"].tables[1]
    named = by_text(spans(t3))
    assert len(t3.rows) == 26
    assert named["三、本年度办理结果"] == (20, 1)
    assert named["（六）其他处理"] == (1, 2)
    assert named["（三）不予公开"] == (8, 1)


def test_table2_grid_and_spans(documents):
    t2 = documents["2021"].tables[0]
    cells = spans(t2)
    assert len(t2.columns) == 4
    groups = [v for v in cells.values() if v[0].startswith("第二十条")]
    assert [g[0] for g in groups] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert all(g[1:] == (1, 4) for g in groups)
    named = by_text(cells)
    assert named["本年制发件数"] == (1, 1)
    assert named["本年收费金额（单位：万元）"] == (1, 3)
    # The value column spans 3 in （五）（六）（八）: rows 行政许可, 行政处罚, 行政强制, 行政事业性收费.
    value_spans = [cs for (r, c), (text, rs, cs) in cells.items() if c == 1 and text.isdigit()]
    assert value_spans == [1, 1, 3, 3, 3, 3]
    t2_2019 = spans(documents["2019"].tables[0])
    assert [v[0] for v in t2_2019.values() if v[0].startswith("第二十条")][-1] == "第二十条第（九）项"


def test_table4_two_header_levels(documents):
    t4 = documents["2021"].tables[2]
    cells = spans(t4)
    assert len(t4.rows) == 4 and len(t4.columns) == 15
    named = by_text(cells)
    assert named["行政复议"] == (1, 5)
    assert named["行政诉讼"] == (1, 10)
    assert named["未经复议直接起诉"] == (1, 5)
    assert named["复议后起诉"] == (1, 5)
    assert [cells[(1, c)] for c in range(5)] == [("结果维持", 2, 1), ("结果纠正", 2, 1), ("其他结果", 2, 1),
                                                 ("尚未审结", 2, 1), ("总计", 2, 1)]


def test_every_layout_cell_is_in_the_docx_with_its_span_and_value(documents):
    for version, document in documents.items():
        expected = _report(version)
        for table, layout in zip(document.tables, layouts(expected).values()):
            got = spans(table)
            want = {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in layout.cells}
            assert got == want
        values = [c for layout in layouts(expected).values() for c in layout.value_cells()]
        assert all(c.text == str(expected.value(c.cell_id)) for c in values)


def test_numbers_right_aligned_widths_fonts_page(documents):
    document = documents["2021"]
    t3 = document.tables[1]
    value = t3.cell(3, 3)
    assert value.text == str(_report("2021").value("table3.new_received.natural_person"))
    assert value.paragraphs[0].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    grid = t3._tbl.tblGrid.findall(qn("w:gridCol"))
    widths = [int(g.get(qn("w:w"))) for g in grid]
    assert len(widths) == 10 and widths[2] > 5 * widths[3]  # the sub-label column is the wide one
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    run = value.paragraphs[0].runs[0]
    rfonts = run._element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) in ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC", "AR PL SungtiL GB")
    assert run._element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    # Digits in the face every Word has, whatever this machine has installed (the PDF's copy
    # takes an installed one); Latin text en-US, or LibreOffice breaks numbers at a line end.
    assert rfonts.get(qn("w:ascii")) == rfonts.get(qn("w:hAnsi")) == "Times New Roman"
    assert run._element.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-US"
    title = document.paragraphs[0]
    assert title.text == "示例县教育局\n2024年政府信息公开工作年度报告"  # a line break, never inside a word
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_blank_stays_blank_and_decimals_exact():
    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    report.set_value("table2.art20_6.coercion.decisions", None)
    report.set_value("table2.art20_8.admin_fees.amount", Decimal("12.60"))
    document = docx.Document(io.BytesIO(render_docx(report)))
    cells = spans(document.tables[0])
    rows = {}
    for (r, _c), (text, _, _) in cells.items():
        rows.setdefault(r, []).append(text)
    printed = {row[0]: row[1:] for row in rows.values()}
    assert printed["行政强制"] == [""]
    assert printed["行政事业性收费"] == ["12.60"]
    assert printed["行政规范性文件"] == ["2", "1", "15"]


def test_control_characters_from_a_parsed_report_do_not_break_the_docx():
    report = _report("2021")
    report.sections[0].text = "第一段\x0c第二段\x07。"
    document = docx.Document(io.BytesIO(render_docx(report)))
    assert "第一段\n第二段。" in [p.text for p in document.paragraphs]


# CT_TblPr's children in the order of the WordprocessingML schema (ECMA-376 §17.4.60).
_TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
                "tblLook"]


def test_table_properties_once_each_in_schema_order(documents):
    """python-docx's tables carried w:tblLayout twice and w:tblLook before it (Word's strict
    reader rejects out-of-order properties)."""
    for doc in documents.values():
        for table in doc.tables:
            names = [child.tag.split("}")[1] for child in table._tbl.tblPr]
            assert names == ["tblStyle", "tblW", "jc", "tblLayout", "tblCellMar", "tblLook"]
            assert names == sorted(names, key=_TBLPR_ORDER.index)
            rows = table._tbl.tr_lst
            assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)


def test_a_page_breaks_table_3_only_where_a_group_of_rows_starts(documents):
    """Each row of tables 2 and 4 is kept with the next (they print whole).  Table 3 was too,
    and its section started a page to hold it: a text longer than a few lines left the page
    with the heading and text alone.  Now table 3 may break above （四）无法提供, （五）不予处理 and
    （六）其他处理 (2019: above （四） and （五）), never inside a group; section 三 starts no page."""
    for version, doc in documents.items():
        free = {}
        for table in doc.tables:
            rows = table._tbl.tr_lst
            keeps = [{tc.find(qn("w:p")).find(qn("w:pPr")).find(qn("w:keepNext")) is not None for tc in tr.tc_lst}
                     for tr in rows]
            assert all(len(k) == 1 for k in keeps)   # a row's cells agree
            starts = ["".join(t.text for t in tr.iter(qn("w:t")))[:7] for tr in rows]
            free[starts[0][:4]] = [starts[r + 1] for r, k in enumerate(keeps) if k == {False} and r + 1 < len(rows)]
            assert keeps[-1] == {False}
        assert free == {"第二十条": [], "（本列数": ["（四）无法提供", "（五）不予处理", "（六）其他处理"][:3 if version == "2021" else 2],
                        "行政复议": []}, version
        breaks = [p.text for p in doc.paragraphs if p.paragraph_format.page_break_before]
        assert breaks == [], version


def test_title_breaks_between_body_and_report_name_in_bold_and_pages_are_numbered():
    import io
    import zipfile

    from gongkai.model import Report
    from gongkai.render import common
    from gongkai.render.docx import render_docx

    report = Report(agency="吴忠市红寺堡区红寺堡镇人民政府", year=2024, format="2021",
                    title="吴忠市红寺堡区红寺堡镇人民政府2024年政府信息公开工作年度报告")
    assert common.title_lines(report) == ["吴忠市红寺堡区红寺堡镇人民政府", "2024年政府信息公开工作年度报告"]
    assert common.title_lines(Report(title="政府信息公开工作年度报告")) == ["政府信息公开工作年度报告"]
    with zipfile.ZipFile(io.BytesIO(render_docx(report))) as z:
        body = z.read("word/document.xml").decode()
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
    title = body[:body.index("2024年政府信息公开工作年度报告")]
    title = title[title.rindex("<w:p>") if "<w:p>" in title else title.rindex("<w:p "):]
    assert "<w:b/>" in title and "<w:br/>" in title and "吴忠市红寺堡区红寺堡镇人民政府" in title
    assert any("PAGE" in f and 'w:fldCharType="begin"' in f and "— " in f for f in footers)


@pytest.mark.parametrize(("agency", "name_right", "date_left"), [
    # a name longer than the date: two characters from the margin, the date two characters right of its start
    ("示例市示例区市场监督管理局", 2, 15.6 / 2.54 * 72 / 16 - 13),
    # a short name: the date, longer than the name less two, ends near the margin and the name moves left
    ("同心县人民政府", 5.1, 15.6 / 2.54 * 72 / 16 - 10.1),
])
def test_the_name_and_date_are_set_as_gb_t_9704_sets_them(agency, name_right, date_left):
    # Both were right-aligned two characters from the margin: the date's start fell wherever its
    # width put it, not two characters right of the name's start (7.3.5.2, no seal).
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from gongkai.load import load_source
    from gongkai.render.docx import render_docx
    from gongkai.render.html import render_html

    report = load_source(ROOT / "examples" / "source-2024.yaml").report
    report.agency = agency
    *_, name, when = docx.Document(io.BytesIO(render_docx(report))).paragraphs
    assert (name.text, name.alignment, when.text, when.alignment) == (
        agency, WD_ALIGN_PARAGRAPH.RIGHT, "2025年1月20日", WD_ALIGN_PARAGRAPH.LEFT)
    assert round(name.paragraph_format.right_indent.pt / 16, 2) == name_right
    assert round(when.paragraph_format.left_indent.pt / 16, 1) == round(date_left, 1)
    assert name.paragraph_format.keep_with_next is True
    # the page sets them as one block (report.css): the date two characters right of the name's start
    assert (f'<div class="closing"><p class="signature">{agency}</p><p class="date">2025年1月20日</p></div>'
            in render_html(report))


def test_a_long_body_name_breaks_between_its_parts_never_inside_a_word():
    """A name longer than the 20 二号 characters of a line broke where the line was full
    (示例工作委员 / 会办公室); it breaks between its parts, the report's name on its own line,
    in the DOCX and the HTML."""
    import io
    import zipfile

    from gongkai.model import Report
    from gongkai.render import common
    from gongkai.render.docx import render_docx
    from gongkai.render.html import render_html

    agency = "宁夏回族自治区吴忠市红寺堡区示例工作委员会办公室"
    report = Report(agency=agency, year=2024, format="2021", title=f"{agency}2024年政府信息公开工作年度报告")
    assert common.title_chars() == 20
    assert common.title_lines(report) == ["宁夏回族自治区吴忠市红寺堡区", "示例工作委员会办公室",
                                          "2024年政府信息公开工作年度报告"]
    assert common.break_name("内蒙古自治区锡林郭勒盟苏尼特右旗人民政府办公室", 20) == [
        "内蒙古自治区锡林郭勒盟", "苏尼特右旗人民政府办公室"]
    # a place's own 州/市 and words beginning with 市/县 are not broken
    assert common.name_parts("杭州市市场监督管理局") == ["杭州市", "市场监督管理局"]
    assert common.name_parts("某某县县级机关工作委员会") == ["某某县", "县级机关工作委员会"]
    assert common.name_parts("中共某某市委机构编制委员会办公室") == ["中共某某市委机构编制委员会", "办公室"]
    assert common.name_parts("杭州市住房和城乡建设局") == ["杭州市", "住房和城乡建设局"]
    # a name that fits stays whole on its line; one part longer than a line is cut where it is full
    assert common.break_name("吴忠市红寺堡区红寺堡镇人民政府", 20) == ["吴忠市红寺堡区红寺堡镇人民政府"]
    assert common.break_name("甲乙丙丁戊己庚辛壬癸子丑", 5) == ["甲乙丙丁戊", "己庚辛壬癸", "子丑"]
    with zipfile.ZipFile(io.BytesIO(render_docx(report))) as z:
        body = z.read("word/document.xml").decode()
    runs = body[body.index("宁夏"):body.index("年度报告")]
    assert runs.count("<w:br/>") == 2 and "示例工作委员会办公室</w:t>" in runs
    html = render_html(report)
    assert ("<h1><span><span>宁夏回族自治区</span><span>吴忠市</span><span>红寺堡区</span></span>"
            "<span><span>示例工作委员会</span><span>办公室</span></span>"
            "<span><span>2024年政府信息公开工作年度报告</span></span></h1>") in html
