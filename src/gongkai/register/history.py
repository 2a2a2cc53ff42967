"""A request's history as people read it (``register show``, the web's request page, the API):
every step as recorded, numbered, with what later corrections (更正), voids (作废) and
deliveries (送达) say of it, who recorded it and when (office time), and whether it was entered
late (补录)."""

from __future__ import annotations

from datetime import date
from typing import Any

from gongkai.db import office_time
from gongkai.format.text import shown_or_blank
from gongkai.register.clock import TELLS_DUE, corrected_due_text
from gongkai.register.events import Event, Field, amend, amendable, effective, grounds_for, kinds, shown
from gongkai.register.store import Applicant

LATE_ENTRY_DAYS = 3   # recorded more than this many days after its date: marked 补录


def history_rows(history: list[Event], personal: bool, mask_names: bool = False) -> list[dict[str, Any]]:
    """``personal``: contact details shown; ``mask_names``: a natural person's name shown as the
    register's lists show it to those who may not see it (张*: the web's supervisors, administrators)."""
    by_id = {e.id: e for e in history}
    voided = {e.data.get("event"): e for e in history if e.kind == "voided"}
    amended: dict[int, list[dict[str, Any]]] = {}   # a step -> the corrections of it, in order: said on the step
    for e in history:
        if e.kind == "amended":
            target = by_id.get(int(e.data.get("event") or 0))
            f = amendable(target, e.data["field"]) if target else None
            amended.setdefault(int(e.data.get("event") or 0), []).append(
                {"id": e.id, "field": f.label if f else e.data["field"]})
    # 补录 is judged by the step's date as corrected: a step recorded today with today's date and
    # then corrected to a date three weeks back was entered three weeks late, as one typed so
    dated = {s.id: s.on for s in effective(history)}
    rows = []
    for e in history:
        k = kinds()[e.kind]
        recorded = office_time(e.recorded_at)
        on = dated.get(e.id, e.on)
        entered = date.fromisoformat(recorded[:10]) if recorded[:4].isdigit() else on
        void = voided.get(e.id)
        rows.append({
            "id": e.id, "kind": e.kind, "label": k.label, "on": e.on.isoformat(),
            "details": _details(e, by_id, personal, mask_names), "actor": e.actor, "recorded_at": recorded,
            "late_entry_days": max(0, (entered - on).days) if (entered - on).days > LATE_ENTRY_DAYS else 0,
            "voided_by": void.id if void else None, "void_reason": void.data.get("reason") if void else None,
            "amended_by": amended.get(e.id, []),
            "doc_number": e.data.get("doc_number"),
        })
    return rows


def _a_persons_name(e: Event | None, field: str) -> bool:
    return e is not None and e.kind == "registered" and field == "name" and e.data.get("applicant_type") == "natural_person"


def _details(e: Event, by_id: dict[int, Event], personal: bool, mask_names: bool) -> list[str]:
    if e.kind == "amended":
        return _amendment(e, by_id, personal, mask_names)
    out = []
    for f in kinds()[e.kind].fields:
        if f.name in e.data and (personal or not f.private) and f.name != "event":
            value = shown(f, e.data[f.name])
            if mask_names and _a_persons_name(e, f.name):
                value = Applicant("natural_person", value).masked_name()
            out.append(f"{f.label}：{value}")
    if "event" in e.data:
        target = by_id.get(e.data["event"])
        out.insert(0, f"第{e.data['event']}条" + (f"“{kinds()[target.kind].label}”" if target else ""))
    if e.data.get("doc_number"):
        out.append(f"文号：{e.data['doc_number']}")
    return out


_NUMERALS = "一二三四五六七"


def _amendment(e: Event, by_id: dict[int, Event], personal: bool, mask_names: bool) -> list[str]:
    target = by_id.get(int(e.data.get("event") or 0))
    f: Field | None = amendable(target, e.data["field"]) if target else None
    label = f.label if f else e.data["field"]
    if (f is not None and f.private and not personal) or (mask_names and _a_persons_name(target, e.data["field"])):
        change = "（个人信息，不显示）"
    else:
        old = shown(f, e.data.get("old")) if f else e.data.get("old")
        change = f"“{shown_or_blank(old)}”改为“{shown(f, e.data['value']) if f else e.data['value']}”"
    where = f"第{e.data.get('event')}条" + (f"“{kinds()[target.kind].label}”" if target else "")
    ground = target.data.get("ground") if target and e.data["field"] == "outcome" else None
    if e.data.get("ground") not in (None, ""):   # the item given with the corrected outcome
        change += f"，所依据的第三十六条的一项为第（{_NUMERALS[int(e.data['ground']) - 1]}）项"
    elif ground is not None and ground not in grounds_for(e.data["value"]):   # dropped with the old outcome
        change += f"，所依据的第三十六条第（{_NUMERALS[int(ground) - 1]}）项随之不再适用"
    name = f.name if f else e.data["field"]
    if target is not None and target.data.get("body") and name in ("outcome", "ground") \
            and not amend(target, name, e.data["value"], e.data.get("ground") or None).data.get("body"):
        change += f"，所填负责公开的行政机关“{target.data['body']}”随之不再适用"   # it goes with (五)
    if e.data.get("corrected_due") and target is not None and target.kind in TELLS_DUE:   # both dates kept
        change += (f"，答复期限随之由{e.data['told_due']}改为{e.data['corrected_due']}"
                   f"（{TELLS_DUE[target.kind]}告知的是{e.data['told_due']}）")
    return [f"{where}的{label}：{change}", f"理由：{e.data.get('reason', '')}"]


def correction_moved_due(history: list[Event], today: date) -> str:
    """What the last entry, a correction, did to a due date a letter had told (the correction's
    confirmation, CLI and web): "" unless it moved it."""
    last = history[-1] if history else None
    if last is None or last.kind != "amended" or not last.data.get("corrected_due"):
        return ""
    step = next((x for x in effective(history) if x.id == last.data["event"]), None)   # its 送达 written on
    if step is None or step.kind not in TELLS_DUE:
        return ""
    steps = effective(history)
    answered = any(x.kind in ("replied", "withdrawn") for x in steps)
    return corrected_due_text(step, str(last.data["told_due"]), str(last.data["corrected_due"]), answered, today)


def history_lines(history: list[Event], personal: bool) -> list[str]:
    out = []
    for r in history_rows(history, personal):
        void = f"【已作废：{r['void_reason']}（见第{r['voided_by']}条）】" if r["voided_by"] else ""
        if r["amended_by"]:   # the step as first recorded: which of its facts a later entry corrected
            void += f"【已更正：{amended_text(r['amended_by'])}】"
        late = f"；补录（晚{r['late_entry_days']}天登记）" if r["late_entry_days"] else ""
        details = f"（{'；'.join(r['details'])}）" if r["details"] else ""
        out.append(f"{r['id']}. {r['on']} {r['label']}{void}{details}；经办：{r['actor']}，登记于 {r['recorded_at']}{late}")
    return out


def amended_text(corrections: list[dict[str, Any]]) -> str:
    """日期（见第3条）、申请人类型（见第4条）: what later entries corrected of a step."""
    return "、".join(f"{c['field']}（见第{c['id']}条）" for c in corrections)
