"""``gongkai register …`` (the request register) and the clerks' calculators ``gongkai
deadline`` and ``gongkai fee``.  Thin: parsing and printing; the work is in gongkai.register."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from gongkai.errors import GongkaiError
from gongkai.settings import current, default_actor


def _day(text: str) -> date:
    from gongkai.register.exchange import parse_date
    try:
        d = parse_date(text)
    except ValueError:
        d = None
    if d is None:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，应写成 2025-09-26")
    return d


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"“{text}”不是正整数")
    return n


def _nonneg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"“{text}”不是非负整数")
    return n


def _common(p: argparse.ArgumentParser, actor: bool = False) -> None:
    p.add_argument("--db", metavar="URL", default=current().db,
                   help="台账数据库：SQLite 文件路径或 postgresql://… （默认：GONGKAI_DB，否则 ~/.local/share/gongkai/gongkai.db）")
    if actor:
        p.add_argument("--by", metavar="经办人", help="经办人（默认当前用户名）")


def add_parser(sub) -> None:
    reg = sub.add_parser("register", help="依申请公开台账：登记、期限、收费、文书、表三",
                         description="依申请公开台账。每个子命令都可用 --db 指定数据库。")
    rs = reg.add_subparsers(dest="register_command", metavar="子命令", parser_class=type(reg))
    reg.set_defaults(handler=lambda a: (reg.print_help(), 2)[1])

    p = rs.add_parser("add", help="登记一件新申请")
    p.add_argument("--type", required=True, help="申请人类型：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他")
    p.add_argument("--name", required=True, help="申请人姓名或名称")
    p.add_argument("--id-number", default="", help="身份证明号码（不公开显示）")
    p.add_argument("--phone", default="", help="联系电话（不公开显示）")
    p.add_argument("--email", default="", help="电子邮箱（不公开显示）")
    p.add_argument("--address", default="", help="通信地址（不公开显示）")
    p.add_argument("--channel", required=True, help="提交方式：当面、邮寄（需签收）、平信、互联网、传真")
    p.add_argument("--content", required=True, help="申请公开的政府信息")
    p.add_argument("--date", type=_day, required=True, help="提交日期")
    p.add_argument("--received", type=_day, help="签收日期（邮寄）或确认日期（平信、互联网、传真）")
    p.add_argument("--pieces", type=_positive, default=1, help="件数（按“一事一申请”拆分，默认 1）")
    p.add_argument("--ref", help="申请编号（默认自动编号）")
    p.add_argument("--letter", metavar="FILE.docx", help="同时生成登记回执")
    _common(p, actor=True)
    p.set_defaults(handler=_add)

    p = rs.add_parser("list", help="列出申请（不显示联系方式）")
    p.add_argument("--year", type=int, help="只列出该年收到的申请")
    p.add_argument("--open", action="store_true", help="只列出未办结的申请")
    _common(p)
    p.set_defaults(handler=_list)

    p = rs.add_parser("show", help="显示一件申请、办理记录和逐日期限计算")
    p.add_argument("ref")
    p.add_argument("--contact", action="store_true", help="同时显示申请人联系方式")
    _common(p)
    p.set_defaults(handler=_show)

    p = rs.add_parser("due", help="即将到期和已超期的申请")
    p.add_argument("--today", type=_day, help="以该日为今天（默认今天）")
    p.add_argument("--within", type=_nonneg, help="几个工作日内到期算“即将到期”（默认见设置）")
    _common(p)
    p.set_defaults(handler=_due)

    p = rs.add_parser("correct", help="发出补正告知（--date），或登记收到补正（--received）")
    p.add_argument("ref")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--date", type=_day, help="补正告知日期")
    g.add_argument("--received", type=_day, help="收到补正后申请的日期")
    p.add_argument("--until", type=_day, help="补正期限（默认见设置）")
    p.add_argument("--items", default="", help="需要补正的事项")
    p.add_argument("--letter", metavar="FILE.docx", help="同时生成补正告知书")
    _common(p, actor=True)
    p.set_defaults(handler=_correct)

    p = rs.add_parser("pause", help="征求第三方或其他机关意见（暂停计时）")
    p.add_argument("ref")
    p.add_argument("--date", type=_day, required=True, help="发出征求意见书的日期")
    p.add_argument("--party", choices=["third_party", "other_body"], default="third_party",
                   help="third_party 第三方（默认），other_body 其他机关")
    p.add_argument("--name", default="", help="被征求意见方的名称")
    p.add_argument("--letter", metavar="FILE.docx", help="同时生成征求意见书")
    _common(p, actor=True)
    p.set_defaults(handler=_pause)

    p = rs.add_parser("resume", help="收到意见或意见期满（恢复计时）")
    p.add_argument("ref")
    p.add_argument("--date", type=_day, required=True)
    p.add_argument("--party", choices=["third_party", "other_body"])
    _common(p, actor=True)
    p.set_defaults(handler=_resume)

    p = rs.add_parser("extend", help="延期答复（第三十三条），或以 --until 确定合理的答复期限（第三十五条）")
    p.add_argument("ref")
    p.add_argument("--date", type=_day, required=True, help="决定日期")
    p.add_argument("--workdays", type=_positive, help="延长的工作日数（默认 20）")
    p.add_argument("--until", type=_day, help="第三十五条：合理的答复期限")
    p.add_argument("--reason", required=True, help="理由")
    p.add_argument("--letter", metavar="FILE.docx", help="同时生成告知书")
    _common(p, actor=True)
    p.set_defaults(handler=_extend)

    p = rs.add_parser("fee", help="发出收费通知（按件或按量计算），或以 --paid 登记缴费")
    p.add_argument("ref")
    p.add_argument("--date", type=_day, help="收费通知日期")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--pieces", type=_positive, help="按件：本申请的件数（与本月此前件数累计）")
    g.add_argument("--pages", type=_positive, help="按量：页数")
    p.add_argument("--payment", metavar="缴纳方式", help="写入收费通知书的缴纳方式（默认见台账设置 fee_payment_method）")
    p.add_argument("--paid", type=_day, help="缴费日期")
    p.add_argument("--letter", metavar="FILE.docx", help="同时生成收费通知书")
    _common(p, actor=True)
    p.set_defaults(handler=_fee_notice)

    p = rs.add_parser("reply", help="答复并登记办理结果（表三的一行）")
    p.add_argument("ref")
    p.add_argument("--date", type=_day, required=True, help="答复日期")
    p.add_argument("--outcome", required=True, help="办理结果：表三行号（如 granted、denied.third_party）或名称")
    p.add_argument("--note", default="", help="答复要点（获取方式、理由等，写入答复书）")
    p.add_argument("--ground", choices=["1", "2", "4", "5"],
                   help="所依据的第三十六条的一项：予以公开 1 已主动公开、2 提供（默认）；本机关不掌握 4 信息不存在、"
                        "5 不属于本机关负责公开（须同时给 --body 和 --body-contact）")
    p.add_argument("--body", metavar="机关", help="第（五）项：负责公开该信息的行政机关名称")
    p.add_argument("--body-contact", metavar="联系方式", help="第（五）项：该机关的联系方式")
    p.add_argument("--letter", metavar="FILE.docx", help="同时生成答复书")
    _common(p, actor=True)
    p.set_defaults(handler=_reply)

    p = rs.add_parser("archive", help="归档已答复的申请")
    p.add_argument("ref")
    p.add_argument("--date", type=_day, required=True)
    _common(p, actor=True)
    p.set_defaults(handler=_archive)

    p = rs.add_parser("letter", help="（重新）生成一件申请的文书（落款日期是办理事项的日期）")
    p.add_argument("ref")
    p.add_argument("kind", help="receipt 登记回执、correction 补正告知书、extension 延期答复告知书、"
                                "later_deadline 延迟答复告知书、consultation 征求意见书、fee 收费通知书、reply 答复书、"
                                "withdrawal 撤回确认书")
    p.add_argument("--out", required=True, metavar="FILE.docx|FILE.pdf")
    p.add_argument("--event", type=_positive, metavar="N", help="同类办理记录有多条时（如两次征求意见），按日期顺序取第 N 条（默认最后一条）")
    _common(p)
    p.set_defaults(handler=_letter)

    tpl = rs.add_parser("template", help="文书模板：导出默认模板供本机关在 Word 中修改，检查并启用修改后的模板")
    ts = tpl.add_subparsers(dest="template_command", metavar="子命令", parser_class=type(reg))
    tpl.set_defaults(handler=lambda a: (tpl.print_help(), 2)[1])
    p = ts.add_parser("list", help="列出全部文书模板及本机关正在使用的模板")
    p.set_defaults(handler=_template_list)
    p = ts.add_parser("export", help="把默认模板写到一个文件夹（每种文书一个 .docx）")
    p.add_argument("dir")
    p.set_defaults(handler=_template_export)
    p = ts.add_parser("check", help="检查修改后的模板是否仍有全部必备内容（依据、救济途径等）")
    p.add_argument("letter", help="模板名，如 granted、fee（见 template list）")
    p.add_argument("file", metavar="FILE.docx")
    p.set_defaults(handler=_template_check)
    p = ts.add_parser("install", help="检查通过后启用为本机关的模板")
    p.add_argument("letter")
    p.add_argument("file", metavar="FILE.docx")
    p.set_defaults(handler=_template_install)

    p = rs.add_parser("export", help="导出台账为 CSV 或 Excel")
    p.add_argument("file", metavar="FILE.csv|FILE.xlsx")
    p.add_argument("--with-contact", action="store_true", help="包括申请人联系方式（注意保密）")
    p.add_argument("--year", type=int, help="只导出该年收到的申请")
    _common(p)
    p.set_defaults(handler=_export)

    p = rs.add_parser("import", help="从 CSV 或 Excel 导入台账（全部检查无误才导入）")
    p.add_argument("file", metavar="FILE.csv|FILE.xlsx")
    _common(p, actor=True)
    p.set_defaults(handler=_import)

    p = rs.add_parser("table3", help="由台账计算年度报告表三")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true", help="输出报告 JSON（gongkai.report/1）")
    p.add_argument("--cell", help="列出某一格的申请，如 granted.natural_person 或 carried_forward.total")
    p.add_argument("--agency", help="机关名称")
    _common(p)
    p.set_defaults(handler=_table3)

    p = rs.add_parser("rebuild", help="按办理记录重新计算全部申请的状态和期限（录入新节假日安排后）")
    _common(p)
    p.set_defaults(handler=_rebuild)

    cal = rs.add_parser("calendar", help="节假日安排：查看或录入新一年的国务院办公厅通知")
    cs = cal.add_subparsers(dest="calendar_command", metavar="子命令", parser_class=type(reg))
    cal.set_defaults(handler=lambda a: (cal.print_help(), 2)[1])
    p = cs.add_parser("list", help="列出已知的年份")
    _common(p)
    p.set_defaults(handler=_calendar_list)
    p = cs.add_parser("add", help="录入一年的节假日安排")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--notice", required=True, help="通知文号，如 国办发明电〔2026〕××号")
    p.add_argument("--holidays", required=True,
                   help="放假日期，逗号分隔，可用区间：2027-01-01,2027-02-06..2027-02-12")
    p.add_argument("--workdays", default="", help="调休上班的周末日期，逗号分隔")
    _common(p, actor=True)
    p.set_defaults(handler=_calendar_add)

    p = sub.add_parser("deadline", help="计算答复期限（ISO 日期）并列出逐日计算过程")
    p.add_argument("date", type=_day, help="提交日期")
    p.add_argument("--channel", default="当面", help="提交方式（默认当面）")
    p.add_argument("--received", type=_day, help="签收或确认日期（邮寄、平信、互联网、传真）")
    p.add_argument("--extend", nargs="?", type=_positive, const=20, metavar="N", help="延期 N 个工作日（默认 20）")
    _common(p)
    p.set_defaults(handler=_deadline)

    p = sub.add_parser("fee", help="计算信息处理费（元）")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--pieces", type=_nonneg, help="按件：件数")
    g.add_argument("--pages", type=_nonneg, help="按量：页数")
    p.add_argument("--earlier", type=_nonneg, default=0, help="按件：同一申请人本月此前已申请的件数")
    p.set_defaults(handler=_fee_calc)


# -- helpers -----------------------------------------------------------------------------
def _open(args):
    from gongkai.register.store import Register
    return Register(args.db)


def _actor(args) -> str:
    return getattr(args, "by", None) or default_actor("未署名")


def _letter_out(reg, ref: str, kind: str, path: str | None) -> None:
    if path:
        from gongkai.register.letters import KIND_LABELS, write_letter
        try:
            out = write_letter(reg, ref, kind, path)
        except GongkaiError as exc:   # the event stands; only its letter is missing
            raise GongkaiError(f"办理事项已登记，但未能生成{KIND_LABELS[kind]}：{exc.message}"
                               f"（补全后用 gongkai register letter {ref} {kind} 生成）", exc.path) from None
        print(f"已生成{KIND_LABELS[kind]}：{out}")


def _print_case(reg, ref: str, case) -> None:
    from gongkai.register.vocab import outcomes, state_labels
    c = case.clock
    line = f"{ref}：{state_labels()[case.state]}"
    if case.outcome:
        line += f"，{outcomes()[case.outcome]}"
    elif c.due:
        line += f"，答复期限 {c.due.isoformat()}"
    else:
        line += f"，期限暂停（已计{c.counted}个工作日）"
    print(line)
    for w in c.warnings:
        print(f"注意：{w}", file=sys.stderr)


# -- handlers ----------------------------------------------------------------------------
def _add(args) -> int:
    from gongkai.register.store import Applicant, NewRequest
    from gongkai.register.vocab import applicant_type_id, channel_id, channels
    atype = applicant_type_id(args.type, None, "--type")
    channel = channel_id(args.channel, None, "--channel")
    receipt = channels()[channel].receipt
    new = NewRequest(Applicant(atype, args.name, args.id_number, args.phone, args.email, args.address), channel,
                     args.content, args.date, signed_on=args.received if receipt == "signed" else None,
                     confirmed_on=args.received if receipt == "confirmed" else None, pieces=args.pieces, ref=args.ref)
    with _open(args) as reg:
        ref = reg.add(new, _actor(args))
        _print_case(reg, ref, reg.case(ref))
        _letter_out(reg, ref, "receipt", args.letter)
    return 0


def _list(args) -> int:
    from gongkai.register.vocab import applicant_types, channels, outcomes, state_labels
    where, params = [], []
    if args.year:
        where.append("r.received_on >= ? AND r.received_on <= ?")
        params += [f"{args.year}-01-01", f"{args.year}-12-31"]
    if args.open:
        where.append("r.concluded_on IS NULL")
    with _open(args) as reg:
        reqs = reg.requests(" AND ".join(where), tuple(params))
    print("编号\t收到日期\t申请人类型\t申请人\t提交方式\t状态\t答复期限\t办理结果")
    for r in reqs:
        print("\t".join([r.ref, r.received_on.isoformat(), applicant_types()[r.applicant.type],
                         r.applicant.masked_name(), channels()[r.channel].label, state_labels()[r.state],
                         (r.due_on.isoformat() + ("（推算）" if r.due_assumed else ""))
                         if r.due_on and not r.outcome else "",
                         outcomes()[r.outcome] if r.outcome else ""]))
    print(f"共 {len(reqs)} 件", file=sys.stderr)
    if any(r.due_assumed and not r.outcome for r in reqs):
        print("注意：标有“（推算）”的期限用到了尚未录入节假日安排的年份，只按周末推算；"
              "请用 gongkai register calendar add 录入后执行 gongkai register rebuild。", file=sys.stderr)
    return 0


def _show(args) -> int:
    from gongkai.register.fees import BASES
    from gongkai.register.vocab import (applicant_types, channels, event_field_labels, event_labels, outcomes,
                                        party_labels, state_labels)
    shown = {**outcomes(), **party_labels(), **BASES}
    with _open(args) as reg:
        r = reg.get(args.ref)
        case = reg.case(args.ref)
    a = r.applicant
    print(f"编号：{r.ref}")
    print(f"申请人：{a.name if args.contact else a.masked_name()}（{applicant_types()[a.type]}）")
    if args.contact:
        print(f"证件号码：{a.id_number}\n联系电话：{a.phone}\n电子邮箱：{a.email}\n通信地址：{a.address}")
    print(f"提交方式：{channels()[r.channel].label}；提交日期：{r.submitted_on.isoformat()}；"
          f"收到日期：{r.received_on.isoformat()}；件数：{r.pieces}")
    print(f"申请内容：{r.content}")
    print(f"状态：{state_labels()[case.state]}" + (f"；办理结果：{outcomes()[case.outcome]}" if case.outcome else ""))
    print("办理记录：")
    for e in r.events:
        extra = "；".join(f"{event_field_labels().get(k, k)}：{shown.get(v, v) if isinstance(v, str) else v}"
                         for k, v in e.data.items())
        print(f"  {e.on.isoformat()} {event_labels()[e.kind]}" + (f"（{extra}）" if extra else "")
              + f"  经办：{e.actor}  登记于 {e.recorded_at}")
    print("期限计算：")
    print(case.clock.render())
    return 0


def _due(args) -> int:
    from gongkai.register.vocab import state_labels
    today = args.today or date.today()
    with _open(args) as reg:
        within = reg.settings.due_soon_workdays if args.within is None else args.within
        horizon, _ = reg.calendar.add_workdays(today, within)
        rows = []
        for req, case in reg.open_cases():
            c = case.clock
            if case.state == "awaiting_correction" and c.correction_until and c.correction_until < today:
                rows.append((c.correction_until, req.ref, "补正期满未补正：可按“逾期不补正”答复"))
            elif case.state == "awaiting_fee" and c.fee_pay_until and c.fee_pay_until < today:
                rows.append((c.fee_pay_until, req.ref, "缴费期满未缴费：可按“逾期未缴费”答复"))
            elif c.due and c.due < today:
                rows.append((c.due, req.ref, f"已超期（答复期限 {c.due.isoformat()}）"))
            elif c.due and c.due <= horizon:
                left = reg.calendar.workdays_between(today, c.due)
                rows.append((c.due, req.ref, f"即将到期：{c.due.isoformat()}，还剩{left}个工作日"
                             + ("（期限按周末推算，节假日安排未知）" if c.assumed else "")))
            elif c.consultation_reply_by and c.consultation_reply_by < today:
                rows.append((c.consultation_reply_by, req.ref,
                             f"{state_labels()[case.state]}：第三方意见期限 {c.consultation_reply_by.isoformat()} 已过"))
    for _, ref, text in sorted(rows):
        print(f"{ref}\t{text}")
    print(f"共 {len(rows)} 件需要处理（截至 {today.isoformat()}）", file=sys.stderr)
    return 0


def _correct(args) -> int:
    with _open(args) as reg:
        if args.received:
            case = reg.record(args.ref, "corrected", args.received, _actor(args))
        else:
            case = reg.record(args.ref, "correction_requested", args.date, _actor(args),
                              until=args.until, items=args.items)
            _letter_out(reg, args.ref, "correction", args.letter)
        _print_case(reg, args.ref, case)
    return 0


def _pause(args) -> int:
    with _open(args) as reg:
        case = reg.record(args.ref, "consultation_started", args.date, _actor(args), party=args.party,
                          name=args.name or None)
        _print_case(reg, args.ref, case)
        _letter_out(reg, args.ref, "consultation", args.letter)
    return 0


def _resume(args) -> int:
    with _open(args) as reg:
        _print_case(reg, args.ref, reg.record(args.ref, "consultation_ended", args.date, _actor(args),
                                              party=args.party))
    return 0


def _extend(args) -> int:
    with _open(args) as reg:
        if args.until:
            if args.workdays:
                raise GongkaiError("--until（第三十五条）与 --workdays（第三十三条延期）只能选一个")
            case = reg.record(args.ref, "later_deadline", args.date, _actor(args), until=args.until,
                              reason=args.reason)
            _letter_out(reg, args.ref, "later_deadline", args.letter)
        else:
            case = reg.record(args.ref, "extended", args.date, _actor(args),
                              workdays=args.workdays or reg.settings.max_extension_workdays, reason=args.reason)
            _letter_out(reg, args.ref, "extension", args.letter)
        _print_case(reg, args.ref, case)
    return 0


def _fee_notice(args) -> int:
    from gongkai.register.fees import fee_for_request
    with _open(args) as reg:
        if args.paid:
            if args.date or args.pieces or args.pages:
                raise GongkaiError("登记缴费时只需 --paid 日期")
            _print_case(reg, args.ref, reg.record(args.ref, "fee_paid", args.paid, _actor(args)))
            return 0
        if not args.date or not (args.pieces or args.pages):
            raise GongkaiError("发出收费通知需要 --date 和 --pieces 或 --pages")
        req = reg.get(args.ref)
        basis, units = ("pieces", args.pieces) if args.pieces else ("pages", args.pages)
        earlier = reg.pieces_in_month(req.applicant, req.received_on, before_ref=req.ref) if basis == "pieces" else 0
        amount = fee_for_request(basis, units, earlier)
        if amount <= 0:
            raise GongkaiError(f"按此件数或页数不收费（{'本月此前已申请' + str(earlier) + '件，' if earlier else ''}"
                               "未超过免费额度），无需发出收费通知")
        case = reg.record(args.ref, "fee_notice", args.date, _actor(args), amount=amount, basis=basis,
                          units=units, earlier=earlier, payment=args.payment or None)
        print(f"信息处理费：{amount}元")
        _print_case(reg, args.ref, case)
        _letter_out(reg, args.ref, "fee", args.letter)
    return 0


def _reply(args) -> int:
    from gongkai.register.vocab import outcome_id
    with _open(args) as reg:
        case = reg.record(args.ref, "replied", args.date, _actor(args),
                          outcome=outcome_id(args.outcome, None, "--outcome"), note=args.note or None,
                          ground=args.ground, body=args.body, body_contact=args.body_contact)
        _print_case(reg, args.ref, case)
        _letter_out(reg, args.ref, "reply", args.letter)
    return 0


def _archive(args) -> int:
    with _open(args) as reg:
        _print_case(reg, args.ref, reg.record(args.ref, "archived", args.date, _actor(args)))
    return 0


def _letter(args) -> int:
    from gongkai.register.letters import KIND_LABELS, write_letter
    with _open(args) as reg:
        out = write_letter(reg, args.ref, args.kind, args.out, nth=args.event)
    print(f"已生成{KIND_LABELS.get(args.kind, args.kind)}：{out}")
    return 0


def _template_list(args) -> int:
    from gongkai.register.letters import letter_ids, office_template_dir, spec
    folder = office_template_dir()
    print(f"本机关模板文件夹：{folder}")
    for letter in letter_ids():
        own = (folder / f"{letter}.docx").is_file()
        print(f"{letter}\t{spec(letter)['title']}\t{'本机关模板' if own else '默认模板'}")
    return 0


def _template_export(args) -> int:
    from pathlib import Path

    from gongkai.register.letters import letter_ids, shipped_template
    folder = Path(args.dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for letter in letter_ids():
            (folder / f"{letter}.docx").write_bytes(shipped_template(letter))
    except OSError as exc:
        raise GongkaiError(f"无法写入模板（{exc.strerror}）", str(folder)) from exc
    print(f"已导出 {len(letter_ids())} 个默认模板：{folder}")
    print("在 Word 中修改后，用 gongkai register template install 模板名 文件 启用。")
    return 0


def _template_check(args) -> int:
    from gongkai.register.letters import check_template
    problems = check_template(args.letter, args.file)
    for p in problems:
        print(f"{args.file}：{p}", file=sys.stderr)
    if problems:
        return 1
    print(f"{args.file}：可以使用")
    return 0


def _template_install(args) -> int:
    from gongkai.register.letters import install_template
    target = install_template(args.letter, args.file)
    print(f"已启用本机关模板：{target}")
    return 0


def _export(args) -> int:
    from gongkai.register.exchange import export_file
    with _open(args) as reg:
        n = export_file(reg, args.file, args.with_contact, args.year)
    print(f"已导出 {n} 件申请：{args.file}")
    return 0


def _import(args) -> int:
    from gongkai.register.exchange import import_file
    with _open(args) as reg:
        refs = import_file(reg, args.file, _actor(args))
    print(f"已导入 {len(refs)} 件申请（{refs[0]} 至 {refs[-1]}）")
    return 0


def _table3(args) -> int:
    from gongkai.format import FORMAT
    from gongkai.register.table3 import compute, drill
    with _open(args) as reg:
        if args.cell:
            refs = drill(reg.db, args.year, args.cell)
            for ref in refs:
                print(ref)
            print(f"共 {len(refs)} 件", file=sys.stderr)
            return 0
        from gongkai.register.settings import shipped_settings
        configured = reg.settings.agency if reg.settings.agency != shipped_settings().agency else None
        report = compute(reg.db, args.year, args.agency or configured)
    if args.json:
        print(report.to_json())
        return 0
    cols = FORMAT.table3_column_ids
    print(f"{args.year}年 收到和处理政府信息公开申请情况（由台账计算，截至{args.year}年12月31日）")
    print("\t".join(["行", *[c.label for c in FORMAT.table3_columns]]))
    for row, cells in report.table3.items():
        label = FORMAT.table3_rows[row].label
        group = FORMAT.table3_rows[row].group
        if group and not label.startswith(group):
            label = f"{group}{label}"
        print("\t".join([label, *[str(cells[c]) for c in cols]]))
    return 0


def _rebuild(args) -> int:
    with _open(args) as reg:
        n = reg.rebuild()
    print(f"已重新计算 {n} 件申请的状态和期限")
    return 0


def _calendar_list(args) -> int:
    from gongkai.db import office_time
    from gongkai.workdays import entries
    with _open(args) as reg:
        cal, entered = reg.calendar, entries(reg.db)
    lo, hi = cal.library_years
    print(f"chinesecalendar 提供：{lo}–{hi} 年")
    for year, n in sorted(cal.overrides.items()):
        who = next((e for e in reversed(entered) if e.notice.year == year), None)
        source = f"{who.actor} 录入于 {office_time(who.recorded_at)}" if who else n.source
        print(f"{year} 年：{n.notice or '（未注明文号）'}；放假 {len(n.holidays)} 天，调休上班 {len(n.workdays)} 天"
              f"（{source}）")
    print(f"已知节假日安排截至：{cal.last_known_day.isoformat()}")
    return 0


def _calendar_add(args) -> int:
    from gongkai.workdays import add_notice, load_calendar, parse_days
    split = lambda text: [t for t in text.replace("，", ",").split(",") if t.strip()]  # noqa: E731
    holidays = parse_days(split(args.holidays), "命令行", "--holidays")
    workdays = parse_days(split(args.workdays), "命令行", "--workdays")
    with _open(args) as reg:
        add_notice(reg.db, args.year, holidays, workdays, args.notice, _actor(args))
        reg.calendar = load_calendar(reg.db)
        n = reg.rebuild()
    print(f"已录入 {args.year} 年节假日安排（放假 {len(holidays)} 天，调休上班 {len(workdays)} 天），"
          f"并按新安排重新计算了 {n} 件申请的期限")
    return 0


def _deadline(args) -> int:
    from gongkai.register.clock import Event, compute_clock, receipt_date
    from gongkai.register.settings import load_settings
    from gongkai.register.vocab import channel_id
    channel = channel_id(args.channel, None, "--channel")
    received, why = receipt_date(channel, args.date, signed=args.received, confirmed=args.received)
    events = [Event("extended", received, {"workdays": args.extend}, id=1)] if args.extend else []
    clock = compute_clock(received, events, _calendar(args), load_settings())
    print(clock.due.isoformat())
    print(why)
    print(clock.render())
    return 0


def _calendar(args):
    """The holiday notices entered in the register's database, when there is one (a calculator
    creates no database)."""
    from gongkai.db.paths import default_register_path
    from gongkai.workdays import load_calendar
    if not args.db and not default_register_path().exists():
        return load_calendar()
    with _open(args) as reg:
        return reg.calendar


def _fee_calc(args) -> int:
    from gongkai.register.fees import breakdown, fee_for_request
    basis, units = ("pieces", args.pieces) if args.pieces is not None else ("pages", args.pages)
    earlier = args.earlier if basis == "pieces" else 0
    amount = fee_for_request(basis, units, earlier)
    print(f"{amount}元")
    unit = "件" if basis == "pieces" else "页"
    for line in breakdown(basis, units, earlier):
        print(f"  第{line.first}–{line.last}{unit}：每{unit}{line.rate}元，计{line.amount}元")
    return 0
