"""The register in the database: requests and their append-only, numbered steps.

A request is its number and its history.  Step 1 (``registered``) carries what the clerk
registered; every later step — the statutory ones of ``data/events.yaml``, corrections (更正),
voids (作废) and deliveries (送达) — is appended with who and when, never changed (the database
refuses UPDATE and DELETE).  Every write is one transaction that appends the step after replaying
the whole history against the rules, and rewrites the request's row of ``request_state`` (state,
due date, lateness, current facts) from that history, so the derived state can always be rebuilt
(:meth:`Register.rebuild`).  This module and :mod:`gongkai.db` are the only ones that speak SQL
to the register's tables.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from gongkai import regex
from gongkai.db import now_stamp, office_today, open_registers, taking_turns
from gongkai.errors import GongkaiError, NotFound, shown
from gongkai.format.text import BLANK
from gongkai.register.case import Case, RuleError, check_history, derive, extension_refused, facts
from gongkai.register.clock import TELLS_DUE, clock_as_of, compute_clock, receipt_date, told_due_text
from gongkai.register.events import (
    COUNTED_FROM,
    Event,
    MissingValue,
    amend,
    amendable,
    amendable_names,
    effective,
    kind,
    kinds,
    parse_value,
)
from gongkai.register.filters import RequestFilter, where
from gongkai.register.settings import Settings, load_settings
from gongkai.register.vocab import channels
from gongkai.settings import current
from gongkai.workdays import Calendar, load_calendar

_CONTACT = ("id_number", "phone", "email", "address")


@dataclass
class Applicant:
    type: str
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""

    def masked_name(self) -> str:
        """For lists: the first character and stars (contact details are never listed)."""
        if self.type != "natural_person":
            return self.name
        return self.name[:1] + "*" * max(1, len(self.name) - 1)


@dataclass
class NewRequest:
    applicant: Applicant
    channel: str
    content: str
    submitted_on: date
    signed_on: date | None = None      # registered mail: the day the body signed for it
    confirmed_on: date | None = None   # ordinary mail, internet, fax: the day receipt was confirmed
    pieces: int = 1
    ref: str | None = None

    def data(self) -> dict[str, Any]:
        """The data of the registration step."""
        a = self.applicant
        return {"applicant_type": a.type, "name": a.name, "id_number": a.id_number, "phone": a.phone,
                "email": a.email, "address": a.address, "channel": self.channel, "content": self.content,
                "pieces": self.pieces, "receipt_on": self.signed_on or self.confirmed_on}


@dataclass
class Request:
    id: int
    ref: str
    applicant: Applicant
    channel: str
    content: str
    pieces: int
    submitted_on: date
    received_on: date
    created_by: str
    created_at: str
    state: str
    outcome: str | None
    concluded_on: date | None
    due_on: date | None
    events: list[Event] = field(default_factory=list)    # effective steps (after 更正/作废/送达)
    due_assumed: bool = False  # the due date ran past the known holiday calendar
    late: bool = False         # answered late, or a due date passed unanswered
    history: list[Event] = field(default_factory=list)   # every step as recorded, in number order

    @property
    def due_text(self) -> str:
        """The stored due date as every message and export for people states it ("" when none):
        2027-01-08（推算） when counted over days of a year whose notice is not entered."""
        return "" if self.due_on is None else self.due_on.isoformat() + ("（推算）" if self.due_assumed else "")

    def timeliness(self, today: date) -> str:
        """作废, 逾期 (answered late, or a due date passed unanswered), 按时, 已超期 (open past its
        due date on ``today``), or blank (open, not yet due): how lists and exports say it."""
        if self.state == "voided":
            return "作废"
        if self.late:
            return "逾期"
        if self.concluded_on:
            return "按时"
        return "已超期" if self.due_on and self.due_on < today else ""


def due_moved(old: Request, new: Request) -> str:
    """What a holiday notice changed of one request (:meth:`Register.recount`), in words."""
    turned = "" if old.late == new.late else "，由" + ("逾期改为按时" if old.late else "按时改为逾期")
    return f"答复期限 {old.due_text or BLANK} → {new.due_text or BLANK}{turned}"


def registration(history: Iterable[Event]) -> Event:
    """The effective registration step of a history."""
    return next(e for e in effective(history) if e.kind == "registered")


def received_on(reg: Event) -> date:
    d = reg.data
    receipt = date.fromisoformat(d["receipt_on"]) if d.get("receipt_on") else None
    return receipt_date(d["channel"], reg.on, receipt, receipt)[0]


def applicant_of(reg: Event) -> Applicant:
    d = reg.data
    return Applicant(d["applicant_type"], d["name"], *(d.get(k) or "" for k in _CONTACT))


@taking_turns
class Register:
    """A body's request register (依申请公开台账, ``gongkai register``): ``gongkai.Register(url)``
    with a SQLite file path or ``postgresql://…`` (None: ``GONGKAI_DB``, else the user's data folder),
    in a ``with`` block.  ``add`` registers a request, ``record(ref, kind, on, actor, …)`` a step of
    ``register/data/events.yaml`` (a reply, an extension …), ``amend``/``void`` correct one with the
    reason; ``get(ref)``, ``case(ref)`` (its history, due date and ledger), ``requests(filter)`` and
    ``count(filter)`` read them.  Nothing is ever changed or deleted (docs/register.md)."""

    def __init__(self, url: str | None = None, calendar: Calendar | None = None,
                 settings: Settings | None = None, today: Callable[[], date] | date | None = None,
                 create: bool = False):
        """``today``: the office's date (a date or a function giving it), after which no step may
        be dated; default the date in Asia/Shanghai (or GONGKAI_TODAY).  A date given fixes the
        day of the records' stamps too (``stamp``).  A SQLite file that is not there is refused
        (``NotFound``: a mistyped path must not show an empty register) unless ``create=True``,
        which starts an empty register there."""
        self.db = open_registers(url, create=create)
        self.calendar = calendar or load_calendar(self.db)
        self.settings = settings or load_settings()
        self.office_day = today
        self._defer = False
        self._refresh_missing()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def today(self) -> date:
        t = self.office_day
        return t() if callable(t) else (t or office_today())

    def stamp(self) -> str:
        """When a step is recorded now: the office's time, on its day when that day is fixed."""
        return now_stamp(self.office_day if isinstance(self.office_day, date) else None)

    # -- writing -----------------------------------------------------------------------
    def add(self, new: NewRequest | Mapping[str, Any], actor: str, on: date | None = None,
            ref: str | None = None) -> str:
        """Register a request: ``new`` is a NewRequest or the registration's fields (as entered)
        with ``on`` its submission date.  Returns the request number."""
        with self.db.transaction():
            return self._add(new, actor, on, ref)

    def _add(self, new: NewRequest | Mapping[str, Any], actor: str, on: date | None, ref: str | None,
             recorded: tuple[str, str] | None = None, keep: Mapping[str, Any] | None = None) -> str:
        """``recorded``/``keep``: an imported registration's who/when and computed values, as they were."""
        if isinstance(new, NewRequest):
            values, on, ref = new.data(), new.submitted_on, ref or new.ref
        else:
            values = dict(new)
        if on is None:
            raise GongkaiError("缺少提交日期")
        data = kind("registered").clean(values, self.settings)
        self._check_registration(on, data)
        received = received_on(Event("registered", on, data))
        if recorded is None:   # the 登记回执's date as known today, kept (an imported one: as it was, or none)
            data["told_due"] = told_due_text(compute_clock(received, [], self.calendar, self.settings))
        data.update({k: v for k, v in (keep or {}).items() if v not in (None, "")})
        if ref and self.db.scalar("SELECT 1 FROM requests WHERE ref = ?", (ref,)):
            raise GongkaiError(f"申请编号 {ref} 已存在")
        ref = ref or self._next_ref(received.year)
        by, stamp = recorded or (actor, self.stamp())
        rid = self.db.insert("INSERT INTO requests (ref, created_by, created_at) VALUES (?, ?, ?)", (ref, by, stamp))
        self._insert(rid, Event("registered", on, data, by, stamp, 1))
        if not self._defer:
            self._refresh(rid)
        return ref

    def _check_registration(self, on: date, data: dict[str, Any]) -> None:
        receipt = date.fromisoformat(data["receipt_on"]) if data.get("receipt_on") else None
        if receipt and channels()[data["channel"]].receipt == "submitted":
            raise GongkaiError("当面提交以提交之日为收到申请之日（条例第三十一条第一项），不填写签收或确认日期")
        if receipt and receipt < on:
            raise GongkaiError("签收或确认日期不能早于提交日期")
        self._not_future(receipt or on, "收到申请")
        self._not_future(on, "提交")

    def _not_future(self, day: date, what: str) -> None:
        today = self.today()
        if day > today:
            raise RuleError(f"{what}日期 {day.isoformat()} 晚于今天（{today.isoformat()}），不能登记将来的事项")

    def _next_ref(self, year: int) -> str:
        """The next free ``YEAR-NNNNNN`` of the year: numbers given by hand or imported are skipped,
        so a later registration never collides with them."""
        n = self._counter("ref", year)
        while True:
            n += 1
            ref = f"{year}-{n:06d}"
            if not self.db.scalar("SELECT 1 FROM requests WHERE ref = ?", (ref,)):
                self._set_counter("ref", year, n)
                return ref

    def _counter(self, name: str, year: int) -> int:
        self.db.execute("INSERT INTO counters (name, year, last) VALUES (?, ?, 0) ON CONFLICT DO NOTHING",
                        (name, year))
        return int(self.db.scalar("SELECT last FROM counters WHERE name = ? AND year = ?" + self.db.for_update,
                                  (name, year)))

    def _set_counter(self, name: str, year: int, n: int) -> None:
        self.db.execute("UPDATE counters SET last = ? WHERE name = ? AND year = ? AND last < ?", (n, name, year, n))

    def record(self, ref: str, kind_id: str, on: date | None, actor: str, **values: Any) -> Case:
        """Append one step (a kind of events.yaml with its fields as entered) after checking the
        whole history with it; returns the request's new state."""
        with self.db.transaction():
            return self._record(ref, kind_id, on, actor, values)

    def _record(self, ref: str, kind_id: str, on: date | None, actor: str, values: Mapping[str, Any]) -> Case:
        rid = self._locked(ref)
        history = self._history(rid)
        new = self._step(history, ImportedStep(kind_id, on, dict(values), imported=False),
                         (actor, self.stamp()))
        self._check(history + [new], new)
        self._insert(rid, new)
        return self._refresh(rid)

    def _step(self, history: list[Event], st: ImportedStep, recorded: tuple[str, str]) -> Event:
        """The step to append after ``history``: fields checked and normalised, computed values
        filled in (or kept as imported), its 文号 taken; not yet checked against the history."""
        k = kind(st.kind)
        if k.id == "registered":
            raise GongkaiError("登记申请请用 register add")
        on = st.on or (self.today() if k.dated_today else None)
        if on is None:
            raise GongkaiError(f"{k.label}须填写日期")
        values = {key: v for key, v in st.values.items() if v is not None}
        if not st.imported:
            values.update(self._worked_out(k.id, history, on, values))
        data = k.clean(values, self.settings, imported=st.imported)
        if not (st.keep and k.id == "fee_notice"):   # an imported fee stands as it was charged
            data = self._prepare(k.id, history, on, data)
        if k.id in TELLS_DUE and not st.imported:   # the date its letter tells, as known today
            step = Event(k.id, on, data, id=max(e.id for e in history) + 1)
            told = told_due_text(clock_as_of(received_on(registration(history)), effective(history + [step]), step,
                                             self.calendar, self.settings))
            if told:   # none while the clock stands still (awaiting a fee): the letter says none either
                data["told_due"] = told
        if k.id == "amended" and not st.imported:
            data.update(self._due_moved(history, on, data))
        if st.keep:   # imported: the computed values and 文号 as they were
            data.update({key: v for key, v in st.keep.items() if v not in (None, "")})
        if k.numbered and self.settings.doc_number_format and not st.imported:   # an imported letter keeps
            # the 文号 it had, or none: a number it never carried is not invented
            data["doc_number"] = self._doc_number(on.year)
        self._not_future(on, k.label)
        return Event(k.id, on, data, recorded[0], recorded[1], max(e.id for e in history) + 1)

    def _worked_out(self, kind_id: str, history: list[Event], on: date, values: dict[str, Any]) -> dict[str, Any]:
        """What a step recorded now (never an imported one: its blanks stay blank) takes, when left
        blank, from the request's history and the calendar, stored with it:
        - an extension's length: what 条例第三十三条 still allows (20 working days less those
          extended before); none left: refused, saying why;
        - a 补正告知's 补正期限: the date its letter states, kept, so that a later change of the
          setting or of the holiday calendar never moves a date already told to the applicant."""
        if kind_id == "extended" and values.get("workdays") in (None, ""):
            extended = facts(received_on(registration(history)), effective(history)).extended
            if why := extension_refused(extended, self.settings):
                raise RuleError(why)
            return {"workdays": self.settings.max_extension_workdays - extended}
        if kind_id == "correction_requested" and values.get("until") in (None, ""):
            return {"until": self.calendar.add_workdays(on, self.settings.correction_period_workdays)[0]}
        return {}

    def _prepare(self, kind_id: str, history: list[Event], on: date, data: dict[str, Any]) -> dict[str, Any]:
        """Values a step takes from the history: the fee from the tiers, the corrected field's
        old value; and the checks on the step a meta step names."""
        if kind_id == "fee_notice":
            return self._fee(history, data)
        if kind_id in ("amended", "voided", "delivered"):
            target = _target(history, data["event"], kind_id)
            if kind_id == "amended":
                return _amendment(target, data, effective(history))
            if kind_id == "delivered" and not kinds()[target.kind].letter:
                raise GongkaiError(f"第{target.id}条“{kinds()[target.kind].label}”没有文书，无需登记送达")
            if kind_id == "delivered" and on < target.on:
                raise RuleError(f"送达日期 {on.isoformat()} 早于文书日期 {target.on.isoformat()}")
        return data

    def _due_moved(self, history: list[Event], on: date, data: dict[str, Any]) -> dict[str, Any]:
        """A correction of what a letter's due date was counted from keeps, on itself, the date
        that letter told (``told_due``) and the date counted now (``corrected_due``) when they
        differ: the letter sent stays in the record beside the date that binds."""
        target = next(e for e in history if e.id == data["event"])
        told = target.data.get("told_due")
        if target.kind not in TELLS_DUE or not told or data["field"] not in COUNTED_FROM:
            return {}
        steps = effective(history + [Event("amended", on, data, id=max(e.id for e in history) + 1)])
        corrected = next(e for e in steps if e.id == target.id)
        now = told_due_text(clock_as_of(received_on(registration(steps)), steps, corrected,
                                        self.calendar, self.settings))
        return {"told_due": str(told), "corrected_due": now} if now and now != told else {}

    def _fee(self, history: list[Event], data: dict[str, Any]) -> dict[str, Any]:
        from gongkai.register.fees import fee_for_request

        reg = registration(history)
        earlier = 0
        if data["basis"] == "pieces":
            earlier = self._pieces_before(applicant_of(reg), received_on(reg), reg)
        amount = fee_for_request(data["basis"], data["units"], earlier)
        if amount <= 0:
            unit = "件" if data["basis"] == "pieces" else "页"
            before = f"本月此前已申请{earlier}件，" if earlier else ""
            raise GongkaiError(f"按此数量不收费（{before}{data['units']}{unit}未超过免费额度），无需发出收费通知")
        return {**data, "amount": amount, "earlier": earlier}

    def _doc_number(self, year: int) -> str:
        n = self._counter("doc", year) + 1
        self._set_counter("doc", year, n)
        return self.settings.doc_number_format.format(year=year, n=n)

    def _check(self, history: list[Event], new: Event | None = None) -> None:
        steps = effective(history)
        reg = next(e for e in steps if e.kind == "registered")
        self._check_registration(reg.on, reg.data)
        check_history(received_on(reg), steps, self.calendar, self.settings, new)

    def _insert(self, rid: int, e: Event) -> None:
        self.db.execute("INSERT INTO events (request_id, seq, kind, on_date, data, actor, recorded_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (rid, e.id, e.kind, e.on.isoformat(), json.dumps(e.data, ensure_ascii=False, sort_keys=True),
                         e.actor, e.recorded_at))

    def amend(self, ref: str, field_name: str, value: Any, reason: str, actor: str, event: int = 1,
              on: date | None = None, ground: str | None = None) -> Case:
        """Correct one field of step ``event``; ``ground``: with a reply's outcome, its Art. 36 item."""
        extra = {"ground": ground} if ground is not None else {}
        return self.record(ref, "amended", on, actor, event=event, field=field_name, value=value, reason=reason,
                           **extra)

    def void(self, ref: str, event: int, reason: str, actor: str, on: date | None = None) -> Case:
        return self.record(ref, "voided", on, actor, event=event, reason=reason)

    def _refresh(self, rid: int) -> Case:
        history = self._history(rid)
        steps = effective(history)
        reg = next(e for e in steps if e.kind == "registered")
        received = received_on(reg)
        case = derive(received, steps, self.calendar, self.settings)
        if any(e.kind == "voided" and e.data.get("event") == 1 for e in history):
            case.state, case.outcome, case.concluded_on = "voided", None, None
        c, d = case.clock, reg.data
        self.db.execute(
            "INSERT INTO request_state (request_id, applicant_type, applicant_name, id_number, channel, content, "
            "pieces, submitted_on, received_on, state, outcome, concluded_on, due_on, due_assumed, late) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO UPDATE SET "
            "applicant_type = excluded.applicant_type, applicant_name = excluded.applicant_name, "
            "id_number = excluded.id_number, channel = excluded.channel, content = excluded.content, "
            "pieces = excluded.pieces, submitted_on = excluded.submitted_on, received_on = excluded.received_on, "
            "state = excluded.state, outcome = excluded.outcome, concluded_on = excluded.concluded_on, "
            "due_on = excluded.due_on, due_assumed = excluded.due_assumed, late = excluded.late",
            (rid, d["applicant_type"], d["name"], d.get("id_number") or "", d["channel"], d["content"],
             int(d.get("pieces") or 1), reg.on.isoformat(), received.isoformat(), case.state, case.outcome,
             _iso(case.concluded_on), _iso(c.missed), int(c.assumed), int(c.late and case.state != "voided")))
        return case

    def _refresh_missing(self) -> None:
        """Requests without a derived row (just migrated) get one; a due date stored as an
        estimate (推算) is computed again, as the calendar may know more now (a notice entered
        elsewhere, or a newer estimate of the holidays)."""
        missing = [r[0] for r in self.db.query("SELECT r.id FROM requests r LEFT JOIN request_state s "
                                               "ON s.request_id = r.id WHERE s.request_id IS NULL "
                                               "OR s.due_assumed = 1 ORDER BY r.id")]
        if missing:
            with self.db.transaction():
                for rid in missing:
                    self._refresh(rid)

    def rebuild(self) -> int:
        """Recompute every request's derived row from its steps (after a calendar change)."""
        with self.db.transaction():
            ids = [r[0] for r in self.db.query("SELECT id FROM requests ORDER BY id")]
            for rid in ids:
                self._refresh(rid)
        return len(ids)

    def recount(self, calendar: Calendar) -> list[tuple[Request, Request]]:
        """Take ``calendar`` (a holiday notice entered) and recompute every request on it; the
        requests whose due date or lateness it changed, (before, after) — for the clerk to see."""
        before = {r.ref: r for r in self.requests()}
        self.calendar = calendar
        self.rebuild()
        return [(before[r.ref], r) for r in self.requests()
                if (before[r.ref].due_on, before[r.ref].late) != (r.due_on, r.late)]

    def import_requests(self, items: Iterable[tuple[str, list[ImportedStep]]], actor: str,
                        progress: Callable[[int], None] | None = None) -> list[str]:
        """Add many requests in one transaction, all or nothing.  Each item is the place it came
        from (``第12行``) and its steps (:class:`ImportedStep`), the registration first."""
        refs, errors = [], []
        with self.db.transaction():
            for n, (place, steps) in enumerate(items, 1):
                try:
                    refs.append(self._import_one(steps, actor))
                except GongkaiError as exc:   # go on, to report every bad request; then roll back
                    errors.append(f"{place}：{exc.message}")
                if progress:
                    progress(n)
            if errors:
                more = f"\n……另有 {len(errors) - 30} 件有误" if len(errors) > 30 else ""
                raise GongkaiError(f"有 {len(errors)} 件申请有误，未导入任何数据：\n" + "\n".join(errors[:30]) + more)
        return refs

    def check_steps(self, steps: list[ImportedStep]) -> None:
        """Check one request's steps as an import would record them, writing nothing."""
        first = steps[0]
        data = kind("registered").clean(first.values, self.settings)
        if first.on is None:
            raise GongkaiError("登记申请须填写日期")
        self._check_registration(first.on, data)
        history = [Event("registered", first.on, data, first.actor, first.recorded_at, 1)]
        for st in steps[1:]:
            history.append(self._step(history, st, (st.actor, st.recorded_at)))
        self._check(history)

    def _import_one(self, steps: list[ImportedStep], actor: str) -> str:
        """One request and all its steps: checked once as a whole, written, derived once."""
        first, rest = steps[0], steps[1:]
        with self._deferred():
            ref = self._add(first.values, actor, first.on, first.ref, first.recorded(actor, self.stamp()), first.keep)
        rid = self._locked(ref)
        history = self._history(rid)
        for st in rest:
            history.append(self._step(history, st, st.recorded(actor, self.stamp())))
        self._check(history)
        for e in history[1:]:
            self._insert(rid, e)
        self._refresh(rid)
        for st in steps:
            self._note_doc_number(st)
        return ref

    @contextmanager
    def _deferred(self):
        """Within: a registration is written without deriving its state (done once at the end)."""
        self._defer = True
        try:
            yield
        finally:
            self._defer = False

    def _note_doc_number(self, s: ImportedStep) -> None:
        """An imported 文号: later letters of its year are numbered after it."""
        m = re.search(r"(\d+)\s*号\s*$", str((s.keep or {}).get("doc_number") or ""))
        if m and s.on:
            self._counter("doc", s.on.year)
            self._set_counter("doc", s.on.year, int(m.group(1)))

    # -- reading -----------------------------------------------------------------------
    def _locked(self, ref: str) -> int:
        rid = self.db.scalar("SELECT id FROM requests WHERE ref = ?" + self.db.for_update, (ref,))
        if rid is None:
            raise NotFound(f"台账中没有编号为 {shown(ref)} 的申请")
        return int(rid)

    def _history(self, rid: int) -> list[Event]:
        return [Event(k, date.fromisoformat(on), json.loads(data), actor, rec, int(seq))
                for seq, k, on, data, actor, rec in self.db.query(
                    "SELECT seq, kind, on_date, data, actor, recorded_at FROM events WHERE request_id = ? "
                    "ORDER BY seq", (rid,))]

    def exists(self, ref: str) -> bool:
        return self.db.scalar("SELECT 1 FROM requests WHERE ref = ?", (ref,)) is not None

    def history(self, ref: str) -> list[Event]:
        return self._history(self._locked(ref))

    def get(self, ref: str) -> Request:
        reqs = self.requests(RequestFilter(ref=ref, voided=True))
        if not reqs:
            raise NotFound(f"台账中没有编号为 {shown(ref)} 的申请")
        return self._fill(reqs[0])

    def _fill(self, req: Request) -> Request:
        req.history = self._history(req.id)
        req.events = effective(req.history)
        reg = next(e for e in req.events if e.kind == "registered")
        req.applicant = applicant_of(reg)
        return req

    def case(self, ref: str) -> Case:
        req = self.get(ref)
        return derive(req.received_on, req.events, self.calendar, self.settings)

    def requests(self, flt: RequestFilter | None = None, order: str = "received", limit: int | None = None,
                 offset: int = 0) -> list[Request]:
        """Requests matching a typed filter, in ``order`` (``received`` oldest first, ``newest``,
        ``due``), one page of ``limit`` rows from ``offset`` when a limit is given.  Contact
        details are not read here (see :meth:`get`)."""
        sql, params = where(flt or RequestFilter())
        orders = {"received": "s.received_on, r.id", "newest": "s.received_on DESC, r.id DESC",
                  "due": "s.due_on, r.id"}
        query = (f"SELECT {_COLUMNS} FROM requests r JOIN request_state s ON s.request_id = r.id {sql} "
                 f"ORDER BY {orders[order]}")
        if limit is not None:
            query += " LIMIT ? OFFSET ?"
            params = [*params, int(limit), int(offset)]
        return [_request(row) for row in self.db.query(query, params)]

    def change_mark(self) -> tuple[int, ...]:
        """Changes whenever anything is recorded (requests, steps and kept-since statements are
        only appended): what was made from the register, with the day and the calendar, is the
        same while it stands (the web remembers an export's size by it)."""
        row = self.db.query("SELECT (SELECT COUNT(*) FROM requests), (SELECT COALESCE(MAX(id), 0) FROM events), "
                            "(SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM kept_since)")[0]
        return tuple(int(v or 0) for v in row)

    def count(self, flt: RequestFilter | None = None) -> int:
        sql, params = where(flt or RequestFilter())
        return int(self.db.scalar(f"SELECT COUNT(*) FROM requests r JOIN request_state s ON s.request_id = r.id "
                                  f"{sql}", params))

    def with_history(self, reqs: list[Request]) -> list[Request]:
        """The requests with their steps (one query for all)."""
        by_id = {r.id: r for r in reqs}
        histories: dict[int, list[Event]] = {rid: [] for rid in by_id}
        for rid, seq, k, on, data, actor, rec in self.db.iterate(
                "SELECT request_id, seq, kind, on_date, data, actor, recorded_at FROM events ORDER BY request_id, seq"):
            if rid in histories:
                histories[rid].append(Event(k, date.fromisoformat(on), json.loads(data), actor, rec, int(seq)))
        for rid, req in by_id.items():
            req.history = histories[rid]
            req.events = effective(req.history)
            req.applicant = applicant_of(next(e for e in req.events if e.kind == "registered"))
        return reqs

    def late_in(self, year: int) -> list[Request]:
        """The year's late requests, by due date: concluded in the year after their due date (or
        with a due date passed unanswered on the way), or still open at its end past their due."""
        last = date(year, 12, 31)
        found = {r.ref: r for r in self.requests(RequestFilter(concluded_year=year, late=True))}
        for r in self.requests(RequestFilter(received_to=last, open_after=last, due_before=last)):
            found.setdefault(r.ref, r)
        return sorted(found.values(), key=lambda r: (r.due_on or last, r.ref))

    def fees_paid_in(self, year: int) -> list[tuple[str, date, Decimal]]:
        """The 信息处理费 collected in ``year``: (request number, day paid, 元) for each payment
        dated in it, at the amount of the fee notice it paid; corrections and voids applied."""
        refs = [ref for (ref,) in self.db.query(
            "SELECT DISTINCT r.ref FROM events e JOIN requests r ON r.id = e.request_id WHERE e.kind = 'fee_paid' "
            "ORDER BY r.ref")]
        found = [req for ref in refs for req in self.requests(RequestFilter(ref=ref))]
        out = []
        for req in self.with_history(found):
            notice = None
            for e in req.events:
                if e.kind == "fee_notice":
                    notice = e
                elif e.kind == "fee_paid" and e.on.year == year and notice is not None:
                    out.append((req.ref, e.on, Decimal(str(notice.data.get("amount") or 0))))
        return sorted(out, key=lambda x: (x[1], x[0]))

    def open_cases(self) -> list[tuple[Request, Case]]:
        out = []
        for req in self.with_history(self.requests(RequestFilter(open=True))):
            out.append((req, derive(req.received_on, req.events, self.calendar, self.settings)))
        return out

    def _pieces_before(self, applicant: Applicant, received: date, reg: Event) -> int:
        """Pieces the applicant asked for earlier in the calendar month of receipt (按件 fees)."""
        first = received.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        return int(self.db.scalar(
            "SELECT COALESCE(SUM(s.pieces), 0) FROM request_state s JOIN requests r ON r.id = s.request_id "
            "WHERE s.applicant_type = ? AND s.applicant_name = ? AND s.id_number = ? AND s.state <> 'voided' "
            "AND s.received_on >= ? AND s.received_on < ? AND (s.received_on < ? OR (s.received_on = ? AND "
            "r.created_at < ?))",
            (applicant.type, applicant.name, applicant.id_number, first.isoformat(), nxt.isoformat(),
             received.isoformat(), received.isoformat(), reg.recorded_at)))

    def recorded_since(self, stamp: str) -> list[tuple[str, int]]:
        """(request number, step number) of every step recorded at or after ``stamp`` (an office time
        as ``stamp()`` writes it), in the order recorded."""
        return [(ref, int(seq)) for ref, seq in self.db.query(
            "SELECT r.ref, e.seq FROM events e JOIN requests r ON r.id = e.request_id WHERE e.recorded_at >= ? "
            "ORDER BY e.recorded_at, e.id", (stamp,))]

    # -- 台账起始日期 ----------------------------------------------------------------------
    def kept_since(self) -> KeptSince | None:
        """The declaration in force (the latest), or None when none was made."""
        found = kept_since_entries(self.db)
        return found[-1] if found else None

    def declare_kept_since(self, since: date, actor: str, note: str = "", recorded_at: str | None = None) -> KeptSince:
        """Declare that every request received from ``since`` on, and every request still open
        on that day, is in the register (a new row; earlier declarations are kept).
        ``recorded_at``: when an imported declaration was made (default: now)."""
        if not 1990 <= since.year <= 2100:
            raise RuleError(f"台账起始日期“{since.isoformat()}”无效")
        self._not_future(since, "台账起始")
        entry = KeptSince(since, note.strip(), actor, recorded_at or self.stamp())
        with self.db.transaction():
            self.db.execute("INSERT INTO kept_since (since, note, actor, recorded_at) VALUES (?, ?, ?, ?)",
                            (since.isoformat(), entry.note, actor, entry.recorded_at))
        return entry

    def earlier_requests(self, ref: str) -> list[Request]:
        """Other requests of the same applicant (type, name, 证件号码), oldest first."""
        req = self.get(ref)
        a = req.applicant
        return [r for r in self.requests(RequestFilter(applicant_key=(a.type, a.name, a.id_number)))
                if r.ref != ref]


_TALLY = {"applicant_type": "s.applicant_type", "outcome": "s.outcome"}


def tally(db, flt: RequestFilter, by: tuple[str, ...]) -> dict[tuple, int]:
    """Requests matching ``flt`` counted by the columns ``by`` (applicant_type, outcome)."""
    cols = ", ".join(_TALLY[b] for b in by)
    sql, params = where(flt)
    return {tuple(row[:-1]): int(row[-1]) for row in db.query(
        f"SELECT {cols}, COUNT(*) FROM requests r JOIN request_state s ON s.request_id = r.id {sql} "
        f"GROUP BY {cols}", params)}


def refs(db, flt: RequestFilter) -> list[str]:
    """The numbers of the requests matching ``flt``, in order of receipt."""
    sql, params = where(flt)
    return [r[0] for r in db.query(f"SELECT r.ref FROM requests r JOIN request_state s ON s.request_id = r.id "
                                   f"{sql} ORDER BY s.received_on, r.id", params)]


@dataclass(frozen=True)
class KeptSince:
    """One declaration of the register's 台账起始日期, with who made it and when."""

    since: date
    note: str
    actor: str
    recorded_at: str


def kept_since_entries(db) -> list[KeptSince]:
    """Every declaration ever made, oldest first (the last one is in force)."""
    return [KeptSince(date.fromisoformat(since), note, actor, rec) for since, note, actor, rec in db.query(
        "SELECT since, note, actor, recorded_at FROM kept_since ORDER BY id")]


def first_received(db) -> date | None:
    """The earliest receipt date of a request not voided (None: the register holds none)."""
    day = db.scalar("SELECT MIN(received_on) FROM request_state WHERE state <> 'voided'")
    return date.fromisoformat(str(day)) if day else None


@dataclass
class ImportedStep:
    """One step read from a file: its kind, date and fields, and what the file says of its
    recording (who, when, its number, computed values and 文号)."""

    kind: str
    on: date | None
    values: dict[str, Any]
    ref: str | None = None
    actor: str = ""
    recorded_at: str = ""
    keep: dict[str, Any] | None = None
    imported: bool = True   # read from records kept before; False: a step recorded now

    def recorded(self, importer: str, stamp: str) -> tuple[str, str]:
        """Who recorded it and when: as the file says, else the importer, now (``stamp``)."""
        return (self.actor or importer, self.recorded_at or stamp)


def _target(history: list[Event], n: int, kind_id: str) -> Event:
    target = next((e for e in history if e.id == n), None)
    if target is None:
        raise GongkaiError(f"该申请没有第{n}条办理记录")
    if kinds()[target.kind].meta and not (kind_id == "voided" and target.kind != "voided"):
        raise GongkaiError(f"第{n}条是“{kinds()[target.kind].label}”，不能{kinds()[kind_id].label}")
    if any(e.kind == "voided" and e.data.get("event") == n for e in history):
        raise GongkaiError(f"第{n}条办理记录已作废")
    return target


def _amendment(target: Event, data: dict[str, Any], steps: list[Event]) -> dict[str, Any]:
    current = next(e for e in steps if e.id == target.id)   # as corrected so far (its channel, for 收到日期)
    f = amendable(current, data["field"])
    if f is None:
        raise GongkaiError(f"第{target.id}条“{kinds()[target.kind].label}”没有可更正的“{data['field']}”"
                           f"（可更正：{'、'.join(amendable_names(target))}）")
    old = current.on.isoformat() if f.name == "on" else current.data.get(f.name)
    value = parse_value(f, data["value"])
    ground = data.get("ground")
    if ground not in (None, "") and f.name != "outcome":
        raise GongkaiError("“所依据的第三十六条的一项”只在更正答复的办理结果时一并填写；单独更正它请用 --field ground")
    if value == old and ground in (None, ""):
        raise GongkaiError(f"“{f.label}”已经是“{value}”，无需更正")
    if f.name != "on":   # as the step will read once corrected (an outcome's Art. 36 item with it)
        try:
            kinds()[target.kind].check_amended(current.data, amend(current, f.name, value, ground or None).data)
        except MissingValue as exc:
            if f.name != "outcome" or exc.field.name != "ground":
                raise
            raise MissingValue(exc.what.split("；请先更正")[0] + "；请在更正办理结果时一并写明所依据的一项"
                               "（命令行 --ground，网页更正表单中的“所依据的第三十六条的一项”）", exc.field) from None
    out = {**data, "field": f.name, "value": value}
    if old not in (None, ""):
        out["old"] = old
    return out


_COLUMNS = ("r.id, r.ref, s.applicant_type, s.applicant_name, s.channel, s.content, s.pieces, s.submitted_on, "
            "s.received_on, r.created_by, r.created_at, s.state, s.outcome, s.concluded_on, s.due_on, "
            "s.due_assumed, s.late")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _d(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _day(value: Any) -> date:
    """A date from a column that is never empty (NOT NULL)."""
    return date.fromisoformat(str(value))


def _request(row: tuple) -> Request:
    return Request(row[0], row[1], Applicant(row[2], row[3]), row[4], row[5], row[6], _day(row[7]), _day(row[8]),
                   row[9], row[10], row[11], row[12], _d(row[13]), _d(row[14]), due_assumed=bool(row[15]),
                   late=bool(row[16]))


__all__ = ["Register", "NewRequest", "Request", "Applicant", "RuleError", "ImportedStep", "RequestFilter"]


# -- the web site's body a register is kept for ----------------------------------------------------
# The web keeps body N's register as registers/body-N.sqlite3 beside its own web.sqlite3, or as the
# schema register_body_N of its PostgreSQL database; its bodies are rows of Django's table below.
WEB_DB_FILE = "web.sqlite3"
WEB_BODY_TABLE = "gongkai_web_body"
_BODY_FILE = regex.compile(r"body-(\d+)\.sqlite3")
_BODY_SCHEMA = regex.compile(r"-c\s*search_path\s*=\s*register_body_(\d+)")


@dataclass(frozen=True)
class WebBody:
    """A web site's body as its letters name it (the web's /admin/ sets the review body and court)."""

    name: str
    region: str
    review_body: str = ""
    court: str = ""


def web_body_of(db: Any) -> WebBody | None:
    """The web site's body whose register ``db`` is, or None for any other register or when the
    site's database cannot be read: on SQLite the site's database where the settings put it
    (``_web_sqlite``), on PostgreSQL the web's table in the same database.  The CLI opened on
    such a register signed its letters 本机关 (the settings file's placeholder) where the web
    signs them with the body's name."""
    try:
        if db.dialect == "postgresql":
            options = next((v for k, v in parse_qsl(urlsplit(str(db.url or "")).query) if k == "options"), "")
            m = _BODY_SCHEMA.search(options)
            return _pg_body(db, int(m.group(1))) if m else None
        m = _BODY_FILE.fullmatch(Path(db.path).name)
        web = _web_sqlite(Path(db.path).parent.parent) if m else None
        if not m or web is None or not web.is_file():
            return None
        conn = sqlite3.connect(f"{web.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            cols = {r[1] for r in conn.execute(f"PRAGMA table_info({WEB_BODY_TABLE})")}
            row = conn.execute(f"SELECT {_columns(cols)} FROM {WEB_BODY_TABLE} WHERE id = ?", (int(m.group(1)),)).fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None   # not readable by this user (the site's files are its server's): as before
    return WebBody(*(str(v or "") for v in row)) if row else None


def web_register_number(db: Any) -> int | None:
    """N when ``db`` is kept where a web site keeps body N's register (registers/body-N.sqlite3,
    or the schema register_body_N), whether or not that site's database can be read."""
    if db.dialect == "postgresql":
        options = next((v for k, v in parse_qsl(urlsplit(str(db.url or "")).query) if k == "options"), "")
        m = _BODY_SCHEMA.search(options)
    else:
        m = _BODY_FILE.fullmatch(Path(db.path).name) if Path(db.path).parent.name == "registers" else None
    return int(m.group(1)) if m else None


def _web_sqlite(home: Path) -> Path | None:
    """The web database of the site whose data folder is ``home`` (its registers/ holds the
    register): where the settings put it (GONGKAI_WEB_DB, as the server was started with) when
    their web home is this folder — it was looked for only at <home>/web.sqlite3, so a site whose
    database is elsewhere signed its CLI letters 本机关 — else that default file."""
    site = current()
    try:
        ours = home.resolve() == site.web_home_dir().resolve()
    except OSError:
        ours = False
    return site.web_sqlite_path() if ours else home / WEB_DB_FILE


def _pg_body(db: Any, body_id: int) -> WebBody | None:
    """Body ``body_id`` of the web's table in the same PostgreSQL database (in whichever schema
    Django made it: the register's connection searches only the body's own)."""
    found = db.query("SELECT table_schema FROM information_schema.tables WHERE table_name = ?", (WEB_BODY_TABLE,))
    if len(found) != 1:
        return None
    schema = str(found[0][0])
    cols = {str(c) for (c,) in db.query("SELECT column_name FROM information_schema.columns "
                                       "WHERE table_schema = ? AND table_name = ?", (schema, WEB_BODY_TABLE))}
    quoted = '"' + schema.replace('"', '""') + '"'
    rows = db.query(f"SELECT {_columns(cols)} FROM {quoted}.{WEB_BODY_TABLE} WHERE id = ?", (body_id,))
    return WebBody(*(str(v or "") for v in rows[0])) if rows else None


def _columns(have: set[str]) -> str:
    """The body's name, region and (a site upgraded since web migration 0004) own review body and court."""
    return ", ".join(c if c in have else "''" for c in ("name", "region_code", "review_body", "court"))
