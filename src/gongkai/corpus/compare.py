"""Compare two reports: two years of one body, or two bodies.

- table differences, cell by cell ("missing" — the report lacks the row — and "blank" stay apart);
- continuity: when the years follow each other, this year's 二、上年结转 must equal last
  year's 四、结转下年度继续办理, column by column;
- section-by-section text similarity, with the passages the later text shares word for word
  with the earlier one (at least ``MIN_PASSAGE`` characters), i.e. what was copied.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.model import Report

MIN_PASSAGE = 20  # characters: shorter common runs are set phrases (依申请公开, 政府信息公开条例)
MAX_SECTION_CHARS = 20_000  # beyond this a section is compared on its first part only (quadratic matcher)
MISSING = object()  # a cell one of the two reports does not have (distinct from a blank, None)


@dataclass
class Side:
    label: str
    report: Report


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


def load_side(arg: str, db: str | None) -> Side:
    if os.path.exists(arg):
        from gongkai.extract import parse_file

        return Side(arg, parse_file(arg))
    m = re.fullmatch(r"#?(\d+)", arg.strip())
    if not m:
        raise GongkaiError("既不是存在的文件，也不是语料库中的报告编号（如 12 或 #12）。", arg)
    from gongkai.corpus.store import Store

    with Store(db, create=False) as store:
        report = store.load_report(int(m.group(1)))
    if report is None:
        raise GongkaiError("语料库中没有这个编号的已解析报告。", arg)
    return Side(f"#{m.group(1)} {report.agency or ''}", report)


def _value(report: Report, cell_id: str):
    return report.value(cell_id) if report.has_cell(cell_id) else MISSING


def compare(a: Side, b: Side) -> Comparison:
    ra, rb = a.report, b.report
    ids = list(dict.fromkeys([c for c, _ in ra.iter_cells()] + [c for c, _ in rb.iter_cells()]))
    diffs, equal = [], 0
    for cell_id in ids:
        va, vb = _value(ra, cell_id), _value(rb, cell_id)
        if va == vb and va is not MISSING:
            equal += 1
        else:
            diffs.append((cell_id, va, vb))
    continuity, note = _continuity(ra, rb)
    return Comparison(a, b, diffs, equal, continuity, note, _sections(ra, rb))


def _continuity(ra: Report, rb: Report):
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
        title = (sb or sa).title
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


# -- output -------------------------------------------------------------------------------
def _show(v) -> str:
    if v is MISSING:
        return "（无此行）"
    return "（空）" if v is None else str(v)


def _delta(va, vb) -> str:
    if va is MISSING or vb is MISSING or va is None or vb is None:
        return ""
    d = vb - va
    return f"{d:+}"


def print_comparison(c: Comparison) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True)  # plain lines unbroken when piped; tables still fit
    if not console.is_terminal:
        console.width = max(console.width, 160)
    ra, rb = c.a.report, c.b.report
    console.print(f"[bold]A[/bold] {c.a.label}：{ra.agency or '（未识别）'} {ra.year or ''} 年")
    console.print(f"[bold]B[/bold] {c.b.label}：{rb.agency or '（未识别）'} {rb.year or ''} 年")
    console.print(f"统计表：{c.cells_equal} 格相同，{len(c.cell_diffs)} 格不同。")
    if c.cell_diffs:
        t = Table(title="统计表差异")
        for h in ("单元格", "A", "B", "B−A"):
            t.add_column(h, justify="right" if h != "单元格" else "left")
        for cell_id, va, vb in c.cell_diffs[:200]:
            t.add_row(cell_id, _show(va), _show(vb), _delta(va, vb))
        console.print(t)
        if len(c.cell_diffs) > 200:
            console.print(f"……另有 {len(c.cell_diffs) - 200} 格差异未列出（见 --html）。")
    console.print("结转衔接：" + c.continuity_note)
    if c.continuity:
        t = Table()
        for h in ("列", "上年“四”", "本年“二”", "衔接"):
            t.add_column(h)
        for col, fwd, over, ok in c.continuity:
            t.add_row(col, _show(fwd), _show(over), "✓" if ok else "✗")
        console.print(t)
    t = Table(title="章节文字相似度")
    for h in ("章节", "相似度", "B 中照搬 A 的比例", "照搬段落数"):
        t.add_column(h)
    for s in c.sections:
        if s.similarity is None:
            t.add_row(f"{s.no}.{s.title}", s.why_none, "", "")
        else:
            t.add_row(f"{s.no}.{s.title}", f"{s.similarity:.0%}", f"{s.copied_share:.0%}", str(len(s.passages)))
    console.print(t)


_CSS = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;
color:#222;max-width:72em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;
padding:.2em .5em}td.n{text-align:right}.bad{color:#b00020;font-weight:bold}.ok{color:#1b5e20}
mark{background:#ffe082}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}.pair div{border:1px solid
#ccc;padding:.5em;white-space:pre-wrap}h2{border-bottom:2px solid #444}"""


def _mark(text: str, passages: list[str]) -> str:
    """Escape ``text`` and highlight every occurrence of the copied passages."""
    spans = []
    for p in passages:
        start = 0
        while (i := text.find(p, start)) >= 0:
            spans.append((i, i + len(p)))
            start = i + len(p)
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            s = pos
        if s >= e:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def to_html(c: Comparison) -> str:
    e = html.escape
    ra, rb = c.a.report, c.b.report
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>报告比较："
             f"{e(ra.agency or '')} {ra.year or ''} / {e(rb.agency or '')} {rb.year or ''}</title>"
             f"<style>{_CSS}</style></head><body>",
             "<h1>政府信息公开工作年度报告比较</h1>",
             f"<p><b>A</b> {e(c.a.label)}：{e(ra.agency or '（未识别）')} {ra.year or ''} 年<br>"
             f"<b>B</b> {e(c.b.label)}：{e(rb.agency or '（未识别）')} {rb.year or ''} 年</p>",
             f"<h2>统计表差异</h2><p>{c.cells_equal} 格相同，{len(c.cell_diffs)} 格不同。</p>"]
    if c.cell_diffs:
        parts.append("<table><tr><th>单元格</th><th>A</th><th>B</th><th>B−A</th></tr>")
        for cell_id, va, vb in c.cell_diffs:
            parts.append(f"<tr><td>{e(cell_id)}</td><td class=n>{e(_show(va))}</td><td class=n>{e(_show(vb))}"
                         f"</td><td class=n>{e(_delta(va, vb))}</td></tr>")
        parts.append("</table>")
    parts.append(f"<h2>结转衔接</h2><p>{e(c.continuity_note)}</p>")
    if c.continuity:
        parts.append("<table><tr><th>列</th><th>上年“四、结转下年度继续办理”</th><th>本年“二、上年结转”</th>"
                     "<th>衔接</th></tr>")
        for col, fwd, over, ok in c.continuity:
            parts.append(f"<tr><td>{e(col)}</td><td class=n>{e(_show(fwd))}</td><td class=n>{e(_show(over))}</td>"
                         f"<td class={'ok' if ok else 'bad'}>{'一致' if ok else '不一致'}</td></tr>")
        parts.append("</table>")
    parts.append(f"<h2>章节文字</h2><p>黄色标出 B 中与 A 逐字相同、不少于 {MIN_PASSAGE} 个字的段落。</p>")
    for s in c.sections:
        if s.similarity is None:
            head = s.why_none
        else:
            head = f"相似度 {s.similarity:.0%}，B 中照搬 A 的比例 {s.copied_share:.0%}"
            if s.truncated:
                head += f"（章节过长，只比较前 {MAX_SECTION_CHARS} 字）"
        parts.append(f"<h3>{s.no}. {e(s.title)}：{head}</h3><div class=pair>"
                     f"<div>{_mark(s.text_a, s.passages)}</div><div>{_mark(s.text_b, s.passages)}</div></div>")
    parts.append("</body></html>\n")
    return "".join(parts)
