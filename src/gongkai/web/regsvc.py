"""The register seen through the web: lists with due marks, one request with its clock ledger,
the actions, letters and table 3.  Shared by the 台账 pages and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.register import Applicant, NewRequest, Register
from gongkai.register import letters
from gongkai.register.vocab import applicant_types, channels, event_labels, outcomes, party_labels, state_labels

PAGE_SIZE = 50
FILTERS = {"all": "全部", "open": "办理中", "soon": "即将到期", "overdue": "已超期", "closed": "已办结"}

# The actions offered on a request page: event kind -> (button, fields).
ACTIONS = {
    "correction_requested": "补正",
    "corrected": "收到补正",
    "consultation_started": "征求意见",
    "consultation_ended": "收到意见",
    "extended": "延期",
    "fee_notice": "收费",
    "fee_paid": "缴费",
    "replied": "答复",
    "archived": "归档",
}
# After which event a letter can be downloaded.
LETTER_AFTER = {v: k for k, v in letters.KINDS.items() if v}


@dataclass
class Row:
    ref: str
    applicant: str
    applicant_type: str
    channel: str
    content: str
    received_on: date
    due_on: date | None
    concluded_on: date | None
    state: str
    outcome: str | None
    mark: str          # overdue | soon | done | ""

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "applicant": self.applicant, "applicant_type": self.applicant_type,
                "channel": self.channel, "content": self.content, "received_on": self.received_on.isoformat(),
                "due_on": self.due_on.isoformat() if self.due_on else None,
                "concluded_on": self.concluded_on.isoformat() if self.concluded_on else None,
                "state": self.state, "outcome": self.outcome, "mark": self.mark or None}


def soon_limit(reg: Register, today: date) -> date:
    """The last day that still counts as 'due soon'."""
    return reg.calendar.add_workdays(today, reg.settings.due_soon_workdays)[0]


def _where(flt: str, today: date, soon: date, q: str) -> tuple[str, list]:
    parts, params = [], []
    if flt == "open":
        parts.append("r.concluded_on IS NULL")
    elif flt == "closed":
        parts.append("r.concluded_on IS NOT NULL")
    elif flt == "overdue":
        parts.append("r.concluded_on IS NULL AND r.due_on < ?")
        params.append(today.isoformat())
    elif flt == "soon":
        parts.append("r.concluded_on IS NULL AND r.due_on >= ? AND r.due_on <= ?")
        params += [today.isoformat(), soon.isoformat()]
    if q:
        parts.append("(r.ref = ? OR r.content LIKE ?)")
        params += [q, f"%{q}%"]
    return " AND ".join(parts), params


def mark(due: date | None, concluded: date | None, today: date, soon: date) -> str:
    if concluded:
        return "done"
    if due and due < today:
        return "overdue"
    if due and due <= soon:
        return "soon"
    return ""


def list_requests(reg: Register, today: date, flt: str = "all", page: int = 1, q: str = "",
                  personal: bool = False) -> tuple[list[Row], int, dict[str, int]]:
    """One page of requests (newest first), the number matching, and counts per mark."""
    if flt not in FILTERS:
        raise GongkaiError(f"未知的筛选条件“{flt}”")
    soon = soon_limit(reg, today)
    where, params = _where(flt, today, soon, q.strip())
    total = int(reg.db.query("SELECT COUNT(*) FROM requests r" + (f" WHERE {where}" if where else ""), params)[0][0])
    page = max(1, page)
    rows = []
    atypes, chans, states = applicant_types(), channels(), state_labels()
    for req in reg.requests(where, tuple(params), "r.received_on DESC, r.id DESC",
                            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE):
        rows.append(Row(req.ref, req.applicant.name if personal else req.applicant.masked_name(),
                        atypes.get(req.applicant.type, req.applicant.type), chans[req.channel].label
                        if req.channel in chans else req.channel, req.content, req.received_on, req.due_on,
                        req.concluded_on, states.get(req.state, req.state), req.outcome,
                        mark(req.due_on, req.concluded_on, today, soon)))
    counts = {
        "overdue": int(reg.db.query("SELECT COUNT(*) FROM requests WHERE concluded_on IS NULL AND due_on < ?",
                                    (today.isoformat(),))[0][0]),
        "soon": int(reg.db.query("SELECT COUNT(*) FROM requests WHERE concluded_on IS NULL AND due_on >= ? "
                                 "AND due_on <= ?", (today.isoformat(), soon.isoformat()))[0][0]),
    }
    return rows, total, counts


def _date(value: Any, what: str, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise GongkaiError(f"请填写{what}")
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise GongkaiError(f"{what}“{value}”不是有效日期，请写成 2027-01-05") from None


def _int(value: Any, what: str, default: int | None = None) -> int:
    if value in (None, ""):
        if default is not None:
            return default
        raise GongkaiError(f"请填写{what}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise GongkaiError(f"{what}应为整数，不能是“{value}”") from None


def new_request(reg: Register, data: dict, actor: str) -> str:
    atype = str(data.get("applicant_type") or "")
    channel = str(data.get("channel") or "")
    if atype not in applicant_types():
        raise GongkaiError("请选择申请人类型")
    if channel not in channels():
        raise GongkaiError("请选择提交方式")
    new = NewRequest(
        applicant=Applicant(atype, str(data.get("applicant_name") or "").strip(),
                            str(data.get("id_number") or "").strip(), str(data.get("phone") or "").strip(),
                            str(data.get("email") or "").strip(), str(data.get("address") or "").strip()),
        channel=channel, content=str(data.get("content") or ""),
        submitted_on=_date(data.get("submitted_on"), "提交日期"),
        signed_on=_date(data.get("signed_on"), "签收日期", False),
        confirmed_on=_date(data.get("confirmed_on"), "确认日期", False),
        pieces=_int(data.get("pieces"), "件数", 1))
    return reg.add(new, actor)


def record_action(reg: Register, ref: str, data: dict, actor: str):
    """Append one event from a form or API body: ``kind``, ``on`` and the kind's fields."""
    kind = str(data.get("kind") or "")
    if kind not in event_labels():
        raise GongkaiError(f"未知的办理事项“{kind}”")
    on = _date(data.get("on"), "办理日期")
    fields: dict[str, Any] = {"note": str(data.get("note") or "").strip() or None}
    if kind == "correction_requested":
        fields["items"] = str(data.get("items") or "").strip() or None
        fields["until"] = _date(data.get("until"), "补正期限", False)
    elif kind in ("consultation_started", "consultation_ended"):
        party = str(data.get("party") or "third_party")
        if party not in party_labels():
            raise GongkaiError("征求意见对象应为第三方或其他机关")
        fields["party"] = party
        if kind == "consultation_started":
            fields["name"] = str(data.get("name") or "").strip() or None
    elif kind == "extended":
        fields["workdays"] = _int(data.get("workdays"), "延期工作日数")
        fields["reason"] = str(data.get("reason") or "").strip() or None
        if not fields["reason"]:
            raise GongkaiError("请填写延期理由（写入延期答复告知书）")
    elif kind == "later_deadline":
        fields["until"] = _date(data.get("until"), "答复期限")
        fields["reason"] = str(data.get("reason") or "").strip() or None
    elif kind == "fee_notice":
        from gongkai.register.fees import BASES, fee_for_request

        basis = str(data.get("basis") or "pieces")
        if basis not in BASES:
            raise GongkaiError("收费方式应为按件或按量")
        units = _int(data.get("units"), "件数或页数")
        req = reg.get(ref)
        earlier = reg.pieces_in_month(req.applicant, req.received_on, before_ref=ref) if basis == "pieces" else 0
        amount = fee_for_request(basis, units, earlier)
        if amount <= 0:
            raise GongkaiError(f"按此数量不收费（{units}{'件' if basis == 'pieces' else '页'}在免费范围内），无需发出收费通知")
        fields.update(basis=basis, units=units, earlier=earlier, amount=amount,
                      payment=str(data.get("payment") or "").strip() or None)
    elif kind == "replied":
        outcome = str(data.get("outcome") or "")
        if outcome not in outcomes():
            raise GongkaiError("请选择办理结果（表三的一行）")
        fields["outcome"] = outcome
        for key in ("ground", "body", "body_contact"):   # the one Art. 36 ground of unable.not_held
            fields[key] = str(data.get(key) or "").strip() or None
    return reg.record(ref, kind, on, actor, **fields)


def request_detail(reg: Register, ref: str, today: date, personal: bool) -> dict[str, Any]:
    req = reg.get(ref)
    case = reg.case(ref)
    soon = soon_limit(reg, today)
    a = req.applicant
    applicant = ({"type": a.type, "name": a.name, "id_number": a.id_number, "phone": a.phone, "email": a.email,
                  "address": a.address} if personal else {"type": a.type, "name": a.masked_name()})
    labels = event_labels()
    letter_list = [{"kind": "receipt", "n": None, "label": letters.KIND_LABELS["receipt"], "on": req.received_on.isoformat()}]
    seen: dict[str, int] = {}
    for e in sorted(req.events, key=lambda e: (e.on, e.id)):   # one letter per letter-bearing event
        if e.kind in LETTER_AFTER:
            kind = LETTER_AFTER[e.kind]
            seen[kind] = seen.get(kind, 0) + 1
            letter_list.append({"kind": kind, "n": seen[kind], "label": letters.KIND_LABELS[kind],
                                "on": e.on.isoformat()})
    for item in letter_list:     # a kind that occurs once needs no number in its link
        if item["n"] and seen[item["kind"]] == 1:
            item["n"] = None
    return {
        "ref": req.ref, "applicant": applicant, "applicant_type_label": applicant_types().get(a.type, a.type),
        "channel": req.channel, "channel_label": channels()[req.channel].label if req.channel in channels() else "",
        "content": req.content, "pieces": req.pieces, "submitted_on": req.submitted_on.isoformat(),
        "received_on": req.received_on.isoformat(), "state": case.state,
        "state_label": state_labels().get(case.state, case.state), "outcome": case.outcome,
        "outcome_label": outcomes().get(case.outcome, "") if case.outcome else "",
        "due_on": case.clock.due.isoformat() if case.clock.due else None,
        "concluded_on": case.concluded_on.isoformat() if case.concluded_on else None,
        "mark": mark(case.clock.due, case.concluded_on, today, soon) or None,
        "counted_workdays": case.clock.counted, "limit_workdays": case.clock.limit,
        "workdays_left": (reg.calendar.workdays_between(today, case.clock.due)
                          if case.clock.due and not case.concluded_on and case.clock.due >= today else None),
        "workdays_late": (reg.calendar.workdays_between(case.clock.due, today)
                          if case.clock.due and not case.concluded_on and case.clock.due < today else None),
        "warnings": list(case.clock.warnings),
        "events": [{"id": e.id, "kind": e.kind, "label": labels.get(e.kind, e.kind), "on": e.on.isoformat(),
                    "data": e.data, "actor": e.actor, "recorded_at": e.recorded_at} for e in req.events],
        "ledger": case.clock.render(),
        "letters": letter_list,
        "offered": sorted(offered_actions(case.state, [e.kind for e in req.events])),
    }


def offered_actions(state: str, kinds: list[str]) -> set[str]:
    """The actions that make sense now (the register still checks each one)."""
    if state == "awaiting_correction":
        return {"corrected", "replied"}
    if state == "consulting":
        return {"consultation_started", "consultation_ended"}
    if state == "awaiting_fee":
        return {"fee_paid", "extended", "replied"}
    if state in ("replied", "abandoned"):
        return {"archived"}
    if state == "archived":
        return set()
    out = {"consultation_started", "extended", "replied"}
    if "correction_requested" not in kinds and "consultation_started" not in kinds and "extended" not in kinds:
        out.add("correction_requested")
    if "fee_notice" not in kinds:
        out.add("fee_notice")
    return out


def template_dirs(body_id: int) -> list[Path]:
    """Where a body's letter templates are looked for: its own folder, then the site's."""
    site = letters.office_template_dir()
    return [site / f"body-{int(body_id)}", site]


def letter_bytes(reg: Register, ref: str, kind: str, body_id: int, pdf: bool = False,
                 nth: int | None = None) -> tuple[str, bytes]:
    """The letter's file name and DOCX (or PDF), dated by its event, from the body's templates;
    ``nth``: about the nth event of its kind (default the last)."""
    if kind not in letters.KINDS:
        raise GongkaiError(f"没有“{kind}”这种文书")
    name, data = letters.letter_docx(reg, ref, kind, nth, template_dir=template_dirs(body_id))
    if pdf:
        return name[:-len(".docx")] + ".pdf", letters.to_pdf(data)
    return name, data


def letter_templates(body_id: int) -> list[dict[str, Any]]:
    """Every letter template and which one the body's letters use."""
    dirs = template_dirs(body_id)
    out = []
    for letter in letters.letter_ids():
        _data, where = letters.template_source(letter, dirs)
        source = "body" if where != "shipped" and Path(where).parent == dirs[0] else \
            ("site" if where != "shipped" else "shipped")
        out.append({"letter": letter, "title": letters.spec(letter)["title"], "source": source,
                    "source_label": {"body": "本机关模板", "site": "本站统一模板", "shipped": "默认模板"}[source]})
    return out


def template_bytes(body_id: int, letter: str) -> tuple[str, bytes]:
    data, _where = letters.template_source(letter, template_dirs(body_id))
    return f"{letter}.docx", data


def save_template(body_id: int, letter: str, data: bytes) -> None:
    """Check and keep a body's own template (the one it replaces goes to history/)."""
    letters.install_template(letter, data, template_dirs(body_id)[0])


def table3(reg: Register, year: int, agency: str):
    from gongkai.register.table3 import compute

    return compute(reg.db, year, agency)
