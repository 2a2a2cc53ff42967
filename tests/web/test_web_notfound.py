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
