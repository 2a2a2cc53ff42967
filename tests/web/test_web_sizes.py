"""A download link states its file's size beside its format where the size is known (a phone on a
slow line): the 检查页's JSON, CSV and HTML (made in the page: their bytes are there), a stored
report's JSON, the letter templates (stored files); the files made on the click — a request's
letters, a draft's exports, the register's exports — once made (web/sizes.py), the cheap ones
(a letter's or a draft's DOCX, HTML, Markdown) made for it when the page is drawn."""

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


def _said(data: bytes) -> str:
    from gongkai.web.viewfilters import file_size

    return file_size(len(data))


def test_a_requests_letters_state_their_size_the_pdf_once_made(django_env, world):
    """The request page's DOCX and PDF links said no size (made on the click)."""
    from test_web_pages import _csrf, _registered

    a = world["a"]
    c = client_for(world["clerk_a"])
    ref = _registered(c, a, _csrf(c, f"/register/{a.pk}/"), "周八", "2026-03-02")
    url = f"/register/{a.pk}/r/{ref}/letter/receipt"
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    docx = c.get(url).content
    assert docx[:2] == b"PK"
    assert (f'<a href="{url}">DOCX，{_said(docx)}<span class="vh">（Word 文档，登记回执）</span></a> · '
            f'<a href="{url}?format=pdf">PDF<span class="vh">（PDF 文档，登记回执）</span></a>') in page
    pdf = c.get(f"{url}?format=pdf").content
    assert pdf[:5] == b"%PDF-"
    page = c.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    assert f'<a href="{url}?format=pdf">PDF，{_said(pdf)}<span class="vh">（PDF 文档，登记回执）</span></a>' in page
    # the supervisor, who may not download letters, sees none
    assert "letter/receipt" not in client_for(world["supervisor"]).get(f"/register/{a.pk}/r/{ref}/").content.decode()


def test_a_drafts_exports_state_their_size(django_env, world):
    """The 编制 page's DOCX, PDF, HTML and MD buttons said no size: DOCX, HTML and MD now do as
    soon as export is allowed, the PDF once it has been made; a change to the draft is a new file."""
    from test_web_pages import _complete_form, _csrf

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, "/draft/")
    c.post("/draft/new", {"body": a.pk, "year": "2025", "format": "2021", "csrfmiddlewaretoken": token})
    html = c.post(f"/draft/{a.pk}/2025/", {**_complete_form(), "csrfmiddlewaretoken": token},
                  follow=True).content.decode()

    def button(form: str, size: str = "") -> str:
        return (f'<a class="button secondary" href="/draft/{a.pk}/2025/download/{form}" data-download="{form}">'
                f'{form.upper()}{size}<span class="vh">')

    made = {form: c.get(f"/draft/{a.pk}/2025/download/{form}").content for form in ("docx", "html", "md")}
    for form, data in made.items():
        assert button(form, f"，{_said(data)}") in html, form
    assert button("pdf") in html
    html = c.post(f"/draft/{a.pk}/2025/", {**_complete_form(**{"table4.review.upheld": "7",
                                                                   "table4.review.total": "7"}),
                                            "csrfmiddlewaretoken": token}, follow=True).content.decode()
    changed = c.get(f"/draft/{a.pk}/2025/download/md").content
    assert changed != made["md"] and button("md", f"，{_said(changed)}") in html


def test_the_registers_exports_state_their_size_once_made_while_it_stands(django_env, world):
    """The register's Excel and CSV buttons said no size. Made on the click (a large register
    takes long), each states its size from then on, until the register changes."""
    from test_web_pages import _csrf, _registered

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/")
    _registered(c, a, token, "周八", "2026-03-02")
    listing = c.get(f"/register/{a.pk}/").content.decode()
    assert f'<a class="button secondary" href="/register/{a.pk}/export.xlsx">Excel</a>' in listing
    xlsx = c.get(f"/register/{a.pk}/export.xlsx").content
    csv = c.get(f"/register/{a.pk}/export.csv?contact=1").content
    listing = c.get(f"/register/{a.pk}/").content.decode()
    assert f'<a class="button secondary" href="/register/{a.pk}/export.xlsx">Excel，{_said(xlsx)}</a>' in listing
    assert f'<a class="button secondary" href="/register/{a.pk}/export.csv">CSV</a>' in listing
    assert f'<a class="button secondary" href="/register/{a.pk}/export.csv?contact=1">CSV，{_said(csv)}</a>' in listing
    _registered(c, a, token, "吴九", "2026-03-03")       # the register changed: those files are no longer it
    listing = c.get(f"/register/{a.pk}/").content.decode()
    assert f'<a class="button secondary" href="/register/{a.pk}/export.xlsx">Excel</a>' in listing
    assert f'<a class="button secondary" href="/register/{a.pk}/export.csv?contact=1">CSV</a>' in listing


def test_the_logs_exports_state_their_size_once_made_while_it_stands(django_env, world):
    """The 主动公开台账's Excel and CSV buttons said no size: as the register's, each states it
    once made, until the log changes (a new entry, or an item's first 失效 — an update alone)."""
    from test_web_pages import _csrf

    a = world["a"]
    c = client_for(world["clerk_a"])
    token = _csrf(c, f"/register/{a.pk}/log/")
    event = f"/register/{a.pk}/log/event"

    def post(**fields):
        assert c.post(event, {**fields, "csrfmiddlewaretoken": token}).status_code == 302, fields

    post(what="add", title="丁塘镇2025年困难群众救助对象名单", kind="other", made_on="2026-03-02", attribute="active",
         reason="", existing="0")
    button = f'<a class="button secondary" href="/register/{a.pk}/log/export.xlsx">Excel{{}}</a>'
    assert button.format("") in c.get(f"/register/{a.pk}/log/").content.decode()
    xlsx = c.get(f"/register/{a.pk}/log/export.xlsx").content
    assert button.format(f"，{_said(xlsx)}") in c.get(f"/register/{a.pk}/log/").content.decode()
    post(what="repeal", ref="D2026-000001", ending="expired", on="2026-03-06", note="")
    assert button.format("") in c.get(f"/register/{a.pk}/log/").content.decode()


# Another process of the same site (a second waitress worker, or the server after a restart):
# Django configured as `gongkai serve` configures it, the pages drawn for the same clerk.
_OTHER_PROCESS = """
import sys
from gongkai.cli.serve import setup
setup(None)
from django.contrib.auth.models import User
from django.test import Client
c = Client()
c.force_login(User.objects.get(username=sys.argv[1]))
for url in sys.argv[2:]:
    sys.stdout.write(c.get(url).content.decode() + "\\f")
"""


def test_a_size_once_made_is_stated_by_every_process_of_the_site(django_env, world):
    """The sizes were remembered in the memory of the process that made the file: another server
    process (or the same server restarted) stated no size for a PDF or an export this one had
    made, so two workers drew the same page two ways.  They are kept in the site's folder now."""
    import subprocess
    import sys

    from gk_web_support import site_process_environ
    from test_web_pages import _csrf, _registered

    a = world["a"]
    c = client_for(world["clerk_a"])
    ref = _registered(c, a, _csrf(c, f"/register/{a.pk}/"), "周八", "2026-03-02")
    url = f"/register/{a.pk}/r/{ref}/letter/receipt"
    pdf = c.get(f"{url}?format=pdf").content
    xlsx = c.get(f"/register/{a.pk}/export.xlsx").content
    assert pdf[:5] == b"%PDF-" and xlsx[:2] == b"PK"
    r = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, world["clerk_a"].username,
                        f"/register/{a.pk}/r/{ref}/", f"/register/{a.pk}/"],
                       env=site_process_environ(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    page, listing, _ = r.stdout.split("\f")
    assert f'<a href="{url}?format=pdf">PDF，{_said(pdf)}<span class="vh">（PDF 文档，登记回执）</span></a>' in page
    assert f'<a class="button secondary" href="/register/{a.pk}/export.xlsx">Excel，{_said(xlsx)}</a>' in listing


def test_the_sizes_kept_are_bounded(django_env, monkeypatch, tmp_path):
    """At most LIMIT sizes are kept in the site's folder, the oldest dropped first."""
    from gongkai.web import sizes

    monkeypatch.setattr(sizes, "_folder", lambda: tmp_path)   # the site's folder, this test's alone
    monkeypatch.setattr(sizes, "LIMIT", 3)
    monkeypatch.setattr(sizes, "_PRUNE_EVERY", 1)
    keys = [sizes.fingerprint("bounded", n) for n in range(5)]
    for n, key in enumerate(keys):
        sizes.remember(key, b"x" * n)
        os.utime(sizes._path(key), (1_000_000 + n, 1_000_000 + n))   # written in this order
    sizes.remember(keys[4], b"x" * 4)
    assert [sizes.known(k) for k in keys] == [None, None, 2, 3, 4]


def test_a_size_not_kept_leaves_no_temporary_file(django_env, monkeypatch, tmp_path):
    """A failed rename (a full disk, a folder gone read-only) costs the size, and leaves no
    ``.size-*`` file behind: pruning skips dot-names, so one left would stay for ever."""
    from gongkai.web import sizes

    monkeypatch.setattr(sizes, "_folder", lambda: tmp_path)

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sizes.os, "replace", full)
    key = sizes.fingerprint("full disk", 1)
    assert sizes.remember(key, b"abc") == b"abc"
    assert sizes.known(key) is None
    assert sorted(os.listdir(tmp_path)) == []
