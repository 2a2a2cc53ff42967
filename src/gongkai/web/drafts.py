"""编制: a body's annual report kept as the report JSON, edited on a grid, rendered by
``gongkai.render`` through the same function as ``gongkai build``."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import IntegrityError
from django.http import Http404

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT, VERSIONS
from gongkai.model import Report
from gongkai.register.events import DATE_HINT, parse_date
from gongkai.web.models import ReportDraft


def _year(value) -> int:
    if value is None or value == "":
        raise GongkaiError("请填写报告年度（year，四位年份）")  # said “None”
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not text.isdecimal():  # 2025.5 was made the report of 2025; true of 1
        raise GongkaiError(f"报告年度“{value}”应为四位年份")
    year = int(text)
    if not 1990 <= year <= 2100:
        raise GongkaiError(f"报告年度“{year}”不是有效的年份")
    return year


def get(body, year) -> ReportDraft:
    try:
        return ReportDraft.objects.get(body=body, year=_year(year))
    except ReportDraft.DoesNotExist:
        raise Http404("没有这一年度的报告") from None


# A draft is kept as the report JSON, whose "amounts" keep each amount's text (4.00 is 4.0 among
# the tables).  Drafts saved by 0.9.3 and earlier kept that text under EXACT instead: still read.
EXACT = "exact_amounts"


def report_of(draft: ReportDraft) -> Report:
    report = Report.from_dict(draft.data)
    for cell, text in (draft.data.get(EXACT) or {}).items():
        value = report.value(cell)
        if isinstance(value, Decimal) and value == Decimal(text):
            report.set_value(cell, Decimal(text))
    return report


def _stored(report: Report) -> dict:
    """The draft's data: the report JSON (with the text of each amount, "amounts")."""
    return report.to_dict()


def previous_of(draft: ReportDraft) -> Report | None:
    last = ReportDraft.objects.filter(body=draft.body, year=draft.year - 1).first()
    return report_of(last) if last else None


def _shown(value) -> str:
    from gongkai.format.text import format_value

    return "" if value is None else format_value(value)


# Where a pre-filled value came from, shown beside the cell (kind -> label).
SOURCE_KINDS = {"previous": "上年报告", "register": "依申请公开台账", "log": "主动公开台账"}


def _records(body, year: int, version: str) -> tuple[dict[str, tuple], list[str], list[str], dict[int, str]]:
    """Values the body's own records give for ``year`` (2021 format): table 3 from the request
    register when it holds any request, table 2 from the disclosure log when it holds any entry.
    Returns (cell -> (value, kind, note), what was taken, warnings (rows left blank and why, a
    presumed start, a year not over), section number -> the records' figures in words: 一 the
    log's publication statistics, 三 table 3, 六 the 信息处理费 collected)."""
    from gongkai.log.year import year_report
    from gongkai.register.table3 import compute, fee_statement, statement
    from gongkai.web.registers import open_log, open_register

    if version != "2021":
        return {}, [], [], {}
    out: dict[str, tuple] = {}
    messages = []
    texts: dict[int, str] = {}
    reg = open_register(body)
    table3 = compute(reg.db, year, body.name, reg.today())
    counted = {cell: value for cell, value in table3.iter_cells() if value is not None}
    for cell, count in counted.items():
        out[cell] = (count, "register", f"由依申请公开台账计算（截至{year}年12月31日）")
    if counted:
        texts[3] = statement(table3)
        messages.append("表三由依申请公开台账计算")
    if fees := fee_statement(reg, year):
        texts[6] = fees
    # why rows are blank, a presumed start, a year not over: said after what was taken (an empty register: nothing)
    notes = table3.notes[1:] if counted or reg.count() else []
    with open_log(body) as log:
        if log.records():
            report = year_report(log, year, body.name)
            for cell, value in report.iter_cells():
                if value is not None:
                    out[cell] = (value, "log", f"由主动公开台账计算（截至{year}年12月31日）")
            texts[1] = report.sections[0].text
            messages.append("表二和第一部分的公开统计由主动公开台账计算")
            notes += report.notes[1:]   # months not entered, kinds with no document: as `new --log` says them
    return out, messages, notes, texts


def previous_problems(body, year, previous: Report, name: str) -> list[str]:
    """Why an uploaded last-year report is not this body's report of the year before, in
    sentences ([] when it is): another body's 结转 and 现行有效 must not become this draft's."""
    from gongkai.extract.recover import previous_problems as problems
    from gongkai.model import Report as Shell

    return [f"{p}；未带入其中的数字，请上传本机关上一年度的报告，或逐项填写。"
            for p in problems(Shell(agency=body.name, year=_year(year)), previous, name or "上年报告")]


def create(body, year, version: str, actor: str, prefill: bool = True, previous: Report | None = None,
           previous_name: str = "") -> tuple[ReportDraft, list[str], list[str]]:
    """A new draft: every cell blank, except what last year's report (uploaded, or this
    system's draft of last year) and the body's records give, each with its source; what was
    taken from the records, and the warnings (each its own sentence: a 上年结转 that last year's
    report printed otherwise, rows of table 3 left blank and why), in words for the clerk."""
    from gongkai.source.scaffold import Prefill, prefill_from, refuse_early_year, skeleton

    year = _year(year)
    refuse_early_year(year)
    if version not in VERSIONS:
        raise GongkaiError(f"格式应为 {' 或 '.join(VERSIONS)}")
    if ReportDraft.objects.filter(body=body, year=year).exists():
        raise GongkaiError(f"{body.name} {year}年度的报告已经存在，请直接编辑")
    name = previous_name or (previous.source.name if previous is not None else "")
    if previous is None and prefill:
        last = ReportDraft.objects.filter(body=body, year=year - 1).first()
        if last:
            previous, name = report_of(last), f"{year - 1}年度报告（本系统）"
    p = prefill_from(previous, version, name or "上年度报告") if previous is not None else Prefill()
    cells = {cell: {"kind": "previous", "note": p.comments.get(cell, ""), "value": _shown(v)}
             for cell, v in p.values.items()}
    origins = {"previous": name or "上年度报告"} if previous is not None else {}
    records, messages, warnings, texts = _records(body, year, version) if prefill else ({}, [], [], {})
    if previous is not None and records:   # last year's printed 结转下年度 against the register's 上年结转
        from gongkai.format.names import cell_label
        from gongkai.format.text import format_value
        from gongkai.register.table3 import carry_mismatches

        now = Report(year=year, format=version)
        mismatches = []
        now.table3 = {"carried_over": {c.split(".")[-1]: v[0] for c, v in records.items()
                                       if c.startswith("table3.carried_over.")}}
        for cell, was, count in carry_mismatches(p.values, now):
            value, kind, note = records[cell]
            records[cell] = (value, kind, f"{note}；上年报告的结转下年度继续办理印的是 {format_value(was)} 件，与台账不一致，请核实")
            mismatches.append(f"{cell_label(cell, version)}：上年报告印的结转下年度继续办理是 {format_value(was)}，台账为 {count}，"
                              "请核实（上年的申请在报告之后有更正、作废或补录？）")
        warnings = mismatches + warnings
    for cell, (value, kind, note) in records.items():
        p.values[cell] = value
        cells[cell] = {"kind": kind, "note": note, "value": _shown(value)}
        origins[kind] = note
    if "register" in origins:   # when, so that corrections recorded since can be told (register_drift)
        from gongkai.web.registers import open_register

        taken = {"register_taken_at": open_register(body).stamp()}
    else:
        taken = {}
    report = skeleton(body.name, year, version, p)
    for no, said in texts.items():
        if said and (section := report.section(no)) is not None:  # the skeleton has every section
            section.text = f"{said}\n\n{section.text}"
    try:
        draft = ReportDraft.objects.create(body=body, year=year, format=version, data=_stored(report),
                                           sources={"cells": cells, "origins": origins, **taken}, updated_by=actor)
    except IntegrityError:
        raise GongkaiError(f"{body.name} {year}年度的报告已经存在，请直接编辑") from None
    return draft, messages, warnings


def summary(d: ReportDraft) -> dict:
    return {"year": d.year, "format": d.format, "updated_at": d.updated_at.isoformat(), "updated_by": d.updated_by}


def _value(text: str, cell_id: str, decimal: bool):
    """A number typed into a cell: a count (integer, never negative but 本年增/减), or an
    amount (万元, decimals kept exactly); "" is blank."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    signed = cell_id.endswith(".change")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise GongkaiError(f"“{text}”不是数字")
    if text.startswith("-") and not signed:
        raise GongkaiError(f"“{text}”不能为负数")
    if "." not in text:
        return int(text)
    if not decimal:
        raise GongkaiError(f"“{text}”应为整数（件数）")
    return Decimal(text)


def decimal_cells(version: str) -> set[str]:
    out = set()
    for group, row in FORMAT.table2_rows(version):
        for c in group.columns:
            if c.decimal:
                out.add(f"table2.{group.id}.{row.id}.{c.id}")
    return out


def save_form(draft: ReportDraft, post, actor: str) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Apply the editor's form.  Returns the cells that could not be read, as cell id ->
    (the text typed, why), left unchanged in the draft, and other mistakes (the date)."""
    from gongkai.format.names import cell_label

    report = report_of(draft)
    version = draft.format
    decimals = decimal_cells(version)
    invalid: dict[str, tuple[str, str]] = {}
    errors = []
    sources = dict(draft.sources or {})
    cells = dict(sources.get("cells", {}))
    for cell_id in FORMAT.expected_cells(version):
        if cell_id not in post:
            continue
        try:
            value = _value(post[cell_id], cell_id, cell_id in decimals)
        except GongkaiError as exc:
            invalid[cell_id] = (post[cell_id], exc.message)
            errors.append(f"{cell_label(cell_id, version)}：{exc.message}")
            continue
        report.set_value(cell_id, value)
        if cell_id in cells and cells[cell_id].get("value", "") != _shown(value):
            del cells[cell_id]      # the clerk's own figure now, not the carried one
    sources["cells"] = cells
    for section in report.sections:
        key = f"section-{section.no}"
        if key in post:
            section.text = post[key].replace("\r\n", "\n")
    if "preamble" in post:
        report.preamble = post["preamble"].replace("\r\n", "\n")
    if "published" in post:
        text = post["published"].strip()
        try:
            report.published = parse_date(text)
        except ValueError:
            errors.append(f"落款日期“{text}”无效，{DATE_HINT}")
    draft.data = _stored(report)
    draft.sources = sources
    draft.updated_by = actor
    draft.save()
    return invalid, errors


def save_report_json(draft: ReportDraft, text: str, actor: str) -> None:
    from gongkai.load import load_source_text

    report = load_source_text(text, f"{draft.year}.json").report
    if report.year != draft.year:
        raise GongkaiError(f"报告 JSON 的年度（{report.year}）与地址中的年度（{draft.year}）不一致")
    version = report.format or draft.format
    # a report of either table-3 layout (（六）其他处理 printed as one row or as three) is the format's
    known = {c for layout in VERSIONS for c in FORMAT.expected_cells(version, layout)}
    unknown = [c for c in report.to_dict()["cells"] if c not in known]
    if unknown:  # 200,000 made-up cell ids were kept in the draft (and its every page)
        raise GongkaiError(f"报告 JSON 中有 {version} 年版格式没有的单元格：{'、'.join(unknown[:3])}"
                           f"{f' 等 {len(unknown)} 个' if len(unknown) > 3 else ''}（单元格编号见 docs/schema.md）", f"{draft.year}.json")
    report.agency = draft.body.name
    draft.data = _stored(report)
    draft.format = report.format or draft.format
    draft.updated_by = actor
    draft.save()


class NotReady(GongkaiError):
    """The draft still has errors, blank cells or 【待办】 text: it is not exported."""


def findings_of(draft: ReportDraft) -> list:
    from gongkai.check import check_report

    return check_report(report_of(draft), previous_of(draft))


def build(draft: ReportDraft, form: str) -> tuple[str, bytes, str]:
    """The official report, rendered as ``gongkai build`` renders it, and refused as it refuses."""
    from gongkai.check import why_blocked
    from gongkai.render import FORMS, render

    if form not in FORMS:
        raise GongkaiError(f"输出格式应为 {'、'.join(FORMS)} 之一")
    report = report_of(draft)
    blocked = why_blocked(report, findings_of(draft))
    if blocked:
        raise NotReady(f"{blocked}，不能导出正式报告。请补全后保存，再导出。")
    data = render(report, form)
    return f"{draft.body.name}{draft.year}年政府信息公开工作年度报告{FORMS[form].suffix}", data, FORMS[form].media_type


def identities(version: str) -> list[dict]:
    """The sums the grid checks live: each is left = right (lists of input names)."""
    from gongkai.format.names import column_label, row_label

    out = []
    cols = FORMAT.table3_column_ids
    applicants = [c for c in cols if c != "total"]
    layout = FORMAT.table3_layout(version)
    outcome = [r for r in layout if r in FORMAT.table3_outcome_rows]
    for c in cols:
        out.append({"label": f"表三 {column_label('table3', '', c)}：本年新收＋上年结转＝办理结果总计＋结转下年度",
                    "left": [f"table3.new_received.{c}", f"table3.carried_over.{c}"],
                    "right": [f"table3.total.{c}", f"table3.carried_forward.{c}"]})
    for c in cols:
        out.append({"label": f"表三 {column_label('table3', '', c)}：总计＝各项办理结果之和",
                    "left": [f"table3.total.{c}"], "right": [f"table3.{r}.{c}" for r in outcome]})
    for r in layout:
        out.append({"label": f"表三 {row_label('table3', r, version)}：总计＝各类申请人之和",
                    "left": [f"table3.{r}.total"], "right": [f"table3.{r}.{c}" for c in applicants]})
    for g in FORMAT.table4_groups:
        out.append({"label": f"表四 {g.parent + '—' if g.parent else ''}{g.label}：总计＝维持＋纠正＋其他＋尚未审结",
                    "left": [f"table4.{g.id}.total"],
                    "right": [f"table4.{g.id}.{c}" for c in FORMAT.table4_column_ids if c != "total"]})
    return out


def grid(report: Report, version: str, sources: dict | None = None,
         invalid: dict[str, tuple[str, str]] | None = None) -> dict:
    """Rows of the three tables for the editor; each cell: input name, value shown, where a
    pre-filled value came from, and the mistake when the text typed was not a number."""
    from gongkai.format.names import cell_label, column_label, row_label

    carried = (sources or {}).get("cells", {})
    invalid = invalid or {}
    decimals = decimal_cells(version)

    def cell(cell_id: str) -> dict:
        typed = invalid.get(cell_id)
        source = carried.get(cell_id)
        return {"name": cell_id, "label": cell_label(cell_id, version),
                "value": typed[0] if typed else _shown(report.value(cell_id)),
                "invalid": typed[1] if typed else "", "decimal": cell_id in decimals,
                "signed": cell_id.endswith(".change"),
                "source": {**source, "label": SOURCE_KINDS.get(source["kind"], "")} if source else None}

    t2 = []
    for group in FORMAT.table2[version]:
        t2.append({"head": group.label, "columns": [c.label for c in group.columns],
                   "rows": [{"label": row.label,
                             "cells": [cell(f"table2.{group.id}.{row.id}.{c.id}") for c in group.columns]}
                            for row in group.rows]})
    cols = FORMAT.table3_column_ids
    t3 = {"columns": [column_label("table3", "", c) for c in cols],
          "rows": [{"label": row_label("table3", r, version), "cells": [cell(f"table3.{r}.{c}") for c in cols]}
                   for r in FORMAT.table3_layout(version)]}
    t4 = {"columns": [c.label for c in FORMAT.table4_columns],
          "rows": [{"label": (f"{g.parent}—" if g.parent else "") + g.label,
                    "cells": [cell(f"table4.{g.id}.{c}") for c in FORMAT.table4_column_ids]}
                   for g in FORMAT.table4_groups]}
    return {"table2": t2, "table3": t3, "table4": t4}


def register_drift(draft: ReportDraft, register) -> dict | None:
    """The draft's table-3 cells still as taken from the register that the register now counts
    otherwise — a correction since (a request counted in another row, a date put right, a void)
    — with the steps recorded since they were taken; None when they agree.  The draft itself is
    never changed here: it may already have been exported."""
    from gongkai.format.names import cell_label, format_order
    from gongkai.register.history import history_rows
    from gongkai.register.table3 import compute

    taken = [c for c, s in (draft.sources or {}).get("cells", {}).items()
             if s.get("kind") == "register" and c.startswith("table3.")]
    if draft.format != "2021" or not taken:
        return None
    now = compute(register.db, draft.year, draft.body.name, register.today())
    report = report_of(draft)
    cells = [{"cell": c, "label": cell_label(c, draft.format), "draft": _shown(report.value(c)) or "—",
              "register": _shown(now.value(c)) or "—"}
             for c in sorted(taken, key=format_order) if report.value(c) != now.value(c)]
    if not cells:
        return None
    steps = []
    since = (draft.sources or {}).get("register_taken_at")
    # A draft that did not record when it took table 3 (saved before the time was kept) cannot tell
    # what was recorded since: it lists the year's corrections and voids instead, which are what
    # moves a counted figure, and says so (the template) — never every step as if it were new.
    corrections_only = not since
    wanted: dict[str, set[int]] = {}
    for ref, seq in register.recorded_since(since or f"{draft.year}-01-01"):
        wanted.setdefault(ref, set()).add(seq)
    for ref, seqs in wanted.items():
        for row in history_rows(register.history(ref), personal=False):
            if row["id"] in seqs and not (corrections_only and row["kind"] not in ("amended", "voided")):
                steps.append({"ref": ref, "text": f"第{row['id']}条 {row['on']} {row['label']}"
                              + (f"（{'；'.join(row['details'])}）" if row["details"] else "")
                              + f"；经办：{row['actor']}，登记于 {row['recorded_at']}"})
        if len({st["ref"] for st in steps}) >= 20:
            break
    from gongkai.db import office_time

    return {"cells": cells, "steps": steps, "since": office_time(since) if since else "",
            "untimed": corrections_only}


def log_drift(draft: ReportDraft) -> list[dict] | None:
    """The draft's table-2 cells still as taken from the 主动公开台账 that the log now gives
    otherwise (a document's date corrected, an entry of last year entered late, a void); None when
    they agree.  The draft is never changed here."""
    from gongkai.format.names import cell_label, format_order
    from gongkai.log.year import VERSION, cell_filter, year_report
    from gongkai.web.registers import open_log

    taken = [c for c, s in (draft.sources or {}).get("cells", {}).items()
             if s.get("kind") == "log" and c.startswith("table2.")]
    if draft.format != VERSION or not taken:
        return None
    with open_log(draft.body) as log:
        now = year_report(log, draft.year, draft.body.name)
    report = report_of(draft)
    def traced(cell: str) -> bool:   # a document cell: its documents are listed on the log page
        try:
            cell_filter(draft.year, cell)
        except GongkaiError:
            return False
        return True

    cells = [{"cell": c[len("table2."):], "label": cell_label(c, draft.format), "draft": _shown(report.value(c)) or "—",
              "log": _shown(now.value(c)) or "—", "traced": traced(c)}
             for c in sorted(taken, key=format_order) if report.value(c) != now.value(c)]
    return cells or None


def fill_table3_from_register(draft: ReportDraft, register, actor: str) -> list[str]:
    """Replace the draft's table-3 cells the register counts for its year by the register's
    figures (a row the register cannot count for the year keeps what the draft has; a register
    that counts nothing of the year is refused, saying why); returns what was done, in
    sentences."""
    from gongkai.model import split_cell_id
    from gongkai.register.table3 import compute, statement

    if draft.format != "2021":
        raise GongkaiError("台账按2021年版格式计算表三；2019年版格式的报告请手工填写")
    t3 = compute(register.db, draft.year, draft.body.name, register.today())
    counted = {c: v for c, v in t3.iter_cells() if v is not None}
    if not counted:
        raise GongkaiError("未按台账计算表三：" + "；".join(t3.notes[1:]))
    report = report_of(draft)
    said_before = statement(report)
    table = {row: dict(cells) for row, cells in (report.table3 or {}).items()}
    for cell, value in counted.items():
        _, row, column = split_cell_id(cell)
        table.setdefault(row, {})[column] = value
    report.table3 = table
    said, third = statement(report), report.section(3)
    text_note = []
    if third is not None and said != said_before:
        if said_before and said and third.text.startswith(said_before):   # the sentence taken last time: retold
            third.text = said + third.text[len(said_before):]
            text_note.append("第三部分开头的表三数字已按新表三改写。")
        elif said_before and said_before in third.text:
            text_note.append("第三部分正文仍写着原表三的数字，请按新表三核对修改。")
    draft.data = _stored(report)
    note = f"由依申请公开台账计算（截至{draft.year}年12月31日）"
    sources = dict(draft.sources or {})
    cells = {c: v for c, v in sources.get("cells", {}).items() if c not in counted}
    cells.update({c: {"kind": "register", "note": note, "value": _shown(v)} for c, v in counted.items()})
    draft.sources = {**sources, "cells": cells, "origins": {**sources.get("origins", {}), "register": note},
                     "register_taken_at": register.stamp()}
    draft.updated_by = actor
    draft.save()
    new, carried = t3.value("table3.new_received.total"), t3.value("table3.carried_over.total")
    done = (f"已按台账重新计算表三（{draft.year}年新收与上年结转共 {int(new) + int(carried)} 件）。"
            if new is not None and carried is not None else "已按台账重新计算表三中台账能计算的格。")
    return [done, *t3.notes[1:], *text_note]
