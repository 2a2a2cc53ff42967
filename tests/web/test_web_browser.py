"""The register in a real browser (Playwright driving Debian's chromium, no browser download) on a
live waitress server on loopback; it saves screenshots (docs/images/web-*.png when
GONGKAI_SCREENSHOTS=docs/images is set).  The other roles' walks, at desk and phone sizes, are
in test_web_roles.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gk_web_support import (  # noqa: F401
    IMAGES,
    PHONE,
    browser,
    browser_page,
    django_env,
    live,
    login,
    office_settings,
    page_width,
    world,
)

pytestmark = pytest.mark.browser
# Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM calls (making
# users) are ordinary blocking calls and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(browser):
    with browser_page(browser, accept_downloads=True) as pg:
        yield pg


@pytest.fixture
def named(world):
    """The world with a real-looking body and clerk name for the pictures (restored afterwards)."""
    a, clerk = world["a"], world["clerk_a"]
    old = (a.name, clerk.username)
    a.name, clerk.username = "淮安市清江浦区人民政府办公室", "zhangwei"
    a.save()
    clerk.save()
    with office_settings(a.name, "淮安市清江浦区人民政府", "淮安市清江浦区人民法院"):
        yield world
    a.name, clerk.username = old
    a.save()
    clerk.save()


def shot(pg, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(IMAGES / f"web-{name}.png"), full_page=False)


def _cell(page, cell_id: str) -> str:
    return page.locator(f'[id="cell-{cell_id}"]').inner_text().strip()


def _register(form, name: str, content: str, on: str | None = None) -> None:
    """A natural person's request handed in at the counter, entered in the 登记新申请 form."""
    form.locator("select[name=applicant_type]").select_option("natural_person")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=channel]").select_option("in_person")
    if on is not None:
        form.locator("input[name=on]").fill(on)
    form.locator("textarea[name=content]").fill(content)
    form.locator("button[type=submit]").click()


def test_register_request_extend_reply_and_table3_changes(live, page, named, django_env, monkeypatch):
    world = named
    a = world["a"]
    monkeypatch.setattr(django_env, "TODAY", "2026-02-16")   # the clerk registers the request the day it came
    login(page, live, world["clerk_a"])
    page.goto(f"{live.url}/register/{a.pk}/table3/?year=2026")
    # an empty register says nothing of 2026 (blank, not 0); once it holds a request it counts from 1 January
    before = int(_cell(page, "table3.granted.natural_person") or 0)
    new_before = int(_cell(page, "table3.new_received.total") or 0)
    page.goto(f"{live.url}/register/")
    page.wait_for_url(f"**/register/{a.pk}/")
    _register(page.locator("#new-request"), "王五", "本街道2025年老旧小区改造资金使用情况", on="2026-02-16")
    page.wait_for_selector("text=已登记申请")
    due_before = page.locator("#due").inner_text()
    monkeypatch.setattr(django_env, "TODAY", "2026-03-10")   # and extends the time limit on 10 March
    page.reload()
    ext = page.locator('form[data-action="extended"]')
    ext.locator("input[name=on]").fill("2026-03-10")
    ext.locator("input[name=workdays]").fill("15")
    ext.locator("textarea[name=reason]").fill("需要调取2019年以来的档案")
    ext.locator("button:not(.pick)").click()
    page.wait_for_selector("text=已登记：延期")
    assert page.locator("#due").inner_text() != due_before
    assert "延期答复15个工作日" in page.locator("#ledger").inner_text()
    with page.expect_download() as dl:
        page.click("#letters a[href$='/letter/extension']")
    assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
    # each step stamped on the site's day it was recorded (not the machine's date): none entered late
    history = page.locator("#events").inner_text()
    assert "经办：zhangwei，登记于 2026-02-16 " in history and "经办：zhangwei，登记于 2026-03-10 " in history
    assert "补录" not in history
    shot(page, "register-request")
    reply = page.locator('form[data-action="replied"]')
    reply.locator("input[name=on]").fill("2026-03-10")
    reply.locator("select[name=outcome]").select_option("granted")
    reply.locator("button:not(.pick)").click()
    page.wait_for_selector("text=已登记：答复")
    assert "已答复" in page.locator("h1").inner_text()
    page.goto(f"{live.url}/register/{a.pk}/table3/?year=2026")
    assert int(_cell(page, "table3.granted.natural_person")) == before + 1
    assert int(_cell(page, "table3.new_received.total")) == new_before + 1
    shot(page, "table3")
    # a fuller list for the picture: requests received over the last weeks, some overdue
    from gongkai.web import regsvc
    from gongkai.web.registers import open_register

    reg = open_register(a)
    DAYS = ["2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12", "2026-02-03", "2026-02-05", "2026-02-10",
            "2026-02-24", "2026-03-02", "2026-03-09"]
    people = ["赵一", "钱二", "孙三", "李四", "周五", "吴六", "郑七", "冯八", "陈九", "褚十"]
    for i, name in enumerate(people):
        regsvc.new_request(reg, {"applicant_type": "natural_person" if i % 3 else "commercial",
                                 "applicant_name": name if i % 3 else f"{name}商贸有限公司",
                                 "channel": "internet" if i % 2 else "in_person",
                                 "content": f"关于第{i + 1}号地块征收补偿方案的信息",
                                 "submitted_on": DAYS[i]}, "测试")
    page.goto(f"{live.url}/register/{a.pk}/")
    rows = page.locator("#requests tr")
    assert rows.count() == 12
    assert page.locator("#requests .mark.overdue").count() >= 1
    assert page.locator("#requests .mark.soon").count() >= 1
    assert "王*" not in page.locator("#requests").inner_text()     # the clerk sees names in full
    shot(page, "register-list")




def test_dates_are_typed_and_shown_year_first_in_a_browser_of_any_language(live, browser, world, django_env,
                                                                           monkeypatch):
    """A browser's own date field shows its language's order (01/20/2025 in an English one): the
    register's date fields are text showing 2026-02-16, taking 2026年2月9日 as typed, with a 日历
    button whose day comes back year first."""
    monkeypatch.setattr(django_env, "TODAY", "2026-02-16")
    with browser_page(browser, PHONE, locale="en-US") as page:
        a = world["a"]
        login(page, live, world["clerk_a"])
        page.goto(f"{live.url}/register/{a.pk}/")
        form = page.locator("#new-request")
        on = form.locator("input[name=on]")
        assert on.get_attribute("type") == "text" and on.input_value() == "2026-02-16"
        # the calendar's day comes back year first
        picker = on.locator("xpath=..")
        picker.locator("button.pick").click()
        picker.locator("input.date-native").evaluate(
            "el => { el.value = '2026-02-03'; el.dispatchEvent(new Event('change', {bubbles: true})); }")
        assert on.input_value() == "2026-02-03"
        # a month-first day is not taken by the browser (the server refuses it too: test_web_pages)
        on.fill("02/09/2026")
        assert on.evaluate("el => el.validity.patternMismatch") is True
        on.fill("2026年2月9日")
        assert on.evaluate("el => el.checkValidity()") is True
        _register(form, "赵敏", "本镇2025年高标准农田建设项目验收报告")   # the date as typed above
        page.wait_for_selector("text=已登记申请")
        assert "2026-02-09 / 2026-02-09" in page.locator("table").first.inner_text()
        reply = page.locator('form[data-action="replied"]')
        assert reply.locator("input[name=on]").input_value() == "2026-02-16"
        page.screenshot(path=str(IMAGES / "web-date-phone.png"), full_page=False)
        assert page_width(page) <= 390


def test_the_register_forms_and_a_requests_facts_fit_a_phone(live, browser, world, django_env):
    """At 390 px each field of the register's forms (登记新申请, a request's 办理 forms, the 主动公开
    台账's) stood inline at its own width beside a label of its own length — a textarea beside its
    label, the hint wrapped around — and the request's facts broke 证件号码 as 证件号/码. Each control
    now stands under its label as wide as the form, and each fact's head is one line."""
    from django.test import Client

    a = world["a"]
    clerk = Client()
    clerk.force_login(world["clerk_a"])
    token = clerk.get(f"/register/{a.pk}/") and clerk.cookies["csrftoken"].value
    r = clerk.post(f"/register/{a.pk}/new", {"applicant_type": "natural_person", "applicant_name": "周八",
                                             "channel": "in_person", "content": "某小区规划许可",
                                             "submitted_on": "2026-03-02", "csrfmiddlewaretoken": token})
    ref = r["Location"].rstrip("/").rsplit("/", 1)[1]
    measure = """() => [...document.querySelectorAll('#new-request label, .actions form label, form[action$="/log/event"] label')].filter(l => l.offsetParent).map(l => {
        const c = l.querySelector(':scope > input, :scope > textarea, :scope > select, :scope > .date-field');
        const lb = l.getBoundingClientRect(), cb = c.getBoundingClientRect();
        return [l.firstChild.textContent.trim(), Math.round(cb.left - lb.left),
                c.classList.contains('date-field') ? 0 : Math.round(lb.width - cb.width), cb.top > lb.top + 10];
    })"""
    with browser_page(browser, phone=True) as page:
        login(page, live, world["clerk_a"])
        for url in (f"/register/{a.pk}/", f"/register/{a.pk}/r/{ref}/", f"/register/{a.pk}/log/"):
            page.goto(f"{live.url}{url}")
            assert page_width(page) <= 390, url
            fields = page.evaluate(measure)
            assert len(fields) >= 5, url
            assert [f for f in fields if f[1:] != [0, 0, True]] == [], url   # under its label, the label's width
        page.goto(f"{live.url}/register/{a.pk}/r/{ref}/")
        lines = page.evaluate("""() => [...document.querySelectorAll('#facts th')].map(th => {
            const r = document.createRange(); r.selectNodeContents(th);
            return [th.textContent, new Set([...r.getClientRects()].map(x => Math.round(x.top))).size];
        })""")
        assert [x for x in lines if x[1] != 1] == [] and len(lines) == 9
        # the letter templates: an unbroken id (consultation_third_party) took the width, the
        # letter's title stood two characters a line and 默认模板 one
        page.goto(f"{live.url}/register/{a.pk}/templates/")
        assert page_width(page) <= 390
        rows = page.evaluate("""() => [...document.querySelectorAll('#templates tr')].slice(1).map(tr => {
            const r = document.createRange(); r.selectNodeContents(tr.cells[2]);
            return [tr.cells[0].textContent, Math.round(tr.cells[1].getBoundingClientRect().width),
                    new Set([...r.getClientRects()].map(x => Math.round(x.top))).size];
        })""")
        assert len(rows) > 10 and [x for x in rows if x[1] < 110 or x[2] != 1] == []
