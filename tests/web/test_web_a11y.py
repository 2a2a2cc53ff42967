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
    with DisclosureLog(register_url(body.pk)) as log:
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
             "/draft/", f"/draft/{b}/2025/", f"/survey/report/{report}/"]
    # the 汇总 of one body's years (body=), and a region's sums (rollup_year=)
    supervisor = ["/register/", request, "/survey/", "/survey/?region=3208&rollup_year=2025",
                  f"/survey/?region=32&body={site['body_key']}", "/roster/?year=2025"]
    admin = ["/register/calendar/", "/admin/", "/admin/gongkai_web/body/", "/admin/auth/user/add/"]
    return {"anonymous": ["/check/", "/login/", "/no-such-page/"], "clerk": clerk, "supervisor": supervisor,
            "admin": admin}


def answers(pg, live, site, role) -> list[str]:
    """Pages that answer a form: checked reports, a refused login, a refused step of a request."""
    if role == "anonymous":
        pg.goto(f"{live.url}/check/")
        pg.set_input_files("#file-input", [str(seed("001")), str(seed("000"))])
        pg.click("#check-button")
        pg.wait_for_selector("#check-summary")
        pg.goto(f"{live.url}/login/")
        pg.fill("input[name=username]", "nobody")
        pg.fill("input[name=password]", "wrong")
        pg.click("button[type=submit]")
        pg.wait_for_selector("p.error")
        return ["checked reports", "login refused"]
    if role == "clerk":
        pg.goto(live.url + site["request"])
        form = pg.locator('form[data-action="replied"]')
        form.locator("input[name=on]").fill("2025-12-01")       # before the request came: refused
        form.locator("button").last.click()
        pg.wait_for_selector("#refused")
        assert "未能登记" in pg.inner_text("ul.messages")
        return ["refused step"]
    return []


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_every_page_of_every_role_passes_axe(live, browser, site, size):
    found: dict[str, list[str]] = {}
    for role, urls in pages(site).items():
        with browser_page(browser, DESK, phone=size == "phone") as pg:
            if role != "anonymous":
                login(pg, live, site[role])
            for url in urls:
                status = pg.goto(live.url + url).status
                assert status == (404 if "no-such" in url else 200), (url, status)
                if "body=" in url or "rollup_year" in url:   # what the page is there for is on it
                    assert pg.locator("#body-years" if "body=" in url else "#rollup").count() == 1, url
                found[f"{role} {url}"] = violations(pg)
            for state in answers(pg, live, site, role):
                found[f"{role} {state}"] = violations(pg)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, "\n".join(f"{k}\n  " + "\n  ".join(v) for k, v in bad.items())
    assert len(found) == 26
