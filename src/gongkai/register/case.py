"""One request's state, derived from its event history, and the rules a new event must obey.

Processing state (where the request stands) and outcome (the table-3 row it ends in) are kept
apart: a request is concluded when it has a ``replied`` event, whose outcome is one table-3 row
of the 2021 layout.  Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gongkai.errors import GongkaiError
from gongkai.register.clock import Clock, Event, compute_clock
from gongkai.register.settings import Settings
from gongkai.register.vocab import event_labels, outcomes, party_labels
from gongkai.workdays import Calendar

ABANDONED = {"other.no_correction", "other.no_fee"}


class RuleError(GongkaiError):
    """An event that the 条例 or the history does not allow."""


@dataclass
class Case:
    state: str
    outcome: str | None
    concluded_on: date | None
    clock: Clock


@dataclass
class _Facts:
    corrections: int = 0
    awaiting_correction: bool = False
    corrected: bool = False
    consulting: set | None = None
    extended: int = 0
    fee_noticed: bool = False
    fee_paid: bool = False
    replied: Event | None = None
    archived: bool = False
    last_day: date | None = None


def _facts(events: list[Event]) -> _Facts:
    f = _Facts(consulting=set())
    for e in sorted(events, key=lambda e: (e.on, e.id)):
        f.last_day = e.on
        if e.kind == "correction_requested":
            f.corrections += 1
            f.awaiting_correction = True
        elif e.kind == "corrected":
            f.awaiting_correction, f.corrected = False, True
        elif e.kind == "consultation_started":
            f.consulting.add(e.data.get("party", "third_party"))
        elif e.kind == "consultation_ended":
            party = e.data.get("party")
            f.consulting = set() if not party else f.consulting - {party}
        elif e.kind == "extended":
            f.extended += int(e.data.get("workdays", 0))
        elif e.kind == "fee_notice":
            f.fee_noticed = True
        elif e.kind == "fee_paid":
            f.fee_paid = True
        elif e.kind == "replied":
            f.replied = e
        elif e.kind == "archived":
            f.archived = True
    return f


def derive(received: date, events: list[Event], cal: Calendar, s: Settings) -> Case:
    clock = compute_clock(received, events, cal, s)
    f = _facts(events)
    if f.replied is not None:
        outcome = f.replied.data["outcome"]
        state = "archived" if f.archived else ("abandoned" if outcome in ABANDONED else "replied")
        return Case(state, outcome, f.replied.on, clock)
    if f.awaiting_correction:
        state = "awaiting_correction"
    elif f.consulting:
        state = "consulting"
    elif f.fee_noticed and not f.fee_paid:
        state = "awaiting_fee"
    else:
        state = "in_progress" if events else "registered"
    return Case(state, None, None, clock)


def check_event(received: date, events: list[Event], new: Event, cal: Calendar, s: Settings) -> None:
    """Raise :class:`RuleError` (in Chinese) if ``new`` may not follow ``events``."""
    label = event_labels().get(new.kind)
    if label is None:
        raise RuleError(f"未知的办理事项“{new.kind}”")
    f = _facts(events)
    if new.on < received:
        raise RuleError(f"{label}日期 {new.on.isoformat()} 早于收到申请日期 {received.isoformat()}")
    if f.last_day and new.on < f.last_day:
        raise RuleError(f"{label}日期 {new.on.isoformat()} 早于上一条办理记录（{f.last_day.isoformat()}）；"
                        "办理记录须按时间顺序登记")
    if f.archived:
        raise RuleError("该申请已归档，不能再登记办理事项")
    if f.replied is not None and new.kind != "archived":
        raise RuleError(f"该申请已于 {f.replied.on.isoformat()} 答复，不能再{label}")
    k, d = new.kind, new.data
    if k == "archived" and f.replied is None:
        raise RuleError("尚未答复的申请不能归档")
    if k == "correction_requested":
        if f.corrections:
            raise RuleError("补正只能一次性告知（条例第三十条），该申请已发出过补正告知")
        if f.consulting or f.extended:
            raise RuleError("已开始征求意见或延期的申请不能再要求补正")
        until = d.get("until")
        if until and date.fromisoformat(until) <= new.on:
            raise RuleError("补正期限应晚于补正告知日期")
    if k == "corrected" and not f.awaiting_correction:
        raise RuleError("该申请没有待补正的告知，不能登记收到补正")
    if f.awaiting_correction and k not in ("corrected", "replied"):
        raise RuleError(f"申请待补正期间不能{label}；请先登记收到补正，或以“逾期不补正”答复")
    if k == "consultation_started" and d.get("party", "third_party") not in party_labels():
        raise RuleError(f"征求意见对象应为{'或'.join(party_labels().values())}")
    if k == "consultation_ended" and not f.consulting:
        raise RuleError("该申请没有正在进行的征求意见")
    if k == "extended":
        n = d.get("workdays")
        if not isinstance(n, int) or n <= 0:
            raise RuleError("延期的工作日数应为正整数")
        if f.extended + n > s.max_extension_workdays:
            raise RuleError(f"延长的期限最长不得超过{s.max_extension_workdays}个工作日（条例第三十三条），"
                            f"已延期{f.extended}个工作日")
    if k == "later_deadline":
        if not d.get("reason"):
            raise RuleError("依第三十五条确定延迟答复期限须说明理由")
        if date.fromisoformat(d["until"]) <= new.on:
            raise RuleError("延迟答复的期限应晚于登记日期")
    if k == "fee_notice":
        if f.fee_noticed:
            raise RuleError("该申请已发出过收费通知")
        if not isinstance(d.get("amount"), int) or d["amount"] <= 0:
            raise RuleError("收费金额应为正整数（元）")
    if k == "fee_paid" and (not f.fee_noticed or f.fee_paid):
        raise RuleError("该申请没有待缴的费用")
    if k == "replied":
        _check_reply(received, events, new, f, cal, s)


def _check_reply(received: date, events: list[Event], new: Event, f: _Facts, cal: Calendar, s: Settings) -> None:
    outcome = new.data.get("outcome")
    if outcome not in outcomes():
        raise RuleError(f"办理结果“{outcome}”不是年度报告表三的办理结果之一")
    clock = compute_clock(received, events, cal, s)
    if f.awaiting_correction and outcome != "other.no_correction":
        raise RuleError("申请待补正期间只能以“逾期不补正、不再处理”答复；收到补正请先登记")
    if outcome == "other.no_correction":
        if not f.awaiting_correction:
            raise RuleError("“逾期不补正”须有未补正的补正告知")
        if clock.correction_until and new.on <= clock.correction_until:
            raise RuleError(f"补正期限至 {clock.correction_until.isoformat()}，期满前不能视为放弃申请")
    if outcome == "other.no_fee":
        if not f.fee_noticed or f.fee_paid:
            raise RuleError("“逾期未缴费”须有已发出且未缴纳的收费通知")
        if clock.fee_pay_until and new.on <= clock.fee_pay_until:
            raise RuleError(f"缴费期限至 {clock.fee_pay_until.isoformat()}，期满前不能视为放弃申请")
    if outcome == "unable.unclear" and not f.corrected:
        raise RuleError("“补正后申请内容仍不明确”须先有补正")
    if f.consulting:
        raise RuleError("征求意见尚未结束，请先登记收到意见（或意见期满）")
