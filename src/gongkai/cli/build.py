"""``gongkai new`` (a source file with the official skeleton, optionally pre-filled from last
year's report) and ``gongkai build`` (source -> official DOCX / HTML / PDF / Markdown)."""

from __future__ import annotations

import sys
from pathlib import Path
from warnings import catch_warnings, simplefilter

from gongkai.errors import GongkaiError, UnmarkedWarning
from gongkai.inputs import FORMS_ZH
from gongkai.render import FORMS


def add_parser(sub) -> None:
    p = sub.add_parser("new", help="新建年度报告源文件（可从上年报告带入上年结转等数据）",
                       description="生成年度报告源文件（YAML）：官方章节结构，统计表各单元格空白（null），待填写。"
                                   f"--from 上年报告（{FORMS_ZH}）时，带入上年结转、现行有效件数，"
                                   "并在第五部分列出上年问题作为待办提示。")
    p.add_argument("--agency", metavar="机关名称", help="报告机关全称（有 --from 时默认取上年报告的机关）")
    p.add_argument("--year", type=int, metavar="年度", help="报告年度（有 --from 时默认为上年报告年度加一）")
    p.add_argument("--format", choices=("2021", "2019"), default="2021", help="报告格式版本（默认 2021）")
    p.add_argument("--from", dest="previous", metavar="上年报告", help="上年度报告文件")
    p.add_argument("--body-type", metavar="机关类型",
                   help="县级以上人民政府部门 / 县级以上地方人民政府 / 乡（镇）人民政府 / 其他（默认按机关名称判断）")
    p.add_argument("-o", "--output", metavar="输出文件", help="源文件路径（默认 source-年度.yaml）")
    p.add_argument("--force", action="store_true", help="覆盖已存在的文件")
    p.add_argument("--log", "--register", dest="log", action="store_true",
                   help="表二和第一部分公开统计取自主动公开台账，表三取自依申请公开台账（2021 年版格式）")
    p.add_argument("--db", metavar="URL", help="与 --log 一起用：台账数据库（SQLite 文件路径，或 sqlite:///相对路径、sqlite:////绝对路径，"
                        "或 postgresql://…）")
    p.set_defaults(handler=run_new)

    b = sub.add_parser("build", help="由源文件生成正式年度报告（DOCX / HTML / PDF / Markdown）",
                       description=f"读取源文件（源文件 YAML，或其他可读取的形式：{FORMS_ZH}），先运行检查；"
                                   "没有错误、没有空白或无法确定的单元格、没有【待办】提示文字时按官方格式生成报告。")
    b.add_argument("source", metavar="源文件")
    b.add_argument("--to", required=True, choices=tuple(FORMS), help="输出格式")
    b.add_argument("-o", "--output", metavar="输出文件", help="输出路径（默认与源文件同名、换扩展名）")
    b.add_argument("--previous", metavar="上年报告", help="上年度报告，用于跨年检查（上年结转等）")
    b.add_argument("--register", action="store_true",
                   help="表三取自依申请公开台账时：把正文“均在法定期限内答复”等说法与台账核对")
    b.add_argument("--db", metavar="URL", help="与 --register 一起用：台账数据库（默认为本机的台账）")
    b.add_argument("--force", action="store_true", help="即使检查发现错误、空白或无法确定的单元格、【待办】提示文字也生成")
    b.add_argument("--overwrite", action="store_true", help="替换已存在的输出文件")
    b.set_defaults(handler=run_build)


def _write(path: Path, data: bytes) -> None:
    """Atomically (a failure never leaves half a file behind), with the mode the umask gives: the
    file is meant for publication."""
    from gongkai.files import write_atomic

    write_atomic(path, data)


def run_new(args) -> int:
    from gongkai.load import load
    from gongkai.source.load import body_type_of, body_types
    from gongkai.source.scaffold import prefill_from, refuse_early_year, scaffold

    last = load(args.previous) if args.previous else None
    agency = args.agency or (last.agency if last else None)
    year = args.year or (last.year + 1 if last and last.year else None)
    if not agency:
        raise GongkaiError("请用 --agency 指定报告机关名称。")
    if not year:
        raise GongkaiError("请用 --year 指定报告年度。")
    if not 1990 <= year <= 2100:
        raise GongkaiError(f"报告年度“{year}”不是有效的年份。")
    refuse_early_year(year)   # before the 2019 条例 there was no national format of tables to fill
    if args.body_type and args.body_type not in body_types():
        raise GongkaiError(f"--body-type 应为以下之一：{'、'.join(body_types())}。")
    if last is not None:
        _refuse_another_bodys(last, agency, year, args.previous)
    # The kind of body decides the statutory deadline: taken from the name unless given.
    body_type = args.body_type or body_type_of(agency)
    prefill = prefill_from(last, args.format, Path(args.previous).name) if last else None
    out = Path(args.output or f"source-{year}.yaml")
    if out.exists() and not args.force:
        raise GongkaiError("文件已存在，未覆盖。如确需覆盖请加 --force。", str(out))
    if args.db and not args.log:
        raise GongkaiError("--db 只能与 --log 一起使用。")
    carried = dict(prefill.comments) if prefill else {}  # before the records replace some of them
    if args.log:
        from gongkai.log.source import scaffold_from_log

        text, notes, warnings = scaffold_from_log(agency, year, args.format, prefill, body_type, args.db)
    else:
        text, notes, warnings = scaffold(agency, year, args.format, prefill, body_type), [], []
    _write(out, text.encode("utf-8"))
    print(f"gongkai：已生成源文件 {out}（{agency} {year}年度，{args.format} 年版格式）。")
    if not args.body_type:
        print(f"gongkai：机关类型按名称判断为“{body_type}”（决定报告的法定公布期限）；如不对，请改源文件的 body_type "
              "或用 --body-type 指定。")
    from gongkai.db import office_today

    if year > office_today().year:   # a report is made after its year (in December at the earliest)
        print(f"gongkai：注意：报告年度 {year} 晚于今年（{office_today().year} 年），请确认年度没有写错。", file=sys.stderr)
    expected = "2019" if year <= 2020 else "2021"  # 〔2019〕60号 for 2019–2020, 〔2021〕30号 after
    if args.format != expected:
        print(f"gongkai：注意：{year}年度报告通常使用 {expected} 年版格式，当前为 {args.format} 年版。", file=sys.stderr)
    for note in notes:
        print(f"gongkai：{note}")
    for warning in warnings:   # each its own line: a 上年结转 to verify, rows left blank and why
        print(f"gongkai：注意：{warning}", file=sys.stderr)
    if last is not None and prefill is not None:
        _say_carried(args.previous, carried, prefill)
    return 0


def _refuse_another_bodys(last, agency: str, year: int, name: str) -> None:
    """Another body's report, or one not of the year before, must not give this report its
    上年结转 and 现行有效件数 (the web's draft from an upload carries nothing in that case too)."""
    from gongkai.extract.recover import previous_mismatches
    from gongkai.model import Report

    problems = previous_mismatches(Report(agency=agency, year=year), last, Path(name).name)
    if problems:
        said = "；".join(why for _kind, why in problems)
        raise GongkaiError(f"{said}。未生成源文件：请用 --from 指定本机关上一年度的报告，或不用 --from、逐项填写。")


def _say_carried(previous: str, carried: dict[str, str], prefill) -> None:
    """How many cells came from last year's report: only those the registers did not replace
    (with --log, table 3 and the 现行有效件数 are the records' own figures)."""
    kept = [cell for cell, note in carried.items() if prefill.comments.get(cell) == note]
    blanks = sum(prefill.values[cell] is None for cell in kept)
    replaced = len(carried) - len(kept)
    print(f"gongkai：已从 {previous} 带入 {len(kept) - blanks} 个数值"
          + (f"；{blanks} 个单元格上年空白或不可带入，已留空（null）并加注释，请核实填写" if blanks else "")
          + (f"；{replaced} 个单元格改由台账计算" if replaced else "") + "。")


def register_for(report, args):
    """The register's facts for ``--register [--db URL]`` (None without --register)."""
    if args.db and not args.register:
        raise GongkaiError("--db 只能与 --register 一起使用。")
    if not args.register:
        return None
    if report.year is None:
        raise GongkaiError("报告没有年度，无法与台账核对。")
    from gongkai.register import register_facts
    from gongkai.settings import current

    return register_facts(args.db or current().db, report.year)


def run_build(args) -> int:
    from gongkai.check import check_report, why_blocked
    from gongkai.load import load, load_source

    source = load_source(args.source)
    report = source.report
    previous = load(args.previous) if args.previous else None
    findings = check_report(report, previous, register=register_for(report, args))
    for f in findings:
        level = {"error": "错误", "warning": "警告"}.get(f.severity, "提示")
        print(f"gongkai：{level}［{f.rule}］{f.message}", file=sys.stderr)
    blocked = why_blocked(report, findings)
    if blocked and not args.force:
        raise GongkaiError(blocked + "，未生成报告。请修改源文件后重试，或加 --force 强制生成。", args.source)

    out = Path(args.output) if args.output else Path(args.source).with_suffix(FORMS[args.to].suffix)
    if out.resolve() == Path(args.source).resolve():
        raise GongkaiError("输出文件不能与源文件相同。", str(out))
    if out.exists() and not args.overwrite:
        raise GongkaiError("输出文件已存在，未覆盖。如确需替换请加 --overwrite。", str(out))
    from gongkai.render import render
    from gongkai.render.marks import not_shown

    with catch_warnings():   # what render warns of is said below, after the file is written
        simplefilter("ignore", UnmarkedWarning)
        data = render(report, args.to)
    _write(out, data)
    print(f"gongkai：已生成 {out}")
    for notice in not_shown(report):
        print(f"gongkai：注意：{notice}", file=sys.stderr)
    _say_unsigned(report)
    _say_left_out(report)
    return 0


def _say_left_out(report) -> None:
    """Rows the format does not have (ROW-EXTRA, kept as the original printed them) are not in the
    official tables of the built report: said here, with their figures, so that none goes unseen."""
    from gongkai.format.names import table_name

    for extra in report.extra_rows:
        figures = " ".join(x for x in extra.raw if x.strip())
        print(f"gongkai：注意：{table_name(extra.table) if extra.table in _TABLES else extra.table}中格式没有的行"
              f"“{extra.label}”（原文：{figures or '空白'}）未印入生成的报告；如需说明，请写入正文。", file=sys.stderr)


_TABLES = ("table2", "table3", "table4")


def _say_unsigned(report) -> None:
    """A report ends with the body's name and the date it was written (落款); one the source
    leaves out is printed blank, never guessed — and said here, since no rule checks it."""
    missing = [what for what, value in (("机关名称（agency）", report.agency), ("落款日期（published）", report.published))
               if not value]
    if missing:
        print(f"gongkai：注意：源文件没有{'和'.join(missing)}，生成的报告末尾没有{'和'.join(m[:4] for m in missing)}；"
              "正式发布前请在源文件中填写后重新生成。", file=sys.stderr)
