"""Test-side DOCX writer: a known report -> a Word file laid out like published ones.

Tables use real Word merges (``gridSpan`` across, ``vMerge`` down) as python-docx writes them;
table 3 can be split into two Word tables (what "split table" or a pasted page break does),
and a text box (VML, as WPS and older Word write it) can carry the contact line.  This is not
the product renderer (``gongkai.render``): it exists so the readers can be tested on files
whose every value is known.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document as new_document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from gongkai.format import FORMAT
from gongkai.model import Report

OUTSIDE_ROWS = ("new_received", "carried_over", "carried_forward")


def _fmt(v) -> str:
    return "" if v is None else str(v)


CELL_PT = 10.5  # 五号, the usual size in published tables
T3_WIDTHS_CM = [0.9, 2.1, 4.6] + [1.15] * 7  # label columns wide, number columns narrow (A4)


def _set(cell, text: str) -> None:
    cell.text = text
    for p in cell.paragraphs:
        for r in p.runs:
            r.font.size = Pt(CELL_PT)


def _widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths_cm):  # w:gridCol, which LibreOffice follows
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _table2(doc, report: Report) -> None:
    version = report.format
    rows = []
    for group in FORMAT.table2[version]:
        rows.append(("group", group, None))
        rows.append(("head", group, None))
        for row in group.rows:
            rows.append(("row", group, row))
    t = doc.add_table(rows=len(rows), cols=4)
    t.style = "Table Grid"
    for i, (kind, group, row) in enumerate(rows):
        cells = t.rows[i].cells
        n = len(group.columns)
        if kind == "group":
            merged = cells[0].merge(cells[3])
            _set(merged, group.label)
            continue
        if n < 3:
            last = cells[n].merge(cells[3])
        else:
            last = cells[3]
        if kind == "head":
            _set(cells[0], "信息内容")
            for j, col in enumerate(group.columns):
                _set(last if j == n - 1 else cells[j + 1], col.label)
        else:
            _set(cells[0], row.label)
            for j, col in enumerate(group.columns):
                v = report.value(f"table2.{group.id}.{row.id}.{col.id}")
                _set(last if j == n - 1 else cells[j + 1], _fmt(v))


def _table3_part(doc, report: Report, row_ids: list[str], header: bool) -> None:
    head = 3 if header else 0
    t = doc.add_table(rows=head + len(row_ids), cols=10)
    t.style = "Table Grid"
    _widths(t, T3_WIDTHS_CM)
    if header:
        r0, r1, r2 = (t.rows[i].cells for i in range(3))
        _set(r0[0].merge(r2[2]), FORMAT.table3_note)
        _set(r0[3].merge(r0[9]), "申请人情况")
        _set(r1[3].merge(r2[3]), FORMAT.table3_columns[0].label)
        _set(r1[4].merge(r1[8]), "法人或其他组织")
        _set(r1[9].merge(r2[9]), FORMAT.table3_columns[6].label)
        for j, col in enumerate(FORMAT.table3_columns[1:6]):
            _set(r2[4 + j], col.label)
    outcome = [i for i, r in enumerate(row_ids) if r not in OUTSIDE_ROWS]
    if outcome:  # the 三、本年度办理结果 column merged down over the outcome rows of this part
        first, last = head + outcome[0], head + outcome[-1]
        label = FORMAT.table3_outcome_group_label if row_ids[outcome[0]] == "granted" else ""
        _set(t.rows[first].cells[0].merge(t.rows[last].cells[0]), label)
    groups: dict[str, list[int]] = {}
    for i, row_id in enumerate(row_ids):
        g = FORMAT.table3_rows[row_id].group
        if g and g != FORMAT.table3_rows[row_id].label:
            groups.setdefault(g, []).append(head + i)
    for g, idx in groups.items():
        _set(t.rows[idx[0]].cells[1].merge(t.rows[idx[-1]].cells[1]), g)
    for i, row_id in enumerate(row_ids):
        cells = t.rows[head + i].cells
        spec = FORMAT.table3_rows[row_id]
        if row_id in OUTSIDE_ROWS:
            _set(cells[0].merge(cells[2]), spec.label)
        elif spec.group and spec.group != spec.label:
            _set(cells[2], spec.label)
        else:
            _set(cells[1].merge(cells[2]), spec.label)
        for j, col in enumerate(FORMAT.table3_column_ids):
            _set(cells[3 + j], _fmt(report.value(f"table3.{row_id}.{col}")))


def _table4(doc, report: Report) -> None:
    t = doc.add_table(rows=4, cols=15)
    t.style = "Table Grid"
    r0, r1, r2, r3 = (t.rows[i].cells for i in range(4))
    _set(r0[0].merge(r0[4]), "行政复议")
    _set(r0[5].merge(r0[14]), "行政诉讼")
    for j, col in enumerate(FORMAT.table4_columns):
        _set(r1[j].merge(r2[j]), col.label)
        _set(r2[5 + j], col.label)
        _set(r2[10 + j], col.label)
    _set(r1[5].merge(r1[9]), "未经复议直接起诉")
    _set(r1[10].merge(r1[14]), "复议后起诉")
    for j, (g, c) in enumerate(FORMAT.table4_cell_order):
        _set(r3[j], _fmt(report.value(f"table4.{g}.{c}")))


def _text_box(paragraph, text: str) -> None:
    """A VML text box anchored in ``paragraph`` (as WPS writes them)."""
    run = parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:400pt;height:30pt" stroked="f">'
        f'<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent></v:textbox>'
        f'</v:shape></w:pict></w:r>')
    paragraph._p.append(run)


def to_docx(report: Report, path: Path, split_table3: str | None = None, text_box: str | None = None,
            borders: bool = True) -> Path:
    """Write ``report`` as a DOCX.  ``split_table3``: first row id of the second part of table 3;
    ``borders=False``: tables without any ruling (as some exporters print them)."""
    doc = new_document()
    for section in doc.sections:  # A4 with 2.5 cm margins, as official documents
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
    style = doc.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.font.size = Pt(11)
    doc.add_paragraph(report.title)
    doc.add_paragraph(report.preamble)
    if text_box:
        _text_box(doc.add_paragraph(), text_box)
    for section in report.sections:
        doc.add_paragraph(f"{'一二三四五六'[section.no - 1]}、{section.title}")
        if section.text:
            doc.add_paragraph(section.text)
        if section.no == 2 and report.table2 is not None:
            _table2(doc, report)
        if section.no == 3 and report.table3 is not None:
            layout = list(FORMAT.table3_layout(report.format))
            if split_table3:
                cut = layout.index(split_table3)
                _table3_part(doc, report, layout[:cut], header=True)
                doc.add_paragraph("")
                _table3_part(doc, report, layout[cut:], header=False)
            else:
                _table3_part(doc, report, layout, header=True)
        if section.no == 4 and report.table4 is not None:
            _table4(doc, report)
    if not borders:
        for table in doc.tables:
            table.style = None  # python-docx's default "Normal Table": no borders at all
    doc.save(str(path))
    return path


def to_pdf(docx_path: Path, out_dir: Path, timeout: int = 120) -> Path:
    """LibreOffice headless conversion with a private profile (parallel runs do not collide)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (Debian: libreoffice-writer-nogui) is needed for this test"
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)],
                       check=True, timeout=timeout, capture_output=True, env={**os.environ, "HOME": str(profile)})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out_dir / (docx_path.stem + ".pdf")


def clone(report: Report) -> Report:
    return copy.deepcopy(report)
