"""名录 and the web page's 发布时间 a crawler kept: 条例第四十九条 measures when a report is
向社会公布, so a report is judged by when its page went up whenever a crawler kept that, its 落款
standing in only without it; each row says which date it was judged by, and a 落款 and a 发布时间
on either side of the deadline are both said — on the page, in the CSV/XLSX and in the JSON."""

from __future__ import annotations

import csv
import io
import os
from datetime import date

import pytest
from gk_web_support import browser, client_for, corpus_of, django_env, live, make_user, synthetic_report  # noqa: F401

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")   # the fixtures' ORM calls, in Playwright's thread

YEAR = 2025   # departments: due 2026-01-31
BODIES = {  # name: (落款, the page's 发布时间)
    "淮安市清江浦区教育局": (None, "2026-02-03 10:05"),            # no 落款, posted late
    "淮安市清江浦区财政局": (None, "2026-01-20 09:30"),            # no 落款, posted in time
    "淮安市清江浦区审计局": (date(2026, 1, 20), "2026-02-03 10:05"),  # signed in time, posted late
    "淮安市清江浦区水利局": (date(2026, 2, 3), "2026-01-28 16:00"),   # signed late, posted in time
    "淮安市清江浦区商务局": (date(2026, 1, 20), "2026-01-21 08:00"),  # both in time: as before
    "淮安市清江浦区司法局": (date(2027, 1, 16), ""),                   # a 落款 not yet come (2026 mistyped), no 发布时间
}


def crawled(name: str, signed: date | None, posted: str) -> str:
    """The text a crawler keeps of the report's page: its header, then the body run into one line."""
    body = "".join(synthetic_report(name, YEAR, signed).split("\n"))
    return (f"标题: {name}{YEAR}年政府信息公开工作年度报告\n发布时间: {posted}\n文号: \n发布机构: \n"
            f"栏目: 政府信息公开年报\n原文链接: https://www.example.gov.cn/{len(name)}.htm\n"
            f"==================== 正文 ====================\n{body}\n")


@pytest.fixture(scope="module")
def roster(django_env, tmp_path_factory):
    """The five bodies' crawled pages in a corpus of their own, and the bodies on the roster (set up
    before the module's browser starts: the ORM refuses to run beside its event loop)."""
    from gongkai.web.models import RosterEntry

    folder = tmp_path_factory.mktemp("posted")
    paths = []
    for i, (name, (signed, posted)) in enumerate(BODIES.items()):
        path = folder / f"page-{i}.txt"
        path.write_text(crawled(name, signed, posted), encoding="utf-8")
        paths.append(str(path))
    with corpus_of(folder, paths):
        RosterEntry.objects.all().delete()
        for name in BODIES:
            RosterEntry.objects.create(name=name, region_code="320812", kind="department")
        yield make_user("supervisor", region="320800")
        RosterEntry.objects.all().delete()


def html_of(c) -> str:
    return c.get(f"/roster/?year={YEAR}").content.decode()


def test_the_roster_judges_by_the_pages_posting_time_and_says_which_date_it_measured(roster):
    """Before: 教育局's and 财政局's reports, which bear no 落款, were 已公开（无落款日期） though
    their pages said when they went up.  And until 0.9.5 a report with both dates followed its 落款:
    审计局's, signed in time but put up three days late, was 按期公开 with a red note, 水利局's,
    put up in time under a mistyped late 落款, 逾期公开 — though 第四十九条 measures publication."""
    c = client_for(roster)
    d = c.get(f"/api/roster?year={YEAR}").json()
    got = {b["name"]: (b["status"], b["published"], b["posted"], b["judged_by"], b["days_late"], b["date_note"])
           for b in d["bodies"]}
    assert got == {
        "淮安市清江浦区教育局": ("late", None, "2026-02-03T10:05", "posted", 3,
                                 "无落款日期，按网页发布时间 2026-02-03 10:05 判断"),
        "淮安市清江浦区财政局": ("on_time", None, "2026-01-20T09:30", "posted", None,
                                 "无落款日期，按网页发布时间 2026-01-20 09:30 判断"),
        "淮安市清江浦区审计局": ("late", "2026-01-20", "2026-02-03T10:05", "posted", 3,
                                 "按网页发布时间 2026-02-03 10:05 判断：落款日期在期限内，但晚于期限 3 天才向社会公布"),
        "淮安市清江浦区水利局": ("on_time", "2026-02-03", "2026-01-28T16:00", "posted", None,
                                 "按网页发布时间 2026-01-28 16:00 判断，在期限内；落款日期晚于期限，也晚于发布时间，请核对落款日期是否有误"),
        "淮安市清江浦区商务局": ("on_time", "2026-01-20", "2026-01-21T08:00", "posted", None,
                                 "按网页发布时间 2026-01-21 08:00 判断"),
        # was late, 逾期公开 晚 350 天 on 10 March, 38 days after the deadline
        "淮安市清江浦区司法局": ("undated", "2027-01-16", None, None, None, "落款日期晚于今天，不能据以判断是否按期"),
    }
    assert (d["summary"]["on_time"], d["summary"]["late"], d["summary"]["undated"]) == (3, 2, 1)
    row = next(r for r in html_of(c).split("<tr ") if 'data-name="淮安市清江浦区司法局"' in r)
    assert ('<span class="mark undated">已公开，日期不明</span><br><small class="hint" data-judged-by="None">'
            "落款日期晚于今天，不能据以判断是否按期</small><br><small class=\"defects\">落款日期晚于今天（2026-03-10），"
            "可能写错，请核对</small>") in row
    assert "，日期不明 1）" in html_of(c)

    html = c.get(f"/roster/?year={YEAR}").content.decode()
    row = next(r for r in html.split("<tr ") if 'data-name="淮安市清江浦区教育局"' in r)
    assert ('<span class="mark late">逾期公开</span><br><small>晚 3 天</small><br><small class="hint" data-judged-by="posted">'
            "无落款日期，按网页发布时间 2026-02-03 10:05 判断</small>") in row
    assert '<td data-label="落款日期">—<br><small class="hint">网页发布时间 2026-02-03 10:05</small></td>' in row
    row = next(r for r in html.split("<tr ") if 'data-name="淮安市清江浦区审计局"' in r)
    assert ('<span class="mark late">逾期公开</span><br><small>晚 3 天</small><br><small class="defects" data-judged-by="posted">'
            "按网页发布时间 2026-02-03 10:05 判断：落款日期在期限内，但晚于期限 3 天才向社会公布</small>") in row
    row = next(r for r in html.split("<tr ") if 'data-name="淮安市清江浦区商务局"' in r)
    assert ('<span class="mark on_time">按期公开</span><br><small class="hint" data-judged-by="posted">'
            "按网页发布时间 2026-01-21 08:00 判断</small>") in row

    rows = list(csv.reader(io.StringIO(c.get(f"/roster/export.csv?year={YEAR}").content.decode("utf-8-sig"))))
    assert rows[0][5:11] == ["状态", "落款日期", "网页发布时间", "判定依据", "逾期天数", "日期说明"]
    by_name = {r[0]: r[5:11] for r in rows[1:]}
    assert by_name["淮安市清江浦区教育局"] == ["逾期公开", "", "2026-02-03 10:05", "网页发布时间", "3",
                                              "无落款日期，按网页发布时间 2026-02-03 10:05 判断"]
    assert by_name["淮安市清江浦区水利局"] == ["按期公开", "2026-02-03", "2026-01-28 16:00", "网页发布时间", "",
                                              "按网页发布时间 2026-01-28 16:00 判断，在期限内；落款日期晚于期限，也晚于发布时间，请核对落款日期是否有误"]
    assert by_name["淮安市清江浦区商务局"] == ["按期公开", "2026-01-20", "2026-01-21 08:00", "网页发布时间", "",
                                              "按网页发布时间 2026-01-21 08:00 判断"]

    from openpyxl import load_workbook

    sheet = [[x.value for x in r] for r in load_workbook(io.BytesIO(c.get(f"/roster/export.xlsx?year={YEAR}").content)).active.iter_rows()]
    assert sheet[0] == rows[0]
    xlsx = {r[0]: r[5:11] for r in sheet[1:]}
    assert xlsx["淮安市清江浦区财政局"] == ["按期公开", None, "2026-01-20 09:30", "网页发布时间", None,
                                          "无落款日期，按网页发布时间 2026-01-20 09:30 判断"]


def test_both_dates_read_on_a_phone(roster, live, browser):
    """At 390 px each body is a card: the page's 发布时间 under the 落款日期, the note under the status."""
    from gk_web_support import IMAGES, browser_page, login, page_width

    with browser_page(browser, phone=True) as pg:
        login(pg, live, roster)
        pg.goto(f"{live.url}/roster/?year={YEAR}")
        assert page_width(pg) == 390
        card = pg.locator('#roster tr[data-name="淮安市清江浦区审计局"]')
        assert card.locator("[data-judged-by]").inner_text() == (
            "按网页发布时间 2026-02-03 10:05 判断：落款日期在期限内，但晚于期限 3 天才向社会公布")
        assert card.locator('td[data-label="落款日期"]').inner_text().split("\n") == [
            "2026-01-20", "网页发布时间 2026-02-03 10:05"]
        box, note = card.bounding_box(), card.locator("[data-judged-by]").bounding_box()
        assert box and note and note["x"] >= box["x"] and note["x"] + note["width"] <= box["x"] + box["width"]
        IMAGES.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(IMAGES / "web-roster-posted-phone.png"), full_page=True)
