"""Import and export of registers (CSV or Excel).

**Export** writes every fact, one step a row (the *step format*): 编号, 序号, 事项, 日期, a column
per field of the steps (events.yaml ``columns``), 经办人 and 登记时间 — registrations, statutory
steps, corrections (更正), voids (作废) and deliveries (送达) alike, so an export imported into
an empty register gives the same history, due dates, table 3 and letters; the register's
declarations of its 台账起始日期 are rows too (事项 声明台账起始日期, no 编号; not in an export of one
year, which holds only part of the register), and so are the holiday notices entered in it
(事项 录入节假日安排: the due dates were counted on them).  Derived values
(收到日期, 办理状态, 答复期限, 是否逾期) are written on the registration row for people and ignored
on import.  Contact details only with ``with_contact`` (a file without them cannot restore them).
An Excel export has a second sheet, 申请一览, one request a row, for reading.

**Import** reads that format, or the one-request-a-row lists bodies keep today (*list format*:
申请人类型, 申请人, 提交日期 … and the dates of the steps).  Every column must be known —
an unknown or misspelt header is refused, naming it, and nothing is imported.  Every row is
checked with the same rules as the CLI; if any is wrong, all wrong rows are reported by line
and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError
from gongkai.register.events import Event, kind, kinds, parse_date, shown
from gongkai.register.settings import load_data
from gongkai.register.store import ImportedStep, Register, Request, kept_since_entries
from gongkai.register.vocab import outcomes, state_labels
from gongkai.sheets import Table, read_table, write_tables
from gongkai.workdays.store import (
    NOTICE_STEP,
    NoticeEntry,
    enter_imported,
    importable_notices,
    notice_from_row,
    notice_row_values,
)

__all__ = ["export_file", "export_rows", "import_file", "parse_date"]

FIXED = [("编号", "ref"), ("序号", "seq"), ("事项", "kind"), ("日期", "on")]
RECORDED = [("经办人", "actor"), ("登记时间", "recorded_at")]
DERIVED = [("收到日期", "received"), ("办理状态", "state"), ("答复期限", "due"), ("是否逾期", "late")]
# A holiday notice the office entered (`calendar add`) is a row of its own, 事项 录入节假日安排 (its
# 文号 and 理由 in those columns): the due dates were counted on it, and a register moved without
# it counted 2027 by rule — other dates, marked （推算）.
NOTICE = NOTICE_STEP
NOTICE_COLUMNS = [("年度", "notice_year"), ("放假日期", "notice_holidays"), ("调休上班日期", "notice_workdays")]
PRIVATE = ("id_number", "phone", "email", "address")
RAW = {"value", "old"}   # a correction's values are written as stored (their field decides their type)

# The list format: one request a row, the dates of its steps in columns.
LIST_REQUEST = [("编号", "ref"), ("申请人类型", "applicant_type"), ("申请人", "name"), ("提交方式", "channel"),
                ("申请内容", "content"), ("件数", "pieces"), ("提交日期", "submitted"), ("签收或确认日期", "receipt_on"),
                ("证件号码", "id_number"), ("联系电话", "phone"), ("电子邮箱", "email"), ("通信地址", "address")]
LIST_STEPS = [
    ("补正告知日期", "correction_requested"), ("补正期限", "correction_until"), ("补正事项", "correction_items"),
    ("收到补正日期", "corrected"), ("征求意见日期", "consultation_started"), ("收到意见日期", "consultation_ended"),
    ("延期日期", "extended"), ("延期工作日", "extended_workdays"), ("延期理由", "extended_reason"),
    ("收费通知日期", "fee_notice"), ("收费方式", "fee_basis"), ("件数或页数", "fee_units"), ("收费金额", "fee_amount"),
    ("缴费日期", "fee_paid"), ("办理结果", "outcome"), ("答复日期", "replied"), ("撤回日期", "withdrawn"),
    ("归档日期", "archived")]
LIST_IGNORED = {"收到日期", "办理状态", "答复期限", "是否逾期"}
LIST_ALIASES = {"申请人姓名或名称": "name", "申请人姓名": "name", "申请时间": "submitted", "申请日期": "submitted",
                "受理日期": "receipt_on", "处理结果": "outcome", "答复时间": "replied", "申请编号": "ref",
                # the registration form's former label (now 证件号码 everywhere), and the common one
                "身份证明号码": "id_number", "身份证号码": "id_number"}
LIST_REQUIRED = ("applicant_type", "name", "channel", "content", "submitted")


@cache
def columns() -> dict[str, str]:
    """field name -> header of the step format."""
    return dict(load_data("events.yaml")["columns"])


def _cell(value: Any) -> Any:
    if isinstance(value, (date, datetime, int)):
        return value
    if isinstance(value, float):
        return int(value) if value == int(value) else value
    return str(value).strip()


# -- import --------------------------------------------------------------------------------
KEPT_SINCE = "声明台账起始日期"   # the 事项 of a declaration's row


def import_file(register: Register, path: Path, actor: str) -> list[str]:
    table = read_table(path, ("申请人类型",))   # both formats have it: a title row above is skipped
    keys = _header_keys(table)
    if not table.rows:
        raise table.error("文件中没有数据行")
    records = [(f"第{n}行", {k: _cell(c) for k, c in zip(keys, cells) if k}) for n, cells in table.rows]
    step_format = "kind" in keys
    declared = _declarations(records, register, table) if step_format else []
    notices = _notices(records, register, table) if step_format else []
    records = [(place, v) for place, v in records if not (step_format and v.get("kind") in (KEPT_SINCE, NOTICE))]
    parsed = _step_requests(records, table) if step_format else _list_requests(records, register, table)
    calendar = register.calendar   # the requests' dates are counted on the file's notices, as they were
    register.calendar = calendar.with_notices({e.notice.year: e.notice for e in notices})
    try:
        if step_format:
            _check(register, parsed, table)
        try:
            with register.db.transaction():   # the notices, the requests and the declarations, all or nothing
                enter_imported(register.db, notices, actor)
                refs = register.import_requests(((p.place, p.steps) for p in parsed), actor)
                for since, note, who, stamp in declared:
                    register.declare_kept_since(since, who or actor, note, stamp or None)
            return refs
        except GongkaiError as exc:  # steps the rules refuse: nothing was written
            raise table.error(exc.message) from exc
    except BaseException:
        register.calendar = calendar
        raise


def _notices(records: list[tuple[str, dict[str, Any]]], register: Register, table: Table) -> list[NoticeEntry]:
    """The 录入节假日安排 rows of a step-format file not yet in the register, checked
    (workdays.store.importable_notices)."""
    found, errors = [], []
    for place, v in records:
        if v.get("kind") != NOTICE:
            continue
        try:
            found.append((place, notice_from_row(v.get("notice_year"), v.get("doc_number"), v.get("notice_holidays"),
                                                 v.get("notice_workdays"), v.get("actor"), v.get("recorded_at"),
                                                 v.get("reason"))))
        except (TypeError, ValueError, GongkaiError) as exc:
            errors.append(f"{place}：{NOTICE}的年度或日期有误（{getattr(exc, 'message', exc)}）")
    _fail(errors, table)
    to_add, problems = importable_notices(register.db, found)
    _fail(problems, table)
    return to_add


def _declarations(records: list[tuple[str, dict[str, Any]]], register: Register,
                  table: Table) -> list[tuple[date, str, str, str]]:
    """The 台账起始日期 rows of a step-format file: (day, note, who, when), checked."""
    out, errors = [], []
    for place, v in records:
        if v.get("kind") != KEPT_SINCE:
            continue
        try:
            day = parse_date(v.get("on"))
        except ValueError:
            day = None
        if day is None:
            errors.append(f"{place}：{KEPT_SINCE}的“日期”“{v.get('on') or ''}”不是日期")
        elif day > register.today():
            errors.append(f"{place}：台账起始日期 {day.isoformat()} 晚于今天")
        else:
            out.append((day, str(v.get("note") or ""), str(v.get("actor") or ""), str(v.get("recorded_at") or "")))
    _fail(errors, table)
    return out


def _header_keys(table: Table) -> list[str | None]:
    """Each header's key; an unknown one is refused by name."""
    names = table.header
    if "事项" in names and "序号" in names:
        known = {h: k for h, k in FIXED + RECORDED + NOTICE_COLUMNS} | {h: k for k, h in columns().items()}
        ignored = {h for h, _ in DERIVED}
    else:
        known = {h: k for h, k in LIST_REQUEST + LIST_STEPS} | LIST_ALIASES
        ignored = LIST_IGNORED
    unknown = [h for h in names if h and h not in known and h not in ignored]
    if unknown:
        # the columns named here, not in a document a wheel's user does not have
        usable = [h for h in dict.fromkeys(known) if h not in LIST_ALIASES]
        raise table.error(f"表头中有无法识别的列：{'、'.join(f'“{h}”' for h in unknown)}（未导入任何数据；"
                          f"可用的列：{'、'.join(usable)}）", table.header_line)
    keys = [known.get(h) for h in names]
    if "kind" not in keys:
        missing = [h for h, k in LIST_REQUEST if k in LIST_REQUIRED and k not in keys]
        if missing:
            raise table.error(f"表头缺少必需的列：{'、'.join(missing)}", table.header_line)
    return keys


@dataclass
class Parsed:
    place: str
    steps: list[ImportedStep] = field(default_factory=list)

    @property
    def ref(self) -> str | None:
        return self.steps[0].ref if self.steps else None


def _fail(errors: list[str], table: Table | None = None) -> None:
    if errors:
        shown_ = "\n".join(errors[:30]) + (f"\n……另有 {len(errors) - 30} 行有误" if len(errors) > 30 else "")
        message = f"有 {len(errors)} 行数据有误，未导入任何数据：\n{shown_}"
        raise table.error(message) if table else GongkaiError(message)


def _step_requests(records: list[tuple[str, dict[str, Any]]], table: Table) -> list[Parsed]:
    by_label = {k.label: k.id for k in kinds().values()} | {k.id: k.id for k in kinds().values()}
    out: dict[str, Parsed] = {}
    errors: list[str] = []
    for place, v in records:
        try:
            ref = str(v.get("ref") or "")
            if not ref:
                raise GongkaiError("缺少“编号”")
            kid = by_label.get(str(v.get("kind") or ""))
            if kid is None:
                raise GongkaiError(f"“事项”“{v.get('kind')}”无法识别")
            parsed = out.setdefault(ref, Parsed(place))
            _check_seq(parsed, v.get("seq"), kid)
            try:
                parsed.steps.append(_imported(kid, v, ref))
            except GongkaiError:   # numbered all the same: the steps after it are not misreported
                parsed.steps.append(ImportedStep(kid, None, {}))
                raise
        except GongkaiError as exc:
            errors.append(f"{place}：{exc.message}")
    _fail(errors, table)
    return list(out.values())


def _check_seq(parsed: Parsed, seq: Any, kid: str) -> None:
    want = len(parsed.steps) + 1
    try:
        n = int(seq)
    except (TypeError, ValueError):
        raise GongkaiError(f"“序号”应为整数，而不是“{seq}”") from None
    if n != want:
        raise GongkaiError(f"序号应为 {want}（每件申请的办理记录从 1 起连续编号），而不是 {n}")
    if (n == 1) != (kid == "registered"):
        raise GongkaiError("每件申请的第 1 条须是“登记申请”，且只能有一条")


def _imported(kid: str, v: dict[str, Any], ref: str) -> ImportedStep:
    k = kind(kid)
    try:
        on = parse_date(v.get("on"))
    except ValueError:
        raise GongkaiError(f"“日期”“{v.get('on')}”无法识别（应为 2025-09-26）") from None
    values = {f.name: _entered(f.name, v.get(f.name)) for f in k.entered if v.get(f.name) not in (None, "")}
    _refuse_blank(kid, values)
    # computed values stand as recorded (a fee as charged); a correction's old value is not read:
    # the register takes it again from the history, typed as its field (a file has only text)
    keep = {f.name: _number(v[f.name]) if f.type == "int" else str(v[f.name])
            for f in k.fields if f.computed and f.name != "old" and v.get(f.name) not in (None, "")}
    if v.get("doc_number"):
        keep["doc_number"] = str(v["doc_number"])
    return ImportedStep(kid, on, values, ref if kid == "registered" else None, str(v.get("actor") or ""),
                        str(v.get("recorded_at") or ""), keep)


def _refuse_blank(kid: str, values: dict[str, Any]) -> None:
    """A step the register cannot hold without a value (an extension's days) whose file left it
    blank: refused by its column.  The default a form offers is not filled in — the 台账 did not
    say it (an extension of “20” days when the notice said 10 would misstate the deadline)."""
    k = kind(kid)
    for f in k.entered:
        if (f.required and f.default is not None and not f.imported_default and not f.for_letter
                and values.get(f.name) in (None, "")):
            raise GongkaiError(f"“{columns()[f.name]}”为空：{k.label}须填写{f.label}（导入时不按默认值补；"
                               "请按原始记录填写）")


def _entered(name: str, value: Any) -> Any:
    return value if not isinstance(value, datetime) else value.date()


def _number(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise GongkaiError(f"“{value}”不是整数") from None


def _check(register: Register, parsed: list[Parsed], table: Table) -> None:
    """Every request checked with the register's rules before anything is written."""
    errors = []
    for p in parsed:
        if p.ref and register.exists(p.ref):
            errors.append(f"{p.place}：编号 {p.ref} 已在台账中")
            continue
        try:
            register.check_steps(p.steps)
        except GongkaiError as exc:
            errors.append(f"{p.place}：{exc.message}")
    _fail(errors, table)


# -- the list format -----------------------------------------------------------------------------
def _list_requests(records: list[tuple[str, dict[str, Any]]], register: Register, table: Table) -> list[Parsed]:
    errors: list[str] = []
    out: list[Parsed] = []
    seen: dict[str, str] = {}
    for place, v in records:
        try:
            parsed = Parsed(place, _list_row(v, register))
        except GongkaiError as exc:
            errors.append(f"{place}：{exc.message}")
            continue
        if parsed.ref and parsed.ref in seen:
            errors.append(f"{place}：编号 {parsed.ref} 与{seen[parsed.ref]}重复")
            continue
        if parsed.ref:
            seen[parsed.ref] = place
        out.append(parsed)
    try:
        _check(register, out, table)
    except GongkaiError as exc:   # rule errors and format errors reported together, by line
        errors += exc.message.split("\n")[1:]
    errors.sort(key=lambda e: int(e[1:e.index("行")]) if e.startswith("第") and "行" in e else 0)
    _fail(errors, table)
    return out


def _list_row(v: dict[str, Any], register: Register) -> list[ImportedStep]:
    for key in LIST_REQUIRED:
        if v.get(key) in (None, ""):
            header = next(h for h, k in LIST_REQUEST if k == key)
            raise GongkaiError(f"缺少“{header}”")
    day = _day_reader(v)
    reg_values = {k: v.get(k) for _, k in LIST_REQUEST if k not in ("ref", "submitted") and v.get(k) not in (None, "")}
    if "receipt_on" in reg_values:
        reg_values["receipt_on"] = day("receipt_on")
        if reg_values["receipt_on"] == day("submitted") and _in_person(v.get("channel")):
            del reg_values["receipt_on"]   # lists often repeat the submission day for 当面
    first = ImportedStep("registered", day("submitted"), reg_values, str(v.get("ref") or "") or None)
    steps = [s for s in _list_steps(v, day, register) if s.on is not None]
    for s in steps:
        _refuse_blank(s.kind, s.values)
    steps.sort(key=lambda s: s.on or date.min)  # every one has a date; same-day steps keep the column order
    return [first, *steps]


def _in_person(text: Any) -> bool:
    from gongkai.register.vocab import channel_id
    try:
        return channel_id(str(text)) == "in_person"
    except GongkaiError:
        return False


def _day_reader(v: dict[str, Any]):
    def day(key: str) -> date | None:
        try:
            return parse_date(v.get(key))
        except ValueError:
            header = next(h for h, k in LIST_REQUEST + LIST_STEPS if k == key)
            raise GongkaiError(f"“{header}”的日期“{v.get(key)}”无法识别（应为 2025-09-26）") from None
    return day


def _list_steps(v: dict[str, Any], day, register: Register) -> list[ImportedStep]:
    get = v.get
    steps = [
        ImportedStep("correction_requested", day("correction_requested"),
                     {"items": get("correction_items") or "（未注明）", "until": day("correction_until")}),
        ImportedStep("corrected", day("corrected"), {}),
        # a list does not say whom it consulted (第三方 or 其他机关): left unknown
        ImportedStep("consultation_started", day("consultation_started"), {}),
        ImportedStep("consultation_ended", day("consultation_ended"), {}),
        ImportedStep("extended", day("extended"), {"workdays": get("extended_workdays"),
                                                    "reason": get("extended_reason") or "（未注明）"}),
        _list_fee(v, day),
        ImportedStep("fee_paid", day("fee_paid"), {}),
        ImportedStep("withdrawn", day("withdrawn"), {}),
        ImportedStep("archived", day("archived"), {}),
    ]
    if get("outcome") not in (None, "") or day("replied"):
        if get("outcome") in (None, "") or not day("replied"):
            raise GongkaiError("“办理结果”和“答复日期”须同时填写")
        steps.insert(-2, ImportedStep("replied", day("replied"), {"outcome": get("outcome")}))
    return steps


def _list_fee(v: dict[str, Any], day) -> ImportedStep:
    on = day("fee_notice")
    if on is None:
        return ImportedStep("fee_notice", None, {})
    missing = [h for h, k in LIST_STEPS if k in ("fee_basis", "fee_units", "fee_amount") and v.get(k) in (None, "")]
    if missing:   # as charged: none of them is guessed (本月此前件数 is not known: not kept)
        raise GongkaiError(f"有收费通知日期时须填写{'、'.join(f'“{h}”' for h in missing)}")
    values = {"basis": v.get("fee_basis"), "units": v.get("fee_units")}
    return ImportedStep("fee_notice", on, values, keep={"amount": _number(v.get("fee_amount"))})


# -- export --------------------------------------------------------------------------------
def export_rows(register: Register, with_contact: bool = False, year: int | None = None) -> tuple[list[str], list[list[Any]]]:
    """The step format: header and one row per step of every request (received in ``year``)."""
    from gongkai.register.filters import RequestFilter
    from gongkai.workdays import entries

    names = [n for n in columns() if with_contact or n not in PRIVATE]
    header = ([h for h, _ in FIXED] + [columns()[n] for n in names] + [h for h, _ in NOTICE_COLUMNS]
              + [h for h, _ in RECORDED] + [h for h, _ in DERIVED])
    reqs = register.with_history(register.requests(RequestFilter(year=year, voided=True)))
    rows, today = [], register.today()
    blank = ["" for _ in NOTICE_COLUMNS]
    if year is None:   # the register's declarations of its 台账起始日期 and its holiday notices, oldest first
        for d in kept_since_entries(register.db):
            row: list[Any] = ["", "", KEPT_SINCE, d.since.isoformat(), *(d.note if n == "note" else "" for n in names),
                              *blank, d.actor, d.recorded_at, *("" for _ in DERIVED)]
            rows.append(row)
        for entry in entries(register.db):   # every entry, a corrected year's earlier ones too (who, when, why)
            kept = notice_row_values(entry)
            rows.append(["", "", NOTICE, "", *(kept.get(n, "") if n in ("doc_number", "reason") else "" for n in names),
                         kept["year"], kept["holidays"], kept["workdays"], entry.actor, entry.recorded_at,
                         *("" for _ in DERIVED)])
    for req in reqs:
        for e in req.history:
            rows.append(_step_row(req, e, names, with_contact, today))
    return header, rows


def _step_row(req: Request, e: Event, names: list[str], with_contact: bool, today: date) -> list[Any]:
    k = kinds()[e.kind]
    row: list[Any] = [req.ref, e.id, k.label, e.on.isoformat()]
    private_change = e.kind == "amended" and e.data.get("field") in PRIVATE and not with_contact
    for n in names:
        f = k.field(n)
        value = e.data.get(n)
        if value is None or (n in RAW and private_change):
            row.append("")
        elif n in RAW or f is None or f.type != "choice":
            row.append(value)
        else:
            row.append(shown(f, value))
    row += ["" for _ in NOTICE_COLUMNS]
    row += [e.actor, e.recorded_at]
    if e.kind == "registered":
        row += [req.received_on.isoformat(), state_labels().get(req.state, req.state),
                req.due_text, late_mark(req, today)]   # an estimate says so (推算), as in every list
    else:
        row += ["", "", "", ""]
    return row


def late_mark(req: Request, today: date) -> str:
    """是否逾期 for people: 逾期 (answered late, or a due date passed unanswered), or a request still
    open past its due date on the day of the export — not left blank as if on time."""
    t = req.timeliness(today)
    return "逾期" if t == "逾期" else f"已超期（截至{today.isoformat()}）" if t == "已超期" else ""


def summary_rows(register: Register, year: int | None = None) -> tuple[list[str], list[list[Any]]]:
    """One request a row, for reading (the Excel export's second sheet)."""
    from gongkai.register.filters import RequestFilter
    from gongkai.register.vocab import applicant_types, channels

    header = ["编号", "申请人类型", "申请人", "提交方式", "申请内容", "提交日期", "收到日期", "办理状态", "答复期限",
              "办结日期", "办理结果", "是否逾期"]
    rows, today = [], register.today()
    for r in register.requests(RequestFilter(year=year, voided=True)):
        rows.append([r.ref, applicant_types()[r.applicant.type], r.applicant.masked_name(), channels()[r.channel].label,
                     r.content, r.submitted_on.isoformat(), r.received_on.isoformat(), state_labels()[r.state],
                     r.due_text, r.concluded_on.isoformat() if r.concluded_on else "",
                     outcomes().get(r.outcome or "", ""), late_mark(r, today)])
    return header, rows


def export_file(register: Register, path: Path, with_contact: bool = False, year: int | None = None) -> int:
    """Write the register (the requests received in ``year``) to ``path``: .csv the steps, .xlsx the
    steps and a second sheet, 申请一览, one request a row."""
    header, rows = export_rows(register, with_contact, year)
    tables = [("办理记录", header, rows)]
    if Path(path).suffix.lower() == ".xlsx":
        tables.append(("申请一览", *summary_rows(register, year)))
    write_tables(path, tables, private=with_contact)   # ID numbers, phones: owner-only
    return len({r[0] for r in rows if r[0]})
