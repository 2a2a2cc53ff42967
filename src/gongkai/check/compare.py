"""This year's report against last year's: CARRY-OVER, IN-FORCE, ITEMS-CHAIN, COPY (§A.6 V5, V6; §G), TEXT-COPIED;
and ``with_previous``: what last year's report printed, said in the findings that speak of last year
(LAST-YEAR, TEXT-YEAR, the text's 上年结转)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from gongkai.check.catalogue import cn_number, compiled, data, finding, rules
from gongkai.extract import recover
from gongkai.extract.narrative import narrative_of
from gongkai.format import FORMAT
from gongkai.format.names import column_label, row_label
from gongkai.model import Finding, Report, Value


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


# -- the findings that speak of last year, with last year's report at hand ------------------------

def with_previous(report: Report, previous: Report, findings: list[Finding]) -> list[Finding]:
    """``findings`` (of ``report`` alone) told what ``previous`` — this body's report of the year
    before — printed: LAST-YEAR names the problems its 第五部分 listed, or is dropped when it said
    it found none; TEXT-YEAR says whether its figures are that report's; a 上年结转 figure of the text that
    contradicts the table is set against that report's 结转下年度, which tells which side is wrong."""
    out = []
    for f in findings:
        if f.rule == "LAST-YEAR":
            problems = last_years_problems(previous)
            if problems == "":
                continue  # last year said it found no problem: nothing to follow up
            if problems is not None:
                f.message = rules()["LAST-YEAR"].extra["previous_message"].format(last=previous.year,
                                                                                  problems=problems)
        elif f.rule == "TEXT-YEAR":
            f.message += _year_hint(report, previous, f)
        elif f.rule == "TEXT-TABLE" and f.cells == ["table3.carried_over.total"]:
            f.message += _carried_hint(report, previous, f)
        out.append(f)
    return out


def last_years_problems(previous: Report) -> str | None:
    """The problems ``previous``'s 第五部分 names, as one quote: from the first sentence that names
    one up to where its measures begin; "" when it names none and says so; None when that cannot be
    told (no 第五部分, or problems not told apart from the measures)."""
    spec = data()["last_year_problems"]
    words, measures, none = (compiled(spec[k]) for k in ("words", "measures", "none"))
    sentences = [s.text for s in narrative_of(previous).sentences if s.section == 5]
    named: list[str] = []
    for text in sentences:
        if none.search(text):
            continue  # 未发现明显问题: says there is none
        found, stop = words.search(text), measures.search(text)
        if not named and (found is None or (stop is not None and stop.start() < found.start())):
            continue  # not yet a problem: an opening, or last year's own follow-up (我局针对2020年…)
        if stop is not None:
            if words.search(text[:stop.start()]):  # not the 在 of 在今后的工作中
                named.append(text[:stop.start()])
            break
        named.append(text)
    quote = compiled(spec["tail"]).sub("", "".join(named)).rstrip("。；;，, ")
    if not quote:
        return "" if any(none.search(s) for s in sentences) else None
    limit = spec["max_chars"]
    return quote if len(quote) <= limit else quote[:limit - 1] + "…"


def _stated(report: Report, f: Finding) -> list:
    """The figures of the finding's sentence that state its cells."""
    narrative = narrative_of(report)
    return [x for x in narrative.found if narrative.sentences[x.sentence].text == f.quote
            and x.figure.cells and set(x.figure.cells) <= set(f.cells)]


def _value(report: Report, cells: list[str]) -> Value:
    values = [report.value(c) for c in cells]
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _year_hint(report: Report, previous: Report, f: Finding) -> str:
    from gongkai.check.figures import cells_zh

    extra = rules()["TEXT-YEAR"].extra
    pairs = [(x, _value(previous, x.figure.cells)) for x in _stated(report, f)]
    pairs = [(x, v) for x, v in pairs if v is not None]
    if not pairs:
        return ""
    cells = "；".join(f"{cells_zh(previous, x.figure.cells)}为 {v}" for x, v in pairs)
    same = all(x.figure.value == v for x, v in pairs)
    return extra["previous_same" if same else "previous_other"].format(last=previous.year, cells=cells)


def _carried_hint(report: Report, previous: Report, f: Finding) -> str:
    prev = previous.value("table3.carried_forward.total")
    table = report.value("table3.carried_over.total")
    stated = [x.figure.value for x in _stated(report, f) if x.figure.value != table]
    if prev is None or not stated:
        return ""
    extra = rules()["TEXT-TABLE"].extra
    key = "previous_text" if stated[0] == prev else "previous_table" if table == prev else "previous_neither"
    return extra[key].format(prev=prev)


RULES = (carry_over, in_force, items_chain, copy, copied_figures)
# The rules that still hold with an earlier year's report than the one before (a copied passage
# is copied from any year; the figures' chains continue the year before only).
TEXT_RULES = (copy, copied_figures)
