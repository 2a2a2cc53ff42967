"""The narrative against the request register, when the report's table 3 comes from it.

A report built from the register (``gongkai new --log``) may say "均在法定期限内答复" or
"收取信息处理费0元"; the register knows whether that is so.  ``gongkai.register.register_facts(url,
year)`` reads, once, the requests of the year that were answered after their due date, or were
still unanswered at the year's end past it, and the 信息处理费 paid in the year (the register
answers: this module sits below it); ``claims_against(report, facts)`` gives a TEXT-CLAIM error
for each on-time claim, and each fee stated (an amount, or 未收取), they contradict
(``check_report(report, register=facts)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from gongkai import regex
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
class Fee:
    ref: str
    paid: date
    amount: Decimal   # 元, as the fee notice charged it


@record(frozen=True)
class RegisterFacts:
    year: int
    late: tuple[Late, ...]
    fees: tuple[Fee, ...] | None = None   # None: the register does not hold the whole year


def claims_against(report: Report, facts: RegisterFacts) -> Iterator[Finding]:
    """TEXT-CLAIM: "均在法定期限内答复" and the like, against the register's late requests; the
    信息处理费 stated, against the fees paid."""
    from gongkai.check.figures import placed

    yield from placed(report, [*_claims(report, facts), *_fees(report, facts)])


def _yuan(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount == amount.to_integral_value() else format(amount, "f")


def _fees(report: Report, facts: RegisterFacts) -> Iterator[Finding]:
    if facts.fees is None or report.year != facts.year:
        return
    narrative = narrative_of(report)
    rule = rules()["TEXT-CLAIM"]
    total = sum((f.amount for f in facts.fees), Decimal(0))
    paid = (f"（{len(facts.fees)} 件：" + "；".join(f"{f.ref} 于 {f.paid.isoformat()} 缴纳 {_yuan(f.amount)} 元"
                                                   for f in facts.fees) + "）") if facts.fees else "（台账中没有缴费记录）"

    def told(said: str, quote: str) -> Finding:
        return finding(report, "TEXT-CLAIM", quote=quote, template=rule.extra["register_fee_message"], said=said,
                       year=facts.year, total=_yuan(total), paid=paid)

    done = set()
    for figure in narrative.figures:
        if figure.counts != "processing_fee" or figure.approx or figure.year not in (None, facts.year) \
                or figure.unit not in ("元", "万元"):
            continue
        stated = Decimal(figure.value)
        exponent = stated.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) else 0
        if figure.unit == "万元":   # 0.11万元 says 1,100 元 to the nearest 100 元
            stated, slack = stated * 10000, Decimal(5000) / Decimal(10) ** max(places, 0)
        else:
            slack = Decimal(0)
        if abs(stated - total) > slack and figure.sentence not in done:
            done.add(figure.sentence)
            yield told(figure.text, figure.sentence)
    if total:
        none = regex.compile(rule.extra["no_fee"])
        about = regex.compile(rule.extra["no_fee_requires"])
        for sentence in narrative.sentences:
            m = none.search(sentence.text)
            if m and sentence.text not in done and (sentence.section == 6 or about.search(sentence.text)):
                done.add(sentence.text)
                yield told(m.group(0), sentence.text)


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
