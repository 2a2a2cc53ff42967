"""The 条例 as the narrative states it: TEXT-STATUTE.

A report that says the statutory reply period is 15 working days, or cites the 2007 条例's article
for fees, misinforms the applicants it is written for.  The rule reads each sentence about
disclosure work for a number of working days said to be the law's (法定期限（15个工作日）) and for
the 条例's articles cited (依据《条例》第二十七条), and judges them against the topics the sentence's
own words name (``rules.yaml``, ``statute``): a number or article that fits any of them is left
alone, so a sentence about 补正 that also speaks of the reply is never told its 7 days are wrong.
In a department's report it also reads the annual report's deadline said to be the law's
(每年3月31日前公布…年度报告: the 2007 条例's; Art. 49 now says 1月31日).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from gongkai.check.catalogue import cn_number, compiled, data, finding, rules
from gongkai.check.figures import placed
from gongkai.check.narrative import body_of
from gongkai.extract.meta import cn_number as parse_cn_number
from gongkai.extract.narrative import narrative_of
from gongkai.model import Finding, Report


@cache
def _spec() -> dict[str, Any]:
    return data()["statute"]


def _topics(sentence: str) -> list[dict[str, Any]]:
    """The topics whose words the sentence uses."""
    return [t for t in _spec()["topics"] if compiled(t["words"]).search(sentence)
            and ("requires" not in t or compiled(t["requires"]).search(sentence))]


def _about_disclosure(sentence: str) -> bool:
    """A sentence about disclosure work today: not another procedure's, nor the law's history."""
    spec = _spec()
    return bool(compiled(spec["requires"]).search(sentence)) and not any(
        compiled(spec[k]).search(sentence) for k in ("excludes", "history"))


def _article_zh(n: int) -> str:
    """第二十七条 as printed (the 条例 has 56 articles)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return f"第{cn_number(ones)}条"
    head = ("" if tens == 1 else cn_number(tens)) + "十"
    return f"第{head}{cn_number(ones) if ones else ''}条"


def _days(sentence: str, topics: list[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Each number of working days said to be the law's that fits none of the sentence's topics,
    with the topics it was judged against."""
    judged = [t for t in topics if "days" in t]
    if not judged:
        return
    for m in compiled(_spec()["days"]).finditer(sentence):
        n = parse_cn_number(m.group("n") or m.group("n2"))
        if n is not None and not any(n in t["days"] for t in judged):
            yield n, judged


def _cited(sentence: str) -> Iterator[int]:
    """The 条例's articles the sentence cites, in order."""
    spec = _spec()
    for m in compiled(spec["law"]).finditer(sentence):
        rest = sentence[m.end():]
        end = min((i for i in (rest.find(c) for c in "，,。；;：:") if i >= 0), default=len(rest))
        for a in compiled(spec["articles"]).finditer(rest[:end]):
            n = parse_cn_number(a.group("a"))
            if n is not None:
                yield n


def _articles(sentence: str, topics: list[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    """Each cited article that is right for none of the sentence's topics but is another topic's
    (or the 2007 条例's number for one of them): an article outside every topic is not judged."""
    judged = [t for t in topics if "articles" in t]
    if not judged:
        return
    allowed = {a for t in judged for a in t["articles"]}
    known = {a for t in _spec()["topics"] for a in t.get("articles", ())}
    known |= {a for t in judged for a in t.get("old_articles", {})}
    seen: set[int] = set()
    for n in _cited(sentence):
        if n not in allowed and n in known and n not in seen:
            seen.add(n)
            yield n, judged


def _report_dates(report: Report, sentence: str) -> Iterator[tuple[int, int]]:
    """Each deadline for the annual report said to be the law's that is not the one the 条例 sets
    for the report's kind of body (only a department's is judged)."""
    spec = _spec()["report_date"]
    if body_of(report.agency).get("kind") != spec["body"] or not compiled(spec["requires"]).search(sentence) \
            or compiled(spec["excludes"]).search(sentence):
        return
    for m in compiled(spec["pattern"]).finditer(sentence):
        if compiled(r"(?:19|20)\d{2}\s*年\s*$").search(sentence[:m.start("m")]):
            continue  # a date (于2025年1月20日前公布了…), not the yearly deadline
        month, day = parse_cn_number(m.group("m")), parse_cn_number(m.group("d"))
        # Earlier than the law is no misquote: a local rule may set it (怀化: 1月28日).
        if month is not None and day is not None and (month, day) > tuple(spec["due"]):
            yield month, day


def _findings(report: Report) -> Iterator[Finding]:
    if report.year is not None and report.year < _spec()["from_year"]:
        return
    extra = rules()["TEXT-STATUTE"].extra
    dated = _spec()["report_date"]
    for sentence in narrative_of(report).sentences:
        text = sentence.text
        if not _about_disclosure(text):
            continue
        for month, day in _report_dates(report, text):
            yield finding(report, "TEXT-STATUTE", quote=text, template=extra["date_message"],
                          said=f"{month}月{day}日", rule=dated["rule"], old=dated["old"].get(f"{month}-{day}", ""))
        topics = _topics(text)
        for n, judged in _days(text, topics):
            old = "".join(t.get("old_days", {}).get(n, "") for t in judged)
            yield finding(report, "TEXT-STATUTE", quote=text, said=f"{n}个工作日",
                          rules="；".join(t["rule"] for t in judged), old=old)
        for n, judged in _articles(text, topics):
            old = "".join(t.get("old_articles", {}).get(n, "") for t in judged)
            yield finding(report, "TEXT-STATUTE", quote=text, severity=extra["article_severity"],
                          template=extra["article_message"], said=f"《条例》{_article_zh(n)}",
                          topic="、".join(dict.fromkeys(t["name"] for t in judged)),
                          rules="；".join(t["rule"] for t in judged), old=old)


def statute(report: Report) -> Iterator[Finding]:
    yield from placed(report, _findings(report))


RULES = (statute,)
