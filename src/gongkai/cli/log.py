"""``gongkai log``: the proactive-disclosure log (主动公开台账).

add / review / change / publish / repeal write one entry each; import / export move CSV or
Excel lists; list / show / due read; figures enters or shows the monthly table-2 figures;
table2 prints a year's table 2 and section-一 statistics.  Every command takes ``--db URL``
(the register's store: SQLite file by default, PostgreSQL by URL).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from gongkai.cli.choices import PREFIX_HELP, prefix_type
from gongkai.errors import GongkaiError
from gongkai.settings import current, default_actor


def add_parser(sub) -> None:
    p = sub.add_parser("log", help="主动公开台账：登记文件和信息、审核、公开、废止，计算表二",
                       description="主动公开台账（条例第二十条、第二十六条）：登记文件和信息的公开属性、"
                                   "拟稿 → 核稿 → 审签、公开渠道和栏目、废止失效；计算二十个工作日公开时限、"
                                   "年度表二和第一部分的公开统计。")
    logs = p.add_subparsers(dest="log_command", metavar="操作", parser_class=type(p))

    def cmd(name: str, help_text: str, by_taken: bool = False):
        c = logs.add_parser(name, help=help_text, description=help_text)
        c.add_argument("--db", metavar="URL", help="台账数据库：SQLite 文件路径或 postgresql://…（默认与依申请公开台账相同）")
        # --by as the register spells it, except where the entry has a --by of its own (review: the reviewer)
        c.add_argument("--actor", *([] if by_taken else ["--by"]), dest="actor", metavar="经办人",
                       help="记录的经办人（--by 是审核的人；默认环境变量 GONGKAI_ACTOR，否则当前登录名）" if by_taken else
                            "记录的经办人，也可写 --by（默认环境变量 GONGKAI_ACTOR，否则当前登录名）")
        return c

    def entry(sid: str):   # an entry of the log: its command and help as declared in log/data/steps.yaml
        from gongkai.log.exchange import steps

        spec = steps()[sid]
        return cmd(spec["command"], spec["help"], "by" in (spec.get("options") or {}))

    _entry_commands(entry)
    _other_commands(cmd)

    p.set_defaults(handler=run_help, _log_parser=p)


def _entry_commands(entry) -> None:
    """The commands that record an entry of the log, as declared in log/data/steps.yaml (their
    options included); each handler reads the options by their declared names."""
    from gongkai.log.exchange import steps

    handlers = {"registered": run_add, "reviewed": run_review, "changed": run_change, "adjusted": run_attribute,
                "published": run_publish, "ended": run_repeal, "figure": run_figures, "amended": run_amend,
                "voided": run_void}
    for sid, spec in steps().items():
        c = entry(sid)
        if spec.get("ref"):
            c.add_argument("ref", metavar="台账编号")
        for name, o in (spec.get("options") or {}).items():
            flags = o.get("flags") or ["--" + str(name).replace("_", "-")]
            if o.get("type") == "flag":
                c.add_argument(*flags, dest=name, action="store_true", help=o.get("help"))
                continue
            if o.get("choices"):
                c.add_argument(*flags, dest=name, metavar=o.get("label"), required=bool(o.get("required")),
                               default=o.get("default"), help=f"{o.get('help') or o.get('label')}；{PREFIX_HELP}",
                               type=_choice(o["choices"], o.get("label")))
                continue
            c.add_argument(*flags, dest=name, metavar=o.get("label"), help=o.get("help"),
                           required=bool(o.get("required")),
                           default=o.get("default"), type=int if o.get("type") == "int" else None)
        c.set_defaults(handler=handlers[sid])


def _choice(vocabulary: str, what: str):
    """An option's value from a vocabulary of the log: a unique beginning of a name is expanded."""
    def names():
        from gongkai.log import vocab

        return {tid: [t.label, *t.aliases] for tid, t in getattr(vocab, vocabulary)().items()}
    return prefix_type(names, what)


def _other_commands(cmd) -> None:
    """Reading, the exchange files and table 2."""
    c = cmd("list", "列出台账条目")
    c.add_argument("--year", type=int, metavar="年度", help="只列该年形成的条目")
    c.add_argument("--kind", metavar="类别", type=_choice("kinds", "类别"), help=f"只列该类别的条目；{PREFIX_HELP}")
    c.add_argument("--in-force-on", metavar="日期", help="只列该日现行有效的条目")
    c.add_argument("--json", action="store_true", help="输出 JSON")
    c.set_defaults(handler=run_list)

    c = cmd("show", "显示一个条目的全部记录")
    c.add_argument("ref", metavar="台账编号")
    c.set_defaults(handler=run_show)

    c = cmd("due", "公开时限（条例第二十六条：形成或变更之日起二十个工作日）：待公开、已逾期、逾期公开")
    c.add_argument("--today", "--on", dest="on", metavar="日期",
                   help="以该日为今天（默认今天）")
    c.add_argument("--since", "--from", dest="since", metavar="日期", help="只看该日以后形成或变更的（默认一年前）")
    c.add_argument("--late", action="store_true", help="列出 --year 年度内逾期公开的条目")
    c.add_argument("--year", type=int, metavar="年度", help="只看该年形成或变更的；与 --late 一起用（必填）：该年内逾期公开的")
    c.add_argument("--json", action="store_true", help="输出 JSON")
    c.set_defaults(handler=run_due)

    c = cmd("import", "导入文件清单或本台账的导出文件（CSV 或 Excel），或用 --figures 导入月度数据；有错误时不导入任何内容")
    c.add_argument("file", metavar="文件")
    c.add_argument("--figures", action="store_true", help="文件是月度数据（年度、月份、行政许可、行政处罚、行政强制、行政事业性收费）")
    c.set_defaults(handler=run_import)

    c = cmd("export", "导出台账的全部记录和月度数据（CSV 或 Excel，每条记录一行；可原样导入）")
    c.add_argument("file", metavar="文件", help=".csv 或 .xlsx")
    c.add_argument("--overwrite", action="store_true", help="替换已存在的文件")
    c.set_defaults(handler=run_export)

    c = cmd("table2", "年度表二（2021 年版格式）和第一部分主动公开统计")
    c.add_argument("--year", type=int, required=True, metavar="年度", help="报告年度")
    c.add_argument("--agency", metavar="机关名称", help="写入报告 JSON 的机关名称（与 --json 一起用）")
    c.add_argument("--json", action="store_true", help="输出报告 JSON（gongkai.report/1）")
    c.add_argument("--cell", metavar="行.列", help="列出某一格所计的文件，如 art20_1.normative_docs.in_force"
                   "（made 本年制发、repealed 本年废止、in_force 现行有效）")
    c.set_defaults(handler=run_table2)


def run_help(args) -> int:
    args._log_parser.print_help()
    return 2


# -- helpers ----------------------------------------------------------------------------------
def _open(args, create: bool = True):
    """The log; ``create=False`` for a command that only reads it (a mistyped --db is said, not
    shown as an empty log)."""
    from gongkai.log.store import DisclosureLog

    try:
        return DisclosureLog(args.db or current().db, create=create)
    except GongkaiError as exc:
        if not create and exc.message == "台账数据库不存在":
            exc.message += "：还没有登记过文件？先用 gongkai log add 登记，或用 --db 指定已有的台账"
        raise


def _actor(args) -> str:
    return args.actor or default_actor("未署名")   # as the register says


def _date(text: str | None, what: str) -> date | None:
    from gongkai.log.exchange import parse_date

    return parse_date(text, what) if text else None


def _day(text: str | None, what: str) -> date:
    """A date the command needs (an empty one is refused)."""
    from gongkai.log.exchange import required_date

    return required_date(text, what)


def _label(terms: dict, key: str | None) -> str:
    return terms[key].label if key in terms else (key or "")


def _print_item(item) -> None:
    from gongkai.format.text import shown_or_blank as blank
    from gongkai.log.vocab import attributes, channels, endings, kinds, review_steps

    print(f"{item.ref}  {item.title}" + ("  【登记已作废，不计入台账统计】" if item.voided else ""))
    print(f"  文号：{blank(item.doc_no)}  类别：{_label(kinds(), item.kind)}  形成日期：{item.made_on}"
          + ("  存量文件（不要求审核记录）" if item.existing else ""))
    attr = _label(attributes(), item.attribute)
    print(f"  公开属性：{attr}" + (f"（理由：{item.attribute_reason}）" if item.attribute_reason else ""))
    for step, term in review_steps().items():
        r = item.reviews.get(step)
        print(f"  {term.label}：{f'{r.person} {r.on}' if r else '未登记'}")
    for a in item.attribute_changes:
        print(f"  属性调整：{a.on} {_label(attributes(), a.old_attribute)} → {_label(attributes(), a.attribute)}"
              + (f"（理由：{a.reason}）" if a.reason else ""))
    for c in item.changes:
        print(f"  变更：{c.on}" + (f" {c.note}" if c.note else ""))
    for p in item.publications:
        where = _label(channels(), p.channel) + (f"/{p.column}" if p.column else "")
        print(f"  公开：{p.on} {where}" + (f" {p.url}" if p.url else ""))
    if item.ended_on:
        print(f"  {_label(endings(), item.ended_kind)}：{item.ended_on}" + (f" {item.ended_note}" if item.ended_note else ""))
    from gongkai.log.exchange import item_history

    print("  登记记录：")
    for h in item_history(item):
        mark = f"【{h['mark']}】" if h["mark"] else ""
        print(f"    {h['n']}. {h['on'] or '—'} {h['what']}（{h['detail'] or '—'}）{mark}；经办：{blank(h['actor'])}，"
              f"登记于 {blank(h['recorded_at'])}")


# -- writing ----------------------------------------------------------------------------------
def run_add(args) -> int:
    from gongkai.log.store import NewItem, Review
    from gongkai.log.vocab import attributes, kinds, resolve

    reviews = []
    for step, label in (("draft", "拟稿"), ("check", "核稿"), ("sign", "审签")):
        who, on = getattr(args, f"{step}_by"), getattr(args, f"{step}_on")
        if who or on:
            if not (who and on):
                raise GongkaiError(f"--{step}-by 和 --{step}-on（{label}人和{label}日期）须同时填写")
            reviews.append(Review(step, who, _day(on, f"{label}日期")))
    from gongkai.workdays.calendar import ASSUMED_BASIS

    new = NewItem(args.title, resolve(kinds(), args.kind, "类别"), _day(args.made, "形成日期"),
                  resolve(attributes(), args.attribute, "公开属性"), args.reason, args.doc_no, args.ref, reviews,
                  existing=args.existing)
    with _open(args) as log:
        ref = log.add(new, _actor(args))
        item = log.get(ref)
        print(f"gongkai：已登记 {ref}。")
        for ob in _obligations(log, item):
            print(f"gongkai：应于 {ob.due} 前公开（自{ob.reason}之日 {ob.start} 起二十个工作日）"
                  + (f"；该日期所在年度的节假日安排未知，{ASSUMED_BASIS}" if ob.assumed else "") + "。")
    return 0


def _obligations(log, item):
    from gongkai.log.store import obligations

    return [o for o in obligations(item, log.calendar, log.today()) if o.status in ("pending", "overdue")]


def run_review(args) -> int:
    from gongkai.log.vocab import resolve, review_steps

    with _open(args) as log:
        step = resolve(review_steps(), args.step, "审核环节")
        log.review(args.ref, step, args.by, _day(args.on, "日期"), _actor(args))
        print(f"gongkai：已登记 {args.ref} 的{review_steps()[step].label}（{args.by}，{args.on}）。")
    return 0


def run_change(args) -> int:
    with _open(args) as log:
        item = log.change(args.ref, _day(args.on, "变更日期"), args.note, _actor(args))
        print(f"gongkai：已登记 {args.ref} 的变更（{args.on}）。")
        for ob in _obligations(log, item):
            print(f"gongkai：应于 {ob.due} 前公开（自{ob.reason}之日 {ob.start} 起二十个工作日）。")
    return 0


def run_attribute(args) -> int:
    from gongkai.log.vocab import attributes, resolve

    with _open(args) as log:
        attribute = resolve(attributes(), args.to, "公开属性")
        item = log.set_attribute(args.ref, attribute, args.reason, _day(args.on, "调整日期"), _actor(args))
        print(f"gongkai：已将 {args.ref} 的公开属性调整为“{attributes()[attribute].label}”（{args.on}）。")
        for ob in _obligations(log, item):
            print(f"gongkai：应于 {ob.due} 前公开（自{ob.reason}之日 {ob.start} 起二十个工作日）。")
    return 0


def run_publish(args) -> int:
    from gongkai.log.store import obligations

    with _open(args) as log:
        on = _day(args.on, "公开日期")
        item = log.publish(args.ref, args.channel, args.column, on, _actor(args), args.url)
        print(f"gongkai：已登记 {args.ref} 于 {on} 公开。")
        for ob in obligations(item, log.calendar, on):
            if ob.published_on == on and ob.status == "late":
                est = "（推算）" if ob.late_assumed else ""
                print(f"gongkai：注意：超过公开时限 {ob.due}（逾期 {ob.late_workdays} 个工作日{est}）。", file=sys.stderr)
    return 0


def run_repeal(args) -> int:
    kind = "expired" if args.expired else "repealed"
    with _open(args) as log:
        log.end(args.ref, kind, _day(args.on, "日期"), _actor(args), args.note)
        print(f"gongkai：已登记 {args.ref} {'失效' if args.expired else '废止'}（{args.on}）。")
    return 0


def run_amend(args) -> int:
    from gongkai.log.correct import field_label, field_named, shown

    with _open(args) as log:
        item = log.amend(args.ref, args.entry, args.field, args.value, args.reason, _actor(args))
        fix = item.corrections[-1]
        label = field_label(fix.step, field_named(fix.step, fix.field, args.entry))
        print(f"gongkai：已更正 {args.ref} 第{args.entry}条的{label}：“{shown(fix.field, fix.old_value)}” → "
              f"“{shown(fix.field, fix.value)}”（原记录保留，见 gongkai log show {args.ref}）。")
        for ob in _obligations(log, item):
            print(f"gongkai：应于 {ob.due} 前公开（自{ob.reason}之日 {ob.start} 起二十个工作日）。")
    return 0


def run_void(args) -> int:
    with _open(args) as log:
        item = log.void(args.ref, args.entry, args.reason, _actor(args))
        whole = "（整个条目的登记作废，不再计入台账统计）" if item.voided else ""
        print(f"gongkai：已作废 {args.ref} 第{args.entry}条{whole}（原记录保留，见 gongkai log show {args.ref}）。")
    return 0


# -- reading ----------------------------------------------------------------------------------
def run_list(args) -> int:
    from gongkai.format.text import shown_or_blank as blank
    from gongkai.log.store import ItemFilter
    from gongkai.log.vocab import attributes, kinds, resolve

    flt = ItemFilter.year(args.year) if args.year else ItemFilter()
    flt = replace(flt, kind=resolve(kinds(), args.kind, "类别") if args.kind else None,
                  in_force_on=_day(args.in_force_on, "日期") if args.in_force_on else None)
    with _open(args, create=False) as log:
        items = log.items(flt)
    if args.json:
        print(json.dumps([_item_json(i) for i in items], ensure_ascii=False, indent=2))
        return 0
    print("编号\t制发日期\t类别\t公开属性\t文号\t标题\t公开\t状态")
    for i in items:
        status = f"{'废止' if i.ended_kind == 'repealed' else '失效'}{i.ended_on}" if i.ended_on else "有效"
        print(f"{i.ref}\t{i.made_on}\t{_label(kinds(), i.kind)}\t{_label(attributes(), i.attribute)}\t"
              f"{blank(i.doc_no)}\t{i.title}\t公开{len(i.publications)}处\t{status}")
    print(f"gongkai：共 {len(items)} 条。", file=sys.stderr)
    return 0


def _item_json(i) -> dict:
    return {"ref": i.ref, "title": i.title, "doc_no": i.doc_no, "kind": i.kind, "made_on": i.made_on.isoformat(),
            "attribute": i.attribute, "attribute_reason": i.attribute_reason,
            "reviews": {s: {"person": r.person, "on": r.on.isoformat()} for s, r in i.reviews.items()},
            "attribute_changes": [{"on": a.on.isoformat(), "from": a.old_attribute, "to": a.attribute,
                                   "reason": a.reason} for a in i.attribute_changes],
            "changes": [c.on.isoformat() for c in i.changes],
            "publications": [{"channel": p.channel, "column": p.column, "on": p.on.isoformat(), "url": p.url}
                             for p in i.publications],
            "ended": i.ended_kind, "ended_on": i.ended_on.isoformat() if i.ended_on else None,
            "existing": i.existing}


def run_show(args) -> int:
    with _open(args, create=False) as log:
        _print_item(log.get(args.ref))
    return 0


def run_due(args) -> int:
    with _open(args, create=False) as log:
        as_of = _date(args.on, "日期") or log.today()
        if args.late:
            if not args.year:
                raise GongkaiError("--late 须同时指定 --year 年度")
            end = date(args.year, 12, 31)
            obs = [o for o in log.obligations(max(as_of, end) if args.on is None else as_of)
                   if o.status == "late" and o.published_on and o.published_on.year == args.year]
        else:
            since = _date(args.since, "日期") or as_of - timedelta(days=365)
            obs = [o for o in log.obligations(as_of, since) if o.status in ("pending", "overdue")]
            if args.year:
                obs = [o for o in obs if o.start.year == args.year]
    if args.json:
        print(json.dumps([{"ref": o.item.ref, "title": o.item.title, "start": o.start.isoformat(), "reason": o.reason,
                           "due": o.due.isoformat(), "assumed": o.assumed, "status": o.status,
                           "published_on": o.published_on.isoformat() if o.published_on else None,
                           "late_workdays": o.late_workdays, "late_workdays_assumed": o.late_assumed} for o in obs], ensure_ascii=False, indent=2))
        return 0
    for o in obs:
        extra = (f"，逾期{o.late_workdays}个工作日{'（推算）' if o.late_assumed else ''}"
                 if o.late_workdays else "")
        pub = f"，{o.published_on}公开" if o.published_on else ""
        print(f"{o.item.ref}\t{o.status_zh}\t期限{o.due}{'（推算）' if o.assumed else ''}\t"
              f"{o.reason}{o.start}{pub}{extra}\t{o.item.title}")
    print(f"gongkai：共 {len(obs)} 条（以 {as_of} 为准）。", file=sys.stderr)
    return 0


def run_import(args) -> int:
    from gongkai.log.exchange import import_figures, import_file

    path = Path(args.file)
    with _open(args) as log:
        if args.figures:
            n = import_figures(log, path, _actor(args))
            print(f"gongkai：已从 {path} 导入 {n} 个月度数值。")
        else:
            refs, n = import_file(log, path, _actor(args))
            print(f"gongkai：已从 {path} 导入 {len(refs)} 件文件或信息" + (f"、{n} 个月度数值" if n else "") + "。")
    return 0


def run_export(args) -> int:
    from gongkai.log.exchange import export_documents

    path = Path(args.file)
    if path.exists() and not args.overwrite:
        raise GongkaiError("文件已存在，未覆盖。如确需替换请加 --overwrite。", str(path))
    with _open(args, create=False) as log:
        n = export_documents(log, path)
    print(f"gongkai：已导出 {n} 行到 {path}。")
    return 0


def run_figures(args) -> int:
    from gongkai.format.text import shown_or_blank as blank
    from gongkai.log.vocab import figures

    given = {"art20_5.licensing": args.licensing, "art20_6.penalty": args.penalty,
             "art20_6.coercion": args.coercion, "art20_8.admin_fees": args.fees}
    given = {k: v for k, v in given.items() if v is not None}
    with _open(args) as log:
        if given:
            if not args.month:
                raise GongkaiError("录入月度数据须指定 --month 月份")
            log.check_month_ended(args.year, args.month)   # said plainly, before any figure's own check
            entries = [(f"{args.year}年{args.month}月", args.year, args.month, k, v) for k, v in given.items()]
            log.import_figures(entries, _actor(args))
            print(f"gongkai：已录入 {args.year}年{args.month}月的 {len(entries)} 项数据。")
            return 0
        monthly = log.monthly_figures(args.year)
    terms = figures()
    print("月份\t" + "\t".join(f"{t.label}（{t.get('unit')}）" for t in terms.values()))
    for m in range(1, 13):
        print(f"{m}\t" + "\t".join(blank(monthly.get(k, {}).get(m)) for k in terms))
    return 0


def run_table2(args) -> int:
    from gongkai.format import FORMAT
    from gongkai.format.text import format_value
    from gongkai.format.text import shown_or_blank as blank
    from gongkai.log.vocab import channels
    from gongkai.log.year import section1, year_report

    with _open(args, create=False) as log:
        if args.cell:
            from gongkai.log.year import drill
            items = drill(log, args.year, args.cell)
            for i in items:
                print("\t".join((i.ref, i.made_on.isoformat(), blank(i.doc_no), i.title,
                                 f"{'废止' if i.ended_kind == 'repealed' else '失效'}{i.ended_on}" if i.ended_on else "有效")))
            print(f"gongkai：共 {len(items)} 件。", file=sys.stderr)
            return 0
        report = year_report(log, args.year, args.agency)
        stats = section1(log, args.year)
    if args.json:
        print(report.to_json())
        return 0
    print(f"表二 主动公开政府信息情况（{args.year}年度，2021 年版格式）")
    for group in FORMAT.table2["2021"]:
        print(f"{group.label}\t" + "\t".join(c.label for c in group.columns))
        for row in group.rows:
            values = (report.table2 or {}).get(f"{group.id}.{row.id}", {})
            print(f"  {row.label}\t" + "\t".join(
                blank(format_value(values.get(c.id))) for c in group.columns))
    print()
    print("第一部分 主动公开统计（按渠道和栏目）")
    chans = channels()
    for (cid, col), n in stats.by_column.items():
        print(f"  {_label(chans, cid)}{('/' + col) if col else ''}\t{n}")
    print(f"  合计\t{stats.publications}条次（{stats.items}条信息）")
    print()
    print(report.sections[0].text)
    for note in report.notes[1:]:
        print(f"gongkai：注意：{note}", file=sys.stderr)
    return 0
