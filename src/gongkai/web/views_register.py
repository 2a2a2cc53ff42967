"""台账: the request register of one body."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings as site
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gongkai.errors import GongkaiError
from gongkai.register.events import choices, kinds
from gongkai.register.history import correction_moved_due
from gongkai.register.letters import names_review_body, unset_office_settings
from gongkai.register.office import own_review_body_note, review_body_note, told_review_body
from gongkai.register.settings import load_settings
from gongkai.web import regfiles, regsvc, sizes
from gongkai.web.access import (
    body_view,
    can_write,
    login_needed,
    readable_bodies,
    role,
    sees_personal_data,
    sees_server_paths,
    shown_to,
)
from gongkai.web.methods import answers
from gongkai.web.models import Role
from gongkai.web.registers import open_register, report_year, today


@login_needed()
def register_home(request):
    bodies = list(readable_bodies(request.user))
    if role(request.user) == Role.CLERK and len(bodies) == 1:
        return redirect(f"/register/{bodies[0].pk}/")
    day = today()
    rows = []
    for body in bodies[:200]:
        rows.append({"body": body, **regsvc.counts(open_register(body), day)})
    from gongkai.web.registers import site_calendar

    return render(request, "web/register_bodies.html", {"rows": rows, "more": len(bodies) > 200, "today": day,
                                                       "table_years": _table_years(day),
                                                       "last_known": site_calendar().last_known_day})


def _table_years(day) -> list[tuple[int, str]]:
    """The years whose tables the register's pages link to, with their notes: in January–March
    last year's first, the annual report's, then this year's so far."""
    if report_year(day) == day.year:
        return [(day.year, "")]
    return [(day.year - 1, "（年度报告）"), (day.year, "（至今）")]


def _page(request) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return page if 1 <= page <= 10**9 else 1  # ?page=10**20 overflowed SQLite's offset: a 500


@answers("GET")
@body_view()
def register_list(request, body):
    return _list_page(request, body)


def _list_page(request, body, typed=None):
    """The register's list; ``typed``: what the clerk entered in a registration just refused."""
    reg = open_register(body)
    flt = request.GET.get("filter", "all")
    if flt not in regsvc.FILTERS:
        flt = "all"
    q = request.GET.get("q", "")[:100]
    page = _page(request)
    day = today()
    rows, total, counts = regsvc.list_requests(reg, day, flt, page, q, sees_personal_data(request.user, body))
    pages = max(1, -(-total // regsvc.PAGE_SIZE))
    return render(request, "web/register_list.html", {
        "body": body, "rows": rows, "total": total, "counts": counts, "filter": flt, "filters": regsvc.FILTERS,
        "q": q, "page": page, "pages": pages, "today": day, "writable": can_write(request.user, body),
        "registration": form_fields(kinds()["registered"], typed=typed), "typed_on": (typed or {}).get("on"),
        "table_years": _table_years(day), "qs": f"filter={flt}&q={quote(q)}", "assumed": any(r.due_assumed for r in rows),
        "personal": sees_personal_data(request.user, body),
        # each export's size beside its link once it has been made today as the register stands (web/sizes.py)
        "export_sizes": {f"{form}{'_contact' if contact else ''}": sizes.known(_export_key(reg, body, form, contact, day))
                         for form in ("xlsx", "csv") for contact in (False, True)},
    })


def _export_key(reg, body, form: str, contact: bool, day) -> str:
    """What a register's export is made from: the register as it stands, the day, the site's calendar."""
    from gongkai.web.registers import calendar_store
    from gongkai.workdays.store import version

    return sizes.fingerprint("requests-export", body.pk, body.name, form, contact, day, reg.change_mark(),
                             version(calendar_store()))


@require_POST
@body_view(write=True)
def register_new(request, body):
    reg = open_register(body)
    try:
        ref = regsvc.new_request(reg, request.POST, request.user.username)
    except GongkaiError as exc:
        messages.error(request, f"未能登记：{exc.message}")
        return _list_page(request, body, typed=request.POST)  # the form again, as the clerk filled it in
    messages.success(request, f"已登记申请 {ref}。")
    return redirect(f"/register/{body.pk}/r/{ref}/")


@answers("GET")
@body_view()
def request_page(request, body, ref):
    return _request_page(request, body, ref)


def _request_page(request, body, ref, typed=None):
    """A request's page; ``typed``: what the clerk entered in a step just refused (its form is
    shown again as filled in, so nothing typed is lost)."""
    reg = open_register(body)
    personal = sees_personal_data(request.user, body)
    detail = regsvc.request_detail(reg, ref, today(), personal)
    if personal:   # the letters' links state their sizes (only those who may download them see them)
        detail["letters"] = regsvc.letter_sizes(reg, ref, detail["letters"], body.pk)
    refused = (typed or {}).get("kind")

    # an extension's days default to what 条例第三十三条 still allows, not the whole 20
    defaults = {"extended": {"workdays": detail["extension_left"]}}

    def form(k: str) -> dict:
        return action_form(kinds()[k], reg.settings, typed if k == refused else None, defaults.get(k),
                           defaults.get(k))   # and no more than that: the browser stops a larger number

    corrections = [form(k) for k in regsvc.CORRECTIONS]
    letter_kinds = {letter["kind"] for letter in detail["letters"]}
    for a in corrections:   # a 送达 names its letter from a list, not by a number read off the history
        for f in a["fields"]:
            if a["kind"] == "delivered" and f["name"] == "event":
                f.update(type="choice", choices=regsvc.delivery_choices(detail), label="所送达的文书")
    return render(request, "web/register_request.html", {
        "body": body, "r": detail, "writable": can_write(request.user, body), "today": today(),
        "actions": [form(k) for k in regsvc.ACTIONS if k in detail["offered"]],
        "withheld": [(regsvc.ACTIONS[k], why) for k, why in detail["withheld"].items()],
        "corrections": corrections,
        "correction_refused": refused in regsvc.CORRECTIONS,
        "personal": personal,
        # the server's settings file named by its name alone to all but the administrator (shown_to);
        # both said only while one of the request's letters names the review body (a reply does)
        "letter_warning": shown_to(request.user, unset_office_settings(reg.settings, site.REGISTER_SETTINGS, web=True,
                                                                       kinds=letter_kinds)),
        "review_body_note": _review_body_note(body) if any(names_review_body(k) for k in letter_kinds) else "",
    })


def _review_body_note(body) -> str:
    """Said when the letters' review body or court is the body's own (set in /admin/), or when the
    review body was told from the body's name (register/office.py)."""
    own = own_review_body_note(body.review_body, body.court)
    told = None if body.review_body.strip() else \
        told_review_body(load_settings(site.REGISTER_SETTINGS), body.name, body.region_code)
    return "".join([own, review_body_note(told, site.REGISTER_SETTINGS, web=True) if told else ""])


def form_fields(k, settings=None, typed=None, defaults=None, maxima=None) -> list[dict]:
    """The inputs of a step's form, from its declaration (events.yaml); ``typed``: the values
    the clerk entered (a refused step's form shown again), else the defaults (``defaults``:
    those the request's history gives, before the declaration's); ``maxima``: the largest number
    a field may take (the register refuses more in any case)."""
    out = []
    for f in k.entered:
        default = (defaults or {}).get(f.name, f.default)
        if isinstance(default, str) and default.startswith("setting:"):
            default = getattr(settings, default[len("setting:"):], "") if settings is not None else ""
        required = f.required and default in (None, "")   # a default (a setting) is filled in
        value = typed.get(f.name, "") if typed is not None else ("" if default is None else default)
        item = {"name": f.name, "label": f.label, "type": f.type, "required": required, "help": f.help,
                "value": value, "max": (maxima or {}).get(f.name)}
        if f.type == "choice":
            item["choices"] = list(choices(f.choices or "").items())
        out.append(item)
    return out


def action_form(k, settings=None, typed=None, defaults=None, maxima=None) -> dict:
    return {"kind": k.id, "label": k.label, "help": k.help, "dated_today": k.dated_today,
            "fields": form_fields(k, settings, typed, defaults, maxima), "refused": typed is not None,
            "typed_on": (typed or {}).get("on")}


@require_POST
@body_view(write=True)
def request_event(request, body, ref):
    """One step from the request's page.  Two clerks may have the page open at once: the form
    carries the last entry its clerk saw (``seen``), and what another clerk recorded since is said
    — with a refusal (the step no longer fits, e.g. after a 答复) or beside the step recorded (it
    follows theirs).  Nothing is lost or reordered: every step is appended in the order written."""
    reg = open_register(body)
    seen, personal = request.POST.get("seen", ""), sees_personal_data(request.user, body)
    try:
        regsvc.record_action(reg, ref, request.POST, request.user.username)
        kind = request.POST.get("kind", "")
        messages.success(request, f"已登记：{regsvc.ACTIONS.get(kind) or regsvc.CORRECTIONS.get(kind, '')}。")
        if moved := correction_moved_due(reg.history(ref), today()):
            messages.warning(request, f"注意：{moved}。")
        others = regsvc.entered_since(reg, ref, seen, personal, mine=True)
        if others:
            messages.warning(request, f"注意：您打开本页后，此申请另有登记：{'；'.join(others)}。您的登记排在其后，请核对。")
    except GongkaiError as exc:
        try:
            others = regsvc.entered_since(reg, ref, seen, personal)
        except GongkaiError:   # no such request: the refusal says so
            others = []
        messages.error(request, f"未能登记：{exc.message}" + (
            f"（您打开本页后，此申请已有新的登记：{'；'.join(others)}；请看下方最新的办理记录）" if others else ""))
        return _request_page(request, body, ref, typed=request.POST)  # the form again, as filled in
    return redirect(f"/register/{body.pk}/r/{ref}/")


@answers("GET")
@body_view()
def request_letter(request, body, ref, kind):
    if not sees_personal_data(request.user, body):
        return render(request, "web/error.html", {"message": "文书含申请人个人信息，只有本机关经办人可以下载。"},
                      status=403)
    pdf = request.GET.get("format") == "pdf"
    try:
        n = request.GET.get("n", "")
        name, data = regsvc.letter_bytes(open_register(body), ref, kind, body.pk, pdf=pdf,
                                         nth=int(n) if n.isdigit() else None)
    except GongkaiError as exc:
        return render(request, "web/error.html", {"message": f"未能生成文书：{shown_to(request.user, exc.message)}"}, status=400)
    return docx_response(name, data, "application/pdf" if pdf else None)


@answers("GET", "POST")
@body_view(write=True)
def register_templates(request, body):
    """The body's letter templates: download, replace with a checked DOCX edited in Word."""
    writable = can_write(request.user, body)
    if request.method == "POST":
        letter = request.POST.get("letter", "")
        upload = request.FILES.get("template")
        if letter not in regsvc.letters.letter_ids() or upload is None:
            messages.error(request, "请选择文书并上传 .docx 模板。")
        elif upload.size > regsvc.letters.MAX_TEMPLATE_BYTES:
            messages.error(request, "模板文件过大。")
        else:
            try:
                regsvc.save_template(body.pk, letter, upload.read())
                messages.success(request, f"已启用本机关的“{regsvc.letters.spec(letter)['title']}”模板。")
            except GongkaiError as exc:
                messages.error(request, f"未能启用模板：{shown_to(request.user, exc.message)}")
        return redirect(f"/register/{body.pk}/templates/")
    return render(request, "web/register_templates.html", {
        "body": body, "templates": regsvc.letter_templates(body.pk), "writable": writable,
        "fields": list(regsvc.letters.CONTEXT.items())})


@answers("GET")
@body_view()
def register_template_file(request, body, letter):
    if letter not in regsvc.letters.letter_ids():
        return render(request, "web/error.html", {"message": "没有这种文书模板。"}, status=404)
    name, data = regsvc.template_bytes(body.pk, letter)
    return docx_response(name, data)


def docx_response(name: str, data: bytes, content_type: str | None = None) -> HttpResponse:
    return file_response(name, data, content_type or
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@answers("GET", "POST")
@body_view(write=True)
def register_table3(request, body):
    """表三 from the register: the table, why rows are blank, each non-zero cell's requests
    (``?cell=row.column``), and the 台账起始日期 (declared here by a clerk, POST)."""
    from gongkai.check import check_report
    from gongkai.web.reportview import tables_html

    day = today()
    year = _year(request, day)
    reg = open_register(body)
    if request.method == "POST":
        try:
            messages.success(request, regsvc.declare_kept_since(reg, request.POST, request.user.username))
        except GongkaiError as exc:
            messages.error(request, f"未能声明台账起始日期：{exc.message}")
        return redirect(f"/register/{body.pk}/table3/?year={year}")
    try:
        report = regsvc.table3(reg, year, body.name)
    except GongkaiError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    # a cell the register cannot count is blank on purpose, its reason above the table: the
    # checker's CELL-BLANK (填0) would be wrong advice here
    findings = [f for f in check_report(report) if any(c.startswith("table3.") for c in f.cells)
                and all(report.value(c) is not None for c in f.cells if c.startswith("table3."))]
    cell = request.GET.get("cell", "")[:80] or None
    return render(request, "web/register_table3.html", {
        "body": body, "year": year, "table": tables_html(report, findings).get("table3"),
        "years": list(range(day.year - 4, day.year + 1)), "findings": findings, "notes": report.notes[1:],
        "writable": can_write(request.user, body), "today": day, "report_year": report_year(day),
        **regsvc.table3_trace(reg, report, cell)})


@answers("GET", "POST")
@login_needed()
def register_calendar(request):
    """节假日安排: the site's holiday notices, seen by everyone signed in, entered by an administrator
    (every body's due dates are recomputed on the new notice)."""
    from gongkai.web.models import Body
    from gongkai.web.registers import calendar_store, site_calendar
    from gongkai.workdays import entries
    from gongkai.workdays.store import other_offices_differences

    admin = role(request.user) == Role.ADMIN
    if request.method == "POST":
        if not admin:
            return render(request, "web/error.html", {"message": "只有系统管理员可以录入节假日安排。"}, status=403)
        try:
            notice, n, moved = regsvc.add_site_notice(calendar_store(), request.POST, request.user.username,
                                                      list(Body.objects.all()))
            messages.success(request, f"已录入 {notice.year} 年节假日安排（{notice.notice}；放假 {len(notice.holidays)} 天，"
                                      f"调休上班 {len(notice.workdays)} 天），并按新安排重新计算了 {n} 件申请的期限"
                                      + (f"，其中 {len(moved)} 件的答复期限或是否逾期有变化：" if moved else "。"))
            for line in moved:   # each request whose date moved, and the letter that told another
                messages.warning(request, line)
        except GongkaiError as exc:
            messages.error(request, f"未能录入：{exc.message}")
        return redirect("/register/calendar/")
    # compared with the other stores the CLI compares (an office's register entering a year otherwise),
    # named by what they are; their places only to the administrator
    elsewhere = other_offices_differences(calendar_store(), roles=True, paths=sees_server_paths(request.user))
    overview = regsvc.calendar_overview(site_calendar(), entries(calendar_store()), elsewhere)
    return render(request, "web/register_calendar.html", {**overview, "admin": admin})


@answers("GET")
@body_view()
def register_log(request, body):
    return _log_page(request, body)


@require_POST
@body_view(write=True)
def log_event(request, body):
    """A step of the log entered on its page; a refused one shows its form again as typed."""
    from gongkai.web.registers import open_log

    on_item = request.POST.get("back") == "item" and request.POST.get("ref")   # sent from the item's own page
    query = str(request.POST.get("q") or "")[:200]   # sent while a search is shown: kept, refused or not
    try:
        with open_log(body) as log:
            messages.success(request, regsvc.log_action(log, request.POST, request.user.username))
    except GongkaiError as exc:
        what = regsvc.LOG_ACTIONS.get(request.POST.get("what", ""), "")
        messages.error(request, f"未能{what}：{exc.message}")
        if on_item:
            return _log_item_page(request, body, str(on_item), typed=request.POST)
        return _log_page(request, body, typed=request.POST, query=query)
    if on_item:
        return redirect(f"/register/{body.pk}/log/item/{quote(str(on_item))}/")
    if request.POST.get("what") == "figures":   # the table the month entered counts in (in March: not last year's)
        return redirect(f"/register/{body.pk}/log/?year={int(request.POST['year'])}#year")
    return redirect(f"/register/{body.pk}/log/" + (f"?q={quote(query)}" if query else ""))


@answers("GET")
@body_view()
def log_item(request, body, ref):
    return _log_item_page(request, body, ref)


def _log_item_page(request, body, ref: str, typed=None):
    """One item of the 主动公开台账: its facts, duties, every entry with who/when, and its forms."""
    try:
        page = regsvc.log_item(body, ref, today(), typed)
    except GongkaiError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    return render(request, "web/register_log_item.html", {"body": body, "today": today(),
                                                          "writable": can_write(request.user, body), **page})


def _log_page(request, body, typed=None, query: str | None = None):
    """主动公开台账: the body's proactive-disclosure log, its duties and table 2; kept by importing
    its document list and monthly figures here (or with ``gongkai log``)."""
    day = today()
    query = request.GET.get("q", "")[:200] if query is None else query
    overview = regsvc.log_overview(body, day, _year(request, day), query, request.GET.get("cell", "")[:80])
    from gongkai.web.registers import open_log

    with open_log(body) as log:   # the forms offer the log's own channels, in force while it is open
        overview["forms"] = regsvc.log_forms([(r["ref"], r["title"]) for r in overview["rows"]], day, typed,
                                             [(r["ref"], r["title"]) for r in overview["rows"] if not r["ended"]])
        # each export's size beside its link once it has been made (web/sizes.py)
        export_sizes = {form: sizes.known(_log_export_key(log, body, form, day)) for form in ("xlsx", "csv")}
    return render(request, "web/register_log.html", {"body": body, "today": day,
                                                     "writable": can_write(request.user, body),
                                                     "years": list(range(day.year - 4, day.year + 1)),
                                                     "export_sizes": export_sizes, "report_year": report_year(day),
                                                     **overview})


def _year(request, day) -> int:
    """The year a page asks for (?year=), else the year whose report is written now (last year
    in January–March)."""
    default = report_year(day)
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 1990 <= year <= day.year + 1 else default


# -- the registers' files: import an upload, download an export (web/regfiles.py) -------------------
MAX_IMPORT_MB = 64   # sheets.read_table's own bound on a file


def _upload(request) -> tuple[str, bytes]:
    upload = request.FILES.get("file")
    if upload is None:
        raise GongkaiError("请选择要导入的 CSV 或 Excel（.xlsx）文件")
    if upload.size > MAX_IMPORT_MB * 1024 * 1024:
        raise GongkaiError(f"“{upload.name}”超过 {MAX_IMPORT_MB} MB")
    return upload.name, upload.read()


def _refused(request, what: str, exc: GongkaiError) -> None:
    """A refused import: every problem its own line (nothing was imported); a server path in it
    (where to copy another machine's vocabulary) whole for the administrator only."""
    first, *rest = shown_to(request.user, str(exc)).split("\n")
    messages.error(request, f"未能导入{what}：{first}")
    for line in rest[:50]:
        messages.error(request, line)


@require_POST
@body_view(write=True)
def register_import(request, body):
    try:
        refs = regfiles.import_requests(open_register(body), *_upload(request), request.user.username)
    except GongkaiError as exc:
        _refused(request, "台账", exc)
        return redirect(f"/register/{body.pk}/#files")
    span = f"（{refs[0]} 至 {refs[-1]}）" if len(refs) > 1 else (f"（{refs[0]}）" if refs else "")
    messages.success(request, f"已导入 {len(refs)} 件申请{span}。")
    return redirect(f"/register/{body.pk}/")


@answers("GET")
@body_view()
def register_export(request, body, form):
    if not sees_personal_data(request.user, body):
        return render(request, "web/error.html", {"message": "台账含申请人个人信息，只有本机关经办人可以导出。"},
                      status=403)
    reg, contact, day = open_register(body), request.GET.get("contact") == "1", today()
    try:
        name, data = regfiles.export_requests(reg, form, contact, body.name, day)
    except GongkaiError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    sizes.remember(_export_key(reg, body, form, contact, day), data)
    return file_response(name, data, regfiles.CONTENT_TYPES[form])


@require_POST
@body_view(write=True)
def log_import(request, body):
    from gongkai.web.registers import open_log

    figures = request.POST.get("what") == "figures"
    try:
        with open_log(body) as log:
            refs, n = regfiles.import_log(log, *_upload(request), request.user.username, figures=figures)
            # the table the latest month imported counts in (in March: not last year's, the default)
            latest = max(((e.year, e.month) for e in log.figure_entries()[-n:]), default=None) if n else None
    except GongkaiError as exc:
        _refused(request, "月度数据" if figures else "主动公开台账", exc)
        return redirect(f"/register/{body.pk}/log/#files")
    messages.success(request, f"已导入 {n} 个月度数据。" if figures else
                     f"已导入 {len(refs)} 件文件和信息" + (f"、{n} 个月度数据" if n else "") + "。")
    return redirect(f"/register/{body.pk}/log/" + (f"?year={latest[0]}#year" if latest else ""))


@answers("GET")
@body_view()
def log_export(request, body, form):
    from gongkai.web.registers import open_log

    day = today()
    try:
        with open_log(body) as log:
            name, data = regfiles.export_log(log, form, body.name, day)
            sizes.remember(_log_export_key(log, body, form, day), data)
    except GongkaiError as exc:
        return render(request, "web/error.html", {"message": exc.message}, status=404)
    return file_response(name, data, regfiles.CONTENT_TYPES[form])


def _log_export_key(log, body, form: str, day) -> str:
    """What the 主动公开台账's export is made from: the log as it stands, the day, the site's calendar."""
    from gongkai.web.registers import calendar_store
    from gongkai.workdays.store import version

    return sizes.fingerprint("log-export", body.pk, body.name, form, day, log.change_mark(), version(calendar_store()))


def file_response(name: str, data: bytes, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp
