"""The OpenAPI 3.1 description of every API endpoint (served at /api/openapi.json): every
request and response body with its fields, so that a typed client can be generated from it.

``tests/web/test_web_openapi.py`` validates the document (openapi-spec-validator), checks that
each URL under /api/ in urls.py appears here, and validates real responses of every endpoint
against the schemas below: a field a view adds without describing it here fails that test."""

from __future__ import annotations

from typing import Any

from gongkai import __version__

Schema = dict[str, Any]

# -- schema shorthands -------------------------------------------------------------------------
STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


_FIELD_TYPES: dict[str, Schema] = {"text": STR, "choice": STR, "date": DATE, "int": INT,
                                   "event": {**INT, "description": "所指的办理记录编号"}}


def event_data() -> Schema:
    """A step's recorded fields, as the register declares them (``register/data/events.yaml``):
    each field's type and label, and which steps carry it; a field may be null when not given."""
    from gongkai.register.events import kinds

    found: dict[str, tuple[str, str, list[str]]] = {}
    for kind in kinds().values():
        for f in kind.fields:
            found.setdefault(f.name, (f.type, f.label, []))[2].append(kind.id)
    props = {name: {**null(_FIELD_TYPES.get(t, STR)), "description": f"{label}（{'、'.join(ids)}）"}
             for name, (t, label, ids) in sorted(found.items())}
    return {"type": "object", "properties": props, "additionalProperties": True,
            "description": "该办理事项登记的各项内容：字段按事项种类（kind）不同，见 register/data/events.yaml"}


def choice(what: str) -> Schema:
    """A field of a vocabulary, read as the CLI reads it (``register.vocab.by_beginning``)."""
    return {**STR, "description": f"{what}。可写代码、中文名称，或名称的开头几个字（须只对应一项："
                                  "对应多项时答复 400 并列出以它开头的各项）；记录保存的是所选的那一项"}


def event_body() -> Schema:
    """What ``POST …/events`` takes: ``kind`` (any step but the registration), ``on`` and every
    field a step declares (``register/data/events.yaml``), each said with the steps that take it —
    written out by hand, it lacked ground, method, event… and the kinds delivered, amended…"""
    from gongkai.register.events import choices, kinds

    found: dict[str, tuple[Any, list[str]]] = {}
    for k in kinds().values():
        if k.id != "registered":
            for f in k.entered:
                found.setdefault(f.name, (f, []))[1].append(k.id)
    props: dict[str, Schema] = {
        "kind": {"enum": [k for k in kinds() if k != "registered"]},
        "on": {**DATE, "description": "办理日期（更正、作废等默认今天）"}}
    for name, (f, ids) in sorted(found.items()):
        said = f"{f.label}（{'、'.join(ids)}）"
        if f.type == "choice":
            shown = list(choices(f.choices or "").items())
            sample = "、".join(f"{i}（{label}）" for i, label in shown[:4]) + ("…" if len(shown) > 4 else "")
            props[name] = choice(f"{said}：{sample}")
        else:
            props[name] = {**_FIELD_TYPES.get(f.type, STR), "description": said}
    return obj(props, optional=tuple(p for p in props if p != "kind"))


def null(schema: Schema) -> Schema:
    """The schema, or null (a blank cell, a date not yet known)."""
    if "type" in schema and "$ref" not in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": [*types, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(props: dict[str, Schema], optional: tuple[str, ...] = (), description: str = "") -> Schema:
    """An object with exactly these fields; all required but the ``optional`` ones."""
    out: Schema = {"type": "object", "properties": props,
                   "required": [k for k in props if k not in optional], "additionalProperties": False}
    if description:
        out["description"] = description
    return out


def mapping(values: Schema, description: str = "") -> Schema:
    out: Schema = {"type": "object", "additionalProperties": values}
    if description:
        out["description"] = description
    return out


VALUE = null({"type": "number"})     # a cell: a count, an amount, or null (blank)
URL: Schema = {"type": "string", "format": "uri"}
# A report's first receipt, as the store and the export hold it (docs/dataset.md, reports table).
RECEIVED_AT: Schema = {"type": "string", "description": "这份内容第一次收到（第一次入库的那次入库开始）的时间，ISO 8601，办公地时间带时区，"
                                                        "精确到微秒，如 2026-12-04T11:05:31.402113+08:00；同一机关同一年度的多份报告，"
                                                        "计入最后收到的一份（0.9.5）"}
# The fields of every page of a list (web/api._listed); the same links are in the Link header.
PAGE: dict[str, Schema] = {
    "total": {**INT, "description": "符合条件的总数"}, "page_size": {**INT, "description": "每页条数"},
    "page": {**INT, "description": "本页页码，从 1 起"}, "pages": {**INT, "description": "总页数（至少 1）"},
    "next": {**null(URL), "description": "下一页的完整地址（最后一页为 null）"},
    "previous": {**null(URL), "description": "上一页的完整地址（第一页为 null）"}}
SEVERITY: Schema = {"enum": ["error", "warning", "notice"]}

SCHEMAS: dict[str, Schema] = {
    "Error": obj({"error": {**STR, "description": "中文说明"}}),
    "Finding": obj({"rule": {**STR, "description": "规则编号，如 T3-IDENTITY"}, "severity": SEVERITY,
                    "message": STR, "cells": arr({**STR, "description": "单元格编号，如 table3.granted.total"}),
                    "where": STR, "quote": STR}, optional=("where", "quote")),
    "CellInfo": obj({"raw": {**STR, "description": "原文"}, "where": null(STR), "inferred": BOOL,
                     "basis": arr({**STR, "description": "推断值由哪些关系确定，如 row-total（行合计）、digit-count（位数）"}),
                     "confidence": {**NUM, "description": "OCR 置信度"}}, optional=("inferred", "basis", "confidence")),
    "Section": obj({"no": INT, "title": STR, "text": STR, "where": STR}, optional=("where",)),
    "Table": mapping(mapping(VALUE), "行编号 → 列编号 → 数值（空白为 null），如 granted → total"),
    # "Report", the report JSON: report_schema() below (the published docs/report.schema.json)
    "NotReady": obj({"error": STR, "findings": arr(ref("Finding"))},
                    description="报告尚不能导出：错误、空白单元格或【待办】提示文字"),
    "Body": obj({"id": INT, "name": STR, "region_code": STR,
                 "review_body": {**STR, "description": "系统管理员为本机关设定的行政复议机关（文书中写的）；"
                                                       "空：按本机关的类型和所在区划确定，或用站点设置文件中的"},
                 "court": {**STR, "description": "系统管理员为本机关设定的行政诉讼管辖法院；空：用站点设置文件中的"}}),
    "BodyList": obj({"bodies": arr(ref("Body"))}),
    # -- register -------------------------------------------------------------------------
    "NewRequest": {**obj({k: STR for k in (
        "applicant_name", "id_number", "phone", "email", "address", "content",
        "submitted_on", "signed_on", "confirmed_on")} | {"pieces": INT,
        "applicant_type": choice("申请人类型（表三的列），如 natural_person、自然人"),
        "channel": choice("提交方式，如 in_person、当面、互联网")},
        optional=("id_number", "phone", "email", "address", "signed_on", "confirmed_on", "pieces"))},
    "Event": event_body(),
    "RequestRow": obj({"ref": STR, "applicant": {**STR, "description": "监督人员看到的是打码的姓名"},
                       "applicant_type": STR, "channel": STR, "content": STR, "received_on": DATE,
                       "due_on": null(DATE), "concluded_on": null(DATE), "state": STR, "outcome": null(STR),
                       "mark": null({"enum": ["overdue", "soon", "done", "late"]}),
                       "due_assumed": {**BOOL, "description": "答复期限为推算：期间用到了尚未录入节假日安排的年份（按周末和法定节日推算）"}}),
    "RequestList": obj({**PAGE, "counts": mapping(INT, "各标记的件数"), "requests": arr(ref("RequestRow"))}),
    "RequestDetail": obj({
        "ref": STR,
        "applicant": obj({"type": STR, "name": STR, "id_number": STR, "phone": STR, "email": STR, "address": STR},
                         optional=("id_number", "phone", "email", "address"),
                         description="本机关经办人看到全部；其他人只看到类型和打码的姓名"),
        "applicant_type_label": STR, "channel": STR, "channel_label": STR, "content": STR, "pieces": INT,
        "submitted_on": DATE, "received_on": DATE, "state": STR, "state_label": STR, "outcome": null(STR),
        "outcome_label": STR, "due_on": null(DATE), "concluded_on": null(DATE),
        "late": {**BOOL, "description": "逾期（已办结而超过期限，或未办结已过期限）；一旦逾期永远记载"},
        "mark": null({"enum": ["overdue", "soon", "done", "late"]}), "counted_workdays": null(INT),
        "limit_workdays": null(INT), "workdays_left": null(INT),
        "workdays_left_assumed": {**BOOL, "description": "剩余工作日数为推算：计数用到了尚未录入节假日安排的日期"},
        "workdays_late": null(INT),
        "workdays_late_assumed": {**BOOL, "description": "逾期工作日数为推算：计数用到了尚未录入节假日安排的日期"},
        "warnings": arr(STR), "due_assumed": {**BOOL, "description": "答复期限为推算：期间用到了尚未录入节假日安排的年份（按周末和法定节日推算）"},
        "events": arr(obj({"id": INT, "kind": STR, "label": STR, "on": DATE, "data": event_data(),
                           "actor": STR, "recorded_at": STR})),
        "history": arr(obj({"id": INT, "kind": STR, "label": STR, "on": DATE,
                            "details": arr({**STR, "description": "该条记录的各项内容（已按权限打码）"}),
                            "actor": STR, "recorded_at": STR,
                            "late_entry_days": {**INT, "description": "补录：登记时距事项日期（已更正的，按更正后的日期）的天数（不超过规定时为 0）"},
                            "voided_by": null({**INT, "description": "作废它的记录编号"}), "void_reason": null(STR),
                            "amended_by": {**arr(obj({"id": {**INT, "description": "更正它的记录编号"},
                                                      "field": {**STR, "description": "所更正的项目"}})),
                                           "description": "此后更正了这条记录的哪些项目（本条保持原样）"},
                            "doc_number": null({**STR, "description": "文号"})},
                           description="全部记录（只增不改）：办理事项、更正、作废，各自的登记人和登记时间")),
        "seen": {**INT, "description": "最后一条记录的编号：页面的表单带上它，提交时说明此后别人登记了什么"},
        "ledger": {**STR, "description": "逐日的答复期限计算"},
        "letters": arr(obj({"kind": STR, "n": null({**INT, "description": "同种文书的第几份（只有一份时为 null）"}),
                            "label": STR, "on": {**DATE, "description": "文书日期（其所依据的办理事项之日）"},
                            "event": {**INT, "description": "文书所依据的办理记录序号（登记送达时所指的序号）"},
                            "delivered": {**STR, "description": "送达日期和方式（如“2026-01-21 直接送达”）；"
                                                                 "未登记送达为空字符串"}})),
        "offered": arr(STR),
        "extension_left": {**INT, "description": "还可延期的工作日数（条例第三十三条：多次延期合计最长20个工作日）"},
        "withheld": mapping(STR, "按办理状态本可进行、但办理记录不允许的事项及原因（如延期已满20个工作日）"),
    }),
    # -- 编制 --------------------------------------------------------------------------------
    "NewDraft": obj({"year": INT, "format": {"enum": ["2021", "2019"]},
                     "prefill": {**BOOL, "description": "从上年报告和台账带入（默认 true）"}},
                    optional=("format", "prefill")),
    "DraftSummary": obj({"year": INT, "format": STR, "updated_at": {"type": "string", "format": "date-time"},
                         "updated_by": STR}),
    "DraftList": obj({"reports": arr(ref("DraftSummary"))}),
    # -- corpus ------------------------------------------------------------------------------
    "Stats": obj({
        "level": {"enum": ["province", "city", "county", "body"]}, "region": STR,
        "agency": {**STR, "description": "所限定的机关名称（未限定为空）"},
        "body": {**STR, "description": "所限定的机关标识（未限定为空）"},
        "counts": mapping(INT, "按读取状态（ok、failed…）的报告份数"),
        "rows": arr(obj({"region": {**STR, "description": "地区名称；level=body 时为机关名称（按其最近一年报告的写法）"},
                         "code": {**null(STR), "description": "地区代码；level=body 时为机关标识（body 参数可用）"},
                         "year": null(INT), "ids": {**arr(INT), "description": "计入这一行的报告编号（/api/corpus/reports/{doc_id}）；只在 ids=1 时给出"},
                         "values": mapping(null(NUM), "指标 → 数值（无数据为 null）"),
                         "based_on": mapping(INT, "指标 → 所依据的报告份数"),
                         "unsound": {**arr(STR), "description": "加入数字、自身合计不成立的报告及哪一行（按原样计入，未作更正）"},
                         "contradicted": {**arr(STR), "description": "加入数字、正文所述与表中数字不一致的报告及检查结果（TEXT-TABLE、TEXT-COMBINED；表中数字按原样计入，未作更正）"},
                         "contradicted_in": {**arr(STR), "description": "用到这些数字的指标（values 的键）"}},
                        optional=("ids",))),
        "findings_by_rule": mapping(INT, "规则 → 条数"),
        "duplicates": {**arr(STR), "description": "未计入的报告（同一机关同一年度的另一份，如“#7 某某局 2024”），"
                       "按编号，本页的至多 page_size 份"},
        "duplicates_total": {**INT, "description": "未计入的报告共几份"},
        "covered": {**arr(STR), "description": "计入份数、未加入数字的报告：同一行中人民政府的全地区报告已含其数字；"
                    "按编号，本页的至多 page_size 份"},
        "covered_total": {**INT, "description": "这样的报告共几份"},
        "page_size": {**INT, "description": "duplicates、covered 每页至多几份"},
        **{k: v for k, v in PAGE.items() if k not in ("total", "page_size")},
    }),
    "Comparison": obj({
        "a": obj({"label": STR, "agency": null(STR), "year": null(INT)}),
        "b": obj({"label": STR, "agency": null(STR), "year": null(INT)}),
        "cells_equal": INT,
        "summary": {**STR, "description": "一句话：几格相同、几格不同，不全是数值不同时按种类说明（与 gongkai compare 相同）"},
        "tally": obj({k: INT for k in ("values", "a_open", "b_open", "a_blank", "b_blank", "a_missing", "b_missing")},
                     description="不同的格按种类：values 两边数值不同；a_/b_ 各边 open 数字连写无法确定（不是空白）、"
                                 "blank 空白、missing 缺该行"),
        "cell_differences": arr(obj({"cell": STR, "label": {**STR, "description": "单元格的中文名称"},
                                     "a": {"anyOf": [VALUE, {"const": "missing"}, {"const": "open"}],
                                           "description": "null 空白；missing 报告缺该行；open 数字连写、无法唯一拆开（不是空白）"},
                                     "b": {"anyOf": [VALUE, {"const": "missing"}, {"const": "open"}]},
                                     "a_mark": {"anyOf": [{"enum": ["inferred", "ocr", "doubtful"]}, {"type": "null"}],
                                                "description": "该值的标记（同各视图的 * ~ ?）：inferred 推断值（原文数字连写，"
                                                               "由表内合计唯一确定），ocr 由 OCR 识别，doubtful OCR 识别存疑；"
                                                               "null 按原文读取"},
                                     "b_mark": {"anyOf": [{"enum": ["inferred", "ocr", "doubtful"]}, {"type": "null"}]}})),
        "continuity_note": STR,
        "continuity": null(arr(obj({"column": STR, "label": STR, "carried_forward": {"anyOf": [VALUE, {"const": "missing"}]},
                                    "carried_over": {"anyOf": [VALUE, {"const": "missing"}]}, "ok": BOOL}))),
        "sections": arr(obj({"no": INT, "title": STR, "similarity": null(NUM), "copied_share": null(NUM),
                             "passages": arr(STR)})),
    }),
    "Rollup": {"type": "object", "required": ["reports", "formats", "years", "unread", "coverage", "unsound", "contradicted",
                                              "against", "region"],
               "properties": {
                   "reports": arr(STR), "formats": arr(STR), "years": arr(INT),
                   "unread": arr(obj({"path": STR, "reason": STR})),
                   "table2": ref("Table"), "table3": ref("Table"), "table4": ref("Table"),
                   "coverage": mapping(obj({"status": {"enum": ["partial", "blank", "complete"]}, "numbers": INT,
                                            "blank": arr({**STR, "description": "此格空白的报告"}),
                                            "missing": arr({**STR, "description": "缺此行或此表的报告"}),
                                            "undecided": arr({**STR, "description": "此格数字连写、无法确定的报告"}),
                                            "unsound": arr({**STR, "description": "自身此处合计不成立、数字按原样计入的报告"}),
                                            "contradicted": arr({**STR, "description": "正文所述与此格数字不一致、表中数字按原样计入的报告"})}),
                                       "未全部填数、或计入了自身合计不成立或正文与之不符的报告的单元格：几份有数，哪些报告空白、缺行、"
                                       "无法确定、自身不平、正文不符"),
                   "unsound": {**arr(obj({"report": STR, "rule": STR, "cells": arr(STR),
                                          "message": {**STR, "description": "哪一行或列、数字各是多少（中文）"}})),
                               "description": "相加的报告自身不成立的合计（按原样计入，未作更正）"},
                   "contradicted": {**arr(obj({"report": STR, "rule": STR, "cells": arr(STR),
                                               "message": {**STR, "description": "正文怎么说、表中印的是多少（中文，检查结果的第一句）"},
                                               "quote": {**STR, "description": "正文的原句"}})),
                                    "description": "相加的报告正文所述与表中数字不一致处（TEXT-TABLE、TEXT-COMBINED 错误；表中数字按原样计入，未作更正）"},
                   "against": null(obj({"report": STR, "differences": arr(obj({
                       "cell": STR, "sum": VALUE, "report": VALUE, "status": STR}))})),
                   "region": obj({"code": STR, "name": STR, "level": {"enum": ["province", "city", "county"]},
                                  "year": INT, "own_report": {**null(STR), "description": "本级报告（与合计比较）"},
                                  "not_added": obj({"lower_governments": arr({**STR, "description": "下级人民政府的本级报告"}),
                                                    "duplicates": arr({**STR, "description": "同一机关同一年度的另一份报告"})})},
                                 description="相加的地区，未计入的报告")},
               "additionalProperties": False, "description": "逐格相加；空白不当作 0"},
    "CorpusFinding": {**obj({"rule": STR, "severity": SEVERITY, "message": STR, "cells": arr(STR), "where": STR,
                             "quote": STR,
                             "previous_report_id": {**null(INT), "description": "与上年报告比较得出或按它改写的一条所依据的上年报告编号（与导出文件同名），其余为 null"},
                             "previous_id": {**null(INT), "deprecated": True,
                                             "description": "已弃用（0.9.1 的名称）：与 previous_report_id 相同，仍保留，请改用 previous_report_id"}},
                            optional=("where", "quote")),
                      "description": "按 gongkai check --previous 的顺序；previous_report_id：与上年报告比较得出或按它改写的各条所依据的上年报告编号，其余为 null（previous_id 为其已弃用的旧名，值相同）"},
    "CorpusReport": obj({
        "report_id": {**INT, "description": "报告编号（与报告列表、导出文件同名）"},
        "id": {**INT, "deprecated": True, "description": "已弃用（0.9.1 的名称）：与 report_id 相同，仍保留，请改用 report_id"},
        "sha256": {**STR, "description": "原文件的 SHA-256 摘要"}, "name": STR,
        "paths": {**arr(STR), "description": "读到它的各处：系统管理员看到服务器上的路径，其他用户只看到文件名（压缩包成员为 包.zip!成员）"},
        "status": STR, "reason": null(STR), "agency": null(STR),
        "year": null(INT), "region_code": null(STR), "published": null(DATE), "received_at": RECEIVED_AT,
        "counts": obj({"error": INT, "warning": INT, "notice": INT}),
        "findings": arr(ref("CorpusFinding")), "report": null(ref("Report"))}),
    "CorpusReportRow": obj({
        "report_id": INT, "sha256": STR, "name": {**STR, "description": "文件名"},
        "path": {**STR, "description": "首次读到的位置（压缩包成员为 包.zip!成员）：系统管理员看到服务器上的路径，"
                                   "其他用户只看到文件名"}, "form": null(STR),
        "agency": null(STR), "agency_key": null(STR), "year": null(INT), "format": null(STR),
        "published": {**null(DATE), "description": "报告的落款日期"},
        "posted": {**null(STR), "description": "网页抓取文本的页头所记网页发布时间（ISO，如 2020-01-22T14:28），不是落款日期"},
        "source_url": {**null(STR), "description": "网页抓取文本的页头所记原文链接"},
        "region_code": null(STR), "province": null(STR), "city": null(STR), "county": null(STR), "unit": null(STR),
        "level": null(STR), "placement": {**null(STR), "description": "auto（自动）或 user（gongkai place 更正）"},
        "parser_version": STR, "checked": BOOL, "findings": INT, "errors": {**INT, "description": "错误级检查发现条数"},
        "url": {**URL, "description": "这份报告及其检查结果（/api/corpus/reports/{doc_id}）"},
        "received_at": RECEIVED_AT},
        description="与 gongkai export 的 reports 表各单元格列之前的列相同（docs/dataset.md），另加 url，"
                    "最后是 received_at（与 reports 表的末列相同）"),
    "CorpusReportList": obj({**PAGE, "reports": arr(ref("CorpusReportRow"))}),
    "RosterBody": obj({
        "id": INT, "name": STR, "region_code": STR, "kind": {"enum": ["department", "government"]}, "year": INT,
        "deadline": {**DATE, "description": "《条例》第四十九条的公开期限"},
        "status": {"enum": ["on_time", "late", "undated", "overdue", "not_due"]}, "status_label": STR,
        "report_id": null(INT), "report_agency": null(STR), "published": null(DATE), "days_late": null(INT),
        "findings": null(obj({"error": INT, "warning": INT, "notice": INT})), "other_reports": INT,
        "first_report_id": {**null(INT), "description": "同年多份报告中最早公开的一份（按网页发布时间，没有的按落款日期；据以判断是否按期）；findings 是最后收到的一份（report_id）的"},
        "error_rules": arr(obj({"rule": STR, "about": STR})),
        "other_years": {**arr(obj({"year": INT, "report_id": INT})),
                        "description": "该年度没有报告的机关在语料库中可能报错了年度的报告：上一年度的、在本年度报告收集期间（次年1月1日起）才首次收到的；下一年度的、在那一年结束前收到的"},
        "signed_after_today": {**BOOL, "description": "落款日期晚于今天（日期可能写错）"},
        "posted": {**null(STR), "description": "网页抓取文本所记网页发布时间（ISO，如 2026-02-03T10:05），不是落款日期"},
        "judged_by": {"enum": ["signed", "posted", "received", None], "description": "是否按期据哪个日期判断：posted 网页发布时间（《条例》第四十九条看向社会公布的日期），signed 落款日期（没有网页发布时间时据以推定），received 今天（落款日期晚于今天而期限未到：报告已收到，在期限内）；落款日期晚于今天而期限已过的为 null（status undated）"},
        "date_note": {**null(STR), "description": "按哪个日期判断；落款日期与网页发布时间分处期限两侧时写明两者"},
        "received_at": {**null(RECEIVED_AT), "description": "显示的报告（report_id）第一次收到的时间（ISO，精确到微秒）：同年多份报告中显示最后收到的一份；没有报告时为 null"}}),
    "Roster": obj({"year": INT, "region": STR, "as_of": DATE,
                   "summary": mapping(INT, "各状态的机关数（total、published、missing、on_time、late、overdue…）"),
                   "bodies": arr(ref("RosterBody"))}),
}


def report_schema() -> Schema:
    """``gongkai.reportschema.schema()`` as an OpenAPI component: the tables as published, and
    the fields gongkai writes besides (findings, cells, figures …) with their own fields."""
    import copy

    from gongkai.reportschema import schema

    out = copy.deepcopy(schema())
    for key in ("$schema", "$id"):      # a component, not a document of its own
        out.pop(key, None)
    out["properties"].update({
        "sections": arr(ref("Section")),
        "cells": mapping(ref("CellInfo"), "单元格编号 → 原文与位置"),
        "findings": arr(ref("Finding")),
        "extra_rows": arr(obj({"table": STR, "label": STR, "raw": arr(STR), "where": null(STR)},
                              description="格式没有的行")),
        "labels": arr(obj({"table": STR, "row": STR, "printed": STR, "official": STR, "where": null(STR)},
                          description="与格式规定不一致的标签")),
        "ambiguous": arr(obj({"table": STR, "row": STR, "cells": arr(STR), "raw": STR, "where": null(STR),
                              "candidates": arr(arr(STR)), "reason": {"enum": ["ambiguous", "no-split", "too-many", "blanks"]}},
                             description="数字粘连、有多种切分而留空的单元格及其候选")),
        "figures": arr(obj({"section": {**INT, "description": "0 为引言"}, "sentence": STR, "value": NUM,
                            "unit": STR, "text": STR, "counts": null(STR), "cells": arr(STR), "approx": BOOL,
                            "from_words": BOOL, "scope": STR, "year": INT, "part_of": INT},
                           optional=("approx", "from_words", "scope", "year", "part_of"),
                           description="正文中陈述的数字及其所指的表格单元格")),
    })
    out["additionalProperties"] = False
    return out


# -- responses ---------------------------------------------------------------------------------
def _json(schema: Schema, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json(ref("Error"), "请求有误（中文说明）"),
    "401": _json(ref("Error"), "未登录，或 API 令牌无效"),
    "403": _json(ref("Error"), "无权访问，或缺少 CSRF 令牌"),
    "404": _json(ref("Error"), "没有这个机关、申请、报告或年度"),
    "405": {**_json(ref("Error"), "不支持此请求方法"),
            "headers": {"Allow": {"schema": STR, "description": "可用的方法"}}},
}
UPLOAD_ERRORS = {"413": _json(ref("Error"), "上传内容过大或文件过多")}
READ_ERRORS = {**UPLOAD_ERRORS, "503": _json(ref("Error"), "服务器正忙（同时读取的文件过多），请稍后再试")}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BUILT = {DOCX: {"schema": {"type": "string", "format": "binary"}},
         "application/pdf": {"schema": {"type": "string", "format": "binary"}},
         "text/html": {"schema": STR}, "text/markdown": {"schema": STR}}


def _op(summary: str, ok: dict, *, params=(), body: Schema | None = None, secured: bool = True,
        status: str = "200", more: dict | None = None, body_type: str = "application/json") -> dict:
    op: dict = {"summary": summary, "parameters": list(params),
                "responses": {status: ok, **ERRORS, **(more or {})},
                "security": _SECURED if secured else [{}, *_SECURED]}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {body_type: {"schema": body}}}
    return op


def _path(name: str, description: str, schema: Schema = INT) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _query(name: str, description: str, schema: Schema = STR, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


_SECURED: list[dict[str, list[str]]] = [{"session": []}, {"bearer": []}]
# region= as gongkai stats --region takes it (corpus.region.code_prefix): digits or a name
REGION_TEXT = "地区：区划代码的前几位、六位代码或名称，如 3208、320812、淮安、清江浦区（与 gongkai stats --region 相同）"
REGION = {"type": "string", "maxLength": 200}
# Which reports a corpus list or table keeps (web/api._chosen; failures.csv takes none of them).
CORPUS_FILTERS = [
    _query("region", REGION_TEXT, REGION),
    _query("year", "报告年度", {**INT, "minimum": 1, "maximum": 9999}),
    _query("agency", "机关名称或其一部分（写法不同的同一机关也算）", {"type": "string", "maxLength": 200}),
    _query("body", "机关标识（/api/corpus/stats?level=body 各行的 code）", {"type": "string", "maxLength": 200})]
PAGE_HEADERS = {"Link": {"schema": STR, "description": '下一页、上一页：<地址>; rel="next", <地址>; rel="prev"'}}
_BODY = _path("body_id", "机关编号")
_REF = _path("ref", "申请编号", STR)
_YEAR = _path("year", "报告年度")
_UPLOAD = obj({"file": {"type": "string", "format": "binary", "description": "年度报告（任何可读取的形式），或这些文件的 ZIP "
                          "压缩包（每份报告逐一回答，见 ReportArchive；最多 50 份报告，成员的大小、压缩比、加密与检查页相同）"},
                     "previous": {"type": "string", "format": "binary", "description": "上年度报告（可选）：同一机关上一年度的报告，"
                                  "连写的数字按它的现行有效件数和结转数再拆；不是同一机关或不是上一年度时不用，"
                                  "原因写在 notes 中。也可是只含这一份报告的 ZIP 压缩包（含几份报告时拒绝并列出它们）"}},
                    optional=("previous",))


def _answer(described: str) -> dict:
    """A report's JSON, or for a ZIP of reports each member's (``api.archive_json``)."""
    return _json({"anyOf": [ref("Report"), ref("ReportArchive")]}, described + "；上传 ZIP 压缩包时为 ReportArchive")


def document() -> dict:
    return _conditional({
        "openapi": "3.1.0",
        "info": {"title": "gongkai 政府信息公开 API", "version": __version__,
                 "description": "解析、检查年度报告；依申请公开台账；年度报告编制；语料库汇总；名录。"
                                "登录会话（不安全方法须带 X-CSRFToken）或 Authorization: Bearer 令牌"
                                "（gongkai users token 用户名 生成）。错误一律为 JSON：{\"error\": \"中文说明\"}。"
                                "列表分页：total、page、pages、next、previous（完整地址，另见 Link 头）。GET 的回答带 ETag，"
                                "再次请求时带 If-None-Match，未变化则为 304；Cache-Control: private, no-cache。每个 GET 也可用 HEAD："
                                "状态和头与 GET 相同，没有内容（CSV 不生成），带 If-None-Match 时同样可为 304。"
                                "/api/parse、/api/check 和本文档允许任何网站读取（Access-Control-Allow-Origin: *，"
                                "不带 Cookie），并回答浏览器的 OPTIONS 预检（Access-Control-Allow-Methods、所请求的头、"
                                "Access-Control-Max-Age: 3600）；其他接口的预检为 405。不接受 DELETE（记录只增不删，更正另记一条）。"},
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
                                "bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**SCHEMAS, "Report": report_schema(),
                        "ReportArchive": obj({
                            "archive": {**STR, "description": "上传的压缩包的文件名"},
                            "members": arr(obj({"name": {**STR, "description": "压缩包.zip!成员（含文件夹）"},
                                                "report": ref("Report"),
                                                "error": {**STR, "description": "未能读取的原因（压缩包中的压缩包、"
                                                          "不是报告文件、疑似压缩炸弹、已加密、读取失败等）"}},
                                               optional=("report", "error")))},
                            description="ZIP 压缩包中每个文件的结果（按成员名排列）：读出的报告，或未能读取的原因")},
        },
        "paths": {
            "/api/parse": {"post": _op("解析一份报告，返回报告 JSON（不保存）；可另附 previous（上年度报告）"
                                       "拆分连写的数字", _answer("报告 JSON"),
                                       body=_UPLOAD, body_type="multipart/form-data", secured=False,
                                       more=READ_ERRORS)},
            "/api/check": {"post": _op("解析并检查一份报告，返回带检查结果的报告 JSON（不保存）；可另附 previous"
                                       "（上年度报告）以运行跨年度规则", _answer("带 findings 的报告 JSON"),
                                       body=_UPLOAD, body_type="multipart/form-data", secured=False,
                                       more=READ_ERRORS)},
            "/api/openapi.json": {"get": {"summary": "本说明", "security": [{}], "responses": {
                "200": _json({"type": "object"}, "OpenAPI 3.1 文档"), "405": ERRORS["405"]}}},
            "/api/bodies": {"get": _op("当前用户可查看的机关", _json(ref("BodyList"), "机关列表"))},
            "/api/bodies/{body_id}/requests": {
                "get": _op("台账列表（新到旧，每页 50 件；total、next、previous，另见 Link 头）",
                           {**_json(ref("RequestList"), "一页申请"), "headers": PAGE_HEADERS}, params=[
                    _BODY, _query("filter", "all|open|soon|overdue|late|closed", {"enum": ["all", "open", "soon", "overdue",
                                                                                       "late", "closed"]}),
                    _query("page", "页码，从 1 起", INT), _query("q", "按编号或内容查找")]),
                "post": _op("登记新申请（本机关经办人）", _json(ref("RequestDetail"), "已登记的申请"), params=[_BODY],
                            status="201", body=ref("NewRequest")),
            },
            "/api/bodies/{body_id}/requests/{ref}": {
                "get": _op("一件申请：办理记录、答复期限及其逐日计算", _json(ref("RequestDetail"), "申请"),
                           params=[_BODY, _REF])},
            "/api/bodies/{body_id}/requests/{ref}/events": {
                "post": _op("登记办理事项（补正、征求意见、延期、收费、答复等）", _json(ref("RequestDetail"), "登记后的申请"),
                            params=[_BODY, _REF], body=ref("Event"), status="201")},
            "/api/bodies/{body_id}/requests/{ref}/letters/{kind}": {
                "get": _op("文书 DOCX 或 PDF（receipt、correction、extension、later_deadline、consultation、fee、reply 等；"
                           "只有本机关经办人可以下载）",
                           {"description": "文书", "content": {DOCX: BUILT[DOCX], "application/pdf": BUILT["application/pdf"]}},
                           params=[_BODY, _REF, _path("kind", "文书种类", STR),
                                   _query("format", "pdf 时为 PDF，否则 DOCX", {"enum": ["docx", "pdf"]}),
                                   _query("n", "同种文书的第几份（申请的 letters 列表中的 n）", INT)])},
            "/api/bodies/{body_id}/table3/{year}": {
                "get": _op("由台账计算的该年度表三", _json(ref("Report"), "只有表三的报告 JSON"), params=[_BODY, _YEAR])},
            "/api/bodies/{body_id}/reports": {
                "get": _op("本机关编制中的年度报告", _json(ref("DraftList"), "报告列表"), params=[_BODY]),
                "post": _op("新建年度报告：统计表空白，只带入上年报告、依申请公开台账和主动公开台账中有据可查的数值",
                            _json(ref("DraftSummary"), "已新建"), params=[_BODY], status="201", body=ref("NewDraft")),
            },
            "/api/bodies/{body_id}/reports/{year}": {
                "get": _op("年度报告 JSON", _json(ref("Report"), "报告 JSON"), params=[_BODY, _YEAR]),
                "put": _op("以报告 JSON 替换年度报告", _json(ref("Report"), "替换后的报告 JSON"), params=[_BODY, _YEAR],
                           body=ref("Report")),
            },
            "/api/bodies/{body_id}/reports/{year}/build": {
                "get": _op("导出正式报告（与 gongkai build 相同）；有错误、空白单元格或【待办】提示文字时拒绝（409）",
                           {"description": "报告文件", "content": BUILT},
                           params=[_BODY, _YEAR, _query("to", "输出格式", {"enum": ["docx", "pdf", "html", "md"]})],
                           more={"409": _json(ref("NotReady"), "尚不能导出，附原因")})},
            "/api/bodies/{body_id}/reports/{year}/from-register": {
                "post": _op("按本机关台账重新计算该年度报告的表三（2021年版格式）", _json(ref("Report"), "更新后的报告 JSON"),
                            params=[_BODY, _YEAR])},
            "/api/corpus/stats": {"get": _op("语料库统计（与 gongkai stats 相同）：按地区或逐个机关、按年度；"
                                             "指定的机关在语料库（该地区）中没有报告时为 404。各行每页都完整；"
                                             "未计入的报告（duplicates）和已含在全地区报告中的报告（covered）两个清单"
                                             "按页给出（duplicates_total、covered_total 为总数，next、previous 翻页）",
                                            {"description": "统计，或 CSV", "headers": PAGE_HEADERS, "content": {
                                                "application/json": {"schema": ref("Stats")}, "text/csv": {"schema": STR}}},
                                            params=[
                _query("level", "province|city|county 按省、市、县级地区；body 逐个机关（同一机关历年一组）（默认 city）",
                       {"enum": ["province", "city", "county", "body"]}),
                _query("region", REGION_TEXT, REGION),
                _query("agency", "只统计这个机关的报告：名称或其一部分，如 行政审批局（写法不同的同一机关也算）",
                       {"type": "string", "maxLength": 200}),
                _query("body", "只统计这个机关的报告：机关标识，即 level=body 时各行的 code（如 350128/交通与建设局）",
                       {"type": "string", "maxLength": 200}),
                _query("format", "json（默认）或 csv（与 gongkai stats --csv 相同的列）", {"enum": ["json", "csv"]}),
                _query("ids", "1：各行另列计入的报告编号（JSON 的 ids；CSV 末列 report_ids，以 ; 分隔）。默认 0 不列："
                       "全语料库时即每一份报告的编号，回答大得多", {"enum": [0, 1]}),
                _query("page", "duplicates、covered 两个报告清单的页码，从 1 起（各行每页都完整）", {**INT, "minimum": 1}),
                _query("page_size", "两个清单每页至多几份（默认 100，至多 1000）", {**INT, "minimum": 1, "maximum": 1000})])},
            "/api/corpus/reports": {"get": _op(
                "语料库中的报告（按编号，可按地区、年度、机关筛选）：JSON 分页（total、next、previous，另见 Link 头）；"
                "format=csv 时为全部符合条件的报告（CSV，带 BOM，边读边发）",
                {"description": "一页报告，或 CSV", "headers": PAGE_HEADERS,
                 "content": {"application/json": {"schema": ref("CorpusReportList")}, "text/csv": {"schema": STR}}},
                params=[*CORPUS_FILTERS, _query("page", "页码，从 1 起", {**INT, "minimum": 1}),
                        _query("page_size", "每页条数（默认 100，至多 1000）", {**INT, "minimum": 1, "maximum": 1000}),
                        _query("format", "json（默认，分页）或 csv（全部）", {"enum": ["json", "csv"]})])},
            "/api/corpus/tables/{table}.csv": {"get": _op(
                "gongkai export --to csv 的一张表（与导出的文件逐字节相同），边读边发：reports、cells（每份报告约 200 行）、"
                "figures、findings、failures；各列见 docs/dataset.md",
                {"description": "CSV（UTF-8，带 BOM）", "content": {"text/csv": {"schema": STR}}},
                params=[_path("table", "表名", {"enum": ["reports", "cells", "figures", "findings", "failures"]}),
                        *CORPUS_FILTERS])},
            "/api/corpus/reports/{doc_id}": {"get": _op("语料库中的一份报告及其检查结果（含跨年度检查）",
                                                        _json(ref("CorpusReport"), "报告"),
                                                        params=[_path("doc_id", "语料库报告编号")])},
            "/api/corpus/compare": {"get": _op("比较语料库中的两份报告：统计表差异、结转衔接、各部分文字雷同",
                                               _json(ref("Comparison"), "比较结果"),
                                               params=[_query(n, "报告编号", INT, True) for n in ("a", "b")])},
            "/api/corpus/rollup": {"get": _op("把一个行政区划某年度语料库中乡镇、部门报告的统计表逐格相加（空白不当作 0；"
                                              "人民政府的本级报告不计入，本地区的与合计比较，见 against），"
                                              "与 gongkai rollup --region 相同", _json(ref("Rollup"), "逐格合计"), params=[
                                                  _query("year", "报告年度", INT, True),
                                                  _query("region", "行政区划：2 位（省）、4 位（市）或 6 位（县）代码，或名称（如 淮安市）",
                                                         REGION, True)])},
            "/api/roster": {"get": _op("名录中各机关某年度报告的公开情况（地区监督人员、系统管理员）",
                                       _json(ref("Roster"), "公开情况"), params=[
                                           _query("year", "报告年度（默认上一年）", INT),
                                           _query("region", REGION_TEXT + "；默认本人监督的地区", REGION)])},
        },
    })


CONDITIONAL = {
    "ETag": {"schema": STR, "description": "内容的指纹；再次请求时放在 If-None-Match 中，未变化则回答 304"},
    "Cache-Control": {"schema": STR, "description": "private, no-cache：共享缓存不保存，客户端每次核对"}}
NOT_MODIFIED = {"description": "未变化（请求带 If-None-Match，与当前 ETag 相同）：无内容，用已有的那份",
                "headers": {"ETag": CONDITIONAL["ETag"]}}


def _conditional(doc: dict) -> dict:
    """Every GET answered 200 with a body (not the streamed CSV tables) carries an ETag and answers a
    matching If-None-Match with 304 (``ConditionalGetMiddleware``)."""
    for path, ops in doc["paths"].items():
        op = ops.get("get")
        if op is None or "200" not in op["responses"] or path.endswith(".csv"):
            continue
        ok = op["responses"]["200"]
        ok["headers"] = {**ok.get("headers", {}), **CONDITIONAL}
        op["responses"]["304"] = NOT_MODIFIED
    return doc
