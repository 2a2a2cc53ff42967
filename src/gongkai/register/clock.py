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
- Art. 35 lets the body set a reasonable later deadline, which then replaces the computed one;
- lateness once incurred stays: an extension or later deadline decided after the due date is
  recorded and flagged but moves nothing, and a due date once passed unanswered stays on the
  clock (``late_since``) whatever happens later.

An event takes effect at the end of its day: a pause sent on day P still counts day P; the days
after it up to and including the resume day R are not counted; counting goes on from R + 1.

Each step's effect is one method of :class:`_Walk`, named by the step's ``clock`` in
``data/events.yaml``; the walk counts the days and calls them.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from gongkai.errors import GongkaiError
from gongkai.register.events import Event, kinds
from gongkai.register.settings import Settings
from gongkai.register.vocab import channels, outcomes, party_labels
from gongkai.workdays import WEEKDAYS_ZH, Calendar
from gongkai.workdays.calendar import ASSUMED_BASIS

# Longest stretch we are willing to simulate; a request open longer is surely a data error
# (a request may stay open across several years; it must still be possible to record its reply).
_MAX_DAYS = 10 * 366


NOT_DELIVERED = "尚未登记送达日期"


def fee_not_delivered(step: int) -> str:
    """The warning while a fee notice's delivery is not recorded: which step, and how to record it
    at the command line and in the web (the same warning is shown by both)."""
    return (f"收费通知（第{step}条）{NOT_DELIVERED}，缴费期限暂按通知日期起算；送达后请登记该通知的送达"
            f"（gongkai register deliver 编号 {step} --date 日期 --method 方式；网页：“更正、作废、送达”中的“送达”）")


def columns_of(text: str) -> int:
    """Terminal columns of ``text``: an East Asian wide character takes two (as gongkai.cli.columns
    counts; the register does not import the CLI)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class LedgerDay:
    day: date
    kind: str             # 工作日 | 周末 | 节假日 | 调休上班 | 未知（按周末推算） | 节假日（推算：国庆节）
    count: int | None     # the running count when this day counted, else None
    why: str = ""         # why it did not count, or what happened
    assumed: bool = False

    def line(self, width: int = 8) -> str:
        # the kind padded to ``width`` terminal columns (a Chinese character takes two), so the counts
        # align: the ledger passes its widest kind's (节假日（推算：元旦） takes 20)
        pad = " " * max(0, width - columns_of(self.kind))
        head = f"{self.day.isoformat()} 周{WEEKDAYS_ZH[self.day.weekday()]} {self.kind}{pad}"
        why = self.why or ("推算" if self.assumed else self.kind)   # the kind column already says how
        mid = f"第{self.count}个工作日" if self.count is not None else f"不计（{why}）"
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
    assumed: bool                    # a day beyond the known calendar was needed for the due date
    correction_until: date | None = None
    correction_until_inferred: bool = False   # not recorded: worked out from today's setting
    fee_pay_until: date | None = None
    consultation_reply_by: date | None = None
    fixed_due: date | None = None    # Art. 35
    concluded_on: date | None = None  # replied or withdrawn
    late_since: date | None = None   # the first due date passed unanswered; it stays
    # periods other than the answer's (补正期限, the third party's 15 days, the payment period) whose
    # end was counted over days of a year without a known arrangement: (what, end date)
    assumed_periods: list[tuple[str, date]] = field(default_factory=list)

    @property
    def due_text(self) -> str:
        """The due date as every message states it: marked 推算 when counted over assumed days."""
        due = self.missed
        return "" if due is None else due.isoformat() + ("（推算）" if self.assumed else "")

    @property
    def replied_on(self) -> date | None:
        return self.concluded_on

    @property
    def late(self) -> bool:
        """Answered late, or a due date passed unanswered at some point of the history."""
        if self.late_since is not None:
            return True
        return self.concluded_on is not None and self.due is not None and self.concluded_on > self.due

    def overdue(self, today: date) -> bool:
        """Late, or still open past its due date on ``today``."""
        return self.late or (self.concluded_on is None and self.due is not None and self.due < today)

    @property
    def missed(self) -> date | None:
        """The due date to show: the one passed unanswered when there is one."""
        return self.late_since or self.due

    def render(self, warnings: bool = True) -> str:
        """The day-by-day ledger as text; ``warnings=False`` leaves out the 注意 lines (a page that
        shows them on their own)."""
        lines = [f"收到申请：{self.received.isoformat()}（当日不计入，民法典第二百零一条）"]
        width = max([8, *(columns_of(d.kind) for d in self.ledger)])
        lines += [d.line(width) for d in self.ledger]
        if self.fixed_due:
            lines.append(f"答复期限：{self.fixed_due.isoformat()}（依条例第三十五条确定的合理期限）")
        elif self.due:
            lines.append(f"答复期限：{self.due.isoformat()}" + ("（推算）" if self.assumed else ""))
        elif self.concluded_on:   # ended while the clock stood still (withdrawn awaiting its 补正)
            lines.append(f"答复期限：无（{self.concluded_on.isoformat()}办结时暂停计算，已计{self.counted}个工作日）")
        else:
            lines.append(f"答复期限：暂停计算（已计{self.counted}个工作日，尚余{self.limit - self.counted}个）")
        lines += [f"注意：{w}" for w in self.warnings] if warnings else []
        return "\n".join(lines)


def calendar_warning(cal: Calendar) -> str:
    """What a clock that ran past the known holiday arrangements says (one sentence)."""
    return (f"计算用到了尚未公布节假日安排的日期（已知安排截至{cal.last_known_day.isoformat()}），"
            f"这些日期{ASSUMED_BASIS}，期限可能不准确。请录入该年国务院办公厅节假日安排通知"
            "（gongkai register calendar add）。")


# The steps whose letter tells the applicant the due date (登记回执, 延期答复告知书): each keeps the
# date as told (``told_due``, "2027-01-18（推算）" when counted over assumed days), so the letter
# printed again says what went out, and a later notice (or correction) that moves it is told.
TELLS_DUE = {"registered": "登记回执", "extended": "延期答复告知书"}
# how the warning names the letter's date, what the letter said and what a reprint says
_TOLD_WORDS = {"registered": ("回执上的日期", "回执已说明", "重新打印的回执仍是当时写明的日期"),
               "extended": ("告知的日期", "告知书已说明", "重新打印的告知书仍是当时告知的日期")}
# A later step that sets a new due date of its own: the earlier letter's date no longer stands.
_SUPERSEDES_TOLD = ("corrected", "later_deadline")
ESTIMATED_MARK = "（推算）"


def clock_as_of(received: date, events: Iterable[Event], step: Event, cal: Calendar, s: Settings) -> Clock:
    """The clock as it stood on ``step``'s day: the steps up to it and itself (a letter's view)."""
    return compute_clock(received, [e for e in events if (e.on, e.id) <= (step.on, step.id)], cal, s)


def told_due_text(clock: Clock) -> str:
    """The due date a letter states from ``clock``, as stored in ``told_due`` ("" when stopped)."""
    return "" if clock.due is None else clock.due.isoformat() + (ESTIMATED_MARK if clock.assumed else "")


def told_due(text: str) -> tuple[date, bool]:
    """A stored ``told_due`` as (the date, whether it was an estimate)."""
    return date.fromisoformat(text[:10]), text.endswith(ESTIMATED_MARK)


def told_due_warnings(received: date, events: list[Event], cal: Calendar, s: Settings) -> list[str]:
    """The due date the last letter told the applicant, where the register now counts another
    (a holiday notice entered since, a corrected notice or a corrected step): one sentence, or
    none.  A request concluded, or whose due date a later step set anew, has none."""
    ordered = sorted(events, key=lambda e: (e.on, e.id))
    if any(e.kind in ("replied", "withdrawn") for e in ordered):
        return []
    setting = [e for e in ordered if e.kind in TELLS_DUE or e.kind in _SUPERSEDES_TOLD]
    step = setting[-1] if setting else None
    if step is None or step.kind not in TELLS_DUE or not step.data.get("told_due"):
        return []
    told = str(step.data["told_due"])
    now = clock_as_of(received, ordered, step, cal, s).due
    day, estimated = told_due(told)
    if now is None or now == day:
        return []
    letter, sent = TELLS_DUE[step.kind], step.data.get("delivered_on")
    date_told, letter_said, reprint = _TOLD_WORDS[step.kind]
    if sent:        # its 送达 is recorded: the applicant was told
        head = f"第{step.id}条的{letter}（{sent} 送达）告知申请人于{told}前作出答复"
    elif step.kind == "registered":   # a 回执 is not always sent: say what it says, and when it told
        head = f"第{step.id}条的{letter}写明于{told}前作出答复（该回执未登记送达；已发给申请人的，即告知了这个日期）"
    else:           # an extension is always told (条例第三十三条), its 送达 perhaps not recorded
        head = f"第{step.id}条的{letter}告知申请人于{told}前作出答复"
    head += f"，按现在的节假日安排和办理记录，答复期限为{now.isoformat()}"
    if now < day:
        return [f"{head}，早于{date_told}：请在{now.isoformat()}前答复（可另行告知申请人）"]
    basis = f"{letter_said}以按公布的安排计算的日期为准；" if estimated else ""
    return [f"{head}，晚于{date_told}（{basis}{reprint}）"]


def corrected_due_text(step: Event, told: str, now: str, answered: bool, today: date) -> str:
    """What a clerk is told when a correction of what ``step``'s due date is counted from (a
    registration's 收到日期 or channel, an extension's days or date) moved the date its letter had
    told (``told``) to ``now``.  The law counts from the facts — the day the request was actually
    received (条例第三十一条、第三十三条), the extension as granted — not from a mistyped letter: the
    corrected date binds.  An earlier one needs an answer by then; either way the applicant holds the
    letter's date."""
    letter, sent = TELLS_DUE[step.kind], step.data.get("delivered_on")
    if sent:
        gave = f"第{step.id}条的{letter}（{sent} 送达）告知申请人的是{told}"
    elif step.kind == "registered":
        gave = f"第{step.id}条的{letter}写明的是{told}（该回执未登记送达；已发给申请人的，即告知了这个日期）"
    else:
        gave = f"第{step.id}条的{letter}告知申请人的是{told}"
    law = "条例第三十一条、第三十三条" if step.kind == "registered" else "条例第三十三条"
    head = f"答复期限由{told}改为{now}，{gave}；期限以更正后的为准（{law}）"
    day = told_due(now)[0]
    if day >= told_due(told)[0]:
        return f"{head}，晚于告知申请人的日期" + ("" if answered else "：可另行告知申请人更正后的期限")
    if answered:   # lateness follows the corrected date (the request's own line says it)
        return f"{head}，早于告知申请人的日期"
    act = "已超期，请尽快答复" if day < today else f"请在{day.isoformat()}前答复"
    return f"{head}，早于告知申请人的日期：{act}，并可另行告知申请人更正后的期限"


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
    """The clock of a request received on ``received`` with the (effective) steps ``events``."""
    steps = _steps(received, events)
    by_day: dict[date, list[Event]] = defaultdict(list)
    for e in steps:
        by_day[e.on].append(e)
    walk = _Walk(received, cal, s)
    walk.receive(by_day.get(received, []))
    last = steps[-1].on if steps else received
    day = received
    while day < last or (walk.running and walk.c.counted < walk.c.limit):
        day += timedelta(days=1)
        if (day - received).days > _MAX_DAYS:
            raise GongkaiError("答复期限无法在十年内算出，请检查办理记录")
        walk.count(day, by_day.get(day, []))
    return walk.finish()


def _steps(received: date, events: Iterable[Event]) -> list[Event]:
    """The steps that act on the clock or appear in its ledger, in order, checked for dates."""
    steps = sorted((e for e in events if e.kind != "registered" and not kinds()[e.kind].meta),
                   key=lambda e: (e.on, e.id))
    for e in steps:
        if e.on < received:
            raise GongkaiError(f"事件“{e.kind}”的日期 {e.on.isoformat()} 早于收到申请日期 {received.isoformat()}")
    if steps and (steps[-1].on - received).days > _MAX_DAYS:
        raise GongkaiError("办理记录跨度超过十年，请检查日期是否录错")
    return steps


class _Walk:
    """The count, day by day.  Each clock effect of events.yaml is one method returning the
    sentence the ledger shows for it."""

    def __init__(self, received: date, cal: Calendar, s: Settings):
        self.cal, self.s = cal, s
        self.c = Clock(received, received, s.reply_workdays, 0, None, True, [], [], False)
        self.reached: dict[int, date] = {}   # count -> the day it was reached
        self.awaiting = False                # 补正 asked, not yet received
        self.consulting: set[str] = set()
        self.fee_wait = False
        self.extended = 0

    @property
    def running(self) -> bool:
        return not (self.awaiting or self.consulting or self.fee_wait)

    def _due_now(self) -> date | None:
        return self.c.fixed_due or self.reached.get(self.c.limit)

    def _after_due(self, day: date, what: str) -> bool:
        """Whether ``day`` is after the due date as it then stood (warned once per step)."""
        due = self._due_now()
        if due is None or day <= due:
            return False
        self.c.warnings.append(f"{what}（{day.isoformat()}）晚于当时的答复期限 {due.isoformat()}；"
                               "已登记，但不改变答复期限，该申请仍按逾期计")
        return True

    def _period(self, what: str, start: date, end: date) -> None:
        """Note a period's end counted (or, for a stored 补正期限, to be read) over days whose
        arrangement is not known, so that it is never stated as certain without saying so."""
        if self.cal.any_assumed(start, end):
            self.c.assumed_periods.append((what, end))

    # -- days ----------------------------------------------------------------------------
    def receive(self, events: list[Event]) -> None:
        info = self.cal.info(self.c.received)
        entry = LedgerDay(self.c.received, info.kind, None, "收到申请，当日不计入", info.assumed)
        self.c.ledger.append(entry)
        self._apply_all(entry, events)

    def count(self, day: date, events: list[Event]) -> None:
        info = self.cal.info(day)
        self.c.assumed |= info.assumed
        if self.running and info.workday:
            entry = self._counted(day, info.kind, info.assumed)
        else:
            entry = LedgerDay(day, info.kind, None, self._why_stopped() if not self.running else "", info.assumed)
        self._mark_late(day, entry)
        self.c.ledger.append(entry)
        self._apply_all(entry, events)

    def _counted(self, day: date, kind: str, assumed: bool) -> LedgerDay:
        c = self.c
        c.counted += 1
        self.reached.setdefault(c.counted, day)
        return LedgerDay(day, kind, c.counted, "（已办结，仅示期限）" if c.concluded_on is not None else "", assumed)

    def _mark_late(self, day: date, entry: LedgerDay) -> None:
        """A day after the due date with the request still open: late, for good."""
        due = self._due_now()
        if due is None or day <= due or self.c.concluded_on is not None:
            return
        if entry.count is not None:
            entry.why = "已超过答复期限"
        if self.c.late_since is None:
            self.c.late_since = due

    def _apply_all(self, entry: LedgerDay, events: list[Event]) -> None:
        for e in events:
            effect = kinds()[e.kind].clock
            text = getattr(self, effect)(e) if effect else kinds()[e.kind].label
            entry.why = f"{entry.why}；{text}" if entry.why else text

    def _why_stopped(self) -> str:
        if self.awaiting:
            return "待补正"
        if self.consulting:
            return "征求意见期间"
        return "待缴费"

    # -- effects (events.yaml `clock`) ---------------------------------------------------
    def stop_for_correction(self, e: Event) -> str:
        c, s = self.c, self.s
        used = self.cal.workdays_between(c.start, e.on)
        if used > s.correction_notice_workdays:
            # counted over days of a year whose notice is not entered, the count is an estimate too
            estimated = "（按推算的节假日计，以公布的安排为准）" if self.cal.any_assumed(c.start, e.on) else ""
            c.warnings.append(f"补正告知于收到申请后第{used}个工作日发出{estimated}，"
                              f"超过条例第三十条规定的{s.correction_notice_workdays}个工作日")
        until = e.data.get("until")
        # A step recorded since the 补正期限 is kept always has it; one imported from a 台账 that left
        # it blank (or recorded before) does not: the date is then worked out from today's setting
        # and said to be so, never written into a letter (letters.context_for).
        c.correction_until = date.fromisoformat(until) if until else \
            self.cal.add_workdays(e.on, s.correction_period_workdays)[0]
        c.correction_until_inferred = not until
        self._period("补正期限", e.on, c.correction_until)
        self.awaiting = True
        inferred = (f"（未登记补正期限，按现行设置{s.correction_period_workdays}个工作日推算）"
                    if c.correction_until_inferred else "")
        return (f"发出补正告知书，补正期限至{c.correction_until.isoformat()}{inferred}；"
                "答复期限停止计算，待收到补正后重新计算")

    def restart(self, e: Event) -> str:
        self.awaiting = False
        self.c.start, self.c.counted, self.reached = e.on, 0, {}
        return "收到补正后的申请：答复期限自次日起重新计算20个工作日（条例第三十条）"

    def pause_for_consultation(self, e: Event) -> str:
        party = e.data.get("party") or ""   # an imported list may not say whom: not guessed
        self.consulting.add(party)
        sent = date.fromisoformat(e.data["delivered_on"]) if e.data.get("delivered_on") else e.on
        self.c.consultation_reply_by = self.cal.add_workdays(sent, self.s.consultation_reply_workdays)[0]
        self._period("征求意见的答复期限", sent, self.c.consultation_reply_by)
        return (f"书面征求{party_labels().get(party, party)}意见，所需时间不计入答复期限（条例第三十三条第三款）；"
                f"对方应于{self.c.consultation_reply_by.isoformat()}前提出意见")

    def resume_after_consultation(self, e: Event) -> str:
        party = e.data.get("party")
        self.consulting = self.consulting - {party} if party else set()
        self.c.consultation_reply_by = None
        return "收到意见（或意见期满），次日起恢复计算"

    def extend(self, e: Event) -> str:
        n = e.data.get("workdays")
        if not isinstance(n, int):   # every way in refuses it (case._extended, the import): no length is assumed
            raise GongkaiError(f"第{e.id}条“延期答复”没有登记延长的工作日数，无法计算答复期限")
        if self._after_due(e.on, "延期决定"):
            return f"逾期后决定延期{n}个工作日（条例第三十三条第二款要求在答复期限内决定），不改变答复期限"
        self.extended += n
        if self.extended > self.s.max_extension_workdays:
            self.c.warnings.append(f"延期合计{self.extended}个工作日，超过条例第三十三条规定的最长"
                                   f"{self.s.max_extension_workdays}个工作日")
        self.c.limit += n
        return f"经政府信息公开工作机构负责人同意延期答复{n}个工作日（条例第三十三条第二款）"

    def set_later_deadline(self, e: Event) -> str:
        until = date.fromisoformat(e.data["until"])
        if self._after_due(e.on, "确定合理答复期限"):
            return f"逾期后确定答复期限至{until.isoformat()}，不改变答复期限"
        self.c.fixed_due = until
        return f"依条例第三十五条确定合理的答复期限至{until.isoformat()}（理由：{e.data.get('reason', '')}）"

    def wait_for_fee(self, e: Event) -> str:
        c, s = self.c, self.s
        due = self._due_now()
        if due and e.on > due:
            c.warnings.append(f"收费通知（{e.on.isoformat()}）晚于答复期限 {due.isoformat()}；收费通知应在申请处理期限内发出")
        # 国办函〔2020〕109号: 20 working days from the day after the applicant receives the
        # notice; until its delivery is recorded the notice's own date stands in (flagged).
        delivered = e.data.get("delivered_on")
        start = date.fromisoformat(delivered) if delivered else e.on
        c.fee_pay_until = self.cal.add_workdays(start, s.fee_payment_workdays)[0]
        self._period("缴费期限", start, c.fee_pay_until)
        if not delivered:
            c.warnings.append(fee_not_delivered(e.id))
        self.fee_wait = s.fee_wait_pauses_deadline
        how = "缴费等待期间不计入答复期限（本机关设置）" if self.fee_wait else "答复期限照常计算（本机关设置）"
        return f"发出收费通知，金额{e.data.get('amount', '')}元，缴费期限至{c.fee_pay_until.isoformat()}；{how}"

    def fee_paid(self, e: Event) -> str:
        self.fee_wait = False
        self.c.fee_pay_until = None   # paid: the payment period, and so the notice's delivery, no longer matter
        self.c.warnings = [w for w in self.c.warnings if NOT_DELIVERED not in w]
        return "申请人已缴费" + ("，次日起恢复计算" if self.s.fee_wait_pauses_deadline else "")

    def conclude(self, e: Event) -> str:
        self.c.concluded_on = e.on
        if e.kind == "withdrawn":
            return "申请人撤回申请，办结"
        outcome = e.data.get("outcome", "")
        return f"作出答复：{outcomes().get(outcome, outcome)}"

    # -- the result ----------------------------------------------------------------------
    def finish(self) -> Clock:
        c, s = self.c, self.s
        c.running = self.running
        c.due = self._due_now()
        if (shown := c.missed) is not None:
            # only the days up to the date stated make it an estimate: a reply, or the ledger run on
            # to it, in a year not yet published does not (2026-11-30 answered on 2027-01-05 was
            # shown as 2026-11-30（推算）); an Art. 35 date is the body's own, not counted
            c.assumed = shown != c.fixed_due and self.cal.any_assumed(c.received, shown)
        if c.limit > s.reply_workdays and self.reached.get(s.reply_workdays):
            first_due = self.reached[s.reply_workdays]
            for entry in c.ledger:
                if entry.day == first_due:
                    entry.why = "原答复期限（延期前）" + (f"；{entry.why}" if entry.why else "")
        for what, end in c.assumed_periods:
            c.warnings.append(f"{what} {end.isoformat()} 用到了尚未公布节假日安排的日期，{ASSUMED_BASIS}，"
                              "可能与按公布的安排计算的不同")
        if c.assumed or c.assumed_periods:
            c.warnings.append(calendar_warning(self.cal))
        if c.late and (missed := c.late_since or c.due) is not None:  # late means a due date has passed
            when = f"于 {c.concluded_on.isoformat()} 办结" if c.concluded_on else "尚未办结"
            c.warnings.append(f"已超过答复期限 {missed.isoformat()}，{when}；逾期记录保留")
        return c
