"""``gongkai new --log``: a report source drafted from the body's own records.

Table 2 (2021 format) and section 一's publication statistics come from the proactive-disclosure
log; table 3 from the request register in the same store, the rows it can count for the year
(a year before its 台账起始日期 is blank with the reason, ``register.table3.coverage``), and so
does section 六's sentence on the 信息处理费 collected (``register.table3.fee_statement``).  Values
from last year's report (``--from``) still fill what the records do not give; where last year's
printed 现行有效件数 differs from the log's count for last year's end, the cell's comment says so.
"""

from __future__ import annotations

from datetime import date

from gongkai.errors import GongkaiError
from gongkai.format import FORMAT
from gongkai.format.names import cell_label
from gongkai.format.text import format_value
from gongkai.log.store import DisclosureLog
from gongkai.log.vocab import kinds
from gongkai.log.year import VERSION, in_force, year_report
from gongkai.model import Report
from gongkai.register.store import Register
from gongkai.register.table3 import carry_mismatches, fee_statement, statement
from gongkai.settings import current
from gongkai.source.scaffold import Prefill, skeleton, write_source

LOG_NOTE = "由主动公开台账计算"
REGISTER_NOTE = "由依申请公开台账计算"
BLANK_NOTE = "台账没有录入数据，请核实后填写"


def log_report(url: str | None, year: int, agency: str | None = None) -> tuple[Report, dict[str, int], Report]:
    """The year's report from the log, last year's end in-force counts, and table 3 from the
    register (rows it cannot count for the year blank, the reason in its notes)."""
    with DisclosureLog(url or current().db, create=True) as log:
        report = year_report(log, year, agency)
        last_end = {kinds()[k].get("table2_row"): in_force(log, k, date(year - 1, 12, 31))
                    for k in kinds() if kinds()[k].get("table2_row")}
        from gongkai.register.table3 import compute

        table3 = compute(log.db, year, agency)
    return report, last_end, table3


def scaffold_from_log(agency: str, year: int, version: str, prefill: Prefill | None, body_type: str | None,
                      url: str | None) -> tuple[str, list[str], list[str]]:
    """The YAML source text, what was taken from the registers, and the warnings for the user,
    one sentence each: a figure last year's report printed otherwise, rows left blank and why."""
    if version != VERSION:
        raise GongkaiError(f"主动公开台账按 {VERSION} 年版格式计算表二，不能生成 {version} 年版格式的源文件；请去掉 --format {version}")
    prefill = prefill or Prefill()
    report, last_end, table3 = log_report(url, year, agency)
    messages: list[str] = []
    warnings: list[str] = []
    for cell, value in report.iter_cells():
        note = LOG_NOTE if value is not None else BLANK_NOTE
        if cell.endswith(".in_force") and value is not None:   # a blank one has no sum to explain
            row = cell[len("table2."):-len(".in_force")]
            printed = prefill.values.get(cell)
            start = last_end.get(row)
            note += f"；上年末 {start} 件 + 本年制发 − 本年废止"
            if printed is not None and printed != start:
                note += f"；上年报告印的是 {format_value(printed)} 件，与台账不一致，请核实"
                warnings.append(f"{cell_label(cell, version)}：上年报告印的是 {format_value(printed)}，台账上年末 {start}")
        prefill.values[cell] = value
        prefill.comments[cell] = note
    counted = {cell: value for cell, value in table3.iter_cells() if value is not None}
    differs = {}   # 上年结转 where last year's report printed another 结转下年度继续办理
    for cell, was, now in carry_mismatches(prefill.values, table3):
        differs[cell] = f"{REGISTER_NOTE}；上年报告的结转下年度继续办理印的是 {format_value(was)} 件，与台账不一致，请核实"
        warnings.append(f"{cell_label(cell, version)}：上年报告印的结转下年度继续办理是 {format_value(was)}，台账为 {now}"
                        "（上年的申请在报告之后有更正、作废或补录？可用 gongkai register table3 --cell 核对）")
    for cell, value in counted.items():   # a row the register cannot count keeps last year's or stays blank
        prefill.values[cell] = value
        prefill.comments[cell] = differs.get(cell, REGISTER_NOTE)
    if counted:
        messages.append(f"表三由依申请公开台账计算（截至{year}年12月31日）")
    warnings.extend(table3.notes[1:])
    warnings.extend(report.notes[1:])
    draft = skeleton(agency, year, version, prefill)
    first = next(s for s in draft.sections if s.no == FORMAT.sections[0].no)
    first.text = f"{report.sections[0].text}\n\n{first.text}"
    if said := statement(table3):   # 三 opens with table 3's figures in words
        third = next(s for s in draft.sections if s.no == 3)
        third.text = f"{said}\n\n{third.text}"
    with Register(url or current().db) as reg:
        fees = fee_statement(reg, year)
    if fees:   # 六 says the 信息处理费 collected, from the register's fee notices and payments
        sixth = next(s for s in draft.sections if s.no == 6)
        sixth.text = f"{fees}\n\n{sixth.text}"
    header = [f"# 表二和第一部分的公开统计取自主动公开台账（{year}年）"]
    if counted:
        header.append(f"# 表三取自依申请公开台账（截至{year}年12月31日）"
                      + ("" if len(counted) == len(list(table3.iter_cells())) else "，台账不能计算的行留空"))
    if prefill.source_name:
        header.append(f"# 上年结转和上年问题取自：{prefill.source_name}")
    return write_source(draft, body_type, prefill.comments, header), messages, warnings
