"""Every file field reads in Chinese whatever the browser's language: the native input (Chromium
writes Choose File / No file chosen in an English browser) is hidden behind the check page's
Chinese button (one include, web/file_input.html), and the names chosen are written beside it."""

from __future__ import annotations

import os

import pytest
from gk_web_support import PHONE, browser, browser_page, django_env, live, login, make_body, make_user  # noqa: F401

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")   # the test's own ORM calls, in Playwright's thread

# page -> (the field's name as shown, its button) for each file field on it
CLERK = {
    "/register/{b}/": [("导入台账（CSV 或 Excel）", "选择文件")],
    "/register/{b}/log/": [("导入（CSV 或 Excel）", "选择文件")],
    "/register/{b}/templates/": [("模板文件（.docx）", "选择文件")],
    "/draft/": [("上年度报告（可选，任何可读取的格式；不上传时取本系统中的上年报告）", "选择上年报告")],
    "/check/": [("上年度报告（可选，用于核对上年结转、现行有效件数、上年所列问题的整改和文字雷同；也可是只含这一份报告的 ZIP 压缩包）",
                 "选择上年报告")],
}
SUPERVISOR = {
    "/survey/": [("报告文件", "选择文件")],
    "/roster/": [("名单文件", "选择文件")],
}

FIELDS = """() => Array.from(document.querySelectorAll('.file-field')).map(f => {
  const input = f.querySelector('input[type=file]'), r = input.getBoundingClientRect();
  return [f.querySelector('.inline-label').innerText, document.querySelector(`label[for="${input.id}"]`).innerText,
          Math.round(r.width), Math.round(r.height)];
})"""


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desk", "phone"])
def test_file_fields_show_the_chinese_button_in_an_english_browser(live, browser, tmp_path, viewport):
    body = make_body(region="320812")
    people = [(make_user("clerk", body), CLERK), (make_user("supervisor", region="320800"), SUPERVISOR)]
    chosen = tmp_path / "名单.csv"
    chosen.write_text("机关名称,行政区划代码\n", encoding="utf-8")
    for user, pages in people:
        with browser_page(browser, viewport, locale="en-US") as pg:
            login(pg, live, user)
            for url, fields in pages.items():
                pg.goto(live.url + url.format(b=body.pk))
                # the native input is 1 px and transparent: its English words are nowhere to be seen
                assert pg.evaluate(FIELDS) == [[label, button, 1, 1] for label, button in fields], url
                pg.set_input_files(".file-field input[type=file]", [str(chosen)])
                assert pg.inner_text(".file-field .chosen") == "已选择：名单.csv", url
