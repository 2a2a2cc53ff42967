"""``POST /api/parse`` and ``/api/check`` answered in front of Django's middleware (web/front.py):
the same status, headers (in order) and body as Django's full chain gives, for every kind of call."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from gk_web_support import EXAMPLES, client_for, django_env, seed  # noqa: F401 - fixtures

SEED = seed("000").read_bytes()
CRAWLER = (EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt").read_bytes()


def _environ(body: bytes, ctype: str = MULTIPART_CONTENT, path: str = "/api/parse", method: str = "POST",
             **headers: str) -> dict:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_TYPE": ctype, "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
            "REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "curl/8.5.0", **headers}


def _call(app, environ: dict) -> tuple[str, list, bytes]:
    got: dict = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = status, headers

    answer = app(environ, start_response)
    try:
        body = b"".join(answer)
    finally:
        if hasattr(answer, "close"):  # WSGI: close() if the iterable has one
            answer.close()
    return got["status"], got["headers"], body


def _form(**fields) -> bytes:
    return encode_multipart(BOUNDARY, fields)


@pytest.fixture
def both(django_env, monkeypatch):
    """Call both handlers with the same request; which calls went through Django's chain, which
    through Django's WSGI handler (not answered lean), how often the endpoint ran, and whether a
    database connection was opened, for the calls made to the front."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db.backends.signals import connection_created

    from gongkai.web import api, siteoptions
    from gongkai.web.wsgi import application

    assert application.active and application.lean  # settings.MIDDLEWARE is the chain front.py was checked against
    siteoptions.current()  # creates the row: a new stamp, read again below
    assert siteoptions.current() == siteoptions.cached()  # fresh, as in a server answering calls
    django = application.django
    full, handle, report_json = django._middleware_chain, WSGIHandler.__call__, api.report_json
    seen: dict[str, list] = {"chain": [], "handler": [], "endpoint": [], "connections": []}
    in_front = [False]

    def counting(kind, real):
        def counted(*args, **kwargs):
            if in_front[0]:
                seen[kind].append(args[-1].path if kind == "chain" else None)
            return real(*args, **kwargs)
        return counted

    monkeypatch.setattr(django, "_middleware_chain", counting("chain", full))
    monkeypatch.setattr(WSGIHandler, "__call__", counting("handler", handle))
    monkeypatch.setattr(api, "report_json", counting("endpoint", report_json))

    def connected(sender, connection, **kwargs):
        if in_front[0]:
            seen["connections"].append(connection.alias)

    connection_created.connect(connected)

    def call(body: bytes, **kw) -> tuple[str, list, bytes]:
        in_front[0] = True
        try:
            front = _call(application, _environ(body, **kw))
        finally:
            in_front[0] = False
        assert _call(django, _environ(body, **kw)) == front  # status, headers in order, body bytes
        return front

    call.through_django = seen["chain"]  # type: ignore[attr-defined]
    call.seen = seen  # type: ignore[attr-defined]
    yield call
    connection_created.disconnect(connected)


def _status(answer) -> tuple[str, dict]:
    import json

    return answer[0], json.loads(answer[2])


def test_plain_calls_are_answered_in_front_exactly_as_django_answers_them(both):
    good = both(_form(file=SimpleUploadedFile("a.txt", SEED)))
    assert good[0] == "200 OK" and _status(good)[1]["agency"] == "吴忠市红寺堡区红寺堡镇人民政府"
    assert [k for k, _ in good[1]] == ["Content-Type", "Access-Control-Allow-Origin", "X-Frame-Options", "Content-Length", "Vary",
                                      "X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"]
    checked = both(_form(file=SimpleUploadedFile("a.txt", CRAWLER), previous=SimpleUploadedFile("p.txt", SEED)),
                   path="/api/check")
    assert checked[0] == "200 OK" and _status(checked)[1]["findings"]
    refused = {
        "no file": _form(),
        "two files": _form(file=[SimpleUploadedFile("a.txt", SEED), SimpleUploadedFile("b.txt", SEED)]),
        "exe": _form(file=SimpleUploadedFile("x.exe", b"MZ\x00\x01")),
        "empty": _form(file=SimpleUploadedFile("x.txt", b"")),
        "not a report": _form(file=SimpleUploadedFile("x.txt", "这不是年度报告。".encode())),
        "bad previous": _form(file=SimpleUploadedFile("a.txt", SEED), previous=SimpleUploadedFile("p.exe", b"MZ")),
        "damaged base64": (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                           f"Content-Transfer-Encoding: base64\r\n\r\n!!!\r\n--{BOUNDARY}--\r\n").encode(),
        "header too long": f"--{BOUNDARY}\r\nA: {'b' * 20000}\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode(),
    }
    for why, body in refused.items():
        status, answer = _status(both(body))
        assert status == "400 Bad Request" and answer["error"], why
    assert _status(both(b"garbage", ctype="multipart/form-data")) == ("400 Bad Request", {  # no boundary
        "error": "上传内容无效：不是完整有效的 multipart/form-data 表单（分隔符、段落标头或编码有误）。"})
    many = _form(file=[SimpleUploadedFile(f"{n}.txt", b"x") for n in range(51)])
    assert _status(both(many))[0] == "413 Request Entity Too Large"
    assert both.through_django == []  # all answered in front
    # The good calls were answered at the WSGI level, every other one by Django's handler (its
    # signals and 4xx logging), with the endpoint run once at most: for the 2 good calls and the 6
    # refused ones whose form could be read (not the 4 damaged or too large forms); and no call
    # opened a database connection.
    assert len(both.seen["handler"]) == len(refused) + 2 and len(both.seen["endpoint"]) == 8
    assert both.seen["connections"] == []


def test_the_lean_answer_is_djangos_behind_https_and_with_options_changed(both, django_env):
    """The lean answer's headers follow the request's scheme (judged apart) and a changed setting;
    a stale site option sends the call through Django (it reads the row)."""
    from django.test import override_settings

    from gongkai.web import siteoptions

    form = _form(file=SimpleUploadedFile("a.txt", SEED))
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), X_FRAME_OPTIONS="DENY"):
        for proto in ("https", "http"):
            status, headers, _ = both(form, HTTP_X_FORWARDED_PROTO=proto)
            assert status == "200 OK" and ("X-Frame-Options", "DENY") in headers
    assert both.seen["handler"] == [] and both.seen["connections"] == []
    siteoptions._cached = None
    assert both(form)[0] == "200 OK"
    assert len(both.seen["handler"]) == 1 and both.seen["connections"] == ["default"]


def test_other_calls_go_through_djangos_chain_unchanged(both, django_env):
    form = _form(file=SimpleUploadedFile("a.txt", SEED))
    assert _status(both(form, method="GET"))[0] == "405 Method Not Allowed"
    assert both(form, HTTP_HOST="evil.example")[0] == "400 Bad Request"
    assert _status(both(form, HTTP_AUTHORIZATION="Bearer nonsense")) == ("401 Unauthorized",
                                                                         {"error": "API 令牌无效或已停用。"})
    with_cookie = both(form, HTTP_COOKIE="sessionid=nonsense")
    assert with_cookie[0] == "200 OK"
    assert ("Set-Cookie", ' sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax') \
        in with_cookie[1]  # Django's session middleware drops the unknown session
    assert both(form, path="/api/parse/")[0] == "404 Not Found"
    assert both.through_django == ["/api/parse"] * 4 + ["/api/parse/"]


def test_a_switched_off_anonymous_api_and_a_server_error_are_the_same_in_front(both, django_env, monkeypatch):
    from gongkai import isolate
    from gongkai.web.models import SiteOption

    form = _form(file=SimpleUploadedFile("a.txt", SEED))
    opt = SiteOption.current()
    opt.anonymous_api = False
    opt.save()
    try:
        assert _status(both(form)) == ("401 Unauthorized", {"error": "管理员已关闭匿名使用，请先登录。"})
    finally:
        opt.anonymous_api = True
        opt.save()
    assert both.through_django == ["/api/parse"]

    def broken(*args, **kwargs):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(isolate, "run", broken)
    assert _status(both(form)) == ("500 Internal Server Error", {
        "error": "服务器内部错误（RuntimeError）。请把操作步骤和所用文件报告给管理员。"})
    assert both.through_django == ["/api/parse"]  # the error was answered in front


def test_every_read_child_busy_is_a_503_to_try_again_not_a_400(both, django_env, monkeypatch):
    """An upload refused because the server was busy was answered 400 (the client's fault)."""
    from gongkai import isolate

    def busy(*args, **kwargs):
        raise isolate.Busy("服务器正忙（同时读取的文件过多），请稍后再试。", args[2])

    monkeypatch.setattr(isolate, "run", busy)
    assert _status(both(_form(file=SimpleUploadedFile("a.txt", SEED)), path="/api/check")) == (
        "503 Service Unavailable", {"error": "a.txt：服务器正忙（同时读取的文件过多），请稍后再试。"})
    from gongkai.web.openapi import document

    assert "503" in document()["paths"]["/api/check"]["post"]["responses"]


def test_a_damaged_multipart_body_is_a_400_not_a_server_error(django_env):
    """Django's multipart parser refuses a damaged body with MultiPartParserError, which the API
    answered as an internal error (500, logged with a traceback).  (A page's CSRF check reads the
    form first, where Django answers 400 itself.)"""
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n!!!\r\n--{BOUNDARY}--\r\n").encode()
    c = client_for(None)
    r = c.generic("POST", "/api/parse", body, content_type=MULTIPART_CONTENT)
    assert (r.status_code, r.json()) == (400, {
        "error": "上传内容无效：不是完整有效的 multipart/form-data 表单（分隔符、段落标头或编码有误）。"})
    c.get("/check/")
    r = c.generic("POST", "/check/", body, content_type=MULTIPART_CONTENT,
                  HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value)
    assert r.status_code == 400


def test_the_lean_answer_carries_hsts_exactly_when_django_does(django_env, monkeypatch):
    """Behind an HTTPS proxy with HSTS on (GONGKAI_WEB_SECURE), the lean answer's headers are judged
    per scheme: HSTS on the HTTPS call only, as Django's chain sends it."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    from gongkai.web import siteoptions
    from gongkai.web.front import FrontHandler

    form = _form(file=SimpleUploadedFile("a.txt", SEED))
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), SECURE_HSTS_SECONDS=3600):
        django, front = WSGIHandler(), FrontHandler(WSGIHandler())  # their middleware read the settings
        siteoptions.current()
        handled, handle = [], WSGIHandler.__call__
        monkeypatch.setattr(WSGIHandler, "__call__", lambda self, *a: handled.append(self) or handle(self, *a))
        for proto in ("https", "http", "https"):
            answer = _call(front, _environ(form, HTTP_X_FORWARDED_PROTO=proto))
            assert answer == _call(django, _environ(form, HTTP_X_FORWARDED_PROTO=proto))
            assert answer[0] == "200 OK"
            assert (("Strict-Transport-Security", "max-age=3600") in answer[1]) == (proto == "https")
        assert front not in handled and handled == [django] * 3  # the front answered lean, both schemes


def test_a_zip_of_reports_is_answered_in_front_exactly_as_django_answers_it(both):
    import zipfile

    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("乡镇/红寺堡镇.txt", SEED)
        z.writestr("乡镇/说明.xlsx", b"PK")
    status, answer = _status(both(_form(file=SimpleUploadedFile("各乡镇.zip", bundle.getvalue())), path="/api/check"))
    assert status == "200 OK" and answer["archive"] == "各乡镇.zip"
    assert [m["name"] for m in answer["members"]] == ["各乡镇.zip!乡镇/红寺堡镇.txt", "各乡镇.zip!乡镇/说明.xlsx"]
    assert answer["members"][0]["report"]["findings"] and answer["members"][1]["error"] == "不是可读取的报告文件。"
    assert both.through_django == []
