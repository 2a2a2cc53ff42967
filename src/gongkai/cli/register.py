"""``gongkai register …`` (the request register) and the clerks' calculators ``gongkai
deadline`` and ``gongkai fee``.  Thin: parsing and printing; the work is in gongkai.register.

The commands that record a step (add, correct, corrected, pause, resume, extend, later, fee,
paid, reply, withdraw, archive, deliver, amend, void) are made from the declaration of the
steps (``register/data/events.yaml``): their options are the steps' fields.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from functools import partial
from pathlib import Path

from gongkai.cli.choices import PREFIX_HELP, expand, prefix_type
from gongkai.errors import GongkaiError
from gongkai.settings import current, default_actor


def _day(text: str) -> date:
    from gongkai.register.events import DATE_HINT, parse_date
    try:
        d = parse_date(text)
    except ValueError:
        d = None
    if d is None:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，{DATE_HINT}")
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
        add_actor(p)


def add_actor(p: argparse.ArgumentParser) -> None:
    """``--actor`` (as ``gongkai log`` spells it; ``--by``, the register's first spelling, stays
    accepted): who records."""
    p.add_argument("--actor", "--by", dest="by", metavar="经办人",
                   help="经办人（默认环境变量 GONGKAI_ACTOR，否则当前登录名）")


def actor(args) -> str:
    """Who records a step: ``--by``, else GONGKAI_ACTOR, else the login name, else 未署名."""
    return getattr(args, "by", None) or default_actor("未署名")



def add_parser(sub) -> None:
    reg = sub.add_parser("register", help="依申请公开台账：登记、期限、收费、文书、表三",
                         description="依申请公开台账。每个子命令都可用 --db 指定数据库。")
    rs = reg.add_subparsers(dest="register_command", metavar="子命令", parser_class=type(reg))
    reg.set_defaults(handler=lambda a: (reg.print_help(), 2)[1])
    from gongkai.register.events import kinds
    for k in kinds().values():
        _step_parser(rs, k)
    _reading_parsers(rs)
    _letter_parsers(rs, reg)
    _exchange_parsers(rs)
    _calendar_parsers(rs, reg)
    _calculator_parsers(sub)


def _listed(vocabulary: str | None) -> str:
    """A short vocabulary's labels for --help (可选：自然人、商业企业、…), so the clerk needs no
    refusal to learn them; a long one (the outcomes: table 3's rows) by a few names a clerk writes and how
    to see them all (a wrong beginning is refused listing them)."""
    from gongkai.register.events import choices

    labels = list(choices(vocabulary or "").values())
    if len(labels) <= 8:
        return f"；可选：{'、'.join(labels)}"
    return f"；共 {len(labels)} 项（表三的各行），如 予以公开、部分公开、本机关不掌握，写错时列出全部"


def _step_parser(rs, k) -> None:
    from gongkai.register.events import choice_names
    from gongkai.register.letters import KIND_LABELS
    p = rs.add_parser(k.command, help=k.help, description=k.help + (f"（{k.article}）" if k.article else ""))
    if k.id != "registered":
        p.add_argument("ref", metavar="编号", help="申请编号")
    for f in k.entered:
        text = f.label + ("（必填）" if f.required and f.default is None else "") + (f"：{f.help}" if f.help else "")
        if f.positional:
            p.add_argument(f.name, metavar=f.label, help=text)
        elif f.type == "choice":
            p.add_argument(f.option, dest=f.name, metavar=f.label, help=f"{text}{_listed(f.choices)}；{PREFIX_HELP}",
                           type=prefix_type(partial(choice_names, f.choices), f.label))
        else:
            p.add_argument(f.option, dest=f.name, metavar=f.label, help=text)
    when = "提交日期" if k.id == "registered" else f"{k.label}的日期" + ("（默认今天）" if k.dated_today else "")
    p.add_argument("--date", "--on", dest="date", metavar="日期", type=_day, required=not k.dated_today,
                   help=when)
    if k.id == "registered":
        p.add_argument("--ref", help="申请编号（默认自动编号：年份-序号）")
    if k.letter:
        p.add_argument("--letter", metavar="FILE.docx|FILE.pdf", help=f"同时生成{KIND_LABELS.get(k.letter, '文书')}")
    _common(p, actor=True)
    p.set_defaults(handler=_step, step=k.id)


def _outcome_filter_names() -> dict[str, list[str]]:
    from gongkai.register.vocab import outcome_filter_names  # read only when --outcome is given
    return outcome_filter_names()


def _reading_parsers(rs) -> None:
    p = rs.add_parser("list", help="列出申请（不显示联系方式），可按年份、申请人、内容、结果、日期筛选")
    p.add_argument("--year", type=int, help="只列出该年收到的申请")
    # a date range is --since/--until in the register and the log alike (--from/--to: the first spelling)
    p.add_argument("--since", "--from", dest="since", type=_day, metavar="日期", help="收到日期不早于该日")
    p.add_argument("--until", "--to", dest="until", type=_day, metavar="日期", help="收到日期不晚于该日")
    p.add_argument("--open", action="store_true", help="只列出未办结的申请")
    p.add_argument("--late", action="store_true", help="只列出逾期的申请（逾期答复或已超期）")
    p.add_argument("--applicant", metavar="姓名", help="申请人姓名或名称包含")
    p.add_argument("--content", metavar="文字", help="申请内容包含")
    p.add_argument("--outcome", metavar="结果", help=f"办理结果（表三的行或其类别，如 denied、不予公开）；{PREFIX_HELP}",
                   type=prefix_type(_outcome_filter_names, "办理结果"))
    p.add_argument("--voided", action="store_true", help="包括作废的登记")
    _common(p)
    p.set_defaults(handler=_list)

    p = rs.add_parser("show", help="显示一件申请、全部办理记录（含更正、作废、送达）和逐日期限计算")
    p.add_argument("ref")
    p.add_argument("--contact", action="store_true", help="同时显示申请人联系方式")
    _common(p)
    p.set_defaults(handler=_show)

    p = rs.add_parser("due", help="即将到期和已超期的申请")
    p.add_argument("--today", "--on", dest="today", metavar="日期", type=_day,
                   help="以该日为今天（默认今天）")
    p.add_argument("--within", type=_nonneg, help="几个工作日内到期算“即将到期”（默认见设置）")
    _common(p)
    p.set_defaults(handler=_due)

    p = rs.add_parser("late", help="某年逾期的申请：该年逾期答复的，和年末已超过答复期限尚未办结的")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true",
                   help="输出 JSON：每件一项，workdays_late 为逾期工作日数，workdays_late_assumed 为真时该数为推算")
    _common(p)
    p.set_defaults(handler=_late)


def _letter_parsers(rs, reg) -> None:
    p = rs.add_parser("letter", help="（重新）生成一件申请的文书（落款日期是办理事项的日期）")
    p.add_argument("ref")
    p.add_argument("kind", help="receipt 登记回执、correction 补正告知书、extension 延期答复告知书、"
                                "later_deadline 延迟答复告知书、consultation 征求意见书、fee 收费通知书、reply 答复书、"
                                "withdrawal 撤回确认书")
    p.add_argument("-o", "--out", dest="out", required=True, metavar="FILE.docx|FILE.pdf",
                   help="文书写到这个文件：.docx（可在 Word 中修改）或 .pdf（需要 LibreOffice）")
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
    p.add_argument("letter", metavar="模板", help=LETTER_HELP)
    p.add_argument("file", metavar="FILE.docx")
    p.set_defaults(handler=_template_check)
    p = ts.add_parser("install", help="检查通过后启用为本机关的模板")
    p.add_argument("letter", metavar="模板", help=LETTER_HELP)
    p.add_argument("file", metavar="FILE.docx")
    p.set_defaults(handler=_template_install)


def _exchange_parsers(rs) -> None:
    p = rs.add_parser("export", help="导出台账为 CSV 或 Excel：每条办理记录一行，全部事实，可原样导入")
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

    p = rs.add_parser("since", help="台账起始日期：声明自哪天起收到的申请（及当天仍在办理的申请）都已登记；"
                                   "此前的年度表三留空，不算 0")
    p.add_argument("--date", "--on", dest="on", metavar="日期", type=_day,
                   help="台账起始日期，如 2025-01-01（不写：显示现在的声明和历次声明）")
    p.add_argument("--note", metavar="说明", default="", help="说明，如“2025年起全部申请录入本系统”")
    _common(p, actor=True)
    p.set_defaults(handler=_since)

    p = rs.add_parser("rebuild", help="按办理记录重新计算全部申请的状态和期限")
    _common(p)
    p.set_defaults(handler=_rebuild)


def _calendar_parsers(rs, reg) -> None:
    cal = rs.add_parser("calendar", help="节假日安排：查看或录入新一年的国务院办公厅通知")
    cs = cal.add_subparsers(dest="calendar_command", metavar="子命令", parser_class=type(reg))
    cal.set_defaults(handler=lambda a: (cal.print_help(), 2)[1])
    p = cs.add_parser("list", help="列出已知的年份")
    _common(p)
    p.set_defaults(handler=_calendar_list)
    p = cs.add_parser("add", help="录入一年的节假日安排（存入台账数据库，所有使用该数据库的人共用）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--notice", required=True, help="通知文号，如 国办发明电〔2026〕××号")
    p.add_argument("--holidays", required=True,
                   help="放假日期，逗号分隔，可用区间：2027-01-01,2027-02-06..2027-02-12")
    p.add_argument("--workdays", default="", metavar="日期", help="调休上班的周末日期，逗号分隔")
    p.add_argument("--reason", default="", metavar="理由",
                   help="再次录入同一年（更正录错的安排）时必填：更正理由；原记录保留")
    _common(p, actor=True)
    p.set_defaults(handler=_calendar_add)


def _calculator_parsers(sub) -> None:
    from gongkai.register.events import choice_names
    p = sub.add_parser("deadline", help="计算答复期限（ISO 日期）并列出逐日计算过程")
    p.add_argument("date", type=_day, help="提交日期")
    p.add_argument("--channel", default="当面", help=f"提交方式（默认当面）；{PREFIX_HELP}",
                   type=prefix_type(partial(choice_names, "channels"), "提交方式"))
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
def _open(args, create: bool = True):
    """The register; ``create=False`` for a command that only reads it: a mistyped --db (or no
    register yet) is said, not shown as an empty register or a table 3 of zeros."""
    from gongkai.register.office import office_settings
    from gongkai.register.store import Register, web_body_of
    try:
        reg = Register(args.db, create=create)
    except GongkaiError as exc:
        if not create and exc.message == "台账数据库不存在":
            exc.message += "：还没有登记过申请？先用 gongkai register add 登记，或用 --db 指定已有的台账"
        raise
    body = web_body_of(reg.db)   # a web site's body's register: signed and reviewed as the web does
    reg.settings = (office_settings(reg.settings, body.name, body.region, body.review_body, body.court) if body
                    else office_settings(reg.settings, reg.settings.agency))   # the review body its name tells
    return reg


def _letter_out(reg, ref: str, kind: str, path: str | None) -> None:
    if path:
        from gongkai.register.letters import KIND_LABELS, write_letter
        try:
            out = write_letter(reg, ref, kind, Path(path))
        except GongkaiError as exc:   # the event stands; only its letter is missing
            raise GongkaiError(f"办理事项已登记，但未能生成{KIND_LABELS[kind]}：{exc.message}"
                               f"（补全后用 gongkai register letter {ref} {kind} 生成）", exc.path) from None
        print(f"已生成{KIND_LABELS[kind]}：{out}")
        _warn_unset(reg, kind)


def _warn_unset(reg, kind: str) -> None:
    """What the letter of ``kind`` just made says that its office has not set; the review body
    only for a letter that names it (a withdrawal's or a receipt's does not)."""
    from gongkai.register.letters import names_review_body, unset_office_settings
    from gongkai.register.office import review_body_note, told_review_body
    from gongkai.register.settings import load_settings, site_settings_path
    from gongkai.register.store import web_body_of, web_register_number
    body = web_body_of(reg.db)
    warning = unset_office_settings(reg.settings, web=body is not None, kinds=[kind])
    number = web_register_number(reg.db) if body is None else None
    if warning and number is not None:   # a web body's register whose site the settings do not name
        warning += (f"这个台账是网页应用中编号为 {number} 的机关的，但没有读到该网站的数据库：请像启动网页服务时一样"
                    "设置环境变量 GONGKAI_WEB_HOME 和 GONGKAI_WEB_DB，文书就与网页一样按该机关落款。")
    if warning:
        print(f"gongkai：注意：{warning}", file=sys.stderr)
    told = None if (body and body.review_body) or not names_review_body(kind) else \
        told_review_body(load_settings(), reg.settings.agency, body.region if body else None)
    if told:
        print(f"gongkai：{review_body_note(told, site_settings_path(), web=body is not None)}", file=sys.stderr)


def _print_case(reg, ref: str, case) -> None:
    from gongkai.register.vocab import outcomes, state_labels
    c = case.clock
    line = f"{ref}：{state_labels()[case.state]}"
    if case.outcome:
        line += f"，{outcomes()[case.outcome]}"
        if c.late:
            line += f"（逾期：答复期限 {c.missed.isoformat()}）"
    elif c.due:
        line += f"，答复期限 {c.due_text}" + ("（已逾期）" if c.late else "（已超期）" if c.overdue(reg.today()) else "")
    else:
        line += f"，期限暂停（已计{c.counted}个工作日）"
        if case.state == "awaiting_correction" and c.correction_until:
            line += f"，补正期限 {c.correction_until.isoformat()}"
    print(line)
    for w in c.warnings:
        print(f"注意：{w}", file=sys.stderr)


# -- recording a step ----------------------------------------------------------------------
def _step(args) -> int:
    from gongkai.register.events import MissingValue, kinds
    k = kinds()[args.step]
    values = {f.name: getattr(args, f.name) for f in k.entered}
    try:
        return _record_step(args, k, values)
    except MissingValue as exc:   # say which option gives it (a field of this command's step)
        if exc.field not in k.entered:
            raise GongkaiError(f"{exc.message}。本次未登记任何事项") from None
        how = f"请用 {exc.field.option} 填写" if not exc.field.positional else f"请给出{exc.field.label}"
        if exc.setting:
            how += f"，或由管理员在台账设置 {exc.setting} 中统一填写"
        raise GongkaiError(f"{exc.what}：{how}。本次未登记任何事项") from None


def _record_step(args, k, values: dict) -> int:
    with _open(args) as reg:
        if k.id == "registered":
            ref = reg.add(values, actor(args), on=args.date, ref=args.ref)
            case = reg.case(ref)
            _registration_notes(reg, ref)
        else:
            ref = args.ref
            if k.id == "amended":
                values = _amended_value(reg, ref, values)
            case = reg.record(ref, k.id, args.date, actor(args), **values)
            _step_notes(reg, ref)
        _print_case(reg, ref, case)
        if k.letter:
            _letter_out(reg, ref, k.letter, args.letter)
    return 0


def _amended_value(reg, ref: str, values: dict) -> dict:
    """``amend --value`` of a choice field (``--field outcome``) may be written by its beginning,
    as every choice option is: the beginning is expanded against the field of the step amended."""
    from gongkai.register.events import amendable, choice_names
    try:
        n = int(values.get("event") or 1)
    except (TypeError, ValueError):
        return values     # the register says what is wrong with it
    target = next((e for e in reg.history(ref) if e.id == n), None)
    f = amendable(target, str(values.get("field") or "")) if target else None
    if f is None or f.type != "choice" or not f.choices or not values.get("value"):
        return values
    try:
        return {**values, "value": expand(values["value"], choice_names(f.choices), f.label)}
    except argparse.ArgumentTypeError as exc:
        raise GongkaiError(f"{exc}。本次未登记任何事项") from None


def _registration_notes(reg, ref: str) -> None:
    """How the receipt date was set, and earlier requests of the same applicant for the same
    information (重复申请, 条例第三十六条第（六）项)."""
    from gongkai.register.clock import receipt_date
    from gongkai.register.similar import repeats
    req = reg.get(ref)
    first = req.history[0]
    receipt = date.fromisoformat(first.data["receipt_on"]) if first.data.get("receipt_on") else None
    _day_, why = receipt_date(req.channel, req.submitted_on, receipt, receipt)
    print(f"收到申请：{req.received_on.isoformat()}（{why}）")
    for other in repeats(reg, req):
        print(f"注意：同一申请人曾于 {other.received_on.isoformat()} 申请相近内容（{other.ref}，"
              f"{_status(other)}）；如为重复申请，可依条例第三十六条第（六）项答复", file=sys.stderr)


def _status(req) -> str:
    from gongkai.register.vocab import outcomes, state_labels
    return outcomes().get(req.outcome or "", "") or state_labels().get(req.state, req.state)


def _step_notes(reg, ref: str) -> None:
    last = reg.get(ref).history[-1]
    if last.kind == "fee_notice":
        print(f"信息处理费：{last.data['amount']}元")
    if last.data.get("doc_number"):
        print(f"文号：{last.data['doc_number']}")
    from gongkai.register.history import correction_moved_due
    if moved := correction_moved_due(reg.history(ref), reg.today()):
        print(f"注意：{moved}", file=sys.stderr)


# -- reading ---------------------------------------------------------------------------------
def _list(args) -> int:
    from gongkai.format.text import shown_or_blank as blank
    from gongkai.register.filters import RequestFilter
    from gongkai.register.vocab import applicant_types, outcome_group, state_labels
    flt = RequestFilter(year=args.year, received_from=args.since, received_to=args.until,
                        open=True if args.open else None, late=True if args.late else None,
                        applicant=args.applicant, content=args.content,
                        outcome=outcome_group(args.outcome) if args.outcome else None, voided=args.voided)
    with _open(args, create=False) as reg:
        reqs = reg.requests(flt)
        today = reg.today()
    print("编号\t收到日期\t申请人类型\t申请人\t状态\t答复期限\t答复日期\t是否按时\t办理结果")
    for r in reqs:
        print("\t".join([r.ref, r.received_on.isoformat(), applicant_types()[r.applicant.type],
                         r.applicant.masked_name(), state_labels()[r.state], _due_text(r),
                         blank(r.concluded_on), blank(r.timeliness(today)), blank(_status(r) if r.outcome else "")]))
    print(f"共 {len(reqs)} 件", file=sys.stderr)
    if any(r.due_assumed for r in reqs):
        from gongkai.workdays.calendar import ASSUMED_BASIS

        print(f"注意：标有“（推算）”的期限用到了尚未录入节假日安排的年份，{ASSUMED_BASIS}；"
              "请用 gongkai register calendar add 录入该年的通知。", file=sys.stderr)
    return 0


def _due_text(r) -> str:
    from gongkai.format.text import BLANK
    if not r.due_on:
        return "暂停计算" if not r.concluded_on else BLANK
    return r.due_text   # an estimate stays marked once answered: the date is no arrangement's


def _show(args) -> int:
    from gongkai.db import office_time
    from gongkai.format.text import shown_or_blank as blank
    from gongkai.register.history import history_lines
    from gongkai.register.vocab import applicant_types, channels, outcomes, state_labels
    with _open(args, create=False) as reg:
        r = reg.get(args.ref)
        case = reg.case(args.ref)
        today = reg.today()
    a = r.applicant
    print(f"编号：{r.ref}" + ("（已作废）" if r.state == "voided" else ""))
    print(f"申请人：{a.name if args.contact else a.masked_name()}（{applicant_types()[a.type]}）")
    if args.contact:
        print(f"证件号码：{blank(a.id_number)}\n联系电话：{blank(a.phone)}\n电子邮箱：{blank(a.email)}\n"
              f"通信地址：{blank(a.address)}")
    print(f"提交方式：{channels()[r.channel].label}；提交日期：{r.submitted_on.isoformat()}；"
          f"收到日期：{r.received_on.isoformat()}；件数：{r.pieces}")
    print(f"申请内容：{r.content}")
    state = state_labels()[r.state] + (f"；办理结果：{outcomes()[case.outcome]}" if case.outcome else "")
    # late once answered (or a due date passed at some point); open past its due date: 已超期, as
    # `list`, `due` and the web's request page say it
    print(f"状态：{state}" + ("；逾期" if case.clock.late else
                             f"；已超期（答复期限 {case.clock.due_text}，截至 {today.isoformat()}）"
                             if case.clock.overdue(today) else ""))
    print(f"登记：{r.created_by}，{office_time(r.created_at)}")
    print("办理记录：")
    for line in history_lines(r.history, args.contact):
        print(f"  {line}")
    print("期限计算：")
    print(case.clock.render())
    return 0


def _due(args) -> int:
    from gongkai.register.vocab import state_labels
    with _open(args, create=False) as reg:
        today = args.today or reg.today()
        within = reg.settings.due_soon_workdays if args.within is None else args.within
        horizon, _ = reg.calendar.add_workdays(today, within)
        rows = []
        for req, case in reg.open_cases():
            c, who = case.clock, f"{req.applicant.masked_name()}\t{req.content[:20]}"
            if case.state == "awaiting_correction" and c.correction_until and c.correction_until < today:
                rows.append((c.correction_until, req.ref, "补正期满未补正：可按“逾期不补正”答复", who))
            elif case.state == "awaiting_fee" and c.fee_pay_until and c.fee_pay_until < today:
                rows.append((c.fee_pay_until, req.ref, "缴费期满未缴费：可按“逾期未缴费”答复", who))
            elif c.overdue(today):
                missed = c.missed
                late = reg.calendar.workdays_between(missed, today)
                est = "（推算）" if reg.calendar.any_assumed(missed, today) else ""   # counted over unknown days
                rows.append((missed, req.ref, f"已超期：答复期限 {c.due_text}，已超过{late}个工作日{est}", who))
            elif c.due and c.due <= horizon:
                left = reg.calendar.workdays_between(today, c.due)
                est = "（推算）" if reg.calendar.any_assumed(today, c.due) else ""   # counted over unknown days
                rows.append((c.due, req.ref, f"即将到期：{c.due_text}，还剩{left}个工作日{est}", who))
            elif c.consultation_reply_by and c.consultation_reply_by < today:
                rows.append((c.consultation_reply_by, req.ref,
                             f"{state_labels()[case.state]}：第三方意见期限 {c.consultation_reply_by.isoformat()} 已过",
                             who))
    for _, ref, text, who in sorted(rows):
        print(f"{ref}\t{text}\t{who}")
    print(f"共 {len(rows)} 件需要处理（截至 {today.isoformat()}）", file=sys.stderr)
    return 0


def _late(args) -> int:
    from datetime import date

    from gongkai.format.text import BLANK
    # the year's lateness as the checker counts it (Register.late_in): answered in the year after
    # the due date, and still unanswered at the year's end past it — a request overdue since
    # November and answered in January is late in both years' lists
    with _open(args, create=False) as reg:
        end = min(date(args.year, 12, 31), reg.today())
        rows = []
        for r in reg.late_in(args.year):
            concluded = r.concluded_on if r.concluded_on and r.concluded_on.year == args.year else None
            missed = r.due_on or end
            if concluded is None and missed >= end:   # the year not over: not yet due today
                continue
            # counted over days of a year whose notice is not entered: an estimate, and said so
            rows.append((r, concluded, reg.calendar.workdays_between(missed, concluded or end),
                         reg.calendar.any_assumed(missed, concluded or end)))
    if args.json:
        import json
        print(json.dumps([{"ref": r.ref, "received_on": r.received_on.isoformat(),
                           "due_on": r.due_on.isoformat() if r.due_on else None, "due_assumed": r.due_assumed,
                           "concluded_on": concluded.isoformat() if concluded else None,
                           "workdays_late": n, "workdays_late_assumed": est,
                           "status": _status(r) if concluded else f"截至{end.isoformat()}尚未办结"}
                          for r, concluded, n, est in rows], ensure_ascii=False, indent=2))
    else:
        print("编号\t收到日期\t答复期限\t办结日期\t逾期工作日\t办理结果")
        for r, concluded, n, est in rows:
            status = _status(r) if concluded else f"截至{end.isoformat()}尚未办结"
            late = f"{n}（推算）" if est else str(n)
            print(f"{r.ref}\t{r.received_on}\t{r.due_text or BLANK}\t{concluded or BLANK}\t{late}\t{status}")
    open_ = sum(1 for _, concluded, _, _ in rows if concluded is None)
    print(f"{args.year}年逾期 {len(rows)} 件：逾期答复 {len(rows) - open_} 件，截至{end.isoformat()}已超过答复期限"
          f"尚未办结 {open_} 件", file=sys.stderr)
    return 0


def _letter(args) -> int:
    from gongkai.register.letters import KIND_LABELS, write_letter
    with _open(args, create=False) as reg:
        out = write_letter(reg, args.ref, args.kind, args.out, nth=args.event)
        print(f"已生成{KIND_LABELS.get(args.kind, args.kind)}：{out}")
        if args.kind in ("receipt", "extension"):   # printed as it went out: say where the date now differs
            from gongkai.register.clock import told_due_warnings
            req = reg.get(args.ref)
            for w in told_due_warnings(req.received_on, req.events, reg.calendar, reg.settings):
                print(f"gongkai：注意：{w}", file=sys.stderr)
        _warn_unset(reg, args.kind)
    return 0


LETTER_HELP = "模板名（如 granted、fee）、导出的文件名（如 granted-政府信息公开申请答复书（予以公开）.docx）或文书名称；见 template list"


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

    from gongkai.register.letters import letter_ids, shipped_template, template_file_name
    folder = Path(args.dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for letter in letter_ids():
            (folder / template_file_name(letter)).write_bytes(shipped_template(letter))
    except OSError as exc:
        from gongkai.files import os_reason

        raise GongkaiError(f"无法写入模板（{os_reason(exc)}）", str(folder)) from exc
    print(f"已导出 {len(letter_ids())} 个默认模板：{folder}")
    print("在 Word 中修改后，用 gongkai register template install 模板名 文件 启用（模板名即文件名开头的英文，"
          "如 receipt；也可写文件名）。")
    return 0


def _template_check(args) -> int:
    from gongkai.register.letters import check_template, letter_named
    problems = check_template(letter_named(args.letter), args.file)
    for p in problems:
        print(f"{args.file}：{p}", file=sys.stderr)
    if problems:
        return 1
    print(f"{args.file}：可以使用")
    return 0


def _template_install(args) -> int:
    from gongkai.register.letters import install_template, letter_named
    target = install_template(letter_named(args.letter), args.file)
    print(f"已启用本机关模板：{target}")
    return 0


def _export(args) -> int:
    from gongkai.register.exchange import export_file
    with _open(args, create=False) as reg:
        n = export_file(reg, args.file, args.with_contact, args.year)
    print(f"已导出 {n} 件申请：{args.file}")
    return 0


def _import(args) -> int:
    from gongkai.register.exchange import import_file
    with _open(args) as reg:
        refs = import_file(reg, args.file, actor(args))
    print(f"已导入 {len(refs)} 件申请" + (f"（{refs[0]} 至 {refs[-1]}）" if refs else ""))
    return 0


def _table3(args) -> int:
    from gongkai.format import FORMAT
    from gongkai.register.table3 import DECLARE_HINT, compute, drill
    with _open(args, create=False) as reg:
        if args.cell:
            refs = drill(reg.db, args.year, args.cell)
            late = 0
            for ref in refs:
                r = reg.get(ref)
                late += r.late
                print(f"{ref}\t{r.received_on}\t{_status(r)}\t{'逾期' if r.late else ''}".rstrip())
            print(f"共 {len(refs)} 件" + (f"，其中逾期 {late} 件" if late else ""), file=sys.stderr)
            return 0
        from gongkai.register.settings import shipped_settings
        configured = reg.settings.agency if reg.settings.agency != shipped_settings().agency else None
        today = reg.today()
        report = compute(reg.db, args.year, args.agency or configured, today)
    if args.json:
        print(report.to_json())
        return 0
    from gongkai.format.names import row_label
    from gongkai.format.text import shown_or_blank
    from gongkai.register.vocab import LAYOUT
    cols = FORMAT.table3_column_ids
    # a year still running is counted up to today (its note says so too), not to 31 December
    end = date(args.year, 12, 31)
    as_of = today if date(args.year, 1, 1) <= today < end else end
    print(f"{args.year}年 收到和处理政府信息公开申请情况（由台账计算，截至{as_of.year}年{as_of.month}月{as_of.day}日"
          + ("，本年尚未结束" if as_of < end else "") + "）")
    print("\t".join(["行", *[c.label for c in FORMAT.table3_columns]]))
    for row, cells in (report.table3 or {}).items():
        print("\t".join([row_label("table3", row, LAYOUT), *[shown_or_blank(cells[c]) for c in cols]]))
    for note in report.notes[1:]:
        print(f"gongkai：注意：{note}", file=sys.stderr)
    if any(DECLARE_HINT in n for n in report.notes):
        print("gongkai：声明台账起始日期：gongkai register since --date 日期", file=sys.stderr)
    return 0


def _since(args) -> int:
    from gongkai.register.store import kept_since_entries
    with _open(args, create=args.on is not None) as reg:
        if args.on is not None:
            entry = reg.declare_kept_since(args.on, actor(args), args.note)
            since = entry.since
            print(f"已声明台账起始日期：{since.isoformat()}（{entry.actor}，{entry.recorded_at}）：自该日起收到的申请"
                  f"和当天仍在办理的申请都应在台账中；{since.year - 1}年及以前的表三留空（不是 0）"
                  + ("。" if (since.month, since.day) == (1, 1) else
                     f"，{since.year}年表三只计算“结转下年度继续办理”，其余各行留空。"))
            return 0
        entries = kept_since_entries(reg.db)
    if not entries:
        print("未声明台账起始日期：表三按台账中最早收到的申请所在年份的1月1日推定（没有申请时各年都留空）。"
              "声明：gongkai register since --date 日期")
        return 0
    for i, e in enumerate(entries):
        state = "现行" if i == len(entries) - 1 else "已被后来的声明取代"
        print(f"{e.since.isoformat()}\t{state}\t{e.actor}\t{e.recorded_at}" + (f"\t{e.note}" if e.note else ""))
    return 0


def _rebuild(args) -> int:
    with _open(args) as reg:
        n = reg.rebuild()
    print(f"已重新计算 {n} 件申请的状态和期限")
    return 0


def _calendar_list(args) -> int:
    from gongkai.db import office_time
    from gongkai.workdays import entries
    from gongkai.workdays.calendar import ASSUMED_BASIS, shipped_note
    from gongkai.workdays.store import other_offices_differences

    with _open(args) as reg:
        cal, entered = reg.calendar, entries(reg.db)
        elsewhere = other_offices_differences(reg.db)   # another office's (or the site's) entry
    lo, hi = cal.library_years
    print(f"chinesecalendar 提供：{lo}–{hi} 年")
    for year, n in sorted(cal.overrides.items()):
        who = next((e for e in reversed(entered) if e.notice.year == year), None)
        source = f"{who.actor} 录入于 {office_time(who.recorded_at)}" if who else n.source
        print(f"{year} 年：{n.notice or '（未注明文号）'}；放假 {len(n.holidays)} 天，调休上班 {len(n.workdays)} 天"
              f"（{source}）")
        # the entries it replaced stay on the record (append-only), with how they differed
        for e in [e for e in entered if e.notice.year == year][:-1]:
            print(f"  此前录入、已不再使用：{e.notice.notice or '（未注明文号）'}（{e.actor} 录入于 "
                  f"{office_time(e.recorded_at)}）{_notice_difference(e.notice, n)}"
                  + (f"；更正理由：{e.reason}" if e.reason else ""))
        if (current := next((e for e in reversed(entered) if e.notice.year == year), None)) and current.reason:
            print(f"  更正理由：{current.reason}")
        if current and (note := shipped_note(n)):   # an office's entry beside what this release ships
            print(f"  {note}")
        for _, other in [x for x in elsewhere if x[0] == year]:
            print(f"  注意：{other}")
    print(f"已知节假日安排截至：{cal.last_known_day.isoformat()}")
    print(f"此后的年份未录入通知前，{ASSUMED_BASIS}，相关期限标注“推算”，不是正式安排")
    return 0


def _notice_difference(old, new) -> str:
    """How an earlier entry of a year differs from the one in force, in words."""
    def days(ds) -> str:
        return "、".join(d.isoformat() for d in sorted(ds))
    parts = [(f"放假{label}", ds) for label, ds in (("多", old.holidays - new.holidays), ("少", new.holidays - old.holidays))]
    parts += [(f"调休上班{label}", ds) for label, ds in (("多", old.workdays - new.workdays),
                                                       ("少", new.workdays - old.workdays))]
    shown = "；".join(f"{what} {days(ds)}" for what, ds in parts if ds)
    return f"：与现行安排相比，{shown}" if shown else "：日期与现行安排相同"


def _calendar_add(args) -> int:
    from gongkai.db import office_time
    from gongkai.register.clock import told_due_warnings
    from gongkai.register.store import due_moved
    from gongkai.workdays import add_notice, entries, load_calendar
    from gongkai.workdays.calendar import days_from_text, shipped_note
    from gongkai.workdays.store import other_offices_differences
    holidays = days_from_text(args.holidays, "命令行", "--holidays")
    workdays = days_from_text(args.workdays, "命令行", "--workdays")
    with _open(args) as reg:
        earlier = [e for e in entries(reg.db) if e.notice.year == args.year]
        notice = add_notice(reg.db, args.year, holidays, workdays, args.notice, actor(args), args.reason)
        n = reg.count()
        moved = [(old, new, told_due_warnings(new.received_on, reg.get(new.ref).events, reg.calendar, reg.settings))
                 for old, new in reg.recount(load_calendar(reg.db))]
        elsewhere = other_offices_differences(reg.db, args.year)
    print(f"已录入 {args.year} 年节假日安排（放假 {len(holidays)} 天，调休上班 {len(workdays)} 天），"
          f"并按新安排重新计算了 {n} 件申请的期限")
    if earlier:
        print(f"此前录入的 {args.year} 年安排（{earlier[-1].notice.notice}，{earlier[-1].actor} 录入于 "
              f"{office_time(earlier[-1].recorded_at)}）不再使用，仍保留在记录中（gongkai register calendar list）")
    if note := shipped_note(notice):
        print(f"本次录入的安排{note}")
    for _, other in elsewhere:
        print(f"注意：{other}")
    for old, new, warnings in moved:
        print(f"{new.ref}：{due_moved(old, new)}")
        for w in warnings:   # a letter that told the applicant another date
            print(f"  注意：{w}")
    return 0



def _deadline(args) -> int:
    from gongkai.register.clock import Event, compute_clock, receipt_date
    from gongkai.register.settings import load_settings
    from gongkai.register.vocab import channel_id
    channel = channel_id(args.channel, None, "--channel")
    received, why = receipt_date(channel, args.date, signed=args.received, confirmed=args.received)
    events = [Event("extended", received, {"workdays": args.extend}, id=1)] if args.extend else []
    clock = compute_clock(received, events, _calendar(args), load_settings())
    if clock.due is None:  # a registration always has a due date
        raise GongkaiError("无法计算答复期限。")
    print(clock.due_text)
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
