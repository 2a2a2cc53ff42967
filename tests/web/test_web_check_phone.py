"""The 检查页 on a 390 px phone with a city's five-digit figures in tables 3 and 4: the tables
cannot fit at a legible size, so each scrolls in its box with its row labels 7em wide and in view
(the labels were squeezed to four characters a line in table 3 and one in table 4)."""

from __future__ import annotations

import os

from gk_web_support import PHONE, LiveServer, browser, browser_page, django_env  # noqa: F401 - fixtures

from tests.render.test_render_phone import STAT_TABLES_ON_A_PHONE, five_digit_city

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")   # the fixtures' ORM calls, in Playwright's thread


def test_five_digit_tables_scroll_in_their_box_with_the_labels_in_view(django_env, browser, tmp_path):
    source = tmp_path / "huaian-city-2024-big.json"
    source.write_text(five_digit_city().to_json(), encoding="utf-8")
    server = LiveServer()
    try:
        with browser_page(browser, PHONE, phone=True) as pg:
            pg.goto(f"{server.url}/check/")
            pg.set_input_files("#file-input", [str(source)])
            pg.click("#check-button")
            pg.wait_for_selector("#r1-report table.sums")
            width = pg.evaluate("document.documentElement.scrollWidth")
            tables = pg.evaluate(STAT_TABLES_ON_A_PHONE, "#r1-report .table-wrap")
            pg.evaluate("document.querySelectorAll('#r1-report .table-wrap')[1].scrollLeft = 80")
            pg.locator("#r1-report .table-wrap").nth(1).screenshot(path=str(tmp_path / "table3.png"))
    finally:
        server.close()
    assert width == 390
    assert tables == [[True, True, True, 0, True], [True, True, True, 0, True]]  # tables 3 and 4
