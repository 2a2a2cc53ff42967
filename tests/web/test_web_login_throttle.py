"""Login throttling (django-axes, in the database): per account and per address, atomic under
concurrency — twelve wrong passwords sent at once are checked five times, not twelve."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
import uuid

from gk_web_support import PASSWORD, LiveServer, django_env, make_user, world  # noqa: F401 - fixtures


def _login(base: str, username: str, password: str) -> int:
    """A browser's login: the form (for its CSRF cookie and token), then the POST; the status."""
    import http.cookiejar
    import re

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                         _NoRedirect())
    html = opener.open(f"{base}/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    req = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"})
    try:
        return opener.open(req, timeout=120).status
    except urllib.error.HTTPError as exc:
        return exc.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _failures(username: str | None = None) -> int:
    from axes.models import AccessAttempt

    rows = AccessAttempt.objects.all() if username is None else AccessAttempt.objects.filter(username=username)
    return sum(a.failures_since_start for a in rows)


def _count_password_checks(monkeypatch) -> list:
    """Calls of the password backend (the live server runs in this process)."""
    from django.contrib.auth.backends import ModelBackend

    calls: list = []
    real = ModelBackend.authenticate

    def counted(self, request, username=None, password=None, **kwargs):
        calls.append(username)
        return real(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counted)
    return calls


def test_twelve_concurrent_wrong_passwords_lock_the_account_at_five(django_env, world, monkeypatch):
    name = world["clerk_b"].username
    checks = _count_password_checks(monkeypatch)
    server = LiveServer()  # waitress, 4 threads, as the real server
    try:
        statuses = []
        threads = [threading.Thread(target=lambda: statuses.append(_login(server.url, name, "wrong")))
                   for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        # five wrong passwords were checked: four got the form again (200), the fifth locked the account
        # (429); the other seven found the lock without a password check.  Before: twelve checked.
        assert sorted(statuses) == [200] * 4 + [429] * 8
        assert checks == [name] * 5
        assert _failures(name) == 12  # every attempt is on record (and keeps the account locked)
        assert _login(server.url, name, PASSWORD) == 429  # the right password is refused while locked
        assert len(checks) == 5
    finally:
        server.close()


def test_password_spraying_from_one_address_is_stopped(django_env, monkeypatch):
    checks = _count_password_checks(monkeypatch)
    users = [make_user("clerk", __import__("gk_web_support").make_body()) for _ in range(3)]
    server = LiveServer()
    try:
        names = [f"nobody-{uuid.uuid4().hex[:6]}" for _ in range(27)] + [u.username for u in users]
        statuses = [_login(server.url, n, "Spring2026!") for n in names]
        assert statuses[:4] == [200] * 4 and set(statuses[4:]) == {429}  # before: 30 checked passwords
        assert checks == names[:5]
        # a real user with the right password, from the same address, waits out the pause too
        assert _login(server.url, users[0].username, PASSWORD) == 429
        assert len(checks) == 5
    finally:
        server.close()
