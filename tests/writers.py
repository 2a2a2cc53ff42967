"""Test-side writers: known report data -> text and HTML shaped like published reports, with the
damage real ones carry (shifted cells, spaced labels, page chrome, Word markup, GBK, ...).

These writers exist to test the readers; the product's official renderer lives in
``gongkai.render``.  Damage is chosen by the caller through ``Damage`` so that a property test
can say exactly what it did.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from decimal import Decimal

from gongkai.format import FORMAT
from gongkai.model import Report, Section

CN = "零一二三四五六七八九"


# -- random consistent reports ------------------------------------------------------------

def random_report(rng: random.Random, version: str, blanks: float = 0.0) -> Report:
    year = rng.choice([2019, 2020]) if version == "2019" else rng.randint(2021, 2025)
    r = Report(agency=rng.choice(["吴忠市利通区金积镇人民政府", "同心县人民政府", "淮安市洪泽区人民政府",
                                  "中卫市沙坡头区柔远镇人民政府", "某市某局"]),
               year=year, format=version)
    r.title = f"{r.agency}{year}年政府信息公开工作年度报告"
    r.preamble = f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    r.sections = [Section(s.no, s.title, f"第{CN[s.no]}部分的正文，共有{rng.randint(1, 99)}条信息。")
                  for s in FORMAT.sections]

    def value(big: int = 50):
        if blanks and rng.random() < blanks:
            return None
        return rng.choice([0, 0, 0, rng.randint(0, 9), rng.randint(0, big)])

    for group, row in FORMAT.table2_rows(version):
        for col in group.columns:
            if col.decimal:
                v = Decimal(f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}") if rng.random() < 0.5 else 0
            else:
                v = value(30000)
            r.set_value(f"table2.{group.id}.{row.id}.{col.id}", v)
    layout = FORMAT.table3_layout(version)
    outcome = [x for x in layout if x in FORMAT.table3_outcome_rows]
    cols = FORMAT.table3_column_ids[:-1]
    # Consistent by construction: outcomes and carried-forward first, then 一 = 三 + 四 − 二.
    sums = dict.fromkeys(cols, 0)
    for row in outcome + ["carried_forward"]:
        for c in cols:
            v = value(20)
            r.set_value(f"table3.{row}.{c}", v)
            sums[c] += v or 0
    done = {c: sum(r.value(f"table3.{row}.{c}") or 0 for row in outcome) for c in cols}
    for c in cols:
        carried = rng.randint(0, min(3, sums[c]))
        r.set_value(f"table3.carried_over.{c}", carried)
        r.set_value(f"table3.new_received.{c}", sums[c] - carried)
        r.set_value(f"table3.total.{c}", done[c])
    for row in layout:
        vals = [r.value(f"table3.{row}.{c}") for c in cols]
        r.set_value(f"table3.{row}.total", None if None in vals else sum(vals))
    for group in FORMAT.table4_groups:
        vals = [value(9) for _ in FORMAT.table4_columns[:-1]]
        for col, v in zip(FORMAT.table4_columns[:-1], vals):
            r.set_value(f"table4.{group.id}.{col.id}", v)
        r.set_value(f"table4.{group.id}.total", None if None in vals else sum(vals))
    return r


def fmt(v) -> str:
    return "" if v is None else str(v)


# -- table layouts as label rows ----------------------------------------------------------

def table2_lines(report: Report, version: str) -> list[list[str]]:
    lines = []
    for group in FORMAT.table2[version]:
        lines.append([group.label, "", "", ""])
        heads = [c.label for c in group.columns]
        lines.append(["信息内容", *heads, *[""] * (3 - len(heads))])
        for row in group.rows:
            vals = [fmt(report.value(f"table2.{group.id}.{row.id}.{c.id}")) for c in group.columns]
            lines.append([row.label, *vals, *[""] * (3 - len(vals))])
    return lines


def table3_label_cells(version: str) -> list[tuple[str, list[str]]]:
    """(row id, the label cells a text export prints before the numbers)."""
    out = []
    seen_groups = set()
    for row_id in FORMAT.table3_layout(version):
        spec = FORMAT.table3_rows[row_id]
        if row_id in ("new_received", "carried_over", "carried_forward"):
            out.append((row_id, [spec.label]))
            continue
        cells = [FORMAT.table3_outcome_group_label if row_id == "granted" else ""]
        if spec.group and spec.group != spec.label:
            cells.append(spec.group if spec.group not in seen_groups else "")
            seen_groups.add(spec.group)
            cells.append(spec.label)
        else:
            cells.append(spec.label)
        out.append((row_id, cells))
    return out


@dataclass
class Damage:
    """What a text export did to the tables."""

    shift: dict[str, int] = field(default_factory=dict)      # row id -> extra leading empty cells
    trailing: dict[str, int] = field(default_factory=dict)   # row id -> extra trailing empty cells
    spaced: bool = False          # labels spaced out: 结 果 维 持
    halfwidth: bool = False       # （一） -> (一)
    drop_groups: bool = False     # group label cells missing
    wrapped: set[str] = field(default_factory=set)  # row ids whose label wraps onto its own line first
    fused: set[str] = field(default_factory=set)    # row ids whose numbers run together
    split: set[str] = field(default_factory=set)    # row ids whose numbers continue on the next line
    no_heading4: bool = False     # section 四's heading lost: table 4 follows table 3 directly
    separator: str = "\t"
    zeros_blank: bool = False     # HTML: zero printed as an empty cell


def _label(text: str, d: Damage) -> str:
    if d.halfwidth:
        text = text.replace("（", "(").replace("）", ")")
    if d.spaced and len(text) <= 12:
        text = " ".join(text)
    return text


def to_text(report: Report, d: Damage) -> str:
    version = report.format
    sep = d.separator
    out = [f"# {report.title}", "", report.preamble, ""]

    def row_line(cells: list[str]) -> str:
        if sep == "|":
            return "| " + " | ".join(cells) + " |"
        return sep.join(cells)

    for section in report.sections:
        if not (d.no_heading4 and section.no == 4):
            out += [f"## {CN[section.no]}、{section.title}", ""]
        out += [section.text, ""]
        if section.no == 2:
            for cells in table2_lines(report, version):
                out.append(row_line([_label(cells[0], d), *cells[1:]]))
            out.append("")
        if section.no == 3:
            out.append(row_line([FORMAT.table3_note, "申请人情况", "", "", "", "", "", "总计"]))
            out.append(row_line(["", "自然人", "法人或其他组织", "", "", "", "", ""]))
            out.append(row_line(["", "", *[_label(c.label, d) for c in FORMAT.table3_columns[1:6]], ""]))
            for row_id, labels in table3_label_cells(version):
                if d.drop_groups:
                    labels = [x for x in labels if x][-1:]
                labels = [_label(x, d) for x in labels]
                vals = [fmt(report.value(f"table3.{row_id}.{c}")) for c in FORMAT.table3_column_ids]
                if row_id in d.fused:
                    vals = ["".join(vals)]
                if row_id in d.wrapped and labels[-1]:
                    full = labels[-1]
                    cut = max(2, len(full) // 2)
                    out.append(full[:cut])
                    labels = labels[:-1] + [full[cut:]]
                if row_id in d.split:
                    out.append(row_line(labels + vals[:3]))
                    out.append(row_line(vals[3:]))
                    continue
                cells = labels + [""] * d.shift.get(row_id, 0) + vals + [""] * d.trailing.get(row_id, 0)
                out.append(row_line(cells))
            out.append("")
        if (section.no == 4 and not d.no_heading4) or (section.no == 3 and d.no_heading4):
            out.append(row_line(["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9))
            out.append(row_line([_label(c.label, d) for c in FORMAT.table4_columns] + ["未经复议直接起诉"] + [""] * 4
                                + ["复议后起诉"] + [""] * 4))
            out.append(row_line([""] * 5 + [_label(c.label, d) for c in FORMAT.table4_columns] * 2))
            vals = [fmt(report.value(f"table4.{g}.{c}")) for g, c in FORMAT.table4_cell_order]
            if "table4" in d.fused:
                vals = ["".join(vals)]
            out.append(row_line(vals))
            out.append("")
    if report.published:
        out += [report.agency or "", f"{report.published.year}年{report.published.month}月{report.published.day}日"]
    return "\n".join(out) + "\n"


# -- HTML as a government CMS publishes it ------------------------------------------------

CHROME_TOP = """<div class="header"><div class="logo">{site}</div><ul class="nav"><li><a href="/">首页</a></li>
<li><a href="/xxgk">信息公开</a></li><li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk">政府信息公开</a> &gt; 年度报告</div>"""
CHROME_BOTTOM = """<div class="share">分享到：<a>微信</a><a>微博</a><button>打印本页</button><button>关闭窗口</button></div>
<div class="footer"><p>主办单位：{site}办公室 地址：某某路1号 电话：0000-1234567</p><p>网站标识码 6400000001 备案号 宁ICP备00000000号</p></div>"""


def _cell(text: str, d: Damage, tag: str = "td", **attrs) -> str:
    a = "".join(f' {k}="{v}"' for k, v in attrs.items() if v not in (None, 1))
    body = html.escape(text)
    if d.spaced:
        body = "&nbsp;".join(body) if len(text) <= 12 else body
    return f'<{tag}{a}><p class="MsoNormal" align="center"><span style="font-family:仿宋_GB2312;font-size:10.5pt">{body}</span></p></{tag}>'


def _num(v, d: Damage) -> str:
    text = "" if v is None or (d.zeros_blank and v == 0) else str(v)
    return f'<td align="right"><span lang="EN-US">{text}</span></td>'


def html_tables(report: Report, d: Damage) -> dict[str, str]:
    version = report.format
    t2 = ['<table border="1" cellspacing="0" class="MsoTableGrid">']
    for group in FORMAT.table2[version]:
        t2.append(f"<tr>{_cell(group.label, d, colspan=4)}</tr>")
        heads = "".join(_cell(c.label, d, colspan=(4 - len(group.columns)) if i == len(group.columns) - 1 else 1)
                        for i, c in enumerate(group.columns))
        t2.append(f"<tr>{_cell('信息内容', d)}{heads}</tr>")
        for row in group.rows:
            cells = []
            for i, c in enumerate(group.columns):
                v = report.value(f"table2.{group.id}.{row.id}.{c.id}")
                span = (4 - len(group.columns)) if i == len(group.columns) - 1 else 1
                text = "" if v is None or (d.zeros_blank and v == 0) else str(v)
                cells.append(f'<td align="right"{f" colspan={span}" if span > 1 else ""}>{text}</td>')
            t2.append(f"<tr>{_cell(row.label, d)}{''.join(cells)}</tr>")
    t2.append("</table>")

    layout = FORMAT.table3_layout(version)
    t3 = ['<table border="1" cellspacing="0" style="border-collapse:collapse">',
          f"<tr>{_cell(FORMAT.table3_note, d, rowspan=3, colspan=3)}{_cell('申请人情况', d, colspan=7)}</tr>",
          f"<tr>{_cell('自然人', d, rowspan=2)}{_cell('法人或其他组织', d, colspan=5)}{_cell('总计', d, rowspan=2)}</tr>",
          "<tr>" + "".join(_cell(c.label, d) for c in FORMAT.table3_columns[1:6]) + "</tr>"]
    outcome_span = sum(1 for r in layout if r not in ("new_received", "carried_over", "carried_forward"))
    group_sizes: dict[str, int] = {}
    for row_id in layout:
        g = FORMAT.table3_rows[row_id].group
        if g:
            group_sizes[g] = group_sizes.get(g, 0) + 1
    seen = set()
    for row_id in layout:
        spec = FORMAT.table3_rows[row_id]
        vals = "".join(_num(report.value(f"table3.{row_id}.{c}"), d) for c in FORMAT.table3_column_ids)
        if row_id in ("new_received", "carried_over", "carried_forward"):
            t3.append(f"<tr>{_cell(spec.label, d, colspan=3)}{vals}</tr>")
            continue
        cells = ""
        if row_id == "granted":
            cells += _cell(FORMAT.table3_outcome_group_label, d, rowspan=outcome_span)
        if spec.group and spec.group != spec.label:
            if spec.group not in seen:
                cells += _cell(spec.group, d, rowspan=group_sizes[spec.group])
            cells += _cell(spec.label, d)
        else:
            cells += _cell(spec.label, d, colspan=2)
        if spec.group:
            seen.add(spec.group)
        t3.append(f"<tr>{cells}{vals}</tr>")
    t3.append("</table>")

    heads = "".join(_cell(c.label, d, rowspan=2) for c in FORMAT.table4_columns)
    t4 = ['<table border="1">',
          f"<tr>{_cell('行政复议', d, colspan=5)}{_cell('行政诉讼', d, colspan=10)}</tr>",
          f"<tr>{heads}{_cell('未经复议直接起诉', d, colspan=5)}{_cell('复议后起诉', d, colspan=5)}</tr>",
          "<tr>" + "".join(_cell(c.label, d) for c in FORMAT.table4_columns) * 2 + "</tr>",
          "<tr>" + "".join(_num(report.value(f"table4.{g}.{c}"), d) for g, c in FORMAT.table4_cell_order) + "</tr>",
          "</table>"]
    return {"table2": "\n".join(t2), "table3": "\n".join(t3), "table4": "\n".join(t4)}


def to_html(report: Report, d: Damage, charset: str = "utf-8", meta: bool = True, site: str = "某某县人民政府") -> bytes:
    tables = html_tables(report, d)
    body = [f'<h1 class="title">{html.escape(report.title or "")}</h1>',
            '<div class="info">发布时间：2025-01-20 来源：政务公开办 浏览次数：123</div>',
            '<div class="TRS_Editor" id="zoom">',
            f'<p class="MsoNormal" style="text-indent:2em"><span>{html.escape(report.preamble)}</span></p>']
    for section in report.sections:
        body.append(f'<p class="MsoNormal"><b><span style="font-family:黑体">{CN[section.no]}、{html.escape(section.title)}'
                    f"</span></b></p>")
        body.append(f'<p class="MsoNormal" style="text-indent:2em"><span>{html.escape(section.text)}</span></p>')
        if section.no in (2, 3, 4):
            body.append(tables[f"table{section.no}"])
    if report.published:
        p = report.published
        body.append(f'<p align="right">{html.escape(report.agency or "")}</p><p align="right">{p.year}年{p.month}月{p.day}日</p>')
    body.append("</div>")
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if meta else ""
    page = (f"<!DOCTYPE html><html><head>{head}<title>{html.escape(report.title or '')}-{site}</title>"
            '<script>var _hmt = _hmt || [];</script><style>.nav li{display:inline}</style></head><body>'
            + CHROME_TOP.format(site=site) + '<div class="main"><div class="left-menu"><ul><li>政府信息公开指南</li>'
            "<li>政府信息公开制度</li><li>法定主动公开内容</li><li>政府信息公开年报</li></ul></div><div class=\"content\">"
            + "\n".join(body) + "</div></div>" + CHROME_BOTTOM.format(site=site) + "</body></html>")
    return page.encode(charset)


# -- text as a crawler keeps it: the body on one line, tables flattened ---------------------------

@dataclass
class Flat:
    """How a crawler flattened a report (chosen by the caller, for the property tests)."""

    pad: float = 0.0          # chance of a padding space between two cells (and around a row's digits)
    chrome: bool = False      # CMS page chrome before and after the body
    header: bool = True       # the crawler's 标题/发布时间/… lines and ==== 正文 ====
    lines: int = 1            # body lines: 1, or a few broken at section headings
    units: bool = False       # table 2 (2019) 采购: "个" after the count, "元" after the amount
    drop_group6: bool = False  # 第二十条第（六）项 heading and header left out (its rows follow （五）'s)
    title_in_body: bool = True


def _digits(values: list, rng: random.Random, flat: Flat, units: list[str] | None = None) -> str:
    """A row's numbers as a crawler prints them: run together, or with stray padding spaces."""
    out = " " if rng.random() < flat.pad else ""
    for i, v in enumerate(values):
        if i and rng.random() < flat.pad:
            out += " " * rng.choice([1, 1, 2])
        out += fmt(v) + (units[i] if units and v is not None else "")  # a blank cell prints nothing
    return out + (" " if rng.random() < flat.pad else "")


def to_crawler(report: Report, rng: random.Random, flat: Flat) -> tuple[str, dict[tuple[str, str], str]]:
    """The crawler text of ``report`` and, per (table, row), the digits printed for it."""
    version = report.format
    printed: dict[tuple[str, str], str] = {}
    parts: list[str] = []
    if flat.chrome:
        parts.append(f"当前位置： 首页政务公开政府信息公开年报 {report.title} 来源： 时间：2025-01-20 09:30 --> 微信 微博 "
                     "QQ空间 全真版 文字版 文件下载 相关链接： ")
    if flat.title_in_body:
        parts.append(report.title or "")
    parts.append(report.preamble)
    breaks: list[int] = []
    for section in report.sections:
        breaks.append(len(parts))
        parts.append(f"{CN[section.no]}、{section.title}")
        parts.append(section.text)
        if section.no == 2:
            for group in FORMAT.table2[version]:
                if not (flat.drop_group6 and group.id == "art20_6"):
                    parts.append(group.label + "信息内容" + "".join(c.label for c in group.columns))
                for row in group.rows:
                    values = [report.value(f"table2.{group.id}.{row.id}.{c.id}") for c in group.columns]
                    units = ["个", "元"] if flat.units and group.id == "art20_9" else None
                    run = _digits(values, rng, flat, units)
                    printed[("table2", f"{group.id}.{row.id}")] = run
                    parts.append(row.label + run)
        if section.no == 3:
            parts.append(FORMAT.table3_note + "申请人情况自然人法人或其他组织总计"
                         + "".join(c.label for c in FORMAT.table3_columns[1:6]))
            for row_id, labels in table3_label_cells(version):
                values = [report.value(f"table3.{row_id}.{c}") for c in FORMAT.table3_column_ids]
                run = _digits(values, rng, flat)
                printed[("table3", row_id)] = run
                parts.append("".join(labels) + run)
        if section.no == 4:
            parts.append("行政复议行政诉讼" + "".join(c.label for c in FORMAT.table4_columns) + "未经复议直接起诉复议后起诉"
                         + "".join(c.label for c in FORMAT.table4_columns) * 2)
            run = _digits([report.value(f"table4.{g}.{c}") for g, c in FORMAT.table4_cell_order], rng, flat)
            printed[("table4", "all")] = run
            parts.append(run)
    if report.published:
        p = report.published
        parts.append(f" {report.agency} {p.year}年{p.month}月{p.day}日")
    if flat.chrome:
        parts.append(" 附件下载")
    if flat.lines > 1:  # a few lines, broken before some section headings
        cut = set(rng.sample(breaks, min(flat.lines - 1, len(breaks))))
        body = "".join(("\n" if i in cut else "") + p for i, p in enumerate(parts))
    else:
        body = "".join(parts)
    head = ""
    if flat.header:
        head = (f"标题: {report.title}\n发布时间: 2025-01-20 09:30\n文号: \n发布机构: {report.agency}\n栏目: 政府信息公开年报\n"
                "原文链接: https://www.example.gov.cn/zwgk/nb/t20250120_1.htm\n本地目录: zwgk/nb/1\n"
                "页面链接与图片详见 links.tsv(同目录)\n==================== 正文 ====================\n")
    return head + body, printed
