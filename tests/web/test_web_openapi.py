"""The OpenAPI document is valid, complete enough to generate a typed client from, and true:
every endpoint's real answers (success and errors) validate against the schema it declares."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from gk_web_support import ROOT, client_for, django_env, seed, world  # noqa: F401 - fixtures

METHODS = ("get", "post", "put")


@pytest.fixture(scope="module")
def doc(django_env):
    return client_for(None).get("/api/openapi.json").json()


def test_the_document_validates_as_openapi_3_1(doc):
    from openapi_spec_validator import validate

    assert doc["openapi"] == "3.1.0"
    validate(doc)      # raises on any error


def test_every_operation_describes_its_bodies_and_errors(doc):
    from gongkai.web import urls

    routes = {"/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(p.pattern)) for p in urls.api_patterns}
    assert [str(p.pattern) for p in urls.urlpatterns if str(p.pattern).startswith("api")] == ["api/"]
    assert routes == set(doc["paths"])
    schemas = doc["components"]["schemas"]

    def bare_objects(schema, where):
        """Objects with no fields described (only free-form maps, which say what they map)."""
        if isinstance(schema, dict):
            if schema.get("type") == "object" and "properties" not in schema \
                    and "additionalProperties" not in schema and where not in ALLOWED_BARE:
                yield where
            for k, v in schema.items():
                yield from bare_objects(v, f"{where}/{k}")
        elif isinstance(schema, list):
            for i, v in enumerate(schema):
                yield from bare_objects(v, f"{where}/{i}")

    # free-form on purpose: the OpenAPI document itself, and an event's own fields (per kind)
    ALLOWED_BARE = {"/paths//api/openapi.json/get/responses/200/content/application/json/schema",
                    "/components/schemas/RequestDetail/properties/events/items/properties/data"}
    assert list(bare_objects(doc, "")) == []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"400", "401", "403", "404", "405"} <= codes or path == "/api/openapi.json", (path, method)
            assert "405" in codes
            ok = next(c for c in codes if c.startswith("2"))
            assert op["responses"][ok]["content"], (path, method)
            for code, resp in op["responses"].items():
                if not code.startswith("2") and code != "304":  # 304: no body (the client's copy stands)
                    schema = resp["content"]["application/json"]["schema"]
                    assert schema["$ref"] in ("#/components/schemas/Error", "#/components/schemas/NotReady")
    assert set(schemas["Report"]["properties"]) >= {"schema", "source", "agency", "year", "format", "published",
                                                    "sections", "table2", "table3", "table4", "cells", "findings"}
    # the report JSON Schema published in docs/report.schema.json is the one the API describes
    published = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    for key in ("table2", "table3", "table4", "year", "format", "published", "agency"):
        assert schemas["Report"]["properties"][key] == published["properties"][key], key


class Checker:
    """Validates a response against what the document declares for its path, method and status."""

    def __init__(self, doc):
        from jsonschema import Draft202012Validator

        self.doc = doc
        self.validator = Draft202012Validator
        self.seen: set[tuple[str, str, str]] = set()

    def __call__(self, path: str, method: str, response, status: int | None = None):
        if status is not None:
            assert response.status_code == status, (path, response.status_code, response.content[:300])
        code = str(response.status_code)
        ops = self.doc["paths"][path]
        # a method the path does not have: its 405 is described on the path's operations
        declared = (ops[method] if method in ops else next(iter(ops.values())))["responses"]
        assert method in ops or code == "405", (path, method, code)
        assert code in declared, (path, method, code)
        self.seen.add((path, method, code))
        if code == "304":  # not modified: the ETag again, no body
            assert response.content == b"" and response["ETag"], (path, method)
            return None
        content = declared[code]["content"]
        ctype = response["Content-Type"].split(";")[0]
        assert ctype in content, (path, method, ctype)
        self.seen.add((path, method, code))
        if ctype != "application/json":
            return
        body = json.loads(response.content)
        schema = {**content[ctype]["schema"], "components": self.doc["components"]}
        errors = sorted(self.validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
        assert not errors, (path, method, [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5]])
        assert "\\u" not in response.content.decode("utf-8")
        return body


def test_every_endpoint_answers_as_documented(doc, world):
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gongkai.corpus.ingest import ingest
    from gongkai.corpus.store import Store
    from gongkai.format import FORMAT

    check = Checker(doc)
    a = world["a"]
    anon, clerk, sup, admin = (client_for(u) for u in (None, world["clerk_a"], world["supervisor"], world["admin"]))
    clerk.get("/check/")
    h = {"HTTP_X_CSRFTOKEN": clerk.cookies["csrftoken"].value}

    def js(c, method, url, data, **extra):
        return getattr(c, method)(url, json.dumps(data), content_type="application/json", **extra)

    # parse and check, anonymous; their errors
    with open(seed("001"), "rb") as fh:
        check("/api/parse", "post", anon.post("/api/parse", {"file": fh}), 200)
    # crawler text: inferred cells say what fixed them (basis), digits left open (ambiguous)
    with open(ROOT / "examples" / "crawler-text" / "ptzhsyqjtj-2025.txt", "rb") as fh:
        body = check("/api/parse", "post", anon.post("/api/parse", {"file": fh}), 200)
    assert body["ambiguous"] and body["cells"]["table3.new_received.total"]["basis"] == ["row-total"]
    with open(seed("001"), "rb") as fh, open(seed("000"), "rb") as prev:
        body = check("/api/check", "post", anon.post("/api/check", {"file": fh, "previous": prev}), 200)
    assert body["findings"]
    check("/api/parse", "post", anon.post("/api/parse", {"file": SimpleUploadedFile("a.exe", b"MZ")}), 400)
    # a ZIP of reports: each member's report, or why it was not read (ReportArchive)
    import io
    import zipfile

    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("乡镇/a.txt", seed("000").read_bytes())
        z.writestr("乡镇/说明.xlsx", b"PK")
    for url in ("/api/parse", "/api/check"):
        body = check(url, "post", anon.post(url, {"file": SimpleUploadedFile("包.zip", bundle.getvalue())}), 200)
        assert [sorted(m) for m in body["members"]] == [["name", "report"], ["error", "name"]]
    check("/api/check", "post", anon.post("/api/check", {"file": SimpleUploadedFile("坏.zip", b"PK")}), 400)
    check("/api/check", "post", anon.get("/api/check"), 405)
    check("/api/openapi.json", "get", anon.get("/api/openapi.json"), 200)
    # bodies, the register
    b = f"/api/bodies/{a.pk}"
    check("/api/bodies", "get", clerk.get("/api/bodies"), 200)
    check("/api/bodies", "get", anon.get("/api/bodies"), 401)
    new = {"applicant_type": "natural_person", "applicant_name": "张三", "channel": "in_person",
           "content": "某路段改造的立项批复", "submitted_on": "2026-03-02", "phone": "13800000000"}
    detail = check("/api/bodies/{body_id}/requests", "post", js(clerk, "post", f"{b}/requests", new, **h), 201)
    ref = detail["ref"]
    check("/api/bodies/{body_id}/requests", "post", js(clerk, "post", f"{b}/requests", {"content": "x"}, **h), 400)
    check("/api/bodies/{body_id}/requests", "post", anon.post(f"{b}/requests", {"content": "x"}), 401)
    check("/api/bodies/{body_id}/requests", "get", clerk.get(f"{b}/requests?filter=open"), 200)
    check("/api/bodies/{body_id}/requests", "get", sup.get(f"{b}/requests"), 200)     # names masked
    check("/api/bodies/{body_id}/requests", "get", client_for(world["clerk_b"]).get(f"{b}/requests"), 403)
    check("/api/bodies/{body_id}/requests", "get", clerk.get("/api/bodies/999999/requests"), 404)
    check("/api/bodies/{body_id}/requests", "put", clerk.put(f"{b}/requests", **h), 405)
    check("/api/bodies/{body_id}/requests/{ref}", "get", clerk.get(f"{b}/requests/{ref}"), 200)
    check("/api/bodies/{body_id}/requests/{ref}", "get", sup.get(f"{b}/requests/{ref}"), 200)
    check("/api/bodies/{body_id}/requests/{ref}/events", "post",
          js(clerk, "post", f"{b}/requests/{ref}/events", {"kind": "extended", "on": "2026-03-10", "workdays": 10,
                                                            "reason": "需要调取多年档案"}, **h), 201)
    check("/api/bodies/{body_id}/requests/{ref}/events", "post",
          js(clerk, "post", f"{b}/requests/{ref}/events", {"kind": "nonsense", "on": "2026-03-10"}, **h), 400)
    # a correction: a step of its own in the history; the request shows the corrected number
    detail = check("/api/bodies/{body_id}/requests/{ref}/events", "post",
                   js(clerk, "post", f"{b}/requests/{ref}/events", {"kind": "amended", "on": "2026-03-10", "event": 1,
                                                                    "field": "pieces", "value": 2,
                                                                    "reason": "申请书列了两项"}, **h), 201)
    assert detail["pieces"] == 2 and [h["kind"] for h in detail["history"]] == ["registered", "extended", "amended"]
    check("/api/bodies/{body_id}/requests/{ref}/letters/{kind}", "get", clerk.get(f"{b}/requests/{ref}/letters/receipt"),
          200)
    check("/api/bodies/{body_id}/requests/{ref}/letters/{kind}", "get", sup.get(f"{b}/requests/{ref}/letters/receipt"),
          403)
    check("/api/bodies/{body_id}/table3/{year}", "get", clerk.get(f"{b}/table3/2026"), 200)
    # 编制: a blank draft is refused for export (409), a complete one built
    check("/api/bodies/{body_id}/reports", "post", js(clerk, "post", f"{b}/reports", {"year": 2025}, **h), 201)
    check("/api/bodies/{body_id}/reports", "post", js(clerk, "post", f"{b}/reports", {"year": 2025}, **h), 400)
    check("/api/bodies/{body_id}/reports", "get", clerk.get(f"{b}/reports"), 200)
    report = check("/api/bodies/{body_id}/reports/{year}", "get", clerk.get(f"{b}/reports/2025"), 200)
    check("/api/bodies/{body_id}/reports/{year}", "get", clerk.get(f"{b}/reports/2019"), 404)
    check("/api/bodies/{body_id}/reports/{year}/build", "get", clerk.get(f"{b}/reports/2025/build?to=md"), 409)
    for cell in FORMAT.expected_cells("2021"):
        table, rest = cell.split(".", 1)
        row, column = rest.rsplit(".", 1)
        report.setdefault(table, {}).setdefault(row, {})[column] = 0
    for s in report["sections"]:
        s["text"] = f"第{s['no']}部分。"
    check("/api/bodies/{body_id}/reports/{year}", "put",
          clerk.put(f"{b}/reports/2025", json.dumps(report), content_type="application/json", **h), 200)
    check("/api/bodies/{body_id}/reports/{year}/build", "get", clerk.get(f"{b}/reports/2025/build?to=md"), 200)
    check("/api/bodies/{body_id}/reports/{year}/build", "get", clerk.get(f"{b}/reports/2025/build?to=rtf"), 400)
    # the register's first request came in 2026 and no 台账起始日期 is declared: 2025 is not counted
    # (its table 3 is not replaced by zeros); declared from 2025-01-01, it is
    refused = check("/api/bodies/{body_id}/reports/{year}/from-register", "post",
                    clerk.post(f"{b}/reports/2025/from-register", **h), 400)
    assert refused["error"].startswith("未按台账计算表三：台账中最早的申请于2026-03-02收到，也没有声明台账起始日期")
    from gongkai.web.registers import open_register
    open_register(a).declare_kept_since(date(2025, 1, 1), "clerk")
    check("/api/bodies/{body_id}/reports/{year}/from-register", "post",
          clerk.post(f"{b}/reports/2025/from-register", **h), 200)
    # the corpus
    with Store(settings.CORPUS_URL) as store:
        if not store.query("SELECT COUNT(*) FROM documents")[0][0]:
            ingest([str(seed(p)) for p in ("000", "001", "002")], store, workers=1)
        docs = store.query("SELECT id, year FROM documents WHERE status = 'ok' ORDER BY id")
    check("/api/corpus/stats", "get", sup.get("/api/corpus/stats?level=county&region=64"), 200)
    check("/api/corpus/stats", "get", sup.get("/api/corpus/stats?level=bogus"), 400)
    check("/api/corpus/stats", "get", sup.get("/api/corpus/stats?level=county&format=csv"), 200)
    check("/api/corpus/stats", "get", sup.get("/api/corpus/stats?level=county&ids=1"), 200)
    check("/api/corpus/stats", "get", sup.get("/api/corpus/stats?level=county&format=csv&ids=1"), 200)
    etag = sup.get("/api/corpus/stats?level=county")["ETag"]
    check("/api/corpus/stats", "get", sup.get("/api/corpus/stats?level=county", HTTP_IF_NONE_MATCH=etag), 304)
    by_body = check("/api/corpus/stats", "get", sup.get("/api/corpus/stats?level=body"), 200)
    one = by_body["rows"][0]
    body = check("/api/corpus/stats", "get", sup.get("/api/corpus/stats", {"level": "body", "body": one["code"]}), 200)
    assert [r["code"] for r in body["rows"]] == [one["code"]] * len(body["rows"]) and one in body["rows"]
    check("/api/corpus/stats", "get", sup.get("/api/corpus/stats", {"level": "body", "agency": "某某局"}), 404)
    listed = check("/api/corpus/reports", "get", sup.get("/api/corpus/reports?page_size=1"), 200)
    assert listed["next"].endswith("/api/corpus/reports?page_size=1&page=2") and listed["reports"][0]["url"]
    check("/api/corpus/reports", "get", sup.get("/api/corpus/reports?format=csv"), 200)
    check("/api/corpus/reports", "get", sup.get("/api/corpus/reports?page=0"), 400)
    check("/api/corpus/tables/{table}.csv", "get", sup.get("/api/corpus/tables/figures.csv"), 200)
    check("/api/corpus/tables/{table}.csv", "get", sup.get("/api/corpus/tables/x.csv"), 404)
    check("/api/corpus/reports/{doc_id}", "get", sup.get(f"/api/corpus/reports/{docs[0][0]}"), 200)
    check("/api/corpus/reports/{doc_id}", "get", sup.get("/api/corpus/reports/999999"), 404)
    check("/api/corpus/compare", "get", sup.get(f"/api/corpus/compare?a={docs[0][0]}&b={docs[1][0]}"), 200)
    check("/api/corpus/rollup", "get", sup.get(f"/api/corpus/rollup?year={docs[0][1]}&region=64"), 200)
    check("/api/corpus/rollup", "get", sup.get(f"/api/corpus/rollup?year={docs[0][1]}"), 400)
    check("/api/corpus/rollup", "get", anon.get(f"/api/corpus/rollup?year={docs[0][1]}&region=64"), 401)
    # the roster
    from gongkai.web.models import RosterEntry
    from gongkai.web.roster import add, clean_entry

    add(clean_entry("吴忠市红寺堡区红寺堡镇人民政府", "640303"), "测试")
    add(clean_entry("淮安市清江浦区教育局", "320812"), "测试")
    body = check("/api/roster", "get", admin.get("/api/roster?year=2021"), 200)
    assert {x["status"] for x in body["bodies"]} == {"undated", "overdue"}
    check("/api/roster", "get", clerk.get("/api/roster"), 403)
    check("/api/roster", "get", sup.get("/api/roster?year=x"), 400)
    RosterEntry.objects.all().delete()
    # every success response of every operation was seen and validated
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            ok = next(c for c in op["responses"] if c.startswith("2"))
            assert (path, method, ok) in check.seen, (path, method)


def test_the_event_body_documents_every_step_and_field_the_register_takes(doc):
    """The Event schema was written by hand: no ground (which 本机关不掌握 requires), method, event,
    payment, how… and no delivered, amended, voided or withdrawn, with additionalProperties false —
    a client checking its bodies against it could not send them. It is now the declaration's."""
    from jsonschema import Draft202012Validator

    event = Draft202012Validator(doc["components"]["schemas"]["Event"])
    taken = [{"kind": "replied", "on": "2026-03-09", "outcome": "本机关不掌握", "ground": "第（四）"},
             {"kind": "replied", "on": "2026-03-09", "outcome": "unable.not_held", "ground": "5", "body": "某局",
              "body_contact": "0517-1", "note": "x"},
             {"kind": "delivered", "on": "2026-03-10", "event": 2, "method": "电子"},
             {"kind": "amended", "event": 2, "field": "outcome", "value": "予以", "ground": "第（二）", "reason": "计错了行"},
             {"kind": "voided", "event": 3, "reason": "重复登记"},
             {"kind": "withdrawn", "on": "2026-03-09", "how": "书面"},
             {"kind": "fee_notice", "on": "2026-03-09", "basis": "按量", "units": 120, "payment": "银行转账"}]
    assert [list(event.iter_errors(body)) for body in taken] == [[]] * len(taken)
    refused = [{"kind": "registered", "on": "2026-03-09"}, {"kind": "replied", "grounds": "4"}, {"on": "2026-03-09"}]
    assert [event.is_valid(body) for body in refused] == [False, False, False]
    assert doc["components"]["schemas"]["Event"]["properties"]["ground"]["description"].startswith(
        "所依据的第三十六条的一项（replied、amended）：1（第（一）项：已经主动公开的，告知获取的方式和途径）、")
