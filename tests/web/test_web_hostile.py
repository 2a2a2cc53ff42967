"""Hostile bodies sent to the web: a clean 400 with a Chinese message, at once; never a 500."""

from __future__ import annotations

import json
import time

from gk_web_support import client_for, django_env, world  # noqa: F401 - fixtures

from tests.safety.test_safeload import ALIAS_BOMB


def _csrf_client(user):
    c = client_for(user)
    c.get("/check/")
    return c, {"HTTP_X_CSRFTOKEN": c.cookies["csrftoken"].value}


def test_a_draft_put_with_an_alias_bomb_is_refused_at_once(django_env, world):
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    assert c.post(f"/api/bodies/{a.pk}/reports", json.dumps({"year": 2025}), content_type="application/json",
                  **h).status_code == 201
    started = time.monotonic()
    r = c.put(f"/api/bodies/{a.pk}/reports/2025", ALIAS_BOMB, content_type="application/yaml", **h)
    assert time.monotonic() - started < 10  # before: past 2 GB of memory, and no end
    assert r.status_code == 400
    assert r.json() == {"error": "2025.json：第2行第8列：不接受 YAML 别名（*a）：请直接写出内容，不要用 & 和 * 引用。"}


def test_deep_bodies_are_a_400_not_a_recursion_error(django_env, world):
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    deep = "[" * 100_000
    r = c.post(f"/api/bodies/{a.pk}/requests", deep, content_type="application/json", **h)
    assert (r.status_code, r.json()) == (400, {"error": "请求内容：JSON 嵌套超过 64 层，不是有效的内容。"})
    r = c.post(f"/api/bodies/{a.pk}/reports", deep, content_type="application/json", **h)
    assert r.status_code == 400
    assert c.post(f"/api/bodies/{a.pk}/reports", json.dumps({"year": 2025}), content_type="application/json",
                  **h).status_code == 201
    r = c.put(f"/api/bodies/{a.pk}/reports/2025", '{"a": ' * 50_000, content_type="application/json", **h)
    assert (r.status_code, r.json()) == (400, {"error": "2025.json：JSON 嵌套超过 64 层，不是有效的内容。"})
