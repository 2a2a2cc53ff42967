"""The register seen through the web: lists with due marks, one request with its clock ledger,
the actions, letters and table 3.  Shared by the 台账 pages and the JSON API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from gongkai.errors import GongkaiError, shown
from gongkai.format.text import format_value, shown_or_blank
from gongkai.register import Register, letters
from gongkai.register.case import extension_refused, facts
from gongkai.register.clock import calendar_warning
from gongkai.register.events import DATE_HINT, Kind, choices, kinds, parse_date
from gongkai.register.filters import RequestFilter
from gongkai.register.vocab import applicant_types, channels, outcomes, state_labels
from gongkai.web import sizes

PAGE_SIZE = 50
FILTERS = {"all": "全部", "open": "办理中", "soon": "即将到期", "overdue": "已超期", "late": "逾期办结",
           "closed": "已办结"}

# The statutory steps offered on a request page (the declaration's kinds that have a state to
# be offered in), and the corrections offered beside them.
ACTIONS = {k.id: k.label for k in kinds().values() if k.offered_in and not k.meta and k.id != "registered"}
CORRECTIONS = {k.id: k.label for k in kinds().values() if k.meta}


@dataclass
class Row:
    ref: str
    applicant: str
    applicant_type: str
    channel: str
    content: str
    received_on: date
    due_on: date | None
    concluded_on: date | None
    state: str
    outcome: str | None
    mark: str          # overdue | soon | done | ""
    due_assumed: bool = False   # the due date used days of a year whose notice is not entered (推算)

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "applicant": self.applicant, "applicant_type": self.applicant_type,
                "channel": self.channel, "content": self.content, "received_on": self.received_on.isoformat(),
                "due_on": self.due_on.isoformat() if self.due_on else None,
                "concluded_on": self.concluded_on.isoformat() if self.concluded_on else None,
                "state": self.state, "outcome": self.outcome, "mark": self.mark or None,
                "due_assumed": self.due_assumed}


def soon_limit(reg: Register, today: date) -> date:
    """The last day that still counts as 'due soon'."""
    return reg.calendar.add_workdays(today, reg.settings.due_soon_workdays)[0]


def _filter(flt: str, today: date, soon: date, q: str) -> RequestFilter:
    text = q or None
    return {
        "all": RequestFilter(text=text),
        "open": RequestFilter(text=text, open=True),
        "closed": RequestFilter(text=text, open=False),
        "overdue": RequestFilter(text=text, open=True, overdue_on=today),
        "soon": RequestFilter(text=text, due_from=today, due_to=soon),
        "late": RequestFilter(text=text, open=False, late=True),
    }[flt]


def mark(due: date | None, concluded: date | None, today: date, soon: date, late: bool = False) -> str:
    if late and concluded:
        return "late"
    if concluded:
        return "done"
    if late or (due and due < today):
        return "overdue"
    if due and due <= soon:
        return "soon"
    return ""


def list_requests(reg: Register, today: date, flt: str = "all", page: int = 1, q: str = "",
                  personal: bool = False) -> tuple[list[Row], int, dict[str, int]]:
    """One page of requests (newest first), the number matching, and counts per mark."""
    if flt not in FILTERS:
        raise GongkaiError(f"未知的筛选条件“{shown(flt)}”")
    soon = soon_limit(reg, today)
    query = _filter(flt, today, soon, q.strip())
    total = reg.count(query)
    page = max(1, page)
    rows = []
    atypes, chans, states = applicant_types(), channels(), state_labels()
    for req in reg.requests(query, "newest", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE):
        rows.append(Row(req.ref, req.applicant.name if personal else req.applicant.masked_name(),
                        atypes.get(req.applicant.type, req.applicant.type), chans[req.channel].label
                        if req.channel in chans else req.channel, req.content, req.received_on, req.due_on,
                        req.concluded_on, states.get(req.state, req.state), req.outcome,
                        mark(req.due_on, req.concluded_on, today, soon, req.late),
                        req.due_assumed))
    return rows, total, counts(reg, today)


def counts(reg: Register, today: date) -> dict[str, int]:
    """Requests open, overdue (open past their due date) and due soon, for lists and notices."""
    soon = soon_limit(reg, today)
    return {"total": reg.count(), "open": reg.count(RequestFilter(open=True)),
            "overdue": reg.count(RequestFilter(open=True, overdue_on=today)),
            "soon": reg.count(RequestFilter(due_from=today, due_to=soon)),
            "late": reg.count(RequestFilter(open=False, late=True))}


def _date(value: Any, what: str, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise GongkaiError(f"请填写{what}")
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise GongkaiError(f"{what}“{value}”不是有效日期，{DATE_HINT}") from None


def _int(value: Any, what: str, default: int | None = None) -> int:
    if value in (None, ""):
        if default is not None:
            return default
        raise GongkaiError(f"请填写{what}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise GongkaiError(f"{what}应为整数，不能是“{value}”") from None


# Older names of the registration's fields in forms and API bodies.
_LEGACY = {"applicant_name": "name", "signed_on": "receipt_on", "confirmed_on": "receipt_on"}


def _values(k: Kind, data) -> dict[str, Any]:
    values = {f.name: data.get(f.name) for f in k.entered}
    for old, new in _LEGACY.items():
        if values.get(new) in (None, "") and data.get(old) not in (None, ""):
            values[new] = data.get(old)
    return values


def new_request(reg: Register, data, actor: str) -> str:
    """Register a request from a form or API body: the registration's fields and ``on`` (or
    ``submitted_on``), the submission date."""
    on = _date(data.get("on") or data.get("submitted_on"), "提交日期")
    return reg.add(_values(kinds()["registered"], data), actor, on=on)


def record_action(reg: Register, ref: str, data, actor: str):
    """Append one step from a form or API body: ``kind``, ``on`` and the kind's fields."""
    kid = str(data.get("kind") or "")
    k = kinds().get(kid)
    if k is None or kid == "registered":
        raise GongkaiError(f"未知的办理事项“{kid}”" if kid else "请填写办理事项（kind）")
    on = _date(data.get("on"), "办理日期", required=not k.dated_today)
    return reg.record(ref, kid, on, actor, **_values(k, data))


def entered_since(reg: Register, ref: str, seen: Any, personal: bool, mine: bool = False) -> list[str]:
    """What was recorded on a request after its page was loaded (``seen``: the last entry the page
    showed, sent back by its form) by anyone — two clerks at once — leaving out, with ``mine``,
    the newest (the entry just recorded from that form): each as 第5条 答复（2026-03-10；王会计，登记于 …）."""
    from gongkai.register.history import history_rows

    try:
        last = int(str(seen))
    except ValueError:
        return []    # a form without it (the API, an old page): nothing to compare with
    rows = history_rows(reg.get(ref).history, personal, mask_names=not personal)
    newest = max(r["id"] for r in rows)
    return [f"第{r['id']}条 {r['label']}（{r['on']}；{r['actor']}，登记于 {r['recorded_at']}）"
            for r in rows if r["id"] > last and not (mine and r["id"] == newest)]


def request_detail(reg: Register, ref: str, today: date, personal: bool) -> dict[str, Any]:
    from gongkai.register.history import history_rows

    req = reg.get(ref)
    case = reg.case(ref)
    c = case.clock
    soon = soon_limit(reg, today)
    a = req.applicant
    applicant = ({"type": a.type, "name": a.name, "id_number": a.id_number, "phone": a.phone, "email": a.email,
                  "address": a.address} if personal else {"type": a.type, "name": a.masked_name()})
    steps = [e for e in req.events if e.kind != "registered"]
    extended = facts(req.received_on, req.events).extended
    left = max(0, reg.settings.max_extension_workdays - extended)   # 条例第三十三条: 20 in all
    first = next(e for e in req.events if e.kind == "registered")
    letter_list = [{"kind": "receipt", "n": None, "label": letters.KIND_LABELS["receipt"],
                    "on": req.received_on.isoformat(), "event": first.id, "delivered": _delivery(first)}]
    seen: dict[str, int] = {}
    for e in steps:   # one letter per letter-bearing step
        kind = kinds()[e.kind].letter    # declared once: the step's letter (events.yaml)
        if kind:
            seen[kind] = seen.get(kind, 0) + 1
            letter_list.append({"kind": kind, "n": seen[kind], "label": letters.KIND_LABELS[kind],
                                "on": e.on.isoformat(), "event": e.id, "delivered": _delivery(e)})
    for item in letter_list:     # a kind that occurs once needs no number in its link
        if item["n"] and seen[item["kind"]] == 1:
            item["n"] = None
    overdue = c.overdue(today)
    return {
        "ref": req.ref, "applicant": applicant, "applicant_type_label": applicant_types().get(a.type, a.type),
        "channel": req.channel, "channel_label": channels()[req.channel].label if req.channel in channels() else "",
        "content": req.content, "pieces": req.pieces, "submitted_on": req.submitted_on.isoformat(),
        "received_on": req.received_on.isoformat(), "state": req.state,
        "state_label": state_labels().get(req.state, req.state), "outcome": case.outcome,
        "outcome_label": outcomes().get(case.outcome, "") if case.outcome else "",
        "due_on": c.missed.isoformat() if c.missed else None,
        "concluded_on": case.concluded_on.isoformat() if case.concluded_on else None,
        "late": c.late, "mark": mark(c.missed, case.concluded_on, today, soon, c.late) or None,
        "counted_workdays": c.counted, "limit_workdays": c.limit,
        "workdays_left": (reg.calendar.workdays_between(today, c.due)
                          if c.due and not case.concluded_on and not overdue else None),
        # counted over days of a year whose notice is not entered: an estimate (推算), as the due date
        "workdays_left_assumed": bool(c.due and not case.concluded_on and not overdue
                                      and reg.calendar.any_assumed(today, c.due)),
        "workdays_late": (reg.calendar.workdays_between(c.missed, today)
                          if c.missed and not case.concluded_on and overdue else None),
        # that count ran over days of a year whose notice is not entered: an estimate (推算)
        "workdays_late_assumed": bool(c.missed and not case.concluded_on and overdue
                                      and reg.calendar.any_assumed(c.missed, today)),
        # the calendar's own warning is said once per page (calendar_note), not in each request's list
        "warnings": [w for w in c.warnings if w != calendar_warning(reg.calendar)],
        "due_assumed": bool(c.assumed),
        "events": [{"id": e.id, "kind": e.kind, "label": kinds()[e.kind].label, "on": e.on.isoformat(),
                    "data": e.data, "actor": e.actor, "recorded_at": e.recorded_at} for e in steps],
        "history": history_rows(req.history, personal, mask_names=not personal),
        "seen": max(e.id for e in req.history),   # the page's forms say what their clerk saw (entered_since)
        "ledger": c.render(warnings=False),   # the warnings are their own field
        "letters": letter_list,
        "offered": sorted(offered_actions(req.state, [e.kind for e in steps], left)),
        "extension_left": left,
        "withheld": withheld_actions(req.state, extended, reg.settings),
    }


def _delivery(step) -> str:
    """A letter's 送达 as the page says it (the last one recorded for its step), or blank."""
    if not step.data.get("delivered_on"):
        return ""
    method = choices("delivery_methods").get(step.data.get("delivery_method") or "", "")
    return f"{step.data['delivered_on']} {method}".strip()


def delivery_choices(detail: dict[str, Any]) -> list[tuple[str, str]]:
    """The steps whose letter a 送达 may name (the form's choice instead of a bare number), the
    ones not yet delivered first."""
    letters_ = sorted(detail["letters"], key=lambda x: bool(x["delivered"]))
    return [(str(x["event"]), f"第{x['event']}条 {x['on']} {x['label']}"
             + (f"（已送达：{x['delivered']}）" if x["delivered"] else "（未登记送达）")) for x in letters_]


def offered_actions(state: str, done: list[str], extension_left: int) -> set[str]:
    """The statutory steps that make sense now (the register still checks each one): those
    whose declaration offers them in this state, less the once-only steps already taken and an
    extension when 条例第三十三条's 20 working days are used up (``extension_left``)."""
    out = {kid for kid in ACTIONS if state in kinds()[kid].offered_in}
    if {"correction_requested", "consultation_started", "extended"} & set(done):
        out.discard("correction_requested")
    if "fee_notice" in done:
        out.discard("fee_notice")
    if extension_left <= 0:
        out.discard("extended")
    return out


def withheld_actions(state: str, extended: int, settings) -> dict[str, str]:
    """Steps the state would offer but the history rules out, with why (said on the page):
    an extension once ``extended`` working days reach 条例第三十三条's limit."""
    why = extension_refused(extended, settings)
    return {"extended": why} if why and state in kinds()["extended"].offered_in else {}


def template_dirs(body_id: int) -> list[Path]:
    """Where a body's letter templates are looked for: its own folder, then the site's (the
    setting LETTER_TEMPLATES, read once when the site is configured)."""
    from django.conf import settings

    site = Path(settings.LETTER_TEMPLATES)
    return [site / f"body-{int(body_id)}", site]


def letter_bytes(reg: Register, ref: str, kind: str, body_id: int, pdf: bool = False,
                 nth: int | None = None) -> tuple[str, bytes]:
    """The letter's file name and DOCX (or PDF), dated by its event, from the body's templates;
    ``nth``: about the nth event of its kind (default the last).  Its size is remembered for
    the request page's link (web/sizes.py)."""
    name, data = letters.letter_docx(reg, ref, kind, nth, template_dir=template_dirs(body_id))
    if pdf:
        name, data = name[:-len(".docx")] + ".pdf", letters.to_pdf(data)
    sizes.remember(_letter_key(reg, ref, kind, body_id, nth, pdf), data)
    return name, data


def _letter_key(reg: Register, ref: str, kind: str, body_id: int, nth: int | None, pdf: bool) -> str:
    """What a letter is made from: its context, the template it takes, and the form."""
    import hashlib

    ctx = letters.context_for(reg, ref, kind, nth)
    template, _where = letters.template_source(letters.letter_for(ctx), template_dirs(body_id))
    return sizes.fingerprint("letter", ctx, hashlib.sha256(template).hexdigest(), "pdf" if pdf else "docx")


def letter_sizes(reg: Register, ref: str, listed: list[dict[str, Any]], body_id: int) -> list[dict[str, Any]]:
    """The request page's letters with their sizes: the DOCX's (made now if not yet: ~0.1 s), the
    PDF's once it has been made (LibreOffice takes seconds); None where not known."""
    out = []
    for x in listed:
        docx: int | None = None
        pdf: int | None = None
        kind, nth = str(x["kind"]), x["n"]

        def make(kind: str = kind, nth: int | None = nth) -> bytes:
            return letter_bytes(reg, ref, kind, body_id, nth=nth)[1]

        try:
            docx = sizes.made_for_size(_letter_key(reg, ref, kind, body_id, nth, False), make)
            pdf = sizes.known(_letter_key(reg, ref, kind, body_id, nth, True))
        except GongkaiError:
            pass   # a letter that cannot be made says why when fetched
        out.append({**x, "docx_size": docx, "pdf_size": pdf})
    return out


def letter_templates(body_id: int) -> list[dict[str, Any]]:
    """Every letter template and which one the body's letters use."""
    dirs = template_dirs(body_id)
    out = []
    for letter in letters.letter_ids():
        data, where = letters.template_source(letter, dirs)
        source = "body" if where != "shipped" and Path(where).parent == dirs[0] else \
            ("site" if where != "shipped" else "shipped")
        out.append({"letter": letter, "title": letters.spec(letter)["title"], "source": source,
                    "source_label": {"body": "本机关模板", "site": "本站统一模板", "shipped": "默认模板"}[source],
                    "size": len(data)})
    return out


def template_bytes(body_id: int, letter: str) -> tuple[str, bytes]:
    data, _where = letters.template_source(letter, template_dirs(body_id))
    return f"{letter}.docx", data


def save_template(body_id: int, letter: str, data: bytes) -> None:
    """Check and keep a body's own template (the one it replaces goes to history/)."""
    letters.install_template(letter, data, template_dirs(body_id)[0])


def table3(reg: Register, year: int, agency: str):
    from gongkai.register.table3 import compute

    return compute(reg.db, year, agency, reg.today())


def table3_trace(reg: Register, report, cell: str | None) -> dict[str, Any]:
    """What the 表三 page shows beside the table: every non-zero cell as a link to its requests
    (row label, [(column label, count, cell)]); the requests of the cell asked for (``?cell=``);
    the register's 台账起始日期 (declared or presumed) and its earlier declarations."""
    from gongkai.format import FORMAT
    from gongkai.format.names import cell_label, row_label
    from gongkai.register.store import kept_since_entries
    from gongkai.register.table3 import coverage, drill

    year = report.year
    cols = FORMAT.table3_column_ids
    column_names = {c.id: c.label for c in FORMAT.table3_columns}
    index = []
    for row, cells in (report.table3 or {}).items():
        found = [(column_names[c], cells[c], f"{row}.{c}") for c in cols if cells.get(c)]
        if found:
            index.append((row_label("table3", row, "2021"), found))
    chosen: dict[str, Any] | None = None
    if cell:
        label = cell_label(f"table3.{cell}", "2021") if cell.count(".") >= 1 else cell
        try:
            states, outs = state_labels(), outcomes()
            requests = [{"ref": r.ref, "received": r.received_on, "concluded": r.concluded_on,
                         "state": states.get(r.state, r.state), "late": r.late,
                         "outcome": outs.get(r.outcome or "", "")}
                        for r in (reg.get(ref) for ref in drill(reg.db, year, cell))]
            chosen = {"cell": cell, "label": label, "requests": requests, "error": ""}
        except GongkaiError as exc:
            chosen = {"cell": cell, "label": shown(cell), "requests": [], "error": exc.message}
    entries = kept_since_entries(reg.db)
    return {"index": index, "chosen": chosen, "coverage": coverage(reg.db, year),
            "kept_since": entries[-1] if entries else None, "earlier_since": entries[:-1]}


def declare_kept_since(reg: Register, form: Mapping[str, Any], actor: str) -> str:
    """The 台账起始日期 declared on the 表三 page; the sentence to show."""
    text = str(form.get("since") or "").strip()
    try:
        day = parse_date(text) if text else None
    except ValueError:
        day = None
    if day is None:
        raise GongkaiError(f"台账起始日期“{shown(text)}”无法识别，{DATE_HINT}" if text else "请填写台账起始日期")
    entry = reg.declare_kept_since(day, actor, str(form.get("note") or "")[:200])
    return (f"已声明台账起始日期 {entry.since.isoformat()}：自该日起收到的申请和当天仍在办理的申请都应在台账中，"
            f"{entry.since.year - 1}年及以前的表三留空（不是 0）。")


# -- the site's holiday notices (节假日安排) -------------------------------------------------------
def calendar_overview(cal, entered, elsewhere: Sequence[tuple[int, str]] = ()) -> dict[str, Any]:
    """What the calendar page shows: the years known and from where, each notice entered (who,
    when), where another store enters a year otherwise (``elsewhere``: year, sentence, as
    ``workdays.store.other_offices_differences`` says it), the first year estimated, and how an
    estimate is made."""
    from gongkai.db import office_time
    from gongkai.workdays.calendar import (
        ASSUMED_BASIS,
        shipped_difference,
        shipped_note,
        shipped_years,
        statutory_holidays,
    )

    last = cal.last_known_day.year
    latest = {e.notice.year: e for e in entered}
    years = []
    for year, n in sorted(cal.overrides.items()):
        who = latest.get(year)
        note = shipped_note(n) if who else ""   # an entered notice beside what this release ships
        years.append({"year": year, "notice": n.notice, "holidays": len(n.holidays), "workdays": len(n.workdays),
                      "source": f"{who.actor} 录入于 {office_time(who.recorded_at)}" if who else n.source,
                      "shipped": note, "shipped_differs": bool(who and shipped_difference(n)),
                      "elsewhere": [text for y, text in elsewhere if y == year]})
    history = [{"year": e.notice.year, "notice": e.notice.notice, "actor": e.actor,
                "recorded_at": office_time(e.recorded_at), "reason": e.reason,
                "holidays": ", ".join(d.isoformat() for d in sorted(e.notice.holidays)),
                "workdays": ", ".join(d.isoformat() for d in sorted(e.notice.workdays))} for e in reversed(entered)]
    spans: list[list] = []     # [name, first, last]: a festival's days off as one span
    for d, name in sorted(statutory_holidays(last + 1).items()):
        if spans and spans[-1][0] == name and (d - spans[-1][2]).days == 1:
            spans[-1][2] = d
        else:
            spans.append([name, d, d])
    estimate = [(name, a.isoformat() if a == b else f"{a.isoformat()} 至 {b.isoformat()}") for name, a, b in spans]
    return {"shipped_years": shipped_years(), "years": years, "history": history, "last_known": cal.last_known_day,
            "next_year": last + 1, "estimate": estimate, "basis": ASSUMED_BASIS}


def add_site_notice(db, data, actor: str, bodies: list) -> tuple[Any, int, list[str]]:
    """Enter one year's notice from the calendar page's form into the site's store, then
    recompute the stored due dates of every body's register on it; (notice, requests recomputed,
    a line for each request whose due date or lateness it changed, with the letter that told
    the applicant another date)."""
    from gongkai.register.clock import told_due_warnings
    from gongkai.register.store import due_moved
    from gongkai.web.registers import open_register, site_calendar
    from gongkai.workdays import add_notice
    from gongkai.workdays.calendar import days_from_text

    year = _int(data.get("year"), "年度")
    if not 2000 <= year <= 2099:
        raise GongkaiError(f"年度“{year}”无效")
    notice = str(data.get("notice") or "").strip()
    if not notice:
        raise GongkaiError("请填写通知文号（如 国办发明电〔2026〕××号）")
    holidays = days_from_text(str(data.get("holidays") or ""), "节假日安排", "放假日期")
    workdays = days_from_text(str(data.get("workdays") or ""), "节假日安排", "调休上班日期")
    if not holidays:
        raise GongkaiError("请填写放假日期")
    regs = [(body, open_register(body)) for body in bodies]   # opened on the calendar before the notice
    entered = add_notice(db, year, holidays, workdays, notice, actor, str(data.get("reason") or ""))
    lines = []
    for body, reg in regs:
        for old, new in reg.recount(site_calendar()):
            told = told_due_warnings(new.received_on, reg.get(new.ref).events, reg.calendar, reg.settings)
            lines.append(f"{body.name} {new.ref}：{due_moved(old, new)}" + "".join(f"。注意：{w}" for w in told))
    return entered, sum(reg.count() for _, reg in regs), lines


def due_notice(user) -> tuple[str, str] | None:
    """After a clerk signs in: (message, page) when the body's request register has requests
    overdue or due within the settings' due_soon_workdays, or its proactive-disclosure log has
    items not published in time; None otherwise (and for other roles)."""
    from gongkai.web.access import profile, role
    from gongkai.web.models import Role
    from gongkai.web.registers import open_log, open_register, today

    p = profile(user)
    if role(user) != Role.CLERK or p is None or p.body is None:
        return None
    day = today()
    try:
        reg = open_register(p.body)
        n = counts(reg, day)
        with open_log(p.body) as log:
            unpublished = sum(o.status == "overdue" for o in log.obligations(day, day - timedelta(days=365)))
    except GongkaiError:      # a store that cannot be read must not stop the login; its page says why
        return None
    parts = ([f"{n['overdue']} 件已超过答复期限"] if n["overdue"] else []) + (
        [f"{n['soon']} 件将在 {reg.settings.due_soon_workdays} 个工作日内到期"] if n["soon"] else [])
    said = [f"依申请公开 {'，'.join(parts)}"] if parts else []
    said += [f"主动公开 {unpublished} 件已逾期未公开"] if unpublished else []
    if not said:
        return None
    page = (f"/register/{p.body.pk}/?filter={'overdue' if n['overdue'] else 'soon'}" if parts
            else f"/register/{p.body.pk}/log/")
    return f"台账提醒（{p.body.name}）：{'；'.join(said)}。", page


# -- the proactive-disclosure log (主动公开台账), read in the browser ---------------------------------
LOG_PAGE_SIZE = 200


def log_overview(body, today: date, year: int | None = None, query: str = "", cell: str = "") -> dict[str, Any]:
    """A body's proactive-disclosure log as the page shows it (newest first): each item with its
    publications and the state of its latest duty to publish (Art. 26), the duties pending or
    overdue, and the year's table-2 rows that come from the log (kept in the same store as the
    body's request register: imported on the page, or with ``gongkai log``); ``year``: the year
    of table 2 and of the late publications counted (default this year); ``query``: only the
    items whose 编号, 标题 or 文号 contain it are listed (the counts and table 2 stay the whole log's);
    ``cell``: only the documents one of table 2's document cells counts (``art20_1.normative_docs.in_force``)."""
    from gongkai.format.names import cell_label, column_label, row_label
    from gongkai.log.store import obligations
    from gongkai.log.year import VERSION, cell_filter, drill, table2
    from gongkai.web.registers import open_log

    year = year or today.year
    query = query.strip()
    chosen: dict[str, Any] | None = None
    with open_log(body) as log:
        items = sorted(log.items(), key=lambda i: (i.made_on, i.id), reverse=True)
        if cell:
            try:
                counted = {i.ref for i in drill(log, year, cell)}
                chosen = {"label": cell_label(f"table2.{cell}", VERSION), "count": len(counted), "error": ""}
            except GongkaiError as exc:
                counted, chosen = set(), {"label": shown(cell), "count": 0, "error": exc.message}
            query = ""
        rows, counts_ = [], {"pending": 0, "overdue": 0, "late": 0}
        for item in items:
            duties = obligations(item, log.calendar, today)
            for ob in duties:
                if ob.status in counts_ and (ob.status != "late" or ob.start.year == year):
                    counts_[ob.status] += 1
            if chosen is not None:
                if item.ref in counted:
                    rows.append(_log_row(item, duties))
            elif not query or any(query.lower() in text.lower() for text in (item.ref, item.title, item.doc_no)):
                rows.append(_log_row(item, duties))
        t2, notes = table2(log, year)

        def traced(key: str, col: str, v: Any) -> str:   # a document cell with documents: its list
            try:
                cell_filter(year, f"{key}.{col}")
            except GongkaiError:
                return ""
            return f"{key}.{col}" if v else ""

        year_rows = [(row_label("table2", key, VERSION),    # a blank stays blank (—), never 0
                      [(column_label("table2", key, col, VERSION, short=True), shown_or_blank(format_value(v)),
                        traced(key, col, v)) for col, v in cells.items()]) for key, cells in t2.items()]
    return {"rows": rows[:LOG_PAGE_SIZE], "total": len(items), "found": len(rows), "query": query,
            "counts": counts_, "year": year, "table2": year_rows, "notes": notes, "cell": chosen}


def _log_row(item, duties) -> dict[str, Any]:
    """One item of the log as its row (the list) and its page show it."""
    from gongkai.log.vocab import attributes, channels, endings
    from gongkai.log.vocab import kinds as log_kinds

    chans = channels()
    last = duties[-1] if duties else None
    return {
        "ref": item.ref, "title": item.title, "doc_no": item.doc_no,
        "kind": log_kinds()[item.kind].label if item.kind in log_kinds() else item.kind,
        "made_on": item.made_on, "attribute": attributes()[item.attribute].label,
        "changed": "、".join(c.on.isoformat() for c in item.changes),
        "adjusted": "；".join(f"{a.on} 由{attributes()[a.old_attribute].label}调整" for a in item.attribute_changes),
        "existing": item.existing,
        "published": "；".join(f"{chans[p.channel].label if p.channel in chans else p.channel}"
                              f"{'/' + p.column if p.column else ''} {p.on.isoformat()}"
                              for p in item.publications),
        "ended": f"{endings()[item.ended_kind].label} {item.ended_on}" if item.ended_kind else "",
        "duty": last.status_zh if last else "", "due": last.due if last else None,
        "mark": {"overdue": "overdue", "pending": "soon", "late": "late"}.get(last.status, "") if last else "",
        "assumed": bool(last and last.assumed and last.status in ("pending", "overdue"))}


ITEM_ACTIONS = ("review", "publish", "change", "attribute", "repeal")   # the forms an item's own page offers


def log_item(body, ref: str, today: date, typed=None) -> dict[str, Any]:
    """One item of the log on its own page: its facts, every duty to publish (Art. 26) with its
    state, every entry with who recorded it and when (the history, as ``gongkai log show``
    prints it), and the forms that act on it — reachable for any item, however large the log."""
    from gongkai.log.exchange import item_history
    from gongkai.log.store import obligations
    from gongkai.web.registers import open_log

    with open_log(body) as log:   # open while its words are read: the log's own channels are in force
        item = log.get(ref)   # GongkaiError: no such item
        duties = obligations(item, log.calendar, today)
        forms = [] if item.voided else [f for f in log_forms([(item.ref, item.title)], today, typed,
                                                             [] if item.ended_kind else [(item.ref, item.title)])
                                        if f["what"] in ITEM_ACTIONS] + correction_forms(item, typed)
        return {"item": _log_row(item, duties), "history": item_history(item), "forms": forms,
                "voided": item.voided,
                "duties": [{"start": ob.start, "reason": ob.reason, "due": ob.due, "assumed": ob.assumed,
                            "status": ob.status_zh, "published_on": ob.published_on,
                            "late_workdays": ob.late_workdays, "late_assumed": ob.late_assumed}
                           for ob in duties]}


def correction_forms(item, typed=None) -> list[dict[str, Any]]:
    """更正 and 作废 on an item's own page (``gongkai log amend/void``): each entry that may still be
    corrected, named by its number in the 登记记录 and, to catch a page gone stale, by its row —
    the field to amend chosen with its entry (第3条 公开 — 公开日期（现为 2025-03-12）)."""
    from gongkai.log import correct

    raw = item.recorded
    voided = {(c.step, id(c.entry)) for c in item.corrections if c.kind == "voided"}
    _, _, copies = correct.apply(raw, item.corrections)
    targets, entries = [], []
    declared = correct.steps()
    for n, e in enumerate(correct.recorded_entries(raw), 1):
        if e.step in correct.CORRECTIONS or (e.step, id(e.obj)) in voided:
            continue
        row = correct.row_of(item.id, e.obj)
        what = declared[e.step]["label"] + (f" {e.on.isoformat()}" if e.on else "")
        entries.append((f"{n}:{e.step}:{row}", f"第{n}条 {what}"))
        now = copies.get(id(e.obj), e.obj)
        for name in correct.amendable(e.step):
            value = correct.shown(name, correct.current(e.step, name, now))
            targets.append((f"{n}:{e.step}:{row}:{name}",
                            f"第{n}条 {what} — {correct.field_label(e.step, name)}（现为 {value[:20]}）"))

    f = _field
    ref = f("ref", "条目", "choice", True, [(item.ref, f"{item.ref} {item.title[:30]}")])
    forms = [
        ("amend", "更正", "更正一条记录中的一项（序号即登记记录的序号；原记录保留并标明已更正）", [
            dict(ref), f("target", "更正哪一项", "choice", True, targets),
            f("value", "更正为", help_="日期写成 2025-03-01；类别、公开属性、渠道写名称"),
            f("reason", "更正理由", required=True)]),
        ("void", "作废", declared["voided"]["help"], [
            dict(ref), f("entry", "作废哪一条", "choice", True, entries,
                         help_="第1条即整个条目的登记：作废后该条目不再计入台账统计"),
            f("reason", "作废理由", required=True)]),
    ]
    return _log_forms_shown(forms, typed)


def _field(name, label, type_="text", required=False, choices=None, help_="", value=""):
    """One field of a log form (web/register_fields.html)."""
    return {"name": name, "label": label, "type": type_, "required": required, "choices": choices or [],
            "help": help_, "value": value, "max": None}


def _log_forms_shown(forms, typed) -> list[dict[str, Any]]:
    """The log's forms as the page shows them: one acting on an item is left out when there is no item
    to choose; a refused one (``typed``: what was sent) is filled in as typed."""
    out = []
    for what, label, help_, fields in forms:
        if any(x["name"] == "ref" and not x["choices"] for x in fields):
            continue   # no item to act on (none yet, or none still in force): no empty choice offered
        refused = typed is not None and typed.get("what") == what
        if refused:
            for x in fields:
                x["value"] = typed.get(x["name"], "")
        out.append({"what": what, "label": label, "help": help_, "fields": fields, "refused": refused,
                    "button": LOG_ACTIONS[what]})
    return out


def _target(text: str, parts: int) -> tuple[int, tuple[str, int], list[str]]:
    """A correction form's choice: (entry number, (its kind, its row), the rest)."""
    bits = text.split(":")
    try:
        if len(bits) != parts:
            raise ValueError(text)
        return int(bits[0]), (bits[1], int(bits[2])), bits[3:]
    except ValueError:
        raise GongkaiError("请从列表中选择要更正或作废的记录") from None


# -- the 主动公开台账 kept in the browser: register an item, its review steps, its publication -----
LOG_ACTIONS = {"add": "登记", "review": "审核", "publish": "公开", "change": "登记变更", "attribute": "调整公开属性",
               "repeal": "登记废止或失效", "figures": "录入月度数据", "amend": "更正", "void": "作废"}


def log_forms(items: list[tuple[str, str]], today: date, typed=None,
              in_force: list[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """The log page's forms (web/register_fields.html), ``items`` the (ref, title) offered to review
    publish or change (a step before a 废止 may be entered late), ``in_force`` those still in force
    (offered to adjust or repeal; default ``items``); ``typed``: a refused form's entries, shown again as typed.  变更, 调整公开属性 and
    废止或失效 take their help from the log's own list of entries (log/data/steps.yaml)."""
    from gongkai.log.exchange import steps
    from gongkai.log.vocab import attributes, channels, endings, figures, kinds, review_steps

    def labels(terms) -> list[tuple[str, str]]:
        return [(k, t.label) for k, t in terms.items()]

    f = _field
    refs = [(ref, f"{ref} {title[:30]}") for ref, title in items]
    open_refs = refs if in_force is None else [(ref, f"{ref} {title[:30]}") for ref, title in in_force]
    declared = steps()
    last_month = today.replace(day=1) - timedelta(days=1)   # the month whose figures are entered now
    columns = "、".join(sorted({c for ch in channels().values() for c in ch.columns}))
    forms = [
        ("add", "登记", "登记一件文件或信息（形成日期起二十个工作日内公开，条例第二十六条）", [
            f("title", "标题", required=True), f("doc_no", "文号"),
            f("kind", "类别", "choice", True, labels(kinds())),
            f("made_on", "形成日期", "date", True),
            f("attribute", "公开属性", "choice", True, labels(attributes()), value="active"),
            f("reason", "理由", help_="公开属性不是主动公开时必填"),
            *[x for k, t in review_steps().items()
              for x in (f(f"{k}_by", f"{t.label}人", help_="可以后再登记"), f(f"{k}_on", f"{t.label}日期", "date"))],
            f("existing", "存量文件", "choice", True, [("0", "否"), ("1", "是")], "以前年度制发、只为统计现行有效件数而登记", "0")]),
        ("review", "审核", "登记审核环节（拟稿 → 核稿 → 审签）", [
            f("ref", "条目", "choice", True, refs), f("step", "环节", "choice", True, labels(review_steps())),
            f("by", "姓名", required=True), f("on", "日期", "date", True)]),
        ("publish", "公开", "登记公开（须先审签；存量文件除外）", [
            f("ref", "条目", "choice", True, refs), f("channel", "公开渠道", "choice", True, labels(channels())),
            f("column", "栏目", help_=f"政府网站须写栏目：{columns}" if columns else ""),
            f("on", "公开日期", "date", True), f("url", "网址")]),
        ("change", "变更", declared["changed"]["help"], [
            f("ref", "条目", "choice", True, refs), f("on", "变更日期", "date", True), f("note", "说明")]),
        ("attribute", "调整公开属性", declared["adjusted"]["help"], [
            f("ref", "条目", "choice", True, open_refs), f("to", "调整为", "choice", True, labels(attributes())),
            f("reason", "理由", help_="调整为依申请公开或不予公开时必填"),
            f("on", "调整日期", "date", True, help_="调整为主动公开时自该日起计算二十个工作日")]),
        ("repeal", "废止或失效", declared["ended"]["help"], [
            f("ref", "条目", "choice", True, open_refs),
            f("ending", "废止或失效", "choice", True, labels(endings()), value="repealed"),
            f("on", "日期", "date", True, help_="当日起不再有效"), f("note", "说明")]),
        ("figures", "月度数据", "录入一个月的表二数据（不填的项保持原样；没有发生的请填 0）", [
            f("year", "年度", "int", True, value=last_month.year), f("month", "月份", "int", True, value=last_month.month),
            *[f(rid, f"{t.label}（{t.get('unit')}）") for rid, t in figures().items()]]),
    ]
    return _log_forms_shown(forms, typed)


def log_action(log, data, actor: str) -> str:
    """One step of the log entered in the web (the same checks as ``gongkai log add/review/
    publish/change/attribute/repeal/figures``); what was recorded, in words."""
    from gongkai.log.exchange import required_date
    from gongkai.log.store import NewItem, Review
    from gongkai.log.vocab import attributes, endings, kinds, resolve, review_steps

    def text(name: str) -> str:
        return str(data.get(name) or "").strip()

    def needed(name: str, what: str) -> str:
        if not text(name):
            raise GongkaiError(f"请填写{what}")
        return text(name)

    what = data.get("what")
    if what == "add":
        reviews = []
        for step, term in review_steps().items():
            who, on = text(f"{step}_by"), text(f"{step}_on")
            if who or on:
                if not (who and on):
                    raise GongkaiError(f"{term.label}人和{term.label}日期须同时填写")
                reviews.append(Review(step, who, required_date(on, f"{term.label}日期")))
        new = NewItem(needed("title", "标题"), resolve(kinds(), needed("kind", "类别"), "类别"),
                      required_date(text("made_on"), "形成日期"),
                      resolve(attributes(), text("attribute") or "active", "公开属性"), text("reason"),
                      text("doc_no"), None, reviews, existing=text("existing") == "1")
        return f"已登记 {log.add(new, actor)}。"
    if what == "figures":
        from gongkai.log.vocab import figures

        year, month = _int(data.get("year"), "年度"), _int(data.get("month"), "月份")
        given = {rid: text(rid) for rid in figures() if text(rid)}
        if not given:
            raise GongkaiError("请至少填写一项数据")
        log.check_month_ended(year, month)
        log.import_figures([(f"{year}年{month}月", year, month, rid, v) for rid, v in given.items()], actor)
        return f"已录入 {year}年{month}月的 {len(given)} 项数据。"
    ref = needed("ref", "台账编号")
    if what == "review":
        step = resolve(review_steps(), needed("step", "审核环节"), "审核环节")
        log.review(ref, step, needed("by", "姓名"), required_date(text("on"), "日期"), actor)
        return f"已登记 {ref} 的{review_steps()[step].label}。"
    if what == "publish":
        day = required_date(text("on"), "公开日期")
        item = log.publish(ref, needed("channel", "公开渠道"), text("column"), day, actor, text("url"))
        late = [ob for ob in obligations_of(log, item, day) if ob.published_on == day and ob.status == "late"]
        return f"已登记 {ref} 于 {day} 公开。" + (
            f"超过公开时限 {late[0].due}（逾期 {late[0].late_workdays} 个工作日"
            f"{'（推算）' if late[0].late_assumed else ''}），逾期记录保留。" if late else "")
    if what == "change":
        day = required_date(text("on"), "变更日期")
        item = log.change(ref, day, text("note"), actor)
        return f"已登记 {ref} 的变更（{day}）。" + _duties_said(log, item)
    if what == "attribute":
        to = resolve(attributes(), needed("to", "调整后的公开属性"), "公开属性")
        day = required_date(text("on"), "调整日期")
        item = log.set_attribute(ref, to, text("reason"), day, actor)
        return f"已将 {ref} 的公开属性调整为“{attributes()[to].label}”（{day}）。" + _duties_said(log, item)
    if what == "amend":
        from gongkai.log.correct import field_label, shown

        n, expect, (name,) = _target(needed("target", "要更正的项目"), 4)
        item = log.amend(ref, n, name, text("value"), needed("reason", "更正理由"), actor, expect)
        fix = item.corrections[-1]
        return (f"已更正 {ref} 第{n}条的{field_label(fix.step, fix.field)}：“{shown(fix.field, fix.old_value)}” → "
                f"“{shown(fix.field, fix.value)}”（原记录保留）。" + _duties_said(log, item))
    if what == "void":
        n, expect, _ = _target(needed("entry", "要作废的记录"), 3)
        item = log.void(ref, n, needed("reason", "作废理由"), actor, expect)
        return f"已作废 {ref} 第{n}条" + ("（整个条目的登记作废，不再计入台账统计）" if item.voided else "") + "（原记录保留）。"
    if what == "repeal":
        ending = resolve(endings(), needed("ending", "废止或失效"), "废止或失效")
        day = required_date(text("on"), "日期")
        log.end(ref, ending, day, actor, text("note"))
        return f"已登记 {ref} {endings()[ending].label}（{day}）。"
    raise GongkaiError("没有这种操作")


def _duties_said(log, item) -> str:
    """The duties to publish still open after a step (as ``gongkai log change/attribute`` print them)."""
    from gongkai.log.store import obligations

    return "".join(f"应于 {ob.due} 前公开（自{ob.reason}之日 {ob.start} 起二十个工作日）。"
                   for ob in obligations(item, log.calendar, log.today()) if ob.status in ("pending", "overdue"))


def obligations_of(log, item, day: date):
    from gongkai.log.store import obligations

    return obligations(item, log.calendar, day)
