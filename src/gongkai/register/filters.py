"""Typed filters over the register's requests, turned into SQL only by the register's store.

The web, the CLI and the exports say what they want (received in a year, still open, due soon,
answered late, an applicant, words of the content …); :func:`where` is the one place that knows
the columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RequestFilter:
    ref: str | None = None
    year: int | None = None                 # received in the year
    received_from: date | None = None
    received_to: date | None = None
    concluded_year: int | None = None       # concluded (replied or withdrawn) in the year
    open: bool | None = None                # True: not concluded; False: concluded
    open_after: date | None = None          # not concluded by the end of this day
    states: tuple[str, ...] = ()
    outcome: str | None = None              # a table-3 row id, or its group (``denied``)
    applicant: str | None = None            # part of the applicant's name
    content: str | None = None              # part of the content
    text: str | None = None                 # a request number, or part of the content or name
    late: bool | None = None                # answered late / a due date passed unanswered
    overdue_on: date | None = None          # late, or open with its due date before this day
    due_before: date | None = None          # due date (or the one passed unanswered) before this day
    due_from: date | None = None            # open and due between due_from and due_to
    due_to: date | None = None
    applicant_type: str | None = None       # a table-3 column
    applicant_key: tuple[str, str, str] | None = None   # (type, name, 证件号码)
    voided: bool = False                    # include registrations voided as entered by mistake


def where(f: RequestFilter) -> tuple[str, list[Any]]:
    """``WHERE …`` over ``r`` (requests) and ``s`` (request_state), and its parameters."""
    parts: list[str] = []
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        parts.append(sql)
        params.extend(values)

    if f.ref is not None:
        add("r.ref = ?", f.ref)
    if not f.voided:
        add("s.state <> 'voided'")
    if f.year is not None:
        add("s.received_on >= ? AND s.received_on <= ?", f"{f.year}-01-01", f"{f.year}-12-31")
    if f.received_from is not None:
        add("s.received_on >= ?", f.received_from.isoformat())
    if f.received_to is not None:
        add("s.received_on <= ?", f.received_to.isoformat())
    if f.concluded_year is not None:
        add("s.concluded_on >= ? AND s.concluded_on <= ?", f"{f.concluded_year}-01-01", f"{f.concluded_year}-12-31")
    if f.open is not None:
        add("s.concluded_on IS NULL" if f.open else "s.concluded_on IS NOT NULL")
    if f.open_after is not None:
        add("(s.concluded_on IS NULL OR s.concluded_on > ?)", f.open_after.isoformat())
    if f.states:
        add(f"s.state IN ({', '.join('?' for _ in f.states)})", *f.states)
    if f.outcome:
        add("(s.outcome = ? OR s.outcome LIKE ?)", f.outcome, f"{f.outcome}.%")
    if f.applicant:
        add("s.applicant_name LIKE ?", f"%{_like(f.applicant)}%")
    if f.content:
        add("s.content LIKE ?", f"%{_like(f.content)}%")
    if f.text:
        add("(r.ref = ? OR s.content LIKE ? OR s.applicant_name LIKE ?)", f.text, f"%{_like(f.text)}%",
            f"%{_like(f.text)}%")
    if f.late is not None:
        add("s.late = ?", int(f.late))
    if f.overdue_on is not None:
        add("(s.late = 1 OR (s.concluded_on IS NULL AND s.due_on < ?))", f.overdue_on.isoformat())
    if f.due_before is not None:
        add("s.due_on < ?", f.due_before.isoformat())
    if f.due_from is not None:
        add("s.concluded_on IS NULL AND s.late = 0 AND s.due_on >= ?", f.due_from.isoformat())
    if f.due_to is not None:
        add("s.concluded_on IS NULL AND s.late = 0 AND s.due_on <= ?", f.due_to.isoformat())
    if f.applicant_type is not None:
        add("s.applicant_type = ?", f.applicant_type)
    if f.applicant_key is not None:
        add("s.applicant_type = ? AND s.applicant_name = ? AND s.id_number = ?", *f.applicant_key)
    return ("WHERE " + " AND ".join(parts) if parts else ""), params


def _like(text: str) -> str:
    # LIKE wildcards typed by a user are searched for literally would need ESCAPE; they are rare
    # in Chinese text, so they are simply removed.
    return text.replace("%", "").replace("_", "")
