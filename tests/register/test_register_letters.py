"""Letters as DOCX: every notice and one per outcome, case fields filled, basis and rights."""

from datetime import date

import pytest
from docx import Document

from gongkai.errors import GongkaiError
from gongkai.register.letters import templates, write_letter
from gongkai.register.store import Applicant, NewRequest, Register
from gongkai.register.vocab import outcomes

TODAY = date(2025, 11, 3)
RIGHTS = "六十日内向本级人民政府申请行政复议"


@pytest.fixture
def reg(db_url, cal, settings):
    r = Register(db_url, calendar=cal, settings=settings.replace(agency="某市某区人民政府办公室"))
    yield r
    r.close()


def text_of(path):
    return [p.text for p in Document(str(path)).paragraphs]


def new(reg, content="2024年某道路改造项目立项批复"):
    return reg.add(NewRequest(Applicant("natural_person", "张三", "110"), "in_person", content,
                              date(2025, 9, 26)), "王")


def test_receipt(reg, tmp_path):
    ref = new(reg)
    paras = text_of(write_letter(reg, ref, "receipt", tmp_path / "r.docx", today=TODAY))
    assert paras[0] == "政府信息公开申请登记回执"
    assert paras[1] == f"（申请编号：{ref}）" and paras[2] == "张三："
    body = "\n".join(paras)
    assert "2025年9月26日" in body and "2025年10月30日前" in body and "2024年某道路改造项目立项批复" in body
    assert "第三十一条" in body and RIGHTS not in body
    assert paras[-2:] == ["某市某区人民政府办公室", "2025年11月3日"]


def test_procedural_notices(reg, tmp_path):
    ref = new(reg)
    reg.record(ref, "correction_requested", date(2025, 9, 29), "王", until=date(2025, 10, 20), items="文件的文号或名称")
    body = "\n".join(text_of(write_letter(reg, ref, "correction", tmp_path / "c.docx", today=TODAY)))
    assert "文件的文号或名称" in body and "2025年10月20日前" in body and "第三十条" in body
    assert "视为放弃申请" in body and RIGHTS not in body
    reg.record(ref, "corrected", date(2025, 9, 30), "王")
    reg.record(ref, "consultation_started", date(2025, 10, 9), "王", party="third_party", name="某建设有限公司")
    paras = text_of(write_letter(reg, ref, "consultation", tmp_path / "t.docx", today=TODAY))
    # 15 working days after Thu 9 Oct 2025: 10, 11(调休) → 2; 13–17 → 7; 20–24 → 12; 27–29 → 15.
    assert paras[2] == "某建设有限公司：" and "2025年10月29日前" in "".join(paras) and "第三十二条" in "".join(paras)
    reg.record(ref, "consultation_ended", date(2025, 10, 20), "王", party="third_party")
    reg.record(ref, "extended", date(2025, 10, 27), "王", workdays=20, reason="需要调取历史档案")
    body = "\n".join(text_of(write_letter(reg, ref, "extension", tmp_path / "e.docx", today=TODAY)))
    assert "需要调取历史档案" in body and "延长20个工作日" in body and "第三十三条第二款" in body
    due = reg.get(ref).due_on
    assert f"{due.year}年{due.month}月{due.day}日前" in body
    reg.record(ref, "fee_notice", date(2025, 10, 28), "王", amount=3000, basis="pieces", units=35, earlier=0)
    body = "\n".join(text_of(write_letter(reg, ref, "fee", tmp_path / "f.docx", today=TODAY)))
    assert "第11至30件，每件100元，计2000元；第31至35件，每件200元，计1000元。合计3000元" in body
    assert "国办函〔2020〕109号" in body


@pytest.mark.parametrize("outcome", list(outcomes()))
def test_one_letter_per_outcome(reg, tmp_path, outcome):
    ref = new(reg)
    if outcome == "other.no_correction":
        reg.record(ref, "correction_requested", date(2025, 9, 29), "王", until=date(2025, 10, 20))
    if outcome == "unable.unclear":
        reg.record(ref, "correction_requested", date(2025, 9, 29), "王", until=date(2025, 10, 20))
        reg.record(ref, "corrected", date(2025, 10, 9), "王")
    if outcome == "other.no_fee":
        reg.record(ref, "fee_notice", date(2025, 9, 29), "王", amount=100, basis="pages", units=40)
    reg.record(ref, "replied", date(2025, 11, 10), "王", outcome=outcome, note="详见附件")
    paras = text_of(write_letter(reg, ref, "reply", tmp_path / "o.docx", today=TODAY))
    spec = templates()["letters"][templates()["outcomes"][outcome]["letter"]]
    assert paras[0] == spec["title"]
    body = "\n".join(paras)
    assert ref in body and "张三" in body and "2025年9月26日" in body
    assert "依据：" in body and "条" in body.split("依据：")[1]
    assert RIGHTS in body and "六个月内向有管辖权的人民法院提起行政诉讼" in body
    if outcome.startswith("denied."):
        assert templates()["outcomes"][outcome]["reason"] in body
    if outcome == "other.no_correction":
        assert "补正期限至2025年10月20日" in body


def test_letter_without_its_event_is_refused(reg, tmp_path):
    ref = new(reg)
    with pytest.raises(GongkaiError, match="延期答复告知书"):
        write_letter(reg, ref, "extension", tmp_path / "x.docx")
    with pytest.raises(GongkaiError, match="没有“memo”这种文书"):
        write_letter(reg, ref, "memo", tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()
