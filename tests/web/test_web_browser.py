"""Real browser walks (Playwright driving Debian's chromium, no browser download) through each
page on a live waitress server on loopback; each saves a screenshot (docs/images/web-*.png when
GONGKAI_SCREENSHOTS=docs/images is set)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from gk_web_support import PASSWORD, ROOT, LiveServer, django_env, seed, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser
# Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM calls (making
# users) are ordinary blocking calls and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--lang=zh-CN"]
# Screenshots go to a scratch folder; GONGKAI_SCREENSHOTS=docs/images refreshes the pictures of the docs.
IMAGES = Path(os.environ.get("GONGKAI_SCREENSHOTS") or Path(tempfile.gettempdir()) / "gongkai-screenshots")
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def live(django_env):
    server = LiveServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is required (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=TIMEOUT_MS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN", accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(TIMEOUT_MS)
    blocked = []
    # the app must need nothing from the internet: any request off loopback fails the test
    pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1", "blob:", "data:"))
             else (blocked.append(route.request.url), route.abort()))
    pg.blocked = blocked
    yield pg
    assert not blocked, blocked
    ctx.close()


@pytest.fixture
def named(world):
    """The world with a real-looking body and clerk name for the pictures (restored afterwards)."""
    a, clerk = world["a"], world["clerk_a"]
    old = (a.name, clerk.username)
    a.name, clerk.username = "淮安市清江浦区人民政府办公室", "zhangwei"
    a.save()
    clerk.save()
    yield world
    a.name, clerk.username = old
    a.save()
    clerk.save()


def shot(pg, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(IMAGES / f"web-{name}.png"), full_page=False)


def login(pg, live, user) -> None:
    pg.goto(f"{live.url}/login/")
    pg.fill("input[name=username]", user.username)
    pg.fill("input[name=password]", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url(lambda url: "/login/" not in url)


def test_check_page_upload_seeds_and_see_findings(live, page):
    from gongkai.check import check_report
    from gongkai.extract import parse_file

    expected = [f.rule for f in check_report(parse_file(seed("001")))]
    assert expected
    page.goto(f"{live.url}/check/")
    assert page.locator("nav a").all_inner_texts() == ["检查", "编制", "台账", "汇总"]
    page.set_input_files("#file-input", [str(seed("001")), str(seed("000"))])
    with page.expect_request(lambda r: r.url.endswith("/check/") and r.method == "POST") as posted:
        page.click("#check-button")
    assert posted.value.headers.get("hx-request") == "true"     # htmx (vendored) did the upload
    page.wait_for_selector("#r1-report .finding")
    rules = page.locator("#r1-report .finding").evaluate_all("els => els.map(e => e.dataset.rule)")
    assert rules == expected
    assert page.locator("#r2-report").count() == 1
    link = page.locator("#r1-report a.to-cell").first
    if link.count():
        target = link.get_attribute("data-cell")
        link.click()
        assert "flash" in page.locator(f'[id="{target}"]').get_attribute("class")
    with page.expect_download() as dl:
        page.click('#r1-report button.dl[data-type="application/json"]')
    import json

    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert [f["rule"] for f in data["findings"]] == expected
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "check")
    # drag and drop: a file dropped on the zone is uploaded like a chosen one
    text = seed("002").read_text(encoding="utf-8")
    page.evaluate("""text => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], "dropped.txt", {type: "text/plain"}));
        document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true}));
    }""", text)
    assert "dropped.txt" in page.locator("#chosen").inner_text()
    page.click("#check-button")
    page.wait_for_selector('#r1-report[data-report="dropped.txt"]')
    # a PDF: the source is shown as read, and a finding points at the cell on its page
    page.set_input_files("#file-input", [str(ROOT / "examples" / "hongze-district-2024.pdf")])
    page.click("#check-button")
    page.wait_for_selector("#r1-report .src.blocks")
    link = page.locator('#r1-report a.to-cell[data-line*="-src-"]').first
    target = link.get_attribute("data-line")
    link.click()
    assert "flash" in page.locator(f'[id="{target}"]').get_attribute("class")
    shot(page, "check-pdf")


def test_draft_build_report_and_download_docx(live, page, named):
    world = named
    login(page, live, world["clerk_a"])
    page.goto(f"{live.url}/draft/")
    page.fill("#new-draft input[name=year]", "2025")
    page.click("#new-draft button[type=submit]")
    page.wait_for_url(f"**/draft/{world['a'].pk}/2025/")
    summary = page.locator("#identity-summary")
    assert summary.inner_text() == "表格尚未填写"
    assert "尚不能导出正式报告" in page.locator("#not-ready").inner_text()
    page.fill('input[name="table4.review.upheld"]', "abc")          # a word in a number cell: marked at once
    assert page.locator("#invalid-summary").inner_text() == "1 个单元格不是有效的数字（标红）"
    assert "invalid" in page.locator('input[name="table4.review.upheld"]').locator("xpath=..").get_attribute("class")
    page.evaluate("document.querySelectorAll('.grid input').forEach(i => { i.value = '0'; })")
    for n in range(1, 7):
        page.fill(f'textarea[name="section-{n}"]', f"第{n}部分的内容。")
    page.fill('input[name="table4.review.upheld"]', "0")
    assert summary.inner_text() == "全部相符" and page.locator("#invalid-summary").inner_text() == ""
    cell = page.locator('input[name="table3.new_received.natural_person"]')
    cell.fill("3")                       # breaks 新收+结转 = 总计+结转下年 and the row sum, live
    assert "不相符" in summary.inner_text()
    assert "bad" in cell.locator("xpath=..").get_attribute("class")
    page.locator("details:has(.identities)").evaluate("d => d.open = true")
    page.locator("#grid-table3").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#grid-table3').scrollIntoView({block: 'start'}); window.scrollBy(0, -110)")
    shot(page, "draft")
    for name, value in (("table3.new_received.total", "3"), ("table3.granted.natural_person", "3"),
                        ("table3.granted.total", "3"), ("table3.total.natural_person", "3"),
                        ("table3.total.total", "3")):
        page.fill(f'input[name="{name}"]', value)
    assert summary.inner_text() == "全部相符"
    page.fill('textarea[name="section-1"]', "2025年，本机关认真贯彻《条例》，全年收到政府信息公开申请3件，均予以公开。"
                                            "\n\n**（一）主动公开** <script>x</script>")
    preview = page.locator("#md-preview-1")
    preview.locator("strong").wait_for()                       # the Markdown typeset live (htmx)
    assert preview.locator("strong").inner_text() == "（一）主动公开"
    assert preview.locator("script").count() == 0 and "<script>x</script>" in preview.inner_text()
    page.evaluate("document.querySelector('textarea[name=\"section-1\"]').scrollIntoView({block: 'center'})")
    shot(page, "draft-narrative")
    page.click("#save")
    page.wait_for_selector("text=已保存")
    assert page.locator('input[name="table3.granted.total"]').input_value() == "3"
    with page.expect_download() as dl:
        page.click('a[data-download="docx"]')
    data = Path(dl.value.path()).read_bytes()
    assert data[:2] == b"PK"
    from io import BytesIO

    from docx import Document

    doc = Document(BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert world["a"].name in text and "全年收到政府信息公开申请3件" in text


def _cell(page, cell_id: str) -> str:
    return page.locator(f'[id="cell-{cell_id}"]').inner_text().strip()


def test_register_request_extend_reply_and_table3_changes(live, page, named):
    world = named
    a = world["a"]
    login(page, live, world["clerk_a"])
    page.goto(f"{live.url}/register/{a.pk}/table3/?year=2026")
    before = int(_cell(page, "table3.granted.natural_person"))
    new_before = int(_cell(page, "table3.new_received.total"))
    page.goto(f"{live.url}/register/")
    page.wait_for_url(f"**/register/{a.pk}/")
    form = page.locator("#new-request")
    form.locator("select[name=applicant_type]").select_option("natural_person")
    form.locator("input[name=applicant_name]").fill("王五")
    form.locator("input[name=submitted_on]").fill("2026-02-16")
    form.locator("textarea[name=content]").fill("本街道2025年老旧小区改造资金使用情况")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=已登记申请")
    due_before = page.locator("#due").inner_text()
    ext = page.locator('form[data-action="extended"]')
    ext.locator("input[name=on]").fill("2026-03-10")
    ext.locator("input[name=workdays]").fill("15")
    ext.locator("input[name=reason]").fill("需要调取2019年以来的档案")
    ext.locator("button").click()
    page.wait_for_selector("text=已登记：延期")
    assert page.locator("#due").inner_text() != due_before
    assert "延期答复15个工作日" in page.locator("#ledger").inner_text()
    with page.expect_download() as dl:
        page.click("#letters a[href$='/letter/extension']")
    assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
    shot(page, "register-request")
    reply = page.locator('form[data-action="replied"]')
    reply.locator("input[name=on]").fill("2026-03-10")
    reply.locator("select[name=outcome]").select_option("granted")
    reply.locator("button").click()
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


def test_survey_and_login_pages(live, page, world):
    from django.conf import settings

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store

    with Store(settings.CORPUS_URL) as store:
        if not store.query("SELECT COUNT(*) FROM documents")[0][0]:
            ingest([str(p) for p in sorted((ROOT / "examples").glob("*.txt"))], store, workers=1)
    page.goto(f"{live.url}/login/")
    shot(page, "login")
    login(page, live, world["admin"])
    page.goto(f"{live.url}/survey/")
    assert page.locator("#matrix tr").count() > 1
    assert page.locator(".charts svg").count() >= 2
    shot(page, "survey")
    page.select_option("#rollup-form select[name=rollup_year]", "2021")
    page.click("#rollup-form button")
    page.wait_for_selector("#rollup table")
    page.click("#compare-form button")
    frame = page.frame_locator("iframe[name=compare-frame]")
    assert "年度报告比较" in frame.locator("h1").inner_text()
    page.evaluate("document.querySelector('#compare-form').scrollIntoView({block: 'start'})")
    shot(page, "survey-compare")
