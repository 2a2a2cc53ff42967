"""``gongkai new``: a fresh source file with the official skeleton, optionally pre-filled
from last year's report.

What last year determines (and nothing else) is carried over:

* 上年结转 (``table3.carried_over.*``) = last year's 结转下年度继续办理 per column;
* 现行有效件数 (2021 format, ``art20_1.*.in_force``) = last year's 现行有效件数 (it changes
  only by this year's 制发 and 废止, which start at 0).  A 2019-format report has no such
  column: its 对外公开总数量 counts every document ever published, repealed ones included,
  so it is *not* carried into 现行有效件数 — that cell is left blank with a comment.
  Into a 2019-format source, 对外公开总数量 carries on, and 上一年项目数量 = last year's
  上一年项目数量 + 本年增/减 (both printed; blank when either is blank);
* last year's section 五 problems, quoted under 五 as a 【待办】 reminder.

A blank in last year's report never becomes 0: the cell is written ``null`` with a comment.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.format.names import row_label
from gongkai.format.text import clean_text, format_value
from gongkai.model import Report, Section, Value
from gongkai.source.load import source_data

BLANK_NOTE = "上年报告此格空白，请核实后填写"
NO_TABLE3_NOTE = "上年报告没有可识别的表三数据，请核实后填写"


@dataclass
class Prefill:
    """Values and comments carried from last year: flat cell id -> value / comment."""

    values: dict[str, Value] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    problems: list[str] | None = None  # None: last year had no section 五
    source_name: str = ""


def _carry(prefill: Prefill, cell_id: str, value: Value, note: str, blank: str = BLANK_NOTE) -> None:
    prefill.values[cell_id] = value
    prefill.comments[cell_id] = note if value is not None else blank


def _undecided_notes(last: Report) -> dict[str, str]:
    """cell id -> the note for a cell of last year's report whose digits were printed run
    together and could not be cut one way: it is not blank, its value is unknown."""
    options = last.candidate_values()
    notes = {}
    for amb in last.ambiguous:
        for cell in last.undecided(amb):
            which = f"（印作“{amb.raw}”，可能为 {'、'.join(options[cell])}）" if options.get(cell) else f"（印作“{amb.raw}”）"
            notes[cell] = f"上年报告此格数字连写、无法确定{which}，请核对上年报告原件后填写"
    return notes


def prefill_from(last: Report, version: str, name: str = "") -> Prefill:
    p = Prefill(source_name=name)
    year = f"{last.year}年" if last.year else "上年"
    blank = BLANK_NOTE if last.table3 is not None else NO_TABLE3_NOTE
    undecided = _undecided_notes(last)
    for column in FORMAT.table3_column_ids:
        cell = f"table3.carried_forward.{column}"
        _carry(p, f"table3.carried_over.{column}", last.value(cell), f"{year}结转下年度继续办理",
               undecided.get(cell, blank))
    last_version = last.format or "2021"
    for kind in ("rules", "normative_docs"):
        if version == "2021":
            cell = f"table2.art20_1.{kind}.in_force"
            if last_version == "2021":
                _carry(p, cell, last.value(cell), f"{year}现行有效件数；本年 = 上年 + 本年制发 − 本年废止",
                       undecided.get(cell, BLANK_NOTE))
            else:
                p.values[cell] = None
                p.comments[cell] = ("上年为 2019 年版格式，“对外公开总数量”含已废止文件，不等于现行有效件数，"
                                    "请按实际填写")
        else:
            cell = f"table2.art20_1.{kind}.total_published"
            if last_version == "2019":
                _carry(p, cell, last.value(cell), f"{year}对外公开总数量；本年 = 上年 + 本年新公开")
            else:
                p.values[cell] = None
                p.comments[cell] = "上年为 2021 年版格式，“现行有效件数”不等于对外公开总数量，请按实际填写"
    if version == "2019":
        for group, row in FORMAT.table2_rows("2019"):
            if "prev_items" not in [c.id for c in group.columns]:
                continue
            key = f"table2.{group.id}.{row.id}"
            if last_version != "2019":
                p.values[f"{key}.prev_items"] = None
                p.comments[f"{key}.prev_items"] = "上年为 2021 年版格式，没有项目数量，请按实际填写"
                continue
            prev, change = last.value(f"{key}.prev_items"), last.value(f"{key}.change")
            value = prev + change if prev is not None and change is not None else None
            _carry(p, f"{key}.prev_items", value, f"{year}上一年项目数量 {format_value(prev)} 加本年增/减 "
                                                  f"{format_value(change)}")
    section5 = last.section(5)
    if section5 is not None and section5.text.strip():
        p.problems = problem_lines(section5.text)
    return p


_IMPROVEMENT = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．])?\s*"
                          r"(?:主要)?(?:改进|整改)")


def problem_lines(text: str) -> list[str]:
    """The problems part of a section 五: up to the 改进情况 sub-heading when there is one."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if i and _IMPROVEMENT.match(line) and len(line) <= 30:
            return lines[:i]
    return lines


# -- YAML writing ------------------------------------------------------------------------

def _q(text: str) -> str:
    """A YAML scalar for any string: JSON's double-quoted form is valid YAML."""
    return json.dumps(clean_text(text).replace("\n", " "), ensure_ascii=False)


def _block(key: str, text: str, indent: int) -> list[str]:
    pad = " " * indent
    text = clean_text(text).strip()
    if not text:
        return [f'{pad}{key}: ""']
    lines = text.split("\n")
    if lines[0].startswith((" ", "\t")):
        return [f"{pad}{key}: {_q(text)}"]
    return [f"{pad}{key}: |"] + [f"{pad}  {line}" if line else "" for line in lines]


def _yaml_value(value: Value) -> str:
    return "null" if value is None else format_value(value)


def _row_line(table: str, key: str, columns: list[str], values: dict, comments: dict[str, str],
              comment: str) -> str:
    parts = []
    notes: dict[str, list[str]] = {}  # comment -> columns, so one comment covers many columns
    for column in columns:
        parts.append(f"{column}: {_yaml_value(values.get(column))}")
        cell_id = f"{table}.{key}.{column}"
        if cell_id in comments:
            notes.setdefault(comments[cell_id], []).append(column)
    text = f"  {key}: {{{', '.join(parts)}}}"
    for note, cols in notes.items():
        comment += f"；{'、'.join(cols) if len(cols) < len(columns) else '各列'}：{note}"
    return f"{text}  # {comment}"


def write_source(report: Report, body_type: str | None = None, comments: dict[str, str] | None = None,
                 header: list[str] | None = None) -> str:
    """The YAML source text of ``report`` (every row of its format version, blanks as null),
    with the official label of each row as a comment."""
    data = source_data()
    comments = comments or {}
    version = report.format or "2021"
    out = data["header"].rstrip("\n").splitlines() + list(header or [])
    out += [
        f"agency: {_q(report.agency or '')}",
        f"year: {report.year}",
        f'format: "{version}"          # 报告格式：2021（国办公开办函〔2021〕30号）或 2019（〔2019〕60号）',
        f"published: {report.published.isoformat() if report.published else 'null'}"
        "          # 落款日期，如 2025-01-20",
        f"body_type: {_q(body_type or data['default_body_type'])}   # "
        + "、".join(b["id"] for b in data["body_types"]),
    ]
    if report.title:
        out.append(f"title: {_q(report.title)}")
    out += _block("preamble", report.preamble, 0)
    out[-1] += "" if report.preamble else "             # 正文前的引言（可空），Markdown"
    out.append("sections:")
    for section in report.sections:
        out += [f"  - number: {section.no}", f"    title: {_q(section.title)}"] + _block("text", section.text, 4)
    out += ["", "table2:"]
    t2 = report.table2 or {}
    for group in FORMAT.table2[version]:
        out.append(f"  # {group.label}")
        columns = [c.id for c in group.columns]
        labels = " / ".join(f"{c.id}={c.label}" for c in group.columns)
        for row in group.rows:
            key = f"{group.id}.{row.id}"
            out.append(_row_line("table2", key, columns, t2.get(key, {}), comments, f"{row.label}：{labels}"))
    out += ["", "table3:", "  # 列：" + " / ".join(f"{c.id}={c.label}" for c in FORMAT.table3_columns)]
    t3 = report.table3 or {}
    for rid in FORMAT.table3_layout(version):
        label = row_label("table3", rid, version)
        out.append(_row_line("table3", rid, list(FORMAT.table3_column_ids), t3.get(rid, {}), comments, label))
    out += ["", "table4:", "  # 列：" + " / ".join(f"{c.id}={c.label}" for c in FORMAT.table4_columns)]
    t4 = report.table4 or {}
    for t4_group in FORMAT.table4_groups:
        label = f"{t4_group.parent}：{t4_group.label}" if t4_group.parent else t4_group.label
        out.append(_row_line("table4", t4_group.id, list(FORMAT.table4_column_ids), t4.get(t4_group.id, {}), comments,
                             label))
    return "\n".join(out) + "\n"


FIRST_YEAR = 2019   # the first year of a national format of tables (国办公开办函〔2019〕60号)


def refuse_early_year(year: int) -> None:
    """A report to build for a year before the national format (gongkai new, the web's 编制)."""
    if year < FIRST_YEAR:
        raise GongkaiError(f"报告年度 {year} 早于全国统一的年度报告格式（{FIRST_YEAR} 年度起，国办公开办函〔2019〕60号），"
                           f"gongkai 只编制 {FIRST_YEAR} 年度起的报告。")


def skeleton(agency: str, year: int, version: str = "2021", prefill: Prefill | None = None) -> Report:
    """A report with the official sections (hint text) and every cell blank (None) but those
    last year's report determines: a number is never written where no data exists."""
    data = source_data()
    prefill = prefill or Prefill()
    report = Report(agency=agency, year=year, format=version)
    for spec in FORMAT.sections:
        text = data["section_hint"]
        if spec.no == 5 and prefill.source_name:
            if prefill.problems is None:
                text = data["previous_problems_missing"] + "\n\n" + text
            else:
                quoted = "\n".join(f"> {line}" for line in prefill.problems)
                text = data["previous_problems"] + "\n\n" + quoted + "\n\n" + text
        report.sections.append(Section(spec.no, spec.title, text))
    for cell_id in FORMAT.expected_cells(version):
        report.set_value(cell_id, prefill.values.get(cell_id))
    return report


def scaffold(agency: str, year: int, version: str = "2021", prefill: Prefill | None = None,
             body_type: str | None = None) -> str:
    """The YAML text of a new source file."""
    prefill = prefill or Prefill()
    header = [f"# 上年结转、现行有效件数和上年问题取自：{prefill.source_name}"] if prefill.source_name else []
    return write_source(skeleton(agency, year, version, prefill), body_type, prefill.comments, header)


__all__ = ["Prefill", "prefill_from", "problem_lines", "scaffold", "skeleton", "write_source", "BLANK_NOTE"]
