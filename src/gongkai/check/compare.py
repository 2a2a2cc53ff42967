"""This year's report against last year's: CARRY-OVER, IN-FORCE, ITEMS-CHAIN, COPY (§A.6 V5, V6; §G), TEXT-COPIED."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from gongkai.check.catalogue import cn_number, data, finding
from gongkai.extract import recover
from gongkai.extract.narrative import narrative_of
from gongkai.format import FORMAT
from gongkai.format.names import column_label, row_label
from gongkai.model import Finding, Report


def carry_over(report: Report, previous: Report) -> Iterator[Finding]:
    for col in FORMAT.table3_column_ids:
        this = report.value(f"table3.carried_over.{col}")
        prev = previous.value(f"table3.carried_forward.{col}")
        if this is not None and prev is not None and this != prev:
            yield finding(report, "CARRY-OVER", [f"table3.carried_over.{col}"],
                          column=column_label("table3", "", col), this=this, prev=prev)


def in_force(report: Report, previous: Report) -> Iterator[Finding]:
    # Only the 2021 table counts documents in force (现行有效件数); 2019 counts publications.
    if report.format != "2021" or previous.format != "2021":
        return
    for row in FORMAT.table2_group("2021", "art20_1").rows:
        key = f"table2.art20_1.{row.id}"
        made, repealed, this = (report.value(f"{key}.{c}") for c in ("made", "repealed", "in_force"))
        prev = previous.value(f"{key}.in_force")
        if made is None or repealed is None or this is None or prev is None:
            continue
        expected = prev + made - repealed
        if this != expected:
            yield finding(report, "IN-FORCE", [f"{key}.in_force", f"{key}.made", f"{key}.repealed"],
                          row=row_label("table2", f"art20_1.{row.id}"), prev=prev, made=made,
                          repealed=repealed, expected=expected, this=this)


def items_chain(report: Report, previous: Report) -> Iterator[Finding]:
    # The 2019 table 2 counts items year to year: last year's 上一年项目数量 + 本年增/减 is this
    # year's 上一年项目数量.
    if report.format != "2019" or previous.format != "2019":
        return
    for key, expected in recover.items_chain(previous):
        this = report.value(f"{key}.prev_items")
        if this is not None and this != expected:
            yield finding(report, "ITEMS-CHAIN", [f"{key}.prev_items"], row=row_label("table2", key.split(".", 1)[1], "2019"),
                          prev=previous.value(f"{key}.prev_items"), change=previous.value(f"{key}.change"),
                          expected=expected, this=this)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def copied_passages(a: str, b: str, count: int, min_len: int) -> list[str]:
    """The longest passages of ``a`` that also stand in ``b``, longest first."""
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    blocks = sorted((blk for blk in blocks if blk.size >= min_len), key=lambda blk: -blk.size)
    return [a[blk.a:blk.a + blk.size] for blk in blocks[:count]]


def copy(report: Report, previous: Report) -> Iterator[Finding]:
    spec = data()["copy"]
    for section in report.sections:
        old = previous.section(section.no)
        if old is None:
            continue
        a, b = _squeeze(section.text), _squeeze(old.text)
        if min(len(a), len(b)) < spec["min_chars"]:
            continue
        from rapidfuzz import fuzz  # imported when needed: 15 ms of every command's start-up

        ratio = fuzz.ratio(a, b) / 100
        if ratio < spec["threshold"]:
            continue
        passages = copied_passages(a, b, spec["passages"], spec["min_passage"])
        yield finding(report, "COPY", where=section.where, quote="\n".join(passages), prior=_prior(report, previous),
                      number=cn_number(section.no), title=section.title, ratio=round(ratio * 100), passages=len(passages))


def _prior(report: Report, previous: Report) -> str:
    """How a finding names the report compared with: 上年报告, or its year when it is an earlier one."""
    if report.year and previous.year and previous.year != report.year - 1:
        return f" {previous.year} 年度报告"  # 与 2022 年度报告
    return "上年报告"


def _years_as_words(text: str, year: int) -> str:
    """A sentence with its report's year and the year before written as placeholders, so that
    "2023年…" in the 2023 report equals "2024年…" in the 2024 report."""
    return _squeeze(text).replace(str(year), "{Y}").replace(str(year - 1), "{Y-1}")


def copied_figures(report: Report, previous: Report) -> Iterator[Finding]:
    """Sentences with figures that stand in last year's report too, with the same figures."""
    from gongkai.check.figures import placed

    yield from placed(report, _copied_figures(report, previous))


def _copied_figures(report: Report, previous: Report) -> Iterator[Finding]:
    if report.year is None or previous.year is None:
        return
    old = narrative_of(previous).sentences
    literal = {_squeeze(s.text) for s in old if s.section}
    shifted = {_years_as_words(s.text, previous.year) for s in old if s.section}
    narrative = narrative_of(report)
    by_sentence: dict[int, list] = {}
    for f in narrative.found:
        if f.figure.section and f.figure.unit and f.figure.unit not in ("%", "％") and f.figure.value != 0:
            by_sentence.setdefault(f.sentence, []).append(f)
    for i, figures in by_sentence.items():
        # A figure that is this year's table figure is this year's, whatever last year said.
        figures = [f for f in figures if not (f.figure.cells and report.value(f.figure.cells[0]) is not None
                                              and sum(report.value(c) or 0 for c in f.figure.cells) == f.figure.value)]
        if not figures:
            continue
        text = narrative.sentences[i].text
        if _squeeze(text) in literal:
            how = "完全相同"
        elif _years_as_words(text, report.year) in shifted:
            how = "只改了年份"
        else:
            continue
        yield finding(report, "TEXT-COPIED", sorted({c for f in figures for c in f.figure.cells}), quote=text,
                      previous=previous.year, how=how, figures="、".join(f.figure.text for f in figures),
                      year=report.year)


RULES = (carry_over, in_force, items_chain, copy, copied_figures)
# The rules that still hold with an earlier year's report than the one before (a copied passage
# is copied from any year; the figures' chains continue the year before only).
TEXT_RULES = (copy, copied_figures)
