"""Terminal output: the console every command prints through, and a report's statistics
tables as the national format prints them — Chinese labels in the format's row order, the
long ones in their short form, fitted to the terminal's width (80 columns when the output is
not a terminal and COLUMNS is not set), every inferred or OCR-read value marked, with a legend.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gongkai.format import FORMAT
from gongkai.format.names import column_label, edition, row_group, row_label, table_name, table_title
from gongkai.format.text import format_value
from gongkai.model import Report
from gongkai.render.marks import cell_kind, legend, mark


def console(stderr: bool = False) -> Console:
    """A console that wraps every line at the terminal's width (COLUMNS, else the terminal's,
    else 80): a piped or logged output is as narrow as a terminal's.  No automatic colouring of
    numbers and no emoji codes: what is printed is exactly the text."""
    return Console(stderr=stderr, soft_wrap=False, highlight=False, emoji=False)


def print_wrapped(out: Console, text: str, first: str = "", indent: str = "", style: str = "") -> None:
    """Plain text wrapped by terminal columns at any character (rich breaks only at spaces,
    which leaves ragged lines in Chinese), each line after the first indented."""
    from gongkai.cli.columns import wrap_cells

    for n, line in enumerate(wrap_cells(text, max(out.width - max(len(first), len(indent)), 20))):
        lead = first if n == 0 else indent
        out.print(lead + (f"[{style}]{escape(line)}[/]" if style else escape(line)))


def narrow_table(**kwargs) -> Table:
    """A table with light rules and no side borders: the most room for Chinese labels."""
    kwargs.setdefault("box", box.SIMPLE_HEAD)
    kwargs.setdefault("pad_edge", False)
    kwargs.setdefault("collapse_padding", True)
    kwargs.setdefault("show_edge", False)
    kwargs.setdefault("title_justify", "left")
    return Table(**kwargs)


def stack(label: str, per_line: int = 2) -> str:
    """A column header in lines of ``per_line`` characters (商业企业 -> 商业/企业), so that seven
    columns of numbers fit beside table 3's labels in 80 columns."""
    if len(label) <= per_line + 1:
        return label
    return "\n".join(label[i:i + per_line] for i in range(0, len(label), per_line))


def value_text(report: Report, cell_id: str, suspects: Iterable[str] = (),
               extra: dict[str, str] | None = None) -> str:
    """A cell as the terminal shows it: the number and its mark; a blank as the printed text
    (“/”, “—”) or empty; a cell the report lacks as “缺”.  ``extra`` adds a caller's own marks
    (the roll-up's partial sums)."""
    value = report.value(cell_id)
    sign = mark(report, cell_id, suspects) + (extra or {}).get(cell_id, "")
    if value is None:
        if not report.has_cell(cell_id):
            return "缺"
        info = report.cells.get(cell_id)
        if cell_kind(report, cell_id) == "ambiguous":  # the raw digits are the whole row's, not this cell's
            return sign
        return (info.raw.strip() if info and info.raw.strip() else "") + sign
    return format_value(value) + sign


def shown_title(report: Report, path: str) -> str:
    """The report's printed title; for a source file (no title of its own) the title it will be
    built with; the file's name only when neither body nor year is known."""
    if report.title:
        return report.title
    if report.agency and report.year:
        from gongkai.render.common import title

        return title(report)
    return path


def print_page_facts(out: Console, report: Report) -> None:
    """The page header's facts a crawler kept (发布时间, 原文链接 …), on a line of their own."""
    from gongkai.render.common import page_facts

    facts = [(label, text) for label, text in page_facts(report.source) if label != "原文链接"]
    if facts:
        out.print("  ".join(f"{label}：{escape(text)}" for label, text in facts))
    if report.source.url:  # one unbroken line, so the link can be copied whole
        out.print(f"原文链接：{escape(report.source.url)}", soft_wrap=True)


def print_report_head(out: Console, report: Report, path: str) -> None:
    out.print(f"[bold]{escape(shown_title(report, path))}[/bold]")
    out.print(f"机关：{escape(report.agency or '（未识别）')}  年度：{report.year or '（未识别）'}  "
              f"格式：{edition(report.format)}  落款日期：{report.published or '（无）'}")
    print_page_facts(out, report)
    if report.ocr_read:
        print_wrapped(out, "本报告由 OCR 从扫描件识别：数字、标题和机关名称都可能有识别错误，请对照原件核对。",
                      style="yellow")


def print_tables(out: Console, report: Report, suspects: Iterable[str] = (),
                 extra: dict[str, str] | None = None, missing: str = "报告中没有此表") -> None:
    """Tables 2, 3 and 4 (a missing table said so), then the legend of the marks used."""
    suspects = set(suspects)
    for name in _TABLES:
        if report.table(name) is None:
            out.print(f"{table_name(name)} {table_title(name)}：[red]{missing}[/red]")
            continue
        for table in _TABLES[name](report, suspects, extra or {}):
            out.print(table)
            out.print()
    print_legend(out, report, suspects)


def print_legend(out: Console, report: Report, suspects: Iterable[str] = (), prefix: str = "") -> None:
    """The marks the report's cells use, in words (``prefix`` first: "A 的"), wrapped to the terminal."""
    used = legend(report, suspects)
    if used:
        print_wrapped(out, prefix + "标记：" + "；".join(f"{m} {words}" for _, m, words in used) + "。")


def _version(report: Report) -> str:
    return report.format if report.format in FORMAT.table2 else "2021"


def _table2(report: Report, suspects: set[str], extra: dict[str, str]) -> list[Table]:
    version = _version(report)
    have = report.table2 or {}
    out = []
    for n, group in enumerate(FORMAT.table2[version]):
        t = narrow_table(title=(f"{table_name('table2')} {table_title('table2')}\n" if n == 0 else "") + group.label)
        t.add_column("信息内容", ratio=None)
        for col in group.columns:
            t.add_column(column_label("table2", group.id, col.id, version, short=True), justify="right")
        for row in group.rows:
            key = f"{group.id}.{row.id}"
            t.add_row(row.label, *[value_text(report, f"table2.{key}.{c.id}", suspects, extra) for c in group.columns])
        out.append(t)
    # Rows of the other version's layout (a 2019 table in a 2021 report) are not dropped.
    known = {f"{g.id}.{r.id}" for g, r in FORMAT.table2_rows(version)}
    others = [r for r in have if r not in known]
    if others:
        t = narrow_table(title="表二中格式以外的行")
        t.add_column("行")
        t.add_column("数值")
        for other in others:
            t.add_row(row_label("table2", other), "，".join(
                f"{column_label('table2', other, c)} {value_text(report, f'table2.{other}.{c}', suspects, extra)}"
                for c in have[other]))
        out.append(t)
    return out


def _table3(report: Report, suspects: set[str], extra: dict[str, str]) -> list[Table]:
    from gongkai.check import shape

    layout = shape.shown_rows(report)
    t = narrow_table(title=f"{table_name('table3')} {table_title('table3')}"
                           f"（商业企业至其他为法人或其他组织）")
    t.add_column("申请情况与办理结果", overflow="fold")
    for c in FORMAT.table3_column_ids:
        t.add_column(stack(column_label("table3", "", c)), justify="right", no_wrap=True)
    heading = None
    for row in layout:
        if row in FORMAT.table3_outcome_rows or row == "total":
            if heading is None:
                heading = FORMAT.table3_outcome_group_label
                t.add_row(heading)
        group = row_group("table3", row, short=True)
        if group and group != heading:
            heading = group
            t.add_row("  " + group)
        indent = "    " if group else ("  " if heading and row != "carried_forward" else "")
        t.add_row(indent + row_label("table3", row, short=True, grouped=False) + shape.row_note(report, row),
                  *[value_text(report, f"table3.{row}.{c}", suspects, extra) for c in FORMAT.table3_column_ids])
    return [t]


def _table4(report: Report, suspects: set[str], extra: dict[str, str]) -> list[Table]:
    t = narrow_table(title=f"{table_name('table4')} {table_title('table4')}")
    t.add_column("", overflow="fold")
    for c in FORMAT.table4_columns:
        t.add_column(c.label, justify="right")
    for group in FORMAT.table4_groups:
        t.add_row(row_label("table4", group.id),
                  *[value_text(report, f"table4.{group.id}.{c}", suspects, extra) for c in FORMAT.table4_column_ids])
    return [t]


_TABLES = {"table2": _table2, "table3": _table3, "table4": _table4}
