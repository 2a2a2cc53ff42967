"""HTML as government sites publish it: page chrome around the report, tables with
rowspan/colspan, Word-exported markup, GBK or UTF-8.

The report is located as the smallest element that holds every report table and section
heading, so navigation, breadcrumbs, share buttons and footers outside it are left out.
Tables are expanded into dense grids (a merged cell's text at its top-left position).
"""

from __future__ import annotations

import re

from lxml import etree

from gongkai import regex
from gongkai.errors import UnreadableFile
from gongkai.model import Where, at_row, table_cell
from gongkai.read.accelerated import Walk, compiled_walk
from gongkai.read.document import Block, Document, Grid, GridCell, Paragraph
from gongkai.read.htmlrules import (
    BLOCK_TAGS,
    DROP_TAGS,
    HEADING_CANDIDATES,
    HEADING_FIRST,
    HEADING_TAGS,
    REPORT_TABLE,
    SECTION_HEADING,
)
from gongkai.read.htmlrules import clean as _clean
from gongkai.read.htmlrules import span as _span


def _text(el) -> str:
    """The element's text content without its tail (the C serializer: faster than XPath string())."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


_NOT_XML = regex.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# XHTML pages (common on older government sites) open with an XML declaration naming their
# encoding, which lxml refuses on text already decoded; blanked to spaces, places unchanged.
_XML_DECLARATION = regex.compile(r"\A\s*<\?xml[^>]*\?>")


def _drop(el) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        # lxml refuses to set text with C0 control characters, which the parser let through
        # (Word's page break \f): they become spaces.
        prev = el.getprevious()
        if prev is not None:
            prev.tail = _NOT_XML.sub(" ", (prev.tail or "") + el.tail)
        else:
            parent.text = _NOT_XML.sub(" ", (parent.text or "") + el.tail)
    parent.remove(el)


def _own_rows(table) -> list:
    """The table's rows, not those of tables nested inside it."""
    rows = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if isinstance(r.tag, str) and r.tag == "tr")
    return rows


def expand_table(table, table_no: int) -> Grid:
    """rowspan/colspan to a dense matrix of GridCells, built row by row."""
    rows = _own_rows(table)
    n = len(rows)
    below: list[dict[int, GridCell]] = [{} for _ in range(n)]  # cells covered by spans from above
    grid_rows: list[list[GridCell]] = []
    width = 0
    for r, tr in enumerate(rows):
        row: list[GridCell] = []
        taken = below[r]
        for cell in tr.iterchildren("td", "th"):
            c = len(row)
            while c in taken:
                row.append(taken[c])
                c += 1
            rowspan = cell.get("rowspan")
            rowspan = 1 if rowspan is None else min(_span(rowspan), n - r)
            colspan = cell.get("colspan")
            colspan = 1 if colspan is None else _span(colspan)
            raw = _text(cell) if len(cell) else cell.text
            if raw:
                raw = _clean(raw)
            where = table_cell(table_no, r + 1, c + 1)
            row.append(GridCell(raw or "", where))
            if colspan > 1 or rowspan > 1:
                origin = (r, c)
                for dc in range(1, colspan):  # a span from above keeps its place where they overlap
                    row.append(taken.get(c + dc) or GridCell("", where, True, origin))
                for dr in range(1, rowspan):
                    lower = below[r + dr]
                    for dc in range(colspan):
                        if c + dc not in lower:
                            lower[c + dc] = GridCell("", where, True, origin)
        if taken:  # spans from above that reach past the row's own cells
            for c in range(len(row), max(taken) + 1):
                row.append(taken.get(c) or GridCell("", table_cell(table_no, r + 1, c + 1)))
        if len(row) > width:
            width = len(row)
        grid_rows.append(row)
    for r, row in enumerate(grid_rows):
        for c in range(len(row), width):
            row.append(GridCell("", table_cell(table_no, r + 1, c + 1)))
    return Grid(grid_rows, Where(table=table_no), exact=True)


def _is_data_table(el) -> bool:
    return not any(True for _ in el.iterdescendants("table"))


def _marks(el, in_table: bool, out: list) -> None:
    """The report's tables and the section headings outside any table, in one walk that does
    not enter data tables (in Word markup most elements of a page are inside them)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == "table":
            if _is_data_table(child):
                if REPORT_TABLE.search(_text(child)):
                    out.append(child)
                continue
            _marks(child, True, out)
            continue
        if not in_table and tag in HEADING_CANDIDATES:
            first = child.text
            if first and first.lstrip()[:1] in HEADING_FIRST:
                own = _clean(_text(child))
                if len(own) <= 40 and SECTION_HEADING.match(own):
                    out.append(child)
        _marks(child, in_table, out)


def _report_root(body):
    """Lowest common ancestor of the report's tables and section headings."""
    marks: list = []
    _marks(body, False, marks)
    if not marks:
        return body
    paths = [list(reversed([m, *m.iterancestors()])) for m in marks]
    root = body
    for level in zip(*paths):
        if all(x is level[0] for x in level):
            root = level[0]
        else:
            break
    return root


def _leading_text(blocks: list, limit: int = 200) -> str:
    """The first ``limit`` characters of the walked text (paragraphs and table cells)."""
    head = ""
    for block in blocks:
        if isinstance(block, Paragraph):
            head += block.text
        else:
            head += "".join(c.text for row in block.rows for c in row)
        if len(head) >= limit:
            break
    return head[:limit]


_NOT_TITLE = regex.compile(r"当前位置|您的位置|现在位置|首页|>|＞|»")


def _printed_title(body) -> str | None:
    """The report title printed above the content: headings first, then any short block."""
    for tags in (HEADING_TAGS, ("p", "div", "span", "td", "strong", "b")):
        for el in body.iter(*tags):
            t = _clean(_text(el))
            if "年度报告" in t and len(t) <= 80 and not _NOT_TITLE.search(t):
                return t
    return None


class _Walker:
    def __init__(self):
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.heading = False
        self.tables = 0
        self.paragraphs = 0

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer = []
        if text:
            self.paragraphs += 1
            self.blocks.append(Paragraph(text, at_row(self.paragraphs), heading=self.heading))
        self.heading = False

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and _is_data_table(el):
            self.flush()
            self.tables += 1
            self.blocks.append(expand_table(el, self.tables))
            if el.tail:
                self.buffer.append(el.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        if tag in HEADING_TAGS:
            self.heading = True
        if tag == "br":
            self.flush()
        elif el.text:
            self.buffer.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child)
            elif child.tail:  # comments, processing instructions
                self.buffer.append(child.tail)
        if block:
            self.flush()
        if el.tail:
            self.buffer.append(el.tail)


def python_walk(body) -> tuple[list[Block], bool]:
    """The report's blocks in reading order, and whether the report is the whole body."""
    root = _report_root(body)
    walker = _Walker()
    walker.walk(root)
    return walker.blocks, root is body


walk: Walk = compiled_walk if compiled_walk is not None else python_walk


def read_html(text: str, name: str, walker: Walk | None = None) -> Document:
    """``walker``: ``python_walk`` or the compiled one (the default when built); tests compare them."""
    doc = Document(name=name, form="html")
    text = _XML_DECLARATION.sub(lambda m: " " * len(m.group()), text, count=1)
    try:
        tree = etree.fromstring(text, etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        raise UnreadableFile("无法解析 HTML：文件的内容不是可以读取的网页。请重新下载原文件。", name) from None
    if tree is None:
        raise UnreadableFile("HTML 中没有内容。", name)
    title = tree.find(".//title")
    if title is not None and title.text:
        # "<report title>-<site name>" or "<report title>_<site name>"
        doc.title_hint = re.split(r"\s*[-_|–—]\s*(?=[^-_|–—]*$)", _clean(title.text))[0]
    for el in list(tree.iter(*DROP_TAGS)):
        _drop(el)
    body = tree.find("body")
    if body is None:
        body = tree
    doc.blocks, whole_body = (walker or walk)(body)
    # The title is often printed just above the report's container: look for it there.
    if not whole_body and "年度报告" not in _leading_text(doc.blocks):
        title = _printed_title(body)
        if title:
            doc.title_hint = title
    return doc
