"""How a cell's provenance is shown, in every view: a value the extractor inferred, a value
OCR read from a scan, and an OCR value that is doubtful.  The terminal prints the mark after
the number; HTML pages add the class and a title; both print ``legend``."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from gongkai.model import BASIS, CellInfo, Report, cell_kind, undecided  # noqa: F401 (undecided: for the views)

# kind -> (mark, words for the legend)
MARKS = {
    "inferred": ("*", "推断值：原文数字连写或错位，由表内合计、上年报告的数字或数字的个数拆出，请对照原文核对"),
    "ocr": ("~", "OCR 识别：数字由 OCR 从扫描件识别"),
    "doubtful": ("?", "OCR 识别存疑：识别置信度低，或表内合计指出这一格可能识别错误，请对照原件核对"),
    "ambiguous": ("#", "无法确定：原文数字连写，按表内合计仍有几种拆法，留空不作猜测（见检查结果 CELL-AMBIGUOUS）"),
}
# A sum over several reports (the roll-up) that some of them do not enter.
PARTIAL = ("+", "部分合计：有报告此格空白、缺此行或数字无法确定，空白不按 0 计，合计只含填了数字的报告")
# A sum over several reports that adds a number of a report whose own sum over it does not hold.
# Which cells of a failing sum are marked (``check.ocr.wrong_candidates``), as every view says it.
UNSOUND_WHERE = ("只标可能有误的格：单改这一格（改后不小于 0）就能使不成立的合计成立；其中有的格不在任何成立的合计里时，"
                 "只标这些")
UNSOUND = ("!", f"含不平的报告：相加的报告中有报告自身经过此格的合计不成立，其数字按原样计入、未作更正（{UNSOUND_WHERE}）")
# A sum over several reports that adds a number its report's own text states otherwise (TEXT-TABLE).
CONTRADICTED = ("^", "正文不符：相加的报告中有报告的正文所述与此格的数字不一致（检查结果 TEXT-TABLE），其数字按表中原样计入、未作更正")


def meaning(mark: tuple[str, str]) -> str:
    """A mark's meaning in a few words, the legend's before its colon: ("*", "推断值：…") -> "推断值"."""
    return mark[1].split("：")[0]


def mark_html(mark: tuple[str, str]) -> str:
    """A mark as HTML, after a value: the sign sighted readers see, and its ``meaning`` as visually
    hidden text, so that a screen reader says “12*（推断值）” rather than a bare “星号” whose sense is
    only in the cell's tooltip and the legend (``title`` is not read reliably; ``aria-label`` is not
    allowed on a ``sup``).  Pages carry the ``.vh`` rule, and the boxes tables scroll in are
    positioned (the hidden text, absolutely placed, would otherwise widen a phone's page)."""
    return f'<sup class="mark">{escape(mark[0])}<span class="vh">（{escape(meaning(mark))}）</span></sup>'


def inferred_from(info: CellInfo) -> str:
    """What fixed an inferred value, in words: "原文印作“12”，由本行总计等于各列之和确定"."""
    how = "、".join(BASIS.get(b, b) for b in info.basis)
    return f"原文印作“{info.raw}”" + (f"，由{how}确定" if how else "")


def mark(report: Report, cell_id: str, suspects: Iterable[str] = ()) -> str:
    """The one-character mark printed after the value ("" for a cell read as printed)."""
    kind = cell_kind(report, cell_id, suspects)
    return MARKS[kind][0] if kind else ""


def legend(report: Report, suspects: Iterable[str] = ()) -> list[tuple[str, str, str]]:
    """(kind, mark, words) for each kind of mark the report's cells use, in a fixed order."""
    kinds = {cell_kind(report, c, suspects) for c in report.cells}
    return [(k, m, words) for k, (m, words) in MARKS.items() if k in kinds]


# What the official layout, which prints no mark, leaves unsaid: kind -> what such a cell is.
_NOT_SHOWN = {"inferred": "推断值（原文数字连写或错位，由表内合计、上年报告的数字或数字的个数拆出）",
              "ocr": "由 OCR 从扫描件识别的数字", "doubtful": "OCR 识别存疑的数字"}


def not_shown(report: Report) -> list[str]:
    """What a report built in the official layout hides, a sentence a kind, naming the cells: the
    values inferred or read by OCR (printed without their mark), and the cells of digits run
    together that the sums do not cut one way (printed blank).  ``gongkai.render`` warns them,
    ``gongkai build`` prints them."""
    from gongkai.format.names import cell_label, format_order

    kinds: dict[str, list[str]] = {}
    for cell in sorted(report.cells, key=format_order):
        kind = cell_kind(report, cell)
        if (kind in _NOT_SHOWN and report.value(cell) is not None) or kind == "ambiguous":
            kinds.setdefault(kind, []).append(cell_label(cell, report.format))
    said = []
    for kind, cells in kinds.items():
        shown = "；".join(cells[:5]) + ("等" if len(cells) > 5 else "")
        if kind == "ambiguous":
            said.append(f"{len(cells)} 个单元格的数字原文连写、无法确定，生成的报告中留空，发布前请对照原件填写：{shown}。")
        else:
            said.append(f"{len(cells)} 个单元格是{_NOT_SHOWN[kind]}，生成的报告中不带标记，发布前请对照原件核对：{shown}。")
    return said
