"""The site's database cannot be reached (PostgreSQL shutting down, restarting, a connection it
dropped; SQLite held by another process): whichever layer meets it — the API token's middleware,
the session's look-up of the signed-in user, a view, the front's site option — the answer is the
Chinese 503 with Retry-After, never a 500, and it asks the failed database nothing more.  The same
against a real PostgreSQL stopped and started: tests/db/test_db_pg_restart.py."""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager

import psycopg
import pytest
from gk_web_support import client_for, django_env, world  # noqa: F401 - fixtures

GONE_GET = "暂时无法连接网页应用的数据库（可能正在重新启动）：请稍后重试。"
GONE_POST = ("暂时无法连接网页应用的数据库（可能正在重新启动）。刚才提交的内容可能已经保存，也可能没有："
             "请稍后刷新查看，确认没有保存再重新提交。")


def _shutting_down():
    from django.db import OperationalError

    exc = OperationalError("the database system is shutting down")
    exc.__cause__ = psycopg.errors.CannotConnectNow("the database system is shutting down")   # SQLSTATE 57P03
    return exc


def _locked():
    from django.db import OperationalError

    exc = OperationalError("database is locked")
    exc.__cause__ = sqlite3.OperationalError("database is locked")
    return exc


def _connection_bad():
    from django.db import OperationalError

    exc = OperationalError("connection is bad")
    exc.__cause__ = psycopg.OperationalError("connection is bad: … failed: No such file or directory")  # no SQLSTATE
    return exc


@contextmanager
def database_gone(make=_shutting_down):
    """Every statement the site's connection runs from now on fails as ``make`` says."""
    from django.db import connection

    asked = []

    def fail(execute, sql, params, many, context):
        asked.append(sql)
        raise make()

    with connection.execute_wrapper(fail):
        yield asked


def test_the_api_tokens_look_up_meeting_a_database_shutting_down_is_a_503(world):
    from django.test import Client

    from gongkai.web.models import ApiToken

    token = ApiToken.issue(world["clerk_a"])
    with database_gone():
        got = Client(raise_request_exception=False).get(f"/api/bodies/{world['a'].id}/requests", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (got.status_code, got["Retry-After"], json.loads(got.content)) == (503, "10", {"error": GONE_GET})
    got = Client(raise_request_exception=False).get(f"/api/bodies/{world['a'].id}/requests", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert got.status_code == 200   # the database back: served again


@pytest.mark.parametrize("make", [_shutting_down, _connection_bad])
def test_a_signed_in_page_whose_session_cannot_be_read_is_a_503_page(world, make):
    client = client_for(world["clerk_a"])
    client.raise_request_exception = False   # (an exception answered by handler500 is raised by Django's test client)
    with database_gone(make) as asked:
        got = client.get(f"/register/{world['a'].id}/")
    assert (got.status_code, got["Retry-After"]) == (503, "10")
    page = got.content.decode()
    assert f'<p class="error" role="alert">{GONE_GET}</p>' in page
    assert '<div class="who">' not in page and "/login/" not in page   # nobody named, nor 登录 offered: not looked up
    assert len(asked) == 1                               # the session's one look-up, nothing after it
    assert client.get(f"/register/{world['a'].id}/").status_code == 200


def test_a_form_posted_while_the_database_is_gone_says_it_may_have_been_kept(world):
    client = client_for(world["clerk_a"])
    client.raise_request_exception = False   # (an exception answered by handler500 is raised by Django's test client)
    client.get(f"/register/{world['a'].id}/")
    csrf = client.cookies["csrftoken"].value
    with database_gone():
        got = client.post(f"/register/{world['a'].id}/new", {"name": "张三", "csrfmiddlewaretoken": csrf})
    assert (got.status_code, got["Retry-After"]) == (503, "10")
    assert f'<p class="error" role="alert">{GONE_POST}</p>' in got.content.decode()


def test_sqlite_held_by_another_process_is_a_503_naming_the_wait(world):
    from django.test import Client

    from gongkai.web.models import ApiToken

    token = ApiToken.issue(world["clerk_a"])
    with database_gone(_locked):
        got = Client(raise_request_exception=False).get(f"/api/bodies/{world['a'].id}/requests", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert (got.status_code, got["Retry-After"], json.loads(got.content)) == (
        503, "10", {"error": "网页应用的数据库正被其他程序占用，等了 30 秒仍未释放：请稍后重试。"})


def test_an_anonymous_call_in_front_meeting_the_database_gone_is_a_503(django_env, monkeypatch):
    """The front (web/front.py) reads the site option before it knows the call is plain: that read
    escaped every handler, the WSGI server's bare 500."""
    from test_web_front import _call, _environ, _form

    from gongkai.web import siteoptions
    from gongkai.web.wsgi import application

    monkeypatch.setattr(siteoptions, "_cached", None)     # the option to be read from the database
    with database_gone():
        status, headers, body = _call(application, _environ(_form(file=b"x")))
    assert (status, dict(headers)["Retry-After"], json.loads(body)) == ("503 Service Unavailable", "10",
                                                                         {"error": GONE_POST})


def test_a_503_line_not_a_traceback_in_the_log():
    """Django logs an exception met in a middleware with its traceback: for a database gone, the
    line alone (web/logs.py)."""
    import logging

    from gongkai.web.logs import DatabaseGoneInOneLine

    def record(exc):
        return logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Service Unavailable: %s",
                                 ("/api/x",), (type(exc), exc, None))

    gone, other = record(_shutting_down()), record(RuntimeError("bug"))
    assert DatabaseGoneInOneLine().filter(gone) and gone.exc_info is None
    assert logging.Formatter().format(gone) == "Service Unavailable: /api/x"
    assert DatabaseGoneInOneLine().filter(other) and other.exc_info is not None   # a real error keeps its traceback


def test_a_registers_database_gone_keeps_the_signed_in_user_on_the_page(world, monkeypatch):
    """Only a register's database down (DatabaseUnavailable): the site's own database works, so the
    503 page is the ordinary one, naming who is signed in (the clerk is not made to think the
    session lost)."""
    from gongkai.db import DatabaseUnavailable
    from gongkai.web import views_register

    def gone(body):
        raise DatabaseUnavailable("登记簿数据库暂时无法连接。")

    client = client_for(world["clerk_a"])
    client.raise_request_exception = False
    monkeypatch.setattr(views_register, "open_register", gone)
    got = client.get(f"/register/{world['a'].id}/")
    assert (got.status_code, got["Retry-After"]) == (503, "10")
    page = got.content.decode()
    assert '<p class="error" role="alert">登记簿数据库暂时无法连接。</p>' in page
    assert '<div class="who">' in page and world["clerk_a"].username in page and "/logout/" in page
