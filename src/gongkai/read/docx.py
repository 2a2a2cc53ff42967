"""DOCX reports through python-docx: body paragraphs, text boxes and tables in reading order.

Merged cells come from the XML itself (``w:gridSpan`` across, ``w:vMerge`` down), so the grid
is exact.  The package is checked before python-docx opens it: a DOCX is a ZIP file, and a
ZIP bomb must be refused from its directory, not discovered by inflating it.

A package needs ``[Content_Types].xml``, ``_rels/.rels`` and ``word/document.xml``; every other
part (styles, settings, numbering, theme, fonts, docProps, headers, footers, custom XML…) is
optional for reading the text and tables.  Programs that write DOCX (CMS exports, converters)
sometimes leave such a part out but keep the relationship that names it, which python-docx
refuses; the relationships to missing parts are then dropped and the document is read, with a
note naming what was missing.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote

from gongkai import regex
from gongkai.errors import UnreadableFile
from gongkai.model import Where
from gongkai.read import limits
from gongkai.read.document import Document, Grid, GridCell, Paragraph

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACES = regex.compile(r"[ \t\u00a0\u3000\u2002\u2003\u200b]+")
_ASCII = regex.compile(r"[A-Za-z0-9]")
_HEADING_STYLE = regex.compile(r"^(heading|标题|title)\s*\d*$", re.I)
_MAX_SPAN = 64


def check_package(data: bytes, name: str) -> zipfile.ZipFile:
    """Open the ZIP and refuse bombs: from its directory, then by inflating every part in bounded
    steps whatever its header claims (``limits.check_zip``)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise UnreadableFile("Word 文件（.docx）已损坏或不完整，无法打开。请重新下载原文件。", name) from None
    names = z.namelist()
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:  # a clerk's own 台账 handed to parse: say what it is and where it goes
            raise UnreadableFile("这是 Excel 工作簿，不是年度报告。台账请用 gongkai register import 或 gongkai log import 导入。",
                                 name)
        raise UnreadableFile("这个 ZIP 文件不是 Word 文档（缺少 word/document.xml）。", name)
    limits.check_zip(z, name, "Word 文件")
    return z


def _join(parts: list[str]) -> str:
    text = ""
    for part in parts:
        part = _SPACES.sub(" ", part).strip()
        if not part:
            continue
        if text and _ASCII.match(text[-1]) and _ASCII.match(part[0]):
            text += " "
        text += part
    return text


MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _inside(el, stop, tags: tuple[str, ...]) -> bool:
    a = el.getparent()
    while a is not None and a is not stop:
        if a.tag in tags:
            return True
        a = a.getparent()
    return False


def _runs_text(p, skip_boxes: bool = True) -> str:
    """Text of a paragraph: w:t (not deleted text, not field codes), tabs as spaces.

    A text box inside the paragraph is read on its own; its VML fallback copy never.
    """
    out: list[str] = []
    skip = (f"{W}txbxContent", MC_FALLBACK) if skip_boxes else (MC_FALLBACK,)
    for el in p.iter(f"{W}t", f"{W}tab"):
        if _inside(el, p, skip):
            continue
        if el.tag == f"{W}t":
            out.append(el.text or "")
        elif el.tag == f"{W}tab":
            out.append(" ")
    return "".join(out)


def _cell_text(tc) -> str:
    return _join([_runs_text(p, skip_boxes=False) for p in tc.iter(f"{W}p")
                  if not _inside(p, tc, (f"{W}txbxContent", MC_FALLBACK))])


def _span(el, tag: str) -> int:
    node = el.find(tag)
    if node is None:
        return 0
    try:
        return max(0, min(_MAX_SPAN, int(node.get(f"{W}val", "1"))))
    except ValueError:
        return 1


class _Reader:
    def __init__(self, doc: Document, styles: dict[str, str]):
        self.doc = doc
        self.styles = styles
        self.tables = 0
        self.paragraphs = 0

    def body(self, parent) -> None:
        for child in parent:
            tag = child.tag
            if tag == f"{W}p":
                self.paragraph(child)
            elif tag == f"{W}tbl":
                self.table(child)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}smartTag"):
                self.body(child.find(f"{W}sdtContent") if tag == f"{W}sdt" and
                          child.find(f"{W}sdtContent") is not None else child)

    def paragraph(self, p) -> None:
        text = _join([_runs_text(p)])
        if text:
            self.paragraphs += 1
            style = p.find(f"{W}pPr/{W}pStyle")
            heading = False
            if style is not None:
                style_name = self.styles.get(style.get(f"{W}val", ""), style.get(f"{W}val", ""))
                heading = bool(_HEADING_STYLE.match(style_name.strip()))
            self.doc.blocks.append(Paragraph(text, Where(line=self.paragraphs), heading=heading))
        # Text boxes anchored in the paragraph follow it.
        for box in p.iter(f"{W}txbxContent"):
            if _inside(box, p, (f"{W}txbxContent", MC_FALLBACK)):
                continue
            self.body(box)

    def table(self, tbl) -> None:
        if tbl.find(f"{W}tr/{W}tc/{W}tbl") is not None:
            self._layout_table(tbl)
            return
        self.tables += 1
        number = self.tables
        matrix: dict[tuple[int, int], GridCell] = {}
        open_vmerge: dict[int, tuple[int, int]] = {}  # column -> origin of a vertical merge in progress
        rows = [tr for tr in tbl if tr.tag == f"{W}tr"]
        width = 0
        for r, tr in enumerate(rows):
            c = _span(tr, f"{W}trPr/{W}gridBefore")
            for tc in _cells(tr):
                span = max(1, _span(tc, f"{W}tcPr/{W}gridSpan"))
                hmerge = tc.find(f"{W}tcPr/{W}hMerge")  # Word 95-era horizontal merge
                if hmerge is not None and hmerge.get(f"{W}val", "continue") == "continue" and c > 0 \
                        and (r, c - 1) in matrix:
                    left = matrix[(r, c - 1)]
                    origin = left.origin if left.covered else (r, c - 1)
                    for dc in range(span):
                        matrix[(r, c + dc)] = GridCell("", left.where, covered=True, origin=origin)
                    c += span
                    continue
                vmerge = tc.find(f"{W}tcPr/{W}vMerge")
                continues = vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue"
                origin = open_vmerge.get(c) if continues else None
                if origin is not None:
                    where = Where(table=number, row=origin[0] + 1, cell=origin[1] + 1)
                    for dc in range(span):
                        matrix[(r, c + dc)] = GridCell("", where, covered=True, origin=origin)
                else:
                    where = Where(table=number, row=r + 1, cell=c + 1)
                    matrix[(r, c)] = GridCell(_cell_text(tc), where)
                    for dc in range(1, span):
                        matrix[(r, c + dc)] = GridCell("", where, covered=True, origin=(r, c))
                    for dc in range(span):
                        open_vmerge.pop(c + dc, None)
                    if vmerge is not None:  # restart
                        for dc in range(span):
                            open_vmerge[c + dc] = (r, c)
                c += span
            width = max(width, c)
        grid_rows = []
        for r in range(len(rows)):
            grid_rows.append([matrix.get((r, c), GridCell("", Where(table=number, row=r + 1, cell=c + 1)))
                              for c in range(width)])
        if grid_rows:
            self.doc.blocks.append(Grid(grid_rows, Where(table=number), exact=True))

    def _layout_table(self, tbl) -> None:
        """A layout table (the whole report in a frame): its cells are pages of body text."""
        for tr in tbl.iter(f"{W}tr"):
            if tr.getparent() is not tbl:
                continue
            for tc in tr.iter(f"{W}tc"):
                if tc.getparent() is tr:
                    self.body(tc)


def _cells(tr):
    """A row's cells, with those inside content controls (``w:sdt``) unwrapped."""
    for tc in tr:
        if tc.tag == f"{W}sdt":
            tc = tc.find(f"{W}sdtContent/{W}tc")
            if tc is None:
                continue
        if tc.tag == f"{W}tc":
            yield tc


def _style_names(package) -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        styles = package.styles.element
    except Exception:  # noqa: BLE001 - a document without a styles part
        return names
    for st in styles.iter(f"{W}style"):
        name = st.find(f"{W}name")
        if name is not None:
            names[st.get(f"{W}styleId", "")] = name.get(f"{W}val", "")
    return names


_MISSING_PART = regex.compile(r"no item named '([^']+)'")
REQUIRED_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/document.xml")


def _xml_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _rels_source_dir(rels: str) -> str:
    """The folder a relationships part's relative targets start from: ``word/_rels/document.xml.rels``
    -> ``word``; ``_rels/.rels`` -> the package root."""
    return posixpath.dirname(posixpath.dirname(rels))


def _without_dangling(z: zipfile.ZipFile) -> tuple[bytes, list[str]] | None:
    """The package again without the relationships whose (internal) target part is not in it,
    and the missing parts' names; None when no relationship dangles."""
    from lxml import etree

    names = set(z.namelist())
    fixed: dict[str, bytes] = {}
    missing: list[str] = []
    for part in sorted(names):
        if not part.endswith(".rels"):
            continue
        try:
            root = etree.fromstring(z.read(part), _xml_parser())
        except etree.XMLSyntaxError:
            return None  # damaged, not incomplete: refused as such
        dropped = False
        for rel in list(root):
            target = unquote(rel.get("Target") or "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            where = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(_rels_source_dir(part), target))
            if where not in names:
                root.remove(rel)
                dropped = True
                missing.append(where)
        if dropped:
            fixed[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if not fixed:
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repaired:
        for info in z.infolist():
            repaired.writestr(info, fixed.get(info.filename) or z.read(info))
    return out.getvalue(), sorted(set(missing))


def _broken_package(z: zipfile.ZipFile, exc: Exception, name: str) -> UnreadableFile:
    """What is wrong with a package python-docx could not open, in words that name the part
    (its own errors are English: "There is no item named ...", XMLSyntaxError)."""
    from lxml import etree

    missing = _MISSING_PART.search(str(exc)) if isinstance(exc, KeyError) else None
    if missing or "_rels/.rels" not in z.namelist():
        part = missing.group(1) if missing else "_rels/.rels"
        return UnreadableFile(f"Word 文件缺少部件 {part}，文件已损坏或不完整。请重新下载原文件。", name)
    parser = _xml_parser()
    for part in z.namelist():
        if part.endswith((".xml", ".rels")):
            try:
                etree.fromstring(z.read(part), parser)  # inflated once already: check_package
            except etree.XMLSyntaxError as bad:
                line, column = bad.position
                return UnreadableFile(f"Word 文件中的部件 {part} 已损坏（第 {line} 行第 {column} 列不是正确的 XML）。"
                                      "请重新下载原文件。", name)
    return UnreadableFile("无法读取 Word 文件：文件的结构已损坏，或不是 Word 文档。请重新下载原文件，"
                          "或用 Word / WPS 打开后另存为 DOCX 再试。", name)


def read_docx(data: bytes, name: str, form: str = "docx") -> Document:
    z = check_package(data, name)
    import docx  # python-docx; imported here so text parsing stays light

    left_out: list[str] = []
    try:
        package = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types for broken packages
        missing = _MISSING_PART.search(str(exc)) if isinstance(exc, KeyError) else None
        repaired = _without_dangling(z) if missing and missing.group(1) not in REQUIRED_PARTS else None
        if repaired is None:
            raise _broken_package(z, exc, name) from None
        try:
            package = docx.Document(io.BytesIO(repaired[0]))
        except Exception as again:  # noqa: BLE001 - as above
            raise _broken_package(z, again, name) from None
        left_out = repaired[1]
    doc = Document(name=name, form=form)
    if left_out:
        doc.notes.append(f"Word 文件缺少可选部件 {'、'.join(left_out)}（样式、设置、属性等，不含正文），"
                         "已按正文读取。")
    title = (package.core_properties.title or "").strip()
    if title:
        doc.title_hint = title
    _Reader(doc, _style_names(package)).body(package.element.body)
    return doc
