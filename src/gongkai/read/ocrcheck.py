"""Doubtful OCR numbers, found with the tables' own sums.

In the national format every row of table 3 ends with its 总计 (the six applicant columns
added up) and table 4 has three groups of five whose last cell is the group's 总计.  On an
OCR'd grid a row of 7 or 15 numbers is checked that way: when a sum does not hold, the
row's least confident numbers are named so a person checks them against the paper.  Numbers
outside any sum are named only when OCR itself was unsure of them, and a blank cell among a
row's numbers is named too (OCR drops faint digits).  Nothing is changed: the values stay
as read.
"""

from __future__ import annotations

from gongkai import regex
from gongkai.format import FORMAT
from gongkai.model import LOW_CONFIDENCE
from gongkai.read.document import Document, Grid, GridCell

LOW = LOW_CONFIDENCE  # below this, an OCR'd number is worth a second look (model: the marks use it too)
_NUMBER = regex.compile(r"^\d+$")


def _numbers(row: list[GridCell]) -> list[GridCell]:
    return [c for c in row if not c.covered and _NUMBER.match(c.text.replace(" ", ""))]


def _groups(n: int) -> list[tuple[int, int]]:
    """(start, size) of the sum groups in a row of ``n`` numbers."""
    t3 = len(FORMAT.table3_column_ids)
    t4 = len(FORMAT.table4_columns)
    if n == t3:
        return [(0, t3)]
    if n == t4 * len(FORMAT.table4_groups):
        return [(i * t4, t4) for i in range(len(FORMAT.table4_groups))]
    return []


def _cell(c: GridCell) -> str:
    conf = f"（置信度 {c.confidence:.2f}）" if c.confidence is not None else ""
    return f"第{c.where.cell}格“{c.text}”{conf}" if c.where else f"“{c.text}”{conf}"


def flag_doubtful(doc: Document) -> list[str]:
    notes: list[str] = []
    for grid in (b for b in doc.blocks if isinstance(b, Grid)):
        for row in grid.rows:
            cells = _numbers(row)
            if not cells or all(c.confidence is None for c in cells):
                continue
            # The row's own place: its first cell may be a merged group label (（三）不予公开)
            # whose place is the first row of the group.
            place = cells[0].where
            where = f"第{place.page}页 第{place.table}个表格 第{place.row}行" if place else "表格中"
            checked: set[int] = set()
            for start, size in _groups(len(cells)):
                group = cells[start:start + size]
                values = [int(c.text.replace(" ", "")) for c in group]
                checked.update(id(c) for c in group)
                if sum(values[:-1]) != values[-1]:
                    # Only OCR's own doubt singles a number out here: a row sum alone cannot tell
                    # which of its numbers is wrong (the checker crosses it with the column sums).
                    doubtful = sorted((c for c in group if c.confidence is not None and c.confidence < LOW),
                                      key=lambda c: c.confidence or 0.0)[:2]
                    notes.append(f"{where}：OCR 识别的数字不满足合计关系（前 {size - 1} 格之和 {sum(values[:-1])}"
                                 f" ≠ 总计 {values[-1]}）；"
                                 + ("最可疑的是" + "、".join(_cell(c) for c in doubtful) if doubtful
                                    else "各格识别置信度都高，单凭本行无法确定哪一格有误")
                                 + "，请对照原件核对。")
            first = next(i for i, c in enumerate(row) if any(c is x for x in cells))
            blanks = [c for c in row[first:] if not c.covered and not c.text.strip()]
            if blanks and len(cells) >= 2:
                # A scan drops faint digits: a blank among numbers may be a number OCR missed.
                places = "、".join(f"第{c.where.cell}格" for c in blanks if c.where)
                notes.append(f"{where}：{places}在 OCR 结果中是空白，而同一行其他格有数字；"
                             "如原件该格有数字，请补录（现按空白处理）。")
            for c in cells:
                if id(c) not in checked and c.confidence is not None and c.confidence < LOW:
                    notes.append(f"{where}：OCR 识别的数字{_cell(c)}置信度低，且无合计可以验证，请对照原件核对。")
    return notes
