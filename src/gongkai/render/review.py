"""A standalone HTML review page: the report's tables with offending cells highlighted and
every finding linked to its cell.  No external resources: styles are inline."""

from __future__ import annotations

from html import escape

from gongkai.check import shape
from gongkai.check.catalogue import data, rules
from gongkai.format import FORMAT
from gongkai.format.names import column_label, row_label, table_name, table_title
from gongkai.model import Finding, Report

_RANK = {"error": 0, "warning": 1, "notice": 2}

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.2em .45em;font-size:.9em}
td.num{text-align:right;min-width:2.5em}th{background:#f2f2f2;font-weight:normal}
.sev-error{background:#f8c9c4}.sev-warning{background:#fbe6a8}.sev-notice{background:#d6e6f8}
tr>th:first-child{text-align:left}td:target{outline:3px solid #c00}li{margin:.35em 0}.rule{font-family:monospace}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em}
blockquote{margin:.3em 0 .3em 1em;padding-left:.6em;border-left:3px solid #bbb;color:#555;white-space:pre-wrap}
.summary span{margin-right:1.2em}
"""


def cell_marks(findings: list[Finding]) -> dict[str, tuple[str, list[int]]]:
    """cell id -> (worst severity, finding numbers)."""
    marks: dict[str, tuple[str, list[int]]] = {}
    for n, f in enumerate(findings, 1):
        for cell in f.cells:
            sev, nums = marks.get(cell, (f.severity, []))
            if _RANK[f.severity] < _RANK[sev]:
                sev = f.severity
            marks[cell] = (sev, nums + [n])
    return marks


def _td(report: Report, cell_id: str, marks: dict) -> str:
    value = report.value(cell_id)
    if value is None:
        info = report.cells.get(cell_id)
        shown = "（缺）" if not report.has_cell(cell_id) else (info.raw.strip() if info and info.raw.strip() else "")
    else:
        shown = str(value)
    attrs = f' id="cell-{escape(cell_id)}"'
    if cell_id in marks:
        sev, nums = marks[cell_id]
        attrs += f' class="num sev-{sev}" title="{escape("、".join(f"问题{n}" for n in nums))}"'
    else:
        attrs += ' class="num"'
    return f"<td{attrs}>{escape(shown)}</td>"


def _table2(report: Report, marks: dict) -> str:
    version = shape.version(report)
    out = ["<table>"]
    for group in FORMAT.table2[version]:
        out.append(f'<tr><th colspan="4">{escape(group.label)}</th></tr>')
        out.append("<tr><th>信息内容</th>" + "".join(f"<th>{escape(c.label)}</th>" for c in group.columns) + "</tr>")
        for row in group.rows:
            key = f"{group.id}.{row.id}"
            out.append(f"<tr><th>{escape(row.label)}</th>"
                       + "".join(_td(report, f"table2.{key}.{c.id}", marks) for c in group.columns) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _table3(report: Report, marks: dict) -> str:
    version = shape.version(report)
    rows = list(FORMAT.table3_layout(shape.table3_layout(report)))
    rows += [r for r in (report.table3 or {}) if r not in rows]
    out = ["<table><tr><th></th>"
           + "".join(f"<th>{escape(column_label('table3', '', c))}</th>" for c in FORMAT.table3_column_ids)
           + "</tr>"]
    for row in rows:
        out.append(f"<tr><th>{escape(row_label('table3', row, version))}</th>"
                   + "".join(_td(report, f"table3.{row}.{c}", marks) for c in FORMAT.table3_column_ids) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _table4(report: Report, marks: dict) -> str:
    out = ["<table><tr><th></th>"
           + "".join(f"<th>{escape(c.label)}</th>" for c in FORMAT.table4_columns) + "</tr>"]
    for group in FORMAT.table4_groups:
        label = f"{group.parent}—{group.label}" if group.parent else group.label
        out.append(f"<tr><th>{escape(label)}</th>"
                   + "".join(_td(report, f"table4.{group.id}.{c}", marks) for c in FORMAT.table4_column_ids)
                   + "</tr>")
    out.append("</table>")
    return "".join(out)


_TABLES = {"table2": _table2, "table3": _table3, "table4": _table4}


def table_html(report: Report, table: str, marks: dict) -> str:
    """One statistics table as an HTML ``<table>`` in the official row order, each value cell
    anchored (``id="cell-…"``) and coloured by the worst finding on it (``marks`` from ``cell_marks``)."""
    return _TABLES[table](report, marks)


def render_review(report: Report, findings: list[Finding]) -> str:
    names = data()["severities"]
    marks = cell_marks(findings)
    title = report.title or report.source.name or "年度报告"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in names}
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>检查结果：{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>检查结果：{escape(title)}</h1>",
        f"<p>机关：{escape(report.agency or '（未识别）')}　年度：{report.year or '（未识别）'}　"
        f"格式：{escape(report.format or '（未识别）')}　落款日期：{report.published or '（无）'}　"
        f"来源：{escape(report.source.name)}</p>",
        '<p class="summary">' + "".join(
            f'<span class="tag sev-{s}">{names[s]} {counts[s]} 项</span>' for s in names) + "</p>",
        "<h2>问题清单</h2>",
    ]
    if not findings:
        parts.append("<p>未发现问题。</p>")
    else:
        parts.append("<ol>")
        rendered = {f"table{n}" for n in (2, 3, 4) if report.table(f"table{n}") is not None}
        for n, f in enumerate(findings, 1):
            target = next((c for c in f.cells if c.split(".", 1)[0] in rendered and report.has_cell(c)), None)
            head = f'<span class="tag sev-{f.severity}">{names[f.severity]}</span> <span class="rule">{escape(f.rule)}</span>'
            if f.where:
                head += f"　{escape(f.where)}"
            body = escape(f.message)
            if target:
                body = f'<a href="#cell-{escape(target)}">{body}</a>'
            quote = f"<blockquote>{escape(f.quote)}</blockquote>" if f.quote else ""
            parts.append(f'<li id="finding-{n}">{head}<br>{body}{quote}</li>')
        parts.append("</ol>")
    for name in _TABLES:
        parts.append(f"<h2>{table_name(name)}　{escape(table_title(name))}</h2>")
        parts.append(table_html(report, name, marks) if report.table(name) is not None else "<p>（报告中没有此表）</p>")
    used = list(dict.fromkeys(f.rule for f in findings))
    if used:
        catalogue = rules()
        parts.append("<h2>规则说明</h2><dl>" + "".join(
            f'<dt class="rule">{escape(r)}（{names[catalogue[r].severity]}）</dt><dd>{escape(catalogue[r].about)}</dd>'
            for r in used) + "</dl>")
    parts.append("</body></html>")
    return "\n".join(parts)
