"""Letters: the exact text of each letter for its case, read back from the DOCX; dated by the
event; one Art. 36 ground; addressed by applicant type; an office's template checked."""

import io
import re
import subprocess
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from gongkai.errors import GongkaiError
from gongkai.register import letters as L
from gongkai.register.events import MissingValue
from gongkai.register.letter_layout import build, document_text, line_count, title_lines, width
from gongkai.register.store import Applicant, ImportedStep, NewRequest, Register
from gongkai.register.vocab import outcomes

AGENCY = "某市某区人民政府办公室"
REMEDY = ("如对本答复不服，可以自收到本答复书之日起六十日内向本级人民政府申请行政复议，"
          "或者自收到本答复书之日起六个月内向有管辖权的人民法院提起行政诉讼。")
OPENING = ("本机关于2025年9月26日收到您提出的政府信息公开申请（申请编号：{ref}），"
           "申请公开“2024年某道路改造项目立项批复”。")


@pytest.fixture
def reg(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings.replace(agency=AGENCY), create=True)
    yield r
    r.close()


def paras(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def letter(reg, ref, kind, **kw) -> list[str]:
    return paras(L.letter_docx(reg, ref, kind, **kw)[1])


def new(reg, atype="natural_person", name="张三", received=date(2025, 9, 26)):
    return reg.add(NewRequest(Applicant(atype, name, "110"), "in_person", "2024年某道路改造项目立项批复",
                              received), "王")


def test_receipt_is_dated_by_the_receipt_not_today(reg):
    ref = new(reg, received=date(2024, 12, 20))
    assert letter(reg, ref, "receipt") == [
        "政府信息公开申请登记回执", "张三：",
        f"本机关已于2024年12月20日收到您当面提交的政府信息公开申请，申请编号为{ref}，申请公开“2024年某道路改造项目立项批复”。",
        "根据《中华人民共和国政府信息公开条例》第三十一条、第三十三条，本机关以2024年12月20日为收到申请之日，"
        "将自收到申请之日起20个工作日内（即2025年1月20日前）作出答复；需要延长答复期限的，将另行书面告知。"
        "征求第三方和其他机关意见所需时间不计算在答复期限内。",
        "查询办理进度时，请提供申请编号。", AGENCY, "2024年12月20日"]


def test_correction_consultations_extension_fee(reg, settings):
    ref = new(reg)
    op = OPENING.format(ref=ref)
    reg.record(ref, "correction_requested", date(2025, 9, 29), "王", until=date(2025, 10, 20),
               items="所需文件的名称或文号；")
    assert letter(reg, ref, "correction")[1:] == [
        "张三：", op, "经审查，您的申请内容不明确，需要补正以下事项：所需文件的名称或文号。",
        "根据《中华人民共和国政府信息公开条例》第三十条，请您于2025年10月20日前向本机关提交补正后的申请。"
        "答复期限自本机关收到补正后的申请之日起计算。",
        "您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。", AGENCY, "2025年9月29日"]
    reg.record(ref, "corrected", date(2025, 9, 30), "王")
    reg.record(ref, "consultation_started", date(2025, 10, 9), "王", party="third_party", name="某建设有限公司")
    third = letter(reg, ref, "consultation")
    assert third[:2] == ["政府信息公开申请征求意见书", "某建设有限公司："]
    assert third[3] == ("根据《中华人民共和国政府信息公开条例》第三十二条，现书面征求贵方意见。请贵方自收到本征求意见书之日起"
                        "15个工作日内书面提出是否同意公开的意见；不同意公开的，请说明理由。逾期未提出意见的，本机关将依照"
                        "《中华人民共和国政府信息公开条例》的规定决定是否公开。")
    assert third[-1] == "2025年10月9日" and "张三" not in "".join(third)   # the applicant is not named
    reg.record(ref, "consultation_ended", date(2025, 10, 13), "王", party="third_party")
    reg.record(ref, "consultation_started", date(2025, 10, 14), "王", party="other_body", name="某区自然资源局")
    body = letter(reg, ref, "consultation")
    assert body[1] == "某区自然资源局："
    assert body[3] == ("根据《中华人民共和国政府信息公开条例》第三十三条第三款、第三十四条，现书面征求贵机关意见。"
                       "请贵机关自收到本征求意见书之日起15个工作日内书面提出是否同意公开的意见；逾期未提出意见的，视为同意公开。")
    assert letter(reg, ref, "consultation", nth=1) == third     # the earlier one stays as it was
    reg.record(ref, "consultation_ended", date(2025, 10, 16), "王", party="other_body")
    reg.record(ref, "extended", date(2025, 10, 27), "王", workdays=20, reason="需要调取2019年以来的档案。")
    due = reg.get(ref).due_on
    assert letter(reg, ref, "extension")[1:] == [
        "张三：", op,
        "因需要调取2019年以来的档案，本机关无法在规定期限内作出答复。经本机关政府信息公开工作机构负责人同意，"
        "根据《中华人民共和国政府信息公开条例》第三十三条第二款，答复期限延长20个工作日，"
        f"本机关将于{L.zh_date(due)}前作出答复。", AGENCY, "2025年10月27日"]
    reg.record(ref, "fee_notice", date(2025, 10, 28), "王", amount=3000, basis="pieces", units=35, earlier=0,
               payment="持本通知书到区政务服务中心财政窗口缴纳，或者通过非税收入网上缴款系统缴入国库")
    fee = letter(reg, ref, "fee")
    assert fee[3:6] == [
        "您申请公开政府信息的数量、频次明显超过合理范围。根据《中华人民共和国政府信息公开条例》第四十二条和"
        "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本机关决定按件收取信息处理费，计算如下："
        "第11至30件，每件100元，计2000元；第31至35件，每件200元，计1000元。合计3000元。",
        "缴纳方式：持本通知书到区政务服务中心财政窗口缴纳，或者通过非税收入网上缴款系统缴入国库。",
        # the period runs from the applicant's receipt of the notice, so no date computed from the notice's
        "请您自收到本通知书次日起20个工作日内缴纳。逾期未缴纳的，视为放弃申请，本机关将不再处理该政府信息公开申请。"]
    assert fee[-1] == "2025年10月28日"


def test_letters_refuse_what_they_cannot_say(reg, settings):
    ref = new(reg)
    with pytest.raises(GongkaiError, match="延期答复须填写“延期理由”"):   # refused when recorded
        reg.record(ref, "extended", date(2025, 10, 9), "王", workdays=10)
    with pytest.raises(GongkaiError, match="延期答复告知书须写明理由"):    # and by the letter itself
        L.render(dict(L.SAMPLE, kind="extension", date=date(2025, 10, 9), reason=""))
    with pytest.raises(MissingValue, match="^发出收费通知须填写“缴纳方式”（条例第四十二条、国办函〔2020〕109号）"
                                           "（或由管理员在台账设置 fee_payment_method 中统一填写）$"):
        reg.record(ref, "fee_notice", date(2025, 10, 10), "王", basis="pages", units=40)
    assert [e.kind for e in reg.history(ref)] == ["registered"]     # nothing recorded
    reg.settings = settings.replace(agency=AGENCY, fee_payment_method="通过非税收入收缴系统缴入国库")
    reg.record(ref, "fee_notice", date(2025, 10, 10), "王", basis="pages", units=40)
    assert reg.history(ref)[-1].data["payment"] == "通过非税收入收缴系统缴入国库"   # stored with the notice
    reg.settings = settings.replace(agency=AGENCY, fee_payment_method="到区财政局窗口缴纳")
    assert "缴纳方式：通过非税收入收缴系统缴入国库。" in letter(reg, ref, "fee")   # the notice as it went out
    with pytest.raises(GongkaiError, match="没有“补正告知书”对应的办理记录"):
        L.letter_docx(reg, ref, "correction")
    with pytest.raises(GongkaiError, match="没有“memo”这种文书"):
        L.letter_docx(reg, ref, "memo")


@pytest.mark.parametrize("values, missing", [
    ({"outcome": "partial"}, "答复要点”（办理结果为“（二）部分公开”时"),
    ({"outcome": "not_processed.publication"}, "答复要点”（办理结果为“（五）不予处理—3.要求提供公开出版物”时"),
    ({"outcome": "other.other"}, "答复要点”（办理结果为“（六）其他处理—3.其他”时"),
    ({"outcome": "granted", "ground": "1"}, "答复要点”（所依据的第三十六条的一项为“第（一）项”时"),
])
def test_a_reply_whose_letter_would_lack_its_point_is_not_recorded(reg, values, missing):
    """Art. 37 (the reasons for what is withheld), Art. 36 (一) and 39 ¶2 (where to obtain it):
    the letter states the 答复要点; a reply without it was recorded and only its letter refused."""
    ref = new(reg)
    with pytest.raises(MissingValue) as refused:
        reg.record(ref, "replied", date(2025, 11, 10), "王", **values)
    assert refused.value.message == f"答复须填写“{missing}；条例第三十六条至第三十九条）"
    assert [e.kind for e in reg.history(ref)] == ["registered"]
    reg.record(ref, "replied", date(2025, 11, 10), "王", **values, note="获取方式见附件")
    assert letter(reg, ref, "reply")[-1] == "2025年11月10日"


def test_a_correction_cannot_leave_a_reply_without_what_its_letter_needs(capsys, db_url, reg):
    """Correcting a reply's outcome to 部分公开 left it without the reasons its letter states
    (the letter was then refused); the note is corrected first, then the outcome."""
    from gongkai.cli import main

    ref = new(reg)
    reg.record(ref, "replied", date(2025, 11, 10), "王", outcome="granted")
    amend = ["register", "amend", ref, "--event", "2", "--reason", "结果登记错误", "--db", db_url]
    assert main([*amend, "--field", "outcome", "--value", "部分公开"]) == 1
    assert capsys.readouterr().err == (
        "gongkai：更正后，答复须填写“答复要点”（办理结果为“（二）部分公开”时；条例第三十六条至第三十九条）；"
        "请先更正“答复要点”，再更正这一项。本次未登记任何事项\n")
    assert main([*amend, "--field", "答复要点", "--value", "涉及第三方个人信息的部分不予公开"]) == 0   # as it says
    assert main([*amend, "--field", "outcome", "--value", "部分公开"]) == 0
    assert letter(reg, ref, "reply")[0] == "政府信息公开申请答复书（部分公开）"
    assert [e.kind for e in reg.history(ref)] == ["registered", "replied", "amended", "amended"]


def test_an_imported_reply_without_its_point_is_kept_and_completed_by_a_correction(reg):
    [ref] = reg.import_requests([("第2行", [
        ImportedStep("registered", date(2025, 9, 26), {"applicant_type": "自然人", "name": "张三",
                                                       "channel": "当面", "content": "某项目批复"}),
        ImportedStep("replied", date(2025, 10, 10), {"outcome": "部分公开"})])], "王")
    with pytest.raises(GongkaiError, match="请更正该条答复补记答复要点（命令行：gongkai register amend 编号 --event 序号 "
                                           "--field note --value 答复要点 --reason 理由"):
        L.letter_docx(reg, ref, "reply")
    reg.amend(ref, "note", "涉及第三方个人信息的部分不予公开", "导入的台账未记答复要点，据答复书存档补记", "李", event=2)
    assert letter(reg, ref, "reply")[3].endswith("对不予公开的内容说明理由如下：涉及第三方个人信息的部分不予公开。")


def test_an_imported_fee_notice_without_payment_is_kept_and_completed_by_a_correction(reg):
    """A notice kept elsewhere before (an import) may lack the 缴纳方式: it is recorded as it was
    (nothing invented from today's setting); its letter is refused, saying how to correct it; a
    correction (更正, with who/when/why) supplies it and the letter uses it."""
    reg.settings = reg.settings.replace(fee_payment_method="到区财政局窗口缴纳")
    [ref] = reg.import_requests([("第2行", [
        ImportedStep("registered", date(2025, 9, 26), {"applicant_type": "自然人", "name": "张三",
                                                       "channel": "当面", "content": "某项目批复"}),
        ImportedStep("fee_notice", date(2025, 10, 10), {"basis": "按量", "units": 40}, keep={"amount": 100})])], "王")
    notice = reg.history(ref)[-1]
    assert notice.kind == "fee_notice" and "payment" not in notice.data
    with pytest.raises(GongkaiError) as refused:
        L.letter_docx(reg, ref, "fee")
    assert refused.value.message == (
        "政府信息公开信息处理费收费通知书须写明缴纳方式，但这件申请的记录中没有（该收费通知是在记录缴纳方式之前登记或导入的；"
        "请更正该条办理记录补记缴纳方式（命令行：gongkai register amend 编号 --event 序号 --field payment --value 缴纳方式 "
        "--reason 理由；网页：“更正、作废、送达”中的“更正”））")
    reg.amend(ref, "payment", "银行转账至某区财政局非税收入专户", "导入的台账未记缴纳方式，据通知书存档补记", "李",
              event=notice.id)
    assert "缴纳方式：银行转账至某区财政局非税收入专户。" in letter(reg, ref, "fee")
    assert letter(reg, ref, "fee")[-1] == "2025年10月10日"      # still dated by the notice


def test_an_imported_fee_notice_without_its_earlier_count_shows_no_calculation_it_cannot_give(reg):
    """A list's fee notice does not say how many requests the applicant made earlier in the month
    (was kept as 0): the letter's calculation from this notice's 12 件 alone gives 200 元; charged
    1900 元 (25 earlier), the letter would contradict itself — it is refused, saying why."""
    steps = [ImportedStep("registered", date(2025, 9, 26), {"applicant_type": "自然人", "name": "张三",
                                                            "channel": "当面", "content": "某项目批复"}),
             ImportedStep("fee_notice", date(2025, 10, 10), {"basis": "按件", "units": 12, "payment": "到窗口缴纳"},
                          keep={"amount": 1900})]
    [ref] = reg.import_requests([("第2行", steps)], "王")
    assert "earlier" not in reg.history(ref)[-1].data
    with pytest.raises(GongkaiError) as refused:
        L.letter_docx(reg, ref, "fee")
    assert refused.value.message == (
        "政府信息公开信息处理费收费通知书须写明收费计算，但这件申请的记录中没有（该收费通知是导入的，台账中没有本月此前已申请的件数，"
        "按本次件数算出的金额与所收金额不符，写不出计算过程；请以当时发出的通知书为准）")
    steps[0].ref, steps[-1].keep = "B-2", {"amount": 200}    # what 12 件 alone give: the calculation stands
    reg.import_requests([("第3行", steps)], "王")
    assert "计算如下：第11至12件，每件100元，计200元。合计200元。" in "".join(letter(reg, "B-2", "fee"))


def _prepare(reg, ref, outcome):
    if outcome in ("other.no_correction", "unable.unclear"):
        reg.record(ref, "correction_requested", date(2025, 9, 29), "王", until=date(2025, 10, 20), items="文号")
    if outcome == "unable.unclear":
        reg.record(ref, "corrected", date(2025, 10, 9), "王")
    if outcome == "other.no_fee":
        reg.record(ref, "fee_notice", date(2025, 9, 29), "王", amount=100, basis="pages", units=40,
                   payment="银行转账")
        reg.record(ref, "delivered", date(2025, 9, 30), "王", event=2, method="邮寄")


@pytest.mark.parametrize("outcome", list(outcomes()))
def test_every_outcome_has_its_letter(reg, outcome):
    ref = new(reg)
    _prepare(reg, ref, outcome)
    extra = {"ground": "5", "body": "某区住房和城乡建设局", "body_contact": "电话 010-12345678"} \
        if outcome == "unable.not_held" else {}
    reg.record(ref, "replied", date(2025, 11, 10), "王", outcome=outcome, note="详见附件", **extra)
    name, data = L.letter_docx(reg, ref, "reply")
    p = paras(data)
    ctx = L.context_for(reg, ref, "reply")
    spec = L.spec(L.letter_for(ctx))
    assert name == f"{ref}-{spec['title']}.docx"
    assert p[0] == "\n".join(title_lines(spec["title"])) and p[1] == "张三："
    assert p[2] == OPENING.format(ref=ref)
    # a 不再处理告知书 is not an 答复书: its remedy clause names it
    remedy = REMEDY.replace("答复", "告知") if "告知书" in spec["title"] else REMEDY
    assert p[-2:] == [AGENCY, "2025年11月10日"] and p[-3] == remedy
    text = "".join(p)
    assert spec["basis"].split("{")[0] in text and "您（单位）" not in text
    assert "（四）、（五）" not in text and "第（四）项、第（五）项" not in text


@pytest.mark.parametrize("outcome, sentence", [
    ("granted", "经审查，您申请公开的政府信息属于可以公开的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（二）项，"
                "现向您提供该政府信息，获取方式、途径如下：已通过电子邮件发送至您预留的邮箱。"),
    ("partial", "经审查，您申请公开的政府信息中含有不应当公开或者不属于政府信息的内容，但能够作区分处理。根据《中华人民共和国"
                "政府信息公开条例》第三十七条，本机关向您提供可以公开的政府信息内容（见附件），对不予公开的内容说明理由如下："
                "已通过电子邮件发送至您预留的邮箱。"),
    ("denied.third_party", "经审查，您申请公开的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害。根据《中华人民"
                           "共和国政府信息公开条例》第三十六条第（三）项、第十五条，本机关决定不予公开。具体理由如下："
                           "已通过电子邮件发送至您预留的邮箱。"),
    ("denied.admin_query", "经审查，您申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。"
                           "根据《中华人民共和国政府信息公开条例》第三十六条第（七）项，请您依照有关法律、行政法规的规定办理。"
                           "具体说明如下：已通过电子邮件发送至您预留的邮箱。"),
])
def test_the_note_is_joined_as_a_sentence(reg, outcome, sentence):
    ref = new(reg)
    reg.record(ref, "replied", date(2025, 11, 10), "王", outcome=outcome, note=" 已通过电子邮件发送至您预留的邮箱；")
    assert letter(reg, ref, "reply")[3] == sentence


def test_not_held_names_one_ground(reg):
    ref = new(reg)
    with pytest.raises(MissingValue, match="^答复须填写“所依据的第三十六条的一项”（办理结果为“（四）无法提供—1.本机关不掌握相关"
                                           "政府信息”时；条例第三十六条至第三十九条）$"):
        reg.record(ref, "replied", date(2025, 11, 10), "王", outcome="unable.not_held")   # its letter could not
    assert [e.kind for e in reg.history(ref)] == ["registered"]
    ref4 = new(reg)
    reg.record(ref4, "replied", date(2025, 11, 10), "王", outcome="unable.not_held", ground="4")
    p = letter(reg, ref4, "reply")
    assert p[:2] == ["政府信息公开申请答复书（信息不存在）", "张三："]
    assert p[3] == ("经检索，本机关没有您申请公开的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（四）项，"
                    "现告知您：该政府信息不存在。")
    ref5 = new(reg)
    with pytest.raises(GongkaiError, match="答复须填写“负责公开的行政机关”"):   # (五) names the body: refused
        reg.record(ref5, "replied", date(2025, 11, 10), "王", outcome="unable.not_held", ground="5")
    with pytest.raises(GongkaiError, match="答复须填写“该机关的联系方式”"):   # refused when recorded
        reg.record(ref5, "replied", date(2025, 11, 10), "王", outcome="unable.not_held", ground="5",
                   body="某区住房和城乡建设局")
    reg.record(ref5, "replied", date(2025, 11, 10), "王", outcome="unable.not_held", ground="5",
               body="某区住房和城乡建设局", body_contact="电话010-12345678，地址某区某路1号")
    p = letter(reg, ref5, "reply")
    assert p[0] == "政府信息公开申请答复书\n（不属于本机关负责公开）"       # broken before the bracket
    assert p[3:5] == [
        "经审查，您申请公开的政府信息不属于本机关负责公开，理由如下：" + L.DEFAULT_NOT_OURS_REASON,
        "根据《中华人民共和国政府信息公开条例》第三十六条第（五）项，现告知您：负责公开该政府信息的行政机关为"
        "某区住房和城乡建设局，联系方式：电话010-12345678，地址某区某路1号。"]
    assert "第（四）项" not in "".join(p)


def test_an_organisation_is_addressed_by_its_name(reg):
    ref = new(reg, atype="commercial", name="某某科技有限公司")
    reg.record(ref, "replied", date(2025, 10, 9), "王", outcome="not_processed.repeat")
    p = letter(reg, ref, "reply")
    assert p[1:4] == [
        "某某科技有限公司：",
        f"本机关于2025年9月26日收到贵单位提出的政府信息公开申请（申请编号：{ref}），申请公开“2024年某道路改造项目立项批复”。",
        "本机关已就贵单位提出的政府信息公开申请作出答复，贵单位此次重复申请公开相同政府信息。根据《中华人民共和国"
        "政府信息公开条例》第三十六条第（六）项，本机关不予重复处理。"]
    assert "您" not in "".join(p)


def test_no_fee_counts_from_delivery_when_known(reg):
    ref = new(reg)
    reg.record(ref, "fee_notice", date(2025, 9, 29), "王", basis="pages", units=40, payment="银行转账")
    # the period runs from the applicant's receipt of the notice: unknown, no 逾期未缴费 (it was
    # accepted, counted from the notice's own date, so possibly before the period had run out)
    with pytest.raises(GongkaiError, match="^以“逾期未缴费”答复，须先登记该收费通知的送达"):
        reg.record(ref, "replied", date(2025, 11, 20), "王", outcome="other.no_fee")
    reg.record(ref, "delivered", date(2025, 10, 9), "王", event=2, method="邮寄")   # 送达 of step 2
    reg.record(ref, "replied", date(2025, 11, 20), "王", outcome="other.no_fee")
    # 20 working days from the day after delivery (Thu 9 Oct 2025): 10 → 1, 11 (调休) → 2, 13–17 → 7,
    # 20–24 → 12, 27–31 → 17, 3–5 Nov → 20
    assert letter(reg, ref, "reply")[3] == (
        "本机关已于2025年9月29日向您发出收费通知书，您于2025年10月9日收到，缴费期限至2025年11月5日。"
        "您未在收到收费通知书次日起20个工作日内缴纳信息处理费。根据《中华人民共和国政府信息公开条例》第四十二条和"
        "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），视为您放弃申请，本机关不再处理该政府信息公开申请。")


def test_withdrawal_confirms_without_a_remedy_clause():
    ctx = dict(L.SAMPLE, kind="withdrawal", date=date(2025, 10, 20), withdrawn=date(2025, 10, 20), how="书面",
               note="")
    p = paras(L.render(ctx))
    assert p == [
        "某政公开〔2025〕12号", "政府信息公开申请撤回确认书", "张三：",
        "本机关于2025年10月9日收到您提出的政府信息公开申请（申请编号：2025-0001），申请公开“某项目的立项批复”。",
        "本机关收到您于2025年10月20日以书面形式提出的撤回申请。本机关确认该政府信息公开申请已撤回，自2025年10月20日起终止办理。",
        "您如仍需获取相关政府信息，可以依照《中华人民共和国政府信息公开条例》的规定重新提出申请。",
        "某县人民政府办公室", "2025年10月20日"]


def test_an_office_template_is_used_and_checked(reg, tmp_path):
    ref = new(reg)
    reg.record(ref, "replied", date(2025, 11, 10), "王", outcome="granted")
    own = Document(io.BytesIO(L.shipped_template("granted")))
    own.paragraphs[0].insert_paragraph_before("某市某区人民政府办公室（信函）")     # the office's letterhead
    own.save(str(tmp_path / "granted.docx"))
    assert L.check_template("granted", tmp_path / "granted.docx") == []
    p = letter(reg, ref, "reply", template_dir=tmp_path)
    assert p[0] == "某市某区人民政府办公室（信函）" and p[-1] == "2025年11月10日"
    # without the remedy clause: refused, naming the part
    for para in own.paragraphs:
        if "remedy" in para.text:
            para._p.getparent().remove(para._p)
    own.save(str(tmp_path / "granted.docx"))
    assert L.check_template("granted", tmp_path / "granted.docx") == [
        "缺少行政复议和行政诉讼的告知（应包含“如对本答复不服，可以自收到本答复书之日起六十日内向某县人民政府申请行政复议，"
        "或者自收到本答复书之日起六个月内向某县人民法院提起行政诉讼。”）"]
    with pytest.raises(GongkaiError, match="不能使用：缺少行政复议和行政诉讼的告知"):
        L.letter_docx(reg, ref, "reply", template_dir=tmp_path)
    with pytest.raises(GongkaiError, match="缺少行政复议和行政诉讼的告知"):
        L.install_template("granted", tmp_path / "granted.docx", tmp_path / "office")
    # a misspelt field and a remedy clause added to a withdrawal are refused too
    own = Document(io.BytesIO(L.shipped_template("withdrawal")))
    own.add_paragraph("{{ agncy }}")
    own.save(str(tmp_path / "w.docx"))
    assert L.check_template("withdrawal", tmp_path / "w.docx") == ["文书模板用到了未知的字段“agncy”"]
    own = Document(io.BytesIO(L.shipped_template("withdrawal")))
    own.add_paragraph("{{ remedy_text }}如不服，可以申请行政复议。")
    own.save(str(tmp_path / "w.docx"))
    assert "文书模板用到了未知的字段“remedy_text”" in L.check_template("withdrawal", tmp_path / "w.docx")


def test_shipped_templates_match_the_wording_and_layout():
    data = L.letters_data()
    for letter_id, spec in data["letters"].items():
        shipped, fresh = L.shipped_template(letter_id), build(spec, data["common"])
        assert document_text(shipped) == document_text(fresh), letter_id
        parts = [{i.filename: z.read(i) for i in z.infolist()}
                 for z in (zipfile.ZipFile(io.BytesIO(shipped)), zipfile.ZipFile(io.BytesIO(fresh)))]
        assert parts[0] == parts[1], f"{letter_id}: python -m gongkai.register.letter_layout"
        assert all(width(line) <= 18 for line in title_lines(spec["title"]))
        for line in title_lines(spec["title"]):   # never broken inside brackets
            assert line.count("（") == line.count("）")
    doc = Document(io.BytesIO(L.shipped_template("granted")))
    sec = doc.sections[0]
    assert [round(x / 36000) for x in (sec.page_width, sec.page_height, sec.top_margin, sec.bottom_margin,
                                        sec.left_margin, sec.right_margin)] == [210, 297, 37, 35, 28, 26]
    xml = zipfile.ZipFile(io.BytesIO(L.shipped_template("granted"))).read("word/document.xml").decode()
    assert '<w:docGrid w:linePitch="579" w:type="lines"/>' in xml
    styles = {s.name: s for s in doc.styles}
    assert styles["正文"].font.size.pt == 16 and styles["公文标题"].font.size.pt == 22
    assert styles["页码"].font.size.pt == 14
    # 信函格式 (GB/T 9704 10.1 “相距二行”, read as two lines apart): one empty grid line between
    # the 文号 and the title (docs/register.md says why not two)
    assert styles["文号"].paragraph_format.space_after.twips == 579
    footer = "".join(t.text or "" for t in sec.footer._element.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    assert footer == "— 1 —"


def test_sentences_and_clauses():
    assert L.sentences("见附件") == "见附件。"
    assert L.sentences("见附件；") == "见附件。"
    assert L.sentences("他说“好。”") == "他说“好。”"
    assert L.sentences("Done.") == "Done。"
    assert L.sentences("  ") == ""
    assert L.clause("档案多。") == "档案多"
    assert L.clean("a\x07b\n c") == "ab c"


@pytest.mark.libreoffice
def test_pdf_page_is_gbt9704(tmp_path):
    import pypdfium2 as pdfium

    ctx = dict(L.SAMPLE, kind="reply", outcome="other.other", note="甲" * 1400)
    pdf = pdfium.PdfDocument(L.to_pdf(L.render(ctx)))
    assert len(pdf) == 3
    page = pdf[1]
    lines = [line for line in page.get_textpage().get_text_range().splitlines() if line.startswith("甲")]
    assert [len(line) for line in lines[:22]] == [28] * 22     # a full page: 22 lines of 28 characters
    assert round(page.get_width() / 72 * 25.4) == 210
    text = page.get_textpage()
    boxes = [text.get_charbox(i) for i, ch in enumerate(text.get_text_range()) if ch == "甲"]
    mm = [round(v / 72 * 25.4) for v in (min(b[0] for b in boxes), page.get_width() - max(b[2] for b in boxes))]
    assert mm == [29, 27]          # the glyphs of the text block: 28 mm left, 26 mm right, plus side bearings


def test_cli_letters_and_office_templates(capsys, db_url, tmp_path, monkeypatch):
    from gongkai.cli import main

    monkeypatch.setenv("GONGKAI_LETTER_TEMPLATES", str(tmp_path / "office"))

    def run(*argv):
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    db = ["--db", db_url]
    run("register", "add", "--type", "法律服务机构", "--name", "某某律师事务所", "--channel", "当面",
        "--content", "某项目批复", "--date", "2025-09-26", *db)
    code, _, err = run("register", "reply", "2025-000001", "--date", "2025-10-20", "--outcome", "本机关不掌握相关政府信息",
                       "--ground", "5", "--body", "某区住房和城乡建设局", "--letter", str(tmp_path / "x.docx"), *db)
    # the body's contact is required when the reply is recorded (events.yaml), so no reply stands
    assert code == 1 and "答复须填写“该机关的联系方式”" in err and not (tmp_path / "x.docx").exists()
    code, out, err = run("register", "letter", "2025-000001", "reply", "--out", str(tmp_path / "x.docx"), *db)
    assert code == 1 and "没有“答复书”对应的办理记录" in err
    code, out, _ = run("register", "template", "export", str(tmp_path / "defaults"))
    # a clerk's folder says what each file is, in Chinese, after the name the commands take
    assert code == 0 and (tmp_path / "defaults" / "not_ours-政府信息公开申请答复书（不属于本机关负责公开）.docx").is_file()
    doc = Document(str(tmp_path / "defaults" / "receipt-政府信息公开申请登记回执.docx"))
    doc.paragraphs[-1]._p.getparent().remove(doc.paragraphs[-1]._p)          # the date dropped
    doc.save(str(tmp_path / "receipt.docx"))
    code, _, err = run("register", "template", "check", "receipt", str(tmp_path / "receipt.docx"))
    assert code == 1 and "缺少成文日期（办理事项的日期）（应包含“2025年11月10日”）" in err
    code, _, err = run("register", "template", "install", "receipt", str(tmp_path / "receipt.docx"))
    assert code == 1 and not (tmp_path / "office" / "receipt.docx").exists()
    exported = tmp_path / "defaults" / "receipt-政府信息公开申请登记回执.docx"
    code, out, _ = run("register", "template", "install", exported.name, str(exported))   # named by its file
    assert code == 0 and (tmp_path / "office" / "receipt.docx").is_file()
    assert run("register", "template", "check", "登记回执", str(exported))[0] == 0          # or by its title
    code, _, err = run("register", "template", "check", "答复书（不作为政府信息公开申请处理）", str(exported))
    assert code == 1 and "是几种文书的名称（complaint、confirm），请写模板名" in err
    assert "receipt\t政府信息公开申请登记回执\t本机关模板" in run("register", "template", "list")[1]
    code, out, _ = run("register", "letter", "2025-000001", "receipt", "-o", str(tmp_path / "r.docx"), *db)   # = --out
    p = [x.text for x in Document(str(tmp_path / "r.docx")).paragraphs]
    assert code == 0 and p[1] == "某某律师事务所：" and p[-1] == "2025年9月26日" and "贵单位" in p[2]


def _pitches(docx: bytes) -> tuple[str, int]:
    doc = Document(io.BytesIO(docx))
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch"))
    return grid, doc.styles["正文"].paragraph_format.line_spacing.twips


def test_a_letter_a_few_lines_too_long_is_fitted_by_its_line_pitch_only(tmp_path):
    # GB/T 9704 7.3.5.4: the 收费通知书 (25 lines on the grid) is set 25.4 pt apart, not 28.95, and
    # nothing else changes: 三号 characters, the same text; a letter that fits stays at 22 lines, and
    # one far too long is not squeezed (two pages at the standard pitch)
    fee = L.render(dict(L.SAMPLE, kind="fee"))
    assert _pitches(fee) == ("508", 508)
    assert Document(io.BytesIO(fee)).styles["正文"].font.size.pt == 16
    assert _pitches(L.render(dict(L.SAMPLE, kind="reply", outcome="granted"))) == ("579", 579)
    long = dict(L.SAMPLE, kind="reply", outcome="other.other", note="甲" * 300)
    assert _pitches(L.render(long)) == ("579", 579)
    own = Document(io.BytesIO(L.shipped_template("fee")))     # an office's, with a table it added:
    own.add_table(rows=2, cols=2)                                # not measured, so not fitted
    own.save(str(tmp_path / "fee.docx"))
    assert _pitches(L.render(dict(L.SAMPLE, kind="fee"), template_dir=tmp_path)) == ("579", 579)
    own = Document(io.BytesIO(L.shipped_template("fee")))     # or a paragraph of a style of its own
    own.add_paragraph("附件：收费明细")
    own.save(str(tmp_path / "fee.docx"))
    assert _pitches(L.render(dict(L.SAMPLE, kind="fee"), template_dir=tmp_path)) == ("579", 579)
    assert line_count("本机关于2025年10月9日收到您提出的政府信息公开申请（申请编号：2025-0001），申请公开“某项目的立项批复”。",
                      first_indent=2) == 3          # “复”。 goes down together; “（” never ends a line


@pytest.mark.libreoffice
def test_the_fee_notice_fits_one_page_and_a_long_reply_keeps_its_signature_with_its_text():
    """The 收费通知书 as shipped is one page (its pitch tightened); a reply too long for that runs
    onto a second page: its last paragraph goes with the signature and date (never those alone),
    and each page has its number (odd right, even left: — 1 —, — 2 —)."""
    import pypdfium2 as pdfium

    data = L.to_pdf(L.render(dict(L.SAMPLE, kind="fee")))
    pdf = pdfium.PdfDocument(data)
    (page,) = [pg.get_textpage().get_text_range().splitlines() for pg in pdf]
    # tagged, and in Chinese: a screen reader picks its voice by the catalog's /Lang (was en-US)
    catalog = data[data.index(b"/Type/Catalog"):].split(b"endobj")[0]
    assert b"/StructTreeRoot" in catalog and re.search(rb"/Lang\s*\(([^)]*)\)", catalog).group(1) == b"zh-CN"
    # its title the one heading (H1, as a built report's), the rest paragraphs
    info = subprocess.run(["pdfinfo", "-struct", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert [line.split()[0] for line in info.splitlines() if line.strip()[:1] == "H"] == ["H1"]
    assert page[-3:] == ["某县人民政府办公室", "2025 年 11 月 10 日", "— 1 —"]
    assert page[-7].startswith("对收取信息处理费的决定有异议的")     # the last paragraph whole, 4 lines
    note = "该政府信息由多个部门的档案组成，本机关已逐一调取并核对。" * 10
    pdf = pdfium.PdfDocument(L.to_pdf(L.render(dict(L.SAMPLE, kind="reply", outcome="other.other", note=note))))
    pages = [pg.get_textpage().get_text_range().splitlines() for pg in pdf]
    assert len(pages) == 2 and pages[0][-1] == "— 1 —" and pages[1][-1] == "— 2 —"
    assert pages[1][-3:-1] == ["某县人民政府办公室", "2025 年 11 月 10 日"]
    assert pages[1][0].startswith("如对本答复不服") and len(pages[1]) == 6     # 3 lines of text with it
    width = pdf[1].get_width()
    numbers = [(pg.get_textpage(), pg.get_textpage().get_text_range().index("—")) for pg in pdf]
    first, second = (tp.get_charbox(i)[0] / width for tp, i in numbers)
    assert first > 0.7 and second < 0.3
    # GB/T 9704 7.5: “一字线上距版心下边缘7mm” — the text block ends 262 mm from the top (was 9.6 mm)
    height = pdf[0].get_height()
    below = {round((height - tp.get_charbox(i)[3]) / 72 * 25.4 - 262, 1) for tp, i in numbers}
    assert len(below) == 1 and abs(below.pop() - 7) <= 0.3


@pytest.mark.libreoffice
def test_pdf_never_breaks_a_number_across_lines():
    # A date or an amount cut at a line end ("于2025年5月2 / 6日前") misstates it.  LibreOffice broke
    # numbers wherever a line ended while the Latin text was marked Chinese (w:lang w:val="zh-CN").
    import pypdfium2 as pdfium

    ctx = dict(L.SAMPLE, kind="reply", outcome="other.other", note="甲甲甲12345678乙乙乙20251231" * 12)
    pdf = pdfium.PdfDocument(L.to_pdf(L.render(ctx)))
    lines = [line for page in pdf for line in page.get_textpage().get_text_range().splitlines() if line.strip()]
    assert sum(line.count("12345678") + line.count("20251231") for line in lines) == 24  # each number whole
    assert [(a, b) for a, b in zip(lines, lines[1:]) if a.rstrip()[-1:].isdigit() and b.lstrip()[:1].isdigit()] == []


def test_cli_withdrawal_letter_with_its_number_and_delivery(capsys, db_url, tmp_path, monkeypatch):
    # register withdraw → register letter … withdrawal: the step's own date, the office's next 文号,
    # no remedy clause, the ground of withdrawal; its 送达 entered with register deliver
    from gongkai.cli import main

    site = tmp_path / "register.yaml"
    site.write_text(f"agency: {AGENCY}\ndoc_number_format: 某政公开〔{{year}}〕{{n}}号\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_REGISTER_SETTINGS", str(site))
    monkeypatch.setenv("GONGKAI_LETTER_TEMPLATES", str(tmp_path / "office"))

    def run(*argv):
        code = main([*argv, "--db", db_url])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    run("register", "add", "--type", "自然人", "--name", "张三", "--channel", "当面", "--content",
        "2024年某道路改造项目立项批复", "--date", "2025-09-26")
    run("register", "correct", "2025-000001", "--date", "2025-09-29", "--items", "所需文件的名称或文号")
    code, out, err = run("register", "withdraw", "2025-000001", "--date", "2025-10-09", "--how", "电话",
                         "--note", "申请人已自行取得")
    assert code == 0, err
    code, out, err = run("register", "deliver", "2025-000001", "3", "--date", "2025-10-10", "--method", "邮寄")
    assert code == 0, err
    out_file = tmp_path / "w.docx"
    code, out, err = run("register", "letter", "2025-000001", "withdrawal", "--out", str(out_file))
    # the office named itself but not its review body, which a withdrawal's letter does not name
    # (no remedy clause): nothing to warn of — it was warned of the review body all the same
    assert (code, err) == (0, "")
    assert paras(out_file.read_bytes()) == [
        "某政公开〔2025〕2号", "政府信息公开申请撤回确认书", "张三：",
        "本机关于2025年9月26日收到您提出的政府信息公开申请（申请编号：2025-000001），"
        "申请公开“2024年某道路改造项目立项批复”。",
        "本机关收到您于2025年10月9日通过电话提出的撤回申请。本机关确认该政府信息公开申请已撤回，"
        "自2025年10月9日起终止办理。具体说明如下：申请人已自行取得。",
        "您如仍需获取相关政府信息，可以依照《中华人民共和国政府信息公开条例》的规定重新提出申请。",
        AGENCY, "2025年10月9日"]
    # a reply names it: said before that letter is sent
    run("register", "add", "--type", "自然人", "--name", "李四", "--channel", "当面", "--content", "某规划", "--date",
        "2025-10-09")
    run("register", "reply", "2025-000002", "--outcome", "予以公开", "--ground", "2", "--date", "2025-10-10")
    code, out, err = run("register", "letter", "2025-000002", "reply", "--out", str(tmp_path / "r.docx"))
    assert code == 0, err
    assert err == (f"gongkai：注意：文书中的行政复议机关（review_body，现为“本级人民政府”）是默认设置，发出文书前请在设置文件 {site} "
                   "中加一行 “review_body: 某县人民政府”（换成本机关的实际情况；文件不存在就新建）。\n")
    site.write_text(f"agency: {AGENCY}\nreview_body: 某县人民政府\ndoc_number_format: 某政公开〔{{year}}〕{{n}}号\n",
                    encoding="utf-8")
    code, out, err = run("register", "letter", "2025-000002", "reply", "--out", str(tmp_path / "r.docx"))
    assert (code, err) == (0, "")
    code, out, _ = run("register", "show", "2025-000001")
    assert code == 0 and "状态：已撤回；办理结果：（六）其他处理—3.其他" in out
    assert "  3. 2025-10-09 撤回申请（撤回方式：电话；说明：申请人已自行取得；文号：某政公开〔2025〕2号）；经办：" in out
    assert "  4. 2025-10-10 送达（第3条“撤回申请”；送达方式：邮寄送达）；经办：" in out
    code, out, _ = run("register", "list")
    assert out.splitlines()[1] == "2025-000001\t2025-09-26\t自然人\t张*\t已撤回\t—\t2025-10-09\t按时\t（六）其他处理—3.其他"


def test_a_due_date_past_the_published_holidays_is_said_to_be_an_estimate(db_url, cal, settings):
    # received 21 Dec 2026: the 20th working day falls in 2027, whose arrangements are not
    # published (元旦 off by rule) — the receipt says the date is an estimate, not a certainty
    reg = Register(db_url, calendar=cal, settings=settings.replace(agency=AGENCY), today=date(2026, 12, 31), create=True)
    ref = new(reg, received=date(2026, 12, 21))
    assert letter(reg, ref, "receipt")[3] == (
        "根据《中华人民共和国政府信息公开条例》第三十一条、第三十三条，本机关以2026年12月21日为收到申请之日，"
        "将自收到申请之日起20个工作日内（即2027年1月19日前）作出答复；需要延长答复期限的，将另行书面告知。"
        "上述日期按《全国年节及纪念日放假办法》规定的节日推算，国务院办公厅公布该年节假日安排后，以按公布的安排计算的日期为准。"
        "征求第三方和其他机关意见所需时间不计算在答复期限内。")
    assert "推算" not in "".join(letter(reg, new(reg, received=date(2025, 9, 26)), "receipt"))
    reg.close()


def test_a_second_extension_takes_what_remains_of_the_twenty_days(reg):
    """条例第三十三条: 20 working days of extension in all.  After 15, an extension recorded
    without its days extends by the 5 left (its letter says 5 and the new due date); after
    20, one more is refused, saying why, and nothing is recorded."""
    ref = new(reg)                                    # received Fri 26 Sep 2025: due 30 Oct
    reg.record(ref, "extended", date(2025, 10, 20), "王", workdays=15, reason="需要调取档案。")
    assert reg.get(ref).due_on == date(2025, 11, 20)  # 31 Oct, 3–7, 10–14, 17–20 Nov: 15
    reg.record(ref, "extended", date(2025, 10, 21), "王", reason="还需会商。")
    assert reg.history(ref)[-1].data["workdays"] == 5
    assert reg.get(ref).due_on == date(2025, 11, 27)  # 21, 24–27 Nov: 5 more
    assert letter(reg, ref, "extension")[3] == (
        "因还需会商，本机关无法在规定期限内作出答复。经本机关政府信息公开工作机构负责人同意，"
        "根据《中华人民共和国政府信息公开条例》第三十三条第二款，答复期限延长5个工作日，"
        "本机关将于2025年11月27日前作出答复。")
    assert letter(reg, ref, "extension", nth=1)[3].endswith("答复期限延长15个工作日，本机关将于2025年11月20日前作出答复。")
    for days in ({}, {"workdays": 1}):
        with pytest.raises(GongkaiError, match="^已延期20个工作日，达到条例第三十三条规定的最长延期（20个工作日），不能再延期$"):
            reg.record(ref, "extended", date(2025, 10, 22), "王", reason="r", **days)
    assert [e.kind for e in reg.history(ref)] == ["registered", "extended", "extended"]


def test_a_correction_keeps_the_deadline_its_letter_told(reg):
    """A 补正告知 recorded without its 补正期限 keeps the date worked out that day (15 working days):
    a later change of the setting must not move a date already told to the applicant."""
    ref = new(reg)
    reg.record(ref, "correction_requested", date(2025, 9, 29), "王", items="文号")
    assert reg.history(ref)[-1].data["until"] == "2025-10-27"
    told = letter(reg, ref, "correction")
    reg.settings = reg.settings.replace(correction_period_workdays=30)
    assert letter(reg, ref, "correction") == told
    assert "请您于2025年10月27日前向本机关提交补正后的申请。" in "".join(told)
    assert "补正期限至2025-10-27；" in reg.case(ref).clock.render(warnings=False)


def test_an_imported_correction_without_its_deadline_is_not_guessed_into_a_letter(reg):
    """A 台账 row that left 补正期限 blank: the register works the date out from today's setting
    to run its clock and says so; the letters refuse to state it until a correction supplies it."""
    [ref] = reg.import_requests([("第2行", [
        ImportedStep("registered", date(2025, 9, 26), {"applicant_type": "自然人", "name": "张三",
                                                       "channel": "当面", "content": "某项目批复"}),
        ImportedStep("correction_requested", date(2025, 9, 29), {"items": "文号"})])], "王")
    assert "until" not in reg.history(ref)[-1].data
    assert "补正期限至2025-10-27（未登记补正期限，按现行设置15个工作日推算）；" in reg.case(ref).clock.render(warnings=False)
    with pytest.raises(GongkaiError) as refused:
        L.letter_docx(reg, ref, "correction")
    assert refused.value.message.startswith("政府信息公开申请补正告知书须写明期限，但这件申请的记录中没有（该补正告知是导入的或旧的记录")
    reg.amend(ref, "until", "2025-10-20", "导入的台账未记补正期限，据告知书存档补记", "李", event=2)
    assert "请您于2025年10月20日前向本机关提交补正后的申请。" in "".join(letter(reg, ref, "correction"))
    assert "补正期限至2025-10-20；" in reg.case(ref).clock.render(warnings=False)


def test_a_mistyped_receipt_date_is_corrected_by_that_name_and_the_letters_follow(reg):
    """收到日期 is what the request page and `show` call it: a correction naming it changes the
    date that decides it (条例第三十一条) — the submission date in person, the 签收日期 by mail —
    and the receipt printed again, the due date with it, says the corrected day."""
    from gongkai.register.history import correction_moved_due
    ref = new(reg, received=date(2025, 9, 25))
    reg.amend(ref, "收到日期", "2025-09-26", "登记时日期录错（收件簿为26日）", "李")
    assert reg.history(ref)[-1].data == {"event": 1, "field": "on", "value": "2025-09-26", "old": "2025-09-25",
                                         "reason": "登记时日期录错（收件簿为26日）",
                                         "told_due": "2025-10-29", "corrected_due": "2025-10-30"}
    assert correction_moved_due(reg.history(ref), date(2025, 10, 9)) == (
        "答复期限由2025-10-29改为2025-10-30，第1条的登记回执写明的是2025-10-29（该回执未登记送达；已发给申请人的，"
        "即告知了这个日期）；期限以更正后的为准（条例第三十一条、第三十三条），晚于告知申请人的日期：可另行告知申请人更正后的期限")
    assert letter(reg, ref, "receipt")[2] == (f"本机关已于2025年9月26日收到您当面提交的政府信息公开申请，申请编号为{ref}，"
                                              "申请公开“2024年某道路改造项目立项批复”。")
    mailed = reg.add(NewRequest(Applicant("natural_person", "李四", ""), "registered_mail", "x", date(2025, 9, 22),
                                signed_on=date(2025, 9, 24)), "王")
    reg.amend(mailed, "收到日期", "2025-09-26", "签收日期录错", "李")
    req = reg.get(mailed)
    assert (req.submitted_on, req.received_on) == (date(2025, 9, 22), date(2025, 9, 26))
    assert reg.history(mailed)[-1].data["field"] == "receipt_on"
    assert "本机关以2025年9月26日为收到申请之日，将自收到申请之日起20个工作日内（即2025年10月30日前）" in \
        letter(reg, mailed, "receipt")[3]
    assert letter(reg, mailed, "receipt")[2] == (f"您于2025年9月22日以邮寄方式提交的政府信息公开申请，本机关已于"
                                                 f"2025年9月26日签收，申请编号为{mailed}，申请公开“x”。")


def test_a_receipt_says_when_the_request_was_sent_and_when_it_was_received(reg):
    """The receipt said 本机关已于<the day of receipt>收到您提出的申请 whatever the channel: an
    application sent online on 24 January and confirmed on the 26th (条例第三十一条第三项) read as
    received two days after it was sent. It now says both days and how it was received."""
    online = reg.add(NewRequest(Applicant("commercial", "某某科技有限公司", ""), "internet", "本县2025年政府采购合同",
                                date(2026, 1, 24), confirmed_on=date(2026, 1, 26)), "王")
    assert letter(reg, online, "receipt")[1:3] == [
        "某某科技有限公司：",
        f"贵单位于2026年1月24日通过互联网提交的政府信息公开申请，本机关已于2026年1月26日确认收到，申请编号为{online}，"
        "申请公开“本县2025年政府采购合同”。"]
    faxed = reg.add(NewRequest(Applicant("natural_person", "赵六", ""), "fax", "某项目批复", date(2026, 1, 26)), "王")
    assert letter(reg, faxed, "receipt")[2] == (f"本机关已于2026年1月26日确认收到您以传真方式提交的政府信息公开申请，"
                                                f"申请编号为{faxed}，申请公开“某项目批复”。")


def test_a_corrected_receipt_date_that_brings_the_due_date_forward_says_the_receipt_told_another(reg):
    """The 回执 told the applicant a due date counted from the receipt date as typed; corrected to
    an earlier day (the 收件簿 says the 24th), the date that binds is counted from the day actually
    received (条例第三十一条、第三十三条) and comes earlier: the correction says both dates and that
    the 回执 gave the old one (before: it said nothing, and dropped the date told), and the
    request's history keeps both."""
    from gongkai.register.history import correction_moved_due, history_lines
    ref = new(reg, received=date(2025, 9, 26))
    assert reg.history(ref)[0].data["told_due"] == "2025-10-30"
    reg.amend(ref, "收到日期", "2025-09-24", "登记时日期录错（收件簿为24日）", "李", on=date(2025, 10, 9))
    assert reg.history(ref)[-1].data == {"event": 1, "field": "on", "value": "2025-09-24", "old": "2025-09-26",
                                         "reason": "登记时日期录错（收件簿为24日）",
                                         "told_due": "2025-10-30", "corrected_due": "2025-10-28"}
    assert reg.get(ref).due_on == date(2025, 10, 28)
    said = ("答复期限由2025-10-30改为2025-10-28，第1条的登记回执写明的是2025-10-30（该回执未登记送达；已发给申请人的，"
            "即告知了这个日期）；期限以更正后的为准（条例第三十一条、第三十三条），早于告知申请人的日期：")
    assert correction_moved_due(reg.history(ref), date(2025, 10, 9)) == said + "请在2025-10-28前答复，并可另行告知申请人更正后的期限"
    assert correction_moved_due(reg.history(ref), date(2025, 10, 29)) == said + "已超期，请尽快答复，并可另行告知申请人更正后的期限"
    assert history_lines(reg.history(ref), True)[-1].split("；经办")[0] == (
        "2. 2025-10-09 更正（第1条“登记申请”的日期：“2025-09-26”改为“2025-09-24”，答复期限随之由2025-10-30改为2025-10-28"
        "（登记回执告知的是2025-10-30）；理由：登记时日期录错（收件簿为24日））")
