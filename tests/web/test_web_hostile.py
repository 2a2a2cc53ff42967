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


def test_numbers_pages_and_years_a_visitor_makes_up_are_refused_in_chinese(django_env, world):
    """A 10⁶-digit number was refused in Python's English; ?page=10**20 was a 500 (SQLite's offset
    overflowed) and ?page=-3 page 1; a report year of 2025.5 made the report of 2025."""
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    r = c.post(f"/api/bodies/{a.pk}/requests", b'{"x": ' + b"9" * 1_000_000 + b"}", content_type="application/json", **h)
    assert (r.status_code, r.json()) == (400, {"error": "请求内容：JSON 中有无效的值（数字超过 4300 位）。"})
    for page in ("99999999999999999999", "-3", "0", "1.5"):  # 10**20 > 2**63
        r = c.get(f"/api/bodies/{a.pk}/requests?page={page}")
        assert (r.status_code, r.json()) == (400, {"error": f"page 应为 1 至 1000000000 的整数，不能是“{page}”"})
    assert c.get(f"/register/{a.pk}/?page=99999999999999999999999").status_code == 200  # the first page
    for year in ("2025.5", "true", '"2025年"'):
        r = c.post(f"/api/bodies/{a.pk}/reports", f'{{"year": {year}}}', content_type="application/json", **h)
        assert (r.status_code, r.json()) == (400, {"error": f"报告年度“{json.loads(year)}”应为四位年份"})
    assert c.get(f"/api/bodies/{a.pk}/reports").json() == {"reports": []}


def test_a_form_of_ten_thousand_fields_is_a_413_in_chinese(django_env):
    """Django's TooManyFieldsSent was a 500 naming the exception."""
    from django.test import Client

    body = "&".join(f"f{i}=x" for i in range(10_000))
    r = Client().post("/api/parse", body, content_type="application/x-www-form-urlencoded")
    assert (r.status_code, r.json()) == (413, {"error": "表单字段过多（单次不超过 1000 个）。"})
    fields = "".join(f'--B\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n' for i in range(10_000))
    r = Client().post("/api/parse", fields + "--B--\r\n", content_type="multipart/form-data; boundary=B")
    assert (r.status_code, r.json()) == (413, {"error": "表单字段过多（单次不超过 1000 个）。"})


def test_what_is_missing_is_named_not_said_as_none_and_the_document_is_read_only(django_env, world):
    """An API body without its year said 报告年度“None”; the OpenAPI document answered POST and DELETE."""
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    r = c.post(f"/api/bodies/{a.pk}/reports", "{}", content_type="application/json", **h)
    assert (r.status_code, r.json()) == (400, {"error": "请填写报告年度（year，四位年份）"})
    assert c.post(f"/api/bodies/{a.pk}/reports", json.dumps({"year": 2025}), content_type="application/json",
                  **h).status_code == 201
    r = c.put(f"/api/bodies/{a.pk}/reports/2025", "{}", content_type="application/json", **h)
    assert (r.status_code, r.json()) == (400, {"error": "2025.json：缺少 year（报告年度，四位年份）。"})
    r = c.post(f"/api/bodies/{a.pk}/requests", json.dumps({"applicant_type": "natural_person", "applicant_name": "张三",
               "channel": "in_person", "content": "某文件", "submitted_on": "2026-03-02"}), content_type="application/json", **h)
    r = c.post(f"/api/bodies/{a.pk}/requests/{r.json()['ref']}/events", "{}", content_type="application/json", **h)
    assert (r.status_code, r.json()) == (400, {"error": "请填写办理事项（kind）"})
    for name, method in (("POST", c.post), ("DELETE", c.delete)):
        r = method("/api/openapi.json", **h)
        assert (r.status_code, r.json(), r["Allow"]) == (405, {"error": f"不支持此请求方法（{name}）；可用：GET, HEAD。"},
                                                         "GET, HEAD")


def test_a_report_put_keeps_only_the_formats_cells_and_refuses_bytes_that_are_not_utf8(django_env, world):
    """200,000 made-up cell ids were stored in the draft (the server's memory went past 600 MB); bytes
    that are not UTF-8 were stored as U+FFFD in the report's text, without a word."""
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    assert c.post(f"/api/bodies/{a.pk}/reports", json.dumps({"year": 2025}), content_type="application/json",
                  **h).status_code == 201
    report = c.get(f"/api/bodies/{a.pk}/reports/2025").json()
    bogus = {**report, "cells": {**report["cells"], **{f"table3.bogus{i}.total": {"value": i} for i in range(5)}}}
    r = c.put(f"/api/bodies/{a.pk}/reports/2025", json.dumps(bogus), content_type="application/json", **h)
    assert (r.status_code, r.json()) == (400, {"error": "2025.json：报告 JSON 中有 2021 年版格式没有的单元格：table3.bogus0.total、"
                                                         "table3.bogus1.total、table3.bogus2.total 等 5 个（单元格编号见 docs/schema.md）"})
    one_row = {**report, "cells": {**report["cells"], "table3.other.natural_person": {"value": 1}}}
    r = c.put(f"/api/bodies/{a.pk}/reports/2025", json.dumps(one_row), content_type="application/json", **h)
    assert r.status_code == 200  # （六）其他处理 printed as one row (the 2019 layout) is the format's own
    assert c.put(f"/api/bodies/{a.pk}/reports/2025", json.dumps(report), content_type="application/json",
                 **h).status_code == 200
    text = json.dumps({**report, "preamble": "概述"}, ensure_ascii=False).encode().replace("概述".encode(), b"\xff\xfe")
    r = c.put(f"/api/bodies/{a.pk}/reports/2025", text, content_type="application/json", **h)
    assert r.status_code == 400 and r.json()["error"].startswith("2025.json：文件应以 UTF-8 编码保存（第 ")
    assert c.get(f"/api/bodies/{a.pk}/reports/2025").json() == report  # unchanged


def test_control_characters_in_a_request_are_dropped_and_the_register_still_exports(django_env, world):
    """A NUL or \\x01 in an applicant's name or the content (an API call, a paste) was stored; the
    register's Excel export then failed with a 500 ever after (PostgreSQL refuses the NUL outright)."""
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    r = c.post(f"/api/bodies/{a.pk}/requests", json.dumps({
        "applicant_type": "natural_person", "applicant_name": "王\x00五\x0b", "channel": "in_person",
        "content": "公开\x01某\x1f文件\ufffe", "submitted_on": "2026-03-02"}), content_type="application/json", **h)
    assert r.status_code == 201
    assert (r.json()["applicant"]["name"], r.json()["content"]) == ("王五", "公开某文件")
    r = c.get(f"/register/{a.pk}/export.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
