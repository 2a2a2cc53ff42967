"""Missing things answer 404 (a Chinese message, nothing logged as a server error)."""

from __future__ import annotations

import json
import logging

from gk_web_support import client_for, django_env, world  # noqa: F401 - fixtures


def _csrf_client(user):
    c = client_for(user)
    c.get("/check/")
    return c, {"HTTP_X_CSRFTOKEN": c.cookies["csrftoken"].value}


def test_missing_objects_are_404_and_not_logged_as_errors(django_env, world, caplog):
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    caplog.set_level(logging.WARNING)
    answers = {url: c.get(url) for url in (f"/api/bodies/{a.pk}/reports/1999", f"/draft/{a.pk}/2024/",
                                           "/static/nonexistent.css", f"/api/bodies/{a.pk}/requests/2099-999999",
                                           f"/register/{a.pk}/r/2099-999999/")}
    assert {url: r.status_code for url, r in answers.items()} == {url: 404 for url in answers}
    assert answers[f"/api/bodies/{a.pk}/reports/1999"].json() == {"error": "没有这一年度的报告"}
    r = c.post(f"/api/bodies/{a.pk}/requests/2099-999999/events", json.dumps({"kind": "replied", "on": "2026-03-05",
                                                                             "outcome": "granted"}),
               content_type="application/json", **h)
    assert r.status_code == 404
    errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert errors == [], [rec.getMessage() for rec in errors]
    assert not any(rec.exc_info for rec in caplog.records)  # no traceback logged for a 404


def test_a_reference_from_the_url_is_echoed_without_control_characters(django_env, world):
    """The 404 for ``/api/bodies/1/requests/%00`` said "台账中没有编号为 \\u0000 的申请": a NUL, an
    escape sequence or a right-to-left override typed into the URL is shown as one "�" (the
    message neither carries it nor hides it; errors.shown), and a 2,000-character reference is cut."""
    a = world["a"]
    c = client_for(world["clerk_a"])
    said = {ref: c.get(f"/api/bodies/{a.pk}/requests/{ref}").json()["error"]
            for ref in ("%00", "%00%01", "2099-%1B[2J7", "20%E2%80%AE99-1", "9" * 2000)}
    assert said == {"%00": "台账中没有编号为 � 的申请", "%00%01": "台账中没有编号为 � 的申请",
                    "2099-%1B[2J7": "台账中没有编号为 2099-�[2J7 的申请",
                    "20%E2%80%AE99-1": "台账中没有编号为 20�99-1 的申请",
                    "9" * 2000: f"台账中没有编号为 {'9' * 60}… 的申请"}
    r = c.get(f"/register/{a.pk}/log/item/20%0799-1/")
    assert r.status_code == 404 and "主动公开台账中没有编号为 20�99-1 的条目" in r.content.decode()
    r = c.get(f"/api/bodies/{a.pk}/requests/2099-1/letters/re%00ply")
    assert r.json()["error"].startswith("没有“re�ply”这种文书")


def test_values_from_the_query_are_echoed_without_control_characters(django_env, world):
    """The same for a query's values a refusal names (errors.shown): a filter, a page, a region, a
    level, a report number, a year."""
    a = world["a"]
    clerk, sup = client_for(world["clerk_a"]), client_for(world["supervisor"])
    said = {url: c.get(url).json()["error"] for c, url in [
        (clerk, f"/api/bodies/{a.pk}/requests?filter=al%1Bl"), (clerk, f"/api/bodies/{a.pk}/requests?page=1%00"),
        (sup, "/api/corpus/stats?region=32%0A08"), (sup, "/api/corpus/stats?level=ci%E2%80%8Bty"),
        (sup, "/api/corpus/compare?a=7%00&b=8"), (sup, "/api/corpus/rollup?year=2024%07&region=32")]}
    assert said == {
        f"/api/bodies/{a.pk}/requests?filter=al%1Bl": "未知的筛选条件“al�l”",
        f"/api/bodies/{a.pk}/requests?page=1%00": "page 应为 1 至 1000000000 的整数，不能是“1�”",
        "/api/corpus/stats?region=32%0A08": "地区“32�08”无效：没有找到这个行政区划。请写区划代码（如 640324）或名称（如 同心县、吴忠市同心县）。",
        "/api/corpus/stats?level=ci%E2%80%8Bty": "层级“ci�ty”无效：应为 province（省）、city（市）、county（县）、body（机关）。",
        "/api/corpus/compare?a=7%00&b=8": "报告编号“7�”无效",
        "/api/corpus/rollup?year=2024%07&region=32": "年度“2024�”无效"}
    r = sup.get("/roster/?status=missing%00")
    assert r.status_code == 400 and "状态“missing�”无效" in r.content.decode()
    r = sup.get("/roster/?year=2025%00")
    assert r.status_code == 400 and "报告年度“2025�”无效" in r.content.decode()
