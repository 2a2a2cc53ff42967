"""HTTP methods as a monitor, a link checker or another site's script uses them (RFC 9110, Fetch):
HEAD on every page answered as GET without its body, conditional HEAD, CORS preflights of the
public calls, and the refusal of a session's unsafe request without its CSRF token."""

from __future__ import annotations

import http.client
import os

from gk_web_support import LiveServer, browser, client_for, django_env, world  # noqa: F401 - fixtures

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")   # the test's own ORM calls, in Playwright's thread


def _pages(world) -> dict[str, list[str]]:
    """Every kind of GET page, by who opens it."""
    a = world["a"].pk
    return {
        "clerk_a": ["/check/", "/draft/", "/register/", "/register/calendar/", f"/register/{a}/",
                    f"/register/{a}/table3/?year=2026", f"/register/{a}/log/", f"/register/{a}/templates/",
                    "/survey/", f"/register/{a}/export.csv"],
        "supervisor": ["/roster/", "/survey/", f"/register/{a}/"],
        "admin": ["/admin/", "/admin/gongkai_web/body/"],
        "anonymous": ["/", "/check/", "/login/", "/register/", f"/register/{a}/", "/draft/", "/roster/", "/nowhere/"],
    }


def test_every_page_answers_head_as_get_without_a_body(world):
    # HTML pages answered 405 to HEAD (only the JSON API took it): monitors and link checkers use HEAD.
    for who, urls in _pages(world).items():
        c = client_for(None if who == "anonymous" else world[who])
        for url in urls:
            got, head = c.get(url), c.head(url)
            assert (head.status_code, head.get("Location"), head["Content-Type"], head.get("Content-Length")) == (
                got.status_code, got.get("Location"), got["Content-Type"], str(len(got.content))), (who, url)
            assert head.content == b"", (who, url)
    # a redirect to the login page, as GET's
    head = client_for(None).head(f"/register/{world['a'].pk}/")
    assert (head.status_code, head["Location"]) == (302, f"/login/?next=/register/{world['a'].pk}/")
    # what takes no GET still refuses HEAD, and says so
    refused = client_for(world["clerk_a"]).head(f"/register/{world['a'].pk}/new")
    assert (refused.status_code, refused["Allow"]) == (405, "POST")


def test_head_over_the_wire_sends_the_header_alone(django_env):
    # The pages refused HEAD (405) through the server `gongkai serve` runs, too.
    server = LiveServer()
    try:
        for path, status in (("/login/", 200), ("/check/", 200), ("/register/", 302), ("/nowhere/", 404)):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            conn.request("GET", path)
            got = conn.getresponse()
            body = got.read()
            conn.request("HEAD", path)   # the same kept-open connection: a body sent would be read as the next answer
            head = conn.getresponse()
            assert (head.status, head.getheader("Content-Length"), head.getheader("Content-Type")) == (
                status, str(len(body)), got.getheader("Content-Type")), path
            assert head.read() == b""
            conn.request("GET", "/login/")    # the next answer on the connection is its own, not HEAD's body
            after = conn.getresponse()
            assert (after.status, after.read()[:15]) == (200, b"<!DOCTYPE html>"), path
            conn.close()
    finally:
        server.close()


def test_head_is_conditional_like_get(world):
    # HEAD with If-None-Match answered 200 where GET answered 304 (Django's middleware looks at GET only).
    c = client_for(world["clerk_a"])
    for url in ("/api/openapi.json", "/api/bodies", f"/api/bodies/{world['a'].pk}/table3/2026"):
        etag = c.get(url)["ETag"]
        assert c.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url
        head = c.head(url, HTTP_IF_NONE_MATCH=etag)
        assert (head.status_code, head["ETag"], head.content, head.has_header("Content-Length")) == (
            304, etag, b"", False), url
        other = c.head(url, HTTP_IF_NONE_MATCH='"other"')
        assert (other.status_code, other["ETag"]) == (200, etag), url


def test_a_preflight_of_a_public_call_is_answered_and_others_refused(world):
    # An OPTIONS preflight (another site's script sending Content-Type: application/json, a header of
    # its own or a token) to /api/parse or /api/check answered 405: the browser refused the call.
    c = client_for(None)
    ask = {"HTTP_ORIGIN": "https://tool.example", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
           "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "Content-Type, X-Client, Authorization"}
    for url in ("/api/parse", "/api/check"):
        r = c.options(url, **ask)
        assert (r.status_code, r.content, dict(r.headers)) == (200, b"", {
            "Content-Type": "text/html; charset=utf-8", "Allow": "POST, OPTIONS",
            "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type, x-client, authorization",
            "Access-Control-Max-Age": "3600", "Vary": "Access-Control-Request-Headers",
            "Access-Control-Allow-Origin": "*", "Content-Length": "0", "X-Frame-Options": "SAMEORIGIN",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin"}), url
        assert "Access-Control-Allow-Credentials" not in r
    doc = c.options("/api/openapi.json", **{**ask, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET"})
    assert (doc.status_code, doc["Allow"], doc["Access-Control-Allow-Methods"]) == (200, "GET, HEAD, OPTIONS", "GET, HEAD")
    plain = c.options("/api/parse")  # not a preflight: the methods alone (RFC 9110)
    assert (plain.status_code, plain["Allow"], plain.has_header("Access-Control-Allow-Origin")) == (200, "POST, OPTIONS", False)
    # the register, the reports, the corpus: for this site's pages and server-side clients only
    for url in ("/api/bodies", f"/api/bodies/{world['a'].pk}/reports", "/api/corpus/reports"):
        r = client_for(world["clerk_a"]).options(url, **ask)
        assert (r.status_code, r.has_header("Access-Control-Allow-Origin"), r.json()["error"].startswith(
            "不支持此请求方法（OPTIONS）；可用：")) == (405, False, True), url


def test_another_sites_script_calls_the_public_api_in_a_browser(django_env, browser):
    # Chromium, on a page of another origin (localhost is not 127.0.0.1; both on loopback, so no
    # private-network preflight): fetch() with a JSON body and a header of its own.
    server = LiveServer()
    try:
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.goto(f"http://localhost:{server.port}/login/")
        call = """async ([url, init]) => {
            try { const r = await fetch(url, init); return [r.status, await r.text()]; }
            catch (e) { return ["refused", String(e)]; } }"""
        json_init = {"method": "POST", "headers": {"Content-Type": "application/json", "X-Client": "tool"}, "body": "{}"}
        assert pg.evaluate(call, [f"{server.url}/api/check", json_init]) == [
            400, '{"error": "请用 multipart/form-data 上传一个名为 file 的文件。"}']
        # a cookie is never sent across: a call asking for credentials is refused by the browser
        with_cookie = {**json_init, "credentials": "include"}
        assert pg.evaluate(call, [f"{server.url}/api/check", with_cookie])[0] == "refused"
        # the other endpoints are not for other sites' pages
        assert pg.evaluate(call, [f"{server.url}/api/bodies", {"headers": {"X-Client": "tool"}}])[0] == "refused"
        ctx.close()
    finally:
        server.close()


def test_a_sessions_unsafe_request_without_its_token_is_told_why(world):
    # A session's DELETE answered 403 “页面已过期或缺少安全令牌（CSRF），请刷新页面后重试” —
    # nothing here takes DELETE (records are append-only), and an API client was not told of the header.
    a = world["a"].pk
    c = client_for(world["clerk_a"])
    deleted = c.delete(f"/api/bodies/{a}/reports/2025")
    assert (deleted.status_code, deleted["Allow"], deleted.json()) == (
        405, "GET, PUT, HEAD", {"error": "不支持此请求方法（DELETE）；可用：GET, PUT, HEAD。"})
    put = c.put(f"/api/bodies/{a}/reports/2025", b"{}", content_type="application/json")
    assert (put.status_code, put.json()) == (403, {"error":
        "请求被拒绝（CSRF 检查）：请求没有带 Cookie csrftoken。用会话（Cookie）登录调用 API 时，修改类请求（POST、PUT）"
        "须在请求头 X-CSRFToken 中带上 CSRF 令牌（Cookie csrftoken 的值）；用 API 令牌（Authorization: Bearer …）调用则不需要。"})
    c.get("/check/")   # the page sets the cookie csrftoken
    put = c.put(f"/api/bodies/{a}/reports/2025", b"{}", content_type="application/json")
    assert put.json()["error"].startswith("请求被拒绝（CSRF 检查）：请求头 X-CSRFToken（或表单字段 csrfmiddlewaretoken）缺少 CSRF 令牌。")
    wrong = c.put(f"/api/bodies/{a}/reports/2025", b"{}", content_type="application/json", HTTP_X_CSRFTOKEN="x" * 32)
    assert wrong.json()["error"].startswith("请求被拒绝（CSRF 检查）：CSRF 令牌无效或与 Cookie csrftoken 不符。")
    token = c.cookies["csrftoken"].value
    sent = c.post(f"/api/bodies/{a}/reports", b'{"year": 2025}', content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert sent.status_code == 201, sent.content
    # a page's form keeps its own message
    page = c.post(f"/register/{a}/new", {"on": "2026-03-02"})
    assert (page.status_code, "请求被拒绝：页面已过期或缺少安全令牌（CSRF），请刷新页面后重试。" in page.content.decode()) == (403, True)
    # a token needs no CSRF token, and is told of DELETE alike
    from gongkai.web.models import ApiToken

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world['clerk_a'])}"}
    plain = client_for(None)
    assert plain.delete(f"/api/bodies/{a}/reports/2025", **bearer).status_code == 405
    assert plain.post(f"/api/bodies/{a}/reports", b'{"year": 2024}', content_type="application/json", **bearer).status_code == 201
