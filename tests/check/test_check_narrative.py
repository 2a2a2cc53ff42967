"""The narrative rules on real report text and on variants derived from it: exact findings.

Real texts: the seeds, the shipped PDFs and the crawler renderings of 平潭 reports
(examples/crawler-text/), read with their tables.  Each variant changes one thing in a real
sentence or table and says what a careful reader must then find.
"""

from __future__ import annotations

import pytest

from gongkai.check import check_report
from gongkai.model import Report, Section
from tests.check.narrative_texts import CRAWLER, crawler, example, put, zero_tables

TEXT_RULES = ("TEXT-TABLE", "TEXT-COMBINED", "TEXT-RECEIVED", "TEXT-CLAIM", "TEXT-SUM", "TEXT-PERCENT",
              "TEXT-YEAR", "TEXT-PLAN", "TEXT-COPIED")


def text_findings(report: Report, previous: Report | None = None) -> list:
    return [f for f in check_report(report, previous) if f.rule in TEXT_RULES]


def brief(findings) -> list[tuple]:
    return [(f.rule, f.severity, f.cells) for f in findings]


def replace(report: Report, section: int, old: str, new: str) -> Report:
    s = report.section(section)
    assert old in s.text
    s.text = s.text.replace(old, new)
    return report


# -- the consistent reports raise no narrative error ------------------------------------------

@pytest.mark.parametrize("name", ["001_*", "002_*", "004_*", "hongze-district-2023.pdf", "hongze-district-2024.pdf",
                                  "huaian-city-2024.pdf"])
def test_real_reports_whose_text_agrees_raise_no_narrative_error(name):
    assert [f for f in text_findings(example(name)) if f.severity == "error"] == []


@pytest.mark.parametrize("name", [n for n in CRAWLER if n != "ptzhsyqnyn-2024"])
def test_crawler_texts_raise_no_narrative_finding(name):
    """Nine of the ten 平潭 texts agree with their tables and with themselves: every breakdown
    adds up, every share matches (checked by hand, and again sentence by sentence in the walk of
    docs/narrative.md)."""
    assert text_findings(crawler(name)) == []


def test_who_asked_against_the_applicant_columns():
    """农业农村局 2024: "共收到政府信息公开申请3份，其中法人申请1件、自然人申请2件", while its table 3
    prints the 3 new requests all under 自然人 (3000000: the 总计 digit is 0, which the table
    rules report; the text's 3 is the rows' sum and raises nothing)."""
    found = text_findings(crawler("ptzhsyqnyn-2024"))
    quote = "2024年，我局共收到政府信息公开申请3份，其中法人申请1件、自然人申请2件，均依法予以办结。"
    assert [(f.rule, f.severity, f.cells, f.quote) for f in found] == [
        ("TEXT-TABLE", "error", [f"table3.new_received.{c}" for c in
                                 ("commercial", "research", "social_org", "legal_service", "other_org")], quote),
        ("TEXT-TABLE", "error", ["table3.new_received.natural_person"], quote)]
    assert [f.message for f in found] == [
        "正文称本年收到的法人或其他组织的政府信息公开申请为 1 件，而表三“一、本年新收政府信息公开申请数量”行“商业企业”、"
        "“科研机构”、“社会公益组织”、“法律服务机构”、“其他”列之和为 0。请核对正文与表格，使两者一致。",
        "正文称本年收到的自然人的政府信息公开申请为 2 件，而表三“一、本年新收政府信息公开申请数量”行“自然人”列为 3。"
        "请核对正文与表格，使两者一致。"]
    report = put(crawler("ptzhsyqnyn-2024"), {"table3.new_received.natural_person": 2,
                                               "table3.new_received.commercial": 1})
    assert text_findings(report) == []  # the table as the text tells it
    # an outcome of one applicant type's requests counts another row: nothing compared
    for outcome in ("办结自然人申请2件、法人申请1件", "予以公开自然人申请2件", "答复了自然人提出的申请2件",
                    "其中行政复议自然人申请2件"):
        report = replace(crawler("ptzhsyqnyn-2024"), 1, "其中法人申请1件、自然人申请2件", outcome)
        assert text_findings(report) == []
    report = replace(crawler("ptzhsyqnyn-2024"), 1, "其中法人申请1件、自然人申请2件", "其中来自自然人的申请2件")
    assert brief(text_findings(report)) == [("TEXT-TABLE", "error", ["table3.new_received.natural_person"])]


def test_the_huaian_report_agrees_with_its_tables_everywhere():
    """3119 received, 3050 answered (34 carried over, 103 carried forward), 351 reviews and 46
    lawsuits with their results: all as table 3 and table 4 print them."""
    assert text_findings(example("huaian-city-2024.pdf")) == []


# -- TEXT-TABLE and scopes -----------------------------------------------------------------------

def test_text_table_on_seed_003_and_the_scope_notice_on_hongze():
    """同心县: "全县共受理依申请公开事项 14 件，县本级受理依申请公开事项 11 项" states the table's 14
    itself; its 县本级 part asks nothing.  Without the county's figure, the 11 is a question."""
    assert brief(text_findings(example("003_*"))) == [
        ("TEXT-TABLE", "warning", ["table2.art20_1.normative_docs.in_force"])]
    # a part larger than the whole the sentence gives is asked about
    report = replace(example("003_*"), 1, "县本级受理依申请公开事项 11 项", "县本级受理依申请公开事项 20 项")
    assert [(f.rule, f.severity, f.cells) for f in text_findings(report)][1:] == [
        ("TEXT-TABLE", "notice", ["table3.new_received.total"])]
    report = replace(example("003_*"), 1, "全县共受理依申请公开事项 14 件，", "")
    assert [(f.rule, f.severity, f.message) for f in text_findings(report)][1:] == [
        ("TEXT-TABLE", "notice", "正文按“县本级”口径称本年收到的政府信息公开申请为 11 项，而表三“一、本年新收政府信息公开"
                                 "申请数量”行“总计”列为 14。两者统计口径可能不同，请确认表格的统计口径并在正文中说明。")]
    [found] = text_findings(example("hongze-district-2024.pdf"))
    assert found.message == ("正文按“代表区政府”口径称本年收到的政府信息公开申请为 17 件，而表三“一、本年新收政府信息公开申请数量”"
                             "行“总计”列为 95。两者统计口径可能不同，请确认表格的统计口径并在正文中说明。")
    assert found.quote == "2024年，区政府办代表区政府受理政府信息公开申请17件，均已在法定期限内予以答复。"


def test_a_lawsuit_figure_against_table_four():
    report = replace(example("huaian-city-2024.pdf"), 1, "政府信息公开行政诉讼46件", "政府信息公开行政诉讼48件")
    [found] = text_findings(report)
    assert (found.rule, found.severity, found.cells) == (
        "TEXT-TABLE", "error", ["table4.litigation_direct.total", "table4.litigation_after_review.total"])
    assert found.message == ("正文称行政诉讼案件为 48 件，而表四“行政诉讼—未经复议直接起诉—总计”与表四“行政诉讼—复议后起诉—总计”之和为 46。"
                             "请核对正文与表格，使两者一致。")


def test_a_part_of_the_reviews_against_its_column():
    report = replace(example("huaian-city-2024.pdf"), 1, "结果纠正64件", "结果纠正46件")
    found = text_findings(report)
    assert brief(found) == [("TEXT-TABLE", "error", ["table4.review.corrected"])]
    assert found[0].message.startswith("正文称行政复议案件中结果纠正的为 46 件，而表四“行政复议—结果纠正”为 64。")


def test_normative_documents_made_and_repealed_are_loose():
    """平潭 行政审批局 2024: "废止规范性文件6件，制定规范性文件15件"; its table 2 prints 15621, which
    the crawler reader leaves ambiguous (null); read as 15 | 6 | 21 the text agrees."""
    report = crawler("ptzhsyqhzs-2024")
    assert report.value("table2.art20_1.normative_docs.made") is None and text_findings(report) == []
    put(report, {"table2.art20_1.normative_docs.made": 15, "table2.art20_1.normative_docs.repealed": 6,
                 "table2.art20_1.normative_docs.in_force": 21})
    assert text_findings(report) == []
    report.table2["art20_1.normative_docs"]["made"] = 12
    [found] = text_findings(report)
    assert (found.rule, found.severity, found.cells) == ("TEXT-TABLE", "warning", ["table2.art20_1.normative_docs.made"])
    assert found.message == ("正文称本年制发的行政规范性文件为 15 件，而表二“行政规范性文件”行“本年制发件数”列为 12。"
                             "正文所说的文件范围可能与表格不同（如包括代拟、清理的文件），请确认；如为同一口径，请使两者一致。")


def test_the_text_points_to_a_cut_of_digits_run_together_without_filling_it():
    """平潭 行政审批局 2024 prints 行政规范性文件 15621 (six cuts); its text says 制定15件、废止6件,
    which only 15|6|21 agrees with.  The finding says so, as a hint; the cells stay null (the
    text may count another scope: normative_made is loose)."""
    report = crawler("ptzhsyqhzs-2024")
    [found] = [f for f in check_report(report) if f.rule == "CELL-AMBIGUOUS"]
    assert found.message.endswith("原件，确认这些单元格的数字。正文所述“我局废止规范性文件6件”、“制定规范性文件15件”"
                                  "只与 15|6|21 相符，可据此核对原件（未据正文填写）。")
    assert report.table2["art20_1.normative_docs"] == {"made": None, "repealed": None, "in_force": None}
    # A text figure no cut agrees with says nothing: no hint.
    replace(report, 1, "制定规范性文件15件", "制定规范性文件99件")
    [found] = [f for f in check_report(report) if f.rule == "CELL-AMBIGUOUS"]
    assert found.message.endswith("原件，确认这些单元格的数字。")


# -- TEXT-COMBINED -------------------------------------------------------------------------------

def _answered(report: Report, **rows: int) -> Report:
    """Table 3 with these outcome totals (every other row 0); received = answered."""
    zero_tables(report)
    for row, value in rows.items():
        report.set_value(f"table3.{row.replace('__', '.')}.total", value)
        report.set_value(f"table3.{row.replace('__', '.')}.natural_person", value)
    total = sum(rows.values())
    for row in ("total", "new_received"):
        report.set_value(f"table3.{row}.total", total)
        report.set_value(f"table3.{row}.natural_person", total)
    return report


def test_a_group_quoted_by_one_of_its_rows():
    """交通与建设局 2021: "“同意公开”3件,“区分处理后公开”1件，“无法提供”1件" agrees with its table
    (3 | 1 | 1 not held); with 2 more needing creation, its 无法提供 is one row's figure."""
    report = crawler("ptzhsyqjtj-2021")
    assert text_findings(report) == []
    _answered(report, granted=3, partial=1, unable__not_held=1, unable__needs_creation=2)
    found = [f for f in text_findings(report) if f.rule == "TEXT-COMBINED"]
    assert brief(found) == [("TEXT-COMBINED", "error", ["table3.unable.not_held.total", "table3.unable.needs_creation.total",
                                                         "table3.unable.unclear.total"])]
    assert found[0].message == (
        "正文称无法提供的申请为 1 件，而表三“（四）无法提供—1.本机关不掌握相关政府信息”行“总计”列与表三“（四）无法提供—"
        "2.没有现成信息需要另行制作”行“总计”列与表三“（四）无法提供—3.补正后申请内容仍不明确”行“总计”列之和为 3。"
        "正文的数字只等于其中表三“（四）无法提供—1.本机关不掌握相关政府信息”行“总计”列一行的数字。"
        "请按表中该组各行的合计数填写正文，或写明所指的是哪一行。")


def test_granted_and_partial_together():
    report = Report(year=2024, format="2021", sections=[Section(3, "收到和处理政府信息公开申请情况",
                    "本年度予以公开及部分公开60件，因本机关不掌握等原因无法提供32件。")])
    _answered(report, granted=50, partial=9, unable__not_held=31, unable__needs_creation=1)
    found = text_findings(report)
    assert brief(found) == [("TEXT-COMBINED", "error", ["table3.granted.total", "table3.partial.total"])]
    assert "之和为 59" in found[0].message
    replace(report, 3, "60件", "59件")
    assert text_findings(report) == []   # 因本机关不掌握等原因无法提供32件: the group, 31 + 1


# -- TEXT-RECEIVED -------------------------------------------------------------------------------

def test_received_counted_with_the_carried_over():
    report = replace(example("huaian-city-2024.pdf"), 1, "全市共受理政府信息公开申请3119件", "全市共受理政府信息公开申请3153件")
    [found] = text_findings(report)
    assert (found.rule, found.severity, found.cells) == (
        "TEXT-RECEIVED", "warning", ["table3.new_received.total", "table3.carried_over.total"])
    assert found.message == (
        "正文称本年收到的政府信息公开申请为 3153 件，而表三“一、本年新收政府信息公开申请数量”行“总计”列为 3119；"
        "正文的数字等于表三“一、本年新收”与“二、上年结转”之和（3153）。“收到”通常只计本年新收的申请；"
        "如正文有意包括上年结转的申请，请写明“含上年结转N件”。")


def test_received_with_the_carried_over_said_so():
    report = replace(example("huaian-city-2024.pdf"), 1, "全市共受理政府信息公开申请3119件", "全市共受理政府信息公开申请3153件（含上年结转34件）")
    assert text_findings(report) == []


def test_answered_counted_as_received():
    report = replace(example("huaian-city-2024.pdf"), 1, "答复3050件", "答复3119件")
    [found] = text_findings(report)
    assert (found.rule, found.cells) == ("TEXT-RECEIVED", ["table3.total.total", "table3.new_received.total"])
    assert "正文的数字等于表三“一、本年新收政府信息公开申请数量”（3119）" in found.message


# -- TEXT-CLAIM ----------------------------------------------------------------------------------

def test_all_upheld_claim_against_corrected_and_pending_cases():
    """平潭 行政审批局 2024: "因依申请公开引发行政复议1起，结果为维持" — its table 4 prints 1 upheld
    (and 0 in 总计, which T4-TOTAL reports: the text's 1 is the row's parts)."""
    report = crawler("ptzhsyqhzs-2024")
    assert report.table4["review"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 0}
    assert text_findings(report) == []
    put(report, {"table4.review.total": 1})
    assert text_findings(report) == []
    put(report, {"table4.review.upheld": 0, "table4.review.corrected": 1})
    found = text_findings(report)
    assert brief(found) == [("TEXT-CLAIM", "error", ["table4.review.corrected"])]
    assert found[0].message == "正文称“结果为维持”，而表四有被纠正的案件：表四“行政复议—结果纠正”为 1。请更正正文的说法。"
    put(report, {"table4.review.corrected": 0, "table4.review.pending": 1})
    assert brief(text_findings(report)) == [("TEXT-CLAIM", "warning", ["table4.review.pending"])]


def test_no_correction_claim():
    report = replace(example("huaian-city-2024.pdf"), 1, "政府信息公开行政诉讼46件，", "政府信息公开行政诉讼46件，无被纠错情况，")
    found = text_findings(report)
    assert brief(found) == [("TEXT-CLAIM", "error", ["table4.review.corrected", "table4.litigation_direct.corrected",
                                                       "table4.litigation_after_review.corrected"])]


def test_no_review_or_lawsuit_claim_against_table_four():
    """平潭 农业农村局 2024: "未发生因依申请公开印发的行政复议和行政诉讼" — true of its zero table 4."""
    report = crawler("ptzhsyqnyn-2024")
    assert [f for f in text_findings(report) if f.rule == "TEXT-CLAIM"] == []
    put(report, {"table4.litigation_direct.total": 1, "table4.litigation_direct.pending": 1})
    found = [f for f in text_findings(report) if f.rule == "TEXT-CLAIM"]
    assert brief(found) == [("TEXT-CLAIM", "error", ["table4.litigation_direct.total",
                                                       "table4.litigation_after_review.total"])]
    assert found[0].message.startswith("正文称“未发生因依申请公开印发的行政复议和行政诉讼”，而表四“行政诉讼—未经复议直接起诉—总计”")


def test_no_request_claim_on_seed_000_against_a_table_with_requests(seed):
    report = seed("000")
    zero_tables(report)
    assert text_findings(report) == [f for f in text_findings(report) if f.rule == "TEXT-SUM"]
    put(report, {"table3.new_received.natural_person": 2, "table3.new_received.total": 2})
    found = [f for f in text_findings(report) if f.rule == "TEXT-CLAIM"]
    assert found[0].quote == "根据《宁夏回族自治区政府信息公开申请办理规范》，2021 年度我镇未收到群众主动要求公开政府信息的申请。"
    assert found[0].message == ("正文称“未收到群众主动要求公开政府信息的申请”，而表三“一、本年新收政府信息公开申请数量”行“总计”列为 2。"
                                "请核对正文与表格，使两者一致。")


# -- TEXT-SUM ------------------------------------------------------------------------------------

def test_breakdowns_that_exceed_their_whole_in_the_seeds(seed):
    [found] = [f for f in text_findings(seed("000")) if f.rule == "TEXT-SUM"]
    assert found.where == "第一部分（第7行起）"  # the sentence's section, from its heading's line
    assert found.message == ("正文称“在区政府门户网站发布信息共 369 条”，其后所列分项 6+308+15+36+1+4+2 = 372 条，"
                             "多于总数 369 条。请核对总数与各分项（如各分项有交叉重叠，请在正文中说明）。")
    [found] = [f for f in text_findings(seed("001")) if f.rule == "TEXT-SUM"]
    assert found.message == ("正文称“公开发放各类救助救济资金共计 1619 人 504.8 万元”，其后所列分项 410+77.38+30.9+53.65 = "
                             "571.93 万元，多于总数 504.8 万元。请核对总数与各分项（如各分项有交叉重叠，请在正文中说明）。")


def test_a_complete_list_that_falls_short():
    report = replace(crawler("ptzhsyqlyy-2019"), 1, "主动公开政府信息514条", "主动公开政府信息524条")
    [found] = text_findings(report)
    assert found.quote == ("今年我局共制作政务信息514条，主动公开政府信息524条，未收到信息公开申请。\n其中机构职能类信息1条，"
                           "政策、规范性文件信息4条，行政许可类信息3条，通知类信息6条，公示类信息6条，其他应主动公开政府信息494条。")
    assert found.where.startswith("第一部分")
    assert found.message == ("正文称“主动公开政府信息524条”，其后所列分项 1+4+3+6+6+494 = 514 条，少于总数 524 条"
                             "（所列分项含“其他”一类，应为全部）。请核对总数与各分项（如各分项有交叉重叠，请在正文中说明）。")


def test_a_partial_list_or_overlapping_attributes_are_not_sums():
    """新庄集乡 2024 lists some columns of its 729 items (129); 交通与建设局 2021 lists attributes
    of its 89 items that overlap (275): neither is a breakdown that must add up."""
    assert [f for f in text_findings(example("004_*")) if f.rule == "TEXT-SUM"] == []
    assert text_findings(crawler("ptzhsyqjtj-2021")) == []


def test_outcomes_of_the_answered_requests():
    report = Report(year=2024, format="2021", sections=[Section(3, "收到和处理政府信息公开申请情况",
                    "办结的申请中，予以公开50件、部分公开9件、无法提供32件、不予处理3件。")])
    _answered(report, granted=50, partial=9, unable__not_held=31, unable__needs_creation=1, not_processed__repeat=3)
    assert text_findings(report) == []
    report.table3["total"]["total"] = 96
    found = text_findings(report)
    assert brief(found) == [("TEXT-SUM", "warning", ["table3.total.total"])]
    assert found[0].message == ("正文列出的办理结果 50+9+32+3 = 94 件，而表三“（七）总计”（本年办结的申请）为 96。"
                                "请核对正文所列的办理结果。")


def test_late_or_extended_answers_are_a_part_not_the_answered_total():
    """Found in the town clerk's January walk: section 五 of a report built from the register said
    "全年逾期答复3件" and the checker read the 3 as the year's answered requests (表三（七）总计 46),
    an error that blocked `gongkai build`.  An answer qualified as late, extended or on time counts
    a part of the answered requests; the unqualified total is still compared."""
    def report(text: str) -> Report:
        return _answered(Report(year=2026, format="2021", sections=[Section(5, "存在的主要问题及改进情况", text)]),
                         granted=40, partial=6)
    for text in ("一是个别申请办理超过法定期限，全年逾期答复3件；二是答复文书不够规范。",
                 "本年超期答复申请2件，延期答复5件。", "按时答复43件，逾期答复3件。",
                 # also read as the answered total before: a late answer in other words, and the
                 # requests not yet answered (the very opposite)
                 "本年新收申请46件，其中超过法定期限答复3件。", "本年新收申请46件，其中超出答复期限办结3件。",
                 "另有申请尚未办结3件。", "本年新收申请46件，未答复3件。"):
        assert text_findings(report(text)) == [], text
    [found] = text_findings(report("一是个别申请办理超过法定期限，全年答复3件。"))
    assert (found.rule, found.severity, found.cells) == ("TEXT-TABLE", "error", ["table3.total.total"])


# -- TEXT-PERCENT --------------------------------------------------------------------------------

def test_a_share_that_does_not_match():
    report = replace(crawler("ptzhsyqjtj-2021"), 1, "占比78.9%", "占比87.9%")
    [found] = text_findings(report)
    assert (found.rule, found.severity) == ("TEXT-PERCENT", "warning")
    assert found.message == ("正文称“占比87.9%”，而“实现‘一趟不用跑’的有45项”与“其中行政许可57项”之比为 78.9%。"
                             "请核对百分比或所依据的数字。")


def test_shares_of_siblings_are_not_taken_for_shares_of_each_other():
    """Derived from 交通与建设局 2021: two outcomes with their shares of a whole stated the sentence
    before; the second is no share of the first."""
    report = Report(year=2021, format="2021", sections=[Section(1, "总体情况",
                    "全年我局共收到政府信息公开申请25件。予以公开10件，占40%；部分公开5件，占20%。")])
    assert [f for f in text_findings(report) if f.rule == "TEXT-PERCENT"] == []
    report.sections[0].text = "全年我局共收到政府信息公开申请25件，其中予以公开10件，占40%；部分公开5件，占25%。"
    [found] = [f for f in text_findings(report) if f.rule == "TEXT-PERCENT"]
    assert found.message == ("正文称“占25%”，而“部分公开5件”与“全年我局共收到政府信息公开申请25件”之比为 20%。"
                             "请核对百分比或所依据的数字。")


def test_a_rate_that_does_not_match():
    report = replace(crawler("ptzhsyqjtj-2021"), 1, "办理率97.8%", "办理率98.8%")
    [found] = text_findings(report)
    assert "“已办理2520件”与“我局通过关联12345平台受理群众政策解答、维权服务等方面的诉求累计受理2576件”之比为 97.8%" in found.message


# -- TEXT-YEAR, TEXT-PLAN ------------------------------------------------------------------------

def test_last_years_figures_stated_as_this_years():
    """hongze 2024's section 一 kept in a 2025 report: its 2024 figures are last year's."""
    report = example("hongze-district-2024.pdf")
    report.year = 2025
    found = [f for f in text_findings(report) if f.rule == "TEXT-YEAR"]
    assert [f.quote for f in found] == [
        "2024年，我区在政府网站平台主动发布各类政府信息2428条，公开政府常务会议7期，解读信息发布7条。",
        "2024年，区政府办代表区政府受理政府信息公开申请17件，均已在法定期限内予以答复。"]
    assert found[0].message == ("这是 2025 年度的报告，而这句正文写的是 2024 年的数字（我区在政府网站平台主动发布各类政府信息2428条、"
                                "解读信息发布7条）。如是照抄上年报告，请改为 2025 年的数字；如是与上年比较，请写明比较。")
    # A comparison with last year is no stale figure.
    replace(report, 1, "2024年，我区在政府网站平台主动发布各类政府信息2428条", "与2024年相比，我区在政府网站平台主动发布各类政府信息2428条")
    assert len([f for f in text_findings(report) if f.rule == "TEXT-YEAR"]) == 1


def test_improvements_promised_for_the_year_reported_on():
    report = example("hongze-district-2024.pdf")
    assert [f for f in text_findings(report) if f.rule == "TEXT-PLAN"] == []
    replace(report, 5, "2025年我们将切实抓好以下工作", "2024年我们将切实抓好以下工作")
    [found] = [f for f in text_findings(report) if f.rule == "TEXT-PLAN"]
    assert found.where == "第五部分（第4页 第2行起）"
    assert found.message == ("这是 2024 年度的报告，而正文写“2024年我们将切实”，是对已经过去的 2024 年的打算，"
                             "可能照抄了上年报告。请改为 2025 年的改进措施。")



def test_a_plan_quoted_from_last_years_report_in_a_new_draft_is_no_stale_plan(tmp_path):
    """gongkai new quotes last year's 五 as a Markdown quotation for the clerk to answer; its
    "2025年我们将切实抓好" was taken as the 2025 report's own plan (TEXT-PLAN: 可能照抄了上年报告)."""
    from gongkai.cli import main
    from gongkai.load import load
    from tests.conftest import EXAMPLES

    source = tmp_path / "2025.yaml"
    assert main(["new", "--from", str(EXAMPLES / "hongze-district-2024.pdf"), "-o", str(source)]) == 0
    draft = load(source)
    assert "\n> 针对存在问题，2025年我们将切实抓好以下工作" in draft.sections[4].text
    assert [f for f in text_findings(draft) if f.rule == "TEXT-PLAN"] == []
    # the same words as the draft's own text are a stale plan
    replace(draft, 5, "> 针对存在问题，2025年我们将切实抓好", "针对存在问题，2025年我们将切实抓好")
    assert [f.rule for f in text_findings(draft) if f.rule == "TEXT-PLAN"] == ["TEXT-PLAN"]


# -- TEXT-COPIED ---------------------------------------------------------------------------------

def test_sentences_with_figures_copied_from_last_years_report():
    this, last = example("hongze-district-2024.pdf"), example("hongze-district-2023.pdf")
    assert [f for f in text_findings(this, last) if f.rule == "TEXT-COPIED"] == []
    replace(this, 1, "2024年，我区在政府网站平台主动发布各类政府信息2428条，公开政府常务会议7期，解读信息发布7条。",
            "2024年，我区在政府网站平台主动公开政府信息1136条。")
    [found] = [f for f in text_findings(this, last) if f.rule == "TEXT-COPIED"]
    assert found.quote == "2024年，我区在政府网站平台主动公开政府信息1136条。"
    assert found.message == ("这句正文与 2023 年度报告中的一句只改了年份，其中的数字（我区在政府网站平台主动公开政府信息1136条）"
                             "也相同。请确认这些是 2024 年度的数字，而不是照抄 2023 年度报告。")


# -- phrasings a consistent report uses raise nothing -----------------------------------------

def test_the_usual_phrasings_of_a_consistent_report_raise_nothing(consistent):
    """Sentences as reports write them, with the figures of a consistent table: breakdowns by
    applicant and by outcome, carried over and forward, reviews with their results, shares,
    growth and satisfaction rates, dates, phone and document numbers, comparisons with last
    year, fees.  None may raise a narrative finding."""
    report = consistent("2021")
    t, t4 = report.table3, report.table4
    total = lambda prefix: sum(v["total"] for r, v in t.items() if r.startswith(prefix))  # noqa: E731
    received, answered = t["new_received"]["total"], t["total"]["total"]
    natural = t["new_received"]["natural_person"]
    share = round(t["granted"]["total"] * 100 / answered, 1)
    report.sections[0].text = "\n".join([
        f"2021年，本机关共收到政府信息公开申请{received}件，其中自然人申请{natural}件，法人或其他组织申请{received - natural}件。",
        f"上年结转{t['carried_over']['total']}件，结转下年度继续办理{t['carried_forward']['total']}件，较上年增加3件，同比增长12.5%。",
        f"全年办结政府信息公开申请{answered}件，其中予以公开{t['granted']['total']}件，占{share}%，部分公开{t['partial']['total']}件，"
        f"不予公开{total('denied.')}件，无法提供{total('unable.')}件，不予处理{total('not_processed.')}件，其他处理{total('other.')}件。",
        f"因政府信息公开引起行政复议{t4['review']['total']}件，其中结果维持{t4['review']['upheld']}件，"
        f"其他结果{t4['review']['other']}件。",
        f"行政诉讼{t4['litigation_direct']['total'] + t4['litigation_after_review']['total']}件。",
        "群众满意度达98.5%，办结率100%。",
        "组织开展政务公开培训2期，培训120人次；召开新闻发布会5场，发布政策解读文章18篇。",
        "与2020年相比，主动公开信息增加了200条。2020年度报告指出的问题已全部整改。",
        "2021年3月15日，依据《关于印发2021年政务公开工作要点的通知》（某政办发〔2021〕12号）开展自查，联系电话0951-1234567。",
        "全年收取信息处理费0元。",
    ])
    assert text_findings(report) == []


# -- 表二's 行政事业性收费 is in 万元 ----------------------------------------------------------------

FEE_IN_YUAN = ("正文称行政事业性收费为 40000 元（即 4 万元），而表二“行政事业性收费”行“本年收费金额（单位：万元）”列为 "
               "40000（单位：万元）。请核对：表格是否误按元填写，或正文的金额有误。")


@pytest.mark.parametrize("amount, text, expected", [
    # the table filled in 元 (4 亿元 as printed), the text in 元: was no finding at all
    ("40000", "本年度收取行政事业性收费40000元。", [("TEXT-TABLE", "error", FEE_IN_YUAN)]),
    ("4.00", "本年度收取行政事业性收费40000元。", []),      # the same sum in 元
    ("4.00", "本年度收取行政事业性收费4.00万元。", []),
    # both figures as printed: the table's 4.00 read "列为 4"
    ("4.00", "本年度收取行政事业性收费合计5万元。", [
        ("TEXT-TABLE", "error", "正文称行政事业性收费为 5 万元，而表二“行政事业性收费”行“本年收费金额（单位：万元）”列为 4.00。"
                                "请核对正文与表格，使两者一致。")]),
    ("4.00", "本年度收取行政事业性收费合计5.50万元。", [
        ("TEXT-TABLE", "error", "正文称行政事业性收费为 5.50 万元，而表二“行政事业性收费”行“本年收费金额（单位：万元）”列为 4.00。"
                                "请核对正文与表格，使两者一致。")]),
    ("4.5", "本年度收取行政事业性收费合计4.50万元。", []),   # the same amount, printed with other decimals
    ("4.00", "全年为企业减免行政事业性收费120万元。", []),   # waived, not collected
    # 元 in the text, the table rounding its 万元: 12345 元 is 1.23 万元 to the table's two places (was an error)
    ("1.23", "本年度收取行政事业性收费12345元。", []),
    ("1", "本年度收取行政事业性收费12345元。", []),
    ("1.24", "本年度收取行政事业性收费12345元。", [
        ("TEXT-TABLE", "error", "正文称行政事业性收费为 12345 元（即 1.2345 万元），而表二“行政事业性收费”行“本年收费金额（单位：万元）”"
                                "列为 1.24（单位：万元）。请核对：表格是否误按元填写，或正文的金额有误。")]),
])
def test_admin_fees_of_the_text_against_table_2_in_wan_yuan(amount, text, expected):
    from decimal import Decimal

    report = put(example("004_*"), {"table2.art20_8.admin_fees.amount": Decimal(amount)})
    report.section(2).text = text
    assert [(f.rule, f.severity, f.message) for f in text_findings(report)] == expected
    assert all(f.cells == ["table2.art20_8.admin_fees.amount"] for f in text_findings(report))


# -- a 行政事业性收费 too large for 万元: 元 typed into the cell (FEE-AMOUNT) ---------------------------

FEE_CELL = "表二“行政事业性收费”行“本年收费金额（单位：万元）”列"
TOWN_48300 = (f"{FEE_CELL}为 48300 万元，即 4.83 亿元；乡镇（街道）一年的行政事业性收费达 1 亿元以上极不寻常。"
              "该列的单位是万元，请核对是否误按元填写（48300 元应填为 4.83）。")


@pytest.mark.parametrize("amount, text, expected", [
    # a township's 4.83 万元 of fees typed in 元: was no finding unless the text stated the fee
    ("48300", "本年度主动公开政府信息120条。", [("FEE-AMOUNT", "warning", TOWN_48300)]),
    ("48300", "本年度收取行政事业性收费48300万元。", [("FEE-AMOUNT", "warning", TOWN_48300)]),  # the text agrees
    ("48300", "本年度收取行政事业性收费48300元。", []),   # TEXT-TABLE says the mix-up (above)
    # a rough figure (TEXT-TABLE leaves it be) silenced FEE-AMOUNT too: nothing was said at all
    ("48300", "本年度收取行政事业性收费约4.8万元。", [("FEE-AMOUNT", "warning", TOWN_48300)]),
    ("9999.99", "本年度主动公开政府信息120条。", []),     # under 1 亿元: left to the supervisor
    ("4.83", "本年度主动公开政府信息120条。", []),
])
def test_a_townships_fee_of_hundreds_of_millions_is_said_to_be_yuan_in_the_wan_yuan_cell(amount, text, expected):
    from decimal import Decimal

    report = put(example("004_*"), {"table2.art20_8.admin_fees.amount": Decimal(amount)})
    assert report.agency == "吴忠市红寺堡区新庄集乡人民政府"
    report.section(2).text = text
    found = [f for f in check_report(report) if f.rule == "FEE-AMOUNT"]
    assert [(f.rule, f.severity, f.message) for f in found] == expected
    assert all(f.cells == ["table2.art20_8.admin_fees.amount"] for f in found)


def test_a_fee_amount_is_judged_by_the_level_of_the_body(consistent):
    """A county government's 48300 万元 (洪泽区's whole district printed 7545, 淮安市's city 96171.6)
    is no finding; any body's 1000 亿元 or more is."""
    from decimal import Decimal

    report = consistent("2021")
    assert report.agency == "某某县人民政府"
    report.set_value("table2.art20_8.admin_fees.amount", Decimal("48300"))
    assert check_report(report) == []
    report.set_value("table2.art20_8.admin_fees.amount", Decimal("12000000"))
    assert [(f.rule, f.severity, f.message) for f in check_report(report)] == [(
        "FEE-AMOUNT", "warning",
        f"{FEE_CELL}为 12000000 万元，即 1200 亿元；一个机关一年的行政事业性收费达 1000 亿元以上极不寻常。"
        "该列的单位是万元，请核对是否误按元填写（12000000 元应填为 1200）。")]
    report.agency = "某某县新城街道办事处"
    report.set_value("table2.art20_8.admin_fees.amount", Decimal("10000"))
    assert [f.message for f in check_report(report)] == [
        f"{FEE_CELL}为 10000 万元，即 1 亿元；乡镇（街道）一年的行政事业性收费达 1 亿元以上极不寻常。"
        "该列的单位是万元，请核对是否误按元填写（10000 元应填为 1）。"]
