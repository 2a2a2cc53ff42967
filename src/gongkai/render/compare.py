"""The comparison of two reports (``gongkai.comparison``) as a self-contained HTML page:
table differences, the carry-over continuity, and each section's text side by side with the
copied passages highlighted.  Every text is escaped here."""

from __future__ import annotations

import html

from gongkai.comparison import MAX_SECTION_CHARS, MIN_PASSAGE, Comparison
from gongkai.comparison import delta as _delta
from gongkai.comparison import show_value as _show
from gongkai.format.names import cell_label, column_label
from gongkai.render.common import section_heading
from gongkai.render.marks import MARKS, cell_kind, legend, mark_html

_CSS = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;
color:#222;max-width:72em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;
padding:.2em .5em}td.n{text-align:right}.bad{color:#b00020;font-weight:bold}.ok{color:#1b5e20}
mark{background:#ffe082}.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}.pair div{border:1px solid
#ccc;padding:.5em;white-space:pre-wrap}h2{border-bottom:2px solid #444}
.wide{overflow-x:auto;max-width:100%;position:relative}.wide tr>:first-child{min-width:8em}
@media (max-width:640px){body{margin:.6em}.pair{grid-template-columns:1fr}}"""


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


def _cell(report, cell_id: str, value: object) -> str:
    """A side's value with its mark; a cell whose digits could not be cut one way is no blank:
    its mark alone, as the terminal shows it."""
    mark = _value_mark(report, cell_id)
    if value is None and report.has_cell(cell_id) and cell_kind(report, cell_id) == "ambiguous":
        return mark
    return html.escape(_show(value)) + mark


def _value_mark(report, cell_id: str) -> str:
    """An inferred or OCR-read value's mark (render.marks), as a superscript."""
    kind = cell_kind(report, cell_id) if report.has_cell(cell_id) else None
    return mark_html(MARKS[kind]) if kind else ""


def compare_html(c: Comparison) -> str:
    e = html.escape
    ra, rb = c.a.report, c.b.report
    parts = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'><title>报告比较："
             f"{e(ra.agency or '')} {ra.year or ''} / {e(rb.agency or '')} {rb.year or ''}</title>"
             f"<style>{_CSS}</style></head><body><main>",
             "<h1>政府信息公开工作年度报告比较</h1>",
             f"<p><b>A</b> {e(c.a.heading)}<br><b>B</b> {e(c.b.heading)}</p>",
             f"<h2>统计表差异</h2><p>{e(c.summary())}</p>"]
    if c.cell_diffs:
        parts.append("<div class=wide><table><tr><th>单元格</th><th>A</th><th>B</th><th>B−A</th></tr>")
        for cell_id, va, vb in c.cell_diffs:
            parts.append(f"<tr><td title='{e(cell_id)}'>{e(cell_label(cell_id, rb.format or ra.format))}</td>"
                         f"<td class=n>{_cell(ra, cell_id, va)}</td><td class=n>{_cell(rb, cell_id, vb)}</td>"
                         f"<td class=n>{e(_delta(va, vb))}</td></tr>")
        parts.append("</table></div>")
        for side, report in (("A", ra), ("B", rb)):
            used = legend(report)
            if used:
                parts.append(f"<p class=legend>{side} 的标记：" + "；".join(
                    f"<sup>{e(m)}</sup> {e(words)}" for _, m, words in used) + "。</p>")
    parts.append(f"<h2>结转衔接</h2><p>{e(c.continuity_note)}</p>")
    if c.continuity:
        parts.append("<div class=wide><table><tr><th>列</th><th>上年“四、结转下年度继续办理”</th><th>本年“二、上年结转”</th>"
                     "<th>衔接</th></tr>")
        for col, fwd, over, ok in c.continuity:
            parts.append(f"<tr><td>{e(column_label('table3', '', col))}</td><td class=n>{e(_show(fwd))}</td>"
                         f"<td class=n>{e(_show(over))}</td>"
                         f"<td class={'ok' if ok else 'bad'}>{'一致' if ok else '不一致'}</td></tr>")
        parts.append("</table></div>")
    parts.append(f"<h2>章节文字</h2><p>黄色标出 B 中与 A 逐字相同、不少于 {MIN_PASSAGE} 个字的段落。</p>")
    for s in c.sections:
        if s.similarity is None:
            head = s.why_none
        else:
            head = f"相似度 {s.similarity:.0%}，B 中照搬 A 的比例 {s.copied_share:.0%}"
            if s.truncated:
                head += f"（章节过长，只比较前 {MAX_SECTION_CHARS} 字）"
        parts.append(f"<h3>{e(section_heading(s.no, s.title))}：{head}</h3><div class=pair>"
                     f"<div>{_mark(s.text_a, s.passages)}</div><div>{_mark(s.text_b, s.passages)}</div></div>")
    parts.append("</main></body></html>\n")
    return "".join(parts)
