"""``gongkai check FILE... [--previous FILE] [--json] [--html OUT]``: review reports.

Exit status: 0 no error-level finding, 1 at least one error-level finding (or one input
could not be read at all).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from typing import Any

from gongkai.cli import jobs
from gongkai.errors import GongkaiError
from gongkai.inputs import FORMS_ZH
from gongkai.records import field, record


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="检查报告：勾稽关系、缺项、格式、正文与表格是否一致",
                       description=f"按全国统一格式检查年度报告（{FORMS_ZH}），"
                                   "逐条列出问题、级别和位置。有“错误”级问题或有文件无法读取时退出码为 1。")
    p.add_argument("paths", nargs="+", metavar="文件或目录")
    p.add_argument("--previous", metavar="上年报告", help="上一年度的报告，用于结转、现行有效件数、正文所说的上年情况和上年所列问题的核对，以及雷同检查")
    p.add_argument("--register", action="store_true",
                   help="表三取自依申请公开台账时：把正文“均在法定期限内答复”等说法与台账核对")
    p.add_argument("--db", metavar="URL", help="与 --register 一起用：台账数据库（默认为本机的台账）")
    p.add_argument("--json", action="store_true", help="输出附带检查结果的报告 JSON（多个文件时为 JSON Lines）")
    p.add_argument("--html", metavar="输出", help="写出独立的 HTML 检查页面；多个文件时为目录，每份报告一页")
    jobs.add_option(p)
    p.set_defaults(handler=run, settles=True)  # run() calls jobs.settle


@record
class _Run:
    """What every file of a run is checked with (in a worker too)."""

    previous: Any
    previous_name: str
    register: bool
    db: str | None
    json: bool
    html: str | None
    one_file: bool
    page_names: dict[str, str]  # input file -> its review page's name (without .html), unique in the folder


@record
class _Done:
    """One file checked: what the run's summary and the HTML index need of it."""

    failures: int = 0
    errors: int = 0
    unread: list[str] = field(default_factory=list)  # "file：why it could not be read"
    pages: list = field(default_factory=list)  # (path, report, findings) when an index is written
    html_dir: str | None = None
    reports: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # severity -> findings


def run(args) -> int:
    from gongkai.inputs import expand
    from gongkai.load import load_all

    if args.db and not args.register:
        raise GongkaiError("--db 只能与 --register 一起使用。")
    files = list(expand(args.paths))
    if not files:
        raise GongkaiError("没有找到可读取的报告文件。", " ".join(args.paths))
    workers = jobs.count(args.jobs)
    jobs.settle("gongkai.extract", "gongkai.check")
    previous = None
    if args.previous:
        previous_reports = load_all(args.previous)
        if len(previous_reports) != 1:
            raise GongkaiError(f"上年报告应为一份报告，此文件含 {len(previous_reports)} 份。", args.previous)
        previous = previous_reports[0]
    if args.html and len(files) > 1:
        _html_dir(args.html)
    context = _Run(previous, args.previous or "", args.register, args.db, args.json, args.html, len(files) == 1,
                   _page_names(files))
    failures = errors = reports = 0
    counts: Counter[str] = Counter()
    pages: list = []
    unread: list[str] = []
    html_dir = None
    for done in jobs.each(files, _check_file, context, workers, _crashed):
        failures += done.failures
        errors += done.errors
        unread += done.unread
        pages += done.pages
        html_dir = html_dir or done.html_dir
        reports += done.reports
        counts.update(done.counts)
    if reports > 1 and not args.json:
        _print_batch(reports, errors, counts)
    if html_dir:
        index = os.path.join(html_dir, "index.html")
        _write(index, _index_html(context, pages, unread))
        print(f"gongkai：已写出 {len(pages)} 个检查页面和目录页 {index}。", file=sys.stderr)
    if failures:
        print(f"gongkai：{failures} 个文件未能读取（共 {len(files)} 个）。", file=sys.stderr)
    return 1 if failures or errors else 0


def _check_file(run: _Run, path: str) -> _Done:
    """Read and check one file, print its reviews (or JSON) and write its HTML pages."""
    from gongkai.check import check_report, has_errors
    from gongkai.cli.build import register_for
    from gongkai.load import load_all

    try:
        reports = load_all(path)
    except GongkaiError as exc:
        print(f"gongkai：{exc}", file=sys.stderr)
        return _Done(failures=1, unread=[str(exc)])  # the index says why, as the terminal does
    single = run.one_file and len(reports) == 1
    html_dir = run.html if run.html and not single else None
    if html_dir and run.one_file:
        _html_dir(html_dir)  # one file of several reports: a directory of pages
    done = _Done(html_dir=html_dir)
    for n, report in enumerate(reports, 1):
        name = path if len(reports) == 1 else f"{path}#{n}"
        if run.previous is not None:
            use_previous(report, run.previous, run.previous_name, name)
        findings = check_report(report, run.previous, register=register_for(report, run))
        done.errors += has_errors(findings)
        done.reports += 1
        for f in findings:
            done.counts[f.severity] = done.counts.get(f.severity, 0) + 1
        if run.json:
            report.findings = findings
            indent = 2 if single else None
            sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=indent, default=str) + "\n")
        else:
            _print_review(report, findings, name)
        if run.html:
            _write_html(report, findings, name, os.path.join(html_dir, _page_name(run, name)) if html_dir else run.html)
        if html_dir:
            done.pages.append((name, report, findings))
    return done


def _crashed(path: str) -> _Done:
    print(f"gongkai：{path}：读取此文件时处理进程意外退出（文件可能已损坏），已跳过。", file=sys.stderr)
    return _Done(failures=1, unread=[path])


def _html_dir(path: str) -> None:
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        raise GongkaiError("无法创建存放 HTML 检查页面的目录。", path) from None


def use_previous(report, previous, previous_name: str, path: str, checking: bool = True) -> None:
    """Cut the digits a flattened page ran together with last year's figures, when ``previous``
    is this body's report of the year before (``recover.use_previous``); says on stderr when not
    (with ``checking``: also what that means for the cross-year comparison)."""
    from gongkai.extract.recover import use_previous as cut_with

    open_cells = any(report.undecided(a) for a in report.ambiguous)
    for problem in cut_with(report, previous, previous_name, checking):
        print(f"gongkai：{path}：{problem}" + ("；未用上年报告的数字拆分连写的数字。" if open_cells else "。"),
              file=sys.stderr)


def _page_names(files: list[str]) -> dict[str, str]:
    """Each file's review page name: its stem (报告.pdf → 报告), or, where two files of a folder
    walk share a stem (a.pdf and a.txt, x/a.txt and y/a.txt), its file name, numbered if that
    is shared too — one page overwrote the other, and the index linked both to the survivor."""
    stems = Counter(os.path.splitext(os.path.basename(f))[0] for f in files)
    names = {f: stem for f in files if stems[stem := os.path.splitext(os.path.basename(f))[0]] == 1}
    used = set(names.values())
    for f in files:
        if f in names:
            continue
        name = unique = os.path.basename(f)
        k = 2
        while unique in used:
            unique, k = f"{name}-{k}", k + 1
        names[f] = unique
        used.add(unique)
    return names


def _page_name(run: _Run, path: str) -> str:
    name, _, n = path.partition("#")
    return run.page_names.get(name, os.path.splitext(os.path.basename(name))[0]) + (f"-{n}" if n else "") + ".html"


def _write_html(report, findings, path: str, out: str) -> None:
    from gongkai.render.review import render_review

    _write(out, render_review(report, findings))


def _index_html(run: _Run, pages: list, unread: list[str]) -> str:
    from gongkai.render.review import render_index

    return render_index([(_page_name(run, path), path, report, findings) for path, report, findings in pages],
                        unread)


def _write(out: str, text: str) -> None:
    try:
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
    except FileNotFoundError:
        raise GongkaiError("无法写出 HTML 检查页面：所在目录不存在。", out) from None
    except PermissionError:
        raise GongkaiError("无法写出 HTML 检查页面：没有写入权限。", out) from None
    except OSError as exc:
        from gongkai.files import os_reason

        raise GongkaiError(f"无法写出 HTML 检查页面（{os_reason(exc)}）。", out) from None


def _print_batch(reports: int, with_errors: int, counts: Counter[str]) -> None:
    """The batch at a glance after its reviews: a supervisor checking a folder saw 18 reviews
    and no total (the HTML index has one)."""
    from gongkai.check.catalogue import data
    from gongkai.cli.terminal import console

    names = data()["severities"]
    total = "，".join(f"{names[s]} {counts[s]} 项" for s in names)
    console().print(f"以上 {reports} 份报告：{with_errors} 份有错误；共 {sum(counts.values())} 项：{total}。")


def _print_review(report, findings, path: str) -> None:
    from rich.markup import escape

    from gongkai.check.catalogue import data
    from gongkai.cli.terminal import console, print_page_facts, print_wrapped, shown_title
    from gongkai.format.names import cell_label, edition
    from gongkai.format.text import format_value
    from gongkai.render.marks import MARKS, cell_kind

    names = data()["severities"]
    colours = {"error": "red", "warning": "yellow", "notice": "cyan"}
    out = console()
    out.print(f"[bold]{escape(shown_title(report, path))}[/bold]")
    out.print(f"（{escape(path)}）")
    out.print(f"机关：{escape(report.agency or '（未识别）')}  年度：{report.year or '（未识别）'}  "
              f"格式：{edition(report.format)}  落款日期：{report.published or '（无）'}")
    print_page_facts(out, report)
    if report.ocr_read:
        print_wrapped(out, "本报告由 OCR 从扫描件识别：数字、标题和机关名称都可能有识别错误；"
                           "可能由识别造成的问题已注明“可能是识别错误”，请对照原件核对。", style="yellow")
    for n, f in enumerate(findings, 1):
        out.print(f"{n}. [{colours[f.severity]}]{names[f.severity]}[/] {f.rule}" + (f"  {escape(f.where)}" if f.where else ""))
        under = " " * (len(str(n)) + 2)   # under the finding's text: "10. " takes four columns
        print_wrapped(out, f.message, first=under, indent=under)
        if f.quote:
            print_wrapped(out, "引文：" + f.quote, first=under, indent=under, style="dim")
    counts = "，".join(f"{names[s]} {sum(f.severity == s for f in findings)} 项" for s in names)
    out.print(f"共 {len(findings)} 项：{counts}。" if findings else "未发现问题。")
    # Values not read as printed: inferred ones, and OCR's doubtful ones, each named.
    suspects = {c for f in findings if f.rule == "OCR-SUSPECT" for c in f.cells}
    for kind in ("inferred", "doubtful"):
        cells = [c for c, _ in report.iter_cells() if cell_kind(report, c, suspects) == kind]
        if cells:
            sign, words = MARKS[kind]
            print_wrapped(out, f"{sign} {words}（{len(cells)} 格）：" + "；".join(
                f"{cell_label(c, report.format)} {format_value(report.value(c))}" for c in cells[:20])
                + ("……" if len(cells) > 20 else "") + "。")
    if report.ocr_read:
        out.print(f"{MARKS['ocr'][0]} 其余数字都由 OCR 识别，置信度见 gongkai parse --csv 的 confidence 列。")
    out.print()
