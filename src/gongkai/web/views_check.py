"""检查: upload one or many reports, see tables, findings and source; nothing is stored."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from django.conf import settings
from django.shortcuts import render

from gongkai.errors import GongkaiError
from gongkai.extract.recover import cross_year_scope
from gongkai.web import reportview
from gongkai.web.access import login_or_anonymous, shown_to
from gongkai.web.methods import answers
from gongkai.web.reportview import check_data, parse_previous, report_context

log = logging.getLogger("django.request")


@answers("GET", "POST")
@login_or_anonymous()
def check_page(request):
    results = []
    previous = None
    if request.method == "POST":
        files = request.FILES.getlist("file")
        previous = None
        if not files:
            results.append({"error": "请选择至少一个报告文件。", "name": ""})
        try:
            previous = parse_previous(request.FILES.get("previous"), request)
        except GongkaiError as exc:
            results.append({"error": shown_to(request.user, exc.message), "name": request.FILES["previous"].name})
            files = []
        for name, read in _each_report(files):
            try:
                checked = check_data(read(), name, previous, request)
                result = report_context(checked.report, checked.findings, checked.data, len(results) + 1,
                                        checked.document)
                result["name"] = name   # a ZIP's member as given: 包.zip!乡镇/某镇.txt
                # Last year's report of another body or year: said, and its figures cut nothing.
                result["previous_notes"] = checked.previous_notes
                result["compared"] = previous is not None and cross_year_scope(checked.report, previous)
                result["cut_by_last_year"] = checked.cut_by_last_year
                results.append(result)
            except GongkaiError as exc:
                results.append({"error": shown_to(request.user, exc.message), "name": name})
            except Exception as exc:
                log.exception("检查 %s 时出错", name)
                results.append({"error": f"读取时发生内部错误（{type(exc).__name__}），请把此文件报告给管理员。",
                                "name": name})
    template = "web/check_results.html" if request.headers.get("HX-Request") else "web/check.html"
    from gongkai.load import FORMS_ZH

    suffixes = ",".join(settings.UPLOAD_SUFFIXES)
    return render(request, template, {"results": results, "previous": previous, "max_mb": settings.MAX_UPLOAD_MB,
                                      "suffixes": suffixes, "with_zip": suffixes + ",.zip", "forms": FORMS_ZH,
                                      "summary": summary(results) if len(results) > 1 else None})


def _each_report(files) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """(name, read) of each report uploaded: a file as it is, a ZIP's members one by one as
    ``gongkai ingest`` reads them (``包.zip!成员``, in memory, under its limits), each checked as if
    uploaded alone; a member not read (a nested ZIP, a bomb, another kind of file) raises its
    reason under its own name, and the rest are checked.  At most DATA_UPLOAD_MAX_NUMBER_FILES
    reports across the request (a ZIP's limit alone let 50 ZIPs bring 2,500 reports into one
    synchronous request): a file or ZIP past the count is refused whole, by name."""
    most = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    taken = 0
    for upload in files:
        over = f"一次最多检查 {most} 份报告，前面的文件已有 {taken} 份："
        if not reportview.is_archive(upload.name):
            if taken >= most:
                yield upload.name, _refused(over + "此文件未检查，请另行上传。")
                continue
            taken += 1
            yield upload.name, _upload(upload)
            continue
        try:
            items = reportview.archive_items(upload)
        except GongkaiError as exc:
            yield upload.name, _refused(exc.message)
            continue
        reports = sum(1 for i in items if i.archive is not None)
        if taken + reports > most:
            yield upload.name, _refused(over + f"此压缩包中的 {reports} 份未检查，请另行上传。")
            continue
        taken += reports
        for item in items:
            yield item.path, _member(item)


def _upload(upload) -> Callable[[], bytes]:
    return lambda: reportview.read_upload(upload)  # one reader for the API and the page


def _refused(message: str) -> Callable[[], bytes]:
    def read() -> bytes:
        raise GongkaiError(message)
    return read


def _member(item) -> Callable[[], bytes]:
    return lambda: reportview.member_bytes(item)


def summary(results: list[dict]) -> dict:
    """Several files checked at once: the totals, so nothing below the fold goes unseen, and a
    row a file — the worst first (most errors, then warnings, then notices; ties in upload
    order), then those not read, as the index of ``gongkai check DIR --html`` lists them."""
    from gongkai.check.catalogue import must_correct

    read = [r for r in results if not r.get("error")]
    for r in read:   # what each must correct, by rule: the count alone did not say who must redo what
        r["error_rules"] = must_correct(f["rule"] for f in r["findings"] if f["severity"] == "error")
    totals = {s: sum(r["counts"][s] for r in read) for s in ("error", "warning", "notice")}
    worst = sorted(read, key=lambda r: tuple(-r["counts"][s] for s in ("error", "warning", "notice")))
    return {"files": len(results), "read": len(read), "failed": len(results) - len(read),
            "with_errors": sum(1 for r in read if r["counts"]["error"]), "totals": totals,
            "rows": worst + [r for r in results if r.get("error")]}
