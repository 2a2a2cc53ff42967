"""The OpenAPI 3.1 description of every API endpoint (served at /api/openapi.json).
``tests/web`` checks that each URL under /api/ in urls.py appears here."""

from __future__ import annotations

from gongkai import __version__

_ERR = {"description": "错误（JSON：{\"error\": \"中文说明\"}）",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_JSON = {"content": {"application/json": {"schema": {"type": "object"}}}}
_UPLOAD = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "年度报告：txt、md、html、docx、doc、pdf"}}}}}}
_UPLOAD_CHECK = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "年度报告"},
                   "previous": {"type": "string", "format": "binary", "description": "上年度报告（可选）"}}}}}}
_BODY = {"name": "body_id", "in": "path", "required": True, "schema": {"type": "integer"}, "description": "机关编号"}
_REF = {"name": "ref", "in": "path", "required": True, "schema": {"type": "string"}, "description": "申请编号"}
_YEAR = {"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}}
_SECURED = [{"session": []}, {"bearer": []}]


def _op(summary: str, *, params=(), body=None, ok="成功", ok_content=None, secured=True, status="200"):
    op = {"summary": summary, "parameters": list(params),
          "responses": {status: {"description": ok, **(ok_content or _JSON)}, "400": _ERR, "401": _ERR, "403": _ERR}}
    if body:
        op["requestBody"] = body
    op["security"] = _SECURED if secured else [{}, *_SECURED]
    return op


_DOCX = {"content": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
    "schema": {"type": "string", "format": "binary"}}}}


def document() -> dict:
    event_body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Event"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "gongkai 政府信息公开 API", "version": __version__,
                 "description": "解析、检查年度报告；依申请公开台账；年度报告编制；语料库汇总。"
                                "登录会话（不安全方法须带 X-CSRFToken）或 Authorization: Bearer 令牌"
                                "（gongkai users token 用户名 生成）。"},
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
                                "bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]},
                "Report": {"type": "object", "description": "报告 JSON（schema.md，gongkai.report/1）",
                           "properties": {"schema": {"const": "gongkai.report/1"}, "agency": {"type": ["string", "null"]},
                                          "year": {"type": ["integer", "null"]}, "findings": {"type": "array"}}},
                "NewRequest": {"type": "object", "required": ["applicant_type", "applicant_name", "channel",
                                                              "content", "submitted_on"],
                               "properties": {k: {"type": "string"} for k in (
                                   "applicant_type", "applicant_name", "id_number", "phone", "email", "address",
                                   "channel", "content", "submitted_on", "signed_on", "confirmed_on")}
                               | {"pieces": {"type": "integer"}}},
                "Event": {"type": "object", "required": ["kind", "on"], "properties": {
                    "kind": {"enum": ["correction_requested", "corrected", "consultation_started",
                                      "consultation_ended", "extended", "later_deadline", "fee_notice", "fee_paid",
                                      "replied", "archived"]},
                    "on": {"type": "string", "format": "date"}, "items": {"type": "string"},
                    "until": {"type": "string", "format": "date"}, "party": {"enum": ["third_party", "other_body"]},
                    "name": {"type": "string"}, "workdays": {"type": "integer"}, "reason": {"type": "string"},
                    "basis": {"enum": ["pieces", "pages"]}, "units": {"type": "integer"},
                    "outcome": {"type": "string", "description": "表三办理结果行，如 granted、denied.third_party"},
                    "note": {"type": "string"}}},
            },
        },
        "paths": {
            "/api/parse": {"post": _op("解析一份报告，返回报告 JSON（不保存）", body=_UPLOAD, secured=False)},
            "/api/check": {"post": _op("解析并检查一份报告，返回带检查结果的报告 JSON（不保存）；"
                                       "可另附 previous（上年度报告）以运行跨年度规则", body=_UPLOAD_CHECK,
                                       secured=False)},
            "/api/openapi.json": {"get": {"summary": "本说明", "responses": {"200": {"description": "OpenAPI 文档"}},
                                          "security": [{}]}},
            "/api/bodies": {"get": _op("当前用户可查看的机关")},
            "/api/bodies/{body_id}/requests": {
                "get": _op("台账列表（新到旧，每页 50 件；filter=all|open|soon|overdue|closed，q=编号或内容）",
                           params=[_BODY, {"name": "filter", "in": "query", "schema": {"type": "string"}},
                                   {"name": "page", "in": "query", "schema": {"type": "integer"}},
                                   {"name": "q", "in": "query", "schema": {"type": "string"}}]),
                "post": _op("登记新申请（本机关经办人）", params=[_BODY], status="201", body={
                    "required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewRequest"}}}}),
            },
            "/api/bodies/{body_id}/requests/{ref}": {"get": _op("一件申请：办理记录、答复期限及其逐日计算", params=[_BODY, _REF])},
            "/api/bodies/{body_id}/requests/{ref}/events": {
                "post": _op("登记办理事项（补正、征求意见、延期、收费、答复等）", params=[_BODY, _REF], body=event_body,
                            status="201")},
            "/api/bodies/{body_id}/requests/{ref}/letters/{kind}": {
                "get": _op("文书 DOCX（receipt、correction、extension、later_deadline、consultation、fee、reply）",
                           params=[_BODY, _REF, {"name": "kind", "in": "path", "required": True,
                                                 "schema": {"type": "string"}}], ok_content=_DOCX)},
            "/api/bodies/{body_id}/table3/{year}": {"get": _op("由台账计算的该年度表三（报告 JSON）", params=[_BODY, _YEAR])},
            "/api/bodies/{body_id}/reports": {
                "get": _op("本机关编制中的年度报告", params=[_BODY]),
                "post": _op("新建年度报告（year、format，prefill 从上年报告带入）", params=[_BODY], status="201",
                            body={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}),
            },
            "/api/bodies/{body_id}/reports/{year}": {
                "get": _op("年度报告 JSON", params=[_BODY, _YEAR]),
                "put": _op("以报告 JSON 替换年度报告", params=[_BODY, _YEAR],
                           body={"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}}),
            },
            "/api/bodies/{body_id}/reports/{year}/build": {
                "get": _op("生成正式报告（to=docx|pdf|html|md）", params=[_BODY, _YEAR, {
                    "name": "to", "in": "query", "schema": {"enum": ["docx", "pdf", "html", "md"]}}], ok_content=_DOCX)},
            "/api/bodies/{body_id}/reports/{year}/from-register": {
                "post": _op("按本机关台账重新计算该年度报告的表三（2021年版格式）", params=[_BODY, _YEAR])},
            "/api/corpus/stats": {"get": _op("语料库统计（level=province|city|county）",
                                             params=[{"name": "level", "in": "query", "schema": {"type": "string"}}])},
            "/api/corpus/compare": {"get": _op("比较语料库中的两份报告（a、b 为报告编号）：统计表差异、结转衔接、各部分文字雷同",
                                               params=[{"name": n, "in": "query", "required": True,
                                                        "schema": {"type": "integer"}} for n in ("a", "b")])},
            "/api/corpus/reports/{doc_id}": {"get": _op("语料库中的一份报告及其检查结果（含跨年度检查）", params=[
                {"name": "doc_id", "in": "path", "required": True, "schema": {"type": "integer"}}])},
            "/api/roster": {"get": _op("名录中各机关某年度报告的公开情况（year，region 地区代码前缀）", params=[
                {"name": "year", "in": "query", "schema": {"type": "integer"}},
                {"name": "region", "in": "query", "schema": {"type": "string"}}])},
            "/api/corpus/rollup": {"get": _op("把某年度（region 地区代码前缀内）语料库中各报告的统计表逐格相加（空白不当作 0）",
                                              params=[{"name": "year", "in": "query", "required": True,
                                                       "schema": {"type": "integer"}},
                                                      {"name": "region", "in": "query", "schema": {"type": "string"}}])},
        },
    }
