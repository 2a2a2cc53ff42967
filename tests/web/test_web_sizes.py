"""A download link states its file's size beside its format where the size is known (a phone on a
slow line): the 检查页's JSON, CSV and HTML (made in the page: their bytes are there), a stored
report's JSON, and the letter templates (stored files)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from gk_web_support import (  # noqa: F401 - fixtures
    LiveServer,
    browser,
    browser_page,
    client_for,
    corpus_of,
    django_env,
    seed,
    world,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")   # the test's own ORM calls, in Playwright's thread


@pytest.mark.parametrize(("size", "said"), [(0, "0 字节"), (1023, "1023 字节"), (1024, "1 KB"), (217_088, "212 KB"),
                                            (1024 * 1024 - 1, "1024 KB"), (1024 * 1024, "1.0 MB"), (5_400_000, "5.1 MB")])
def test_a_size_is_said_as_a_person_reads_it(size, said):
    from gongkai.web.viewfilters import file_size

    assert file_size(size) == said


def test_the_templates_and_a_stored_reports_json_state_their_size(world, tmp_path):
    from django.test import override_settings

    from gongkai.register import letters

    c = client_for(world["clerk_a"])
    a = world["a"].pk
    page = c.get(f"/register/{a}/templates/").content.decode()
    for letter in letters.letter_ids():
        got = c.get(f"/register/{a}/templates/{letter}.docx").content
        size = f"{round(len(got) / 1024)} KB"
        assert f'<a href="/register/{a}/templates/{letter}.docx">下载（DOCX，{size}）</a>' in page, letter
    with corpus_of(tmp_path, [str(seed("002"))]) as url, override_settings(CORPUS_URL=url):
        html = client_for(world["supervisor"]).get("/survey/report/1/").content.decode()
    saved = re.search(r'<script id="report-json" type="application/json">(.*?)</script>', html, re.S)
    assert saved is not None
    import json

    size = len(json.loads(saved.group(1)).encode("utf-8"))   # what the button saves
    assert f'data-type="application/json">下载 JSON（{round(size / 1024)} KB）</button>' in html


def test_the_check_pages_downloads_are_the_size_they_say(django_env, browser):
    server = LiveServer()
    try:
        with browser_page(browser, accept_downloads=True) as pg:
            pg.goto(f"{server.url}/check/")
            pg.set_input_files("#file-input", [str(seed("002"))])
            pg.click("#check-button")
            pg.wait_for_selector("#r1-report")
            for kind, label in (("application/json", "JSON"), ("text/csv", "CSV"), ("text/html", "HTML 检查页")):
                button = pg.locator(f'#r1-report button.dl[data-type="{kind}"]')
                with pg.expect_download() as dl:
                    button.click()
                size = Path(dl.value.path()).stat().st_size
                said = f"{size} 字节" if size < 1024 else f"{round(size / 1024)} KB"
                assert button.inner_text() == f"{label}，{said}", kind
    finally:
        server.close()
