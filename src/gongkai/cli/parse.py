"""``gongkai parse FILE...``: report files to schema JSON, JSON Lines or one CSV row per cell."""

from __future__ import annotations

import csv
import json
import sys

from gongkai.errors import GongkaiError
from gongkai.load import FORMS_ZH


def add_parser(sub) -> None:
    p = sub.add_parser("parse", help="读取报告，输出结构化数据（JSON / CSV）",
                       description=f"读取年度报告（{FORMS_ZH}），输出 schema.md 所述的 JSON。"
                                   "多个文件或目录输出 JSON Lines（每行一份报告）。")
    p.add_argument("paths", nargs="+", metavar="文件或目录")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="输出 JSON（多个文件时为 JSON Lines）")
    out.add_argument("--csv", action="store_true", help="每个单元格一行：file, cell, value, raw, where, inferred")
    p.add_argument("-o", "--output", metavar="输出文件", help="写入文件而不是标准输出")
    p.set_defaults(handler=run)


def run(args) -> int:
    from gongkai.extract import is_truncated
    from gongkai.inputs import expand
    from gongkai.load import load_all

    files = list(expand(args.paths))
    if not files:
        raise GongkaiError("没有找到可读取的报告文件。", " ".join(args.paths))
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    failures = 0
    incomplete = 0
    writer = None
    if args.csv:
        writer = csv.writer(out)
        writer.writerow(["file", "cell", "value", "raw", "where", "inferred"])
    try:
        for path in files:
            try:
                reports = load_all(path)
            except GongkaiError as exc:
                failures += 1
                print(f"gongkai：{exc}", file=sys.stderr)
                continue
            several = len(files) > 1 or len(reports) > 1
            for report in reports:
                incomplete += report.source.form != "yaml" and is_truncated(report)  # a source is not cut off
                for note in report.notes:
                    print(f"gongkai：{path}：{note}", file=sys.stderr)
                if writer is not None:
                    for cell_id, value in report.iter_cells():
                        info = report.cells.get(cell_id)
                        writer.writerow([path, cell_id, "" if value is None else value, info.raw if info else "",
                                         str(info.where) if info and info.where else "",
                                         "1" if info and info.inferred else ""])
                elif args.json or several:
                    indent = None if several else 2
                    out.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=indent, default=str) + "\n")
                else:
                    _summary(report, path)
            out.flush()
    finally:
        if args.output:
            out.close()
    if failures:
        print(f"gongkai：{failures} 个文件未能读取（共 {len(files)} 个）。", file=sys.stderr)
    if incomplete:
        print(f"gongkai：{incomplete} 份报告不完整（可能被截断），已输出读到的部分。", file=sys.stderr)
    return 1 if failures else (3 if incomplete else 0)


def _summary(report, path: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{report.title or path}[/bold]")
    console.print(f"机关：{report.agency or '（未识别）'}  年度：{report.year or '（未识别）'}  "
                  f"格式：{report.format or '（未识别）'}  落款日期：{report.published or '（无）'}")
    console.print("章节：" + "、".join(f"{s.no}.{s.title}" for s in report.sections))
    for name, zh in (("table2", "表二"), ("table3", "表三"), ("table4", "表四")):
        t = report.table(name)
        if t is None:
            console.print(f"{zh}：[red]缺失[/red]")
            continue
        table = Table(title=zh, show_lines=False)
        columns: list[str] = []
        for cols in t.values():
            columns += [c for c in cols if c not in columns]
        table.add_column("行")
        for c in columns:
            table.add_column(c, justify="right")
        for row, cols in t.items():
            table.add_row(row, *["" if cols.get(c) is None else str(cols.get(c)) for c in columns])
        console.print(table)
