"""Terminal output of the corpus commands: comparison, roll-up, statistics."""

from __future__ import annotations

import sys

from gongkai.corpus.compare import Comparison
from gongkai.corpus.compare import delta as _delta
from gongkai.corpus.compare import show_value as _show
from gongkai.corpus.rollup import Rollup
from gongkai.corpus.stats import METRICS, StatsTable, short_name


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


def print_rollup(r: Rollup) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(soft_wrap=True)  # plain lines unbroken when piped; tables still fit
    if not console.is_terminal:
        console.width = max(console.width, 160)
    console.print(f"合计 {len(r.names)} 份报告：" + "、".join(r.names[:20]) + ("……" if len(r.names) > 20 else ""))
    if len(set(r.formats)) > 1:
        console.print(f"[yellow]注意：报告使用了不同版本的格式（{'、'.join(sorted(set(r.formats)))}），表二只在同版本的格之间相加。[/yellow]")
    years = sorted({y for y in r.years if y is not None})
    if len(years) > 1:
        console.print(f"[yellow]注意：报告的年度不同（{'、'.join(map(str, years))}），合计跨越了年度。[/yellow]")
    for path, reason in r.unread:
        print(f"gongkai：{path}：{reason}（未计入合计）", file=sys.stderr)
    partial = [(c, s) for c, s in r.cells.items() if s.status != "complete"]
    t = Table(title="合计（表三、表四的总计列；完整数据见 --json）")
    for h in ("单元格", "合计", "计入份数", "空缺"):
        t.add_column(h)
    for cell_id, s in r.cells.items():
        if cell_id.endswith(".total") or s.status != "complete":
            gaps = len(s.blank) + len(s.missing)
            t.add_row(cell_id, _show(s.value), str(s.numbers), f"{gaps} 份空缺" if gaps else "")
    console.print(t)
    console.print(f"{len(r.cells) - len(partial)} 格所有报告都有数字；{len(partial)} 格有报告留空或缺行"
                  "（空格不按 0 计，只加有数字的报告）。")
    if r.against is not None:
        if not r.differences:
            console.print(f"[green]与 {r.against_name} 自己的报告逐格一致。[/green]")
        else:
            t = Table(title=f"与 {r.against_name} 自己的报告比较")
            for h in ("单元格", "各报告合计", "本级报告", "判断"):
                t.add_column(h)
            for c, a, b, st in r.differences:
                t.add_row(c, _show(a), _show(b), st)
            console.print(t)

def _fmt(value, fmt: str) -> str:
    return "" if value is None else fmt.format(value)


def print_stats(table: StatsTable) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console.width = max(console.width, 160)
    t = Table(title=f"按地区（{ {'province': '省', 'city': '市', 'county': '县'}[table.level] }级）和年度统计")
    t.add_column("地区")
    t.add_column("年度")
    for _, head, unit, _ in METRICS:
        t.add_column(f"{head}（{unit}）", justify="right", overflow="fold")
    for row in table.rows:
        t.add_row(short_name(row), str(row.year or ""), *[_fmt(row.values[k], f) for k, _, _, f in METRICS])
    console.print(t)
    console.print("比例只计入相关各格都有数字的报告；空格不按 0 计。")
    if table.rules:
        t = Table(title="检查发现（按规则）")
        t.add_column("规则")
        t.add_column("条数", justify="right")
        for rule, n in table.rules.items():
            t.add_row(rule, str(n))
        console.print(t)


