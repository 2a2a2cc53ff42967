"""HTTP methods as a monitor, a link checker or another site's script uses them (RFC 9110, Fetch):
HEAD on every page answered as GET without its body, conditional HEAD, CORS preflights of the
public calls, and the refusal of a session's unsafe request without its CSRF token."""

from __future__ import annotations

import http.client

from gk_web_support import LiveServer, client_for, django_env, world  # noqa: F401 - fixtures


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
