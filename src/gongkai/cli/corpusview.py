"""Terminal output of the corpus commands: comparison, roll-up, statistics — Chinese labels
in the format's order, fitted to the terminal's width (see ``cli.terminal``)."""

from __future__ import annotations

import sys

from rich.markup import escape

from gongkai.cli.terminal import console, narrow_table, print_tables, print_wrapped
from gongkai.comparison import Comparison
from gongkai.comparison import delta as _delta
from gongkai.comparison import show_value as _show
from gongkai.corpus.rollup import Rollup
from gongkai.corpus.stats import LEVELS, METRICS, NO_BASE, NO_REPORT, StatsTable, missing_years, short_name
from gongkai.format.names import cell_short, column_label
from gongkai.render.common import section_heading
from gongkai.render.marks import CONTRADICTED, MARKS, UNSOUND, UNSOUND_WHERE, mark
from gongkai.render.marks import PARTIAL as _PARTIAL

MAX_DIFFS = 200


def _side(report, cell_id: str, value) -> str:
    if value is None and report.has_cell(cell_id) and mark(report, cell_id) == MARKS["ambiguous"][0]:
        return MARKS["ambiguous"][0]  # digits run together, not cut one way: not a blank
    return _show(value) + (mark(report, cell_id) if value is not None and report.has_cell(cell_id) else "")


def print_comparison(c: Comparison) -> None:
    from gongkai.cli.terminal import print_legend

    out = console()
    ra, rb = c.a.report, c.b.report
    out.print(f"[bold]A[/bold] {escape(c.a.heading)}")
    out.print(f"[bold]B[/bold] {escape(c.b.heading)}")
    print_wrapped(out, f"统计表：{c.summary()}")  # by columns: rich breaks at spaces, "171 " then "格…"
    if c.cell_diffs:
        t = narrow_table(title="统计表差异（按格式顺序）")
        t.add_column("单元格", overflow="fold")
        for h in ("A", "B", "B−A"):
            t.add_column(h, justify="right", no_wrap=True)
        version = rb.format or ra.format
        for cell_id, va, vb in c.cell_diffs[:MAX_DIFFS]:
            t.add_row(cell_short(cell_id, version), _side(ra, cell_id, va), _side(rb, cell_id, vb), _delta(va, vb))
        out.print(t)
        if len(c.cell_diffs) > MAX_DIFFS:
            out.print(f"……另有 {len(c.cell_diffs) - MAX_DIFFS} 格差异未列出（见 --html）。")
        for side, report in (("A", ra), ("B", rb)):
            if any(mark(report, cell) for cell in report.cells):
                print_legend(out, report, prefix=f"{side} 的")
    out.print("结转衔接：" + c.continuity_note)
    if c.continuity:
        t = narrow_table()
        for h in ("申请人", "上年“四、结转下年度继续办理”", "本年“二、上年结转”", "衔接"):
            t.add_column(h, justify="left" if h in ("申请人", "衔接") else "right")
        for col, fwd, over, ok in c.continuity:
            t.add_row(column_label("table3", "", col), _show(fwd), _show(over), "一致" if ok else "[red]不一致[/red]")
        out.print(t)
    t = narrow_table(title="章节文字相似度")
    t.add_column("章节", overflow="fold")
    for h in ("相似度", "B 照搬 A\n的比例", "照搬\n段落数"):
        t.add_column(h, justify="right")
    for s in c.sections:
        if s.similarity is None:
            t.add_row(escape(section_heading(s.no, s.title)), s.why_none, "", "")
        else:
            t.add_row(escape(section_heading(s.no, s.title)), f"{s.similarity:.0%}", f"{s.copied_share:.0%}", str(len(s.passages)))
    out.print(t)


PARTIAL = _PARTIAL[0]  # the one mark of a partial sum (the web shows it too)


def print_rollup(r: Rollup) -> None:
    from gongkai.model import Report

    out = console()
    out.print(f"合计 {len(r.names)} 份报告：")
    out.print(escape("、".join(r.names[:20])) + ("……" if len(r.names) > 20 else ""))
    if len(set(r.formats)) > 1:
        out.print(f"[yellow]注意：报告使用了不同版本的格式（{'、'.join(sorted(set(r.formats)))}），"
                  "表二只在同版本的格之间相加。[/yellow]")
    years = sorted({y for y in r.years if y is not None})
    if len(years) > 1:
        out.print(f"[yellow]注意：报告的年度不同（{'、'.join(map(str, years))}），合计跨越了年度。[/yellow]")
    for path, reason in r.unread:
        print(f"gongkai：{path}：{reason}（未计入合计）", file=sys.stderr)
    # The sums laid out as the format prints a report, a partial sum marked.
    total = Report(agency="合计", format=r.common_format())
    partial, marks = [], {}
    for cell_id, s in r.cells.items():
        total.set_value(cell_id, s.value)
        sign = (PARTIAL if s.status == "partial" else "") + (UNSOUND[0] if s.unsound else "") \
            + (CONTRADICTED[0] if s.contradicted else "")
        if sign:
            marks[cell_id] = sign
        if s.status == "partial":
            partial.append(cell_id)
    print_tables(out, total, extra=marks, missing="各报告都没有此表")
    print_wrapped(out, f"{len(r.cells) - len(partial)} 格所有报告都有数字；{len(partial)} 格有报告留空、缺行或数字连写无法确定，"
                  f"标 {PARTIAL}（空格不按 0 计，只加有数字的报告；哪些报告空缺见 --json）。")
    print_unsound(out, r)
    print_contradicted(out, r)
    if r.against is not None:
        if not r.differences:
            out.print(f"[green]与 {escape(r.against_name or '')} 自己的报告逐格一致。[/green]")
        else:
            t = narrow_table(title=f"与 {escape(r.against_name or '')} 自己的报告比较")
            t.add_column("单元格", overflow="fold")
            t.add_column("各报告\n合计", justify="right")
            t.add_column("本级\n报告", justify="right")
            t.add_column("判断", overflow="fold")
            for c, a, b, st in r.differences:
                t.add_row(cell_short(c, total.format), _show(a), _show(b), st)
            out.print(t)


def print_unsound(out, r: Rollup) -> None:
    """The summed reports' own sums that do not hold: which report, which row or column (the
    sums are not corrected; a sum over a failing cell is marked)."""
    if not r.unsound:
        return
    bodies = len(dict.fromkeys(u.report for u in r.unsound))
    # By columns, as gongkai stats's lists: rich broke the lines at spaces ("总计为 " / "0，而…").
    _print_list(out, f"注意：{bodies} 份相加的报告自身的合计不成立（{len(r.unsound)} 处），其数字按原样计入合计、未作更正；"
                f"用到这些数字的合计标 {UNSOUND[0]}（{UNSOUND_WHERE}）：", [f"{u}。" for u in r.unsound], "red")


def print_contradicted(out, r: Rollup) -> None:
    """The summed reports whose own text states another figure than their table: which report, what
    the text and the table say (the table's number is added as printed; a sum over it is marked)."""
    if not r.contradicted:
        return
    bodies = len(dict.fromkeys(c.report for c in r.contradicted))
    _print_list(out, f"注意：{bodies} 份相加的报告正文所述与表中数字不一致（{len(r.contradicted)} 处），表中数字按原样计入合计、"
                f"未作更正；用到这些数字的合计标 {CONTRADICTED[0]}：", [f"{c}。" for c in r.contradicted], "red")


def _fmt(value, fmt: str) -> str:
    return "" if value is None else value if isinstance(value, str) else fmt.format(value)


# Short column heads of the statistics table (the full heads are printed under it).
_HEADS = {"reports": "报告\n份数", "received": "新收\n申请", "granted_share": "公开\n占比%",
          "not_held_share": "不掌握\n占比%", "reviews_per_100": "复议\n每百件", "lawsuits_per_100": "诉讼\n每百件",
          "correction_rate": "纠错\n率%", "findings": "检查\n发现"}


def _print_list(out, head: str, items: list[str], style: str = "") -> None:
    """``head``, then one report a line (wrapped by columns when wider than the terminal, its
    further lines indented), written as plain text: a whole corpus's 28,492 covered reports as
    one paragraph took rich 10 s to wrap."""
    from gongkai.cli.columns import columns_of, wrap_cells

    print_wrapped(out, head, style=style)
    width = max(out.width - 4, 20)
    lines = []
    for item in items:
        first, *rest = [item] if columns_of(item) <= width + 2 else wrap_cells(item, width)
        lines += [f"  {first}\n", *(f"    {line}\n" for line in rest)]
    out.file.write("".join(lines))


def print_stats(table: StatsTable) -> None:
    from gongkai.check import rules as catalogue

    out = console()
    t = narrow_table(title=f"按{LEVELS[table.level]}和年度统计")
    t.add_column("机关" if table.level == "body" else "地区", overflow="fold", min_width=8)
    t.add_column("年度", no_wrap=True)
    for key, _, _, _ in METRICS:
        t.add_column(_HEADS[key], justify="right", no_wrap=True)
    for row in table.rows:
        t.add_row(escape(short_name(row)), str(row.year or ""),
                  *[_fmt(row.figure(k), f) + (PARTIAL if row.partial(k) else "")
                    + (CONTRADICTED[0] if k in row.contradicted_in and row.figure(k) is not None else "")
                    for k, _, _, f in METRICS])
    out.print(t)
    # The notes by columns: rich wraps only at spaces, which split "分母为 " from "0（…".
    print_wrapped(out, "各列：" + "；".join(f"{_HEADS[k].replace(chr(10), '')}＝{head}（{unit}）"
                                          for k, head, unit, _ in METRICS) + "。")
    print_wrapped(out, f"比例只计入相关各格都有数字的报告；空格不按 0 计；{NO_BASE}：分母为 0（没有申请，或复议、诉讼都是 0 件），"
                  f"比例无从计算。标 {PARTIAL} 的数字只依据该地区的部分报告（--csv 的 *_reports 列是所依据的份数）。")
    if gaps := missing_years(table):
        print_wrapped(out, f"语料库中没有报告的年度（图表中标“{NO_REPORT}”，不当作 0）："
                      + "；".join(f"{short_name(row)} {'、'.join(map(str, years))}" for row, years in gaps) + "。")
    if table.duplicates:
        _print_list(out, "未计入（同一机关同一年度的另一份报告）：", table.duplicates)
    if table.covered:
        _print_list(out, "计入份数和检查发现、未加入数字（人民政府的报告是全地区的数字）：", table.covered)
    if unsound := [u for row in table.rows for u in row.unsound]:
        _print_list(out, "注意：加入数字的报告中有报告自身的合计不成立，其数字按原样计入、未作更正：", unsound, "red")
    if contradicted := [c for row in table.rows for c in row.contradicted]:
        _print_list(out, f"注意：加入数字的报告中有报告正文所述与表中数字不一致，表中数字按原样计入、未作更正；"
                    f"用到这些数字的统计数字标 {CONTRADICTED[0]}：", [f"{c}。" for c in contradicted], "red")
    if table.rules:
        about = catalogue()
        t = narrow_table(title="检查发现（按规则）")
        t.add_column("规则", no_wrap=True)
        t.add_column("说明", overflow="fold")
        t.add_column("条数", justify="right")
        for rule, n in table.rules.items():
            t.add_row(rule, escape(about[rule].about) if rule in about else "", str(n))
        out.print(t)
