"""The register: requests and their append-only event history in the database.

Every write is one transaction that appends what the clerk entered and rewrites the request's
derived columns (state, outcome, concluded_on, due_on) from the whole history, so the derived
columns can always be rebuilt (:meth:`Register.rebuild`) and never disagree with the events.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from gongkai.errors import GongkaiError, NotFound
from gongkai.register.case import Case, RuleError, check_event, derive
from gongkai.register.clock import Event, receipt_date
from gongkai.db import now_stamp, open_registers
from gongkai.register.settings import Settings, load_settings
from gongkai.register.vocab import applicant_types, channels
from gongkai.workdays import Calendar, load_calendar


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
    events: list[Event] = field(default_factory=list)
    due_assumed: bool = False  # the due date ran past the known holiday calendar


_REQUEST_COLUMNS = ("r.id, r.ref, a.type, a.name, a.id_number, a.phone, a.email, a.address, r.channel, "
                    "r.content, r.pieces, r.submitted_on, r.received_on, r.created_by, r.created_at, "
                    "r.state, r.outcome, r.concluded_on, r.due_on, r.due_assumed")


def _d(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _request(row: tuple) -> Request:
    return Request(row[0], row[1], Applicant(*row[2:8]), row[8], row[9], row[10], _d(row[11]), _d(row[12]),
                   row[13], row[14], row[15], row[16], _d(row[17]), _d(row[18]), due_assumed=bool(row[19]))


class Register:
    def __init__(self, url: str | None = None, calendar: Calendar | None = None,
                 settings: Settings | None = None):
        self.db = open_registers(url)
        self.calendar = calendar or load_calendar(self.db)
        self.settings = settings or load_settings()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------
    def add(self, new: NewRequest, actor: str) -> str:
        with self.db.transaction():
            return self._add(new, actor)

    def _add(self, new: NewRequest, actor: str) -> str:
        a = new.applicant
        if a.type not in applicant_types():
            raise GongkaiError(f"申请人类型“{a.type}”不是表三的六类申请人之一")
        if new.channel not in channels():
            raise GongkaiError(f"提交方式“{new.channel}”无法识别")
        if not a.name.strip():
            raise GongkaiError("缺少申请人姓名或名称（条例第二十九条）")
        if not new.content.strip():
            raise GongkaiError("缺少申请公开的政府信息内容（条例第二十九条）")
        if new.pieces < 1:
            raise GongkaiError("件数至少为 1")
        received, _why = receipt_date(new.channel, new.submitted_on, new.signed_on, new.confirmed_on)
        if received < new.submitted_on:
            raise GongkaiError("签收或确认日期不能早于提交日期")
        applicant_id = self._applicant_id(a)
        stamp = now_stamp()
        ref = new.ref or f"tmp-{uuid.uuid4().hex}"
        if new.ref and self.db.query("SELECT 1 FROM requests WHERE ref = ?", (new.ref,)):
            raise GongkaiError(f"申请编号 {new.ref} 已存在")
        rid = self.db.insert(
            "INSERT INTO requests (ref, applicant_id, applicant_type, channel, content, pieces, submitted_on, "
            "received_on, created_by, created_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'registered')",
            (ref, applicant_id, a.type, new.channel, new.content, new.pieces, new.submitted_on.isoformat(),
             received.isoformat(), actor, stamp))
        if not new.ref:  # the number is the row id, so two clerks never draw the same one
            ref = f"{received.year}-{rid:06d}"
            self.db.execute("UPDATE requests SET ref = ? WHERE id = ?", (ref, rid))
        self._refresh(rid, received, [])
        return ref

    def _applicant_id(self, a: Applicant) -> int:
        rows = self.db.query("SELECT id FROM applicants WHERE type = ? AND name = ? AND id_number = ?",
                             (a.type, a.name, a.id_number))
        if rows:
            aid = rows[0][0]
            if a.phone or a.email or a.address:  # newest contact details win; nothing else changes
                self.db.execute("UPDATE applicants SET phone = COALESCE(NULLIF(?, ''), phone), "
                                "email = COALESCE(NULLIF(?, ''), email), address = COALESCE(NULLIF(?, ''), address) "
                                "WHERE id = ?", (a.phone, a.email, a.address, aid))
            return aid
        return self.db.insert(
            "INSERT INTO applicants (type, name, id_number, phone, email, address, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (a.type, a.name, a.id_number, a.phone, a.email, a.address, now_stamp()))

    def record(self, ref: str, kind: str, on: date, actor: str, **data: Any) -> Case:
        """Append one event after checking it against the history; returns the new state."""
        with self.db.transaction():
            return self._record(ref, kind, on, actor, data)

    def _record(self, ref: str, kind: str, on: date, actor: str, data: dict[str, Any]) -> Case:
        rows = self.db.query("SELECT id, received_on FROM requests WHERE ref = ?" + self.db.for_update, (ref,))
        if not rows:
            raise NotFound(f"台账中没有编号为 {ref} 的申请")
        rid, received = rows[0][0], _d(rows[0][1])
        events = self._events(rid)
        clean = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items() if v is not None}
        new = Event(kind, on, clean, actor, now_stamp(), id=(events[-1].id + 1 if events else 1))
        check_event(received, events, new, self.calendar, self.settings)
        eid = self.db.insert("INSERT INTO events (request_id, kind, on_date, data, actor, recorded_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             (rid, kind, on.isoformat(), json.dumps(clean, ensure_ascii=False), actor, new.recorded_at))
        events.append(Event(kind, on, clean, actor, new.recorded_at, eid))
        return self._refresh(rid, received, events)

    def _refresh(self, rid: int, received: date, events: list[Event]) -> Case:
        case = derive(received, events, self.calendar, self.settings)
        self.db.execute("UPDATE requests SET state = ?, outcome = ?, concluded_on = ?, due_on = ?, due_assumed = ? "
                        "WHERE id = ?",
                        (case.state, case.outcome, case.concluded_on.isoformat() if case.concluded_on else None,
                         case.clock.due.isoformat() if case.clock.due else None, int(case.clock.assumed), rid))
        return case

    def rebuild(self) -> int:
        """Recompute every request's derived columns from its events (after a calendar change)."""
        with self.db.transaction():
            reqs = self.db.query("SELECT id, received_on FROM requests")
            for rid, received in reqs:
                self._refresh(rid, _d(received), self._events(rid))
        return len(reqs)

    def import_requests(self, items: Iterable[tuple[NewRequest, list[tuple[str, date, dict]]]], actor: str,
                        progress: Callable[[int], None] | None = None) -> list[str]:
        """Add many requests, each with its events, in one transaction: all or nothing."""
        refs = []
        with self.db.transaction():
            for n, (new, evs) in enumerate(items, 1):
                ref = self._add(new, actor)
                for kind, on, data in evs:
                    self._record(ref, kind, on, actor, dict(data))
                refs.append(ref)
                if progress:
                    progress(n)
        return refs

    # -- reading -----------------------------------------------------------------------
    def _events(self, rid: int) -> list[Event]:
        return [Event(k, _d(on), json.loads(data), actor, rec, eid) for eid, k, on, data, actor, rec in self.db.query(
            "SELECT id, kind, on_date, data, actor, recorded_at FROM events WHERE request_id = ? ORDER BY id",
            (rid,))]

    def get(self, ref: str) -> Request:
        rows = self.db.query(f"SELECT {_REQUEST_COLUMNS} FROM requests r JOIN applicants a ON a.id = r.applicant_id "
                             "WHERE r.ref = ?", (ref,))
        if not rows:
            raise NotFound(f"台账中没有编号为 {ref} 的申请")
        req = _request(rows[0])
        req.events = self._events(req.id)
        return req

    def case(self, ref: str) -> Case:
        req = self.get(ref)
        return derive(req.received_on, req.events, self.calendar, self.settings)

    def requests(self, where: str = "", params: tuple = (), order: str = "r.received_on, r.id",
                 limit: int | None = None, offset: int = 0) -> list[Request]:
        """Requests matching ``where`` (SQL over ``r`` = requests, ``a`` = applicants), one page
        of ``limit`` rows from ``offset`` when a limit is given."""
        sql = f"SELECT {_REQUEST_COLUMNS} FROM requests r JOIN applicants a ON a.id = r.applicant_id"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (*params, int(limit), int(offset))
        return [_request(row) for row in self.db.query(sql, params)]

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(*) FROM requests")[0][0])

    def open_cases(self) -> list[tuple[Request, Case]]:
        out = []
        for req in self.requests("r.concluded_on IS NULL"):
            req.events = self._events(req.id)
            out.append((req, derive(req.received_on, req.events, self.calendar, self.settings)))
        return out

    def pieces_in_month(self, applicant: Applicant, month: date, before_ref: str | None = None) -> int:
        """Pieces the applicant asked for earlier in the calendar month of ``month`` (按件 fees)."""
        first = month.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        sql = ("SELECT COALESCE(SUM(r.pieces), 0) FROM requests r JOIN applicants a ON a.id = r.applicant_id "
               "WHERE a.type = ? AND a.name = ? AND a.id_number = ? AND r.received_on >= ? AND r.received_on < ?")
        params: list[Any] = [applicant.type, applicant.name, applicant.id_number, first.isoformat(), nxt.isoformat()]
        if before_ref:
            sql += " AND r.id < (SELECT id FROM requests WHERE ref = ?)"
            params.append(before_ref)
        return int(self.db.query(sql, params)[0][0])


__all__ = ["Register", "NewRequest", "Request", "Applicant", "RuleError"]
