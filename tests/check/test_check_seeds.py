"""The five seed reports: the complete list of findings a careful reader makes.

Written from reading each seed (examples/00N_*.txt), not from the checker's output:

000 红寺堡镇 2021 — no heading 四 (section 4 missing); table 3 prints its header only, no
    data rows (line 44–47); the one row of 15 zeros (line 50) is table 4.  Section 五 lists
    this year's problems and fixes but says nothing about last year's.  Section 六 states
    that no 信息处理费 was charged.  Period sentence and title say 2021.  Section 一: "发布信息共
    369 条，其中" lists 6+308+15+36+1+4+2 = 372 条, more than the whole.
001 柔远镇 2020 — 2019 tables as due for 2020.  The 行政复议 half of table 4 is blank (line
    88 starts with five empty cells).  Column header 社会组织 (line 57) for 社会公益组织.
    Section titles 总体工作情况 / 因政府信息公开工作被申请复议、提起行政诉讼情况 /
    政府信息公开工作存在的主要问题及改进情况 are variants.  Section 六 is just "无" (no fee
    statement); section 五 nothing on last year.  All table figures are 0 and consistent.
    Section 二: "救助救济资金共计 1619 人 504.8 万元，其中" lists 410+77.38+30.9+53.65 = 571.93
    万元, more than the whole (the 人 listed, 1576 of 1619, may be some of them only).
002 金积镇 2021 — table 3 rows （一）…（三）8 (lines 46–55) carry six numbers each, the
    总计 column is empty; everything else 0 and consistent.  "共受理政府信息公开申请0件"
    agrees with table 3.  Section 六 mentions 信息处理费.  Section 五 nothing on last year.
003 同心县 2021 — tables consistent (14 received = 12 granted + 2 not held).  Narrative: "我县
    现行有效规范性文件 27 个" (line 19) against 现行有效件数 30 in table 2 (line 44): to
    confirm — the sentence reports the county's clean-up (县司法局 over 县委、政府、乡镇、部门
    documents), and 27 + the 3 made this year is 30; a warning that asks, not an error.  "全县
    共受理…14 件" agrees, and "县本级受理…11 项" in the same sentence is the county's own part
    of it: nothing to ask.  "我县共受理14件" in 六 agrees.  Section 五 nothing on last year.
004 新庄集乡 2024 — 2021 format but （六）其他处理 printed as one row (line 66).  Label
    variants: 本年新收到… (44), 其他法律、行政法规禁止公开 (50), 行政执法案件 (55),
    现有有效件数 (24), 本年处理决定事项 (29, 32).  Section title 存在主要问题及改进情况.
    Dated 2025-01-14: in time.  Section 五 nothing on last year.
"""

from __future__ import annotations

import pytest

from gongkai.check import check_report, has_errors

A = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org"]
T4 = ["upheld", "corrected", "other", "pending", "total"]
T3_ROWS_2019 = ["new_received", "carried_over", "granted", "partial", "denied.state_secret",
                "denied.law_forbidden", "denied.security_stability", "denied.third_party",
                "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
                "denied.admin_query", "unable.not_held", "unable.needs_creation", "unable.unclear",
                "not_processed.complaint", "not_processed.repeat", "not_processed.publication",
                "not_processed.excessive", "not_processed.confirm", "other", "total", "carried_forward"]


T3_BLANK_002 = ["granted", "partial", "denied.state_secret", "denied.law_forbidden", "denied.security_stability",
                "denied.third_party", "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
                "denied.admin_query"]


def row(name, columns=A + ["total"]):
    return [f"table3.{name}.{c}" for c in columns]


EXPECTED = {
    "000": [
        ("SECTION-MISSING", "error", []),
        ("TABLE-MISSING", "error", []),
        ("TEXT-SUM", "warning", []),
        ("LAST-YEAR", "notice", []),
    ],
    "001": [  # errors, warnings, notices; within each, the report's order
        ("CELL-BLANK", "warning", [f"table4.review.{c}" for c in T4]),
        ("LABEL-NONSTANDARD", "warning", [f"table3.{r}.social_org" for r in T3_ROWS_2019]),
        ("TEXT-SUM", "warning", []),
        ("SECTION-TITLE", "notice", []),
        ("SECTION-TITLE", "notice", []),
        ("SECTION-TITLE", "notice", []),
        ("LAST-YEAR", "notice", []),  # no FEE-STATEMENT: a 2020 report (the fee measures govern 2021 on)
    ],
    "002": [  # one blank 总计 column is one finding, naming its ten rows' cells
        ("CELL-BLANK", "warning", [f"table3.{r}.total" for r in T3_BLANK_002]),
        ("LAST-YEAR", "notice", []),
    ],
    "003": [
        ("TEXT-TABLE", "warning", ["table2.art20_1.normative_docs.in_force"]),  # a clean-up's count: loose
        ("LAST-YEAR", "notice", []),  # 县本级 11: the sentence gives the county's 14 too
    ],
    "004": [
        ("LABEL-NONSTANDARD", "warning", row("new_received")),
        ("LABEL-NONSTANDARD", "warning", row("denied.law_forbidden")),
        ("LABEL-NONSTANDARD", "warning", row("denied.enforcement_file")),
        ("LABEL-NONSTANDARD", "warning", ["table2.art20_1.rules.in_force", "table2.art20_1.normative_docs.in_force"]),
        ("LABEL-NONSTANDARD", "warning", ["table2.art20_5.licensing.decisions"]),   # the header over 第（五）项
        ("LABEL-NONSTANDARD", "warning", ["table2.art20_6.penalty.decisions", "table2.art20_6.coercion.decisions"]),
        ("FORMAT-LAYOUT", "warning", row("other")),
        ("SECTION-TITLE", "notice", []),
        ("LAST-YEAR", "notice", []),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_findings_are_exactly_what_a_reader_finds(seed, name):
    found = [(f.rule, f.severity, f.cells) for f in check_report(seed(name))]
    assert found == EXPECTED[name]


def test_seed_000_messages_name_section_and_table(seed):
    found = check_report(seed("000"))
    # its table 4 (the row of 15 zeros) is there: the heading is what is missing
    assert (found[0].rule, found[0].where, found[0].message) == (
        "SECTION-MISSING", "第50行第1栏", "报告没有第四部分的标题“四、政府信息公开行政复议、行政诉讼情况”，而这一部分的表四已印出。"
                                        "请在表四前补上这一标题（这一部分如有文字说明也请补上）。")
    report = seed("000")
    report.table4 = None  # without it, the whole part is missing
    assert check_report(report)[0].message == ("报告缺少第四部分“政府信息公开行政复议、行政诉讼情况”。年度报告应包括格式规定的"
                                               "全部六个部分，请补充该部分（没有相关情况的也应列出并说明）。")
    assert "表三" in found[1].message


def test_seed_001_review_blank_points_at_line_88(seed):
    blank = next(f for f in check_report(seed("001")) if f.rule == "CELL-BLANK")
    assert blank.where == "第88行第1栏"
    assert blank.message == ("表四“行政复议”行整行未填数字（5 个单元格，均空白）。格式要求此处填写数字，"
                             "没有发生的请填“0”，不要留空或填“/”。")


def test_seed_002_blank_total_column_is_one_finding_naming_its_rows(seed):
    [blank] = [f for f in check_report(seed("002")) if f.rule == "CELL-BLANK"]
    assert (blank.where, blank.message) == ("第46行第10栏", (
        "表三“总计”列有 10 行未填数字（均空白）：“（一）予以公开”、“（二）部分公开（区分处理的，只计这一情形，"
        "不计其他情形）”、“（三）不予公开—1.属于国家秘密”、“（三）不予公开—2.其他法律行政法规禁止公开”、"
        "“（三）不予公开—3.危及‘三安全一稳定’”、“（三）不予公开—4.保护第三方合法权益”、"
        "“（三）不予公开—5.属于三类内部事务信息”、“（三）不予公开—6.属于四类过程性信息”、"
        "“（三）不予公开—7.属于行政执法案卷”、“（三）不予公开—8.属于行政查询事项”。"
        "格式要求此处填写数字，没有发生的请填“0”，不要留空或填“/”。"))
    titles = [f.message for f in check_report(seed("001")) if f.rule == "SECTION-TITLE"]
    assert ["“总体工作情况”" in titles[0], "“因政府信息公开工作被申请复议、提起行政诉讼情况”" in titles[1],
            "“政府信息公开工作存在的主要问题及改进情况”" in titles[2]] == [True, True, True]


def test_seed_003_quotes_the_sentences(seed):
    [found] = [f for f in check_report(seed("003")) if f.rule == "TEXT-TABLE"]
    assert found.quote == "我县现行有效规范性文件 27 个,废止 45 个,修改后继续实行 20 个。"
    assert found.message == ("正文称现行有效的行政规范性文件为 27 个，而表二“行政规范性文件”行“现行有效件数”列为 30。"
                             "正文所说的文件范围可能与表格不同（如包括代拟、清理的文件），请确认；如为同一口径，请使两者一致。")


def test_seed_004_labels_and_layout(seed):
    found = check_report(seed("004"))
    printed = [f.message.split("“")[1].split("”")[0] for f in found if f.rule == "LABEL-NONSTANDARD"]
    assert printed == ["一、本年新收到政府信息公开申请数量", "2.其他法律、行政法规禁止公开", "7.属于行政执法案件",
                       "现有有效件数", "本年处理决定事项", "本年处理决定事项"]
    assert [f.where for f in found if f.rule == "LABEL-NONSTANDARD"][-3:] == [
        "第24行第4栏", "第29行第2栏", "第32行第2栏"]
    # 本年处理决定数量 heads 第（五）项 and 第（六）项: the two findings read the same but for their
    # line; each now names its group, the one whose cells follow the header
    assert [f.message for f in found if f.rule == "LABEL-NONSTANDARD"][-3:] == [
        "表二第二十条第（一）项中的标签“现有有效件数”与格式规定的“现行有效件数”不一致。请按格式原文更正。",
        "表二第二十条第（五）项中的标签“本年处理决定事项”与格式规定的“本年处理决定数量”不一致。请按格式原文更正。",
        "表二第二十条第（六）项中的标签“本年处理决定事项”与格式规定的“本年处理决定数量”不一致。请按格式原文更正。"]


@pytest.mark.parametrize("name", ["001", "002", "004"])
def test_seeds_with_consistent_tables_have_no_error(seed, name):
    assert not has_errors(check_report(seed(name)))


CROSS_YEAR = {"CARRY-OVER", "IN-FORCE", "COPY"}


def test_real_consecutive_years_agree(seed):
    """洪泽区 2024 against 2023: nothing carried over either year; 行政规范性文件 in force
    5 (2023) + 3 made − 0 repealed = 8 (2024); sections 一 and 五 rewritten (about 60 %
    similar); section 六 is the same one-line fee statement, too short to count as copying."""
    this, last = seed("hongze-district-2024"), seed("hongze-district-2023")
    assert [f for f in check_report(this, last) if f.rule in CROSS_YEAR] == []
    last.table2["art20_1.normative_docs"]["in_force"] = 6
    last.table3["carried_forward"]["natural_person"] = 2
    found = [(f.rule, f.cells[0]) for f in check_report(this, last) if f.rule in CROSS_YEAR]
    assert found == [("CARRY-OVER", "table3.carried_over.natural_person"),
                     ("IN-FORCE", "table2.art20_1.normative_docs.in_force")]


def test_quotation_marks_inside_quotation_marks_are_single():
    from gongkai.format.text import nested_quotes

    assert nested_quotes("表三“（三）不予公开—3.危及“三安全一稳定””行") == "表三“（三）不予公开—3.危及‘三安全一稳定’”行"
    assert nested_quotes("“a“b“c”b”a”“d”") == "“a‘b“c”b’a”“d”"
    # marks that do not pair up (a quote cut short) are left as they are
    assert nested_quotes("正文称“实现“一趟不用跑……") == "正文称“实现“一趟不用跑……"
    assert nested_quotes("”a“") == "”a“"
    from gongkai.format.names import cell_label, cells_label

    # a cell named anywhere (the terminal's list of inferred values, exports' notes, findings)
    assert cell_label("table3.denied.security_stability.total") == "表三“（三）不予公开—3.危及‘三安全一稳定’”行“总计”列"
    assert cells_label(["table3.denied.security_stability.total", "table3.denied.security_stability.research"]) == (
        "表三“（三）不予公开—3.危及‘三安全一稳定’”行")


def test_a_shared_header_of_a_flattened_table_two_names_its_group(examples):
    """A crawler's text: the header 本年增/减量 of the 2019 format heads 第（五）项 and 第（八）项
    alike; each finding names the group whose cells follow it on the long line."""
    from gongkai.load import load

    report = load(examples / "crawler-text" / "ptzhsyqlyy-2019.txt")
    found = [f for f in check_report(report) if f.rule == "LABEL-NONSTANDARD"]
    assert [(f.where, f.message, f.cells) for f in found] == [
        ("第10行第1474字", "表二第二十条第（五）项中的标签“本年增/减量”与格式规定的“本年增/减”不一致。请按格式原文更正。",
         ["table2.art20_5.licensing.change", "table2.art20_5.other_services.change"]),
        ("第10行第1541字", "表二第二十条第（八）项中的标签“本年增/减量”与格式规定的“本年增/减”不一致。请按格式原文更正。",
         ["table2.art20_8.admin_fees.change"])]
