"""Report -> DOCX in the official layout (python-docx).

Merged cells are real Word merges (``w:gridSpan`` / ``w:vMerge``), column widths are written
into ``w:tblGrid`` (LibreOffice ignores cell widths without it), every run names its East
Asian font and the document's East Asian language is zh-CN, so that the Chinese glyph forms
are used (Noto CJK otherwise falls back to its Japanese face in LibreOffice).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from gongkai.model import Report
from gongkai.render import common, fonts, narrative
from gongkai.render.layout import GROUP, HEADER, LABEL, NOTE, VALUE, TableLayout, layouts

_ALIGN = {VALUE: WD_ALIGN_PARAGRAPH.RIGHT, LABEL: WD_ALIGN_PARAGRAPH.LEFT, GROUP: WD_ALIGN_PARAGRAPH.CENTER,
          HEADER: WD_ALIGN_PARAGRAPH.CENTER, NOTE: WD_ALIGN_PARAGRAPH.CENTER}


def _set_fonts(rpr, east_asian: str, latin: str) -> None:
    """rFonts for all scripts and w:lang eastAsia=zh-CN on one w:rPr element."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _run(paragraph, text: str, role: str, size: float, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(common.clean_text(text))  # XML cannot hold control characters
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    _set_fonts(run._element.get_or_add_rPr(), fonts.pick(role), common.style()["fonts"]["latin"])
    return run


class _Writer:
    def __init__(self):
        self.doc = Document()
        self.style = common.style()
        self.sizes = self.style["sizes_pt"]
        self._page()
        self._defaults()

    def _page(self) -> None:
        page = self.style["page"]
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(page["width_cm"]), Cm(page["height_cm"])
        section.top_margin, section.bottom_margin = Cm(page["margin_top_cm"]), Cm(page["margin_bottom_cm"])
        section.left_margin, section.right_margin = Cm(page["margin_left_cm"]), Cm(page["margin_right_cm"])

    def _defaults(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(self.sizes["body"])
        _set_fonts(normal.element.get_or_add_rPr(), fonts.pick("body"), self.style["fonts"]["latin"])
        # Document defaults too: text in styles we do not touch (table style, headers) is Chinese.
        rpr_default = self.doc.styles.element.find(qn("w:docDefaults"))
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                _set_fonts(rpr, fonts.pick("body"), self.style["fonts"]["latin"])
        self.doc.core_properties.language = "zh-CN"

    @property
    def text_width(self) -> int:
        s = self.doc.sections[0]
        return s.page_width - s.left_margin - s.right_margin

    def paragraph(self, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, space_before: float = 0):
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = align
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)  # the customary fixed 28 pt line pitch of 三号 text
        fmt.space_before = Pt(space_before)
        fmt.space_after = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(self.sizes["body"] * self.style["indent_chars"])
        return p

    def title(self, text: str) -> None:
        p = self.paragraph(WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        p.paragraph_format.line_spacing = Pt(self.sizes["title"] * 1.6)
        p.paragraph_format.space_after = Pt(self.sizes["title"])
        _run(p, text, "title", self.sizes["title"])

    def heading(self, text: str, new_page: bool = False) -> None:
        p = self.paragraph(WD_ALIGN_PARAGRAPH.LEFT)
        p.paragraph_format.page_break_before = new_page
        p.style = self.doc.styles["Heading 1"]
        fmt = p.paragraph_format
        fmt.first_line_indent = Pt(self.sizes["body"] * self.style["indent_chars"])
        # Half a line above and below sets the heading apart for readers of the PDF, who
        # tell paragraphs apart by their gaps.
        fmt.space_before = fmt.space_after = Pt(self.sizes["body"] * 0.9)
        fmt.keep_with_next = True
        # Heading 1 keeps the outline (navigation pane); its blue bold look is overridden.
        run = _run(p, text, "heading", self.sizes["heading"])
        run.bold = False
        run.font.color.rgb = RGBColor(0, 0, 0)

    def narrative(self, text: str) -> None:
        for block in narrative.blocks(text):
            indent = block.kind in ("paragraph", "heading", "item")
            p = self.paragraph(indent=indent)
            if block.kind == "quote":
                p.paragraph_format.left_indent = Pt(self.sizes["body"] * 2)
            for run in block.runs:
                _run(p, run.text, "body", self.sizes["body"], bold=run.bold or block.kind == "heading",
                     italic=run.italic)

    def closing(self, lines: list[str]) -> None:
        for i, line in enumerate(lines):
            p = self.paragraph(WD_ALIGN_PARAGRAPH.RIGHT, indent=False, space_before=28 if i == 0 else 0)
            p.paragraph_format.right_indent = Pt(self.sizes["body"] * 2)
            _run(p, line, "body", self.sizes["signature"])

    # -- tables -------------------------------------------------------------------------
    def table(self, layout: TableLayout) -> None:
        size = self.style["table_pt"][layout.name]
        table = self.doc.add_table(rows=layout.rows, cols=layout.columns)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [Emu(int(self.text_width * w)) for w in common.widths(layout.name)]
        _fixed_layout(table)
        for j, w in enumerate(widths):
            table.columns[j].width = w  # w:tblGrid/w:gridCol
        # Cell objects taken once before merging: ``table.cell`` rescans the whole table on
        # every call.  Merged regions never overlap, so the references stay valid.
        grid = table._cells
        n = layout.columns
        for i, cell in enumerate(grid):
            cell.width = widths[i % n]  # w:tcW, summed by python-docx when cells merge
        for cell_spec in layout.cells:
            cell = grid[cell_spec.row * n + cell_spec.col]
            if cell_spec.rowspan > 1 or cell_spec.colspan > 1:
                corner = grid[(cell_spec.row + cell_spec.rowspan - 1) * n + cell_spec.col + cell_spec.colspan - 1]
                cell = cell.merge(corner)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.paragraph_format.alignment = _ALIGN.get(cell_spec.kind, WD_ALIGN_PARAGRAPH.CENTER)
            p.paragraph_format.space_after = Pt(0)
            cell_size = size - 1.5 if cell_spec.kind == NOTE else size
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            p.paragraph_format.line_spacing = Pt(cell_size * 1.3)
            if cell_spec.text:
                _run(p, cell_spec.text, "table", cell_size, bold=cell_spec.kind == GROUP)
        for r, row in enumerate(table.rows):
            _row_props(row, header=r < layout.header_rows)
            if r < layout.rows - 1:  # Word keeps such a table on one page (LibreOffice does not)
                for cell in row.cells:
                    for p in cell.paragraphs:
                        p.paragraph_format.keep_with_next = True
        self.paragraph(indent=False)  # Word needs a paragraph between a table and what follows

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _fixed_layout(table) -> None:
    """Fixed column widths, and narrow cell margins so that 法律服务机构 wraps in two lines,
    not one character per line."""
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.append(margins)


CELL_MARGIN_TWIPS = 45  # 0.08 cm


def _row_props(row, header: bool) -> None:
    """Rows do not split across pages; header rows repeat on each page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def render_docx(report: Report) -> bytes:
    w = _Writer()
    w.doc.core_properties.title = common.title(report)
    w.doc.core_properties.author = report.agency or ""
    w.title(common.title(report))
    tables = layouts(report)
    if report.preamble:
        w.narrative(report.preamble)
    for section, table in common.outline(report):
        # Table 3 takes most of a page; starting its section on a new page keeps it whole
        # (LibreOffice does not honour keep-with-next across a table).
        w.heading(common.section_heading(section.no, section.title), new_page=table == "table3")
        if section.text:
            w.narrative(section.text)
        if table:
            w.table(tables[table])
    closing = [x for x in (report.agency, common.date_zh(report.published) if report.published else None) if x]
    w.closing(closing)
    return w.save()
