"""A finding of several cells — a blank row, column or table is ONE CELL-BLANK finding naming
every cell — leads on the 检查页 to all of them, in the tables and in the source (it led to its
first cell and first line only)."""

from __future__ import annotations

import os
import re

from gk_web_support import EXAMPLES, LiveServer, browser, browser_page, client_for, django_env, seed  # noqa: F401 - fixtures

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")   # the test's own ORM calls, in Playwright's thread

# seed 002's blank 总计 column of table 3: ten rows, lines 46–55 of the file
ROWS = ["granted", "partial", "denied.state_secret", "denied.law_forbidden", "denied.security_stability",
        "denied.third_party", "denied.internal_affairs", "denied.process_info", "denied.enforcement_file",
        "denied.admin_query"]


def _blank_finding(html: str) -> str:
    (li,) = [li for li in re.findall(r'<li class="finding.*?</li>', html, re.S) if 'data-rule="CELL-BLANK"' in li]
    return li


def test_a_blank_columns_finding_names_every_cell_and_line(django_env):
    p = seed("002")
    c = client_for(None)
    c.get("/check/")
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = c.post("/check/", {"file": SimpleUploadedFile(p.name, p.read_bytes()),
                              "csrfmiddlewaretoken": c.cookies["csrftoken"].value}).content.decode()
    li = _blank_finding(html)
    cells = " ".join(f"r1-cell-table3.{row}.total" for row in ROWS)
    lines = " ".join(f"r1-L{n}" for n in range(46, 56))
    assert f'<a href="#r1-cell-table3.granted.total" class="to-cell" data-cell="{cells}" data-line="{lines}">' in li
    assert f'<a href="#r1-L46" class="to-cell to-line" data-cell="{lines}">原文第46–55行</a>' in li
    for n in range(46, 56):   # every line of it marked in the source
        assert f'<li id="r1-L{n}" class="marked">' in html


def test_a_header_labels_finding_links_the_line_it_names(django_env):
    # examples/004: 表二's header 本年处理决定事项 is on line 29, the row under it on line 30; the
    # finding said 第29行第2栏 and its link 原文第30行
    p = EXAMPLES / "004_53b26eabaeeb0073.txt"
    c = client_for(None)
    c.get("/check/")
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = c.post("/check/", {"file": SimpleUploadedFile(p.name, p.read_bytes()),
                              "csrfmiddlewaretoken": c.cookies["csrftoken"].value}).content.decode()
    (li,) = [li for li in re.findall(r'<li class="finding.*?</li>', html, re.S) if "本年处理决定事项" in li
             and "第二十条第（五）项" in li]
    assert "第29行第2栏" in li
    assert '<a href="#r1-L29" class="to-cell to-line" data-cell="r1-L29">原文第29行</a>' in li
    assert '<li id="r1-L29" class="marked">' in html


def test_clicking_it_flashes_every_cell_and_line(django_env, browser):
    server = LiveServer()
    try:
        with browser_page(browser) as pg:
            pg.goto(f"{server.url}/check/")
            pg.set_input_files("#file-input", [str(seed("002"))])
            pg.click("#check-button")
            link = pg.locator('#r1-report .finding[data-rule="CELL-BLANK"] a.to-cell').first
            link.click()
            flashed = pg.evaluate("[...document.querySelectorAll('#r1-report .flash')].map(e => e.id)")
            assert flashed == [f"r1-cell-table3.{row}.total" for row in ROWS] + [f"r1-L{n}" for n in range(46, 56)]
            pg.screenshot(path="/tmp/gongkai-screenshots/check-blank-column.png", full_page=False)
    finally:
        server.close()
