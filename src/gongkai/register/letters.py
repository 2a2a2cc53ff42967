"""Letters to applicants, third parties and other bodies, from DOCX templates (docxtpl).

Three steps, each usable alone:

- :func:`context_for` reads one request of the register and the event a letter is about and
  returns the letter's *context*: plain facts (dates as ``date``), documented in ``CONTEXT``.
- :func:`render` turns a context into a DOCX: it picks the letter (the outcome and its ground
  decide which reply), fills the template with docxtpl and checks the result carries every
  required part.  The template is the office's own (``<office dir>/<letter>.docx``) when there is
  one, else the shipped default (``data/letters/<letter>.docx``, GB/T 9704 layout).
- :func:`to_pdf` makes the PDF with LibreOffice, swapping fonts this machine lacks for the CJK
  fonts it has.

A letter is dated by its event (a receipt by the day the request was received), never by the day
it is printed: printing it again gives the same letter.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from gongkai import ooxml
from gongkai.errors import GongkaiError, shown
from gongkai.files import os_reason, read_regular, write_atomic
from gongkai.register.clock import Clock, Event, compute_clock, told_due
from gongkai.register.events import by_letter
from gongkai.register.fees import BASES, breakdown
from gongkai.register.settings import load_data
from gongkai.register.vocab import channels
from gongkai.settings import current

# What the clerk asks for -> the event the letter is about, as declared once in
# data/events.yaml (`letter:` of each step).  The receipt is special: it is about the request
# itself (None), dated the day the request was received, not the day it was registered.
KINDS: dict[str, str | None] = {letter: (None if event == "registered" else event)
                                for letter, event in by_letter().items()}
KIND_LABELS = {"receipt": "登记回执", "correction": "补正告知书", "extension": "延期答复告知书",
               "later_deadline": "延迟答复告知书", "consultation": "征求意见书", "fee": "收费通知书",
               "reply": "答复书", "withdrawal": "撤回确认书"}

# The context of a letter: what the register hands over (see context_for).
CONTEXT = {
    "kind": "文书种类（receipt、correction、extension、later_deadline、consultation、fee、reply、withdrawal）",
    "date": "成文日期：文书所涉办理事项的日期（登记回执为收到申请之日）",
    "doc_number": "文号（本机关发文序号），没有则为空",
    "agency": "署名机关", "review_body": "行政复议机关", "court": "管辖法院",
    "applicant_type": "申请人类型（natural_person 为自然人，其余为法人或其他组织）",
    "applicant_name": "申请人姓名或名称", "ref": "申请编号", "received": "收到申请之日",
    "submitted": "申请人提交申请之日（登记回执）",
    "channel_how": "提交方式，如“当面”“通过互联网”“以邮寄方式”（登记回执）",
    "received_as": "本机关怎样收到：收到、签收或确认收到（登记回执；条例第三十一条）",
    "content": "申请公开的内容", "note": "答复要点或说明（可空；印出时为完整的句子）",
    "outcome": "办理结果（年度报告表三的行）", "ground": "所依据的第三十六条的一项（予以公开 1 或 2，本机关不掌握 4 或 5）",
    "body": "第三十六条第（五）项：负责公开的行政机关名称", "body_contact": "第三十六条第（五）项：该机关的联系方式",
    "due": "答复期限（登记回执、延期答复告知书）",
    "due_note": "答复期限用到尚未公布节假日安排的年份时说明其为推算（一句话），否则为空", "until": "补正期限，或第三十五条确定的答复期限",
    "items": "需要补正的事项", "reason": "延期、延迟答复的理由；第（五）项时为不属于本机关负责公开的理由",
    "workdays": "延长的工作日数", "party": "征求意见对象（third_party 第三方，other_body 其他机关）",
    "party_name": "被征求意见方名称", "fee_basis": "收费方式（按件或按量）", "units": "件数或页数",
    "earlier": "本月此前已申请的件数", "amount": "收费金额（元）", "fee_detail": "收费计算过程",
    "payment": "缴纳方式", "withdrawn": "撤回之日", "how": "撤回方式（如“以书面形式”）",
    "correction_date": "补正告知日期", "corrected_date": "收到补正之日",
    "fee_date": "收费通知日期", "fee_delivered": "申请人收到收费通知之日（送达日期，可空）",
    "pay_until": "缴费期限（自送达次日起20个工作日，可空）",
    "ground_reason": "不予公开的理由（由办理结果而定）", "ground_basis": "不予公开所依据的条款（由办理结果而定）",
}

# A due date that needed a year whose holiday arrangements are not yet published is an estimate
# (workdays/calendar.py): the letter says so rather than state it as certain.
DUE_ESTIMATED = ("上述日期按《全国年节及纪念日放假办法》规定的节日推算，国务院办公厅公布该年节假日安排后，"
                 "以按公布的安排计算的日期为准。")

# How a receipt says the request came (条例第三十一条): by its channel's rule of receipt, then its channel.
_RECEIVED_AS = {"submitted": "收到", "signed": "签收", "confirmed": "确认收到"}
_CHANNEL_HOW = {"in_person": "当面", "registered_mail": "以邮寄方式", "ordinary_mail": "以平常信函",
                "internet": "通过互联网", "fax": "以传真方式"}

HOW = {"书面": "以书面形式", "当面": "当面", "电话": "通过电话", "互联网": "通过互联网", "网上": "通过互联网",
       "电子邮件": "通过电子邮件", "邮寄": "以邮寄方式", "传真": "以传真方式"}

DEFAULT_NOT_OURS_REASON = ("该政府信息不是本机关制作或者保存的。依照《中华人民共和国政府信息公开条例》第十条，"
                           "政府信息由制作、保存或者最初获取该政府信息的行政机关负责公开。")


@cache
def letters_data() -> dict:
    return load_data("letters.yaml")


def letter_ids() -> list[str]:
    return list(letters_data()["letters"])


def template_file_name(letter: str) -> str:
    """A default template's file name when exported: its id, then its title (receipt-政府信息公开申请登记回执.docx),
    so a clerk's folder says what each is."""
    return f"{letter}-{spec(letter)['title']}.docx"


def letter_named(name: str) -> str:
    """The letter a clerk names: its id (receipt), the exported file's name or stem
    (receipt-政府信息公开申请登记回执.docx) or its title when no other letter shares it."""
    text = Path(str(name).strip()).name.removesuffix(".docx")
    ids = letter_ids()
    if text in ids:
        return text
    head = text.split("-", 1)[0]
    if head in ids and text == template_file_name(head).removesuffix(".docx"):
        return head
    titled = [i for i in ids if spec(i)["title"] in (text, f"政府信息公开申请{text}")]
    if len(titled) == 1:
        return titled[0]
    if titled:
        raise GongkaiError(f"“{name}”是几种文书的名称（{'、'.join(titled)}），请写模板名")
    raise GongkaiError(f"没有名为“{name}”的文书模板（可用：{'、'.join(ids)}，或文书名称；见 template list）")


def spec(letter: str) -> dict:
    try:
        return letters_data()["letters"][letter]
    except KeyError:
        raise GongkaiError(f"没有名为“{letter}”的文书模板（可用：{'、'.join(letter_ids())}）") from None


def zh_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


# -- wording helpers ----------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_END = "。！？"
_CLOSE = "”’）》」』"


def clean(text: Any) -> str:
    """One line of user text: no control characters, whitespace runs as one space."""
    return re.sub(r"\s+", " ", _CONTROL.sub("", str(text or ""))).strip()


def clause(text: Any) -> str:
    """Text to go inside a sentence (…因{reason}，…): no closing punctuation."""
    return clean(text).rstrip("。．.；;，,、：: ")


def sentences(text: Any) -> str:
    """The clerk's note as whole sentences: a fragment gets its full stop."""
    t = clean(text).rstrip("；;，,、：: ")
    if not t:
        return ""
    if t[-1] == ".":
        t = t[:-1] + "。"
    core = t.rstrip(_CLOSE)
    if not core or core[-1] not in _END:
        t += "。"
    return t


def is_person(applicant_type: str) -> bool:
    return applicant_type == "natural_person"


# -- which letter -------------------------------------------------------------------------
def letter_for(ctx: dict[str, Any]) -> str:
    """The letter (template id) for a context: a reply's outcome and ground decide which."""
    kind = ctx.get("kind")
    if kind == "consultation":
        return "consultation_other_body" if ctx.get("party") == "other_body" else "consultation_third_party"
    if kind != "reply":
        if kind not in KINDS:
            raise GongkaiError(f"没有“{shown(kind)}”这种文书（可用：{'、'.join(KINDS)}）")
        return kind
    outcome = ctx.get("outcome")
    rule = letters_data()["outcomes"].get(outcome)
    if rule is None:
        raise GongkaiError(f"办理结果“{outcome}”没有对应的答复书")
    grounds = rule.get("grounds")
    if not grounds:
        return rule["letter"]
    ground = str(ctx.get("ground") or rule.get("default_ground") or "")
    if ground not in grounds:
        items = "或".join(f"第（{_CN_ITEM[g]}）项" for g in grounds)
        raise GongkaiError(f"答复须写明所依据的《条例》第三十六条{items}之一（只能一项）；请更正该条答复补记"
                           f"（命令行：gongkai register amend 编号 --event 序号 --field ground --value 项号 --reason 理由）")
    return grounds[ground]


_CN_ITEM = {"1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七"}


# -- the fields a template sees -------------------------------------------------------------
def fields(letter: str, ctx: dict[str, Any]) -> dict[str, str]:
    """Everything the template of ``letter`` may print, as finished text."""
    s = spec(letter)
    data = letters_data()
    person = is_person(str(ctx.get("applicant_type") or ""))
    you = data["common"]["you"]["natural_person" if person else "organisation"]
    v: dict[str, str] = dict.fromkeys(CONTEXT, "")     # every documented field, blank unless known
    for key, value in ctx.items():
        if isinstance(value, date):
            v[key] = zh_date(value)
        elif value is None:
            v[key] = ""
        else:
            v[key] = clean(value)
    v.update(you=you, addressee=clean(ctx.get("applicant_name")), date=zh_date(ctx.get("date")),
             received=zh_date(ctx.get("received")), doc_number=clean(ctx.get("doc_number")),
             note=sentences(ctx.get("note")))
    for key in ("reason", "ground_reason"):
        if key in v:
            v[key] = clause(v[key])
    if letter in ("later_deadline", "not_ours"):
        v["reason"] = sentences(ctx.get("reason"))
    if letter == "correction":
        v["items"] = sentences(ctx.get("items"))
    if letter == "not_ours":
        v["reason"] = v["note"] or DEFAULT_NOT_OURS_REASON
        v["note"] = ""
        v["body_contact"] = sentences(ctx.get("body_contact"))
    if letter == "fee":
        v.update(_fee(ctx))
    if letter == "withdrawal":
        how = clean(ctx.get("how"))
        v["how"] = HOW.get(how, how)
        v["withdrawn"] = zh_date(ctx.get("withdrawn") or ctx.get("date"))
    if "workdays" in ctx and ctx["workdays"] is not None:
        v["workdays"] = str(int(ctx["workdays"]))
    v["basis"] = s["basis"].format(**v) if s.get("basis") else ""
    remedy = data["common"]["remedy"].format(review_body=clean(ctx.get("review_body")), court=clean(ctx.get("court")),
                                             document=s.get("document", data["common"]["document"]))
    v["remedy"] = remedy if s.get("remedy") == "required" else ""
    title = s["title"]
    for part in s.get("required", []):
        if not v.get(part):
            hint = data.get("hints", {}).get(part)
            raise GongkaiError(f"{title}须写明{_part(part)}，但这件申请的记录中没有" + (f"（{hint}）" if hint else ""))
    return v


def _part(name: str) -> str:
    return letters_data()["parts"].get(name, name)


def _fee(ctx: dict[str, Any]) -> dict[str, str]:
    basis = str(ctx.get("fee_basis") or "pieces")
    units = int(ctx.get("units") or 0)
    earlier = int(ctx.get("earlier") or 0)
    unit = "件" if basis == "pieces" else "页"
    lines = [line for line in breakdown(basis, units, earlier) if line.rate] if units else []
    if ctx.get("earlier") is None and str(sum(line.amount for line in lines)) != str(ctx.get("amount")):
        lines = []   # imported without 本月此前件数: no calculation that does not give the amount charged
    detail = "；".join(f"第{line.first}至{line.last}{unit}，每{unit}{line.rate}元，计{line.amount}元" for line in lines)
    if basis == "pieces" and earlier:
        detail = f"本月此前已申请{earlier}件，本次{units}件，累计计算：" + detail
    return {"fee_basis": BASES.get(basis, basis), "fee_detail": detail,
            "amount": str(ctx.get("amount") or ""), "payment": sentences(ctx.get("payment"))}


# -- templates ------------------------------------------------------------------------------
def office_template_dir() -> Path:
    """Where an office keeps its own templates (``<letter>.docx``)."""
    return current().letter_templates_dir()


def shipped_template(letter: str) -> bytes:
    return resources.files(__package__).joinpath("data", "letters", f"{letter}.docx").read_bytes()


TemplateDirs = Path | str | Sequence[Path | str] | None


def _folders(template_dir: TemplateDirs) -> list[Path]:
    if template_dir is None:
        return [office_template_dir()]
    if isinstance(template_dir, (str, Path)):
        return [Path(template_dir)]
    return [Path(d) for d in template_dir]


def template_source(letter: str, template_dir: TemplateDirs = None) -> tuple[bytes, str]:
    """The template's bytes and where it came from (a path, or 'shipped'): the first folder of
    ``template_dir`` (default: the office's folder) that has ``<letter>.docx``, else the default."""
    spec(letter)
    for folder in _folders(template_dir):
        path = folder / f"{letter}.docx"
        data = read_regular(path, MAX_TEMPLATE_BYTES, missing_ok=True)
        if data is not None:
            return data, str(path)
    return shipped_template(letter), "shipped"


MAX_TEMPLATE_BYTES = 10 * 1024 * 1024         # a letter template is a few tens of KiB
MAX_TEMPLATE_INFLATED = 64 * 1024 * 1024


def _docx_bounds(data: bytes, where: str) -> None:
    """Refuse what is not a small Word document before any XML is parsed (size, ZIP bomb)."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise GongkaiError(f"文书模板过大（{len(data) // 1024} KiB，上限 {MAX_TEMPLATE_BYTES // 1048576} MiB）", where)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError):
        raise GongkaiError("文书模板不是 Word 文档（.docx）", where) from None
    if len(infos) > 1000 or sum(i.file_size for i in infos) > MAX_TEMPLATE_INFLATED:
        raise GongkaiError("文书模板解压后过大，不像一份文书", where)
    if "word/document.xml" not in {i.filename for i in infos}:
        raise GongkaiError("文书模板不是 Word 文档（缺少 word/document.xml）", where)


def _jinja_env():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment
    # Office templates are user files: sandboxed, and a misspelt field is an error, not a blank.
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _fill(template: bytes, values: dict[str, str], where: str) -> Any:
    from docxtpl import DocxTemplate
    from jinja2 import TemplateError, UndefinedError

    if where != "shipped":
        _docx_bounds(template, where)
    try:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.render(values, jinja_env=_jinja_env(), autoescape=True)
    except UndefinedError as exc:
        name = re.search(r"'(\w+)' is undefined", str(exc))
        raise GongkaiError(f"文书模板用到了未知的字段“{name.group(1) if name else exc}”", where) from None
    except TemplateError as exc:
        raise GongkaiError(f"文书模板中的标签有误（{exc}）", where) from None
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise GongkaiError(f"文书模板不是有效的 Word 文档（{exc}）", where) from None
    return tpl


def text_of(docx_document) -> str:
    """All paragraph text of a document's body (tables included), one paragraph a line."""
    body = docx_document.element.body
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    lines = []
    for p in body.iter(ns + "p"):
        lines.append("".join(t.text or "" for t in p.iter(ns + "t")))
    return "\n".join(lines)


def missing_parts(letter: str, text: str, values: dict[str, str]) -> list[str]:
    """The required parts a rendered letter lacks, in Chinese; and a remedy clause where none is due."""
    s = spec(letter)
    problems = [f"缺少{_part(part)}（应包含“{values[part]}”）" for part in s.get("required", [])
                if values.get(part) and values[part] not in text]
    if s.get("remedy") == "forbidden" and ("申请行政复议" in text or "提起行政诉讼" in text):
        problems.append("不应告知申请行政复议或者提起行政诉讼（撤回是申请人自己的行为，不是行政机关的处理决定）")
    return problems


def _place_signature(doc, values: dict[str, str]) -> None:
    """GB/T 9704: the date four characters from the right, the agency centred over it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from gongkai.register.letter_layout import width  # python-docx: not imported by every register command

    chars = max(0.0, 4 + (width(values["date"]) - width(values["agency"])) / 2)
    for p in doc.paragraphs:
        if p.style is not None and p.style.name == "署名":
            ppr = p._p.get_or_add_pPr()
            ind = ppr.find(qn("w:ind"))
            if ind is None:
                ind = OxmlElement("w:ind")
                ppr.append(ind)
            ind.set(qn("w:rightChars"), str(round(chars * 100)))
            ind.set(qn("w:right"), str(round(chars * 16 * 20)))


def render(ctx: dict[str, Any], template_dir: TemplateDirs = None) -> bytes:
    """The letter for ``ctx`` (see ``CONTEXT``) as DOCX bytes; one that overflows its page by a few
    lines is fitted onto it (letter_layout.fit_one_page)."""
    from gongkai.register.letter_layout import fit_one_page
    letter = letter_for(ctx)
    values = fields(letter, ctx)
    template, where = template_source(letter, template_dir)
    tpl = _fill(template, values, where)
    problems = missing_parts(letter, text_of(tpl.docx), values)
    if problems:
        raise GongkaiError(f"文书模板“{letter}.docx”不能使用：" + "；".join(problems), where)
    _place_signature(tpl.docx, values)
    fit_one_page(tpl.docx)
    out = io.BytesIO()
    tpl.save(out)
    # The same letter gives the same bytes: dated by the letter's own date, never by the clock.
    when = ctx.get("date")
    return ooxml.reproducible(out.getvalue(), when if isinstance(when, date) else None)


# -- an office's own template ---------------------------------------------------------------
SAMPLE = {
    "date": date(2025, 11, 10), "doc_number": "某政公开〔2025〕12号", "agency": "某县人民政府办公室",
    "review_body": "某县人民政府", "court": "某县人民法院", "applicant_type": "natural_person",
    "applicant_name": "张三", "ref": "2025-0001", "received": date(2025, 10, 9), "content": "某项目的立项批复",
    "submitted": date(2025, 10, 8), "channel_how": "通过互联网", "received_as": "确认收到",
    "note": "详见附件", "due": date(2025, 11, 6), "until": date(2025, 11, 24), "items": "所需信息的文件名称或文号",
    "reason": "需要调取多个年度的档案", "workdays": 20, "party_name": "某建设有限公司", "fee_basis": "pieces",
    "units": 35, "earlier": 0, "amount": 3000, "payment": "通过非税收入收缴系统缴入国库", "withdrawn": date(2025, 10, 20),
    "how": "书面", "ground_reason": "属于依法确定的国家秘密", "ground_basis": "第十四条", "body": "某县自然资源局",
    "body_contact": "电话 0000-0000000", "correction_date": date(2025, 10, 10), "corrected_date": date(2025, 10, 15),
    "fee_date": date(2025, 10, 13), "fee_delivered": date(2025, 10, 15), "pay_until": date(2025, 11, 12),
}


def check_template(letter: str, template: Path | str | bytes) -> list[str]:
    """What is wrong with an office's template for ``letter`` (a file or its bytes), in Chinese;
    empty: usable."""
    where = "上传的模板" if isinstance(template, bytes) else str(template)
    if not isinstance(template, bytes):
        try:
            template = read_regular(template, MAX_TEMPLATE_BYTES) or b""
        except GongkaiError as exc:
            return [exc.message]
    values = fields(letter, SAMPLE)
    try:
        tpl = _fill(template, values, where)
    except GongkaiError as exc:
        return [exc.message]
    return missing_parts(letter, text_of(tpl.docx), values)


def install_template(letter: str, template: Path | str | bytes, template_dir: Path | str | None = None) -> Path:
    """Check an office's template and put it in the office's folder; a template it replaces is
    kept in ``history/`` with the time it was replaced."""
    problems = check_template(letter, template)
    if problems:
        where = None if isinstance(template, bytes) else str(template)
        raise GongkaiError("模板不能使用：" + "；".join(problems), where)
    data = template if isinstance(template, bytes) else (read_regular(template, MAX_TEMPLATE_BYTES) or b"")
    folder = Path(template_dir) if template_dir else office_template_dir()
    target = folder / f"{letter}.docx"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if target.is_file():
            from datetime import datetime
            history = folder / "history"
            history.mkdir(exist_ok=True)
            target.replace(history / f"{letter}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.docx")
        write_atomic(target, data)
    except OSError as exc:
        raise GongkaiError(f"无法保存模板（{os_reason(exc)}）", str(target)) from exc
    return target


# -- from the register ------------------------------------------------------------------------
def _event(events: list[Event], kind: str, nth: int | None = None) -> Event | None:
    """The ``nth`` (1-based) event of a kind in date order; by default the last."""
    found = sorted((e for e in events if e.kind == kind), key=lambda e: (e.on, e.id))
    if nth is None:
        return found[-1] if found else None
    return found[nth - 1] if 0 < nth <= len(found) else None


def _before(events: list[Event], ev: Event) -> list[Event]:
    return [e for e in sorted(events, key=lambda e: (e.on, e.id)) if (e.on, e.id) <= (ev.on, ev.id)]


def _d(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def context_for(register, ref: str, kind: str, nth: int | None = None) -> dict[str, Any]:
    """The context of one letter about request ``ref``: about the last event of its kind, or the
    ``nth`` (two consultations, say, have a letter each)."""
    if kind not in KINDS:
        raise GongkaiError(f"没有“{shown(kind)}”这种文书（可用：{'、'.join(KINDS)}）")
    req = register.get(ref)
    s = register.settings
    cal = register.calendar
    ctx: dict[str, Any] = {
        "kind": kind, "agency": s.agency, "review_body": s.review_body, "court": s.court,
        "applicant_type": req.applicant.type, "applicant_name": req.applicant.name, "ref": req.ref,
        "received": req.received_on, "content": req.content,
    }
    event_kind = KINDS[kind]
    if event_kind is None:        # the receipt: dated and due as on the day of receipt
        ctx["date"] = req.received_on
        ctx["submitted"] = req.submitted_on
        ch = channels().get(req.channel)
        ctx["channel_how"] = _CHANNEL_HOW.get(req.channel, "")
        ctx["received_as"] = _RECEIVED_AS.get(ch.receipt if ch else "", "收到")
        reg = next(e for e in req.events if e.kind == "registered")
        ctx["due"], ctx["due_note"] = _due(reg, compute_clock(req.received_on, [], cal, s))
        return ctx
    ev = _event(req.events, event_kind, nth)
    if ev is None:
        which = f"第{nth}条" if nth else ""
        raise GongkaiError(f"申请 {ref} 没有{which}“{KIND_LABELS[kind]}”对应的办理记录，请先登记")
    d = ev.data
    clock = compute_clock(req.received_on, _before(req.events, ev), cal, s)   # as on the event's day
    ctx.update({k: v for k, v in d.items() if k not in ctx})
    ctx.update(date=ev.on, doc_number=d.get("doc_number"), note=d.get("note"))
    if kind == "correction":
        ctx["until"] = _d(d.get("until"))   # as recorded; one never recorded is not guessed into a letter
    elif kind == "extension":
        ctx["due"], ctx["due_note"] = _due(ev, clock)
    elif kind == "later_deadline":
        ctx["until"] = _d(d.get("until"))
    elif kind == "consultation":
        ctx["party_name"] = d.get("name")
    elif kind == "fee":
        ctx["fee_basis"] = d.get("basis", "pieces")
        ctx["payment"] = d.get("payment")   # as the notice said it (the setting is stored when recorded)
    elif kind == "withdrawal":
        ctx["withdrawn"] = ev.on
    elif kind == "reply":
        _reply_context(ctx, req, ev, cal, s)
    return ctx


def _due(step: Event, clock: Clock) -> tuple[date | None, str]:
    """The due date a 登记回执 or 延期答复告知书 states, and its note: as told when the step was
    recorded (``told_due``) — a holiday notice entered since does not rewrite a letter that went
    out (the register warns where it moved the date); else (imported without it) as counted now."""
    if step.data.get("told_due"):
        day, estimated = told_due(str(step.data["told_due"]))
        return day, DUE_ESTIMATED if estimated else ""
    return clock.due, DUE_ESTIMATED if clock.assumed else ""


def _reply_context(ctx: dict[str, Any], req, ev: Event, cal, s) -> None:
    outcome = ev.data.get("outcome")
    rule = letters_data()["outcomes"].get(outcome) or {}
    ctx["outcome"] = outcome
    ctx["ground_reason"] = rule.get("reason")
    ctx["ground_basis"] = rule.get("basis")
    corr = _event(req.events, "correction_requested", None)
    if corr is not None:
        ctx["correction_date"] = corr.on
        ctx["until"] = _d(corr.data.get("until"))   # as recorded (see the correction letter)
    done = _event(req.events, "corrected", None)
    if done is not None:
        ctx["corrected_date"] = done.on
    notice = _event(req.events, "fee_notice", None)
    if notice is not None:
        ctx["fee_date"] = notice.on
        delivered = _delivered_on(req.events, notice)
        if delivered:
            ctx["fee_delivered"] = delivered
            ctx["pay_until"] = cal.add_workdays(delivered, s.fee_payment_workdays)[0]


def _delivered_on(events: list[Event], ev: Event) -> date | None:
    """When the letter of ``ev`` reached its addressee (送达): a ``delivered`` event naming it, or
    a ``delivered_on`` recorded on the event itself."""
    if ev.data.get("delivered_on"):
        return _d(ev.data["delivered_on"])
    key = getattr(ev, "seq", None) or ev.id
    found = [e.on for e in events if e.kind == "delivered" and str(e.data.get("event")) == str(key)]
    return min(found) if found else None


def letter_docx(register, ref: str, kind: str, nth: int | None = None,
                template_dir: TemplateDirs = None) -> tuple[str, bytes]:
    """A file name and the DOCX of one letter."""
    ctx = context_for(register, ref, kind, nth)
    title = spec(letter_for(ctx))["title"]
    return f"{ref}-{title}.docx", render(ctx, template_dir)


def write_letter(register, ref: str, kind: str, path: Path, nth: int | None = None,
                 template_dir: TemplateDirs = None) -> Path:
    _name, data = letter_docx(register, ref, kind, nth, template_dir)
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        data = to_pdf(data)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise GongkaiError(f"无法写入文书（{os_reason(exc)}）", str(path)) from exc
    return path


# What each placeholder is set to, as a line of the settings file (the example the warning gives).
_SETTING_EXAMPLE = {"agency": "某县某某局", "review_body": "某县人民政府"}


def names_review_body(kind: str) -> bool:
    """Whether the letter of ``kind`` (a KIND_LABELS key) names the review body: only a letter
    that states the rights to 行政复议 (``remedy: required`` in letters.yaml: every reply) does;
    a receipt, a correction, extension or fee notice, a consultation or a withdrawal does not."""
    if kind == "reply":
        ids = {rule.get("letter") for rule in letters_data()["outcomes"].values()} | {
            g for rule in letters_data()["outcomes"].values() for g in (rule.get("grounds") or {}).values()}
    elif kind == "consultation":
        ids = {"consultation_other_body", "consultation_third_party"}
    else:
        ids = {kind}
    return any(spec(i).get("remedy") == "required" for i in ids if i)


def unset_office_settings(settings, site: Path | None = None, web: bool = False,
                          kinds: Iterable[str] | None = None) -> str:
    """A sentence naming the letter settings still at the shipped placeholders ("" when none):
    a letter signed 本机关, or sending the applicant to 本级人民政府 for review (wrong for a town
    or a government itself), is not fit to send.  ``kinds``: the letters in question (None: any
    letter); the review body is named only when one of them names it (names_review_body) — a
    withdrawal's letter was warned of a clause it does not have.  It says what to set and where:
    the settings file (``site``, default the one the environment names) for the CLI's own
    register; for a web body's register (``web``: signed with the body's name, so only the
    review body can be left) the body's own field in /admin/ first."""
    from gongkai.register.settings import shipped_settings, site_settings_path

    shipped = shipped_settings()
    named_in = ("agency", "review_body") if kinds is None or any(names_review_body(k) for k in kinds) \
        else ("agency",)
    unset = [key for key in named_in if getattr(settings, key) == getattr(shipped, key)]
    if not unset:
        return ""
    named = "、".join(f"{CONTEXT[key]}（{key}，现为“{getattr(settings, key)}”）" for key in unset)
    lines = "、".join(f"“{key}: {_SETTING_EXAMPLE[key]}”" for key in unset)
    path = site or site_settings_path()
    if web:
        where = (f"请系统管理员在管理页面（/admin/）“机关”中本机关的“行政复议机关”一栏填写（只对本机关有效），"
                 f"或在服务器的设置文件 {path} 中加一行 {lines}（换成实际的机关；对本站所有机关有效）")
    else:
        where = (f"请在设置文件 {path} 中加{'两' if len(unset) > 1 else '一'}行 {lines}"
                 "（换成本机关的实际情况；文件不存在就新建）")
    return f"文书中的{named}是默认设置，发出文书前{where}。"


# -- PDF ----------------------------------------------------------------------------------------
_FONT_ATTR = re.compile(r'(w:(?:eastAsia|ascii|hAnsi|cs)=")([^"]+)(")')


def _pdf_fonts(xml: str) -> str:
    """Fonts this machine lacks -> the installed font of the same role (render/style.yaml); the
    title's stand-in is set bold, as 小标宋 is a heavy face."""
    from gongkai.render import fonts

    installed = fonts.installed_families() or frozenset()
    title_names = set(fonts.candidates("title")) | {"方正小标宋简体"}

    def swap(m: re.Match) -> str:
        name = m.group(2)
        if name in installed:
            return m.group(0)
        if not any(ord(ch) > 0x2E80 for ch in name) and name not in title_names:  # Times New Roman
            return m.group(1) + fonts.pick("latin") + m.group(3)
        return m.group(1) + fonts.pick("title" if name in title_names else "body") + m.group(3)

    def heavy(m: re.Match) -> str:   # a missing title face: its stand-in in bold
        east = re.search(r'w:eastAsia="([^"]+)"', m.group(0))
        name = east.group(1) if east else ""
        return m.group(0) + ("<w:b/>" if name in title_names and name not in installed else "")

    xml = re.sub(r"<w:rFonts [^>]*/>", heavy, xml)
    return _FONT_ATTR.sub(swap, xml)


def to_pdf(docx: bytes) -> bytes:
    from gongkai.render.pdf import render_pdf

    src = zipfile.ZipFile(io.BytesIO(docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("word/") and item.filename.endswith(".xml"):
                data = _pdf_fonts(data.decode("utf-8")).encode("utf-8")
            dst.writestr(item, data)
    return render_pdf(buf.getvalue())
