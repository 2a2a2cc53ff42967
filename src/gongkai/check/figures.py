"""The narrative's own figures against the tables and against each other.

Rules over the narrative reader (``gongkai.extract.narrative``):
TEXT-TABLE     a figure against the cell(s) it states;
TEXT-COMBINED  a figure for a row group (予以公开及部分公开, 无法提供 …) against the group's sum;
TEXT-RECEIVED  a figure that equals another table figure than the one its words name
               (收到 counted as 新收 + 上年结转, 办结 as 新收 …);
TEXT-CLAIM     claims the tables contradict (未收到申请, 均获维持, 无被纠错, 未发生复议诉讼);
TEXT-SUM       a breakdown whose parts do not add up to its stated whole;
TEXT-PERCENT   a share that does not match its figures;
TEXT-YEAR      figures stated for the year before the report's year;
TEXT-PLAN      improvements promised for the year already reported on.

Each finding quotes the sentence and names the cells.  A figure gets at most one finding, and
a breakdown or share whose figures already contradict the table is not reported again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from gongkai import regex
from gongkai.check.catalogue import cell_zh, cn_number, finding, rules
from gongkai.check.shape import version
from gongkai.extract.narrative import Found, Metric, Narrative, clause_start, counts_name, narrative_of, phrasings
from gongkai.format import FORMAT
from gongkai.format.names import column_label, row_label, split_cell_id, table_name
from gongkai.model import Finding, Report, Value


def _sum(report: Report, cells) -> Value:
    values = [report.value(c) for c in cells]
    numbers = [v for v in values if v is not None]
    if not values or len(numbers) < len(values):
        return None
    return sum(numbers)


def cells_zh(report: Report, cells: list[str]) -> str:
    """The cells in Chinese: one cell's name, a row's columns, or a sum of cells."""
    v = version(report)
    parts = [split_cell_id(c) for c in cells]
    table, row, _ = parts[0]
    if len(cells) > 1 and table == "table3" and all(p[0] == table and p[1] == row for p in parts):
        columns = "、".join(f"“{column_label(table, row, p[2], v)}”" for p in parts)  # one row's columns
        return f"{table_name(table)}“{row_label(table, row, v)}”行{columns}列之和"
    text = "与".join(cell_zh(c, v) for c in cells)
    return text + "之和" if len(cells) > 1 else text


def _fmt(v) -> str:
    """A figure as the report prints it: a table's 4.00 万元 stays 4.00 (it read "列为 4")."""
    return f"{v:f}" if isinstance(v, Decimal) else str(v)


def fmt_computed(v) -> str:
    """A figure gongkai works out (a conversion, a sum of parts): no trailing zeros of its own."""
    return _fmt(v.normalize() if isinstance(v, Decimal) else v)


def _with_unit(v, unit: str | None) -> str:
    """A figure of the text as it states it, with its unit (27 个, 0.5 万元): a bare 27 against
    a table's 30 left the reader to guess what was counted."""
    if not unit:
        return _fmt(v)
    return f"{_fmt(v)}{unit}" if unit in ("%", "％") else f"{_fmt(v)} {unit}"


def _name(f: Found) -> str:
    """What the figure counts, in words (a part of the review: 行政复议案件中结果维持的)."""
    return counts_name(f.figure.counts) or ""


# -- figures against the tables -----------------------------------------------------------------

def _table_findings(report: Report, narrative: Narrative) -> tuple[list[Finding], set[int]]:
    """TEXT-TABLE, TEXT-COMBINED, TEXT-RECEIVED and the zero claims of TEXT-CLAIM; and the
    figures that got one (later rules leave them alone)."""
    out: list[Finding] = []
    flagged: set[int] = set()
    seen: set[tuple] = set()
    for f in narrative.found:
        cells = f.figure.cells
        if not cells or f.figure.approx:
            continue
        table = _sum(report, cells)
        metric = f.metric
        stated = _in_cell_unit(f, metric)
        if table is None or _agrees(stated, table, converted=stated != f.figure.value):
            continue
        if metric is not None and any(_sum(report, alt) == stated for alt in metric.cells):
            continue  # the figure states another layout's rows (the 2019 single （六） row)
        parts = _sum(report, [c for cell in cells for c in _components(report, cell)])
        if parts == stated and parts != table:
            continue  # equals the parts of a table total that is itself off (the table rules report it)
        key = (f.figure.counts, f.figure.sentence, stated)
        if key in seen:
            continue
        if f.figure.scope and stated < table and _sentence_states_table(narrative, f, table):
            continue  # "全县共受理14件，县本级受理11项": the sentence gives the table's figure too, and its part
        seen.add(key)
        flagged.add(f.index)
        sentence = f.figure.sentence
        common: dict[str, Any] = dict(metric=_name(f), stated=_with_unit(f.figure.value, f.figure.unit), target=cells_zh(report, cells),
                                      table=_fmt(table))
        if f.figure.from_words:
            out.append(_claim(report, cells, sentence, f.figure.scope, said=f.figure.text, **common))
            continue
        instead = next((alt for alt in (metric.instead if metric else ()) if _sum(report, alt["cells"]) == stated), None)
        if instead is not None and _says_so(narrative, f, [c for c in instead["cells"] if c not in cells]):
            flagged.discard(f.index)
            continue  # "共收到申请18件（含上年结转2件）": the sentence says what the figure counts
        if instead is not None:
            out.append(finding(report, "TEXT-RECEIVED", list(cells) + [c for c in instead["cells"] if c not in cells],
                               quote=sentence, what=instead["what"], other=_fmt(_sum(report, instead["cells"])),
                               hint=instead["hint"], **common))
            continue
        rule_id = "TEXT-COMBINED" if metric is not None and metric.group else "TEXT-TABLE"
        rule = rules()[rule_id]
        severity, template = None, None
        if stated != f.figure.value and metric is not None:   # 40000元 against a cell in 万元
            template = rule.extra["unit_message"]
            common.update(converted=fmt_computed(stated), cell_unit=metric.cell_unit)
        elif f.figure.scope:
            severity, template = rule.extra["scope_severity"], rule.extra["scope_message"]
        elif metric is not None and metric.loose:
            severity, template = rule.extra["loose_severity"], rule.extra["loose_message"]
        fields = dict(common, scope=f.figure.scope or "")
        if rule_id == "TEXT-COMBINED":
            fields["detail"] = _one_row(report, cells, stated)
        out.append(finding(report, rule_id, list(cells), quote=sentence, severity=severity, template=template,
                           **fields))
    return out, flagged


def _agrees(stated, table, converted: bool) -> bool:
    """The figure equals the table's; one converted into the cell's unit (12345元 into 万元) as the
    table rounds it to the places it prints (1.23): a table in 万元 rounds what the text gives in 元."""
    if stated == table:
        return True
    if not converted:
        return False
    places = Decimal(1).scaleb(int(table.as_tuple().exponent)) if isinstance(table, Decimal) else Decimal(1)
    return Decimal(stated).quantize(places, rounding=ROUND_HALF_UP) == table


def _in_cell_unit(f: Found, metric: Metric | None):
    """The figure in the unit its cells are printed in (40000元 is 4 where 表二 prints 万元)."""
    value, unit = f.figure.value, f.figure.unit
    if metric is None or not metric.cell_unit or not unit or unit == metric.cell_unit:
        return value
    units = phrasings().units
    if units.get(unit, {}).get("class") != units[metric.cell_unit]["class"]:
        return value
    return Decimal(value) * units[unit].get("factor", 1) / units[metric.cell_unit].get("factor", 1)


def _sentence_states_table(narrative: Narrative, f: Found, table: Value) -> bool:
    """Another figure of the sentence counts the same thing and equals the table: the scoped
    figure is the sentence's own second scope, not a contradiction."""
    return any(g.index != f.index and g.sentence == f.sentence and g.figure.counts == f.figure.counts
               and not g.figure.approx and g.figure.value == table for g in narrative.found)


def _says_so(narrative: Narrative, f: Found, extra: list[str]) -> bool:
    """The figure states the extra cells' figure as one of its parts ("18件（含上年结转2件）")."""
    return bool(extra) and any(g.figure.part_of == f.index and g.figure.cells == extra for g in narrative.found)


def _components(report: Report, cell: str) -> list[str]:
    """The cells a total adds up: a table-3 row's six applicant columns, a table-4 group's four
    results; the cell itself when it is no total."""
    table, rest = cell.split(".", 1)
    row, column = rest.rsplit(".", 1)
    if column != "total":
        return [cell]
    if table == "table3":
        return [f"table3.{row}.{c}" for c in FORMAT.table3_column_ids if c != "total"]
    if table == "table4":
        return [f"table4.{row}.{c}" for c in FORMAT.table4_column_ids if c != "total"]
    return [cell]


def _one_row(report: Report, cells, stated) -> str:
    """When a group's figure is one row's figure: say which (a group quoted by one row)."""
    for cell in cells:
        if report.value(cell) == stated:
            return rules()["TEXT-COMBINED"].extra["one_row"].format(cell=cell_zh(cell, version(report)))
    return ""


def _claim(report: Report, cells, sentence: str, scope: str | None, **fields) -> Finding:
    rule = rules()["TEXT-CLAIM"]
    if scope:
        return finding(report, "TEXT-CLAIM", list(cells), quote=sentence, severity=rule.extra["scope_severity"],
                       template=rule.extra["scope_message"], scope=scope, **fields)
    return finding(report, "TEXT-CLAIM", list(cells), quote=sentence, **fields)


# -- claims against table 4 ---------------------------------------------------------------------

_TABLE4 = {"review": ("review",), "litigation": ("litigation_direct", "litigation_after_review")}


def _claim_findings(report: Report, narrative: Narrative) -> Iterator[Finding]:
    rule = rules()["TEXT-CLAIM"]
    done = set()
    for claim in narrative.claims:
        if claim.kind not in ("all_upheld", "none_corrected") or report.table4 is None:
            continue
        groups = [g for name in (claim.groups or tuple(_TABLE4)) for g in _TABLE4[name]]
        sentence = narrative.sentences[claim.sentence].text
        if (claim.sentence, claim.kind) in done:
            continue
        done.add((claim.sentence, claim.kind))
        corrected = [f"table4.{g}.corrected" for g in groups if (report.value(f"table4.{g}.corrected") or 0) > 0]
        if corrected:
            yield finding(report, "TEXT-CLAIM", corrected, quote=sentence, said=claim.text,
                          template=rule.extra["corrected_message"], cases=_cases(report, corrected))
            continue
        if claim.kind != "all_upheld":
            continue
        open_ = [f"table4.{g}.{c}" for g in groups for c in ("other", "pending")
                 if (report.value(f"table4.{g}.{c}") or 0) > 0]
        if open_:
            yield finding(report, "TEXT-CLAIM", open_, quote=sentence, said=claim.text,
                          severity=rule.extra["open_severity"], template=rule.extra["open_message"],
                          cases=_cases(report, open_))


def _cases(report: Report, cells: list[str]) -> str:
    return "，".join(f"{cell_zh(c)}为 {_fmt(report.value(c))}" for c in cells)


# -- the text against itself --------------------------------------------------------------------

def _sum_findings(report: Report, narrative: Narrative, flagged: set[int]) -> Iterator[Finding]:
    rule = rules()["TEXT-SUM"]
    spec = phrasings().data["breakdown"]
    for b in narrative.breakdowns:
        parts = [narrative.found[k] for k in b.parts]
        if len(parts) < 2 or any(not p.exact for p in parts) or any(p.index in flagged for p in parts):
            continue
        total = sum((p.in_yuan() for p in parts), Decimal(0))
        listed = "+".join(_fmt(p.figure.value) for p in parts)
        if b.whole is None:  # the requests answered: table 3's （七）总计
            answered = _sum(report, ["table3.total.total"])
            if answered is None or total == answered:
                continue
            named = {c for p in parts for c in p.figure.cells}
            others = [c for r in FORMAT.table3_outcome_rows for c in [f"table3.{r}.total"]
                      if c not in named and report.has_cell(c)]
            rest = _sum(report, others) if others else 0
            if total < answered and rest != 0:
                continue  # the list leaves out outcomes the table has
            yield finding(report, "TEXT-SUM", ["table3.total.total"], quote=narrative.sentences[parts[0].sentence].text,
                          template=rule.extra["answered_message"], listed=listed, total=fmt_computed(total), table=_fmt(answered))
            continue
        whole = narrative.found[b.whole]
        if not whole.exact or whole.index in flagged:
            continue
        w = whole.in_yuan()
        if total == w or w == 0:
            continue
        if total > w:
            if total > w * Decimal(str(spec["max_excess"])):
                continue  # overlapping attributes, not a partition
            how = rule.extra["more"]
        elif b.complete:
            how = rule.extra["less"]
        else:
            continue  # "其中" may list only some parts
        shown = total / phrasings().units[whole.figure.unit].get("factor", 1)
        # 372 条 and 504.8 万元 spaced as the rest of the message (it read "= 372条，多于总数 369条")
        unit, stated = (f" {whole.figure.unit}" if whole.figure.unit not in ("", "%", "％") else whole.figure.unit,
                        _fmt(whole.figure.value))
        text = whole.figure.sentence
        quote = text if parts[0].sentence == whole.sentence else f"{text}\n{parts[0].figure.sentence}"
        yield finding(report, "TEXT-SUM", list(whole.figure.cells), quote=quote,
                      whole=text[clause_start(text, whole.start):whole.end].strip(), listed=listed,
                      total=fmt_computed(shown), unit=unit, how=how.format(stated=stated, unit=unit))


def _percent(value: Decimal) -> tuple[Decimal, int]:
    exponent = value.as_tuple().exponent
    return value, -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _matches(stated: Decimal, decimals: int, part: Decimal, base: Decimal) -> bool:
    if base == 0:
        return False
    exact = part * 100 / base
    step = Decimal(1).scaleb(-decimals)
    rounded = exact.quantize(step, rounding=ROUND_HALF_UP)
    return rounded == stated or stated <= exact < stated + step  # rounded, or cut off


def _percent_findings(report: Report, narrative: Narrative, flagged: set[int]) -> Iterator[Finding]:
    for share in narrative.shares:
        f = narrative.found[share.percent]
        stated, decimals = _percent(Decimal(f.figure.value))
        bases = [narrative.found[k] for k in share.bases]
        if share.part is None:
            continue  # the part is not printed: nothing certain to compare
        part = narrative.found[share.part]
        if part.index in flagged or any(b.index in flagged for b in bases):
            continue
        if any(_matches(stated, decimals, part.in_yuan(), b.in_yuan()) for b in bases):
            continue
        base = bases[-1]
        exact = part.in_yuan() * 100 / base.in_yuan() if base.in_yuan() else None
        if exact is None:
            continue
        yield finding(report, "TEXT-PERCENT", quote=f.figure.sentence, stated=_fmt(f.figure.value),
                      said=f.figure.text, part=part.figure.text, base=base.figure.text,
                      computed=fmt_computed(exact.quantize(Decimal(1).scaleb(-max(decimals, 1)), rounding=ROUND_HALF_UP)))


# -- years ---------------------------------------------------------------------------------------

@cache
def _year_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    spec = phrasings().data["years"]
    return regex.compile(spec["clause_start"]), regex.compile(spec["comparison"]), regex.compile(spec["mention"])


_CLAUSE = regex.compile(r"[^，,；;：:]+")


def _governing_years(text: str) -> list[tuple[int, int]]:
    """(offset, year) where a clause opens with a year ("2023年，…"): that year governs the
    figures from there on."""
    start_rx, _, _ = _year_patterns()
    out = []
    for m in _CLAUSE.finditer(text):
        y = start_rx.match(m.group(0).lstrip())
        if y:
            out.append((m.start(), int(y.group("y"))))
    return out


def _year_findings(report: Report, narrative: Narrative) -> Iterator[Finding]:
    if report.year is None:
        return
    _, comparison, mention = _year_patterns()
    last = report.year - 1
    by_sentence: dict[int, list[Found]] = {}
    for f in narrative.found:
        if 1 <= f.figure.section <= 4 and f.figure.counts and f.figure.unit not in ("%", "％"):
            by_sentence.setdefault(f.sentence, []).append(f)
    for i, figures in by_sentence.items():
        text = narrative.sentences[i].text
        if comparison.search(text):
            continue
        if any(int(m.group("y")) == report.year for m in mention.finditer(text)):
            continue
        governing = _governing_years(text)
        stale = [f for f in figures if _year_at(governing, f.start) == last]
        if not stale:
            continue
        listed = "、".join(f.figure.text for f in stale)
        same = [f for f in stale if f.figure.cells and _sum(report, f.figure.cells) == f.figure.value]
        detail = rules()["TEXT-YEAR"].extra["same_as_table"] if same and len(same) == len(stale) else ""
        yield finding(report, "TEXT-YEAR", sorted({c for f in stale for c in f.figure.cells}), quote=text,
                      year=report.year, last=last, figures=listed, detail=detail)


def _year_at(governing: list[tuple[int, int]], pos: int) -> int | None:
    year = None
    for offset, y in governing:
        if offset <= pos:
            year = y
    return year


def _plan_findings(report: Report, narrative: Narrative) -> Iterator[Finding]:
    if report.year is None:
        return
    done = set()
    for plan in narrative.plans:
        if plan.year != report.year or plan.sentence in done:
            continue
        if narrative.sentences[plan.sentence].text.startswith(">"):
            continue  # a Markdown quotation: another text's plan (gongkai new quotes last year's 五 there)
        done.add(plan.sentence)
        yield finding(report, "TEXT-PLAN", quote=narrative.sentences[plan.sentence].text, said=plan.text,
                      year=report.year, next=report.year + 1)


def placed(report: Report, findings) -> Iterator[Finding]:
    """Findings about a sentence that have no place of their own get the sentence's part of the
    report: "第一部分（第12行起）" (the section's heading line, page …)."""
    sections: dict[str, int] = {}  # sentence -> its section
    for sentence in narrative_of(report).sentences:
        sections.setdefault(sentence.text, sentence.section)
    for f in findings:
        first = (f.quote or "").split("\n", 1)[0]  # a breakdown's whole and parts: two sentences
        if f.where is None and first in sections:
            no = sections[first]
            section = report.section(no) if no else None
            name = f"第{cn_number(no)}部分" if no else "引言"
            start = section.where.zh() if section is not None and section.where is not None else ""
            f.where = f"{name}（{start}起）" if start else name
        yield f


def text_figures(report: Report) -> Iterator[Finding]:
    narrative = narrative_of(report)
    table, flagged = _table_findings(report, narrative)
    yield from placed(report, table)
    yield from placed(report, _claim_findings(report, narrative))
    yield from placed(report, _sum_findings(report, narrative, flagged))
    yield from placed(report, _percent_findings(report, narrative, flagged))
    yield from placed(report, _year_findings(report, narrative))
    yield from placed(report, _plan_findings(report, narrative))


RULES = (text_figures,)
__all__ = ["RULES", "Metric"]
