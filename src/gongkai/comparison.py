"""Compare two reports: two years of one body, or two bodies (the data; the page is drawn by
``render/compare.py``, the terminal view by ``cli/corpusview.py``; ``corpus/compare.load_side``
finds a side in a file or in the corpus).

- table differences, cell by cell ("missing" — the report lacks the row — and "blank" stay apart);
- continuity: when the years follow each other, this year's 二、上年结转 must equal last
  year's 四、结转下年度继续办理, column by column;
- section-by-section text similarity, with the passages the later text shares word for word
  with the earlier one (at least ``MIN_PASSAGE`` characters), i.e. what was copied.

The library face ``gongkai.compare(a, b)`` (``gongkai/compare.py``) also reads files;
``Corpus.compare`` takes reports of the corpus by number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from gongkai.format import FORMAT
from gongkai.format.names import format_order
from gongkai.model import Report, cell_kind

MIN_PASSAGE = 20  # characters: shorter common runs are set phrases (依申请公开, 政府信息公开条例)
MAX_SECTION_CHARS = 20_000  # beyond this a section is compared on its first part only (quadratic matcher)
MISSING = object()  # a cell one of the two reports does not have (distinct from a blank, None)


@dataclass
class Side:
    label: str
    report: Report

    @property
    def heading(self) -> str:
        """The side as a comparison's head names it: its label, then the body and year — the body
        once when the label already names it (a corpus report's label is "#6 淮安市洪泽区人民政府",
        which read "#6 淮安市洪泽区人民政府：淮安市洪泽区人民政府 2024 年")."""
        agency, year = self.report.agency, self.report.year
        when = f" {year} 年" if year else ""
        if agency and self.label.endswith(agency):
            return f"{self.label}{when}"
        return f"{self.label}：{agency or '（未识别）'}{when}"


@dataclass
class SectionComparison:
    no: int
    title: str
    similarity: float | None  # 0..1; None when one side lacks the section
    copied_share: float | None  # share of B's text found verbatim in A
    passages: list[str] = field(default_factory=list)
    text_a: str = ""
    text_b: str = ""
    truncated: bool = False
    why_none: str = ""  # why there is no similarity figure


@dataclass
class Comparison:
    a: Side
    b: Side
    cell_diffs: list[tuple[str, object, object]]  # (cell id, value A, value B); MISSING when absent
    cells_equal: int
    continuity: list[tuple[str, object, object, bool]] | None  # (column, last year 四, this year 二, ok)
    continuity_note: str
    sections: list[SectionComparison]

    def __repr__(self) -> str:  # the reports themselves are long: name them
        return (f"<Comparison A={self.a.label} B={self.b.label} cells equal={self.cells_equal} "
                f"differ={len(self.cell_diffs)} continuity={_continuity_word(self.continuity)}>")

    def tally(self) -> dict[str, int]:
        """The differing cells by kind: ``values`` (a number on each side, not the same), and for
        each side (``a_``/``b_``) ``open`` (digits run together that the sums do not cut one way:
        CELL-AMBIGUOUS, not a blank), ``blank`` and ``missing`` (the report lacks the row).  A cell
        open on one side and blank on the other counts for both."""
        out = dict.fromkeys(("values", "a_open", "b_open", "a_blank", "b_blank", "a_missing", "b_missing"), 0)
        opened = self._opened()
        for cell, x, y in self.cell_diffs:
            if x is not MISSING and x is not None and y is not MISSING and y is not None:
                out["values"] += 1
                continue
            for side, v in (("a", x), ("b", y)):
                if v is MISSING:
                    out[f"{side}_missing"] += 1
                elif v is None:
                    out[f"{side}_open" if cell in opened[side] else f"{side}_blank"] += 1
        return out

    def _opened(self) -> dict[str, set[str]]:
        """Each side's cells left open: digits run together that the sums do not cut one way."""
        return {side: {c for amb in r.ambiguous for c in r.undecided(amb)}
                for side, r in (("a", self.a.report), ("b", self.b.report))}

    def summary(self) -> str:
        """One sentence: how many cells are the same and how many differ — by kind, when some
        differ otherwise than by value (``gongkai compare``'s first line of the tables)."""
        head = f"{self.cells_equal} 格相同，{len(self.cell_diffs)} 格不同"
        t = self.tally()
        if t["values"] == len(self.cell_diffs):
            return head + "。"
        words = [f"两边数值不同 {t['values']} 格"] if t["values"] else []
        for side in ("a", "b"):
            name = side.upper()
            if t[f"{side}_open"]:
                words.append(f"{name} 有 {t[f'{side}_open']} 格无法确定（原文数字连写，未能唯一拆开，不是空白）")
            if t[f"{side}_blank"]:
                words.append(f"{name} 有 {t[f'{side}_blank']} 格空白")
            if t[f"{side}_missing"]:
                words.append(f"{name} 缺 {t[f'{side}_missing']} 格所在的行")
        return head + "：" + "；".join(words) + "。"

    def to_dict(self) -> dict[str, Any]:
        """The comparison as JSON-ready data (what ``/api/corpus/compare`` answers): a cell a
        report lacks is ``"missing"``, one left open (digits run together, not cut one way) is
        ``"open"``, a blank ``None``, an amount a float; ``a_mark``/``b_mark`` say a value the
        report did not print as such — ``"inferred"`` (digits run together, cut by the sums), ``"ocr"``,
        ``"doubtful"`` (OCR, to be checked) — as every view marks it (* ~ ?), else ``None``; with
        ``summary()`` and ``tally()``."""
        from gongkai.format.names import cell_label, column_label

        def v(x: object) -> object:
            return "missing" if x is MISSING else (float(x) if isinstance(x, Decimal) else x)

        opened = self._opened()

        def side(name: str, cell: str, x: object) -> object:  # an open cell was null, as if blank
            return "open" if x is None and cell in opened[name] else v(x)

        def mark(report: Report, cell: str, x: object) -> str | None:  # as every view marks the value
            kind = cell_kind(report, cell) if x is not MISSING and x is not None else None
            return kind if kind in ("inferred", "ocr", "doubtful") else None

        return {"a": {"label": self.a.label, "agency": self.a.report.agency, "year": self.a.report.year},
                "b": {"label": self.b.label, "agency": self.b.report.agency, "year": self.b.report.year},
                "cells_equal": self.cells_equal,
                "summary": self.summary(), "tally": self.tally(),
                "cell_differences": [{"cell": cell, "label": cell_label(cell, self.b.report.format or self.a.report.format),
                                      "a": side("a", cell, x), "b": side("b", cell, y),
                                      "a_mark": mark(self.a.report, cell, x), "b_mark": mark(self.b.report, cell, y)}
                                     for cell, x, y in self.cell_diffs],
                "continuity_note": self.continuity_note,
                "continuity": None if self.continuity is None else [
                    {"column": col, "label": column_label("table3", "", col), "carried_forward": v(f),
                     "carried_over": v(o), "ok": ok} for col, f, o, ok in self.continuity],
                "sections": [{"no": s.no, "title": s.title, "similarity": s.similarity, "copied_share": s.copied_share,
                              "passages": s.passages} for s in self.sections]}


def _continuity_word(rows: list[tuple[str, object, object, bool]] | None) -> str:
    if rows is None:
        return "not-checked"
    return "ok" if all(ok for *_, ok in rows) else f"{sum(1 for *_, ok in rows if not ok)}-columns-differ"


def as_side(side: Side | Report) -> Side:
    """A side of a comparison: a ``Side`` as it is, a ``Report`` labelled by its file name (or
    its body)."""
    if isinstance(side, Side):
        return side
    return Side(side.source.name or side.agency or "（未命名报告）", side)


def _value(report: Report, cell_id: str) -> object:  # the value, or MISSING
    return report.value(cell_id) if report.has_cell(cell_id) else MISSING


def compare(a: Side | Report, b: Side | Report) -> Comparison:
    """Compare report A with report B (B − A; for two years of a body, A is the earlier): each a
    ``Report`` or a ``Side``.  What ``gongkai compare A B`` prints."""
    a, b = as_side(a), as_side(b)
    ra, rb = a.report, b.report
    ids = sorted(dict.fromkeys([c for c, _ in ra.iter_cells()] + [c for c, _ in rb.iter_cells()]), key=format_order)
    diffs, equal = [], 0
    for cell_id in ids:
        va, vb = _value(ra, cell_id), _value(rb, cell_id)
        if va == vb and va is not MISSING:
            equal += 1
        else:
            diffs.append((cell_id, va, vb))
    continuity, note = _continuity(ra, rb)
    return Comparison(a, b, diffs, equal, continuity, note, _sections(ra, rb))


def _continuity(ra: Report, rb: Report) -> tuple[list[tuple[str, object, object, bool]] | None, str]:
    if ra.year is None or rb.year is None:
        return None, "至少一份报告没有识别出年度，无法核对结转衔接。"
    if abs(ra.year - rb.year) != 1:
        return None, f"两份报告的年度（{ra.year}、{rb.year}）不相邻，不核对结转衔接。"
    last, this = (ra, rb) if ra.year < rb.year else (rb, ra)
    if last.table3 is None or this.table3 is None:
        return None, "至少一份报告缺少表三，无法核对结转衔接。"
    rows = []
    for col in FORMAT.table3_column_ids:
        forward = _value(last, f"table3.carried_forward.{col}")
        over = _value(this, f"table3.carried_over.{col}")
        ok = forward is not MISSING and over is not MISSING and forward == over and forward is not None
        rows.append((col, forward, over, ok))
    bad = sum(1 for r in rows if not r[3])
    note = (f"{this.year} 年表三“二、上年结转”与 {last.year} 年表三“四、结转下年度继续办理”"
            + ("逐列一致。" if not bad else f"有 {bad} 列不一致或空缺。"))
    return rows, note


def _sections(ra: Report, rb: Report) -> list[SectionComparison]:
    nos = sorted({s.no for s in ra.sections} | {s.no for s in rb.sections})
    out = []
    for no in nos:
        sa, sb = ra.section(no), rb.section(no)
        either = sb or sa
        assert either is not None, "no is a section of one of them"
        title = either.title
        if sa is None or sb is None:
            out.append(SectionComparison(no, title, None, None, [], sa.text if sa else "", sb.text if sb else "",
                                         why_none="（一方缺此章节）"))
            continue
        if not sa.text.strip() and not sb.text.strip():
            out.append(SectionComparison(no, title, None, None, why_none="（两份均只有表格，无文字）"))
            continue
        ta, tb = sa.text[:MAX_SECTION_CHARS], sb.text[:MAX_SECTION_CHARS]
        truncated = len(sa.text) > MAX_SECTION_CHARS or len(sb.text) > MAX_SECTION_CHARS
        matcher = SequenceMatcher(None, ta, tb, autojunk=False)  # autojunk would drop common hanzi
        blocks = [m for m in matcher.get_matching_blocks() if m.size >= MIN_PASSAGE]
        passages = [tb[m.b:m.b + m.size] for m in blocks]
        copied = sum(m.size for m in blocks) / len(tb) if tb else 0.0
        out.append(SectionComparison(no, title, matcher.ratio(), copied, passages,
                                     sa.text, sb.text, truncated))
    return out


# -- values as shown ----------------------------------------------------------------------
def show_value(v: object) -> str:
    """A compared value in words: a row the report lacks, a blank, or the number."""
    if v is MISSING:
        return "（无此行）"
    return "（空）" if v is None else str(v)


def delta(va: object, vb: object) -> str:
    """B − A with its sign, or "" when either side has no number (a blank, or MISSING)."""
    if not isinstance(va, (int, Decimal)) or not isinstance(vb, (int, Decimal)):
        return ""
    return f"{vb - va:+}"
