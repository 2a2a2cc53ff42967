"""TEXT-STATUTE: the 条例's deadlines and articles as the narrative states them.

None of the 18 real reports states a number of working days as the law's or cites an article of
the 条例 (checked: every 《条例》 in their text is cited whole), so the misquotes below are written
for the test, in the phrasings reports use around them.  What the real reports do print, and what
must stay silent, is taken from them word for word (the sentence named in each case).
"""

from __future__ import annotations

import pytest

from gongkai.check import check_report
from gongkai.model import Report
from tests.check.narrative_texts import CRAWLER, example

REPLY_RULE = ("《政府信息公开条例》第三十三条规定，不能当场答复的，应当自收到申请之日起20个工作日内予以答复，"
              "需要延长的，延长的期限最长不得超过20个工作日")
OLD_REPLY = "15个工作日是2019年修订前的原条例（第二十四条）的答复期限，现行条例已改为20个工作日。"


def statute(report: Report) -> list:
    return [f for f in check_report(report) if f.rule == "TEXT-STATUTE"]


def said(consistent, sentence: str, year: int = 2021) -> list:
    report = consistent("2021")
    report.year = year
    report.sections[2].text = sentence
    return statute(report)


@pytest.mark.parametrize("name", ["000_*", "001_*", "002_*", "003_*", "004_*", "hongze-district-2023.pdf",
                                  "hongze-district-2024.pdf", "huaian-city-2024.pdf"]
                         + [f"crawler-text/{n}.txt" for n in CRAWLER])
def test_no_real_report_is_told_it_misquotes_the_law(name):
    assert statute(example(name)) == []


@pytest.mark.parametrize("sentence", [
    "28件公开申请均在法定时限内办理，办结率100%。",                       # 行政审批局 2024 (ptzhsyqhzs-2024)
    "收到政府信息公开申请3件，均在法定期限答复。",                         # 洪泽区 2023's 均在法定期限答复
    "严格落实《条例》规定的主动公开信息范围，按要求发布或更新信息。",       # seeds 000 and 004
    "获得用水流程简化为2项、办理时间压缩为8个工作日。",                    # 交通与建设局 2021: a licence's time
    "压缩时限至法定时限80%的有55项，占比96.5%。",                         # the same report
])
def test_what_real_reports_print_raises_nothing(consistent, sentence):
    assert said(consistent, sentence) == []


@pytest.mark.parametrize("sentence", [
    "收到政府信息公开申请3件，均在法定期限（20个工作日）内予以答复。",
    "对需要延长答复期限的申请，经负责人同意后延长，总计不超过法定40个工作日。",
    "对申请内容不明确的政府信息公开申请，在法定7个工作日内一次性告知申请人补正。",
    # 15 days is right for the third party (Art. 32) even in a sentence about the reply.
    "对涉及第三方权益的政府信息公开申请，书面征求第三方意见，第三方在法定15个工作日内提出意见后再行答复。",
    "申请人收到收费通知后，应在法定20个工作日内缴纳信息处理费。",
    "主动公开的政府信息均在形成或者变更之日起20个工作日内公开。",
    # Faster than the law is no misquote; nor are days that are not said to be the law's.
    "收到政府信息公开申请3件，均在10个工作日内答复，平均答复时间5个工作日。",
    "严格按照法定程序，在15个工作日内答复政府信息公开申请。",
    # Another procedure's statutory time, and licences, are not the 条例's.
    "行政审批事项法定办结时限为20个工作日，承诺时限压缩为5个工作日，均已通过政务服务网公开。",
    "因政府信息公开申请行政复议1件，复议机关在法定60日内作出决定。",
    # The law's history, told rightly.
    "原《条例》规定的15个工作日答复期限，修订后延长为20个工作日，本机关收到的政府信息公开申请均按新规定答复。",
    "法定答复期限由15个工作日调整为20个工作日，本机关及时调整了依申请公开办理流程。",
    # Articles that are right, or that no topic of the sentence speaks of.
    "依据《中华人民共和国政府信息公开条例》第四十二条规定，本年度未收取信息处理费。",
    "依据《条例》第三十六条第（三）项，对2件政府信息公开申请作出不予公开的答复。",
    "依据《条例》第十四、十五、十六条对政府信息公开申请不予公开。",
    "依据《条例》第三十六条答复申请人，未收取任何费用。",
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，编制本年度报告。",
    "依据《条例》第二十条规定，主动公开本机关的政府信息。",
])
def test_right_deadlines_and_articles_raise_nothing(consistent, sentence):
    assert said(consistent, sentence) == []


@pytest.mark.parametrize("sentence", [
    "本年度共收到政府信息公开申请5件，均在法定期限（15个工作日）内予以答复。",
    "对收到的政府信息公开申请，严格在法定的十五个工作日内答复申请人。",
    "所有依申请公开事项均在《条例》规定的15个工作日内办结。",
    "依申请公开严格按照15个工作日的法定期限办理。",
    "政府信息公开申请的法定答复期限为自收到申请之日起15个工作日。",
])
def test_the_old_fifteen_days_for_the_reply(consistent, sentence):
    [found] = said(consistent, sentence)
    assert (found.severity, found.quote, found.where) == ("error", sentence, "第三部分（第300行起）")
    assert found.message == f"正文称法定期限为“15个工作日”，而{REPLY_RULE}。{OLD_REPLY}请按现行条例更正正文。"


def test_a_wrong_correction_period_names_both_rules_the_sentence_speaks_of(consistent):
    [found] = said(consistent, "对申请内容不明确的政府信息公开申请，在法定5个工作日内一次性告知申请人补正。")
    assert found.message == (
        "正文称法定期限为“5个工作日”，而《政府信息公开条例》第三十条规定，申请内容不明确的，应当自收到申请之日起"
        f"7个工作日内一次性告知申请人作出补正，答复期限自收到补正的申请之日起计算；{REPLY_RULE}。请按现行条例更正正文。")


def test_the_proactive_period(consistent):
    [found] = said(consistent, "主动公开的政府信息均在形成或者变更之日起法定15个工作日内公开。")
    assert found.message == ("正文称法定期限为“15个工作日”，而《政府信息公开条例》第二十六条规定，属于主动公开范围的政府信息，"
                             "应当自该政府信息形成或者变更之日起20个工作日内及时公开。请按现行条例更正正文。")


def test_the_old_fee_article(consistent):
    sentence = "依据《条例》第二十七条规定，本年度未收取政府信息公开信息处理费。"
    [found] = said(consistent, sentence)
    assert (found.severity, found.quote) == ("warning", sentence)
    assert found.message == (
        "正文引用“《条例》第二十七条”（所述为信息处理费），而收费的依据是《政府信息公开条例》第四十二条（依申请提供政府信息"
        "不收取费用，申请数量、频次明显超过合理范围的可以收取信息处理费）。第二十七条是2019年修订前的原条例关于收取检索、复制、"
        "邮寄等成本费用的条款。请核对并更正所引条款。")


def test_another_topics_article_for_the_fee(consistent):
    [found] = said(consistent, "依据《条例》第三十三条规定收取信息处理费0元。")
    assert found.message.startswith("正文引用“《条例》第三十三条”（所述为信息处理费），而收费的依据是《政府信息公开条例》第四十二条")
    assert "原条例" not in found.message


def test_old_articles_for_the_deadline_the_reply_and_the_report(consistent):
    cases = {
        "根据《条例》第二十四条规定的期限，对政府信息公开申请予以答复。": ("第二十四条", "答复期限、申请的答复"),
        "依据《条例》第二十一条规定，告知申请人该政府信息不存在。": ("第二十一条", "申请的答复"),
        "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第三十一条规定，编制本年度政府信息公开工作年度报告。":
            ("第三十一条", "年度报告"),
    }
    for sentence, (article, topic) in cases.items():
        [found] = said(consistent, sentence)
        assert found.message.startswith(f"正文引用“《条例》{article}”（所述为{topic}），而"), found.message
        assert f"{article}是2019年修订前的原条例" in found.message


def test_a_2019_report_may_still_speak_of_the_old_period(consistent):
    # The revised 条例 took effect on 15 May 2019: requests before it had 15 working days.
    assert said(consistent, "本年度共收到政府信息公开申请5件，均在法定期限（15个工作日）内予以答复。", year=2019) == []


DEPARTMENT = "某某县交通运输局"


def dated(consistent, sentence: str, agency: str = DEPARTMENT) -> list:
    report = consistent("2021")
    report.agency = agency
    report.preamble = sentence
    return statute(report)


def test_a_departments_report_deadline_of_the_old_law(consistent):
    sentence = "按照《条例》规定，本局于每年3月31日前公布上一年度政府信息公开工作年度报告。"
    [found] = dated(consistent, sentence)
    assert (found.severity, found.where, found.quote) == ("error", "引言", sentence)
    assert found.message == (
        "正文称年度报告的法定发布期限为“3月31日前”，而《政府信息公开条例》第四十九条规定，县级以上人民政府部门应当在每年1月31日前"
        "向本级政府信息公开工作主管部门提交上一年度政府信息公开工作年度报告并向社会公布。3月31日前是2019年修订前的原条例（第三十一条）"
        "的期限，现行条例对政府部门已提前到1月31日前。请按现行条例更正正文。")
    [found] = dated(consistent, "根据《条例》第四十九条规定，于3月15日前公布本年度政府信息公开工作年度报告。")
    assert found.message.startswith("正文称年度报告的法定发布期限为“3月15日前”") and "原条例" not in found.message


@pytest.mark.parametrize("agency, sentence", [
    (DEPARTMENT, "按照《条例》规定，本局于每年1月31日前公布上一年度政府信息公开工作年度报告。"),
    # A government's own report is due by 31 March: its text may name either date.
    ("某某县人民政府", "按照《条例》规定，于每年3月31日前公布上一年度政府信息公开工作年度报告。"),
    # A 政府办公室 speaks of the government's report it publishes.
    ("某某县人民政府办公室", "依据《条例》规定，县政府办公室于3月31日前公布县政府政府信息公开工作年度报告。"),
    # Earlier than the law (a local rule), or a date on which it was done, is no misquote.
    (DEPARTMENT, "按照《条例》要求和县政务公开办的安排，于1月25日前公布政府信息公开工作年度报告。"),
    (DEPARTMENT, "本局按照《条例》第四十九条的要求，于2025年1月20日前公布了2024年度政府信息公开工作年度报告。"),
    # Not said to be the law's.
    (DEPARTMENT, "本局计划于3月31日前完成政府信息公开工作年度报告的修订。"),
])
def test_report_deadlines_that_are_no_misquote(consistent, agency, sentence):
    assert dated(consistent, sentence, agency) == []
