"""Import and export of the registers bodies keep today (CSV or Excel, one request a row).

Import checks every row first — fields, dates, and the same event rules as the CLI — and
reports all bad rows by line; only a clean file is written, in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError, UnreadableFile
from gongkai.register.case import check_event
from gongkai.register.clock import Event
from gongkai.register.store import Applicant, NewRequest, Register, Request
from gongkai.register.vocab import (applicant_type_id, applicant_types, channel_id, channels, outcome_id,
                                    outcomes, state_labels)

# (header, key). Event columns carry the date of that step; their order is the history's order.
REQUEST_COLUMNS = [
    ("编号", "ref"), ("申请人类型", "type"), ("申请人", "name"), ("提交方式", "channel"),
    ("申请内容", "content"), ("件数", "pieces"), ("提交日期", "submitted"), ("签收或确认日期", "confirmed"),
]
PRIVATE_COLUMNS = [("证件号码", "id_number"), ("联系电话", "phone"), ("电子邮箱", "email"), ("通信地址", "address")]
EVENT_COLUMNS = [
    ("补正告知日期", "correction_requested"), ("补正期限", "correction_until"), ("补正事项", "correction_items"),
    ("收到补正日期", "corrected"),
    ("征求意见日期", "consultation_started"), ("收到意见日期", "consultation_ended"),
    ("延期日期", "extended"), ("延期工作日", "extended_workdays"), ("延期理由", "extended_reason"),
    ("收费通知日期", "fee_notice"), ("收费金额", "fee_amount"), ("缴费日期", "fee_paid"),
    ("办理结果", "outcome"), ("答复日期", "replied"), ("归档日期", "archived"),
]
EXPORT_ONLY = [("收到日期", "received"), ("办理状态", "state"), ("答复期限", "due")]
REQUIRED = ("type", "name", "channel", "content", "submitted")
ALIASES = {"申请人姓名或名称": "name", "申请人姓名": "name", "申请时间": "submitted", "申请日期": "submitted",
           "受理日期": "confirmed", "处理结果": "outcome", "答复时间": "replied", "申请编号": "ref"}

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.match(str(value).strip())
    if not m:
        raise ValueError(str(value))
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


# -- reading files -------------------------------------------------------------------------
def read_rows(path: Path) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Header and (place, cells) for every non-empty row; place is 第N行 as the user sees it."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise UnreadableFile("文件不存在", str(path))
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise UnreadableFile("只能导入 .csv 或 .xlsx 文件", str(path))


def csv_text(path: Path) -> str:
    """A CSV file's text: UTF-8 (with or without BOM) as Excel and WPS save it, else GB18030."""
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    # hardly reached: gb18030 decodes nearly any byte string
    raise UnreadableFile("无法识别文件编码（应为 UTF-8 或 GB18030）", str(path))


def _read_csv(path: Path) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    rows = list(csv.reader(io.StringIO(csv_text(path), newline="")))
    if not rows:
        raise UnreadableFile("文件是空的", str(path))
    return rows[0], [(f"第{i}行", r) for i, r in enumerate(rows[1:], 2) if any(c.strip() for c in r)]


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    import openpyxl

    from gongkai.read.limits import checked_package

    package = checked_package(path)  # a ZIP bomb is refused before openpyxl inflates anything
    try:
        wb = openpyxl.load_workbook(package, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile(f"无法读取 Excel 文件（{exc}）", str(path)) from exc
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        raise UnreadableFile("工作表是空的", str(path))
    header = ["" if c is None else str(c) for c in rows[0]]
    out = [(f"第{i}行", ["" if c is None else c for c in r]) for i, r in enumerate(rows[1:], 2)
           if any(c not in (None, "") for c in r)]
    return header, out


# -- import --------------------------------------------------------------------------------
@dataclass
class ParsedRow:
    place: str
    new: NewRequest
    events: list[tuple[str, date, dict]]


def _keys(header: list[str], source: str) -> list[str | None]:
    known = {h: k for h, k in REQUEST_COLUMNS + PRIVATE_COLUMNS + EVENT_COLUMNS + EXPORT_ONLY} | ALIASES
    keys = [known.get(str(h).strip()) for h in header]
    missing = [h for h, k in REQUEST_COLUMNS if k in REQUIRED and k not in keys]
    if missing:
        raise GongkaiError(f"表头缺少必需的列：{'、'.join(missing)}", source, "第1行")
    return keys


def parse_rows(register: Register, path: Path) -> list[ParsedRow]:
    source = str(path)
    header, rows = read_rows(path)
    keys = _keys(header, source)
    errors: list[str] = []
    parsed: list[ParsedRow] = []
    seen_refs: dict[str, str] = {}
    for place, cells in rows:
        values = {k: (str(c).strip() if not isinstance(c, (date, datetime, int, float)) else c)
                  for k, c in zip(keys, cells) if k}
        try:
            row = _parse_row(register, place, values, source)
        except GongkaiError as exc:
            errors.append(f"{place}：{exc.message}")
            continue
        if row.new.ref:
            if row.new.ref in seen_refs:
                errors.append(f"{place}：编号 {row.new.ref} 与{seen_refs[row.new.ref]}重复")
                continue
            seen_refs[row.new.ref] = place
        parsed.append(row)
    if seen_refs:
        existing = {r[0] for r in register.db.query(
            f"SELECT ref FROM requests WHERE ref IN ({','.join('?' * len(seen_refs))})", list(seen_refs))}
        errors += [f"{seen_refs[r]}：编号 {r} 已在台账中" for r in sorted(existing)]
    if errors:
        shown = "\n".join(errors[:30]) + (f"\n……另有 {len(errors) - 30} 行有误" if len(errors) > 30 else "")
        raise GongkaiError(f"有 {len(errors)} 行数据有误，未导入任何数据：\n{shown}", source)
    return parsed


def _parse_row(register: Register, place: str, v: dict[str, Any], source: str) -> ParsedRow:
    for key in REQUIRED:
        if v.get(key) in (None, ""):
            header = next(h for h, k in REQUEST_COLUMNS if k == key)
            raise GongkaiError(f"缺少“{header}”")

    def day(key: str) -> date | None:
        try:
            return parse_date(v.get(key))
        except ValueError:
            header = next(h for h, k in REQUEST_COLUMNS + EVENT_COLUMNS if k == key)
            raise GongkaiError(f"“{header}”的日期“{v.get(key)}”无法识别（应为 2025-09-26）") from None

    def number(key: str, header: str) -> int | None:
        raw = v.get(key)
        if raw in (None, ""):
            return None
        try:
            n = float(raw)
            if n != int(n) or n < 0:
                raise ValueError
            return int(n)
        except (TypeError, ValueError):
            raise GongkaiError(f"“{header}”应为非负整数，而不是“{raw}”") from None

    atype = applicant_type_id(str(v["type"]))
    channel = channel_id(str(v["channel"]))
    submitted = day("submitted")
    confirmed = day("confirmed")
    pieces = number("pieces", "件数")
    if pieces == 0:
        raise GongkaiError("“件数”至少为 1")
    pieces = pieces or 1
    new = NewRequest(
        Applicant(atype, str(v["name"]), str(v.get("id_number") or ""), str(v.get("phone") or ""),
                  str(v.get("email") or ""), str(v.get("address") or "")),
        channel, str(v["content"]), submitted,
        signed_on=confirmed if channels()[channel].receipt == "signed" else None,
        confirmed_on=confirmed if channels()[channel].receipt == "confirmed" else None,
        pieces=pieces, ref=str(v.get("ref") or "") or None)
    received = confirmed if confirmed and channels()[channel].receipt != "submitted" else submitted
    if received < submitted:
        raise GongkaiError("签收或确认日期早于提交日期")
    events: list[tuple[str, date, dict]] = []
    if day("correction_requested"):
        data = {"items": v.get("correction_items") or ""}
        if day("correction_until"):
            data["until"] = day("correction_until").isoformat()
        events.append(("correction_requested", day("correction_requested"), data))
    if day("corrected"):
        events.append(("corrected", day("corrected"), {}))
    if day("consultation_started"):
        events.append(("consultation_started", day("consultation_started"), {"party": "third_party"}))
    if day("consultation_ended"):
        events.append(("consultation_ended", day("consultation_ended"), {"party": "third_party"}))
    if day("extended"):
        events.append(("extended", day("extended"), {
            "workdays": number("extended_workdays", "延期工作日") or register.settings.max_extension_workdays,
            "reason": v.get("extended_reason") or ""}))
    if day("fee_notice"):
        amount = number("fee_amount", "收费金额")
        if not amount:
            raise GongkaiError("有收费通知日期时须填写收费金额")
        events.append(("fee_notice", day("fee_notice"), {"amount": amount}))
    if day("fee_paid"):
        events.append(("fee_paid", day("fee_paid"), {}))
    if v.get("outcome"):
        if not day("replied"):
            raise GongkaiError("有办理结果时须填写答复日期")
        events.append(("replied", day("replied"), {"outcome": outcome_id(str(v["outcome"]))}))
    elif day("replied"):
        raise GongkaiError("有答复日期时须填写办理结果")
    if day("archived"):
        events.append(("archived", day("archived"), {}))
    events.sort(key=lambda e: e[1])  # same-day steps keep the column order (sort is stable)
    history: list[Event] = []
    for i, (kind, on, data) in enumerate(events, 1):
        e = Event(kind, on, data, id=i)
        check_event(received, history, e, register.calendar, register.settings)
        history.append(e)
    return ParsedRow(place, new, events)


def import_file(register: Register, path: Path, actor: str) -> list[str]:
    rows = parse_rows(register, Path(path))
    if not rows:
        raise GongkaiError("文件中没有数据行", str(path))
    try:
        return register.import_requests(((r.new, r.events) for r in rows), actor)
    except GongkaiError as exc:  # a race with another writer; nothing was written
        raise GongkaiError(f"导入失败，未导入任何数据：{exc.message}", str(path)) from exc


# -- export --------------------------------------------------------------------------------
def _first(req: Request, kind: str):
    return next((e for e in req.events if e.kind == kind), None)


def export_rows(register: Register, with_contact: bool = False, year: int | None = None) -> tuple[list[str], list[list[Any]]]:
    columns = REQUEST_COLUMNS[:3] + (PRIVATE_COLUMNS if with_contact else []) + REQUEST_COLUMNS[3:] + \
        EXPORT_ONLY + EVENT_COLUMNS
    where, params = ("", ())
    if year:
        where, params = "r.received_on >= ? AND r.received_on <= ?", (f"{year}-01-01", f"{year}-12-31")
    reqs = register.requests(where, params)
    events: dict[int, list[Event]] = {}
    for rid, kind, on, data in register.db.query("SELECT request_id, kind, on_date, data FROM events ORDER BY id"):
        events.setdefault(rid, []).append(Event(kind, date.fromisoformat(on), json.loads(data)))
    out = []
    for req in reqs:
        req.events = events.get(req.id, [])
        out.append([_cell(req, key) for _, key in columns])
    return [h for h, _ in columns], out


def _cell(req: Request, key: str) -> Any:
    a = req.applicant
    simple = {
        "ref": req.ref, "type": applicant_types()[a.type], "name": a.name, "id_number": a.id_number,
        "phone": a.phone, "email": a.email, "address": a.address, "channel": channels()[req.channel].label,
        "content": req.content, "pieces": req.pieces, "submitted": req.submitted_on.isoformat(),
        "confirmed": req.received_on.isoformat() if req.received_on != req.submitted_on else "",
        "received": req.received_on.isoformat(), "state": state_labels()[req.state],
        "due": req.due_on.isoformat() if req.due_on else "",
        "outcome": outcomes()[req.outcome] if req.outcome else "",
    }
    if key in simple:
        return simple[key]
    data_keys = {"correction_until": ("correction_requested", "until"),
                 "correction_items": ("correction_requested", "items"),
                 "extended_workdays": ("extended", "workdays"), "extended_reason": ("extended", "reason"),
                 "fee_amount": ("fee_notice", "amount")}
    if key in data_keys:
        kind, field = data_keys[key]
        e = _first(req, kind)
        return e.data.get(field, "") if e else ""
    e = _first(req, key)
    return e.on.isoformat() if e else ""


def export_file(register: Register, path: Path, with_contact: bool = False, year: int | None = None) -> int:
    path = Path(path)
    header, rows = export_rows(register, with_contact, year)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".xlsx":
            import openpyxl
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "依申请公开台账"
            ws.append(header)
            for r in rows:
                ws.append(r)
            wb.save(str(path))
        elif path.suffix.lower() == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it right
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(rows)
        else:
            raise GongkaiError("只能导出为 .csv 或 .xlsx 文件", str(path))
    except OSError as exc:
        raise GongkaiError(f"无法写入文件（{exc.strerror}）", str(path)) from exc
    return len(rows)
