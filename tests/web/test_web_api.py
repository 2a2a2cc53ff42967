"""The JSON API: parse and check without an account (and with it switched off), OpenAPI
coverage, and clerk isolation: a clerk cannot read or change another body's register or reports."""

from __future__ import annotations

import itertools
import json

from gk_web_support import client_for, django_env, seed, site_process_environ, world  # noqa: F401 - fixtures


def _upload(c, url, path, **extra):
    with open(path, "rb") as fh:
        return c.post(url, {"file": fh}, **extra)


def test_parse_anonymous_returns_schema_json(django_env):
    c = client_for(None)
    r = _upload(c, "/api/parse", seed("000"))
    assert r.status_code == 200, r.content
    d = r.json()
    assert d["schema"] == "gongkai.report/1"
    assert d["agency"] == "吴忠市红寺堡区红寺堡镇人民政府"
    assert d["year"] == 2021
    assert d["table2"]["art20_5.licensing"]["decisions"] == 10
    assert d["findings"] == []


def test_check_returns_findings(django_env):
    from gongkai.check import check_report
    from gongkai.load import load

    expected = [f.rule for f in check_report(load(seed("000")))]
    r = _upload(client_for(None), "/api/check", seed("000"))
    assert r.status_code == 200
    assert [f["rule"] for f in r.json()["findings"]] == expected
    assert expected  # the seed has findings, so the comparison means something


def test_parse_rejects_bad_input_in_chinese(django_env):
    c = client_for(None)
    r = c.post("/api/parse", {})
    assert r.status_code == 400 and "file" in r.json()["error"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post("/api/parse", {"file": SimpleUploadedFile("x.exe", b"MZ\x00\x01")})
    assert r.status_code == 400 and "不支持的文件类型" in r.json()["error"]
    r = c.post("/api/parse", {"file": SimpleUploadedFile("x.txt", "这不是年度报告。".encode())})
    assert r.status_code == 400 and r.json()["error"]
    r = client_for(None).get("/api/parse")
    assert r.status_code == 405 and "不支持此请求方法" in r.json()["error"] and r["Allow"] == "POST"


def test_anonymous_api_can_be_switched_off(django_env, world):
    from gongkai.web.models import SiteOption

    opt = SiteOption.current()
    opt.anonymous_api = False
    opt.save()
    try:
        r = _upload(client_for(None), "/api/check", seed("000"))
        assert r.status_code == 401 and "登录" in r.json()["error"]
        assert _upload(client_for(world["clerk_a"]), "/api/check", seed("000")).status_code == 200
        assert client_for(None).get("/check/").status_code == 302
        assert "所有页面都需要登录" in client_for(None).get("/login/").content.decode()
    finally:
        opt.anonymous_api = True
        opt.save()


def _options_saved_by_another_process(anonymous_api: bool) -> None:
    """An administrator's change made by another process sharing the database (as a second server
    process, or the admin page served by one, would)."""
    import subprocess
    import sys

    code = ("from gongkai.web import setup; setup(); from gongkai.web.models import SiteOption; "
            f"o = SiteOption.current(); o.anonymous_api = {anonymous_api}; o.save()")
    subprocess.run([sys.executable, "-c", code], env=site_process_environ(), check=True, timeout=120)


def test_site_options_are_cached_and_a_change_in_another_process_applies_at_once(django_env, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongkai.web import siteoptions

    monkeypatch.setattr(siteoptions, "MAX_AGE_SECONDS", 3600.0)  # only the stamp can tell this process
    c = client_for(None)
    for _ in range(2):  # the first read may create the options' row (a change: read again once)
        assert _upload(c, "/api/parse", seed("000")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert _upload(c, "/api/parse", seed("000")).status_code == 200
    assert queries.captured_queries == []  # the options were read once, not on every request
    _options_saved_by_another_process(False)
    try:
        r = _upload(c, "/api/parse", seed("000"))
        assert r.status_code == 401 and "登录" in r.json()["error"]
    finally:
        _options_saved_by_another_process(True)
    assert _upload(c, "/api/parse", seed("000")).status_code == 200


def test_parse_and_check_read_in_a_child_answer_the_same_bytes_as_in_process(django_env, tmp_path):
    """The read child sends back the API's JSON bytes (web/answer.py), not the report to serialise."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from gk_web_support import EXAMPLES

    from gongkai import isolate

    this = EXAMPLES / "crawler-text" / "ptzhsyqhzs-2024.txt"
    last = tmp_path / "last.txt"
    last.write_text(this.read_text(encoding="utf-8").replace("2024", "2023").replace("行政审批局", "交通与建设局"),
                    encoding="utf-8")

    def answers() -> list[tuple[int, bytes]]:
        c = client_for(None)
        out = []
        for url, previous in itertools.product(("/api/parse", "/api/check"),
                                               (None, last, b"MZ", "这不是年度报告。".encode())):
            with open(this, "rb") as fh:
                data = {"file": fh}
                if isinstance(previous, bytes):
                    data["previous"] = SimpleUploadedFile("p.exe" if previous == b"MZ" else "p.txt", previous)
                    r = c.post(url, data)
                elif previous is not None:
                    with open(previous, "rb") as prev:
                        r = c.post(url, {**data, "previous": prev})
                else:
                    r = c.post(url, data)
            out.append((r.status_code, r.content))
        return out

    in_process = answers()
    isolate.enable(1)
    try:
        in_child = answers()
    finally:
        isolate.disable()
    assert in_child == in_process
    assert [status for status, _ in in_child] == [200, 200, 400, 400] * 2
    parsed, with_last, checked, checked_with_last = (json.loads(in_child[i][1]) for i in (0, 1, 4, 5))
    assert parsed["findings"] == [] and checked["findings"]
    assert any("不是同一机关" in n for n in with_last["notes"]) and not any("不是同一机关" in n for n in parsed["notes"])
    assert any("不是同一机关" in n for n in checked_with_last["notes"])
    # /api/check made no cross-year comparison and says so; /api/parse compares nothing
    assert any("未与它做跨年度比较" in n for n in checked_with_last["notes"])
    assert not any("跨年度比较" in n for n in with_last["notes"])
    for i in (2, 6):
        assert json.loads(in_child[i][1])["error"].startswith("p.exe：上年报告无法读取：不支持的文件类型“.exe”")
    for i in (3, 7):
        assert json.loads(in_child[i][1])["error"].startswith("p.txt：上年报告无法读取：")


NEW = {"applicant_type": "natural_person", "applicant_name": "张三", "id_number": "320802199001011234",
       "phone": "13800000000", "channel": "in_person", "content": "2025年某路段改造的立项批复",
       "submitted_on": "2026-03-02"}


def _json(c, url, data, **extra):
    return c.post(url, json.dumps(data), content_type="application/json", **extra)


def _csrf_client(user):
    """A session client that sends the CSRF token like the pages do."""
    c = client_for(user)
    c.get("/check/")
    return c, {"HTTP_X_CSRFTOKEN": c.cookies["csrftoken"].value}


def test_clerk_registers_and_works_own_requests(django_env, world):
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    r = _json(c, f"/api/bodies/{a.pk}/requests", NEW, **h)
    assert r.status_code == 201, r.content
    ref = r.json()["ref"]
    assert r.json()["applicant"]["id_number"] == NEW["id_number"]
    r = _json(c, f"/api/bodies/{a.pk}/requests/{ref}/events", {"kind": "extended", "on": "2026-03-09", "workdays": 10,
                                                                  "reason": "需要调取档案"}, **h)
    assert r.status_code == 201, r.content
    assert r.json()["limit_workdays"] == 30
    r = c.get(f"/api/bodies/{a.pk}/requests")
    assert [x["ref"] for x in r.json()["requests"]] == [ref]
    r = c.get(f"/api/bodies/{a.pk}/requests/{ref}/letters/extension")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    # a step dated after today (2026-03-10) is refused, in Chinese
    r = _json(c, f"/api/bodies/{a.pk}/requests/{ref}/events", {"kind": "replied", "on": "2026-03-11",
                                                                  "outcome": "granted"}, **h)
    assert r.status_code == 400 and r.json()["error"] == "答复日期 2026-03-11 晚于今天（2026-03-10），不能登记将来的事项"
    # without the CSRF token a session write is refused
    r = _json(client_for(world["clerk_a"]), f"/api/bodies/{a.pk}/requests", NEW)
    assert r.status_code == 403


def test_clerk_cannot_read_or_change_another_bodys_register_or_reports(django_env, world):
    a, b = world["a"], world["b"]
    cb, hb = _csrf_client(world["clerk_b"])
    ref_b = _json(cb, f"/api/bodies/{b.pk}/requests", NEW, **hb).json()["ref"]
    assert _json(cb, f"/api/bodies/{b.pk}/reports", {"year": 2025}, **hb).status_code == 201

    ca, ha = _csrf_client(world["clerk_a"])
    reads = [f"/api/bodies/{b.pk}/requests", f"/api/bodies/{b.pk}/requests/{ref_b}",
             f"/api/bodies/{b.pk}/requests/{ref_b}/letters/receipt", f"/api/bodies/{b.pk}/table3/2026",
             f"/api/bodies/{b.pk}/reports", f"/api/bodies/{b.pk}/reports/2025",
             f"/api/bodies/{b.pk}/reports/2025/build?to=html",
             f"/register/{b.pk}/", f"/register/{b.pk}/r/{ref_b}/", f"/register/{b.pk}/table3/",
             f"/draft/{b.pk}/2025/", f"/draft/{b.pk}/2025/preview"]
    for url in reads:
        r = ca.get(url)
        assert r.status_code == 403, (url, r.status_code)
        assert "张三" not in r.content.decode("utf-8", "replace")
    writes = [(f"/api/bodies/{b.pk}/requests", NEW),
              (f"/api/bodies/{b.pk}/requests/{ref_b}/events", {"kind": "replied", "on": "2026-03-05", "outcome": "granted"}),
              (f"/api/bodies/{b.pk}/reports", {"year": 2024}),
              (f"/api/bodies/{b.pk}/reports/2025/from-register", {})]
    for url, data in writes:
        assert _json(ca, url, data, **ha).status_code == 403, url
    r = ca.put(f"/api/bodies/{b.pk}/reports/2025", "{}", content_type="application/json", **ha)
    assert r.status_code == 403
    # and nothing changed in b's register
    detail = cb.get(f"/api/bodies/{b.pk}/requests/{ref_b}").json()
    assert detail["events"] == [] and detail["state"] == "registered"
    assert cb.get(f"/api/bodies/{b.pk}/requests").json()["total"] == 1
    assert [x["year"] for x in cb.get(f"/api/bodies/{b.pk}/reports").json()["reports"]] == [2025]
    # the list of bodies shows only its own
    assert [x["id"] for x in ca.get("/api/bodies").json()["bodies"]] == [a.pk]


def test_a_bodys_own_review_body_and_court_are_in_its_record(django_env, world):
    """The review body and court an administrator sets for a body (web migration 0004; the letters
    name them) were in no API answer nor in the OpenAPI's Body: a client could not see what the
    letters would say. They are now in ``GET /api/bodies``, empty where the rule applies."""
    from gongkai.web.models import Body

    a = world["a"]
    c = client_for(world["clerk_a"])
    assert c.get("/api/bodies").json()["bodies"] == [
        {"id": a.pk, "name": a.name, "region_code": "320812", "review_body": "", "court": ""}]
    Body.objects.filter(pk=a.pk).update(review_body="淮安市人民政府", court="淮安市清江浦区人民法院")
    try:
        assert c.get("/api/bodies").json()["bodies"] == [
            {"id": a.pk, "name": a.name, "region_code": "320812", "review_body": "淮安市人民政府",
             "court": "淮安市清江浦区人民法院"}]
    finally:
        Body.objects.filter(pk=a.pk).update(review_body="", court="")
    body = client_for(None).get("/api/openapi.json").json()["components"]["schemas"]["Body"]
    assert list(body["properties"]) == ["id", "name", "region_code", "review_body", "court"]
    assert body["required"] == ["id", "name", "region_code", "review_body", "court"]


def test_bearer_token_is_isolated_too(django_env, world):
    from gongkai.web.models import ApiToken

    a, b = world["a"], world["b"]
    token = ApiToken.issue(world["clerk_a"])
    c = client_for(None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert _json(c, f"/api/bodies/{a.pk}/requests", NEW, **auth).status_code == 201   # no CSRF needed
    assert c.get(f"/api/bodies/{b.pk}/requests", **auth).status_code == 403
    assert _json(c, f"/api/bodies/{b.pk}/requests", NEW, **auth).status_code == 403
    assert c.get(f"/api/bodies/{a.pk}/requests", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert c.get(f"/api/bodies/{a.pk}/requests").status_code == 401


def test_supervisor_reads_region_without_personal_data_and_cannot_write(django_env, world):
    a, b = world["a"], world["b"]
    ca, ha = _csrf_client(world["clerk_a"])
    ref = _json(ca, f"/api/bodies/{a.pk}/requests", NEW, **ha).json()["ref"]
    s, hs = _csrf_client(world["supervisor"])
    r = s.get(f"/api/bodies/{a.pk}/requests/{ref}")
    assert r.status_code == 200
    assert r.json()["applicant"] == {"type": "natural_person", "name": "张*"}
    assert "320802199001011234" not in s.get(f"/register/{a.pk}/r/{ref}/").content.decode()
    # nor in the request's history: its registration said 申请人姓名或名称：张三 to supervisors and
    # administrators, and a correction of the name said both names
    from gongkai.web.registers import open_register

    open_register(a).amend(ref, "name", "张三丰", "姓名登记有误", "clerk")
    for who in (s, client_for(world["admin"])):
        detail = who.get(f"/api/bodies/{a.pk}/requests/{ref}").json()
        assert [h["details"] for h in detail["history"]][0][:2] == ["申请人类型：自然人", "申请人姓名或名称：张*"]
        assert detail["history"][-1]["details"] == ["第1条“登记申请”的申请人姓名或名称：（个人信息，不显示）", "理由：姓名登记有误"]
        page = who.get(f"/register/{a.pk}/r/{ref}/").content.decode()
        assert "张三" not in page and "张**" in page
    own = ca.get(f"/api/bodies/{a.pk}/requests/{ref}").json()["history"]
    assert own[-1]["details"] == ["第1条“登记申请”的申请人姓名或名称：“张三”改为“张三丰”", "理由：姓名登记有误"]
    assert s.get(f"/api/bodies/{a.pk}/requests/{ref}/letters/receipt").status_code == 403
    assert _json(s, f"/api/bodies/{a.pk}/requests/{ref}/events", {"kind": "extended", "on": "2026-03-20",
                                                                  "workdays": 5}, **hs).status_code == 403
    assert s.get(f"/api/bodies/{b.pk}/requests").status_code == 403      # outside the region
    assert a.pk in [x["id"] for x in s.get("/api/bodies").json()["bodies"]]


def test_table3_api_follows_the_register(django_env, world):
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    ref = _json(c, f"/api/bodies/{a.pk}/requests", NEW, **h).json()["ref"]
    t = c.get(f"/api/bodies/{a.pk}/table3/2026").json()["table3"]
    assert t["new_received"]["natural_person"] == 1 and t["granted"]["total"] == 0
    _json(c, f"/api/bodies/{a.pk}/requests/{ref}/events", {"kind": "replied", "on": "2026-03-09",
                                                          "outcome": "granted"}, **h)
    t = c.get(f"/api/bodies/{a.pk}/table3/2026").json()["table3"]
    assert t["granted"]["natural_person"] == 1 and t["carried_forward"]["total"] == 0
    assert _json(c, f"/api/bodies/{a.pk}/reports", {"year": 2026}, **h).status_code == 201
    d = _json(c, f"/api/bodies/{a.pk}/reports/2026/from-register", {}, **h).json()
    assert d["table3"]["granted"]["natural_person"] == 1 and d["table3"]["new_received"]["total"] == 1
    r = _json(c, f"/api/bodies/{a.pk}/requests/{ref}/events", {"kind": "extended", "on": "2026-03-10",
                                                              "workdays": 5, "reason": "需要调取档案"}, **h)
    assert r.status_code == 400 and "已" in r.json()["error"]


def test_check_with_last_years_report_runs_the_cross_year_rules(django_env):
    from gk_web_support import EXAMPLES

    c = client_for(None)
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as fh:
        alone = {f["rule"] for f in c.post("/api/check", {"file": fh}).json()["findings"]}
    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as fh, open(EXAMPLES / "huaian-city-2024.pdf", "rb") as prev:
        paired = {f["rule"] for f in c.post("/api/check", {"file": fh, "previous": prev}).json()["findings"]}
    # 淮安市's report is not 洪泽区's last year's: no cross-year finding is made with its figures (33719c5)
    assert paired == alone
    from django.core.files.uploadedfile import SimpleUploadedFile

    with open(EXAMPLES / "hongze-district-2024.pdf", "rb") as fh:
        r = c.post("/api/check", {"file": fh, "previous": SimpleUploadedFile("p.exe", b"MZ")})
    assert r.status_code == 400 and "上年报告无法读取" in r.json()["error"]


def test_api_takes_a_choice_by_its_beginning_as_the_cli_does(django_env, world):
    """``"outcome": "本机关不掌握"`` (as docs/register.md writes it) was refused 无法识别的办理结果
    though ``gongkai register reply --outcome 本机关不掌握`` takes it: every choice the API takes is
    now read as the CLI reads it — an id, a name, or a unique beginning of a name — and the record
    holds the choice itself; a beginning several choices share is refused naming them."""
    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    r = _json(c, f"/api/bodies/{a.pk}/requests", {**NEW, "applicant_type": "自然", "channel": "现场提"}, **h)
    assert r.status_code == 201, r.content
    ref = r.json()["ref"]
    assert (r.json()["applicant"]["type"], r.json()["channel"]) == ("natural_person", "in_person")
    url = f"/api/bodies/{a.pk}/requests/{ref}/events"
    r = _json(c, url, {"kind": "replied", "on": "2026-03-09", "outcome": "属于"}, **h)
    assert r.status_code == 400
    assert r.json()["error"] == ("办理结果“属于”不明确，以它开头的有：属于国家秘密、属于三类内部事务信息、"
                                 "属于四类过程性信息、属于行政执法案卷、属于行政查询事项；请多写几个字")
    r = _json(c, url, {"kind": "replied", "on": "2026-03-09", "outcome": "本机关不掌握", "ground": "第（四）"}, **h)
    assert r.status_code == 201, r.content
    d = r.json()
    assert (d["outcome"], d["outcome_label"]) == ("unable.not_held", "（四）无法提供—1.本机关不掌握相关政府信息")
    assert d["events"][-1]["data"]["outcome"] == "unable.not_held" and d["events"][-1]["data"]["ground"] == "4"
    # a field of the register's own vocabularies (events.yaml), ambiguous and unique
    r = _json(c, url, {"kind": "delivered", "on": "2026-03-10", "event": 2, "method": "电子"}, **h)
    assert r.status_code == 201, r.content
    assert r.json()["events"][-1]["data"]["delivery_method"] == "email"
    # a correction of the outcome: its value too (the CLI's amend expanded it before)
    r = _json(c, url, {"kind": "amended", "event": 2, "field": "outcome", "value": "予以",
                       "ground": "第（二）", "reason": "计错了行"}, **h)
    assert r.status_code == 201, r.content
    assert (r.json()["outcome"], r.json()["events"][-1]["data"]["ground"]) == ("granted", "2")
    r = _json(c, url, {"kind": "amended", "event": 2, "field": "outcome", "value": "属于", "reason": "计错了行"}, **h)
    assert r.status_code == 400 and r.json()["error"].startswith("办理结果“属于”不明确，以它开头的有：属于国家秘密、")
    # the register's own vocabularies (events.yaml): 按件/按量 share 按
    ref2 = _json(c, f"/api/bodies/{a.pk}/requests", NEW, **h).json()["ref"]
    url2 = f"/api/bodies/{a.pk}/requests/{ref2}/events"
    fee = {"kind": "fee_notice", "on": "2026-03-09", "units": 120, "payment": "银行转账"}
    r = _json(c, url2, {**fee, "basis": "按"}, **h)
    assert (r.status_code, r.json()["error"]) == (400, "收费方式“按”不明确，以它开头的有：按件、按量；请多写几个字")
    r = _json(c, url2, {**fee, "basis": "按量"}, **h)
    assert r.status_code == 201, r.content
    assert r.json()["events"][-1]["data"]["basis"] == "pages"
    # nothing was recorded by the refused ones
    assert [e["kind"] for e in r.json()["events"]] == ["fee_notice"]


def test_a_report_goes_out_and_back_through_the_api_with_its_amounts_as_printed(django_env, world):
    """Found in the town clerk's January walk: GET /api/bodies/{id}/reports/{year} gave 行政事业性收费
    as the JSON number 4.0 and nothing more, so a client that PUT the JSON back stored 4.0 and the
    report printed 4.0 where it had printed 4.00.  The JSON keeps its numbers and now names each
    amount's printed text in ``amounts``."""
    from gk_web_support import EXAMPLES

    from gongkai.load import load

    a = world["a"]
    c, h = _csrf_client(world["clerk_a"])
    url = f"/api/bodies/{a.pk}/reports/2024"
    assert _json(c, f"/api/bodies/{a.pk}/reports", {"year": 2024}, **h).status_code == 201
    # a report whose 行政事业性收费 is printed 4.00 (the JSON text 4.00 is read as written)
    sent = load(EXAMPLES / "source-2024.yaml").to_json().replace('"amount": 12.6', '"amount": 4.00')
    r = c.put(url, sent, content_type="application/json", **h)
    assert r.status_code == 200, r.content
    cell = "table2.art20_8.admin_fees.amount"
    got = c.get(url).json()   # as any client reads JSON: numbers as floats
    assert got["table2"]["art20_8.admin_fees"]["amount"] == 4.0   # the existing field, unchanged
    assert got["amounts"] == {cell: "4.00"}
    assert c.put(url, json.dumps(got), content_type="application/json", **h).status_code == 200
    assert c.put(url, json.dumps(c.get(url).json()), content_type="application/json", **h).status_code == 200
    md = c.get(f"{url}/build?to=md").content.decode()
    assert "| 行政事业性收费 | 4.00 |" in md
    # a client that changes the number and not its text gets its number
    got = c.get(url).json()
    got["table2"]["art20_8.admin_fees"]["amount"] = 5.5
    assert c.put(url, json.dumps(got), content_type="application/json", **h).json()["amounts"] == {cell: "5.5"}
    assert "| 行政事业性收费 | 5.5 |" in c.get(f"{url}/build?to=md").content.decode()
