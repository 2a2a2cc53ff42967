"""One request's state, derived from its effective history, and the rules its steps must obey.

Processing state (where the request stands) and outcome (the table-3 row it ends in) are kept
apart: a request is concluded by a ``replied`` step (its outcome is one table-3 row of the 2021
layout) or a ``withdrawn`` one (counted as 其他).  The rules are checked by *replaying* the
whole history in date order, so a step entered late (an earlier 补正 recorded after a later
step) is judged where it belongs, and a correction or void that would leave an impossible
history is refused.  One small function per kind (``_RULES``); nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from gongkai.errors import GongkaiError
from gongkai.register.clock import Clock, compute_clock, told_due_warnings
from gongkai.register.events import Event, grounds_for, kinds
from gongkai.register.settings import Settings
from gongkai.register.vocab import outcomes
from gongkai.workdays import Calendar

ABANDONED = {"other.no_correction", "other.no_fee"}
WITHDRAWN_OUTCOME = "other.other"   # table 3 （七）3. 其他


class RuleError(GongkaiError):
    """A step that the 条例 or the history does not allow."""


@dataclass
class Case:
    state: str
    outcome: str | None
    concluded_on: date | None
    clock: Clock


@dataclass
class _Facts:
    """What the steps so far establish, updated step by step during the replay."""

    received: date
    corrections: int = 0
    awaiting_correction: bool = False
    corrected: bool = False
    consulting: set[str] = field(default_factory=set)
    extended: int = 0
    fee_noticed: bool = False
    fee_paid: bool = False
    concluded: Event | None = None
    archived: bool = False
    history: list[Event] = field(default_factory=list)

    def add(self, e: Event) -> None:
        self.history.append(e)
        k = e.kind
        if k == "correction_requested":
            self.corrections += 1
            self.awaiting_correction = True
        elif k == "corrected":
            self.awaiting_correction, self.corrected = False, True
        elif k == "consultation_started":
            self.consulting.add(e.data.get("party") or "")
        elif k == "consultation_ended":
            party = e.data.get("party")
            self.consulting = self.consulting - {party} if party else set()
        elif k == "extended":
            self.extended += int(e.data.get("workdays") or 0)   # a missing one is refused by _extended
        elif k in ("fee_notice", "fee_paid"):
            self.fee_noticed = True
            self.fee_paid = self.fee_paid or k == "fee_paid"
        elif k in ("replied", "withdrawn"):
            self.concluded = e
        elif k == "archived":
            self.archived = True


def _steps(events: list[Event]) -> list[Event]:
    return [e for e in events if e.kind != "registered" and not kinds()[e.kind].meta]


def facts(received: date, events: list[Event]) -> _Facts:
    f = _Facts(received)
    for e in sorted(_steps(events), key=lambda e: (e.on, e.id)):
        f.add(e)
    return f


def extension_refused(extended: int, s: Settings) -> str:
    """Why no extension (延期答复) may be added once ``extended`` working days have been (else ""):
    条例第三十三条 allows ``max_extension_workdays`` (20) in all, however many extensions make them up."""
    if extended < s.max_extension_workdays:
        return ""
    return (f"已延期{extended}个工作日，达到条例第三十三条规定的最长延期（{s.max_extension_workdays}个工作日），"
            "不能再延期")


def outcome_of(e: Event) -> str:
    return WITHDRAWN_OUTCOME if e.kind == "withdrawn" else e.data["outcome"]


def derive(received: date, events: list[Event], cal: Calendar, s: Settings) -> Case:
    """The state of a request from its effective history (see :func:`events.effective`)."""
    clock = compute_clock(received, events, cal, s)
    clock.warnings += told_due_warnings(received, events, cal, s)
    f = facts(received, events)
    if f.concluded is not None:
        outcome = outcome_of(f.concluded)
        if f.archived:
            state = "archived"
        elif f.concluded.kind == "withdrawn":
            state = "withdrawn"
        else:
            state = "abandoned" if outcome in ABANDONED else "replied"
        return Case(state, outcome, f.concluded.on, clock)
    if f.awaiting_correction:
        state = "awaiting_correction"
    elif f.consulting:
        state = "consulting"
    elif f.fee_noticed and not f.fee_paid:
        state = "awaiting_fee"
    else:
        state = "in_progress" if _steps(events) else "registered"
    return Case(state, None, None, clock)


# -- the rules ---------------------------------------------------------------------------------
def check_history(received: date, events: list[Event], cal: Calendar, s: Settings,
                  new: Event | None = None) -> None:
    """Raise :class:`RuleError` (in Chinese) unless every step may follow the ones before it.
    ``new``: the step being recorded — when an earlier-dated new step makes a step already
    recorded impossible, the message says which, rather than seem to be about the later one."""
    f = _Facts(received)
    for e in sorted(_steps(events), key=lambda e: (e.on, e.id)):
        try:
            _check_step(f, e, cal, s)
        except RuleError as exc:
            if new is None or e.id == new.id:
                raise
            raise RuleError(f"登记{kinds()[new.kind].label}（{new.on.isoformat()}）后，已登记的第{e.id}条"
                            f"“{kinds()[e.kind].label}”（{e.on.isoformat()}）就不能成立：{exc.message}") from None
        if new is not None and e.id == new.id:
            _check_recorded(f, e, cal, s)
        f.add(e)


def _check_recorded(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    """What a step recorded now must also have (a step imported from earlier records may lack it)."""
    if e.kind == "replied" and e.data.get("outcome") == "other.no_fee":
        notice = next((x for x in reversed(f.history) if x.kind == "fee_notice"), None)
        if notice is not None and not notice.data.get("delivered_on"):
            raise RuleError("以“逾期未缴费”答复，须先登记该收费通知的送达（命令行 gongkai register deliver；网页"
                            "“更正、作废、送达”）：缴费期限自申请人收到收费通知次日起算（国办函〔2020〕109号），"
                            "不知送达日期就无从判断是否已经逾期")
        # the 20 working days to pay are the law's, not a date the office set: counted over a year
        # whose notice is not entered they are an estimate, and a request is not closed as abandoned
        # on an estimate (a 补假 would give the applicant more days)
        clock = compute_clock(f.received, f.history, cal, s)
        end = clock.fee_pay_until
        if end is not None and ("缴费期限", end) in clock.assumed_periods:
            raise RuleError(f"缴费期限 {end.isoformat()} 是按周末和法定节日推算的（{end.year}年节假日安排尚未录入），"
                            "不能据此视为放弃申请：请先录入该年国务院办公厅节假日安排（gongkai register calendar add；"
                            "网页：节假日安排），按公布的安排确认缴费期限已过后再登记")


def _check_step(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    label = kinds()[e.kind].label
    if e.on < f.received:
        raise RuleError(f"{label}日期 {e.on.isoformat()} 早于收到申请日期 {f.received.isoformat()}")
    if f.archived:
        raise RuleError(f"该申请已归档，不能再{label}（{e.on.isoformat()}）")
    if f.concluded is not None and e.kind != "archived":
        raise RuleError(f"该申请已于 {f.concluded.on.isoformat()} 办结，不能再{label}（{e.on.isoformat()}）")
    if f.awaiting_correction and e.kind not in ("corrected", "replied", "withdrawn"):
        raise RuleError(f"申请待补正期间不能{label}；请先登记收到补正，或以“逾期不补正”答复")
    rule = _RULES.get(e.kind)
    if rule:
        rule(f, e, cal, s)


def _correction_requested(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if f.corrections:
        raise RuleError("补正只能一次性告知（条例第三十条），该申请已发出过补正告知")
    if f.consulting or f.extended:
        raise RuleError("已开始征求意见或延期的申请不能再要求补正")
    until = e.data.get("until")
    if until and date.fromisoformat(until) <= e.on:
        raise RuleError("补正期限应晚于补正告知日期")


def _corrected(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if not f.awaiting_correction:
        raise RuleError("该申请没有待补正的告知，不能登记收到补正")


def _consultation_ended(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if not f.consulting:
        raise RuleError("该申请没有正在进行的征求意见")


def _extended(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    n = e.data.get("workdays")
    if not isinstance(n, int) or n <= 0:
        raise RuleError("延期的工作日数应为正整数")
    if why := extension_refused(f.extended, s):
        raise RuleError(why)
    if f.extended + n > s.max_extension_workdays:
        raise RuleError(f"延长的期限合计最长不得超过{s.max_extension_workdays}个工作日（条例第三十三条），"
                        f"已延期{f.extended}个工作日，最多还能延长{s.max_extension_workdays - f.extended}个工作日")


def _later_deadline(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if date.fromisoformat(e.data["until"]) <= e.on:
        raise RuleError("延迟答复的期限应晚于决定日期")


def _fee_notice(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if f.fee_noticed:
        raise RuleError("该申请已发出过收费通知")
    if not isinstance(e.data.get("amount"), int) or e.data["amount"] <= 0:
        raise RuleError("收费金额应为正整数（元）")


def _fee_paid(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if not f.fee_noticed or f.fee_paid:
        raise RuleError("该申请没有待缴的费用")


def _archived(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if f.concluded is None:
        raise RuleError("尚未办结的申请不能归档")


def _withdrawn(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    if f.consulting:
        raise RuleError("征求意见尚未结束，请先登记收到意见（或意见期满），再登记撤回")


def _replied(f: _Facts, e: Event, cal: Calendar, s: Settings) -> None:
    outcome = e.data.get("outcome")
    if outcome not in outcomes():
        raise RuleError(f"办理结果“{outcome}”不是年度报告表三的办理结果之一")
    if f.consulting:
        raise RuleError("征求意见尚未结束，请先登记收到意见（或意见期满）")
    if f.awaiting_correction and outcome != "other.no_correction":
        raise RuleError("申请待补正期间只能以“逾期不补正、不再处理”答复；收到补正请先登记")
    if outcome == "unable.unclear" and not f.corrected:
        raise RuleError("“补正后申请内容仍不明确”须先有补正")
    _check_ground(e)
    if outcome in ABANDONED:
        _check_abandoned(f, e, outcome, compute_clock(f.received, f.history, cal, s))


def _check_ground(e: Event) -> None:
    ground, outcome = e.data.get("ground"), e.data.get("outcome")
    if ground is not None and ground not in grounds_for(outcome):
        raise RuleError(f"第三十六条第（{ground}）项不适用于办理结果“{outcomes().get(outcome or '', outcome)}”")
    if e.data.get("body") and ground != "5":
        raise RuleError("只有依第三十六条第（五）项（不属于本机关负责公开）答复时才填写负责公开的行政机关")


def _check_abandoned(f: _Facts, e: Event, outcome: str, clock: Clock) -> None:
    if outcome == "other.no_correction":
        if not f.awaiting_correction:
            raise RuleError("“逾期不补正”须有未补正的补正告知")
        if clock.correction_until and e.on <= clock.correction_until:
            raise RuleError(f"补正期限至 {clock.correction_until.isoformat()}，期满前不能视为放弃申请")
        return
    if not f.fee_noticed or f.fee_paid:
        raise RuleError("“逾期未缴费”须有已发出且未缴纳的收费通知")
    if clock.fee_pay_until and e.on <= clock.fee_pay_until:
        raise RuleError(f"缴费期限至 {clock.fee_pay_until.isoformat()}，期满前不能视为放弃申请")


_RULES: dict[str, Callable[[_Facts, Event, Calendar, Settings], None]] = {
    "correction_requested": _correction_requested, "corrected": _corrected,
    "consultation_ended": _consultation_ended, "extended": _extended, "later_deadline": _later_deadline,
    "fee_notice": _fee_notice, "fee_paid": _fee_paid, "archived": _archived, "withdrawn": _withdrawn,
    "replied": _replied,
}
