"""The narrative against the request register, when the report's table 3 comes from it.

A report built from the register (``gongkai new --log``) may say "均在法定期限内答复"; the
register knows whether that is so.  ``gongkai.register.register_facts(url, year)`` reads, once,
the requests of the year that were answered after their due date, or were still unanswered at
the year's end past it (the register answers: this module sits below it); ``claims_against(report, facts)`` gives a TEXT-CLAIM error for each on-time claim
they contradict (``check_report(report, register=facts)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from gongkai.check.catalogue import finding, rules
from gongkai.extract.narrative import narrative_of
from gongkai.model import Finding, Report
from gongkai.records import record


@record(frozen=True)
class Late:
    ref: str
    due: date
    replied: date | None   # None: not answered by 31 December


@record(frozen=True)
class RegisterFacts:
    year: int
    late: tuple[Late, ...]


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
