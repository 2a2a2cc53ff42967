"""编制: a body's annual report kept as the report JSON, edited on a grid, rendered by
``gongkai.render`` through the same function as ``gongkai build``."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError
from django.http import Http404

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT, VERSIONS
from gongkai.model import Report
from gongkai.web.models import ReportDraft

FORMS = {"docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
         "pdf": ("pdf", "application/pdf"), "html": ("html", "text/html; charset=utf-8"),
         "md": ("md", "text/markdown; charset=utf-8")}


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise GongkaiError(f"报告年度“{value}”应为四位年份") from None
    if not 1990 <= year <= 2100:
        raise GongkaiError(f"报告年度“{year}”不是有效的年份")
    return year


def get(body, year) -> ReportDraft:
    try:
        return ReportDraft.objects.get(body=body, year=_year(year))
    except ReportDraft.DoesNotExist:
        raise Http404("没有这一年度的报告") from None


def report_of(draft: ReportDraft) -> Report:
    return Report.from_dict(draft.data)


def previous_of(draft: ReportDraft) -> Report | None:
    last = ReportDraft.objects.filter(body=draft.body, year=draft.year - 1).first()
    return report_of(last) if last else None


def create(body, year, version: str, actor: str, prefill: bool = True, previous: Report | None = None) -> ReportDraft:
    from gongkai.source.scaffold import Prefill, prefill_from, skeleton

    year = _year(year)
    if version not in VERSIONS:
        raise GongkaiError(f"格式应为 {' 或 '.join(VERSIONS)}")
    if ReportDraft.objects.filter(body=body, year=year).exists():
        raise GongkaiError(f"{body.name} {year}年度的报告已经存在，请直接编辑")
    name = previous.source.name if previous is not None else ""
    if previous is None and prefill:
        last = ReportDraft.objects.filter(body=body, year=year - 1).first()
        if last:
            previous, name = report_of(last), f"{year - 1}年度报告（本系统）"
    p = prefill_from(previous, version, name or "上年度报告") if previous is not None else Prefill()
    report = skeleton(body.name, year, version, p)
    try:
        return ReportDraft.objects.create(body=body, year=year, format=version, data=report.to_dict(),
                                          updated_by=actor)
    except IntegrityError:
        raise GongkaiError(f"{body.name} {year}年度的报告已经存在，请直接编辑") from None


def summary(d: ReportDraft) -> dict:
    return {"year": d.year, "format": d.format, "updated_at": d.updated_at.isoformat(), "updated_by": d.updated_by}


def _value(text: str, cell_id: str, decimal: bool):
    text = (text or "").strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    try:
        if re.fullmatch(r"-?\d+", text) and not decimal:
            return int(text)
        value = Decimal(text)
    except InvalidOperation:
        raise GongkaiError(f"“{text}”不是数字") from None
    if not decimal:
        raise GongkaiError(f"“{text}”应为整数（件数）")
    return value


def decimal_cells(version: str) -> set[str]:
    out = set()
    for group, row in FORMAT.table2_rows(version):
        for c in group.columns:
            if c.decimal:
                out.add(f"table2.{group.id}.{row.id}.{c.id}")
    return out


def save_form(draft: ReportDraft, post, actor: str) -> list[str]:
    """Apply the editor's form; returns the cells that could not be read (left unchanged)."""
    report = report_of(draft)
    version = draft.format
    decimals = decimal_cells(version)
    errors = []
    for cell_id in FORMAT.expected_cells(version):
        if cell_id not in post:
            continue
        try:
            report.set_value(cell_id, _value(post[cell_id], cell_id, cell_id in decimals))
        except GongkaiError as exc:
            from gongkai.format.names import cell_label

            errors.append(f"{cell_label(cell_id, version)}：{exc.message}")
    for section in report.sections:
        key = f"section-{section.no}"
        if key in post:
            section.text = post[key].replace("\r\n", "\n")
    if "preamble" in post:
        report.preamble = post["preamble"].replace("\r\n", "\n")
    if "published" in post:
        text = post["published"].strip()
        try:
            report.published = date.fromisoformat(text) if text else None
        except ValueError:
            errors.append(f"落款日期“{text}”无效")
    draft.data = report.to_dict()
    draft.updated_by = actor
    draft.save()
    return errors


def save_report_json(draft: ReportDraft, text: str, actor: str) -> None:
    from gongkai.load import load_source_text

    report = load_source_text(text, f"{draft.year}.json").report
    if report.year != draft.year:
        raise GongkaiError(f"报告 JSON 的年度（{report.year}）与地址中的年度（{draft.year}）不一致")
    report.agency = draft.body.name
    draft.data = report.to_dict()
    draft.format = report.format or draft.format
    draft.updated_by = actor
    draft.save()


def build(draft: ReportDraft, form: str) -> tuple[str, bytes, str]:
    from gongkai.render import render

    if form not in FORMS:
        raise GongkaiError(f"输出格式应为 {'、'.join(FORMS)} 之一")
    ext, ctype = FORMS[form]
    data = render(report_of(draft), form)
    return f"{draft.body.name}{draft.year}年政府信息公开工作年度报告.{ext}", data, ctype


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


def grid(report: Report, version: str) -> dict:
    """Rows of the three tables for the editor: (label, [(input name, value)])."""
    from gongkai.format.names import column_label, row_label
    from gongkai.render.layout import format_value

    def v(cell):
        return format_value(report.value(cell)) if report.value(cell) is not None else ""

    t2 = []
    for group in FORMAT.table2[version]:
        t2.append({"head": group.label, "columns": [c.label for c in group.columns],
                   "rows": [{"label": row.label,
                             "cells": [(f"table2.{group.id}.{row.id}.{c.id}", v(f"table2.{group.id}.{row.id}.{c.id}"))
                                       for c in group.columns]} for row in group.rows]})
    cols = FORMAT.table3_column_ids
    t3 = {"columns": [column_label("table3", "", c) for c in cols],
          "rows": [{"label": row_label("table3", r, version), "cells": [(f"table3.{r}.{c}", v(f"table3.{r}.{c}"))
                                                                        for c in cols]}
                   for r in FORMAT.table3_layout(version)]}
    t4 = {"columns": [c.label for c in FORMAT.table4_columns],
          "rows": [{"label": (f"{g.parent}—" if g.parent else "") + g.label,
                    "cells": [(f"table4.{g.id}.{c}", v(f"table4.{g.id}.{c}")) for c in FORMAT.table4_column_ids]}
                   for g in FORMAT.table4_groups]}
    return {"table2": t2, "table3": t3, "table4": t4}


def fill_table3_from_register(draft: ReportDraft, register, actor: str) -> int:
    """Replace the draft's table 3 by the one the register gives for its year; returns the
    number of requests counted (new + carried over)."""
    from gongkai.register.table3 import compute

    if draft.format != "2021":
        raise GongkaiError("台账按2021年版格式计算表三；2019年版格式的报告请手工填写")
    t3 = compute(register.db, draft.year, draft.body.name)
    report = report_of(draft)
    report.table3 = t3.table3
    draft.data = report.to_dict()
    draft.updated_by = actor
    draft.save()
    return int(t3.value("table3.new_received.total") or 0) + int(t3.value("table3.carried_over.total") or 0)
