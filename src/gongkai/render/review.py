"""A standalone HTML review page: the report's tables with the cells at fault highlighted,
every finding linked to its cells (all outlined when followed), inferred and OCR-read values
marked, with a legend.  No external resources: styles and the one script are inline.

Which cells a finding highlights: for a broken sum, the total it names (and the cell OCR most
likely misread, when the sums point at one) — not the whole row of operands; for a
non-standard label, the label itself (the row's or the column's heading), not the numbers;
for every other rule, its cells.
"""

from __future__ import annotations

import os
import re
from html import escape

from gongkai.check import arithmetic, shape
from gongkai.check.catalogue import data, must_correct, rules
from gongkai.format import FORMAT
from gongkai.format.names import column_label, edition, row_label, table_name, table_title
from gongkai.model import Finding, Report, split_cell_id
from gongkai.render.common import page_facts
from gongkai.render.marks import (
    CONTRADICTED,
    MARKS,
    PARTIAL,
    UNSOUND,
    cell_kind,
    inferred_from,
    legend,
    mark_html,
    meaning,
)

_RANK = {"error": 0, "warning": 1, "notice": 2}
_LABELS = ("LABEL-NONSTANDARD", "FORMAT-LAYOUT")  # about the printed labels, not the numbers

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}.page-facts{overflow-wrap:anywhere}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.2em .45em;font-size:.9em}
td.num{text-align:right;min-width:2.5em}th{background:#f2f2f2;font-weight:normal}
.sev-error{background:#f8c9c4}.sev-warning{background:#fbe6a8}.sev-notice{background:#d6e6f8}
tr>th:first-child{text-align:left}td:target,th:target,.lit{outline:3px solid #c00;outline-offset:-2px}li{margin:.35em 0}
td.flash,th.flash{background:#f8c9c4}
.rule{font-family:monospace}.tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em}
blockquote{margin:.3em 0 .3em 1em;padding-left:.6em;border-left:3px solid #bbb;color:#555;white-space:pre-wrap}
.summary span{margin-right:1.2em}.defects{display:block;color:#a40000;font-size:.85em}sup.mark{color:#6a1b9a;font-weight:bold;margin-left:.1em}
sup.fno{font-size:max(.7em,11px);margin-left:.15em}.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
td.inferred{text-decoration:underline dotted #6a1b9a}td.doubtful{outline:2px dashed #6a1b9a;outline-offset:-3px}
.ocr-banner{border:1px solid #6a1b9a;background:#f3e5f5;padding:.5em .8em}.legend{color:#444;font-size:.9em}
.wide{overflow-x:auto;max-width:100%;position:relative}.wide tr>:first-child{min-width:8em}
td{background:#fff}.wide table.stat tr>:first-child{position:sticky;left:0;box-shadow:inset -1px 0 #999}
.wide table.sums tr>:last-child{position:sticky;right:0;box-shadow:inset 1px 0 #999}
@media (max-width:640px){body{margin:.6em}
.wide tr>:first-child{min-width:7em}.wide table.stat th,.wide table.stat td{padding:.2em .3em}
.wide table.stat th,.wide table.stat td.num{min-width:2em}.wide table.long tr>th:first-child{min-width:7em}
table.index thead{display:none}
table.index,table.index tbody,table.index tr,table.index td{display:block;border:none;min-width:0}
table.index tr{border:1px solid #999;border-radius:4px;margin:.5em 0;padding:.3em .5em}
table.index td{display:inline-block;padding:.1em .7em .1em 0}table.index td.num{min-width:0}
table.index td:first-child,table.index td.file{display:block}table.index td.file{overflow-wrap:anywhere;color:#555}
table.index td[data-label]::before{content:attr(data-label) "：";color:#666;font-size:.85em}}
"""
# A phone lays the page out at its own width (without this, at 980 px, shrunk to unreadable);
# a table wider than the screen scrolls in its own box (.wide), the text does not — its row
# labels (``stat``) and its 总计 column (``sums``: tables 3 and 4) stay in view while it does.
# On a phone the report's tables fit the screen whole (7 number columns: narrower padding and
# number columns, their heads wrap), as the web's 检查页 lays them out (app.css); table 3
# scrolled 109 px in its box, its 总计 over three columns.  A city's five-digit figures do not fit
# at a legible size (table 3's labels were squeezed to four characters a line, table 4's to one,
# the number columns' 2em outranking the labels' 7em): such a table (``long``, ``_classes``)
# scrolls in its box, its labels kept 7em wide at the left and 总计 at the right.
# The index becomes one card per report on a phone (its file names are long: the table was wider
# than the screen).
_HEAD = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">' \
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
# A finding of several cells (a blank row, column or table is one CELL-BLANK finding naming every
# cell; a label finding over several columns) links to its first and names them all in
# data-cells: following it outlines every one, until another finding is followed, and flashes
# them as the web's 检查页 does (app.js flash(); the first scrolled to the window's middle).
# Inline: the page is one file, read offline; without scripts the link still leads to the first.
_SCRIPT = """<script>
document.addEventListener("click", function (e) {
  var link = e.target.closest && e.target.closest("#findings a[href^='#']");
  if (!link) return;
  document.querySelectorAll(".lit").forEach(function (el) { el.classList.remove("lit"); });
  var first = document.getElementById(link.getAttribute("href").slice(1));
  (link.dataset.cells || "").split(" ").forEach(function (id) {
    var el = id && document.getElementById(id);
    if (!el) return;
    el.classList.add("lit", "flash");
    setTimeout(function () { el.classList.remove("flash"); }, 2500);
  });
  /* after the link's own jump, which leaves its cell at the window's top edge */
  if (first) setTimeout(function () { first.scrollIntoView({block: "center"}); }, 0);
});
</script>"""


def at_fault(f: Finding) -> list[str]:
    """The cells a finding blames (see the module's docstring); labels as ``row:``/``col:`` keys."""
    if f.rule in arithmetic.RULE_IDS:
        return f.cells[:1]
    if f.rule in _LABELS and f.cells:
        parts = [split_cell_id(c) for c in f.cells]
        rows = {(t, r) for t, r, _ in parts}
        columns = list(dict.fromkeys(c for _, _, c in parts))
        if len(rows) == 1:
            table, row = rows.pop()
            # A column's header over the one row the report has (表二 本年废止件 when 规章 is missing)
            # is the column's, not the row's: the official label the finding names tells which.
            if len(columns) == 1 and any(f"格式规定的“{column_label(table, row, columns[0], v)}”" in f.message
                                         for v in ("2021", "2019")):
                return [f"col:{table}.{columns[0]}"]
            return [f"row:{table}.{row}"]
        return [f"col:{parts[0][0]}.{c}" for c in columns]
    return list(f.cells)


def cell_marks(findings: list[Finding]) -> dict[str, tuple[str, list[int]]]:
    """cell id (or ``row:``/``col:`` label key) -> (worst severity, finding numbers)."""
    marks: dict[str, tuple[str, list[int]]] = {}
    for n, f in enumerate(findings, 1):
        for cell in at_fault(f):
            sev, nums = marks.get(cell, (f.severity, []))
            if _RANK[f.severity] < _RANK[sev]:
                sev = f.severity
            marks[cell] = (sev, nums + [n])
        if f.rule == "OCR-SUSPECT":  # shown with the doubtful-OCR mark
            marks.update({f"ocr:{c}": (f.severity, [n]) for c in f.cells})
    return marks


def _title(nums: list[int]) -> str:
    return escape("、".join(f"问题{n}" for n in nums))


def _numbers(nums: list[int]) -> str:
    """The numbers of the findings that blame a cell or label, beside it: the colour is never the
    only thing that says so (in forced colours, in print, to a screen reader: “问题3”)."""
    return f'<sup class="fno"><span class="vh">问题</span>{"、".join(str(n) for n in nums)}</sup>'


def _th(text: str, key: str, marks: dict, scope: str = "row") -> str:
    """A row's (or, ``scope="col"``, a column's) label; blamed by a finding: coloured, titled and numbered."""
    if key in marks:
        sev, nums = marks[key]
        return (f'<th id="{escape(key.replace(":", "-"))}" class="sev-{sev}" title="{_title(nums)}" scope="{scope}">'
                f"{escape(text)}{_numbers(nums)}</th>")
    return f'<th scope="{scope}">{escape(text)}</th>'



def _td(report: Report, cell_id: str, marks: dict, sums: dict[str, list[tuple[str, str]]]) -> str:
    value = report.value(cell_id)
    info = report.cells.get(cell_id)
    if value is None:
        shown = "（缺）" if not report.has_cell(cell_id) else (info.raw.strip() if info and info.raw.strip() else "")
    else:
        shown = str(value)
    classes = ["num"]
    notes = []
    kind = cell_kind(report, cell_id, [cell_id] if f"ocr:{cell_id}" in marks else ())
    if kind:
        classes.append(kind)
    if kind == "ambiguous":  # no value: the row's printed digits are not this cell's
        shown = ""
        notes.append(_ambiguity_note(report, cell_id))
    elif kind == "inferred" and info is not None and info.basis:  # which of the format's sums fixed it
        notes.append(f"{meaning(MARKS[kind])}：{inferred_from(info)}")
    elif kind:
        notes.append(meaning(MARKS[kind])
                     + (f"（置信度 {info.confidence:.2f}）" if info and info.confidence is not None else ""))
    sup = mark_html(MARKS[kind]) if kind else ""
    if cell_id in marks:
        sev, nums = marks[cell_id]
        classes.append(f"sev-{sev}")
        notes.append("、".join(f"问题{n}" for n in nums))
        sup += _numbers(nums)
    for sum_kind, note in sums.get(cell_id, ()):  # a roll-up's sum: partial, adding a report that does not add up or that its text contradicts
        classes.append(sum_kind)
        notes.append(f"{meaning(SUM_MARKS[sum_kind])}：{note}")
        sup += mark_html(SUM_MARKS[sum_kind])
    attrs = f' id="cell-{escape(cell_id)}" class="{" ".join(classes)}"'
    if notes:
        attrs += f' title="{escape("；".join(notes))}"'
    return f"<td{attrs}>{escape(shown)}{sup}</td>"


def _ambiguity_note(report: Report, cell_id: str) -> str:
    from gongkai.extract.recover import ways_zh

    amb = next(a for a in report.ambiguous if cell_id in a.cells)
    ways = ways_zh(report.open_cuts(amb))
    return f"{meaning(MARKS['ambiguous'])}：原文印作“{amb.raw}”" + (f"，可能是 {ways}" if ways else "")


def _table2(report: Report, marks: dict, sums: dict[str, list[tuple[str, str]]]) -> str:
    version = shape.version(report)
    out = ['<table class="stat">']
    for group in FORMAT.table2[version]:
        out.append(f'<tr><th colspan="4" scope="colgroup">{escape(group.label)}</th></tr>')
        out.append('<tr><th scope="col">信息内容</th>' + "".join(_th(c.label, f"col:table2.{c.id}", marks, "col")
                                                     for c in group.columns) + "</tr>")
        for row in group.rows:
            key = f"{group.id}.{row.id}"
            out.append("<tr>" + _th(row.label, f"row:table2.{key}", marks)
                       + "".join(_td(report, f"table2.{key}.{c.id}", marks, sums) for c in group.columns) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _classes(report: Report, table: str) -> str:
    """Tables 3 and 4: ``sums`` (their 总计 column stays in view), and ``long`` when a figure has
    five digits or more — on a phone the table then cannot fit (see ``_STYLE``)."""
    long = any(isinstance(v := report.value(c), int) and abs(v) >= 10_000 for c in report.cells
               if c.startswith(table + "."))
    return "stat sums long" if long else "stat sums"


def _table3(report: Report, marks: dict, sums: dict[str, list[tuple[str, str]]]) -> str:
    version = shape.version(report)
    rows = shape.shown_rows(report)
    out = [f'<table class="{_classes(report, "table3")}"><tr><th scope="col">项目</th>'
           + "".join(_th(column_label("table3", "", c), f"col:table3.{c}", marks, "col") for c in FORMAT.table3_column_ids)
           + "</tr>"]
    for row in rows:
        out.append("<tr>" + _th(row_label("table3", row, version) + shape.row_note(report, row), f"row:table3.{row}", marks)
                   + "".join(_td(report, f"table3.{row}.{c}", marks, sums) for c in FORMAT.table3_column_ids) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _table4(report: Report, marks: dict, sums: dict[str, list[tuple[str, str]]]) -> str:
    out = [f'<table class="{_classes(report, "table4")}"><tr><th scope="col">项目</th>'
           + "".join(_th(c.label, f"col:table4.{c.id}", marks, "col") for c in FORMAT.table4_columns) + "</tr>"]
    for group in FORMAT.table4_groups:
        out.append("<tr>" + _th(row_label("table4", group.id), f"row:table4.{group.id}", marks)
                   + "".join(_td(report, f"table4.{group.id}.{c}", marks, sums) for c in FORMAT.table4_column_ids)
                   + "</tr>")
    out.append("</table>")
    return "".join(out)


_TABLES = {"table2": _table2, "table3": _table3, "table4": _table4}


SUM_MARKS = {"partial": PARTIAL, "unsound": UNSOUND, "contradicted": CONTRADICTED}


def table_html(report: Report, table: str, marks: dict, sums: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """One statistics table as an HTML ``<table>`` in the official row order, each value cell
    anchored (``id="cell-…"``), coloured by the worst finding that blames it (``marks`` from
    ``cell_marks``) and marked when inferred or read by OCR; a sum over several reports marks
    its cells in ``sums`` (cell id -> [(``SUM_MARKS`` kind, whose: ``CellSum.note``/``unsound_note``/``contradicted_note``)])."""
    return _TABLES[table](report, marks, sums or {})


def page_facts_html(report: Report) -> str:
    """The crawler-kept page's 发布时间, 发布机构, 文号 and 原文链接, beside the 落款日期 (not it)."""
    facts = page_facts(report.source)
    if not facts:
        return ""
    return '<p class="page-facts">' + "　".join(
        f"{label}：" + (f'<a href="{escape(text)}" rel="noreferrer">{escape(text)}</a>'
                       if label == "原文链接" and report.source.link else escape(text)) for label, text in facts) + "</p>"


def ocr_banner(report: Report) -> str:
    """The notice a page about an OCR-read report opens with ("" for a typed report)."""
    if not report.ocr_read:
        return ""
    return ('<p class="ocr-banner">本报告由 OCR 从扫描件识别：数字、标题和机关名称都可能有识别错误。'
            "可能由识别造成的问题已注明“可能是识别错误”，请对照原件核对。</p>")


def legend_html(report: Report, marks: dict | None = None) -> str:
    """The legend of the value marks the report's cells use, and of the findings' numbers beside
    the cells and labels they blame ("" when none)."""
    used = legend(report, [k[4:] for k in (marks or {}) if k.startswith("ocr:")])
    items = [f'<sup class="mark">{escape(m)}</sup> {escape(words)}' for _, m, words in used]
    if any(not k.startswith("ocr:") for k in (marks or {})):
        items.append('<sup class="fno">1</sup> 问题清单中的序号：该格或该行、列是这一问题所指（红底为错误，黄底为警告，蓝底为提示）')
    return '<p class="legend">标记：' + "；".join(items) + "。</p>" if items else ""


def render_review(report: Report, findings: list[Finding]) -> str:
    names = data()["severities"]
    marks = cell_marks(findings)
    title = report.title or report.source.name or "年度报告"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in names}
    parts = [
        _HEAD,
        f"<title>检查结果：{escape(title)}</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>检查结果：{escape(title)}</h1>",
        f"<p>机关：{escape(report.agency or '（未识别）')}　年度：{report.year or '（未识别）'}　"
        f"格式：{escape(edition(report.format))}　落款日期：{report.published or '（无）'}　"
        f"来源：{escape(report.source.name)}</p>",
        page_facts_html(report),
        ocr_banner(report),
        '<p class="summary">' + "".join(
            f'<span class="tag sev-{s}">{names[s]} {counts[s]} 项</span>' for s in names) + "</p>",
        "<h2>问题清单</h2>",
    ]
    tables = [(name, table_html(report, name, marks) if report.table(name) is not None else None) for name in _TABLES]
    anchors = {m for _, html in tables if html for m in _ANCHOR.findall(html)}
    if not findings:
        parts.append("<p>未发现问题。</p>")
    else:
        parts.append('<ol id="findings">')
        for n, f in enumerate(findings, 1):
            targets = _targets(f, anchors)
            head = (f'<span class="tag sev-{f.severity}">{names[f.severity]}</span> '
                    f'<span class="rule">{escape(f.rule)}</span>')
            if f.where:
                head += f"　{escape(f.where)}"
            body = escape(f.message)
            if targets:
                group = f' data-cells="{escape(" ".join(targets))}"' if len(targets) > 1 else ""
                body = f'<a href="#{escape(targets[0])}"{group}>{body}</a>'
            quote = f"<blockquote>{escape(f.quote)}</blockquote>" if f.quote else ""
            parts.append(f'<li id="finding-{n}">{head}<br>{body}{quote}</li>')
        parts.append("</ol>")
    for name, html in tables:
        parts.append(f"<h2>{table_name(name)}　{escape(table_title(name))}</h2>")
        parts.append(f'<div class="wide">{html}</div>' if html is not None else "<p>（报告中没有此表）</p>")
    parts.append(legend_html(report, marks))
    used = list(dict.fromkeys(f.rule for f in findings))
    if used:
        catalogue = rules()
        parts.append("<h2>规则说明</h2><dl>" + "".join(
            f'<dt class="rule">{escape(r)}（{names[catalogue[r].severity]}）</dt><dd>{escape(catalogue[r].about)}</dd>'
            for r in used) + "</dl>")
    if any(_targets(f, anchors) for f in findings):
        parts.append(_SCRIPT)
    parts.append("</main></body></html>")
    return "\n".join(p for p in parts if p)


_ANCHOR = re.compile(r'\bid="((?:cell|row|col)-[^"]+)"')


def _targets(f: Finding, anchors: set[str]) -> list[str]:
    """The anchors a finding links to: the labels or cells it blames (all of them: a blank row
    is one finding of its cells), else its first cell, as the page's tables print them (a row
    the report lacks is printed “（缺）” and is linked too: TABLE-INCOMPLETE went unlinked)."""
    keys = [k.replace(":", "-") if k.startswith(("row:", "col:")) else f"cell-{k}" for k in at_fault(f)]
    return [k for k in keys if escape(k) in anchors] or \
        [k for k in [f"cell-{c}" for c in f.cells] if escape(k) in anchors][:1]


def _must_correct(findings: list[Finding]) -> str:
    """What a report must correct, one item a rule of its errors (须改正：缺少格式规定的统计表):
    the index gave the count alone, and who must redo what only page by page."""
    errors = must_correct(f.rule for f in findings if f.severity == "error")
    if not errors:
        return ""
    items = "；".join(f'<span title="{escape(r)}">{escape(about)}</span>' for r, about in errors)
    return f'<small class="defects">须改正：{items}</small>'


def render_index(pages: list[tuple[str, str, Report, list[Finding]]], unread: list[str]) -> str:
    """The contents page of a directory of review pages: one row per report (link, body, year,
    counts by severity, OCR), worst first (ties in the order given: that of the files, as the web's
    检查 lists its uploads); the files that could not be read listed below."""
    names = data()["severities"]
    rows = []
    order = sorted(pages, key=lambda p: tuple(-sum(f.severity == s for f in p[3]) for s in names))
    ocr = any(report.ocr_read for _, _, report, _ in pages)  # the column only when a report was scanned
    for page, path, report, findings in order:
        counts = "".join(f'<td class="num{" sev-" + s if any(f.severity == s for f in findings) else ""}" '
                         f'data-label="{names[s]}">{sum(f.severity == s for f in findings)}</td>' for s in names)
        rows.append(f'<tr><td><a href="{escape(page)}">{escape(report.agency or "（未识别机关）")}</a>{_must_correct(findings)}</td>'
                    f'<td data-label="年度">{report.year or ""}</td>{counts}'
                    + (f"<td>{'OCR 识别' if report.ocr_read else ''}</td>" if ocr else "")
                    + f'<td class="file">{escape(os.path.basename(path))}</td></tr>')
    total = {s: sum(f.severity == s for p in pages for f in p[3]) for s in names}
    parts = [
        _HEAD,
        f"<title>检查结果目录（{len(pages)} 份报告）</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>检查结果目录（{len(pages)} 份报告）</h1>",
        '<p class="summary">' + "".join(f'<span class="tag sev-{s}">{names[s]} 共 {total[s]} 项</span>'
                                        for s in names) + "</p>",
        '<div class="wide"><table class="index"><thead><tr><th>机关（点击查看检查页面）</th><th>年度</th>'
        + "".join(f"<th>{names[s]}</th>" for s in names)
        + ("<th>识别方式</th>" if ocr else "") + "<th>文件</th></tr></thead><tbody>" + "".join(rows)
        + "</tbody></table></div>",
    ]
    if unread:
        parts.append(f"<h2>未能读取的文件（{len(unread)} 个）</h2><ul>"
                     + "".join(f"<li>{escape(u)}</li>" for u in unread) + "</ul>")
    parts.append("</main></body></html>")
    return "\n".join(parts)
