"""Reply letters and notices as DOCX, from the templates in ``data/letters.yaml``.

The fields come from the request and its history (the last event of the relevant kind); the
templates carry the wording, the legal basis and whether the rights to 复议/诉讼 are stated.
"""

from __future__ import annotations

import string
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.errors import GongkaiError
from gongkai.register.clock import Event
from gongkai.register.fees import BASES, breakdown
from gongkai.register.settings import load_data

# letter kind on the CLI -> the event it is about (None: the request itself, or the reply)
KINDS = {
    "receipt": None, "correction": "correction_requested", "extension": "extended",
    "later_deadline": "later_deadline", "consultation": "consultation_started", "fee": "fee_notice",
    "reply": "replied",
}
KIND_LABELS = {"receipt": "登记回执", "correction": "补正告知书", "extension": "延期答复告知书",
               "later_deadline": "延迟答复告知书", "consultation": "征求第三方意见书",
               "fee": "收费通知书", "reply": "答复书"}


@lru_cache(maxsize=None)
def templates() -> dict:
    return load_data("letters.yaml")


def zh_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def _last(events: list[Event], kind: str) -> Event | None:
    found = [e for e in events if e.kind == kind]
    return found[-1] if found else None


def letter_for(register, ref: str, kind: str, today: date | None = None) -> tuple[str, dict[str, Any]]:
    """The template id and the fields for one letter about request ``ref``."""
    if kind not in KINDS:
        raise GongkaiError(f"没有“{kind}”这种文书（可用：{'、'.join(KINDS)}）")
    req = register.get(ref)
    case = register.case(ref)
    s = register.settings
    clock = case.clock
    f: dict[str, Any] = {
        "agency": s.agency, "review_body": s.review_body, "court": s.court, "ref": req.ref,
        "applicant_name": req.applicant.name, "received": zh_date(req.received_on), "content": req.content,
        "today": zh_date(today or date.today()), "due": zh_date(clock.due), "note": "",
    }
    event_kind = KINDS[kind]
    ev = _last(req.events, event_kind) if event_kind else None
    if event_kind and ev is None:
        raise GongkaiError(f"申请 {ref} 没有“{KIND_LABELS[kind]}”对应的办理记录，请先登记")
    data = ev.data if ev else {}
    f["note"] = data.get("note", "")
    f["reason"] = data.get("reason", "")
    letter = kind
    if kind == "receipt":  # the statutory date as first stated, before any later event
        f["due"] = zh_date(register.calendar.add_workdays(req.received_on, s.reply_workdays)[0])
    elif kind == "correction":
        f["items"] = data.get("items") or "申请内容不明确"
        f["until"] = zh_date(clock.correction_until or (date.fromisoformat(data["until"]) if data.get("until") else None))
    elif kind == "extension":
        f["workdays"] = data.get("workdays")
    elif kind == "later_deadline":
        f["until"] = zh_date(date.fromisoformat(data["until"]))
    elif kind == "consultation":
        f["party_name"] = data.get("name") or "第三方"
        f["reply_by"] = zh_date(register.calendar.add_workdays(ev.on, s.consultation_reply_workdays)[0])
    elif kind == "fee":
        _fee_fields(f, data, register.calendar.add_workdays(ev.on, s.fee_payment_workdays)[0])
    elif kind == "reply":
        spec = templates()["outcomes"][data["outcome"]]
        letter = spec["letter"]
        f["denial_reason"] = spec.get("reason", "")
        f["denial_basis"] = spec.get("basis", "")
        if letter == "no_correction":
            corr = _last(req.events, "correction_requested")
            until = corr.data.get("until") if corr else None
            f["until"] = zh_date(date.fromisoformat(until) if until else
                                 register.calendar.add_workdays(corr.on, s.correction_period_workdays)[0])
        if letter == "no_fee":
            notice = _last(req.events, "fee_notice")
            f["pay_until"] = zh_date(register.calendar.add_workdays(notice.on, s.fee_payment_workdays)[0])
        if letter == "granted" and not f["note"]:
            f["note"] = "见附件"
    return letter, f


def _fee_fields(f: dict[str, Any], data: dict[str, Any], pay_until: date) -> None:
    basis = data.get("basis", "pieces")
    units = int(data.get("units") or 0)
    earlier = int(data.get("earlier") or 0)
    unit = "件" if basis == "pieces" else "页"
    lines = [l for l in breakdown(basis, units, earlier) if l.rate] if units else []
    f["fee_basis"] = BASES.get(basis, basis)
    f["fee_detail"] = "；".join(f"第{l.first}至{l.last}{unit}，每{unit}{l.rate}元，计{l.amount}元" for l in lines) \
        or f"{data.get('amount')}元"
    f["amount"] = data.get("amount")
    f["pay_until"] = zh_date(pay_until)


class _Fields(dict):
    def __init__(self, letter: str, values: dict[str, Any]):
        super().__init__(values)
        self.letter = letter

    def __missing__(self, key: str) -> str:
        raise GongkaiError(f"文书模板“{self.letter}”需要字段“{key}”，但没有可填写的内容")


def fill(text: str, fields: _Fields) -> str:
    return string.Formatter().vformat(text, (), fields)


def paragraphs(letter: str, fields: dict[str, Any]) -> list[tuple[str, str]]:
    """The letter as (style, text) pairs: title, basis, salutation, body…, rights, signature, date."""
    t = templates()
    spec = t["letters"].get(letter)
    if spec is None:
        raise GongkaiError(f"没有名为“{letter}”的文书模板")
    common = t["common"]
    values = _Fields(letter, {k: ("" if v is None else v) for k, v in fields.items()})
    values["opening"] = fill(common["opening"], values)
    out = [("title", spec["title"]), ("ref", f"（申请编号：{fields['ref']}）"),
           ("salutation", fill(spec.get("salutation", common["salutation"]), values))]
    out += [("body", fill(p, values)) for p in spec["body"]]
    out.append(("body", "依据：" + fill(spec["basis"], values) + "。"))
    if spec.get("rights"):
        out.append(("body", fill(common["rights"], values)))
    out += [("signature", fill(common["signature"], values)), ("signature", fill(common["date"], values))]
    return out


def _font(run, east_asian: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def write_docx(letter: str, fields: dict[str, Any], path: Path) -> Path:
    doc = Document()
    for style, text in paragraphs(letter, fields):
        p = doc.add_paragraph()
        run = p.add_run(text)
        if style == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, "方正小标宋简体", 22, bold=True)   # 二号
        elif style == "ref":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, "仿宋_GB2312", 16)
        elif style == "signature":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(run, "仿宋_GB2312", 16)
        else:
            if style == "body":
                p.paragraph_format.first_line_indent = Pt(32)
            _font(run, "仿宋_GB2312", 16)                 # 三号
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(path))
    except OSError as exc:
        raise GongkaiError(f"无法写入文书（{exc.strerror}）", str(path)) from exc
    return path


def write_letter(register, ref: str, kind: str, path: Path, today: date | None = None) -> Path:
    letter, fields = letter_for(register, ref, kind, today)
    return write_docx(letter, fields, path)
