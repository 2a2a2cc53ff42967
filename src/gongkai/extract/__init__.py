"""Document -> Report: sections, agency, year, format version, date and the three tables."""

from __future__ import annotations

import os

from gongkai.errors import NotAReport
from gongkai.extract import meta
from gongkai.extract.sections import heading_number, join_lines
from gongkai.extract.tables import TableExtractor, detect_table2_version
from gongkai.format import FORMAT
from gongkai.model import LabelUse, Report, Section, Source
from gongkai.read import read_bytes, read_file
from gongkai.read.document import Document, Grid, GridCell, Paragraph

_SECTION_TABLE = {2: "table2", 3: "table3", 4: "table4"}
_CN = "零一二三四五六七"


def is_truncated(report: Report) -> bool:
    """The report stops before its last section (六、其他需要报告的事项)."""
    return bool(report.sections) and report.sections[-1].no < len(FORMAT.sections)


def extract(doc: Document) -> Report:
    report = Report(source=Source(os.path.basename(doc.name), doc.sha256, doc.form))
    report.notes += doc.notes
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    version2, header_variants = detect_table2_version(grids)
    preamble: list[str] = []
    bodies: dict[int, list[str]] = {}

    def unnarrate(text: str) -> None:
        body = bodies[current] if current else preamble
        if body and body[-1] == text:
            body.pop()

    tables = TableExtractor(report, version2, unnarrate)
    titles: dict[int, str] = {}
    heading_where: dict[int, object] = {}
    current = 0
    paragraphs: list[str] = []
    title_block = None

    for block in doc.blocks:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                continue
            paragraphs.append(text)
            if title_block is None and current == 0 and not preamble and meta.is_title(text):
                title_block = text
                continue
            found = heading_number(text, current, block.heading)
            if found:
                current, titles[current] = found[0], found[1]
                heading_where[current] = block.where
                bodies[current] = []
                tables.set_context(_SECTION_TABLE.get(current))
                continue
            if tables.context and len(text) <= 40 and not text.endswith("。") and tables.feed_fragment(text, block.where):
                continue
            (bodies[current] if current else preamble).append(text)
        else:
            # A heading can sit inside a layout grid (one cell on its own row).
            for row in block.rows:
                only = _only_text_cell(row)
                if only is not None:
                    found = heading_number(only.text, current)
                    if found:
                        current, titles[current] = found[0], found[1]
                        heading_where[current] = only.where
                        bodies[current] = []
                        tables.set_context(_SECTION_TABLE.get(current))
                        continue
                if not tables.feed_row(block, row) and not block.exact:
                    line = " ".join(c.text for c in row if c.text)  # prose after all
                    (bodies[current] if current else preamble).append(line)
                    paragraphs.append(line)
    tables.finish()

    published, signer = meta.closing_date(paragraphs)
    if published:  # the signature block is not part of the last section's text
        _strip_signature(bodies[max(bodies)] if bodies else preamble, signer)
    report.preamble = join_lines(preamble)
    report.sections = [Section(no, titles[no], join_lines(bodies[no]), heading_where.get(no)) for no in sorted(bodies)]
    report.published = published
    _meta(report, doc, title_block, signer)
    _format(report, version2, header_variants)
    if report.table3 is None and "table3" in tables.headers_seen:
        report.notes.append("表三只有表头，没有可识别的数据行：未取表三的数值。")
    if report.sections and is_truncated(report):
        last = report.sections[-1].no
        report.notes.append(f"报告在第{_CN[last]}部分之后就结束了，缺少第{_CN[last + 1]}至第六部分：文件可能不完整（被截断）。")
    if not report.sections and report.table2 is None and report.table3 is None and report.table4 is None:
        raise NotAReport("没有找到年度报告的章节或统计表，这不像是一份政府信息公开工作年度报告。", doc.name)
    return report


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
    """Drop the closing date and the signing body from the end of the narrative."""
    for _ in range(3):
        if not lines:
            return
        last = "".join(lines[-1].split())
        if (len(last) <= 60 and meta.parse_date(last) and len(meta.DATE_ONLY.sub("", last)) <= len(signer or "")) \
                or (signer and last == signer):
            lines.pop()
        else:
            return


def _meta(report: Report, doc: Document, title_block: str | None, signer: str | None) -> None:
    title = title_block
    if title is None and doc.title_hint and meta.is_title(doc.title_hint):
        title = doc.title_hint
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
    report.agency = meta.fullest_agency(agency, candidates)
    if report.year is None:
        period = _period_year(report.preamble + "\n" + (report.section(1).text if report.section(1) else ""))
        if period:
            report.year = period
            report.notes.append("标题中没有年份，报告年度取自统计期限。")
        elif published:
            report.year = published.year - 1
            report.notes.append("标题和统计期限中都没有年份，报告年度按落款日期的上一年推定。")


def _period_year(text: str) -> int | None:
    import re

    m = re.search(r"统计(?:期限|时限|时间|区间|数据)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日", text)
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


def parse_bytes(data: bytes, name: str) -> Report:
    return extract(read_bytes(data, name))


def parse_file(path) -> Report:
    return extract(read_file(path))


__all__ = ["extract", "parse_bytes", "parse_file"]
