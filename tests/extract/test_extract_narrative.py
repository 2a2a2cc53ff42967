"""The narrative reader on real report text: every figure, its unit, what it counts, and the
breakdowns, shares and claims around it (figures worked out by reading each text)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gongkai.extract.narrative import narrative_of, read
from gongkai.load import load
from gongkai.model import Report, Section
from tests.check.narrative_texts import crawler

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _report(text: str, section: int = 1, year: int = 2024) -> Report:
    return Report(year=year, format="2021", sections=[Section(section, "", text)])


def _figures(report: Report) -> list[tuple]:
    return [(f.value, f.unit, f.counts, f.part_of) for f in read(report).figures]


@pytest.fixture(scope="module")
def huaian() -> Report:
    return load(str(EXAMPLES / "huaian-city-2024.pdf"))


def test_huaian_section_one_every_figure_and_what_it_counts(huaian):
    """淮安市 2024, section 一 (read on the rendered page): requests, answers, carried over and
    forward, reviews and lawsuits with their results, and the figures no table holds."""
    got = [(f.section, f.value, f.unit, f.counts, f.cells, f.part_of, f.approx) for f in huaian.figures]
    litigation = ["table4.litigation_direct", "table4.litigation_after_review"]
    assert got == [
        (1, 5500, "条", "proactive", [], None, True),          # 5500余条
        (1, 1, "件", "rules_made", ["table2.art20_1.rules.made"], None, False),
        (1, 11, "件", None, [], None, False),                   # 政策性文件: no table row
        (1, 21, "个", "interpretation", [], None, False),
        (1, 6, "期", "gazette", [], None, False),
        (1, 12, "场", "press_conference", [], None, False),
        (1, 3119, "件", "received", ["table3.new_received.total"], None, False),
        (1, 3050, "件", "answered", ["table3.total.total"], None, False),
        (1, 34, "件", "carried_over", ["table3.carried_over.total"], 7, False),   # （含上年度结转申请34件
        (1, 103, "件", "carried_forward", ["table3.carried_forward.total"], None, False),  # 另有：not a part
        (1, 351, "件", "review", ["table4.review.total"], None, False),
        (1, 72, "件", "review.upheld", ["table4.review.upheld"], 10, False),
        (1, 64, "件", "review.corrected", ["table4.review.corrected"], 10, False),
        (1, 178, "件", "review.other", ["table4.review.other"], 10, False),
        (1, 37, "件", "review.pending", ["table4.review.pending"], 10, False),
        (1, 46, "件", "litigation", [f"{g}.total" for g in litigation], None, False),
        (1, 25, "件", "litigation.upheld", [f"{g}.upheld" for g in litigation], 15, False),
        (1, 5, "件", "litigation.corrected", [f"{g}.corrected" for g in litigation], 15, False),
        (1, 9, "件", "litigation.other", [f"{g}.other" for g in litigation], 15, False),
        (1, 7, "件", "litigation.pending", [f"{g}.pending" for g in litigation], 15, False),
        (1, 95, "个", "new_media_accounts", [], None, False),
        (1, 100, "%", None, [], None, False),                   # 合格率: not a share of a figure
        (1, 4, "次", None, [], None, False),
        (6, 3940, "元", "processing_fee", [], None, False),
    ]
    received = huaian.figures[6]
    assert (received.scope, received.year, received.text) == ("全市", 2024, "全市共受理政府信息公开申请3119件")
    assert huaian.figures[9].text == "另有103件顺延到下年度答复"
    assert received.sentence.startswith("2024年，全市共受理政府信息公开申请3119件，答复3050件（含上年度结转申请34件")


def test_figures_travel_with_the_report_json(huaian):
    again = Report.from_json(huaian.to_json())
    assert again.figures == huaian.figures
    assert again.to_dict()["figures"][0] == {
        "section": 1, "sentence": huaian.figures[0].sentence, "value": 5500, "unit": "条",
        "text": "市政府网站主动公开各类政府信息5500余条", "counts": "proactive", "cells": [], "approx": True,
        "year": 2024}


def test_a_damaged_figure_in_a_report_json_is_named():
    d = Report(year=2024, sections=[Section(1, "", "本年主动公开政府信息12条。")])
    d.figures = read(d).figures
    data = d.to_dict()
    data["figures"][0]["value"] = "十二"
    with pytest.raises(ValueError, match="正文数字（figures）中有一项不完整或数值无效"):
        Report.from_dict(data)


def test_seed_003_scopes_titles_multipliers_and_a_bracketed_subpart():
    report = load(str(next(EXAMPLES.glob("003_*.txt"))))
    figures = {f.text: f for f in report.figures}
    assert (figures["全县共受理依申请公开事项 14 件"].scope, figures["县本级受理依申请公开事项 11 项"].scope) == ("全县", "县本级")
    assert [(f.counts, f.value) for f in report.figures if f.section == 6] == [("received", 14)]
    assert figures["我县共受理14件政府信息公开申请"].counts == "received"   # the object after the number
    three = figures["公开政府信息 3.3 万多条"]
    assert (three.value, three.unit, three.approx) == (33000, "条", True)
    assert figures["我县现行有效规范性文件 27 个"].cells == ["table2.art20_1.normative_docs.in_force"]
    # 政策解读 36 个，其中图片 27、视频 8（单位主要负责人视频解读政策 2 个）、文字 1: the bracket is a part of 8.
    narrative = narrative_of(report)
    whole = next(f for f in narrative.found if f.figure.text == "2021 年通过政府网站发布政策解读 36 个")
    breakdown = next(b for b in narrative.breakdowns if b.whole == whole.index)
    assert [narrative.found[k].figure.value for k in breakdown.parts] == [27, 8, 1]
    # Document numbers, dates, phone numbers, hotline names and titles are no figures.
    assert not [f for f in report.figures if f.value in (2021, 2022, 30, 8637408, 12345)]


def test_units_money_and_percentages():
    report = _report("2024年，共收取信息处理费504.8 万元，办结率达 97.80%，满意率99.9%以上，3部门联合发布。")
    assert [(f.value, f.unit, f.approx) for f in report.figures or read(report).figures] == [
        (Decimal("504.8"), "万元", False), (Decimal("97.80"), "%", False), (Decimal("99.9"), "%", True)]


def test_a_change_is_no_count_of_what_its_phrase_names():
    report = _report("2024年主动公开政府信息1200条，与上年相比，主动公开信息增加了200条。")
    assert [(f.value, f.counts) for f in read(report).figures] == [(1200, "proactive"), (200, None)]


def test_a_breakdown_opened_in_the_next_sentence_with_an_other_bucket():
    """平潭 旅游与文化体育局 2019: the whole ends one sentence, 其中 opens the next."""
    report = crawler("ptzhsyqlyy-2019")
    narrative = read(report)
    b = narrative.breakdowns[0]
    assert narrative.found[b.whole].figure.text == "主动公开政府信息514条"
    assert [narrative.found[k].figure.value for k in b.parts] == [1, 4, 3, 6, 6, 494]
    assert b.complete  # ends with 其他应主动公开政府信息494条
    zero = [f.figure for f in narrative.found if f.figure.from_words]
    assert [(f.counts, f.value, f.unit, f.text) for f in zero] == [("received", 0, "", "未收到信息公开申请")]


def test_overlapping_attributes_and_shares_of_a_part():
    """平潭 交通与建设局 2021: "事项共有89项，其中行政许可57项，实现“一趟不用跑”的有45项，占比78.9%
    …" — the shares are of the 57 licences, not of the 89 items."""
    narrative = read(crawler("ptzhsyqjtj-2021"))
    shares = [(narrative.found[s.percent].figure.value, narrative.found[s.part].figure.value,
               sorted(narrative.found[k].figure.value for k in s.bases)) for s in narrative.shares]
    assert shares == [(Decimal("78.9"), 45, [57, 89]), (Decimal("71.9"), 41, [57, 89]),
                      (Decimal("63.2"), 36, [57, 89]), (Decimal("96.5"), 55, [57, 89]),
                      (Decimal("71.9"), 41, [57, 89]), (Decimal("97.8"), 2520, [2576])]  # not of each other
    outcomes = [(f.figure.counts, f.figure.value) for f in narrative.found if f.figure.counts in ("granted", "partial", "unable")]
    assert outcomes == [("granted", 3), ("partial", 1), ("unable", 1)]   # “同意公开”3件,“区分处理后公开”1件…


def test_document_counts_by_disclosure_status_are_not_requests():
    """平潭 经济发展局 2022: "共制发政府信息316条，其中，主动公开政府信息121条、依申请公开128条、
    不予公开67条" counts documents; the share 78.80% is (121+128)/316, its part not printed."""
    narrative = read(crawler("ptzhsyqjjf-2022"))
    first = [f.figure for f in narrative.found if f.figure.section == 1]
    assert [(f.value, f.counts, f.part_of) for f in first] == [
        (316, None, None), (121, "proactive", 0), (128, None, 0), (67, None, 0), (Decimal("78.80"), None, None)]
    share = narrative.shares[0]
    assert share.part is None and Decimal(249) in share.candidates
    assert [(f.figure.counts, f.figure.value) for f in narrative.found if f.figure.section == 4] == [
        ("review", 0), ("litigation", 0)]   # 未有政府信息公开行政复议及行政诉讼有关情况


def test_zero_claims_do_not_take_reviews_for_requests():
    """平潭 行政审批局 2020: "收到申请公开政府信息的要求1件…未收到因政府信息公开提出的行政复议、行政诉讼的申请。"."""
    figures = read(crawler("ptzhsyqhzs-2020")).figures
    assert [(f.counts, f.value, f.from_words) for f in figures if f.counts in ("received", "review", "litigation")] == [
        ("received", 1, False), ("review", 0, True), ("litigation", 0, True)]


def test_claims_and_plans():
    narrative = read(crawler("ptzhsyqhzs-2024"))
    assert [(c.kind, c.text, c.groups) for c in narrative.claims] == [
        ("on_time", "均在法定时限内办理", ()), ("all_upheld", "结果为维持", ("review",))]
    plans = read(crawler("ptzhsyqjjf-2022")).plans
    assert [(p.year, p.text) for p in plans] == [(2023, "2023年，我局将针对")]
    # 将 + a noun is not a promise: "2024年，我局将政务公开工作纳入绩效考核".
    assert read(_report("2024年，我局将政务公开工作纳入绩效考核，主动公开信息12条。")).plans == []
    assert read(_report("2024年3月，印发《2024年工作计划》，主动公开信息12条。")).plans == []


def test_the_reading_is_kept_for_the_text_it_read():
    report = _report("本年主动公开政府信息12条。")
    first = narrative_of(report)
    assert narrative_of(report) is first
    report.sections[0].text = "本年主动公开政府信息13条。"
    assert [f.value for f in narrative_of(report).figures] == [13]


def test_section_one_figures_no_table_holds_say_what_they_count():
    # 交通与建设局 2021 and 2025 (crawler texts): what was disclosed, where, in which categories,
    # and how the requests came in — data for researchers, never compared with a table.
    def figures(name: str, n: int) -> list[tuple]:
        report = load(str(EXAMPLES / "crawler-text" / f"{name}.txt"))
        return [(f.text, f.value, f.counts, f.cells, f.part_of) for f in report.figures[:n]]

    assert figures("ptzhsyqjtj-2021", 11) == [
        ("我局主动公开政府信息96条", 96, "proactive", [], None),
        ("公开类别主要涉及机构职能类信息1条", 1, "proactive_category", [], 0),
        ("、重大建设项目信息2条", 2, "proactive_category", [], 0),  # a part of the 96 disclosed
        ("、为民办实事类信息12条", 12, "proactive_category", [], 0),
        ("、民政扶贫救灾社会保障就业类信息5条", 5, "proactive_category", [], 0),
        ("、国土资源城乡建设环保能源类信息32条", 32, "proactive_category", [], 0),
        ("、安全生产和应急管理类信息34条", 34, "proactive_category", [], 0),
        ("、其他类信息10条", 10, "proactive_category", [], 0),
        ("全年我局共收到政府信息公开申请5件", 5, "received", ["table3.new_received.total"], None),
        ("其中网络申请2件", 2, "requests_online", [], 8),
        ("信函申请3件", 3, "requests_letter", [], 8)]
    assert figures("ptzhsyqjtj-2025", 2) == [
        ("2025年度门户网站全年公开政府信息181条", 181, "website_posts", [], None),
        ("官方微信全年公开政府信息365条", 365, "new_media_posts", [], None)]


def test_where_and_how_much_was_published_does_not_take_a_tables_phrase():
    # A broad phrasing never swallows a narrower one standing inside it: 新增公开…规章 is table 2's
    # rules made, 予以公开及部分公开 table 3's outcomes, 主动公开 the proactive count.
    assert _figures(_report("全年新增公开市政府规章1件。")) == [(1, "件", "rules_made", None)]
    assert _figures(_report("本年度予以公开及部分公开60件。", section=3)) == [(60, "件", "granted_partial", None)]
    assert _figures(_report("全年主动公开政府信息500条，今年共发布80条，通过政府网站主动公开政府信息30条。")) == [
        (500, "条", "proactive", None), (80, "条", "published", None), (30, "条", "proactive", None)]
