"""The administrator's pages (Django's admin): in Chinese, django-axes' pages and the admin's
JavaScript included, and usable on a 390 px phone (nothing wider than the screen; a list's
columns keep their words on one line and scroll sideways inside their own box)."""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path

import pytest
from gk_web_support import (  # noqa: F401
    IMAGES,
    browser,
    browser_page,
    client_for,
    django_env,
    live,
    login,
    world,
)

LOCALE = Path(__file__).resolve().parents[2] / "src" / "gongkai" / "web" / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (single-line entries, as ours are)."""
    text = path.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M)
    return {i.replace('\\"', '"'): s.replace('\\"', '"') for i, s in pairs if i}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_compiled_catalogs_are_the_po_files(domain):
    with open(LOCALE / f"{domain}.mo", "rb") as f:
        compiled = {k: v for k, v in gettext.GNUTranslations(f)._catalog.items() if k}
    assert compiled == _po(LOCALE / f"{domain}.po")  # msgfmt -o {domain}.mo {domain}.po after an edit


def test_the_admin_speaks_chinese(django_env, world):
    admin = client_for(world["admin"])
    index = admin.get("/admin/").content.decode()
    for label in ("登录保护", "登录失败计数", "登录失败日志", "登录日志", "用户角色", "机关"):
        assert f">{label}<" in index
    assert "Access attempts" not in index and ">Axes<" not in index  # before: django-axes in English
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(username="nobody-admin-test", ip_address="127.0.0.9", user_agent="x",
                                           http_accept="", path_info="/login/", get_data="", post_data="",
                                           failures_since_start=2)
    try:
        attempts = admin.get("/admin/axes/accessattempt/").content.decode()
    finally:
        attempt.delete()
    assert "3 次可再尝试" in attempts  # AXES_FAILURE_LIMIT 5, 2 failed
    for head in ("时间", "IP 地址", "浏览器标识", "用户名", "路径", "失败次数", "状态"):
        assert f">{head}</a>" in attempts or f">{head}</span>" in attempts, head
    users = admin.get("/admin/auth/user/").content.decode()
    assert ">角色</a>" in users and ">所属机关或地区</span>" in users and "机关经办人" in users
    profiles = admin.get("/admin/gongkai_web/userprofile/").content.decode()
    assert ">用户</a>" in profiles and ">User</a>" not in profiles
    # a form's labels close with the full-width colon (Django's catalog kept "用户名:"), and the
    # header names the site without a space between Chinese words (it read "政府信息公开 管理")
    login_page = client_for(None).get("/admin/login/").content.decode()
    assert '<label for="id_username" class="required">用户名：</label>' in login_page
    assert ">政府信息公开工作管理后台</a>" in login_page and "用户名:" not in login_page
    change = admin.get(f"/admin/auth/user/{world['admin'].pk}/change/").content.decode()
    assert '<label class="required" for="id_username">用户名：</label>' in change and "<label>密码：</label>" in change
    chooser = admin.get("/admin/jsi18n/").content.decode()  # the groups and permissions chooser
    assert "\\u5168\\u90e8\\u9009\\u62e9%s" in chooser or "全部选择%s" in chooser  # "Choose all %s"


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
def test_the_admin_fits_a_phone(live, browser, world):
    with browser_page(browser, phone=True) as pg:
        login(pg, live, world["admin"], admin=True)
        IMAGES.mkdir(parents=True, exist_ok=True)
        # a body's form (its own review body and court), then the lists: the checks below read the last
        for name, path in (("body", f"/admin/gongkai_web/body/{world['a'].pk}/change/"), ("index", "/admin/"),
                           ("users", "/admin/auth/user/"), ("profiles", "/admin/gongkai_web/userprofile/")):
            pg.goto(live.url + path)
            pg.screenshot(path=str(IMAGES / f"admin-{name}-phone.png"), full_page=True)
            inner, scroll = pg.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
            assert max(inner, scroll) == 390, f"{path}: the page is {max(inner, scroll)} px wide on a 390 px phone"
        # The role column kept its words on one line (before: 机关经办人 one character a line).
        lines = pg.evaluate("""() => [...document.querySelectorAll('#result_list td.field-role')].map(td => {
            const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; })""")
        assert len(lines) >= 3 and set(lines) == {1}, lines
        box = pg.evaluate("getComputedStyle(document.querySelector('#changelist-form .results')).overflowX")
        assert box == "auto"  # the wider table scrolls inside its own box
