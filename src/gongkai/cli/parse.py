"""``gongkai parse FILE...``: report files to a readable summary, schema JSON, JSON Lines or
one CSV row per cell."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager, redirect_stdout
from typing import Any

from gongkai.cli import jobs
from gongkai.errors import GongkaiError
from gongkai.inputs import FORMS_ZH
from gongkai.records import record


def add_parser(sub) -> None:
    p = sub.add_parser("parse", help="读取报告，输出结构化数据（JSON / CSV）",
                       description=f"读取年度报告（{FORMS_ZH}），输出结构化数据。"
                                   "一个文件：在终端显示标题、机关和三张统计表（按全国统一格式的行列，中文标签）；"
                                   "加 --json 或 -o 时输出报告 JSON（单元格编号如 table3.granted.total，空白为 null）。"
                                   "多个文件或目录：输出 JSON Lines（每行一份报告），最后在标准错误输出一行汇总。"
                                   "--csv：每个单元格一行。")
    p.add_argument("paths", nargs="+", metavar="文件或目录")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="输出 JSON（多个文件或目录时为 JSON Lines）")
    out.add_argument("--csv", action="store_true",
                     help="每个单元格一行：file, cell, label（中文标签）, value, raw, where, inferred（推断为 1）, "
                          "basis（推断依据）, candidates（连写数字的可能取值）, confidence（OCR 置信度）")
    p.add_argument("-o", "--output", metavar="输出文件",
                   help="写入文件而不是标准输出（未加 --csv 时写 JSON / JSON Lines）")
    p.add_argument("--previous", metavar="上年报告",
                   help="同一机关上一年度的报告：连在一起印出、无法唯一拆开的数字，按上年的现行有效件数和结转数再拆")
    jobs.add_option(p)
    p.set_defaults(handler=run, settles=True)  # run() calls jobs.settle


@record
class _Run:
    """What every file of a run is read with (in a worker too)."""

    as_json: bool
    csv: bool
    lines: bool  # one report per line (several files, or a directory)
    previous: Any = None  # last year's report
    previous_name: str = ""


def run(args) -> int:
    from gongkai.inputs import expand
    from gongkai.load import load

    files = list(expand(args.paths))
    if not files:
        raise GongkaiError("没有找到可读取的报告文件。", " ".join(args.paths))
    workers = jobs.count(args.jobs)
    jobs.settle("gongkai.extract")
    previous = load(args.previous) if args.previous else None
    # Several files, or a directory (however many files it holds), give one report per line.
    lines = len(files) > 1 or any(os.path.isdir(p) for p in args.paths)
    context = _Run(bool(args.json or (args.output and not args.csv) or lines), args.csv, lines, previous,
                   args.previous or "")
    failures = incomplete = read = 0
    with _output(args.output):
        if args.csv:
            import csv

            from gongkai.render.cells import HEADER

            csv.writer(sys.stdout).writerow(HEADER)
        for n_read, n_incomplete, failed in jobs.each(files, _parse_file, context, workers, _crashed):
            read, incomplete, failures = read + n_read, incomplete + n_incomplete, failures + failed
    # One closing line: for several files the count of each outcome; for one file its own error
    # message above already says it was not read.
    if len(files) == 1 and incomplete:
        print(f"gongkai：{incomplete} 份报告不完整（可能被截断），已输出读到的部分。", file=sys.stderr)
    if len(files) > 1:
        print(f"gongkai：共 {len(files)} 个文件：已读取 {read} 份报告"
              + (f"（其中 {incomplete} 份不完整）" if incomplete else "")
              + f"，{failures} 个文件未能读取。" + (f"结果已写入 {args.output}。" if args.output else ""),
              file=sys.stderr)
    elif args.output and not failures:
        print(f"gongkai：结果已写入 {args.output}。", file=sys.stderr)
    return 1 if failures else (3 if incomplete else 0)


def _parse_file(run: _Run, path: str) -> tuple[int, int, int]:
    """Read one file and print its reports; (reports read, incomplete ones, 1 if unreadable).
    Only what the run's options need is imported (start-up)."""
    from gongkai.extract import is_truncated
    from gongkai.load import load_all

    try:
        reports = load_all(path)
    except GongkaiError as exc:
        print(f"gongkai：{exc}", file=sys.stderr)
        return 0, 0, 1
    out = sys.stdout
    several = run.lines or len(reports) > 1  # a JSON Lines file holds several reports
    incomplete = 0
    for report in reports:
        if run.previous is not None:
            from gongkai.cli.check import use_previous

            # last year's figures cut run-together digits (parse compares nothing: checking=False)
            use_previous(report, run.previous, run.previous_name, path, checking=False)
        incomplete += report.source.form != "yaml" and is_truncated(report)  # a source is not cut off
        for note in report.notes:
            print(f"gongkai：{path}：{note}", file=sys.stderr)
        if run.csv:
            import csv

            from gongkai.render.cells import cell_rows

            csv.writer(out).writerows(cell_rows(report, path))
        elif run.as_json or several:
            indent = None if several else 2
            out.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=indent, default=str) + "\n")
        else:
            _summary(report, path)
    out.flush()
    return len(reports), incomplete, 0


def _crashed(path: str) -> tuple[int, int, int]:
    print(f"gongkai：{path}：读取此文件时处理进程意外退出（文件可能已损坏），已跳过。", file=sys.stderr)
    return 0, 0, 1


@contextmanager
def _output(path: str | None):
    """Standard output, or the output file in its place (workers' output is written to it)."""
    if not path:
        yield
        return
    with _open(path) as out, redirect_stdout(out):
        yield


def _open(path: str):
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        from gongkai.files import os_reason

        raise GongkaiError(f"无法写入输出文件：{os_reason(exc)}", path) from None


def _summary(report, path: str) -> None:
    from gongkai.cli.terminal import console, print_report_head, print_tables

    out = console()
    print_report_head(out, report, path)
    from gongkai.render.common import section_heading

    out.print("章节：" + "；".join(section_heading(s.no, s.title) for s in report.sections))
    print_tables(out, report)
