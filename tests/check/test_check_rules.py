"""Each rule fires on a report broken in exactly its way and stays silent on a sound one."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.check import check_report, has_errors, rules
from gongkai.model import CellInfo, ExtraRow, LabelUse, Where
from tests.check.narrative_texts import crawler

APPLICANTS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org"]


def only(findings, rule):
    return [f for f in findings if f.rule == rule]


# -- the sound reports ------------------------------------------------------------------

@pytest.mark.parametrize("version", ["2021", "2019"])
def test_consistent_report_has_no_finding(consistent, version):
    assert check_report(consistent(version)) == []


@pytest.mark.parametrize("version", ["2021", "2019"])
def test_consistent_report_with_its_previous_year_has_no_finding(consistent, version):
    report, previous = consistent(version), consistent(version)
    previous.year -= 1
    # Last year's carried-forward column is this year's carried-over column.
    for c in APPLICANTS + ["total"]:
        previous.set_value(f"table3.carried_forward.{c}", report.value(f"table3.carried_over.{c}"))
    for row in ("rules", "normative_docs"):
        key = f"table2.art20_1.{row}"
        if version == "2021":
            previous.set_value(f"{key}.in_force", report.value(f"{key}.in_force") - report.value(f"{key}.made")
                               + report.value(f"{key}.repealed"))
    # 2019: last year's 上一年项目数量 + 本年增/减 is this year's 上一年项目数量.
    for key in (k.rsplit(".", 1)[0] for k, _ in report.iter_cells() if k.endswith(".prev_items")):
        previous.set_value(f"{key}.change", report.value(f"{key}.prev_items") - previous.value(f"{key}.prev_items"))
    for s in previous.sections:
        s.text = "去年的情况完全不同，" + "。".join(["这是上一年度的另一段文字"] * 3)
    assert check_report(report, previous) == []
    if version == "2019":  # one item fewer last year than this year's 上一年项目数量 says
        previous.table2["art20_5.licensing"]["change"] -= 1
        assert [(f.rule, f.cells) for f in check_report(report, previous)] == [
            ("ITEMS-CHAIN", ["table2.art20_5.licensing.prev_items"])]


def test_check_is_pure(consistent):
    report = consistent("2021")
    report.table3["granted"]["total"] += 1
    before = report.to_json()
    check_report(report)
    assert report.to_json() == before and report.findings == []


def test_catalogue_has_every_rule_with_a_severity_and_message():
    expected = {"T3-IDENTITY", "T3-TOTAL", "T3-ROWSUM", "T4-TOTAL", "CELL-BLANK", "CELL-AMBIGUOUS", "SECTION-MISSING",
                "SECTION-TITLE", "TABLE-MISSING", "TABLE-INCOMPLETE", "ROW-EXTRA", "LABEL-NONSTANDARD",
                "FORMAT-VERSION", "FORMAT-LAYOUT", "TEXT-TABLE", "TEXT-COMBINED", "TEXT-RECEIVED", "TEXT-CLAIM",
                "TEXT-SUM", "TEXT-PERCENT", "TEXT-YEAR", "TEXT-PLAN", "PERIOD", "DEADLINE", "FEE-STATEMENT",
                "LAST-YEAR", "CARRY-OVER", "IN-FORCE", "ITEMS-CHAIN", "COPY", "TEXT-COPIED", "TEXT-PLACEHOLDER", "OCR-SUSPECT",
                "TEXT-STATUTE", "FEE-AMOUNT"}
    assert set(rules()) == expected
    assert all(r.severity in ("error", "warning", "notice") and r.message for r in rules().values())


# -- arithmetic -------------------------------------------------------------------------

def test_t3_identity_fires_per_column(consistent):
    report = consistent("2021")
    report.table3["new_received"]["research"] += 2
    report.table3["new_received"]["total"] += 2
    found = only(check_report(report), "T3-IDENTITY")
    assert [f.cells for f in found] == [
        [f"table3.{r}.{c}" for r in ("new_received", "carried_over", "total", "carried_forward")]
        for c in ("research", "total")]
    assert all(f.severity == "error" for f in found)
    assert "相差 2" in found[0].message and "科研机构" in found[0].message
    assert found[0].where == report.cells["table3.new_received.research"].where.zh()


def test_t3_identity_silent_when_an_operand_is_blank(consistent):
    report = consistent("2021")
    report.table3["carried_over"]["research"] = None
    report.table3["new_received"]["research"] += 5
    assert only(check_report(report), "T3-IDENTITY") == []


@pytest.mark.parametrize("version,row", [("2021", "other.no_fee"), ("2019", "other")])
def test_t3_total_fires_in_both_other_layouts(consistent, version, row):
    report = consistent(version)
    report.table3[row]["commercial"] += 3
    report.table3[row]["total"] += 3
    found = only(check_report(report), "T3-TOTAL")
    assert [f.cells[0] for f in found] == ["table3.total.commercial", "table3.total.total"]
    assert f"table3.{row}.commercial" in found[0].cells
    assert "（七）总计为" in found[0].message and "相差 3" in found[0].message


def test_t3_total_single_other_row_in_2021_report_is_summed(consistent):
    """A 2021 report printing （六） as one row is still added up correctly (no T3-TOTAL)."""
    report = consistent("2021")
    merged = {c: sum(report.table3[r][c] for r in ("other.no_correction", "other.no_fee", "other.other"))
              for c in APPLICANTS + ["total"]}
    for r in ("other.no_correction", "other.no_fee", "other.other"):
        del report.table3[r]
    report.table3["other"] = merged
    assert only(check_report(report), "T3-TOTAL") == []


def test_t3_rowsum_fires(consistent):
    report = consistent("2021")
    report.table3["unable.not_held"]["total"] -= 1
    found = only(check_report(report), "T3-ROWSUM")
    assert [f.cells for f in found] == [["table3.unable.not_held.total"]
                                        + [f"table3.unable.not_held.{c}" for c in APPLICANTS]]
    assert "本机关不掌握相关政府信息" in found[0].message


def test_t3_rowsum_silent_with_blank_total(consistent):
    report = consistent("2021")
    report.table3["granted"]["total"] = None
    assert only(check_report(report), "T3-ROWSUM") == []


def test_t4_total_fires(consistent):
    report = consistent("2021")
    report.table4["litigation_after_review"]["pending"] = 4
    found = only(check_report(report), "T4-TOTAL")
    assert [f.cells[0] for f in found] == ["table4.litigation_after_review.total"]
    assert "复议后起诉" in found[0].message and "相差 4" in found[0].message


def test_t4_total_silent_with_blank(consistent):
    report = consistent("2021")
    report.table4["review"]["upheld"] = None
    assert only(check_report(report), "T4-TOTAL") == []


# -- structure --------------------------------------------------------------------------

def test_cell_blank_blank_slash_and_missing(consistent):
    report = consistent("2021")
    report.set_value("table3.partial.research", None, CellInfo("", Where(line=7, column=4)))
    report.set_value("table3.partial.social_org", None, CellInfo("/", Where(line=7, column=5)))
    del report.table3["partial"]["legal_service"]
    found = only(check_report(report), "CELL-BLANK")
    assert [(f.severity, f.cells) for f in found] == [
        ("warning", ["table3.partial.research", "table3.partial.social_org", "table3.partial.legal_service"])]
    assert "科研机构：空白" in found[0].message and "社会公益组织：填“/”" in found[0].message
    assert "法律服务机构：缺失" in found[0].message
    assert found[0].where == "第7行第4栏"
    assert not has_errors(check_report(report))  # a blank is not an arithmetic error


def test_cell_blank_one_finding_per_defect_table_row_column_or_cell(consistent):
    """A column blank in several rows, a wholly blank row, a wholly blank table: each one finding
    (its cells all listed); a lone blank cell its own; in the table's order."""
    report = consistent("2021")
    for row in ("granted", "partial"):
        report.set_value(f"table3.{row}.total", None, CellInfo("", Where(line=40, column=9)))
    report.set_value("table3.partial.research", None, CellInfo("/", Where(line=41, column=4)))
    for key, _ in list(report.iter_cells()):
        if key.startswith("table4.review."):
            report.set_value(key, None, CellInfo("", Where(line=90, column=1)))
    found = only(check_report(report), "CELL-BLANK")
    tail = "格式要求此处填写数字，没有发生的请填“0”，不要留空或填“/”。"
    assert [(f.cells, f.message) for f in found] == [
        (["table3.granted.total", "table3.partial.total"],
         f"表三“总计”列有 2 行未填数字（均空白）：“（一）予以公开”、“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”。{tail}"),
        (["table3.partial.research"],
         f"表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行有 1 个单元格未填数字（科研机构：填“/”）。{tail}"),
        ([f"table4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")],
         f"表四“行政复议”行整行未填数字（5 个单元格，均空白）。{tail}")]
    # the whole column: 整列, the rows' states told apart when they differ
    report = consistent("2021")
    rows = [r for r in report.table3 if "total" in report.table3[r]]
    for n, row in enumerate(rows):
        report.set_value(f"table3.{row}.total", None, CellInfo("/" if n == 0 else "", Where(line=n + 1, column=9)))
    [column] = only(check_report(report), "CELL-BLANK")
    assert len(column.cells) == len(rows) == 25 and column.where == "第1行第9栏"
    assert column.message.startswith("表三“总计”列整列 25 行未填数字（填“/” 1 个、空白 24 个）：“一、本年新收政府信息公开申请数量”（填“/”）、"
                                     "“二、上年结转政府信息公开申请数量”（空白）、")
    # the whole table
    report = consistent("2021")
    for key, _ in list(report.iter_cells()):
        if key.startswith("table2."):
            report.set_value(key, None, CellInfo(""))
    [table] = only(check_report(report), "CELL-BLANK")
    assert table.message == "表二整表未填数字（10 个单元格，均空白）。格式要求每一格填写数字，没有发生的请填“0”，不要留空或填“/”。"
    assert table.cells == [k for k, _ in report.iter_cells() if k.startswith("table2.")]


def test_cell_blank_silent_on_zero(consistent):
    report = consistent("2021")
    report.table3["partial"]["research"] = 0
    report.table3["partial"]["total"] = sum(report.table3["partial"][c] for c in APPLICANTS)
    assert only(check_report(report), "CELL-BLANK") == []


def test_section_missing_and_silent(consistent):
    report = consistent("2021")
    report.sections = [s for s in report.sections if s.no != 4]
    found = only(check_report(report), "SECTION-MISSING")
    assert [(f.severity, f.cells) for f in found] == [("error", [])]
    # its table 4 is still there: the heading is what is missing, said at the table's place
    assert (found[0].where, found[0].message) == ("第195行第2栏", "报告没有第四部分的标题“四、政府信息公开行政复议、行政诉讼情况”，"
                                                  "而这一部分的表四已印出。请在表四前补上这一标题（这一部分如有文字说明也请补上）。")
    report.sections = [s for s in report.sections if s.no != 6]
    assert only(check_report(report), "SECTION-MISSING")[1].message.startswith("报告缺少第六部分“其他需要报告的事项”。")
    assert only(check_report(consistent("2021")), "SECTION-MISSING") == []


def test_section_title_variant_is_a_notice(consistent):
    report = consistent("2021")
    report.sections[0].title = "总体工作情况"
    report.sections[1].title = "主动公开政府信息情况"
    found = only(check_report(report), "SECTION-TITLE")
    assert [(f.severity, f.where) for f in found] == [("notice", "第100行")]
    assert "“总体工作情况”" in found[0].message


@pytest.mark.parametrize("table", ["table2", "table3", "table4"])
def test_table_missing(consistent, table):
    report = consistent("2021")
    setattr(report, table, None)
    found = only(check_report(report), "TABLE-MISSING")
    assert len(found) == 1 and found[0].severity == "error"
    assert {"table2": "表二", "table3": "表三", "table4": "表四"}[table] in found[0].message


def test_table_missing_silent(consistent):
    assert only(check_report(consistent("2019")), "TABLE-MISSING") == []


def test_table_incomplete_fires_and_blank_is_not_repeated(consistent):
    report = consistent("2021")
    del report.table3["denied.admin_query"]
    del report.table4["litigation_direct"]
    found = check_report(report)
    inc = only(found, "TABLE-INCOMPLETE")
    assert [(f.severity, f.cells[0], len(f.cells)) for f in inc] == [
        ("error", "table3.denied.admin_query.natural_person", 7),
        ("error", "table4.litigation_direct.upheld", 5)]
    assert "“（三）不予公开—8.属于行政查询事项”" in inc[0].message
    assert only(found, "CELL-BLANK") == []
    assert only(found, "T3-TOTAL") == []  # the absent row is not summed as 0


def test_table_incomplete_silent(consistent):
    assert only(check_report(consistent("2021")), "TABLE-INCOMPLETE") == []


def test_row_extra(consistent):
    report = consistent("2019")
    report.extra_rows.append(ExtraRow("table2", "其他主动公开文件", ["3", "3", "9"], Where(line=40, column=1)))
    found = only(check_report(report), "ROW-EXTRA")
    assert [(f.severity, f.where) for f in found] == [("warning", "第40行第1栏")]
    assert "“其他主动公开文件”" in found[0].message
    assert only(check_report(consistent("2019")), "ROW-EXTRA") == []


def test_label_nonstandard(consistent):
    report = consistent("2021")
    report.labels.append(LabelUse("table3", "denied.enforcement_file", "7.属于行政执法案件", "7.属于行政执法案卷",
                                  Where(line=55, column=2)))
    found = only(check_report(report), "LABEL-NONSTANDARD")
    assert [(f.severity, f.where) for f in found] == [("warning", "第55行第2栏")]
    assert found[0].cells == [f"table3.denied.enforcement_file.{c}" for c in APPLICANTS + ["total"]]
    assert only(check_report(consistent("2021")), "LABEL-NONSTANDARD") == []


@pytest.mark.parametrize("year,version", [(2021, "2019"), (2024, "2019"), (2020, "2021"), (2019, "2021")])
def test_format_version_fires(consistent, year, version):
    report = consistent(version, year)
    found = only(check_report(report), "FORMAT-VERSION")
    assert [f.severity for f in found] == ["error"]
    assert f"这是 {year} 年度的报告" in found[0].message


@pytest.mark.parametrize("year,version", [(2019, "2019"), (2020, "2019"), (2021, "2021"), (2025, "2021")])
def test_format_version_silent(consistent, year, version):
    assert only(check_report(consistent(version, year)), "FORMAT-VERSION") == []


def test_format_layout_single_other_row_in_2021_report(seed):
    found = only(check_report(seed("004")), "FORMAT-LAYOUT")
    assert [(f.severity, f.cells[0]) for f in found] == [("warning", "table3.other.natural_person")]
    assert "印成一行" in found[0].message


def test_format_layout_split_rows_in_2019_report(consistent):
    report = consistent("2019")
    report.table3["other.no_correction"] = report.table3.pop("other")
    report.table3["other.no_fee"] = dict.fromkeys(APPLICANTS + ["total"], 0)
    report.table3["other.other"] = dict.fromkeys(APPLICANTS + ["total"], 0)
    found = check_report(report)
    assert [f.cells[0] for f in only(found, "FORMAT-LAYOUT")] == ["table3.other.no_correction.natural_person"]
    assert "分成了" in found[0].message
    assert found == only(found, "FORMAT-LAYOUT")  # the split rows are summed, nothing else is wrong


def test_format_layout_silent(consistent):
    assert only(check_report(consistent("2021")), "FORMAT-LAYOUT") == []


# -- narrative --------------------------------------------------------------------------

def test_text_table_same_scope_is_an_error_with_the_sentence(consistent):
    report = consistent("2021")
    report.sections[0].text = "2021年，我县共受理政府信息公开申请5件，均按时答复。"
    found = only(check_report(report), "TEXT-TABLE")
    assert [(f.severity, f.cells, f.quote) for f in found] == [
        ("error", ["table3.new_received.total"], "2021年，我县共受理政府信息公开申请5件，均按时答复。")]
    assert "为 5" in found[0].message and f"为 {report.value('table3.new_received.total')}" in found[0].message


def test_text_table_other_scope_is_a_notice(consistent):
    report = consistent("2021")
    report.sections[0].text = "县本级受理依申请公开事项11项。"
    found = only(check_report(report), "TEXT-TABLE")
    assert [(f.severity, f.cells) for f in found] == [("notice", ["table3.new_received.total"])]
    assert "口径" in found[0].message and "县本级" in found[0].message


def test_text_table_zero_and_review_and_litigation(consistent):
    report = consistent("2021")
    report.sections[0].text = "本年度未收到政府信息公开申请。本年发生行政诉讼3件。"
    found = check_report(report)
    assert [(f.rule, f.cells) for f in found if f.rule.startswith("TEXT-")] == [
        ("TEXT-CLAIM", ["table3.new_received.total"]),
        ("TEXT-TABLE", ["table4.litigation_direct.total", "table4.litigation_after_review.total"])]
    received = report.value("table3.new_received.total")
    assert found[0].message == (f"正文称“未收到政府信息公开申请”，而表三“一、本年新收政府信息公开申请数量”行“总计”列为 "
                                f"{received}。请核对正文与表格，使两者一致。")


def test_text_table_outcome_groups_like_the_shanghai_2019_report(consistent):
    """§F.1: the narrative's 予以公开及部分公开 and 无法提供 disagree with the table."""
    report = consistent("2019")
    t = report.table3
    both = t["granted"]["total"] + t["partial"]["total"]
    unable = sum(t[r]["total"] for r in ("unable.not_held", "unable.needs_creation", "unable.unclear"))
    denied = sum(v["total"] for r, v in t.items() if r.startswith("denied."))
    report.sections[2].text = (f"予以公开及部分公开{both + 17}件，不予公开{denied}件，无法提供{unable + 72}件，"
                               f"予以公开{t['granted']['total']}件。")
    found = only(check_report(report), "TEXT-COMBINED")
    assert [(f.cells[0], len(f.cells)) for f in found] == [
        ("table3.granted.total", 2), ("table3.unable.not_held.total", 3)]
    assert f"为 {both + 17}" in found[0].message and f"之和为 {both}" in found[0].message


def test_text_table_in_force_only_for_2021_tables(consistent):
    report = consistent("2021")
    report.sections[1].text = "我县现行有效规范性文件27个。"
    assert [f.cells for f in only(check_report(report), "TEXT-TABLE")] == [
        ["table2.art20_1.normative_docs.in_force"]]
    report = consistent("2019")
    report.sections[1].text = "我县现行有效规范性文件27个。"
    assert only(check_report(report), "TEXT-TABLE") == []


def test_text_table_silent_when_figures_agree_or_table_blank(consistent):
    report = consistent("2021")
    assert only(check_report(report), "TEXT-TABLE") == []
    report.sections[0].text = "本年共受理政府信息公开申请5件。"
    report.table3["new_received"]["total"] = None
    assert only(check_report(report), "TEXT-TABLE") == []


def test_period_fires_on_sentence_and_title(consistent):
    report = consistent("2021")
    report.preamble = "本报告统计期限自2021年1月1日起至2021年12月30日止。"
    report.title = "某某县人民政府2020年政府信息公开工作年度报告"
    found = only(check_report(report), "PERIOD")
    assert [(f.severity, f.quote) for f in found] == [
        ("error", "某某县人民政府2020年政府信息公开工作年度报告"),
        ("warning", "本报告统计期限自2021年1月1日起至2021年12月30日止。")]
    # Said once: 统计期限 is the quote's own word ("统计期限写为“统计期限…”" read twice).
    assert found[1].message.startswith("正文写“统计期限自2021年1月1日起至2021年12月30日”，只是 2021 年的一部分。")


def test_a_period_that_is_part_of_the_year_is_a_warning_that_asks(consistent):
    """ptzhsyqlyy-2019 (a 2019 report of a department reorganised that year) counts from
    2019-09-01: an error saying "correct it to 1 January" was false for a body set up mid-year."""
    report = consistent("2019")
    report.year, report.title = 2019, "某某局2019年政府信息公开工作年度报告"
    report.preamble = "本报告中所列数据的统计期限为2019年9月1日至2019年12月31日。"
    found = only(check_report(report), "PERIOD")
    assert [(f.severity, f.message) for f in found] == [(
        "warning", "正文写“统计期限为2019年9月1日至2019年12月31日”，只是 2019 年的一部分。如本机关是年中成立或"
                   "调整的，请在报告中写明成立（调整）日期；否则统计期限应为 2019 年 1 月 1 日至 2019 年 12 月 31 日，请更正。")]
    report.preamble = "本报告中所列数据的统计期限为2018年9月1日至2019年12月31日。"  # beyond the year: an error
    assert [f.severity for f in only(check_report(report), "PERIOD")] == ["error"]


def test_period_silent_with_short_end_date(consistent):
    report = consistent("2021")
    report.preamble = "报告所列数据的统计时限为 2021 年 1 月 1 日至 12 月 31 日。"
    assert only(check_report(report), "PERIOD") == []


@pytest.mark.parametrize("agency,published,due", [
    ("某某县教育局", date(2022, 2, 1), "2022-01-31"),
    ("某某县人民政府办公室", date(2022, 2, 15), "2022-01-31"),
    ("某某县人民政府", date(2022, 4, 1), "2022-03-31"),
    ("某某镇人民政府", date(2022, 4, 1), "2022-03-31"),
])
def test_deadline_fires(consistent, agency, published, due):
    report = consistent("2021")
    report.agency, report.published = agency, published
    found = only(check_report(report), "DEADLINE")
    assert [f.severity for f in found] == ["warning"] and due in found[0].message


@pytest.mark.parametrize("agency,published", [
    ("某某县教育局", date(2022, 1, 31)), ("某某县人民政府", date(2022, 3, 31)),
    ("某某街道办事处", date(2022, 3, 1)), ("某某县教育局", None)])
def test_deadline_silent(consistent, agency, published):
    report = consistent("2021")
    report.agency, report.published = agency, published
    assert only(check_report(report), "DEADLINE") == []


@pytest.mark.parametrize("published,posted,message", [
    # no 落款: the page's 发布时间 is judged, and said to be what was judged
    (None, "2022-02-03T10:05",
     "报告没有落款日期，网页发布时间为 2022-02-03 10:05，晚于政府部门年度报告的法定发布期限 2022-01-31（《条例》第四十九条）。请按时发布。"),
    (None, "2022-01-31T23:59", None),
    # the two on either side of the deadline: both are said
    (date(2022, 2, 8), "2022-01-26T16:42",
     "落款日期为 2022-02-08，晚于政府部门年度报告的法定发布期限 2022-01-31，但网页发布时间为 2022-01-26 16:42，"
     "在期限内（《条例》第四十九条）。落款日期晚于发布时间，请核对落款日期是否有误。"),
    (date(2022, 1, 20), "2022-02-03",
     "落款日期为 2022-01-20，在政府部门年度报告的法定发布期限 2022-01-31 之前，但网页发布时间为 2022-02-03，"
     "晚于该期限（《条例》第四十九条）。请按时向社会公布。"),
    # both late, or both in time: the 落款 as before
    (date(2022, 2, 8), "2022-02-09T09:00",
     "落款日期为 2022-02-08，晚于政府部门年度报告的法定发布期限 2022-01-31（《条例》第四十九条）。请按时发布；如落款日期有误请更正。"),
    (date(2022, 1, 20), "2022-01-21T09:00", None),
])
def test_deadline_judges_the_pages_posting_time_when_a_crawler_kept_it(consistent, published, posted, message):
    """A crawler text's 发布时间 was dropped, so a report without 落款 was never judged, and one
    signed in time but posted late was not told."""
    report = consistent("2021")
    report.agency, report.published, report.source.posted = "某某县教育局", published, posted
    found = only(check_report(report), "DEADLINE")
    assert [(f.severity, f.message) for f in found] == ([("warning", message)] if message else [])


def test_fee_statement(consistent):
    report = consistent("2021")
    report.sections[5].text = "无。"
    found = only(check_report(report), "FEE-STATEMENT")
    assert [(f.severity, f.where) for f in found] == [("notice", "第600行")]
    report.sections[5].text = "本年行政事业性收费金额见表二。"  # not the 信息处理费
    assert len(only(check_report(report), "FEE-STATEMENT")) == 1
    assert only(check_report(consistent("2021")), "FEE-STATEMENT") == []
    # A 2019 or 2020 report: the fee measures (国办函〔2020〕109号) governed fees from 2021 on;
    # telling ptzhsyqgwh-2019 to state its fees under them was not true.
    for year in (2019, 2020):
        report = consistent("2019")
        report.year = year
        report.sections[5].text = "无其他需要报告的事项。"
        assert only(check_report(report), "FEE-STATEMENT") == []


def test_last_year(consistent):
    report = consistent("2021")
    report.sections[4].text = "本年存在的问题是更新不及时。下一步将加强培训。"
    assert [f.severity for f in only(check_report(report), "LAST-YEAR")] == ["notice"]
    report.sections[4].text = "2020年报告指出的问题已整改。"
    assert only(check_report(report), "LAST-YEAR") == []


def test_no_last_year_for_a_body_whose_statistics_start_mid_year():
    """平潭 旅游与文化体育局 2019 counts from 2019年9月1日 (PERIOD asks whether it was set up then):
    a body set up during the year has no last year's report whose problems section 五 could
    follow up, so LAST-YEAR is not said; from 1 January it is."""
    report = crawler("ptzhsyqlyy-2019")
    found = check_report(report)
    assert [f.rule for f in found if f.rule in ("PERIOD", "LAST-YEAR")] == ["PERIOD"]
    sentence = "本报告中所列数据的统计期限为2019年9月1日至2019年12月31日。"
    assert [s for s in report.preamble.splitlines() if sentence in s]
    report.preamble = report.preamble.replace(sentence, "本报告中所列数据的统计期限为2019年1月1日至2019年12月31日。")
    assert [f.rule for f in check_report(report) if f.rule in ("PERIOD", "LAST-YEAR")] == ["LAST-YEAR"]


# -- with last year's report ------------------------------------------------------------

def _pair(consistent, version="2021"):
    report, previous = consistent(version), consistent(version)
    previous.year -= 1
    for c in APPLICANTS + ["total"]:
        previous.set_value(f"table3.carried_forward.{c}", report.value(f"table3.carried_over.{c}"))
    for s in previous.sections:
        s.text = "去年的情况完全不同，" + "。".join(["这是上一年度的另一段文字"] * 3)
    for row in ("rules", "normative_docs"):
        key = f"table2.art20_1.{row}"
        previous.set_value(f"{key}.in_force", report.value(f"{key}.in_force") - report.value(f"{key}.made")
                           + report.value(f"{key}.repealed"))
    return report, previous


def test_carry_over(consistent):
    report, previous = _pair(consistent)
    previous.table3["carried_forward"]["natural_person"] = 9
    found = only(check_report(report, previous), "CARRY-OVER")
    assert [(f.severity, f.cells) for f in found] == [("warning", ["table3.carried_over.natural_person"])]
    assert "上年报告“四、结转下年度继续办理”为 9" in found[0].message
    assert only(check_report(report), "CARRY-OVER") == []
    # Another body's report given as last year's (hongze-2024 --previous huaian-city-2024): the
    # command said the comparison did not apply, and then listed CARRY-OVER and IN-FORCE findings
    # made with the other body's figures.
    report.agency, previous.agency = "吴忠市同心县教育局", "吴忠市同心县人民政府"
    assert [f.rule for f in check_report(report, previous) if f.rule in ("CARRY-OVER", "IN-FORCE", "COPY")] == []


def test_in_force(consistent):
    report, previous = _pair(consistent)
    previous.table2["art20_1.rules"]["in_force"] += 4
    found = only(check_report(report, previous), "IN-FORCE")
    assert [(f.severity, f.cells[0]) for f in found] == [("notice", "table2.art20_1.rules.in_force")]
    report, previous = _pair(consistent)
    assert only(check_report(report, previous), "IN-FORCE") == []


def test_copy_reports_similarity_and_passages(consistent):
    report, previous = _pair(consistent)
    body = ("一是对政务公开政策学习还不深入、重要性认识还不够，一些单位负责人对政务公开工作抓的还不紧。"
            "二是重点领域信息公开主动性、规范性还不足，公开不够及时，特别是稳岗就业、养老领域等信息公开不够全面。"
            "三是信息公开技术力薄弱，专业技术人员紧缺，各单位政务公开工作人员流动性大、培训力度还不够、业务水平还不高。"
            "下一步将认真学习条例和政务公开工作要点，扎实推进重点领域政府信息公开，丰富政策解读形式、提升政策解读精度。")
    report.sections[4].text = body + "针对上年度问题已整改。"
    previous.sections[4].text = body + "下一步继续努力。"
    found = only(check_report(report, previous), "COPY")
    assert [(f.severity, f.where) for f in found] == [("warning", "第500行")]
    assert "第五部分" in found[0].message
    assert found[0].quote.startswith("一是对政务公开政策学习还不深入")
    assert only(check_report(report, previous), "COPY")[0].quote in body + "针对上年度问题已整改。"


def test_copy_silent_on_different_text(consistent):
    report, previous = _pair(consistent)
    assert only(check_report(report, previous), "COPY") == []
    # Short boilerplate repeated every year is not a copied report.
    report.sections[5].text = "2021年，全年收取政府信息公开信息处理费0元。"
    previous.sections[5].text = "2020年，全年收取政府信息公开信息处理费0元。"
    assert only(check_report(report, previous), "COPY") == []


def test_degenerate_reports_do_not_break_the_checker(consistent):
    from gongkai.model import Report

    empty = check_report(Report())
    assert [f.rule for f in empty] == ["SECTION-MISSING"] * 6 + ["TABLE-MISSING"] * 3
    # A table with no row at all is missing, not "incomplete" row by row.
    bare = Report(year=2021, format="2021", table2={}, table3={}, table4={})
    assert [f.rule for f in check_report(bare) if f.rule.startswith("TABLE")] == ["TABLE-MISSING"] * 3
    assert [f.rule for f in check_report(consistent("2021"), Report())] == []


def test_placeholder_text_is_an_error_and_blocks_building(consistent):
    from gongkai.check import blocking, why_blocked

    report = consistent("2021")
    report.preamble = "本报告依据《条例》编制。\n【待办】补充引言"
    report.section(5).text += "\n\n【待办】请在此用 Markdown 填写本部分内容，写完后删除本行。"
    found = [f for f in check_report(report) if f.rule == "TEXT-PLACEHOLDER"]
    assert [(f.severity, f.message, f.quote) for f in found] == [
        ("error", "引言仍有编制提示文字“【待办】”，说明这部分还没有写完。请按实际情况填写并删除提示文字后再生成正式报告。",
         "【待办】补充引言"),
        ("error", "第五部分“存在的主要问题及改进情况”仍有编制提示文字“【待办】”，说明这部分还没有写完。"
                  "请按实际情况填写并删除提示文字后再生成正式报告。",
         "【待办】请在此用 Markdown 填写本部分内容，写完后删除本行。")]
    assert why_blocked(report, check_report(report)) == \
        "引言、第五部分“存在的主要问题及改进情况”仍有【待办】提示文字"
    # a blank cell is a warning (published reports have them) that still blocks building
    report = consistent("2021")
    report.set_value("table4.review.upheld", None)
    found = check_report(report)
    assert [f.rule for f in blocking(found)] == ["CELL-BLANK"] and not has_errors(found)
    assert why_blocked(report, found) == "表四有 1 个单元格空白（没有发生的请填 0）"
    assert why_blocked(consistent("2021"), []) == ""


def test_messages_have_no_stray_spaces_from_yaml_folding():
    for rule in rules().values():
        for text in (rule.message, rule.extra.get("scope_message", "")):
            assert "， " not in text and "。 " not in text, rule.id


def test_format_layout_names_the_rows_without_spaces_inside_the_sentence(seed):
    """Seed 004 prints （六）其他处理 as one row in a 2021 report: the row names were set off by
    spaces ("分为 “1.…” 三行"), which Chinese text does not use."""
    [found] = only(check_report(seed("004")), "FORMAT-LAYOUT")
    assert found.message == (
        "表三把“（六）其他处理”印成一行，而 2021 年版格式将其分为“1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请”、"
        "“2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请”、“3.其他”三行。请按 2021 年版格式的行结构填报。")
