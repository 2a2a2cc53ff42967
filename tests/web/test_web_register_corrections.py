"""A clerk's mistakes put right in the browser (Playwright driving Debian's chromium), at a desk:
a wrong receipt date, a wrong applicant type, a reply recorded on the wrong request, a
withdrawal that never was.  Each correction is a new entry (who, when, why) beside the one it
corrects; lateness follows the corrected facts and stays; table 3 and the letters follow them too;
and the request pages, read on a phone, fit its width however long a void's reason is."""

from __future__ import annotations

import io
import os

import pytest
from docx import Document
from gk_web_support import IMAGES, browser, browser_page, django_env, live, login, page_width, world  # noqa: F401

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _new(pg, live, body, on: str, name: str, content: str) -> str:
    pg.goto(f"{live.url}/register/{body.pk}/")
    form = pg.locator("#new-request")
    form.locator("[name=on]").fill(on)
    form.locator("[name=applicant_type]").select_option("natural_person")
    form.locator("[name=name]").fill(name)
    form.locator("[name=channel]").select_option("in_person")
    form.locator("[name=content]").fill(content)
    form.locator("button[type=submit]").click()
    pg.wait_for_url(f"{live.url}/register/{body.pk}/r/*/")
    return pg.url.rstrip("/").rsplit("/", 1)[-1]


def _step(pg, live, body, ref: str, selector: str, **fields: str) -> str:
    """Fill one of the request page's forms (a step, or a correction under 更正、作废、送达) and
    send it; the page's message."""
    pg.goto(f"{live.url}/register/{body.pk}/r/{ref}/")
    if "correction" in selector:
        pg.click("#corrections summary")
    form = pg.locator(selector)
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button").last.click()
    pg.wait_for_load_state("load")
    return pg.locator("#messages").inner_text()


def _history(pg) -> list[str]:
    return [" ".join(li.split()) for li in pg.locator("#events > li").all_inner_texts()]


def test_a_clerks_mistakes_corrected_in_the_browser(django_env, world, live, browser):
    a = world["a"]
    with browser_page(browser) as pg:
        login(pg, live, world["clerk_a"])
        r1 = _new(pg, live, a, "2026-02-12", "张三", "某路拓宽工程的环评批复")     # received 2026-01-26 in truth
        r2 = _new(pg, live, a, "2026-01-05", "王五", "某项目补偿方案")             # never withdrawn
        r3 = _new(pg, live, a, "2026-03-02", "李四", "某小区规划许可")             # got r4's reply
        r4 = _new(pg, live, a, "2026-03-02", "某某科技有限公司", "某地块出让合同")   # a company, typed as a person
        assert _step(pg, live, a, r1, "form[data-action=replied]", on="2026-03-06", outcome="granted",
                     ground="2") == "已登记：答复。"
        assert _step(pg, live, a, r1, "form[data-correction=amended]", on="2026-03-10", event="1", field="收到日期",
                     value="2026-01-26", reason="提交日期录错，申请表落款为1月26日") == (
            "已登记：更正。\n注意：答复期限由2026-03-18改为2026-02-28，第1条的登记回执写明的是2026-03-18（该回执未登记送达；"
            "已发给申请人的，即告知了这个日期）；期限以更正后的为准（条例第三十一条、第三十三条），早于告知申请人的日期。")
        assert _step(pg, live, a, r2, "form[data-action=withdrawn]", on="2026-01-07", how="电话") == "已登记：撤回申请。"
        assert _step(pg, live, a, r2, "form[data-correction=voided]", on="2026-03-10", event="2",
                     reason="申请人并未撤回（来电系询问办理进度），误登记为撤回，现恢复办理") == "已登记：作废。"
        assert _step(pg, live, a, r3, "form[data-action=replied]", on="2026-03-06", outcome="unable.not_held",
                     ground="4") == "已登记：答复。"
        assert _step(pg, live, a, r3, "form[data-correction=voided]", on="2026-03-10", event="2",
                     reason=f"答复登记在错误的申请上（应为{r4}）") == "已登记：作废。"
        assert _step(pg, live, a, r4, "form[data-action=replied]", on="2026-03-06", outcome="unable.not_held",
                     ground="4") == "已登记：答复。"
        assert _step(pg, live, a, r4, "form[data-correction=amended]", on="2026-03-10", event="1",
                     field="申请人类型", value="商业企业", reason="申请人为企业，登记时误选自然人") == "已登记：更正。"

        pg.goto(f"{live.url}/register/{a.pk}/r/{r1}/")   # late by the corrected receipt date: 逾期办结, kept
        assert pg.locator("h1 .mark").inner_text() == "逾期办结"
        who = world["clerk_a"].username
        assert _history(pg)[0].startswith("2026-02-12 登记申请 已更正：日期（见第3条） 申请人类型：自然人")
        assert _history(pg)[2].startswith("2026-03-10 更正 第1条“登记申请”的日期：“2026-02-12”改为“2026-01-26”，"
                                          "答复期限随之由2026-03-18改为2026-02-28（登记回执告知的是2026-03-18）；"
                                          f"理由：提交日期录错，申请表落款为1月26日 经办：{who}，登记于 2026-03-10")
        assert "注意：已超过答复期限 2026-02-28，于 2026-03-06 办结；逾期记录保留" in pg.content()
        reply = pg.request.get(f"{live.url}/register/{a.pk}/r/{r1}/letter/reply").body()
        text = "\n".join(p.text for p in Document(io.BytesIO(reply)).paragraphs)
        assert "本机关于2026年1月26日收到您提出的政府信息公开申请（申请编号：2026-000001）" in text

        pg.goto(f"{live.url}/register/{a.pk}/r/{r2}/")   # open again, past its due date
        assert pg.locator("h1 .mark").inner_text() == "已超期"
        assert [line.split(" 经办")[0] for line in _history(pg)[1:]] == [
            "2026-01-07 撤回申请 已作废（第3条：申请人并未撤回（来电系询问办理进度），误登记为撤回，现恢复办理） 撤回方式：电话",
            "2026-03-10 作废 第2条“撤回申请”；作废理由：申请人并未撤回（来电系询问办理进度），误登记为撤回，现恢复办理"]

        pg.goto(f"{live.url}/register/{a.pk}/r/{r4}/")
        assert _history(pg)[0].startswith("2026-03-02 登记申请 已更正：申请人类型（见第3条） 申请人类型：自然人")
        assert _history(pg)[2].startswith("2026-03-10 更正 第1条“登记申请”的申请人类型：“自然人”改为“商业企业”")

        pg.goto(f"{live.url}/register/{a.pk}/table3/?year=2026")
        rows = {c[0]: c[1:] for c in (tr.locator("th, td").all_inner_texts() for tr in pg.locator("#table3 tr").all())}
        assert rows["（一）予以公开"][:2] == ["1", "0"]
        assert rows["（四）无法提供—1.本机关不掌握相关政府信息"][:2] == ["0", "1"]   # r4's, a company's
        assert rows["（六）其他处理—3.其他"][:2] == ["0", "0"]
        assert rows["四、结转下年度继续办理"][:2] == ["2", "0"]                        # r2 and r3, open

    with browser_page(browser, phone=True) as pg:   # the same pages on a phone: nothing wider than it
        login(pg, live, world["clerk_a"])
        for ref in (r1, r2, r3, r4):
            pg.goto(f"{live.url}/register/{a.pk}/r/{ref}/")
            assert page_width(pg) == 390, ref
            if ref == r2:
                pg.locator("#events").scroll_into_view_if_needed()
                pg.screenshot(path=str(IMAGES / "web-corrections-phone.png"))
