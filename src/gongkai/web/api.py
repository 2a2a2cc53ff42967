"""The JSON API.  Every endpoint is listed in ``openapi.py``.

Authentication: the session cookie (with the CSRF token on unsafe methods) or
``Authorization: Bearer <token>`` (CSRF-exempt; see ``auth.py``).  ``/api/parse`` and
``/api/check`` store nothing and are open without an account unless the administrator turns
that off in the site options.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from gongkai import isolate
from gongkai.errors import GongkaiError, shown
from gongkai.safeload import load_json
from gongkai.web import regsvc
from gongkai.web.access import (
    body_view,
    login_needed,
    login_or_anonymous,
    readable_bodies,
    sees_personal_data,
    sees_server_paths,
    shown_to,
)
from gongkai.web.jsonanswer import json_error, json_response
from gongkai.web.methods import View, answers
from gongkai.web.registers import open_register, today

log = logging.getLogger("django.request")


def _error(message: str, status: int = 400):
    return json_error(message, status)


def _json_body(request) -> dict:
    if request.content_type == "application/json":
        data = load_json(request.body or b"{}", "请求内容")  # bounded depth: `[` x 100,000 is a 400
        if not isinstance(data, dict):
            raise GongkaiError("请求内容应为 JSON 对象")
        return data
    return request.POST.dict()


def _upload(files):
    given = files.getlist("file")
    if len(given) != 1:
        raise GongkaiError("请用 multipart/form-data 上传一个名为 file 的文件。")
    return given[0]


def report_json(files, check: bool, gone=None, user=None) -> bytes:
    """The JSON bytes of ``POST /api/parse`` (``check``: ``/api/check``) for the uploaded ``files``:
    the report (with its findings when ``check``), read — in a read child when the server isolates
    reads — and answered there as the JSON bytes sent here (``web/answer.py``); last year's report
    (``previous``, optional; a ZIP of that one report too) cuts run-together digits as ``gongkai
    parse/check --previous`` do, or ``notes`` say why not.  A ZIP of reports: each member answered
    so (``archive_json``).  ``gone``: a callable telling whether the client has gone away; ``user``:
    whom a member's reason is shown to (``shown_to``).  GongkaiError for a bad upload;
    ``isolate.Busy`` (a 503) when every read child stayed busy."""
    from gongkai.web.reportview import archive_items, is_archive, previous_upload, read_upload

    upload = _upload(files)
    if is_archive(upload.name):
        items = archive_items(upload)
        return archive_json(upload.name, items, previous_upload(files.get("previous")), check, gone, user)
    args = (read_upload(upload), upload.name, previous_upload(files.get("previous")), check)
    return isolate.run("gongkai.web.answer:report_json", args, upload.name, gone)


def archive_json(archive: str, items: list, previous: tuple[bytes, str] | None, check: bool, gone, user) -> bytes:
    """The answer for a ZIP of reports: ``{"archive": 包.zip, "members": [{"name": 包.zip!成员,
    "report": …} | {"name": …, "error": why it was not read}]}`` — every file of it, each report
    read (and checked) as if uploaded alone, as the check page and ``gongkai check DIR`` do; one
    member's failure does not lose the others'.  Last year's report is read once, for them all."""
    from gongkai.web.answer import dumps
    from gongkai.web.reportview import member_bytes

    last = isolate.run("gongkai.web.answer:previous_report", previous, previous[1], gone) if previous else None
    parts = []
    for item in items:
        head = b'{"name": ' + dumps(item.path)
        try:
            args = (member_bytes(item), item.path, None, check, last)
            parts.append(head + b', "report": ' + isolate.run("gongkai.web.answer:report_json", args, item.path, gone)
                         + b"}")
        except (isolate.Busy, isolate.Cancelled):
            raise  # the server is busy, or nobody waits for the answer: not a member's fault
        except GongkaiError as exc:
            parts.append(head + b', "error": ' + dumps(shown_to(user, exc.message)) + b"}")
        except Exception as exc:  # one member's internal error (logged) must not lose the others' answers
            log.exception("读取 %s 时出错", item.path)
            parts.append(head + b', "error": ' + dumps(f"读取时发生内部错误（{type(exc).__name__}），请把此文件报告给管理员。")
                         + b"}")
    return b'{"archive": ' + dumps(archive) + b', "members": [' + b", ".join(parts) + b"]}"


def open_to_all(response: HttpResponse) -> HttpResponse:
    """``Access-Control-Allow-Origin: *`` on an answer any site's page may read: the OpenAPI
    document, and what ``/api/parse`` and ``/api/check`` answer (they store nothing and need no
    account).  Never ``Access-Control-Allow-Credentials``: a browser sends no cookie with such a
    call; a script may send a token of its own (``Authorization``, allowed by the preflight)."""
    response["Access-Control-Allow-Origin"] = "*"
    return response


PREFLIGHT_MAX_AGE = 3600   # seconds a browser may keep a preflight's answer (Chromium keeps at most 7200)
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}")


def public(*methods: str) -> Callable[[View], View]:
    """A public call (``open_to_all``) taking ``methods``: an ``OPTIONS`` preflight — another site's
    script sending ``Content-Type: application/json``, a header of its own or a token — is answered
    200 with the methods, the headers asked for and ``Access-Control-Max-Age`` (was 405, so the
    browser refused the call).  Other endpoints answer OPTIONS 405: another site's page may not call them."""
    allow = ", ".join([*methods, "HEAD", "OPTIONS"] if "GET" in methods else [*methods, "OPTIONS"])

    def decorate(view: View) -> View:
        taken = answers(*methods)(view)

        @functools.wraps(taken)
        def answer(request, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method != "OPTIONS":
                return taken(request, *args, **kwargs)
            response = HttpResponse(b"")
            response["Allow"] = allow
            if "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:   # a browser's preflight
                asked = request.META.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "").split(",")
                headers = [h.strip().lower() for h in asked if _HEADER_NAME.fullmatch(h.strip())][:32]
                response["Access-Control-Allow-Methods"] = allow.replace(", OPTIONS", "")
                if headers:
                    response["Access-Control-Allow-Headers"] = ", ".join(headers)
                response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
                response["Vary"] = "Access-Control-Request-Headers"
                open_to_all(response)
            return response

        answer.http_methods = frozenset([*taken.http_methods, "OPTIONS"])  # type: ignore[attr-defined]
        return answer

    return decorate


def report_answer(request, check: bool, files=None, raised: Exception | None = None) -> HttpResponse:
    """The answer to ``POST /api/parse`` or ``/api/check`` once the caller may use it (``report_json``).
    Reached through the views below, or — for a call without a cookie or a token — straight from
    the front handler (``web/front.py``), which skips the middleware and the URL resolver, may have
    read the upload (``files``) itself (``web/multipart.py``), and may already have tried to answer
    and met an exception (``raised``: answered here as if it had been raised here)."""
    from gongkai.web.reportview import client_gone

    try:
        if raised is not None:
            raise raised
        data = report_json(request.FILES if files is None else files, check, client_gone(request),
                           getattr(request, "user", None))
    except isolate.Busy:
        raise  # 503 (errors.exception_response): the upload is fine, the server is busy — try again
    except GongkaiError as exc:
        return open_to_all(_error(shown_to(getattr(request, "user", None), str(exc))))
    return open_to_all(HttpResponse(data, content_type="application/json"))


@csrf_exempt
@public("POST")
@login_or_anonymous(api=True)
def parse(request):
    return report_answer(request, check=False)


@csrf_exempt
@public("POST")
@login_or_anonymous(api=True)
def check(request):
    return report_answer(request, check=True)


@answers("GET")
@login_needed(api=True)
def bodies(request):
    return json_response({"bodies": [{"id": b.pk, "name": b.name, "region_code": b.region_code,
                                      "review_body": b.review_body, "court": b.court}
                                     for b in readable_bodies(request.user)]})


# -- pages of a list ---------------------------------------------------------------------
MAX_PAGE = 10**9  # past any register's last page; SQLite's offset overflows at 2**63


def _whole(request, name: str, low: int, high: int, default: int | None = None) -> int | None:
    """The query value ``name`` as a whole number in [low, high], ``default`` when not given."""
    text = request.GET.get(name)
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):  # -3 was page 1; 10**20 a 500
        raise GongkaiError(f"{name} 应为 {low} 至 {high} 的整数，不能是“{shown(text, 20)}”")
    return int(text)


def _page(request) -> int:
    return _whole(request, "page", 1, MAX_PAGE, 1) or 1


def _listed(request, data: dict, total: int, page: int, size: int) -> HttpResponse:
    """A page of a list of ``total`` items, ``size`` a page, as JSON: ``total``, ``page_size``,
    ``page``, ``pages``, ``next`` and ``previous`` (whole URLs: this request's with another page;
    None past either end), then ``data``; the two links also in the ``Link`` header."""
    return _paged(request, {"total": total, "page_size": size}, page, max(1, -(-total // size)), data)


def _paged(request, head: dict, page: int, pages: int, data: dict) -> HttpResponse:
    """``head``, ``page``, ``pages``, ``next`` and ``previous`` (whole URLs: this request's with
    another page; None past either end), then ``data``, as JSON; the two links also in the
    ``Link`` header."""
    def at(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    links = {"next": at(page + 1) if page < pages else None,
             "previous": at(min(page, pages + 1) - 1) if page > 1 else None}
    response = json_response({**head, "page": page, "pages": pages, **links, **data})
    if header := ", ".join(f'<{url}>; rel="{rel}"' for rel, url in (("next", links["next"]), ("prev", links["previous"]))
                           if url):
        response["Link"] = header
    return response


def _wants_csv(request) -> bool:
    form = request.GET.get("format", "json")
    if form not in ("json", "csv"):
        raise GongkaiError(f"format 应为 json 或 csv，不能是“{shown(form, 20)}”")
    return form == "csv"


def _csv_answer(name: str, chunks, closing=None) -> StreamingHttpResponse:
    """CSV text sent as it is made (``export.csv_text``: pieces of 64 KB, never the whole table at
    once), as the download ``name``; ``closing``: called when the answer is done or abandoned."""
    class Stream:
        def __iter__(self):
            for text in chunks:
                yield text.encode("utf-8")

        def close(self) -> None:
            if closing is not None:
                closing()

    response = StreamingHttpResponse(Stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-cache"
    return response


# -- register ----------------------------------------------------------------------------


@answers("GET", "POST")
@body_view(write=True, api=True)
def requests_(request, body):
    reg = open_register(body)
    if request.method == "POST":
        ref = regsvc.new_request(reg, _json_body(request), request.user.username)
        return json_response(regsvc.request_detail(reg, ref, today(), sees_personal_data(request.user, body)), status=201)
    page = _page(request)
    rows, total, counts = regsvc.list_requests(reg, today(), request.GET.get("filter", "all"), page,
                                               request.GET.get("q", ""), sees_personal_data(request.user, body))
    return _listed(request, {"counts": counts, "requests": [r.to_dict() for r in rows]}, total, page, regsvc.PAGE_SIZE)


@answers("GET")
@body_view(api=True)
def request_(request, body, ref):
    return json_response(regsvc.request_detail(open_register(body), ref, today(),
                                              sees_personal_data(request.user, body)))


@answers("POST")
@body_view(write=True, api=True)
def events(request, body, ref):
    reg = open_register(body)
    regsvc.record_action(reg, ref, _json_body(request), request.user.username)
    return json_response(regsvc.request_detail(reg, ref, today(), sees_personal_data(request.user, body)),
                        status=201)


@answers("GET")
@body_view(api=True)
def letter(request, body, ref, kind):
    from gongkai.web.views_register import docx_response

    if not sees_personal_data(request.user, body):
        return _error("文书含申请人个人信息，只有本机关经办人可以下载。", 403)
    pdf = request.GET.get("format") == "pdf"
    try:
        n = request.GET.get("n", "")
        name, data = regsvc.letter_bytes(open_register(body), ref, kind, body.pk, pdf=pdf,
                                         nth=int(n) if n.isdigit() else None)
    except GongkaiError as exc:   # (LibreOffice's PDF: a reason may name a temporary folder)
        return _error(shown_to(request.user, exc.message), 400)
    return docx_response(name, data, "application/pdf" if pdf else None)


@answers("GET")
@body_view(api=True)
def table3(request, body, year):
    report = regsvc.table3(open_register(body), int(year), body.name)
    return json_response(report.to_dict())


# -- reports (编制) ------------------------------------------------------------------------
@answers("GET", "POST")
@body_view(write=True, api=True)
def reports(request, body):
    from gongkai.web import drafts

    if request.method == "POST":
        data = _json_body(request)
        draft, _taken, _warnings = drafts.create(body, data.get("year"), str(data.get("format") or "2021"), request.user.username,
                                                 prefill=bool(data.get("prefill", True)))
        return json_response(drafts.summary(draft), status=201)
    return json_response({"reports": [drafts.summary(d) for d in body.reports.all()]})


@answers("GET", "PUT")
@body_view(write=True, api=True)
def report(request, body, year):
    from gongkai.web import drafts

    draft = drafts.get(body, year)
    if request.method == "PUT":
        from gongkai.safeload import _utf8

        # strictly: invalid bytes were stored as U+FFFD in the report's text, without a word
        drafts.save_report_json(draft, _utf8(request.body, f"{draft.year}.json"), request.user.username)
    return json_response(drafts.report_of(draft).to_dict())


@answers("POST")
@body_view(write=True, api=True)
def report_from_register(request, body, year):
    from gongkai.web import drafts

    draft = drafts.get(body, year)
    drafts.fill_table3_from_register(draft, open_register(body), request.user.username)
    return json_response(drafts.report_of(draft).to_dict())


@answers("GET")
@body_view(api=True)
def report_build(request, body, year):
    from gongkai.web import drafts

    form = request.GET.get("to", "docx")
    draft = drafts.get(body, year)
    try:
        name, data, ctype = drafts.build(draft, form)
    except drafts.NotReady as exc:
        from gongkai.check import blocking

        return json_response({"error": exc.message, "findings": [f.to_dict() for f in blocking(drafts.findings_of(draft))]},
                            status=409)
    resp = HttpResponse(data, content_type=ctype)
    from urllib.parse import quote

    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@answers("GET")
@login_needed(api=True)
def corpus_stats(request):
    from gongkai.web import survey

    q = request.GET
    ids = bool(_whole(request, "ids", 0, 1, 0))  # each row's report numbers: only when asked (all of them, unpaged)
    if _wants_csv(request):  # the CSV of gongkai stats --csv
        from gongkai.corpus.export import csv_text
        from gongkai.corpus.stats import CSV_COLUMNS, csv_rows

        table = survey.stats_table(q.get("level"), q.get("region"), q.get("agency"), q.get("body"))[4]
        return _csv_answer("stats.csv", csv_text(CSV_COLUMNS + ["report_ids"] * ids, csv_rows(table, ids)))
    # The rows are whole on every page; the two lists of reports (one each over the whole corpus:
    # 28,492 covered and 21,666 duplicates, 4.9 MB, at 100,000 reports) go a page at a time.
    page = _page(request)
    size = _whole(request, "page_size", 1, STATS_LIST_MAX, STATS_LIST) or STATS_LIST
    data = survey.stats_json(q.get("level"), q.get("region"), q.get("agency"), q.get("body"), ids, page, size)
    return _paged(request, {"page_size": size}, page, data.pop("pages"), data)


STATS_LIST, STATS_LIST_MAX = 100, 1000  # reports of /api/corpus/stats's duplicates and covered a page


CORPUS_PAGE, CORPUS_PAGE_MAX = 100, 1000


def _corpus():
    from django.conf import settings

    from gongkai.corpus.store import Store

    return Store(settings.CORPUS_URL)


def _chosen(request) -> tuple[str, int | None, str, str] | None:
    """The reports a corpus query keeps — ``region`` (a code prefix), ``year``, ``agency`` (a name or
    part of one), ``body`` (an identity), as ``/api/corpus/stats`` takes them — or None: all."""
    from gongkai.web.survey import clean_region

    q = request.GET
    region, year = clean_region(q.get("region")), _whole(request, "year", 1, 9999)
    agency, body = (q.get("agency") or "").strip()[:200], (q.get("body") or "").strip()[:200]
    return (region, year, agency, body) if region or year is not None or agency or body else None


@answers("GET")
@login_needed(api=True)
def corpus_reports(request):
    """The readable reports of the corpus, by number, in a region (code prefix) and year and of a
    body when asked: a page of them as JSON (the columns of the export's reports table before
    the cells, each report's ``url``, then its ``received_at``, the export's last column), or all of
    them as CSV (``format=csv``)."""
    from gongkai.corpus.export import RECEIVED, REPORT_META, csv_text, report_meta, with_counts
    from gongkai.corpus.stats import select

    region, year, agency, body = _chosen(request) or ("", None, "", "")
    as_csv, page = _wants_csv(request), _page(request)
    size = _whole(request, "page_size", 1, CORPUS_PAGE_MAX, CORPUS_PAGE) or CORPUS_PAGE
    url = request.build_absolute_uri("/api/corpus/reports/")
    columns = [*REPORT_META, "url", RECEIVED[0]]
    store = _corpus()
    try:
        # A name or a body is matched in Python (however the name was printed); otherwise the
        # database counts the list and hands over one page, or streams it whole as CSV.
        named = select(store, region, year, agency, body) if agency or body else None
        if as_csv:
            reports = named if named is not None else store.each_report(region, year)
        else:
            start = (page - 1) * size
            total = len(named) if named is not None else store.count_reports(region, year)
            reports = (named[start:start + size] if named is not None
                       else store.reports(region, year, limit=size, offset=start) if start < total else [])
        rows = ([*report_meta(r, counts), f"{url}{r.id}", r.received_at] for r, counts in with_counts(store, reports))
        if as_csv:
            return _csv_answer("reports.csv", csv_text(columns, _paths_for(request, columns, rows)), store.close)
        shown_rows = list(_paths_for(request, columns, rows))
    except BaseException:
        store.close()
        raise
    store.close()
    return _listed(request, {"reports": [dict(zip(columns, row)) for row in shown_rows]}, total, page, size)


@answers("GET")
@login_needed(api=True)
def corpus_table(request, table):
    """A table of ``gongkai export --to csv`` (reports, cells, figures, findings, failures), the
    same bytes, streamed as it is read from the corpus (the cells table holds ~200 rows a report)."""
    from gongkai.corpus import export
    from gongkai.corpus.stats import select
    from gongkai.errors import NotFound

    if table not in export.TABLES:
        raise NotFound(f"没有表“{shown(table)}”：可下载的表为 {'、'.join(f'{t}.csv' for t in export.TABLES)}。")
    chosen = _chosen(request)
    if chosen is not None and table == "failures":
        raise GongkaiError("failures 表是未能读取的文件，没有地区、年度或机关，不能按这些筛选。")
    store = _corpus()
    try:
        reports = None if chosen is None else [r.id for r in select(store, *chosen)]
        columns, rows = export.table(store, table, reports)
    except BaseException:
        store.close()
        raise
    shown_rows = _paths_for(request, [c for c, _ in columns], rows)
    return _csv_answer(f"{table}.csv", export.csv_text(columns, shown_rows), store.close)


def _paths_for(request, columns: list[str], rows: Iterator[list]) -> Iterator[list]:
    """The rows with their ``path`` and ``reason`` columns as the visitor may see them: as stored
    for the administrator; for anyone else the file's name (``corpus.sources.as_given``) and the
    reason without the server's folders (``access.shown_to``)."""
    from gongkai.corpus.sources import as_given

    if sees_server_paths(request.user) or not {"path", "reason"} & set(columns):
        return rows
    cut = {i: as_given if c == "path" else partial(shown_to, None) for i, c in enumerate(columns) if c in ("path", "reason")}
    return ([cut[i](v) if i in cut and v else v for i, v in enumerate(row)] for row in rows)


@answers("GET")
@login_needed(api=True)
def corpus_report(request, doc_id):
    """A stored report with its findings as the corpus holds them (its ``report`` says the same)."""
    import json

    from gongkai.web import survey

    ctx = survey.report_context(doc_id, sees_server_paths(request.user))
    report = json.loads(ctx["report_json"]) if ctx["report_json"] else None
    # report_id as the list (/api/corpus/reports), the export and the Python API name it; id, its
    # name before, kept (an API's contract) and marked deprecated in the OpenAPI description.
    return json_response({"report_id": ctx["doc_id"], "id": ctx["doc_id"], "sha256": ctx["sha256"], "name": ctx["name"], "paths": ctx["paths"],
                          "status": ctx["status"],
                         "reason": ctx["reason"], "agency": ctx["agency"], "year": ctx["year"],
                         "region_code": ctx["code"] or None, "published": ctx["published"],
                         "received_at": ctx["received_at_iso"],
                         "counts": ctx["counts"], "findings": ctx["findings_json"], "report": report})


@answers("GET")
@login_needed(api=True)
def corpus_compare(request):
    from gongkai.web import survey

    missing = [name for name in ("a", "b") if not request.GET.get(name)]
    if missing:  # said “报告编号“None”无效”
        raise GongkaiError(f"缺少参数 {'、'.join(missing)}：要比较的两份报告的编号，如 ?a=11&b=12")
    return json_response(survey.compare_json(request.GET.get("a"), request.GET.get("b")))


@answers("GET")
@login_needed(api=True)
def corpus_rollup(request):
    from gongkai.web import survey

    region = survey.clean_region(request.GET.get("region"))
    return json_response(survey.rollup_json(request.GET.get("year"), region))


@public("GET")  # POST/PUT/DELETE answered the document
def openapi(request):
    from gongkai.web.openapi import document

    return open_to_all(json_response(document()))  # a client generator or viewer on another site reads it
