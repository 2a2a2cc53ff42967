"""Known reports written as DOCX (python-docx, real merges, a split table, a text box) and as
PDF (LibreOffice conversion of that DOCX) parse back with every table cell exact."""

from __future__ import annotations

import random

import pytest
from read_binary_docgen import to_docx, to_pdf

from gongkai.format import FORMAT
from gongkai.load import load
from gongkai.read import read_file
from gongkai.read.document import Grid
from tests.writers import random_report

CASES = {
    # name: (seed, format version, blank share, first row of table 3's second Word table, rulings)
    "split-2021": (7, "2021", 0.0, "unable.not_held", True),
    "blanks-2019": (11, "2019", 0.15, None, True),
    "borderless-2021": (13, "2021", 0.0, None, False),  # the PDF has no rulings: rows from text gaps
}


def _tables(report) -> dict:
    d = report.to_dict()
    return {t: d.get(t) for t in ("table2", "table3", "table4")}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = {}
    root = tmp_path_factory.mktemp("generated")
    for name, (seed, version, blanks, split, borders) in CASES.items():
        report = random_report(random.Random(seed), version, blanks=blanks)
        docx_path = to_docx(report, root / f"{name}.docx", split_table3=split,
                            text_box="联系电话：0517-83605210" if split else None, borders=borders)
        out[name] = (report, docx_path)
    return out


@pytest.fixture(scope="module")
def generated_pdfs(generated, tmp_path_factory):
    root = tmp_path_factory.mktemp("pdf")
    return {name: to_pdf(path, root) for name, (_, path) in generated.items()}


@pytest.mark.parametrize("name", sorted(CASES))
def test_read_binary_docx_round_trip_exact(generated, name):
    report, path = generated[name]
    parsed = load(path)
    assert parsed.source.form == "docx"
    assert _tables(parsed) == _tables(report)
    assert parsed.year == report.year and parsed.agency == report.agency
    assert parsed.format == report.format
    assert [s.no for s in parsed.sections] == [1, 2, 3, 4, 5, 6]


def test_read_binary_docx_merges_expand_to_dense_grid(generated):
    _, path = generated["split-2021"]
    doc = read_file(path)
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert len(grids) == 4  # table 3 split into two Word tables
    t3 = grids[1]
    assert len(t3.rows[0]) == 10
    # vertical + horizontal merge: the 3x3 note block; 申请人情况 spans 7 columns
    assert t3.rows[0][0].text.startswith("（本列数据的勾稽关系")
    assert all(t3.rows[r][c].covered and t3.rows[r][c].origin == (0, 0) for r in range(3) for c in range(3)
               if (r, c) != (0, 0))
    assert t3.rows[0][3].text == "申请人情况" and all(t3.rows[0][c].covered for c in range(4, 10))
    assert t3.rows[5][0].text == "三、本年度办理结果" and t3.rows[6][0].covered and t3.rows[6][0].origin == (5, 0)
    assert t3.rows[3][3].where.zh() == "第2个表格 第4行第4格"
    # the text box's paragraph is read once, after the preamble
    texts = [b.text for b in doc.blocks if not isinstance(b, Grid)]
    assert texts.count("联系电话：0517-83605210") == 1


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", sorted(CASES))
def test_read_binary_pdf_from_docx_round_trip_exact(generated, generated_pdfs, name):
    report, _ = generated[name]
    parsed = load(generated_pdfs[name])
    assert parsed.source.form == "pdf"
    assert _tables(parsed) == _tables(report)
    assert parsed.year == report.year and parsed.agency == report.agency
    assert [s.no for s in parsed.sections] == [1, 2, 3, 4, 5, 6]


@pytest.mark.libreoffice
def test_read_binary_pdf_labels_come_back_whole(generated_pdfs):
    doc = read_file(generated_pdfs["split-2021"])
    assert doc.pages >= 2
    cells = {c.text for b in doc.blocks if isinstance(b, Grid) for row in b.rows for c in row if c.text}
    for row_id in FORMAT.table3_layout("2021"):
        assert FORMAT.table3_rows[row_id].label in cells, row_id


def test_read_binary_docx_bytes_detected_without_extension(generated):
    report, path = generated["blanks-2019"]
    parsed = load(path.read_bytes(), "download")
    assert _tables(parsed) == _tables(report)


def test_read_binary_docx_layout_table_around_the_report(tmp_path):
    """Some reports sit inside a one-cell frame table; the real tables are nested in it."""
    import docx
    from read_binary_docgen import _table4

    report = random_report(random.Random(5), "2021")
    doc = docx.Document()
    frame = doc.add_table(rows=1, cols=1).cell(0, 0)
    frame.paragraphs[0].text = "四、政府信息公开行政复议、行政诉讼情况"
    _table4(frame, report)
    frame.add_paragraph("五、存在的主要问题及改进情况")
    path = tmp_path / "framed.docx"
    doc.save(str(path))
    blocks = read_file(path).blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Grid", "Paragraph"]
    assert load(path).table4 == report.table4


def test_read_binary_docx_legacy_hmerge(tmp_path):
    """w:hMerge (old Word) merges across like gridSpan does."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = docx.Document()
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "第二十条第（五）项"
    for c in (0, 1, 2):
        merge = "restart" if c == 0 else "continue"
        table.cell(0, c)._tc.get_or_add_tcPr().append(parse_xml(f'<w:hMerge {nsdecls("w")} w:val="{merge}"/>'))
    for c, text in enumerate(["行政许可", "447228", ""]):
        table.cell(1, c).text = text
    path = tmp_path / "hmerge.docx"
    doc.save(str(path))
    [grid] = [b for b in read_file(path).blocks if isinstance(b, Grid)]
    assert grid.rows[0][0].text == "第二十条第（五）项"
    assert [(c.covered, c.origin) for c in grid.rows[0][1:]] == [(True, (0, 0)), (True, (0, 0))]
    assert [c.text for c in grid.rows[1]] == ["行政许可", "447228", ""]


def test_read_binary_docx_drawingml_text_box_read_once(tmp_path):
    """A DrawingML text box with its VML fallback copy (as Word writes it): read once."""
    import docx
    from docx.oxml import parse_xml

    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    box = "<w:txbxContent><w:p><w:r><w:t>联系电话：0517-87290606</w:t></w:r></w:p></w:txbxContent>"
    run = parse_xml(f"<w:r {ns}><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:wsp><wps:txbx>"
                    f"{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
                    f"{box}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>")
    doc = docx.Document()
    p = doc.add_paragraph("正文一段。")
    p._p.append(run)
    path = tmp_path / "box.docx"
    doc.save(str(path))
    texts = [b.text for b in read_file(path).blocks]
    assert texts == ["正文一段。", "联系电话：0517-87290606"]
