"""Roll-up from the corpus: the stored reports of a region and year, or reports by id.

A region is a division (province, city, county) given by code or name.  Its parts are the
reports of the bodies placed under it (towns, departments) in that year; the reports of
人民政府 themselves are whole-area reports, so none is added: the region's own one is what the
sum is compared with, and a lower level's (a county's, under a city) would count its towns
twice.  Of several reports of one body and year (the same report as PDF and web page) one is
counted, the one received last (``store.received``), as the statistics, the cross-year checks
and the 名录 choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.corpus.store import Store, received
from gongkai.errors import GongkaiError, NotFound
from gongkai.format.places import Division, division, place, speaks_for_area
from gongkai.model import Report

_ID = re.compile(r"#?(\d+)")


def report_id(text: str) -> int | None:
    """12 or #12 -> 12; anything else None."""
    m = _ID.fullmatch(text.strip())
    return int(m.group(1)) if m else None


def no_such_report(document_id: int, arg: str | None = None) -> NotFound:
    """The one wording of a report number the corpus lacks (the command line, the Python API, the
    web's pages and JSON API alike); ``arg``, the option it came in (``--against 999``), is named
    unless it is the number itself."""
    where = arg if arg and report_id(arg) != document_id else None
    return NotFound(f"语料库中没有编号为 #{document_id} 的报告（各报告的编号见 gongkai export 导出的 reports 表"
                    " report_id 列）。", where)


def load(store, document_id: int, arg: str | None = None) -> tuple[str, Report]:
    """One stored report as (label, report); a Chinese error when there is none by that id."""
    report = store.held_report(document_id)  # with the findings the corpus holds
    if report is None:
        doc = store.document(document_id)
        if doc is not None and doc["status"] == "failed":  # the number of a file that could not be read
            raise NotFound(f"这个编号是未能读取的文件 {doc['name']}：{doc['reason']}", arg or f"#{document_id}")
        raise no_such_report(document_id, arg)
    return f"#{document_id} {report.agency or ''}".strip(), report


def resolve(text: str) -> Division:
    """A division from its six-digit code or its name (同心县, 吴忠市同心县, 宁夏回族自治区)."""
    text = text.strip()
    if re.fullmatch(r"\d{6}", text):
        d = division(text)
        if d is None:
            raise GongkaiError("区划代码不在全国行政区划代码表中。", place=f"--region {text}")
        return d
    p = place(text)
    if p["code"] is None:
        note = p["note"] or ""
        if "有多个同名行政区" in note:  # the candidates are listed; say how to pick one here
            note = note.replace("请用 gongkai place 指定区划代码。", "请改用区划代码。")
        else:
            note = "没有找到这个行政区划。请写区划代码（如 640324）或名称（如 同心县、吴忠市同心县）。"
        raise GongkaiError(note, place=f"--region {text}")
    if p["unit"]:
        raise GongkaiError(f"“{text}”是机关名称，不是行政区划名称（“{p['unit']}”不是区划）。", place=f"--region {text}")
    found = division(p["code"][:6])
    if found is None:  # the body sits below a division the code table lacks
        raise GongkaiError("区划代码不在全国行政区划代码表中。", place=f"--region {text}")
    return found


def code_prefix(text: str) -> str:
    """A region as a person writes it — the CLI's ``--region``, the web's and the JSON API's
    ``region=``, the Python API's ``region`` — as the code prefix the corpus is filtered by: the
    first digits of a code as given (``32``, ``3208``), or the prefix of the division a six-digit
    code or a name names (``淮安``, ``淮安市`` -> ``3208``); "" for all.  Anything else is refused
    by ``resolve`` (its place: ``--region …``; callers re-place it)."""
    text = text.strip()
    if not text or text.isdigit() and text.isascii() and len(text) < 6:
        return text
    return prefix(resolve(text))


def full_name(d: Division) -> str:
    return "".join(dict.fromkeys(x for x in (d.province, d.city, d.county) if x))


def prefix(d: Division) -> str:
    """The code prefix shared by every division under ``d``."""
    return {"province": d.code[:2], "city": d.code[:4]}.get(d.level, d.code)


@dataclass
class Selection:
    region: Division
    year: int
    parts: list[tuple[str, Report]]
    own: tuple[str, Report] | None  # the region's 人民政府 report of that year
    lower: list[str] = field(default_factory=list)  # lower governments' whole-area reports, not added
    duplicates: list[str] = field(default_factory=list)  # further reports of a body already counted

    def to_dict(self) -> dict:
        return {"code": self.region.code, "name": full_name(self.region), "level": self.region.level,
                "year": self.year, "own_report": self.own[0] if self.own else None,
                "not_added": {"lower_governments": self.lower, "duplicates": self.duplicates}}


def select(store: Store, region: Division, year: int) -> Selection:
    # The last received first: it is the one counted, of one body's reports and of the region's
    # whole-area reports under different printed names alike (sorting by body here would let
    # the name that sorts first win).  Listed by body afterwards.
    rows = sorted(store.reports(prefix(region), year), key=lambda r: received(r.received_at, r.published, r.sha256),
                  reverse=True)
    key_of = {r.id: r.agency_key or "" for r in rows}
    parts: list[int] = []
    lower: list[tuple[str, str]] = []
    duplicates: list[tuple[str, str]] = []
    own = None
    seen: set[str] = set()
    for r in rows:
        label = f"#{r.id} {r.agency or ''}".strip()
        if r.agency_key in seen:
            duplicates.append((key_of[r.id], label))
            continue
        seen.add(r.agency_key or "")
        if speaks_for_area(r.agency, r.unit) and r.code == region.code:
            if own is not None:  # an earlier whole-area report of the region (another name): not lost
                duplicates.append((key_of[r.id], label))
                continue
            own = (r.id, label)
        elif speaks_for_area(r.agency, r.unit):
            lower.append((key_of[r.id], label))
        else:  # towns, departments — and the government's 办公室, which reports for itself
            parts.append(r.id)
    # by body, each body's reports in the order of receipt (newest first): sorted is stable
    parts.sort(key=key_of.__getitem__)
    lower_ = [label for _, label in sorted(lower, key=lambda x: x[0])]
    duplicates_ = [label for _, label in sorted(duplicates, key=lambda x: x[0])]
    if not parts:  # say what the corpus does hold for the region and year, and why it is not summed
        found = ([f"本级报告 {own[1]}"] if own else []) + (
            [f"下级人民政府的本级报告 {'、'.join(lower_)}（不相加：计入会与其乡镇、部门重复）"] if lower_ else [])
        raise GongkaiError(f"语料库中没有 {full_name(region)}（{region.code}）{year} 年度可相加的报告"
                           "（乡镇、部门的报告）" + (f"；有{'；'.join(found)}" if found else "") + "。",
                           place=f"--region {region.code}")
    return Selection(region, year, [load(store, i) for i in parts],
                     load(store, own[0]) if own else None, lower_, duplicates_)
