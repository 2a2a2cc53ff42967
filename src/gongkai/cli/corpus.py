"""Corpus commands: ingest, failures, place, export, compare, rollup, stats.

One module registers them all so that ``COMMAND_MODULES`` needs one entry; each handler
imports its work lazily so ``gongkai parse`` stays light.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from gongkai.errors import GongkaiError

if TYPE_CHECKING:
    from gongkai.model import Report

_DB_HELP = ("语料库数据库：SQLite 文件路径（如 data/corpus.db，相对于当前目录），或 sqlite:///相对路径、"
            "sqlite:////绝对路径（四条斜线），或 postgresql://用户:密码@主机/库名"
            "（默认：GONGKAI_CORPUS_URL，否则用户数据目录下的 gongkai/corpus.db）。命令会显示实际使用的文件")


def add_parser(sub) -> None:
    _ingest_parser(sub)
    _failures_parser(sub)
    _place_parser(sub)
    _export_parser(sub)
    _compare_parser(sub)
    _rollup_parser(sub)
    _stats_parser(sub)


def _ingest_parser(sub) -> None:
    p = sub.add_parser("ingest", help="把报告批量读入语料库（可续传、按内容去重）",
                       description="读取文件、目录和 ZIP 压缩包中的年度报告，解析、检查后存入语料库。"
                                   "未变化的文件不重复处理；中断后重新运行会从断点继续。"
                                   "语料库导出文件（gongkai export --to jsonl）照原样收回，不重新读取。")
    p.add_argument("paths", nargs="+", metavar="文件、目录或ZIP")
    p.add_argument("--db", metavar="地址", help=_DB_HELP)
    p.add_argument("-j", "--jobs", "--workers", dest="workers", type=int, metavar="进程数",
                   help="并行进程数（默认：全部 CPU 核；--workers 为旧名）")
    p.add_argument("--cluster", metavar="地址", help="Dask 集群调度器地址（tcp://主机:端口），在集群上处理")
    p.add_argument("--timeout", type=float, default=None, metavar="秒", help="单个文件的处理时限（默认 120 秒）")
    p.add_argument("--reparse", action="store_true", help="重新处理已入库的文件（即使内容和解析器版本未变）")
    p.add_argument("--retry-failed", action="store_true", help="重新处理以前失败的文件")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    p.set_defaults(handler=run_ingest)


def _failures_parser(sub) -> None:
    p = sub.add_parser("failures", help="列出语料库中未能读取的文件及原因",
                       description="列出语料库中未能读取的文件：编号、路径、文件类型和原因（制表符分隔），"
                                   "最后在标准错误输出失败文件的个数。修正后可用 ingest --retry-failed 重新处理。")
    p.add_argument("--db", metavar="地址", help=_DB_HELP)
    p.set_defaults(handler=run_failures)


def _place_parser(sub) -> None:
    p = sub.add_parser("place", help="查看或更正机关在行政区划中的位置",
                       description="不带 --code 时显示机关的当前归属；带 --code 时把更正保存下来，重新入库也不会被覆盖。")
    p.add_argument("agency", metavar="机关名称")
    p.add_argument("--code", metavar="区划代码", help="6 位县级以上代码，或 9/12 位乡镇代码")
    p.add_argument("--unit", metavar="单位", help="县以下的乡镇或部门名称（可选）")
    p.add_argument("--db", metavar="地址", help=_DB_HELP)
    p.set_defaults(handler=run_place)


def _export_parser(sub) -> None:
    p = sub.add_parser("export", help="导出语料库数据集（长表、宽表、检查发现）",
                       description="把语料库导出为数据集，五张表（Excel 中为五个工作表）："
                                   "reports 报告（每份报告一行：report_id、sha256、文件名、机关、年度、格式版本、"
                                   "落款日期、所在地区，及每个单元格一列，列名为单元格编号，如 table3.granted.total）；"
                                   "cells 单元格（每个单元格一行：cell_id、中文标签 label、件数 value 或金额 amount、"
                                   "原文 raw、位置 where、是否推断 inferred 及依据 basis、OCR 置信度 confidence）；"
                                   "figures 正文数字（正文所述的数字：句子、数值、单位、所对应的表格单元格）；"
                                   "findings 检查发现（规则、严重程度、涉及的单元格、说明）；"
                                   "failures 失败文件（未能读取的文件及原因）。"
                                   "件数为整数，金额（万元）为小数；空格为空值，不按 0 计。"
                                   "单元格编号与 gongkai parse --json 输出的相同。"
                                   "--to jsonl 则每份报告一行、完整无缺（与 gongkai parse --json 相同的报告 JSON，"
                                   "含各单元格的原文、位置、推断依据、OCR 置信度、连写数字的各种拆法、正文、"
                                   "检查发现及跨年度检查发现，另加 corpus：编号、来源文件、所在地区），"
                                   "可用 gongkai.load_all 读回。")
    p.add_argument("--db", metavar="地址", help=_DB_HELP)
    p.add_argument("--to", required=True, choices=["csv", "xlsx", "parquet", "jsonl"], metavar="csv|xlsx|parquet|jsonl",
                   help="csv：目录中五个 CSV 文件；xlsx：一个 Excel 文件；parquet：目录中五个 Parquet 文件"
                        "（需要 corpus 组件）；jsonl：一个文件，每份报告一行")
    p.add_argument("-o", "--output", required=True, metavar="输出",
                   help="csv/parquet：输出目录；xlsx、jsonl：输出文件")
    p.set_defaults(handler=run_export)


def _compare_parser(sub) -> None:
    p = sub.add_parser("compare", help="比较两份报告（同一机关两年，或两个机关）",
                       description="A、B 为报告文件，或语料库中的报告编号（如 12 或 #12）。")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--db", metavar="地址", help=_DB_HELP)
    p.add_argument("--html", metavar="输出文件", help="写出自包含的 HTML 比较报告")
    p.set_defaults(handler=run_compare)


def _rollup_parser(sub) -> None:
    p = sub.add_parser("rollup", help="把一组报告的统计表相加，并与汇总单位自己的报告比较",
                       description="相加的报告可以是文件、目录、语料库中的报告编号（如 12 或 #12），"
                                   "或用 --region 和 --year 选出语料库中某区划某年度的全部乡镇、部门报告；"
                                   "用 --region 时自动与该区划人民政府本级的报告比较（语料库中有时）。")
    p.add_argument("inputs", nargs="*", metavar="文件、目录或报告编号")
    p.add_argument("--db", metavar="地址", help=_DB_HELP)
    p.add_argument("--region", metavar="区划代码或名称", help="如 640324、同心县、吴忠市同心县（需同时给出 --year）")
    p.add_argument("--year", type=int, metavar="年度", help="与 --region 一起用：报告年度")
    p.add_argument("--against", metavar="报告",
                   help="与合计比较的本级汇总报告：文件或语料库报告编号（用 --region 时默认取该区划人民政府的报告）")
    p.add_argument("--json", metavar="输出文件", help="把合计写成 JSON")
    p.set_defaults(handler=run_rollup)


def _stats_parser(sub) -> None:
    p = sub.add_parser("stats", help="按地区和年度统计指标并画图（SVG）",
                       description="按省、市或县级地区（或逐个机关）和年度统计语料库中的报告：报告份数、新收申请、"
                                   "予以公开占比、本机关不掌握占比、每百件申请的复议和诉讼、纠错率、检查发现。"
                                   "比例只计入相关各格都有数字的报告（空格不按 0 计）；首尾年度之间语料库中没有报告的"
                                   "年度在图表中标“无报告”，不当作 0。可写出 CSV 和 SVG 图表。")
    p.add_argument("--db", metavar="地址", help=_DB_HELP)
    p.add_argument("--level", choices=["province", "city", "county", "body"], default="city",
                   help="按哪一级地区汇总：province 省级、city 市级、county 县级；body 为逐个机关（同一机关历年一组，看历年变化）"
                        "（默认 city）")
    p.add_argument("--agency", metavar="机关", default="",
                   help="只统计这个机关的报告（名称或其一部分，如 行政审批局；写法不同的同一机关也算）")
    p.add_argument("--region", metavar="区划代码或名称", default="",
                   help="只统计这个地区的报告：区划代码或其前几位（如 32 江苏省、3208 淮安市、320812），或名称（如 淮安市）")
    p.add_argument("--svg", metavar="目录", help="把图表写成 SVG 文件")
    p.add_argument("--csv", metavar="文件", help="把统计表写成 CSV")
    p.set_defaults(handler=run_stats)


def _region_prefix(region: str) -> str:
    """``--region``: a division code prefix as given (``3208``), or the prefix of the division a
    six-digit code or a name names (淮安市 → ``3208``); "" for all."""
    from gongkai.corpus.region import code_prefix
    from gongkai.errors import GongkaiError

    try:
        return code_prefix(region)
    except GongkaiError as exc:
        raise GongkaiError(exc.message, f"--region {region}") from None


def _store(args, create: bool = False):
    from gongkai.corpus.store import Store

    store = Store(args.db, create=create)
    tell_upgrade(store)
    return store


def tell_upgrade(store) -> None:
    """Say on stderr that opening the corpus upgraded it (``gongkai serve`` says it before it
    listens; every corpus command, ``stats`` too, as it opens it): from then on an older gongkai
    cannot open it.  With it, how many reports an older parser read: they keep that parser's
    cells and findings until their files are ingested again, and nothing else says so."""
    from gongkai import PARSER_VERSION
    from gongkai.db import describe

    if not store.applied_now:
        return
    print(f"gongkai：已升级语料库数据库 {describe(store.url)} 的结构（迁移 {'、'.join(map(str, store.applied_now))}）。",
          file=sys.stderr, flush=True)
    older = store.read_before(PARSER_VERSION)
    if older:
        versions = "、".join(f"第 {v} 版 {n} 份" for v, n in older.items())
        print(f"gongkai：语料库中有 {sum(older.values())} 份报告是较早的解析器读出的（{versions}），其单元格和检查结果"
              f"仍是旧版的；对它们的原文件再运行一次 gongkai ingest，即按本版（第 {PARSER_VERSION} 版）重新读取和检查，"
              "编号和收到时间不变（docs/upgrade.md）。", file=sys.stderr, flush=True)


PROGRESS_SECONDS = 5.0  # when stderr is not a terminal (a log file): one progress line this often


def run_ingest(args) -> int:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from gongkai.corpus.ingest import DEFAULT_TIMEOUT, ingest

    if args.workers is not None and args.workers < 1:
        raise GongkaiError("--jobs 至少为 1。")
    missing = [path for path in args.paths if not os.path.exists(path)]
    if missing and len(missing) == len(args.paths):
        # Nothing to read: say so before a corpus is made (an empty one would be left behind).
        raise GongkaiError("、".join(missing) + "：文件或文件夹不存在，未建立或改动语料库。")
    console = Console(stderr=True)
    with _store(args, create=True) as store:
        if args.quiet or not console.is_terminal:
            # A log gets a plain line every few seconds instead of a bar it cannot redraw.
            update = None if args.quiet else _progress_lines()
            summary = ingest(args.paths, store, workers=args.workers, cluster=args.cluster,
                             timeout=args.timeout or DEFAULT_TIMEOUT, reparse=args.reparse,
                             retry_failed=args.retry_failed, on_progress=update)
        else:
            progress = Progress(TextColumn("入库"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                TextColumn("{task.fields[path]}", style="dim"), console=console, transient=False)
            with progress:
                task = progress.add_task("ingest", total=None, path="")

                def bar(done: int, total: int, path: str) -> None:
                    progress.update(task, completed=done, total=total, path=path[-60:])

                summary = ingest(args.paths, store, workers=args.workers, cluster=args.cluster,
                                 timeout=args.timeout or DEFAULT_TIMEOUT, reparse=args.reparse,
                                 retry_failed=args.retry_failed, on_progress=bar)
        counts = store.counts()
        where = store.path
    forms = "，".join(f"{k} {v}" for k, v in sorted(summary.by_form.items()))
    print(f"新入库 {summary.added} 份，更新 {summary.updated} 份，未变化跳过 {summary.unchanged} 份，"
          f"失败 {len(summary.failed)} 份。" + (f"（本次处理：{forms}）" if forms else ""))
    if summary.taken_back:
        print(f"其中 {summary.taken_back} 份从语料库导出文件收回（原文件名、SHA-256、归属、单元格及其标记、检查发现均照原样，未重新读取）。")
    if summary.cross_year:
        print(f"跨年检查：{summary.cross_year} 份报告与本机关上年报告作了比较（上年结转、现行有效件数、正文雷同）。")
    if summary.crashes:
        print(f"注意：工作进程意外退出 {summary.crashes} 次，相关文件已逐个单独重试。", file=sys.stderr)
    print(f"语料库 {_shown(where)}：共 {counts.get('ok', 0)} 份报告，{counts.get('failed', 0)} 个失败文件。")
    for path, reason in summary.failed:
        print(f"gongkai：{path}：{reason}", file=sys.stderr)
    return 1 if summary.failed else 0


def _progress_lines():
    """A progress callback printing “入库 120/5000（2%），已用 30 秒，预计还需 20 分钟” to stderr
    at most every PROGRESS_SECONDS, and always for the last file."""
    import time

    started = time.monotonic()
    last = [float("-inf")]

    def update(done: int, total: int, path: str) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_SECONDS and done != total:
            return
        last[0] = now
        spent = now - started
        line = f"入库 {done}/{total}" + (f"（{done * 100 // total}%）" if total else "") + f"，已用 {spent:.0f} 秒"
        if 0 < done < total:
            line += f"，预计还需 {_duration(spent / done * (total - done))}"
        print(line + "。", file=sys.stderr, flush=True)

    return update


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} 秒"
    if seconds < 5400:
        return f"{seconds / 60:.0f} 分钟"
    return f"{seconds / 3600:.1f} 小时"


def _shown(path: str) -> str:
    """A SQLite corpus as its absolute file name (a relative --db is relative to the current
    directory, which a user may not have in mind); a PostgreSQL address as given (redacted)."""
    import os

    return path if "://" in path else os.path.abspath(path)


def run_failures(args) -> int:
    with _store(args) as store:
        print(f"语料库 {_shown(store.path)}", file=sys.stderr)
        rows = sorted(store.failures(), key=lambda f: f.path)
    for f in rows:
        print(f"#{f.report_id}\t{f.path}\t{f.form or ''}\t{f.reason}")
    print(f"共 {len(rows)} 个失败文件。", file=sys.stderr)
    return 0


def run_place(args) -> int:
    from gongkai.extract.meta import as_body
    from gongkai.format.places import LEVEL_NAMES, corrected, normalise, place

    name = as_body(normalise(args.agency))  # 同心县 is the body 同心县人民政府, as the reports name it
    key = normalise(name) if name else ""
    if not name or not key:
        raise GongkaiError("机关名称为空。")
    stored = None
    with _store(args, create=bool(args.code)) as store:
        if args.code:
            p = corrected(key, name, args.code, args.unit)
            store.correct_placement(p)
            print("已保存更正：", end="")
        else:
            stored = store.placement(key)
            p = stored if stored is not None else place(args.agency)
    path = " › ".join(x for x in (p.get("province"), p.get("city"), p.get("county"), p.get("unit")) if x)
    kind = p.get("source") or ""
    source = {"user": "人工更正", "auto": "按名称自动判断"}.get(kind, kind)
    if not args.code and stored is None:
        source += "；语料库中尚无此机关"
    level = LEVEL_NAMES.get(p.get("level") or "", p.get("level") or "—")
    print(f"{args.agency}：{path or '（未定位）'}  代码 {p.get('code') or '—'}  层级 {level}  （{source}）")
    if p.get("note"):   # said to this very command: how to give the code here
        print(p["note"].replace("请用 gongkai place 指定区划代码。",
                                f"请加 --code 指定区划代码：gongkai place {args.agency} --code 区划代码"))
    return 0


def run_export(args) -> int:
    from gongkai.corpus.export import export

    with _store(args) as store:
        print(f"语料库 {_shown(store.path)}", file=sys.stderr)
        written = export(store, args.to, args.output)
    for path, rows in written:
        print(f"{path}\t{rows} 行")
    return 0


def run_compare(args) -> int:
    import os

    from gongkai.cli.corpusview import print_comparison
    from gongkai.comparison import compare
    from gongkai.corpus.compare import load_side
    from gongkai.render.compare import compare_html

    a = load_side(args.a, args.db)
    b = load_side(args.b, args.db)
    if not (os.path.exists(args.a) and os.path.exists(args.b)):  # a side is a report of the corpus
        with _store(args) as store:
            print(f"语料库 {_shown(store.path)}", file=sys.stderr)
    result = compare(a, b)
    print_comparison(result)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as f:
            f.write(compare_html(result))
        print(f"已写出 {args.html}")
    return 0


def run_rollup(args) -> int:
    from gongkai.cli.corpusview import print_rollup
    from gongkai.corpus.rollup import rollup

    if args.year is not None and not args.region:
        raise GongkaiError("--year 只与 --region 一起使用。")
    if args.region and args.year is None:
        raise GongkaiError("使用 --region 时需要 --year（报告年度）。")
    if not args.inputs and not args.region:
        raise GongkaiError("请给出要相加的报告：文件、目录、语料库报告编号，或 --region 与 --year。")
    reports, unread, selection, against = _rollup_inputs(args)
    result = rollup(reports, against, unread)
    if selection is not None:
        _print_selection(selection, explicit_against=bool(args.against))
    print_rollup(result)
    if args.json:
        import json

        d = result.to_dict()
        if selection is not None:
            d["region"] = selection.to_dict()
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(d, f, ensure_ascii=False, indent=2)
        print(f"已写出 {args.json}")
    return 1 if unread else 0


def _rollup_inputs(args):
    """(reports, unread files, region selection or None, report to compare with or None)."""
    import os

    from gongkai.corpus import region
    from gongkai.corpus.rollup import load_reports

    files: list[str] = []
    ids: list[tuple[str, int]] = []
    for arg in args.inputs:
        if os.path.exists(arg):
            files.append(arg)
        elif (doc_id := region.report_id(arg)) is not None:
            ids.append((arg, doc_id))
        else:
            raise GongkaiError("既不是存在的文件或目录，也不是语料库中的报告编号（如 12 或 #12）。", arg)
    against_id = None
    if args.against and not os.path.exists(args.against):
        against_id = region.report_id(args.against)
        if against_id is None:
            raise GongkaiError("既不是存在的文件，也不是语料库中的报告编号（如 12 或 #12）。", f"--against {args.against}")
    reports: list[tuple[str, Report]] = []
    unread: list[tuple[str, str]] = []
    selection, against = None, None
    if files:
        reports, unread = load_reports(files)
    if ids or args.region or against_id is not None:
        division = region.resolve(args.region) if args.region else None  # a bad name fails before the store opens
        with _store(args) as store:
            reports += [region.load(store, i, arg) for arg, i in ids]
            if division is not None:
                selection = region.select(store, division, args.year)
                reports += selection.parts
                against = selection.own
            if against_id is not None:
                against = region.load(store, against_id, f"--against {args.against}")
            print(f"语料库 {_shown(store.path)}", file=sys.stderr)
    if args.against and against_id is None:
        from gongkai.load import load

        against = (args.against, load(args.against))
    return reports, unread, selection, against


def _print_selection(s, explicit_against: bool) -> None:
    from gongkai.corpus.region import full_name

    print(f"{full_name(s.region)}（{s.region.code}）{s.year} 年度：语料库中有 {len(s.parts)} 份乡镇、部门报告。")
    if explicit_against:
        print("与 --against 指定的报告比较。")
    elif s.own:
        print(f"本级报告：{s.own[0]}，用来与合计比较。")
    else:
        print(f"语料库中没有{full_name(s.region)}人民政府 {s.year} 年度的本级报告，未作比较。")
    if s.lower:
        print(f"未计入合计（下级人民政府的本级报告，计入会与其乡镇、部门重复）：{'、'.join(s.lower)}")
    if s.duplicates:
        print(f"未计入合计（同一机关同一年度的另一份报告）：{'、'.join(s.duplicates)}")


def run_stats(args) -> int:
    from gongkai.cli.corpusview import print_stats
    from gongkai.corpus.stats import compute, unknown_body, write_csv, write_svgs

    region = _region_prefix(args.region)
    with _store(args) as store:
        print(f"语料库 {_shown(store.path)}", file=sys.stderr)
        table = compute(store, args.level, region, agency=args.agency)
        empty = not table.rows and not store.counts().get("ok")
    if empty:  # a first user's stats before any ingest: say so, not an empty table
        print("gongkai：语料库中还没有报告。先用 gongkai ingest 报告目录/ 导入。", file=sys.stderr)
        return 1
    if args.agency and not table.rows:  # as /api/corpus/stats: named, not an empty table
        print(f"gongkai：{unknown_body(args.agency, region).message}", file=sys.stderr)
        return 1
    if region and not table.rows:
        named = "" if args.region.strip() == region else f"（{args.region.strip()}）"
        print(f"gongkai：语料库中没有地区 {region}{named or ' '}的报告。", file=sys.stderr)
        return 1
    print_stats(table)
    if args.csv:
        write_csv(table, args.csv)
        print(f"已写出 {args.csv}")
    if args.svg:
        for path in write_svgs(table, args.svg):
            print(f"已写出 {path}")
    return 0
