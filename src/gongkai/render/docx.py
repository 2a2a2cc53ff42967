"""Report -> DOCX in the official layout.

The document is built with python-docx; its tables are written as WordprocessingML directly
(``table_xml``), which is five times faster than python-docx's cell objects and merges.
Merged cells are real Word merges (``w:gridSpan`` / ``w:vMerge``), column widths are written
into ``w:tblGrid`` (LibreOffice ignores cell widths without it), every run names its East
Asian font and the document's East Asian language is zh-CN, so that the Chinese glyph forms
are used (Noto CJK otherwise falls back to its Japanese face in LibreOffice).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor

from gongkai import ooxml
from gongkai.format.text import clean_text
from gongkai.model import Report
from gongkai.render import common, fonts, narrative
from gongkai.render.layout import FILLER, GROUP, HEADER, LABEL, NOTE, VALUE, Cell, TableLayout, layouts


class _Writer:
    def __init__(self, for_pdf: bool = False):
        # Latin letters and digits: the DOCX names Times New Roman, which every Word has; a PDF is
        # set here, so with a face this machine has (LibreOffice's own stand-in for a missing
        # Times New Roman is wider than the Chinese text around it).
        self.latin = fonts.pick("latin") if for_pdf else fonts.candidates("latin")[0]
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
        fonts.set_docx_fonts(normal.element.get_or_add_rPr(), fonts.pick("body"), self.latin)
        # Document defaults too: text in styles we do not touch (table style, headers) is Chinese.
        rpr_default = self.doc.styles.element.find(qn("w:docDefaults"))
        if rpr_default is not None:
            rpr = rpr_default.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if rpr is not None:
                fonts.set_docx_fonts(rpr, fonts.pick("body"), self.latin)
                # The document's language, which LibreOffice writes as the tagged PDF's /Lang (a
                # screen reader picks its voice by it): Chinese.  Latin runs stay en-US by Normal.
                rpr.find(qn("w:lang")).set(qn("w:val"), "zh-CN")
        self.doc.core_properties.language = "zh-CN"

    @property
    def text_width(self) -> int:
        s = self.doc.sections[0]
        assert s.page_width is not None and s.left_margin is not None and s.right_margin is not None, "set above"
        return s.page_width - s.left_margin - s.right_margin

    def run(self, paragraph, text: str, role: str, size: float, bold: bool = False, italic: bool = False):
        run = paragraph.add_run(clean_text(text))  # XML cannot hold control characters
        run.font.size = Pt(size)
        run.bold = bold or None
        run.italic = italic or None
        fonts.set_docx_fonts(run._element.get_or_add_rPr(), fonts.pick(role), self.latin)
        return run

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

    def title(self, lines: list[str]) -> None:
        """The title in the heavy title face, a line break between the body's name and the
        report's name (never a break inside a word)."""
        p = self.paragraph(WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        # Heading 1, the sections Heading 2: the outline a reader navigates (Word's navigation
        # pane, the tagged PDF's H1/H2), as the HTML's h1/h2; the style's own look is overridden.
        p.style = self.doc.styles["Heading 1"]
        p.paragraph_format.line_spacing = Pt(self.sizes["title"] * 1.6)
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.space_after = Pt(self.sizes["title"])
        for n, line in enumerate(lines):
            run = self.run(p, line, "title", self.sizes["title"], bold=True)
            run.font.color.rgb = RGBColor(0, 0, 0)
            if n < len(lines) - 1:
                run.add_break()

    def page_numbers(self) -> None:
        """“— 1 —” centred in the footer of every page (GB/T 9704: 4号 Arabic numerals)."""
        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        size = self.sizes.get("page_number", 14)
        self.run(p, "— ", "body", size)
        run = self.run(p, "", "body", size)
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
            elif text == "PAGE":
                run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>'))
            else:
                run._r.append(parse_xml(f'<w:t {nsdecls("w")}>{text}</w:t>'))
        self.run(p, " —", "body", size)

    def heading(self, text: str) -> None:
        p = self.paragraph(WD_ALIGN_PARAGRAPH.LEFT)
        p.style = self.doc.styles["Heading 2"]
        fmt = p.paragraph_format
        fmt.first_line_indent = Pt(self.sizes["body"] * self.style["indent_chars"])
        # Half a line above and below sets the heading apart for readers of the PDF, who
        # tell paragraphs apart by their gaps.
        fmt.space_before = fmt.space_after = Pt(self.sizes["body"] * 0.9)
        fmt.keep_with_next = True
        # Heading 2 under the title (see title()); its blue bold look is overridden.
        run = self.run(p, text, "heading", self.sizes["heading"])
        run.bold = False
        run.font.color.rgb = RGBColor(0, 0, 0)

    def narrative(self, text: str, keep_with_table: bool = False) -> None:
        """The section's text; ``keep_with_table``: its last paragraph (“……见下表”) stays on the
        page where the table starts, so heading and text are not left above a page break."""
        blocks = narrative.blocks(text)
        for n, block in enumerate(blocks, 1):
            indent = block.kind in ("paragraph", "heading", "item")
            p = self.paragraph(indent=indent)
            # a sub-heading （一）主动公开 is never left alone at the foot of a page
            if block.kind == "heading" or (keep_with_table and n == len(blocks)):
                p.paragraph_format.keep_with_next = True
            if block.kind == "quote":
                p.paragraph_format.left_indent = Pt(self.sizes["body"] * 2)
            todo = narrative.is_todo(block.text)  # a line still to write: highlighted, as on the page
            for run in block.runs:
                r = self.run(p, run.text, "body", self.sizes["body"], bold=run.bold or block.kind == "heading",
                             italic=run.italic)
                if todo:
                    r.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def closing(self, agency: str, when: str) -> None:
        """The body's name over the date (``common.closing``): the name right-aligned, the date
        starting two characters right of the name's start; kept together and with the text's
        last paragraph (the date was printed alone at the top of a last page)."""
        if not (agency or when):
            return
        if self.doc.paragraphs:
            self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        size = self.sizes["signature"]
        indent = common.name_indent(agency, when) if agency and when else 2
        if agency:
            p = self.paragraph(WD_ALIGN_PARAGRAPH.RIGHT, indent=False, space_before=28)
            p.paragraph_format.right_indent = Pt(size * indent)
            p.paragraph_format.keep_with_next = bool(when) or None
            self.run(p, agency, "body", size)
        if when:
            p = self.paragraph(WD_ALIGN_PARAGRAPH.RIGHT if not agency else WD_ALIGN_PARAGRAPH.LEFT, indent=False,
                               space_before=0 if agency else 28)
            if agency:  # the name is Chinese characters, each one character wide: its start is exact
                p.paragraph_format.left_indent = self.text_width - Pt(size * (indent + len(agency) - 2))
            else:
                p.paragraph_format.right_indent = Pt(size * 2)
            self.run(p, when, "body", size)

    # -- tables -------------------------------------------------------------------------
    def table(self, layout: TableLayout) -> None:
        """The table as WordprocessingML written directly: python-docx's cell objects and merges
        cost a quarter of a second per report, this a few milliseconds, with the same markup."""
        text_width = self.text_width
        widths = [Emu(int(text_width * w)).twips for w in common.widths(layout.name)]
        tbl = parse_xml(table_xml(layout, widths, self.style["table_pt"][layout.name],
                                  fonts.pick("table"), self.latin))
        body = self.doc.element.body
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is not None:
            sect_pr.addprevious(tbl)
        else:
            body.append(tbl)
        # A gap after the table (and Word wants a paragraph between a table and what follows).
        self.paragraph(indent=False)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


CELL_MARGIN_TWIPS = 45  # 0.08 cm: narrow, so that 法律服务机构 wraps in two lines, not one character per line
_JC = {VALUE: "right", LABEL: "left", GROUP: "center", HEADER: "center", NOTE: "center"}


def table_xml(layout: TableLayout, widths: list[int], size: float, east_asian: str, latin: str) -> str:
    """One ``w:tbl``: fixed column widths in ``w:tblGrid``; merges as ``w:gridSpan`` and
    ``w:vMerge``; rows that do not split across pages, header rows repeated on each page and
    every row kept with the next (Word then keeps the table on one page; LibreOffice does not)."""
    n, rows = layout.columns, layout.rows
    at: dict[tuple[int, int], Cell] = {(c.row, c.col): c for c in layout.cells}
    below: dict[tuple[int, int], Cell] = {}  # grid positions continued from a merge above
    for c in layout.cells:
        for r in range(c.row + 1, c.row + c.rowspan):
            below[(r, c.col)] = c
    fonts_xml = f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}" w:eastAsia="{east_asian}"/>'
    lang_xml = '<w:lang w:val="en-US" w:eastAsia="zh-CN"/>'  # as fonts.set_docx_fonts
    out = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
           '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblCellMar>'
           f'<w:left w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/><w:right w:w="{CELL_MARGIN_TWIPS}" w:type="dxa"/>'
           '</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
           'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    for r in range(rows):
        keep = "<w:keepNext/>" if r < rows - 1 and not layout.may_break_before(r + 1) else ""
        out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if r < layout.header_rows else "")
                   + "</w:trPr>")
        col = 0
        while col < n:
            # A position no layout cell covers (none in the national tables) stays an empty cell.
            cell = at.get((r, col)) or below.get((r, col)) or Cell("", r, col, FILLER)
            span = cell.colspan
            width = sum(widths[col:col + span])
            props = f'<w:tcW w:type="dxa" w:w="{width}"/>' + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            if cell.row != r:  # continued from a merge above
                out.append(f'<w:tc><w:tcPr>{props}<w:vMerge/><w:vAlign w:val="center"/></w:tcPr>'
                           f'<w:p><w:pPr>{keep}</w:pPr></w:p></w:tc>')
                col += span
                continue
            if cell.rowspan > 1:
                props += '<w:vMerge w:val="restart"/>'
            cell_size = size - 1.5 if cell.kind == NOTE else size
            line = Pt(cell_size * 1.3).twips
            jc = _JC.get(cell.kind, "center")
            run = ""
            if cell.text:
                text = clean_text(cell.text)
                space = ' xml:space="preserve"' if text != text.strip() else ""
                bold = "<w:b/>" if cell.kind == GROUP else ""
                run = (f"<w:r><w:rPr>{fonts_xml}{bold}<w:sz w:val=\"{int(Pt(cell_size).pt * 2)}\"/>{lang_xml}"
                       f"</w:rPr><w:t{space}>{escape(text)}</w:t></w:r>")
            out.append(f'<w:tc><w:tcPr>{props}<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>{keep}'
                       f'<w:spacing w:after="0" w:line="{line}" w:lineRule="exact"/><w:jc w:val="{jc}"/>'
                       f"</w:pPr>{run}</w:p></w:tc>")
            col += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def render_docx(report: Report, for_pdf: bool = False) -> bytes:
    """The report as DOCX; ``for_pdf``: the copy LibreOffice turns into the PDF (see _Writer)."""
    w = _Writer(for_pdf)
    w.doc.core_properties.title = common.title(report)
    w.doc.core_properties.author = report.agency or ""
    w.title(common.title_lines(report))
    w.page_numbers()
    tables = layouts(report)
    if report.preamble:
        w.narrative(report.preamble)
    for section, table in common.outline(report):
        w.heading(common.section_heading(section.no, section.title))
        if section.text:
            w.narrative(section.text, keep_with_table=bool(table))
        if table:
            w.table(tables[table])
    w.closing(*common.closing(report))
    # The same report gives the same bytes: dated by its 落款 date, never by the clock.
    return ooxml.reproducible(w.save(), report.published)
