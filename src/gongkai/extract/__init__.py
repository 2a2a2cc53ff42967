"""Document -> Report: sections, agency, year, format version, date and the three tables.

``extract`` runs in steps: one walk over the document's blocks in reading order (headings open
sections, text goes to the open section, table rows to the table extractor, flattened tables to
``recover``), then the narrative (sections, closing date, signature), the title's facts, the
format version, notes on what is missing, and the figures the narrative states (``narrative``).
"""

from __future__ import annotations

import os

from gongkai import regex
from gongkai.errors import NotAReport
from gongkai.extract import meta, recover
from gongkai.extract.narrative import narrative_of
from gongkai.extract.sections import heading_number, join_lines
from gongkai.extract.tables import TableExtractor, detect_table2_version
from gongkai.format import FORMAT
from gongkai.model import LabelUse, Report, Section, Source, Where
from gongkai.read.document import Document, Grid, GridCell, Paragraph, RunTable

_SECTION_TABLE = {2: "table2", 3: "table3", 4: "table4"}
_CN = "零一二三四五六七"
_SENTENCE_END = tuple("。！？!?；;…”’）)】")


def is_truncated(report: Report) -> bool:
    """The report stops before its last section (六、其他需要报告的事项) in the middle of a
    sentence: the file was cut.  A report whose last section ends with a whole sentence only
    lacks the sections after it, which the checker reports (SECTION-MISSING)."""
    if not report.sections or report.sections[-1].no >= len(FORMAT.sections):
        return False
    last = report.sections[-1]
    return not (last.text.rstrip() or last.title).endswith(_SENTENCE_END)


class _Walk:
    """One pass over a document's blocks in reading order."""

    def __init__(self, report: Report, version2: str | None):
        self.report = report
        self.version2 = version2
        self.current = 0  # the open section; 0 before the first heading (the preamble)
        self.preamble: list[str] = []
        self.bodies: dict[int, list[str]] = {}
        self.titles: dict[int, str] = {}
        self.heading_where: dict[int, Where | None] = {}
        self.paragraphs: list[str] = []  # every line of text in order (the closing date is among the last)
        self.title_block: str | None = None
        self.tables = TableExtractor(report, version2, self.unnarrate)
        self.blanks_shown = False  # a crawler's text shows its body leaves cells blank (recover.shows_blank_cells)

    def narrative(self) -> list[str]:
        """The lines of the open section (or of the preamble)."""
        return self.bodies[self.current] if self.current else self.preamble

    def unnarrate(self, text: str) -> None:
        """Take back a line the table extractor found to be the head of a wrapped label."""
        body = self.narrative()
        if body and body[-1] == text:
            body.pop()

    def open_section(self, no: int, title: str, where: Where | None) -> None:
        self.current = no
        self.titles[no] = title
        self.heading_where[no] = where
        self.bodies[no] = []
        self.tables.set_context(_SECTION_TABLE.get(no))

    def feed(self, block: Paragraph | Grid | RunTable) -> None:
        if isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, RunTable):
            recover.read_table(self.report, block, self.version2, self.blanks_shown)
        else:
            self.grid(block)

    def paragraph(self, block: Paragraph) -> None:
        text = block.text.strip()
        if not text:
            return
        self.paragraphs.append(text)
        if self.title_block is None and self.current == 0 and not self.preamble and meta.is_title(meta.close_gaps(text)):
            self.title_block = meta.close_gaps(text)
            return
        found = heading_number(text, self.current, block.heading)
        if found:
            self.open_section(*found, block.where)
            return
        if self.tables.context and len(text) <= 40 and not text.endswith("。") \
                and self.tables.feed_fragment(text, block.where):
            return
        self.narrative().append(text)

    def grid(self, block: Grid) -> None:
        for row in block.rows:
            only = _only_text_cell(row)  # a heading can sit inside a layout grid, alone on its row
            if only is not None:
                found = heading_number(only.text, self.current)
                if found:
                    self.open_section(*found, only.where)
                    continue
            if not self.tables.feed_row(block, row) and not block.exact:
                line = " ".join(c.text for c in row if c.text)  # prose after all
                self.narrative().append(line)
                self.paragraphs.append(line)


def extract(doc: Document) -> Report:
    report = Report(source=Source(os.path.basename(doc.name), doc.sha256, doc.form, **doc.page))
    report.notes += doc.notes
    version2, header_variants = _table2_version(doc)
    walk = _Walk(report, version2)
    walk.blanks_shown = recover.shows_blank_cells((b for b in doc.blocks if isinstance(b, RunTable)), version2)
    for block in doc.blocks:
        walk.feed(block)
    walk.tables.finish()
    recover.read_fused(report, walk.tables.fused, version2)
    signer = _narrative(report, walk)
    _meta(report, doc, walk.title_block, signer)
    _format(report, version2, header_variants)
    _missing_notes(report, walk)
    # A table row matched by its label alone, with not one cell printed (a README's table naming a
    # report's label typo), is no table: without sections such a file is not a report.
    if not report.sections and not any(info.raw.strip() for info in report.cells.values()):
        if doc.unread:  # the pages OCR would have read may hold the report
            raise NotAReport(f"在可读的页上没有找到年度报告的章节或统计表。{doc.unread}", doc.name)
        if report.cells:  # rows met by their labels, blank: a table form or a text naming them
            raise NotAReport("没有找到年度报告的章节，统计表的行也没有一个单元格填了数字，"
                             "这不像是一份政府信息公开工作年度报告。", doc.name)
        raise NotAReport("没有找到年度报告的章节或统计表，这不像是一份政府信息公开工作年度报告。", doc.name)
    report.figures = narrative_of(report).figures
    return report


def _table2_version(doc: Document) -> tuple[str | None, list]:
    """Table 2's version: from a flattened table's headers, else from the grids' column headers."""
    for block in doc.blocks:
        if isinstance(block, RunTable) and block.table == "table2" and block.version:
            return block.version, []
    return detect_table2_version([b for b in doc.blocks if isinstance(b, Grid)])


def _narrative(report: Report, walk: _Walk) -> str | None:
    """Preamble, sections and the closing date; the signing body, if printed."""
    published, signer = meta.closing_date(walk.paragraphs)
    if published:  # the signature block is not part of the last section's text
        _strip_signature(walk.bodies[max(walk.bodies)] if walk.bodies else walk.preamble, signer)
    report.preamble = join_lines(walk.preamble)
    report.sections = [Section(no, walk.titles[no], join_lines(walk.bodies[no]), walk.heading_where.get(no))
                       for no in sorted(walk.bodies)]
    report.published = published
    return signer


def _missing_notes(report: Report, walk: _Walk) -> None:
    if report.table3 is None and "table3" in walk.tables.headers_seen:
        report.notes.append("表三只有表头，没有可识别的数据行：未取表三的数值。")
    if is_truncated(report):
        last = report.sections[-1].no
        report.notes.append(f"报告在第{_CN[last]}部分之后就结束了，缺少第{_CN[last + 1]}至第六部分：文件可能不完整（被截断）。")


def _only_text_cell(row: list[GridCell]) -> GridCell | None:
    """The row's one cell with text, if it has exactly one."""
    only = None
    for cell in row:
        if cell.text and not cell.covered:
            if only is not None:
                return None
            only = cell
    return only


def _strip_signature(lines: list[str], signer: str | None) -> None:
    """Drop the closing date and the signing body from the end of the narrative (a contact line
    printed after them stays)."""
    for i in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
        line = "".join(lines[i].split())
        if (len(line) <= 60 and meta.parse_date(line) and len(meta.DATE_ONLY.sub("", line)) <= len(signer or "")) \
                or (signer and line == signer):
            del lines[i]
        elif i < len(lines) - 1 or len(line) > 60:
            return


def _meta(report: Report, doc: Document, title_block: str | None, signer: str | None) -> None:
    title = title_block
    if title is None and doc.title_hint and meta.is_title(meta.close_gaps(doc.title_hint)):
        title = meta.close_gaps(doc.title_hint)
    report.title = title
    published = report.published
    if title:
        report.year = meta.title_year(title)
        agency = meta.title_agency(title)
    else:
        agency = None
    candidates = meta.quoted_agencies(report.preamble)
    if signer:
        candidates.append(signer)
    report.agency = meta.as_body(meta.fullest_agency(agency, candidates))
    if report.year is None:
        first = report.section(1)
        period = _period_year(report.preamble + "\n" + (first.text if first else ""))
        if period:
            report.year = period
            report.notes.append("标题中没有年份，报告年度取自统计期限。")
        elif published:
            report.year = published.year - 1
            report.notes.append("标题和统计期限中都没有年份，报告年度按落款日期的上一年推定。")


_PERIOD = regex.compile(r"统计(?:期限|时限|时间|区间|数据)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")


def _period_year(text: str) -> int | None:
    m = _PERIOD.search(text)
    return int(m.group(1)) if m else None


def _format(report: Report, version2: str | None, header_variants) -> None:
    layout = None
    if report.table3 is not None:
        if any(r.startswith("other.") for r in report.table3):
            layout = "2021"
        elif "other" in report.table3:
            layout = "2019"
    report.format = version2 if report.table2 is not None and version2 else (version2 or layout)
    for printed, official, where in header_variants:
        report.labels.append(LabelUse("table2", "header", printed, official, where))


# A file or bytes become a Report through the one loader, ``gongkai.load`` (which also reads
# report JSON and source YAML); this package turns a Document that ``read/`` made into one.
__all__ = ["extract"]
