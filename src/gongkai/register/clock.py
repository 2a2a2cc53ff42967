"""The statutory clock of one request, derived from its receipt date and event history, with a
day-by-day ledger that explains the due date.

Rules (条例, 2019):
- receipt date by channel (Art. 31), see :func:`receipt_date`;
- reply within 20 working days, the receipt day not counted (Art. 33; 民法典 Art. 201);
- an extension adds at most 20 working days, counted on from the original due date (Art. 33);
- a 补正 notice stops the clock; on receipt of the corrected request the 20 days start again
  from zero, that day not counted (Art. 30); the notice is due within 7 working days;
- consulting third parties or other bodies is not counted (Art. 33 ¶3);
- a fee notice gives 20 working days to pay; whether that wait is counted is the setting
  ``fee_wait_pauses_deadline``;
- Art. 35 lets the body set a reasonable later deadline, which then replaces the computed one.

An event takes effect at the end of its day: a pause sent on day P still counts day P; the days
after it up to and including the resume day R are not counted; counting goes on from R + 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.register.settings import Settings
from gongkai.register.vocab import channels, outcomes, party_labels
from gongkai.workdays import WEEKDAYS_ZH, Calendar

# Longest stretch we are willing to simulate; a request open longer is surely a data error
# (a request may stay open across several years; it must still be possible to record its reply).
_MAX_DAYS = 10 * 366


@dataclass(frozen=True)
class Event:
    kind: str
    on: date
    data: dict[str, Any] = field(default_factory=dict)
    actor: str = ""
    recorded_at: str = ""
    id: int = 0


@dataclass
class LedgerDay:
    day: date
    kind: str             # 工作日 | 周末 | 节假日 | 调休上班 | 未知（按周末推算）
    count: int | None     # the running count when this day counted, else None
    why: str = ""         # why it did not count, or what happened
    assumed: bool = False

    def line(self) -> str:
        head = f"{self.day.isoformat()} 周{WEEKDAYS_ZH[self.day.weekday()]} {self.kind:<4}"
        mid = f"第{self.count}个工作日" if self.count is not None else f"不计（{self.why or self.kind}）"
        tail = f"  {self.why}" if self.count is not None and self.why else ""
        return f"{head}  {mid}{tail}"


@dataclass
class Clock:
    received: date
    start: date                      # last (re)start of the count: receipt or corrected request
    limit: int                       # working days allowed, extension included
    counted: int                     # working days counted by the last ledger day
    due: date | None                 # None while stopped (待补正 / 征求意见 / 待缴费) short of the limit
    running: bool
    ledger: list[LedgerDay]
    warnings: list[str]
    assumed: bool                    # a day beyond the known calendar was needed
    correction_until: date | None = None
    fee_pay_until: date | None = None
    consultation_reply_by: date | None = None
    fixed_due: date | None = None    # Art. 35
    replied_on: date | None = None

    @property
    def late(self) -> bool:
        return self.replied_on is not None and self.due is not None and self.replied_on > self.due

    def render(self) -> str:
        lines = [f"收到申请：{self.received.isoformat()}（当日不计入，民法典第二百零一条）"]
        lines += [d.line() for d in self.ledger]
        if self.fixed_due:
            lines.append(f"答复期限：{self.fixed_due.isoformat()}（依条例第三十五条确定的合理期限）")
        elif self.due:
            lines.append(f"答复期限：{self.due.isoformat()}")
        else:
            lines.append(f"答复期限：暂停计算（已计{self.counted}个工作日，尚余{self.limit - self.counted}个）")
        lines += [f"注意：{w}" for w in self.warnings]
        return "\n".join(lines)


def receipt_date(channel: str, submitted: date, signed: date | None = None,
                 confirmed: date | None = None) -> tuple[date, str]:
    """The date of receipt under Art. 31, and a sentence saying why."""
    ch = channels()[channel]
    if ch.receipt == "submitted":
        return submitted, "当面提交，以提交之日为收到申请之日（条例第三十一条第一项）"
    if ch.receipt == "signed":
        day = signed or submitted
        return day, "邮寄，以行政机关签收之日为收到申请之日（条例第三十一条第二项）" + (
            "" if signed else "；未填写签收日期，按提交日期计")
    day = confirmed or submitted
    clause = "第二项" if channel == "ordinary_mail" else "第三项"
    return day, f"{ch.label}，以确认之日为收到申请之日（条例第三十一条{clause}）" + (
        "" if confirmed else "；未填写确认日期，按提交日期计")


def compute_clock(received: date, events: Iterable[Event], cal: Calendar, s: Settings) -> Clock:
    evs = sorted(events, key=lambda e: (e.on, e.id))
    by_day: dict[date, list[Event]] = defaultdict(list)
    for e in evs:
        if e.on < received:
            raise GongkaiError(f"事件“{e.kind}”的日期 {e.on.isoformat()} 早于收到申请日期 {received.isoformat()}")
        by_day[e.on].append(e)
    last_event = evs[-1].on if evs else received
    if (last_event - received).days > _MAX_DAYS:
        raise GongkaiError("办理记录跨度超过十年，请检查日期是否录错")

    c = Clock(received, received, s.reply_workdays, 0, None, True, [], [], False)
    reached: dict[int, date] = {}
    awaiting = False
    consulting: set[str] = set()
    fee_wait = False
    extended = 0

    def apply(e: Event) -> str:
        nonlocal awaiting, fee_wait, extended, reached
        d = e.on
        if e.kind == "correction_requested":
            used = cal.workdays_between(c.start, d)
            if used > s.correction_notice_workdays:
                c.warnings.append(f"补正告知于收到申请后第{used}个工作日发出，"
                                  f"超过条例第三十条规定的{s.correction_notice_workdays}个工作日")
            until = e.data.get("until")
            c.correction_until = date.fromisoformat(until) if until else \
                cal.add_workdays(d, s.correction_period_workdays)[0]
            awaiting = True
            return f"发出补正告知书，补正期限至{c.correction_until.isoformat()}；答复期限停止计算，待收到补正后重新计算"
        if e.kind == "corrected":
            awaiting = False
            c.start, c.counted, reached = d, 0, {}
            return "收到补正后的申请：答复期限自次日起重新计算20个工作日（条例第三十条）"
        if e.kind == "consultation_started":
            party = e.data.get("party", "third_party")
            consulting.add(party)
            c.consultation_reply_by = cal.add_workdays(d, s.consultation_reply_workdays)[0]
            return (f"书面征求{party_labels().get(party, party)}意见，所需时间不计入答复期限（条例第三十三条第三款）；"
                    f"对方应于{c.consultation_reply_by.isoformat()}前提出意见")
        if e.kind == "consultation_ended":
            consulting.discard(e.data.get("party", "third_party"))
            if not e.data.get("party"):
                consulting.clear()
            c.consultation_reply_by = None
            return "收到意见（或意见期满），次日起恢复计算"
        if e.kind == "extended":
            due_now = reached.get(c.limit)
            if due_now and d > due_now:
                c.warnings.append(f"延期决定（{d.isoformat()}）晚于原答复期限 {due_now.isoformat()}；"
                                  "延期应在答复期限内经负责人同意并告知申请人")
            n = int(e.data.get("workdays", s.max_extension_workdays))
            extended += n
            if extended > s.max_extension_workdays:
                c.warnings.append(f"延期合计{extended}个工作日，超过条例第三十三条规定的最长{s.max_extension_workdays}个工作日")
            c.limit += n
            return f"经政府信息公开工作机构负责人同意延期答复{n}个工作日（条例第三十三条第二款）"
        if e.kind == "later_deadline":
            c.fixed_due = date.fromisoformat(e.data["until"])
            return f"依条例第三十五条确定合理的答复期限至{c.fixed_due.isoformat()}（理由：{e.data.get('reason', '')}）"
        if e.kind == "fee_notice":
            due_now = reached.get(c.limit)
            if due_now and d > due_now:
                c.warnings.append(f"收费通知（{d.isoformat()}）晚于答复期限 {due_now.isoformat()}；"
                                  "收费通知应在申请处理期限内发出")
            c.fee_pay_until = cal.add_workdays(d, s.fee_payment_workdays)[0]
            fee_wait = s.fee_wait_pauses_deadline
            how = "缴费等待期间不计入答复期限（本机关设置）" if fee_wait else "答复期限照常计算（本机关设置）"
            return f"发出收费通知，金额{e.data.get('amount', '')}元，缴费期限至{c.fee_pay_until.isoformat()}；{how}"
        if e.kind == "fee_paid":
            fee_wait = False
            c.fee_pay_until = None
            return "申请人已缴费" + ("，次日起恢复计算" if s.fee_wait_pauses_deadline else "")
        if e.kind == "replied":
            c.replied_on = d
            return f"作出答复：{outcomes().get(e.data.get('outcome', ''), e.data.get('outcome', ''))}"
        if e.kind == "archived":
            return "归档"
        return e.kind

    def why_stopped() -> str:
        if awaiting:
            return "待补正"
        if consulting:
            return "征求意见期间"
        return "待缴费"

    day = received
    info = cal.info(day)
    c.ledger.append(LedgerDay(day, info.kind, None, "收到申请，当日不计入", info.assumed))
    for e in by_day.get(day, ()):
        c.ledger[-1].why += "；" + apply(e)
    c.running = not (awaiting or consulting or fee_wait)
    while True:
        if day >= last_event and (not c.running or c.counted >= c.limit):
            break
        day += timedelta(days=1)
        if (day - received).days > _MAX_DAYS:
            raise GongkaiError("答复期限无法在十年内算出，请检查办理记录")
        info = cal.info(day)
        c.assumed |= info.assumed
        if c.running and info.workday:
            c.counted += 1
            reached.setdefault(c.counted, day)
            entry = LedgerDay(day, info.kind, c.counted, "", info.assumed)
            if c.replied_on is not None:
                entry.why = "（已答复，仅示期限）"
            elif c.counted > c.limit:
                entry.why = "已超过答复期限"
        else:
            entry = LedgerDay(day, info.kind, None, why_stopped() if not c.running else "", info.assumed)
        c.ledger.append(entry)
        for e in by_day.get(day, ()):
            text = apply(e)
            entry.why = f"{entry.why}；{text}" if entry.why else text
        c.running = not (awaiting or consulting or fee_wait)

    c.due = c.fixed_due or reached.get(c.limit)
    if c.limit > s.reply_workdays and reached.get(s.reply_workdays):
        first_due = reached[s.reply_workdays]
        for entry in c.ledger:
            if entry.day == first_due:
                entry.why = "原答复期限（延期前）" + (f"；{entry.why}" if entry.why else "")
    if c.assumed:
        c.warnings.append(f"计算用到了尚未公布节假日安排的日期（已知安排截至{cal.last_known_day.isoformat()}），"
                          "这些日期只按周末推算，期限可能不准确。请录入该年国务院办公厅节假日安排通知"
                          "（gongkai register calendar add）后重新计算。")
    if c.late:
        c.warnings.append(f"答复日期 {c.replied_on.isoformat()} 晚于答复期限 {c.due.isoformat()}")
    return c
