"""HTML as government sites publish it: page chrome around the report, tables with
rowspan/colspan, Word-exported markup, GBK or UTF-8.

The report is located as the smallest element that holds every report table and section
heading, so navigation, breadcrumbs, share buttons and footers outside it are left out.
Tables are expanded into dense grids (a merged cell's text at its top-left position).
"""

from __future__ import annotations

import re

from lxml import etree

from gongkai.errors import UnreadableFile
from gongkai.model import Where, table_cell
from gongkai.read.document import Document, Grid, GridCell, Paragraph

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "button", "select", "textarea",
              "input", "iframe", "object", "embed", "head")
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul",
               "ol", "blockquote", "pre", "dd", "dt", "dl", "header", "footer", "nav", "aside", "center",
               "tr", "td", "th", "table", "tbody", "thead", "form", "fieldset", "address", "figure",
               "figcaption", "hr", "caption"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SPACES = re.compile(r"[ \t\r\n\u00a0\u3000\u2002\u2003\u200b]+")
_REPORT_TABLE = re.compile(r"申请人情况|第二十条|行政复议|信息内容|勾稽")
_HEADING_FIRST = frozenset("一二三四五六")
_SECTION_HEADING = re.compile(r"^\s*[一二三四五六]\s*[、.．]")
_MAX_SPAN = 100


def _clean(text: str) -> str:
    if text.isprintable() and "  " not in text:  # no newline, tab, NBSP, ideographic space …
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def _text(el) -> str:
    """The element's text content without its tail (the C serializer: faster than XPath string())."""
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _drop(el) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _span(value: str | None) -> int:
    if value is None or value == "1":
        return 1
    try:
        return max(1, min(_MAX_SPAN, int(str(value).strip().rstrip(";"))))
    except (TypeError, ValueError):
        return 1


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


_HEADING_CANDIDATES = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "strong", "b", "font", "span"))


def _marks(el, in_table: bool, out: list) -> None:
    """The report's tables and the section headings outside any table, in one walk that does
    not enter data tables (in Word markup most elements of a page are inside them)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == "table":
            if _is_data_table(child):
                if _REPORT_TABLE.search(_text(child)):
                    out.append(child)
                continue
            _marks(child, True, out)
            continue
        if not in_table and tag in _HEADING_CANDIDATES:
            first = child.text
            if first and first.lstrip()[:1] in _HEADING_FIRST:
                own = _clean(_text(child))
                if len(own) <= 40 and _SECTION_HEADING.match(own):
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


_NOT_TITLE = re.compile(r"当前位置|您的位置|现在位置|首页|>|＞|»")


def _printed_title(body) -> str | None:
    """The report title printed above the content: headings first, then any short block."""
    for tags in (_HEADING_TAGS, ("p", "div", "span", "td", "strong", "b")):
        for el in body.iter(*tags):
            t = _clean(_text(el))
            if "年度报告" in t and len(t) <= 80 and not _NOT_TITLE.search(t):
                return t
    return None


class _Walker:
    def __init__(self, doc: Document):
        self.doc = doc
        self.buffer: list[str] = []
        self.heading = False
        self.tables = 0
        self.paragraphs = 0

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        self.buffer = []
        if text:
            self.paragraphs += 1
            self.doc.blocks.append(Paragraph(text, Where(row=self.paragraphs), heading=self.heading))
        self.heading = False

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and _is_data_table(el):
            self.flush()
            self.tables += 1
            self.doc.blocks.append(expand_table(el, self.tables))
            if el.tail:
                self.buffer.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
        if tag in _HEADING_TAGS:
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


def read_html(text: str, name: str) -> Document:
    doc = Document(name=name, form="html")
    try:
        tree = etree.fromstring(text, etree.HTMLParser(remove_comments=True, remove_pis=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise UnreadableFile(f"无法解析 HTML：{exc}", name) from None
    if tree is None:
        raise UnreadableFile("HTML 中没有内容。", name)
    title = tree.find(".//title")
    if title is not None and title.text:
        # "<report title>-<site name>" or "<report title>_<site name>"
        doc.title_hint = re.split(r"\s*[-_|–—]\s*(?=[^-_|–—]*$)", _clean(title.text))[0]
    for el in list(tree.iter(*_DROP_TAGS)):
        _drop(el)
    body = tree.find("body")
    if body is None:
        body = tree
    root = _report_root(body)
    _Walker(doc).walk(root)
    # The title is often printed just above the report's container: look for it there.
    if root is not body and "年度报告" not in _leading_text(doc.blocks):
        title = _printed_title(body)
        if title:
            doc.title_hint = title
    return doc
