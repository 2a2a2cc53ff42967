"""With last year's report at hand (``gongkai check --previous``, ``check_report(previous=)``), the
findings that speak of last year say what that report printed: LAST-YEAR names the problems its
第五部分 listed (and is not said when it listed none), TEXT-YEAR whether its figures are that
report's, and a 上年结转 of the text that contradicts the table which side last year's 结转下年度
agrees with.  The one real pair is 洪泽区 2023 → 2024; the rest are variants of it or of a
consistent report."""

from __future__ import annotations

from gongkai.check import check_report
from tests.check.narrative_texts import example

LAST_YEAR_2023 = (
    "第五部分没有提到上一年度报告所列问题的整改情况。2023 年度报告第五部分列有问题：“2023年，洪泽区政府信息公开工作取得"
    "一定的成效，但对照上级要求，仍存在一定差距。如依申请公开工作规范性还有待提高、政务公开内容的深度和广度还有待提升、"
    "政务公开队伍建设有待加强等”。条例第五十条要求报告“存在的主要问题及改进情况”，请写明这些问题改进得怎样，读者才能对照。")


def only(findings, rule: str) -> list:
    return [f for f in findings if f.rule == rule]


def test_last_year_names_the_problems_last_years_report_listed():
    this, last = example("hongze-district-2024.pdf"), example("hongze-district-2023.pdf")
    [alone] = only(check_report(this), "LAST-YEAR")
    assert alone.message.endswith("如上年报告列有问题，建议补充。")
    [found] = only(check_report(this, last), "LAST-YEAR")
    assert (found.severity, found.where, found.message) == ("notice", "第4页 第2行", LAST_YEAR_2023)


def test_no_last_year_when_last_years_report_named_no_problem():
    this, last = example("hongze-district-2024.pdf"), example("hongze-district-2023.pdf")
    last.section(5).text = "2023年，本区政府信息公开工作未发现明显问题。2024年将继续做好政府信息公开工作。"
    assert only(check_report(this, last), "LAST-YEAR") == []


def test_the_problems_quoted_are_those_listed_before_the_measures():
    """Problems are listed 一是…二是… as the measures are: the quote runs from the first sentence that
    names a problem to where the measures begin (农业农村局 2024's 第五部分, as last year's report of a 2025
    one: its measures start 在今后的工作中，我们将…)."""
    from tests.check.narrative_texts import crawler

    last = crawler("ptzhsyqnyn-2024")
    this = crawler("ptzhsyqnyn-2024")
    this.year = 2025
    this.section(5).text = "本年存在的问题是个别栏目更新不及时。下一步将加强培训。"
    [found] = only(check_report(this, last), "LAST-YEAR")
    assert found.message == (
        "第五部分没有提到上一年度报告所列问题的整改情况。2024 年度报告第五部分列有问题：“2024年我局政务公开各项工作得到有效落实，"
        "但仍存在一些问题和不足。一是信息公开的标准化程度有待进一步提高，部分信息的格式和内容还不够规范。二是依申请公开的答复流程和"
        "格式还需进一步优化，以更好地适应复杂多样的申请需求”。条例第五十条要求报告“存在的主要问题及改进情况”，请写明这些问题改进得"
        "怎样，读者才能对照。")


def test_problems_that_cannot_be_told_apart_keep_the_notice_as_it_was():
    this, last = example("hongze-district-2024.pdf"), example("hongze-district-2023.pdf")
    last.section(5).text = "2024年，我区将继续做好政府信息公开工作。"
    [found] = only(check_report(this, last), "LAST-YEAR")
    assert found.message.endswith("如上年报告列有问题，建议补充。")


def test_last_year_alone_for_another_years_report():
    """Only the year before tells what there was to follow up: with an earlier year's report (or
    another body's) the notice stays as without one."""
    this, last = example("hongze-district-2024.pdf"), example("hongze-district-2023.pdf")
    last.year = 2022
    [found] = only(check_report(this, last), "LAST-YEAR")
    assert found.message.endswith("如上年报告列有问题，建议补充。")


def test_figures_of_last_year_against_last_years_tables(consistent):
    last = consistent("2021")
    last.year = 2020
    received = last.value("table3.new_received.total")
    this = consistent("2021")
    this.sections[0].text = f"2020年，本县共收到政府信息公开申请{received}件。"
    [alone] = only(check_report(this), "TEXT-YEAR")
    [found] = only(check_report(this, last), "TEXT-YEAR")
    assert found.message == alone.message + (
        f"2020 年度报告表中也是这些数字（表三“一、本年新收政府信息公开申请数量”行“总计”列为 {received}），"
        "这句写的是上年的情况。")
    this.sections[0].text = f"2020年，本县共收到政府信息公开申请{received + 4}件。"
    [found] = only(check_report(this, last), "TEXT-YEAR")
    assert found.message.endswith(
        f"请写明比较。2020 年度报告表中表三“一、本年新收政府信息公开申请数量”行“总计”列为 {received}。")


def test_the_texts_carried_over_against_last_years_carried_forward(consistent):
    last = consistent("2021")
    last.year = 2020
    this = consistent("2021")
    table = this.value("table3.carried_over.total")
    prev = last.value("table3.carried_forward.total")
    assert table is not None and prev is not None
    head = f"正文称上年结转的政府信息公开申请为 {{stated}} 件，而表三“二、上年结转政府信息公开申请数量”行“总计”列为 {table}。请核对正文与表格，使两者一致。"

    def said(stated: int) -> str:
        this.sections[2].text = f"上年结转政府信息公开申请{stated}件。"
        [found] = only(check_report(this, last), "TEXT-TABLE")
        assert found.message.startswith(head.format(stated=stated))
        return found.message[len(head.format(stated=stated)):]

    # Last year printed what the table prints: the text is wrong.
    last.set_value("table3.carried_forward.total", table)
    assert said(table + 2) == f"上年报告“四、结转下年度继续办理”为 {table}，与表中一致：请更正正文。"
    # Last year printed what the text says: the table's 上年结转 may be the wrong one (CARRY-OVER says so too).
    last.set_value("table3.carried_forward.total", table + 2)
    assert said(table + 2) == f"上年报告“四、结转下年度继续办理”为 {table + 2}，与正文一致：可能是表中的“二、上年结转”有误，请核对。"
    assert ["table3.carried_over.total"] in [f.cells for f in only(check_report(this, last), "CARRY-OVER")]
    last.set_value("table3.carried_forward.total", table + 5)
    assert said(table + 2) == f"上年报告“四、结转下年度继续办理”为 {table + 5}，与正文、表中都不同。"
