"""What django-axes (登录保护) says in the server's terminal and on the admin page, in Chinese:
a wrong password and a lockout logged in English (masked: no account, no address) before."""

from __future__ import annotations

import io
import logging

from gk_web_support import PASSWORD, django_env, world  # noqa: F401 - fixtures


def test_wrong_passwords_and_a_lockout_are_said_in_chinese_in_the_terminal(django_env, world):
    from django.test import Client

    handler = next(h for h in logging.getLogger("axes").handlers if isinstance(h, logging.StreamHandler))
    terminal = io.StringIO()
    old = handler.setStream(terminal)
    try:
        user = world["clerk_a"]
        c = Client()
        for _ in range(django_env.AXES_FAILURE_LIMIT):
            c.post("/login/", {"username": user.username, "password": "wrong"})
    finally:
        handler.setStream(old)
    assert terminal.getvalue().splitlines() == [
        "gongkai：登录失败，已记录；详见管理页面“登录保护”",
        *["gongkai：再次登录失败，已记录；详见管理页面“登录保护”"] * (django_env.AXES_FAILURE_LIMIT - 1),
        "gongkai：同一账户或同一地址多次登录失败，已暂停其登录 15 分钟；详见管理页面“登录保护”（可在那里解除）",
    ]
    # attempts while locked out are refused unchecked — said so, not as one more wrong password
    terminal = io.StringIO()
    old = handler.setStream(terminal)
    try:
        assert c.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 429
        assert c.post("/login/", {"username": user.username, "password": "wrong"}).status_code == 429
    finally:
        handler.setStream(old)
    assert terminal.getvalue().splitlines() == [
        "gongkai：登录被拒绝：该账户或地址正暂停登录（多次登录失败），未核对密码；暂停 15 分钟自这次尝试起重新计算；"
        "详见管理页面“登录保护”（可在那里解除）"] * 2
    # a wrong password from an address not locked, for another account, is a plain failure again
    terminal = io.StringIO()
    old = handler.setStream(terminal)
    try:
        Client(REMOTE_ADDR="10.0.0.9").post("/login/", {"username": world["clerk_b"].username, "password": "wrong"})
    finally:
        handler.setStream(old)
    assert terminal.getvalue().splitlines() == ["gongkai：登录失败，已记录；详见管理页面“登录保护”"]


def test_the_admins_cleaning_of_expired_attempts_works_and_answers_in_chinese(django_env, world):
    """django-axes' own action answered 500 (it reads an attribute it sets only on a login) and
    would have said "Cleaned up 0 expired access attempts." """
    from axes.models import AccessAttempt
    from django.test import Client

    Client().post("/login/", {"username": world["clerk_a"].username, "password": "wrong"})
    attempt = AccessAttempt.objects.get(username=world["clerk_a"].username)
    admin = Client()
    admin.force_login(world["admin"])
    page = admin.get("/admin/axes/accessattempt/").content.decode()
    assert "清除过期的登录失败记录" in page and "Clean up" not in page
    r = admin.post("/admin/axes/accessattempt/", {"action": "cleanup_expired_attempts",
                                                  "_selected_action": [attempt.pk]}, follow=True)
    assert "已清除 0 条过期的登录失败记录。" in r.content.decode()   # not expired yet: nothing cleaned
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    from datetime import timedelta

    from django.utils import timezone

    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=timezone.now() - timedelta(hours=1))
    r = admin.post("/admin/axes/accessattempt/", {"action": "cleanup_expired_attempts",
                                                  "_selected_action": [attempt.pk]}, follow=True)
    assert "已清除 1 条过期的登录失败记录。" in r.content.decode()   # older than the 15 minutes: gone
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
