"""The narrative against the request register, when the report's table 3 comes from it.

A report built from the register (``gongkai new --log``) may say "均在法定期限内答复"; the
register knows whether that is so.  ``register_facts(url, year)`` reads, once, the requests of
the year that were answered after their due date, or were still unanswered at the year's end
past it; ``claims_against(report, facts)`` gives a TEXT-CLAIM error for each on-time claim
they contradict (``check_report(report, register=facts)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gongkai.check.catalogue import finding, rules
from gongkai.extract.narrative import narrative_of
from gongkai.model import Finding, Report


@dataclass(frozen=True)
class Late:
    ref: str
    due: date
    replied: date | None   # None: not answered by 31 December


@dataclass(frozen=True)
class RegisterFacts:
    year: int
    late: tuple[Late, ...]


def register_facts(url: str | None, year: int) -> RegisterFacts:
    """The year's late requests in the register at ``url`` (default: the user's register).  A
    register that does not exist is an error, not an empty register."""
    from gongkai.db import is_postgres
    from gongkai.db.paths import default_register_path
    from gongkai.errors import GongkaiError
    from gongkai.register.store import Register

    path = url or str(default_register_path())
    if not is_postgres(path) and not Path(path.removeprefix("sqlite:///")).is_file():
        raise GongkaiError("台账数据库不存在", path)
    with Register(url) as reg:   # the register answers; no SQL against its tables here
        requests = reg.late_in(year)
    last = date(year, 12, 31)
    late = [Late(r.ref, r.due_on or last, r.concluded_on if r.concluded_on and r.concluded_on <= last else None)
            for r in requests]
    return RegisterFacts(year, tuple(late))


def claims_against(report: Report, facts: RegisterFacts) -> Iterator[Finding]:
    """TEXT-CLAIM: "均在法定期限内答复" and the like, against the register's late requests."""
    from gongkai.check.figures import placed

    yield from placed(report, _claims(report, facts))


def _claims(report: Report, facts: RegisterFacts) -> Iterator[Finding]:
    if not facts.late or report.year != facts.year:
        return
    narrative = narrative_of(report)
    rule = rules()["TEXT-CLAIM"]
    listed = "；".join(f"{late.ref}（答复期限 {late.due.isoformat()}，"
                      + (f"{late.replied.isoformat()} 答复）" if late.replied else "年底仍未答复）")
                      for late in facts.late)
    done = set()
    for claim in narrative.claims:
        if claim.kind != "on_time" or claim.sentence in done:
            continue
        done.add(claim.sentence)
        yield finding(report, "TEXT-CLAIM", ["table3.total.total"], quote=narrative.sentences[claim.sentence].text,
                      template=rule.extra["register_message"], said=claim.text, year=facts.year,
                      count=len(facts.late), late=listed)
