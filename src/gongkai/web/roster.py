"""名录: the bodies a supervisor expects an annual report from, and for a report year whether
each has published, on time or not by 条例第四十九条, what the check found in it, or that it is
missing.  The article measures when a report is 向社会公布, so the web page's 发布时间 a crawler
kept decides when there is one; without it the report's 落款日期 stands in for it (a report is
not published before it is signed), and the row says which of the two was measured.  Reports are looked up in the corpus (``gongkai.corpus``).

Matching a body to a stored report: the normalised name, or one of the other names the roster
gives, equals the report's agency; failing that, both name the same body by the corpus's own
identity (division code and the unit within it: ``淮安市清江浦区财政局`` and ``清江浦区财政局``
are both ``320812/财政局``).  Nothing else is guessed: an unmatched body is shown as missing,
and the supervisor can add the name its report uses."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from gongkai import ooxml
from gongkai.errors import GongkaiError
from gongkai.web.models import BodyKind, RosterEntry

STATUS_LABELS = {"on_time": "按期公开", "late": "逾期公开", "undated": "已公开，日期不明",
                 "overdue": "逾期未公开", "not_due": "未到期，尚未公开"}
COLUMNS = ["机关名称", "行政区划代码", "机关类型", "报告年度", "公开期限", "状态", "落款日期", "网页发布时间", "判定依据",
           "逾期天数", "日期说明", "错误", "警告", "提示", "语料库编号", "同年报告份数", "错误项目",
           "相邻年度的报告", "收到时间"]  # 0.9.5's last: a sheet read by position finds 0.9.4's where they were
JUDGED_BY = {"signed": "落款日期", "posted": "网页发布时间", "received": "收到日期"}


def kind_of(name: str) -> str:
    """The body's kind from its name (the DEADLINE rule's suffixes: 局 → 部门, 人民政府 → 政府)."""
    from gongkai.check.narrative import body_of

    # Django's TextChoices members are str (mypy without django-stubs sees their (value, label) tuples)
    return BodyKind.DEPARTMENT if body_of(name).get("kind") == "department" else BodyKind.GOVERNMENT  # type: ignore[return-value]


def deadline(kind: str, year: int) -> date:
    """条例第四十九条: departments by 31 January, governments by 31 March of the next year."""
    return date(year + 1, 1, 31) if kind == BodyKind.DEPARTMENT else date(year + 1, 3, 31)


@dataclass
class Row:
    entry: RosterEntry
    year: int
    due: date
    status: str
    doc_id: int | None = None
    agency: str = ""
    published: date | None = None
    days_late: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    others: int = 0      # more reports of the same body and year in the corpus
    first_id: int | None = None   # the earliest signed of them, which decided the status (may be doc_id)
    errors: list[tuple[str, str]] = field(default_factory=list)   # (rule, what it is) of doc_id's errors
    future: bool = False  # signed after today: a mistyped date (the report cannot have been published yet)
    posted: str = ""      # the crawled page's 发布时间 (ISO) of the report that decided the status
    judged_by: str | None = None   # "posted" (the page's 发布时间), "signed" (the 落款, no 发布时间 known) or
    # "received" (a 落款 not yet come, before the deadline: the report is here)
    note: str = ""        # which date was measured, and both when they fall on either side of the deadline
    elsewhere: list[tuple[int, int]] = field(default_factory=list)  # a missing body's reports of the years beside: (year, id)
    alert: bool = False   # the note names a 落款 and a 发布时间 on either side of the deadline
    received_at: str = ""  # when doc_id was first received: why it, of several, is the one shown

    @property
    def posted_shown(self) -> str:
        return self.posted.replace("T", " ")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def missing(self) -> bool:
        return self.doc_id is None

    def to_dict(self) -> dict:
        e = self.entry
        return {"id": e.pk, "name": e.name, "region_code": e.region_code, "kind": e.kind, "year": self.year,
                "deadline": self.due.isoformat(), "status": self.status, "status_label": self.status_label,
                "report_id": self.doc_id, "report_agency": self.agency or None,
                "published": self.published.isoformat() if self.published else None,
                "days_late": self.days_late, "findings": self.counts or None, "other_reports": self.others,
                "first_report_id": self.first_id,
                "error_rules": [{"rule": rule, "about": about} for rule, about in self.errors],
                "signed_after_today": self.future, "posted": self.posted or None, "judged_by": self.judged_by,
                "date_note": self.note or None,
                "other_years": [{"year": y, "report_id": i} for y, i in self.elsewhere],
                "received_at": self.received_at or None}


def entries_for(region: str):
    """The roster entries within a division code prefix ("" for all)."""
    qs = RosterEntry.objects.all()
    return qs.filter(region_code__startswith=region) if region else qs


def _names(entry: RosterEntry) -> list[str]:
    return [entry.name] + [a for a in re.split(r"[\n、,，;；]+", entry.aliases or "") if a.strip()]


def _identities(entry: RosterEntry) -> tuple[set[str], set[str]]:
    """(normalised names, body identities) the entry is known by; a name the division table
    cannot place is taken as a unit within the entry's own region."""
    from gongkai.format.places import identity, normalise, place

    keys, ids = set(), set()
    for name in _names(entry):
        p = place(name)
        keys.add(p["agency_key"])
        ids.add(identity(p["code"], p["unit"], p["agency_key"]) if p["code"] else
                identity(entry.region_code, normalise(name), None))
    return {k for k in keys if k}, {i for i in ids if i}


def _documents(year: int) -> list[tuple]:
    """(id, agency_key, agency, identity, published, errors, warnings, notices, posted, order of
    receipt) of the year's reports."""
    from gongkai.corpus.store import Store, received
    from gongkai.format.places import identity

    with Store(settings.CORPUS_URL) as store:
        docs = store.summaries(year=year, readable=True)
    return [(d["id"], d["agency_key"], d["agency"], identity(d["code"], d["unit"], d["agency_key"]), d["published"],
             d["errors"], d["warnings"], d["notices"], d["posted"] or "",
             received(d["received_at"], d["published"], d["sha256"])) for d in docs]


def _index(docs: list[tuple]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The year's reports' positions by name key and by body identity: a roster of a province's
    thousands of bodies looked each one up, where it scanned every report of the year for each
    (bodies × reports)."""
    by_key: dict[str, list[int]] = {}
    by_identity: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        by_key.setdefault(d[1], []).append(i)
        by_identity.setdefault(d[3], []).append(i)
    return by_key, by_identity


def _match(entry: RosterEntry, docs: list[tuple], index: tuple[dict[str, list[int]], dict[str, list[int]]]) -> list[tuple]:
    """The reports of ``entry``'s body, in the year's order: by its names' keys, else by its identities."""
    keys, ids = _identities(entry)
    by_key, by_identity = index
    found = sorted(i for k in keys for i in by_key.get(k, ())) or sorted(i for x in ids for i in by_identity.get(x, ()))
    return [docs[i] for i in found]


def status_rows(region: str, year: int, today: date) -> list[Row]:
    """One row per roster body expected to report for ``year``."""
    docs = _documents(year)
    index = _index(docs)
    beside: list[tuple[int, list[tuple], tuple]] = []   # the years beside, read when a body is missing
    rows = []
    for entry in entries_for(region):
        if (entry.first_year and year < entry.first_year) or (entry.last_year and year > entry.last_year):
            continue
        due = deadline(entry.kind, year)
        found = _match(entry, docs, index)
        if not found:
            # A body that sent last year's report again (or one dated a year ahead) is not missing
            # for want of trying: the row names such reports — of the year before, first received
            # while this year's are collected (from 1 January after it: one received in its own
            # season is just last year's report, which every body of a corpus of several years has);
            # of the year after, received before that year was over.
            if not beside:
                beside = [(y, kept, _index(kept)) for y, kept in (
                    (year - 1, [d for d in _documents(year - 1) if d[9][0][:10] >= f"{year + 1}-01-01"]),
                    (year + 1, [d for d in _documents(year + 1) if d[9][0][:10] < f"{year + 2}-01-01"]))]
            rows.append(Row(entry, year, due, "overdue" if today > due else "not_due",
                            elsewhere=[(y, d[0]) for y, d_, i in beside for d in _match(entry, d_, i)]))
            continue
        # Several stored reports of one body and year (a corrected re-send, often signed with the
        # same date): the earliest signed decides whether it was on time, the last received (the
        # one the roll-up and the statistics count, ``store.received``) is the one whose check is
        # shown — the corrected one, not the report it replaced, which stays in the corpus and is
        # counted in 另有.  "Earliest" by the date each report is measured by (below).
        first = min(found, key=lambda d: (_measured(d)[0] is None, _measured(d)[0] or date.max, d[9]))
        doc_id, _key, agency, _code, _published, errors, warnings, notices, _posted, order = max(found, key=lambda d: d[9])
        signed = date.fromisoformat(first[4][:10]) if first[4] else None
        posted = first[8]
        day, judged_by = _measured(first)
        note, alert = _date_note(signed, posted, due)
        if judged_by == "signed" and day and day > today:
            # A 落款 not yet come (a mistyped year: 2027-01-16 for 2026-01-16) stands in for no
            # publication: it showed 逾期公开 晚 350 天, 69 days after the deadline.  The report
            # is here today, so until the deadline it is in time whatever its date says.
            day, judged_by = (None, None) if today > due else (today, "received")
            note = ("落款日期晚于今天，不能据以判断是否按期" if day is None
                    else "落款日期晚于今天；报告今天已收到，在期限内")
        late = (day - due).days if day and day > due else None
        status = "undated" if day is None else ("late" if late else "on_time")
        rows.append(Row(entry, year, due, status, doc_id, agency or "", signed, late,
                        {"error": int(errors), "warning": int(warnings), "notice": int(notices)}, len(found) - 1,
                        first[0], future=bool(signed and signed > today), posted=posted,
                        judged_by=judged_by, note=note, alert=alert, received_at=order[0]))
    _name_errors(rows)
    return rows


def _day(posted: str) -> date | None:
    """The day of a page's 发布时间 (ISO, with or without a time); None when there is none."""
    try:
        return date.fromisoformat(posted[:10]) if posted else None
    except ValueError:
        return None


def _measured(doc: tuple) -> tuple[date | None, str | None]:
    """The day a stored report counts as published and what says so: 条例第四十九条 measures
    publication (向社会公布), so the page's 发布时间 when a crawler kept one ("posted"), else the
    落款 ("signed"), which publication cannot precede; (None, None) with neither."""
    posted = _day(doc[8])
    if posted:
        return posted, "posted"
    return (date.fromisoformat(doc[4][:10]), "signed") if doc[4] else (None, None)


def _date_note(signed: date | None, posted: str, due: date) -> tuple[str, bool]:
    """(what the status was measured by, whether the 落款 and the 发布时间 fall on either side of
    the deadline — the 落款 cannot then be squared with the publication, as DEADLINE's findings say)."""
    day, shown = _day(posted), posted.replace("T", " ")
    if day is None:
        return ("按落款日期推定（无网页发布时间）", False) if signed else ("报告无落款日期，也没有网页发布时间，无法判断是否按期", False)
    if signed is None:
        return f"无落款日期，按网页发布时间 {shown} 判断", False
    if signed <= due < day:
        return (f"按网页发布时间 {shown} 判断：落款日期在期限内，但晚于期限 {(day - due).days} 天才向社会公布", True)
    if day <= due < signed:
        return (f"按网页发布时间 {shown} 判断，在期限内；落款日期晚于期限，也晚于发布时间，请核对落款日期是否有误", True)
    return f"按网页发布时间 {shown} 判断", False


def _name_errors(rows: list[Row]) -> None:
    """What each shown report must correct, by rule (表三每行总计等于六类申请人之和 …): the count
    alone ("错误 2") did not tell the supervisor which body must redo what."""
    from gongkai.check.catalogue import must_correct
    from gongkai.corpus.store import Store

    ids = [r.doc_id for r in rows if r.doc_id is not None and r.counts.get("error")]
    if not ids:
        return
    with Store(settings.CORPUS_URL) as store:
        counts = store.finding_counts(ids)
    for r in rows:
        if r.doc_id in counts:
            r.errors = must_correct(rule for (rule, severity) in counts[r.doc_id] if severity == "error")


def summary(rows: list[Row]) -> dict[str, int]:
    out = {k: 0 for k in STATUS_LABELS}
    for r in rows:
        out[r.status] += 1
    out["total"] = len(rows)
    out["published"] = out["on_time"] + out["late"] + out["undated"]
    out["missing"] = out["overdue"] + out["not_due"]
    out["with_errors"] = sum(1 for r in rows if r.counts.get("error"))
    return out


# -- entering and importing ------------------------------------------------------------------
_KINDS = {"部门": BodyKind.DEPARTMENT, "政府部门": BodyKind.DEPARTMENT, "department": BodyKind.DEPARTMENT,
          "政府": BodyKind.GOVERNMENT, "人民政府": BodyKind.GOVERNMENT, "government": BodyKind.GOVERNMENT,
          "乡镇": BodyKind.GOVERNMENT, "街道": BodyKind.GOVERNMENT}
_HEADERS = {"name": ("机关名称", "名称", "机关", "单位名称", "name"),
            "region_code": ("行政区划代码", "区划代码", "地区代码", "代码", "region_code"),
            "kind": ("机关类型", "类型", "kind"), "aliases": ("其他名称", "别名", "aliases"),
            "note": ("备注", "note")}


def clean_entry(name: str, code: str, kind: str = "", aliases: str = "", note: str = "",
                allowed: str = "") -> dict:
    """A roster entry's fields, checked; ``allowed`` is the region prefix the user may enter."""
    name = re.sub(r"\s+", "", name or "")
    code = str(code or "").strip()
    if code.endswith(".0"):        # a code typed as a number in Excel
        code = code[:-2]
    if not name:
        raise GongkaiError("机关名称不能为空")
    if len(name) > 200:
        raise GongkaiError(f"机关名称过长（{len(name)} 字）")
    if not re.fullmatch(r"\d{6}", code):
        raise GongkaiError(f"“{name}”的行政区划代码“{code}”无效：应为 6 位数字，如 320812")
    if allowed and not code.startswith(allowed):
        raise GongkaiError(f"“{name}”的行政区划代码 {code} 不在您监督的地区（{allowed}）内")
    kind = (kind or "").strip()
    if kind and kind not in _KINDS:
        raise GongkaiError(f"“{name}”的机关类型“{kind}”无效：应为 部门 或 人民政府")
    return {"name": name, "region_code": code, "kind": _KINDS[kind] if kind else kind_of(name),
            "aliases": "\n".join(a.strip() for a in re.split(r"[\n、;；]+", aliases or "") if a.strip()),
            "note": (note or "").strip()[:200]}


def add(fields: dict, actor: str) -> tuple[RosterEntry, bool]:
    """Add an entry, or update the one of the same name; (entry, created)."""
    entry, created = RosterEntry.objects.update_or_create(
        name=fields["name"], defaults={**fields, "added_by": actor})
    return entry, created


def parse_list(rows: list[list], allowed: str) -> tuple[list[dict], list[str]]:
    """Rows of a pasted or uploaded list: a header row naming the columns (机关名称, 行政区划代码,
    机关类型, 其他名称, 备注) or, without one, name and code in the first two columns."""
    rows = [[str(c).strip() if c is not None else "" for c in r] for r in rows if any(str(c or "").strip() for c in r)]
    if not rows:
        raise GongkaiError("名录是空的")
    header = rows[0]
    columns: dict[str, int] = {}
    for key, names in _HEADERS.items():
        for i, h in enumerate(header):
            if h.replace(" ", "") in names:
                columns.setdefault(key, i)
    start = 1
    if "name" not in columns or "region_code" not in columns:
        if any(h.replace(" ", "") in sum(_HEADERS.values(), ()) for h in header):
            raise GongkaiError("名录的表头应含“机关名称”和“行政区划代码”两列")
        columns, start = {"name": 0, "region_code": 1, "kind": 2}, 0
    out, problems = [], []
    for n, r in enumerate(rows[start:], start + 1):
        def cell(key: str, r: list[str] = r) -> str:
            i = columns.get(key)
            return r[i] if i is not None and i < len(r) else ""
        try:
            out.append(clean_entry(cell("name"), cell("region_code"), cell("kind"), cell("aliases"), cell("note"),
                                   allowed))
        except GongkaiError as exc:
            problems.append(f"第{n}行：{exc.message}")
    return out, problems


def rows_from_text(text: str) -> list[list[str]]:
    """Pasted lines: tab, comma or spaces between the columns."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = re.split(r"\t|,|，", line) if re.search(r"\t|,|，", line) else line.split()
        out.append([p.strip() for p in parts])
    return out


def rows_from_upload(upload) -> list[list]:
    """An uploaded CSV (UTF-8 or GB18030) or XLSX list."""
    import tempfile
    from pathlib import Path

    from gongkai.sheets import read_table

    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in (".csv", ".xlsx", ".txt"):
        raise GongkaiError(f"名录文件应为 .csv 或 .xlsx，不能是“{suffix or '无扩展名'}”", upload.name)
    if upload.size > 5 * 1024 * 1024:
        raise GongkaiError("名录文件过大（应小于 5 MB）", upload.name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"roster{suffix}"
        path.write_bytes(upload.read())
        try:
            table = read_table(path)
        except GongkaiError as exc:
            exc.path = upload.name  # the file as the supervisor knows it, not the server's temporary copy
            raise
    return [table.header] + [r for _line, r in table.rows]


# -- export ----------------------------------------------------------------------------------
def _table(rows: list[Row]) -> list[list]:
    kinds = dict(BodyKind.choices)
    return [[r.entry.name, r.entry.region_code, kinds.get(r.entry.kind, r.entry.kind), r.year, r.due.isoformat(),
             r.status_label, r.published.isoformat() if r.published else "", r.posted_shown,
             JUDGED_BY.get(r.judged_by or "", ""), r.days_late or "", r.note, r.counts.get("error", ""), r.counts.get("warning", ""), r.counts.get("notice", ""),
             r.doc_id or "", (r.others + 1) if r.doc_id else "", "；".join(about for _rule, about in r.errors),
             "；".join(f"{y}年度 #{i}" for y, i in r.elsewhere), r.received_at[:19].replace("T", " ")]
            for r in rows]


def to_csv(rows: list[Row]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS)
    w.writerows(_table(rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")     # BOM: Excel opens it as UTF-8


def to_xlsx(rows: list[Row], year: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年度"
    ws.append(COLUMNS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in _table(rows):
        ws.append(row)
    ws.column_dimensions["A"].width = 36
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return ooxml.reproducible(buf.getvalue(), None)    # the same list, the same bytes (no clock)
