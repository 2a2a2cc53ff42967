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


def _day(d: date) -> tuple[str]:
    return (d.isoformat(),)


def _year(y: int) -> tuple[str, str]:
    return (f"{y}-01-01", f"{y}-12-31")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _contains(text: str) -> tuple[str]:
    # matched against lower(column): Latin letters in any case, on SQLite (whose LIKE ignores their
    # case) and PostgreSQL (whose LIKE does not) alike
    return (f"%{_like(text).translate(_ASCII_LOWER)}%",)


# field -> (the SQL, or a function of the value giving it; the parameters from the value)
_CLAUSES: dict[str, tuple[Any, Any]] = {
    "ref": ("r.ref = ?", lambda v: (v,)),
    "year": ("s.received_on >= ? AND s.received_on <= ?", _year),
    "received_from": ("s.received_on >= ?", _day),
    "received_to": ("s.received_on <= ?", _day),
    "concluded_year": ("s.concluded_on >= ? AND s.concluded_on <= ?", _year),
    "open": (lambda v: "s.concluded_on IS NULL" if v else "s.concluded_on IS NOT NULL", lambda v: ()),
    "open_after": ("(s.concluded_on IS NULL OR s.concluded_on > ?)", _day),
    "states": (lambda v: f"s.state IN ({', '.join('?' for _ in v)})", tuple),
    "outcome": ("(s.outcome = ? OR s.outcome LIKE ?)", lambda v: (v, f"{v}.%")),
    "applicant": ("lower(s.applicant_name) LIKE ?", _contains),
    "content": ("lower(s.content) LIKE ?", _contains),
    "text": ("(r.ref = ? OR lower(s.content) LIKE ? OR lower(s.applicant_name) LIKE ?)",
             lambda v: (v, *_contains(v) * 2)),
    "late": ("s.late = ?", lambda v: (int(v),)),
    "overdue_on": ("(s.late = 1 OR (s.concluded_on IS NULL AND s.due_on < ?))", _day),
    "due_before": ("s.due_on < ?", _day),
    "due_from": ("s.concluded_on IS NULL AND s.late = 0 AND s.due_on >= ?", _day),
    "due_to": ("s.concluded_on IS NULL AND s.late = 0 AND s.due_on <= ?", _day),
    "applicant_type": ("s.applicant_type = ?", lambda v: (v,)),
    "applicant_key": ("s.applicant_type = ? AND s.applicant_name = ? AND s.id_number = ?", tuple),
}


def where(f: RequestFilter) -> tuple[str, list[Any]]:
    """``WHERE …`` over ``r`` (requests) and ``s`` (request_state), and its parameters."""
    parts = [] if f.voided else ["s.state <> 'voided'"]
    params: list[Any] = []
    for name, (sql, values) in _CLAUSES.items():
        value = getattr(f, name)
        if value is None or value == () or value == "":
            continue
        parts.append(sql(value) if callable(sql) else sql)
        params.extend(values(value))
    return ("WHERE " + " AND ".join(parts) if parts else ""), params


def _like(text: str) -> str:
    # LIKE wildcards typed by a user are searched for literally would need ESCAPE; they are rare
    # in Chinese text, so they are simply removed.
    return text.replace("%", "").replace("_", "")
