"""Who can read what we show: axe-core (axe-playwright-python, its own copy of axe; nothing
downloaded) on every page type of every role, logged in as each, at a desk (1280 px) and on a
phone (390 px at 2×) in Debian's chromium; zero violations of the WCAG 2.0/2.1 A and AA rules and
of axe's best practices.  No rule is disabled."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from gk_web_support import (  # noqa: F401
    PHONE,
    browser,
    browser_page,
    client_for,
    corpus_of,
    django_env,
    huaian_reports,
    live,
    login,
    make_body,
    make_user,
    seed,
)

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")   # the test's own ORM calls, in Playwright's thread

# WCAG 2.0/2.1 A and AA, and axe's best practices (landmarks, one main, heading order, empty table
# heads, region): every rule of axe 4.12 tagged so.  No rule disabled.
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
DESK = {"width": 1280, "height": 800}


def violations(pg) -> list[str]:
    """axe's violations of the WCAG A/AA rules on the page as shown: rule, and where."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(pg, options={"runOnly": {"type": "tag", "values": RULES}, "resultTypes": ["violations"]})
    return [f"{v['id']}: {n['target']} {n.get('failureSummary', '')[:160]!r}"
            for v in results.response["violations"] for n in v["nodes"]]


SMALL_TEXT = """() => [...document.querySelectorAll('main *, #container *')].filter(e =>
    [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && e.getBoundingClientRect().width
    && parseFloat(getComputedStyle(e).fontSize) < (e.closest('sup') ? 11 : 12))
    .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + getComputedStyle(e).fontSize)"""


def _csrf(c, url):
    html = c.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def site(django_env, tmp_path_factory):
    """A body with a clerk, a request (extended, one overdue), a log item, a draft; a supervisor of
    the region; an admin; a corpus of two 淮安 reports and a roster."""
    from gongkai.log.store import DisclosureLog, NewItem
    from gongkai.web import roster
    from gongkai.web.models import RosterEntry
    from gongkai.web.registers import register_url

    body = make_body(region="320812")
    people = {"clerk": make_user("clerk", body), "supervisor": make_user("supervisor", region="320800"),
              "admin": make_user("admin")}
    c = client_for(people["clerk"])
    token = _csrf(c, f"/register/{body.pk}/")
    r = c.post(f"/register/{body.pk}/new", {"applicant_type": "natural_person", "applicant_name": "张三",
                                            "channel": "in_person", "content": "某文件", "on": "2026-01-05",
                                            "csrfmiddlewaretoken": token})
    assert r.status_code == 302, r.content.decode()[-400:]
    request = r["Location"]
    with DisclosureLog(register_url(body.pk), create=True) as log:
        item = log.add(NewItem("某事项公示", "other", date(2026, 1, 5)), "clerk")
    r = c.post("/draft/new", {"body": body.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token})
    assert r.status_code == 302, r.content.decode()[-400:]
    folder = tmp_path_factory.mktemp("corpus")
    paths = huaian_reports(folder, [("淮安市清江浦区教育局", date(2026, 2, 10)), ("淮安市清江浦区财政局", date(2026, 1, 10))],
                           2025)
    with corpus_of(folder, paths) as url:
        from gongkai.corpus.store import Store

        with Store(url) as store:
            ids = [r.id for r in store.reports()]
        RosterEntry.objects.all().delete()
        for name in ("淮安市清江浦区教育局", "淮安市清江浦区财政局", "淮安市清江浦区水利局"):
            roster.add(roster.clean_entry(name, "320812"), "测试")
        yield {"body": body, **people, "request": request, "item": item, "reports": ids, "body_key": "320812/教育局"}
        RosterEntry.objects.all().delete()


def pages(site) -> dict[str, list[str]]:
    """Every page type each role reaches (a page needing a form's answer is reached by doing it)."""
    b, request, report = site["body"].pk, site["request"], site["reports"][0]
    clerk = [f"/register/{b}/", request, f"/register/{b}/log/", f"/register/{b}/log/item/{site['item']}/",
             f"/register/{b}/table3/?year=2026", f"/register/{b}/templates/", "/register/calendar/",
             "/draft/", f"/draft/{b}/2025/", f"/draft/{b}/2025/preview", f"/survey/report/{report}/"]
    # the 汇总 of one body's years (body=), and a region's sums (rollup_year=)
    supervisor = ["/register/", request, "/survey/", "/survey/?region=3208&rollup_year=2025",
                  f"/survey/?region=32&body={site['body_key']}", "/roster/?year=2025",
                  f"/survey/compare?a={report}&b={site['reports'][1]}"]   # the previews shown in a frame, as pages
    admin = ["/register/calendar/", "/admin/", "/admin/gongkai_web/body/", "/admin/auth/user/add/"]
    return {"anonymous": ["/check/", "/login/", "/no-such-page/"], "clerk": clerk, "supervisor": supervisor,
            "admin": admin}


def check_two_reports(pg, live) -> None:
    pg.goto(f"{live.url}/check/")
    pg.set_input_files("#file-input", [str(seed("001")), str(seed("000"))])
    pg.click("#check-button")
    pg.wait_for_selector("#check-summary")


def refused_login(pg, live) -> None:
    pg.goto(f"{live.url}/login/")
    pg.fill("input[name=username]", "nobody")
    pg.fill("input[name=password]", "wrong")
    pg.click("button[type=submit]")
    pg.wait_for_selector("#login-error")


def refused_reply(pg, live, site) -> None:
    """The clerk answers the request on a day before it came: refused, the form shown again."""
    pg.goto(live.url + site["request"])
    form = pg.locator('form[data-action="replied"]')
    form.locator("input[name=on]").fill("2025-12-01")
    form.locator("button").last.click()
    pg.wait_for_selector("#refused")
    assert "未能登记" in pg.inner_text("ul.messages")


def answers(pg, live, site, role) -> list[str]:
    """Pages that answer a form: checked reports, a refused login, a refused step of a request."""
    if role == "anonymous":
        check_two_reports(pg, live)
        refused_login(pg, live)
        return ["checked reports", "login refused"]
    if role == "clerk":
        refused_reply(pg, live, site)
        return ["refused step"]
    return []


# a desk; a phone (390 px at 2×); a 1280 px window zoomed to 200% (640 CSS px at 2 device px each)
SIZES = {"desk": (DESK, False, {}), "phone": (PHONE, True, {}),
         "zoom200": ({"width": 640, "height": 400}, False, {"device_scale_factor": 2})}


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_of_every_role_passes_axe(live, browser, site, size):
    """axe finds nothing (at a desk and on a phone; at 200% zoom the phone's rules apply, below
    640 px); on a phone and at 200% zoom nothing is wider than the window; on a phone no text of
    ours is smaller than 12 px (a superscript 11 px)."""
    viewport, phone, options = SIZES[size]
    found: dict[str, list[str]] = {}
    for role, urls in pages(site).items():
        with browser_page(browser, viewport, phone=phone, **options) as pg:
            if role != "anonymous":
                login(pg, live, site[role])
            for url in urls:
                status = pg.goto(live.url + url).status
                assert status == (404 if "no-such" in url else 200), (url, status)
                if "body=" in url or "rollup_year" in url:   # what the page is there for is on it
                    assert pg.locator("#body-years" if "body=" in url else "#rollup").count() == 1, url
                found[f"{role} {url}"] = violations(pg) if size != "zoom200" else []
                if size != "desk":
                    width = pg.evaluate("document.documentElement.scrollWidth")
                    assert width <= pg.viewport_size["width"], (url, width)
                if size == "phone":   # Chinese text 12 px at least (a superscript 11)
                    assert pg.evaluate(SMALL_TEXT) == [], url
            for state in answers(pg, live, site, role):
                found[f"{role} {state}"] = violations(pg) if size != "zoom200" else []
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}\n  " + "\n  ".join(v) for k, v in bad.items())
    assert len(found) == 28


def _focused(pg) -> dict:
    return pg.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        const why = (e.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
            .map(id => document.getElementById(id).innerText.trim()).join(' ');
        return {tag: e.tagName.toLowerCase(), id: e.id, name: e.name || '', text: e.innerText.trim(),
                outline: s.outlineStyle + ' ' + s.outlineWidth, top: Math.round(e.getBoundingClientRect().top),
                why: why, invalid: e.getAttribute('aria-invalid')}; }""")


def test_keyboard_alone_skip_link_focus_ring_and_refusals_read_out(live, browser, site):
    """By keyboard: the first Tab reaches 跳到正文 (shown), Enter goes past the header; every stop
    shows a 3 px ring; a refused step comes back with the keyboard on its first field, the refusal
    its description; a refused login names its fields; checked reports take the keyboard to them."""
    with browser_page(browser, DESK) as pg:
        login(pg, live, site["clerk"])
        pg.goto(live.url + site["request"])
        pg.keyboard.press("Tab")
        assert _focused(pg) == {"tag": "a", "id": "", "name": "", "text": "跳到正文", "outline": "solid 3px",
                                "top": 8, "why": "", "invalid": None}
        pg.keyboard.press("Enter")
        pg.wait_for_function("document.activeElement.id === 'main'", timeout=10_000)
        pg.keyboard.press("Tab")                                   # the page's first link, past the header
        assert _focused(pg)["text"].startswith("← ") and _focused(pg)["outline"] == "solid 3px"
        refused_reply(pg, live, site)
        # the page moves the keyboard at DOMContentLoaded (app.js, deferred), which can come after
        # #refused is parsed: wait for the move itself, not a time
        pg.wait_for_function("document.activeElement.closest('form.refused') !== null", timeout=10_000)
        said = _focused(pg)
        assert (said["tag"], said["name"], said["outline"]) == ("input", "on", "solid 3px")
        assert said["why"].startswith("未能登记：") and pg.locator("#messages[role=alert] li.error").count() == 1
        assert pg.evaluate("document.activeElement.closest('form').id") == "refused"

    with browser_page(browser, DESK) as pg:
        refused_login(pg, live)
        for name in ("username", "password"):
            pg.focus(f"input[name={name}]")
            assert (_focused(pg)["why"], _focused(pg)["invalid"]) == ("用户名或密码不正确，请重试。", "true")
        # the file chooser: the hidden input's focus shows on its label
        pg.goto(f"{live.url}/check/")
        pg.focus("#file-input")
        ring = pg.evaluate("getComputedStyle(document.querySelector('label[for=file-input]')).outlineStyle")
        assert ring == "solid"
        check_two_reports(pg, live)
        pg.wait_for_function("document.activeElement.tagName === 'H2'")
        assert _focused(pg)["text"] == "共 2 个文件"


def test_chinese_text_has_room_and_forced_colours_keep_edges_and_marks(live, browser, site):
    """At 390 px the text is 15 px on 24 px lines (1.6); in forced colours (Windows high contrast)
    buttons keep an edge and a cell a finding blames keeps its outline (backgrounds are dropped)."""
    with browser_page(browser, PHONE, phone=True) as pg:
        pg.goto(f"{live.url}/check/")
        assert pg.evaluate("[getComputedStyle(document.querySelector('p.hint')).fontSize,"
                           " getComputedStyle(document.body).lineHeight]") == ["13.8px", "24px"]
    with browser_page(browser, DESK, forced_colors="active") as pg:
        pg.goto(f"{live.url}/check/")
        edge = "s => [s.borderTopStyle, s.borderTopWidth]"
        assert pg.eval_on_selector("#check-button", f"e => ({edge})(getComputedStyle(e))") == ["solid", "1px"]
        pg.set_input_files("#file-input", [str(seed("002"))])
        pg.click("#check-button")
        pg.wait_for_selector(".result td.sev-warning")
        assert pg.eval_on_selector(".result td.sev-warning", "e => getComputedStyle(e).outlineStyle") == "solid"


def test_a_cell_a_finding_blames_carries_its_number_not_only_a_colour():
    """Seed 002's ten table-3 totals left blank (warning 1, one CELL-BLANK for the column): a blank cell was told
    only by its yellow; now each shows the number of its finding (“问题1” to a screen reader), as
    the list numbers them; the legend says so."""
    from gongkai.check import check_report
    from gongkai.load import load
    from gongkai.render.review import render_review

    report = load(seed("002"))
    findings = check_report(report)
    page = render_review(report, findings)
    blamed = re.findall(r'<td id="cell-(table3\.[a-z_.]+)" class="num sev-warning" title="问题(\d+)">(\d*)'
                        r'<sup class="fno"><span class="vh">问题</span>(\d+)</sup></td>', page)
    assert [(cell, n) for cell, n, value, shown in blamed if n == shown and value == ""] == [
        (f"table3.{r}.total", "1") for r in [
            "granted", "partial", "denied.state_secret", "denied.law_forbidden", "denied.security_stability",
            "denied.third_party", "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
            "denied.admin_query"]]
    assert [cell for cell, _, _, _ in blamed] == findings[0].cells
    assert ('<sup class="fno">1</sup> 问题清单中的序号：该格或该行、列是这一问题所指（红底为错误，黄底为警告，蓝底为提示）'
            in page)


def test_the_downloaded_check_page_passes_axe_too(browser):
    """The HTML 检查页 (download, and `gongkai check --html`) and its index: a page of its own,
    outside the site (it had no main landmark)."""
    from gongkai.check import check_report
    from gongkai.load import load
    from gongkai.render.review import render_index, render_review

    report = load(seed("002"))
    findings = check_report(report)
    with browser_page(browser, DESK) as pg:
        pg.set_content(render_review(report, findings))
        assert violations(pg) == []
        pg.set_content(render_index([("002.txt", "002.html", report, findings)], []))
        assert violations(pg) == []


def test_a_chart_says_its_figures_in_words():
    """A chart is a picture (role="img"): its name carries every figure, blanks as blanks."""
    from gongkai.render.charts import hbar_chart

    svg = hbar_chart("本年新收申请（件）", [("2021 年", 5), ("2022–2024 年", "无报告"), ("2025 年", None)], "件")
    assert 'role="img" aria-label="本年新收申请（件）：2021 年 5件；2022–2024 年 无报告；2025 年 无数据"' in svg


def test_links_to_files_say_what_they_are(site):
    """A letter's “DOCX”/“PDF” and the report's exports say the kind of file and which letter
    or report (to a screen reader, listing the links out of context); the charts say where their
    figures are as text."""
    body = site["body"].pk
    html = client_for(site["clerk"]).get(site["request"]).content.decode()
    assert re.findall(r'>(DOCX|PDF)(?:，\d+ KB)?<span class="vh">（([^）]+)）</span></a>', html) == [
        ("DOCX", "Word 文档，登记回执"), ("PDF", "PDF 文档，登记回执")]   # (with its size where known: test_web_sizes)
    html = client_for(site["clerk"]).get(f"/draft/{body}/2025/").content.decode()
    assert "尚不能导出正式报告" in html      # exports offered once the report is complete: their names below
    from django.template import engines

    link = engines["django"].from_string(
        '{% for key in forms %}<a>{{ key|upper }}<span class="vh">（{{ key|file_kind }}）</span></a>{% endfor %}')
    assert link.render({"forms": ["docx", "pdf", "html", "md"]}) == "".join(
        f'<a>{k}<span class="vh">（{w}）</span></a>' for k, w in
        [("DOCX", "Word 文档"), ("PDF", "PDF 文档"), ("HTML", "网页文件"), ("MD", "Markdown 文本")])
    html = client_for(site["supervisor"]).get("/survey/?region=3208").content.decode()
    assert '<p class="hint" id="charts-figures">图中的数字即上方“问题按规则”和“各地区统计”表中的数字。</p>' in html


def test_every_head_of_the_draft_grids_says_what_it_heads(site):
    """The 编制 grids' heads: table 2's article a column group, every column and row head its scope
    (a screen reader names each input's row and column from them)."""
    html = client_for(site["clerk"]).get(f"/draft/{site['body'].pk}/2025/").content.decode()
    for grid in ("grid-table2", "grid-table3", "grid-table4"):
        part = html.split(f'id="{grid}"')[1].split("</div>")[0]
        scopes = re.findall(r'<th(?: colspan="\d+")?(?: scope="(\w+)")?>', part)
        assert scopes and "" not in scopes, (grid, scopes[:5])
        assert set(scopes) == ({"colgroup", "col", "row"} if grid == "grid-table2" else {"col", "row"})
